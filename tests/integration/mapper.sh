#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mapper.sh: forwards from a real router (Debian's miniupnpd in the lab's
# router namespace), with upnpc and the router's own nft chains as
# independent witnesses. From the internet side, TCP and UDP to the
# router's WAN address reach the LiveKit host through NAT-PMP and UPnP
# forwards, IPv6 through an IGDv2 pinhole; a router reboot is repaired;
# a port held for another internal port is a forward-conflict; a range is
# not forwarded; stop leaves nothing behind; a crashed daemon's mappings
# are reused or swept on restart. The mapper runs as nobody without
# capabilities.
T_NAME=mapper
source "$(dirname "$0")/../lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
t_need_root
t_need_tool ip nft socat ss miniupnpd upnpc natpmpc turnserver pgrep jq promtool

trap 'stop_daemon; lab_down' EXIT
lab_test_up router
URL=http://$RTR_LAN4:5000/rootDesc.xml
LOG=$LAB_DIR/daemon.log

mappings() { lab_exec "$LAN" upnpc -u "$URL" -l 2>/dev/null | grep -E '^ *[0-9]+ (TCP|UDP) '; }
has_mapping() { mappings | grep -q "$1"; }
no_mapping() { ! mappings | grep -q "$1"; }
reaches_udp() {	# a datagram from the internet to WAN4:7882 arrives on the host
	rm -f "$LAB_DIR/udp.got"
	lab_exec "$INET" socat -u - "UDP4-SENDTO:$WAN4:7882" <<<"hello" 2>/dev/null
	t_wait grep -q hello "$LAB_DIR/udp.got"
}
conf() {	# conf FILE METHODS [PROFILE]
	cat >"$1" <<JSON
{ "mode": "host", "profile": "${3:-$TOP/rules/livekit-1.10.0.json}",
  "control_socket": "$LAB_DIR/ctl.sock", "metrics_file": "$LAB_DIR/m.prom",
  "mapping": { "methods": $2, "igd_url": "$URL", "lease_seconds": 3600 } }
JSON
}
status() { lab_ctl status "$@"; }

lab_tcp_listen "$LAN" "[::]" 7881
lab_bg "$LAN" socat -u UDP4-RECVFROM:7882,reuseaddr,fork "OPEN:$LAB_DIR/udp.got,creat,append"
lab_wait_listen "$LAN" 7881

if ! lab_reaches_tcp $WAN4 && ! lab_reaches_tcp "[$LAN6]"; then t_pass router__before_portward__closed_both_families
else t_fail router__before_portward__closed_both_families; fi

# --- NAT-PMP -------------------------------------------------------------
conf "$LAB_DIR/natpmp.json" '["natpmp"]'
start_daemon "$LAB_DIR/natpmp.json"
if t_wait has_mapping "7881->$LAN4:7881 *'NAT-PMP 7881 tcp'" && t_wait has_mapping "7882->$LAN4:7882"; then
	t_pass natpmp__forwards_listed_by_upnpc
else t_fail natpmp__forwards_listed_by_upnpc "$(mappings)"; fi
if lab_reaches_tcp $WAN4; then t_pass natpmp__tcp_from_internet_reaches_host
else t_fail natpmp__tcp_from_internet_reaches_host; fi
if reaches_udp; then t_pass natpmp__udp_from_internet_reaches_host
else t_fail natpmp__udp_from_internet_reaches_host; fi
out=$(lab_exec "$LAN" natpmpc -g $RTR_LAN4 2>&1)
if [[ $out == *"Public IP address : $WAN4"* ]]; then t_pass natpmp__natpmpc_witness_sees_gateway
else t_fail natpmp__natpmpc_witness_sees_gateway "$out"; fi

mp=$(pgrep -P "$DPID" -x portward-mapper)
if [ -n "$mp" ] && grep -q "^Uid:[[:space:]]*$(id -u nobody)[[:space:]]" "/proc/$mp/status" &&
    grep -q '^CapEff:[[:space:]]*0000000000000000$' "/proc/$mp/status" &&
    grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$mp/status"; then
	t_pass mapper__runs_as_nobody_without_capabilities
else t_fail mapper__runs_as_nobody_without_capabilities "pid '$mp'"; fi

