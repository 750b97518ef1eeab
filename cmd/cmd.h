/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command table: one descriptor per top-level word. */
#ifndef VNETCTL_CMD_H
#define VNETCTL_CMD_H

#include "vnet.h"

struct cmd {
	const char *name;
	const char *summary;
	/* argv[0] is the command's own word. Returns an exit code. */
	int (*run)(struct vnet_ctx *ctx, int argc, char **argv);
};

extern const struct cmd cmds[];
extern const struct cmd cmd_apply, cmd_check, cmd_confirm;

/* Prints the library's error record as "vnetctl: ..." and returns its exit code. */
int report(struct vnet_ctx *ctx);
void usage_object(FILE *f, const char *object);

#endif
