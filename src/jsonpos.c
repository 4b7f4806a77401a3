/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * jsonpos.c: a small JSON scanner that walks to one path and reports its
 * position. It does not validate: jansson already did, and on text that is
 * not JSON it just fails to find the path.
 */
#include <stdlib.h>
#include <string.h>

#include "jsonpos.h"

#define MAX_DEPTH	64

struct scan {
	const char	*p, *end;
	int		 line, col;
};

static void
adv(struct scan *s)
{
	if (s->p >= s->end)
		return;
	if (*s->p == '\n') {
		s->line++;
		s->col = 1;
	} else
		s->col++;
	s->p++;
}

static void
skip_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		adv(s);
}

/*
 * Scan a string starting at '"'. When out is not NULL, the decoded text
 * (simple escapes only; \u makes it unmatchable) is stored there.
 */
static int
scan_string(struct scan *s, char *out, size_t outsz)
{
	size_t n = 0;
	int bad = 0;

	if (s->p >= s->end || *s->p != '"')
		return -1;
	adv(s);
	while (s->p < s->end && *s->p != '"') {
		char c = *s->p;

		if (c == '\\') {
			adv(s);
			if (s->p >= s->end)
				return -1;
			c = *s->p;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': bad = 1; break;
			default: break;
			}
		}
		if (out != NULL) {
			if (n + 1 < outsz)
				out[n++] = c;
			else
				bad = 1;
		}
		adv(s);
	}
	if (s->p >= s->end)
		return -1;
	adv(s);
	if (out != NULL) {
		if (bad && outsz >= 2) {
			out[0] = '\x01';	/* matches no key */
			n = 1;
		}
		out[n] = '\0';
	}
	return 0;
}

static int skip_value(struct scan *, int);

static int
skip_container(struct scan *s, char close, int depth)
{
	adv(s);
	skip_ws(s);
	if (s->p < s->end && *s->p == close) {
		adv(s);
		return 0;
	}
	for (;;) {
		skip_ws(s);
		if (close == '}') {
			if (scan_string(s, NULL, 0) == -1)
				return -1;
			skip_ws(s);
			if (s->p >= s->end || *s->p != ':')
				return -1;
			adv(s);
		}
		if (skip_value(s, depth + 1) == -1)
			return -1;
		skip_ws(s);
		if (s->p >= s->end)
			return -1;
		if (*s->p == close) {
			adv(s);
			return 0;
		}
		if (*s->p != ',')
			return -1;
		adv(s);
	}
}

static int
skip_value(struct scan *s, int depth)
{
	if (depth > MAX_DEPTH)
		return -1;
	skip_ws(s);
	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '"':
		return scan_string(s, NULL, 0);
	case '{':
		return skip_container(s, '}', depth);
	case '[':
		return skip_container(s, ']', depth);
	default:
		/* number or literal: up to the next delimiter */
		while (s->p < s->end && strchr(",}] \t\r\n", *s->p) == NULL)
			adv(s);
		return 0;
	}
}

/* Split off the first component of path: a key or an [index]. */
static int
next_component(const char **path, char *key, size_t keysz, long *index)
{
	const char *p = *path;
	size_t n = 0;

	if (*p == '.')
		p++;
	if (*p == '[') {
		char *endp;

		*index = strtol(p + 1, &endp, 10);
		if (endp == p + 1 || *endp != ']' || *index < 0)
			return -1;
		*path = endp + 1;
		return 1;
	}
	while (*p != '\0' && *p != '.' && *p != '[') {
		if (n + 1 >= keysz)
			return -1;
		key[n++] = *p++;
	}
	key[n] = '\0';
	*path = p;
	return 0;
}

static int
find(struct scan *s, const char *path, int depth)
{
	char want[256], got[256];
	long index = 0, i;
	int kind, line, col;

	if (depth > MAX_DEPTH)
		return -1;
	skip_ws(s);
	if (*path == '\0')
		return s->p < s->end ? 0 : -1;
	if ((kind = next_component(&path, want, sizeof(want), &index)) == -1)
		return -1;
	if (s->p >= s->end || *s->p != (kind == 1 ? '[' : '{'))
		return -1;
	adv(s);
	for (i = 0;; i++) {
		skip_ws(s);
		if (s->p >= s->end || *s->p == (kind == 1 ? ']' : '}'))
			return -1;
		if (kind == 0) {
			line = s->line;
			col = s->col;
			if (scan_string(s, got, sizeof(got)) == -1)
				return -1;
			skip_ws(s);
			if (s->p >= s->end || *s->p != ':')
				return -1;
			adv(s);
			if (strcmp(got, want) == 0) {
				if (*path == '\0') {
					s->line = line;
					s->col = col;
					return 0;
				}
				return find(s, path, depth + 1);
			}
		} else if (i == index)
			return find(s, path, depth + 1);
		if (skip_value(s, depth + 1) == -1)
			return -1;
		skip_ws(s);
		if (s->p >= s->end || *s->p != ',')
			return -1;
		adv(s);
	}
}

int
jpos_find(const char *text, size_t len, const char *path, int *line,
    int *col)
{
	struct scan s = { text, text + len, 1, 1 };

	if (text == NULL || path == NULL || find(&s, path, 0) == -1)
		return -1;
	*line = s.line;
	*col = s.col;
	return 0;
}
