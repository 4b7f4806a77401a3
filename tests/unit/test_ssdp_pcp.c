/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Units for the mapper's codecs: SSDP (ssdp.c) and PCP (pcp.c). */
#include <arpa/inet.h>
#include <string.h>

#include "testutil.h"
#include "pcp.h"
#include "ssdp.h"

/* What miniupnpd 2.3.1 sends (the lab's router), byte for byte in shape. */
static const char notify_alive[] =
    "NOTIFY * HTTP/1.1\r\n"
    "HOST: 239.255.255.250:1900\r\n"
    "CACHE-CONTROL: max-age=120\r\n"
    "LOCATION: http://192.168.77.1:5000/rootDesc.xml\r\n"
    "SERVER: Debian/12 UPnP/1.1 MiniUPnPd/2.3.1\r\n"
    "NT: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
    "USN: uuid:3d3cec3a::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
    "NTS: ssdp:alive\r\n"
    "OPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n"
    "01-NLS: 1795671050\r\n"
    "BOOTID.UPNP.ORG: 1795671050\r\n"
    "CONFIGID.UPNP.ORG: 1337\r\n\r\n";

static const char answer[] =
    "HTTP/1.1 200 OK\r\n"
    "CACHE-CONTROL: max-age=120\r\n"
    "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:2\r\n"
    "USN: uuid:3d3cec3a::urn:schemas-upnp-org:device:InternetGatewayDevice:2\r\n"
    "EXT:\r\n"
    "LOCATION: http://[2001:db8:78::1]:5000/rootDesc.xml\r\n"
    "BOOTID.UPNP.ORG: 7\r\n\r\n";

static void
ssdp_parse__notify_alive__location_bootid(void **state)
{
	struct ssdp_msg m;

	(void)state;
	assert_int_equal(ssdp_parse(notify_alive, strlen(notify_alive), &m), 0);
	assert_true(m.notify);
	assert_true(m.alive);
	assert_true(m.igd);
	assert_string_equal(m.location, "http://192.168.77.1:5000/rootDesc.xml");
	assert_string_equal(m.bootid, "1795671050");
}

static void
ssdp_parse__byebye_rootdevice__not_igd(void **state)
{
	static const char bye[] = "NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\n"
	    "NTS: ssdp:byebye\r\nBOOTID.UPNP.ORG: 9\r\n\r\n";
	struct ssdp_msg m;

	(void)state;
	assert_int_equal(ssdp_parse(bye, strlen(bye), &m), 0);
	assert_true(m.notify);
	assert_false(m.alive);
	assert_false(m.igd);
	assert_string_equal(m.location, "");
	assert_string_equal(m.bootid, "9");
}

static void
ssdp_parse__answer_igd2_ipv6_location(void **state)
{
	struct ssdp_msg m;

	(void)state;
	assert_int_equal(ssdp_parse(answer, strlen(answer), &m), 0);
	assert_false(m.notify);
	assert_true(m.igd);
	assert_string_equal(m.location, "http://[2001:db8:78::1]:5000/rootDesc.xml");
	assert_string_equal(m.uuid, "3d3cec3a");
}

static void
ssdp_location_host__v4_v6_bad(void **state)
{
	char h[48];

	(void)state;
	assert_int_equal(ssdp_location_host("http://192.168.77.1:5000/x", h,
	    sizeof(h)), 0);
	assert_string_equal(h, "192.168.77.1");
	assert_int_equal(ssdp_location_host("http://[2001:db8:78::1]:5000/x",
	    h, sizeof(h)), 0);
	assert_string_equal(h, "2001:db8:78::1");
	assert_int_equal(ssdp_location_host("http://gw/rootDesc.xml", h,
	    sizeof(h)), 0);
	assert_string_equal(h, "gw");
	assert_int_equal(ssdp_location_host("http://[2001:db8::1/x", h,
	    sizeof(h)), -1);
	assert_int_equal(ssdp_location_host("http:///x", h, sizeof(h)), -1);
	assert_int_equal(ssdp_location_host("ftp://a/x", h, sizeof(h)), -1);
	assert_int_equal(ssdp_location_host("http://192.168.77.1:5000/x", h, 5),
	    -1);
}

