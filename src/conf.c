/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * conf.c: the configuration file. Every key is checked here, with the
 * file, key, line and column in the message, so that nothing downstream
 * meets a value it did not expect.
 */
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "addr.h"
#include "conf.h"
#include "fileio.h"
#include "jsonval.h"
#include "metrics.h"
#include "privsep.h"

const char *
conf_method_name(enum conf_method m)
{
	return m == CONF_METHOD_NATPMP ? "natpmp" : m == CONF_METHOD_PCP ?
	    "pcp" : "upnp";
}

const char *
conf_default_profile(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;
	int w;

	w = snprintf(buf, len, "%s/livekit.json", PW_DATADIR);
	if (w > 0 && (size_t)w < len && access(buf, R_OK) == 0)
		return buf;
	/*
	 * Installed elsewhere (DESTDIR, a package unpacked aside) or not at
	 * all: PREFIX/sbin finds ../share/portward, build/ finds ../rules.
	 */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		w = snprintf(buf, len, "%s/../share/portward/livekit.json",
		    dirname(exe));
		if (w > 0 && (size_t)w < len && access(buf, R_OK) == 0)
			return buf;
		w = snprintf(buf, len, "%s/../rules/livekit.json", exe);
		if (w > 0 && (size_t)w < len && access(buf, R_OK) == 0)
			return buf;
		/* build/asan/portwardd, the sanitizer build */
		w = snprintf(buf, len, "%s/../../rules/livekit.json", exe);
		if (w > 0 && (size_t)w < len && access(buf, R_OK) == 0)
			return buf;
	}
	w = snprintf(buf, len, "%s/livekit.json", PW_DATADIR);
	return (w > 0 && (size_t)w < len) ? buf : "livekit.json";
}

/* A relative path in the configuration is relative to its directory. */
static int
resolve_path(const struct jv_doc *d, const char *key, const char *in,
    char *out, size_t outsz)
{
	char dir[PATH_MAX];
	int n;

	if (in[0] == '/')
		n = snprintf(out, outsz, "%s", in);
	else {
		n = snprintf(dir, sizeof(dir), "%s", d->file);
		if (n < 0 || (size_t)n >= sizeof(dir))
			return jv_err(d, key, "path too long");
		if (strcmp(dirname(dir), ".") == 0)
			n = snprintf(out, outsz, "%s", in);
		else
			n = snprintf(out, outsz, "%s/%s", dir, in);
	}
	if (n < 0 || (size_t)n >= outsz)
		return jv_err(d, key, "path too long");
	return 0;
}

static int
abs_path(const struct jv_doc *d, const char *key, json_t *v, char *out,
    size_t outsz)
{
	if (jv_string(d, key, v, out, outsz) == -1)
		return -1;
	if (out[0] != '/')
		return jv_err(d, key, "\"%s\" must be an absolute path", out);
	return 0;
}

static int
valid_ident(const char *s, const char *extra)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(extra, *s) != NULL))
			return 0;
	return 1;
}

