#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# probe.sh: reachability per IP family, measured from outside. The lab's
# internet side runs two reflectors (IPv4 and IPv6); the LiveKit host runs
# portwardd with the LiveKit stand-in (tests/tools/sfu, as LiveKit 1.10.0)
# behind miniupnpd, which loops the forwards back (hairpin NAT) so that
# TURN's relays reach the SFU. The final table: IPv4 reachable
# everywhere, IPv6 reachable for ICE and impossible for TURN (LiveKit
# 1.10.0 binds TURN to IPv4). Then the reflector's limits:
# it probes only the asker, refuses bad requests, rate-limits.
T_NAME=probe
source "$(dirname "$0")/../lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
t_need_root
t_need_tool ip nft jq socat miniupnpd upnpc turnserver go
trap lab_down EXIT
lab_test_up sfu router
lab_router_hairpin "{ 7881, 5350 }" "{ 7882, 3479 }" || { t_fail lab_router_hairpin; exit 1; }
lab_reflectors "$PEER4" "[$PEER6]"
st() { lab_ctl status --json 2>/dev/null | jq -r "$1"; }
cell() { st ".endpoints[] | select(.name==\"$1\") | .$2 | \"\(.verdict) \(.reason)\""; }
probed() { [ "$(st '[.endpoints[] | .ipv4.verdict, .ipv6.verdict] | map(select(. == "unknown")) | length')" = 0 ]; }

cat >"$LAB_DIR/c.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json",
  "control_socket": "$LAB_DIR/ctl.sock",
  "mapping": { "methods": ["upnp"], "igd_url": "http://$RTR_LAN4:5000/rootDesc.xml" },
  "probe": { "reflectors": ["$PEER4:7900", "[$PEER6]:7900"] },
  "supervise": { "command": $LAB_SFU_JSON, "user": "nobody" } }
JSON
lab_bg "$LAN" "$PORTWARDD" -c "$LAB_DIR/c.json"
DPID=${LAB_PIDS[-1]}
T_WAIT=30 t_wait probed
lab_ctl status --json >"$LAB_DIR/status.json" 2>/dev/null
for e in ice-tcp ice-udp turn-udp turn-tls; do
	v=$(cell $e ipv4)
	if [ "$v" = "reachable " ]; then t_pass "verdict__${e}_ipv4__reachable"
	else t_fail "verdict__${e}_ipv4__reachable" "$v"; fi
done
for e in ice-tcp ice-udp; do
	v=$(cell $e ipv6)
	if [ "$v" = "reachable " ]; then t_pass "verdict__${e}_ipv6__reachable_through_pinhole"
	else t_fail "verdict__${e}_ipv6__reachable_through_pinhole" "$v"; fi
done
for e in turn-udp turn-tls; do
	v=$(cell $e ipv6)
	if [ "$v" = "impossible livekit-turn-ipv4-only" ]; then t_pass "verdict__${e}_ipv6__impossible_livekit_turn_ipv4_only"
	else t_fail "verdict__${e}_ipv6__impossible_livekit_turn_ipv4_only" "$v"; fi
done
h=$(st '.endpoints[] | select(.name=="ice-udp") | .ipv6.hint')
if [[ $h == *"datagrams passed every chain"* ]]; then t_pass probe__udp_mux__confirmed_by_rule_counter
else t_fail probe__udp_mux__confirmed_by_rule_counter "$h"; fi
h=$(st '.endpoints[] | select(.name=="turn-udp") | .ipv4.hint')
if [[ $h == *'TURN Allocate answered over UDP: 401 with realm "livekit" and a nonce'* ]]; then t_pass probe__turn_udp__allocate_401_proves_turn
else t_fail probe__turn_udp__allocate_401_proves_turn "$h"; fi

# The SFU stops serving ICE/TCP: the next probe says so.
kill -STOP "$(st .child.pid)"
# After the reflector's rate limit (one request per address every 2 s):
# a refused request measures nothing (reflector-failed), it blocks nothing.
sleep 2.1
lab_ctl probe >/dev/null
T_WAIT=30 t_wait sh -c "[ \"\$(ip netns exec $LAN $PORTWARDCTL status -s $LAB_DIR/ctl.sock --json | jq -r '.endpoints[] | select(.name==\"turn-udp\") | .ipv4.verdict')\" = blocked ]"
v=$(cell turn-udp ipv4)
if [ "$v" = "blocked probe-failed" ]; then t_pass verdict__sfu_frozen__probe_failed
else t_fail verdict__sfu_frozen__probe_failed "$v"; fi
kill -CONT "$(st .child.pid)"
out=$(lab_ctl status 2>&1)
if [ $? -eq 1 ] && [[ $out == *"turn-udp ipv4: not reached from $PEER4:7900"* ]]; then
	t_pass status__probe_failed__exit_1_with_hint
else t_fail status__probe_failed__exit_1_with_hint; fi

