// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The read side: one link dump (and, when VLANs matter, one AF_BRIDGE dump)
 * into a libnl link cache created without a socket. libnl's typed getters
 * give the generic fields; the kind modules decode their own IFLA_INFO_DATA,
 * which libnl 3.7 does not know for bridges.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>

#include "internal.h"
#include "value.h"
#include "obj.h"
#include "nl.h"
#include "state.h"
#include "addr.h"
#include "plan.h"
#include "kind.h"
#include "attr.h"

static void names_stale(struct state *st);

static struct link *new_link(struct state *st)
{
	struct link *l;

	if (st->n == st->cap) {
		int cap = st->cap ? st->cap * 2 : 64;
		void *nl = realloc(st->links, (size_t)cap * sizeof(*st->links));

		if (!nl)
			return NULL;
		st->links = nl;
		st->cap = cap;
	}
	l = &st->links[st->n++];
	memset(l, 0, sizeof(*l));
	return l;
}

int state_reserve(struct state *st, int more)
{
	if (st->n + more <= st->cap)
		return 0;
	void *nl = realloc(st->links, (size_t)(st->n + more) * sizeof(*st->links));

	if (!nl)
		return -ENOMEM;
	st->links = nl;
	st->cap = st->n + more;
	return 0;
}

const struct portvlan portvlan_empty;

struct obj *link_kobj_w(struct link *l)
{
	if (!l->kobj)
		l->kobj = obj_new(MAX_FIELDS);
	return l->kobj;
}

struct obj *link_pobj_w(struct link *l)
{
	if (!l->pobj)
		l->pobj = obj_new(MAX_FIELDS);
	return l->pobj;
}

void link_pobj_clear(struct link *l)
{
	obj_delete(l->pobj);
	l->pobj = NULL;
	free(l->vl);
	l->vl = NULL;
}

struct portvlan *link_vl_w(struct link *l)
{
	if (!l->vl && !(l->vl = calloc(1, sizeof(*l->vl))))
		abort();
	return l->vl;
}

void link_set_alias(struct link *l, const char *alias)
{
	free(l->alias);
	l->alias = NULL;
	if (alias && alias[0] && !(l->alias = strdup(alias)))
		abort();
}

static void link_free(struct link *l)
{
	obj_delete(l->kobj);
	link_pobj_clear(l);
	link_set_alias(l, NULL);
	l->kobj = NULL;
	free(l->info_raw);
	l->info_raw = NULL;
}

/* The generic fields, through libnl's parser and getters. */
/*
 * The part of a dumped message libnl reads for us: the header and the
 * generic attributes, copied with their lengths checked. libnl is spared
 * what vnetctl decodes itself (link info, VF lists); it cost time, and
 * libnl 3.7 mishandles some malformed ones (a NULL dereference on a veth
 * with xstats and no data, a leak in its VF list; found by fuzzing).
 */
static struct nl_msg *generic_part(const struct nlmsghdr *nlh)
{
	/* The attributes kept; the last of each type counts, as with libnl. */
	enum { K_NAME, K_ADDR, K_MTU, K_MASTER, K_GROUP, K_N };
	const struct nlattr *keep[K_N] = { NULL };
	char buf[1024]; /* the header and K_N attributes of 64 bytes at most */
	struct nlmsghdr *out;
	const struct nlattr *a;

