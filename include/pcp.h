/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * pcp.h: the Port Control Protocol (RFC 6887) as bytes: requests built,
 * answers read, the server's epoch judged. Pure: no sockets, no clock
 * (mapper_pcp.c does the I/O). Only what portward asks for: ANNOUNCE, and
 * MAP for one port with the external port equal to the internal one.
 */
#ifndef PORTWARD_PCP_H
#define PORTWARD_PCP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define PCP_VERSION	2
#define PCP_PORT	5351		/* the server's */
#define PCP_CLIENT_PORT	5350		/* announcements to all nodes */
#define PCP_OP_ANNOUNCE	0
#define PCP_OP_MAP	1
#define PCP_NONCE_LEN	12
#define PCP_MAX_LEN	1100		/* RFC 6887 7: no message is longer */
#define PCP_HDR_LEN	24
#define PCP_MAP_LEN	(PCP_HDR_LEN + 36)
#define PCP_OPT_PREFER_FAILURE	2

/* Result codes (RFC 6887 7.4). */
enum pcp_result {
	PCP_SUCCESS, PCP_UNSUPP_VERSION, PCP_NOT_AUTHORIZED,
	PCP_MALFORMED_REQUEST, PCP_UNSUPP_OPCODE, PCP_UNSUPP_OPTION,
	PCP_MALFORMED_OPTION, PCP_NETWORK_FAILURE, PCP_NO_RESOURCES,
	PCP_UNSUPP_PROTOCOL, PCP_USER_EX_QUOTA, PCP_CANNOT_PROVIDE_EXTERNAL,
	PCP_ADDRESS_MISMATCH, PCP_EXCESSIVE_REMOTE_PEERS
};

struct pcp_req {
	uint8_t		op;		/* PCP_OP_ANNOUNCE or PCP_OP_MAP */
	uint32_t	lifetime;	/* MAP: 0 deletes */
	struct in6_addr	client;		/* the sender's address (IPv4-mapped for IPv4) */
	/* MAP only */
	uint8_t		nonce[PCP_NONCE_LEN];
	uint8_t		proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t	port;		/* internal = suggested external */
	int		ipv6;		/* suggested external address :: instead of ::ffff:0.0.0.0 */
	int		prefer_failure;	/* no other port than the one asked for */
};

struct pcp_resp {
	uint8_t		version;	/* 0: a NAT-PMP server answered (no PCP) */
	uint8_t		op;		/* without the response bit */
	uint8_t		result;
	uint32_t	lifetime;
	uint32_t	epoch;
	int		has_map;	/* the MAP payload was there */
	uint8_t		nonce[PCP_NONCE_LEN];
	uint8_t		proto;
	uint16_t	int_port, ext_port;
	struct in6_addr	ext_addr;
};

/* Write r into buf; the length, or 0 when buf is too small. */
size_t	pcp_encode(const struct pcp_req *r, uint8_t *buf, size_t len);
/*
 * Read an answer. 0: read (check version: a NAT-PMP server answers a PCP
 * request with version 0 and UNSUPP_VERSION); -1: not an answer at all
 * (too short, too long, not a response, malformed options).
 */
int	pcp_decode(const uint8_t *buf, size_t len, struct pcp_resp *r);
/*
 * RFC 6887 8.5: did the server lose its state between two answers? prev
 * and cur are the server's epochs, prev_at and cur_at the client's clock
 * (seconds) when they arrived. 1 lost (reboot), 0 not.
 */
int	pcp_epoch_lost(uint32_t prev, int64_t prev_at, uint32_t cur,
	    int64_t cur_at);
/*
 * A mapping's nonce: SipHash-2-4 under key (16 bytes, secret to this
 * host) of the client address, protocol and port; the same for the same
 * mapping every time, unguessable without the key.
 */
void	pcp_nonce(const uint8_t *key, const struct in6_addr *client,
	    uint8_t proto, uint16_t port, uint8_t *nonce);
/* SipHash-2-4 (Aumasson and Bernstein), for pcp_nonce and its test. */
uint64_t pcp_siphash(const uint8_t *key, const uint8_t *msg, size_t len);
/* "NOT_AUTHORIZED"... for logs and status; any byte. */
const char *pcp_result_name(uint8_t result);
/* An address as PCP carries it: IPv4 as ::ffff:a.b.c.d. */
void	pcp_addr4(struct in6_addr *out, struct in_addr in);

#endif
