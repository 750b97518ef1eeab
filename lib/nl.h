/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The netlink layer: requests, batches and dumps over one libmnl socket. */
#ifndef VNET_NL_H
#define VNET_NL_H

#include "internal.h"

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
 * Sends n requests, as many to a datagram as the socket can send, and reads
 * their acks: err[i] is 0 or a negative errno for each (the first failure's
 * extack goes to ctx->err), or 1 for one not sent because a request of an
 * earlier datagram failed. Returns 0, or a negative errno when the acks of a
 * datagram were lost: err[] then holds 1 for the requests of that datagram
 * not known to have run and for those after it.
 */
int nlm_batch(struct vnet_ctx *ctx, struct nlmsghdr **msgs, int n, int *err);
/* The longest datagram the socket can send (its send buffer less 32 bytes). */
size_t nlm_send_max(struct vnet_ctx *ctx);
/* How many of msgs[0..n) go in one datagram of at most max bytes: at least one. */
int nlm_batch_fit(struct nlmsghdr *const *msgs, int n, size_t max);
/* Sends one request and waits for its ack; fills ctx->err on failure. */
int nlm_request(struct vnet_ctx *ctx, struct nlmsghdr *nlh);
/* The index of a link by name, asked of the kernel; -ENODEV if absent. */
int nlm_ifindex(struct vnet_ctx *ctx, const char *name);
/* The rtnetlink socket's descriptor (opened if need be), or -errno: ioctls answer in its namespace. */
int nlm_fd(struct vnet_ctx *ctx);
/* The same, 0 when absent or in a dry run (which builds without asking). */
int nlm_index_or_zero(struct vnet_ctx *ctx, const char *name);
/* Forgets what nlm_index_or_zero learnt of name (it was deleted or made); NULL: all. */
void nlm_forget(struct vnet_ctx *ctx, const char *name);
/*
 * Whether the kernel can make links of kind (IFLA_INFO_KIND), asked without
 * making one: 1 yes, 0 no (it has no driver for it), -1 unknown. ctx->err is kept.
 */
int nlm_kind_probe(struct vnet_ctx *ctx, const char *kind);
/*
 * Whether the bridge name (or the bridge name is a port of) reports the
 * attribute attr in its IFLA_INFO_DATA: 1 yes, 0 no, -1 cannot tell. ctx->err is kept.
 */
int nlm_bridge_has_attr(struct vnet_ctx *ctx, const char *name, uint16_t attr);
/* Whether the kernel has bridge VLAN filtering, asked without making a bridge: 1, 0, -1 unknown. */
int nlm_bridge_vlan_probe(struct vnet_ctx *ctx);
/* Dump; cb returns MNL_CB_OK to go on. Retries an interrupted dump. */
typedef int (*nlm_dump_cb)(const struct nlmsghdr *nlh, void *data);
int nlm_dump(struct vnet_ctx *ctx, uint8_t family, uint32_t ext_mask, nlm_dump_cb cb,
	    nlm_dump_cb reset, void *data);
/* The same for another dump: RTM_GETLINK, RTM_GETADDR or RTM_GETROUTE (cb sees RTM_NEWADDR, RTM_NEWROUTE). */
int nlm_dump_of(struct vnet_ctx *ctx, uint16_t type, uint8_t family, uint32_t ext_mask,
		nlm_dump_cb cb, nlm_dump_cb reset, void *data);
/* The namespace's cookie (SO_NETNS_COOKIE: never reused, unlike its inode); 0 unknown. */
uint64_t nlm_netns_cookie(struct vnet_ctx *ctx);
/*
 * A socket of its own in the context's namespace that hears the rtnetlink
 * multicast groups given (RTNLGRP_*), with a receive buffer as large as the
 * kernel allows: for monitor. NULL with the error set.
 */
struct mnl_socket *nlm_open_listener(struct vnet_ctx *ctx, const unsigned int *groups, int n);
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
	/*
	 * keep_links: state_load also keeps the links it decoded from the
	 * tapped link dump (links), copied before any planning changed them,
	 * so that the record need not decode those messages again.
	 */
	int keep_links;
	struct state *links;
};
void nl_tap_free(struct nl_tap *t);
enum { TAP_LINK = 1, TAP_BRIDGE = 2, TAP_ADDR = 4, TAP_ROUTE = 8 };
/* One read of a dump: 1 to go on, 0 at its end, or a negative errno. */
int nlm_dump_part(const char *buf, int len, unsigned int seq, unsigned int portid,
		  struct dump_run *d);

#endif
