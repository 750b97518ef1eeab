// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bond kind: every IFLA_BOND_* option, slaves as an exact set, the
 * active slave at run time, and a /proc/net/bonding-like view built from
 * IFLA_BOND_* and IFLA_BOND_SLAVE_*.
 *
 * The kernel's rules (drivers/net/bonding/bond_options.c): mode changes only
 * while the bond is down and has no slaves; fail_over_mac only without
 * slaves; lacp_rate and ad_select only while down; some options only in some
 * modes (EACCES otherwise). A slave must be down to be enslaved. The plan
 * orders the steps itself and says when it takes a link down.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h" /* net/if.h before linux/if.h */
#include "../value.h"
#include "../obj.h"
#include "../state.h"
#include "../plan.h"
#include "../rules.h"
#include "../kind.h"
#include "../addr.h"
#include "../out.h"
#include "../attr.h"
#include "../suggest.h"
#include "../views.h"
#include "../diagnose.h"

#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/if_bonding.h>
#include <linux/if_link.h>

enum {
	B_MODE, B_MIIMON, B_UPDELAY, B_DOWNDELAY, B_USECARRIER, B_ARPINT, B_ARPIP, B_ARPVAL,
	B_ARPALL, B_PRIMARY, B_PRESEL, B_FOMAC, B_XMIT, B_LACP, B_ADSEL, B_MINLINKS, B_ASA,
	B_GRAT, B_IGMP, B_PPS, B_LPINT, B_SLAVES, B_ACTIVE, B_MTU, B_UP, B_ADDRS, B_GW, B_GW6,
};

/* Slave fields, read only: IFLA_BOND_SLAVE_* */
enum { S_STATE, S_MII, S_FAILURES, S_PERM, S_QUEUE, S_AGG };

#define INTMAX 2147483647

static const char *const mode_names[] = { "balance-rr", "active-backup", "balance-xor",
					  "broadcast", "802.3ad", "balance-tlb", "balance-alb",
					  "0", "1", "2", "3", "4", "5", "6", NULL };
static const uint64_t mode_values[] = { 0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6 };
static const char *const arpval_names[] = { "none", "active", "backup", "all", "filter",
					    "filter_active", "filter_backup", NULL };
static const char *const arpall_names[] = { "any", "all", NULL };
static const char *const presel_names[] = { "always", "better", "failure", NULL };
static const char *const fomac_names[] = { "none", "active", "follow", NULL };
static const char *const xmit_names[] = { "layer2", "layer3+4", "layer2+3", "encap2+3",
					  "encap3+4", "vlan+srcmac", NULL };
static const char *const lacp_names[] = { "slow", "fast", NULL };
static const char *const adsel_names[] = { "stable", "bandwidth", "count", NULL };

#define MODES_AB_TLB_ALB ((1U << BOND_MODE_ACTIVEBACKUP) | (1U << BOND_MODE_TLB) | (1U << BOND_MODE_ALB))
#define MODES_NO_ARP ((1U << BOND_MODE_8023AD) | (1U << BOND_MODE_TLB) | (1U << BOND_MODE_ALB))

/* d: the kernel's default for a new bond, which show --config leaves out. */
#define U32P(w, f, lo, hi, a, v, h, d) \
	{ w, f, PT_UINT, lo, hi, NULL, NULL, PN_INFO, a, 4, v, h, 0, .def = d }
#define ENUMP(w, f, n, a, wd, v, h, fl, d) \
	{ w, f, PT_ENUM, 0, 0, n, NULL, PN_INFO, a, wd, v, h, fl, .def = d }

