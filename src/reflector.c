/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * reflector.c: the outside end of the probes (see reflector.h): what a
 * request may ask, where it may aim, and the probes themselves. Every
 * wait in a probe has a timeout; refl_serve.c runs each request's probes
 * in a process of their own, so a slow one holds up nobody else.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "addr.h"
#include "log.h"
#include "loop.h"
#include "reflector.h"
#include "stun.h"
#include "untrusted.h"

#define PROBE_MS	2000

static void
with_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/*
 * One STUN transaction with the requester: req sent (thrice over UDP),
 * answers read until check() accepts one (it writes the detail) or time
 * runs out. 0, or -1.
 */
static int
exchange(int s, int tcp, const struct sockaddr_storage *to, const uint8_t *req,
    size_t rlen, const uint8_t tid[12],
    int (*check)(const uint8_t *, size_t, const uint8_t *, int, char *, size_t),
    char *detail, size_t dlen)
{
	struct pollfd p = { s, POLLIN, 0 };
	uint8_t buf[1024];
	size_t got = 0;
	ssize_t n;
	int try;

	for (try = 0; try < (tcp ? 1 : 3); try++) {
		if (tcp ? send(s, req, rlen, MSG_NOSIGNAL) < 0 :
		    sendto(s, req, rlen, 0, (const struct sockaddr *)to,
		    addr_len(to)) < 0)
			break;
		while (poll(&p, 1, tcp ? PROBE_MS : PROBE_MS / 3) == 1) {
			n = recv(s, buf + (tcp ? got : 0), sizeof(buf) -
			    (tcp ? got : 0), 0);
			if (n <= 0)
				break;
			got = tcp ? got + (size_t)n : (size_t)n;
			if (check(buf, got, tid, tcp, detail, dlen) == 0)
				return 0;
		}
	}
	return -1;
}

/* A Binding success: any STUN server, TURN's included. */
static int
binding_ok(const uint8_t *buf, size_t len, const uint8_t *tid, int tcp,
    char *detail, size_t dlen)
{
	struct sockaddr_storage mapped;
	char a[INET6_ADDRSTRLEN];

	if (stun_response(buf, len, tid, &mapped) == -1)
		return -1;
	if (mapped.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&mapped)->sin_addr, a,
		    sizeof(a));
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&mapped)->sin6_addr,
		    a, sizeof(a));
	snprintf(detail, dlen, "STUN Binding answered over %s (mapped address "
	    "%s)", tcp ? "TCP" : "UDP", a);
	return 0;
}

/* An Allocate without credentials answered 401, realm and nonce: TURN. */
static int
allocate_401(const uint8_t *buf, size_t len, const uint8_t *tid, int tcp,
    char *detail, size_t dlen)
{
	char realm[64];

	if (stun_allocate_401(buf, len, tid, realm, sizeof(realm)) == -1)
		return -1;
	snprintf(detail, dlen, "TURN Allocate answered over %s: 401 with realm "
	    "\"%s\" and a nonce (a TURN server)", tcp ? "TCP" : "UDP", realm);
	return 0;
}

static int
stun_exchange(int s, int tcp, const struct sockaddr_storage *to,
    char *detail, size_t dlen)
{
	uint8_t req[STUN_REQ_LEN], tid[12];

	if (getrandom(tid, sizeof(tid), 0) != (ssize_t)sizeof(tid))
		return -1;
	stun_request(req, tid);
	if (exchange(s, tcp, to, req, sizeof(req), tid, binding_ok, detail,
	    dlen) == 0)
		return 0;
	snprintf(detail, dlen, "no STUN answer over %s", tcp ? "TCP" : "UDP");
	return -1;
}

static int
turn_exchange(int s, int tcp, const struct sockaddr_storage *to,
    char *detail, size_t dlen)
{
	uint8_t req[STUN_ALLOC_LEN], tid[12];

	if (getrandom(tid, sizeof(tid), 0) != (ssize_t)sizeof(tid))
		return -1;
	stun_allocate(req, tid);
	if (exchange(s, tcp, to, req, sizeof(req), tid, allocate_401, detail,
	    dlen) == 0)
		return 0;
	snprintf(detail, dlen, "no TURN answer (401 with realm and nonce) to "
	    "an Allocate over %s", tcp ? "TCP" : "UDP");
	return -1;
}

