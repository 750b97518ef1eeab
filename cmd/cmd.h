/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command table: one descriptor per top-level word. */
#ifndef VNETCTL_CMD_H
#define VNETCTL_CMD_H

#include "vnet.h"

/* The global options a command needs beyond the context's flags. */
struct gopts {
	const char *netns; /* -n NAME, NULL for none */
	long confirm;	   /* --confirm SECONDS, 0 for none */
	int detach;	   /* --detach */
};

struct cmd {
	const char *name;
	const char *summary;
	/* argv[0] is the command's own word. Returns an exit code. */
	int (*run)(struct vnet_ctx *ctx, const struct gopts *o, int argc, char **argv);
	int changes; /* it changes the host: --confirm applies to it */
};

extern const struct cmd cmds[];
extern const struct cmd cmd_apply, cmd_check, cmd_hotplug, cmd_confirm, cmd_rollback;
extern const struct cmd cmd_diagnose, cmd_monitor;

/* Prints the library's error record as "vnetctl: ..." and returns its exit code. */
int report(struct vnet_ctx *ctx);
void usage_object(FILE *f, const char *object);

/* 1-86400, plain decimal digits only. 0, or -1 when s is not that. */
int parse_seconds(const char *s, long *out);
/* Blocks the signals that end a wait for a confirmation: from before the change on. */
void confirm_block_signals(void);
/*
 * A change made with --confirm: its guardian takes it over, the deadline
 * is said, and (unless --detach) the outcome is waited for: Enter on a
 * terminal confirms, SIGINT, SIGTERM or SIGHUP roll back at once.
 */
int confirm_hold(struct vnet_ctx *ctx, const struct gopts *o, struct vnet_txn *txn);

#endif
