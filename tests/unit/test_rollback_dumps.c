// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the rollback planner on readings recorded from a real
 * kernel (tests/unit/dumps/, written by tests/unit/dumps/record, which
 * says where each came from): the host before a plan ran (NAME.before),
 * after its first steps did and a later one failed (NAME.after), and in
 * some cases after the rollback's first rounds (NAME.roundN). Each test
 * takes the record of "before" for the plan's steps and checks the steps
 * back from the later readings: what is made, set and joined, in which
 * order. No root, no kernel.
 *
 * Usage: test-rollback-dumps DIR (meson passes tests/unit/dumps);
 * VERBOSE=1 prints each plan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "record.h"

#include "check.h"
#include "plans.h"

static const char *dir;

/* A reading: its links, then (pass 1) port VLANs, addresses and routes, as a journal's. */
struct reading {
	struct state st;
	struct addrset addrs;
	struct routeset routes;
};

static char *slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;

	*len = 0;
	if (!f || fseek(f, 0, SEEK_END) || (*len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(buf = malloc((size_t)*len + 1)) || fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(2);
	}
	fclose(f);
	return buf;
}

static void load(const char *name, const char *stage, struct reading *r)
{
	char path[4096];
	long len;
	char *msgs;

	snprintf(path, sizeof(path), "%s/%s.%s.bin", dir, name, stage);
	msgs = slurp(path, &len);
	memset(r, 0, sizeof(*r));
	CHECK(state_init(&r->st) == 0);
	for (int pass = 0; pass < 2; pass++)
		CHECK(record_decode(msgs, (int)len, pass, &r->st, &r->addrs, &r->routes) == 0);
	r->st.what = ST_LINKS | ST_BRVLANS;
	r->st.have_vlans = 1;
	free(msgs);
}

static void reading_free(struct reading *r)
{
	state_free(&r->st);
	free(r->addrs.a);
	routeset_free(&r->routes);
}

/* Whether each bridge's and bond's MAC was a user's, as NAME.macs recorded it from sysfs. */
static void load_macs(const char *name, struct record *rec)
{
	char path[4096], ifname[64];
	int type;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.macs", dir, name);
	f = fopen(path, "r");
	if (!f)
		return;
	struct state *st = record_state(rec);

	while (fscanf(f, "%63s %d", ifname, &type) == 2) {
		const struct link *l = state_by_name(st, ifname);

		CHECK(l != NULL);
		if (l)
			record_mac_user(rec)[l - st->links] = type == 3;
	}
	fclose(f);
}

/* The link message of ifname in NAME.STAGE (*buf holds it: the caller frees *buf). */
static const struct nlmsghdr *message_of(const char *name, const char *stage, const char *ifname,
					 char **buf)
{
	char path[4096];
	long len;
	int left;

	snprintf(path, sizeof(path), "%s/%s.%s.bin", dir, name, stage);
	*buf = slurp(path, &len);
	left = (int)len;
	for (const struct nlmsghdr *h = (const void *)*buf; mnl_nlmsg_ok(h, left);
	     h = mnl_nlmsg_next(h, &left)) {
		const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(h);
		const struct nlattr *a;

		if (h->nlmsg_type != RTM_NEWLINK || ifm->ifi_family != AF_UNSPEC)
			continue;
		mnl_attr_for_each(a, h, sizeof(*ifm))
			if (mnl_attr_get_type(a) == IFLA_IFNAME && !strcmp(mnl_attr_get_str(a), ifname))
				return h;
	}
	return NULL;
}

static void step(struct plan *p, enum optype type, const struct kind *k, const char *name,
		 const char *text)
{
	op_textf(plan_add(p, type, k, name), "%s", text);
}

/* The record of NAME.before, taken for the plan p. */
static struct record *record_before(struct vnet_ctx *ctx, const char *name, const struct plan *p)
{
	struct reading b;
	struct record *rec = NULL;

	load(name, "before", &b);
	CHECK(record_of(ctx, &b.st, &b.addrs, &b.routes, p, &rec) == 0 && rec);
	if (rec)
		load_macs(name, rec);
	return rec;
}

/* One more step of p, the last before the failure, and the record for p; NULL: the test stops. */
static struct record *record_for(struct vnet_ctx *ctx, const char *name, struct plan *p,
				 enum optype type, const struct kind *k, const char *link,
				 const char *text)
{
	struct record *rec;

	step(p, type, k, link, text);
	rec = record_before(ctx, name, p);
	if (!rec)
		plan_free(p);
	return rec;
}

