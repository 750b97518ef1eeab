// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the message layer (lib/nl.c).
 *
 * First, how replies are read, on made-up buffers: another request's or
 * another socket's replies are skipped, callbacks see only link messages,
 * an error reply too short to hold its code is no answer, and a dump
 * message flagged NLM_F_DUMP_INTR stops the callbacks.
 *
 * Then, as root, against the kernel inside a network namespace of the test's
 * own (unshare; the host's links are never touched): a dump changed under the
 * kernel's walk is read again from the start, a dump that cannot start over
 * fails instead of giving a part, a reply longer than the first receive
 * buffer is read whole, a socket whose buffer overran reports ENOBUFS
 * instead of guessing the acks it lost, a batch longer than the socket can
 * send at once goes in several datagrams, and stops after a failure, and a
 * refused step with a long plan line still has the errno end its message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "internal.h"
#include "kind.h"
#include "nl.h"
#include "sysfs.h"
#include "out.h"

#include "check.h"

/* Appends a message of payload bytes (zeroed; an error code first if err_code). */
static void put(char *buf, int *off, uint16_t type, uint16_t flags, uint32_t seq, uint32_t pid,
		uint32_t payload, int err_code)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(buf + *off);

	memset(h, 0, NLMSG_SPACE(payload));
	h->nlmsg_len = NLMSG_LENGTH(payload);
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = seq;
	h->nlmsg_pid = pid;
	if (payload >= sizeof(int))
		memcpy(NLMSG_DATA(h), &err_code, sizeof(int));
	*off += (int)NLMSG_SPACE(payload);
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(int *)data)++;
	return MNL_CB_OK;
}

static int fail_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_ERROR;
}

/* Keeps the length of the longest message it sees. */
static int longest_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_len > *(unsigned int *)data)
		*(unsigned int *)data = nlh->nlmsg_len;
	return MNL_CB_OK;
}

