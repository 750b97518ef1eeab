// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnetctl diagnose [OBJECT [NAME]]: the Xen troubleshooting walk (is the
 * bridge there, are its ports up, has the uplink a carrier, does STP block,
 * do MTUs and VLANs match, are addresses left on ports) as one command.
 * Results go out as they are found: a host of 1000 bridges is not held in
 * memory twice. When the host has a configuration (VNET_CONFDIR, or the
 * one --config names), its declared ports are looked for and check's own
 * comparison says which objects drifted from it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "config.h"
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
#include "suggest.h"

struct diag {
	struct vnet_ctx *ctx;
	const char *kind, *name; /* only this object (NULL: every one) */
	int bad;		 /* a warning or a failure was said */
	int n;			 /* results said */
	const char *conf;	 /* the configuration to compare with */
	int conf_given;		 /* by --config: it must be there */
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

/*
 * The configuration's side. A port that a statement declares (ports,
 * slaves, backing, bridge port) and that is not there, or not in its
 * master: the statement's file and line, and the fix.
 */
struct declared {
	struct diag *d;
	struct state *st;
	const struct stmtfile *f;
	const struct stmt *stmts; /* the statements, and what they want */
	const struct obj *want;
	int n;
	struct namelist made; /* links the file makes: one missing is drift, not a missing port */
	const char *apply;    /* "vnetctl apply [PATH]" */
	int missing;
};

/* The patterns of a statement's guest-ports (NULL: none): a guest's port may come and go. */
static const struct namelist *guest_patterns(const struct stmt *s, const struct obj *want)
{
	for (const struct param *p = s->kind->params; p && p->word; p++)
		if (!strcmp(p->word, "guest-ports") && p->type == PT_NAMES && obj_has(want, p->field))
			return &want->v[p->field].names;
	return NULL;
}

/* A port that guest-ports covers: the statement's own, or its master's ("bridge port"). */
static int guest_port(const struct declared *dc, const struct stmt *s, const struct obj *want,
		      const char *master, const char *port)
{
	const struct namelist *gp = guest_patterns(s, want);

	for (int i = 0; !gp && s->kind->args[1] && i < dc->n; i++)
		if (dc->stmts[i].kind->link_kind && dc->stmts[i].verb != V_DEL &&
		    !strcmp(dc->stmts[i].arg[0], master))
			gp = guest_patterns(&dc->stmts[i], &dc->want[i]);
	return gp && namelist_match(gp, port);
}

static void declared_port(struct declared *dc, const struct stmt *s, const struct obj *want,
			  const char *master, const char *port, int joins)
{
	char kind[32], where[160], fix[320];
	const struct link *l = state_by_name(dc->st, port), *m = state_by_name(dc->st, master);
	const char *path;
	int line;

	/* "bridge port" is the bridge's: diagnose bridge NAME shows it. */
	str_copy(kind, sizeof(kind), s->kind->name);
	kind[strcspn(kind, " ")] = 0;
	stmts_where(dc->f, s->line ? s->line[0] : 0, &path, &line);
	snprintf(where, sizeof(where), "%s:%d", path, line);
	if (!l) {
		if (namelist_has(&dc->made, port) || strpbrk(port, "*?[") ||
		    guest_port(dc, s, want, master, port))
			return;
		dc->missing++;
		snprintf(fix, sizeof(fix), "make %s (or take it out of %s), then %s", port, where, dc->apply);
		diag_say(dc->d, DIAG_FAIL, "ports", kind, master, port, fix,
			 "declared in %s, but there is no such link", where);
	} else if (joins && !m) {
		return; /* its master is not there: drift (or check's error) says so */
	} else if (joins && l->master != m->ifindex) {
		snprintf(fix, sizeof(fix), "%s", dc->apply);
		if (l->master)
			diag_say(dc->d, DIAG_FAIL, "ports", kind, master, port, fix,
				 "declared in %s, but it is in %s", where, state_name(dc->st, l->master));
		else
			diag_say(dc->d, DIAG_FAIL, "ports", kind, master, port, fix,
				 "declared in %s, but it is not in %s", where, master);
	} else {
		diag_say(dc->d, DIAG_OK, "ports", kind, master, port, NULL, "declared in %s, %s%s", where,
			 joins ? "and in " : "there", joins ? master : "");
	}
}

/* Each port each statement declares. */
static void declared_ports(struct declared *dc, const struct stmt *st, const struct obj *want, int n)
{
	dc->stmts = st;
	dc->want = want;
	dc->n = n;
	/* The names the file makes (a bond declared as a bridge's port, a veth's peer). */
	for (int i = 0; i < n; i++) {
		const struct kind *k = st[i].kind;

		if (st[i].verb == V_DEL)
			continue;
		if (k->link_kind || k->owns)
			namelist_append(&dc->made, st[i].arg[0]);
		for (const struct param *p = k->params; p && p->word; p++)
			if ((p->flags & PF_DECLARES) && p->type == PT_NAMES && obj_has(&want[i], p->field))
				for (int j = 0; j < want[i].v[p->field].names.n; j++)
					namelist_append(&dc->made, want[i].v[p->field].names.names[j]);
	}
	for (int i = 0; i < n; i++) {
		const struct stmt *s = &st[i];
		const struct kind *k = s->kind;

		if (s->verb != V_ADD && s->verb != V_SET)
			continue;
		if (k->args[1] && k->argtype[1] == ARG_IFNAME) /* bridge port BRIDGE PORT */
			declared_port(dc, s, &want[i], s->arg[0], s->arg[1], 1);
		for (const struct param *p = k->params; p && p->word; p++) {
			/* Not a guest pattern: a guest is never required. */
			if (p->type != PT_NAMES || (p->flags & PF_DECLARES) || !obj_has(&want[i], p->field) ||
			    !strcmp(p->word, "guest-ports"))
				continue;
			/* A SEA's backing devices are in its own bond or bridge, not in NAME. */
			for (int j = 0; j < want[i].v[p->field].names.n; j++)
				declared_port(dc, s, &want[i], s->arg[0], want[i].v[p->field].names.names[j],
					      k->link_kind != NULL);
		}
	}
}

/*
 * Drift: check's own comparison (vnet_apply with VNET_APPLY_CHECK, its -j
 * result read back), one failure for each object its diff holds, with the
 * steps an apply would take on it.
 */
static void drift(struct diag *d, const char *apply)
{
	struct vnet_ctx *ctx = d->ctx;
	unsigned int flags = ctx->flags;
	FILE *out = ctx->out, *mem;
	char *buf = NULL;
	size_t len = 0;
	struct json_object *j = NULL, *ops = NULL, *diff = NULL, *v;
	int r = -ENOMEM;

	mem = open_memstream(&buf, &len);
	if (mem) {
		ctx->out = mem;
		void (*notice)(void *, const char *) = ctx->notice;

		ctx->flags = (flags | VNET_F_JSON) & ~VNET_F_PRETTY;
		ctx->notice = NULL; /* a step this kernel cannot take is said below, with its object */
		r = vnet_apply(ctx, d->conf, VNET_APPLY_CHECK, NULL);
		ctx->notice = notice;
		ctx->out = out;
		ctx->flags = flags;
		fclose(mem);
	}
	if (r >= 0)
		j = buf ? json_tokener_parse(buf) : NULL;
	if (!j || !json_object_object_get_ex(j, "operations", &ops) ||
	    !json_object_object_get_ex(j, "diff", &diff)) {
		char fix[300];

		snprintf(fix, sizeof(fix), "vnetctl check %s says what is wrong", d->conf);
		diag_say(d, DIAG_FAIL, "drift", "config", d->conf, NULL, fix, "cannot be compared with the host: %s",
			 r < 0 && ctx->err.msg[0] ? ctx->err.msg : "no result");
		vnet_clear_error(ctx);
	} else if (!json_object_array_length(diff) && !json_object_array_length(ops)) {
		diag_say(d, DIAG_OK, "drift", "config", d->conf, NULL, NULL, "the host is as %s declares",
			 d->conf);
	}
	for (size_t i = 0; diff && i < json_object_array_length(diff); i++) {
		const char *obj = json_object_object_get_ex(json_object_array_get_idx(diff, i), "object", &v)
					  ? json_object_get_string(v) : "";
		const char *sp = strrchr(obj, ' ');
		char kind[32], steps[400] = "";
		size_t o = 0, kl = sp ? (size_t)(sp - obj) : 0;

		if (!sp || kl >= sizeof(kind))
			continue;
		memcpy(kind, obj, kl);
		kind[kl] = 0;
		/* Its steps: the plan lines that start with "KIND NAME:". */
		for (size_t k = 0; k < json_object_array_length(ops) && o < sizeof(steps) - 1; k++) {
			const char *t = json_object_get_string(json_object_array_get_idx(ops, k));

			if (t && !strncmp(t, obj, strlen(obj)) && t[strlen(obj)] == ':')
				o += (size_t)snprintf(steps + o, sizeof(steps) - o, "%s%s", o ? ", " : "",
						      t + strlen(obj) + 2);
		}
		/* apply cannot make what this kernel has no driver for: that comes first */
		const char *lacks = NULL;
		char nofix[300];

		for (const struct kind *const *kp = kind_table; *kp && !lacks; kp++)
			if (!strcmp((*kp)->name, kind))
				lacks = kind_lacks_driver(ctx, *kp);
		if (lacks)
			snprintf(nofix, sizeof(nofix), "%s, then %s", lacks, apply);
		diag_say(d, DIAG_FAIL, "drift", kind, sp + 1, NULL, lacks ? nofix : apply, "differs from %s%s%s",
			 d->conf, o ? ": " : "", steps);
	}
	json_object_put(j);
	free(buf);
}

static void check_config(struct diag *d, struct state *st)
{
	struct vnet_ctx *ctx = d->ctx;
	struct declared dc = { .d = d, .st = st };
	struct stmtfile f;
	struct obj *want = NULL;
	char apply[300];
	int n = 0, r;

	if (!d->conf_given && access(d->conf, F_OK) < 0)
		return; /* no configuration on this host */
	snprintf(apply, sizeof(apply), "vnetctl apply%s%s", d->conf_given ? " " : "",
		 d->conf_given ? d->conf : "");
	dc.apply = apply;
	r = stmts_read(ctx, d->conf, &f);
	if (r == 0) {
		dc.f = &f;
		want = calloc((size_t)f.n + 1, sizeof(*want));
		if (!want)
			abort();
		for (; n < f.n && r == 0; n++)
			r = stmt_parse(ctx, &f.st[n], &want[n]);
	}
	if (r < 0) {
		/* The words are wrong: check tells each error, where it is. */
		drift(d, apply);
	} else {
		declared_ports(&dc, f.st, want, n);
		/* A missing port stops check's planning: the missing ports say it all. */
		if (!dc.missing)
			drift(d, apply);
	}
	vnet_clear_error(ctx);
	for (int i = 0; i < n; i++)
		obj_free(&want[i]);
	free(want);
	namelist_free(&dc.made);
	stmts_free(&f); /* what a failed read left too */
}

/* diagnose [OBJECT [NAME]] [--config FILE|DIR] */
static int diag_words(struct vnet_ctx *ctx, int argc, char *const *argv, struct diag *d)
{
	const char *why = NULL, *pos[3] = { argv[0] };
	int npos = 1;

	d->conf = VNET_CONFDIR;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config")) {
			if (i + 1 >= argc)
				return vnet_usage(ctx, i, "diagnose: --config: a file or directory of statements expected");
			d->conf = argv[++i];
			d->conf_given = 1;
			if (access(d->conf, R_OK) < 0)
				return vnet_usage_errno(ctx, errno, "diagnose: --config: %s", d->conf);
		} else if (npos == 3) {
			return vnet_usage(ctx, i, "diagnose: unexpected \"%s\" (diagnose [OBJECT [NAME]] [--config FILE|DIR])",
					  argv[i]);
		} else {
			pos[npos++] = argv[i];
		}
	}
	if (npos >= 2) {
		const struct kind *k = NULL;

		for (int i = 0; kind_table[i]; i++)
			if ((kind_table[i]->link_kind || kind_table[i]->diagnose) &&
			    !strcmp(kind_table[i]->name, pos[1]))
				k = kind_table[i];
		if (!k)
			return vnet_usage(ctx, 1, "diagnose: \"%s\": not an object (bridge, bond, vlan, vf, veth, sea)",
					  pos[1]);
		d->kind = k->name;
	}
	if (npos == 3) {
		if (parse_ifname(pos[2], &why) < 0)
			return vnet_usage(ctx, 2, "diagnose %s: \"%s\": %s", pos[1], pos[2], why);
		d->name = pos[2];
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
	check_config(&d, &st);
	if (ctx->flags & VNET_F_JSON)
		fprintf(ctx->out, "%s]\n", d.n && (ctx->flags & VNET_F_PRETTY) ? "\n" : "");
	free(as.a);
	state_free(&st);
	return d.bad;
}
