/* SPDX-License-Identifier: GPL-2.0-or-later */
/* portwardctl: the operator's command line (docs/design.md, docs/man/portwardctl.1). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "control.h"
#include "listeners.h"
#include "log.h"
#include "loop.h"
#include "netstate.h"
#include "probe.h"
#include "nft.h"
#include "observe.h"
#include "profile.h"
#include "reflector.h"
#include "status.h"

#define EXIT_USAGE	2

static void __attribute__((noreturn))
usage_to(int asked)
{
	fprintf(asked ? stdout : stderr,
	    "usage: portwardctl profile (--livekit-config FILE "
	    "[--livekit-version V] | --profile FILE) [--json]\n"
	    "           [-- LIVEKIT-SERVER-FLAGS...]\n"
	    "       portwardctl rules -c FILE [-w WAN-IFNAME]\n"
	    "       portwardctl apply -c FILE [-w WAN-IFNAME]\n"
	    "       portwardctl flush -c FILE [-w WAN-IFNAME]\n"
	    "       portwardctl status [-s SOCKET] [--json]\n"
	    "       portwardctl probe [-s SOCKET]\n"
	    "       portwardctl doctor [-c FILE] [--json]\n"
	    "       portwardctl reflector --listen ADDR:PORT\n"
	    "       portwardctl --help | --version\n");
	exit(asked ? (fflush(stdout) == 0 ? 0 : 1) : EXIT_USAGE);
}

/* A usage error: the usage on stderr, exit 2. */
static void __attribute__((noreturn))
usage(void)
{
	usage_to(0);
}

/* The profile as a table, or as JSON that --profile reads back. */
static int
show_profile(const struct profile *prof, int as_json)
{
	char *json;

	if (as_json) {
		if ((json = prof_to_json(prof)) == NULL) {
			log_warnx("out of memory");
			return 1;
		}
		fputs(json, stdout);
		free(json);
	} else
		prof_print_table(stdout, prof);
	return fflush(stdout) == 0 ? 0 : 1;
}

static int
cmd_profile(int argc, char **argv)
{
	struct profile prof;
	struct errbuf eb;
	const char *lk = NULL, *pr = NULL, *ver = NULL;
	const char *lkargv[CONF_MAX_ARGS + 1];
	size_t lkargc = 0;
	struct lk_opts o;
	int i, as_json = 0, rc;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			as_json = 1;
		else if (strcmp(argv[i], "--livekit-config") == 0 && i + 1 < argc)
			lk = argv[++i];
		else if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
			pr = argv[++i];
		else if (strcmp(argv[i], "--livekit-version") == 0 &&
		    i + 1 < argc)
			ver = argv[++i];
		else if (strcmp(argv[i], "--") == 0) {
			/* livekit-server's own flags: read as LiveKit would. */
			lkargv[lkargc++] = "livekit-server";
			while (++i < argc && lkargc < CONF_MAX_ARGS + 1)
				lkargv[lkargc++] = argv[i];
			if (i < argc)
				usage();
		} else
			usage();
	}
	if (lkargc > 0 && lk == NULL)
		usage();
	if ((lk == NULL) == (pr == NULL) || (ver != NULL && lk == NULL))
		usage();
	eb_clear(&eb);
	memset(&o, 0, sizeof(o));
	o.file = lk;
	o.version = ver;
	o.version_from = "--livekit-version";
	o.argv = lkargv;
	o.argc = lkargc;
	o.cmd_where = "the livekit-server flags after --";
	o.config_implied = 1;
	rc = lk ? prof_load_livekit_ex(&o, &prof, &eb) :
	    prof_load_json(pr, &prof, &eb);
	if (rc == -1) {
		log_warnx("%s", eb.msg);
		return EXIT_USAGE;
	}
	return show_profile(&prof, as_json);
}

/*
 * -c FILE [-w WAN-IFNAME]: the configuration, its profile and the ruleset
 * they want.
 */
static int
load_ruleset(int argc, char **argv, struct nft_ruleset *rs)
{
	static struct conf conf;
	static struct profile prof;
	struct errbuf eb;

	if (argc == 4 && strcmp(argv[2], "-w") == 0)
		conf_wan_override = argv[3];
	else if (argc != 2)
		usage();
	if (strcmp(argv[0], "-c") != 0)
		usage();
	eb_clear(&eb);
	if (conf_load(argv[1], &conf, &eb) == -1 ||
	    conf_profile(&conf, &prof, &eb) == -1) {
		log_warnx("%s", eb.msg);
		return -1;
	}
	nft_desired(&conf, &prof, rs);
	return 0;
}

