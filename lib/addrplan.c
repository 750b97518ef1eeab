// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Addresses and default gateways declared on a link (bridge, bond, vlan,
 * veth, sea): the steps that make the link's static addresses exactly the
 * statement's, and its default route the one through the gateway given,
 * planned after the kind's own steps; the move of a port's addresses to
 * its master; and the refusal of a plan that would strand them on a port.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "value.h"
#include "obj.h"
#include "state.h"
#include "plan.h"
#include "kind.h"
#include "record.h"
#include "addr.h"

uint32_t addr_fields(const struct kind *k)
{
	uint32_t m = 0;

	for (const struct param *p = k->params; p && p->word; p++)
		if (p->nest == PN_ADDR)
			m |= 1U << p->field;
	return m;
}

static int real(const struct link *l)
{
	return l && !l->deleted && l->ifindex < (1 << 30);
}

/*
 * Whether the link ifindex may hold addresses in as: by a count per real
 * index, built at the first question and kept by the simulation, so that
 * a file of a thousand statements does not scan every address for each.
 * A simulated link (its index 1 << 30 and up) is scanned for.
 */
#define COUNTED(i) ((i) > 0 && (i) < (1 << 24))
static void count_add(struct addrset *as, int ifindex, int d)
{
	if (!as->count || !COUNTED(ifindex))
		return;
	if (ifindex >= as->ncount) {
		int n = ifindex + 1024;
		int *c = realloc(as->count, (size_t)n * sizeof(*c));

		if (!c)
			abort();
		memset(c + as->ncount, 0, (size_t)(n - as->ncount) * sizeof(*c));
		as->count = c;
		as->ncount = n;
	}
	as->count[ifindex] += d;
}

static int may_hold(struct addrset *as, int ifindex)
{
	if (!COUNTED(ifindex)) {
		for (int i = 0; i < as->n; i++)
			if (as->a[i].ifindex == ifindex)
				return 1;
		return 0;
	}
	if (!as->count) {
		as->ncount = 1024;
		if (!(as->count = calloc((size_t)as->ncount, sizeof(*as->count))))
			abort();
		for (int i = 0; i < as->n; i++)
			count_add(as, as->a[i].ifindex, 1);
	}
	return ifindex < as->ncount && as->count[ifindex] > 0;
}

/* Whether a step on the link named is on another link than the statement's ("bridge br0"). */
static int on_other(const char *who, const char *name)
{
	size_t w = strlen(who), n = strlen(name);

	return w <= n || strcmp(who + w - n, name) || who[w - n - 1] != ' ';
}

static void rec_of(const struct ipaddr *a, int ifindex, struct rec_addr *r)
{
	size_t n = a->family == AF_INET ? 4 : 16;

	memset(r, 0, sizeof(*r));
	r->ifindex = ifindex;
	r->family = a->family;
	r->plen = a->plen;
	memcpy(r->local, a->a, n);
	memcpy(r->address, a->a, n);
	r->has_local = a->family == AF_INET; /* IPv4 sends both, as ip does; IPv6 the address */
	r->has_address = 1;
}

static void ip_of(const struct rec_addr *r, struct ipaddr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = r->family;
	a->plen = r->plen;
	memcpy(a->a, r->has_local ? r->local : r->address, r->family == AF_INET ? 4 : 16);
}

/* A step of an address or a route: "WHO: add|remove WHAT[ on NAME]", its request to fill. */
static struct op *spec_step(struct plan *plan, enum optype type, int add, const char *who,
			    const char *name, const char *what, const char *t)
{
	struct op *op = plan_add(plan, type, NULL, name);

	op_textf(op, "%s: %s %s %s%s%s", who, add ? "add" : "remove", what, t,
		 on_other(who, name) ? " on " : "", on_other(who, name) ? name : "");
	if (!(op->spec = calloc(1, sizeof(*op->spec))))
		abort();
	return op;
}

