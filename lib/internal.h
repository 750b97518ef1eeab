/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Library-internal types: context, values, parameter tables, state, plan. */
#ifndef VNET_INTERNAL_H
#define VNET_INTERNAL_H

#include <net/if.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vnet.h"

struct mnl_socket;
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
	struct vnet_error err;
	char sysfs_root[128]; /* "/sys"; a unit test points it at a fixture tree */
	int lock_fd;	      /* the namespace's lock while held, else -1 */
	struct state *shared; /* one reading lent to every kind (vnetctl show) */
	struct {
		char name[VNET_NAMSIZ];
		int ifindex;
	} idx[16];	      /* names resolved while a plan runs (masters, mostly) */
	int nidx;
	int lock_depth;
	struct nl_tap *tap; /* while the record is taken: the dumps' messages, raw (lib/journal.c) */
	/* Told of each step a rollback ran (record_restore), NULL: nobody asks. */
	void (*on_undo)(struct vnet_ctx *ctx, const char *text);
	void *undo_arg;
	int journal_owned;    /* this process wrote the namespace's journal: removed with the lock */
	const char *txn_what; /* what the transaction changes ("bridge br0", a file), for the journal */
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
 * Error helpers. Each returns -err so a caller can write
 * "return vnet_fail(ctx, ...)". A word index of -1 means none.
 */
