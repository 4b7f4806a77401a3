#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# completion.sh: the bash completion of portwardctl (packaging/
# bash-completion/portwardctl) completes file names after -c,
# --livekit-config, --profile and -s: in an interactive bash on a pty,
# readline inserts what the completion offers, a stand-in portwardctl
# prints each argument it gets, and each must be the real file's name
# (one with a space, typed bare, escaped or quoted; a directory gets its
# slash, once, and the name goes on inside it).
T_NAME=completion
source "$(dirname "$0")/../lib/testlib.sh"
t_need_tool python3
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/files/sub"
: >"$TMP/files/my file.yaml"
: >"$TMP/files/other.json"
: >"$TMP/files/sub/inner.json"

# The function alone: the words it offers.
offered() {	# offered WORD...: COMPREPLY for the last word, one per line
	(cd "$TMP/files" && bash -c 'source "$0"; COMP_WORDS=("${@}"); COMP_CWORD=$(($# - 1))
	    _portwardctl 2>/dev/null; printf "%s\n" "${COMPREPLY[@]}"' \
	    "$TOP/packaging/bash-completion/portwardctl" "$@")
}
if [ "$(offered portwardctl profile --livekit-config my)" = "my file.yaml" ] &&
    [ "$(offered portwardctl rules -c su)" = "sub/" ] &&
    [ "$(offered portwardctl status -s "my\\ f")" = "my file.yaml" ] &&
    [ "$(offered portwardctl profile --profile '"my f')" = "my file.yaml" ] &&
    [ "$(offered portwardctl doctor -c '' | sort | tr '\n' '|')" = "my file.yaml|other.json|sub/|" ]; then
	t_pass completion__function__file_names_whole_directories_slashed
else t_fail completion__function__file_names_whole_directories_slashed \
    "$(offered portwardctl profile --livekit-config my | tr '\n' '|') $(offered portwardctl rules -c su)"; fi
if [ -z "$(offered portwardctl profile --profile x -- --)" ] &&
    [ "$(offered portwardctl --v)" = --version ] &&
    [ "$(offered portwardctl status --j)" = --json ]; then
	t_pass completion__function__options_and_nothing_after_dashdash
else t_fail completion__function__options_and_nothing_after_dashdash; fi

# Through readline: type, press TAB, press Enter; read what ran.
cat >"$TMP/rc" <<RC
PS1='\$ '
bind 'set bell-style none'
bind 'set enable-bracketed-paste off'
source "$TOP/packaging/bash-completion/portwardctl"
portwardctl() { printf 'ARG<%s>\n' "\$@"; }
cd "$TMP/files"
RC
python3 - "$TMP/rc" >"$TMP/out" 2>&1 <<'PY'
import os, pty, select, sys, time
lines = [
    "portwardctl profile --livekit-config my\t\n",
    "portwardctl rules -c su\tin\t\n",
    "portwardctl status -s \"my f\t\n",
    "portwardctl doctor -c my\\ f\t\n",
    "portwardctl profile --profile ot\t\n",
    "exit\n",
]
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "dumb"
    os.execvp("bash", ["bash", "--noprofile", "--rcfile", sys.argv[1], "-i"])
out = b""
def drain(until, limit=20.0):
    global out
    end = time.monotonic() + limit   # a bound for a broken shell, no assert
    while until not in out and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                b = os.read(fd, 4096)
            except OSError:
                return
            if not b:
                return
            out += b
drain(b"$ ")
for n, l in enumerate(lines):
    os.write(fd, l.encode())
    drain(b"ARG<" if n < len(lines) - 1 else b"\0", 10.0)
    if n < len(lines) - 1:
        drain(b"$ ", 10.0)
        out += b"\n"
# A shell left waiting (an unclosed quote) must not hold the test.
try:
    os.kill(pid, 9)
except ProcessLookupError:
    pass
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
PY
args=$(grep -o 'ARG<[^>]*>' "$TMP/out" | tr '\n' '|')
want='ARG<profile>|ARG<--livekit-config>|ARG<my file.yaml>|ARG<rules>|ARG<-c>|ARG<sub/inner.json>|ARG<status>|ARG<-s>|ARG<my file.yaml>|ARG<doctor>|ARG<-c>|ARG<my file.yaml>|ARG<profile>|ARG<--profile>|ARG<other.json>|'
if [ "$args" = "$want" ]; then t_pass completion__readline__space_escaped_quoted_directory_file_names
else t_fail completion__readline__space_escaped_quoted_directory_file_names "got $args; pty: $(tr -d '\r' <"$TMP/out" | tail -c 600)"; fi
t_done
