// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One lock per network namespace (flock on /run/vnetctl/lock-INODE, the
 * inode of the namespace), so that two vnetctl processes changing the same
 * namespace take turns: each plans against what the other left.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "internal.h"
#include "kind.h"

#define RUN_DIR "/run/vnetctl"

static int ns_inode(struct vnet_ctx *ctx, unsigned long long *ino)
{
	char path[300];
	struct stat sb;

	if (ctx->netns[0])
		snprintf(path, sizeof(path), "/run/netns/%s", ctx->netns);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/net");
	if (stat(path, &sb) < 0)
		return -errno;
	*ino = (unsigned long long)sb.st_ino;
	return 0;
}

int vnet_confirm_path(struct vnet_ctx *ctx, char *buf, size_t len)
{
	unsigned long long ino;
	int r = ns_inode(ctx, &ino);

	if (r < 0)
		return vnet_fail(ctx, -r, "cannot identify the network namespace");
	mkdir(RUN_DIR, 0700);
	snprintf(buf, len, RUN_DIR "/confirm-%llu", ino);
	return 0;
}

int vnet_may_change_links(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return 1; /* cannot tell: let the kernel judge */
	return !!(d[CAP_NET_ADMIN / 32].effective & (1U << (CAP_NET_ADMIN % 32)));
}

/*
 * No lock to be had. A process that may change links and could use
 * /run/vnetctl must not go on without one (a read-only or full /run, a
 * failed flock). One that may not change links (a dry run, or a change the
 * capability check will refuse, saying what is needed) loses nothing; one
 * that may not use the folder at all (EACCES: the root of a user namespace,
 * a program given CAP_NET_ADMIN by setcap) could not share root's lock
 * anyway, and goes on as ip would.
 */
static int no_lock(struct vnet_ctx *ctx, const char *path, int err)
{
	if (ctx->lock_fd >= 0)
		close(ctx->lock_fd);
	ctx->lock_fd = -1;
	if ((ctx->flags & VNET_F_DRY_RUN) || !vnet_may_change_links() || err == EACCES ||
	    err == EPERM)
		return 0;
	ctx->lock_depth--;
	return vnet_fail(ctx, err, "cannot take the namespace's lock %s", path);
}

int vnet_lock(struct vnet_ctx *ctx, int wait)
{
	char path[128];
	unsigned long long ino;
	int r;

	if (ctx->lock_depth++ > 0)
		return 0;
	r = ns_inode(ctx, &ino);
	if (r < 0) {
		ctx->lock_depth--;
		if (ctx->netns[0])
			return vnet_fail(ctx, -r, "netns %.64s%s: cannot open /run/netns/%.64s%s",
					 ctx->netns, strlen(ctx->netns) > 64 ? "..." : "", ctx->netns,
					 strlen(ctx->netns) > 64 ? "..." : "");
		return vnet_fail(ctx, -r, "cannot identify the network namespace");
	}
	snprintf(path, sizeof(path), RUN_DIR "/lock-%llu", ino);
	if (mkdir(RUN_DIR, 0700) < 0 && errno != EEXIST)
		return no_lock(ctx, path, errno);
	ctx->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (ctx->lock_fd < 0)
		return no_lock(ctx, path, errno);
	if (flock(ctx->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (!wait) {
		close(ctx->lock_fd);
		ctx->lock_fd = -1;
		ctx->lock_depth--;
		return vnet_fail(ctx, EWOULDBLOCK,
				 "another vnetctl is changing this namespace (lock %s); try again, or leave out --no-wait",
				 path);
	}
	while (flock(ctx->lock_fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return no_lock(ctx, path, errno);
	return 0;
}

void vnet_unlock(struct vnet_ctx *ctx)
{
	if (ctx->lock_depth == 0 || --ctx->lock_depth > 0)
		return;
	if (ctx->lock_fd >= 0)
		close(ctx->lock_fd);
	ctx->lock_fd = -1;
}
