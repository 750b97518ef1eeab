/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Statements, files of statements, and the kinds (one vtable per object) with their registry. */
#ifndef VNET_KIND_H
#define VNET_KIND_H

#include "plan.h"

struct diag;

enum verb { V_ADD = 1, V_SET = 2, V_DEL = 4, V_SHOW = 8, V_COUNT = 16 };
#define NVERBS 5

/* What a positional word after the verb is. */
enum argtype { ARG_IFNAME, ARG_VFSPEC, ARG_COUNT };

struct stmt {
	const struct kind *kind;
	enum verb verb;
	int argc;
	char *const *argv;
	const char *arg[2]; /* the positional names after the verb */
	unsigned int vf_lo, vf_hi; /* ARG_VFSPEC: the VFs named */
	int vf_all;		   /* ARG_VFSPEC: "all" */
	uint64_t count;		   /* ARG_COUNT */
	int first_kw;	    /* index of the first keyword word */
	int dash_from;	    /* a name from this word on may start with '-' (after "--") */
	char what[64];	    /* "bridge br0", "bridge br0 port eth0" for messages */
	int *line, *col;    /* from a file: where each word stands (NULL otherwise) */
	char **own;	    /* from a file: the argv array, owned */
	int wcap;	    /* from a file: room in own, line and col */
};

/* A file of statements, cut into words (lib/file.c). */
struct stmtfile {
	const char *path;   /* as given; "<stdin>" for "-" */
	char *text;	    /* the physical lines, NUL-terminated each */
	char *words;	    /* a copy cut into words; argv points here */
	char **lines;	    /* lines[i]: physical line i + 1 */
	int nlines;
	struct stmt *st;    /* argc/argv/line/col set; the rest by stmt_parse */
	int n;
	/* A directory: its *.conf files, read as one text; lines numbered through all. */
	struct stmtpart {
		char *path;	    /* DIR/NAME.conf, owned */
		int first;	    /* its line 1 is line first of the text */
	} *parts;
	int nparts;
};

/* path: a file, "-" (standard input) or a directory (its *.conf in lexical order). */
int stmts_read(struct vnet_ctx *ctx, const char *path, struct stmtfile *f);
/* Where line (of the text as read) is: the file and its line there. */
void stmts_where(const struct stmtfile *f, int line, const char **path, int *fline);
void stmts_free(struct stmtfile *f);
/* The words of a statement to kind, verb, names and wanted fields (no host access). */
int stmt_parse(struct vnet_ctx *ctx, struct stmt *s, struct obj *want);
/* Plans a parsed statement against st. */
int stmt_plan(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
	      const struct obj *want, struct plan *plan);
