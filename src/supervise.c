/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * supervise.c: performs what the table in supfsm.c decides. fork/exec of
 * the SFU through privsep.c (its own session, supervise.user, no
 * descriptor but stdio, dies with the daemon), readiness, restart with
 * backoff, a clean stop. A close-on-exec pipe tells a failed exec (or a
 * failed setuid) apart from a crash; a failed start of any kind is retried
 * with backoff, as s6-supervise does: nothing leaves the SFU down for good.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "privsep.h"
#include "supervise.h"
#include "untrusted.h"

#define HEALTHY_MS	60000
#define READY_POLL_MS	50

extern char **environ;

static struct {
	struct conf_supervise c;	/* its section of the configuration */
	char		 name[64];
	sup_ready_fn	 ready_fn;
	sup_event_fn	 on_ready;
	void		 (*stopped)(void);
	enum sup_state	 state;
	pid_t		 pid;
	int		 out_fd, exec_fd;
	char		 line[2048];
	size_t		 linelen;
	int		 timer;		/* backoff, retry, readiness, stop */
	struct timespec	 started, ready_deadline;
	unsigned	 restarts, consecutive, start_failures, failed_in_row;
	long		 backoff_ms;
	char		 last_exit[64];
	int		 ready, ready_timed_out, restart_pending;
	int		 bind_low;	/* CAP_NET_BIND_SERVICE, ambient */
} s = { .out_fd = -1, .exec_fd = -1, .timer = -1 };

static void on_timer(const struct loop_event *, void *);

/* The one timer; none before sup_init() (a daemon with nothing to run). */
static void
arm(long ms)
{
	if (s.timer != -1)
		(void)loop_timer_set(s.timer, ms);
}

void
sup_init(const struct conf_supervise *c, sup_ready_fn ready, sup_event_fn on_ready)
{
	char tmp[CONF_ARG_MAX];

	s.c = *c;
	s.ready_fn = ready;
	s.on_ready = on_ready;
	snprintf(tmp, sizeof(tmp), "%s", c->argv[0]);
	snprintf(s.name, sizeof(s.name), "%s", basename(tmp));
	if (s.timer == -1)
		s.timer = loop_timer(on_timer, NULL);
}

/*
 * Lines of the child's stdout and stderr, into the daemon's log. They
 * quote what the SFU's clients sent (names, user agents): each field is
 * escaped here, and the tabs between LiveKit's fields stay. Bounded so
 * the log does not cut one inside a character.
 */
static void
flush_line(void)
{
	char out[960];
	const char *p;
	size_t o = 0, n;

	if (s.linelen == 0)
		return;
	s.line[s.linelen] = '\0';
	for (p = s.line;; p += n + 1) {
		n = strcspn(p, "\t");
		o += ut_clean(out + o, sizeof(out) - o, p, n);
		if (p[n] != '\t' || o + 2 > sizeof(out))
			break;
		out[o++] = '\t';
		out[o] = '\0';
	}
	log_info("%s: %s", s.name, out);
	s.linelen = 0;
}

static void
close_output(void)
{
	if (s.out_fd == -1)
		return;
	flush_line();
	loop_del(s.out_fd);
	close(s.out_fd);
	s.out_fd = -1;
}

static void
on_output(const struct loop_event *ev, void *arg)
{
	char buf[4096];
	ssize_t n, i;

	(void)arg;
	n = read(ev->fd, buf, sizeof(buf));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		close_output();
		return;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			flush_line();
			continue;
		}
		if (s.linelen >= sizeof(s.line) - 1)
			flush_line();	/* a very long line, in pieces */
		s.line[s.linelen++] = buf[i];
	}
}

static void
close_exec_pipe(void)
{
	if (s.exec_fd == -1)
		return;
	loop_del(s.exec_fd);
	close(s.exec_fd);
	s.exec_fd = -1;
}

/*
 * The close-on-exec pipe: EOF means exec succeeded, an errno that it
 * failed. From sup_exited (from_exit) only a failure is news: a child
 * that exec'd and already exited is an exit, not a start.
 */
