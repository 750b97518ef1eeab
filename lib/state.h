/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the kernel has: links as read from dumps, and the state a plan simulates forward. */
#ifndef VNET_STATE_H
#define VNET_STATE_H

#include "obj.h"

struct addrset;
struct routeset;

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
	int sim_joined;	     /* simulated: an earlier step makes it a port (its VLANs: the kernel's on joining) */
	uint8_t mac_by;	     /* simulated: who chose the MAC of a link a step made or gave one (MAC_*) */
	int topology_change; /* a bridge in an STP topology change */
	/* Run time, for the operators' views (lib/views.c): never configuration. */
	uint8_t operstate;   /* IFLA_OPERSTATE (IF_OPER_*); carrier is IFF_LOWER_UP */
	uint8_t stp_state;   /* a bridge port's BR_STATE_* + 1; 0: not said */
	uint16_t port_no;    /* a bridge port's number (IFLA_BRPORT_NO) */
	uint16_t root_port;  /* a bridge's root port number; 0: it is the root */
	uint8_t root_id[8];  /* a bridge's designated root: priority, then MAC */
	uint32_t root_cost;  /* a bridge's path cost to the root */
	int active_slave;    /* a bond's active slave, ifindex; 0: none */
	int link;	     /* IFLA_LINK: the lower device (a VLAN's; a vxlan's IFLA_VXLAN_LINK), a veth's peer */
	int link_netns;	     /* IFLA_LINK_NETNSID came too: link is another namespace's index */
	char *alias;	     /* IFLA_IFALIAS (a SEA's mark), owned; NULL: none (link_alias) */
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
	struct portvlan *vl; /* a port's VLAN entries, or a bridge's own ("self") */
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
static inline const char *link_alias(const struct link *l)
{
	return l->alias ? l->alias : "";
}

/* link.mac_by: MAC_READ, not known (/sys says: addr_assign_type) */
enum { MAC_READ, MAC_KERNEL, MAC_USER };

struct state {
	struct nl_cache *cache; /* libnl link cache: the generic fields */
	struct link *links;
	int n, cap;
	int have_vlans;
	int vlans_dumped;	/* the AF_BRIDGE dump ran: a bridge without entries has none (else: not read) */
	int next_fake;		/* simulated links get indexes above any real one */
	int *first_port, *next_port; /* by position: ports of each master, built on demand */
	int dirty;		/* simulated changes: the port lists no longer hold */
	struct name_slot {
		int pos;	   /* 0 empty, else position + 1 */
		unsigned int hash; /* the name's: most probes need no strcmp */
	} *by_name;		   /* hash of positions by name */
	int by_name_size, by_name_n; /* its slots; the links it covers: 0..by_name_n-1 */
	int borrowed;		/* a copy of ctx->shared: state_free leaves it alone */
	struct addrset *addrs;	/* ST_ADDRS: the static addresses (a file's plan moves them on) */
	struct routeset *routes; /* ST_ADDRS: the routes a user or program added */
	unsigned int what;	/* ST_* read */
};

/*
 * " (and with it the VLANs v1,v2, the vxlan vx0)" for a device whose
 * stacked devices the kernel deletes with it (a delete step's text, any
 * kind's): a static buffer.
 */
const char *vlan_uppers_text(struct state *st, const struct link *lower);
/*
 * VLAN entries are on bridge ports, and on bridges that filter VLANs (their
 * own, for the host's traffic): with neither, an AF_BRIDGE dump has nothing.
 */
int state_has_vlan_entries(const struct state *st);

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
/*
 * Room for more links without moving the array: a kind that plans against
 * its own simulated steps keeps its pointers into it valid that way.
 */
int state_reserve(struct state *st, int more);
/* For each link of to that from (simulated) knows who gave its MAC: to knows too. */
void state_mac_by_from(struct state *to, struct state *from);
/* A new simulated link named name of kind (for simulate hooks). */
struct link *state_sim_link(struct state *st, const char *name, const char *kind);
/* The group vnetctl puts the links it creates in (its mark for --prune). */
#define VNET_GROUP 30318

/* What state_load reads: links, bridge VLANs, static addresses and routes (st->addrs, st->routes). */
enum { ST_LINKS = 1, ST_BRVLANS = 2, ST_ADDRS = 4 };
int state_load(struct vnet_ctx *ctx, struct state *st, unsigned int what);
/* The addresses and routes too, into a state read without them (a no-op once there). */
int state_load_addrs(struct vnet_ctx *ctx, struct state *st);
void state_free(struct state *st);
/* An empty state, and one dumped message decoded into it (for tests and fuzzing). */
int state_init(struct state *st);
/*
 * A deep copy of src's links alone (not its addresses, nor an index), as
 * dumped: NULL when out of memory. Free with state_free, then free.
 */
struct state *state_copy_links(const struct state *src);
int state_decode_msg(struct state *st, const struct nlmsghdr *nlh, int family);
/* After the links are decoded: the links a kind's field names by index get their names. */
int state_name_refs(struct state *st);
struct link *state_by_name(struct state *st, const char *name);
struct link *state_by_index(struct state *st, int ifindex);
const char *state_name(struct state *st, int ifindex);
/* The other end of the veth l, when it is in this namespace and paired with l; else NULL. */
struct link *state_veth_peer(struct state *st, const struct link *l);

#endif
