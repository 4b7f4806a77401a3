#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lab_smoke.sh: the namespace lab every later test builds on comes up,
# routes IPv6 from "the internet" to the LiveKit host, runs portward's
# checks inside it, and goes away without a trace.
T_NAME=lab_smoke
source "$(dirname "$0")/../lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
t_need_root
t_need_tool ip socat ss nft

trap lab_down EXIT
if lab_up; then t_pass lab__up; else t_fail lab__up "lab_up failed"; exit 1; fi

lab_tcp_listen "$LAN" "[$LAN6]" 7881
lab_wait_listen "$LAN" 7881
out=$(lab_exec "$INET" socat -T3 - "TCP:[$LAN6]:7881,connect-timeout=3" </dev/null 2>&1)
if [ "$out" = pong ]; then t_pass lab__ipv6_routed_inet_to_lan
else t_fail lab__ipv6_routed_inet_to_lan "got '$out'"; fi

lab_tcp_listen "$RTR" $WAN4 9999
lab_wait_listen "$RTR" 9999
out=$(lab_exec "$LAN" socat -T3 - "TCP:$WAN4:9999,connect-timeout=3" </dev/null 2>&1)
if [ "$out" = pong ]; then t_pass lab__ipv4_lan_reaches_router_wan
else t_fail lab__ipv4_lan_reaches_router_wan "got '$out'"; fi

cat >"$LAB_DIR/good.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json" }
JSON
cat >"$LAB_DIR/bad.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json", "nft": { "tabel": "x" } }
JSON
if lab_exec "$LAN" "$PORTWARDD" -n -c "$LAB_DIR/good.json" >"$LAB_DIR/plan" 2>&1 &&
    grep -q '^configuration .*: valid$' "$LAB_DIR/plan"; then
	t_pass portwardd_n__valid_config__plan_printed
else
	t_fail portwardd_n__valid_config__plan_printed "$(cat "$LAB_DIR/plan")"
fi
lab_exec "$LAN" "$PORTWARDD" -n -c "$LAB_DIR/bad.json" >/dev/null 2>"$LAB_DIR/err"
rc=$?
if [ $rc -eq 2 ] && grep -q 'nft.tabel: unknown key' "$LAB_DIR/err"; then
	t_pass portwardd_n__bad_config__exit_2_named_key
else
	t_fail portwardd_n__bad_config__exit_2_named_key "rc=$rc $(cat "$LAB_DIR/err")"
fi
if [ -z "$(lab_exec "$LAN" nft list ruleset)" ]; then
	t_pass portwardd_n__bad_config__kernel_untouched
else
	t_fail portwardd_n__bad_config__kernel_untouched "ruleset is not empty"
fi

lab_down
trap - EXIT
if ip netns list | grep -q "^$LAB_PREFIX"; then
	t_fail lab__down_removes_namespaces "$(ip netns list | grep "^$LAB_PREFIX")"
else
	t_pass lab__down_removes_namespaces
fi
t_done
