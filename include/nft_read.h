/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nft_read.h: reading nf_tables state over netlink (nl_dump) into the
 * structures of nft_state.h: tables, chains, rules (their identity, the
 * text of their expressions, their counters, what they match as the
 * firewall stage reads it) and sets.
 */
#ifndef PORTWARD_NFT_READ_H
#define PORTWARD_NFT_READ_H

#include <stdint.h>

#include "nl.h"
#include "nft_state.h"

struct nftnl_rule;

/* Every table of every family, for the firewall stage. */
struct nft_tables {
	size_t	n;
	struct {
		uint32_t	family;		/* NFPROTO_* */
		char		name[NFT_NAME_MAX];
		int		dormant;
	} t[64];
};

/* NFPROTO_* of "ip", "ip6", anything else: inet. */
uint16_t nft_family_num(const char *name);
/* A rule's expressions as text, counters left out (and read); free(). */
char	*nft_read_fp(const struct nftnl_rule *r, uint64_t *pkts,
	    uint64_t *bytes);
/*
 * One table into k (zeroed first): does it exist, its chains and its
 * rules. 0, or -1 with errno set (and logged, but for EINTR: see
 * nft_conflicts). k must be kstate_free()d either way.
 */
int	nft_read_table(struct nl *nl, const char *family, const char *table,
	    struct kstate *k);
/* The sets of k's table and their elements (a set not read: unread). */
int	nft_read_sets(struct nl *nl, const char *family, struct kstate *k);
/* Which tables there are. 0, or -1 with errno set (not logged). */
int	nft_read_tables(struct nl *nl, struct nft_tables *all);

#endif
