#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# deb.sh: the Debian package as Debian builds them. It passes lintian at
# warning level; Depends carry versions; both binaries are hardened (read
# from the ELF: fortified calls, stack protector, RELRO, BIND_NOW, PIE) and
# name no /usr/local; the docs are there. Then its maintainer scripts run
# for real: the package is installed, removed, reinstalled and purged in a
# container booted with systemd (systemd-nspawn) on a throwaway overlay of
# this machine's own root, in a network namespace of its own, so neither
# the machine's dpkg database nor its systemd nor its ruleset is touched.
T_NAME=deb
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool dpkg dpkg-deb lintian readelf strings jq systemd-nspawn nsenter unshare
TMP=$(mktemp -d)
CT_PID=
CT_LEADER=
trap 'ct_stop; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP
cd "$TOP" || exit 1

# ---- the container: this machine's / under a tmpfs overlay, booted ----

# ct_start DEB: boot the container with DEB in /var/tmp; sets CT_PID (the
# systemd-nspawn process) and CT_LEADER (the container's PID 1).
ct_start() {
	local m=$TMP/ct pid i
	mkdir -p "$m"
	# The overlay exists only in this private mount namespace; it goes
	# with the container's last process. basic.target: the machine's
	# own services (databases, TURN servers) stay down in there.
	unshare -m --propagation private sh -c '
		m=$1 deb=$2
		mount -t tmpfs -o mode=0755 pwdeb "$m" &&
		mkdir "$m/up" "$m/wk" "$m/root" &&
		mount -t overlay pwdeb -o "lowerdir=/,upperdir=$m/up,workdir=$m/wk" "$m/root" &&
		cp "$deb" "$m/root/var/tmp/portward.deb" || exit 1
		# The policy-rc.d of a container image (exit 101) would keep
		# deb-systemd-invoke from starting or stopping anything; a
		# Debian system has none.
		rm -f "$m/root/usr/sbin/policy-rc.d"
		exec systemd-nspawn -q --boot --private-network --register=no --keep-unit \
		    --link-journal=no \
		    -M "pwdeb$$" -D "$m/root" systemd.unit=basic.target' \
	    sh "$m" "$1" </dev/null >"$TMP/ct.log" 2>&1 &
	CT_PID=$!
	# The container's init: a child of systemd-nspawn, PID 1 inside.
	for i in $(seq 200); do
		for pid in $(pgrep -P "$CT_PID"); do
			if grep -qE '^NSpid:.*[[:space:]]1$' "/proc/$pid/status" 2>/dev/null; then
				CT_LEADER=$pid
				break 2
			fi
		done
		kill -0 "$CT_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	[ -n "$CT_LEADER" ] || return 1
	# systemctl answers once the container's manager listens; until then
	# ask again (bounded, so that a container that never settles fails).
	local st
	for i in $(seq 100); do
		st=$(ct timeout 120 systemctl is-system-running --wait 2>&1)
		case $st in running|degraded) return 0 ;; esac
		kill -0 "$CT_PID" 2>/dev/null || break
		sleep 0.2
	done
	echo "is-system-running: $st" >>"$TMP/ct.log"
	return 1
}

# ct CMD...: run CMD inside the container (its mounts, PIDs, network).
ct() {
	nsenter -t "$CT_LEADER" -m -u -i -n -p -C -r -w -- "$@"
}

# Power the container off (systemd-nspawn turns SIGTERM into a clean
# shutdown); SIGKILL only if it has not gone after a bounded wait.
ct_stop() {
	local _
	[ -n "$CT_PID" ] || return 0
	kill -TERM "$CT_PID" 2>/dev/null
	for _ in $(seq 300); do
		kill -0 "$CT_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$CT_PID" 2>/dev/null
	wait "$CT_PID" 2>/dev/null
	CT_PID=
}

# ---- the package itself ----

deb=$(make -s deb 2>"$TMP/deb.log" | tail -n 1)
if [ -f "$deb" ]; then t_pass deb__built
else t_fail deb__built "$(tail -3 "$TMP/deb.log")"; exit 1; fi
# Info tags shown too: lintian files hardening-no-fortify-functions and
# hardening-no-bindnow under I:, and none may fire.
if lintian -I --fail-on warning "$deb" >"$TMP/lintian" 2>/dev/null &&
    ! grep -q ' hardening-' "$TMP/lintian"; then
	t_pass deb__lintian_clean_at_warning_level_no_hardening_tag
else t_fail deb__lintian_clean_at_warning_level_no_hardening_tag "$(grep -E '^[EW]:| hardening-' "$TMP/lintian")"; fi

