/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading attributes of messages from the kernel without trusting their
 * lengths: a short attribute reads as 0, a string is cut at its payload.
 * (The dump decoder is fuzzed with arbitrary bytes.)
 */
#ifndef VNET_ATTR_H
#define VNET_ATTR_H

#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>

static inline uint8_t attr_u8(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a) >= 1 ? mnl_attr_get_u8(a) : 0;
}

static inline uint16_t attr_u16(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a) >= 2 ? mnl_attr_get_u16(a) : 0;
}

static inline uint32_t attr_u32(const struct nlattr *a)
{
	return mnl_attr_get_payload_len(a) >= 4 ? mnl_attr_get_u32(a) : 0;
}

/* Copies a string attribute into buf (len bytes), NUL-terminated. */
static inline void attr_str(const struct nlattr *a, char *buf, size_t len)
{
	size_t n = mnl_attr_get_payload_len(a);
	const char *p = mnl_attr_get_payload(a);

	if (n && p[n - 1] == 0)
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = 0;
}

#endif
