/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nft.h: portward's nftables rules. nft_rules.c derives the desired
 * ruleset from the configuration and profile and renders it in nft syntax;
 * nft.c makes the kernel match it over netlink (libnftnl + libmnl), one
 * batch per change, touching only what portward owns.
 */
#ifndef PORTWARD_NFT_H
#define PORTWARD_NFT_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "profile.h"

#define NFT_NAME_MAX	64
#define NFT_MAX_CHAINS	4
/*
 * Per endpoint and family: input or dnat+forward, the attached copy, and
 * the count of what got through every chain (NFT_SEEN_CHAIN).
 */
#define NFT_MAX_RULES	(PROF_MAX_ENDPOINTS * 2 * 4 + 1)
/*
 * Host mode: a base chain on input at the last priority, counting each
 * endpoint's packets that every other base chain let through (a count in
 * portward's accept rule proves one chain only: another table's chain at a
 * later priority may still drop). The evidence behind an outside probe.
 */
#define NFT_SEEN_CHAIN	"seen"
#define NFT_SEEN_PRIO	2147483647
/* Comment of the jump portward inserts into an attached chain. */
#define NFT_JUMP_COMMENT "portward"

enum nft_scope { NFT_OWN, NFT_ATTACHED };
enum nft_verdict { NFTV_ACCEPT, NFTV_DNAT, NFTV_JUMP, NFTV_COUNT };

struct nft_chain_spec {
	enum nft_scope	scope;
	char		name[NFT_NAME_MAX];
	int		base;		/* a base chain with a hook */
	const char	*type;		/* "filter" or "nat" */
	uint32_t	hook;		/* NF_INET_* */
	int32_t		prio;
};

struct nft_rule_spec {
	enum nft_scope	 scope;
	char		 chain[NFT_NAME_MAX];
	char		 comment[NFT_NAME_MAX];	/* identity, with the chain */
	char		 iifname[IF_NAMESIZE];	/* "" matches any */
	int		 not_lo;		/* iifname != "lo": from outside */
	unsigned	 family;		/* FAM_IPV4 or FAM_IPV6; 0: any */
	int		 has_daddr;
	struct in_addr	 daddr4;
	struct in6_addr	 daddr6;
	uint8_t		 proto;			/* 0: no port match */
	uint16_t	 port, port_end;
	enum nft_verdict verdict;
	struct in_addr	 dnat4;
	char		 jump[NFT_NAME_MAX];
	int		 first;			/* inserted at the top */
	char		 marker[17];		/* UDP payload starts with it */
};

/*
 * The hairpin test's datagrams (probe.c): sent from this host to the
 * router's address at the ICE/UDP port, counted in NFT_SEEN_CHAIN by a
 * rule of their own ("hairpin ipv4") when the router loops them back.
 */
#define NFT_HAIRPIN_MARKER	"portward-hairpin"	/* 16 bytes */

struct nft_ruleset {
	char			table[NFT_NAME_MAX];	/* inet, portward's own */
	int			attach;
	char			at_family[8];
	char			at_table[NFT_NAME_MAX];
	char			at_chain[NFT_NAME_MAX];	/* theirs, gets the jump */
	size_t			nchains;
	struct nft_chain_spec	chains[NFT_MAX_CHAINS];
	size_t			nrules;
	struct nft_rule_spec	rules[NFT_MAX_RULES];
};

/* nft_rules.c */
/* The rules portward wants for this configuration and profile. */
void	nft_desired(const struct conf *c, const struct profile *p,
	    struct nft_ruleset *rs);
/*
 * Only the NFT_SEEN_CHAIN of rs, in a table of its own: what doctor
 * installs for the seconds of its probe round when portward's rules are
 * not there, so that datagrams from the reflector can be counted.
 */
void	nft_seen_only(const struct nft_ruleset *rs, const char *table,
	    struct nft_ruleset *out);
