/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fileio.c: bounded whole-file reads with errors that name the file.
 * Only regular files are read: a FIFO, a device or a directory put where
 * a configuration belongs would block the daemon's one loop or feed it
 * without end.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"

const char *
fio_type_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "a regular file";
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a FIFO";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	case S_IFLNK: return "a symbolic link";
	}
	return "of an unknown type";
}

/* Read what fd holds, at most FIO_MAX_FILE bytes, however st_size lied. */
static int
read_bounded(int fd, const char *path, char **out, size_t *outlen,
    struct errbuf *eb)
{
	char *buf;
	size_t n = 0;
	ssize_t r;

	if ((buf = malloc(FIO_MAX_FILE + 1)) == NULL)
		return eb_set(eb, path, 0, 0, NULL, "out of memory");
	while (n <= FIO_MAX_FILE) {
		r = read(fd, buf + n, FIO_MAX_FILE + 1 - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			free(buf);
			return eb_set(eb, path, 0, 0, NULL, "cannot read: %s",
			    strerror(errno));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
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

static int
not_regular(const char *path, mode_t mode, struct errbuf *eb)
{
	return eb_set(eb, path, 0, 0, NULL, "not a regular file (%s): "
	    "portward reads only regular files", fio_type_name(mode));
}

int
fio_read(const char *path, char **out, size_t *outlen, struct errbuf *eb)
{
	struct stat st;
	int fd, rc;

	/*
	 * Not even opened when stat() already says what it is: opening some
	 * devices acts (a watchdog arms, a tape rewinds). The type is checked
	 * again on what was opened, for a path swapped in between; there
	 * O_NONBLOCK keeps a FIFO from waiting for a writer.
	 */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return not_regular(path, st.st_mode, eb);
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY)) == -1)
		return eb_set(eb, path, 0, 0, NULL, "cannot open: %s",
		    strerror(errno));
	if (fstat(fd, &st) == -1) {
		rc = errno;
		close(fd);
		return eb_set(eb, path, 0, 0, NULL, "cannot stat: %s",
		    strerror(rc));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return not_regular(path, st.st_mode, eb);
	}
	if (st.st_size > FIO_MAX_FILE) {
		close(fd);
		return eb_set(eb, path, 0, 0, NULL, "larger than %d bytes: not "
		    "a configuration", FIO_MAX_FILE);
	}
	rc = read_bounded(fd, path, out, outlen, eb);
	close(fd);
	return rc;
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

int
fio_socket_slot(const char *path, char *why, size_t whylen)
{
	struct stat st;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		(void)snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISSOCK(st.st_mode))
		return 0;
	(void)snprintf(why, whylen, "%s is %s, not a socket: portward replaces "
	    "only a socket (one a stopped portwardd left), and deletes it at "
	    "exit", path, fio_type_name(st.st_mode));
	return -1;
}

/* The first bytes of fd are marker? A short file is not. */
static int
starts_with(int fd, const char *marker)
{
	char buf[64];
	size_t n = 0, want = strlen(marker);
	ssize_t r;

	if (want > sizeof(buf))
		return 0;
	while (n < want) {
		r = read(fd, buf + n, want - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		n += (size_t)r;
	}
	return memcmp(buf, marker, want) == 0;
}

int
fio_own_file(const char *path, const char *marker, char *why, size_t whylen)
{
	struct stat st;
	int fd, ours;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		(void)snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		(void)snprintf(why, whylen, "%s is %s, not a file portward "
		    "wrote: it would be replaced, and deleted at exit", path,
		    fio_type_name(st.st_mode));
		return -1;
	}
	if (st.st_size == 0)
		return 0;
	/* O_NOFOLLOW: a link swapped in since the lstat() is not read. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC |
	    O_NOCTTY)) == -1) {
		(void)snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return -1;
	}
	ours = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    starts_with(fd, marker);
	close(fd);
	if (ours)
		return 0;
	(void)snprintf(why, whylen, "%s holds something portward did not "
	    "write (it does not start with \"%s\"): it would be replaced, and "
	    "deleted at exit", path, marker);
	return -1;
}

int
fio_same_file(const char *path, dev_t dev, ino_t ino)
{
	struct stat st;

	return lstat(path, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}
