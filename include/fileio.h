/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fileio.h: reading the small files portward is given (configurations). */
#ifndef PORTWARD_FILEIO_H
#define PORTWARD_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

#include "errbuf.h"

/* Largest configuration or profile portward reads. */
#define FIO_MAX_FILE	(1024 * 1024)

/*
 * Read all of path (at most FIO_MAX_FILE bytes) into a NUL-terminated
 * buffer to free(); errors name the file and say why. Only a regular
 * file is read (opened without blocking, its type checked on the open
 * descriptor): a FIFO, device or directory is an error.
 */
int	fio_read(const char *path, char **out, size_t *outlen,
	    struct errbuf *eb);

/* "a FIFO", "a directory"...: the file type of mode, for messages. */
const char *fio_type_name(mode_t mode);

/* Create the directories above path (mode 0750); 0 or -1. */
int	fio_mkdirs(const char *path);

/*
 * May portward bind a socket at path (and so unlink what is there)?
 * Nothing there, or a socket: 0; anything else -1, why says what is there.
 * Whether a socket is still served is the caller's to ask (connect()).
 */
int	fio_socket_slot(const char *path, char *why, size_t whylen);

/*
 * May portward replace path with a file it writes? Nothing there, an
 * empty regular file, or a regular file that starts with marker (what
 * portward writes first): 0; anything else, a symbolic link too, -1.
 */
int	fio_own_file(const char *path, const char *marker, char *why,
	    size_t whylen);

/* Is path (not followed) still the inode dev/ino? 1 or 0. */
int	fio_same_file(const char *path, dev_t dev, ino_t ino);

#endif
