#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lifecycle.sh: no stop or crash leaves anything behind, with a real
# router (miniupnpd) and upnpc and the router's own nft chains as
# witnesses, and a real connection from the internet as the truth:
# - SIGTERM to the daemon's whole process group (systemd's
#   KillMode=control-group) removes every forward and pinhole;
# - the mapper killed with SIGKILL is noticed, restarted, and a forward
#   the router lost meanwhile is asked for again;
# - the daemon killed with SIGKILL: its mapper removes the forwards;
# - a second daemon for the same table or control socket exits 1, names
#   the running one and changes nothing;
# - an unknown mapping.user or supervise.user is refused at -n.
T_NAME=lifecycle
source "$(dirname "$0")/../lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
t_need_root
t_need_tool ip nft socat ss miniupnpd upnpc turnserver pgrep jq setsid

L2=
trap 'stop_daemon; t_stop "$L2"; lab_down' EXIT
lab_test_up router
URL=http://$RTR_LAN4:5000/rootDesc.xml
LOG=$LAB_DIR/daemon.log
CTL=$LAB_DIR/ctl.sock

cat >"$LAB_DIR/host.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json",
  "control_socket": "$CTL",
  "mapping": { "methods": ["upnp", "natpmp"], "igd_url": "$URL" } }
JSON

# The daemon in a process group of its own, as systemd runs it.
start_daemon() {	# start_daemon CONFIG
	setsid ip netns exec "$LAN" "$PORTWARDD" -c "$1" >>"$LOG" 2>&1 &
	DPID=$!
}
mappings() { lab_exec "$LAN" upnpc -u "$URL" -l 2>/dev/null | grep -E "^ *[0-9]+ (TCP|UDP) .*'portward"; }
nmappings() { mappings | wc -l; }
has_mapping() { mappings | grep -q "$1"; }
npinholes() { lab_exec "$RTR" nft list chain inet filter miniupnpd | grep -c 0x20010db8; }
all_forwards() { [ "$(nmappings)" -ge 4 ] && [ "$(npinholes)" -ge 2 ]; }
no_forwards() { [ "$(nmappings)" -eq 0 ] && [ "$(npinholes)" -eq 0 ]; }
st() { lab_ctl status --json 2>/dev/null | jq -r "$1"; }
mapper_pid() { pgrep -P "$DPID" -x portward-mapper; }

lab_tcp_listen "$LAN" "[::]" 7881
lab_wait_listen "$LAN" 7881

# --- SIGTERM to the whole process group -------------------------------
start_daemon "$LAB_DIR/host.json"
if T_WAIT=20 t_wait all_forwards && lab_reaches_tcp $WAN4 && lab_reaches_tcp "[$LAN6]"; then
	t_pass group_sigterm__before__forwards_and_pinholes_reach_host
else t_fail group_sigterm__before__forwards_and_pinholes_reach_host "$(mappings) pinholes $(npinholes)"; fi
mp=$(mapper_pid)
kill -TERM -- "-$DPID"
wait "$DPID"; rc=$?
DPID=
if [ "$rc" = 0 ] && no_forwards && ! lab_reaches_tcp $WAN4 && ! lab_reaches_tcp "[$LAN6]"; then
	t_pass group_sigterm__every_forward_and_pinhole_removed
else t_fail group_sigterm__every_forward_and_pinhole_removed "exit $rc; left: $(mappings) pinholes $(npinholes)"; fi
if grep -q 'mapper: stopped; forwards removed' "$LOG" && [ -n "$mp" ] && ! kill -0 "$mp" 2>/dev/null; then
	t_pass group_sigterm__mapper_confirmed_and_gone
else t_fail group_sigterm__mapper_confirmed_and_gone "$(tail -5 "$LOG")"; fi

