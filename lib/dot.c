// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnetctl show --dot: the host's links as a Graphviz graph, lower devices
 * at the bottom (NICs, VFs' PFs), bonds and VLANs over them, bridges over
 * their ports, guest ports at the top. A link without carrier, and a port
 * that STP blocks, are drawn red and dashed: the eye finds them first.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h" /* net/if.h before linux/if.h */

#include <linux/if.h>

#include "value.h"
#include "obj.h"
#include "state.h"
#include "plan.h"
#include "kind.h"
#include "views.h"

/* A name inside a DOT string: quotes and backslashes escaped. */
static void dot_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* What a link is, for its label and shape. */
static const char *role_of(const struct link *l, const char **shape, char *own, size_t len)
{
	struct link_owner o;
	const struct kind *k = kind_owner(l, &o);

	own[0] = 0;
	if (k)
		snprintf(own, len, "\\n%s %s", k->name, o.name);
	*shape = "box";
	if (!strcmp(l->kind, "bridge"))
		return *shape = "box3d", "bridge";
	if (!strcmp(l->kind, "bond"))
		return *shape = "octagon", "bond";
	if (!strcmp(l->kind, "vlan"))
		return *shape = "cds", "VLAN";
	if (l->num_vf > 0)
		return *shape = "component", "NIC (PF)";
	if (!l->kind[0] && l->parent_dev)
		return *shape = "component", "NIC";
	if (!strcmp(l->kind, "veth"))
		return *shape = "ellipse", k ? "adapter" : "veth";
	if (!strcmp(l->kind, "tun"))
		return *shape = "ellipse", "guest port";
	return *shape = "ellipse", l->kind[0] ? l->kind : "link";
}

static void dot_node(FILE *f, const struct link *l)
{
	const char *shape, *role;
	char own[64];
	int bad = (l->flags & IFF_UP) && !view_carrier(l);

	role = role_of(l, &shape, own, sizeof(own));
	fputs("  ", f);
	dot_str(f, l->name);
	fprintf(f, " [shape=%s, label=\"", shape);
	for (const char *s = l->name; *s; s++)
		fprintf(f, *s == '"' || *s == '\\' ? "\\%c" : "%c", *s);
	fprintf(f, "\\n%s%s", role, own);
	if (l->num_vf > 0)
		fprintf(f, "\\n%d VFs", l->num_vf);
	if (!(l->flags & IFF_UP))
		fputs("\\ndown", f);
	else if (bad)
		fputs("\\nno carrier", f);
	fprintf(f, "\"%s];\n", !(l->flags & IFF_UP) ? ", style=dashed, color=gray50"
				: bad ? ", style=dashed, color=red, fontcolor=red" : "");
}

/* An edge from a link to the one it stands on or belongs to. */
static void dot_edge(FILE *f, const struct link *from, const struct link *to, const char *label,
		     const char *style)
{
	const char *stp = from->master == to->ifindex ? view_stp_state(from) : NULL;
	int blocked = stp && strcmp(stp, "forwarding") && strcmp(stp, "disabled");
	int nocarrier = (from->flags & IFF_UP) && !view_carrier(from);

	fputs("  ", f);
	dot_str(f, from->name);
	fputs(" -> ", f);
	dot_str(f, to->name);
	fprintf(f, " [label=\"%s%s%s\"", label, stp && strcmp(stp, "forwarding") ? (label[0] ? " " : "") : "",
		stp && strcmp(stp, "forwarding") ? stp : "");
	if (style)
		fprintf(f, ", %s", style);
	if (blocked || nocarrier) /* the later style wins */
		fputs(", color=red, fontcolor=red, style=dashed, penwidth=2", f);
	fputs("];\n", f);
}

int view_dot(struct vnet_ctx *ctx)
{
	struct state st;
	FILE *f = ctx->out;
	int r = state_load(ctx, &st, ST_LINKS);

	if (r < 0)
		return r;
	fputs("digraph host {\n  rankdir=BT;\n  node [fontname=\"Helvetica\"];\n"
	      "  edge [fontname=\"Helvetica\", fontsize=10];\n", f);
	for (int i = 0; i < st.n; i++)
		if (strcmp(st.links[i].name, "lo"))
			dot_node(f, &st.links[i]);
	for (int i = 0; i < st.n; i++) {
		const struct link *l = &st.links[i], *m = state_by_index(&st, l->master);
		const struct link *low = l->link_netns ? NULL : state_by_index(&st, l->link);

		if (m)
			dot_edge(f, l, m, !strcmp(m->kind, "bond") ? "slave" : "", NULL);
		/* A VLAN (or any stacked link) over its lower device. */
		if (low && strcmp(l->kind, "veth"))
			dot_edge(f, low, l, "", "style=bold");
		/* A veth pair once, as a line without an arrow. */
		if (low && !strcmp(l->kind, "veth") && l->ifindex < low->ifindex &&
		    state_veth_peer(&st, l) == low)
			dot_edge(f, l, low, "veth", "dir=none, style=dotted");
	}
	fputs("}\n", f);
	state_free(&st);
	return 0;
}
