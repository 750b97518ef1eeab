// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Plans: ordered kernel operations. A plan is built from the diff of desired
 * and dumped state, printed (--dry-run) or run; before the first step the
 * host is recorded, and a failure brings it back to that record
 * (lib/record.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <unistd.h>

#include "internal.h"
#include "value.h"
#include "obj.h"
#include "nl.h"
#include "state.h"
#include "plan.h"
#include "suggest.h"
#include "kind.h"
#include "sysfs.h"
#include "out.h"
#include "journal.h"
#include "record.h"

static void restore(struct vnet_ctx *ctx, struct plan *p);

static struct op *op_init(struct op *op, enum optype type, const struct kind *k,
			  const char *name)
{
	memset(op, 0, sizeof(*op));
	op->type = type;
	op->kind = k;
	str_copy(op->name, sizeof(op->name), name);
	return op;
}

struct obj *op_obj_w(struct op *op)
{
	if (!op->obj)
		op->obj = obj_new(MAX_FIELDS);
	return op->obj;
}

void op_set_path(struct op *op, const char *rel)
{
	free(op->path);
	op->path = strdup(rel);
	if (!op->path)
		abort(); /* as plan_add: out of memory while planning is fatal */
}

struct op *plan_add(struct plan *p, enum optype type, const struct kind *k, const char *name)
{
	if (p->n == p->cap) {
		int cap = p->cap ? p->cap * 2 : 16;
		void *n = realloc(p->ops, (size_t)cap * sizeof(*p->ops));

		if (!n)
			abort(); /* the plan is small; out of memory here is fatal anyway */
		p->ops = n;
		p->cap = cap;
	}
	return op_init(&p->ops[p->n++], type, k, name);
}

struct op *plan_create(struct plan *p, const struct kind *k, const char *what, const char *name,
			const struct obj *want, uint32_t m)
{
	struct op *op = plan_add(p, OP_CREATE, k, name);
	char buf[1024], *txt;

	if (m)
		obj_copy_fields(op_obj_w(op), want, m);
	op->fields = m;
	op->group = VNET_GROUP; /* vnetctl's mark on what it creates, for apply --prune */
	txt = TEXT_WHOLE(buf, obj_format, k->params, want, m);
	op_textf(op, "%s: create%s%s%s", what, txt[0] ? " (" : "", txt, txt[0] ? ")" : "");
	TEXT_FREE(buf, txt);
	return op;
}

struct op *plan_set(struct plan *p, const struct kind *k, const char *what, const char *name,
		    const struct obj *want, const struct obj *cur, uint32_t m)
{
	struct op *op = plan_add(p, OP_SET, k, name);
	char buf[1024], *txt;

	obj_copy_fields(op_obj_w(op), want, m);
	op->fields = m;
	txt = TEXT_WHOLE(buf, obj_format_changes, k->params, want, cur, m);
	op_textf(op, "%s: set %s", what, txt);
	TEXT_FREE(buf, txt);
	return op;
}

struct op *plan_alias(struct plan *p, const struct kind *k, const char *name, const char *alias)
{
	struct op *op = plan_add(p, OP_KIND, k, name);

	op_obj_w(op)->ext = strdup(alias);
	op_obj_w(op)->ext_free = free;
	if (!op_obj(op)->ext)
		abort();
	return op;
}

void op_alias_simulate(struct state *st, const struct op *op)
{
	struct link *l = op->type == OP_KIND ? state_by_name(st, op->name) : NULL;

	if (l)
		link_set_alias(l, op_obj(op)->ext ? (const char *)op_obj(op)->ext : "");
}

struct nlmsghdr *op_alias_build(struct vnet_ctx *ctx, const struct op *op, char *buf)
{
	const char *a = op_obj(op)->ext ? op_obj(op)->ext : "";
	struct nlmsghdr *nlh = nlm_msg_start(buf, RTM_NEWLINK, 0);

	(void)ctx;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, op->name);
	/* An empty alias clears it; the kernel wants one byte at least. */
	if (a[0])
		mnl_attr_put(nlh, IFLA_IFALIAS, strlen(a), a);
	else
		mnl_attr_put_strz(nlh, IFLA_IFALIAS, "");
	return nlh;
}

void op_textf(struct op *op, const char *fmt, ...)
{
	va_list ap;

	free(op->text);
	va_start(ap, fmt);
	if (vasprintf(&op->text, fmt, ap) < 0)
		op->text = NULL;
	va_end(ap);
}

