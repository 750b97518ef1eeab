// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vf kind: SR-IOV virtual functions. The count goes through sysfs
 * (sriov_numvfs under the PF's device, found through netlink so that it
 * works from any namespace); each VF's settings through IFLA_VFINFO_LIST.
 * The VF table is read with a GET of the PF, which the kernel sizes for
 * the whole table, and a table shorter than IFLA_NUM_VF is reported rather
 * than taken for the truth.
 */
#include "../internal.h" /* net/if.h before linux/if.h */
#include "../value.h"
#include "../obj.h"
#include "../nl.h"
#include "../state.h"
#include "../plan.h"
#include "../kind.h"
#include "../sysfs.h"
#include "../out.h"
#include "../attr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "../diagnose.h"

enum {
	F_MAC, F_VLAN, F_QOS, F_PROTO, F_MINRATE, F_MAXRATE, F_SPOOF, F_TRUST, F_STATE, F_RSS,
};

static const char *const proto_names[] = { "802.1q", "802.1ad", NULL };
static const uint64_t proto_values[] = { ETH_P_8021Q, ETH_P_8021AD };
static const char *const state_names[] = { "auto", "enable", "disable", NULL };

#define BOOLP(w, f, h) { w, f, PT_BOOL, 0, 1, NULL, NULL, PN_NONE, 0, 0, "on|off", h, 0 }

static const struct param vf_params[] = {
	{ "mac", F_MAC, PT_MAC, 0, 0, NULL, NULL, PN_NONE, 0, 0, "MAC",
	  "the VF's MAC address (unicast)", 0 },
	{ "vlan", F_VLAN, PT_PVID, 0, 0, NULL, NULL, PN_NONE, 0, 0, "N|none",
	  "port VLAN the PF tags the VF's traffic with, 1-4094; 0 or none: no VLAN", 0 },
	{ "qos", F_QOS, PT_UINT, 0, 7, NULL, NULL, PN_NONE, 0, 0, "N",
	  "802.1p priority of that VLAN tag, 0-7 (needs a vlan)", 0 },
	{ "proto", F_PROTO, PT_ENUM, 0, 0, proto_names, proto_values, PN_NONE, 0, 0,
	  "802.1q|802.1ad", "the VLAN tag's protocol (default 802.1q)", 0 },
	{ "min-rate", F_MINRATE, PT_UINT, 0, UINT32_MAX, NULL, NULL, PN_NONE, 0, 0, "MBPS",
	  "guaranteed transmit rate in Mbit/s, 0 none; at most max-rate", 0 },
	{ "max-rate", F_MAXRATE, PT_UINT, 0, UINT32_MAX, NULL, NULL, PN_NONE, 0, 0, "MBPS",
	  "transmit rate limit in Mbit/s, 0 none", 0 },
	{ "rate", F_MAXRATE, PT_UINT, 0, UINT32_MAX, NULL, NULL, PN_NONE, 0, 0, "MBPS",
	  "the same as max-rate (ip's older name)", 0 },
	BOOLP("spoofchk", F_SPOOF, "drop frames the VF sends with another source MAC"),
	BOOLP("trust", F_TRUST, "let the VF change its MAC and enter promiscuous mode"),
	{ "state", F_STATE, PT_ENUM, 0, 0, state_names, NULL, PN_NONE, 0, 0, "auto|enable|disable",
	  "the VF's link: follow the PF, always up, always down", 0 },
	BOOLP("query-rss", F_RSS, "let the VF query the PF's RSS table and key"),
	{ 0 }
};

/* The steps: each sends one IFLA_VF_* attribute, with the fields it carries. */
static const uint32_t groups[] = {
	1U << F_MAC,
	(1U << F_VLAN) | (1U << F_QOS) | (1U << F_PROTO),
	(1U << F_MINRATE) | (1U << F_MAXRATE),
	1U << F_SPOOF,
	1U << F_TRUST,
	1U << F_STATE,
	1U << F_RSS,
};
#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

/* The PF's VF table from one GET. */
struct vftab {
	int num_vf;  /* IFLA_NUM_VF, -1 when absent */
	int listed;  /* IFLA_VF_INFO entries */
	struct obj *vf;
};

