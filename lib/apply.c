// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply and check: a whole file of statements as one plan.
 *
 * Every statement is parsed first (all errors reported, each pointing at
 * its word). Then the host is read once, the statements are put in
 * dependency order (masters before ports, lower devices before VLANs, VF
 * counts before VF settings, releases before takes), and each is planned
 * against the host as the statements before it will leave it (the state is
 * simulated forward). The one plan then runs; any failure undoes every step
 * taken. Afterwards the host is read again and planning the file once more
 * must find nothing left to do.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "internal.h"
#include "value.h"
#include "obj.h"
#include "state.h"
#include "plan.h"
#include "kind.h"
#include "addr.h"
#include "out.h"
#include "journal.h"
#include "diff.h"
#include "suggest.h"
#include "nl.h"

struct item {
	struct stmt *s;
	struct obj want;
	int ok;			/* parsed */
	int rank;		/* order between statements that do not depend on each other */
	struct namelist decl;	/* names the statement creates or owns */
	struct namelist uses;	/* names it refers to */
	struct namelist takes;	/* names it makes its ports or slaves */
	struct namelist early;	/* ports another statement's object holds: released first */
	int ndeps, placed;
};

/*
 * A made-up "KIND del NAME" of --prune, with its words, in one block of its
 * own (freed as its stmt): the items array moves as it grows, this does not.
 */
struct synth_stmt {
	struct stmt s; /* first: the block is freed through it */
	char words[3][VNET_NAMSIZ];
	char *argv[4];
};

/* Appends one diagnostic: "file:line:col: message", the line, a caret under the word. */
static void diag(struct vnet_ctx *ctx, const struct stmtfile *f, const struct stmt *s, FILE *out)
{
	int w = ctx->err.word >= 0 && ctx->err.word < s->argc ? ctx->err.word : 0;
	int line = s->line ? s->line[w] : 0, col = s->col ? s->col[w] : 1;
	const char *text = line > 0 && line <= f->nlines ? f->lines[line - 1] : "", *path;
	int fline;

	stmts_where(f, line, &path, &fline);
	/* A very long line is shown around the word. */
	int from = col > 120 ? col - 60 : 0;

	fprintf(out, "%s:%d:%d: %s\n    %s%.200s%s\n    %s", path, fline, col, ctx->err.msg,
		from ? "..." : "", text + from, strlen(text + from) > 200 ? "..." : "", from ? "   " : "");
	for (int i = from; i < col - 1 && text[i]; i++)
		fputc(text[i] == '\t' ? '\t' : ' ', out);
	fputs("^\n", out);
}

/*
 * A statement's names go in as they come (no search for each: a bridge may
 * take thousands of ports); a name twice only repeats an ordering edge.
 */
#define names_add namelist_append

static int rank_of(const struct stmt *s)
{
	int r = s->verb == V_COUNT && s->kind->count_rank ? s->kind->count_rank : s->kind->rank;

	if (s->verb == V_DEL)
		return 0;
	return r ? r : INT_MAX;
}

/* What a statement creates, refers to and takes as ports, from its words. */
static void refs_of(struct item *it)
{
	const struct stmt *s = it->s;
	const struct kind *k = s->kind;

	it->rank = rank_of(s);
	if (s->verb == V_DEL)
		return; /* deletions go first and need nothing */
	/* A kind that makes links (its own, or a SEA's of other kinds) makes its NAME. */
	if (k->link_kind || k->owns)
		names_add(&it->decl, s->arg[0]);
	else if (k->args[1] && k->argtype[1] == ARG_IFNAME) {
		names_add(&it->uses, s->arg[0]); /* "bridge port BR P": BR */
		if (!name_is_pattern(s->arg[1])) /* a pattern names no one link */
			names_add(&it->takes, s->arg[1]);
	} else {
		names_add(&it->uses, s->arg[0]); /* a VF's PF */
	}
	for (const struct param *p = k->params; p && p->word; p++) {
		const struct val *v = &it->want.v[p->field];

		if (!obj_has(&it->want, p->field) || (p->type != PT_NAMES && p->type != PT_IFREF) ||
		    (p->flags & PF_PATTERNS))
			continue;
		for (int i = 0; i < v->names.n; i++)
			names_add(p->flags & PF_DECLARES ? &it->decl
				  : p->type == PT_NAMES	   ? &it->takes
							   : &it->uses,
				  v->names.names[i]);
	}
	if (k->refs)
		k->refs(s, &it->want, &it->decl, &it->uses, &it->takes);
	for (int i = 0; i < it->takes.n; i++)
		names_add(&it->uses, it->takes.names[i]);
}

/* The master a statement puts the ports it takes into: its object's, or a "bridge port"'s bridge. */
static const char *into_of(const struct item *it)
{
	return it->decl.n ? it->decl.names[0] : it->s->arg[0];
}

/* The lists of names map_names reads. */
enum { NM_DECL = 1, NM_USES = 2, NM_TAKES = 4 };

/*
 * The names of the lists chosen (NM_*) to the first statement that has
 * them (the keys point into the items).
 */
static void map_names(struct namemap *m, const struct item *it, int n, unsigned int lists)
{
	int total = 0;

	for (int i = 0; i < n; i++)
		total += it[i].decl.n + it[i].uses.n + it[i].takes.n;
	namemap_alloc(m, total);
	for (int i = 0; i < n; i++) {
		const struct namelist *l[3] = { &it[i].decl, &it[i].uses, &it[i].takes };

		for (int k = 0; k < 3; k++)
			for (int j = 0; (lists & (1U << k)) && j < l[k]->n; j++)
				namemap_put(m, l[k]->names[j], i);
	}
}

/* A min-heap of statement numbers by (rank, number): the next one to place. */
static int before(const struct item *it, int a, int b)
{
	return it[a].rank != it[b].rank ? it[a].rank < it[b].rank : a < b;
}

