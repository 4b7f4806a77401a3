/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Units for the outside-string sanitizer (untrusted.c). */
#include "testutil.h"
#include "untrusted.h"

static void
clean__plain_text__unchanged(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(ut_clean(b, sizeof(b), "LiveKit 7882/udp", 100), 16);
	assert_string_equal(b, "LiveKit 7882/udp");
	assert_true(ut_is_clean("LiveKit 7882/udp", 16));
}

static void
clean__escape_sequences_and_newlines__escaped(void **state)
{
	char b[128];

	(void)state;
	/* What `upnpc -e` can set as a mapping description. */
	ut_clean(b, sizeof(b), "evil\x1b[2J\r\nportwardd: forged\tx\x7f", 100);
	assert_string_equal(b,
	    "evil\\x1b[2J\\r\\nportwardd: forged\\tx\\x7f");
	assert_null(strchr(b, '\n'));
	assert_null(strchr(b, 0x1b));
	assert_false(ut_is_clean("a\nb", 3));
}

static void
clean__backslash__doubled_so_escapes_are_ours(void **state)
{
	char b[32];

	(void)state;
	ut_clean(b, sizeof(b), "a\\x1b", 100);
	assert_string_equal(b, "a\\\\x1b");
}

static void
clean__utf8_kept_c1_bidi_and_invalid_escaped(void **state)
{
	char b[128];

	(void)state;
	ut_clean(b, sizeof(b), "caf\xc3\xa9", 100);	/* café stays */
	assert_string_equal(b, "caf\xc3\xa9");
	ut_clean(b, sizeof(b), "x\xc2\x9b" "2J", 100);	/* 8-bit CSI */
	assert_string_equal(b, "x\\xc2\\x9b2J");
	ut_clean(b, sizeof(b), "\x9b" "2J", 100);		/* raw CSI byte */
	assert_string_equal(b, "\\x9b2J");
	ut_clean(b, sizeof(b), "a\xe2\x80\xaeZ", 100);	/* RIGHT-TO-LEFT OVERRIDE */
	assert_string_equal(b, "a\\u{202e}Z");
	ut_clean(b, sizeof(b), "\xc0\xaf", 100);		/* overlong '/' */
	assert_string_equal(b, "\\xc0\\xaf");
	ut_clean(b, sizeof(b), "\xed\xa0\x80", 100);	/* a surrogate */
	assert_string_equal(b, "\\xed\\xa0\\x80");
	ut_clean(b, sizeof(b), "\xe2\x82", 100);		/* cut short */
	assert_string_equal(b, "\\xe2\\x82");
}

static void
clean__too_long__cut_with_ellipsis_never_mid_escape(void **state)
{
	char b[12], big[2000];

	(void)state;
	assert_int_equal(ut_clean(b, sizeof(b), "0123456789abcdef", 100), 11);
	assert_string_equal(b, "01234567...");
	/* An escape that does not fit is left out whole. */
	ut_clean(b, sizeof(b), "0123456\x1b", 100);
	assert_string_equal(b, "0123456\\x1b");
	ut_clean(b, sizeof(b), "01234567\x1bZZ", 100);
	assert_string_equal(b, "01234567...");
	/* And so is a multi-byte character. */
	ut_clean(b, sizeof(b), "01234567\xc3\xa9" "ab", 100);
	assert_string_equal(b, "01234567...");
	/* srclen bounds what is read; no NUL needed within it. */
	memset(big, 'A', sizeof(big));
	ut_clean(b, sizeof(b), big, 5);
	assert_string_equal(b, "AAAAA");
	assert_int_equal(ut_clean(b, 1, "abc", 3), 0);
	assert_string_equal(b, "");
}

static void
clean__fits_exactly__not_cut(void **state)
{
	char b[12];

	(void)state;
	/* Found by fuzz_untrusted: room for "..." was kept even when all fit. */
	assert_int_equal(ut_clean(b, sizeof(b), "0123456789a", 100), 11);
	assert_string_equal(b, "0123456789a");
	/* Escaped, it fits exactly too: 5 + 4 + 2 bytes. */
	assert_int_equal(ut_clean(b, sizeof(b), "01234\x1b\t", 100), 11);
	assert_string_equal(b, "01234\\x1b\\t");
	/* One byte more, and it is cut. */
	assert_int_equal(ut_clean(b, sizeof(b), "0123456789ab", 100), 11);
	assert_string_equal(b, "01234567...");
}

