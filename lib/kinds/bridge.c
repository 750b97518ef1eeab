// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bridge kind: bridges (IFLA_BR_*), their ports (IFLA_BRPORT_*, sent as
 * AF_BRIDGE IFLA_PROTINFO because a port-only change sent as RTM_NEWLINK
 * slave data needs the slave kind and is easy to get silently ignored) and
 * port VLANs (AF_BRIDGE IFLA_AF_SPEC entries, ranges in one request).
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/if_bridge.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>

#include "../internal.h"
#include "../value.h"
#include "../obj.h"
#include "../state.h"
#include "../plan.h"
#include "../rules.h"
#include "../kind.h"
#include "../addr.h"
#include "../out.h"
#include "../attr.h"
#include "../sysfs.h"
#include "../suggest.h"
#include "../views.h"
#include "../diagnose.h"

enum {
	BR_STP, BR_PRIO, BR_FWD, BR_HELLO, BR_MAXAGE, BR_AGEING, BR_VLANF, BR_VPROTO,
	BR_DPVID, BR_MCSNOOP, BR_MTU, BR_ADDR, BR_PORTS, BR_UP, BR_ADDRS, BR_GW, BR_GW6,
	BR_GPORTS,
};

enum {
	P_COST, P_PRIO, P_HAIRPIN, P_GUARD, P_LEARNING, P_FLOOD, P_MCFLOOD, P_ISOLATED,
	P_PVID, P_VLANS, P_UNTAGGED,
};

static const char *const vproto_names[] = { "802.1q", "802.1ad", NULL };
static const uint64_t vproto_values[] = { ETH_P_8021Q, ETH_P_8021AD };

#define BOOLP(w, f, n, a, wd, h, d) \
	{ w, f, PT_BOOL, 0, 1, NULL, NULL, n, a, wd, "on|off", h, .def = d }

/* Without it the kernel refuses vlan-filtering on and port VLANs, and ignores the protocol and default PVID. */
#define NO_VLAN_FILTERING \
	"this kernel has no bridge VLAN filtering: it needs a kernel built with CONFIG_BRIDGE_VLAN_FILTERING", \
	IFLA_BR_VLAN_PROTOCOL

static const struct param br_params[] = {
	/* The kernel checks forward-delay against the STP state in force (2-30 while on). */
	{ "stp", BR_STP, PT_BOOL, 0, 1, NULL, NULL, PN_INFO, IFLA_BR_STP_STATE, 4, "on|off",
	  "run the kernel's spanning tree (default off)", PF_ALONE, .def = "off" },
	{ "priority", BR_PRIO, PT_UINT, 0, 65535, NULL, NULL, PN_INFO, IFLA_BR_PRIORITY, 2, "N",
	  "bridge priority, the high part of the bridge id (default 32768)", .def = "32768" },
	{ "forward-delay", BR_FWD, PT_CSEC, 0, 3000, NULL, NULL, PN_INFO, IFLA_BR_FORWARD_DELAY,
	  4, "SECONDS", "listening and learning time; 2-30 while STP is on (default 15)", PF_GUARDED,
	  .def = "15" },
	{ "hello-time", BR_HELLO, PT_CSEC, 100, 1000, NULL, NULL, PN_INFO, IFLA_BR_HELLO_TIME,
	  4, "SECONDS", "interval between hello BPDUs, 1-10 (default 2)", PF_GUARDED, .def = "2" },
	{ "max-age", BR_MAXAGE, PT_CSEC, 600, 4000, NULL, NULL, PN_INFO, IFLA_BR_MAX_AGE, 4,
	  "SECONDS", "how long a BPDU stays valid, 6-40 (default 20)", PF_GUARDED, .def = "20" },
	{ "ageing-time", BR_AGEING, PT_CSEC, 0, 100000000, NULL, NULL, PN_INFO,
	  IFLA_BR_AGEING_TIME, 4, "SECONDS", "how long a learnt address lives (default 300)",
	  .def = "300" },
	{ "vlan-filtering", BR_VLANF, PT_BOOL, 0, 1, NULL, NULL, PN_INFO, IFLA_BR_VLAN_FILTERING, 1,
	  "on|off", "filter frames by the ports' VLANs (default off)", 0, NO_VLAN_FILTERING, .def = "off" },
	{ "vlan-protocol", BR_VPROTO, PT_ENUM, 0, 0, vproto_names, vproto_values, PN_INFO,
	  IFLA_BR_VLAN_PROTOCOL, W_BE16, "802.1q|802.1ad",
	  "the VLAN tag the bridge filters on (default 802.1q)", 0, NO_VLAN_FILTERING, .def = "802.1q" },
	{ "default-pvid", BR_DPVID, PT_PVID, 0, 0, NULL, NULL, PN_INFO, IFLA_BR_VLAN_DEFAULT_PVID,
	  2, "N|none", "the PVID a new port gets, untagged (default 1)", 0, NO_VLAN_FILTERING, .def = "1" },
	BOOLP("mcast-snooping", BR_MCSNOOP, PN_INFO, IFLA_BR_MCAST_SNOOPING, 1,
	      "IGMP/MLD snooping (default on)", "on"),
	{ "mtu", BR_MTU, PT_UINT, 68, 65535, NULL, NULL, PN_LINK, IFLA_MTU, 4, "N",
	  "MTU in bytes" },
	{ "address", BR_ADDR, PT_MAC, 0, 0, NULL, NULL, PN_LINK, IFLA_ADDRESS, 6, "MAC",
	  "the bridge's MAC address" },
	{ "ports", BR_PORTS, PT_NAMES, 0, 0, NULL, NULL, PN_NONE, 0, 0, "IF[,IF...]|none",
	  "exactly these ports; others are released" },
	{ "guest-ports", BR_GPORTS, PT_NAMES, 0, 0, NULL, NULL, PN_NONE, 0, 0,
	  "PATTERN[,PATTERN...]|none",
	  "guests' ports (shell patterns: vif*): attached when present, never required or released",
	  PF_PATTERNS },
	{ "up", BR_UP, PT_FLAG, 1, 0, NULL, NULL, PN_FLAGS, 0, 0, NULL, "bring the bridge up" },
	{ "down", BR_UP, PT_FLAG, 0, 0, NULL, NULL, PN_FLAGS, 0, 0, NULL, "take the bridge down" },
	ADDR_PARAMS(BR_ADDRS, BR_GW, BR_GW6),
	{ 0 }
};

