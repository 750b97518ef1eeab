// SPDX-License-Identifier: GPL-2.0-or-later
/* The objects: thin wrappers that hand the words to the library. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* The verbs of object (and its sub-objects) whose keyword table is kw: "add|set". */
static void verbs_of_table(const struct vnet_verb *v, const char *object,
			   const struct vnet_keyword *kw, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = 0;
	for (const struct vnet_verb *x = v; x->object; x++)
		if (!strcmp(x->object, object) && x->keywords && x->keywords[0].word &&
		    !strcmp(x->keywords[0].word, kw[0].word))
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "|" : "",
					      x->verb);
}

static int of_object(const struct vnet_verb *x, const char *object, size_t ol)
{
	return !strncmp(x->object, object, ol) && (!x->object[ol] || x->object[ol] == ' ');
}

/* Help text comes from the library's tables, never a hand-kept copy, and nothing is cut. */
void usage_object(FILE *f, const char *object)
{
	const struct vnet_verb *v = vnet_verbs();
	const struct vnet_keyword *last = NULL;
	size_t ol = strlen(object);

	fprintf(f, "Usage:\n");
	for (const struct vnet_verb *x = v; x->object; x++)
		if (of_object(x, object, ol)) {
			fprintf(f, "  vnetctl [OPTIONS] %s %s %s%s\n      %s\n", x->object, x->verb,
				x->args, x->keywords && x->keywords[0].word ? " [KEYWORD VALUE]..." : "",
				x->summary);
			/* export, show --config's other name (cmd/main.c) */
			if (!strcmp(x->verb, "show") && !strcmp(x->object, object))
				fprintf(f, "  vnetctl [OPTIONS] %s export [%.*s]\n      the same as %s show --config\n",
					object, (int)strcspn(x->args + 1, "]"), x->args + 1, object);
		}
	for (const struct vnet_verb *x = v; x->object; x++) {
		char verbs[64];

		if (!of_object(x, object, ol) || !x->keywords || !x->keywords[0].word ||
		    x->keywords == last)
			continue;
		/* add and set share a table: list it once per object. */
		if (last && !strcmp(last[0].word, x->keywords[0].word))
			continue;
		last = x->keywords;
		verbs_of_table(v, x->object, x->keywords, verbs, sizeof(verbs));
		fprintf(f, "\nKeywords of %s %s:\n", x->object, verbs);
		for (const struct vnet_keyword *k = x->keywords; k->word; k++) {
			int w = (int)strlen(k->word) + (k->value ? 1 + (int)strlen(k->value) : 0);

			fprintf(f, "  %s%s%s", k->word, k->value ? " " : "", k->value ? k->value : "");
			/* A long keyword and value keep their line; the help goes below. */
			if (w > 28)
				fprintf(f, "\n  %-28s %s%s\n", "", k->help,
					k->required ? " (add needs it)" : "");
			else
				fprintf(f, "%*s %s%s\n", 28 - w, "", k->help,
					k->required ? " (add needs it)" : "");
		}
	}
}

/* help, --help or -h: the words that ask for an object's help. */
static int is_help(const char *w)
{
	return !strcmp(w, "help") || !strcmp(w, "--help") || !strcmp(w, "-h");
}

/* OBJECT show, OBJECT help: words that only look (--confirm has nothing to keep). */
static int is_view(int argc, char **argv)
{
	for (int i = 1; i < argc && i < 3; i++)
		if (!strcmp(argv[i], "show") || is_help(argv[i]))
			return 1;
	return 0;
}

static int run_object(struct vnet_ctx *ctx, const struct gopts *o, int argc, char **argv)
{
	struct vnet_txn *txn = NULL;

	/* "bridge help", "bridge --help", "bridge port help", "bridge add -h" */
	if (argc < 2 || is_help(argv[1]) || (argc >= 3 && is_help(argv[argc - 1]) && argc <= 4)) {
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
	/* ^C, a hang-up or SIGTERM waits until the change is made and held (confirm_hold). */
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
	{ "link", "devices vnetctl does not create, as NICs: up, mtu, MAC, addresses (ip link set, ip addr)",
	  run_object, 1 },
	{ "show", "everything vnetctl can describe ([--config]: as statements apply accepts; "
		  "[--dot]: a Graphviz graph of the links)",
	  run_show_all, 0 },
	{ 0 }
};
