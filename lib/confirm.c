// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * --confirm: the guardian, and how vnetctl confirm and vnetctl rollback
 * reach it.
 *
 * A change made with --confirm is handed, with its journal and the
 * namespace's lock, to a guardian: a process of its own session (no
 * controlling terminal, not in the terminal's process group, SIGHUP
 * ignored, its standard streams on /dev/null), so that nothing done to the
 * command, its terminal or its ssh session reaches it. It listens on
 * /run/vnetctl/confirm-INODE.sock for "confirm" or "rollback" from root or
 * its own user (SO_PEERCRED), and rolls back by itself at the deadline
 * (a CLOCK_BOOTTIME timer: time asleep counts). Nothing is ever signalled
 * by a PID read from a file: a socket file that nobody listens on any more
 * is "nothing pending". Killed, the guardian leaves the journal, whose
 * header holds the deadline: the first vnetctl after it rolls back.
 *
 * The guardian tells how the transaction ended, in the same words, to the
 * client that ended it and to the command that started it (a pipe):
 *
 *   pid PID
 *   what WHAT
 *   confirmed | rolled-back deadline | rolled-back asked
 *   op TEXT          each step the rollback ran
 *   error TEXT       what could not be put back
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "journal.h"
#include "nl.h"
#include "out.h"
#include "record.h"

struct vnet_guard {
	pid_t pid;
	int fd; /* the outcome's pipe */
	time_t deadline;
	char what[128];
};

static int sock_path(struct vnet_ctx *ctx, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	return vnet_run_path(ctx, "confirm", ".sock", sa->sun_path, sizeof(sa->sun_path));
}

/* The other end of a unix socket is root or this user. */
static int peer_ok(int fd)
{
	struct ucred cr;
	socklen_t l = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) < 0)
		return 0;
	return cr.uid == 0 || cr.uid == geteuid();
}

/* ---- the guardian ---- */

struct text {
	char *s;
	size_t len, cap;
};

static void text_add(struct text *t, const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;

	if (t->len + n >= t->cap) {
		size_t cap = t->cap ? t->cap : 1024;

		while (cap <= t->len + n)
			cap *= 2;
		if (!(t->s = realloc(t->s, cap)))
			_exit(1);
		t->cap = cap;
	}
	t->len += (size_t)snprintf(t->s + t->len, t->cap - t->len, "%s%s\n", a, b);
}

/* Everything fd says until it closes, as a string (NULL: nothing). */
static char *read_all(int fd)
{
	struct text t = { 0 };
	char buf[4096];
	ssize_t n;

	do {
		n = fd_read(fd, buf, sizeof(buf) - 1);
		if (n <= 0)
			break;
		buf[n] = 0;
		text_add(&t, buf, "");
		t.s[--t.len] = 0; /* no line of its own: a read may end mid-line */
	} while ((size_t)n == sizeof(buf) - 1);
	return t.s;
}

static void note_op(struct vnet_ctx *ctx, const char *text)
{
	text_add(ctx->undo_arg, "op ", text);
}


/* Closes every descriptor but those in keep[] (a bats run waits for its own, say). */
static void close_others(const int *keep, int n)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int self = d ? dirfd(d) : -1, fds[256], nfd = 0;

	while (d && (e = readdir(d)) && nfd < 256) {
		int fd = atoi(e->d_name), kept = fd <= 2 || fd == self || e->d_name[0] == '.';

		for (int i = 0; i < n; i++)
			kept |= fd == keep[i];
		if (!kept)
			fds[nfd++] = fd;
	}
	if (d)
		closedir(d);
	for (int i = 0; i < nfd; i++)
		close(fds[i]);
}

/* Ends the transaction, tells the client (fd c, -1 none) and the command (out), and exits. */
static void __attribute__((noreturn))
finish(struct vnet_ctx *ctx, struct vnet_txn *txn, int rollback, const char *why, int c, int out,
       const struct sockaddr_un *sa, int ls)
{
	struct text t = { 0 };
	char head[200], left[400];

	snprintf(head, sizeof(head), "pid %d\nwhat %s\n", (int)getpid(), txn->what);
	text_add(&t, head, rollback ? "rolled-back " : "confirmed");
	if (rollback) {
		t.len--; /* the reason on the same line */
		text_add(&t, why, "");
		ctx->on_undo = note_op;
		ctx->undo_arg = &t;
		if (record_restore(ctx, txn->plan.rec, left, sizeof(left)) < 0)
			text_add(&t, "error the host could not be put back whole: still to do: ", left);
		ctx->on_undo = NULL;
	}
	/* Gone before anyone hears of it: the next command finds nothing pending. */
	unlink(sa->sun_path);
	close(ls);
	vnet_unlock(ctx); /* the journal, then the lock */
	fd_write(c, t.s, t.len);
	fd_write(out, t.s, t.len);
	_exit(0);
}