static void test_replies(void)
{
	struct vnet_ctx *ctx = vnet_ctx_new();
	char buf[4096];
	int off = 0, seen = 0, err = 1;
	const uint32_t IFM = sizeof(struct ifinfomsg), ERR = sizeof(struct nlmsgerr);

	ctx->portid = 7;

	/* A dump: one link message of ours among others' and non-link messages. */
	put(buf, &off, RTM_NEWLINK, NLM_F_MULTI, 5, 7, IFM, 0);
	put(buf, &off, RTM_NEWLINK, NLM_F_MULTI, 4, 7, IFM, 0); /* an older request's */
	put(buf, &off, RTM_NEWLINK, NLM_F_MULTI, 5, 8, IFM, 0); /* another socket's */
	put(buf, &off, RTM_NEWADDR, NLM_F_MULTI, 5, 7, IFM, 0); /* not a link */
	put(buf, &off, RTM_NEWLINK, NLM_F_MULTI, 5, 7, 4, 0);   /* no whole ifinfomsg */
	put(buf, &off, NLMSG_NOOP, 0, 5, 7, 0, 0);
	put(buf, &off, NLMSG_DONE, NLM_F_MULTI, 5, 7, 4, 0);
	struct dump_run d = { count_cb, &seen, 0 };

	CHECK(nlm_dump_part(buf, off, 5, 7, &d) == 0);
	CHECK(seen == 1 && !d.intr);

	/* Without NLMSG_DONE a read says to go on. */
	off = 0, seen = 0;
	put(buf, &off, RTM_NEWLINK, NLM_F_MULTI, 5, 7, IFM, 0);
	CHECK(nlm_dump_part(buf, off, 5, 7, &d) == 1 && seen == 1);

	/* From the first message flagged DUMP_INTR on, the callback sees nothing. */
	off = 0, seen = 0;
	put(buf, &off, RTM_NEWLINK, NLM_F_MULTI, 5, 7, IFM, 0);
	put(buf, &off, RTM_NEWLINK, NLM_F_MULTI | NLM_F_DUMP_INTR, 5, 7, IFM, 0);
	put(buf, &off, RTM_NEWLINK, NLM_F_MULTI, 5, 7, IFM, 0);
	put(buf, &off, NLMSG_DONE, NLM_F_MULTI, 5, 7, 4, 0);
	CHECK(nlm_dump_part(buf, off, 5, 7, &d) == 0);
	CHECK(seen == 1 && d.intr == 1);

	/* A dump that failed part-way: DONE carries the errno. */
	off = 0, seen = 0, d.intr = 0;
	put(buf, &off, RTM_NEWLINK, NLM_F_MULTI, 5, 7, IFM, 0);
	put(buf, &off, NLMSG_DONE, NLM_F_MULTI, 5, 7, 4, -EMSGSIZE);
	CHECK(nlm_dump_part(buf, off, 5, 7, &d) == -EMSGSIZE && seen == 1);

	/* A dump that fails: its error code; a malformed error reply: -EBADMSG. */
	d.intr = 0;
	off = 0;
	put(buf, &off, NLMSG_ERROR, 0, 5, 7, ERR, -EOPNOTSUPP);
	CHECK(nlm_dump_part(buf, off, 5, 7, &d) == -EOPNOTSUPP);
	off = 0;
	put(buf, &off, NLMSG_ERROR, 0, 5, 7, 2, 0);
	CHECK(nlm_dump_part(buf, off, 5, 7, &d) == -EBADMSG);
	off = 0;
	put(buf, &off, NLMSG_ERROR, 0, 5, 7, ERR, 17);
	CHECK(nlm_dump_part(buf, off, 5, 7, &d) == -EBADMSG);

	/* One request: stale replies and their acks are passed over. */
	off = 0, seen = 0;
	put(buf, &off, RTM_NEWLINK, 0, 9, 7, IFM, 0);
	put(buf, &off, NLMSG_ERROR, 0, 9, 7, ERR, -EPERM);
	put(buf, &off, RTM_NEWLINK, 0, 10, 7, IFM, 0);
	put(buf, &off, RTM_NEWADDR, 0, 10, 7, IFM, 0);
	CHECK(nlm_talk_part(ctx, buf, off, 10, count_cb, &seen, &err) == 0 && err == 1);
	off = 0;
	put(buf, &off, NLMSG_ERROR, 0, 10, 8, ERR, -EPERM); /* another socket's */
	put(buf, &off, NLMSG_ERROR, 0, 10, 7, ERR, -EEXIST);
	CHECK(nlm_talk_part(ctx, buf, off, 10, count_cb, &seen, &err) == 1);
	CHECK(err == -EEXIST && seen == 1);
	off = 0, err = 1;
	put(buf, &off, NLMSG_ERROR, 0, 10, 7, 3, 0);
	CHECK(nlm_talk_part(ctx, buf, off, 10, NULL, NULL, &err) == 1 && err == -EBADMSG);

	/* A callback that fails fails the request, though the kernel acked it. */
	off = 0, err = 1;
	put(buf, &off, RTM_NEWLINK, 0, 11, 7, IFM, 0);
	put(buf, &off, NLMSG_ERROR, 0, 11, 7, ERR, 0);
	CHECK(nlm_talk_part(ctx, buf, off, 11, fail_cb, NULL, &err) == 1 && err == -EINVAL);
	off = 0, err = 1;
	put(buf, &off, RTM_NEWLINK, 0, 11, 7, IFM, 0);
	put(buf, &off, NLMSG_ERROR, 0, 11, 7, ERR, -ENODEV);
	CHECK(nlm_talk_part(ctx, buf, off, 11, fail_cb, NULL, &err) == 1 && err == -ENODEV);

	/* A batch: each ack to its own request, others' and repeats ignored. */
	int e[3] = { 1, 1, 1 }, nfailed = 0;

	off = 0;
	put(buf, &off, NLMSG_ERROR, 0, 101, 7, ERR, -EINVAL);
	put(buf, &off, NLMSG_ERROR, 0, 101, 7, ERR, 0);    /* a repeat: the first stays */
	put(buf, &off, NLMSG_ERROR, 0, 103, 7, ERR, -EIO); /* no such request */
	put(buf, &off, NLMSG_ERROR, 0, 100, 8, ERR, -EIO); /* another socket's */
	put(buf, &off, RTM_NEWLINK, 0, 100, 7, IFM, 0);    /* not an ack */
	put(buf, &off, NLMSG_ERROR, 0, 102, 7, ERR, 0);
	nlm_batch_part(ctx, buf, off, 100, 3, e, &nfailed);
	CHECK(e[0] == 1 && e[1] == -EINVAL && e[2] == 0 && nfailed == 1);

	/* A datagram takes whole requests, padded to 4 bytes, up to its limit; the first always. */
	struct nlmsghdr m[4] = { { .nlmsg_len = 100 }, { .nlmsg_len = 97 }, { .nlmsg_len = 100 },
				 { .nlmsg_len = 16 } };
	struct nlmsghdr *mp[4] = { &m[0], &m[1], &m[2], &m[3] };

	CHECK(nlm_batch_fit(mp, 4, 299) == 2 && nlm_batch_fit(mp, 4, 300) == 3);
	CHECK(nlm_batch_fit(mp, 4, 316) == 4 && nlm_batch_fit(mp, 3, 1000) == 3);
	CHECK(nlm_batch_fit(mp, 4, 50) == 1 && nlm_batch_fit(mp + 3, 1, 0) == 1);
	vnet_ctx_free(ctx);
}

