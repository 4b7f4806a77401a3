#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nft_daemon.sh: portwardd keeps its rules. Someone deletes a rule, or
# flushes the whole ruleset many times in a row: each time the daemon
# repairs at once from the nf_tables events (no polling). SIGHUP applies
# a changed configuration and keeps the old one when the new is broken;
# SIGTERM removes the rules unless nft.keep_on_exit.
T_NAME=nft_daemon
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool ip nft jq socat promtool
NS=pwnd$$
DPID=
cleanup() {
	t_stop "$DPID"
	t_ns_teardown
}
t_ns_setup "$NS"
listing() { t_nft_listing "$NS"; }
same_as_rules() { t_nft_same_as_rules "$NS" "$1"; }
start() {
	ip netns exec "$NS" "$PORTWARDD" -c "$1" >>"$TMP/log" 2>&1 &
	DPID=$!
}

cat >"$TMP/c.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json", "control_socket": "$TMP/ctl.sock", "mapping": { "methods": [] },
  "metrics_file": "$TMP/portward.prom" }
JSON
start "$TMP/c.json"
if t_wait same_as_rules "$TMP/c.json"; then t_pass daemon__start__rules_installed
else t_fail daemon__start__rules_installed "$(cat "$TMP/log")"; fi

h=$(in_ns nft -a list chain inet portward input | sed -n 's/.*"ice-udp ipv6" # handle \([0-9]*\)/\1/p')
in_ns nft delete rule inet portward input handle "$h"
if t_wait same_as_rules "$TMP/c.json"; then t_pass daemon__rule_deleted__repaired
else t_fail daemon__rule_deleted__repaired "$(tail -5 "$TMP/log")"; fi

in_ns nft add table ip someone
ok=1
# Three flushes: each repaired at once. (More within 10 s is a fight, in
# which repairs back off: fight.sh.)
for i in $(seq 1 3); do
	in_ns nft flush ruleset
	t_wait same_as_rules "$TMP/c.json" || { ok=0; break; }
done
if [ $ok = 1 ] && ! grep -q 'keeps changing' "$TMP/log"; then
	t_pass daemon__flush_ruleset_3_times__repaired_each_time
else t_fail daemon__flush_ruleset_3_times__repaired_each_time "round $i"; fi
if grep -q 'another process changed' "$TMP/log"; then t_pass daemon__repair__logged
else t_fail daemon__repair__logged; fi
# Metrics: written atomically at ready and after each repair.
in_ns socat -u - UDP4-SENDTO:127.0.0.1:7882 <<<"x" 2>/dev/null
in_ns nft flush ruleset
t_wait same_as_rules "$TMP/c.json"
in_ns socat -u - UDP4-SENDTO:127.0.0.1:7882 <<<"x" 2>/dev/null
kill -HUP "$DPID"	# the reload repairs nothing; the next event writes
in_ns nft delete table inet portward
t_wait same_as_rules "$TMP/c.json"
if t_wait grep -q '^portward_last_repair_timestamp_seconds [1-9]' "$TMP/portward.prom" &&
    grep -q '^portward_ready 1$' "$TMP/portward.prom" &&
    grep -q '^portward_endpoint_verdict{endpoint="turn-tls",family="ipv6",verdict="impossible",reason="livekit-turn-ipv4-only"} 1$' "$TMP/portward.prom" &&
    grep -q '^portward_rule_packets_total{endpoint="ice-udp",family="ipv4",chain="input"} ' "$TMP/portward.prom"; then
	t_pass metrics__file_written_with_verdicts_counters_repair_time
else t_fail metrics__file_written_with_verdicts_counters_repair_time "$(head -c 400 "$TMP/portward.prom" 2>&1)"; fi
if promtool check metrics <"$TMP/portward.prom" >"$TMP/promtool.out" 2>&1 && [ ! -s "$TMP/promtool.out" ] &&
    grep -qx "portward_build_info{version=\"$(cat "$TOP/VERSION")\"} 1" "$TMP/portward.prom"; then
	t_pass metrics__promtool_clean_build_info_version
else t_fail metrics__promtool_clean_build_info_version "$(cat "$TMP/promtool.out")"; fi

# Someone else's table is left alone (it went with their own flush).
in_ns nft add table ip someone
sleep 0.2
if in_ns nft list table ip someone >/dev/null 2>&1; then t_pass daemon__other_table__untouched
else t_fail daemon__other_table__untouched; fi

# SIGHUP with a broken file: the running rules stay.
cp "$TMP/c.json" "$TMP/c.good"
echo '{ "mode": "host", "profile": 7 }' >"$TMP/c.json"
kill -HUP "$DPID"
t_wait grep -q 'keeping the running configuration' "$TMP/log"
if grep -q 'reload: .*profile: expected a string' "$TMP/log" && same_as_rules "$TMP/c.good"; then
	t_pass daemon__sighup_broken_config__old_rules_kept
else t_fail daemon__sighup_broken_config__old_rules_kept "$(tail -3 "$TMP/log")"; fi

# SIGHUP with a changed file: only the difference is applied.
sed 's/7882/7900/g' "$TOP/rules/livekit-1.10.0.json" >"$TMP/moved.json"
cat >"$TMP/c.json" <<JSON
{ "mode": "host", "profile": "$TMP/moved.json", "control_socket": "$TMP/ctl.sock", "mapping": { "methods": [] } }
JSON
before=$(in_ns nft -a list chain inet portward input | grep 'ice-tcp ipv4')
kill -HUP "$DPID"
if t_wait same_as_rules "$TMP/c.json" &&
    [ "$before" = "$(in_ns nft -a list chain inet portward input | grep 'ice-tcp ipv4')" ]; then
	t_pass daemon__sighup_changed_config__difference_only
