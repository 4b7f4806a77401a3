#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# flood.sh: peers that ask too much. Another user floods the control
# socket with connections (silent ones and status requests): every status
# request of root's is still answered. A compromised mapper (the test
# takes the mapper's own socket with pidfd_getfd and speaks as it) floods
# the daemon with log lines, then with reports: the lines are limited and
# the rest counted, and a flood of messages gets the mapper killed and
# restarted, while the daemon keeps answering.
T_NAME=flood
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool ip nft python3 setpriv jq
NS=pwfl$$
DPID=
FLOODER=
FORGE=$TOP/build/tools/mapper_forge
cleanup() {
	[ -d "$TMP/many" ] && touch "$TMP/many/stop"
	t_stop "$FLOODER"
	t_stop "$DPID"
	t_ns_teardown
}
t_ns_setup "$NS"
chmod 755 "$TMP"	# the flooding user reaches the socket
SOCK=$TMP/ctl.sock
status_ok() { "$PORTWARDCTL" status --json -s "$SOCK" 2>/dev/null | jq -e .endpoints >/dev/null; }
# A gateway that does not answer: the mapper runs, retrying, reporting.
cat >"$TMP/c.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json", "control_socket": "$SOCK",
  "mapping": { "methods": ["natpmp", "upnp"], "gateway": "127.0.0.1",
               "igd_url": "http://127.0.0.1:9/rootDesc.xml" } }
JSON
ip netns exec "$NS" "$PORTWARDD" -c "$TMP/c.json" >"$TMP/log" 2>&1 &
DPID=$!
if t_wait test -S "$SOCK" && t_wait status_ok; then t_pass flood__daemon_started
else t_fail flood__daemon_started "$(tail -3 "$TMP/log")"; exit 1; fi
chmod 666 "$SOCK"

# --- the control socket: user nobody floods, root asks 100 times -------
cat >"$TMP/flood.py" <<'PY'
import os, socket, sys
path, stop, me = sys.argv[1], sys.argv[2], sys.argv[3]
held = []
n = 0
while not os.path.exists(stop):
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        n += 1
        if n % 2:
            s.send(b'{"cmd":"status"}\n')	# asks, never reads
        held.append(s)
        if len(held) > 200:
            held.pop(0).close()
    except OSError:
        pass
with open(stop + "." + me, "w") as f:
    f.write(str(n) + "\n")
PY
mkdir -m 777 "$TMP/fl"
# Eight processes of one user, connecting as fast as they can.
setpriv --reuid 65534 --regid 65534 --clear-groups sh -c '
	for i in 1 2 3 4 5 6 7 8; do /usr/bin/python3 "$1" "$2" "$3/stop" "$i" & done
	wait' sh "$TMP/flood.py" "$SOCK" "$TMP/fl" &
FLOODER=$!
t_wait eval 'test "$(ss -xp 2>/dev/null | grep -c "$SOCK")" -gt 20'
# Root's client takes its time between connecting and asking (a person
# at socat, a link with some delay): the flood must not push it out.
cat >"$TMP/slow.py" <<'PY'
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])	# blocking, as portwardctl's: a full backlog waits
s.settimeout(10)
time.sleep(0.2)
s.send(b'{"cmd":"status"}\n')
buf = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    buf += b
sys.exit(0 if "endpoints" in json.loads(buf) else 1)
PY
ok=0
for i in $(seq 1 30); do /usr/bin/python3 "$TMP/slow.py" "$SOCK" 2>/dev/null && ok=$((ok + 1)); done
for i in $(seq 1 70); do status_ok && ok=$((ok + 1)); done
alive=no; kill -0 "$FLOODER" 2>/dev/null && alive=yes
touch "$TMP/fl/stop"
wait "$FLOODER"; FLOODER=
flood_n=$(cat "$TMP"/fl/stop.* 2>/dev/null | awk '{ n += $1 } END { print n + 0 }')
if [ "$ok" = 100 ] && [ "$alive" = yes ] && [ "${flood_n:-0}" -gt 100 ]; then
	t_pass control__another_user_floods__all_100_of_roots_requests_answered
else t_fail control__another_user_floods__all_100_of_roots_requests_answered "$ok of 100 answered; flooder alive $alive, ${flood_n:-?} connections"; fi
if status_ok && kill -0 "$DPID"; then t_pass control__after_the_flood__answers
else t_fail control__after_the_flood__answers; fi

# --- many users, each holding silent connections ------------------------
# One user with a user namespace is 65536 uids to SO_PEERCRED: twenty of
# them, each holding what it can, hold one connection each, as many as
# root's one, which was then the oldest of equals and went first (0 of
# these 30 slow requests answered, until the operator's connections were
# never given up for another user's).
cat >"$TMP/hold.py" <<'PY'
import os, socket, sys
path, stop = sys.argv[1], sys.argv[2]
held = []
while not os.path.exists(stop):
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        held.append(s)
        if len(held) > 50:
            held.pop(0).close()
    except OSError:
        pass
