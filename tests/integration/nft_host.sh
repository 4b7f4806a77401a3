#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nft_host.sh: host-mode rules in a private namespace, with nft as the
# independent witness: what is installed is exactly what `rules` prints,
# a re-apply changes nothing, a refused batch changes nothing, flush
# removes everything portward added.
T_NAME=nft_host
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool ip nft socat
NS=pwnh$$
cleanup() { t_ns_teardown; }
t_ns_setup "$NS"
ctl() { in_ns "$PORTWARDCTL" "$@"; }
listing() { in_ns nft -s list table inet portward; }

cat >"$TMP/ref.json" <<JSON
{ "mode": "host", "profile": "$TOP/rules/livekit-1.10.0.json" }
JSON
sed "s/7882/7900/g" "$TOP/rules/livekit-1.10.0.json" >"$TMP/moved.json"
cat >"$TMP/moved.conf.json" <<JSON
{ "mode": "host", "profile": "$TMP/moved.json" }
JSON
cat >"$TMP/range.yaml" <<'YAML'
rtc:
  tcp_port: 7881
  port_range_start: 50000
  port_range_end: 60000
YAML
cat >"$TMP/range.json" <<JSON
{ "mode": "host", "livekit_config": "$TMP/range.yaml" }
JSON

out=$(ctl apply -c "$TMP/ref.json" 2>"$TMP/err")
# The table, input and seen (the last-priority count), six accept rules,
# six counting rules and the hairpin test's: 16.
if [ $? -eq 0 ] && [[ $out == "applied 16 changes"* ]]; then t_pass apply__reference__installed
else t_fail apply__reference__installed "$out $(cat "$TMP/err")"; fi

ctl rules -c "$TMP/ref.json" >"$TMP/want"
listing >"$TMP/got"
if diff -u "$TMP/want" "$TMP/got" >"$TMP/diff"; then t_pass apply__kernel_listing_equals_rules_output
else t_fail apply__kernel_listing_equals_rules_output "$(cat "$TMP/diff")"; fi

if grep -q 'comment "turn-udp ipv4"' "$TMP/got" && ! grep -q 'turn-udp ipv6' "$TMP/got" &&
    ! grep -q 'turn-tls ipv6' "$TMP/got" && grep -q 'comment "ice-tcp ipv6"' "$TMP/got"; then
	t_pass host__ipv4_only_endpoint__no_ipv6_accept
else t_fail host__ipv4_only_endpoint__no_ipv6_accept; fi

# Traffic to ice-udp counts; the counter survives a re-apply.
in_ns socat -u - UDP4-SENDTO:127.0.0.1:7882 <<<"x" 2>/dev/null
in_ns nft -a list table inet portward >"$TMP/before"
out=$(ctl apply -c "$TMP/ref.json" 2>&1)
in_ns nft -a list table inet portward >"$TMP/after"
if [[ $out == "no change"* ]]; then t_pass reapply__nothing_to_change__nothing_sent
else t_fail reapply__nothing_to_change__nothing_sent "$out"; fi
if diff -q "$TMP/before" "$TMP/after" >/dev/null &&
    grep 'ice-udp ipv4' "$TMP/after" | grep -q 'packets [1-9]'; then
	t_pass reapply__handles_and_counters_survive
else t_fail reapply__handles_and_counters_survive "$(diff "$TMP/before" "$TMP/after")"; fi

# A refused batch (an invalid rule appended to a real change) changes nothing.
in_ns nft -a list ruleset >"$TMP/before"
if in_ns "$TOP/build/tools/nft_inject" "$TMP/moved.conf.json" 2>"$TMP/err"; then
	in_ns nft -a list ruleset >"$TMP/after"
	if diff -u "$TMP/before" "$TMP/after" >"$TMP/diff"; then t_pass refused_batch__ruleset_unchanged
	else t_fail refused_batch__ruleset_unchanged "$(cat "$TMP/diff")"; fi
else t_fail refused_batch__ruleset_unchanged "the injected batch was not refused: $(cat "$TMP/err")"; fi