static void vftab_free(struct vftab *t)
{
	for (int i = 0; i < t->listed; i++)
		obj_free(&t->vf[i]);
	free(t->vf);
	memset(t, 0, sizeof(*t));
}

/* A driver that lacks a setting reports it as -1 (or ~0): leave it unknown. */
static void set_known(struct obj *o, int f, uint32_t v)
{
	if (v != UINT32_MAX)
		obj_set_u(o, f, v);
}

static void decode_vf(const struct nlattr *info, struct obj *o)
{
	const struct nlattr *a, *v;

	mnl_attr_for_each_nested(a, info) {
		const void *p = mnl_attr_get_payload(a);
		size_t len = mnl_attr_get_payload_len(a);

		switch (mnl_attr_get_type(a)) {
		case IFLA_VF_MAC:
			if (len >= sizeof(struct ifla_vf_mac)) {
				memcpy(o->v[F_MAC].mac, ((const struct ifla_vf_mac *)p)->mac, 6);
				o->mask |= 1U << F_MAC;
			}
			break;
		case IFLA_VF_VLAN:
			if (len >= sizeof(struct ifla_vf_vlan) && !obj_has(o, F_PROTO)) {
				obj_set_u(o, F_VLAN, ((const struct ifla_vf_vlan *)p)->vlan);
				obj_set_u(o, F_QOS, ((const struct ifla_vf_vlan *)p)->qos);
				obj_set_u(o, F_PROTO, ETH_P_8021Q);
			}
			break;
		case IFLA_VF_VLAN_LIST:
			/* The protocol travels here, in network byte order. */
			mnl_attr_for_each_nested(v, a) {
				const struct ifla_vf_vlan_info *vi = mnl_attr_get_payload(v);

				if (mnl_attr_get_type(v) != IFLA_VF_VLAN_INFO ||
				    mnl_attr_get_payload_len(v) < sizeof(*vi))
					continue;
				obj_set_u(o, F_VLAN, vi->vlan);
				obj_set_u(o, F_QOS, vi->qos);
				/* Some drivers report 0 when no VLAN is set: that is 802.1Q. */
				obj_set_u(o, F_PROTO, vi->vlan_proto ? ntohs(vi->vlan_proto) : ETH_P_8021Q);
				break;
			}
			break;
		case IFLA_VF_RATE:
			if (len >= sizeof(struct ifla_vf_rate)) {
				obj_set_u(o, F_MINRATE, ((const struct ifla_vf_rate *)p)->min_tx_rate);
				obj_set_u(o, F_MAXRATE, ((const struct ifla_vf_rate *)p)->max_tx_rate);
			}
			break;
		case IFLA_VF_SPOOFCHK:
			if (len >= sizeof(struct ifla_vf_spoofchk))
				set_known(o, F_SPOOF, ((const struct ifla_vf_spoofchk *)p)->setting);
			break;
		case IFLA_VF_TRUST:
			if (len >= sizeof(struct ifla_vf_trust))
				set_known(o, F_TRUST, ((const struct ifla_vf_trust *)p)->setting);
			break;
		case IFLA_VF_LINK_STATE:
			if (len >= sizeof(struct ifla_vf_link_state))
				set_known(o, F_STATE, ((const struct ifla_vf_link_state *)p)->link_state);
			break;
		case IFLA_VF_RSS_QUERY_EN:
			if (len >= sizeof(struct ifla_vf_rss_query_en))
				set_known(o, F_RSS, ((const struct ifla_vf_rss_query_en *)p)->setting);
			break;
		}
	}
}

static int vftab_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vftab *t = data;
	const struct nlattr *a, *i;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) == IFLA_NUM_VF)
			t->num_vf = (int)attr_u32(a);
		if (mnl_attr_get_type(a) != IFLA_VFINFO_LIST)
			continue;
		mnl_attr_for_each_nested(i, a) {
			void *n = realloc(t->vf, (size_t)(t->listed + 1) * sizeof(*t->vf));

			if (!n)
				return MNL_CB_ERROR;
			t->vf = n;
			obj_init(&t->vf[t->listed]);
			decode_vf(i, &t->vf[t->listed]);
			t->listed++;
		}
	}
	return MNL_CB_OK;
}

