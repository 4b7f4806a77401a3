/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nft_state.h: what the kernel holds in one nf_tables table, as
 * nft_read.c reads it; the plan (nft_plan.c) and the firewall stage
 * (fw_conflicts.c) work on it without a socket.
 */
#ifndef PORTWARD_NFT_STATE_H
#define PORTWARD_NFT_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "fwpath.h"
#include "nft.h"

#define KSTATE_MAX_CHAINS	512

struct kchain {
	char		name[NFT_NAME_MAX];
	int		base;
	char		type[16];
	uint32_t	hook;
	int32_t		prio;
	uint32_t	policy;
};

struct krule {
	char		chain[NFT_NAME_MAX];
	uint64_t	handle;
	char		comment[NFT_NAME_MAX];
	char		*fp;		/* expressions, counters left out */
	int		pos;		/* 0 for the first rule of its chain */
	uint64_t	packets, bytes;	/* its counter, if it has one */
	struct fw_match	m;		/* what it needs of a packet */
};

struct kstate {
	const char	*table;		/* dumps are filtered to this one */
	int		has_table;
	int		dormant;	/* flags dormant: its chains see nothing */
	size_t		nchains;
	struct kchain	chains[KSTATE_MAX_CHAINS];
	size_t		nrules, cap;
	struct krule	*rules;
	size_t		nsets;		/* read for nft_conflicts only */
	struct fw_set	*sets;
};

/* The chain called name, or NULL. */
const struct kchain *kchain_find(const struct kstate *k, const char *name);
/* Free what k holds and zero it. */
void	kstate_free(struct kstate *k);

#endif
