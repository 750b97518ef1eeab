// SPDX-License-Identifier: GPL-2.0-or-later
/* Statements: "OBJECT VERB ARGS" words to the kind that owns the object. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const struct kind *const kinds[] = { &kind_bridge };

const struct kind *kind_by_link_kind(const char *k)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i]->link_kind && !strcmp(kinds[i]->link_kind, k))
			return kinds[i];
	return NULL;
}

/* The statement forms, for help, completion and the man-page test. */
static const struct verbdef {
	const char *object, *verb, *args, *summary;
	const struct kind *kind;
	int port; /* uses the kind's port table */
} verbdefs[] = {
	{ "bridge", "add", "NAME", "create a bridge or bring it to these settings", &kind_bridge, 0 },
	{ "bridge", "set", "NAME", "change an existing bridge", &kind_bridge, 0 },
	{ "bridge", "del", "NAME", "delete a bridge (its ports are released)", NULL, 0 },
	{ "bridge", "show", "[NAME] [--config]", "brctl-like view, JSON with -j, statements with --config", NULL, 0 },
	{ "bridge port", "add", "BRIDGE PORT", "make PORT a port of BRIDGE with these settings", &kind_bridge, 1 },
	{ "bridge port", "set", "BRIDGE PORT", "change a port of BRIDGE", &kind_bridge, 1 },
	{ "bridge port", "del", "BRIDGE PORT", "release PORT from BRIDGE", NULL, 1 },
	{ 0 }
};

static struct vnet_verb *verbs;

static void free_verbs(void) __attribute__((destructor));
static void free_verbs(void)
{
	for (struct vnet_verb *v = verbs; v && v->object; v++)
		free((void *)v->keywords);
	free(verbs);
}

static const struct vnet_keyword *keywords_of(const struct param *tab)
{
	size_t n = 0;
	struct vnet_keyword *k;

	while (tab && tab[n].word)
		n++;
	k = calloc(n + 1, sizeof(*k));
	if (!k)
		abort();
	for (size_t i = 0; i < n; i++) {
		k[i].word = tab[i].word;
		k[i].value = tab[i].value;
		k[i].help = tab[i].help;
	}
	return k;
}

const struct vnet_verb *vnet_verbs(void)
{
	size_t n = sizeof(verbdefs) / sizeof(verbdefs[0]);

	if (verbs)
		return verbs;
	verbs = calloc(n, sizeof(*verbs));
	if (!verbs)
		abort();
	for (size_t i = 0; i + 1 < n; i++) {
		const struct verbdef *d = &verbdefs[i];

		verbs[i].object = d->object;
		verbs[i].verb = d->verb;
		verbs[i].args = d->args;
		verbs[i].summary = d->summary;
		verbs[i].keywords = keywords_of(!d->kind ? NULL
					       : d->port ? d->kind->port_params : d->kind->params);
	}
	return verbs;
}

int vnet_run(struct vnet_ctx *ctx, int argc, char *const *argv)
{
	struct stmt s = { .argc = argc, .argv = argv };

	vnet_clear_error(ctx);
	if (argc < 1)
		return vnet_usage(ctx, -1, "an object is required");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(kinds[i]->name, argv[0]))
			continue;
		s.object = kinds[i]->name;
		int v = 1;

		if (argc > 1 && kinds[i]->port_params && !strcmp(argv[1], "port")) {
			s.object = "bridge port";
			v = 2;
		}
		if (argc <= v)
			return vnet_usage(ctx, v - 1, "%s: a verb is required", s.object);
		s.verb = argv[v];
		s.first_kw = v + 1;
		return kinds[i]->run(ctx, &s);
	}
	return vnet_usage(ctx, 0, "unknown object \"%s\"", argv[0]);
}
