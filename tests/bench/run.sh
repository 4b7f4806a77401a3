#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make bench: figures side by side with the tools users would otherwise
# use. Everything runs inside network namespaces this script creates (the
# daemon installs nftables rules there, never on the host; the forwards
# section uses the lab of tests/lib/lab.sh, with a real miniupnpd) and is
# removed on exit. Nothing here asserts on time: it prints, and says how
# each figure compares with its target. Sections: supervision, apply
# (portwardctl apply versus nft -f), tamper (rule repair), forwards.
set -u
source "$(dirname "$0")/../lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
t_need_root
t_need_tool ip nft pgrep miniupnpd upnpc natpmpc turnserver
NS=pwbench$$
TMP=$(mktemp -d)
chmod 755 "$TMP"
cp "$TOP/build/tools/lkstub" "$TMP/lkstub"	# reachable for nobody
LKSTUB=$TMP/lkstub
BENCH=$TOP/build/tools/respawn_bench
EVENTS=$TOP/build/tools/nft_events
N=${BENCH_SAMPLES:-10}
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	t_netns_cleanup
	lab_down
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

# --- Helpers of the sections below ------------------------------------------
# A PID is forgotten once waited for: cleanup never signals a reused PID.
untrack() {
	local p keep=()
	for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}
stop_pid() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; untrack "$1"; }
# Wall-clock microseconds from bash's $EPOCHREALTIME (no fork to read it).
now_us() { local t=$EPOCHREALTIME; echo "${t//[.,]/}"; }
# timed FILE CMD...: run CMD, append its wall time in µs to FILE; CMD's
# output goes to $TMP/last.out, its status is returned.
timed() {
	local f=$1 s e rc t
	shift
	t=$EPOCHREALTIME; s=${t//[.,]/}
	"$@" >"$TMP/last.out" 2>&1
	rc=$?
	t=$EPOCHREALTIME; e=${t//[.,]/}
	echo $((e - s)) >>"$f"
	return $rc
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.1fx", a/b; else print "n/a"}'; }
# events_from LOG LINE: nft_events lines after line LINE of LOG.
events_from() { tail -n "+$(($2 + 1))" "$1"; }
# wait_events LOG LINE SECONDS AWK: poll (every 20 ms, bounded) until the
# awk program, run on the events after LINE, exits 0. The time figures come
# from the events' own stamps, never from this poll.
wait_events() {
	local end=$((SECONDS + $3))
	while [ $SECONDS -lt $end ]; do
		events_from "$1" "$2" | awk "$4" && return 0
		sleep 0.02
	done
	return 1
}
# start_events NS LOG: nft_events in NS, writing LOG, subscribed on return.
start_events() {
	ip netns exec "$1" "$EVENTS" >"$2" 2>&1 &
	EV_PID=$!
	PIDS+=("$EV_PID")
	t_wait grep -q '^ready$' "$2" || { echo "bench: nft_events did not start" >&2; exit 1; }
}

# --- portwardctl apply versus nft -f ----------------------------------------
# A fresh namespace. Each run, portwardctl's, nft's and /bin/true's alike,
# is `ip netns exec NS CMD` timed by this shell: the fork and exec of ip,
# its setns, and the exec of CMD are in every figure, and /bin/true run the
# same way is that floor. Samples are interleaved, one of each per round.
NSA=pwbencha$$
t_netns "$NSA" || exit 1
in_a() { ip netns exec "$NSA" "$@"; }
cat >"$TMP/apply.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json",
  "mapping": { "methods": [] } }
JSON
in_a "$PORTWARDCTL" apply -c "$TMP/apply.json" >/dev/null 2>&1 ||
	{ echo "bench: portwardctl apply failed" >&2; exit 1; }
# The same ruleset as people write it: created by nft -f from scratch, and
# re-applied over an existing table the usual way (declare, flush, fill).
# The latter is nft's "nothing to change": nft replaces every rule (new
# handles, counters reset) where portwardctl sends nothing at all.
in_a nft -s list table inet portward >"$TMP/create.nft"
{ printf 'table inet portward {}\nflush table inet portward\n'; cat "$TMP/create.nft"; } >"$TMP/reapply.nft"
for f in floor pw0 nft0 pwc nftc; do : >"$TMP/a_$f.us"; done
APPLY_ODD=
for i in $(seq 1 "$N"); do
	timed "$TMP/a_floor.us" in_a /bin/true
	timed "$TMP/a_pw0.us" in_a "$PORTWARDCTL" apply -c "$TMP/apply.json" &&
	    grep -q '^no change' "$TMP/last.out" || APPLY_ODD="apply, nothing to change: $(head -c 200 "$TMP/last.out")"
	timed "$TMP/a_nft0.us" in_a nft -f "$TMP/reapply.nft" || APPLY_ODD="nft -f re-apply: $(head -c 200 "$TMP/last.out")"
	in_a nft delete table inet portward
	timed "$TMP/a_nftc.us" in_a nft -f "$TMP/create.nft" || APPLY_ODD="nft -f create: $(head -c 200 "$TMP/last.out")"
	in_a nft delete table inet portward
	timed "$TMP/a_pwc.us" in_a "$PORTWARDCTL" apply -c "$TMP/apply.json" &&
	    grep -q '^applied' "$TMP/last.out" || APPLY_ODD="apply, table created: $(head -c 200 "$TMP/last.out")"
done
a_floor=$(median <"$TMP/a_floor.us")
a_pw0=$(median <"$TMP/a_pw0.us") a_nft0=$(median <"$TMP/a_nft0.us")
a_pwc=$(median <"$TMP/a_pwc.us") a_nftc=$(median <"$TMP/a_nftc.us")
apply_row() {	# apply_row LABEL PW NFT
	local net
	net=$(awk -v p="$2" -v n="$3" -v f="$a_floor" 'BEGIN {
	    if (p - f > 0) printf "%.1fx", (n - f) / (p - f); else print "n/a"}')
	printf '%-34s %-12s %-12s %-8s %-12s %s\n' "$1" "$(ms "$2")" "$(ms "$3")" \
	    "$(ratio "$3" "$2")" "$net" \
	    "10x above the floor: $(awk -v p="$2" -v n="$3" -v f="$a_floor" \
	    'BEGIN {print (n - f >= 10 * (p - f)) ? "within target" : "OVER TARGET"}')"
}
echo
echo "apply versus nft -f ($N samples each, medians; every run is \`ip netns exec NS CMD\` timed with"
echo " bash's \$EPOCHREALTIME: forking and exec'ing ip and CMD is in every figure alike)"
printf '%-34s %-12s %-12s %-8s %-12s %s\n' "" "portwardctl" "nft -f" "ratio" "above floor" "target"
apply_row "nothing to change" "$a_pw0" "$a_nft0"
apply_row "table created" "$a_pwc" "$a_nftc"
printf '%-34s %-12s\n' "process floor (/bin/true)" "$(ms "$a_floor")"
echo "(nft -f with nothing to change: table declared, flushed and refilled in one transaction, as"
echo " rulesets are written; it replaces every rule. portwardctl reads the table and sends nothing."
echo " The target compares the work above the process floor, as the issue that set it did.)"
[ -n "$APPLY_ODD" ] && echo "bench: unexpected: $APPLY_ODD"

# --- Tamper to repaired -------------------------------------------------------
# portwardd (host mode, no forwards, nothing supervised) in a fresh
# namespace; nft deletes one of its rules, flushes its chain, deletes its
# table, N times each. tests/tools/nft_events stamps every nf_tables message
# as it reads it; a transaction ends with NEWGEN naming the process that
# committed it. The figure: from nft's NEWGEN to that of portwardd's last
# repair transaction, once the table lists again as `portwardctl rules`.
NST=pwbencht$$
t_netns "$NST" || exit 1
in_t() { ip netns exec "$NST" "$@"; }
cat >"$TMP/tamper.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json",
  "control_socket": "$TMP/tamper.sock", "mapping": { "methods": [] } }
JSON
"$PORTWARDCTL" rules -c "$TMP/tamper.json" >"$TMP/tamper.want"
start_events "$NST" "$TMP/tamper.ev"
# Not through in_t: $! must be the daemon (ip execs it), not a subshell.
ip netns exec "$NST" "$PORTWARDD" -c "$TMP/tamper.json" >>"$TMP/tamper.log" 2>&1 &
D=$!
PIDS+=("$D")
t_wait sh -c "ip netns exec $NST $PORTWARDCTL status -s $TMP/tamper.sock --json 2>/dev/null | grep -q '\"ready\":true'" ||
	{ echo "bench: portwardd did not get ready" >&2; exit 1; }
as_wanted() { in_t nft -s list table inet portward 2>/dev/null | cmp -s - "$TMP/tamper.want"; }
TAMPER_ODD=
# One tamper every 4 s: the repair of a change, not a fight. Five repairs
# within 10 s are a fight (include/fight.h), and portwardd then waits 1 s
# to 60 s before each repair (tests/integration/fight.sh checks that).
for kind in rule chain table; do
	: >"$TMP/t_$kind.us"
	: >"$TMP/t_$kind.batches"
	for i in $(seq 1 "$N"); do
		[ "$kind$i" = rule1 ] || sleep 4
		k=$(wc -l <"$TMP/tamper.ev")
		case $kind in
		rule)	h=$(in_t nft -a list chain inet portward input |
			    awk '/ accept comment / {print $NF; exit}')
			in_t nft delete rule inet portward input handle "$h" ;;
		chain)	in_t nft flush chain inet portward input ;;
		table)	in_t nft delete table inet portward ;;
		esac
		# nft's transaction, then one of portwardd's after it.
		if ! wait_events "$TMP/tamper.ev" "$k" 10 \
		    '/NEWGEN .*comm=nft$/ {n = 1} n && /NEWGEN .*comm=portwardd$/ {ok = 1} END {exit !ok}' ||
		    ! t_wait as_wanted; then
			TAMPER_ODD="$kind: not repaired within bounds"
			continue
		fi
		events_from "$TMP/tamper.ev" "$k" | awk '
		    / NEWGEN .*comm=nft$/ && !t0 {t0 = $1}
		    t0 && / NEWGEN .*comm=portwardd$/ {t1 = $1; b++}
		    END {print t1 - t0; if (b > 1) print b > "/dev/stderr"}' \
		    >>"$TMP/t_$kind.us" 2>>"$TMP/t_$kind.batches"
	done
