/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * control.c: the control socket. Clients are served from the event loop
 * without blocking it: each has a bounded buffer, a request is one line,
 * and at most CTL_MAX_CLIENTS are connected at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "control.h"
#include "fileio.h"
#include "log.h"
#include "loop.h"
#include "rate.h"

#define CTL_MAX_CLIENTS	16
#define CTL_MAX_LINE	4096
#define CTL_GROUP	"portward"	/* the Debian package creates it */
/*
 * Fair service: a peer is a user (SO_PEERCRED). One peer holds at most
 * CTL_PER_PEER connections, and when all are taken the peer holding the
 * most gives one up, so a flood from one user cannot push anyone else's
 * request out. Each peer may have CTL_STATUS_PER_S status documents
 * built a second (bursts of CTL_STATUS_BURST); beyond that it gets the
 * last one built, so a flood costs a copy, not a round of measurements.
 */
#define CTL_PER_PEER	4
#define CTL_STATUS_PER_S 10.0
#define CTL_STATUS_BURST 20.0
#define CTL_PEERS	16

struct client {
	int		fd;
	uid_t		uid;		/* the peer; (uid_t)-1: unknown */
	unsigned long	seq;		/* accept order: the oldest goes first */
	size_t		len;
	char		buf[CTL_MAX_LINE];
};

static struct peer {
	uid_t		uid;
	int		used;
	unsigned long	seen;		/* the newest first: the oldest goes */
	struct rate	status;
} peers[CTL_PEERS];
static char *cached;			/* the last status document built */

static int lfd = -1;
static char spath[sizeof(((struct sockaddr_un *)0)->sun_path)];
static dev_t sdev;
static ino_t sino;
static control_status_fn status_fn;
static control_probe_fn probe_fn;
static struct client clients[CTL_MAX_CLIENTS];
static unsigned long accepted;

static void
drop(struct client *c)
{
	loop_del(c->fd);
	close(c->fd);
	c->fd = -1;
}

int
control_request(const char *line)
{
	json_t *req = json_loads(line, 0, NULL);
	const char *s = json_string_value(json_object_get(req, "cmd"));
	int r = -1;

	if (s != NULL && strcmp(s, "status") == 0)
		r = CTL_STATUS;
	else if (s != NULL && strcmp(s, "probe") == 0)
		r = CTL_PROBE;
	else if (req != NULL)
		r = CTL_UNKNOWN;
	json_decref(req);
	return r;
}

static struct peer *
peer_of(uid_t uid)
{
	static unsigned long seen;
	size_t i, old = 0;

	for (i = 0; i < CTL_PEERS; i++) {
		if (peers[i].used && peers[i].uid == uid)
			break;
		if (!peers[i].used || (peers[old].used &&
		    peers[i].seen < peers[old].seen))
			old = i;
	}
	if (i == CTL_PEERS) {
		i = old;
		memset(&peers[i], 0, sizeof(peers[i]));
		peers[i].uid = uid;
		peers[i].used = 1;
	}
	peers[i].seen = ++seen;
	return &peers[i];
}

/* A fresh status, or the last one for a peer that asks too often. */
static char *
status_for(uid_t uid)
{
	struct peer *p = peer_of(uid);
	char *s;

	if (!rate_allow(&p->status, rate_now_ms(), CTL_STATUS_PER_S,
	    CTL_STATUS_BURST) && cached != NULL)
		return strdup(cached);
	if ((s = status_fn()) != NULL) {
		free(cached);
		cached = strdup(s);
	}
	return s;
}

static void
answer(struct client *c, const char *line)
{
	char *out = NULL;
	int r = control_request(line);

	if (r == CTL_STATUS)
		out = status_for(c->uid);
	else if (r == CTL_PROBE) {
		json_t *e;

		if (c->uid != 0 && c->uid != geteuid())
			e = json_pack("{s:s}", "error", "not allowed: probing "
			    "sends traffic; ask as root");
		else if (probe_fn() == -1)
			e = json_pack("{s:s}", "error", "no probe started: a round "
			    "is running, or probe.reflectors is empty");
		else
			e = json_pack("{s:b}", "started", 1);
		out = json_dumps(e, JSON_COMPACT);
		json_decref(e);
	} else {
		json_t *e = json_pack("{s:s}", "error", r == -1 ?
		    "the request is not JSON" : "unknown command (try "
		    "{\"cmd\": \"status\"})");

		out = json_dumps(e, JSON_COMPACT);
		json_decref(e);
	}
	if (out != NULL) {
		size_t n = strlen(out);

		/* The send buffer was sized for the answer: one write. */
		if (send(c->fd, out, n, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)n ||
		    send(c->fd, "\n", 1, MSG_DONTWAIT | MSG_NOSIGNAL) != 1)
			log_debug("control: a client did not take its answer");
		free(out);
	}
	drop(c);
}

