#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# turn_tls.sh: TURN over TCP and TLS proved at protocol level, next to a
# real TURN client's allocation as the truth. A host (H) stands for the
# LiveKit host, with coturn standing for LiveKit's TURN (same protocol:
# an Allocate without credentials gets a 401 with realm and nonce), and
# the outside (O) runs the reflectors and the truth: tests/tools/
# webrtc-client --allocate (pion/turn, authenticated, over TCP or TLS
# with SNI turn.domain). doctor reads livekit.yaml: clients are told
# turns:turn.example.com:443 (LiveKit's rule, pkg/service/turn.go and
# pkg/rtc/config: the TLS URL always carries port 443), TURN/TLS listens on
# 5350. Situations: a TLS proxy on 443 handing TURN to plain TCP on 5350
# (turn.external_tls: true); an HTTPS server on 443 that does not route
# TURN; a plain TCP proxy on 443 (no TLS); LiveKit's own TLS on 5350 with
# a passthrough proxy on 443.
T_NAME=turn_tls
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool ip jq socat openssl turnserver go
H=pwtth$$ O=pwtto$$
H4=198.51.100.10 H6=2001:db8:98::10 O4=198.51.100.1 O6=2001:db8:98::1
TURN= P443=
cleanup() {
	t_stop "$TURN"
	t_stop "$P443"
	t_ns_teardown
}
t_ns_setup "$H" "$O"
chmod 755 "$TMP"
t_go_build
t_link_out "$H" "$O" $H4 $H6 $O4 $O6
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=turn.example.com -keyout "$TMP/k.pem" -out "$TMP/c.pem" 2>/dev/null
chmod 644 "$TMP/k.pem"

t_reflectors "$O" "$O4" "[$O6]" 2>/dev/null

yaml() {	# yaml EXTERNAL_TLS
	cat >"$TMP/livekit.yaml" <<YAML
port: 7880
rtc:
  tcp_port: 7881
  udp_port: 7882
turn:
  enabled: true
  domain: turn.example.com
  tls_port: 5350
  external_tls: $1
  cert_file: $TMP/c.pem
  key_file: $TMP/k.pem
keys:
  key: a-long-secret-of-at-least-32-characters-xx
YAML
}
cat >"$TMP/c.json" <<JSON
{ "mode": "host", "livekit_config": "$TMP/livekit.yaml", "livekit_version": "1.13.5",
  "mapping": { "methods": [] },
  "probe": { "reflectors": ["$O4:7900", "[$O6]:7900"] } }
