#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build build/portward_VERSION_ARCH.deb from a /usr install of the tree.
# dpkg-deb only: no debhelper on a minimal machine.
set -eu
VERSION=$1
ARCH=$(dpkg --print-architecture)
ROOT=build/deb/root
rm -rf build/deb
mkdir -p "$ROOT/DEBIAN"
make -s install PREFIX=/usr DESTDIR="$PWD/$ROOT" >/dev/null
# Debian 12 keeps units in /lib/systemd/system.
mkdir -p "$ROOT/lib/systemd/system"
mv "$ROOT/usr/lib/systemd/system/portward.service" "$ROOT/lib/systemd/system/"
rm -rf "$ROOT/usr/lib"
strip --remove-section=.comment --remove-section=.note \
    "$ROOT/usr/sbin/portwardd" "$ROOT/usr/bin/portwardctl"
gzip -9n "$ROOT"/usr/share/man/man1/* "$ROOT"/usr/share/man/man5/* \
    "$ROOT"/usr/share/man/man8/*
DOC=$ROOT/usr/share/doc/portward
mkdir -p "$DOC"
cat >"$DOC/copyright" <<'COPY'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: portward
Source: https://example.org/portward

Files: *
Copyright: 2026 the portward authors
License: GPL-2.0-or-later
 This program is free software; you can redistribute it and/or modify
 it under the terms of the GNU General Public License as published by
 the Free Software Foundation; either version 2 of the License, or
 (at your option) any later version.
 .
 This program is distributed in the hope that it will be useful,
 but WITHOUT ANY WARRANTY; without even the implied warranty of
 MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 GNU General Public License for more details.
 .
 On Debian systems, the complete text of the GNU General Public License
 version 2 can be found in "/usr/share/common-licenses/GPL-2".
COPY
printf 'portward (%s) unstable; urgency=low\n\n  * Release %s.\n\n -- portward developers <portward@example.org>  %s\n' \
    "$VERSION" "$VERSION" "$(date -R -d @0 2>/dev/null || date -R)" |
    gzip -9n >"$DOC/changelog.gz"
chmod 644 "$DOC/copyright" "$DOC/changelog.gz"
SIZE=$(du -sk "$ROOT" | cut -f1)
cat >"$ROOT/DEBIAN/control" <<CTL
Package: portward
Version: $VERSION
Architecture: $ARCH
Maintainer: portward developers <portward@example.org>
Installed-Size: $SIZE
Depends: libc6, libnftnl11, libmnl0, libminiupnpc17, libnatpmp1, libjansson4, libyaml-0-2, libssl3
Recommends: nftables
Section: net
Priority: optional
Homepage: https://example.org/portward
Description: keeps a self-hosted LiveKit server reachable, and proves it
 portward reads LiveKit's port profile, opens the ports with nftables (as
 a host firewall service or a router-side agent), asks the upstream router
 for forwards (NAT-PMP, UPnP IGD, IPv6 pinholes), supervises the SFU, and
 says per IP family what is reachable from outside and why not.
CTL
echo "/etc/portward/portward.json" >"$ROOT/DEBIAN/conffiles"
chmod 644 "$ROOT/DEBIAN/control" "$ROOT/DEBIAN/conffiles"
find "$ROOT" -type d -exec chmod 755 {} +
OUT=build/portward_${VERSION}_${ARCH}.deb
dpkg-deb --root-owner-group -Zxz --build "$ROOT" "$OUT" >/dev/null
echo "$OUT"