static void op_free(struct op *op)
{
	if (op->spec)
		free(op->spec->route.msg);
	free(op->spec);
	free(op->vlans);
	free(op->text);
	free(op->path);
	obj_delete(op->obj);
}

void plan_free(struct plan *p)
{
	for (int i = 0; i < p->n; i++)
		op_free(&p->ops[i]);
	free(p->ops);
	free(p->note);
	record_free(p->rec);
	memset(p, 0, sizeof(*p));
}

void vlan_entries_add(struct vlan_entry **e, int *n, const struct vlanset *s, uint16_t flags)
{
	unsigned int v = 1;

	while (v < VLAN_N) {
		if (!vlanset_has(s, v)) {
			v++;
			continue;
		}
		unsigned int end = v;

		while (end + 1 < VLAN_N && vlanset_has(s, end + 1))
			end++;
		void *nn = realloc(*e, (size_t)(*n + 1) * sizeof(**e));

		if (!nn)
			abort();
		*e = nn;
		(*e)[*n].vid = (uint16_t)v;
		(*e)[*n].vid_end = (uint16_t)end;
		(*e)[*n].flags = flags;
		(*n)++;
		v = end + 1;
	}
}

static uint16_t vflags(const struct portvlan *pv, unsigned int v)
{
	return (uint16_t)((vlanset_has(&pv->untagged, v) ? BRIDGE_VLAN_INFO_UNTAGGED : 0) |
			  (pv->pvid == v ? BRIDGE_VLAN_INFO_PVID : 0));
}

/* "10-20, 3 pvid untagged": the VLANs of each add[flags], with the flags. */
static int vlans_add_format(const struct vlanset *add, char *buf, size_t len)
{
	size_t n = 0;

	if (len)
		buf[0] = 0;
	for (int f = 0; f < 8; f++) {
		if (vlanset_empty(&add[f]))
			continue;
		n += (size_t)snprintf(SN_AT(buf, len, n), "%s", n ? ", " : "");
		n += (size_t)vlanset_format(&add[f], SN_AT(buf, len, n));
		n += (size_t)snprintf(SN_AT(buf, len, n), "%s%s",
				      (f & BRIDGE_VLAN_INFO_PVID) ? " pvid" : "",
				      (f & BRIDGE_VLAN_INFO_UNTAGGED) ? " untagged" : "");
	}
	return (int)n;
}

/*
 * Adds the VLAN steps that turn port's entries cur into want: one request
 * that removes, one that adds or re-flags (ranges grouped by flags).
 */
void plan_port_vlans(struct plan *plan, const char *what, const char *port,
		     const struct portvlan *cur, const struct portvlan *want, int self)
{
	struct vlanset del = { 0 }, add[8] = { 0 };
	char buf[1024], *txt; /* a plan line is whole: 2047 separate VLANs are 9.7 KB */
	int any_add = 0, any_del = 0;

	for (unsigned int v = 1; v < 4095; v++) {
		int c = vlanset_has(&cur->member, v), w = vlanset_has(&want->member, v);

		if (c && !w) {
			vlanset_add(&del, v);
			any_del = 1;
		} else if (w && (!c || vflags(cur, v) != vflags(want, v))) {
			vlanset_add(&add[vflags(want, v)], v);
			any_add = 1;
		}
	}
	if (any_del) {
		struct op *op = plan_add(plan, OP_VLAN_DEL, &kind_bridge, port);

		op->self = self;
		vlan_entries_add(&op->vlans, &op->nvlans, &del, 0);
		txt = TEXT_WHOLE(buf, vlanset_format, &del);
		op_textf(op, "%s: remove vlans %s", what, txt);
		TEXT_FREE(buf, txt);
	}
	if (any_add) {
		struct op *op = plan_add(plan, OP_VLAN_ADD, &kind_bridge, port);

		op->self = self;
		/* Untagged PVID last so that no range holds the PVID flag. */
		for (int f = 0; f < 8; f++)
			if (!vlanset_empty(&add[f]))
				vlan_entries_add(&op->vlans, &op->nvlans, &add[f], (uint16_t)f);
		txt = TEXT_WHOLE(buf, vlans_add_format, add);
		op_textf(op, "%s: add vlans %s", what, txt);
		TEXT_FREE(buf, txt);
	}
}

static void put_updown(struct ifinfomsg *ifm, const struct op *op, const struct param *tab)
{
	for (const struct param *p = tab; p && p->word; p++) {
		if (p->nest != PN_FLAGS || !(op->fields & (1U << p->field)) ||
		    !obj_has(op_obj(op), p->field))
			continue;
		ifm->ifi_change |= IFF_UP;
		if (op_obj(op)->v[p->field].u)
			ifm->ifi_flags |= IFF_UP;
		return;
	}
}

