// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every /sys path vnetctl touches is built here. The parts come from the
 * kernel (a PF's bus and device names, read over netlink) and are checked as
 * single path components first, so nothing like "../" can steer a write.
 * The root is the context's, so a unit test can use a fixture tree.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "internal.h"
#include "nl.h"
#include "state.h"
#include "value.h"
#include "sysfs.h"

int sysfs_name_ok(const char *s)
{
	if (!s[0] || !strcmp(s, ".") || !strcmp(s, "..") || strlen(s) >= 64)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p == '/' || *p <= ' ' || *p >= 0x7f)
			return 0;
	return 1;
}

int sysfs_dev_path(struct vnet_ctx *ctx, const char *bus, const char *dev, const char *attr,
		   char *out, size_t len)
{
	if (!sysfs_name_ok(bus) || !sysfs_name_ok(dev) || !sysfs_name_ok(attr))
		return -EINVAL;
	if ((size_t)snprintf(out, len, "bus/%s/devices/%s/%s", bus, dev, attr) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int sysfs_dev_read(struct vnet_ctx *ctx, const char *bus, const char *dev, const char *attr,
		   uint64_t *val)
{
	char rel[256], path[512], buf[64];
	const char *why;
	ssize_t n;
	int fd, r = sysfs_dev_path(ctx, bus, dev, attr, rel, sizeof(rel));

	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/%s", ctx->sysfs_root, rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return parse_u64(buf, 0, UINT32_MAX, val, &why) < 0 ? -EINVAL : 0;
}

/* A path as sysfs_dev_path builds it: bus/BUS/devices/DEV/ATTR, each part a name. */
int sysfs_rel_ok(const char *rel)
{
	char parts[5][64];
	int n = 0;

	for (const char *p = rel;; n++) {
		size_t len = strcspn(p, "/");

		if (n == 5 || len >= sizeof(parts[0]))
			return 0;
		memcpy(parts[n], p, len);
		parts[n][len] = 0;
		if (!sysfs_name_ok(parts[n]))
			return 0;
		if (!p[len])
			break;
		p += len + 1;
	}
	return n == 4 && !strcmp(parts[0], "bus") && !strcmp(parts[2], "devices");
}

int sysfs_write(struct vnet_ctx *ctx, const char *rel, uint64_t val)
{
	char path[512], buf[32];
	int fd, r = 0;
	size_t len;

	/* The last guard: only a device's own attribute, whoever built the path. */
	if (!sysfs_rel_ok(rel))
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%s", ctx->sysfs_root, rel);
	len = (size_t)snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)val);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, len) != (ssize_t)len)
		r = -errno;
	close(fd);
	return r;
}

/*
 * Where links' attributes are read: ROOT/devices/virtual/net, where the
 * links vnetctl makes are, then ROOT/class/net, whose entries are symlinks
 * to each device's place. Opened once for many reads: a path from / and a
 * symlink per attribute were a third of apply -j's time on 200 links.
 */
struct netdirs {
	int fd[2];
};

static void netdirs_open(struct netdirs *d, const char *root)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/devices/virtual/net", root);
	d->fd[0] = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/class/net", root);
	d->fd[1] = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void netdirs_close(struct netdirs *d)
{
	for (int i = 0; i < 2; i++)
		if (d->fd[i] >= 0)
			close(d->fd[i]);
}

/* One NAME/ATTR as a number, or -1. */
static long net_attr(const struct netdirs *d, const char *name, const char *attr)
{
	char path[128], buf[32] = "";
	long v = -1;
	int f = -1;

	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..") ||
	    !sysfs_name_ok(attr))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", name, attr);
	for (int i = 0; i < 2 && f < 0; i++)
		if (d->fd[i] >= 0)
			f = openat(d->fd[i], path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -1;
	/* (speed reads EINVAL on a link without carrier: -1, unknown) */
	if (read(f, buf, sizeof(buf) - 1) > 0) {
		char *end;

		v = strtol(buf, &end, 10);
		if (end == buf)
			v = -1;
	}
	close(f);
	return v;
}

