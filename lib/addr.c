// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Addresses and routes as the kernel dumps them, and the address values of
 * statements (addresses ADDR/PLEN,...; gateway IP; gateway6 IP).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "attr.h"
#include "nl.h"
#include "addr.h"

/* ---- values ---- */

void addrlist_free(struct addrlist **l)
{
	if (!*l)
		return;
	free((*l)->e);
	free(*l);
	*l = NULL;
}

struct addrlist *addrlist_dup(const struct addrlist *l)
{
	struct addrlist *d = calloc(1, sizeof(*d));

	if (!d || (l->n && !(d->e = malloc((size_t)l->n * sizeof(*d->e)))))
		abort();
	if (l->n)
		memcpy(d->e, l->e, (size_t)l->n * sizeof(*d->e));
	d->n = l->n;
	return d;
}

static int ip_same(const struct ipaddr *a, const struct ipaddr *b)
{
	return a->family == b->family && !memcmp(a->a, b->a, a->family == AF_INET ? 4 : 16);
}

int addrlist_has(const struct addrlist *l, const struct ipaddr *a)
{
	for (int i = 0; l && i < l->n; i++)
		if (ip_same(&l->e[i], a) && l->e[i].plen == a->plen)
			return 1;
	return 0;
}

int addrlist_equal(const struct addrlist *a, const struct addrlist *b)
{
	if ((a ? a->n : 0) != (b ? b->n : 0))
		return 0;
	for (int i = 0; a && i < a->n; i++)
		if (!addrlist_has(b, &a->e[i]))
			return 0;
	return 1;
}


int addrlist_format(const struct addrlist *l, char *buf, size_t len, int plen)
{
	size_t o = 0;

	if (len)
		buf[0] = 0;
	if (!l || !l->n)
		return snprintf(buf, len, "none");
	for (int i = 0; i < l->n; i++) {
		char s[INET6_ADDRSTRLEN] = "?";

		inet_ntop(l->e[i].family, l->e[i].a, s, sizeof(s));
		if (plen)
			o += (size_t)snprintf(SN_AT(buf, len, o), "%s%s/%u", i ? "," : "", s, l->e[i].plen);
		else
			o += (size_t)snprintf(SN_AT(buf, len, o), "%s%s", i ? "," : "", s);
	}
	return (int)o;
}

struct json_object *addrlist_json(const struct addrlist *l)
{
	struct json_object *a = json_object_new_array();
	char s[INET6_ADDRSTRLEN + 8];

	for (int i = 0; l && i < l->n; i++) {
		struct addrlist one = { 1, &l->e[i] };

		addrlist_format(&one, s, sizeof(s), 1);
		json_object_array_add(a, json_object_new_string(s));
	}
	return a;
}

/* One address: "ADDR/PLEN", or a gateway's "ADDR" (family 4 or 6 then). */
static int parse_one(char *w, int gw, struct ipaddr *out, const char **why)
{
	char *slash = strchr(w, '/'), *end;
	unsigned long plen = 0;
	int v6 = strchr(w, ':') != NULL;

	memset(out, 0, sizeof(*out));
	if (strchr(w, '%')) {
		*why = "an IPv6 zone id (%) names a link, not an address: give the address alone";
		return -EINVAL;
	}
	if (gw && slash) {
		*why = "a gateway is an address without a prefix length";
		return -EINVAL;
	}
	if (!gw && !slash) {
		*why = "expected ADDR/PLEN (192.0.2.10/24, 2001:db8::10/64)";
		return -EINVAL;
	}
	if (slash)
		*slash = 0;
	out->family = v6 ? AF_INET6 : AF_INET;
	if (inet_pton(out->family, w, out->a) != 1) {
		*why = v6 ? "not an IPv6 address" : "not an IPv4 address";
		return -EINVAL;
	}
	if (gw && gw != (v6 ? 6 : 4)) {
		*why = gw == 4 ? "gateway is IPv4 (gateway6 takes an IPv6 one)"
			       : "gateway6 is IPv6 (gateway takes an IPv4 one)";
		return -EINVAL;
	}
	if (slash) {
		errno = 0;
		plen = strtoul(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end || plen > (v6 ? 128 : 32)) {
			*why = v6 ? "an IPv6 prefix length is 0-128" : "an IPv4 prefix length is 0-32";
			return -EINVAL;
		}
		out->plen = (uint8_t)plen;
	}
	static const uint8_t zero[16];

	if (!memcmp(out->a, zero, v6 ? 16 : 4) || (v6 ? out->a[0] == 0xff : out->a[0] >= 224)) {
		*why = "not a host's address (unspecified, multicast or reserved)";
		return -EINVAL;
	}
	/* An IPv4 subnet's first and last addresses are not a host's (/31 and /32 have none). */
	if (!v6 && !gw && plen && plen <= 30) {
		uint32_t a = ntohl(*(const uint32_t *)out->a), host = (1U << (32 - plen)) - 1;

		if (!(a & host) || (a & host) == host) {
			*why = (a & host) ? "the broadcast address of its subnet, not a host's"
					  : "the network address of its subnet, not a host's";
			return -EINVAL;
		}
	}
	return 0;
}

