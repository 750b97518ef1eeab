// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * killinject.so: an LD_PRELOAD shim that kills vnetctl with SIGKILL right
 * after its K-th change request, for the journal tests (kill.bats). A test
 * tool, built in tests/ and never installed; the product has no hook for it.
 * After the pattern of the rollback matrix's failinject.so (the same count
 * of change requests), with a kill instead of a refusal.
 *
 * A change request is
 *   - each message sent on a NETLINK_ROUTE socket whose type is a NEW, DEL
 *     or SET request (rtnetlink's types whose low two bits are not 2, GET):
 *     every message of a datagram counts, as a batch holds many. A
 *     datagram that holds request K is sent cut after that message, so the
 *     kernel has run exactly K requests when the process dies (rtnetlink
 *     runs a datagram's requests in the sender's send call);
 *   - each write(2) to a file on sysfs opened for writing (sriov_numvfs):
 *     the write is made, then the process dies.
 *
 * Environment:
 *   VNETCTL_KILLINJECT=K        die by SIGKILL right after change request K
 *   VNETCTL_KILLINJECT_COUNT=F  at exit, F is overwritten with the number of
 *                               change requests sent ("N\n")
 * Each process counts its own (a guardian, forked, goes on from its parent's
 * count: set neither for a run with --confirm).
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS /* open and open64 are both wrapped */
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/magic.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define MAX_FD 4096

static unsigned long kill_at, seen;
static const char *count_path;
static unsigned char on_sysfs[MAX_FD];

static ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
static ssize_t (*real_send)(int, const void *, size_t, int);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);

static void die(const char *why)
{
	char msg[256];
	int n = snprintf(msg, sizeof(msg), "killinject: %s\n", why);

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

__attribute__((constructor)) static void init(void)
{
	const char *k = getenv("VNETCTL_KILLINJECT");

	real_sendto = next("sendto");
	real_send = next("send");
	real_sendmsg = next("sendmsg");
	real_write = next("write");
	real_open = next("open");
	real_openat = next("openat");
	if (k && *k && !(kill_at = strtoul(k, NULL, 10)))
		die("VNETCTL_KILLINJECT: expected a change request number from 1");
	count_path = getenv("VNETCTL_KILLINJECT_COUNT");
}

__attribute__((destructor)) static void write_count(void)
{
	char buf[32];
	int fd, n;

	if (!count_path || !*count_path)
		return;
	fd = real_open(count_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%lu\n", seen);
	real_write(fd, buf, (size_t)n);
	close(fd);
}

static int is_route_socket(int fd)
{
	int dom = 0, proto = -1;
	socklen_t l = sizeof(dom);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l) < 0 || dom != AF_NETLINK)
		return 0;
	l = sizeof(proto);
	return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &l) == 0 && proto == NETLINK_ROUTE;
}

/* NEW, DEL or SET (rtnl_msgtype_kind: the low two bits, 2 is GET). */
static int is_change(const struct nlmsghdr *h)
{
	return h->nlmsg_type >= RTM_BASE && h->nlmsg_type <= RTM_MAX &&
	       ((h->nlmsg_type - RTM_BASE) & 3) != 2;
}

/*
 * Counts the change requests of a datagram; returns the length to send: all
 * of it, or up to the end of request K (then *hit is set).
 */
static size_t count(const char *buf, size_t len, int *hit)
{
	size_t off = 0;

	*hit = 0;
	while (off + NLMSG_HDRLEN <= len) {
		const struct nlmsghdr *h = (const struct nlmsghdr *)(buf + off);
		size_t step = NLMSG_ALIGN(h->nlmsg_len);

		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len - off)
			break;
		if (step > len - off)
			step = len - off;
		off += step;
		if (is_change(h) && ++seen == kill_at) {
			*hit = 1;
			return off;
		}
	}
	return len;
}

static void __attribute__((noreturn)) die_now(void)
{
	write_count();
	kill(getpid(), SIGKILL);
	for (;;)
		pause();
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	int hit = 0;
	size_t n = is_route_socket(fd) ? count(buf, len, &hit) : len;
	ssize_t r = real_sendto(fd, buf, n, flags, to, tolen);

	if (hit)
		die_now();
	return r;
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
	/* vnetctl (libmnl) sends with sendto; a message in pieces is not followed. */
	if (is_route_socket(fd) && m->msg_iovlen == 1) {
		int hit = 0;
		struct iovec v = m->msg_iov[0];
		struct msghdr c = *m;
		ssize_t r;

		v.iov_len = count(v.iov_base, v.iov_len, &hit);
		c.msg_iov = &v;
		r = real_sendmsg(fd, &c, flags);
		if (hit)
			die_now();
		return r;
	}
	if (is_route_socket(fd))
		die("sendmsg with several pieces on an rtnetlink socket is not followed; teach the shim");
	return real_sendmsg(fd, m, flags);
}

static void track(int fd, int flags)
{
	struct statfs s;

	if (fd >= 0 && fd < MAX_FD)
		on_sysfs[fd] = (flags & O_ACCMODE) != O_RDONLY && fstatfs(fd, &s) == 0 &&
			       s.f_type == SYSFS_MAGIC;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	int fd;

	va_start(ap, flags);
	fd = real_open(path, flags, va_arg(ap, int));
	va_end(ap);
	track(fd, flags);
	return fd;
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int openat(int dir, const char *path, int flags, ...)
{
	va_list ap;
	int fd;

	va_start(ap, flags);
	fd = real_openat(dir, path, flags, va_arg(ap, int));
	va_end(ap);
	track(fd, flags);
	return fd;
}

int openat64(int dir, const char *path, int flags, ...) __attribute__((alias("openat")));

ssize_t write(int fd, const void *buf, size_t len)
{
	ssize_t r = real_write(fd, buf, len);

	if (fd >= 0 && fd < MAX_FD && on_sysfs[fd] && ++seen == kill_at)
		die_now();
	return r;
}
