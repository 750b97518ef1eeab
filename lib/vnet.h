/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvnet: declarative host networking for virtualisation hosts.
 *
 * The one public header. A context holds the target network namespace, the
 * output stream and the last error. Statements are the command-line words
 * without the program name ("bridge add br0 stp on"); the library parses,
 * reads the kernel's state, plans, and applies them.
 */
#ifndef VNET_H
#define VNET_H

#include <stdbool.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vnet_ctx;

/* Context flags (vnet_ctx_set_flags). */
enum {
	VNET_F_DRY_RUN = 1 << 0, /* print the plan, change nothing */
	VNET_F_JSON = 1 << 1,	 /* JSON output */
	VNET_F_PRETTY = 1 << 2,	 /* indented JSON */
	VNET_F_QUIET = 1 << 3,	 /* no informational lines */
	VNET_F_NOWAIT = 1 << 4,	 /* fail at once, naming it, when the namespace is busy */
};

/* Exit codes documented in vnetctl(8). */
enum vnet_exit {
	VNET_EXIT_OK = 0,	/* success, also "no change"; check: in sync */
	VNET_EXIT_FAIL = 1,	/* the operation failed; check: differences */
	VNET_EXIT_USAGE = 2,	/* usage or parse error, nothing changed */
};

/**
 * struct vnet_error - what went wrong, for one printer in the caller
 * @err:	positive errno (0 when none applies)
 * @exit_code:	VNET_EXIT_FAIL or VNET_EXIT_USAGE
 * @msg:	the message, starting with the object ("bridge br0: priority: ...")
 * @ext_msg:	the kernel's extended-ack message, "" when it gave none
 * @ext_off:	the extended-ack offset into the request, 0 when none
 * @word:	index of the word at fault in the statement, -1 when none
 * @details:	for a file, every error found, each as "file:line:col: message"
 *		with the line and a caret under the word; NULL otherwise
 */
struct vnet_error {
	int err;
	int exit_code;
	char msg[512];
	char ext_msg[256];
	unsigned int ext_off;
	int word;
	char *details;
};

/**
 * struct vnet_keyword - one keyword of a statement, for help and completion
 * @word:	the keyword ("forward-delay")
 * @value:	what follows it ("SECONDS", "on|off"), NULL for a bare keyword
 * @help:	one line: meaning, unit, default
 * @required:	add needs it (the synopsis of add shows it)
 */
struct vnet_keyword {
	const char *word;
	const char *value;
	const char *help;
	int required;
};

/**
 * struct vnet_verb - one OBJECT VERB form, for help and completion
 * @object:	"bridge", "bridge port", ...
 * @verb:	"add", "set", "del", "show"
 * @args:	positional arguments ("NAME", "BRIDGE PORT", "[NAME]")
 * @summary:	one line
 * @keywords:	keyword table, terminated by an entry with a NULL word
 */
struct vnet_verb {
	const char *object;
	const char *verb;
	const char *args;
	const char *summary;
	const struct vnet_keyword *keywords;
};

struct vnet_ctx *vnet_ctx_new(void);
void vnet_ctx_free(struct vnet_ctx *ctx);

/**
 * vnet_ctx_set_netns() - work inside the named network namespace
 * @name: a name under /run/netns (as ip -n), validated first
 *
 * Return: 0, or a negative errno with the error record set.
 */
int vnet_ctx_set_netns(struct vnet_ctx *ctx, const char *name);
void vnet_ctx_set_flags(struct vnet_ctx *ctx, unsigned int flags);
unsigned int vnet_ctx_flags(const struct vnet_ctx *ctx);
/* Where results (show output, plans, "no change") go; default stdout. */
void vnet_ctx_set_output(struct vnet_ctx *ctx, FILE *out);
const struct vnet_error *vnet_ctx_error(const struct vnet_ctx *ctx);
/**
 * vnet_ctx_set_notice() - where the library's notices go
 * @fn: called with each notice, one line without the program's name: a
 *	transaction that was interrupted and has been rolled back (with what
 *	was undone), one that is pending, a wait for one; NULL: none are told
 * @arg: passed to fn
 */
