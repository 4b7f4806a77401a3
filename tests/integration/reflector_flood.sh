#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# reflector_flood.sh: the reflector serves many at once (issue 17). A
# review held the serial reflector with one connection trickling a byte
# a second; here a trickler and a flood (idle connections from one
# address, requests as fast as they are answered from another) run while
# an honest client asks: its answer must come, right, while the trickler
# is still connected and the flood still going (an order, not a time).
# Then the limits, each from the requester's side: the trickler is cut
# at the request line's deadline, a fifth connection from one address,
# a seventeenth from one IPv6 /64, the 257th in all and the 33rd request
# being probed are refused with a JSON error, a second request within
# the rate window is rate limited, and a probing child killed with -9
# leaves a reflector that goes on serving. Next to each verdict, the
# truth: a real connection or datagram to the probed port.
#
#   R (the internet: two reflectors, 203.0.113.2 and 2001:db8:ff::2)
#     | veth
#   C (every client, one address per role; listeners on 7881/tcp,
#      3478/udp (STUN), 7882/udp (datagram sink), 7884/udp (a sink
#      that never answers STUN))
T_NAME=reflector_flood
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool ip jq socat ss ps turnserver turnutils_stunclient /usr/bin/python3
R=pwrfr$$ C=pwrfc$$
R4=203.0.113.2 R6=2001:db8:ff::2
HON=203.0.113.10	# the honest client
TRK=203.0.113.11	# the trickler
FLI=203.0.113.12	# the flood of idle connections
FLR=203.0.113.13	# the flood of requests
CAP=203.0.113.14 OTH=203.0.113.15 K9=203.0.113.16 AFT=203.0.113.17
TWO=203.0.113.18
NET6=2001:db8:ff OTHER6=2001:db8:fe::10
cleanup() {
	touch "$TMP/stop"
	t_ns_teardown
}
t_ns_setup "$R" "$C"
bg() { local ns=$1; shift; t_bg ip netns exec "$ns" "$@"; }
rx() { ip netns exec "$R" "$@"; }
cx() { ip netns exec "$C" "$@"; }
clients() { cx /usr/bin/python3 "$TOP/tests/tools/refl_clients.py" "$@"; }
# ask SRC LINE [REFLECTOR]: the reflector's answer to LINE from SRC.
ask() { clients ask "${3:-$R4}" 7900 "$2" "$1" | cut -d' ' -f2-; }
# Connections the reflector's side holds from SRC, established.
estab() { rx ss -Htn state established "( sport = :7900 )" dst "$1" | wc -l; }
# N connections from SRC established and none left in the accept queue:
# the reflector has admitted or refused every one of them.
held() {
	[ "$(estab "$1")" = "$2" ] &&
	    [ "$(rx ss -Hltn "( sport = :7900 )" | awk '{ q += $2 } END { print q }')" = 0 ]
}
gone() { ! kill -0 "$1" 2>/dev/null; }
probes() {	# probes KIND PORT COUNT: a request line
	jq -nc --arg k "$1" --argjson p "$2" --argjson n "$3" \
	    '{probes: [range($n) | {name: "p\(.)", kind: $k, port: $p}]}'
}
ok_list() { jq -r '[.results[].ok] | map(tostring) | join(",")' <<<"$1" 2>/dev/null; }

t_veth "$R" eth0 "$C" eth0 $R4/24 $R6/64 $HON/24 $NET6::10/64 || { t_fail veth; exit 1; }
for a in 11 12 13 14 15 16 17 18 $(seq 100 164); do
	ip -n "$C" addr add 203.0.113.$a/24 dev eth0 || { t_fail addresses; exit 1; }
done
for a in 20 21 22 23 24; do ip -n "$C" addr add $NET6::$a/64 dev eth0 nodad; done
ip -n "$C" addr add $OTHER6/64 dev eth0 nodad
ip -n "$R" -6 route add 2001:db8:fe::/64 dev eth0

# What the reflector probes, on every client address.
bg "$C" socat TCP4-LISTEN:7881,reuseaddr,fork SYSTEM:'echo pong'
bg "$C" socat -u UDP4-RECV:7882 OPEN:"$TMP/dgram",creat,append
bg "$C" socat -u UDP4-RECV:7884 OPEN:/dev/null
bg "$C" turnserver -n --log-file=stdout --simple-log --no-cli \
    --pidfile="$TMP/coturn.pid" --userdb="$TMP/turndb" \
    --listening-ip=$HON --listening-port=3478 --stun-only --no-tls --no-dtls \
    >"$TMP/coturn.log" 2>&1
