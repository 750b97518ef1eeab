/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every module of the library shares: the context, string helpers and
 * the error record. Each module's own types and functions are in a header of
 * its own (value.h, obj.h, nl.h, state.h, plan.h, kind.h, sysfs.h, out.h,
 * record.h), which a file includes when it uses them.
 */
#ifndef VNET_INTERNAL_H
#define VNET_INTERNAL_H

#include <net/if.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <string.h>

#include "vnet.h"

struct mnl_socket;
struct state;
struct op;
struct nlmsghdr;
struct nlattr;
struct nl_cache;
struct json_object;

#define VNET_NAMSIZ IFNAMSIZ /* 16: 15 bytes and the NUL */
#define VLAN_N 4096

struct vnet_ctx {
	unsigned int flags;
	FILE *out;
	int netns_fd; /* -1: the caller's namespace */
	char netns[256];
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
	unsigned long nreq;
	unsigned long dump_retries; /* dumps read again after NLM_F_DUMP_INTR */
	/*
	 * The errno (ENOBUFS: the socket overran) when the answers to requests
	 * sent could not be read: what they did is not known. Cleared by
	 * whoever asks (plan_exec, before each step).
	 */
	int answer_lost;
	struct vnet_error err;
	char sysfs_root[128]; /* "/sys"; a unit test points it at a fixture tree */
	int lock_fd;	      /* the namespace's lock while held, else -1 */
	struct state *shared; /* one reading lent to every kind (vnetctl show) */
	struct {
		char name[VNET_NAMSIZ];
		int ifindex;
	} idx[16];	      /* names resolved while a plan runs (masters, mostly) */
	int nidx;
	/*
	 * While a plan runs forward: the record's reading, taken just before
	 * the first step, whose links' indexes hold until a step deletes
	 * links or makes VFs again (nlm_forget(ctx, NULL) drops it).
	 */
	const struct state *known;
	int lock_depth;
	struct nl_tap *tap; /* while the record is taken: the dumps' messages, raw (lib/journal.c) */
	/* The planning reading's messages, raw: the record is made from them (no second reading). */
	struct nl_tap *read_tap;
	/* Told of each step a rollback ran (record_restore), NULL: nobody asks. */
	void (*on_undo)(struct vnet_ctx *ctx, const char *text);
	void *undo_arg;
	int journal_owned;    /* this process wrote the namespace's journal: removed with the lock */
	const char *txn_what; /* what the transaction changes ("bridge br0", a file), for the journal */
	/*
	 * While a file is planned: the fields of the statement s, a "bridge
	 * port BRIDGE PATTERN", that another statement sets for the port named
	 * (one naming it exactly, or a later pattern): those are left to it.
	 */
	uint32_t (*port_override)(void *arg, const void *s, const char *port);
	void *port_override_arg;
	/* hotplug: only add and change (no port or slave released, nothing deleted). */
	int additive;
	struct sysfs_ahead *sysfs_ahead; /* while apply -j's diff describes objects (lib/diff.c) */
	struct state *sysfs_sim;	 /* the same: the state it describes, maybe simulated */
	/* the same, after the plan ran: what the pass before it read of the host then */
	const struct sysfs_ahead *sysfs_before;
	void (*notice)(void *arg, const char *msg); /* vnet_ctx_set_notice */
	void *notice_arg;
};

/*
 * snprintf(dst, len, "%s", src), cut the same way, without printf's cost:
 * planning copies names by the thousand.
 */
static inline void str_copy(char *dst, size_t len, const char *src)
{
	if (!len)
		return;
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = 0;
}
/* The strings up to a NULL, one after another, cut as snprintf would cut them. */
void str_join(char *dst, size_t len, ...) __attribute__((sentinel));
/*
 * snprintf's first two arguments for text that goes on at offset o of
 * buf[len]: once it is full, NULL and 0, so that what does not fit is
 * counted, not written (the formatters return the whole length, as snprintf).
 */
#define SN_AT(buf, len, o) ((size_t)(o) < (len) ? (buf) + (o) : NULL), \
			   ((size_t)(o) < (len) ? (len) - (size_t)(o) : 0)
/*
 * The text of a formatter of snprintf's kind (buf and len its last
 * arguments, the whole length returned), whole: in small[] when it fits,
 * else made again on the heap. Free it with TEXT_FREE(small, text).
 */
#define TEXT_WHOLE(small, fn, ...)                                              \
	({                                                                      \
		int n_ = fn(__VA_ARGS__, small, sizeof(small));                 \
		char *t_ = small;                                               \
		if (n_ >= (int)sizeof(small)) {                                 \
			if (!(t_ = malloc((size_t)n_ + 1)))                     \
				abort();                                        \
			fn(__VA_ARGS__, t_, (size_t)n_ + 1);                    \
		}                                                               \
		t_;                                                             \
	})
#define TEXT_FREE(small, text)          \
	do {                            \
		if ((text) != (small))  \
			free(text);     \
	} while (0)
/*
 * src into dst (len bytes with the NUL); when longer, its middle gives way to
 * "...", at a comma or space when one is near ("add vlans 2,4,...,4094"): the
 * head says what it is, and the tail, the larger part, how a message ends
 * (the kernel's words and the errno).
 */
void str_fit(char *dst, size_t len, const char *src);

/*
 * read and write that go on until n bytes have passed, the file ends (read)
 * or an error other than EINTR stops them: the count that passed, or -1 with
 * errno when none did.
 */
ssize_t fd_read(int fd, void *buf, size_t n);
ssize_t fd_write(int fd, const void *buf, size_t n);

/*
 * Error helpers. Each returns -err so a caller can write
 * "return vnet_fail(ctx, ...)". A word index of -1 means none.
 */
int vnet_usage(struct vnet_ctx *ctx, int word, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vnet_fail(struct vnet_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * A refusal of vnetctl's own, before the kernel is asked (a bridge as its
 * own port, a name held by another kind): the message says what is wrong,
 * without the errno's words, which would mislead ("Too many levels of
 * symbolic links", "File exists"); err stays in the record.
 */
int vnet_refuse(struct vnet_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vnet_clear_error(struct vnet_ctx *ctx);

#endif