static struct op *addr_op(struct plan *plan, enum optype type, const char *who, const char *name,
			  const struct rec_addr *a)
{
	char t[80];

	addr_text(a, t, sizeof(t));
	struct op *op = spec_step(plan, type, type == OP_ADDR_ADD, who, name, "address", t);

	op->spec->addr = *a;
	return op;
}

static struct op *route_op(struct plan *plan, enum optype type, const char *who, const char *name,
			   const struct rec_route *r)
{
	char t[160];

	route_text(r, t, sizeof(t));
	struct op *op = spec_step(plan, type, type == OP_ROUTE_ADD, who, name, "route", t);

	op->spec->route = *r;
	/* The step's own copy of the message (the reading's, or one on the caller's stack). */
	if (!(op->spec->route.msg = malloc(r->msg->nlmsg_len)))
		abort();
	memcpy(op->spec->route.msg, r->msg, r->msg->nlmsg_len);
	return op;
}

/* Whether the plan has a step already that removes r from the link named. */
static int plan_removes_addr(const struct plan *plan, const char *name, const struct rec_addr *r)
{
	for (int k = 0; k < plan->n; k++)
		if (plan->ops[k].type == OP_ADDR_DEL && !strcmp(plan->ops[k].name, name) &&
		    addr_same(&plan->ops[k].spec->addr, r))
			return 1;
	return 0;
}

static int plan_removes_route(const struct plan *plan, const char *name, const struct rec_route *r)
{
	for (int k = 0; k < plan->n; k++)
		if (plan->ops[k].type == OP_ROUTE_DEL && !strcmp(plan->ops[k].name, name) &&
		    route_same(&plan->ops[k].spec->route, r))
			return 1;
	return 0;
}

/*
 * Whether the plan takes the link named down (a slave must be down to join
 * a bond): the kernel then drops the routes through it, and its IPv6
 * addresses (addrconf_ifdown, unless keep_addr_on_down), so that no step
 * removes them again.
 */
static int plan_downs(const struct plan *plan, const char *name)
{
	for (int k = 0; k < plan->n; k++) {
		const struct op *op = &plan->ops[k];

		if (op->type != OP_SET || !op->kind || strcmp(op->name, name))
			continue;
		for (const struct param *p = op->kind->params; p->word; p++)
			if (p->nest == PN_FLAGS && (op->fields & (1U << p->field)) &&
			    obj_has(op_obj(op), p->field) && !op_obj(op)->v[p->field].u)
				return 1;
	}
	return 0;
}

/* A default route in the main table, of family (0: any), through ifindex (0: any link). */
static int is_default(const struct rec_route *r, int family, int ifindex)
{
	return r->dst_len == 0 && r->table == RT_TABLE_MAIN && (!family || r->family == family) &&
	       (!ifindex || r->oif == ifindex);
}

/* The default route vnetctl installs: through the link named, via gw, marked VNET_RTPROT. */
static void default_route(const struct ipaddr *gw, struct rec_route *r, char *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm->rtm_family = gw->family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = VNET_RTPROT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	/*
	 * On the link by the statement's own word (its address's subnet, or an
	 * IPv6 link-local router): the kernel need not find a route to the
	 * router first, which a bridge without a port yet, or an IPv6 address
	 * still in DAD, would not give it.
	 */
	rtm->rtm_flags = RTNH_F_ONLINK;
	mnl_attr_put(nlh, RTA_GATEWAY, gw->family == AF_INET ? 4 : 16, gw->a);
	memset(r, 0, sizeof(*r));
	r->family = gw->family;
	r->table = RT_TABLE_MAIN;
	r->type = RTN_UNICAST;
	r->protocol = VNET_RTPROT;
	memcpy(r->gateway, gw->a, gw->family == AF_INET ? 4 : 16);
	r->msg = nlh;
}

