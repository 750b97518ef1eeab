/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Values: VLAN sets, name lists, and the parsers and formatters of the command line's words. */
#ifndef VNET_VALUE_H
#define VNET_VALUE_H

#include "internal.h"

/* A set of VLAN ids 0..4095 (only 1..4094 are valid VLANs). */
struct vlanset {
	uint64_t bits[VLAN_N / 64];
};

static inline void vlanset_add(struct vlanset *s, unsigned int v)
{
	s->bits[v / 64] |= 1ULL << (v % 64);
}
static inline void vlanset_del(struct vlanset *s, unsigned int v)
{
	s->bits[v / 64] &= ~(1ULL << (v % 64));
}
static inline int vlanset_has(const struct vlanset *s, unsigned int v)
{
	return !!(s->bits[v / 64] & (1ULL << (v % 64)));
}
int vlanset_empty(const struct vlanset *s);
int vlanset_equal(const struct vlanset *a, const struct vlanset *b);
/* "3,10-20" or "none"; returns the length written (snprintf-like). */
int vlanset_format(const struct vlanset *s, char *buf, size_t len);

/* A list of interface names ("eth0,eth1"). */
struct namelist {
	int n;
	char (*names)[VNET_NAMSIZ];
};
void namelist_free(struct namelist *l);
int namelist_has(const struct namelist *l, const char *name);

/* FNV-1a of a name: the hash of every table of names. */
unsigned int name_hash(const char *name);
/*
 * A small open-addressing map from names to numbers (a statement's, say);
 * the keys are borrowed, not copied. namemap_put keeps a name's first
 * number; namemap_get gives -1 for a name not there.
 */
struct namemap {
	int cap;
	const char **key;
	int *val;
};
/* An empty map with room for entries names. */
void namemap_alloc(struct namemap *m, int entries);
void namemap_put(struct namemap *m, const char *k, int v);
int namemap_get(const struct namemap *m, const char *k);
void namemap_free(struct namemap *m);
/* A name with a shell glob's special characters (*, ? or [) in it: a pattern, as guest-ports take. */
int name_is_pattern(const char *s);
/* Whether name matches one of the shell patterns of l (fnmatch). */
int namelist_match(const struct namelist *l, const char *name);
/* Adds name unless it is there already (or empty). */
void namelist_add(struct namelist *l, const char *name);
/* Adds name (unless empty) without looking for it: for long lists known to be unique. */
void namelist_append(struct namelist *l, const char *name);

/* Value parsers: 0 on success, else -EINVAL and a reason in *why. */
int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char **why);
int parse_bool(const char *s, uint64_t *out, const char **why);
int parse_centisecs(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		    const char **why);
int parse_mac(const char *s, uint8_t mac[6], const char **why);
int parse_vlanlist(const char *s, struct vlanset *out, const char **why);
int parse_ifname(const char *s, const char **why);
int parse_namelist(const char *s, struct namelist *out, const char **why);
int format_centisecs(uint64_t cs, char *buf, size_t len);
/* What a kernel ticking hz times a second reads back for a time of cs given to it (hz 0: cs). */
uint64_t centisecs_at_hz(uint64_t cs, unsigned int hz);
/* The running kernel's HZ, learnt once (0 when it cannot be learnt). */
unsigned int kernel_hz(void);
/* For tests: take hz as the kernel's HZ from now on. */
void kernel_hz_assume(unsigned int hz);
int format_mac(const uint8_t mac[6], char *buf, size_t len);
/* n bytes as lower-case hex, sep between them unless 0; out holds 3n; returns the NUL's place. */
char *format_hex(const uint8_t *b, int n, char sep, char *out);

#endif
