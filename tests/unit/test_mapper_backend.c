/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Units for the mapper's seams: the backend table (mapper_backend.h) and
 * the records between its two sides (mapper_msg.c).
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"
#include "mapper_backend.h"

static void
backends__every_method__one_backend_that_maps_and_unmaps(void **state)
{
	static const char *names[CONF_MAX_METHODS] = {
		[CONF_METHOD_NATPMP] = "NAT-PMP",
		[CONF_METHOD_UPNP] = "UPnP",
		[CONF_METHOD_PCP] = "PCP",
	};
	const struct map_backend *b;
	uint32_t m;

	(void)state;
	for (m = 0; m < CONF_MAX_METHODS; m++) {
		b = mb_get(m);
		assert_non_null(b);
		assert_string_equal(b->name, names[m]);
		assert_non_null(b->map);
		assert_non_null(b->unmap);
		assert_non_null(b->describe);
		assert_non_null(b->close);
		assert_non_null(b->no_answer);
		/* Every method is found through the backend (UPnP too). */
		assert_non_null(b->discover);
		assert_non_null(b->discovered);
		/* A search that waits for the burst is heard and ended. */
		assert_true((b->search == NULL) == (b->listening == NULL));
		assert_true((b->search == NULL) == (b->search_end == NULL));
	}
	assert_non_null(mb_get(CONF_METHOD_UPNP)->search);
	assert_non_null(mb_get(CONF_METHOD_UPNP)->location);
	assert_int_equal(mb_get(CONF_METHOD_NATPMP)->fams, 1);
	assert_int_equal(mb_get(CONF_METHOD_PCP)->fams, 3);
	assert_int_equal(mb_get(CONF_METHOD_UPNP)->fams, 3);
}

static void
backends__burst_order__datagrams_before_upnp(void **state)
{
	(void)state;
	assert_int_equal(mb_order[0], CONF_METHOD_PCP);
	assert_int_equal(mb_order[1], CONF_METHOD_NATPMP);
	assert_int_equal(mb_order[2], CONF_METHOD_UPNP);
}

/* Nothing is sent, no socket opened: the burst decides when to search. */
static void
upnp_discover__no_igd_url__search_waits_or_no_router(void **state)
{
	const struct map_backend *b = mb_get(CONF_METHOD_UPNP);
	struct map_conf mc;
	struct mb_burst g;
	char err[MAP_STR], loc[MAP_STR];

	(void)state;
	memset(&mc, 0, sizeof(mc));
	memset(&g, 0, sizeof(g));
	b->close();
	err[0] = '\0';
	assert_int_equal(b->discover(0, &mc, &g, err, sizeof(err)), -1);
	assert_string_equal(err, "UPnP: no default gateway");
	assert_int_equal(b->discover(1, &mc, &g, err, sizeof(err)), -1);
	assert_string_equal(err, "UPnP: no IPv6 default router to search on");
	g.have_gw4 = g.have_gw6 = 1;
	assert_int_equal(b->discover(0, &mc, &g, err, sizeof(err)), MB_LATER);
	assert_int_equal(b->discover(1, &mc, &g, err, sizeof(err)), MB_LATER);
	assert_int_equal(b->listening(0), -1);
	assert_int_equal(b->listening(1), -1);
	/* Pending, not searched: nothing to tell yet. */
	assert_int_equal(b->discovered(0, &g, err, sizeof(err)), 0);
	assert_int_equal(b->discovered(1, &g, err, sizeof(err)), 0);
	b->location(loc, sizeof(loc));
	assert_string_equal(loc, "");
	b->search_end();
	b->close();
}

static void
msg__sent_record__received_whole(void **state)
{
	struct map_log l, in;
	uint32_t type, len;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	memset(&l, 0, sizeof(l));
	l.level = 1;
	snprintf(l.text, sizeof(l.text), "hello");
	assert_int_equal(mapper_send(sv[0], MAPMSG_LOG, &l, sizeof(l)), 0);
	assert_int_equal(mapper_recv(sv[1], &type, &in, sizeof(in), &len), 1);
	assert_int_equal(type, MAPMSG_LOG);
	assert_int_equal(len, sizeof(l));
	mapper_check_log(&in);
	assert_string_equal(in.text, "hello");
	close(sv[0]);
	close(sv[1]);
}

static void
msg__record_longer_than_buffer__ebadmsg(void **state)
{
	struct map_report r;
	struct map_log in;
	uint32_t type, len;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(mapper_send(sv[0], MAPMSG_REPORT, &r, sizeof(r)), 0);
	assert_int_equal(mapper_recv(sv[1], &type, &in, sizeof(in), &len), -1);
	assert_int_equal(errno, EBADMSG);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backends__every_method__one_backend_that_maps_and_unmaps),
		cmocka_unit_test(backends__burst_order__datagrams_before_upnp),
		cmocka_unit_test(upnp_discover__no_igd_url__search_waits_or_no_router),
		cmocka_unit_test(msg__sent_record__received_whole),
		cmocka_unit_test(msg__record_longer_than_buffer__ebadmsg),
	};

	return cmocka_run_group_tests_name("mapper_backend", tests, NULL, NULL);
}
