/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * portwardd: the daemon (docs/design.md). Validate everything, install the
 * rules, then keep them: nf_tables events trigger a repair at once,
 * SIGHUP re-reads the configuration and applies only the difference,
 * SIGTERM and SIGINT remove the rules (unless nft.keep_on_exit) and exit.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <time.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf.h"
#include "control.h"
#include "instance.h"
#include "listeners.h"
#include "netstate.h"
#include "log.h"
#include "loop.h"
#include "mapper.h"
#include "metrics.h"
#include "nft.h"
#include "nft_monitor.h"
#include "observe.h"
#include "plan.h"
#include "privsep.h"
#include "probe.h"
#include "reflector.h"
#include "profile.h"
#include "fight.h"
#include "rate.h"
#include "status.h"
#include "supervise.h"

#define EXIT_USAGE	2
#define RETRY_MAX_MS	30000

static struct {
	const char		*file;
	struct conf		 conf;
	struct profile		 prof;
	struct nft_ruleset	 rs;
	struct nft_ctx		*nft;
	struct nftmon		*mon;
	const char		*watch[3];	/* tables whose events matter */
	int			 retry_tfd;
	long			 retry_ms;
	int			 exit_code;
	int			 debug;
	int			 rules_ok;
	int			 ready;		/* READY=1 was sent */
	int			 forwards_on;	/* the mapper was started */
	int			 stopping;
	long long		 last_repair;
	struct fight		 fight;		/* another program's changes */
	int			 fight_tfd;	/* the backed-off repair, or calm */
	int			 fight_due;	/* a repair waits on fight_tfd */
	struct timespec		 last_probe;	/* monotonic: the last round, */
	int			 probed;	/* if there was one */
	int			 probe_deferred; /* waiting for the rate limit */
	uint64_t		 fw_hash;	/* the other tables' drops, */
	long long		 fw_changed;	/* and when they last changed */
	int			 metrics_tfd;
	int			 addr_fd, addr_tfd;
	int			 wd_tfd;	/* systemd's watchdog, or -1 */
	long			 wd_ms;		/* half of WATCHDOG_USEC */
	char			 sd_status[160]; /* the last STATUS= sent */
} d = { .wd_tfd = -1 };

static void write_metrics(void);
static char *build_status(void);
static int start_probe(void);
static void after_child_stopped(void);
static void conflicts_changed(const struct nft_conflict *, int);
static void update_status(void);

/* To stdout with exit 0 when asked (--help), else to stderr with 2. */
static void __attribute__((noreturn))
usage(int asked)
{
	fprintf(asked ? stdout : stderr,
	    "usage: portwardd -c FILE [-w WAN-IFNAME] [-n] [-d] [-s]\n"
	    "       portwardd --help | --version\n");
	exit(asked ? (fflush(stdout) == 0 ? 0 : 1) : EXIT_USAGE);
}

static void
set_watch(void)
{
	d.watch[0] = d.rs.table;
	d.watch[1] = d.rs.attach ? d.rs.at_table : "";
	d.watch[2] = NULL;
}

static void
log_conflicts(void)
{
	static struct nft_conflict c[NFT_MAX_CONFLICTS];
	int i, n;

	n = nft_conflicts(d.nft, &d.rs, c, NFT_MAX_CONFLICTS);
	if (n >= 0)	/* what a later change is measured against */
		conflicts_changed(c, n > NFT_MAX_CONFLICTS ? NFT_MAX_CONFLICTS :
		    n);
	if (n <= 0)
		return;
	for (i = 0; i < n && i < NFT_MAX_CONFLICTS; i++)
		if (nft_conflict_first(c, i))
			log_warnx("dropped-by-other-table: table %s %s, chain %s "
			    "(%s) drops what portward accepts (%s%s); open the "
			    "ports there or set nft.attach", c[i].family,
			    c[i].table, c[i].chain, c[i].why, c[i].endpoint,
			    nft_conflict_more(c, n, i) ? ", and more" : "");
}