bg "$R" "$PORTWARDCTL" reflector --listen "$R4:7900" 2>"$TMP/refl4.log"
RPID=${T_PIDS[-1]}
bg "$R" "$PORTWARDCTL" reflector --listen "[$R6]:7900" 2>"$TMP/refl6.log"
listening() {
	[ "$(rx ss -Hltn "( sport = :7900 )" | wc -l)" = 2 ] &&
	    cx ss -Hltn "( sport = :7881 )" | grep -q . &&
	    cx ss -Hlun "( sport = :3478 )" | grep -q .
}
t_wait listening || { t_fail listening "$(cat "$TMP/refl4.log")"; exit 1; }

# --- The honest client, during a trickle and a flood ---------------------
bg "$C" /usr/bin/python3 "$TOP/tests/tools/refl_clients.py" flood $R4 7900 \
    "$TMP/stop" 12 $FLI >"$TMP/flood_idle.out"
FIPID=${T_PIDS[-1]}
bg "$C" /usr/bin/python3 "$TOP/tests/tools/refl_clients.py" flood $R4 7900 \
    "$TMP/stop" 4 $FLR "$(probes tcp 7883 1)" >"$TMP/flood_req.out"
FRPID=${T_PIDS[-1]}
t_wait grep -q "busy: at most 4 connections" "$TMP/flood_idle.out" &&
    t_wait grep -q "rate limited" "$TMP/flood_req.out" || t_fail flood_running
# The trickler last, right before the honest request: its 5 s run from
# here, and only the honest request's own probes (a second or so) run
# in them.
(for i in $(seq 1 60); do printf x; sleep 1; done) |
    cx socat -T90 - "TCP:$R4:7900,bind=$TRK" >"$TMP/trickle.out" 2>&1 &
TPID=$!
T_PIDS+=($TPID)
t_wait held $TRK 1 || t_fail trickler_connected
REQ='{"probes":[{"name":"ice-tcp","kind":"tcp","port":7881},
    {"name":"stun","kind":"stun-udp","port":3478},
    {"name":"dgram","kind":"datagram","port":7882},
    {"name":"closed","kind":"tcp","port":7883}]}'
a=$(ask $HON "$(jq -c . <<<"$REQ")")
# Right after the answer: the trickler still connected, the flood going.
trk=$(estab $TRK) fli=$(estab $FLI)
floods=$(gone $FIPID || gone $FRPID || [ -e "$TMP/stop" ] || echo running)
if [ "$(jq -r .from <<<"$a")" = $HON ] && [ "$(ok_list "$a")" = true,true,true,false ] &&
    [ "$trk" = 1 ] && ! gone $TPID && [ "$fli" -ge 1 ] && [ "$floods" = running ]; then
	t_pass reflector__honest_answered__while_trickler_held_and_flood_runs
else
	t_fail reflector__honest_answered__while_trickler_held_and_flood_runs \
	    "answer=$a trickler=$trk flood_idle=$fli floods=$floods"
fi
# Each verdict next to the truth, from outside (R).
det() { jq -r ".results[] | select(.name==\"$1\") | \"\(.ok) \(.detail)\"" <<<"$a"; }
if [ "$(det ice-tcp)" = "true TCP connection accepted" ] &&
    [ "$(rx socat -T2 - "TCP:$HON:7881" </dev/null 2>/dev/null)" = pong ]; then
	t_pass probe__tcp_listening__ok_and_a_real_connection_gets_pong
else t_fail probe__tcp_listening__ok_and_a_real_connection_gets_pong "$(det ice-tcp)"; fi
if [[ $(det stun) == "true STUN Binding answered over UDP (mapped address $R4)" ]] &&
    rx turnutils_stunclient -p 3478 $HON 2>&1 | grep -q "UDP reflexive addr: $R4"; then
	t_pass probe__stun_udp__ok_and_a_real_binding_is_answered
else t_fail probe__stun_udp__ok_and_a_real_binding_is_answered "$(det stun)"; fi
if [[ $(det dgram) == "true 3 datagrams sent, no ICMP error"* ]] &&
    grep -q portward-probe "$TMP/dgram"; then
	t_pass probe__datagram__ok_and_the_datagrams_arrived
else t_fail probe__datagram__ok_and_the_datagrams_arrived "$(det dgram)"; fi
if [ "$(det closed)" = "false TCP connect: Connection refused" ] &&
    ! rx socat -u -T2 OPEN:/dev/null "TCP:$HON:7883,connect-timeout=2" 2>/dev/null; then
	t_pass probe__tcp_closed__not_ok_and_a_real_connection_is_refused
