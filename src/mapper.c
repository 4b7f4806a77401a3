/*
 * mapper.c: the daemon's side of the mapper. It forks the mapper process,
 * takes its privileges away before it reads anything from the network,
 * and keeps the last report it sent, after checking it: the mapper parses
 * what the router says, so the daemon trusts nothing it relays.
 */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "mapper.h"

#define STOP_WAIT_MS	10000

static int mfd = -1;
static pid_t mpid = -1;
static struct map_report last, prev;
static int have_report;
static void (*report_cb)(void);

void
mapper_on_report(void (*cb)(void))
{
	report_cb = cb;
}

const char *
mapper_state_name(enum map_state s)
{
	switch (s) {
	case MAP_PENDING: return "pending";
	case MAP_OK: return "forwarded";
	case MAP_CONFLICT: return "forward-conflict";
	case MAP_ERROR: return "no-forward";
	case MAP_RANGE: return "range-not-forwarded";
	case MAP_UNSUPPORTED: return "no-ipv6-firewall-control";
	case MAP_NOT_SERVED: return "not-served";
	case MAP_STALE: return "router-unreachable";
	}
	return "unknown";
}

int
mapper_send(int fd, uint32_t type, const void *payload, uint32_t len)
{
	struct map_hdr h = { type, len };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)payload, len } };
	struct msghdr msg;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = len ? 2 : 1;
	do
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return n == (ssize_t)(sizeof(h) + len) ? 0 : -1;
}

int
mapper_recv(int fd, uint32_t *type, void *buf, uint32_t bufsz,
    uint32_t *len)
{
	struct map_hdr h;
	struct iovec iov[2] = { { &h, sizeof(h) }, { buf, bufsz } };
	struct msghdr msg;
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	do
		n = recvmsg(fd, &msg, 0);
	while (n == -1 && errno == EINTR);
	if (n == 0)
		return 0;
	/* SOCK_SEQPACKET: one message per read; a longer one is truncated. */
	if (n < (ssize_t)sizeof(h) || (msg.msg_flags & MSG_TRUNC) ||
	    h.len != (uint32_t)(n - (ssize_t)sizeof(h)) || h.len > bufsz)
		return -1;
	*type = h.type;
	*len = h.len;
	return 1;
}

static void
terminate(char *s, size_t len)
{
	s[len - 1] = '\0';
}

int
mapper_check_report(struct map_report *r)
{
	uint32_t i, f;

	if (r->nfwd > MAP_MAX_FWD || r->method > CONF_METHOD_UPNP)
		return -1;
	terminate(r->gateway, sizeof(r->gateway));
	terminate(r->ext4, sizeof(r->ext4));
	terminate(r->lan4, sizeof(r->lan4));
	terminate(r->lan6, sizeof(r->lan6));
	terminate(r->err, sizeof(r->err));
	for (i = 0; i < r->nfwd; i++) {
		struct map_fwd_state *s = &r->fwd[i];

		terminate(s->name, sizeof(s->name));
		for (f = 0; f < 2; f++) {
			if (s->fam[f].state > MAP_STALE ||
			    s->fam[f].method > CONF_METHOD_UPNP)
				return -1;
			terminate(s->fam[f].other, sizeof(s->fam[f].other));
			terminate(s->fam[f].err, sizeof(s->fam[f].err));
		}
	}
	return 0;
}

void
mapper_conf_from(const struct conf *c, const struct profile *p,
    struct map_conf *mc)
{
	size_t i;

	memset(mc, 0, sizeof(*mc));
	mc->nmethods = (uint32_t)c->nmethods;
	for (i = 0; i < c->nmethods; i++)
		mc->methods[i] = c->methods[i];
	mc->lease = (uint32_t)c->lease_seconds;
	mc->has_gateway = (uint32_t)c->has_gateway;
	mc->gateway = c->gateway;
	snprintf(mc->igd_url, sizeof(mc->igd_url), "%s", c->igd_url);
	for (i = 0; i < p->n && i < MAP_MAX_FWD; i++) {
		const struct prof_endpoint *e = &p->ep[i];
		struct map_fwd_conf *f = &mc->fwd[mc->nfwd++];

		snprintf(f->name, sizeof(f->name), "%s", e->name);
		f->proto = e->proto;
		f->port = e->port;
		f->port_end = e->port_end;
		f->families = e->families & c->families;
	}
}

/* One line per forward and family whose state changed. */
static void
log_changes(void)
{
	static const char *fam[2] = { "ipv4", "ipv6" };
	char ports[16];
	uint32_t i, f;

	for (i = 0; i < last.nfwd; i++) {
		const struct map_fwd_state *s = &last.fwd[i];

		snprintf(ports, sizeof(ports), "%u", s->port);
		for (f = 0; f < 2; f++) {
			const struct map_fam_state *st = &s->fam[f];
			const struct map_fam_state *o = have_report &&
			    i < prev.nfwd && strcmp(prev.fwd[i].name, s->name) == 0 ?
			    &prev.fwd[i].fam[f] : NULL;

			if (st->state == MAP_NOT_SERVED ||
			    (o != NULL && o->state == st->state &&
			    strcmp(o->err, st->err) == 0))
				continue;
			if (st->state == MAP_OK)
				log_info("forward %s %s %s/%s: %s via %s, lease %us",
				    s->name, fam[f], ports,
				    prof_proto_name(s->proto), f == 0 ?
				    "port mapping" : "pinhole",
				    conf_method_name(st->method), st->lease);
			else
				log_warnx("forward %s %s %s/%s: %s: %s", s->name,
				    fam[f], ports, prof_proto_name(s->proto),
				    mapper_state_name(st->state), st->err);
		}
	}
}