/* ---- against the kernel, in a namespace of our own ---- */

static struct nlmsghdr *newbridge(char *buf, const char *name)
{
	struct nlmsghdr *nlh = nlm_msg_start(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *li;

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, li);
	return nlh;
}

static struct nlmsghdr *delbridge(char *buf, const char *name)
{
	memset(buf, 0, 512);
	struct nlmsghdr *nlh = nlm_msg_start(buf, RTM_DELLINK, 0);

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

struct poke {
	struct vnet_ctx *other; /* a second socket, that changes the links */
	int seen, resets, poked;
};

/* Counts links; in the first reading, makes a bridge once the walk has begun. */
static int poke_cb(const struct nlmsghdr *nlh, void *data)
{
	struct poke *p = data;
	char buf[512] = { 0 };

	(void)nlh;
	p->seen++;
	if (!p->poked) {
		p->poked = 1;
		CHECK(nlm_request(p->other, newbridge(buf, "poke0")) == 0);
	}
	return MNL_CB_OK;
}

static int poke_reset(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	((struct poke *)data)->seen = 0;
	((struct poke *)data)->resets++;
	return MNL_CB_OK;
}

static int count_links(struct vnet_ctx *ctx)
{
	struct poke p = { 0 };

	p.poked = 1;
	return nlm_dump(ctx, AF_UNSPEC, RTEXT_FILTER_SKIP_STATS, poke_cb, poke_reset, &p) < 0 ? -1
												: p.seen;
}

static struct nlmsghdr *setgroup(char *buf, const char *name, uint32_t group)
{
	memset(buf, 0, 512);
	struct nlmsghdr *nlh = nlm_msg_start(buf, RTM_NEWLINK, 0);

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	return nlh;
}

struct in_group {
	uint32_t group;
	int n;
};

static int in_group_cb(const struct nlmsghdr *nlh, void *data)
{
	struct in_group *g = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg))
		if (mnl_attr_get_type(a) == IFLA_GROUP && mnl_attr_get_u32(a) == g->group)
			g->n++;
	return MNL_CB_OK;
}

static int in_group_reset(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	((struct in_group *)data)->n = 0;
	return MNL_CB_OK;
}

/* How many links are in group g. */
static int count_group(struct vnet_ctx *ctx, uint32_t g)
{
	struct in_group in = { g, 0 };

	return nlm_dump(ctx, AF_UNSPEC, RTEXT_FILTER_SKIP_STATS, in_group_cb, in_group_reset, &in) < 0
		       ? -1
		       : in.n;
}

/*
 * A batch longer than the socket can send at once (its send buffer as small
 * as the kernel allows, about 4.5 KB) goes in several datagrams, each sent
 * once the one before is answered; after one with a failure, no more. The
 * links t0..t(n-1) exist.
 */
