/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * mapper.h: forwards from the upstream router (host mode).
 *
 * The mapper runs in its own process without privileges, because it
 * parses what the router sends. The daemon (mapper.c) forks it and talks to
 * it over a SOCK_SEQPACKET socketpair with the typed, fixed-size messages
 * below; every message is checked for type and exact length, and strings
 * are re-terminated, on both sides. mapper_proc.c is the child's loop;
 * mapper_natpmp.c and mapper_upnp.c are its two backends behind the
 * interface at the end of this file.
 */
#ifndef PORTWARD_MAPPER_H
#define PORTWARD_MAPPER_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

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

/* The mapper process, as the daemon supervises it (status, metrics). */
enum map_proc_state { MAPPROC_STOPPED, MAPPROC_RUNNING, MAPPROC_BACKOFF };

struct map_proc_status {
	enum map_proc_state	state;
	pid_t			pid;		/* 0 when none */
	unsigned		restarts;
	long			backoff_ms;
	char			last_exit[64];
};

/* mapper.c: the daemon's side */
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
/* "mapped", "forward-conflict"... for logs and status. */
const char *mapper_state_name(enum map_state s);
/* Fill a map_conf from the configuration and profile. */
void	mapper_conf_from(const struct conf_mapping *c, unsigned families,
	    const struct profile *p, struct map_conf *mc);
/* Validate a received message of type t (length already checked). */
int	mapper_check_report(struct map_report *r);

/* mapper_proc.c: the mapper's own loop; never returns. */
void	mapper_child(int fd) __attribute__((noreturn));
/* Send one message; 0 or -1. */
int	mapper_send(int fd, uint32_t type, const void *payload, uint32_t len);
/*
 * Receive one message into buf (at most bufsz bytes of payload), setting
 * *type and *len; never blocks (EAGAIN: nothing there). Returns 1, 0 on
 * EOF, -1 on error or a message that is not well formed (EBADMSG).
 */
int	mapper_recv(int fd, uint32_t *type, void *buf, uint32_t bufsz,
	    uint32_t *len);

/* The backends, used by mapper_proc.c only. */
struct mb_result {
	char		ext[INET6_ADDRSTRLEN];	/* external address, if said */
	uint16_t	ext_port;	/* granted */
	uint32_t	lease;		/* granted */
	int		conflict;
	int		refused;	/* the router answered no (not: no answer) */
	char		other[MAP_STR];
	char		err[MAP_STR];
};

/* NAT-PMP (RFC 6886), mapper_natpmp.c */
/* Send the external-address request; its answer is read by open_done. */
int	mb_natpmp_open(int has_gw, struct in_addr gw, char *gwstr, size_t gwlen);
int	mb_natpmp_fd(void);
/* Never blocks: 1 answered, 0 not yet (resent on schedule), -1 failed. */
int	mb_natpmp_open_done(char *ext, size_t extlen, char *err, size_t errlen);
int	mb_natpmp_map(uint8_t proto, uint16_t port, uint32_t lease,
	    struct mb_result *res);
int	mb_natpmp_unmap(uint8_t proto, uint16_t port);
/* 1 when the epoch says the router lost its mappings, 0 not, -1 no answer. */
int	mb_natpmp_rebooted(char *ext, size_t extlen);
/*
 * A datagram on the announcement socket: 1 the epoch says the router lost
 * its mappings, 2 only the external address changed (into ext), 0 nothing.
 */
int	mb_natpmp_announcement(const unsigned char *buf, size_t len,
	    struct in_addr from, char *ext, size_t extlen);
void	mb_natpmp_close(void);

/*
 * UPnP IGD, mapper_upnp.c. The device is found by the discovery burst's
 * own SSDP (or mapping.igd_url); libminiupnpc reads its description at
 * url and does the SOAP.
 */
int	mb_upnp_open(const char *url, char *gw, size_t gwlen, char *lan,
	    size_t lanlen, char *err, size_t errlen);
/* The IPv6 session: 0 when the device at url has IPv6 firewall control. */
int	mb_upnp_open6(const char *url, char *lan6, size_t lanlen);
int	mb_upnp_extaddr(char *ext, size_t extlen);
int	mb_upnp_map(uint8_t proto, uint16_t port, uint32_t lease,
	    const char *desc, struct mb_result *res);
