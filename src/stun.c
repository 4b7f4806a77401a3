/* SPDX-License-Identifier: GPL-2.0-or-later */
/* stun.c: STUN Binding request and response (RFC 5389), bounds-checked. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "bytes.h"
#include "stun.h"

#define MAGIC		0x2112A442u
#define BINDING_REQ	0x0001
#define BINDING_OK	0x0101
#define ATTR_MAPPED	0x0001
#define ATTR_XOR_MAPPED	0x0020

size_t
stun_request(uint8_t buf[STUN_REQ_LEN], const uint8_t tid[12])
{
	buf[0] = BINDING_REQ >> 8;
	buf[1] = BINDING_REQ & 0xff;
	buf[2] = buf[3] = 0;		/* no attributes */
	buf[4] = (uint8_t)(MAGIC >> 24);
	buf[5] = (uint8_t)(MAGIC >> 16);
	buf[6] = (uint8_t)(MAGIC >> 8);
	buf[7] = (uint8_t)MAGIC;
	memcpy(buf + 8, tid, 12);
	return STUN_REQ_LEN;
}

int
stun_length(const uint8_t *buf, size_t len)
{
	if (len < STUN_HEADER)
		return 0;
	if ((buf[0] & 0xc0) != 0 || get32(buf + 4) != MAGIC ||
	    (get16(buf + 2) & 3) != 0)
		return -1;
	return STUN_HEADER + get16(buf + 2);
}

/* One (XOR-)MAPPED-ADDRESS value of vlen bytes at v. */
static int
address(const uint8_t *v, size_t vlen, int xor, const uint8_t *hdr,
    struct sockaddr_storage *out)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)out;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)out;
	uint16_t port;
	size_t i;

	if (vlen < 4)
		return -1;
	port = get16(v + 2);
	if (xor)
		port ^= (uint16_t)(MAGIC >> 16);
	memset(out, 0, sizeof(*out));
	switch (v[1]) {
	case 0x01:
		if (vlen != 8)
			return -1;
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, v + 4, 4);
		if (xor)
			sin->sin_addr.s_addr ^= htonl(MAGIC);
		return 0;
	case 0x02:
		if (vlen != 20)
			return -1;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, v + 4, 16);
		/* XORed with the cookie and the transaction id. */
		for (i = 0; xor && i < 16; i++)
			sin6->sin6_addr.s6_addr[i] ^= hdr[4 + i];
		return 0;
	}
	return -1;
}

/* A whole message of this type and transaction: its length in *mlen. */
static int
message(const uint8_t *buf, size_t len, uint16_t type, const uint8_t tid[12],
    size_t *mlen)
{
	int n;

	if ((n = stun_length(buf, len)) <= 0 || (size_t)n > len ||
	    get16(buf) != type || memcmp(buf + 8, tid, 12) != 0)
		return -1;
	*mlen = (size_t)n;
	return 0;
}

/*
 * The next attribute after *off (0: the first): 1 with its type, length
 * and offset, 0 at the end, -1 when one overruns the message.
 */
static int
next_attr(const uint8_t *buf, size_t mlen, size_t *off, uint16_t *type,
    size_t *alen)
{
	*off = *off == 0 ? STUN_HEADER : *off + 4 + ((*alen + 3) & ~(size_t)3);
	if (*off + 4 > mlen)
		return 0;
	*type = get16(buf + *off);
	*alen = get16(buf + *off + 2);
	return *off + 4 + *alen > mlen ? -1 : 1;
}

int
stun_response(const uint8_t *buf, size_t len, const uint8_t tid[12],
    struct sockaddr_storage *out)
{
	size_t off = 0, mlen, alen;
	uint16_t type;
	int found = -1, r;

	if (message(buf, len, BINDING_OK, tid, &mlen) == -1)
		return -1;
	while ((r = next_attr(buf, mlen, &off, &type, &alen)) == 1) {
		if (type == ATTR_XOR_MAPPED)
			return address(buf + off + 4, alen, 1, buf, out);
		if (type == ATTR_MAPPED && found == -1)
			found = address(buf + off + 4, alen, 0, buf, out);
	}
	return r == -1 ? -1 : found;
}

