/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mapper.c: the daemon's side of the mapper. It forks the mapper process,
 * takes its privileges away before it reads anything from the network,
 * and keeps the last report it sent, after checking it: the mapper parses
 * what the router says, so the daemon trusts nothing it relays.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "instance.h"
#include "mapper.h"
#include "privsep.h"
#include "rate.h"

#define STOP_WAIT_MS	10000
#define EXIT_WAIT_MS	2000
#define STUCK_MS	10000
#define RESEND_MS	200
#define HEALTHY_MS	60000
/*
 * The mapper talks to strangers, so the daemon bounds what it can make
 * the daemon do: its log lines (a burst, then one a second, the rest
 * counted), how often a report is acted on (status, metrics), and how
 * much it may say at all: ours sends a few messages a minute, a flood is
 * a mapper gone wrong and is killed (and restarted, with backoff).
 */
#define LOG_BURST	30
#define LOG_PER_S	1.0
#define REPORT_MIN_MS	200
#define FLOOD_MSGS	500	/* within a second */

static int mfd = -1;
static pid_t mpid = -1;
static struct {
	enum map_proc_state	state;
	unsigned		restarts, consecutive;
	long			backoff_ms;
	char			last_exit[64];
	struct timespec		started;
	int			timer;
	struct map_conf		mc;	/* kept for restarts */
	char			user[CONF_NAME_MAX];
	int			dirty;	/* a mapper ended without removing all */
	int			conf_pending;	/* CONF not sent yet: socket full */
	struct timespec		pending_since;
	uint32_t		left, unknown;	/* from the last MAPMSG_STOPPED */
} mp = { .timer = -1 };
static struct map_report last, prev;
static int have_report;
static int acted;		/* prev holds the report last acted on */
static struct {
	struct rate	 logs[2];	/* information, warnings */
	long long	 window_ms;	/* the current second of messages */
	unsigned	 in_window;
	int		 tfd;		/* a report waits to be acted on */
	int		 due;
	long long	 last_ms;	/* the last report acted on */
} lim = { .tfd = -1 };
static void (*report_cb)(void);

static void lost_socket(void);

void
mapper_on_report(void (*cb)(void))
{
	report_cb = cb;
}

