# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# testlib.sh: what every shell test sources. A test prints one line per
# check, "PASS: name" or "FAIL: name: why"; tests/run.sh counts them.
# A missing prerequisite is a FAIL, never a silent skip.

T_FAILS=0
T_PASSES=0
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# tests/run.sh points these at the ASan+UBSan build for a second pass.
PORTWARDD=${PORTWARDD:-$TOP/build/portwardd}
PORTWARDCTL=${PORTWARDCTL:-$TOP/build/portwardctl}

t_pass() { echo "PASS: $1"; T_PASSES=$((T_PASSES + 1)); }
t_fail() { echo "FAIL: $1${2:+: $2}"; T_FAILS=$((T_FAILS + 1)); }

# t_check NAME CMD...: pass when CMD succeeds.
t_check() {
	local name=$1; shift
	if "$@"; then t_pass "$name"; else t_fail "$name" "command failed: $*"; fi
}

t_need_root() {
	if [ "$(id -u)" != 0 ]; then
		t_fail "${T_NAME:-$0}" "needs root (network namespaces, nftables)"
		exit 1
	fi
}

t_need_tool() {
	local x
	for x in "$@"; do
		if ! command -v "$x" >/dev/null 2>&1; then
			t_fail "${T_NAME:-$0}" "needs $x (make deps installs it)"
			exit 1
		fi
	done
}

# End of a test file: exit status says whether everything passed.
t_done() {
	[ "$T_FAILS" -eq 0 ] && [ "$T_PASSES" -gt 0 ]
	exit $?
}

# t_wait CMD...: poll (every 50 ms, for at most T_WAIT seconds, 15 by
# default) until CMD succeeds. Bounded so that a broken daemon fails the
# test instead of hanging it; nothing asserts on how long it took.
t_wait() {
	local end=$((SECONDS + ${T_WAIT:-15}))
	while [ $SECONDS -lt $end ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}

# t_netns NAME: a private network namespace for this test, deleted by
# t_netns_cleanup (call it from the test's EXIT trap).
T_NETNS=()
t_netns() {
	ip netns add "$1" || return 1
	ip -n "$1" link set lo up
	T_NETNS+=("$1")
}
# t_veth NS_A IF_A NS_B IF_B A4/LEN A6/LEN B4/LEN B6/LEN: a veth pair
# between two namespaces, each end up with an IPv4 and an IPv6 address
# (no duplicate address detection: usable at once).
t_veth() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" &&
	    ip -n "$1" addr add "$5" dev "$2" &&
	    ip -n "$1" addr add "$6" dev "$2" nodad &&
	    ip -n "$3" addr add "$7" dev "$4" &&
	    ip -n "$3" addr add "$8" dev "$4" nodad &&
	    ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}
# t_host_firewall NS TCP-PORTS: a host's own firewall, as operators have
# one: input policy drop, accepting established traffic, loopback, ICMP
# and the TCP ports given (nft syntax: "7880" or "{ 7880, 443 }").
t_host_firewall() {
	ip netns exec "$1" nft -f - <<NFT
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iif lo accept
		meta l4proto { icmp, ipv6-icmp } accept
		tcp dport $2 accept comment "the operator's own"
	}
}
NFT
}
# t_nft_listing NS: portward's table in NS as nft lists it (stateless).
t_nft_listing() { ip netns exec "$1" nft -s list table inet portward 2>/dev/null; }
# t_nft_same_as_rules NS CONF: the kernel holds exactly CONF's ruleset.
t_nft_same_as_rules() {
	diff -q <(ip netns exec "$1" "$PORTWARDCTL" rules -c "$2") <(t_nft_listing "$1") >/dev/null
}
t_netns_cleanup() {
	local ns
	for ns in "${T_NETNS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	T_NETNS=()
}

# t_stop PID [SECONDS]: stop a process this test started, by its PID:
# SIGTERM, wait for it at most SECONDS (20 by default), then SIGKILL, and
# reap it. Nothing to do for an empty PID. Returns what wait returns (the
# process's exit status when it was this shell's child).
t_running() {	# t_running PID: the process exists and is no zombie
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}
t_stop() {
	local pid=$1 end=$((SECONDS + ${2:-20}))
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	while t_running "$pid" && [ $SECONDS -lt $end ]; do sleep 0.05; done
	t_running "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# t_bg CMD...: CMD in the background, its PID remembered in T_PIDS for
# t_ns_teardown to stop.
T_PIDS=()
t_bg() { "$@" & T_PIDS+=($!); }

# t_ns_setup NS...: the usual start of a test that runs in private
# namespaces: TMP, a new directory; an EXIT trap calling the test's own
# `cleanup` (which stops its processes with t_stop and ends with
# t_ns_teardown); each NS created (t_netns), else FAIL "netns" and exit;
# in_ns CMD... runs CMD in the first.
t_ns_setup() {
	TMP=$(mktemp -d) || { t_fail tmpdir; exit 1; }
	trap cleanup EXIT
	local ns
	for ns in "$@"; do
		t_netns "$ns" || { t_fail netns; exit 1; }
	done
	T_NS=$1
}
in_ns() { ip netns exec "$T_NS" "$@"; }
# t_ns_teardown: what every such cleanup ends with: the processes of
# t_bg stopped, the namespaces deleted, TMP removed.
t_ns_teardown() {
	local p
	for p in "${T_PIDS[@]}"; do t_stop "$p"; done
	T_PIDS=()
	t_netns_cleanup
	[ -n "$TMP" ] && rm -rf "$TMP"
}

# t_go_build [LOGDIR [OUT]]: the Go tools (tests/tools/go-build.sh: the
# SFU stand-in, the WebRTC client) in OUT ($TOP/build/go), the build's
# output in LOGDIR/build.log ($TMP); FAIL go_build and exit if it fails.
t_go_build() {
	local log=${1:-$TMP}/build.log
	"$TOP/tests/tools/go-build.sh" "${2:-$TOP/build/go}" >"$log" 2>&1 ||
		{ t_fail go_build "$(tail -5 "$log")"; exit 1; }
}

# t_link_out H O H4 H6 O4 O6: host namespace H and the outside O joined
# by a veth (eth0 on both sides, H4/24 H6/64 and O4/24 O6/64), O the
# host's default gateway; a FAIL "veth" and exit when it cannot be.
t_link_out() {
	t_veth "$1" eth0 "$2" eth0 "$3/24" "$4/64" "$5/24" "$6/64" ||
		{ t_fail veth; exit 1; }
	ip -n "$1" route add default via "$5"
	ip -n "$1" -6 route add default via "$6"
}

# t_reflectors NS ADDR...: `portwardctl reflector` in NS listening on
# each ADDR at port 7900 (t_bg); returns once one listens (t_wait).
t_reflectors() {
	local ns=$1 a
	shift
	for a in "$@"; do
		t_bg ip netns exec "$ns" "$PORTWARDCTL" reflector --listen "$a:7900"
	done
	t_wait sh -c "ip netns exec $ns ss -Hltn 'sport = :7900' | grep -q ."
}

# t_schema NAME FILE...: FILE (JSON, "-" for stdin) is valid against
# docs/schema/NAME.schema.json; Debian's python3, which has
# python3-jsonschema (packaging/deps.sh). Errors on stderr.
t_schema() {
	local s=$TOP/docs/schema/$1.schema.json; shift
	/usr/bin/python3 "$TOP/tests/tools/schema_check.py" "$s" "$@"
}