static void done(struct record *rec, struct plan *p)
{
	record_free(rec);
	plan_free(p);
}

/* The steps from NAME.STAGE back to the record. */
static void plan_from(struct vnet_ctx *ctx, struct record *rec, const char *name, const char *stage,
		      struct plan *out)
{
	struct reading now;
	char what[128];

	load(name, stage, &now);
	record_plan_against(ctx, rec, &now.st, &now.addrs, &now.routes, out);
	reading_free(&now);
	snprintf(what, sizeof(what), "%s, from %s", name, stage);
	dump_plan(what, out);
}

/* How many steps hold t. */
static int count(const struct plan *p, const char *t)
{
	int n = 0;

	for (int i = 0; i < p->n; i++)
		n += p->ops[i].text && strstr(p->ops[i].text, t) != NULL;
	return n;
}

/* The value of a kind's field, by its word, in a step's object; -1 when not there. */
static long long field(const struct op *op, const char *word)
{
	for (const struct param *pr = op->kind ? op->kind->params : NULL; pr && pr->word; pr++)
		if (!strcmp(pr->word, word))
			return obj_has(op_obj(op), pr->field) ? (long long)op_obj(op)->v[pr->field].u : -1;
	return -1;
}

/*
 * A1: veth del vm1 (an address, a route through it, a macvlan mv1 on it),
 * then bridge add br1, then a failure. Back: br1 goes first; the pair comes
 * back with its MACs and indexes (vm1p as vm1's peer, not a link of its
 * own), then mv1 on it, each up as it was, then vm1's address, then the
 * route through it.
 */
static void test_veth_deleted(struct vnet_ctx *ctx)
{
	struct plan p = { 0 }, back;
	struct record *rec;

	step(&p, OP_DELETE, &kind_veth, "vm1", "veth vm1: delete");
	rec = record_for(ctx, "veth-del", &p, OP_CREATE, &kind_bridge, "br1", "bridge br1: create");
	if (!rec)
		return;
	plan_from(ctx, rec, "veth-del", "after", &back);
	int del = find(&back, "br1: delete"), pair = find(&back, "make again (veth)");
	int mv1 = find(&back, "mv1: make again (macvlan)"), up1 = find(&back, "vm1: up");
	int upm = find(&back, "mv1: up"), addr = find(&back, "vm1: add address 10.0.0.1/24");
	int route = find(&back, "vm1: add route 10.9.0.0/16 via 10.0.0.254");

	CHECK(del == 0 && pair > del && mv1 > pair && up1 > mv1 && upm > mv1 && addr > up1 &&
	      route > addr);
	/* One create makes the pair (the kernel lists vm1p first: it made it first). */
	CHECK(count(&back, "make again (veth)") == 1);
	CHECK(find(&back, "vm1p: up") < 0); /* it was down */
	/* The route a user added, not the kernel's own for the address's prefix. */
	CHECK(count(&back, "add route") == 1);
	CHECK(back.n == 7);
	if (pair >= 0 && back.ops[pair].spec) {
		const struct linkspec *sp = back.ops[pair].spec;
		const char *self = back.ops[pair].name, *other = sp->peer.name;

		CHECK(sp->create && (sp->has & LS_PEER) && (sp->has & LS_MAC) && sp->peer.has_mac);
		CHECK((!strcmp(self, "vm1") && !strcmp(other, "vm1p")) ||
		      (!strcmp(self, "vm1p") && !strcmp(other, "vm1")));
		/* Each side with its own MAC, as recorded (vm1 ...:01, vm1p ...:02). */
		CHECK(sp->mac[5] == (strcmp(self, "vm1") ? 2 : 1) &&
		      sp->peer.mac[5] == (strcmp(other, "vm1") ? 2 : 1));
		/* With the indexes they had. */
		CHECK(sp->ifindex == state_by_name(record_state(rec), self)->ifindex &&
		      sp->peer.ifindex == state_by_name(record_state(rec), other)->ifindex);
	}
	if (mv1 >= 0 && back.ops[mv1].spec) {
		const struct linkspec *sp = back.ops[mv1].spec;

		/* On vm1, with its MAC and the kernel's own data (its mode) as dumped. */
		CHECK(sp->create && (sp->has & LS_LOWER) && !strcmp(sp->lower, "vm1"));
		CHECK((sp->has & LS_MAC) && sp->mac[5] == 3 && !strcmp(sp->kind, "macvlan") && sp->raw &&
		      sp->rawlen > 0);
	}
	plan_free(&back);
	done(rec, &p);
}