static int
parse_nft(const struct jv_doc *d, json_t *v, struct conf *c)
{
	static const char *const keys[] = { "table", "attach", "keep_on_exit",
	    NULL };
	static const char *const akeys[] = { "family", "table", "chain", NULL };
	json_t *x, *a;

	if (jv_object(d, "nft", v) == -1 ||
	    jv_known_keys(d, "nft", v, keys) == -1)
		return -1;
	if ((x = json_object_get(v, "table")) != NULL) {
		if (jv_string(d, "nft.table", x, c->nft.table,
		    sizeof(c->nft.table)) == -1)
			return -1;
		if (!valid_ident(c->nft.table, "_-"))
			return jv_err(d, "nft.table", "\"%s\": use letters, "
			    "digits, '_' or '-'", c->nft.table);
	}
	if ((x = json_object_get(v, "keep_on_exit")) != NULL &&
	    jv_bool(d, "nft.keep_on_exit", x, &c->nft.keep_on_exit) == -1)
		return -1;
	if ((a = json_object_get(v, "attach")) == NULL || json_is_null(a))
		return 0;
	if (jv_object(d, "nft.attach", a) == -1 ||
	    jv_known_keys(d, "nft.attach", a, akeys) == -1)
		return -1;
	c->nft.attach.present = 1;
	if ((x = json_object_get(a, "family")) == NULL)
		return jv_err(d, "nft.attach", "missing key \"family\"");
	if (jv_string(d, "nft.attach.family", x, c->nft.attach.family,
	    sizeof(c->nft.attach.family)) == -1)
		return -1;
	if (strcmp(c->nft.attach.family, "inet") != 0 &&
	    strcmp(c->nft.attach.family, "ip") != 0 &&
	    strcmp(c->nft.attach.family, "ip6") != 0)
		return jv_err(d, "nft.attach.family", "\"%s\" is not inet, ip "
		    "or ip6", c->nft.attach.family);
	if ((x = json_object_get(a, "table")) == NULL)
		return jv_err(d, "nft.attach", "missing key \"table\"");
	if (jv_string(d, "nft.attach.table", x, c->nft.attach.table,
	    sizeof(c->nft.attach.table)) == -1)
		return -1;
	if ((x = json_object_get(a, "chain")) == NULL)
		return jv_err(d, "nft.attach", "missing key \"chain\"");
	if (jv_string(d, "nft.attach.chain", x, c->nft.attach.chain,
	    sizeof(c->nft.attach.chain)) == -1)
		return -1;
	if (!valid_ident(c->nft.attach.table, "_-") ||
	    !valid_ident(c->nft.attach.chain, "_-"))
		return jv_err(d, "nft.attach", "table and chain names are "
		    "letters, digits, '_' or '-'");
	if (strcmp(c->nft.attach.table, c->nft.table) == 0)
		return jv_err(d, "nft.attach.table", "\"%s\" is portward's own "
		    "table (nft.table)", c->nft.attach.table);
	return 0;
}

static int
parse_router(const struct jv_doc *d, json_t *v, struct conf *c)
{
	static const char *const keys[] = { "wan_interface", "lan_host_ipv4",
	    "lan_host_ipv6", NULL };
	char buf[INET6_ADDRSTRLEN + 1];
	json_t *x;

	if (jv_object(d, "router", v) == -1 ||
	    jv_known_keys(d, "router", v, keys) == -1)
		return -1;
	c->router.present = 1;
	if ((x = json_object_get(v, "wan_interface")) == NULL)
		return jv_err(d, "router", "missing key \"wan_interface\"");
	if (jv_string(d, "router.wan_interface", x, c->router.wan_if,
	    sizeof(c->router.wan_if)) == -1)
		return -1;
	if (!valid_ident(c->router.wan_if, "_-.@:"))
		return jv_err(d, "router.wan_interface", "\"%s\" is not an "
		    "interface name", c->router.wan_if);
	if ((x = json_object_get(v, "lan_host_ipv4")) != NULL &&
	    !json_is_null(x)) {
		if (jv_string(d, "router.lan_host_ipv4", x, buf,
		    sizeof(buf)) == -1)
			return -1;
		if (inet_pton(AF_INET, buf, &c->router.lan4) != 1)
			return jv_err(d, "router.lan_host_ipv4", "\"%s\" is not "
			    "an IPv4 address", buf);
		if (c->router.lan4.s_addr == INADDR_ANY ||
		    IN_MULTICAST(ntohl(c->router.lan4.s_addr)))
			return jv_err(d, "router.lan_host_ipv4", "\"%s\" is not "
			    "a host address", buf);
		c->router.has_lan4 = 1;
	}
	if ((x = json_object_get(v, "lan_host_ipv6")) != NULL &&
	    !json_is_null(x)) {
		if (jv_string(d, "router.lan_host_ipv6", x, buf,
		    sizeof(buf)) == -1)
			return -1;
		if (inet_pton(AF_INET6, buf, &c->router.lan6) != 1)
			return jv_err(d, "router.lan_host_ipv6", "\"%s\" is not "
			    "an IPv6 address", buf);
		if (IN6_IS_ADDR_UNSPECIFIED(&c->router.lan6) ||
		    IN6_IS_ADDR_MULTICAST(&c->router.lan6) ||
		    IN6_IS_ADDR_LINKLOCAL(&c->router.lan6))
			return jv_err(d, "router.lan_host_ipv6", "\"%s\" is not "
			    "a routable host address", buf);
		c->router.has_lan6 = 1;
	}
	return 0;
}

