/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * testutil.h: helpers for the cmocka units. Files are written into one
 * temporary directory per test binary, removed at exit.
 */
#ifndef PORTWARD_TESTUTIL_H
#define PORTWARD_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static char tu_dir[64];

static void
tu_cleanup(void)
{
	char cmd[128];

	if (tu_dir[0] != '\0' &&
	    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tu_dir) < (int)sizeof(cmd))
		(void)system(cmd);
}

/* Write text to NAME in the test directory; returns the path (static). */
static __attribute__((unused)) const char *
tu_file(const char *name, const char *text)
{
	static char path[8][256];
	static int next;
	char *p = path[next++ % 8];
	FILE *f;

	if (tu_dir[0] == '\0') {
		snprintf(tu_dir, sizeof(tu_dir), "/tmp/pwunit.XXXXXX");
		if (mkdtemp(tu_dir) == NULL)
			abort();
		atexit(tu_cleanup);
	}
	snprintf(p, 256, "%s/%s", tu_dir, name);
	if ((f = fopen(p, "w")) == NULL)
		abort();
	fputs(text, f);
	fclose(f);
	return p;
}

/* Assert that msg contains needle, printing both when it does not. */
#define assert_contains(msg, needle) do {				\
	if (strstr((msg), (needle)) == NULL) {				\
		print_error("message: %s\nexpected to contain: %s\n",	\
		    (msg), (needle));					\
		fail();							\
	}								\
} while (0)

#endif