static void
warn_conflicts(struct nft_ctx *ctx, const struct nft_ruleset *rs)
{
	static struct nft_conflict c[NFT_MAX_CONFLICTS];
	int i, n;

	if ((n = nft_conflicts(ctx, rs, c, NFT_MAX_CONFLICTS)) <= 0)
		return;
	for (i = 0; i < n && i < NFT_MAX_CONFLICTS; i++)
		if (nft_conflict_first(c, i))
			log_warnx("dropped-by-other-table: table %s %s, chain %s "
			    "(%s) drops what portward accepts (%s%s): an accept "
			    "in portward's table cannot override it; open the "
			    "ports there, or set nft.attach to {\"family\": "
			    "\"%s\", \"table\": \"%s\", \"chain\": \"%s\"}",
			    c[i].family, c[i].table, c[i].chain, c[i].why,
			    c[i].endpoint, nft_conflict_more(c, n, i) ?
			    ", and more" : "", c[i].family, c[i].table,
			    c[i].chain);
}

static int
cmd_nft(const char *cmd, int argc, char **argv)
{
	static struct nft_ruleset rs;
	struct nft_ctx *ctx;
	int n;

	if (load_ruleset(argc, argv, &rs) == -1)
		return EXIT_USAGE;
	if (strcmp(cmd, "rules") == 0) {
		nft_render(stdout, &rs);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if ((ctx = nft_open()) == NULL)
		return 1;
	if (strcmp(cmd, "apply") == 0) {
		n = nft_converge(ctx, &rs, NULL, 1);
		if (n == 0)
			printf("no change: table inet %s is as configured\n",
			    rs.table);
		else if (n > 0)
			printf("applied %d change%s to table inet %s\n", n,
			    n == 1 ? "" : "s", rs.table);
		if (n >= 0)
			warn_conflicts(ctx, &rs);
	} else {
		n = nft_remove(ctx, &rs);
		if (n == 0)
			printf("nothing to remove: portward has no rules here\n");
		else if (n > 0)
			printf("removed portward's rules (table inet %s%s)\n",
			    rs.table, rs.attach ? " and the attached chain" : "");
	}
	nft_close(ctx);
	return n < 0 ? 1 : 0;
}

#define EXIT_NOT_RUNNING	3
#define EXIT_NO_PERMISSION	4

/*
 * No answer on the control socket: say why. Permission denied is not
 * "not running": the daemon may well run (the socket is root's).
 */
static int
not_answered(const char *sock, int err)
{
	if (err == EACCES || err == EPERM) {
		log_warnx("cannot ask portwardd on %s: %s (run as root, or as "
		    "a member of the socket's group): whether it runs is "
		    "unknown", sock, strerror(err));
		return EXIT_NO_PERMISSION;
	}
	errno = err;
	log_warn("portwardd is not running (no answer on %s)", sock);
	return EXIT_NOT_RUNNING;
}


/*
 * [--json] [OPT VALUE], in either order (status, doctor): 1 with --json.
 * Anything else is a usage error.
 */
static int
json_and(int argc, char **argv, const char *opt, const char **val)
{
	int i, as_json = 0;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			as_json = 1;
		else if (strcmp(argv[i], opt) == 0 && i + 1 < argc)
			*val = argv[++i];
		else
			usage();
	}
	return as_json;
}

/*
 * A status document, as JSON (the model as it is, end appended) or
 * printed for the operator; the exit code from its verdicts, 2 when it
 * is not a status document.
 */
static int
show_status(const char *doc, int as_json, const char *end)
{
	int rc;

	if (as_json) {
		printf("%s%s", doc, end);
		rc = status_exit_code(doc);
	} else
		rc = status_print(stdout, doc);
	/* An unwritten status is a failure, whatever the verdicts. */
	if (rc != 2 && (fflush(stdout) != 0 || ferror(stdout)))
		rc = 1;
	return rc;
}

static int
cmd_status(int argc, char **argv)
{
	const char *sock = CONF_DEFAULT_SOCKET;
	char *answer;
	int as_json, err, rc;

	as_json = json_and(argc, argv, "-s", &sock);
	if ((answer = control_ask(sock, "{\"cmd\": \"status\"}\n",
	    &err)) == NULL)
		return not_answered(sock, err);
	rc = show_status(answer, as_json, "");
	free(answer);
	if (rc == 2)
		log_warnx("the daemon's answer is not a status document");
	return rc;
}

static int
cmd_probe(int argc, char **argv)
{
	const char *sock = CONF_DEFAULT_SOCKET;
	char *answer;
	int err, rc;

	if (argc == 2 && strcmp(argv[0], "-s") == 0)
		sock = argv[1];
	else if (argc != 0)
		usage();
	if ((answer = control_ask(sock, "{\"cmd\": \"probe\"}\n",
	    &err)) == NULL)
		return not_answered(sock, err);
	rc = strstr(answer, "\"started\":true") != NULL ? 0 : 1;
	if (rc == 0)
		printf("probe round started: see portwardctl status\n");
	else
		log_warnx("%s", answer);
	free(answer);
	return rc;
}

#define DOCTOR_DEFAULT_CONF	"/etc/portward/portward.json"

/* doctor's own counting table, for its probe round only. */
#define DOCTOR_TABLE	"portward_doctor"

static struct {
	struct conf		conf;
	struct profile		prof;
	struct nft_ruleset	rs;
	struct nft_ruleset	seen;	/* DOCTOR_TABLE, when installed */
	int			seen_on;
	struct nft_ctx		*nft;
} dr;