/* The steps that take the addresses and the default route off a port, before its master gets them. */
static void take_from(struct state *st, struct plan *plan, const char *who, const struct link *p,
		      const struct ipaddr *a)
{
	int down = plan_downs(plan, p->name);

	for (int i = 0; !down && i < st->routes->n; i++) {
		const struct rec_route *r = &st->routes->r[i];

		if (is_default(r, a->family, p->ifindex) && !plan_removes_route(plan, p->name, r))
			route_op(plan, OP_ROUTE_DEL, who, p->name, r);
	}
	for (int i = 0; i < st->addrs->n; i++) {
		const struct rec_addr *r = &st->addrs->a[i];
		struct ipaddr b;

		ip_of(r, &b);
		if (r->ifindex == p->ifindex && b.family == a->family && !memcmp(b.a, a->a, 16) &&
		    !(down && b.family == AF_INET6) && !plan_removes_addr(plan, p->name, r))
			addr_op(plan, OP_ADDR_DEL, who, p->name, r);
	}
}

/*
 * The master that the link named ends up in, and that master's when it is a
 * port in turn (a SEA's backing device in its bond NAME-ha, the bond in the
 * bridge NAME; a NIC in a bond that a file's earlier statement made): by
 * the plan's steps, else as st has it (a file's state is simulated as its
 * statements are planned). "" when none.
 */
static const char *top_master(struct state *st, const struct plan *plan, const char *name)
{
	static char m[VNET_NAMSIZ];

	m[0] = 0;
	for (int depth = 0; depth < 4; depth++) {
		const char *up = NULL;
		const struct link *l;

		for (int k = 0; k < plan->n; k++)
			if (plan->ops[k].type == OP_MASTER && !strcmp(plan->ops[k].name, name))
				up = plan->ops[k].master;
		if (!up && st && (l = state_by_name(st, name)) && l->master)
			up = state_name(st, l->master);
		if (!up || !up[0])
			break;
		str_copy(m, sizeof(m), up);
		name = m;
	}
	return m;
}

/* The link that holds address a now (other than l), if the plan makes it l's port or slave. */
static const struct link *port_holding(struct state *st, const struct plan *plan, const struct link *l,
				       const char *name, const struct ipaddr *a)
{
	for (int i = 0; i < st->addrs->n; i++) {
		const struct rec_addr *r = &st->addrs->a[i];
		struct ipaddr b;

		ip_of(r, &b);
		if (b.family != a->family || memcmp(b.a, a->a, 16) || (l && r->ifindex == l->ifindex))
			continue;
		const struct link *p = state_by_index(st, r->ifindex);

		if (p && !strcmp(top_master(st, plan, p->name), name))
			return p;
	}
	return NULL;
}

/* A master made by this plan keeps the MAC of the port whose addresses it takes. */
static void keep_mac(struct plan *plan, const char *name, const struct link *p)
{
	for (int k = 0; k < plan->n; k++) {
		struct op *op = &plan->ops[k];

		if (op->type != OP_CREATE || strcmp(op->name, name) || !op->kind || p->addrlen != 6)
			continue;
		for (const struct param *pa = op->kind->params; pa->word; pa++)
			if (pa->nest == PN_LINK && pa->type == PT_MAC && !obj_has(op_obj(op), pa->field)) {
				struct obj *o = op_obj_w(op);
				char mac[20], *was = op->text;

				memcpy(o->v[pa->field].mac, p->addr, 6);
				o->mask |= 1U << pa->field;
				op->fields |= 1U << pa->field;
				format_mac(p->addr, mac, sizeof(mac));
				op->text = NULL;
				op_textf(op, "%s, address %s (%s's, whose addresses it takes)", was, mac,
					 p->name);
				free(was);
			}
	}
}

/* The field of a kind's table of type t (for a gateway: of family 4 or 6), or NULL. */
static const struct param *addr_param(const struct kind *k, enum ptype t, int fam)
{
	for (const struct param *p = k->params; p->word; p++)
		if (p->nest == PN_ADDR && p->type == t && (t != PT_GW || (int)p->min == fam))
			return p;
	return NULL;
}

/*
 * down: the statement takes the link down first, and the kernel drops its
 * IPv6 addresses then (addrconf_ifdown, unless keep_addr_on_down): they
 * are neither removed again nor taken as there.
 */
