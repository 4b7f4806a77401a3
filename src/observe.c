/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * observe.c: the facts both the daemon and doctor judge by (observe.h),
 * read in one place so that the two can never disagree on what is there.
 */
#include <stdlib.h>
#include <string.h>

#include "observe.h"

void
observe(struct nft_ctx *nft, const struct conf *c,
    const struct nft_ruleset *rs, struct observation *o)
{
	int n = -1;

	memset(o, 0, sizeof(*o));
	if (nft != NULL)
		n = nft_conflicts(nft, rs, o->conflicts, NFT_MAX_CONFLICTS);
	o->fw_read = n >= 0;
	o->nconflicts = n < 0 ? 0 : n > NFT_MAX_CONFLICTS ? NFT_MAX_CONFLICTS :
	    n;
	if (c->mode != CONF_MODE_HOST)
		return;
	if (ns_ipv6_read(&o->v6) == 0)
		o->have_v6 = 1;
	if (lsn_dump(&o->lsn, &o->nlsn) == 0)
		o->have_lsn = 1;
}

void
observe_fill(const struct observation *o, struct status_in *in)
{
	in->conflicts = o->conflicts;
	in->nconflicts = o->nconflicts;
	in->fw_read = o->fw_read;
	in->have_v6 = o->have_v6;
	in->v6 = o->v6;
	in->have_lsn = o->have_lsn;
	in->lsn = o->lsn;
	in->nlsn = o->nlsn;
}

void
observe_free(struct observation *o)
{
	free(o->lsn);
	o->lsn = NULL;
	o->nlsn = 0;
	o->have_lsn = 0;
}