	attr_for_each_msg(a, nlh, sizeof(struct ifinfomsg)) {
		uint16_t len = attr_len(a);
		int k;

		switch (attr_type(a)) {
		case IFLA_IFNAME:
			k = K_NAME;
			break;
		case IFLA_ADDRESS:
			k = K_ADDR;
			break;
		case IFLA_MTU:
			k = K_MTU;
			break;
		case IFLA_MASTER:
			k = K_MASTER;
			break;
		case IFLA_GROUP:
			k = K_GROUP;
			break;
		default:
			continue;
		}
		if (len < (k == K_NAME || k == K_ADDR ? 1 : 4) || len > 64)
			continue;
		if (k == K_NAME && memchr(attr_data(a), 0, len) == NULL)
			continue; /* libnl wants a NUL-terminated name */
		keep[k] = a;
	}
	/*
	 * No memset: libmnl zeroes each header as it puts it, and libnl's
	 * parser never reads an attribute's padding (which libmnl 1.0.4 leaves
	 * as it finds it; valgrind agrees).
	 */
	out = mnl_nlmsg_put_header(buf);
	out->nlmsg_type = nlh->nlmsg_type;
	out->nlmsg_flags = nlh->nlmsg_flags;
	out->nlmsg_seq = nlh->nlmsg_seq;
	out->nlmsg_pid = nlh->nlmsg_pid;
	memcpy(mnl_nlmsg_put_extra_header(out, sizeof(struct ifinfomsg)),
	       mnl_nlmsg_get_payload(nlh), sizeof(struct ifinfomsg));
	for (int k = 0; k < K_N; k++)
		if (keep[k])
			mnl_attr_put(out, attr_type(keep[k]), attr_len(keep[k]), attr_data(keep[k]));
	return nlmsg_convert(out);
}

static int read_generic(struct state *st, const struct nlmsghdr *nlh, struct link *l)
{
	struct nl_msg *msg = generic_part(nlh);
	struct rtnl_link *rl;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	int r;

	if (!msg)
		return -ENOMEM;
	r = nl_cache_parse_and_add(st->cache, msg);
	nlmsg_free(msg);
	if (r < 0)
		return -EINVAL;
	/* The cache appends what it parsed: the newest object is the last. */
	rl = (struct rtnl_link *)nl_cache_get_last(st->cache);
	if (!rl || rtnl_link_get_ifindex(rl) != ifm->ifi_index)
		rl = rtnl_link_get(st->cache, ifm->ifi_index);
	else
		nl_object_get((struct nl_object *)rl);
	if (!rl)
		return -ENOENT;
	l->ifindex = rtnl_link_get_ifindex(rl);
	str_copy(l->name, sizeof(l->name), rtnl_link_get_name(rl));
	l->master = rtnl_link_get_master(rl);
	l->flags = rtnl_link_get_flags(rl);
	l->mtu = rtnl_link_get_mtu(rl);
	l->group = rtnl_link_get_group(rl);
	struct nl_addr *a = rtnl_link_get_addr(rl);

	if (a && nl_addr_get_len(a) == 6) {
		memcpy(l->addr, nl_addr_get_binary_addr(a), 6);
		l->addrlen = 6;
	}
	/*
	 * The fields are ours now: the cached object goes, so that memory stays
	 * flat over 10,000 links (and libnl's duplicate checks stay cheap).
	 */
	nl_cache_remove((struct nl_object *)rl);
	rtnl_link_put(rl);
	return 0;
}

