/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Units for the supervisor's driver (supervise.c): each cell of the
 * table with its action performed for real, on real processes, with the
 * failures injected through privsep's seam (ps_sys): pipe, fork, exec
 * and setuid. The test plays the daemon: it reaps children and hands
 * them to sup_exited(), as portwardd's SIGCHLD handler does.
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "testutil.h"
#include "log.h"
#include "loop.h"
#include "privsep.h"
#include "supervise.h"

static int ready_flag, ready_calls, stopped_calls;
static int last_status, reaped;

static int ready_fn(void) { return ready_flag; }
static void on_ready(int timed_out) { (void)timed_out; ready_calls++; }
static void on_stopped(void) { stopped_calls++; }

static int fail_pipe2(int fds[2], int flags)
{ (void)fds; (void)flags; errno = EMFILE; return -1; }
static pid_t fail_fork(void) { errno = EAGAIN; return -1; }
static int fail_exec(const char *f, char *const a[])
{ (void)f; (void)a; errno = ENOENT; return -1; }
static int fail_setresuid(uid_t r, uid_t e, uid_t s)
{ (void)r; (void)e; (void)s; errno = EPERM; return -1; }

static struct ps_sys real_sys;

static void
conf_cmd(struct conf *c, const char *sh)
{
	memset(c, 0, sizeof(*c));
	c->supervise.enabled = 1;
	c->supervise.argc = 3;
	snprintf(c->supervise.argv[0], CONF_ARG_MAX, "/bin/sh");
	snprintf(c->supervise.argv[1], CONF_ARG_MAX, "-c");
	snprintf(c->supervise.argv[2], CONF_ARG_MAX, "%s", sh);
	c->supervise.ready_timeout = 30;
	c->supervise.stop_timeout = 1;
}

static enum sup_state
state(void)
{
	struct sup_status st;

	sup_get(&st);
	return st.state;
}

static struct sup_status
status(void)
{
	struct sup_status st;

	sup_get(&st);
	return st;
}

/* The daemon's reap(): every child that exited goes to sup_exited(). */
static void
reap(void)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		last_status = st;
		reaped++;
		(void)sup_exited(pid, st);
	}
}

static int (*pred)(void);
static struct timespec t0;
static long limit_ms;

static void
tick(const struct loop_event *ev, void *arg)
{
	(void)arg;
	reap();
	if (pred() || loop_ms_since(&t0) > limit_ms)
		loop_exit();
	else
		loop_timer_set(ev->fd, 10);
}

/* Run the loop (timers, pipes, reaping) until p() holds or ms pass. */
static int
pump(int (*p)(void), long ms)
{
	static int tfd = -1;

	if (tfd == -1)
		tfd = loop_timer(tick, NULL);
	pred = p;
	limit_ms = ms;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	loop_timer_set(tfd, 1);
	(void)loop_run();
	return p();
}

static int is_stopped(void) { return state() == SUP_STOPPED; }
static int is_starting_exec_seen(void)
{ return state() == SUP_STARTING || state() == SUP_RUNNING; }
static int is_running(void) { return state() == SUP_RUNNING; }
static int is_failed(void) { return state() == SUP_FAILED; }
static int is_backoff(void) { return state() == SUP_BACKOFF; }
static int has_pid(void) { return status().pid > 0; }
static int never(void) { return 0; }

static int
setup(void **st)
{
	(void)st;
	real_sys = ps_sys;
	ready_flag = 1;
	ready_calls = stopped_calls = 0;
	return 0;
}

/* Back to stopped, whatever the test left; no child survives a test. */
static int
teardown(void **st)
{
	(void)st;
	ps_sys = real_sys;
	sup_stop(NULL);
	(void)pump(is_stopped, 5000);
	assert_int_equal(state(), SUP_STOPPED);
	return 0;
}

static void
start_sleeper(const char *cmd)
{
	struct conf c;

	conf_cmd(&c, cmd);
	sup_init(&c.supervise, ready_fn, on_ready);
	sup_start();
	assert_int_equal(state(), SUP_STARTING);
	assert_true(has_pid());
}

