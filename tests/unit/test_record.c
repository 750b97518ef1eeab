// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the rollback planner (lib/record.c): a record of the host
 * before a plan, a reading after it failed half-way, and the steps back.
 * The readings are dump messages as the kernel sends them, made up here;
 * no root, no kernel.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "record.h"

#include "check.h"

/* One dumped link: what a test sets of it. */
struct dl {
	int index;
	const char *name, *kind;
	int master, link, up;
	unsigned int mtu;
	uint8_t mac[6];
	uint8_t perm[6]; /* a bond slave's own MAC: set, the link is a slave of a bond */
	/* kind data: up to four u32/u16/u8 attributes */
	struct {
		uint16_t type;
		uint8_t width;
		uint32_t value;
	} data[4];
};

static void put_link(struct state *st, const struct dl *d)
{
	char buf[2048];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	struct nlattr *li, *data;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifm->ifi_index = d->index;
	ifm->ifi_flags = d->up ? IFF_UP : 0;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, d->name);
	mnl_attr_put_u32(nlh, IFLA_MTU, d->mtu ? d->mtu : 1500);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, d->mac);
	if (d->master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)d->master);
	if (d->link)
		mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)d->link);
	if (d->kind) {
		li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		if (d->perm[0]) {
			mnl_attr_put_strz(nlh, IFLA_INFO_SLAVE_KIND, "bond");
			data = mnl_attr_nest_start(nlh, IFLA_INFO_SLAVE_DATA);
			mnl_attr_put(nlh, IFLA_BOND_SLAVE_PERM_HWADDR, 6, d->perm);
			mnl_attr_nest_end(nlh, data);
		}
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, d->kind);
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		for (int i = 0; i < 4 && d->data[i].type; i++) {
			if (d->data[i].width == 1)
				mnl_attr_put_u8(nlh, d->data[i].type, (uint8_t)d->data[i].value);
			else if (d->data[i].width == 2)
				mnl_attr_put_u16(nlh, d->data[i].type, (uint16_t)d->data[i].value);
			else
				mnl_attr_put_u32(nlh, d->data[i].type, d->data[i].value);
		}
		mnl_attr_nest_end(nlh, data);
		mnl_attr_nest_end(nlh, li);
	}
	CHECK(state_decode_msg(st, nlh, AF_UNSPEC) == 0);
}

static void put_addr(struct addrset *s, int index, const char *ip, int plen)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct in_addr a;

	nlh->nlmsg_type = RTM_NEWADDR;
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (uint8_t)plen;
	ifa->ifa_index = (uint32_t)index;
	ifa->ifa_flags = IFA_F_PERMANENT;
	inet_pton(AF_INET, ip, &a);
	mnl_attr_put(nlh, IFA_LOCAL, 4, &a);
	mnl_attr_put(nlh, IFA_ADDRESS, 4, &a);
	CHECK(addrset_decode(nlh, s) == MNL_CB_OK);
}

static void put_route(struct routeset *s, int oif, const char *dst, int plen, const char *via,
		      int proto)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct in_addr a;

	nlh->nlmsg_type = RTM_NEWROUTE;
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = (uint8_t)plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = (uint8_t)proto;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	inet_pton(AF_INET, dst, &a);
	mnl_attr_put(nlh, RTA_DST, 4, &a);
	inet_pton(AF_INET, via, &a);
	mnl_attr_put(nlh, RTA_GATEWAY, 4, &a);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);
	CHECK(routeset_decode(nlh, s) == MNL_CB_OK);
}

static struct state reading(const struct dl *links, int n)
{
	struct state st;

	CHECK(state_init(&st) == 0);
	for (int i = 0; i < n; i++)
		put_link(&st, &links[i]);
	return st;
}

/* The index of the first step whose text holds t, or -1. */
static int find(const struct plan *p, const char *t)
{
	for (int i = 0; i < p->n; i++)
		if (p->ops[i].text && strstr(p->ops[i].text, t))
			return i;
	return -1;
}

static void dump_plan(const char *what, const struct plan *p)
{
	if (!getenv("VERBOSE"))
		return;
	fprintf(stderr, "-- %s\n", what);
	for (int i = 0; i < p->n; i++)
		fprintf(stderr, "   %s\n", p->ops[i].text);
}

