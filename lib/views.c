// SPDX-License-Identifier: GPL-2.0-or-later
/* A link's state at run time, in the words every view uses. */
#include <json-c/json.h>

#include "internal.h" /* net/if.h before linux/if.h */

#include <linux/if.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include "value.h"
#include "views.h"

const char *view_operstate(const struct link *l)
{
	static const char *const words[] = { "unknown", "notpresent", "down", "lowerlayerdown",
					     "testing", "dormant", "up" };

	return l->operstate < sizeof(words) / sizeof(words[0]) ? words[l->operstate] : "unknown";
}

int view_carrier(const struct link *l)
{
	return !!(l->flags & IFF_LOWER_UP);
}

const char *view_stp_state(const struct link *l)
{
	static const char *const words[] = { "disabled", "listening", "learning", "forwarding",
					     "blocking" };

	if (!l->stp_state)
		return NULL;
	return l->stp_state - 1u < sizeof(words) / sizeof(words[0]) ? words[l->stp_state - 1] : "unknown";
}

void view_bridge_id(const uint8_t id[8], char *buf, size_t len)
{
	char t[20];

	format_hex(id, 2, 0, t);
	t[4] = '.';
	format_hex(id + 2, 6, 0, t + 5);
	str_copy(buf, len < sizeof(t) ? len : sizeof(t), t);
}

void view_json_runtime(struct json_object *j, const struct link *l)
{
	json_object_object_add(j, "operstate", json_object_new_string(view_operstate(l)));
	json_object_object_add(j, "carrier", json_object_new_boolean(view_carrier(l)));
}

void view_port_text(const struct link *l, char *buf, size_t len)
{
	const char *stp = view_stp_state(l);

	snprintf(buf, len, " (%s%s)", stp ? stp : view_operstate(l),
		 !(l->flags & IFF_UP) ? ", down" : !view_carrier(l) ? ", no carrier" : "");
}

void view_facts_text(FILE *out, const char *indent, const struct view_fact *f, int n)
{
	for (int i = 0; i < n; i++) {
		if (f[i].s)
			fprintf(out, "%s%s: %s\n", indent, f[i].label, f[i].s);
		else
			fprintf(out, "%s%s: %llu\n", indent, f[i].label, (unsigned long long)f[i].u);
	}
}

void view_facts_json(struct json_object *j, const struct view_fact *f, int n)
{
	for (int i = 0; i < n; i++)
		json_object_object_add(j, f[i].key, f[i].s ? json_object_new_string(f[i].s)
							   : json_object_new_int64((int64_t)f[i].u));
}
