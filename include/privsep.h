/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * privsep.h: the one way portward forks a process that must not keep the
 * daemon's privileges: the mapper, the probe helper and the supervised
 * SFU. It fails closed: a child that cannot become what it was told to
 * be never runs a line of its caller's code.
 *
 * The system calls go through ps_sys, a seam that unit tests replace to
 * inject a failing pipe, fork, exec or setuid.
 */
#ifndef PORTWARD_PRIVSEP_H
#define PORTWARD_PRIVSEP_H

#include <stddef.h>
#include <sys/types.h>

struct ps_sys {
	int	(*pipe2)(int fds[2], int flags);
	pid_t	(*fork)(void);
	int	(*setresuid)(uid_t r, uid_t e, uid_t s);
	int	(*execvp)(const char *file, char *const argv[]);
};
/* The real calls; tests swap members and put them back. */
extern struct ps_sys ps_sys;

#define PS_MAX_KEEP	4

struct ps_opts {
	const char	*user;		/* become this user when root; NULL: stay */
	int		 groups;	/* 1: the user's groups (initgroups); 0: none */
	int		 keep[PS_MAX_KEEP]; /* descriptors kept besides 0-2 */
	int		 nkeep;
	int		 err_fd;	/* the child writes its errno here on failure, or -1 */
	int		 pdeathsig;	/* sent to the child when the daemon dies */
	int		 new_session;	/* setsid(): its own process group */
	const char	*name;		/* PR_SET_NAME, or NULL */
	int		 bind_low;	/* keep CAP_NET_BIND_SERVICE, ambient */
};

/*
 * Fork. In the parent: the child's PID, or -1 (errno set; ESRCH when
 * opts->user does not exist, and then there is no child). In the child:
 * 0, once every descriptor but stdio and opts->keep is closed, signals are
 * back to their defaults and unblocked, the user is dropped (and proven
 * unable to become root again), no_new_privs is set and the parent is
 * known to be alive. With opts->bind_low, CAP_NET_BIND_SERVICE (and no
 * other capability) survives the drop as an ambient capability, so that
 * the program it executes can bind ports below 1024; the daemon must
 * hold it in its permitted set. A child that fails any of that writes errno to
 * opts->err_fd and exits 127: it never returns to the caller.
 */
pid_t	ps_fork(const struct ps_opts *opts);
/*
 * CAP_NET_BIND_SERVICE: 1 when this process holds it in its permitted
 * set (it can hand it to a child), 0 when not.
 */
int	ps_can_bind_low(void);
/*
 * Take CAP_NET_BIND_SERVICE out of the effective set, keeping it
 * permitted for children: the daemon binds no port itself. 0 or -1.
 */
int	ps_bind_low_unused(void);
/* In a child: report errno on fd (may be -1) and exit 127. */
void	ps_child_fail(int fd) __attribute__((noreturn));
/* A wait status as "exit 1" or "signal 9", into buf. */
void	ps_exit_str(int status, char *buf, size_t len);
/*
 * The delay before restart n (0, 1, 2...) of a child that keeps dying:
 * 1 s, 2 s, 4 s... up to 30 s, as s6-supervise throttles.
 */
long	ps_backoff_ms(unsigned n);

#endif
