// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vlan kind: 802.1Q and 802.1ad interfaces (IFLA_VLAN_*), their flags
 * and QoS maps. The kernel cannot change a VLAN's id, lower link or protocol
 * in place: the plan recreates the VLAN when nothing sits on it, and refuses
 * otherwise, naming the property.
 */
#include "../internal.h" /* net/if.h before linux/if.h */
#include "../obj.h"
#include "../state.h"
#include "../plan.h"
#include "../kind.h"
#include "../addr.h"
#include "../out.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_vlan.h>

enum {
	V_LINK, V_ID, V_PROTO, V_REORDER, V_GVRP, V_MVRP, V_LOOSE, V_BRBIND, V_INGRESS, V_EGRESS,
	V_MTU, V_UP, V_ADDRS, V_GW, V_GW6,
};

static const char *const proto_names[] = { "802.1q", "802.1ad", NULL };
static const uint64_t proto_values[] = { ETH_P_8021Q, ETH_P_8021AD };

#define FLAGP(w, f, bit, h, d) \
	{ w, f, PT_BOOL, 0, 1, NULL, NULL, PN_VLANFLAG, bit, 0, "on|off", h, 0, .def = d }

static const struct param vlan_params[] = {
	{ "link", V_LINK, PT_IFREF, 0, 0, NULL, NULL, PN_LINK, IFLA_LINK, 4, "DEV",
	  "the lower device (a NIC, bond or bridge); fixed once created", PF_IMMUTABLE | PF_REQUIRED },
	{ "id", V_ID, PT_UINT, 1, 4094, NULL, NULL, PN_INFO, IFLA_VLAN_ID, 2, "N",
	  "VLAN id, 1-4094; fixed once created", PF_IMMUTABLE | PF_REQUIRED },
	{ "proto", V_PROTO, PT_ENUM, 0, 0, proto_names, proto_values, PN_INFO, IFLA_VLAN_PROTOCOL,
	  W_BE16, "802.1q|802.1ad", "tag protocol (default 802.1q); fixed once created",
	  PF_IMMUTABLE, .def = "802.1q" },
	FLAGP("reorder-hdr", V_REORDER, VLAN_FLAG_REORDER_HDR,
	      "present frames to the stack untagged (default on)", "on"),
	FLAGP("gvrp", V_GVRP, VLAN_FLAG_GVRP, "register the VLAN with GVRP (default off)", "off"),
	FLAGP("mvrp", V_MVRP, VLAN_FLAG_MVRP, "register the VLAN with MVRP (default off)", "off"),
	FLAGP("loose-binding", V_LOOSE, VLAN_FLAG_LOOSE_BINDING,
	      "do not follow the lower device's up/down state (default off)", "off"),
	FLAGP("bridge-binding", V_BRBIND, VLAN_FLAG_BRIDGE_BINDING,
	      "on a bridge: carrier follows the bridge ports in this VLAN (default off)", "off"),
	{ "ingress-qos-map", V_INGRESS, PT_QOSMAP, 0, 7, NULL, NULL, PN_INFO, IFLA_VLAN_INGRESS_QOS,
	  0, "FROM:TO[,...]|none",
	  "VLAN priority (0-7) of received frames to skb priority; exactly these (default none)",
	  .def = "none" },
	{ "egress-qos-map", V_EGRESS, PT_QOSMAP, 0, 4294967295ULL, NULL, NULL, PN_INFO,
	  IFLA_VLAN_EGRESS_QOS, 0, "FROM:TO[,...]|none",
	  "skb priority of sent frames to VLAN priority (0-7); exactly these (default none)",
	  .def = "none" },
	{ "mtu", V_MTU, PT_UINT, 68, 65535, NULL, NULL, PN_LINK, IFLA_MTU, 4, "N",
	  "MTU in bytes, at most the lower device's, which is the default", 0 },
	{ "up", V_UP, PT_FLAG, 1, 0, NULL, NULL, PN_FLAGS, 0, 0, NULL, "bring the VLAN up", 0 },
	{ "down", V_UP, PT_FLAG, 0, 0, NULL, NULL, PN_FLAGS, 0, 0, NULL, "take the VLAN down", 0 },
	ADDR_PARAMS(V_ADDRS, V_GW, V_GW6),
	{ 0 }
};

