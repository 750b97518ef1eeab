// SPDX-License-Identifier: GPL-2.0-or-later
/* vnetctl: global options, then one command from the table. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static void usage(FILE *f)
{
	fprintf(f, "Usage: vnetctl [OPTIONS] OBJECT VERB [ARGUMENTS]\n"
		   "       vnetctl OBJECT help\n\n"
		   "Options (before the object, or among the words after it; -- ends them):\n"
		   "  -n, --netns NAME        work in the network namespace NAME (as ip -n)\n"
		   "  -j, --json              JSON output\n"
		   "  -p, --pretty            indented JSON\n"
		   "      --dry-run           print the plan, change nothing\n"
		   "  -q, --quiet             no informational lines\n"
		   "      --confirm SECONDS   keep a change only if confirmed in time (vnetctl\n"
		   "                          confirm, or Enter here); else a guardian process\n"
		   "                          rolls it back\n"
		   "      --detach            with --confirm: return once the guardian holds it\n"
		   "      --no-wait           fail at once, naming it, when another change is\n"
		   "                          in progress or waits for its confirmation\n"
		   "  -h, --help              this help\n"
		   "  -V, --version           print the version\n\n"
		   "Objects:\n");
	for (const struct cmd *c = cmds; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "  %-10s %s\n", "export", "the same as show --config (OBJECT export [NAME]: "
		   "OBJECT show [NAME] --config)");
	fprintf(f, "\nFiles and transactions:\n");
	fprintf(f, "  %-10s %s\n  %-10s %s\n  %-10s %s\n  %-10s %s\n  %-10s %s\n", cmd_apply.name,
		cmd_apply.summary, cmd_check.name, cmd_check.summary, cmd_hotplug.name,
		cmd_hotplug.summary, cmd_confirm.name, cmd_confirm.summary, cmd_rollback.name,
		cmd_rollback.summary);
	fprintf(f, "\nViews:\n  %-10s %s\n  %-10s %s\n", cmd_diagnose.name, cmd_diagnose.summary,
		cmd_monitor.name, cmd_monitor.summary);
	fprintf(f, "\nExit status: 0 success or no change, 1 the operation failed (or was not "
		   "confirmed), 2 usage or parse error (nothing changed).\n");
}

/* Writes s with control bytes escaped: a message is one line, and words from
 * the command line or a file must not reach the terminal raw. */
static void put_escaped(const char *s, FILE *f, int keep_newlines)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && !(keep_newlines && *p == '\n') && *p != '\t') || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

int report(struct vnet_ctx *ctx)
{
	const struct vnet_error *e = vnet_ctx_error(ctx);

	if (e->details)
		put_escaped(e->details, stderr, 1);
	fputs("vnetctl: ", stderr);
	put_escaped(e->msg[0] ? e->msg : "failed", stderr, 0);
	fputc('\n', stderr);
	return e->exit_code ? e->exit_code : VNET_EXIT_FAIL;
}

/* The library's notices (a transaction rolled back, one pending) beside the results. */
static void notice(void *arg, const char *msg)
{
	(void)arg;
	fputs("vnetctl: ", stderr);
	put_escaped(msg, stderr, 0);
	fputc('\n', stderr);
}

/*
 * Global options after the object ("bridge show -j", "bridge add br0
 * priority 8192 --dry-run", "check -j FILE"), as many CLIs take them: the
 * exact spellings of the options are taken out of the words wherever they
 * stand; "--" ends this, so a link named "-j" is still "bridge del -- -j".
 * Other words that start with "-" are left to the command ("priority -1"
 * is a wrong value, not an option; "bridge show -d" an option in a name's
 * place, which the library refuses unless it comes after "--"): for an
 * object's statement the "--" stays, for the library to see where names
 * may start with '-'. Returns -1 to go on, else an exit code.
 */