# The status model carries the forwards (method, gateway, external
# address and port, lease left) and the per-family verdicts; exit 1,
# since NAT-PMP alone cannot open IPv6 pinholes.
status --json >"$LAB_DIR/status.json" 2>/dev/null
rc=$?
if [ $rc -eq 1 ] &&
    [ "$(jq -r .mapping.method "$LAB_DIR/status.json")" = natpmp ] &&
    [ "$(jq -r .mapping.gateway "$LAB_DIR/status.json")" = "$RTR_LAN4" ] &&
    [ "$(jq -r '.mapping.external_addresses[0]' "$LAB_DIR/status.json")" = "$WAN4" ] &&
    [ "$(jq -r '.mapping.forwards[] | select(.name=="ice-tcp" and .family=="ipv4") | "\(.state) \(.external_port) \(.lease_left > 0)"' "$LAB_DIR/status.json")" = "forwarded 7881 true" ]; then
	t_pass status__mapping__method_gateway_address_port_lease
else t_fail status__mapping__method_gateway_address_port_lease "rc=$rc $(head -c 600 "$LAB_DIR/status.json")"; fi
if [ "$(jq -r '.mapping.forwards[] | select(.name=="ice-tcp" and .family=="ipv4") | .lease_expires > 0' "$LAB_DIR/status.json")" = true ] &&
    t_schema status "$LAB_DIR/status.json" 2>"$LAB_DIR/schema.err"; then
	t_pass schema__status_json__daemon_with_forwards_valid
else t_fail schema__status_json__daemon_with_forwards_valid "$(head -c 600 "$LAB_DIR/schema.err")"; fi
if [ "$(jq -r '.endpoints[] | select(.name=="turn-udp") | .ipv6 | "\(.verdict) \(.reason)"' "$LAB_DIR/status.json")" = "impossible livekit-turn-ipv4-only" ] &&
    [ "$(jq -r '.mapping.forwards[] | select(.name=="ice-tcp" and .family=="ipv6") | .state' "$LAB_DIR/status.json")" = no-ipv6-firewall-control ] &&
    [ "$(jq -r '.endpoints[] | select(.name=="ice-tcp") | .ipv6.verdict' "$LAB_DIR/status.json")" = blocked ]; then
	t_pass status__ipv6__turn_impossible_natpmp_only_no_pinhole_blocked
else t_fail status__ipv6__turn_impossible_natpmp_only_no_pinhole_blocked; fi
status >"$LAB_DIR/status.txt" 2>&1
if [ $? -eq 1 ] && grep -q '^turn-udp .* impossible (livekit-turn-ipv4-only)' "$LAB_DIR/status.txt" &&
    grep -q "forwards: $RTR_LAN4 via natpmp, external address $WAN4" "$LAB_DIR/status.txt"; then
	t_pass status__table__blocked_cell_exit_1
else t_fail status__table__blocked_cell_exit_1 "$(cat "$LAB_DIR/status.txt")"; fi

# The metrics say what the router says: the forward is up, in state 1
# (forwarded) while upnpc lists it; its lease ends when the router's does
# (upnpc: seconds left, the last column); IPv6 has no pinhole in the
# router's firewall, and its state is 6 (no-ipv6-firewall-control). One
# series per endpoint and family, no state label; promtool finds nothing.
PROM=$LAB_DIR/m.prom
metric() { awk -v k="$1" '$1 == k { print $2 }' "$PROM"; }
t_wait sh -c "grep -qx 'portward_forward_up{endpoint=\"ice-tcp\",family=\"ipv4\"} 1' '$PROM'"
left=$(mappings | grep "'NAT-PMP 7881 tcp'" | awk '{ print $NF }')
now=$(date +%s)
exp=$(metric 'portward_forward_lease_expiry_timestamp_seconds{endpoint="ice-tcp",family="ipv4"}')
if [ "$(metric 'portward_forward_state{endpoint="ice-tcp",family="ipv4"}')" = 1 ] &&
    [ -n "$left" ] && [ "$left" -gt 0 ] && [ -n "$exp" ] &&
    [ $((exp - now - left)) -le 30 ] && [ $((now + left - exp)) -le 30 ]; then
	t_pass metrics__ipv4_forward_state_and_lease_expiry_as_router_lists_them
else t_fail metrics__ipv4_forward_state_and_lease_expiry_as_router_lists_them \
    "router: $left s left at $now; metrics: expiry '$exp' $(grep '^portward_forward' "$PROM" | tr '\n' ' ')"; fi
if [ "$(metric 'portward_forward_state{endpoint="ice-tcp",family="ipv6"}')" = 6 ] &&
    [ "$(metric 'portward_forward_up{endpoint="ice-tcp",family="ipv6"}')" = 0 ] &&
    [ "$(metric 'portward_forward_lease_expiry_timestamp_seconds{endpoint="ice-tcp",family="ipv6"}')" = 0 ] &&
    ! lab_exec "$RTR" nft list chain inet filter miniupnpd 2>/dev/null | grep -q 0x20010db8; then
	t_pass metrics__ipv6_no_pinhole_state_6_as_router_firewall_shows
