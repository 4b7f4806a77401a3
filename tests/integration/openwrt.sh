#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# openwrt.sh: the OpenWrt package, as far as this machine can take it.
#
# 1. The package Makefile's own Build/Prepare, Build/Compile and install
#    recipes, run the way the SDK runs them (rules.mk/package.mk below hold
#    the few SDK variables they read): a staging directory made of the
#    Debian -dev packages' headers, libraries and .pc files, pkg-config
#    reading only that, a compiler that logs its arguments, marked SDK
#    CFLAGS/CPPFLAGS/LDFLAGS, apt-get and dpkg-query shadowed by programs
#    that record being run. The compile and link lines must carry the
#    flags, the dependency step must never run.
# 2. The init script's WAN resolution, from netifd's status of a PPPoE wan
#    (ubus is OpenWrt's: a program prints the status a PPPoE router gives;
#    jsonfilter is absent here, so the script's jq path reads it).
# 3. fw4 in the lab: a ruleset as fw4 renders it (table inet fw4, flushed
#    and rebuilt at each load, with the package's nftables.d includes),
#    loaded with the real kernel's nftables; portwardctl apply with the
#    OpenWrt configuration, the init script's fw4 files, then real TCP from
#    the internet side to the LAN host, before and after fw4 reloads.
T_NAME=openwrt
source "$(dirname "$0")/../lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
t_need_root
t_need_tool ip nft socat ss jq awk make gcc pkg-config readelf dpkg

W=$(mktemp -d /tmp/portward-openwrt.XXXXXX)
trap 'stop_daemon; lab_down; rm -rf "$W"' EXIT
OWRT=$TOP/packaging/openwrt

# --- 1. the SDK build --------------------------------------------------
sdk_build() {
	local S=$W/staging H=$W/host p f rel
	mkdir -p "$S/usr/include" "$S/usr/lib/pkgconfig" "$H/bin" "$W/sdk/include" \
	    "$W/build" "$W/root" || return 1
	# Staging as the SDK fills it: the libraries' own files, .pc files with
	# prefix=/usr and libdir under it, read through the SDK's wrapper.
	for p in libnftnl-dev libmnl-dev libjansson-dev libyaml-dev \
	    libminiupnpc-dev libnatpmp-dev libssl-dev; do
		dpkg -L "$p" >"$W/files" || return 1
		while read -r f; do
			[ -f "$f" ] || continue
			case $f in
			/usr/include/*.h)
				rel=${f#/usr/include/}
				rel=${rel#x86_64-linux-gnu/}
				mkdir -p "$S/usr/include/$(dirname "$rel")"
				cp "$f" "$S/usr/include/$rel" ;;
			*.so) cp -L "$f" "$S/usr/lib/" ;;
			*.pc) sed -e 's|^libdir=.*|libdir=${exec_prefix}/lib|' \
			    -e 's|^includedir=.*|includedir=${prefix}/include|' \
			    "$f" >"$S/usr/lib/pkgconfig/${f##*/}" ;;
			esac
		done <"$W/files"
	done
	# The SDK's host tools: its pkg-config wrapper and the cross compiler
	# (here the native one, logging each call).
	cat >"$H/bin/pkg-config" <<EOF
#!/bin/sh
exec /usr/bin/pkg-config --define-variable=prefix="$S/usr" \\
    --define-variable=exec_prefix="$S/usr" "\$@"
EOF
	cat >"$H/bin/target-gcc" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >>"$W/cc.log"
