/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * untrusted.h: strings from outside (a router's mapping description or
 * URL, a reflector's detail, a LAN host's SSDP header, a file someone
 * else wrote) made safe once, where they enter: bounded, one line, no
 * byte a terminal or a log reader could take for a command.
 */
#ifndef PORTWARD_UNTRUSTED_H
#define PORTWARD_UNTRUSTED_H

#include <stddef.h>

/* Longest outside string portward keeps (before escaping). */
#define UT_MAX_IN	512

/*
 * Copy at most srclen bytes of src (stopping at a NUL) into dst (dlen
 * bytes, always NUL-terminated), escaped:
 *   - C0 controls, DEL: \n, \r, \t or \xNN (a tab too: one field, one
 *     line, whatever the reader splits on);
 *   - bytes that are not well-formed UTF-8, and the C1 controls
 *     (U+0080..U+009F: 8-bit CSI) encoded in it: \xNN per byte;
 *   - bidirectional overrides and isolates (U+202A..U+202E,
 *     U+2066..U+2069), which reorder what a terminal shows: \u{NNNN};
 *   - a backslash: \\ (so an escape in the output is always ours).
 * Cut at a character boundary with "..." when it does not fit.
 * Returns the number of bytes written (without the NUL).
 */
size_t	ut_clean(char *dst, size_t dlen, const char *src, size_t srclen);

/* 1 if s needs no escaping (ut_clean would copy it unchanged). */
int	ut_is_clean(const char *s, size_t len);

/*
 * 1 if s could be ut_clean's output: nothing in it needs escaping but
 * backslashes (those of its escapes). Text made of parts that were
 * cleaned where they entered (a report from the mapper process, a
 * message quoting clean values) is checked with it, not escaped twice.
 */
int	ut_is_escaped(const char *s, size_t len);

/*
 * Copy clean text (ut_is_escaped) into dst, cut as ut_clean cuts: never
 * inside a character or an escape, with "..."; text that is not clean
 * is escaped instead (ut_clean). dst may be src. Returns the length.
 */
size_t	ut_copy(char *dst, size_t dlen, const char *src, size_t srclen);

#endif
