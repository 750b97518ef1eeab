// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The link object: a device vnetctl does not create (a NIC, a PF, a
 * device another tool made), or any link by its name: up or down, its MTU,
 * its MAC, and the addresses and default gateways on it (DESIGN.md,
 * "link"). There is no link add or link del: the kinds that make links
 * make them. In a file, link set statements come after the others (rank),
 * so that a master takes a NIC's addresses over before a link statement
 * that declares none for it runs, and a released NIC gets its addresses
 * back after the release.
 *
 * show --config writes a link set line for the links that no other
 * statement describes and that carry something a user set: static
 * addresses or vnetctl's gateways, or a place as a port or slave (which
 * must be up); and for the end of a veth pair that its veth statement does
 * not describe, when that end holds addresses.
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
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

enum { K_UP, K_MTU, K_ADDR, K_ADDRS, K_GW, K_GW6 };

static const struct param link_params[] = {
	{ "up", K_UP, PT_FLAG, 1, 0, NULL, NULL, PN_FLAGS, 0, 0, NULL, "bring the link up", 0 },
	{ "down", K_UP, PT_FLAG, 0, 0, NULL, NULL, PN_FLAGS, 0, 0, NULL, "take the link down", 0 },
	{ "mtu", K_MTU, PT_UINT, 68, 65535, NULL, NULL, PN_LINK, IFLA_MTU, 4, "N",
	  "MTU in bytes (the device's driver bounds it)", 0 },
	{ "address", K_ADDR, PT_MAC, 0, 0, NULL, NULL, PN_LINK, IFLA_ADDRESS, 0, "MAC",
	  "MAC address", 0 },
	ADDR_PARAMS(K_ADDRS, K_GW, K_GW6),
	{ 0 }
};

static void link_current(const struct link *l, struct obj *o)
{
	obj_init(o);
	obj_set_u(o, K_UP, !!(l->flags & IFF_UP));
	obj_set_u(o, K_MTU, l->mtu);
	if (l->addrlen == 6) {
		memcpy(o->v[K_ADDR].mac, l->addr, 6);
		o->mask |= 1U << K_ADDR;
	}
}

static int link_plan(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		     const struct obj *want, struct plan *plan)
{
	const char *name = s->arg[0];
	const struct link *l = state_by_name(st, name);
	struct link_owner owner;
	struct obj cur;
	uint32_t m;

	if (!l || l->deleted)
		return vnet_fail(ctx, ENODEV,
				 "%s: no such link (link set changes a device that exists; bridge, bond, vlan and veth add make one)",
				 s->what);
	/* Part of another kind's object (a SEA's bridge or adapter): that statement changes it. */
	if (kind_owner(l, &owner))
		return vnet_fail(ctx, EBUSY, "%s: %s", s->what, owner.why);
	link_current(l, &cur);
	m = obj_diff(link_params, want, &cur, PN_LINK) | obj_diff(link_params, want, &cur, PN_FLAGS);
	if (m)
		plan_set(plan, &kind_link, s->what, name, want, &cur, m);
	obj_free(&cur);
	return 0;
}

/* ---- show ---- */

static const char *kind_text(const struct link *l)
{
	if (l->flags & IFF_LOOPBACK)
		return "loopback";
	return l->kind[0] ? l->kind : l->parent_dev ? "device" : "-";
}

static void show_text(struct vnet_ctx *ctx, struct state *st, const struct link *l)
{
	char mac[24] = "-";

	if (l->addrlen == 6)
		format_mac(l->addr, mac, sizeof(mac));
	fprintf(ctx->out, "%-15s %-10s %5u  %-17s  %-15s %-5s %s\n", l->name, kind_text(l), l->mtu, mac,
		l->master ? state_name(st, l->master) : "-", l->flags & IFF_UP ? "up" : "down",
		l->flags & IFF_LOWER_UP ? "carrier" : "no-carrier");
}

static struct json_object *show_json(struct state *st, const struct link *l)
{
	struct json_object *j = json_object_new_object();
	struct obj o;