/* The field a table's word stands for. */
static int field_of(const struct param *tab, const char *word)
{
	for (const struct param *p = tab; p->word; p++)
		if (!strcmp(p->word, word))
			return p->field;
	CHECK(!"no such word");
	return 0;
}

/* A plan of one step (what failed after it does not matter to the record). */
static struct plan one_step(enum optype type, const struct kind *k, const char *name)
{
	struct plan p = { 0 };

	plan_add(&p, type, k, name);
	return p;
}

/* Plans back from cur to the record of before, taken for plan. */
static void plan_back(struct vnet_ctx *ctx, struct state *before, struct addrset *baddrs,
		      struct state *cur, struct addrset *caddrs, struct plan *plan, struct plan *out)
{
	struct record *rec;

	memset(out, 0, sizeof(*out));
	CHECK(record_of(ctx, before, baddrs, NULL, plan, &rec) == 0);
	if (rec)
		record_plan_against(ctx, rec, cur, caddrs, NULL, out);
	record_free(rec);
}

/*
 * veth del vm1, then a failure: the pair comes back, then the macvlan on
 * it, both up, vm1's address and the route through it; a bridge the plan
 * made goes.
 */
static void test_veth_deleted(struct vnet_ctx *ctx)
{
	const struct dl before[] = {
		{ .index = 2, .name = "vm1", .kind = "veth", .link = 3, .up = 1, .mac = { 2, 0, 0, 0, 0, 1 } },
		{ .index = 3, .name = "vm1p", .kind = "veth", .link = 2, .mac = { 2, 0, 0, 0, 0, 2 } },
		{ .index = 4, .name = "mv1", .kind = "macvlan", .link = 2, .up = 1,
		  .data = { { IFLA_MACVLAN_MODE, 4, MACVLAN_MODE_BRIDGE } } },
	};
	const struct dl after[] = {
		{ .index = 9, .name = "br1", .kind = "bridge" },
	};
	struct state b = reading(before, 3), a = reading(after, 1);
	struct addrset ba = { 0 };
	struct plan p = one_step(OP_DELETE, &kind_veth, "vm1"), back;

	struct routeset br = { 0 };
	struct record *rec;

	plan_add(&p, OP_CREATE, &kind_bridge, "br1");
	put_addr(&ba, 2, "10.0.0.1", 24);
	/* A route through it that a user added goes with it; the kernel's own is the kernel's. */
	put_route(&br, 2, "10.9.0.0", 16, "10.0.0.254", RTPROT_BOOT);
	put_route(&br, 2, "10.0.0.0", 24, "0.0.0.0", RTPROT_KERNEL);
	CHECK(br.n == 1);
	CHECK(record_of(ctx, &b, &ba, &br, &p, &rec) == 0);
	record_plan_against(ctx, rec, &a, NULL, NULL, &back);
	record_free(rec);
	dump_plan("veth deleted", &back);
	int del = find(&back, "br1: delete"), vm1 = find(&back, "vm1: make again (veth)");
	int mv1 = find(&back, "mv1: make again (macvlan)"), addr = find(&back, "vm1: add address 10.0.0.1/24");
	int up1 = find(&back, "vm1: up"), upm = find(&back, "mv1: up");

	CHECK(del == 0 && vm1 > del && mv1 > vm1 && up1 > mv1 && upm > mv1 && addr > up1);
	CHECK(find(&back, "vm1: add route 10.9.0.0/16 via 10.0.0.254") > addr);
	CHECK(find(&back, "vm1p: make again") < 0); /* made with vm1, as its peer */
	CHECK(find(&back, "vm1p: up") < 0);	     /* it was down */
	if (vm1 >= 0) {
		const struct linkspec *s = back.ops[vm1].spec;

		CHECK(s->create && s->ifindex == 2 && (s->has & LS_PEER) && !strcmp(s->peer.name, "vm1p") &&
		      s->peer.ifindex == 3 && (s->has & LS_MAC) && s->mac[5] == 1);
	}
	if (mv1 >= 0) {
		const struct linkspec *s = back.ops[mv1].spec;

		CHECK((s->has & LS_LOWER) && !strcmp(s->lower, "vm1") && s->raw && s->rawlen == 8);
	}
	plan_free(&back);
	plan_free(&p);
	state_free(&a);
}

