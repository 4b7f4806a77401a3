/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Units for the one fork-and-drop helper (privsep.c): it fails closed.
 * Real forks; the child reports what it is over a pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "testutil.h"
#include "privsep.h"

static int forks;
static pid_t counting_fork(void) { forks++; return fork(); }
static int fail_setresuid(uid_t r, uid_t e, uid_t s)
{ (void)r; (void)e; (void)s; errno = EPERM; return -1; }

struct report {
	uid_t			uid, euid;
	int			nnp, extra_open, kept_open, setuid0;
	unsigned long long	cap_eff, cap_prm, cap_amb;
};

/* A capability set of this process, from /proc/self/status ("CapEff"). */
static unsigned long long
capset_of(const char *name)
{
	char line[256];
	unsigned long long v = ~0ULL;
	size_t n = strlen(name);
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return v;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, name, n) == 0 && line[n] == ':')
			v = strtoull(line + n + 1, NULL, 16);
	fclose(f);
	return v;
}

static struct ps_sys real;

static int
setup(void **st)
{
	(void)st;
	real = ps_sys;
	ps_sys.fork = counting_fork;
	forks = 0;
	return 0;
}

static int
teardown(void **st)
{
	(void)st;
	ps_sys = real;
	return 0;
}

/* Fork with o; the child fills a report. Returns the child's exit status. */
static int
run(struct ps_opts *o, struct report *r, int *errno_out)
{
	int rep[2], err[2], extra, status;
	pid_t pid;
	ssize_t n;

	assert_int_equal(pipe2(rep, O_CLOEXEC), 0);
	assert_int_equal(pipe2(err, O_CLOEXEC), 0);
	extra = open("/dev/null", O_RDONLY);	/* must not reach the child */
	o->keep[o->nkeep++] = rep[1];
	o->err_fd = err[1];
	pid = ps_fork(o);
	if (pid == 0) {
		struct report me;

		memset(&me, 0, sizeof(me));
		me.uid = getuid();
		me.euid = geteuid();
		me.nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
		me.extra_open = fcntl(extra, F_GETFD) != -1;
		me.kept_open = fcntl(rep[1], F_GETFD) != -1;
		me.setuid0 = setuid(0) == 0;
		me.cap_eff = capset_of("CapEff");
		me.cap_prm = capset_of("CapPrm");
		me.cap_amb = capset_of("CapAmb");
		(void)!write(rep[1], &me, sizeof(me));
		_exit(0);
	}
	close(rep[1]);
	close(err[1]);
	close(extra);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	memset(r, 0, sizeof(*r));
	n = read(rep[0], r, sizeof(*r));
	*errno_out = 0;
	if (read(err[0], errno_out, sizeof(*errno_out)) != sizeof(int))
		*errno_out = 0;
	close(rep[0]);
	close(err[0]);
	return n == (ssize_t)sizeof(*r) ? WEXITSTATUS(status) : 1000 +
	    WEXITSTATUS(status);
}

static void
privsep__unknown_user__no_fork_esrch(void **st)
{
	struct ps_opts o;

	(void)st;
	if (geteuid() != 0)
		skip();		/* users are looked up by root only */
	memset(&o, 0, sizeof(o));
	o.user = "pw-no-such-user";
	o.err_fd = -1;
	errno = 0;
	assert_int_equal(ps_fork(&o), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(forks, 0);	/* no child at all, never a root one */
}

static void
privsep__user__dropped_proven_nnp_fds_closed(void **st)
{
	struct ps_opts o;
	struct report r;
	struct passwd *pw;
	int e;

	(void)st;
	if (geteuid() != 0)
		skip();
	assert_non_null(pw = getpwnam("nobody"));
	memset(&o, 0, sizeof(o));
	o.user = "nobody";
	assert_int_equal(run(&o, &r, &e), 0);
	assert_int_equal(forks, 1);
	assert_int_equal(r.uid, pw->pw_uid);
	assert_int_equal(r.euid, pw->pw_uid);
	assert_int_equal(r.setuid0, 0);
	assert_int_equal(r.nnp, 1);
	assert_int_equal(r.extra_open, 0);
	assert_int_equal(r.kept_open, 1);
	assert_int_equal(r.cap_eff, 0);
	assert_int_equal(r.cap_prm, 0);
	assert_int_equal(r.cap_amb, 0);
}

/* A port below 1024 for the SFU: that one capability, ambient, no other. */
static void
privsep__bind_low__only_net_bind_service_ambient(void **st)
{
	struct ps_opts o;
	struct report r;
	int e;

	(void)st;
	if (geteuid() != 0 || !ps_can_bind_low())
		skip();
	memset(&o, 0, sizeof(o));
	o.user = "nobody";
	o.bind_low = 1;
	assert_int_equal(run(&o, &r, &e), 0);
	assert_int_equal(r.cap_eff, 1ULL << 10);	/* CAP_NET_BIND_SERVICE */
	assert_int_equal(r.cap_prm, 1ULL << 10);
	assert_int_equal(r.cap_amb, 1ULL << 10);
	assert_int_equal(r.setuid0, 0);
	assert_int_equal(r.nnp, 1);
}

static void
privsep__setuid_fails__child_exits_127_before_caller_code(void **st)
{
	struct ps_opts o;
	struct report r;
	int e;

	(void)st;
	if (geteuid() != 0)
		skip();
	ps_sys.setresuid = fail_setresuid;
	memset(&o, 0, sizeof(o));
	o.user = "nobody";
	/* No report: the caller's code never ran; exit 127 with errno. */
	assert_int_equal(run(&o, &r, &e), 1000 + 127);
	assert_int_equal(e, EPERM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(privsep__unknown_user__no_fork_esrch, setup, teardown),
		cmocka_unit_test_setup_teardown(privsep__user__dropped_proven_nnp_fds_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(privsep__setuid_fails__child_exits_127_before_caller_code, setup, teardown),
		cmocka_unit_test_setup_teardown(privsep__bind_low__only_net_bind_service_ambient, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