/* stopped --reload--> starting --started--> (poll) --ready--> running */
static void
supervise__start__starting_then_running_when_listeners_seen(void **st)
{
	(void)st;
	ready_flag = 0;
	start_sleeper("exec sleep 60");
	/* started: exec confirmed, polling; not ready while nothing listens */
	assert_false(pump(is_running, 300));
	assert_int_equal(state(), SUP_STARTING);
	assert_int_equal(ready_calls, 0);
	ready_flag = 1;
	assert_true(pump(is_running, 3000));
	assert_int_equal(ready_calls, 1);
	/* running: started, ready, timer, start-failed change nothing */
	sup_event(SEV_READY);
	sup_event(SEV_TIMER);
	sup_event(SEV_STARTED);
	sup_event(SEV_START_FAILED);
	assert_int_equal(state(), SUP_RUNNING);
	assert_int_equal(ready_calls, 1);
}

/* running --exited--> backoff --timer--> starting (a new process) */
static void
supervise__crash__restarted_with_backoff(void **st)
{
	struct sup_status a, b;

	(void)st;
	start_sleeper("exec sleep 60");
	assert_true(pump(is_running, 3000));
	a = status();
	kill(a.pid, SIGKILL);
	/* The first restart comes at once (1 ms), the next ones back off. */
	assert_true(pump(is_running, 3000));
	b = status();
	assert_int_equal(b.restarts, a.restarts + 1);
	assert_int_not_equal(b.pid, a.pid);
	assert_string_equal(b.last_exit, "signal 9");
	kill(b.pid, SIGKILL);
	assert_true(pump(is_backoff, 3000));
	assert_true(status().backoff_ms >= 1000);
	/* backoff: exited (stale), started, ready, start-failed: stay */
	sup_event(SEV_EXITED);
	sup_event(SEV_READY);
	sup_event(SEV_STARTED);
	sup_event(SEV_START_FAILED);
	assert_int_equal(state(), SUP_BACKOFF);
	/* the timer starts it again */
	sup_event(SEV_TIMER);
	assert_int_equal(state(), SUP_STARTING);
	assert_true(has_pid());
}

/* A failed pipe2 or fork: failed, retried by the timer, not down for good. */
static void
supervise__pipe_or_fork_failure__retried_by_timer(void **st)
{
	struct conf c;
	unsigned f0 = status().start_failures;

	(void)st;
	conf_cmd(&c, "exec sleep 60");
	sup_init(&c.supervise, ready_fn, on_ready);
	ps_sys.pipe2 = fail_pipe2;
	sup_start();
	assert_int_equal(state(), SUP_FAILED);
	assert_int_equal(status().start_failures, f0 + 1);
	assert_string_equal(status().last_exit,
	    "start failed: Too many open files");
	assert_true(status().backoff_ms > 0);
	/* failed: a timer while fork fails too: failed again, longer wait */
	ps_sys = real_sys;
	ps_sys.fork = fail_fork;
	sup_event(SEV_TIMER);
	assert_int_equal(state(), SUP_FAILED);
	assert_int_equal(status().start_failures, f0 + 2);
	assert_string_equal(status().last_exit,
	    "start failed: Resource temporarily unavailable");
	/* failed: started, ready, exited, start-failed change nothing */
	sup_event(SEV_STARTED);
	sup_event(SEV_READY);
	sup_event(SEV_EXITED);
	assert_int_equal(state(), SUP_FAILED);
	/* the real timer (no event from the test) starts it once fork works */
	ps_sys = real_sys;
	assert_true(pump(is_running, 8000));
}

/* A failed exec or setuid in the child: told apart from a crash, retried. */
static void
supervise__exec_failure__failed_then_retried(void **st)
{
	struct sup_status s0 = status();

	(void)st;
	ps_sys.execvp = fail_exec;
	start_sleeper("exec sleep 60");
	assert_true(pump(is_failed, 3000));
	assert_string_equal(status().last_exit,
	    "exec failed: No such file or directory");
	assert_int_equal(status().restarts, s0.restarts);	/* not a crash */
	assert_int_equal(status().start_failures, s0.start_failures + 1);
	(void)pump(never, 100);		/* its exit is reaped, changes nothing */
	assert_int_equal(state(), SUP_FAILED);
	assert_string_equal(status().last_exit,
	    "exec failed: No such file or directory");
	ps_sys = real_sys;
	assert_true(pump(is_running, 8000));
}

static void
supervise__setuid_failure__fails_closed(void **st)
{
	struct conf c;

	(void)st;
	if (geteuid() != 0)
		skip();		/* dropping privileges needs root */
	conf_cmd(&c, "exec sleep 60");
	snprintf(c.supervise.user, sizeof(c.supervise.user), "nobody");
	sup_init(&c.supervise, ready_fn, on_ready);
	ps_sys.setresuid = fail_setresuid;
	sup_start();
	assert_true(pump(is_failed, 3000));
	/* The command never ran as root: exec was never reached. */
	assert_string_equal(status().last_exit,
	    "exec failed: Operation not permitted");
	ps_sys = real_sys;
	sup_event(SEV_TIMER);
	assert_true(pump(is_running, 3000));
}

