/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Units for the boundaries where strings from outside come in (issue 17):
 * each is fed escape sequences and newlines and must hand on only clean
 * text, one line, no control byte; and what is clean already is not
 * escaped twice.
 */
#include <arpa/inet.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <libmnl/libmnl.h>

#include "testutil.h"
#include "errbuf.h"
#include "mapper.h"
#include "nft_monitor.h"
#include "profile.h"
#include "status.h"
#include "untrusted.h"

#define FORGED	"evil\x1b[2J\r\nportwardd: forged line"

/* No byte below 0x20 but newlines, no DEL, no line that starts forged. */
static void
assert_terminal_safe(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != '\n' && ((unsigned char)s[i] < 0x20 || s[i] == 0x7f))
			fail_msg("control byte 0x%02x at %zu in:\n%s",
			    (unsigned char)s[i], i, s);
	assert_null(strstr(s, "\nportwardd: forged"));
	assert_false(strncmp(s, "portwardd: forged", 17) == 0);
}

static void
mapper_check_report__raw_controls_from_the_child__escaped(void **state)
{
	static struct map_report r;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.nfwd = 1;
	snprintf(r.gateway, sizeof(r.gateway), "http://x/\x1b]0;t\x07");
	snprintf(r.err, sizeof(r.err), "a\x9b" "2J");
	snprintf(r.fwd[0].name, sizeof(r.fwd[0].name), "rtc\n");
	snprintf(r.fwd[0].fam[0].other, sizeof(r.fwd[0].fam[0].other),
	    "10.0.0.9:7882 (\"%s\")", FORGED);
	/* What the child escaped itself is kept as it is. */
	snprintf(r.fwd[0].fam[0].err, sizeof(r.fwd[0].fam[0].err),
	    "external port 7882/udp is not free: 10.0.0.9:7882 "
	    "(\"evil\\x1b[2J\")");
	memset(r.fwd[0].fam[1].err, 'x', sizeof(r.fwd[0].fam[1].err));
	assert_int_equal(mapper_check_report(&r), 0);
	assert_string_equal(r.gateway, "http://x/\\x1b]0;t\\x07");
	assert_string_equal(r.err, "a\\x9b2J");
	assert_string_equal(r.fwd[0].name, "rtc\\n");
	assert_string_equal(r.fwd[0].fam[0].other, "10.0.0.9:7882 "
	    "(\"evil\\x1b[2J\\r\\nportwardd: forged line\")");
	assert_string_equal(r.fwd[0].fam[0].err, "external port 7882/udp is "
	    "not free: 10.0.0.9:7882 (\"evil\\x1b[2J\")");
	assert_int_equal(strlen(r.fwd[0].fam[1].err), MAP_STR - 1);
}

static void
mapper_check_report__address_that_is_not_one__refused(void **state)
{
	static struct map_report r;

	(void)state;
	memset(&r, 0, sizeof(r));
	snprintf(r.ext4, sizeof(r.ext4), "203.0.113.7");
	snprintf(r.lan6, sizeof(r.lan6), "2001:db8::2");
	assert_int_equal(mapper_check_report(&r), 0);
	snprintf(r.ext4, sizeof(r.ext4), "1.2.3.4\x1b[2J");
	assert_int_equal(mapper_check_report(&r), -1);
	snprintf(r.ext4, sizeof(r.ext4), "1.2.3.4");
	snprintf(r.lan4, sizeof(r.lan4), "evil");
	assert_int_equal(mapper_check_report(&r), -1);
	r.lan4[0] = '\0';
	snprintf(r.lan6, sizeof(r.lan6), "1.2.3.4");	/* not IPv6 */
	assert_int_equal(mapper_check_report(&r), -1);
}

static void
eb_set__file_value_with_escapes__one_clean_line(void **state)
{
	struct errbuf eb;

	(void)state;
	eb_clear(&eb);
	(void)eb_set(&eb, "/etc/livekit.yaml", 3, 11, "turn.domain",
	    "\"%s\" is not a domain name", FORGED);
	assert_string_equal(eb.msg, "/etc/livekit.yaml:3:11: turn.domain: "
	    "\"evil\\x1b[2J\\r\\nportwardd: forged line\" is not a domain name");
	assert_terminal_safe(eb.msg, strlen(eb.msg));
	assert_null(strchr(eb.msg, '\n'));
}

static void
livekit__turn_domain_with_escapes__error_escaped(void **state)
{
	static struct profile p;
	struct errbuf eb;
	const char *f = tu_file("lk.yaml", "port: 7880\n"
	    "turn:\n  enabled: true\n  tls_port: 5349\n"
	    "  domain: \"evil\\e[2J\\r\\nportwardd: forged line\"\n");

	(void)state;
	eb_clear(&eb);
	assert_int_equal(prof_load_livekit(f, &p, &eb), -1);
	assert_non_null(strstr(eb.msg, "evil\\x1b[2J\\r\\nportwardd: forged"));
	assert_terminal_safe(eb.msg, strlen(eb.msg));
	assert_null(strchr(eb.msg, '\n'));
}

