#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# livekit_model.sh: the LiveKit model against a supervised livekit-server
# (a wrapper of the same name around the Go stand-in tests/tools/sfu,
# binding as LiveKit 1.10.0 does, with livekit.yaml's ports): the version read from `livekit-server --version`,
# the flags and environment of supervise.command/env read with LiveKit's
# precedence, a flag LiveKit does not know refused before the kernel is
# touched, and verdicts next to the truth measured from a second namespace:
# what clients are told for TURN/TLS (443), and measured listeners beating
# the model (TURN on IPv4 only where the model says dual-stack).
T_NAME=livekit_model
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool ip nft jq socat pgrep openssl go
NS=pwlk$$
OUT=pwlo$$
TMP=$(mktemp -d)
chmod 755 "$TMP"
DPID=
t_go_build
cp "$TOP/build/go/sfu" "$TMP/sfu"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=turn.example.com -keyout "$TMP/turn.key" -out "$TMP/turn.crt" \
    2>/dev/null || { t_fail openssl; exit 1; }
chmod 644 "$TMP/turn.key"
mkdir -p "$TMP/bin" "$TMP/hang"
stop_daemon() { t_stop "$DPID"; DPID=; }
cleanup() {
	stop_daemon
	[ -n "${SOC:-}" ] && kill "$SOC" 2>/dev/null
	pkill -f "$TMP/hang/livekit-server" 2>/dev/null
	[ -n "${HANG:-}" ] && pkill -xf "/bin/sleep $HANG" 2>/dev/null
	t_netns_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT
# livekit-server VERSION: a wrapper that answers --version as LiveKit does
# (urfave/cli: "livekit-server version X" on stdout) and runs the stand-in.
wrapper() {
	cat >"$TMP/bin/livekit-server" <<SH
#!/bin/sh
[ "\$1" = --version ] && { echo "livekit-server version $1"; exit 0; }
exec $TMP/sfu --config $TMP/livekit.yaml --version-mode 1.10.0 --node-ip 10.77.0.1,2001:db8:77::1
SH
	chmod 755 "$TMP/bin/livekit-server"
}
cat >"$TMP/livekit.yaml" <<YAML
port: 7880
rtc:
  tcp_port: 7881
  udp_port: 7882
turn:
  enabled: true
  domain: turn.example.com
  udp_port: 3479
  tls_port: 5350
  cert_file: $TMP/turn.crt
  key_file: $TMP/turn.key
keys:
  key: a-long-secret-of-at-least-32-characters-xx
YAML
conf() {	# conf FILE COMMAND-JSON [ENV-JSON]
	cat >"$1" <<JSON
{ "mode": "host", "livekit_config": "$TMP/livekit.yaml",
  "control_socket": "$TMP/ctl.sock", "mapping": { "methods": [] },
  "supervise": { "command": $2, "env": ${3:-{\}}, "user": "nobody",
                 "ready_timeout_seconds": 3, "stop_timeout_seconds": 3 } }
JSON
}
LK="\"$TMP/bin/livekit-server\", \"--config\", \"$TMP/livekit.yaml\""

# The version comes from the command itself.
wrapper 1.10.0
conf "$TMP/c.json" "[$LK]"
out=$("$PORTWARDD" -n -c "$TMP/c.json" 2>&1)
if [[ $out == *"LiveKit 1.10.0 ($TMP/bin/livekit-server --version)"* ]] &&
    [[ $out == *"turn-udp     3479/udp         ipv4       (LiveKit 1.10.0 serves it over IPv4 only)"* ]]; then
	t_pass version__from_livekit_server_version__turn_ipv4_only
else t_fail version__from_livekit_server_version__turn_ipv4_only "$out"; fi
wrapper 1.13.5
out=$("$PORTWARDD" -n -c "$TMP/c.json" 2>&1)
if [[ $out == *"LiveKit 1.13.5 ($TMP/bin/livekit-server --version)"* ]] &&
    [[ $out == *"turn-udp     3479/udp         ipv4+ipv6"* ]]; then
	t_pass version__1_13_5__turn_dual_stack
else t_fail version__1_13_5__turn_dual_stack "$out"; fi
# livekit_version in the configuration wins over the command's answer.
jq '. + {livekit_version: "1.10.0"}' "$TMP/c.json" >"$TMP/cv.json"
out=$("$PORTWARDD" -n -c "$TMP/cv.json" 2>&1)
if [[ $out == *"LiveKit 1.10.0 (livekit_version in $TMP/cv.json)"* ]]; then
	t_pass version__config_key_wins
else t_fail version__config_key_wins "$out"; fi

# A livekit-server whose --version never answers, through a child of its
# own (a wrapper that does not exec): assumed, and nothing left behind.
HANG=$((300 + $$ % 600))
cat >"$TMP/hang/livekit-server" <<SH
#!/bin/sh
/bin/sleep $HANG
SH
chmod 755 "$TMP/hang/livekit-server"
conf "$TMP/h.json" "[\"$TMP/hang/livekit-server\", \"--config\", \"$TMP/livekit.yaml\"]"
out=$(timeout 30 "$PORTWARDD" -n -c "$TMP/h.json" 2>&1)
rc=$?
sleep 0.2
if [ $rc = 0 ] && [[ $out == *"LiveKit 1.13.5 (assumed: the current release)"* ]] &&
    ! pgrep -f "$TMP/hang/livekit-server" >/dev/null &&
    ! pgrep -xf "/bin/sleep $HANG" >/dev/null; then
	t_pass version__command_hangs__assumed_and_killed
else t_fail version__command_hangs__assumed_and_killed "rc $rc: $out $(pgrep -af "$TMP/hang")"; fi

# Flags and environment, with LiveKit's precedence.
conf "$TMP/f.json" "[$LK, \"--rtc.tcp_port\", \"7891\"]" '{"LIVEKIT_RTC_TCP_PORT": "7901", "UDP_PORT": "7892"}'
out=$("$PORTWARDD" -n -c "$TMP/f.json" 2>&1)
if [[ $out == *"ice-tcp      7891/tcp"* ]] && [[ $out == *"ice-udp      7892/udp"* ]]; then
	t_pass flags__flag_beats_env__env_beats_file
else t_fail flags__flag_beats_env__env_beats_file "$out"; fi
conf "$TMP/b.json" "[$LK]" '{"LIVEKIT_CONFIG": "rtc: {tcp_port: 7991, udp_port: 7992}"}'
out=$("$PORTWARDD" -n -c "$TMP/b.json" 2>&1)
if [[ $out == *"ice-tcp      7991/tcp"* ]] && [[ $out == *"reads its settings from LIVEKIT_CONFIG"* ]] &&
    [[ $out != *turn-udp* ]]; then
	t_pass config_body__env_wins_over_config_file
else t_fail config_body__env_wins_over_config_file "$out"; fi

# A flag LiveKit does not know: refused, named, and nothing in the kernel.
t_netns "$NS" || { t_fail netns; exit 1; }
t_netns "$OUT" || { t_fail netns; exit 1; }
in_ns() { ip netns exec "$NS" "$@"; }
outside() { ip netns exec "$OUT" "$@"; }
conf "$TMP/u.json" "[$LK, \"--rtc.tcp_prot\", \"1\"]"
out=$(in_ns "$PORTWARDD" -c "$TMP/u.json" 2>&1)
rc=$?
if [ $rc = 2 ] && [[ $out == *"supervise.command in $TMP/u.json: --rtc.tcp_prot: livekit-server has no such flag"* ]] &&
    [ -z "$(in_ns nft list ruleset)" ]; then
	t_pass unknown_flag__refused_named__kernel_untouched
else t_fail unknown_flag__refused_named__kernel_untouched "rc $rc: $out"; fi

# The daemon, supervising the 1.10.0-style stand-in while the model says
# 1.13.5: measured listeners beat the model; 443 is what clients are told.
t_veth "$NS" pwlkh$$ "$OUT" pwlko$$ 10.77.0.1/24 2001:db8:77::1/64 \
    10.77.0.2/24 2001:db8:77::2/64 || t_fail veth
# A global address and a default route: IPv6 as a host on the internet has.
in_ns ip -6 route add default via 2001:db8:77::2
conf "$TMP/d.json" "[$LK]"
wrapper 1.13.5
ip netns exec "$NS" "$PORTWARDD" -c "$TMP/d.json" >"$TMP/log" 2>&1 &
DPID=$!
st() { in_ns "$PORTWARDCTL" status -s "$TMP/ctl.sock" --json 2>/dev/null | jq -r "$1"; }
cell() { st ".endpoints[] | select(.name==\"$1\") | .$2 | \"\(.verdict) \(.reason)\""; }
# connects FAMILY-ADDR PORT: a TCP connection from outside gets through.
connects() { outside socat -T2 /dev/null "TCP:$1:$2,connect-timeout=2" 2>/dev/null; }
t_wait test -S "$TMP/ctl.sock"
t_wait sh -c "ip netns exec $NS ss -Hltn 'sport = :5350' | grep -q ."
if t_wait sh -c "[ \"\$(ip netns exec $NS $PORTWARDCTL status -s $TMP/ctl.sock --json | jq -r '.endpoints[] | select(.name==\"turn-tls-443\") | .ipv4.reason')\" = client-port-not-served ]" &&
    ! connects 10.77.0.1 443 && connects 10.77.0.1 5350; then
	t_pass client_port_443__nothing_there__blocked_and_refused_from_outside
else t_fail client_port_443__nothing_there__blocked_and_refused_from_outside "$(cell turn-tls-443 ipv4) $(cat "$TMP/log")"; fi
if [ "$(cell turn-tls ipv6)" = "blocked listener-ipv4-only" ] &&
    ! connects '[2001:db8:77::1]' 5350 && connects '[2001:db8:77::1]' 7881; then
	t_pass measured_listener_beats_model__turn_tls_ipv6_blocked_and_refused
else t_fail measured_listener_beats_model__turn_tls_ipv6_blocked_and_refused "$(cell turn-tls ipv6)"; fi
# A TLS proxy comes to 443 (socat, both families): no longer "not served",
# and a connection from outside gets there.
ip netns exec "$NS" socat TCP6-LISTEN:443,ipv6only=0,reuseaddr,fork TCP4:127.0.0.1:5350 &
SOC=$!
t_wait sh -c "ip netns exec $NS ss -Hltn 'sport = :443' | grep -q ."
if t_wait sh -c "[ \"\$(ip netns exec $NS $PORTWARDCTL status -s $TMP/ctl.sock --json | jq -r '.endpoints[] | select(.name==\"turn-tls-443\") | .ipv6.reason')\" = not-measured ]" &&
    connects 10.77.0.1 443 && connects '[2001:db8:77::1]' 443; then
	t_pass client_port_443__proxy_listens__not_blocked_and_reached_from_outside
else t_fail client_port_443__proxy_listens__not_blocked_and_reached_from_outside "$(cell turn-tls-443 ipv6)"; fi
# portward opened 5350 and never 443 (the proxy's).
rules=$(in_ns nft list table inet portward)
if [[ $rules == *'tcp dport 5350'* ]] && [[ $rules != *'dport 443 '* ]]; then
	t_pass rules__tls_port_opened__443_never
else t_fail rules__tls_port_opened__443_never "$rules"; fi
stop_daemon
t_done