static const struct param bond_params[] = {
	{ "mode", B_MODE, PT_ENUM, 0, 0, mode_names, mode_values, PN_INFO, IFLA_BOND_MODE, 1,
	  "balance-rr|active-backup|balance-xor|broadcast|802.3ad|balance-tlb|balance-alb|0-6",
	  "bonding policy (default balance-rr); changes only while down and without slaves",
	  PF_IFDOWN | PF_NOSLAVES },
	U32P("miimon", B_MIIMON, 0, INTMAX, IFLA_BOND_MIIMON, "MS",
	     "MII link monitoring interval in ms, 0 off (default 0; 100 in 802.3ad, balance-tlb, balance-alb)",
	     "0"),
	U32P("updelay", B_UPDELAY, 0, INTMAX, IFLA_BOND_UPDELAY, "MS",
	     "wait this long after a link comes up, in ms; a multiple of miimon (default 0)", "0"),
	U32P("downdelay", B_DOWNDELAY, 0, INTMAX, IFLA_BOND_DOWNDELAY, "MS",
	     "wait this long after a link goes down, in ms; a multiple of miimon (default 0)", "0"),
	{ "use-carrier", B_USECARRIER, PT_BOOL, 0, 1, NULL, NULL, PN_INFO, IFLA_BOND_USE_CARRIER, 1,
	  "on|off", "miimon reads the carrier state (on) or MII/ethtool (off) (default on)", 0,
	  .def = "on" },
	U32P("arp-interval", B_ARPINT, 0, INTMAX, IFLA_BOND_ARP_INTERVAL, "MS",
	     "ARP link monitoring interval in ms, 0 off (default 0)", "0"),
	{ "arp-ip-target", B_ARPIP, PT_IPS, 0, 16, NULL, NULL, PN_INFO, IFLA_BOND_ARP_IP_TARGET, 4,
	  "IP[,IP...]|none", "addresses the ARP monitor probes, at most 16 (default none)", 0,
	  .def = "none" },
	ENUMP("arp-validate", B_ARPVAL, arpval_names, IFLA_BOND_ARP_VALIDATE, 4,
	      "none|active|backup|all|filter|filter_active|filter_backup",
	      "which ARP replies and probes count as link activity (default none)", 0, "none"),
	ENUMP("arp-all-targets", B_ARPALL, arpall_names, IFLA_BOND_ARP_ALL_TARGETS, 4, "any|all",
	      "a slave is up when any or all targets answer (default any)", 0, "any"),
	{ "primary", B_PRIMARY, PT_IFREF, 0, 0, NULL, NULL, PN_INFO, IFLA_BOND_PRIMARY, 4,
	  "IF|none", "the preferred slave (active-backup, balance-tlb, balance-alb; default none)",
	  0, .def = "none" },
	ENUMP("primary-reselect", B_PRESEL, presel_names, IFLA_BOND_PRIMARY_RESELECT, 1,
	      "always|better|failure", "when the primary takes over again (default always)", 0,
	      "always"),
	ENUMP("fail-over-mac", B_FOMAC, fomac_names, IFLA_BOND_FAIL_OVER_MAC, 1,
	      "none|active|follow",
	      "MAC addresses on failover (default none); changes only without slaves", PF_NOSLAVES,
	      "none"),
	ENUMP("xmit-hash-policy", B_XMIT, xmit_names, IFLA_BOND_XMIT_HASH_POLICY, 1,
	      "layer2|layer2+3|layer3+4|encap2+3|encap3+4|vlan+srcmac",
	      "transmit hash for balance-xor, 802.3ad and balance-tlb (default layer2)", 0, "layer2"),
	ENUMP("lacp-rate", B_LACP, lacp_names, IFLA_BOND_AD_LACP_RATE, 1, "slow|fast",
	      "LACPDU rate asked of the partner, 802.3ad (default slow); changes only while down",
	      PF_IFDOWN, "slow"),
	ENUMP("ad-select", B_ADSEL, adsel_names, IFLA_BOND_AD_SELECT, 1, "stable|bandwidth|count",
	      "802.3ad aggregator selection (default stable); changes only while down", PF_IFDOWN,
	      "stable"),
	U32P("min-links", B_MINLINKS, 0, INTMAX, IFLA_BOND_MIN_LINKS, "N",
	     "slaves that must be up for carrier (default 0)", "0"),
	{ "all-slaves-active", B_ASA, PT_BOOL, 0, 1, NULL, NULL, PN_INFO,
	  IFLA_BOND_ALL_SLAVES_ACTIVE, 1, "on|off",
	  "deliver frames received on inactive slaves too (default off)", 0, .def = "off" },
	{ "num-grat-arp", B_GRAT, PT_UINT, 0, 255, NULL, NULL, PN_INFO, IFLA_BOND_NUM_PEER_NOTIF, 1,
	  "N", "peer notifications after a failover, 0-255 (default 1)", 0, .def = "1" },
	U32P("resend-igmp", B_IGMP, 0, 255, IFLA_BOND_RESEND_IGMP, "N",
	     "IGMP reports after a failover, 0-255 (default 1)", "1"),
	U32P("packets-per-slave", B_PPS, 0, 65535, IFLA_BOND_PACKETS_PER_SLAVE, "N",
	     "packets per slave in balance-rr, 0 random (default 1)", "1"),
	U32P("lp-interval", B_LPINT, 1, INTMAX, IFLA_BOND_LP_INTERVAL, "SECONDS",
	     "learning packet interval in seconds, balance-tlb/alb (default 1)", "1"),
	{ "slaves", B_SLAVES, PT_NAMES, 0, 0, NULL, NULL, PN_NONE, 0, 0, "IF[,IF...]|none",
	  "exactly these slaves; others are released", 0 },
	{ "active-slave", B_ACTIVE, PT_IFREF, 0, 0, NULL, NULL, PN_NONE, IFLA_BOND_ACTIVE_SLAVE, 4,
	  "IF", "switch the active slave now, as ifenslave -c (active-backup, tlb, alb)", 0 },
	{ "mtu", B_MTU, PT_UINT, 68, 65535, NULL, NULL, PN_LINK, IFLA_MTU, 4, "N",
	  "MTU in bytes; the slaves follow the bond (default 1500)", 0, .def = "1500" },
	{ "up", B_UP, PT_FLAG, 1, 0, NULL, NULL, PN_FLAGS, 0, 0, NULL, "bring the bond up", 0 },
	{ "down", B_UP, PT_FLAG, 0, 0, NULL, NULL, PN_FLAGS, 0, 0, NULL, "take the bond down", 0 },
	ADDR_PARAMS(B_ADDRS, B_GW, B_GW6),
	{ 0 }
};

