// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the parsers, the keyword tables, the diff, request building and /sys paths. No root, no kernel. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "internal.h"
#include "kind.h"
#include "nl.h"
#include "sysfs.h"
#include "out.h"
#include "rules.h"

#include "check.h"

static void test_numbers(void)
{
	uint64_t v;
	const char *why;

	CHECK(parse_u64("10", 0, 100, &v, &why) == 0 && v == 10);
	CHECK(parse_u64("0", 0, 100, &v, &why) == 0 && v == 0);
	CHECK(parse_u64("101", 0, 100, &v, &why) < 0 && !strcmp(why, "out of range"));
	CHECK(parse_u64("-1", 0, 100, &v, &why) < 0);
	CHECK(parse_u64("+1", 0, 100, &v, &why) < 0);
	CHECK(parse_u64("0x10", 0, 100, &v, &why) < 0);
	CHECK(parse_u64("10a", 0, 100, &v, &why) < 0);
	CHECK(parse_u64(" 1", 0, 100, &v, &why) < 0);
	CHECK(parse_u64("", 0, 100, &v, &why) < 0);
	CHECK(parse_u64("18446744073709551615", 0, UINT64_MAX, &v, &why) == 0 && v == UINT64_MAX);
	CHECK(parse_u64("18446744073709551616", 0, UINT64_MAX, &v, &why) < 0);
	CHECK(parse_u64("99999999999999999999999", 0, UINT64_MAX, &v, &why) < 0);
	CHECK(parse_bool("on", &v, &why) == 0 && v == 1);
	CHECK(parse_bool("off", &v, &why) == 0 && v == 0);
	CHECK(parse_bool("maybe", &v, &why) < 0);
	CHECK(parse_bool("ON", &v, &why) < 0);
}

static void test_times(void)
{
	uint64_t v;
	const char *why;
	char buf[32];

	CHECK(parse_centisecs("15", 0, 3000, &v, &why) == 0 && v == 1500);
	CHECK(parse_centisecs("1.5", 0, 3000, &v, &why) == 0 && v == 150);
	CHECK(parse_centisecs("0.25", 0, 3000, &v, &why) == 0 && v == 25);
	CHECK(parse_centisecs("0", 0, 3000, &v, &why) == 0 && v == 0);
	CHECK(parse_centisecs("1.505", 0, 3000, &v, &why) < 0);
	CHECK(parse_centisecs("1.", 0, 3000, &v, &why) < 0);
	CHECK(parse_centisecs(".5", 0, 3000, &v, &why) < 0);
	CHECK(parse_centisecs("31", 0, 3000, &v, &why) < 0 && !strcmp(why, "out of range"));
	CHECK(parse_centisecs("1e3", 0, 3000, &v, &why) < 0);
	format_centisecs(150, buf, sizeof(buf));
	CHECK(!strcmp(buf, "1.5"));
	format_centisecs(1500, buf, sizeof(buf));
	CHECK(!strcmp(buf, "15"));
	format_centisecs(25, buf, sizeof(buf));
	CHECK(!strcmp(buf, "0.25"));
	/* What the kernel reads back: to jiffies and back, rounding down each way. */
	CHECK(centisecs_at_hz(123, 250) == 122 && centisecs_at_hz(122, 250) == 122);
	CHECK(centisecs_at_hz(1500, 250) == 1500 && centisecs_at_hz(121, 250) == 120);
	CHECK(centisecs_at_hz(1500, 300) == 1499 && centisecs_at_hz(0, 300) == 0);
	CHECK(centisecs_at_hz(123, 100) == 123 && centisecs_at_hz(123, 1000) == 123);
	CHECK(centisecs_at_hz(100000000, 1000) == 100000000 && centisecs_at_hz(123, 0) == 123);
}

static void test_mac(void)
{
	uint8_t m[6];
	const char *why;
	char buf[32];

	CHECK(parse_mac("02:00:00:00:00:01", m, &why) == 0 && m[0] == 2 && m[5] == 1);
	CHECK(parse_mac("02:AB:cd:00:00:01", m, &why) == 0 && m[1] == 0xab && m[2] == 0xcd);
	CHECK(parse_mac("01:00:5e:00:00:01", m, &why) < 0 && strstr(why, "multicast"));
	CHECK(parse_mac("00:00:00:00:00:00", m, &why) < 0 && strstr(why, "zero"));
	CHECK(parse_mac("02:00:00:00:00", m, &why) < 0);
	CHECK(parse_mac("02:00:00:00:00:01:02", m, &why) < 0);
	CHECK(parse_mac("02-00-00-00-00-01", m, &why) < 0);
	CHECK(parse_mac("02:00:00:00:00:0g", m, &why) < 0);
	/* one hex digit an octet, as ip takes it */
	CHECK(parse_mac("2:0:0:0:0:1", m, &why) == 0 && m[0] == 2 && m[4] == 0 && m[5] == 1);
	CHECK(parse_mac("2:a:Bc:0:10:f", m, &why) == 0 && m[1] == 0xa && m[2] == 0xbc && m[4] == 0x10 &&
	      m[5] == 0xf);
	CHECK(parse_mac("2:0:0:0:0:", m, &why) < 0);
	CHECK(parse_mac("2::0:0:0:1", m, &why) < 0);
	CHECK(parse_mac("2:0:0:0:0:123", m, &why) < 0);
	CHECK(parse_mac("002:0:0:0:0:1", m, &why) < 0);
	CHECK(parse_mac("2:0:0:0:0:1:", m, &why) < 0);
	CHECK(parse_mac(":2:0:0:0:0:1", m, &why) < 0);
	CHECK(parse_mac("3:0:0:0:0:1", m, &why) < 0 && strstr(why, "multicast"));
	CHECK(parse_mac("0:0:0:0:0:0", m, &why) < 0 && strstr(why, "zero"));
	parse_mac("02:00:00:ab:00:01", m, &why);
	format_mac(m, buf, sizeof(buf));
	CHECK(!strcmp(buf, "02:00:00:ab:00:01"));
}