static const struct param port_params[] = {
	{ "cost", P_COST, PT_UINT, 1, 65535, NULL, NULL, PN_PORT, IFLA_BRPORT_COST, 4, "N",
	  "STP path cost (default from the link speed)" },
	{ "priority", P_PRIO, PT_UINT, 0, 63, NULL, NULL, PN_PORT, IFLA_BRPORT_PRIORITY, 2, "N",
	  "STP port priority, 0-63 (default 32)", .def = "32" },
	BOOLP("hairpin", P_HAIRPIN, PN_PORT, IFLA_BRPORT_MODE, 1,
	      "send frames back out of the port they came in on (default off)", "off"),
	BOOLP("guard", P_GUARD, PN_PORT, IFLA_BRPORT_GUARD, 1,
	      "BPDU guard: block the port on a received BPDU (default off)", "off"),
	BOOLP("learning", P_LEARNING, PN_PORT, IFLA_BRPORT_LEARNING, 1,
	      "learn source addresses (default on)", "on"),
	BOOLP("flood", P_FLOOD, PN_PORT, IFLA_BRPORT_UNICAST_FLOOD, 1,
	      "flood unknown unicast to the port (default on)", "on"),
	BOOLP("mcast-flood", P_MCFLOOD, PN_PORT, IFLA_BRPORT_MCAST_FLOOD, 1,
	      "flood unknown multicast to the port (default on)", "on"),
	BOOLP("isolated", P_ISOLATED, PN_PORT, IFLA_BRPORT_ISOLATED, 1,
	      "forward only to non-isolated ports (default off)", "off"),
	{ "pvid", P_PVID, PT_PVID, 0, 0, NULL, NULL, PN_NONE, 0, 0, "N|none",
	  "VLAN of frames that arrive untagged", 0, NO_VLAN_FILTERING },
	{ "vlans", P_VLANS, PT_VLANS, 0, 0, NULL, NULL, PN_NONE, 0, 0, "LIST|none",
	  "VLANs the port carries tagged", 0, NO_VLAN_FILTERING },
	{ "untagged", P_UNTAGGED, PT_VLANS, 0, 0, NULL, NULL, PN_NONE, 0, 0, "LIST|none",
	  "VLANs that leave the port untagged", 0, NO_VLAN_FILTERING },
	{ 0 }
};

/* The ports whose speed show --config reads (a bridge takes at most 1023). */
#define BR_MAX_READ 1024

#define VLAN_FIELDS ((1U << P_PVID) | (1U << P_VLANS) | (1U << P_UNTAGGED))

/*
 * A bridge's guest-port patterns live in its interface alias, the one thing
 * the kernel keeps for vnetctl, and after them the settings of each "bridge
 * port BRIDGE PATTERN" statement: "vnetctl-guest-ports:vif*,tap*|vif*
 * isolated on|tap* pvid 3 untagged 3". So show --config writes the
 * patterns and their settings, for guests to come, and a later statement
 * that leaves guest-ports out still spares the guests.
 */
#define GP_MARK "vnetctl-guest-ports:"
#define ALIAS_MAX 255 /* IFALIASZ - 1 */

/* The part of br's alias after the mark ("" when it has none). */
static const char *gp_text(const struct link *br)
{
	const char *a = link_alias(br);

	return strncmp(a, GP_MARK, strlen(GP_MARK)) ? "" : a + strlen(GP_MARK);
}

/* The patterns of br's alias as written there ("vif*,tap*"; "" for none). */
static void gp_pats(const struct link *br, char *buf, size_t len)
{
	const char *t = gp_text(br);

	snprintf(buf, len, "%.*s", (int)strcspn(t, "|"), t);
}

/* The patterns of br's alias (none: an empty list; free with namelist_free). */
static void guest_patterns(const struct link *br, struct namelist *out)
{
	char pats[ALIAS_MAX + 1];
	const char *why;

	memset(out, 0, sizeof(*out));
	gp_pats(br, pats, sizeof(pats));
	if (pats[0])
		parse_namelist(pats, out, &why);
}

/* A "bridge port BRIDGE PATTERN" statement's settings, as the alias keeps them. */
struct gp_rec {
	char pat[VNET_NAMSIZ];
	char words[ALIAS_MAX + 1];
	struct obj o;
};

/* The records of br's alias, in their order (free with gp_free); how many. */
static int gp_records(struct vnet_ctx *ctx, const struct link *br, struct gp_rec **out)
{
	const char *t = strchr(gp_text(br), '|');
	struct gp_rec *r = NULL;
	int n = 0;

	while (t) {
		char buf[ALIAS_MAX + 1], *argv[64];
		int argc = 0;
		const char *next = strchr(t + 1, '|');

		snprintf(buf, sizeof(buf), "%.*s", next ? (int)(next - t - 1) : (int)strlen(t + 1), t + 1);
		t = next;
		for (char *w = strtok(buf, " "); w && argc < 64; w = strtok(NULL, " "))
			argv[argc++] = w;
		if (argc < 1 || strlen(argv[0]) >= VNET_NAMSIZ)
			continue;
		struct gp_rec *nr = realloc(r, (size_t)(n + 1) * sizeof(*r));

		if (!nr)
			abort();
		r = nr;
		memset(&r[n], 0, sizeof(r[n]));
		str_copy(r[n].pat, sizeof(r[n].pat), argv[0]);
		obj_init(&r[n].o);
		if (param_parse(ctx, port_params, "guest settings", argc, argv, 1, &r[n].o) < 0) {
			vnet_clear_error(ctx); /* not vnetctl's words: left out */
			obj_free(&r[n].o);
			continue;
		}
		obj_format(port_params, &r[n].o, r[n].o.mask, r[n].words, sizeof(r[n].words));
		n++;
	}
	*out = r;
	return n;
}

static void gp_free(struct gp_rec *r, int n)
{
	for (int i = 0; i < n; i++)
		obj_free(&r[i].o);
	free(r);
}

/*
 * The fields of port o (named name) that the records give it as it has
 * them (the later record wins); in *differ, those they give otherwise.
 */
static uint32_t gp_given(const struct gp_rec *r, int n, const char *name, const struct obj *o,
			 uint32_t *differ)
{
	struct obj eff;
	uint32_t same = 0;

	*differ = 0;
	obj_init(&eff);
	for (int i = 0; i < n; i++)
		if (!fnmatch(r[i].pat, name, 0))
			obj_copy_fields(&eff, &r[i].o, r[i].o.mask);
	for (const struct param *p = port_params; p->word; p++) {
		if (!obj_has(&eff, p->field) || !obj_has(o, p->field))
			continue;
		if (val_equal(p, &eff.v[p->field], &o->v[p->field]))
			same |= 1U << p->field;
		else
			*differ |= 1U << p->field;
	}
	obj_free(&eff);
	return same;
}

/* An alias longer than the kernel keeps still shows as one, cut: room for that. */
#define GP_BUF (4 * ALIAS_MAX)

/* The alias of patterns pats with the records r, in buf (GP_BUF bytes). */
static void gp_alias(char *buf, const char *pats, const struct gp_rec *r, int n)
{
	size_t o = (size_t)snprintf(buf, GP_BUF, "%s%s", GP_MARK, pats);

	for (int i = 0; i < n && o < GP_BUF; i++)
		o += (size_t)snprintf(buf + o, GP_BUF - o, "|%s %s", r[i].pat, r[i].words);
	if (!pats[0] && !n)
		buf[0] = 0; /* nothing to keep: no alias */
}

/* The step that writes alias on the bridge named; NULL, with *r set, when the kernel cannot keep it. */
static struct op *gp_plan_alias(struct vnet_ctx *ctx, struct plan *plan, const char *bridge,
				const char *what, const char *alias, int *r)
{
	*r = 0;
	if (strlen(alias) > ALIAS_MAX) {
		*r = vnet_refuse(ctx, ENOSPC, "%s: the guest patterns and their settings take more than the %d bytes of the bridge's alias",
				 what, ALIAS_MAX);
		return NULL;
	}
	return plan_alias(plan, &kind_bridge, bridge, alias);
}

/* A link a guest pattern may take: not the bridge, not a bridge, not the loopback. */
static int guest_candidate(const struct link *l, const struct link *br, const char *bridge)
{
	return strcmp(l->name, bridge) && (!br || l->ifindex != br->ifindex) &&
	       strcmp(l->kind, "bridge") && !(l->flags & IFF_LOOPBACK);
}