/* Milliseconds left of the probe's PROBE_MS from t0, 0 when past. */
static int
ms_left(const struct timespec *t0)
{
	long left = PROBE_MS - loop_ms_since(t0);

	return left > 0 ? (int)left : 0;
}

/*
 * OpenSSL, loaded the first time the reflector needs TLS: portwardctl's
 * other commands (apply runs at every boot and reload) then start without
 * mapping libssl and libcrypto, which costs about 0.6 ms of every start.
 * The headers give the types; the names are resolved here.
 */
static struct {
	int				tried, ok;
	typeof(SSL_CTX_new)		*ctx_new;
	typeof(SSL_CTX_free)		*ctx_free;
	typeof(TLS_client_method)	*client_method;
	typeof(SSL_new)			*new;
	typeof(SSL_free)		*free;
	typeof(SSL_set_fd)		*set_fd;
	typeof(SSL_ctrl)		*ctrl;
	typeof(SSL_set_verify)		*set_verify;
	typeof(SSL_connect)		*connect;
	typeof(SSL_read)		*read;
	typeof(SSL_write)		*write;
	typeof(SSL_shutdown)		*shutdown;
	typeof(SSL_get_error)		*get_error;
	typeof(ERR_clear_error)		*err_clear;
} tls;

static int
tls_load(void)
{
	void *h;

	if (tls.tried)
		return tls.ok ? 0 : -1;
	tls.tried = 1;
	if ((h = dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL)) == NULL)
		return -1;
#define SYM(f, name) \
	if ((*(void **)&tls.f = dlsym(h, name)) == NULL) \
		return -1
	SYM(ctx_new, "SSL_CTX_new");
	SYM(ctx_free, "SSL_CTX_free");
	SYM(client_method, "TLS_client_method");
	SYM(new, "SSL_new");
	SYM(free, "SSL_free");
	SYM(set_fd, "SSL_set_fd");
	SYM(ctrl, "SSL_ctrl");
	SYM(set_verify, "SSL_set_verify");
	SYM(connect, "SSL_connect");
	SYM(read, "SSL_read");
	SYM(write, "SSL_write");
	SYM(shutdown, "SSL_shutdown");
	SYM(get_error, "SSL_get_error");
	SYM(err_clear, "ERR_clear_error");	/* libcrypto, libssl's dependency */
#undef SYM
	tls.ok = 1;
	return 0;
}

/*
 * One TLS step on a non-blocking socket: wait for what OpenSSL wants,
 * within the probe's one deadline (a peer that trickles bytes gets no
 * more time than one that is silent). 1: done; 0: try again; -1: failed.
 */
static int
tls_step(SSL *ssl, int s, int rc, const struct timespec *t0)
{
	struct pollfd p = { s, 0, 0 };
	int left;

	if (rc > 0)
		return 1;
	switch (tls.get_error(ssl, rc)) {
	case SSL_ERROR_WANT_READ:
		p.events = POLLIN;
		break;
	case SSL_ERROR_WANT_WRITE:
		p.events = POLLOUT;
		break;
	default:
		return -1;
	}
	if ((left = ms_left(t0)) == 0 || poll(&p, 1, left) != 1)
		return -1;
	return 0;
}

/*
 * A TLS client on s, SNI set when given; the certificate is not judged,
 * reachability is. NULL on failure.
 */
static SSL *
tls_client(SSL_CTX *ctx, int s, const char *sni)
{
	SSL *ssl;

	if ((ssl = tls.new(ctx)) == NULL)
		return NULL;
	/* SSL_set_tlsext_host_name() is this SSL_ctrl(). */
	if (tls.set_fd(ssl, s) != 1 || (sni[0] && tls.ctrl(ssl,
	    SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
	    (void *)(uintptr_t)sni) != 1)) {
		tls.free(ssl);
		return NULL;
	}
	tls.set_verify(ssl, SSL_VERIFY_NONE, NULL);
	return ssl;
}

/*
 * The handshake, then an Allocate sent inside it. 0, or -1 with detail;
 * *up once the handshake is done (the connection is then shut down).
 */