/* Reads the PF's VF table; a table shorter than the count is an error. */
static int vftab_check(struct vnet_ctx *ctx, const char *what, const char *pf, struct vftab *t);

static int read_vfs(struct vnet_ctx *ctx, const char *what, const char *pf, struct vftab *t)
{
	int r;

	memset(t, 0, sizeof(*t));
	t->num_vf = -1;
	r = nlm_getlink(ctx, pf, vftab_cb, t);
	if (r < 0)
		return vnet_fail(ctx, -r, "%s: cannot read the VF table of %s", what, pf);
	return vftab_check(ctx, what, pf, t);
}

/* A table as read: its count known, every VF listed. */
static int vftab_check(struct vnet_ctx *ctx, const char *what, const char *pf, struct vftab *t)
{
	if (t->num_vf < 0)
		t->num_vf = 0;
	if (t->listed < t->num_vf)
		return vnet_fail(ctx, EMSGSIZE,
				 "%s: the kernel listed only %d of the %d VFs of %s (a truncated IFLA_VFINFO_LIST); cannot check them",
				 what, t->listed, t->num_vf, pf);
	return 0;
}

/* The PF: a link with a device behind it. */
static const struct link *find_pf(struct vnet_ctx *ctx, struct state *st, const char *what,
				  const char *pf, int *r)
{
	const struct link *l = state_by_name(st, pf);
	char kind[40] = "";

	*r = 0;
	if (!l) {
		*r = vnet_fail(ctx, ENODEV, "%s: no such interface", what);
		return NULL;
	}
	if (l->parent_dev && l->parent_bus[0])
		return l;
	if (l->kind[0])
		snprintf(kind, sizeof(kind), " (a %s)", l->kind);
	*r = vnet_fail(ctx, EOPNOTSUPP, "%s: %s%s has no device behind it, so no SR-IOV", what, pf,
		       kind);
	return NULL;
}

static int count_plan(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		      struct plan *plan)
{
	const char *pf = s->arg[0];
	int r;
	const struct link *l = find_pf(ctx, st, s->what, pf, &r);
	uint64_t total, cur;
	char rel[256];

	if (!l)
		return r;
	r = sysfs_dev_read(ctx, l->parent_bus, l->parent_name, "sriov_numvfs", &cur);
	if (r == 0 && l->sim_vfs)
		cur = (uint64_t)l->num_vf; /* an earlier statement of the file sets it */
	if (r < 0)
		return vnet_fail(ctx, -r, "%s: %s/%s has no SR-IOV (sriov_numvfs)", s->what,
				 l->parent_bus, l->parent_name);
	if (sysfs_dev_read(ctx, l->parent_bus, l->parent_name, "sriov_totalvfs", &total) == 0 &&
	    s->count > total)
		return vnet_fail(ctx, ERANGE, "%s: %s supports at most %llu VFs", s->what, pf,
				 (unsigned long long)total);
	if (cur == s->count)
		return 0;
	r = sysfs_dev_path(ctx, l->parent_bus, l->parent_name, "sriov_numvfs", rel, sizeof(rel));
	if (r < 0)
		return vnet_fail(ctx, -r, "%s: %s/%s is no usable sysfs path", s->what,
				 l->parent_bus, l->parent_name);
	if (cur && s->count) {
		/* The kernel refuses one non-zero count for another (EBUSY). */
		struct op *op = plan_add(plan, OP_SYSFS, &kind_vf, pf);

		op_set_path(op, rel);
		op->sysval = 0;
		op->wait_vfs = 1;
		op_textf(op, "%s: count %llu -> 0 (a count changes only through 0)", s->what,
			 (unsigned long long)cur);
		cur = 0;
	}
	struct op *op = plan_add(plan, OP_SYSFS, &kind_vf, pf);

	op_set_path(op, rel);
	op->sysval = s->count;
	op->wait_vfs = 1;
	op_textf(op, "%s: count %llu -> %llu", s->what, (unsigned long long)cur,
		 (unsigned long long)s->count);
	return 0;
}

/* Fills the fields of group g that want lacks from cur, so one attribute is whole. */
static void complete_group(struct obj *o, const struct obj *want, const struct obj *cur,
			   uint32_t g)
{
	for (int f = 0; f < MAX_FIELDS; f++) {
		if (!(g & (1U << f)))
			continue;
		if (obj_has(want, f))
			obj_copy_field(o, want, f);
		else if (obj_has(cur, f))
			obj_copy_field(o, cur, f);
	}
}

