// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one message layer: an rtnetlink socket on libmnl, opened inside the
 * target namespace, with extended acks on. Every request and every dump
 * goes through here.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <linux/rtnetlink.h>

#include "attr.h"
#include "internal.h"
#include "value.h"
#include "nl.h"
#include "state.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

/* A reply buffer's first size: recv_some grows it for a longer datagram. */
#define NL_RECV_SIZE (64 * 1024)

/*
 * No interface reports HZ as such (sysconf's CLK_TCK is USER_HZ, 100 on
 * every kernel). A socket keeps its receive timeout in jiffies, rounded up
 * (sock_set_timeout), and reads it back in microseconds (sock_get_timeout):
 * a timeout of 1 us reads back as one jiffy, 1000000 / HZ us. The HZ is the
 * smallest that gives that many microseconds a jiffy.
 */
static int hz = -1; /* not asked yet */

static unsigned int ask_hz(void)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct timeval tv = { 0, 1 };
	socklen_t len = sizeof(tv);
	unsigned int h = 0;

	if (fd < 0)
		return 0;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) == 0 && tv.tv_sec == 0 &&
	    tv.tv_usec > 0) {
		h = (unsigned int)(1000000 / (tv.tv_usec + 1) + 1);
		if (1000000 / h != (unsigned int)tv.tv_usec)
			h = 0;
	}
	close(fd);
	return h;
}

unsigned int kernel_hz(void)
{
	if (hz < 0)
		hz = (int)ask_hz();
	return (unsigned int)hz;
}

void kernel_hz_assume(unsigned int h)
{
	hz = (int)h;
}

static int open_here(struct vnet_ctx *ctx)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int one = 1;

	if (!nl)
		return -errno;
	/* Best effort: old kernels lack them, and requests still work. */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(nl);
		return -e;
	}
	ctx->nl = nl;
	ctx->portid = mnl_socket_get_portid(nl);
	ctx->seq = (unsigned int)getpid() << 8;
	return 0;
}

int nlm_open(struct vnet_ctx *ctx)
{
	int here = -1, r;

	if (ctx->nl)
		return 0;
	if (ctx->netns[0] && ctx->netns_fd < 0) {
		char path[300];

		snprintf(path, sizeof(path), "/run/netns/%s", ctx->netns);
		ctx->netns_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (ctx->netns_fd < 0)
			return vnet_fail(ctx, errno, "netns %.64s%s: cannot open /run/netns/%.64s%s",
					 ctx->netns, strlen(ctx->netns) > 64 ? "..." : "", ctx->netns,
					 strlen(ctx->netns) > 64 ? "..." : "");
	}
	if (ctx->netns_fd >= 0) {
		/* A socket stays in the namespace it was created in. */
		here = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (here < 0)
			return vnet_fail(ctx, errno, "cannot open /proc/self/ns/net");
		if (setns(ctx->netns_fd, CLONE_NEWNET) < 0) {
			r = errno;
			close(here);
			return vnet_fail(ctx, r, "netns %s: cannot enter it", ctx->netns);
		}
	}
	r = open_here(ctx);
	if (here >= 0) {
		if (setns(here, CLONE_NEWNET) < 0 && r == 0)
			r = -errno;
		close(here);
	}
	if (r < 0)
		return vnet_fail(ctx, -r, "cannot open an rtnetlink socket");
	return 0;
}

struct mnl_socket *nlm_open_listener(struct vnet_ctx *ctx, const unsigned int *groups, int n)
{
	struct mnl_socket *keep = ctx->nl, *nl;
	unsigned int portid = ctx->portid, seq = ctx->seq;
	int size = 16 << 20;