exec gcc "\$@"
EOF
	# What the dependency step would run: recorded, and failing loudly.
	for p in apt-get apt dpkg-query; do
		printf '#!/bin/sh\necho "%s $*" >>"%s"\necho "%s must not run here" >&2\nexit 1\n' \
		    "$p" "$W/deps.log" "$p" >"$H/bin/$p"
	done
	chmod 755 "$H"/bin/*
	# The SDK variables the package Makefile reads (include/rules.mk and
	# include/package.mk of OpenWrt), and BuildPackage's order of steps.
	cat >"$W/sdk/rules.mk" <<EOF
STAGING_DIR:=$S
STAGING_DIR_HOST:=$H
BUILD_DIR:=$W/build
TARGET_CC:=$H/bin/target-gcc
TARGET_CFLAGS:=-Os -pipe -DPW_SDK_CFLAGS_MARK
TARGET_CPPFLAGS:=-I$S/usr/include -DPW_SDK_CPPFLAGS_MARK
TARGET_LDFLAGS:=-L$S/usr/lib -Wl,-z,now
TARGET_CONFIGURE_OPTS = AR="ar" AS="\$(TARGET_CC) -c" LD="ld" NM="nm" \\
	CC="\$(TARGET_CC)" GCC="\$(TARGET_CC)" RANLIB="ranlib" STRIP="strip"
INSTALL_DIR:=install -d -m0755
INSTALL_BIN:=install -m0755
INSTALL_DATA:=install -m0644
INSTALL_CONF:=install -m0600
CP:=cp -fpR
EOF
	cat >"$W/sdk/include/package.mk" <<'EOF'
PKG_BUILD_DIR ?= $(BUILD_DIR)/$(PKG_NAME)-$(PKG_VERSION)
define BuildPackage
prepare:
	$$(Build/Prepare)
compile: prepare
	$$(Build/Compile)
install: compile
	$$(call Package/$(1)/install,$$(ROOT))
endef
EOF
	# As package.mk runs it: from the package directory, PATH with the
	# host tools first, no pkg-config variables of this machine.
	(cd "$OWRT" && env -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR \
	    -u PKG_CONFIG_SYSROOT_DIR -u CC -u CFLAGS -u CPPFLAGS -u LDFLAGS \
	    PATH="$H/bin:$PATH" nice make -s TOPDIR="$W/sdk" \
	    INCLUDE_DIR="$W/sdk/include" ROOT="$W/root" install) \
	    >"$W/make.log" 2>&1
}

if [ -n "${T_ASAN:-}" ]; then
	:	# builds its own binaries: nothing of ASan's to check
elif ! sdk_build; then
	t_fail sdk__package_builds_from_staging "$(tail -20 "$W/make.log")"
else
	t_pass sdk__package_builds_from_staging
	S=$W/staging
	if [ ! -s "$W/deps.log" ] && ! grep -q "deps:" "$W/make.log"; then
		t_pass sdk__dependency_step_never_ran
	else t_fail sdk__dependency_step_never_ran "$(cat "$W/deps.log")"; fi
	compiles=$(grep -c -- ' -c ' "$W/cc.log")
	marked=$(grep -- ' -c ' "$W/cc.log" | grep -- -DPW_SDK_CFLAGS_MARK |
	    grep -- -DPW_SDK_CPPFLAGS_MARK | grep -c -- "-I$S/usr/include")
	if [ "$compiles" -gt 30 ] && [ "$marked" = "$compiles" ]; then
		t_pass sdk__every_compile_has_target_cflags_cppflags_and_staging_includes
	else t_fail sdk__every_compile_has_target_cflags_cppflags_and_staging_includes \
	    "$marked of $compiles"; fi
	links=$(grep -- ' -o build/portward\(d\|ctl\) ' "$W/cc.log")
	if [ "$(grep -c . <<<"$links")" = 2 ] &&
	    ! grep -v -- "-Wl,-z,now" <<<"$links" | grep -q . &&
	    ! grep -v -- "-L$S/usr/lib" <<<"$links" | grep -q .; then
		t_pass sdk__both_links_have_target_ldflags
	else t_fail sdk__both_links_have_target_ldflags "$links"; fi
	# The flag reached the linker, not only its command line.
	if readelf -d "$W/root/usr/sbin/portwardd" | grep -q 'FLAGS.*NOW' &&
	    readelf -d "$W/root/usr/bin/portwardctl" | grep -q 'FLAGS.*NOW'; then
		t_pass sdk__installed_programs_bound_now
	else t_fail sdk__installed_programs_bound_now; fi
	missing=
	for f in etc/init.d/portward etc/config/portward etc/portward/portward.json \
	    usr/share/portward/livekit.json \
	    usr/share/nftables.d/table-post/30-portward.nft \
	    usr/share/nftables.d/chain-pre/forward_wan/30-portward.nft; do
		[ -s "$W/root/$f" ] || missing="$missing $f"
	done
	if [ -z "$missing" ]; then t_pass sdk__package_installs_init_uci_json_and_fw4_includes
	else t_fail sdk__package_installs_init_uci_json_and_fw4_includes "$missing"; fi
	# One socket path: the shipped file's, and the compiled default the
	# package's portwardctl asks when given none.
	sock=$(jq -r .control_socket "$OWRT/files/portward.json")
	out=$("$W/root/usr/bin/portwardctl" status 2>&1)
	if [ "$sock" = /var/run/portward/control.sock ] &&
	    [[ $out == *"no answer on $sock"* ]]; then
		t_pass sdk__socket_default_matches_shipped_configuration
	else t_fail sdk__socket_default_matches_shipped_configuration "$sock / $out"; fi
	if grep -qx 'PKG_LICENSE:=GPL-2.0-or-later' "$OWRT/Makefile" &&
	    grep -qx 'PKG_LICENSE_FILES:=LICENSE' "$OWRT/Makefile" &&
	    [ -s "$W/build/portward-$(cat "$TOP/VERSION")/LICENSE" ]; then
		t_pass sdk__license_declared_and_shipped_in_build_dir
	else t_fail sdk__license_declared_and_shipped_in_build_dir; fi
fi
# Without NO_DEPS the top Makefile does run the dependency step.
if make -C "$TOP" -n -B build/obj/log.o 2>/dev/null | grep -q 'deps.sh build' &&
    ! make -C "$TOP" -n -B NO_DEPS=1 build/obj/log.o 2>/dev/null | grep -q deps.sh; then
	t_pass makefile__no_deps_switch_skips_dependency_step
else t_fail makefile__no_deps_switch_skips_dependency_step; fi

# --- 2. the WAN device from netifd ---------------------------------------
# `ubus call network.interface.wan status` on a router with a PPPoE line,
# up, and the same line down (netifd's answer while pppd dials).
mkdir -p "$W/ubus-up/bin" "$W/ubus-down/bin" "$W/ubus-none/bin"
cat >"$W/wan-up.json" <<'JSON'
{
	"up": true,
	"pending": false,
	"available": true,
	"autostart": true,
	"dynamic": false,
	"uptime": 81234,
	"l3_device": "pppoe-wan",
	"proto": "pppoe",
	"device": "wan",
	"updated": [ "addresses", "routes" ],
	"metric": 0,
	"dns_metric": 0,
	"delegation": true,
	"ipv4-address": [ { "address": "198.51.100.23", "mask": 32, "ptpaddress": "198.51.100.1" } ],
	"ipv6-address": [ ],
	"ipv6-prefix": [ ],
	"ipv6-prefix-assignment": [ ],
	"route": [ { "target": "0.0.0.0", "mask": 0, "nexthop": "198.51.100.1", "source": "0.0.0.0/0" } ],
	"dns-server": [ "198.51.100.53" ],
	"dns-search": [ ],
	"neighbors": [ ],
	"inactive": { "ipv4-address": [ ], "ipv6-address": [ ], "route": [ ], "dns-server": [ ], "dns-search": [ ], "neighbors": [ ] },
	"data": { }
}
JSON
cat >"$W/wan-down.json" <<'JSON'
{
	"up": false,
	"pending": true,
	"available": true,
	"autostart": true,
	"dynamic": false,
	"proto": "pppoe",
	"device": "wan",
	"data": { }
}
JSON
for s in up down; do
	printf '#!/bin/sh\n[ "$*" = "call network.interface.wan status" ] || exit 4\ncat "%s"\n' \
	    "$W/wan-$s.json" >"$W/ubus-$s/bin/ubus"
done
printf '#!/bin/sh\necho "Command failed: Not found" >&2\nexit 4\n' >"$W/ubus-none/bin/ubus"
chmod 755 "$W"/ubus-*/bin/ubus
resolve() {	# resolve UBUSDIR IFACE: the init script's answer
	PATH="$W/$1/bin:$PATH" sh -c '. "$1"; portward_wan_device "$2"' sh \
	    "$OWRT/files/portward.init" "$2"
}
if ! command -v jsonfilter >/dev/null && [ "$(resolve ubus-up wan)" = pppoe-wan ]; then
	t_pass init__pppoe_up__wan_device_is_l3_device_pppoe_wan
