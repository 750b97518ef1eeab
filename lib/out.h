/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output: text and JSON lines, and the generic show of a kind's links. */
#ifndef VNET_OUT_H
#define VNET_OUT_H

#include "state.h"

struct kind;

void out_line(struct vnet_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_json(struct vnet_ctx *ctx, struct json_object *j);
/* Adds the known fields of o as JSON: keywords with '-' as '_', command-line units. */
void json_add_fields(struct json_object *j, const struct param *tab, const struct obj *o);
typedef void (*show_text_fn)(struct vnet_ctx *ctx, struct state *st, const struct link *l);
typedef struct json_object *(*show_json_fn)(struct state *st, const struct link *l);
/* Shows every link of kind k (or the one named): text, JSON (-j) or statements. */
/* show --config of one link: the kind's conf, with the link's addresses and gateways. */
void show_conf(struct vnet_ctx *ctx, const struct kind *k, show_text_fn conf, struct state *st,
	       const struct link *l);
int show_links(struct vnet_ctx *ctx, const struct kind *k, unsigned int what, const char *name,
	       int config, const char *header, show_text_fn text, show_json_fn json,
	       show_text_fn conf);

#endif
