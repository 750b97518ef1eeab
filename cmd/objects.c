// SPDX-License-Identifier: GPL-2.0-or-later
/* The objects: thin wrappers that hand the words to the library. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* Help text comes from the library's tables, never a hand-kept copy. */
void usage_object(FILE *f, const char *object)
{
	const struct vnet_verb *v = vnet_verbs();
	const struct vnet_keyword *last = NULL;
	size_t ol = strlen(object);

	fprintf(f, "Usage:\n");
	for (const struct vnet_verb *x = v; x->object; x++)
		if (!strncmp(x->object, object, ol) && (!x->object[ol] || x->object[ol] == ' '))
			fprintf(f, "  vnetctl [OPTIONS] %s %s %s%s\n      %s\n", x->object, x->verb,
				x->args, x->keywords && x->keywords[0].word ? " [KEYWORD VALUE]..." : "",
				x->summary);
	for (const struct vnet_verb *x = v; x->object; x++) {
		if (strncmp(x->object, object, ol) || (x->object[ol] && x->object[ol] != ' ') ||
		    !x->keywords || !x->keywords[0].word || x->keywords == last)
			continue;
		/* add and set share a table: list it once per object. */
		if (last && !strcmp(last[0].word, x->keywords[0].word))
			continue;
		last = x->keywords;
		fprintf(f, "\nKeywords of %s add|set:\n", x->object);
		for (const struct vnet_keyword *k = x->keywords; k->word; k++) {
			char left[64];

			snprintf(left, sizeof(left), "%s%s%s", k->word, k->value ? " " : "",
				 k->value ? k->value : "");
			fprintf(f, "  %-28s %s\n", left, k->help);
		}
	}
}

/* OBJECT show, OBJECT help: words that only look (--confirm has nothing to keep). */
static int is_view(int argc, char **argv)
{
	for (int i = 1; i < argc && i < 3; i++)
		if (!strcmp(argv[i], "show") || !strcmp(argv[i], "help"))
			return 1;
	return 0;
}

static int run_object(struct vnet_ctx *ctx, const struct gopts *o, int argc, char **argv)
{
	struct vnet_txn *txn = NULL;

	if (argc < 2 || !strcmp(argv[1], "help") || (argc == 3 && !strcmp(argv[2], "help"))) {
		usage_object(argc < 2 ? stderr : stdout, argv[0]);
		return argc < 2 ? VNET_EXIT_USAGE : VNET_EXIT_OK;
	}
	if (o->confirm && is_view(argc, argv)) {
		fprintf(stderr, "vnetctl: --confirm: %s %s changes nothing\n", argv[0], argv[1]);
		return VNET_EXIT_USAGE;
	}
	if (!o->confirm || (vnet_ctx_flags(ctx) & VNET_F_DRY_RUN)) {
		if (vnet_run(ctx, argc, argv) < 0)
			return report(ctx);
		return VNET_EXIT_OK;
	}
	/* A hang-up from here on rolls back, once the change is made. */
	confirm_block_signals();
	if (vnet_run_txn(ctx, argc, argv, &txn) < 0)
		return report(ctx);
	if (!txn)
		return VNET_EXIT_OK; /* no change: nothing to confirm */
	return confirm_hold(ctx, o, txn);
}

static int run_show_all(struct vnet_ctx *ctx, const struct gopts *o, int argc, char **argv)
{
	(void)o;
	if (vnet_run(ctx, argc, argv) < 0)
		return report(ctx);
	return VNET_EXIT_OK;
}

const struct cmd cmds[] = {
	{ "bridge", "bridges and their ports (brctl, ip link type bridge)", run_object, 1 },
	{ "bond", "bonds and their slaves (ifenslave, ip link type bond)", run_object, 1 },
	{ "vlan", "802.1Q and 802.1ad VLAN interfaces (ip link type vlan)", run_object, 1 },
	{ "vf", "SR-IOV virtual functions (sriov_numvfs, ip link set DEV vf N)", run_object, 1 },
	{ "veth", "veth pairs (ip link type veth peer name)", run_object, 1 },
	{ "sea", "shared Ethernet adapters after PowerVM VIOS (mkvdev -sea, lsmap -net)", run_object, 1 },
	{ "show", "everything vnetctl can describe ([--config]: as statements apply accepts; "
		  "[--dot]: a Graphviz graph of the links)",
	  run_show_all, 0 },
	{ 0 }
};