else t_fail init__pppoe_up__wan_device_is_l3_device_pppoe_wan "$(resolve ubus-up wan)"; fi
if [ "$(resolve ubus-down wan)" = pppoe-wan ]; then
	t_pass init__pppoe_down__wan_device_named_as_netifd_will
else t_fail init__pppoe_down__wan_device_named_as_netifd_will "$(resolve ubus-down wan)"; fi
if [ -z "$(resolve ubus-none wan)" ]; then
	t_pass init__unknown_interface__no_override
else t_fail init__unknown_interface__no_override "$(resolve ubus-none wan)"; fi

# start_service that does not start portwardd (disabled in UCI, also what
# a reload that disables it runs; or a configuration -n refuses): procd
# then stops the running instance, and fw4's include files must go with
# it, or the next fw4 reload puts portward's chain and jump back with no
# daemon behind them.
not_started() {	# not_started ENABLED PROG: the fw4 files left after start_service
	mkdir -p "$W/nostart/fw4"
	: >"$W/nostart/fw4/chain.nft"
	: >"$W/nostart/fw4/forward_wan.nft"
	ENABLED=$1 PATH="$W/ubus-none/bin:$PATH" sh -c '
		config_load() { :; }
		config_get_bool() { eval "$1=\$ENABLED"; }
		config_get() { eval "$1=\$4"; }
		procd_open_instance() { :; }
		procd_set_param() { :; }
		procd_close_instance() { :; }
		. "$1"
		RUN=$2 FW4_RUN=$2/fw4 PROG=$3
		start_service' sh "$OWRT/files/portward.init" "$W/nostart" "$2" \
	    >/dev/null 2>&1
	ls "$W/nostart/fw4"
}
if [ -z "$(not_started 0 /bin/true)" ]; then
	t_pass init__disabled__start_removes_fw4_include_files
