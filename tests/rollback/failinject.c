// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * failinject.so: an LD_PRELOAD shim that makes one change request of a
 * process fail, for the rollback matrix (tests/rollback/run). A test tool,
 * built in tests/ and never installed; the product has no hook for it.
 *
 * A change request is
 *   - each netlink message sent on a NETLINK_ROUTE socket whose type is a
 *     NEW, DEL or SET request (RTM_NEWLINK, RTM_DELLINK, RTM_SETLINK,
 *     RTM_NEWADDR, RTM_DELADDR, RTM_NEWROUTE, RTM_DELROUTE and the other
 *     rtnetlink NEW/DEL/SET types): every message of a datagram counts, as
 *     a batch holds many. GET requests (dumps and single gets) never count.
 *     NLM_F_DUMP is not looked at: the kernel dumps only for a GET type
 *     (rtnetlink_rcv_msg), and on a NEW request the same two bits are
 *     NLM_F_REPLACE and NLM_F_EXCL, so the type alone decides, as there;
 *   - each write(2), pwrite(2) or writev(2) to a file on sysfs (f_type
 *     SYSFS_MAGIC) opened for writing: sriov_numvfs, say.
 *
 * Environment:
 *   VNETCTL_FAILINJECT=K  change request number K (counted from 1) fails.
 *       A netlink message is cut to its header and the first byte of its
 *       family header (the family), the rest of the datagram left as it
 *       was: every handler of the types above refuses a message shorter
 *       than its family header with EINVAL ("Invalid header length" in the
 *       extended ack where it parses attributes), and the kernel acks the
 *       error even without NLM_F_ACK. EINVAL, not the EOPNOTSUPP of an
 *       unknown type, because vnetctl retries a create refused with
 *       EOPNOTSUPP (without its chosen index), which would hide the fault.
 *       A sysfs write fails with EIO without reaching the kernel. Only
 *       request K fails: those after it (the rollback's) pass through.
 *   VNETCTL_FAILINJECT_KILL=K  instead, the process is killed (SIGKILL) right
 *       after change request K: a datagram that holds it is sent cut after
 *       it (rtnetlink runs a datagram's requests in the sender's send call,
 *       so the kernel has run exactly K), a sysfs write is made; then the
 *       process dies, as a vnetctl killed by kill -9, the OOM killer or a
 *       closed terminal would (the journal tests, tests/rollback/run --kill).
 *   VNETCTL_FAILINJECT_RECV=K  instead, the datagram that holds change
 *       request K is sent whole (the kernel runs every request in it before
 *       the send returns), and its answers are lost: the next receive on
 *       that socket throws away every reply the kernel has queued on it and
 *       fails with ENOBUFS, as when a full receive buffer overran
 *       (netlink_overrun drops an ack that does not fit and flags the
 *       socket). The requests ran; the sender cannot know it. A sysfs write
 *       K is made, then fails with EIO (a driver that did it and said no).
 *   VNETCTL_FAILINJECT_REREAD=K  instead, the first read request (a GET
 *       type: a dump or a single get) sent on an rtnetlink socket after
 *       change request K is sent, and its answer is lost as above (a dump
 *       is read to its end and thrown away: a socket cannot start another
 *       dump before it ends). With K the number of change requests of an
 *       apply, that is its re-read of the host after the changes. The log
 *       gets a line "reread WHAT INJECTED" for it (at exit, "no read after
 *       K" when there was none).
 *   VNETCTL_FAILINJECT_COUNT=PATH  at exit, PATH is overwritten with the
 *       number of change requests the process sent, as "N\n".
 *   VNETCTL_FAILINJECT_LOG=PATH  one line appended per change request,
 *       "N WHAT DETAILS", with " INJECTED" on the one made to fail; at
 *       exit, "K not reached" if K was never seen.
 *
 * Each process counts its own requests (a forked child goes on from its
 * parent's count; a program it executes starts again at 0 while the
 * environment holds the variables). vnetctl is single-threaded; a mutex
 * keeps the count whole anyway.
 *
 * Followed: send, sendto (libmnl's mnl_socket_sendto), sendmsg, sendmmsg
 * and write on the socket, and for a lost answer recv, recvfrom, recvmsg
 * (libmnl's mnl_socket_recvfrom), recvmmsg and read; files opened with
 * open, open64, openat,
 * openat64, creat and the fortified __open_2 and __openat_2. A sysfs file
 * opened for writing with fopen cannot be followed (stdio writes through
 * glibc's internal calls): the shim aborts the process, saying so, rather
 * than let such writes go uncounted.
 */
#define _GNU_SOURCE
/* Both open and open64 are wrapped: neither may be renamed to the other (meson sets 64). */
#undef _FILE_OFFSET_BITS
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define MAX_FD 65536

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static unsigned long inject_at; /* 0: count only */
static unsigned long seen;	 /* change requests so far */
static int injected;
/* What becomes of request inject_at (or, REREAD, of the first read after it). */
static enum { M_REFUSE, M_KILL, M_RECV, M_REREAD } fault;
static int kill_pending;	 /* M_KILL: it has been sent: die once the call returns */
/* Sockets whose next receive loses every queued reply and fails with ENOBUFS. */
static unsigned char lose_next[MAX_FD];
static const char *count_path;
static int log_fd = -1;
/* Files on sysfs opened for writing, by descriptor: their paths. */
static char *sysfs_path[MAX_FD];

static ssize_t (*real_send)(int, const void *, size_t, int);
static ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static int (*real_sendmmsg)(int, struct mmsghdr *, unsigned int, int);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off64_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_recv)(int, void *, size_t, int);
static ssize_t (*real_recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
static ssize_t (*real_recvmsg)(int, struct msghdr *, int);
static int (*real_recvmmsg)(int, struct mmsghdr *, unsigned int, int, struct timespec *);
static ssize_t (*real_read)(int, void *, size_t);
static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_open_2)(const char *, int);
static int (*real_openat_2)(int, const char *, int);
static int (*real_creat)(const char *, mode_t);
static int (*real_close)(int);
static FILE *(*real_fopen)(const char *, const char *);
static FILE *(*real_fopen64)(const char *, const char *);

/* Says why and stops: a shim that cannot do its job must not pass for one that did. */
static void die(const char *why)
{
	char msg[512];
	int n = snprintf(msg, sizeof(msg), "failinject: %s\n", why);

	syscall(SYS_write, 2, msg, (size_t)n);
	abort();
}

static void *next(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (!f)
		die("a libc function to wrap is missing");
	return f;
}

static void init(void)
{
	static const struct {
		const char *var;
		int fault;
	} vars[] = {
		{ "VNETCTL_FAILINJECT", M_REFUSE },
		{ "VNETCTL_FAILINJECT_KILL", M_KILL },
		{ "VNETCTL_FAILINJECT_RECV", M_RECV },
		{ "VNETCTL_FAILINJECT_REREAD", M_REREAD },
	};
	const char *k = NULL, *l = getenv("VNETCTL_FAILINJECT_LOG");
	char *end;

	real_send = next("send");
	real_sendto = next("sendto");
	real_sendmsg = next("sendmsg");
	real_sendmmsg = next("sendmmsg");
	real_write = next("write");
	real_pwrite = next("pwrite");
	real_pwrite64 = next("pwrite64");
	real_writev = next("writev");
	real_recv = next("recv");
	real_recvfrom = next("recvfrom");
	real_recvmsg = next("recvmsg");
	real_recvmmsg = next("recvmmsg");
	real_read = next("read");
	real_open = next("open");
	real_open64 = next("open64");
	real_openat = next("openat");
	real_openat64 = next("openat64");
	real_open_2 = next("__open_2");
	real_openat_2 = next("__openat_2");
	real_creat = next("creat");
	real_close = next("close");
	real_fopen = next("fopen");
	real_fopen64 = next("fopen64");
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i].var);

		if (!v || !*v)
			continue;
		if (k)
			die("VNETCTL_FAILINJECT, _KILL, _RECV, _REREAD: one of them only");
		k = v;
		fault = vars[i].fault;
	}
	if (k) {
		errno = 0;
		inject_at = strtoul(k, &end, 10);
		if (errno || *end || !inject_at)
			die("VNETCTL_FAILINJECT(_KILL, _RECV, _REREAD): expected a change request number from 1");
	}
	count_path = getenv("VNETCTL_FAILINJECT_COUNT");
	if (count_path && !*count_path)
		count_path = NULL;
	if (l && *l) {
		log_fd = real_open(l, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (log_fd < 0)
			die("VNETCTL_FAILINJECT_LOG: cannot open it");
	}
}

static void start(void)
{
	pthread_once(&once, init);
}

__attribute__((constructor)) static void on_load(void)
{
	start();
}

__attribute__((destructor)) static void on_exit_write_count(void)
{
	char buf[64];
	int fd, n;

	if (log_fd >= 0 && inject_at && !injected) {
		n = snprintf(buf, sizeof(buf), fault == M_REREAD ? "no read after %lu\n" : "%lu not reached\n",
			     inject_at);
		real_write(log_fd, buf, (size_t)n);
	}
	if (!count_path)
		return;
	fd = real_open(count_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%lu\n", seen);
	real_write(fd, buf, (size_t)n);
	real_close(fd);
}

/* Kill mode: request K has gone to the kernel; the process dies now. */
static ssize_t after(ssize_t r)
{
	if (!kill_pending)
		return r;
	on_exit_write_count();
	kill(getpid(), SIGKILL);
	for (;;)
		pause();
}

static void log_text(const char *head, const char *what, int inj)
{
	char line[600];
	int len;

	if (log_fd < 0)
		return;
	len = snprintf(line, sizeof(line), "%s %s%s\n", head, what, inj ? " INJECTED" : "");
	if (len > (int)sizeof(line) - 1)
		len = (int)sizeof(line) - 1;
	real_write(log_fd, line, (size_t)len);
}

static void log_line(unsigned long n, const char *what, int inj)
{
	char head[32];

	snprintf(head, sizeof(head), "%lu", n);
	log_text(head, what, inj);
}

/* ---- netlink ---- */

/* NEW, DEL or SET (rtnl_msgtype_kind: the type's low two bits, 2 is GET). */
static int is_change(const struct nlmsghdr *h)
{
	return h->nlmsg_type >= RTM_BASE && h->nlmsg_type <= RTM_MAX &&
	       ((h->nlmsg_type - RTM_BASE) & 3) != 2;
}

/* GET (a dump or a single get): a read. */
static int is_get(const struct nlmsghdr *h)
{
	return h->nlmsg_type >= RTM_BASE && h->nlmsg_type <= RTM_MAX &&
	       ((h->nlmsg_type - RTM_BASE) & 3) == 2;
}

static const char *type_name(uint16_t t)
{
	switch (t) {
	case RTM_GETLINK: return "RTM_GETLINK";
	case RTM_GETADDR: return "RTM_GETADDR";
	case RTM_GETROUTE: return "RTM_GETROUTE";
	case RTM_NEWLINK: return "RTM_NEWLINK";
	case RTM_DELLINK: return "RTM_DELLINK";
	case RTM_SETLINK: return "RTM_SETLINK";
	case RTM_NEWADDR: return "RTM_NEWADDR";
	case RTM_DELADDR: return "RTM_DELADDR";
	case RTM_NEWROUTE: return "RTM_NEWROUTE";
	case RTM_DELROUTE: return "RTM_DELROUTE";
	}
	return NULL;
}

static const char *family_name(unsigned int f)
{
	switch (f) {
	case AF_UNSPEC: return "unspec";
	case AF_INET: return "inet";
	case AF_INET6: return "inet6";
	case AF_BRIDGE: return "bridge";
	}
	return "?";
}

/* The attributes of h after a family header of hdr bytes: each passed to fn. */
static void each_attr(const struct nlmsghdr *h, size_t hdr,
		      void (*fn)(const struct rtattr *, char *, size_t), char *out, size_t len)
{
	size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hdr);

	while (off + sizeof(struct rtattr) <= h->nlmsg_len) {
		const struct rtattr *a = (const struct rtattr *)((const char *)h + off);

		if (a->rta_len < sizeof(*a) || off + a->rta_len > h->nlmsg_len)
			break;
		fn(a, out, len);
		off += RTA_ALIGN(a->rta_len);
	}
}

static void put(char *out, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *out, size_t len, const char *fmt, ...)
{
	size_t l = strlen(out);
	va_list ap;

	if (l + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(out + l, len - l, fmt, ap);
	va_end(ap);
}

static void link_attr(const struct rtattr *a, char *out, size_t len)
{
	const void *p = RTA_DATA(a);
	size_t n = RTA_PAYLOAD(a);

	switch (a->rta_type) {
	case IFLA_IFNAME:
		put(out, len, " name %.*s", (int)strnlen(p, n), (const char *)p);
		break;
	case IFLA_MASTER:
		if (n >= 4)
			put(out, len, " master %u", *(const uint32_t *)p);
		break;
	case IFLA_MTU:
		if (n >= 4)
			put(out, len, " mtu %u", *(const uint32_t *)p);
		break;
	case IFLA_GROUP:
		if (n >= 4)
			put(out, len, " group %u", *(const uint32_t *)p);
		break;
	case IFLA_LINKINFO:
		/* The kind, the first attribute of the nest as vnetctl and ip put it. */
		if (n >= sizeof(*a)) {
			const struct rtattr *k = p;

			if (k->rta_type == IFLA_INFO_KIND && k->rta_len <= n && k->rta_len > sizeof(*k))
				put(out, len, " kind %.*s", (int)strnlen(RTA_DATA(k), RTA_PAYLOAD(k)),
				    (const char *)RTA_DATA(k));
		}
		break;
	case IFLA_AF_SPEC:
		put(out, len, " af_spec");
		break;
	case IFLA_PROTINFO:
		put(out, len, " protinfo");
		break;
	case IFLA_VFINFO_LIST:
		put(out, len, " vfinfo");
		break;
	}
}

static void addr_attr(const struct rtattr *a, char *out, size_t len)
{
	char s[INET6_ADDRSTRLEN];
	size_t n = RTA_PAYLOAD(a);
	int af = n == 4 ? AF_INET : n == 16 ? AF_INET6 : 0;

	if ((a->rta_type == IFA_LOCAL || a->rta_type == IFA_ADDRESS) && af &&
	    inet_ntop(af, RTA_DATA(a), s, sizeof(s)))
		put(out, len, " %s %s", a->rta_type == IFA_LOCAL ? "local" : "address", s);
}

static void route_attr(const struct rtattr *a, char *out, size_t len)
{
	char s[INET6_ADDRSTRLEN];
	size_t n = RTA_PAYLOAD(a);
	int af = n == 4 ? AF_INET : n == 16 ? AF_INET6 : 0;

	if ((a->rta_type == RTA_DST || a->rta_type == RTA_GATEWAY) && af &&
	    inet_ntop(af, RTA_DATA(a), s, sizeof(s)))
		put(out, len, " %s %s", a->rta_type == RTA_DST ? "dst" : "via", s);
	else if (a->rta_type == RTA_OIF && n >= 4)
		put(out, len, " oif %u", *(const uint32_t *)RTA_DATA(a));
}

/* One line about a change request, for the log. */
static void describe(const struct nlmsghdr *h, char *out, size_t len)
{
	const char *t = type_name(h->nlmsg_type);
	size_t body = h->nlmsg_len - NLMSG_HDRLEN;

	out[0] = 0;
	if (t)
		put(out, len, "%s", t);
	else
		put(out, len, "rtnetlink-type-%u", h->nlmsg_type);
	put(out, len, " flags 0x%x", h->nlmsg_flags);
	switch (h->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
	case RTM_SETLINK:
		if (body >= sizeof(struct ifinfomsg)) {
			const struct ifinfomsg *i = NLMSG_DATA(h);

			put(out, len, " family %s index %d", family_name(i->ifi_family), i->ifi_index);
			if (i->ifi_change & 1)
				put(out, len, " %s", i->ifi_flags & 1 ? "up" : "down");
			each_attr(h, sizeof(*i), link_attr, out, len);
		}
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		if (body >= sizeof(struct ifaddrmsg)) {
			const struct ifaddrmsg *i = NLMSG_DATA(h);

			put(out, len, " family %s index %u prefixlen %u", family_name(i->ifa_family),
			    i->ifa_index, i->ifa_prefixlen);
			each_attr(h, sizeof(*i), addr_attr, out, len);
		}
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		if (body >= sizeof(struct rtmsg)) {
			const struct rtmsg *r = NLMSG_DATA(h);

			put(out, len, " family %s table %u dst_len %u protocol %u", family_name(r->rtm_family),
			    r->rtm_table, r->rtm_dst_len, r->rtm_protocol);
			each_attr(h, sizeof(*r), route_attr, out, len);
		}
		break;
	}
}

static int is_route_socket(int fd)
{
	int dom = 0, proto = -1, e = errno;
	socklen_t l = sizeof(dom);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l) < 0 || dom != AF_NETLINK) {
		errno = e;
		return 0;
	}
	l = sizeof(proto);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &l) < 0)
		proto = -1;
	errno = e;
	return proto == NETLINK_ROUTE;
}

