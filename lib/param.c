// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The generic keyword parser: one table per kind drives parsing, formatting,
 * usage text and completion words, so they cannot drift apart.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void obj_init(struct obj *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < MAX_FIELDS; i++)
		o->word[i] = -1;
}

void obj_free(struct obj *o)
{
	for (int i = 0; i < MAX_FIELDS; i++) {
		free(o->v[i].vlans);
		namelist_free(&o->v[i].names);
	}
	obj_init(o);
}

void obj_set_u(struct obj *o, int field, uint64_t u)
{
	o->v[field].u = u;
	o->mask |= 1U << field;
}

const struct param *param_by_field(const struct param *tab, int field)
{
	for (; tab->word; tab++)
		if (tab->field == field)
			return tab;
	return NULL;
}

static const struct param *param_by_word(const struct param *tab, const char *w)
{
	for (; tab->word; tab++)
		if (!strcmp(tab->word, w))
			return tab;
	return NULL;
}

int val_equal(const struct param *p, const struct val *a, const struct val *b)
{
	switch (p->type) {
	case PT_MAC:
		return !memcmp(a->mac, b->mac, 6);
	case PT_VLANS:
		if (!a->vlans || !b->vlans)
			return a->vlans == b->vlans;
		return vlanset_equal(a->vlans, b->vlans);
	case PT_NAMES:
		if (a->names.n != b->names.n)
			return 0;
		for (int i = 0; i < a->names.n; i++)
			if (!namelist_has(&b->names, a->names.names[i]))
				return 0;
		return 1;
	default:
		return a->u == b->u;
	}
}

int val_format(const struct param *p, const struct val *v, char *buf, size_t len)
{
	switch (p->type) {
	case PT_BOOL:
		return snprintf(buf, len, "%s", v->u ? "on" : "off");
	case PT_CSEC:
		return format_centisecs(v->u, buf, len);
	case PT_ENUM:
		for (int i = 0; p->names[i]; i++)
			if ((p->values ? p->values[i] : (uint64_t)i) == v->u)
				return snprintf(buf, len, "%s", p->names[i]);
		return snprintf(buf, len, "%llu", (unsigned long long)v->u);
	case PT_PVID:
		if (!v->u)
			return snprintf(buf, len, "none");
		return snprintf(buf, len, "%llu", (unsigned long long)v->u);
	case PT_VLANS:
		if (!v->vlans)
			return snprintf(buf, len, "none");
		return vlanset_format(v->vlans, buf, len);
	case PT_MAC:
		return format_mac(v->mac, buf, len);
	case PT_NAMES: {
		size_t o = 0;

		if (len)
			buf[0] = 0;
		for (int i = 0; i < v->names.n && o < len; i++)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "",
					      v->names.names[i]);
		return (int)o;
	}
	case PT_FLAG:
		return snprintf(buf, len, "%s", p->word);
	default:
		return snprintf(buf, len, "%llu", (unsigned long long)v->u);
	}
}

/* Parses one value word for p into v; on failure *why says what is wrong. */
static int parse_value(const struct param *p, const char *s, struct val *v, const char **why)
{
	switch (p->type) {
	case PT_BOOL:
		return parse_bool(s, &v->u, why);
	case PT_UINT:
		return parse_u64(s, p->min, p->max, &v->u, why);
	case PT_CSEC:
		return parse_centisecs(s, p->min, p->max, &v->u, why);
	case PT_ENUM:
		for (int i = 0; p->names[i]; i++)
			if (!strcmp(p->names[i], s)) {
				v->u = p->values ? p->values[i] : (uint64_t)i;
				return 0;
			}
		*why = "unknown value";
		return -EINVAL;
	case PT_PVID:
		if (!strcmp(s, "none")) {
			v->u = 0;
			return 0;
		}
		if (parse_u64(s, 1, 4094, &v->u, why) < 0) {
			*why = "expected a VLAN id 1-4094 or none";
			return -EINVAL;
		}
		return 0;
	case PT_VLANS:
		v->vlans = malloc(sizeof(*v->vlans));
		if (!v->vlans) {
			*why = "out of memory";
			return -ENOMEM;
		}
		return parse_vlanlist(s, v->vlans, why);
	case PT_MAC:
		return parse_mac(s, v->mac, why);
	case PT_NAMES:
		return parse_namelist(s, &v->names, why);
	case PT_FLAG:
		v->u = p->min;
		return 0;
	}
	*why = "internal error";
	return -EINVAL;
}

/* The range part of an out-of-range message: "0-65535" or "0.00-655.35". */
static void range_text(const struct param *p, char *buf, size_t len)
{
	char a[32], b[32];

	if (p->type == PT_CSEC) {
		format_centisecs(p->min, a, sizeof(a));
		format_centisecs(p->max, b, sizeof(b));
	} else {
		snprintf(a, sizeof(a), "%llu", (unsigned long long)p->min);
		snprintf(b, sizeof(b), "%llu", (unsigned long long)p->max);
	}
	snprintf(buf, len, " (%s-%s)", a, b);
}