/* Fills kobj (bridge) or pobj (port) from the kernel's attributes. */
static void bridge_decode(struct link *l, const struct nlattr *data, int slave)
{
	const struct nlattr *a;

	obj_decode(slave ? port_params : br_params, slave ? PN_PORT : PN_INFO, data,
		   slave ? l->pobj : l->kobj);
	attr_for_each_nested(a, data) {
		unsigned int t = attr_type(a);

		if (slave && t == IFLA_BRPORT_STATE)
			l->stp_state = (uint8_t)(attr_u8(a) + 1);
		else if (slave && t == IFLA_BRPORT_NO)
			l->port_no = attr_u16(a);
		else if (slave)
			continue;
		else if (t == IFLA_BR_TOPOLOGY_CHANGE)
			l->topology_change = attr_u8(a);
		else if (t == IFLA_BR_ROOT_PORT)
			l->root_port = attr_u16(a);
		else if (t == IFLA_BR_ROOT_PATH_COST)
			l->root_cost = attr_u32(a);
		else if (t == IFLA_BR_ROOT_ID && attr_len(a) == sizeof(l->root_id))
			memcpy(l->root_id, attr_data(a), sizeof(l->root_id));
	}
}

/* The bridge's current state as an obj: kernel options, link fields, ports. */
static void bridge_current(struct state *st, const struct link *l, struct obj *o)
{
	obj_init(o);
	/* A kernel without VLAN filtering reports neither: it behaves as off. */
	obj_set_u(o, BR_VLANF, 0);
	obj_set_u(o, BR_VPROTO, ETH_P_8021Q);
	obj_copy_fields(o, link_kobj(l), ~0U);
	/*
	 * During an STP topology change the kernel reports 2 x forward-delay as
	 * the ageing time (br_topology_change_detection); the configured value
	 * cannot be read until it ends.
	 */
	if (l->topology_change)
		o->mask &= ~(1U << BR_AGEING);
	obj_set_u(o, BR_MTU, l->mtu);
	/* A bridge that lost its last port reads 00:00:00:00:00:00: no address. */
	if (l->addrlen == 6 && (l->addr[0] | l->addr[1] | l->addr[2] | l->addr[3] | l->addr[4] |
				l->addr[5])) {
		memcpy(o->v[BR_ADDR].mac, l->addr, 6);
		o->mask |= 1U << BR_ADDR;
	}
	obj_set_u(o, BR_UP, !!(l->flags & IFF_UP));
	struct namelist *nl = &o->v[BR_PORTS].names;

	for (const struct link *p = state_port(st, l, NULL); p; p = state_port(st, l, p)) {
		void *nn = realloc(nl->names, (size_t)(nl->n + 1) * sizeof(*nl->names));

		if (!nn)
			abort();
		nl->names = nn;
		memcpy(nl->names[nl->n++], p->name, VNET_NAMSIZ);
	}
	o->mask |= 1U << BR_PORTS;
	guest_patterns(l, &o->v[BR_GPORTS].names);
	if (o->v[BR_GPORTS].names.n)
		o->mask |= 1U << BR_GPORTS;
}

/* The three parts of a port's VLAN membership, as the keywords name them. */
struct vlan_parts {
	unsigned int pvid;
	struct vlanset untagged, tagged;
};

static void vlan_parts_of(const struct portvlan *pv, struct vlan_parts *vp)
{
	memset(vp, 0, sizeof(*vp));
	vp->pvid = pv->pvid;
	vp->untagged = pv->untagged;
	for (unsigned int v = 1; v < VLAN_N; v++)
		if (vlanset_has(&pv->member, v) && !vlanset_has(&pv->untagged, v))
			vlanset_add(&vp->tagged, v);
}

static void portvlan_of(const struct vlan_parts *vp, struct portvlan *pv)
{
	memset(pv, 0, sizeof(*pv));
	pv->have = 1;
	pv->pvid = vp->pvid;
	pv->untagged = vp->untagged;
	for (size_t i = 0; i < VLAN_N / 64; i++)
		pv->member.bits[i] = vp->tagged.bits[i] | vp->untagged.bits[i];
	if (vp->pvid)
		vlanset_add(&pv->member, vp->pvid);
}

/* The port's VLAN entries as the obj fields pvid/vlans/untagged. */
static void port_vlan_fields(const struct portvlan *pv, struct obj *o)
{
	struct vlan_parts vp;

	vlan_parts_of(pv, &vp);
	obj_set_u(o, P_PVID, vp.pvid);
	o->v[P_VLANS].vlans = malloc(sizeof(struct vlanset));
	o->v[P_UNTAGGED].vlans = malloc(sizeof(struct vlanset));
	if (!o->v[P_VLANS].vlans || !o->v[P_UNTAGGED].vlans)
		abort();
	*o->v[P_VLANS].vlans = vp.tagged;
	*o->v[P_UNTAGGED].vlans = vp.untagged;
	o->mask |= (1U << P_VLANS) | (1U << P_UNTAGGED);
}

/* Whether a port's VLANs are those the kernel gives it on joining: the default PVID, untagged. */
static int kernel_vlans(const struct portvlan *pv, uint64_t dpvid)
{
	struct vlanset one = { 0 };

	if (dpvid)
		vlanset_add(&one, (unsigned int)dpvid);
	return pv->pvid == dpvid && vlanset_equal(&pv->member, &one) && vlanset_equal(&pv->untagged, &one);
}

/* What a new port gets from the kernel: the bridge's default PVID, untagged. */
static void new_port_vlans(const struct link *br, struct portvlan *pv)
{
	memset(pv, 0, sizeof(*pv));
	if (obj_has(link_kobj(br), BR_DPVID) && link_kobj(br)->v[BR_DPVID].u) {
		unsigned int d = (unsigned int)link_kobj(br)->v[BR_DPVID].u;

		pv->pvid = d;
		vlanset_add(&pv->member, d);
		vlanset_add(&pv->untagged, d);
	}
}

static void plan_release(struct plan *plan, const char *bridge, const struct link *port)
{
	struct op *op = plan_add(plan, OP_MASTER, &kind_bridge, port->name);

	op_textf(op, "bridge %s: release port %s", bridge, port->name);
}

static void plan_enslave(struct plan *plan, const char *bridge, const char *port)
{
	struct op *op = plan_add(plan, OP_MASTER, &kind_bridge, port);

	str_copy(op->master, sizeof(op->master), bridge);
	op_textf(op, "bridge %s: add port %s", bridge, port);
}

/* A would-be port must exist, not be the bridge, and not belong elsewhere. */
static int check_port(struct vnet_ctx *ctx, struct state *st, const char *bridge,
		      const struct link *br, const char *port, int word)
{
	struct link *l = state_by_name(st, port);

	if (!strcmp(port, bridge))
		return vnet_refuse(ctx, ELOOP, "bridge %s: cannot be a port of itself", bridge);
	if (!l)
		return vnet_fail(ctx, ENODEV, "bridge %s: port %s: no such interface", bridge, port);
	/* the kernel's words for it are "Invalid argument" */
	if (l->flags & IFF_LOOPBACK)
		return vnet_fail(ctx, EINVAL, "bridge %s: port %s: the loopback device cannot be a bridge port",
				 bridge, port);
	if (l->master && (!br || l->master != br->ifindex)) {
		char hint[320];

		release_hint(ctx, st, l, hint, sizeof(hint));
		return vnet_fail(ctx, EBUSY, "bridge %s: port %s: already enslaved to %s%s", bridge,
				 port, state_name(st, l->master), hint);
	}
	return 0;
}