static void
supervise__unknown_user__start_failed_no_child(void **st)
{
	struct conf c;

	(void)st;
	if (geteuid() != 0)
		skip();		/* the user is only looked up by root */
	conf_cmd(&c, "exec sleep 60");
	snprintf(c.supervise.user, sizeof(c.supervise.user), "pw-no-such-user");
	sup_init(&c.supervise, ready_fn, on_ready);
	sup_start();
	assert_int_equal(state(), SUP_FAILED);
	assert_int_equal(status().pid, 0);
	assert_string_equal(status().last_exit, "start failed: no such user");
}

/* starting|running --stop--> stopping --exited--> stopped, done() called */
static void
supervise__stop__sigterm_then_stopped(void **st)
{
	(void)st;
	start_sleeper("exec sleep 60");
	assert_true(pump(is_running, 3000));
	sup_stop(on_stopped);
	assert_int_equal(state(), SUP_STOPPING);
	/* stopping: started, ready, start-failed, stop, reload-less events */
	sup_event(SEV_STARTED);
	sup_event(SEV_READY);
	sup_event(SEV_START_FAILED);
	sup_event(SEV_STOP);
	assert_int_equal(state(), SUP_STOPPING);
	assert_true(pump(is_stopped, 3000));
	assert_true(WIFSIGNALED(last_status));
	assert_int_equal(WTERMSIG(last_status), SIGTERM);
	assert_int_equal(stopped_calls, 1);
	/* stopped: everything but reload and stop changes nothing */
	sup_event(SEV_STARTED);
	sup_event(SEV_READY);
	sup_event(SEV_EXITED);
	sup_event(SEV_START_FAILED);
	sup_event(SEV_TIMER);
	assert_int_equal(state(), SUP_STOPPED);
	assert_int_equal(status().pid, 0);
	/* stop in stopped: done() at once */
	sup_stop(on_stopped);
	assert_int_equal(stopped_calls, 2);
}

/* A child that ignores SIGTERM: SIGKILL when the stop timeout passes. */
static void
supervise__stop_timeout__sigkill(void **st)
{
	(void)st;
	start_sleeper("trap '' TERM; sleep 60 & wait; sleep 60");
	assert_true(pump(is_running, 3000));
	(void)pump(never, 200);		/* the shell has set its trap */
	sup_stop(on_stopped);
	assert_true(pump(is_stopped, 5000));
	assert_true(WIFSIGNALED(last_status));
	assert_int_equal(WTERMSIG(last_status), SIGKILL);
	assert_int_equal(stopped_calls, 1);
}

/* Stopping while starting: the process is stopped before it is ready. */
static void
supervise__stop_while_starting__stopped(void **st)
{
	(void)st;
	ready_flag = 0;
	start_sleeper("exec sleep 60");
	sup_stop(on_stopped);
	assert_int_equal(state(), SUP_STOPPING);
	assert_true(pump(is_stopped, 3000));
	assert_int_equal(ready_calls, 0);
	assert_int_equal(stopped_calls, 1);
}

/* running|starting --reload--> stopping --exited--> starting (new command) */
static void
supervise__reload__restarts_with_new_command(void **st)
{
	struct conf c;
	pid_t old;

	(void)st;
	start_sleeper("exec sleep 60");
	assert_true(pump(is_running, 3000));
	old = status().pid;
	conf_cmd(&c, "exec sleep 61");
	sup_reload(&c.supervise);
	assert_int_equal(state(), SUP_STOPPING);
	sup_event(SEV_RELOAD);		/* a second reload while stopping */
	assert_int_equal(state(), SUP_STOPPING);
	assert_true(pump(is_running, 5000));
	assert_int_not_equal(status().pid, old);
	assert_string_equal(status().command, "/bin/sh -c exec sleep 61");
	assert_int_equal(stopped_calls, 0);	/* not a stop */
}

/* A stop after a reload wins: nothing is started again. */
static void
supervise__stop_after_reload__stays_stopped(void **st)
{
	struct conf c;

	(void)st;
	start_sleeper("exec sleep 60");
	assert_true(pump(is_running, 3000));
	conf_cmd(&c, "exec sleep 61");
	sup_reload(&c.supervise);
	sup_stop(on_stopped);
	assert_true(pump(is_stopped, 3000));
	(void)pump(never, 100);
	assert_int_equal(state(), SUP_STOPPED);
	assert_int_equal(status().pid, 0);
	assert_int_equal(stopped_calls, 1);
}