static void __attribute__((noreturn))
guardian(struct vnet_ctx *ctx, struct vnet_txn *txn, int out, int64_t deadline, int64_t deadline_rt)
{
	struct sockaddr_un sa;
	struct itimerspec when = { .it_value = { deadline / 1000000000, deadline % 1000000000 } };
	sigset_t none;
	int null, ls, tfd;

	/* Nothing of the terminal's reaches it: no signal of a hang-up, no key. */
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 || chdir("/") < 0)
		_exit(1);
	/* Its own socket when it rolls back: the command's stays the command's. */
	nlm_close(ctx);
	ctx->notice = NULL;
	int keep[] = { out, ctx->lock_fd, ctx->netns_fd };

	close_others(keep, 3);
	if (journal_adopt(ctx, deadline, deadline_rt) < 0 || sock_path(ctx, &sa) < 0)
		_exit(1);
	ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(sa.sun_path); /* a socket file left by a guardian that was killed */
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(sa.sun_path, 0600) < 0 ||
	    listen(ls, 16) < 0)
		_exit(1);
	tfd = timerfd_create(CLOCK_BOOTTIME, TFD_CLOEXEC);
	if (tfd < 0 || timerfd_settime(tfd, TFD_TIMER_ABSTIME, &when, NULL) < 0)
		_exit(1);
	dprintf(out, "ready %d\n", (int)getpid());
	for (;;) {
		struct pollfd p[2] = { { .fd = ls, .events = POLLIN }, { .fd = tfd, .events = POLLIN } };
		struct timeval two = { 2, 0 };
		char cmd[32] = "";
		int c;

		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents)
			finish(ctx, txn, 1, "deadline", -1, out, &sa, ls);
		if (!p[0].revents || (c = accept4(ls, NULL, NULL, SOCK_CLOEXEC)) < 0)
			continue;
		/* A client that says nothing holds the deadline up two seconds at most. */
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &two, sizeof(two));
		ssize_t n = peer_ok(c) ? read(c, cmd, sizeof(cmd) - 1) : -1;

		if (n > 0 && !strncmp(cmd, "confirm\n", 8))
			finish(ctx, txn, 0, "", c, out, &sa, ls);
		if (n > 0 && !strncmp(cmd, "rollback\n", 9))
			finish(ctx, txn, 1, "asked", c, out, &sa, ls);
		close(c);
	}
}

int vnet_txn_guard(struct vnet_ctx *ctx, struct vnet_txn *txn, unsigned int seconds,
		   struct vnet_guard **out)
{
	int64_t deadline = journal_now() + (int64_t)seconds * 1000000000;
	time_t deadline_rt = time(NULL) + (time_t)seconds;
	struct vnet_guard *g = calloc(1, sizeof(*g));
	char line[64] = "";
	int p[2], st;
	pid_t pid;

	*out = NULL;
	if (!g || pipe2(p, O_CLOEXEC) < 0) {
		free(g);
		vnet_txn_rollback(ctx, txn);
		return vnet_fail(ctx, errno ? errno : ENOMEM, "cannot start a guardian; every change was rolled back");
	}
	if (ctx->out)
		fflush(ctx->out);
	pid = fork();
	if (pid == 0) {
		/* A session of its own, and not its leader: no terminal can become its. */
		close(p[0]);
		if (setsid() < 0)
			_exit(1);
		pid = fork();
		if (pid != 0)
			_exit(pid < 0);
		guardian(ctx, txn, p[1], deadline, deadline_rt);
	}
	close(p[1]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	for (size_t n = 0; pid > 0 && n < sizeof(line) - 1;)
		if (fd_read(p[0], line + n, 1) != 1 || line[n++] == '\n')
			break;
	if (strncmp(line, "ready ", 6)) {
		/* It never took the journal over: this process still holds it, and undoes the change. */
		close(p[0]);
		free(g);
		vnet_txn_rollback(ctx, txn);
		return vnet_fail(ctx, EIO, "the guardian of --confirm did not start; every change was rolled back");
	}
	g->pid = (pid_t)atoi(line + 6);
	g->fd = p[0];
	g->deadline = deadline_rt;
	str_copy(g->what, sizeof(g->what), txn->what);
	vnet_lock_hand_over(ctx);
	plan_free(&txn->plan);
	free(txn);
	*out = g;
	return 0;
}

int vnet_guard_fd(const struct vnet_guard *g)
{
	return g->fd;
}

int vnet_guard_pid(const struct vnet_guard *g)
{
	return (int)g->pid;
}

long long vnet_guard_deadline(const struct vnet_guard *g)
{
	return (long long)g->deadline;
}

void vnet_guard_free(struct vnet_guard *g)
{
	if (!g)
		return;
	close(g->fd);
	free(g);
}

/* ---- the clients ---- */

/* Sends cmd to the guardian and reads its answer (malloc'd). -ENOENT: no guardian listens. */
static int call(struct vnet_ctx *ctx, const char *cmd, char **reply)
{
	struct sockaddr_un sa;
	int fd, r = sock_path(ctx, &sa);

	*reply = NULL;
	if (r < 0)
		return r == -EACCES || r == -EPERM ? -ENOENT : r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = errno;
		close(fd);
		/* No file, or nobody listening on it (a guardian that was killed): nothing pending. */
		return r == ENOENT || r == ECONNREFUSED || r == EACCES ? -ENOENT : -r;
	}
	if (!peer_ok(fd)) {
		close(fd);
		return -EPERM;
	}
	if (write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd)) {
		close(fd);
		return -EIO;
	}
	shutdown(fd, SHUT_WR);
	*reply = read_all(fd);
	close(fd);
	return *reply ? 0 : -ENOENT; /* nothing: it ended meanwhile, another client's */
}