dep=$(dpkg-deb -f "$deb" Depends)
unversioned=
# libyaml-0-2 is absent from the list: its shlibs entry names no version.
for p in libc6 libnftnl11 libmnl0 libjansson4 libminiupnpc17 libnatpmp1 libssl3; do
	echo "$dep" | grep -qE "(^|, )$p \(>= [^)]+\)" || unversioned="$unversioned $p"
done
if [ -z "$unversioned" ] && echo "$dep" | grep -qE '(^|, )libyaml-0-2( |,|$)' &&
    echo "$dep" | grep -qE '(^|, )adduser( |,|$)'; then
	t_pass deb__depends_carry_versions
else t_fail deb__depends_carry_versions "without a version:$unversioned in: $dep"; fi

X=$TMP/x
dpkg-deb -x "$deb" "$X"
# harden BIN: why it is not hardened, or nothing.
harden() {
	local b=$1 why=
	readelf -hW "$b" | grep -qE 'Type:[[:space:]]+DYN' || why="$why not-PIE"
	readelf -lW "$b" | grep -q GNU_RELRO || why="$why no-RELRO"
	readelf -dW "$b" | grep -qE '\(FLAGS\).*BIND_NOW' || why="$why no-BIND_NOW"
	readelf --dyn-syms -W "$b" | grep -q ' __stack_chk_fail' || why="$why no-stack-protector"
	readelf --dyn-syms -W "$b" | grep -qE ' __(snprintf|memcpy|vsnprintf)_chk' ||
	    why="$why not-fortified"
	echo "$why"
}
for b in usr/sbin/portwardd usr/bin/portwardctl; do
	why=$(harden "$X/$b")
	if [ -z "$why" ]; then t_pass "deb__hardened__${b##*/}"
	else t_fail "deb__hardened__${b##*/}" "$why"; fi
done
if ! strings "$X/usr/sbin/portwardd" "$X/usr/bin/portwardctl" | grep -q /usr/local &&
    strings "$X/usr/sbin/portwardd" | grep -qx /usr/share/portward; then
	t_pass deb__binaries_name_usr_share_portward_not_usr_local
else t_fail deb__binaries_name_usr_share_portward_not_usr_local; fi
# Unpacked aside (nothing in /usr/share/portward here), the binary finds
# the shipped profile next to itself.
if "$X/usr/sbin/portwardd" -n -c "$X/etc/portward/portward.json" >"$TMP/plan" 2>&1 &&
    grep -q "endpoints (profile $X/usr/sbin/../share/portward/livekit.json" "$TMP/plan"; then
	t_pass deb__unpacked_aside__profile_found_next_to_the_binary
else t_fail deb__unpacked_aside__profile_found_next_to_the_binary "$(head -3 "$TMP/plan")"; fi

D=$X/usr/share/doc/portward
missing=
for f in README.md docs/*.md; do
	f=${f##*/}
	[ -f "$D/$f" ] || [ -f "$D/$f.gz" ] || missing="$missing $f"
