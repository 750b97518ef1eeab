// SPDX-License-Identifier: GPL-2.0-or-later
/* diagnose and monitor: the operators' views that are commands of their own. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static int run_diagnose(struct vnet_ctx *ctx, const struct gopts *o, int argc, char **argv)
{
	int r;

	(void)o;
	if (argc >= 2 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help"))) {
		printf("Usage: vnetctl [OPTIONS] diagnose [OBJECT [NAME]]\n      %s\n", cmd_diagnose.summary);
		return VNET_EXIT_OK;
	}
	r = vnet_diagnose(ctx, argc, argv);
	return r < 0 ? report(ctx) : r;
}

const struct cmd cmd_diagnose = { "diagnose", "check what goes wrong on virtualisation hosts "
				  "([OBJECT [NAME]]; exit 0 all ok, 1 a warning or failure)",
				  run_diagnose, 0 };