void
mapper_conf_from(const struct conf_mapping *c, unsigned families,
    const struct profile *p, struct map_conf *mc)
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
	for (i = 0; i < p->n && mc->nfwd < MAP_MAX_FWD; i++) {
		const struct prof_endpoint *e = &p->ep[i];
		struct map_fwd_conf *f;

		/* What clients are told belongs to the proxy, not to us. */
		if (e->flags & PROF_EP_CLIENT)
			continue;
		f = &mc->fwd[mc->nfwd++];

		snprintf(f->name, sizeof(f->name), "%s", e->name);
		f->proto = e->proto;
		f->port = e->port;
		f->port_end = e->port_end;
		f->families = e->families & families;
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
			const struct map_fam_state *o = acted &&
			    i < prev.nfwd && strcmp(prev.fwd[i].name, s->name) == 0 ?
			    &prev.fwd[i].fam[f] : NULL;

			/* Pending: not asked yet (pinholes follow IPv4). */
			if (st->state == MAP_NOT_SERVED ||
			    st->state == MAP_PENDING ||
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

/* A report is acted on: its changes logged, status and metrics follow. */
static void
act(void)
{
	lim.due = 0;
	lim.last_ms = rate_now_ms();
	if (!have_report)
		return;
	log_changes();
	prev = last;
	acted = 1;
	if (report_cb != NULL)
		report_cb();
}

static void
on_report_due(const struct loop_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	if (lim.due)
		act();
}

/* At most one report acted on every REPORT_MIN_MS; the newest wins. */
static void
report_in(void)
{
	long long since = rate_now_ms() - lim.last_ms;

	if (since >= REPORT_MIN_MS || lim.tfd == -1) {
		act();
		return;
	}
	if (!lim.due) {
		lim.due = 1;
		loop_timer_set(lim.tfd, REPORT_MIN_MS - since);
	}
}

/* 1 when the mapper floods the daemon: it is killed, and its socket shut. */
static int
flooding(void)
{
	long long now = rate_now_ms();

	if (now - lim.window_ms >= 1000) {
		lim.window_ms = now;
		lim.in_window = 0;
	}
	if (++lim.in_window <= FLOOD_MSGS || mpid <= 0)
		return 0;
	log_warnx("mapper: more than %d messages in a second (pid %d): killing "
	    "it", FLOOD_MSGS, (int)mpid);
	(void)kill(mpid, SIGKILL);	/* not reaped: ours */
	lost_socket();
	return 1;
}

/*
 * Warnings and information have a bucket each: a burst of chatter must
 * not hide the warning that follows it.
 */
static void
log_line(struct map_log *l)
{
	struct rate *b = &lim.logs[l->level ? 1 : 0];

	mapper_check_log(l);
	if (!rate_allow(b, rate_now_ms(), LOG_PER_S, LOG_BURST))
		return;
	if (b->dropped > 0) {
		log_warnx("mapper: %lu %s lines not logged (more than %d at "
		    "once, then one a second)", b->dropped, l->level ?
		    "warning" : "information", LOG_BURST);
		b->dropped = 0;
	}
	if (l->level)
		log_warnx("mapper: %s", l->text);
	else
		log_info("mapper: %s", l->text);
}

static void
on_message(const struct loop_event *ev, void *arg)
{
	static union {
		struct map_report	r;
		struct map_log		l;
	} m;
	uint32_t type, n;
	int r;

	(void)arg;
	r = mapper_recv(ev->fd, &type, &m, sizeof(m), &n);
	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		/* Its exit (SIGCHLD) restarts it; a mad one is made to exit. */
		if (r < 0 && errno == EBADMSG && mpid > 0) {
			log_warnx("mapper: malformed message: killing it");
			(void)kill(mpid, SIGKILL);	/* not reaped: ours */
		}
		lost_socket();
		return;
	}
	if (flooding())
		return;
	if (type == MAPMSG_LOG && n == sizeof(m.l))
		log_line(&m.l);
	else if (type == MAPMSG_REPORT && n == sizeof(m.r) &&
	    mapper_check_report(&m.r) == 0) {
		last = m.r;
		have_report = 1;
		report_in();
	} else if (rate_allow(&lim.logs[1], rate_now_ms(), LOG_PER_S, LOG_BURST))
		log_warnx("mapper: message of type %u and %u bytes ignored",
		    type, n);
}

/* ---- the mapper process, supervised ---- */

/* Its socket is gone: what it reported no longer holds. */
static void
lost_socket(void)
{
	if (mfd != -1) {
		loop_del(mfd);
		close(mfd);
		mfd = -1;
	}
	have_report = 0;
	acted = 0;
	lim.due = 0;
	lim.in_window = 0;	/* the next mapper starts with a clean slate */
}

/*
 * One message to the mapper. The daemon's end does not block: a mapper
 * that stops reading (stuck, stopped) must not freeze the daemon; it is
 * killed (not reaped yet: its PID is still ours) and its exit restarts it.
 */
static int
tell(uint32_t type, const void *payload, uint32_t len)
{
	if (mapper_send(mfd, type, payload, len) == 0)
		return 0;
	if (errno == EAGAIN && type == MAPMSG_CONF) {
		/* Busy (a remap takes seconds): sent again shortly. */
		if (!mp.conf_pending)
			clock_gettime(CLOCK_MONOTONIC, &mp.pending_since);
		mp.conf_pending = 1;
		loop_timer_set(mp.timer, RESEND_MS);
		return 0;
	}
	if (errno == EAGAIN && mpid > 0) {
		log_warnx("mapper: not reading its messages (pid %d): killing it",
		    (int)mpid);
		(void)kill(mpid, SIGKILL);
	} else
		log_warn("mapper: sending a message");
	return -1;
}

/* The newest configuration, once the mapper reads again; stuck: killed. */
static void
resend(void)
{
	if (!mp.conf_pending || mfd == -1)
		return;
	if (mapper_send(mfd, MAPMSG_CONF, &mp.mc, sizeof(mp.mc)) == 0) {
		mp.conf_pending = 0;
		return;
	}
	if (errno == EAGAIN && loop_ms_since(&mp.pending_since) < STUCK_MS) {
		loop_timer_set(mp.timer, RESEND_MS);
		return;
	}
	mp.conf_pending = 0;
	if (mpid > 0) {
		log_warnx("mapper: not reading its messages for %d s (pid %d): "
		    "killing it", STUCK_MS / 1000, (int)mpid);
		(void)kill(mpid, SIGKILL);	/* not reaped yet: ours */
	}
}

/*
 * Fork the mapper through privsep (mapping.user, no descriptor but its
 * socket, SIGTERM when the daemon dies) and hand it the forwards.
 */
static int
spawn(void)
{
	struct ps_opts o;
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1) {
		log_warn("mapper: socketpair");
		return -1;
	}
	mp.mc.inherited = (uint32_t)mp.dirty;
	memset(&o, 0, sizeof(o));
	o.user = mp.user;
	o.keep[o.nkeep++] = sv[1];
	/* The table lock, held until its last forward is gone (instance.h). */
	if (inst_fd() != -1)
		o.keep[o.nkeep++] = inst_fd();
	o.err_fd = -1;
	o.pdeathsig = SIGTERM;
	o.name = "portward-mapper";
	if ((pid = ps_fork(&o)) == 0) {
		log_init("portwardd", 0, 0);
		mapper_child(sv[1]);
	}
	close(sv[1]);
	if (pid == -1) {
		if (errno == ESRCH)
			log_warnx("mapper: no user %s (mapping.user)", mp.user);
		else
			log_warn("mapper: fork");
		snprintf(mp.last_exit, sizeof(mp.last_exit), "start failed: %s",
		    errno == ESRCH ? "no such user" : strerror(errno));
		close(sv[0]);
		return -1;
	}
	mpid = pid;
	mfd = sv[0];
	mp.conf_pending = 0;
	(void)fcntl(mfd, F_SETFL, O_NONBLOCK);
	clock_gettime(CLOCK_MONOTONIC, &mp.started);
	mp.state = MAPPROC_RUNNING;
	if (loop_add(mfd, on_message, NULL) == -1 ||
	    tell(MAPMSG_CONF, &mp.mc, sizeof(mp.mc)) == -1) {
		(void)kill(mpid, SIGKILL);	/* not reaped yet: still ours */
		lost_socket();
		return 0;	/* its exit restarts it */
	}
	log_info("mapper: started (pid %d, user %s)", (int)mpid,
	    geteuid() == 0 ? mp.user : "unchanged");
	return 0;
}