static void heap_push(int *h, int *n, const struct item *it, int v)
{
	int i = (*n)++;

	h[i] = v;
	while (i && before(it, h[i], h[(i - 1) / 2])) {
		int t = h[i];

		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static int heap_pop(int *h, int *n, const struct item *it)
{
	int top = h[0], i = 0;

	h[0] = h[--(*n)];
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;

		if (l < *n && before(it, h[l], h[m]))
			m = l;
		if (r < *n && before(it, h[r], h[m]))
			m = r;
		if (m == i)
			break;
		int t = h[i];

		h[i] = h[m];
		h[m] = t;
		i = m;
	}
	return top;
}

/*
 * Orders the statements: b before a when a uses what b creates, or takes a
 * port that b's object holds now (b may release it). Among the ready, the
 * lowest rank, then the file's order. Returns -1 on a cycle. Linear in the
 * number of names: a file of thousands of statements orders at once.
 */
static int order_items(struct item *it, int n, struct state *st, int *order, int soft)
{
	struct namemap m;
	int *indeg = calloc((size_t)n + 1, sizeof(int)), *heap = malloc(((size_t)n + 1) * sizeof(int));
	int **succ = calloc((size_t)n + 1, sizeof(int *)), *nsucc = calloc((size_t)n + 1, sizeof(int));
	int nheap = 0, placed = 0, r = 0;

	if (!indeg || !heap || !succ || !nsucc)
		abort();
	map_names(&m, it, n, NM_DECL);
	for (int a = 0; a < n; a++) {
		/* Edges from what a names: the statements that create those names. */
		for (int u = 0; u < it[a].uses.n + it[a].takes.n; u++) {
			int take = u >= it[a].uses.n;
			const char *name = take ? it[a].takes.names[u - it[a].uses.n] : it[a].uses.names[u];
			int b = -1;

			if (!take) {
				b = namemap_get(&m, name);
			} else {
				const struct link *l = state_by_name(st, name);
				const char *holder = l && l->master ? state_name(st, l->master) : NULL;

				if (holder && strcmp(holder, into_of(&it[a])))
					b = namemap_get(&m, holder);
				if (b >= 0 && b != a && soft) {
					names_add(&it[a].early, name);
					continue;
				}
			}
			if (b < 0 || b == a)
				continue;
			int *ns = realloc(succ[b], (size_t)(nsucc[b] + 1) * sizeof(int));

			if (!ns)
				abort();
			succ[b] = ns;
			succ[b][nsucc[b]++] = a;
			indeg[a]++;
		}
	}
	for (int a = 0; a < n; a++)
		if (!indeg[a])
			heap_push(heap, &nheap, it, a);
	while (nheap) {
		int a = heap_pop(heap, &nheap, it);

		it[a].placed = 1;
		order[placed++] = a;
		for (int k = 0; k < nsucc[a]; k++)
			if (--indeg[succ[a][k]] == 0)
				heap_push(heap, &nheap, it, succ[a][k]);
	}
	if (placed < n)
		r = -1; /* what is left waits on itself: a cycle */
	for (int a = 0; a < n; a++)
		free(succ[a]);
	free(succ);
	free(nsucc);
	free(indeg);
	free(heap);
	namemap_free(&m);
	return r;
}

static void items_free(struct item *it, int n)
{
	for (int i = 0; i < n; i++) {
		obj_free(&it[i].want);
		namelist_free(&it[i].decl);
		namelist_free(&it[i].uses);
		namelist_free(&it[i].takes);
		namelist_free(&it[i].early);
	}
	free(it);
}

/* Moves the steps of p into all, simulating each on st. */
static void take_steps(struct plan *all, struct plan *p, struct state *st, int from)
{
	for (int i = 0; i < p->n; i++) {
		struct op *op = plan_add(all, p->ops[i].type, p->ops[i].kind, p->ops[i].name);

		*op = p->ops[i];
		op->from = from;
		if (!op->simulated)
			state_simulate(st, op);
	}
	if (p->note && !all->note) {
		all->note = p->note;
		p->note = NULL;
	}
	free(p->ops);
	p->ops = NULL;
	p->n = p->cap = 0;
}

/* "file:line: " before a host error of the statement at it. */
static void locate(struct vnet_ctx *ctx, const struct stmtfile *f, const struct stmt *s)
{
	char m[sizeof(ctx->err.msg) + 300];
	const char *path;
	int fline;

	if (!s->line)
		return;
	stmts_where(f, s->line[0], &path, &fline);
	snprintf(m, sizeof(m), "%s:%d: %s", path, fline, ctx->err.msg);
	str_fit(ctx->err.msg, sizeof(ctx->err.msg), m);
}

/* Adds the made-up statement "KIND del NAME" of --prune. */
static int prune_add(struct vnet_ctx *ctx, struct item **items, int *n, const char *kind,
		     const char *name)
{
	struct item *ni = realloc(*items, (size_t)(*n + 1) * sizeof(**items));

	if (!ni)
		return vnet_fail(ctx, ENOMEM, "out of memory");
	*items = ni;
	struct item *it = &ni[(*n)++];

	memset(it, 0, sizeof(*it));
	struct synth_stmt *ss = calloc(1, sizeof(*ss));

	if (!ss)
		return vnet_fail(ctx, ENOMEM, "out of memory");
	it->s = &ss->s;
	snprintf(ss->words[0], VNET_NAMSIZ, "%s", kind);
	snprintf(ss->words[1], VNET_NAMSIZ, "del");
	snprintf(ss->words[2], VNET_NAMSIZ, "%s", name);
	for (int w = 0; w < 3; w++)
		ss->argv[w] = ss->words[w];
	ss->s.argc = 3;
	ss->s.argv = ss->argv;
	if (stmt_parse(ctx, it->s, &it->want) < 0)
		return -EINVAL;
	it->ok = 1;
	return 0;
}

/*
 * The --prune deletions of one kind: its links in vnetctl's group that no
 * statement names. A link another kind owns (a SEA's bridge, bond or
 * adapter) is never taken apart on its own: prune_owners deletes the whole.
 */
static int prune_kind(struct vnet_ctx *ctx, struct state *st, struct item **items, int *n,
		      const char *kind, const struct namemap *named)
{
	int r = 0;

	for (int i = 0; i < st->n && r == 0; i++) {
		const struct link *l = &st->links[i];
		/* A veth goes with its peer: kept when the file names either end. */
		const struct link *peer = state_veth_peer(st, l);

		/*
		 * Left alone too: a veth whose peer went to another namespace
		 * (no undo there).
		 */
		if (l->deleted || l->group != VNET_GROUP || strcmp(l->kind, kind) ||
		    (!strcmp(l->kind, "veth") && !peer) || kind_owner(l, NULL) ||
		    (peer && kind_owner(peer, NULL)))
			continue;
		if (namemap_get(named, l->name) >= 0 || (peer && namemap_get(named, peer->name) >= 0))
			continue;
		r = prune_add(ctx, items, n, kind, l->name);
	}
	return r;
}

/*
 * The --prune deletions of the objects that own links of other kinds (a
 * SEA: "sea del NAME", which takes its bridge, bond and veths away and puts
 * the NICs back) that the file does not name, once each. Only an object
 * whose every link is in vnetctl's group: its delete takes them all, and a
 * link moved out of the group is out of --prune's reach. A mark that names
 * no valid object is left alone.
 */
static int prune_owners(struct vnet_ctx *ctx, struct state *st, struct item **items, int *n,
			const struct namemap *named)
{
	struct owned {
		const struct kind *kind;
		char name[VNET_NAMSIZ];
		int keep; /* a link of it is outside the group */
	} *own = NULL;
	int nown = 0, r = 0;

	for (int i = 0; i < st->n; i++) {
		const struct link *l = &st->links[i];
		struct link_owner o;
		int k = 0;

		if (l->deleted || !kind_owner(l, &o) || !o.name[0] || namemap_get(named, o.name) >= 0)
			continue;
		while (k < nown && !(own[k].kind == o.kind && !strcmp(own[k].name, o.name)))
			k++;
		if (k == nown) {
			void *more = realloc(own, (size_t)(nown + 1) * sizeof(*own));

			if (!more) {
				free(own);
				return vnet_fail(ctx, ENOMEM, "out of memory");
			}
			own = more;
			own[nown].kind = o.kind;
			memcpy(own[nown].name, o.name, sizeof(o.name));
			own[nown++].keep = 0;
		}
		own[k].keep |= l->group != VNET_GROUP;
	}
	for (int k = 0; k < nown && r == 0; k++)
		if (!own[k].keep)
			r = prune_add(ctx, items, n, own[k].kind->name, own[k].name);
	free(own);
	return r;
}

/* The made-up deletions of --prune: vnetctl's own links the file leaves out. */
static int prune_items(struct vnet_ctx *ctx, struct state *st, struct item **items, int *n)
{
	static const char *const kinds[] = { "bridge", "bond", "veth" };
	struct namemap named;
	int r;

	map_names(&named, *items, *n, NM_DECL | NM_USES | NM_TAKES);
	/* Uppers first, then the objects made of links, then the links of each kind. */
	r = prune_kind(ctx, st, items, n, "vlan", &named);
	if (r == 0)
		r = prune_owners(ctx, st, items, n, &named);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && r == 0; k++)
		r = prune_kind(ctx, st, items, n, kinds[k], &named);
	namemap_free(&named);
	return r;
}