static void read_linkinfo(struct link *l, const struct nlattr *li)
{
	const struct nlattr *a, *data = NULL, *sdata = NULL;

	attr_for_each_nested(a, li) {
		switch (attr_type(a)) {
		case IFLA_INFO_KIND:
			attr_str(a, l->kind, sizeof(l->kind));
			break;
		case IFLA_INFO_SLAVE_KIND:
			attr_str(a, l->slave_kind, sizeof(l->slave_kind));
			break;
		case IFLA_INFO_DATA:
			data = a;
			break;
		case IFLA_INFO_SLAVE_DATA:
			sdata = a;
			break;
		}
	}
	const struct kind *k = kind_by_link_kind(l->kind);

	/*
	 * A vxlan names its lower device in its own data, never in IFLA_LINK,
	 * and the kernel deletes it with that device all the same
	 * (vxlan_handle_lowerdev_unregister): it is stacked on it.
	 */
	if (!strcmp(l->kind, "vxlan") && data && !l->link) {
		const struct nlattr *v;

		attr_for_each_nested(v, data)
			if (attr_type(v) == IFLA_VXLAN_LINK && attr_len(v) == 4)
				l->link = (int)attr_u32(v);
	}
	if (!k && data && attr_len(data) && l->kind[0] && !l->info_raw) {
		l->info_raw = malloc(attr_len(data));
		if (!l->info_raw)
			abort();
		memcpy(l->info_raw, attr_data(data), attr_len(data));
		l->info_raw_len = attr_len(data);
	}
	/* Each object as long as its kind's table: a link stays small. */
	if (k && k->decode && data) {
		if (!l->kobj)
			l->kobj = obj_new(param_fields(k->params));
		k->decode(l, data, 0);
	}
	k = kind_by_link_kind(l->slave_kind);
	if (k && k->decode && sdata) {
		/* A bond's slave fields are in a table of the bond module's own: all of them. */
		if (!l->pobj)
			l->pobj = obj_new(k->port_params ? param_fields(k->port_params) : MAX_FIELDS);
		k->decode(l, sdata, 1);
	}
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct state *st = data;
	const struct nlattr *a;
	struct link *l;

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return MNL_CB_OK;
	l = new_link(st);
	if (!l || read_generic(st, nlh, l) < 0)
		return MNL_CB_ERROR;
	attr_for_each_msg(a, nlh, sizeof(struct ifinfomsg)) {
		switch (attr_type(a)) {
		case IFLA_LINKINFO:
			read_linkinfo(l, a);
			break;
		case IFLA_PARENT_DEV_NAME:
			l->parent_dev = 1;
			attr_str(a, l->parent_name, sizeof(l->parent_name));
			break;
		case IFLA_PARENT_DEV_BUS_NAME:
			attr_str(a, l->parent_bus, sizeof(l->parent_bus));
			break;
		case IFLA_NUM_VF:
			l->num_vf = (int)attr_u32(a);
			break;
		case IFLA_LINK:
			l->link = (int)attr_u32(a);
			break;
		case IFLA_LINK_NETNSID:
			l->link_netns = 1;
			break;
		case IFLA_OPERSTATE:
			l->operstate = attr_u8(a);
			break;
		case IFLA_IFALIAS: {
			char alias[256];

			attr_str(a, alias, sizeof(alias));
			link_set_alias(l, alias);
			break;
		}
		}
	}
	return MNL_CB_OK;
}

static int link_reset(const struct nlmsghdr *nlh, void *data)
{
	struct state *st = data;

	for (int i = 0; i < st->n; i++)
		link_free(&st->links[i]);
	st->n = 0;
	names_stale(st);
	nl_cache_clear(st->cache);
	return MNL_CB_OK;
}

static int cmp_index(const void *a, const void *b)
{
	int x = ((const struct link *)a)->ifindex, y = ((const struct link *)b)->ifindex;

	return (x > y) - (x < y); /* no subtraction: indexes span the whole int */
}

struct link *state_by_index(struct state *st, int ifindex)
{
	struct link key = { .ifindex = ifindex };

	if (ifindex <= 0 || !st->n)
		return NULL;
	return bsearch(&key, st->links, (size_t)st->n, sizeof(key), cmp_index);
}

/* Positions changed (a sort, a dump begun again): the name index goes. */
static void names_stale(struct state *st)
{
	free(st->by_name);
	st->by_name = NULL;
	st->by_name_size = st->by_name_n = 0;
}

/*
 * Hashes the links not in the index yet: a file of 1000 statements asks
 * 1000 times, and a plan's simulated links come in one by one (each is
 * hashed once, when first asked for). The table grows (and is filled anew)
 * only when it would be over half full.
 */
