/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nft_rules.c: the ruleset portward wants, derived from the configuration
 * and the profile, and its rendering in nft syntax. Pure: no netlink here,
 * so that `portwardctl rules` and the unit tests need no privileges.
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <string.h>

#include "nft.h"
#include "plan.h"

/* Copy a name that may live inside the ruleset being filled. */
static void
setname(char *dst, size_t sz, const char *src)
{
	size_t n = strnlen(src, sz - 1);

	memmove(dst, src, n);
	dst[n] = '\0';
}

static struct nft_chain_spec *
add_chain(struct nft_ruleset *rs, enum nft_scope scope, const char *name,
    const char *type, uint32_t hook, int32_t prio, int base)
{
	struct nft_chain_spec *ch = &rs->chains[rs->nchains++];

	memset(ch, 0, sizeof(*ch));
	ch->scope = scope;
	setname(ch->name, sizeof(ch->name), name);
	ch->base = base;
	ch->type = type;
	ch->hook = hook;
	ch->prio = prio;
	return ch;
}

static struct nft_rule_spec *
add_rule(struct nft_ruleset *rs, enum nft_scope scope, const char *chain,
    const struct prof_endpoint *e, unsigned fam)
{
	struct nft_rule_spec *r = &rs->rules[rs->nrules++];

	memset(r, 0, sizeof(*r));
	r->scope = scope;
	setname(r->chain, sizeof(r->chain), chain);
	r->family = fam;
	if (e != NULL) {
		/* The comment is the rule's identity within its chain. */
		(void)snprintf(r->comment, sizeof(r->comment), "%s %s", e->name,
		    fam == FAM_IPV4 ? "ipv4" : "ipv6");
		r->proto = e->proto;
		r->port = e->port;
		r->port_end = e->port_end;
	}
	r->verdict = NFTV_ACCEPT;
	return r;
}

/* The accept rules an attached chain repeats, in a family it can see. */
static void
add_attached(struct nft_ruleset *rs)
{
	size_t i, n = rs->nrules;
	unsigned fam_ok = FAM_ALL;

	if (strcmp(rs->at_family, "ip") == 0)
		fam_ok = FAM_IPV4;
	else if (strcmp(rs->at_family, "ip6") == 0)
		fam_ok = FAM_IPV6;
	add_chain(rs, NFT_ATTACHED, rs->table, NULL, 0, 0, 0);
	for (i = 0; i < n; i++) {
		struct nft_rule_spec *r;

		if (rs->rules[i].verdict != NFTV_ACCEPT ||
		    (rs->rules[i].family & fam_ok) == 0)
			continue;
		r = &rs->rules[rs->nrules++];
		*r = rs->rules[i];
		r->scope = NFT_ATTACHED;
		setname(r->chain, sizeof(r->chain), rs->table);
	}
	{
		struct nft_rule_spec *j = add_rule(rs, NFT_ATTACHED, rs->at_chain,
		    NULL, 0);

		j->verdict = NFTV_JUMP;
		setname(j->jump, sizeof(j->jump), rs->table);
		(void)snprintf(j->comment, sizeof(j->comment), "%s",
		    NFT_JUMP_COMMENT);
		j->first = 1;
	}
}

/* Host mode: the accept, the count in NFT_SEEN_CHAIN, maybe hairpin's. */
static void
add_host(const struct conf *c, struct nft_ruleset *rs,
    const struct prof_endpoint *e, unsigned fam, int *hairpin)
{
	struct nft_rule_spec *r;

	add_rule(rs, NFT_OWN, "input", e, fam);
	/* From outside only: not this host's own. */
	r = add_rule(rs, NFT_OWN, NFT_SEEN_CHAIN, e, fam);
	r->verdict = NFTV_COUNT;
	r->not_lo = 1;
	/* The first single ICE/UDP port: hairpin. */
	if (*hairpin || fam != FAM_IPV4 || e->proto != IPPROTO_UDP ||
	    e->port != e->port_end || strncmp(e->name, "turn", 4) == 0 ||
	    c->mapping.nmethods == 0)
		return;
	r = add_rule(rs, NFT_OWN, NFT_SEEN_CHAIN, e, FAM_IPV4);
	r->verdict = NFTV_COUNT;
	r->not_lo = 1;
	(void)snprintf(r->comment, sizeof(r->comment), "hairpin ipv4");
	memcpy(r->marker, NFT_HAIRPIN_MARKER, 16);
	*hairpin = 1;
}