/* The active slave travels in IFLA_INFO_DATA, but in a step of its own. */
static const struct param active_param[] = {
	{ "active-slave", B_ACTIVE, PT_IFREF, 0, 0, NULL, NULL, PN_INFO, IFLA_BOND_ACTIVE_SLAVE, 4,
	  "IF", "", 0 },
	{ 0 }
};

static const struct param slave_params[] = {
	{ "state", S_STATE, PT_UINT, 0, 0, NULL, NULL, PN_PORT, IFLA_BOND_SLAVE_STATE, 1, "", "", 0 },
	{ "mii", S_MII, PT_UINT, 0, 0, NULL, NULL, PN_PORT, IFLA_BOND_SLAVE_MII_STATUS, 1, "", "", 0 },
	{ "failures", S_FAILURES, PT_UINT, 0, 0, NULL, NULL, PN_PORT,
	  IFLA_BOND_SLAVE_LINK_FAILURE_COUNT, 4, "", "", 0 },
	{ "perm", S_PERM, PT_MAC, 0, 0, NULL, NULL, PN_PORT, IFLA_BOND_SLAVE_PERM_HWADDR, 6, "", "", 0 },
	{ "queue", S_QUEUE, PT_UINT, 0, 0, NULL, NULL, PN_PORT, IFLA_BOND_SLAVE_QUEUE_ID, 2, "", "", 0 },
	{ "agg", S_AGG, PT_UINT, 0, 0, NULL, NULL, PN_PORT, IFLA_BOND_SLAVE_AD_AGGREGATOR_ID, 2, "",
	  "", 0 },
	{ 0 }
};

/* Options the kernel refuses (EACCES) outside some modes. */
static const struct {
	int field;
	uint32_t modes; /* allowed */
} mode_deps[] = {
	{ B_PRIMARY, MODES_AB_TLB_ALB },
	{ B_ACTIVE, MODES_AB_TLB_ALB },
	{ B_PPS, 1U << BOND_MODE_ROUNDROBIN },
	{ B_LACP, 1U << BOND_MODE_8023AD },
	{ B_ARPVAL, 0x7f & ~MODES_NO_ARP },
	{ B_ARPINT, 0x7f & ~MODES_NO_ARP },
};

static void bond_decode(struct link *l, const struct nlattr *data, int slave)
{
	const struct nlattr *a, *b;

	if (slave) {
		obj_decode(slave_params, PN_PORT, data, l->pobj);
		return;
	}
	obj_decode(bond_params, PN_INFO, data, l->kobj);
	obj_decode(active_param, PN_INFO, data, l->kobj);
	l->active_slave = obj_has(l->kobj, B_ACTIVE) ? (int)l->kobj->v[B_ACTIVE].u : 0;
	attr_for_each_nested(a, data) {
		if (attr_type(a) != IFLA_BOND_AD_INFO)
			continue;
		attr_for_each_nested(b, a) {
			switch (attr_type(b)) {
			case IFLA_BOND_AD_INFO_AGGREGATOR:
				l->ad.aggregator = attr_u16(b);
				break;
			case IFLA_BOND_AD_INFO_NUM_PORTS:
				l->ad.ports = attr_u16(b);
				break;
			case IFLA_BOND_AD_INFO_ACTOR_KEY:
				l->ad.actor_key = attr_u16(b);
				break;
			case IFLA_BOND_AD_INFO_PARTNER_KEY:
				l->ad.partner_key = attr_u16(b);
				break;
			case IFLA_BOND_AD_INFO_PARTNER_MAC:
				if (attr_len(b) == 6)
					memcpy(l->ad.partner_mac, attr_data(b), 6);
				break;
			}
			l->ad.have = 1;
		}
	}
}

/* The slaves of a bond, in the order the dump gives them. */
static void slaves_of(struct state *st, const struct link *bond, struct namelist *nl)
{
	namelist_free(nl);
	for (const struct link *p = state_port(st, bond, NULL); p; p = state_port(st, bond, p)) {
		void *nn = realloc(nl->names, (size_t)(nl->n + 1) * sizeof(*nl->names));

		if (!nn)
			abort();
		nl->names = nn;
		memcpy(nl->names[nl->n++], p->name, VNET_NAMSIZ);
	}
}

static void bond_current(struct state *st, const struct link *l, struct obj *o)
{
	obj_init(o);
	obj_copy_fields(o, link_kobj(l), ~0U);
	/* The kernel leaves out a primary or an active slave that is not set. */
	if (!obj_has(o, B_PRIMARY))
		obj_set_u(o, B_PRIMARY, 0);
	if (!obj_has(o, B_ACTIVE))
		obj_set_u(o, B_ACTIVE, 0);
	obj_set_u(o, B_MTU, l->mtu);
	obj_set_u(o, B_UP, !!(l->flags & IFF_UP));
	slaves_of(st, l, &o->v[B_SLAVES].names);
	o->mask |= 1U << B_SLAVES;
}

static const struct link *find_bond(struct vnet_ctx *ctx, struct state *st, const char *name,
				    int must, int *r)
{
	const struct link *l = state_by_name(st, name);

	*r = 0;
	if (l && strcmp(l->kind, "bond")) {
		*r = vnet_refuse(ctx, EEXIST, "bond %s: %s exists and is %s%s, not a bond", name, name,
			       l->kind[0] ? "a " : "a device without a kind", l->kind);
		return NULL;
	}
	if (!l && must)
		*r = vnet_fail(ctx, ENODEV, "bond %s: no such bond", name);
	return l;
}