/* mapping.methods: a list of distinct known methods, in order of use. */
static int
parse_methods(const struct jv_doc *d, json_t *x, struct conf_mapping *mp)
{
	char sub[64];
	const char *name;
	json_t *m;
	size_t i, j;

	if (jv_array(d, "mapping.methods", x) == -1)
		return -1;
	mp->nmethods = 0;
	json_array_foreach(x, i, m) {
		enum conf_method meth;

		if (jv_path_index(sub, sizeof(sub), "mapping.methods", i) == -1)
			return -1;
		if (!json_is_string(m))
			return jv_err(d, sub, "expected \"pcp\", \"natpmp\" or "
			    "\"upnp\", got %s", jv_type_name(m));
		name = json_string_value(m);
		if (strcmp(name, "natpmp") == 0)
			meth = CONF_METHOD_NATPMP;
		else if (strcmp(name, "upnp") == 0)
			meth = CONF_METHOD_UPNP;
		else if (strcmp(name, "pcp") == 0)
			meth = CONF_METHOD_PCP;
		else
			return jv_err(d, sub, "unknown method \"%s\" (pcp, "
			    "natpmp or upnp)", name);
		for (j = 0; j < mp->nmethods; j++)
			if (mp->methods[j] == meth)
				return jv_err(d, sub, "%s is listed twice",
				    name);
		mp->methods[mp->nmethods++] = meth;
	}
	return 0;
}

static int
parse_mapping(const struct jv_doc *d, json_t *v, struct conf *c)
{
	static const char *const keys[] = { "methods", "lease_seconds",
	    "gateway", "igd_url", "user", NULL };
	struct conf_mapping *mp = &c->mapping;
	char buf[INET_ADDRSTRLEN + 1];
	json_t *x;

	if (jv_object(d, "mapping", v) == -1 ||
	    jv_known_keys(d, "mapping", v, keys) == -1)
		return -1;
	if ((x = json_object_get(v, "methods")) != NULL) {
		if (parse_methods(d, x, mp) == -1)
			return -1;
		if (c->mode == CONF_MODE_ROUTER && mp->nmethods > 0)
			return jv_err(d, "mapping.methods", "in router mode this "
			    "machine is the router: there is no upstream router "
			    "to ask; use []");
	}
	if ((x = json_object_get(v, "lease_seconds")) != NULL &&
	    jv_int(d, "mapping.lease_seconds", x, 60, 604800,
	    &mp->lease_seconds) == -1)
		return -1;
	if ((x = json_object_get(v, "gateway")) != NULL && !json_is_null(x)) {
		if (jv_string(d, "mapping.gateway", x, buf, sizeof(buf)) == -1)
			return -1;
		if (inet_pton(AF_INET, buf, &mp->gateway) != 1)
			return jv_err(d, "mapping.gateway", "\"%s\" is not an "
			    "IPv4 address", buf);
		mp->has_gateway = 1;
	}
	if ((x = json_object_get(v, "igd_url")) != NULL && !json_is_null(x)) {
		if (jv_string(d, "mapping.igd_url", x, mp->igd_url,
		    sizeof(mp->igd_url)) == -1)
			return -1;
		if (strncmp(mp->igd_url, "http://", 7) != 0)
			return jv_err(d, "mapping.igd_url", "\"%s\" is not an "
			    "http:// URL (the IGD's rootDesc.xml)", mp->igd_url);
	}
	if ((x = json_object_get(v, "user")) != NULL) {
		if (jv_string(d, "mapping.user", x, mp->user,
		    sizeof(mp->user)) == -1)
			return -1;
		/* The mapper and the probe helper never fall back to root. */
		if (getpwnam(mp->user) == NULL)
			return jv_err(d, "mapping.user", "no such user \"%s\" "
			    "(the mapper and the probe helper run as this user)",
			    mp->user);
	}
	return 0;
}