/* Control characters, an overlong or non-HTTP location: absent, not cut. */
static void
ssdp_parse__hostile_values__absent(void **state)
{
	char buf[1024], loc[400];
	struct ssdp_msg m;

	(void)state;
	snprintf(buf, sizeof(buf), "HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-"
	    "org:device:InternetGatewayDevice:1\r\nLOCATION: http://a\033[2J/x"
	    "\r\nBOOTID.UPNP.ORG: 1\n2\r\n\r\n");
	assert_int_equal(ssdp_parse(buf, strlen(buf), &m), 0);
	assert_string_equal(m.location, "");
	assert_string_equal(m.bootid, "1");
	memset(loc, 'a', sizeof(loc) - 1);
	loc[sizeof(loc) - 1] = '\0';
	snprintf(buf, sizeof(buf), "HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-"
	    "org:device:InternetGatewayDevice:1\r\nLOCATION: http://%s\r\n\r\n",
	    loc);
	assert_int_equal(ssdp_parse(buf, strlen(buf), &m), 0);
	assert_string_equal(m.location, "");
	snprintf(buf, sizeof(buf), "HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-"
	    "org:device:InternetGatewayDevice:1\r\nLOCATION: file:///etc/x\r\n\r\n");
	assert_int_equal(ssdp_parse(buf, strlen(buf), &m), 0);
	assert_string_equal(m.location, "");
	/* Not SSDP: an M-SEARCH, a 404, nothing. */
	assert_int_equal(ssdp_parse("M-SEARCH * HTTP/1.1\r\nST: x\r\n\r\n", 31,
	    &m), -1);
	assert_int_equal(ssdp_parse("HTTP/1.1 404 Not Found\r\n\r\n", 26, &m), -1);
	assert_int_equal(ssdp_parse("", 0, &m), -1);
	/* No terminating NUL is needed: the length bounds the read. */
	assert_int_equal(ssdp_parse(answer, 17, &m), -1);
}

static void
ssdp_msearch__igd_versions_families(void **state)
{
	char b[256];

	(void)state;
	assert_true(ssdp_msearch(b, sizeof(b), 1, 0) > 0);
	assert_non_null(strstr(b, "HOST: 239.255.255.250:1900\r\n"));
	assert_non_null(strstr(b, "InternetGatewayDevice:1\r\n"));
	assert_non_null(strstr(b, "MAN: \"ssdp:discover\"\r\n"));
	assert_true(ssdp_msearch(b, sizeof(b), 2, 1) > 0);
	assert_non_null(strstr(b, "HOST: [FF02::C]:1900\r\n"));
	assert_non_null(strstr(b, "InternetGatewayDevice:2\r\n"));
	assert_int_equal(ssdp_msearch(b, 20, 1, 0), 0);
}

static void
pcp_encode__map_ipv4__rfc6887_layout(void **state)
{
	struct pcp_req r;
	struct in_addr a;
	uint8_t b[PCP_MAX_LEN];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.op = PCP_OP_MAP;
	r.lifetime = 3600;
	inet_pton(AF_INET, "192.168.77.10", &a);
	pcp_addr4(&r.client, a);
	memset(r.nonce, 0x42, sizeof(r.nonce));
	r.proto = IPPROTO_UDP;
	r.port = 7882;
	r.prefer_failure = 1;
	assert_int_equal(pcp_encode(&r, b, sizeof(b)), PCP_MAP_LEN + 4);
	assert_int_equal(b[0], 2);
	assert_int_equal(b[1], 1);		/* request bit clear */
	assert_memory_equal(b + 4, "\x00\x00\x0e\x10", 4);
	assert_memory_equal(b + 8, "\0\0\0\0\0\0\0\0\0\0\xff\xff\xc0\xa8\x4d\x0a",
	    16);
	assert_int_equal(b[24], 0x42);
	assert_int_equal(b[36], IPPROTO_UDP);
	assert_memory_equal(b + 40, "\x1e\xca\x1e\xca", 4);	/* 7882 twice */
	assert_memory_equal(b + 44, "\0\0\0\0\0\0\0\0\0\0\xff\xff\0\0\0\0", 16);
	assert_memory_equal(b + 60, "\x02\x00\x00\x00", 4);	/* PREFER_FAILURE */
	assert_int_equal(pcp_encode(&r, b, PCP_MAP_LEN), 0);
	r.op = 7;
	assert_int_equal(pcp_encode(&r, b, sizeof(b)), 0);
}

