/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fileio.h: reading the small files portward is given (configurations). */
#ifndef PORTWARD_FILEIO_H
#define PORTWARD_FILEIO_H

#include <stddef.h>

#include "errbuf.h"

/* Largest configuration or profile portward reads. */
#define FIO_MAX_FILE	(1024 * 1024)

/*
 * Read all of path (at most FIO_MAX_FILE bytes) into a NUL-terminated
 * buffer to free(); errors name the file and say why.
 */
int	fio_read(const char *path, char **out, size_t *outlen,
	    struct errbuf *eb);

/* Create the directories above path (mode 0750); 0 or -1. */
int	fio_mkdirs(const char *path);

#endif
