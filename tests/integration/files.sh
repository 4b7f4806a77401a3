#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# files.sh: what portward reads and what it replaces. A FIFO, a device or
# a directory where a configuration belongs is refused at once (at start,
# by -n and on SIGHUP, where the daemon keeps its rules and its loop); a
# 100000-level livekit.yaml is refused fast; control_socket and
# metrics_file never replace or delete what portward did not make, a
# stale socket is replaced, a live one is not taken. `timeout` is only a
# guard against a hang, never what a check measures.
T_NAME=files
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool ip nft jq socat timeout
NS=pwfl$$
NS2=pwfl2$$
DPID=
PIDS=()
cleanup() {
	local p
	# A daemon stuck in a blocking open() (a FIFO: the bug this tests)
	# does not read its SIGTERM: SIGKILL after 5 s, so the test ends.
	for p in "${PIDS[@]}" $DPID; do t_stop "$p" 5; done
	t_ns_teardown
}
t_ns_setup "$NS" "$NS2"
SOCK=$TMP/ctl.sock
PROM=$TMP/portward.prom
LOG=$TMP/log

start() {	# start CONF: the daemon in NS, its PID in DPID
	ip netns exec "$NS" "$PORTWARDD" -c "$1" >>"$LOG" 2>&1 &
	DPID=$!
	t_wait test -S "$SOCK"
}
stop() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	DPID=
}
answers() { timeout 5 "$PORTWARDCTL" status -s "$SOCK" --json 2>/dev/null | jq -e .endpoints >/dev/null; }
inode() { stat -c %i "$1" 2>/dev/null; }
# check NAME EXPECTED-RC MESSAGE CMD...: CMD exits EXPECTED-RC (not the
# guard's 124) and its stderr contains MESSAGE.
check() {
	local name=$1 want=$2 msg=$3 rc; shift 3
	timeout 10 "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" = "$want" ] && grep -qF -- "$msg" "$TMP/err"; then t_pass "$name"
	else t_fail "$name" "exit $rc, stderr: $(head -c 300 "$TMP/err")"; fi
}

cat >"$TMP/lk.yaml" <<'YAML'
port: 7880
rtc:
  tcp_port: 7881
  port_range_start: 50000
  port_range_end: 50100
YAML
cp "$TMP/lk.yaml" "$TMP/lk.good"
conf() {	# conf FILE [EXTRA-JSON]: a host-mode configuration on lk.yaml
	cat >"$1" <<JSON
{ "mode": "host", "livekit_config": "$TMP/lk.yaml", "livekit_version": "1.10.0",
  "control_socket": "$SOCK", "mapping": { "methods": [] }${2:+, $2} }
JSON
}
conf "$TMP/c.json" "\"metrics_file\": \"$PROM\""

# Inputs that are not regular files, refused by -n at once.
mkfifo "$TMP/fifo.json"
check config_fifo__n_refuses_at_once 2 "fifo.json: not a regular file (a FIFO)" \
    "$PORTWARDD" -n -c "$TMP/fifo.json"
ln -s "$TMP/fifo.json" "$TMP/link.json"
check config_link_to_fifo__n_refuses_at_once 2 "link.json: not a regular file (a FIFO)" \
    "$PORTWARDD" -n -c "$TMP/link.json"
check config_char_device__n_refuses 2 "/dev/zero: not a regular file (a character device)" \
    "$PORTWARDD" -n -c /dev/zero
check config_directory__n_refuses 2 "not a regular file (a directory)" \
    "$PORTWARDD" -n -c "$TMP"
mkfifo "$TMP/lk.fifo"
sed "s|$TMP/lk.yaml|$TMP/lk.fifo|" "$TMP/c.json" >"$TMP/cf.json"
check livekit_fifo__n_refuses_at_once 2 "lk.fifo: not a regular file (a FIFO)" \
    "$PORTWARDD" -n -c "$TMP/cf.json"
check livekit_fifo__portwardctl_rules_refuses_at_once 2 "lk.fifo: not a regular file (a FIFO)" \
    "$PORTWARDCTL" rules -c "$TMP/cf.json"

# 100000 levels in 200 KB: refused with the line where level 65 starts.
{ echo "rtc:"; head -c 200000 /dev/zero | tr '\0' ' ' | sed 's/  /- /g'; echo x; } >"$TMP/deep.yaml"
sed "s|$TMP/lk.yaml|$TMP/deep.yaml|" "$TMP/c.json" >"$TMP/cd.json"
t0=$(date +%s%N)
check livekit_100000_levels__n_refuses_with_line 2 "deep.yaml:2:127: nested deeper than 64 levels" \
    "$PORTWARDD" -n -c "$TMP/cd.json"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "  (-n on 100000 levels: $ms ms)"

