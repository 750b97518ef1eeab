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

/*
 * libmnl's walk and getters, inline, with the same checks: a dump of 10,000
 * links is a million attributes, and each libmnl call is a call into a
 * shared library (a tenth of a no-op apply's time went there).
 */
static inline uint16_t attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static inline uint16_t attr_len(const struct nlattr *a)
{
	return (uint16_t)(a->nla_len - MNL_ATTR_HDRLEN);
}

static inline const void *attr_data(const struct nlattr *a)
{
	return (const char *)a + MNL_ATTR_HDRLEN;
}

/* An attribute whole within the len bytes left (mnl_attr_ok). */
static inline int attr_ok(const struct nlattr *a, int len)
{
	return len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && (int)a->nla_len <= len;
}

static inline const struct nlattr *attr_next(const struct nlattr *a)
{
	return (const struct nlattr *)((const char *)a + MNL_ALIGN(a->nla_len));
}

/* Each attribute from start up to end. */
#define attr_for_each(a, start, end)                                                      \
	for ((a) = (const struct nlattr *)(start);                                         \
	     attr_ok((a), (int)((const char *)(end) - (const char *)(a))); (a) = attr_next(a))
/* Each attribute of a message after its family header of off bytes. */
#define attr_for_each_msg(a, nlh, off)                                                   \
	attr_for_each(a, (const char *)(nlh) + MNL_NLMSG_HDRLEN + MNL_ALIGN(off),          \
		      (const char *)(nlh) + MNL_ALIGN((nlh)->nlmsg_len))
/* Each attribute nested in nest. */
#define attr_for_each_nested(a, nest)                                                    \
	attr_for_each(a, attr_data(nest), (const char *)attr_data(nest) + attr_len(nest))

static inline uint8_t attr_u8(const struct nlattr *a)
{
	return attr_len(a) >= 1 ? *(const uint8_t *)attr_data(a) : 0;
}

static inline uint16_t attr_u16(const struct nlattr *a)
{
	return attr_len(a) >= 2 ? *(const uint16_t *)attr_data(a) : 0;
}

static inline uint32_t attr_u32(const struct nlattr *a)
{
	return attr_len(a) >= 4 ? *(const uint32_t *)attr_data(a) : 0;
}

/* Copies a string attribute into buf (len bytes), NUL-terminated. */
static inline void attr_str(const struct nlattr *a, char *buf, size_t len)
{
	size_t n = attr_len(a);
	const char *p = attr_data(a);

	if (n && p[n - 1] == 0)
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = 0;
}

#endif
