/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fw_conflicts.h: the firewall stage's drive over other tables (see
 * nft_conflicts in nft.h): which tables and base chains a packet for
 * portward meets, each endpoint and family followed through them by
 * fwpath.c, and the drops found, in the order packets meet them. Pure:
 * nft.c reads the tables (nft_read.c) and hands each one here.
 */
#ifndef PORTWARD_FW_CONFLICTS_H
#define PORTWARD_FW_CONFLICTS_H

#include <stddef.h>
#include <stdint.h>

#include "nft.h"
#include "nft_state.h"

/* "ip", "ip6", "inet" for NFPROTO_*; NULL: a family the stage skips. */
const char *fwc_family_name(uint32_t family);
/*
 * Does the stage read this table? Not a dormant one (its chains see no
 * packet), not portward's own, not another family's (arp, bridge...).
 */
int	fwc_wants(const struct nft_ruleset *rs, uint32_t family,
	    const char *name, int dormant);
/*
 * Add the drops of one table (k, as read with its sets) to out, after the
 * found already there (at most max stored). The new count, or -1 (out
 * of memory, errno set).
 */
int	fwc_table(const struct nft_ruleset *rs, uint32_t family,
	    const char *name, const struct kstate *k, struct nft_conflict *out,
	    size_t max, int found);
/* In the order packets meet them: hook, then priority, then as found. */
void	fwc_sort(struct nft_conflict *out, size_t max, int found);

#endif