else t_fail probe__tcp_closed__not_ok_and_a_real_connection_is_refused "$(det closed)"; fi

# The trickler never ends its line: the reflector ends it, with a word.
# (60 s: a hang guard, far beyond the 5 s deadline.)
T_WAIT=60 t_wait gone $TPID
if gone $TPID && grep -q '"error":"timeout: the request line must arrive within 5 seconds"' \
    "$TMP/trickle.out"; then
	t_pass reflector__trickler__cut_at_the_line_deadline_with_an_error
else t_fail reflector__trickler__cut_at_the_line_deadline_with_an_error "$(head -c 300 "$TMP/trickle.out")"; fi
touch "$TMP/stop"
T_WAIT=30 t_wait gone $FIPID
T_WAIT=30 t_wait gone $FRPID
# Idle flood: four held to their deadline, the rest refused at once.
if gone $FIPID && gone $FRPID &&
    [ "$(grep -c 'timeout: the request line' "$TMP/flood_idle.out")" -ge 4 ] &&
    [ "$(grep -c 'busy: at most 4 connections at once from one address' "$TMP/flood_idle.out")" -ge 1 ] &&
    [ "$(grep -c 'rate limited: one request every 2 seconds' "$TMP/flood_req.out")" -ge 1 ] &&
    ! grep -qv '"error"\|"results"' "$TMP/flood_idle.out" "$TMP/flood_req.out"; then
	t_pass reflector__flood__every_connection_answered_held_refused_or_rate_limited
else t_fail reflector__flood__every_connection_answered_held_refused_or_rate_limited \
    "$(sort "$TMP/flood_idle.out" "$TMP/flood_req.out" | uniq -c | head -5)"; fi

# --- Per address, per /64, rate --------------------------------------------
bg "$C" /usr/bin/python3 "$TOP/tests/tools/refl_clients.py" hold $R4 7900 4 $CAP \
    >"$TMP/hold.out"
t_wait held $CAP 4
a=$(ask $CAP "$(probes tcp 7881 1)")
b=$(ask $OTH "$(probes tcp 7883 1)")
c=$(ask $OTH "$(probes tcp 7883 1)")
if [ "$(jq -r .error <<<"$a")" = "busy: at most 4 connections at once from one address" ] &&
    [ "$(jq -r .from <<<"$a")" = $CAP ] && [ "$(estab $CAP)" = 4 ]; then
	t_pass reflector__fifth_connection_from_one_address__refused
else t_fail reflector__fifth_connection_from_one_address__refused "$a"; fi
if [ "$(jq -r .from <<<"$b")" = $OTH ] && [ "$(ok_list "$b")" = false ]; then
	t_pass reflector__another_address__served_meanwhile
else t_fail reflector__another_address__served_meanwhile "$b"; fi
if [ "$(jq -r .error <<<"$c")" = "rate limited: one request every 2 seconds" ]; then
	t_pass reflector__second_request_within_the_window__rate_limited
else t_fail reflector__second_request_within_the_window__rate_limited "$c"; fi

bg "$C" /usr/bin/python3 "$TOP/tests/tools/refl_clients.py" hold "$R6" 7900 4 \
    $NET6::20 $NET6::21 $NET6::22 $NET6::23 >"$TMP/hold6.out"
t_wait held "$NET6::/64" 16
a=$(ask $NET6::24 "$(probes tcp 7881 1)" "$R6")
b=$(ask $OTHER6 "$(probes tcp 7883 1)" "$R6")
if [ "$(jq -r .error <<<"$a")" = "busy: at most 16 connections at once from one IPv6 /64" ] &&
    [ "$(jq -r .from <<<"$b")" = $OTHER6 ] && [ "$(ok_list "$b")" = false ]; then
	t_pass reflector__seventeenth_from_one_ipv6_64__refused_another_64_served
else t_fail reflector__seventeenth_from_one_ipv6_64__refused_another_64_served "$a / $b"; fi

# --- In all: connections, requests being probed ------------------------------
T_WAIT=30 t_wait held $R4/0 0	# the earlier ones closed by their deadline
hosts=$(seq -f "203.0.113.%g" 100 163)
bg "$C" /usr/bin/python3 "$TOP/tests/tools/refl_clients.py" hold $R4 7900 4 \
    $hosts >"$TMP/hold_all.out"
