/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nft_plan.h: the difference between the desired ruleset and what the
 * kernel holds, as an ordered list of operations. Pure: no socket, no
 * libnftnl; nft.c reads the tables (nft_read.c), asks for the plan and
 * sends it as one batch. The plan only ever touches what portward made:
 * its own table, and in an attached table the chain named after it and
 * the jump to it (docs/nftables.md).
 */
#ifndef PORTWARD_NFT_PLAN_H
#define PORTWARD_NFT_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "nft.h"
#include "nft_state.h"

enum nft_op_kind {
	NOP_ADD_TABLE,		/* create it, or wake it when dormant */
	NOP_DEL_TABLE,
	NOP_ADD_CHAIN,
	NOP_DEL_CHAIN,
	NOP_ADD_RULE,
	NOP_DEL_RULE
};

struct nft_op {
	enum nft_op_kind		 kind;
	const char			*family, *table;
	const char			*chain;	/* chains: its name */
	const struct nft_chain_spec	*cspec;	/* NOP_ADD_CHAIN */
	const struct nft_rule_spec	*rule;	/* NOP_ADD_RULE */
	uint64_t			 before;/* NOP_ADD_RULE: insert before
						   this handle; 0: append, or
						   on top (rule->first) */
	const struct krule		*krule;	/* NOP_DEL_RULE */
	int				 wake;	/* NOP_ADD_TABLE: was dormant */
};

struct nft_plan {
	size_t		 n, cap;
	struct nft_op	*op;
};

struct nft_plan_in {
	const struct nft_ruleset *rs;		/* desired */
	char * const		*fp;		/* fp[i]: rs->rules[i]'s
						   expressions, as the
						   kernel's are read */
	const struct kstate	*own;		/* portward's table */
	const struct kstate	*att;		/* the attached table; NULL:
						   none, or not usable */
	const struct nft_ruleset *prev;		/* an earlier apply, or NULL */
	const struct kstate	*old;		/* prev's own table, when rs
						   names another; or NULL */
	const struct kstate	*oldatt;	/* prev's attached table,
						   when rs attaches elsewhere
						   or not at all; or NULL */
};

/*
 * What makes the kernel hold in->rs, in the order the batch must carry
 * it: what prev left behind, then deletions, then additions, each rule
 * added before the next one that stays. Nothing when nothing differs.
 * The ops point into in's structures. 0, or -1 (out of memory).
 */
int	nft_plan(const struct nft_plan_in *in, struct nft_plan *p);
/* Everything rs installed: the jump and chain in att, the own table. */
int	nft_plan_remove(const struct nft_ruleset *rs, const struct kstate *own,
	    const struct kstate *att, struct nft_plan *p);
void	nft_plan_free(struct nft_plan *p);

/* Is kr, in rs's attached table, the chain's rule or the jump we made? */
int	nft_plan_ours(const struct nft_ruleset *rs, const struct krule *kr);

#endif