/*
 * bridge set br0 stp on (from off, forward-delay 0), then a failure: STP
 * goes off in a step of its own before forward-delay goes back to 0 (the
 * kernel refuses 0 while STP is on), nothing else.
 */
static void test_stp_back(struct vnet_ctx *ctx)
{
	const struct dl before[] = {
		{ .index = 2, .name = "br0", .kind = "bridge", .up = 1,
		  .data = { { IFLA_BR_STP_STATE, 4, 0 }, { IFLA_BR_FORWARD_DELAY, 4, 0 } } },
	};
	const struct dl after[] = {
		{ .index = 2, .name = "br0", .kind = "bridge", .up = 1,
		  .data = { { IFLA_BR_STP_STATE, 4, 1 }, { IFLA_BR_FORWARD_DELAY, 4, 200 } } },
	};
	struct state b = reading(before, 1), a = reading(after, 1);
	struct plan p = one_step(OP_SET, &kind_bridge, "br0"), back;

	plan_back(ctx, &b, NULL, &a, NULL, &p, &back);
	dump_plan("stp", &back);
	CHECK(back.n == 2);
	if (back.n == 2) {
		CHECK(back.ops[0].type == OP_SET && strstr(back.ops[0].text, "stp on -> off") &&
		      !strstr(back.ops[0].text, "forward-delay"));
		CHECK(back.ops[1].type == OP_SET && strstr(back.ops[1].text, "forward-delay 2 -> 0"));
	}
	plan_free(&back);
	plan_free(&p);
	state_free(&a);
}

/*
 * bridge del br0 (MTU 1400, a port at 1500, an address), then a failure:
 * br0 comes back with no fixed MAC (it follows its port), up, with its
 * address; the port joins it in the next round (once its fields are in
 * force), and the MTU the joining port reset is set again in the one after.
 */
static void test_bridge_deleted(struct vnet_ctx *ctx)
{
	const struct dl before[] = {
		{ .index = 2, .name = "br0", .kind = "bridge", .up = 1, .mtu = 1400, .mac = { 2, 0, 0, 0, 0, 5 } },
		{ .index = 3, .name = "p1", .kind = "veth", .link = 4, .master = 2, .up = 1, .mac = { 2, 0, 0, 0, 0, 5 } },
		{ .index = 4, .name = "p1b", .kind = "veth", .link = 3 },
	};
	const struct dl after[] = {
		{ .index = 3, .name = "p1", .kind = "veth", .link = 4, .up = 1, .mac = { 2, 0, 0, 0, 0, 5 } },
		{ .index = 4, .name = "p1b", .kind = "veth", .link = 3 },
	};
	const struct dl round2[] = {
		{ .index = 2, .name = "br0", .kind = "bridge", .up = 1, .mtu = 1400, .mac = { 2, 0, 0, 0, 0, 9 } },
		{ .index = 3, .name = "p1", .kind = "veth", .link = 4, .up = 1, .mac = { 2, 0, 0, 0, 0, 5 } },
		{ .index = 4, .name = "p1b", .kind = "veth", .link = 3 },
	};
	const struct dl round3[] = {
		{ .index = 2, .name = "br0", .kind = "bridge", .up = 1, .mac = { 2, 0, 0, 0, 0, 5 } },
		{ .index = 3, .name = "p1", .kind = "veth", .link = 4, .master = 2, .up = 1, .mac = { 2, 0, 0, 0, 0, 5 } },
		{ .index = 4, .name = "p1b", .kind = "veth", .link = 3 },
	};
	struct state b = reading(before, 3), a = reading(after, 2);
	struct addrset ba = { 0 };
	struct plan p = one_step(OP_DELETE, &kind_bridge, "br0"), back;
	struct record *rec;

	put_addr(&ba, 2, "192.168.5.1", 24);
	CHECK(record_of(ctx, &b, &ba, NULL, &p, &rec) == 0);
	if (!rec)
		return;
	record_plan_against(ctx, rec, &a, NULL, NULL, &back);
	dump_plan("bridge deleted", &back);
	CHECK(back.n == 3 && find(&back, "br0: make again (bridge)") == 0 && find(&back, "br0: up") == 1 &&
	      find(&back, "br0: add address 192.168.5.1/24") == 2);
	if (back.n)
		CHECK(!(back.ops[0].spec->has & LS_MAC) && back.ops[0].spec->mtu == 1400);
	plan_free(&back);
	for (int round = 2; round <= 3; round++) {
		struct addrset ra = { 0 };
		struct state r = reading(round == 2 ? round2 : round3, 3);

		put_addr(&ra, 2, "192.168.5.1", 24);
		record_plan_against(ctx, rec, &r, &ra, NULL, &back);
		dump_plan(round == 2 ? "bridge deleted, round 2" : "round 3", &back);
		/* The MAC it took at random is not sent: it takes the port's. */
		CHECK(back.n == 1 && find(&back, round == 2 ? "p1: back into br0" : "br0: mtu 1500 -> 1400") == 0);
		plan_free(&back);
		free(ra.a);
		state_free(&r);
	}
	record_free(rec);
	plan_free(&p);
	state_free(&a);
}