else t_fail daemon__sighup_changed_config__difference_only "$(tail -3 "$TMP/log")"; fi

# Another firewall's drop policy shows in status, naming table and chain.
in_ns nft add table ip fw
in_ns nft add chain ip fw INPUT '{ type filter hook input priority 0; policy drop; }'
v=$(in_ns "$PORTWARDCTL" status -s "$TMP/ctl.sock" --json | jq -r '.endpoints[0] | "\(.ipv4.verdict) \(.ipv4.reason) \(.ipv6.reason)"')
h=$(in_ns "$PORTWARDCTL" status -s "$TMP/ctl.sock" --json | jq -r '.endpoints[0].ipv4.hint')
if [ "$v" = "blocked dropped-by-other-table no-ipv6-address" ] && [[ $h == *"table ip fw, chain INPUT (policy drop)"* ]]; then
	t_pass status__other_table_drops__blocked_naming_table_and_chain
else t_fail status__other_table_drops__blocked_naming_table_and_chain "$v / $h"; fi
# The status document, from the daemon and from doctor, against its JSON
# Schema (docs/schema/status.schema.json); a mutated one is refused.
in_ns "$PORTWARDCTL" status -s "$TMP/ctl.sock" --json >"$TMP/status.json" 2>/dev/null
in_ns "$PORTWARDCTL" doctor -c "$TMP/c.json" --json >"$TMP/doctor.json" 2>/dev/null
if [ "$(jq '.rules.dropped_by | length' "$TMP/status.json")" -gt 0 ] &&
    [ "$(jq .doctor "$TMP/doctor.json")" = true ] &&
    t_schema status "$TMP/status.json" "$TMP/doctor.json" 2>"$TMP/schema.err"; then
	t_pass schema__status_json__daemon_and_doctor_valid
else t_fail schema__status_json__daemon_and_doctor_valid "$(head -c 600 "$TMP/schema.err")"; fi
bad=
for m in '.endpoints[0].ipv4.verdict = "fine"' '.endpoints[0].ipv4.reason = "no-reason-like-this"' \
    '.endpoints[0].ipv4 = {"verdict": "reachable", "reason": "no-rule", "stage": "firewall", "hint": ""}' \
    'del(.ready)' '.doctor = true' '.rules.in_place = "yes"'; do
	jq "$m" "$TMP/status.json" >"$TMP/mutated.json"
	if t_schema status "$TMP/mutated.json" 2>/dev/null; then bad="$bad ($m)"; fi
done
if [ -z "$bad" ]; then t_pass schema__status_json__mutated_refused
else t_fail schema__status_json__mutated_refused "accepted:$bad"; fi
in_ns nft delete table ip fw

kill -TERM "$DPID"
wait "$DPID"
rc=$?
DPID=
if [ $rc -eq 0 ] && [ -z "$(listing)" ] && [ ! -e "$TMP/portward.prom" ]; then t_pass daemon__sigterm__rules_removed_exit_0
else t_fail daemon__sigterm__rules_removed_exit_0 "rc=$rc"; fi

cat >"$TMP/keep.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json", "nft": { "keep_on_exit": true },
  "control_socket": "$TMP/ctl.sock", "mapping": { "methods": [] } }
JSON
start "$TMP/keep.json"
t_wait same_as_rules "$TMP/keep.json"
kill -TERM "$DPID"
wait "$DPID"
rc=$?
DPID=
if [ $rc -eq 0 ] && same_as_rules "$TMP/keep.json"; then t_pass daemon__keep_on_exit__rules_stay
else t_fail daemon__keep_on_exit__rules_stay "rc=$rc"; fi
# A metrics directory that is missing: said once, not at every write;
# once it exists the file is written and the daemon says so.
cat >"$TMP/m.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json", "control_socket": "$TMP/ctl.sock", "mapping": { "methods": [] },
  "metrics_file": "$TMP/later/portward.prom" }
JSON
: >"$TMP/log"
start "$TMP/m.json"
t_wait same_as_rules "$TMP/m.json"
for i in 1 2 3; do	# each repair writes the metrics (a fourth within 10 s: fight.sh)
	in_ns nft delete table inet portward
	t_wait eval 'test "$(grep -c "tamper: repaired" "$TMP/log")" = "$i"'
done
mkdir "$TMP/later"
in_ns nft delete table inet portward
t_wait test -s "$TMP/later/portward.prom"
if [ "$(grep -c 'tamper: repaired' "$TMP/log")" -ge 4 ] &&
    [ "$(grep -c 'metrics: .*later' "$TMP/log")" = 2 ] &&
    grep -q 'said once until it works again' "$TMP/log" && grep -q 'metrics: writing .* works again' "$TMP/log" &&
    grep -q '^portward_ready 1$' "$TMP/later/portward.prom"; then
	t_pass metrics__missing_directory__said_once__written_when_it_exists
else t_fail metrics__missing_directory__said_once__written_when_it_exists "$(grep -E 'metrics|repaired' "$TMP/log" | head -8)"; fi
kill -TERM "$DPID"
wait "$DPID"
DPID=
t_done