static void vlan_decode(struct link *l, const struct nlattr *data, int slave)
{
	if (slave)
		return;
	/*
	 * The kernel reports IFLA_VLAN_FLAGS only when a flag is set
	 * (vlan_fill_info): without it, every flag is off.
	 */
	for (const struct param *p = vlan_params; p->word; p++)
		if (p->nest == PN_VLANFLAG)
			obj_set_u(l->kobj, p->field, 0);
	obj_decode(vlan_params, PN_INFO, data, l->kobj);
}

static void vlan_current(struct state *st, const struct link *l, struct obj *o)
{
	obj_init(o);
	obj_copy_fields(o, link_kobj(l), ~0U);
	/* The kernel lists only the mappings to a non-zero priority. */
	for (int f = V_INGRESS; f <= V_EGRESS; f++)
		if (!o->v[f].qos && !(o->v[f].qos = calloc(1, sizeof(*o->v[f].qos))))
			abort();
	o->mask |= (1U << V_INGRESS) | (1U << V_EGRESS);
	obj_set_u(o, V_LINK, (uint64_t)l->link);
	if (l->link) {
		o->v[V_LINK].names.names = calloc(1, sizeof(*o->v[V_LINK].names.names));
		if (!o->v[V_LINK].names.names)
			abort();
		snprintf(o->v[V_LINK].names.names[0], VNET_NAMSIZ, "%s", state_name(st, l->link));
		o->v[V_LINK].names.n = 1;
	}
	obj_set_u(o, V_MTU, l->mtu);
	obj_set_u(o, V_UP, !!(l->flags & IFF_UP));
}

/* A map as declared: "3:0" means no mapping, as the kernel lists it. */
static void qos_normalise(struct qosmap *m)
{
	int n = 0;

	for (int i = 0; m && i < m->n; i++)
		if (m->e[i][1]) {
			m->e[n][0] = m->e[i][0];
			m->e[n][1] = m->e[i][1];
			n++;
		}
	if (m)
		m->n = n;
}

/* Something sits on the VLAN: a master, or a device stacked on it. */
static const char *upper_of(struct state *st, const struct link *l)
{
	if (l->master)
		return state_name(st, l->master);
	for (int i = 0; i < st->n; i++)
		if (st->links[i].link == l->ifindex && st->links[i].ifindex != l->ifindex)
			return st->links[i].name;
	return NULL;
}

static int vlan_check(struct vnet_ctx *ctx, const struct stmt *s, const struct obj *want)
{
	if (obj_has(want, V_LINK) && !want->v[V_LINK].names.n)
		return vnet_usage(ctx, want->word[V_LINK] + 1,
				  "%s: link: a lower device is required, not none", s->what);
	if (s->verb != V_ADD)
		return 0;
	if (!obj_has(want, V_LINK) || !want->v[V_LINK].names.n)
		return vnet_usage(ctx, -1, "%s: add needs link DEV", s->what);
	if (!obj_has(want, V_ID))
		return vnet_usage(ctx, -1, "%s: add needs id N", s->what);
	if (!strcmp(want->v[V_LINK].names.names[0], s->arg[0]))
		return vnet_usage(ctx, want->word[V_LINK] + 1, "%s: link: a VLAN cannot sit on itself",
				  s->what);
	return 0;
}

/* The create step, with the flags set only where they differ from a new VLAN's. */
static void plan_vlan_create(struct plan *plan, const char *what, const char *name,
			     struct obj *want)
{
	uint32_t m = want->mask;

	for (int f = V_INGRESS; f <= V_EGRESS; f++)
		if (obj_has(want, f) && (!want->v[f].qos || !want->v[f].qos->n))
			m &= ~(1U << f); /* "none": a new VLAN maps nothing */
	plan_create(plan, &kind_vlan, what, name, want, m);
}

