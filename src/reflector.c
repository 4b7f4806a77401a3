/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * reflector.c: the outside end of the probes (see reflector.h). Serial and
 * bounded: one client at a time, every wait has a timeout, so a client
 * that says nothing costs at most a few seconds.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
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

#define PROBE_MS	2000
#define RATE_SLOTS	64

static struct {
	struct sockaddr_storage	addr;
	time_t			at;
} seen[RATE_SLOTS];



static void
with_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

static int
same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		    ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
	    &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}

/* One request per address every REFL_RATE_SECONDS. */
static int
rate_ok(const struct sockaddr_storage *from)
{
	time_t now = time(NULL);
	size_t i, oldest = 0;

	for (i = 0; i < RATE_SLOTS; i++) {
		if (seen[i].at != 0 && same_host(&seen[i].addr, from)) {
			if (now - seen[i].at < REFL_RATE_SECONDS)
				return 0;
			seen[i].at = now;
			return 1;
		}
		if (seen[i].at < seen[oldest].at)
			oldest = i;
	}
	seen[oldest].addr = *from;
	seen[oldest].at = now;
	return 1;
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
 * TURN over TLS as a client meets it: the handshake (SNI when given; the
 * certificate is not judged, reachability is), then an Allocate inside
 * it, answered by a 401 with realm and nonce. A proxy that answers HTTP
 * there does not route TURN. All of it within PROBE_MS. 0, or -1 with
 * detail.
 */
static int
turn_tls(int s, const char *sni, char *detail, size_t dlen)
{
	struct timespec t0;
	uint8_t req[STUN_ALLOC_LEN], tid[12], buf[1024];
	char realm[64];
	const char *name = sni[0] ? " with SNI" : " (no SNI)";
	SSL_CTX *ctx;
	SSL *ssl = NULL;
	size_t got = 0;
	int n, r, rc = -1, up = 0;

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
	/* SSL_set_tlsext_host_name() is this SSL_ctrl(). */
	if ((ssl = tls.new(ctx)) == NULL || tls.set_fd(ssl, s) != 1 ||
	    (sni[0] && tls.ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME,
	    TLSEXT_NAMETYPE_host_name, (void *)(uintptr_t)sni) != 1))
		goto out;
	tls.set_verify(ssl, SSL_VERIFY_NONE, NULL);
	while ((r = tls_step(ssl, s, tls.connect(ssl), &t0)) == 0)
		;
	if (r == -1) {
		snprintf(detail, dlen, "TCP connection accepted, but no TLS "
		    "handshake%s: a TURN/TLS client gets no further (plain TCP "
		    "there, or the name is refused)", name);
		goto out;
	}
	up = 1;
	stun_allocate(req, tid);
	while ((r = tls_step(ssl, s, tls.write(ssl, req, (int)sizeof(req)),
	    &t0)) == 0)
		;
	if (r == -1) {
		snprintf(detail, dlen, "TLS handshake done%s, then the "
		    "connection failed", name);
		goto out;
	}
	while (got < sizeof(buf)) {
		n = tls.read(ssl, buf + got, (int)(sizeof(buf) - got));
		if ((r = tls_step(ssl, s, n, &t0)) == 0)
			continue;
		if (r == -1)
			break;
		got += (size_t)n;
		if (stun_allocate_401(buf, got, tid, realm, sizeof(realm)) == 0) {
			snprintf(detail, dlen, "TLS handshake%s, then TURN "
			    "Allocate answered: 401 with realm \"%s\" and a "
			    "nonce (a TURN server)", name, realm);
			rc = 0;
			goto out;
		}
		if (got >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
			snprintf(detail, dlen, "TLS handshake%s, then an HTTP "
			    "answer to a TURN Allocate: what serves this port "
			    "does not hand TURN to LiveKit (route this name to "
			    "TURN)", name);
			goto out;
		}
	}
	snprintf(detail, dlen, "TLS handshake%s, but no TURN answer (401 with "
	    "realm and nonce) to an Allocate", name);
out:
	if (ssl != NULL) {
		if (up)
			(void)tls.shutdown(ssl);
		tls.free(ssl);
	}
	tls.ctx_free(ctx);
	tls.err_clear();
	return rc;
}