PY
mkdir -m 777 "$TMP/many"
(for u in $(seq 60001 60020); do
	setpriv --reuid "$u" --regid 65534 --clear-groups /usr/bin/python3 \
	    "$TMP/hold.py" "$SOCK" "$TMP/many/stop" &
done; wait) &
FLOODER=$!
t_wait eval 'test "$(ss -xp 2>/dev/null | grep -c "$SOCK")" -gt 20'
ok=0
for i in $(seq 1 30); do /usr/bin/python3 "$TMP/slow.py" "$SOCK" 2>/dev/null && ok=$((ok + 1)); done
alive=no; kill -0 "$FLOODER" 2>/dev/null && alive=yes
touch "$TMP/many/stop"
wait "$FLOODER"; FLOODER=
if [ "$ok" = 30 ] && [ "$alive" = yes ]; then
	t_pass control__twenty_uids_hold_silent_connections__all_30_of_roots_slow_requests_answered
else t_fail control__twenty_uids_hold_silent_connections__all_30_of_roots_slow_requests_answered "$ok of 30 answered; flooders alive $alive"; fi

# --- the mapper, compromised: log lines --------------------------------
mp=$(pgrep -P "$DPID" -x portward-mapper)
if [ -z "$mp" ]; then t_fail flood__mapper_running "$(tail -3 "$TMP/log")"; t_done; fi
lines() { grep -c "FORGED-$1" "$TMP/log"; }
sent=$("$FORGE" "$mp" log 400 "FORGED-A line")
n=$(lines A)
if [ "$sent" = 400 ] && [ "$n" -ge 1 ] && [ "$n" -le 30 ]; then
	t_pass mapper_forged__400_log_lines__at_most_30_logged
else t_fail mapper_forged__400_log_lines__at_most_30_logged "sent $sent, logged $n"; fi
# The rest is counted and said with the next line let through.
sleep 1.5
"$FORGE" "$mp" log 1 "FORGED-B line" >/dev/null
if t_wait grep -q "mapper: $((400 - n)) warning lines not logged" "$TMP/log" && [ "$(lines B)" = 1 ]; then
	t_pass mapper_forged__dropped_lines__counted_and_said
else t_fail mapper_forged__dropped_lines__counted_and_said "$(grep 'not logged' "$TMP/log")"; fi
# A burst of information does not hide the warning after it.
sleep 1.5
"$FORGE" "$mp" info 300 "FORGED-C chatter" >/dev/null
"$FORGE" "$mp" log 1 "FORGED-D warning" >/dev/null
if t_wait eval 'test "$(lines D)" = 1' && [ "$(lines C)" -le 30 ]; then
	t_pass mapper_forged__information_burst__next_warning_still_logged
else t_fail mapper_forged__information_burst__next_warning_still_logged "chatter $(lines C), warning $(lines D)"; fi
if [ "$(pgrep -P "$DPID" -x portward-mapper)" = "$mp" ]; then
	t_pass mapper_forged__under_the_flood_limit__not_killed
else t_fail mapper_forged__under_the_flood_limit__not_killed; fi

# --- the mapper, compromised: a flood of reports ------------------------
"$FORGE" "$mp" report 20000 >"$TMP/sent" 2>&1 &
fpid=$!
answered=no; status_ok && answered=yes	# asked while the flood runs
wait "$fpid"; frc=$?
sent=$(cat "$TMP/sent")
if [ "$frc" = 1 ] && [ "${sent:-20000}" -lt 20000 ] &&
    grep -q "mapper: more than 500 messages in a second (pid $mp): killing it" "$TMP/log"; then
	t_pass mapper_forged__20000_reports__mapper_killed
else t_fail mapper_forged__20000_reports__mapper_killed "forge rc $frc sent $sent: $(grep mapper: "$TMP/log" | tail -3)"; fi
if [ "$answered" = yes ] && T_WAIT=30 t_wait sh -c "[ \"\$($PORTWARDCTL status -s $SOCK --json | jq -r '.mapping.process | \"\(.state) \(.restarts)\"')\" = 'running 1' ]" &&
    [ "$(pgrep -P "$DPID" -x portward-mapper)" != "$mp" ]; then
	t_pass mapper_forged__daemon_answers_and_restarts_the_mapper
else t_fail mapper_forged__daemon_answers_and_restarts_the_mapper "answered $answered; $("$PORTWARDCTL" status -s "$SOCK" --json | jq -c .mapping.process)"; fi

kill -TERM "$DPID"; wait "$DPID"; rc=$?; DPID=
if [ "$rc" = 0 ]; then t_pass flood__sigterm__clean_exit
else t_fail flood__sigterm__clean_exit "rc $rc"; fi
t_done
