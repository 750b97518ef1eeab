// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The veth kind: a pair of linked interfaces, both in this namespace. The
 * statement names one end and its peer; mtu and up|down apply to both ends
 * unless peer-mtu or peer-state says otherwise for the peer; address and
 * peer-address are each end's own. The peer's name is fixed once created.
 *
 * A veth has no IFLA_INFO_DATA in a dump: its peer is IFLA_LINK (another
 * namespace's index when IFLA_LINK_NETNSID comes with it). The create request
 * carries the peer as VETH_INFO_PEER, an ifinfomsg and its own attributes;
 * deleting either end deletes both.
 */
#include "../internal.h" /* net/if.h before linux/if.h */
#include "../value.h"
#include "../obj.h"
#include "../state.h"
#include "../plan.h"
#include "../kind.h"
#include "../addr.h"
#include "../out.h"
#include "../sysfs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

enum { E_PEER, E_MTU, E_ADDR, E_PADDR, E_UP, E_PMTU, E_PSTATE, E_ADDRS, E_GW, E_GW6 };

static const char *const state_names[] = { "down", "up", NULL };

static const struct param veth_params[] = {
	{ "peer", E_PEER, PT_IFREF, 0, 0, NULL, NULL, PN_NONE, 0, 0, "PEER",
	  "the other end's name, in this namespace; fixed once created",
	  PF_IMMUTABLE | PF_DECLARES | PF_REQUIRED },
	{ "mtu", E_MTU, PT_UINT, 68, 65535, NULL, NULL, PN_LINK, IFLA_MTU, 4, "N",
	  "MTU in bytes, of both ends (unless peer-mtu)", 0, .def = "1500" },
	{ "address", E_ADDR, PT_MAC, 0, 0, NULL, NULL, PN_LINK, IFLA_ADDRESS, 0, "MAC",
	  "MAC address of NAME (default: random)", 0 },
	{ "peer-address", E_PADDR, PT_MAC, 0, 0, NULL, NULL, PN_NONE, 0, 0, "MAC",
	  "MAC address of the peer (default: random)", 0 },
	{ "up", E_UP, PT_FLAG, 1, 0, NULL, NULL, PN_FLAGS, 0, 0, NULL,
	  "bring both ends up (unless peer-state)", 0 },
	{ "down", E_UP, PT_FLAG, 0, 0, NULL, NULL, PN_FLAGS, 0, 0, NULL,
	  "take both ends down (unless peer-state)", 0 },
	{ "peer-mtu", E_PMTU, PT_UINT, 68, 65535, NULL, NULL, PN_NONE, 0, 0, "N",
	  "MTU of the peer, when it differs from NAME's", 0 },
	{ "peer-state", E_PSTATE, PT_ENUM, 0, 0, state_names, NULL, PN_NONE, 0, 0, "up|down",
	  "the peer up or down, when it differs from NAME", 0 },
	ADDR_PARAMS(E_ADDRS, E_GW, E_GW6),
	{ 0 }
};

static void set_mac(struct obj *o, int f, const struct link *l)
{
	if (l->addrlen == 6) {
		memcpy(o->v[f].mac, l->addr, 6);
		o->mask |= 1U << f;
	}
}

/* The pair as a statement would declare it, from l's side (no peer fields if it has none here). */
static void veth_current(const struct link *l, const struct link *pl, struct obj *o)
{
	obj_init(o);
	obj_set_u(o, E_MTU, l->mtu);
	set_mac(o, E_ADDR, l);
	obj_set_u(o, E_UP, !!(l->flags & IFF_UP));
	if (!pl)
		return;
	obj_set_u(o, E_PEER, (uint64_t)pl->ifindex);
	o->v[E_PEER].names.names = calloc(1, sizeof(*o->v[E_PEER].names.names));
	if (!o->v[E_PEER].names.names)
		abort();
	snprintf(o->v[E_PEER].names.names[0], VNET_NAMSIZ, "%s", pl->name);
	o->v[E_PEER].names.n = 1;
	set_mac(o, E_PADDR, pl);
	obj_set_u(o, E_PMTU, pl->mtu);
	obj_set_u(o, E_PSTATE, !!(pl->flags & IFF_UP));
}

/*
 * The peer's own fields, as NAME's words (mtu, address, up), so that a
 * change of the peer is an ordinary change step on it: from the peer-*
 * fields, else from the shared mtu and up|down.
 */
static void peer_side(const struct obj *w, struct obj *p)
{
	obj_init(p);
	if (obj_has(w, E_PMTU) || obj_has(w, E_MTU))
		obj_set_u(p, E_MTU, w->v[obj_has(w, E_PMTU) ? E_PMTU : E_MTU].u);
	if (obj_has(w, E_PADDR)) {
		memcpy(p->v[E_ADDR].mac, w->v[E_PADDR].mac, 6);
		p->mask |= 1U << E_ADDR;
	}
	if (obj_has(w, E_PSTATE) || obj_has(w, E_UP))
		obj_set_u(p, E_UP, w->v[obj_has(w, E_PSTATE) ? E_PSTATE : E_UP].u);
}

static int veth_check(struct vnet_ctx *ctx, const struct stmt *s, const struct obj *want)
{
	const struct val *p = &want->v[E_PEER];

	if (obj_has(want, E_PEER) && !p->names.n)
		return vnet_usage(ctx, want->word[E_PEER] + 1,
				  "%s: peer: a veth always has a peer, not none", s->what);
	if (s->verb == V_ADD && !obj_has(want, E_PEER))
		return vnet_usage(ctx, -1, "%s: add needs peer PEER", s->what);
	if (obj_has(want, E_PEER) && !strcmp(p->names.names[0], s->arg[0]))
		return vnet_usage(ctx, want->word[E_PEER] + 1, "%s: peer: the two ends need two names",
				  s->what);
	if (obj_has(want, E_ADDR) && obj_has(want, E_PADDR) &&
	    !memcmp(want->v[E_ADDR].mac, want->v[E_PADDR].mac, 6))
		return vnet_usage(ctx, want->word[E_PADDR] + 1,
				  "%s: peer-address: the same as address; the two ends need two", s->what);
	return 0;
}

static const char *kind_text(const struct link *l)
{
	return l->kind[0] ? l->kind : "a device without a kind";
}

/* A step that brings the peer up or down on its own (it cannot come up in the create). */
static struct op *peer_updown(struct plan *plan, const char *what, const char *peer, int up)
{
	struct op *op = plan_add(plan, OP_SET, &kind_veth, peer);

	obj_set_u(op_obj_w(op), E_UP, (uint64_t)up);
	op->fields = 1U << E_UP;
	op_textf(op, "%s: peer %s %s", what, peer, up ? "up" : "down");
	return op;
}

/* Deletes the pair l and pl (a rollback makes both again from its record). */
static void plan_delete(struct state *st, const struct stmt *s, const struct link *l,
			const struct link *pl, struct plan *plan)
{
	struct op *op = plan_add(plan, OP_DELETE, &kind_veth, l->name);
	char up1[200];

	snprintf(up1, sizeof(up1), "%s", vlan_uppers_text(st, l));
	op_textf(op, "%s: delete (and with it its peer %s)%s%s", s->what, pl->name, up1,
		 vlan_uppers_text(st, pl));
}

static int veth_plan(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		     const struct obj *want, struct plan *plan)
{
	const char *name = s->arg[0];
	const struct link *l = state_by_name(st, name);
	const char *peer = obj_has(want, E_PEER) ? want->v[E_PEER].names.names[0] : NULL;

	if (l && strcmp(l->kind, "veth"))
		return vnet_refuse(ctx, EEXIST, "%s: %s exists and is %s%s, not a veth", s->what, name,
				 l->kind[0] ? "a " : "", kind_text(l));
	struct link *pl = l ? state_veth_peer(st, l) : NULL;
	struct link_owner owner;

	/* Either end another kind's (a SEA's adapter): that kind's statements change it. */
	if (l && (kind_owner(l, &owner) || (pl && kind_owner(pl, &owner))))
		return vnet_fail(ctx, EBUSY, "%s: %s", s->what, owner.why);
	if (s->verb == V_DEL) {
		/* Its peer elsewhere could not be made again there if a later step failed. */
		if (l && !pl)
			return vnet_fail(ctx, EXDEV, "%s: its peer is in another namespace, where an undo could not make it again; delete it with ip link del %s",
					 s->what, name);
		if (l)
			plan_delete(st, s, l, pl, plan);
		return 0;
	}
	if (!l && s->verb == V_SET)
		return vnet_fail(ctx, ENODEV, "%s: no such veth", s->what);
	if (!l) {
		const struct link *taken = state_by_name(st, peer);
		struct obj p;

		if (taken)
			return vnet_refuse(ctx, EEXIST, "%s: peer %s exists already (%s%s)", s->what, peer,
					 taken->kind[0] ? "a " : "", kind_text(taken));
		plan_create(plan, &kind_veth, s->what, name, want, want->mask)->peer_group = VNET_GROUP;
		peer_side(want, &p);
		if (obj_has(&p, E_UP) && p.v[E_UP].u)
			peer_updown(plan, s->what, peer, 1);
		obj_free(&p);
		return 0;
	}
	if (!pl && (peer || obj_has(want, E_PADDR) || obj_has(want, E_PMTU) || obj_has(want, E_PSTATE)))
		return vnet_fail(ctx, EXDEV, "%s: its peer is not in this namespace, so its peer fields cannot be set here",
				 s->what);
	if (peer && strcmp(pl->name, peer))
		return vnet_fail(ctx, EBUSY, "%s: peer: the peer is %s, not %s, and a veth's peer cannot change (del, then add)",
				 s->what, pl->name, peer);
	struct obj cur, pw, pc;
	uint32_t m;

	veth_current(l, pl, &cur);
	m = obj_diff(veth_params, want, &cur, PN_LINK) | obj_diff(veth_params, want, &cur, PN_FLAGS);
	if (m)
		plan_set(plan, &kind_veth, s->what, name, want, &cur, m);
	if (pl) {
		char what[96];

		peer_side(want, &pw);
		veth_current(pl, NULL, &pc); /* the peer's own mtu, address and state */
		m = obj_diff(veth_params, &pw, &pc, PN_LINK) | obj_diff(veth_params, &pw, &pc, PN_FLAGS);
		snprintf(what, sizeof(what), "%s peer %s", s->what, pl->name);
		if (m)
			plan_set(plan, &kind_veth, what, pl->name, &pw, &pc, m);
		obj_free(&pw);
		obj_free(&pc);
	}
	obj_free(&cur);
	return 0;
}

static void veth_put_peer(struct nlmsghdr *nlh, const char *name, int ifindex, uint32_t mtu,
		   const uint8_t *mac, uint32_t group)
{
	struct nlattr *peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));

	ifm->ifi_index = ifindex;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	if (group)
		mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	/* Never up here: veth_open() refuses until both ends are paired (a step of its own). */
	mnl_attr_nest_end(nlh, peer);
}

