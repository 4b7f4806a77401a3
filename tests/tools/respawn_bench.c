/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * respawn_bench: how long a supervisor takes from its child's death to the
 * new child's exec. Finds the child of SUPERVISOR_PID running PROGRAM,
 * SIGKILLs it, then watches /proc until a new child of the supervisor runs
 * PROGRAM (its exe, i.e. after exec). Prints the microseconds, one line.
 * Works for any supervisor (portwardd, s6-supervise...): the same stopwatch
 * for all.
 */
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long
now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* A child of sup whose exe ends with prog, other than not; -1 if none. */
static int
find_child(int sup, const char *prog, int not)
{
	char path[64], buf[512], exe[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir("/proc");
	int pid, ppid, found = -1;
	ssize_t n;
	FILE *f;
	size_t pl = strlen(prog);

	if (d == NULL)
		return -1;
	while (found == -1 && (e = readdir(d)) != NULL) {
		if ((pid = atoi(e->d_name)) <= 0 || pid == not)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		n = (ssize_t)fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* pid (comm) state ppid ... ; comm may hold spaces */
		if (sscanf(strrchr(buf, ')') + 2, "%*c %d", &ppid) != 1 ||
		    ppid != sup)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/exe", pid);
		n = readlink(path, exe, sizeof(exe) - 1);
		if (n <= 0)
			continue;
		exe[n] = '\0';
		if ((size_t)n >= pl && strcmp(exe + n - (ssize_t)pl, prog) == 0)
			found = pid;
	}
	closedir(d);
	return found;
}

int
main(int argc, char **argv)
{
	long long t0, t1;
	int sup, old, nw = -1;

	if (argc != 3) {
		fprintf(stderr, "usage: respawn_bench SUPERVISOR_PID PROGRAM\n");
		return 2;
	}
	sup = atoi(argv[1]);
	if ((old = find_child(sup, argv[2], -1)) == -1) {
		fprintf(stderr, "respawn_bench: no child %s of %d\n", argv[2], sup);
		return 1;
	}
	t0 = now_us();
	kill(old, SIGKILL);
	/* Bounded: ten seconds. */
	while (now_us() - t0 < 10000000LL &&
	    (nw = find_child(sup, argv[2], old)) == -1)
		;
	t1 = now_us();
	if (nw == -1) {
		fprintf(stderr, "respawn_bench: no new child within 10 s\n");
		return 1;
	}
	printf("%lld\n", t1 - t0);
	return 0;
}
