// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sea kind: a PowerVM VIOS-style shared Ethernet adapter, built from
 * the kernel's own objects:
 *
 *   - the SEA is a bridge NAME with VLAN filtering on, no default PVID and
 *     STP off;
 *   - its trunk port is the backing device, or an active-backup bond
 *     NAME-ha (miimon 100) over several backing devices;
 *   - each adapter is a port with its PVID untagged and its extra VLANs
 *     tagged; an adapter that does not exist is created as a veth pair
 *     (IF on the bridge, IF-peer for the guest).
 *
 * What a SEA creates carries the interface alias "vnetctl-sea:NAME". The
 * bridge's alias records, after that mark, what the kernel cannot tell:
 * the backing devices in order, the default adapter, the SEA's MTU, and
 * how the devices the SEA took over were before (down, MTU), so that
 * releasing them puts them back. Everything else (ports, VLANs, the bond's
 * slaves and primary, up/down, MTU) is read from the kernel and compared
 * with the statement.
 *
 * A SEA statement plans as the bridge, bond, veth, port and port-VLAN steps
 * it stands for, each simulated on the planning state as soon as it is
 * planned (as a file's statements are), so each step is planned against
 * the host as the steps before it leave it; a failure is undone from the
 * record of the host like any other plan (lib/record.c). The SEA's only
 * request of its own is the alias.
 */
#include "../internal.h" /* net/if.h before linux/if.h */
#include "../value.h"
#include "../obj.h"
#include "../nl.h"
#include "../state.h"
#include "../plan.h"
#include "../rules.h"
#include "../kind.h"
#include "../out.h"
#include "../addr.h"
#include "../suggest.h"
#include "../views.h"
#include "../diagnose.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/if_bonding.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

enum { F_BACKING, F_HAMODE, F_ADAPTER, F_PVID, F_VLANS, F_DEFAULT, F_MTU, F_ADDRS, F_GW, F_GW6 };
enum { HA_DISABLED, HA_AUTO, HA_STANDBY };

#define MARK "vnetctl-sea:"
#define BOND_SUFFIX "-ha"
#define PEER_SUFFIX "-peer"
/* NAME-ha and IF-peer must fit in an interface name. */
#define SEA_NAME_MAX (VNET_NAMSIZ - 1 - (int)(sizeof(BOND_SUFFIX) - 1))
#define NEW_ADAPTER_MAX (VNET_NAMSIZ - 1 - (int)(sizeof(PEER_SUFFIX) - 1))
/* IFALIASZ - 1: the longest alias the kernel keeps. */
#define ALIAS_MAX 255

/* The one OP_KIND step of this kind: an alias (the SEA's mark and record), in op_obj(op)->ext. */

static const char *const ha_names[] = { "disabled", "auto", "standby", NULL };

static const struct param sea_params[] = {
	{ "backing", F_BACKING, PT_NAMES, 0, 0, NULL, NULL, PN_NONE, 0, 0, "DEV[,DEV...]",
	  "the backing device; several make an active-backup bond NAME-ha",
	  PF_REQUIRED },
	{ "ha-mode", F_HAMODE, PT_ENUM, 0, 0, ha_names, NULL, PN_NONE, 0, 0,
	  "disabled|auto|standby",
	  "failover between backing devices: none, bond with the first active, or the second", 0 },
	{ "adapter", F_ADAPTER, PT_IFREF, 0, 0, NULL, NULL, PN_NONE, 0, 0, "IF",
	  "a client adapter (a port; a new veth pair IF/IF-peer if absent); pvid and vlans follow",
	  PF_REQUIRED },
	{ "pvid", F_PVID, PT_UINT, 1, 4094, NULL, NULL, PN_NONE, 0, 0, "N",
	  "the adapter's port VLAN id, untagged on it (1-4094)", PF_REQUIRED },
	{ "vlans", F_VLANS, PT_VLANS, 0, 0, NULL, NULL, PN_NONE, 0, 0, "LIST|none",
	  "extra VLANs the adapter carries tagged", 0 },
	{ "default", F_DEFAULT, PT_IFREF, 0, 0, NULL, NULL, PN_NONE, 0, 0, "IF|none",
	  "the adapter whose PVID is untagged on the backing device", 0 },
	{ "mtu", F_MTU, PT_UINT, 68, 65535, NULL, NULL, PN_NONE, 0, 0, "N",
	  "MTU in bytes for the bridge, bond, backing devices and adapters", 0 },
	/* On the SEA's bridge, NAME; taken over from a backing device that holds them. */
	ADDR_PARAMS(F_ADDRS, F_GW, F_GW6),
	{ 0 }
};

/* ---- small helpers ---- */

/* The field of keyword w in kind k's table (bridge.c and bond.c own theirs). */
static int fw(const struct kind *k, const char *w)
{
	for (const struct param *p = k->params; p->word; p++)
		if (!strcmp(p->word, w))
			return p->field;
	abort(); /* a keyword of bridge.c or bond.c went away */
}

static void obj_set_name(struct obj *o, int f, const char *name)
{
	namelist_free(&o->v[f].names);
	o->v[f].u = 0;
	if (name && name[0]) {
		o->v[f].names.names = calloc(1, sizeof(*o->v[f].names.names));
		if (!o->v[f].names.names)
			abort();
		snprintf(o->v[f].names.names[0], VNET_NAMSIZ, "%s", name);
		o->v[f].names.n = 1;
	}
	o->mask |= 1U << f;
}

static const char *obj_name(const struct obj *o, int f)
{
	return obj_has(o, f) && o->v[f].names.n ? o->v[f].names.names[0] : "";
}

static void namelist_copy(struct namelist *dst, const struct namelist *src)
{
	namelist_free(dst);
	for (int i = 0; i < src->n; i++)
		namelist_add(dst, src->names[i]);
}

static int namelist_join(const struct namelist *l, char *buf, size_t len)
{
	size_t o = 0;

	if (len)
		buf[0] = 0;
	for (int i = 0; i < l->n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "", l->names[i]);
	return (int)o;
}

static int is_up(const struct link *l)
{
	return l && (l->flags & IFF_UP);
}

/* "up", "down" or "no-carrier", as a person reads a link. */
static const char *link_state(const struct link *l)
{
	if (!l)
		return "missing";
	if (!(l->flags & IFF_UP))
		return "down";
	return (l->flags & IFF_LOWER_UP) ? "up" : "no-carrier";
}

/* ---- adapters: what the statement (or the bridge) says ---- */

struct adapter {
	char name[VNET_NAMSIZ];
	unsigned int pvid;	/* 0: none (a port that lost it) */
	struct vlanset vlans;	/* the extra VLANs, tagged */
	int word, vlans_word;	/* statement words, -1 */
};

struct adapters {
	int n;
	struct adapter *a;
};

static void adapters_free(void *p)
{
	struct adapters *ad = p;

	if (ad)
		free(ad->a);
	free(ad);
}

static struct adapter *adapters_add(struct adapters *ad, const char *name)
{
	void *n = realloc(ad->a, (size_t)(ad->n + 1) * sizeof(*ad->a));
	struct adapter *a;

	if (!n)
		abort();
	ad->a = n;
	a = &ad->a[ad->n++];
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->word = a->vlans_word = -1;
	return a;
}

static const struct adapter *adapters_find(const struct adapters *ad, const char *name)
{
	for (int i = 0; ad && i < ad->n; i++)
		if (!strcmp(ad->a[i].name, name))
			return &ad->a[i];
	return NULL;
}

/* An adapter port's VLAN entries: its PVID untagged, the extras tagged. */
static void adapter_portvlan(const struct adapter *a, struct portvlan *pv)
{
	memset(pv, 0, sizeof(*pv));
	pv->have = 1;
	pv->member = a->vlans;
	if (a->pvid) {
		pv->pvid = a->pvid;
		vlanset_add(&pv->member, a->pvid);
		vlanset_add(&pv->untagged, a->pvid);
	}
}

/* The trunk: every VLAN of every adapter tagged, the default's PVID untagged. */
static void trunk_portvlan(const struct adapters *ad, const char *def, struct portvlan *pv)
{
	const struct adapter *d = def[0] ? adapters_find(ad, def) : NULL;

	memset(pv, 0, sizeof(*pv));
	pv->have = 1;
	for (int i = 0; i < ad->n; i++) {
		for (size_t k = 0; k < VLAN_N / 64; k++)
			pv->member.bits[k] |= ad->a[i].vlans.bits[k];
		if (ad->a[i].pvid)
			vlanset_add(&pv->member, ad->a[i].pvid);
	}
	if (d && d->pvid) {
		pv->pvid = d->pvid;
		vlanset_add(&pv->untagged, d->pvid);
	}
}

/*
 * The bridge's own entries: the SEA's interface (the host's traffic, to an
 * address on the SEA) is on the default adapter's PVID, untagged, as a
 * VIOS's SEA interface is; without a default adapter, on no VLAN.
 */
static void self_portvlan(const struct adapters *ad, const char *def, struct portvlan *pv)
{
	const struct adapter *d = def[0] ? adapters_find(ad, def) : NULL;
	struct adapter own = { .pvid = d ? d->pvid : 0 };

	adapter_portvlan(&own, pv);
}

/* ---- the mark and the record in the bridge's alias ---- */

/*
 * A device the SEA took over (a backing device, or an adapter that existed
 * before): whether it was down, and its MTU if the SEA changed it.
 */
struct taken {
	char name[VNET_NAMSIZ];
	int down;
	unsigned int mtu; /* 0: not changed by the SEA */
};

struct rec {
	struct namelist backing; /* in the statement's order */
	char def[VNET_NAMSIZ];
	unsigned int mtu;	 /* the SEA's, once given; 0 none */
	struct taken *t;
	int nt;
};

static void rec_free(struct rec *r)
{
	namelist_free(&r->backing);
	free(r->t);
	memset(r, 0, sizeof(*r));
}

static struct taken *rec_find(const struct rec *r, const char *name)
{
	for (int i = 0; i < r->nt; i++)
		if (!strcmp(r->t[i].name, name))
			return &r->t[i];
	return NULL;
}

static struct taken *rec_take(struct rec *r, const char *name)
{
	struct taken *t = rec_find(r, name);

	if (t)
		return t;
	void *n = realloc(r->t, (size_t)(r->nt + 1) * sizeof(*r->t));

	if (!n)
		abort();
	r->t = n;
	t = &r->t[r->nt++];
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	return t;
}

/* "vnetctl-sea:NAME", alone (what a SEA created) or before the record (its bridge). */
static int marked(const char *alias, const char *sea)
{
	size_t ml = sizeof(MARK) - 1, nl = strlen(sea);

	return !strncmp(alias, MARK, ml) && !strncmp(alias + ml, sea, nl) &&
	       (alias[ml + nl] == 0 || alias[ml + nl] == ' ');
}

/* The SEA a bridge's alias names, or NULL. */
static const char *mark_name(const char *alias, char *buf, size_t len)
{
	size_t ml = sizeof(MARK) - 1;

	if (strncmp(alias, MARK, ml))
		return NULL;
	snprintf(buf, len, "%.*s", (int)strcspn(alias + ml, " "), alias + ml);
	return buf;
}

/*
 * For the other kinds, through the registry: what carries the mark (the
 * bridge, the bond, the veths the SEA made) is the SEA's, whole.
 */
static int sea_owns(const struct link *l, struct link_owner *o)
{
	size_t ml = sizeof(MARK) - 1, nl;
	const char *why, *part = !strcmp(l->kind, "veth")     ? "an adapter"
				 : !strcmp(l->kind, "bond")   ? "the bond"
				 : !strcmp(l->kind, "bridge") ? "the bridge"
							      : "a link";

	if (strncmp(link_alias(l), MARK, ml))
		return 0;
	nl = strcspn(link_alias(l) + ml, " ");
	snprintf(o->name, sizeof(o->name), "%.*s", (int)nl, link_alias(l) + ml);
	if (nl >= sizeof(o->name) || parse_ifname(o->name, &why) < 0)
		o->name[0] = 0;
	/* The mark only: the bridge's alias goes on with the record. */
	snprintf(o->why, sizeof(o->why), "%s a SEA made (its alias: %.*s%s); sea set and sea del manage it",
		 part, (int)(ml + nl), link_alias(l), link_alias(l)[ml + nl] ? " ..." : "");
	return 1;
}

static int is_created(const struct link *l, const char *sea)
{
	char mark[VNET_NAMSIZ + sizeof(MARK)];

	snprintf(mark, sizeof(mark), MARK "%s", sea);
	return l && !strcmp(l->kind, "veth") && !strcmp(link_alias(l), mark);
}

/*
 * Reads "backing=a,b default=x mtu=9000 down=a orig-mtu=a:1500" after the
 * mark; unknown keys are left alone.
 */
static void rec_parse(const char *alias, struct rec *r)
{
	char buf[ALIAS_MAX + 1], *save = NULL, *tok;

	memset(r, 0, sizeof(*r));
	snprintf(buf, sizeof(buf), "%s", alias);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(tok, '='), *item, *s2 = NULL;

		if (!eq)
			continue;
		*eq++ = 0;
		if (!strcmp(tok, "default")) {
			snprintf(r->def, sizeof(r->def), "%s", eq);
			continue;
		}
		if (!strcmp(tok, "mtu")) {
			r->mtu = (unsigned int)strtoul(eq, NULL, 10);
			continue;
		}
		for (item = strtok_r(eq, ",", &s2); item; item = strtok_r(NULL, ",", &s2)) {
			char *colon = strchr(item, ':');

			if (colon)
				*colon++ = 0;
			if (strlen(item) >= VNET_NAMSIZ || !item[0])
				continue;
			if (!strcmp(tok, "backing"))
				namelist_add(&r->backing, item);
			else if (!strcmp(tok, "down"))
				rec_take(r, item)->down = 1;
			else if (!strcmp(tok, "orig-mtu") && colon)
				rec_take(r, item)->mtu = (unsigned int)strtoul(colon, NULL, 10);
		}
	}
}

