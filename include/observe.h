/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * observe.h: what the kernel says now, gathered the same way for the
 * daemon's status and for doctor (which has no daemon): other tables'
 * drops (the firewall stage), this host's IPv6 addresses and routes,
 * and its listeners (host mode only: in router mode the LiveKit host's
 * sockets are not ours to see).
 */
#ifndef PORTWARD_OBSERVE_H
#define PORTWARD_OBSERVE_H

#include "status.h"

struct observation {
	struct nft_conflict	 conflicts[NFT_MAX_CONFLICTS];
	int			 nconflicts;
	int			 fw_read;	/* the ruleset could be read */
	int			 have_v6;
	struct ns_ipv6		 v6;
	int			 have_lsn;
	struct lsn		*lsn;
	size_t			 nlsn;
};

/* nft may be NULL (netlink refused): the firewall is then unknown. */
void	observe(struct nft_ctx *nft, const struct conf *c,
	    const struct nft_ruleset *rs, struct observation *o);
/* Into the verdicts' input (pointers into o: keep o alive). */
void	observe_fill(const struct observation *o, struct status_in *in);
void	observe_free(struct observation *o);

#endif