else t_fail metrics__ipv6_no_pinhole_state_6_as_router_firewall_shows "$(grep '^portward_forward_state' "$PROM" | tr '\n' ' ')"; fi
nfwd=$(jq '.mapping.forwards | length' "$LAB_DIR/status.json")
series() { grep "^$1{" "$PROM" | sed 's/^[a-z_]*//; s/ .*//' | sort; }
if [ "$nfwd" -gt 0 ] && [ "$(series portward_forward_state | wc -l)" = "$nfwd" ] &&
    [ "$(series portward_forward_state)" = "$(series portward_forward_up)" ] &&
    [ "$(series portward_forward_state)" = "$(series portward_forward_lease_expiry_timestamp_seconds)" ] &&
    ! grep -q '^portward_forward_[a-z_]*{[^}]*\(state\|method\)=' "$PROM"; then
	t_pass metrics__one_series_per_forward_no_state_label
else t_fail metrics__one_series_per_forward_no_state_label "$nfwd forwards; $(grep '^portward_forward' "$PROM" | tr '\n' ' ')"; fi
if promtool check metrics <"$PROM" >"$LAB_DIR/promtool.out" 2>&1 && [ ! -s "$LAB_DIR/promtool.out" ] &&
    grep -qx "portward_build_info{version=\"$(cat "$TOP/VERSION")\"} 1" "$PROM"; then
	t_pass metrics__promtool_clean_build_info_version
else t_fail metrics__promtool_clean_build_info_version "$(cat "$LAB_DIR/promtool.out")"; fi

lab_miniupnpd_reboot >>"$LAB_DIR/router.log" 2>&1
if t_wait has_mapping "'NAT-PMP 7881 tcp'" && lab_reaches_tcp $WAN4; then
	t_pass natpmp__router_reboot__forwards_back
else t_fail natpmp__router_reboot__forwards_back "$(mappings)"; fi
if grep -q 'mapping everything again' "$LOG"; then t_pass natpmp__router_reboot__noticed_and_logged
else t_fail natpmp__router_reboot__noticed_and_logged; fi

stop_daemon
if [ -z "$(mappings)" ] && ! lab_reaches_tcp $WAN4; then t_pass natpmp__stop__no_mapping_left
else t_fail natpmp__stop__no_mapping_left "$(mappings)"; fi
status >/dev/null 2>&1
if [ $? -eq 3 ]; then t_pass status__daemon_stopped__exit_3
else t_fail status__daemon_stopped__exit_3; fi

# --- UPnP IGD with IPv6 pinholes ------------------------------------------
conf "$LAB_DIR/upnp.json" '["upnp"]'
start_daemon "$LAB_DIR/upnp.json"
if t_wait has_mapping "7881->$LAN4:7881 *'portward ice-tcp'"; then t_pass upnp__forward_listed_by_upnpc
else t_fail upnp__forward_listed_by_upnpc "$(mappings)"; fi
if lab_reaches_tcp $WAN4 && reaches_udp; then t_pass upnp__tcp_and_udp_from_internet_reach_host
else t_fail upnp__tcp_and_udp_from_internet_reach_host; fi
if t_wait lab_reaches_tcp "[$LAN6]"; then t_pass upnp__ipv6_pinhole__internet_reaches_host
else t_fail upnp__ipv6_pinhole__internet_reaches_host "$(lab_exec "$RTR" nft list chain inet filter miniupnpd)"; fi
if lab_exec "$RTR" nft list chain inet filter miniupnpd | grep -q '0x20010db8007700000000000000000010'; then
	t_pass upnp__pinhole_in_router_firewall
else t_fail upnp__pinhole_in_router_firewall; fi
if ! lab_exec "$RTR" nft list chain inet filter miniupnpd | grep 'th dport 3479' | grep -q 0x20010db8; then
	t_pass upnp__ipv4_only_endpoint__no_pinhole
else t_fail upnp__ipv4_only_endpoint__no_pinhole; fi

lab_miniupnpd_reboot >>"$LAB_DIR/router.log" 2>&1
if t_wait has_mapping "'portward ice-tcp'" && t_wait lab_reaches_tcp "[$LAN6]"; then
	t_pass upnp__router_reboot__mappings_and_pinholes_back
else t_fail upnp__router_reboot__mappings_and_pinholes_back \
    "$(mappings) | mapper said: $(grep 'mapper:' "$LOG" | tail -n 4 | cut -c 1-110 | tr '\n' '|')"; fi