static void test_vlans(void)
{
	struct vlanset s;
	const char *why;
	char buf[128];

	CHECK(parse_vlanlist("3,10-20,100", &s, &why) == 0);
	CHECK(vlanset_has(&s, 3) && vlanset_has(&s, 10) && vlanset_has(&s, 20) &&
	      vlanset_has(&s, 100) && !vlanset_has(&s, 21) && !vlanset_has(&s, 4));
	vlanset_format(&s, buf, sizeof(buf));
	CHECK(!strcmp(buf, "3,10-20,100"));
	CHECK(parse_vlanlist("1-4094", &s, &why) == 0);
	vlanset_format(&s, buf, sizeof(buf));
	CHECK(!strcmp(buf, "1-4094"));
	CHECK(parse_vlanlist("none", &s, &why) == 0 && vlanset_empty(&s));
	vlanset_format(&s, buf, sizeof(buf));
	CHECK(!strcmp(buf, "none"));
	CHECK(parse_vlanlist("20-10", &s, &why) < 0 && strstr(why, "upwards"));
	CHECK(parse_vlanlist("3,1-5", &s, &why) < 0 && strstr(why, "twice"));
	CHECK(parse_vlanlist("0", &s, &why) < 0);
	CHECK(parse_vlanlist("4095", &s, &why) < 0);
	CHECK(parse_vlanlist("3,", &s, &why) < 0);
	CHECK(parse_vlanlist(",3", &s, &why) < 0);
	CHECK(parse_vlanlist("3-", &s, &why) < 0);
	CHECK(parse_vlanlist("a", &s, &why) < 0);
	CHECK(parse_vlanlist("", &s, &why) < 0);

	struct vlan_entry *e = NULL;
	int n = 0;

	parse_vlanlist("5,7-9", &s, &why);
	vlan_entries_add(&e, &n, &s, BRIDGE_VLAN_INFO_UNTAGGED);
	CHECK(n == 2 && e[0].vid == 5 && e[0].vid_end == 5 && e[1].vid == 7 && e[1].vid_end == 9 &&
	      e[1].flags == BRIDGE_VLAN_INFO_UNTAGGED);
	free(e);
}

/* A long text fitted into a message: the middle gives way, the tail stays. */
static void test_fit(void)
{
	static char big[16384];
	char out[100];
	const char *cut;
	unsigned int a, b;
	int n;

	str_fit(out, sizeof(out), "bridge br0: create");
	CHECK(!strcmp(out, "bridge br0: create"));

	n = snprintf(big, sizeof(big), "bridge br0 port p1: add vlans 2");
	for (unsigned int v = 4; v <= 4094; v += 2)
		n += snprintf(big + n, sizeof(big) - (size_t)n, ",%u", v);
	snprintf(big + n, sizeof(big) - (size_t)n, ": failed (Operation not supported)");
	str_fit(out, sizeof(out), big);
	CHECK(strlen(out) < sizeof(out) && strlen(out) > sizeof(out) - 16);
	CHECK(!strncmp(out, "bridge br0 port p1: add vlans 2,", 32));
	CHECK(strstr(out, ",4094: failed (Operation not supported)") != NULL);
	/* At commas, so that no number is cut in two: "2,...,4066,4068" */
	CHECK((cut = strstr(out, ",...,")) != NULL);
	CHECK(sscanf(cut + 5, "%u,%u", &a, &b) == 2 && a % 2 == 0 && b == a + 2);

	/* No separator near: the cut falls where it falls; too short to mark: as snprintf. */
	memset(big, 'x', 300);
	big[300] = 0;
	str_fit(out, sizeof(out), big);
	CHECK(strlen(out) == sizeof(out) - 1 && strstr(out, "x...x"));
	str_fit(out, 8, big);
	CHECK(!strcmp(out, "xxxxxxx"));
	big[99] = 0;
	str_fit(out, sizeof(out), big);
	CHECK(!strcmp(out, big));
}

