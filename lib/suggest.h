/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hints for unknown words (lib/suggest.c): "; did you mean isolated?", or "" when none fits. */
#ifndef VNET_SUGGEST_H
#define VNET_SUGGEST_H

#include <stddef.h>

struct param;
struct kind;

/* The nearest of cands (NULL-terminated) to word, or NULL when none is near. */
const char *vnet_suggest(const char *word, const char *const *cands);
/* The same for a value of an enumeration (names), knowing other tools' names. */
const char *value_suggest(const char *word, const char *const *names);
/*
 * "vnetctl counts seconds: ip's forward_delay 1500 is forward-delay 15" for word,
 * a time of p spelt as ip does (in hundredths of a second), when that reading
 * is a second or more that p takes: 1 with buf filled, else 0.
 */
int ip_time_hint(const struct param *p, const char *spelt, const char *word, char *buf, size_t len);
/* For argv[i], a value word that p of tab refused: "; did you mean on?", or "" (appended to buf). */
void value_hint(const struct param *tab, const struct param *p, int argc, char *const *argv, int i,
		char *buf, size_t len);
/* For argv[i], a word that tab does not know, in the statement argv. */
void keyword_hint(const struct param *tab, int argc, char *const *argv, int i, char *buf,
		  size_t len);
/* For an unknown verb w of kind k, whose verbs (and sub-objects) are verbs. */
void verb_hint(const struct kind *k, const char *const *verbs, const char *w, char *buf,
	       size_t len);

/* For w, a word like an option where a name goes: "; did you mean --dry-run?", or "". */
void option_hint(const char *w, char *buf, size_t len);

struct vnet_ctx;
struct state;
struct link;
/*
 * "; release it there first: vnetctl bridge port del br0 eth0", the command that
 * takes l out of its master (ip's nomaster for a master vnetctl does not make).
 */
void release_hint(struct vnet_ctx *ctx, struct state *st, const struct link *l, char *buf,
		  size_t len);

struct op;
/*
 * What the kernel lacks when op failed with err (a positive errno, 0 when it
 * took the step and did not apply it) and the kernel's words ext: the kind's
 * driver or a keyword's feature, with how to get it; NULL when that is not it.
 */
const char *missing_text(struct vnet_ctx *ctx, const struct op *op, int err, const char *ext);

/* What the kernel lacks to make links of kind k (its driver), NULL when it has it or cannot tell. */
const char *kind_lacks_driver(struct vnet_ctx *ctx, const struct kind *k);
/*
 * A dry run's plan that would fail on this kernel: a create of a kind it has
 * no driver for, or a step that needs a feature it lacks (VLAN filtering for
 * vlan-filtering on or port VLANs). 0, or -errno with the error set.
 */
struct plan;
int plan_check_drivers(struct vnet_ctx *ctx, const struct plan *p);
/* The same without the error: what the kernel lacks for p, with its step in step; NULL: nothing. */
const char *plan_lacks(struct vnet_ctx *ctx, const struct plan *p, char *step, size_t len);

#endif
