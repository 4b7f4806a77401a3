/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * pcp.c: the Port Control Protocol (RFC 6887) codec, pure (pcp.h).
 */
#include <string.h>

#include "bytes.h"
#include "pcp.h"

void
pcp_addr4(struct in6_addr *out, struct in_addr in)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[10] = out->s6_addr[11] = 0xff;
	memcpy(&out->s6_addr[12], &in, 4);
}

size_t
pcp_encode(const struct pcp_req *r, uint8_t *buf, size_t len)
{
	size_t n = r->op == PCP_OP_MAP ? PCP_MAP_LEN : PCP_HDR_LEN;
	uint8_t *m = buf + PCP_HDR_LEN;

	if (r->op == PCP_OP_MAP && r->prefer_failure)
		n += 4;
	if (len < n || (r->op != PCP_OP_MAP && r->op != PCP_OP_ANNOUNCE))
		return 0;
	memset(buf, 0, n);
	buf[0] = PCP_VERSION;
	buf[1] = r->op;			/* R bit clear: a request */
	put32(buf + 4, r->op == PCP_OP_MAP ? r->lifetime : 0);
	memcpy(buf + 8, &r->client, 16);
	if (r->op != PCP_OP_MAP)
		return n;
	memcpy(m, r->nonce, PCP_NONCE_LEN);
	m[12] = r->proto;
	put16(m + 16, r->port);
	put16(m + 18, r->port);		/* suggested: the same port */
	if (!r->ipv6)
		m[30] = m[31] = 0xff;	/* ::ffff:0.0.0.0, any IPv4 */
	if (r->prefer_failure)
		m[36] = PCP_OPT_PREFER_FAILURE;	/* length 0 */
	return n;
}

/* Options: code, reserved, length, data padded to 4. Only well-formed ones. */
static int
options_ok(const uint8_t *p, size_t len)
{
	size_t l;

	while (len > 0) {
		if (len < 4)
			return -1;
		l = get16(p + 2);
		l = (l + 3) & ~(size_t)3;
		if (l > len - 4)
			return -1;
		p += 4 + l;
		len -= 4 + l;
	}
	return 0;
}

int
pcp_decode(const uint8_t *buf, size_t len, struct pcp_resp *r)
{
	const uint8_t *m = buf + PCP_HDR_LEN;

	memset(r, 0, sizeof(*r));
	if (len < 4 || len > PCP_MAX_LEN || !(buf[1] & 0x80))
		return -1;
	r->version = buf[0];
	r->op = buf[1] & 0x7f;
	r->result = buf[3];
	if (r->version != PCP_VERSION)
		return 0;	/* RFC 6887 9: a NAT-PMP server's "not mine" */
	if (len < PCP_HDR_LEN || len % 4 != 0)
		return -1;
	r->lifetime = get32(buf + 4);
	r->epoch = get32(buf + 8);
	if (r->op != PCP_OP_MAP)
		return options_ok(m, len - PCP_HDR_LEN);
	/* An error may come without the MAP payload; a success may not. */
	if (len < PCP_MAP_LEN)
		return r->result == PCP_SUCCESS ? -1 : 0;
	r->has_map = 1;
	memcpy(r->nonce, m, PCP_NONCE_LEN);
	r->proto = m[12];
	r->int_port = get16(m + 16);
	r->ext_port = get16(m + 18);
	memcpy(&r->ext_addr, m + 20, 16);
	return options_ok(buf + PCP_MAP_LEN, len - PCP_MAP_LEN);
}

int
pcp_epoch_lost(uint32_t prev, int64_t prev_at, uint32_t cur, int64_t cur_at)
{
	int64_t client_delta = cur_at - prev_at;
	int64_t server_delta = (int64_t)cur - (int64_t)prev;

	if ((int64_t)cur + 1 < (int64_t)prev)
		return 1;
	if (client_delta + 2 < server_delta - server_delta / 16 ||
	    server_delta + 2 < client_delta - client_delta / 16)
		return 1;
	return 0;
}

const char *
pcp_result_name(uint8_t result)
{
	static const char *names[] = {
		"SUCCESS", "UNSUPP_VERSION", "NOT_AUTHORIZED",
		"MALFORMED_REQUEST", "UNSUPP_OPCODE", "UNSUPP_OPTION",
		"MALFORMED_OPTION", "NETWORK_FAILURE", "NO_RESOURCES",
		"UNSUPP_PROTOCOL", "USER_EX_QUOTA", "CANNOT_PROVIDE_EXTERNAL",
		"ADDRESS_MISMATCH", "EXCESSIVE_REMOTE_PEERS"
	};

	return result < sizeof(names) / sizeof(names[0]) ? names[result] :
	    "unknown result";
}

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do { \
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
} while (0)

static uint64_t
le64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t
pcp_siphash(const uint8_t *key, const uint8_t *msg, size_t len)
{
	uint64_t k0 = le64(key), k1 = le64(key + 8), m, b;
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
	size_t i, left = len % 8;

	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(msg + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	b = (uint64_t)len << 56;
	while (left > 0) {
		left--;
		b |= (uint64_t)msg[i + left] << (8 * left);
	}
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

void
pcp_nonce(const uint8_t *key, const struct in6_addr *client, uint8_t proto,
    uint16_t port, uint8_t *nonce)
{
	uint8_t m[16 + 4];
	uint64_t h;
	int i;

	memcpy(m, client, 16);
	m[16] = proto;
	put16(m + 17, port);
	m[19] = 0;
	h = pcp_siphash(key, m, sizeof(m));
	for (i = 0; i < 8; i++)
		nonce[i] = (uint8_t)(h >> (8 * i));
	m[19] = 1;
	h = pcp_siphash(key, m, sizeof(m));
	for (i = 0; i < 4; i++)
		nonce[8 + i] = (uint8_t)(h >> (8 * i));
}