/* Converge; on failure try again later, backing off. The changes, or -1. */
static int
repair(const char *why)
{
	int n;

	n = nft_converge(d.nft, &d.rs, NULL, 1);
	d.rules_ok = n >= 0;
	update_status();
	if (n < 0) {
		d.retry_ms = d.retry_ms ? d.retry_ms * 2 : 1000;
		if (d.retry_ms > RETRY_MAX_MS)
			d.retry_ms = RETRY_MAX_MS;
		log_warnx("nftables: %s: repair failed, next try in %ld ms", why,
		    d.retry_ms);
		loop_timer_set(d.retry_tfd, d.retry_ms);
		return -1;
	}
	d.retry_ms = 0;
	if (n > 0) {
		log_notice("nftables: %s: repaired with %d change%s", why, n,
		    n == 1 ? "" : "s");
		d.last_repair = (long long)time(NULL);
		write_metrics();

	}
	return n;
}



/* A repair after another program's change; a fight's is watched for calm. */
static void
repair_tamper(const char *why)
{
	if (repair(why) < 0)
		return;
	fight_repaired(&d.fight, rate_now_ms());
	if (d.fight.on)
		loop_timer_set(d.fight_tfd, FIGHT_CALM_MS);
}

/*
 * A failed repair tried again. In a fight it counts as the fight's
 * repair: without that, a backed-off repair that failed once would leave
 * the fight on, with nothing to end it.
 */
static void
on_retry(const struct loop_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	if (d.fight.on && !d.fight_due)
		repair_tamper("retry");
	else
		repair("retry");
}

/* The backed-off repair is due, or a fight's repair has held long enough. */
static void
on_fight_timer(const struct loop_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	if (d.fight_due) {
		d.fight_due = 0;
		repair_tamper("changed by another program (backed off)");
		return;
	}
	if (fight_calm(&d.fight, rate_now_ms())) {
		log_notice("nftables: table %s has been left alone for %d s: "
		    "repairs are immediate again", d.rs.table,
		    FIGHT_CALM_MS / 1000);
		update_status();
		write_metrics();
	}
}

static void
say_fight(void)
{
	const struct fight *f = &d.fight;

	log_warnx("nftables: another program keeps changing table inet %s%s%s"
	    "%s%s%s: %d repairs in %d s; each repair now waits longer (%ld s, "
	    "doubling up to %d s) until it stops", d.rs.table, f->who[0] ?
	    " (" : "", f->who, f->who[0] && f->what[0] ? ": " : "",
	    f->what, f->who[0] || f->what[0] ? ")" : "", FIGHT_REPAIRS - 1,
	    FIGHT_WINDOW_MS / 1000, f->backoff_ms / 1000, FIGHT_MAX_MS / 1000);
}

static void
on_nft_event(const struct loop_event *ev, void *arg)
{
	char who[96];	/* a comm escaped (nft_monitor.c), a PID */
	long wait;
	int began;

	(void)ev;
	(void)arg;
	if (nftmon_read(d.mon, d.watch, d.nft, who, sizeof(who)) != 1)
		return;
	wait = fight_change(&d.fight, rate_now_ms(), (long long)time(NULL), who,
	    nftmon_change(d.mon), &began);
	if (began) {
		say_fight();
		update_status();
		write_metrics();
	}
	if (wait == 0) {
		log_notice("nftables: another process changed portward's rules"
		    "%s%s%s", who[0] ? " (" : "", who, who[0] ? ")" : "");
		repair_tamper("tamper");
	} else if (!d.fight_due) {
		d.fight_due = 1;
		loop_timer_set(d.fight_tfd, wait);
	}
}