static int cmp_taken(const void *a, const void *b)
{
	return strcmp(((const struct taken *)a)->name, ((const struct taken *)b)->name);
}

/* The bridge's alias for record r; its length (may exceed len - 1). */
static int rec_format(const char *sea, struct rec *r, char *buf, size_t len)
{
	size_t o;
	int any;

	qsort(r->t, (size_t)r->nt, sizeof(*r->t), cmp_taken);
	o = (size_t)snprintf(buf, len, MARK "%s backing=", sea);
	o += (size_t)namelist_join(&r->backing, buf + (o < len ? o : len), o < len ? len - o : 0);
	if (r->def[0])
		o += (size_t)snprintf(buf + (o < len ? o : len), o < len ? len - o : 0, " default=%s",
				      r->def);
	if (r->mtu)
		o += (size_t)snprintf(buf + (o < len ? o : len), o < len ? len - o : 0, " mtu=%u",
				      r->mtu);
	any = 0;
	for (int i = 0; i < r->nt; i++)
		if (r->t[i].down)
			o += (size_t)snprintf(buf + (o < len ? o : len), o < len ? len - o : 0, "%s%s",
					      any++ ? "," : " down=", r->t[i].name);
	any = 0;
	for (int i = 0; i < r->nt; i++)
		if (r->t[i].mtu)
			o += (size_t)snprintf(buf + (o < len ? o : len), o < len ? len - o : 0, "%s%s:%u",
					      any++ ? "," : " orig-mtu=", r->t[i].name, r->t[i].mtu);
	return (int)o;
}

/* ---- a SEA as the kernel has it ---- */

struct sea_cur {
	struct link *br, *bond, *trunk;
	struct namelist backing; /* in place now, in the recorded order */
	int ha;
	char def[VNET_NAMSIZ];	 /* the recorded default, while it is an adapter */
	struct adapters ad;	 /* the bridge's ports but the trunk */
	struct rec rec;
};

static void cur_free(struct sea_cur *c)
{
	namelist_free(&c->backing);
	free(c->ad.a);
	rec_free(&c->rec);
	memset(c, 0, sizeof(*c));
}

static void sea_read(struct state *st, const char *name, struct sea_cur *c)
{
	char bn[VNET_NAMSIZ + 8];
	struct link *l = state_by_name(st, name);

	memset(c, 0, sizeof(*c));
	if (l && !strcmp(l->kind, "bridge") && marked(link_alias(l), name))
		c->br = l;
	snprintf(bn, sizeof(bn), "%s" BOND_SUFFIX, name);
	l = state_by_name(st, bn);
	if (l && !strcmp(l->kind, "bond") && marked(link_alias(l), name))
		c->bond = l;
	if (c->br)
		rec_parse(link_alias(c->br), &c->rec);
	if (c->bond) {
		/* The slaves, those the record knows in its order first. */
		for (int i = 0; i < c->rec.backing.n; i++) {
			const struct link *s = state_by_name(st, c->rec.backing.names[i]);

			if (s && s->master == c->bond->ifindex)
				namelist_add(&c->backing, s->name);
		}
		for (const struct link *s = state_port(st, c->bond, NULL); s; s = state_port(st, c->bond, s))
			if (!namelist_has(&c->backing, s->name))
				namelist_add(&c->backing, s->name);
		if (c->br && c->bond->master == c->br->ifindex)
			c->trunk = c->bond;
		const char *prim = obj_name(link_kobj(c->bond), fw(&kind_bond, "primary"));

		c->ha = c->backing.n > 1 && !strcmp(prim, c->backing.names[1]) ? HA_STANDBY : HA_AUTO;
	} else if (c->br && c->rec.backing.n) {
		struct link *t = state_by_name(st, c->rec.backing.names[0]);

		if (t && t->master == c->br->ifindex) {
			c->trunk = t;
			namelist_add(&c->backing, t->name);
		}
	}
	for (const struct link *p = c->br ? state_port(st, c->br, NULL) : NULL; p;
	     p = state_port(st, c->br, p)) {
		if (p == c->trunk)
			continue;
		struct adapter *a = adapters_add(&c->ad, p->name);

		a->pvid = link_vl(p)->pvid;
		a->vlans = link_vl(p)->member;
		if (a->pvid)
			vlanset_del(&a->vlans, a->pvid);
	}
	if (c->rec.def[0] && adapters_find(&c->ad, c->rec.def))
		snprintf(c->def, sizeof(c->def), "%s", c->rec.def);
}

