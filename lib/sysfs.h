/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysfs: every /sys path is built here, from validated names. */
#ifndef VNET_SYSFS_H
#define VNET_SYSFS_H

#include "internal.h"

/* A path component from the kernel (a bus or device name): no '/', not "." or "..". */
int sysfs_name_ok(const char *s);
/* Reads or writes /sys/bus/BUS/devices/DEV/ATTR as an unsigned number. */
int sysfs_dev_read(struct vnet_ctx *ctx, const char *bus, const char *dev, const char *attr,
		   uint64_t *val);
int sysfs_dev_path(struct vnet_ctx *ctx, const char *bus, const char *dev, const char *attr,
		   char *out, size_t len);
/* rel is bus/BUS/devices/DEV/ATTR with every part a name (what sysfs_write takes). */
int sysfs_rel_ok(const char *rel);
int sysfs_write(struct vnet_ctx *ctx, const char *rel, uint64_t val);

/*
 * Values read ahead, for a pass that reads many links one by one (apply
 * -j's diff): while ctx->sysfs_ahead points to them, sysfs_net_read answers
 * from them when they hold every attribute asked, without a child.
 */
struct sysfs_ahead;
/* attrs[i] of names[i] for each i < n, read by one child (attrs: static strings). */
struct sysfs_ahead *sysfs_read_ahead(struct vnet_ctx *ctx, const char *const *names,
				     const char *const *attrs, int n);
void sysfs_ahead_free(struct sysfs_ahead *a);
/*
 * /sys/class/net/names[i]/attrs[i] as numbers, read inside ctx's namespace
 * (a child enters it and mounts a sysfs of its own; sysfs shows the namespace
 * that mounted it): out[i] is the number, or -1 when it cannot be read.
 * "speed" comes from ethtool (sysfs refuses it for a link that is down);
 * addr_assign_type from ctx->sysfs_sim when the state knows it, and from
 * ctx->sysfs_before for a link whose MAC's origin the plan kept.
 */
void sysfs_net_read(struct vnet_ctx *ctx, const char *const *names, const char *const *attrs,
		    int n, long *out);

#endif
