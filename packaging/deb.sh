#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build build/portward_VERSION_ARCH.deb as Debian builds a package, with
# dpkg-dev's tools and no debhelper: dpkg-buildflags' hardening, a /usr
# build kept apart from build/, the maintainer scripts of packaging/debian
# (dh_installsystemd's snippets, written out), Depends from dpkg-shlibdeps,
# the control file from dpkg-gencontrol.
set -eu
VERSION=$1
ARCH=$(dpkg --print-architecture)
W=$PWD/build/deb
ROOT=$W/root
rm -rf "$W"
mkdir -p "$ROOT/DEBIAN" "$W/src/debian"

# Hardening: fortify, stack protector, relro and bindnow (PIE is the
# compiler's default). The flags go to the Makefile as GNU make has them.
DEB_BUILD_MAINT_OPTIONS=hardening=+all
export DEB_BUILD_MAINT_OPTIONS
make -s BUILDDIR="$W/build" PREFIX=/usr DESTDIR="$ROOT" \
    CFLAGS="$(dpkg-buildflags --get CFLAGS)" \
    CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS)" \
    LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" install >/dev/null

# Debian 12 keeps units in /lib/systemd/system.
mkdir -p "$ROOT/lib/systemd/system"
mv "$ROOT/usr/lib/systemd/system/portward.service" "$ROOT/lib/systemd/system/"
rm -rf "$ROOT/usr/lib"
strip --remove-section=.comment --remove-section=.note --strip-unneeded \
    "$ROOT/usr/sbin/portwardd" "$ROOT/usr/bin/portwardctl"
gzip -9n "$ROOT"/usr/share/man/man1/* "$ROOT"/usr/share/man/man5/* \
    "$ROOT"/usr/share/man/man8/*

# Documentation; as dh_compress does, what is over 4 KiB is compressed.
DOC=$ROOT/usr/share/doc/portward
mkdir -p "$DOC"
install -m 644 README.md docs/*.md "$DOC/"
find "$DOC" -name '*.md' -size +4k -exec gzip -9n {} +
# The JSON Schemas status.md points to, uncompressed: a validator reads them.
mkdir -p "$DOC/schema"
install -m 644 docs/schema/*.json "$DOC/schema/"
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
# A native package: its changelog is the Debian changelog, dated by the
# last commit so that two builds of one tree are the same.
when=$(git log -1 --format=%ct 2>/dev/null || echo 0)
printf 'portward (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- portward developers <portward@example.org>  %s\n' \
    "$VERSION" "$VERSION" "$(date -R -u -d "@$when")" >"$W/src/debian/changelog"
gzip -9nc "$W/src/debian/changelog" >"$DOC/changelog.gz"

install -m 755 packaging/debian/postinst packaging/debian/prerm \
    packaging/debian/postrm "$ROOT/DEBIAN/"
echo "/etc/portward/portward.json" >"$ROOT/DEBIAN/conffiles"
chmod 644 "$ROOT/DEBIAN/conffiles"
find "$ROOT" -type d -exec chmod 755 {} +

# Depends with the versions the binaries need, then the control file.
cp packaging/debian/control "$W/src/debian/control"
(cd "$W/src" &&
    dpkg-shlibdeps -Tdebian/substvars \
        "$ROOT/usr/sbin/portwardd" "$ROOT/usr/bin/portwardctl" &&
    dpkg-gencontrol -v"$VERSION" -Tdebian/substvars -fdebian/files \
        -P"$ROOT")
(cd "$ROOT" && find . \( -path ./DEBIAN -o -path ./etc \) -prune -o -type f -printf '%P\0' |
    LC_ALL=C sort -z | xargs -0 md5sum >DEBIAN/md5sums)
chmod 644 "$ROOT/DEBIAN/control" "$ROOT/DEBIAN/md5sums"
OUT=build/portward_${VERSION}_${ARCH}.deb
SOURCE_DATE_EPOCH=$when dpkg-deb --root-owner-group -Zxz --build "$ROOT" \
    "$OUT" >/dev/null
echo "$OUT"