/* Whether dev is one the SEA took over: a backing device or an adapter it did not create. */
static int cur_took(struct state *st, const struct sea_cur *c, const char *sea, const char *dev)
{
	return namelist_has(&c->backing, dev) ||
	       (adapters_find(&c->ad, dev) && !is_created(state_by_name(st, dev), sea));
}

/* ---- the plan ---- */

/*
 * Planning: each step goes into the plan and, at once, into the state the
 * plan is made against (state_simulate, as a file's statements are planned
 * one after another), so the next step sees the host as the steps before it
 * leave it. The steps are the other kinds': a bridge and a bond made or
 * changed, ports joined and released, port VLANs, a veth pair per new
 * adapter; the SEA's own is only the alias that records it.
 */
struct sp {
	struct vnet_ctx *ctx;
	struct state *st; /* the host as the steps so far leave it */
	struct plan *plan;
	int simulated;	  /* the plan's steps already in st */
	const struct sea_cur *c;
	const char *name;
	char bond[VNET_NAMSIZ + 8];
	char what[64];
	struct namelist fresh; /* joined the bridge in this plan: no VLANs yet */
};

/* The steps planned since the last call go into the state. */
static void sp_sim(struct sp *s)
{
	for (; s->simulated < s->plan->n; s->simulated++) {
		struct op *op = &s->plan->ops[s->simulated];

		state_simulate(s->st, op);
		op->simulated = 1;
	}
}

/* dev as the steps so far leave it (NULL: none). */
static struct link *sp_link(struct sp *s, const char *dev)
{
	struct link *l;

	sp_sim(s);
	l = state_by_name(s->st, dev);
	return l && !l->deleted ? l : NULL;
}

/* dev's master as the steps so far leave it, as a name ("" for none). */
static const char *sp_master(struct sp *s, const char *dev)
{
	const struct link *l = sp_link(s, dev);

	return l && l->master ? state_name(s->st, l->master) : "";
}

/* An OP_SET of one link field of the bridge table ("up", "mtu"): it fits any link. */
static struct op *link_op(struct plan *plan, const char *dev, const char *word, uint64_t v)
{
	struct op *op = plan_add(plan, OP_SET, &kind_bridge, dev);
	int f = fw(&kind_bridge, word);

	obj_set_u(op_obj_w(op), f, v);
	op->fields = 1U << f;
	return op;
}

static void sp_up(struct sp *s, const char *dev, int up, const char *why)
{
	const struct link *l = sp_link(s, dev);

	if ((l && is_up(l)) == up)
		return;
	struct op *op = link_op(s->plan, dev, "up", (uint64_t)up);

	op_textf(op, "%s: %s %s%s", s->what, dev, up ? "up" : "down", why);
}

/* An MTU of 0 in the state: one the kernel set that the plan cannot know (a released slave's). */
static void sp_mtu(struct sp *s, const char *dev, unsigned int mtu)
{
	const struct link *l = sp_link(s, dev);
	unsigned int old = l ? l->mtu : 0;

	if (!mtu || old == mtu)
		return;
	struct op *op = link_op(s->plan, dev, "mtu", mtu);

	if (old)
		op_textf(op, "%s: %s mtu %u -> %u", s->what, dev, old, mtu);
	else
		op_textf(op, "%s: %s mtu %u", s->what, dev, mtu);
}

static void sp_alias(struct sp *s, const char *dev, const char *alias, const char *old)
{
	struct op *op = plan_alias(s->plan, &kind_sea, dev, alias);

	if (old)
		op_textf(op, "%s: %s alias \"%s\" -> \"%s\"", s->what, dev, old, alias);
	else
		op_textf(op, "%s: %s alias \"%s\"", s->what, dev, alias);
}

/* The mark alone, on what the SEA creates. */
static void sp_mark(struct sp *s, const char *dev)
{
	char mark[VNET_NAMSIZ + sizeof(MARK)];

	snprintf(mark, sizeof(mark), MARK "%s", s->name);
	sp_alias(s, dev, mark, NULL);
}

static void sp_join_bridge(struct sp *s, const char *dev, const char *role)
{
	struct op *op = plan_add(s->plan, OP_MASTER, &kind_bridge, dev);

	str_copy(op->master, sizeof(op->master), s->name);
	op_textf(op, "%s: add %s %s to bridge %s", s->what, role, dev, s->name);
	namelist_add(&s->fresh, dev);
}

/* Releases a port the bridge has now. */
static void sp_leave_bridge(struct sp *s, const struct link *l, const char *role)
{
	struct op *op = plan_add(s->plan, OP_MASTER, &kind_bridge, l->name);

	op_textf(op, "%s: release %s %s from bridge %s", s->what, role, l->name, s->name);
}

/*
 * What the bonding driver does to a slave that joins or leaves, by the
 * rules of lib/rules.c (it opens one that joins and gives it the bond's
 * MTU; it closes one that leaves and gives it back the MTU it had), into
 * the state. An MTU the plan does not know is 0.
 */
static void sp_slave_now(struct sp *s, const char *dev, int in)
{
	const struct port_rules *pr = rules_port("bond");
	struct link *l = sp_link(s, dev);

	if (!l)
		return;
	if (in ? pr->opens_on_join : pr->closes_on_leave)
		l->flags = in ? (l->flags | IFF_UP) : (l->flags & ~IFF_UP);
	if (pr->sets_mtu)
		l->mtu = 0;
}

/* The bonding driver wants a slave down to enslave it (lib/rules.c), and opens it itself. */
static void sp_join_bond(struct sp *s, const char *dev)
{
	const char *rule = rules_port("bond")->down_to_join;
	char why[80];

	if (rule) {
		snprintf(why, sizeof(why), " (%s %s)", rule, s->bond);
		sp_up(s, dev, 0, why);
	}
	struct op *op = plan_add(s->plan, OP_MASTER, &kind_bond, dev);

	str_copy(op->master, sizeof(op->master), s->bond);
	op_textf(op, "%s: enslave %s to %s", s->what, dev, s->bond);
	sp_slave_now(s, dev, 1);
}

/* The bonding driver closes a released slave and gives it back its MTU. */
static void sp_leave_bond(struct sp *s, const char *dev)
{
	struct op *op = plan_add(s->plan, OP_MASTER, &kind_bond, dev);

	op_textf(op, "%s: release %s from %s", s->what, dev, s->bond);
	sp_slave_now(s, dev, 0);
}

/* A device leaves the SEA: as it was before the SEA took it. */
static void sp_restore(struct sp *s, const char *dev)
{
	const struct taken *t = rec_find(&s->c->rec, dev);

	if (t && t->mtu)
		sp_mtu(s, dev, t->mtu);
	sp_up(s, dev, !(t && t->down), " (as before the SEA took it)");
}

/* A new adapter: a veth pair IF/IF-peer, IF up; the peer comes up in a step of its own. */
static void sp_create_veth(struct sp *s, const char *dev, unsigned int mtu)
{
	char m[32] = "", peer[VNET_NAMSIZ + 8], what[96];
	struct obj o;
	struct op *op;

	snprintf(peer, sizeof(peer), "%s" PEER_SUFFIX, dev);
	obj_init(&o);
	obj_set_name(&o, fw(&kind_veth, "peer"), peer);
	obj_set_u(&o, fw(&kind_veth, "up"), 1);
	if (mtu) {
		obj_set_u(&o, fw(&kind_veth, "mtu"), mtu);
		snprintf(m, sizeof(m), ", mtu %u", mtu);
	}
	snprintf(what, sizeof(what), "%s: veth %s", s->what, dev);
	op = plan_create(s->plan, &kind_veth, what, dev, &o, o.mask);
	op_textf(op, "%s: create adapter %s (veth, peer %s%s, up)", s->what, dev, peer, m);
	obj_free(&o);
	op = link_op(s->plan, peer, "up", 1);
	op_textf(op, "%s: %s up", s->what, peer);
	sp_mark(s, dev);
}

/* Deletes an adapter the SEA created (and its peer). */
static void sp_delete_veth(struct sp *s, const struct link *l)
{
	struct op *op = plan_add(s->plan, OP_DELETE, &kind_veth, l->name);

	op_textf(op, "%s: delete adapter %s (and its peer)%s", s->what, l->name,
		 vlan_uppers_text(s->st, l));
}

