/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * control.h: the daemon's control socket, a line-based JSON protocol on a
 * unix stream socket (mode 0660). A client sends one request line, e.g.
 * {"cmd": "status"}, and reads one answer line; the daemon then closes.
 */
#ifndef PORTWARD_CONTROL_H
#define PORTWARD_CONTROL_H

/* Returns the status document as a string to free(). */
typedef char *(*control_status_fn)(void);

/* Starts a probe round now; 0, or -1 when none can start. */
typedef int (*control_probe_fn)(void);

/*
 * Listen on path (its directory is created); 0 or -1. {"cmd": "probe"}
 * makes the daemon send traffic, so only root or the daemon's own user
 * may ask (SO_PEERCRED). When the group "portward" exists, its members
 * may connect (status only).
 */
int	control_open(const char *path, control_status_fn status,
	    control_probe_fn probe);
/* Stop listening, drop the clients, remove the socket file. */
void	control_close(void);

enum { CTL_STATUS = 1, CTL_PROBE, CTL_UNKNOWN };
/* What a request line asks: CTL_*, or -1 when it is not JSON. */
int	control_request(const char *line);

/* The largest answer: the client reads no more (control_ask.c). */
#define CTL_MAX_ANSWER	(1024 * 1024)

/* Client side: send request, read the answer into a string to free(). */
char	*control_ask(const char *path, const char *request, int *err);

#endif