static void test_names(void)
{
	const char *why;
	struct namelist l;

	CHECK(parse_ifname("eth0", &why) == 0);
	CHECK(parse_ifname("abcdefghijklmno", &why) == 0);  /* 15 bytes */
	CHECK(parse_ifname("abcdefghijklmnop", &why) < 0); /* 16 */
	CHECK(parse_ifname("", &why) < 0);
	CHECK(parse_ifname("a/b", &why) < 0);
	CHECK(parse_ifname("..", &why) < 0);
	CHECK(parse_ifname(".", &why) < 0);
	CHECK(parse_ifname("a b", &why) < 0);
	CHECK(parse_ifname("a\nb", &why) < 0);
	CHECK(parse_ifname("a:b", &why) < 0);
	CHECK(parse_ifname("br%d", &why) < 0 && strstr(why, "template"));
	CHECK(parse_ifname("a\xff", &why) < 0);
	CHECK(parse_ifname("caf\xc3\xa9", &why) == 0);
	CHECK(parse_namelist("eth0,eth1", &l, &why) == 0 && l.n == 2 &&
	      !strcmp(l.names[1], "eth1"));
	namelist_free(&l);
	CHECK(parse_namelist("eth0,eth0", &l, &why) < 0);
	CHECK(parse_namelist("eth0,", &l, &why) < 0);
	CHECK(parse_namelist("eth0,a/b", &l, &why) < 0);
}

static int parse_words(struct vnet_ctx *ctx, const struct param *tab, struct obj *o, int argc,
		       char **argv)
{
	obj_init(o);
	return param_parse(ctx, tab, "bridge br0", argc, argv, 0, o);
}

static const struct param *field_of(const struct param *tab, const char *word)
{
	for (; tab->word; tab++)
		if (!strcmp(tab->word, word))
			return tab;
	return NULL;
}

static void test_params(void)
{
	struct vnet_ctx *ctx = vnet_ctx_new();
	const struct param *tab = kind_bridge.params;
	struct obj o;

	char *ok[] = { "stp", "on", "forward-delay", "1.5", "vlan-protocol", "802.1ad",
		       "default-pvid", "none", "ports", "a,b", "up" };
	CHECK(parse_words(ctx, tab, &o, 11, ok) == 0);
	CHECK(obj_has(&o, field_of(tab, "stp")->field) && o.v[field_of(tab, "stp")->field].u == 1);
	CHECK(o.v[field_of(tab, "forward-delay")->field].u == 150);
	CHECK(o.v[field_of(tab, "vlan-protocol")->field].u == 0x88a8);
	CHECK(o.v[field_of(tab, "default-pvid")->field].u == 0);
	CHECK(o.v[field_of(tab, "ports")->field].names.n == 2);
	CHECK(o.v[field_of(tab, "up")->field].u == 1);
	obj_free(&o);

	char *unknown[] = { "stp", "on", "prio", "3" };
	CHECK(parse_words(ctx, tab, &o, 4, unknown) < 0 && ctx->err.word == 2 &&
	      ctx->err.exit_code == VNET_EXIT_USAGE && strstr(ctx->err.msg, "\"prio\""));
	obj_free(&o);
	char *missing[] = { "priority" };
	CHECK(parse_words(ctx, tab, &o, 1, missing) < 0 && ctx->err.word == 0 &&
	      strstr(ctx->err.msg, "value is required"));
	obj_free(&o);
	char *range[] = { "priority", "70000" };
	CHECK(parse_words(ctx, tab, &o, 2, range) < 0 && ctx->err.word == 1 &&
	      strstr(ctx->err.msg, "70000") && strstr(ctx->err.msg, "0-65535"));
	obj_free(&o);
	char *badbool[] = { "stp", "maybe" };
	CHECK(parse_words(ctx, tab, &o, 2, badbool) < 0 && ctx->err.word == 1 &&
	      strstr(ctx->err.msg, "maybe") && strstr(ctx->err.msg, "on or off"));
	obj_free(&o);
	char *twice[] = { "stp", "on", "stp", "off" };
	CHECK(parse_words(ctx, tab, &o, 4, twice) < 0 && ctx->err.word == 2 &&
	      strstr(ctx->err.msg, "twice"));
	obj_free(&o);
	char *updown[] = { "up", "down" };
	CHECK(parse_words(ctx, tab, &o, 2, updown) < 0 && strstr(ctx->err.msg, "conflicts"));
	obj_free(&o);
	char *fd[] = { "forward-delay", "31" };
	CHECK(parse_words(ctx, tab, &o, 2, fd) < 0 && strstr(ctx->err.msg, "0-30"));
	obj_free(&o);

	const struct param *ptab = kind_bridge.port_params;
	char *port[] = { "priority", "64" };
	CHECK(parse_words(ctx, ptab, &o, 2, port) < 0 && strstr(ctx->err.msg, "0-63"));
	obj_free(&o);
	char *pv[] = { "pvid", "3", "untagged", "3", "vlans", "10-20" };
	CHECK(parse_words(ctx, ptab, &o, 6, pv) == 0);
	CHECK(vlanset_has(o.v[field_of(ptab, "vlans")->field].vlans, 15));
	obj_free(&o);
	vnet_ctx_free(ctx);
}