/*
 * A port the statement takes from a master whose own statement comes later
 * (each waits on the other: "bond0 slaves eth0" while eth0 is xenbr0's, and
 * "xenbr0 ports bond0"): released from that master first, in a step of its
 * own, as that master's statement would have released it.
 */
static void release_early(struct state *st, const struct item *i, struct plan *p)
{
	for (int e = 0; e < i->early.n; e++) {
		const struct link *l = state_by_name(st, i->early.names[e]);
		const struct link *m = l && l->master ? state_by_index(st, l->master) : NULL;
		const struct kind *k = m ? kind_by_link_kind(m->kind) : NULL;

		/* Already where the statement puts it (a re-plan after the apply). */
		if (!k || !strcmp(m->name, into_of(i)))
			continue;
		struct op *op = plan_add(p, OP_MASTER, k, l->name);

		op_textf(op, "%s %s: release %s (%s takes it)", k->name, m->name, l->name,
			 i->s->arg[0]);
	}
}

/*
 * apply -j's diff, made while the file is planned: each object the plan
 * changes, with its statements as the state has them before the first step
 * that changes it (st is simulated forward as the planning goes on).
 */
struct diffing {
	struct diff d;
	struct namemap seen; /* the objects' names: a link name is one object's */
};

static void diffing_init(struct diffing *df, int n, const struct state *st)
{
	memset(df, 0, sizeof(*df));
	/* Objects: the statements' and masters that lose a link, made or there now. */
	namemap_alloc(&df->seen, 2 * n + st->n);
}

static void diffing_free(struct diffing *df)
{
	diff_free(&df->d);
	namemap_free(&df->seen);
}

static void diff_note(struct vnet_ctx *ctx, struct diffing *df, struct state *st,
		      const struct kind *k, const char *name)
{
	if (!k || namemap_get(&df->seen, name) >= 0)
		return;
	namemap_put(&df->seen, diff_add(ctx, &df->d, st, k, name)->name, 0);
}

/*
 * Before st takes the steps p of statement s: their objects, the one s
 * declares and the master of a link that leaves it or is deleted.
 */
static void diff_steps(struct vnet_ctx *ctx, struct diffing *df, struct state *st,
		       const struct stmt *s, const struct plan *p)
{
	char name[VNET_NAMSIZ];

	if (!df || !p->n)
		return;
	diff_note(ctx, df, st, diff_kind_of_stmt(s), s->arg[0]);
	for (int i = 0; i < p->n; i++) {
		const struct op *op = &p->ops[i];
		const struct link *l = op->type == OP_MASTER || op->type == OP_DELETE
					       ? state_by_name(st, op->name) : NULL;
		const struct link *m = l && l->master ? state_by_index(st, l->master) : NULL;

		if (m)
			diff_note(ctx, df, st, diff_kind_of_link(m, name), name);
	}
}

/*
 * A link set statement on a link that another statement of the file makes
 * (its NAME): two statements for one object, which could contradict each
 * other. The link's keywords go in that statement. The errors, counted.
 */
static int link_stmt_clashes(struct vnet_ctx *ctx, const struct stmtfile *f, struct item *it,
			     int n, FILE *dout)
{
	struct namemap made;
	int errors = 0;

	namemap_alloc(&made, 2 * n);
	for (int i = 0; i < n; i++)
		if (it[i].s->verb != V_DEL && (it[i].s->kind->link_kind || it[i].s->kind->owns))
			namemap_put(&made, it[i].s->arg[0], i);
	for (int i = 0; i < n; i++) {
		int o = it[i].s->kind == &kind_link ? namemap_get(&made, it[i].s->arg[0]) : -1;
		const char *pp;
		int pl;

		if (o < 0)
			continue;
		stmts_where(f, it[o].s->line ? it[o].s->line[0] : 0, &pp, &pl);
		vnet_clear_error(ctx);
		vnet_usage(ctx, 2, "%s: %s is made by the %s statement on line %d%s%s: its keywords go there",
			   it[i].s->what, it[i].s->arg[0], it[o].s->kind->name, pl, f->nparts ? " of " : "",
			   f->nparts ? pp : "");
		diag(ctx, f, it[i].s, dout);
		errors++;
	}
	namemap_free(&made);
	return errors;
}

/*
 * --prune and check: a step for each of vnetctl's default routes that no
 * statement declares any more (the plan so far simulated on st).
 */
static void prune_routes(struct item *it, int n, struct state *st, struct plan *all)
{
	struct namelist gw[2] = { { 0 }, { 0 } };
	struct plan p = { 0 };

	for (int i = 0; i < n; i++)
		for (int f = 0; f < 2; f++)
			if (it[i].s->verb != V_DEL && addr_declares_gateway(it[i].s->kind, &it[i].want, f ? 6 : 4))
				namelist_append(&gw[f], it[i].s->arg[0]);
	addr_prune_routes(st, &gw[0], &gw[1], &p);
	take_steps(all, &p, st, n); /* from n: no statement's */
	plan_free(&p);
	namelist_free(&gw[0]);
	namelist_free(&gw[1]);
}

/*
 * Which statements may clash over addresses and gateways (addr_clash): each
 * address's first statement, and each family's first gateway. A file of a
 * thousand statements with addresses is not compared pair by pair.
 */
struct clashes {
	struct namemap first; /* an address ("4 192.0.2.1") to its first statement */
	char (*keys)[INET6_ADDRSTRLEN + 4];
	int gw[2];	      /* each family's first statement with a gateway; -1 none */
};

static void addr_key(const struct ipaddr *a, char *key)
{
	key[0] = a->family == AF_INET ? '4' : '6';
	key[1] = ' ';
	inet_ntop(a->family, a->a, key + 2, INET6_ADDRSTRLEN);
}

static void clashes_index(struct clashes *c, const struct item *it, int n)
{
	int total = 0, k = 0;

	memset(c, 0, sizeof(*c));
	c->gw[0] = c->gw[1] = -1;
	for (int i = 0; i < n; i++) {
		const struct addrlist *l = addr_declared(it[i].s->kind, &it[i].want);

		total += l ? l->n : 0;
	}
	namemap_alloc(&c->first, total);
	c->keys = calloc((size_t)total + 1, sizeof(*c->keys));
	if (!c->keys)
		abort();
	for (int i = 0; i < n; i++) {
		const struct addrlist *l = addr_declared(it[i].s->kind, &it[i].want);

		for (int e = 0; l && e < l->n; e++, k++) {
			addr_key(&l->e[e], c->keys[k]);
			namemap_put(&c->first, c->keys[k], i);
		}
		for (int f = 0; f < 2; f++)
			if (c->gw[f] < 0 && addr_gateway_given(it[i].s->kind, &it[i].want, f ? 6 : 4))
				c->gw[f] = i;
	}
}