/* systemd's readiness protocol: one datagram, no libsystemd needed. */
static void
sd_notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	if (path == NULL || (path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof(sun.sun_path))
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	if (path[0] == '@')
		sun.sun_path[0] = '\0';	/* abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len) == -1)
		log_warn("sd_notify %s", msg);
	close(fd);
}

static int
wants_forwards(const struct conf *c)
{
	return c->mode == CONF_MODE_HOST && c->mapping.nmethods > 0;
}

/* "forwards: 3/4 via pcp": forwards granted, of those the router can give. */
static void
status_forwards(char *buf, size_t len)
{
	const struct map_report *r = mapper_report();
	unsigned ok = 0, want = 0, i, f, st;

	if (r == NULL) {
		(void)snprintf(buf, len, "; forwards: asking");
		return;
	}
	for (i = 0; i < r->nfwd && i < MAP_MAX_FWD; i++) {
		int w = 0, g = 0;

		for (f = 0; f < 2; f++) {
			st = r->fwd[i].fam[f].state;
			w |= st != MAP_RANGE && st != MAP_UNSUPPORTED &&
			    st != MAP_NOT_SERVED;
			g |= st == MAP_OK;
		}
		want += w;
		ok += g;
	}
	(void)snprintf(buf, len, "; forwards: %u/%u via %s", ok, want,
	    r->have_method ? conf_method_name(r->method) : "none (no answer)");
}

/*
 * systemctl status's one line (STATUS=), sent when it changes:
 * "rules applied, 4 endpoints; forwards: 4/4 via pcp; sfu: ready".
 */
static void
update_status(void)
{
	char fw[64] = "", sfu[64] = "", line[sizeof(d.sd_status)],
	    msg[sizeof(line) + 8];
	struct sup_status cs;

	if (d.stopping)
		(void)snprintf(line, sizeof(line), "stopping");
	else {
		if (d.forwards_on)
			status_forwards(fw, sizeof(fw));
		if (d.conf.supervise.enabled) {
			sup_get(&cs);
			(void)snprintf(sfu, sizeof(sfu), "; sfu: %s",
			    cs.state == SUP_RUNNING && cs.ready ? "ready" :
			    sup_state_name(cs.state));
		}
		/* A cut line is still the most useful start of it. */
		if (snprintf(line, sizeof(line), "rules %s, %zu endpoint%s%s%s",
		    d.rules_ok ? "applied" : "failing (retrying)", d.prof.n,
		    d.prof.n == 1 ? "" : "s", fw, sfu) >= (int)sizeof(line))
			log_debug("STATUS= cut to %zu bytes", sizeof(line) - 1);
	}
	if (strcmp(line, d.sd_status) == 0)
		return;
	(void)snprintf(d.sd_status, sizeof(d.sd_status), "%s", line);
	(void)snprintf(msg, sizeof(msg), "STATUS=%s", line);
	sd_notify(msg);
}

/* A loop that still turns says so, at half of systemd's WatchdogSec. */
static void
on_watchdog(const struct loop_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	sd_notify("WATCHDOG=1");
	update_status();	/* what changed without an event of ours */
	loop_timer_set(d.wd_tfd, d.wd_ms);
}

/* WATCHDOG_USEC (and WATCHDOG_PID, when set, naming this process). */
static void
watchdog_init(void)
{
	const char *us = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	char *end;
	unsigned long long v;

	if (us == NULL || getenv("NOTIFY_SOCKET") == NULL)
		return;
	if (pid != NULL && strtol(pid, &end, 10) != (long)getpid())
		return;
	errno = 0;
	v = strtoull(us, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0) {
		log_warnx("WATCHDOG_USEC=%s is not a number of microseconds: "
		    "no watchdog", us);
		return;
	}
	d.wd_ms = (long)(v / 2000 > 0 ? v / 2000 : 1);
	if ((d.wd_tfd = loop_timer(on_watchdog, NULL)) == -1)
		return;
	sd_notify("WATCHDOG=1");
	loop_timer_set(d.wd_tfd, d.wd_ms);
	log_debug("watchdog: a ping every %ld ms", d.wd_ms);
}

/*
 * A port below 1024 the SFU binds itself (TURN/TLS on 443): its user
 * needs CAP_NET_BIND_SERVICE, which the daemon holds for it.
 */
static void
child_caps(void)
{
	const struct prof_endpoint *low = NULL;
	size_t i;

	for (i = 0; i < d.prof.n && low == NULL; i++)
		if (!(d.prof.ep[i].flags & PROF_EP_CLIENT) &&
		    d.prof.ep[i].port > 0 && d.prof.ep[i].port < 1024)
			low = &d.prof.ep[i];
	if (low == NULL || d.conf.supervise.user[0] == '\0' ||
	    strcmp(d.conf.supervise.user, "root") == 0) {
		sup_bind_low(0);
		return;
	}
	if (!ps_can_bind_low()) {
		log_warnx("supervise: %s binds %u/%s, below 1024, and portwardd "
		    "has no CAP_NET_BIND_SERVICE to give %s", low->name,
		    low->port, prof_proto_name(low->proto), d.conf.supervise.user);
		sup_bind_low(0);
		return;
	}
	sup_bind_low(1);
}

/* Every single-port endpoint has listeners on the families it is served on. */
static int
listeners_ready(void)
{
	unsigned all[PROF_MAX_ENDPOINTS];
	struct lsn *l = NULL;
	size_t n = 0, i;
	int ok = 1;
	struct sup_status cs;
	ssize_t mine;

	if (lsn_dump(&l, &n) == -1)
		return 0;
	/*
	 * Another process on the port alone is not readiness, but it may
	 * serve a family for the SFU: the dual-stack TLS proxy in front of
	 * turn.external_tls holds IPv6 while LiveKit holds IPv4. So: every
	 * wanted family has a listener, and at least one is the SFU's own.
	 */
	for (i = 0; i < d.prof.n; i++)
		all[i] = lsn_families(l, n, d.prof.ep[i].proto,
		    d.prof.ep[i].port, d.prof.ep[i].port_end);
	sup_get(&cs);
	if (cs.pid > 0 && (mine = lsn_only_pid(l, n, cs.pid)) >= 0)
		n = (size_t)mine;	/* l now holds the SFU's own only */
	for (i = 0; i < d.prof.n && ok; i++) {
		const struct prof_endpoint *e = &d.prof.ep[i];
		unsigned want = plan_families(&d.conf, e);

		/*
		 * An ICE port range is bound per session, not at start; what
		 * clients are told (a proxy's 443) is not the SFU's to bind.
		 */
		if (e->port != e->port_end || want == 0)
			continue;
		if ((all[i] & want) != want ||
		    (lsn_families(l, n, e->proto, e->port, e->port_end) &
		    want) == 0)
			ok = 0;
	}
	free(l);
	return ok;
}

/* Ports someone else already holds: LiveKit will fail to bind them. */
static void
report_held_ports(void)
{
	const struct lsn *x;
	struct lsn *l = NULL;
	size_t n = 0, i;
	char comm[64];
	pid_t pid;

	if (lsn_dump(&l, &n) == -1)
		return;
	for (i = 0; i < d.prof.n; i++) {
		const struct prof_endpoint *e = &d.prof.ep[i];

		if ((e->flags & PROF_EP_CLIENT) ||
		    (x = lsn_find(l, n, e->proto, e->port, e->port_end)) == NULL)
			continue;
		pid = lsn_owner(x->inode, comm, sizeof(comm));
		/* An IPv6-only socket (a TLS proxy in front) leaves IPv4 free. */
		log_warnx("supervise: %s%u/%s (%s) is already held by %s%d (%s) "
		    "before the SFU starts: %s", x->v6only ? "IPv6 of " : "",
		    x->port, prof_proto_name(e->proto), e->name,
		    pid > 0 ? "pid " : "an unknown process ", pid > 0 ?
		    (int)pid : 0, pid > 0 ? comm : "?", x->v6only ?
		    "an IPv4 bind of the SFU works, a dual-stack one will fail" :
		    "it will not be able to bind it");
	}
	free(l);
}

static void
write_metrics(void)
{
	char *st;

	if (d.conf.metrics_file[0] == '\0' || d.nft == NULL)
		return;
	if ((st = build_status()) != NULL) {
		(void)metrics_write(d.conf.metrics_file, st);
		free(st);
	}
}

/* Metrics are rewritten on the probe interval, a timer that is there anyway. */
static void
on_metrics_timer(const struct loop_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	write_metrics();
	/* A round under way: this one (after a repair, say) comes next. */
	if (start_probe() == -1 && probe_running() && d.ready) {
		loop_timer_set(d.metrics_tfd, 1000);
		return;
	}
	if (d.probe_deferred)
		return;		/* the timer is set for it */
	loop_timer_set(d.metrics_tfd, d.conf.probe.interval * 1000);
}

/* Ready: forwards after the listeners, then tell systemd. */
static void
on_child_ready(int timed_out)
{
	(void)timed_out;
	if (!d.forwards_on && wants_forwards(&d.conf)) {
		mapper_start(&d.conf.mapping, d.conf.families, &d.prof);	/* retried if it fails */
		d.forwards_on = 1;
	}
	if (!d.ready) {
		d.ready = 1;
		sd_notify("READY=1");
		log_info("ready");
	}
	update_status();
	write_metrics();
	/* With forwards, probe once the router has answered (on_map_report). */
	if (!d.forwards_on)
		(void)start_probe();
}

static void
start_child(void)
{
	report_held_ports();
	child_caps();
	sup_init(&d.conf.supervise, listeners_ready, on_child_ready);
	sup_start();	/* a failed start is retried with backoff */
}

/* Packets counted by portward's filter rule for an endpoint and family. */
static long long
rule_packets(const char *name, unsigned fam)
{
	return nft_rule_packets(d.nft, &d.rs, d.conf.mode == CONF_MODE_HOST ?
	    NFT_SEEN_CHAIN : NFT_FILTER_CHAIN(d.conf.mode),
	    name, fam);
}

/* The mapper's first report: the forwards exist, probe from outside. */
static void
on_map_report(void)
{
	static int first = 1;

	update_status();
	write_metrics();
	if (first && d.ready) {
		first = 0;
		(void)start_probe();
	}
}

/* A new address: the UDP mux only binds at start. Restart, once it settles. */
static void
on_addr_event(const struct loop_event *ev, void *arg)
{
	(void)arg;
	if (ns_addr_event(ev->fd) && d.conf.supervise.enabled && d.conf.supervise.restart_on_addr)
		loop_timer_set(d.addr_tfd, 2000);
}

static void
on_addr_settled(const struct loop_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
	if (d.stopping ||
	    !d.conf.supervise.enabled || !d.conf.supervise.restart_on_addr)
		return;
	log_info("a new address appeared: restarting the SFU so that its UDP "
	    "mux binds it (supervise.restart_on_address_change)");
	sup_reload(&d.conf.supervise);
}

/*
 * The router's external IPv4 address when it forwards an IPv4 port to
 * this host: the hairpin test's target (probe.h). NULL otherwise.
 */
static const char *
hairpin_addr(void)
{
	const struct map_report *r = mapper_report();
	uint32_t i;

	if (d.conf.mode != CONF_MODE_HOST || d.conf.mapping.nmethods == 0 ||
	    r == NULL || r->ext4[0] == '\0')
		return NULL;
	for (i = 0; i < r->nfwd && i < MAP_MAX_FWD; i++)
		if (r->fwd[i].fam[0].state == MAP_OK)
			return r->ext4;
	return NULL;
}

/*
 * A probe round, now or, within the reflectors' rate limit of the last
 * one (one request per address every REFL_RATE_SECONDS), as soon as it
 * allows: a round asked for too early would measure nothing.
 */
static int
start_probe(void)
{
	struct probe_scope sc;
	long wait;

	if (!d.ready || d.stopping || probe_running())
		return -1;
	wait = REFL_RATE_SECONDS * 1000 + 200 - loop_ms_since(&d.last_probe);
	if (d.probed && wait > 0 && d.metrics_tfd > 0) {
		d.probe_deferred = 1;
		loop_timer_set(d.metrics_tfd, wait);
		return 0;
	}
	probe_scope_from(&d.conf, &sc);
	if (probe_start(&sc, &d.prof, rule_packets, hairpin_addr()) == -1)
		return -1;
	d.probe_deferred = 0;
	d.probed = 1;
	clock_gettime(CLOCK_MONOTONIC, &d.last_probe);
	return 0;
}

/*
 * Another table began or stopped dropping what portward accepts: a probe
 * from before says nothing about now (status), and a new one is due.
 */
static void
conflicts_changed(const struct nft_conflict *c, int n)
{
	uint64_t h = 1469598103934665603ULL;
	const unsigned char *b;
	size_t k;
	int i;

	for (i = 0; i < n; i++) {
		char key[sizeof(c[i].table) + sizeof(c[i].chain) +
		    sizeof(c[i].endpoint) + 16];

		(void)snprintf(key, sizeof(key), "%s/%s/%s/%d%d", c[i].table,
		    c[i].chain, c[i].endpoint, c[i].stateful, c[i].uncertain);
		for (b = (const unsigned char *)key, k = 0; b[k]; k++)
			h = (h ^ b[k]) * 1099511628211ULL;
	}
	if (d.fw_hash != 0 && h != d.fw_hash) {
		d.fw_changed = (long long)time(NULL);
		log_info("nftables: another table's drops changed: probing "
		    "again");
		if (d.conf.probe.nreflectors > 0 && d.metrics_tfd > 0)
			loop_timer_set(d.metrics_tfd, 1);
	}
	d.fw_hash = h;
}

/* The status model, for the control socket. */
static char *
build_status(void)
{
	static struct observation o;
	struct status_in in;
	static struct nft_counter ctr[NFT_MAX_RULES];
	struct sup_status child;
	struct map_proc_status mproc;
	char *s;
	int n;

	memset(&in, 0, sizeof(in));
	n = nft_counters(d.nft, &d.rs, ctr, NFT_MAX_RULES);
	in.counters = ctr;
	in.ncounters = n < 0 ? 0 : n;
	in.last_repair = d.last_repair;
	in.fight = &d.fight;
	in.nprobes = probe_results(&in.probes);
	in.conf = &d.conf;
	in.prof = &d.prof;
	in.rules_ok = d.rules_ok;
	observe(d.nft, &d.conf, &d.rs, &o);
	observe_fill(&o, &in);
	if (o.fw_read)
		conflicts_changed(o.conflicts, o.nconflicts);
	in.fw_changed = d.fw_changed;
	in.mapping_on = d.conf.mode == CONF_MODE_HOST && d.conf.mapping.nmethods > 0;
	in.map = mapper_report();
	mapper_proc_get(&mproc);
	in.mapproc = &mproc;
	sup_get(&child);
	in.child = &child;
	in.ready = d.ready;
	s = status_json(&in);
	observe_free(&o);
	return s;
}

static void
after_child_stopped(void)
{
	if (d.stopping)
		loop_exit();
}

/*
 * Another table or control socket: one daemon each, there too. The old
 * socket leaves the loop before it is closed (epoll would keep it while
 * the mapper holds a copy); the mapper, which holds the table lock too,
 * is restarted by reload_forwards() with the new one. 0, or -1 with the
 * old lock kept.
 */
static int
reload_relock(const struct conf *nc, const struct nft_ruleset *nrs,
    int *lockfd)
{
	char why[256];
	pid_t holder;

	*lockfd = inst_fd();
	loop_del(*lockfd);
	if (inst_relock(nrs->table, nc->control_socket, &holder, why,
	    sizeof(why)) < 0) {
		(void)loop_add(*lockfd, inst_accept, NULL);
		log_errx("reload: %s; keeping the running configuration", why);
		return -1;
	}
	(void)loop_add(inst_fd(), inst_accept, NULL);
	return 0;
}

static void
reload_forwards(const struct conf *nc, const struct profile *np, int lockfd)
{
	if (inst_fd() != lockfd && d.forwards_on) {
		log_info("reload: another table: the mapper moves to its lock");
		(void)mapper_stop();
		d.forwards_on = 0;
	}
	if (wants_forwards(nc) && d.forwards_on)
		mapper_update(&nc->mapping, nc->families, np);
	else if (wants_forwards(nc)) {
		mapper_start(&nc->mapping, nc->families, np);
		d.forwards_on = 1;
	} else if (d.forwards_on) {
		(void)mapper_stop();
		d.forwards_on = 0;
	}
}

/* What the daemon shows: the metrics file, the probe timer, the socket. */
static void
reload_outputs(const struct conf *nc)
{
	if (d.conf.metrics_file[0] != '\0' &&
	    strcmp(nc->metrics_file, d.conf.metrics_file) != 0)
		metrics_remove(d.conf.metrics_file);	/* no longer kept */
	loop_timer_set(d.metrics_tfd, nc->metrics_file[0] != '\0' ||
	    nc->probe.nreflectors > 0 ? nc->probe.interval * 1000 : 0);
	probe_reset();
	if (strcmp(nc->control_socket, d.conf.control_socket) != 0) {
		control_close();
		if (control_open(nc->control_socket, build_status,
		    start_probe) == -1)
			log_warnx("reload: no control socket at %s",
			    nc->control_socket);
	}
}

/* The new configuration becomes the daemon's; the SFU follows it. */
static void
reload_adopt(const struct conf *nc, const struct profile *np,
    const struct nft_ruleset *nrs)
{
	int restart = sup_differs(&d.conf.supervise, &nc->supervise);
	int had = d.conf.supervise.enabled;

	d.conf = *nc;
	d.prof = *np;
	d.rs = *nrs;
	d.rules_ok = 1;
	child_caps();
	if (restart && had && d.conf.supervise.enabled) {
		log_info("reload: the supervised command changed: "
		    "restarting it");
		report_held_ports();
		sup_reload(&d.conf.supervise);
	} else if (restart && had)
		sup_stop(NULL);
	else if (restart && d.conf.supervise.enabled)
		start_child();
	else if (d.conf.supervise.enabled)
		sup_init(&d.conf.supervise, listeners_ready, on_child_ready);
}

/*
 * SIGHUP: validate the whole new configuration, take its locks, converge
 * the rules; only then change forwards, outputs and the SFU. Any refusal
 * before the rules leaves everything as it was.
 */
static void
reload(void)
{
	static struct conf nc;
	static struct profile np;
	static struct nft_ruleset nrs;
	struct errbuf eb;
	int n, lockfd;

	/* A daemon on its way out starts nothing new. */
	if (d.stopping) {
		log_info("reload: ignored, portwardd is stopping");
		return;
	}
	eb_clear(&eb);
	if (conf_load(d.file, &nc, &eb) == -1 ||
	    conf_profile(&nc, &np, &eb) == -1) {
		log_errx("reload: %s; keeping the running configuration",
		    eb.msg);
		return;
	}
	nft_desired(&nc, &np, &nrs);
	if (reload_relock(&nc, &nrs, &lockfd) == -1)
		return;
	if ((n = nft_converge(d.nft, &nrs, &d.rs, 1)) < 0) {
		log_errx("reload: the new rules were refused; keeping the "
		    "running configuration");
		return;
	}
	reload_forwards(&nc, &np, lockfd);
	reload_outputs(&nc);
	reload_adopt(&nc, &np, &nrs);
	set_watch();
	log_info("reload: %s applied with %d change%s", d.file, n,
	    n == 1 ? "" : "s");
	log_conflicts();
	update_status();
}

/* No zombies: every child that exits is reaped here. */
static void
reap(void)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (!sup_exited(pid, status))
			(void)mapper_exited(pid, status);
}