/* command[0] as execvp() would find it; -1 when nothing is there. */
static int
find_in_path(const char *cmd)
{
	char buf[PATH_MAX], cs[256];
	const char *path, *p, *colon;
	size_t c;
	int n;

	if (strchr(cmd, '/') != NULL)
		return access(cmd, X_OK);
	/* No PATH: execvp() searches confstr's default, so this does too. */
	if ((path = getenv("PATH")) == NULL) {
		c = confstr(_CS_PATH, cs, sizeof(cs));
		path = (c > 0 && c <= sizeof(cs)) ? cs : "/bin:/usr/bin";
	}
	for (p = path; *p != '\0'; p = *colon ? colon + 1 : colon) {
		colon = strchrnul(p, ':');
		n = snprintf(buf, sizeof(buf), "%.*s/%s", (int)(colon - p), p,
		    cmd);
		if (n > 0 && (size_t)n < sizeof(buf) && access(buf, X_OK) == 0)
			return 0;
	}
	return -1;
}

/* supervise.command: the program (found in PATH) and its arguments. */
static int
parse_command(const struct jv_doc *d, json_t *x, struct conf_supervise *sv)
{
	char sub[64];
	json_t *a;
	size_t i;

	if (jv_array(d, "supervise.command", x) == -1)
		return -1;
	if (json_array_size(x) == 0)
		return jv_err(d, "supervise.command", "must name a program");
	if (json_array_size(x) > CONF_MAX_ARGS)
		return jv_err(d, "supervise.command", "more than %d arguments",
		    CONF_MAX_ARGS);
	json_array_foreach(x, i, a) {
		if (jv_path_index(sub, sizeof(sub), "supervise.command", i) ==
		    -1 || jv_string(d, sub, a, sv->argv[i], CONF_ARG_MAX) == -1)
			return -1;
	}
	sv->argc = json_array_size(x);
	if (find_in_path(sv->argv[0]) == -1)
		return jv_err(d, "supervise.command[0]", "\"%s\" is not an "
		    "executable program (looked up in PATH)", sv->argv[0]);
	return 0;
}

/* supervise.env: NAME=value strings, names as a shell would take them. */
static int
parse_env(const struct jv_doc *d, json_t *x, struct conf_supervise *sv)
{
	char sub[64];
	const char *name;
	json_t *a;
	int n;

	if (jv_object(d, "supervise.env", x) == -1)
		return -1;
	if (json_object_size(x) > CONF_MAX_ENV)
		return jv_err(d, "supervise.env", "more than %d variables",
		    CONF_MAX_ENV);
	json_object_foreach(x, name, a) {
		if (jv_path_key(sub, sizeof(sub), "supervise.env", name) == -1)
			return jv_err(d, "supervise.env", "name too long");
		if (name[0] == '\0' || (name[0] >= '0' && name[0] <= '9') ||
		    !valid_ident(name, "_"))
			return jv_err(d, sub, "\"%s\" is not a variable name",
			    name);
		if (!json_is_string(a))
			return jv_err(d, sub, "expected a string, got %s",
			    jv_type_name(a));
		n = snprintf(sv->env[sv->nenv], CONF_ARG_MAX, "%s=%s", name,
		    json_string_value(a));
		if (n < 0 || n >= CONF_ARG_MAX)
			return jv_err(d, sub, "longer than %d characters",
			    CONF_ARG_MAX - 1);
		sv->nenv++;
	}
	return 0;
}

static int
parse_supervise(const struct jv_doc *d, json_t *v, struct conf *c)
{
	static const char *const keys[] = { "command", "user", "env",
	    "working_directory", "ready_timeout_seconds",
	    "stop_timeout_seconds", "restart_on_address_change", NULL };
	struct conf_supervise *sv = &c->supervise;
	json_t *x;

	if (jv_object(d, "supervise", v) == -1 ||
	    jv_known_keys(d, "supervise", v, keys) == -1)
		return -1;
	sv->enabled = 1;
	if ((x = json_object_get(v, "command")) == NULL)
		return jv_err(d, "supervise", "missing key \"command\"");
	if (parse_command(d, x, sv) == -1)
		return -1;
	if ((x = json_object_get(v, "user")) != NULL) {
		if (jv_string(d, "supervise.user", x, sv->user,
		    sizeof(sv->user)) == -1)
			return -1;
		if (getpwnam(sv->user) == NULL)
			return jv_err(d, "supervise.user", "no such user \"%s\"",
			    sv->user);
	}
	if ((x = json_object_get(v, "env")) != NULL &&
	    parse_env(d, x, sv) == -1)
		return -1;
	if ((x = json_object_get(v, "working_directory")) != NULL &&
	    abs_path(d, "supervise.working_directory", x, sv->workdir,
	    sizeof(sv->workdir)) == -1)
		return -1;
	if ((x = json_object_get(v, "ready_timeout_seconds")) != NULL &&
	    jv_int(d, "supervise.ready_timeout_seconds", x, 1, 3600,
	    &sv->ready_timeout) == -1)
		return -1;
	if ((x = json_object_get(v, "stop_timeout_seconds")) != NULL &&
	    jv_int(d, "supervise.stop_timeout_seconds", x, 1, 600,
	    &sv->stop_timeout) == -1)
		return -1;
	if ((x = json_object_get(v, "restart_on_address_change")) != NULL &&
	    jv_bool(d, "supervise.restart_on_address_change", x,
	    &sv->restart_on_addr) == -1)
		return -1;
	return 0;
}

