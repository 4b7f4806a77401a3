/* SPDX-License-Identifier: GPL-2.0-or-later */
/* errbuf.c: build the single error message of a failed parse. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"
#include "untrusted.h"

void
eb_clear(struct errbuf *eb)
{
	eb->msg[0] = '\0';
}

int
eb_set(struct errbuf *eb, const char *file, int line, int col,
    const char *key, const char *fmt, ...)
{
	char where[512], what[512], raw[sizeof(eb->msg)];
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
		n = snprintf(raw, sizeof(raw), "%s%s: %s", where, key, what);
	else
		n = snprintf(raw, sizeof(raw), "%s%s", where, what);
	/* A truncated message is still the right message: say it is cut. */
	if (n > 0 && (size_t)n >= sizeof(raw))
		memcpy(raw + sizeof(raw) - 4, "...", 4);
	/*
	 * Every parse error passes here, quoting what a file (a livekit.yaml
	 * someone else wrote), a command line or a parser said: escaped
	 * here, once, before a terminal or the log shows it. Text that is
	 * already clean is kept as it is (ut_copy).
	 */
	(void)ut_copy(eb->msg, sizeof(eb->msg), raw, sizeof(raw));
	return -1;
}