	/* Made as the context's own socket is (in its namespace), then taken away. */
	ctx->nl = NULL;
	if (nlm_open(ctx) < 0) {
		ctx->nl = keep;
		return NULL;
	}
	nl = ctx->nl;
	ctx->nl = keep;
	ctx->portid = portid;
	ctx->seq = seq;
	/* 1000 links made at once must not overflow it; without CAP_NET_ADMIN, what rmem_max gives. */
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	for (int i = 0; i < n; i++)
		if (setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &groups[i],
			       sizeof(groups[i])) < 0) {
			int e = errno;

			mnl_socket_close(nl);
			vnet_fail(ctx, e, "cannot listen to the kernel's link events");
			return NULL;
		}
	return nl;
}

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

uint64_t nlm_netns_cookie(struct vnet_ctx *ctx)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	struct vnet_error saved = ctx->err;

	/* Linux 5.14 and later; before, 0: the inode alone names the namespace. */
	if (nlm_open(ctx) < 0 ||
	    getsockopt(mnl_socket_get_fd(ctx->nl), SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) < 0)
		cookie = 0;
	ctx->err = saved;
	return cookie;
}

void nlm_close(struct vnet_ctx *ctx)
{
	if (ctx->nl)
		mnl_socket_close(ctx->nl);
	ctx->nl = NULL;
}

struct nlmsghdr *nlm_msg_start(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	/*
	 * No memset of the whole buffer (16 KiB, 256 of them to a batch): libmnl
	 * zeroes the header and each extra header, and the callers' buffers
	 * start zeroed (calloc), since libmnl 1.0.4 leaves an attribute's
	 * padding as it finds it.
	 */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

/* Reads the kernel's extended-ack message and offset from an error reply. */
static void read_extack(struct vnet_ctx *ctx, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	size_t off = sizeof(*e);

	ctx->err.ext_msg[0] = 0;
	ctx->err.ext_off = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return;
	/* Without NLM_F_CAPPED the reply repeats our whole request. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(e->msg))
			return;
		off += e->msg.nlmsg_len - sizeof(e->msg);
	}
	if (off > mnl_nlmsg_get_payload_len(nlh))
		return; /* a request said to be longer than the reply: no TLVs to trust */
	mnl_attr_for_each(a, nlh, off) {
		switch (mnl_attr_get_type(a)) {
		case NLMSGERR_ATTR_MSG:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(ctx->err.ext_msg, sizeof(ctx->err.ext_msg), "%s",
					 mnl_attr_get_str(a));
			break;
		case NLMSGERR_ATTR_OFFS:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				ctx->err.ext_off = mnl_attr_get_u32(a);
			break;
		}
	}
}

/*
 * Where a request's replies are read: at least NL_RECV_SIZE (the kernel makes
 * a dump's datagrams as large as the reader's buffer, up to 32 KiB), more when
 * one datagram needs it.
 */
struct rbuf {
	char *p;
	size_t len;
};

static int rbuf_init(struct rbuf *b)
{
	b->len = NL_RECV_SIZE;
	b->p = malloc(b->len);
	return b->p ? 0 : -ENOMEM;
}

/*
 * Reads one datagram whole, however long. A message is never split across
 * datagrams, and one RTM_NEWLINK can outgrow any fixed buffer (a PF with a
 * few hundred VFs lists them all): so the length is learnt first with
 * MSG_PEEK | MSG_TRUNC, which leaves the datagram queued, and the buffer
 * grows to it, as iproute2's rtnl_recvmsg does.
 */
static int recv_some(struct vnet_ctx *ctx, struct rbuf *b)
{
	int fd = mnl_socket_get_fd(ctx->nl);
	ssize_t n;

	do
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno; /* ENOBUFS: the socket overran; the caller reports it */
	if ((size_t)n > b->len) {
		char *p = realloc(b->p, (size_t)n);

		if (!p)
			return -ENOMEM;
		b->p = p;
		b->len = (size_t)n;
	}
	do
		n = mnl_socket_recvfrom(ctx->nl, b->p, b->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (int)n;
}

int nlm_reply_error(const struct nlmsghdr *h)
{
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(int)))
		return -EBADMSG;
	int e = ((const struct nlmsgerr *)mnl_nlmsg_get_payload(h))->error;

	/* An ack is 0 and a failure a negative errno; anything else is no answer. */
	return e <= 0 && e > -4096 ? e : -EBADMSG;
}

