#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# golden.sh: text output against files beside the input (diff -u).
#   golden/profile/NAME.yaml   portwardctl profile  -> NAME.out, NAME.json
#   golden/plan/NAME.conf.json portwardd -n         -> NAME.out
#   golden/rules/NAME.conf.json portwardctl rules   -> NAME.nft
#   golden/bad/NAME.*          rejected: exit 2, nothing on stdout,
#                              stderr exactly NAME.EXT.err
# UPDATE_GOLDEN=1 rewrites the expected files (review the diff!).
source "$(dirname "$0")/lib/testlib.sh"
G=$TOP/tests/golden
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

golden() {	# golden NAME EXPECTED ACTUAL
	if [ -n "${UPDATE_GOLDEN:-}" ]; then cp "$3" "$2"; fi
	if diff -u "$2" "$3"; then t_pass "$1"; else t_fail "$1" "differs from ${2#$TOP/}"; fi
}

cd "$G/profile" || exit 1
for y in *.yaml; do
	n=${y%.yaml}
	"$PORTWARDCTL" profile --livekit-config "$y" >"$TMP/out" 2>&1
	golden "profile_table__$n" "$n.out" "$TMP/out"
	"$PORTWARDCTL" profile --livekit-config "$y" --json >"$TMP/json" 2>&1
	golden "profile_json__$n" "$n.json" "$TMP/json"
	# What --json prints is itself a valid profile with the same endpoints.
	if "$PORTWARDCTL" profile --profile "$TMP/json" --json >"$TMP/again" 2>&1 &&
	    cmp -s "$TMP/json" "$TMP/again"; then
		t_pass "profile_json__${n}__round_trips"
	else
		t_fail "profile_json__${n}__round_trips"
	fi
done
"$PORTWARDCTL" profile --profile ../../../rules/livekit.json >"$TMP/out" 2>&1
golden "profile_table__reference" reference.out "$TMP/out"
"$PORTWARDCTL" profile --profile ../../../rules/livekit.json --json >"$TMP/json" 2>&1
golden "profile_json__reference" reference.json "$TMP/json"

# Real configurations from public deployments (tests/corpus/livekit: each
# names its source and the LiveKit version it runs in its header): what
# portward reads from each, or why LiveKit itself would refuse it.
cd "$TOP/tests/corpus/livekit" || exit 1
for y in *.yaml; do
	n=${y%.yaml}
	v=$(sed -n 's/^# livekit-version: *v\{0,1\}\([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p' "$y" | head -n 1)
	# "# livekit-flags:" (ours): the flags livekit-server runs with there.
	read -r -a f <<<"$(sed -n 's/^# livekit-flags: *//p' "$y" | head -n 1)"
	{
		"$PORTWARDCTL" profile --livekit-config "$y" ${v:+--livekit-version "$v"} ${f[0]:+-- "${f[@]}"} 2>&1
		echo "exit $?"
		"$PORTWARDCTL" profile --livekit-config "$y" ${v:+--livekit-version "$v"} --json ${f[0]:+-- "${f[@]}"} 2>/dev/null
	} >"$TMP/out"
	golden "corpus__$n" "$n.out" "$TMP/out"
done

cd "$G/plan" || exit 1
for c in *.conf.json; do
	n=${c%.conf.json}
	"$PORTWARDD" -n -c "$c" >"$TMP/out" 2>&1
	golden "plan__$n" "$n.out" "$TMP/out"
done

cd "$G/rules" || exit 1
for c in *.conf.json; do
	n=${c%.conf.json}
	"$PORTWARDCTL" rules -c "$c" >"$TMP/out" 2>&1
	golden "rules__$n" "$n.nft" "$TMP/out"
done

cd "$G/bad" || exit 1
for f in *; do
	case $f in
	*.err) continue ;;
	*.conf.json) cmd=("$PORTWARDD" -n -c "$f") ;;
	*.profile.json) cmd=("$PORTWARDCTL" profile --profile "$f") ;;
	*.yaml) cmd=("$PORTWARDCTL" profile --livekit-config "$f") ;;
	*) continue ;;
	esac
	n=$f
	"${cmd[@]}" >"$TMP/stdout" 2>"$TMP/stderr"
	rc=$?
	if [ $rc -ne 2 ]; then
		t_fail "bad__$n" "exit $rc, expected 2"
	elif [ -s "$TMP/stdout" ]; then
		t_fail "bad__$n" "printed on stdout: $(head -c 200 "$TMP/stdout")"
	else
		golden "bad__$n" "$n.err" "$TMP/stderr"
	fi
done

# The profile's JSON Schema (docs/schema/profile.schema.json) against
# what portwardctl profile --json prints for each shipped profile, each
# golden LiveKit configuration and each of the corpus that portward reads,
# and the shipped profiles themselves. Mutated documents must be refused
# by the schema and by portwardctl alike: the check cannot pass vacuously.
mkdir -p "$TMP/schema"
for p in "$TOP"/rules/*.json; do
	"$PORTWARDCTL" profile --profile "$p" --json >"$TMP/schema/rules-${p##*/}" 2>/dev/null
done
for y in "$G"/profile/*.yaml; do
	n=${y##*/}
	"$PORTWARDCTL" profile --livekit-config "$y" --json >"$TMP/schema/golden-${n%.yaml}.json" 2>/dev/null
done
cd "$TOP/tests/corpus/livekit" || exit 1
ncorpus=0
for y in *.yaml; do
	v=$(sed -n 's/^# livekit-version: *v\{0,1\}\([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p' "$y" | head -n 1)
	read -r -a f <<<"$(sed -n 's/^# livekit-flags: *//p' "$y" | head -n 1)"
	if "$PORTWARDCTL" profile --livekit-config "$y" ${v:+--livekit-version "$v"} --json \
	    ${f[0]:+-- "${f[@]}"} >"$TMP/schema/corpus-${y%.yaml}.json" 2>/dev/null; then
		ncorpus=$((ncorpus + 1))
	else
		rm -f "$TMP/schema/corpus-${y%.yaml}.json"	# LiveKit refuses it too
	fi
done
if [ "$ncorpus" -gt 0 ] && [ -z "$(find "$TMP/schema" -empty)" ] &&
    t_schema profile "$TMP"/schema/*.json "$TOP"/rules/*.json 2>"$TMP/schema.err"; then
	t_pass "schema__profile_json__shipped_golden_and_${ncorpus}_corpus_outputs_valid"
else t_fail schema__profile_json__outputs_valid "$(head -c 800 "$TMP/schema.err")"; fi
ref=$TMP/schema/rules-livekit.json
bad=
for m in '.endpoints[0].proto = "sctp"' '.endpoints[0].port = 0' '.endpoints = []' \
    '.extra = 1' '.endpoints[0].families = ["ipv5"]' '.endpoints[0].name = "ICE TCP"'; do
	jq "$m" "$ref" >"$TMP/mutated.json"
	if t_schema profile "$TMP/mutated.json" 2>/dev/null; then bad="$bad schema-accepts($m)"; fi
	if "$PORTWARDCTL" profile --profile "$TMP/mutated.json" >/dev/null 2>&1; then
		bad="$bad portwardctl-accepts($m)"
	fi
done
if [ -z "$bad" ]; then t_pass schema__profile_json__mutated_refused_by_schema_and_portwardctl
else t_fail schema__profile_json__mutated_refused_by_schema_and_portwardctl "$bad"; fi
t_done
