/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * libFuzzer target: the SSDP parser (ssdp.c) reads answers to the
 * mapper's M-SEARCH and NOTIFYs that any host on the LAN can send.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ssdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ssdp_msg m;
	char host[64];
	size_t i;

	if (ssdp_parse((const char *)data, size, &m) == 0) {
		(void)ssdp_location_host(m.location, host, sizeof(host));
		/* Whatever was kept is printable and terminated. */
		for (i = 0; m.location[i] != '\0'; i++)
			if (m.location[i] < 0x20 || m.location[i] >= 0x7f)
				__builtin_trap();
		for (i = 0; m.bootid[i] != '\0'; i++)
			if (m.bootid[i] < 0x20 || m.bootid[i] >= 0x7f)
				__builtin_trap();
	}
	return 0;
}
