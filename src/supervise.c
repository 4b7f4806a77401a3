/*
 * supervise.c: fork/exec of the SFU, readiness, restart with backoff and
 * a clean stop. The child gets no descriptor but stdio, runs as
 * supervise.user without capabilities, and dies with the daemon
 * (PR_SET_PDEATHSIG). A close-on-exec pipe tells a failed exec apart
 * from a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "supervise.h"

#define BACKOFF_MAX_MS	30000
#define HEALTHY_MS	60000
#define READY_POLL_MS	50

extern char **environ;

static struct {
	struct conf	 c;		/* only the supervise part is used */
	char		 name[64];
	sup_ready_fn	 ready_fn;
	sup_event_fn	 on_ready;
	void		 (*stopped)(void);
	enum sup_state	 state;
	pid_t		 pid;
	int		 out_fd, exec_fd;
	char		 line[2048];
	size_t		 linelen;
	int		 timer;		/* backoff, readiness, stop */
	struct timespec	 started, ready_deadline;
	unsigned	 restarts, consecutive;
	long		 backoff_ms;
	char		 last_exit[64];
	int		 ready, ready_timed_out, stopping, killed;
} s = { .out_fd = -1, .exec_fd = -1, .timer = -1 };

const char *
sup_state_name(enum sup_state st)
{
	switch (st) {
	case SUP_STOPPED: return "stopped";
	case SUP_STARTING: return "starting";
	case SUP_RUNNING: return "running";
	case SUP_BACKOFF: return "backoff";
	case SUP_FAILED: return "failed";
	}
	return "unknown";
}


static void on_timer(int, void *);

void
sup_init(const struct conf *c, sup_ready_fn ready, sup_event_fn on_ready)
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

