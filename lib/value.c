// SPDX-License-Identifier: GPL-2.0-or-later
/* Value parsers and formatters: numbers, on/off, times, MACs, VLAN lists, names. */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "value.h"

static int bad(const char **why, const char *reason)
{
	*why = reason;
	return -EINVAL;
}

/* Plain decimal only: no sign, no hex, no spaces, no trailing garbage. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char **why)
{
	uint64_t v = 0;

	if (!*s)
		return bad(why, "a number is required");
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return bad(why, "not a decimal number");
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return bad(why, "out of range");
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < min || v > max)
		return bad(why, "out of range");
	*out = v;
	return 0;
}

int parse_bool(const char *s, uint64_t *out, const char **why)
{
	if (!strcmp(s, "on"))
		*out = 1;
	else if (!strcmp(s, "off"))
		*out = 0;
	else
		return bad(why, "expected on or off");
	return 0;
}

/* "15", "1.5", "0.25": seconds as the bridge commands take them. */
int parse_centisecs(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		    const char **why)
{
	const char *dot = strchr(s, '.');
	char whole[24];
	uint64_t w, frac = 0;
	size_t wl = dot ? (size_t)(dot - s) : strlen(s);

	if (wl == 0 || wl >= sizeof(whole))
		return bad(why, wl ? "out of range" : "not a number of seconds");
	memcpy(whole, s, wl);
	whole[wl] = 0;
	if (parse_u64(whole, 0, UINT64_MAX / 100 - 1, &w, why) < 0)
		return bad(why, *why[0] == 'o' ? "out of range" : "not a number of seconds");
	if (dot) {
		const char *f = dot + 1;
		size_t fl = strlen(f);

		if (fl == 0 || fl > 2)
			return bad(why, "seconds take at most two decimals");
		for (size_t i = 0; i < fl; i++) {
			if (f[i] < '0' || f[i] > '9')
				return bad(why, "not a number of seconds");
			frac = frac * 10 + (uint64_t)(f[i] - '0');
		}
		if (fl == 1)
			frac *= 10;
	}
	w = w * 100 + frac;
	if (w < min || w > max)
		return bad(why, "out of range");
	*out = w;
	return 0;
}

int format_centisecs(uint64_t cs, char *buf, size_t len)
{
	if (cs % 100 == 0)
		return snprintf(buf, len, "%llu", (unsigned long long)(cs / 100));
	if (cs % 10 == 0)
		return snprintf(buf, len, "%llu.%llu", (unsigned long long)(cs / 100),
				(unsigned long long)(cs % 100 / 10));
	return snprintf(buf, len, "%llu.%02llu", (unsigned long long)(cs / 100),
			(unsigned long long)(cs % 100));
}

/*
 * The kernel keeps a bridge's times in jiffies: it turns the centiseconds it
 * is given (clock_t, USER_HZ 100) into jiffies, and those back when asked,
 * rounding down each way (clock_t_to_jiffies and jiffies_to_clock_t,
 * kernel/time/time.c). At HZ 250, 1.23 s is kept as 307 jiffies and reads
 * 1.22 s; at HZ 300 every time reads 0.01 s short.
 */
uint64_t centisecs_at_hz(uint64_t cs, unsigned int hz)
{
	if (!hz)
		return cs;
	uint64_t tick_ns = (1000000000ULL + hz / 2) / hz; /* TICK_NSEC */

	return cs * hz / 100 * tick_ns / 10000000ULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Six colon-separated two-digit hex octets; unicast and non-zero. */
/* Six octets of one or two hex digits each, as ip takes them: "02:00:00:00:00:01", "2:0:0:0:0:1". */
int parse_mac(const char *s, uint8_t mac[6], const char **why)
{
	const char *p = s;
	int nz = 0;

	for (int i = 0; i < 6; i++) {
		int hi = hexval(p[0]), lo = hi < 0 ? -1 : hexval(p[1]);

		if (hi < 0)
			return bad(why, "expected six octets like 02:00:00:00:00:01");
		mac[i] = (uint8_t)(lo < 0 ? hi : hi << 4 | lo);
		p += lo < 0 ? 1 : 2;
		if (*p != (i < 5 ? ':' : 0))
			return bad(why, "expected six octets like 02:00:00:00:00:01");
		p += i < 5;
		nz |= mac[i];
	}
	if (!nz)
		return bad(why, "the zero address is not allowed");
	if (mac[0] & 1)
		return bad(why, "a multicast address is not allowed");
	return 0;
}

char *format_hex(const uint8_t *b, int n, char sep, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < n; i++) {
		if (i && sep)
			*out++ = sep;
		*out++ = digits[b[i] >> 4];
		*out++ = digits[b[i] & 15];
	}
	*out = 0;
	return out;
}