else t_fail init__disabled__start_removes_fw4_include_files "$(not_started 0 /bin/true)"; fi
if [ -z "$(not_started 1 /bin/false)" ]; then
	t_pass init__config_refused__start_removes_fw4_include_files
else t_fail init__config_refused__start_removes_fw4_include_files "$(not_started 1 /bin/false)"; fi

# The command procd runs: portwardd logs to syslog (-s), each message at
# its priority; procd would file its standard error at err.
cmdline=$(PATH="$W/ubus-none/bin:$PATH" sh -c '
	config_load() { :; }
	config_get_bool() { eval "$1=1"; }
	config_get() { eval "$1=\$4"; }
	procd_open_instance() { :; }
	procd_set_param() { [ "$1" = command ] && { shift; echo "$*"; }; }
	procd_close_instance() { :; }
	. "$1"
	RUN=$2 FW4_RUN=$2/fw4 PROG=/bin/true CTL=/bin/true
	start_service' sh "$OWRT/files/portward.init" "$W/cmdline" 2>/dev/null)
if [ "$cmdline" = "/bin/true -s -c /etc/portward/portward.json" ]; then
	t_pass init__portwardd_logs_to_syslog
else t_fail init__portwardd_logs_to_syslog "$cmdline"; fi

# --- 3. fw4 reloads, in the lab --------------------------------------------
lab_test_up
ctl() { lab_exec "$RTR" "$PORTWARDCTL" "$@"; }
init_fn() {	# init_fn FUNCTION ARGS...: one of the init script's functions
	sh -c '. "$1"; CTL=$2; FW4_RUN=$3; shift 3; "$@"' sh \
	    "$OWRT/files/portward.init" "$PORTWARDCTL" "$W/run/fw4" "$@"
}
# The package's nftables.d files, reading the lab's run directory.
mkdir -p "$W/run"
for f in table-post/30-portward.nft chain-pre/forward_wan/30-portward.nft; do
	mkdir -p "$W/nftables.d/$(dirname "$f")"
	sed "s|/var/run/portward/|$W/run/|" "$OWRT/files/nftables.d/$f" >"$W/nftables.d/$f"
done
# What fw4 renders for a lan and a wan zone (trimmed to the chains a
# forwarded packet meets), with the automatic includes where fw4 puts them.
cat >"$W/fw4.nft" <<NFT
table inet fw4
flush table inet fw4

table inet fw4 {
	chain input {
		type filter hook input priority filter; policy drop;
		iif "lo" accept comment "!fw4: Accept traffic from loopback"
		ct state vmap { established : accept, related : accept } comment "!fw4: Handle inbound flows"
		iifname "lan0" jump input_lan comment "!fw4: Handle lan IPv4/IPv6 input traffic"
		iifname "wan0" jump input_wan comment "!fw4: Handle wan IPv4/IPv6 input traffic"
	}

	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state vmap { established : accept, related : accept } comment "!fw4: Handle forwarded flows"
		iifname "lan0" jump forward_lan comment "!fw4: Handle lan IPv4/IPv6 forward traffic"
		iifname "wan0" jump forward_wan comment "!fw4: Handle wan IPv4/IPv6 forward traffic"
	}

	chain output {
		type filter hook output priority filter; policy accept;
		oif "lo" accept comment "!fw4: Accept traffic towards loopback"
		ct state vmap { established : accept, related : accept } comment "!fw4: Handle outbound flows"
	}

	chain handle_reject {
		meta l4proto tcp reject with tcp reset comment "!fw4: Reject TCP traffic"
		reject comment "!fw4: Reject any other traffic"
	}

	chain input_lan {
		jump accept_from_lan
	}

	chain forward_lan {
		jump accept_to_wan comment "!fw4: Accept lan to wan forwarding"
		jump accept_to_lan
	}

	chain accept_from_lan {
		iifname "lan0" counter accept comment "!fw4: accept lan IPv4/IPv6 traffic"
	}

	chain accept_to_lan {
		oifname "lan0" counter accept comment "!fw4: accept lan IPv4/IPv6 traffic"
	}

	chain input_wan {
		meta nfproto ipv4 udp dport 68 counter accept comment "!fw4: Allow-DHCP-Renew"
		icmp type echo-request counter accept comment "!fw4: Allow-Ping"
		meta nfproto ipv6 icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem, nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } limit rate 1000/second counter accept comment "!fw4: Allow-ICMPv6-Input"
		jump reject_from_wan
	}

	chain forward_wan {
		include "$W/nftables.d/chain-pre/forward_wan/30-portward.nft"
		meta l4proto esp counter jump accept_to_lan comment "!fw4: Allow-IPSec-ESP"
		udp dport 500 counter jump accept_to_lan comment "!fw4: Allow-ISAKMP"
		jump reject_to_wan
	}

	chain accept_to_wan {
		meta nfproto ipv4 oifname "wan0" ct state invalid counter drop comment "!fw4: Prevent NAT leakage"
		oifname "wan0" counter accept comment "!fw4: accept wan IPv4/IPv6 traffic"
	}

	chain reject_from_wan {
		iifname "wan0" counter jump handle_reject comment "!fw4: reject wan IPv4/IPv6 traffic"
	}

	chain reject_to_wan {
		oifname "wan0" counter jump handle_reject comment "!fw4: reject wan IPv4/IPv6 traffic"
	}

	chain dstnat {
		type nat hook prerouting priority dstnat; policy accept;
	}

	chain srcnat {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "wan0" jump srcnat_wan comment "!fw4: Handle wan IPv4/IPv6 srcnat traffic"
	}

	chain srcnat_wan {
		meta nfproto ipv4 masquerade comment "!fw4: Masquerade IPv4 wan traffic"
	}
	include "$W/nftables.d/table-post/30-portward.nft"
}
NFT
fw4_reload() { lab_exec "$RTR" nft -f "$W/fw4.nft"; }