/* A would-be slave: exists, is not the bond, belongs to no other master. */
static int check_slave(struct vnet_ctx *ctx, struct state *st, const char *bond,
		       const struct link *b, const char *name)
{
	const struct link *l = state_by_name(st, name);

	if (!strcmp(name, bond))
		return vnet_refuse(ctx, ELOOP, "bond %s: cannot be a slave of itself", bond);
	if (!l)
		return vnet_fail(ctx, ENODEV, "bond %s: slave %s: no such interface", bond, name);
	if (l->master && (!b || l->master != b->ifindex)) {
		char hint[320];

		release_hint(ctx, st, l, hint, sizeof(hint));
		return vnet_fail(ctx, EBUSY, "bond %s: slave %s: already enslaved to %s%s", bond, name,
				 state_name(st, l->master), hint);
	}
	return 0;
}

static struct op *updown(struct plan *plan, const char *name, int up, const char *why)
{
	struct op *op = plan_add(plan, OP_SET, &kind_bond, name);

	obj_set_u(op_obj_w(op), B_UP, (uint64_t)up);
	op->fields = 1U << B_UP;
	op_textf(op, "%s: %s%s", name, up ? "up" : "down", why);
	return op;
}

/* Enslaving: the kernel wants the slave down (lib/rules.c); it brings it up itself. */
static void plan_enslave(struct plan *plan, struct state *st, const char *bond, const char *name)
{
	const struct link *l = state_by_name(st, name);
	const char *rule = rules_port("bond")->down_to_join;
	char why[80];

	if (rule && l && (l->flags & IFF_UP)) {
		snprintf(why, sizeof(why), " (%s %s)", rule, bond);
		updown(plan, name, 0, why);
	}
	struct op *op = plan_add(plan, OP_MASTER, &kind_bond, name);

	str_copy(op->master, sizeof(op->master), bond);
	op_textf(op, "bond %s: enslave %s", bond, name);
}

static void plan_release(struct plan *plan, const char *bond, const struct link *slave)
{
	struct op *op = plan_add(plan, OP_MASTER, &kind_bond, slave->name);

	op_textf(op, "bond %s: release %s", bond, slave->name);
}

static const char *mode_name(uint64_t m)
{
	return m < 7 ? mode_names[m] : "?";
}

/* An option sent in a mode the kernel refuses it in: say so first. */
static int check_modes(struct vnet_ctx *ctx, const char *what, uint32_t m, uint64_t mode,
		       int mode_from_statement)
{
	for (size_t i = 0; i < sizeof(mode_deps) / sizeof(mode_deps[0]); i++) {
		if (!(m & (1U << mode_deps[i].field)) || (mode_deps[i].modes & (1U << mode)))
			continue;
		const struct param *p = param_by_field(bond_params, mode_deps[i].field);
		char modes[160] = "";
		size_t n = 0;

		for (int k = 0; k < 7; k++)
			if (mode_deps[i].modes & (1U << k))
				n += (size_t)snprintf(modes + n, sizeof(modes) - n, "%s%s", n ? ", " : "",
						      mode_names[k]);
		if (mode_from_statement)
			return vnet_usage(ctx, -1, "%s: %s: not available in mode %s (only %s)", what,
					  p->word, mode_name(mode), modes);
		return vnet_fail(ctx, 0, "%s: %s: not available in mode %s (only %s)", what,
				 p->word, mode_name(mode), modes);
	}
	return 0;
}

static uint32_t config_mask(const struct obj *cur);