/* The bond's fields that vnetctl sets: mode, miimon, primary, up (and mtu). */
static void bond_obj(struct obj *o, uint64_t mode, uint64_t miimon, const char *primary, int up,
		     unsigned int mtu)
{
	obj_set_u(o, fw(&kind_bond, "mode"), mode);
	obj_set_u(o, fw(&kind_bond, "miimon"), miimon);
	if (primary)
		obj_set_name(o, fw(&kind_bond, "primary"), primary);
	obj_set_u(o, fw(&kind_bond, "up"), (uint64_t)up);
	if (mtu)
		obj_set_u(o, fw(&kind_bond, "mtu"), mtu);
}

static void sp_delete_bond(struct sp *s)
{
	const struct link *b = s->c->bond;
	struct op *op = plan_add(s->plan, OP_DELETE, &kind_bond, b->name);

	op_textf(op, "%s: delete bond %s (its slaves are released)%s", s->what, b->name,
		 vlan_uppers_text(s->st, b));
	struct namelist slaves = { 0 };

	for (const struct link *sl = state_port(s->st, b, NULL); sl; sl = state_port(s->st, b, sl))
		namelist_add(&slaves, sl->name);
	for (int i = 0; i < slaves.n; i++)
		sp_slave_now(s, slaves.names[i], 0);
	namelist_free(&slaves);
}

/* The bridge's fields that vnetctl sets: stp off, VLAN filtering, no default PVID, up. */
static void bridge_obj(struct obj *o)
{
	obj_set_u(o, fw(&kind_bridge, "stp"), 0);
	obj_set_u(o, fw(&kind_bridge, "vlan-filtering"), 1);
	obj_set_u(o, fw(&kind_bridge, "default-pvid"), 0);
	obj_set_u(o, fw(&kind_bridge, "up"), 1);
}

static void bridge_cur_obj(const struct link *br, struct obj *o)
{
	static const char *const words[] = { "stp", "vlan-filtering", "default-pvid" };

	obj_init(o);
	/* A kernel without VLAN filtering reports neither: it behaves as off and 1. */
	obj_set_u(o, fw(&kind_bridge, "vlan-filtering"), 0);
	obj_set_u(o, fw(&kind_bridge, "default-pvid"), 1);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		int f = fw(&kind_bridge, words[i]);

		if (obj_has(link_kobj(br), f))
			obj_copy_field(o, link_kobj(br), f);
	}
	obj_set_u(o, fw(&kind_bridge, "up"), (uint64_t)is_up(br));
}

static void sp_delete_bridge(struct sp *s)
{
	const struct link *br = s->c->br;
	struct op *op = plan_add(s->plan, OP_DELETE, &kind_bridge, br->name);

	op_textf(op, "%s: delete bridge %s%s", s->what, br->name, vlan_uppers_text(s->st, br));
}

/* The desired SEA: the statement, and for what set leaves out, the SEA as it is. */
struct sea_want {
	struct namelist backing;
	int ha;
	char def[VNET_NAMSIZ];
	const struct adapters *ad;
	unsigned int mtu; /* 0: as it is */
	char trunk[VNET_NAMSIZ + 8], primary[VNET_NAMSIZ];
	struct rec rec;	  /* what the bridge's alias will record */
};

static int want_of(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		   const struct obj *want, const struct sea_cur *c, struct sea_want *w)
{
	const char *name = s->arg[0];
	const struct adapters *ad = want->ext;
	int add = s->verb == V_ADD || !c->br;

	memset(w, 0, sizeof(*w));
	if (obj_has(want, F_BACKING))
		namelist_copy(&w->backing, &want->v[F_BACKING].names);
	else if (c->backing.n)
		namelist_copy(&w->backing, &c->backing);
	else
		namelist_copy(&w->backing, &c->rec.backing);
	if (!w->backing.n)
		return vnet_fail(ctx, ENODEV, "%s: no backing device in place; name it with backing DEV",
				 s->what);
	if (obj_has(want, F_HAMODE))
		w->ha = (int)want->v[F_HAMODE].u;
	else if (add || c->ha == HA_DISABLED)
		w->ha = w->backing.n > 1 ? HA_AUTO : HA_DISABLED;
	else
		w->ha = c->ha;
	if (w->ha == HA_DISABLED && w->backing.n > 1)
		return vnet_fail(ctx, EINVAL, "%s: ha-mode disabled takes one backing device, not %d; give ha-mode auto",
				 s->what, w->backing.n);
	if (w->ha == HA_STANDBY && w->backing.n < 2)
		return vnet_fail(ctx, EINVAL, "%s: ha-mode standby needs a second backing device to fail over to (backing %s)",
				 s->what, w->backing.names[0]);
	w->ad = ad && ad->n ? ad : &c->ad;
	if (obj_has(want, F_DEFAULT))
		snprintf(w->def, sizeof(w->def), "%s", obj_name(want, F_DEFAULT));
	else if (!add)
		snprintf(w->def, sizeof(w->def), "%s", c->def);
	if (w->def[0] && !adapters_find(w->ad, w->def))
		return vnet_fail(ctx, EINVAL, "%s: default %s: not one of the adapters; name one, or default none",
				 s->what, w->def);
	/* An MTU once given stays the SEA's: devices that join later get it too. */
	w->mtu = obj_has(want, F_MTU) ? (unsigned int)want->v[F_MTU].u : c->rec.mtu;
	if (w->ha != HA_DISABLED)
		snprintf(w->trunk, sizeof(w->trunk), "%s" BOND_SUFFIX, name);
	else
		snprintf(w->trunk, sizeof(w->trunk), "%s", w->backing.names[0]);
	snprintf(w->primary, sizeof(w->primary), "%s",
		 w->backing.names[w->ha == HA_STANDBY ? 1 : 0]);

	/* The record: the order, the default, and how the devices taken over were. */
	namelist_copy(&w->rec.backing, &w->backing);
	snprintf(w->rec.def, sizeof(w->rec.def), "%s", w->def);
	w->rec.mtu = w->mtu;
	for (int i = 0; i < w->backing.n + w->ad->n; i++) {
		int is_backing = i < w->backing.n;
		const char *d = is_backing ? w->backing.names[i] : w->ad->a[i - w->backing.n].name;
		const struct link *l = state_by_name(st, d);

		if (!l || (!is_backing && is_created(l, name)))
			continue;
		/* Taken before: as the record says (not listed: it was up). Else: as it is now. */
		int prev = cur_took(st, c, name, d);
		const struct taken *was = prev ? rec_find(&c->rec, d) : NULL;
		struct taken *t = rec_take(&w->rec, d);

		t->down = was ? was->down : prev ? 0 : !is_up(l);
		t->mtu = was ? was->mtu : 0;
		/* The MTU it has before the SEA first changes it. */
		if (!t->mtu && w->mtu && l->mtu != w->mtu)
			t->mtu = l->mtu;
	}
	/* Drop entries that say nothing. */
	int n = 0;

	for (int i = 0; i < w->rec.nt; i++)
		if (w->rec.t[i].down || w->rec.t[i].mtu)
			w->rec.t[n++] = w->rec.t[i];
	w->rec.nt = n;
	return 0;
}

static void want_free(struct sea_want *w)
{
	namelist_free(&w->backing);
	rec_free(&w->rec);
}

/* The master a device has now, as a name ("" for none). */
static const char *master_of(struct state *st, const struct link *l)
{
	return l && l->master ? state_name(st, l->master) : "";
}

/* What the host must allow before anything changes (exit 1). */
static int check_host(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		      const struct sea_cur *c, const struct sea_want *w)
{
	const char *name = s->arg[0];
	const char *brn = c->br ? c->br->name : "", *bn = c->bond ? c->bond->name : "";

	for (int i = 0; i < w->backing.n; i++) {
		const char *d = w->backing.names[i];
		const struct link *l = state_by_name(st, d);
		const char *m = master_of(st, l);

		if (!l)
			return vnet_fail(ctx, ENODEV, "%s: backing %s: no such interface", s->what, d);
		if (adapters_find(w->ad, d))
			return vnet_fail(ctx, EINVAL, "%s: backing %s: it is one of the adapters", s->what, d);
		if (is_created(l, name))
			return vnet_fail(ctx, EINVAL, "%s: backing %s: an adapter this SEA created cannot back it",
					 s->what, d);
		if (m[0] && strcmp(m, brn) && strcmp(m, bn)) {
			char hint[320];

			release_hint(ctx, st, l, hint, sizeof(hint));
			return vnet_fail(ctx, EBUSY, "%s: backing %s: already enslaved to %s%s", s->what, d,
					 m, hint);
		}
	}
	for (int i = 0; i < w->ad->n; i++) {
		const char *d = w->ad->a[i].name;
		const struct link *l = state_by_name(st, d);
		const char *m = master_of(st, l);
		char peer[VNET_NAMSIZ + 8];

		if (l) {
			if (m[0] && strcmp(m, brn) && strcmp(m, bn)) {
				char hint[320];

				release_hint(ctx, st, l, hint, sizeof(hint));
				return vnet_fail(ctx, EBUSY, "%s: adapter %s: already enslaved to %s%s",
						 s->what, d, m, hint);
			}
			continue;
		}
		if ((int)strlen(d) > NEW_ADAPTER_MAX)
			return vnet_fail(ctx, ENAMETOOLONG,
					 "%s: adapter %s: no such interface, and a new veth pair needs %s" PEER_SUFFIX ", longer than 15 bytes (at most %d for a new adapter)",
					 s->what, d, d, NEW_ADAPTER_MAX);
		snprintf(peer, sizeof(peer), "%s" PEER_SUFFIX, d);
		if (state_by_name(st, peer))
			return vnet_refuse(ctx, EEXIST, "%s: adapter %s: no such interface, and %s (its would-be peer) exists",
					 s->what, d, peer);
	}
	return 0;
}