# --- the mapper killed with SIGKILL; the router loses a forward meanwhile --
: >"$LOG"
start_daemon "$LAB_DIR/host.json"
T_WAIT=20 t_wait all_forwards
t_wait sh -c "[ \"\$(ip netns exec $LAN $PORTWARDCTL status -s $CTL --json | jq -r .mapping.process.state)\" = running ]"
mp=$(mapper_pid)
# The router loses the forward, then the mapper dies before it renews
# (in that order: a mapper restarted in between would ask for it again
# before this could look).
lab_exec "$LAN" upnpc -u "$URL" -d 7881 TCP >/dev/null 2>&1
has_mapping "7881->"; lost=$?
kill -KILL "$mp"
if [ "$lost" != 0 ]; then t_pass mapper_sigkill__router_lost_7881_meanwhile
else t_fail mapper_sigkill__router_lost_7881_meanwhile "$(mappings)"; fi
if T_WAIT=20 t_wait sh -c "[ \"\$(ip netns exec $LAN $PORTWARDCTL status -s $CTL --json | jq -r '.mapping.process | \"\(.state) \(.restarts)\"')\" = 'running 1' ]"; then
	t_pass mapper_sigkill__noticed_and_restarted
else t_fail mapper_sigkill__noticed_and_restarted "$(st .mapping.process)"; fi
nmp=$(mapper_pid)
if [ -n "$nmp" ] && [ "$nmp" != "$mp" ] && grep -q 'mapper: exited (signal 9)' "$LOG"; then
	t_pass mapper_sigkill__new_process_logged
else t_fail mapper_sigkill__new_process_logged "old $mp new $nmp"; fi
if T_WAIT=20 t_wait has_mapping "7881->$LAN4:7881" && lab_reaches_tcp $WAN4; then
	t_pass mapper_sigkill__lost_forward_asked_again_reaches_host
else t_fail mapper_sigkill__lost_forward_asked_again_reaches_host "$(mappings)"; fi
if t_wait sh -c "[ \"\$(ip netns exec $LAN $PORTWARDCTL status -s $CTL --json | jq -r '[.mapping.forwards[] | select(.state == \"forwarded\")] | length')\" -ge 4 ]" &&
    [ "$(st '.mapping.process.pid')" = "$nmp" ]; then
	t_pass mapper_sigkill__status_shows_new_mapper_and_forwards
else t_fail mapper_sigkill__status_shows_new_mapper_and_forwards "$(st .mapping)"; fi
# The metrics text format is rendered from the same status.
out=$(lab_exec "$LAN" "$PORTWARDCTL" status -s "$CTL")
if [[ $out == *"mapper: running, pid $nmp, 1 restart, last signal 9"* ]]; then
	t_pass mapper_sigkill__status_text_names_restart
else t_fail mapper_sigkill__status_text_names_restart "$out"; fi
kill -TERM "$DPID"; wait "$DPID"; rc=$?; DPID=
if [ "$rc" = 0 ] && no_forwards && ! kill -0 "$nmp" 2>/dev/null; then
	t_pass mapper_sigkill__stop_after_restart_leaves_nothing
else t_fail mapper_sigkill__stop_after_restart_leaves_nothing "left: $(mappings)"; fi

# --- the daemon killed with SIGKILL: the mapper cleans up -------------
: >"$LOG"
start_daemon "$LAB_DIR/host.json"
T_WAIT=20 t_wait all_forwards
mp=$(mapper_pid)
kill -KILL "$DPID"; wait "$DPID" 2>/dev/null; DPID=
if T_WAIT=20 t_wait no_forwards && t_wait sh -c "! kill -0 $mp 2>/dev/null"; then
	t_pass daemon_sigkill__mapper_removes_forwards_and_exits
else t_fail daemon_sigkill__mapper_removes_forwards_and_exits "left: $(mappings) pinholes $(npinholes)"; fi
lab_exec "$LAN" nft delete table inet portward 2>/dev/null