static int vf_set_plan(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		       const struct obj *want, struct plan *plan)
{
	const char *pf = s->arg[0];
	struct vftab t;
	int r;
	const struct link *l = state_by_name(st, pf);

	if (!l)
		return vnet_fail(ctx, ENODEV, "%s: no such interface", s->what);
	if (l->sim_vfs) {
		/* A file sets the count first: VFs that do not exist yet, settings unknown. */
		memset(&t, 0, sizeof(t));
		t.num_vf = t.listed = l->num_vf;
		t.vf = calloc((size_t)t.listed + 1, sizeof(*t.vf));
		if (!t.vf)
			return vnet_fail(ctx, ENOMEM, "out of memory");
		for (int i = 0; i < t.listed; i++)
			obj_init(&t.vf[i]);
		r = 0;
	} else {
		r = read_vfs(ctx, s->what, pf, &t);
	}
	if (r < 0)
		goto out;
	if (t.num_vf == 0) {
		if (!find_pf(ctx, st, s->what, pf, &r))
			goto out;
		r = vnet_fail(ctx, ENOENT, "%s: %s has no VFs; set a count first (vf count %s N)",
			      s->what, pf, pf);
		goto out;
	}
	unsigned int lo = s->vf_all ? 0 : s->vf_lo, hi = s->vf_all ? (unsigned int)t.num_vf - 1 : s->vf_hi;

	/* The range is checked whole before anything changes. */
	if (hi >= (unsigned int)t.num_vf) {
		r = vnet_fail(ctx, ERANGE, "%s: VF %u is beyond the count (%s has %d VFs: 0-%d)", s->what,
			      hi, pf, t.num_vf, t.num_vf - 1);
		goto out;
	}
	for (unsigned int vf = lo; vf <= hi; vf++) {
		const struct obj *cur = &t.vf[vf];
		char what[64];

		snprintf(what, sizeof(what), "vf %s %u", pf, vf);
		for (size_t g = 0; g < NGROUPS; g++) {
			if (!(want->mask & groups[g]))
				continue;
			struct obj o;

			obj_init(&o);
			complete_group(&o, want, cur, groups[g]);
			/* Clearing the VLAN clears its priority and protocol too. */
			if (groups[g] & (1U << F_VLAN) && obj_has(want, F_VLAN) && !want->v[F_VLAN].u) {
				if (!obj_has(want, F_QOS))
					obj_set_u(&o, F_QOS, 0);
				if (!obj_has(want, F_PROTO))
					obj_set_u(&o, F_PROTO, ETH_P_8021Q);
			}
			if ((groups[g] & (1U << F_QOS)) && o.v[F_QOS].u && !o.v[F_VLAN].u) {
				obj_free(&o);
				r = vnet_fail(ctx, EINVAL, "%s: qos %llu needs a vlan (the VF has none)",
					      what, (unsigned long long)o.v[F_QOS].u);
				goto out;
			}
			if ((groups[g] & (1U << F_MINRATE)) && o.v[F_MAXRATE].u &&
			    o.v[F_MINRATE].u > o.v[F_MAXRATE].u) {
				r = vnet_fail(ctx, EINVAL, "%s: min-rate %llu is above max-rate %llu", what,
					      (unsigned long long)o.v[F_MINRATE].u,
					      (unsigned long long)o.v[F_MAXRATE].u);
				obj_free(&o);
				goto out;
			}
			uint32_t diff = 0;

			for (int f = 0; f < MAX_FIELDS; f++)
				if ((groups[g] & (1U << f)) && obj_has(&o, f) &&
				    (!obj_has(cur, f) ||
				     !val_equal(param_by_field(vf_params, f), &o.v[f], &cur->v[f])))
					diff |= 1U << f;
			if (diff) {
				char txt[512];
				struct op *op = plan_add(plan, OP_KIND, &kind_vf, pf);

				op->index = (int)vf;
				obj_copy_fields(op_obj_w(op), &o, groups[g]);
				op->fields = groups[g];
				obj_format_changes(vf_params, &o, cur, diff, txt, sizeof(txt));
				op_textf(op, "%s: set %s", what, txt);
			}
			obj_free(&o);
		}
	}
out:
	vftab_free(&t);
	return r;
}