lab_tcp_listen "$LAN" "[::]" 7881
lab_wait_listen "$LAN" 7881 || t_fail lan_listener
if fw4_reload && ! lab_exec "$RTR" nft list chain inet fw4 portward >/dev/null 2>&1; then
	t_pass fw4__portward_stopped__ruleset_with_includes_loads
else t_fail fw4__portward_stopped__ruleset_with_includes_loads; fi
lab_exec "$RTR" nft -s list table inet fw4 >"$W/fw4.pristine"
if [ -z "$(lab_ask $WAN4)" ]; then t_pass fw4__portward_stopped__wan_port_closed
else t_fail fw4__portward_stopped__wan_port_closed; fi

# netifd says the wan's device is wan0; the file says "wan", as shipped.
jq --arg p "$TOP/rules/livekit-1.10.0.json" --arg l4 "$LAN4" --arg l6 "$LAN6" \
    --arg s "$W/control.sock" \
    '.profile = $p | .router.lan_host_ipv4 = $l4 | .router.lan_host_ipv6 = $l6 |
     .control_socket = $s' "$OWRT/files/portward.json" >"$W/portward.json"
mkdir -p "$W/ubus-lab/bin"
printf '{ "up": true, "l3_device": "wan0", "proto": "dhcp", "device": "wan0" }\n' >"$W/wan-lab.json"
printf '#!/bin/sh\ncat "%s"\n' "$W/wan-lab.json" >"$W/ubus-lab/bin/ubus"
chmod 755 "$W/ubus-lab/bin/ubus"
dev=$(resolve ubus-lab wan)