/* The desired ruleset in nft syntax (what `nft -s list` prints). */
void	nft_render(FILE *f, const struct nft_ruleset *rs);
/* "filter", "dstnat"... as nft names a priority, into buf. */
const char *nft_prio_name(const struct nft_chain_spec *ch, char *buf,
	    size_t len);

/* nft.c */
struct nft_ctx;

/* A netlink socket for nf_tables; kept open (see nft_converge). */
struct nft_ctx *nft_open(void);
void	nft_close(struct nft_ctx *ctx);
/*
 * 1 when the commit the kernel announced (NEWGEN from netlink port portid,
 * generation genid) was one of ctx's own batches, 0 otherwise.
 */
int	nft_own_commit(const struct nft_ctx *ctx, uint32_t portid,
	    uint32_t genid);
/*
 * Make the kernel hold rs: read what is there, send only the difference
 * as one batch, read back and compare. prev, when not NULL, is what an
 * earlier apply installed; objects of prev that rs no longer has go in the
 * same batch. Returns the number of changes sent (0: nothing was sent), or
 * -1 when the kernel refused the batch (then nothing changed) or reading
 * failed. Each change is logged when log_changes is set.
 */
int	nft_converge(struct nft_ctx *ctx, const struct nft_ruleset *rs,
	    const struct nft_ruleset *prev, int log_changes);
/* How many changes converging would send (0: the kernel holds rs), or -1. */
int	nft_pending(struct nft_ctx *ctx, const struct nft_ruleset *rs);
/* Remove everything rs installs (own table, attached chain and jump). */
int	nft_remove(struct nft_ctx *ctx, const struct nft_ruleset *rs);

struct nft_conflict {
	char	family[8];
	char	table[NFT_NAME_MAX];
	char	chain[NFT_NAME_MAX];
	char	why[560];
	int	stateful;	/* it accepts established traffic first */
	int	uncertain;	/* a rule portward cannot read may accept first */
	char	endpoint[NFT_NAME_MAX];	/* "ice-udp ipv4": what it drops */
	unsigned fam;			/* FAM_IPV4 or FAM_IPV6 */
	int	hook, prio, seq;	/* where packets meet it, in order */
};
#define NFT_MAX_CONFLICTS	256
/*
 * Where another table drops what portward accepts: for each endpoint and
 * family of rs, a new packet followed through every base chain of every
 * other table on the hooks rs uses (rules read as far as portward can:
 * families, protocols, ports, ct state, loopback; jumps and gotos
 * followed; dormant tables skipped), one record per endpoint, family and
 * chain that drops it. Returns how many (at most max are stored), or -1.
 */
int	nft_conflicts(struct nft_ctx *ctx, const struct nft_ruleset *rs,
	    struct nft_conflict *out, size_t max);
/* For one line per chain in logs: c[i] is its chain's first; more follow. */
int	nft_conflict_first(const struct nft_conflict *c, int i);
int	nft_conflict_more(const struct nft_conflict *c, int n, int i);
struct nft_counter {
	char		chain[NFT_NAME_MAX];
	char		comment[NFT_NAME_MAX];	/* "ice-tcp ipv4" */
	uint64_t	packets, bytes;
};
/* The counters of portward's own rules; how many, or -1. */
int	nft_counters(struct nft_ctx *ctx, const struct nft_ruleset *rs,
	    struct nft_counter *out, size_t max);
/* Packets counted by the rule "<name> <family>" in chain, or -1. */
long long nft_rule_packets(struct nft_ctx *ctx, const struct nft_ruleset *rs,
	    const char *chain, const char *name, unsigned fam);
/* The chain whose counters show traffic reaching the LiveKit host. */
#define NFT_FILTER_CHAIN(mode)	((mode) == CONF_MODE_HOST ? "input" : "forward")
/* Test hook: append a rule the kernel must refuse to the next batch. */
extern int nft_inject_invalid;

#endif