/* bond (index 2) with its slaves e0 and e1, both up. */
static struct state bond_of_two(const struct dl *bond)
{
	const struct dl links[] = {
		*bond,
		{ .index = 3, .name = "e0", .kind = "dummy", .master = 2, .up = 1 },
		{ .index = 4, .name = "e1", .kind = "dummy", .master = 2, .up = 1 },
	};

	return reading(links, 3);
}

/*
 * The plan back after a change of bond0's mode from before to after, its
 * slaves e0 and e1 in it all along: both leave, the bond goes down, the
 * step that holds mode_text comes then, and the slaves join again in their
 * order. Returns that step's index.
 */
static int bond_mode_back(struct vnet_ctx *ctx, const struct dl *before, const struct dl *after,
			  const char *mode_text, struct plan *back)
{
	struct state b = bond_of_two(before), a = bond_of_two(after);
	struct plan p = one_step(OP_SET, &kind_bond, "bond0");

	plan_back(ctx, &b, NULL, &a, NULL, &p, back);
	dump_plan(mode_text, back);
	int r0 = find(back, "e0: release from bond0"), r1 = find(back, "e1: release from bond0");
	int down = find(back, "bond0: down"), mode = find(back, mode_text);
	int j0 = find(back, "e0: back into bond0");

	CHECK(r0 >= 0 && r1 >= 0 && down > r0 && down > r1 && mode > down && j0 > mode &&
	      find(back, "e1: back into bond0") > j0);
	plan_free(&p);
	state_free(&a);
	return mode;
}

/*
 * A bond's mode changed under its slaves: they are released and the bond
 * taken down before the mode goes back, then it comes up and they join it
 * again (each down first).
 */
static void test_bond_mode(struct vnet_ctx *ctx)
{
	const struct dl before = { .index = 2, .name = "bond0", .kind = "bond", .up = 1,
				   .data = { { IFLA_BOND_MODE, 1, 1 } } };
	const struct dl after = { .index = 2, .name = "bond0", .kind = "bond", .up = 1,
				  .data = { { IFLA_BOND_MODE, 1, 0 } } };
	struct plan back;
	int mode = bond_mode_back(ctx, &before, &after, "mode balance-rr -> active-backup", &back);
	int j0 = find(&back, "e0: back into bond0"), d0 = find(&back, "e0: down");

	CHECK(d0 > mode && j0 > d0);
	/* Up again before its slaves join: a bond that comes up under them counts a failure. */
	CHECK(find(&back, "bond0: up") > mode && find(&back, "bond0: up") < j0 && find(&back, "e0: up") > j0);
	plan_free(&back);
}

/*
 * An active-backup bond with ARP monitoring made balance-alb: the kernel
 * turned arp_interval to 0 and miimon to 100 with the mode. The way back
 * sets the mode, miimon 0 and arp_interval in one request, with the bond
 * down and without slaves: the kernel takes the mode first, then miimon,
 * then arp_interval (bond_changelink), and refuses an ARP interval in a
 * mode without ARP monitoring or next to a non-zero miimon.
 */