/* A link message a callback may read: RTM_NEWLINK with its whole family header. */
static int is_link_msg(const struct nlmsghdr *h)
{
	return h->nlmsg_type == RTM_NEWLINK && h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg));
}

int nlm_talk_part(struct vnet_ctx *ctx, const char *buf, int len, unsigned int seq,
		  nlm_dump_cb cb, void *data, int *err)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;

	for (; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
		if (h->nlmsg_seq != seq || h->nlmsg_pid != ctx->portid)
			continue; /* not ours: a stale reply */
		if (h->nlmsg_type != NLMSG_ERROR) {
			/* A callback that failed makes the request fail, once its ack is read. */
			if (cb && is_link_msg(h) && cb(h, data) == MNL_CB_ERROR && *err == 1)
				*err = -EINVAL;
			continue;
		}
		int e = nlm_reply_error(h);

		if (e < 0)
			read_extack(ctx, h);
		if (e < 0 || *err == 1)
			*err = e;
		return 1;
	}
	return 0;
}

/*
 * Sends one request and reads until its ack. Replies other than the ack
 * (the answer to a GET) go to cb. A change request counts in ctx->nreq.
 */
static int nlm_talk(struct vnet_ctx *ctx, struct nlmsghdr *nlh, nlm_dump_cb cb, void *data)
{
	struct rbuf b;
	int r, n;

	r = nlm_open(ctx);
	if (r < 0)
		return r;
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++ctx->seq;
	if (mnl_socket_sendto(ctx->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	if (!cb)
		ctx->nreq++;
	if (rbuf_init(&b) < 0)
		return -ENOMEM;
	r = 1; /* no answer yet */
	for (;;) {
		n = recv_some(ctx, &b);
		if (n < 0) {
			r = n;
			ctx->answer_lost = -n;
			break;
		}
		if (nlm_talk_part(ctx, b.p, n, nlh->nlmsg_seq, cb, data, &r))
			break;
	}
	free(b.p);
	return r;
}

void nlm_batch_part(struct vnet_ctx *ctx, const char *buf, int len, unsigned int first, int n,
		    int *err, int *failed)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;

	for (; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
		unsigned int k = h->nlmsg_seq - first;

		if (h->nlmsg_type != NLMSG_ERROR || h->nlmsg_pid != ctx->portid ||
		    k >= (unsigned int)n || err[k] != 1)
			continue;
		err[k] = nlm_reply_error(h);
		if (err[k] < 0 && !(*failed)++)
			read_extack(ctx, h);
	}
}

size_t nlm_send_max(struct vnet_ctx *ctx)
{
	int sndbuf = 0;
	socklen_t len = sizeof(sndbuf);

	/*
	 * The kernel's netlink_sendmsg refuses (EMSGSIZE) a datagram longer
	 * than the socket's send buffer less 32 bytes; SO_SNDBUF reads that
	 * buffer (net.core.wmem_default, 212,992 bytes, unless set): 16 port
	 * requests of 2047 VLANs each, 262 KB, never fitted one datagram.
	 */
	if (getsockopt(mnl_socket_get_fd(ctx->nl), SOL_SOCKET, SO_SNDBUF, &sndbuf, &len) < 0 ||
	    sndbuf <= 32)
		return 0; /* (not seen) then one request to a datagram */
	return (size_t)sndbuf - 32;
}

int nlm_batch_fit(struct nlmsghdr *const *msgs, int n, size_t max)
{
	size_t len = MNL_ALIGN(msgs[0]->nlmsg_len);
	int k = 1;

	while (k < n && len + MNL_ALIGN(msgs[k]->nlmsg_len) <= max)
		len += MNL_ALIGN(msgs[k++]->nlmsg_len);
	return k;
}

int nlm_batch(struct vnet_ctx *ctx, struct nlmsghdr **msgs, int n, int *err)
{
	size_t total = 0, max;
	struct rbuf b;
	char *out;
	unsigned int first;
	int r, failed = 0;

	for (int i = 0; i < n; i++)
		err[i] = 1; /* no answer yet */
	r = nlm_open(ctx);
	if (r < 0)
		return r;
	max = nlm_send_max(ctx);
	first = ctx->seq + 1;
	for (int i = 0; i < n; i++) {
		total += MNL_ALIGN(msgs[i]->nlmsg_len);
		msgs[i]->nlmsg_seq = ++ctx->seq;
	}
	out = malloc(total);
	if (!out || rbuf_init(&b) < 0) {
		free(out);
		return -ENOMEM;
	}
	/*
	 * As many requests to a datagram as the socket can send; the kernel
	 * runs those of one datagram in order, all of them. When one fails,
	 * no further datagram is sent: less runs, so less is undone.
	 */
	for (int i = 0, k; i < n && !failed; i += k) {
		size_t o = 0;

		k = nlm_batch_fit(msgs + i, n - i, max);
		for (int j = i; j < i + k; j++) {
			/*
			 * Only the datagram's last asks for an ack: the kernel
			 * answers a failed one anyway, so the last ack means
			 * every answer is in, and silence meant success (a
			 * thousand acks fewer to make and read).
			 */
			if (j == i + k - 1)
				msgs[j]->nlmsg_flags |= NLM_F_ACK;
			else
				msgs[j]->nlmsg_flags &= (uint16_t)~NLM_F_ACK;
			memcpy(out + o, msgs[j], msgs[j]->nlmsg_len);
			o += MNL_ALIGN(msgs[j]->nlmsg_len);
		}
		if (mnl_socket_sendto(ctx->nl, out, o) < 0) {
			/* The kernel took none of them (one request alone too long: EMSGSIZE). */
			err[i] = -errno;
			ctx->err.ext_msg[0] = 0;
			ctx->err.ext_off = 0;
			break;
		}
		ctx->nreq += (unsigned long)k;
		while (err[i + k - 1] == 1) {
			int got = recv_some(ctx, &b);

			if (got < 0) {
				r = got; /* ENOBUFS: acks were lost; the caller must not guess */
				ctx->answer_lost = -got;
				goto out;
			}
			nlm_batch_part(ctx, b.p, got, first, n, err, &failed);
		}
		for (int j = i; j < i + k - 1; j++)
			if (err[j] == 1)
				err[j] = 0;
	}
	r = 0;
out:
	free(out);
	free(b.p);
	return r;
}

int nlm_request(struct vnet_ctx *ctx, struct nlmsghdr *nlh)
{
	return nlm_talk(ctx, nlh, NULL, NULL);
}

static int index_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWLINK)
		*(int *)data = ((const struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_index;
	return MNL_CB_OK;
}

/* An RTM_GETLINK request for one link by name, built in buf (256 bytes). */
static struct nlmsghdr *getlink_req(char *buf, const char *name, uint32_t ext_mask)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, 256);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, ext_mask);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

