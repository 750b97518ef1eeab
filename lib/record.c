// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The record of the host before a plan runs, and the plan back to it (see
 * record.h). The record is a reading of every link, every static address
 * and the VF tables the plan touches; the way back is planned from a fresh
 * reading, in the order the kernel needs:
 *
 *   1. links the plan made are deleted (and what it deleted and then made
 *      of another sort: a VLAN with another id);
 *   2. links it deleted are made again, lower devices first (a device on
 *      a bond once the bond has its slaves back), with their kind's
 *      fields, MTU, MAC (when a user chose it), group, alias and index;
 *   3. kind fields back, releasing a bond's slaves and taking links down
 *      where the kernel needs that (lib/rules.h, as the kinds' planners);
 *   4. masters back (a bond's slaves down first, in the order they had
 *      joined), then port options and port VLANs;
 *   5. MTU, MAC, alias and group; then up or down;
 *   6. addresses (after up: a link that went down lost its IPv6 ones);
 *   7. VF tables.
 * A step whose outcome the plan cannot know in advance (the VLANs a port
 * gets when it joins a bridge) is left to the next round: the host is read
 * again after each round, and the rollback ends when nothing is left to do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "attr.h"
#include "nl.h"
#include "record.h"
#include "rules.h"
#include "addr.h"
#include "sysfs.h"

/* Rounds of plan, run and read back before a rollback gives up. */
#define ROUNDS 6

struct ext_rec {
	char name[VNET_NAMSIZ];
	const struct kind *kind;
	void *data;
};

struct record {
	struct state st;	 /* every link, before the change */
	struct addrset addrs;	 /* their static addresses */
	struct routeset routes;	 /* the routes added through them */
	unsigned char *scope;	 /* by position in st: the rollback may change it */
	unsigned char *doomed;	 /* by position: the plan deletes it; a rollback makes it again */
	unsigned char *mac_user; /* by position: its MAC was chosen, not inherited or random */
	struct namelist names;	 /* every name the plan's steps name, also of links it makes */
	struct ext_rec *ext;	 /* a kind's own records (a PF's VF table) */
	int next;
};

/* ---- which links, which kinds ---- */

static int pos(const struct state *st, const struct link *l)
{
	return (int)(l - st->links);
}

/*
 * Kinds whose links a rollback makes again from the dumped IFLA_INFO_DATA:
 * the attributes it sends back, and those the kernel only reports (derived
 * from the others, or refused on input). A link whose data holds any other
 * attribute (one a newer kernel adds) cannot be made again as it was.
 */
#define MACVLAN_BC_CUTOFF 9 /* IFLA_MACVLAN_BC_CUTOFF (Linux 6.6), newer than some headers */
#define BIT(a) (1U << (a))
/* The longest data a rollback sends back: a request holds it with room to spare. */
#define RAW_MAX (NLM_REQ_SIZE / 2)
/* A source-mode MAC list goes back whole (see put_macs). */
#define MACVLAN_KEEP                                                                     \
	(BIT(IFLA_MACVLAN_MODE) | BIT(IFLA_MACVLAN_FLAGS) | BIT(IFLA_MACVLAN_BC_QUEUE_LEN) | \
	 BIT(MACVLAN_BC_CUTOFF) | BIT(IFLA_MACVLAN_MACADDR_DATA))
#define MACVLAN_SHOWN (BIT(IFLA_MACVLAN_MACADDR_COUNT) | BIT(IFLA_MACVLAN_BC_QUEUE_LEN_USED))
static const struct foreign {
	const char *kind;
	uint32_t keep;	/* bit n: attribute n of IFLA_INFO_DATA */
	uint32_t shown; /* the kernel's report alone */
} foreign[] = {
	{ "macvlan", MACVLAN_KEEP, MACVLAN_SHOWN },
	{ "macvtap", MACVLAN_KEEP, MACVLAN_SHOWN },
	{ "ipvlan", BIT(IFLA_IPVLAN_MODE) | BIT(IFLA_IPVLAN_FLAGS), 0 },
	{ "ipvtap", BIT(IFLA_IPVLAN_MODE) | BIT(IFLA_IPVLAN_FLAGS), 0 },
};

static const struct foreign *foreign_of(const char *kind)
{
	for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++)
		if (!strcmp(foreign[i].kind, kind))
			return &foreign[i];
	return NULL;
}

/* A link of a foreign kind whose every attribute the table knows. */
static int foreign_whole(const struct link *l)
{
	const struct foreign *f = foreign_of(l->kind);
	const struct nlattr *a;

	if (!f || l->info_raw_len > RAW_MAX)
		return 0;
	if (l->info_raw)
		attr_for_each(a, (const struct nlattr *)l->info_raw,
			      (const char *)l->info_raw + l->info_raw_len)
			if (attr_type(a) >= 32 || !((f->keep | f->shown) & BIT(attr_type(a))))
				return 0;
	return 1;
}

/* The tables that describe a link of kind k: the kind's, and a bond's active slave. */
static int tables_of(const char *k, const struct kind **out)
{
	const struct kind *kind = kind_by_link_kind(k);
	int n = 0;

	if (kind && kind->params)
		out[n++] = kind;
	if (kind == &kind_bond)
		out[n++] = &kind_bond_active;
	return n;
}

/* A rollback can make l again as it is. */
static int remakeable(struct state *st, const struct link *l)
{
	if (!strcmp(l->kind, "veth"))
		return !l->link_netns;
	return (l->kind[0] && kind_by_link_kind(l->kind)) || foreign_whole(l);
}

static const struct link *lower_of(struct state *st, const struct link *l)
{
	if (!l->link || l->link_netns || !strcmp(l->kind, "veth"))
		return NULL;
	return state_by_index(st, l->link);
}

/* ---- taking the record ---- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int named(const struct record *rec, const char *name)
{
	return rec->names.n &&
	       bsearch(name, rec->names.names, (size_t)rec->names.n, VNET_NAMSIZ, name_cmp) != NULL;
}

static int in_scope(const struct record *rec, const char *name)
{
	const struct link *l = state_by_name((struct state *)&rec->st, name);

	return (l && rec->scope[pos(&rec->st, l)]) || named(rec, name);
}

/* The names a step names: its link, its master, a lower device, what a kind's step makes. */
static void op_names(const struct op *op, struct namelist *out)
{
	namelist_append(out, op->name);
	if (op->master[0])
		namelist_append(out, op->master);
	for (const struct param *p = op->kind ? op->kind->params : NULL; p && p->word; p++)
		if ((p->type == PT_IFREF || p->type == PT_NAMES) && obj_has(op_obj(op), p->field))
			for (int i = 0; i < op_obj(op)->v[p->field].names.n; i++)
				namelist_append(out, op_obj(op)->v[p->field].names.names[i]);
}

