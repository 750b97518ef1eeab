// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The generic keyword parser: one table per kind drives parsing, formatting,
 * usage text and completion words, so they cannot drift apart.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>

#include "internal.h"
#include "value.h"
#include "obj.h"
#include "kind.h"
#include "nl.h"
#include "attr.h"
#include "suggest.h"

const struct obj obj_empty;

static void obj_init_n(struct obj *o, int nv)
{
	memset(o, 0, offsetof(struct obj, v) + (size_t)nv * sizeof(o->v[0]));
	o->nv = (uint8_t)nv;
	for (int i = 0; i < MAX_FIELDS; i++)
		o->word[i] = -1;
}

void obj_init(struct obj *o)
{
	obj_init_n(o, MAX_FIELDS);
}

struct obj *obj_new(int nv)
{
	struct obj *o;

	if (nv < 0 || nv > MAX_FIELDS)
		abort();
	o = malloc(offsetof(struct obj, v) + (size_t)nv * sizeof(o->v[0]));
	if (!o)
		abort();
	obj_init_n(o, nv);
	return o;
}

void obj_delete(struct obj *o)
{
	if (o) {
		obj_free(o);
		free(o);
	}
}

int param_fields(const struct param *tab)
{
	int n = 0;

	for (; tab && tab->word; tab++)
		if (tab->field >= n)
			n = tab->field + 1;
	return n;
}

/* A field beyond a short object's end is a programming error: stop. */
static struct val *obj_slot(struct obj *o, int f)
{
	if (f < 0 || f >= o->nv)
		abort();
	return &o->v[f];
}

void obj_free(struct obj *o)
{
	for (int i = 0; i < o->nv; i++) {
		if (!o->v[i].vlans && !o->v[i].names.names && !o->v[i].qos && !o->v[i].ips)
			continue; /* a number: nothing to free (most fields, most objects) */
		addrlist_free(&o->v[i].ips);
		free(o->v[i].vlans);
		namelist_free(&o->v[i].names);
		if (o->v[i].qos)
			free(o->v[i].qos->e);
		free(o->v[i].qos);
	}
	if (o->ext && o->ext_free)
		o->ext_free(o->ext);
	obj_init_n(o, o->nv);
}

void obj_set_u(struct obj *o, int field, uint64_t u)
{
	obj_slot(o, field)->u = u;
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
	case PT_ADDRS:
	case PT_GW:
		return addrlist_equal(a->ips, b->ips);
	case PT_NAMES:
	case PT_IPS:
	case PT_IFREF:
		if (a->names.n != b->names.n)
			return 0;
		for (int i = 0; i < a->names.n; i++)
			if (!namelist_has(&b->names, a->names.names[i]))
				return 0;
		return 1;
	case PT_QOSMAP: {
		int na = a->qos ? a->qos->n : 0, nb = b->qos ? b->qos->n : 0;

		if (na != nb)
			return 0;
		for (int i = 0; i < na; i++) {
			int found = 0;

			for (int k = 0; k < nb && !found; k++)
				found = a->qos->e[i][0] == b->qos->e[k][0] &&
					a->qos->e[i][1] == b->qos->e[k][1];
			if (!found)
				return 0;
		}
		return 1;
	}
	case PT_CSEC:
		/* The kernel keeps times in its ticks: b may be a, rounded down (centisecs_at_hz). */
		return a->u == b->u || centisecs_at_hz(a->u, kernel_hz()) == b->u;
	default:
		return a->u == b->u;
	}
}

const char *enum_word(const struct param *p, uint64_t u)
{
	for (int i = 0; p->names[i]; i++)
		if ((p->values ? p->values[i] : (uint64_t)i) == u)
			return p->names[i];
	return NULL;
}

