// SPDX-License-Identifier: GPL-2.0-or-later
/* The library context and its error record. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "internal.h"
#include "kind.h"
#include "nl.h"
#include "sysfs.h"

struct vnet_ctx *vnet_ctx_new(void)
{
	struct vnet_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->netns_fd = -1;
	ctx->out = stdout;
	ctx->err.word = -1;
	snprintf(ctx->sysfs_root, sizeof(ctx->sysfs_root), "/sys");
	ctx->lock_fd = -1;
	return ctx;
}

void vnet_ctx_free(struct vnet_ctx *ctx)
{
	if (!ctx)
		return;
	nlm_close(ctx);
	if (ctx->netns_fd >= 0)
		close(ctx->netns_fd);
	if (ctx->lock_fd >= 0)
		close(ctx->lock_fd);
	free(ctx->err.details);
	free(ctx);
}

int vnet_ctx_set_netns(struct vnet_ctx *ctx, const char *name)
{
	/* ip(8) keeps namespaces as files under /run/netns: the name is a path part. */
	if (!name[0] || strlen(name) >= sizeof(ctx->netns) || strchr(name, '/') ||
	    !strcmp(name, ".") || !strcmp(name, ".."))
		return vnet_usage(ctx, -1, "netns \"%.64s%s\": not a valid namespace name", name,
				  strlen(name) > 64 ? "..." : "");
	/* Opened with the first socket, after every word has been checked. */
	nlm_close(ctx);
	if (ctx->netns_fd >= 0)
		close(ctx->netns_fd);
	ctx->netns_fd = -1;
	snprintf(ctx->netns, sizeof(ctx->netns), "%s", name);
	return 0;
}

void vnet_ctx_set_flags(struct vnet_ctx *ctx, unsigned int flags)
{
	ctx->flags = flags;
}

unsigned int vnet_ctx_flags(const struct vnet_ctx *ctx)
{
	return ctx->flags;
}

void vnet_ctx_set_output(struct vnet_ctx *ctx, FILE *out)
{
	ctx->out = out;
}

const struct vnet_error *vnet_ctx_error(const struct vnet_ctx *ctx)
{
	return &ctx->err;
}

unsigned long vnet_ctx_requests(const struct vnet_ctx *ctx)
{
	return ctx->nreq;
}

const char *vnet_version(void)
{
	return VNET_VERSION;
}

void vnet_ctx_set_notice(struct vnet_ctx *ctx, void (*fn)(void *arg, const char *msg), void *arg)
{
	ctx->notice = fn;
	ctx->notice_arg = arg;
}

void vnet_notice(struct vnet_ctx *ctx, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if (!ctx->notice)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->notice(ctx->notice_arg, msg);
}

void vnet_clear_error(struct vnet_ctx *ctx)
{
	free(ctx->err.details);
	memset(&ctx->err, 0, sizeof(ctx->err));
	ctx->err.word = -1;
}

static int set_error(struct vnet_ctx *ctx, int code, int err, int word, const char *fmt,
		     va_list ap)
{
	ctx->err.exit_code = code;
	ctx->err.err = err;
	ctx->err.word = word;
	vsnprintf(ctx->err.msg, sizeof(ctx->err.msg), fmt, ap);
	size_t l = strlen(ctx->err.msg);

	/* Failures carry the system's words for the errno, once. */
	if (code == VNET_EXIT_FAIL && err && l && !strstr(ctx->err.msg, strerror(err)))
		snprintf(ctx->err.msg + l, sizeof(ctx->err.msg) - l, " (%s)", strerror(err));
	return -(err ? err : EINVAL);
}

int vnet_usage(struct vnet_ctx *ctx, int word, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = set_error(ctx, VNET_EXIT_USAGE, EINVAL, word, fmt, ap);
	va_end(ap);
	ctx->err.err = 0; /* a usage error is ours, not an errno */
	return r;
}

int vnet_usage_errno(struct vnet_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = set_error(ctx, VNET_EXIT_FAIL, err, -1, fmt, ap);
	va_end(ap);
	ctx->err.exit_code = VNET_EXIT_USAGE;
	return r;
}

int vnet_refuse(struct vnet_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(ctx, VNET_EXIT_FAIL, 0, -1, fmt, ap);
	va_end(ap);
	ctx->err.err = err;
	return -err;
}

int vnet_fail(struct vnet_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = set_error(ctx, VNET_EXIT_FAIL, err, -1, fmt, ap);
	va_end(ap);
	return r;
}

/* read (out 0) or write (out 1) until n bytes have passed: fd_read, fd_write. */
static ssize_t fd_all(int fd, char *buf, size_t n, int out)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = out ? write(fd, buf + done, n - done) : read(fd, buf + done, n - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && !done)
			return -1;
		if (r <= 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

ssize_t fd_read(int fd, void *buf, size_t n)
{
	return fd_all(fd, buf, n, 0);
}

ssize_t fd_write(int fd, const void *buf, size_t n)
{
	return fd_all(fd, (char *)buf, n, 1);
}
