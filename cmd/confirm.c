// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --confirm, confirm and rollback. The guardian that keeps a change until
 * it is confirmed is the library's (vnet_txn_guard); the command hands the
 * change over, says until when it may be confirmed, and waits for how it
 * ends: Enter on a terminal, "vnetctl confirm" or "vnetctl rollback" from
 * another shell, or the deadline. ^C (SIGINT) is the admin saying no: it
 * rolls back at once. A hang-up (the terminal or the ssh session gone) or
 * SIGTERM ends this process alone: the guardian keeps the changes until the
 * deadline, so an admin who reconnects can still confirm them.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

int parse_seconds(const char *s, long *out)
{
	long v = 0;

	/* strtol would take " 5" and "+5". */
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

static void wait_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

void confirm_block_signals(void)
{
	sigset_t set;

	wait_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/*
 * A hang-up or SIGTERM: this process goes, as that signal would have it, and
 * the guardian carries on. Its line may find no terminal left to read it.
 */
static int leave(struct vnet_guard *g, int sig, const char *until)
{
	sigset_t set;

	fprintf(stderr, "vnetctl: %s: the guardian (PID %d) keeps the changes until %s: "
		"confirm them by then or they are rolled back\n", strsignal(sig), vnet_guard_pid(g), until);
	vnet_guard_free(g);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	return VNET_EXIT_FAIL;
}

int confirm_hold(struct vnet_ctx *ctx, const struct gopts *o, struct vnet_txn *txn)
{
	struct vnet_guard *g;
	struct pollfd pfd[3];
	sigset_t set;
	char until[32] = "?";
	time_t d;
	struct tm tm;
	int tty = isatty(0) && !o->detach, n = 2, asked = 0, r;

	if (vnet_txn_guard(ctx, txn, (unsigned int)o->confirm, &g) < 0)
		return report(ctx);
	d = (time_t)vnet_guard_deadline(g);
	if (localtime_r(&d, &tm))
		strftime(until, sizeof(until), "%H:%M:%S", &tm);
	if (!(vnet_ctx_flags(ctx) & VNET_F_QUIET))
		fprintf(stderr, "vnetctl: keep the changes with \"vnetctl%s%s confirm\"%s before %s (%ld s), or undo them with \"vnetctl%s%s rollback\"; else they are rolled back then (guardian PID %d)\n",
			o->netns ? " -n " : "", o->netns ? o->netns : "", tty ? " or Enter here" : "",
			until, o->confirm, o->netns ? " -n " : "", o->netns ? o->netns : "", vnet_guard_pid(g));
	if (o->detach) {
		vnet_guard_free(g);
		return VNET_EXIT_OK;
	}
	wait_signals(&set);
	pfd[0].fd = vnet_guard_fd(g);
	pfd[0].events = POLLIN;
	pfd[1].fd = signalfd(-1, &set, SFD_CLOEXEC);
	pfd[1].events = POLLIN;
	if (tty) {
		pfd[2].fd = 0;
		pfd[2].events = POLLIN;
		n = 3;
	}
	for (;;) {
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents)
			break; /* it ended: the outcome is there, or the guardian died */
		if (pfd[1].fd >= 0 && (pfd[1].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(pfd[1].fd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo != SIGINT) {
				close(pfd[1].fd);
				return leave(g, (int)si.ssi_signo, until);
			}
			/* ^C: no confirmation, undone now rather than at the deadline. */
			if (!asked++)
				vnet_guard_tell(ctx, g, 0);
		}
		if (n == 3 && pfd[2].revents) {
			char c;
			ssize_t got = read(0, &c, 1);

			if (got == 1 && c == '\n' && !asked++)
				vnet_guard_tell(ctx, g, 1);
			if (got <= 0)
				n = 2; /* end of input is no confirmation: wait on */
		}
	}
	if (pfd[1].fd >= 0)
		close(pfd[1].fd);
	r = vnet_guard_outcome(ctx, g);
	vnet_guard_free(g);
	return r < 0 ? report(ctx) : VNET_EXIT_OK;
}

static int run_confirm(struct vnet_ctx *ctx, const struct gopts *o, int argc, char **argv)
{
	(void)o;
	if (argc > 1) {
		fprintf(stderr, "vnetctl: %s: unexpected \"%s\"\n", argv[0], argv[1]);
		return VNET_EXIT_USAGE;
	}
	if ((strcmp(argv[0], "confirm") ? vnet_rollback(ctx) : vnet_confirm(ctx)) < 0)
		return report(ctx);
	return VNET_EXIT_OK;
}

const struct cmd cmd_confirm = { "confirm", "keep the changes waiting for a confirmation "
				 "(--confirm) in this namespace", run_confirm, 0 };
const struct cmd cmd_rollback = { "rollback", "undo now the changes waiting for a confirmation "
				  "in this namespace, listing each step", run_confirm, 0 };