/*
 * Counts the change requests of a datagram. When one of them is the one to
 * fail, returns a copy of the datagram (malloc'd, its length in *out_len)
 * in which that message is cut short; else NULL. *lose: the answers to
 * this datagram are to be lost (M_RECV, M_REREAD).
 */
static char *datagram(const char *buf, size_t len, size_t *out_len, int *lose)
{
	char what[512], *copy = NULL;
	size_t off = 0;

	*lose = 0;
	pthread_mutex_lock(&lock);
	while (off + NLMSG_HDRLEN <= len) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)(buf + off);
		size_t step;

		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len - off)
			break; /* not a message: the kernel stops here too */
		step = NLMSG_ALIGN(h->nlmsg_len);
		if (step > len - off)
			step = len - off;
		if (fault == M_REREAD && !injected && inject_at && seen >= inject_at && is_get(h)) {
			/* The first read after request K: sent, its answer lost. */
			if (log_fd >= 0) {
				describe(h, what, sizeof(what));
				log_text("reread", what, 1);
			}
			injected = *lose = 1;
		}
		if (is_change(h)) {
			int inj = ++seen == inject_at && fault != M_REREAD;

			if (log_fd >= 0) {
				describe(h, what, sizeof(what));
				log_line(seen, what, inj);
			}
			if (inj && fault == M_RECV) {
				/* The whole datagram goes; its answers are lost. */
				injected = *lose = 1;
			} else if (inj && fault == M_KILL) {
				/* [before][request K]: sent, then the process dies. */
				copy = malloc(off + step);
				if (!copy)
					die("out of memory");
				memcpy(copy, buf, off + step);
				*out_len = off + step;
				injected = kill_pending = 1;
				break;
			} else if (inj) {
				/* [before][header + family byte, padded][after] */
				size_t cut = NLMSG_ALIGN(NLMSG_HDRLEN + 1);
				struct nlmsghdr *c;

				copy = calloc(1, len - step + cut);
				if (!copy)
					die("out of memory");
				memcpy(copy, buf, off);
				c = (struct nlmsghdr *)(copy + off);
				memcpy(c, h, NLMSG_HDRLEN);
				c->nlmsg_len = NLMSG_HDRLEN + 1;
				if (h->nlmsg_len > NLMSG_HDRLEN)
					((char *)c)[NLMSG_HDRLEN] = buf[off + NLMSG_HDRLEN];
				memcpy(copy + off + cut, buf + off + step, len - off - step);
				*out_len = len - step + cut;
				injected = 1;
			}
		}
		off += step;
	}
	pthread_mutex_unlock(&lock);
	return copy;
}

