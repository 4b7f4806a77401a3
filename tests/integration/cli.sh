#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cli.sh: the two programs' usage and exit codes (docs/man/portwardd.8, portwardctl.8).
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
