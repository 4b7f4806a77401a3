#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# webrtc_smoke.sh: the Go LiveKit stand-in (tests/tools/sfu) and a real
# WebRTC client (tests/tools/webrtc-client) in two namespaces joined by a
# veth pair. Each way into the SFU is proved by a data channel echo over
# the candidate pair the client reports: ICE/UDP (mux 7882), ICE/TCP
# (7881), TURN/UDP (3479) and TURN/TLS (5350, SNI turn.example.com, the
# certificate checked) over IPv4 and IPv6. LiveKit 1.10.0's IPv4-only
# TURN fails over IPv6 where the current binding succeeds, and a dropped
# ICE/UDP port fails the UDP-only client.
T_NAME=webrtc_smoke
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool ip nft openssl go jq
S=pwws$$ C=pwwc$$
S4=192.0.2.1 C4=192.0.2.2 S6=2001:db8::1 C6=2001:db8::2
TMP=$(mktemp -d)
SFU_PID=
stop_sfu() {
	[ -n "$SFU_PID" ] || return 0
	kill -TERM "$SFU_PID" 2>/dev/null
	wait "$SFU_PID"
	local rc=$?
	SFU_PID=
	return $rc
}
trap 'stop_sfu; t_netns_cleanup; rm -rf "$TMP"' EXIT

GO_OUT=$TOP/build/go
t_go_build "$TMP" "$GO_OUT"
t_netns "$S" && t_netns "$C" || { t_fail netns "cannot create"; exit 1; }
t_veth "$S" v0 "$C" v1 $S4/24 $S6/64 $C4/24 $C6/64 || { t_fail veth; exit 1; }

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=turn.example.com -addext subjectAltName=DNS:turn.example.com \
    -keyout "$TMP/turn.key" -out "$TMP/turn.crt" 2>/dev/null &&
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=turn.example.com -addext subjectAltName=DNS:turn.example.com \
    -keyout "$TMP/other.key" -out "$TMP/other.crt" 2>/dev/null || { t_fail openssl; exit 1; }
cat >"$TMP/livekit.yaml" <<YAML
port: 7880
rtc:
  tcp_port: 7881
  udp_port: 7882
  node_ip: "$S4,$S6"
turn:
  enabled: true
  udp_port: 3479
  tls_port: 5350
  domain: turn.example.com
  cert_file: $TMP/turn.crt
  key_file: $TMP/turn.key
YAML

start_sfu() {	# start_sfu MODE
	: >"$TMP/sfu.out"
	ip netns exec "$S" "$GO_OUT/sfu" --config "$TMP/livekit.yaml" --version-mode "$1" \
	    >"$TMP/sfu.out" 2>>"$TMP/sfu.log" &
	SFU_PID=$!
	T_WAIT=10 t_wait grep -qx listening "$TMP/sfu.out"
}

# client NAME FAMILY POLICY JQ-CONDITION [ARGS...]: pass when the client's
# JSON line satisfies the condition (and, when it expects an echo, exits 0).
client() {
	local name=$1 fam=$2 pol=$3 cond=$4 sig=$S4 out rc want
	shift 4
	[ "$fam" = 6 ] && sig="[$S6]"
	out=$(ip netns exec "$C" "$GO_OUT/webrtc-client" --signal "http://$sig:7880" \
	    --policy "$pol" --family "$fam" --timeout 10s "$@" 2>>"$TMP/client.log")
	rc=$?
	[ -n "${T_VERBOSE:-}" ] && echo "$name: $out" >&2
	want=1
	[ "$(jq -r .echo <<<"$out" 2>/dev/null)" = true ] && want=0
	if [ $rc -eq $want ] && jq -e "$cond" <<<"$out" >/dev/null 2>&1; then
		t_pass "$name"
	else
		t_fail "$name" "rc=$rc $out"
	fi
}
ok4='.connected and .echo and .local.family == "ipv4" and .remote.family == "ipv4"'
ok6='.connected and .echo and .local.family == "ipv6" and .remote.family == "ipv6"'
relay='.connected and .echo and .local.type == "relay" and .local.address == "'$S4'"'
failed='(.connected | not) and (.echo | not)'
norelay=$failed' and (.error | startswith("no relay candidate"))'