/* backoff|failed --reload--> starting; --stop--> stopped */
static void
supervise__backoff_and_failed__reload_or_stop(void **st)
{
	struct conf c;

	(void)st;
	conf_cmd(&c, "exec sleep 60");
	sup_init(&c.supervise, ready_fn, on_ready);
	ps_sys.fork = fail_fork;
	sup_start();
	assert_int_equal(state(), SUP_FAILED);
	ps_sys = real_sys;
	sup_reload(&c.supervise);
	assert_int_equal(state(), SUP_STARTING);
	assert_true(pump(is_running, 3000));
	kill(status().pid, SIGKILL);
	assert_true(pump(is_backoff, 3000) || pump(is_running, 3000));
	if (state() == SUP_RUNNING) {	/* the first restart is immediate */
		kill(status().pid, SIGKILL);
		assert_true(pump(is_backoff, 3000));
	}
	sup_stop(on_stopped);
	assert_int_equal(state(), SUP_STOPPED);
	assert_int_equal(stopped_calls, 1);
	ps_sys.fork = fail_fork;
	sup_event(SEV_RELOAD);
	assert_int_equal(state(), SUP_FAILED);
	sup_stop(on_stopped);
	assert_int_equal(state(), SUP_STOPPED);
	assert_int_equal(stopped_calls, 2);
}

/* A child that exits before it is ready: backoff, not ready. */
static void
supervise__exit_while_starting__backoff(void **st)
{
	(void)st;
	ready_flag = 0;
	start_sleeper("exit 3");
	assert_true(pump(is_backoff, 3000) || pump(is_starting_exec_seen, 10));
	assert_int_equal(ready_calls, 0);
	assert_true(reaped > 0);
}

/* What the child leaves in its process group goes with it. */
static void
supervise__exit__leftover_group_members_killed(void **st)
{
	char cmd[256];
	const char *f = tu_file("bg.pid", "");
	FILE *fp;
	int bg = 0, i;

	(void)st;
	snprintf(cmd, sizeof(cmd), "sleep 1000 & echo $! > %s; exit 0", f);
	start_sleeper(cmd);
	assert_true(pump(is_backoff, 3000) || status().restarts > 0);
	sup_stop(NULL);
	(void)pump(is_stopped, 3000);
	assert_non_null(fp = fopen(f, "r"));
	assert_int_equal(fscanf(fp, "%d", &bg), 1);
	fclose(fp);
	/* Not our child (sh's): gone once init reaps it, or a zombie. */
	for (i = 0; i < 100 && kill(bg, 0) == 0; i++) {
		char path[64], state = 0;
		FILE *sf;

		snprintf(path, sizeof(path), "/proc/%d/stat", bg);
		if ((sf = fopen(path, "r")) != NULL) {
			(void)!fscanf(sf, "%*d %*s %c", &state);
			fclose(sf);
		}
		if (state == 'Z')
			break;
		(void)pump(never, 20);
	}
	assert_true(i < 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(supervise__start__starting_then_running_when_listeners_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(supervise__crash__restarted_with_backoff, setup, teardown),
		cmocka_unit_test_setup_teardown(supervise__pipe_or_fork_failure__retried_by_timer, setup, teardown),
		cmocka_unit_test_setup_teardown(supervise__exec_failure__failed_then_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(supervise__setuid_failure__fails_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(supervise__unknown_user__start_failed_no_child, setup, teardown),
		cmocka_unit_test_setup_teardown(supervise__stop__sigterm_then_stopped, setup, teardown),
		cmocka_unit_test_setup_teardown(supervise__stop_timeout__sigkill, setup, teardown),
		cmocka_unit_test_setup_teardown(supervise__stop_while_starting__stopped, setup, teardown),
		cmocka_unit_test_setup_teardown(supervise__reload__restarts_with_new_command, setup, teardown),
		cmocka_unit_test_setup_teardown(supervise__stop_after_reload__stays_stopped, setup, teardown),
		cmocka_unit_test_setup_teardown(supervise__backoff_and_failed__reload_or_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(supervise__exit_while_starting__backoff, setup, teardown),
		cmocka_unit_test_setup_teardown(supervise__exit__leftover_group_members_killed, setup, teardown),
	};

	log_init("test_supervise", 0, 0);
	if (loop_init() == -1)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
