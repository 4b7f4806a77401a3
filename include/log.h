/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * log.h: the daemon's and the CLI's messages.
 * Everything goes to stderr, or to syslog once log_init() was told so.
 * On a journald stream ($JOURNAL_STREAM names stderr) a line starts with
 * its syslog priority, "<3>" for an error, instead of the program name.
 */
#ifndef PORTWARD_LOG_H
#define PORTWARD_LOG_H

#define PW_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Set the program name used as prefix, and whether to use syslog. */
void	log_init(const char *progname, int use_syslog, int verbose);
/* The program name given to log_init(). */
const char *log_procname(void);
/* Error (LOG_ERR): what failed, a start, a reload or a command. */
void	log_errx(const char *, ...) PW_PRINTF(1, 2);
/* Warning with ": strerror(errno)" appended. */
void	log_warn(const char *, ...) PW_PRINTF(1, 2);
/* Warning as given. */
void	log_warnx(const char *, ...) PW_PRINTF(1, 2);
/* Notice (LOG_NOTICE): worth noting but normal, a repair of the rules. */
void	log_notice(const char *, ...) PW_PRINTF(1, 2);
void	log_info(const char *, ...) PW_PRINTF(1, 2);
/* Only printed when verbose. */
void	log_debug(const char *, ...) PW_PRINTF(1, 2);
/* Log, then exit(1); for start-up failures and impossible states. */
void	fatal(const char *, ...) PW_PRINTF(1, 2) __attribute__((noreturn));
void	fatalx(const char *, ...) PW_PRINTF(1, 2) __attribute__((noreturn));

#endif
