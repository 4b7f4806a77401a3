/* SPDX-License-Identifier: GPL-2.0-or-later */
/* metrics.c: Prometheus text exposition of the status model. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "fileio.h"
#include "log.h"
#include "metrics.h"

static const char *
str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static long long
num(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* A label value: backslash, quote and newline escaped. */
static void
label(FILE *f, const char *name, const char *v, int first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static void
header(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A series without labels: its HELP, TYPE and value. */
static void
single(FILE *f, const char *name, const char *type, const char *help,
    long long v)
{
	header(f, name, type, help);
	fprintf(f, "%s %lld\n", name, v);
}

/* One counter family from the rules' counters (packets or bytes). */
static void
counters(FILE *f, json_t *list, const char *name, const char *field,
    const char *help)
{
	json_t *x;
	size_t i;

	header(f, name, "counter", help);
	json_array_foreach(list, i, x) {
		fprintf(f, "%s{", name);
		label(f, "endpoint", str(x, "endpoint"), 1);
		label(f, "family", str(x, "family"), 0);
		label(f, "chain", str(x, "chain"), 0);
		fprintf(f, "} %lld\n", num(x, field));
	}
}

/*
 * The state of a forward as a number: one series per endpoint and family
 * whatever the state (a label would start a new series at each change).
 * The HELP of portward_forward_state spells this table out.
 */
static const char *const fwd_states[] = { "pending", "forwarded",
    "router-unreachable", "no-forward", "forward-conflict",
    "range-not-forwarded", "no-ipv6-firewall-control" };
#define NFWD_STATES	(sizeof(fwd_states) / sizeof(fwd_states[0]))

static int
fwd_state_num(const char *name)
{
	size_t i;

	for (i = 0; i < NFWD_STATES; i++)
		if (strcmp(fwd_states[i], name) == 0)
			return (int)i;
	return -1;
}

static void
fwd_labels(FILE *f, const char *name, json_t *x)
{
	fprintf(f, "%s{", name);
	label(f, "endpoint", str(x, "name"), 1);
	label(f, "family", str(x, "family"), 0);
	fputs("} ", f);
}

/* The forwards of the upstream router: up, state, lease expiry. */
static void
forwards(FILE *f, json_t *list)
{
	json_t *x;
	size_t i;

	header(f, "portward_forward_up", "gauge", "1 when the router forwards "
	    "the endpoint's port (IPv4) or opened its pinhole (IPv6).");
	json_array_foreach(list, i, x) {
		fwd_labels(f, "portward_forward_up", x);
		fprintf(f, "%d\n", strcmp(str(x, "state"), "forwarded") == 0);
	}
	header(f, "portward_forward_state", "gauge", "The state of the "
	    "forward or pinhole: 0 pending, 1 forwarded, 2 router-unreachable, "
	    "3 no-forward, 4 forward-conflict, 5 range-not-forwarded, "
	    "6 no-ipv6-firewall-control, -1 unknown.");
	json_array_foreach(list, i, x) {
		fwd_labels(f, "portward_forward_state", x);
		fprintf(f, "%d\n", fwd_state_num(str(x, "state")));
	}
	header(f, "portward_forward_lease_expiry_timestamp_seconds", "gauge",
	    "When the router's lease of the forward ends, in Unix time (0: "
	    "permanent or no lease).");
	json_array_foreach(list, i, x) {
		fwd_labels(f, "portward_forward_lease_expiry_timestamp_seconds",
		    x);
		fprintf(f, "%lld\n", num(x, "lease_expires"));
	}
}

static void
build_info(FILE *f)
{
	header(f, "portward_build_info", "gauge", "1, with the version of "
	    "portward as a label.");
	fputs("portward_build_info{", f);
	label(f, "version", PW_VERSION, 1);
	fputs("} 1\n", f);
}

static void
verdicts(FILE *f, json_t *eps)
{
	static const char *fams[2] = { "ipv4", "ipv6" };
	json_t *ep, *c;
	size_t i;
	int k;

	header(f, "portward_endpoint_verdict", "gauge", "1 for the verdict "
	    "and reason of each endpoint and family.");
	json_array_foreach(eps, i, ep)
		for (k = 0; k < 2; k++) {
			c = json_object_get(ep, fams[k]);
			fputs("portward_endpoint_verdict{", f);
			label(f, "endpoint", str(ep, "name"), 1);
			label(f, "family", fams[k], 0);
			label(f, "verdict", str(c, "verdict"), 0);
			label(f, "reason", str(c, "reason"), 0);
			fputs("} 1\n", f);
		}
}

/* portward's rules: what they counted, whether they hold, repairs. */
static void
rules(FILE *f, json_t *r)
{
	counters(f, json_object_get(r, "counters"),
	    "portward_rule_packets_total", "packets", "Packets accepted or "
	    "translated by portward's rule for an endpoint and family.");
	counters(f, json_object_get(r, "counters"),
	    "portward_rule_bytes_total", "bytes", "Bytes accepted or "
	    "translated by portward's rule for an endpoint and family.");
	single(f, "portward_rules_in_place", "gauge", "1 when portward's "
	    "table holds what it should.",
	    json_is_true(json_object_get(r, "in_place")));
	single(f, "portward_last_repair_timestamp_seconds", "gauge", "When "
	    "portward last repaired its rules after another process changed "
	    "them (0: never).",
	    num(r, "last_repair"));
	single(f, "portward_rules_repairs_total", "counter", "Repairs of "
	    "portward's rules after another program changed them.",
	    num(r, "repairs"));
	single(f, "portward_rules_fight", "gauge", "1 while another program "
	    "keeps changing portward's rules and repairs back off.",
	    json_is_object(json_object_get(r, "fight")));
	header(f, "portward_rules_repair_backoff_seconds", "gauge", "How long "
	    "the next repair waits in a fight (0: repairs are immediate).");
	fprintf(f, "portward_rules_repair_backoff_seconds %g\n",
	    (double)num(json_object_get(r, "fight"), "backoff_ms") / 1000);
}

/* The supervised SFU. */
static void
child(FILE *f, json_t *c)
{
	single(f, "portward_child_restarts_total", "counter", "Restarts of "
	    "the supervised SFU.",
	    num(c, "restarts"));
	single(f, "portward_child_up", "gauge", "1 while the supervised SFU "
	    "runs.",
	    strcmp(str(c, "state"), "running") == 0);
	single(f, "portward_child_start_failures_total", "counter", "Starts "
	    "of the SFU that failed (pipe, fork, setuid or exec); each is "
	    "retried with backoff.",
	    num(c, "start_failures"));
}

/* The mapper process, when mapping is on. */
static void
mapper(FILE *f, json_t *x)
{
	if (x == NULL)
		return;
	single(f, "portward_mapper_restarts_total", "counter",
	    "Restarts of the mapper process after it died.", num(x,
	    "restarts"));
	single(f, "portward_mapper_up", "gauge", "1 while the mapper "
	    "process runs.", strcmp(str(x, "state"), "running") == 0);
}

int
metrics_render(FILE *f, const char *text)
{
	json_t *root, *eps, *m;

	if ((root = json_loads(text, 0, NULL)) == NULL ||
	    !json_is_array(eps = json_object_get(root, "endpoints"))) {
		json_decref(root);
		return -1;
	}
	build_info(f);
	verdicts(f, eps);
	rules(f, json_object_get(root, "rules"));
	m = json_object_get(root, "mapping");
	forwards(f, json_object_get(m, "forwards"));
	child(f, json_object_get(root, "child"));
	mapper(f, json_object_get(m, "process"));
	single(f, "portward_ready", "gauge", "1 once portward reported ready.",
	    json_is_true(json_object_get(root, "ready")));
	json_decref(root);
	return 0;
}

/*
 * A directory that is missing or read-only fails every write: said once
 * when writing starts to fail, and once when it works again, not at each
 * report and probe round.
 */
static int metrics_failing;

static int
metrics_failed(const char *what)
{
	if (!metrics_failing)
		log_warn("metrics: %s (said once until it works again)", what);
	metrics_failing = 1;
	return -1;
}

/* The file metrics_write() last renamed into place: only it is removed. */
static dev_t written_dev;
static ino_t written_ino;
static int written;

int
metrics_write(const char *path, const char *status)
{
	char tmp[PATH_MAX], why[PATH_MAX + 128];
	struct stat st;
	FILE *f;
	int fd, rc;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -1;
	/*
	 * Asked at each write, not only at start: someone may have put their
	 * own file there since. rename() replaces a link, never follows it.
	 */
	if (fio_own_file(path, METRICS_MARKER, why, sizeof(why)) == -1) {
		if (!metrics_failing)
			log_warnx("metrics_file: %s; not writing metrics (said "
			    "once until it works again)", why);
		metrics_failing = 1;
		return -1;
	}
	/* node_exporter must never read half a file: write aside, rename. */
	if ((fd = mkstemp(tmp)) == -1)
		return metrics_failed(tmp);
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(tmp);
		return metrics_failed(tmp);
	}
	(void)fchmod(fd, 0644);
	rc = metrics_render(f, status);
	if (fstat(fd, &st) == -1)
		rc = -1;
	if (fclose(f) != 0 || rc == -1 || rename(tmp, path) == -1) {
		int e = errno;

		unlink(tmp);
		errno = e;
		return metrics_failed(path);
	}
	written_dev = st.st_dev;
	written_ino = st.st_ino;
	written = 1;
	if (metrics_failing)
		log_info("metrics: writing %s works again", path);
	metrics_failing = 0;
	return 0;
}

void
metrics_remove(const char *path)
{
	if (written && fio_same_file(path, written_dev, written_ino))
		(void)unlink(path);
	written = 0;
}