static int vf_plan(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		   const struct obj *want, struct plan *plan)
{
	if (s->verb == V_COUNT)
		return count_plan(ctx, st, s, plan);
	return vf_set_plan(ctx, st, s, want, plan);
}

/* Checks across keywords, before the host is read. */
static int vf_check(struct vnet_ctx *ctx, const struct stmt *s, const struct obj *want)
{
	if (obj_has(want, F_QOS) && want->v[F_QOS].u && obj_has(want, F_VLAN) && !want->v[F_VLAN].u)
		return vnet_usage(ctx, want->word[F_QOS] + 1, "%s: qos: \"%s\": needs a vlan, not none",
				  s->what, s->argv[want->word[F_QOS] + 1]);
	if (obj_has(want, F_MINRATE) && obj_has(want, F_MAXRATE) && want->v[F_MAXRATE].u &&
	    want->v[F_MINRATE].u > want->v[F_MAXRATE].u)
		return vnet_usage(ctx, want->word[F_MINRATE] + 1,
				  "%s: min-rate: \"%s\": above max-rate %llu", s->what,
				  s->argv[want->word[F_MINRATE] + 1],
				  (unsigned long long)want->v[F_MAXRATE].u);
	return 0;
}

static struct nlmsghdr *vf_build(struct vnet_ctx *ctx, const struct op *op, char *buf)
{
	struct nlmsghdr *nlh = nlm_msg_start(buf, RTM_NEWLINK, 0);
	const struct obj *o = op_obj(op);
	uint32_t vf = (uint32_t)op->index, m = op->fields;
	struct nlattr *list, *info;

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, op->name);
	list = mnl_attr_nest_start(nlh, IFLA_VFINFO_LIST);
	info = mnl_attr_nest_start(nlh, IFLA_VF_INFO);
	if (m & (1U << F_MAC)) {
		struct ifla_vf_mac a = { .vf = vf };

		memcpy(a.mac, o->v[F_MAC].mac, 6);
		mnl_attr_put(nlh, IFLA_VF_MAC, sizeof(a), &a);
	}
	if (m & (1U << F_VLAN)) {
		/* vlan_proto in network byte order (libnl 3.7 sends it wrongly). */
		struct ifla_vf_vlan_info a = { .vf = vf, .vlan = (uint32_t)o->v[F_VLAN].u,
					       .qos = (uint32_t)o->v[F_QOS].u,
					       .vlan_proto = htons((uint16_t)o->v[F_PROTO].u) };
		struct nlattr *vl = mnl_attr_nest_start(nlh, IFLA_VF_VLAN_LIST);

		if (!a.vlan_proto)
			a.vlan_proto = htons(ETH_P_8021Q);
		mnl_attr_put(nlh, IFLA_VF_VLAN_INFO, sizeof(a), &a);
		mnl_attr_nest_end(nlh, vl);
	}
	if (m & (1U << F_MAXRATE)) {
		struct ifla_vf_rate a = { .vf = vf, .min_tx_rate = (uint32_t)o->v[F_MINRATE].u,
					  .max_tx_rate = (uint32_t)o->v[F_MAXRATE].u };

		mnl_attr_put(nlh, IFLA_VF_RATE, sizeof(a), &a);
	}
	if (m & (1U << F_SPOOF)) {
		struct ifla_vf_spoofchk a = { .vf = vf, .setting = (uint32_t)o->v[F_SPOOF].u };

		mnl_attr_put(nlh, IFLA_VF_SPOOFCHK, sizeof(a), &a);
	}
	if (m & (1U << F_TRUST)) {
		struct ifla_vf_trust a = { .vf = vf, .setting = (uint32_t)o->v[F_TRUST].u };

		mnl_attr_put(nlh, IFLA_VF_TRUST, sizeof(a), &a);
	}
	if (m & (1U << F_STATE)) {
		struct ifla_vf_link_state a = { .vf = vf, .link_state = (uint32_t)o->v[F_STATE].u };

		mnl_attr_put(nlh, IFLA_VF_LINK_STATE, sizeof(a), &a);
	}
	if (m & (1U << F_RSS)) {
		struct ifla_vf_rss_query_en a = { .vf = vf, .setting = (uint32_t)o->v[F_RSS].u };

		mnl_attr_put(nlh, IFLA_VF_RSS_QUERY_EN, sizeof(a), &a);
	}
	mnl_attr_nest_end(nlh, info);
	mnl_attr_nest_end(nlh, list);
	return nlh;
}

