/*
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

struct prof_endpoint {
	char		name[PROF_NAME_MAX];
	uint8_t		proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t	port;
	uint16_t	port_end;	/* == port for a single port */
	unsigned	families;	/* where the SFU can serve it */
	char		origin[64];	/* the key it came from */
	int		line, col;	/* where that key is, 0 if unknown */
};

struct profile {
	char			source[PATH_MAX];
	enum prof_source	kind;
	size_t			n;
	struct prof_endpoint	ep[PROF_MAX_ENDPOINTS];
	/* What the operator should know: ports left closed, ignored keys. */
	size_t			nnotes;
	char			notes[PROF_MAX_NOTES][PROF_NOTE_MAX];
};

/* Load a portward JSON profile (DESIGN's shape; unknown keys are errors). */
int	prof_load_json(const char *path, struct profile *p, struct errbuf *eb);
/* Load the endpoints a LiveKit server with this livekit.yaml listens on. */
int	prof_load_livekit(const char *path, struct profile *p,
	    struct errbuf *eb);
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
/* The profile as DESIGN's JSON, a newline-terminated string to free(). */
char	*prof_to_json(const struct profile *p);
/* The profile as a table an operator reads, with its notes. */
void	prof_print_table(FILE *f, const struct profile *p);

#endif