static void test_narrow(struct vnet_ctx *ctx, char (*bufs)[512], struct nlmsghdr **msgs, int *err)
{
	enum { N = 300 };
	struct vnet_ctx *narrow = vnet_ctx_new();
	char name[IFNAMSIZ];
	int one = 1;

	CHECK(nlm_open(narrow) == 0);
	setsockopt(mnl_socket_get_fd(narrow->nl), SOL_SOCKET, SO_SNDBUF, &one, sizeof(one));
	size_t max = nlm_send_max(narrow);

	/* The kernel's limit is that: a datagram of max bytes goes, one 4 bytes longer does not. */
	char *noop = calloc(1, max + 4);
	struct nlmsghdr *nh = (struct nlmsghdr *)noop;

	nh->nlmsg_type = NLMSG_NOOP; /* a request the kernel passes over without a word */
	nh->nlmsg_flags = NLM_F_REQUEST;
	nh->nlmsg_len = (uint32_t)max;
	CHECK(mnl_socket_sendto(narrow->nl, noop, max) == (ssize_t)max);
	nh->nlmsg_len = (uint32_t)max + 4;
	CHECK(mnl_socket_sendto(narrow->nl, noop, max + 4) < 0 && errno == EMSGSIZE);
	free(noop);

	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		msgs[i] = setgroup(bufs[i], name, 5);
	}
	int d1 = nlm_batch_fit(msgs, N, max), d2 = nlm_batch_fit(msgs + d1, N - d1, max);

	CHECK(d1 + d2 < N); /* three datagrams or more */
	CHECK(nlm_batch(narrow, msgs, N, err) == 0);
	int bad = 0;

	for (int i = 0; i < N; i++)
		bad += err[i] != 0;
	CHECK(bad == 0 && count_group(ctx, 5) == N);

	/* The second datagram's second request fails: the third is never sent. */
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), i == d1 + 1 ? "nosuch" : "t%d", i);
		msgs[i] = setgroup(bufs[i], name, 6);
	}
	CHECK(nlm_batch(narrow, msgs, N, err) == 0);
	bad = 0;
	for (int i = 0; i < N; i++)
		bad += err[i] != (i == d1 + 1 ? -ENODEV : i < d1 + d2 ? 0 : 1);
	CHECK(bad == 0 && count_group(ctx, 6) == d1 + d2 - 1);
	vnet_ctx_free(narrow);
}

/*
 * A refused step whose plan line is long (2047 VLANs, 9.7 KB): its message
 * keeps the head and the tail of the line and ends with the errno. The
 * bridge t0 is no bridge port: every kernel refuses it VLANs.
 */
static void test_long_step(struct vnet_ctx *ctx)
{
	static char txt[16384];
	struct plan p = { 0 };
	struct op *op = plan_add(&p, OP_VLAN_ADD, &kind_bridge, "t0");
	struct vlanset s = { 0 };
	/* (where the kernel lacks VLAN filtering, the message says so before the errno) */
	const char *msg = vnet_ctx_error(ctx)->msg, *end = " (Operation not supported)";

	for (unsigned int v = 2; v < 4095; v += 2)
		vlanset_add(&s, v);
	vlan_entries_add(&op->vlans, &op->nvlans, &s, 0);
	vlanset_format(&s, txt, sizeof(txt));
	op_textf(op, "bridge t1 port t0: add vlans %s", txt);
	CHECK(plan_exec(ctx, &p) == -EOPNOTSUPP);
	CHECK(!strncmp(msg, "bridge t1 port t0: add vlans 2,4,6,", 35) && strstr(msg, ",...,"));
	CHECK(strlen(msg) > strlen(end) && !strcmp(msg + strlen(msg) - strlen(end), end));
	CHECK(strstr(msg, ",4092,4094: failed (") != NULL ||
	      strstr(msg, ",4092,4094: this kernel has no bridge VLAN filtering: ") != NULL);
	plan_free(&p);
}