/*
 * What the kernel changes on its own when a field takes a value: starting
 * STP moves forward-delay into 2-30 s (br_stp_start in
 * net/bridge/br_stp_if.c). The plan says so, unless the same step sets it.
 */
static const struct side_effect {
	int field;
	uint64_t value; /* when field becomes this */
	int other;
	uint64_t min, max; /* other is moved into [min, max] */
} side_effects[] = {
	{ BR_STP, 1, BR_FWD, 200, 3000 },
};

static void say_side_effects(struct op *op, const struct obj *want, const struct obj *cur,
			     uint32_t m)
{
	for (size_t i = 0; i < sizeof(side_effects) / sizeof(side_effects[0]); i++) {
		const struct side_effect *e = &side_effects[i];
		const struct param *p = param_by_field(br_params, e->other);
		struct val to;
		char from_s[32], to_s[32];

		if (!(m & (1U << e->field)) || want->v[e->field].u != e->value ||
		    (m & (1U << e->other)) || !obj_has(cur, e->other))
			continue;
		to = cur->v[e->other];
		if (to.u < e->min)
			to.u = e->min;
		else if (to.u > e->max)
			to.u = e->max;
		else
			continue;
		val_format(p, &cur->v[e->other], from_s, sizeof(from_s));
		val_format(p, &to, to_s, sizeof(to_s));
		char *t = op->text;

		op->text = NULL;
		op_textf(op, "%s (the kernel %s %s %s -> %s)", t ? t : "",
			 to.u > cur->v[e->other].u ? "raises" : "lowers", p->word, from_s, to_s);
		free(t);
	}
}

static const struct link *find_bridge(struct vnet_ctx *ctx, struct state *st, const char *name,
				      int must, int *r)
{
	const struct link *l = state_by_name(st, name);

	*r = 0;
	if (l && strcmp(l->kind, "bridge")) {
		*r = vnet_refuse(ctx, EEXIST, "bridge %s: %s exists and is %s%s, not a bridge", name,
			       name, l->kind[0] ? "a " : "a device without a kind",
			       l->kind[0] ? l->kind : "");
		return NULL;
	}
	if (!l && must)
		*r = vnet_fail(ctx, ENODEV, "bridge %s: no such bridge", name);
	return l;
}

static int bridge_filters(const struct link *l)
{
	return !strcmp(l->kind, "bridge") && obj_has(link_kobj(l), BR_VLANF) && link_kobj(l)->v[BR_VLANF].u;
}

/*
 * The fields of a create request: a new bridge filters no VLANs and uses
 * 802.1Q, and saying so again fails (EOPNOTSUPP) on a kernel built without
 * VLAN filtering, even one that reports vlan_filtering 0.
 */
static uint32_t creation_mask(const struct obj *o, uint32_t m)
{
	if (obj_has(o, BR_VLANF) && !o->v[BR_VLANF].u)
		m &= ~(1U << BR_VLANF);
	if (obj_has(o, BR_VPROTO) && o->v[BR_VPROTO].u == ETH_P_8021Q)
		m &= ~(1U << BR_VPROTO);
	return m;
}

/* The guest-port patterns a statement leaves: its own, else those the bridge has. */
static void effective_patterns(const struct obj *want, const struct link *br, struct namelist *gp)
{
	memset(gp, 0, sizeof(*gp));
	if (obj_has(want, BR_GPORTS)) {
		const struct namelist *w = &want->v[BR_GPORTS].names;

		for (int i = 0; i < w->n; i++)
			namelist_append(gp, w->names[i]);
	} else if (br) {
		guest_patterns(br, gp);
	}
}

/* The alias step that records new guest-port patterns, when they change. */
static int plan_guest_patterns(struct vnet_ctx *ctx, struct plan *plan, const char *name,
			       const struct link *br, const struct obj *want)
{
	struct namelist cur;
	char from[300], to[300], alias[GP_BUF], what[64];
	struct val cv = { 0 };
	int r;
	const struct param *p = param_by_field(br_params, BR_GPORTS);
	const char *tail = br ? strchr(gp_text(br), '|') : NULL;

	if (!obj_has(want, BR_GPORTS))
		return 0;
	if (br)
		guest_patterns(br, &cur);
	else
		memset(&cur, 0, sizeof(cur));
	cv.names = cur;
	if (val_equal(p, &want->v[BR_GPORTS], &cv)) {
		namelist_free(&cur);
		return 0;
	}
	val_format(p, &cv, from, sizeof(from));
	val_format(p, &want->v[BR_GPORTS], to, sizeof(to));
	/* none drops the guests' settings with the patterns. */
	if (want->v[BR_GPORTS].names.n)
		snprintf(alias, sizeof(alias), "%s%s%s", GP_MARK, to, tail ? tail : "");
	else
		alias[0] = 0;
	namelist_free(&cur);
	str_join(what, sizeof(what), "bridge ", name, NULL);
	struct op *op = gp_plan_alias(ctx, plan, name, what, alias, &r);

	if (!op)
		return r;
	if (br && strcmp(from, "none"))
		op_textf(op, "bridge %s: set guest-ports %s -> %s", name, from, to);
	else
		op_textf(op, "bridge %s: set guest-ports %s", name, to);
	return 0;
}

/*
 * The record of a "bridge port add|set BRIDGE PATTERN" statement in the
 * bridge's alias: its settings join those the pattern had (its own win).
 */
static int plan_gp_record(struct vnet_ctx *ctx, struct plan *plan, const struct link *br,
			  const char *pat, const struct obj *want)
{
	struct gp_rec *r;
	int n = gp_records(ctx, br, &r), k = 0, r2 = 0;
	char pats[ALIAS_MAX + 1], alias[GP_BUF], what[64];

	while (k < n && strcmp(r[k].pat, pat))
		k++;
	if (k == n) {
		struct gp_rec *nr = realloc(r, (size_t)(n + 1) * sizeof(*r));

		if (!nr)
			abort();
		r = nr;
		memset(&r[n], 0, sizeof(r[n]));
		str_copy(r[n].pat, sizeof(r[n].pat), pat);
		obj_init(&r[n].o);
		n++;
	}
	obj_copy_fields(&r[k].o, want, want->mask);
	obj_format(port_params, &r[k].o, r[k].o.mask, r[k].words, sizeof(r[k].words));
	gp_pats(br, pats, sizeof(pats));
	gp_alias(alias, pats, r, n);
	str_join(what, sizeof(what), "bridge ", br->name, " port ", pat, NULL);
	if (strcmp(alias, link_alias(br))) {
		struct op *op = gp_plan_alias(ctx, plan, br->name, what, alias, &r2);

		if (op)
			op_textf(op, "bridge %s: guests to come matching %s: %s", br->name, pat, r[k].words);
	}
	gp_free(r, n);
	return r2;
}

/*
 * A guest the bridge takes: first its MTU made the bridge's (else a guest
 * at 1500 would lower a bridge at 9000 that follows its ports).
 */
static void plan_guest(struct plan *plan, const char *bridge, const struct link *g,
		       unsigned int mtu)
{
	int from = plan->n;

	if (mtu && g->mtu != mtu) {
		struct op *op = plan_add(plan, OP_SET, &kind_bridge, g->name);

		obj_set_u(op_obj_w(op), BR_MTU, mtu);
		op->fields = 1U << BR_MTU;
		op_textf(op, "bridge %s: guest %s mtu %u -> %u (the bridge's)", bridge, g->name,
			 g->mtu, mtu);
	}
	plan_enslave(plan, bridge, g->name);
	for (int i = from; i < plan->n; i++)
		plan->ops[i].guest = 1;
}