/* A datagram whose answers are to be lost has gone: the next receive on fd loses them. */
static ssize_t sent(int fd, int lose, ssize_t r)
{
	if (lose && r >= 0) {
		if (fd >= MAX_FD)
			die("a socket's descriptor is past the shim's table");
		pthread_mutex_lock(&lock);
		lose_next[fd] = 1;
		pthread_mutex_unlock(&lock);
	}
	return r;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	char *copy;
	size_t clen;
	ssize_t r;
	int lose = 0;

	start();
	if (!is_route_socket(fd) || !(copy = datagram(buf, len, &clen, &lose)))
		return sent(fd, lose, real_sendto(fd, buf, len, flags, to, tolen));
	r = real_sendto(fd, copy, clen, flags, to, tolen);
	free(copy);
	return after(r < 0 ? r : (ssize_t)len); /* the caller sent len bytes, as far as it knows */
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	char *copy;
	size_t clen;
	ssize_t r;
	int lose = 0;

	start();
	if (!is_route_socket(fd) || !(copy = datagram(buf, len, &clen, &lose)))
		return sent(fd, lose, real_send(fd, buf, len, flags));
	r = real_send(fd, copy, clen, flags);
	free(copy);
	return after(r < 0 ? r : (ssize_t)len);
}

/* A message's iovecs in one buffer, for counting and cutting. */
static char *gather(const struct msghdr *m, size_t *len)
{
	size_t n = 0, o = 0;
	char *b;

	for (size_t i = 0; i < m->msg_iovlen; i++)
		n += m->msg_iov[i].iov_len;
	b = malloc(n ? n : 1);
	if (!b)
		die("out of memory");
	for (size_t i = 0; i < m->msg_iovlen; i++) {
		memcpy(b + o, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len);
		o += m->msg_iov[i].iov_len;
	}
	*len = n;
	return b;
}