/* The lab's miniupnpd answering a MAP for 7881/tcp (captured). */
static const uint8_t map_answer[] = {
	0x02, 0x81, 0x00, 0x00, 0x00, 0x00, 0x02, 0x58, 0x00, 0x00, 0x98, 0x42,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x40, 0x3c, 0x18, 0x02, 0x46, 0xf0, 0x7d, 0x03, 0x72, 0xcd, 0x7d, 0x3a,
	0x06, 0, 0, 0, 0x1e, 0xc9, 0x1e, 0xc9,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xcb, 0x00, 0x71, 0x01,
};

static void
pcp_decode__miniupnpd_map_answer(void **state)
{
	struct pcp_resp r;

	(void)state;
	assert_int_equal(pcp_decode(map_answer, sizeof(map_answer), &r), 0);
	assert_int_equal(r.version, 2);
	assert_int_equal(r.op, PCP_OP_MAP);
	assert_int_equal(r.result, PCP_SUCCESS);
	assert_int_equal(r.lifetime, 600);
	assert_int_equal(r.epoch, 38978);
	assert_true(r.has_map);
	assert_int_equal(r.proto, IPPROTO_TCP);
	assert_int_equal(r.int_port, 7881);
	assert_int_equal(r.ext_port, 7881);
	assert_int_equal(r.ext_addr.s6_addr[12], 203);
	assert_int_equal(r.ext_addr.s6_addr[15], 1);
}

static void
pcp_decode__malformed_and_natpmp(void **state)
{
	uint8_t b[PCP_MAX_LEN + 8];
	struct pcp_resp r;

	(void)state;
	memcpy(b, map_answer, sizeof(map_answer));
	/* A request (R clear), a cut success, a length not a multiple of 4. */
	b[1] = 0x01;
	assert_int_equal(pcp_decode(b, sizeof(map_answer), &r), -1);
	b[1] = 0x81;
	assert_int_equal(pcp_decode(b, 40, &r), -1);
	assert_int_equal(pcp_decode(b, sizeof(map_answer) - 2, &r), -1);
	/* An error may come without the MAP payload. */
	b[3] = PCP_NOT_AUTHORIZED;
	assert_int_equal(pcp_decode(b, PCP_HDR_LEN, &r), 0);
	assert_int_equal(r.result, PCP_NOT_AUTHORIZED);
	assert_false(r.has_map);
	/* An option that runs past the end. */
	b[3] = 0;
	memcpy(b + PCP_MAP_LEN, "\x02\x00\x00\x08", 4);
	assert_int_equal(pcp_decode(b, PCP_MAP_LEN + 4, &r), -1);
	memcpy(b + PCP_MAP_LEN, "\x02\x00\x00\x00", 4);
	assert_int_equal(pcp_decode(b, PCP_MAP_LEN + 4, &r), 0);
	/* Too long for PCP. */
	memset(b + PCP_MAP_LEN, 0, sizeof(b) - PCP_MAP_LEN);
	assert_int_equal(pcp_decode(b, PCP_MAX_LEN + 4, &r), -1);
	/* A NAT-PMP server's "unsupported version" (RFC 6887 9). */
	memcpy(b, "\x00\x81\x00\x01\x00\x00\x00\x05", 8);
	assert_int_equal(pcp_decode(b, 8, &r), 0);
	assert_int_equal(r.version, 0);
	assert_int_equal(r.result, PCP_UNSUPP_VERSION);
}

