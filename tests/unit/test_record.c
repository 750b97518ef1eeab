// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the rollback planner (lib/record.c): a record of the host
 * before a plan, a reading after it failed half-way, and the steps back.
 * The readings are dump messages as the kernel sends them, made up here;
 * no root, no kernel. The cases issue 17 names are planned from readings
 * recorded from a real kernel in test_rollback_dumps.c.
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

#include "nl.h"
#include "record.h"

#include "check.h"
#include "plans.h"

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
	/* a source-mode macvlan's MAC list, in the kernel's order (last byte of 02:00:00:00:00:xx) */
	uint8_t macs[4];
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
		if (d->macs[0]) {
			/* As macvlan_fill_info: a count, then the list (an attribute a MAC). */
			int n = 0;

			while (n < 4 && d->macs[n])
				n++;
			mnl_attr_put_u32(nlh, IFLA_MACVLAN_MACADDR_COUNT, (uint32_t)n);
			struct nlattr *list = mnl_attr_nest_start(nlh, IFLA_MACVLAN_MACADDR_DATA);

			for (int i = 0; i < n; i++)
				mnl_attr_put(nlh, IFLA_MACVLAN_MACADDR, 6,
					     (uint8_t[6]){ 2, 0, 0, 0, 0, d->macs[i] });
			mnl_attr_nest_end(nlh, list);
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

static struct state reading(const struct dl *links, int n)
{
	struct state st;

	CHECK(state_init(&st) == 0);
	for (int i = 0; i < n; i++)
		put_link(&st, &links[i]);
	return st;
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
 * A bond's mode changed under its slaves: they are released and the bond
 * taken down before the mode goes back, then it comes up and they join it
 * again. The bonding driver closes a slave it releases and opens one that
 * joins (lib/rules.c): no step of the plan does it, and a slave that was
 * down in the bond (e1) is taken down after it joins.
 */
static void test_bond_mode(struct vnet_ctx *ctx)
{
	const struct dl before[] = {
		{ .index = 2, .name = "bond0", .kind = "bond", .up = 1, .data = { { IFLA_BOND_MODE, 1, 1 } } },
		{ .index = 3, .name = "e0", .kind = "dummy", .master = 2, .up = 1 },
		{ .index = 4, .name = "e1", .kind = "dummy", .master = 2 },
	};
	const struct dl after[] = {
		{ .index = 2, .name = "bond0", .kind = "bond", .up = 1, .data = { { IFLA_BOND_MODE, 1, 0 } } },
		{ .index = 3, .name = "e0", .kind = "dummy", .master = 2, .up = 1 },
		{ .index = 4, .name = "e1", .kind = "dummy", .master = 2, .up = 1 },
	};
	struct state b = reading(before, 3), a = reading(after, 3);
	struct plan p = one_step(OP_SET, &kind_bond, "bond0"), back;

	plan_back(ctx, &b, NULL, &a, NULL, &p, &back);
	dump_plan("bond mode", &back);
	int r0 = find(&back, "e0: release from bond0"), r1 = find(&back, "e1: release from bond0");
	int down = find(&back, "bond0: down"), mode = find(&back, "mode balance-rr -> active-backup");
	int j0 = find(&back, "e0: back into bond0"), j1 = find(&back, "e1: back into bond0");

	CHECK(r0 >= 0 && r1 >= 0 && down > r1 && mode > down && j0 > mode && j1 > j0);
	/* Up again before its slaves join: a bond that comes up under them counts a failure. */
	CHECK(find(&back, "bond0: up") > mode && find(&back, "bond0: up") < j0);
	CHECK(find(&back, "e0: down") < 0 && find(&back, "e0: up") < 0 && find(&back, "e1: up") < 0);
	CHECK(find(&back, "e1: down") > j1);
	plan_free(&back);
	plan_free(&p);
	state_free(&a);
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

/* A record for "veth del vm1" over links is refused, with msg in the message. */
static void refused(struct vnet_ctx *ctx, const struct dl *links, int n, const char *msg)
{
	struct state b = reading(links, n);
	struct plan p = one_step(OP_DELETE, &kind_veth, "vm1");
	struct record *rec;

	CHECK(record_of(ctx, &b, NULL, NULL, &p, &rec) < 0 && !rec);
	CHECK(strstr(vnet_ctx_error(ctx)->msg, msg));
	plan_free(&p);
}

/*
 * A device of a kind vnetctl cannot make, stacked on a link a plan deletes:
 * refused. A vxlan made with "dev vm1" is such a device, and the kernel
 * says so only inside its data (IFLA_VXLAN_LINK), never in IFLA_LINK, as
 * vxlan_fill_info dumps it; the kernel deletes it with vm1 all the same.
 */
static void test_refused(struct vnet_ctx *ctx)
{
	const struct dl before[] = {
		{ .index = 2, .name = "vm1", .kind = "veth", .link = 3 },
		{ .index = 3, .name = "vm1p", .kind = "veth", .link = 2 },
		{ .index = 4, .name = "vx0", .kind = "vxlan",
		  .data = { { IFLA_VXLAN_ID, 4, 42 }, { IFLA_VXLAN_LINK, 4, 2 }, { IFLA_VXLAN_TTL, 1, 0 },
			    { IFLA_VXLAN_PORT, 2, 0xb512 /* 4789, big-endian */ } } },
		{ .index = 5, .name = "vx1", .kind = "vxlan",
		  .data = { { IFLA_VXLAN_ID, 4, 43 }, { IFLA_VXLAN_LINK, 4, 3 } } },
	};
	const struct dl on_peer[] = { before[0], before[1], before[3] };
	struct state b = reading(before, 4);

	/* The plan's own words name what goes with the pair. */
	CHECK(!strcmp(vlan_uppers_text(&b, &b.links[0]), " (and with it the vxlan vx0)"));
	state_free(&b);
	refused(ctx, before, 4,
		"veth vm1: delete: would also delete vx0 (a vxlan on vm1), which vnetctl cannot make again");
	/* On the peer, which goes with the pair too. */
	refused(ctx, on_peer, 3, "veth vm1: delete: would also delete vx1 (a vxlan on vm1p)");
}

/*
 * A macvlan in source mode comes back with its MAC list, set whole, in the
 * order that the kernel dumps again as it was (each hash bucket is listed
 * newest first); what the kernel only reports (the count, the queue length
 * in use) is not sent.
 */
static void test_macvlan_source(struct vnet_ctx *ctx)
{
	const struct dl before[] = {
		{ .index = 2, .name = "vm1", .kind = "veth", .link = 3 },
		{ .index = 3, .name = "vm1p", .kind = "veth", .link = 2 },
		{ .index = 4, .name = "mv1", .kind = "macvlan", .link = 2,
		  .data = { { IFLA_MACVLAN_MODE, 4, MACVLAN_MODE_SOURCE }, { IFLA_MACVLAN_FLAGS, 2, 0 },
			    { IFLA_MACVLAN_BC_QUEUE_LEN, 4, 500 }, { IFLA_MACVLAN_BC_QUEUE_LEN_USED, 4, 1000 } },
		  .macs = { 0xaa, 0xcc, 0xbb } },
	};
	struct state b = reading(before, 3), a = { 0 };
	struct plan p = one_step(OP_DELETE, &kind_veth, "vm1"), back = { 0 };
	char *buf = calloc(1, NLM_REQ_SIZE);
	struct record *rec;

	CHECK(buf && state_init(&a) == 0);
	/* The step's data is the record's: built while the record lives. */
	CHECK(record_of(ctx, &b, NULL, NULL, &p, &rec) == 0);
	if (rec)
		record_plan_against(ctx, rec, &a, NULL, NULL, &back);
	dump_plan("macvlan source", &back);
	int mv1 = find(&back, "mv1: make again (macvlan)");

	CHECK(mv1 >= 0);
	if (mv1 >= 0 && buf) {
		const struct nlmsghdr *nlh = linkspec_build(ctx, &back.ops[mv1], buf);
		const struct nlattr *x, *y, *z;
		uint32_t seen = 0, mode = 0, qlen = 0;
		char order[16] = ""; /* the last byte of each MAC sent, in hex */

		mnl_attr_for_each(x, nlh, sizeof(struct ifinfomsg)) {
			if (mnl_attr_get_type(x) != IFLA_LINKINFO)
				continue;
			mnl_attr_for_each_nested(y, x) {
				if (mnl_attr_get_type(y) != IFLA_INFO_DATA)
					continue;
				mnl_attr_for_each_nested(z, y) {
					const struct nlattr *m;

					seen |= 1U << mnl_attr_get_type(z);
					if (mnl_attr_get_type(z) == IFLA_MACVLAN_MACADDR_MODE)
						mode = mnl_attr_get_u32(z);
					if (mnl_attr_get_type(z) == IFLA_MACVLAN_BC_QUEUE_LEN)
						qlen = mnl_attr_get_u32(z);
					if (mnl_attr_get_type(z) == IFLA_MACVLAN_MACADDR_DATA)
						mnl_attr_for_each_nested(m, z)
							if (strlen(order) < sizeof(order) - 2)
								sprintf(order + strlen(order), "%02x",
									((const uint8_t *)mnl_attr_get_payload(m))[5]);
				}
			}
		}
		CHECK(mode == MACVLAN_MACADDR_SET && qlen == 500);
		CHECK(!strcmp(order, "bbccaa")); /* aa, cc, bb dumped: sent bb, cc, aa */
		CHECK(!(seen & (1U << IFLA_MACVLAN_MACADDR_COUNT)) && !(seen & (1U << IFLA_MACVLAN_BC_QUEUE_LEN_USED)));
	}
	free(buf);
	record_free(rec);
	plan_free(&back);
	plan_free(&p);
	state_free(&a);
}

/* A macvlan whose data holds an attribute vnetctl does not know (a newer kernel's): refused, not made again without it. */
static void test_foreign_unknown(struct vnet_ctx *ctx)
{
	const struct dl before[] = {
		{ .index = 2, .name = "vm1", .kind = "veth", .link = 3 },
		{ .index = 3, .name = "vm1p", .kind = "veth", .link = 2 },
		{ .index = 4, .name = "mv1", .kind = "macvlan", .link = 2,
		  .data = { { IFLA_MACVLAN_MODE, 4, MACVLAN_MODE_BRIDGE }, { 20, 4, 1 } } },
	};

	refused(ctx, before, 3, "would also delete mv1 (a macvlan on vm1 with data vnetctl cannot send back)");
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

	test_bond_mode(ctx);
	test_bond_order(ctx);
	test_bond_slave_mac(ctx);
	test_vlan_recreated(ctx);
	test_vlan_stack(ctx);
	test_refused(ctx);
	test_macvlan_source(ctx);
	test_foreign_unknown(ctx);
	test_nothing(ctx);
	vnet_ctx_free(ctx);
	printf("%d checks passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
