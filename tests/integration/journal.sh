#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# journal.sh: on a journald stream (stderr is what $JOURNAL_STREAM names,
# as systemd sets it) every line of portwardd starts with its syslog
# priority, "<3>" for an error, and not with the program name, which the
# journal adds itself; a start logs one summary line, not the plan.
# Elsewhere stderr keeps "portwardd: ". The stream here is a file whose
# device and inode are put in $JOURNAL_STREAM, as journald's socket's are.
T_NAME=journal
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool ip nft stat
NS=pwjr$$
DPID=
cleanup() {
	t_stop "$DPID"
	t_ns_teardown
}
t_ns_setup "$NS"
devino() { stat -c '%d:%i' "$1"; }
# journald's own rule: "<N>" then the message, N a syslog level 0..7.
all_prefixed() { [ -s "$1" ] && ! grep -qv '^<[0-7]>' "$1"; }

# A configuration error, on the journal's stream and off it.
echo '{ "mode": "sideways" }' >"$TMP/bad.json"
: >"$TMP/err1"
JOURNAL_STREAM=$(devino "$TMP/err1") "$PORTWARDD" -c "$TMP/bad.json" 2>>"$TMP/err1"
rc=$?
if [ $rc -eq 2 ] && all_prefixed "$TMP/err1" && grep -q '^<3>.*mode' "$TMP/err1" &&
    ! grep -q 'portwardd:' "$TMP/err1"; then
	t_pass journal__config_error__err_priority_no_program_name
else t_fail journal__config_error__err_priority_no_program_name "exit $rc: $(cat "$TMP/err1")"; fi
# A value with a newline, quoted by the error message: still one line, or
# the journal would file what follows it at the priority it starts with.
printf '{ "mode": "x\\n<0>forged" }' >"$TMP/nl.json"
: >"$TMP/err3"
JOURNAL_STREAM=$(devino "$TMP/err3") "$PORTWARDD" -c "$TMP/nl.json" 2>>"$TMP/err3"
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/err3")" = 1 ] &&
    grep -q '^<3>.*mode: "x\\n<0>forged"' "$TMP/err3"; then
	t_pass journal__newline_in_a_value__one_line_escaped
else t_fail journal__newline_in_a_value__one_line_escaped "exit $rc: $(cat -A "$TMP/err3")"; fi
# -s (OpenWrt): syslog, facility daemon, at the message's priority; nothing
# on stderr. /dev/log is a stand-in in a mount namespace of its own.
if command -v socat >/dev/null; then
	: >"$TMP/sys"
	# shellcheck disable=SC2016 # expanded by that sh
	unshare -m sh -c '
		mount -t tmpfs pwdev /dev || exit 1
		mknod -m 666 /dev/null c 1 3
		socat -u UNIX-RECV:/dev/log - >"$1" 2>"$1.err" &
		s=$!
		i=0
		while [ ! -S /dev/log ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		"$2" -s -c "$3" 2>"$4"
		echo "rc=$?" >>"$4"
		sleep 0.3
		kill $s' sh "$TMP/sys" "$PORTWARDD" "$TMP/bad.json" "$TMP/syserr"
	if grep -q '^<27>.*portwardd\[[0-9]*\]: .*mode' "$TMP/sys" &&
	    [ "$(cat "$TMP/syserr")" = rc=2 ]; then
		t_pass syslog__s__daemon_facility_err_priority_nothing_on_stderr
	else t_fail syslog__s__daemon_facility_err_priority_nothing_on_stderr "$(cat "$TMP/sys" "$TMP/syserr")"; fi
fi
: >"$TMP/err2"
"$PORTWARDD" -c "$TMP/bad.json" 2>>"$TMP/err2"
: >"$TMP/other"
JOURNAL_STREAM=$(devino "$TMP/other") "$PORTWARDD" -c "$TMP/bad.json" 2>>"$TMP/err2"
if [ "$(grep -c '^portwardd: .*mode' "$TMP/err2")" = 2 ] && ! grep -q '^<' "$TMP/err2"; then
	t_pass journal__stderr_elsewhere__program_name_kept
else t_fail journal__stderr_elsewhere__program_name_kept "$(cat "$TMP/err2")"; fi

# A running daemon: the start, a warning, a repair, the stop.
# Another table drops what portward opens: a warning, and the daemon runs on.
in_ns nft -f - <<NFT
table inet other {
	chain input { type filter hook input priority filter; policy accept; udp dport 7882 drop; }
}
NFT
cat >"$TMP/c.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json",
  "control_socket": "$TMP/ctl.sock", "mapping": { "methods": [] },
  "supervise": { "command": ["sleep", "600"] } }
JSON
: >"$TMP/log"
# -d: the supervisor's state changes, at debug.
JOURNAL_STREAM=$(devino "$TMP/log") ip netns exec "$NS" "$PORTWARDD" -d -c "$TMP/c.json" \
    >"$TMP/stdout" 2>>"$TMP/log" &
DPID=$!
if t_wait grep -q '^<6>rules in place' "$TMP/log" &&
    [ "$(grep -c '^<6>starting (version [0-9.]*): mode host, ipv4+ipv6, [0-9]* endpoints from .*livekit-1.10.0.json (LiveKit 1.10.0), supervising the SFU' "$TMP/log")" = 1 ] &&
    ! grep -q 'endpoints (profile\|^configuration\|never opened' "$TMP/log" "$TMP/stdout"; then
	t_pass journal__start__one_summary_line_at_info_no_plan
else t_fail journal__start__one_summary_line_at_info_no_plan "$(cat "$TMP/log" "$TMP/stdout")"; fi
if grep -q '^<4>dropped-by-other-table: table inet other' "$TMP/log"; then t_pass journal__warning__warning_priority
else t_fail journal__warning__warning_priority "$(cat "$TMP/log")"; fi
if t_wait grep -q '^<7>supervise: stopped --[a-z-]*--> starting' "$TMP/log" &&
    grep -q '^<6>supervise: started sleep' "$TMP/log"; then t_pass journal__debug__debug_priority
else t_fail journal__debug__debug_priority "$(cat "$TMP/log")"; fi
in_ns nft flush ruleset
if t_wait grep -q '^<5>nftables: tamper: repaired with' "$TMP/log" &&
    grep -q '^<5>nftables: another process changed' "$TMP/log"; then
	t_pass journal__tamper_repair__notice_priority
else t_fail journal__tamper_repair__notice_priority "$(cat "$TMP/log")"; fi
kill "$DPID"
wait "$DPID"
rc=$?
DPID=
if [ $rc -eq 0 ] && grep -q '^<6>signal 15: stopping' "$TMP/log" && all_prefixed "$TMP/log"; then
	t_pass journal__every_line_prefixed
else t_fail journal__every_line_prefixed "exit $rc: $(grep -v '^<[0-7]>' "$TMP/log")"; fi

# A second daemon on the same table: refused, at err.
: >"$TMP/log2"
ip netns exec "$NS" "$PORTWARDD" -c "$TMP/c.json" >/dev/null 2>&1 &
DPID=$!
t_wait in_ns nft list table inet portward
JOURNAL_STREAM=$(devino "$TMP/log2") in_ns "$PORTWARDD" -c "$TMP/c.json" 2>>"$TMP/log2"
rc=$?
if [ $rc -eq 1 ] && grep -q '^<3>.*not starting a second one' "$TMP/log2" && all_prefixed "$TMP/log2"; then
	t_pass journal__second_daemon__err_priority
else t_fail journal__second_daemon__err_priority "exit $rc: $(cat "$TMP/log2")"; fi
t_done