void vnet_ctx_set_notice(struct vnet_ctx *ctx, void (*fn)(void *arg, const char *msg), void *arg);
/* Number of change requests sent to the kernel so far. */
unsigned long vnet_ctx_requests(const struct vnet_ctx *ctx);

/**
 * vnet_run() - parse, plan and carry out one statement
 * @argc: number of words
 * @argv: the words, starting with the object ("bridge", "add", "br0", ...);
 *	   a name that starts with '-' ("bridge del -- -j") must come after a
 *	   word "--", which is dropped: before it such a word is taken for a
 *	   misplaced option and refused
 *
 * Every word is checked before the host is read. Return: 0 on success
 * (including "no change"), or a negative errno with the error record set;
 * its exit_code says whether the words (2) or the host (1) were at fault.
 */
int vnet_run(struct vnet_ctx *ctx, int argc, char *const *argv);

struct vnet_txn;

/**
 * vnet_run_txn() - vnet_run(), the transaction kept open for a confirmation
 * @txn: set to the open transaction when the statement changed the host
 *	 (NULL when it changed nothing); the namespace's lock and the journal
 *	 stay held until vnet_txn_commit(), vnet_txn_rollback() or
 *	 vnet_txn_guard()
 */
int vnet_run_txn(struct vnet_ctx *ctx, int argc, char *const *argv, struct vnet_txn **txn);

/* vnet_apply() flags. */
enum {
	VNET_APPLY_CHECK = 1 << 0,  /* compare only: exit 0 in sync, 1 differences, 2 trouble */
	VNET_APPLY_PRUNE = 1 << 1,  /* also delete what vnetctl created and the file leaves out */
	VNET_APPLY_HOLD = 1 << 2,   /* keep the transaction open for a confirmation */
	VNET_APPLY_NOWAIT = 1 << 3, /* fail instead of waiting for another apply's lock */
};

/**
 * vnet_apply() - apply a file of statements, all or nothing
 * @path: a file, or "-" for standard input
 * @flags: VNET_APPLY_*
 * @txn: with VNET_APPLY_HOLD, the open transaction (NULL when nothing changed)
 *
 * Every statement is parsed and checked first; then one plan in dependency
 * order; on any failure every step taken is undone. Return: 0, 1 (check
 * found differences), or a negative errno with the error record set.
 */
int vnet_apply(struct vnet_ctx *ctx, const char *path, unsigned int flags,
	       struct vnet_txn **txn);
/**
 * vnet_apply_boot() - apply a file at boot, in independent groups
 * @path: a file or directory
 * @flags: VNET_APPLY_NOWAIT at most
 * @wait_s: how long to wait for the devices a group needs and no statement makes (NICs)
 *
 * The statements are cut into groups that share no link; each group is
 * applied, all or nothing, as soon as the devices it needs are there. At
 * the deadline the groups still waiting are skipped and named (notices).
 * Return: 0 when every group was applied, else a negative errno (exit 1).
 */
int vnet_apply_boot(struct vnet_ctx *ctx, const char *path, unsigned int flags, unsigned int wait_s);
/**
 * vnet_hotplug() - apply the part of a configuration that concerns one interface
 * @ifname: the interface that appeared
 * @path: a file or directory
 *
 * The groups of statements that name ifname, or take it as a guest, are
 * applied, only adding and changing (no port or slave released, nothing
 * deleted). Nothing concerns it: 0 at once.
 */
int vnet_hotplug(struct vnet_ctx *ctx, const char *ifname, const char *path);
/* Keeps what an held apply changed, and releases the lock. */
void vnet_txn_commit(struct vnet_ctx *ctx, struct vnet_txn *txn);
/* Undoes what an held apply changed, and releases the lock. */
int vnet_txn_rollback(struct vnet_ctx *ctx, struct vnet_txn *txn);

