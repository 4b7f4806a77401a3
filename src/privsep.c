/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * privsep.c: fork and drop privileges, in one place (STYLE: one helper
 * that fails closed). The user is looked up in the parent, so that an
 * unknown user is an error the daemon can log, not a child that silently
 * stays root.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "privsep.h"

struct ps_sys ps_sys = { pipe2, fork, setresuid, execvp };

void
ps_child_fail(int fd)
{
	int err = errno;

	if (fd != -1)
		(void)!write(fd, &err, sizeof(err));
	_exit(127);
}

void
ps_exit_str(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "signal %d", WTERMSIG(status));
	else
		snprintf(buf, len, "status %#x", (unsigned)status);
}

long
ps_backoff_ms(unsigned n)
{
	long ms = 1000L << (n < 5 ? n : 5);

	return ms > 30000 ? 30000 : ms;
}

static int
close_between(int lo, int hi)		/* [lo, hi], hi -1: to the end */
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lo, hi < 0 ? ~0U :
	    (unsigned)hi, 0) == 0)
		return 0;
#endif
	int fd, max = (int)sysconf(_SC_OPEN_MAX);

	if (max < 0 || max > 65536)
		max = 65536;
	if (hi < 0 || hi >= max)
		hi = max - 1;
	for (fd = lo; fd <= hi; fd++)
		(void)close(fd);
	return 0;
}

/* Everything above stdio closed, but what the caller keeps. */
static void
close_rest(const struct ps_opts *o)
{
	int keep[PS_MAX_KEEP + 1], n = 0, i, j, lo = 3, t;

	for (i = 0; i < o->nkeep; i++)
		keep[n++] = o->keep[i];
	if (o->err_fd >= 0)
		keep[n++] = o->err_fd;
	for (i = 1; i < n; i++)		/* a handful: insertion sort */
		for (j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
			t = keep[j];
			keep[j] = keep[j - 1];
			keep[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		if (keep[i] < lo)
			continue;
		if (keep[i] > lo)
			(void)close_between(lo, keep[i] - 1);
		lo = keep[i] + 1;
	}
	(void)close_between(lo, -1);
}

static void
reset_signals(void)
{
	sigset_t none;
	int i;

	for (i = 1; i < NSIG; i++)
		(void)signal(i, SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
}

/* The capability sets, through the system calls (no libcap). */
static int
caps_get(struct __user_cap_data_struct c[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capget, &h, c);
}

static int
caps_set(struct __user_cap_data_struct c[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capset, &h, c);
}

#define BIND_BIT	(1U << CAP_NET_BIND_SERVICE)	/* in word 0 */

int
ps_can_bind_low(void)
{
	struct __user_cap_data_struct c[2];

	return caps_get(c) == 0 && (c[0].permitted & BIND_BIT) != 0;
}

int
ps_bind_low_unused(void)
{
	struct __user_cap_data_struct c[2];

	if (caps_get(c) == -1)
		return -1;
	if ((c[0].effective & BIND_BIT) == 0)
		return 0;
	c[0].effective &= ~BIND_BIT;
	return caps_set(c);
}

/*
 * After setresuid with PR_SET_KEEPCAPS: of the permitted set only
 * CAP_NET_BIND_SERVICE stays, inheritable and ambient too, so that it
 * survives execve of an ordinary program (capabilities(7)).
 */
static int
keep_bind_low(void)
{
	struct __user_cap_data_struct c[2];

	memset(c, 0, sizeof(c));
	c[0].permitted = c[0].effective = c[0].inheritable = BIND_BIT;
	if (caps_set(c) == -1 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE,
	    0, 0) == -1)
		return -1;
	return prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
}

static int
drop(const struct ps_opts *o, const struct passwd *pw)
{
	int keep;

	if (pw == NULL)
		return 0;
	keep = o->bind_low && pw->pw_uid != 0;
	if (keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1)
		return -1;
	if ((o->groups ? initgroups(pw->pw_name, pw->pw_gid) :
	    setgroups(0, NULL)) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    ps_sys.setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		return -1;
	if (keep && keep_bind_low() == -1)
		return -1;
	/* Proof, not hope: a dropped process cannot take root back. */
	if (pw->pw_uid != 0 && (setuid(0) != -1 || geteuid() == 0)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

pid_t
ps_fork(const struct ps_opts *o)
{
	struct passwd pwbuf, *pw = NULL;
	static char strs[1024];
	pid_t parent = getpid(), pid;

	if (o->user != NULL && o->user[0] != '\0' && geteuid() == 0) {
		errno = 0;
		if (getpwnam_r(o->user, &pwbuf, strs, sizeof(strs), &pw) != 0 ||
		    pw == NULL) {
			if (errno == 0)
				errno = ESRCH;
			return -1;
		}
	}
	if ((pid = ps_sys.fork()) != 0)
		return pid;
	reset_signals();
	close_rest(o);
	if (o->new_session)
		(void)setsid();
	if (drop(o, pw) == -1)
		ps_child_fail(o->err_fd);
	/* After the credentials change, which clears it. */
	if (o->pdeathsig)
		(void)prctl(PR_SET_PDEATHSIG, o->pdeathsig);
	if (getppid() != parent)
		_exit(0);	/* the daemon is already gone */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		ps_child_fail(o->err_fd);
	if (o->name != NULL)
		(void)prctl(PR_SET_NAME, o->name);
	return 0;
}