static int
probe_one(const struct sockaddr_storage *peer, const struct refl_probe *pr,
    char *detail, size_t dlen)
{
	struct sockaddr_storage to = *peer;
	const char *kind = pr->kind;
	int s, ok, i;

	with_port(&to, pr->port);
	if (strcmp(kind, "tcp") == 0 || strcmp(kind, "stun-tcp") == 0 ||
	    strcmp(kind, "turn-tcp") == 0 || strcmp(kind, "turn-tls") == 0) {
		if ((s = addr_connect(&to, PROBE_MS)) == -1) {
			snprintf(detail, dlen, "TCP connect: %s", strerror(errno));
			return 0;
		}
		if (strcmp(kind, "tcp") == 0) {
			snprintf(detail, dlen, "TCP connection accepted");
			ok = 1;
		} else if (strcmp(kind, "turn-tls") == 0)
			ok = turn_tls(s, pr->sni, detail, dlen) == 0;
		else if (strcmp(kind, "turn-tcp") == 0)
			ok = turn_exchange(s, 1, &to, detail, dlen) == 0;
		else
			ok = stun_exchange(s, 1, &to, detail, dlen) == 0;
		close(s);
		return ok;
	}
	if ((s = socket(to.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(detail, dlen, "socket: %s", strerror(errno));
		return 0;
	}
	if (strcmp(kind, "stun-udp") == 0)
		ok = stun_exchange(s, 0, &to, detail, dlen) == 0;
	else if (strcmp(kind, "turn-udp") == 0)
		ok = turn_exchange(s, 0, &to, detail, dlen) == 0;
	else {
		/*
		 * Nothing answers without ICE credentials: the requester
		 * counts what arrived. What we can see is a refusal: on a
		 * connected socket, an ICMP port unreachable (nothing bound
		 * there, the kernel said so) comes back as ECONNREFUSED.
		 */
		struct pollfd pf = { .fd = s, .events = POLLIN };
		char buf[64];

		ok = connect(s, (struct sockaddr *)&to, addr_len(&to)) == 0;
		for (i = 0; ok && i < 3; i++) {
			if (send(s, "portward-probe", 14, 0) < 0)
				ok = 0;
			else if (poll(&pf, 1, 100) == 1 &&
			    recv(s, buf, sizeof(buf), MSG_DONTWAIT) < 0 &&
			    errno == ECONNREFUSED) {
				snprintf(detail, dlen, "3 datagrams sent: ICMP "
				    "port unreachable came back (nothing "
				    "listens there)");
				close(s);
				return 0;
			}
		}
		if (ok && poll(&pf, 1, 200) == 1 && recv(s, buf, sizeof(buf),
		    MSG_DONTWAIT) < 0 && errno == ECONNREFUSED) {
			snprintf(detail, dlen, "3 datagrams sent: ICMP port "
			    "unreachable came back (nothing listens there)");
			close(s);
			return 0;
		}
		snprintf(detail, dlen, ok ? "3 datagrams sent, no ICMP error "
		    "came back" : "send: %s", strerror(errno));
	}
	close(s);
	return ok;
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

static json_t *
handle(const char *line, const struct sockaddr_storage *peer)
{
	struct refl_probe pr[REFL_MAX_PROBES];
	struct sockaddr_storage target;
	json_t *results, *out;
	char a[INET6_ADDRSTRLEN], detail[256];
	const char *err;
	size_t i, n;

	if (peer->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)peer)->sin_addr,
		    a, sizeof(a));
	else
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)peer)->
		    sin6_addr, a, sizeof(a));
	if (!rate_ok(peer))
		return json_pack("{s:s, s:s}", "from", a, "error",
		    "rate limited: one request every 2 seconds");
	if (refl_parse_request(line, pr, &n, &err) == -1 ||
	    refl_target(line, peer, &target, &err) == -1)
		return json_pack("{s:s, s:s}", "from", a, "error", err);
	if (target.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)&target)->
		    sin6_addr, a, sizeof(a));
	results = json_array();
	for (i = 0; i < n; i++) {
		int ok = probe_one(&target, &pr[i], detail, sizeof(detail));

		json_array_append_new(results, json_pack("{s:s, s:s, s:i, s:b, "
		    "s:s}", "name", pr[i].name, "kind", pr[i].kind, "port",
		    (int)pr[i].port, "ok", ok, "detail", detail));
	}
	out = json_pack("{s:s, s:o}", "from", a, "results", results);
	log_info("probed %s: %zu port%s", a, n, n == 1 ? "" : "s");
	return out;
}

int
refl_serve(const char *listen_on)
{
	struct sockaddr_storage ss, peer;
	struct timeval tv = { 5, 0 };
	socklen_t pl;
	char line[REFL_MAX_LINE + 1];
	size_t len;
	ssize_t n;
	json_t *ans;
	char *out;
	int ls, c, one = 1;

	if (addr_parse(listen_on, &ss) == -1) {
		log_warnx("--listen %s: expected ADDR:PORT or [ADDR6]:PORT",
		    listen_on);
		return 2;
	}
	if ((ls = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(ls, (struct sockaddr *)&ss, addr_len(&ss)) == -1 ||
	    listen(ls, 16) == -1) {
		log_warn("reflector: %s", listen_on);
		return 1;
	}
	log_info("reflector listening on %s", listen_on);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		pl = sizeof(peer);
		if ((c = accept4(ls, (struct sockaddr *)&peer, &pl,
		    SOCK_CLOEXEC)) == -1)
			continue;
		(void)setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		(void)setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		len = 0;
		while (len < REFL_MAX_LINE && (n = recv(c, line + len,
		    REFL_MAX_LINE - len, 0)) > 0) {
			len += (size_t)n;
			if (memchr(line, '\n', len) != NULL)
				break;
		}
		line[len] = '\0';
		if (memchr(line, '\n', len) == NULL) {
			close(c);	/* silent, half-open or oversized */
			continue;
		}
		ans = handle(line, &peer);
		out = json_dumps(ans, JSON_COMPACT);
		json_decref(ans);
		if (out != NULL) {
			(void)send(c, out, strlen(out), MSG_NOSIGNAL);
			(void)send(c, "\n", 1, MSG_NOSIGNAL);
			free(out);
		}
		close(c);
	}
}