static void
on_client(const struct loop_event *ev, void *arg)
{
	struct client *c = arg;
	char *nl;
	ssize_t n;

	(void)ev;
	n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len,
	    MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop(c);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	if ((nl = strchr(c->buf, '\n')) != NULL) {
		*nl = '\0';
		answer(c, c->buf);
	} else if (c->len >= sizeof(c->buf) - 1)
		drop(c);	/* a line longer than any request */
}

/* Root, or the daemon's own user: the operator. */
static int
privileged(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/*
 * The slot for a new connection of uid: a free one, unless uid holds
 * CTL_PER_PEER already (its own oldest goes); all taken, the oldest
 * connection of the peer holding the most goes, never the operator's
 * for another user's: users are not counted, and one with many uids (a
 * user namespace maps 65536 of them) holds one connection with each, as
 * many as the operator, whose connection is then the oldest of equals.
 * The operator holds CTL_PER_PEER at most, so others are left to pick.
 */
static size_t
slot_for(uid_t uid)
{
	size_t i, k, pick = CTL_MAX_CLIENTS, free_slot = CTL_MAX_CLIENTS;
	unsigned held[CTL_MAX_CLIENTS] = { 0 }, mine = 0, most = 0;

	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		if (clients[i].fd == -1) {
			free_slot = i;
			continue;
		}
		for (k = 0; k < CTL_MAX_CLIENTS; k++)
			if (clients[k].fd != -1 && clients[k].uid == clients[i].uid)
				held[i]++;
		if (clients[i].uid == uid)
			mine++;
	}
	if (free_slot < CTL_MAX_CLIENTS && mine < CTL_PER_PEER)
		return free_slot;
	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		if (clients[i].fd == -1 ||
		    (mine >= CTL_PER_PEER && clients[i].uid != uid) ||
		    (clients[i].uid != uid && privileged(clients[i].uid) &&
		    !privileged(uid)))
			continue;
		if (pick == CTL_MAX_CLIENTS || held[i] > most ||
		    (held[i] == most && clients[i].seq < clients[pick].seq)) {
			pick = i;
			most = held[i];
		}
	}
	drop(&clients[pick]);
	return pick;
}