static void plan_addresses(struct state *st, const struct stmt *s, const struct link *l, int ifindex,
			   const struct addrlist *w, int down, struct plan *plan)
{
	const char *name = s->arg[0];
	int holds = ifindex && may_hold(st->addrs, ifindex);
	/* Ports (now or by the plan) whose addresses may move here; none: no search. */
	int ports = real(l) && (!strcmp(l->kind, "bridge") || !strcmp(l->kind, "bond")) &&
		    state_port(st, l, NULL);

	for (int k = 0; k < plan->n && !ports; k++)
		ports = plan->ops[k].type == OP_MASTER && !strcmp(plan->ops[k].master, name);
	/* Gone first, then new: an address may move between prefix lengths. */
	for (int i = 0; holds && i < st->addrs->n; i++) {
		const struct rec_addr *r = &st->addrs->a[i];
		struct ipaddr b;

		ip_of(r, &b);
		if (r->ifindex == ifindex && !addrlist_has(w, &b) && !(down && r->family == AF_INET6))
			addr_op(plan, OP_ADDR_DEL, s->what, name, r);
	}
	for (int i = 0; w && i < w->n; i++) {
		struct rec_addr r;
		const struct link *from;

		rec_of(&w->e[i], ifindex, &r);
		if (holds && addr_find(st->addrs, ifindex, &r) && !(down && r.family == AF_INET6))
			continue;
		if (ports && (from = port_holding(st, plan, l, name, &w->e[i]))) {
			take_from(st, plan, s->what, from, &w->e[i]);
			keep_mac(plan, name, from);
		}
		addr_op(plan, OP_ADDR_ADD, s->what, name, &r);
	}
}

/* Whether a, a router's address, is in the subnet of one of l's. */
static int reaches(const struct addrlist *l, const struct ipaddr *a)
{
	for (int i = 0; l && i < l->n; i++) {
		const struct ipaddr *p = &l->e[i];
		int bits = p->plen, whole = bits / 8;

		if (p->family != a->family || memcmp(p->a, a->a, (size_t)whole))
			continue;
		if (bits % 8 && ((p->a[whole] ^ a->a[whole]) & (0xff00 >> (bits % 8)) & 0xff))
			continue;
		return 1;
	}
	return 0;
}

int addr_check(struct vnet_ctx *ctx, const struct stmt *s, const struct obj *want)
{
	const struct param *pa = addr_param(s->kind, PT_ADDRS, 0);
	const struct addrlist *w = pa && obj_has(want, pa->field) ? want->v[pa->field].ips : NULL;

	for (int f = 4; w && f <= 6; f += 2) {
		const struct param *pg = addr_param(s->kind, PT_GW, f);
		const struct addrlist *g = pg && obj_has(want, pg->field) ? want->v[pg->field].ips : NULL;
		char t[INET6_ADDRSTRLEN] = "";

		if (!g || !g->n || reaches(w, &g->e[0]) ||
		    (f == 6 && g->e[0].a[0] == 0xfe && (g->e[0].a[1] & 0xc0) == 0x80))
			continue;
		inet_ntop(g->e[0].family, g->e[0].a, t, sizeof(t));
		return vnet_usage(ctx, want->word[pg->field],
				  "%s: %s %s: in the subnet of none of the statement's addresses (give one of its subnet, or the router's)",
				  s->what, pg->word, t);
	}
	return 0;
}