/* Inside IFLA_INFO_DATA of a create: the peer, its name and its own fields. */
static int veth_put_data(struct vnet_ctx *ctx, struct nlmsghdr *nlh, const struct op *op)
{
	const struct obj *o = op_obj(op);
	struct obj p;

	(void)ctx;
	if (!obj_has(o, E_PEER) || !o->v[E_PEER].names.n)
		return 0;
	peer_side(o, &p);
	veth_put_peer(nlh, o->v[E_PEER].names.names[0], 0,
		      obj_has(&p, E_MTU) ? (uint32_t)p.v[E_MTU].u : 0,
		      obj_has(&p, E_ADDR) ? p.v[E_ADDR].mac : NULL, op->peer_group);
	obj_free(&p);
	return 1;
}

/* A create makes the peer too (down: its own step brings it up). */
static void veth_simulate(struct state *st, const struct op *op)
{
	struct link *a = state_by_name(st, op->name), *b;
	struct obj p;

	if (op->type != OP_CREATE || !a || !obj_has(op_obj(op), E_PEER) ||
	    !op_obj(op)->v[E_PEER].names.n)
		return;
	b = state_sim_link(st, op_obj(op)->v[E_PEER].names.names[0], "veth");
	a = state_by_name(st, op->name); /* the array may have moved */
	peer_side(op_obj(op), &p);
	if (obj_has(&p, E_MTU))
		b->mtu = (unsigned int)p.v[E_MTU].u;
	if (obj_has(&p, E_ADDR)) {
		memcpy(b->addr, p.v[E_ADDR].mac, 6);
		b->addrlen = 6;
		b->mac_by = MAC_USER;
	}
	b->group = op->peer_group;
	obj_free(&p);
	a->link = b->ifindex;
	b->link = a->ifindex;
}