int addrlist_parse(const char *s, int gw, struct addrlist **out, const char **why)
{
	struct addrlist *l = calloc(1, sizeof(*l));
	char w[128];

	if (!l) {
		*why = "out of memory";
		return -ENOMEM;
	}
	*out = l;
	if (!strcmp(s, "none"))
		return 0;
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, ",");
		struct ipaddr a;

		if (!n || n >= sizeof(w)) {
			*why = n ? "an address too long" : "an empty item in the list";
			return -EINVAL;
		}
		memcpy(w, p, n);
		w[n] = 0;
		if (parse_one(w, gw, &a, why) < 0)
			return -EINVAL;
		for (int i = 0; i < l->n; i++)
			if (ip_same(&l->e[i], &a)) {
				*why = "the same address twice";
				return -EINVAL;
			}
		if (gw && l->n) {
			*why = "one gateway (a default route has one router)";
			return -EINVAL;
		}
		void *e = realloc(l->e, (size_t)(l->n + 1) * sizeof(*l->e));

		if (!e) {
			*why = "out of memory";
			return -ENOMEM;
		}
		l->e = e;
		l->e[l->n++] = a;
		p += n + (p[n] == ',');
		if (p[-1] == ',' && !*p) {
			*why = "an empty item in the list";
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- dumps ---- */

/* Flags of an address that a user gives, as opposed to its state (tentative, deprecated). */
#define ADDR_USER_FLAGS                                                                       \
	(IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE |       \
	 IFA_F_MCAUTOJOIN)

int addrset_decode(const struct nlmsghdr *nlh, void *data)
{
	struct addrset *s = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct rec_addr r = { .ifindex = (int)ifa->ifa_index, .family = ifa->ifa_family,
			      .plen = ifa->ifa_prefixlen, .scope = ifa->ifa_scope };
	uint32_t flags = ifa->ifa_flags;
	size_t alen = ifa->ifa_family == AF_INET ? 4 : 16;

	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	attr_for_each_msg(a, nlh, sizeof(*ifa)) {
		switch (attr_type(a)) {
		case IFA_LOCAL:
			if (attr_len(a) == alen)
				memcpy(r.local, attr_data(a), alen), r.has_local = 1;
			break;
		case IFA_ADDRESS:
			if (attr_len(a) == alen)
				memcpy(r.address, attr_data(a), alen), r.has_address = 1;
			break;
		case IFA_BROADCAST:
			if (attr_len(a) == 4)
				memcpy(r.brd, attr_data(a), 4), r.has_brd = 1;
			break;
		case IFA_LABEL:
			attr_str(a, r.label, sizeof(r.label));
			break;
		case IFA_FLAGS:
			if (attr_len(a) >= 4)
				flags = attr_u32(a);
			break;
		}
	}
	/*
	 * What the kernel or a daemon manages is theirs: addresses with a
	 * lifetime (DHCP, SLAAC) and the IPv6 link-local one.
	 */
	if (!(flags & IFA_F_PERMANENT) || (r.family == AF_INET6 && r.scope == RT_SCOPE_LINK))
		return MNL_CB_OK;
	r.flags = flags & ADDR_USER_FLAGS;
	if (s->n == s->cap) {
		int cap = s->cap ? 2 * s->cap : 16;
		void *n = realloc(s->a, (size_t)cap * sizeof(*s->a));

		if (!n)
			return MNL_CB_ERROR;
		s->a = n;
		s->cap = cap;
	}
	s->a[s->n++] = r;
	return MNL_CB_OK;
}

static int addr_reset(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	((struct addrset *)data)->n = 0;
	return MNL_CB_OK;
}

int addrs_load(struct vnet_ctx *ctx, struct addrset *s)
{
	memset(s, 0, sizeof(*s));
	return nlm_dump_of(ctx, RTM_GETADDR, AF_UNSPEC, 0, addrset_decode, addr_reset, s);
}

int addr_same(const struct rec_addr *a, const struct rec_addr *b)
{
	size_t alen = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && a->plen == b->plen && a->has_local == b->has_local &&
	       (!a->has_local || !memcmp(a->local, b->local, alen)) &&
	       (!a->has_address || !b->has_address || !memcmp(a->address, b->address, alen));
}

const struct rec_addr *addr_find(const struct addrset *s, int ifindex,
					const struct rec_addr *a)
{
	for (int i = 0; i < s->n; i++)
		if (s->a[i].ifindex == ifindex && addr_same(&s->a[i], a))
			return &s->a[i];
	return NULL;
}

void addr_text(const struct rec_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	inet_ntop(a->family, a->has_local ? a->local : a->address, ip, sizeof(ip));
	snprintf(buf, len, "%s/%u", ip, a->plen);
}

/* ---- routes ---- */

/* Attributes of a dumped route that a new one takes (the others are the kernel's readings). */
int route_attr_kept(uint16_t t)
{
	switch (t) {
	case RTA_DST:
	case RTA_SRC:
	case RTA_GATEWAY:
	case RTA_PRIORITY:
	case RTA_PREFSRC:
	case RTA_METRICS:
	case RTA_FLOW:
	case RTA_TABLE:
	case RTA_PREF:
	case RTA_VIA:
	case RTA_ENCAP_TYPE:
	case RTA_ENCAP:
		return 1;
	}
	return 0;
}

int routeset_decode(const struct nlmsghdr *nlh, void *data)
{
	struct routeset *s = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	struct rec_route r = { .family = rtm->rtm_family, .dst_len = rtm->rtm_dst_len,
			       .tos = rtm->rtm_tos, .type = rtm->rtm_type, .table = rtm->rtm_table,
			       .protocol = rtm->rtm_protocol };
	size_t alen = rtm->rtm_family == AF_INET ? 4 : 16;

	/*
	 * Routes a user or a program added through a link (the kernel's own,
	 * for an address's subnet, and those of router advertisements and
	 * DHCP clients are theirs), unicast, not cached clones.
	 */
	if ((rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) ||
	    rtm->rtm_type != RTN_UNICAST || rtm->rtm_protocol == RTPROT_KERNEL ||
	    rtm->rtm_protocol == RTPROT_RA || rtm->rtm_protocol == RTPROT_DHCP ||
	    (rtm->rtm_flags & RTM_F_CLONED))
		return MNL_CB_OK;
	attr_for_each_msg(a, nlh, sizeof(*rtm)) {
		switch (attr_type(a)) {
		case RTA_OIF:
			if (attr_len(a) >= 4)
				r.oif = (int)attr_u32(a);
			break;
		case RTA_DST:
			if (attr_len(a) == alen)
				memcpy(r.dst, attr_data(a), alen);
			break;
		case RTA_GATEWAY:
			if (attr_len(a) == alen)
				memcpy(r.gateway, attr_data(a), alen);
			break;
		case RTA_PRIORITY:
			if (attr_len(a) >= 4)
				r.priority = attr_u32(a);
			break;
		case RTA_TABLE:
			if (attr_len(a) >= 4)
				r.table = attr_u32(a);
			break;
		}
	}
	if (!r.oif)
		return MNL_CB_OK; /* multipath or no device: not a link's */
	if (s->n == s->cap) {
		int cap = s->cap ? 2 * s->cap : 16;
		void *n = realloc(s->r, (size_t)cap * sizeof(*s->r));

		if (!n)
			return MNL_CB_ERROR;
		s->r = n;
		s->cap = cap;
	}
	r.msg = malloc(nlh->nlmsg_len);
	if (!r.msg)
		return MNL_CB_ERROR;
	memcpy(r.msg, nlh, nlh->nlmsg_len);
	s->r[s->n++] = r;
	return MNL_CB_OK;
}

void routeset_free(struct routeset *s)
{
	for (int i = 0; i < s->n; i++)
		free(s->r[i].msg);
	free(s->r);
	memset(s, 0, sizeof(*s));
}

static int route_reset(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	routeset_free(data);
	return MNL_CB_OK;
}

int routes_load(struct vnet_ctx *ctx, struct routeset *s)
{
	memset(s, 0, sizeof(*s));
	return nlm_dump_of(ctx, RTM_GETROUTE, AF_UNSPEC, 0, routeset_decode, route_reset, s);
}

/* The same route, but for the device (compared by name by the caller). */
int route_same(const struct rec_route *a, const struct rec_route *b)
{
	/* Whose it is too: vnetctl's default route in place of a boot one is a change. */
	return a->family == b->family && a->dst_len == b->dst_len && a->tos == b->tos &&
	       a->table == b->table && a->priority == b->priority && a->protocol == b->protocol &&
	       !memcmp(a->dst, b->dst, sizeof(a->dst)) && !memcmp(a->gateway, b->gateway, sizeof(a->gateway));
}

void route_text(const struct rec_route *r, char *buf, size_t len)
{
	char dst[INET6_ADDRSTRLEN] = "?", gw[INET6_ADDRSTRLEN] = "";
	static const uint8_t zero[16];

	inet_ntop(r->family, r->dst, dst, sizeof(dst));
	if (memcmp(r->gateway, zero, sizeof(zero)))
		inet_ntop(r->family, r->gateway, gw, sizeof(gw));
	if (!r->dst_len)
		snprintf(buf, len, "default%s%s", gw[0] ? " via " : "", gw);
	else
		snprintf(buf, len, "%s/%u%s%s", dst, r->dst_len, gw[0] ? " via " : "", gw);
}

