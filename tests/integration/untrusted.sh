#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# untrusted.sh: strings from outside reach the log, the status and the
# terminal escaped (issue 17). Each source is fed an escape sequence and
# a newline that would forge a log line:
#  - a mapping description another LAN host set (upnpc -e) on a port the
#    daemon wants, which the daemon names in its forward-conflict;
#  - a fake gateway answering SSDP M-SEARCH with ESC and CR LF in its
#    LOCATION, SERVER and USN headers;
#  - the supervised SFU's output lines (it quotes its clients);
#  - a livekit.yaml with them in turn.domain and turn.bind_addresses;
#  - an nft change by a program whose name (comm) carries them.
# Measured from outside: the daemon's log has no ESC byte and no line
# that starts "portwardd: forged"; `portwardctl status` has no control
# byte but newlines; its JSON parses and carries the escaped text.
T_NAME=untrusted
source "$(dirname "$0")/../lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
t_need_root
t_need_tool ip nft socat miniupnpd upnpc jq /usr/bin/python3

EVIL=$'evil\e[2J\r\nportwardd: forged line'
SSDP_PID=
SSDP_DPID=
FK=${LAB_PREFIX}fk UH=${LAB_PREFIX}uh
cleanup() {
	stop_daemon
	t_stop "$SSDP_DPID"
	t_stop "$SSDP_PID"
	t_netns_cleanup
	lab_down
}
trap cleanup EXIT
lab_test_up router
URL=http://$RTR_LAN4:5000/rootDesc.xml
LOG=$LAB_DIR/daemon.log

# clean_bytes FILE: no byte below 0x20 but newline, no DEL.
clean_bytes() {
	/usr/bin/python3 -c 'import sys
d = open(sys.argv[1], "rb").read()
sys.exit(any((b < 0x20 and b != 10) or b == 0x7f for b in d))' "$1"
}
# no_forgery NAME FILE: FILE has no ESC, no bidi override and no line
# forged by a newline.
no_forgery() {
	if ! grep -q $'\e' "$2" && ! grep -q $'\xe2\x80\xae' "$2" &&
	    ! grep -q '^portwardd: forged' "$2" &&
	    ! grep -q '^forged' "$2"; then t_pass "$1"
	else t_fail "$1" "$(grep -n -a -e $'\e' -e '^portwardd: forged' -e '^forged' "$2" | cat -v | head -3)"; fi
}
# status_checks PREFIX SOCKET NS: text and JSON of a running daemon.
status_checks() {
	lab_exec "$3" "$PORTWARDCTL" status -s "$2" >"$LAB_DIR/st.txt" 2>&1
	if [ -s "$LAB_DIR/st.txt" ] && clean_bytes "$LAB_DIR/st.txt" &&
	    ! grep -q '^portwardd: forged' "$LAB_DIR/st.txt"; then t_pass "$1__status_text__no_control_byte"
	else t_fail "$1__status_text__no_control_byte" "$(cat -v "$LAB_DIR/st.txt" | head -20)"; fi
	lab_exec "$3" "$PORTWARDCTL" status -s "$2" --json >"$LAB_DIR/st.json" 2>/dev/null
	if jq -e .endpoints "$LAB_DIR/st.json" >/dev/null && clean_bytes "$LAB_DIR/st.json"; then
		t_pass "$1__status_json__valid_no_control_byte"
	else t_fail "$1__status_json__valid_no_control_byte" "$(cat -v "$LAB_DIR/st.json" | head -c 600)"; fi
}