static void test_bond_mode_arp(struct vnet_ctx *ctx)
{
	const struct dl before = { .index = 2, .name = "bond0", .kind = "bond", .up = 1,
				   .data = { { IFLA_BOND_MODE, 1, 1 }, { IFLA_BOND_MIIMON, 4, 0 },
					     { IFLA_BOND_ARP_INTERVAL, 4, 1000 } } };
	const struct dl after = { .index = 2, .name = "bond0", .kind = "bond", .up = 1,
				  .data = { { IFLA_BOND_MODE, 1, 6 }, { IFLA_BOND_MIIMON, 4, 100 },
					    { IFLA_BOND_ARP_INTERVAL, 4, 0 } } };
	struct plan back;
	int mode = bond_mode_back(ctx, &before, &after, "mode balance-alb -> active-backup", &back);

	/* One request: the mode, MII off, the ARP interval, nothing else. */
	CHECK(mode >= 0 && find(&back, "miimon 100 -> 0") == mode &&
	      find(&back, "arp-interval 0 -> 1000") == mode);
	if (mode >= 0) {
		const struct op *op = &back.ops[mode];
		int fmode = field_of(kind_bond.params, "mode"), fmii = field_of(kind_bond.params, "miimon");
		int farp = field_of(kind_bond.params, "arp-interval");

		CHECK(op->type == OP_SET && op->kind == &kind_bond &&
		      op->fields == (1U << fmode | 1U << fmii | 1U << farp));
		CHECK(op_obj(op)->v[farp].u == 1000 && op_obj(op)->v[fmii].u == 0 &&
		      op_obj(op)->v[fmode].u == 1);
	}
	plan_free(&back);
}

/*
 * A bond's first slave released by the change: the second leaves too, and
 * both join again in their order; a primary the change set goes (the
 * kernel lists none when there is none).
 */
static void test_bond_order(struct vnet_ctx *ctx)
{
	const struct dl before[] = {
		{ .index = 2, .name = "bond0", .kind = "bond", .up = 1, .data = { { IFLA_BOND_MODE, 1, 1 } } },
		{ .index = 3, .name = "e0", .kind = "dummy", .master = 2, .up = 1 },
		{ .index = 4, .name = "e1", .kind = "dummy", .master = 2, .up = 1 },
	};
	const struct dl after[] = {
		{ .index = 2, .name = "bond0", .kind = "bond", .up = 1,
		  .data = { { IFLA_BOND_MODE, 1, 1 }, { IFLA_BOND_PRIMARY, 4, 4 } } },
		{ .index = 3, .name = "e0", .kind = "dummy" },
		{ .index = 4, .name = "e1", .kind = "dummy", .master = 2, .up = 1 },
	};
	struct state b = reading(before, 3), a = reading(after, 3);
	struct plan p = one_step(OP_MASTER, &kind_bond, "e0"), back;

	plan_back(ctx, &b, NULL, &a, NULL, &p, &back);
	dump_plan("bond order", &back);
	int prim = find(&back, "bond0: primary e1 -> none"), r1 = find(&back, "e1: release from bond0");
	int j0 = find(&back, "e0: back into bond0"), j1 = find(&back, "e1: back into bond0");

	CHECK(prim >= 0 && r1 >= 0 && j0 > r1 && j1 > j0);
	plan_free(&back);
	plan_free(&p);
	state_free(&a);
}

/*
 * A bond deleted with its slaves in it: each slave is given back its own MAC
 * (the bond had given it the bond's), and one not yet in the bond again is
 * not given the bond's, or it would join with that MAC as its own.
 */
