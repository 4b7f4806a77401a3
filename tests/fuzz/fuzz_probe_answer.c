/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * libFuzzer target: a reflector's answer, as the probe helper reads it
 * (probe_parse_answer, probe.c). Anyone who runs a reflector, or sits
 * between it and portward, writes these bytes. Whatever they are, the
 * results name only the profile's endpoints, and every string in them
 * is terminated, one line, and free of control characters.
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct conf conf;
static struct profile prof;

static void
endpoint(const char *name, uint8_t proto, uint16_t port, unsigned fams)
{
	struct prof_endpoint *e = &prof.ep[prof.n++];

	snprintf(e->name, sizeof(e->name), "%s", name);
	e->proto = proto;
	e->port = e->port_end = port;
	e->families = fams;
}

/* LiveKit 1.10.0's endpoints (rules/livekit-1.10.0.json), by hand. */
static void
setup(void)
{
	conf.families = FAM_IPV4 | FAM_IPV6;
	endpoint("ice-tcp", IPPROTO_TCP, 7881, FAM_IPV4 | FAM_IPV6);
	endpoint("ice-udp", IPPROTO_UDP, 7882, FAM_IPV4 | FAM_IPV6);
	endpoint("turn-udp", IPPROTO_UDP, 3479, FAM_IPV4);
	endpoint("turn-tls", IPPROTO_TCP, 5350, FAM_IPV4);
	prof.ep[3].flags = PROF_EP_TURN_TLS;
}

static void
clean(const char *s, size_t size)
{
	const char *end = memchr(s, '\0', size);
	size_t i;

	if (end == NULL)
		__builtin_trap();
	for (i = 0; s + i < end; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct probe_result r[PROF_MAX_ENDPOINTS];
	size_t i, k, n;
	unsigned fam;

	if (prof.n == 0)
		setup();
	for (fam = FAM_IPV4; fam <= FAM_IPV6; fam <<= 1) {
		n = probe_parse_answer((const char *)data, size, conf.families, &prof,
		    fam, "203.0.113.2:7900", r, PROF_MAX_ENDPOINTS);
		if (n > PROF_MAX_ENDPOINTS)
			__builtin_trap();
		for (i = 0; i < n; i++) {
			for (k = 0; k < prof.n; k++)
				if (strcmp(r[i].name, prof.ep[k].name) == 0)
					break;
			if (k == prof.n || !(prof.ep[k].families & fam) ||
			    r[i].fam != fam || r[i].ok > 1)
				__builtin_trap();
			clean(r[i].detail, sizeof(r[i].detail));
			clean(r[i].kind, sizeof(r[i].kind));
			clean(r[i].reflector, sizeof(r[i].reflector));
		}
	}
	return 0;
}
