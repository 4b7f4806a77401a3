#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# faults.sh: what the real world does to a daemon. Garbage, oversized and
# half-open control clients; 100 ruleset flushes in a row; 1,000 reloads
# without growth in descriptors or memory; a SIGKILLed daemon restarted
# without duplicate rules; a gateway that is not there (retries with
# backoff, no busy loop). Everything stays inside a private namespace.
T_NAME=faults
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool ip nft jq socat
NS=pwft$$
DPID=
CLIENTS=()
cleanup() {
	local p
	for p in "${CLIENTS[@]}"; do t_stop "$p"; done
	t_stop "$DPID"
	t_ns_teardown
}
t_ns_setup "$NS"
SOCK=$TMP/ctl.sock
start() {
	ip netns exec "$NS" "$PORTWARDD" -c "$1" >>"$TMP/log" 2>&1 &
	DPID=$!
	t_wait test -S "$SOCK"
}
answers() { in_ns "$PORTWARDCTL" status -s "$SOCK" --json 2>/dev/null | jq -e .endpoints >/dev/null; }
same_as_rules() { t_nft_same_as_rules "$NS" "$TMP/c.json"; }
fds() { ls "/proc/$DPID/fd" | wc -l; }
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$DPID/status"; }

cat >"$TMP/c.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json", "control_socket": "$SOCK",
  "mapping": { "methods": [] } }
JSON
start "$TMP/c.json"
t_wait same_as_rules

# Control socket: garbage, an oversized line, half-open clients.
a=$(in_ns socat -T2 - "UNIX-CONNECT:$SOCK" <<<'not json at all' 2>/dev/null)
b=$(in_ns socat -T2 - "UNIX-CONNECT:$SOCK" <<<'{"cmd": "rm -rf /"}' 2>/dev/null)
if [ "$(jq -r .error <<<"$a")" = "the request is not JSON" ] && [[ $(jq -r .error <<<"$b") == "unknown command"* ]]; then
	t_pass control__garbage__error_answer
else t_fail control__garbage__error_answer "$a / $b"; fi
head -c 100000 /dev/zero | tr '\0' x | in_ns socat -T2 - "UNIX-CONNECT:$SOCK" >/dev/null 2>&1
for i in $(seq 1 40); do
	ip netns exec "$NS" socat -T60 "UNIX-CONNECT:$SOCK" - </dev/null >/dev/null 2>&1 &
	CLIENTS+=($!)
done
sleep 0.5
if answers && kill -0 "$DPID"; then t_pass control__oversized_and_40_half_open__still_answers
else t_fail control__oversized_and_40_half_open__still_answers; fi
for p in "${CLIENTS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
CLIENTS=()

# 100 flushes of the whole ruleset in a row: a fight, said once; the
# repairs back off (fight.sh), and the last one holds.
for i in $(seq 1 100); do in_ns nft flush ruleset; done
if T_WAIT=90 t_wait same_as_rules && kill -0 "$DPID" &&
    [ "$(grep -c "keeps changing table" "$TMP/log")" = 1 ]; then
	t_pass nft__100_flushes__fight_said_once_table_repaired
else t_fail nft__100_flushes__fight_said_once_table_repaired "$(grep -c "keeps changing" "$TMP/log") fights said"; fi

# 1,000 reloads: descriptors and memory do not grow.
f0=$(fds); r0=$(rss)
n0=$(grep -c 'reload: .* applied' "$TMP/log")
for i in $(seq 1 1000); do
	kill -HUP "$DPID"
	want=$((n0 + i))
	T_WAIT=5 t_wait sh -c "[ \$(grep -c 'reload: .* applied' $TMP/log) -ge $want ]" || break
done
f1=$(fds); r1=$(rss)
n=$(( $(grep -c 'reload: .* applied' "$TMP/log") - n0 ))
# ASan's allocator keeps freed memory in quarantine: resident memory says
# nothing there, LeakSanitizer does (its reports fail the run).
if [ -n "${T_ASAN:-}" ]; then r1=$r0; fi
if [ "$n" -ge 1000 ] && [ "$f1" -eq "$f0" ] && [ $((r1 - r0)) -lt 512 ]; then
	t_pass reload__1000_times__no_fd_or_memory_growth
else t_fail reload__1000_times__no_fd_or_memory_growth "reloads=$n fds $f0->$f1 rss ${r0}->${r1} KiB"; fi

# SIGKILL, restart: the table is taken over, no duplicate rule.
kill -9 "$DPID"; wait "$DPID" 2>/dev/null; DPID=
rm -f "$SOCK"
start "$TMP/c.json"
if t_wait same_as_rules && [ "$(in_ns nft list chain inet portward input | grep -c 'comment "ice-tcp ipv4"')" -eq 1 ]; then
	t_pass restart_after_sigkill__no_duplicate_rules
else t_fail restart_after_sigkill__no_duplicate_rules; fi
kill "$DPID"; wait "$DPID" 2>/dev/null; DPID=

# A gateway that is not there: retried with backoff, without a busy loop.
cat >"$TMP/gw.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json", "control_socket": "$SOCK",
  "mapping": { "methods": ["natpmp", "upnp"], "gateway": "127.0.0.1",
               "igd_url": "http://127.0.0.1:9/rootDesc.xml" } }
JSON
: >"$TMP/log"
start "$TMP/gw.json"
t_wait grep -q 'asking again in' "$TMP/log"
mp=$(pgrep -P "$DPID" -x portward-mapper)
t0=$(awk '{print $14 + $15}' "/proc/$mp/stat")
sleep 5
t1=$(awk '{print $14 + $15}' "/proc/$mp/stat")
v=$(in_ns "$PORTWARDCTL" status -s "$SOCK" --json | jq -r '.endpoints[0].ipv4 | "\(.verdict) \(.reason)"')
if [ $((t1 - t0)) -lt 50 ] && [ "$v" = "blocked no-forward" ] &&
    [ "$(grep -c 'asking again in' "$TMP/log")" -le 4 ]; then
	t_pass gateway_gone__no_forward_backoff_no_busy_loop
else t_fail gateway_gone__no_forward_backoff_no_busy_loop "cpu ticks $((t1 - t0)), verdict $v, tries $(grep -c 'asking again in' "$TMP/log")"; fi
kill "$DPID"; wait "$DPID" 2>/dev/null; DPID=
t_done