static int late_options(int *argc, char **argv, int from, struct gopts *o, unsigned int *flags,
			int *help, int keep_dashes)
{
	int n = from;

	for (int i = from; i < *argc; i++) {
		const char *w = argv[i], *val = NULL;

		if (!strcmp(w, "--")) {
			if (keep_dashes)
				argv[n++] = argv[i];
			while (++i < *argc)
				argv[n++] = argv[i];
			break;
		}
		if (!strcmp(w, "-j") || !strcmp(w, "--json"))
			*flags |= VNET_F_JSON;
		else if (!strcmp(w, "-p") || !strcmp(w, "--pretty"))
			*flags |= VNET_F_PRETTY;
		else if (!strcmp(w, "-q") || !strcmp(w, "--quiet"))
			*flags |= VNET_F_QUIET;
		else if (!strcmp(w, "--dry-run"))
			*flags |= VNET_F_DRY_RUN;
		else if (!strcmp(w, "--no-wait"))
			*flags |= VNET_F_NOWAIT;
		else if (!strcmp(w, "--detach"))
			o->detach = 1;
		else if (!strcmp(w, "-h") || !strcmp(w, "--help"))
			*help = 1;
		else if (w[0] == '-' && w[1] && strspn(w + 1, "jpq") == strlen(w + 1))
			/* "-jp" */
			for (const char *c = w + 1; *c; c++)
				*flags |= *c == 'j' ? VNET_F_JSON : *c == 'p' ? VNET_F_PRETTY : VNET_F_QUIET;
		else if (!strcmp(w, "-n") || !strcmp(w, "--netns") || !strcmp(w, "--confirm") ||
			 !strncmp(w, "--netns=", 8) || !strncmp(w, "--confirm=", 10)) {
			const char *eq = strchr(w, '=');

			if (eq) {
				val = eq + 1;
			} else if (++i < *argc) {
				val = argv[i];
			} else if (w[2] != 'c') {
				fprintf(stderr, "vnetctl: option \"%s\": a namespace name is required\n", w);
				return VNET_EXIT_USAGE;
			}
			if (w[2] != 'c') {
				o->netns = val;
			} else if (!val || parse_seconds(val, &o->confirm) < 0) {
				fprintf(stderr, "vnetctl: %s: --confirm: \"%s\": expected seconds, 1-86400\n",
					argv[from - 1], val ? val : "");
				return VNET_EXIT_USAGE;
			}
		} else {
			argv[n++] = argv[i];
		}
	}
	*argc = n;
	argv[n] = NULL;
	return -1;
}

/* The words with "--config" after them, for export (freed at exit). */
static char **export_argv;

static void export_free(void)
{
	free(export_argv);
}

/*
 * "export", DESIGN's other name for show --config: "vnetctl export" and
 * "bridge export [NAME]" are show's words (verb, the word at "at") with
 * --config after them. Returns argv, or the new words (NULL: out of memory).
 */
