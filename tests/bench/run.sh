#!/usr/bin/env bash
# make bench: figures side by side with the tools users would otherwise
# use. Everything runs inside a network namespace this script creates (the
# daemon installs nftables rules there, never on the host) and is removed
# on exit. Nothing here asserts on time: it prints, and says how each
# figure compares with its target.
set -u
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
NS=pwbench$$
TMP=$(mktemp -d)
chmod 755 "$TMP"
cp "$TOP/build/tools/lkstub" "$TMP/lkstub"	# reachable for nobody
LKSTUB=$TMP/lkstub
BENCH=$TOP/build/tools/respawn_bench
N=${BENCH_SAMPLES:-10}
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	t_netns_cleanup
	rm -rf "$TMP"
}
trap cleanup EXIT
t_netns "$NS" || exit 1

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }
maxof() { sort -n | tail -n 1; }
ms() { awk -v u="$1" 'BEGIN {printf "%.2f ms", u/1000}'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.2f MiB", k/1024}'; }
child_of() { pgrep -P "$1" -x lkstub; }

# --- portwardd -----------------------------------------------------------
cat >"$TMP/pw.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json",
  "control_socket": "$TMP/ctl.sock", "mapping": { "methods": [] },
  "supervise": { "command": ["$LKSTUB"], "user": "nobody" } }
JSON
: >"$TMP/pw.us"
for i in $(seq 1 "$N"); do
	ip netns exec "$NS" "$TOP/build/portwardd" -c "$TMP/pw.json" >>"$TMP/pw.log" 2>&1 &
	D=$!
	PIDS+=("$D")
	t_wait sh -c "ip netns exec $NS $PORTWARDCTL status -s $TMP/ctl.sock --json 2>/dev/null | grep -q '\"ready\":true'" ||
		{ echo "bench: portwardd did not get ready" >&2; exit 1; }
	[ "$i" -eq 1 ] && PW_RSS=$(rss_kib "$D")
	"$BENCH" "$D" /lkstub >>"$TMP/pw.us" || exit 1
	kill "$D"; wait "$D" 2>/dev/null
done

# Idle wakeups: context switches while nothing happens, for 20 s.
IDLE=${BENCH_IDLE_SECONDS:-20}
wakeups() { awk '/^voluntary_ctxt_switches:|^nonvoluntary_ctxt_switches:/ {n += $2} END {print n}' "/proc/$1/status"; }
ip netns exec "$NS" "$TOP/build/portwardd" -c "$TMP/pw.json" >>"$TMP/pw.log" 2>&1 &
D=$!
PIDS+=("$D")
t_wait sh -c "ip netns exec $NS $PORTWARDCTL status -s $TMP/ctl.sock --json 2>/dev/null | grep -q '\"ready\":true'"
sleep 1
w0=$(wakeups "$D"); sleep "$IDLE"; w1=$(wakeups "$D")
PW_IDLE=$(( (w1 - w0) * 60 / IDLE ))
PW_IDLE_RSS=$(rss_kib "$D")
kill "$D"; wait "$D" 2>/dev/null

# --- s6-supervise ----------------------------------------------------------
if command -v s6-supervise >/dev/null; then
	mkdir -p "$TMP/svc"
	printf '#!/bin/sh\nexec %s\n' "$LKSTUB" >"$TMP/svc/run"
	chmod 755 "$TMP/svc/run"
	ip netns exec "$NS" s6-supervise "$TMP/svc" >/dev/null 2>&1 &
	S6=$!
	PIDS+=("$S6")
	t_wait sh -c "pgrep -P $S6 -x lkstub >/dev/null"
	: >"$TMP/s6.us"
	S6_RSS=$(rss_kib "$S6")
	for i in $(seq 1 "$N"); do
		# s6-supervise starts a service at most once a second.
		sleep 1.1
		"$BENCH" "$S6" /lkstub >>"$TMP/s6.us" || break
	done
	w0=$(wakeups "$S6"); sleep "$IDLE"; w1=$(wakeups "$S6")
	S6_IDLE=$(( (w1 - w0) * 60 / IDLE ))
	s6_med=$(ms "$(median <"$TMP/s6.us")") s6_max=$(ms "$(maxof <"$TMP/s6.us")")
	s6_rss=$(mib "$S6_RSS")
else
	s6_med="n/a" s6_max="n/a" s6_rss="n/a" S6_IDLE="n/a"
fi

pw_med=$(median <"$TMP/pw.us")
pw_max=$(maxof <"$TMP/pw.us")
verdict() { [ "$1" -lt "$2" ] && echo "within target" || echo "OVER TARGET"; }
echo
echo "supervision ($N samples each; stopwatch: tests/tools/respawn_bench, kill -9 to the new child's exec)"
printf '%-46s %-14s %-14s %s\n' "" portwardd s6-supervise "target"
printf '%-46s %-14s %-14s %s\n' "first restart, median" "$(ms "$pw_med")" "$s6_med" \
    "< 50 ms: $(verdict "$pw_med" 50000)"
printf '%-46s %-14s %-14s\n' "first restart, worst" "$(ms "$pw_max")" "$s6_max"
printf '%-46s %-14s %-14s %s\n' "resident memory while supervising" "$(mib "$PW_RSS")" "$s6_rss" \
    "< 4 MiB: $(verdict "$PW_RSS" 4096)"
printf '%-46s %-14s %-14s %s\n' "resident memory after ${IDLE}s idle" "$(mib "$PW_IDLE_RSS")" "" ""
printf '%-46s %-14s %-14s %s\n' "wakeups per minute when idle" "$PW_IDLE" "$S6_IDLE" \
    "none beyond lease and probe timers: $([ "$PW_IDLE" -le 1 ] && echo within target || echo OVER TARGET)"
echo "(s6-supervise waits about a second before restarting a service that died, by design;"
echo " it only supervises, while portwardd also holds its nftables socket, control socket and status.)"