struct vnet_guard;

/**
 * vnet_txn_guard() - hand an open transaction to a guardian process
 * @seconds: from now to the deadline
 * @guard: the guardian, to wait for the transaction's end (vnet_guard_*)
 *
 * The guardian, a process of its own session that ignores SIGHUP, holds the
 * journal and the lock from now on: it waits on a socket for
 * vnet_confirm() or vnet_rollback() (from this namespace's vnetctl confirm
 * or rollback), and rolls back by itself at the deadline. txn is consumed:
 * when no guardian could take it, it was rolled back here.
 * Return: 0, or a negative errno with the error record set.
 */
int vnet_txn_guard(struct vnet_ctx *ctx, struct vnet_txn *txn, unsigned int seconds,
		   struct vnet_guard **guard);
/* Readable (poll) when the transaction has ended: then vnet_guard_outcome(). */
int vnet_guard_fd(const struct vnet_guard *g);
int vnet_guard_pid(const struct vnet_guard *g);
/* The deadline, as time(2). */
long long vnet_guard_deadline(const struct vnet_guard *g);
/* Asks this transaction's guardian to keep the changes (confirm) or to undo them now. */
int vnet_guard_tell(struct vnet_ctx *ctx, struct vnet_guard *g, int confirm);
/**
 * vnet_guard_outcome() - how the guarded transaction ended
 *
 * Prints it as results: "WHAT: confirmed", or each step the rollback ran
 * (-j: one JSON object). Return: 0 confirmed; a negative errno with the
 * error record set when it was rolled back or the guardian ended without
 * saying (killed: its journal stays for the next vnetctl).
 */
int vnet_guard_outcome(struct vnet_ctx *ctx, struct vnet_guard *g);
void vnet_guard_free(struct vnet_guard *g);
/**
 * vnet_confirm() - keep the changes of the transaction pending in this namespace
 *
 * Through its guardian's socket, or, its guardian dead before the
 * deadline, by removing its journal. Return: 0, or a negative errno with
 * the error set (nothing pending; too late, and rolled back).
 */
int vnet_confirm(struct vnet_ctx *ctx);
/* vnet_rollback() - undo it now; prints each step undone. */
int vnet_rollback(struct vnet_ctx *ctx);

/**
 * vnet_diagnose() - the troubleshooting checklist (vnetctl diagnose)
 * @argc: number of words
 * @argv: "diagnose" [OBJECT [NAME]]
 *
 * Prints each check as ok, warn or fail with a one-line fix (-j: a JSON
 * array). Return: 0 all ok, 1 a warning or failure, or a negative errno with
 * the error record set (exit code 2: the words, or the host could not be read).
 */
int vnet_diagnose(struct vnet_ctx *ctx, int argc, char *const *argv);

/**
 * vnet_monitor() - say the kernel's events on links and addresses as they come
 * @argc: number of words
 * @argv: "monitor" [OBJECT...]: kinds (bridge, bond, vlan, vf, veth, sea,
 *	  link) or link names; events on others are not said
 * @stop_fd: returns once this is readable (a signal handler's pipe), -1: never
 *
 * One line per event (-j: one JSON object per line), flushed at once.
 * Return: 0 when stopped, or a negative errno with the error record set.
 */
int vnet_monitor(struct vnet_ctx *ctx, int argc, char *const *argv, int stop_fd);

/* The statement forms vnet_run() accepts, terminated by a NULL object. */
const struct vnet_verb *vnet_verbs(void);

/**
 * vnet_hint_object() - a hint for a word that is no object or command
 * @word: the word given ("brigde", "port", "list")
 * @buf: filled with "; did you mean bridge?", or "" when nothing is near
 */
void vnet_hint_object(const char *word, char *buf, size_t len);

const char *vnet_version(void);

#ifdef __cplusplus
}
#endif
#endif