/*
 * A2: bridge set br0 stp on, from stp off with forward-delay 0 (the kernel
 * raised it to 2 s), then a failure. Back: STP off in a step of its own,
 * then forward-delay 0 (the kernel refuses 0 while STP is on).
 */
static void test_stp(struct vnet_ctx *ctx)
{
	struct plan p = { 0 }, back;
	struct record *rec = record_for(ctx, "stp", &p, OP_SET, &kind_bridge, "br0",
					 "bridge br0: set stp off -> on");

	if (!rec)
		return;
	plan_from(ctx, rec, "stp", "after", &back);
	CHECK(back.n == 2);
	if (back.n == 2) {
		CHECK(back.ops[0].type == OP_SET && !strcmp(back.ops[0].text, "rollback: br0: stp on -> off"));
		CHECK(back.ops[1].type == OP_SET &&
		      !strcmp(back.ops[1].text, "rollback: br0: forward-delay 2 -> 0"));
		CHECK(field(&back.ops[0], "stp") == 0 && field(&back.ops[0], "forward-delay") < 0);
		CHECK(field(&back.ops[1], "forward-delay") == 0);
	}
	plan_free(&back);
	done(rec, &p);
}

/*
 * A3: bridge del br0 (MTU 1400, ports p1 and p2 at 1500, an address, the
 * MAC its ports gave it), then a failure.
 */
static void test_bridge_deleted(struct vnet_ctx *ctx)
{
	struct plan p = { 0 }, back;
	struct record *rec = record_for(ctx, "bridge-del", &p, OP_DELETE, &kind_bridge, "br0",
					 "bridge br0: delete");

	if (!rec)
		return;
	struct state *rs = record_state(rec);
	const struct link *br = state_by_name(rs, "br0"), *p1 = state_by_name(rs, "p1");
	const struct link *p2 = state_by_name(rs, "p2");

	/* As recorded: br0's MAC is one of its ports', its MTU its own. */
	CHECK(br && p1 && p2 && br->mtu == 1400 && p1->mtu == 1500 &&
	      (!memcmp(br->addr, p1->addr, 6) || !memcmp(br->addr, p2->addr, 6)));
	/*
	 * Round 1: br0 made again with MTU 1400 and no MAC of its own (its
	 * addr_assign_type was not 3: it took its ports'), up, its address;
	 * nothing yet for its ports (they join it once its fields are in force).
	 */
	plan_from(ctx, rec, "bridge-del", "after", &back);
	int mk = find(&back, "br0: make again (bridge)"), up = find(&back, "br0: up");
	int addr = find(&back, "br0: add address 192.168.5.1/24");

	CHECK(mk == 0 && up > mk && addr > up && back.n == 3);
	CHECK(find(&back, "p1:") < 0 && find(&back, "p2:") < 0);
	if (mk == 0 && back.ops[0].spec) {
		const struct linkspec *sp = back.ops[0].spec;

		CHECK(sp->create && !(sp->has & LS_MAC) && (sp->has & LS_MTU) && sp->mtu == 1400);
	}
	plan_free(&back);
	/* Round 2 (br0 as round 1 left it): the ports join it, in their order. */
	plan_from(ctx, rec, "bridge-del", "round2", &back);
	CHECK(back.n == 2 && find(&back, "p1: back into br0") == 0 &&
	      find(&back, "p2: back into br0") == 1);
	if (back.n == 2)
		CHECK(back.ops[0].type == OP_MASTER && !strcmp(back.ops[0].master, "br0"));
	plan_free(&back);
	/*
	 * Round 3: the first port set br0's MTU to its own 1500: 1400 again.
	 * Its MAC is the ports' again: no address step.
	 */
	plan_from(ctx, rec, "bridge-del", "round3", &back);
	CHECK(back.n == 1 && find(&back, "br0: mtu 1500 -> 1400") == 0);
	CHECK(find(&back, "address") < 0);
	plan_free(&back);
	done(rec, &p);
}