/* A usage error (exit 2) that carries an errno: a file that cannot be read. */
int vnet_usage_errno(struct vnet_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Takes the per-namespace lock (lib/lock.c); 0 or -errno with the error set.
 * Taken, it first settles what an interrupted transaction left (journal.h).
 */
int vnet_lock(struct vnet_ctx *ctx, int wait);
/* The same without settling: for confirm and rollback, which settle it their way. */
int vnet_lock_raw(struct vnet_ctx *ctx, int wait);
/* Releases it; at the outermost level, the transaction's journal goes with it. */
void vnet_unlock(struct vnet_ctx *ctx);
/* Lets go of the lock and the journal, which a guardian process holds from now on. */
void vnet_lock_hand_over(struct vnet_ctx *ctx);
/* The namespace's inode (/run/netns/NAME or this process's). */
int vnet_ns_inode(struct vnet_ctx *ctx, unsigned long long *ino);
/* /run/vnetctl/WHAT-INODE[SUFFIX], the folder made if need be; 0 or -errno. */
int vnet_run_path(struct vnet_ctx *ctx, const char *what, const char *suffix, char *buf,
		  size_t len);
/* Says something to the user beside the results (vnet_ctx_set_notice); nothing when unset. */
void vnet_notice(struct vnet_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* True when the effective capabilities hold CAP_NET_ADMIN (or cannot be read). */
int vnet_may_change_links(void);

struct kind {
	const char *name;	 /* statement object: "bridge", "bridge port" */
	const char *link_kind;	 /* IFLA_INFO_KIND; NULL for sub-objects */
	const struct param *params;
	const struct param *port_params; /* sent as AF_BRIDGE IFLA_PROTINFO */
	const char *args[2];	 /* positional names in usage ("BRIDGE", "PORT") */
	enum argtype argtype[2];
	const char *count_args[2]; /* for the count verb ("PF", "N") */
	unsigned int verbs;	 /* V_* */
	/* A kernel without its driver: what it lacks and how to get it ("no bonding driver: ..."). */
	const char *missing;
	const char *module; /* the driver's module ("bonding") */
	const char *summary[NVERBS]; /* per verb: add, set, del, show, count */
	/*
	 * A file's order between statements that do not depend on each other,
	 * lower first (deletions come before all): what others may take or
	 * stack on goes first. count_rank: the count verb's (a VF count before
	 * everything, as its VFs may be ports). 0: after all others.
	 */
	int rank, count_rank;
	/* Fills a link's kobj/pobj from IFLA_INFO_DATA / IFLA_INFO_SLAVE_DATA. */
	void (*decode)(struct link *l, const struct nlattr *data, int slave);
	/* Parses the keywords itself (repeated groups); NULL: param_parse on params. */
	int (*parse)(struct vnet_ctx *ctx, const struct stmt *s, struct obj *want);
	/* Checks across keywords, before the host is read (exit 2). */
	int (*check)(struct vnet_ctx *ctx, const struct stmt *s, const struct obj *want);
	unsigned int (*needs)(const struct stmt *s, const struct obj *want); /* ST_* */
	int (*plan)(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		    const struct obj *want, struct plan *plan);
	/*
	 * Its plan puts its steps into st as it makes them (a SEA plans each
	 * step against the state the ones before leave). Other kinds' plans
	 * leave st as it was.
	 */
	int plan_simulates;
	int (*show)(struct vnet_ctx *ctx, const struct stmt *s, const char *name, int config);
	/*
	 * show --config of one object: the statements that make the link l as
	 * st has it (nothing when l is another kind's). For apply's diff, on
	 * the host read before and after, or on a simulated state. NULL: the
	 * kind has no link of its own to describe (a VF).
	 */
	void (*conf)(struct vnet_ctx *ctx, struct state *st, const struct link *l);
	/*
	 * For files: the names a statement creates or owns beyond its NAME,
	 * refers to, and takes as ports, when its keywords are its own (a SEA's
	 * bond and veths). Adds to the lists; NULL: the generic reading.
	 */
	void (*refs)(const struct stmt *s, const struct obj *want, struct namelist *decl,
		     struct namelist *uses, struct namelist *takes);
	/*
	 * What an OP_KIND step, or a create beyond its one link, does to a
	 * simulated state (a file's later statements see it).
	 */
	void (*simulate)(struct state *st, const struct op *op);
	/* Adds its own attributes inside IFLA_INFO_DATA of a create (a veth's peer); how many. */
	int (*put_data)(struct vnet_ctx *ctx, struct nlmsghdr *nlh, const struct op *op);
	/* Builds an OP_KIND request. */
	struct nlmsghdr *(*build)(struct vnet_ctx *ctx, const struct op *op, char *buf);
	/*
	 * Rollback: what the kernel keeps for the link named that no link
	 * dump holds (a PF's VF table), read before a change (0 or -errno
	 * with the error set); the steps from the host now back to it; and
	 * its release.
	 */
	int (*rec_take)(struct vnet_ctx *ctx, const char *name, void **rec);
	void (*rec_plan)(struct vnet_ctx *ctx, struct plan *plan, const char *name, const void *rec);
	void (*rec_free)(void *rec);
	/*
	 * rec_plan's steps from the link's message of a link dump (nlh, with
	 * RTEXT_FILTER_VF) instead of a reading of its own: the way back
	 * planned from a recorded reading (the unit tests).
	 */
	void (*rec_plan_msg)(struct vnet_ctx *ctx, struct plan *plan, const char *name, const void *rec,
			     const struct nlmsghdr *nlh);
	/*
	 * The same record as rec_take's, from l as the host was (a link of a
	 * journal's reading) and its dumped message nlh: the record of a
	 * transaction whose process died, taken before any change.
	 */
	int (*rec_load)(struct vnet_ctx *ctx, const struct link *l, const struct nlmsghdr *nlh,
			void **rec);
	/*
	 * Whether the link l, of another kind, is part of an object of this
	 * kind (a SEA's bridge, bond or veths): then 1, with o's name and why
	 * filled (o is left alone otherwise). Such a link is this kind's to change: the other kinds leave
	 * it out of show --config and --prune.
	 */
	int (*owns)(const struct link *l, struct link_owner *o);
	/*
	 * The text view's line of a link's addresses and gateways starts with
	 * this after the link's own lines (show_links); NULL: the kind's text
	 * prints them itself.
	 */
	const char *addr_indent;
	/* vnetctl diagnose: the checks of a link of this kind, said with diag_say (diagnose.h). */
	void (*diagnose)(struct diag *d, struct state *st, const struct link *l);
	/*
	 * The hooks through which the core (state.c, record.c) reaches what
	 * only a kind knows, instead of calling the kind's functions; NULL:
	 * the kind has nothing of the sort.
	 *
	 * own_vlans: whether the link l of this kind holds VLAN entries of its
	 * own (a bridge that filters VLANs).
	 */
	int (*own_vlans)(const struct link *l);
	/*
	 * port_own_mac: the MAC the port l of a master of this kind had before
	 * it joined, which the master gives back when it lets it go (a bond
	 * slave's; the bond lends it the bond's meanwhile); NULL when the
	 * kernel did not say.
	 */
	const uint8_t *(*port_own_mac)(const struct link *l);
	/*
	 * put_peer: inside IFLA_INFO_DATA of a create, the other end of the
	 * pair (a veth's VETH_INFO_PEER): its name and, when not 0 or NULL,
	 * its index, MTU, address and group (a rollback makes a pair again).
	 */
	void (*put_peer)(struct nlmsghdr *nlh, const char *name, int ifindex, uint32_t mtu,
			 const uint8_t *mac, uint32_t group);
};

extern const struct kind kind_bridge, kind_bridge_port;
extern const struct kind kind_bond, kind_bond_slave, kind_bond_active, kind_vlan, kind_vf;
extern const struct kind kind_sea, kind_veth, kind_link;

/* ---- the kind registry (lib/kinds/registry.c) ---- */

/* Every statement object, sub-objects after their parent; NULL ends it. */
extern const struct kind *const kind_table[];
/* The kind whose links carry IFLA_INFO_KIND k, or NULL. */
const struct kind *kind_by_link_kind(const char *k);
/* The kind whose object the link l is part of (filling o, which may be NULL), or NULL. */
const struct kind *kind_owner(const struct link *l, struct link_owner *o);

#endif