static char **export_alias(int *argc, char **argv, int at)
{
	static char show_word[] = "show", config_word[] = "--config";

	export_argv = calloc((size_t)*argc + 2, sizeof(*export_argv));
	if (!export_argv)
		return NULL;
	atexit(export_free);
	memcpy(export_argv, argv, (size_t)*argc * sizeof(*argv));
	export_argv[at] = show_word;
	export_argv[(*argc)++] = config_word;
	return export_argv;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "confirm", required_argument, NULL, 'C' },
		{ "detach", no_argument, NULL, 'X' },
		{ "no-wait", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	struct vnet_ctx *ctx = vnet_ctx_new();
	struct gopts o = { 0 };
	unsigned int flags = 0;
	int c, rc;

	if (!ctx) {
		fprintf(stderr, "vnetctl: out of memory\n");
		return VNET_EXIT_FAIL;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+n:jpqhV", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.netns = optarg;
			break;
		case 'C':
			if (parse_seconds(optarg, &o.confirm) < 0) {
				fprintf(stderr, "vnetctl: --confirm: \"%s\": expected seconds, 1-86400\n", optarg);
				vnet_ctx_free(ctx);
				return VNET_EXIT_USAGE;
			}
			break;
		case 'X':
			o.detach = 1;
			break;
		case 'W':
			flags |= VNET_F_NOWAIT;
			break;
		case 'j':
			flags |= VNET_F_JSON;
			break;
		case 'p':
			flags |= VNET_F_PRETTY;
			break;
		case 'D':
			flags |= VNET_F_DRY_RUN;
			break;
		case 'q':
			flags |= VNET_F_QUIET;
			break;
		case 'h':
			usage(stdout);
			vnet_ctx_free(ctx);
			return VNET_EXIT_OK;
		case 'V':
			printf("vnetctl %s\n", vnet_version());
			vnet_ctx_free(ctx);
			return VNET_EXIT_OK;
		default:
			/*
			 * Name the option as it was given: "--dry-run=1" for a long
			 * one (getopt reports an inner letter), "-z" for a short one.
			 */
			if (!strncmp(argv[optind - 1], "--", 2))
				fprintf(stderr, "vnetctl: option \"%s\": %s\n", argv[optind - 1],
					optopt == 'n'	? "a namespace name is required"
					: optopt == 'C' ? "a number of seconds is required"
							: "unknown, or takes no value");
			else
				fprintf(stderr, "vnetctl: option \"-%c\": %s\n", optopt,
					optopt == 'n' ? "a namespace name is required" : "unknown option");
			vnet_ctx_free(ctx);
			return VNET_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		vnet_ctx_free(ctx);
		return VNET_EXIT_USAGE;
	}
	int help = 0, object = 0, export = !strcmp(argv[optind], "export");

	if (export)
		argv[optind] = (char *)"show";
	const struct cmd *const extra[] = { &cmd_apply, &cmd_check, &cmd_hotplug, &cmd_confirm,
					    &cmd_rollback, &cmd_diagnose, &cmd_monitor, NULL };
	const struct cmd *found = NULL;

	for (const struct cmd *cm = cmds; cm->name; cm++)
		if (!strcmp(cm->name, argv[optind])) {
			found = cm;
			object = cm->changes;
		}
	for (int i = 0; extra[i]; i++)
		if (!strcmp(extra[i]->name, argv[optind]))
			found = extra[i];
	rc = late_options(&argc, argv, optind + 1, &o, &flags, &help, object);
	if (rc >= 0) {
		vnet_ctx_free(ctx);
		return rc;
	}
	if (export || (object && optind + 1 < argc && !strcmp(argv[optind + 1], "export"))) {
		argv = export_alias(&argc, argv, export ? optind : optind + 1);
		if (!argv) {
			fprintf(stderr, "vnetctl: out of memory\n");
			vnet_ctx_free(ctx);
			return VNET_EXIT_FAIL;
		}
	}
	vnet_ctx_set_flags(ctx, flags);
	vnet_ctx_set_notice(ctx, notice, NULL);
	for (const struct cmd *cm = found; cm; cm = NULL) {
		if (help) {
			/* "bridge add br0 -h": the object's help; the commands' own list for the rest */
			if (object)
				usage_object(stdout, cm->name);
			else
				usage(stdout);
			rc = VNET_EXIT_OK;
		} else if ((o.confirm || o.detach) && !cm->changes) {
			fprintf(stderr, "vnetctl: %s: %s\n", cm->name,
				cm == &cmd_hotplug ? "--confirm and --detach are not for hotplug (udev runs it: "
						     "nobody is there to confirm)"
				: o.confirm	   ? "--confirm is for commands that change the host"
						   : "--detach goes with --confirm SECONDS");
			rc = VNET_EXIT_USAGE;
		} else if (o.detach && !o.confirm && cm != &cmd_apply) {
			fprintf(stderr, "vnetctl: --detach goes with --confirm SECONDS\n");
			rc = VNET_EXIT_USAGE;
		} else if (o.netns && vnet_ctx_set_netns(ctx, o.netns) < 0) {
			rc = report(ctx);
		} else {
			rc = cm->run(ctx, &o, argc - optind, argv + optind);
		}
		vnet_ctx_free(ctx);
		return rc;
	}
	if (!strcmp(argv[optind], "help") && optind + 1 < argc) {
		/* "vnetctl help bridge", as git help does */
		for (const struct cmd *cm = cmds; cm->name; cm++)
			if (!strcmp(cm->name, argv[optind + 1]) && cm->changes) {
				usage_object(stdout, cm->name);
				vnet_ctx_free(ctx);
				return VNET_EXIT_OK;
			}
	}
	if (!strcmp(argv[optind], "help")) {
		usage(stdout);
		rc = VNET_EXIT_OK;
	} else {
		char hint[240];

		vnet_hint_object(argv[optind], hint, sizeof(hint));
		fprintf(stderr, "vnetctl: unknown object \"");
		put_escaped(argv[optind], stderr, 0);
		fprintf(stderr, "\"%s%s\n", hint, hint[0] ? " (vnetctl --help lists them)" : "; try vnetctl --help");
		rc = VNET_EXIT_USAGE;
	}
	vnet_ctx_free(ctx);
	return rc;
}
