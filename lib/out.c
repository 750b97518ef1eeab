// SPDX-License-Identifier: GPL-2.0-or-later
/* Results go to the caller's stream (as libnftables' nft_ctx_set_output). */
#include <json-c/json.h>

#include "internal.h"
#include "out.h"

void out_line(struct vnet_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(ctx->out, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->out);
}

void out_json(struct vnet_ctx *ctx, struct json_object *j)
{
	int fl = (ctx->flags & VNET_F_PRETTY) ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
					       : JSON_C_TO_STRING_PLAIN;

	fprintf(ctx->out, "%s\n", json_object_to_json_string_ext(j, fl | JSON_C_TO_STRING_NOSLASHESCAPE));
}
