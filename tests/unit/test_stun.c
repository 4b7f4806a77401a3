/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Units for the STUN codec (stun.c). */
#include <arpa/inet.h>

#include "testutil.h"
#include "stun.h"

static const uint8_t tid[12] = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i',
    'j', 'k', 'l' };

/* RFC 5769 2.2's IPv4 response, with our transaction id. */
static const uint8_t resp4[] = {
	0x01, 0x01, 0x00, 0x0c, 0x21, 0x12, 0xa4, 0x42,
	'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l',
	0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47,
	0xe1, 0x12, 0xa6, 0x43,	/* 192.0.2.1 port 32853 */
};

static void
stun_request__binding_header_magic_tid(void **state)
{
	uint8_t b[STUN_REQ_LEN];

	(void)state;
	assert_int_equal(stun_request(b, tid), 20);
	assert_int_equal(b[0], 0x00);
	assert_int_equal(b[1], 0x01);
	assert_int_equal(b[2] | b[3], 0);
	assert_memory_equal(b + 4, "\x21\x12\xa4\x42", 4);
	assert_memory_equal(b + 8, tid, 12);
	assert_int_equal(stun_length(b, sizeof(b)), 20);
}

static void
stun_response__xor_mapped_ipv4__decoded(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	char a[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(stun_response(resp4, sizeof(resp4), tid, &ss), 0);
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), 32853);
	assert_string_equal(inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a)),
	    "192.0.2.1");
}

static void
stun_response__xor_mapped_ipv6__decoded(void **state)
{
	uint8_t m[20 + 24];
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct in6_addr want;
	char a[INET6_ADDRSTRLEN];
	size_t i;

	(void)state;
	memcpy(m, resp4, 20);
	m[3] = 24;
	m[20] = 0x00; m[21] = 0x20; m[22] = 0x00; m[23] = 20;
	m[24] = 0; m[25] = 0x02;
	m[26] = (uint8_t)((3479 ^ 0x2112) >> 8);
	m[27] = (uint8_t)((3479 ^ 0x2112) & 0xff);
	inet_pton(AF_INET6, "2001:db8:ff::1", &want);
	for (i = 0; i < 16; i++)
		m[28 + i] = want.s6_addr[i] ^ m[4 + i];
	assert_int_equal(stun_response(m, sizeof(m), tid, &ss), 0);
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(s6->sin6_port), 3479);
	assert_string_equal(inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a)),
	    "2001:db8:ff::1");
}

static void
stun_response__wrong_tid_or_truncated__rejected(void **state)
{
	uint8_t other[12] = { 0 };
	struct sockaddr_storage ss;
	size_t n;

	(void)state;
	assert_int_equal(stun_response(resp4, sizeof(resp4), other, &ss), -1);
	for (n = 0; n < sizeof(resp4); n++)
		assert_int_equal(stun_response(resp4, n, tid, &ss), -1);
}

static void
stun_response__attribute_overruns_message__rejected(void **state)
{
	uint8_t m[sizeof(resp4)];
	struct sockaddr_storage ss;

	(void)state;
	memcpy(m, resp4, sizeof(m));
	m[23] = 0x40;	/* attribute claims 64 bytes */
	assert_int_equal(stun_response(m, sizeof(m), tid, &ss), -1);
	memcpy(m, resp4, sizeof(m));
	m[0] = 0x01; m[1] = 0x11;	/* an error response */
	assert_int_equal(stun_response(m, sizeof(m), tid, &ss), -1);
}

static void
stun_answer__request_from_ipv6__decodes_to_sender(void **state)
{
	uint8_t req[STUN_REQ_LEN], out[64];
	struct sockaddr_storage from, got;
	struct sockaddr_in6 *f6 = (struct sockaddr_in6 *)&from;
	size_t n;

	(void)state;
	memset(&from, 0, sizeof(from));
	f6->sin6_family = AF_INET6;
	f6->sin6_port = htons(40000);
	inet_pton(AF_INET6, "2001:db8:77::10", &f6->sin6_addr);
	stun_request(req, tid);
	n = stun_answer(req, sizeof(req), &from, out, sizeof(out));
	assert_int_equal(n, 44);
	assert_int_equal(stun_response(out, n, tid, &got), 0);
	assert_memory_equal(&((struct sockaddr_in6 *)&got)->sin6_addr,
	    &f6->sin6_addr, 16);
	assert_int_equal(((struct sockaddr_in6 *)&got)->sin6_port, htons(40000));
	/* A response is not a request: no answer to it. */
	assert_int_equal(stun_answer(out, n, &from, out, sizeof(out)), 0);
}

/* TURN's proof: an Allocate, and the 401 with realm and nonce it gets. */
static void
stun_allocate__401_with_realm_and_nonce__a_turn_server(void **state)
{
	uint8_t t[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	uint8_t req[STUN_ALLOC_LEN], ans[64];
	char realm[64];
	size_t n;

	(void)state;
	assert_int_equal(stun_allocate(req, t), STUN_ALLOC_LEN);
	assert_int_equal(req[0] << 8 | req[1], 0x0003);
	assert_int_equal(req[2] << 8 | req[3], 8);
	assert_memory_equal(req + 8, t, 12);
	assert_int_equal(req[20] << 8 | req[21], 0x0019);	/* REQUESTED-TRANSPORT */
	assert_int_equal(req[24], 17);
	/* The answer: error 401, REALM "livekit", NONCE "abcd". */
	memcpy(ans, req, 20);
	ans[0] = 0x01;
	ans[1] = 0x13;
	n = 20;
	memcpy(ans + n, "\x00\x09\x00\x04\x00\x00\x04\x01", 8);
	n += 8;
	memcpy(ans + n, "\x00\x14\x00\x07livekit\x00", 12);
	n += 12;
	memcpy(ans + n, "\x00\x15\x00\x04" "abcd", 8);
	n += 8;
	ans[2] = 0;
	ans[3] = (uint8_t)(n - 20);
	assert_int_equal(stun_allocate_401(ans, n, t, realm, sizeof(realm)), 0);
	assert_string_equal(realm, "livekit");
	/* Without the nonce, or another code, or another transaction: no. */
	ans[3] = (uint8_t)(n - 8 - 20);
	assert_int_equal(stun_allocate_401(ans, n - 8, t, realm,
	    sizeof(realm)), -1);
	ans[3] = (uint8_t)(n - 20);
	ans[27] = 0x00;					/* 400 */
	assert_int_equal(stun_allocate_401(ans, n, t, realm, sizeof(realm)),
	    -1);
	ans[27] = 0x01;
	t[0] ^= 0xff;
	assert_int_equal(stun_allocate_401(ans, n, t, realm, sizeof(realm)),
	    -1);
	/* A Binding success is not a TURN server's proof. */
	t[0] ^= 0xff;
	ans[0] = 0x01;
	ans[1] = 0x01;
	assert_int_equal(stun_allocate_401(ans, n, t, realm, sizeof(realm)),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stun_request__binding_header_magic_tid),
		cmocka_unit_test(stun_response__xor_mapped_ipv4__decoded),
		cmocka_unit_test(stun_response__xor_mapped_ipv6__decoded),
		cmocka_unit_test(stun_response__wrong_tid_or_truncated__rejected),
		cmocka_unit_test(stun_response__attribute_overruns_message__rejected),
		cmocka_unit_test(stun_answer__request_from_ipv6__decodes_to_sender),
		cmocka_unit_test(stun_allocate__401_with_realm_and_nonce__a_turn_server),
	};

	return cmocka_run_group_tests_name("stun", tests, NULL, NULL);
}