int addr_clash(const struct kind *ka, const struct obj *a, const struct kind *kb,
	       const struct obj *b, char *why, size_t len)
{
	const struct param *aa = addr_param(ka, PT_ADDRS, 0), *ba = addr_param(kb, PT_ADDRS, 0);
	const struct addrlist *la = aa && obj_has(a, aa->field) ? a->v[aa->field].ips : NULL;
	const struct addrlist *lb = ba && obj_has(b, ba->field) ? b->v[ba->field].ips : NULL;

	for (int i = 0; la && lb && i < lb->n; i++)
		for (int k = 0; k < la->n; k++)
			if (la->e[k].family == lb->e[i].family && !memcmp(la->e[k].a, lb->e[i].a, 16)) {
				char t[INET6_ADDRSTRLEN] = "";

				inet_ntop(lb->e[i].family, lb->e[i].a, t, sizeof(t));
				snprintf(why, len, "address %s is declared on two links", t);
				return b->word[ba->field];
			}
	for (int f = 4; f <= 6; f += 2) {
		const struct param *ga = addr_param(ka, PT_GW, f), *gb = addr_param(kb, PT_GW, f);

		if (ga && gb && obj_has(a, ga->field) && obj_has(b, gb->field) &&
		    a->v[ga->field].ips && a->v[ga->field].ips->n && b->v[gb->field].ips &&
		    b->v[gb->field].ips->n) {
			snprintf(why, len, "a second %s: one default route per family", gb->word);
			return b->word[gb->field];
		}
	}
	return -2;
}

/*
 * Whether the statement takes the link l down (its kind's steps, which come
 * first): the kernel then drops every route through it (fib_sync_down_dev,
 * rt6_sync_down_dev), which no step must remove again.
 */
static int takes_down(const struct kind *k, const struct obj *want, const struct link *l)
{
	for (const struct param *p = k->params; l && p && p->word; p++)
		if (p->nest == PN_FLAGS && obj_has(want, p->field))
			return !want->v[p->field].u && (l->flags & IFF_UP);
	return 0;
}

int addr_plan(struct vnet_ctx *ctx, struct state *st, const struct stmt *s, const struct obj *want,
	      struct plan *plan)
{
	const char *name = s->arg[0];
	const struct link *l = state_by_name(st, name);
	int ifindex = real(l) ? l->ifindex : 0;
	const struct param *pa = addr_param(s->kind, PT_ADDRS, 0);
	const struct addrlist *w = pa && obj_has(want, pa->field) ? want->v[pa->field].ips : NULL;
	const struct rec_route *ours[2] = { NULL, NULL };
	int renumber = 0, gone[2] = { 0, 0 };

	(void)ctx;
	if (s->verb == V_DEL || !(want->mask & addr_fields(s->kind)) || !st->addrs)
		return 0;
	int down = takes_down(s->kind, want, l);

	for (int i = 0; ifindex && !down && i < st->routes->n; i++) {
		const struct rec_route *r = &st->routes->r[i];

		if (is_default(r, 0, ifindex) && r->protocol == VNET_RTPROT)
			ours[r->family == AF_INET6] = r;
	}
	for (int i = 0; w && ifindex && may_hold(st->addrs, ifindex) && i < st->addrs->n; i++) {
		struct ipaddr b;

		ip_of(&st->addrs->a[i], &b);
		renumber |= st->addrs->a[i].ifindex == ifindex && !addrlist_has(w, &b);
	}
	/*
	 * An address that goes takes the routes through it along: they go
	 * first, and come back after; so do the others through the link that
	 * the statement's gateway of their family replaces anyway.
	 */
	for (int f = 0; f < 2 && renumber; f++) {
		const struct param *pg = addr_param(s->kind, PT_GW, f ? 6 : 4);
		const struct addrlist *g = pg && obj_has(want, pg->field) ? want->v[pg->field].ips : NULL;

		if (ours[f]) {
			route_op(plan, OP_ROUTE_DEL, s->what, name, ours[f]);
			gone[f] = 1;
		}
		for (int i = 0; g && g->n && !down && i < st->routes->n; i++) {
			const struct rec_route *r = &st->routes->r[i];

			if (r != ours[f] && is_default(r, f ? AF_INET6 : AF_INET, ifindex) && r->priority == 0)
				route_op(plan, OP_ROUTE_DEL, s->what, name, r);
		}
	}
	if (w)
		plan_addresses(st, s, l, ifindex, w, down, plan);
	/* gateway, gateway6: the default route of that family through this link. */
	for (int f = 0; f < 2; f++) {
		const struct param *pg = addr_param(s->kind, PT_GW, f ? 6 : 4);
		const struct addrlist *g = pg && obj_has(want, pg->field) ? want->v[pg->field].ips : NULL;
		int fam = f ? AF_INET6 : AF_INET;

		if (!pg || !obj_has(want, pg->field)) {
			if (gone[f])
				route_op(plan, OP_ROUTE_ADD, s->what, name, ours[f]);
			continue;
		}
		if (ours[f] && !gone[f] && g && g->n && !memcmp(ours[f]->gateway, g->e[0].a, 16))
			continue;
		if (ours[f] && !gone[f])
			route_op(plan, OP_ROUTE_DEL, s->what, name, ours[f]);
		if (!g || !g->n)
			continue;
		/* Declared here: another default route of the family (a port's, a DHCP client's) gives way. */
		for (int i = 0; i < st->routes->n; i++) {
			const struct rec_route *r = &st->routes->r[i];
			const struct link *via = state_by_index(st, r->oif);

			if (r != ours[f] && is_default(r, fam, 0) && r->priority == 0 && via &&
			    !(down && r->oif == ifindex) && !plan_removes_route(plan, via->name, r) &&
			    !plan_downs(plan, via->name))
				route_op(plan, OP_ROUTE_DEL, s->what, via->name, r);
		}
		char buf[256];
		struct rec_route r;

		default_route(&g->e[0], &r, buf);
		route_op(plan, OP_ROUTE_ADD, s->what, name, &r);
	}
	return 0;
}