# A running daemon and its rules, as the kernel holds them.
start "$TMP/c.json"
if t_wait t_nft_same_as_rules "$NS" "$TMP/c.json" && t_wait grep -q '^# HELP portward_' "$PROM"; then
	t_pass daemon__rules_and_metrics_in_place
else t_fail daemon__rules_and_metrics_in_place "$(tail -5 "$LOG")"; fi
t_nft_listing "$NS" >"$TMP/rules.before"

# SIGHUP with livekit.yaml replaced by a FIFO nobody writes to.
rm "$TMP/lk.yaml"; mkfifo "$TMP/lk.yaml"
kill -HUP "$DPID"
if t_wait grep -q 'reload: .*lk.yaml: not a regular file (a FIFO).*keeping the running configuration' "$LOG"; then
	t_pass sighup_livekit_fifo__logged_and_kept
else t_fail sighup_livekit_fifo__logged_and_kept "$(tail -3 "$LOG")"; fi
if answers; then t_pass sighup_livekit_fifo__status_answers
else t_fail sighup_livekit_fifo__status_answers; fi
in_ns nft flush ruleset
if T_WAIT=10 t_wait diff -q "$TMP/rules.before" <(t_nft_listing "$NS"); then
	t_pass sighup_livekit_fifo__flushed_table_repaired
else t_fail sighup_livekit_fifo__flushed_table_repaired "$(t_nft_listing "$NS" | head -5)"; fi

# SIGHUP with 100000 levels: refused, the loop goes on.
rm "$TMP/lk.yaml"; cp "$TMP/deep.yaml" "$TMP/lk.yaml"
kill -HUP "$DPID"
if t_wait grep -q 'reload: .*lk.yaml:2:127: nested deeper than 64 levels.*keeping' "$LOG" && answers &&
    diff -q "$TMP/rules.before" <(t_nft_listing "$NS") >/dev/null; then
	t_pass sighup_livekit_100000_levels__refused_rules_kept
else t_fail sighup_livekit_100000_levels__refused_rules_kept "$(tail -3 "$LOG")"; fi
cp "$TMP/lk.good" "$TMP/lk.yaml"

# A second instance: its table lock (same namespace), or the control
# socket's lock (another namespace) stops it; the live socket stays.
ino=$(inode "$SOCK")
check second_instance_same_ns__refused 1 "already kept by portwardd pid $DPID" \
    ip netns exec "$NS" "$PORTWARDD" -c "$TMP/c.json"
check second_instance_other_ns__refused 1 "control socket $SOCK is already served by portwardd pid $DPID" \
    ip netns exec "$NS2" "$PORTWARDD" -c "$TMP/c.json"
if [ "$(inode "$SOCK")" = "$ino" ] && answers; then t_pass second_instance__live_socket_not_taken
else t_fail second_instance__live_socket_not_taken; fi

# Someone puts their own file where the metrics go: not written over,
# not deleted at exit; the socket replaced by a file: not deleted either.
echo "# someone else's" >"$PROM"
kill -HUP "$DPID"
if t_wait grep -q "metrics_file: $PROM holds something portward did not write" "$LOG"; then
	t_pass sighup_foreign_metrics_file__refused
else t_fail sighup_foreign_metrics_file__refused "$(tail -3 "$LOG")"; fi
rm "$PROM"; : >"$PROM"
kill -HUP "$DPID"
t_wait grep -q 'reload: .* applied' "$LOG"
in_ns nft flush ruleset	# a repair writes the metrics
if t_wait grep -q '^# HELP portward_' "$PROM"; then t_pass metrics__empty_file__written
else t_fail metrics__empty_file__written; fi
echo "# someone else's" >"$PROM.theirs"; mv "$PROM.theirs" "$PROM"
rm "$SOCK"; echo "not a socket" >"$SOCK"
stop
if [ "$(cat "$PROM")" = "# someone else's" ] && [ "$(cat "$SOCK")" = "not a socket" ]; then
	t_pass exit__only_its_own_files_deleted
else t_fail exit__only_its_own_files_deleted; fi

# control_socket and metrics_file on someone else's files: -n refuses,
# naming the key and the path, and the files are left as they were.
printf 'precious\n' >"$TMP/precious"
cp "$TMP/precious" "$TMP/precious.orig"
conf "$TMP/cs.json"
sed -i "s|\"$SOCK\"|\"$TMP/precious\"|" "$TMP/cs.json"
check control_socket_regular_file__n_refuses 2 "control_socket: $TMP/precious is a regular file, not a socket" \
    "$PORTWARDD" -n -c "$TMP/cs.json"
check control_socket_regular_file__start_refuses 2 "control_socket: $TMP/precious is a regular file" \
    ip netns exec "$NS" "$PORTWARDD" -c "$TMP/cs.json"
conf "$TMP/cm.json" "\"metrics_file\": \"$TMP/precious\""
rm -f "$SOCK"
check metrics_file_not_ours__n_refuses 2 "metrics_file: $TMP/precious holds something portward did not write" \
    "$PORTWARDD" -n -c "$TMP/cm.json"
