#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nft_pidns.sh: inside a PID namespace (as in LXC, docker, nspawn) the
# daemon still tells its own nftables transactions from everyone else's.
# The kernel reports the committing process by its PID in the initial
# namespace, which is not getpid() in a container; portward recognises its
# commits by the netlink port ID of its socket and the generations the
# kernel echoed to it. Own commits (start, SIGHUP, repairs) must not be
# reported as tampering; another program's commit, even another portward
# process's, must be repaired and named.
T_NAME=nft_pidns
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool ip nft unshare
NS=pwpn$$
UPID=
DPID=
cleanup() {
	# The daemon is PID 1 of its namespace: ending it ends the namespace.
	# Not found (it failed before we saw it): unshare ignores SIGTERM
	# while it waits, so it gets SIGKILL, and its --kill-child gives the
	# daemon a SIGTERM.
	if [ -n "$DPID" ]; then kill "$DPID" 2>/dev/null
	elif [ -n "$UPID" ]; then kill -KILL "$UPID" 2>/dev/null; fi
	[ -n "$UPID" ] && wait "$UPID" 2>/dev/null
	t_ns_teardown
}
t_ns_setup "$NS"
listing() { t_nft_listing "$NS"; }
same_as_rules() { t_nft_same_as_rules "$NS" "$1"; }
tampered() { grep -c 'another process changed' "$TMP/log"; }

conf() {
	cat >"$TMP/c.json" <<JSON
{ "mode": "host", "profile": "$1", "control_socket": "$TMP/ctl.sock", "mapping": { "methods": [] } }
JSON
}
conf "$TOP/rules/livekit-1.10.0.json"
ip netns exec "$NS" unshare --pid --fork --mount-proc --kill-child=SIGTERM \
    "$PORTWARDD" -c "$TMP/c.json" >"$TMP/log" 2>&1 &
UPID=$!
t_wait pgrep -P "$UPID" -x portwardd
DPID=$(pgrep -P "$UPID" -x portwardd)
# NSpid: the PID in the initial namespace, then in the daemon's own.
nspid=$(awk '/^NSpid:/ { print $2 " " $3 }' "/proc/$DPID/status" 2>/dev/null)
if [ -n "$DPID" ] && [ "${nspid#* }" = 1 ] && t_wait same_as_rules "$TMP/c.json"; then
	t_pass pidns__daemon_is_pid_1_of_its_namespace__rules_installed
else
	t_fail pidns__daemon_is_pid_1_of_its_namespace__rules_installed "pid '$DPID' NSpid '$nspid' $(tail -3 "$TMP/log")"
	[ -n "$DPID" ] || exit 1	# nothing below can run without it
fi

# Its own commits: the start, then a reload with another profile, whose
# difference it applies. Nobody else touched the table.
sed 's/7882/7900/g' "$TOP/rules/livekit-1.10.0.json" >"$TMP/moved.json"
conf "$TMP/moved.json"
kill -HUP "$DPID"
t_wait same_as_rules "$TMP/c.json"
t_wait grep -q 'reload' "$TMP/log"
sleep 0.5	# time for a wrong "another process" report to show
if same_as_rules "$TMP/c.json" && listing | grep -q 'dport 7900' && [ "$(tampered)" = 0 ]; then
	t_pass pidns__own_start_and_reload__not_taken_for_tampering
else t_fail pidns__own_start_and_reload__not_taken_for_tampering "$(grep -c . "$TMP/log") lines: $(grep 'another process' "$TMP/log" | head -3)"; fi

# Someone else: nft deletes a rule. Repaired, reported once, naming nft;
# the repair itself is ours and not reported again.
h=$(in_ns nft -a list chain inet portward input | sed -n 's/.*"ice-udp ipv6" # handle \([0-9]*\)/\1/p')
in_ns nft delete rule inet portward input handle "$h"
t_wait grep -q 'tamper: repaired' "$TMP/log"
sleep 0.5
if same_as_rules "$TMP/c.json" && [ "$(tampered)" = 1 ] &&
    grep -q "another process changed portward's rules (nft, pid [0-9]*)" "$TMP/log"; then
	t_pass pidns__nft_deletes_a_rule__repaired_and_named_once
else t_fail pidns__nft_deletes_a_rule__repaired_and_named_once "$(grep -E 'another process|tamper' "$TMP/log")"; fi

# Another portward process (same program name, another socket) removing
# the table is someone else too.
in_ns "$PORTWARDCTL" flush -c "$TMP/c.json" >/dev/null 2>&1
t_wait same_as_rules "$TMP/c.json"
t_wait eval 'test "$(tampered)" = 2'
sleep 0.5
if same_as_rules "$TMP/c.json" && [ "$(tampered)" = 2 ] &&
    grep -q "another process changed portward's rules (portwardctl, pid [0-9]*)" "$TMP/log"; then
	t_pass pidns__other_portward_process_flushes__repaired_and_named
else t_fail pidns__other_portward_process_flushes__repaired_and_named "$(grep -E 'another process|tamper' "$TMP/log")"; fi

kill -TERM "$DPID"
wait "$UPID"
UPID=
DPID=
if [ -z "$(listing)" ] && [ "$(tampered)" = 2 ]; then t_pass pidns__sigterm__rules_removed
else t_fail pidns__sigterm__rules_removed "$(tail -3 "$TMP/log")"; fi
t_done