/* The next start, later: a little later the first time, then doubling. */
static void
backoff(void)
{
	long up = mp.started.tv_sec ? loop_ms_since(&mp.started) : 0;

	if (up >= HEALTHY_MS)
		mp.consecutive = 0;
	/* The first restart at once (100 ms), then throttled. */
	mp.backoff_ms = mp.consecutive == 0 ? 100 :
	    ps_backoff_ms(mp.consecutive - 1);
	mp.consecutive++;
	mp.state = MAPPROC_BACKOFF;
	loop_timer_set(mp.timer, mp.backoff_ms);
}

static void
on_timer(const struct loop_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	if (mp.state == MAPPROC_RUNNING)
		resend();
	if (mp.state != MAPPROC_BACKOFF)
		return;
	mp.restarts++;
	log_info("mapper: restart %u: every forward is asked for again",
	    mp.restarts);
	if (spawn() == -1)
		backoff();
}

int
mapper_exited(pid_t pid, int status)
{
	if (pid <= 0 || pid != mpid)
		return 0;
	mpid = -1;	/* reaped: its PID is no longer ours to signal */
	ps_exit_str(status, mp.last_exit, sizeof(mp.last_exit));
	lost_socket();
	if (mp.state != MAPPROC_RUNNING)
		return 1;
	mp.dirty = 1;	/* what it held is still on the router */
	backoff();
	log_warnx("mapper: exited (%s); forwards are no longer kept; a new "
	    "mapper in %ld ms asks for them again", mp.last_exit,
	    mp.backoff_ms);
	if (report_cb != NULL)
		report_cb();
	return 1;
}

