// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hints for words vnetctl does not know: the nearest word of the tables
 * ("did you mean isolated?"), the habits of ip, bridge, brctl and nmcli
 * users (delete, ls, addif, forward_delay), and a keyword that belongs to
 * another object. A hint never changes what is accepted: keywords still
 * match exactly (STYLE.md), the hint only says which word was meant.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "internal.h"
#include "value.h"
#include "obj.h"
#include "nl.h"
#include "state.h"
#include "plan.h"
#include "kind.h"
#include "suggest.h"

/* A letter as the distance compares it: case folded, '_' as '-'. */
static int fold(char c)
{
	return c == '_' ? '-' : tolower((unsigned char)c);
}

/* Optimal string alignment distance, case-insensitive, '_' the same as '-'. */
static int distance(const char *a, const char *b)
{
	enum { MAXW = 32 };
	int d[MAXW + 1][MAXW + 1];
	size_t la = strlen(a), lb = strlen(b);

	if (la > MAXW || lb > MAXW)
		return 99;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int v = d[i - 1][j - 1] + (fold(a[i - 1]) != fold(b[j - 1]));

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			/* two letters swapped ("brigde") are one slip */
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
			    fold(a[i - 2]) == fold(b[j - 1]) && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

const char *vnet_suggest(const char *word, const char *const *cands)
{
	size_t lw = strlen(word);
	int best = 99;
	const char *pick = NULL;

	if (!lw)
		return NULL;
	/* A word's start ("forward", "bond" for "bonding") counts as near. */
	for (const char *const *c = cands; *c; c++) {
		size_t lc = strlen(*c);
		int dd = distance(word, *c);

		if (lw >= 3 && (!strncmp(*c, word, lw < lc ? lw : lc)))
			dd = dd < 1 ? dd : 1;
		if (dd < best) {
			best = dd;
			pick = *c;
		}
	}
	/* One slip in a short word, two in a longer one: beyond that, a guess. */
	if (best > (lw <= 3 ? 1 : lw <= 8 ? 2 : 3))
		return NULL;
	return pick;
}

const char *value_suggest(const char *word, const char *const *names)
{
	/* The names other tools use for the same value. */
	static const char *const habits[][2] = { { "lacp", "802.3ad" }, { "4", "802.3ad" },
						 { "roundrobin", "balance-rr" },
						 { "active-passive", "active-backup" } };

	for (size_t h = 0; h < sizeof(habits) / sizeof(habits[0]); h++)
		for (const char *const *n = names; *n; n++)
			if (!strcmp(habits[h][0], word) && !strcmp(habits[h][1], *n))
				return *n;
	return vnet_suggest(word, names);
}

static const struct param *find_word(const struct param *tab, const char *w);

int ip_time_hint(const struct param *p, const char *spelt, const char *word, char *buf, size_t len)
{
	/*
	 * ip's bridge times count hundredths of a second: forward_delay 1500.
	 * Only a reading of at least a second that p takes: forward-delay 31
	 * is more likely seconds too many than ip's 0.31.
	 */
	char *end, secs[32], ipw[40];
	unsigned long long n = strtoull(word, &end, 10);

	if (*end || end == word || *word == '-' || n < 100 || n < p->min || n > p->max)
		return 0;
	format_centisecs(n, secs, sizeof(secs));
	snprintf(ipw, sizeof(ipw), "%s", spelt);
	for (char *c = ipw; *c; c++)
		*c = *c == '-' ? '_' : *c;
	snprintf(buf, len, "vnetctl counts seconds: ip's %s %s is %s %s", ipw, word, p->word, secs);
	return 1;
}

void value_hint(const struct param *tab, const struct param *p, int argc, char *const *argv, int i,
		char *buf, size_t len)
{
	const char *word = argv[i];
	size_t wl = strlen(word);

	static const char *const truths[] = { "1", "yes", "true", "enable", "enabled", NULL };
	static const char *const falsehoods[] = { "0", "no", "false", "disable", "disabled", NULL };

	/* "ports eth0, eth1": a list is one word */
	if ((p->type == PT_NAMES || p->type == PT_IPS) && wl > 1 && word[wl - 1] == ',' &&
	    i + 1 < argc) {
		snprintf(buf, len, "; a list is one word, without spaces: %s %s%s", p->word, word,
			 argv[i + 1]);
	} else if (p->type == PT_MAC && find_word(tab, "addresses") &&
		   (strchr(word, '/') || strchr(word, '.') || strstr(word, "::"))) {
		/* ip's address is the MAC; an IP address goes in addresses */
		snprintf(buf, len, "; address is the MAC: an IP address goes in addresses: addresses %s", word);
	} else if (p->type == PT_ENUM) {
		const char *near = value_suggest(word, p->names);

		/* "802.1Q", as ip prints it: say the word we take. */
		if (near)
			snprintf(buf, len, "; did you mean %s?", near);
		else
			snprintf(buf, len, "; expected %s", p->value);
	} else if (p->type == PT_BOOL) {
		/* ip's stp_state 1, brctl's yes */
		for (int t = 0; truths[t]; t++)
			if (!strcasecmp(word, truths[t]))
				snprintf(buf, len, "; did you mean on?");
		for (int t = 0; falsehoods[t]; t++)
			if (!strcasecmp(word, falsehoods[t]))
				snprintf(buf, len, "; did you mean off?");
	} else if (p->type == PT_CSEC && ip_time_hint(p, p->word, word, buf + 2, len > 2 ? len - 2 : 0)) {
		memcpy(buf, "; ", 2);
	}
}

/* The words of a table, for vnet_suggest. */
static int table_words(const struct param *tab, const char **out, int max)
{
	int n = 0;

	for (; tab && tab->word && n < max - 1; tab++)
		out[n++] = tab->word;
	out[n] = NULL;
	return n;
}

static const struct param *find_word(const struct param *tab, const char *w)
{
	for (; tab && tab->word; tab++)
		if (!strcmp(tab->word, w))
			return tab;
	return NULL;
}

/* Keywords of ip, bridge, brctl and nmcli, and the keyword of ours they mean. */
static const struct {
	const char *theirs, *ours;
} habits[] = {
	{ "vid", "id" },		{ "vlan-id", "id" },	     { "vlan", "id" },	     { "dev", "link" },
	{ "protocol", "proto" },	{ "protocol", "vlan-protocol" }, { "lladdr", "address" },
	{ "hwaddr", "address" },	{ "mac", "address" },	     { "macaddr", "address" },
	{ "cloned-mac-address", "address" }, { "stp-state", "stp" }, { "path-cost", "cost" },
	{ "pathcost", "cost" },		{ "prio", "priority" },	     { "hairpin-mode", "hairpin" },
	{ "bpdu-guard", "guard" },	{ "slave", "slaves" },	     { "port", "ports" },
	{ "mii", "miimon" },
	{ "bond-mode", "mode" },	{ "peer-name", "peer" },     { "ageing", "ageing-time" },
	{ "setfd", "forward-delay" },	{ "sethello", "hello-time" }, { "setmaxage", "max-age" },
	{ "setageing", "ageing-time" }, { "setbridgeprio", "priority" },
	{ "setpathcost", "cost" },	{ "setportprio", "priority" },
};

/* Global options that a user may write inside a statement. */
static const char *const global_options[] = { "-n", "--netns", "-j", "--json", "-p", "--pretty",
					      "--dry-run", "-q", "--quiet", "--confirm", "--detach",
					      "--no-wait", "-h", "--help", NULL };

void option_hint(const char *w, char *buf, size_t len)
{
	const char *longs[16], *near;
	int n = 0;

	buf[0] = 0;
	if (!strcmp(w, "-V") || !strcmp(w, "--version")) {
		snprintf(buf, len, "; %s only comes first: vnetctl %s", w, w);
		return;
	}
	/* only a long one: "-d" is one slip from every short option */
	for (const char *const *g = global_options; *g; g++)
		if ((*g)[1] == '-')
			longs[n++] = *g;
	longs[n++] = "--version";
	longs[n] = NULL;
	near = w[1] == '-' ? vnet_suggest(w, longs) : NULL;
	if (near)
		snprintf(buf, len, "; did you mean %s?", near);
}

/* The kind whose keyword table tab is (sea's groups share its table). */
static const struct kind *kind_of_table(const struct param *tab)
{
	for (const struct kind *const *kp = kind_table; *kp; kp++)
		if ((*kp)->params == tab)
			return *kp;
	return NULL;
}

static int name_words(const char *name)
{
	return strchr(name, ' ') ? 2 : 1;
}

/*
 * "isolated is a port keyword: vnetctl bridge port set xenbr0 PORT isolated on":
 * the statement form of the related kind that takes the word, with the names
 * the user gave where they fit.
 */
static int other_kind_hint(const struct kind *k, int argc, char *const *argv, int i, int near,
			   char *buf, size_t len)
{
	const char *w = argv[i];

	for (const struct kind *const *kp = kind_table; k && *kp; kp++) {
		const struct kind *o = *kp;
		const char *sp = strchr(o->name, ' ');
		size_t base = strcspn(k->name, " ");
		const char *name = argc > name_words(k->name) + 1 ? argv[name_words(k->name) + 1] : "NAME";
		const char *words[64], *a1, *value, *kw;
		const struct param *p;

		/* Only a related kind: a bond's mode on a bridge would be a guess. */
		if (o == k || strncmp(o->name, k->name, base) || (o->name[base] && o->name[base] != ' '))
			continue;
		table_words(o->params, words, 64);
		kw = near ? vnet_suggest(w, words) : w;
		p = kw ? find_word(o->params, kw) : NULL;
		if (!p)
			continue;
		/* parent -> sub-object: "bridge set xenbr0 isolated" -> "bridge port set xenbr0 PORT";
		 * sub-object -> parent: "bridge port set xenbr0 eth0 stp" -> "bridge set xenbr0" */
		a1 = sp ? o->args[1] : NULL;
		value = p->type == PT_FLAG ? NULL : i + 1 < argc ? argv[i + 1] : p->value;
		snprintf(buf, len, "; %s%s%s%s is a %s keyword: vnetctl %s %s %s%s%s %s%s%s",
			 near ? "did you mean " : "", near ? kw : "", near ? "? " : "", kw,
			 sp ? sp + 1 : o->name, o->name, (o->verbs & V_SET) ? "set" : "add", name,
			 a1 ? " " : "", a1 ? a1 : "", kw, value ? " " : "", value ? value : "");
		return 1;
	}
	return 0;
}

/* Joins words[from..to) with spaces into buf after n bytes; returns the new length. */
static size_t join_words(char *buf, size_t len, size_t n, char *const *words, int from, int to)
{
	for (int j = from; j < to && n < len; j++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", words[j]);
	return n;
}

/*
 * A word that another object (or ip) uses for what the statement asks: a
 * link keyword on a port, a bond's slaves on a bridge, ip's master and dev.
 * 1 when buf holds a hint.
 */
static int cross_hint(const struct kind *k, const struct param *tab, int argc, char *const *argv,
		      int i, char *buf, size_t len)
{
	const char *w = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
	int nw = k ? name_words(k->name) : 1, last = nw + (k && k->args[1] ? 2 : 1);
	const char *dev = last < argc ? argv[last] : "NAME";
	const struct param *p;

	if (!k)
		return 0;
	/* "link set dev eth0 up": ip's dev took the name's place */
	if (i == last + 1 && !strcmp(argv[last], "dev")) {
		size_t n = (size_t)snprintf(buf, len, "; the name goes right after the verb, without ip's dev: vnetctl");

		n = join_words(buf, len, n, argv, 0, last);
		join_words(buf, len, n, argv, last + 1, argc);
		return 1;
	}
	/* "mode=802.3ad" */
	if (strchr(w, '=') && strchr(w, '=') != w) {
		char kw[40];

		snprintf(kw, sizeof(kw), "%.*s", (int)(strchr(w, '=') - w), w);
		if (find_word(tab, kw)) {
			snprintf(buf, len, "; a keyword and its value are two words: %s %s", kw, strchr(w, '=') + 1);
			return 1;
		}
	}
	/* A port's own MTU, state or MAC is the link's, not the bridge's. */
	if (k == &kind_bridge_port && (p = find_word(kind_link.params, w))) {
		snprintf(buf, len, "; %s is a link keyword: the port's own is vnetctl link set %s %s%s%s", w, dev, w,
			 p->type != PT_FLAG ? " " : "", p->type != PT_FLAG ? (next ? next : p->value) : "");
		return 1;
	}
	if ((!strcmp(w, "slaves") || !strcmp(w, "slave")) && find_word(tab, "ports")) {
		snprintf(buf, len, "; a bridge has ports (a bond has slaves): ports %s", next ? next : "IF[,IF...]");
		return 1;
	}
	if ((!strcmp(w, "ports") || !strcmp(w, "port")) && find_word(tab, "slaves")) {
		snprintf(buf, len, "; a bond has slaves (a bridge has ports): slaves %s", next ? next : "IF[,IF...]");
		return 1;
	}
	/* ip link set eth0 master br0 | nomaster */
	if (!strcmp(w, "master")) {
		snprintf(buf, len, "; a port joins from its master: vnetctl bridge port add %s %s (a bond: vnetctl bond slave add %s %s)",
			 next ? next : "BRIDGE", dev, next ? next : "BOND", dev);
		return 1;
	}
	if (!strcmp(w, "nomaster")) {
		snprintf(buf, len, "; a port leaves from its master: vnetctl bridge port del BRIDGE %s (a bond: vnetctl bond slave del BOND %s)",
			 dev, dev);
		return 1;
	}
	/* ip's addr (and inet) with an IP address: the addresses keyword */
	if ((!strcasecmp(w, "addr") || !strcasecmp(w, "ip") || !strcasecmp(w, "inet") ||
	     !strcasecmp(w, "ipaddr")) && find_word(tab, "addresses") && next &&
	    (strchr(next, '/') || strchr(next, '.') || strstr(next, "::"))) {
		snprintf(buf, len, "; an IP address goes in addresses: addresses %s", next);
		return 1;
	}
	/* "link set eth0 cost 5": a port's or a bridge's keyword on the device */
	if (k == &kind_link || k == &kind_veth) {
		const struct kind *o = find_word(kind_bridge_port.params, w) ? &kind_bridge_port
				       : find_word(kind_bridge.params, w)     ? &kind_bridge
									      : NULL;

		p = o ? find_word(o->params, w) : NULL;
		if (p) {
			snprintf(buf, len, "; %s is a %s keyword: vnetctl %s set %s%s %s%s%s", w, o->name, o->name,
				 o == &kind_bridge_port ? "BRIDGE " : "", o == &kind_bridge_port ? dev : "BRIDGE", w,
				 p->type != PT_FLAG ? " " : "", p->type != PT_FLAG ? (next ? next : p->value) : "");
			return 1;
		}
	}
	return 0;
}

void keyword_hint(const struct param *tab, int argc, char *const *argv, int i, char *buf,
		  size_t len)
{
	const char *w = argv[i], *near;
	const char *words[64];
	const struct kind *k = kind_of_table(tab);

	buf[0] = 0;
	for (const char *const *g = global_options; *g; g++)
		if (!strcmp(*g, w)) {
			snprintf(buf, len, "; %s is an option of the command line, not a word of a statement: vnetctl %s apply FILE",
				 w, w);
			return;
		}
	/* "peer name b", as ip writes it: the name follows peer at once. */
	if (i >= 2 && !strcmp(argv[i - 1], "name") && find_word(tab, argv[i - 2]) &&
	    find_word(tab, argv[i - 2])->type == PT_IFREF) {
		snprintf(buf, len, "; %s takes the name itself: %s %s", argv[i - 2], argv[i - 2], w);
		return;
	}
	/* "bridge add br0 type bridge", as ip link add writes it */
	if (!strcmp(w, "type") && k) {
		snprintf(buf, len, "; the object word is the kind: vnetctl %s add NAME [KEYWORD VALUE]...",
			 k->name);
		return;
	}
	/* "up on": up and down are words of their own. */
	if (i >= 1 && find_word(tab, argv[i - 1]) && find_word(tab, argv[i - 1])->type == PT_FLAG &&
	    (!strcmp(w, "on") || !strcmp(w, "off"))) {
		snprintf(buf, len, "; %s takes no value", argv[i - 1]);
		return;
	}
	/* "ports eth0 vif1.0": a list is one word. */
	if (i >= 2 && !find_word(tab, w)) {
		const struct param *p = find_word(tab, argv[i - 2]);

		if (p && (p->type == PT_NAMES || p->type == PT_IPS || p->type == PT_VLANS) &&
		    strcmp(argv[i - 1], "none")) {
			int n = 0;

			for (n = 0; i + n < argc && !find_word(tab, argv[i + n]); n++)
				;
			snprintf(buf, len, "; %s takes one comma-separated list: %s %s", p->word, p->word,
				 argv[i - 1]);
			for (int j = 0; j < n && strlen(buf) + strlen(argv[i + j]) + 2 < len; j++)
				strcat(strcat(buf, ","), argv[i + j]);
			return;
		}
	}
	if (cross_hint(k, tab, argc, argv, i, buf, len))
		return;
	for (size_t h = 0; h < sizeof(habits) / sizeof(habits[0]); h++) {
		char norm[40];

		snprintf(norm, sizeof(norm), "%s", w);
		for (char *c = norm; *c; c++)
			*c = *c == '_' ? '-' : (char)tolower((unsigned char)*c);
		if (!strcmp(habits[h].theirs, norm) && find_word(tab, habits[h].ours) &&
		    strcmp(habits[h].ours, w)) {
			snprintf(buf, len, "; did you mean %s?", habits[h].ours);
			return;
		}
	}
	if (other_kind_hint(k, argc, argv, i, 0, buf, len))
		return;
	table_words(tab, words, 64);
	near = vnet_suggest(w, words);
	if (near) {
		const struct param *p = find_word(tab, near);
		size_t n = (size_t)snprintf(buf, len, "; did you mean %s?", near);

		/* "ageing_time 30000", ip's (and the JSON's) spelling: ip's unit too */
		if (p->type == PT_CSEC && i + 1 < argc && n + 1 < len &&
		    ip_time_hint(p, w, argv[i + 1], buf + n + 1, len - n - 1))
			buf[n] = ' ';
	} else {
		other_kind_hint(k, argc, argv, i, 1, buf, len);
	}
}

/* Verbs of other tools, and the vnetctl form that does the same. */
static const struct {
	const char *object; /* NULL: any */
	const char *theirs, *ours;
} verb_habits[] = {
	{ NULL, "delete", "del" },   { NULL, "remove", "del" },	 { NULL, "rm", "del" },
	{ NULL, "destroy", "del" },  { NULL, "ls", "show" },	 { NULL, "list", "show" },
	{ NULL, "dump", "show" },    { NULL, "get", "show" },	 { NULL, "status", "show" },
	{ NULL, "create", "add" },   { NULL, "new", "add" },	 { NULL, "make", "add" },
	{ NULL, "modify", "set" },   { NULL, "change", "set" },	 { NULL, "edit", "set" },
	{ NULL, "mod", "set" },	     { NULL, "export", "show --config" },
	{ "bridge", "addbr", "bridge add NAME" },
	{ "bridge", "delbr", "bridge del NAME" },
	{ "bridge", "addif", "bridge port add BRIDGE PORT" },
	{ "bridge", "delif", "bridge port del BRIDGE PORT" },
	{ "bridge", "stp", "bridge set NAME stp on|off" },
	{ "bridge", "setfd", "bridge set NAME forward-delay SECONDS" },
	{ "bridge", "setageing", "bridge set NAME ageing-time SECONDS" },
	{ "bridge", "sethello", "bridge set NAME hello-time SECONDS" },
	{ "bridge", "setmaxage", "bridge set NAME max-age SECONDS" },
	{ "bridge", "setbridgeprio", "bridge set NAME priority N" },
	{ "bridge", "setpathcost", "bridge port set BRIDGE PORT cost N" },
	{ "bridge", "setportprio", "bridge port set BRIDGE PORT priority N" },
	{ "bridge", "hairpin", "bridge port set BRIDGE PORT hairpin on|off" },
	{ "bridge", "link", "bridge port set BRIDGE PORT ..." },
	{ "bridge", "vlan", "bridge port set BRIDGE PORT pvid N vlans LIST untagged LIST" },
	{ "bond", "enslave", "bond slave add BOND IF" },
	{ "vf", "add", "vf count PF N (the count makes the VFs), then vf set PF VF ..." },
	{ "vf", "del", "vf count PF N (a lower count removes VFs)" },
	{ "bond", "release", "bond slave del BOND IF" },
	{ "link", "add", "bridge|bond|vlan|veth add NAME ... (link set changes a device that exists; there is no link add)" },
	{ "link", "del", "bridge|bond|vlan|veth del NAME (a NIC is never deleted; there is no link del)" },
};

/* The one word of cands that w begins, shorter ("sh" for show), or NULL. */
static const char *unique_prefix(const char *w, const char *const *cands)
{
	const char *pick = NULL;
	size_t lw = strlen(w);

	for (const char *const *c = cands; lw && *c; c++)
		if (!strncmp(*c, w, lw) && (*c)[lw]) {
			if (pick)
				return NULL;
			pick = *c;
		}
	return pick;
}

void verb_hint(const struct kind *k, const char *const *verbs, const char *w, char *buf, size_t len)
{
	const char *near;

	buf[0] = 0;
	for (size_t h = 0; h < sizeof(verb_habits) / sizeof(verb_habits[0]); h++) {
		const char *ours = verb_habits[h].ours;

		if (strcmp(verb_habits[h].theirs, w) ||
		    (verb_habits[h].object && strcmp(verb_habits[h].object, k->name)))
			continue;
		if (verb_habits[h].object) {
			snprintf(buf, len, "; that is vnetctl %s", ours);
			return;
		}
		for (const char *const *v = verbs; *v; v++)
			if (!strncmp(*v, ours, strcspn(ours, " "))) {
				snprintf(buf, len, "; vnetctl says %s %s", k->name, ours);
				return;
			}
	}
	near = unique_prefix(w, verbs);
	if (near) {
		snprintf(buf, len, "; did you mean %s %s? (vnetctl takes no abbreviations)", k->name, near);
		return;
	}
	near = vnet_suggest(w, verbs);
	if (near)
		snprintf(buf, len, "; did you mean %s %s?", k->name, near);
}

/* Objects of other tools, and the vnetctl object. */
static const struct {
	const char *theirs, *ours;
} object_habits[] = {
	{ "port", "bridge port" }, { "slave", "bond slave" }, { "brctl", "bridge" },
	{ "bonding", "bond" },	   { "vlans", "vlan" },	       { "bridges", "bridge" },
	{ "bonds", "bond" },	   { "vfs", "vf" },	       { "sriov", "vf" },
	{ "export", "show --config" }, { "list", "show" }, { "ls", "show" },
};

/* ip's address objects ("ip addr add 10.0.0.1/24 dev eth0", "ip a"): addresses are a keyword. */
static const char *const address_objects[] = { "a", "ad", "addr", "address", "addresses", NULL };

static void object_hint(const char *const *objects, const char *w, char *buf, size_t len)
{
	const char *near;

	buf[0] = 0;
	for (size_t h = 0; h < sizeof(object_habits) / sizeof(object_habits[0]); h++)
		if (!strcmp(object_habits[h].theirs, w)) {
			snprintf(buf, len, "; did you mean %s?", object_habits[h].ours);
			return;
		}
	for (const char *const *a = address_objects; *a; a++)
		if (!strcmp(*a, w)) {
			snprintf(buf, len, "; addresses are a keyword of their device: vnetctl link set NAME "
				 "addresses ADDR/PLEN[,...] (bridge, bond, vlan and veth set take it too)");
			return;
		}
	near = unique_prefix(w, objects);
	if (near) {
		snprintf(buf, len, "; did you mean %s? (vnetctl takes no abbreviations)", near);
		return;
	}
	near = vnet_suggest(w, objects);
	if (near)
		snprintf(buf, len, "; did you mean %s?", near);
}

void vnet_hint_object(const char *word, char *buf, size_t len)
{
	const char *objects[32];
	int n = 0;

	for (const struct kind *const *kp = kind_table; *kp && n < 24; kp++)
		if (!strchr((*kp)->name, ' '))
			objects[n++] = (*kp)->name;
	objects[n++] = "show";
	objects[n++] = "apply";
	objects[n++] = "check";
	objects[n++] = "confirm";
	objects[n++] = "rollback";
	objects[n++] = "help";
	objects[n] = NULL;
	object_hint(objects, word, buf, len);
}

void release_hint(struct vnet_ctx *ctx, struct state *st, const struct link *l, char *buf,
		  size_t len)
{
	const struct link *m = l && l->master ? state_by_index(st, l->master) : NULL;
	char ns[280] = "";

	buf[0] = 0;
	if (!m)
		return;
	if (ctx->netns[0])
		snprintf(ns, sizeof(ns), "-n %s ", ctx->netns);
	if (!strcmp(m->kind, "bridge"))
		snprintf(buf, len, "; release it there first: vnetctl %sbridge port del %s %s (or in the same file)", ns,
			 m->name, l->name);
	else if (!strcmp(m->kind, "bond"))
		snprintf(buf, len, "; release it there first: vnetctl %sbond slave del %s %s (or in the same file)", ns,
			 m->name, l->name);
	else
		snprintf(buf, len, "; release it there first: ip %slink set %s nomaster", ns, l->name);
}

/* p's feature, when the kernel (asked about the bridge op names) confirms it lacks it. */
static const char *param_missing(struct vnet_ctx *ctx, const struct op *op, const struct param *p)
{
	if (!p || !p->missing)
		return NULL;
	if (p->feature_attr) {
		int has = nlm_bridge_has_attr(ctx, op->name, p->feature_attr);

		/* a bridge not made yet (its create failed): the kernel is asked another way */
		if (has < 0)
			has = nlm_bridge_vlan_probe(ctx);
		if (has != 0)
			return NULL;
	}
	return p->missing;
}

const char *missing_text(struct vnet_ctx *ctx, const struct op *op, int err, const char *ext)
{
	const struct kind *k = op->kind;
	const struct param *tabs[2];

	if (!k)
		return NULL;
	/* The kernel has no driver for the kind (its module did not load on demand). */
	if (op->type == OP_CREATE && err == EOPNOTSUPP && k->missing && ext &&
	    strstr(ext, "Unknown device type"))
		return k->missing;
	if (err && err != EOPNOTSUPP)
		return NULL;
	tabs[0] = op->type == OP_PORT && k->port_params ? k->port_params : k->params;
	tabs[1] = NULL;
	if (op->type == OP_VLAN_ADD || op->type == OP_VLAN_DEL) {
		/* port VLAN entries: what the port's VLAN keywords need */
		return param_missing(ctx, op, find_word(k->port_params ? k->port_params : k->params,
							"vlans"));
	}
	for (const struct param *p = tabs[0]; p && p->word; p++)
		if ((op->fields & (1U << p->field)) && p->missing)
			return param_missing(ctx, op, p);
	return NULL;
}

/* The module is there to load (modules.dep) or built in (modules.builtin): 1, else 0. */
static int module_listed(const char *module)
{
	static const char *const lists[] = { "modules.dep", "modules.builtin" };
	struct utsname u;
	char path[512], line[1024], want[80];

	if (uname(&u) < 0)
		return 0;
	snprintf(want, sizeof(want), "/%s.ko", module);
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/lib/modules/%s/%s", u.release, lists[i]);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (strstr(line, want)) {
				fclose(f);
				return 1;
			}
		fclose(f);
	}
	return 0;
}