static int
parse_probe(const struct jv_doc *d, json_t *v, struct conf *c)
{
	static const char *const keys[] = { "interval_seconds", "reflectors",
	    NULL };
	char sub[64];
	json_t *x, *r;
	size_t i;

	if (jv_object(d, "probe", v) == -1 ||
	    jv_known_keys(d, "probe", v, keys) == -1)
		return -1;
	if ((x = json_object_get(v, "interval_seconds")) != NULL &&
	    jv_int(d, "probe.interval_seconds", x, 10, 86400,
	    &c->probe.interval) == -1)
		return -1;
	if ((x = json_object_get(v, "reflectors")) == NULL)
		return 0;
	if (jv_array(d, "probe.reflectors", x) == -1)
		return -1;
	if (json_array_size(x) > CONF_MAX_REFLECTORS)
		return jv_err(d, "probe.reflectors", "more than %d reflectors",
		    CONF_MAX_REFLECTORS);
	json_array_foreach(x, i, r) {
		if (jv_path_index(sub, sizeof(sub), "probe.reflectors", i) == -1)
			return -1;
		if (!json_is_string(r))
			return jv_err(d, sub, "expected \"ADDR:PORT\", got %s",
			    jv_type_name(r));
		if (addr_parse(json_string_value(r),
		    &c->probe.reflectors[c->probe.nreflectors]) == -1)
			return jv_err(d, sub, "\"%s\" is not ADDR:PORT or "
			    "[ADDR6]:PORT", json_string_value(r));
		c->probe.nreflectors++;
	}
	return 0;
}

static int
parse_profile_keys(const struct jv_doc *d, struct conf *c)
{
	json_t *lk = json_object_get(d->root, "livekit_config");
	json_t *pr = json_object_get(d->root, "profile");
	json_t *lv = json_object_get(d->root, "livekit_version");
	char buf[PATH_MAX];

	if (lk != NULL && json_is_null(lk))
		lk = NULL;
	if (pr != NULL && json_is_null(pr))
		pr = NULL;
	if (lk != NULL && pr != NULL)
		return jv_err(d, "profile", "give either livekit_config or "
		    "profile, not both: they are two sources for the same ports");
	if (lv != NULL) {
		if (jv_string(d, "livekit_version", lv, c->lk_version,
		    sizeof(c->lk_version)) == -1)
			return -1;
		if (lk_version_num(c->lk_version) == -1)
			return jv_err(d, "livekit_version", "\"%s\" is not a "
			    "LiveKit version (1.10.0, 1.13.5...)",
			    c->lk_version);
	}
	if (lk != NULL) {
		c->profile_kind = PROF_SRC_LIVEKIT;
		return jv_string(d, "livekit_config", lk, buf, sizeof(buf)) ==
		    -1 ? -1 : resolve_path(d, "livekit_config", buf,
		    c->profile_path, sizeof(c->profile_path));
	}
	if (lv != NULL)
		return jv_err(d, "livekit_version", "only with livekit_config: "
		    "a portward profile says its families itself");
	c->profile_kind = PROF_SRC_JSON;
	if (pr != NULL)
		return jv_string(d, "profile", pr, buf, sizeof(buf)) == -1 ? -1 :
		    resolve_path(d, "profile", buf, c->profile_path,
		    sizeof(c->profile_path));
	c->profile_default = 1;
	conf_default_profile(c->profile_path, sizeof(c->profile_path));
	return 0;
}

