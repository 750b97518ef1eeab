// SPDX-License-Identifier: GPL-2.0-or-later
/* Statements: "OBJECT VERB ARGS" words to the kind that owns the object. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "internal.h"
#include "value.h"
#include "obj.h"
#include "state.h"
#include "nl.h"
#include "plan.h"
#include "kind.h"
#include "addr.h"
#include "views.h"
#include "out.h"
#include "journal.h"
#include "suggest.h"

static const char *const verb_names[NVERBS] = { "add", "set", "del", "show", "count" };

static struct vnet_verb *verbs;

static void free_verbs(void) __attribute__((destructor));
static void free_verbs(void)
{
	for (struct vnet_verb *v = verbs; v && v->object; v++) {
		free((void *)v->keywords);
		free((void *)v->args);
	}
	free(verbs);
}

static const struct vnet_keyword *keywords_of(const struct param *tab)
{
	size_t n = 0;
	struct vnet_keyword *k;

	while (tab && tab[n].word)
		n++;
	k = calloc(n + 1, sizeof(*k));
	if (!k)
		abort();
	for (size_t i = 0; i < n; i++) {
		k[i].word = tab[i].word;
		k[i].value = tab[i].value;
		k[i].help = tab[i].help;
		k[i].required = !!(tab[i].flags & PF_REQUIRED);
	}
	return k;
}

const struct vnet_verb *vnet_verbs(void)
{
	size_t n = 0, nkinds = 0;

	if (verbs)
		return verbs;
	while (kind_table[nkinds])
		nkinds++;
	verbs = calloc(nkinds * NVERBS + 1, sizeof(*verbs));
	if (!verbs)
		abort();
	for (const struct kind *const *kp = kind_table; *kp; kp++) {
		const struct kind *k = *kp;

		for (int b = 0; b < NVERBS; b++) {
			char args[160];

			if (!(k->verbs & (1U << b)))
				continue;
			if (b == 3)
				snprintf(args, sizeof(args), "[%s] [--config]", k->args[0]);
			else if (b == 4)
				snprintf(args, sizeof(args), "%s %s", k->count_args[0], k->count_args[1]);
			else
				snprintf(args, sizeof(args), "%s%s%s", k->args[0], k->args[1] ? " " : "",
					 k->args[1] ? k->args[1] : "");
			/* add's synopsis shows the words it cannot do without: "NAME link DEV id N" */
			for (const struct param *p = k->params; b == 0 && p && p->word; p++)
				if (p->flags & PF_REQUIRED) {
					size_t l = strlen(args);

					snprintf(args + l, sizeof(args) - l, " %s%s%s", p->word,
						 p->value ? " " : "", p->value ? p->value : "");
				}
			verbs[n].object = k->name;
			verbs[n].verb = verb_names[b];
			verbs[n].args = strdup(args);
			verbs[n].summary = k->summary[b];
			verbs[n].keywords = keywords_of((1U << b) & (V_ADD | V_SET) ? k->params : NULL);
			n++;
		}
	}
	return verbs;
}

/*
 * A word like an option where a name goes ("bridge show -d", "bridge add
 * --dryrun"): an option vnetctl does not have, not a link to look for or
 * make. A name that does start with '-' comes after "--".
 */
static int dash_name(struct vnet_ctx *ctx, const struct stmt *s, int i)
{
	const char *w = s->argv[i];
	char hint[64], example[160] = "";
	size_t n = 0;

	if (w[0] != '-' || !w[1] || i >= s->dash_from)
		return 0;
	option_hint(w, hint, sizeof(hint));
	/* the statement up to the word, "--" after the verb: "bridge port add -- br0 -y" */
	for (int j = 0; j <= i && n < sizeof(example); j++)
		n += (size_t)snprintf(example + n, sizeof(example) - n, "%s%s%s", j ? " " : "",
				      j == s->first_kw ? "-- " : "", s->argv[j]);
	return vnet_usage(ctx, i, "%s %s: unknown option \"%s\"%s (options go before the object or "
			  "among the words after it; a name that starts with - goes after --: vnetctl %s)",
			  s->kind->name, verb_names[__builtin_ctz(s->verb)], w, hint, example);
}