/* ---- show ---- */

static int show_pf(struct vnet_ctx *ctx, const struct link *l, struct json_object *arr,
		   int config)
{
	struct vftab t;
	int r = read_vfs(ctx, "vf show", l->name, &t);

	if (r < 0) {
		vftab_free(&t);
		return r;
	}
	if (config && t.num_vf)
		out_line(ctx, "vf count %s %d", l->name, t.num_vf);
	struct json_object *pj = NULL, *vfs = NULL;

	if (arr) {
		pj = json_object_new_object();
		vfs = json_object_new_array();
		json_object_object_add(pj, "pf", json_object_new_string(l->name));
		json_object_object_add(pj, "count", json_object_new_int(t.num_vf));
	}
	for (int i = 0; i < t.listed; i++) {
		struct obj *o = &t.vf[i];
		const uint8_t *mac = o->v[F_MAC].mac;

		/* A zero MAC is "none": not something a statement can say. */
		if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
			o->mask &= ~(1U << F_MAC);
		if (vfs) {
			struct json_object *j = json_object_new_object();

			json_object_object_add(j, "vf", json_object_new_int(i));
			json_add_fields(j, vf_params, o);
			json_object_array_add(vfs, j);
		} else if (config) {
			char txt[1024];

			obj_format(vf_params, o, o->mask, txt, sizeof(txt));
			out_line(ctx, "vf set %s %d %s", l->name, i, txt);
		} else {
			char m[32] = "-", v[16], q[8], p[16], st[16];

			if (obj_has(o, F_MAC))
				format_mac(mac, m, sizeof(m));
			val_format(param_by_field(vf_params, F_VLAN), &o->v[F_VLAN], v, sizeof(v));
			snprintf(q, sizeof(q), "%llu", (unsigned long long)o->v[F_QOS].u);
			val_format(param_by_field(vf_params, F_PROTO), &o->v[F_PROTO], p, sizeof(p));
			val_format(param_by_field(vf_params, F_STATE), &o->v[F_STATE], st, sizeof(st));
#define ONOFF(f) (!obj_has(o, f) ? "-" : o->v[f].u ? "on" : "off")
			fprintf(ctx->out, "%-15s %3d  %-17s  %-4s  %3s  %-7s  %8llu  %8llu  %-8s  %-5s  %-7s  %s\n",
				l->name, i, m, v, q, p, (unsigned long long)o->v[F_MINRATE].u,
				(unsigned long long)o->v[F_MAXRATE].u, ONOFF(F_SPOOF), ONOFF(F_TRUST),
				obj_has(o, F_STATE) ? st : "-", ONOFF(F_RSS));
#undef ONOFF
		}
	}
	if (pj) {
		json_object_object_add(pj, "vfs", vfs);
		json_object_array_add(arr, pj);
	}
	vftab_free(&t);
	return 0;
}

static int vf_show(struct vnet_ctx *ctx, const struct stmt *s, const char *name, int config)
{
	struct state st;
	struct json_object *arr = NULL;
	int r = state_load(ctx, &st, ST_LINKS);

	if (r < 0)
		goto out;
	if (name && !state_by_name(&st, name)) {
		r = vnet_fail(ctx, ENODEV, "vf %s: no such interface", name);
		goto out;
	}
	if (ctx->flags & VNET_F_JSON)
		arr = json_object_new_array();
	else if (!config)
		out_line(ctx, "%-15s %3s  %-17s  %-4s  %3s  %-7s  %8s  %8s  %-8s  %-5s  %-7s  %s", "PF",
			 "VF", "MAC", "VLAN", "QOS", "PROTO", "MIN-RATE", "MAX-RATE", "SPOOFCHK", "TRUST",
			 "STATE", "QUERY-RSS");
	for (int i = 0; i < st.n && r == 0; i++) {
		const struct link *l = &st.links[i];

		if (name ? strcmp(l->name, name) != 0 : l->num_vf <= 0)
			continue;
		r = show_pf(ctx, l, arr, config);
	}
	if (arr && r == 0)
		out_json(ctx, arr);
out:
	if (arr)
		json_object_put(arr);
	state_free(&st);
	return r;
}

