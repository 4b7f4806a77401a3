/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * nft_inject: apply a configuration with one rule the kernel must refuse
 * appended to the batch. Exit 0 when the batch was refused as a whole
 * (the test then checks that the ruleset did not change), 1 otherwise.
 */
#include <stdio.h>

#include "conf.h"
#include "log.h"
#include "nft.h"

int
main(int argc, char **argv)
{
	static struct conf conf;
	static struct profile prof;
	static struct nft_ruleset rs;
	struct nft_ctx *ctx;
	struct errbuf eb;
	int n;

	log_init("nft_inject", 0, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: nft_inject CONFIG\n");
		return 2;
	}
	eb_clear(&eb);
	if (conf_load(argv[1], &conf, &eb) == -1 ||
	    conf_profile(&conf, &prof, &eb) == -1) {
		log_warnx("%s", eb.msg);
		return 2;
	}
	nft_desired(&conf, &prof, &rs);
	if ((ctx = nft_open()) == NULL)
		return 1;
	nft_inject_invalid = 1;
	n = nft_converge(ctx, &rs, NULL, 1);
	nft_close(ctx);
	return n == -1 ? 0 : 1;
}