/* By hand, not snprintf: a show of 10,000 links formats as many addresses. */
int format_mac(const uint8_t mac[6], char *buf, size_t len)
{
	char t[18];

	if (len >= sizeof(t)) {
		format_hex(mac, 6, ':', buf);
		return 17;
	}
	format_hex(mac, 6, ':', t);
	return snprintf(buf, len, "%s", t); /* cut short, as snprintf would */
}

/* "3", "10-20", "3,10-20,100" or "none"; ranges ascending and disjoint. */
int parse_vlanlist(const char *s, struct vlanset *out, const char **why)
{
	char item[32];
	const char *p = s;

	memset(out, 0, sizeof(*out));
	if (!strcmp(s, "none"))
		return 0;
	if (!*s)
		return bad(why, "a VLAN list is required");
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t l = comma ? (size_t)(comma - p) : strlen(p);
		uint64_t a, b;
		char *dash;

		if (l == 0 || l >= sizeof(item))
			return bad(why, l ? "not a VLAN list" : "empty item in VLAN list");
		memcpy(item, p, l);
		item[l] = 0;
		dash = strchr(item, '-');
		if (dash)
			*dash = 0;
		if (parse_u64(item, 1, 4094, &a, why) < 0)
			return bad(why, *why[0] == 'o' ? "VLAN ids are 1-4094" : "not a VLAN list");
		b = a;
		if (dash && parse_u64(dash + 1, 1, 4094, &b, why) < 0)
			return bad(why, *why[0] == 'o' ? "VLAN ids are 1-4094" : "not a VLAN list");
		if (b < a)
			return bad(why, "a VLAN range must go upwards");
		for (uint64_t v = a; v <= b; v++) {
			if (vlanset_has(out, (unsigned int)v))
				return bad(why, "VLANs appear twice in the list");
			vlanset_add(out, (unsigned int)v);
		}
		p += l;
		if (*p == ',') {
			p++;
			if (!*p)
				return bad(why, "empty item in VLAN list");
		}
	}
	return 0;
}

int vlanset_empty(const struct vlanset *s)
{
	for (size_t i = 0; i < VLAN_N / 64; i++)
		if (s->bits[i])
			return 0;
	return 1;
}

int vlanset_equal(const struct vlanset *a, const struct vlanset *b)
{
	return !memcmp(a, b, sizeof(*a));
}

int vlanset_format(const struct vlanset *s, char *buf, size_t len)
{
	size_t o = 0;
	unsigned int v = 0;

	if (len)
		buf[0] = 0;
	if (vlanset_empty(s))
		return snprintf(buf, len, "none");
	while (v < VLAN_N) {
		if (!vlanset_has(s, v)) {
			v++;
			continue;
		}
		unsigned int e = v;

		while (e + 1 < VLAN_N && vlanset_has(s, e + 1))
			e++;
		int w = e > v ? snprintf(SN_AT(buf, len, o), "%s%u-%u", o ? "," : "", v, e)
			      : snprintf(SN_AT(buf, len, o), "%s%u", o ? "," : "", v);
		o += (size_t)w;
		v = e + 1;
	}
	return (int)o;
}

/* Validates UTF-8 strictly enough to keep control and broken bytes out. */
static int utf8_ok(const unsigned char *s)
{
	while (*s) {
		int n;

		if (*s < 0x80)
			n = 0;
		else if ((*s & 0xe0) == 0xc0 && *s >= 0xc2)
			n = 1;
		else if ((*s & 0xf0) == 0xe0)
			n = 2;
		else if ((*s & 0xf8) == 0xf0 && *s <= 0xf4)
			n = 3;
		else
			return 0;
		s++;
		while (n--) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			s++;
		}
	}
	return 1;
}

/*
 * An interface name: 1-15 bytes, no '/', ':', '%' or white space, not "." or "..".
 * The kernel's dev_valid_name() rules, checked here so that no bad name
 * reaches a request or a /sys path.
 */
int parse_ifname(const char *s, const char **why)
{
	size_t l = strlen(s);

	if (l == 0)
		return bad(why, "an interface name cannot be empty");
	if (l >= VNET_NAMSIZ)
		return bad(why, "an interface name has at most 15 bytes");
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return bad(why, "\".\" and \"..\" are not interface names");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '/' || *p == ':')
			return bad(why, "an interface name cannot contain '/' or ':'");
		/* The kernel takes "br%d" as a template and picks a name itself. */
		if (*p == '%')
			return bad(why, "an interface name cannot contain '%' (the kernel reads it as a template)");
		if (*p <= ' ' || *p == 0x7f)
			return bad(why, "an interface name cannot contain white space or control characters");
	}
	if (!utf8_ok((const unsigned char *)s))
		return bad(why, "an interface name must be valid UTF-8");
	return 0;
}

void namelist_free(struct namelist *l)
{
	free(l->names);
	l->names = NULL;
	l->n = 0;
}

void namelist_add(struct namelist *l, const char *name)
{
	if (name && !namelist_has(l, name))
		namelist_append(l, name);
}