static int plan_bridge(struct vnet_ctx *ctx, struct state *st, const char *name,
		       const struct obj *want, int create, struct plan *plan)
{
	char what[64];
	struct obj cur;
	struct namelist gp;
	int r;
	const struct link *br = find_bridge(ctx, st, name, !create, &r);

	if (r < 0)
		return r;
	str_join(what, sizeof(what), "bridge ", name, NULL);
	if (br && obj_has(want, BR_GPORTS) && kind_owner(br, NULL))
		return vnet_refuse(ctx, EBUSY, "bridge %s: guest-ports: a SEA's bridge keeps its alias for the SEA",
				   name);
	effective_patterns(want, br, &gp);
	if (obj_has(want, BR_PORTS)) {
		const struct namelist *ports = &want->v[BR_PORTS].names;

		for (int i = 0; i < ports->n; i++) {
			/* A guest that is not running is not required. */
			if (!state_by_name(st, ports->names[i]) && namelist_match(&gp, ports->names[i]))
				continue;
			r = check_port(ctx, st, name, br, ports->names[i], want->word[BR_PORTS] + 1);
			if (r < 0) {
				namelist_free(&gp);
				return r;
			}
		}
	}
	if (!br) {
		uint32_t m = want->mask & ~((1U << BR_PORTS) | (1U << BR_GPORTS));

		m = creation_mask(want, m);
		/*
		 * An MTU given at creation is not marked as the admin's own
		 * (BROPT_MTU_SET_BY_USER), and the first port would reset it:
		 * it is set after the ports instead.
		 */
		m &= ~(1U << BR_MTU);
		plan_create(plan, &kind_bridge, what, name, want, m);
	} else {
		bridge_current(st, br, &cur);
		uint32_t m = obj_diff(br_params, want, &cur, PN_INFO) |
			     obj_diff(br_params, want, &cur, PN_LINK) |
			     obj_diff(br_params, want, &cur, PN_FLAGS);

		/*
		 * While STP runs the kernel refuses a forward delay below 2 s
		 * ("Numerical result out of range"): said in vnetctl's words,
		 * before any step is taken.
		 */
		int stp = obj_has(want, BR_STP) ? !!want->v[BR_STP].u : !!cur.v[BR_STP].u;

		if (stp && (m & (1U << BR_FWD)) && want->v[BR_FWD].u < 200) {
			char fd[32];

			format_centisecs(want->v[BR_FWD].u, fd, sizeof(fd));
			obj_free(&cur);
			namelist_free(&gp);
			return vnet_fail(ctx, ERANGE, "bridge %s: forward-delay %s: must be 2-30 while stp is on "
					 "(it is; with stp off in the same statement 0-30 is allowed)", name, fd);
		}
		/* Unreadable now (see bridge_current): not sent, so nothing bounces. */
		if (br->topology_change && (m & (1U << BR_AGEING))) {
			m &= ~(1U << BR_AGEING);
			free(plan->note);
			plan->note = strdup("ageing-time not compared or sent: an STP topology change "
					    "is running and the kernel does not report it; run again "
					    "later");
		}

		/* Stopping STP with the timers: first, alone (lib/rules.c). */
		uint32_t first = rules_alone_first(br_params, want, m);

		if (first) {
			plan_set(plan, &kind_bridge, what, name, want, &cur, first);
			m &= ~first;
		}
		if (m)
			say_side_effects(plan_set(plan, &kind_bridge, what, name, want, &cur, m), want,
					 &cur, m);
		obj_free(&cur);
	}
	r = plan_guest_patterns(ctx, plan, name, br, want);
	if (r < 0) {
		namelist_free(&gp);
		return r;
	}
	static const struct namelist no_ports;
	const struct namelist *ports = obj_has(want, BR_PORTS) ? &want->v[BR_PORTS].names : &no_ports;

	if (obj_has(want, BR_PORTS)) {
		/* Guests stay, and hotplug only adds. Its ports by the state's index, not a scan. */
		for (struct link *p = br && !ctx->additive ? state_port(st, br, NULL) : NULL; p;
		     p = state_port(st, br, p))
			if (!namelist_has(ports, p->name) && !namelist_match(&gp, p->name))
				plan_release(plan, name, p);
		for (int i = 0; i < ports->n; i++) {
			const struct link *p = state_by_name(st, ports->names[i]);

			if (p && (!br || p->master != br->ifindex))
				plan_enslave(plan, name, ports->names[i]);
		}
	}
	/* The guests running now, when the statement speaks of ports. */
	if (gp.n && (obj_has(want, BR_PORTS) || obj_has(want, BR_GPORTS))) {
		unsigned int mtu = obj_has(want, BR_MTU) ? (unsigned int)want->v[BR_MTU].u
							 : br ? br->mtu : 0;

		for (int i = 0; i < st->n; i++) {
			const struct link *g = &st->links[i];

			if (!g->master && guest_candidate(g, br, name) && namelist_match(&gp, g->name) &&
			    !namelist_has(ports, g->name))
				plan_guest(plan, name, g, mtu);
		}
	}
	namelist_free(&gp);
	if (!br && obj_has(want, BR_MTU)) {
		struct obj none;

		obj_init(&none);
		plan_set(plan, &kind_bridge, what, name, want, &none, 1U << BR_MTU);
	}
	return 0;
}

static int plan_bridge_del(struct vnet_ctx *ctx, struct state *st, const char *name,
			   struct plan *plan)
{
	int r;
	const struct link *br = find_bridge(ctx, st, name, 0, &r);

	if (!br)
		return r;
	struct op *op = plan_add(plan, OP_DELETE, &kind_bridge, name);

	op_textf(op, "bridge %s: delete%s", name, vlan_uppers_text(st, br));
	return 0;
}

static int plan_port(struct vnet_ctx *ctx, struct state *st, const char *bridge,
		     const char *port, const struct obj *want, int create, struct plan *plan)
{
	char what[64], txt[1024];
	int r;
	const struct link *br = find_bridge(ctx, st, bridge, 1, &r);
	struct portvlan curv, wantv;

	if (!br)
		return r;
	if (!state_by_name(st, port)) {
		struct namelist gp;
		int guest;

		guest_patterns(br, &gp);
		guest = namelist_match(&gp, port);
		namelist_free(&gp);
		if (guest)
			return 0; /* a guest that is not running: nothing to do, nothing missing */
	}
	r = check_port(ctx, st, bridge, br, port, -1);
	if (r < 0)
		return r;
	const struct link *pl = state_by_name(st, port);
	int enslaved = pl->master == br->ifindex;

	if (!enslaved && !create)
		return vnet_refuse(ctx, ENOENT, "bridge %s: %s is not a port of it", bridge, port);
	str_join(what, sizeof(what), "bridge ", bridge, " port ", port, NULL);
	if (!enslaved)
		plan_enslave(plan, bridge, port);

	struct obj cur;

	obj_init(&cur);
	if (enslaved)
		obj_copy_fields(&cur, link_pobj(pl), ~0U);
	uint32_t m = obj_diff(port_params, want, &cur, PN_PORT);

	if (m) {
		struct op *op = plan_add(plan, OP_PORT, &kind_bridge, port);

		obj_copy_fields(op_obj_w(op), want, m);
		op->fields = m;
		if (enslaved)
			obj_format_changes(port_params, want, &cur, m, txt, sizeof(txt));
		else
			obj_format(port_params, want, m, txt, sizeof(txt));
		op_textf(op, "%s: set %s", what, txt);
	}
	obj_free(&cur);

	if (!(want->mask & VLAN_FIELDS))
		return 0;
	/* Each VLAN keyword replaces its part; the parts not given stay. */
	/*
	 * A port the plan enslaves earlier has what the kernel gives on joining;
	 * one that is a port already has its own (none, perhaps: a black hole).
	 */
	if (enslaved && !pl->sim_joined)
		curv = *link_vl(pl);
	else
		new_port_vlans(br, &curv);
	struct vlan_parts vp;

	vlan_parts_of(&curv, &vp);
	if (obj_has(want, P_PVID))
		vp.pvid = (unsigned int)want->v[P_PVID].u;
	if (obj_has(want, P_UNTAGGED))
		vp.untagged = *want->v[P_UNTAGGED].vlans;
	if (obj_has(want, P_VLANS))
		vp.tagged = *want->v[P_VLANS].vlans;
	portvlan_of(&vp, &wantv);
	plan_port_vlans(plan, what, port, &curv, &wantv, 0);
	return 0;
}