static void
prof_note__value_with_escapes__escaped(void **state)
{
	static struct profile p;

	(void)state;
	memset(&p, 0, sizeof(p));
	prof_note(&p, "turn.bind_addresses \"%s\" is a name", FORGED);
	assert_int_equal(p.nnotes, 1);
	assert_string_equal(p.notes[0], "turn.bind_addresses \"evil\\x1b[2J"
	    "\\r\\nportwardd: forged line\" is a name");
}

/* A NEWGEN message as the kernel sends it, naming comm and pid. */
static struct nlmsghdr *
newgen(char *buf, const char *comm, uint32_t pid)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	mnl_attr_put_u32(nlh, NFTA_GEN_ID, htonl(7));
	mnl_attr_put_u32(nlh, NFTA_GEN_PROC_PID, htonl(pid));
	mnl_attr_put_strz(nlh, NFTA_GEN_PROC_NAME, comm);
	return nlh;
}

static void
nftmon_who__comm_set_by_prctl__escaped(void **state)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], who[96];

	(void)state;
	assert_int_equal(nftmon_who(newgen(buf, "\x1b[2J\nforged", 4242),
	    who, sizeof(who)), 0);
	assert_string_equal(who, "\\x1b[2J\\nforged, pid 4242");
	assert_int_equal(nftmon_who(newgen(buf, "nft", 1), who, sizeof(who)),
	    0);
	assert_string_equal(who, "nft, pid 1");
}

static const char hostile_status[] =
    "{\"endpoints\": [{\"name\": \"rtc\\u001b[2J\", \"proto\": \"udp\", "
    "\"port\": 7882, \"port_end\": 7882, "
    "\"ipv4\": {\"verdict\": \"blocked\", \"reason\": \"forward-conflict\", "
    "\"hint\": \"x\\r\\nportwardd: forged line\"}, "
    "\"ipv6\": {\"verdict\": \"reachable\", \"reason\": \"\", \"hint\": \"\"}}], "
    "\"mapping\": {\"enabled\": true, \"method\": \"upnp\", "
    "\"gateway\": \"http://g\\u001b]0;t\\u0007/\", "
    "\"external_addresses\": [\"1.2.3.4\\u009b2J\"], "
    "\"forwards\": [{\"name\": \"rtc\", \"proto\": \"udp\", \"port\": 7882, "
    "\"family\": \"ipv4\", \"state\": \"forward-conflict\", "
    "\"error\": \"not free: (\\\"evil\\u001b[2J\\r\\nportwardd: forged "
    "line\\u202e\\\") and (\\\"clean\\\\x1b\\\")\"}], "
    "\"process\": {\"state\": \"running\", \"pid\": 9, \"restarts\": 0, "
    "\"last_exit\": \"signal \\\\x1b\"}}, "
    "\"child\": {\"configured\": true, \"state\": \"running\\n\", \"pid\": 5, "
    "\"restarts\": 0, \"last_exit\": \"\"}, \"ready\": true}";

static void
status_print__document_with_raw_controls__terminal_gets_none(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	f = open_memstream(&out, &len);
	assert_int_equal(status_print(f, hostile_status), 1);
	fclose(f);
	assert_terminal_safe(out, len);
	assert_non_null(strstr(out, "rtc\\x1b[2J"));
	assert_non_null(strstr(out, "x\\r\\nportwardd: forged line"));
	assert_non_null(strstr(out, "http://g\\x1b]0;t\\x07/"));
	assert_non_null(strstr(out, "1.2.3.4\\xc2\\x9b2J"));
	assert_non_null(strstr(out, "line\\u{202e}"));
	assert_null(strstr(out, "\xe2\x80\xae"));
	/* Escaped by the daemon already: shown as it is, not twice... */
	assert_non_null(strstr(out, "last signal \\x1b\n"));
	/* ...unless the field as a whole was not clean. */
	assert_non_null(strstr(out, "(\"clean\\\\x1b\")"));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mapper_check_report__raw_controls_from_the_child__escaped),
		cmocka_unit_test(mapper_check_report__address_that_is_not_one__refused),
		cmocka_unit_test(eb_set__file_value_with_escapes__one_clean_line),
		cmocka_unit_test(livekit__turn_domain_with_escapes__error_escaped),
		cmocka_unit_test(prof_note__value_with_escapes__escaped),
		cmocka_unit_test(nftmon_who__comm_set_by_prctl__escaped),
		cmocka_unit_test(status_print__document_with_raw_controls__terminal_gets_none),
	};

	return cmocka_run_group_tests_name("sanitize", tests, NULL, NULL);
}
