/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * lk_keys.h: table of the YAML key paths LiveKit server v1.13.5 accepts
 * in its config file under strict parsing (yaml.v3 KnownFields(true)
 * into config.Config).  See lk_keys.c for sources.
 *
 * Path syntax: top-level keys have no prefix ("port", "rtc"); a struct
 * member is "parent.child" ("rtc.tcp_port"); a member of the struct
 * values of a map with arbitrary keys is "parent.*.child"; a member of
 * the struct elements of a sequence is "parent[].child".
 */

#ifndef LK_KEYS_H
#define LK_KEYS_H

#include <stddef.h>

enum lk_kind {
	LK_SCALAR = 1,	/* leaf value (incl. types with own UnmarshalYAML) */
	LK_MAP,		/* struct: fixed keys, listed as "path.child" */
	LK_ANYMAP,	/* map: any keys; values not described further */
	LK_MAPOF,	/* map: any keys; struct values, "path.*.child" */
	LK_LIST,	/* sequence of scalars */
	LK_LISTOF,	/* sequence of structs, "path[].child" */
	LK_ANY,		/* anything (interface{}) */
	LK_BOOL		/* a leaf that is a Go bool (flags take no value) */
};

struct lk_key {
	const char	*path;
	unsigned char	 kind;		/* enum lk_kind */
};

extern const size_t lk_nkeys;

/* Exact match of a path; NULL if LiveKit would reject the key. */
const struct lk_key	*lk_key_find(const char *);
/* i-th entry in sorted order, i < lk_nkeys; NULL otherwise. */
const struct lk_key	*lk_key_at(size_t);

#endif /* LK_KEYS_H */