/*
 * "bridge port add|set BRIDGE PATTERN": the statement for each port of
 * BRIDGE whose name matches (add: each free link that matches joins too),
 * less the fields another statement sets for it (ctx->port_override); and
 * its settings recorded for the guests to come.
 */
static int plan_port_pattern(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
			     const struct obj *want, struct plan *plan)
{
	int r, n = 0;
	const struct link *br = find_bridge(ctx, st, s->arg[0], 1, &r);
	char (*names)[VNET_NAMSIZ];

	if (!br)
		return r;
	names = calloc((size_t)st->n + 1, sizeof(*names));
	if (!names)
		abort();
	/* Named first: planning a port looks links up, which may sort the state. */
	for (int i = 0; i < st->n; i++) {
		const struct link *l = &st->links[i];

		if ((l->master == br->ifindex || (s->verb == V_ADD && !l->master)) &&
		    guest_candidate(l, br, s->arg[0]) && !fnmatch(s->arg[1], l->name, 0))
			str_copy(names[n++], VNET_NAMSIZ, l->name);
	}
	for (int i = 0; i < n && r == 0; i++) {
		struct obj w;
		uint32_t drop = ctx->port_override ? ctx->port_override(ctx->port_override_arg, s, names[i]) : 0;
		int from = plan->n;

		obj_init(&w);
		obj_copy_fields(&w, want, want->mask & ~drop);
		r = plan_port(ctx, st, s->arg[0], names[i], &w, s->verb == V_ADD, plan);
		obj_free(&w);
		for (int k = from; k < plan->n; k++)
			plan->ops[k].guest = 1;
	}
	free(names);
	if (r < 0 || !want->mask)
		return r;
	/* The bridge as the steps so far leave it: br may have moved as links were looked up. */
	return plan_gp_record(ctx, plan, state_by_name(st, s->arg[0]), s->arg[1], want);
}

static int plan_port_del(struct vnet_ctx *ctx, struct state *st, const char *bridge,
			 const char *port, struct plan *plan)
{
	int r;
	const struct link *br = find_bridge(ctx, st, bridge, 0, &r);
	const struct link *pl = state_by_name(st, port);

	if (!br || !pl || pl->master != br->ifindex)
		return r;
	plan_release(plan, bridge, pl);
	return 0;
}

/* ---- show ---- */

static void bridge_id(const struct link *l, char *buf, size_t len)
{
	unsigned int prio = obj_has(link_kobj(l), BR_PRIO) ? (unsigned int)link_kobj(l)->v[BR_PRIO].u : 0;

	uint8_t b[8] = { (uint8_t)(prio >> 8), (uint8_t)prio };
	char t[20];

	/* "8000.0242ac110002", by hand: a show of 10,000 bridges makes as many. */
	memcpy(b + 2, l->addr, 6);
	format_hex(b, 2, 0, t);
	t[4] = '.';
	format_hex(b + 2, 6, 0, t + 5);
	str_copy(buf, len < sizeof(t) ? len : sizeof(t), t);
}

static struct json_object *port_json(struct state *st, const struct link *pl)
{
	struct json_object *j = json_object_new_object();
	struct obj o;

	obj_init(&o);
	obj_copy_fields(&o, link_pobj(pl), ~0U);
	if (link_vl(pl)->have)
		port_vlan_fields(link_vl(pl), &o);
	json_object_object_add(j, "name", json_object_new_string(pl->name));
	json_add_fields(j, port_params, &o);
	/* "state" as bridge link has it: the STP state; the admin flag is "admin". */
	json_object_object_add(j, "state", json_object_new_string(view_stp_state(pl) ? view_stp_state(pl) : "disabled"));
	json_object_object_add(j, "admin", json_object_new_string(pl->flags & IFF_UP ? "up" : "down"));
	view_json_runtime(j, pl);
	obj_free(&o);
	return j;
}

/* The port of br whose number is no (the root port), or NULL. */
static const struct link *port_by_no(struct state *st, const struct link *br, unsigned int no)
{
	for (const struct link *p = state_port(st, br, NULL); p && no; p = state_port(st, br, p))
		if (p->port_no == no)
			return p;
	return NULL;
}

/* Where the spanning tree stands, when it runs: the root, the way there, a topology change. */
/*
 * A bridge's STP root and topology change, described once for the text
 * line and -j: with STP on, the designated root, the root port (none: this
 * bridge is the root) and the path cost to it. id holds the root's id.
 */
static int bridge_root_facts(struct state *st, const struct link *br, struct view_fact *f,
			     char *id, size_t idlen)
{
	const struct link *rp = port_by_no(st, br, br->root_port);
	int n = 0;

	if (obj_has(link_kobj(br), BR_STP) && link_kobj(br)->v[BR_STP].u) {
		view_bridge_id(br->root_id, id, idlen);
		f[n++] = (struct view_fact){ .label = "designated root", .key = "root_id", .s = id };
		f[n++] = (struct view_fact){ .label = "root port", .key = "root_port",
					     .s = rp ? rp->name : NULL, .none = !rp };
		f[n++] = (struct view_fact){ .label = "path cost", .key = "root_path_cost",
					     .u = br->root_cost };
	}
	f[n++] = (struct view_fact){ .label = "topology change", .key = "topology_change",
				     .u = br->topology_change, .boolean = 1 };
	return n;
}

static void bridge_root_json(struct state *st, const struct link *br, struct json_object *j)
{
	struct view_fact f[4];
	char id[32];

	view_facts_json(j, f, bridge_root_facts(st, br, f, id, sizeof(id)));
}

static void bridge_root_text(struct vnet_ctx *ctx, struct state *st, const struct link *br)
{
	struct view_fact f[4];
	char id[32];
	int n = bridge_root_facts(st, br, f, id, sizeof(id));

	fprintf(ctx->out, "\t%s%s", br->flags & IFF_UP ? "up" : "down",
		(br->flags & IFF_UP) && !view_carrier(br) ? ", no carrier" : "");
	/* The facts that say something: a topology change only while there is one. */
	if (n > 1 || br->topology_change)
		fputs("; ", ctx->out);
	view_facts_line(ctx->out, f, n);
	fputc('\n', ctx->out);
}

static struct json_object *bridge_json(struct state *st, const struct link *br)
{
	struct json_object *j = json_object_new_object(), *ports = json_object_new_array();
	struct obj cur;
	char id[32];

