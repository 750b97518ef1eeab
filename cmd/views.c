// SPDX-License-Identifier: GPL-2.0-or-later
/* diagnose and monitor: the operators' views that are commands of their own. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "cmd.h"

static int run_diagnose(struct vnet_ctx *ctx, const struct gopts *o, int argc, char **argv)
{
	int r;

	(void)o;
	if (argc >= 2 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help"))) {
		printf("Usage: vnetctl [OPTIONS] diagnose [OBJECT [NAME]] [--config FILE|DIR]\n      %s\n",
		       cmd_diagnose.summary);
		return VNET_EXIT_OK;
	}
	r = vnet_diagnose(ctx, argc, argv);
	return r < 0 ? report(ctx) : r;
}

const struct cmd cmd_diagnose = { "diagnose", "check what goes wrong on virtualisation hosts, and drift "
				  "from the configuration ([OBJECT [NAME]] [--config FILE|DIR], default "
				  VNET_CONFDIR "; exit 0 all ok, 1 a warning or failure)",
				  run_diagnose, 0 };

/* SIGINT and SIGTERM end the monitor through this pipe: it then exits 0. */
static int stop_pipe[2] = { -1, -1 };

static void on_stop(int sig)
{
	int e = errno;

	(void)sig;
	if (write(stop_pipe[1], "", 1) < 0) {
		/* full: a stop is already waiting */
	}
	errno = e;
}

static int run_monitor(struct vnet_ctx *ctx, const struct gopts *o, int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_stop };
	int r;

	(void)o;
	if (argc >= 2 && (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help"))) {
		printf("Usage: vnetctl [OPTIONS] monitor [OBJECT...]\n      %s\n", cmd_monitor.summary);
		return VNET_EXIT_OK;
	}
	if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("vnetctl: monitor: pipe");
		return VNET_EXIT_FAIL;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	r = vnet_monitor(ctx, argc, argv, stop_pipe[0]);
	return r < 0 ? report(ctx) : VNET_EXIT_OK;
}

const struct cmd cmd_monitor = { "monitor", "say each event on links, ports, bonds and addresses as "
				 "it comes ([OBJECT...]; until SIGINT or SIGTERM)", run_monitor, 0 };
