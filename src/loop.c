/* SPDX-License-Identifier: GPL-2.0-or-later */
/* loop.c: epoll registry in the manner of chrony's sched.c. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"

#define LOOP_MAX_FDS	32

struct entry {
	int	 fd;
	loop_cb	 cb;
	void	*arg;
	int	 timer;	/* a timerfd: drained here, not in every callback */
};

static int epfd = -1;
static int running;
static struct entry entries[LOOP_MAX_FDS];

int
loop_init(void)
{
	size_t i;

	if ((epfd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		log_warn("epoll_create1");
		return -1;
	}
	for (i = 0; i < LOOP_MAX_FDS; i++)
		entries[i].fd = -1;
	return 0;
}

void
loop_fini(void)
{
	if (epfd != -1)
		close(epfd);
	epfd = -1;
}

int
loop_add(int fd, loop_cb cb, void *arg)
{
	struct epoll_event ev;
	size_t i;

	for (i = 0; i < LOOP_MAX_FDS && entries[i].fd != -1; i++)
		;
	if (i == LOOP_MAX_FDS) {
		log_warnx("loop: more than %d descriptors", LOOP_MAX_FDS);
		return -1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = (uint32_t)i;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == -1) {
		log_warn("epoll_ctl add");
		return -1;
	}
	entries[i].fd = fd;
	entries[i].cb = cb;
	entries[i].arg = arg;
	entries[i].timer = 0;
	return 0;
}

void
loop_del(int fd)
{
	size_t i;

	for (i = 0; i < LOOP_MAX_FDS; i++)
		if (entries[i].fd == fd) {
			(void)epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
			entries[i].fd = -1;
		}
}

int
loop_timer(loop_cb cb, void *arg)
{
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	size_t i;

	if (tfd == -1) {
		log_warn("timerfd_create");
		return -1;
	}
	if (loop_add(tfd, cb, arg) == -1) {
		close(tfd);
		return -1;
	}
	for (i = 0; i < LOOP_MAX_FDS; i++)
		if (entries[i].fd == tfd)
			entries[i].timer = 1;
	return tfd;
}

int
loop_timer_set(int tfd, long ms)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = ms / 1000;
	its.it_value.tv_nsec = (ms % 1000) * 1000000L;
	if (timerfd_settime(tfd, 0, &its, NULL) == -1) {
		log_warn("timerfd_settime");
		return -1;
	}
	return 0;
}

int
loop_run(void)
{
	struct epoll_event evs[LOOP_MAX_FDS];
	struct loop_event ev;
	struct entry *e;
	int i, n;

	running = 1;
	while (running) {
		n = epoll_wait(epfd, evs, LOOP_MAX_FDS, -1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_warn("epoll_wait");
			return -1;
		}
		for (i = 0; i < n && running; i++) {
			e = &entries[evs[i].data.u32];
			if (e->fd == -1)
				continue;
			/*
			 * A timer re-armed or disarmed since epoll_wait has
			 * no expiration left: not due, no call.
			 */
			ev.fd = e->fd;
			ev.timer = e->timer;
			ev.expirations = 0;
			if (e->timer && read(e->fd, &ev.expirations,
			    sizeof(ev.expirations)) != (ssize_t)sizeof(ev.expirations))
				continue;
			e->cb(&ev, e->arg);
		}
	}
	return 0;
}

void
loop_exit(void)
{
	running = 0;
}

long
loop_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) /
	    1000000;
}
