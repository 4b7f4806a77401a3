/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * refl_serve.c: the reflector's serving loop (reflector.h). One process
 * reads every request at once, non-blocking, under epoll: it accepts,
 * reads the line, checks the limits (admit.h) and the request, and hands
 * each valid request to a child of its own, which probes, answers and
 * exits. Probes wait for seconds; the loop never does, so a requester
 * that trickles, or a slow probe, holds up nobody else. Deadlines are
 * the epoll_wait timeout, from the earliest one; children are reaped
 * through a signalfd. Not loop.c: its registry holds 32 descriptors, a
 * reflector's connections are hundreds, each with its own deadline.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "addr.h"
#include "admit.h"
#include "log.h"
#include "loop.h"
#include "reflector.h"

#define LINE_MS		(REFL_LINE_SECONDS * 1000L)
#define CONN_MS		(REFL_CONN_SECONDS * 1000L)
/* Left to the child for its answer, before the parent's SIGKILL. */
#define ANSWER_MS	5000L
#define STR(x)		#x
#define XSTR(x)		STR(x)

/* A connection whose request line is still arriving. */
struct conn {
	int			fd;		/* -1: a free slot */
	struct sockaddr_storage	peer;
	struct timespec		t0;		/* accepted */
	size_t			len;
	char			line[REFL_MAX_LINE + 1];
};

/* A child probing for one request; it holds that connection. */
struct kid {
	pid_t			pid;		/* 0: a free slot */
	int			killed;		/* past its deadline */
	struct sockaddr_storage	peer;
	struct timespec		t0;		/* its connection accepted */
};

static struct {
	int		ls, ep, sig;
	int		accepting;	/* the listener is in epoll */
	struct timespec	paused;		/* when it was taken out */
	pid_t		self;
	sigset_t	oldmask;
	struct adm	adm;
	size_t		nkids;
	struct kid	kid[REFL_MAX_PROBING];
	struct conn	conn[ADM_MAX_CONNS];
} rs;

/*
 * An error answer, best effort and without waiting: a few dozen bytes
 * to a socket whose send buffer is empty fit, unless the peer is gone.
 */
static void
say(int fd, const struct sockaddr_storage *peer, const char *err)
{
	char a[INET6_ADDRSTRLEN], *out;
	json_t *j;

	j = json_pack("{s:s, s:s}", "from", addr_host(peer, a, sizeof(a)),
	    "error", err);
	if ((out = json_dumps(j, JSON_COMPACT)) != NULL) {
		(void)send(fd, out, strlen(out), MSG_DONTWAIT | MSG_NOSIGNAL |
		    MSG_MORE);
		(void)send(fd, "\n", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
		free(out);
	}
	json_decref(j);
}

/*
 * Closing with unread bytes sends a reset, and a reset can destroy the
 * error answer before the requester reads it: what arrived is read
 * first (a little: a peer that keeps sending gets its reset).
 */
static void
hang_up(int fd)
{
	char buf[4096];
	int i;

	(void)shutdown(fd, SHUT_WR);
	for (i = 0; i < 4 && recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0; i++)
		;
	close(fd);
}

static void
conn_close(struct conn *c)
{
	(void)epoll_ctl(rs.ep, EPOLL_CTL_DEL, c->fd, NULL);
	hang_up(c->fd);
	c->fd = -1;
	adm_close(&rs.adm, &c->peer);
}

static void
conn_open(int fd, const struct sockaddr_storage *peer)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct conn *c;
	size_t i;

	/* adm_open admitted it: fewer than ADM_MAX_CONNS are open. */
	for (i = 0; i < ADM_MAX_CONNS && rs.conn[i].fd != -1; i++)
		;
	if (i == ADM_MAX_CONNS) {
		say(fd, peer, adm_why(ADM_ALL));
		hang_up(fd);
		adm_close(&rs.adm, peer);
		return;
	}
	c = &rs.conn[i];
	c->peer = *peer;
	c->len = 0;
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	ev.data.ptr = c;
	if (epoll_ctl(rs.ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
		log_warn("reflector: epoll_ctl");
		hang_up(fd);
		adm_close(&rs.adm, peer);
		return;
	}
	c->fd = fd;
}

/*
 * Out of descriptors (a limit below what fd_room asked, or the whole
 * system's), the listener stays readable and the loop would spin: it is
 * left out of epoll for a second (expire() puts it back).
 */
static void
accepting(int on)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &rs.ls };

	if (on == rs.accepting || epoll_ctl(rs.ep, on ? EPOLL_CTL_ADD :
	    EPOLL_CTL_DEL, rs.ls, &ev) == -1)
		return;
	rs.accepting = on;
	if (!on)
		clock_gettime(CLOCK_MONOTONIC, &rs.paused);
}