/* The next statement after prev (-1: the first) and before j that may clash with j; -1: none. */
static int clashes_next(const struct clashes *c, const struct item *it, int j, int prev)
{
	const struct addrlist *l = addr_declared(it[j].s->kind, &it[j].want);
	int best = -1;
	char key[INET6_ADDRSTRLEN + 4];

	for (int e = 0; l && e < l->n; e++) {
		int i;

		addr_key(&l->e[e], key);
		i = namemap_get(&c->first, key);
		if (i > prev && i < j && (best < 0 || i < best))
			best = i;
	}
	for (int f = 0; f < 2; f++)
		if (c->gw[f] > prev && c->gw[f] < j && (best < 0 || c->gw[f] < best) &&
		    addr_gateway_given(it[j].s->kind, &it[j].want, f ? 6 : 4))
			best = c->gw[f];
	return best;
}

static void clashes_free(struct clashes *c)
{
	namemap_free(&c->first);
	free(c->keys);
}

/* The statements of a file, for port_override. */
struct fileitems {
	const struct item *it;
	int n;
};

/*
 * For "bridge port BR PATTERN" statement s (ctx->port_override): the fields
 * that a statement naming port exactly, or a later pattern that matches it,
 * sets on the same bridge. An exact name wins; among patterns, the later.
 */
static uint32_t port_override(void *arg, const void *sp, const char *port)
{
	const struct fileitems *fi = arg;
	const struct stmt *s = sp;
	uint32_t drop = 0;
	int later = 0;

	for (int i = 0; i < fi->n; i++) {
		const struct stmt *o = fi->it[i].s;

		if (o == s) {
			later = 1;
			continue;
		}
		if (o->kind != s->kind || o->verb == V_DEL || strcmp(o->arg[0], s->arg[0]))
			continue;
		if (name_is_pattern(o->arg[1]) ? later && !fnmatch(o->arg[1], port, 0)
					      : !strcmp(o->arg[1], port))
			drop |= fi->it[i].want.mask;
	}
	return drop;
}

/* Plans every statement in order against st, simulating as it goes (noting the diff's objects). */
static int plan_file(struct vnet_ctx *ctx, const struct stmtfile *f, struct item *it, int n,
		     const int *order, struct state *st, struct plan *all, struct diffing *df)
{
	struct fileitems fi = { it, n };

	ctx->port_override = port_override;
	ctx->port_override_arg = &fi;
	for (int k = 0; k < n; k++) {
		struct item *i = &it[order[k]];
		struct plan p = { 0 };

		if (i->early.n) {
			release_early(st, i, &p);
			diff_steps(ctx, df, st, i->s, &p);
			take_steps(all, &p, st, order[k]); /* empties p */
		}
		/*
		 * Its object as it is before it plans, when the plan moves st as
		 * it goes (a SEA's); the others' are noted only when their plan
		 * has steps (diff_steps): describing every object of a file that
		 * changes nothing made a no-op apply -j cost 3.5 times a plain one.
		 */
		if (df && i->s->kind->plan_simulates)
			diff_note(ctx, df, st, diff_kind_of_stmt(i->s), i->s->arg[0]);
		int r = stmt_plan(ctx, st, i->s, &i->want, &p);

		if (r < 0) {
			plan_free(&p);
			locate(ctx, f, i->s);
			ctx->port_override = NULL;
			return r;
		}
		diff_steps(ctx, df, st, i->s, &p);
		take_steps(all, &p, st, order[k]);
		plan_free(&p);
	}
	ctx->port_override = NULL;
	return 0;
}

/* The result of apply (a dry run's too) or check; with -j, the diff after st. */
static void print_result(struct vnet_ctx *ctx, const struct plan *all, const char *what,
			 struct diffing *df, struct state *st, int check)
{
	if (!(ctx->flags & VNET_F_JSON)) {
		if (!check) {
			plan_print(ctx, all, what);
			return;
		}
		for (int i = 0; i < all->n; i++)
			out_line(ctx, "%s", all->ops[i].text);
		if (!all->n && !(ctx->flags & VNET_F_QUIET))
			out_line(ctx, "%s: in sync", what);
		return;
	}
	struct json_object *j = plan_json(ctx, all, check);

	diff_after(ctx, &df->d, st);
	json_object_object_add(j, "diff", diff_json(&df->d));
	out_json(ctx, j);
	json_object_put(j);
}

/*
 * Reads the file at path and checks it before the host is read: every
 * statement's words (each error reported), one statement per object, an
 * address on two links. 0, or -errno with the diagnostics in the error.
 */
static int load_file(struct vnet_ctx *ctx, const char *path, struct stmtfile *f, struct item **itp,
		     int *np)
{
	struct item *it;
	int n, r, errors = 0;
	char *details = NULL;
	size_t dlen = 0;
	FILE *dout;

	*itp = NULL;
	*np = 0;
	r = stmts_read(ctx, path, f);
	if (r < 0)
		return r;
	n = f->n;
	it = calloc((size_t)n + 1, sizeof(*it));
	dout = open_memstream(&details, &dlen);
	if (!it || !dout)
		abort();
	*itp = it;
	*np = n;
	/* Words first: every statement, every error. */
	for (int i = 0; i < n; i++) {
		it[i].s = &f->st[i];
		vnet_clear_error(ctx);
		r = stmt_parse(ctx, it[i].s, &it[i].want);
		if (r == 0 && it[i].s->verb == V_SHOW)
			r = vnet_usage(ctx, 1, "%s show: a file holds changes, not views",
				       it[i].s->kind->name);
		if (r < 0) {
			diag(ctx, f, it[i].s, dout);
			errors++;
			continue;
		}
		it[i].ok = 1;
		refs_of(&it[i]);
	}
	/* One statement per object: two would contradict each other, or repeat. */
	if (!errors) {
		struct namemap seen;
		int nkeys = n;

		/* A link a statement makes beside its NAME (a veth's peer) counts as its object too. */
		for (int i = 0; i < n; i++)
			if (it[i].s->kind->link_kind && it[i].decl.n > 1)
				nkeys += it[i].decl.n - 1;
		char (*key)[80] = calloc((size_t)nkeys + 1, sizeof(*key));
		int k2 = n;

		namemap_alloc(&seen, 2 * nkeys);
		if (!key)
			abort();
		for (int i = 0; i < n; i++) {
			const struct stmt *sm = it[i].s;
			int prev;

			str_join(key[i], sizeof(key[i]), sm->kind->name,
				 sm->verb == V_COUNT ? " count" : "", "\t", sm->arg[0] ? sm->arg[0] : "",
				 "\t", sm->arg[1] ? sm->arg[1] : "", NULL);
			prev = namemap_get(&seen, key[i]);
			/* "veth add a peer b" holds b too: a "veth set b" or "veth del b" elsewhere contradicts it. */
			for (int d = 1; prev < 0 && sm->kind->link_kind && d < it[i].decl.n; d++, k2++) {
				str_join(key[k2], sizeof(key[k2]), sm->kind->name, "\t",
					 it[i].decl.names[d], "\t", NULL);
				prev = namemap_get(&seen, key[k2]);
				if (prev < 0)
					namemap_put(&seen, key[k2], i);
			}
			if (prev < 0) {
				namemap_put(&seen, key[i], i);
				continue;
			}
			const char *pp;
			int pl;

			stmts_where(f, it[prev].s->line ? it[prev].s->line[0] : 0, &pp, &pl);
			vnet_clear_error(ctx);
			vnet_usage(ctx, 0, "%s: also on line %d%s%s: a file holds one statement per object",
				   sm->what, pl, f->nparts ? " of " : "", f->nparts ? pp : "");
			diag(ctx, f, sm, dout);
			errors++;
		}
		free(key);
		namemap_free(&seen);
	}
	if (!errors)
		errors += link_stmt_clashes(ctx, f, it, n, dout);
	/* An address on two links, two gateways of a family: the later statement is at fault. */
	struct clashes cl;

	clashes_index(&cl, it, errors ? 0 : n);
	for (int j = 0; !errors && j < n; j++) {
		char why[160];
		int w = -2;

		if (!(it[j].want.mask & addr_fields(it[j].s->kind)))
			continue;
		for (int i = clashes_next(&cl, it, j, -1); i >= 0 && w == -2; i = clashes_next(&cl, it, j, i)) {
			w = addr_clash(it[i].s->kind, &it[i].want, it[j].s->kind, &it[j].want, why, sizeof(why));
			if (w == -2)
				continue;
			const char *pp;
			int pl;

			stmts_where(f, it[i].s->line ? it[i].s->line[0] : 0, &pp, &pl);
			vnet_clear_error(ctx);
			vnet_usage(ctx, w, "%s: %s (also on line %d%s%s)", it[j].s->what, why, pl,
				   f->nparts ? " of " : "", f->nparts ? pp : "");
			diag(ctx, f, it[j].s, dout);
			errors++;
		}
	}
	clashes_free(&cl);
	fclose(dout);
	vnet_clear_error(ctx);
	if (errors) {
		r = vnet_usage(ctx, -1, "%s: %d error%s; nothing changed", f->path, errors,
			       errors == 1 ? "" : "s");
		ctx->err.details = details;
		return r;
	}
	free(details);
	return 0;
}

