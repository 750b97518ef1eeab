// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnetctl diagnose [OBJECT [NAME]]: the Xen troubleshooting walk (is the
 * bridge there, are its ports up, has the uplink a carrier, does STP block,
 * do MTUs and VLANs match, are addresses left on ports) as one command.
 * Results go out as they are found: a host of 1000 bridges is not held in
 * memory twice.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "internal.h"
#include "value.h"
#include "obj.h"
#include "nl.h"
#include "state.h"
#include "plan.h"
#include "kind.h"
#include "out.h"
#include "record.h"
#include "views.h"
#include "diagnose.h"

struct diag {
	struct vnet_ctx *ctx;
	const char *kind, *name; /* only this object (NULL: every one) */
	int bad;		 /* a warning or a failure was said */
	int n;			 /* results said */
};

struct vnet_ctx *diag_ctx(struct diag *d)
{
	return d->ctx;
}

void diag_say(struct diag *d, enum diag_status s, const char *check, const char *kind,
	      const char *name, const char *port, const char *fix, const char *fmt, ...)
{
	static const char *const words[] = { "ok", "warn", "fail" };
	char msg[512];
	va_list ap;

	if ((d->kind && strcmp(d->kind, kind)) || (d->name && strcmp(d->name, name)))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	d->bad |= s != DIAG_OK;
	if (d->ctx->flags & VNET_F_JSON) {
		struct json_object *j = json_object_new_object();
		int fl = (d->ctx->flags & VNET_F_PRETTY) ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
							 : JSON_C_TO_STRING_PLAIN;

		json_object_object_add(j, "status", json_object_new_string(words[s]));
		json_object_object_add(j, "check", json_object_new_string(check));
		json_object_object_add(j, "object", json_object_new_string(kind));
		json_object_object_add(j, "name", json_object_new_string(name));
		if (port)
			json_object_object_add(j, "port", json_object_new_string(port));
		json_object_object_add(j, "message", json_object_new_string(msg));
		if (fix)
			json_object_object_add(j, "fix", json_object_new_string(fix));
		fprintf(d->ctx->out, "%s%s", d->n ? "," : "", (d->ctx->flags & VNET_F_PRETTY) ? "\n" : "");
		fputs(json_object_to_json_string_ext(j, fl | JSON_C_TO_STRING_NOSLASHESCAPE), d->ctx->out);
		json_object_put(j);
	} else {
		fprintf(d->ctx->out, "%-4s  %s %s%s%s: %s%s%s\n", words[s], kind, name, port ? " port " : "",
			port ? port : "", msg, fix ? "; fix: " : "", fix ? fix : "");
	}
	d->n++;
}

/* Why a link has no carrier, and what brings it: a veth's far end, else the cable. */
static void no_carrier_fix(struct state *st, const struct link *l, char *fix, size_t len)
{
	const struct link *peer = state_veth_peer(st, l);

	if (peer && !(peer->flags & IFF_UP))
		snprintf(fix, len, "bring its veth peer up: ip link set dev %s up", peer->name);
	else if (peer)
		snprintf(fix, len, "see why its veth peer %s has no carrier", peer->name);
	else if (!strcmp(l->kind, "veth"))
		snprintf(fix, len, "bring its veth peer up (in the namespace it was moved to)");
	else if (l->kind[0])
		snprintf(fix, len, "see why %s %s has no carrier (its own ports or lower device)", l->kind,
			 l->name);
	else
		snprintf(fix, len, "check the cable and the switch port of %s (ethtool %s)", l->name,
			 l->name);
}

