/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * conf.h: portward's configuration (JSON, the schema in docs/man/portward.json.5), validated
 * whole before anything acts on it. Unknown keys are errors.
 */
#ifndef PORTWARD_CONF_H
#define PORTWARD_CONF_H

#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "errbuf.h"
#include "profile.h"

#define CONF_MAX_METHODS	3
#define CONF_MAX_ARGS		32
#define CONF_ARG_MAX		256
#define CONF_MAX_ENV		16
#define CONF_MAX_REFLECTORS	8
#define CONF_NAME_MAX		64

#ifndef PW_DATADIR
#define PW_DATADIR		"/usr/local/share/portward"
#endif
/* A build may set it (OpenWrt's package: /var/run, where /run is not). */
#ifndef CONF_DEFAULT_SOCKET
#define CONF_DEFAULT_SOCKET	"/run/portward/control.sock"
#endif

enum conf_mode { CONF_MODE_HOST, CONF_MODE_ROUTER };
enum conf_method { CONF_METHOD_NATPMP, CONF_METHOD_UPNP, CONF_METHOD_PCP };

struct conf_attach {
	int	present;
	char	family[8];		/* inet, ip or ip6 */
	char	table[CONF_NAME_MAX];
	char	chain[CONF_NAME_MAX];
};

/*
 * The configuration mirrors the JSON: one section per object of
 * portward.json, and each module is handed only its own section (the
 * nftables code conf.nft, the mapper conf.mapping, the supervisor
 * conf.supervise, the prober conf.probe), plus the few top-level facts
 * it needs as plain arguments.
 */
struct conf_nft {			/* "nft" */
	char			table[CONF_NAME_MAX];
	int			keep_on_exit;
	struct conf_attach	attach;
};

struct conf_router {			/* "router" */
	int			present;
	char			wan_if[IF_NAMESIZE];
	int			has_lan4, has_lan6;
	struct in_addr		lan4;
	struct in6_addr		lan6;
};

struct conf_mapping {			/* "mapping" */
	size_t			nmethods;
	enum conf_method	methods[CONF_MAX_METHODS];
	long			lease_seconds;
	int			has_gateway;
	struct in_addr		gateway;
	char			igd_url[256];
	char			user[CONF_NAME_MAX];
};

struct conf_supervise {			/* "supervise" */
	int			enabled;	/* the key is there */
	size_t			argc;
	char			argv[CONF_MAX_ARGS][CONF_ARG_MAX];
	char			user[CONF_NAME_MAX];
	size_t			nenv;
	char			env[CONF_MAX_ENV][CONF_ARG_MAX]; /* NAME=value */
	char			workdir[PATH_MAX];
	long			ready_timeout;
	long			stop_timeout;
	int			restart_on_addr;	/* a new address: restart */
};

struct conf_probe {			/* "probe" */
	long			interval;
	size_t			nreflectors;
	struct sockaddr_storage	reflectors[CONF_MAX_REFLECTORS];
};

struct conf {
	char			file[PATH_MAX];
	enum conf_mode		mode;
	/* The profile: exactly one of these, resolved to a path. */
	enum prof_source	profile_kind;
	char			profile_path[PATH_MAX];
	int			profile_default;	/* neither key given */
	char			lk_version[16];	/* livekit_version, "" if unset */
	unsigned		families;

	struct conf_nft		nft;
	struct conf_router	router;
	struct conf_mapping	mapping;
	struct conf_supervise	supervise;
	struct conf_probe	probe;

	char			control_socket[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char			metrics_file[PATH_MAX];
};

/* Read and validate the configuration file; 0, or -1 with eb set. */
int	conf_load(const char *file, struct conf *c, struct errbuf *eb);
/*
 * Load the profile the configuration names, and check it against it. A
 * livekit.yaml is read with the supervised command's flags and
 * environment, for livekit_version, else the version the command prints
 * (livekit-server --version), else the current release.
 */
int	conf_profile(const struct conf *c, struct profile *p,
	    struct errbuf *eb);
/* Set by portwardd: the SFU inherits its environment (not portwardctl's). */
extern int conf_use_environ;
/*
 * Set by -w: router.wan_interface, whatever the file says (NULL: the
 * file's). OpenWrt's init script passes the device of its logical wan.
 */
extern const char *conf_wan_override;
/* The same, with a version given on a command line (NULL: none). */
int	conf_profile_ver(const struct conf *c, const char *version,
	    const char *version_from, struct profile *p, struct errbuf *eb);
/*
 * The SFU's environment: base (the daemon's, or NULL) less systemd's own
 * variables (NOTIFY_SOCKET, WATCHDOG_*, LISTEN_*) and those supervise.env
 * sets, then supervise.env; NULL-terminated in out[max]; the count.
 * CONF_SFU_ENV_MAX is max for the SFU and for reading livekit.yaml as it
 * will: with another bound, a long environment would not be the same.
 */
#define CONF_SFU_ENV_MAX	256
size_t	conf_sfu_env(const struct conf_supervise *sv, char *const *base,
	    const char **out, size_t max);
/* Where the shipped reference profile is (installed, or in the tree). */
const char *conf_default_profile(char *buf, size_t len);
/* "natpmp" or "upnp". */
const char *conf_method_name(enum conf_method m);

#endif