# The router goes away for a while: degraded (the forwards may hold until
# their lease ends), asked again with backoff and without a busy loop,
# and mapped again when it is back.
fwd_state() { status --json 2>/dev/null | jq -r ".mapping.forwards[] | select(.name==\"$1\" and .family==\"$2\") | .state"; }
fwd_is() { [ "$(fwd_state "$1" "$2")" = "$3" ]; }
: >"$LOG"
lab_miniupnpd_stop
v=
if t_wait fwd_is ice-tcp ipv4 router-unreachable; then
	v=$(status --json | jq -r '.endpoints[] | select(.name=="ice-tcp") | .ipv4 | "\(.verdict) \(.reason)"')
fi
# the lease it last had is still known (metrics: the expiry timestamp)
exp=$(status --json 2>/dev/null | jq -r '.mapping.forwards[] | select(.name=="ice-tcp" and .family=="ipv4") | .lease_expires')
if [ "$v" = "degraded router-unreachable" ] && [[ $exp =~ ^[0-9]+$ ]] && [ "$exp" -gt "$(date +%s)" ]; then
	t_pass gateway_gone__degraded_router_unreachable__lease_expiry_kept
else t_fail gateway_gone__degraded_router_unreachable__lease_expiry_kept "$v / $(fwd_state ice-tcp ipv4) / expires '$exp'"; cat "$LOG"; fi
mp=$(pgrep -P "$DPID" -x portward-mapper)
c0=$(awk '{print $14 + $15}' "/proc/$mp/stat"); sleep 4; c1=$(awk '{print $14 + $15}' "/proc/$mp/stat")
d=$(grep -o 'asking again in [0-9]*s' "$LOG" | grep -o '[0-9]*' | tr '\n' ' ')
# Doubling waits; the first is 1 s or 2 s, depending on whether a renewal
# or a discovery noticed the router gone first.
if [ $((c1 - c0)) -lt 50 ] && [[ "$d" == "2 4 "* || "$d" == "1 2 4 "* ]]; then t_pass gateway_gone__backoff_no_busy_loop
else t_fail gateway_gone__backoff_no_busy_loop "cpu ticks $((c1 - c0)), delays: $d"; fi
lab_miniupnpd_start >>"$LAB_DIR/router.log" 2>&1
if t_wait fwd_is ice-tcp ipv4 forwarded && t_wait lab_reaches_tcp $WAN4; then t_pass gateway_back__forwarded_again
else t_fail gateway_back__forwarded_again "$(fwd_state ice-tcp ipv4)"; fi

# The WAN address changes (the router restarts its UPnP service, as
# routers do): noticed, logged, in status, and the forwards follow.
: >"$LOG"
NEWWAN=203.0.113.9
lab_miniupnpd_stop
ip -n "$RTR" addr del $WAN4/24 dev wan0
ip -n "$RTR" addr add $NEWWAN/24 dev wan0
lab_miniupnpd_start >>"$LAB_DIR/router.log" 2>&1
ext_is() { [ "$(status --json 2>/dev/null | jq -r '.mapping.external_addresses[0]')" = "$1" ]; }
if t_wait ext_is $NEWWAN && grep -q "external address changed from $WAN4 to $NEWWAN" "$LOG" &&
    t_wait lab_reaches_tcp $NEWWAN; then
	t_pass wan_address_change__noticed_logged_in_status_forwards_follow
else t_fail wan_address_change__noticed_logged_in_status_forwards_follow "$(status --json | jq -c .mapping.external_addresses)"; fi
lab_miniupnpd_stop
ip -n "$RTR" addr del $NEWWAN/24 dev wan0
ip -n "$RTR" addr add $WAN4/24 dev wan0
lab_miniupnpd_start >>"$LAB_DIR/router.log" 2>&1
t_wait ext_is $WAN4

# The daemon and its mapper killed at once (a group SIGKILL: nothing can
# clean up) leave the mappings; a restart with a smaller profile reuses
# what it still wants (no duplicate) and sweeps the rest. (The daemon
# killed alone is cleaned up by its mapper: lifecycle.sh.)
mp=$(pgrep -P "$DPID" -x portward-mapper)
kill -9 "$mp" "$DPID"; wait "$DPID" 2>/dev/null; DPID=
t_wait sh -c "! pgrep -x portward-mapper >/dev/null"
if has_mapping "portward turn-tls"; then t_pass upnp__group_sigkill__mappings_left
else t_fail upnp__group_sigkill__mappings_left "$(mappings)"; fi
cat >"$LAB_DIR/small.json" <<'JSON'
{ "endpoints": [
  { "name": "ice-tcp", "proto": "tcp", "port": 7881 },
  { "name": "ice-udp", "proto": "udp", "port": 7882 },
  { "name": "turn-udp", "proto": "udp", "port": 3479, "families": ["ipv4"] } ] }