/* NAME and NAME-ha: free, or the SEA's own. */
static int check_names(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		       const struct sea_cur *c)
{
	const char *name = s->arg[0];
	const struct link *l = state_by_name(st, name);
	char bn[VNET_NAMSIZ + 8];

	if (l && !c->br)
		return vnet_refuse(ctx, EEXIST, "%s: %s exists and is %s%s, not a SEA (no %s%s mark)",
				 s->what, name, l->kind[0] ? "a " : "a device without a kind", l->kind,
				 MARK, name);
	snprintf(bn, sizeof(bn), "%s" BOND_SUFFIX, name);
	l = state_by_name(st, bn);
	if (l && !c->bond)
		return vnet_refuse(ctx, EEXIST, "%s: %s exists and is not the SEA's bond (no %s%s mark)",
				 s->what, bn, MARK, name);
	return 0;
}

static void sp_init(struct sp *s, struct vnet_ctx *ctx, struct state *st, struct plan *plan,
		    const struct sea_cur *c, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->st = st;
	s->plan = plan;
	s->simulated = plan->n; /* steps before the SEA's are not its to simulate */
	s->c = c;
	s->name = name;
	snprintf(s->bond, sizeof(s->bond), "%s" BOND_SUFFIX, name);
	snprintf(s->what, sizeof(s->what), "sea %s", name);
}

/* The last steps into the state too: it is the host as the SEA's plan leaves it. */
static void sp_end(struct sp *s)
{
	sp_sim(s);
	namelist_free(&s->fresh);
}

/*
 * The VLAN steps of a port, or of the bridge itself (role NULL); one that
 * joined in this plan has none yet, nor a bridge made in it.
 */
static void sp_port_vlans(struct sp *s, const char *role, const char *dev,
			  const struct portvlan *want)
{
	const struct link *l = sp_link(s, dev);
	struct portvlan none = { 0 };
	char what[96];

	if (role)
		snprintf(what, sizeof(what), "%s %s %s", s->what, role, dev);
	else
		snprintf(what, sizeof(what), "%s: bridge %s itself", s->what, dev);
	plan_port_vlans(s->plan, what, dev, namelist_has(&s->fresh, dev) || !l ? &none : link_vl(l), want,
			!role);
}

/*
 * Whether the statement gives the SEA addresses (not none): its plan is
 * made without the address fields, which follow in steps of their own.
 */
static int declares_addresses(const struct stmt *s)
{
	for (int i = s->first_kw; i + 1 < s->argc; i += 2)
		if (!strcmp(s->argv[i], "addresses"))
			return strcmp(s->argv[i + 1], "none") != 0;
	return 0;
}

static int plan_change(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		       const struct obj *want, struct plan *plan)
{
	const char *name = s->arg[0];
	struct sea_cur c;
	struct sea_want w;
	struct sp sp;
	char alias[1024];
	int r;

	sea_read(st, name, &c);
	r = check_names(ctx, st, s, &c);
	if (r == 0 && !c.br && s->verb == V_SET)
		r = vnet_fail(ctx, ENODEV, "%s: no such SEA", s->what);
	if (r < 0) {
		cur_free(&c);
		return r;
	}
	r = want_of(ctx, st, s, want, &c, &w);
	if (r == 0)
		r = check_host(ctx, st, s, &c, &w);
	if (r == 0 && declares_addresses(s) && !w.def[0])
		r = vnet_fail(ctx, EINVAL, "%s: addresses: the SEA has no default adapter, whose PVID its own traffic is on: "
			      "name one with default IF", s->what);
	if (r == 0 && rec_format(name, &w.rec, alias, sizeof(alias)) > ALIAS_MAX)
		r = vnet_fail(ctx, E2BIG, "%s: too many devices to record in the bridge's alias (at most %d bytes)",
			      s->what, ALIAS_MAX);
	if (r == 0 && c.bond) {
		uint64_t mode = link_kobj(c.bond)->v[fw(&kind_bond, "mode")].u;

		if (w.ha != HA_DISABLED && mode != BOND_MODE_ACTIVEBACKUP)
			r = vnet_fail(ctx, EINVAL, "%s: bond %s is no longer active-backup; delete the SEA and add it again",
				      s->what, c.bond->name);
	}
	/* The links it may make (bridge, bond, two per adapter) keep c's pointers in place. */
	if (r == 0 && state_reserve(st, 2 + 2 * w.ad->n) < 0)
		r = vnet_fail(ctx, ENOMEM, "out of memory");
	if (r < 0) {
		want_free(&w);
		cur_free(&c);
		return r;
	}
	sp_init(&sp, ctx, st, plan, &c, name);

	/* 1. The bridge. */
	if (!c.br) {
		struct obj o;
		char what[128];

		obj_init(&o);
		bridge_obj(&o);
		snprintf(what, sizeof(what), "%s: bridge %s", sp.what, name);
		plan_create(plan, &kind_bridge, what, name, &o, o.mask);
		obj_free(&o);
		sp_alias(&sp, name, alias, NULL);
	} else {
		struct obj o, cur;
		char what[128];

		obj_init(&o);
		bridge_obj(&o);
		bridge_cur_obj(c.br, &cur);
		uint32_t m = obj_diff(kind_bridge.params, &o, &cur, PN_INFO) |
			     obj_diff(kind_bridge.params, &o, &cur, PN_FLAGS);

		snprintf(what, sizeof(what), "%s: bridge %s", sp.what, name);
		if (m)
			plan_set(plan, &kind_bridge, what, name, &o, &cur, m);
		obj_free(&o);
		obj_free(&cur);
	}

	/* 2. Adapters left out: those the SEA made go, the others are released. */
	for (int i = 0; i < c.ad.n; i++) {
		const char *d = c.ad.a[i].name;
		const struct link *l = state_by_name(st, d);

		if (adapters_find(w.ad, d))
			continue;
		if (is_created(l, name)) {
			sp_delete_veth(&sp, l);
			continue;
		}
		sp_leave_bridge(&sp, l, "adapter");
		if (!namelist_has(&w.backing, d))
			sp_restore(&sp, d);
	}

	/* 3. The trunk: a backing device, or the bond over them. */
	int bond = w.ha != HA_DISABLED;

	if (c.trunk && strcmp(c.trunk->name, w.trunk) && !(c.trunk == c.bond && !bond)) {
		sp_leave_bridge(&sp, c.trunk, "trunk");
		if (c.trunk != c.bond && !namelist_has(&w.backing, c.trunk->name) &&
		    !adapters_find(w.ad, c.trunk->name))
			sp_restore(&sp, c.trunk->name);
	}
	if (bond) {
		if (!c.bond) {
			struct obj o;
			char what[128];

			obj_init(&o);
			bond_obj(&o, BOND_MODE_ACTIVEBACKUP, 100, w.primary, 1, w.mtu);
			snprintf(what, sizeof(what), "%s: bond %s", sp.what, sp.bond);
			plan_create(plan, &kind_bond, what, sp.bond, &o, o.mask);
			obj_free(&o);
			sp_mark(&sp, sp.bond);
		} else {
			struct obj o, cur;
			char what[128];
			const struct link *b = c.bond;

			obj_init(&o);
			bond_obj(&o, BOND_MODE_ACTIVEBACKUP, 100, NULL, 1, w.mtu);
			obj_init(&cur);
			bond_obj(&cur, link_kobj(b)->v[fw(&kind_bond, "mode")].u,
				 link_kobj(b)->v[fw(&kind_bond, "miimon")].u, NULL, is_up(b), b->mtu);
			uint32_t m = obj_diff(kind_bond.params, &o, &cur, PN_INFO) |
				     obj_diff(kind_bond.params, &o, &cur, PN_LINK) |
				     obj_diff(kind_bond.params, &o, &cur, PN_FLAGS);

			snprintf(what, sizeof(what), "%s: bond %s", sp.what, sp.bond);
			if (m)
				plan_set(plan, &kind_bond, what, sp.bond, &o, &cur, m);
			obj_free(&o);
			obj_free(&cur);
			/* Named first: each step below changes the state the ports are read from. */
			struct namelist slaves = { 0 };

			for (const struct link *sl = state_port(st, b, NULL); sl;
			     sl = state_port(st, b, sl))
				namelist_add(&slaves, sl->name);
			for (int i = 0; i < slaves.n; i++) {
				const char *d = slaves.names[i];

				if (namelist_has(&w.backing, d))
					continue;
				sp_leave_bond(&sp, d);
				if (!adapters_find(w.ad, d))
					sp_restore(&sp, d);
			}
			namelist_free(&slaves);
		}
		for (int i = 0; i < w.backing.n; i++) {
			const char *d = w.backing.names[i];

			if (strcmp(sp_master(&sp, d), sp.bond))
				sp_join_bond(&sp, d);
			sp_up(&sp, d, 1, "");
		}
		if (c.bond) {
			const char *now = obj_name(link_kobj(c.bond), fw(&kind_bond, "primary"));

			if (strcmp(now, w.primary)) {
				struct obj o, cur;
				char what[128];
				int f = fw(&kind_bond, "primary");

				obj_init(&o);
				obj_init(&cur);
				obj_set_name(&o, f, w.primary);
				if (now[0])
					obj_set_name(&cur, f, now);
				snprintf(what, sizeof(what), "%s: bond %s", sp.what, sp.bond);
				plan_set(plan, &kind_bond, what, sp.bond, &o, &cur, 1U << f);
				obj_free(&o);
				obj_free(&cur);
			}
		}
		if (strcmp(sp_master(&sp, sp.bond), name))
			sp_join_bridge(&sp, sp.bond, "trunk");
	} else {
		if (c.bond) {
			sp_delete_bond(&sp);
			for (int i = 0; i < c.backing.n; i++) {
				const char *d = c.backing.names[i];

				if (!namelist_has(&w.backing, d) && !adapters_find(w.ad, d))
					sp_restore(&sp, d);
			}
		}
		sp_up(&sp, w.trunk, 1, "");
		sp_mtu(&sp, w.trunk, w.mtu);
		if (strcmp(sp_master(&sp, w.trunk), name))
			sp_join_bridge(&sp, w.trunk, "trunk");
	}
	struct portvlan tv;

	trunk_portvlan(w.ad, w.def, &tv);
	sp_port_vlans(&sp, "trunk", w.trunk, &tv);

	/* 4. The adapters. */
	for (int i = 0; i < w.ad->n; i++) {
		const struct adapter *a = &w.ad->a[i];
		struct portvlan av;

		if (!state_by_name(st, a->name)) {
			sp_create_veth(&sp, a->name, w.mtu);
		} else {
			sp_up(&sp, a->name, 1, "");
			sp_mtu(&sp, a->name, w.mtu);
		}
		if (strcmp(sp_master(&sp, a->name), name))
			sp_join_bridge(&sp, a->name, "adapter");
		adapter_portvlan(a, &av);
		sp_port_vlans(&sp, "adapter", a->name, &av);
	}

	/* 5. The bridge's own VLAN, for the host's traffic. */
	struct portvlan sv;

	self_portvlan(w.ad, w.def, &sv);
	sp_port_vlans(&sp, NULL, name, &sv);

	/*
	 * 6. The bridge's MTU, after its ports: one given at creation is not
	 * the admin's own (BROPT_MTU_SET_BY_USER) and the first port resets it.
	 */
	sp_mtu(&sp, name, w.mtu);

	/* 7. The record, once it says something new. */
	if (c.br && strcmp(link_alias(c.br), alias))
		sp_alias(&sp, name, alias, link_alias(c.br));

	sp_end(&sp);
	want_free(&w);
	cur_free(&c);
	return 0;
}