/* Marks l and what the kernel deletes with it (its peer, the devices stacked on it). */
static void doom(struct state *st, unsigned char *doomed, const struct link *l)
{
	const struct link *peer = state_veth_peer(st, l);

	if (doomed[pos(st, l)])
		return;
	doomed[pos(st, l)] = 1;
	if (peer)
		doom(st, doomed, peer);
	for (int i = 0; i < st->n; i++)
		if (lower_of(st, &st->links[i]) == l)
			doom(st, doomed, &st->links[i]);
}

/* The links around those the plan names: peers, masters, ports, the devices stacked on them. */
static void close_scope(struct record *rec)
{
	struct state *st = &rec->st;
	int grew = 1;

	while (grew) {
		grew = 0;
		for (int i = 0; i < st->n; i++) {
			const struct link *l = &st->links[i], *m = state_by_index(st, l->master);
			const struct link *peer = state_veth_peer(st, l), *low = lower_of(st, l);
			int want = rec->scope[i] || rec->doomed[i] || (m && rec->scope[pos(st, m)]) ||
				   (low && rec->scope[pos(st, low)]);

			if (want && !rec->scope[i])
				rec->scope[i] = 1, grew = 1;
			if (!rec->scope[i])
				continue;
			if (m && !rec->scope[pos(st, m)])
				rec->scope[pos(st, m)] = 1, grew = 1;
			if (peer && !rec->scope[pos(st, peer)])
				rec->scope[pos(st, peer)] = 1, grew = 1;
		}
	}
}

/*
 * Whether each bridge's and bond's MAC was set by a user (addr_assign_type
 * 3): one that follows its ports must not be given a fixed one when made
 * again.
 */
static void read_assign_types(struct vnet_ctx *ctx, struct record *rec)
{
	struct state *st = &rec->st;
	const char **names = calloc((size_t)st->n + 1, sizeof(*names));
	const char **attrs = calloc((size_t)st->n + 1, sizeof(*attrs));
	long *t = calloc((size_t)st->n + 1, sizeof(*t));
	int *at = calloc((size_t)st->n + 1, sizeof(*at));
	int n = 0;

	if (!names || !attrs || !t || !at)
		abort();
	for (int i = 0; i < st->n; i++)
		if (rec->doomed[i] && (!strcmp(st->links[i].kind, "bridge") ||
				       !strcmp(st->links[i].kind, "bond"))) {
			names[n] = st->links[i].name;
			attrs[n] = "addr_assign_type";
			at[n++] = i;
		}
	sysfs_net_read(ctx, names, attrs, n, t);
	for (int k = 0; k < n; k++)
		if (t[k] >= 0)
			rec->mac_user[at[k]] = t[k] == 3; /* NET_ADDR_SET */
	free(names);
	free(attrs);
	free(t);
	free(at);
}

/* What l is, for a refusal: "a vxlan on v0". */
static void what_is(struct state *st, const struct link *l, char *buf, size_t len)
{
	const struct link *low = lower_of(st, l);

	if (!l->kind[0])
		snprintf(buf, len, "a device without a kind");
	else if (l->link_netns && !strcmp(l->kind, "veth"))
		snprintf(buf, len, "a veth with its peer in another namespace");
	else
		snprintf(buf, len, "a %s%s%s%s", l->kind, low ? " on " : "", low ? low->name : "",
			 foreign_of(l->kind) ? " with data vnetctl cannot send back" : "");
}

/* A plan that deletes a link no rollback could make again fails here, naming the step and the link. */
static int refuse(struct vnet_ctx *ctx, struct record *rec, const struct plan *p)
{
	struct state *st = &rec->st;
	unsigned char *with = calloc((size_t)st->n + 1, 1);
	char what[96], step[64];
	int r = 0;

	if (!with)
		abort();
	for (int i = 0; i < st->n && !r; i++) {
		const struct link *l = &st->links[i];

		if (!rec->doomed[i] || remakeable(st, l))
			continue;
		what_is(st, l, what, sizeof(what));
		/* The step whose delete takes it along. */
		for (int k = 0; k < p->n && !r; k++) {
			const struct op *op = &p->ops[k];
			const struct link *d = state_by_name(st, op->name);

			if (op->type != OP_DELETE || !d)
				continue;
			memset(with, 0, (size_t)st->n);
			doom(st, with, d);
			if (!with[i])
				continue;
			snprintf(step, sizeof(step), "%s%s%s: delete", op->kind ? op->kind->name : "",
				 op->kind ? " " : "", op->name);
			if (d == l)
				r = vnet_fail(ctx, EOPNOTSUPP,
					      "%s: %s is %s, which vnetctl cannot make again should the change be rolled back",
					      step, l->name, what);
			else
				r = vnet_fail(ctx, EOPNOTSUPP,
					      "%s: would also delete %s (%s), which vnetctl cannot make again should the change be rolled back; delete %s first",
					      step, l->name, what, l->name);
		}
		if (!r)
			r = vnet_fail(ctx, EOPNOTSUPP,
				      "%s (%s) would be deleted, and vnetctl cannot make it again should the change be rolled back",
				      l->name, what);
	}
	free(with);
	return r;
}

/* Which links the plan names, deletes, and may touch on the way back. */
static void mark(struct record *rec, const struct plan *p)
{
	struct state *st = &rec->st;

	rec->scope = calloc((size_t)st->n + 1, 3);
	if (!rec->scope)
		abort();
	rec->doomed = rec->scope + st->n + 1;
	rec->mac_user = rec->doomed + st->n + 1;
	for (int i = 0; i < p->n; i++) {
		struct link *l = state_by_name(st, p->ops[i].name);

		op_names(&p->ops[i], &rec->names);
		if (p->ops[i].type == OP_DELETE && l)
			doom(st, rec->doomed, l);
	}
	if (rec->names.n)
		qsort(rec->names.names, (size_t)rec->names.n, VNET_NAMSIZ, name_cmp);
	for (int i = 0; i < st->n; i++) {
		const struct link *l = &st->links[i];

		rec->scope[i] = named(rec, l->name);
		/* Until sysfs tells: a bridge or bond with ports follows them. */
		rec->mac_user[i] = (strcmp(l->kind, "bridge") && strcmp(l->kind, "bond")) ||
				   !state_port(st, l, NULL);
	}
	close_scope(rec);
}

int record_of(struct vnet_ctx *ctx, struct state *st, struct addrset *addrs,
	      struct routeset *routes, const struct plan *p, struct record **out)
{
	struct record *rec = calloc(1, sizeof(*rec));
	int r;

	if (!rec)
		abort();
	rec->st = *st; /* taken over: the caller's copy is emptied */
	memset(st, 0, sizeof(*st));
	if (addrs) {
		rec->addrs = *addrs;
		memset(addrs, 0, sizeof(*addrs));
	}
	if (routes) {
		rec->routes = *routes;
		memset(routes, 0, sizeof(*routes));
	}
	mark(rec, p);
	r = refuse(ctx, rec, p);
	if (r < 0) {
		record_free(rec);
		rec = NULL;
	}
	*out = rec;
	return r;
}