# As the init script starts it: portward's rules (here once, without a
# daemon: nothing repairs them afterwards), then its fw4 files.
out=$(ctl apply -c "$W/portward.json" -w "$dev" 2>&1)
if init_fn portward_fw4_write "$W/portward.json" "$dev" &&
    [ -s "$W/run/fw4/chain.nft" ] &&
    grep -qx 'jump portward comment "portward"' "$W/run/fw4/forward_wan.nft"; then
	t_pass init__fw4_files_written_from_portwardctl_rules
else t_fail init__fw4_files_written_from_portwardctl_rules "$(ls -l "$W/run/fw4" 2>&1)"; fi
if [ "$(lab_ask $WAN4)" = pong ] && [ "$(lab_ask "[$LAN6]")" = pong ]; then
	t_pass fw4__apply__inet_reaches_lan_host_through_forward_wan
else t_fail fw4__apply__inet_reaches_lan_host_through_forward_wan "$out"; fi

fw4_reload
if [ "$(lab_ask $WAN4)" = pong ] && [ "$(lab_ask "[$LAN6]")" = pong ]; then
	t_pass fw4__reload__path_still_open_without_repair
else t_fail fw4__reload__path_still_open_without_repair; fi
out=$(ctl apply -c "$W/portward.json" -w "$dev" 2>&1)
if [[ $out == "no change"* ]]; then t_pass fw4__reload__portward_objects_exactly_as_portward_wants
else t_fail fw4__reload__portward_objects_exactly_as_portward_wants "$out"; fi
first=$(lab_exec "$RTR" nft list chain inet fw4 forward_wan | sed -n 3p)
if [[ $first == *'jump portward comment "portward"'* ]]; then t_pass fw4__reload__jump_on_top_of_forward_wan
else t_fail fw4__reload__jump_on_top_of_forward_wan "$first"; fi
if lab_exec "$RTR" nft list chain inet fw4 portward | grep -q 'iifname "wan0"'; then
	t_pass fw4__reload__rules_on_the_resolved_wan_device
else t_fail fw4__reload__rules_on_the_resolved_wan_device; fi

# The same under portwardd: after a fw4 reload it finds nothing to repair.
# Events are read in order: once the repair of a rule deleted after the
# reload is logged, the reload's events were read before it.
ip netns exec "$RTR" "$PORTWARDD" -c "$W/portward.json" -w "$dev" >"$W/d.log" 2>&1 &
DPID=$!
t_wait test -S "$W/control.sock" || t_fail daemon_started "$(tail -5 "$W/d.log")"
seen=$(wc -l <"$W/d.log")
fw4_reload
h=$(lab_exec "$RTR" nft -a list chain inet portward forward |
    sed -n '/"ice-udp ipv4"/s/.*# handle //p')
lab_exec "$RTR" nft delete rule inet portward forward handle "$h"
t_wait grep -q 'repaired with' "$W/d.log"
repairs=$(tail -n +"$((seen + 1))" "$W/d.log" | grep 'repaired with')
if [[ $repairs == *"repaired with 1 change" ]] && [ "$(grep -c . <<<"$repairs")" = 1 ] &&
    [ "$(lab_ask $WAN4)" = pong ]; then
	t_pass daemon__fw4_reload__nothing_to_repair
else t_fail daemon__fw4_reload__nothing_to_repair "$repairs"; fi
stop_daemon
ctl apply -c "$W/portward.json" -w "$dev" >/dev/null 2>&1

# Without its files (as after stop), a reload takes portward's chain away:
# the includes are what kept the path open above.
init_fn portward_fw4_remove
fw4_reload
if [ -z "$(lab_ask $WAN4)" ]; then t_pass fw4__reload_without_files__path_closed
else t_fail fw4__reload_without_files__path_closed; fi

# Stop: portward's rules go, then its files; fw4 reloads as it was.
ctl flush -c "$W/portward.json" -w "$dev" >/dev/null 2>&1
if fw4_reload && lab_exec "$RTR" nft -s list table inet fw4 >"$W/fw4.after" &&
    diff -u "$W/fw4.pristine" "$W/fw4.after" >"$W/fw4.diff"; then
	t_pass fw4__after_stop__reload_gives_fw4_exactly_as_without_portward
else t_fail fw4__after_stop__reload_gives_fw4_exactly_as_without_portward "$(cat "$W/fw4.diff")"; fi
t_done