/* -j with --config or --dot: they print statements or a graph, which have no JSON form. */
static int json_with(struct vnet_ctx *ctx, const char *what, const char *opt)
{
	if (!opt || !(ctx->flags & VNET_F_JSON))
		return 0;
	return vnet_usage(ctx, -1, "%s: -j and %s do not go together: %s prints %s, not JSON "
			  "(-j alone gives the objects as JSON)", what, opt, opt,
			  !strcmp(opt, "--dot") ? "a Graphviz graph" : "statements that apply accepts");
}

static int run_show(struct vnet_ctx *ctx, struct stmt *s)
{
	const char *name = NULL, *why = NULL;
	int config = 0, r;

	for (int i = s->first_kw; i < s->argc; i++) {
		if (!strcmp(s->argv[i], "--config"))
			config = 1;
		else if (!strcmp(s->argv[i], "--dot"))
			return vnet_usage(ctx, i, "%s show: --dot draws the whole host: vnetctl show --dot",
					  s->kind->name);
		else if (dash_name(ctx, s, i) < 0)
			return -EINVAL;
		else if (name && !strcmp(name, "dev"))
			return vnet_usage(ctx, i, "%s show: unexpected \"%s\"; the name goes right after show, "
					  "without ip's dev: vnetctl %s show %s", s->kind->name, s->argv[i],
					  s->kind->name, s->argv[i]);
		else if (name)
			return vnet_usage(ctx, i, "%s show: unexpected \"%s\"", s->kind->name, s->argv[i]);
		else if (parse_ifname(s->argv[i], &why) < 0)
			return vnet_usage(ctx, i, "%s show: \"%s\": %s", s->kind->name, s->argv[i], why);
		else
			name = s->argv[i];
	}
	if (config) {
		char what[40];

		str_join(what, sizeof(what), s->kind->name, " show", NULL);
		if (json_with(ctx, what, "--config") < 0)
			return -EINVAL;
	}
	r = s->kind->show(ctx, s, name, config);
	/* Asked once (a probe of the kernel or a read of modules.dep): */
	const char *lacks = (r == 0 && !name) || (r < 0 && name && ctx->err.exit_code != VNET_EXIT_USAGE)
				    ? kind_lacks_driver(ctx, s->kind)
				    : NULL;

	if (lacks && r == 0)
		vnet_notice(ctx, "%s: %s", s->kind->name, lacks);
	/* "bond show b0": no such bond, and why there can be none */
	if (lacks && r < 0) {
		size_t l = strlen(ctx->err.msg);

		snprintf(ctx->err.msg + l, sizeof(ctx->err.msg) - l, "; %s", lacks);
	}
	return r;
}

/*
 * Everything vnetctl can describe, kind by kind in dependency order: VF
 * counts and veths before bonds, bonds before VLANs, VLANs before bridges,
 * and SEAs last. -j gives one object keyed by kind.
 */
static int show_all_words(struct vnet_ctx *ctx, int argc, char *const *argv, int *config, int *dot)
{
	*config = *dot = 0;
	for (int i = 1; i < argc; i++) {
		int *f = !strcmp(argv[i], "--config") ? config : !strcmp(argv[i], "--dot") ? dot : NULL;

		if (!f || *f)
			return vnet_usage(ctx, i, "show: unexpected \"%s\" (show [--config | --dot])", argv[i]);
		*f = 1;
		if (*config && *dot)
			return vnet_usage(ctx, i, "show: --config and --dot do not go together: "
					  "--config prints statements, --dot a graph (show [--config | --dot])");
	}
	return json_with(ctx, "show", *config ? "--config" : *dot ? "--dot" : NULL);
}

