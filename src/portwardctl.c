/* portwardctl: the operator's command line (DESIGN.md, "The contract"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "profile.h"

#define EXIT_USAGE	2

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: portwardctl profile (--livekit-config FILE | --profile FILE)"
	    " [--json]\n");
	exit(EXIT_USAGE);
}

static int
cmd_profile(int argc, char **argv)
{
	struct profile prof;
	struct errbuf eb;
	const char *lk = NULL, *pr = NULL;
	char *json;
	int i, as_json = 0, rc;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			as_json = 1;
		else if (strcmp(argv[i], "--livekit-config") == 0 && i + 1 < argc)
			lk = argv[++i];
		else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
			pr = argv[++i];
		else
			usage();
	}
	if ((lk == NULL) == (pr == NULL))
		usage();
	eb_clear(&eb);
	rc = lk ? prof_load_livekit(lk, &prof, &eb) :
	    prof_load_json(pr, &prof, &eb);
	if (rc == -1) {
		log_warnx("%s", eb.msg);
		return EXIT_USAGE;
	}
	if (as_json) {
		if ((json = prof_to_json(&prof)) == NULL) {
			log_warnx("out of memory");
			return 1;
		}
		fputs(json, stdout);
		free(json);
	} else
		prof_print_table(stdout, &prof);
	return fflush(stdout) == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	log_init("portwardctl", 0, 0);
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "profile") == 0)
		return cmd_profile(argc - 2, argv + 2);
	usage();
}
