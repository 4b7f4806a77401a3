/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nft_monitor.h: nf_tables change events (NFNLGRP_NFTABLES), so that the
 * daemon repairs its objects when someone else changes them, at once and
 * without polling.
 */
#ifndef PORTWARD_NFT_MONITOR_H
#define PORTWARD_NFT_MONITOR_H

struct nftmon;

/* Subscribe; NULL on error. */
struct nftmon *nftmon_open(void);
void	nftmon_close(struct nftmon *m);
int	nftmon_fd(const struct nftmon *m);
struct nft_ctx;

/*
 * Read what is queued. Returns 1 when a commit not made through ours (by
 * netlink port ID and generation, see nft_own_commit) changed one of the
 * tables named in tables (NULL-terminated; "" entries are skipped), or
 * events were lost; 0 when nothing of interest happened; -1 on error.
 * who receives the committing program's name and PID as the kernel gave
 * them ("nft, pid 812"; the PID is the initial namespace's), or "".
 */
int	nftmon_read(struct nftmon *m, const char *const tables[],
	    const struct nft_ctx *ours, char *who, size_t wholen);

/*
 * What the last foreign commit of nftmon_read() did first to a watched
 * table, in words ("deleted a rule"), or "".
 */
const char *nftmon_change(const struct nftmon *m);

struct nlmsghdr;
/*
 * The committer a NEWGEN message names, into who: its program name
 * (the comm any process sets for itself, escaped) and PID. 0, or -1 when
 * the message names none (who is then left alone).
 */
int	nftmon_who(const struct nlmsghdr *nlh, char *who, size_t wholen);

#endif
