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

/* vnetctl show --dot: the host's topology as a Graphviz graph. */
int view_dot(struct vnet_ctx *ctx);

#endif
