/* SPDX-License-Identifier: GPL-2.0-or-later */
/* errbuf.c: build the single error message of a failed parse. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"

void
eb_clear(struct errbuf *eb)
{
	eb->msg[0] = '\0';
}

int
eb_set(struct errbuf *eb, const char *file, int line, int col,
    const char *key, const char *fmt, ...)
{
	char where[512], what[512];
	va_list ap;
	int n;

	if (eb == NULL || eb->msg[0] != '\0')
		return -1;
	if (line > 0)
		n = snprintf(where, sizeof(where), "%s:%d:%d: ", file, line, col);
	else
		n = snprintf(where, sizeof(where), "%s: ", file);
	if (n < 0 || (size_t)n >= sizeof(where))
		where[0] = '\0';
	va_start(ap, fmt);
	n = vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (n < 0)
		what[0] = '\0';
	if (key != NULL && key[0] != '\0')
		n = snprintf(eb->msg, sizeof(eb->msg), "%s%s: %s", where, key,
		    what);
	else
		n = snprintf(eb->msg, sizeof(eb->msg), "%s%s", where, what);
	/* A truncated message is still the right message: say it is cut. */
	if (n > 0 && (size_t)n >= sizeof(eb->msg))
		memcpy(eb->msg + sizeof(eb->msg) - 4, "...", 4);
	return -1;
}