/* Lines of the child's stdout and stderr, into the daemon's log. */
static void
flush_line(void)
{
	if (s.linelen == 0)
		return;
	s.line[s.linelen] = '\0';
	log_info("%s: %s", s.name, s.line);
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
on_output(int fd, void *arg)
{
	char buf[4096];
	ssize_t n, i;

	(void)arg;
	n = read(fd, buf, sizeof(buf));
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
		if (s.linelen < sizeof(s.line) - 1)
			s.line[s.linelen++] = buf[i];
		else {
			flush_line();	/* a very long line, in pieces */
			s.line[s.linelen++] = buf[i];
		}
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

/* The close-on-exec pipe: EOF means exec succeeded, an errno that it failed. */
static void
on_exec_pipe(int fd, void *arg)
{
	int err;
	ssize_t n;

	(void)arg;
	n = read(fd, &err, sizeof(err));
	close_exec_pipe();
	if (n == (ssize_t)sizeof(err)) {
		errno = err;
		log_warn("supervise: cannot execute %s (supervise.command[0])",
		    s.c.argv[0]);
		s.state = SUP_FAILED;
		snprintf(s.last_exit, sizeof(s.last_exit), "exec failed: %s",
		    strerror(err));
		return;
	}
	log_debug("supervise: %s executed after %ld ms", s.name,
	    loop_ms_since(&s.started));
}

/* In the child: become what supervise.* says, then exec. Never returns. */
static void __attribute__((noreturn))
child(int out_w, int exec_w, pid_t parent)
{
	char *argv[CONF_MAX_ARGS + 1], *envp[256];
	struct passwd *pw = NULL;
	sigset_t none;
	size_t i, k, ne = 0;
	int err;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (i = 1; i < NSIG; i++)
		signal((int)i, SIG_DFL);
	(void)setsid();
	if (dup2(out_w, 1) == -1 || dup2(out_w, 2) == -1)
		goto fail;
	if (out_w > 2)
		close(out_w);
	/* No descriptor but stdio (and the exec pipe, close-on-exec). */
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */) == -1)
#endif
		for (i = 3; i < 1024; i++)
			if ((int)i != exec_w)
				(void)fcntl((int)i, F_SETFD, FD_CLOEXEC);
	if (s.c.run_user[0] != '\0' && getuid() == 0) {
		if ((pw = getpwnam(s.c.run_user)) == NULL) {
			errno = ESRCH;
			goto fail;
		}
		if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
		    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
		    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
			goto fail;
	}
	/* After the credentials change, which would clear it. */
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(0);	/* the daemon is already gone */
	(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (s.c.workdir[0] != '\0' && chdir(s.c.workdir) == -1)
		goto fail;
	/* The daemon's environment less systemd's, plus supervise.env. */
	for (i = 0; environ[i] != NULL && ne < 200; i++) {
		if (strncmp(environ[i], "NOTIFY_SOCKET=", 14) == 0 ||
		    strncmp(environ[i], "LISTEN_", 7) == 0)
			continue;
		for (k = 0; k < s.c.nenv; k++)
			if (strncmp(environ[i], s.c.env[k],
			    strcspn(s.c.env[k], "=") + 1) == 0)
				break;
		if (k == s.c.nenv)
			envp[ne++] = environ[i];
	}
	for (k = 0; k < s.c.nenv; k++)
		envp[ne++] = s.c.env[k];
	envp[ne] = NULL;
	for (i = 0; i < s.c.argc; i++)
		argv[i] = s.c.argv[i];
	argv[i] = NULL;
	environ = envp;
	execvp(argv[0], argv);
fail:
	err = errno;
	(void)write(exec_w, &err, sizeof(err));
	_exit(127);
}

int
sup_start(void)
{
	int out[2], ex[2];
	pid_t parent;

	if (pipe2(out, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(ex, O_CLOEXEC) == -1) {
		close(out[0]);
		close(out[1]);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &s.started);
	parent = getpid();
	switch (s.pid = fork()) {
	case -1:
		log_warn("supervise: fork");
		close(out[0]);
		close(out[1]);
		close(ex[0]);
		close(ex[1]);
		return -1;
	case 0:
		close(out[0]);
		close(ex[0]);
		child(out[1], ex[1], parent);
	}
	close(out[1]);
	close(ex[1]);
	s.out_fd = out[0];
	s.exec_fd = ex[0];
	(void)fcntl(s.out_fd, F_SETFL, O_NONBLOCK);
	(void)loop_add(s.out_fd, on_output, NULL);
	(void)loop_add(s.exec_fd, on_exec_pipe, NULL);
	s.state = SUP_STARTING;
	s.ready = s.ready_timed_out = s.killed = 0;
	s.backoff_ms = 0;
	clock_gettime(CLOCK_MONOTONIC, &s.ready_deadline);
	s.ready_deadline.tv_sec += s.c.ready_timeout;
	log_info("supervise: started %s (pid %d)", s.name, (int)s.pid);
	loop_timer_set(s.timer, READY_POLL_MS);
	return 0;
}

static void
check_ready(void)
{
	if (s.ready_fn()) {
		s.ready = 1;
		s.state = SUP_RUNNING;
		log_info("supervise: %s is ready: every endpoint has its "
		    "listeners (%ld ms after start)", s.name,
		    loop_ms_since(&s.started));
		s.on_ready(0);
		return;
	}
	if (loop_ms_since(&s.ready_deadline) >= 0) {
		s.ready_timed_out = 1;
		s.state = SUP_RUNNING;
		log_warnx("supervise: %s is not ready after %lds "
		    "(supervise.ready_timeout_seconds): not every endpoint has "
		    "its listeners", s.name, s.c.ready_timeout);
		s.on_ready(1);
		return;
	}
	loop_timer_set(s.timer, READY_POLL_MS);
}

static void
on_timer(int fd, void *arg)
{
	uint64_t x;

	(void)arg;
	if (read(fd, &x, sizeof(x)) < 0 && errno != EAGAIN)
		return;
	if (s.stopping && s.pid > 0) {
		log_warnx("supervise: %s did not stop within %lds: SIGKILL",
		    s.name, s.c.stop_timeout);
		s.killed = 1;
		kill(-s.pid, SIGKILL);
		kill(s.pid, SIGKILL);
		return;
	}
	if (s.state == SUP_STARTING && s.exec_fd == -1)
		check_ready();
	else if (s.state == SUP_STARTING)
		loop_timer_set(s.timer, READY_POLL_MS);	/* exec not seen yet */
	else if (s.state == SUP_BACKOFF)
		(void)sup_start();
}

static void
describe(int status)
{
	if (WIFEXITED(status))
		snprintf(s.last_exit, sizeof(s.last_exit), "exit %d",
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(s.last_exit, sizeof(s.last_exit), "signal %d",
		    WTERMSIG(status));
}

int
sup_exited(pid_t pid, int status)
{
	long up;

	if (pid <= 0 || pid != s.pid)
		return 0;
	s.pid = 0;
	up = loop_ms_since(&s.started);
	close_output();
	if (s.exec_fd != -1) {
		/* Read what the pipe says before deciding: exec failure? */
		on_exec_pipe(s.exec_fd, NULL);
	}
	if (s.state != SUP_FAILED)
		describe(status);
	if (s.stopping) {
		s.state = SUP_STOPPED;
		s.stopping = 0;
		loop_timer_set(s.timer, 0);
		log_info("supervise: %s stopped (%s)", s.name, s.last_exit);
		if (s.stopped != NULL)
			s.stopped();
		return 1;
	}
	if (s.state == SUP_FAILED) {
		loop_timer_set(s.timer, 0);
		return 1;
	}
	/* A child that was healthy for a while starts a fresh backoff. */
	if (up >= HEALTHY_MS)
		s.consecutive = 0;
	s.restarts++;
	s.backoff_ms = s.consecutive == 0 ? 0 :
	    1000L << (s.consecutive - 1 < 5 ? s.consecutive - 1 : 5);
	if (s.backoff_ms > BACKOFF_MAX_MS)
		s.backoff_ms = BACKOFF_MAX_MS;
	s.consecutive++;
	log_warnx("supervise: %s exited (%s) after %ld ms; restart %u in "
	    "%ld ms", s.name, s.last_exit, up, s.restarts, s.backoff_ms);
	if (s.backoff_ms == 0) {
		s.state = SUP_BACKOFF;
		(void)sup_start();
	} else {
		s.state = SUP_BACKOFF;
		loop_timer_set(s.timer, s.backoff_ms);
	}
	return 1;
}

void
sup_stop(void (*done)(void))
{
	s.stopped = done;
	if (s.pid <= 0) {
		s.state = s.state == SUP_FAILED ? SUP_FAILED : SUP_STOPPED;
		if (s.timer != -1)
			loop_timer_set(s.timer, 0);
		if (done != NULL)
			done();
		return;
	}
	s.stopping = 1;
	log_info("supervise: stopping %s (pid %d)", s.name, (int)s.pid);
	kill(-s.pid, SIGTERM);
	kill(s.pid, SIGTERM);
	loop_timer_set(s.timer, s.c.stop_timeout * 1000);
}

int
sup_differs(const struct conf *a, const struct conf *b)
{
	size_t i;

	if (a->supervise != b->supervise || a->argc != b->argc ||
	    a->nenv != b->nenv || strcmp(a->run_user, b->run_user) != 0 ||
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