int val_format(const struct param *p, const struct val *v, char *buf, size_t len)
{
	switch (p->type) {
	case PT_BOOL:
		return snprintf(buf, len, "%s", v->u ? "on" : "off");
	case PT_CSEC:
		return format_centisecs(v->u, buf, len);
	case PT_ENUM: {
		const char *w = enum_word(p, v->u);

		if (w)
			return snprintf(buf, len, "%s", w);
		return snprintf(buf, len, "%llu", (unsigned long long)v->u);
	}
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
	case PT_IFREF:
		if (!v->names.n)
			return snprintf(buf, len, "none");
		return snprintf(buf, len, "%s", v->names.names[0]);
	case PT_QOSMAP: {
		size_t o = 0;

		if (!v->qos || !v->qos->n)
			return snprintf(buf, len, "none");
		if (len)
			buf[0] = 0;
		for (int i = 0; i < v->qos->n; i++)
			o += (size_t)snprintf(SN_AT(buf, len, o), "%s%u:%u", i ? "," : "",
					      v->qos->e[i][0], v->qos->e[i][1]);
		return (int)o;
	}
	case PT_ADDRS:
	case PT_GW:
		return addrlist_format(v->ips, buf, len, p->type == PT_ADDRS);
	case PT_IPS:
	case PT_NAMES: {
		size_t o = 0;

		if (len)
			buf[0] = 0;
		if (!v->names.n)
			return snprintf(buf, len, "none");
		for (int i = 0; i < v->names.n; i++)
			o += (size_t)snprintf(SN_AT(buf, len, o), "%s%s", i ? "," : "",
					      v->names.names[i]);
		return (int)o;
	}
	case PT_FLAG:
		return snprintf(buf, len, "%s", p->word);
	default:
		return snprintf(buf, len, "%llu", (unsigned long long)v->u);
	}
}

int qosmap_add(struct qosmap *m, uint32_t from, uint32_t to)
{
	void *n = realloc(m->e, (size_t)(m->n + 1) * sizeof(*m->e));

	if (!n)
		return -ENOMEM;
	m->e = n;
	m->e[m->n][0] = from;
	m->e[m->n][1] = to;
	m->n++;
	return 0;
}

/* The entries to send: the wanted map, and a zero for each mapping to drop. */
void qosmap_exact(const struct qosmap *want, const struct qosmap *cur, struct qosmap *out)
{
	for (int i = 0; i < want->n; i++)
		if (qosmap_add(out, want->e[i][0], want->e[i][1]) < 0)
			abort();
	for (int i = 0; cur && i < cur->n; i++) {
		int kept = 0;

		for (int k = 0; k < want->n && !kept; k++)
			kept = want->e[k][0] == cur->e[i][0];
		if (!kept && qosmap_add(out, cur->e[i][0], 0) < 0)
			abort();
	}
}

/* "FROM:TO[,...]" or "none"; FROM in [min, max], TO in [0, 7] or [0, 2^32-1]. */
static int parse_qosmap(const struct param *p, const char *s, struct val *v, const char **why)
{
	uint64_t tomax = p->max == 7 ? UINT32_MAX : 7; /* ingress: 0-7 -> any; egress: any -> 0-7 */
	const char *q = s;

	v->qos = calloc(1, sizeof(*v->qos));
	if (!v->qos) {
		*why = "out of memory";
		return -ENOMEM;
	}
	if (!strcmp(s, "none"))
		return 0;
	for (;;) {
		char item[48], *colon;
		const char *comma = strchr(q, ',');
		size_t l = comma ? (size_t)(comma - q) : strlen(q);
		uint64_t from, to;

		if (l == 0 || l >= sizeof(item)) {
			*why = "expected FROM:TO[,FROM:TO...]";
			return -EINVAL;
		}
		memcpy(item, q, l);
		item[l] = 0;
		colon = strchr(item, ':');
		if (!colon) {
			*why = "expected FROM:TO[,FROM:TO...]";
			return -EINVAL;
		}
		*colon = 0;
		if (parse_u64(item, p->min, p->max, &from, why) < 0) {
			*why = p->max == 7 ? "a VLAN priority (FROM) is 0-7" : "FROM is not a valid priority";
			return -EINVAL;
		}
		if (parse_u64(colon + 1, 0, tomax, &to, why) < 0) {
			*why = tomax == 7 ? "a VLAN priority (TO) is 0-7" : "TO is not a valid priority";
			return -EINVAL;
		}
		for (int i = 0; i < v->qos->n; i++)
			if (v->qos->e[i][0] == from) {
				*why = "a priority is mapped twice";
				return -EINVAL;
			}
		if (qosmap_add(v->qos, (uint32_t)from, (uint32_t)to) < 0) {
			*why = "out of memory";
			return -ENOMEM;
		}
		if (!comma)
			return 0;
		q = comma + 1;
	}
}

