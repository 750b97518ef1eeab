/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The operators' views: a link's state at run time in words (show, -j,
 * diagnose, monitor, --dot say it the same way), and the views themselves.
 */
#ifndef VNET_VIEWS_H
#define VNET_VIEWS_H

#include "state.h"

/* "up", "down", "lowerlayerdown", ... as ip link prints them. */
const char *view_operstate(const struct link *l);
/* Carrier: the link is up and its lower layer is (IFF_LOWER_UP). */
int view_carrier(const struct link *l);
/* A bridge port's STP state as bridge link prints it; NULL when not a port. */
const char *view_stp_state(const struct link *l);
/* "8000.0242ac110002" from a bridge id (priority, then MAC), as brctl writes it. */
void view_bridge_id(const uint8_t id[8], char *buf, size_t len);
/* Adds "operstate" and "carrier" to j. */
void view_json_runtime(struct json_object *j, const struct link *l);
/* " (forwarding, no carrier, down)": a port's state in text, "" for nothing to say. */
void view_port_text(const struct link *l, char *buf, size_t len);

/*
 * One fact of a show view, described once for text and -j: its label in
 * the text ("MII Status"), its key in JSON ("mii_status"), and its value, a
 * word s or, when s is NULL, the number u.
 */
struct view_fact {
	const char *label;
	const char *key;
	const char *s;
	uint64_t u;
	unsigned char boolean; /* u is true or false */
	unsigned char none;    /* no value: JSON null, "none" in text */
};
/* The facts as "INDENTLabel: value" lines. */
void view_facts_text(FILE *out, const char *indent, const struct view_fact *f, int n);
/* The facts on one line: "label value, label value, label" (a true boolean: its label alone). */
void view_facts_line(FILE *out, const struct view_fact *f, int n);
/* The facts as keys of j. */
void view_facts_json(struct json_object *j, const struct view_fact *f, int n);

/* vnetctl show --dot: the host's topology as a Graphviz graph. */
int view_dot(struct vnet_ctx *ctx);

#endif