# --- a second daemon ---------------------------------------------------
: >"$LOG"
start_daemon "$LAB_DIR/host.json"
FIRST=$DPID
T_WAIT=20 t_wait all_forwards
before=$(lab_exec "$LAN" nft list ruleset)
out=$(lab_exec "$LAN" timeout 10 "$PORTWARDD" -c "$LAB_DIR/host.json" 2>&1); rc=$?
if [ "$rc" = 1 ] && [[ $out == *"pid $FIRST"* ]] && [[ $out == *"inet portward"* ]]; then
	t_pass second_daemon__same_config__exit_1_names_first
else t_fail second_daemon__same_config__exit_1_names_first "exit $rc: $out"; fi
# Another control socket, the same table.
sed "s|$CTL|$LAB_DIR/other.sock|" "$LAB_DIR/host.json" >"$LAB_DIR/other-sock.json"
out=$(lab_exec "$LAN" timeout 10 "$PORTWARDD" -c "$LAB_DIR/other-sock.json" 2>&1); rc=$?
if [ "$rc" = 1 ] && [[ $out == *"pid $FIRST"* ]]; then
	t_pass second_daemon__same_table_other_socket__refused
else t_fail second_daemon__same_table_other_socket__refused "exit $rc: $out"; fi
# Another table, the same control socket (from another namespace too).
sed 's|"mode": "host",|"mode": "host", "nft": { "table": "pwother" },|' "$LAB_DIR/host.json" >"$LAB_DIR/other-table.json"
out=$(lab_exec "$LAN2" timeout 10 "$PORTWARDD" -c "$LAB_DIR/other-table.json" 2>&1); rc=$?
if [ "$rc" = 1 ] && [[ $out == *"control socket $CTL"* ]] && [[ $out == *"pid $FIRST"* ]]; then
	t_pass second_daemon__same_socket_other_table__refused
else t_fail second_daemon__same_socket_other_table__refused "exit $rc: $out"; fi
after=$(lab_exec "$LAN" nft list ruleset)
if [ "$before" = "$after" ] && [ -z "$(lab_exec "$LAN2" nft list ruleset)" ] &&
    all_forwards && lab_reaches_tcp $WAN4 && [ "$(st .mapping.process.state)" = running ]; then
	t_pass second_daemon__changes_nothing_first_keeps_serving
else t_fail second_daemon__changes_nothing_first_keeps_serving; fi
# The same table name in another network namespace is another table.
sed "s|$CTL|$LAB_DIR/lan2.sock|; s|\"upnp\", \"natpmp\"||" "$LAB_DIR/host.json" >"$LAB_DIR/lan2.json"
ip netns exec "$LAN2" "$PORTWARDD" -c "$LAB_DIR/lan2.json" >>"$LAB_DIR/lan2.log" 2>&1 &
L2=$!
if t_wait lab_exec "$LAN2" nft list table inet portward && kill -0 "$L2" 2>/dev/null; then
	t_pass second_daemon__other_namespace__runs
else t_fail second_daemon__other_namespace__runs "$(cat "$LAB_DIR/lan2.log")"; fi
# A reload onto the control socket the other daemon serves is refused,
# and the running configuration kept.
sed "s|$CTL|$LAB_DIR/lan2.sock|" "$LAB_DIR/host.json" >"$LAB_DIR/host-hup.json"
cp "$LAB_DIR/host.json" "$LAB_DIR/host.json.orig"
cp "$LAB_DIR/host-hup.json" "$LAB_DIR/host.json"
kill -HUP "$FIRST"
if t_wait grep -q "reload: control socket $LAB_DIR/lan2.sock is already served by portwardd pid $L2; keeping the running configuration" "$LOG" &&
    [ "$(st .mapping.process.state)" = running ] && kill -0 "$L2"; then
	t_pass reload__onto_another_daemons_socket__refused_kept
else t_fail reload__onto_another_daemons_socket__refused_kept "$(grep reload "$LOG")"; fi
cp "$LAB_DIR/host.json.orig" "$LAB_DIR/host.json"
kill -TERM "$L2"; wait "$L2"; L2=
kill -TERM "$FIRST"; wait "$FIRST"; rc=$?; DPID=
if [ "$rc" = 0 ] && no_forwards && [ -z "$(lab_exec "$LAN" nft list tables)" ]; then
	t_pass second_daemon__first_stops_cleanly