/* Comma-separated IPv4 addresses, canonical, none twice, at most max. */
static int parse_ipv4list(const char *s, int max, struct namelist *out, const char **why)
{
	const char *q = s;

	memset(out, 0, sizeof(*out));
	for (;;) {
		const char *comma = strchr(q, ',');
		size_t l = comma ? (size_t)(comma - q) : strlen(q);
		char item[32], canon[INET_ADDRSTRLEN];
		struct in_addr a;

		if (l == 0 || l >= sizeof(item) || (memcpy(item, q, l), item[l] = 0,
						    inet_pton(AF_INET, item, &a) != 1)) {
			*why = "not an IPv4 address";
			goto bad;
		}
		uint32_t h = ntohl(a.s_addr);

		if (h == 0 || h == 0xffffffff || (h >> 28) == 14) {
			*why = "not a unicast IPv4 address";
			goto bad;
		}
		inet_ntop(AF_INET, &a, canon, sizeof(canon));
		if (namelist_has(out, canon)) {
			*why = "an address appears twice";
			goto bad;
		}
		if (out->n == max) {
			*why = max == 16 ? "at most 16 addresses" : "too many addresses";
			goto bad;
		}
		void *n = realloc(out->names, (size_t)(out->n + 1) * sizeof(*out->names));

		if (!n) {
			*why = "out of memory";
			goto bad;
		}
		out->names = n;
		snprintf(out->names[out->n++], VNET_NAMSIZ, "%s", canon);
		if (!comma)
			return 0;
		q = comma + 1;
	}
bad:
	namelist_free(out);
	return -EINVAL;
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
		/* 0 means none, as in ip. */
		if (parse_u64(s, 0, 4094, &v->u, why) < 0) {
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
		if (!strcmp(s, "none")) {
			memset(&v->names, 0, sizeof(v->names));
			return 0;
		}
		return parse_namelist(s, &v->names, why);
	case PT_FLAG:
		v->u = p->min;
		return 0;
	case PT_IFREF:
		if (!strcmp(s, "none"))
			return 0;
		if (parse_ifname(s, why) < 0)
			return -EINVAL;
		v->names.names = calloc(1, sizeof(*v->names.names));
		if (!v->names.names) {
			*why = "out of memory";
			return -ENOMEM;
		}
		snprintf(v->names.names[0], VNET_NAMSIZ, "%s", s);
		v->names.n = 1;
		return 0;
	case PT_IPS:
		return parse_ipv4list(s, (int)p->max, &v->names, why);
	case PT_QOSMAP:
		return parse_qosmap(p, s, v, why);
	case PT_ADDRS:
	case PT_GW:
		return addrlist_parse(s, p->type == PT_GW ? (int)p->min : 0, &v->ips, why);
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
	if (argc > INT16_MAX)
		return vnet_usage(ctx, -1, "%s: more than %d words in one statement", what, INT16_MAX);
	for (; i < argc; i++) {
		const struct param *p = param_by_word(tab, argv[i]);
		const char *why = NULL;
		char range[320] = "";
		int kw = i;

		if (!p) {
			char hint[200];

			keyword_hint(tab, argc, argv, i, hint, sizeof(hint));
			return vnet_usage(ctx, i, "%s: unknown keyword \"%.*s%s\"%s", what, 60, argv[i],
					  strlen(argv[i]) > 60 ? "..." : "", hint);
		}
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
			value_hint(tab, p, argc, argv, i, range + strlen(range), sizeof(range) - strlen(range));
			/* A long word is shown by its start: the reason must stay readable. */
			return vnet_usage(ctx, i, "%s: %s: \"%.*s%s\": %s%s", what, p->word, 60, argv[i],
					  strlen(argv[i]) > 60 ? "..." : "", why, range);
		}
		o->mask |= 1U << p->field;
		o->word[p->field] = kw;
		/* "ageing-time 30000" after ip's ageing_time 30000 (300 s): more than an hour is said */
		if (p->type == PT_CSEC && o->v[p->field].u > 3600 * 100ULL) {
			char hint[160] = "";

			ip_time_hint(p, p->word, argv[i], hint, sizeof(hint));
			vnet_notice(ctx, "%s: %s %s is more than an hour%s%s", what, p->word, argv[i],
				    hint[0] ? "; if it came from ip, " : "", hint);
		}
	}
	return 0;
}