/* Every keyword of every table has a value syntax (or is bare) and help text. */
static void test_tables(void)
{
	const struct param *tabs[] = { kind_bridge.params, kind_bridge.port_params };

	for (size_t t = 0; t < 2; t++)
		for (const struct param *p = tabs[t]; p->word; p++) {
			CHECK(p->help && p->help[0]);
			CHECK((p->type == PT_FLAG) == (p->value == NULL));
			CHECK(p->field < MAX_FIELDS);
			for (const struct param *q = p + 1; q->word; q++)
				CHECK(strcmp(p->word, q->word) != 0);
		}
	int n = 0;

	for (const struct vnet_verb *v = vnet_verbs(); v->object; v++)
		n++;
	CHECK(n >= 7);
}

/*
 * The kernel's ordering rules, as both planners ask them (lib/rules.c): STP
 * off goes first and alone when the timers change with it, and not
 * otherwise; a bond's mode needs its slaves released and the bond down;
 * only a bond wants a port down to join, opens it and closes it.
 */
static void test_rules(void)
{
	struct vnet_ctx *ctx = vnet_ctx_new();
	const struct param *tab = kind_bridge.params;
	uint32_t stp = 1U << field_of(tab, "stp")->field;
	struct obj o;
	struct field_rules fr;

	char *off[] = { "stp", "off", "forward-delay", "0", "priority", "1" };
	parse_words(ctx, tab, &o, 6, off);
	CHECK(rules_alone_first(tab, &o, o.mask) == stp);
	CHECK(rules_alone_first(tab, &o, o.mask & ~(1U << field_of(tab, "forward-delay")->field)) == 0);
	CHECK(rules_alone_first(tab, &o, stp) == 0);
	obj_free(&o);
	char *on[] = { "stp", "on", "forward-delay", "15" };
	parse_words(ctx, tab, &o, 4, on);
	CHECK(rules_alone_first(tab, &o, o.mask) == 0);
	obj_free(&o);

	const struct param *btab = kind_bond.params;
	uint32_t mode = 1U << field_of(btab, "mode")->field, fom = 1U << field_of(btab, "fail-over-mac")->field;

	rules_fields(btab, mode, &fr);
	CHECK(rules_release_ports(&fr) && rules_down_first(&fr));
	rules_fields(btab, fom, &fr);
	CHECK(rules_release_ports(&fr) && !rules_down_first(&fr));
	rules_fields(btab, 1U << field_of(btab, "miimon")->field, &fr);
	CHECK(!rules_release_ports(&fr) && !rules_down_first(&fr));
	CHECK(rules_port("bond")->down_to_join && rules_port("bond")->opens_on_join &&
	      rules_port("bond")->closes_on_leave && rules_port("bond")->ordered);
	CHECK(!rules_port("bridge")->down_to_join && !rules_port("bridge")->closes_on_leave);
	CHECK(!rules_port(NULL)->down_to_join && !rules_port("dummy")->opens_on_join);
	vnet_ctx_free(ctx);
}

static void test_diff(void)
{
	struct vnet_ctx *ctx = vnet_ctx_new();
	const struct param *tab = kind_bridge.params;
	struct obj want, cur;
	char txt[256];

	char *w[] = { "stp", "on", "priority", "4096", "up" };
	parse_words(ctx, tab, &want, 5, w);
	char *c[] = { "stp", "on", "priority", "32768", "down" };
	parse_words(ctx, tab, &cur, 5, c);
	uint32_t m = obj_diff(tab, &want, &cur, PN_INFO);
	CHECK(m == (1U << field_of(tab, "priority")->field));
	CHECK(obj_diff(tab, &want, &cur, PN_FLAGS) == (1U << field_of(tab, "up")->field));
	obj_format_changes(tab, &want, &cur, m, txt, sizeof(txt));
	CHECK(!strcmp(txt, "priority 32768 -> 4096"));
	CHECK(obj_diff(tab, &want, &want, PN_INFO) == 0);
	obj_format(tab, &want, want.mask, txt, sizeof(txt));
	CHECK(!strcmp(txt, "stp on priority 4096 up"));
	obj_free(&want);
	obj_free(&cur);

	/* A time matches what the kernel keeps of it, at the kernel's HZ. */
	const struct param *fwd = field_of(tab, "forward-delay");
	struct val a = { .u = 123 }, b = { .u = 122 }, d = { .u = 121 };

	kernel_hz_assume(250);
	CHECK(val_equal(fwd, &a, &b) && val_equal(fwd, &b, &b) && !val_equal(fwd, &a, &d));
	CHECK(!val_equal(fwd, &d, &b)); /* 1.21 is kept as 1.20 */
	kernel_hz_assume(300);
	a.u = 1500, b.u = 1499;
	CHECK(val_equal(fwd, &a, &b) && val_equal(fwd, &b, &b) && !val_equal(fwd, &b, &a));
	kernel_hz_assume(1000);
	a.u = 123, b.u = 122;
	CHECK(!val_equal(fwd, &a, &b) && val_equal(fwd, &a, &a));
	kernel_hz_assume(0);
	vnet_ctx_free(ctx);
}