static void
on_signal(const struct loop_event *ev, void *arg)
{
	struct signalfd_siginfo si;

	(void)arg;
	while (read(ev->fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			reload();
			break;
		case SIGCHLD:
			reap();
			break;
		case SIGTERM:
		case SIGINT:
			if (d.stopping)
				break;
			log_info("signal %u: stopping", si.ssi_signo);
			d.stopping = 1;
			sd_notify("STOPPING=1");
			/* The child first; the loop ends once it is gone. */
			sup_stop(after_child_stopped);
			break;
		}
	}
	update_status();	/* the SFU may have exited or stopped */
}

/* Signals through a signalfd; the descriptor, or -1. */
static int
signals(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* The loop and what it watches: 0, or -1 when the daemon cannot run. */
static int
watch(int sfd)
{
	if (loop_init() == -1 || loop_add(sfd, on_signal, NULL) == -1 ||
	    loop_add(inst_fd(), inst_accept, NULL) == -1)
		return -1;
	if ((d.nft = nft_open()) == NULL)
		return -1;
	/* Subscribe first, so that no change between apply and watch is missed. */
	if ((d.mon = nftmon_open()) == NULL)
		return -1;
	set_watch();
	if (loop_add(nftmon_fd(d.mon), on_nft_event, NULL) == -1 ||
	    (d.retry_tfd = loop_timer(on_retry, NULL)) == -1 ||
	    (d.fight_tfd = loop_timer(on_fight_timer, NULL)) == -1 ||
	    (d.metrics_tfd = loop_timer(on_metrics_timer, NULL)) == -1)
		return -1;
	/* One timer for metrics and probes, on the probe interval. */
	if (d.conf.metrics_file[0] != '\0' || d.conf.probe.nreflectors > 0)
		loop_timer_set(d.metrics_tfd, d.conf.probe.interval * 1000);
	mapper_on_report(on_map_report);
	if ((d.addr_fd = ns_addr_watch()) == -1 ||
	    loop_add(d.addr_fd, on_addr_event, NULL) == -1 ||
	    (d.addr_tfd = loop_timer(on_addr_settled, NULL)) == -1)
		log_warnx("address changes are not watched");
	probe_on_done(write_metrics);
	watchdog_init();
	return 0;
}

/*
 * Order of life: rules, then the child, then (once its listeners are
 * seen) forwards and readiness. Without a child, the rules suffice.
 */
static int
start(void)
{
	int n;

	/* Held for the SFU's ports below 1024 (child_caps), never used here. */
	if (ps_bind_low_unused() == -1)
		log_warn("CAP_NET_BIND_SERVICE stays effective");
	/* Each change of the first install is only worth a line with -d. */
	if ((n = nft_converge(d.nft, &d.rs, NULL, d.debug)) < 0) {
		log_errx("could not install the rules");
		return -1;
	}
	d.rules_ok = 1;
	update_status();
	log_info("rules in place: table inet %s (%d change%s)", d.rs.table, n,
	    n == 1 ? "" : "s");
	if (control_open(d.conf.control_socket, build_status, start_probe) == -1)
		log_warnx("no control socket: portwardctl status will not "
		    "answer");
	log_conflicts();
	if (d.conf.supervise.enabled)
		start_child();
	else
		on_child_ready(0);
	return 0;
}

/* The reverse order: forwards first, then the rules. */
static void
stop(void)
{
	control_close();
	/* Stale metrics would lie: a stopped daemon has none. */
	if (d.conf.metrics_file[0] != '\0')
		metrics_remove(d.conf.metrics_file);
	(void)mapper_stop();
	if (d.conf.nft.keep_on_exit)
		log_info("nft.keep_on_exit: leaving table inet %s in place",
		    d.rs.table);
	else if (nft_remove(d.nft, &d.rs) < 0)
		d.exit_code = 1;
	nftmon_close(d.mon);
	nft_close(d.nft);
	loop_fini();
}

static int
run(void)
{
	char why[PATH_MAX * 2 + 256];
	pid_t holder;
	int sfd, n;

	/* The plan in one line; the whole of it is portwardd -n's. */
	if (plan_summary(why, sizeof(why), &d.conf, &d.prof) == 0)
		log_info("starting (version %s): %s", PW_VERSION, why);
	else
		log_info("starting (version %s): %s", PW_VERSION, d.file);
	/* One daemon per table and control socket, before the kernel is touched. */
	if ((n = inst_lock(d.rs.table, d.conf.control_socket, &holder, why,
	    sizeof(why))) < 0) {
		log_errx("%s%s", why, n == -2 ? "; not starting a second one" :
		    "");
		return 1;
	}
	if ((sfd = signals()) == -1)
		fatal("signalfd");
	if (watch(sfd) == -1 || start() == -1)
		return 1;
	if (loop_run() == -1)
		d.exit_code = 1;
	stop();
	close(sfd);
	return d.exit_code;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help",	no_argument,	NULL, 'h' },
		{ "version",	no_argument,	NULL, 'V' },
		{ NULL,		0,		NULL, 0 }
	};
	struct errbuf eb;
	int ch, check = 0, debug = 0, use_syslog = 0;

	conf_use_environ = 1;	/* the SFU gets this environment */
	while ((ch = getopt_long(argc, argv, "c:dnsw:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			d.file = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 's':
			use_syslog = 1;
			break;
		case 'w':
			conf_wan_override = optarg;
			break;
		case 'h':
			usage(1);
		case 'V':
			printf("portwardd %s\n", PW_VERSION);
			return fflush(stdout) == 0 ? 0 : 1;
		default:
			usage(0);
		}
	}
	if (d.file == NULL || optind != argc)
		usage(0);
	/* -s: syslog, each message at its priority (OpenWrt's logd). */
	log_init("portwardd", use_syslog && !check, debug);
	d.debug = debug;

	/* Validate everything before anything acts: a bad file changes nothing. */
	eb_clear(&eb);
	if (conf_load(d.file, &d.conf, &eb) == -1 ||
	    conf_profile(&d.conf, &d.prof, &eb) == -1) {
		log_errx("%s", eb.msg);
		return EXIT_USAGE;
	}
	if (check) {
		plan_print(stdout, &d.conf, &d.prof);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	nft_desired(&d.conf, &d.prof, &d.rs);
	return run();
}
