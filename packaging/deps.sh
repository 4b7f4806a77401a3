#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what building, testing and the demo lab need on Debian 12.
# Idempotent: when every package is present it asks dpkg once and exits.
set -eu

BUILD="gcc make pkg-config libc6-dev libnftnl-dev libmnl-dev libminiupnpc-dev
libnatpmp-dev libjansson-dev libyaml-dev libcmocka-dev libssl-dev"
LAB="iproute2 nftables miniupnpd-nftables miniupnpc natpmpc coturn socat
openssl procps jq mandoc lintian systemd systemd-container valgrind iptables
golang-go golang-github-pion-webrtc.v3-dev golang-github-pion-ice.v2-dev
golang-github-pion-turn.v2-dev golang-github-pion-stun-dev golang-gopkg-yaml.v3-dev"

BENCH="s6"

case "${1:-all}" in
build) PKGS=$BUILD ;;
all) PKGS="$BUILD $LAB" ;;
bench) PKGS="$BUILD $LAB $BENCH" ;;
*) echo "usage: $0 [build|all|bench]" >&2; exit 2 ;;
esac

missing=
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root, or: apt-get install$missing" >&2
	exit 1
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# A package's postinst must not start a daemon on the host (miniupnpd,
# coturn): the tests start their own instances inside namespaces.
rcd=/usr/sbin/policy-rc.d
own_rcd=
if [ ! -e "$rcd" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$rcd"
	chmod 755 "$rcd"
	own_rcd=1
fi
trap 'if [ -n "$own_rcd" ]; then rm -f "$rcd"; fi' EXIT
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
