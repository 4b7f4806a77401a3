#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# packaging.sh: make install honours PREFIX and DESTDIR; the systemd unit
# verifies; man pages lint clean; the bash completion works; the OpenWrt
# files are valid. The Debian package has its own test, deb.sh.
T_NAME=packaging
source "$(dirname "$0")/../lib/testlib.sh"
t_need_tool mandoc systemd-analyze
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TOP" || exit 1

# Builds other than the default one: GCC at -O0 (a debugging build; its
# format-truncation analysis differs) and at -Os (OpenWrt's TARGET_CFLAGS;
# its SDK build passes WERROR=, this one keeps -Werror), and clang (no
# inline trunc(): libm must be linked). -Werror holds in each.
for v in "gcc -O0" "gcc -Os" "clang -O2"; do
	read -r cc opt <<<"$v"
	b=$TMP/b-$cc$opt
	if command -v "$cc" >/dev/null; then
		if nice make -s -j2 BUILDDIR="$b" CC="$cc" CFLAGS="$opt" NO_DEPS=1 \
		    "$b/portwardd" "$b/portwardctl" >"$b.log" 2>&1 &&
		    "$b/portwardctl" --version >/dev/null; then
			t_pass "build__${cc}_${opt}__builds_and_links"
		else t_fail "build__${cc}_${opt}__builds_and_links" "$(grep -m3 -E 'error|undefined' "$b.log")"; fi
	fi
done

# make install into a temporary DESTDIR
D=$TMP/dest
make -s install PREFIX=/opt/pw DESTDIR="$D" >"$TMP/install.log" 2>&1
missing=
for f in /opt/pw/sbin/portwardd /opt/pw/bin/portwardctl \
    /opt/pw/share/portward/livekit.json /opt/pw/share/man/man8/portwardd.8 \
    /opt/pw/share/man/man1/portwardctl.1 /opt/pw/share/man/man5/portward.json.5 \
    /opt/pw/share/bash-completion/completions/portwardctl \
    /opt/pw/lib/systemd/system/portward.service /opt/pw/etc/portward/portward.json; do
	[ -e "$D$f" ] || missing="$missing $f"
done
if [ -z "$missing" ] && [ -x "$D/opt/pw/sbin/portwardd" ] &&
    grep -q '^ExecStart=/opt/pw/sbin/portwardd -c /opt/pw/etc/portward/portward.json$' \
    "$D/opt/pw/lib/systemd/system/portward.service"; then
	t_pass install__prefix_destdir__tree_complete
else t_fail install__prefix_destdir__tree_complete "missing:$missing $(tail -3 "$TMP/install.log")"; fi
if "$D/opt/pw/sbin/portwardd" -n -c "$D/opt/pw/etc/portward/portward.json" >"$TMP/plan" 2>&1 &&
    grep -q "endpoints (profile $D/opt/pw/sbin/../share/portward/livekit.json" "$TMP/plan"; then
	t_pass install__relocated__default_config_valid_shipped_profile_found
else t_fail install__relocated__default_config_valid_shipped_profile_found "$(head -3 "$TMP/plan")"; fi

# license: GPL-2.0-or-later in LICENSE and in every source file (deb.sh
# checks the package's machine-readable copyright)
nolic=$(git ls-files 2>/dev/null | grep -vE '\.(yaml|json|out|err|nft|md|patch|meta)$|corpus/|golden/|^VERSION$|^LICENSE$|\.gitignore$' |
    while read -r f; do grep -q 'SPDX-License-Identifier: GPL-2.0-or-later' "$f" || echo "$f"; done)
if grep -q 'GNU GENERAL PUBLIC LICENSE' LICENSE && grep -q 'Version 2, June 1991' LICENSE &&
    [ -n "$(git ls-files 2>/dev/null | head -n 1)" ] && [ -z "$nolic" ]; then
	t_pass license__gpl2_or_later_in_every_source_file
else t_fail license__gpl2_or_later_in_every_source_file "without SPDX: $nolic"; fi

# systemd unit: verified with the build's binaries in place of /usr/sbin
sed "s|/usr/sbin/portwardd|$TOP/build/portwardd|g" packaging/systemd/portward.service >"$TMP/portward.service"
if systemd-analyze verify --man=no "$TMP/portward.service" >"$TMP/verify" 2>&1 && [ ! -s "$TMP/verify" ]; then
	t_pass systemd__unit_verifies_clean
else t_fail systemd__unit_verifies_clean "$(cat "$TMP/verify")"; fi
score=$(systemd-analyze security --offline=true --no-pager "$TMP/portward.service" 2>/dev/null |
    sed -n 's/.*Overall exposure level for portward.service: \([0-9.]*\).*/\1/p')
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s < 4.0) }'; then
	t_pass "systemd__exposure_score_${score}_below_4"
