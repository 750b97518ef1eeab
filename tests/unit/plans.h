/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The rollback planner's unit tests: looking for steps in a plan by their text. */
#ifndef VNET_TEST_PLANS_H
#define VNET_TEST_PLANS_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

/* The index of the first step whose text holds t, or -1. */
static inline int find(const struct plan *p, const char *t)
{
	for (int i = 0; i < p->n; i++)
		if (p->ops[i].text && strstr(p->ops[i].text, t))
			return i;
	return -1;
}

/* With VERBOSE set in the environment: the plan's steps, under what. */
static inline void dump_plan(const char *what, const struct plan *p)
{
	if (!getenv("VERBOSE"))
		return;
	fprintf(stderr, "-- %s\n", what);
	for (int i = 0; i < p->n; i++)
		fprintf(stderr, "   %s\n", p->ops[i].text);
}

#endif