static int
tls_allocate(SSL *ssl, int s, const uint8_t tid[12], const char *name,
    const struct timespec *t0, int *up, char *detail, size_t dlen)
{
	uint8_t req[STUN_ALLOC_LEN];
	int r;

	while ((r = tls_step(ssl, s, tls.connect(ssl), t0)) == 0)
		;
	if (r == -1) {
		snprintf(detail, dlen, "TCP connection accepted, but no TLS "
		    "handshake%s: a TURN/TLS client gets no further (plain TCP "
		    "there, or the name is refused)", name);
		return -1;
	}
	*up = 1;
	stun_allocate(req, tid);
	while ((r = tls_step(ssl, s, tls.write(ssl, req, (int)sizeof(req)),
	    t0)) == 0)
		;
	if (r == -1) {
		snprintf(detail, dlen, "TLS handshake done%s, then the "
		    "connection failed", name);
		return -1;
	}
	return 0;
}

/*
 * The answer to the Allocate: a 401 with realm and nonce is TURN; a proxy
 * that answers HTTP there does not route TURN. 0, or -1; detail either way.
 */
static int
tls_allocate_answer(SSL *ssl, int s, const uint8_t tid[12], const char *name,
    const struct timespec *t0, char *detail, size_t dlen)
{
	uint8_t buf[1024];
	char realm[64];
	size_t got = 0;
	int n, r;

	while (got < sizeof(buf)) {
		n = tls.read(ssl, buf + got, (int)(sizeof(buf) - got));
		if ((r = tls_step(ssl, s, n, t0)) == 0)
			continue;
		if (r == -1)
			break;
		got += (size_t)n;
		if (stun_allocate_401(buf, got, tid, realm, sizeof(realm)) == 0) {
			snprintf(detail, dlen, "TLS handshake%s, then TURN "
			    "Allocate answered: 401 with realm \"%s\" and a "
			    "nonce (a TURN server)", name, realm);
			return 0;
		}
		if (got >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
			snprintf(detail, dlen, "TLS handshake%s, then an HTTP "
			    "answer to a TURN Allocate: what serves this port "
			    "does not hand TURN to LiveKit (route this name to "
			    "TURN)", name);
			return -1;
		}
	}
	snprintf(detail, dlen, "TLS handshake%s, but no TURN answer (401 with "
	    "realm and nonce) to an Allocate", name);
	return -1;
}

/*
 * TURN over TLS as a client meets it: the handshake, then an Allocate
 * inside it, answered by a 401 with realm and nonce. All of it within
 * PROBE_MS. 0, or -1 with detail.
 */
static int
turn_tls(int s, const char *sni, char *detail, size_t dlen)
{
	struct timespec t0;
	uint8_t tid[12];
	const char *name = sni[0] ? " with SNI" : " (no SNI)";
	SSL_CTX *ctx;
	SSL *ssl;
	int rc = -1, up = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(detail, dlen, "TLS: cannot set up a client");
	if (tls_load() == -1) {
		snprintf(detail, dlen, "TLS: the reflector cannot load OpenSSL "
		    "(libssl.so.3)");
		return -1;
	}
	if (fcntl(s, F_SETFL, O_NONBLOCK) == -1 ||
	    getrandom(tid, sizeof(tid), 0) != (ssize_t)sizeof(tid) ||
	    (ctx = tls.ctx_new(tls.client_method())) == NULL)
		return -1;
	if ((ssl = tls_client(ctx, s, sni)) != NULL) {
		if (tls_allocate(ssl, s, tid, name, &t0, &up, detail,
		    dlen) == 0)
			rc = tls_allocate_answer(ssl, s, tid, name, &t0, detail,
			    dlen);
		if (up)
			(void)tls.shutdown(ssl);
		tls.free(ssl);
	}
	tls.ctx_free(ctx);
	tls.err_clear();
	return rc;
}

/* A TCP probe: connected, then the exchange its kind asks for. */
static int
probe_tcp(const struct sockaddr_storage *to, const struct refl_probe *pr,
    char *detail, size_t dlen)
{
	const char *kind = pr->kind;
	int s, ok;

	if ((s = addr_connect(to, PROBE_MS)) == -1) {
		snprintf(detail, dlen, "TCP connect: %s", strerror(errno));
		return 0;
	}
	if (strcmp(kind, "tcp") == 0) {
		snprintf(detail, dlen, "TCP connection accepted");
		ok = 1;
	} else if (strcmp(kind, "turn-tls") == 0)
		ok = turn_tls(s, pr->sni, detail, dlen) == 0;
	else if (strcmp(kind, "turn-tcp") == 0)
		ok = turn_exchange(s, 1, to, detail, dlen) == 0;
	else
		ok = stun_exchange(s, 1, to, detail, dlen) == 0;
	close(s);
	return ok;
}

