/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * seccomp_try: put on the mapper's or the probe helper's exact filter
 * (sc_install, as they do), then make one named system call.
 *
 *   seccomp_try mapper|probe|none CALL
 *
 * Exit 0 when the call returned (whatever it returned: the filter let it
 * through), 2 on bad usage, 3 when the filter could not be installed;
 * a call the filter forbids ends the process with SIGSYS
 * (tests/integration/seccomp.sh tells the two apart by the wait status).
 */
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "seccomp.h"

static long
udp(int fam)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(9),
	    .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(9),
	    .sin_addr = { htonl(INADDR_LOOPBACK) } };
	int s = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s != -1)
		(void)sendto(s, "x", 1, 0, fam == AF_INET ?
		    (struct sockaddr *)&a4 : (struct sockaddr *)&a6,
		    fam == AF_INET ? sizeof(a4) : sizeof(a6));
	return s == -1 ? -1 : close(s);
}

static long
alloc(void)
{
	/* Large enough for mmap, then a brk-sized one. */
	char *p = malloc(1 << 20), *q = malloc(100);

	if (p != NULL)
		memset(p, 1, 1 << 20);
	free(p);
	free(q);
	return p == NULL;
}

static long
ifaddrs(void)
{
	struct ifaddrs *ifa;

	if (getifaddrs(&ifa) == -1)
		return -1;
	freeifaddrs(ifa);
	return 0;
}

/* What the filtered processes do, and what an intruder would try. */
static long
try(const char *c)
{
	struct timespec ts;
	char b[16];
	char *const argv[] = { "true", NULL };

	if (strcmp(c, "udp4") == 0)
		return udp(AF_INET);
	if (strcmp(c, "udp6") == 0)
		return udp(AF_INET6);
	if (strcmp(c, "unix") == 0)
		return socket(AF_UNIX, SOCK_DGRAM, 0);
	if (strcmp(c, "getifaddrs") == 0)
		return ifaddrs();
	if (strcmp(c, "malloc") == 0)
		return alloc();
	if (strcmp(c, "clock_gettime") == 0)
		return syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	if (strcmp(c, "getrandom") == 0)
		return getrandom(b, sizeof(b), 0);
	if (strcmp(c, "open_read") == 0)
		return open("/proc/net/route", O_RDONLY | O_CLOEXEC);
	if (strcmp(c, "if_nametoindex") == 0)
		return (long)if_nametoindex("lo");
	if (strcmp(c, "open_write") == 0)
		return open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (strcmp(c, "open_rdwr") == 0)
		return open("/proc/self/status", O_RDWR);
	if (strcmp(c, "execve") == 0)
		return execve("/bin/true", argv, NULL);
	if (strcmp(c, "fork") == 0)
		return fork();
	if (strcmp(c, "ptrace") == 0)
		return ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	if (strcmp(c, "packet") == 0)
		return socket(AF_PACKET, SOCK_RAW, 0);
	if (strcmp(c, "mount") == 0)
		return mount("none", "/mnt", "tmpfs", 0, NULL);
	if (strcmp(c, "kill_parent") == 0)
		return kill(getppid(), 0);
	if (strcmp(c, "tgkill_parent") == 0)
		return syscall(SYS_tgkill, getppid(), getppid(), 0);
	if (strcmp(c, "unshare") == 0)
		return unshare(CLONE_NEWNET);
	if (strcmp(c, "setuid") == 0)
		return setuid(0);
	fprintf(stderr, "seccomp_try: no call %s\n", c);
	exit(2);
}

int
main(int argc, char **argv)
{
	long r;

	if (argc != 3 || (strcmp(argv[1], "mapper") != 0 &&
	    strcmp(argv[1], "probe") != 0 && strcmp(argv[1], "none") != 0)) {
		fprintf(stderr, "usage: seccomp_try mapper|probe|none CALL\n");
		return 2;
	}
	if (strcmp(argv[1], "none") != 0 &&
	    sc_install(strcmp(argv[1], "mapper") == 0 ? SC_MAPPER :
	    SC_PROBE) == -1) {
		fprintf(stderr, "seccomp_try: sc_install: %s\n", strerror(errno));
		return 3;
	}
	r = try(argv[2]);
	/* The filter let it through: say what the kernel answered. */
	printf("%s: %ld%s%s\n", argv[2], r, r < 0 ? " " : "",
	    r < 0 ? strerror(errno) : "");
	return 0;
}