/*
 * The speed of a link that is down: sysfs refuses it (EINVAL), the kernel's
 * own ethtool call answers it, as it does when it picks a bridge port's cost.
 */
static long ethtool_speed_on(int fd, const char *name)
{
	struct ethtool_cmd cmd = { .cmd = ETHTOOL_GSET };
	struct ifreq ifr;

	if (fd < 0 || strlen(name) >= sizeof(ifr.ifr_name))
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	ifr.ifr_data = (void *)&cmd;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0 && ethtool_cmd_speed(&cmd) != (uint32_t)SPEED_UNKNOWN)
		return (long)ethtool_cmd_speed(&cmd);
	return -1;
}

/* The same on a socket of the caller's namespace. */
static long ethtool_speed(const char *name)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	long v = ethtool_speed_on(fd, name);

	if (fd >= 0)
		close(fd);
	return v;
}

struct sysfs_ahead {
	int n;
	struct ahead_val {
		char name[VNET_NAMSIZ];
		const char *attr; /* one of the attributes read ahead (static strings) */
		long v;
	} *e;
};

static int ahead_cmp(const void *a, const void *b)
{
	const struct ahead_val *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->attr, y->attr);
}

struct sysfs_ahead *sysfs_read_ahead(struct vnet_ctx *ctx, const char *const *names,
				     const char *const *attrs, int n)
{
	struct sysfs_ahead *a = calloc(1, sizeof(*a));
	long *v = calloc((size_t)n + 1, sizeof(*v));

	if (!a || !v || !(a->e = calloc((size_t)n + 1, sizeof(*a->e))))
		abort();
	sysfs_net_read(ctx, names, attrs, n, v);
	for (int i = 0; i < n; i++) {
		str_copy(a->e[i].name, sizeof(a->e[i].name), names[i]);
		a->e[i].attr = attrs[i];
		a->e[i].v = v[i];
	}
	a->n = n;
	qsort(a->e, (size_t)a->n, sizeof(*a->e), ahead_cmp);
	free(v);
	return a;
}

void sysfs_ahead_free(struct sysfs_ahead *a)
{
	if (a)
		free(a->e);
	free(a);
}

/* name's attr in a, into *v: 1, else 0. */
static int ahead_get(const struct sysfs_ahead *a, const char *name, const char *attr, long *v)
{
	struct ahead_val key = { .attr = attr }, *hit;

	if (strlen(name) >= sizeof(key.name))
		return 0;
	str_copy(key.name, sizeof(key.name), name);
	hit = bsearch(&key, a->e, (size_t)a->n, sizeof(*a->e), ahead_cmp);
	if (hit)
		*v = hit->v;
	return hit != NULL;
}

/*
 * addr_assign_type of the link name without /sys, into *v: 1, else 0. The
 * state ctx->sysfs_sim knows it for a link the plan made or gave a MAC
 * (NET_ADDR_SET, else NET_ADDR_RANDOM, which tells callers all they ask,
 * "set or not"). After a plan (ctx->sysfs_before), a link it left alone has
 * it as read before; but a bond gives its slaves its MAC, and takes its
 * first slave's, each time marking it set (or stolen): those are read again.
 */
static int mac_origin_known(struct vnet_ctx *ctx, const char *name, long *v)
{
	const struct link *l = ctx->sysfs_sim ? state_by_name(ctx->sysfs_sim, name) : NULL;
	const struct link *m;

	if (!l)
		return 0;
	if (l->mac_by != MAC_READ) {
		*v = l->mac_by == MAC_USER ? 3 : 1; /* NET_ADDR_SET, NET_ADDR_RANDOM */
		return 1;
	}
	m = l->master ? state_by_index(ctx->sysfs_sim, l->master) : NULL;
	return ctx->sysfs_before && strcmp(l->kind, "bond") && !(m && !strcmp(m->kind, "bond")) &&
	       ahead_get(ctx->sysfs_before, name, "addr_assign_type", v);
}