else t_fail second_daemon__first_stops_cleanly "exit $rc"; fi
# Once the first is gone, a new one starts (the kernel released the locks).
start_daemon "$LAB_DIR/host.json"
if t_wait lab_exec "$LAN" nft list table inet portward && t_wait test -S "$CTL"; then
	t_pass second_daemon__after_first_exit__starts
else t_fail second_daemon__after_first_exit__starts "$(tail -3 "$LOG")"; fi
stop_daemon

# --- a SIGHUP while stopping starts nothing: the daemon still exits -----
: >"$LOG"
jq --arg sh "trap '' TERM; exec sleep 1000" \
    '.supervise = {command: ["sh", "-c", $sh], ready_timeout_seconds: 1, stop_timeout_seconds: 2} | .mapping.methods = []' \
    "$LAB_DIR/host.json" >"$LAB_DIR/hup.json"
start_daemon "$LAB_DIR/hup.json"
t_wait grep -q 'supervise: started sh' "$LOG"
kill -TERM "$DPID"
sleep 0.3
jq '.supervise.command = ["sleep", "2000"]' "$LAB_DIR/hup.json" >"$LAB_DIR/hup2.json"
cp "$LAB_DIR/hup2.json" "$LAB_DIR/hup.json"
kill -HUP "$DPID"
gone() { ! kill -0 "$DPID" 2>/dev/null || [ "$(ps -o stat= -p "$DPID")" = Z ]; }
if t_wait gone && wait "$DPID" && ! pgrep -f "sleep 2000" >/dev/null &&
    grep -q 'reload: ignored, portwardd is stopping' "$LOG"; then
	t_pass sighup_while_stopping__ignored_daemon_exits
else t_fail sighup_while_stopping__ignored_daemon_exits "$(tail -5 "$LOG")"; kill -9 "$DPID"; pkill -f "sleep 2000"; fi
DPID=

# --- a stuck mapper and a storm of reloads do not freeze the daemon ------
: >"$LOG"
start_daemon "$LAB_DIR/host.json"
T_WAIT=20 t_wait all_forwards
mp=$(mapper_pid)
kill -STOP "$mp"
# Each SIGHUP reads another lease: a message for the stopped mapper.
cp "$LAB_DIR/host.json" "$LAB_DIR/host.json.orig"
for i in $(seq 1 150); do
	jq ".mapping.lease_seconds = $((3600 + i % 2))" "$LAB_DIR/host.json.orig" >"$LAB_DIR/host.json"
	kill -HUP "$DPID"
	sleep 0.01
done
if t_wait sh -c "ip netns exec $LAN $PORTWARDCTL status -s $CTL --json >/dev/null" &&
    T_WAIT=20 t_wait sh -c "[ \"\$(ip netns exec $LAN $PORTWARDCTL status -s $CTL --json | jq -r '.mapping.process.restarts')\" -ge 1 ]" &&
    ! kill -0 "$mp" 2>/dev/null; then
	t_pass stuck_mapper__reload_storm__daemon_answers_mapper_replaced
else t_fail stuck_mapper__reload_storm__daemon_answers_mapper_replaced "$(grep -c mapper "$LOG") mapper lines"; kill -CONT "$mp" 2>/dev/null; fi
cp "$LAB_DIR/host.json.orig" "$LAB_DIR/host.json"
T_WAIT=20 t_wait all_forwards
kill -TERM "$DPID"; wait "$DPID"; rc=$?; DPID=
if [ "$rc" = 0 ] && no_forwards && grep -q 'mapper: not reading its messages' "$LOG"; then
	t_pass stuck_mapper__stop_after_storm_leaves_nothing
else t_fail stuck_mapper__stop_after_storm_leaves_nothing "exit $rc left $(mappings)"; fi

