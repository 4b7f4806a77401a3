/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Units for fileio.c: what fio_read refuses to read (and that it refuses
 * at once, not after a block), and what the daemon may replace.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "testutil.h"
#include "fileio.h"

static struct errbuf eb;
static char *text;
static size_t len;

/* A test that blocks fails (SIGALRM kills it) instead of hanging. */
static int
guard(void **state)
{
	(void)state;
	alarm(5);
	eb_clear(&eb);
	text = NULL;
	return 0;
}

static int
unguard(void **state)
{
	(void)state;
	alarm(0);
	free(text);
	text = NULL;
	return 0;
}

/* A path in the test directory, created as nothing yet. */
static const char *
tpath(const char *name)
{
	static char p[4][256];
	static int next;
	char *s = p[next++ % 4];
	const char *f = tu_file(name, "");

	snprintf(s, 256, "%s", f);
	(void)unlink(s);
	return s;
}

static void
read__regular_file__whole_text(void **state)
{
	(void)state;
	assert_int_equal(fio_read(tu_file("a.json", "{\"mode\": \"host\"}\n"),
	    &text, &len, &eb), 0);
	assert_int_equal(len, 17);
	assert_string_equal(text, "{\"mode\": \"host\"}\n");
}

static void
read__fifo__refused_at_once_by_type(void **state)
{
	const char *p = tpath("fifo.json");

	(void)state;
	assert_int_equal(mkfifo(p, 0600), 0);
	/* No writer: an open() without O_NONBLOCK would wait for ever. */
	assert_int_equal(fio_read(p, &text, &len, &eb), -1);
	assert_contains(eb.msg, p);
	assert_contains(eb.msg, "not a regular file (a FIFO)");
	assert_null(text);
}

static void
read__symlink_to_fifo__refused_as_the_fifo(void **state)
{
	const char *f = tpath("fifo2"), *l = tpath("link.yaml");

	(void)state;
	assert_int_equal(mkfifo(f, 0600), 0);
	assert_int_equal(symlink(f, l), 0);
	assert_int_equal(fio_read(l, &text, &len, &eb), -1);
	assert_contains(eb.msg, l);
	assert_contains(eb.msg, "not a regular file (a FIFO)");
}

static void
read__directory__refused_by_type(void **state)
{
	(void)state;
	assert_int_equal(fio_read("/", &text, &len, &eb), -1);
	assert_string_equal(eb.msg, "/: not a regular file (a directory): "
	    "portward reads only regular files");
}

static void
read__endless_char_device__refused_by_type(void **state)
{
	(void)state;
	/* /dev/zero never ends: read, it would fill the limit each time. */
	assert_int_equal(fio_read("/dev/zero", &text, &len, &eb), -1);
	assert_string_equal(eb.msg, "/dev/zero: not a regular file (a "
	    "character device): portward reads only regular files");
}

static void
read__limit__exactly_read_one_more_refused(void **state)
{
	const char *p = tpath("big.json");
	int fd;

	(void)state;
	assert_true((fd = open(p, O_WRONLY | O_CREAT, 0600)) != -1);
	assert_int_equal(ftruncate(fd, FIO_MAX_FILE), 0);
	assert_int_equal(fio_read(p, &text, &len, &eb), 0);
	assert_int_equal(len, FIO_MAX_FILE);
	free(text);
	text = NULL;
	/* Sparse: one byte more costs nothing to make, and is refused. */
	assert_int_equal(ftruncate(fd, FIO_MAX_FILE + 1), 0);
	close(fd);
	assert_int_equal(fio_read(p, &text, &len, &eb), -1);
	assert_contains(eb.msg, "larger than 1048576 bytes");
	assert_null(text);
}

static void
read__missing__names_file(void **state)
{
	(void)state;
	assert_int_equal(fio_read("/nonexistent/x.json", &text, &len, &eb), -1);
	assert_string_equal(eb.msg, "/nonexistent/x.json: cannot open: No such "
	    "file or directory");
}

