#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# supervise.sh: portwardd supervises the SFU. A LiveKit stand-in that
# binds like LiveKit 1.10.0 (tests/tools/lkstub) and coturn as a real TURN
# server: ordered start, readiness from real listeners, restarts with
# backoff, exec failure told apart from a crash, reloads, clean stop, no
# zombies, no descriptor leaks, no unsupervised child after the daemon dies.
T_NAME=supervise
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool ip nft jq socat turnserver turnutils_stunclient
NS=pwsv$$
DPID=
stop_daemon() { t_stop "$DPID"; DPID=; }
cleanup() { stop_daemon; t_ns_teardown; }
t_ns_setup "$NS"
chmod 755 "$TMP"
# A copy the unprivileged child can reach whatever the checkout's modes
# (a clone under /root is not traversable for nobody).
cp "$TOP/build/tools/lkstub" "$TMP/lkstub"
LKSTUB=$TMP/lkstub
start() {
	: >"$TMP/log"
	ip netns exec "$NS" "$PORTWARDD" -c "$1" >>"$TMP/log" 2>&1 &
	DPID=$!
}
st() { in_ns "$PORTWARDCTL" status -s "$TMP/ctl.sock" --json 2>/dev/null | jq -r "$1"; }
child_pid() { st .child.pid; }
st_is() { [ "$(st "$1")" = "$2" ]; }
st_ge() { [ "$(st "$1")" -ge "$2" ] 2>/dev/null; }
conf() {	# conf FILE COMMAND-JSON [EXTRA]
	cat >"$1" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json",
  "control_socket": "$TMP/ctl.sock", "mapping": { "methods": [] },
  "supervise": { "command": $2, "user": "nobody",
                 "ready_timeout_seconds": 10, "stop_timeout_seconds": 3 $3 } }
JSON
}
zombies() {	# children of the daemon in state Z
	local p n=0
	for p in /proc/[0-9]*/stat; do
		read -r _ _ state ppid _ <"$p" 2>/dev/null || continue
		[ "$ppid" = "$DPID" ] && [ "$state" = Z ] && n=$((n + 1))
	done
	echo $n
}

# Readiness waits for the late binder; forwards and READY come after.
conf "$TMP/late.json" "[\"$LKSTUB\", \"-l\", \"1500\"]"
start "$TMP/late.json"
t_wait test -S "$TMP/ctl.sock"
t_wait st_is .child.state starting
if [ "$(st .child.state)" = starting ] && [ "$(st .ready)" = false ] &&
    [ "$(st '.endpoints[0].ipv4.reason')" = no-listener ]; then
	t_pass readiness__late_binder__starting_not_ready_no_listener
else t_fail readiness__late_binder__starting_not_ready "$(st .child)"; fi
if t_wait st_is .ready true && [ "$(st .child.state)" = running ] &&
    [[ "$(st '.endpoints[0].ipv4.hint')" == listening,* ]] &&
    [ "$(st '.endpoints[0].ipv6.reason')" = no-ipv6-address ]; then
	t_pass readiness__listeners_seen__running_ready
else t_fail readiness__listeners_seen__running_ready "$(tail -3 "$TMP/log")"; fi
if grep -n 'lkstub: listening\|portwardd: ready$' "$TMP/log" | head -1 | grep -q 'lkstub: listening'; then
	t_pass readiness__ready_after_the_listeners
else t_fail readiness__ready_after_the_listeners; fi
if grep -q 'portwardd: lkstub: a line on stderr' "$TMP/log"; then
	t_pass output__child_stderr_in_daemon_log_with_name
else t_fail output__child_stderr_in_daemon_log_with_name; fi

pid=$(child_pid)
fds=$(ls "/proc/$pid/fd" | wc -l)
if grep -q "^Uid:[[:space:]]*$(id -u nobody)[[:space:]]" "/proc/$pid/status" &&
    grep -q '^CapEff:[[:space:]]*0000000000000000$' "/proc/$pid/status" &&
    [ "$fds" -eq 8 ]; then
	t_pass child__as_user_no_caps_no_inherited_fds
else t_fail child__as_user_no_caps_no_inherited_fds "fds=$fds"; fi

kill -9 "$pid"
if t_wait st_is .child.restarts 1 && t_wait st_is .child.state running &&
    [ "$(st .child.last_exit)" = "signal 9" ] && [ "$(child_pid)" != "$pid" ]; then
	t_pass restart__kill_9__restarted_and_counted
else t_fail restart__kill_9__restarted_and_counted "$(st .child)"; fi
if [ "$(zombies)" -eq 0 ]; then t_pass restart__no_zombies
else t_fail restart__no_zombies; fi
if in_ns nft list table inet portward >/dev/null 2>&1; then t_pass restart__rules_stay
else t_fail restart__rules_stay; fi