/* Router mode: the DNAT (IPv4) from the WAN, the forward to the host. */
static void
add_router(const struct conf *c, struct nft_ruleset *rs,
    const struct prof_endpoint *e, unsigned fam)
{
	struct nft_rule_spec *r;

	if (fam == FAM_IPV4) {
		r = add_rule(rs, NFT_OWN, "prerouting", e, FAM_IPV4);
		(void)snprintf(r->iifname, sizeof(r->iifname), "%s",
		    c->router.wan_if);
		r->verdict = NFTV_DNAT;
		r->dnat4 = c->router.lan4;
	}
	r = add_rule(rs, NFT_OWN, "forward", e, fam);
	(void)snprintf(r->iifname, sizeof(r->iifname), "%s", c->router.wan_if);
	r->has_daddr = 1;
	r->daddr4 = c->router.lan4;
	r->daddr6 = c->router.lan6;
}

static void
add_chains(const struct conf *c, struct nft_ruleset *rs)
{
	if (c->mode == CONF_MODE_HOST) {
		add_chain(rs, NFT_OWN, "input", "filter", NF_INET_LOCAL_IN, 0, 1);
		add_chain(rs, NFT_OWN, NFT_SEEN_CHAIN, "filter",
		    NF_INET_LOCAL_IN, NFT_SEEN_PRIO, 1);
	} else {
		add_chain(rs, NFT_OWN, "prerouting", "nat", NF_INET_PRE_ROUTING,
		    -100, 1);
		add_chain(rs, NFT_OWN, "forward", "filter", NF_INET_FORWARD, 0,
		    1);
	}
}

void
nft_desired(const struct conf *c, const struct profile *p,
    struct nft_ruleset *rs)
{
	static const unsigned fams[] = { FAM_IPV4, FAM_IPV6 };
	size_t i, k;
	int hairpin = 0;

	memset(rs, 0, sizeof(*rs));
	(void)snprintf(rs->table, sizeof(rs->table), "%s", c->nft.table);
	add_chains(c, rs);
	for (i = 0; i < p->n; i++) {
		unsigned fam = plan_families(c, &p->ep[i]);

		for (k = 0; k < 2; k++) {
			if ((fam & fams[k]) == 0)
				continue;
			if (c->mode == CONF_MODE_HOST)
				add_host(c, rs, &p->ep[i], fams[k], &hairpin);
			else
				add_router(c, rs, &p->ep[i], fams[k]);
		}
	}
	if (c->nft.attach.present) {
		rs->attach = 1;
		(void)snprintf(rs->at_family, sizeof(rs->at_family), "%s",
		    c->nft.attach.family);
		(void)snprintf(rs->at_table, sizeof(rs->at_table), "%s",
		    c->nft.attach.table);
		(void)snprintf(rs->at_chain, sizeof(rs->at_chain), "%s",
		    c->nft.attach.chain);
		add_attached(rs);
	}
}

void
nft_seen_only(const struct nft_ruleset *rs, const char *table,
    struct nft_ruleset *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	(void)snprintf(out->table, sizeof(out->table), "%s", table);
	for (i = 0; i < rs->nchains; i++)
		if (rs->chains[i].scope == NFT_OWN &&
		    strcmp(rs->chains[i].name, NFT_SEEN_CHAIN) == 0)
			out->chains[out->nchains++] = rs->chains[i];
	for (i = 0; i < rs->nrules; i++)
		if (rs->rules[i].scope == NFT_OWN &&
		    strcmp(rs->rules[i].chain, NFT_SEEN_CHAIN) == 0)
			out->rules[out->nrules++] = rs->rules[i];
}

const char *
nft_prio_name(const struct nft_chain_spec *ch, char *buf, size_t len)
{
	if (strcmp(ch->type, "filter") == 0 && ch->prio == 0)
		return "filter";
	if (strcmp(ch->type, "nat") == 0 && ch->prio == -100)
		return "dstnat";
	if (strcmp(ch->type, "nat") == 0 && ch->prio == 100)
		return "srcnat";
	(void)snprintf(buf, len, "%d", ch->prio);
	return buf;
}