/*
 * What the statements need read of the host: what their kinds ask for (port
 * VLANs for a statement that sets some), addresses only when one declares
 * some (else once a plan moves a port), and all a diff describes for -j.
 */
static unsigned int state_needs(struct vnet_ctx *ctx, const struct item *it, int n)
{
	unsigned int what = ST_LINKS | ((ctx->flags & VNET_F_JSON) ? ST_BRVLANS : 0);

	for (int i = 0; i < n; i++) {
		const struct kind *k = it[i].s->kind;

		if (it[i].s->verb != V_DEL && k->needs)
			what |= k->needs(it[i].s, &it[i].want);
		if (it[i].want.mask & addr_fields(k))
			what |= ST_ADDRS;
	}
	return what;
}

/*
 * Plans the statements *itp (of *np; --prune adds to them) against the
 * host, read now, and runs the plan, all or nothing; what names them in the
 * output. The caller holds the lock (not for check); *locked goes to 0
 * when a held transaction keeps it.
 */
static int run_items(struct vnet_ctx *ctx, const struct stmtfile *f, struct item **itp, int *np,
		     unsigned int flags, const char *what_name, struct vnet_txn **txn, int *locked,
		     struct state *pre)
{
	struct state st = { 0 };
	struct plan all = { 0 };
	struct diffing diff = { 0 };
	int *order = NULL, r = 0, check = !!(flags & VNET_APPLY_CHECK);
	unsigned int what = state_needs(ctx, *itp, *np);

	/*
	 * The host as the caller just read it (with at least what is needed),
	 * taken over; or read now, and for a change its messages kept raw:
	 * the record before the first step is made of them (lib/record.c).
	 */
	struct nl_tap tap = { 0 };

	if (pre) {
		st = *pre;
		memset(pre, 0, sizeof(*pre));
	} else {
		ctx->tap = check || (ctx->flags & VNET_F_DRY_RUN) ? NULL : &tap;
		tap.keep_links = 1;
		r = state_load(ctx, &st, what);
	}
	/* vnetctl's routes that no statement declares: check reports them, --prune removes them. */
	if (r == 0 && (check || (flags & VNET_APPLY_PRUNE)))
		r = state_load_addrs(ctx, &st);
	ctx->tap = NULL;
	ctx->read_tap = tap.done ? &tap : NULL;
	if (r < 0)
		goto out;
	if (flags & VNET_APPLY_PRUNE) {
		int n0 = *np;

		r = prune_items(ctx, &st, itp, np);
		if (r < 0)
			goto out;
		for (int i = n0; i < *np; i++)
			(*itp)[i].rank = 0;
	}
	struct item *it = *itp;
	int n = *np;

	order = calloc((size_t)n + 1, sizeof(*order));
	if (!order)
		abort();
	r = order_items(it, n, &st, order, 0);
	if (r < 0) {
		/* Each waiting on the other for a port: the ports move first, on their own. */
		for (int i = 0; i < n; i++)
			it[i].placed = 0;
		r = order_items(it, n, &st, order, 1);
	}
	if (r < 0) {
		char lines[300] = "";
		size_t o = 0;

		for (int i = 0; i < n && o < sizeof(lines) - 8; i++)
			if (!it[i].placed && it[i].s->line) {
				const char *fp;
				int fline;

				stmts_where(f, it[i].s->line[0], &fp, &fline);
				/* In a directory, each with its file. */
				o += (size_t)snprintf(lines + o, sizeof(lines) - o, "%s%s%s%d", o ? ", " : "",
						      f->nparts ? fp : "", f->nparts ? ":" : "", fline);
			}
		r = vnet_usage(ctx, -1, "%s: the statements on lines %s depend on each other (a cycle)",
			       f->path, lines);
		goto out;
	}
	if (ctx->flags & VNET_F_JSON)
		diffing_init(&diff, n, &st);
	r = plan_file(ctx, f, it, n, order, &st, &all, (ctx->flags & VNET_F_JSON) ? &diff : NULL);
	if (r == 0 && (check || (flags & VNET_APPLY_PRUNE)))
		prune_routes(it, n, &st, &all);
	if (r == 0 && !check)
		r = addr_stranded(ctx, &st, &all);
	if (r < 0)
		goto out;
	if (check || (ctx->flags & VNET_F_DRY_RUN) || !all.n) {
		/* The state simulated forward is what the plan would leave. */
		print_result(ctx, &all, what_name, &diff, &st, check);
		if (check && all.n) {
			/* check does not pretend either: a step this kernel cannot take is said */
			char step[200];
			const char *lacks = plan_lacks(ctx, &all, step, sizeof(step));

			if (lacks)
				vnet_notice(ctx, "%s: %s: an apply would fail at this step", step, lacks);
		}
		r = check ? (all.n ? 1 : 0) : (ctx->flags & VNET_F_DRY_RUN) ? plan_check_drivers(ctx, &all) : 0;
		goto out;
	}
	ctx->txn_what = what_name;
	r = plan_exec(ctx, &all);
	ctx->txn_what = NULL;
	ctx->read_tap = NULL; /* the record is taken: what follows is read afresh */
	if (r < 0) {
		if (all.failed < all.n && all.ops[all.failed].from < n)
			locate(ctx, f, it[all.ops[all.failed].from].s);
		goto out;
	}
	/*
	 * Read back: planning the file again must find nothing to do (unless
	 * the kernel's acknowledgements said it all: st is then what it left).
	 */
	int acked = plan_acked(&all);
	struct state first = st;