const char *kind_lacks_driver(struct vnet_ctx *ctx, const struct kind *k)
{
	/*
	 * Asked of the kernel only when no module could load on demand: the
	 * probe of a loadable one would load it (and bonding makes a bond0 in
	 * the host's namespace when it loads).
	 */
	/* A SEA is a bridge that filters VLANs: without the filtering none can be made. */
	if (k == &kind_sea)
		return nlm_bridge_vlan_probe(ctx) == 0 ? find_word(kind_bridge.params, "vlan-filtering")->missing
						       : NULL;
	if (!k->missing || !k->link_kind || (k->module && module_listed(k->module)))
		return NULL;
	return nlm_kind_probe(ctx, k->link_kind) == 0 ? k->missing : NULL;
}

/* A feature a planned step needs (a value other than the kernel's default of a keyword that has one). */
static const char *planned_feature(struct vnet_ctx *ctx, const struct op *op)
{
	const struct kind *k = op->kind;
	const struct obj *o = op_obj(op);

	if (!k)
		return NULL;
	if (op->type == OP_VLAN_ADD)
		return param_missing(ctx, op, find_word(k->port_params ? k->port_params : k->params,
							"vlans"));
	if (op->type != OP_CREATE && op->type != OP_SET && op->type != OP_PORT)
		return NULL;
	for (const struct param *p = op->type == OP_PORT && k->port_params ? k->port_params : k->params;
	     p && p->word; p++) {
		char buf[64];

		if (!p->missing || !(op->fields & (1U << p->field)) || !obj_has(o, p->field))
			continue;
		val_format(p, &o->v[p->field], buf, sizeof(buf));
		if (!p->def || strcmp(buf, p->def))
			return param_missing(ctx, op, p);
	}
	return NULL;
}

const char *plan_lacks(struct vnet_ctx *ctx, const struct plan *p, char *step, size_t len)
{
	for (int i = 0; i < p->n; i++) {
		const struct op *op = &p->ops[i];
		const char *lacks = op->type == OP_CREATE && op->kind ? kind_lacks_driver(ctx, op->kind) : NULL;

		if (!lacks)
			lacks = planned_feature(ctx, op);
		if (lacks) {
			/* A long step (a VLAN list) gives way in its middle, as a refused one does. */
			str_fit(step, len, op->text ? op->text : op->name);
			return lacks;
		}
	}
	return NULL;
}

int plan_check_drivers(struct vnet_ctx *ctx, const struct plan *p)
{
	char step[200];
	const char *lacks = plan_lacks(ctx, p, step, sizeof(step));

	if (!lacks)
		return 0;
	return vnet_refuse(ctx, EOPNOTSUPP, "%s: %s: the plan would fail at this step", step, lacks);
}
