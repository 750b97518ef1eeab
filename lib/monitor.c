// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vnetctl monitor [OBJECT...]: the kernel's link and address events, said
 * the way vnetctl describes the host (a port joins a bridge, a bond fails
 * over), one line each. The links as last seen are kept by index, so that
 * each message says what changed rather than that something did. STP port
 * states come in AF_BRIDGE messages of their own (br_ifinfo_notify); VF
 * settings in no event at all (a notification carries no VF list), so a PF's
 * VFs are read again when it changes. An overflow of the socket (ENOBUFS)
 * is said, and the links are read again whole and compared.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h" /* net/if.h before linux/if.h */

#include <arpa/inet.h>
#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "value.h"
#include "obj.h"
#include "nl.h"
#include "state.h"
#include "plan.h"
#include "kind.h"
#include "attr.h"
#include "views.h"

/* A link as last seen: what the events compare. */
struct snap {
	int ifindex;
	char name[VNET_NAMSIZ];
	char kind[16];
	int master;
	unsigned int flags, mtu;
	uint8_t stp_state;
	int active_slave;
	int num_vf;    /* from dumps and VF reads: an event carries no IFLA_NUM_VF */
	int pf;	       /* it has a device behind it: it may have VFs */
	uint32_t *vfh; /* a hash of each VF's settings, num_vf of them; NULL: not read */
};

struct mon {
	struct vnet_ctx *ctx;
	struct snap *v; /* by index */
	int n, cap;
	char *const *objs; /* the OBJECT words: kinds or names */
	int nobjs;
};

static struct snap *snap_find(struct mon *m, int ifindex)
{
	int lo = 0, hi = m->n;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (m->v[mid].ifindex < ifindex)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n && m->v[lo].ifindex == ifindex ? &m->v[lo] : NULL;
}

static struct snap *snap_add(struct mon *m, int ifindex)
{
	int i = m->n;

	if (m->n == m->cap) {
		int cap = m->cap ? 2 * m->cap : 64;
		void *nv = realloc(m->v, (size_t)cap * sizeof(*m->v));

		if (!nv)
			abort();
		m->v = nv;
		m->cap = cap;
	}
	while (i > 0 && m->v[i - 1].ifindex > ifindex)
		i--;
	memmove(&m->v[i + 1], &m->v[i], (size_t)(m->n - i) * sizeof(*m->v));
	m->n++;
	memset(&m->v[i], 0, sizeof(m->v[i]));
	m->v[i].ifindex = ifindex;
	return &m->v[i];
}

static void snap_del(struct mon *m, struct snap *s)
{
	free(s->vfh);
	memmove(s, s + 1, (size_t)(m->n - (s - m->v) - 1) * sizeof(*s));
	m->n--;
}

static const char *kind_word(const char *link_kind)
{
	const struct kind *k = kind_by_link_kind(link_kind);

	return k ? k->name : "link";
}

/* Whether the OBJECT words ask for events on link s (or on its master). */
static int wanted(struct mon *m, const struct snap *s, const struct snap *master)
{
	if (!m->nobjs)
		return 1;
	for (int i = 0; i < m->nobjs; i++) {
		const char *w = m->objs[i];

		if (!strcmp(w, s->name) || !strcmp(w, kind_word(s->kind)) ||
		    (!strcmp(w, "vf") && s->num_vf > 0) ||
		    (master && (!strcmp(w, master->name) || !strcmp(w, kind_word(master->kind)))))
			return 1;
	}
	return 0;
}

/*
 * One event: "TIME EVENT OBJECT[: DETAIL]", or with -j a JSON line with the
 * time, the event, the link, its kind, its master and the extra fields.
 * master: the bridge or bond the event is about (0: the link's own).
 */