static void index_names(struct state *st)
{
	int from = st->by_name_n;

	if (!st->by_name || 2 * st->n > st->by_name_size) {
		int size = 64;

		while (size < 4 * st->n)
			size *= 2;
		names_stale(st);
		st->by_name = calloc((size_t)size, sizeof(*st->by_name));
		if (!st->by_name)
			abort();
		st->by_name_size = size;
		from = 0;
	}
	for (int i = from; i < st->n; i++) {
		unsigned int m = (unsigned int)st->by_name_size - 1;
		unsigned int hash = name_hash(st->links[i].name), h = hash & m;

		while (st->by_name[h].pos)
			h = (h + 1) & m;
		st->by_name[h].pos = i + 1;
		st->by_name[h].hash = hash;
	}
	st->by_name_n = st->n;
}

struct link *state_by_name(struct state *st, const char *name)
{
	/* Links not in the index yet (none made, or simulated ones): index them. */
	if (st->n > st->by_name_n || !st->by_name)
		index_names(st);
	/* The first live link of that name, in position order, as a scan finds it. */
	struct link *best = NULL;
	unsigned int m = (unsigned int)st->by_name_size - 1;

	unsigned int hash = name_hash(name);

	for (unsigned int h = hash & m; st->by_name[h].pos; h = (h + 1) & m) {
		if (st->by_name[h].hash != hash)
			continue;
		struct link *l = &st->links[st->by_name[h].pos - 1];

		if (!l->deleted && !strcmp(l->name, name) && (!best || l < best))
			best = l;
	}
	return best;
}

static void sim_link_fields(struct link *l, const struct op *op)
{
	const struct param *tab = op->kind ? op->kind->params : NULL;

	for (const struct param *p = tab; p && p->word; p++) {
		if (!(op->fields & (1U << p->field)) || !obj_has(op_obj(op), p->field))
			continue;
		const struct val *v = &op_obj(op)->v[p->field];

		if (p->nest == PN_FLAGS)
			l->flags = v->u ? (l->flags | IFF_UP) : (l->flags & ~IFF_UP);
		else if (p->nest == PN_LINK && p->attr == IFLA_MTU)
			l->mtu = (unsigned int)v->u;
		else if (p->nest == PN_LINK && p->attr == IFLA_ADDRESS)
			memcpy(l->addr, v->mac, 6), l->addrlen = 6, l->mac_by = MAC_USER;
		else if (p->nest == PN_LINK && p->attr == IFLA_LINK)
			continue; /* a VLAN's lower device: set by the caller, by name */
		else if (p->nest == PN_INFO || p->nest == PN_VLANFLAG || p->type == PT_IFREF)
			obj_copy_field(link_kobj_w(l), op_obj(op), p->field);
	}
}

struct link *state_veth_peer(struct state *st, const struct link *l)
{
	struct link *p;

	if (l->link_netns || !l->link || strcmp(l->kind, "veth"))
		return NULL;
	p = state_by_index(st, l->link);
	if (!p || p->deleted || p->link_netns || p->link != l->ifindex || strcmp(p->kind, "veth"))
		return NULL;
	return p;
}

/*
 * A deleted link frees its ports, leaves its own master (no later step may
 * release it there), and takes the devices stacked on it (and a veth's peer)
 * along.
 */
static void sim_delete(struct state *st, struct link *l)
{
	struct link *peer = state_veth_peer(st, l);

	l->deleted = 1;
	l->master = 0;
	link_pobj_clear(l);
	if (peer)
		sim_delete(st, peer);
	for (int i = 0; i < st->n; i++) {
		struct link *o = &st->links[i];

		if (o->master == l->ifindex)
			o->master = 0;
		if (!o->deleted && o->link == l->ifindex && o != l && strcmp(o->kind, "veth"))
			sim_delete(st, o);
	}
}

static void index_ports(struct state *st)
{
	st->first_port = malloc((size_t)(st->n + 1) * sizeof(int));
	st->next_port = malloc((size_t)(st->n + 1) * sizeof(int));
	if (!st->first_port || !st->next_port)
		abort();
	for (int i = 0; i < st->n; i++)
		st->first_port[i] = st->next_port[i] = -1;
	for (int i = st->n - 1; i >= 0; i--) {
		struct link *m = state_by_index(st, st->links[i].master);

		if (!m)
			continue;
		st->next_port[i] = st->first_port[m - st->links];
		st->first_port[m - st->links] = i;
	}
}

