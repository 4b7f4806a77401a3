#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# go-build.sh OUT_DIR: build the Go test tools (tests/tools/sfu and
# tests/tools/webrtc-client) into OUT_DIR/sfu and OUT_DIR/webrtc-client,
# offline, from Debian's Go packages under /usr/share/gocode.
# Debian installs a module whose go.mod path ends in /vN (webrtc/v3,
# sdp/v3, transport/v2, udp/v2) without the /vN directory, so GOPATH mode
# cannot find it; a private GOPATH under OUT_DIR links each such path to
# the installed directory. Nothing is downloaded: GO111MODULE=off,
# GOPROXY=off. Exit 100: usage; 111: the build failed.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUT_DIR" >&2; exit 100; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
sys=/usr/share/gocode
gp=$out/gopath
[ -d "$sys/src/github.com/pion/webrtc" ] || {
	echo "go-build: $sys has no pion/webrtc (apt-get install golang-github-pion-webrtc.v3-dev)" >&2
	exit 111
}

for mod in "$sys"/src/github.com/pion/*/go.mod; do
	dir=${mod%/go.mod}
	path=$(sed -n 's/^module[[:space:]]*"\{0,1\}\([^"[:space:]]*\)"\{0,1\}.*/\1/p' "$mod")
	case $path in
	*/v[0-9]|*/v[0-9][0-9]) ;;
	*) continue ;;
	esac
	# Already where the import path points (ice/v2, turn/v2, dtls/v2...).
	[ "$sys/src/$path" = "$dir" ] && continue
	mkdir -p "$gp/src/${path%/*}"
	ln -sfn "$dir" "$gp/src/$path"
done

export GOPATH="$gp:$sys" GOCACHE="$out/gocache" GO111MODULE=off GOPROXY=off GOFLAGS=
cd "$here"
for prog in sfu webrtc-client; do
	go build -o "$out/$prog" "./$prog" || exit 111
done
