/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzzfile.h: hand a fuzz input to a parser that reads a file, by path. */
#ifndef PORTWARD_FUZZFILE_H
#define PORTWARD_FUZZFILE_H

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* A memfd holding data; its /proc path in path. The caller closes fd. */
static int
fuzz_file(const uint8_t *data, size_t size, char *path, size_t len)
{
	int fd = memfd_create("fuzz", 0);

	if (fd == -1 || write(fd, data, size) != (ssize_t)size)
		return -1;
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