void diag_port_common(struct diag *d, struct state *st, const char *kind,
		      const struct link *master, const struct link *port)
{
	char fix[256];

	if (!(port->flags & IFF_UP)) {
		snprintf(fix, sizeof(fix), "ip link set dev %s up", port->name);
		diag_say(d, DIAG_FAIL, "carrier", kind, master->name, port->name, fix,
			 "the link is down");
	} else if (!view_carrier(port)) {
		no_carrier_fix(st, port, fix, sizeof(fix));
		diag_say(d, DIAG_FAIL, "carrier", kind, master->name, port->name, fix,
			 "no carrier (operstate %s)", view_operstate(port));
	} else {
		diag_say(d, DIAG_OK, "carrier", kind, master->name, port->name, NULL, "up, carrier");
	}
	if (port->mtu != master->mtu) {
		if (port->mtu < master->mtu)
			snprintf(fix, sizeof(fix), "ip link set dev %s mtu %u", port->name, master->mtu);
		else
			snprintf(fix, sizeof(fix), "vnetctl %s set %s mtu %u (once every port allows it)",
				 kind, master->name, port->mtu);
		diag_say(d, DIAG_FAIL, "mtu", kind, master->name, port->name, fix,
			 "MTU %u, but %s %s has %u", port->mtu, kind, master->name, master->mtu);
	} else {
		diag_say(d, DIAG_OK, "mtu", kind, master->name, port->name, NULL, "MTU %u as its %s",
			 port->mtu, kind);
	}
}

/* Addresses on a port or slave: the kernel ignores them for forwarding (the master's count). */
static void check_addresses(struct diag *d, struct state *st, const struct addrset *as)
{
	for (int i = 0; i < as->n; i++) {
		const struct rec_addr *a = &as->a[i];
		const struct link *l = state_by_index(st, a->ifindex), *m;
		char txt[INET6_ADDRSTRLEN], fix[256];

		if (!l || !l->master)
			continue;
		m = state_by_index(st, l->master);
		if (!m || (strcmp(m->kind, "bridge") && strcmp(m->kind, "bond")))
			continue;
		inet_ntop(a->family, a->has_local ? a->local : a->address, txt, sizeof(txt));
		snprintf(fix, sizeof(fix), "move it to %s %s: ip addr del %s/%u dev %s; ip addr add %s/%u dev %s",
			 m->kind, m->name, txt, a->plen, l->name, txt, a->plen, m->name);
		diag_say(d, DIAG_WARN, "addresses", m->kind, m->name, l->name, fix,
			 "address %s/%u is left on the port: a %s port's addresses are not used", txt,
			 a->plen, m->kind);
	}
}

