/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * reflector.h: probes from outside. `portwardctl reflector` runs on a
 * host outside the network; the daemon's probe helper (probe.c) connects
 * to it over TCP and asks it to probe back. The reflector only ever
 * probes the address the TCP connection came from (a handshake proves
 * it), only the ports it was asked for, at most REFL_MAX_PROBES of them,
 * and answers one request per address every REFL_RATE_SECONDS: it cannot
 * be aimed at a third party. It serves many requesters at once, and none
 * can hold it: the request line must arrive within REFL_LINE_SECONDS of
 * the connection, the whole exchange ends within REFL_CONN_SECONDS, and
 * connections per source, in all, and requests being probed at once,
 * per source and in all, are bounded (admit.h, REFL_MAX_PROBING).
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
#include <time.h>

#define REFL_MAX_PROBES		16
#define REFL_MAX_LINE		4096
#define REFL_RATE_SECONDS	2
#define REFL_LINE_SECONDS	5	/* accept to the request's newline */
#define REFL_CONN_SECONDS	40	/* accept to the answer (probe.c waits 45) */
#define REFL_MAX_PROBING	32	/* requests being probed at once */

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
/*
 * Probe target for pr[0..n) (validated by the two above): the answer
 * line, without its newline (malloc'd; NULL without memory). A probe not
 * started within budget_ms of t0 (CLOCK_MONOTONIC) is answered as not
 * probed. Blocks for as long as the probes take.
 */
char	*refl_answer(const struct sockaddr_storage *target,
	    const struct refl_probe *pr, size_t n, const struct timespec *t0,
	    long budget_ms);
/* Serve on addr (ADDR:PORT, [ADDR6]:PORT) until killed; exit code. */
int	refl_serve(const char *listen);

#endif