static void test_bond_slave_mac(struct vnet_ctx *ctx)
{
	const struct dl before[] = {
		{ .index = 2, .name = "bond0", .kind = "bond", .up = 1, .mac = { 2, 0, 0, 0, 0, 1 },
		  .data = { { IFLA_BOND_MODE, 1, 1 } } },
		{ .index = 3, .name = "e0", .kind = "dummy", .master = 2, .up = 1,
		  .mac = { 2, 0, 0, 0, 0, 1 }, .perm = { 2, 0, 0, 0, 0, 1 } },
		{ .index = 4, .name = "e1", .kind = "dummy", .master = 2, .up = 1,
		  .mac = { 2, 0, 0, 0, 0, 1 }, .perm = { 2, 0, 0, 0, 0, 2 } },
	};
	const struct dl after[] = {
		{ .index = 3, .name = "e0", .kind = "dummy", .mac = { 2, 0, 0, 0, 0, 1 } },
		{ .index = 4, .name = "e1", .kind = "dummy", .mac = { 2, 0, 0, 0, 0, 9 } },
	};
	struct state b = reading(before, 3), a = reading(after, 2);
	struct plan p = one_step(OP_DELETE, &kind_bond, "bond0"), back;

	plan_back(ctx, &b, NULL, &a, NULL, &p, &back);
	dump_plan("bond slave MAC", &back);
	CHECK(find(&back, "e1: address 02:00:00:00:00:09 -> 02:00:00:00:00:02") >= 0);
	CHECK(find(&back, "e0: address") < 0);
	plan_free(&back);
	plan_free(&p);
	state_free(&a);
}

/* A VLAN made again with another id: deleted, and made as it was. */
static void test_vlan_recreated(struct vnet_ctx *ctx)
{
	const struct dl before[] = {
		{ .index = 2, .name = "e0", .kind = "dummy", .up = 1 },
		{ .index = 3, .name = "e0.5", .kind = "vlan", .link = 2, .up = 1,
		  .data = { { IFLA_VLAN_ID, 2, 5 } } },
	};
	const struct dl after[] = {
		{ .index = 2, .name = "e0", .kind = "dummy", .up = 1 },
		{ .index = 7, .name = "e0.5", .kind = "vlan", .link = 2, .data = { { IFLA_VLAN_ID, 2, 6 } } },
	};
	struct state b = reading(before, 2), a = reading(after, 2);
	struct plan p = one_step(OP_DELETE, &kind_vlan, "e0.5"), back;

	plan_add(&p, OP_CREATE, &kind_vlan, "e0.5");
	plan_back(ctx, &b, NULL, &a, NULL, &p, &back);
	dump_plan("vlan recreated", &back);
	int del = find(&back, "e0.5: delete"), mk = find(&back, "e0.5: make again (vlan)");

	CHECK(del == 0 && mk == 1 && find(&back, "e0.5: up") > mk);
	if (mk == 1)
		CHECK(!strcmp(back.ops[1].spec->lower, "e0") && back.ops[1].spec->ifindex == 3 &&
		      (back.ops[1].fields & 2)); /* the id travels with the create */
	plan_free(&back);
	plan_free(&p);
	state_free(&a);
}

/*
 * A bond deleted with an 802.1ad VLAN on it and an 802.1Q VLAN on that one,
 * a bridge port: the bond comes back first, then its slave joins it, and
 * only then are the VLANs made (they take the bond's GSO limits when made,
 * and the bridge takes the lowest of its ports' when one joins it), the
 * inner one rejoining br0.
 */