static void put_vlans(struct nlmsghdr *nlh, const struct op *op)
{
	struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);

	/* Without flags the request goes to the port's master; a bridge's own entries are "self". */
	if (op->self)
		mnl_attr_put_u16(nlh, IFLA_BRIDGE_FLAGS, BRIDGE_FLAGS_SELF);
	for (int i = 0; i < op->nvlans; i++) {
		const struct vlan_entry *e = &op->vlans[i];
		struct bridge_vlan_info vi = { .flags = e->flags, .vid = e->vid };

		/* Two entries at most, and room for the nest's end: never past the buffer. */
		if (nlh->nlmsg_len + 2 * MNL_ALIGN(MNL_ATTR_HDRLEN + sizeof(vi)) > NLM_REQ_SIZE)
			abort(); /* the sets are disjoint: 4094 entries fit */

		if (e->vid_end > e->vid) {
			vi.flags |= BRIDGE_VLAN_INFO_RANGE_BEGIN;
			mnl_attr_put(nlh, IFLA_BRIDGE_VLAN_INFO, sizeof(vi), &vi);
			vi.flags = e->flags | BRIDGE_VLAN_INFO_RANGE_END;
			vi.vid = e->vid_end;
		}
		mnl_attr_put(nlh, IFLA_BRIDGE_VLAN_INFO, sizeof(vi), &vi);
	}
	mnl_attr_nest_end(nlh, spec);
}

struct nlmsghdr *op_build(struct vnet_ctx *ctx, const struct op *op, char *buf)
{
	const struct param *tab = op->kind ? op->kind->params : NULL;
	const struct param *ptab = op->kind ? op->kind->port_params : NULL;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	struct nlattr *li, *data;

	switch (op->type) {
	case OP_CREATE:
	case OP_SET:
		nlh = nlm_msg_start(buf, RTM_NEWLINK,
				   op->type == OP_CREATE ? NLM_F_CREATE | NLM_F_EXCL : 0);
		ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
		mnl_attr_put_strz(nlh, IFLA_IFNAME, op->name);
		obj_put(ctx, nlh, tab, op_obj(op), op->fields, PN_LINK);
		put_updown(ifm, op, tab);
		if (op->master[0])
			mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)nlm_index_or_zero(ctx, op->master));
		if (op->type == OP_CREATE && op->group)
			mnl_attr_put_u32(nlh, IFLA_GROUP, op->group);
		if (!op->kind->link_kind)
			return nlh; /* a link of no kind of vnetctl's (a NIC): its link fields only */
		li = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, op->kind->link_kind);
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		if (obj_put(ctx, nlh, tab, op_obj(op), op->fields, PN_INFO) +
		    (op->type == OP_CREATE && op->kind->put_data ? op->kind->put_data(ctx, nlh, op) : 0)) {
			mnl_attr_nest_end(nlh, data);
			mnl_attr_nest_end(nlh, li);
		} else if (op->type == OP_CREATE) {
			mnl_attr_nest_cancel(nlh, data);
			mnl_attr_nest_end(nlh, li);
		} else {
			/* A change of link fields only (up, mtu) names no kind: it may be a slave's. */
			mnl_attr_nest_cancel(nlh, li);
		}
		return nlh;
	case OP_DELETE:
		nlh = nlm_msg_start(buf, RTM_DELLINK, 0);
		mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
		mnl_attr_put_strz(nlh, IFLA_IFNAME, op->name);
		return nlh;
	case OP_MASTER:
		nlh = nlm_msg_start(buf, RTM_NEWLINK, 0);
		mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
		mnl_attr_put_strz(nlh, IFLA_IFNAME, op->name);
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)nlm_index_or_zero(ctx, op->master));
		return nlh;
	case OP_PORT:
		nlh = nlm_msg_start(buf, RTM_SETLINK, 0);
		ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
		ifm->ifi_family = AF_BRIDGE;
		ifm->ifi_index = nlm_index_or_zero(ctx, op->name);
		data = mnl_attr_nest_start(nlh, IFLA_PROTINFO);
		obj_put(ctx, nlh, ptab, op_obj(op), op->fields, PN_PORT);
		mnl_attr_nest_end(nlh, data);
		return nlh;
	case OP_KIND:
		return op->kind->build(ctx, op, buf);
	case OP_SYSFS:
		return NULL;
	case OP_LINK:
	case OP_ADDR_ADD:
	case OP_ADDR_DEL:
	case OP_ROUTE_ADD:
	case OP_ROUTE_DEL:
		return linkspec_build(ctx, op, buf);
	case OP_VLAN_ADD:
	case OP_VLAN_DEL:
		nlh = nlm_msg_start(buf, op->type == OP_VLAN_ADD ? RTM_SETLINK : RTM_DELLINK, 0);
		ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
		ifm->ifi_family = AF_BRIDGE;
		ifm->ifi_index = nlm_index_or_zero(ctx, op->name);
		put_vlans(nlh, op);
		return nlh;
	}
	return NULL;
}

