// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target: the link dump decoder (lib/state.c link_cb and brvlan_cb,
 * and through them libnl's link parser and each kind's decode hook), fed
 * without a kernel through state_decode_msg().
 *
 * Input: netlink messages back to back, as a recv() of a dump returns them
 * (tests/fuzz/record-dumps writes real ones). They are cut the way
 * mnl_cb_run() cuts a buffer in nlm_dump(), so the decoder sees exactly what
 * it would see from a socket, but each message is copied into an allocation
 * of its own (its length, aligned as libmnl reads it): a read past the end
 * of a message is caught even when more messages follow. A message whose ifinfomsg says AF_BRIDGE goes
 * to the VLAN decoder (the AF_BRIDGE dump), any other to the link decoder.
 *
 * After the messages the state is used as show uses it: every link's kind
 * fields and port fields formatted as statements and as JSON, its VLANs
 * formatted, the ports of each master walked, names looked up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "internal.h"
#include "kind.h"
#include "nl.h"
#include "sysfs.h"
#include "out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void use_obj(const struct param *tab, const struct obj *o)
{
	char line[1024];
	struct json_object *j;

	if (!tab)
		return;
	obj_format(tab, o, o->mask, line, sizeof(line));
	if (strlen(line) >= sizeof(line))
		abort();
	j = json_object_new_object();
	if (!j)
		abort();
	json_add_fields(j, tab, o);
	if (!json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN))
		abort();
	json_object_put(j);
}

static void use_state(struct state *st)
{
	char buf[32768];

	for (int i = 0; i < st->n; i++) {
		struct link *l = &st->links[i];
		const struct kind *k = kind_by_link_kind(l->kind);

		if (l->kind[sizeof(l->kind) - 1] || l->slave_kind[sizeof(l->slave_kind) - 1] ||
		    l->name[sizeof(l->name) - 1] || strlen(link_alias(l)) > 255 ||
		    l->parent_bus[sizeof(l->parent_bus) - 1] ||
		    l->parent_name[sizeof(l->parent_name) - 1])
			abort(); /* an unterminated string in a decoded link */
		if (k)
			use_obj(k->params, link_kobj(l));
		if (!strcmp(l->slave_kind, "bridge"))
			use_obj(kind_bridge.port_params, link_pobj(l));
		if (link_vl(l)->have) {
			vlanset_format(&link_vl(l)->member, buf, sizeof(buf));
			vlanset_format(&link_vl(l)->untagged, buf, sizeof(buf));
		}
		/* Names and indexes lead back to a link. */
		if (state_by_index(st, l->ifindex) == NULL && l->ifindex > 0)
			abort();
		state_by_name(st, l->name);
		state_name(st, l->master);
		state_name(st, l->link);
		/* The ports of a master, as show lists them: a finite walk. */
		int n = 0;

		for (struct link *p = state_port(st, l, NULL); p; p = state_port(st, l, p))
			if (++n > st->n)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state st;
	uint8_t *buf;
	const struct nlmsghdr *h;
	int ok = 1;
	int left = (int)(size > 1 << 20 ? 1 << 20 : size);

	/* The fuzzer's buffer need not be aligned as a recv() buffer is. */
	buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	if (state_init(&st) < 0)
		abort();
	for (h = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(h, left); h = mnl_nlmsg_next(h, &left)) {
		struct nlmsghdr *m;
		int family = AF_UNSPEC, r;

		/*
		 * mnl_nlmsg_ok() compares (int)nlmsg_len: a length of 2 GiB or more
		 * passes it. The kernel never sends one; the harness stops there.
		 */
		if (h->nlmsg_len > (unsigned int)left)
			break;
		/* mnl_cb_run() keeps control messages from the callback. */
		if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
			break;
		if (h->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		/*
		 * libmnl reads attributes up to the message's aligned end
		 * (mnl_nlmsg_get_payload_tail): the copy holds the padding too,
		 * as a receive buffer does, and nothing more.
		 */
		size_t alen = MNL_ALIGN(h->nlmsg_len);

		m = calloc(1, alen);
		if (!m)
			abort();
		memcpy(m, h, alen <= (size_t)left ? alen : h->nlmsg_len);
		/* ifi_family is the payload's first byte. */
		if (m->nlmsg_len > NLMSG_HDRLEN && ((const uint8_t *)m)[NLMSG_HDRLEN] == AF_BRIDGE)
			family = AF_BRIDGE;
		r = state_decode_msg(&st, m, family);
		free(m);
		/* As in state_load: a link the decoder refuses ends the dump, and the reading. */
		if (r < 0) {
			ok = 0;
			break;
		}
	}
	if (ok)
		use_state(&st);
	state_free(&st);
	free(buf);
	return 0;
}