struct link *state_port(struct state *st, const struct link *master, const struct link *prev)
{
	int i;

	if (st->dirty) {
		/* A simulated state changes masters as it goes: scan. */
		for (i = prev ? (int)(prev - st->links) + 1 : 0; i < st->n; i++)
			if (st->links[i].master == master->ifindex && !st->links[i].deleted)
				return &st->links[i];
		return NULL;
	}
	if (!st->first_port)
		index_ports(st);
	i = prev ? st->next_port[prev - st->links] : st->first_port[master - st->links];
	return i >= 0 ? &st->links[i] : NULL;
}

void state_simulate(struct state *st, const struct op *op)
{
	struct link *l = state_by_name(st, op->name);

	st->dirty = 1;
	switch (op->type) {
	case OP_CREATE: {
		struct link *n = new_link(st);

		if (!n)
			abort();
		n->ifindex = (1 << 30) + st->next_fake++;
		str_copy(n->name, sizeof(n->name), op->name);
		str_copy(n->kind, sizeof(n->kind), op->kind && op->kind->link_kind ? op->kind->link_kind : "");
		n->mtu = 1500;
		n->group = VNET_GROUP;
		n->mac_by = MAC_KERNEL;
		sim_link_fields(n, op);
		for (const struct param *p = op->kind ? op->kind->params : NULL; p && p->word; p++)
			if (p->nest == PN_LINK && p->attr == IFLA_LINK && obj_has(op_obj(op), p->field) &&
			    op_obj(op)->v[p->field].names.n) {
				struct link *low = state_by_name(st, op_obj(op)->v[p->field].names.names[0]);

				n->link = low ? low->ifindex : 0;
			}
		if (op->master[0]) {
			struct link *m = state_by_name(st, op->master);

			n->master = m ? m->ifindex : 0;
		}
		if (op->kind && op->kind->simulate)
			op->kind->simulate(st, op);
		break;
	}
	case OP_DELETE:
		if (l)
			sim_delete(st, l);
		break;
	case OP_SET:
		if (l) {
			unsigned int was = l->flags;

			sim_link_fields(l, op);
			if ((was & IFF_UP) && !(l->flags & IFF_UP))
				addr_simulate_down(st, l);
		}
		break;
	case OP_MASTER:
		if (l) {
			struct link *m = op->master[0] ? state_by_name(st, op->master) : NULL;

			l->master = m ? m->ifindex : 0;
			l->sim_joined = !!m;
			link_pobj_clear(l);
		}
		break;
	case OP_PORT:
		if (l)
			obj_copy_fields(link_pobj_w(l), op_obj(op), op->fields);
		break;
	case OP_VLAN_ADD:
	case OP_VLAN_DEL:
		for (int i = 0; l && i < op->nvlans; i++)
			for (unsigned int v = op->vlans[i].vid; v <= op->vlans[i].vid_end; v++) {
				struct portvlan *pv = link_vl_w(l);

				vlanset_del(&pv->member, v);
				vlanset_del(&pv->untagged, v);
				if (pv->pvid == v)
					pv->pvid = 0;
				if (op->type == OP_VLAN_DEL)
					continue;
				pv->have = 1;
				vlanset_add(&pv->member, v);
				if (op->vlans[i].flags & BRIDGE_VLAN_INFO_UNTAGGED)
					vlanset_add(&pv->untagged, v);
				if (op->vlans[i].flags & BRIDGE_VLAN_INFO_PVID)
					pv->pvid = v;
			}
		break;
	case OP_SYSFS:
		if (l && op->wait_vfs) {
			l->num_vf = (int)op->sysval;
			l->sim_vfs = 1;
		}
		break;
	case OP_KIND:
		if (op->kind && op->kind->simulate)
			op->kind->simulate(st, op);
		break;
	case OP_ADDR_ADD:
	case OP_ADDR_DEL:
	case OP_ROUTE_ADD:
	case OP_ROUTE_DEL:
		if (l)
			addr_simulate(st, l, op);
		break;
	case OP_LINK:
		break; /* a rollback's step: never planned ahead of others */
	}
}

