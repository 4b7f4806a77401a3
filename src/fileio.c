/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fileio.c: bounded whole-file reads with errors that name the file. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"

int
fio_read(const char *path, char **out, size_t *outlen, struct errbuf *eb)
{
	FILE *f;
	char *buf;
	size_t n;
	int e;

	if ((f = fopen(path, "r")) == NULL)
		return eb_set(eb, path, 0, 0, NULL, "cannot open: %s",
		    strerror(errno));
	if ((buf = malloc(FIO_MAX_FILE + 1)) == NULL) {
		fclose(f);
		return eb_set(eb, path, 0, 0, NULL, "out of memory");
	}
	n = fread(buf, 1, FIO_MAX_FILE + 1, f);
	if (ferror(f)) {
		e = errno;
		fclose(f);
		free(buf);
		return eb_set(eb, path, 0, 0, NULL, "cannot read: %s",
		    strerror(e));
	}
	fclose(f);
	if (n > FIO_MAX_FILE) {
		free(buf);
		return eb_set(eb, path, 0, 0, NULL, "larger than %d bytes: not "
		    "a configuration", FIO_MAX_FILE);
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return 0;
}

int
fio_mkdirs(const char *path)
{
	char dir[PATH_MAX], *d;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -1;
	d = dirname(dir);
	if (strcmp(d, "/") == 0 || strcmp(d, ".") == 0)
		return 0;
	if (mkdir(d, 0750) == 0 || errno == EEXIST)
		return 0;
	if (errno == ENOENT && fio_mkdirs(d) == 0 && mkdir(d, 0750) == 0)
		return 0;
	return -1;
}
