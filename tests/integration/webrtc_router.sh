#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# webrtc_router.sh: portward's verdicts against real WebRTC calls through
# a home router (tests/lib/lab.sh: Debian's miniupnpd in the router's
# namespace). portwardd on the LiveKit host asks the router for forwards
# and supervises the Go stand-in (tests/tools/sfu, current release: TURN
# on both families), which advertises the router's address as its node IP
# (as rtc.use_external_ip makes LiveKit do). From the internet side two
# clients call, one public and one behind a symmetric NAT
# (tests/lib/webrtc.sh); every cell of ICE/UDP, ICE/TCP and TURN/UDP over
# IPv4 and IPv6 must agree with both. Situations: forwards in place but no
# hairpin NAT on the router (TURN's relays cannot reach the SFU at the
# router's address: router-no-hairpin, on IPv6 too, as turn.bind_addresses
# 0.0.0.0 relays IPv6 clients at IPv4); loopback for TURN's port only
# (relays go to ICE/UDP's, still blocked); the operator's NAT loopback on;
# no forward (another LAN host holds 7881/tcp and 7882/udp: ICE/TCP
# blocked, ICE/UDP only by hole punching).
T_NAME=webrtc_router
source "$(dirname "$0")/../lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
source "$TOP/tests/lib/webrtc.sh"
t_need_root
t_need_tool ip nft jq go miniupnpd upnpc turnserver
C=${LAB_PREFIX}sym
trap 'stop_daemon; lab_down; t_netns_cleanup' EXIT
lab_test_up router
chmod 755 "$LAB_DIR"
t_go_build "$LAB_DIR"
cp "$TOP/build/go/sfu" "$TOP/build/go/webrtc-client" "$LAB_DIR/"
wr_symnat "$INET" sym0 "$C" || { t_fail symmetric_nat; exit 1; }
URL=http://$RTR_LAN4:5000/rootDesc.xml
LOG=$LAB_DIR/daemon.log
st() { lab_ctl status --json 2>/dev/null; }
WR_PUB=$INET WR_SYM=$C WR_SIG4=$WAN4 WR_SIG6="[$LAN6]" WR_BIN=$LAB_DIR WR_TMP=$LAB_DIR
WR_STATUS=st
agree() { wr_agree "$1" "ice-udp udp" "ice-tcp tcp" "turn-udp relay-udp"; }
cells() { st | jq -r '[.endpoints[] | "\(.name) \(.ipv4.verdict) \(.ipv4.reason) / \(.ipv6.verdict) \(.ipv6.reason)"] | join(", ")'; }
settled() { [ "$(st | jq -r '[.endpoints[] | .ipv4.verdict, .ipv6.verdict] | map(select(. == "unknown")) | length')" = 0 ]; }
probe_now() {	# after the reflectors' limit (a request per address every 2 s)
	sleep 2.1
	lab_ctl probe >/dev/null 2>&1
}

lab_reflectors "$PEER4" "[$PEER6]"
# Signalling: the operator's static forward of 7880 (a reverse proxy's
# port in real life), both families.
lab_exec "$RTR" nft insert rule inet filter prerouting iifname wan0 ip daddr "$WAN4" tcp dport 7880 dnat ip to "$LAN4" &&
    lab_exec "$RTR" nft insert rule inet filter forward iifname wan0 tcp dport 7880 accept ||
    { t_fail signal_forward; exit 1; }
cat >"$LAB_DIR/lk.yaml" <<'YAML'
port: 7880
rtc:
  tcp_port: 7881
  udp_port: 7882
  use_external_ip: true
turn:
  enabled: true
  udp_port: 3479
keys:
  key: a-long-secret-of-at-least-32-characters-xx
YAML
cat >"$LAB_DIR/c.json" <<JSON
{ "mode": "host", "livekit_config": "$LAB_DIR/lk.yaml", "livekit_version": "1.13.5",
  "mapping": { "methods": ["upnp"], "igd_url": "$URL" },
  "probe": { "reflectors": ["$PEER4:7900", "[$PEER6]:7900"], "interval_seconds": 3600 },
  "supervise": { "command": ["$LAB_DIR/sfu", "--config", "$LAB_DIR/lk.yaml",
                             "--node-ip", "$WAN4,$LAN6"], "user": "nobody" },
  "control_socket": "$LAB_DIR/ctl.sock" }
