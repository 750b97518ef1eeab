// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply's diff: the objects a plan changes, each described as show --config
 * describes it, on the host before the change and after it (or, for a dry
 * run and check, on the state the plan was simulated to).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"
#include "state.h"
#include "kind.h"
#include "diff.h"

/* The kind that describes a statement's object: a sub-object's parent ("bridge port": bridge). */
static const struct kind *described_by(const struct kind *k)
{
	size_t w = strcspn(k->name, " ");

	for (const struct kind *const *kp = kind_table; *kp; kp++)
		if ((*kp)->conf && !strncmp((*kp)->name, k->name, w) && !(*kp)->name[w])
			return *kp;
	return NULL;
}

static void add(struct diff *d, const struct kind *k, const char *name)
{
	if (!k || !name || !name[0])
		return;
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->o = realloc(d->o, (size_t)d->cap * sizeof(*d->o));
		if (!d->o)
			abort();
	}
	struct diff_obj *o = &d->o[d->n];

	memset(o, 0, sizeof(*o));
	o->kind = k;
	str_copy(o->name, sizeof(o->name), name);
	o->seq = d->n++;
}

void diff_add_stmt(struct diff *d, const struct stmt *s)
{
	add(d, described_by(s->kind), s->arg[0]);
}

void diff_add_link(struct diff *d, const struct link *l)
{
	struct link_owner o;
	const struct kind *k;

	if (kind_owner(l, &o))
		add(d, o.kind->conf ? o.kind : NULL, o.name);
	else if ((k = kind_by_link_kind(l->kind)) && k->conf)
		add(d, k, l->name);
}

static int by_key(const void *a, const void *b)
{
	const struct diff_obj *x = a, *y = b;
	int c = strcmp(x->kind->name, y->kind->name);

	if (!c)
		c = strcmp(x->name, y->name);
	return c ? c : x->seq - y->seq;
}

static int by_seq(const void *a, const void *b)
{
	return ((const struct diff_obj *)a)->seq - ((const struct diff_obj *)b)->seq;
}

void diff_finish(struct diff *d)
{
	int k = 0;

	if (!d->n)
		return;
	qsort(d->o, (size_t)d->n, sizeof(*d->o), by_key);
	for (int i = 0; i < d->n; i++)
		if (!k || d->o[i].kind != d->o[k - 1].kind || strcmp(d->o[i].name, d->o[k - 1].name))
			d->o[k++] = d->o[i];
	d->n = k;
	qsort(d->o, (size_t)d->n, sizeof(*d->o), by_seq);
}

void diff_render(struct vnet_ctx *ctx, struct diff *d, struct state *st, int after)
{
	FILE *keep = ctx->out;

	for (int i = 0; i < d->n; i++) {
		struct diff_obj *o = &d->o[i];
		const struct link *l = state_by_name(st, o->name);
		size_t len = 0;

		free(o->text[after]);
		o->text[after] = NULL;
		ctx->out = open_memstream(&o->text[after], &len);
		if (!ctx->out)
			abort();
		/* The kind's own links only; a SEA's conf finds its own bridge. */
		if (l && !l->deleted && (o->kind->owns || !strcmp(l->kind, o->kind->link_kind)))
			o->kind->conf(ctx, st, l);
		fclose(ctx->out);
	}
	ctx->out = keep;
}

struct json_object *diff_json(const struct diff *d)
{
	struct json_object *a = json_object_new_array();

	for (int i = 0; i < d->n; i++) {
		const struct diff_obj *o = &d->o[i];
		const char *b = o->text[0] ? o->text[0] : "", *f = o->text[1] ? o->text[1] : "";
		char what[VNET_NAMSIZ + 32];

		if (!strcmp(b, f))
			continue; /* changed in a way show --config does not describe */
		struct json_object *j = json_object_new_object();

		snprintf(what, sizeof(what), "%s %s", o->kind->name, o->name);
		json_object_object_add(j, "object", json_object_new_string(what));
		json_object_object_add(j, "before", json_object_new_string(b));
		json_object_object_add(j, "after", json_object_new_string(f));
		json_object_array_add(a, j);
	}
	return a;
}

void diff_free(struct diff *d)
{
	for (int i = 0; i < d->n; i++) {
		free(d->o[i].text[0]);
		free(d->o[i].text[1]);
	}
	free(d->o);
	memset(d, 0, sizeof(*d));
}