static int vlan_plan(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
		     const struct obj *want_in, struct plan *plan)
{
	const char *name = s->arg[0];
	const struct link *l = state_by_name(st, name);
	struct obj want, cur;
	int r = 0;

	if (l && strcmp(l->kind, "vlan"))
		return vnet_refuse(ctx, EEXIST, "%s: %s exists and is %s%s, not a VLAN", s->what, name,
				 l->kind[0] ? "a " : "a device without a kind", l->kind);
	if (s->verb == V_DEL) {
		if (!l)
			return 0;
		struct op *op = plan_add(plan, OP_DELETE, &kind_vlan, name);

		op_textf(op, "%s: delete%s", s->what, vlan_uppers_text(st, l));
		return 0;
	}
	if (!l && s->verb == V_SET)
		return vnet_fail(ctx, ENODEV, "%s: no such VLAN", s->what);
	if (obj_has(want_in, V_LINK) && want_in->v[V_LINK].names.n &&
	    !state_by_name(st, want_in->v[V_LINK].names.names[0]))
		return vnet_fail(ctx, ENODEV, "%s: link %s: no such interface", s->what,
				 want_in->v[V_LINK].names.names[0]);
	/* The kernel opens a VLAN only over an open lower device (ENETDOWN). */
	const char *lower = obj_has(want_in, V_LINK) ? want_in->v[V_LINK].names.names[0]
			  : l ? state_name(st, l->link) : "";
	const struct link *low = state_by_name(st, lower);
	int loose = obj_has(want_in, V_LOOSE) ? (int)want_in->v[V_LOOSE].u
		  : l && obj_has(link_kobj(l), V_LOOSE) ? (int)link_kobj(l)->v[V_LOOSE].u : 0;

	int up = obj_has(want_in, V_UP) ? (int)want_in->v[V_UP].u : l ? !!(l->flags & IFF_UP) : 0;

	if (up && low && !(low->flags & IFF_UP) && !loose &&
	    (!l || obj_has(want_in, V_UP) || obj_has(want_in, V_LINK)))
		return vnet_fail(ctx, ENETDOWN, "%s: up: the lower device %s is down; bring it up first",
				 s->what, lower);
	obj_init(&want);
	obj_copy_fields(&want, want_in, want_in->mask);
	for (int f = V_INGRESS; f <= V_EGRESS; f++)
		if (obj_has(&want, f))
			qos_normalise(want.v[f].qos);
	if (!l) {
		plan_vlan_create(plan, s->what, name, &want);
		obj_free(&want);
		return 0;
	}
	vlan_current(st, l, &cur);
	uint32_t fixed = 0;

	for (const struct param *p = vlan_params; p->word; p++)
		if ((p->flags & PF_IMMUTABLE) && obj_has(&want, p->field) &&
		    !val_equal(p, &want.v[p->field], &cur.v[p->field]))
			fixed |= 1U << p->field;
	if (fixed) {
		const char *upper = upper_of(st, l);
		char txt[512];

		obj_format_changes(vlan_params, &want, &cur, fixed, txt, sizeof(txt));
		if (upper) {
			const struct param *p = vlan_params;

			while (!(fixed & (1U << p->field)))
				p++;
			r = vnet_fail(ctx, EBUSY,
				      "%s: %s: cannot change in place, and %s sits on the VLAN, so it cannot be recreated (%s)",
				      s->what, p->word, upper, txt);
			goto out;
		}
		/* Recreate: the current settings, overridden by the statement's. */
		struct op *op = plan_add(plan, OP_DELETE, &kind_vlan, name);

		op_textf(op, "%s: recreate, as %s cannot change in place: delete", s->what, txt);
		obj_copy_fields(&cur, &want, want.mask);
		plan_vlan_create(plan, s->what, name, &cur);
		goto out;
	}
	uint32_t m = obj_diff(vlan_params, &want, &cur, PN_INFO) |
		     obj_diff(vlan_params, &want, &cur, PN_VLANFLAG) |
		     obj_diff(vlan_params, &want, &cur, PN_LINK) |
		     obj_diff(vlan_params, &want, &cur, PN_FLAGS);

	if (m) {
		struct op *op = plan_set(plan, &kind_vlan, s->what, name, &want, &cur, m);

		/* A QoS map is exact: mappings left out are sent as "to 0". */
		for (int f = V_INGRESS; f <= V_EGRESS; f++) {
			if (!(m & (1U << f)))
				continue;
			struct qosmap *send = calloc(1, sizeof(*send));

			if (!send)
				abort();
			qosmap_exact(want.v[f].qos, cur.v[f].qos, send);
			struct val *ov = &op_obj_w(op)->v[f];

			free(ov->qos->e);
			free(ov->qos);
			ov->qos = send;
		}
	}
out:
	obj_free(&cur);
	obj_free(&want);
	return r;
}