int param_parse(struct vnet_ctx *ctx, const struct param *tab, const char *what,
		int argc, char *const *argv, int i, struct obj *o)
{
	for (; i < argc; i++) {
		const struct param *p = param_by_word(tab, argv[i]);
		const char *why = NULL;
		char range[80] = "";
		int kw = i;

		if (!p)
			return vnet_usage(ctx, i, "%s: unknown keyword \"%s\"", what, argv[i]);
		if (obj_has(o, p->field)) {
			const struct param *first = param_by_field(tab, p->field);

			/* up and down share a field: name the pair. */
			if (o->word[p->field] >= 0 && strcmp(argv[o->word[p->field]], p->word))
				return vnet_usage(ctx, i, "%s: \"%s\" conflicts with \"%s\"", what,
						  p->word, argv[o->word[p->field]]);
			return vnet_usage(ctx, i, "%s: %s: given twice", what, first->word);
		}
		if (p->type != PT_FLAG && ++i >= argc)
			return vnet_usage(ctx, kw, "%s: %s: a value is required (%s)", what,
					  p->word, p->value);
		if (parse_value(p, argv[i], &o->v[p->field], &why) < 0) {
			if (!strcmp(why, "out of range") &&
			    (p->type == PT_UINT || p->type == PT_CSEC))
				range_text(p, range, sizeof(range));
			return vnet_usage(ctx, i, "%s: %s: \"%s\": %s%s", what, p->word, argv[i], why,
					  range);
		}
		o->mask |= 1U << p->field;
		o->word[p->field] = kw;
	}
	return 0;
}

uint32_t obj_diff(const struct param *tab, const struct obj *want, const struct obj *cur,
		  enum pnest nest)
{
	uint32_t m = 0;

	for (const struct param *p = tab; p->word; p++) {
		if (p->nest != nest || !obj_has(want, p->field) || (m & (1U << p->field)))
			continue;
		if (p->type == PT_FLAG && p->min != want->v[p->field].u)
			continue; /* judged by the keyword of the pair that was given */
		if (!obj_has(cur, p->field) || !val_equal(p, &want->v[p->field], &cur->v[p->field]))
			m |= 1U << p->field;
	}
	return m;
}

/* Keyword/value text of one field as a statement writes it ("stp on", "up"). */
static int field_text(const struct param *tab, const struct obj *o, int f, char *buf,
		      size_t len)
{
	const struct param *p = param_by_field(tab, f);
	char v[256];

	if (p->type == PT_FLAG) {
		for (const struct param *q = p; q->word; q++)
			if (q->field == f && q->min == o->v[f].u)
				return snprintf(buf, len, "%s", q->word);
		return snprintf(buf, len, "%s", p->word);
	}
	val_format(p, &o->v[f], v, sizeof(v));
	return snprintf(buf, len, "%s %s", p->word, v);
}

int obj_format(const struct param *tab, const struct obj *o, uint32_t mask, char *buf,
	       size_t len)
{
	size_t n = 0;

	if (len)
		buf[0] = 0;
	for (const struct param *p = tab; p->word; p++) {
		if (!(mask & (1U << p->field)) || !obj_has(o, p->field) ||
		    param_by_field(tab, p->field) != p)
			continue;
		if (n + 2 >= len)
			break;
		n += (size_t)snprintf(buf + n, len - n, "%s", n ? " " : "");
		if (n < len)
			n += (size_t)field_text(tab, o, p->field, buf + n, len - n);
	}
	return (int)n;
}

int obj_format_changes(const struct param *tab, const struct obj *want,
		       const struct obj *cur, uint32_t mask, char *buf, size_t len)
{
	size_t n = 0;

	if (len)
		buf[0] = 0;
	for (const struct param *p = tab; p->word; p++) {
		char a[256] = "?", b[256];
		int f = p->field;

		if (!(mask & (1U << f)) || param_by_field(tab, f) != p || n + 2 >= len)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s", n ? ", " : "");
		if (p->type == PT_FLAG) {
			field_text(tab, want, f, b, sizeof(b));
			n += (size_t)snprintf(buf + n, len - n, "%s", b);
			continue;
		}
		if (obj_has(cur, f))
			val_format(p, &cur->v[f], a, sizeof(a));
		val_format(p, &want->v[f], b, sizeof(b));
		n += (size_t)snprintf(buf + n, len - n, "%s %s -> %s", p->word, a, b);
	}
	return (int)n;
}

/* Copies field f (deep) from src into dst. */
void obj_copy_field(struct obj *dst, const struct obj *src, int f)
{
	struct val *d = &dst->v[f];
	const struct val *s = &src->v[f];

	free(d->vlans);
	namelist_free(&d->names);
	d->u = s->u;
	memcpy(d->mac, s->mac, 6);
	d->vlans = NULL;
	if (s->vlans) {
		d->vlans = malloc(sizeof(*d->vlans));
		if (!d->vlans)
			abort();
		*d->vlans = *s->vlans;
	}
	if (s->names.n) {
		d->names.names = malloc((size_t)s->names.n * sizeof(*s->names.names));
		if (!d->names.names)
			abort();
		memcpy(d->names.names, s->names.names, (size_t)s->names.n * sizeof(*s->names.names));
		d->names.n = s->names.n;
	}
	dst->mask |= 1U << f;
	dst->word[f] = src->word[f];
}

void obj_copy_fields(struct obj *dst, const struct obj *src, uint32_t mask)
{
	for (int f = 0; f < MAX_FIELDS; f++)
		if ((mask & (1U << f)) && obj_has(src, f))
			obj_copy_field(dst, src, f);
}