static int bond_plan(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		     const struct obj *want, struct plan *plan)
{
	const char *name = s->arg[0];
	int r;
	const struct link *b = find_bond(ctx, st, name, s->verb == V_SET, &r);
	struct obj cur;
	const struct namelist *slaves = obj_has(want, B_SLAVES) ? &want->v[B_SLAVES].names : NULL;

	if (r < 0)
		return r;
	if (s->verb == V_DEL) {
		if (!b)
			return 0;
		struct op *op = plan_add(plan, OP_DELETE, &kind_bond, name);

		op_textf(op, "bond %s: delete%s", name, vlan_uppers_text(st, b));
		return 0;
	}
	for (int i = 0; slaves && i < slaves->n; i++)
		if ((r = check_slave(ctx, st, name, b, slaves->names[i])) < 0)
			return r;
	for (int f = B_PRIMARY; f <= B_ACTIVE; f += B_ACTIVE - B_PRIMARY)
		if (obj_has(want, f) && want->v[f].names.n &&
		    !state_by_name(st, want->v[f].names.names[0]))
			return vnet_fail(ctx, ENODEV, "%s: %s %s: no such interface", s->what,
					 param_by_field(bond_params, f)->word,
					 want->v[f].names.names[0]);
	if (obj_has(want, B_ACTIVE)) {
		const char *a = want->v[B_ACTIVE].names.names[0];
		const struct link *al = state_by_name(st, a);

		if (slaves ? !namelist_has(slaves, a) : (!b || al->master != b->ifindex))
			return vnet_fail(ctx, EINVAL, "%s: active-slave %s: not a slave of %s", s->what,
					 a, name);
	}
	uint64_t mode = obj_has(want, B_MODE) ? want->v[B_MODE].u
		      : b && obj_has(link_kobj(b), B_MODE) ? link_kobj(b)->v[B_MODE].u : 0;
	uint32_t opts = want->mask & ~((1U << B_SLAVES) | (1U << B_ACTIVE));

	if (!b) {
		if ((r = check_modes(ctx, s->what, opts, mode, 1)) < 0)
			return r;
		plan_create(plan, &kind_bond, s->what, name, want, opts);
		for (int i = 0; slaves && i < slaves->n; i++)
			plan_enslave(plan, st, name, slaves->names[i]);
	} else {
		bond_current(st, b, &cur);
		uint32_t m = obj_diff(bond_params, want, &cur, PN_INFO) |
			     obj_diff(bond_params, want, &cur, PN_LINK);
		struct field_rules fr;
		int up = !!(b->flags & IFF_UP), want_up = obj_has(want, B_UP) ? (int)want->v[B_UP].u : up;
		int has_slaves = cur.v[B_SLAVES].names.n > 0;

		if ((r = check_modes(ctx, s->what, m, mode, obj_has(want, B_MODE))) < 0) {
			obj_free(&cur);
			return r;
		}
		rules_fields(bond_params, m, &fr);
		/* Slaves to keep through a no-slaves change: released, then back (lib/rules.h). */
		const struct namelist *final = slaves ? slaves : &cur.v[B_SLAVES].names;
		int nosl = rules_release_ports(&fr), ifdown = rules_down_first(&fr);

		if (nosl && has_slaves) {
			for (int i = 0; i < st->n; i++)
				if (st->links[i].master == b->ifindex)
					plan_release(plan, name, &st->links[i]);
		} else {
			/* hotplug only adds: the slaves not listed stay. */
			for (int i = 0; slaves && !ctx->additive && i < st->n; i++)
				if (st->links[i].master == b->ifindex &&
				    !namelist_has(slaves, st->links[i].name))
					plan_release(plan, name, &st->links[i]);
		}
		if (ifdown && up)
			updown(plan, name, 0, fr.noslaves & (1U << B_MODE) ? " (mode changes only while the bond is down)"
					      : " (the kernel changes these options only while the bond is down)");
		if (m)
			plan_set(plan, &kind_bond, s->what, name, want, &cur, m);
		for (int i = 0; i < final->n; i++) {
			const struct link *l = state_by_name(st, final->names[i]);

			if ((nosl && has_slaves) || !l || l->master != b->ifindex)
				plan_enslave(plan, st, name, final->names[i]);
		}
		if ((ifdown && up && want_up) || (!up && want_up))
			updown(plan, name, 1, "");
		else if (up && !want_up && !ifdown)
			updown(plan, name, 0, "");
		obj_free(&cur);
	}
	/* Last, once the slaves are in: the active slave, if it is another. */
	if (obj_has(want, B_ACTIVE)) {
		const char *a = want->v[B_ACTIVE].names.names[0];
		const char *now = b && obj_has(link_kobj(b), B_ACTIVE) ? state_name(st, (int)link_kobj(b)->v[B_ACTIVE].u) : "";

		if (strcmp(a, now) || !b) {
			if ((r = check_modes(ctx, s->what, 1U << B_ACTIVE, mode, obj_has(want, B_MODE))) < 0)
				return r;
			struct op *op = plan_add(plan, OP_SET, &kind_bond_active, name);

			obj_copy_field(op_obj_w(op), want, B_ACTIVE);
			op->fields = 1U << B_ACTIVE;
			op_textf(op, "%s: set active-slave %s%s%s", s->what, now[0] ? now : "",
				 now[0] ? " -> " : "", a);
		}
	}
	return 0;
}

/* updelay and downdelay are multiples of miimon; the kernel rounds down otherwise. */
static int bond_check(struct vnet_ctx *ctx, const struct stmt *s, const struct obj *want)
{
	int r;

	if (obj_has(want, B_ACTIVE) && !want->v[B_ACTIVE].names.n)
		return vnet_usage(ctx, want->word[B_ACTIVE] + 1,
				  "%s: active-slave: a slave is required, not none", s->what);
	/* The kernel runs one link monitor at a time (EINVAL otherwise). */
	if (obj_has(want, B_MIIMON) && want->v[B_MIIMON].u && obj_has(want, B_ARPINT) &&
	    want->v[B_ARPINT].u)
		return vnet_usage(ctx, want->word[B_ARPINT],
				  "%s: arp-interval: MII and ARP monitoring exclude each other; set miimon 0 or arp-interval 0",
				  s->what);
	for (int f = B_UPDELAY; f <= B_DOWNDELAY; f++)
		if (obj_has(want, B_MIIMON) && !want->v[B_MIIMON].u && obj_has(want, f) &&
		    want->v[f].u)
			return vnet_usage(ctx, want->word[f] + 1,
					  "%s: %s: \"%s\": needs MII monitoring (miimon above 0)", s->what,
					  param_by_field(bond_params, f)->word, s->argv[want->word[f] + 1]);
	/* Options the mode in this statement does not take: before the host is read. */
	if (obj_has(want, B_MODE) &&
	    (r = check_modes(ctx, s->what, want->mask, want->v[B_MODE].u, 1)) < 0)
		return r;
	for (int f = B_UPDELAY; f <= B_DOWNDELAY; f++)
		if (obj_has(want, B_MIIMON) && want->v[B_MIIMON].u && obj_has(want, f) &&
		    want->v[f].u % want->v[B_MIIMON].u)
			return vnet_usage(ctx, want->word[f] + 1,
					  "%s: %s: \"%s\": must be a multiple of miimon (%llu)", s->what,
					  param_by_field(bond_params, f)->word, s->argv[want->word[f] + 1],
					  (unsigned long long)want->v[B_MIIMON].u);
	if (obj_has(want, B_ACTIVE) && obj_has(want, B_SLAVES) &&
	    !namelist_has(&want->v[B_SLAVES].names, want->v[B_ACTIVE].names.names[0]))
		return vnet_usage(ctx, want->word[B_ACTIVE] + 1,
				  "%s: active-slave: \"%s\": not one of the slaves", s->what,
				  want->v[B_ACTIVE].names.names[0]);
	return 0;
}