int vnet_usage(struct vnet_ctx *ctx, int word, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vnet_fail(struct vnet_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vnet_clear_error(struct vnet_ctx *ctx);

/* ---- values ---- */

/* A set of VLAN ids 0..4095 (only 1..4094 are valid VLANs). */
struct vlanset {
	uint64_t bits[VLAN_N / 64];
};

static inline void vlanset_add(struct vlanset *s, unsigned int v)
{
	s->bits[v / 64] |= 1ULL << (v % 64);
}
static inline void vlanset_del(struct vlanset *s, unsigned int v)
{
	s->bits[v / 64] &= ~(1ULL << (v % 64));
}
static inline int vlanset_has(const struct vlanset *s, unsigned int v)
{
	return !!(s->bits[v / 64] & (1ULL << (v % 64)));
}
int vlanset_empty(const struct vlanset *s);
int vlanset_equal(const struct vlanset *a, const struct vlanset *b);
/* "3,10-20" or "none"; returns the length written (snprintf-like). */
int vlanset_format(const struct vlanset *s, char *buf, size_t len);

/* A list of interface names ("eth0,eth1"). */
struct namelist {
	int n;
	char (*names)[VNET_NAMSIZ];
};
void namelist_free(struct namelist *l);
int namelist_has(const struct namelist *l, const char *name);
/* Adds name unless it is there already (or empty). */
void namelist_add(struct namelist *l, const char *name);
/* Adds name (unless empty) without looking for it: for long lists known to be unique. */
void namelist_append(struct namelist *l, const char *name);

/* Value parsers: 0 on success, else -EINVAL and a reason in *why. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char **why);
int parse_bool(const char *s, uint64_t *out, const char **why);
int parse_centisecs(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		    const char **why);
int parse_mac(const char *s, uint8_t mac[6], const char **why);
int parse_vlanlist(const char *s, struct vlanset *out, const char **why);
int parse_ifname(const char *s, const char **why);
int parse_namelist(const char *s, struct namelist *out, const char **why);
int format_centisecs(uint64_t cs, char *buf, size_t len);
int format_mac(const uint8_t mac[6], char *buf, size_t len);
/* n bytes as lower-case hex, sep between them unless 0; out holds 3n; returns the NUL's place. */
char *format_hex(const uint8_t *b, int n, char sep, char *out);

/* ---- parameter tables ---- */

enum ptype {
	PT_BOOL,   /* on|off */
	PT_UINT,   /* decimal in [min, max] */
	PT_CSEC,   /* seconds with up to two decimals, stored in centiseconds */
	PT_ENUM,   /* one of names[], stored as its index or values[] */
	PT_PVID,   /* N|none, none stored as 0 */
	PT_VLANS,  /* VLAN list or none */
	PT_MAC,    /* unicast, non-zero MAC address */
	PT_NAMES,  /* IF[,IF...] */
	PT_FLAG,   /* bare keyword; stores .min as the value (up/down) */
	PT_IFREF,  /* IF|none: another link, sent as its ifindex */
	PT_IPS,    /* IPv4 addresses, comma-separated, at most .max of them */
	PT_QOSMAP, /* FROM:TO[,...]; .min/.max bound FROM, the value bounds TO */
};

/* Where a field travels in a request. */
enum pnest {
	PN_NONE,     /* handled by the kind's own code */
	PN_LINK,     /* a top-level IFLA_ attribute (mtu, address) */
	PN_INFO,     /* IFLA_LINKINFO / IFLA_INFO_DATA */
	PN_PORT,     /* IFLA_PROTINFO (AF_BRIDGE) port attribute */
	PN_FLAGS,    /* ifi_flags IFF_UP */
	PN_VLANFLAG, /* a bit (attr) of IFLA_VLAN_FLAGS in IFLA_INFO_DATA */
};

/* Rules of the kernel that the plan must respect. */
enum {
	PF_IMMUTABLE = 1 << 0, /* cannot change in place (a VLAN's id, link, protocol) */
	PF_IFDOWN = 1 << 1,    /* the kernel changes it only while the link is down */
	PF_NOSLAVES = 1 << 2,  /* ... only while the bond has no slaves */
	PF_DECLARES = 1 << 3,  /* names a link the statement makes too (a veth's peer) */
	PF_ALONE = 1 << 4,     /* a rollback sends it in a step of its own, first (the kernel
				  checks the other fields against it: STP and forward-delay) */
};

struct param {
	const char *word;
	int field;		/* index into struct obj.v */
	enum ptype type;
	uint64_t min, max;	/* PT_UINT/PT_CSEC bounds; PT_FLAG value */
	const char *const *names; /* PT_ENUM names, NULL-terminated */
	const uint64_t *values;	/* PT_ENUM values (NULL: the index) */
	enum pnest nest;
	uint16_t attr;		/* netlink attribute type */
	uint8_t width;		/* 1, 2 or 4 bytes; 0x82 = be16 */
	const char *value;	/* usage: "on|off", "SECONDS" */
	const char *help;
	unsigned int flags;	/* PF_* */
};

#define W_BE16 0x82

#define MAX_FIELDS 32

struct qosmap {
	int n;
	uint32_t (*e)[2]; /* from, to */
};

struct val {
	uint64_t u;
	uint8_t mac[6];
	struct vlanset *vlans;
	struct namelist names; /* PT_NAMES, PT_IPS, PT_IFREF (0 or 1 name) */
	struct qosmap *qos;
};

/*
 * A desired or dumped object: which fields are known, and their values.
 * A dumped link's objects are short (obj_new): v[] holds only the fields
 * below nv, the first nv of MAX_FIELDS, which its kind's table numbers.
 * v stays last so that a short object is a prefix of a whole one.
 */
struct obj {
	uint32_t mask; /* bit i: v[i] known */
	uint8_t nv;    /* v[0..nv-1] exist */
	int16_t word[MAX_FIELDS]; /* statement word that set the field, -1 */
	void *ext;	      /* a kind's own parsed data (a SEA's adapters) */
	void (*ext_free)(void *ext);
	struct val v[MAX_FIELDS];
};

static inline int obj_has(const struct obj *o, int f)
{
	return !!(o->mask & (1U << f));
}
void obj_init(struct obj *o);
void obj_free(struct obj *o);
/* A short object on the heap, with fields 0..nv-1 (free with obj_delete). */
struct obj *obj_new(int nv);
void obj_delete(struct obj *o);
/* 1 + the highest field a table names: the nv of objects it fills. */
int param_fields(const struct param *tab);
/* An object with no field, for a link that has none of that sort. */
extern const struct obj obj_empty;
void obj_set_u(struct obj *o, int field, uint64_t u);
int val_equal(const struct param *p, const struct val *a, const struct val *b);
/* An enum field's word for value u, NULL when the table has none. */
const char *enum_word(const struct param *p, uint64_t u);
/* Formats a field the way the command line writes it. */
int val_format(const struct param *p, const struct val *v, char *buf, size_t len);
const struct param *param_by_field(const struct param *tab, int field);
/* Fields of want (travelling in nest) that cur lacks or holds otherwise. */
uint32_t obj_diff(const struct param *tab, const struct obj *want, const struct obj *cur,
		  enum pnest nest);
/* "stp on priority 4096 up": the fields in mask, as a statement writes them. */
int obj_format(const struct param *tab, const struct obj *o, uint32_t mask, char *buf,
	       size_t len);
/* "stp off -> on, priority 32768 -> 4096" */
int obj_format_changes(const struct param *tab, const struct obj *want,
		       const struct obj *cur, uint32_t mask, char *buf, size_t len);
void obj_copy_field(struct obj *dst, const struct obj *src, int f);
/* Reads the attributes of nest in data into o, by the table. */
void obj_decode(const struct param *tab, enum pnest nest, const struct nlattr *data,
		struct obj *o);
/* Puts the fields in mask that travel in nest into a request. Returns how many. */
struct state;
int obj_put(struct vnet_ctx *ctx, struct nlmsghdr *nlh, const struct param *tab,
	    const struct obj *o, uint32_t mask, enum pnest nest);
int qosmap_add(struct qosmap *m, uint32_t from, uint32_t to);
/*
 * What to send for a map to become exactly want (the kernel merges what it
 * is sent): want, and each mapping of cur that want leaves out, to 0.
 */
void qosmap_exact(const struct qosmap *want, const struct qosmap *cur, struct qosmap *out);
void obj_copy_fields(struct obj *dst, const struct obj *src, uint32_t mask);

/*
 * Parses "keyword value ..." words from argv[i..argc) into o using tab.
 * Unknown, duplicate and value-less keywords fail with one message format.
 * what names the object for messages ("bridge br0").
 */
int param_parse(struct vnet_ctx *ctx, const struct param *tab, const char *what,
		int argc, char *const *argv, int i, struct obj *o);

/* ---- netlink ---- */

int nlm_open(struct vnet_ctx *ctx);
void nlm_close(struct vnet_ctx *ctx);
/*
 * A request buffer big enough for any single change request. The largest is
 * a port's VLAN list: at most 4094 entries of 8 bytes (every VLAN a range of
 * its own, as alternating untagged VLANs make them), 32,752 bytes, and the
 * headers.
 */
#define NLM_REQ_SIZE 36864
struct nlmsghdr *nlm_msg_start(char *buf, uint16_t type, uint16_t flags);
/*
 * Sends n requests in one datagram and reads their acks: err[i] is 0 or a
 * negative errno for each (the first failure's extack goes to ctx->err).
 * Returns 0, or a negative errno when the batch itself failed.
 */
int nlm_batch(struct vnet_ctx *ctx, struct nlmsghdr **msgs, int n, int *err);
/* Sends one request and waits for its ack; fills ctx->err on failure. */
int nlm_request(struct vnet_ctx *ctx, struct nlmsghdr *nlh);
/* The index of a link by name, asked of the kernel; -ENODEV if absent. */
int nlm_ifindex(struct vnet_ctx *ctx, const char *name);
/* The same, 0 when absent or in a dry run (which builds without asking). */
int nlm_index_or_zero(struct vnet_ctx *ctx, const char *name);
/* Forgets what nlm_index_or_zero learnt of name (it was deleted or made); NULL: all. */
void nlm_forget(struct vnet_ctx *ctx, const char *name);
/* Dump; cb returns MNL_CB_OK to go on. Retries an interrupted dump. */
typedef int (*nlm_dump_cb)(const struct nlmsghdr *nlh, void *data);
int nlm_dump(struct vnet_ctx *ctx, uint8_t family, uint32_t ext_mask, nlm_dump_cb cb,
	    nlm_dump_cb reset, void *data);
/* The same for another dump: RTM_GETLINK, RTM_GETADDR or RTM_GETROUTE (cb sees RTM_NEWADDR, RTM_NEWROUTE). */
int nlm_dump_of(struct vnet_ctx *ctx, uint16_t type, uint8_t family, uint32_t ext_mask,
		nlm_dump_cb cb, nlm_dump_cb reset, void *data);
/* The namespace's cookie (SO_NETNS_COOKIE: never reused, unlike its inode); 0 unknown. */
uint64_t nlm_netns_cookie(struct vnet_ctx *ctx);
/* GETs one link (with VF info); cb sees the RTM_NEWLINK reply. */
int nlm_getlink(struct vnet_ctx *ctx, const char *name, nlm_dump_cb cb, void *data);

/*
 * How replies are read, apart from the socket (the unit tests feed them
 * made-up buffers). Only messages of our sequence number and port id count,
 * and callbacks see only RTM_NEWLINK messages with a whole ifinfomsg.
 */
/* An NLMSG_ERROR's code: 0 (an ack), a negative errno, or -EBADMSG if malformed. */
int nlm_reply_error(const struct nlmsghdr *h);
/*
 * One read of a request's replies: 1 once its ack is in, else 0. *err starts
 * at 1; it ends as the ack's code, or -EINVAL if a callback failed.
 */
int nlm_talk_part(struct vnet_ctx *ctx, const char *buf, int len, unsigned int seq,
		  nlm_dump_cb cb, void *data, int *err);
/* One read of a batch's acks: err[seq - first] set for each (see nlm_batch). */
void nlm_batch_part(struct vnet_ctx *ctx, const char *buf, int len, unsigned int first, int n,
		    int *err, int *failed);
struct dump_run {
	nlm_dump_cb cb;
	void *data;
	int intr; /* a message came flagged NLM_F_DUMP_INTR: cb sees no more */
	uint16_t type;	 /* the messages cb sees; 0: RTM_NEWLINK with a whole ifinfomsg */
	size_t hdrlen;	 /* and their family header's size */
	struct nl_tap *tap; /* NULL, or where each message cb sees is copied too */
};

/*
 * A copy of the messages of the first link, bridge VLAN, address and route
 * dumps read while it is set on the context (ctx->tap): the record as
 * read, for the journal. A dump read again (interrupted) replaces its part.
 */
struct nl_tap {
	char *buf; /* the messages back to back, each at an aligned offset */
	size_t len, cap;
	unsigned int done; /* TAP_* dumps already taken */
	int err;	   /* out of memory: the copy is incomplete */
};
enum { TAP_LINK = 1, TAP_BRIDGE = 2, TAP_ADDR = 4, TAP_ROUTE = 8 };

/* One read of a dump: 1 to go on, 0 at its end, or a negative errno. */
int nlm_dump_part(const char *buf, int len, unsigned int seq, unsigned int portid,
		  struct dump_run *d);

/* ---- state: what the kernel has ---- */

struct portvlan {
	int have; /* the dump reported VLAN entries for the port */
	struct vlanset member;
	struct vlanset untagged;
	unsigned int pvid; /* 0: none */
};

struct link {
	int ifindex;
	char name[VNET_NAMSIZ];
	char kind[16];	     /* IFLA_INFO_KIND, "" for none */
	char slave_kind[16]; /* IFLA_INFO_SLAVE_KIND */
	int master;	     /* ifindex, 0 none */
	unsigned int flags;  /* ifi_flags */
	unsigned int mtu;
	uint8_t addr[6];
	int addrlen;
	int parent_dev;	     /* has a device (IFLA_PARENT_DEV_NAME) */
	char parent_bus[32]; /* IFLA_PARENT_DEV_BUS_NAME: "pci", "netdevsim" */
	char parent_name[64]; /* IFLA_PARENT_DEV_NAME: "0000:03:00.0" */
	int num_vf;	     /* IFLA_NUM_VF */
	uint32_t group;	     /* IFLA_GROUP */
	int deleted;	     /* simulated: an earlier statement of the file deletes it */
	int sim_vfs;	     /* simulated: an earlier statement sets the VF count */
	int topology_change; /* a bridge in an STP topology change */
	int link;	     /* IFLA_LINK: the lower device (a VLAN's), a veth's peer */
	int link_netns;	     /* IFLA_LINK_NETNSID came too: link is another namespace's index */
	char *alias;	     /* IFLA_IFALIAS, never NULL: "" for none (a SEA's mark) */
	/*
	 * IFLA_INFO_DATA as dumped, for a kind vnetctl has no table for (a
	 * macvlan): what a rollback sends to make the link again. NULL: none.
	 */
	void *info_raw;
	uint16_t info_raw_len;
	struct {
		int have;
		uint16_t aggregator, ports, actor_key, partner_key;
		uint8_t partner_mac[6];
	} ad;		     /* a bond's active 802.3ad aggregator */
	/*
	 * Kept apart and only when there is something, so that a link is small
	 * (a show over 10,000 links): NULL for none. link_kobj(), link_pobj()
	 * and link_vl() read them as empty; the _w forms make them to write.
	 */
	struct obj *kobj;    /* kind-specific fields (bridge options) */
	struct obj *pobj;    /* port fields (bridge port options) */
	struct portvlan *vl; /* a port's VLAN entries */
};

static inline const struct obj *link_kobj(const struct link *l)
{
	return l->kobj ? l->kobj : &obj_empty;
}
static inline const struct obj *link_pobj(const struct link *l)
{
	return l->pobj ? l->pobj : &obj_empty;
}
extern const struct portvlan portvlan_empty;
static inline const struct portvlan *link_vl(const struct link *l)
{
	return l->vl ? l->vl : &portvlan_empty;
}
struct obj *link_kobj_w(struct link *l);
struct obj *link_pobj_w(struct link *l);
struct portvlan *link_vl_w(struct link *l);
void link_pobj_clear(struct link *l);
void link_set_alias(struct link *l, const char *alias);

struct state {
	struct nl_cache *cache; /* libnl link cache: the generic fields */
	struct link *links;
	int n, cap;
	int have_vlans;
	int next_fake;		/* simulated links get indexes above any real one */
	int *first_port, *next_port; /* by position: ports of each master, built on demand */
	int dirty;		/* simulated changes: the port lists no longer hold */
	struct name_slot {
		int pos;	   /* 0 empty, else position + 1 */
		unsigned int hash; /* the name's: most probes need no strcmp */
	} *by_name;		   /* hash of positions by name */
	int by_name_size, by_name_n; /* its slots; the links it covers: 0..by_name_n-1 */
	int borrowed;		/* a copy of ctx->shared: state_free leaves it alone */
	unsigned int what;	/* ST_* read */
};

/*
 * The ports (or slaves) of master, in index order: prev NULL for the first.
 * A show over many links must not scan them all for each master.
 */
struct link *state_port(struct state *st, const struct link *master, const struct link *prev);

/*
 * Applies a planned step to the state as the kernel would, so that the
 * next statement of a file is planned against the host as it will be.
 */
void state_simulate(struct state *st, const struct op *op);
/* A new simulated link named name of kind (for simulate hooks). */
struct link *state_sim_link(struct state *st, const char *name, const char *kind);
/* The group vnetctl puts the links it creates in (its mark for --prune). */
#define VNET_GROUP 30318

enum { ST_LINKS = 1, ST_BRVLANS = 2 };
int state_load(struct vnet_ctx *ctx, struct state *st, unsigned int what);
void state_free(struct state *st);
/* An empty state, and one dumped message decoded into it (for tests and fuzzing). */
int state_init(struct state *st);
int state_decode_msg(struct state *st, const struct nlmsghdr *nlh, int family);
/* After the links are decoded: the links a kind's field names by index get their names. */
int state_name_refs(struct state *st);
struct link *state_by_name(struct state *st, const char *name);
struct link *state_by_index(struct state *st, int ifindex);
const char *state_name(struct state *st, int ifindex);
/* The other end of the veth l, when it is in this namespace and paired with l; else NULL. */
struct link *state_veth_peer(struct state *st, const struct link *l);

/* ---- plan ---- */

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
	int ifindex;		  /* OP_CREATE: the index to ask for (an undone delete), 0 any */
	int from;		  /* which statement of a file planned it */
	struct linkspec *spec;	  /* OP_LINK, OP_ADDR_*: what to send (owned) */
	struct op *undo;	  /* inverse steps, run in order on rollback */
	int nundo;
	int done;
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
struct op *op_add_undo(struct op *op, enum optype type, const struct kind *k, const char *name);
void op_textf(struct op *op, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A create step for the fields m of want ("bridge br0: create (stp on)"), undone by delete. */
struct op *plan_create(struct plan *p, const struct kind *k, const char *what, const char *name,
		       const struct obj *want, uint32_t m);
/* A change step for the fields m ("bridge br0: set stp off -> on"), undone by the old values. */
struct op *plan_set(struct plan *p, const struct kind *k, const char *what, const char *name,
		    const struct obj *want, const struct obj *cur, uint32_t m);
void plan_free(struct plan *p);
/* Builds op's request into buf (NLM_REQ_SIZE). Names resolve through the kernel. */
struct nlmsghdr *op_build(struct vnet_ctx *ctx, const struct op *op, char *buf);
/*
 * Runs the plan. Before the first step it records the host (lib/record.c);
 * on failure it brings the host back to that record.
 */
int plan_exec(struct vnet_ctx *ctx, struct plan *p);
/* Brings the host back to what it was before p ran (after it succeeded: a rollback). */
void plan_undo(struct vnet_ctx *ctx, struct plan *p);
/* Sends one step and waits for its answer: 0 or -errno (ctx->err has the kernel's words). */
int plan_run_op(struct vnet_ctx *ctx, const struct op *op);
/* Prints the plan lines (or "no change"), honouring -q and -j. */
void plan_print(struct vnet_ctx *ctx, const struct plan *p, const char *what);

/* Appends the VLAN entries that turn the set s with flags into ranges. */
void vlan_entries_add(struct vlan_entry **e, int *n, const struct vlanset *s, uint16_t flags);

/* Bridge helpers shared with the sea kind (lib/kinds/bridge.c). */
/* The VLAN steps that turn port's entries cur into want ("what: add vlans ..."). */
void plan_port_vlans(struct plan *plan, const char *what, const char *port,
		     const struct portvlan *cur, const struct portvlan *want);
/* Inverse steps of releasing port from bridge: master, port options, VLANs. */
void undo_release(struct op *op, const char *bridge, const struct link *port);

/* ---- kinds ---- */

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
};

int stmts_read(struct vnet_ctx *ctx, const char *path, struct stmtfile *f);
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
	const char *summary[NVERBS]; /* per verb: add, set, del, show, count */
	/* Fills a link's kobj/pobj from IFLA_INFO_DATA / IFLA_INFO_SLAVE_DATA. */
	void (*decode)(struct link *l, const struct nlattr *data, int slave);
	/* Parses the keywords itself (repeated groups); NULL: param_parse on params. */
	int (*parse)(struct vnet_ctx *ctx, const struct stmt *s, struct obj *want);
	/* Checks across keywords, before the host is read (exit 2). */
	int (*check)(struct vnet_ctx *ctx, const struct stmt *s, const struct obj *want);
	unsigned int (*needs)(const struct stmt *s, const struct obj *want); /* ST_* */
	int (*plan)(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		    const struct obj *want, struct plan *plan);
	int (*show)(struct vnet_ctx *ctx, const struct stmt *s, const char *name, int config);
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
};

extern const struct kind kind_bridge, kind_bridge_port;
extern const struct kind kind_bond, kind_bond_slave, kind_bond_active, kind_vlan, kind_vf;
extern const struct kind kind_sea, kind_veth;
/* The link carries a SEA's mark (its bridge, bond or a veth it made): sea describes it. */
int sea_marked(const struct link *l);
/* " (and with it the VLANs v1,v2)" for a device whose VLANs the kernel deletes with it. */
const char *vlan_uppers_text(struct state *st, const struct link *lower);
/* Adds to op's undo the VLANs on lower, made again as they are now. */
void vlan_undo_uppers(struct op *op, struct state *st, const struct link *lower);
/*
 * A veth create's VETH_INFO_PEER: the peer's name and, when not 0 or NULL,
 * its index, MTU, address and group (lib/kinds/veth.c; the SEA's too).
 */
void veth_put_peer(struct nlmsghdr *nlh, const char *name, int ifindex, uint32_t mtu,
		   const uint8_t *mac, uint32_t group);
/* The kind whose links carry IFLA_INFO_KIND k, or NULL. */
const struct kind *kind_by_link_kind(const char *k);

/* ---- sysfs: every /sys path is built here, from validated names ---- */

/* A path component from the kernel (a bus or device name): no '/', not "." or "..". */
int sysfs_name_ok(const char *s);
/* Reads or writes /sys/bus/BUS/devices/DEV/ATTR as an unsigned number. */
int sysfs_dev_read(struct vnet_ctx *ctx, const char *bus, const char *dev, const char *attr,
		   uint64_t *val);
int sysfs_dev_path(struct vnet_ctx *ctx, const char *bus, const char *dev, const char *attr,
		   char *out, size_t len);
/* rel is bus/BUS/devices/DEV/ATTR with every part a name (what sysfs_write takes). */
int sysfs_rel_ok(const char *rel);
int sysfs_write(struct vnet_ctx *ctx, const char *rel, uint64_t val);

/* ---- output ---- */

void out_line(struct vnet_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void out_json(struct vnet_ctx *ctx, struct json_object *j);
/* Adds the known fields of o as JSON: keywords with '-' as '_', command-line units. */
void json_add_fields(struct json_object *j, const struct param *tab, const struct obj *o);
typedef void (*show_text_fn)(struct vnet_ctx *ctx, struct state *st, const struct link *l);
typedef struct json_object *(*show_json_fn)(struct state *st, const struct link *l);
/* Shows every link of kind k (or the one named): text, JSON (-j) or statements. */
int show_links(struct vnet_ctx *ctx, const struct kind *k, unsigned int what, const char *name,
	       int config, const char *header, show_text_fn text, show_json_fn json,
	       show_text_fn conf);

#endif