	bridge_current(st, br, &cur);
	bridge_id(br, id, sizeof(id));
	json_object_object_add(j, "name", json_object_new_string(br->name));
	json_object_object_add(j, "bridge_id", json_object_new_string(id));
	json_add_fields(j, br_params, &cur);
	json_object_object_add(j, "state", json_object_new_string(br->flags & IFF_UP ? "up" : "down"));
	view_json_runtime(j, br);
	bridge_root_json(st, br, j);
	for (const struct link *p = state_port(st, br, NULL); p; p = state_port(st, br, p))
		json_object_array_add(ports, port_json(st, p));
	json_object_object_add(j, "ports", ports);
	obj_free(&cur);
	return j;
}

/*
 * The path cost the kernel gives a port of this speed in Mbit/s (-1:
 * unknown), as port_cost() in net/bridge/br_if.c does; a cost set by hand
 * stays, and the kernel does not say which it is.
 */
static uint64_t speed_cost(long speed)
{
	switch (speed) {
	case 10000:
		return 2;
	case 5000:
		return 3;
	case 2500:
	case 1000:
		return 4;
	case 100:
		return 19;
	default:
		return speed > 10000 ? 1 : 100;
	}
}

/*
 * What the admin set, not what the kernel chose: the kernel's defaults are
 * left out (so is an MTU that follows the ports, a cost that follows the
 * speed), and the MAC is written only when it was set (addr_assign_type
 * NET_ADDR_SET), so that a file exported here and applied on another host
 * does not give two bridges one MAC. A set MAC that is one of the ports'
 * is left out too: it is the one a bridge taking a port's addresses gets
 * from vnetctl (keep_mac in addrplan.c), and the statement gives it again
 * from that host's port. On this host the file still applies as no change:
 * a keyword left out is not managed.
 */
static void show_config(struct vnet_ctx *ctx, struct state *st, const struct link *br)
{
	char txt[4096];
	struct obj cur;
	const char *names[BR_MAX_READ + 1], *attrs[BR_MAX_READ + 1];
	long got[BR_MAX_READ + 1];
	unsigned int min_mtu = 0;
	int n = 1, port_mac = 0;
	uint32_t m;

	if (kind_owner(br, NULL))
		return; /* another kind's (a SEA's bridge): its statement describes it */

	names[0] = br->name;
	attrs[0] = "addr_assign_type";
	for (const struct link *pl = state_port(st, br, NULL); pl; pl = state_port(st, br, pl)) {
		if (n <= BR_MAX_READ) {
			names[n] = pl->name;
			attrs[n++] = "speed";
		}
		if (!min_mtu || pl->mtu < min_mtu)
			min_mtu = pl->mtu;
		port_mac |= pl->addrlen == 6 && br->addrlen == 6 && !memcmp(pl->addr, br->addr, 6);
	}
	sysfs_net_read(ctx, names, attrs, n, got);
	bridge_current(st, br, &cur);
	/* The patterns, not the guests of the moment: the file applies where none runs. */
	if (obj_has(&cur, BR_GPORTS)) {
		struct namelist *pn = &cur.v[BR_PORTS].names;
		int k = 0;

		for (int i = 0; i < pn->n; i++)
			if (!namelist_match(&cur.v[BR_GPORTS].names, pn->names[i]))
				memmove(pn->names[k++], pn->names[i], VNET_NAMSIZ);
		pn->n = k;
	}
	m = obj_non_default(br_params, &cur);
	if (got[0] != 3 || port_mac) /* NET_ADDR_SET, not a port's */
		m &= ~(1U << BR_ADDR);
	/* With no port the kernel's MTU is 1500; with ports, the least of theirs. */
	if (cur.v[BR_MTU].u == (min_mtu ? min_mtu : 1500))
		m &= ~(1U << BR_MTU);
	obj_format(br_params, &cur, m, txt, sizeof(txt));
	out_line(ctx, "bridge add %s %s", br->name, txt);
	/* The settings for the guests to come; a guest's own line says only what differs. */
	struct gp_rec *rec;
	int nrec = gp_records(ctx, br, &rec);

	for (int i = 0; i < nrec; i++)
		out_line(ctx, "bridge port set %s %s %s", br->name, rec[i].pat, rec[i].words);
	n = 1;
	/* The VLAN a port gets on joining (none with default-pvid none). */
	uint64_t dpvid = obj_has(&cur, BR_DPVID) ? cur.v[BR_DPVID].u : 1;
	for (const struct link *pl = state_port(st, br, NULL); pl; pl = state_port(st, br, pl)) {
		struct obj o;
		long speed = n <= BR_MAX_READ ? got[n++] : -1;

		obj_init(&o);
		obj_copy_fields(&o, link_pobj(pl), ~0U);
		if (link_vl(pl)->have)
			port_vlan_fields(link_vl(pl), &o);
		m = obj_non_default(port_params, &o);
		if (obj_has(&o, P_COST) && o.v[P_COST].u == speed_cost(speed))
			m &= ~(1U << P_COST);
		if (link_vl(pl)->have && kernel_vlans(link_vl(pl), dpvid))
			m &= ~((1U << P_PVID) | (1U << P_VLANS) | (1U << P_UNTAGGED));
		uint32_t differ, same = gp_given(rec, nrec, pl->name, &o, &differ);

		m = (m & ~same) | differ;
		if (m) {
			obj_format(port_params, &o, m, txt, sizeof(txt));
			out_line(ctx, "bridge port set %s %s %s", br->name, pl->name, txt);
		}
		obj_free(&o);
	}
	gp_free(rec, nrec);
	obj_free(&cur);
}

static void show_text(struct vnet_ctx *ctx, struct state *st, const struct link *br)
{
	char id[32];
	int nports = 0;

	bridge_id(br, id, sizeof(id));
	fprintf(ctx->out, "%s\t\t%s\t%s\t\t", br->name, id,
		obj_has(link_kobj(br), BR_STP) && link_kobj(br)->v[BR_STP].u ? "yes" : "no");
	for (const struct link *p = state_port(st, br, NULL); p; p = state_port(st, br, p)) {
		char rt[64];

		view_port_text(p, rt, sizeof(rt));
		fprintf(ctx->out, "%s%s%s\n", nports++ ? "\t\t\t\t\t\t\t" : "", p->name, rt);
	}
	if (!nports)
		fputc('\n', ctx->out);
	bridge_root_text(ctx, st, br);
}

/* ---- diagnose ---- */

/* An uplink: a port that leads out of the host (a NIC, a bond, a VLAN device), not a guest's. */
static int is_uplink(const struct link *p)
{
	return p->parent_dev || !strcmp(p->kind, "bond") || !strcmp(p->kind, "vlan");
}

/*
 * With VLAN filtering: a port with neither PVID nor VLAN drops all it gets,
 * and a guest port's VLAN that no uplink carries goes nowhere.
 */