static int show_all(struct vnet_ctx *ctx, int config)
{
	static const struct kind *const order[] = { &kind_vf, &kind_veth, &kind_link, &kind_bond,
						    &kind_vlan, &kind_bridge, &kind_sea };
	int r = 0;
	struct state st;

	int json = !!(ctx->flags & VNET_F_JSON);

	/*
	 * One reading of the host, lent to every kind in turn: with the
	 * addresses that every view shows (without them each kind read the
	 * host again, 15 dumps instead of 4).
	 */
	r = state_load(ctx, &st, ST_LINKS | ST_BRVLANS | ST_ADDRS);
	if (r < 0)
		return r;
	ctx->shared = &st;

	/* -j: one object keyed by kind, each kind's array written as it comes. */
	if (json)
		fputc('{', ctx->out);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]) && r == 0; i++) {
		const struct kind *k = order[i];
		struct stmt s = { .kind = k, .verb = V_SHOW };

		if (!k->show)
			continue;
		if (json)
			fprintf(ctx->out, "%s\"%s\":", i ? "," : "", k->name);
		else if (!config)
			out_line(ctx, "%s== %s ==", i ? "\n" : "", k->name);
		r = k->show(ctx, &s, NULL, config);
		/* An empty section says why when the kernel cannot have such links. */
		const char *lacks = r == 0 && !json && !config ? kind_lacks_driver(ctx, k) : NULL;

		if (lacks)
			out_line(ctx, "(%s)", lacks);
	}
	if (json)
		fputs("}\n", ctx->out);
	ctx->shared = NULL;
	state_free(&st);
	return r;
}

/* Plans the statement against the host; on -EAGAIN-free success fills plan. */
static int plan_stmt(struct vnet_ctx *ctx, const struct stmt *s, const struct obj *want,
		     struct plan *plan)
{
	struct state st;
	unsigned int what = s->kind->needs ? s->kind->needs(s, want) : ST_LINKS;
	int r = state_load(ctx, &st, what | ((want->mask & addr_fields(s->kind)) ? ST_ADDRS : 0));

	if (r == 0)
		r = stmt_plan(ctx, &st, s, want, plan);
	if (r == 0)
		r = addr_stranded(ctx, &st, plan);
	state_free(&st);
	return r;
}

/*
 * Re-reads the host after a plan ran: planning the same statement again must
 * find nothing to do. A kernel that accepted a field and ignored it (one built
 * without a feature, say) is caught here, and the plan is undone.
 */
static int verify(struct vnet_ctx *ctx, const struct stmt *s, const struct obj *want,
		  struct plan *done)
{
	struct plan again = { 0 };
	int r = plan_stmt(ctx, s, want, &again);

	if (r == 0 && again.n) {
		char left[200];

		const char *lacks = missing_text(ctx, &again.ops[0], 0, NULL);

		str_fit(left, sizeof(left), again.ops[0].text ? again.ops[0].text : s->what);
		if (lacks)
			r = vnet_fail(ctx, 0, "%s: the kernel accepted the change but did not apply it (still to do: %s): %s; undone",
				      s->what, left, lacks);
		else
			r = vnet_fail(ctx, 0, "%s: the kernel accepted the change but did not apply it (still to do: %s); undone",
				      s->what, left);
		plan_undo(ctx, done);
	} else if (r < 0) {
		/* The host could not be read back: the change is not known to hold. */
		size_t l = strlen(ctx->err.msg);

		snprintf(ctx->err.msg + l, sizeof(ctx->err.msg) - l, " (reading the host back after the change); undone");
		plan_undo(ctx, done);
	}
	plan_free(&again);
	return r;
}

