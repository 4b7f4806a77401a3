#!/usr/bin/env bash
# webrtc_verdicts.sh: portward's verdicts against real WebRTC calls. A
# LiveKit host with public addresses (its own firewall drops what it does
# not accept; portwardd attached to it), the Go stand-in (tests/tools/sfu)
# as the SFU, and on the other side of a veth pair the reflectors and the
# client (tests/tools/webrtc-client), whose call is the truth. In each
# situation every cell of ICE/UDP, ICE/TCP and TURN/UDP over IPv4 and IPv6
# must agree: reachable when the call connects, blocked or impossible when
# it does not. Situations: open; dropped by another table (IPv4 only);
# the SFU down (datagrams still counted by portward's rule, nothing to
# receive them); TURN IPv4-only (1.10.0). Behind a router: webrtc_router.sh.
T_NAME=webrtc_verdicts
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool ip nft jq go
H=pwvh$$ O=pwvo$$ C=pwvc$$
H4=198.51.100.10 H6=2001:db8:99::10 O4=198.51.100.1 O6=2001:db8:99::1
TMP=$(mktemp -d)
chmod 755 "$TMP"
DPID= SPID= R4= R6=
stop() {	# stop PID: TERM, reap
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
cleanup() {
	stop "$DPID"
	stop "$SPID"
	stop "$R4"
	stop "$R6"
	t_netns_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT

if ! "$TOP/tests/tools/go-build.sh" "$TOP/build/go" >"$TMP/build.log" 2>&1; then
	t_fail go_build "$(tail -5 "$TMP/build.log")"
	exit 1
fi
cp "$TOP/build/go/sfu" "$TOP/build/go/webrtc-client" "$TMP/"
t_netns "$H" && t_netns "$O" || { t_fail netns; exit 1; }
t_veth "$H" eth0 "$O" eth0 $H4/24 $H6/64 $O4/24 $O6/64 || { t_fail veth; exit 1; }
ip -n "$H" route add default via $O4
ip -n "$H" -6 route add default via $O6
in_h() { ip netns exec "$H" "$@"; }
in_o() { ip netns exec "$O" "$@"; }
# A second client, behind a symmetric NAT in O (a new random port for every
# destination, nothing let in that it did not send out first): no check of
# the SFU's reaches it, so only a port open to unsolicited datagrams lets
# its call through. The first client (in O, a public address) also gets
# calls through a stateful firewall: the SFU's own checks open the way.
t_netns "$C" && t_veth "$O" nat0 "$C" eth0 10.99.0.1/24 fd99::1/64 10.99.0.2/24 fd99::2/64 &&
    ip -n "$C" route add default via 10.99.0.1 && ip -n "$C" -6 route add default via fd99::1 &&
    in_o sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 &&
    in_o nft -f - <<'NFT' || { t_fail symmetric_nat; exit 1; }
table inet symnat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		iifname "nat0" oifname "eth0" masquerade fully-random
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		iifname "nat0" accept
		ct state established,related accept
	}
}
NFT
t_host_firewall "$H" 7880 || { t_fail host_firewall; exit 1; }

ip netns exec "$O" "$PORTWARDCTL" reflector --listen "$O4:7900" 2>/dev/null &
R4=$!
ip netns exec "$O" "$PORTWARDCTL" reflector --listen "[$O6]:7900" 2>/dev/null &
R6=$!
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
# call NS FAMILY POLICY: true when the data channel echoed
call() {
	local sig=$H4
	[ "$2" = 6 ] && sig="[$H6]"
	ip netns exec "$1" "$TMP/webrtc-client" --signal "http://$sig:7880" \
	    --family "$2" --policy "$3" --timeout 6s 2>/dev/null | jq -r .echo 2>/dev/null
}
# agree SITUATION: every cell's verdict against its calls, made at once,
# from the public client (O) and the one behind symmetric NAT (C):
# reachable: both connect; degraded (unsolicited-udp-dropped): only the
# public one; blocked, impossible: neither.
agree() {
	local what=$1 row name policy fam v ns got want bad= i=0
	local -a vs
	for row in "ice-udp udp" "ice-tcp tcp" "turn-udp relay-udp"; do
		set -- $row
		for fam in 4 6; do
			vs[i]=$(st | jq -r ".endpoints[] | select(.name == \"$1\") | .ipv$fam | .verdict + (if .reason != \"\" then \" (\" + .reason + \")\" else \"\" end)")
			for ns in "$O" "$C"; do
				call "$ns" $fam "$2" >"$TMP/call.$i.$ns" &
			done
			i=$((i + 1))
		done
	done
	wait $(jobs -p | grep -vx "$DPID\|$SPID\|$R4\|$R6")
	i=0
	for row in "ice-udp udp" "ice-tcp tcp" "turn-udp relay-udp"; do
		set -- $row
		for fam in 4 6; do
			v=${vs[i]}
			got=
			for ns in "$O" "$C"; do
				got="$got$([ "$(cat "$TMP/call.$i.$ns")" = true ] && echo +connected || echo +"no call")"
			done
			case $v in
			reachable) want="+connected+connected" ;;
			"degraded (unsolicited-udp-dropped)") want="+connected+no call" ;;
			blocked* | impossible*) want="+no call+no call" ;;
			*) want="a settled verdict" ;;
			esac
			[ "$got" = "$want" ] || bad="$bad $1/ipv$fam: $v but public/symmetric-NAT clients: $got;"
			i=$((i + 1))
		done
	done
	if [ -z "$bad" ]; then t_pass "$what"
	else t_fail "$what" "$bad"; fi
}

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
if [ "$(st | jq -r '[.endpoints[] | "\(.name) \(.ipv4.reason)"] | join(",")')" = "ice-tcp dropped-by-other-table,ice-udp unsolicited-udp-dropped,turn-udp dropped-by-other-table" ] &&
    [ "$(verdict ice-udp 6)/$(verdict turn-udp 6)" = reachable/reachable ]; then
	t_pass other_table__ipv4_dropped_named_ipv6_reachable
else t_fail other_table__ipv4_dropped_named_ipv6_reachable "$(st | jq -c '[.endpoints[] | [.name, .ipv4.reason, .ipv6.verdict]]')"; fi
agree other_table__verdicts_agree_with_calls
in_h nft delete table ip guard
probe_now
T_WAIT=20 t_wait sh -c "[ \"\$(ip netns exec $H $PORTWARDCTL status -s $TMP/ctl.sock --json | jq -r '.endpoints[] | select(.name == \"ice-udp\") | .ipv4.verdict')\" = reachable ]"

# The SFU down: the reflector's datagrams are still counted by portward's
# rule, but nothing receives them, and no call connects.
stop "$SPID"
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
stop "$DPID"
DPID=
t_done