done
stop_pid "$D"
stop_pid "$EV_PID"
echo
echo "tamper to repaired ($N tampers each; from the kernel's events, stamped by tests/tools/nft_events:"
echo " nft's transaction to portwardd's repair transaction)"
printf '%-34s %-12s %-12s %s\n' "" median worst "repairs in more than one batch"
for kind in rule chain table; do
	case $kind in
	rule) label="nft delete rule (one accept)" ;;
	chain) label="nft flush chain input" ;;
	table) label="nft delete table" ;;
	esac
	if [ -s "$TMP/t_$kind.us" ]; then
		printf '%-34s %-12s %-12s %s\n' "$label" "$(ms "$(median <"$TMP/t_$kind.us")")" \
		    "$(ms "$(maxof <"$TMP/t_$kind.us")")" "$(wc -l <"$TMP/t_$kind.batches")"
	else
		printf '%-34s %s\n' "$label" "no sample"
	fi
done
[ -n "$TAMPER_ODD" ] && echo "bench: unexpected: $TAMPER_ODD"

# --- Forwards from the router ----------------------------------------------------
# The lab (tests/lib/lab.sh): miniupnpd on the router namespace, the host
# on the LAN. tests/tools/nft_events watches the router's nf_tables events.
# From the launch of each command (`ip netns exec LAN CMD &`, stamped with
# $EPOCHREALTIME, the clock of the events' second column) to the router's
# DNAT rule for the profile's last IPv4 port (chain prerouting_miniupnpd),
# and to its accept for the last IPv6 pinhole (chain miniupnpd, a rule
# comparing a 16-byte address). Between samples the mappings are removed
# (portwardd on SIGTERM; the tools with lifetime 0 or -d) and the router's
# chains are empty again.
lab_up || { echo "bench: lab_up failed" >&2; exit 1; }
lab_router_up >"$LAB_DIR/router.log" 2>&1 || { echo "bench: lab_router_up failed" >&2; exit 1; }
URL=http://$RTR_LAN4:5000/rootDesc.xml
PROFILE=$TOP/rules/livekit-1.10.0.json
# The profile's IPv4 ports ("tcp 7881") and its IPv6 endpoints' count,
# from the rules portward installs.
printf '{ "mode": "host", "profile": "%s" }\n' "$PROFILE" >"$TMP/fwd-rules.json"
mapfile -t PORTS < <("$PORTWARDCTL" rules -c "$TMP/fwd-rules.json" |
    sed -n '/chain input/,/}/s/.*meta nfproto ipv4 \(tcp\|udp\) dport \([0-9]*\) .*accept.*/\1 \2/p')