/* "3", "0-7" or "all". */
static int parse_vfspec(struct stmt *s, const char *w, const char **why)
{
	char a[16];
	const char *dash = strchr(w, '-');
	uint64_t lo, hi;

	if (!strcmp(w, "all")) {
		s->vf_all = 1;
		return 0;
	}
	if (dash) {
		if ((size_t)(dash - w) >= sizeof(a)) {
			*why = "expected a VF number, a range A-B or all";
			return -EINVAL;
		}
		memcpy(a, w, (size_t)(dash - w));
		a[dash - w] = 0;
	}
	if (parse_u64(dash ? a : w, 0, 65535, &lo, why) < 0 ||
	    parse_u64(dash ? dash + 1 : w, 0, 65535, &hi, why) < 0) {
		*why = "expected a VF number, a range A-B or all";
		return -EINVAL;
	}
	if (hi < lo) {
		*why = "a VF range must go upwards";
		return -EINVAL;
	}
	s->vf_lo = (unsigned int)lo;
	s->vf_hi = (unsigned int)hi;
	return 0;
}

/* The positional words, keywords and checks of a change statement. */
static int parse_change(struct vnet_ctx *ctx, struct stmt *s, struct obj *want)
{
	const struct kind *k = s->kind;
	const char *why = NULL;
	int nargs = (s->verb == V_COUNT ? k->count_args[1] : k->args[1]) ? 2 : 1, r;

	for (int i = 0; i < nargs; i++) {
		int w = s->first_kw + i;
		const char *vn = verb_names[__builtin_ctz(s->verb)];
		enum argtype t = s->verb == V_COUNT && i == 1 ? ARG_COUNT : k->argtype[i];
		const char *an = s->verb == V_COUNT ? k->count_args[i] : k->args[i];

		if (w >= s->argc)
			return vnet_usage(ctx, w - 1, "%s %s: %s is required", k->name, vn, an);
		s->arg[i] = s->argv[w];
		if (t == ARG_IFNAME && dash_name(ctx, s, w) < 0)
			return -EINVAL;
		if (t == ARG_IFNAME && parse_ifname(s->argv[w], &why) < 0)
			return vnet_usage(ctx, w, "%s %s: \"%s\": %s", k->name, vn, s->argv[w], why);
		if (t == ARG_COUNT && parse_u64(s->argv[w], 0, 65535, &s->count, &why) < 0)
			return vnet_usage(ctx, w, "%s %s: \"%s\": %s (a number of VFs, 0-65535)",
					  k->name, vn, s->argv[w], why);
		if (t == ARG_VFSPEC && parse_vfspec(s, s->argv[w], &why) < 0)
			return vnet_usage(ctx, w, "%s %s: \"%s\": %s", k->name, vn, s->argv[w], why);
	}
	if (k->argtype[1] == ARG_VFSPEC || s->verb == V_COUNT) {
		/* "vf eth0 3", "vf eth0 0-7", "vf eth0 all", "vf eth0" (count) */
		str_join(s->what, sizeof(s->what), k->name, " ", s->arg[0],
			 s->verb == V_COUNT ? "" : " ", s->verb == V_COUNT ? "" : s->arg[1], NULL);
	} else if (nargs == 2) {
		/* "bridge port" -> "bridge br0 port eth0" */
		const char *sp = strchr(k->name, ' ');

		snprintf(s->what, sizeof(s->what), "%.*s %s%s %s", (int)(sp - k->name), k->name,
			 s->arg[0], sp, s->arg[1]);
	} else {
		str_join(s->what, sizeof(s->what), k->name, " ", s->arg[0], NULL);
	}
	s->first_kw += nargs;
	if ((s->verb == V_DEL || s->verb == V_COUNT) && s->first_kw < s->argc)
		return vnet_usage(ctx, s->first_kw, "%s: %s takes no keywords, got \"%s\"", s->what,
				  verb_names[__builtin_ctz(s->verb)], s->argv[s->first_kw]);
	r = k->parse ? k->parse(ctx, s, want)
		     : param_parse(ctx, k->params, s->what, s->argc, s->argv, s->first_kw, want);
	if (r == 0 && s->verb == V_SET && !want->mask && !want->ext)
		r = vnet_usage(ctx, -1, "%s: set needs at least one keyword", s->what);
	if (r == 0 && k->check)
		r = k->check(ctx, s, want);
	if (r == 0)
		r = addr_check(ctx, s, want);
	return r;
}