	if (acked)
		memset(&first, 0, sizeof(first));
	else {
		memset(&st, 0, sizeof(st));
		r = state_load(ctx, &st, what);
		if (r == 0) {
			state_mac_by_from(&st, &first);
		} else {
			/* The changes are not known to hold: undone below, and said so. */
			char was[sizeof(ctx->err.msg)];

			str_copy(was, sizeof(was), ctx->err.msg[0] ? ctx->err.msg : strerror(-r));
			vnet_fail(ctx, -r, "%s: reading the host back after the changes: %s; undone", what_name, was);
		}
	}
	if (r == 0 && !acked) {
		struct plan again = { 0 };

		r = plan_file(ctx, f, it, n, order, &st, &again, NULL);
		/* A guest that started meanwhile is no failure of the plan. */
		int k = 0;

		while (k < again.n && again.ops[k].guest && !state_by_name(&first, again.ops[k].name))
			k++;
		if (r == 0 && k < again.n) {
			char left[200];

			const char *lacks = missing_text(ctx, &again.ops[k], 0, NULL);

			str_fit(left, sizeof(left), again.ops[k].text ? again.ops[k].text : "?");
			r = vnet_fail(ctx, 0,
				      "%s: the kernel accepted the changes but did not apply them all (still to do: %s)%s%s; undone",
				      what_name, left, lacks ? ": " : "", lacks ? lacks : "");
		}
		plan_free(&again);
	}
	state_free(&first);
	if (r < 0) {
		plan_undo(ctx, &all);
		goto out;
	}
	print_result(ctx, &all, what_name, &diff, &st, 0);
	if (txn && (flags & VNET_APPLY_HOLD)) {
		*txn = calloc(1, sizeof(**txn));
		if (*txn) {
			(*txn)->plan = all;
			str_copy((*txn)->what, sizeof((*txn)->what), what_name);
			memset(&all, 0, sizeof(all));
			*locked = 0; /* held until commit or rollback */
		}
	}
out:
	ctx->read_tap = NULL;
	nl_tap_free(&tap);
	diffing_free(&diff);
	plan_free(&all);
	state_free(&st);
	free(order);
	return r;
}

/* Takes the namespace's lock for a change (check only looks at what is pending). */
static int lock_for(struct vnet_ctx *ctx, unsigned int flags, int *locked)
{
	if (flags & VNET_APPLY_CHECK) {
		journal_look(ctx); /* check says what is pending, and rolls back what was interrupted */
		return 0;
	}
	int r = vnet_lock(ctx, !(flags & VNET_APPLY_NOWAIT) && !(ctx->flags & VNET_F_NOWAIT));

	*locked = r == 0;
	return r;
}

static void loaded_free(struct stmtfile *f, struct item *it, int n)
{
	for (int i = f->n; it && i < n; i++)
		free(it[i].s); /* --prune's made-up statements */
	if (it)
		items_free(it, n);
	stmts_free(f);
}

int vnet_apply(struct vnet_ctx *ctx, const char *path, unsigned int flags, struct vnet_txn **txn)
{
	struct stmtfile f;
	struct item *it = NULL;
	int n = 0, r, locked = 0;

	if (txn)
		*txn = NULL;
	vnet_clear_error(ctx);
	r = load_file(ctx, path, &f, &it, &n);
	if (r == 0)
		r = lock_for(ctx, flags, &locked);
	if (r == 0)
		r = run_items(ctx, &f, &it, &n, flags, f.path, txn, &locked, NULL);
	if ((flags & VNET_APPLY_CHECK) && r < 0)
		ctx->err.exit_code = VNET_EXIT_USAGE; /* check: any trouble is 2, as diff(1) */
	if (locked)
		vnet_unlock(ctx);
	loaded_free(&f, it, n);
	return r;
}

void vnet_txn_commit(struct vnet_ctx *ctx, struct vnet_txn *txn)
{
	if (!txn)
		return;
	plan_free(&txn->plan);
	free(txn);
	vnet_unlock(ctx);
}

int vnet_txn_rollback(struct vnet_ctx *ctx, struct vnet_txn *txn)
{
	if (!txn)
		return 0;
	plan_undo(ctx, &txn->plan);
	plan_free(&txn->plan);
	free(txn);
	vnet_unlock(ctx);
	return 0;
}

/* ---- apply --boot and hotplug: the file in independent groups ---- */

static int uf_find(int *up, int a)
{
	while (up[a] != a)
		a = up[a] = up[up[a]];
	return a;
}

/*
 * Cuts the statements into groups that share no name (*grpp[i]: the first
 * statement of i's group): each can be applied, or skipped, on its own.
 * *markp: a zeroed int per statement, for the caller's notes on groups.
 */
static void group_items(const struct item *it, int n, int **grpp, int **markp)
{
	struct namemap m;
	int names = 0, *grp = calloc((size_t)n + 1, sizeof(*grp));

	*grpp = grp;
	*markp = calloc((size_t)n + 1, sizeof(**markp));
	if (!grp || !*markp)
		abort();

	for (int i = 0; i < n; i++)
		names += it[i].decl.n + it[i].uses.n + 1;
	namemap_alloc(&m, names);
	for (int i = 0; i < n; i++)
		grp[i] = i;
	for (int i = 0; i < n; i++) {
		/* uses holds what it takes too; arg[0] is a bridge port's bridge, a VF's PF. */
		for (int d = -1; d < it[i].decl.n + it[i].uses.n; d++) {
			const char *name = d < 0 ? it[i].s->arg[0]
				       : d < it[i].decl.n ? it[i].decl.names[d]
							  : it[i].uses.names[d - it[i].decl.n];
			int j = namemap_get(&m, name);

			if (j < 0) {
				namemap_put(&m, name, i);
				continue;
			}
			int a = uf_find(grp, i), b = uf_find(grp, j);

			if (a != b)
				grp[a > b ? a : b] = a < b ? a : b;
		}
	}
	for (int i = 0; i < n; i++)
		grp[i] = uf_find(grp, i);
	namemap_free(&m);
}

/* Whether a statement of a group takes name as a guest (a guest-ports or port pattern matches it). */
static int item_guest(const struct item *it, const char *name)
{
	const struct stmt *s = it->s;

	if (s->kind->args[1] && s->arg[1] && name_is_pattern(s->arg[1]) && !fnmatch(s->arg[1], name, 0))
		return 1;
	for (const struct param *p = s->kind->params; p && p->word; p++)
		if ((p->flags & PF_PATTERNS) && obj_has(&it->want, p->field) &&
		    namelist_match(&it->want.v[p->field].names, name))
			return 1;
	return 0;
}

/*
 * The devices group g needs that no statement of the file makes and that
 * are not there (a NIC not found yet), added to miss; how many. A guest is
 * never needed.
 */