/*
 * Whether an ICMP port unreachable came back within ms: on a connected
 * socket (nothing bound there, the kernel said so) it is ECONNREFUSED.
 */
static int
udp_refused(struct pollfd *pf, int ms, char *detail, size_t dlen)
{
	char buf[64];

	if (poll(pf, 1, ms) != 1 || recv(pf->fd, buf, sizeof(buf),
	    MSG_DONTWAIT) >= 0 || errno != ECONNREFUSED)
		return 0;
	snprintf(detail, dlen, "3 datagrams sent: ICMP port unreachable came "
	    "back (nothing listens there)");
	return 1;
}

/*
 * Plain datagrams: nothing answers without ICE credentials, the requester
 * counts what arrived. What we can see is a refusal.
 */
static int
probe_datagrams(int s, const struct sockaddr_storage *to, char *detail,
    size_t dlen)
{
	struct pollfd pf = { .fd = s, .events = POLLIN };
	int ok, i;

	ok = connect(s, (const struct sockaddr *)to, addr_len(to)) == 0;
	for (i = 0; ok && i < 3; i++) {
		if (send(s, "portward-probe", 14, 0) < 0)
			ok = 0;
		else if (udp_refused(&pf, 100, detail, dlen))
			return 0;
	}
	if (ok && udp_refused(&pf, 200, detail, dlen))
		return 0;
	snprintf(detail, dlen, ok ? "3 datagrams sent, no ICMP error "
	    "came back" : "send: %s", strerror(errno));
	return ok;
}

static int
probe_udp(const struct sockaddr_storage *to, const char *kind, char *detail,
    size_t dlen)
{
	int s, ok;

	if ((s = socket(to->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(detail, dlen, "socket: %s", strerror(errno));
		return 0;
	}
	if (strcmp(kind, "stun-udp") == 0)
		ok = stun_exchange(s, 0, to, detail, dlen) == 0;
	else if (strcmp(kind, "turn-udp") == 0)
		ok = turn_exchange(s, 0, to, detail, dlen) == 0;
	else
		ok = probe_datagrams(s, to, detail, dlen);
	close(s);
	return ok;
}

static int
probe_one(const struct sockaddr_storage *peer, const struct refl_probe *pr,
    char *detail, size_t dlen)
{
	struct sockaddr_storage to = *peer;
	const char *kind = pr->kind;

	with_port(&to, pr->port);
	if (strcmp(kind, "tcp") == 0 || strcmp(kind, "stun-tcp") == 0 ||
	    strcmp(kind, "turn-tcp") == 0 || strcmp(kind, "turn-tls") == 0)
		return probe_tcp(&to, pr, detail, dlen);
	return probe_udp(&to, kind, detail, dlen);
}

static int
valid_name(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' &&
		    s[n] <= '9') || s[n] == '-' || s[n] == '_'))
			return 0;
	return n > 0 && n < 32;
}

/* A DNS name for SNI: nothing a terminal or a log could misread. */
static int
valid_host(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' &&
		    s[n] <= 'Z') || (s[n] >= '0' && s[n] <= '9') ||
		    s[n] == '-' || s[n] == '.'))
			return 0;
	return n > 0 && n <= 253;
}

int
refl_parse_request(const char *line, struct refl_probe *out, size_t *n,
    const char **err)
{
	static const char *kinds[] = { "tcp", "stun-tcp", "stun-udp",
	    "turn-udp", "turn-tcp", "turn-tls", "datagram", NULL };
	json_t *req, *probes, *p;
	const char *name, *kind, *sni;
	json_int_t port;
	size_t i, k;

	*n = 0;
	req = json_loads(line, 0, NULL);
	probes = json_object_get(req, "probes");
	if (!json_is_array(probes) || json_array_size(probes) == 0 ||
	    json_array_size(probes) > REFL_MAX_PROBES) {
		json_decref(req);
		*err = "expected {\"probes\": [...]} with 1 to 16 probes";
		return -1;
	}
	/* Check everything before probing anything. */
	json_array_foreach(probes, i, p) {
		name = json_string_value(json_object_get(p, "name"));
		kind = json_string_value(json_object_get(p, "kind"));
		port = json_integer_value(json_object_get(p, "port"));
		for (k = 0; kind != NULL && kinds[k] != NULL; k++)
			if (strcmp(kind, kinds[k]) == 0)
				break;
		sni = json_string_value(json_object_get(p, "sni"));
		if (name == NULL || !valid_name(name) || kind == NULL ||
		    kinds[k] == NULL || port < 1 || port > 65535) {
			json_decref(req);
			*n = 0;
			*err = "a probe needs name, kind (tcp, stun-tcp, stun-udp, "
			    "turn-udp, turn-tcp, turn-tls, datagram) and port "
			    "1-65535";
			return -1;
		}
		if ((json_object_get(p, "sni") != NULL && sni == NULL) ||
		    (sni != NULL && !valid_host(sni))) {
			json_decref(req);
			*n = 0;
			*err = "sni: a DNS name (letters, digits, '-', '.'; at "
			    "most 253)";
			return -1;
		}
		snprintf(out[*n].sni, sizeof(out[*n].sni), "%s", sni ? sni : "");
		snprintf(out[*n].name, sizeof(out[*n].name), "%s", name);
		snprintf(out[*n].kind, sizeof(out[*n].kind), "%s", kind);
		out[*n].port = (uint16_t)port;
		(*n)++;
	}
	json_decref(req);
	return 0;
}