int stmt_parse(struct vnet_ctx *ctx, struct stmt *s, struct obj *want)
{
	const struct kind *k = NULL;
	int v = 1, argc = s->argc;
	char *const *argv = s->argv;

	obj_init(want);
	if (argc < 1)
		return vnet_usage(ctx, -1, "an object is required");
	/* The longest object that matches: "bridge port" before "bridge". */
	for (const struct kind *const *kp = kind_table; *kp; kp++) {
		const char *n = (*kp)->name, *sp = strchr(n, ' ');

		if (!sp && !strcmp(n, argv[0]) && !k)
			k = *kp;
		else if (sp && argc > 1 && !strncmp(n, argv[0], (size_t)(sp - n)) &&
			 !argv[0][sp - n] && !strcmp(sp + 1, argv[1])) {
			k = *kp;
			v = 2;
			break;
		}
	}
	if (!k) {
		char hint[240];

		vnet_hint_object(argv[0], hint, sizeof(hint));
		/* "-n other bridge add ..." in a file: options go on the command line */
		if (argv[0][0] == '-' && argv[0][1]) {
			int val = argc > 1 && (!strcmp(argv[0], "-n") || !strcmp(argv[0], "--netns") ||
					       !strcmp(argv[0], "--confirm"));

			snprintf(hint, sizeof(hint), "; options go on the command line: vnetctl %s%s%.20s apply FILE",
				 argv[0], val ? " " : "", val ? argv[1] : "");
		}
		return vnet_usage(ctx, 0, "unknown object \"%s\"%s", argv[0], hint);
	}
	if (argc <= v)
		return vnet_usage(ctx, v - 1, "%s: a verb is required", k->name);
	s->kind = k;
	for (int b = 0; b < NVERBS; b++)
		if ((k->verbs & (1U << b)) && !strcmp(argv[v], verb_names[b]))
			s->verb = (enum verb)(1U << b);
	if (!s->verb) {
		const char *words[NVERBS + 8];
		char hint[160];
		int n = 0;

		for (int b = 0; b < NVERBS; b++)
			if (k->verbs & (1U << b))
				words[n++] = verb_names[b];
		/* "bridge ports add": the sub-objects' own words are near misses too. */
		for (const struct kind *const *kp = kind_table; *kp && n < NVERBS + 7; kp++)
			if (!strncmp((*kp)->name, k->name, strlen(k->name)) &&
			    (*kp)->name[strlen(k->name)] == ' ')
				words[n++] = (*kp)->name + strlen(k->name) + 1;
		words[n] = NULL;
		verb_hint(k, words, argv[v], hint, sizeof(hint));
		return vnet_usage(ctx, v, "%s: unknown verb \"%s\"%s", k->name, argv[v], hint);
	}
	s->first_kw = v + 1;
	if (s->verb == V_SHOW)
		return 0;
	return parse_change(ctx, s, want);
}

int stmt_plan(struct vnet_ctx *ctx, struct state *st, const struct stmt *s,
	      const struct obj *want, struct plan *plan)
{
	uint32_t am = addr_fields(s->kind);
	int r;

	if (!(want->mask & am))
		return s->kind->plan(ctx, st, s, want, plan);
	/*
	 * The kind plans its own fields; the addresses and gateways follow, in
	 * steps of their own (lib/addrplan.c). kw: want's other fields, copied.
	 */
	struct obj kw;

	obj_init(&kw);
	obj_copy_fields(&kw, want, want->mask & ~am);
	kw.ext = want->ext; /* lent (a SEA's adapters): want frees it */
	r = s->kind->plan(ctx, st, s, &kw, plan);
	obj_free(&kw);
	return r < 0 ? r : addr_plan(ctx, st, s, want, plan);
}

