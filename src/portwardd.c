/* portwardd: the daemon (DESIGN.md). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "plan.h"
#include "profile.h"

#define EXIT_USAGE	2

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: portwardd -c FILE [-n] [-d]\n");
	exit(EXIT_USAGE);
}

int
main(int argc, char **argv)
{
	static struct conf conf;
	static struct profile prof;
	struct errbuf eb;
	const char *file = NULL;
	int ch, check = 0, debug = 0;

	while ((ch = getopt(argc, argv, "c:dn")) != -1) {
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'n':
			check = 1;
			break;
		default:
			usage();
		}
	}
	if (file == NULL || optind != argc)
		usage();
	log_init("portwardd", 0, debug);

	/* Validate everything before anything acts: a bad file changes nothing. */
	eb_clear(&eb);
	if (conf_load(file, &conf, &eb) == -1 ||
	    conf_profile(&conf, &prof, &eb) == -1) {
		log_warnx("%s", eb.msg);
		return EXIT_USAGE;
	}
	if (check) {
		plan_print(stdout, &conf, &prof);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	log_warnx("this build only checks configurations (-n); the daemon "
	    "loop is not part of it yet");
	return 1;
}
