/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The object model: parameter tables, values, objects (desired or dumped), and the keyword parser that fills them. */
#ifndef VNET_OBJ_H
#define VNET_OBJ_H

#include "value.h"

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
	PT_ADDRS,  /* ADDR/PLEN[,...]|none: IPv4 and IPv6 addresses (lib/addr.c) */
	PT_GW,	   /* a router's address|none, of family .min (4 or 6) */
};

/* Where a field travels in a request. */
enum pnest {
	PN_NONE,     /* handled by the kind's own code */
	PN_LINK,     /* a top-level IFLA_ attribute (mtu, address) */
	PN_INFO,     /* IFLA_LINKINFO / IFLA_INFO_DATA */
	PN_PORT,     /* IFLA_PROTINFO (AF_BRIDGE) port attribute */
	PN_FLAGS,    /* ifi_flags IFF_UP */
	PN_VLANFLAG, /* a bit (attr) of IFLA_VLAN_FLAGS in IFLA_INFO_DATA */
	PN_ADDR,     /* addresses and gateways: their own requests (lib/addr.c) */
};

/* Rules of the kernel that the plan must respect. */
enum {
	PF_IMMUTABLE = 1 << 0, /* cannot change in place (a VLAN's id, link, protocol) */
	PF_IFDOWN = 1 << 1,    /* the kernel changes it only while the link is down */
	PF_NOSLAVES = 1 << 2,  /* ... only while the bond has no slaves */
	PF_DECLARES = 1 << 3,  /* names a link the statement makes too (a veth's peer) */
	PF_REQUIRED = 1 << 5,  /* add needs it (help's synopsis shows it; the kind's check enforces it) */
	PF_PATTERNS = 1 << 6,  /* PT_NAMES of shell patterns (guest-ports): no link is named */
	PF_ALONE = 1 << 4,     /* the kernel checks the PF_GUARDED fields against it (STP):
				  turned off, it goes first in a request of its own (lib/rules.h) */
	PF_GUARDED = 1 << 7,   /* checked against the PF_ALONE field in force (a bridge's
				  timers: 2-30 s while STP runs) */
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
	/* What a kernel that refuses or ignores it lacks, and how to get it; NULL: always there. */
	const char *missing;
	/* The IFLA_INFO_DATA attribute a bridge reports when the kernel has it (0: none to ask). */
	uint16_t feature_attr;
	/* The kernel's default as a statement writes it ("off", "32768"); show --config leaves it out. */
	const char *def;
};

#define W_BE16 0x82

#define MAX_FIELDS 32

struct qosmap {
	int n;
	uint32_t (*e)[2]; /* from, to */
};

/* An address with its prefix length (a gateway's: 0). */
struct ipaddr {
	uint8_t family, plen;
	uint8_t a[16];
};

struct addrlist {
	int n;
	struct ipaddr *e;
};

struct json_object;
/* Address lists (lib/addr.c). "none" parses to an empty list; gw: 4 or 6, a gateway's family. */
int addrlist_parse(const char *s, int gw, struct addrlist **out, const char **why);
int addrlist_format(const struct addrlist *l, char *buf, size_t len, int plen);
int addrlist_equal(const struct addrlist *a, const struct addrlist *b);
int addrlist_has(const struct addrlist *l, const struct ipaddr *a);
struct addrlist *addrlist_dup(const struct addrlist *l);
void addrlist_free(struct addrlist **l);
struct json_object *addrlist_json(const struct addrlist *l);

struct val {
	uint64_t u;
	uint8_t mac[6];
	struct vlanset *vlans;
	struct namelist names; /* PT_NAMES, PT_IPS, PT_IFREF (0 or 1 name) */
	struct qosmap *qos;
	struct addrlist *ips;  /* PT_ADDRS, PT_GW (0 or 1): none is an empty list */
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
/* Whether the kernel's value b (as dumped) is what a, wanted, comes to there. */
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
/* A short object on the heap with src's fields, deep (src has no ext). */
struct obj *obj_dup(const struct obj *src);

/*
 * Parses "keyword value ..." words from argv[i..argc) into o using tab.
 * Unknown, duplicate and value-less keywords fail with one message format.
 * what names the object for messages ("bridge br0").
 */
/* The fields of o that differ from their table's default (or have none). */
uint32_t obj_non_default(const struct param *tab, const struct obj *o);
int param_parse(struct vnet_ctx *ctx, const struct param *tab, const char *what,
		int argc, char *const *argv, int i, struct obj *o);

#endif