# The reflector probes the asker only, within limits. The asker here is
# the internet host's second address, where nothing listens on 7881:
# the answer must be about that address and say no.
ask() {	# ask NS ADDR JSON
	lab_exec "$1" socat -T5 - "TCP:$2:7900,bind=$PEER4B" <<<"$3" 2>/dev/null
}
a=$(ask "$INET" $PEER4 '{"probes":[{"name":"x","kind":"tcp","port":7881}]}')
if [ "$(jq -r .from <<<"$a")" = "$PEER4B" ] && [ "$(jq -r '.results[0].ok' <<<"$a")" = false ]; then
	t_pass reflector__probes_the_asker_only
else t_fail reflector__probes_the_asker_only "$a"; fi
a=$(ask "$INET" $PEER4 '{"probes":[{"name":"x","kind":"tcp","port":7881}]}')
if [[ $(jq -r .error <<<"$a") == "rate limited"* ]]; then t_pass reflector__rate_limited
else t_fail reflector__rate_limited "$a"; fi
sleep 2.1
many=$(jq -nc '{probes: [range(17) | {name: "x", kind: "tcp", port: 1}]}')
a=$(ask "$INET" $PEER4 "$many")
b=$(sleep 2.1; ask "$INET" $PEER4 '{"probes":[{"name":"x","kind":"tcp","port":0}]}')
c=$(sleep 2.1; ask "$INET" $PEER4 '{"probes":[{"name":"x","kind":"shell","port":22}]}')
if [[ $(jq -r .error <<<"$a") == expected* ]] && [[ $(jq -r .error <<<"$b") == "a probe needs"* ]] &&
    [[ $(jq -r .error <<<"$c") == "a probe needs"* ]]; then
	t_pass reflector__bad_requests_refused
else t_fail reflector__bad_requests_refused "$a $b $c"; fi
stop_daemon

# doctor: the same verdicts without a daemon, from its own probes.
lab_bg "$LAN" "${LAB_SFU[@]}"
lab_wait_listen "$LAN" 7881
doctor() { sleep 2.1; lab_exec "$LAN" "$PORTWARDCTL" doctor -c "$LAB_DIR/c.json" --json 2>/dev/null; }
dcell() { jq -r ".endpoints[] | select(.name==\"$2\") | .$3 | \"\(.verdict) \(.reason)\"" <<<"$1"; }
j=$(doctor); rc=$?
# The LiveKit host has no firewall of its own (an empty ruleset accepts
# everything): what stops the reflector is the router, without a forward.
if [ $rc -eq 1 ] && [ "$(dcell "$j" ice-tcp ipv4)" = "blocked probe-failed" ] &&
    [ "$(jq -r .doctor <<<"$j")" = true ] &&
    ! lab_exec "$INET" socat -u -T1 OPEN:/dev/null "TCP:$WAN4:7881,connect-timeout=2" 2>/dev/null; then
	t_pass doctor__no_daemon_no_firewall_no_forward__probe_failed_exit_1
else t_fail doctor__no_daemon_no_firewall_no_forward__probe_failed_exit_1 "rc=$rc $(dcell "$j" ice-tcp ipv4)"; fi
lab_exec "$LAN" "$PORTWARDCTL" apply -c "$LAB_DIR/c.json" >/dev/null 2>&1
lab_exec "$LAN" upnpc -u "http://$RTR_LAN4:5000/rootDesc.xml" -e by-hand -a $LAN4 7881 7881 TCP >/dev/null 2>&1
j=$(doctor)
if [ "$(dcell "$j" ice-tcp ipv4)" = "reachable " ] && [ "$(dcell "$j" turn-udp ipv4)" = "blocked probe-failed" ] &&
    [ "$(dcell "$j" turn-udp ipv6)" = "impossible livekit-turn-ipv4-only" ]; then
	t_pass doctor__forward_by_hand__measured_per_endpoint
else t_fail doctor__forward_by_hand__measured_per_endpoint "$(dcell "$j" ice-tcp ipv4) / $(dcell "$j" turn-udp ipv4)"; fi
# Both documents, a supervising daemon's with forwards and doctor's with
# probes, against docs/schema/status.schema.json.
if [ "$(jq -r '.child.configured, (.mapping.forwards | length > 0)' "$LAB_DIR/status.json" | tr '\n' ' ')" = "true true " ] &&
    t_schema status "$LAB_DIR/status.json" - <<<"$j" 2>"$LAB_DIR/schema.err"; then
	t_pass schema__status_json__supervising_daemon_and_doctor_with_probes_valid
else t_fail schema__status_json__supervising_daemon_and_doctor_with_probes_valid "$(head -c 600 "$LAB_DIR/schema.err")"; fi
lab_exec "$LAN" "$PORTWARDCTL" flush -c "$LAB_DIR/c.json" >/dev/null 2>&1
t_done