static int num_vf_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg))
		if (mnl_attr_get_type(a) == IFLA_NUM_VF && mnl_attr_get_payload_len(a) >= 4)
			*(int *)data = (int)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

/*
 * sriov_numvfs returns once the driver has the VFs, but their netdevs and
 * the PF's VF table can lag behind (tens of seconds on real NICs): wait for
 * the PF to report them, saying so when it takes long.
 */
static int wait_vfs(struct vnet_ctx *ctx, const struct op *op)
{
	for (int i = 0; i < 1200; i++) {
		int n = -1, r = nlm_getlink(ctx, op->name, num_vf_cb, &n);

		if (r < 0)
			return r;
		if (n == (int)op->sysval || (n < 0 && op->sysval == 0))
			return 0;
		if (i == 20 && !(ctx->flags & VNET_F_QUIET) && !(ctx->flags & VNET_F_JSON))
			out_line(ctx, "vf %s: waiting for the kernel to report %llu VFs (%d so far)...",
				 op->name, (unsigned long long)op->sysval, n < 0 ? 0 : n);
		usleep(100 * 1000);
	}
	return -ETIMEDOUT;
}

/*
 * A name made now may stand for another index than before; a deletion may
 * take more links with it (a veth's peer, the VLANs on it): all are forgotten.
 */
static void forget_names(struct vnet_ctx *ctx, const struct op *op)
{
	/* A VF count or a kind's own step (a VF's reset) may make links again too. */
	if (op->type == OP_DELETE || op->type == OP_SYSFS || op->type == OP_KIND)
		nlm_forget(ctx, NULL);
	else if (op->type == OP_CREATE || (op->type == OP_LINK && op->spec->create)) {
		nlm_forget(ctx, op->name);
		if (op->type == OP_LINK && (op->spec->has & LS_PEER))
			nlm_forget(ctx, op->spec->peer.name);
	}
}

static int op_run(struct vnet_ctx *ctx, const struct op *op)
{
	char *buf;
	int r;

	if (op->type == OP_SYSFS) {
		forget_names(ctx, op);
		ctx->err.ext_msg[0] = 0;
		r = sysfs_write(ctx, op->path, op->sysval);
		ctx->nreq++;
		if (r == 0 && op->wait_vfs)
			r = wait_vfs(ctx, op);
		return r;
	}
	buf = calloc(1, NLM_REQ_SIZE);
	if (!buf)
		return -ENOMEM;
	forget_names(ctx, op);
	struct nlmsghdr *nlh = op_build(ctx, op, buf);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	r = nlm_request(ctx, nlh);
	if ((r == -EOPNOTSUPP || r == -EBUSY) && nlh->nlmsg_type == RTM_NEWLINK &&
	    (nlh->nlmsg_flags & NLM_F_CREATE) && ifm->ifi_index) {
		/*
		 * Some kernels refuse a chosen index for a new link, and another
		 * link may hold it by now: any index then, in the same request.
		 */
		ifm->ifi_index = 0;
		r = nlm_request(ctx, nlh);
	}
	free(buf);
	return r;
}

int plan_run_op(struct vnet_ctx *ctx, const struct op *op)
{
	return op_run(ctx, op);
}

/*
 * Brings the host back to the record. Returns how many requests that took;
 * left gets what could not be put back, "" when nothing.
 */
static unsigned long put_back(struct vnet_ctx *ctx, struct plan *p, char *left, size_t len)
{
	unsigned long before = ctx->nreq;

	left[0] = 0;
	if (p->rec && record_restore(ctx, p->rec, left, len) != 0 && !left[0])
		snprintf(left, len, "?");
	return ctx->nreq - before;
}

/* Adds to ctx's error what could not be put back. */
static void warn_left(struct vnet_ctx *ctx, const char *left)
{
	size_t l = strlen(ctx->err.msg);

	if (left[0])
		snprintf(ctx->err.msg + l, sizeof(ctx->err.msg) - l,
			 "; WARNING: the host could not be put back whole: still to do: %s", left);
}

