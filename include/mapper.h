/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mapper.h: forwards from the upstream router (host mode), as the daemon
 * sees them.
 *
 * The mapper runs in its own process without privileges, because it
 * parses what the router sends. The daemon's side (mapper.c) forks it,
 * restarts it with backoff and keeps the last report it sent, checked;
 * the records they exchange are mapper_proto.h's. The child's side
 * (mapper_proc.c, the discovery burst mapper_disc.c and the backends of
 * mapper_backend.h) is reached only through mapper_child().
 */
#ifndef PORTWARD_MAPPER_H
#define PORTWARD_MAPPER_H

#include <sys/types.h>

#include "conf.h"
#include "mapper_proto.h"
#include "profile.h"

/* The mapper process, as the daemon supervises it (status, metrics). */
enum map_proc_state { MAPPROC_STOPPED, MAPPROC_RUNNING, MAPPROC_BACKOFF };

struct map_proc_status {
	enum map_proc_state	state;
	pid_t			pid;		/* 0 when none */
	unsigned		restarts;
	long			backoff_ms;
	char			last_exit[64];
};

/*
 * Fork the unprivileged mapper and give it c's forwards; registers in the
 * loop. A mapper that dies (mapper_exited) or cannot be started is
 * started again with backoff, and maps everything again.
 */
void	mapper_start(const struct conf_mapping *c, unsigned families,
	    const struct profile *p);
/* Hand the mapper a new configuration (reload); it changes only the difference. */
void	mapper_update(const struct conf_mapping *c, unsigned families,
	    const struct profile *p);
/*
 * Have the mapper remove every forward and pinhole and exit; waits
 * (bounded) for its confirmation. 0 when it confirmed, -1 when not.
 */
int	mapper_stop(void);
/* A child that exited (from SIGCHLD); returns 1 if it was the mapper. */
int	mapper_exited(pid_t pid, int status);
/* The mapper process's state. */
void	mapper_proc_get(struct map_proc_status *st);
const char *mapper_proc_state_name(enum map_proc_state s);
/* Call cb after each report the mapper sends (metrics). */
void	mapper_on_report(void (*cb)(void));
/* The last report, or NULL before the first. */
const struct map_report *mapper_report(void);
/* Fill a map_conf from the configuration and profile. */
void	mapper_conf_from(const struct conf_mapping *c, unsigned families,
	    const struct profile *p, struct map_conf *mc);

#endif