static void
on_message(int fd, void *arg)
{
	static union {
		struct map_report	r;
		struct map_log		l;
	} m;
	uint32_t type, n;
	int r;

	(void)arg;
	r = mapper_recv(fd, &type, &m, sizeof(m), &n);
	if (r <= 0) {
		log_warnx("mapper: %s; forwards are no longer kept",
		    r == 0 ? "it exited" : "malformed message");
		loop_del(fd);
		close(fd);
		mfd = -1;
		return;
	}
	if (type == MAPMSG_LOG && n == sizeof(m.l)) {
		terminate(m.l.text, sizeof(m.l.text));
		if (m.l.level)
			log_warnx("mapper: %s", m.l.text);
		else
			log_info("mapper: %s", m.l.text);
	} else if (type == MAPMSG_REPORT && n == sizeof(m.r) &&
	    mapper_check_report(&m.r) == 0) {
		prev = last;
		last = m.r;
		log_changes();
		have_report = 1;
		if (report_cb != NULL)
			report_cb();
	} else
		log_warnx("mapper: message of type %u and %u bytes ignored",
		    type, n);
}

/* In the child, before it touches the network: no privileges at all. */
static void
drop_privileges(const struct passwd *pw)
{
	if (geteuid() != 0)
		return;		/* not root: nothing to drop (tests, -n) */
	if (setgroups(0, NULL) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1) {
		log_warn("mapper: dropping privileges to %s", pw->pw_name);
		_exit(1);
	}
	if (setuid(0) != -1) {
		log_warnx("mapper: still able to become root");
		_exit(1);
	}
}

int
mapper_start(const struct conf *c, const struct profile *p)
{
	static struct map_conf mc;
	struct passwd *pw = NULL;
	int sv[2], fd;
	pid_t parent;

	if (geteuid() == 0 && (pw = getpwnam(c->mapper_user)) == NULL) {
		log_warnx("mapper: no user %s (mapping.user)", c->mapper_user);
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		log_warn("mapper: socketpair");
		return -1;
	}
	parent = getpid();
	switch (mpid = fork()) {
	case -1:
		log_warn("mapper: fork");
		close(sv[0]);
		close(sv[1]);
		return -1;
	case 0:
		close(sv[0]);
		/* Nothing but the socket and stdio: close the rest. */
		for (fd = 3; fd < 1024; fd++)
			if (fd != sv[1])
				(void)close(fd);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		{
			sigset_t none;

			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
		}
		if (pw != NULL)
			drop_privileges(pw);
		/* After the credentials change, which would clear it. */
		(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(0);
		(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		(void)prctl(PR_SET_NAME, "portward-mapper");
		log_init("portwardd", 0, 0);
		mapper_child(sv[1]);
	}
	close(sv[1]);
	mfd = sv[0];
	if (loop_add(mfd, on_message, NULL) == -1)
		return -1;
	mapper_conf_from(c, p, &mc);
	if (mapper_send(mfd, MAPMSG_CONF, &mc, sizeof(mc)) == -1) {
		log_warn("mapper: sending the configuration");
		return -1;
	}
	log_info("mapper: started (pid %d, user %s)", (int)mpid,
	    pw ? pw->pw_name : "unchanged");
	return 0;
}

int
mapper_update(const struct conf *c, const struct profile *p)
{
	static struct map_conf mc;

	if (mfd == -1)
		return mapper_start(c, p);
	mapper_conf_from(c, p, &mc);
	return mapper_send(mfd, MAPMSG_CONF, &mc, sizeof(mc));
}

void
mapper_stop(void)
{
	static union {
		struct map_report	r;
		struct map_log		l;
	} m;
	struct timespec t0;
	struct pollfd pf;
	uint32_t type, len;
	long left;
	int n, status;

	if (mpid <= 0)
		return;
	if (mfd != -1 && mapper_send(mfd, MAPMSG_STOP, NULL, 0) == 0) {
		/* Bounded: a dead router must not hold the daemon's exit. */
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (;;) {
			left = STOP_WAIT_MS - loop_ms_since(&t0);
			pf.fd = mfd;
			pf.events = POLLIN;
			if (left <= 0 || poll(&pf, 1, (int)left) <= 0)
				break;
			n = mapper_recv(mfd, &type, &m, sizeof(m), &len);
			if (n <= 0 || type == MAPMSG_STOPPED)
				break;
			if (type == MAPMSG_LOG && len == sizeof(m.l)) {
				terminate(m.l.text, sizeof(m.l.text));
				log_info("mapper: %s", m.l.text);
			}
		}
	}
	if (mfd != -1) {
		loop_del(mfd);
		close(mfd);
		mfd = -1;
	}
	kill(mpid, SIGTERM);
	while (waitpid(mpid, &status, 0) == -1 && errno == EINTR)
		;
	log_info("mapper: stopped; forwards removed");
	mpid = -1;
}

const struct map_report *
mapper_report(void)
{
	return have_report ? &last : NULL;
}