# SIGHUP: a broken file keeps everything; a changed profile keeps the
# child; a changed command restarts it.
pid=$(child_pid)
cp "$TMP/late.json" "$TMP/late.good"
echo '{ "mode": "host", "supervise": { "command": [] } }' >"$TMP/late.json"
kill -HUP "$DPID"
t_wait grep -q 'keeping the running configuration' "$TMP/log"
if [ "$(child_pid)" = "$pid" ] && grep -q 'supervise.command: must name a program' "$TMP/log"; then
	t_pass sighup__broken_config__child_and_rules_kept
else t_fail sighup__broken_config__child_and_rules_kept; fi
sed "s|$TOP/rules/livekit-1.10.0.json|$TMP/p.json|" "$TMP/late.good" >"$TMP/late.json"
sed 's/5350/5351/g' "$TOP/rules/livekit-1.10.0.json" >"$TMP/p.json"
kill -HUP "$DPID"
t_wait grep -q 'reload: .* applied' "$TMP/log"
if [ "$(child_pid)" = "$pid" ]; then t_pass sighup__profile_changed__child_not_restarted
else t_fail sighup__profile_changed__child_not_restarted; fi
conf "$TMP/late.json" "[\"$LKSTUB\", \"-T\", \"5351\"]"
kill -HUP "$DPID"
# Waited for whole: the old child runs on until the daemon reads the HUP.
restarted() { [ "$(child_pid)" != "$pid" ] && st_is .child.state running; }
if t_wait restarted && grep -q 'the supervised command changed' "$TMP/log"; then
	t_pass sighup__command_changed__child_restarted
else t_fail sighup__command_changed__child_restarted "$(st .child) $(grep -E 'reload|supervised' "$TMP/log" | tail -4)"; fi

pid=$(child_pid)
kill -TERM "$DPID"
wait "$DPID"
rc=$?
DPID=
if [ $rc -eq 0 ] && ! kill -0 "$pid" 2>/dev/null && ! in_ns nft list table inet portward >/dev/null 2>&1 &&
    [ ! -e "$TMP/ctl.sock" ]; then
	t_pass sigterm__no_child_no_table_exit_0
else t_fail sigterm__no_child_no_table_exit_0 "rc=$rc"; fi

# The daemon dies: the child must not run unsupervised. (Started with
# NOTIFY_SOCKET, as systemd's Type=notify does: READY=1 must arrive.)
conf "$TMP/c.json" "[\"$LKSTUB\"]"
# Every datagram (STATUS= lines come too, READY=1 among them).
socat -u UNIX-RECVFROM:"$TMP/notify.sock",fork "OPEN:$TMP/notify.got,creat,append" &
NOT=$!
t_wait test -S "$TMP/notify.sock"
: >"$TMP/log"
NOTIFY_SOCKET=$TMP/notify.sock ip netns exec "$NS" "$PORTWARDD" -c "$TMP/c.json" >>"$TMP/log" 2>&1 &
DPID=$!
t_wait st_is .ready true
if t_wait grep -q 'READY=1' "$TMP/notify.got"; then t_pass sd_notify__ready_sent_when_ready
else t_fail sd_notify__ready_sent_when_ready; fi
kill "$NOT" 2>/dev/null; wait "$NOT" 2>/dev/null
pid=$(child_pid)
kill -9 "$DPID"; wait "$DPID" 2>/dev/null; DPID=
if t_wait sh -c "! kill -0 $pid 2>/dev/null"; then t_pass daemon_killed__child_terminated
else t_fail daemon_killed__child_terminated; kill -9 "$pid" 2>/dev/null; fi
in_ns nft delete table inet portward 2>/dev/null

# The UDP mux binds each address once, at start: an address that appears
# later is degraded until the SFU restarts, which the supervisor does
# when supervise.restart_on_address_change is set.
in_ns ip -6 route add default dev lo
ice_udp6() { st '.endpoints[] | select(.name=="ice-udp") | .ipv6.reason'; }
conf "$TMP/a.json" "[\"$LKSTUB\"]"
start "$TMP/a.json"
t_wait st_is .ready true
in_ns ip addr add 2001:db8:99::1/128 dev lo nodad
if t_wait sh -c "[ \"\$(ip netns exec $NS $PORTWARDCTL status -s $TMP/ctl.sock --json | jq -r '.endpoints[] | select(.name==\"ice-udp\") | .ipv6.verdict')\" = degraded ]" &&
    [ "$(ice_udp6)" = address-not-served ]; then
	t_pass new_address__udp_mux_not_bound__degraded