static void
socket_slot__nothing_or_a_socket__yes(void **state)
{
	struct sockaddr_un sun;
	char why[512];
	const char *p = tpath("ctl.sock");
	int fd;

	(void)state;
	assert_int_equal(fio_socket_slot(p, why, sizeof(why)), 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", p);
	assert_true((fd = socket(AF_UNIX, SOCK_STREAM, 0)) != -1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	assert_int_equal(fio_socket_slot(p, why, sizeof(why)), 0);
}

static void
socket_slot__file_directory_link__no(void **state)
{
	char why[512];
	const char *f = tu_file("precious.txt", "keep me\n");
	const char *l = tpath("ctl-link");

	(void)state;
	assert_int_equal(fio_socket_slot(f, why, sizeof(why)), -1);
	assert_contains(why, "is a regular file, not a socket");
	assert_contains(why, f);
	assert_int_equal(fio_socket_slot("/", why, sizeof(why)), -1);
	assert_contains(why, "is a directory, not a socket");
	assert_int_equal(symlink(f, l), 0);
	assert_int_equal(fio_socket_slot(l, why, sizeof(why)), -1);
	assert_contains(why, "is a symbolic link, not a socket");
}

static void
own_file__ours_empty_or_nothing__yes(void **state)
{
	char why[512];

	(void)state;
	assert_int_equal(fio_own_file(tu_file("m.prom", "# HELP portward_x "
	    "y\n"), "# HELP portward_", why, sizeof(why)), 0);
	assert_int_equal(fio_own_file(tu_file("e.prom", ""),
	    "# HELP portward_", why, sizeof(why)), 0);
	assert_int_equal(fio_own_file(tpath("none.prom"), "# HELP portward_",
	    why, sizeof(why)), 0);
}

static void
own_file__someone_elses_link_fifo__no(void **state)
{
	char why[512];
	const char *f = tu_file("other.prom", "# HELP node_x y\n");
	const char *s = tu_file("short.prom", "# HELP");
	const char *l = tpath("l.prom"), *q = tpath("q.prom");

	(void)state;
	assert_int_equal(fio_own_file(f, "# HELP portward_", why, sizeof(why)),
	    -1);
	assert_contains(why, "holds something portward did not write");
	assert_int_equal(fio_own_file(s, "# HELP portward_", why, sizeof(why)),
	    -1);
	/* A link, even to a file portward wrote: rename() would drop it. */
	assert_int_equal(symlink(tu_file("ours.prom", "# HELP portward_a 1\n"),
	    l), 0);
	assert_int_equal(fio_own_file(l, "# HELP portward_", why, sizeof(why)),
	    -1);
	assert_contains(why, "is a symbolic link");
	assert_int_equal(mkfifo(q, 0600), 0);
	assert_int_equal(fio_own_file(q, "# HELP portward_", why, sizeof(why)),
	    -1);
	assert_contains(why, "is a FIFO");
}

static void
same_file__replaced__no(void **state)
{
	struct stat st;
	const char *p = tu_file("s.prom", "a");
	int fd;

	(void)state;
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(fio_same_file(p, st.st_dev, st.st_ino), 1);
	/* Held open, the old inode cannot be reused by the new file. */
	assert_true((fd = open(p, O_RDONLY)) != -1);
	assert_int_equal(unlink(p), 0);
	(void)tu_file("s.prom", "b");
	assert_int_equal(fio_same_file(p, st.st_dev, st.st_ino), 0);
	assert_int_equal(fio_same_file("/nonexistent", st.st_dev, st.st_ino),
	    0);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(read__regular_file__whole_text,
		    guard, unguard),
		cmocka_unit_test_setup_teardown(
		    read__fifo__refused_at_once_by_type, guard, unguard),
		cmocka_unit_test_setup_teardown(
		    read__symlink_to_fifo__refused_as_the_fifo, guard, unguard),
		cmocka_unit_test_setup_teardown(read__directory__refused_by_type,
		    guard, unguard),
		cmocka_unit_test_setup_teardown(
		    read__endless_char_device__refused_by_type, guard, unguard),
		cmocka_unit_test_setup_teardown(
		    read__limit__exactly_read_one_more_refused, guard, unguard),
		cmocka_unit_test_setup_teardown(read__missing__names_file,
		    guard, unguard),
		cmocka_unit_test(socket_slot__nothing_or_a_socket__yes),
		cmocka_unit_test(socket_slot__file_directory_link__no),
		cmocka_unit_test(own_file__ours_empty_or_nothing__yes),
		cmocka_unit_test(own_file__someone_elses_link_fifo__no),
		cmocka_unit_test(same_file__replaced__no),
	};

	return cmocka_run_group_tests_name("fileio", tests, NULL, NULL);
}