int	mb_upnp_unmap(uint8_t proto, uint16_t port);
/* 1 still ours, 0 gone or someone else's, -1 no answer. */
int	mb_upnp_check(uint8_t proto, uint16_t port);
/* Delete mappings named MAP_DESC_PREFIX* for us that keep() rejects. */
int	mb_upnp_sweep(int (*keep)(uint8_t proto, uint16_t port));
int	mb_upnp_pinhole(uint8_t proto, uint16_t port, uint32_t lease,
	    char *uid, size_t uidlen, struct mb_result *res);
int	mb_upnp_pinhole_update(const char *uid, uint32_t lease);
int	mb_upnp_pinhole_delete(const char *uid);
void	mb_upnp_close(void);

/*
 * PCP (RFC 6887), mapper_pcp.c; v6 0: the IPv4 server (a forward), 1: the
 * IPv6 one (a pinhole). open sends ANNOUNCE and returns the socket;
 * open_done never blocks: 1 the server answered, 0 not yet (resent on
 * schedule), -1 no PCP there (err says why).
 */
int	mb_pcp_open(int v6, int has_gw, struct in_addr gw);
int	mb_pcp_open_done(int v6, char *err, size_t errlen);
const char *mb_pcp_gateway(int v6);
const char *mb_pcp_lan(int v6);
int	mb_pcp_map(int v6, uint8_t proto, uint16_t port, uint32_t lease,
	    struct mb_result *res);
int	mb_pcp_unmap(int v6, uint8_t proto, uint16_t port);
/* 1 the server's epoch says it lost its mappings, 0 not, -1 no answer. */
int	mb_pcp_rebooted(int v6);
/* An unsolicited ANNOUNCE: 1 when it says the server lost its mappings. */
int	mb_pcp_announcement(const unsigned char *buf, size_t len,
	    const struct sockaddr *from);
void	mb_pcp_close(void);
/* The IPv6 default router (PCP's port) and its interface. */
int	mapper_router6(struct sockaddr_in6 *out, unsigned *ifindex);
/* Whether mapping.methods lists method m (enum conf_method). */
int	mapper_wants(const struct map_conf *mc, uint32_t m);
/* The IPv4 default gateway. */
int	mapper_gateway4(struct in_addr *out);

/*
 * The discovery burst, mapper_disc.c: PCP ANNOUNCE, the NAT-PMP address
 * request and SSDP M-SEARCH, for both families, sent at once; disc_pick
 * waits only until the methods' answers decide a family.
 */
enum disc_state { DISC_PENDING, DISC_OK, DISC_NONE };

struct disc {
	int		st[CONF_MAX_METHODS][2];	/* [method][family] */
	char		err[CONF_MAX_METHODS][2][MAP_STR];
	int		decided[2];
	struct timespec	t0, t6;		/* the burst; the pinholes' phase */
	int		pcp[2];		/* sockets, -1 none */
	int		ssdp[2];
	int		ssdp_due[2];	/* an SSDP search to send */
	unsigned	ssdp_sent[2];
	struct timespec	ssdp_t[2];
	struct in_addr	gw4;		/* who may answer for IPv4 */
	int		have_gw4;
	struct sockaddr_in6 gw6;
	int		have_gw6;
	unsigned	ifindex6;
	char		uuid4[64];	/* the IPv4 gateway's IGD */
	char		cand6[256];	/* an IPv6 answer waiting for uuid4 */
	char		cand6_uuid[64];
	char		natpmp_gw[MAP_STR];
	char		natpmp_ext[INET6_ADDRSTRLEN];
	char		upnp_gw[MAP_STR];
	char		upnp_lan[INET6_ADDRSTRLEN];
	char		upnp_lan6[INET6_ADDRSTRLEN];
};

/* skip: methods (1 << m) left out for IPv4 (they refused a mapping). */
void	disc_start(struct disc *d, const struct map_conf *mc, int want6,
	    unsigned skip);
/* The method for family fam (0 IPv4, 1 IPv6), or -1 when none answered. */
int	disc_pick(struct disc *d, const struct map_conf *mc, int fam);
/* Why no method answered for fam: "PCP: ...; UPnP: ...". */
void	disc_why(const struct disc *d, int fam, char *out, size_t outlen);
void	disc_end(struct disc *d);

#endif