else t_fail systemd__exposure_score_below_4 "score '$score'"; fi
if grep -q '^Type=notify$' packaging/systemd/portward.service &&
    grep -q '^CapabilityBoundingSet=CAP_NET_ADMIN CAP_SETUID CAP_SETGID CAP_KILL CAP_DAC_READ_SEARCH CAP_NET_BIND_SERVICE$' packaging/systemd/portward.service &&
    grep -q '^RestrictAddressFamilies=AF_NETLINK AF_UNIX AF_INET AF_INET6$' packaging/systemd/portward.service &&
    grep -q '^RestartPreventExitStatus=2$' packaging/systemd/portward.service &&
    grep -q '^WatchdogSec=' packaging/systemd/portward.service; then
	t_pass systemd__notify_caps_and_address_families
else t_fail systemd__notify_caps_and_address_families; fi

# man pages and completion
lint=$(for m in docs/man/*; do mandoc -Tlint -W warning "$m"; done 2>&1)
if [ -z "$lint" ]; then t_pass man__mandoc_lint_clean
else t_fail man__mandoc_lint_clean "$lint"; fi
c=$(bash -c "source packaging/bash-completion/portwardctl; COMP_WORDS=(portwardctl do); COMP_CWORD=1; _portwardctl; echo \${COMPREPLY[*]}")
if [ "$c" = doctor ]; then t_pass completion__subcommand_completed
else t_fail completion__subcommand_completed "'$c'"; fi

# OpenWrt: the init script parses, the fw4 configuration is valid and
# attaches to fw4's forward_wan.
if sh -n packaging/openwrt/files/portward.init; then t_pass openwrt__init_script_syntax
else t_fail openwrt__init_script_syntax; fi
if "$PORTWARDD" -n -c packaging/openwrt/files/portward.json >/dev/null 2>&1 &&
    "$PORTWARDCTL" rules -c packaging/openwrt/files/portward.json |
    grep -qx 'insert rule inet fw4 forward_wan jump portward comment "portward"'; then
	t_pass openwrt__fw4_configuration_valid_and_attached
else t_fail openwrt__fw4_configuration_valid_and_attached; fi

# Link sets (the Makefile's COMMON_SRCS, DAEMON_SRCS, CLI_SRCS): each
# program carries only its own set. No function a daemon-only module
# defines is in portwardctl, none of the CLI's is in portwardd, and only
# the daemon loads the mapper's libraries. Checked on the default build.
sets=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' Makefile)
set_of() { printf '%s\n' "$sets" | sed -n "s/^$1[[:space:]]*:=//p"; }
defined() {	# the global functions a module's object defines
	nm --defined-only -g "build/obj/$1.o" 2>/dev/null | awk '$2 == "T" { print $3 }'
}
foreign_in() {	# foreign_in BINARY MODULE...: those whose functions are in it
	local bin=$1 m f; shift
	for m; do
		for f in $(defined "$m"); do
			if nm "$bin" | grep -qw "T $f"; then echo "$m:$f"; break; fi
		done
	done
}
daemon_set=$(set_of DAEMON_SRCS) cli_set=$(set_of CLI_SRCS)
if [ -n "$daemon_set" ] && [ -n "$cli_set" ] && [ -f build/obj/mapper.o ] &&
    [ -f build/obj/refl_serve.o ]; then
	bad=$(foreign_in build/portwardctl $daemon_set)
	if [ -z "$bad" ] && nm build/portwardctl | grep -qw 'T refl_serve'; then
		t_pass link__portwardctl_has_no_daemon_module
	else t_fail link__portwardctl_has_no_daemon_module "$bad"; fi
	bad=$(foreign_in build/portwardd $cli_set)
	if [ -z "$bad" ] && nm build/portwardd | grep -qw 'T mapper_start'; then
		t_pass link__portwardd_has_no_cli_module
	else t_fail link__portwardd_has_no_cli_module "$bad"; fi
else t_fail link__sets_found "no DAEMON_SRCS/CLI_SRCS in the Makefile, or no build"; fi
need=$(readelf -dW build/portwardctl | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
needd=$(readelf -dW build/portwardd | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
case $need in
*miniupnpc*|*natpmp*|*libssl*|*libcrypto*)
	t_fail link__portwardctl_without_the_mappers_libraries "$need" ;;
*libnftnl*) case $needd in
	*miniupnpc*natpmp*|*natpmp*miniupnpc*)
		t_pass link__portwardctl_without_the_mappers_libraries ;;
	*) t_fail link__portwardctl_without_the_mappers_libraries "portwardd: $needd" ;;
	esac ;;
*) t_fail link__portwardctl_without_the_mappers_libraries "$need" ;;
esac
t_done