/* Brings the host back to the record; a failure adds to ctx's error what could not be put back. */
static void restore(struct vnet_ctx *ctx, struct plan *p)
{
	char left[400];

	put_back(ctx, p, left, sizeof(left));
	warn_left(ctx, left);
}

void plan_undo(struct vnet_ctx *ctx, struct plan *p)
{
	restore(ctx, p);
}

struct group_probe {
	uint32_t group;
	int taken;
};

static int group_used_cb(const struct nlmsghdr *nlh, void *data)
{
	struct group_probe *p = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg))
		if (mnl_attr_get_type(a) == IFLA_GROUP && mnl_attr_get_payload_len(a) >= 4 &&
		    mnl_attr_get_u32(a) == p->group)
			p->taken = 1;
	return MNL_CB_OK;
}

/* The dump was interrupted: what it saw so far does not count. */
static int group_reset(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	((struct group_probe *)data)->taken = 0;
	return MNL_CB_OK;
}

/*
 * A group no link in the namespace is in: for deleting several links at
 * once. 0 when none is found or the links cannot be read whole (a group
 * taken late in an interrupted dump must never look free).
 */
static uint32_t free_group(struct vnet_ctx *ctx)
{
	for (uint32_t g = 0x76000000u | ((uint32_t)getpid() & 0xffff); g < 0x77000000u; g += 0x10000) {
		struct group_probe probe = { g, 0 };

		if (nlm_dump(ctx, AF_UNSPEC, RTEXT_FILTER_SKIP_STATS, group_used_cb, group_reset,
			     &probe) < 0)
			return 0;
		if (!probe.taken)
			return g;
	}
	return 0;
}

/*
 * Deletes ops[i..i+n) at once: the links move into a group no link uses
 * (cheap changes, sent in one datagram), then one RTM_DELLINK for the
 * group (what ip link del group sends) unregisters them together, paying
 * the RCU grace period once instead of once per link. In chunks, as the
 * request holds the rtnl lock throughout. Only links the plan deletes are ever in the group (vnetctl
 * holds the namespace's lock). Returns 0 when done, 1 when the caller
 * should go one by one instead.
 */
#define GROUP_CHUNK 256
#define GROUP_MSG 128 /* a group move: header, ifinfomsg, name and group */

/* Puts the links ops[from..to) in group g (or, g == 0, back in their own): one datagram. */
static int move_to_group(struct vnet_ctx *ctx, struct plan *p, int from, int to, uint32_t g,
			 char *buf, int *err)
{
	struct nlmsghdr *msgs[GROUP_CHUNK];

	for (int k = from; k < to; k++) {
		const struct op *op = &p->ops[k];

		msgs[k - from] = nlm_msg_start(buf + (size_t)(k - from) * GROUP_MSG, RTM_NEWLINK, 0);
		mnl_nlmsg_put_extra_header(msgs[k - from], sizeof(struct ifinfomsg));
		mnl_attr_put_strz(msgs[k - from], IFLA_IFNAME, op->name);
		mnl_attr_put_u32(msgs[k - from], IFLA_GROUP,
				 g ? g : record_group(p->rec, op->name));
	}
	return nlm_batch(ctx, msgs, to - from, err);
}

static int delete_together(struct vnet_ctx *ctx, struct plan *p, int i, int n)
{
	uint32_t g = free_group(ctx);
	char *buf;
	int err[GROUP_CHUNK];

	if (!g || !(buf = calloc(GROUP_CHUNK, GROUP_MSG)))
		return 1;
	for (int c = i; c < i + n; c += GROUP_CHUNK) {
		int end = c + GROUP_CHUNK < i + n ? c + GROUP_CHUNK : i + n, r;
		struct nlmsghdr *nlh;

		r = move_to_group(ctx, p, c, end, g, buf, err);
		for (int k = c; r == 0 && k < end; k++)
			r = err[k - c];
		if (r == 0) {
			nlh = nlm_msg_start(buf, RTM_DELLINK, 0);
			mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
			mnl_attr_put_u32(nlh, IFLA_GROUP, g);
			r = nlm_request(ctx, nlh);
		}
		if (r < 0) {
			/* Back to their groups (those that moved); the caller deletes them one by one. */
			if (move_to_group(ctx, p, c, end, 0, buf, err) < 0)
				for (int k = c; k < end; k++)
					err[k - c] = -EIO;
			/* Once more one by one; a link that still cannot go back is named in the plan's note. */
			for (int k = c; k < end; k++) {
				int e1 = 0;

				if (err[k - c] >= 0 ||
				    (move_to_group(ctx, p, k, k + 1, 0, buf, &e1) == 0 && e1 == 0) || p->note)
					continue;
				if (asprintf(&p->note, "%s stays in interface group %u (it could not be put back)",
					     p->ops[k].name, g) < 0)
					p->note = NULL;
			}
			free(buf);
			return c == i ? 1 : -c; /* -c: the ops before c are done */
		}
		for (int k = c; k < end; k++)
			p->ops[k].done = 1;
		nlm_forget(ctx, NULL);
	}
	free(buf);
	return 0;
}