HAPID=${T_PIDS[-1]}
t_wait held 203.0.113.0/24 256
a=$(ask 203.0.113.164 "$(probes tcp 7881 1)")
if [ "$(jq -r .error <<<"$a")" = "busy: too many connections at once, try again later" ]; then
	t_pass reflector__257th_connection__refused
else t_fail reflector__257th_connection__refused "$a ($(estab 203.0.113.0/24) held)"; fi
T_WAIT=30 t_wait gone $HAPID
# 33 requests at once, each probing 4 STUN ports that never answer (2 s each).
clients ask $R4 7900 "$(probes stun-udp 7884 4)" $(seq -f "203.0.113.%g" 100 132) \
    >"$TMP/probing.out"
nres=$(grep -c '"results"' "$TMP/probing.out")
nbusy=$(grep -c '"error":"busy: 32 requests are being probed, try again later"' "$TMP/probing.out")
if [ "$nres" = 32 ] && [ "$nbusy" = 1 ]; then
	t_pass reflector__33rd_request_being_probed__refused
else t_fail reflector__33rd_request_being_probed__refused "$nres answered, $nbusy busy: $(sort "$TMP/probing.out" | cut -c1-120 | uniq -c | head -3)"; fi

# A request being probed per address, four per /64: two sources cannot
# take the 32 from everyone else.
clients ask $R4 7900 "$(probes stun-udp 7884 4)" $TWO >"$TMP/two.out" &
TWPID=$!
T_PIDS+=($TWPID)
t_wait sh -c "[ -n \"\$(ps -o pid= --ppid $RPID)\" ]"
sleep 2.1	# past the rate window: the rate limit is not what refuses
a=$(ask $TWO "$(probes tcp 7881 1)")
T_WAIT=30 t_wait gone $TWPID
if [ "$(jq -r .error <<<"$a")" = "busy: a request from this address is being probed, wait for its answer" ] &&
    [ "$(ok_list "$(cut -d' ' -f2- "$TMP/two.out")")" = false,false,false,false ]; then
	t_pass reflector__second_request_while_the_first_is_probed__refused
else t_fail reflector__second_request_while_the_first_is_probed__refused "$a / $(cat "$TMP/two.out")"; fi
clients ask "$R6" 7900 "$(probes stun-udp 7884 4)" $NET6::20 $NET6::21 $NET6::22 \
    $NET6::23 $NET6::24 >"$TMP/probing6.out"
nres=$(grep -c '"results"' "$TMP/probing6.out")
nbusy=$(grep -c '"error":"busy: 4 requests from this IPv6 /64 are being probed, try again later"' "$TMP/probing6.out")
if [ "$nres" = 4 ] && [ "$nbusy" = 1 ]; then
	t_pass reflector__fifth_request_being_probed_from_one_ipv6_64__refused
else t_fail reflector__fifth_request_being_probed_from_one_ipv6_64__refused "$(cut -c1-120 "$TMP/probing6.out")"; fi

# --- A probing child killed: the reflector goes on -------------------------
clients ask $R4 7900 "$(probes stun-udp 7884 16)" $K9 >"$TMP/k9.out" &
K9PID=$!
T_PIDS+=($K9PID)
kid() { ps -o pid= --ppid "$RPID" | tr -d ' '; }
t_wait sh -c "[ -n \"\$(ps -o pid= --ppid $RPID)\" ]"
k=$(kid)
[ -n "$k" ] && kill -9 $k
T_WAIT=30 t_wait gone $K9PID
a=$(ask $AFT "$(probes tcp 7881 1)")
if [ -n "$k" ] && [ "$(cat "$TMP/k9.out")" = "$K9 EOF" ] && ! gone "$RPID" &&
    [ "$(jq -r .from <<<"$a")" = $AFT ] && [ "$(ok_list "$a")" = true ] &&
    [ "$(rx socat -T2 - "TCP:$AFT:7881" </dev/null 2>/dev/null)" = pong ] &&
    grep -q "probing $K9: ended by signal 9" "$TMP/refl4.log"; then
	t_pass reflector__probing_child_killed__connection_closed_reflector_serves_on
else t_fail reflector__probing_child_killed__connection_closed_reflector_serves_on \
    "child=$k k9=$(cat "$TMP/k9.out") after=$a"; fi

if ! grep -q "AddressSanitizer\|runtime error\|LeakSanitizer" "$TMP/refl4.log" "$TMP/refl6.log"; then
	t_pass reflector__no_sanitizer_report
else t_fail reflector__no_sanitizer_report "$(grep -m3 "Sanitizer\|runtime error" "$TMP/refl4.log" "$TMP/refl6.log")"; fi
t_done