	link_current(l, &o);
	json_object_object_add(j, "name", json_object_new_string(l->name));
	json_object_object_add(j, "kind", l->kind[0] ? json_object_new_string(l->kind) : NULL);
	json_add_fields(j, link_params, &o);
	json_object_object_add(j, "state", json_object_new_string(l->flags & IFF_UP ? "up" : "down"));
	json_object_object_add(j, "carrier", json_object_new_boolean(!!(l->flags & IFF_LOWER_UP)));
	json_object_object_add(j, "master",
			       l->master ? json_object_new_string(state_name(st, l->master)) : NULL);
	obj_free(&o);
	return j;
}

/*
 * Whether the statements of another kind describe l whole: a bridge, bond,
 * VLAN, the end of a veth pair that its veth statement is written from
 * (veth.c: the end with the higher index), or a link of a SEA.
 */
static int described_elsewhere(struct state *st, const struct link *l)
{
	const struct link *pl;

	if (kind_owner(l, NULL))
		return 1;
	if (strcmp(l->kind, "veth"))
		return kind_by_link_kind(l->kind) != NULL;
	pl = state_veth_peer(st, l);
	/* Its peer in another namespace: no veth statement here, a device like a NIC. */
	return pl && (l->ifindex > pl->ifindex || kind_owner(pl, NULL));
}

/*
 * The keywords of l's link set line but its addresses and gateways (which
 * show_conf adds to it); 0 when nothing of l is worth writing.
 */
static int link_words(struct vnet_ctx *ctx, struct state *st, const struct link *l, char *buf,
		      size_t len)
{
	char addrs[2048];
	int has_addrs = addr_words(st, l, addrs, sizeof(addrs)) > 0;
	const struct link *m = l->master ? state_by_index(st, l->master) : NULL;
	int port = m && kind_by_link_kind(m->kind);
	size_t o = 0;

	buf[0] = 0;
	if (l->flags & IFF_LOOPBACK || (!has_addrs && !port))
		return 0;
	if (state_veth_peer(st, l))
		return has_addrs; /* the rest is its veth statement's */
	/* A port's or slave's state and MTU matter to its master. */
	o += (size_t)snprintf(SN_AT(buf, len, o), " %s", l->flags & IFF_UP ? "up" : "down");
	if (l->mtu != 1500)
		o += (size_t)snprintf(SN_AT(buf, len, o), " mtu %u", l->mtu);
	/* A MAC a user set (NET_ADDR_SET), unless it is a bond's on its slave. */
	const char *names[1] = { l->name }, *attrs[1] = { "addr_assign_type" };
	long t = -1;

	if (l->addrlen == 6 && strcmp(l->slave_kind, "bond"))
		sysfs_net_read(ctx, names, attrs, 1, &t);
	if (t == 3) {
		char mac[24];

		format_mac(l->addr, mac, sizeof(mac));
		snprintf(SN_AT(buf, len, o), " address %s", mac);
	}
	return 1;
}

static void show_config(struct vnet_ctx *ctx, struct state *st, const struct link *l)
{
	char words[256];

	if (!described_elsewhere(st, l) && link_words(ctx, st, l, words, sizeof(words)))
		out_line(ctx, "link set %s%s", l->name, words);
}

static int link_show(struct vnet_ctx *ctx, const struct stmt *s, const char *name, int config)
{
	char header[200];

	(void)s;
	snprintf(header, sizeof(header), "%-15s %-10s %5s  %-17s  %-15s %-5s %s", "NAME", "KIND", "MTU",
		 "ADDRESS", "MASTER", "STATE", "CARRIER");
	return show_links(ctx, &kind_link, ST_LINKS, name, config, header, show_text, show_json,
			  show_config);
}

const struct kind kind_link = {
	.name = "link",
	.rank = 10,
	.params = link_params,
	.args = { "NAME" },
	.verbs = V_SET | V_SHOW,
	.summary = { NULL,
		     "change a device that exists (a NIC): up|down, mtu, address, addresses, gateways",
		     NULL,
		     "every link: table view, JSON with -j; --config: the links no other statement describes that carry addresses or are ports" },
	.plan = link_plan,
	.show = link_show,
	.conf = show_config,
	.addr_indent = "    ",
};