JSON
# LiveKit's TURN: plain TCP on 5350 (external_tls), or TLS on 5350.
turn_up() {	# turn_up tcp|tls
	t_stop "$TURN"
	if [ "$1" = tcp ]; then
		ip netns exec "$H" turnserver -n --no-cli --log-file=stdout --simple-log \
		    --pidfile="$TMP/turn.pid" --userdb="$TMP/turndb" \
		    --listening-port=5350 --no-tls --no-dtls --no-udp \
		    --lt-cred-mech --user u:p --realm turn.example.com >"$TMP/turn.log" 2>&1 &
	else
		ip netns exec "$H" turnserver -n --no-cli --log-file=stdout --simple-log \
		    --pidfile="$TMP/turn.pid" --userdb="$TMP/turndb" \
		    --listening-port=3478 --listening-ip=127.0.0.1 --tls-listening-port=5350 \
		    --listening-ip=$H4 --listening-ip=$H6 --no-dtls --no-udp \
		    --cert="$TMP/c.pem" --pkey="$TMP/k.pem" \
		    --lt-cred-mech --user u:p --realm turn.example.com >"$TMP/turn.log" 2>&1 &
	fi
	TURN=$!
	t_wait sh -c "ip netns exec $H ss -Hltn 'sport = :5350' | grep -q ."
}
# What listens on 443, dual-stack.
# https reads the request (a TURN Allocate is at least 20 bytes) before it
# answers and closes: a server that closed first would reset the
# connection under the client's request and its answer with it.
p443() {	# p443 tls-proxy|https|tcp-proxy
	t_stop "$P443"
	case $1 in
	tls-proxy) ip netns exec "$H" socat OPENSSL-LISTEN:443,pf=ip6,ipv6only=0,cert="$TMP/c.pem",key="$TMP/k.pem",verify=0,reuseaddr,fork TCP:127.0.0.1:5350 2>/dev/null & ;;
	https) ip netns exec "$H" socat OPENSSL-LISTEN:443,pf=ip6,ipv6only=0,cert="$TMP/c.pem",key="$TMP/k.pem",verify=0,reuseaddr,fork SYSTEM:'head -c 20 >/dev/null; printf "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"' 2>/dev/null & ;;
	tcp-proxy) ip netns exec "$H" socat TCP6-LISTEN:443,ipv6only=0,reuseaddr,fork TCP:127.0.0.1:5350 2>/dev/null & ;;
	esac
	P443=$!
	t_wait sh -c "ip netns exec $H ss -Hltn 'sport = :443' | grep -q ."
}
# The truth: an authenticated allocation from outside, "ok" or "no".
truth() {	# truth ADDR PORT tls|tcp
	local t=
	[ "$3" = tls ] && t=--tls
	if ip netns exec "$O" "$TOP/build/go/webrtc-client" --allocate "$1:$2" $t \
	    --sni turn.example.com --user u --pass p --timeout 3s >/dev/null 2>&1; then
		echo ok
	else echo no; fi
}
doctor() { sleep 2.1; ip netns exec "$H" "$PORTWARDCTL" doctor -c "$TMP/c.json" --json 2>/dev/null; }
cell() { jq -r ".endpoints[] | select(.name == \"$2\") | .$3 | \"\(.verdict) \(.reason)\"" <<<"$1"; }
hint() { jq -r ".endpoints[] | select(.name == \"$2\") | .$3.hint" <<<"$1"; }
# check NAME JSON ENDPOINT FAM PORT PROTO WANT-CELL HINT-PART
check() {
	local got t want a=$H4
	[ "$4" = ipv6 ] && a="[$H6]"
	got=$(cell "$2" "$3" "$4")
	t=$(truth "$a" "$5" "$6")
	case $7 in reachable*) want=ok ;; *) want=no ;; esac
	if [ "$got" = "$7" ] && [ "$t" = "$want" ] && [[ $(hint "$2" "$3" "$4") == *"$8"* ]]; then
		t_pass "$1"
	else t_fail "$1" "$got (want $7), allocation from outside: $t; $(hint "$2" "$3" "$4")"; fi
}

# turn.external_tls: a TLS proxy on 443 hands TURN to plain TCP on 5350.
yaml true
turn_up tcp
p443 tls-proxy
j=$(doctor)
check external_tls__5350_plain__turn_proven_over_tcp "$j" turn-tls ipv4 5350 tcp "reachable " "TURN Allocate answered over TCP: 401"
check external_tls__443_tls_proxy__turn_proven_over_tls_ipv4 "$j" turn-tls-443 ipv4 443 tls "reachable " "TLS handshake with SNI, then TURN Allocate answered: 401"
check external_tls__443_tls_proxy__turn_proven_over_tls_ipv6 "$j" turn-tls-443 ipv6 443 tls "reachable " "TLS handshake with SNI, then TURN Allocate answered: 401"

# An HTTPS server on 443 that does not route TURN: TLS works, TURN not.
p443 https
j=$(doctor)
check https_on_443__not_turn__blocked_ipv4 "$j" turn-tls-443 ipv4 443 tls "blocked probe-failed" "an HTTP answer"
check https_on_443__not_turn__blocked_ipv6 "$j" turn-tls-443 ipv6 443 tls "blocked probe-failed" "an HTTP answer"

# A plain TCP proxy on 443: a TCP connection, but no TLS for clients.
p443 tcp-proxy
j=$(doctor)
check tcp_proxy_on_443__no_tls__blocked "$j" turn-tls-443 ipv4 443 tls "blocked probe-failed" "no TLS handshake"

# LiveKit's own TLS on 5350, a TLS passthrough proxy on 443.
yaml false
turn_up tls
p443 tcp-proxy
j=$(doctor)
check own_tls__5350__turn_proven_over_tls "$j" turn-tls ipv4 5350 tls "reachable " "TLS handshake with SNI, then TURN Allocate answered: 401"
check own_tls__443_passthrough__turn_proven_over_tls "$j" turn-tls-443 ipv6 443 tls "reachable " "TLS handshake with SNI, then TURN Allocate answered: 401"
t_done
