/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ssdp.h: SSDP (UPnP device architecture 1.1, section 1) as text: the
 * M-SEARCH the mapper sends for an Internet gateway device, and the
 * answers and announcements it reads. Pure; the mapper does the I/O and
 * leaves the device description and SOAP to libminiupnpc.
 */
#ifndef PORTWARD_SSDP_H
#define PORTWARD_SSDP_H

#include <stddef.h>

#define SSDP_PORT	1900
#define SSDP_GROUP4	"239.255.255.250"
#define SSDP_GROUP6	"ff02::c"	/* link-local scope */
#define SSDP_URL_MAX	256
#define SSDP_ID_MAX	64

struct ssdp_msg {
	int	notify;		/* 1 NOTIFY, 0 an answer to M-SEARCH */
	int	alive;		/* NOTIFY: ssdp:alive (1), ssdp:byebye (0) */
	int	igd;		/* ST or NT names an InternetGatewayDevice */
	char	location[SSDP_URL_MAX];	/* http://..., "" when none or not http */
	char	bootid[SSDP_ID_MAX];	/* BOOTID.UPNP.ORG, "" when none */
	char	uuid[SSDP_ID_MAX];	/* the device, from USN "uuid:X::...", "" none */
};

/* An M-SEARCH for an IGD of version 1 or 2; the length, 0 if buf is small. */
size_t	ssdp_msearch(char *buf, size_t len, int version, int ipv6);
/*
 * Read a datagram: 0 and m filled for a 200 answer or a NOTIFY, -1 for
 * anything else. A LOCATION or BOOTID that is longer than its field or
 * not printable ASCII is taken as absent (what the network sends reaches
 * the log).
 */
int	ssdp_parse(const char *buf, size_t len, struct ssdp_msg *m);

/*
 * The host of an http:// location ("192.0.2.1", "2001:db8::1" without
 * brackets) into out; -1 when it has none or it does not fit.
 */
int	ssdp_location_host(const char *location, char *out, size_t outlen);

#endif