void
mapper_start(const struct conf_mapping *c, unsigned families,
    const struct profile *p)
{
	static struct map_conf nc;

	mapper_conf_from(c, families, p, &nc);
	nc.inherited = mp.mc.inherited;
	/*
	 * Another user: a new process. A mapper in backoff that is given
	 * other forwards: its predecessor's are removed first, by a mapper
	 * that knows them (after a switch to NAT-PMP, the new one could not
	 * delete UPnP pinholes).
	 */
	if ((mp.state == MAPPROC_RUNNING &&
	    strcmp(mp.user, c->user) != 0) ||
	    (mp.state == MAPPROC_BACKOFF && (nc.nmethods != mp.mc.nmethods ||
	    memcmp(nc.methods, mp.mc.methods, sizeof(nc.methods)) != 0 ||
	    nc.nfwd != mp.mc.nfwd ||
	    memcmp(nc.fwd, mp.mc.fwd, sizeof(nc.fwd)) != 0))) {
		if (mp.state == MAPPROC_BACKOFF)
			mp.restarts++;	/* the one after the cleanup is one */
		log_info("mapper: %s: removing the forwards first",
		    mp.state == MAPPROC_RUNNING ? "mapping.user changed" :
		    "new forwards while restarting");
		(void)mapper_stop();
	}
	if (mp.timer == -1 && (mp.timer = loop_timer(on_timer, NULL)) == -1)
		log_warnx("mapper: no timer: a dead mapper is not restarted");
	if (lim.tfd == -1 && (lim.tfd = loop_timer(on_report_due, NULL)) == -1)
		log_warnx("mapper: no timer: every report is acted on");
	if (mp.state == MAPPROC_RUNNING) {
		/* Only a change is worth a message (a reload may change nothing). */
		if (memcmp(&nc, &mp.mc, sizeof(nc)) != 0) {
			mp.mc = nc;
			if (mfd != -1)
				tell(MAPMSG_CONF, &mp.mc, sizeof(mp.mc));
		}
		return;
	}
	mp.mc = nc;
	snprintf(mp.user, sizeof(mp.user), "%s", c->user);
	if (mp.state == MAPPROC_BACKOFF)
		return;		/* the restart takes the configuration */
	mp.consecutive = 0;
	if (spawn() == -1)
		backoff();
}

void
mapper_update(const struct conf_mapping *c, unsigned families,
    const struct profile *p)
{
	mapper_start(c, families, p);
}

/* Wait (bounded) for the mapper to exit; SIGKILL if it will not. */
static void
wait_exit(void)
{
	struct timespec t0, tick = { 0, 10 * 1000 * 1000 };
	int status;
	pid_t r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((r = waitpid(mpid, &status, WNOHANG)) == 0 &&
	    loop_ms_since(&t0) < EXIT_WAIT_MS)
		nanosleep(&tick, NULL);
	if (r == 0) {
		(void)kill(mpid, SIGKILL);	/* not reaped: still ours */
		while (waitpid(mpid, &status, 0) == -1 && errno == EINTR)
			;
	}
	mpid = -1;
}

/*
 * Tell the running mapper to stop and wait (bounded) for its answer.
 * 0: every forward removed; >0: that many left on the router; -1: no
 * answer (stuck, or a dead router holds it); -2: it died before answering.
 */