static void
on_accept(void)
{
	struct sockaddr_storage peer;
	enum adm_verdict v;
	socklen_t pl;
	int fd, i;

	/* A batch at a time: a flood of connects cannot starve the rest. */
	for (i = 0; i < 64; i++) {
		pl = sizeof(peer);
		if ((fd = accept4(rs.ls, (struct sockaddr *)&peer, &pl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1) {
			if (errno == EMFILE || errno == ENFILE) {
				log_warn("reflector: accept paused for a second");
				accepting(0);
			} else if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("reflector: accept");
			return;
		}
		if ((v = adm_open(&rs.adm, &peer)) != ADM_OK) {
			say(fd, &peer, adm_why(v));
			hang_up(fd);
			continue;
		}
		conn_open(fd, &peer);
	}
}

/*
 * The child: probes, answers, exits. It keeps nothing of the loop's,
 * above all no other requester's connection, which would then stay
 * open past the deadline its parent closed it at.
 */
static void __attribute__((noreturn))
probe_child(struct conn *c, const struct refl_probe *pr, size_t n,
    const struct sockaddr_storage *target)
{
	struct timeval tv = { ANSWER_MS / 1000, 0 };
	char *out;
	size_t i;

	/* A stopped reflector leaves no probe running. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != rs.self)
		_exit(1);
	close(rs.ls);
	close(rs.ep);
	close(rs.sig);
	for (i = 0; i < ADM_MAX_CONNS; i++)
		if (rs.conn[i].fd != -1 && &rs.conn[i] != c)
			close(rs.conn[i].fd);
	(void)sigprocmask(SIG_SETMASK, &rs.oldmask, NULL);
	if (fcntl(c->fd, F_SETFL, 0) == -1 || setsockopt(c->fd, SOL_SOCKET,
	    SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		_exit(1);
	if ((out = refl_answer(target, pr, n, &c->t0, CONN_MS - ANSWER_MS)) !=
	    NULL) {
		(void)send(c->fd, out, strlen(out), MSG_NOSIGNAL | MSG_MORE);
		(void)send(c->fd, "\n", 1, MSG_NOSIGNAL);
		free(out);
	}
	_exit(0);
}

/* 0: a child probes for c and holds its connection now; -1. */
static int
start_probe(struct conn *c, const struct refl_probe *pr, size_t n,
    const struct sockaddr_storage *target)
{
	struct kid *k;
	pid_t pid;

	for (k = rs.kid; k->pid != 0; k++)
		;	/* rs.nkids < REFL_MAX_PROBING: one is free */
	if ((pid = fork()) == -1) {
		log_warn("reflector: fork");
		return -1;
	}
	if (pid == 0)
		probe_child(c, pr, n, target);
	k->pid = pid;
	k->killed = 0;
	k->peer = c->peer;
	k->t0 = c->t0;
	rs.nkids++;
	/* Its source still counts (adm): until the child is reaped. */
	(void)epoll_ctl(rs.ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	return 0;
}

/*
 * Probing is what costs: REFL_MAX_PROBING requests at once in all, and
 * few per source, so that two sources cannot take them all from the
 * rest. NULL when there is room for one more from peer.
 */
static const char *
probing_busy(const struct sockaddr_storage *peer)
{
	size_t i, addr = 0, net = 0;

	if (rs.nkids == REFL_MAX_PROBING)
		return "busy: " XSTR(REFL_MAX_PROBING) " requests are being "
		    "probed, try again later";
	for (i = 0; i < REFL_MAX_PROBING; i++) {
		if (rs.kid[i].pid == 0)
			continue;
		addr += (size_t)adm_same(peer, &rs.kid[i].peer, 0);
		net += (size_t)adm_same(peer, &rs.kid[i].peer, 1);
	}
	if (addr >= ADM_PROBING_PER_ADDR)
		return "busy: a request from this address is being probed, "
		    "wait for its answer";
	if (net >= ADM_PROBING_PER_64)
		return "busy: " XSTR(ADM_PROBING_PER_64) " requests from this "
		    "IPv6 /64 are being probed, try again later";
	return NULL;
}

static void
on_line(struct conn *c)
{
	struct refl_probe pr[REFL_MAX_PROBES];
	struct sockaddr_storage target;
	const char *err = NULL;
	size_t n;

	/* Busy first: a refused request does not spend the rate. */
	err = probing_busy(&c->peer);
	if (err == NULL && !adm_rate_ok(&rs.adm, &c->peer, time(NULL),
	    REFL_RATE_SECONDS))
		err = "rate limited: one request every " XSTR(REFL_RATE_SECONDS)
		    " seconds";
	if (err == NULL && refl_parse_request(c->line, pr, &n, &err) == 0 &&
	    refl_target(c->line, &c->peer, &target, &err) == 0) {
		if (start_probe(c, pr, n, &target) == 0)
			return;
		err = "busy: cannot start a probe, try again later";
	}
	say(c->fd, &c->peer, err);
	conn_close(c);
}

static void
on_read(struct conn *c)
{
	char *nl;
	ssize_t n;

	n = recv(c->fd, c->line + c->len, REFL_MAX_LINE - c->len, 0);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(c);	/* gone, or done sending before a line */
		return;
	}
	nl = memchr(c->line + c->len, '\n', (size_t)n);
	c->len += (size_t)n;
	if (nl != NULL) {
		*nl = '\0';	/* what follows the line is not read */
		on_line(c);
	} else if (c->len == REFL_MAX_LINE) {
		say(c->fd, &c->peer, "a request is one line of at most "
		    XSTR(REFL_MAX_LINE) " bytes");
		conn_close(c);
	}
}

static void
on_child(void)
{
	struct signalfd_siginfo si;
	char a[INET6_ADDRSTRLEN];
	struct kid *k;
	pid_t pid;
	int st;

	while (read(rs.sig, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;	/* one SIGCHLD may stand for several children */
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (k = rs.kid; k < rs.kid + REFL_MAX_PROBING; k++)
			if (k->pid == pid)
				break;
		if (k == rs.kid + REFL_MAX_PROBING)
			continue;
		if (WIFSIGNALED(st))
			log_warnx("reflector: probing %s: %s by signal %d",
			    addr_host(&k->peer, a, sizeof(a)), k->killed ?
			    "past its deadline, stopped" : "ended",
			    WTERMSIG(st));
		adm_close(&rs.adm, &k->peer);
		k->pid = 0;
		rs.nkids--;
	}
}

/* Deadlines passed now; the milliseconds to the next one, or -1. */
static int
expire(void)
{
	long left, next = -1;
	size_t i;

	for (i = 0; i < ADM_MAX_CONNS; i++) {
		struct conn *c = &rs.conn[i];

		if (c->fd == -1)
			continue;
		if ((left = LINE_MS - loop_ms_since(&c->t0)) <= 0) {
			say(c->fd, &c->peer, "timeout: the request line must "
			    "arrive within " XSTR(REFL_LINE_SECONDS) " seconds");
			conn_close(c);
		} else if (next == -1 || left < next)
			next = left;
	}
	for (i = 0; i < REFL_MAX_PROBING; i++) {
		struct kid *k = &rs.kid[i];

		if (k->pid == 0 || k->killed)
			continue;
		if ((left = CONN_MS - loop_ms_since(&k->t0)) <= 0) {
			(void)kill(k->pid, SIGKILL);	/* reaped in on_child */
			k->killed = 1;
		} else if (next == -1 || left < next)
			next = left;
	}
	if (!rs.accepting) {
		if ((left = 1000 - loop_ms_since(&rs.paused)) <= 0)
			accepting(1);
		else if (next == -1 || left < next)
			next = left;
	}
	return (int)next;
}

/* Every connection is a descriptor: room for all of them, if allowed. */
static void
fd_room(void)
{
	rlim_t need = ADM_MAX_CONNS + 16;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur < need)
		log_warnx("reflector: %llu descriptors, fewer than the %d "
		    "connections it admits", (unsigned long long)rl.rlim_cur,
		    ADM_MAX_CONNS);
}

static int
serve_setup(const struct sockaddr_storage *ss)
{
	struct epoll_event ev = { .events = EPOLLIN };
	sigset_t chld;
	size_t i;
	int one = 1;

	adm_init(&rs.adm);
	for (i = 0; i < ADM_MAX_CONNS; i++)
		rs.conn[i].fd = -1;
	rs.self = getpid();
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, &rs.oldmask) == -1 ||
	    (rs.sig = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC)) == -1 ||
	    (rs.ep = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    (rs.ls = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(rs.ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(rs.ls, (const struct sockaddr *)ss, addr_len(ss)) == -1 ||
	    listen(rs.ls, 128) == -1)
		return -1;
	accepting(1);
	if (!rs.accepting)
		return -1;
	ev.data.ptr = &rs.sig;
	if (epoll_ctl(rs.ep, EPOLL_CTL_ADD, rs.sig, &ev) == -1)
		return -1;
	fd_room();
	return 0;
}

int
refl_serve(const char *listen_on)
{
	struct sockaddr_storage ss;
	struct epoll_event evs[64];
	int i, n;

	if (addr_parse(listen_on, &ss) == -1) {
		log_warnx("--listen %s: expected ADDR:PORT or [ADDR6]:PORT",
		    listen_on);
		return 2;
	}
	if (serve_setup(&ss) == -1) {
		log_warn("reflector: %s", listen_on);
		return 1;
	}
	log_info("reflector listening on %s", listen_on);
	for (;;) {
		if ((n = epoll_wait(rs.ep, evs, 64, expire())) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("reflector: epoll_wait");
			return 1;
		}
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == &rs.ls)
				on_accept();
			else if (evs[i].data.ptr == &rs.sig)
				on_child();
			else if (((struct conn *)evs[i].data.ptr)->fd != -1)
				on_read(evs[i].data.ptr);
		}
	}
}