struct outcome {
	int pid;
	char what[128];
	int confirmed, rolled_back, asked;
	char error[512];
	struct json_object *ops;
};

static void parse(const char *reply, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->ops = json_object_new_array();
	for (const char *l = reply; l && *l;) {
		const char *nl = strchr(l, '\n');
		int n = nl ? (int)(nl - l) : (int)strlen(l);
		char line[1024];

		snprintf(line, sizeof(line), "%.*s", n, l);
		if (!strncmp(line, "pid ", 4))
			o->pid = atoi(line + 4);
		else if (!strncmp(line, "what ", 5))
			str_copy(o->what, sizeof(o->what), line + 5);
		else if (!strcmp(line, "confirmed"))
			o->confirmed = 1;
		else if (!strncmp(line, "rolled-back ", 12))
			o->rolled_back = 1, o->asked = !strcmp(line + 12, "asked");
		else if (!strncmp(line, "op ", 3))
			json_object_array_add(o->ops, json_object_new_string(line + 3));
		else if (!strncmp(line, "error ", 6))
			str_copy(o->error, sizeof(o->error), line + 6);
		l = nl ? nl + 1 : NULL;
	}
}

/*
 * Prints how a transaction ended: the steps of a rollback, or the word
 * confirmed; summary: and, for a rollback, a last line that says so.
 */
static void print_outcome(struct vnet_ctx *ctx, const struct outcome *o, int summary)
{
	if (ctx->flags & VNET_F_JSON) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "pid", json_object_new_int(o->pid));
		json_object_object_add(j, "what", json_object_new_string(o->what));
		json_object_object_add(j, "confirmed", json_object_new_boolean(o->confirmed));
		json_object_object_add(j, "rolled_back", json_object_new_boolean(o->rolled_back));
		json_object_object_add(j, "operations", json_object_get(o->ops));
		if (o->error[0])
			json_object_object_add(j, "error", json_object_new_string(o->error));
		out_json(ctx, j);
		json_object_put(j);
	} else if (o->confirmed && !(ctx->flags & VNET_F_QUIET)) {
		out_line(ctx, "%s: confirmed", o->what);
	} else if (o->rolled_back) {
		/* What was undone is said even with -q: the host changed. */
		for (size_t i = 0; i < json_object_array_length(o->ops); i++)
			out_line(ctx, "%s", json_object_get_string(json_object_array_get_idx(o->ops, i)));
		if (!json_object_array_length(o->ops))
			out_line(ctx, "%s: rolled back: nothing to undo", o->what);
		else if (summary && !(ctx->flags & VNET_F_QUIET))
			out_line(ctx, "%s: rolled back", o->what);
	}
	fflush(ctx->out);
}

int vnet_guard_tell(struct vnet_ctx *ctx, struct vnet_guard *g, int confirm)
{
	char *reply = NULL;
	int r = call(ctx, confirm ? "confirm\n" : "rollback\n", &reply);

	/* The outcome reaches the command through its pipe too: nothing to print here. */
	free(reply);
	return r;
}