static void
defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->families = FAM_ALL;
	(void)snprintf(c->nft.table, sizeof(c->nft.table), "portward");
	c->mapping.lease_seconds = 3600;
	(void)snprintf(c->mapping.user, sizeof(c->mapping.user), "nobody");
	c->supervise.ready_timeout = 30;
	c->supervise.stop_timeout = 10;
	c->probe.interval = 300;
	(void)snprintf(c->control_socket, sizeof(c->control_socket), "%s",
	    CONF_DEFAULT_SOCKET);
}

/*
 * The daemon deletes its control socket and metrics file at exit, and
 * replaces what is there at start: a path that names someone else's file
 * (a typo, or a trap) is refused here, so that -n says so too.
 */
static int
check_paths(const struct jv_doc *d, const struct conf *c)
{
	char why[PATH_MAX + 160];

	if (fio_socket_slot(c->control_socket, why, sizeof(why)) == -1)
		return jv_err(d, "control_socket", "%s", why);
	if (c->metrics_file[0] != '\0' && fio_own_file(c->metrics_file,
	    METRICS_MARKER, why, sizeof(why)) == -1)
		return jv_err(d, "metrics_file", "%s", why);
	return 0;
}

static int
set_mode(const struct jv_doc *d, const char *mode, struct conf *c)
{
	if (strcmp(mode, "host") == 0) {
		c->mode = CONF_MODE_HOST;
		/* RFC 6887 first: it also opens IPv6 pinholes. */
		c->mapping.methods[0] = CONF_METHOD_PCP;
		c->mapping.methods[1] = CONF_METHOD_NATPMP;
		c->mapping.methods[2] = CONF_METHOD_UPNP;
		c->mapping.nmethods = 3;
	} else if (strcmp(mode, "router") == 0)
		c->mode = CONF_MODE_ROUTER;
	else
		return jv_err(d, "mode", "\"%s\" is not \"host\" or \"router\"",
		    mode);
	return 0;
}

/* Router mode: the section, and a LAN host for each family served. */
static int
check_router(const struct jv_doc *d, const struct conf *c)
{
	if (c->mode != CONF_MODE_ROUTER)
		return 0;
	if (!c->router.present)
		return jv_err(d, "mode", "router mode needs a \"router\" "
		    "section (wan_interface, lan_host_ipv4, lan_host_ipv6)");
	if ((c->families & FAM_IPV4) && !c->router.has_lan4)
		return jv_err(d, "router", "lan_host_ipv4 is required "
		    "while families includes ipv4");
	if ((c->families & FAM_IPV6) && !c->router.has_lan6)
		return jv_err(d, "router", "lan_host_ipv6 is required "
		    "while families includes ipv6 (or set families to "
		    "[\"ipv4\"])");
	return 0;
}

static int
parse(const struct jv_doc *d, struct conf *c)
{
	static const char *const keys[] = { "mode", "livekit_config",
	    "livekit_version", "profile", "families", "nft", "router",
	    "mapping", "supervise", "probe", "control_socket", "metrics_file",
	    NULL };
	char mode[16];
	json_t *r = d->root, *x;

	if (jv_object(d, "", r) == -1 || jv_known_keys(d, "", r, keys) == -1)
		return -1;
	if ((x = json_object_get(r, "mode")) == NULL)
		return jv_err(d, "", "missing key \"mode\" (\"host\" or "
		    "\"router\")");
	if (jv_string(d, "mode", x, mode, sizeof(mode)) == -1)
		return -1;
	if (set_mode(d, mode, c) == -1)
		return -1;
	if (parse_profile_keys(d, c) == -1)
		return -1;
	if ((x = json_object_get(r, "families")) != NULL &&
	    jv_families(d, "families", x, &c->families) == -1)
		return -1;
	if ((x = json_object_get(r, "nft")) != NULL && parse_nft(d, x, c) == -1)
		return -1;
	if ((x = json_object_get(r, "router")) != NULL && !json_is_null(x)) {
		if (c->mode != CONF_MODE_ROUTER)
			return jv_err(d, "router", "only used with \"mode\": "
			    "\"router\"");
		if (parse_router(d, x, c) == -1)
			return -1;
	}
	if ((x = json_object_get(r, "mapping")) != NULL &&
	    parse_mapping(d, x, c) == -1)
		return -1;
	if ((x = json_object_get(r, "supervise")) != NULL && !json_is_null(x) &&
	    parse_supervise(d, x, c) == -1)
		return -1;
	if ((x = json_object_get(r, "probe")) != NULL &&
	    parse_probe(d, x, c) == -1)
		return -1;
	if ((x = json_object_get(r, "control_socket")) != NULL &&
	    abs_path(d, "control_socket", x, c->control_socket,
	    sizeof(c->control_socket)) == -1)
		return -1;
	if ((x = json_object_get(r, "metrics_file")) != NULL &&
	    !json_is_null(x) && abs_path(d, "metrics_file", x, c->metrics_file,
	    sizeof(c->metrics_file)) == -1)
		return -1;
	if (check_paths(d, c) == -1)
		return -1;
	return check_router(d, c);
}

