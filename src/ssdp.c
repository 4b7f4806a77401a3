/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * ssdp.c: SSDP messages for the mapper's discovery (ssdp.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ssdp.h"

#define IGD_URN	"urn:schemas-upnp-org:device:InternetGatewayDevice:"

size_t
ssdp_msearch(char *buf, size_t len, int version, int ipv6)
{
	int n;

	/* MX 1: the smallest wait allowed; the first answer is taken. */
	n = snprintf(buf, len, "M-SEARCH * HTTP/1.1\r\n"
	    "HOST: %s:%d\r\n"
	    "ST: " IGD_URN "%d\r\n"
	    "MAN: \"ssdp:discover\"\r\n"
	    "MX: 1\r\n\r\n", ipv6 ? "[FF02::C]" : SSDP_GROUP4, SSDP_PORT,
	    version);
	return n < 0 || (size_t)n >= len ? 0 : (size_t)n;
}

/*
 * The value of header name in the lines of msg (len bytes, any bytes),
 * into out; -1 when absent, longer than out or not printable ASCII (a
 * value cut or cleaned would name something else).
 */
static int
header(const char *msg, size_t len, const char *name, char *out,
    size_t outlen)
{
	const char *p = msg, *end = msg + len, *eol;
	size_t n = strlen(name), o;

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - p) > n && strncasecmp(p, name, n) == 0 &&
		    p[n] == ':') {
			p += n + 1;
			while (p < eol && (*p == ' ' || *p == '\t'))
				p++;
			for (o = 0; p < eol && *p != '\r'; p++) {
				if (*p < 0x20 || *p >= 0x7f || o + 1 >= outlen)
					return -1;
				out[o++] = *p;
			}
			out[o] = '\0';
			while (o > 0 && out[o - 1] == ' ')
				out[--o] = '\0';
			return 0;
		}
		p = eol + 1;
	}
	return -1;
}

/* The device's UUID from "USN: uuid:X" or "uuid:X::urn:...". */
static void
usn_uuid(const char *buf, size_t len, char *out, size_t outlen)
{
	char usn[SSDP_URL_MAX], *e;

	out[0] = '\0';
	if (header(buf, len, "USN", usn, sizeof(usn)) == -1 ||
	    strncasecmp(usn, "uuid:", 5) != 0)
		return;
	if ((e = strstr(usn, "::")) != NULL)
		*e = '\0';
	if (strlen(usn + 5) > 0 &&
	    snprintf(out, outlen, "%s", usn + 5) >= (int)outlen)
		out[0] = '\0';	/* a cut UUID names another device */
}

static int
starts(const char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	return len >= n && strncasecmp(buf, s, n) == 0;
}

int
ssdp_parse(const char *buf, size_t len, struct ssdp_msg *m)
{
	char st[128], nts[32];

	memset(m, 0, sizeof(*m));
	if (starts(buf, len, "NOTIFY * HTTP/1."))
		m->notify = 1;
	else if (!starts(buf, len, "HTTP/1.1 200") &&
	    !starts(buf, len, "HTTP/1.0 200"))
		return -1;
	if (header(buf, len, m->notify ? "NT" : "ST", st, sizeof(st)) == -1)
		return -1;
	m->igd = strncasecmp(st, IGD_URN, strlen(IGD_URN)) == 0;
	if (m->notify) {
		if (header(buf, len, "NTS", nts, sizeof(nts)) == -1)
			return -1;
		if (strcmp(nts, "ssdp:alive") == 0)
			m->alive = 1;
		else if (strcmp(nts, "ssdp:byebye") != 0)
			return -1;	/* ssdp:update and the like */
	}
	if (header(buf, len, "LOCATION", m->location,
	    sizeof(m->location)) == -1 ||
	    strncasecmp(m->location, "http://", 7) != 0)
		m->location[0] = '\0';
	if (header(buf, len, "BOOTID.UPNP.ORG", m->bootid,
	    sizeof(m->bootid)) == -1)
		m->bootid[0] = '\0';
	usn_uuid(buf, len, m->uuid, sizeof(m->uuid));
	return 0;
}

int
ssdp_location_host(const char *location, char *out, size_t outlen)
{
	const char *p, *e;
	size_t n;

	if (strncasecmp(location, "http://", 7) != 0)
		return -1;
	p = location + 7;
	if (*p == '[') {
		p++;
		e = strchr(p, ']');
	} else
		e = p + strcspn(p, ":/");
	if (e == NULL || e == p || (n = (size_t)(e - p)) >= outlen)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}