/* ---- show ---- */

/*
 * Each pair once, unless one end was named: from its end with the higher
 * index, the end a create names (the kernel registers the peer first).
 */
static int shown_from_here(struct state *st, const struct link *l)
{
	const struct link *pl = state_veth_peer(st, l);

	return !pl || l->ifindex > pl->ifindex;
}

static void show_text(struct vnet_ctx *ctx, struct state *st, const struct link *l)
{
	const struct link *pl = state_veth_peer(st, l);
	char a[24] = "-", b[24] = "-", mtu[16];

	if (l->addrlen == 6)
		format_mac(l->addr, a, sizeof(a));
	if (pl && pl->addrlen == 6)
		format_mac(pl->addr, b, sizeof(b));
	if (pl && pl->mtu != l->mtu)
		snprintf(mtu, sizeof(mtu), "%u/%u", l->mtu, pl->mtu);
	else
		snprintf(mtu, sizeof(mtu), "%u", l->mtu);
	fprintf(ctx->out, "%-15s %-15s %-11s %-17s  %-17s  %-15s %-15s %s/%s\n", l->name,
		pl ? pl->name : l->link_netns ? "(other netns)" : "-", mtu, a, b,
		l->master ? state_name(st, l->master) : "-",
		pl && pl->master ? state_name(st, pl->master) : "-", l->flags & IFF_UP ? "up" : "down",
		!pl ? "-" : pl->flags & IFF_UP ? "up" : "down");
}

