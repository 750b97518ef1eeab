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
	int seq;		 /* the order it was first named in */
	char *text[2];		 /* before, after: statements, one a line ("" when absent) */
};

struct diff {
	struct diff_obj *o;
	int n, cap;
};

/* The object a statement declares ("bridge port set br0 p1": bridge br0). */
void diff_add_stmt(struct diff *d, const struct stmt *s);
/* The object the link l is part of (its own kind's, or a SEA's). */
void diff_add_link(struct diff *d, const struct link *l);
/* Each object once, in the order first named. */
void diff_finish(struct diff *d);
/* Fills each object's text before (after = 0) or after (1) from st. */
void diff_render(struct vnet_ctx *ctx, struct diff *d, struct state *st, int after);
/* [{"object": "bridge br0", "before": "...", "after": "..."}, ...]: those that differ. */
struct json_object *diff_json(const struct diff *d);
void diff_free(struct diff *d);

#endif
