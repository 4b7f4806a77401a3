#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# webrtc_verdicts.sh: portward's verdicts against real WebRTC calls. A
# LiveKit host with public addresses (its own firewall drops what it does
# not accept; portwardd attached to it), the Go stand-in (tests/tools/sfu)
# as the SFU, and on the other side of a veth pair the reflectors and two
# clients (tests/tools/webrtc-client: a public one and one behind a
# symmetric NAT), whose calls are the truth. In each situation every cell
# of ICE/UDP, ICE/TCP and TURN/UDP over IPv4 and IPv6 must agree with both
# (tests/lib/webrtc.sh says how). Situations: open; dropped by another table (IPv4 only);
# the SFU down (datagrams still pass every chain, nothing receives
# them); TURN IPv4-only (1.10.0). Behind a router: webrtc_router.sh.
T_NAME=webrtc_verdicts
source "$(dirname "$0")/../lib/testlib.sh"
source "$TOP/tests/lib/webrtc.sh"
t_need_root
t_need_tool ip nft jq go
H=pwvh$$ O=pwvo$$ C=pwvc$$
H4=198.51.100.10 H6=2001:db8:99::10 O4=198.51.100.1 O6=2001:db8:99::1
DPID= SPID=
cleanup() {
	t_stop "$DPID"
	t_stop "$SPID"
	t_ns_teardown
}
t_ns_setup "$H" "$O"
chmod 755 "$TMP"
t_go_build
cp "$TOP/build/go/sfu" "$TOP/build/go/webrtc-client" "$TMP/"
t_link_out "$H" "$O" $H4 $H6 $O4 $O6
in_h() { ip netns exec "$H" "$@"; }
in_o() { ip netns exec "$O" "$@"; }
# The second client, behind a symmetric NAT (tests/lib/webrtc.sh).
wr_symnat "$O" nat0 "$C" || { t_fail symmetric_nat; exit 1; }
WR_PUB=$O WR_SYM=$C WR_SIG4=$H4 WR_SIG6="[$H6]" WR_BIN=$TMP WR_TMP=$TMP
WR_STATUS=st
t_host_firewall "$H" 7880 || { t_fail host_firewall; exit 1; }

t_reflectors "$O" "$O4" "[$O6]" 2>/dev/null
cat >"$TMP/lk.yaml" <<YAML
port: 7880
rtc:
  tcp_port: 7881
  udp_port: 7882
  node_ip: "$H4,$H6"
turn:
  enabled: true
  udp_port: 3479
keys:
  key: a-long-secret-of-at-least-32-characters-xx
YAML
conf() {	# conf VERSION
	cat >"$TMP/c.json" <<JSON
{ "mode": "host", "livekit_config": "$TMP/lk.yaml", "livekit_version": "$1",
  "nft": { "attach": { "family": "inet", "table": "filter", "chain": "input" } },
  "mapping": { "methods": [] },
  "probe": { "reflectors": ["$O4:7900", "[$O6]:7900"], "interval_seconds": 3600 },
  "control_socket": "$TMP/ctl.sock" }
JSON
}
sfu() {		# sfu MODE: the stand-in, run by the test (so it can die)
	ip netns exec "$H" "$TMP/sfu" --config "$TMP/lk.yaml" --version-mode "$1" \
	    >>"$TMP/sfu.log" 2>&1 &
	SPID=$!
	t_wait sh -c "ip netns exec $H ss -Hltn 'sport = :7880' | grep -q ."
}
st() { in_h "$PORTWARDCTL" status -s "$TMP/ctl.sock" --json 2>/dev/null; }
unmeasured() { st | jq -r '[.endpoints[] | .ipv4.verdict, .ipv6.verdict] | map(select(. == "unknown")) | length'; }
probe_now() {	# after the reflectors' limit (a request per address every 2 s)
	sleep 2.1
	local before
	before=$(st | jq -r '[.endpoints[].ipv4.hint] | join("|")')
	in_h "$PORTWARDCTL" probe -s "$TMP/ctl.sock" >/dev/null 2>&1
	t_wait sh -c "[ \"\$(ip netns exec $H $PORTWARDCTL status -s $TMP/ctl.sock --json | jq -r '[.endpoints[].ipv4.hint] | join(\"|\")')\" != \"\$1\" ]" _ "$before"
}
verdict() { st | jq -r ".endpoints[] | select(.name == \"$1\") | .ipv$2.verdict"; }
agree() { wr_agree "$1" "ice-udp udp" "ice-tcp tcp" "turn-udp relay-udp"; }

# Open: every cell reachable, every call connects.
conf 1.13.5
sfu current
ip netns exec "$H" "$PORTWARDD" -c "$TMP/c.json" >"$TMP/log" 2>&1 &
DPID=$!
t_wait test -S "$TMP/ctl.sock"
T_WAIT=30 t_wait sh -c "[ \"\$(ip netns exec $H $PORTWARDCTL status -s $TMP/ctl.sock --json | jq -r '[.endpoints[] | .ipv4.verdict, .ipv6.verdict] | map(select(. == \"unknown\")) | length')\" = 0 ]"
if [ "$(verdict ice-udp 4)/$(verdict turn-udp 6)" = reachable/reachable ]; then
	t_pass open__cells_reachable
