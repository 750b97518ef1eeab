/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Addresses and routes: as the kernel dumps them (the static ones, those a
 * user gave), and the addresses and default gateways a statement declares
 * on a link (DESIGN.md, "Addresses on any link").
 */
#ifndef VNET_ADDR_H
#define VNET_ADDR_H

#include "internal.h"
#include "obj.h"

struct nlmsghdr;
struct json_object;
struct state;
struct link;
struct stmt;
struct plan;
struct kind;

/*
 * The keywords that declare a link's addresses and default gateways, for a
 * kind's table (its own field numbers for them).
 */
#define ADDR_PARAMS(f_addrs, f_gw, f_gw6)                                                       \
	{ "addresses", f_addrs, PT_ADDRS, 0, 0, NULL, NULL, PN_ADDR, 0, 0, "ADDR/PLEN[,...]|none", \
	  "exactly these static IPv4 and IPv6 addresses on the link (none: no static address)",  \
	  0 },                                                                                   \
	{ "gateway", f_gw, PT_GW, 4, 0, NULL, NULL, PN_ADDR, 0, 0, "IPV4|none",                   \
	  "the IPv4 default route goes through the link via this router", 0 },                  \
	{ "gateway6", f_gw6, PT_GW, 6, 0, NULL, NULL, PN_ADDR, 0, 0, "IPV6|none",                 \
	  "the IPv6 default route goes through the link via this router", 0 }

/* The route protocol of the default routes vnetctl installs: its mark on them. */
#define VNET_RTPROT 212

/* One address as dumped (an OP_ADDR_* step sends one). */
struct rec_addr {
	int ifindex;
	uint8_t family, plen, scope;
	uint32_t flags;
	uint8_t local[16], address[16];
	int has_local, has_address, has_brd;
	uint8_t brd[4];
	char label[VNET_NAMSIZ];
};

/* One route as dumped (an OP_ROUTE_* step sends one; its msg is owned). */
struct rec_route {
	int oif; /* RTA_OIF, 0 none */
	uint8_t family, dst_len, tos, type;
	uint32_t table, priority;
	uint8_t dst[16], gateway[16];
	uint8_t protocol; /* RTPROT_*: who added it */
	struct nlmsghdr *msg; /* owned */
};

/* Addresses as dumped: the static ones (see addrset_decode). */
struct addrset {
	struct rec_addr *a;
	int n, cap;
	/* By real ifindex, how many of a are on it (lib/addrplan.c builds it; NULL: not yet). */
	int *count;
	int ncount;
};
/*
 * One RTM_NEWADDR (a dump's) into the set (data): only the static
 * addresses, those a user gave; an nlm_dump_cb.
 */
int addrset_decode(const struct nlmsghdr *nlh, void *data);

/* Routes as dumped: those a user or a program added, not the kernel's own. */
struct routeset {
	struct rec_route *r;
	int n, cap;
};
int routeset_decode(const struct nlmsghdr *nlh, void *data);
void routeset_free(struct routeset *s);

int addrs_load(struct vnet_ctx *ctx, struct addrset *s);
int routes_load(struct vnet_ctx *ctx, struct routeset *s);
int addr_same(const struct rec_addr *a, const struct rec_addr *b);
const struct rec_addr *addr_find(const struct addrset *s, int ifindex, const struct rec_addr *a);
void addr_text(const struct rec_addr *a, char *buf, size_t len);
int route_attr_kept(uint16_t t);
int route_same(const struct rec_route *a, const struct rec_route *b);
void route_text(const struct rec_route *r, char *buf, size_t len);

/*
 * The fields of a kind's table that declare addresses and gateways
 * (PN_ADDR), as a mask; and the statement's steps for them, planned after
 * the kind's own: addresses removed, then added, then the default routes.
 */
uint32_t addr_fields(const struct kind *k);
/*
 * A gateway that the statement's own addresses do not reach (an IPv6
 * link-local router excepted): a usage error, before the host is read.
 */
int addr_check(struct vnet_ctx *ctx, const struct stmt *s, const struct obj *want);
/*
 * Two statements of a file that cannot both hold: an address on two links,
 * two gateways of one family. The word of b at fault (-1: none named), why
 * in why; -2: none.
 */
int addr_clash(const struct kind *ka, const struct obj *a, const struct kind *kb,
	       const struct obj *b, char *why, size_t len);
int addr_plan(struct vnet_ctx *ctx, struct state *st, const struct stmt *s, const struct obj *want,
	      struct plan *plan);
/*
 * No stranded addresses: a link the plan makes a port or slave while it
 * holds static addresses or a default route, and that keeps them (no step
 * of the plan removes them): exit 1, naming them and where to declare them.
 * Reads the addresses into st when the plan makes a port and st has none.
 */
int addr_stranded(struct vnet_ctx *ctx, struct state *st, const struct plan *plan);
/* A link taken down on st: the kernel drops its routes and IPv6 addresses. */
void addr_simulate_down(struct state *st, const struct link *l);
/* The addresses a statement declares (NULL: none, or not its to say). */
const struct addrlist *addr_declared(const struct kind *k, const struct obj *want);
/* Whether the statement gives a gateway of family fam (4 or 6), not none. */
int addr_gateway_given(const struct kind *k, const struct obj *want, int fam);
/* Whether the statement's words give the gateway of family fam (4 or 6), none included. */
int addr_declares_gateway(const struct kind *k, const struct obj *want, int fam);
/*
 * --prune and check: vnetctl's default routes (VNET_RTPROT) left in st, a
 * file's plan simulated on it, through a link that no statement gives the
 * gateway of that family (gw4, gw6: the links that some statement does):
 * a step removes each.
 */
void addr_prune_routes(struct state *st, const struct namelist *gw4, const struct namelist *gw6,
		       struct plan *plan);
/*
 * An address or route step of a plan on st, as the kernel would take it on
 * the link l (a later statement of a file sees it; the stranded check too).
 */
void addr_simulate(struct state *st, const struct link *l, const struct op *op);
/* A link's static addresses and vnetctl's gateways: for -j, and the words of show --config. */
void addr_json(struct state *st, const struct link *l, struct json_object *j);
int addr_words(struct state *st, const struct link *l, char *buf, size_t len);
/*
 * The text views' line of a link's addresses and gateways, after prefix:
 * "PREFIXaddresses 192.0.2.10/24 gateway 192.0.2.1\n"; nothing when it has none.
 */
void addr_view_line(FILE *out, struct state *st, const struct link *l, const char *prefix);

#endif