int nlm_getlink(struct vnet_ctx *ctx, const char *name, nlm_dump_cb cb, void *data)
{
	char buf[256];

	return nlm_talk(ctx, getlink_req(buf, name, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS), cb,
			data);
}

int nlm_fd(struct vnet_ctx *ctx)
{
	int r = nlm_open(ctx);

	return r < 0 ? r : mnl_socket_get_fd(ctx->nl);
}

int nlm_ifindex(struct vnet_ctx *ctx, const char *name)
{
	char buf[256];
	int idx = 0, r = nlm_open(ctx);
	struct ifreq ifr = { 0 };

	if (r < 0)
		return r;
	/*
	 * SIOCGIFINDEX on the rtnetlink socket answers in the socket's
	 * namespace, as if_nametoindex does in ip: a few microseconds, where
	 * an RTM_GETLINK reply is a whole link message to build and read.
	 */
	if (strlen(name) < sizeof(ifr.ifr_name)) {
		memcpy(ifr.ifr_name, name, strlen(name) + 1);
		if (ioctl(mnl_socket_get_fd(ctx->nl), SIOCGIFINDEX, &ifr) == 0 && ifr.ifr_ifindex > 0)
			return ifr.ifr_ifindex;
		if (errno == ENODEV)
			return -ENODEV;
	}
	r = nlm_talk(ctx, getlink_req(buf, name, RTEXT_FILTER_SKIP_STATS), index_cb, &idx);
	if (r < 0)
		return r;
	return idx > 0 ? idx : -ENODEV;
}