/*
 * Whether the plan puts address a (NULL: a default route of family) on a
 * link other than the one named: it moves there, though the kernel takes it
 * off the port on its own (the port goes down to join a bond).
 */
static int plan_moves(const struct plan *plan, const char *name, int family, const struct rec_addr *a)
{
	for (int k = 0; k < plan->n; k++) {
		const struct op *op = &plan->ops[k];

		if (!strcmp(op->name, name) || !op->spec)
			continue;
		if (a && op->type == OP_ADDR_ADD && addr_same(&op->spec->addr, a))
			return 1;
		if (!a && op->type == OP_ROUTE_ADD && op->spec->route.family == family &&
		    !op->spec->route.dst_len)
			return 1;
	}
	return 0;
}

/* What a link holds that a port cannot keep: its static addresses and default routes, as text. */
static int held(struct state *st, const struct plan *plan, const struct link *p, char *buf, size_t len)
{
	size_t o = 0;
	int n = 0;

	buf[0] = 0;
	for (int i = 0; i < st->addrs->n; i++) {
		const struct rec_addr *r = &st->addrs->a[i];
		char t[80];

		if (r->ifindex != p->ifindex || plan_removes_addr(plan, p->name, r) ||
		    plan_moves(plan, p->name, r->family, r))
			continue;
		addr_text(r, t, sizeof(t));
		o += (size_t)snprintf(SN_AT(buf, len, o), "%s%s", n++ ? ", " : "", t);
	}
	for (int i = 0; i < st->routes->n; i++) {
		const struct rec_route *r = &st->routes->r[i];
		char t[160];

		if (!is_default(r, 0, p->ifindex) || plan_removes_route(plan, p->name, r) ||
		    plan_moves(plan, p->name, r->family, NULL))
			continue;
		route_text(r, t, sizeof(t));
		o += (size_t)snprintf(SN_AT(buf, len, o), "%sthe route %s", n++ ? ", " : "", t);
	}
	return n;
}