static ssize_t sendmsg_route(int fd, const struct msghdr *m, int flags)
{
	size_t len, clen;
	int lose;
	char *all = gather(m, &len), *copy = datagram(all, len, &clen, &lose);
	ssize_t r;

	free(all);
	if (!copy)
		return sent(fd, lose, real_sendmsg(fd, m, flags));
	struct iovec iov = { copy, clen };
	struct msghdr c = *m;

	c.msg_iov = &iov;
	c.msg_iovlen = 1;
	r = real_sendmsg(fd, &c, flags);
	free(copy);
	return after(r < 0 ? r : (ssize_t)len);
}

ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
	start();
	if (!is_route_socket(fd))
		return real_sendmsg(fd, m, flags);
	return sendmsg_route(fd, m, flags);
}

int sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
	unsigned int i;

	start();
	if (!is_route_socket(fd))
		return real_sendmmsg(fd, v, n, flags);
	/* One by one, so each datagram is counted in order. */
	for (i = 0; i < n; i++) {
		ssize_t r = sendmsg_route(fd, &v[i].msg_hdr, flags);

		if (r < 0)
			return i ? (int)i : -1;
		v[i].msg_len = (unsigned int)r;
	}
	return (int)n;
}

/* ---- sysfs ---- */

static void track_open(int fd, const char *path, int flags)
{
	struct statfs s;
	int e = errno;

	if (fd < 0 || fd >= MAX_FD || (flags & O_ACCMODE) == O_RDONLY)
		return;
	if (fstatfs(fd, &s) == 0 && s.f_type == SYSFS_MAGIC) {
		pthread_mutex_lock(&lock);
		free(sysfs_path[fd]);
		sysfs_path[fd] = strdup(path ? path : "?");
		pthread_mutex_unlock(&lock);
	}
	errno = e;
}