else t_fail open__cells_reachable "$(st | jq -c '[.endpoints[] | [.name, .ipv4.verdict, .ipv6.verdict]]') $(tail -20 "$TMP/log")"; fi
agree open__verdicts_agree_with_calls

# Dropped by another table: a second firewall (table ip guard, IPv4 only,
# before portward's chain) drops everything new but the signal port. It
# accepts established traffic first, as every stateful firewall does, so
# ICE/UDP still connects for clients the SFU's own checks reach.
in_h nft -f - <<'NFT'
table ip guard {
	chain input {
		type filter hook input priority filter - 10; policy drop;
		ct state established,related accept
		iif lo accept
		icmp type echo-request accept
		tcp dport 7880 accept
	}
}
NFT
probe_now
T_WAIT=20 t_wait sh -c "[ \"\$(ip netns exec $H $PORTWARDCTL status -s $TMP/ctl.sock --json | jq -r '.endpoints[] | select(.name == \"ice-tcp\") | .ipv4.reason')\" = dropped-by-other-table ]"
if [ "$(st | jq -r '[.endpoints[] | "\(.name) \(.ipv4.reason)"] | join(",")')" = "ice-tcp dropped-by-other-table,ice-udp hole-punching-only,turn-udp dropped-by-other-table" ] &&
    [ "$(verdict ice-udp 6)/$(verdict turn-udp 6)" = reachable/reachable ]; then
	t_pass other_table__ipv4_dropped_named_ipv6_reachable
else t_fail other_table__ipv4_dropped_named_ipv6_reachable "$(st | jq -c '[.endpoints[] | [.name, .ipv4.reason, .ipv6.verdict]]')"; fi
agree other_table__verdicts_agree_with_calls
in_h nft delete table ip guard
# Not stateful after all: a drop-everything rule before the established
# accept, or an accept of related (not established) traffic only.
for g in "drop
		ct state established,related accept" "ct state related accept"; do
	in_h nft -f - <<NFT
table ip guard {
	chain input {
		type filter hook input priority filter - 10; policy drop;
		iif lo accept
		tcp dport 7880 accept
		$g
	}
}
NFT
	probe_now
	T_WAIT=20 t_wait sh -c "[ \"\$(ip netns exec $H $PORTWARDCTL status -s $TMP/ctl.sock --json | jq -r '.endpoints[] | select(.name == \"ice-tcp\") | .ipv4.reason')\" = dropped-by-other-table ]"
	what=other_table_not_stateful__$(echo "$g" | head -1 | tr -c 'a-z\n' _)
	if [ "$(verdict ice-udp 4)" = blocked ]; then t_pass "${what}_udp_blocked"
	else t_fail "${what}_udp_blocked" "$(st | jq -c '.endpoints[1].ipv4')"; fi
	agree "${what}_verdicts_agree_with_calls"
	in_h nft delete table ip guard
done
probe_now
T_WAIT=20 t_wait sh -c "[ \"\$(ip netns exec $H $PORTWARDCTL status -s $TMP/ctl.sock --json | jq -r '.endpoints[] | select(.name == \"ice-udp\") | .ipv4.verdict')\" = reachable ]"

# The SFU down: the reflector's datagrams are still counted by portward's
# rule, but nothing receives them, and no call connects.
t_stop "$SPID"
SPID=
probe_now
if [ "$(verdict ice-udp 4)" = blocked ] &&
    [ "$(st | jq -r '.endpoints[] | select(.name == "ice-udp") | .ipv4.reason')" = no-listener ]; then
	t_pass sfu_down__udp_counted_but_blocked_no_listener
else t_fail sfu_down__udp_counted_but_blocked_no_listener "$(st | jq -c '.endpoints[] | select(.name == "ice-udp") | .ipv4')"; fi
agree sfu_down__verdicts_agree_with_calls

# LiveKit 1.10.0: TURN on IPv4 only, said and proved.
sfu 1.10.0
conf 1.10.0
kill -HUP "$DPID"
t_wait sh -c "[ \"\$(ip netns exec $H $PORTWARDCTL status -s $TMP/ctl.sock --json | jq -r '.endpoints[] | select(.name == \"turn-udp\") | .ipv6.verdict')\" = impossible ]"
probe_now
T_WAIT=20 t_wait sh -c "[ \"\$(ip netns exec $H $PORTWARDCTL status -s $TMP/ctl.sock --json | jq -r '.endpoints[] | select(.name == \"ice-udp\") | .ipv4.verdict')\" = reachable ]"
if [ "$(verdict turn-udp 6)" = impossible ] && [ "$(verdict turn-udp 4)" = reachable ]; then
	t_pass turn_1_10_0__ipv6_impossible
else t_fail turn_1_10_0__ipv6_impossible "$(st | jq -c '.endpoints[] | select(.name == "turn-udp")')"; fi
agree turn_1_10_0__verdicts_agree_with_calls
t_stop "$DPID"
DPID=
t_done
