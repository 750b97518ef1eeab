// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target: the value parsers and the keyword parser.
 *
 * Input: one selector byte, then a string (up to its first NUL). The
 * selector picks a parser (see the table in LLVMFuzzerTestOneInput); for
 * param_parse the string is cut into words at white space, as a statement
 * is, and parsed against one kind's keyword table.
 *
 * Beyond "no crash, no leak, no sanitizer report", what parses must format
 * and parse back to the same value: the plan lines and show --config print
 * values with these formatters, and apply reads them again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kind.h"
#include "nl.h"
#include "sysfs.h"
#include "out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vnet_ctx *ctx;

#define FAIL(...)                                              \
	do {                                                   \
		fprintf(stderr, "fuzz_values: " __VA_ARGS__);  \
		fputc('\n', stderr);                           \
		abort();                                       \
	} while (0)

static const struct {
	uint64_t min, max;
} bounds[] = {
	{ 0, UINT64_MAX }, { 1, 4094 }, { 0, 65535 }, { 68, 65535 },
	{ 0, 3000 },	   { 200, 4000 }, { 0, 0 },	{ UINT64_MAX, UINT64_MAX },
};
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))

static void check_u64(const char *s, unsigned int b)
{
	uint64_t v = 0, v2 = 0;
	const char *why = NULL;
	char buf[32];

	if (parse_u64(s, bounds[b].min, bounds[b].max, &v, &why) < 0) {
		if (!why)
			FAIL("parse_u64(\"%s\") failed without a reason", s);
		return;
	}
	if (v < bounds[b].min || v > bounds[b].max)
		FAIL("parse_u64(\"%s\") = %llu outside its bounds", s, (unsigned long long)v);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	if (parse_u64(buf, 0, UINT64_MAX, &v2, &why) < 0 || v2 != v)
		FAIL("parse_u64 round trip of \"%s\"", s);
}

static void check_centisecs(const char *s, unsigned int b)
{
	uint64_t v = 0, v2 = 0;
	const char *why = NULL;
	char buf[48];

	if (parse_centisecs(s, bounds[b].min, bounds[b].max, &v, &why) < 0) {
		if (!why)
			FAIL("parse_centisecs(\"%s\") failed without a reason", s);
		return;
	}
	if (v < bounds[b].min || v > bounds[b].max)
		FAIL("parse_centisecs(\"%s\") = %llu outside its bounds", s, (unsigned long long)v);
	if (format_centisecs(v, buf, sizeof(buf)) >= (int)sizeof(buf))
		FAIL("format_centisecs(%llu) does not fit", (unsigned long long)v);
	if (parse_centisecs(buf, 0, UINT64_MAX, &v2, &why) < 0 || v2 != v)
		FAIL("parse_centisecs round trip: \"%s\" -> %llu -> \"%s\"", s,
		     (unsigned long long)v, buf);
}

static void check_mac(const char *s)
{
	uint8_t m[6], m2[6];
	const char *why = NULL;
	char buf[32];

	if (parse_mac(s, m, &why) < 0)
		return;
	if (!(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) || (m[0] & 1))
		FAIL("parse_mac(\"%s\") accepted a zero or multicast address", s);
	format_mac(m, buf, sizeof(buf));
	if (parse_mac(buf, m2, &why) < 0 || memcmp(m, m2, 6))
		FAIL("parse_mac round trip of \"%s\"", s);
}

static void check_vlanlist(const char *s)
{
	struct vlanset *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	const char *why = NULL;
	char *buf = malloc(32768);

	if (!a || !b || !buf)
		abort();
	if (parse_vlanlist(s, a, &why) == 0) {
		if (vlanset_has(a, 0) || vlanset_has(a, 4095))
			FAIL("parse_vlanlist(\"%s\") accepted VLAN 0 or 4095", s);
		int n = vlanset_format(a, buf, 32768);

		/* The length it says is the length it wrote. */
		if (n < 0 || n >= 32768 || strlen(buf) != (size_t)n)
			FAIL("vlanset_format of \"%s\": %d", s, n);
		if (parse_vlanlist(buf, b, &why) < 0 || !vlanset_equal(a, b))
			FAIL("parse_vlanlist round trip: \"%s\" -> \"%s\"", s, buf);
		/* A short buffer gets a terminated prefix and the full length. */
		char small[8];
		int m = vlanset_format(a, small, sizeof(small));

		if (m != n || strlen(small) >= sizeof(small) || strncmp(small, buf, strlen(small)))
			FAIL("vlanset_format into 8 bytes of \"%s\": %d, \"%s\"", s, m, small);
	} else if (!why) {
		FAIL("parse_vlanlist(\"%s\") failed without a reason", s);
	}
	free(a);
	free(b);
	free(buf);
}