int nlm_index_or_zero(struct vnet_ctx *ctx, const char *name)
{
	int r;

	if (!name[0] || (ctx->flags & VNET_F_DRY_RUN))
		return 0;
	/* A plan names the same master again and again: ask the kernel once. */
	for (int i = 0; i < ctx->nidx; i++)
		if (!strcmp(ctx->idx[i].name, name))
			return ctx->idx[i].ifindex;
	/* A link the record read: no request (a plan of 1000 addresses sent 1000 more). */
	const struct link *l = ctx->known ? state_by_name((struct state *)ctx->known, name) : NULL;

	if (l)
		return l->ifindex;
	r = nlm_ifindex(ctx, name);
	if (r <= 0)
		return 0;
	int slot = ctx->nidx < (int)(sizeof(ctx->idx) / sizeof(ctx->idx[0])) ? ctx->nidx++ : 0;

	snprintf(ctx->idx[slot].name, sizeof(ctx->idx[slot].name), "%s", name);
	ctx->idx[slot].ifindex = r;
	return r;
}

void nlm_forget(struct vnet_ctx *ctx, const char *name)
{
	if (!name)
		ctx->known = NULL;
	for (int i = 0; i < ctx->nidx; i++)
		if (!name || !strcmp(ctx->idx[i].name, name))
			ctx->idx[i--] = ctx->idx[--ctx->nidx];
}

/* Copies attribute a to out, padded: its aligned length. */
static size_t tap_attr(char *out, const struct nlattr *a)
{
	memcpy(out, a, a->nla_len);
	memset(out + a->nla_len, 0, MNL_ALIGN(a->nla_len) - a->nla_len);
	return MNL_ALIGN(a->nla_len);
}

/*
 * A link's message as the record keeps it: without what vnetctl never
 * changes and so never restores, its counters and the IPv4 and IPv6
 * settings in IFLA_AF_SPEC (800 of a veth's 1100 bytes). The journal is
 * written before the first step: its size is time an apply waits. The
 * planning reading still decodes the whole message.
 */
static size_t tap_link(char *out, const struct nlmsghdr *h)
{
	size_t len = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct ifinfomsg));
	const struct nlattr *a, *f;

	memcpy(out, h, len);
	attr_for_each_msg(a, h, sizeof(struct ifinfomsg)) {
		uint16_t type = attr_type(a);
		size_t nest = len;

		if (type == IFLA_STATS || type == IFLA_STATS64 || type == IFLA_MAP)
			continue;
		if (type != IFLA_AF_SPEC) {
			len += tap_attr(out + len, a);
			continue;
		}
		len += MNL_ATTR_HDRLEN;
		attr_for_each_nested(f, a)
			if (attr_type(f) != AF_INET && attr_type(f) != AF_INET6)
				len += tap_attr(out + len, f);
		if (len == nest + MNL_ATTR_HDRLEN) {
			len = nest; /* nothing else in it */
			continue;
		}
		memcpy(out + nest, a, MNL_ATTR_HDRLEN);
		((struct nlattr *)(out + nest))->nla_len = (uint16_t)(len - nest);
	}
	((struct nlmsghdr *)out)->nlmsg_len = (uint32_t)len;
	return len;
}

