#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nft_router.sh: router mode in the lab. From "the internet", TCP to the
# router's WAN address reaches the LiveKit host through portward's DNAT,
# and IPv6 through its forward accept. A drop-policy firewall in another
# table blocks it and is reported; nft.attach opens the ports inside that
# firewall, and flush takes back exactly what portward added.
T_NAME=nft_router
source "$(dirname "$0")/../lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
t_need_root
t_need_tool ip nft socat ss

trap lab_down EXIT
lab_test_up
ctl() { lab_exec "$RTR" "$PORTWARDCTL" "$@"; }

cat >"$LAB_DIR/router.json" <<JSON
{ "mode": "router", "profile": "$TOP/rules/livekit-1.10.0.json",
  "router": { "wan_interface": "wan0", "lan_host_ipv4": "$LAN4",
              "lan_host_ipv6": "$LAN6" } }
JSON
cat >"$LAB_DIR/attach.json" <<JSON
{ "mode": "router", "profile": "$TOP/rules/livekit-1.10.0.json",
  "router": { "wan_interface": "wan0", "lan_host_ipv4": "$LAN4",
              "lan_host_ipv6": "$LAN6" },
  "nft": { "attach": { "family": "inet", "table": "filter", "chain": "forward" } } }
JSON

lab_tcp_listen "$LAN" "[::]" 7881
lab_wait_listen "$LAN" 7881

if [ -z "$(lab_ask $WAN4)" ]; then t_pass router__before_apply__wan_port_closed
else t_fail router__before_apply__wan_port_closed; fi

ctl apply -c "$LAB_DIR/router.json" >/dev/null 2>&1
if [ "$(lab_ask $WAN4)" = pong ]; then t_pass router__dnat__inet_reaches_lan_host_ipv4
else t_fail router__dnat__inet_reaches_lan_host_ipv4; fi
if [ "$(lab_ask "[$LAN6]")" = pong ]; then t_pass router__forward__inet_reaches_lan_host_ipv6
else t_fail router__forward__inet_reaches_lan_host_ipv6; fi
if lab_exec "$RTR" nft list chain inet portward prerouting | grep 'ice-tcp ipv4' | grep -q 'packets [1-9]'; then
	t_pass router__dnat_counter_counts
else t_fail router__dnat_counter_counts; fi

# A home-router firewall: forward policy drop in its own table.
lab_exec "$RTR" nft -f - <<'NFT'
table inet filter {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "lan0" accept
	}
}
NFT
lab_exec "$RTR" nft -s list table inet filter >"$LAB_DIR/theirs.before"
out=$(ctl apply -c "$LAB_DIR/router.json" 2>&1)
if [ -z "$(lab_ask $WAN4)" ]; then t_pass coexist__other_table_drops__blocked
else t_fail coexist__other_table_drops__blocked; fi
if [[ $out == *"dropped-by-other-table: table inet filter, chain forward (policy drop)"* ]]; then
	t_pass coexist__other_table_drops__reported_with_table_and_chain
else t_fail coexist__other_table_drops__reported_with_table_and_chain "$out"; fi

out=$(ctl apply -c "$LAB_DIR/attach.json" 2>&1)
if [ "$(lab_ask $WAN4)" = pong ] && [ "$(lab_ask "[$LAN6]")" = pong ]; then
	t_pass attach__ports_open_inside_their_firewall
else t_fail attach__ports_open_inside_their_firewall "$out"; fi
if [[ $out != *dropped-by-other-table* ]]; then t_pass attach__conflict_no_longer_reported
else t_fail attach__conflict_no_longer_reported "$out"; fi
first=$(lab_exec "$RTR" nft list chain inet filter forward | sed -n "4p")
if [[ $first == *'jump portward comment "portward"'* ]]; then t_pass attach__jump_on_top
else t_fail attach__jump_on_top "$first"; fi
out=$(ctl apply -c "$LAB_DIR/attach.json" 2>&1)
if [[ $out == "no change"* ]]; then t_pass attach__reapply__no_change
else t_fail attach__reapply__no_change "$out"; fi

ctl flush -c "$LAB_DIR/attach.json" >/dev/null 2>&1
lab_exec "$RTR" nft -s list table inet filter >"$LAB_DIR/theirs.after"
if diff -u "$LAB_DIR/theirs.before" "$LAB_DIR/theirs.after" >"$LAB_DIR/diff" &&
    ! lab_exec "$RTR" nft list table inet portward >/dev/null 2>&1; then
	t_pass flush__attached__their_table_exactly_as_before
else t_fail flush__attached__their_table_exactly_as_before "$(cat "$LAB_DIR/diff")"; fi

# Another program's jump that looks like ours (our comment, a chain whose
# name begins with ours) is theirs: kept by apply, re-apply and flush.
lab_exec "$RTR" nft add chain inet filter portward-x
lab_exec "$RTR" nft add rule inet filter forward jump portward-x comment '"portward"'
lab_exec "$RTR" nft -s list table inet filter >"$LAB_DIR/theirs2.before"
ctl apply -c "$LAB_DIR/attach.json" >/dev/null 2>&1
again=$(ctl apply -c "$LAB_DIR/attach.json" 2>&1)
ctl flush -c "$LAB_DIR/attach.json" >/dev/null 2>&1
lab_exec "$RTR" nft -s list table inet filter >"$LAB_DIR/theirs2.after"
if [[ $again == "no change"* ]] &&
    diff -u "$LAB_DIR/theirs2.before" "$LAB_DIR/theirs2.after" >"$LAB_DIR/diff2"; then
	t_pass attach__lookalike_jump_of_theirs__kept
else t_fail attach__lookalike_jump_of_theirs__kept "$again $(cat "$LAB_DIR/diff2")"; fi
t_done
