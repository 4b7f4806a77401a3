/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * stun.h: the part of STUN (RFC 5389) portward needs: a Binding request,
 * and the decoding of a Binding success response with its
 * XOR-MAPPED-ADDRESS (or MAPPED-ADDRESS). The decoder reads untrusted
 * bytes: every length is checked (see tests/fuzz/fuzz_stun.c).
 */
#ifndef PORTWARD_STUN_H
#define PORTWARD_STUN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define STUN_HEADER	20
#define STUN_REQ_LEN	20	/* a Binding request without attributes */

/* Write a Binding request with transaction id tid (12 bytes) into buf. */
size_t	stun_request(uint8_t buf[STUN_REQ_LEN], const uint8_t tid[12]);
/*
 * Decode a Binding success response to transaction tid; the mapped
 * address goes into *out. Returns 0, or -1 for anything else (another
 * message, a wrong transaction, a truncated or malformed one).
 */
int	stun_response(const uint8_t *buf, size_t len, const uint8_t tid[12],
	    struct sockaddr_storage *out);
/*
 * Answer a Binding request from `from` with a success response carrying
 * XOR-MAPPED-ADDRESS (what a STUN or TURN server does). Returns the
 * length written to out, or 0 when req is not a Binding request.
 */
size_t	stun_answer(const uint8_t *req, size_t len,
	    const struct sockaddr_storage *from, uint8_t *out, size_t outlen);
/* Length of the complete message at the start of buf (for STUN over
 * TCP framing), or 0 when more bytes are needed, -1 when not STUN. */
int	stun_length(const uint8_t *buf, size_t len);

/*
 * TURN (RFC 8656): an Allocate request without credentials (REQUESTED-
 * TRANSPORT UDP), and the answer that proves a TURN server: a 401 error
 * response with REALM and NONCE (the realm, printable characters only,
 * into realm). stun_allocate_401 returns 0 for that answer, else -1.
 */
#define STUN_ALLOC_LEN	28
size_t	stun_allocate(uint8_t buf[STUN_ALLOC_LEN], const uint8_t tid[12]);
int	stun_allocate_401(const uint8_t *buf, size_t len, const uint8_t tid[12],
	    char *realm, size_t rlen);

#endif
