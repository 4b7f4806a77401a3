/* SPDX-License-Identifier: GPL-2.0-or-later */
/* untrusted.c: outside strings made safe where they enter (untrusted.h). */
#include <stdint.h>
#include <string.h>

#include "untrusted.h"

static const char hex[] = "0123456789abcdef";

/* Length of the well-formed UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

static int
is_bidi(uint32_t c)
{
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* The escaped form of one character (k bytes at s) into e; its length. */
static size_t
escape_one(const unsigned char *s, size_t k, uint32_t cp, char e[16])
{
	size_t i, o = 0;

	if (k == 1 && cp >= 0x20 && cp < 0x7f && cp != '\\') {
		e[0] = (char)cp;
		return 1;
	}
	if (k == 1 && (cp == '\\' || cp == '\n' || cp == '\r' || cp == '\t')) {
		e[0] = '\\';
		e[1] = cp == '\\' ? '\\' : cp == '\n' ? 'n' : cp == '\r' ? 'r' :
		    't';
		return 2;
	}
	if (k > 1 && is_bidi(cp)) {
		memcpy(e, "\\u{", 3);
		for (o = 3, i = 4; i-- > 0;)
			e[o++] = hex[(cp >> (i * 4)) & 0xf];
		e[o++] = '}';
		return o;
	}
	if (k > 1 && cp >= 0xa0) {
		memcpy(e, s, k);
		return k;
	}
	/* A C0/C1 control or a byte that is not UTF-8: \xNN per byte. */
	for (i = 0; i < k; i++) {
		e[o++] = '\\';
		e[o++] = 'x';
		e[o++] = hex[s[i] >> 4];
		e[o++] = hex[s[i] & 0xf];
	}
	return o;
}

/* The character at s (n bytes left): its length, its escape in e. */
static size_t
next_char(const unsigned char *s, size_t n, char e[16], size_t *el)
{
	uint32_t cp;
	size_t k;

	if ((k = utf8_len(s, n, &cp)) == 0) {
		k = 1;
		cp = 0x80;	/* escaped byte by byte */
	}
	*el = escape_one(s, k, cp, e);
	return k;
}

/* The length of all n bytes at s, escaped. */
static size_t
escaped_len(const unsigned char *s, size_t n)
{
	size_t i, el, len = 0;
	char e[16];

	for (i = 0; i < n; len += el)
		i += next_char(s + i, n - i, e, &el);
	return len;
}

size_t
ut_clean(char *dst, size_t dlen, const char *src, size_t srclen)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t n, k, el, o = 0, i = 0;
	int cut;
	char e[16];

	if (dlen == 0)
		return 0;
	n = strnlen(src, srclen);
	/* Only what does not fit whole is cut: then room for "..." is kept. */
	cut = escaped_len(s, n) + 1 > dlen;
	while (i < n) {
		k = next_char(s + i, n - i, e, &el);
		/* Room for this, and for "..." if more follows. */
		if (o + el + (cut && i + k < n ? 3 : 0) + 1 > dlen) {
			/* What came before left room for the "...". */
			if (o + 3 + 1 <= dlen) {
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(dst + o, e, el);
		o += el;
		i += k;
	}
	dst[o] = '\0';
	return o;
}

/* 1 if ut_clean leaves s as it is; a backslash too, if backslash says so. */
static int
unchanged(const char *s, size_t len, int backslash)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;
	uint32_t cp;
	char e[16];

	while (i < len && u[i] != '\0') {
		if ((k = utf8_len(u + i, len - i, &cp)) == 0)
			return 0;
		if (!(backslash && cp == '\\') && (escape_one(u + i, k, cp,
		    e) != k || memcmp(e, u + i, k) != 0))
			return 0;
		i += k;
	}
	return 1;
}

int
ut_is_clean(const char *s, size_t len)
{
	return unchanged(s, len, 0);
}

int
ut_is_escaped(const char *s, size_t len)
{
	return unchanged(s, len, 1);
}

/* Length of the character or escape of clean text at s (n bytes left). */
static size_t
token_len(const char *s, size_t n)
{
	const char *close;
	uint32_t cp;
	size_t k;

	if (s[0] != '\\' || n < 2)
		return (k = utf8_len((const unsigned char *)s, n, &cp)) ? k : 1;
	if (s[1] == 'x')
		return n < 4 ? n : 4;
	if (s[1] == 'u' && (close = memchr(s, '}', n)) != NULL)
		return (size_t)(close - s) + 1;
	return 2;
}

size_t
ut_copy(char *dst, size_t dlen, const char *src, size_t srclen)
{
	size_t n = strnlen(src, srclen), i = 0, k;
	char tmp[UT_MAX_IN * 2];

	if (dlen == 0)
		return 0;
	if (!ut_is_escaped(src, n)) {
		if (dst != src)
			return ut_clean(dst, dlen, src, n);
		/* In place: escaping grows it, so from a copy. */
		if (n > sizeof(tmp))
			n = sizeof(tmp);
		memcpy(tmp, src, n);
		return ut_clean(dst, dlen, tmp, n);
	}
	if (n < dlen) {
		memmove(dst, src, n);
		dst[n] = '\0';
		return n;
	}
	/* Whole characters and escapes while room is left for "...". */
	while (i < n && i + (k = token_len(src + i, n - i)) + 3 + 1 <= dlen)
		i += k;
	memmove(dst, src, i);
	if (i + 3 + 1 <= dlen) {
		memcpy(dst + i, "...", 3);
		i += 3;
	}
	dst[i] = '\0';
	return i;
}