static struct json_object *show_json(struct state *st, const struct link *l)
{
	struct json_object *j = json_object_new_object();
	const struct link *pl = state_veth_peer(st, l);
	struct obj o;

	veth_current(l, pl, &o);
	json_object_object_add(j, "name", json_object_new_string(l->name));
	json_add_fields(j, veth_params, &o);
	json_object_object_add(j, "state", json_object_new_string(l->flags & IFF_UP ? "up" : "down"));
	json_object_object_add(j, "master",
			       l->master ? json_object_new_string(state_name(st, l->master)) : NULL);
	if (pl)
		json_object_object_add(j, "peer_master",
				       pl->master ? json_object_new_string(state_name(st, pl->master))
						  : NULL);
	else
		json_object_object_add(j, "peer_in_other_netns", json_object_new_boolean(1));
	obj_free(&o);
	return j;
}

static void show_config(struct vnet_ctx *ctx, struct state *st, const struct link *l)
{
	const struct link *pl = state_veth_peer(st, l);
	struct obj o;
	char txt[512];

	if (kind_owner(l, NULL) || (pl && kind_owner(pl, NULL)))
		return; /* another kind's (a SEA's adapter): its statement makes it */
	if (!pl) {
		out_line(ctx, "# veth %s: its peer is in another namespace; not described", l->name);
		return;
	}
	veth_current(l, pl, &o);
	/* The peer's MTU and state only where they differ from NAME's. */
	if (o.v[E_PMTU].u == o.v[E_MTU].u)
		o.mask &= ~(1U << E_PMTU);
	if (o.v[E_PSTATE].u == o.v[E_UP].u)
		o.mask &= ~(1U << E_PSTATE);
	/*
	 * A MAC only where it was set (addr_assign_type NET_ADDR_SET), not the
	 * kernel's random one: a file applied on another host must not give two
	 * links one MAC. On this host, an address left out is no change.
	 */
	const char *names[2] = { l->name, pl->name }, *attrs[2] = { "addr_assign_type",
								   "addr_assign_type" };
	long t[2];

	sysfs_net_read(ctx, names, attrs, 2, t);
	if (t[0] != 3)
		o.mask &= ~(1U << E_ADDR);
	if (t[1] != 3)
		o.mask &= ~(1U << E_PADDR);
	obj_format(veth_params, &o, obj_non_default(veth_params, &o) & o.mask, txt, sizeof(txt));
	out_line(ctx, "veth add %s %s", l->name, txt);
	obj_free(&o);
}

