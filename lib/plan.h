/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Plans: the kernel operations a statement needs, printed or run. */
#ifndef VNET_PLAN_H
#define VNET_PLAN_H

#include "state.h"

enum optype {
	OP_CREATE,	/* RTM_NEWLINK create: kind, fields of obj */
	OP_DELETE,	/* RTM_DELLINK */
	OP_SET,		/* RTM_NEWLINK change: fields of obj (info, link, flags) */
	OP_MASTER,	/* set (or clear) the master */
	OP_PORT,	/* AF_BRIDGE RTM_SETLINK: port fields of obj */
	OP_VLAN_ADD,	/* AF_BRIDGE RTM_SETLINK: VLAN entries */
	OP_VLAN_DEL,	/* AF_BRIDGE RTM_DELLINK: VLAN entries */
	OP_KIND,	/* built by the kind's own build hook */
	OP_SYSFS,	/* write a value to a sysfs attribute (no netlink) */
	OP_LINK,	/* RTM_NEWLINK from op->spec: a rollback's create or change */
	OP_ADDR_ADD,	/* RTM_NEWADDR from op->spec */
	OP_ADDR_DEL,	/* RTM_DELADDR from op->spec */
	OP_ROUTE_ADD,	/* RTM_NEWROUTE from op->spec */
	OP_ROUTE_DEL,	/* RTM_DELROUTE from op->spec */
};

struct linkspec; /* lib/record.h */
struct record;	 /* lib/record.h */

struct vlan_entry {
	uint16_t vid, vid_end; /* a range when vid_end > vid */
	uint16_t flags;	       /* BRIDGE_VLAN_INFO_PVID / _UNTAGGED */
};

struct kind;

/* A link that is part of another kind's object (a SEA's bridge, bond or veth): whose. */
struct link_owner {
	const struct kind *kind; /* the kind of the object (kind_sea) */
	char name[VNET_NAMSIZ];	 /* the object's NAME; "" when its mark names none that is valid */
	char why[320];		 /* what a statement of the link's own kind is told */
};

struct op {
	enum optype type;
	const struct kind *kind;
	char name[VNET_NAMSIZ];
	char master[VNET_NAMSIZ]; /* OP_MASTER: "" releases */
	struct obj *obj;	  /* the values to send: NULL for none (op_obj, op_obj_w) */
	uint32_t fields;	  /* which fields of obj */
	struct vlan_entry *vlans;
	int nvlans;
	char *text;		  /* the plan line */
	int index;		  /* OP_KIND: the kind's own (a VF number); a veth's create: the peer's index */
	char *path;		  /* OP_SYSFS: relative to the sysfs root (op_set_path) */
	uint64_t sysval;	  /* OP_SYSFS: the value to write */
	int wait_vfs;		  /* OP_SYSFS: wait until the PF (name) has sysval VFs */
	uint32_t group;		  /* OP_CREATE: IFLA_GROUP to set, 0 none */
	uint32_t peer_group;	  /* OP_CREATE of a veth: the peer's IFLA_GROUP, 0 none */
	int from;		  /* which statement of a file planned it */
	struct linkspec *spec;	  /* OP_LINK, OP_ADDR_*: what to send (owned) */
	int done;
	int simulated;		  /* in the planning state already (a SEA plans against its own steps) */
	int guest;		  /* for a guest port (a pattern took it): one may come or go meanwhile */
	int self;		  /* OP_VLAN_*: the bridge's own VLANs (BRIDGE_FLAGS_SELF), not a port's */
};

struct plan {
	struct op *ops;
	int n, cap;
	char *note; /* informational, e.g. a field that cannot be compared now */
	int failed; /* after plan_exec fails: the step that failed */
	struct record *rec; /* the host before the first step (lib/record.c), once it ran */
};

/* A change kept open for a confirmation: its plan (with the record), the lock, the journal. */
struct vnet_txn {
	struct plan plan;
	char what[128]; /* "bridge br0", a file's path: for messages */
};

/*
 * A step's values live apart and only when it has some (a plan of 16,000
 * creates is not 16,000 whole objects): op_obj reads a step without them as
 * empty, op_obj_w makes them to write.
 */
static inline const struct obj *op_obj(const struct op *op)
{
	return op->obj ? op->obj : &obj_empty;
}
struct obj *op_obj_w(struct op *op);
/* Sets an OP_SYSFS step's path (copied). */
void op_set_path(struct op *op, const char *rel);
struct op *plan_add(struct plan *p, enum optype type, const struct kind *k, const char *name);
/* Adds an inverse step to op (copied). */
void op_textf(struct op *op, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A create step for the fields m of want ("bridge br0: create (stp on)"). */
struct op *plan_create(struct plan *p, const struct kind *k, const char *what, const char *name,
		       const struct obj *want, uint32_t m);
/* A change step for the fields m ("bridge br0: set stp off -> on"). */
struct op *plan_set(struct plan *p, const struct kind *k, const char *what, const char *name,
		    const struct obj *want, const struct obj *cur, uint32_t m);
/*
 * An OP_KIND step that sets the alias of the link name (a mark that the
 * kernel keeps for vnetctl: a SEA's, a bridge's guest-port patterns); the
 * kind k's build and simulate hooks are op_alias_build and op_alias_simulate.
 */
struct op *plan_alias(struct plan *p, const struct kind *k, const char *name, const char *alias);
struct nlmsghdr *op_alias_build(struct vnet_ctx *ctx, const struct op *op, char *buf);
void op_alias_simulate(struct state *st, const struct op *op);
void plan_free(struct plan *p);
/* Builds op's request into buf (NLM_REQ_SIZE). Names resolve through the kernel. */
struct nlmsghdr *op_build(struct vnet_ctx *ctx, const struct op *op, char *buf);
/*
 * Runs the plan. Before the first step it records the host (lib/record.c);
 * on failure it brings the host back to that record.
 */
int plan_exec(struct vnet_ctx *ctx, struct plan *p);
/*
 * Whether the kernel's acknowledgements of p's steps say all they did (no
 * value a kernel could accept and ignore): then nothing needs reading back.
 */
int plan_acked(const struct plan *p);
/* Brings the host back to what it was before p ran (after it succeeded: a rollback). */
void plan_undo(struct vnet_ctx *ctx, struct plan *p);
/* Sends one step and waits for its answer: 0 or -errno (ctx->err has the kernel's words). */
int plan_run_op(struct vnet_ctx *ctx, const struct op *op);
/*
 * The plan as JSON: {"changed", "dry_run", "operations", "requests"[, "note"]};
 * for check, {"in_sync", "operations"[, "note"]}.
 */
struct json_object *plan_json(struct vnet_ctx *ctx, const struct plan *p, int check);
/*
 * A run of deletions from ops[i] (eight or more), deleted at once as
 * plan_exec deletes them: the number of ops from i that are done (0: none,
 * go one by one).
 */
int plan_delete_together(struct vnet_ctx *ctx, struct plan *p, int i);
/* Prints the plan lines (or "no change"), honouring -q and -j. */
void plan_print(struct vnet_ctx *ctx, const struct plan *p, const char *what);

/* Appends the VLAN entries that turn the set s with flags into ranges. */
void vlan_entries_add(struct vlan_entry **e, int *n, const struct vlanset *s, uint16_t flags);

/*
 * The VLAN steps that turn port's entries cur into want ("what: add vlans
 * ..."); self: port is a bridge and the entries are its own.
 */
void plan_port_vlans(struct plan *plan, const char *what, const char *port,
		     const struct portvlan *cur, const struct portvlan *want, int self);

#endif