/* ---- show ---- */

static void show_text(struct vnet_ctx *ctx, struct state *st, const struct link *l)
{
	struct obj o;
	char flags[128] = "", in[256], eg[256], proto[16];
	size_t n = 0;

	vlan_current(st, l, &o);
	for (const struct param *p = vlan_params; p->word; p++)
		if (p->nest == PN_VLANFLAG && o.v[p->field].u)
			n += (size_t)snprintf(flags + n, sizeof(flags) - n, "%s%s", n ? "," : "", p->word);
	val_format(param_by_field(vlan_params, V_INGRESS), &o.v[V_INGRESS], in, sizeof(in));
	val_format(param_by_field(vlan_params, V_EGRESS), &o.v[V_EGRESS], eg, sizeof(eg));
	val_format(param_by_field(vlan_params, V_PROTO), &o.v[V_PROTO], proto, sizeof(proto));
	fprintf(ctx->out, "%-15s %-15s %4llu  %-8s %-24s %-16s %-16s %5u  %s\n", l->name,
		state_name(st, l->link), (unsigned long long)o.v[V_ID].u, proto, n ? flags : "-", in,
		eg, l->mtu, l->flags & IFF_UP ? "up" : "down");
	obj_free(&o);
}

static struct json_object *show_json(struct state *st, const struct link *l)
{
	struct json_object *j = json_object_new_object();
	struct obj o;

	vlan_current(st, l, &o);
	json_object_object_add(j, "name", json_object_new_string(l->name));
	json_add_fields(j, vlan_params, &o);
	json_object_object_add(j, "state", json_object_new_string(l->flags & IFF_UP ? "up" : "down"));
	obj_free(&o);
	return j;
}

/*
 * What the admin set, as for bridges and veths: the kernel's defaults are
 * left out, and so is an MTU that is the lower device's (a new VLAN takes
 * it). A keyword left out is not managed: on this host the file applies as
 * no change.
 */
static void show_config(struct vnet_ctx *ctx, struct state *st, const struct link *l)
{
	const struct link *low = l->link ? state_by_index(st, l->link) : NULL;
	struct obj o;
	char txt[2048];
	uint32_t m;

	vlan_current(st, l, &o);
	m = obj_non_default(vlan_params, &o) & o.mask;
	if (low && low->mtu == l->mtu)
		m &= ~(1U << V_MTU);
	obj_format(vlan_params, &o, m, txt, sizeof(txt));
	out_line(ctx, "vlan add %s %s", l->name, txt);
	obj_free(&o);
}

static int vlan_show(struct vnet_ctx *ctx, const struct stmt *s, const char *name, int config)
{
	char header[200];

	snprintf(header, sizeof(header), "%-15s %-15s %4s  %-8s %-24s %-16s %-16s %5s  %s", "NAME",
		 "LINK", "ID", "PROTOCOL", "FLAGS", "INGRESS-QOS-MAP", "EGRESS-QOS-MAP", "MTU",
		 "STATE");
	return show_links(ctx, &kind_vlan, ST_LINKS, name, config, header, show_text, show_json,
			  show_config);
}

const struct kind kind_vlan = {
	.name = "vlan",
	.rank = 5,
	.link_kind = "vlan",
	.params = vlan_params,
	.args = { "NAME" },
	.verbs = V_ADD | V_SET | V_DEL | V_SHOW,
	.missing = "this kernel has no 802.1Q VLAN driver: modprobe 8021q (or a kernel built with CONFIG_VLAN_8021Q)",
	.module = "8021q",
	.summary = { "create a VLAN interface or bring it to these settings",
		     "change an existing VLAN interface", "delete a VLAN interface",
		     "table view, JSON with -j, statements with --config" },
	.decode = vlan_decode,
	.check = vlan_check,
	.plan = vlan_plan,
	.show = vlan_show,
	.conf = show_config,
	.addr_indent = "    ",
};
