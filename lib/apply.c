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
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct item {
	struct stmt *s;
	struct obj want;
	int ok;			/* parsed */
	int rank;		/* order between statements that do not depend on each other */
	struct namelist decl;	/* names the statement creates or owns */
	struct namelist uses;	/* names it refers to */
	struct namelist takes;	/* names it makes its ports or slaves */
	int ndeps, placed;
	char synth[3][VNET_NAMSIZ]; /* --prune: the words of a made-up "KIND del NAME" */
	char *synth_argv[4];
};

struct vnet_txn {
	struct plan plan;
};

/* Appends one diagnostic: "file:line:col: message", the line, a caret under the word. */
static void diag(struct vnet_ctx *ctx, const struct stmtfile *f, const struct stmt *s, FILE *out)
{
	int w = ctx->err.word >= 0 && ctx->err.word < s->argc ? ctx->err.word : 0;
	int line = s->line ? s->line[w] : 0, col = s->col ? s->col[w] : 1;
	const char *text = line > 0 && line <= f->nlines ? f->lines[line - 1] : "";

	/* A very long line is shown around the word. */
	int from = col > 120 ? col - 60 : 0;

	fprintf(out, "%s:%d:%d: %s\n    %s%.200s%s\n    %s", f->path, line, col, ctx->err.msg,
		from ? "..." : "", text + from, strlen(text + from) > 200 ? "..." : "", from ? "   " : "");
	for (int i = from; i < col - 1 && text[i]; i++)
		fputc(text[i] == '\t' ? '\t' : ' ', out);
	fputs("^\n", out);
}

static void names_add(struct namelist *l, const char *name)
{
	void *n;

	if (!name || !name[0] || namelist_has(l, name))
		return;
	n = realloc(l->names, (size_t)(l->n + 1) * sizeof(*l->names));
	if (!n)
		abort();
	l->names = n;
	snprintf(l->names[l->n++], VNET_NAMSIZ, "%s", name);
}

static int rank_of(const struct stmt *s)
{
	static const char *const order[] = { "vf count", "bond", "bond slave", "vlan", "bridge",
					     "bridge port", "sea", "vf" };
	char key[32];

	if (s->verb == V_DEL)
		return 0;
	snprintf(key, sizeof(key), "%s%s", s->kind->name, s->verb == V_COUNT ? " count" : "");
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (!strcmp(order[i], key))
			return (int)i + 1;
	return 9;
}

/* What a statement creates, refers to and takes as ports, from its words. */
static void refs_of(struct item *it)
{
	const struct stmt *s = it->s;
	const struct kind *k = s->kind;

	it->rank = rank_of(s);
	if (s->verb == V_DEL)
		return; /* deletions go first and need nothing */
	if (k->link_kind || !strcmp(k->name, "sea"))
		names_add(&it->decl, s->arg[0]);
	else if (k->args[1] && k->argtype[1] == ARG_IFNAME) {
		names_add(&it->uses, s->arg[0]); /* "bridge port BR P": BR */
		names_add(&it->takes, s->arg[1]);
	} else {
		names_add(&it->uses, s->arg[0]); /* a VF's PF */
	}
	for (const struct param *p = k->params; p && p->word; p++) {
		const struct val *v = &it->want.v[p->field];

		if (!obj_has(&it->want, p->field) || (p->type != PT_NAMES && p->type != PT_IFREF))
			continue;
		for (int i = 0; i < v->names.n; i++)
			names_add(p->type == PT_NAMES ? &it->takes : &it->uses, v->names.names[i]);
	}
	for (int i = 0; i < it->takes.n; i++)
		names_add(&it->uses, it->takes.names[i]);
}

/*
 * Orders the statements: b before a when a uses what b creates, or takes a
 * port that b's object holds now (b may release it). Among the ready, the
 * lowest rank, then the file's order. Returns -1 on a cycle.
 */
static int order_items(struct item *it, int n, struct state *st, int *order)
{
	char *dep = calloc((size_t)n * (size_t)n, 1); /* dep[a * n + b]: a needs b first */

	if (!dep)
		abort();
	for (int a = 0; a < n; a++)
		for (int b = 0; b < n; b++) {
			if (a == b)
				continue;
			for (int u = 0; u < it[a].uses.n && !dep[a * n + b]; u++)
				dep[a * n + b] = namelist_has(&it[b].decl, it[a].uses.names[u]);
			for (int t = 0; t < it[a].takes.n && !dep[a * n + b]; t++) {
				const struct link *l = state_by_name(st, it[a].takes.names[t]);

				if (l && l->master && it[a].decl.n &&
				    !strcmp(state_name(st, l->master), it[a].decl.names[0]))
					continue; /* already ours */
				dep[a * n + b] = l && l->master &&
						 namelist_has(&it[b].decl, state_name(st, l->master));
			}
		}
	for (int k = 0; k < n; k++) {
		int best = -1;

		for (int a = 0; a < n; a++) {
			if (it[a].placed)
				continue;
			int ready = 1;

			for (int b = 0; b < n && ready; b++)
				if (dep[a * n + b] && !it[b].placed)
					ready = 0;
			if (ready && (best < 0 || it[a].rank < it[best].rank))
				best = a;
		}
		if (best < 0) {
			free(dep);
			return -1;
		}
		it[best].placed = 1;
		order[k] = best;
	}
	free(dep);
	return 0;
}