done
for f in changelog.gz copyright; do [ -f "$D/$f" ] || missing="$missing $f"; done
# The schemas docs/status.md names, as files a validator can read.
for f in docs/schema/*.json; do
	cmp -s "$f" "$D/schema/${f##*/}" || missing="$missing schema/${f##*/}"
done
# man pages in their sections: portwardctl is in /usr/bin (1)
for f in man1/portwardctl.1.gz man8/portwardd.8.gz man5/portward.json.5.gz; do
	[ -f "$X/usr/share/man/$f" ] || missing="$missing $f"
done
if [ -z "$missing" ] && zcat "$D/changelog.gz" | head -1 | grep -q "^portward ($(cat VERSION))"; then
	t_pass deb__docs_man_pages_changelog_and_copyright_shipped
else t_fail deb__docs_man_pages_changelog_and_copyright_shipped "missing:$missing"; fi
if grep -qx 'License: GPL-2.0-or-later' "$D/copyright" && ! grep -qi 'all rights reserved' "$D/copyright"; then
	t_pass license__deb_copyright_gpl2_or_later
else t_fail license__deb_copyright_gpl2_or_later "$(head -5 "$D/copyright")"; fi
if [ "$(dpkg-deb -I "$deb" conffiles)" = /etc/portward/portward.json ]; then
	t_pass deb__default_config_is_a_conffile
else t_fail deb__default_config_is_a_conffile; fi

# ---- the maintainer scripts, under a real systemd ----

if ct_start "$deb"; then t_pass deb__container_booted
else
	t_fail deb__container_booted "$(tail -3 "$TMP/ct.log")"
	t_done
fi
wants=/etc/systemd/system/multi-user.target.wants/portward.service
state() { ct systemctl is-enabled portward.service 2>/dev/null; }
active() { ct systemctl is-active portward.service 2>/dev/null; }
running() { ct pgrep -x portwardd >/dev/null; }
# stopped, notable: not merely a failed look into the container.
stopped() { ct test -e /var/tmp/portward.deb && ! running; }
table() { ct nft list tables 2>/dev/null | grep -qx 'table inet portward'; }
notable() {
	local out
	out=$(ct nft list tables) && ! echo "$out" | grep -qx 'table inet portward'
}
dpkgc() { ct env DEBIAN_FRONTEND=noninteractive dpkg "$@" >>"$TMP/dpkg.log" 2>&1; }

# A fresh install: the group, the unit enabled and started, its rules in
# the container's own network namespace, the socket for the group.
if dpkgc -i /var/tmp/portward.deb; then t_pass deb__installs_in_container
else t_fail deb__installs_in_container "$(tail -3 "$TMP/dpkg.log")"; fi
if [ "$(state)" = enabled ] && [ "$(active)" = active ] && running && table; then
	t_pass deb__fresh_install__enabled_started_table_installed
else t_fail deb__fresh_install__enabled_started_table_installed "$(state)/$(active) $(ct systemctl status --no-pager portward 2>&1 | tail -5)"; fi
sock=$(ct stat -c '%U:%G %a' /run/portward/control.sock 2>&1)
dir=$(ct stat -c '%U:%G %a' /run/portward 2>&1)
if ct getent group portward >/dev/null && [ "$sock" = "root:portward 660" ] &&
    [ "$dir" = "root:portward 750" ]; then
	t_pass deb__group_portward__owns_socket_and_its_directory
else t_fail deb__group_portward__owns_socket_and_its_directory "socket $sock, directory $dir"; fi
# A member asks for the status; a user outside the group cannot connect.
ct useradd -M -N -G portward pwmember >/dev/null 2>&1
ct useradd -M -N pwstranger >/dev/null 2>&1
ct runuser -u pwmember -- portwardctl status --json >"$TMP/member" 2>&1
m=$?
ct runuser -u pwstranger -- portwardctl status >"$TMP/stranger" 2>&1
s=$?
# 4: portwardctl's "no permission" (3 would be "not running").
if [ "$m" -ne 3 ] && [ "$m" -ne 4 ] && jq -e '.endpoints' "$TMP/member" >/dev/null 2>&1 &&
    [ "$s" -eq 4 ]; then
	t_pass deb__status__group_member_answered_stranger_refused
else t_fail deb__status__group_member_answered_stranger_refused "member $m: $(head -c 200 "$TMP/member"); stranger $s"; fi

# metrics_file in Debian's node exporter textfile directory (the package
# prometheus-node-exporter reads /var/lib/prometheus/node-exporter): the
# unit lets the daemon write there. The conffile is put back after.
ct cp /etc/portward/portward.json /var/tmp/portward.json.orig
ct mkdir -p /var/lib/prometheus/node-exporter
ct sh -c 'jq ".metrics_file = \"/var/lib/prometheus/node-exporter/portward.prom\"" \
    /var/tmp/portward.json.orig >/etc/portward/portward.json'
ct systemctl restart portward.service
for _ in $(seq 100); do
	ct test -s /var/lib/prometheus/node-exporter/portward.prom && break
	sleep 0.1
done
if ct grep -q '^portward_build_info{' /var/lib/prometheus/node-exporter/portward.prom 2>/dev/null; then
	t_pass deb__metrics_file_in_debian_node_exporter_directory_written
else t_fail deb__metrics_file_in_debian_node_exporter_directory_written "$(ct journalctl -u portward --no-pager 2>&1 | grep metrics | tail -2)"; fi
# A configuration error (exit 2) is not restarted: the unit fails once.
ct sh -c 'echo "{ \"mode\": \"sideways\" }" >/etc/portward/portward.json'
ct systemctl restart portward.service >/dev/null 2>&1
sleep 5
if [ "$(ct systemctl show -P NRestarts portward.service)" = 0 ] &&
    [ "$(active)" = failed ] && [ "$(ct systemctl show -P ExecMainStatus portward.service)" = 2 ]; then
	t_pass deb__config_error__exit_2_not_restarted
else t_fail deb__config_error__exit_2_not_restarted "restarts $(ct systemctl show -P NRestarts portward.service), $(active)"; fi
ct cp /var/tmp/portward.json.orig /etc/portward/portward.json
ct systemctl restart portward.service

# Remove: the daemon stops (no process from a deleted binary), its table
# goes; the conffile stays.
if dpkgc -r portward && stopped && notable && ct test ! -e /usr/sbin/portwardd &&
    ct test -f /etc/portward/portward.json; then
	t_pass deb__remove__daemon_stopped_table_gone_conffile_kept
else t_fail deb__remove__daemon_stopped_table_gone_conffile_kept "running: $(ct pgrep -a portwardd) tables: $(ct nft list tables 2>&1)"; fi
# Removed, nothing masked (as debhelper 13.11): a unit of the same name
# installed by other means (make install) must still start.
if ct test ! -L /etc/systemd/system/portward.service &&
    ct test ! -e /var/lib/systemd/deb-systemd-helper-masked/portward.service; then
	t_pass deb__remove__unit_not_masked
else t_fail deb__remove__unit_not_masked "$(ct ls -l /etc/systemd/system/portward.service 2>&1)"; fi
# Removed, not purged: installed again it comes back as it was, enabled.
if dpkgc -i /var/tmp/portward.deb && [ "$(state)" = enabled ] && [ "$(active)" = active ]; then
	t_pass deb__remove_then_install__enabled_again
else t_fail deb__remove_then_install__enabled_again "$(state)/$(active)"; fi

# The admin disables it: neither a reinstall nor a remove and install
# brings it back.
ct systemctl disable --now portward.service >/dev/null 2>&1
if dpkgc -i /var/tmp/portward.deb && [ "$(state)" = disabled ] && [ "$(active)" = inactive ] &&
    stopped; then
	t_pass deb__disabled__reinstall_stays_disabled_and_stopped
else t_fail deb__disabled__reinstall_stays_disabled_and_stopped "$(state)/$(active)"; fi
if dpkgc -r portward && dpkgc -i /var/tmp/portward.deb && [ "$(state)" = disabled ] &&
    [ "$(active)" = inactive ] && stopped; then
	t_pass deb__disabled__remove_and_install_stays_disabled
else t_fail deb__disabled__remove_and_install_stays_disabled "$(state)/$(active)"; fi

# An upgrade restarts a running daemon on the new binary. The same
# package, its version raised.
ct systemctl enable --now portward.service >/dev/null 2>&1
dpkg-deb -R "$deb" "$TMP/up"
sed -i "s/^Version: .*/&+up1/" "$TMP/up/DEBIAN/control"
dpkg-deb --root-owner-group -b "$TMP/up" "$TMP/up.deb" >/dev/null
ct sh -c 'cat >/var/tmp/up.deb' <"$TMP/up.deb"
mainpid() { ct systemctl show -P MainPID portward.service 2>/dev/null; }
old=$(mainpid)
if [ "${old:-0}" != 0 ] && dpkgc -i /var/tmp/up.deb && [ "$(active)" = active ] &&
    [ "$(state)" = enabled ] && [ "$(mainpid)" != "$old" ] && [ "$(mainpid)" != 0 ] &&
    ct dpkg-query -W -f '${Version}' portward | grep -q '+up1$'; then
	t_pass deb__upgrade__running_daemon_restarted_still_enabled
else t_fail deb__upgrade__running_daemon_restarted_still_enabled "pid $old -> $(mainpid), $(state)/$(active)"; fi

# Purge, from running: nothing of the package is left, nor the enable
# state, nor /etc/portward (an old copy dpkg would leave included).
ct sh -c 'echo {} >/etc/portward/portward.json.dpkg-old'
files=$(ct dpkg -L portward | grep -v '^/\.$')
if dpkgc -P portward; then t_pass deb__purges
else t_fail deb__purges "$(tail -3 "$TMP/dpkg.log")"; fi
left=
for f in $files /etc/portward /run/portward $wants /etc/systemd/system/portward.service \
    /var/lib/systemd/deb-systemd-helper-enabled/portward.service.dsh-also \
    /var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/portward.service \
    /var/lib/systemd/deb-systemd-helper-masked/portward.service; do
	# Directories shared with other packages (/usr/sbin) stay.
	if ct test -d "$f" && [ "$f" != /etc/portward ] && [ "$f" != /run/portward ] &&
	    [ "$f" != /usr/share/portward ] && [ "$f" != /usr/share/doc/portward ]; then
		continue
	fi
	if ct test -e "$f" || ct test -L "$f"; then left="$left $f"; fi
done
if [ -z "$left" ] && stopped && notable; then
	t_pass deb__purge__nothing_left_no_enable_state
else t_fail deb__purge__nothing_left_no_enable_state "left:$left"; fi
t_done