int addr_stranded(struct vnet_ctx *ctx, struct state *st, const struct plan *plan)
{
	int joins = 0, r;

	for (int k = 0; k < plan->n && !joins; k++)
		joins = plan->ops[k].type == OP_MASTER && plan->ops[k].master[0];
	/* The addresses are read only for a plan that makes a port (not for every no-op). */
	if (!joins)
		return 0;
	if ((r = state_load_addrs(ctx, st)) < 0)
		return r;
	for (int k = 0; k < plan->n; k++) {
		const struct op *op = &plan->ops[k];
		const struct link *p = op->type == OP_MASTER && op->master[0] ? state_by_name(st, op->name)
									      : NULL;
		char what[600];

		if (!real(p) || !held(st, plan, p, what, sizeof(what)))
			continue;
		return vnet_fail(ctx, 0,
				 "%s: %s holds %s, which a port or slave cannot use: declare them on %s "
				 "(addresses ADDR/PLEN, gateway IP), which takes them over, or remove them first",
				 op->text, p->name, what, top_master(NULL, plan, p->name));
	}
	return 0;
}

/* l's static addresses and its default gateways through it (of any protocol). */
static void link_ips(struct state *st, const struct link *l, struct addrlist *a, struct ipaddr *gw4,
		     struct ipaddr *gw6)
{
	memset(gw4, 0, sizeof(*gw4));
	memset(gw6, 0, sizeof(*gw6));
	a->n = 0;
	a->e = NULL;
	for (int i = 0; st->addrs && i < st->addrs->n; i++) {
		if (st->addrs->a[i].ifindex != l->ifindex)
			continue;
		void *e = realloc(a->e, (size_t)(a->n + 1) * sizeof(*a->e));

		if (!e)
			abort();
		a->e = e;
		ip_of(&st->addrs->a[i], &a->e[a->n++]);
	}
	for (int i = 0; st->routes && i < st->routes->n; i++) {
		const struct rec_route *r = &st->routes->r[i];
		struct ipaddr *g = r->family == AF_INET ? gw4 : gw6;

		if (is_default(r, r->family, l->ifindex) && r->protocol == VNET_RTPROT) {
			g->family = r->family;
			memcpy(g->a, r->gateway, 16);
		}
	}
}

void addr_json(struct state *st, const struct link *l, struct json_object *j)
{
	struct addrlist a;
	struct ipaddr g4, g6;
	char buf[INET6_ADDRSTRLEN];

	if (!st->addrs)
		return;
	link_ips(st, l, &a, &g4, &g6);
	json_object_object_add(j, "addresses", addrlist_json(&a));
	if (g4.family && inet_ntop(AF_INET, g4.a, buf, sizeof(buf)))
		json_object_object_add(j, "gateway", json_object_new_string(buf));
	if (g6.family && inet_ntop(AF_INET6, g6.a, buf, sizeof(buf)))
		json_object_object_add(j, "gateway6", json_object_new_string(buf));
	free(a.e);
}

int addr_words(struct state *st, const struct link *l, char *buf, size_t len)
{
	struct addrlist a;
	struct ipaddr g4, g6;
	char t[INET6_ADDRSTRLEN];
	size_t o = 0;

	buf[0] = 0;
	if (!st->addrs)
		return 0;
	link_ips(st, l, &a, &g4, &g6);
	if (a.n) {
		o += (size_t)snprintf(SN_AT(buf, len, o), " addresses ");
		o += (size_t)addrlist_format(&a, SN_AT(buf, len, o), 1);
	}
	if (g4.family && inet_ntop(AF_INET, g4.a, t, sizeof(t)))
		o += (size_t)snprintf(SN_AT(buf, len, o), " gateway %s", t);
	if (g6.family && inet_ntop(AF_INET6, g6.a, t, sizeof(t)))
		o += (size_t)snprintf(SN_AT(buf, len, o), " gateway6 %s", t);
	free(a.e);
	return (int)o;
}

void addr_view_line(FILE *out, struct state *st, const struct link *l, const char *prefix)
{
	char words[2048];

	if (addr_words(st, l, words, sizeof(words)) > 0)
		fprintf(out, "%s%s\n", prefix, words + 1);
}

