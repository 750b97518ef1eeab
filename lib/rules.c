// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's ordering rules, said once for the file's planner and the
 * rollback's (lib/rules.h). Where they come from:
 * drivers/net/bonding/bond_options.c (the options flagged NOSLAVES and
 * IFDOWN: the PF_* flags of lib/kinds/bond.c's table), bond_main.c (a
 * slave joins down, the driver opens it and gives it the bond's MTU; a
 * released slave is closed and given back its MTU; the first slave to
 * join is the active one without a primary) and net/bridge (STP on raises
 * the forward-delay that the other fields are checked against: PF_ALONE).
 */
#include <string.h>

#include "rules.h"

void rules_fields(const struct param *tab, uint32_t m, struct field_rules *fr)
{
	memset(fr, 0, sizeof(*fr));
	for (const struct param *p = tab; p->word; p++) {
		uint32_t bit = 1U << p->field;

		if (!(m & bit))
			continue;
		if (p->flags & PF_IMMUTABLE)
			fr->immutable |= bit;
		if (p->flags & PF_NOSLAVES)
			fr->noslaves |= bit;
		if (p->flags & PF_IFDOWN)
			fr->ifdown |= bit;
	}
}

uint32_t rules_alone_first(const struct param *tab, const struct obj *want, uint32_t m)
{
	uint32_t off = 0, guarded = 0;

	for (const struct param *p = tab; p->word; p++) {
		uint32_t bit = 1U << p->field;

		if (!(m & bit))
			continue;
		if ((p->flags & PF_ALONE) && obj_has(want, p->field) && !want->v[p->field].u)
			off |= bit;
		if (p->flags & PF_GUARDED)
			guarded |= bit;
	}
	return guarded ? off : 0;
}

int rules_release_ports(const struct field_rules *fr)
{
	return fr->noslaves != 0;
}

int rules_down_first(const struct field_rules *fr)
{
	return fr->ifdown != 0;
}

static const struct port_rules masters[] = {
	{ .kind = "bond", .down_to_join = "a slave must be down to join", .opens_on_join = 1,
	  .closes_on_leave = 1, .sets_mtu = 1, .ordered = 1 },
	{ .kind = "bridge" },
};

const struct port_rules *rules_port(const char *k)
{
	static const struct port_rules none = { .kind = "" };

	for (size_t i = 0; k && i < sizeof(masters) / sizeof(masters[0]); i++)
		if (!strcmp(masters[i].kind, k))
			return &masters[i];
	return &none;
}