/* What becomes of a write to sysfs. */
enum { SW_PASS, SW_FAIL /* not made, EIO */, SW_LIE /* made, then EIO */ };

/*
 * A write to fd: a change request when fd is a sysfs file. SW_FAIL for
 * request K (refused), SW_LIE for it with VNETCTL_FAILINJECT_RECV; in kill
 * mode SW_PASS, and the process dies after it.
 */
static int sysfs_write(int fd, const void *buf, size_t len)
{
	char what[600];
	int inj;

	if (fd < 0 || fd >= MAX_FD || !sysfs_path[fd])
		return 0;
	pthread_mutex_lock(&lock);
	inj = ++seen == inject_at && fault != M_REREAD;
	if (log_fd >= 0) {
		size_t n = len;

		while (n && (((const char *)buf)[n - 1] == '\n'))
			n--;
		snprintf(what, sizeof(what), "sysfs-write %s value %.*s", sysfs_path[fd],
			 (int)(n < 64 ? n : 64), (const char *)buf);
		log_line(seen, what, inj);
	}
	if (inj)
		injected = 1;
	if (inj && fault == M_KILL)
		kill_pending = 1; /* the write is made, then the process dies */
	pthread_mutex_unlock(&lock);
	if (!inj || fault == M_KILL || fault == M_REREAD)
		return SW_PASS;
	return fault == M_RECV ? SW_LIE : SW_FAIL;
}

