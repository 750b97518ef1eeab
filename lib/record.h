/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The record of the host before a plan runs, and the way back to it.
 *
 * Before the first change, plan_exec records every link the plan touches,
 * and what the kernel would take along with them (a veth's peer, the
 * devices stacked on a link, a bridge's ports, a link's addresses, a PF's
 * VF table). On failure (or a rollback that --confirm asks for) the host
 * is read again and planned back to the record, step by step, with one
 * generic planner (not the kinds' plan hooks, which plan a file's
 * statements): it follows the same ordering rules of the kernel as they
 * do, from lib/rules.h, and what changed by the kernel's own hand along
 * the way (a forward-delay that STP raised, a bridge MTU a port reset) is
 * put back too.
 */
#ifndef VNET_RECORD_H
#define VNET_RECORD_H

#include "internal.h"
#include "kind.h"
#include "addr.h"

/* What an OP_LINK or OP_ADDR_* step sends. */
enum {
	LS_MTU = 1 << 0,
	LS_MAC = 1 << 1,
	LS_GROUP = 1 << 2,
	LS_ALIAS = 1 << 3,
	LS_UP = 1 << 4,	   /* up, or down */
	LS_LOWER = 1 << 5, /* IFLA_LINK: the lower device, by name */
	LS_KIND = 1 << 6,  /* IFLA_LINKINFO: the kind, its fields (op->obj) or raw data */
	LS_PEER = 1 << 7,  /* a veth create: the peer */
};

struct linkspec {
	uint32_t has; /* LS_* */
	int create;
	int ifindex; /* a create: the index to ask for */
	char kind[16];
	unsigned int mtu;
	uint8_t mac[6];
	uint32_t group;
	/*
	 * LS_ALIAS: borrowed from the record (a recorded link's alias); the
	 * step must not outlive the record it was planned from, and never
	 * frees it.
	 */
	const char *alias;
	int up;
	char lower[VNET_NAMSIZ];
	const void *raw; /* a foreign kind's IFLA_INFO_DATA (the record owns it) */
	uint16_t rawlen;
	struct {
		char name[VNET_NAMSIZ];
		int ifindex, has_mac;
		unsigned int mtu;
		uint8_t mac[6];
		uint32_t group;
	} peer;
	struct rec_addr addr;	/* OP_ADDR_*: one address */
	struct rec_route route; /* OP_ROUTE_*: one route, as dumped (its msg owned by the step) */
};


/*
 * Records the host before p runs: read now, or from the reading ctx->tap
 * holds (the plan's, under the same lock) and what that lacks. Fails,
 * changing nothing, when the plan would delete what no rollback can make
 * again (a device of a kind vnetctl cannot create, stacked on a link the
 * plan deletes).
 */
int record_take(struct vnet_ctx *ctx, const struct plan *p, struct record **out);
/*
 * The links (pass 0: then their names are indexed), or the port VLANs,
 * addresses and routes (pass 1) among a reading's raw messages (a journal's,
 * an nl_tap's).
 */
int record_decode(const char *msgs, int mlen, int pass, struct state *st, struct addrset *addrs,
		  struct routeset *routes);
/*
 * Brings the host back to the record: plans from the host as it is now,
 * runs the plan, reads the host again, and repeats while the kernel's own
 * reactions leave something to do (a bounded number of rounds). Returns 0
 * when the host matches the record; else -errno, and a description of
 * what still differs in what (of len bytes).
 */
int record_restore(struct vnet_ctx *ctx, struct record *rec, char *what, size_t len);
/* The steps that would bring the host now back to the record. */
int record_plan(struct vnet_ctx *ctx, struct record *rec, struct plan *out);
/*
 * The same without the kernel (the unit tests): a record of st (and
 * addrs and routes, may be NULL), all taken over, as the host before p
 * (refused as record_take refuses); and the steps from cur (with caddrs
 * and croutes, may be NULL) back to it.
 */
int record_of(struct vnet_ctx *ctx, struct state *st, struct addrset *addrs,
	      struct routeset *routes, const struct plan *p, struct record **out);
void record_plan_against(struct vnet_ctx *ctx, struct record *rec, struct state *cur,
			 const struct addrset *caddrs, const struct routeset *croutes,
			 struct plan *out);
void record_free(struct record *rec);
/*
 * For the journal (lib/journal.c), what record_of cannot find again in the
 * dumps: the links as read, the names the plan's steps name, and by
 * position in the links whether each one's MAC was chosen by a user.
 */
struct state *record_state(struct record *rec);
const struct namelist *record_names(const struct record *rec);
unsigned char *record_mac_user(struct record *rec);
/*
 * The kinds' own records (a PF's VF table): the name of the i-th, its kind
 * in *k (NULL past the last); and one more, made from the journal (data is
 * the record's from then on, freed with it).
 */
const char *record_ext(const struct record *rec, int i, const struct kind **k);
int record_add_ext(struct record *rec, const struct kind *k, const char *name, void *data);
/* The interface group the link named was in (0 when the record has none or no such link). */
uint32_t record_group(struct record *rec, const char *name);

/* The request of an OP_LINK or OP_ADDR_* step. */
struct nlmsghdr *linkspec_build(struct vnet_ctx *ctx, const struct op *op, char *buf);

#endif
