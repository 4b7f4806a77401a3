#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cli.sh: the two programs' usage and exit codes (docs/man/portwardd.8, portwardctl.1).
T_NAME=cli
source "$(dirname "$0")/../lib/testlib.sh"

expect_rc() {	# expect_rc NAME RC CMD...
	local name=$1 want=$2 rc; shift 2
	"$@" >/dev/null 2>&1
	rc=$?
	if [ $rc -eq "$want" ]; then t_pass "$name"; else t_fail "$name" "exit $rc, expected $want"; fi
}

expect_rc portwardctl__no_args__usage_2 2 "$PORTWARDCTL"
expect_rc portwardctl__unknown_command__usage_2 2 "$PORTWARDCTL" frobnicate
expect_rc portwardctl__profile_both_sources__usage_2 2 "$PORTWARDCTL" profile \
    --profile "$TOP/rules/livekit.json" --livekit-config /etc/livekit.yaml
expect_rc portwardctl__profile_reference__0 0 "$PORTWARDCTL" profile --profile "$TOP/rules/livekit.json"
expect_rc portwardd__no_config__usage_2 2 "$PORTWARDD"
expect_rc portwardd__extra_arg__usage_2 2 "$PORTWARDD" -n -c x extra
expect_rc portwardd__missing_config__2 2 "$PORTWARDD" -n -c /nonexistent/portward.json

# --help: the usage on stdout, exit 0; --version: the VERSION file's;
# an unknown option: the usage on stderr, nothing on stdout, exit 2.
tmpc=$(mktemp -d)
version=$(cat "$TOP/VERSION")
for p in portwardd portwardctl; do
	bin=$PORTWARDD; [ $p = portwardctl ] && bin=$PORTWARDCTL
	"$bin" --help >"$tmpc/out" 2>"$tmpc/err"; rc=$?
	if [ $rc -eq 0 ] && grep -q "^usage: $p " "$tmpc/out" && [ ! -s "$tmpc/err" ]; then
		t_pass "${p}__help__usage_on_stdout_0"
	else t_fail "${p}__help__usage_on_stdout_0" "exit $rc: $(cat "$tmpc/err")"; fi
	"$bin" --version >"$tmpc/out" 2>"$tmpc/err"; rc=$?
	if [ $rc -eq 0 ] && [ "$(cat "$tmpc/out")" = "$p $version" ] && [ ! -s "$tmpc/err" ]; then
		t_pass "${p}__version__from_version_file"
	else t_fail "${p}__version__from_version_file" "exit $rc: '$(cat "$tmpc/out")', want '$p $version'"; fi
	"$bin" --frobnicate >"$tmpc/out" 2>"$tmpc/err"; rc=$?
	if [ $rc -eq 2 ] && grep -q "usage: $p " "$tmpc/err" && [ ! -s "$tmpc/out" ]; then
		t_pass "${p}__unknown_option__usage_on_stderr_2"
	else t_fail "${p}__unknown_option__usage_on_stderr_2" "exit $rc"; fi
done
# A subcommand's --help is the same usage; after "--" it is LiveKit's flag.
if "$PORTWARDCTL" status --help 2>/dev/null | grep -q '^usage: portwardctl ' &&
    ! "$PORTWARDCTL" profile --profile "$TOP/rules/livekit.json" -- --help 2>/dev/null | grep -q '^usage'; then
	t_pass portwardctl__subcommand_help__usage_but_not_after_dashdash
else t_fail portwardctl__subcommand_help__usage_but_not_after_dashdash; fi
rm -rf "$tmpc"

# status: an answer that could not be written is exit 1, even when no
# verdict is blocked (a daemon stand-in answers one status document).
tmps=$(mktemp -d)
cat >"$tmps/status.json" <<'JSON'
{"endpoints":[{"name":"ice-tcp","proto":"tcp","port":7881,"port_end":7881,"ipv4":{"verdict":"unknown","reason":"not-measured","stage":"probe","hint":""},"ipv6":{"verdict":"unknown","reason":"not-measured","stage":"probe","hint":""}}],"mapping":{"enabled":false},"rules":{"table":"portward","in_place":true,"dropped_by":[],"counters":[],"last_repair":null},"child":{"state":"stopped","pid":null,"restarts":0,"last_exit":null,"configured":false},"ready":true}
JSON
python3 - "$tmps/ctl.sock" "$tmps/status.json" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
doc = open(sys.argv[2], "rb").read().strip() + b"\n"
while True:
    c, _ = s.accept()
    c.recv(4096)
    c.sendall(doc)
    c.close()
PY
fake=$!
t_wait test -S "$tmps/ctl.sock"
"$PORTWARDCTL" status -s "$tmps/ctl.sock" --json >/dev/null 2>&1; ok_json=$?
"$PORTWARDCTL" status -s "$tmps/ctl.sock" >/dev/null 2>&1; ok_text=$?
"$PORTWARDCTL" status -s "$tmps/ctl.sock" --json >/dev/full 2>/dev/null; full_json=$?
"$PORTWARDCTL" status -s "$tmps/ctl.sock" >/dev/full 2>/dev/null; full_text=$?
kill "$fake"; wait "$fake" 2>/dev/null
rm -rf "$tmps"
if [ "$ok_json$ok_text" = 00 ] && [ "$full_json$full_text" = 11 ]; then
	t_pass portwardctl_status__output_not_written__1
else t_fail portwardctl_status__output_not_written__1 "written $ok_json/$ok_text, to /dev/full $full_json/$full_text"; fi

# Without a profile key the shipped reference profile is used.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo '{ "mode": "host" }' >"$tmp/c.json"
if "$PORTWARDD" -n -c "$tmp/c.json" >"$tmp/out" 2>&1 &&
    grep -q 'shipped reference profile' "$tmp/out" &&
    grep -q 'turn-tls     5350/tcp         ipv4+ipv6' "$tmp/out"; then
	t_pass portwardd_n__no_profile_key__reference_profile
else
	t_fail portwardd_n__no_profile_key__reference_profile "$(cat "$tmp/out")"
fi
t_done
