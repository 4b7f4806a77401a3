/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: control-socket request lines (control.c). */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line;

	if (size > 4096 || (line = malloc(size + 1)) == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	(void)control_request(line);
	free(line);
	return 0;
}