static int plan_del(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		    struct plan *plan)
{
	const char *name = s->arg[0];
	struct sea_cur c;
	struct sp sp;
	int r;

	sea_read(st, name, &c);
	r = check_names(ctx, st, s, &c);
	if (r < 0) {
		cur_free(&c);
		return r;
	}
	sp_init(&sp, ctx, st, plan, &c, name);
	/* The adapters: those made go, the others are released as they were. */
	for (int i = 0; i < c.ad.n; i++) {
		const struct link *l = state_by_name(st, c.ad.a[i].name);

		if (is_created(l, name)) {
			sp_delete_veth(&sp, l);
		} else {
			sp_leave_bridge(&sp, l, "adapter");
			sp_restore(&sp, l->name);
		}
	}
	if (c.bond) {
		sp_delete_bond(&sp);
		for (int i = 0; i < c.backing.n; i++)
			sp_restore(&sp, c.backing.names[i]);
	} else if (c.trunk) {
		sp_leave_bridge(&sp, c.trunk, "trunk");
		sp_restore(&sp, c.trunk->name);
	}
	/* Adapters it made that are on no bridge any more. */
	for (int i = 0; i < st->n; i++) {
		const struct link *l = &st->links[i];

		if (!l->deleted && is_created(l, name) && !(c.br && l->master == c.br->ifindex))
			sp_delete_veth(&sp, l);
	}
	if (c.br)
		sp_delete_bridge(&sp);
	sp_end(&sp);
	cur_free(&c);
	return 0;
}

static int sea_plan(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		    const struct obj *want, struct plan *plan)
{
	if (s->verb == V_DEL)
		return plan_del(ctx, st, s, plan);
	return plan_change(ctx, st, s, want, plan);
}

static unsigned int sea_needs(const struct stmt *s, const struct obj *want)
{
	return ST_LINKS | ST_BRVLANS;
}

/* ---- words ---- */

/*
 * "backing ... ha-mode ... adapter IF pvid N [vlans LIST] ... default IF
 * mtu N": the generic parser, one keyword at a time, so that pvid and vlans
 * land in the adapter they follow.
 */
static int sea_parse(struct vnet_ctx *ctx, const struct stmt *s, struct obj *want)
{
	struct adapters *ad = NULL;
	struct obj grp;
	struct adapter *a = NULL;
	char what[96];
	int r = 0;

	obj_init(&grp);
	for (int i = s->first_kw; i < s->argc && r == 0; i += 2) {
		const char *w = s->argv[i];
		int end = i + 2 < s->argc ? i + 2 : s->argc;

		if (!strcmp(w, "pvid") || !strcmp(w, "vlans")) {
			if (!a) {
				r = vnet_usage(ctx, i, "%s: %s: belongs to an adapter (adapter IF pvid N [vlans LIST])",
					       s->what, w);
				break;
			}
			snprintf(what, sizeof(what), "%s adapter %s", s->what, a->name);
			r = param_parse(ctx, sea_params, what, end, s->argv, i, &grp);
			if (r == 0 && !strcmp(w, "pvid"))
				a->pvid = (unsigned int)grp.v[F_PVID].u;
			if (r == 0 && !strcmp(w, "vlans")) {
				a->vlans = *grp.v[F_VLANS].vlans;
				a->vlans_word = i + 1;
			}
			continue;
		}
		/* Any other keyword ends the adapter before it. */
		if (a && !obj_has(&grp, F_PVID)) {
			r = vnet_usage(ctx, a->word, "%s: adapter %s: pvid N is required", s->what, a->name);
			break;
		}
		a = NULL;
		if (strcmp(w, "adapter")) {
			r = param_parse(ctx, sea_params, s->what, end, s->argv, i, want);
			continue;
		}
		obj_free(&grp);
		r = param_parse(ctx, sea_params, s->what, end, s->argv, i, &grp);
		if (r < 0)
			break;
		const char *n = obj_name(&grp, F_ADAPTER);

		if (!n[0])
			r = vnet_usage(ctx, i + 1, "%s: adapter: an interface name is required, not none",
				       s->what);
		else if (adapters_find(ad, n))
			r = vnet_usage(ctx, i + 1, "%s: adapter %s: given twice", s->what, n);
		if (r < 0)
			break;
		/* The adapters, kept only when there are some: set checks for any keyword. */
		if (!ad) {
			ad = calloc(1, sizeof(*ad));
			if (!ad)
				abort();
			want->ext = ad;
			want->ext_free = adapters_free;
		}
		if (!ad->n)
			want->word[F_ADAPTER] = i;
		a = adapters_add(ad, n);
		a->word = i + 1;
		want->mask |= 1U << F_ADAPTER;
	}
	if (r == 0 && a && !obj_has(&grp, F_PVID))
		r = vnet_usage(ctx, a->word, "%s: adapter %s: pvid N is required", s->what, a->name);
	obj_free(&grp);
	return r;
}