void state_mac_by_from(struct state *to, struct state *from)
{
	for (int i = 0; i < from->n; i++) {
		struct link *l = from->links[i].mac_by != MAC_READ && !from->links[i].deleted
					 ? state_by_name(to, from->links[i].name)
					 : NULL;

		if (l)
			l->mac_by = from->links[i].mac_by;
	}
}

struct link *state_sim_link(struct state *st, const char *name, const char *kind)
{
	struct link *n = new_link(st);

	if (!n)
		abort();
	st->dirty = 1;
	n->ifindex = (1 << 30) + st->next_fake++;
	str_copy(n->name, sizeof(n->name), name);
	str_copy(n->kind, sizeof(n->kind), kind);
	n->mtu = 1500;
	n->group = VNET_GROUP;
	n->mac_by = MAC_KERNEL;
	return n;
}

const char *state_name(struct state *st, int ifindex)
{
	struct link *l = state_by_index(st, ifindex);

	return l ? l->name : "?";
}

/* One port's VLAN entries from an AF_BRIDGE message (ranges or single). */
static int brvlan_cb(const struct nlmsghdr *nlh, void *data)
{
	struct state *st = data;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a, *v;
	struct link *l;
	unsigned int range_start = 0;

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifm)))
		return MNL_CB_OK;
	l = state_by_index(st, ifm->ifi_index);
	if (!l || l->ifindex == 0)
		return MNL_CB_OK;
	attr_for_each_msg(a, nlh, sizeof(*ifm)) {
		if (attr_type(a) != IFLA_AF_SPEC)
			continue;
		attr_for_each_nested(v, a) {
			const struct bridge_vlan_info *vi;
			unsigned int from, to;

			if (attr_type(v) != IFLA_BRIDGE_VLAN_INFO ||
			    attr_len(v) < sizeof(*vi))
				continue;
			vi = attr_data(v);
			if (vi->flags & BRIDGE_VLAN_INFO_RANGE_BEGIN) {
				range_start = vi->vid;
				continue;
			}
			from = (vi->flags & BRIDGE_VLAN_INFO_RANGE_END) ? range_start : vi->vid;
			to = vi->vid;
			if (from > to || to >= VLAN_N)
				continue;
			/* A bridge's own entries (its "self" VLANs) are kept in its vl as a port's. */
			struct portvlan *pv = link_vl_w(l);

			pv->have = 1;
			for (unsigned int id = from; id <= to; id++) {
				vlanset_add(&pv->member, id);
				if (vi->flags & BRIDGE_VLAN_INFO_UNTAGGED)
					vlanset_add(&pv->untagged, id);
				if (vi->flags & BRIDGE_VLAN_INFO_PVID)
					pv->pvid = id;
			}
		}
	}
	return MNL_CB_OK;
}

static int brvlan_reset(const struct nlmsghdr *nlh, void *data)
{
	struct state *st = data;

	for (int i = 0; i < st->n; i++) {
		free(st->links[i].vl);
		st->links[i].vl = NULL;
	}
	return MNL_CB_OK;
}

struct state *state_copy_links(const struct state *src)
{
	struct state *st = calloc(1, sizeof(*st));

