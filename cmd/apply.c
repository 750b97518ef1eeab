// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * apply, check and confirm. The library applies a file all or nothing; the
 * waiting of --confirm (a terminal, a signal from "vnetctl confirm", a
 * timeout or a hang-up) is the command line's business.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

/* 1-86400, plain decimal digits only (strtol would take " 5" and "+5"). */
static int parse_seconds(const char *s, long *out)
{
	long v = 0;

	if (!*s || strlen(s) > 5)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return v < 1 || v > 86400 ? -1 : 0;
}

/*
 * Waits for a confirmation: Enter on the terminal, or SIGUSR1 from
 * "vnetctl confirm". Returns 1 confirmed, 0 not (timeout, SIGINT, SIGTERM,
 * SIGHUP: a dropped ssh session). End of input is not a confirmation.
 */
static int await_confirmation(long seconds)
{
	sigset_t set;
	struct pollfd pfd[2];
	int sfd, tty = isatty(0), n = 1;
	struct timespec end, now;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		return 0;
	pfd[0].fd = sfd;
	pfd[0].events = POLLIN;
	if (tty) {
		pfd[1].fd = 0;
		pfd[1].events = POLLIN;
		n = 2;
		fprintf(stderr, "vnetctl: applied; press Enter within %ld s to keep the changes\n", seconds);
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += seconds;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		long ms = (end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000;

		if (ms <= 0)
			break;
		if (poll(pfd, (nfds_t)n, (int)ms) <= 0)
			continue;
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				close(sfd);
				return si.ssi_signo == SIGUSR1;
			}
		}
		if (n == 2 && pfd[1].revents) {
			char c;
			ssize_t r = read(0, &c, 1);

			if (r == 1 && c == '\n') {
				close(sfd);
				return 1;
			}
			if (r <= 0)
				n = 1; /* end of input: keep waiting for a signal or the timeout */
		}
	}
	close(sfd);
	return 0;
}

static int run_apply(struct vnet_ctx *ctx, int argc, char **argv)
{
	const char *path = NULL;
	unsigned int flags = 0;
	long confirm = 0;
	int check = !strcmp(argv[0], "check"), r;

	for (int i = 1; i < argc; i++) {
		if (!check && !strcmp(argv[i], "--dry-run")) {
			vnet_ctx_set_flags(ctx, vnet_ctx_flags(ctx) | VNET_F_DRY_RUN);
		} else if (!check && !strcmp(argv[i], "--prune")) {
			flags |= VNET_APPLY_PRUNE;
		} else if (!check && !strcmp(argv[i], "--no-wait")) {
			flags |= VNET_APPLY_NOWAIT;
		} else if (!check && !strcmp(argv[i], "--confirm")) {
			if (++i >= argc || parse_seconds(argv[i], &confirm) < 0) {
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
	if (!path) {
		fprintf(stderr, "vnetctl: %s: a file is required (FILE or - for standard input)\n",
			argv[0]);
		return VNET_EXIT_USAGE;
	}
	if (check) {
		r = vnet_apply(ctx, path, VNET_APPLY_CHECK, NULL);
		return r < 0 ? report(ctx) : r;
	}
	if (confirm && !(vnet_ctx_flags(ctx) & VNET_F_DRY_RUN)) {
		struct vnet_txn *txn = NULL;
		char pending[256];
		int fd;

		flags |= VNET_APPLY_HOLD;
		/* Signals arrive through a signalfd from here on; block them before announcing. */
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGHUP);
		sigprocmask(SIG_BLOCK, &set, NULL);
		if (vnet_apply(ctx, path, flags, &txn) < 0)
			return report(ctx);
		if (!txn)
			return VNET_EXIT_OK; /* nothing changed: nothing to confirm */
		if (vnet_confirm_path(ctx, pending, sizeof(pending)) < 0) {
			vnet_txn_rollback(ctx, txn);
			return report(ctx);
		}
		fd = open(pending, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dprintf(fd, "%ld\n", (long)getpid());
			close(fd);
		}
		r = await_confirmation(confirm);
		unlink(pending);
		if (r) {
			vnet_txn_commit(ctx, txn);
			/* -j output stays one JSON document: the word goes to stderr then. */
			if (!(vnet_ctx_flags(ctx) & VNET_F_QUIET))
				fprintf(vnet_ctx_flags(ctx) & VNET_F_JSON ? stderr : stdout,
					"%s: confirmed\n", path);
			return VNET_EXIT_OK;
		}
		vnet_txn_rollback(ctx, txn);
		fprintf(stderr, "vnetctl: %s: not confirmed; every change was rolled back\n", path);
		return VNET_EXIT_FAIL;
	}
	if (vnet_apply(ctx, path, flags, NULL) < 0)
		return report(ctx);
	return VNET_EXIT_OK;
}

/* vnetctl confirm: tells the waiting apply of this namespace to keep its changes. */
static int run_confirm(struct vnet_ctx *ctx, int argc, char **argv)
{
	char pending[256], buf[32] = "";
	long pid;
	int fd;

	if (argc > 1) {
		fprintf(stderr, "vnetctl: confirm: unexpected \"%s\"\n", argv[1]);
		return VNET_EXIT_USAGE;
	}
	if (vnet_confirm_path(ctx, pending, sizeof(pending)) < 0)
		return report(ctx);
	fd = open(pending, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0 || (pid = atol(buf)) <= 0 ||
	    kill((pid_t)pid, SIGUSR1) < 0) {
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "vnetctl: confirm: no apply is waiting for a confirmation\n");
		return VNET_EXIT_FAIL;
	}
	close(fd);
	/* The apply removes the file once it has kept the changes. */
	for (int i = 0; i < 100 && access(pending, F_OK) == 0; i++)
		usleep(50 * 1000);
	if (!(vnet_ctx_flags(ctx) & VNET_F_QUIET))
		printf("confirmed\n");
	return VNET_EXIT_OK;
}

const struct cmd cmd_apply = { "apply", "apply a file of statements, all or nothing "
			       "(FILE|- [--dry-run] [--prune] [--confirm SECONDS] [--no-wait])", run_apply };
const struct cmd cmd_check = { "check", "does the host match a file? (FILE|-; exit 0 in sync, "
			       "1 differences, 2 trouble)", run_apply };
const struct cmd cmd_confirm = { "confirm", "keep the changes of an apply --confirm waiting "
				 "in this namespace", run_confirm };
