/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * instance.c: the exclusive locks of instance.h. Both are released by
 * the kernel when the daemon dies, whatever kills it: no stale lock file
 * to clean up by hand after a kill -9.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "instance.h"
#include "log.h"

static int tfd = -1, lfd = -1;
static char cur_table[64], cur_ctl[PATH_MAX];

static socklen_t
abstract_name(struct sockaddr_un *sun, const char *table)
{
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	/* sun_path[0] stays NUL: the abstract namespace. */
	n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1,
	    "portward/nft/%s", table);
	if (n < 0 || (size_t)n >= sizeof(sun->sun_path) - 1)
		n = (int)sizeof(sun->sun_path) - 2;
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

/*
 * Who holds the table: the listener's credentials, as of its listen().
 * -1 when its backlog is full: a live daemon accepts (and drops) every
 * connection at once, so nobody accepting means an orphan mapper.
 */
static pid_t
table_holder(const struct sockaddr_un *sun, socklen_t len)
{
	struct ucred cr;
	socklen_t cl = sizeof(cr);
	pid_t pid = 0;
	int fd;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return 0;
	if (connect(fd, (const struct sockaddr *)sun, len) == 0) {
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) == 0)
			pid = cr.pid;
	} else if (errno == EAGAIN)
		pid = -1;
	close(fd);
	return pid;
}

/* The holder is gone (its orphan mapper holds the lock)? */
static int
holder_gone(pid_t pid)
{
	return pid == -1 || (pid > 0 && kill(pid, 0) == -1 && errno == ESRCH);
}

#define ORPHAN_WAIT_MS	15000

static int
try_bind(const struct sockaddr_un *sun, socklen_t len)
{
	if ((tfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return -1;
	if (bind(tfd, (const struct sockaddr *)sun, len) == 0 &&
	    listen(tfd, 8) == 0)
		return 0;
	close(tfd);
	tfd = -1;
	return -1;
}

/*
 * The daemon hands this socket to its mapper too: a daemon killed with
 * SIGKILL leaves its mapper removing the forwards, and the next daemon
 * must not start asking for forwards until that mapper is done (it would
 * delete them under the new one). So a lock whose daemon is gone is
 * waited for, a while.
 */
static int
lock_table(const char *table, int wait, pid_t *holder, char *why,
    size_t whylen)
{
	struct sockaddr_un sun;
	socklen_t len = abstract_name(&sun, table);
	struct timespec t0, now, tick = { 0, 100 * 1000 * 1000 };
	int said = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (try_bind(&sun, len) == -1) {
		if (errno != EADDRINUSE) {
			snprintf(why, whylen, "instance lock for table %s: %s",
			    table, strerror(errno));
			return -1;
		}
		/* Asked once: nobody accepts on an orphan's socket. */
		if (!said)
			*holder = table_holder(&sun, len);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (wait && holder_gone(*holder) &&
		    (now.tv_sec - t0.tv_sec) * 1000 +
		    (now.tv_nsec - t0.tv_nsec) / 1000000 < ORPHAN_WAIT_MS) {
			if (!said++)
				log_info("table inet %s: the portwardd that kept "
				    "it (pid %d) is gone, its mapper is still "
				    "removing its forwards: waiting for it",
				    table, *holder > 0 ? (int)*holder : 0);
			nanosleep(&tick, NULL);
			continue;
		}
		if (holder_gone(*holder))
			snprintf(why, whylen, "table inet %s is still held by "
			    "what portwardd pid %d (gone) left running: its "
			    "mapper", table, *holder > 0 ? (int)*holder : 0);
		else if (*holder > 0)
			snprintf(why, whylen, "table inet %s is already kept by "
			    "portwardd pid %d in this network namespace", table,
			    (int)*holder);
		else
			snprintf(why, whylen, "table inet %s is already kept by "
			    "another portwardd in this network namespace",
			    table);
		return -2;
	}
	return 0;
}

static int
lock_control(const char *ctlpath, pid_t *holder, char *why, size_t whylen)
{
	char path[PATH_MAX];
	struct flock fl;

	if (snprintf(path, sizeof(path), "%s.lock", ctlpath) >=
	    (int)sizeof(path) || fio_mkdirs(path) == -1 ||
	    (lfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		snprintf(why, whylen, "instance lock %s: %s", path,
		    strerror(errno));
		return -1;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(lfd, F_SETLK, &fl) == 0)
		return 0;
	if (errno == EACCES || errno == EAGAIN) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(lfd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
			*holder = fl.l_pid;
		if (*holder > 0)
			snprintf(why, whylen, "control socket %s is already "
			    "served by portwardd pid %d", ctlpath, (int)*holder);
		else
			snprintf(why, whylen, "control socket %s is already "
			    "served by another portwardd", ctlpath);
		close(lfd);
		lfd = -1;
		return -2;
	}
	snprintf(why, whylen, "instance lock %s: %s", path, strerror(errno));
	close(lfd);
	lfd = -1;
	return -1;
}

int
inst_lock(const char *table, const char *ctlpath, pid_t *holder,
    char *why, size_t whylen)
{
	int r;

	*holder = 0;
	if ((r = lock_table(table, 1, holder, why, whylen)) < 0)
		return r;
	if ((r = lock_control(ctlpath, holder, why, whylen)) < 0) {
		inst_unlock();
		return r;
	}
	snprintf(cur_table, sizeof(cur_table), "%s", table);
	snprintf(cur_ctl, sizeof(cur_ctl), "%s", ctlpath);
	return 0;
}

int
inst_relock(const char *table, const char *ctlpath, pid_t *holder,
    char *why, size_t whylen)
{
	int otfd = tfd, olfd = lfd, newt = strcmp(table, cur_table) != 0,
	    newc = strcmp(ctlpath, cur_ctl) != 0, r;

	*holder = 0;
	/* No waiting here: the daemon's loop must not stall on a reload. */
	if (newt && (r = lock_table(table, 0, holder, why, whylen)) < 0) {
		tfd = otfd;
		return r;
	}
	if (newc && (r = lock_control(ctlpath, holder, why, whylen)) < 0) {
		if (newt)
			close(tfd);
		tfd = otfd;
		lfd = olfd;
		return r;
	}
	if (newt) {
		close(otfd);
		snprintf(cur_table, sizeof(cur_table), "%s", table);
	}
	if (newc) {
		close(olfd);
		snprintf(cur_ctl, sizeof(cur_ctl), "%s", ctlpath);
	}
	return 0;
}

int
inst_fd(void)
{
	return tfd;
}

void
inst_accept(const struct loop_event *ev, void *arg)
{
	int c;

	(void)arg;
	while ((c = accept4(ev->fd, NULL, NULL, SOCK_CLOEXEC)) != -1)
		close(c);
}

void
inst_unlock(void)
{
	if (tfd != -1)
		close(tfd);
	if (lfd != -1)
		close(lfd);
	tfd = lfd = -1;
}