int record_decode(const char *msgs, int mlen, int pass, struct state *st, struct addrset *addrs,
		  struct routeset *routes)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)msgs;
	int len = mlen, r = 0;

	for (; msgs && r == 0 && mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
		int bridge = h->nlmsg_type == RTM_NEWLINK && h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg)) &&
			     ((const struct ifinfomsg *)NLMSG_DATA(h))->ifi_family == AF_BRIDGE;

		if (pass == 0 && h->nlmsg_type == RTM_NEWLINK && !bridge) {
			r = state_decode_msg(st, h, AF_UNSPEC);
		} else if (pass == 1 && bridge) {
			r = state_decode_msg(st, h, AF_BRIDGE);
			st->vlans_dumped = 1;
		} else if (pass == 1 && h->nlmsg_type == RTM_NEWADDR &&
			   h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg))) {
			r = addrset_decode(h, addrs) == MNL_CB_ERROR ? -ENOMEM : 0;
		} else if (pass == 1 && h->nlmsg_type == RTM_NEWROUTE &&
			   h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct rtmsg))) {
			r = routeset_decode(h, routes) == MNL_CB_ERROR ? -ENOMEM : 0;
		}
	}
	return r == 0 && pass == 0 ? state_name_refs(st) : r;
}

static int ignore_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/* A kind's own record of each link its steps change (a PF's VF table), once per link. */
static int take_ext(struct vnet_ctx *ctx, struct record *rec, const struct plan *p)
{
	for (int i = 0; i < p->n; i++) {
		const struct op *op = &p->ops[i];
		int have = 0, r;

		if (!op->kind || !op->kind->rec_take || !state_by_name(&rec->st, op->name))
			continue;
		for (int e = 0; e < rec->next; e++)
			have |= !strcmp(rec->ext[e].name, op->name);
		if (have)
			continue;
		void *n = realloc(rec->ext, (size_t)(rec->next + 1) * sizeof(*rec->ext));

		if (!n)
			abort();
		rec->ext = n;
		struct ext_rec *x = &rec->ext[rec->next];

		str_copy(x->name, sizeof(x->name), op->name);
		x->kind = op->kind;
		r = op->kind->rec_take(ctx, op->name, &x->data);
		if (r < 0)
			return r;
		rec->next++;
	}
	return 0;
}

/* The host read now: links, port VLANs, addresses, routes (into ctx->tap too, when set). */
static int read_now(struct vnet_ctx *ctx, struct state *st, struct addrset *addrs, struct routeset *routes)
{
	int r = state_load(ctx, st, ST_LINKS | ST_BRVLANS);

	if (r < 0)
		return r;
	r = addrs_load(ctx, addrs);
	return r == 0 ? routes_load(ctx, routes) : r;
}

/*
 * The host as the planning reading in tap saw it, and what that reading
 * left out (port VLANs, addresses, routes) read now into the same tap, so
 * that the journal holds all of it.
 */
static int read_tapped(struct vnet_ctx *ctx, struct nl_tap *tap, struct state *st, struct addrset *addrs,
		       struct routeset *routes)
{
	int r;

	if (tap->links) {
		/* Decoded already, by the planning reading: taken over. */
		*st = *tap->links;
		free(tap->links);
		tap->links = NULL;
		r = 0;
	} else if (state_init(st) < 0) {
		return -ENOMEM;
	} else {
		r = record_decode(tap->buf, (int)tap->len, 0, st, NULL, NULL);
	}
	int need = state_has_vlan_entries(st);
	struct nl_tap *was = ctx->tap;

	ctx->tap = tap;
	if (r == 0 && need && !(tap->done & TAP_BRIDGE))
		r = nlm_dump(ctx, AF_BRIDGE, RTEXT_FILTER_BRVLAN_COMPRESSED, ignore_cb, NULL, NULL);
	if (r == 0 && !(tap->done & TAP_ADDR)) {
		struct addrset a = { 0 };

		r = addrs_load(ctx, &a);
		free(a.a);
	}
	if (r == 0 && !(tap->done & TAP_ROUTE)) {
		struct routeset rs = { 0 };

		r = routes_load(ctx, &rs);
		routeset_free(&rs);
	}
	ctx->tap = was;
	if (r == 0 && tap->err)
		r = -tap->err;
	if (r == 0)
		r = record_decode(tap->buf, (int)tap->len, 1, st, addrs, routes);
	st->what = ST_LINKS | ST_BRVLANS;
	st->have_vlans = 1;
	return r;
}

int record_take(struct vnet_ctx *ctx, const struct plan *p, struct record **out)
{
	struct state st;
	struct addrset addrs = { 0 };
	struct routeset routes = { 0 };
	struct record *rec;
	int r;

	*out = NULL;
	if (ctx->tap && (ctx->tap->done & TAP_LINK))
		r = read_tapped(ctx, ctx->tap, &st, &addrs, &routes);
	else
		r = read_now(ctx, &st, &addrs, &routes);
	if (r < 0) {
		state_free(&st);
		free(addrs.a);
		routeset_free(&routes);
		return vnet_fail(ctx, -r, "cannot read the host before changing it");
	}
	r = record_of(ctx, &st, &addrs, &routes, p, &rec);
	if (r < 0)
		return r;
	r = take_ext(ctx, rec, p);
	if (r < 0) {
		record_free(rec);
		return r;
	}
	read_assign_types(ctx, rec);
	*out = rec;
	return 0;
}

struct state *record_state(struct record *rec)
{
	return &rec->st;
}

const char *record_ext(const struct record *rec, int i, const struct kind **k)
{
	if (i < 0 || i >= rec->next)
		return NULL;
	*k = rec->ext[i].kind;
	return rec->ext[i].name;
}

int record_add_ext(struct record *rec, const struct kind *k, const char *name, void *data)
{
	void *n = realloc(rec->ext, (size_t)(rec->next + 1) * sizeof(*rec->ext));

	if (!n) {
		k->rec_free(data);
		return -ENOMEM;
	}
	rec->ext = n;
	str_copy(rec->ext[rec->next].name, sizeof(rec->ext[rec->next].name), name);
	rec->ext[rec->next].kind = k;
	rec->ext[rec->next++].data = data;
	return 0;
}

const struct namelist *record_names(const struct record *rec)
{
	return &rec->names;
}

unsigned char *record_mac_user(struct record *rec)
{
	return rec->mac_user;
}

uint32_t record_group(struct record *rec, const char *name)
{
	const struct link *l = rec ? state_by_name(&rec->st, name) : NULL;

	return l ? l->group : 0;
}

void record_free(struct record *rec)
{
	if (!rec)
		return;
	state_free(&rec->st);
	free(rec->addrs.a);
	routeset_free(&rec->routes);
	free(rec->scope);
	namelist_free(&rec->names);
	for (int i = 0; i < rec->next; i++)
		if (rec->ext[i].kind->rec_free)
			rec->ext[i].kind->rec_free(rec->ext[i].data);
	free(rec->ext);
	free(rec);
}

/* ---- planning back ---- */

