/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * reflector.h: probes from outside. `portwardctl reflector` runs on a
 * host outside the network; the daemon's probe helper (probe.c) connects
 * to it over TCP and asks it to probe back. The reflector only ever
 * probes the address the TCP connection came from (a handshake proves
 * it), only the ports it was asked for, at most REFL_MAX_PROBES of them,
 * and answers one request per address every REFL_RATE_SECONDS: it cannot
 * be aimed at a third party.
 *
 * Request, one line:  {"probes": [{"name": "ice-tcp", "kind": "tcp",
 *                      "port": 7881}, ...], "target": "2001:db8::10"}
 *                     ("target" optional: see refl_target)
 * Answer, one line:   {"from": "203.0.113.1", "results": [{"name":
 *                      "ice-tcp", "ok": true, "detail": "..."}, ...]}
 * Kinds: "tcp" (a connection is accepted), "stun-udp" and "stun-tcp" (a
 * STUN Binding answered), "turn-udp" and "turn-tcp" (an Allocate without
 * credentials answered by a 401 with realm and nonce: a TURN server),
 * "turn-tls" (a TLS handshake, with "sni" as the server name when given,
 * then the same Allocate inside it; an HTTP answer there is named),
 * "datagram" (datagrams sent, no ICMP error back; the requester confirms
 * arrival with its own count).
 */
#ifndef PORTWARD_REFLECTOR_H
#define PORTWARD_REFLECTOR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define REFL_MAX_PROBES		16
#define REFL_MAX_LINE		4096
#define REFL_RATE_SECONDS	2

struct refl_probe {
	char		name[32];
	char		kind[16];
	uint16_t	port;
	char		sni[254];	/* turn-tls: the server name, or "" */
};

/* Check a request line; the probes into out (REFL_MAX_PROBES). 0 or -1. */
int	refl_parse_request(const char *line, struct refl_probe *out, size_t *n,
	    const char **err);
/*
 * Where to probe for a request from peer: peer itself, or the request's
 * "target", an IPv6 global unicast address inside peer's own /64 (a
 * router in router mode asks for the LAN host it forwards to, connecting
 * from its own address on that LAN: docs/security.md). 0, or -1 with err.
 */
int	refl_target(const char *line, const struct sockaddr_storage *peer,
	    struct sockaddr_storage *to, const char **err);
/* Serve on addr (ADDR:PORT, [ADDR6]:PORT) until killed; exit code. */
int	refl_serve(const char *listen);

#endif