void str_join(char *dst, size_t len, ...)
{
	size_t o = 0;
	va_list ap;

	if (!len)
		return;
	va_start(ap, len);
	for (const char *s; (s = va_arg(ap, const char *)) != NULL && o < len - 1;) {
		size_t n = strnlen(s, len - 1 - o);

		memcpy(dst + o, s, n);
		o += n;
	}
	va_end(ap);
	dst[o] = 0;
}

static int is_sep(char c)
{
	return c == ',' || c == ' ';
}

void str_fit(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src), head, tail, h;
	const char *t, *u;

	if (n < len || len < 16) {
		str_copy(dst, len, src);
		return;
	}
	head = (len - 4) / 3;
	tail = len - 4 - head;
	/* The head ends after a separator, the tail starts at one: no number cut in two. */
	for (h = head; h > 1 && head - h < 12 && !is_sep(src[h - 1]); h--)
		;
	if (!is_sep(src[h - 1]))
		h = head;
	t = src + n - tail;
	for (u = t; *u && u - t < 12 && !is_sep(*u); u++)
		;
	if (!is_sep(*u))
		u = t;
	memcpy(dst, src, h);
	memcpy(dst + h, "...", 3);
	memcpy(dst + h + 3, u, (size_t)(src + n - u) + 1);
}

void namelist_append(struct namelist *l, const char *name)
{
	void *n;

	if (!name || !name[0])
		return;
	n = realloc(l->names, (size_t)(l->n + 1) * sizeof(*l->names));
	if (!n)
		abort();
	l->names = n;
	str_copy(l->names[l->n++], VNET_NAMSIZ, name);
}

int namelist_has(const struct namelist *l, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->names[i], name))
			return 1;
	return 0;
}

unsigned int name_hash(const char *name)
{
	unsigned int h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

void namemap_alloc(struct namemap *m, int entries)
{
	m->cap = 16;
	while (m->cap < 2 * entries + 16)
		m->cap *= 2;
	m->key = calloc((size_t)m->cap, sizeof(*m->key));
	m->val = calloc((size_t)m->cap, sizeof(*m->val));
	if (!m->key || !m->val)
		abort();
}

void namemap_put(struct namemap *m, const char *k, int v)
{
	unsigned int i = name_hash(k) & (unsigned int)(m->cap - 1);

	while (m->key[i] && strcmp(m->key[i], k))
		i = (i + 1) & (unsigned int)(m->cap - 1);
	if (!m->key[i]) {
		m->key[i] = k;
		m->val[i] = v;
	}
}

int namemap_get(const struct namemap *m, const char *k)
{
	unsigned int i = name_hash(k) & (unsigned int)(m->cap - 1);

	while (m->key[i]) {
		if (!strcmp(m->key[i], k))
			return m->val[i];
		i = (i + 1) & (unsigned int)(m->cap - 1);
	}
	return -1;
}

void namemap_free(struct namemap *m)
{
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* "eth0,eth1": each a valid name, none twice. */
int name_is_pattern(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

int namelist_match(const struct namelist *l, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (!fnmatch(l->names[i], name, 0))
			return 1;
	return 0;
}

int parse_namelist(const char *s, struct namelist *out, const char **why)
{
	const char *p = s;
	int cap = 0;

	memset(out, 0, sizeof(*out));
	if (!*s)
		return bad(why, "a list of interface names is required");
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t l = comma ? (size_t)(comma - p) : strlen(p);
		char name[VNET_NAMSIZ + 1];

		if (l > VNET_NAMSIZ)
			l = VNET_NAMSIZ; /* long enough to be refused below */
		memcpy(name, p, l);
		name[l] = 0;
		if (parse_ifname(name, why) < 0) {
			namelist_free(out);
			return -EINVAL;
		}
		if (out->n == cap) {
			cap = cap ? cap * 2 : 4;
			void *nn = realloc(out->names, (size_t)cap * sizeof(*out->names));

			if (!nn) {
				namelist_free(out);
				return bad(why, "out of memory");
			}
			out->names = nn;
		}
		memcpy(out->names[out->n++], name, l + 1);
		if (!comma)
			break;
		p = comma + 1;
	}
	/* Twice in the list: sorted neighbours (a bridge may list thousands of ports). */
	if (out->n > 1) {
		char (*sorted)[VNET_NAMSIZ] = malloc((size_t)out->n * sizeof(*sorted));
		int twice = 0;

		if (!sorted) {
			namelist_free(out);
			return bad(why, "out of memory");
		}
		memcpy(sorted, out->names, (size_t)out->n * sizeof(*sorted));
		qsort(sorted, (size_t)out->n, sizeof(*sorted), cmp_name);
		for (int i = 1; i < out->n && !twice; i++)
			twice = !strcmp(sorted[i - 1], sorted[i]);
		free(sorted);
		if (twice) {
			namelist_free(out);
			return bad(why, "an interface appears twice in the list");
		}
	}
	return 0;
}