static void
clean_inplace__library_field__rewritten(void **state)
{
	char f[80] = "Web\x1b]0;pwned\x07";

	(void)state;
	ut_copy(f, sizeof(f), f, sizeof(f));
	assert_string_equal(f, "Web\\x1b]0;pwned\\x07");
	strcpy(f, "fine");
	ut_copy(f, sizeof(f), f, sizeof(f));
	assert_string_equal(f, "fine");
}

static void
is_escaped__clean_output_yes_raw_controls_no(void **state)
{
	char b[128];

	(void)state;
	ut_clean(b, sizeof(b), "evil\x1b[2J\r\n\xc2\x9b\xe2\x80\xae\\", 100);
	assert_false(ut_is_clean(b, strlen(b)));	/* it has escapes */
	assert_true(ut_is_escaped(b, strlen(b)));
	assert_false(ut_is_escaped("a\x1b" "b", 3));	/* a raw ESC */
	assert_false(ut_is_escaped("a\xc2\x9b", 3));	/* 8-bit CSI */
	assert_false(ut_is_escaped("\xe2\x80\xae", 3));	/* bidi override */
	assert_false(ut_is_escaped("caf\xc3", 4));	/* cut character */
	assert_true(ut_is_escaped("caf\xc3\xa9", 5));
}

static void
copy__clean_text_kept_not_escaped_twice(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(ut_copy(b, sizeof(b), "a\\x1b\\n", 100), 7);
	assert_string_equal(b, "a\\x1b\\n");
	/* Not clean: escaped, as ut_clean does. */
	ut_copy(b, sizeof(b), "x\x1b\ny", 100);
	assert_string_equal(b, "x\\x1b\\ny");
	strcpy(b, "in\tplace\x07");
	ut_copy(b, sizeof(b), b, sizeof(b));
	assert_string_equal(b, "in\\tplace\\x07");
}

static void
copy__too_long__cut_between_escapes_and_characters(void **state)
{
	char b[12], src[] = "0123456\\x1bZZZZ";

	(void)state;
	/* "0123456" + an escape of 4 does not leave room for "...". */
	assert_int_equal(ut_copy(b, sizeof(b), src, 100), 10);
	assert_string_equal(b, "0123456...");
	ut_copy(b, sizeof(b), "01234\\u{202e}ZZZ", 100);
	assert_string_equal(b, "01234...");
	ut_copy(b, sizeof(b), "0123456\xc3\xa9ZZZ", 100);
	assert_string_equal(b, "0123456...");
	ut_copy(b, sizeof(b), "01234567\\\\ZZ", 100);
	assert_string_equal(b, "01234567...");
	/* In place, as a report received is re-checked. */
	strcpy(b, "abc");
	assert_int_equal(ut_copy(b, sizeof(b), b, sizeof(b)), 3);
	assert_string_equal(b, "abc");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean__plain_text__unchanged),
		cmocka_unit_test(clean__escape_sequences_and_newlines__escaped),
		cmocka_unit_test(clean__backslash__doubled_so_escapes_are_ours),
		cmocka_unit_test(clean__utf8_kept_c1_bidi_and_invalid_escaped),
		cmocka_unit_test(clean__too_long__cut_with_ellipsis_never_mid_escape),
		cmocka_unit_test(clean__fits_exactly__not_cut),
		cmocka_unit_test(clean_inplace__library_field__rewritten),
		cmocka_unit_test(is_escaped__clean_output_yes_raw_controls_no),
		cmocka_unit_test(copy__clean_text_kept_not_escaped_twice),
		cmocka_unit_test(copy__too_long__cut_between_escapes_and_characters),
	};

	return cmocka_run_group_tests_name("untrusted", tests, NULL, NULL);
}
