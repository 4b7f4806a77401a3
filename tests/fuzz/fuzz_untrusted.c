/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * libFuzzer target: ut_clean (untrusted.c), the one sanitizer every
 * outside string goes through. The first byte picks the output size
 * (1..256), the rest is the string. Whatever it is, the output is
 * terminated within that size, has no C0 control or DEL, every
 * backslash in it starts one of ut_clean's own escapes, and what lies
 * between them is clean (ut_is_clean: well-formed UTF-8, no C1, no
 * bidi override). A clean input that fits comes out unchanged.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "untrusted.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
hexdigit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Length of the escape at s ("\\", "\n", "\xNN", "\u{NNNN}"), or 0. */
static size_t
escape_len(const char *s)
{
	if (s[1] == '\\' || s[1] == 'n' || s[1] == 'r' || s[1] == 't')
		return 2;
	if (s[1] == 'x' && hexdigit(s[2]) && hexdigit(s[3]))
		return 4;
	if (s[1] == 'u' && s[2] == '{' && hexdigit(s[3]) && hexdigit(s[4]) &&
	    hexdigit(s[5]) && hexdigit(s[6]) && s[7] == '}')
		return 8;
	return 0;
}

static void
check(const char *out, size_t dlen, size_t r)
{
	const char *end = memchr(out, '\0', dlen), *p, *b;
	size_t e;

	if (end == NULL || (size_t)(end - out) != r)
		__builtin_trap();
	for (p = out; p < end; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			__builtin_trap();
	for (p = out; p < end; p = b + e) {
		b = memchr(p, '\\', (size_t)(end - p));
		if (b == NULL)
			b = end;
		if (!ut_is_clean(p, (size_t)(b - p)))
			__builtin_trap();
		if (b == end)
			break;
		if ((e = escape_len(b)) == 0)
			__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[257];
	const char *src = (const char *)data + 1;
	size_t dlen, n, r;

	if (size == 0)
		return 0;
	dlen = 1 + (size_t)data[0];
	memset(out, 'A', sizeof(out));
	r = ut_clean(out, dlen, src, size - 1);
	check(out, dlen, r);
	n = strnlen(src, size - 1);
	if (n + 1 <= dlen && memchr(src, '\\', n) == NULL &&
	    ut_is_clean(src, n) && (r != n || memcmp(out, src, n) != 0))
		__builtin_trap();
	return 0;
}