static void emit(struct mon *m, const char *event, const struct snap *s, int master,
		 struct json_object *extra, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void emit(struct mon *m, const char *event, const struct snap *s, int master,
		 struct json_object *extra, const char *fmt, ...)
{
	const struct snap *ms = snap_find(m, master ? master : s->master);
	char when[64], detail[512] = "", obj[80];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (!wanted(m, s, ms)) {
		json_object_put(extra);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	size_t wl = strftime(when, sizeof(when) - 8, "%Y-%m-%dT%H:%M:%S", &tm);

	snprintf(when + wl, sizeof(when) - wl, ".%03d", (int)(ts.tv_nsec / 1000000) % 1000);
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	if (ms && !strcmp(ms->kind, "bridge"))
		snprintf(obj, sizeof(obj), "bridge %s port %s", ms->name, s->name);
	else if (ms && !strcmp(ms->kind, "bond"))
		snprintf(obj, sizeof(obj), "bond %s slave %s", ms->name, s->name);
	else
		snprintf(obj, sizeof(obj), "%s %s", kind_word(s->kind), s->name);
	if (m->ctx->flags & VNET_F_JSON) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "time", json_object_new_string(when));
		json_object_object_add(j, "event", json_object_new_string(event));
		json_object_object_add(j, "link", json_object_new_string(s->name));
		json_object_object_add(j, "kind", json_object_new_string(kind_word(s->kind)));
		if (ms)
			json_object_object_add(j, "master", json_object_new_string(ms->name));
		if (extra) {
			json_object_object_foreach(extra, key, val)
				json_object_object_add(j, key, json_object_get(val));
		}
		fprintf(m->ctx->out, "%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	} else {
		fprintf(m->ctx->out, "%s %s %s%s%s\n", when, event, obj, detail[0] ? ": " : "", detail);
	}
	json_object_put(extra);
	fflush(m->ctx->out);
}

/* A JSON object of one field, for emit's extra. */
static struct json_object *field(const char *key, struct json_object *val)
{
	struct json_object *j = json_object_new_object();

	json_object_object_add(j, key, val);
	return j;
}

/* ---- VFs: no event carries them, so a changed PF's are read ---- */

struct vfread {
	uint32_t *h;
	int n, cap;
};

static uint32_t hash_bytes(const void *p, size_t len, uint32_t h)
{
	for (const unsigned char *b = p; len--; b++)
		h = (h ^ *b) * 16777619u;
	return h;
}

static int vf_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vfread *r = data;
	const struct nlattr *a, *vf;

	attr_for_each_msg(a, nlh, sizeof(struct ifinfomsg)) {
		if (attr_type(a) != IFLA_VFINFO_LIST)
			continue;
		attr_for_each_nested(vf, a) {
			if (r->n == r->cap) {
				int cap = r->cap ? 2 * r->cap : 8;
				void *nh = realloc(r->h, (size_t)cap * sizeof(*r->h));

				if (!nh)
					return MNL_CB_ERROR;
				r->h = nh;
				r->cap = cap;
			}
			r->h[r->n++] = hash_bytes(attr_data(vf), attr_len(vf), 2166136261u);
		}
	}
	return MNL_CB_OK;
}

/* Reads s's VFs again; says which changed since the last reading. */
static void vf_check(struct mon *m, struct snap *s)
{
	struct vfread r = { 0 };

	if (!s->pf || nlm_getlink(m->ctx, s->name, vf_cb, &r) < 0) {
		free(r.h);
		return;
	}
	for (int i = 0; s->vfh && i < r.n; i++)
		if (i >= s->num_vf || s->vfh[i] != r.h[i])
			emit(m, "vf", s, 0, field("vf", json_object_new_int(i)), "VF %d changed (ip link show dev %s)",
			     i, s->name);
	free(s->vfh);
	s->vfh = r.h;
	s->num_vf = r.n;
}

/* ---- links ---- */

static const char *stp_word(uint8_t st)
{
	struct link l = { .stp_state = st };

	return view_stp_state(&l);
}