else t_fail new_address__udp_mux_not_bound__degraded "$(ice_udp6)"; fi
stop_daemon
conf "$TMP/a.json" "[\"$LKSTUB\"]" ', "restart_on_address_change": true'
start "$TMP/a.json"
t_wait st_is .ready true
pid=$(child_pid)
in_ns ip addr add 2001:db8:99::2/128 dev lo nodad
if t_wait sh -c "[ \"\$(ip netns exec $NS $PORTWARDCTL status -s $TMP/ctl.sock --json | jq -r .child.pid)\" != $pid ]" &&
    t_wait st_is .child.state running && t_wait sh -c "[ \"\$(ip netns exec $NS $PORTWARDCTL status -s $TMP/ctl.sock --json | jq -r '.endpoints[] | select(.name==\"ice-udp\") | .ipv6.reason')\" != address-not-served ]" &&
    grep -q 'a new address appeared: restarting the SFU' "$TMP/log"; then
	t_pass new_address__restart_option__sfu_restarted_and_binds_it
else t_fail new_address__restart_option__sfu_restarted_and_binds_it "$(ice_udp6)"; fi
stop_daemon
in_ns ip addr del 2001:db8:99::1/128 dev lo
in_ns ip addr del 2001:db8:99::2/128 dev lo
in_ns ip -6 route del default dev lo
in_ns nft delete table inet portward 2>/dev/null

# A failed exec is reported as such, not as a crash, and retried with
# backoff (as s6 does): once the program can run, it runs.
mkdir -m 700 "$TMP/priv"
cp "$LKSTUB" "$TMP/priv/lkstub"
conf "$TMP/x.json" "[\"$TMP/priv/lkstub\"]"
start "$TMP/x.json"
if t_wait st_is .child.state failed &&
    [[ "$(st .child.last_exit)" == "exec failed: Permission denied" ]] &&
    [ "$(st .child.restarts)" = 0 ] && grep -q 'cannot execute' "$TMP/log"; then
	t_pass exec_failure__failed_not_a_crash_loop
else t_fail exec_failure__failed_not_a_crash_loop "$(st .child)"; fi
if t_wait st_ge .child.start_failures 2 && grep -q 'did not start (exec failed: Permission denied); next try in' "$TMP/log"; then
	t_pass exec_failure__retried_with_backoff
else t_fail exec_failure__retried_with_backoff "$(st .child)"; fi
chmod 755 "$TMP/priv"
if T_WAIT=40 t_wait st_is .child.state running && [ "$(st .ready)" = true ] &&
    [ "$(in_ns socat -T2 - TCP4:127.0.0.1:7881 </dev/null)" = pong ]; then
	t_pass exec_failure__runs_once_it_can
else t_fail exec_failure__runs_once_it_can "$(st .child)"; fi
stop_daemon

# A crash loop backs off: 0, then 1 s, 2 s, 4 s... (capped at 30 s).
conf "$TMP/loop.json" "[\"$LKSTUB\", \"-x\"]"
start "$TMP/loop.json"
T_WAIT=20 t_wait st_ge .child.restarts 3
r=$(st .child.restarts); b=$(st .child.backoff_ms)
if [ "$r" -ge 3 ] && [ "$b" -eq $((1000 << (r - 2))) ] && [ "$(st .child.last_exit)" = "exit 3" ]; then
	t_pass crash_loop__exponential_backoff
else t_fail crash_loop__exponential_backoff "restarts=$r backoff_ms=$b"; fi
stop_daemon
in_ns nft delete table inet portward 2>/dev/null

# Someone already holds a port of the profile: reported with its pid.
ip netns exec "$NS" socat TCP4-LISTEN:5350,reuseaddr,fork /dev/null &
SOC=$!
t_wait sh -c "ip netns exec $NS ss -Hltn 'sport = :5350' | grep -q ."
conf "$TMP/c.json" "[\"$LKSTUB\"]"
start "$TMP/c.json"
if t_wait grep -q "5350/tcp (turn-tls) is already held by pid $SOC (socat)" "$TMP/log"; then
	t_pass port_already_held__reported_with_pid
else t_fail port_already_held__reported_with_pid "$(grep held "$TMP/log")"; fi
# Another process's listener is not the SFU's readiness.
T_WAIT=5 t_wait st_ge .child.restarts 1
if [ "$(st .ready)" = false ] && [ "$(st .child.restarts)" -ge 1 ]; then
	t_pass port_already_held__not_taken_for_readiness
else t_fail port_already_held__not_taken_for_readiness "$(st .child)"; fi
stop_daemon
kill "$SOC"; wait "$SOC" 2>/dev/null
in_ns nft delete table inet portward 2>/dev/null

