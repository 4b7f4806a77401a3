/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * probe.h: probes from outside, asked of the configured reflectors
 * (reflector.h). A short-lived helper process, without privileges, does
 * the network exchange and parses the reflector's answer; the daemon
 * reads fixed-size records from it and never blocks. A UDP port that
 * answers nothing without ICE credentials (the UDP mux) counts as reached
 * only when portward's own rule counter saw the reflector's datagrams.
 */
#ifndef PORTWARD_PROBE_H
#define PORTWARD_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "profile.h"

struct probe_result {
	char		name[PROF_NAME_MAX];
	uint32_t	fam;		/* FAM_IPV4 or FAM_IPV6 */
	uint32_t	ok;
	char		kind[16];
	char		detail[256];
	char		reflector[64];
	int64_t		at;		/* wall clock */
};

/* Packets counted so far by portward's rule for name and family, or -1. */
typedef long long (*probe_counter_fn)(const char *name, unsigned fam);

/* The result of the hairpin test (IPv4), among the endpoints' results. */
#define PROBE_HAIRPIN	"hairpin"

/*
 * What the prober is given: its section of the configuration ("probe")
 * and the three facts from elsewhere it needs, filled by
 * probe_scope_from().
 */
struct probe_scope {
	struct conf_probe	conf;
	unsigned		families;	/* the configuration's */
	int			has_target6;	/* router mode's LAN host */
	struct in6_addr		target6;
	char			user[CONF_NAME_MAX];	/* mapping.user */
};

void	probe_scope_from(const struct conf *c, struct probe_scope *sc);
/*
 * Start a round unless one runs; 0, or -1 when nothing to ask. ext4, the
 * router's external IPv4 address when this host gets forwards (else NULL
 * or ""), adds the hairpin test: STUN from this host to the TURN/UDP
 * forward there.
 */
int	probe_start(const struct probe_scope *sc, const struct profile *p,
	    probe_counter_fn counter, const char *ext4);
/* Is a round under way? */
int	probe_running(void);
/* Called when a round's results are in. */
void	probe_on_done(void (*cb)(void));
/* The latest result per endpoint and family; how many. */
size_t	probe_results(const struct probe_result **out);
/* Forget results (the profile changed). */
void	probe_reset(void);
/*
 * A reflector's answer (len bytes of buf, no terminator needed) to the
 * probes of p for family fam, as c asks them: a result per endpoint
 * asked and answered, named and kinded as the profile has it (never as
 * the reflector says); without a "results" array, a "none" result per
 * endpoint asked, with the reflector's "error". Every string from the
 * reflector is escaped (ut_clean). At most max into out; how many.
 */
size_t	probe_parse_answer(const char *buf, size_t len, unsigned families,
	    const struct profile *p, unsigned fam, const char *refl,
	    struct probe_result *out, size_t max);

#endif