/* ---- bond slave add|del BOND IF ---- */

static int slave_plan(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		      const struct obj *want, struct plan *plan)
{
	const char *bond = s->arg[0], *name = s->arg[1];
	int r;
	const struct link *b = find_bond(ctx, st, bond, s->verb == V_ADD, &r);
	const struct link *l = state_by_name(st, name);

	if (!b)
		return r;
	if (s->verb == V_DEL) {
		if (l && l->master == b->ifindex)
			plan_release(plan, bond, l);
		return 0;
	}
	if ((r = check_slave(ctx, st, bond, b, name)) < 0)
		return r;
	if (l->master != b->ifindex)
		plan_enslave(plan, st, bond, name);
	return 0;
}

/* ---- show ---- */

static const char *mode_long[] = {
	"load balancing (round-robin)", "fault-tolerance (active-backup)", "load balancing (xor)",
	"fault-tolerance (broadcast)", "IEEE 802.3ad Dynamic link aggregation",
	"transmit load balancing", "adaptive load balancing",
};

static const char *mii_word(uint64_t v)
{
	return v == BOND_LINK_UP ? "up" : v == BOND_LINK_FAIL ? "going down"
	     : v == BOND_LINK_BACK ? "going back" : "down";
}

static int relevant(uint64_t mode, int field)
{
	for (size_t i = 0; i < sizeof(mode_deps) / sizeof(mode_deps[0]); i++)
		if (mode_deps[i].field == field)
			return !!(mode_deps[i].modes & (1U << mode));
	if (field == B_ADSEL || field == B_LACP)
		return mode == BOND_MODE_8023AD;
	if (field == B_LPINT)
		return mode == BOND_MODE_TLB || mode == BOND_MODE_ALB;
	return 1;
}

/*
 * The options that describe a bond: what its mode uses, without the run-time
 * active slave, and nothing the kernel would refuse to take back (delays
 * without MII monitoring, even 0, are EPERM; options of other modes EACCES).
 */
static uint32_t config_mask(const struct obj *cur)
{
	uint32_t m = 0;

	for (const struct param *p = bond_params; p->word; p++)
		if (p->field != B_ACTIVE && relevant(cur->v[B_MODE].u, p->field))
			m |= 1U << p->field;
	if (!cur->v[B_MIIMON].u)
		m &= ~((1U << B_UPDELAY) | (1U << B_DOWNDELAY));
	if (!cur->v[B_ARPINT].u)
		m &= ~((1U << B_ARPINT) | (1U << B_ARPIP) | (1U << B_ARPVAL) | (1U << B_ARPALL));
	return m;
}

/*
 * The run-time facts of a bond and of each slave, described once: the text
 * prints them with /proc/net/bonding's labels, -j with its keys.
 */
static int ad_facts(const struct link *b, struct view_fact *f, char mac[32])
{
	format_mac(b->ad.partner_mac, mac, 32);
	f[0] = (struct view_fact){ "Aggregator ID", "aggregator_id", NULL, b->ad.aggregator };
	f[1] = (struct view_fact){ "Number of ports", "ports", NULL, b->ad.ports };
	f[2] = (struct view_fact){ "Actor Key", "actor_key", NULL, b->ad.actor_key };
	f[3] = (struct view_fact){ "Partner Key", "partner_key", NULL, b->ad.partner_key };
	f[4] = (struct view_fact){ "Partner Mac Address", "partner_mac", mac, 0 };
	return 5;
}