/*
 * Plan lines are whole however long: a port's 2047 separate VLANs, a bridge
 * made with 300 ports. A formatter cut by its buffer still counts the
 * whole length, as snprintf does.
 */
static void test_long_lines(void)
{
	static char want_line[16384];
	struct vnet_ctx *ctx = vnet_ctx_new();
	struct plan plan = { 0 };
	struct portvlan none = { 0 }, want = { 0 };
	const struct param *tab = kind_bridge.params;
	int n = snprintf(want_line, sizeof(want_line), "bridge br0 port a: add vlans 2");

	for (unsigned int v = 2; v < 4095; v += 2) {
		vlanset_add(&want.member, v);
		if (v > 2)
			n += snprintf(want_line + n, sizeof(want_line) - (size_t)n, ",%u", v);
	}
	snprintf(want_line + n, sizeof(want_line) - (size_t)n, ", 3 pvid untagged");
	vlanset_add(&want.member, 3);
	vlanset_add(&want.untagged, 3);
	want.pvid = 3;
	plan_port_vlans(&plan, "bridge br0 port a", "a", &none, &want, 0);
	CHECK(plan.n == 1 && !strcmp(plan.ops[0].text, want_line));

	/* 300 ports: "ports p0,p1,...,p299", 2 KB. */
	char words[4096], *argv[2] = { "ports", words }, cut[64], small[16], *whole;
	struct obj o;

	n = 0;
	for (int i = 0; i < 300; i++)
		n += snprintf(words + n, sizeof(words) - (size_t)n, "%sp%d", i ? "," : "", i);
	CHECK(parse_words(ctx, tab, &o, 2, argv) == 0);
	CHECK(obj_format(tab, &o, o.mask, cut, sizeof(cut)) == (int)strlen("ports ") + n);
	CHECK(strlen(cut) == sizeof(cut) - 1 && !strncmp(cut, "ports p0,p1,", 12));
	whole = TEXT_WHOLE(small, obj_format, tab, &o, o.mask);
	CHECK(!strncmp(whole, "ports ", 6) && !strcmp(whole + 6, words));
	TEXT_FREE(small, whole);
	whole = TEXT_WHOLE(small, obj_format_changes, tab, &o, &obj_empty, o.mask);
	CHECK(!strncmp(whole, "ports ", 6) && !strcmp(whole + 6, words));
	TEXT_FREE(small, whole);
	obj_free(&o);
	plan_free(&plan);
	vnet_ctx_free(ctx);
}

/* The VLAN request: AF_BRIDGE, IFLA_AF_SPEC, a range as begin/end entries. */
static void test_vlan_request(void)
{
	struct vnet_ctx *ctx = vnet_ctx_new();
	struct plan plan = { 0 };
	struct vlanset s;
	const char *why;
	char *buf = malloc(NLM_REQ_SIZE);

	vnet_ctx_set_flags(ctx, VNET_F_DRY_RUN);
	struct op *op = plan_add(&plan, OP_VLAN_ADD, &kind_bridge, "eth0");

	parse_vlanlist("10-20", &s, &why);
	vlan_entries_add(&op->vlans, &op->nvlans, &s, 0);
	parse_vlanlist("3", &s, &why);
	vlan_entries_add(&op->vlans, &op->nvlans, &s,
			 BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED);
	struct nlmsghdr *nlh = op_build(ctx, op, buf);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct nlattr *a, *v;
	struct bridge_vlan_info got[4];
	int n = 0;

	CHECK(nlh->nlmsg_type == RTM_SETLINK && ifm->ifi_family == AF_BRIDGE);
	mnl_attr_for_each(a, nlh, sizeof(*ifm)) {
		CHECK(mnl_attr_get_type(a) == IFLA_AF_SPEC);
		mnl_attr_for_each_nested(v, a) {
			CHECK(mnl_attr_get_type(v) == IFLA_BRIDGE_VLAN_INFO);
			if (n < 4)
				memcpy(&got[n], mnl_attr_get_payload(v), sizeof(got[0]));
			n++;
		}
	}
	CHECK(n == 3);
	CHECK(got[0].vid == 10 && got[0].flags == BRIDGE_VLAN_INFO_RANGE_BEGIN);
	CHECK(got[1].vid == 20 && got[1].flags == BRIDGE_VLAN_INFO_RANGE_END);
	CHECK(got[2].vid == 3 &&
	      got[2].flags == (BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED));

	/*
	 * The largest VLAN request: VLANs 1-4094 with every other one untagged,
	 * 4094 entries of their own, and for the bridge's own entries ("self")
	 * the flags first; it fits the buffer (ASan watches).
	 */
	struct op *big = plan_add(&plan, OP_VLAN_ADD, &kind_bridge, "br0");
	struct vlanset odd = { 0 }, even = { 0 };
	int self_first = 0;

	big->self = 1;
	for (unsigned int id = 1; id < VLAN_N - 1; id++)
		vlanset_add(id % 2 ? &odd : &even, id);
	vlan_entries_add(&big->vlans, &big->nvlans, &odd, BRIDGE_VLAN_INFO_UNTAGGED);
	vlan_entries_add(&big->vlans, &big->nvlans, &even, 0);
	nlh = op_build(ctx, big, buf);
	n = 0;
	mnl_attr_for_each(a, nlh, sizeof(*ifm))
		mnl_attr_for_each_nested(v, a) {
			if (n++ == 0)
				self_first = mnl_attr_get_type(v) == IFLA_BRIDGE_FLAGS &&
					     mnl_attr_get_u16(v) == BRIDGE_FLAGS_SELF;
		}
	CHECK(n == 4095 && self_first && nlh->nlmsg_len <= NLM_REQ_SIZE);

	/* A bridge change request: only the fields asked for, in IFLA_INFO_DATA. */
	struct op *set = plan_add(&plan, OP_SET, &kind_bridge, "br0");
	const struct param *prio = field_of(kind_bridge.params, "priority");

	obj_set_u(op_obj_w(set), prio->field, 4096);
	obj_set_u(op_obj_w(set), field_of(kind_bridge.params, "stp")->field, 1);
	set->fields = 1U << prio->field;
	nlh = op_build(ctx, set, buf);
	int nattrs = 0, prio_ok = 0;

	mnl_attr_for_each(a, nlh, sizeof(*ifm)) {
		if (mnl_attr_get_type(a) != IFLA_LINKINFO)
			continue;
		mnl_attr_for_each_nested(v, a) {
			struct nlattr *d;

			if (mnl_attr_get_type(v) != IFLA_INFO_DATA)
				continue;
			mnl_attr_for_each_nested(d, v) {
				nattrs++;
				if (mnl_attr_get_type(d) == IFLA_BR_PRIORITY &&
				    mnl_attr_get_u16(d) == 4096)
					prio_ok = 1;
			}
		}
	}
	CHECK(nattrs == 1 && prio_ok);
	plan_free(&plan);
	free(buf);
	vnet_ctx_free(ctx);
}