static const char *
hook_name(uint32_t hook)
{
	switch (hook) {
	case NF_INET_PRE_ROUTING: return "prerouting";
	case NF_INET_LOCAL_IN: return "input";
	case NF_INET_FORWARD: return "forward";
	case NF_INET_LOCAL_OUT: return "output";
	case NF_INET_POST_ROUTING: return "postrouting";
	}
	return "?";
}

/* One rule as `nft -s list` prints it. */
static void
render_rule(FILE *f, const struct nft_rule_spec *r)
{
	char a[INET6_ADDRSTRLEN];

	if (r->iifname[0] != '\0')
		fprintf(f, "iifname \"%s\" ", r->iifname);
	if (r->not_lo)
		fprintf(f, "iifname != \"lo\" ");
	if (r->has_daddr && r->family == FAM_IPV4)
		fprintf(f, "ip daddr %s ", inet_ntop(AF_INET, &r->daddr4, a,
		    sizeof(a)));
	else if (r->has_daddr && r->family == FAM_IPV6)
		fprintf(f, "ip6 daddr %s ", inet_ntop(AF_INET6, &r->daddr6, a,
		    sizeof(a)));
	else if (r->family != 0)
		fprintf(f, "meta nfproto %s ", r->family == FAM_IPV4 ? "ipv4" :
		    "ipv6");
	if (r->proto != 0) {
		fprintf(f, "%s dport %u", prof_proto_name(r->proto), r->port);
		if (r->port_end != r->port)
			fprintf(f, "-%u", r->port_end);
		fprintf(f, " ");
	}
	if (r->marker[0] != '\0') {
		size_t i;

		fprintf(f, "@th,64,128 0x");
		for (i = 0; i < 16; i++)
			fprintf(f, "%02x", (unsigned char)r->marker[i]);
		fprintf(f, " ");
	}
	switch (r->verdict) {
	case NFTV_ACCEPT:
		fprintf(f, "counter accept");
		break;
	case NFTV_DNAT:
		fprintf(f, "counter dnat ip to %s", inet_ntop(AF_INET, &r->dnat4,
		    a, sizeof(a)));
		break;
	case NFTV_JUMP:
		fprintf(f, "jump %s", r->jump);
		break;
	case NFTV_COUNT:
		fprintf(f, "counter");
		break;
	}
	fprintf(f, " comment \"%s\"", r->comment);
}

static void
render_chain(FILE *f, const struct nft_ruleset *rs,
    const struct nft_chain_spec *ch)
{
	char prio[16];
	size_t i;

	fprintf(f, "\tchain %s {\n", ch->name);
	if (ch->base)
		fprintf(f, "\t\ttype %s hook %s priority %s; policy accept;\n",
		    ch->type, hook_name(ch->hook),
		    nft_prio_name(ch, prio, sizeof(prio)));
	for (i = 0; i < rs->nrules; i++) {
		const struct nft_rule_spec *r = &rs->rules[i];

		if (r->scope != ch->scope || strcmp(r->chain, ch->name) != 0)
			continue;
		fprintf(f, "\t\t");
		render_rule(f, r);
		fprintf(f, "\n");
	}
	fprintf(f, "\t}\n");
}

void
nft_render(FILE *f, const struct nft_ruleset *rs)
{
	size_t i, n = 0;

	fprintf(f, "table inet %s {\n", rs->table);
	for (i = 0; i < rs->nchains; i++) {
		if (rs->chains[i].scope != NFT_OWN)
			continue;
		if (n++ > 0)
			fprintf(f, "\n");
		render_chain(f, rs, &rs->chains[i]);
	}
	fprintf(f, "}\n");
	if (!rs->attach)
		return;
	fprintf(f, "# nft.attach: portward's chain inside table %s %s, and one "
	    "jump at the top of its chain %s\n", rs->at_family, rs->at_table,
	    rs->at_chain);
	fprintf(f, "table %s %s {\n", rs->at_family, rs->at_table);
	for (i = 0; i < rs->nchains; i++)
		if (rs->chains[i].scope == NFT_ATTACHED)
			render_chain(f, rs, &rs->chains[i]);
	fprintf(f, "}\n");
	for (i = 0; i < rs->nrules; i++) {
		const struct nft_rule_spec *r = &rs->rules[i];

		if (r->scope != NFT_ATTACHED || r->verdict != NFTV_JUMP)
			continue;
		fprintf(f, "insert rule %s %s %s ", rs->at_family, rs->at_table,
		    r->chain);
		render_rule(f, r);
		fprintf(f, "\n");
	}
}