static void tap_add(struct nl_tap *t, const struct nlmsghdr *h)
{
	size_t n = MNL_ALIGN(h->nlmsg_len); /* at most this: a link's message shrinks */

	if (t->err)
		return;
	if (t->len + n > t->cap) {
		size_t cap = t->cap ? t->cap : 64 * 1024;
		char *b;

		while (cap < t->len + n)
			cap *= 2;
		b = realloc(t->buf, cap);
		if (!b) {
			t->err = -ENOMEM;
			return;
		}
		t->buf = b;
		t->cap = cap;
	}
	/* A bridge VLAN dump's messages are links' too, of AF_BRIDGE: kept whole. */
	if (is_link_msg(h) && ((const struct ifinfomsg *)NLMSG_DATA(h))->ifi_family == AF_UNSPEC) {
		t->len += tap_link(t->buf + t->len, h);
		return;
	}
	memcpy(t->buf + t->len, h, h->nlmsg_len);
	memset(t->buf + t->len + h->nlmsg_len, 0, n - h->nlmsg_len);
	t->len += n;
}

void nl_tap_free(struct nl_tap *t)
{
	free(t->buf);
	if (t->links)
		state_free(t->links);
	free(t->links);
	memset(t, 0, sizeof(*t));
}

/* Which of the tapped dumps a dump request is. */
static unsigned int tap_kind(uint16_t type, uint8_t family)
{
	if (type == RTM_GETADDR)
		return TAP_ADDR;
	if (type == RTM_GETROUTE)
		return TAP_ROUTE;
	return family == AF_BRIDGE ? TAP_BRIDGE : TAP_LINK;
}

/*
 * One read's worth of a dump: 1 to go on, 0 at its end, or -errno. Unlike
 * mnl_cb_run, a message flagged NLM_F_DUMP_INTR (the links changed while the
 * kernel walked them) does not stop the reading: the dump is read to its
 * end, so the socket stays in step, and then done again.
 */
int nlm_dump_part(const char *buf, int len, unsigned int seq, unsigned int portid,
		  struct dump_run *d)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;

	for (; mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
		if (h->nlmsg_seq != seq || h->nlmsg_pid != portid)
			continue; /* not ours */
		if (h->nlmsg_flags & NLM_F_DUMP_INTR)
			d->intr = 1;
		/* A dump that failed part-way ends with DONE holding the errno. */
		if (h->nlmsg_type == NLMSG_DONE) {
			int e = 0;

			if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(e)))
				memcpy(&e, NLMSG_DATA(h), sizeof(e));
			return e < 0 ? e : 0;
		}
		if (h->nlmsg_type == NLMSG_ERROR)
			return nlm_reply_error(h);
		if (d->type ? h->nlmsg_type != d->type || h->nlmsg_len < NLMSG_LENGTH(d->hdrlen)
			    : !is_link_msg(h))
			continue; /* NOOP, OVERRUN, or not of the kind dumped */
		if (d->intr)
			continue;
		if (d->tap)
			tap_add(d->tap, h);
		if (d->cb(h, d->data) == MNL_CB_ERROR)
			return -EINVAL;
	}
	return 1;
}

int nlm_dump(struct vnet_ctx *ctx, uint8_t family, uint32_t ext_mask, nlm_dump_cb cb,
	    nlm_dump_cb reset, void *data)
{
	return nlm_dump_of(ctx, RTM_GETLINK, family, ext_mask, cb, reset, data);
}

