// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply and check. The library applies a file all or nothing; with
 * --confirm the change is handed to a guardian and waited for (confirm.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "cmd.h"

static int run_apply(struct vnet_ctx *ctx, const struct gopts *go, int argc, char **argv)
{
	struct gopts o = *go;
	const char *path = NULL;
	unsigned int flags = 0;
	int check = !strcmp(argv[0], "check"), r, boot = 0;
	long boot_wait = 30;

	for (int i = 1; i < argc; i++) {
		if (!check && !strcmp(argv[i], "--dry-run")) {
			vnet_ctx_set_flags(ctx, vnet_ctx_flags(ctx) | VNET_F_DRY_RUN);
		} else if (!check && !strcmp(argv[i], "--prune")) {
			flags |= VNET_APPLY_PRUNE;
		} else if (!check && !strcmp(argv[i], "--no-wait")) {
			flags |= VNET_APPLY_NOWAIT;
		} else if (!check && !strcmp(argv[i], "--boot")) {
			boot = 1;
		} else if (!check && !strcmp(argv[i], "--boot-wait")) {
			if (++i >= argc || (parse_seconds(argv[i], &boot_wait) < 0 && strcmp(argv[i], "0"))) {
				fprintf(stderr, "vnetctl: apply: --boot-wait: \"%s\": expected seconds, 0-86400\n",
					i < argc ? argv[i] : "");
				return VNET_EXIT_USAGE;
			}
			if (!strcmp(argv[i], "0"))
				boot_wait = 0;
			boot |= 2;
		} else if (!check && !strcmp(argv[i], "--detach")) {
			o.detach = 1;
		} else if (!check && !strcmp(argv[i], "--confirm")) {
			if (++i >= argc || parse_seconds(argv[i], &o.confirm) < 0) {
				fprintf(stderr, "vnetctl: apply: --confirm: \"%s\": expected seconds, 1-86400\n",
					i < argc ? argv[i] : "");
				return VNET_EXIT_USAGE;
			}
		} else if (!path && (argv[i][0] != '-' || !strcmp(argv[i], "-"))) {
			path = argv[i];
		} else {
			fprintf(stderr, "vnetctl: %s: unexpected \"%s\"\n", argv[0], argv[i]);
			return VNET_EXIT_USAGE;
		}
	}
	if (!path)
		path = VNET_CONFDIR; /* the host's configuration: its *.conf */
	if (o.detach && !o.confirm) {
		fprintf(stderr, "vnetctl: apply: --detach goes with --confirm SECONDS\n");
		return VNET_EXIT_USAGE;
	}
	if (boot == 2) {
		fprintf(stderr, "vnetctl: apply: --boot-wait goes with --boot\n");
		return VNET_EXIT_USAGE;
	}
	if (boot && (o.confirm || (flags & VNET_APPLY_PRUNE))) {
		fprintf(stderr, "vnetctl: apply: --boot applies groups one by one: not with %s\n",
			o.confirm ? "--confirm" : "--prune");
		return VNET_EXIT_USAGE;
	}
	if (boot)
		return vnet_apply_boot(ctx, path, flags, (unsigned int)boot_wait) < 0 ? report(ctx)
										      : VNET_EXIT_OK;
	if (check) {
		r = vnet_apply(ctx, path, VNET_APPLY_CHECK, NULL);
		return r < 0 ? report(ctx) : r;
	}
	if (o.confirm && !(vnet_ctx_flags(ctx) & VNET_F_DRY_RUN)) {
		struct vnet_txn *txn = NULL;

		/* ^C, a hang-up or SIGTERM waits until the change is made and held (confirm_hold). */
		confirm_block_signals();
		if (vnet_apply(ctx, path, flags | VNET_APPLY_HOLD, &txn) < 0)
			return report(ctx);
		if (!txn)
			return VNET_EXIT_OK; /* nothing changed: nothing to confirm */
		return confirm_hold(ctx, &o, txn);
	}
	if (vnet_apply(ctx, path, flags, NULL) < 0)
		return report(ctx);
	return VNET_EXIT_OK;
}

static int run_hotplug(struct vnet_ctx *ctx, const struct gopts *o, int argc, char **argv)
{
	(void)o;
	if (argc < 2 || argc > 3 || argv[1][0] == '-') {
		fprintf(stderr, "Usage: vnetctl [OPTIONS] hotplug IFNAME [FILE|DIR]\n      %s\n",
			cmd_hotplug.summary);
		return VNET_EXIT_USAGE;
	}
	if (vnet_hotplug(ctx, argv[1], argc > 2 ? argv[2] : VNET_CONFDIR) < 0)
		return report(ctx);
	return VNET_EXIT_OK;
}

const struct cmd cmd_apply = { "apply", "apply a file of statements, all or nothing "
			       "([FILE|DIR|-] [--dry-run] [--prune] [--confirm SECONDS [--detach]] [--no-wait] "
			       "[--boot [--boot-wait SECONDS]]; default " VNET_CONFDIR ")",
			       run_apply, 1 };
const struct cmd cmd_check = { "check", "does the host match a file? ([FILE|DIR|-]; exit 0 in sync, "
			       "1 differences, 2 trouble)", run_apply, 0 };
const struct cmd cmd_hotplug = { "hotplug", "apply the part of the files that concerns an interface "
				 "that appeared (IFNAME [FILE|DIR]; default " VNET_CONFDIR "): attach or "
				 "enslave it, its port settings; only adds, never releases", run_hotplug, 0 };