int
conf_load(const char *file, struct conf *c, struct errbuf *eb)
{
	struct jv_doc d;
	int rc;

	defaults(c);
	if (snprintf(c->file, sizeof(c->file), "%s", file) >=
	    (int)sizeof(c->file))
		return eb_set(eb, file, 0, 0, NULL, "path too long");
	if (jv_open(&d, file, eb) == -1)
		return -1;
	rc = parse(&d, c);
	jv_close(&d);
	if (rc == 0 && conf_wan_override != NULL) {
		if (c->mode != CONF_MODE_ROUTER)
			return eb_set(eb, file, 0, 0, "router.wan_interface",
			    "-w %s: only used with \"mode\": \"router\"",
			    conf_wan_override);
		if (conf_wan_override[0] == '\0' ||
		    !valid_ident(conf_wan_override, "_-.@:") ||
		    snprintf(c->router.wan_if, sizeof(c->router.wan_if), "%s",
		    conf_wan_override) >= (int)sizeof(c->router.wan_if))
			return eb_set(eb, file, 0, 0, "router.wan_interface",
			    "-w: \"%s\" is not an interface name",
			    conf_wan_override);
	}
	return rc;
}

/* Read fd until EOF, len - 1 bytes or ms milliseconds: a string. */
static void
read_for(int fd, char *out, size_t len, int ms)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	struct timespec t0, now;
	size_t got = 0;
	ssize_t n;
	int left, r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (got < len - 1) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = ms - (int)((now.tv_sec - t0.tv_sec) * 1000 +
		    (now.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			break;
		if ((r = poll(&pf, 1, left)) == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if ((n = read(fd, out + got, len - 1 - got)) == -1 &&
		    errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	out[got] = '\0';
}

/* In the child: `command[0] --version` as the SFU runs, output to fd. */
static void __attribute__((noreturn))
exec_version(const struct conf_supervise *sv, int fd)
{
	char *argv[3];
	size_t i;

	/* Its directory and supervise.env (PATH). */
	if (sv->workdir[0] != '\0' && chdir(sv->workdir) == -1)
		_exit(127);
	for (i = 0; i < sv->nenv; i++)
		(void)putenv((char *)(uintptr_t)sv->env[i]);
	(void)dup2(fd, STDOUT_FILENO);
	(void)dup2(fd, STDERR_FILENO);
	argv[0] = (char *)(uintptr_t)sv->argv[0];
	argv[1] = "--version";
	argv[2] = NULL;
	(void)ps_sys.execvp(argv[0], argv);
	_exit(127);
}

/*
 * `livekit-server --version`, run as the SFU would run, for at most 3 s:
 * the version it prints into buf, or -1.
 */
static int
command_version(const struct conf_supervise *sv, char *buf, size_t len)
{
	char out[512];
	struct ps_opts o;
	pid_t pid;
	int fds[2], st;

	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	memset(&o, 0, sizeof(o));
	o.user = sv->user[0] != '\0' ? sv->user : NULL;
	o.keep[o.nkeep++] = fds[1];
	o.err_fd = -1;
	o.pdeathsig = SIGKILL;
	o.new_session = 1;
	o.name = "portward-lkver";
	if ((pid = ps_fork(&o)) == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0)
		exec_version(sv, fds[1]);
	close(fds[1]);
	/* 3 s in all, whatever trickles in; then the whole group goes. */
	read_for(fds[0], out, sizeof(out), 3000);
	close(fds[0]);
	/* Its own session (new_session): a wrapper's children go too. */
	(void)kill(-pid, SIGKILL);
	(void)kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	return lk_version_parse_output(out, buf, len);
}

int
conf_profile(const struct conf *c, struct profile *p, struct errbuf *eb)
{
	return conf_profile_ver(c, NULL, NULL, p, eb);
}

extern char **environ;

/* The daemon reads its own environment too; portwardctl does not. */
int conf_use_environ;
const char *conf_wan_override;

size_t
conf_sfu_env(const struct conf_supervise *sv, char *const *base,
    const char **out, size_t max)
{
	size_t i, k, ne = 0;

	for (i = 0; base != NULL && base[i] != NULL &&
	    ne + sv->nenv + 1 < max; i++) {
		if (strncmp(base[i], "NOTIFY_SOCKET=", 14) == 0 ||
		    strncmp(base[i], "WATCHDOG_", 9) == 0 ||
		    strncmp(base[i], "LISTEN_", 7) == 0)
			continue;
		for (k = 0; k < sv->nenv; k++)
			if (strncmp(base[i], sv->env[k],
			    strcspn(sv->env[k], "=") + 1) == 0)
				break;
		if (k == sv->nenv)
			out[ne++] = base[i];
	}
	for (k = 0; k < sv->nenv && ne + 1 < max; k++)
		out[ne++] = sv->env[k];
	out[ne] = NULL;
	return ne;
}

/* A program named livekit-server, whatever its directory. */
static int
is_livekit_server(const char *cmd)
{
	const char *slash = strrchr(cmd, '/');

	return strcmp(slash != NULL ? slash + 1 : cmd, "livekit-server") == 0;
}

/*
 * How LiveKit will read its file: the supervised command's flags and
 * environment, and its version (livekit_version, or what the command
 * prints) unless one is given.
 */
static void
as_supervised(const struct conf *c, struct lk_opts *o)
{
	static const char *argv[CONF_MAX_ARGS], *env[CONF_SFU_ENV_MAX];
	static char where[PATH_MAX + 64], vfrom[PATH_MAX + 64], ver[16];
	const struct conf_supervise *sv = &c->supervise;
	size_t i;

	if (o->version == NULL && c->lk_version[0] != '\0') {
		o->version = c->lk_version;
		(void)snprintf(vfrom, sizeof(vfrom), "livekit_version in %s",
		    c->file);
		o->version_from = vfrom;
	}
	if (!sv->enabled)
		return;
	(void)snprintf(where, sizeof(where), "supervise.command in %s",
	    c->file);
	o->cmd_where = where;
	o->workdir = sv->workdir;
	for (i = 0; i < sv->argc; i++)
		argv[i] = sv->argv[i];
	o->argv = argv;
	o->argc = sv->argc;
	/*
	 * What the SFU gets: the daemon's environment, then supervise.env.
	 * portwardctl has a shell's, not the daemon's: supervise.env alone.
	 */
	o->env = env;
	o->nenv = conf_sfu_env(sv, conf_use_environ ? environ : NULL, env,
	    sizeof(env) / sizeof(env[0]));
	if (o->version == NULL && sv->argc > 0 &&
	    is_livekit_server(sv->argv[0]) &&
	    command_version(sv, ver, sizeof(ver)) == 0) {
		o->version = ver;
		(void)snprintf(vfrom, sizeof(vfrom), "%s --version",
		    sv->argv[0]);
		o->version_from = vfrom;
	}
}

int
conf_profile_ver(const struct conf *c, const char *version,
    const char *version_from, struct profile *p, struct errbuf *eb)
{
	struct lk_opts o;
	size_t i;

	if (c->profile_kind == PROF_SRC_LIVEKIT) {
		memset(&o, 0, sizeof(o));
		o.file = c->profile_path;
		o.version = version;
		o.version_from = version_from;
		as_supervised(c, &o);
		if (prof_load_livekit_ex(&o, p, eb) == -1)
			return -1;
	} else if (prof_load_json(c->profile_path, p, eb) == -1)
		return -1;
	for (i = 0; i < p->n; i++)
		if ((p->ep[i].families & c->families) != 0)
			return 0;
	return eb_set(eb, c->file, 0, 0, "families", "no endpoint of %s is "
	    "served on the configured families", p->source);
}
