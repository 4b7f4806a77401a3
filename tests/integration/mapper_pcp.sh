#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mapper_pcp.sh: PCP (RFC 6887) and the discovery burst against a real
# router (Debian's miniupnpd in the lab's router namespace, which speaks
# PCP, NAT-PMP and UPnP; lab_router_speaks drops what a router "without"
# a method would not answer). Default configuration every time: no
# methods, no gateway, no igd_url: the burst finds the router. Each
# verdict on a forward sits next to the truth from the internet side (a
# TCP connection to the router's WAN address or to the host's IPv6
# address, a datagram) and the router's own ruleset as a witness.
T_NAME=mapper_pcp
source "$(dirname "$0")/../lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
t_need_root
t_need_tool ip nft socat ss miniupnpd upnpc turnserver pgrep jq

trap 'stop_daemon; lab_down' EXIT
lab_test_up router
LOG=$LAB_DIR/daemon.log

start_daemon() {	# start_daemon CONFIG, with a fresh log (lab.sh's appends)
	: >"$LOG"
	ip netns exec "$LAN" "$PORTWARDD" -c "$1" >>"$LOG" 2>&1 &
	DPID=$!
}
conf() {	# conf FILE [MAPPING-EXTRA]
	cat >"$1" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json",
  "control_socket": "$LAB_DIR/ctl.sock",
  "mapping": { ${2:-} } }
JSON
}
status() { lab_ctl status "$@"; }
fwd() {	# fwd NAME FAMILY FIELD
	status --json 2>/dev/null | jq -r ".mapping.forwards[] | select(.name==\"$1\" and .family==\"$2\") | .$3"
}
fwd_is() { [ "$(fwd "$1" "$2" state)" = "$3" ]; }
reaches_udp() {
	rm -f "$LAB_DIR/udp.got"
	lab_exec "$INET" socat -u - "UDP4-SENDTO:$WAN4:7882" <<<"hello" 2>/dev/null
	t_wait grep -q hello "$LAB_DIR/udp.got"
}
# The router's own rules: DNATs to the host, pinholes for its IPv6 address.
router_dnat() { lab_exec "$RTR" nft list chain inet filter prerouting_miniupnpd | grep -c "dnat ip to $LAN4:" ; }
router_pinholes() { lab_exec "$RTR" nft list chain inet filter miniupnpd | grep -c 0x20010db8007700000000000000000010; }
nothing_left() { [ "$(router_dnat)" = 0 ] && [ "$(router_pinholes)" = 0 ]; }

lab_tcp_listen "$LAN" "[::]" 7881
lab_bg "$LAN" socat -u UDP4-RECVFROM:7882,reuseaddr,fork "OPEN:$LAB_DIR/udp.got,creat,append"
lab_wait_listen "$LAN" 7881
conf "$LAB_DIR/default.json"