# --- the router is down at stop: no false "forwards removed" -------------
# stop_router_down [CMD...]: forwards up, the router gone, CMD, a stop;
# dnat is what the router still holds (the truth beside the log).
stop_router_down() {
	: >"$LOG"
	start_daemon "$LAB_DIR/host.json"
	T_WAIT=20 t_wait all_forwards
	lab_miniupnpd_stop
	"$@"
	kill -TERM "$DPID"; wait "$DPID"; DPID=
	dnat=$(lab_exec "$RTR" nft list chain inet filter prerouting_miniupnpd | grep -c dnat)
}
stop_router_down
if [ "$dnat" -ge 4 ] && lab_reaches_tcp $WAN4 && ! grep -q 'forwards removed' "$LOG" &&
    grep -q 'could not be removed\|without confirming' "$LOG"; then
	t_pass router_down_at_stop__says_forwards_remain_as_they_do
else t_fail router_down_at_stop__says_forwards_remain_as_they_do "dnat $dnat: $(grep mapper "$LOG" | tail -3)"; fi
lab_miniupnpd_reboot >>"$LAB_DIR/router.log" 2>&1

# --- the router down, the mapper restarted, then a stop: no false claim --
mapper_restarted() {
	kill -KILL "$(mapper_pid)"
	T_WAIT=20 t_wait sh -c "[ \"\$(ip netns exec $LAN $PORTWARDCTL status -s $CTL --json | jq -r '.mapping.process | \"\(.state) \(.restarts)\"')\" = 'running 1' ]"
}
stop_router_down mapper_restarted
if [ "$dnat" -ge 4 ] && lab_reaches_tcp $WAN4 && ! grep -q 'forwards removed' "$LOG" &&
    grep -q 'could not be checked' "$LOG"; then
	t_pass router_down_mapper_restarted__stop_says_forwards_may_remain
else t_fail router_down_mapper_restarted__stop_says_forwards_may_remain "dnat $dnat: $(grep 'mapper: stopped' "$LOG")"; fi
lab_miniupnpd_reboot >>"$LAB_DIR/router.log" 2>&1

# --- a burst of reloads with a healthy mapper: coalesced, clean stop -----
: >"$LOG"
start_daemon "$LAB_DIR/host.json"
T_WAIT=20 t_wait all_forwards
cp "$LAB_DIR/host.json" "$LAB_DIR/host.json.orig"
for i in $(seq 1 60); do
	jq ".mapping.lease_seconds = $((3600 + i % 2))" "$LAB_DIR/host.json.orig" >"$LAB_DIR/host.json"
	kill -HUP "$DPID"
	sleep 0.01
done
cp "$LAB_DIR/host.json.orig" "$LAB_DIR/host.json"
kill -TERM "$DPID"; wait "$DPID"; rc=$?; DPID=
if [ "$rc" = 0 ] && no_forwards && grep -q 'mapper: stopped; forwards removed' "$LOG" &&
    ! grep -q 'not reading its messages' "$LOG"; then
	t_pass reload_burst__healthy_mapper_kept__stop_clean
else t_fail reload_burst__healthy_mapper_kept__stop_clean "exit $rc: $(grep mapper "$LOG" | tail -3)"; fi

# --- a reload onto another table: the old one is free, no busy loop ------
: >"$LOG"
start_daemon "$LAB_DIR/host.json"
T_WAIT=20 t_wait all_forwards
jq '.nft = {table: "pwb"}' "$LAB_DIR/host.json.orig" >"$LAB_DIR/host.json"
kill -HUP "$DPID"
t_wait grep -q "reload: .* applied" "$LOG"
jq --arg s "$LAB_DIR/old.sock" '.control_socket = $s | .mapping.methods = []' \
    "$LAB_DIR/host.json.orig" >"$LAB_DIR/old-table.json"
