/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * instance.h: one portwardd per nftables table and per control socket.
 * Taken before anything touches the kernel; held until the process
 * exits (the kernel releases both locks of a dead process).
 *
 * The table lock is an abstract unix socket, "portward/nft/TABLE": the
 * abstract namespace belongs to the network namespace, as the table does,
 * so daemons in two namespaces do not collide and SO_PEERCRED names the
 * holder. The control socket lock is a POSIX lock on "SOCKET.lock"
 * (F_GETLK names the holder): the socket's path belongs to the file
 * system, whatever network namespace a daemon runs in.
 */
#ifndef PORTWARD_INSTANCE_H
#define PORTWARD_INSTANCE_H

#include "loop.h"

#include <stddef.h>
#include <sys/types.h>

/*
 * 0 with both locks held; -2 when another daemon holds one, with why set
 * ("table inet portward is already kept by portwardd pid 123") and
 * *holder its PID (0 unknown); -1 on any other error (why says it). A
 * table lock left by a daemon that is gone (its mapper still removes
 * its forwards) is waited for, 15 s at most.
 */
int	inst_lock(const char *table, const char *ctlpath, pid_t *holder,
	    char *why, size_t whylen);
/*
 * A reload names another table or control socket: take the new lock(s)
 * first, then let the old go; on failure the old ones are kept.
 */
int	inst_relock(const char *table, const char *ctlpath, pid_t *holder,
	    char *why, size_t whylen);
/* The table lock's socket, for the loop: answer (accept, close) who asks. */
int	inst_fd(void);
void	inst_accept(const struct loop_event *ev, void *arg);
/* Release both (tests; an exiting process releases them anyway). */
void	inst_unlock(void);

#endif
