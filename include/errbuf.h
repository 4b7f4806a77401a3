/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * errbuf.h: the one error message a parser hands back to its caller.
 * Parsers know the file, key and position; the caller decides how to show
 * it (stderr for the CLI, the log for the daemon, a string for tests).
 */
#ifndef PORTWARD_ERRBUF_H
#define PORTWARD_ERRBUF_H

#include "log.h"

struct errbuf {
	char	msg[1024];
};

/*
 * Format "FILE:LINE:COL: KEY: message" into eb; line 0 leaves out the
 * position, a NULL or empty key leaves out the key. Returns -1 so that
 * parsers can `return eb_set(...)`. The first error wins: a set errbuf
 * is not overwritten.
 */
int	eb_set(struct errbuf *eb, const char *file, int line, int col,
	    const char *key, const char *fmt, ...) PW_PRINTF(6, 7);
/* Empty the buffer. */
void	eb_clear(struct errbuf *eb);

#endif
