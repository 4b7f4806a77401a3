/*
 * privsep.c: fork and drop privileges, in one place (STYLE: one helper
 * that fails closed). The user is looked up in the parent, so that an
 * unknown user is an error the daemon can log, not a child that silently
 * stays root.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
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

static int
kept(const struct ps_opts *o, int fd)
{
	int i;

	for (i = 0; i < o->nkeep; i++)
		if (o->keep[i] == fd)
			return 1;
	return fd == o->err_fd;
}

/* Everything above stdio closed, but what the caller keeps. */
static void
close_rest(const struct ps_opts *o)
{
	int fd, max = (int)sysconf(_SC_OPEN_MAX);

	if (max < 0 || max > 65536)
		max = 65536;
	for (fd = 3; fd < max; fd++)
		if (!kept(o, fd))
			(void)close(fd);
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

static int
drop(const struct ps_opts *o, const struct passwd *pw)
{
	if (pw == NULL)
		return 0;
	if ((o->groups ? initgroups(pw->pw_name, pw->pw_gid) :
	    setgroups(0, NULL)) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    ps_sys.setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
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
