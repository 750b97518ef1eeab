// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * record-host FILE: reads the links, bridge VLANs, addresses and routes of
 * the current network namespace as a rollback's record does (the journal's
 * reading: the same dumps, through the same tap, with what a record drops
 * dropped) and writes the messages, back to back, to FILE. Then, on
 * standard output, one line "NAME TYPE" for each bridge and bond: its
 * addr_assign_type (3: a MAC a user set), which no dump holds.
 *
 * tests/unit/dumps/record runs it in the namespaces it sets up; the unit
 * tests read the files with record_decode().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "nl.h"
#include "state.h"

int main(int argc, char **argv)
{
	struct vnet_ctx *ctx;
	struct nl_tap tap = { 0 };
	struct state st;
	struct addrset addrs = { 0 };
	struct routeset routes = { 0 };
	FILE *f;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: record-host FILE\n");
		return 2;
	}
	ctx = vnet_ctx_new();
	if (!ctx)
		return 1;
	ctx->tap = &tap;
	r = state_load(ctx, &st, ST_LINKS | ST_BRVLANS);
	if (r == 0)
		r = addrs_load(ctx, &addrs);
	if (r == 0)
		r = routes_load(ctx, &routes);
	ctx->tap = NULL;
	if (r == 0 && tap.err)
		r = tap.err;
	if (r < 0) {
		fprintf(stderr, "record-host: cannot read the host: %s\n", strerror(-r));
		return 1;
	}
	f = fopen(argv[1], "wb");
	if (!f || fwrite(tap.buf, 1, tap.len, f) != tap.len || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	for (int i = 0; i < st.n; i++) {
		const struct link *l = &st.links[i];
		char path[128];
		int t = -1;

		if (strcmp(l->kind, "bridge") && strcmp(l->kind, "bond"))
			continue;
		snprintf(path, sizeof(path), "/sys/class/net/%s/addr_assign_type", l->name);
		FILE *a = fopen(path, "r");

		if (!a || fscanf(a, "%d", &t) != 1) {
			fprintf(stderr, "record-host: cannot read %s\n", path);
			return 1;
		}
		fclose(a);
		printf("%s %d\n", l->name, t);
	}
	state_free(&st);
	free(addrs.a);
	routeset_free(&routes);
	nl_tap_free(&tap);
	vnet_ctx_free(ctx);
	return 0;
}