conf() {	# conf FILE METHODS IGD_URL SOCKET
	cat >"$1" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json",
  "control_socket": "$4",
  "mapping": { "methods": $2${3:+, \"igd_url\": \"$3\"}, "lease_seconds": 3600 } }
JSON
}

# --- a mapping description from another LAN host --------------------------
lab_exec "$LAN2" upnpc -u "http://$RTR_LAN2_4:5000/rootDesc.xml" -e "$EVIL" \
    -a $LAN2_4 7881 7881 TCP >"$LAB_DIR/upnpc.out" 2>&1
if lab_exec "$LAN2" upnpc -u "http://$RTR_LAN2_4:5000/rootDesc.xml" -l 2>/dev/null |
    grep -a -q $'evil\e\\[2J'; then t_pass upnp__router_keeps_description_with_escape
else t_fail upnp__router_keeps_description_with_escape "$(cat -v "$LAB_DIR/upnpc.out")"; fi
conf "$LAB_DIR/upnp.json" '["upnp"]' "$URL" "$LAB_DIR/ctl.sock"
start_daemon "$LAB_DIR/upnp.json"
if t_wait grep -q "forward ice-tcp ipv4 7881/tcp: forward-conflict: .*$LAN2_4:7881" "$LOG"; then
	t_pass upnp__conflict_reported
else t_fail upnp__conflict_reported "$(grep -a ice-tcp "$LOG" | cat -v)"; fi
if grep -q 'evil\\x1b\[2J\\r\\nportwardd: forged line' "$LOG"; then
	t_pass upnp__log_names_holder_escaped
else t_fail upnp__log_names_holder_escaped "$(grep -a ice-tcp "$LOG" | cat -v)"; fi
no_forgery upnp__log__no_escape_no_forged_line "$LOG"
status_checks upnp "$LAB_DIR/ctl.sock" "$LAN"
h=$(jq -r '.mapping.forwards[] | select(.name=="ice-tcp" and .family=="ipv4") | .holder' "$LAB_DIR/st.json")
if [[ $h == *'("evil\x1b[2J\r\nportwardd: forged line")'* ]]; then
	t_pass upnp__status_json__holder_carries_escaped_text
else t_fail upnp__status_json__holder_carries_escaped_text "$(printf %s "$h" | cat -v)"; fi
if grep -q 'evil\\x1b\[2J\\r\\nportwardd: forged line' "$LAB_DIR/st.txt"; then
	t_pass upnp__status_text__shows_escaped_text_once
else t_fail upnp__status_text__shows_escaped_text_once "$(cat -v "$LAB_DIR/st.txt")"; fi

# --- an nft change by a program that named itself -------------------------
# The kernel names the committer by its comm, which exec sets from the
# file's name: a copy of nft named with an escape sequence, a newline and
# a right-to-left override (which the log's own escaping lets through).
mkdir -p "$LAB_DIR/bin"
NFTEVIL=$LAB_DIR/bin/$'\e[2J\n\xe2\x80\xaeforged'
cp "$(command -v nft)" "$NFTEVIL"
t_wait lab_exec "$LAN" nft list table inet portward
lab_exec "$LAN" "$NFTEVIL" add chain inet portward intruder 2>>"$LAB_DIR/nft.err"
if t_wait grep -q "another process changed portward's rules" "$LOG"; then
	t_pass nft__tamper_noticed
else t_fail nft__tamper_noticed "$(cat "$LAB_DIR/nft.err")"; fi
if grep -q '(\\x1b\[2J\\n\\u{202e}forged, pid [0-9]*)' "$LOG" &&
    ! grep -q $'\xe2\x80\xae' "$LOG"; then
	t_pass nft__log_names_program_escaped
else t_fail nft__log_names_program_escaped "$(grep -a 'another process' "$LOG" | cat -v)"; fi
no_forgery nft__log__no_escape_no_forged_line "$LOG"
stop_daemon
no_forgery upnp__log_after_stop__no_escape_no_forged_line "$LOG"

# --- a fake gateway answering SSDP ------------------------------------------
# Two namespaces of this test's own: the host (uh) and a "gateway" (fk)
# whose only service is a responder that answers each M-SEARCH twice:
# first with ESC and CR LF in LOCATION (refused: not printable), then
# with a plain LOCATION (nothing serves it) but ESC and CR LF in SERVER
# and USN.
if ! { t_netns "$UH" && t_netns "$FK" &&
    t_veth "$UH" eth0 "$FK" eth0 198.51.100.2/24 2001:db8:99::2/64 198.51.100.1/24 2001:db8:99::1/64 &&
    ip -n "$UH" route add default via 198.51.100.1; }; then
	t_fail ssdp__lab
	t_done
fi
cat >"$LAB_DIR/ssdp.py" <<'PY'
import socket, struct, sys
gw, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", 1900))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             struct.pack("4s4s", socket.inet_aton("239.255.255.250"),
                         socket.inet_aton(gw)))
evil = "\x1b[2J\r\nportwardd: forged line"
st = "urn:schemas-upnp-org:device:InternetGatewayDevice:1"
while True:
    d, a = s.recvfrom(2048)
    if not d.startswith(b"M-SEARCH"):
        continue
    for loc, extra in (("http://%s:5000/x%s" % (gw, evil), ""),
                       ("http://%s:5000/desc.xml" % gw, evil)):
        r = ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: %s\r\n"
             "USN: uuid:%s::%s\r\nEXT:\r\nSERVER: evil%s\r\n"
             "LOCATION: %s\r\n\r\n" % (st, extra, st, evil, loc))
        s.sendto(r.encode("latin-1"), a)
    with open(out, "a") as f:
        f.write("answered %s\n" % a[0])
PY
ip netns exec "$FK" /usr/bin/python3 "$LAB_DIR/ssdp.py" 198.51.100.1 "$LAB_DIR/ssdp.answered" &
SSDP_PID=$!
conf "$LAB_DIR/ssdp.json" '["upnp"]' "" "$LAB_DIR/ctl2.sock"
SLOG=$LAB_DIR/ssdp-daemon.log
ip netns exec "$UH" "$PORTWARDD" -c "$LAB_DIR/ssdp.json" >"$SLOG" 2>&1 &
SSDP_DPID=$!
if t_wait grep -q "answered 198.51.100.2" "$LAB_DIR/ssdp.answered" &&
    t_wait grep -q "no IGD description at http://198.51.100.1:5000/desc.xml" "$SLOG"; then
	t_pass ssdp__fake_gateway_answered_plain_location_taken