static void
exec_pipe(int fd, int from_exit)
{
	int err;
	ssize_t n;

	do
		n = read(fd, &err, sizeof(err));
	while (n == -1 && errno == EINTR);
	if (n == -1 && errno == EAGAIN)
		return;
	close_exec_pipe();
	if (n == (ssize_t)sizeof(err)) {
		errno = err;
		log_warn("supervise: cannot execute %s (supervise.command[0]"
		    "%s%s)", s.c.argv[0], s.c.user[0] ? " as " : "",
		    s.c.user);
		snprintf(s.last_exit, sizeof(s.last_exit), "exec failed: %s",
		    strerror(err));
		sup_event(SEV_START_FAILED);
		return;
	}
	if (from_exit)
		return;
	log_debug("supervise: %s executed after %ld ms", s.name,
	    loop_ms_since(&s.started));
	sup_event(SEV_STARTED);
}

static void
on_exec_pipe(const struct loop_event *ev, void *arg)
{
	(void)arg;
	exec_pipe(ev->fd, 0);
}

/* In the child, privileges already dropped: stdio, directory, exec. */
static void __attribute__((noreturn))
exec_child(int out_w, int exec_w)
{
	char *argv[CONF_MAX_ARGS + 1], *envp[CONF_SFU_ENV_MAX];
	size_t i;

	if (dup2(out_w, 1) == -1 || dup2(out_w, 2) == -1)
		ps_child_fail(exec_w);
	if (out_w > 2)
		close(out_w);
	if (s.c.workdir[0] != '\0' && chdir(s.c.workdir) == -1)
		ps_child_fail(exec_w);
	/* The daemon's environment less systemd's, plus supervise.env. */
	(void)conf_sfu_env(&s.c, environ, (const char **)envp,
	    sizeof(envp) / sizeof(envp[0]));
	for (i = 0; i < s.c.argc; i++)
		argv[i] = s.c.argv[i];
	argv[i] = NULL;
	environ = envp;
	ps_sys.execvp(argv[0], argv);
	ps_child_fail(exec_w);
}

/* SACT_SPAWN: 0 with a child on its way, -1 when the start failed. */
static int
spawn(void)
{
	struct ps_opts o;
	int out[2], ex[2], err;
	pid_t pid;

	if (ps_sys.pipe2(out, O_CLOEXEC) == -1)
		goto fail;
	if (ps_sys.pipe2(ex, O_CLOEXEC) == -1) {
		err = errno;
		close(out[0]);
		close(out[1]);
		errno = err;
		goto fail;
	}
	memset(&o, 0, sizeof(o));
	o.user = s.c.user;
	o.groups = 1;
	o.keep[o.nkeep++] = out[1];
	o.err_fd = ex[1];
	o.pdeathsig = SIGTERM;
	o.new_session = 1;
	o.bind_low = s.bind_low;
	clock_gettime(CLOCK_MONOTONIC, &s.started);
	if ((pid = ps_fork(&o)) == 0)
		exec_child(out[1], ex[1]);
	err = errno;
	close(out[1]);
	close(ex[1]);
	if (pid == -1) {
		close(out[0]);
		close(ex[0]);
		errno = err;
		goto fail;
	}
	s.pid = pid;
	s.out_fd = out[0];
	s.exec_fd = ex[0];
	(void)fcntl(s.out_fd, F_SETFL, O_NONBLOCK);
	(void)fcntl(s.exec_fd, F_SETFL, O_NONBLOCK);
	if (loop_add(s.out_fd, on_output, NULL) == -1 ||
	    loop_add(s.exec_fd, on_exec_pipe, NULL) == -1)
		log_warnx("supervise: the child's output is not watched");
	s.ready = s.ready_timed_out = 0;
	s.backoff_ms = 0;
	clock_gettime(CLOCK_MONOTONIC, &s.ready_deadline);
	s.ready_deadline.tv_sec += s.c.ready_timeout;
	log_info("supervise: started %s (pid %d)", s.name, (int)s.pid);
	arm(READY_POLL_MS);
	return 0;
fail:
	if (errno == ESRCH)
		log_warnx("supervise: cannot start %s: no such user %s "
		    "(supervise.user)", s.c.argv[0], s.c.user);
	else
		log_warn("supervise: cannot start %s", s.c.argv[0]);
	snprintf(s.last_exit, sizeof(s.last_exit), "start failed: %s",
	    errno == ESRCH ? "no such user" : strerror(errno));
	return -1;
}