static long long
doctor_packets(const char *name, unsigned fam)
{
	return nft_rule_packets(dr.nft, dr.seen_on ? &dr.seen : &dr.rs,
	    dr.conf.mode == CONF_MODE_HOST ? NFT_SEEN_CHAIN :
	    NFT_FILTER_CHAIN(dr.conf.mode), name, fam);
}

static void
doctor_probed(void)
{
	loop_exit();
}

/*
 * What the kernel shows (portward's rules, other firewalls, listeners,
 * IPv6), as the daemon would see it.
 */
static void
doctor_observe(struct status_in *in, struct observation *obs)
{
	memset(in, 0, sizeof(*in));
	in->conf = &dr.conf;
	in->prof = &dr.prof;
	in->doctor = 1;
	if ((dr.nft = nft_open()) != NULL)
		in->rules_ok = nft_pending(dr.nft, &dr.rs) == 0;
	observe(dr.nft, &dr.conf, &dr.rs, obs);
	observe_fill(obs, in);
	if (!in->fw_read)
		log_warnx("cannot read nftables (%s): the firewall's verdicts "
		    "are unknown", geteuid() == 0 ? "netlink refused" :
		    "run as root");
}

/* A probe round of doctor's own against the configured reflectors. */
static void
doctor_probe(struct status_in *in)
{
	const struct probe_result *pr;

	/*
	 * Without portward's rules, nothing counts the reflector's
	 * datagrams: a counting chain of doctor's own, at the last
	 * priority, for the probe round only (removed after; a leftover
	 * from an interrupted run is replaced by the next).
	 */
	if (dr.conf.probe.nreflectors > 0 && dr.nft != NULL && in->fw_read &&
	    !in->rules_ok && dr.conf.mode == CONF_MODE_HOST) {
		nft_seen_only(&dr.rs, DOCTOR_TABLE, &dr.seen);
		dr.seen_on = dr.seen.nrules > 0 &&
		    nft_converge(dr.nft, &dr.seen, NULL, 0) >= 0;
	}
	if (dr.conf.probe.nreflectors > 0 && loop_init() == 0) {
		struct probe_scope sc;

		probe_on_done(doctor_probed);
		probe_scope_from(&dr.conf, &sc);
		if (probe_start(&sc, &dr.prof, doctor_packets, NULL) == 0)
			(void)loop_run();
		loop_fini();
	}
	if (dr.seen_on && nft_remove(dr.nft, &dr.seen) == -1)
		log_warnx("could not remove table inet %s (doctor's counters): "
		    "nft delete table inet %s", DOCTOR_TABLE, DOCTOR_TABLE);
	in->nprobes = probe_results(&pr);
	in->probes = pr;
}

/*
 * doctor: the same verdicts without a daemon, from the configuration, the
 * kernel and a probe round of its own.
 */
static int
cmd_doctor(int argc, char **argv)
{
	static struct observation obs;
	const char *file = DOCTOR_DEFAULT_CONF;
	struct status_in in;
	struct errbuf eb;
	char *json;
	int as_json, rc;

	as_json = json_and(argc, argv, "-c", &file);
	eb_clear(&eb);
	if (conf_load(file, &dr.conf, &eb) == -1 ||
	    conf_profile(&dr.conf, &dr.prof, &eb) == -1) {
		log_warnx("%s", eb.msg);
		return EXIT_USAGE;
	}
	nft_desired(&dr.conf, &dr.prof, &dr.rs);
	doctor_observe(&in, &obs);
	doctor_probe(&in);
	json = status_json(&in);
	observe_free(&obs);
	nft_close(dr.nft);
	if (json == NULL)
		return 1;
	rc = show_status(json, as_json, "\n");
	free(json);
	return rc;
}

int
main(int argc, char **argv)
{
	int i;

	log_init("portwardctl", 0, 0);
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "--version") == 0 && argc == 2) {
		printf("portwardctl %s\n", PW_VERSION);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	/* --help anywhere before "--" (after it, the words are LiveKit's). */
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0)
			usage_to(1);
	if (strcmp(argv[1], "profile") == 0)
		return cmd_profile(argc - 2, argv + 2);
	if (strcmp(argv[1], "status") == 0)
		return cmd_status(argc - 2, argv + 2);
	if (strcmp(argv[1], "probe") == 0)
		return cmd_probe(argc - 2, argv + 2);
	if (strcmp(argv[1], "doctor") == 0)
		return cmd_doctor(argc - 2, argv + 2);
	if (strcmp(argv[1], "reflector") == 0) {
		if (argc != 4 || strcmp(argv[2], "--listen") != 0)
			usage();
		return refl_serve(argv[3]);
	}
	if (strcmp(argv[1], "rules") == 0 || strcmp(argv[1], "apply") == 0 ||
	    strcmp(argv[1], "flush") == 0)
		return cmd_nft(argv[1], argc - 2, argv + 2);
	usage();
}
