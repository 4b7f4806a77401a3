/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: portward JSON profiles (profile.c). */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>

#include "fuzzfile.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct profile p;
	struct errbuf eb;
	char path[64], *json;
	int fd;

	if ((fd = fuzz_file(data, size, path, sizeof(path))) == -1)
		return 0;
	eb_clear(&eb);
	if (prof_load_json(path, &p, &eb) == 0 &&
	    (json = prof_to_json(&p)) != NULL)
		free(json);
	close(fd);
	return 0;
}
