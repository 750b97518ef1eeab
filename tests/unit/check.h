/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The unit tests' one assertion: counts, and names the line of each failure. */
#ifndef VNET_TEST_CHECK_H
#define VNET_TEST_CHECK_H
#include <stdio.h>

static int failed, passed;

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (cond) {                                                             \
			passed++;                                                       \
		} else {                                                                \
			failed++;                                                       \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                       \
	} while (0)

#endif