else t_fail ssdp__fake_gateway_answered_plain_location_taken "$(cat -v "$SLOG" | tail -5)"; fi
if ! grep -q 'forged' "$SLOG"; then t_pass ssdp__escaped_location_refused
else t_fail ssdp__escaped_location_refused "$(grep -a forged "$SLOG" | cat -v)"; fi
no_forgery ssdp__log__no_escape_no_forged_line "$SLOG"
t_wait test -S "$LAB_DIR/ctl2.sock"
status_checks ssdp "$LAB_DIR/ctl2.sock" "$UH"
t_stop "$SSDP_DPID"; SSDP_DPID=
no_forgery ssdp__log_after_stop__no_escape_no_forged_line "$SLOG"

# --- what the supervised SFU prints ----------------------------------------
# It quotes its clients (names, user agents); each line is logged with
# its fields escaped and the tabs between them kept.
cat >"$LAB_DIR/sup.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json",
  "control_socket": "$LAB_DIR/ctl4.sock", "mapping": { "methods": [] },
  "supervise": { "command": ["/bin/sh", "-c",
      "printf 'evil\\\\033[2J\\\\tfield\\\\r\\\\nportwardd: forged line\\\\342\\\\200\\\\256x\\\\n'; exec sleep 30"],
    "user": "nobody", "ready_timeout_seconds": 30, "stop_timeout_seconds": 3 } }
JSON
SUPLOG=$LAB_DIR/sup.log
ip netns exec "$UH" "$PORTWARDD" -c "$LAB_DIR/sup.json" >"$SUPLOG" 2>&1 &
SSDP_DPID=$!
if t_wait grep -q 'forged line' "$SUPLOG" &&
    grep -q $'sh: evil\\\\x1b\\[2J\tfield\\\\r$' "$SUPLOG" &&
    grep -q 'sh: portwardd: forged line\\u{202e}x$' "$SUPLOG"; then
	t_pass sfu__output_lines__fields_escaped_tabs_kept
else t_fail sfu__output_lines__fields_escaped_tabs_kept "$(grep -a 'sh:' "$SUPLOG" | cat -A | head -5)"; fi
t_stop "$SSDP_DPID"; SSDP_DPID=
no_forgery sfu__log__no_escape_no_forged_line "$SUPLOG"

# --- a livekit.yaml someone else wrote ------------------------------------
cat >"$LAB_DIR/lk-domain.yaml" <<'YAML'
port: 7880
turn:
  enabled: true
  tls_port: 5349
  domain: "evil\e[2J\r\nportwardd: forged line"
YAML
cat >"$LAB_DIR/lk-bind.yaml" <<'YAML'
port: 7880
turn:
  enabled: true
  udp_port: 3478
  bind_addresses: ["evil\e[2J\r\nportwardd: forged line"]
YAML
"$PORTWARDCTL" profile --livekit-config "$LAB_DIR/lk-domain.yaml" >"$LAB_DIR/lk1.out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q 'turn.domain: "evil\\x1b\[2J\\r\\nportwardd: forged line" is not a domain' "$LAB_DIR/lk1.out" &&
    clean_bytes "$LAB_DIR/lk1.out"; then t_pass livekit__turn_domain__error_escaped
else t_fail livekit__turn_domain__error_escaped "rc $rc: $(cat -v "$LAB_DIR/lk1.out")"; fi
cat >"$LAB_DIR/lk.json" <<JSON
{ "mode": "host", "livekit_config": "$LAB_DIR/lk-domain.yaml", "livekit_version": "1.10.1",
  "control_socket": "$LAB_DIR/ctl3.sock" }
JSON
ip netns exec "$UH" "$PORTWARDD" -n -c "$LAB_DIR/lk.json" >"$LAB_DIR/lk2.out" 2>&1
if grep -q 'evil\\x1b\[2J\\r\\nportwardd: forged line' "$LAB_DIR/lk2.out" &&
    clean_bytes "$LAB_DIR/lk2.out"; then t_pass livekit__daemon_check__error_escaped
else t_fail livekit__daemon_check__error_escaped "$(cat -v "$LAB_DIR/lk2.out")"; fi
no_forgery livekit__daemon_check__no_escape_no_forged_line "$LAB_DIR/lk2.out"
"$PORTWARDCTL" profile --livekit-config "$LAB_DIR/lk-bind.yaml" --livekit-version 1.10.1 >"$LAB_DIR/lk3.out" 2>&1
if grep -q 'note: turn.bind_addresses "evil\\x1b\[2J\\r\\nportwardd: forged line" is a name' "$LAB_DIR/lk3.out" &&
    clean_bytes "$LAB_DIR/lk3.out"; then t_pass livekit__bind_address_note__escaped
else t_fail livekit__bind_address_note__escaped "$(cat -v "$LAB_DIR/lk3.out")"; fi

t_done