/* The pair's row, then a line for each end that has addresses or a gateway. */
static void text_row(struct vnet_ctx *ctx, struct state *st, const struct link *l)
{
	const struct link *pl = state_veth_peer(st, l);
	char prefix[VNET_NAMSIZ + 8];

	show_text(ctx, st, l);
	snprintf(prefix, sizeof(prefix), "    %s: ", l->name);
	addr_view_line(ctx->out, st, l, prefix);
	if (pl) {
		snprintf(prefix, sizeof(prefix), "    %s: ", pl->name);
		addr_view_line(ctx->out, st, pl, prefix);
	}
}

static void text_pair(struct vnet_ctx *ctx, struct state *st, const struct link *l)
{
	if (shown_from_here(st, l))
		text_row(ctx, st, l);
}

static void config_pair(struct vnet_ctx *ctx, struct state *st, const struct link *l)
{
	if (shown_from_here(st, l))
		show_config(ctx, st, l);
}

static struct json_object *json_pair(struct state *st, const struct link *l)
{
	return shown_from_here(st, l) ? show_json(st, l) : NULL;
}

static int veth_show(struct vnet_ctx *ctx, const struct stmt *s, const char *name, int config)
{
	char header[200];

	(void)s;
	snprintf(header, sizeof(header), "%-15s %-15s %-11s %-17s  %-17s  %-15s %-15s %s", "NAME",
		 "PEER", "MTU", "ADDRESS", "PEER-ADDRESS", "MASTER", "PEER-MASTER", "STATE");
	if (name)
		return show_links(ctx, &kind_veth, ST_LINKS, name, config, header, text_row, show_json,
				  show_config);
	return show_links(ctx, &kind_veth, ST_LINKS, NULL, config, header, text_pair, json_pair,
			  config_pair);
}

const struct kind kind_veth = {
	.name = "veth",
	.rank = 2,
	.link_kind = "veth",
	.params = veth_params,
	.args = { "NAME" },
	.verbs = V_ADD | V_SET | V_DEL | V_SHOW,
	.missing = "this kernel has no veth driver: modprobe veth (or a kernel built with CONFIG_VETH)",
	.module = "veth",
	.summary = { "create a veth pair NAME/PEER or bring it to these settings",
		     "change an existing veth pair", "delete a veth pair (both ends)",
		     "table view (each pair once), JSON with -j, statements with --config" },
	.check = veth_check,
	.plan = veth_plan,
	.show = veth_show,
	.conf = show_config,
	.simulate = veth_simulate,
	.put_data = veth_put_data,
	.put_peer = veth_put_peer,
};