size_t
stun_answer(const uint8_t *req, size_t len,
    const struct sockaddr_storage *from, uint8_t *out, size_t outlen)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)from;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)from;
	size_t alen = from->ss_family == AF_INET ? 8 : 20, i;
	uint16_t port;

	if (stun_length(req, len) != STUN_HEADER || get16(req) != BINDING_REQ ||
	    outlen < STUN_HEADER + 4 + alen)
		return 0;
	memcpy(out, req, STUN_HEADER);
	out[0] = BINDING_OK >> 8;
	out[1] = BINDING_OK & 0xff;
	out[2] = 0;
	out[3] = (uint8_t)(4 + alen);
	out[20] = ATTR_XOR_MAPPED >> 8;
	out[21] = ATTR_XOR_MAPPED & 0xff;
	out[22] = 0;
	out[23] = (uint8_t)alen;
	out[24] = 0;
	out[25] = from->ss_family == AF_INET ? 0x01 : 0x02;
	port = ntohs(from->ss_family == AF_INET ? sin->sin_port :
	    sin6->sin6_port) ^ (uint16_t)(MAGIC >> 16);
	out[26] = (uint8_t)(port >> 8);
	out[27] = (uint8_t)port;
	if (from->ss_family == AF_INET) {
		uint32_t a = ntohl(sin->sin_addr.s_addr) ^ MAGIC;

		out[28] = (uint8_t)(a >> 24);
		out[29] = (uint8_t)(a >> 16);
		out[30] = (uint8_t)(a >> 8);
		out[31] = (uint8_t)a;
	} else
		for (i = 0; i < 16; i++)
			out[28 + i] = sin6->sin6_addr.s6_addr[i] ^ out[4 + i];
	return STUN_HEADER + 4 + alen;
}

/* ---- TURN (RFC 8656): an Allocate without credentials ---- */

#define ALLOCATE_REQ		0x0003
#define ALLOCATE_ERR		0x0113
#define ATTR_REQ_TRANSPORT	0x0019
#define ATTR_ERROR_CODE		0x0009
#define ATTR_REALM		0x0014
#define ATTR_NONCE		0x0015

size_t
stun_allocate(uint8_t buf[STUN_ALLOC_LEN], const uint8_t tid[12])
{
	(void)stun_request(buf, tid);
	buf[0] = 0;
	buf[1] = ALLOCATE_REQ;
	buf[3] = 8;			/* one attribute: 4 + 4 bytes */
	buf[20] = 0;
	buf[21] = ATTR_REQ_TRANSPORT;
	buf[22] = 0;
	buf[23] = 4;
	buf[24] = 17;			/* UDP, the only relay TURN has */
	buf[25] = buf[26] = buf[27] = 0;
	return STUN_ALLOC_LEN;
}

int
stun_allocate_401(const uint8_t *buf, size_t len, const uint8_t tid[12],
    char *realm, size_t rlen)
{
	size_t off = 0, mlen, alen;
	uint16_t type;
	int code = 0, nonce = 0, have_realm = 0, r;

	if (message(buf, len, ALLOCATE_ERR, tid, &mlen) == -1)
		return -1;
	while ((r = next_attr(buf, mlen, &off, &type, &alen)) == 1) {
		if (type == ATTR_ERROR_CODE && alen >= 4)
			code = (buf[off + 6] & 0x7) * 100 + buf[off + 7];
		else if (type == ATTR_NONCE && alen > 0)
			nonce = 1;
		else if (type == ATTR_REALM && alen > 0) {
			size_t k, w = 0;

			/* Printable only: it is shown to the operator. */
			for (k = 0; k < alen && w + 1 < rlen; k++)
				if (buf[off + 4 + k] >= 0x20 &&
				    buf[off + 4 + k] < 0x7f)
					realm[w++] = (char)buf[off + 4 + k];
			if (rlen > 0)
				realm[w] = '\0';
			have_realm = 1;
		}
	}
	return r == 0 && code == 401 && nonce && have_realm ? 0 : -1;
}