/* A deletion: those in a row go together through a group (the record brings them back). */
static int lone_deletion(const struct op *op)
{
	return op->type == OP_DELETE;
}

/* A run of such deletions, from i. */
static int deletion_run(const struct plan *p, int i)
{
	int n = 0;

	while (i + n < p->n && lone_deletion(&p->ops[i + n]))
		n++;
	return n;
}

int plan_delete_together(struct vnet_ctx *ctx, struct plan *p, int i)
{
	int run = deletion_run(p, i), d;

	if (run < 8)
		return 0;
	d = delete_together(ctx, p, i, run);
	return d == 0 ? run : d < 0 ? -d - i : 0;
}

/* The PT_IFREF field of op that travels as a link's index (a VLAN's lower device), or NULL. */
static const char *ifref_sent(const struct op *op)
{
	for (const struct param *p = op->kind ? op->kind->params : NULL; p && p->word; p++)
		if (p->type == PT_IFREF && p->nest == PN_LINK && (op->fields & (1U << p->field)) &&
		    obj_has(op_obj(op), p->field) && op_obj(op)->v[p->field].names.n)
			return op_obj(op)->v[p->field].names.names[0];
	return NULL;
}

/* The names an op needs turned into indexes when it is built (up to 3). */
static int op_refs(const struct op *op, const char **r)
{
	int n = 0;

	if ((op->type == OP_CREATE || op->type == OP_MASTER) && op->master[0])
		r[n++] = op->master;
	if (op->type == OP_PORT || op->type == OP_VLAN_ADD || op->type == OP_VLAN_DEL)
		r[n++] = op->name;
	if ((op->type == OP_CREATE || op->type == OP_SET) && (r[n] = ifref_sent(op)))
		n++;
	return n;
}

/* The names an op makes: its own, and for a create those its kind makes along (a veth's peer). */
static int op_made(const struct op *op, const char **m)
{
	int n = 0;

	if (op->type != OP_CREATE && op->type != OP_DELETE && op->type != OP_KIND)
		return 0;
	m[n++] = op->name;
	for (const struct param *p = op->kind ? op->kind->params : NULL;
	     op->type == OP_CREATE && p && p->word && n < 2; p++)
		if ((p->flags & PF_DECLARES) && obj_has(op_obj(op), p->field) &&
		    op_obj(op)->v[p->field].names.n)
			m[n++] = op_obj(op)->v[p->field].names.names[0];
	return n;
}

#define BATCH_MAX 256

/*
 * The ops from i that can go to the kernel in one datagram: netlink ops
 * whose requests name no link made or deleted earlier in the same batch
 * (its index is not known until then). Returns how many.
 */
static int batch_len(const struct plan *p, int i)
{
	struct namemap names, touched; /* the batch's links; the links its steps make */
	int n = 0, most = 0;

	/*
	 * The kernel runs every request of a datagram, also after one fails;
	 * so a batch holds only steps of one type on different links, none of
	 * which depends on another having worked (each one that ran is undone
	 * on its own). Deletions go together through a group instead.
	 */
	while (i + most < p->n && most < BATCH_MAX && p->ops[i + most].type != OP_SYSFS &&
	       p->ops[i + most].type != OP_DELETE && p->ops[i + most].type == p->ops[i].type)
		most++;
	if (most < 2)
		return most;
	namemap_alloc(&names, most);
	namemap_alloc(&touched, 2 * most);
	for (; n < most; n++) {
		const struct op *op = &p->ops[i + n];
		const char *r[3], *m[2];
		int nr = op_refs(op, r), nm, dep = namemap_get(&names, op->name) >= 0;

		for (int k = 0; k < nr && !dep; k++)
			dep = namemap_get(&touched, r[k]) >= 0;
		if (dep)
			break;
		namemap_put(&names, op->name, n);
		/* A kind's own step may make its link (the SEA's veth pairs). */
		nm = op_made(op, m);
		for (int k = 0; k < nm; k++)
			namemap_put(&touched, m[k], n);
	}
	namemap_free(&names);
	namemap_free(&touched);
	return n;
}