/* What changed from s (NULL: the link is new) to the link as now read; s is brought up to date. */
static void link_changed(struct mon *m, struct snap *s, const struct link *l, int resync)
{
	int isnew = !s;
	struct snap old;

	if (!s)
		s = snap_add(m, l->ifindex);
	old = *s;
	str_copy(s->name, sizeof(s->name), l->name);
	str_copy(s->kind, sizeof(s->kind), l->kind);
	s->master = l->master;
	s->flags = l->flags;
	s->mtu = l->mtu;
	s->active_slave = l->active_slave;
	/* A port's STP state; the message of a link that left its bridge has none. */
	s->stp_state = !l->master ? 0 : l->stp_state ? l->stp_state : old.stp_state;
	s->pf = l->parent_dev;
	if (resync && l->num_vf != s->num_vf) {
		free(s->vfh);
		s->vfh = NULL;
		s->num_vf = l->num_vf;
	}
	if (isnew) {
		emit(m, "created", s, 0, field("up", json_object_new_boolean(l->flags & IFF_UP)), "%s",
		     l->flags & IFF_UP ? "up" : "down");
		if (l->master)
			emit(m, "joined", s, l->master, NULL, NULL);
		if (s->pf)
			vf_check(m, s);
		return;
	}
	if (strcmp(old.name, s->name))
		emit(m, "renamed", s, 0, field("was", json_object_new_string(old.name)), "was %s", old.name);
	if (old.master != s->master) {
		if (old.master)
			emit(m, "left", s, old.master, NULL, NULL);
		if (s->master)
			emit(m, "joined", s, s->master, NULL, NULL);
	}
	if ((old.flags ^ s->flags) & IFF_UP)
		emit(m, "state", s, 0, field("up", json_object_new_boolean(s->flags & IFF_UP)), "%s",
		     s->flags & IFF_UP ? "up" : "down");
	if ((old.flags ^ s->flags) & IFF_LOWER_UP)
		emit(m, "carrier", s, 0, field("carrier", json_object_new_boolean(s->flags & IFF_LOWER_UP)),
		     "%s", s->flags & IFF_LOWER_UP ? "on" : "off");
	if (old.mtu != s->mtu)
		emit(m, "mtu", s, 0, field("mtu", json_object_new_int64(s->mtu)), "%u (was %u)", s->mtu, old.mtu);
	if (old.stp_state != s->stp_state && old.stp_state && s->master == old.master)
		emit(m, "stp", s, 0, field("state", json_object_new_string(stp_word(s->stp_state))),
		     "%s (was %s)", stp_word(s->stp_state), stp_word(old.stp_state));
	if (old.active_slave != s->active_slave && !strcmp(s->kind, "bond")) {
		struct snap *was = snap_find(m, old.active_slave), *now = snap_find(m, s->active_slave);
		struct json_object *x = json_object_new_object();

		json_object_object_add(x, "active_slave", now ? json_object_new_string(now->name) : NULL);
		json_object_object_add(x, "was", was ? json_object_new_string(was->name) : NULL);
		emit(m, "failover", s, 0, x, "active slave %s (was %s)", now ? now->name : "none",
		     was ? was->name : "none");
	}
	/* Only a PF that is up says that its VFs changed (netdev_state_change). */
	if (s->pf && !resync)
		vf_check(m, s);
}

static void link_msg(struct mon *m, const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct snap *s = snap_find(m, ifm->ifi_index);
	struct state one;

	if (nlh->nlmsg_type == RTM_DELLINK) {
		if (s) {
			emit(m, "deleted", s, 0, NULL, NULL);
			snap_del(m, s);
		}
		return;
	}
	if (state_init(&one) < 0)
		return;
	if (state_decode_msg(&one, nlh, AF_UNSPEC) == 0 && one.n == 1)
		link_changed(m, s, &one.links[0], 0);
	state_free(&one);
}

/* An AF_BRIDGE message: a port's STP state (br_ifinfo_notify). */
static void bridge_msg(struct mon *m, const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct snap *s = snap_find(m, ifm->ifi_index);
	const struct nlattr *a, *p;

	if (!s || nlh->nlmsg_type != RTM_NEWLINK)
		return;
	attr_for_each_msg(a, nlh, sizeof(*ifm)) {
		if (attr_type(a) != IFLA_PROTINFO || !(a->nla_type & NLA_F_NESTED))
			continue;
		attr_for_each_nested(p, a) {
			uint8_t st;

			if (attr_type(p) != IFLA_BRPORT_STATE)
				continue;
			st = (uint8_t)(attr_u8(p) + 1);
			if (s->stp_state && st != s->stp_state)
				emit(m, "stp", s, 0, field("state", json_object_new_string(stp_word(st))),
				     "%s (was %s)", stp_word(st), stp_word(s->stp_state));
			s->stp_state = st;
		}
	}
}