static void test_kernel(void)
{
	enum { N = 300 };
	struct vnet_ctx *ctx = vnet_ctx_new(), *other = vnet_ctx_new();
	static char bufs[N][512];
	struct nlmsghdr *msgs[N];
	int err[N], r;
	char name[IFNAMSIZ];

	/* Enough bridges that a dump takes several reads (about 1.5 KB each). */
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		memset(bufs[i], 0, sizeof(bufs[i]));
		msgs[i] = newbridge(bufs[i], name);
	}
	r = nlm_batch(ctx, msgs, N, err);
	int bad = 0;

	for (int i = 0; i < N; i++)
		bad += err[i] != 0;
	CHECK(r == 0 && bad == 0);
	int before = count_links(ctx);

	CHECK(before == N + 1); /* and lo */

	/* A bridge made while the kernel walks the links: the dump is read again. */
	struct poke p = { other, 0, 0, 0 };
	unsigned long retries = ctx->dump_retries;

	r = nlm_dump(ctx, AF_UNSPEC, RTEXT_FILTER_SKIP_STATS, poke_cb, poke_reset, &p);
	CHECK(r == 0 && p.poked);
	CHECK(p.resets >= 1 && ctx->dump_retries > retries);
	CHECK(p.seen == N + 2); /* the last reading, whole, with poke0 */

	/* The same with no way to start the reading over: an error, not a part. */
	struct poke q = { other, 0, 0, 0 };
	char buf[512];

	CHECK(nlm_request(other, delbridge(buf, "poke0")) == 0);
	r = nlm_dump(ctx, AF_UNSPEC, RTEXT_FILTER_SKIP_STATS, poke_cb, NULL, &q);
	CHECK(q.poked && r == -EAGAIN);
	CHECK(nlm_request(other, delbridge(buf, "poke0")) == 0);

	/*
	 * A reply longer than the first receive buffer, as one RTM_NEWLINK of a
	 * PF with a few hundred VFs is: a second socket sends ctx such a
	 * message under the number of ctx's next request, whose reading takes
	 * it whole before the kernel's own reply and ack.
	 */
	enum { BIG = 100000 };
	char *big = calloc(1, BIG);
	struct nlmsghdr *bh = (struct nlmsghdr *)big;
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = ctx->portid };
	unsigned int longest = 0;

	bh->nlmsg_len = BIG;
	bh->nlmsg_type = RTM_NEWLINK;
	bh->nlmsg_seq = ctx->seq + 1;
	bh->nlmsg_pid = ctx->portid;
	CHECK(sendto(mnl_socket_get_fd(other->nl), big, BIG, 0, (struct sockaddr *)&to,
		     sizeof(to)) == BIG);
	CHECK(nlm_getlink(ctx, "lo", longest_cb, &longest) == 0);
	CHECK(longest == BIG);
	free(big);

	/*
	 * A receive buffer too small for the kernel's answers: 300 requests that
	 * all fail (no such link) send 300 error replies at once; the socket
	 * overruns, and the batch says so rather than take the silence for
	 * success.
	 */
	struct vnet_ctx *small = vnet_ctx_new();
	int one = 1;

	CHECK(nlm_open(small) == 0);
	setsockopt(mnl_socket_get_fd(small->nl), SOL_SOCKET, SO_RCVBUF, &one, sizeof(one));
	for (int i = 0; i < N; i++) {
		memset(bufs[i], 0, sizeof(bufs[i]));
		msgs[i] = nlm_msg_start(bufs[i], RTM_DELLINK, 0);
		struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(msgs[i], sizeof(*ifm));

		ifm->ifi_index = 1000000 + i;
	}
	r = nlm_batch(small, msgs, N, err);
	CHECK(r == -ENOBUFS);
	CHECK(count_links(ctx) == N + 1); /* poke0 made and gone twice, the rest as they were */
	vnet_ctx_free(small);

	test_narrow(ctx, bufs, msgs, err);
	test_long_step(ctx);
	vnet_ctx_free(other);
	vnet_ctx_free(ctx);
}

int main(void)
{
	int skipped = 1;

	test_replies();
	if (geteuid() != 0)
		printf("kernel part skipped: not root\n");
	else if (unshare(CLONE_NEWNET) < 0)
		printf("kernel part skipped: unshare(CLONE_NEWNET): %s\n", strerror(errno));
	else
		test_kernel(), skipped = 0;
	printf("%d checks passed, %d failed\n", passed, failed);
	/* 77: meson's SKIP, so that a run without the kernel part shows. */
	return failed ? 1 : skipped ? 77 : 0;
}