static void
on_accept(const struct loop_event *ev, void *arg)
{
	struct ucred cr;
	socklen_t cl = sizeof(cr);
	int cfd, sz = CTL_MAX_ANSWER;
	size_t i;

	(void)arg;
	if ((cfd = accept4(ev->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
		return;
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) == -1)
		cr.uid = (uid_t)-1;
	i = slot_for(cr.uid);
	(void)setsockopt(cfd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	clients[i].fd = cfd;
	clients[i].uid = cr.uid;
	clients[i].seq = ++accepted;
	clients[i].len = 0;
	if (loop_add(cfd, on_client, &clients[i]) == -1) {
		close(cfd);
		clients[i].fd = -1;
	}
}

/*
 * Members of the group "portward", when it exists, may ask for the status.
 * The socket is made while that group is the effective one, so it is
 * root:portward 0660 from the start, and its directory goes to the group
 * when it is ours and shuts others out (the unit's RuntimeDirectory,
 * 0750); a directory open to all (/run, /tmp) lets them through already.
 * The unit grants no CAP_CHOWN: an owner may give a file to its own
 * group, and CAP_SETGID, which the daemon has, makes that group its own.
 */
static int
group_enter(gid_t *saved)
{
	struct group *gr;

	if ((gr = getgrnam(CTL_GROUP)) == NULL)
		return 0;
	*saved = getegid();
	if (setegid(gr->gr_gid) == -1) {
		log_warn("control: group %s", CTL_GROUP);
		return 0;
	}
	return 1;
}

static void
group_leave(const char *path, gid_t saved)
{
	char dir[PATH_MAX];
	struct stat st;
	gid_t gid = getegid();
	int e = errno;		/* bind()'s, for the caller's message */

	if (snprintf(dir, sizeof(dir), "%s", path) < (int)sizeof(dir) &&
	    lstat(dirname(dir), &st) == 0 && S_ISDIR(st.st_mode) &&
	    st.st_uid == geteuid() && (st.st_mode & S_IRWXO) == 0 &&
	    st.st_gid != gid && chown(dir, (uid_t)-1, gid) == -1)
		log_warn("control: group %s on %s", CTL_GROUP, dir);
	if (setegid(saved) == -1)
		fatal("control: back to group %u", (unsigned)saved);
	errno = e;
}

/*
 * Make room for the socket at path: only a stale socket is removed.
 * Never a file, directory or link (fio_socket_slot); never a socket
 * someone answers on, a running daemon's, nor one whose backlog is full
 * (EAGAIN): only a refused connect() is stale. fd: an unbound socket.
 */
static int
clear_path(int fd, const struct sockaddr_un *sun, const char *path)
{
	char why[PATH_MAX + 160];

	if (fio_socket_slot(path, why, sizeof(why)) == -1) {
		log_warnx("control_socket: %s", why);
		return -1;
	}
	if (connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0 ||
	    errno == EAGAIN) {
		log_warnx("control: %s is in use: is portwardd already running?",
		    path);
		return -1;
	}
	(void)unlink(path);
	return 0;
}

/*
 * Bind fd at path, 0660 from bind() itself, not by a chmod() after it:
 * chmod() follows a symbolic link, and whoever may write in the
 * directory could put one there in between (root would chmod its
 * target). The socket made is checked, and st says which it is. 0 or -1.
 */
static int
bind_here(int fd, const struct sockaddr_un *sun, const char *path,
    struct stat *st)
{
	mode_t mask;
	gid_t gid;
	int r, shared;

	shared = group_enter(&gid);
	mask = umask(0117);
	r = bind(fd, (const struct sockaddr *)sun, sizeof(*sun));
	(void)umask(mask);
	if (shared)
		group_leave(path, gid);
	if (r == 0 && lstat(path, st) == 0 && !S_ISSOCK(st->st_mode)) {
		log_warnx("control: %s was replaced as it was made (%s): someone "
		    "else may write in its directory", path,
		    fio_type_name(st->st_mode));
		return -1;
	}
	if (r == -1 || lstat(path, st) == -1) {
		log_warn("control: %s", path);
		return -1;
	}
	return 0;
}

int
control_open(const char *path, control_status_fn status,
    control_probe_fn probe)
{
	struct sockaddr_un sun;
	struct stat st;
	size_t i;
	int fd;

	status_fn = status;
	probe_fn = probe;
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		clients[i].fd = -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path) >=
	    (int)sizeof(sun.sun_path)) {
		log_warnx("control: socket path too long: %s", path);
		return -1;
	}
	if (fio_mkdirs(path) == -1) {
		log_warn("control: creating the directory of %s", path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return -1;
	if (clear_path(fd, &sun, path) == -1 ||
	    bind_here(fd, &sun, path, &st) == -1) {
		close(fd);
		return -1;
	}
	if (listen(fd, 16) == -1) {
		log_warn("control: %s", path);
		close(fd);
		return -1;
	}
	/* What control_close() may delete: this socket, nothing put after. */
	sdev = st.st_dev;
	sino = st.st_ino;
	if (loop_add(fd, on_accept, NULL) == -1) {
		close(fd);
		return -1;
	}
	lfd = fd;
	snprintf(spath, sizeof(spath), "%s", path);
	return 0;
}

void
control_close(void)
{
	size_t i;

	if (lfd == -1)
		return;
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (clients[i].fd != -1)
			drop(&clients[i]);
	loop_del(lfd);
	close(lfd);
	lfd = -1;
	free(cached);
	cached = NULL;
	if (fio_same_file(spath, sdev, sino))
		(void)unlink(spath);
}