uint32_t obj_non_default(const struct param *tab, const struct obj *o)
{
	uint32_t m = 0;

	for (const struct param *p = tab; p->word; p++) {
		char buf[64];

		if (!obj_has(o, p->field) || param_by_field(tab, p->field) != p)
			continue;
		if (!p->def || (val_format(p, &o->v[p->field], buf, sizeof(buf)), strcmp(buf, p->def)))
			m |= 1U << p->field;
	}
	return m;
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
	int n;

	if (p->type == PT_FLAG) {
		for (const struct param *q = p; q->word; q++)
			if (q->field == f && q->min == o->v[f].u)
				return snprintf(buf, len, "%s", q->word);
		return snprintf(buf, len, "%s", p->word);
	}
	n = snprintf(buf, len, "%s ", p->word);
	return n + val_format(p, &o->v[f], SN_AT(buf, len, n));
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
		n += (size_t)snprintf(SN_AT(buf, len, n), "%s", n ? " " : "");
		n += (size_t)field_text(tab, o, p->field, SN_AT(buf, len, n));
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
		int f = p->field;

		if (!(mask & (1U << f)) || param_by_field(tab, f) != p)
			continue;
		n += (size_t)snprintf(SN_AT(buf, len, n), "%s", n ? ", " : "");
		/* "stp off -> on"; a flag, or a field cur lacks, as field_text writes it */
		if (p->type != PT_FLAG && obj_has(cur, f)) {
			n += (size_t)snprintf(SN_AT(buf, len, n), "%s ", p->word);
			n += (size_t)val_format(p, &cur->v[f], SN_AT(buf, len, n));
			n += (size_t)snprintf(SN_AT(buf, len, n), " -> ");
			n += (size_t)val_format(p, &want->v[f], SN_AT(buf, len, n));
		} else {
			n += (size_t)field_text(tab, want, f, SN_AT(buf, len, n));
		}
	}
	return (int)n;
}

/* Copies field f (deep) from src into dst. */
void obj_copy_field(struct obj *dst, const struct obj *src, int f)
{
	static const struct val none;
	struct val *d = obj_slot(dst, f);
	const struct val *s = f >= 0 && f < src->nv ? &src->v[f] : &none;

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
	if (d->qos)
		free(d->qos->e);
	free(d->qos);
	d->qos = NULL;
	if (s->qos) {
		d->qos = calloc(1, sizeof(*d->qos));
		if (!d->qos)
			abort();
		for (int i = 0; i < s->qos->n; i++)
			if (qosmap_add(d->qos, s->qos->e[i][0], s->qos->e[i][1]) < 0)
				abort();
	}
	addrlist_free(&d->ips);
	d->ips = s->ips ? addrlist_dup(s->ips) : NULL;
	dst->mask |= 1U << f;
	dst->word[f] = src->word[f];
}

struct obj *obj_dup(const struct obj *src)
{
	struct obj *o = obj_new(src->nv);

	if (src->ext)
		abort(); /* a kind's own data: only a statement's objects have it */
	obj_copy_fields(o, src, ~0U);
	memcpy(o->word, src->word, sizeof(o->word));
	return o;
}

void obj_copy_fields(struct obj *dst, const struct obj *src, uint32_t mask)
{
	for (int f = 0; f < MAX_FIELDS; f++)
		if ((mask & (1U << f)) && obj_has(src, f))
			obj_copy_field(dst, src, f);
}

static uint64_t attr_uint(const struct param *p, const struct nlattr *a)
{
	switch (p->width) {
	case 1:
		return attr_u8(a);
	case 2:
		return attr_u16(a);
	case W_BE16:
		return ntohs(attr_u16(a));
	default:
		return attr_u32(a);
	}
}

void obj_decode(const struct param *tab, enum pnest nest, const struct nlattr *data,
		struct obj *o)
{
	/*
	 * Where the table's scan for an attribute type starts: its first
	 * entry of that type (NULL: none), so that a message of 50 attributes
	 * is not 50 walks of the whole table.
	 */
	enum { NBY = 128 };
	const struct param *by_attr[NBY] = { NULL };
	const struct nlattr *a, *e;

	for (const struct param *p = tab; p->word; p++)
		if (p->nest == nest && p->attr < NBY && !by_attr[p->attr])
			by_attr[p->attr] = p;

