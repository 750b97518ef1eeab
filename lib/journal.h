/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journal: the record of a transaction (lib/record.h) on disk, so that
 * a vnetctl that dies half-way leaves the way back behind it.
 *
 * /run/vnetctl/journal-INODE (INODE: the network namespace's) is written
 * before the first change, under the namespace's lock, and removed when
 * the transaction ends. It holds a header (the writer's PID and start time,
 * so that a reused PID is not taken for the writer; the namespace's cookie,
 * so that a reused inode is not taken for the namespace; a deadline when a
 * --confirm guardian holds it) and what record_of() needs to rebuild the
 * record: the names the plan names, those it deletes, which MACs a user
 * chose, and the messages of the link, bridge VLAN, address and route
 * dumps exactly as they were read, and each kind's own record of a link
 * (JR_EXT: a PF's VF table, made again from the PF's message).
 */
#ifndef VNET_JOURNAL_H
#define VNET_JOURNAL_H

#include <stdint.h>

#include "internal.h"
#include "kind.h"
#include <sys/types.h>

#include "internal.h"

enum { J_TORN = 1, J_FOREIGN = 2, J_REBOOTED = 3 };

/* What a journal's header says, and whether its writer still runs. */
struct jinfo {
	int present;	     /* there is a journal */
	int stale;	     /* J_TORN (unreadable), J_FOREIGN (a namespace's that is gone), J_REBOOTED (an earlier boot's) */
	pid_t pid;	     /* the writer: the command, or its guardian */
	int alive;	     /* that process still runs (same start time) */
	int guarded;	     /* a --confirm guardian holds it */
	int64_t deadline;    /* CLOCK_BOOTTIME ns; 0: none (roll back at once if the writer died) */
	int64_t deadline_rt; /* the same deadline as time(2) */
	char what[128];	     /* what the transaction changes ("bridge br0", a file) */
};

/*
 * Records the host before p runs (record_take) and, when this process
 * holds the namespace's lock, writes the journal before returning: the
 * first change may follow. A journal this process wrote already (a second
 * plan in the same transaction) is kept: it is the older state.
 */
int journal_take(struct vnet_ctx *ctx, const struct plan *p, struct record **rec);
/* The transaction ended (vnet_unlock): the journal this process wrote goes. */
void journal_end(struct vnet_ctx *ctx);
/* A guardian (this process) takes the journal over, with the deadline. */
int journal_adopt(struct vnet_ctx *ctx, int64_t deadline, int64_t deadline_rt);
/* Reads the header of the namespace's journal. */
int journal_info(struct vnet_ctx *ctx, struct jinfo *ji);
/*
 * Under the namespace's lock, before a change (vnet_lock): a journal whose
 * writer died is rolled back (at once, or at its deadline when it was a
 * --confirm guardian's), saying what was undone. Before that deadline it
 * is left alone: wait, and the caller waits (the lock dropped meanwhile),
 * else it fails naming it.
 */
int journal_settle(struct vnet_ctx *ctx, int wait);
/*
 * The same for a command that only reads (show, check, a dry run): says
 * that a transaction is pending; one that must be rolled back is, under
 * the lock, when this process may.
 */
void journal_look(struct vnet_ctx *ctx);
/*
 * Rolls back the journal's transaction now (under the lock: vnetctl
 * rollback when its guardian died), or, confirm, removes it. Each step
 * undone goes to ctx->on_undo. Returns 0, or -errno with the error set
 * (and the journal removed all the same: what could not be undone is said).
 */
int journal_finish(struct vnet_ctx *ctx, const struct jinfo *ji, int confirm);
/* "PID 123 (bridge br0) awaits confirmation until 12:00:30" and the like, for messages. */
void jinfo_text(const struct jinfo *ji, char *buf, size_t len);
/* CLOCK_BOOTTIME in ns: deadlines count time asleep too. */
int64_t journal_now(void);

#endif