/* ---- rollback: the VF table as it was ---- */

struct vf_rec {
	struct vftab tab;
	char rel[256]; /* sriov_numvfs, relative to the sysfs root; "" unknown */
};

/* Where the PF l's VF count is written (rec->rel; "" when it has no device). */
static void rec_rel(struct vnet_ctx *ctx, const struct link *l, struct vf_rec *rec)
{
	if (l && l->parent_dev && l->parent_bus[0] &&
	    sysfs_dev_path(ctx, l->parent_bus, l->parent_name, "sriov_numvfs", rec->rel,
			   sizeof(rec->rel)) < 0)
		rec->rel[0] = 0;
}

static int rec_done(struct vf_rec *rec, int r, void **out)
{
	if (r < 0) {
		vftab_free(&rec->tab);
		free(rec);
		return r;
	}
	*out = rec;
	return 0;
}

static int vf_rec_take(struct vnet_ctx *ctx, const char *pf, void **out)
{
	struct vf_rec *rec = calloc(1, sizeof(*rec));
	struct state st;
	int r;

	if (!rec)
		return vnet_fail(ctx, ENOMEM, "out of memory");
	r = read_vfs(ctx, pf, pf, &rec->tab);
	if (r == 0 && state_load(ctx, &st, ST_LINKS) == 0) {
		rec_rel(ctx, state_by_name(&st, pf), rec);
		state_free(&st);
	}
	return rec_done(rec, r, out);
}

/* The journal's: the table from the PF's message of the reading before the change. */
static int vf_rec_load(struct vnet_ctx *ctx, const struct link *l, const struct nlmsghdr *nlh,
		       void **out)
{
	struct vf_rec *rec = calloc(1, sizeof(*rec));
	int r;

	if (!rec)
		return vnet_fail(ctx, ENOMEM, "out of memory");
	rec->tab.num_vf = -1;
	r = vftab_cb(nlh, &rec->tab) == MNL_CB_OK ? 0 : vnet_fail(ctx, ENOMEM, "out of memory");
	if (r == 0)
		r = vftab_check(ctx, l->name, l->name, &rec->tab);
	if (r == 0)
		rec_rel(ctx, l, rec);
	return rec_done(rec, r, out);
}

static void vf_rec_free(void *p)
{
	struct vf_rec *rec = p;

	if (!rec)
		return;
	vftab_free(&rec->tab);
	free(rec);
}

static void count_step(struct plan *plan, const char *pf, const char *rel, int from, int to)
{
	struct op *op = plan_add(plan, OP_SYSFS, &kind_vf, pf);

	op_set_path(op, rel);
	op->sysval = (uint64_t)to;
	op->wait_vfs = 1;
	op_textf(op, "rollback: vf count %s %d -> %d", pf, from, to);
}

/*
 * The count back (through 0); then, once the count is right, each VF's
 * settings that differ (a later round: new VFs' settings are not known
 * before they exist). From now, the PF's table as it is.
 */
static void plan_table(struct plan *plan, const char *pf, const struct vf_rec *rec,
		       const struct vftab *now)
{
	if (now->num_vf != rec->tab.num_vf && rec->rel[0]) {
		if (now->num_vf && rec->tab.num_vf)
			count_step(plan, pf, rec->rel, now->num_vf, 0);
		count_step(plan, pf, rec->rel, now->num_vf && rec->tab.num_vf ? 0 : now->num_vf,
			   rec->tab.num_vf);
		return;
	}
	for (int vf = 0; vf < rec->tab.listed && vf < now->listed; vf++) {
		const struct obj *want = &rec->tab.vf[vf], *cur = &now->vf[vf];

		for (size_t g = 0; g < NGROUPS; g++) {
			uint32_t diff = 0;

			for (int f = 0; f < MAX_FIELDS; f++)
				if ((groups[g] & (1U << f)) && obj_has(want, f) &&
				    (!obj_has(cur, f) ||
				     !val_equal(param_by_field(vf_params, f), &want->v[f], &cur->v[f])))
					diff |= 1U << f;
			if (!diff || (want->mask & groups[g]) != groups[g])
				continue;
			char txt[512];
			struct op *op = plan_add(plan, OP_KIND, &kind_vf, pf);

			op->index = vf;
			obj_copy_fields(op_obj_w(op), want, groups[g]);
			op->fields = groups[g];
			obj_format_changes(vf_params, want, cur, diff, txt, sizeof(txt));
			op_textf(op, "rollback: vf %s %d: set %s", pf, vf, txt);
		}
	}
}