/*
 * A2b: bond set bond0 mode balance-alb, from active-backup with
 * arp_interval 1000 and an ARP target (miimon 0); the kernel zeroed
 * arp_interval and set miimon 100. Then a failure.
 */
static void test_bond_mode(struct vnet_ctx *ctx)
{
	struct plan p = { 0 }, back;
	struct record *rec = record_for(ctx, "bond-mode", &p, OP_SET, &kind_bond, "bond0",
					 "bond bond0: set mode active-backup -> balance-alb");

	if (!rec)
		return;
	/* (Found by their whole texts, which start with "rollback: ": "bond0: down" holds "d0: down".) */
	plan_from(ctx, rec, "bond-mode", "after", &back);
	int r0 = find(&back, "rollback: d0: release from bond0");
	int r1 = find(&back, "rollback: d1: release from bond0");
	int down = find(&back, "bond0: down");
	int mode = find(&back, "bond0: mode balance-alb -> active-backup");
	int up = find(&back, "bond0: up"), j0 = find(&back, "rollback: d0: back into bond0");
	int j1 = find(&back, "rollback: d1: back into bond0");

	/* Released, the bond down, the mode back, up, each slave back in its order. */
	CHECK(r0 >= 0 && r1 >= 0 && down > r0 && down > r1 && mode > down && up > mode && j0 > up &&
	      j1 > j0);
	/* The driver opens a slave as it joins (lib/rules.c): no step of its own. */
	CHECK(find(&back, "rollback: d0: up") < 0 && find(&back, "rollback: d1: up") < 0);
	/* What the kernel reset with the mode goes back with it: miimon 0, arp_interval 1000. */
	CHECK(find(&back, "miimon 100 -> 0") == mode && find(&back, "arp-interval 0 -> 1000") == mode);
	if (mode >= 0) {
		CHECK(field(&back.ops[mode], "mode") == 1 /* active-backup */);
		CHECK(field(&back.ops[mode], "miimon") == 0 && field(&back.ops[mode], "arp-interval") == 1000);
	}
	plan_free(&back);
	done(rec, &p);
}

/*
 * A5: vlan del bond0.100 (802.1ad on bond0), which took bond0.100.10 (a
 * port of br0 with VLAN 20) along; then a failure.
 */
static void test_vlan_stack(struct vnet_ctx *ctx)
{
	struct plan p = { 0 }, back;
	struct record *rec = record_for(ctx, "vlan-stack", &p, OP_DELETE, &kind_vlan, "bond0.100",
					 "vlan bond0.100: delete");

	if (!rec)
		return;
	struct state *rs = record_state(rec);

	/* As recorded, the upper one first (its index is the lower): the order is the planner's. */
	CHECK(state_by_name(rs, "bond0.100.10") < state_by_name(rs, "bond0.100"));
	/* Round 1: the lower VLAN first, the one on it, which rejoins br0; both up. */
	plan_from(ctx, rec, "vlan-stack", "after", &back);
	int lo = find(&back, "bond0.100: make again (vlan)");
	int hi = find(&back, "bond0.100.10: make again (vlan)");
	int join = find(&back, "bond0.100.10: back into br0");

	CHECK(lo == 0 && hi == 1 && join > hi && find(&back, "bond0.100: up") > hi &&
	      find(&back, "bond0.100.10: up") > join && back.n == 5);
	if (lo == 0 && hi == 1) {
		const struct op *a = &back.ops[lo], *b = &back.ops[hi];

		CHECK(a->spec && !strcmp(a->spec->lower, "bond0") && field(a, "id") == 100 &&
		      field(a, "proto") == 0x88a8);
		CHECK(b->spec && !strcmp(b->spec->lower, "bond0.100") && field(b, "id") == 10 &&
		      field(b, "proto") == 0x8100);
		CHECK(join >= 0 && back.ops[join].type == OP_MASTER && !strcmp(back.ops[join].master, "br0"));
	}
	plan_free(&back);
	/* Round 2 (both made, bond0.100.10 in br0 with the default VLAN 1): its VLAN 20 back. */
	plan_from(ctx, rec, "vlan-stack", "round2", &back);
	CHECK(back.n == 1 && find(&back, "bond0.100.10: add vlans 20") == 0);
	plan_free(&back);
	done(rec, &p);
}