ln -s "$TMP/precious" "$TMP/prom.link"
conf "$TMP/cl.json" "\"metrics_file\": \"$TMP/prom.link\""
check metrics_file_symlink__n_refuses 2 "metrics_file: $TMP/prom.link is a symbolic link" \
    "$PORTWARDD" -n -c "$TMP/cl.json"
mkdir "$TMP/adir"
conf "$TMP/cdir.json"
sed -i "s|\"$SOCK\"|\"$TMP/adir\"|" "$TMP/cdir.json"
check control_socket_directory__n_refuses 2 "control_socket: $TMP/adir is a directory" \
    "$PORTWARDD" -n -c "$TMP/cdir.json"
if cmp -s "$TMP/precious" "$TMP/precious.orig" && [ -L "$TMP/prom.link" ] && [ -d "$TMP/adir" ]; then
	t_pass refused_paths__left_intact
else t_fail refused_paths__left_intact; fi

# A socket left by a daemon killed with SIGKILL is stale: replaced.
rm -f "$PROM"	# someone else's, from above
start "$TMP/c.json"
kill -9 "$DPID"; wait "$DPID" 2>/dev/null; DPID=
if [ -S "$SOCK" ]; then
	start "$TMP/c.json"
	if t_wait answers && t_wait t_nft_same_as_rules "$NS" "$TMP/c.json"; then t_pass stale_socket_after_sigkill__replaced
	else t_fail stale_socket_after_sigkill__replaced "$(tail -3 "$LOG")"; fi
	stop
else t_fail stale_socket_after_sigkill__replaced "no socket left behind to test with"; fi

# A socket another program serves, without portward's lock: not taken.
rm -f "$SOCK"
# (A small server of its own: socat's fork-and-echo sometimes answered
# nothing after a client that closed at once.)
/usr/bin/python3 -c '
import socket, sys
l = socket.socket(socket.AF_UNIX)
l.bind(sys.argv[1])
l.listen(16)
while True:
    c, _ = l.accept()
    try:
        c.sendall(b"theirs\n")
    except OSError:
        pass
    c.close()
' "$SOCK" 2>/dev/null &
PIDS+=($!)
t_wait test -S "$SOCK"
ino=$(inode "$SOCK")
ip netns exec "$NS" "$PORTWARDD" -c "$TMP/c.json" >>"$LOG" 2>&1 &
DPID=$!
t_wait grep -q "control: $SOCK is in use" "$LOG"
stop
if [ "$(inode "$SOCK")" = "$ino" ] && [ "$(socat -t 5 - UNIX-CONNECT:"$SOCK" </dev/null 2>/dev/null)" = theirs ]; then
	t_pass live_socket_of_another_program__not_taken
else t_fail live_socket_of_another_program__not_taken "inode $ino, now $(inode "$SOCK"): $(grep control "$LOG" | tail -2)"; fi
# control_socket in a directory another user may write: the socket is
# made 0660 by bind() itself. It was chmod()ed after bind(), and chmod()
# follows a link: the directory's owner put one to a file of root's in
# the socket's place in between (strace holds each chmod for 2 s, the
# window made wide), and root made that file 0660.
if command -v strace >/dev/null; then
	stop
	mkdir "$TMP/theirs"
	chown nobody "$TMP/theirs"
	chmod 711 "$TMP"	# nobody reaches its directory
	printf 'secret\n' >"$TMP/victim"
	chmod 600 "$TMP/victim"
	conf "$TMP/cr.json"
	sed -i "s|\"$SOCK\"|\"$TMP/theirs/ctl.sock\"|" "$TMP/cr.json"
	# LeakSanitizer cannot run under ptrace: no leak check for this one.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	ip netns exec "$NS" strace -qq -f -o /dev/null -e trace=chmod,fchmodat \
	    -e inject=chmod,fchmodat:delay_enter=2000000 \
	    "$PORTWARDD" -c "$TMP/cr.json" >>"$LOG" 2>&1 &
	DPID=$!
	t_wait test -S "$TMP/theirs/ctl.sock"
	setpriv --reuid nobody --regid nogroup --clear-groups sh -c \
	    "ln -s '$TMP/victim' '$TMP/theirs/x' && mv -T '$TMP/theirs/x' '$TMP/theirs/ctl.sock'"
	sleep 3
	# The daemon is strace's child: it is stopped, then strace ends.
	kill "$(pgrep -P "$DPID" -x portwardd)" 2>/dev/null
	wait "$DPID" 2>/dev/null
	DPID=
	if [ "$(stat -c %a "$TMP/victim")" = 600 ]; then
		t_pass control_socket_swapped_for_a_link__its_target_not_chmodded
	else t_fail control_socket_swapped_for_a_link__its_target_not_chmodded "victim now mode $(stat -c %a "$TMP/victim")"; fi
fi
t_done
