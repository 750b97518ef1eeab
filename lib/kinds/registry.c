// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kind registry: the table of every statement object, and the questions
 * asked of all kinds at once (which kind a link is, which kind owns a link).
 * The parser, the reading of the host and the planner take their kinds from
 * here, and one kind learns about another's links only through this table.
 */
#include "../internal.h"
#include "../state.h"
#include "../kind.h"

#include <string.h>

/* Every statement object, sub-objects ("bridge port") after their parent; NULL ends it. */
const struct kind *const kind_table[] = { &kind_bridge, &kind_bridge_port, &kind_bond,
					  &kind_bond_slave, &kind_vlan, &kind_vf, &kind_sea,
					  &kind_veth, &kind_link, NULL };

const struct kind *kind_by_link_kind(const char *k)
{
	for (const struct kind *const *kp = kind_table; *kp; kp++)
		if ((*kp)->link_kind && !strcmp((*kp)->link_kind, k))
			return *kp;
	return NULL;
}

const struct kind *kind_owner(const struct link *l, struct link_owner *o)
{
	struct link_owner unused;

	for (const struct kind *const *kp = kind_table; *kp; kp++)
		if ((*kp)->owns && (*kp)->owns(l, o ? o : &unused)) {
			if (o)
				o->kind = *kp;
			return *kp;
		}
	return NULL;
}