/* One RTM_NEWLINK as a dump brings it: index, name, master, kind and the kind's data. */
static struct nlmsghdr *dumped_link(char *buf, int index, const char *name, int master,
				    const char *kind, const char *slave_kind, uint16_t attr,
				    uint32_t value)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	struct nlattr *li, *d;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifm->ifi_index = index;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1500);
	if (master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	if (kind)
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	if (slave_kind)
		mnl_attr_put_strz(nlh, IFLA_INFO_SLAVE_KIND, slave_kind);
	d = mnl_attr_nest_start(nlh, slave_kind ? IFLA_INFO_SLAVE_DATA : IFLA_INFO_DATA);
	if (attr == IFLA_BR_PRIORITY && !slave_kind)
		mnl_attr_put_u16(nlh, attr, (uint16_t)value);
	else if (attr == IFLA_VLAN_ID && kind && !strcmp(kind, "vlan"))
		mnl_attr_put_u16(nlh, attr, (uint16_t)value);
	else if (attr == IFLA_BOND_MODE && !slave_kind)
		mnl_attr_put_u8(nlh, attr, (uint8_t)value);
	else
		mnl_attr_put_u32(nlh, attr, value);
	mnl_attr_nest_end(nlh, d);
	mnl_attr_nest_end(nlh, li);
	return nlh;
}

/* Dumped links keep each kind's fields in an object sized by the table that fills it. */
static void test_decode(void)
{
	struct state st;
	char buf[1024], name[16], line[512];

	CHECK(state_init(&st) == 0);
	state_decode_msg(&st, dumped_link(buf, 2, "br0", 0, "bridge", NULL, IFLA_BR_PRIORITY, 4096),
			 AF_UNSPEC);
	state_decode_msg(&st, dumped_link(buf, 3, "bond0", 0, "bond", NULL, IFLA_BOND_MODE, 1),
			 AF_UNSPEC);
	state_decode_msg(&st, dumped_link(buf, 4, "e0", 3, NULL, "bond",
					  IFLA_BOND_SLAVE_LINK_FAILURE_COUNT, 7), AF_UNSPEC);
	/* A VLAN with no flag set comes without IFLA_VLAN_FLAGS: every flag is off. */
	state_decode_msg(&st, dumped_link(buf, 5, "e0.5", 0, "vlan", NULL, IFLA_VLAN_ID, 5),
			 AF_UNSPEC);
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "v%d", i);
		state_decode_msg(&st, dumped_link(buf, 10 + i, name, 0, "veth", NULL, 1, 0), AF_UNSPEC);
	}
	const struct link *br = state_by_name(&st, "br0"), *bond = state_by_name(&st, "bond0");
	const struct link *e0 = state_by_name(&st, "e0");

	CHECK(br && bond && e0 && !state_by_name(&st, "v100"));
	if (!br || !bond || !e0)
		goto out;
	CHECK(link_kobj(br)->nv == param_fields(kind_bridge.params) && link_kobj(br)->nv < MAX_FIELDS);
	obj_format(kind_bridge.params, link_kobj(br), link_kobj(br)->mask, line, sizeof(line));
	CHECK(!strcmp(line, "priority 4096"));
	obj_format(kind_bond.params, link_kobj(bond), link_kobj(bond)->mask, line, sizeof(line));
	CHECK(!strcmp(line, "mode active-backup"));
	const struct link *vl = state_by_name(&st, "e0.5");

	CHECK(vl != NULL);
	if (vl) {
		obj_format(kind_vlan.params, link_kobj(vl), link_kobj(vl)->mask, line, sizeof(line));
		CHECK(!strcmp(line, "id 5 reorder-hdr off gvrp off mvrp off loose-binding off bridge-binding off"));
	}
	/* A bond slave's fields come from the bond's own table, not the bridge port's. */
	CHECK(link_pobj(e0)->mask != 0 && !br->pobj && !br->vl && !br->alias);
	int found = 0;

	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "v%d", i);
		const struct link *l = state_by_name(&st, name);

		found += l && l->ifindex == 10 + i;
	}
	CHECK(found == 100);