	if (!st || state_init(st) < 0 || !(st->links = calloc((size_t)src->n + 1, sizeof(*st->links)))) {
		if (st)
			state_free(st);
		free(st);
		return NULL;
	}
	st->cap = src->n + 1;
	for (int i = 0; i < src->n; i++) {
		const struct link *s = &src->links[i];
		struct link *l = &st->links[st->n++];

		*l = *s;
		l->kobj = s->kobj ? obj_dup(s->kobj) : NULL;
		l->pobj = s->pobj ? obj_dup(s->pobj) : NULL;
		l->vl = NULL;
		l->alias = NULL;
		l->info_raw = NULL;
		if (s->vl)
			*link_vl_w(l) = *s->vl;
		link_set_alias(l, s->alias);
		if (s->info_raw && !(l->info_raw = malloc(s->info_raw_len)))
			abort();
		if (s->info_raw)
			memcpy(l->info_raw, s->info_raw, s->info_raw_len);
	}
	st->what = ST_LINKS;
	st->next_fake = src->next_fake;
	return st;
}

int state_init(struct state *st)
{
	memset(st, 0, sizeof(*st));
	return rtnl_link_alloc_cache(NULL, AF_UNSPEC, &st->cache) < 0 ? -ENOMEM : 0;
}

int state_decode_msg(struct state *st, const struct nlmsghdr *nlh, int family)
{
	int r = family == AF_BRIDGE ? brvlan_cb(nlh, st) : link_cb(nlh, st);

	/* A dump's links come in index order: sorted again only when one does not (not n log n each). */
	if (family != AF_BRIDGE && st->n > 1 && cmp_index(&st->links[st->n - 2], &st->links[st->n - 1]) > 0)
		qsort(st->links, (size_t)st->n, sizeof(*st->links), cmp_index), names_stale(st);
	return r == MNL_CB_ERROR ? -EINVAL : 0;
}

int state_name_refs(struct state *st)
{
	/* Links named by index (a bond's primary, say) get their names now. */
	for (int i = 0; i < st->n; i++) {
		const struct kind *k = kind_by_link_kind(st->links[i].kind);
		struct obj *o = st->links[i].kobj;

		for (const struct param *p = k && o ? k->params : NULL; p && p->word; p++) {
			struct val *v = &o->v[p->field];

			if (p->type != PT_IFREF || !obj_has(o, p->field) || !v->u || v->names.n)
				continue;
			v->names.names = calloc(1, sizeof(*v->names.names));
			if (!v->names.names)
				return -ENOMEM;
			str_copy(v->names.names[0], VNET_NAMSIZ, state_name(st, (int)v->u));
			v->names.n = 1;
		}
	}
	return 0;
}

/*
 * The kernel deletes what is stacked on a device with it (its VLANs,
 * macvlans, a vxlan that names it): the delete step says so.
 */
const char *vlan_uppers_text(struct state *st, const struct link *lower)
{
	static char txt[200];
	size_t n = 0;

	txt[0] = 0;
	/* The VLANs in one list, as before; then each other device with its kind. */
	for (int pass = 0; pass < 2; pass++) {
		int first = 1;

		for (int i = 0; i < st->n; i++) {
			const struct link *l = &st->links[i];
			int vlan = !strcmp(l->kind, "vlan");

			if (l->deleted || l->link_netns || l->link != lower->ifindex || l == lower ||
			    !strcmp(l->kind, "veth") || vlan != !pass || n >= sizeof(txt) - 64)
				continue;
			const char *sep = !n ? " (and with it " : vlan && !first ? "," : ", ";

			if (vlan)
				n += (size_t)snprintf(txt + n, sizeof(txt) - n, "%s%s%s", sep,
						      first ? "the VLANs " : "", l->name);
			else
				n += (size_t)snprintf(txt + n, sizeof(txt) - n, "%sthe %s %s", sep,
						      l->kind[0] ? l->kind : "device", l->name);
			first = 0;
		}
	}
	if (n)
		snprintf(txt + n, sizeof(txt) - n, ")");
	return txt;
}