# One router kind after another: what the burst picks, and what it gives.
# burst KIND METHOD4 METHOD6 (METHOD6 "-": no IPv6 firewall control)
burst() {
	local kind=$1 m4=$2 m6=$3 speaks
	speaks=${kind//+/ }
	lab_router_speaks $speaks
	start_daemon "$LAB_DIR/default.json"
	if t_wait fwd_is ice-tcp ipv4 forwarded && [ "$(status --json | jq -r .mapping.method)" = "$m4" ] &&
	    t_wait lab_reaches_tcp $WAN4 && reaches_udp && [ "$(router_dnat)" = 4 ]; then
		t_pass "burst__${kind}__ipv4_via_${m4}__internet_reaches_host"
	else t_fail "burst__${kind}__ipv4_via_${m4}__internet_reaches_host" \
	    "$(status --json | jq -c .mapping | head -c 600)"; cat "$LOG"; fi
	if [ "$m6" = - ]; then
		if t_wait fwd_is ice-tcp ipv6 no-ipv6-firewall-control && ! lab_reaches_tcp "[$LAN6]" &&
		    [ "$(router_pinholes)" = 0 ]; then
			t_pass "burst__${kind}__ipv6_no_firewall_control__closed"
		else t_fail "burst__${kind}__ipv6_no_firewall_control__closed" "$(fwd ice-tcp ipv6 state)"; fi
	else
		if t_wait fwd_is ice-tcp ipv6 forwarded && [ "$(fwd ice-tcp ipv6 method)" = "$m6" ] &&
		    t_wait lab_reaches_tcp "[$LAN6]" && [ "$(router_pinholes)" -ge 1 ]; then
			t_pass "burst__${kind}__ipv6_pinhole_via_${m6}__internet_reaches_host"
		else t_fail "burst__${kind}__ipv6_pinhole_via_${m6}__internet_reaches_host" \
		    "$(fwd ice-tcp ipv6 state) $(fwd ice-tcp ipv6 method) $(router_pinholes)"; fi
	fi
	stop_daemon
	if nothing_left && ! lab_reaches_tcp $WAN4 && ! lab_reaches_tcp "[$LAN6]"; then
		t_pass "burst__${kind}__stop__nothing_left_closed"
	else t_fail "burst__${kind}__stop__nothing_left_closed" "dnat $(router_dnat) pinholes $(router_pinholes)"; fi
}

if nothing_left && ! lab_reaches_tcp $WAN4 && ! lab_reaches_tcp "[$LAN6]"; then
	t_pass router__before_portward__closed
else t_fail router__before_portward__closed; fi
burst pcp+natpmp+upnp pcp upnp
burst natpmp natpmp -
burst upnp upnp upnp
burst pcp pcp pcp

# A LAN host answers the SSDP search before the router, with its own IGD
# (here: a listener on the LiveKit host's address that records who comes):
# only the gateway's answer counts, the fake device is never asked.
lab_router_speaks upnp
printf 'HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nUSN: uuid:evil::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nLOCATION: http://%s:5555/rootDesc.xml\r\n\r\n' "$LAN4" >"$LAB_DIR/evil.answer"
lab_bg "$LAN" socat -u TCP4-LISTEN:5555,bind=$LAN4,reuseaddr,fork "OPEN:$LAB_DIR/evil.got,creat,append"
E1=${LAB_PIDS[-1]}
lab_bg "$LAN" socat UDP4-RECVFROM:1900,ip-add-membership=239.255.255.250:eth0,reuseaddr,fork SYSTEM:"head -c1 >/dev/null; cat $LAB_DIR/evil.answer"
E2=${LAB_PIDS[-1]}
lab_wait_listen "$LAN" 5555
# The fake answers a search, as the real router does (the witness).
printf 'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nMAN: "ssdp:discover"\r\nMX: 1\r\n\r\n' |
    lab_exec "$LAN" socat -T1 - UDP4-DATAGRAM:239.255.255.250:1900 >"$LAB_DIR/search.out" 2>/dev/null
start_daemon "$LAB_DIR/default.json"
if grep -q "uuid:evil" "$LAB_DIR/search.out" && t_wait fwd_is ice-tcp ipv4 forwarded &&
    [ "$(status --json | jq -r .mapping.gateway)" = "http://$RTR_LAN4:5000/rootDesc.xml" ] &&
    t_wait lab_reaches_tcp $WAN4 && [ ! -s "$LAB_DIR/evil.got" ]; then
	t_pass ssdp__lan_host_answers_first__only_gateway_believed
else t_fail ssdp__lan_host_answers_first__only_gateway_believed \
    "$(status --json | jq -c '.mapping | {method, gateway}') evil:$(wc -c <"$LAB_DIR/evil.got" 2>/dev/null) $(head -c 200 "$LAB_DIR/search.out")"; fi
kill "$E1" "$E2" 2>/dev/null

# Forged NOTIFYs from the gateway's own address (byebye, alive with a new
# BOOTID, 20 a second for 10 s): remaps spaced by a doubling gap, not
# one per datagram, and the forwards still work afterwards.
: >"$LOG"
forge_notify() {	# forge_notify byebye|alive BOOTID: from the gateway's address
	printf 'NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nNTS: ssdp:%s\r\nUSN: uuid:x\r\nLOCATION: http://%s:5000/rootDesc.xml\r\nBOOTID.UPNP.ORG: %s\r\n\r\n' \
	    "$1" "$RTR_LAN4" "$2" |
	    lab_exec "$RTR" socat -u - UDP4-DATAGRAM:239.255.255.250:1900,bind=$RTR_LAN4,ip-multicast-if=$RTR_LAN4 2>/dev/null
}
for i in $(seq 1 100); do
	forge_notify byebye "$i"
	forge_notify alive "$i"
	sleep 0.1
done
n=$(grep -c "mapping everything again$" "$LOG")
if [ "$n" -ge 1 ] && [ "$n" -le 5 ] && t_wait fwd_is ice-tcp ipv4 forwarded && t_wait lab_reaches_tcp $WAN4; then
	t_pass ssdp__forged_notify_flood__few_remaps_forwards_kept
else t_fail ssdp__forged_notify_flood__few_remaps_forwards_kept "$n remaps"; fi

# Now the router really goes away, its goodbye (SSDP) sent, while a remap
# for its news waits out the gap the flood widened: one more forged pair,
# once the remap it asks for is done, leaves the next one pending for the
# whole gap (16 s or more; the old code had the goodbye wait for it,
# without a word). The goodbye is checked with one request a second
# later, not after the gap: router-unreachable within 8 s, with upnpc as
# the witness that the router no longer answers; mapped again, not after
# the gap, when it is back.
: >"$LOG"
forge_notify byebye 1000
forge_notify alive 1001
T_WAIT=320 t_wait grep -q "router found" "$LOG"
: >"$LOG"
forge_notify byebye 1002
forge_notify alive 1003
T_WAIT=2 t_wait grep -q "mapping everything again in" "$LOG"
spaced=$(grep -o "mapping everything again in [0-9]*s" "$LOG" | grep -o "[0-9]*")
lab_miniupnpd_stop
if T_WAIT=8 t_wait fwd_is ice-tcp ipv4 router-unreachable &&
    grep -q "said goodbye (SSDP) and does not answer" "$LOG" &&
    ! lab_exec "$LAN" upnpc -u "http://$RTR_LAN4:5000/rootDesc.xml" -s >/dev/null 2>&1; then
	t_pass ssdp__goodbye_while_remap_spaced__checked_at_once_router_unreachable
else t_fail ssdp__goodbye_while_remap_spaced__checked_at_once_router_unreachable \
    "$(fwd ice-tcp ipv4 state), the remap for news due in '${spaced:-?}' s"; fi
lab_miniupnpd_start >>"$LAB_DIR/router.log" 2>&1
if t_wait fwd_is ice-tcp ipv4 forwarded && t_wait lab_reaches_tcp $WAN4; then
	t_pass ssdp__goodbye_while_remap_spaced__router_back_mapped_again
else t_fail ssdp__goodbye_while_remap_spaced__router_back_mapped_again "$(fwd ice-tcp ipv4 state)"; fi
stop_daemon

# PCP's mapping holder: a second host takes 7882/udp first; PCP grants
# another port, which portward releases and calls a conflict.
lab_router_speaks pcp natpmp upnp
lab_exec "$LAN2" upnpc -u "http://$RTR_LAN2_4:5000/rootDesc.xml" -a $LAN2_4 7882 7882 UDP 600 >/dev/null 2>&1
start_daemon "$LAB_DIR/default.json"
if t_wait fwd_is ice-udp ipv4 forward-conflict && t_wait fwd_is ice-tcp ipv4 forwarded &&
    ! lab_exec "$RTR" nft list chain inet filter prerouting_miniupnpd | grep -q "dnat ip to $LAN4:7882"; then
	t_pass pcp__port_held_elsewhere__conflict_other_port_released
else t_fail pcp__port_held_elsewhere__conflict_other_port_released \
    "$(fwd ice-udp ipv4 state): $(lab_exec "$RTR" nft list chain inet filter prerouting_miniupnpd)"; fi
stop_daemon
lab_exec "$LAN2" upnpc -u "http://$RTR_LAN2_4:5000/rootDesc.xml" -d 7882 UDP >/dev/null 2>&1

# A daemon killed with -9 leaves its PCP mappings; the next one (a new
# process, same machine) renews and at stop deletes them: the nonce is
# the same for the same mapping.
start_daemon "$LAB_DIR/default.json"
t_wait fwd_is ice-tcp ipv6 forwarded
# (Mapper first: the daemon's death alone makes its mapper clean up.)
mp=$(pgrep -P "$DPID" -x portward-mapper)
kill -9 "$mp" "$DPID" 2>/dev/null; wait "$DPID" 2>/dev/null; DPID=
t_wait sh -c "! pgrep -x portward-mapper >/dev/null"
lab_exec "$LAN" nft delete table inet portward 2>/dev/null
if [ "$(router_dnat)" = 4 ]; then left=yes; else left=no; fi
start_daemon "$LAB_DIR/default.json"
t_wait fwd_is ice-tcp ipv6 forwarded
stop_daemon
if [ $left = yes ] && nothing_left; then t_pass pcp__after_kill9__next_daemon_deletes_old_mappings
else t_fail pcp__after_kill9__next_daemon_deletes_old_mappings "left=$left dnat $(router_dnat) pinholes $(router_pinholes)"; fi

# A router that speaks only PCP restarts as after a power cut (its epoch
# starts again at 0, its rules are gone, and no SSDP tells): its
# unsolicited ANNOUNCE, or else the renewal at half the lease (miniupnpd
# grants at least 120 s), shows the epoch, and everything is mapped again.
lab_router_speaks pcp
conf "$LAB_DIR/short.json" '"lease_seconds": 60'
start_daemon "$LAB_DIR/short.json"
t_wait fwd_is ice-tcp ipv4 forwarded && t_wait fwd_is ice-tcp ipv6 forwarded
LAB_MINIUPNPD_SYSTEM_UPTIME=no lab_miniupnpd_reboot >>"$LAB_DIR/router.log" 2>&1
epoch_logged() { grep -q "epoch" "$LOG"; }
if T_WAIT=100 t_wait epoch_logged && t_wait lab_reaches_tcp $WAN4 &&
    t_wait lab_reaches_tcp "[$LAN6]" && [ "$(router_dnat)" = 4 ]; then
	t_pass pcp__router_restart__epoch_noticed_everything_mapped_again
else t_fail pcp__router_restart__epoch_noticed_everything_mapped_again "$(grep -i 'epoch\|again' "$LOG")"; fi
# miniupnpd 2.3.1 refuses to delete an IPv6 PCP mapping it renewed: the
# forwards go, the pinholes are shortened to its minimum lease and said.
stop_daemon
if [ "$(router_dnat)" = 0 ] && ! lab_reaches_tcp $WAN4 && { [ "$(router_pinholes)" = 0 ] ||
    grep -q "could not be removed: the router did not answer or refused" "$LOG"; }; then
	t_pass pcp__stop_after_restart__forwards_gone_refused_pinholes_said
else t_fail pcp__stop_after_restart__forwards_gone_refused_pinholes_said; fi
t_done