/* The steps back, from the PF's table read now. */
static void vf_rec_plan(struct vnet_ctx *ctx, struct plan *plan, const char *pf, const void *p)
{
	struct vftab now;

	if (read_vfs(ctx, pf, pf, &now) < 0) {
		vnet_clear_error(ctx);
		return;
	}
	plan_table(plan, pf, p, &now);
	vftab_free(&now);
}

/* The same, from the PF's message of a link dump (nlh). */
static void vf_rec_plan_msg(struct vnet_ctx *ctx, struct plan *plan, const char *pf, const void *p,
			    const struct nlmsghdr *nlh)
{
	struct vftab now = { .num_vf = -1 };

	if (vftab_cb(nlh, &now) != MNL_CB_OK || vftab_check(ctx, pf, pf, &now) < 0) {
		vnet_clear_error(ctx);
		vftab_free(&now);
		return;
	}
	plan_table(plan, pf, p, &now);
	vftab_free(&now);
}

/* A VF that may send with any source MAC, or change its own and listen to all: warnings. */
static void vf_diagnose(struct diag *d, struct state *st, const struct link *pf)
{
	struct vftab t;
	char fix[128], vf[16];

	(void)st;
	if (read_vfs(diag_ctx(d), "diagnose", pf->name, &t) < 0) {
		diag_say(d, DIAG_FAIL, "vf", "vf", pf->name, NULL, "see vnetctl vf show", "%s",
			 vnet_ctx_error(diag_ctx(d))->msg);
		vftab_free(&t);
		return;
	}
	for (int i = 0; i < t.listed; i++) {
		const struct obj *o = &t.vf[i];
		int bad = 0;

		snprintf(vf, sizeof(vf), "vf %d", i);
		if (obj_has(o, F_SPOOF) && !o->v[F_SPOOF].u) {
			snprintf(fix, sizeof(fix), "vnetctl vf set %s %d spoofchk on", pf->name, i);
			diag_say(d, DIAG_WARN, "spoofchk", "vf", pf->name, vf, fix,
				 "spoof checking is off: the guest may send with any source MAC");
			bad = 1;
		}
		if (obj_has(o, F_TRUST) && o->v[F_TRUST].u) {
			snprintf(fix, sizeof(fix), "vnetctl vf set %s %d trust off", pf->name, i);
			diag_say(d, DIAG_WARN, "trust", "vf", pf->name, vf, fix,
				 "trusted: the guest may change its MAC and listen to all traffic");
			bad = 1;
		}
		if (!bad)
			diag_say(d, DIAG_OK, "vf", "vf", pf->name, vf, NULL, "spoof checking on, not trusted");
	}
	vftab_free(&t);
}

const struct kind kind_vf = {
	.name = "vf",
	.rank = 9,
	.count_rank = 1,
	.params = vf_params,
	.args = { "PF", "VF|A-B|all" },
	.argtype = { ARG_IFNAME, ARG_VFSPEC },
	.count_args = { "PF", "N" },
	.verbs = V_SET | V_SHOW | V_COUNT,
	.summary = { NULL, "change the settings of one VF, a range, or all of them", NULL,
		     "one row per VF, JSON with -j, statements with --config",
		     "set the number of VFs (sriov_numvfs), through 0 when changing" },
	.check = vf_check,
	.plan = vf_plan,
	.show = vf_show,
	.build = vf_build,
	.rec_take = vf_rec_take,
	.rec_plan = vf_rec_plan,
	.rec_plan_msg = vf_rec_plan_msg,
	.rec_free = vf_rec_free,
	.rec_load = vf_rec_load,
	.diagnose = vf_diagnose,
};