int vnet_guard_outcome(struct vnet_ctx *ctx, struct vnet_guard *g)
{
	struct outcome o;
	char until[32];
	int r;

	char *said;

	vnet_clear_error(ctx);
	said = read_all(g->fd);
	parse(said, &o);
	free(said);
	if (!o.confirmed && !o.rolled_back) {
		struct tm tm;
		time_t d = g->deadline;

		if (!localtime_r(&d, &tm) || !strftime(until, sizeof(until), "%H:%M:%S", &tm))
			snprintf(until, sizeof(until), "the deadline");
		json_object_put(o.ops);
		return vnet_fail(ctx, 0,
				 "%s: the guardian (PID %d) ended without an outcome (killed?): the journal remains; vnetctl confirm keeps the changes, vnetctl rollback undoes them, else the first vnetctl in this namespace after %s does",
				 g->what, (int)g->pid, until);
	}
	print_outcome(ctx, &o, 0);
	if (o.confirmed)
		r = 0;
	else if (o.error[0])
		r = vnet_fail(ctx, 0, "%s: not confirmed: rolled back, but %s", g->what, o.error);
	else if (o.asked)
		r = vnet_fail(ctx, 0, "%s: rolled back on request; every change was undone", g->what);
	else
		r = vnet_fail(ctx, 0, "%s: not confirmed; every change was rolled back", g->what);
	json_object_put(o.ops);
	return r;
}

/* confirm or rollback without a guardian: a journal whose guardian died, or an interrupted one. */
static int orphan(struct vnet_ctx *ctx, int confirm)
{
	const char *verb = confirm ? "confirm" : "rollback";
	struct text t = { 0 };
	struct outcome o;
	struct jinfo ji;
	char busy[64] = "";
	int r;

	journal_info(ctx, &ji);
	if (ji.present && !ji.stale && !ji.guarded && ji.alive)
		snprintf(busy, sizeof(busy), " (PID %d is changing it, without --confirm)", (int)ji.pid);
	/* Looked at again under the lock: another may have settled it meanwhile. */
	if (ji.present && !ji.stale && !ji.alive) {
		if ((r = vnet_lock_raw(ctx, 1)) < 0)
			return r;
		journal_info(ctx, &ji);
		if (!ji.present || ji.stale || ji.alive)
			vnet_unlock(ctx);
	}
	if (!ji.present || ji.stale || ji.alive)
		return vnet_fail(ctx, 0, "%s: nothing pending: no change waits for a confirmation in this namespace%s",
				 verb, busy);
	int late = !ji.guarded || journal_now() >= ji.deadline;

	ctx->on_undo = note_op;
	ctx->undo_arg = &t;
	vnet_clear_error(ctx);
	r = journal_finish(ctx, &ji, confirm && !late);
	ctx->on_undo = NULL;
	vnet_unlock(ctx);
	parse(t.s, &o);
	free(t.s);
	o.pid = (int)ji.pid;
	str_copy(o.what, sizeof(o.what), ji.what);
	o.confirmed = confirm && !late && r == 0;
	o.rolled_back = !o.confirmed;
	if (r < 0)
		str_copy(o.error, sizeof(o.error), ctx->err.msg);
	print_outcome(ctx, &o, 1);
	json_object_put(o.ops);
	if (confirm && late && ji.guarded)
		return vnet_fail(ctx, 0, "confirm: too late: the deadline of PID %d passed (its guardian had died); every change was rolled back",
				 (int)ji.pid);
	if (confirm && late)
		return vnet_fail(ctx, 0, "confirm: nothing was waiting for a confirmation; an interrupted transaction of PID %d was rolled back",
				 (int)ji.pid);
	return r < 0 ? r : 0;
}

static int ask(struct vnet_ctx *ctx, int confirm)
{
	struct outcome o;
	char *reply = NULL;
	int r;

	vnet_clear_error(ctx);
	r = call(ctx, confirm ? "confirm\n" : "rollback\n", &reply);
	if (r == -ENOENT)
		return orphan(ctx, confirm);
	if (r == -EPERM)
		return vnet_fail(ctx, EPERM, "%s: the confirmation socket belongs to another user", confirm ? "confirm" : "rollback");
	if (r < 0)
		return vnet_fail(ctx, -r, "%s: cannot reach the guardian", confirm ? "confirm" : "rollback");
	parse(reply, &o);
	free(reply);
	print_outcome(ctx, &o, 1);
	json_object_put(o.ops);
	if (confirm && !o.confirmed)
		return vnet_fail(ctx, 0, "confirm: too late: the deadline came first; every change was rolled back");
	if (o.error[0])
		return vnet_fail(ctx, 0, "rollback: %s", o.error);
	return 0;
}

int vnet_confirm(struct vnet_ctx *ctx)
{
	return ask(ctx, 1);
}

int vnet_rollback(struct vnet_ctx *ctx)
{
	return ask(ctx, 0);
}