/* Where a recorded link stands while the way back is planned. */
struct now {
	struct link *cur; /* in the fresh reading, NULL: absent or deleted by the plan back */
	int made;	  /* the plan back makes it */
	int joined;	  /* the plan back makes it a port: its VLANs are known next round */
	char master[VNET_NAMSIZ];
	int up;
};

/*
 * The MAC a link is to have of its own: a bond slave's is the one it had
 * before it joined, which the bond gives back when it lets it go; the one it
 * showed while in was the bond's.
 */
static const uint8_t *port_own_mac(const struct link *r)
{
	const struct kind *mk = r->slave_kind[0] ? kind_by_link_kind(r->slave_kind) : NULL;

	return mk && mk->port_own_mac ? mk->port_own_mac(r) : NULL;
}

static const uint8_t *own_mac(const struct link *r)
{
	const uint8_t *perm = port_own_mac(r);

	return perm ? perm : r->addr;
}

struct back {
	struct vnet_ctx *ctx;
	struct record *rec;
	struct state *cur;
	const struct addrset *caddrs;	/* the host's now (borrowed; never NULL) */
	const struct routeset *croutes; /* the same */
	unsigned char *gone; /* by position in cur: deleted by the plan back */
	struct now *now;     /* by position in rec->st */
	struct plan *plan;
};