static int slave_facts(const struct link *b, const struct link *l, struct view_fact *f, char mac[32])
{
	const struct obj *o = link_pobj(l);
	int n = 0;

	format_mac(o->v[S_PERM].mac, mac, 32);
	f[n++] = (struct view_fact){ "State", "state",
				     o->v[S_STATE].u == BOND_STATE_ACTIVE ? "active" : "backup", 0 };
	f[n++] = (struct view_fact){ "MII Status", "mii_status", mii_word(o->v[S_MII].u), 0 };
	f[n++] = (struct view_fact){ "Link Failure Count", "link_failure_count", NULL, o->v[S_FAILURES].u };
	f[n++] = (struct view_fact){ "Permanent HW addr", "permanent_address", mac, 0 };
	f[n++] = (struct view_fact){ "Slave queue ID", "queue_id", NULL, o->v[S_QUEUE].u };
	if (obj_has(link_kobj(b), B_MODE) && link_kobj(b)->v[B_MODE].u == BOND_MODE_8023AD)
		f[n++] = (struct view_fact){ "Aggregator ID", "aggregator_id", NULL, o->v[S_AGG].u };
	return n;
}

static void show_text(struct vnet_ctx *ctx, struct state *st, const struct link *b)
{
	const struct obj *o = link_kobj(b);
	uint64_t mode = o->v[B_MODE].u;
	char buf[256];

	fprintf(ctx->out, "Bond: %s\nBonding Mode: %s\n", b->name,
		mode < 7 ? mode_long[mode] : "?");
	if (mode == BOND_MODE_XOR || mode == BOND_MODE_8023AD || mode == BOND_MODE_TLB) {
		val_format(param_by_field(bond_params, B_XMIT), &o->v[B_XMIT], buf, sizeof(buf));
		fprintf(ctx->out, "Transmit Hash Policy: %s\n", buf);
	}
	if (relevant(mode, B_PRIMARY)) {
		val_format(param_by_field(bond_params, B_PRESEL), &o->v[B_PRESEL], buf, sizeof(buf));
		fprintf(ctx->out, "Primary Slave: %s (primary_reselect %s)\n",
			o->v[B_PRIMARY].u ? state_name(st, (int)o->v[B_PRIMARY].u) : "None", buf);
		fprintf(ctx->out, "Currently Active Slave: %s\n",
			obj_has(o, B_ACTIVE) && o->v[B_ACTIVE].u ? state_name(st, (int)o->v[B_ACTIVE].u)
								 : "None");
	}
	fprintf(ctx->out, "MII Status: %s\n", (b->flags & IFF_LOWER_UP) ? "up" : "down");
	fprintf(ctx->out, "MII Polling Interval (ms): %llu\n", (unsigned long long)o->v[B_MIIMON].u);
	fprintf(ctx->out, "Up Delay (ms): %llu\nDown Delay (ms): %llu\n",
		(unsigned long long)o->v[B_UPDELAY].u, (unsigned long long)o->v[B_DOWNDELAY].u);
	if (o->v[B_ARPINT].u) {
		val_format(param_by_field(bond_params, B_ARPIP), &o->v[B_ARPIP], buf, sizeof(buf));
		fprintf(ctx->out, "ARP Polling Interval (ms): %llu\nARP IP target/s (n.n.n.n form): %s\n",
			(unsigned long long)o->v[B_ARPINT].u, buf);
	}
	if (mode == BOND_MODE_8023AD && b->ad.have) {
		struct view_fact f[5];
		char mac[32];

		fputs("Active Aggregator Info:\n", ctx->out);
		view_facts_text(ctx->out, "\t", f, ad_facts(b, f, mac));
	}
	addr_view_line(ctx->out, st, b, "IP: ");
	for (const struct link *l = state_port(st, b, NULL); l; l = state_port(st, b, l)) {
		struct view_fact f[6];
		char mac[32];

		fprintf(ctx->out, "\nSlave Interface: %s\n", l->name);
		view_facts_text(ctx->out, "", f, slave_facts(b, l, f, mac));
	}
}

static struct json_object *show_json(struct state *st, const struct link *b)
{
	struct json_object *j = json_object_new_object(), *sl = json_object_new_array();
	struct obj cur;

	bond_current(st, b, &cur);
	json_object_object_add(j, "name", json_object_new_string(b->name));
	json_add_fields(j, bond_params, &cur);
	json_object_object_add(j, "mii_status",
			       json_object_new_string((b->flags & IFF_LOWER_UP) ? "up" : "down"));
	json_object_object_add(j, "state", json_object_new_string(b->flags & IFF_UP ? "up" : "down"));
	view_json_runtime(j, b);
	if (b->ad.have) {
		struct json_object *ad = json_object_new_object();
		struct view_fact f[5];
		char mac[32];

		view_facts_json(ad, f, ad_facts(b, f, mac));
		json_object_object_add(j, "ad_info", ad);
	}
	for (const struct link *l = state_port(st, b, NULL); l; l = state_port(st, b, l)) {
		struct json_object *s = json_object_new_object();
		struct view_fact f[6];
		char mac[32];

		json_object_object_add(s, "name", json_object_new_string(l->name));
		view_facts_json(s, f, slave_facts(b, l, f, mac));
		view_json_runtime(s, l);
		json_object_array_add(sl, s);
	}
	json_object_object_add(j, "slaves", sl);
	obj_free(&cur);
	return j;
}

/*
 * What the admin set, as for bridges and veths: the options of the bond's
 * mode that differ from a new bond's (the kernel's built-in defaults; a
 * bonding module loaded with options of its own gives new bonds others),
 * its mode, its slaves and up or down. A keyword left out is not managed:
 * on this host the file applies as no change.
 */
