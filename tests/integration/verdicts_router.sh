#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# verdicts_router.sh: router-mode verdicts against the truth measured from
# the internet (tests/lib/lab.sh: the LiveKit host, the router running
# portwardd in router mode, the internet with the reflectors). IPv4 is
# DNATed at the router; IPv6 is routed to the host's own address, which
# the reflector probes because the router asks from its own address in
# the host's /64 ("target": refl_target, docs/security.md), and counts in
# its forward chain. Situations: open; nothing listening on the UDP port
# (ICMP port unreachable back at the reflector). And the reflector's
# limit: a target outside the requester's own /64 is refused.
T_NAME=verdicts_router
source "$(dirname "$0")/../lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
t_need_root
t_need_tool ip nft jq socat
DPID= UPID=
trap 'stop_daemon; t_stop "$UPID"; lab_down' EXIT
lab_test_up
lab_reflectors "$PEER4" "[$PEER6]"
lab_bg "$LAN" socat TCP6-LISTEN:7881,ipv6only=0,reuseaddr,fork SYSTEM:'echo pong'
ip netns exec "$LAN" socat UDP6-RECVFROM:7882,ipv6only=0,reuseaddr,fork SYSTEM:'echo pong' 2>/dev/null &
UPID=$!
lab_wait_listen "$LAN" 7881
cat >"$LAB_DIR/p.json" <<'JSON'
{ "endpoints": [
  { "name": "ice-tcp", "proto": "tcp", "port": 7881, "families": ["ipv4", "ipv6"] },
  { "name": "ice-udp", "proto": "udp", "port": 7882, "families": ["ipv4", "ipv6"] } ] }
JSON
cat >"$LAB_DIR/r.json" <<JSON
{ "mode": "router", "profile": "$LAB_DIR/p.json",
  "router": { "wan_interface": "wan0", "lan_host_ipv4": "$LAN4", "lan_host_ipv6": "$LAN6" },
  "probe": { "reflectors": ["$PEER4:7900", "[$PEER6]:7900"], "interval_seconds": 3600 },
  "control_socket": "$LAB_DIR/r.sock" }
JSON
st() { lab_exec "$RTR" "$PORTWARDCTL" status -s "$LAB_DIR/r.sock" --json 2>/dev/null; }
cells() { st | jq -r '[.endpoints[] | "\(.name) \(.ipv4.verdict) \(.ipv4.reason) / \(.ipv6.verdict) \(.ipv6.reason)"] | join(", ")'; }
truth() {	# truth tcp|udp 4|6: from the internet, as a client comes
	local a=$WAN4 k=UDP4 r
	[ "$2" = 6 ] && a="[$LAN6]" k=UDP6
	if [ "$1" = tcp ]; then
		r=$(lab_exec "$INET" socat -T2 - "TCP:$a:7881,connect-timeout=2" </dev/null 2>/dev/null)
	else
		for _ in 1 2 3; do	# lost or late on a loaded machine
			r=$(echo ping | lab_exec "$INET" socat -T2 - "$k:$a:7882" 2>/dev/null)
			[ "$r" = pong ] && break
		done
	fi
	[ "$r" = pong ] && echo reachable || echo not
}
agree() {
	local what=$1 name fam v want got bad=
	for name in ice-tcp ice-udp; do
		for fam in 4 6; do
			v=$(st | jq -r ".endpoints[] | select(.name == \"$name\") | .ipv$fam.verdict")
			got=$(truth "${name#ice-}" $fam)
			case $v in
			reachable) want=reachable ;;
			blocked | impossible | degraded) want=not ;;
			*) want="a settled verdict" ;;
			esac
			[ "$got" = "$want" ] || bad="$bad $name/ipv$fam: $v, truth $got;"
		done
	done
	if [ -z "$bad" ]; then t_pass "$what"; else t_fail "$what" "$bad"; fi
}
settled() { [ "$(st | jq -r '[.endpoints[] | .ipv4.verdict, .ipv6.verdict] | map(select(. == "unknown")) | length')" = 0 ]; }

ip netns exec "$RTR" "$PORTWARDD" -c "$LAB_DIR/r.json" >"$LAB_DIR/log" 2>&1 &
DPID=$!
T_WAIT=30 t_wait settled
if [ "$(cells)" = "ice-tcp reachable  / reachable , ice-udp reachable  / reachable " ] &&
    [[ $(st | jq -r '.endpoints[1].ipv6.hint') == *"[$PEER6]:7900"* ]]; then
	t_pass router_open__ipv6_host_probed_through_the_router
else t_fail router_open__ipv6_host_probed_through_the_router "$(cells) $(tail -3 "$LAB_DIR/log")"; fi
agree router_open__verdicts_agree

# Nothing listens on 7882/udp on the host: the kernel there answers ICMP
# port unreachable, which the reflector sees.
t_stop "$UPID"; UPID=
sleep 2.1
lab_exec "$RTR" "$PORTWARDCTL" probe -s "$LAB_DIR/r.sock" >/dev/null
T_WAIT=20 t_wait sh -c "[ \"\$(ip netns exec $RTR $PORTWARDCTL status -s $LAB_DIR/r.sock --json | jq -r '.endpoints[1] | .ipv4.verdict + .ipv6.verdict')\" = blockedblocked ]"
if [ "$(cells)" = "ice-tcp reachable  / reachable , ice-udp blocked probe-failed / blocked probe-failed" ] &&
    [[ $(st | jq -r '.endpoints[1].ipv4.hint') == *"ICMP port unreachable"* ]]; then
	t_pass router_udp_nothing_listens__blocked
else t_fail router_udp_nothing_listens__blocked "$(cells) $(st | jq -r '.endpoints[1].ipv4.hint')"; fi
agree router_udp_nothing_listens__verdicts_agree

# The reflector's limit: from the internet, the LiveKit host is not in the
# requester's /64, so it is not probed.
sleep 2.1
a=$(lab_exec "$INET" socat -T5 - "TCP:[$PEER6]:7900" <<<"{\"probes\":[{\"name\":\"x\",\"kind\":\"tcp\",\"port\":7881}],\"target\":\"$LAN6\"}" 2>/dev/null)
if [[ $(jq -r .error <<<"$a") == "target: only an address in the requester's own /64" ]]; then
	t_pass reflector__target_outside_own_64__refused
else t_fail reflector__target_outside_own_64__refused "$a"; fi
t_done