/* The VF table's steps back from the PF's message in vf.STAGE. */
static void vf_plan_from(struct vnet_ctx *ctx, const void *tab, const char *stage, struct plan *out)
{
	char *buf, what[64];
	const struct nlmsghdr *now = message_of("vf", stage, "pf0", &buf);

	memset(out, 0, sizeof(*out));
	CHECK(now != NULL);
	if (now)
		kind_vf.rec_plan_msg(ctx, out, "pf0", tab, now);
	free(buf);
	snprintf(what, sizeof(what), "vf table, from %s", stage);
	dump_plan(what, out);
}

/*
 * A4: vf count pf0 2, from 4 VFs with settings (VF 0: MAC, VLAN 7 qos 3,
 * spoofchk off, trust on; VF 1: VLAN 100 802.1ad, rates; VF 2: state
 * disable), which went through 0 and wiped them; then a failure. The VF
 * table is the kind's own record (rec_load from the PF's message before,
 * as the journal's; rec_plan_msg from its message now).
 */
static void test_vf(struct vnet_ctx *ctx)
{
	struct plan p = { 0 }, back;
	struct record *rec = record_for(ctx, "vf", &p, OP_SYSFS, &kind_vf, "pf0", "vf count pf0 4 -> 2");
	char *bbuf;
	void *tab = NULL;

	if (!rec)
		return;
	const struct nlmsghdr *was = message_of("vf", "before", "pf0", &bbuf);
	const struct link *pf = state_by_name(record_state(rec), "pf0");

	CHECK(was && pf && kind_vf.rec_load(ctx, pf, was, &tab) == 0 && tab);
	free(bbuf);
	if (!tab) {
		done(rec, &p);
		return;
	}
	/* The links themselves: nothing to do. */
	plan_from(ctx, rec, "vf", "after", &back);
	CHECK(back.n == 0);
	plan_free(&back);
	/* Round 1: the count, through 0. */
	vf_plan_from(ctx, tab, "after", &back);
	CHECK(back.n == 2);
	if (back.n == 2) {
		CHECK(back.ops[0].type == OP_SYSFS && back.ops[0].sysval == 0 &&
		      strstr(back.ops[0].text, "vf count pf0 2 -> 0"));
		CHECK(back.ops[1].type == OP_SYSFS && back.ops[1].sysval == 4 &&
		      strstr(back.ops[1].text, "vf count pf0 0 -> 4"));
		CHECK(strstr(back.ops[1].path, "sriov_numvfs") != NULL);
	}
	plan_free(&back);
	/* Round 2: the settings of each VF, reset by the count. */
	vf_plan_from(ctx, tab, "round2", &back);
	CHECK(find(&back, "vf pf0 0: set mac 00:00:00:00:00:00 -> 02:00:00:00:00:0a") >= 0);
	CHECK(find(&back, "vf pf0 0: set vlan none -> 7, qos 0 -> 3") >= 0);
	CHECK(find(&back, "vf pf0 0: set trust off -> on") >= 0);
	CHECK(find(&back, "vf pf0 1: set vlan none -> 100, proto 802.1q -> 802.1ad") >= 0);
	CHECK(find(&back, "vf pf0 1: set min-rate 0 -> 10, max-rate 0 -> 200") >= 0);
	CHECK(find(&back, "vf pf0 2: set state auto -> disable") >= 0);
	CHECK(find(&back, "vf pf0 3:") < 0 && find(&back, "vf count") < 0 && back.n == 6);
	/* Each step names the VF it sends for. */
	for (int i = 0; i < back.n; i++) {
		int vf = -1;

		CHECK(back.ops[i].type == OP_KIND && sscanf(back.ops[i].text, "rollback: vf pf0 %d:", &vf) == 1 &&
		      back.ops[i].index == vf);
	}
	plan_free(&back);
	/* Once they are back: nothing. */
	vf_plan_from(ctx, tab, "before", &back);
	CHECK(back.n == 0);
	plan_free(&back);
	kind_vf.rec_free(tab);
	done(rec, &p);
}

int main(int argc, char **argv)
{
	struct vnet_ctx *ctx = vnet_ctx_new();

	if (argc != 2) {
		fprintf(stderr, "usage: test-rollback-dumps DIR\n");
		return 2;
	}
	dir = argv[1];
	test_veth_deleted(ctx);
	test_stp(ctx);
	test_bridge_deleted(ctx);
	test_bond_mode(ctx);
	test_vlan_stack(ctx);
	test_vf(ctx);
	vnet_ctx_free(ctx);
	printf("%d checks passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