static void items_free(struct item *it, int n)
{
	for (int i = 0; i < n; i++) {
		obj_free(&it[i].want);
		namelist_free(&it[i].decl);
		namelist_free(&it[i].uses);
		namelist_free(&it[i].takes);
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

	if (!s->line)
		return;
	snprintf(m, sizeof(m), "%s:%d: %s", f->path, s->line[0], ctx->err.msg);
	snprintf(ctx->err.msg, sizeof(ctx->err.msg), "%.*s", (int)sizeof(ctx->err.msg) - 1, m);
}

/* The made-up deletions of --prune: vnetctl's own links the file leaves out. */
static int prune_items(struct vnet_ctx *ctx, struct state *st, struct item **items, int *n)
{
	static const char *const kinds[] = { "vlan", "bridge", "bond" }; /* uppers first */
	int n0 = *n;

	for (size_t k = 0; k < 3; k++)
		for (int i = 0; i < st->n; i++) {
			const struct link *l = &st->links[i];
			int declared = 0;

			if (l->deleted || l->group != VNET_GROUP || strcmp(l->kind, kinds[k]))
				continue;
			for (int j = 0; j < n0 && !declared; j++)
				declared = namelist_has(&(*items)[j].decl, l->name) ||
					   namelist_has(&(*items)[j].takes, l->name) ||
					   namelist_has(&(*items)[j].uses, l->name);
			if (declared)
				continue;
			struct item *ni = realloc(*items, (size_t)(*n + 1) * sizeof(**items));

			if (!ni)
				return vnet_fail(ctx, ENOMEM, "out of memory");
			*items = ni;
			struct item *it = &ni[(*n)++];

			memset(it, 0, sizeof(*it));
			it->s = calloc(1, sizeof(*it->s));
			if (!it->s)
				return vnet_fail(ctx, ENOMEM, "out of memory");
			snprintf(it->synth[0], VNET_NAMSIZ, "%s", kinds[k]);
			snprintf(it->synth[1], VNET_NAMSIZ, "del");
			snprintf(it->synth[2], VNET_NAMSIZ, "%s", l->name);
			for (int w = 0; w < 3; w++)
				it->synth_argv[w] = it->synth[w];
			it->s->argc = 3;
			it->s->argv = it->synth_argv;
			if (stmt_parse(ctx, it->s, &it->want) < 0)
				return -EINVAL;
			it->ok = 1;
		}
	return 0;
}

/* Plans every statement in order against st, simulating as it goes. */
static int plan_file(struct vnet_ctx *ctx, const struct stmtfile *f, struct item *it, int n,
		     const int *order, struct state *st, struct plan *all)
{
	for (int k = 0; k < n; k++) {
		struct item *i = &it[order[k]];
		struct plan p = { 0 };
		int r = stmt_plan(ctx, st, i->s, &i->want, &p);

		if (r < 0) {
			plan_free(&p);
			locate(ctx, f, i->s);
			return r;
		}
		take_steps(all, &p, st, order[k]);
		plan_free(&p);
	}
	return 0;
}

int vnet_apply(struct vnet_ctx *ctx, const char *path, unsigned int flags, struct vnet_txn **txn)
{
	struct stmtfile f;
	struct item *it = NULL;
	struct state st = { 0 };
	struct plan all = { 0 };
	int *order = NULL, n = 0, r, errors = 0, check = !!(flags & VNET_APPLY_CHECK), locked = 0;
	char *details = NULL;
	size_t dlen = 0;
	FILE *dout = NULL;

	if (txn)
		*txn = NULL;
	vnet_clear_error(ctx);
	r = stmts_read(ctx, path, &f);
	if (r < 0)
		goto out;
	n = f.n;
	it = calloc((size_t)n + 1, sizeof(*it));
	dout = open_memstream(&details, &dlen);
	if (!it || !dout) {
		r = vnet_fail(ctx, ENOMEM, "out of memory");
		goto out;
	}
	/* Words first: every statement, every error. */
	for (int i = 0; i < n; i++) {
		it[i].s = &f.st[i];
		vnet_clear_error(ctx);
		r = stmt_parse(ctx, it[i].s, &it[i].want);
		if (r == 0 && it[i].s->verb == V_SHOW)
			r = vnet_usage(ctx, 1, "%s show: a file holds changes, not views",
				       it[i].s->kind->name);
		if (r < 0) {
			diag(ctx, &f, it[i].s, dout);
			errors++;
			continue;
		}
		it[i].ok = 1;
		refs_of(&it[i]);
	}
	fclose(dout);
	dout = NULL;
	if (errors) {
		vnet_clear_error(ctx);
		r = vnet_usage(ctx, -1, "%s: %d error%s; nothing changed", f.path, errors,
			       errors == 1 ? "" : "s");
		ctx->err.details = details;
		details = NULL;
		goto out;
	}
	vnet_clear_error(ctx);
	/* Now the host: one reading, under the namespace's lock. */
	if (!check) {
		r = vnet_lock(ctx, !(flags & VNET_APPLY_NOWAIT));
		if (r < 0)
			goto out;
		locked = 1;
	}
	r = state_load(ctx, &st, ST_LINKS | ST_BRVLANS);
	if (r < 0)
		goto out;
	if (flags & VNET_APPLY_PRUNE) {
		r = prune_items(ctx, &st, &it, &n);
		if (r < 0)
			goto out;
		for (int i = f.n; i < n; i++)
			it[i].rank = 0;
	}
	order = calloc((size_t)n + 1, sizeof(*order));
	if (!order) {
		r = vnet_fail(ctx, ENOMEM, "out of memory");
		goto out;
	}
	if (order_items(it, n, &st, order) < 0) {
		char lines[200] = "";
		size_t o = 0;

		for (int i = 0; i < n && o < sizeof(lines) - 8; i++)
			if (!it[i].placed && it[i].s->line)
				o += (size_t)snprintf(lines + o, sizeof(lines) - o, "%s%d", o ? ", " : "",
						      it[i].s->line[0]);
		r = vnet_usage(ctx, -1, "%s: the statements on lines %s depend on each other (a cycle)",
			       f.path, lines);
		goto out;
	}
	r = plan_file(ctx, &f, it, n, order, &st, &all);
	if (r < 0)
		goto out;
	if (check) {
		for (int i = 0; i < all.n; i++)
			out_line(ctx, "%s", all.ops[i].text);
		if (!all.n && !(ctx->flags & VNET_F_QUIET))
			out_line(ctx, "%s: in sync", f.path);
		r = all.n ? 1 : 0;
		goto out;
	}
	if ((ctx->flags & VNET_F_DRY_RUN) || !all.n) {
		plan_print(ctx, &all, f.path);
		goto out;
	}
	r = plan_exec(ctx, &all);
	if (r < 0) {
		if (all.failed < all.n && all.ops[all.failed].from < n)
			locate(ctx, &f, it[all.ops[all.failed].from].s);
		goto out;
	}
	/* Read back: planning the file again must find nothing to do. */
	state_free(&st);
	r = state_load(ctx, &st, ST_LINKS | ST_BRVLANS);
	if (r == 0) {
		struct plan again = { 0 };

		r = plan_file(ctx, &f, it, n, order, &st, &again);
		if (r == 0 && again.n) {
			char left[400];

			snprintf(left, sizeof(left), "%s", again.ops[0].text ? again.ops[0].text : "?");
			r = vnet_fail(ctx, 0,
				      "%s: the kernel accepted the changes but did not apply them all (still to do: %s); undone",
				      f.path, left);
		}
		plan_free(&again);
	}
	if (r < 0) {
		plan_undo(ctx, &all);
		goto out;
	}
	plan_print(ctx, &all, f.path);
	if (txn && (flags & VNET_APPLY_HOLD)) {
		*txn = calloc(1, sizeof(**txn));
		if (*txn) {
			(*txn)->plan = all;
			memset(&all, 0, sizeof(all));
			locked = 0; /* held until commit or rollback */
		}
	}
out:
	if (check && r < 0)
		ctx->err.exit_code = VNET_EXIT_USAGE; /* check: any trouble is 2, as diff(1) */
	if (dout)
		fclose(dout);
	free(details);
	if (locked)
		vnet_unlock(ctx);
	plan_free(&all);
	state_free(&st);
	for (int i = f.n; it && i < n; i++)
		free(it[i].s);
	if (it)
		items_free(it, n);
	free(order);
	stmts_free(&f);
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