int state_has_vlan_entries(const struct state *st)
{
	for (int i = 0; i < st->n; i++) {
		const struct link *l = &st->links[i];
		const struct kind *k = kind_by_link_kind(l->kind);

		if (!strcmp(l->slave_kind, "bridge") || (k && k->own_vlans && k->own_vlans(l)))
			return 1;
	}
	return 0;
}

int state_load(struct vnet_ctx *ctx, struct state *st, unsigned int what)
{
	int r;

	/* A reading lent for a read-only pass over every kind. */
	if (ctx->shared && (ctx->shared->what & what) == what) {
		/* The index lives with the lender, which frees it. */
		if (!ctx->shared->first_port && !ctx->shared->dirty)
			index_ports(ctx->shared);
		/* Indexed here, so that a borrower never makes a table of its own. */
		if (!ctx->shared->by_name || ctx->shared->n > ctx->shared->by_name_n)
			index_names(ctx->shared);
		*st = *ctx->shared;
		st->borrowed = 1;
		return 0;
	}
	struct nl_tap *keep = ctx->tap && ctx->tap->keep_links && !ctx->tap->links &&
			      !(ctx->tap->done & TAP_LINK) ? ctx->tap : NULL;

	memset(st, 0, sizeof(*st));
	st->what = what;
	if (rtnl_link_alloc_cache(NULL, AF_UNSPEC, &st->cache) < 0)
		return vnet_fail(ctx, ENOMEM, "cannot allocate a link cache");
	r = nlm_dump(ctx, AF_UNSPEC, RTEXT_FILTER_VF | RTEXT_FILTER_BRVLAN | RTEXT_FILTER_SKIP_STATS, link_cb, link_reset,
		    st);
	if (r < 0)
		return ctx->err.msg[0] ? r : vnet_fail(ctx, -r, "cannot read the links");
	if (st->n)
		qsort(st->links, (size_t)st->n, sizeof(*st->links), cmp_index), names_stale(st);
	if (state_name_refs(st) < 0)
		return vnet_fail(ctx, ENOMEM, "out of memory");
	if (keep && (keep->done & TAP_LINK))
		keep->links = state_copy_links(st);
	int ports = state_has_vlan_entries(st);

	if ((what & ST_BRVLANS) && !ports)
		st->have_vlans = 1;
	else if (what & ST_BRVLANS) {
		r = nlm_dump(ctx, AF_BRIDGE, RTEXT_FILTER_BRVLAN_COMPRESSED, brvlan_cb,
			    brvlan_reset, st);
		if (r < 0)
			return vnet_fail(ctx, -r, "cannot read the bridge VLANs");
		st->have_vlans = st->vlans_dumped = 1;
	}
	return (what & ST_ADDRS) ? state_load_addrs(ctx, st) : 0;
}

int state_load_addrs(struct vnet_ctx *ctx, struct state *st)
{
	int r;

	if (st->addrs)
		return 0;
	st->addrs = calloc(1, sizeof(*st->addrs));
	st->routes = calloc(1, sizeof(*st->routes));
	if (!st->addrs || !st->routes)
		return vnet_fail(ctx, ENOMEM, "out of memory");
	r = addrs_load(ctx, st->addrs);
	if (r == 0)
		r = routes_load(ctx, st->routes);
	if (r < 0)
		return vnet_fail(ctx, -r, "cannot read the addresses and routes");
	st->what |= ST_ADDRS;
	return 0;
}

void state_free(struct state *st)
{
	if (st->borrowed) {
		memset(st, 0, sizeof(*st));
		return;
	}
	for (int i = 0; i < st->n; i++)
		link_free(&st->links[i]);
	free(st->links);
	free(st->first_port);
	free(st->next_port);
	free(st->by_name);
	if (st->cache)
		nl_cache_free(st->cache);
	if (st->addrs) {
		free(st->addrs->a);
		free(st->addrs->count);
	}
	free(st->addrs);
	if (st->routes)
		routeset_free(st->routes);
	free(st->routes);
	memset(st, 0, sizeof(*st));
}