void addr_simulate(struct state *st, const struct link *l, const struct op *op)
{
	struct addrset *as = st->addrs;
	struct routeset *rs = st->routes;

	if (!as || !rs || !op->spec)
		return;
	if (op->type == OP_ADDR_ADD || op->type == OP_ADDR_DEL) {
		for (int i = 0; may_hold(as, l->ifindex) && i < as->n; i++)
			if (as->a[i].ifindex == l->ifindex && addr_same(&as->a[i], &op->spec->addr)) {
				count_add(as, l->ifindex, -1);
				as->a[i--] = as->a[--as->n];
			}
		if (op->type == OP_ADDR_DEL)
			return;
		if (as->n == as->cap) {
			as->cap = as->cap ? 2 * as->cap : 16;
			if (!(as->a = realloc(as->a, (size_t)as->cap * sizeof(*as->a))))
				abort();
		}
		as->a[as->n] = op->spec->addr;
		as->a[as->n++].ifindex = l->ifindex;
		count_add(as, l->ifindex, 1);
		return;
	}
	for (int i = 0; i < rs->n; i++)
		if (rs->r[i].oif == l->ifindex && route_same(&rs->r[i], &op->spec->route)) {
			free(rs->r[i].msg);
			rs->r[i--] = rs->r[--rs->n];
		}
	if (op->type == OP_ROUTE_DEL)
		return;
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 16;
		if (!(rs->r = realloc(rs->r, (size_t)rs->cap * sizeof(*rs->r))))
			abort();
	}
	struct rec_route *r = &rs->r[rs->n++];

	*r = op->spec->route;
	r->oif = l->ifindex;
	if (!(r->msg = malloc(op->spec->route.msg->nlmsg_len)))
		abort();
	memcpy(r->msg, op->spec->route.msg, op->spec->route.msg->nlmsg_len);
}

int addr_declares_gateway(const struct kind *k, const struct obj *want, int fam)
{
	const struct param *p = addr_param(k, PT_GW, fam);

	return p && obj_has(want, p->field);
}

static int listed(const struct namelist *l, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->names[i], name))
			return 1;
	return 0;
}

void addr_prune_routes(struct state *st, const struct namelist *gw4, const struct namelist *gw6,
		       struct plan *plan)
{
	for (int i = 0; st->routes && i < st->routes->n; i++) {
		const struct rec_route *r = &st->routes->r[i];
		const struct link *l = state_by_index(st, r->oif);

		if (!is_default(r, 0, 0) || r->protocol != VNET_RTPROT || !real(l) ||
		    listed(r->family == AF_INET ? gw4 : gw6, l->name))
			continue;
		struct op *op = route_op(plan, OP_ROUTE_DEL, "prune", l->name, r);
		char t[160];

		route_text(r, t, sizeof(t));
		free(op->text);
		op->text = NULL;
		op_textf(op, "%s: remove route %s (vnetctl's; no statement declares a %s there)", l->name, t,
			 r->family == AF_INET ? "gateway" : "gateway6");
	}
}

void addr_simulate_down(struct state *st, const struct link *l)
{
	for (int i = 0; st->routes && i < st->routes->n; i++)
		if (st->routes->r[i].oif == l->ifindex) {
			free(st->routes->r[i].msg);
			st->routes->r[i--] = st->routes->r[--st->routes->n];
		}
	for (int i = 0; st->addrs && i < st->addrs->n; i++)
		if (st->addrs->a[i].ifindex == l->ifindex && st->addrs->a[i].family == AF_INET6) {
			count_add(st->addrs, l->ifindex, -1);
			st->addrs->a[i--] = st->addrs->a[--st->addrs->n];
		}
}

const struct addrlist *addr_declared(const struct kind *k, const struct obj *want)
{
	const struct param *p = addr_param(k, PT_ADDRS, 0);

	return p && obj_has(want, p->field) ? want->v[p->field].ips : NULL;
}

int addr_gateway_given(const struct kind *k, const struct obj *want, int fam)
{
	const struct param *p = addr_param(k, PT_GW, fam);

	return p && obj_has(want, p->field) && want->v[p->field].ips && want->v[p->field].ips->n;
}