JSON
conf "$LAB_DIR/small.conf.json" '["upnp"]' "$LAB_DIR/small.json"
start_daemon "$LAB_DIR/small.conf.json"
if t_wait no_mapping "portward turn-tls" && t_wait has_mapping "portward ice-tcp" &&
    [ "$(mappings | grep -c "portward ice-tcp")" -eq 1 ] &&
    t_wait lab_reaches_tcp $WAN4; then
	t_pass upnp__restart_after_crash__reused_and_swept
else t_fail upnp__restart_after_crash__reused_and_swept "$(mappings)"; fi
stop_daemon
if [ -z "$(mappings)" ] && ! lab_exec "$RTR" nft list chain inet filter miniupnpd | grep -q accept; then
	t_pass upnp__stop__no_mapping_no_pinhole_left
else t_fail upnp__stop__no_mapping_no_pinhole_left "$(mappings)"; fi

# --- Conflicts and ranges ---------------------------------------------------
# Another LAN host holds 7881/tcp (UPnP) and 7882/udp (NAT-PMP).
lab_exec "$LAN2" upnpc -u "http://$RTR_LAN2_4:5000/rootDesc.xml" -e other -a $LAN2_4 7881 7881 TCP >/dev/null 2>&1
lab_exec "$LAN2" natpmpc -g $RTR_LAN2_4 -a 7882 7882 udp 3600 >/dev/null 2>&1
: >"$LOG"
conf "$LAB_DIR/upnp.json" '["upnp"]'
start_daemon "$LAB_DIR/upnp.json"
if t_wait grep -q "forward ice-tcp ipv4 7881/tcp: forward-conflict: .*$LAN2_4:7881" "$LOG"; then
	t_pass upnp__port_held_elsewhere__forward_conflict_names_holder
else t_fail upnp__port_held_elsewhere__forward_conflict_names_holder "$(grep ice-tcp "$LOG")"; fi
v=$(status --json 2>/dev/null | jq -r '.endpoints[] | select(.name=="ice-tcp") | .ipv4 | "\(.verdict) \(.reason) \(.hint)"')
if [[ $v == "blocked forward-conflict "*"$LAN2_4:7881"* ]]; then t_pass status__forward_conflict__blocked_names_holder
else t_fail status__forward_conflict__blocked_names_holder "$v"; fi
stop_daemon
: >"$LOG"
conf "$LAB_DIR/natpmp.json" '["natpmp"]'
start_daemon "$LAB_DIR/natpmp.json"
if t_wait grep -q "forward ice-udp ipv4 7882/udp: forward-conflict: .*granted external port" "$LOG"; then
	t_pass natpmp__other_port_granted__forward_conflict
else t_fail natpmp__other_port_granted__forward_conflict "$(grep ice-udp "$LOG")"; fi
t_wait has_mapping "'NAT-PMP 3479 udp'"
if ! mappings | grep -q " UDP .*->$LAN4:7882"; then
	t_pass natpmp__wrong_grant_released
else t_fail natpmp__wrong_grant_released "$(mappings)"; fi
stop_daemon
lab_exec "$LAN2" upnpc -u "http://$RTR_LAN2_4:5000/rootDesc.xml" -d 7881 TCP >/dev/null 2>&1
lab_exec "$LAN2" natpmpc -g $RTR_LAN2_4 -a 7882 7882 udp 0 >/dev/null 2>&1

cat >"$LAB_DIR/range.yaml" <<'YAML'
rtc:
  tcp_port: 7881
  port_range_start: 50000
  port_range_end: 50100
YAML
cat >"$LAB_DIR/range.json" <<JSON
{ "mode": "host", "livekit_config": "$LAB_DIR/range.yaml",
  "mapping": { "methods": ["upnp"], "igd_url": "$URL" } }
JSON
: >"$LOG"
start_daemon "$LAB_DIR/range.json"
if t_wait grep -q 'forward ice-udp ipv4 50000/udp: range-not-forwarded' "$LOG" &&
    t_wait has_mapping "portward ice-tcp" && ! mappings | grep -q ' 50000->'; then
	t_pass range__not_forwarded_clear_status
else t_fail range__not_forwarded_clear_status "$(grep ice-udp "$LOG")"; fi
stop_daemon
t_done
