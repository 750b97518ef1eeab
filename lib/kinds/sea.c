// SPDX-License-Identifier: GPL-2.0-or-later
/* The sea kind: a PowerVM-style shared Ethernet adapter on a VLAN-filtering bridge. */
#include "../internal.h"

static const struct param sea_params[] = {
	{ 0 }
};

const struct kind kind_sea = {
	.name = "sea",
	.params = sea_params,
	.args = { "NAME" },
	.verbs = 0,
};