/* The result of a sysfs write made (r), as the caller is to see it. */
static ssize_t sysfs_made(int how, ssize_t r)
{
	if (how == SW_LIE && r >= 0) {
		errno = EIO;
		return -1;
	}
	return after(r);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	char *copy;
	size_t clen;
	ssize_t r;
	int lose = 0;

	start();
	if (fd >= 0 && fd < MAX_FD && sysfs_path[fd]) {
		int how = sysfs_write(fd, buf, len);

		if (how == SW_FAIL) {
			errno = EIO;
			return -1;
		}
		return sysfs_made(how, real_write(fd, buf, len));
	}
	if (!is_route_socket(fd) || !(copy = datagram(buf, len, &clen, &lose)))
		return sent(fd, lose, real_write(fd, buf, len));
	r = real_write(fd, copy, clen);
	free(copy);
	return after(r < 0 ? r : (ssize_t)len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	int how;

	start();
	how = sysfs_write(fd, buf, len);
	if (how == SW_FAIL) {
		errno = EIO;
		return -1;
	}
	return sysfs_made(how, real_pwrite(fd, buf, len, off));
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
	int how;

	start();
	how = sysfs_write(fd, buf, len);
	if (how == SW_FAIL) {
		errno = EIO;
		return -1;
	}
	return sysfs_made(how, real_pwrite64(fd, buf, len, off));
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
	int how = SW_PASS;

	start();
	if (fd >= 0 && fd < MAX_FD && sysfs_path[fd]) {
		struct msghdr m = { .msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)(n > 0 ? n : 0) };
		size_t len;
		char *all = gather(&m, &len);

		how = sysfs_write(fd, all, len);
		free(all);
		if (how == SW_FAIL) {
			errno = EIO;
			return -1;
		}
	} else if (is_route_socket(fd)) {
		die("writev on an rtnetlink socket is not followed; teach the shim");
	}
	return sysfs_made(how, real_writev(fd, iov, n));
}

