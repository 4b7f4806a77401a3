/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * libFuzzer target: the PCP decoder (pcp.c) reads what the router, or any
 * host on the LAN that sends to the mapper's socket or to the
 * announcement port, sends.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcp_resp r;
	struct pcp_req q;
	uint8_t buf[PCP_MAX_LEN];

	if (pcp_decode(data, size, &r) == 0) {
		(void)pcp_result_name(r.result);
		/* What was read goes back out as a request, well formed. */
		memset(&q, 0, sizeof(q));
		q.op = r.op & 1;
		q.lifetime = r.lifetime;
		q.client = r.ext_addr;
		memcpy(q.nonce, r.nonce, sizeof(q.nonce));
		q.proto = r.proto;
		q.port = r.int_port;
		q.prefer_failure = r.result & 1;
		if (pcp_encode(&q, buf, sizeof(buf)) == 0)
			__builtin_trap();
		(void)pcp_epoch_lost(r.epoch, r.lifetime, r.epoch ^ r.lifetime,
		    r.ext_port);
	}
	return 0;
}