static void check_ifname(const char *s)
{
	const char *why = NULL;

	if (parse_ifname(s, &why) < 0)
		return;
	size_t l = strlen(s);

	if (l == 0 || l >= VNET_NAMSIZ || strchr(s, '/') || strchr(s, ':') || !strcmp(s, ".") ||
	    !strcmp(s, ".."))
		FAIL("parse_ifname accepted \"%s\"", s);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			FAIL("parse_ifname accepted a control or space byte in \"%s\"", s);
}

static void check_namelist(const char *s)
{
	struct namelist l, l2;
	const char *why = NULL;
	char buf[4096];
	size_t o = 0;

	if (parse_namelist(s, &l, &why) < 0) {
		if (l.n || l.names)
			FAIL("parse_namelist(\"%s\") failed but left names behind", s);
		return;
	}
	buf[0] = 0;
	for (int i = 0; i < l.n; i++) {
		if (parse_ifname(l.names[i], &why) < 0)
			FAIL("parse_namelist(\"%s\") accepted the name \"%s\"", s, l.names[i]);
		for (int k = 0; k < i; k++)
			if (!strcmp(l.names[i], l.names[k]))
				FAIL("parse_namelist(\"%s\") has \"%s\" twice", s, l.names[i]);
		o += (size_t)snprintf(buf + o, o < sizeof(buf) ? sizeof(buf) - o : 0, "%s%s",
				      i ? "," : "", l.names[i]);
	}
	if (o < sizeof(buf)) {
		if (parse_namelist(buf, &l2, &why) < 0 || l2.n != l.n)
			FAIL("parse_namelist round trip: \"%s\" -> \"%s\"", s, buf);
		namelist_free(&l2);
	}
	namelist_free(&l);
}

/* Words of s (cut at white space, in place) into argv; returns argc. */
static int split(char *s, char **argv, int max)
{
	int n = 0;

	for (char *w = strtok(s, " \t\n\r"); w && n < max; w = strtok(NULL, " \t\n\r"))
		argv[n++] = w;
	return n;
}

/*
 * Each field parsed, written back as its keyword and value, parses to an
 * equal value: what a plan or show --config prints, apply reads the same.
 */
static void roundtrip(const struct param *tab, const char *tabname, const struct obj *o)
{
	char *val = malloc(65536);

	if (!val)
		abort();
	for (const struct param *p = tab; p->word; p++) {
		int f = p->field;

		if (!obj_has(o, f) || param_by_field(tab, f) != p)
			continue;
		char *argv[3] = { NULL, NULL, NULL };
		int argc = 1;

		if (p->type == PT_FLAG) {
			argv[0] = (char *)p->word;
			for (const struct param *q = p; q->word; q++)
				if (q->field == f && q->min == o->v[f].u) {
					argv[0] = (char *)q->word;
					break;
				}
		} else {
			int n = val_format(p, &o->v[f], val, 65536);

			if (n < 0 || n >= 65536 || strlen(val) != (size_t)n)
				FAIL("%s %s: val_format says %d, wrote %zu", tabname, p->word, n,
				     strlen(val));
			argv[0] = (char *)p->word;
			argv[1] = val;
			argc = 2;
		}
		struct obj o2;

		obj_init(&o2);
		vnet_clear_error(ctx);
		if (param_parse(ctx, tab, tabname, argc, argv, 0, &o2) < 0)
			FAIL("%s: \"%s %s\" does not parse back: %s", tabname, argv[0],
			     argv[1] ? argv[1] : "", vnet_ctx_error(ctx)->msg);
		if (!obj_has(&o2, f) || !val_equal(p, &o->v[f], &o2.v[f]))
			FAIL("%s: \"%s %s\" parses back to another value", tabname, argv[0],
			     argv[1] ? argv[1] : "");
		obj_free(&o2);
	}
	free(val);
	/*
	 * The whole object as a statement writes it (plan lines): no overrun,
	 * and the whole length, as snprintf, when cut (a caller makes it whole).
	 */
	char line[512];
	int n = obj_format(tab, o, o->mask, line, sizeof(line));

	if (n < 0 || strlen(line) != (n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1))
		FAIL("%s: obj_format: %d, wrote %zu", tabname, n, strlen(line));
}