/* Two bridge ports with one MAC: the bridge learns it on both, frames go astray. */
static int cmp_mac(const void *a, const void *b)
{
	const struct link *x = *(const struct link *const *)a, *y = *(const struct link *const *)b;
	int c = memcmp(x->addr, y->addr, 6);

	return c ? c : (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

static void check_macs(struct diag *d, struct state *st)
{
	const struct link **ports = malloc((size_t)(st->n + 1) * sizeof(*ports));
	int n = 0;

	if (!ports)
		abort();
	for (int i = 0; i < st->n; i++)
		if (!strcmp(st->links[i].slave_kind, "bridge") && st->links[i].addrlen == 6)
			ports[n++] = &st->links[i];
	qsort(ports, (size_t)n, sizeof(*ports), cmp_mac);
	for (int i = 1; i < n; i++) {
		const struct link *a = ports[i - 1], *b = ports[i];
		char mac[32], fix[256];

		if (memcmp(a->addr, b->addr, 6))
			continue;
		format_mac(b->addr, mac, sizeof(mac));
		snprintf(fix, sizeof(fix), "give one of them an address of its own: ip link set dev %s address MAC",
			 b->name);
		diag_say(d, DIAG_FAIL, "mac", "bridge", state_name(st, b->master), b->name, fix,
			 "MAC %s is also %s's (port of %s)", mac, a->name, state_name(st, a->master));
	}
	free(ports);
}

/* A VLAN device larger than the link under it loses its large frames. */
static void check_vlan(struct diag *d, struct state *st, const struct link *l)
{
	const struct link *low = state_by_index(st, l->link);
	char fix[256];

	if (!low)
		return;
	if (l->mtu > low->mtu) {
		snprintf(fix, sizeof(fix), "vnetctl vlan set %s mtu %u (or raise %s's)", l->name, low->mtu,
			 low->name);
		diag_say(d, DIAG_FAIL, "mtu", "vlan", l->name, NULL, fix,
			 "MTU %u, larger than its link %s's %u", l->mtu, low->name, low->mtu);
	} else {
		diag_say(d, DIAG_OK, "mtu", "vlan", l->name, NULL, NULL, "MTU %u fits %s's %u", l->mtu,
			 low->name, low->mtu);
	}
	if ((l->flags & IFF_UP) && !view_carrier(low)) {
		no_carrier_fix(st, low, fix, sizeof(fix));
		diag_say(d, DIAG_FAIL, "carrier", "vlan", l->name, NULL, fix, "its link %s has no carrier",
			 low->name);
	}
}

static int addrs_restart(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	((struct addrset *)data)->n = 0; /* an interrupted dump is read again whole */
	return MNL_CB_OK;
}

static int diag_words(struct vnet_ctx *ctx, int argc, char *const *argv, struct diag *d)
{
	const char *why = NULL;

	if (argc > 3)
		return vnet_usage(ctx, 3, "diagnose: unexpected \"%s\" (diagnose [OBJECT [NAME]])", argv[3]);
	if (argc >= 2) {
		const struct kind *k = NULL;

		for (int i = 0; kind_table[i]; i++)
			if ((kind_table[i]->link_kind || kind_table[i]->diagnose) &&
			    !strcmp(kind_table[i]->name, argv[1]))
				k = kind_table[i];
		if (!k)
			return vnet_usage(ctx, 1, "diagnose: \"%s\": not an object (bridge, bond, vlan, vf, veth, sea)",
					  argv[1]);
		d->kind = k->name;
	}
	if (argc == 3) {
		if (parse_ifname(argv[2], &why) < 0)
			return vnet_usage(ctx, 2, "diagnose %s: \"%s\": %s", argv[1], argv[2], why);
		d->name = argv[2];
	}
	return 0;
}

int vnet_diagnose(struct vnet_ctx *ctx, int argc, char *const *argv)
{
	struct diag d = { .ctx = ctx };
	struct addrset as = { 0 };
	struct state st;
	int r;

	vnet_clear_error(ctx);
	r = diag_words(ctx, argc, argv, &d);
	if (r < 0)
		return r;
	r = state_load(ctx, &st, ST_LINKS | ST_BRVLANS);
	if (r == 0 && d.name) {
		const struct link *l = state_by_name(&st, d.name);
		const struct kind *k = l ? kind_by_link_kind(l->kind) : NULL;

		if (d.kind == kind_vf.name && l && l->num_vf > 0)
			k = &kind_vf; /* vf PF: the PF's VFs */
		else if (l && kind_owner(l, NULL) == &kind_sea && !strcmp(l->kind, "bridge"))
			k = &kind_sea;
		if (!l || !k || strcmp(k->name, d.kind))
			r = vnet_fail(ctx, ENODEV, "diagnose %s %s: no such %s", d.kind, d.name, d.kind);
	}
	if (r == 0) {
		r = nlm_dump_of(ctx, RTM_GETADDR, AF_UNSPEC, 0, addrset_decode, addrs_restart, &as);
		if (r < 0)
			r = vnet_fail(ctx, -r, "cannot read the addresses");
	}
	if (r < 0) {
		free(as.a);
		state_free(&st);
		ctx->err.exit_code = VNET_EXIT_USAGE; /* as check: 2 is trouble, 1 is findings */
		return r;
	}
	if (ctx->flags & VNET_F_JSON)
		fputc('[', ctx->out);
	for (int i = 0; i < st.n; i++) {
		const struct link *l = &st.links[i];
		const struct kind *k = kind_by_link_kind(l->kind);

		struct link_owner o;
		const struct kind *owner = kind_owner(l, &o);

		if (k && k->diagnose)
			k->diagnose(&d, &st, l);
		else if (!strcmp(l->kind, "vlan"))
			check_vlan(&d, &st, l);
		/* A composite's own checks (a SEA's, on its bridge), and a PF's VFs. */
		if (owner && owner != k && owner->diagnose)
			owner->diagnose(&d, &st, l);
		if (l->num_vf > 0 && (!d.kind || !strcmp(d.kind, "vf")))
			kind_vf.diagnose(&d, &st, l);
	}
	check_macs(&d, &st);
	check_addresses(&d, &st, &as);
	if (ctx->flags & VNET_F_JSON)
		fprintf(ctx->out, "%s]\n", d.n && (ctx->flags & VNET_F_PRETTY) ? "\n" : "");
	free(as.a);
	state_free(&st);
	return d.bad;
}