static void addr_msg(struct mon *m, const struct nlmsghdr *nlh)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct snap *s = snap_find(m, (int)ifa->ifa_index);
	const struct nlattr *a;
	char txt[INET6_ADDRSTRLEN] = "?";
	const void *addr = NULL;

	if (!s || (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return;
	attr_for_each_msg(a, nlh, sizeof(*ifa))
		if ((attr_type(a) == IFA_LOCAL || (attr_type(a) == IFA_ADDRESS && !addr)) &&
		    attr_len(a) == (ifa->ifa_family == AF_INET ? 4u : 16u))
			addr = attr_data(a);
	if (addr)
		inet_ntop(ifa->ifa_family, addr, txt, sizeof(txt));
	char full[INET6_ADDRSTRLEN + 8];

	snprintf(full, sizeof(full), "%s/%u", txt, ifa->ifa_prefixlen);
	struct json_object *x = json_object_new_object();

	json_object_object_add(x, "action", json_object_new_string(nlh->nlmsg_type == RTM_NEWADDR ? "add" : "del"));
	json_object_object_add(x, "address", json_object_new_string(full));
	emit(m, "address", s, 0, x, "%s %s", nlh->nlmsg_type == RTM_NEWADDR ? "add" : "del", full);
}

/* Reads every link again and says what changed since they were last seen (quietly the first time). */
static int resync(struct mon *m, int quiet)
{
	struct state st;
	int r = state_load(m->ctx, &st, ST_LINKS);

	if (r < 0)
		return r;
	for (int i = 0; i < m->n;) {
		if (!state_by_index(&st, m->v[i].ifindex)) {
			emit(m, "deleted", &m->v[i], 0, NULL, NULL);
			snap_del(m, &m->v[i]);
		} else {
			i++;
		}
	}
	for (int i = 0; i < st.n; i++) {
		struct snap *s = snap_find(m, st.links[i].ifindex);

		if (quiet) {
			s = snap_add(m, st.links[i].ifindex);
			str_copy(s->name, sizeof(s->name), st.links[i].name);
			str_copy(s->kind, sizeof(s->kind), st.links[i].kind);
			s->master = st.links[i].master;
			s->flags = st.links[i].flags;
			s->mtu = st.links[i].mtu;
			s->stp_state = st.links[i].stp_state;
			s->active_slave = st.links[i].active_slave;
			s->num_vf = st.links[i].num_vf;
			s->pf = st.links[i].parent_dev;
			if (s->num_vf > 0)
				vf_check(m, s);
		} else {
			link_changed(m, s, &st.links[i], 1);
		}
	}
	state_free(&st);
	return 0;
}

static int monitor_words(struct vnet_ctx *ctx, int argc, char *const *argv)
{
	for (int i = 1; i < argc; i++) {
		const char *why = NULL;
		int isk = !strcmp(argv[i], "vf") || !strcmp(argv[i], "link");

		for (int k = 0; kind_table[k] && !isk; k++)
			isk = kind_table[k]->link_kind && !strcmp(kind_table[k]->name, argv[i]);
		if (!isk && parse_ifname(argv[i], &why) < 0)
			return vnet_usage(ctx, i, "monitor: \"%s\": neither an object (bridge, bond, vlan, vf, veth, sea, link) nor a name: %s",
					  argv[i], why);
	}
	return 0;
}

int vnet_monitor(struct vnet_ctx *ctx, int argc, char *const *argv, int stop_fd)
{
	static const unsigned int groups[] = { RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR };
	struct mon m = { .ctx = ctx, .objs = argv + 1, .nobjs = argc - 1 };
	struct mnl_socket *ev;
	size_t bufsize = 1 << 16;
	char *buf;
	int r;

	vnet_clear_error(ctx);
	r = monitor_words(ctx, argc, argv);
	if (r < 0)
		return r;
	/* Listening first: what happens while the links are read is heard. */
	ev = nlm_open_listener(ctx, groups, (int)(sizeof(groups) / sizeof(groups[0])));
	if (!ev)
		return -(ctx->err.err ? ctx->err.err : EIO);
	buf = malloc(bufsize);
	if (!buf)
		abort();
	r = resync(&m, 1);
	while (r == 0) {
		struct pollfd pf[2] = { { .fd = mnl_socket_get_fd(ev), .events = POLLIN },
					{ .fd = stop_fd, .events = POLLIN } };

		if (poll(pf, stop_fd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			r = vnet_fail(ctx, errno, "monitor: poll");
			break;
		}
		if (stop_fd >= 0 && pf[1].revents)
			break;
		if (!pf[0].revents)
			continue;
		ssize_t len = recv(mnl_socket_get_fd(ev), buf, bufsize, MSG_DONTWAIT);

		if (len < 0 && errno == ENOBUFS) {
			struct snap none = { .name = "*" };

			emit(&m, "lost", &none, 0, field("error", json_object_new_string("ENOBUFS")),
			     "events lost (ENOBUFS: the kernel's queue overflowed); the links are read again");
			r = resync(&m, 0);
			continue;
		}
		if (len < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			r = vnet_fail(ctx, errno, "monitor: cannot read the kernel's events");
			break;
		}
		int left = (int)len;

		for (const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

			if ((nlh->nlmsg_type == RTM_NEWLINK || nlh->nlmsg_type == RTM_DELLINK) &&
			    nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(*ifm))) {
				if (ifm->ifi_family == AF_BRIDGE)
					bridge_msg(&m, nlh);
				else
					link_msg(&m, nlh);
			} else if ((nlh->nlmsg_type == RTM_NEWADDR || nlh->nlmsg_type == RTM_DELADDR) &&
				   nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg))) {
				addr_msg(&m, nlh);
			}
		}
	}
	free(buf);
	for (int i = 0; i < m.n; i++)
		free(m.v[i].vfh);
	free(m.v);
	mnl_socket_close(ev);
	return r;
}
