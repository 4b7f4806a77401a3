/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the JSON position scanner (jsonpos.c), on any text. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "jsonpos.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char path[128];
	size_t plen;
	int line, col;

	/* "path\ntext" */
	if (nl == NULL || (plen = (size_t)(nl - data)) >= sizeof(path))
		return 0;
	memcpy(path, data, plen);
	path[plen] = '\0';
	(void)jpos_find((const char *)nl + 1, size - plen - 1, path, &line,
	    &col);
	return 0;
}