static struct op *step(struct back *b, enum optype type, const struct kind *k, const char *name,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static struct op *step(struct back *b, enum optype type, const struct kind *k, const char *name,
		       const char *fmt, ...)
{
	struct op *op = plan_add(b->plan, type, k, name);
	char text[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	op_textf(op, "rollback: %s", text);
	return op;
}

static struct linkspec *spec_of(struct op *op)
{
	if (!op->spec && !(op->spec = calloc(1, sizeof(*op->spec))))
		abort();
	return op->spec;
}

static void mark_gone(struct back *b, struct link *c)
{
	struct link *peer = state_veth_peer(b->cur, c);

	if (b->gone[pos(b->cur, c)])
		return;
	b->gone[pos(b->cur, c)] = 1;
	if (peer)
		mark_gone(b, peer);
	for (int i = 0; i < b->cur->n; i++)
		if (lower_of(b->cur, &b->cur->links[i]) == c)
			mark_gone(b, &b->cur->links[i]);
}

/* The name of the link at index i of st, "" for none. */
static const char *name_at(struct state *st, int i)
{
	const struct link *l = i ? state_by_index(st, i) : NULL;

	return l ? l->name : "";
}

/* r and c can be the same link: what the kernel cannot change in place matches. */
static int compatible(struct back *b, const struct link *r, const struct link *c)
{
	struct state *rs = &b->rec->st;

	if (strcmp(r->kind, c->kind))
		return 0;
	if (!strcmp(r->kind, "veth")) {
		const struct link *rp = state_veth_peer(rs, r), *cp = state_veth_peer(b->cur, c);

		return !rp == !cp && (!rp || !strcmp(rp->name, cp->name));
	}
	if (strcmp(name_at(rs, lower_of(rs, r) ? r->link : 0),
		   name_at(b->cur, lower_of(b->cur, c) ? c->link : 0)))
		return 0;
	const struct kind *t[2];

	for (int k = 0, n = tables_of(r->kind, t); k < n; k++)
		for (const struct param *p = t[k]->params; p->word; p++)
			if ((p->flags & PF_IMMUTABLE) && p->nest == PN_INFO &&
			    obj_has(link_kobj(r), p->field) &&
			    (!obj_has(link_kobj(c), p->field) ||
			     link_kobj(r)->v[p->field].u != link_kobj(c)->v[p->field].u))
				return 0;
	return 1;
}

/* o's fields, with each link reference (kept as an index) turned into the name in st. */
static void named_copy(const struct param *tab, const struct obj *src, struct state *st,
		       struct obj *o)
{
	obj_init(o);
	obj_copy_fields(o, src, ~0U);
	for (const struct param *p = tab; p->word; p++) {
		/* The kernel lists a QoS map's non-zero mappings only: none is an empty map. */
		if (p->type == PT_QOSMAP && !obj_has(o, p->field) && p->nest == PN_INFO) {
			if (!o->v[p->field].qos && !(o->v[p->field].qos = calloc(1, sizeof(struct qosmap))))
				abort();
			o->mask |= 1U << p->field;
		}
		if (p->type != PT_IFREF || !obj_has(o, p->field) || o->v[p->field].names.n)
			continue;
		const char *n = name_at(st, (int)o->v[p->field].u);

		if (n[0])
			namelist_add(&o->v[p->field].names, n);
	}
}

static void plan_deletions(struct back *b)
{
	struct state *rs = &b->rec->st;

	for (int i = 0; i < b->cur->n; i++) {
		struct link *c = &b->cur->links[i];
		const struct link *r = state_by_name(rs, c->name);

		if (b->gone[i] || !in_scope(b->rec, c->name))
			continue;
		if (r && compatible(b, r, c))
			continue;
		if (r && !remakeable(rs, r))
			continue; /* say so when comparing: never delete what cannot come back */
		step(b, OP_DELETE, NULL, c->name, "%s: delete (%s)", c->name,
		     r ? "it was another device before" : "made by the change");
		mark_gone(b, c);
	}
}

static void note_now(struct back *b)
{
	struct state *rs = &b->rec->st;

	for (int i = 0; i < rs->n; i++) {
		struct now *n = &b->now[i];
		struct link *c = state_by_name(b->cur, rs->links[i].name);

		if (!b->rec->scope[i] || !c || b->gone[pos(b->cur, c)])
			continue;
		const struct link *m = state_by_index(b->cur, c->master);

		n->cur = c;
		str_copy(n->master, sizeof(n->master), m && !b->gone[pos(b->cur, m)] ? m->name : "");
		n->up = !!(c->flags & IFF_UP);
	}
}

static int present(const struct back *b, const struct state *rs, const struct link *r)
{
	return r && (b->now[pos(rs, r)].cur || b->now[pos(rs, r)].made);
}

static void create_one(struct back *b, const struct link *r)
{
	struct state *rs = &b->rec->st;
	const struct kind *t[2];
	int nt = tables_of(r->kind, t);
	struct op *op = step(b, OP_LINK, nt ? t[0] : NULL, r->name, "%s: make again (%s)", r->name,
			     r->kind);
	struct linkspec *s = spec_of(op);
	const struct link *low = lower_of(rs, r), *peer = state_veth_peer(rs, r);

	s->create = 1;
	s->ifindex = r->ifindex;
	s->has = LS_MTU | LS_GROUP | LS_KIND | (r->alias ? LS_ALIAS : 0) | (low ? LS_LOWER : 0);
	str_copy(s->kind, sizeof(s->kind), r->kind);
	s->mtu = r->mtu;
	s->group = r->group;
	s->alias = r->alias;
	if (r->addrlen == 6 && b->rec->mac_user[pos(rs, r)]) {
		s->has |= LS_MAC;
		memcpy(s->mac, own_mac(r), 6);
	}
	if (low)
		str_copy(s->lower, sizeof(s->lower), low->name);
	if (nt) {
		/*
		 * A create carries only what is hard to change later (a VLAN's
		 * id, a bond's mode); the next round sends the fields that then
		 * differ, and only those: a kernel without a feature reports
		 * its field but refuses it even at its default.
		 */
		struct obj o;

		named_copy(t[0]->params, link_kobj(r), rs, &o);
		obj_copy_fields(op_obj_w(op), &o, ~0U);
		obj_free(&o);
		for (const struct param *p = t[0]->params; p->word; p++)
			if ((p->nest == PN_INFO || p->nest == PN_VLANFLAG) && obj_has(op_obj(op), p->field) &&
			    p->type != PT_IFREF && (p->flags & (PF_IMMUTABLE | PF_NOSLAVES)))
				op->fields |= 1U << p->field;
	} else if (r->info_raw) {
		s->raw = r->info_raw;
		s->rawlen = r->info_raw_len;
	}
	if (peer) {
		s->has |= LS_PEER;
		str_copy(s->peer.name, sizeof(s->peer.name), peer->name);
		s->peer.ifindex = peer->ifindex;
		s->peer.mtu = peer->mtu;
		s->peer.group = peer->group;
		s->peer.has_mac = peer->addrlen == 6;
		memcpy(s->peer.mac, peer->addr, 6);
		b->now[pos(rs, peer)].made = 1;
	}
	b->now[pos(rs, r)].made = 1;
}

/*
 * low, a master in the record, lacks a slave or port that the plan back
 * gives it (now or in a later round).
 */
static int awaits_ports(const struct back *b, const struct link *low)
{
	const struct state *rs = &b->rec->st;

	for (int j = 0; j < rs->n; j++)
		if (rs->links[j].master == low->ifindex && b->rec->scope[j] &&
		    (b->now[j].cur || b->rec->doomed[j]) && strcmp(b->now[j].master, low->name))
			return 1;
	return 0;
}

static void plan_creates(struct back *b)
{
	struct state *rs = &b->rec->st;
	int progress = 1;

	while (progress) {
		progress = 0;
		for (int i = 0; i < rs->n; i++) {
			const struct link *r = &rs->links[i], *low = lower_of(rs, r);

			if (!b->rec->doomed[i] || present(b, rs, r))
				continue;
			if (low && !present(b, rs, low) && b->rec->doomed[pos(rs, low)])
				continue; /* its lower device first */
			/*
			 * A device on a bond (or bridge) is made once the bond has
			 * its slaves back, as it was made first: it takes the
			 * bond's GSO limits then, and a bridge it joins takes
			 * the lowest of its ports' when it joins, never again.
			 */
			if (low && awaits_ports(b, low))
				continue;
			create_one(b, r);
			progress = 1;
		}
	}
}

static void set_down(struct back *b, struct now *n, const char *name, const char *why)
{
	if (!n->up)
		return;
	struct op *op = step(b, OP_LINK, NULL, name, "%s: down (%s)", name, why);

	spec_of(op)->has = LS_UP;
	n->up = 0;
}

/* The recorded link i leaves its master now; what its driver does to it (lib/rules.h) follows. */
static void release(struct back *b, int i, const char *why)
{
	struct now *n = &b->now[i];
	const struct link *m = state_by_name(b->cur, n->master);
	const char *name = b->rec->st.links[i].name;

	step(b, OP_MASTER, NULL, name, "%s: release from %s%s%s%s", name, n->master,
	     why ? " (" : "", why ? why : "", why ? ")" : "");
	if (m && rules_port(m->kind)->closes_on_leave)
		n->up = 0;
	n->master[0] = 0;
}

/* A QoS map to send whole: the mappings the host has and the record lacks go to 0. */
static void exact_maps(const struct param *tab, struct obj *o, const struct obj *have, uint32_t f)
{
	for (const struct param *p = tab; p->word; p++) {
		if (p->type != PT_QOSMAP || !(f & (1U << p->field)))
			continue;
		struct qosmap *send = calloc(1, sizeof(*send));

		if (!send)
			abort();
		qosmap_exact(o->v[p->field].qos, have->v[p->field].qos, send);
		if (o->v[p->field].qos)
			free(o->v[p->field].qos->e);
		free(o->v[p->field].qos);
		o->v[p->field].qos = send;
	}
}

/*
 * Kind fields back, in the order lib/rules.h gives (a bond's mode: its
 * slaves released, the bond down; STP off alone, before the timers).
 */
static void plan_fields(struct back *b)
{
	struct state *rs = &b->rec->st;

	for (int i = 0; i < rs->n; i++) {
		const struct link *r = &rs->links[i];
		struct now *n = &b->now[i];
		const struct kind *t[2];
		int nt = tables_of(r->kind, t);

		if (!n->cur)
			continue;
		for (int k = 0; k < nt; k++) {
			const struct param *tab = t[k]->params;
			struct obj want, have;
			struct field_rules fr;
			uint32_t m;
			char txt[900];

			named_copy(tab, link_kobj(r), rs, &want);
			named_copy(tab, link_kobj(n->cur), b->cur, &have);
			/* A link the kernel does not list is none (a bond without a primary). */
			for (const struct param *p = tab; p->word; p++)
				if (p->type == PT_IFREF && p->nest == PN_INFO && !obj_has(&want, p->field) &&
				    obj_has(&have, p->field) && have.v[p->field].u)
					obj_set_u(&want, p->field, 0);
			m = obj_diff(tab, &want, &have, PN_INFO) | obj_diff(tab, &want, &have, PN_VLANFLAG);
			rules_fields(tab, m, &fr);
			m &= ~fr.immutable;
			rules_fields(tab, m, &fr);
			if (m && rules_release_ports(&fr)) {
				for (int j = 0; j < rs->n; j++)
					if (b->now[j].cur && !strcmp(b->now[j].master, r->name))
						release(b, j, "its mode changes");
			}
			if (m && rules_down_first(&fr))
				set_down(b, n, r->name, "the kernel changes that only while it is down");
			uint32_t first = rules_alone_first(tab, &want, m);

			for (int pass = 0; pass < 2 && m; pass++) {
				uint32_t f = pass ? m & ~first : first;

				if (!f)
					continue;
				obj_format_changes(tab, &want, &have, f, txt, sizeof(txt));
				struct op *op = step(b, OP_SET, t[k], r->name, "%s: %s", r->name, txt);

				obj_copy_fields(op_obj_w(op), &want, f);
				op->fields = f;
				exact_maps(tab, op_obj_w(op), &have, f);
			}
			obj_free(&want);
			obj_free(&have);
		}
	}
}

/*
 * A bond's slaves in the order they joined (the active one without a
 * primary is the first): when one must join again, those that come after it
 * leave and join again behind it. The order is the record's, by index.
 */
static void bond_order(struct back *b)
{
	struct state *rs = &b->rec->st;

	for (int i = 0; i < rs->n; i++) {
		const struct link *m = &rs->links[i];
		int first = -1;

		if (!rules_port(m->kind)->ordered || !b->rec->scope[i])
			continue;
		for (int j = 0; j < rs->n && first < 0; j++)
			if (rs->links[j].master == m->ifindex && (b->now[j].cur || b->now[j].made) &&
			    strcmp(b->now[j].master, m->name))
				first = j;
		for (int j = first + 1; first >= 0 && j < rs->n; j++)
			if (rs->links[j].master == m->ifindex && !strcmp(b->now[j].master, m->name))
				release(b, j, "to join again in its order");
	}
}

/* Releases first (a port number or a slave's place comes free), then joins in the record's order. */
static void plan_masters(struct back *b)
{
	struct state *rs = &b->rec->st;

	for (int i = 0; i < rs->n; i++) {
		const struct link *r = &rs->links[i];
		const struct link *m = state_by_index(rs, r->master);
		struct now *n = &b->now[i];

		if (!b->rec->scope[i] || (!n->cur && !n->made) || !n->master[0] ||
		    !strcmp(n->master, m ? m->name : ""))
			continue;
		release(b, i, NULL);
	}
	bond_order(b);
	for (int i = 0; i < rs->n; i++) {
		const struct link *r = &rs->links[i];
		const struct link *m = state_by_index(rs, r->master);
		struct now *n = &b->now[i], *mn = m ? &b->now[pos(rs, m)] : NULL;

		/*
		 * A master made in this round gets its fields in the next (a
		 * bond's miimon): its ports join it then, with those in force,
		 * as they first joined it.
		 */
		if (!b->rec->scope[i] || (!n->cur && !n->made) || !m || n->master[0] ||
		    (!mn->cur && !mn->made) || mn->made)
			continue;
		/*
		 * A master that was up comes up before its ports join, as it
		 * did when they first joined: a bond that comes up under a
		 * slave counts a link failure on it.
		 */
		if ((m->flags & IFF_UP) && !mn->up) {
			struct op *up = step(b, OP_LINK, NULL, m->name, "%s: up", m->name);

			spec_of(up)->has = LS_UP;
			spec_of(up)->up = 1;
			mn->up = 1;
		}
		const struct port_rules *pr = rules_port(m->kind);

		if (pr->down_to_join) {
			char why[80];

			snprintf(why, sizeof(why), "%s %s", pr->down_to_join, m->name);
			set_down(b, n, r->name, why);
		}
		struct op *op = step(b, OP_MASTER, NULL, r->name, "%s: back into %s", r->name, m->name);

		str_copy(op->master, sizeof(op->master), m->name);
		str_copy(n->master, sizeof(n->master), m->name);
		if (pr->opens_on_join)
			n->up = 1;
		n->joined = 1;
	}
}

static void plan_ports(struct back *b)
{
	struct state *rs = &b->rec->st;
	const struct param *ptab = kind_bridge_port.port_params;

	for (int i = 0; i < rs->n; i++) {
		const struct link *r = &rs->links[i], *m = state_by_index(rs, r->master);
		struct now *n = &b->now[i];
		int self = !strcmp(r->kind, "bridge");

		if (!n->cur || n->joined || (!self && (!m || strcmp(m->kind, "bridge"))))
			continue;
		/*
		 * Not its bridge's port now (the bridge is made again in this
		 * round, and its ports join it in the next): the kernel has no
		 * port options for it to take, and its VLANs are known then.
		 */
		if (!self && strcmp(n->master, m->name))
			continue;
		/* A bridge's own VLANs: only when both readings asked the kernel for them. */
		if (self && !(rs->vlans_dumped && b->cur->vlans_dumped))
			continue;
		uint32_t f = self ? 0 : obj_diff(ptab, link_pobj(r), link_pobj(n->cur), PN_PORT);

		if (f) {
			char txt[900];

			obj_format_changes(ptab, link_pobj(r), link_pobj(n->cur), f, txt, sizeof(txt));
			struct op *op = step(b, OP_PORT, &kind_bridge_port, r->name, "%s: port %s",
					     r->name, txt);

			obj_copy_fields(op_obj_w(op), link_pobj(r), f);
			op->fields = f;
		}
		const struct portvlan *want = link_vl(r), *have = link_vl(n->cur);

		if (want->pvid != have->pvid || !vlanset_equal(&want->member, &have->member) ||
		    !vlanset_equal(&want->untagged, &have->untagged)) {
			char what[64];

			snprintf(what, sizeof(what), "rollback: %s%s", r->name, self ? " itself" : "");
			plan_port_vlans(b->plan, what, r->name, have, want, self);
		}
	}
}

static void plan_link_fields(struct back *b)
{
	struct state *rs = &b->rec->st;

	for (int i = 0; i < rs->n; i++) {
		const struct link *r = &rs->links[i];
		struct now *n = &b->now[i];
		const struct link *c = n->cur;
		uint32_t has = 0;
		char txt[600] = "";
		size_t o = 0;

		if (!c)
			continue;
		if (c->mtu != r->mtu) {
			has |= LS_MTU;
			o += (size_t)snprintf(txt + o, sizeof(txt) - o, " mtu %u -> %u", c->mtu, r->mtu);
		}
		const uint8_t *mac = own_mac(r);

		/* A bond slave's MAC is the bond's doing while it is in one. */
		if (r->addrlen == 6 && b->rec->mac_user[i] && !port_own_mac(c) &&
		    memcmp(c->addr, mac, 6)) {
			char a[20], was[20];

			format_mac(mac, a, sizeof(a));
			format_mac(c->addr, was, sizeof(was));
			has |= LS_MAC;
			o += (size_t)snprintf(txt + o, sizeof(txt) - o, " address %s -> %s", was, a);
		}
		if (strcmp(c->alias ? c->alias : "", r->alias ? r->alias : "")) {
			has |= LS_ALIAS;
			o += (size_t)snprintf(txt + o, sizeof(txt) - o, " alias \"%s\"",
					      r->alias ? r->alias : "");
		}
		if (c->group != r->group) {
			has |= LS_GROUP;
			snprintf(txt + o, sizeof(txt) - o, " group %u -> %u", c->group, r->group);
		}
		if (!has)
			continue;
		struct op *op = step(b, OP_LINK, NULL, r->name, "%s:%s", r->name, txt);
		struct linkspec *s = spec_of(op);

		s->has = has;
		s->mtu = r->mtu;
		memcpy(s->mac, mac, 6);
		s->alias = r->alias;
		s->group = r->group;
	}
}

static void plan_updown(struct back *b)
{
	struct state *rs = &b->rec->st;

	for (int i = 0; i < rs->n; i++) {
		const struct link *r = &rs->links[i];
		struct now *n = &b->now[i];
		int up = !!(r->flags & IFF_UP);

		if (!b->rec->scope[i] || (!n->cur && !n->made) || n->up == up)
			continue;
		struct op *op = step(b, OP_LINK, NULL, r->name, "%s: %s", r->name, up ? "up" : "down");
		struct linkspec *s = spec_of(op);

		s->has = LS_UP;
		s->up = up;
		n->up = up;
	}
}

static void addr_step(struct back *b, enum optype type, const char *name,
		      const struct rec_addr *a)
{
	char t[64];

	addr_text(a, t, sizeof(t));
	struct op *op = step(b, type, NULL, name, "%s: %s address %s", name,
			     type == OP_ADDR_ADD ? "add" : "remove", t);

	spec_of(op)->addr = *a;
}

static void plan_addresses(struct back *b)
{
	struct state *rs = &b->rec->st;
	const struct addrset *ra = &b->rec->addrs;

	/* Those the change added first: an address moves back from where it went. */
	for (int i = 0; i < b->caddrs->n; i++) {
		const struct rec_addr *a = &b->caddrs->a[i];
		struct link *c = state_by_index(b->cur, a->ifindex);
		const struct link *r = c ? state_by_name(rs, c->name) : NULL;

		if (!c || b->gone[pos(b->cur, c)] || !in_scope(b->rec, c->name) ||
		    (r && addr_find(ra, r->ifindex, a)))
			continue;
		addr_step(b, OP_ADDR_DEL, c->name, a);
	}
	for (int i = 0; i < ra->n; i++) {
		const struct rec_addr *a = &ra->a[i];
		const struct link *r = state_by_index(rs, a->ifindex);
		struct now *n = r ? &b->now[pos(rs, r)] : NULL;

		if (!r || !b->rec->scope[pos(rs, r)] || (!n->cur && !n->made) ||
		    (n->cur && addr_find(b->caddrs, n->cur->ifindex, a)))
			continue;
		addr_step(b, OP_ADDR_ADD, r->name, a);
	}
}

static void route_step(struct back *b, enum optype type, const char *name,
		       const struct rec_route *r)
{
	char t[128];

	route_text(r, t, sizeof(t));
	struct op *op = step(b, type, NULL, name, "%s: %s route %s", name,
			     type == OP_ROUTE_ADD ? "add" : "remove", t);

	struct linkspec *s = spec_of(op);

	s->route = *r;
	s->route.msg = malloc(r->msg->nlmsg_len);
	if (!s->route.msg)
		abort();
	memcpy(s->route.msg, r->msg, r->msg->nlmsg_len);
}

/* Routes after addresses (a gateway is reached through one): those the change added go first. */
static void plan_routes(struct back *b)
{
	struct state *rs = &b->rec->st;
	const struct routeset *rr = &b->rec->routes;

	for (int i = 0; i < b->croutes->n; i++) {
		const struct rec_route *c = &b->croutes->r[i];
		struct link *l = state_by_index(b->cur, c->oif);
		const struct link *r = l ? state_by_name(rs, l->name) : NULL;
		int kept = 0;

		if (!l || b->gone[pos(b->cur, l)] || !in_scope(b->rec, l->name))
			continue;
		for (int k = 0; r && k < rr->n && !kept; k++)
			kept = rr->r[k].oif == r->ifindex && route_same(&rr->r[k], c);
		if (!kept)
			route_step(b, OP_ROUTE_DEL, l->name, c);
	}
	for (int i = 0; i < rr->n; i++) {
		const struct rec_route *want = &rr->r[i];
		const struct link *r = state_by_index(rs, want->oif);
		struct now *n = r ? &b->now[pos(rs, r)] : NULL;
		int have = 0;

		if (!r || !b->rec->scope[pos(rs, r)] || (!n->cur && !n->made))
			continue;
		for (int k = 0; n->cur && k < b->croutes->n && !have; k++)
			have = b->croutes->r[k].oif == n->cur->ifindex && route_same(&b->croutes->r[k], want);
		if (!have)
			route_step(b, OP_ROUTE_ADD, r->name, want);
	}
}

void record_plan_against(struct vnet_ctx *ctx, struct record *rec, struct state *cur,
			 const struct addrset *caddrs, const struct routeset *croutes,
			 struct plan *out)
{
	static const struct addrset no_addrs;
	static const struct routeset no_routes;
	struct back b = { .ctx = ctx, .rec = rec, .cur = cur, .plan = out,
			  .caddrs = caddrs ? caddrs : &no_addrs,
			  .croutes = croutes ? croutes : &no_routes };

	memset(out, 0, sizeof(*out));
	b.gone = calloc((size_t)cur->n + 1, 1);
	b.now = calloc((size_t)rec->st.n + 1, sizeof(*b.now));
	if (!b.gone || !b.now)
		abort();
	plan_deletions(&b);
	note_now(&b);
	plan_creates(&b);
	plan_fields(&b);
	plan_masters(&b);
	plan_ports(&b);
	plan_link_fields(&b);
	plan_updown(&b);
	plan_addresses(&b);
	plan_routes(&b);
	for (int i = 0; i < rec->next; i++)
		rec->ext[i].kind->rec_plan(ctx, out, rec->ext[i].name, rec->ext[i].data);
	free(b.gone);
	free(b.now);
}

int record_plan(struct vnet_ctx *ctx, struct record *rec, struct plan *out)
{
	struct state cur;
	struct addrset caddrs = { 0 };
	struct routeset croutes = { 0 };
	int r;

	memset(out, 0, sizeof(*out));
	r = state_load(ctx, &cur, ST_LINKS | ST_BRVLANS);
	if (r < 0)
		return r;
	r = addrs_load(ctx, &caddrs);
	if (r == 0)
		r = routes_load(ctx, &croutes);
	if (r == 0)
		record_plan_against(ctx, rec, &cur, &caddrs, &croutes, out);
	free(caddrs.a);
	routeset_free(&croutes);
	state_free(&cur);
	return r;
}

int record_restore(struct vnet_ctx *ctx, struct record *rec, char *what, size_t len)
{
	struct vnet_error saved = ctx->err;
	int r = 0;

	what[0] = 0;
	nlm_forget(ctx, NULL);
	for (int round = 0; round <= ROUNDS; round++) {
		struct plan back;

		r = record_plan(ctx, rec, &back);
		if (r < 0) {
			snprintf(what, len, "cannot read the host (%s)", strerror(-r));
			break;
		}
		if (!back.n) {
			plan_free(&back);
			break;
		}
		if (round == ROUNDS) {
			/* Still different: say what, first things first. */
			size_t o = 0;

			for (int i = 0; i < back.n && o + 4 < len; i++)
				o += (size_t)snprintf(what + o, len - o, "%s%s", i ? "; " : "",
						      back.ops[i].text + strlen("rollback: "));
			r = -EIO;
		}
		for (int i = 0; round < ROUNDS && i < back.n; i++) {
			/* The links the failed change made go together (one RCU grace period, not one each). */
			int together = plan_delete_together(ctx, &back, i);

			for (int k = i; k < i + together; k++)
				if (ctx->on_undo)
					ctx->on_undo(ctx, back.ops[k].text);
			if (together) {
				i += together - 1;
				continue;
			}
			int e = plan_run_op(ctx, &back.ops[i]); /* best effort: the next reading tells */

			if (e == 0 && ctx->on_undo)
				ctx->on_undo(ctx, back.ops[i].text);
			if (e < 0 && getenv("VNETCTL_DEBUG_ROLLBACK"))
				fprintf(stderr, "%s: %s (%s)\n", back.ops[i].text, strerror(-e), ctx->err.ext_msg);
		}
		plan_free(&back);
	}
	ctx->err = saved;
	return r;
}

/* ---- requests ---- */

static void put_addr(struct nlmsghdr *nlh, uint16_t type, const struct rec_addr *a,
		     const uint8_t *ip)
{
	mnl_attr_put(nlh, type, a->family == AF_INET ? 4 : 16, ip);
}

/* A route as it was dumped, its device by name: what the kernel takes of it, nothing more. */
static struct nlmsghdr *route_build(struct vnet_ctx *ctx, const struct op *op, char *buf)
{
	const struct nlmsghdr *m = op->spec->route.msg;
	const struct nlattr *a;
	int add = op->type == OP_ROUTE_ADD;
	struct nlmsghdr *nlh = nlm_msg_start(buf, add ? RTM_NEWROUTE : RTM_DELROUTE,
					     add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	memcpy(rtm, mnl_nlmsg_get_payload(m), sizeof(*rtm));
	rtm->rtm_flags &= RTNH_F_ONLINK; /* what was asked, not the state (linkdown) */
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)nlm_index_or_zero(ctx, op->name));
	attr_for_each_msg(a, m, sizeof(*rtm))
		if (route_attr_kept(attr_type(a)) && (add || attr_type(a) != RTA_METRICS))
			mnl_attr_put(nlh, attr_type(a), attr_len(a), attr_data(a));
	return nlh;
}

/*
 * A source-mode macvlan's MAC list, as dumped in list, to set whole at
 * create. The kernel dumps each hash bucket newest first and adds at a
 * bucket's head: sent last to first, the list dumps again as it was.
 */
static void put_macs(struct nlmsghdr *nlh, const struct nlattr *list)
{
	const struct nlattr *a, *mac[RAW_MAX / 12]; /* 12: an attribute of 6 bytes */
	int n = 0;

	attr_for_each_nested(a, list)
		if (attr_type(a) == IFLA_MACVLAN_MACADDR && attr_len(a) == 6 &&
		    n < (int)(sizeof(mac) / sizeof(mac[0])))
			mac[n++] = a;
	mnl_attr_put_u32(nlh, IFLA_MACVLAN_MACADDR_MODE, MACVLAN_MACADDR_SET);
	struct nlattr *nest = mnl_attr_nest_start(nlh, IFLA_MACVLAN_MACADDR_DATA);

	while (n--)
		mnl_attr_put(nlh, IFLA_MACVLAN_MACADDR, 6, attr_data(mac[n]));
	mnl_attr_nest_end(nlh, nest);
}

struct nlmsghdr *linkspec_build(struct vnet_ctx *ctx, const struct op *op, char *buf)
{
	const struct linkspec *s = op->spec;
	struct nlmsghdr *nlh;

	if (op->type == OP_ROUTE_ADD || op->type == OP_ROUTE_DEL)
		return route_build(ctx, op, buf);

	if (op->type == OP_ADDR_ADD || op->type == OP_ADDR_DEL) {
		const struct rec_addr *a = &s->addr;
		struct ifaddrmsg *ifa;

		nlh = nlm_msg_start(buf, op->type == OP_ADDR_ADD ? RTM_NEWADDR : RTM_DELADDR,
				    op->type == OP_ADDR_ADD ? NLM_F_CREATE | NLM_F_EXCL : 0);
		ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = a->family;
		ifa->ifa_prefixlen = a->plen;
		ifa->ifa_scope = a->scope;
		ifa->ifa_flags = (uint8_t)a->flags;
		ifa->ifa_index = (uint32_t)nlm_index_or_zero(ctx, op->name);
		if (a->has_local)
			put_addr(nlh, IFA_LOCAL, a, a->local);
		if (a->has_address)
			put_addr(nlh, IFA_ADDRESS, a, a->address);
		if (op->type == OP_ADDR_ADD) {
			if (a->has_brd)
				mnl_attr_put(nlh, IFA_BROADCAST, 4, a->brd);
			if (a->label[0])
				mnl_attr_put_strz(nlh, IFA_LABEL, a->label);
			mnl_attr_put_u32(nlh, IFA_FLAGS, a->flags);
		}
		return nlh;
	}
	struct ifinfomsg *ifm;

	nlh = nlm_msg_start(buf, RTM_NEWLINK, s->create ? NLM_F_CREATE | NLM_F_EXCL : 0);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	if (s->create)
		ifm->ifi_index = s->ifindex;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, op->name);
	if (s->has & LS_UP) {
		ifm->ifi_change = IFF_UP;
		ifm->ifi_flags = s->up ? IFF_UP : 0;
	}
	if (s->has & LS_MTU)
		mnl_attr_put_u32(nlh, IFLA_MTU, s->mtu);
	if (s->has & LS_MAC)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, s->mac);
	if ((s->has & LS_GROUP) && (s->group || !s->create))
		mnl_attr_put_u32(nlh, IFLA_GROUP, s->group);
	if (s->has & LS_ALIAS)
		mnl_attr_put_strz(nlh, IFLA_IFALIAS, s->alias ? s->alias : "");
	if (s->has & LS_LOWER)
		mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)nlm_index_or_zero(ctx, s->lower));
	if (s->has & LS_KIND) {
		struct nlattr *li = mnl_attr_nest_start(nlh, IFLA_LINKINFO), *data;
		const struct foreign *f = foreign_of(s->kind);

		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, s->kind);
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		int n = op->kind ? obj_put(ctx, nlh, op->kind->params, op_obj(op), op->fields, PN_INFO) : 0;

		if (s->raw && f) {
			const struct nlattr *a;
			const char *end = (const char *)s->raw + s->rawlen;

			attr_for_each(a, (const struct nlattr *)s->raw, end) {
				if (attr_type(a) == IFLA_MACVLAN_MACADDR_DATA &&
				    (f->keep & BIT(IFLA_MACVLAN_MACADDR_DATA)))
					put_macs(nlh, a);
				else if (attr_type(a) < 32 && (f->keep & BIT(attr_type(a))))
					mnl_attr_put(nlh, attr_type(a), attr_len(a), attr_data(a));
				else
					continue;
				n++;
			}
		}
		if ((s->has & LS_PEER) && op->kind && op->kind->put_peer) {
			op->kind->put_peer(nlh, s->peer.name, s->peer.ifindex, s->peer.mtu,
				      s->peer.has_mac ? s->peer.mac : NULL, s->peer.group);
			n++;
		}
		if (n)
			mnl_attr_nest_end(nlh, data);
		else
			mnl_attr_nest_cancel(nlh, data);
		mnl_attr_nest_end(nlh, li);
	}
	return nlh;
}
