// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One lock per network namespace (flock on /run/vnetctl/lock-INODE, the
 * inode of the namespace), so that two vnetctl processes changing the same
 * namespace take turns: each plans against what the other left. The lock
 * is also the transaction's extent: the journal written under it goes when
 * it is released (lib/journal.c), and a --confirm guardian holds it until
 * the transaction ends. Taking it first settles what an interrupted
 * transaction left, and clears the files of namespaces that are gone.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "internal.h"
#include "kind.h"
#include "journal.h"

#define RUN_DIR "/run/vnetctl"

int vnet_ns_inode(struct vnet_ctx *ctx, unsigned long long *ino)
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

int vnet_run_path(struct vnet_ctx *ctx, const char *what, const char *suffix, char *buf,
		  size_t len)
{
	unsigned long long ino;
	int r = vnet_ns_inode(ctx, &ino);

	if (r < 0)
		return r;
	if (mkdir(RUN_DIR, 0700) < 0 && errno != EEXIST)
		return -errno;
	snprintf(buf, len, RUN_DIR "/%s-%llu%s", what, ino, suffix);
	return 0;
}

/* The inode in a name of ours ("lock-N", "journal-N", "journal-N.tmp", "confirm-N[.sock]"), 0 none. */
static unsigned long long file_inode(const char *name)
{
	static const char *const kinds[] = { "lock-", "journal-", "confirm-" };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t l = strlen(kinds[i]);
		char *end;

		if (strncmp(name, kinds[i], l) || name[l] < '0' || name[l] > '9')
			continue;
		unsigned long long ino = strtoull(name + l, &end, 10);

		if (!*end || !strcmp(end, ".tmp") || !strcmp(end, ".sock"))
			return ino;
	}
	return 0;
}

/* Drops from cand[] the inodes of namespaces that a name under dir, or (procs) a process, has. */
static void drop_live(unsigned long long *cand, int *n, const char *dir, int procs)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && *n && (e = readdir(d))) {
		char path[300], link[64];
		struct stat sb;
		unsigned long long ino = 0;

		if (e->d_name[0] == '.' || (procs && (e->d_name[0] < '0' || e->d_name[0] > '9')))
			continue;
		if (procs) {
			/* "net:[4026531840]": no stat of every process's namespace. */
			snprintf(path, sizeof(path), "/proc/%s/ns/net", e->d_name);
			ssize_t l = readlink(path, link, sizeof(link) - 1);

			if (l <= 5)
				continue;
			link[l] = 0;
			ino = strtoull(link + 5, NULL, 10);
		} else {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			if (stat(path, &sb) == 0)
				ino = (unsigned long long)sb.st_ino;
		}
		for (int i = 0; i < *n; i++)
			if (cand[i] == ino)
				cand[i--] = cand[--*n];
	}
	if (d)
		closedir(d);
}

/*
 * Removes the files of namespaces that no longer exist, so that they do not
 * pile up: an inode that neither a name under /run/netns nor a process
 * has. Cheap while every namespace in use is named: /proc is read only for
 * the inodes left. A namespace that only a descriptor keeps (a guardian's,
 * after ip netns del) is not seen, but its lock is held: its files stay.
 */
static void sweep(unsigned long long mine)
{
	static const char *const names[][2] = { { "lock-", "" }, { "journal-", "" },
						 { "journal-", ".tmp" }, { "confirm-", "" },
						 { "confirm-", ".sock" } };
	unsigned long long cand[64];
	int n = 0;
	DIR *d = opendir(RUN_DIR);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		unsigned long long ino = file_inode(e->d_name);
		int dup = 0;

		for (int i = 0; i < n; i++)
			dup |= cand[i] == ino;
		if (ino && ino != mine && !dup && n < (int)(sizeof(cand) / sizeof(cand[0])))
			cand[n++] = ino;
	}
	if (d)
		closedir(d);
	if (n)
		drop_live(cand, &n, "/run/netns", 0);
	if (n)
		drop_live(cand, &n, "/proc", 1);
	for (int i = 0; i < n; i++) {
		char path[128];
		int fd;

		snprintf(path, sizeof(path), RUN_DIR "/lock-%llu", cand[i]);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
			close(fd);
			continue; /* someone works there still */
		}
		/* The lock file last: while it is held, nobody else decides about the others. */
		for (int k = (int)(sizeof(names) / sizeof(names[0])) - 1; k >= 0; k--) {
			snprintf(path, sizeof(path), RUN_DIR "/%s%llu%s", names[k][0], cand[i], names[k][1]);
			unlink(path);
		}
		if (fd >= 0)
			close(fd);
	}
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

static int lock_take(struct vnet_ctx *ctx, int wait, int settle)
{
	char path[128], pending[400] = "";
	unsigned long long ino;
	struct jinfo ji;
	int r;

	if (ctx->lock_depth++ > 0)
		return 0;
	r = vnet_ns_inode(ctx, &ino);
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
	if (flock(ctx->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		/* Held: by a change in progress, or a guardian waiting for a confirmation. */
		journal_info(ctx, &ji);
		if (ji.present && ji.alive)
			jinfo_text(&ji, pending, sizeof(pending));
		if (!wait) {
			close(ctx->lock_fd);
			ctx->lock_fd = -1;
			ctx->lock_depth--;
			return vnet_fail(ctx, EWOULDBLOCK,
					 "another vnetctl is changing this namespace (lock %s)%s%s; try again, or leave out --no-wait",
					 path, pending[0] ? ": " : "", pending);
		}
		if (pending[0] && ji.guarded)
			vnet_notice(ctx, "waiting: %s", pending);
		while (flock(ctx->lock_fd, LOCK_EX) < 0)
			if (errno != EINTR)
				return no_lock(ctx, path, errno);
	}
	sweep(ino);
	r = settle ? journal_settle(ctx, wait) : 0;
	if (r < 0) {
		close(ctx->lock_fd);
		ctx->lock_fd = -1;
		ctx->lock_depth--;
	}
	return r;
}

int vnet_lock(struct vnet_ctx *ctx, int wait)
{
	return lock_take(ctx, wait, 1);
}

int vnet_lock_raw(struct vnet_ctx *ctx, int wait)
{
	return lock_take(ctx, wait, 0);
}

void vnet_unlock(struct vnet_ctx *ctx)
{
	if (ctx->lock_depth == 0 || --ctx->lock_depth > 0)
		return;
	journal_end(ctx);
	if (ctx->lock_fd >= 0)
		close(ctx->lock_fd);
	ctx->lock_fd = -1;
}

void vnet_lock_hand_over(struct vnet_ctx *ctx)
{
	ctx->journal_owned = 0;
	ctx->lock_depth = 0;
	if (ctx->lock_fd >= 0)
		close(ctx->lock_fd);
	ctx->lock_fd = -1;
}