ip netns exec "$LAN" "$PORTWARDD" -c "$LAB_DIR/old-table.json" >>"$LAB_DIR/old.log" 2>&1 &
L2=$!
cpu() { awk '{print $14 + $15}' "/proc/$DPID/stat"; }
c0=$(cpu); sleep 2; c1=$(cpu)
if t_wait lab_exec "$LAN" nft list table inet portward && kill -0 "$L2" &&
    [ $((c1 - c0)) -lt 50 ] && T_WAIT=20 t_wait all_forwards && lab_reaches_tcp $WAN4; then
	t_pass reload_other_table__old_table_free_no_spin_forwards_kept
else t_fail reload_other_table__old_table_free_no_spin_forwards_kept "cpu $((c1 - c0)) ticks; $(cat "$LAB_DIR/old.log")"; fi
kill -TERM "$L2"; wait "$L2"; L2=
cp "$LAB_DIR/host.json.orig" "$LAB_DIR/host.json"
kill -TERM "$DPID"; wait "$DPID"; rc=$?; DPID=
if [ "$rc" = 0 ] && no_forwards && [ -z "$(lab_exec "$LAN" nft list tables)" ]; then
	t_pass reload_other_table__stop_clean
else t_fail reload_other_table__stop_clean "exit $rc: $(lab_exec "$LAN" nft list tables)"; fi

# --- a killed daemon's mapper still at work: the next daemon waits -------
: >"$LOG"
start_daemon "$LAB_DIR/host.json"
T_WAIT=20 t_wait all_forwards
OLD=$DPID
mp=$(mapper_pid)
kill -STOP "$mp"		# a slow router, a slow mapper
kill -KILL "$OLD"; wait "$OLD" 2>/dev/null; DPID=
out=$(lab_exec "$LAN" timeout 40 "$PORTWARDD" -c "$LAB_DIR/host.json" 2>&1); rc=$?
if [ "$rc" = 1 ] && [[ $out == *"waiting for it"* ]] &&
    [[ $out == *"still held by what portwardd pid $OLD (gone) left running"* ]]; then
	t_pass orphan_mapper__next_daemon_waits_then_refuses
else t_fail orphan_mapper__next_daemon_waits_then_refuses "exit $rc: $out"; fi
kill -CONT "$mp"
T_WAIT=20 t_wait no_forwards
t_wait sh -c "! kill -0 $mp 2>/dev/null"
start_daemon "$LAB_DIR/host.json"
if T_WAIT=20 t_wait all_forwards && lab_reaches_tcp $WAN4 && sleep 3 && all_forwards; then
	t_pass orphan_mapper__done__next_daemon_forwards_stay
else t_fail orphan_mapper__done__next_daemon_forwards_stay "$(mappings)"; fi
stop_daemon

# --- unknown users are configuration errors ----------------------------
printf '{ "mode": "host",\n  "mapping": { "user": "pw-no-such-user" } }\n' >"$LAB_DIR/nouser.json"
out=$("$PORTWARDD" -n -c "$LAB_DIR/nouser.json" 2>&1); rc=$?
if [ "$rc" = 2 ] && [[ $out == *"nouser.json:2:"*"mapping.user"*"no such user"* ]]; then
	t_pass unknown_mapping_user__config_error_at_n
else t_fail unknown_mapping_user__config_error_at_n "exit $rc: $out"; fi
printf '{ "mode": "host", "mapping": { "methods": [] },\n  "supervise": { "command": ["sleep", "1"],\n    "user": "pw-no-such-user" } }\n' >"$LAB_DIR/nouser2.json"
before=$(lab_exec "$LAN" nft list ruleset)
out=$(lab_exec "$LAN" "$PORTWARDD" -c "$LAB_DIR/nouser2.json" 2>&1); rc=$?
if [ "$rc" = 2 ] && [[ $out == *"nouser2.json:3:"*"supervise.user"* ]] &&
    [ "$before" = "$(lab_exec "$LAN" nft list ruleset)" ]; then
	t_pass unknown_supervise_user__config_error_changes_nothing
else t_fail unknown_supervise_user__config_error_changes_nothing "exit $rc: $out"; fi

t_done
