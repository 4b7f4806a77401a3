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

/* A field kept from the datagram: terminated inside it, printable. */
static void
printable(const char *s, size_t size)
{
	const char *end = memchr(s, '\0', size);

	if (end == NULL)
		__builtin_trap();
	for (; s < end; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ssdp_msg m;
	char host[64];

	if (ssdp_parse((const char *)data, size, &m) == 0) {
		if (ssdp_location_host(m.location, host, sizeof(host)) == 0)
			printable(host, sizeof(host));
		printable(m.location, sizeof(m.location));
		printable(m.bootid, sizeof(m.bootid));
		printable(m.uuid, sizeof(m.uuid));
	}
	return 0;
}