static void show_config(struct vnet_ctx *ctx, struct state *st, const struct link *b)
{
	struct obj cur;
	char txt[4096];
	uint32_t m;

	if (kind_owner(b, NULL))
		return; /* another kind's (a SEA's bond): its statement describes it */

	bond_current(st, b, &cur);
	m = config_mask(&cur) & obj_non_default(bond_params, &cur);
	/*
	 * A mode that cannot use the ARP monitor starts the MII monitor at
	 * 100 ms when it is off (bond_option_mode_set): that is its default,
	 * and 0 is the one to write.
	 */
	if (cur.v[B_MODE].u < 7 && ((1U << cur.v[B_MODE].u) & MODES_NO_ARP))
		m = cur.v[B_MIIMON].u == 100 ? m & ~(1U << B_MIIMON) : m | (1U << B_MIIMON);
	obj_format(bond_params, &cur, cur.mask & m, txt, sizeof(txt));
	out_line(ctx, "bond add %s %s", b->name, txt);
	obj_free(&cur);
}

/*
 * A bond with no active slave carries nothing; a slave the MII monitor
 * calls down is one failure away from that; a primary that is up but not
 * active means the bond failed over and did not come back.
 */
static void bond_diagnose(struct diag *d, struct state *st, const struct link *b)
{
	const struct obj *o = link_kobj(b);
	uint64_t mode = o->v[B_MODE].u;
	int n = 0;
	char fix[256];

	for (const struct link *l = state_port(st, b, NULL); l; l = state_port(st, b, l)) {
		n++;
		diag_port_common(d, st, "bond", b, l);
		if (link_pobj(l)->v[S_MII].u != BOND_LINK_UP) {
			snprintf(fix, sizeof(fix), "see why %s is down (cable, switch port, carrier)", l->name);
			diag_say(d, DIAG_FAIL, "slave", "bond", b->name, l->name, fix, "MII status %s, %llu failures",
				 mii_word(link_pobj(l)->v[S_MII].u), (unsigned long long)link_pobj(l)->v[S_FAILURES].u);
		}
	}
	if (!n) {
		snprintf(fix, sizeof(fix), "vnetctl bond set %s slaves IF[,IF...]", b->name);
		diag_say(d, DIAG_FAIL, "slaves", "bond", b->name, NULL, fix, "no slave");
		return;
	}
	if (!relevant(mode, B_ACTIVE))
		return;
	if (!b->active_slave) {
		diag_say(d, DIAG_FAIL, "active", "bond", b->name, NULL,
			 "bring a slave's link up (each has no carrier or is down)", "no active slave");
		return;
	}
	diag_say(d, DIAG_OK, "active", "bond", b->name, NULL, NULL, "active slave %s",
		 state_name(st, b->active_slave));
	const struct link *p = o->v[B_PRIMARY].u ? state_by_index(st, (int)o->v[B_PRIMARY].u) : NULL;

	if (p && p->ifindex != b->active_slave) {
		snprintf(fix, sizeof(fix), "once %s is well again: vnetctl bond set %s active-slave %s",
			 p->name, b->name, p->name);
		diag_say(d, DIAG_WARN, "primary", "bond", b->name, NULL, fix,
			 "the primary %s is not the active slave (%s is)", p->name,
			 state_name(st, b->active_slave));
	}
}

static int bond_show(struct vnet_ctx *ctx, const struct stmt *s, const char *name, int config)
{
	return show_links(ctx, &kind_bond, ST_LINKS, name, config, NULL, show_text, show_json,
			  show_config);
}

static const uint8_t *bond_slave_perm(const struct link *l)
{
	static const uint8_t none[6];
	const uint8_t *m = link_pobj(l)->v[S_PERM].mac;

	if (strcmp(l->slave_kind, "bond") || !memcmp(m, none, 6))
		return NULL;
	return m;
}

const struct kind kind_bond = {
	.name = "bond",
	.rank = 3,
	.link_kind = "bond",
	.params = bond_params,
	.args = { "NAME" },
	.verbs = V_ADD | V_SET | V_DEL | V_SHOW,
	.missing = "this kernel has no bonding driver: modprobe bonding (or a kernel built with CONFIG_BONDING)",
	.module = "bonding",
	.summary = { "create a bond or bring it to these settings", "change an existing bond",
		     "delete a bond (its slaves are released)",
		     "/proc/net/bonding-like view, JSON with -j, statements with --config" },
	.decode = bond_decode,
	.check = bond_check,
	.plan = bond_plan,
	.show = bond_show,
	.conf = show_config,
	.diagnose = bond_diagnose,
	.port_own_mac = bond_slave_perm,
};

/* Internal: the step that switches the active slave. */
const struct kind kind_bond_active = {
	.name = "bond",
	.rank = 3,
	.link_kind = "bond",
	.params = active_param,
};

static const struct param no_params[] = { { 0 } };

const struct kind kind_bond_slave = {
	.name = "bond slave",
	.rank = 4,
	.params = no_params,
	.args = { "BOND", "IF" },
	.verbs = V_ADD | V_DEL,
	.summary = { "enslave IF to BOND (taking it down first if needed)", NULL,
		     "release IF from BOND" },
	.plan = slave_plan,
};