static int group_missing(const struct item *it, int n, const int *grp, int g,
			 const struct namemap *decl, struct state *st, struct namelist *miss)
{
	namelist_free(miss);
	for (int i = 0; i < n; i++) {
		if (grp[i] != g)
			continue;
		for (int u = -1; u < it[i].uses.n; u++) {
			const char *name = u < 0 ? it[i].s->arg[0] : it[i].uses.names[u];
			int guest = 0;

			if (namemap_get(decl, name) >= 0 || state_by_name(st, name) ||
			    (u < 0 && (it[i].s->kind->link_kind || it[i].s->kind->owns)) ||
			    namelist_has(miss, name))
				continue;
			for (int j = 0; j < n && !guest; j++)
				guest = grp[j] == g && item_guest(&it[j], name);
			if (!guest)
				namelist_append(miss, name);
		}
	}
	return miss->n;
}

/* "eth1, eth2" */
static void names_text(const struct namelist *l, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = 0;
	for (int i = 0; i < l->n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", l->names[i]);
}

/*
 * Whether group g can run without the devices miss: each is only a port or
 * slave that statements take (a port statement of its own is left out
 * with it), and each statement that takes one keeps one that is there. A
 * bond with one NIC of two carries the traffic; a VLAN without its link
 * does not.
 */
static int group_degradable(const struct item *it, int n, const int *grp, int g,
			    const struct namelist *miss)
{
	for (int m = 0; m < miss->n; m++) {
		const char *name = miss->names[m];
		int taken = 0;

		for (int i = 0; i < n; i++) {
			const struct item *x = &it[i];

			if (grp[i] != g)
				continue;
			if (!strcmp(x->s->arg[0], name))
				return 0; /* a statement about the device itself */
			if (x->s->arg[1] && !strcmp(x->s->arg[1], name)) {
				taken = 1; /* "bridge port set BR eth1": left out with it */
				continue;
			}
			if (!namelist_has(&x->takes, name)) {
				if (namelist_has(&x->uses, name))
					return 0; /* a VLAN's link, a VF's PF */
				continue;
			}
			int left = 0;

			for (int t = 0; t < x->takes.n; t++)
				left += !namelist_has(miss, x->takes.names[t]);
			if (!left)
				return 0;
			taken = 1;
		}
		if (!taken)
			return 0;
	}
	return 1;
}

/* want without the names drop in its lists of ports or slaves (a copy in w). */
static void want_without(const struct kind *k, const struct obj *want, const struct namelist *drop,
			 struct obj *w)
{
	obj_init(w);
	obj_copy_fields(w, want, ~0U);
	for (const struct param *p = k->params; p && p->word; p++) {
		if (p->type != PT_NAMES || (p->flags & PF_PATTERNS) || !obj_has(w, p->field))
			continue;
		struct namelist *l = &w->v[p->field].names;
		int keep = 0;

		for (int i = 0; i < l->n; i++)
			if (!namelist_has(drop, l->names[i]))
				memmove(l->names[keep++], l->names[i], VNET_NAMSIZ);
		l->n = keep;
	}
}

/* The name of group g: "PATH (xenbr0)", after its first statement's object. */
static void group_name(const struct stmtfile *f, const struct item *it, int g, char *buf, size_t len)
{
	snprintf(buf, len, "%s (%s)", f->path, it[g].decl.n ? it[g].decl.names[0] : it[g].s->arg[0]);
}

/*
 * Runs the statements of group g (hotplug: no deletions) as one
 * all-or-nothing plan; drop (may be NULL): devices it goes without.
 */
static int run_group(struct vnet_ctx *ctx, const struct stmtfile *f, const struct item *it, int n,
		     const int *grp, int g, unsigned int flags, int *locked, struct state *pre,
		     const struct namelist *drop)
{
	struct item *sub = calloc((size_t)n + 1, sizeof(*sub));
	char *copied = calloc((size_t)n + 1, 1);
	int ns = 0, r;
	char what[VNET_NAMSIZ + 300];

	if (!sub || !copied)
		abort();
	for (int i = 0; i < n; i++) {
		if (grp[i] != g || (ctx->additive && it[i].s->verb == V_DEL))
			continue;
		if (drop && it[i].s->arg[1] && namelist_has(drop, it[i].s->arg[1]))
			continue;
		sub[ns] = it[i];
		memset(&sub[ns].early, 0, sizeof(sub[ns].early));
		sub[ns].placed = 0;
		for (int d = 0; drop && !copied[ns] && d < drop->n; d++)
			if (namelist_has(&it[i].takes, drop->names[d])) {
				want_without(it[i].s->kind, &it[i].want, drop, &sub[ns].want);
				copied[ns] = 1;
			}
		ns++;
	}
	group_name(f, it, g, what, sizeof(what));
	/* Each group's -j result counts its own requests; the total goes on. */
	unsigned long before = ctx->nreq;

	ctx->nreq = 0;
	r = run_items(ctx, f, &sub, &ns, flags & ~VNET_APPLY_PRUNE, what, NULL, locked, pre);
	/*
	 * The group's transaction ends here, applied or rolled back: its journal
	 * goes, so a kill in a later group, or while --boot waits for a device,
	 * undoes that group alone and never this one.
	 */
	journal_end(ctx);
	ctx->nreq += before;
	for (int i = 0; i < ns; i++) {
		namelist_free(&sub[i].early);
		if (copied[i])
			obj_free(&sub[i].want);
	}
	free(copied);
	free(sub);
	return r;
}

/* Waits at most ms for a link to appear or change (an event on ev); drains what came. */
static void wait_link_event(struct mnl_socket *ev, long ms)
{
	struct pollfd pf = { .fd = mnl_socket_get_fd(ev), .events = POLLIN };
	char buf[8192];

	if (ms <= 0 || poll(&pf, 1, ms > INT_MAX ? INT_MAX : (int)ms) <= 0)
		return;
	while (recv(pf.fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* What --boot says of the groups not applied as declared: "A skipped (eth5 missing); B failed". */
struct saying {
	char text[1024];
	size_t len;
};

static void say_on(struct saying *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say_on(struct saying *b, const char *fmt, ...)
{
	va_list ap;

	if (b->len)
		b->len += (size_t)snprintf(b->text + b->len, sizeof(b->text) - b->len, "; ");
	if (b->len >= sizeof(b->text))
		b->len = sizeof(b->text) - 1;
	va_start(ap, fmt);
	b->len += (size_t)vsnprintf(b->text + b->len, sizeof(b->text) - b->len, fmt, ap);
	va_end(ap);
	if (b->len >= sizeof(b->text))
		b->len = sizeof(b->text) - 1;
}

/* Applies one group at boot: 1 when it failed (said, and noted in bad), else 0. */
static int boot_group(struct vnet_ctx *ctx, const struct stmtfile *f, const struct item *it, int n,
		      const int *grp, int g, unsigned int flags, int *locked, struct state *pre,
		      const struct namelist *drop, struct saying *bad)
{
	char name[VNET_NAMSIZ + 300];

	vnet_clear_error(ctx);
	if (run_group(ctx, f, it, n, grp, g, flags, locked, pre, drop) == 0)
		return 0;
	group_name(f, it, g, name, sizeof(name));
	vnet_notice(ctx, "%s", ctx->err.msg);
	say_on(bad, "%s failed", name);
	return 1;
}

int vnet_apply_boot(struct vnet_ctx *ctx, const char *path, unsigned int flags, unsigned int wait_s)
{
	static const unsigned int groups[] = { RTNLGRP_LINK };
	struct stmtfile f;
	struct item *it = NULL;
	struct namemap decl = { 0 };
	struct mnl_socket *ev = NULL;
	int n = 0, r, locked = 0, *grp = NULL, *done = NULL, failed = 0, skipped = 0, ngroups = 0;
	int degraded = 0;
	long deadline = now_ms() + (long)wait_s * 1000L;
	struct saying bad = { "", 0 };
	struct namelist miss = { 0 };

	vnet_clear_error(ctx);
	r = load_file(ctx, path, &f, &it, &n);
	if (r == 0)
		r = lock_for(ctx, flags & ~VNET_APPLY_CHECK, &locked);
	if (r < 0)
		goto out;
	group_items(it, n, &grp, &done);
	map_names(&decl, it, n, NM_DECL);
	for (int i = 0; i < n; i++)
		ngroups += grp[i] == i;
	/* Listening first: a device that appears while the host is read is heard. */
	ev = nlm_open_listener(ctx, groups, 1);
	if (!ev) {
		r = -(ctx->err.err ? ctx->err.err : EIO);
		goto out;
	}
	for (;;) {
		struct state st = { 0 };
		int pending = 0;

		r = state_load(ctx, &st, state_needs(ctx, it, n));
		if (r < 0)
			goto out;
		/* Which groups have their devices, on this one reading. */
		for (int g = 0; g < n; g++) {
			if (grp[g] != g || done[g])
				continue;
			if (group_missing(it, n, grp, g, &decl, &st, &miss))
				pending++;
			else
				done[g] = 2;
		}
		for (int g = 0; g < n; g++) {
			if (grp[g] != g || done[g] != 2)
				continue;
			done[g] = 1;
			/* The first planned on that reading; the next ones read the host again. */
			failed += boot_group(ctx, &f, it, n, grp, g, flags, &locked, st.n ? &st : NULL,
					     NULL, &bad);
		}
		state_free(&st);
		if (!pending || now_ms() >= deadline)
			break;
		wait_link_event(ev, deadline - now_ms());
	}
	/*
	 * What is still missing at the deadline: a group that can go without
	 * it (a bond's other NIC is there) is applied so, else skipped; named.
	 */
	struct state st = { 0 };

	r = state_load(ctx, &st, ST_LINKS);
	for (int g = 0; r == 0 && g < n; g++) {
		char names[512], name[VNET_NAMSIZ + 300];

		if (grp[g] != g || done[g])
			continue;
		group_missing(it, n, grp, g, &decl, &st, &miss);
		names_text(&miss, names, sizeof(names));
		group_name(&f, it, g, name, sizeof(name));
		if (group_degradable(it, n, grp, g, &miss)) {
			degraded++;
			vnet_notice(ctx, "%s: applied without %s (missing after %u s)", name, names, wait_s);
			if (boot_group(ctx, &f, it, n, grp, g, flags, &locked, NULL, &miss, &bad))
				failed++;
			else
				say_on(&bad, "%s applied without %s", name, names);
			continue;
		}
		skipped++;
		vnet_notice(ctx, "%s: skipped: %s missing after %u s", name, names, wait_s);
		say_on(&bad, "%s skipped (%s missing)", name, names);
	}
	state_free(&st);
	if (r == 0 && (failed || skipped))
		r = vnet_fail(ctx, 0, "%s: %d of %d groups not applied: %s", f.path, failed + skipped,
			      ngroups, bad.text);
	else if (r == 0 && degraded)
		r = vnet_fail(ctx, 0, "%s: %d of %d groups applied without a device: %s", f.path,
			      degraded, ngroups, bad.text);
out:
	if (ev)
		mnl_socket_close(ev);
	if (locked)
		vnet_unlock(ctx);
	namemap_free(&decl);
	free(grp);
	free(done);
	namelist_free(&miss);
	loaded_free(&f, it, n);
	return r;
}

/* Whether a statement concerns ifname: names it, or takes it as a guest. */
static int item_concerns(const struct item *it, const char *ifname)
{
	if ((it->s->arg[0] && !strcmp(it->s->arg[0], ifname)) || namelist_has(&it->decl, ifname) ||
	    namelist_has(&it->uses, ifname))
		return 1;
	return item_guest(it, ifname);
}

int vnet_hotplug(struct vnet_ctx *ctx, const char *ifname, const char *path)
{
	struct stmtfile f;
	struct item *it = NULL;
	struct namemap decl = { 0 };
	int n = 0, r, locked = 0, *grp = NULL, *hit = NULL, nhit = 0;
	const char *why;
	struct namelist miss = { 0 };

	vnet_clear_error(ctx);
	if (parse_ifname(ifname, &why) < 0)
		return vnet_usage(ctx, 1, "hotplug: \"%s\": %s", ifname, why);
	r = load_file(ctx, path, &f, &it, &n);
	if (r < 0)
		goto out;
	group_items(it, n, &grp, &hit);
	for (int i = 0; i < n; i++)
		if (!hit[grp[i]] && it[i].s->verb != V_DEL && item_concerns(&it[i], ifname))
			hit[grp[i]] = 1, nhit++;
	if (!nhit) {
		struct plan none = { 0 };
		struct diffing nodiff = { 0 };
		struct state nost = { 0 };

		/* As an apply with nothing to do says it: a line, or the empty result in JSON. */
		if (ctx->flags & VNET_F_JSON)
			print_result(ctx, &none, f.path, &nodiff, &nost, 0);
		else if (!(ctx->flags & VNET_F_QUIET))
			out_line(ctx, "hotplug %s: nothing in %s concerns it", ifname, f.path);
		goto out;
	}
	r = lock_for(ctx, 0, &locked);
	if (r < 0)
		goto out;
	map_names(&decl, it, n, NM_DECL);
	ctx->additive = 1;
	for (int g = 0; r == 0 && g < n; g++) {
		struct state st = { 0 };
		char names[512], name[VNET_NAMSIZ + 300];

		if (!hit[g])
			continue;
		r = state_load(ctx, &st, state_needs(ctx, it, n));
		if (r == 0 && group_missing(it, n, grp, g, &decl, &st, &miss)) {
			/* As --boot at its deadline: without a missing port, or later, when it appears. */
			int without = group_degradable(it, n, grp, g, &miss);

			names_text(&miss, names, sizeof(names));
			group_name(&f, it, g, name, sizeof(name));
			vnet_notice(ctx, "hotplug %s: %s %s %s", ifname, name,
				    without ? "applied without" : "waits for", names);
			if (without)
				r = run_group(ctx, &f, it, n, grp, g, 0, &locked, &st, &miss);
		} else if (r == 0) {
			r = run_group(ctx, &f, it, n, grp, g, 0, &locked, &st, NULL);
		}
		state_free(&st);
	}
	ctx->additive = 0;
out:
	if (locked)
		vnet_unlock(ctx);
	namemap_free(&decl);
	free(grp);
	free(hit);
	namelist_free(&miss);
	loaded_free(&f, it, n);
	return r;
}