/* Everything the words alone can tell (exit 2). */
static int sea_check(struct vnet_ctx *ctx, const struct stmt *s, const struct obj *want)
{
	const char *name = s->arg[0];
	const struct adapters *ad = want->ext;
	const struct namelist *b = obj_has(want, F_BACKING) ? &want->v[F_BACKING].names : NULL;
	char bn[VNET_NAMSIZ + 8];

	if (s->verb == V_DEL)
		return 0;
	if ((int)strlen(name) > SEA_NAME_MAX)
		return vnet_usage(ctx, s->first_kw - 1,
				  "%s: a SEA name has at most %d bytes (its bond is NAME" BOND_SUFFIX ")",
				  s->what, SEA_NAME_MAX);
	snprintf(bn, sizeof(bn), "%s" BOND_SUFFIX, name);
	if (s->verb == V_ADD && !b)
		return vnet_usage(ctx, -1, "%s: add needs backing DEV[,DEV...]", s->what);
	if (s->verb == V_ADD && (!ad || !ad->n))
		return vnet_usage(ctx, -1, "%s: add needs at least one adapter IF pvid N", s->what);
	if (b && !b->n)
		return vnet_usage(ctx, want->word[F_BACKING] + 1,
				  "%s: backing: a device is required, not none", s->what);
	for (int i = 0; b && i < b->n; i++)
		if (!strcmp(b->names[i], name) || !strcmp(b->names[i], bn))
			return vnet_usage(ctx, want->word[F_BACKING] + 1,
					  "%s: backing: %s is the SEA's own %s", s->what, b->names[i],
					  strcmp(b->names[i], name) ? "bond" : "bridge");
	if (obj_has(want, F_HAMODE) && b) {
		uint64_t h = want->v[F_HAMODE].u;

		if (h == HA_DISABLED && b->n > 1)
			return vnet_usage(ctx, want->word[F_HAMODE] + 1,
					  "%s: ha-mode disabled takes one backing device; several make an active-backup bond (ha-mode auto)",
					  s->what);
		if (h == HA_STANDBY && b->n < 2)
			return vnet_usage(ctx, want->word[F_HAMODE] + 1,
					  "%s: ha-mode standby needs a second backing device to fail over to",
					  s->what);
	}
	for (int i = 0; ad && i < ad->n; i++) {
		const struct adapter *a = &ad->a[i];

		if (!strcmp(a->name, name) || !strcmp(a->name, bn))
			return vnet_usage(ctx, a->word, "%s: adapter %s: it is the SEA's own %s", s->what,
					  a->name, strcmp(a->name, name) ? "bond" : "bridge");
		if (b && namelist_has(b, a->name))
			return vnet_usage(ctx, a->word, "%s: adapter %s: it is also a backing device",
					  s->what, a->name);
		if (vlanset_has(&a->vlans, a->pvid))
			return vnet_usage(ctx, a->vlans_word,
					  "%s: adapter %s: vlans: %u is its pvid (untagged); it cannot also be tagged there",
					  s->what, a->name, a->pvid);
	}
	if (obj_has(want, F_DEFAULT) && obj_name(want, F_DEFAULT)[0] && ad && ad->n &&
	    !adapters_find(ad, obj_name(want, F_DEFAULT)))
		return vnet_usage(ctx, want->word[F_DEFAULT] + 1,
				  "%s: default %s: not one of the adapters", s->what,
				  obj_name(want, F_DEFAULT));
	/* The SEA's own traffic is on the default adapter's PVID: without one it reaches no VLAN. */
	if (s->verb == V_ADD && declares_addresses(s) && !(obj_has(want, F_DEFAULT) && obj_name(want, F_DEFAULT)[0]))
		return vnet_usage(ctx, want->word[F_ADDRS],
				  "%s: addresses: the SEA's own traffic is untagged on the default adapter's PVID: name one with default IF",
				  s->what);
	return 0;
}

/*
 * For files: the SEA owns its bond NAME-ha, and takes every adapter as a
 * port (an adapter another statement makes comes first; one the SEA makes
 * is no one else's). The backing devices are taken already: a PT_NAMES.
 */
static void sea_refs(const struct stmt *s, const struct obj *want, struct namelist *decl,
		     struct namelist *uses, struct namelist *takes)
{
	const struct adapters *ad = want->ext;
	char bn[VNET_NAMSIZ + 8];

	snprintf(bn, sizeof(bn), "%s" BOND_SUFFIX, s->arg[0]);
	if (strlen(bn) < VNET_NAMSIZ)
		namelist_add(decl, bn);
	for (int i = 0; ad && i < ad->n; i++)
		namelist_add(takes, ad->a[i].name);
}

/* ---- show ---- */

static const char *active_backing(const struct sea_cur *c)
{
	if (c->bond)
		return obj_name(link_kobj(c->bond), fw(&kind_bond, "active-slave"));
	if (c->trunk && (c->trunk->flags & IFF_UP) && (c->trunk->flags & IFF_LOWER_UP))
		return c->trunk->name;
	return "";
}

static void vlans_text(const struct adapter *a, char *buf, size_t len)
{
	vlanset_format(&a->vlans, buf, len);
}

static void show_text(struct vnet_ctx *ctx, struct state *st, const struct sea_cur *c, int first)
{
	FILE *f = ctx->out;
	const char *act = active_backing(c);

	if (!first)
		fputc('\n', f);
	fprintf(f, "%-18s%s\n", "SEA", c->br->name);
	fprintf(f, "%-18s%s\n", "State", link_state(c->br));
	for (int i = 0; i < c->backing.n; i++) {
		const char *d = c->backing.names[i];

		fprintf(f, "%-18s%-16s%-11s%s\n", i ? "" : "Backing device(s)", d,
			link_state(state_by_name(st, d)), strcmp(d, act) ? "" : "active");
	}
	if (!c->backing.n)
		fprintf(f, "%-18s%s\n", "Backing device(s)", "none");
	fprintf(f, "%-18s%s", "ha-mode", ha_names[c->ha]);
	if (c->bond)
		fprintf(f, " (bond %s)", c->bond->name);
	fputc('\n', f);
	fprintf(f, "%-18s%s\n", "Default adapter", c->def[0] ? c->def : "none");
	fprintf(f, "%-18s%u\n", "MTU", c->br->mtu);
	addr_view_line(f, st, c->br, "IP                ");
	fprintf(f, "\n%-16s%-6s%-20s%s\n", "Adapter", "PVID", "VLANs", "State");
	for (int i = 0; i < c->ad.n; i++) {
		const struct adapter *a = &c->ad.a[i];
		char pvid[8], vl[512];

		snprintf(pvid, sizeof(pvid), "%u", a->pvid);
		vlans_text(a, vl, sizeof(vl));
		fprintf(f, "%-16s%-6s%-20s%s\n", a->name, a->pvid ? pvid : "none", vl,
			link_state(state_by_name(st, a->name)));
	}
}

static struct json_object *show_json(struct state *st, const struct sea_cur *c)
{
	struct json_object *j = json_object_new_object(), *b = json_object_new_array();
	struct json_object *bs = json_object_new_array(), *ads = json_object_new_array();
	const char *act = active_backing(c);

	json_object_object_add(j, "name", json_object_new_string(c->br->name));
	for (int i = 0; i < c->backing.n; i++) {
		const char *d = c->backing.names[i];
		struct json_object *o = json_object_new_object();

		json_object_array_add(b, json_object_new_string(d));
		json_object_object_add(o, "name", json_object_new_string(d));
		json_object_object_add(o, "state",
				       json_object_new_string(link_state(state_by_name(st, d))));
		json_object_object_add(o, "active", json_object_new_boolean(!strcmp(d, act)));
		json_object_array_add(bs, o);
	}
	json_object_object_add(j, "backing", b);
	json_object_object_add(j, "ha_mode", json_object_new_string(ha_names[c->ha]));
	json_object_object_add(j, "default", c->def[0] ? json_object_new_string(c->def) : NULL);
	json_object_object_add(j, "mtu", json_object_new_int64(c->br->mtu));
	for (int i = 0; i < c->ad.n; i++) {
		const struct adapter *a = &c->ad.a[i];
		struct json_object *o = json_object_new_object();
		const struct link *l = state_by_name(st, a->name);
		char vl[512];

		vlans_text(a, vl, sizeof(vl));
		json_object_object_add(o, "name", json_object_new_string(a->name));
		json_object_object_add(o, "pvid", a->pvid ? json_object_new_int64(a->pvid) : NULL);
		json_object_object_add(o, "vlans", json_object_new_string(vl));
		json_object_object_add(o, "state", json_object_new_string(link_state(l)));
		json_object_object_add(o, "created", json_object_new_boolean(is_created(l, c->br->name)));
		json_object_array_add(ads, o);
	}
	json_object_object_add(j, "adapters", ads);
	json_object_object_add(j, "active_backing", act[0] ? json_object_new_string(act) : NULL);
	json_object_object_add(j, "backing_states", bs);
	json_object_object_add(j, "bond", c->bond ? json_object_new_string(c->bond->name) : NULL);
	json_object_object_add(j, "state", json_object_new_string(link_state(c->br)));
	return j;
}