NPIN=$("$PORTWARDCTL" rules -c "$TMP/fwd-rules.json" | sed -n '/chain input/,/}/p' |
    grep -c 'meta nfproto ipv6 .* accept')
NFWD=${#PORTS[@]}
fwd_conf() {	# fwd_conf FILE MAPPING-JSON
	cat >"$1" <<JSON
{ "mode": "host", "profile": "$PROFILE", "control_socket": "$LAB_DIR/ctl.sock",
  "mapping": $2 }
JSON
}
RTR_EV=$LAB_DIR/router.ev
start_events "$RTR" "$RTR_EV"
# awk patterns on the router's events: the NFWD-th DNAT rule, the NPIN-th
# IPv6 pinhole (the second column of their line: CLOCK_REALTIME, µs).
PAT_FWD="/ NEWRULE .*chain=prerouting_miniupnpd .*exprs=[^ ]*nat/ && ++n == $NFWD"
PAT_PIN="/ NEWRULE .*chain=miniupnpd .* a16/ && ++n == $NPIN"
router_empty() {
	[ -z "$(lab_exec "$RTR" nft list chain inet filter prerouting_miniupnpd | grep -E 'dnat|dport')" ] &&
	    [ -z "$(lab_exec "$RTR" nft list chain inet filter miniupnpd | grep accept)" ]
}
# Should anything stay behind, the router starts afresh (lab.sh).
router_clean() {
	t_wait router_empty && return 0
	FWD_ODD="${FWD_ODD}mappings left after $1; "
	lab_miniupnpd_reboot >>"$LAB_DIR/router.log" 2>&1
}

# event_time PATTERN FILE TIMEOUT-FILE: the time from $s to the first event
# since line $k matching PATTERN, appended to FILE (x to TIMEOUT-FILE).
event_time() {
	local v
	if wait_events "$RTR_EV" "$k" 20 "$1 {f = 1; exit} END {exit !f}"; then
		v=$(events_from "$RTR_EV" "$k" | awk "$1 {print \$2; exit}")
		echo $((v - s)) >>"$2"
	else
		echo x >>"$3"
	fi
}

# sample LABEL PINS START-CMD STOP-CMD: one run, appending to
# $TMP/f_LABEL.fwd and .pin (µs) or counting a timeout.
FWD_ODD=
sample() {
	local label=$1 pins=$2 start=$3 stop=$4 k s pid
	k=$(wc -l <"$RTR_EV")
	s=$(now_us)
	ip netns exec "$LAN" bash -c "$start" >>"$LAB_DIR/fwd.log" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	event_time "$PAT_FWD" "$TMP/f_$label.fwd" "$TMP/f_$label.fto"
	[ "$pins" = yes ] &&
		event_time "$PAT_PIN" "$TMP/f_$label.pin" "$TMP/f_$label.pto"
	if [ "$stop" = TERM ]; then
		stop_pid "$pid"
	else
		wait "$pid" 2>/dev/null
		untrack "$pid"
		ip netns exec "$LAN" bash -c "$stop" >>"$LAB_DIR/fwd.log" 2>&1
	fi
	router_clean "$label"
}
# The daemon's configurations; ["pcp"] only once portwardd accepts it.
declare -A MAP PINS
LABELS=(default natpmp upnp-url upnp-ssdp pcp)
MAP[default]='{ }'				PINS[default]=yes
MAP[natpmp]="{ \"methods\": [\"natpmp\"], \"gateway\": \"$RTR_LAN4\" }"	PINS[natpmp]=no
MAP[upnp-url]="{ \"methods\": [\"upnp\"], \"igd_url\": \"$URL\" }"	PINS[upnp-url]=yes
MAP[upnp-ssdp]='{ "methods": ["upnp"] }'	PINS[upnp-ssdp]=yes
MAP[pcp]="{ \"methods\": [\"pcp\"], \"gateway\": \"$RTR_LAN4\" }"	PINS[pcp]=yes
declare -A SKIP
for l in "${LABELS[@]}"; do
	fwd_conf "$LAB_DIR/$l.json" "${MAP[$l]}"
	"$PORTWARDD" -n -c "$LAB_DIR/$l.json" >"$LAB_DIR/$l.check" 2>&1 || SKIP[$l]=1
done
# The tools, as a user would run them for the same ports; all of a tool's
# runs in one `ip netns exec LAN sh`, as the daemon has one.
NATPMPC_ADD='' NATPMPC_DEL='' UPNPC_PAIRS='' UPNPC_DEL=''
for p in "${PORTS[@]}"; do
	set -- $p
	NATPMPC_ADD+="natpmpc -g $RTR_LAN4 -a $2 $2 $1 3600 && "
	NATPMPC_DEL+="natpmpc -g $RTR_LAN4 -a $2 $2 $1 0; "
	UPNPC_PAIRS+=" $2 ${1^^}"
	UPNPC_DEL+="upnpc -u $URL -d $2 ${1^^}; "
done
NATPMPC_ADD+=true
router_clean start
for i in $(seq 1 "$N"); do
	for l in "${LABELS[@]}"; do
		[ -n "${SKIP[$l]:-}" ] && continue
		sample "$l" "${PINS[$l]}" "exec $PORTWARDD -c $LAB_DIR/$l.json" TERM
	done
	sample natpmpc no "$NATPMPC_ADD" "$NATPMPC_DEL"
	sample upnpc-url no "upnpc -u $URL -r$UPNPC_PAIRS" "$UPNPC_DEL"
	# -i: the lab's external address is a documentation one, which
	# upnpc's discovery takes for "not connected" and refuses without it.
	sample upnpc-ssdp no "upnpc -i -r$UPNPC_PAIRS" "$UPNPC_DEL"
done
stop_pid "$EV_PID"

fig() {	# fig FILE-PREFIX EXT: "median / worst" or what went wrong
	local f=$TMP/f_$1.$2 to=$TMP/f_$1.${2:0:1}to out=
	[ -s "$f" ] && out="$(ms "$(median <"$f")") / $(ms "$(maxof <"$f")")"
	[ -s "$to" ] && out="${out:+$out, }$(wc -l <"$to") timed out"
	echo "${out:-n/a}"
}
fwd_row() {	# fwd_row LABEL PREFIX PINS TARGET
	printf '%-42s %-24s %-24s %s\n' "$1" "$(fig "$2" fwd)" \
	    "$([ "$3" = yes ] && fig "$2" pin || echo -)" "$4"
}
med_or() { [ -s "$1" ] && median <"$1" || echo 0; }
d_fwd=$(med_or "$TMP/f_default.fwd") n_fwd=$(med_or "$TMP/f_natpmpc.fwd")
verdict_fwd=$(awk -v d="$d_fwd" -v n="$n_fwd" 'BEGIN {
    if (d == 0 || n == 0) print "no figure"; else
    printf "%.1fx natpmpc, 1.2x: %s", d / n, (d <= 1.2 * n) ? "within target" : "OVER TARGET"}')
pin_target() {	# pin_target PREFIX
	local m
	[ -s "$TMP/f_$1.pin" ] || { echo "pinholes < 300 ms: no figure"; return; }
	m=$(median <"$TMP/f_$1.pin")
	echo "pinholes < 300 ms: $([ "$m" -lt 300000 ] && echo within target || echo OVER TARGET)"
}
echo
echo "forwards ($N samples each, median / worst; from launch to the router's nf_tables event, stamped"
echo " by tests/tools/nft_events: the DNAT of the last of $NFWD IPv4 ports, the accept of the last of"
echo " $NPIN IPv6 pinholes)"
printf '%-42s %-24s %-24s %s\n' "" "$NFWD IPv4 forwards" "$NPIN IPv6 pinholes" target
fwd_row "portwardd, default methods, all discovered" default yes "$verdict_fwd; $(pin_target default)"
fwd_row "portwardd [natpmp], gateway" natpmp no ""
fwd_row "portwardd [upnp], igd_url (IPv4)" upnp-url yes "$(pin_target upnp-url)"
fwd_row "portwardd [upnp], SSDP discovery" upnp-ssdp yes "$(pin_target upnp-ssdp)"
if [ -n "${SKIP[pcp]:-}" ]; then
	printf '%-42s %-24s %-24s %s\n' "portwardd [pcp], gateway" n/a n/a \
	    "portwardd -n: $(sed 's/.*: //' "$LAB_DIR/pcp.check" | head -n 1)"
else
	fwd_row "portwardd [pcp], gateway" pcp yes "$(pin_target pcp)"
fi
fwd_row "natpmpc -g GW -a PORT PORT PROTO 3600 x$NFWD" natpmpc no "(one sh: $NFWD runs)"
fwd_row "upnpc -u URL -r (all $NFWD ports)" upnpc-url no ""
fwd_row "upnpc -i -r (SSDP discovery)" upnpc-ssdp no ""
[ -n "$FWD_ODD" ] && echo "bench: unexpected: $FWD_ODD"
exit 0