/* ---- receiving: a lost answer ---- */

/*
 * When fd's answers are to be lost: every reply queued on it is read and
 * thrown away (a dump to its end: the kernel makes its next part as each
 * is read, and the socket can start no other dump before it ends), and the
 * receive fails with ENOBUFS, as the first receive after an overrun does.
 * 1 then; else 0 and the receive goes on.
 */
static int lost(int fd)
{
	char buf[8192];
	int take;

	if (fd < 0 || fd >= MAX_FD)
		return 0;
	pthread_mutex_lock(&lock);
	take = lose_next[fd];
	lose_next[fd] = 0;
	pthread_mutex_unlock(&lock);
	if (!take)
		return 0;
	while (real_recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC) >= 0 || errno == EINTR)
		;
	if (errno != EAGAIN && errno != EWOULDBLOCK)
		die("the replies to lose could not be read away");
	errno = ENOBUFS;
	return 1;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	start();
	return lost(fd) ? -1 : real_recv(fd, buf, len, flags);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
	start();
	return lost(fd) ? -1 : real_recvfrom(fd, buf, len, flags, from, fromlen);
}

ssize_t recvmsg(int fd, struct msghdr *m, int flags)
{
	start();
	return lost(fd) ? -1 : real_recvmsg(fd, m, flags);
}

int recvmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags, struct timespec *t)
{
	start();
	return lost(fd) ? -1 : real_recvmmsg(fd, v, n, flags, t);
}

ssize_t read(int fd, void *buf, size_t len)
{
	start();
	return lost(fd) ? -1 : real_read(fd, buf, len);
}

static int needs_mode(int flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;

	start();
	if (needs_mode(flags)) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	fd = real_open(path, flags, mode);
	track_open(fd, path, flags);
	return fd;
}

int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;

	start();
	if (needs_mode(flags)) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	fd = real_open64(path, flags, mode);
	track_open(fd, path, flags);
	return fd;
}

int openat(int dir, const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;

	start();
	if (needs_mode(flags)) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	fd = real_openat(dir, path, flags, mode);
	track_open(fd, path, flags);
	return fd;
}

int openat64(int dir, const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;

	start();
	if (needs_mode(flags)) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	fd = real_openat64(dir, path, flags, mode);
	track_open(fd, path, flags);
	return fd;
}

int __open_2(const char *path, int flags);
int __open_2(const char *path, int flags)
{
	int fd;

	start();
	fd = real_open_2(path, flags);
	track_open(fd, path, flags);
	return fd;
}

int __openat_2(int dir, const char *path, int flags);
int __openat_2(int dir, const char *path, int flags)
{
	int fd;

	start();
	fd = real_openat_2(dir, path, flags);
	track_open(fd, path, flags);
	return fd;
}

int creat(const char *path, mode_t mode)
{
	int fd;

	start();
	fd = real_creat(path, mode);
	track_open(fd, path, O_WRONLY);
	return fd;
}

int close(int fd)
{
	start();
	if (fd >= 0 && fd < MAX_FD && (sysfs_path[fd] || lose_next[fd])) {
		pthread_mutex_lock(&lock);
		free(sysfs_path[fd]);
		sysfs_path[fd] = NULL;
		lose_next[fd] = 0; /* the number may go to a file next */
		pthread_mutex_unlock(&lock);
	}
	return real_close(fd);
}

/* stdio writes to sysfs would pass unseen: refuse them loudly. */
static void check_fopen(FILE *f, const char *mode)
{
	struct statfs s;
	int e = errno;

	if (f && strpbrk(mode, "wa+") && fstatfs(fileno(f), &s) == 0 && s.f_type == SYSFS_MAGIC)
		die("a sysfs file opened for writing with fopen: its writes cannot be followed; teach the shim");
	errno = e;
}

FILE *fopen(const char *path, const char *mode)
{
	FILE *f;

	start();
	f = real_fopen(path, mode);
	check_fopen(f, mode);
	return f;
}

FILE *fopen64(const char *path, const char *mode)
{
	FILE *f;

	start();
	f = real_fopen64(path, mode);
	check_fopen(f, mode);
	return f;
}
