/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.c: messages to stderr or syslog, in the manner of OpenBSD daemons.
 * When stderr is a journald stream (systemd sets $JOURNAL_STREAM to its
 * device and inode), each line carries the sd-daemon "<N>" priority prefix
 * instead of the program name: the journal adds the identifier itself and
 * files each message at its own priority (journalctl -p warning).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "log.h"

static const char *procname = "portward";
static int to_syslog;
static int to_journal;
static int verbosity;

/* Whether fd 2 is the stream $JOURNAL_STREAM names ("DEV:INODE"). */
static int
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	int n = 0;

	if (js == NULL || sscanf(js, "%llu:%llu%n", &dev, &ino, &n) != 2 ||
	    js[n] != '\0' || fstat(2, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *name, int use_syslog, int verbose)
{
	procname = name;
	to_syslog = use_syslog;
	verbosity = verbose;
	to_journal = !to_syslog && stderr_is_journal();
	if (to_syslog)
		openlog(name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

const char *
log_procname(void)
{
	return procname;
}

/*
 * One message is one line: a control character other than a tab (a
 * newline in a value the message quotes: a router's mapping description,
 * a configuration string) is written as \n or \xNN. Unescaped, the
 * journal would file the text after a newline as a line of its own, at
 * whatever "<N>" priority it starts with.
 */
static void
escape_controls(char *out, size_t len, const char *in)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	unsigned char c;

	for (; (c = (unsigned char)*in) != '\0' && o + 5 < len; in++) {
		/* A tab stays: it separates the fields of LiveKit's lines. */
		if ((c >= 0x20 && c != 0x7f) || c == '\t') {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = '\\';
		if (c == '\n')
			out[o++] = 'n';
		else {
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		}
	}
	out[o] = '\0';
}

static void
vlog(int pri, const char *fmt, va_list ap, int with_errno)
{
	char raw[1024], msg[1024 * 4], pfx[64];
	int saved = errno;

	if (vsnprintf(raw, sizeof(raw), fmt, ap) < 0)
		raw[0] = '\0';
	escape_controls(msg, sizeof(msg), raw);
	if (to_syslog) {
		if (with_errno)
			syslog(pri, "%s: %s", msg, strerror(saved));
		else
			syslog(pri, "%s", msg);
		errno = saved;
		return;
	}
	if (to_journal)
		(void)snprintf(pfx, sizeof(pfx), "<%d>", LOG_PRI(pri));
	else
		(void)snprintf(pfx, sizeof(pfx), "%s: ", procname);
	if (with_errno)
		fprintf(stderr, "%s%s: %s\n", pfx, msg, strerror(saved));
	else
		fprintf(stderr, "%s%s\n", pfx, msg);
	errno = saved;
}

void
log_errx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap, 0);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, 1);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, 0);
	va_end(ap);
}

void
log_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_NOTICE, fmt, ap, 0);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, 0);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!verbosity)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, 0);
	va_end(ap);
	exit(1);
}