/*
 * What needs no /sys: a link's speed, by the same ethtool call on the
 * namespace's rtnetlink socket (/sys's speed asks the driver that way, and
 * fails where the link is down, where this does not); and where a MAC came
 * from, when the state or the pass before the plan says (mac_origin_known).
 * Marks in ask[] what is still to be read.
 */
static int answer_here(struct vnet_ctx *ctx, const char *const *names, const char *const *attrs, int n,
		       long *out, unsigned char *ask)
{
	int fd = -1, left = 0;

	for (int i = 0; i < n; i++) {
		ask[i] = 0;
		if (!strcmp(attrs[i], "speed") && (fd >= 0 || (fd = nlm_fd(ctx)) >= 0))
			out[i] = ethtool_speed_on(fd, names[i]);
		else if (strcmp(attrs[i], "addr_assign_type") || !mac_origin_known(ctx, names[i], &out[i]))
			ask[i] = 1, left++;
	}
	return left;
}

/* Every value asked, from what was read ahead: 1, else 0 (then a child reads them all). */
static int from_ahead(const struct sysfs_ahead *a, const char *const *names, const char *const *attrs,
		      int n, long *out)
{
	for (int i = 0; i < n; i++)
		if (!ahead_get(a, names[i], attrs[i], &out[i]))
			return 0;
	return 1;
}

void sysfs_net_read(struct vnet_ctx *ctx, const char *const *names, const char *const *attrs,
		    int n, long *out)
{
	int fd[2];
	pid_t pid;

	for (int i = 0; i < n; i++)
		out[i] = -1;
	if (n <= 0 || (ctx->sysfs_ahead && from_ahead(ctx->sysfs_ahead, names, attrs, n, out)))
		return;
	/* A fixture tree (unit tests): read it here. */
	if (strcmp(ctx->sysfs_root, "/sys")) {
		struct netdirs d;

		netdirs_open(&d, ctx->sysfs_root);
		for (int i = 0; i < n; i++)
			out[i] = net_attr(&d, names[i], attrs[i]);
		netdirs_close(&d);
		return;
	}
	unsigned char *ask = malloc((size_t)n);

	if (!ask)
		abort();
	if (!answer_here(ctx, names, attrs, n, out, ask) || pipe(fd) < 0) {
		free(ask);
		return;
	}
	/*
	 * /sys/class/net shows the namespace that mounted it: a child enters
	 * ctx's namespace and a mount namespace of its own, mounts a sysfs
	 * there, and hands the numbers back through a pipe.
	 */
	pid = fork();
	if (pid == 0) {
		close(fd[0]);
		/* (this process's namespace too: the /sys it sees may be another's) */
		if ((ctx->netns_fd >= 0 && setns(ctx->netns_fd, CLONE_NEWNET) < 0) ||
		    unshare(CLONE_NEWNS) < 0 ||
		    mount("none", "/", "none", MS_REC | MS_SLAVE, NULL) < 0)
			_exit(1);
		umount2("/sys", MNT_DETACH);
		/* (a type, not NULL: valgrind refuses a NULL one) */
		if (mount("sysfs", "/sys", "sysfs", 0, NULL) < 0)
			_exit(1);
		struct netdirs d;

		netdirs_open(&d, "/sys");
		for (int i = 0; i < n; i++) {
			long v = ask[i] ? net_attr(&d, names[i], attrs[i]) : 0;

			if (ask[i] && v < 0 && !strcmp(attrs[i], "speed"))
				v = ethtool_speed(names[i]);
			if (ask[i] && write(fd[1], &v, sizeof(v)) != sizeof(v))
				_exit(1);
		}
		_exit(0);
	}
	close(fd[1]);
	for (int i = 0; pid > 0 && i < n; i++)
		if (ask[i] && read(fd[0], &out[i], sizeof(out[i])) != sizeof(out[i]))
			out[i] = -1;
	free(ask);
	close(fd[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}