static void check_params(const struct param *tab, const char *tabname, const char *s)
{
	char *copy = strdup(s);
	size_t max = strlen(s) / 2 + 2;
	char **argv = calloc(max + 1, sizeof(char *));
	struct obj o;

	if (!copy || !argv)
		abort();
	int argc = split(copy, argv, (int)max);

	obj_init(&o);
	vnet_clear_error(ctx);
	if (param_parse(ctx, tab, tabname, argc, argv, 0, &o) == 0) {
		roundtrip(tab, tabname, &o);
	} else {
		const struct vnet_error *e = vnet_ctx_error(ctx);

		if (e->exit_code != VNET_EXIT_USAGE || !e->msg[0] || e->word >= argc)
			FAIL("%s: a parse error without a message or with a bad word (%d of %d)",
			     tabname, e->word, argc);
	}
	obj_free(&o);
	free(argv);
	free(copy);
}

static const struct {
	const char *name;
	const struct kind *k;
} tables[] = {
	{ "bridge", &kind_bridge }, { "bridge port", &kind_bridge_port },
	{ "bond", &kind_bond },	    { "bond slave", &kind_bond_slave },
	{ "bond active", &kind_bond_active }, { "vlan", &kind_vlan },
	{ "vf", &kind_vf },	    { "sea", &kind_sea },
	{ "veth", &kind_veth },
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

static void check_table(unsigned int t, const char *s)
{
	if (tables[t].k->params)
		check_params(tables[t].k->params, tables[t].name, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!ctx && !(ctx = vnet_ctx_new()))
		abort();
	if (size < 1)
		return 0;
	unsigned int sel = data[0];
	char *s = malloc(size);

	if (!s)
		abort();
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;

	/*
	 * Selector (low 5 bits): 0 parse_u64, 1 parse_bool, 2 parse_centisecs,
	 * 3 parse_mac, 4 parse_vlanlist, 5 parse_ifname, 6 parse_namelist,
	 * 7-15 param_parse on a kind's table (tables[] order), 16 and above
	 * every parser and table in turn. Bits 5-7 pick the bounds for 0 and 2.
	 */
	unsigned int which = sel & 31, b = (sel >> 5) % NBOUNDS;
	uint64_t u;
	const char *why;

	switch (which) {
	case 0:
		check_u64(s, b);
		break;
	case 1:
		if (parse_bool(s, &u, &why) == 0 && u > 1)
			FAIL("parse_bool(\"%s\") = %llu", s, (unsigned long long)u);
		break;
	case 2:
		check_centisecs(s, b);
		break;
	case 3:
		check_mac(s);
		break;
	case 4:
		check_vlanlist(s);
		break;
	case 5:
		check_ifname(s);
		break;
	case 6:
		check_namelist(s);
		break;
	default:
		if (which - 7 < NTABLES) {
			check_table(which - 7, s);
			break;
		}
		for (unsigned int i = 0; i < NBOUNDS; i++) {
			check_u64(s, i);
			check_centisecs(s, i);
		}
		parse_bool(s, &u, &why);
		check_mac(s);
		check_vlanlist(s);
		check_ifname(s);
		check_namelist(s);
		for (unsigned int t = 0; t < NTABLES; t++)
			check_table(t, s);
		break;
	}
	free(s);
	vnet_clear_error(ctx);
	return 0;
}
