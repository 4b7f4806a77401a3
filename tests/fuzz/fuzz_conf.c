/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the configuration file (conf.c, jsonval.c, jsonpos.c). */
#include <stdint.h>
#include <stddef.h>

#include "conf.h"
#include "fuzzfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conf c;
	struct errbuf eb;
	char path[64];
	int fd;

	if ((fd = fuzz_file(data, size, path, sizeof(path))) == -1)
		return 0;
	eb_clear(&eb);
	(void)conf_load(path, &c, &eb);
	close(fd);
	return 0;
}
