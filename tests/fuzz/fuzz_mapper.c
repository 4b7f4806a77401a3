/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: reports the daemon gets from the mapper (mapper.c). */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "mapper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct map_report r;

	memset(&r, 0, sizeof(r));
	memcpy(&r, data, size < sizeof(r) ? size : sizeof(r));
	(void)mapper_check_report(&r);
	return 0;
}