/* A change: under the lock, journalled; with txn, kept open (lock and journal held) once made. */
static int run_change(struct vnet_ctx *ctx, struct stmt *s, struct obj *want, struct vnet_txn **txn)
{
	struct plan plan = { 0 };
	struct nl_tap tap = { 0 };
	int r = vnet_lock(ctx, !(ctx->flags & VNET_F_NOWAIT));

	if (r < 0)
		return r;
	/* The planning reading's messages, raw: the record is made of them (lib/record.c). */
	ctx->tap = (ctx->flags & VNET_F_DRY_RUN) ? NULL : &tap;
	tap.keep_links = 1;
	r = plan_stmt(ctx, s, want, &plan);
	ctx->tap = NULL;
	if (r == 0 && !(ctx->flags & VNET_F_DRY_RUN) && plan.n) {
		ctx->txn_what = s->what;
		ctx->read_tap = tap.done ? &tap : NULL;
		r = plan_exec(ctx, &plan);
		ctx->read_tap = NULL;
		ctx->txn_what = NULL;
		if (r == 0)
			r = verify(ctx, s, want, &plan);
		if (r == 0 && txn && (*txn = calloc(1, sizeof(**txn)))) {
			plan_print(ctx, &plan, s->what);
			(*txn)->plan = plan;
			snprintf((*txn)->what, sizeof((*txn)->what), "%s", s->what);
			nl_tap_free(&tap);
			return 0; /* the lock is held until the transaction ends */
		}
	}
	nl_tap_free(&tap);
	vnet_unlock(ctx);
	if (r == 0)
		plan_print(ctx, &plan, s->what);
	/* A dry run does not pretend: a create this kernel cannot do fails here too. */
	if (r == 0 && (ctx->flags & VNET_F_DRY_RUN))
		r = plan_check_drivers(ctx, &plan);
	plan_free(&plan);
	return r;
}

static int run_words(struct vnet_ctx *ctx, struct stmt *s, struct vnet_txn **txn)
{
	struct obj want;
	int r;

	if (s->argc >= 1 && !strcmp(s->argv[0], "show")) {
		int config, dot;

		r = show_all_words(ctx, s->argc, s->argv, &config, &dot);
		if (r == 0) {
			/* A transaction pending or interrupted is said (and rolled back) first. */
			journal_look(ctx);
			r = dot ? view_dot(ctx) : show_all(ctx, config);
		}
		return r;
	}
	r = stmt_parse(ctx, s, &want);
	if (r == 0 && s->verb == V_SHOW) {
		journal_look(ctx);
		r = run_show(ctx, s);
	} else if (r == 0) {
		r = run_change(ctx, s, &want, txn);
	}
	obj_free(&want);
	return r;
}

int vnet_run_txn(struct vnet_ctx *ctx, int argc, char *const *argv, struct vnet_txn **txn)
{
	struct stmt s = { .argc = argc, .argv = argv, .dash_from = argc };
	char **words = NULL;
	int r;

	vnet_clear_error(ctx);
	if (txn)
		*txn = NULL;
	/* "bridge del -- -j": the words after "--" may be names that start with '-'. */
	for (int i = 0; i < argc && !words; i++)
		if (!strcmp(argv[i], "--")) {
			words = calloc((size_t)argc, sizeof(*words));
			if (!words)
				return vnet_fail(ctx, ENOMEM, "out of memory");
			memcpy(words, argv, (size_t)i * sizeof(*words));
			memcpy(words + i, argv + i + 1, (size_t)(argc - i - 1) * sizeof(*words));
			s.argv = words;
			s.argc = argc - 1;
			s.dash_from = i;
		}
	r = run_words(ctx, &s, txn);
	free(words);
	return r;
}

int vnet_run(struct vnet_ctx *ctx, int argc, char *const *argv)
{
	return vnet_run_txn(ctx, argc, argv, NULL);
}
