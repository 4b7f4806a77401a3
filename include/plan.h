/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * plan.h: the desired state derived from a configuration and its profile,
 * told in words (portwardd -n). The rules themselves come from nft.c.
 */
#ifndef PORTWARD_PLAN_H
#define PORTWARD_PLAN_H

#include <stdio.h>

#include "conf.h"
#include "profile.h"

/* Families an endpoint gets: the profile's and the configuration's. */
unsigned plan_families(const struct conf *c, const struct prof_endpoint *e);
/* Print what portwardd would do with c and p. */
void	plan_print(FILE *f, const struct conf *c, const struct profile *p);
/* The plan in one line, for the log at start; -1 when len is too short. */
int	plan_summary(char *buf, size_t len, const struct conf *c,
	    const struct profile *p);

#endif