/* "sea add ..." that makes this SEA again. */
static void show_config(struct vnet_ctx *ctx, const struct sea_cur *c)
{
	char line[4096], list[512];
	const struct namelist *b = c->backing.n ? &c->backing : &c->rec.backing;
	size_t o;

	namelist_join(b, list, sizeof(list));
	o = (size_t)snprintf(line, sizeof(line), "sea add %s backing %s ha-mode %s", c->br->name,
			     list, ha_names[c->ha]);
	for (int i = 0; i < c->ad.n && o < sizeof(line); i++) {
		const struct adapter *a = &c->ad.a[i];

		o += (size_t)snprintf(line + o, sizeof(line) - o, " adapter %s pvid %u", a->name, a->pvid);
		if (!vlanset_empty(&a->vlans) && o < sizeof(line)) {
			vlans_text(a, list, sizeof(list));
			o += (size_t)snprintf(line + o, sizeof(line) - o, " vlans %s", list);
		}
	}
	if (c->def[0] && o < sizeof(line))
		o += (size_t)snprintf(line + o, sizeof(line) - o, " default %s", c->def);
	if (c->rec.mtu && o < sizeof(line))
		snprintf(line + o, sizeof(line) - o, " mtu %u", c->rec.mtu);
	out_line(ctx, "%s", line);
}

/* The SEA whose bridge is l (and whose name l's is), as show --config prints it. */
static int sea_of(const struct link *l)
{
	char sea[VNET_NAMSIZ + 1];

	return !strcmp(l->kind, "bridge") && mark_name(link_alias(l), sea, sizeof(sea)) &&
	       !strcmp(sea, l->name);
}

static void sea_conf(struct vnet_ctx *ctx, struct state *st, const struct link *l)
{
	struct sea_cur c;

	if (!sea_of(l))
		return;
	sea_read(st, l->name, &c);
	show_config(ctx, &c);
	cur_free(&c);
}

static int sea_show(struct vnet_ctx *ctx, const struct stmt *s, const char *name, int config)
{
	struct state st;
	struct json_object *arr = NULL;
	int r, n = 0;

	r = state_load(ctx, &st, ST_LINKS | ST_BRVLANS | ST_ADDRS);
	if (r < 0)
		goto out;
	if (name) {
		const struct link *l = state_by_name(&st, name);

		if (!l)
			r = vnet_fail(ctx, ENODEV, "sea %s: no such SEA", name);
		else if (strcmp(l->kind, "bridge") || !marked(link_alias(l), name))
			r = vnet_refuse(ctx, EINVAL, "sea %s: %s is %s%s, not a SEA", name, name,
				      l->kind[0] ? "a " : "a device without a kind", l->kind);
		if (r < 0)
			goto out;
	}
	if (ctx->flags & VNET_F_JSON)
		arr = json_object_new_array();
	for (int i = 0; i < st.n; i++) {
		const struct link *l = &st.links[i];
		struct sea_cur c;

		if (!sea_of(l) || (name && strcmp(l->name, name)))
			continue;
		sea_read(&st, l->name, &c);
		if (arr) {
			struct json_object *j = show_json(&st, &c);

			addr_json(&st, l, j);
			json_object_array_add(arr, j);
		} else if (config) {
			show_conf(ctx, &kind_sea, sea_conf, &st, l);
		} else
			show_text(ctx, &st, &c, !n++);
		cur_free(&c);
	}
	if (arr)
		out_json(ctx, arr);
out:
	if (arr)
		json_object_put(arr);
	state_free(&st);
	return r;
}

/* ---- diagnose ---- */

/*
 * On the SEA's bridge: each backing device it records is there and on the
 * trunk; the trunk has a carrier (with HA, which backing device is active);
 * each adapter is up and its PVID and VLANs are ones the trunk carries.
 */
static void sea_diagnose(struct diag *d, struct state *st, const struct link *l)
{
	struct link_owner o;
	struct sea_cur c;
	char fix[256];

	if (strcmp(l->kind, "bridge") || !sea_owns(l, &o) || !o.name[0])
		return;
	sea_read(st, o.name, &c);
	if (!c.br) {
		cur_free(&c);
		return;
	}
	for (int i = 0; i < c.rec.backing.n; i++)
		if (!namelist_has(&c.backing, c.rec.backing.names[i])) {
			const char *b = c.rec.backing.names[i];

			snprintf(fix, sizeof(fix), "bring %s back (or vnetctl sea set %s backing ...)", b, o.name);
			diag_say(d, DIAG_FAIL, "backing", "sea", o.name, NULL, fix, "backing device %s is %s",
				 b, state_by_name(st, b) ? "not in the SEA" : "missing");
		}
	if (!c.trunk) {
		snprintf(fix, sizeof(fix), "vnetctl sea set %s backing IF", o.name);
		diag_say(d, DIAG_FAIL, "backing", "sea", o.name, NULL, fix, "no backing device on the SEA");
		cur_free(&c);
		return;
	}
	const struct link *act = c.bond ? state_by_index(st, c.bond->active_slave) : c.trunk;

	if (!act || !view_carrier(act)) {
		snprintf(fix, sizeof(fix), "check the cable and the switch port of %s",
			 act ? act->name : c.backing.n ? c.backing.names[0] : c.trunk->name);
		diag_say(d, DIAG_FAIL, "carrier", "sea", o.name, NULL, fix, "no active backing device with a carrier");
	} else {
		diag_say(d, DIAG_OK, "carrier", "sea", o.name, NULL, NULL, "active backing device %s, carrier",
			 act->name);
	}
	const struct portvlan *tv = link_vl(c.trunk);

	for (int i = 0; i < c.ad.n; i++) {
		const struct adapter *a = &c.ad.a[i];
		const struct link *al = state_by_name(st, a->name);
		unsigned int miss = a->pvid && !vlanset_has(&tv->member, a->pvid) ? a->pvid : 0;

		for (unsigned int v = 1; v < VLAN_N && !miss; v++)
			if (vlanset_has(&a->vlans, v) && !vlanset_has(&tv->member, v))
				miss = v;
		if (miss) {
			snprintf(fix, sizeof(fix), "carry it on the trunk: bridge vlan add dev %s vid %u master (or vnetctl sea set %s again)",
				 c.trunk->name, miss, o.name);
			diag_say(d, DIAG_FAIL, "vlan", "sea", o.name, a->name, fix,
				 "VLAN %u, which its backing device %s does not carry", miss, c.trunk->name);
		} else if (!a->pvid) {
			snprintf(fix, sizeof(fix), "vnetctl sea set %s adapter %s pvid N", o.name, a->name);
			diag_say(d, DIAG_FAIL, "vlan", "sea", o.name, a->name, fix, "no PVID: untagged frames are dropped");
		} else {
			diag_say(d, DIAG_OK, "vlan", "sea", o.name, a->name, NULL, "PVID %u and its VLANs on %s",
				 a->pvid, c.trunk->name);
		}
		if (al && !view_carrier(al))
			diag_say(d, DIAG_WARN, "adapter", "sea", o.name, a->name,
				 "start the guest that uses it, or bring its peer up", "adapter %s", link_state(al));
	}
	/* The SEA's own interface: on the default adapter's PVID, or the host's traffic on it is dropped. */
	const struct adapter *def = c.def[0] ? adapters_find(&c.ad, c.def) : NULL;
	const struct portvlan *sv = link_vl(c.br);

	if (def && def->pvid && (sv->pvid != def->pvid || !vlanset_has(&sv->untagged, def->pvid))) {
		snprintf(fix, sizeof(fix), "vnetctl sea set %s default %s", o.name, def->name);
		diag_say(d, DIAG_WARN, "vlan", "sea", o.name, NULL, fix,
			 "the SEA's own interface is not untagged on PVID %u: the host's traffic on %s is dropped",
			 def->pvid, o.name);
	}
	cur_free(&c);
}

const struct kind kind_sea = {
	.name = "sea",
	.rank = 8,
	.params = sea_params,
	.args = { "NAME" },
	.verbs = V_ADD | V_SET | V_DEL | V_SHOW,
	.summary = { "create a shared Ethernet adapter or bring it to this statement",
		     "change a SEA in place (backing, ha-mode and default may be left out)",
		     "delete a SEA: its bridge, bond and veths; the NICs go back as they were",
		     "lsmap -all -net-like view, JSON with -j, statements with --config" },
	.parse = sea_parse,
	.check = sea_check,
	.needs = sea_needs,
	.plan = sea_plan,
	.plan_simulates = 1,
	.show = sea_show,
	.conf = sea_conf,
	.refs = sea_refs,
	.simulate = op_alias_simulate,
	.build = op_alias_build,
	.owns = sea_owns,
	.diagnose = sea_diagnose,
};
