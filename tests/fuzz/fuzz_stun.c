/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the STUN decoder reads what any host on the path sends. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "stun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage ss;
	uint8_t tid[12];
	char realm[64];

	if (size < 20)
		return 0;
	/* Decode against the transaction id the message carries, to go deep. */
	memcpy(tid, data + 8, 12);
	(void)stun_response(data, size, tid, &ss);
	(void)stun_allocate_401(data, size, tid, realm, sizeof(realm));
	(void)stun_length(data, size);
	return 0;
}