out:
	state_free(&st);
}

/*
 * bond show's run-time facts are described once (struct view_fact): the
 * text's /proc/net/bonding lines and -j's keys carry the same values.
 */
static void test_bond_facts(void)
{
	struct vnet_ctx *ctx = vnet_ctx_new();
	struct stmt s = { .kind = &kind_bond, .verb = V_SHOW };
	struct state st;
	char buf[1024], *out = NULL;
	size_t len = 0;
	FILE *f;

	CHECK(state_init(&st) == 0);
	state_decode_msg(&st, dumped_link(buf, 3, "bond0", 0, "bond", NULL, IFLA_BOND_MODE, 4), AF_UNSPEC);
	state_decode_msg(&st, dumped_link(buf, 4, "e0", 3, NULL, "bond", IFLA_BOND_SLAVE_LINK_FAILURE_COUNT, 7),
			 AF_UNSPEC);
	st.what = ST_LINKS | ST_ADDRS; /* lent to show as vnetctl show lends its reading */
	ctx->shared = &st;
	for (int json = 0; json < 2; json++) {
		f = open_memstream(&out, &len);
		vnet_ctx_set_output(ctx, f);
		vnet_ctx_set_flags(ctx, json ? VNET_F_JSON : 0);
		CHECK(kind_bond.show(ctx, &s, NULL, 0) == 0);
		fclose(f);
		if (!json)
			CHECK(strstr(out, "\nSlave Interface: e0\nState: active\nMII Status: up\n"
					  "Link Failure Count: 7\n") && strstr(out, "\nAggregator ID: 0\n"));
		else
			CHECK(strstr(out, "\"name\":\"e0\",\"state\":\"active\",\"mii_status\":\"up\","
					  "\"link_failure_count\":7,") && strstr(out, "\"aggregator_id\":0"));
		if (!out || !strstr(out, "e0"))
			fprintf(stderr, "bond show: %s\n", out ? out : "(nothing)");
		free(out);
		out = NULL;
	}
	ctx->shared = NULL;
	vnet_ctx_free(ctx);
	state_free(&st);
}

/*
 * A veth pair's simulated create (a SEA's new adapter) adds two links; the
 * second may move the array (here it does: 63 links fill all but one place
 * of the first 64), and the pair must still point at each other.
 */
static void test_simulate(void)
{
	struct state st = { 0 };
	struct plan plan = { 0 };
	char name[VNET_NAMSIZ];

	for (int i = 0; i < 63; i++) {
		snprintf(name, sizeof(name), "x%d", i);
		state_sim_link(&st, name, "bridge");
	}
	struct op *op = plan_add(&plan, OP_CREATE, &kind_veth, "ent0");
	int peer = field_of(kind_veth.params, "peer")->field, up = field_of(kind_veth.params, "up")->field;

	namelist_add(&op_obj_w(op)->v[peer].names, "ent0-peer");
	op_obj_w(op)->mask |= 1U << peer;
	obj_set_u(op_obj_w(op), up, 1);
	op->fields = (1U << peer) | (1U << up);
	state_simulate(&st, op);
	struct link *a = state_by_name(&st, "ent0"), *b = state_by_name(&st, "ent0-peer");

	CHECK(st.n == 65 && a && b);
	if (a && b) {
		CHECK(a->link == b->ifindex && b->link == a->ifindex);
		CHECK((a->flags & IFF_UP) && a->mtu == 1500 && b->mtu == 1500);
	}
	plan_free(&plan);
	state_free(&st);

	/* A deleted veth, and its peer with it, is no port of its bridge any more. */
	struct state s2 = { 0 };
	struct plan p2 = { 0 };

	state_sim_link(&s2, "br0", "bridge");
	state_sim_link(&s2, "v1", "veth");
	state_sim_link(&s2, "p1", "veth");
	struct link *br = state_by_name(&s2, "br0"), *v = state_by_name(&s2, "v1");
	struct link *pv = state_by_name(&s2, "p1");

	v->link = pv->ifindex, pv->link = v->ifindex;
	v->master = pv->master = br->ifindex;
	link_pobj_w(v);
	state_simulate(&s2, plan_add(&p2, OP_DELETE, &kind_veth, "v1"));
	CHECK(v->deleted && pv->deleted && !v->master && !pv->master && !v->pobj);
	CHECK(!state_port(&s2, br, NULL));
	plan_free(&p2);
	state_free(&s2);
}