int nlm_dump_of(struct vnet_ctx *ctx, uint16_t type, uint8_t family, uint32_t ext_mask,
		nlm_dump_cb cb, nlm_dump_cb reset, void *data)
{
	char req[256];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	/* Links as before; an address or route dump hands on its messages with a whole header. */
	struct dump_run d = { cb, data, 0,
			      type == RTM_GETADDR ? RTM_NEWADDR : type == RTM_GETROUTE ? RTM_NEWROUTE : 0,
			      type == RTM_GETADDR    ? sizeof(struct ifaddrmsg)
			      : type == RTM_GETROUTE ? sizeof(struct rtmsg)
						     : 0 };
	struct rbuf b;
	int r, tries;
	unsigned int tk = tap_kind(type, family);
	size_t mark = 0;

	/* The journal wants each dump of the record once, as it was read. */
	if (ctx->tap && !(ctx->tap->done & tk)) {
		d.tap = ctx->tap;
		mark = d.tap->len;
	}
	r = nlm_open(ctx);
	if (r < 0)
		return r;
	if (rbuf_init(&b) < 0)
		return -ENOMEM;
	/*
	 * A dump that changes under the kernel's walk is read again; while
	 * another process creates links fast, that can take a while: retry for
	 * up to ten seconds, backing off a little each time.
	 */
	for (tries = 0; tries < 200; tries++) {
		if (tries)
			usleep((useconds_t)(tries < 20 ? tries : 20) * 2500);
		memset(req, 0, sizeof(req));
		nlh = mnl_nlmsg_put_header(req);
		nlh->nlmsg_type = type;
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		nlh->nlmsg_seq = ++ctx->seq;
		if (type == RTM_GETADDR) {
			struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

			ifa->ifa_family = family;
		} else if (type == RTM_GETROUTE) {
			struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

			rtm->rtm_family = family;
		} else {
			ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
			ifm->ifi_family = family;
			mnl_attr_put_u32(nlh, IFLA_EXT_MASK, ext_mask);
		}
		if (mnl_socket_sendto(ctx->nl, nlh, nlh->nlmsg_len) < 0) {
			r = -errno;
			break;
		}
		d.intr = 0;
		if (d.tap)
			d.tap->len = mark; /* a reading again replaces the one before */
		do {
			int n = recv_some(ctx, &b);

			if (n < 0) {
				r = n;
				break;
			}
			r = nlm_dump_part(b.p, n, nlh->nlmsg_seq, ctx->portid, &d);
		} while (r > 0);
		/* Links changed while the kernel walked them: read again. */
		if (r == 0 && d.intr && reset) {
			ctx->dump_retries++;
			reset(NULL, data);
			continue;
		}
		break;
	}
	/*
	 * Still interrupted after all those readings, or with no way to start
	 * the caller's reading over: say so rather than use a part.
	 */
	if (r == 0 && d.intr)
		r = -EAGAIN;
	if (d.tap && r == 0)
		d.tap->done |= tk;
	else if (d.tap)
		d.tap->len = mark;
	free(b.p);
	return r;
}

/* A create request for a throwaway link name (probes that the kernel is meant to refuse). */
static struct nlmsghdr *probe_start(char *buf, size_t len, char *name)
{
	struct nlmsghdr *nlh;

	snprintf(name, VNET_NAMSIZ, "vnprobe%u", (unsigned int)getpid() % 100000);
	memset(buf, 0, len);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nlh;
}

/* A probe's link that a kernel made after all goes at once. */
static void probe_delete(struct vnet_ctx *ctx, char *buf, const char *name)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = RTM_DELLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	nlm_request(ctx, nlh);
}

int nlm_kind_probe(struct vnet_ctx *ctx, const char *kind)
{
	static const uint8_t multicast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
	char buf[256], name[VNET_NAMSIZ];
	struct nlmsghdr *nlh;
	struct nlattr *li;
	struct vnet_error saved = ctx->err;
	int r;

	/*
	 * A create the kind's own validation refuses before anything is made:
	 * a multicast IFLA_ADDRESS (bond, vlan, bridge and veth validate it).
	 * A kind the kernel lacks (its module loaded on demand, as a create
	 * would) fails earlier, with EOPNOTSUPP "Unknown device type".
	 */
	nlh = probe_start(buf, sizeof(buf), name);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, multicast);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
	mnl_attr_nest_end(nlh, li);
	r = nlm_request(ctx, nlh);
	ctx->err = saved; /* a request's error record holds no allocation */
	if (r == 0) {
		/* Made after all (a kind that does not check the address): take it away. */
		probe_delete(ctx, buf, name);
		ctx->err = saved;
		return 1;
	}
	return r == -EOPNOTSUPP ? 0 : r == -EADDRNOTAVAIL || r == -EINVAL ? 1 : -1;
}