/* Runs ops[i..i+n) as one batch. Returns the first failing op's index, or -1. */
static int run_batch(struct vnet_ctx *ctx, struct plan *p, int i, int n, int *rc)
{
	struct nlmsghdr *msgs[BATCH_MAX];
	/*
	 * Each request is built in one zeroed scratch buffer (libmnl leaves an
	 * attribute's padding as it finds it) and packed behind the one
	 * before: a zeroed buffer of NLM_REQ_SIZE per request was 4 MiB to
	 * clear and fault in per batch of 256, for requests of 64 bytes.
	 */
	char *scratch = calloc(1, NLM_REQ_SIZE), *bufs = malloc((size_t)n * NLM_REQ_SIZE);
	size_t used = 0;
	int err[BATCH_MAX], failed = -1;

	*rc = 0;
	if (!scratch || !bufs) {
		free(scratch);
		free(bufs);
		*rc = -ENOMEM;
		return i;
	}
	for (int k = 0; k < n; k++) {
		const struct op *op = &p->ops[i + k];
		const struct nlmsghdr *m = op_build(ctx, op, scratch);
		size_t len = MNL_ALIGN(m->nlmsg_len), end = (size_t)((const char *)m - scratch) + len + 256;

		msgs[k] = memcpy(bufs + used, m, len);
		used += len;
		/* Clean what the build wrote, a cancelled nest past the end too. */
		memset(scratch, 0, end < NLM_REQ_SIZE ? end : NLM_REQ_SIZE);
		forget_names(ctx, op);
	}
	free(scratch);
	/*
	 * The batch may go in several datagrams, each sent once the one before
	 * has been answered: a failure stops it there. Lost acks (rc < 0)
	 * leave the steps of that datagram unknown: the caller undoes none of
	 * them, only those before, known to be done.
	 */
	*rc = nlm_batch(ctx, msgs, n, err);
	for (int k = 0; k < n; k++) {
		if (err[k] == 0)
			p->ops[i + k].done = 1;
		else if (failed < 0) {
			failed = i + k;
			if (*rc == 0)
				*rc = err[k];
		}
	}
	if (*rc < 0 && failed < 0)
		failed = i;
	free(bufs);
	return failed;
}

/*
 * The kernel's acknowledgement is the whole of some steps' effect: a
 * create whose only values are the up flag (and a veth's peer, made by the
 * same request), a change of that flag, a change of master, a delete; each
 * fails with an error when it does not happen. Any other value may be
 * accepted and then ignored by a kernel that does not know it.
 */
int plan_acked(const struct plan *p)
{
	for (int i = 0; i < p->n; i++) {
		const struct op *op = &p->ops[i];

		/*
		 * An address or a route added is there once acknowledged; a
		 * deletion is not vouched for (an IPv4 primary takes its
		 * secondaries with it unless promote_secondaries is on).
		 */
		if (op->type == OP_DELETE || op->type == OP_MASTER || op->type == OP_ADDR_ADD ||
		    op->type == OP_ROUTE_ADD)
			continue;
		if ((op->type != OP_CREATE && op->type != OP_SET) || !op->kind)
			return 0;
		for (int f = 0; f < 32; f++) {
			const struct param *pr = (op->fields >> f) & 1 ? param_by_field(op->kind->params, f) : NULL;

			if ((op->fields >> f) & 1 && (!pr || (pr->nest != PN_FLAGS && !(pr->flags & PF_DECLARES))))
				return 0;
		}
	}
	return 1;
}