# A changed port replaces exactly that endpoint's rules; the rest keep handles.
out=$(ctl apply -c "$TMP/moved.conf.json" 2>&1)
in_ns nft -a list table inet portward >"$TMP/after"
# ice-udp's two accept rules, two counting rules and the hairpin rule.
if [[ $out == *"applied 10 changes"* ]] && grep -q 'udp dport 7900 counter' "$TMP/after" &&
    [ "$(grep 'ice-tcp ipv4' "$TMP/before" | grep -o 'handle [0-9]*')" = \
      "$(grep 'ice-tcp ipv4' "$TMP/after" | grep -o 'handle [0-9]*')" ]; then
	t_pass changed_port__only_that_endpoint_replaced
else t_fail changed_port__only_that_endpoint_replaced "$out"; fi

# A range is one rule per family, whatever its size.
ctl apply -c "$TMP/range.json" >/dev/null 2>&1
n=$(listing | grep -c 'udp dport 50000-60000 counter accept')
if [ "$n" -eq 2 ] && [ "$(listing | grep -c 'ice-udp')" -eq 4 ] &&
    [ "$(listing | grep -c 'udp dport 50000-60000 counter comment')" -eq 2 ]; then
	t_pass range__one_rule_per_family
else t_fail range__one_rule_per_family "found $n"; fi

# Someone else's rule inside portward's table, and a deleted rule: repaired.
in_ns nft add rule inet portward input tcp dport 22 drop
h=$(in_ns nft -a list chain inet portward input | sed -n 's/.*"ice-tcp ipv4" # handle \([0-9]*\)/\1/p')
in_ns nft delete rule inet portward input handle "$h"
ctl apply -c "$TMP/range.json" >/dev/null 2>&1
ctl rules -c "$TMP/range.json" >"$TMP/want"
if listing | diff -u "$TMP/want" - >"$TMP/diff"; then t_pass apply__tampered_table__repaired
else t_fail apply__tampered_table__repaired "$(cat "$TMP/diff")"; fi

# A bad configuration changes nothing.
in_ns nft -a list ruleset >"$TMP/before"
echo '{ "mode": "host", "nft": { "table": "portward", "keep": 1 } }' >"$TMP/bad.json"
ctl apply -c "$TMP/bad.json" >/dev/null 2>"$TMP/err"
rc=$?
in_ns nft -a list ruleset >"$TMP/after"
if [ $rc -eq 2 ] && grep -q 'nft.keep: unknown key' "$TMP/err" && diff -q "$TMP/before" "$TMP/after" >/dev/null; then
	t_pass apply__bad_config__exit_2_nothing_changed
else t_fail apply__bad_config__exit_2_nothing_changed "rc=$rc"; fi

# What `rules` prints is nft syntax: nft itself accepts it (attach included).
in_ns nft add table inet filter
in_ns nft add chain inet filter input '{ type filter hook input priority 0; policy drop; }'
for c in "$TOP"/tests/golden/rules/*.conf.json; do
	(cd "$TOP/tests/golden/rules" && "$PORTWARDCTL" rules -c "$c") >"$TMP/r.nft"
	case $c in *fw4*) sed -i 's/table inet fw4/table inet filter/; s/inet fw4 forward_wan/inet filter input/' "$TMP/r.nft" ;; esac
	if in_ns nft -c -f "$TMP/r.nft" 2>"$TMP/err"; then t_pass "rules__$(basename "$c" .conf.json)__nft_accepts_it"
	else t_fail "rules__$(basename "$c" .conf.json)__nft_accepts_it" "$(cat "$TMP/err")"; fi
done
in_ns nft delete table inet filter

# Other tables are never touched; flush removes portward's table only.
in_ns nft add table ip other
out=$(ctl flush -c "$TMP/range.json" 2>&1)
if [ -z "$(in_ns nft list tables | grep portward)" ] && in_ns nft list table ip other >/dev/null 2>&1; then
	t_pass flush__own_table_gone_other_kept
else t_fail flush__own_table_gone_other_kept "$out"; fi
out=$(ctl flush -c "$TMP/range.json" 2>&1)
if [[ $out == "nothing to remove"* ]]; then t_pass flush__twice__nothing_to_remove
else t_fail flush__twice__nothing_to_remove "$out"; fi
t_done
