/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetctl diagnose: the troubleshooting checklist. lib/diagnose.c walks the
 * links and runs the checks every link shares; each kind adds its own
 * (struct kind's diagnose hook) and says each result with diag_say().
 */
#ifndef VNET_DIAGNOSE_H
#define VNET_DIAGNOSE_H

#include "state.h"

enum diag_status { DIAG_OK, DIAG_WARN, DIAG_FAIL };

struct diag;

/*
 * One check's result about the object KIND NAME (and its port, or NULL):
 * what was checked (a word: "carrier", "stp", "mtu", ...), what is wrong
 * (or, when ok, what holds), and a one-line fix (NULL when ok).
 */
void diag_say(struct diag *d, enum diag_status s, const char *check, const char *kind,
	      const char *name, const char *port, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* The context: for a check that must ask the kernel more (a PF's VF table). */
struct vnet_ctx *diag_ctx(struct diag *d);

/*
 * The checks every port or slave of master (the object kind name) gets:
 * up, carrier, MTU equal to its master's. The kinds call it for theirs.
 */
void diag_port_common(struct diag *d, struct state *st, const char *kind,
		      const struct link *master, const struct link *port);

#endif
