/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * fwpath.h: the firewall stage of the verdict pipeline (docs/design.md):
 * a new packet to one endpoint and family, followed through one base
 * chain of another table, rule by rule, as the kernel would (jumps,
 * gotos, returns, sets and verdict maps, the chain's policy). Pure: the
 * tables are read by nft.c (nft_conflicts), evaluated here, so every
 * case has a cmocka unit (tests/unit/test_fwpath.c) that needs no root.
 *
 * A condition portward cannot read for a packet from outside (a source
 * address, a rate limit, an interface on a host) makes a rule "maybe":
 * a drop behind it is never claimed, an accept behind it makes a later
 * drop uncertain (the probe from outside then decides).
 */
#ifndef PORTWARD_FWPATH_H
#define PORTWARD_FWPATH_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#define FW_NAME_MAX	64
#define FW_KEY_MAX	16	/* IFNAMSIZ: the widest key read */
#define FW_MAX_LOOKUPS	4

/* What a register holds while a rule's expressions are read. */
enum fw_key { FK_NONE, FK_NFPROTO, FK_L4, FK_DPORT, FK_SPORT, FK_PORTS,
    FK_CTSTATE,
    FK_CTSTATUS, FK_IIF, FK_IIFNAME, FK_OTHER };

/* Verdicts as nf_tables numbers them (linux/netfilter.h, nf_tables.h). */
#define FW_V_DROP	0
#define FW_V_ACCEPT	1
#define FW_V_CONTINUE	(-1)
#define FW_V_RETURN	(-5)
#define FW_V_GOTO	(-4)
#define FW_V_JUMP	(-3)

struct fw_lookup {
	enum fw_key	key;
	char		set[FW_NAME_MAX];
	int		inv;		/* != @set */
	int		vmap;		/* the set's element gives the verdict */
};

/* What a rule asks of a packet, as far as portward reads it. */
struct fw_match {
	int		nfproto;	/* NFPROTO_IPV4/6, -1: any */
	int		l4;		/* IPPROTO_*, -1: any */
	int		plo, phi;	/* destination port range, -1: open end */
	int		slo, shi;	/* source port range, -1: open end */
	uint32_t	ctmask;		/* ct state bits, any of them; 0: none */
	uint32_t	ctstatus;	/* ct status & this != 0; 0: none */
	int		lo;		/* iif lo: never from outside */
	char		iifname[FW_KEY_MAX];	/* the bytes compared */
	int		iifname_len;	/* 0: any; shorter than the name: prefix */
	int		iifname_neq;
	struct fw_lookup lk[FW_MAX_LOOKUPS];
	int		nlk;
	int		other;		/* a condition not read */
	int		verdict;	/* FW_V_*; FW_V_CONTINUE: none */
	char		target[FW_NAME_MAX];	/* jump, goto */
};

struct fw_rule {
	char		chain[FW_NAME_MAX];
	char		comment[FW_NAME_MAX];
	uint64_t	handle;
	struct fw_match	m;
};

struct fw_elem {
	uint8_t		key[FW_KEY_MAX];
	uint8_t		kend[FW_KEY_MAX];
	int		has_end;	/* [key, kend]: a range element */
	int		iend;		/* an interval's end (exclusive) */
	int		catchall;	/* "*": what no other element matches */
	int		verdict;	/* vmaps */
	char		chain[FW_NAME_MAX];
};

struct fw_set {
	char		name[FW_NAME_MAX];
	uint32_t	klen;
	int		interval;
	int		unread;		/* keys too wide, or the dump failed */
	size_t		n;
	struct fw_elem	*el;
};

struct fw_table {
	const struct fw_rule	*rules;
	size_t			 nrules;
	const struct fw_set	*sets;
	size_t			 nsets;
};

/* A new packet from outside to one endpoint. */
struct fw_pkt {
	int		nfproto, l4, port;
	const char	*iif;		/* the way in; "" or NULL: unknown */
	uint32_t	ctstatus;	/* IPS_DST_NAT when portward DNATs it */
	int		reply;		/* the endpoint's answer going out: port
					   is its source port, the client's
					   port unknown, ct state established */
	int		ct_before;	/* the chain runs before conntrack
					   (priority <= -200): ct state is
					   not what it will be, maybe */
	const char	*self;		/* portward's own rule for this packet
					   (its comment, nft.attach): what it
					   matches on is known to match */
};

enum { FW_CONT, FW_ACCEPT, FW_DROP };

struct fw_result {
	int		verdict;	/* FW_ACCEPT or FW_DROP (a base chain) */
	int		stateful;	/* established accepted on the way */
	int		uncertain;	/* a rule not read may accept it first */
	char		why[160];	/* what drops it */
	char		maybe[160];	/* the first rule that may accept it */
};

/* The ct state bits of a new and of an established packet. */
#define FW_CT_NEW		(1u << 3)
#define FW_CT_ESTABLISHED	(1u << 1)

/* One base chain (its rules in t, chain name, policy FW_V_*). */
void	fw_walk(const struct fw_table *t, const char *chain, int policy,
	    const struct fw_pkt *p, struct fw_result *r);
/* Is key (klen bytes) in the set? The vmap element, if elem. */
int	fw_set_has(const struct fw_set *s, const uint8_t *key,
	    const struct fw_elem **elem);
void	fw_match_init(struct fw_match *m);
/*
 * A rule's comparison (NFT_CMP_*, against len bytes at d) of what a
 * register holds (what; ctmask: the mask a bitwise put on it, as in
 * ct state a,b or ct status dnat), added to m.
 */
void	fw_match_cmp(struct fw_match *m, enum fw_key what, uint32_t ctmask,
	    uint32_t op, const uint8_t *d, uint32_t len);

#endif
