#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh: every test, one summary line at the end ("N passed, N failed").
# Called by `make check` after the build; exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.." || exit 1
LOGDIR=build/test-logs
mkdir -p "$LOGDIR"
PASSED=0
FAILED=0
MISSED=()	# each failing test's lines, said again at the end (CI shows the tail)

report() {	# report NAME PASSED FAILED LOG
	PASSED=$((PASSED + $2))
	FAILED=$((FAILED + $3))
	if [ "$3" -eq 0 ]; then
		printf '  %-40s %3d ok\n' "$1" "$2"
	else
		MISSED+=("$(printf '  %-40s %3d ok, %d FAILED (log: %s)\n' "$1" "$2" "$3" "$4"
		    grep -E '^FAIL:|FAILED|ERROR|message:|expected|runtime error|Sanitizer' "$4" |
			head -n 20 | sed 's/^/      /')")
		printf '%s\n' "${MISSED[-1]}"
	fi
}

run_cmocka() {	# run_cmocka LABEL BINARY
	local log=$LOGDIR/$1.log p f rc
	mkdir -p "$(dirname "$log")"
	CMOCKA_MESSAGE_OUTPUT=stdout "$2" >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p' "$log" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	# A crash (sanitizer abort) leaves no summary: count it as a failure.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	report "$1" "$p" "$f" "$log"
}

run_shell() {	# run_shell LABEL SCRIPT
	local log=$LOGDIR/$1.log p f rc
	mkdir -p "$(dirname "$log")"
	bash "$2" >"$log" 2>&1 </dev/null
	rc=$?
	p=$(grep -c '^PASS:' "$log")
	f=$(grep -c '^FAIL:' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$rc" -eq 0 ] && [ "$p" -eq 0 ]; then f=1; fi	# ran nothing
	report "$1" "$p" "$f" "$log"
}

echo "unit tests (cmocka)"
for t in build/tests/test_*; do
	[ -x "$t" ] && run_cmocka "unit/${t##*/}" "$t"
done
echo "unit tests under ASan+UBSan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in build/asan/tests/test_*; do
	[ -x "$t" ] && run_cmocka "asan/${t##*/}" "$t"
done
unset ASAN_OPTIONS UBSAN_OPTIONS
echo "golden files and integration tests"
for t in tests/golden.sh tests/integration/*.sh; do
	[ -f "$t" ] && run_shell "${t#tests/}" "$t"
done
# The same with the daemon and the CLI built with ASan+UBSan (valgrind
# cannot run an ASan binary; packaging and deb build their own).
echo "integration tests with ASan+UBSan builds"
export PORTWARDD=$PWD/build/asan/portwardd PORTWARDCTL=$PWD/build/asan/portwardctl T_ASAN=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$PWD/$LOGDIR/asan
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$PWD/$LOGDIR/ubsan
rm -f "$LOGDIR"/asan.* "$LOGDIR"/ubsan.*
for t in tests/golden.sh tests/integration/*.sh; do
	# webrtc_smoke.sh runs no portward binary: nothing to sanitize;
	# systemd.sh runs what make install installs, under the unit's sandbox.
	case $t in */valgrind.sh|*/packaging.sh|*/deb.sh|*/webrtc_smoke.sh|*/systemd.sh) continue ;; esac
	[ -f "$t" ] && run_shell "asan/${t#tests/}" "$t"
done
unset PORTWARDD PORTWARDCTL ASAN_OPTIONS UBSAN_OPTIONS T_ASAN
reports=$(ls "$LOGDIR"/asan.* "$LOGDIR"/ubsan.* 2>/dev/null)
if [ -n "$reports" ]; then
	report "asan/sanitizer-reports" 0 1 "$(echo "$reports" | head -1)"
	head -30 $reports | sed 's/^/      /'
else
	report "asan/sanitizer-reports (none)" 1 0 /dev/null
fi

echo
if [ "$FAILED" -ne 0 ]; then
	echo "what failed:"
	printf '%s\n' "${MISSED[@]}"
fi
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