/* SACT_POLL_READY, and SEV_READY when the listeners are there. */
static void
poll_ready(void)
{
	if (s.exec_fd != -1) {
		arm(READY_POLL_MS);	/* exec not seen yet */
		return;
	}
	if (s.ready_fn == NULL || s.ready_fn()) {
		s.ready = 1;
		log_info("supervise: %s is ready: every endpoint has its "
		    "listeners (%ld ms after start)", s.name,
		    loop_ms_since(&s.started));
		sup_event(SEV_READY);
		return;
	}
	if (loop_ms_since(&s.ready_deadline) >= 0) {
		s.ready_timed_out = 1;
		log_warnx("supervise: %s is not ready after %lds "
		    "(supervise.ready_timeout_seconds): not every endpoint has "
		    "its listeners", s.name, s.c.ready_timeout);
		sup_event(SEV_READY);
		return;
	}
	arm(READY_POLL_MS);
}

static void
arm_backoff(void)
{
	long up = loop_ms_since(&s.started);

	/* A child that was healthy for a while starts a fresh backoff. */
	if (up >= HEALTHY_MS)
		s.consecutive = 0;
	s.restarts++;
	s.backoff_ms = s.consecutive == 0 ? 0 : ps_backoff_ms(s.consecutive - 1);
	s.consecutive++;
	log_warnx("supervise: %s exited (%s) after %ld ms; restart %u in "
	    "%ld ms", s.name, s.last_exit, up, s.restarts, s.backoff_ms);
	/* 1 ms, not 0: a timer of 0 is no timer. */
	arm(s.backoff_ms > 0 ? s.backoff_ms : 1);
}

static void
arm_retry(void)
{
	s.start_failures++;
	s.backoff_ms = ps_backoff_ms(s.failed_in_row);
	s.failed_in_row++;
	log_warnx("supervise: %s did not start (%s); next try in %ld ms",
	    s.name, s.last_exit, s.backoff_ms);
	arm(s.backoff_ms);
}

static void
signal_child(int sig)
{
	if (s.pid <= 0)
		return;
	/* Its session and process group carry its own children too. */
	(void)kill(-s.pid, sig);
	(void)kill(s.pid, sig);
}

/* SIGTERM, SIGKILL after stop_timeout (a reload starts it again). */
static void
terminate(enum sup_event e)
{
	if (e == SEV_RELOAD)
		s.restart_pending = 1;
	log_info("supervise: stopping %s (pid %d)", s.name, (int)s.pid);
	signal_child(SIGTERM);
	arm(s.c.stop_timeout * 1000);
	if (s.pid <= 0)		/* nothing to wait for */
		sup_event(SEV_EXITED);
}

/* Settled: start again if a reload waited, else tell who asked to stop. */
static void
disarmed(enum sup_state was)
{
	arm(0);
	if (was == SUP_STOPPING)
		log_info("supervise: %s stopped (%s)", s.name, s.last_exit);
	if (s.restart_pending) {
		s.restart_pending = 0;
		sup_event(SEV_RELOAD);
	} else if (s.stopped != NULL) {
		void (*done)(void) = s.stopped;

		s.stopped = NULL;
		done();
	}
}

