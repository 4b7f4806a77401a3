/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: requests the reflector gets from anyone (reflector.c). */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "reflector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct refl_probe pr[REFL_MAX_PROBES];
	const char *err;
	char *line;
	size_t n;

	if (size > REFL_MAX_LINE || (line = malloc(size + 1)) == NULL)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	(void)refl_parse_request(line, pr, &n, &err);
	{
		struct sockaddr_storage peer, to;

		memset(&peer, 0, sizeof(peer));
		peer.ss_family = AF_INET6;
		(void)refl_target(line, &peer, &to, &err);
	}
	free(line);
	return 0;
}