static void test_vlan_stack(struct vnet_ctx *ctx)
{
	const struct dl before[] = {
		{ .index = 2, .name = "bond0", .kind = "bond", .up = 1, .data = { { IFLA_BOND_MODE, 1, 1 } } },
		{ .index = 3, .name = "e0", .kind = "dummy", .master = 2, .up = 1 },
		{ .index = 4, .name = "bond0.100", .kind = "vlan", .link = 2, .up = 1,
		  .data = { { IFLA_VLAN_ID, 2, 100 } } },
		{ .index = 5, .name = "bond0.100.10", .kind = "vlan", .link = 4, .master = 6, .up = 1,
		  .data = { { IFLA_VLAN_ID, 2, 10 } } },
		{ .index = 6, .name = "br0", .kind = "bridge", .up = 1 },
	};
	/* Read after the failure, after the first round back, after the second. */
	const struct dl gone[] = {
		{ .index = 3, .name = "e0", .kind = "dummy", .up = 1 },
		{ .index = 6, .name = "br0", .kind = "bridge", .up = 1 },
	};
	const struct dl bond_back[] = {
		before[0],
		{ .index = 3, .name = "e0", .kind = "dummy", .up = 1 },
		before[4],
	};
	const struct dl slave_back[] = { before[0], before[1], before[4] };
	struct state b = reading(before, 5), a1 = reading(gone, 2), a2 = reading(bond_back, 3),
		     a3 = reading(slave_back, 3);
	struct plan p = one_step(OP_DELETE, &kind_bond, "bond0"), back;

	plan_back(ctx, &b, NULL, &a1, NULL, &p, &back);
	dump_plan("vlan stack, round 1", &back);
	CHECK(find(&back, "bond0: make again (bond)") >= 0 && find(&back, "bond0.100") < 0);
	plan_free(&back);
	b = reading(before, 5);
	plan_back(ctx, &b, NULL, &a2, NULL, &p, &back);
	dump_plan("vlan stack, round 2", &back);
	CHECK(find(&back, "e0: back into bond0") >= 0 && find(&back, "bond0.100") < 0);
	plan_free(&back);
	b = reading(before, 5);
	plan_back(ctx, &b, NULL, &a3, NULL, &p, &back);
	dump_plan("vlan stack, round 3", &back);
	int outer = find(&back, "bond0.100: make again (vlan)");
	int inner = find(&back, "bond0.100.10: make again (vlan)");

	CHECK(outer >= 0 && inner > outer && find(&back, "bond0.100.10: back into br0") > inner);
	plan_free(&back);
	plan_free(&p);
	state_free(&a1);
	state_free(&a2);
	state_free(&a3);
}

/* A device of a kind vnetctl cannot make, stacked on a link a plan deletes: refused. */
static void test_refused(struct vnet_ctx *ctx)
{
	const struct dl before[] = {
		{ .index = 2, .name = "vm1", .kind = "veth", .link = 3 },
		{ .index = 3, .name = "vm1p", .kind = "veth", .link = 2 },
		{ .index = 4, .name = "vx0", .kind = "vxlan", .link = 2 },
	};
	struct state b = reading(before, 3);
	struct plan p = one_step(OP_DELETE, &kind_veth, "vm1");
	struct record *rec;

	op_textf(&p.ops[0], "veth vm1: delete");
	CHECK(record_of(ctx, &b, NULL, NULL, &p, &rec) < 0 && !rec);
	CHECK(strstr(vnet_ctx_error(ctx)->msg, "veth vm1: delete: would also delete vx0 (a vxlan stacked on it)"));
	plan_free(&p);
}

/* Nothing changed: nothing to do. */
static void test_nothing(struct vnet_ctx *ctx)
{
	const struct dl links[] = {
		{ .index = 2, .name = "br0", .kind = "bridge", .up = 1, .data = { { IFLA_BR_PRIORITY, 2, 4096 } } },
		{ .index = 3, .name = "p1", .kind = "veth", .link = 4, .master = 2, .up = 1 },
		{ .index = 4, .name = "p1b", .kind = "veth", .link = 3 },
	};
	struct state b = reading(links, 3), a = reading(links, 3);
	struct addrset ba = { 0 }, aa = { 0 };
	struct plan p = one_step(OP_SET, &kind_bridge, "br0"), back;

	put_addr(&ba, 2, "10.1.1.1", 16);
	put_addr(&aa, 2, "10.1.1.1", 16);
	plan_back(ctx, &b, &ba, &a, &aa, &p, &back);
	CHECK(back.n == 0);
	plan_free(&back);
	plan_free(&p);
	free(aa.a);
	state_free(&a);
}

int main(void)
{
	struct vnet_ctx *ctx = vnet_ctx_new();

	test_veth_deleted(ctx);
	test_stp_back(ctx);
	test_bridge_deleted(ctx);
	test_bond_mode(ctx);
	test_bond_mode_arp(ctx);
	test_bond_order(ctx);
	test_bond_slave_mac(ctx);
	test_vlan_recreated(ctx);
	test_vlan_stack(ctx);
	test_refused(ctx);
	test_nothing(ctx);
	vnet_ctx_free(ctx);
	printf("%d checks passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