int
refl_target(const char *line, const struct sockaddr_storage *peer,
    struct sockaddr_storage *to, const char **err)
{
	const struct sockaddr_in6 *p6 = (const struct sockaddr_in6 *)peer;
	struct sockaddr_in6 *t6 = (struct sockaddr_in6 *)to;
	json_t *req = json_loads(line, 0, NULL), *t;
	struct in6_addr a;
	const char *s;
	int rc = 0;

	*to = *peer;
	if ((t = json_object_get(req, "target")) == NULL)
		goto out;
	rc = -1;
	if ((s = json_string_value(t)) == NULL ||
	    inet_pton(AF_INET6, s, &a) != 1) {
		*err = "target: an IPv6 address";
		goto out;
	}
	/*
	 * Only inside the requester's own /64, proved by the handshake it
	 * completed from there: a router asks for a host it routes to, and
	 * nobody can aim the reflector outside their own network.
	 */
	if (peer->ss_family != AF_INET6 || IN6_IS_ADDR_V4MAPPED(&p6->sin6_addr) ||
	    memcmp(&a, &p6->sin6_addr, 8) != 0) {
		*err = "target: only an address in the requester's own /64";
		goto out;
	}
	if (IN6_IS_ADDR_LINKLOCAL(&a) || IN6_IS_ADDR_MULTICAST(&a) ||
	    IN6_IS_ADDR_LOOPBACK(&a) || IN6_IS_ADDR_UNSPECIFIED(&a)) {
		*err = "target: a global unicast address";
		goto out;
	}
	t6->sin6_addr = a;
	rc = 0;
out:
	json_decref(req);
	return rc;
}


/*
 * One result: the detail carries what the peer said (a TURN realm) and
 * strerror(); escaped once here, before the requester's terminal or
 * log sees it.
 */
static json_t *
result(const struct refl_probe *pr, int ok, const char *detail)
{
	char clean[3 * 256];

	ut_clean(clean, sizeof(clean), detail, strlen(detail));
	return json_pack("{s:s, s:s, s:i, s:b, s:s}", "name", pr->name, "kind",
	    pr->kind, "port", (int)pr->port, "ok", ok, "detail", clean);
}

char *
refl_answer(const struct sockaddr_storage *target, const struct refl_probe *pr,
    size_t n, const struct timespec *t0, long budget_ms)
{
	json_t *results = json_array(), *out;
	char a[INET6_ADDRSTRLEN], detail[256], *line;
	size_t i;
	int ok;

	addr_host(target, a, sizeof(a));
	for (i = 0; i < n; i++) {
		/*
		 * Each probe ends within a few seconds; one not started in
		 * time is said so, rather than the whole answer lost to the
		 * connection's deadline.
		 */
		if (loop_ms_since(t0) > budget_ms) {
			snprintf(detail, sizeof(detail), "not probed: the "
			    "time for one request (%d s) ran out first",
			    REFL_CONN_SECONDS);
			ok = 0;
		} else
			ok = probe_one(target, &pr[i], detail, sizeof(detail));
		json_array_append_new(results, result(&pr[i], ok, detail));
	}
	out = json_pack("{s:s, s:o}", "from", a, "results", results);
	line = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	log_info("probed %s: %zu port%s", a, n, n == 1 ? "" : "s");
	return line;
}