/*
 * /sys: names from the kernel are single path parts; a write goes only to a
 * device's own attribute. Against a fixture tree (the context's sysfs root).
 */
static void test_sysfs(void)
{
	struct vnet_ctx *ctx = vnet_ctx_new();
	char root[] = "/tmp/vnet-sysfs-XXXXXX", path[512], rel[256], text[32] = { 0 };
	uint64_t v = 0;
	FILE *f;

	CHECK(sysfs_name_ok("pci") && sysfs_name_ok("0000:03:00.0") && sysfs_name_ok("netdevsim1"));
	CHECK(!sysfs_name_ok("") && !sysfs_name_ok(".") && !sysfs_name_ok(".."));
	CHECK(!sysfs_name_ok("a/b") && !sysfs_name_ok("a b") && !sysfs_name_ok("a\n"));
	CHECK(!sysfs_name_ok("\xff") && !sysfs_name_ok("0123456789012345678901234567890123456789012345678901234567890123"));
	CHECK(sysfs_dev_path(ctx, "pci", "0000:03:00.0", "sriov_numvfs", rel, sizeof(rel)) == 0);
	CHECK(!strcmp(rel, "bus/pci/devices/0000:03:00.0/sriov_numvfs"));
	CHECK(sysfs_dev_path(ctx, "pci", "..", "sriov_numvfs", rel, sizeof(rel)) == -EINVAL);
	CHECK(sysfs_dev_path(ctx, "pci", "../../../etc", "x", rel, sizeof(rel)) == -EINVAL);
	CHECK(sysfs_dev_path(ctx, "pci", "d", "a", rel, 10) == -ENAMETOOLONG);
	CHECK(sysfs_rel_ok("bus/pci/devices/0000:03:00.0/sriov_numvfs"));
	CHECK(!sysfs_rel_ok("/sys/bus/pci/devices/d/sriov_numvfs"));
	CHECK(!sysfs_rel_ok("bus/pci/devices/d/../../../../etc/passwd"));
	CHECK(!sysfs_rel_ok("bus/pci/devices/d/sub/attr") && !sysfs_rel_ok("bus/pci/devices/d/attr/"));
	CHECK(!sysfs_rel_ok("bus/pci/drivers/d/bind") && !sysfs_rel_ok("class/net/eth0/mtu"));
	CHECK(!sysfs_rel_ok("bus/pci/devices//attr") && !sysfs_rel_ok(""));

	if (!mkdtemp(root)) {
		CHECK(!"mkdtemp");
		vnet_ctx_free(ctx);
		return;
	}
	snprintf(ctx->sysfs_root, sizeof(ctx->sysfs_root), "%s", root);
	snprintf(path, sizeof(path), "mkdir -p %s/bus/pci/devices/0000:03:00.0", root);
	CHECK(system(path) == 0);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:03:00.0/sriov_numvfs", root);
	f = fopen(path, "w");
	if (f) {
		fputs("4\n", f);
		fclose(f);
	}
	CHECK(sysfs_dev_read(ctx, "pci", "0000:03:00.0", "sriov_numvfs", &v) == 0 && v == 4);
	CHECK(sysfs_dev_read(ctx, "pci", "..", "sriov_numvfs", &v) == -EINVAL);
	CHECK(sysfs_write(ctx, "bus/pci/devices/0000:03:00.0/sriov_numvfs", 2) == 0);
	f = fopen(path, "r");
	if (f) {
		CHECK(fgets(text, sizeof(text), f) && !strcmp(text, "2\n"));
		fclose(f);
	}
	/*
	 * Refused before any file is opened: the first names a file that exists
	 * (sriov_numvfs, by way of ".."), and it keeps the value written above.
	 */
	CHECK(sysfs_write(ctx, "bus/pci/devices/0000:03:00.0/../0000:03:00.0/sriov_numvfs", 7) == -EINVAL);
	CHECK(sysfs_write(ctx, "bus/pci/devices/0000:03:00.0/../escape", 1) == -EINVAL);
	CHECK(sysfs_write(ctx, "bus/pci/devices/new", 1) == -EINVAL);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/escape", root);
	CHECK(access(path, F_OK) < 0);
	CHECK(sysfs_dev_read(ctx, "pci", "0000:03:00.0", "sriov_numvfs", &v) == 0 && v == 2);
	snprintf(path, sizeof(path), "rm -rf %s", root);
	CHECK(system(path) == 0);
	vnet_ctx_free(ctx);
}

int main(void)
{
	test_numbers();
	test_times();
	test_mac();
	test_vlans();
	test_fit();
	test_names();
	test_params();
	test_tables();
	test_diff();
	test_rules();
	test_long_lines();
	test_vlan_request();
	test_decode();
	test_bond_facts();
	test_simulate();
	test_sysfs();
	printf("%d checks passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
