#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# valgrind.sh: a full daemon life under valgrind's memcheck, forked
# processes included (the mapper and the probe helper fork without exec):
# start, rules, the supervised SFU, forwards from the lab's router, a probe,
# a child restart, a reload, a stop. No error and no leak anywhere.
T_NAME=valgrind
source "$(dirname "$0")/../lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
t_need_root
t_need_tool valgrind ip nft jq socat miniupnpd turnserver go
trap lab_down EXIT
lab_test_up sfu router
lab_reflectors "$PEER4"
st() { lab_ctl status --json 2>/dev/null | jq -r "$1"; }
st_is() { [ "$(st "$1")" = "$2" ]; }
conf() {
	cat >"$LAB_DIR/c.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json", "control_socket": "$LAB_DIR/ctl.sock",
  "mapping": { "methods": ["upnp", "natpmp"], "igd_url": "http://$RTR_LAN4:5000/rootDesc.xml",
               "lease_seconds": $1 },
  "probe": { "reflectors": ["$PEER4:7900"] }, "metrics_file": "$LAB_DIR/m.prom",
  "supervise": { "command": $LAB_SFU_JSON, "user": "nobody" } }
JSON
}
conf 3600
ip netns exec "$LAN" valgrind --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --log-file="$LAB_DIR/vg.%p" "$PORTWARDD" -c "$LAB_DIR/c.json" >"$LAB_DIR/log" 2>&1 &
VG=$!
export T_WAIT=90
if t_wait st_is '.endpoints[0].ipv4.verdict' reachable; then t_pass life__ready_forwarded_probed
else t_fail life__ready_forwarded_probed "$(tail -3 "$LAB_DIR/log")"; fi
kill -9 "$(st .child.pid)"
if t_wait st_is .child.restarts 1 && t_wait st_is .child.state running; then t_pass life__child_restarted
else t_fail life__child_restarted; fi
conf 7200
kill -HUP "$VG"
if t_wait grep -q 'reload: .* applied' "$LAB_DIR/log"; then t_pass life__reloaded
else t_fail life__reloaded; fi
kill -TERM "$VG"
wait "$VG"
rc=$?
# A forked child that executed the SFU left valgrind at exec: its log has
# no summary. Every process that ended under valgrind has one.
ended=$(grep -l 'ERROR SUMMARY' "$LAB_DIR"/vg.* 2>/dev/null | wc -l)
bad=$(grep -l 'ERROR SUMMARY: [1-9]\|definitely lost: [1-9]\|indirectly lost: [1-9]' "$LAB_DIR"/vg.* 2>/dev/null)
if [ $rc -eq 0 ] && [ -z "$bad" ] && [ "$ended" -ge 3 ]; then
	t_pass memcheck__no_errors_no_leaks_in_any_process
else
	t_fail memcheck__no_errors_no_leaks_in_any_process "rc=$rc, $ended processes ended"
	for f in $bad; do head -40 "$f"; done
fi
t_done
