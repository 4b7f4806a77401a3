#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fight.sh: another program that keeps deleting portward's table. The
# daemon repairs the first changes at once; when they keep coming it says
# so once, naming the program and the change, backs off (each repair
# waits twice as long), shows the fight in status and metrics, and goes
# back to immediate repairs once a repair has held. Without the backoff a
# loop of nft deletions drew one repair (and log lines) per deletion.
T_NAME=fight
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool ip nft
NS=pwfi$$
DPID=
FPID=
cleanup() {
	t_stop "$FPID"
	t_stop "$DPID"
	t_ns_teardown
}
t_ns_setup "$NS"
same_as_rules() { t_nft_same_as_rules "$NS" "$TMP/c.json"; }
status_json() { "$PORTWARDCTL" status --json -s "$TMP/ctl.sock" 2>/dev/null; }
fight_field() { status_json | jq -r ".rules.fight${1:+.$1}"; }
repairs() { grep -c 'repaired with' "$TMP/log"; }

cat >"$TMP/c.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json",
  "control_socket": "$TMP/ctl.sock", "metrics_file": "$TMP/portward.prom",
  "mapping": { "methods": [] } }
JSON
ip netns exec "$NS" "$PORTWARDD" -c "$TMP/c.json" >"$TMP/log" 2>&1 &
DPID=$!
if t_wait same_as_rules && t_wait test -S "$TMP/ctl.sock"; then
	t_pass fight__daemon_started__rules_installed
else t_fail fight__daemon_started__rules_installed "$(tail -3 "$TMP/log")"; exit 1; fi

# One deletion, as an operator's mistake: repaired at once, no fight.
in_ns nft delete table inet portward
if t_wait same_as_rules && t_wait grep -q 'tamper: repaired' "$TMP/log" &&
    [ "$(fight_field)" = null ] && ! grep -q 'keeps changing' "$TMP/log"; then
	t_pass fight__one_deletion__repaired_at_once_no_fight
else t_fail fight__one_deletion__repaired_at_once_no_fight "$(tail -3 "$TMP/log")"; fi

# The fighter: 400 attempts to delete the table, as fast as nft runs.
# Each one that finds the table is a change to repair.
(
	for i in $(seq 400); do
		ip netns exec "$NS" nft delete table inet portward 2>/dev/null &&
		    echo deleted
	done >"$TMP/deleted"
	echo done >"$TMP/fighter-done"
) &
FPID=$!
wait "$FPID"
FPID=
deleted=$(grep -c deleted "$TMP/deleted")
n=$(repairs)
said=$(grep -c 'keeps changing table inet portward' "$TMP/log")
if [ "$said" = 1 ] && [ "$n" -le 15 ] && [ "$deleted" -le 16 ] &&
    grep -q 'keeps changing table inet portward (nft, pid [0-9]*: deleted the table)' "$TMP/log"; then
	t_pass fight__400_deletion_attempts__backoff_few_repairs_said_once
else t_fail fight__400_deletion_attempts__backoff_few_repairs_said_once "said $said, repairs $n, deletions $deleted: $(grep -E 'keeps|repaired' "$TMP/log" | tail -5)"; fi
# The per-change line is not repeated in a fight either.
# (At most the first deletion's and the four before the fight began.)
if [ "$(grep -c 'another process changed' "$TMP/log")" -le 5 ]; then
	t_pass fight__in_a_fight__changes_not_logged_each
else t_fail fight__in_a_fight__changes_not_logged_each "$(grep -c 'another process changed' "$TMP/log") lines"; fi

# While it lasts: status (JSON and text) and metrics say so.
with=$(fight_field with)
change=$(fight_field change)
backoff=$(fight_field backoff_ms)
if [[ $with =~ ^nft,\ pid\ [0-9]+$ ]] && [ "$change" = "deleted the table" ] &&
    [ "$backoff" -ge 1000 ] && [ "$(status_json | jq .rules.repairs)" -ge 5 ]; then
	t_pass fight__status_json__names_program_change_and_backoff
else t_fail fight__status_json__names_program_change_and_backoff "$(status_json | jq -c .rules)"; fi
status_json >"$TMP/status.json"
if t_schema status "$TMP/status.json"; then t_pass fight__status_json__valid_against_schema
else t_fail fight__status_json__valid_against_schema; fi
"$PORTWARDCTL" status -s "$TMP/ctl.sock" >"$TMP/status.txt" 2>&1
if grep -q '^rules: another program keeps changing them (nft, pid [0-9]*: deleted the table); each repair waits longer' "$TMP/status.txt"; then
	t_pass fight__status_text__says_the_fight
else t_fail fight__status_text__says_the_fight "$(cat "$TMP/status.txt")"; fi
if t_wait grep -qx 'portward_rules_fight 1' "$TMP/portward.prom" &&
    grep -q '^portward_rules_repair_backoff_seconds [1-9]' "$TMP/portward.prom" &&
    grep -q '^portward_rules_repairs_total [1-9]' "$TMP/portward.prom"; then
	t_pass fight__metrics__fight_backoff_and_repairs
else t_fail fight__metrics__fight_backoff_and_repairs "$(grep rules "$TMP/portward.prom")"; fi

# The fighter stopped: the backed-off repair comes (the kernel holds the
# rules again), and once it has held the fight is over.
T_WAIT=90 t_wait same_as_rules
if T_WAIT=90 t_wait grep -q 'has been left alone for [0-9]* s: repairs are immediate again' "$TMP/log" &&
    same_as_rules && [ "$(fight_field)" = null ] &&
    t_wait grep -qx 'portward_rules_fight 0' "$TMP/portward.prom"; then
	t_pass fight__fighter_stops__repaired_then_fight_over
else t_fail fight__fighter_stops__repaired_then_fight_over "$(tail -3 "$TMP/log") fight: $(fight_field)"; fi

# And repairs are immediate again: one deletion, one repair, no fight.
before=$(repairs)
in_ns nft delete table inet portward
if t_wait eval 'test "$(repairs)" -gt "$before"' && same_as_rules &&
    [ "$(grep -c 'keeps changing' "$TMP/log")" = 1 ]; then
	t_pass fight__after_the_fight__one_change_repaired_at_once
else t_fail fight__after_the_fight__one_change_repaired_at_once "$(tail -3 "$TMP/log")"; fi

kill -TERM "$DPID"
wait "$DPID"
rc=$?
DPID=
if [ "$rc" = 0 ] && [ -z "$(t_nft_listing "$NS")" ]; then t_pass fight__sigterm__clean_exit
else t_fail fight__sigterm__clean_exit "rc $rc"; fi
t_done