int plan_exec(struct vnet_ctx *ctx, struct plan *p)
{
	int r;

	if (p->n && !vnet_may_change_links())
		return vnet_fail(ctx, EPERM, "%s: changing links needs CAP_NET_ADMIN (run as root)",
				 p->ops[0].text ? p->ops[0].text : p->ops[0].name);
	/*
	 * The host before the first change: what a failure brings back, and
	 * in the journal what the next vnetctl brings back if this one dies.
	 */
	if (p->n && !p->rec) {
		if ((r = journal_take(ctx, p, &p->rec)) < 0)
			return r;
		ctx->known = record_state(p->rec);
	}
	for (int i = 0; i < p->n; i++) {
		int run = deletion_run(p, i);

		ctx->answer_lost = 0;
		if (run >= 8) {
			int d = delete_together(ctx, p, i, run);

			if (d == 0) {
				i += run - 1;
				continue;
			}
			if (d < 0)
				i = -d; /* the chunks before went; the rest one by one */
		}
		int nb = batch_len(p, i);

		r = 0;
		if (ctx->answer_lost) {
			r = -ctx->answer_lost; /* in a deletion together: fails at its chunk */
		} else if (nb >= 2) {
			/* Many requests, few sends: the kernel's work, not round trips. */
			int f = run_batch(ctx, p, i, nb, &r);

			i = f >= 0 ? f : i + nb - 1;
		} else {
			r = op_run(ctx, &p->ops[i]);
		}
		if (r < 0) {
			char ext[300] = "";

			p->failed = i;

			if (ctx->err.ext_msg[0])
				snprintf(ext, sizeof(ext), ": %s", ctx->err.ext_msg);
			char kmsg[sizeof(ctx->err.ext_msg)];

			snprintf(kmsg, sizeof(kmsg), "%s", ctx->err.ext_msg);
			unsigned int off = ctx->err.ext_off;
			/* A long step (a VLAN list) gives way in its middle, not the errno at the end. */
			char step[200];

			str_fit(step, sizeof(step), p->ops[i].text ? p->ops[i].text : p->ops[i].name);
			/* The answers lost (ENOBUFS): the kernel may have run this step and those sent with it. */
			int lost = ctx->answer_lost;
			const char *lacks = lost ? NULL : missing_text(ctx, &p->ops[i], -r, kmsg);
			/*
			 * Whatever ran (later requests of a batch too, a batch
			 * whose answers were lost, a write that failed after it
			 * was made) is undone: the host goes back to the record.
			 */
			char left[400];

			ctx->known = NULL;
			unsigned long ran = put_back(ctx, p, left, sizeof(left));
			const char *undone = i ? "; the steps before it were undone"
					     : ran ? "; what it changed was undone" : "";

			/* "this kernel has no bonding driver (...)", the kernel's words in brackets */
			if (lost)
				vnet_fail(ctx, -r, "%s: the kernel's answer was lost (%s); everything sent was undone",
					  step, strerror(-r));
			else if (lacks)
				vnet_fail(ctx, -r, "%s: %s (%s%s%s)%s", step, lacks, kmsg, kmsg[0] ? ": " : "",
					  strerror(-r), undone);
			else
				vnet_fail(ctx, -r, "%s: failed%s (%s)%s", step, ext, strerror(-r), undone);
			/* One mention of the errno is enough. */
			snprintf(ctx->err.ext_msg, sizeof(ctx->err.ext_msg), "%s", lost ? "" : kmsg);
			ctx->err.ext_off = lost ? 0 : off;
			warn_left(ctx, left);
			return r;
		}
		p->ops[i].done = 1;
	}
	ctx->known = NULL;
	return 0;
}

struct json_object *plan_json(struct vnet_ctx *ctx, const struct plan *p, int check)
{
	struct json_object *j = json_object_new_object(), *a = json_object_new_array();

	for (int i = 0; i < p->n; i++)
		json_object_array_add(a, json_object_new_string(p->ops[i].text));
	if (check) {
		json_object_object_add(j, "in_sync", json_object_new_boolean(p->n == 0));
	} else {
		json_object_object_add(j, "changed", json_object_new_boolean(p->n > 0));
		json_object_object_add(j, "dry_run",
				       json_object_new_boolean(!!(ctx->flags & VNET_F_DRY_RUN)));
	}
	json_object_object_add(j, "operations", a);
	/* Change requests sent (0 on a dry run or no change): for scripts and bench/. */
	if (!check)
		json_object_object_add(j, "requests", json_object_new_int64((int64_t)ctx->nreq));
	if (p->note)
		json_object_object_add(j, "note", json_object_new_string(p->note));
	return j;
}

void plan_print(struct vnet_ctx *ctx, const struct plan *p, const char *what)
{
	if (ctx->flags & VNET_F_JSON) {
		struct json_object *j = plan_json(ctx, p, 0);

		out_json(ctx, j);
		json_object_put(j);
		return;
	}
	if ((ctx->flags & VNET_F_QUIET) && !(ctx->flags & VNET_F_DRY_RUN))
		return;
	if (p->note)
		out_line(ctx, "%s: note: %s", what, p->note);
	if (!p->n)
		out_line(ctx, "%s: no change", what);
	for (int i = 0; i < p->n; i++)
		out_line(ctx, "%s", p->ops[i].text);
}
