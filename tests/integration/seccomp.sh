#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# seccomp.sh: the system call allow-lists of the two processes that talk
# to strangers (src/seccomp.c).
# - The filters themselves, through tests/tools/seccomp_try, which puts
#   on the mapper's or the probe helper's exact filter and makes one
#   call: what they do (UDP, TCP, getifaddrs, malloc, read-only
#   /proc/net/route for the mapper) passes; what an intruder would do
#   next (execve, fork, ptrace, a file opened for writing, a packet
#   socket, mount, unshare, setuid, a signal to another process) ends the
#   process with SIGSYS, although the same call passes without a filter.
# - In the lab: the running mapper and probe helper have the filter
#   (/proc/PID/status: Seccomp 2, one filter) and still do their work
#   (forwards from miniupnpd, listed by upnpc); a mapper killed by SIGSYS
#   is noticed, logged and replaced by a filtered one.
T_NAME=seccomp
source "$(dirname "$0")/../lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
t_need_root
t_need_tool ip nft socat miniupnpd upnpc turnserver pgrep
TRY=${SECCOMP_TRY:-$TOP/build/tools/seccomp_try}
[ -x "$TRY" ] || { t_fail seccomp_try "no $TRY (make units builds it)"; exit 1; }

trap 'stop_daemon; lab_down' EXIT

# try WHO CALL: the wait status of seccomp_try (159: SIGSYS, 128 + 31).
try() { "$TRY" "$1" "$2" >/dev/null 2>&1; echo $?; }
SYS=$((128 + $(kill -l SYS)))

for who in mapper probe; do
	calls="udp4 udp6 unix getifaddrs malloc clock_gettime getrandom"
	[ $who = mapper ] && calls="$calls open_read if_nametoindex"
	bad=
	for c in $calls; do
		rc=$(try "$who" "$c")
		[ "$rc" = 0 ] || bad="$bad $c=$rc"
	done
	if [ -z "$bad" ]; then t_pass "filter__${who}__its_own_calls_pass"
	else t_fail "filter__${who}__its_own_calls_pass" "$bad"; fi
	bad=
	for c in execve fork ptrace open_write open_rdwr packet mount unshare \
	    setuid kill_parent tgkill_parent; do
		rc=$(try "$who" "$c")
		[ "$rc" = $SYS ] || bad="$bad $c=$rc"
	done
	if [ -z "$bad" ]; then t_pass "filter__${who}__intruder_calls_killed_by_sigsys"
	else t_fail "filter__${who}__intruder_calls_killed_by_sigsys" "$bad"; fi
done
# The probe helper opens nothing: even a read-only open kills it.
if [ "$(try probe open_read)" = $SYS ] && [ "$(try probe if_nametoindex)" = $SYS ]; then
	t_pass filter__probe__no_open_no_ioctl
else t_fail filter__probe__no_open_no_ioctl; fi
# The same calls without a filter: the deaths above are the filter's.
bad=
for c in execve open_write packet ptrace kill_parent; do
	rc=$(try none $c)
	[ "$rc" = 0 ] || bad="$bad $c=$rc"
done
if [ -z "$bad" ]; then t_pass filter__none__same_calls_pass_without_filter
else t_fail filter__none__same_calls_pass_without_filter "$bad"; fi

# --- the real processes, in the lab ----------------------------------
lab_test_up router
URL=http://$RTR_LAN4:5000/rootDesc.xml
LOG=$LAB_DIR/daemon.log
# A reflector that reads the request and never answers: the probe helper
# waits for it (up to 45 s), long enough to be looked at.
lab_bg "$INET" socat -u TCP-LISTEN:7900,bind=$PEER4,reuseaddr OPEN:/dev/null
lab_wait_listen "$INET" 7900
cat >"$LAB_DIR/c.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json",
  "control_socket": "$LAB_DIR/ctl.sock",
  "mapping": { "methods": ["upnp"], "igd_url": "$URL" },
  "probe": { "reflectors": ["$PEER4:7900"] } }
JSON
start_daemon "$LAB_DIR/c.json"
mappings() { lab_exec "$LAN" upnpc -u "$URL" -l 2>/dev/null | grep -E "^ *[0-9]+ (TCP|UDP) .*'portward"; }
child() { pgrep -P "$DPID" -x "portward-$1"; }
# filtered PID: mode 2 (filter), exactly one filter, no_new_privs.
filtered() {
	grep -q '^Seccomp:[[:space:]]*2$' "/proc/$1/status" &&
	    grep -q '^Seccomp_filters:[[:space:]]*1$' "/proc/$1/status" &&
	    grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$1/status"
}

if t_wait mappings && mp=$(child mapper) && filtered "$mp"; then
	t_pass mapper__filtered_and_forwards_listed_by_upnpc
else t_fail mapper__filtered_and_forwards_listed_by_upnpc "pid '$mp' $(grep Seccomp "/proc/$mp/status" 2>/dev/null | tr '\n' ' ')"; fi
if t_wait child probe && pp=$(child probe) && filtered "$pp"; then
	t_pass probe__helper_filtered_while_it_waits_for_the_reflector
else t_fail probe__helper_filtered_while_it_waits_for_the_reflector "pid '$pp'"; fi
# The daemon itself is not filtered: it must exec the SFU and change nft.
if grep -q '^Seccomp:[[:space:]]*0$' "/proc/$DPID/status"; then
	t_pass daemon__not_filtered
else t_fail daemon__not_filtered "$(grep Seccomp "/proc/$DPID/status")"; fi

# A mapper that dies by SIGSYS, as a forbidden call would end it: the
# daemon says how it died and starts a new one, filtered too.
kill -SYS "$mp"
nmp=
newmapper() { nmp=$(child mapper) && [ "$nmp" != "$mp" ]; }
if t_wait grep -q 'mapper: exited (signal 31' "$LOG" && t_wait newmapper &&
    t_wait filtered "$nmp" && t_wait mappings; then
	t_pass mapper__killed_by_sigsys__noticed_restarted_filtered
else t_fail mapper__killed_by_sigsys__noticed_restarted_filtered "$(grep 'mapper:' "$LOG" | tail -3)"; fi
stop_daemon
if [ -z "$(mappings)" ]; then t_pass stop__filtered_mapper_removed_every_forward
else t_fail stop__filtered_mapper_removed_every_forward "$(mappings)"; fi
t_done
