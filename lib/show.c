// SPDX-License-Identifier: GPL-2.0-or-later
/* What every kind's show has in common: JSON fields from a table, and the walk. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"
#include "value.h"
#include "obj.h"
#include "state.h"
#include "kind.h"
#include "out.h"
#include "addr.h"

static struct json_object *json_field(const struct param *p, const struct val *v)
{
	char buf[1024];

	switch (p->type) {
	case PT_BOOL:
		return json_object_new_boolean(v->u != 0);
	case PT_UINT:
		return json_object_new_int64((int64_t)v->u);
	case PT_CSEC: {
		/* The statement's own digits ("1.5", "15.0"), not a binary fraction's. */
		int n = format_centisecs(v->u, buf, sizeof(buf) - 2);

		if (!strchr(buf, '.'))
			memcpy(buf + n, ".0", 3);
		return json_object_new_double_s((double)v->u / 100.0, buf);
	}
	case PT_ENUM: {
		const char *w = enum_word(p, v->u);

		if (w)
			return json_object_new_string(w);
		val_format(p, v, buf, sizeof(buf));
		return json_object_new_string(buf);
	}
	case PT_PVID:
		return v->u ? json_object_new_int64((int64_t)v->u) : NULL;
	case PT_IFREF:
		return v->names.n ? json_object_new_string(v->names.names[0]) : NULL;
	case PT_ADDRS:
		return addrlist_json(v->ips);
	case PT_GW:
		if (!v->ips || !v->ips->n)
			return NULL;
		addrlist_format(v->ips, buf, sizeof(buf), 0);
		return json_object_new_string(buf);
	case PT_IPS:
	case PT_NAMES: {
		struct json_object *a = json_object_new_array();

		for (int i = 0; i < v->names.n; i++)
			json_object_array_add(a, json_object_new_string(v->names.names[i]));
		return a;
	}
	default:
		val_format(p, v, buf, sizeof(buf));
		return json_object_new_string(buf);
	}
}

void json_add_fields(struct json_object *j, const struct param *tab, const struct obj *o)
{
	for (const struct param *p = tab; p->word; p++) {
		char key[64];
		size_t i;

		if (!obj_has(o, p->field) || param_by_field(tab, p->field) != p || p->type == PT_FLAG)
			continue;
		for (i = 0; p->word[i] && i < sizeof(key) - 1; i++)
			key[i] = p->word[i] == '-' ? '_' : p->word[i];
		key[i] = 0;
		json_object_object_add(j, key, json_field(p, &o->v[p->field]));
	}
}

/*
 * show --config of l as the kind writes it, with the link's addresses and
 * gateways at the end of its first statement (one that a backslash
 * continues ends at its last line).
 */
void show_conf(struct vnet_ctx *ctx, const struct kind *k, show_text_fn conf, struct state *st,
	       const struct link *l)
{
	char words[2048], *text = NULL, *end;
	size_t len = 0;
	FILE *keep = ctx->out;

	if (!addr_words(st, l, words, sizeof(words))) {
		conf(ctx, st, l);
		return;
	}
	ctx->out = open_memstream(&text, &len);
	if (!ctx->out)
		abort();
	conf(ctx, st, l);
	fclose(ctx->out);
	ctx->out = keep;
	(void)k;
	/* The end of the first statement: the first newline not after a backslash. */
	for (end = text; end && *end; end++)
		if (*end == '\n' && (end == text || end[-1] != '\\'))
			break;
	if (!end || !*end) {
		fputs(text ? text : "", ctx->out);
		free(text);
		return;
	}
	fprintf(ctx->out, "%.*s%s%s", (int)(end - text), text, words, end);
	free(text);
}

int show_links(struct vnet_ctx *ctx, const struct kind *k, unsigned int what, const char *name,
	       int config, const char *header, show_text_fn text, show_json_fn json,
	       show_text_fn conf)
{
	struct state st;
	int r;

	/* Addresses and gateways: in every view (text: a line after the link's own). */
	r = state_load(ctx, &st, what | ST_ADDRS);
	if (r < 0)
		goto out;
	if (name) {
		const struct link *l = state_by_name(&st, name);

		if (!l)
			r = vnet_fail(ctx, ENODEV, "%s %s: no such %s", k->name, name, k->name);
		else if (k->link_kind && strcmp(l->kind, k->link_kind)) {
			const struct kind *other = kind_by_link_kind(l->kind);
			char hint[120] = "";

			/* "eth0 is a veth, not a bridge; vnetctl veth show eth0 shows it" */
			if (other && other->show)
				snprintf(hint, sizeof(hint), "; vnetctl %s show %s shows it", other->name,
					 name);
			r = vnet_refuse(ctx, EINVAL, "%s %s: %s is %s%s, not a %s%s", k->name, name, name,
					l->kind[0] ? "a " : "a device without a kind", l->kind, k->name,
					hint);
		}
		if (r < 0)
			goto out;
	}
	int as_json = !!(ctx->flags & VNET_F_JSON), n = 0;
	int fl = (ctx->flags & VNET_F_PRETTY) ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
					      : JSON_C_TO_STRING_PLAIN;

	if (as_json)
		fputc('[', ctx->out);
	else if (!config && header)
		out_line(ctx, "%s", header);
	for (int i = 0; i < st.n; i++) {
		const struct link *l = &st.links[i];

		/* A kind without links of its own (link) shows every link. */
		if ((k->link_kind && strcmp(l->kind, k->link_kind)) || (name && strcmp(l->name, name)))
			continue;
		if (as_json) {
			/* One object at a time: the array is never whole in memory. */
			struct json_object *j = json(&st, l);

			if (!j)
				continue; /* described along with another link (a veth's peer) */
			addr_json(&st, l, j);
			fprintf(ctx->out, "%s%s", n++ ? "," : "", (ctx->flags & VNET_F_PRETTY) ? "\n" : "");
			fputs(json_object_to_json_string_ext(j, fl | JSON_C_TO_STRING_NOSLASHESCAPE),
			      ctx->out);
			json_object_put(j);
		} else if (config) {
			show_conf(ctx, k, conf, &st, l);
		} else {
			text(ctx, &st, l);
			if (k->addr_indent)
				addr_view_line(ctx->out, &st, l, k->addr_indent);
		}
	}
	if (as_json)
		fprintf(ctx->out, "%s]\n", n && (ctx->flags & VNET_F_PRETTY) ? "\n" : "");
out:
	state_free(&st);
	return r;
}