static void diag_port_vlans(struct diag *d, struct state *st, const struct link *br,
			    const struct link *p)
{
	const struct portvlan *pv = link_vl(p);
	char fix[256];
	int uplinks = 0;
	struct vlanset up = { 0 };

	if (!pv->pvid && vlanset_empty(&pv->member)) {
		snprintf(fix, sizeof(fix), "vnetctl bridge port set %s %s pvid N (or vlans LIST)", br->name,
			 p->name);
		diag_say(d, DIAG_FAIL, "vlan", "bridge", br->name, p->name, fix,
			 "no PVID and no VLAN while the bridge filters VLANs: every frame is dropped");
		return;
	}
	for (const struct link *u = state_port(st, br, NULL); u; u = state_port(st, br, u))
		if (is_uplink(u) && u != p) {
			uplinks++;
			for (size_t i = 0; i < VLAN_N / 64; i++)
				up.bits[i] |= link_vl(u)->member.bits[i];
		}
	if (!uplinks || is_uplink(p))
		return;
	for (unsigned int v = 1; v < VLAN_N; v++)
		if (vlanset_has(&pv->member, v) && !vlanset_has(&up, v)) {
			snprintf(fix, sizeof(fix), "carry it on the uplink: vnetctl bridge port set %s UPLINK vlans ...,%u",
				 br->name, v);
			diag_say(d, DIAG_FAIL, "vlan", "bridge", br->name, p->name, fix,
				 "VLAN %u, which no uplink of the bridge carries", v);
			return;
		}
	diag_say(d, DIAG_OK, "vlan", "bridge", br->name, p->name, NULL, "its VLANs reach an uplink");
}

static void bridge_diagnose(struct diag *d, struct state *st, const struct link *br)
{
	const struct obj *o = link_kobj(br);
	int stp = obj_has(o, BR_STP) && o->v[BR_STP].u, vf = obj_has(o, BR_VLANF) && o->v[BR_VLANF].u;
	char fix[256];

	if (!(br->flags & IFF_UP)) {
		snprintf(fix, sizeof(fix), "vnetctl bridge set %s up", br->name);
		diag_say(d, DIAG_FAIL, "state", "bridge", br->name, NULL, fix, "the bridge is down");
	} else {
		diag_say(d, DIAG_OK, "state", "bridge", br->name, NULL, NULL, "up");
	}
	for (const struct link *p = state_port(st, br, NULL); p; p = state_port(st, br, p)) {
		const char *s = view_stp_state(p);

		diag_port_common(d, st, "bridge", br, p);
		if (stp && s && !strcmp(s, "blocking")) {
			snprintf(fix, sizeof(fix), "find the loop through %s (another path between the same segments); "
				 "unplug one or let STP keep it blocked", p->name);
			diag_say(d, DIAG_WARN, "stp", "bridge", br->name, p->name, fix,
				 "blocking: STP found a loop through this port and stops it forwarding");
		} else if (stp && s && (!strcmp(s, "listening") || !strcmp(s, "learning"))) {
			diag_say(d, DIAG_WARN, "stp", "bridge", br->name, p->name,
				 "wait forward-delay twice, or lower forward-delay", "%s: not forwarding yet", s);
		} else if (stp && s && !strcmp(s, "forwarding")) {
			diag_say(d, DIAG_OK, "stp", "bridge", br->name, p->name, NULL, "forwarding");
		}
		if (vf && st->have_vlans)
			diag_port_vlans(d, st, br, p);
	}
}

/* ---- statements ---- */

/* The kernel raises a forward delay below 2 s to 2 s once STP runs. */
static int bridge_check(struct vnet_ctx *ctx, const struct stmt *s, const struct obj *want)
{
	if (obj_has(want, BR_STP) && want->v[BR_STP].u && obj_has(want, BR_FWD) &&
	    want->v[BR_FWD].u < 200)
		return vnet_usage(ctx, want->word[BR_FWD] + 1,
				  "%s: forward-delay: \"%s\": must be 2-30 while stp is on", s->what,
				  s->argv[want->word[BR_FWD] + 1]);
	if (obj_has(want, BR_GPORTS)) {
		char txt[300];
		int len = val_format(param_by_field(br_params, BR_GPORTS), &want->v[BR_GPORTS], txt,
				     sizeof(txt));

		/* The kernel keeps an alias of 255 bytes at most. */
		if (len + (int)strlen(GP_MARK) > ALIAS_MAX)
			return vnet_usage(ctx, want->word[BR_GPORTS] + 1,
					  "%s: guest-ports: at most %d bytes of patterns",
					  s->what, ALIAS_MAX - (int)strlen(GP_MARK));
		for (int i = 0; i < want->v[BR_GPORTS].names.n; i++)
			if (!strcmp(want->v[BR_GPORTS].names.names[i], "*"))
				return vnet_usage(ctx, want->word[BR_GPORTS] + 1,
						  "%s: guest-ports: \"*\" would take every link; name the guests' prefix (vif*, vnet*, tap*)",
						  s->what);
	}
	return 0;
}

static unsigned int bridge_needs(const struct stmt *s, const struct obj *want)
{
	(void)s;
	return ST_LINKS;
}

static int bridge_plan(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		       const struct obj *want, struct plan *plan)
{
	if (s->verb == V_DEL)
		return plan_bridge_del(ctx, st, s->arg[0], plan);
	return plan_bridge(ctx, st, s->arg[0], want, s->verb == V_ADD, plan);
}

/* A pattern picks the ports to set; releasing by pattern is not offered. */
static int port_check(struct vnet_ctx *ctx, const struct stmt *s, const struct obj *want)
{
	(void)want;
	if (s->verb == V_DEL && name_is_pattern(s->arg[1]))
		return vnet_usage(ctx, s->first_kw - 1,
				  "%s: del takes a port's name, not a pattern", s->what);
	return 0;
}

static unsigned int port_needs(const struct stmt *s, const struct obj *want)
{
	(void)s;
	return ST_LINKS | ((want->mask & VLAN_FIELDS) ? ST_BRVLANS : 0);
}

static int port_plan(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		     const struct obj *want, struct plan *plan)
{
	if (s->verb == V_DEL)
		return plan_port_del(ctx, st, s->arg[0], s->arg[1], plan);
	if (name_is_pattern(s->arg[1]))
		return plan_port_pattern(ctx, st, s, want, plan);
	return plan_port(ctx, st, s->arg[0], s->arg[1], want, s->verb == V_ADD, plan);
}

static int bridge_show(struct vnet_ctx *ctx, const struct stmt *s, const char *name, int config)
{
	return show_links(ctx, &kind_bridge, ST_LINKS | ST_BRVLANS, name, config,
			  "bridge name\tbridge id\t\tSTP enabled\tinterfaces", show_text, bridge_json,
			  show_config);
}

const struct kind kind_bridge = {
	.name = "bridge",
	.rank = 6,
	.link_kind = "bridge",
	.params = br_params,
	.port_params = port_params,
	.args = { "NAME" },
	.verbs = V_ADD | V_SET | V_DEL | V_SHOW,
	.missing = "this kernel has no bridge driver: modprobe bridge (or a kernel built with CONFIG_BRIDGE)",
	.module = "bridge",
	.summary = { "create a bridge or bring it to these settings", "change an existing bridge",
		     "delete a bridge (its ports are released)",
		     "brctl-like view, JSON with -j, statements with --config" },
	.decode = bridge_decode,
	.check = bridge_check,
	.needs = bridge_needs,
	.plan = bridge_plan,
	.simulate = op_alias_simulate,
	.build = op_alias_build,
	.show = bridge_show,
	.conf = show_config,
	.addr_indent = "\t",
	.diagnose = bridge_diagnose,
	.own_vlans = bridge_filters,
};

const struct kind kind_bridge_port = {
	.name = "bridge port",
	.rank = 7,
	.params = port_params,
	.port_params = port_params,
	.args = { "BRIDGE", "PORT" },
	.verbs = V_ADD | V_SET | V_DEL,
	.summary = { "make PORT a port of BRIDGE with these settings", "change a port of BRIDGE",
		     "release PORT from BRIDGE" },
	.check = port_check,
	.needs = port_needs,
	.plan = port_plan,
};