JSON
start_daemon() {
	ip netns exec "$LAN" "$PORTWARDD" -c "$LAB_DIR/c.json" >>"$LOG" 2>&1 &
	DPID=$!
	T_WAIT=40 t_wait settled
}

# Forwards in place, no hairpin NAT (miniupnpd's forwards are for wan0).
start_daemon
want="ice-tcp reachable  / reachable , ice-udp reachable  / reachable , turn-udp blocked router-no-hairpin / blocked router-no-hairpin"
if [ "$(cells)" = "$want" ] &&
    [ "$(st | jq -r .mapping.hairpin.ok)" = false ]; then
	t_pass no_hairpin__turn_ipv4_blocked_named
else t_fail no_hairpin__turn_ipv4_blocked_named "$(cells) $(st | jq -c .mapping.hairpin) $(tail -5 "$LOG")"; fi
agree no_hairpin__verdicts_agree_with_calls

# NAT loopback for TURN's own port only (as a static forward with
# "reflection" would give): relays go to ICE/UDP's port, and still fail.
lab_router_hairpin 7881 3479 || t_fail hairpin_rules
probe_now
T_WAIT=20 t_wait sh -c "[ \"\$(ip netns exec $LAN $PORTWARDCTL status -s $LAB_DIR/ctl.sock --json | jq -r .mapping.hairpin.ok)\" = false ]"
if [ "$(cells)" = "ice-tcp reachable  / reachable , ice-udp reachable  / reachable , turn-udp blocked router-no-hairpin / blocked router-no-hairpin" ]; then
	t_pass hairpin_turn_port_only__turn_still_blocked
else t_fail hairpin_turn_port_only__turn_still_blocked "$(cells) $(st | jq -c .mapping.hairpin)"; fi
agree hairpin_turn_port_only__verdicts_agree_with_calls

# The operator turns on NAT loopback for ICE/UDP's port too.
lab_exec "$RTR" nft add rule inet filter hairpin meta nfproto ipv4 udp dport 7882 dnat ip to "$LAN4" ||
    t_fail hairpin_rules
probe_now
if T_WAIT=20 t_wait sh -c "[ \"\$(ip netns exec $LAN $PORTWARDCTL status -s $LAB_DIR/ctl.sock --json | jq -r '.endpoints[] | select(.name == \"turn-udp\") | .ipv4.verdict')\" = reachable ]" &&
    [ "$(st | jq -r .mapping.hairpin.ok)" = true ]; then
	t_pass hairpin__turn_ipv4_reachable
else t_fail hairpin__turn_ipv4_reachable "$(cells) $(st | jq -c .mapping.hairpin)"; fi
agree hairpin__verdicts_agree_with_calls

# No forward: another LAN host holds 7881/tcp and 7882/udp on the router.
stop_daemon
L2URL=http://$RTR_LAN2_4:5000/rootDesc.xml
lab_exec "$LAN2" upnpc -u "$L2URL" -e other -a "$LAN2_4" 7881 7881 TCP >/dev/null 2>&1 &&
    lab_exec "$LAN2" upnpc -u "$L2URL" -e other -a "$LAN2_4" 7882 7882 UDP >/dev/null 2>&1 ||
    t_fail no_forward__other_host_maps
sleep 2.1
start_daemon
want="ice-tcp blocked forward-conflict / reachable , ice-udp degraded hole-punching-only / reachable , turn-udp reachable  / reachable "
if [ "$(cells)" = "$want" ]; then
	t_pass no_forward__ice_tcp_blocked_ice_udp_hole_punching
else t_fail no_forward__ice_tcp_blocked_ice_udp_hole_punching "$(cells)"; fi
agree no_forward__verdicts_agree_with_calls
stop_daemon
t_done
