/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mapper_proto.h: what the mapper's two sides share, and nothing else:
 * the typed, fixed-size records they exchange over their SOCK_SEQPACKET
 * socketpair, how a record is sent and received, and how one from the
 * other side is checked (type, exact length, terminated and escaped
 * strings). mapper_msg.c implements it, pure of either side, so that the
 * daemon's side (mapper.c) and the child's (mapper_proc.c) depend on it
 * and not on each other.
 */
#ifndef PORTWARD_MAPPER_PROTO_H
#define PORTWARD_MAPPER_PROTO_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "conf.h"
#include "profile.h"

#define MAP_MAX_FWD	PROF_MAX_ENDPOINTS
#define MAP_DESC_PREFIX	"portward "
#define MAP_STR		128

/* Per forward and family: where it stands. */
enum map_state {
	MAP_PENDING,		/* not asked yet, or being asked */
	MAP_OK,			/* forwarded, same port */
	MAP_CONFLICT,		/* forward-conflict: another host, or another port */
	MAP_ERROR,		/* the router refused or did not answer */
	MAP_RANGE,		/* a port range: not forwarded this way */
	MAP_UNSUPPORTED,	/* no method for this family (no IPv6 firewall control) */
	MAP_NOT_SERVED,		/* the SFU does not serve this family */
	MAP_STALE		/* granted, but the router stopped answering */
};

enum map_msg_type {
	MAPMSG_CONF = 1,	/* daemon -> mapper: struct map_conf */
	MAPMSG_STOP,		/* daemon -> mapper: remove everything, exit */
	MAPMSG_REPORT,		/* mapper -> daemon: struct map_report */
	MAPMSG_LOG,		/* mapper -> daemon: struct map_log */
	MAPMSG_STOPPED		/* mapper -> daemon: struct map_stopped, exiting */
};

struct map_hdr {
	uint32_t	type;
	uint32_t	len;		/* of the payload that follows */
};

struct map_fwd_conf {
	char		name[PROF_NAME_MAX];
	uint8_t		proto;
	uint16_t	port, port_end;
	uint32_t	families;
};

struct map_conf {
	uint32_t		inherited;	/* a mapper before it may have left forwards */
	uint32_t		nmethods;
	uint32_t		methods[CONF_MAX_METHODS];	/* enum conf_method */
	uint32_t		lease;
	uint32_t		has_gateway;
	struct in_addr		gateway;
	char			igd_url[256];
	uint32_t		nfwd;
	struct map_fwd_conf	fwd[MAP_MAX_FWD];
};

struct map_fam_state {
	uint32_t	state;		/* enum map_state */
	int64_t		since;		/* wall clock: state holds since */
	uint32_t	method;		/* enum conf_method */
	uint32_t	lease;		/* granted; 0: permanent */
	int64_t		expires;	/* wall clock, 0: never */
	uint16_t	ext_port;	/* what the router granted */
	char		other[MAP_STR];	/* who holds the port, if known */
	char		err[MAP_STR];
};

struct map_fwd_state {
	char			name[PROF_NAME_MAX];
	uint8_t			proto;
	uint16_t		port, port_end;
	struct map_fam_state	fam[2];		/* [0] IPv4 mapping, [1] IPv6 pinhole */
};

struct map_report {
	uint32_t		have_method;	/* a method answered */
	uint32_t		method;		/* the one used for IPv4 */
	uint32_t		pinholes;	/* IPv6 firewall control found */
	uint32_t		pinhole_method;	/* PCP or UPnP (IGDv2) */
	char			gateway[MAP_STR];
	char			ext4[INET6_ADDRSTRLEN];
	uint32_t		ext4_reserved;	/* not globally routable: double NAT? */
	char			lan4[INET6_ADDRSTRLEN];
	char			lan6[INET6_ADDRSTRLEN];
	char			err[MAP_STR];	/* why no method answered */
	uint32_t		nfwd;
	struct map_fwd_state	fwd[MAP_MAX_FWD];
};

struct map_stopped {
	uint32_t	left;		/* forwards it could not remove */
	uint32_t	unknown;	/* forwards a mapper before it may have left,
					   which it never reached the router for */
};

struct map_log {
	uint32_t	level;		/* 0 info, 1 warning */
	char		text[400];
};

/* Send one message; 0 or -1. */
int	mapper_send(int fd, uint32_t type, const void *payload, uint32_t len);
/*
 * Receive one message into buf (at most bufsz bytes of payload), setting
 * *type and *len; never blocks (EAGAIN: nothing there). Returns 1, 0 on
 * EOF, -1 on error or a message that is not well formed (EBADMSG).
 */
int	mapper_recv(int fd, uint32_t *type, void *buf, uint32_t bufsz,
	    uint32_t *len);
/* Validate a received report (length already checked): 0, or -1. */
int	mapper_check_report(struct map_report *r);
/* A received log line: terminated, escaped unless clean. */
void	mapper_check_log(struct map_log *l);
/* "forwarded", "forward-conflict"... for logs and status (mapper_names.c). */
const char *mapper_state_name(enum map_state s);

/*
 * The child side's one entry point (mapper_proc.c), run in the child
 * after the fork with its end of the socketpair; never returns.
 */
void	mapper_child(int fd) __attribute__((noreturn));

#endif