if start_sfu current; then t_pass sfu_current__listening
else t_fail sfu_current__listening "$(cat "$TMP/sfu.log")"; exit 1; fi
s=$(ip netns exec "$S" ss -Hlnu; ip netns exec "$S" ss -Hlnt)
if grep -q "$S4:7882 " <<<"$s" && grep -q "\[$S6\]:7882 " <<<"$s" &&
    grep -q '\*:7881 ' <<<"$s" && grep -q '\*:3479 ' <<<"$s" && grep -q '\*:5350 ' <<<"$s"; then
	t_pass sfu_current__sockets__udp_mux_per_address_tcp_and_turn_dual_stack
else t_fail sfu_current__sockets__udp_mux_per_address_tcp_and_turn_dual_stack "$s"; fi

for fam in 4 6; do
	ok=ok$fam
	client "ice_all__ipv${fam}__echo" $fam all "${!ok}"
	client "ice_udp__ipv${fam}__echo_over_udp_mux_7882" $fam udp \
	    "${!ok}"' and .local.type == "host" and .local.protocol == "udp" and .remote.port == 7882'
	client "ice_tcp__ipv${fam}__echo_over_tcp_7881" $fam tcp \
	    "${!ok}"' and .local.type == "host" and .local.protocol == "tcp" and .remote.port == 7881'
done
client turn_udp__ipv4__relayed_echo 4 relay-udp "$relay"
client turn_tls__ipv4__relayed_echo_cert_verified_for_domain 4 relay-tls "$relay" \
    --turn-host "$S4:5350" --ca "$TMP/turn.crt"
client turn_tls__wrong_ca__no_relay 4 relay-tls "$norelay" \
    --turn-host "$S4:5350" --ca "$TMP/other.crt"
client turn_udp__ipv6__current_dual_stack__relayed_echo 6 relay-udp "$relay"
client turn_tls__ipv6__current_dual_stack__relayed_echo 6 relay-tls "$relay" \
    --turn-host "[$S6]:5350" --ca "$TMP/turn.crt"

# ICE/UDP dropped at the SFU: the UDP-only client fails, ICE/TCP still works.
ip netns exec "$S" nft -f - <<'NFT'
table inet pwtest {
	chain in {
		type filter hook input priority 0;
		udp dport 7882 drop
	}
}
NFT
client ice_udp__port_7882_dropped__not_connected 4 udp "$failed"' and (.error | startswith("not connected"))'
client ice_all__port_7882_dropped__falls_back_to_tcp 4 all "$ok4"' and .local.protocol == "tcp"'
ip netns exec "$S" nft delete table inet pwtest

if stop_sfu; then t_pass sfu_current__sigterm__exit_0
else t_fail sfu_current__sigterm__exit_0 "exit $?"; fi

# LiveKit 1.10.0: TURN on udp4/tcp4 0.0.0.0 only.
if start_sfu 1.10.0; then t_pass sfu_1_10_0__listening
else t_fail sfu_1_10_0__listening "$(cat "$TMP/sfu.log")"; exit 1; fi
s=$(ip netns exec "$S" ss -Hlnu; ip netns exec "$S" ss -Hlnt)
if grep -q '0.0.0.0:3479 ' <<<"$s" && grep -q '0.0.0.0:5350 ' <<<"$s" && ! grep -q '\*:3479 ' <<<"$s"; then
	t_pass sfu_1_10_0__turn_sockets_ipv4_only
else t_fail sfu_1_10_0__turn_sockets_ipv4_only "$s"; fi
client turn_udp__ipv4__1_10_0__relayed_echo 4 relay-udp "$relay"
client turn_udp__ipv6__1_10_0__no_relay 6 relay-udp "$norelay"
client turn_tls__ipv6__1_10_0__no_relay 6 relay-tls "$norelay" \
    --turn-host "[$S6]:5350" --ca "$TMP/turn.crt"
client ice_udp__ipv6__1_10_0__echo 6 udp "$ok6"
stop_sfu
t_done