static void
pcp_epoch_lost__rfc6887_8_5(void **state)
{
	(void)state;
	/* Time passes alike on both sides: state kept. */
	assert_int_equal(pcp_epoch_lost(1000, 50, 1100, 150), 0);
	assert_int_equal(pcp_epoch_lost(1000, 50, 1001, 50), 0);
	/* The server's clock went back: a reboot. */
	assert_int_equal(pcp_epoch_lost(1000, 50, 3, 60), 1);
	/* The server counted far less than we did: it restarted meanwhile. */
	assert_int_equal(pcp_epoch_lost(1000, 50, 1010, 650), 1);
	/* Or far more. */
	assert_int_equal(pcp_epoch_lost(1000, 50, 5000, 60), 1);
	/* Within the slack (1/16 and 2 s). */
	assert_int_equal(pcp_epoch_lost(1000, 0, 1096, 100), 0);
	assert_int_equal(pcp_epoch_lost(1000, 0, 1090, 100), 1);
}

static void
pcp_result_name__every_byte(void **state)
{
	int i;

	(void)state;
	assert_string_equal(pcp_result_name(PCP_CANNOT_PROVIDE_EXTERNAL),
	    "CANNOT_PROVIDE_EXTERNAL");
	for (i = 0; i < 256; i++)
		assert_non_null(pcp_result_name((uint8_t)i));
	assert_string_equal(pcp_result_name(200), "unknown result");
}

/* The reference vector (SipHash paper, appendix A) and the nonce's use. */
static void
pcp_nonce__siphash_vector_stable_distinct(void **state)
{
	uint8_t key[16], msg[15], a[PCP_NONCE_LEN], b[PCP_NONCE_LEN];
	struct in6_addr c;
	int i;

	(void)state;
	for (i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	assert_true(pcp_siphash(key, msg, 15) == 0xa129ca6149be45e5ULL);
	assert_true(pcp_siphash(key, msg, 0) == 0x726fdb47dd0e0e31ULL);
	memset(&c, 0, sizeof(c));
	c.s6_addr[15] = 10;
	pcp_nonce(key, &c, IPPROTO_TCP, 7881, a);
	pcp_nonce(key, &c, IPPROTO_TCP, 7881, b);
	assert_memory_equal(a, b, PCP_NONCE_LEN);
	pcp_nonce(key, &c, IPPROTO_UDP, 7881, b);
	assert_memory_not_equal(a, b, PCP_NONCE_LEN);
	pcp_nonce(key, &c, IPPROTO_TCP, 7882, b);
	assert_memory_not_equal(a, b, PCP_NONCE_LEN);
	key[0] ^= 1;
	pcp_nonce(key, &c, IPPROTO_TCP, 7881, b);
	assert_memory_not_equal(a, b, PCP_NONCE_LEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ssdp_parse__notify_alive__location_bootid),
		cmocka_unit_test(ssdp_parse__byebye_rootdevice__not_igd),
		cmocka_unit_test(ssdp_parse__answer_igd2_ipv6_location),
		cmocka_unit_test(ssdp_parse__hostile_values__absent),
		cmocka_unit_test(ssdp_msearch__igd_versions_families),
		cmocka_unit_test(ssdp_location_host__v4_v6_bad),
		cmocka_unit_test(pcp_encode__map_ipv4__rfc6887_layout),
		cmocka_unit_test(pcp_decode__miniupnpd_map_answer),
		cmocka_unit_test(pcp_decode__malformed_and_natpmp),
		cmocka_unit_test(pcp_epoch_lost__rfc6887_8_5),
		cmocka_unit_test(pcp_result_name__every_byte),
		cmocka_unit_test(pcp_nonce__siphash_vector_stable_distinct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
