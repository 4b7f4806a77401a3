/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * profile.h: the LiveKit port profile, the endpoints portward opens.
 * Served by profile.c (shipped JSON profiles, validation, rendering) and
 * profile_livekit.c (the operator's own livekit.yaml).
 * A range stays a range here: nothing downstream expands it into ports.
 */
#ifndef PORTWARD_PROFILE_H
#define PORTWARD_PROFILE_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "errbuf.h"

#define PROF_MAX_ENDPOINTS	32
#define PROF_NAME_MAX		32
#define PROF_MAX_NOTES		16
#define PROF_NOTE_MAX		320

/* IP families, as a bit set. */
#define FAM_IPV4	0x1
#define FAM_IPV6	0x2
#define FAM_ALL		(FAM_IPV4 | FAM_IPV6)

enum prof_source {
	PROF_SRC_JSON,		/* a portward profile (rules/ *.json) */
	PROF_SRC_LIVEKIT	/* a LiveKit livekit.yaml */
};

/* An endpoint flag: what clients are told, probed but never opened. */
#define PROF_EP_CLIENT		0x1
/*
 * TURN: where allocations are relayed when not at the client's own
 * family. LiveKit relays at rtc.node_ip's address of the bind address's
 * family (pkg/service/turn.go NewTurnServer), and 0.0.0.0, its default,
 * serves IPv6 clients too: their relays are IPv4.
 */
#define PROF_EP_RELAY4_FOR_V6	0x2	/* IPv6 clients relayed at IPv4 */
#define PROF_EP_RELAY6_FOR_V4	0x4	/* IPv4 clients relayed at IPv6 */
/*
 * What a TCP port speaks, when the LiveKit model knows (livekit.yaml):
 * TURN over TLS (turn.tls_port without turn.external_tls, and what
 * clients are told, turn.domain:443), or TURN over plain TCP (behind a
 * TLS proxy: turn.external_tls). The probe proves it: a TLS handshake
 * with SNI client_host, then an Allocate answered by a 401.
 */
#define PROF_EP_TURN_TLS	0x8
#define PROF_EP_TURN_TCP	0x10

/* Why an endpoint leaves a family out (the verdict names the cause). */
enum prof_famwhy {
	PROF_WHY_NONE,		/* the profile says so */
	PROF_WHY_TURN_V4ONLY,	/* LiveKit <= 1.10.0: TURN on udp4/tcp4 */
	PROF_WHY_TURN_BIND,	/* turn.bind_addresses names one family */
	PROF_WHY_RTC_IPS	/* rtc.ips filters a family out of ICE */
};

struct prof_endpoint {
	char		name[PROF_NAME_MAX];
	uint8_t		proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t	port;
	uint16_t	port_end;	/* == port for a single port */
	unsigned	families;	/* where the SFU can serve it */
	char		origin[64];	/* the key it came from */
	int		line, col;	/* where that key is, 0 if unknown */
	/*
	 * What LiveKit tells clients, when it is not the listening port:
	 * TURN/TLS is announced as turns:<turn.domain>:443 whatever
	 * turn.tls_port is. client_port 0: clients use port itself.
	 */
	char		client_host[256];
	uint16_t	client_port;
	unsigned	flags;		/* PROF_EP_* */
	enum prof_famwhy famwhy;	/* why a family is left out */
};

struct profile {
	char			source[PATH_MAX];
	enum prof_source	kind;
	size_t			n;
	struct prof_endpoint	ep[PROF_MAX_ENDPOINTS];
	/* What the operator should know: ports left closed, ignored keys. */
	size_t			nnotes;
	char			notes[PROF_MAX_NOTES][PROF_NOTE_MAX];
	/* The LiveKit release modelled (livekit.yaml only), and why. */
	char			lk_version[16];
	char			lk_version_from[160];
};

/* What prof_load_livekit_ex reads besides the file. */
struct lk_opts {
	const char	*file;		/* livekit.yaml (livekit_config) */
	const char	*version;	/* "1.10.0", or NULL: not given */
	const char	*version_from;	/* where version came from */
	/* The supervised command and its environment, NAME=value. */
	const char	*cmd_where;	/* "supervise.command in FILE" */
	const char	*workdir;	/* where the command runs, or NULL */
	int		 config_implied; /* file is --config unless argv says */
	const char	*const *argv;
	size_t		 argc;
	const char	*const *env;
	size_t		 nenv;
};

/* Load a portward JSON profile (docs/profiles.md's shape; unknown keys are errors). */
int	prof_load_json(const char *path, struct profile *p, struct errbuf *eb);
/* Load the endpoints a LiveKit server with this livekit.yaml listens on. */
int	prof_load_livekit(const char *path, struct profile *p,
	    struct errbuf *eb);
/* The same, with a version, and the command line and environment. */
int	prof_load_livekit_ex(const struct lk_opts *o, struct profile *p,
	    struct errbuf *eb);
/* The LiveKit release portward models when none is given or found. */
#define LK_CURRENT_VERSION	"1.13.5"
/* "1.10.1" or "v1.10.1" into a comparable number; -1 if not a version. */
long	lk_version_num(const char *s);
/* The version printed by `livekit-server --version`, into buf; -1 if none. */
int	lk_version_parse_output(const char *out, char *buf, size_t len);
/*
 * Check a loaded profile: at least one endpoint, ports in 1-65535, start
 * not above end, unique names, no overlap of two endpoints of one protocol.
 */
int	prof_validate(const struct profile *p, struct errbuf *eb);
/* Append a note (printf style); silently drops notes past the limit. */
void	prof_note(struct profile *p, const char *fmt, ...) PW_PRINTF(2, 3);

/* "tcp" or "udp". */
const char *prof_proto_name(uint8_t proto);
/* "7881" or "50000-60000" into buf. */
const char *prof_ports_str(const struct prof_endpoint *e, char *buf,
	    size_t len);
/* The profile as docs/profiles.md's JSON, a newline-terminated string to free(). */
char	*prof_to_json(const struct profile *p);
/* The profile as a table an operator reads, with its notes. */
void	prof_print_table(FILE *f, const struct profile *p);

#endif