struct bridge_attr_query {
	uint16_t attr;
	int master, bridge, has;
};

static int bridge_attr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct bridge_attr_query *q = data;
	const struct nlattr *a, *i, *d;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) == IFLA_MASTER && mnl_attr_get_payload_len(a) >= 4)
			q->master = (int)mnl_attr_get_u32(a);
		if (mnl_attr_get_type(a) != IFLA_LINKINFO)
			continue;
		mnl_attr_for_each_nested(i, a) {
			if (mnl_attr_get_type(i) == IFLA_INFO_KIND)
				q->bridge = !strncmp(mnl_attr_get_payload(i), "bridge",
						     mnl_attr_get_payload_len(i));
			if (mnl_attr_get_type(i) == IFLA_INFO_DATA)
				mnl_attr_for_each_nested(d, i)
					q->has |= mnl_attr_get_type(d) == q->attr;
		}
	}
	return MNL_CB_OK;
}

int nlm_bridge_has_attr(struct vnet_ctx *ctx, const char *name, uint16_t attr)
{
	struct bridge_attr_query q = { .attr = attr };
	struct vnet_error saved = ctx->err;
	char buf[256];
	struct nlmsghdr *nlh = getlink_req(buf, name, RTEXT_FILTER_SKIP_STATS);
	int r = nlm_talk(ctx, nlh, bridge_attr_cb, &q);

	if (r == 0 && !q.bridge && q.master) {
		/* a port: ask its bridge, by index */
		struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

		memset(buf, 0, sizeof(buf));
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = RTM_GETLINK;
		nlh->nlmsg_flags = NLM_F_REQUEST;
		ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
		ifm->ifi_index = q.master;
		mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
		q.master = 0;
		r = nlm_talk(ctx, nlh, bridge_attr_cb, &q);
	}
	ctx->err = saved;
	return r < 0 || !q.bridge ? -1 : q.has;
}

int nlm_bridge_vlan_probe(struct vnet_ctx *ctx)
{
	struct vnet_error saved = ctx->err;
	char buf[256], name[VNET_NAMSIZ];
	struct nlmsghdr *nlh;
	struct nlattr *li, *d;
	int r;

	/*
	 * A bridge create that cannot succeed either way: with VLAN filtering
	 * the kernel's validation refuses the protocol 0x1234 (EPROTONOSUPPORT);
	 * without it, that check is not built and the MTU of 1 is refused
	 * before the bridge is registered (EINVAL, "MTU less than device minimum").
	 */
	nlh = probe_start(buf, sizeof(buf), name);
	mnl_attr_put_u32(nlh, IFLA_MTU, 1);
	li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	d = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u16(nlh, IFLA_BR_VLAN_PROTOCOL, htons(0x1234));
	mnl_attr_nest_end(nlh, d);
	mnl_attr_nest_end(nlh, li);
	r = nlm_request(ctx, nlh);
	if (r == -EINVAL && !strstr(ctx->err.ext_msg, "mtu") && !strstr(ctx->err.ext_msg, "MTU"))
		r = -EIO; /* refused for another reason: cannot tell */
	ctx->err = saved;
	if (r == 0) {
		/* made after all: take it away (no kernel seen does this) */
		probe_delete(ctx, buf, name);
		ctx->err = saved;
		return -1;
	}
	return r == -EPROTONOSUPPORT ? 1 : r == -EINVAL ? 0 : -1;
}