	attr_for_each_nested(a, data) {
		uint16_t t = attr_type(a);

		if (nest == PN_INFO && t == IFLA_VLAN_FLAGS &&
		    attr_len(a) >= sizeof(struct ifla_vlan_flags)) {
			const struct ifla_vlan_flags *fl = attr_data(a);

			/* Only the flags in the mask are told. */
			for (const struct param *p = tab; p->word; p++)
				if (p->nest == PN_VLANFLAG && p->field < o->nv && (fl->mask & p->attr))
					obj_set_u(o, p->field, !!(fl->flags & p->attr));
		}
		for (const struct param *p = t < NBY ? by_attr[t] : tab; p && p->word; p++) {
			if (p->nest != nest || p->attr != t || param_by_field(tab, p->field) != p ||
			    p->field >= o->nv)
				continue;
			struct val *v = &o->v[p->field];

			switch (p->type) {
			case PT_IPS:
				namelist_free(&v->names);
				attr_for_each_nested(e, a) {
					struct in_addr ia = { attr_u32(e) };
					void *n = realloc(v->names.names,
							  (size_t)(v->names.n + 1) * sizeof(*v->names.names));

					if (!n)
						abort();
					v->names.names = n;
					inet_ntop(AF_INET, &ia, v->names.names[v->names.n++], VNET_NAMSIZ);
				}
				break;
			case PT_QOSMAP:
				if (!v->qos && !(v->qos = calloc(1, sizeof(*v->qos))))
					abort();
				attr_for_each_nested(e, a) {
					const struct ifla_vlan_qos_mapping *m = attr_data(e);

					if (attr_type(e) == IFLA_VLAN_QOS_MAPPING &&
					    attr_len(e) >= sizeof(*m) &&
					    qosmap_add(v->qos, m->from, m->to) < 0)
						abort();
				}
				break;
			case PT_MAC:
				if (attr_len(a) == 6)
					memcpy(v->mac, attr_data(a), 6);
				break;
			case PT_BOOL:
				v->u = !!attr_uint(p, a); /* STP state 2 (user space) is still on */
				break;
			default:
				v->u = attr_uint(p, a); /* PT_IFREF: the ifindex, named later */
				break;
			}
			o->mask |= 1U << p->field;
			break;
		}
	}
}

static void put_uint(struct nlmsghdr *nlh, const struct param *p, uint64_t u)
{
	switch (p->width) {
	case 1:
		mnl_attr_put_u8(nlh, p->attr, (uint8_t)u);
		break;
	case 2:
		mnl_attr_put_u16(nlh, p->attr, (uint16_t)u);
		break;
	case W_BE16:
		mnl_attr_put_u16(nlh, p->attr, htons((uint16_t)u));
		break;
	default:
		mnl_attr_put_u32(nlh, p->attr, (uint32_t)u);
		break;
	}
}

int obj_put(struct vnet_ctx *ctx, struct nlmsghdr *nlh, const struct param *tab,
	    const struct obj *o, uint32_t mask, enum pnest nest)
{
	struct ifla_vlan_flags vf = { 0, 0 };
	int n = 0;

	for (const struct param *p = tab; p && p->word; p++) {
		if (!(mask & (1U << p->field)) || !obj_has(o, p->field))
			continue;
		const struct val *v = &o->v[p->field];

		if (nest == PN_INFO && p->nest == PN_VLANFLAG) {
			vf.mask |= p->attr;
			if (v->u)
				vf.flags |= p->attr;
			continue;
		}
		if (p->nest != nest || param_by_field(tab, p->field) != p)
			continue;
		n++;
		switch (p->type) {
		case PT_MAC:
			mnl_attr_put(nlh, p->attr, 6, v->mac);
			break;
		case PT_IFREF:
			put_uint(nlh, p, v->names.n ? (uint64_t)nlm_index_or_zero(ctx, v->names.names[0]) : 0);
			break;
		case PT_IPS: {
			struct nlattr *l = mnl_attr_nest_start(nlh, p->attr);

			for (int i = 0; i < v->names.n; i++) {
				struct in_addr ia;

				inet_pton(AF_INET, v->names.names[i], &ia);
				mnl_attr_put_u32(nlh, (uint16_t)i, ia.s_addr);
			}
			mnl_attr_nest_end(nlh, l);
			break;
		}
		case PT_QOSMAP: {
			struct nlattr *l = mnl_attr_nest_start(nlh, p->attr);

			for (int i = 0; v->qos && i < v->qos->n; i++) {
				struct ifla_vlan_qos_mapping m = { v->qos->e[i][0], v->qos->e[i][1] };

				mnl_attr_put(nlh, IFLA_VLAN_QOS_MAPPING, sizeof(m), &m);
			}
			mnl_attr_nest_end(nlh, l);
			break;
		}
		case PT_FLAG:
			break; /* ifi_flags, not an attribute */
		default:
			put_uint(nlh, p, v->u);
			break;
		}
	}
	if (vf.mask) {
		mnl_attr_put(nlh, IFLA_VLAN_FLAGS, sizeof(vf), &vf);
		n++;
	}
	return n;
}