static int
ask_stop(void)
{
	static union {
		struct map_report	r;
		struct map_log		l;
		struct map_stopped	s;
	} m;
	struct timespec t0;
	struct pollfd pf;
	uint32_t type, len;
	long left;
	int n;

	if (mpid <= 0 || mfd == -1)
		return -1;
	/* Bounded: a dead router must not hold the daemon's exit. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	mp.left = mp.unknown = 0;
	while (mapper_send(mfd, MAPMSG_STOP, NULL, 0) == -1) {
		pf.fd = mfd;
		pf.events = POLLOUT;
		left = STOP_WAIT_MS - loop_ms_since(&t0);
		if (errno != EAGAIN || left <= 0 ||
		    (poll(&pf, 1, (int)left) <= 0 && errno != EINTR))
			return -1;
	}
	for (;;) {
		left = STOP_WAIT_MS - loop_ms_since(&t0);
		pf.fd = mfd;
		pf.events = POLLIN;
		if (left <= 0 || (n = poll(&pf, 1, (int)left)) == 0)
			return -1;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		n = mapper_recv(mfd, &type, &m, sizeof(m), &len);
		if (n == -1 && errno == EAGAIN)
			continue;
		if (n <= 0)
			return -2;
		if (type == MAPMSG_STOPPED && len == sizeof(m.s)) {
			mp.left = m.s.left > MAP_MAX_FWD * 2 ? MAP_MAX_FWD * 2 :
			    m.s.left;
			mp.unknown = m.s.unknown > MAP_MAX_FWD * 2 ?
			    MAP_MAX_FWD * 2 : m.s.unknown;
			return (int)(mp.left + mp.unknown);
		}
		if (type == MAPMSG_LOG && len == sizeof(m.l)) {
			mapper_check_log(&m.l);
			log_info("mapper: %s", m.l.text);
		}
	}
}

int
mapper_stop(void)
{
	int r, tries;

	if (mp.state == MAPPROC_STOPPED)
		return 0;
	loop_timer_set(mp.timer, 0);
	/*
	 * A mapper that died left its forwards: one more to remove them.
	 * So does one that dies while it removes them (once more, no more).
	 */
	for (tries = 0; tries < 2; tries++) {
		if (mpid <= 0 && spawn() == 0)
			log_info("mapper: started to remove what the last one "
			    "left");
		r = ask_stop();
		lost_socket();
		if (mpid > 0)
			wait_exit();
		if (r != -2)
			break;
		log_warnx("mapper: it exited before confirming");
	}
	mp.state = MAPPROC_STOPPED;
	mp.conf_pending = 0;
	mp.dirty = r != 0;
	if (r == 0)
		log_info("mapper: stopped; forwards removed");
	else if (r > 0 && mp.left > 0)
		log_warnx("mapper: stopped; %u forward%s could not be removed "
		    "(the router did not answer): it keeps them until their "
		    "lease ends", mp.left, mp.left == 1 ? "" : "s");
	if (r > 0 && mp.unknown > 0)
		log_warnx("mapper: stopped; %u forward%s a mapper before it "
		    "held could not be checked (the router did not answer): "
		    "they may stay until their lease ends", mp.unknown,
		    mp.unknown == 1 ? "" : "s");
	else if (r < 0)
		log_warnx("mapper: stopped without confirming that the "
		    "forwards are removed; the router keeps them until their "
		    "lease ends");
	return r == 0 ? 0 : -1;
}

void
mapper_proc_get(struct map_proc_status *st)
{
	memset(st, 0, sizeof(*st));
	st->state = mp.state;
	st->pid = mpid > 0 ? mpid : 0;
	st->restarts = mp.restarts;
	st->backoff_ms = mp.state == MAPPROC_BACKOFF ? mp.backoff_ms : 0;
	snprintf(st->last_exit, sizeof(st->last_exit), "%s", mp.last_exit);
}

const struct map_report *
mapper_report(void)
{
	return have_report && mp.state == MAPPROC_RUNNING ? &last : NULL;
}
