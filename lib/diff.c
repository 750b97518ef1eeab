// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply's diff: the objects a plan changes, each described as show --config
 * describes it, before the plan's first step that changes it and after the
 * change (the host read back, or for a dry run and check the state the plan
 * was simulated to).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"
#include "state.h"
#include "kind.h"
#include "out.h"
#include "diff.h"
#include "sysfs.h"

const struct kind *diff_kind_of_stmt(const struct stmt *s)
{
	size_t w = strcspn(s->kind->name, " ");

	for (const struct kind *const *kp = kind_table; *kp; kp++)
		if ((*kp)->conf && !strncmp((*kp)->name, s->kind->name, w) && !(*kp)->name[w])
			return *kp;
	return NULL;
}

const struct kind *diff_kind_of_link(const struct link *l, char name[VNET_NAMSIZ])
{
	struct link_owner o;
	const struct kind *k;

	if (kind_owner(l, &o)) {
		str_copy(name, VNET_NAMSIZ, o.name);
		return o.kind->conf && o.name[0] ? o.kind : NULL;
	}
	str_copy(name, VNET_NAMSIZ, l->name);
	k = kind_by_link_kind(l->kind);
	return k && k->conf ? k : NULL;
}

/*
 * What a kind's show --config reads in /sys (a MAC set by the admin, a
 * port's speed), at once: a pass that describes many objects would
 * otherwise start a child for each (1000 of them for a first apply -j of
 * 1000 bridges). The host does not change during a pass. Of the objects
 * the pass describes when they are all known (after the plan), else of
 * every link; what the plan made is known without reading.
 */
struct asks {
	const char **names, **attrs;
	int n, cap;
};

static void ask(struct asks *a, const char *name, const char *attr)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->names = realloc(a->names, (size_t)a->cap * sizeof(*a->names));
		a->attrs = realloc(a->attrs, (size_t)a->cap * sizeof(*a->attrs));
		if (!a->names || !a->attrs)
			abort();
	}
	a->names[a->n] = name;
	a->attrs[a->n++] = attr;
}

static void read_ahead(struct vnet_ctx *ctx, struct diff *d, struct state *st, int all)
{
	struct asks a = { 0 };

	for (int i = 0; i < (all ? st->n : d->n); i++) {
		struct link *l = all ? &st->links[i] : state_by_name(st, d->o[i]->name);
		const struct link *peer;

		if (!l || l->deleted)
			continue;
		/* Whether its MAC (and its peer's) was set; the speed of each port (its cost's default). */
		ask(&a, l->name, "addr_assign_type");
		if ((peer = state_veth_peer(st, l)))
			ask(&a, peer->name, "addr_assign_type");
		for (const struct link *pl = state_port(st, l, NULL); pl; pl = state_port(st, l, pl))
			ask(&a, pl->name, "speed");
	}
	sysfs_ahead_free(d->ahead);
	ctx->sysfs_sim = st;
	d->ahead = sysfs_read_ahead(ctx, a.names, a.attrs, a.n);
	ctx->sysfs_sim = NULL;
	free(a.names);
	free(a.attrs);
}

/* What show --config prints for o in st: "" when it is not there. */
static char *describe(struct vnet_ctx *ctx, struct diff *d, const struct diff_obj *o, struct state *st)
{
	FILE *keep = ctx->out;
	const struct link *l = state_by_name(st, o->name);
	char *text = NULL;
	size_t len = 0;

	ctx->out = open_memstream(&text, &len);
	if (!ctx->out)
		abort();
	/* The kind's own links only; a SEA's conf finds its own bridge. */
	if (l && !l->deleted && (o->kind->owns || !o->kind->link_kind || !strcmp(l->kind, o->kind->link_kind))) {
		/*
		 * A few alone (a child each, as show --config); past as many as
		 * reading the whole host costs (a child ~5 ms, a link's values
		 * ~35 us: one child per 128 links), all at once.
		 */
		if (!d->ahead && ++d->described > 1 + st->n / 128)
			read_ahead(ctx, d, st, 1); /* the objects to come are not known yet */
		ctx->sysfs_ahead = d->ahead;
		ctx->sysfs_sim = st;
		show_conf(ctx, o->kind, o->kind->conf, st, l);
		ctx->sysfs_ahead = NULL;
		ctx->sysfs_sim = NULL;
	}
	fclose(ctx->out);
	ctx->out = keep;
	return text;
}

const struct diff_obj *diff_add(struct vnet_ctx *ctx, struct diff *d, struct state *st,
				const struct kind *k, const char *name)
{
	struct diff_obj *o = calloc(1, sizeof(*o));

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->o = realloc(d->o, (size_t)d->cap * sizeof(*d->o));
	}
	if (!o || !d->o)
		abort();
	o->kind = k;
	str_copy(o->name, sizeof(o->name), name);
	o->text[0] = describe(ctx, d, o, st);
	d->o[d->n++] = o;
	return o;
}

void diff_after(struct vnet_ctx *ctx, struct diff *d, struct state *st)
{
	/*
	 * A new pass: the host has changed since the values read ahead. They
	 * still say where the MAC of a link the plan left alone came from.
	 */
	struct sysfs_ahead *before = d->ahead;

	d->ahead = NULL;
	d->described = 0;
	ctx->sysfs_before = before;
	/* How many it describes is known now: past the crossover, one child reads ahead at once. */
	if (d->n > 1 + st->n / 128)
		read_ahead(ctx, d, st, 0);
	for (int i = 0; i < d->n; i++) {
		free(d->o[i]->text[1]);
		d->o[i]->text[1] = describe(ctx, d, d->o[i], st);
	}
	ctx->sysfs_before = NULL;
	sysfs_ahead_free(before);
	sysfs_ahead_free(d->ahead);
	d->ahead = NULL;
}

struct json_object *diff_json(const struct diff *d)
{
	struct json_object *a = json_object_new_array();

	for (int i = 0; i < d->n; i++) {
		const struct diff_obj *o = d->o[i];
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
		free(d->o[i]->text[0]);
		free(d->o[i]->text[1]);
		free(d->o[i]);
	}
	free(d->o);
	sysfs_ahead_free(d->ahead);
	memset(d, 0, sizeof(*d));
}