void
sup_event(enum sup_event e)
{
	struct sup_cell c = sup_next(s.state, e);
	enum sup_state was = s.state;

	if (e == SEV_RELOAD && was == SUP_STOPPING)
		s.restart_pending = 1;
	if (e == SEV_STOP)
		s.restart_pending = 0;
	s.state = c.next;
	if (was != c.next)
		log_debug("supervise: %s --%s--> %s (%s)", sup_state_name(was),
		    sup_event_name(e), sup_state_name(c.next),
		    sup_action_name(c.action));
	switch (c.action) {
	case SACT_NONE:
		break;
	case SACT_SPAWN:
		if (spawn() == -1)
			sup_event(SEV_START_FAILED);
		break;
	case SACT_POLL_READY:
		if (e == SEV_STARTED)
			s.failed_in_row = 0;
		poll_ready();
		break;
	case SACT_NOTIFY_READY:
		if (s.on_ready != NULL)
			s.on_ready(s.ready_timed_out);
		break;
	case SACT_ARM_BACKOFF:
		arm_backoff();
		break;
	case SACT_ARM_RETRY:
		arm_retry();
		break;
	case SACT_TERM:
		terminate(e);
		break;
	case SACT_KILL:
		log_warnx("supervise: %s did not stop within %lds: SIGKILL",
		    s.name, s.c.stop_timeout);
		signal_child(SIGKILL);
		break;
	case SACT_DISARM:
		disarmed(was);
		break;
	}
}

static void
on_timer(const struct loop_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	sup_event(SEV_TIMER);
}

void
sup_bind_low(int on)
{
	s.bind_low = on;
}

void
sup_start(void)
{
	if (s.state == SUP_STOPPED)
		sup_event(SEV_RELOAD);
}

void
sup_reload(const struct conf_supervise *c)
{
	sup_init(c, s.ready_fn, s.on_ready);
	s.consecutive = s.failed_in_row = 0;
	sup_event(SEV_RELOAD);
}

int
sup_exited(pid_t pid, int status)
{
	if (pid <= 0 || pid != s.pid)
		return 0;
	s.pid = 0;
	/*
	 * What it leaves in its process group (a forked helper, a shell's
	 * background job) would hold its ports against the next start and
	 * outlive a stop: gone with it. Right after the reap, while no new
	 * process can be given the group's number (it still has members).
	 */
	if (kill(-pid, SIGKILL) == 0)
		log_warnx("supervise: %s left processes in its group: killed",
		    s.name);
	close_output();
	/* Read what the pipe says before deciding: a failed exec? */
	if (s.exec_fd != -1)
		exec_pipe(s.exec_fd, 1);
	if (s.state == SUP_FAILED)
		return 1;	/* last_exit already says why */
	ps_exit_str(status, s.last_exit, sizeof(s.last_exit));
	sup_event(SEV_EXITED);
	return 1;
}

void
sup_stop(void (*done)(void))
{
	/* A stop without a callback does not cancel one already waiting. */
	if (done != NULL)
		s.stopped = done;
	sup_event(SEV_STOP);
}

int
sup_differs(const struct conf_supervise *a, const struct conf_supervise *b)
{
	size_t i;

	if (a->enabled != b->enabled || a->argc != b->argc ||
	    a->nenv != b->nenv || strcmp(a->user, b->user) != 0 ||
	    strcmp(a->workdir, b->workdir) != 0)
		return 1;
	for (i = 0; i < a->argc; i++)
		if (strcmp(a->argv[i], b->argv[i]) != 0)
			return 1;
	for (i = 0; i < a->nenv; i++)
		if (strcmp(a->env[i], b->env[i]) != 0)
			return 1;
	return 0;
}

void
sup_get(struct sup_status *st)
{
	size_t i, n = 0;

	memset(st, 0, sizeof(*st));
	st->state = s.state;
	st->pid = s.pid > 0 ? s.pid : 0;
	st->restarts = s.restarts;
	st->start_failures = s.start_failures;
	snprintf(st->last_exit, sizeof(st->last_exit), "%s", s.last_exit);
	st->backoff_ms = s.backoff_ms;
	st->ready = s.ready;
	st->ready_timed_out = s.ready_timed_out;
	for (i = 0; i < s.c.argc && n < sizeof(st->command) - 1; i++) {
		int w = snprintf(st->command + n, sizeof(st->command) - n, "%s%s",
		    i ? " " : "", s.c.argv[i]);

		if (w < 0)
			break;
		n += (size_t)w;
	}
}