# turn.external_tls: a dual-stack TLS proxy holds IPv6 of TURN/TLS, the
# SFU holds IPv4 (tcp4, as LiveKit 1.10.0): ready, and the connection
# from each family reaches a listener. Without the proxy: not ready.
jq '(.endpoints[] | select(.name == "turn-tls") | .families) = ["ipv4", "ipv6"]' \
    "$TOP/rules/livekit-1.10.0.json" >"$TMP/ext.json"
sed "s|$TOP/rules/livekit-1.10.0.json|$TMP/ext.json|" "$TMP/c.json" >"$TMP/ext-conf.json"
ip netns exec "$NS" socat TCP6-LISTEN:5350,ipv6only=1,reuseaddr,fork SYSTEM:'echo proxy' &
SOC=$!
t_wait sh -c "ip netns exec $NS ss -Hltn 'sport = :5350' | grep -q ."
start "$TMP/ext-conf.json"
if t_wait st_is .ready true && [ "$(st .child.ready_timed_out)" = false ] &&
    [ "$(in_ns socat -T2 - TCP4:127.0.0.1:5350 </dev/null)" = pong ] &&
    [ "$(in_ns socat -T2 - TCP6:[::1]:5350 </dev/null)" = proxy ]; then
	t_pass external_tls__proxy_holds_ipv6__sfu_ready
else t_fail external_tls__proxy_holds_ipv6__sfu_ready "$(st .child)"; fi
if grep -q 'IPv6 of 5350/tcp (turn-tls) is already held by pid '"$SOC"' (socat).*an IPv4 bind of the SFU works' "$TMP/log"; then
	t_pass external_tls__proxy_reported_as_ipv6_only
else t_fail external_tls__proxy_reported_as_ipv6_only "$(grep held "$TMP/log")"; fi
stop_daemon
kill "$SOC"; wait "$SOC" 2>/dev/null
in_ns nft delete table inet portward 2>/dev/null
start "$TMP/ext-conf.json"
sleep 1		# lkstub binds in milliseconds; IPv6 of 5350 stays empty
if [ "$(st .ready)" = false ] && [ "$(st .child.state)" = starting ]; then
	t_pass external_tls__no_proxy__not_ready
else t_fail external_tls__no_proxy__not_ready "$(st .child)"; fi
stop_daemon
in_ns nft delete table inet portward 2>/dev/null

# coturn, supervised as a real TURN server, answers STUN through the
# rules portward attached to a drop-policy firewall.
ip -n "$NS" link add v0 type veth peer name v1
ip -n "$NS" addr add 198.51.100.1/24 dev v0
ip -n "$NS" link set v0 up
ip netns add "${NS}p" && T_NETNS+=("${NS}p")
ip -n "$NS" link set v1 netns "${NS}p"
ip -n "${NS}p" addr add 198.51.100.2/24 dev v1
ip -n "${NS}p" link set v1 up
in_ns nft -f - <<'NFT'
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		iifname "lo" accept
	}
}
NFT
cat >"$TMP/turn.json" <<JSON
{ "endpoints": [ { "name": "turn-udp", "proto": "udp", "port": 3479, "families": ["ipv4"] } ] }
JSON
cat >"$TMP/coturn.json" <<JSON
{ "mode": "host", "profile": "$TMP/turn.json", "control_socket": "$TMP/ctl.sock",
  "mapping": { "methods": [] },
  "nft": { "attach": { "family": "inet", "table": "filter", "chain": "input" } },
  "supervise": { "command": ["turnserver", "-n", "--log-file=stdout", "--simple-log",
      "--no-cli", "--pidfile=$TMP/coturn.pid", "--userdb=$TMP/turndb",
      "--listening-ip=198.51.100.1", "--listening-port=3479", "--no-tls",
      "--no-dtls", "--realm=lab.test"], "user": "turnserver",
    "ready_timeout_seconds": 10 } }
JSON
chown turnserver "$TMP"
start "$TMP/coturn.json"
stun() { ip netns exec "${NS}p" timeout 5 turnutils_stunclient -p 3479 198.51.100.1 2>&1; }
if t_wait st_is .ready true && [[ "$(stun)" == *"UDP reflexive addr: 198.51.100.2"* ]]; then
	t_pass coturn__supervised__answers_stun_through_portward_rules
else t_fail coturn__supervised__answers_stun_through_portward_rules "$(stun | tail -2) / $(tail -3 "$TMP/log")"; fi
stop_daemon
if [[ "$(stun)" != *"reflexive"* ]]; then t_pass coturn__daemon_stopped__firewall_drops_again
else t_fail coturn__daemon_stopped__firewall_drops_again; fi
t_done
