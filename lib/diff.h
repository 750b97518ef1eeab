/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * apply's diff (-j): for each object a plan changes, the statements that
 * show --config prints for it before and after, so configuration management
 * can show a diff without reading the host itself.
 */
#ifndef VNET_DIFF_H
#define VNET_DIFF_H

#include "state.h"

struct kind;
struct stmt;
struct json_object;

struct diff_obj {
	const struct kind *kind; /* a kind that describes its links (kind->conf) */
	char name[VNET_NAMSIZ];
	char *text[2];		 /* before, after: statements, one a line ("" when absent) */
};

struct diff {
	struct diff_obj **o; /* each apart: its name stays where it is */
	int n, cap;
	struct sysfs_ahead *ahead; /* the sysfs values of the pass, once it describes many */
	int described;		   /* objects described in this pass */
};

/* The kind that describes a statement's object ("bridge port set br0 p1": bridge), or NULL. */
const struct kind *diff_kind_of_stmt(const struct stmt *s);
/* The kind and name of the object the link l is part of (its own, or a SEA), or NULL. */
const struct kind *diff_kind_of_link(const struct link *l, char name[VNET_NAMSIZ]);
/* Adds the object k name with its statements before, as st has them now. */
const struct diff_obj *diff_add(struct vnet_ctx *ctx, struct diff *d, struct state *st,
				const struct kind *k, const char *name);
/* Fills each object's statements after, from st. */
void diff_after(struct vnet_ctx *ctx, struct diff *d, struct state *st);
/* [{"object": "bridge br0", "before": "...", "after": "..."}, ...]: those that differ. */
struct json_object *diff_json(const struct diff *d);
void diff_free(struct diff *d);

#endif
