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

/* A fact's value as text: its string, "none", yes or no, or its number. */
static const char *fact_text(const struct view_fact *f, char *buf, size_t len)
{
	if (f->none)
		return "none";
	if (f->s)
		return f->s;
	if (f->boolean)
		return f->u ? "yes" : "no";
	snprintf(buf, len, "%llu", (unsigned long long)f->u);
	return buf;
}

void view_facts_text(FILE *out, const char *indent, const struct view_fact *f, int n)
{
	char num[24];

	for (int i = 0; i < n; i++)
		fprintf(out, "%s%s: %s\n", indent, f[i].label, fact_text(&f[i], num, sizeof(num)));
}

void view_facts_line(FILE *out, const struct view_fact *f, int n)
{
	char num[24];
	int k = 0;

	for (int i = 0; i < n; i++) {
		if (f[i].boolean && !f[i].u)
			continue;
		fprintf(out, "%s%s", k++ ? ", " : "", f[i].label);
		if (!f[i].boolean)
			fprintf(out, " %s", fact_text(&f[i], num, sizeof(num)));
	}
}

void view_facts_json(struct json_object *j, const struct view_fact *f, int n)
{
	for (int i = 0; i < n; i++)
		json_object_object_add(j, f[i].key,
				       f[i].none      ? NULL
				       : f[i].s       ? json_object_new_string(f[i].s)
				       : f[i].boolean ? json_object_new_boolean(!!f[i].u)
						      : json_object_new_int64((int64_t)f[i].u));
}
