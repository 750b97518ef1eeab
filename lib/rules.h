/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's ordering rules, each said once (lib/rules.c).
 *
 * Two planners make steps: the file's (each kind's plan hook, the SEA's
 * among them) and the rollback's (lib/record.c), which plans from the host
 * as it is back to the record. They make their steps in forms of their
 * own, but what the kernel allows in which order they both ask here: which
 * changes of a link's fields need it down or without slaves (the PF_*
 * flags of the param tables, classified by rules_fields), and what a
 * master's driver wants of a link that joins it and does to one that joins
 * or leaves it (rules_port).
 */
#ifndef VNET_RULES_H
#define VNET_RULES_H

#include <stdint.h>

#include "obj.h"

/* The fields of a change, by what the kernel needs to take them. */
struct field_rules {
	uint32_t immutable; /* PF_IMMUTABLE: never in place; the link is made again */
	uint32_t noslaves;  /* PF_NOSLAVES: only while the master has no ports */
	uint32_t ifdown;    /* PF_IFDOWN: only while the link is down */
};

/* Classifies the fields m of the table tab (bits by field). */
void rules_fields(const struct param *tab, uint32_t m, struct field_rules *fr);
/*
 * The order of a change of such fields, which every planner follows:
 *  1. when rules_release_ports: each port leaves the master first;
 *  2. when rules_down_first (and the link is up): the link goes down;
 *  3. the fields rules_alone_first gives, in a request of their own, then
 *     the others;
 *  4. the ports released in 1 join again (rules_port's rules for joining
 *     apply), and the link comes up again if it was.
 */
int rules_release_ports(const struct field_rules *fr);
int rules_down_first(const struct field_rules *fr);
/*
 * Of the fields m of tab that change to want's values, those to send first
 * in a request of their own: a PF_ALONE field turned off while PF_GUARDED
 * fields change too (the kernel applies a bridge's timers before its STP
 * state, and refuses a forward delay below 2 s while STP still runs).
 * Turned on, it goes with them: the timers are checked with STP still off.
 */
uint32_t rules_alone_first(const struct param *tab, const struct obj *want, uint32_t m);

/* What a master's driver asks of a port and does to it. */
struct port_rules {
	const char *kind;	/* the master's IFLA_INFO_KIND */
	/* The port must be down to join ("a slave must be down to join"); else NULL. */
	const char *down_to_join;
	int opens_on_join;	/* the driver brings a port up as it joins */
	int closes_on_leave;	/* ... and down as it leaves */
	/*
	 * The driver sets the port's MTU: the master's as it joins, the one
	 * it had before as it leaves.
	 */
	int sets_mtu;
	/*
	 * The order the ports joined in counts (a bond without a primary makes
	 * the first its active one): to put one back in its place, those that
	 * joined after it leave and join again behind it.
	 */
	int ordered;
};

/* The rules of a master of kind k ("bond", "bridge"; NULL or unknown: none of them). */
const struct port_rules *rules_port(const char *k);

#endif
