#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# systemd.sh: the unit under a real systemd as PID 1. A container booted
# with systemd-nspawn --boot --volatile=yes from this machine's own /usr
# (Debian 12, merged /usr; a tmpfs root, nothing downloaded), inside a
# private mount namespace, put into the lab's LAN namespace so that its
# forwards go to the lab's router (Debian's miniupnpd). The build is
# installed with make install into a directory bound in read-only; the
# unit is the one make install renders. Checked from outside, each next
# to what systemd says: start (READY, STATUS=, rules in the LAN
# namespace, forwards in the router's nft chains, TCP and UDP from the
# internet through them), a livekit.yaml 0600 owned by livekit read
# under the unit (and not without CAP_DAC_READ_SEARCH), TURN/TLS on 443
# bound by the SFU as livekit with an ambient CAP_NET_BIND_SERVICE the
# daemon itself does not have effective, reload (same MainPID), stop
# (nothing left on the router), a configuration error (exit 2, failed,
# never restarted), the watchdog (a stopped daemon is killed and
# restarted).
T_NAME=systemd
source "$(dirname "$0")/../lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
t_need_root
t_need_tool ip nft socat ss miniupnpd upnpc turnserver systemd-nspawn nsenter \
    unshare pgrep make

LK_UID=4711		# the livekit user inside the container
CT=${LAB_PREFIX}ct	# the container's name
NSPAWN_PID=		# systemd-nspawn, started by this test
CT_PID=			# the container's PID 1 (systemd), as the host sees it
# TURN/TLS on 443: the home router must allow the SFU's one low port.
LAB_MINIUPNPD_ALLOW="443 192.168.77.0/24 443"

# ct_down: halt the container (nspawn's SIGTERM), SIGKILL if it lingers.
ct_down() {
	[ -n "$NSPAWN_PID" ] || return 0
	t_stop "$NSPAWN_PID" 30
	[ -n "$CT_PID" ] && kill -KILL "$CT_PID" 2>/dev/null
	NSPAWN_PID= CT_PID=
}
trap 'ct_down; lab_down' EXIT
trap 'exit 1' INT TERM	# the EXIT trap cleans up then too
lab_test_up router
URL=http://$RTR_LAN4:5000/rootDesc.xml

# cx CMD...: run CMD inside the container (all its namespaces).
cx() {
	nsenter -t "$CT_PID" -m -u -i -n -p -r -w -- \
	    env -i PATH=/usr/sbin:/usr/bin SYSTEMD_COLORS=0 "$@"
}
prop() { cx systemctl show -P "$1" portward.service 2>/dev/null; }
prop_is() { [ "$(prop "$1")" = "$2" ]; }
journal() { cx journalctl -q -u portward.service --no-pager -o cat "$@" 2>/dev/null; }
router_rules() {	# the router's own view of the forwards
	local c
	for c in prerouting_miniupnpd miniupnpd; do
		lab_exec "$RTR" nft list chain inet filter $c
	done 2>/dev/null | grep "$LAN4" || true
}
mappings() { lab_exec "$LAN" upnpc -u "$URL" -l 2>/dev/null | grep -E '^ *[0-9]+ (TCP|UDP) '; }
router_has() { router_rules | grep -q "dport $1 .*dnat.* to $LAN4:$1"; }
tcp_ask() { lab_exec "$INET" socat -T2 - "TCP4:$WAN4:$1,connect-timeout=2" </dev/null 2>/dev/null; }
udp_ask() { echo hello | lab_exec "$INET" socat -T2 - "UDP4:$WAN4:$1" 2>/dev/null; }
table_here() { lab_exec "$LAN" nft list table inet portward >/dev/null 2>&1; }

# --- the container -------------------------------------------------------
C=$LAB_DIR/ct
mkdir -p "$C/sysusers.d" "$C/system" "$C/livekit" "$C/tools" || exit 1
chmod 755 "$C" "$C/sysusers.d" "$C/system" "$C/tools"
make -s -C "$TOP" install PREFIX=/opt/portward DESTDIR="$C/dest" >"$LAB_DIR/install.log" 2>&1 ||
	{ t_fail make_install "$(tail -3 "$LAB_DIR/install.log")"; exit 1; }
make -s -C "$TOP" build/tools/lkstub >>"$LAB_DIR/install.log" 2>&1 &&
    install -m 755 "$TOP/build/tools/lkstub" "$C/tools/lkstub" ||
	{ t_fail build_lkstub; exit 1; }
cp "$C/dest/opt/portward/lib/systemd/system/portward.service" "$C/system/"
# A machine-id: not a first boot, so no presets enable anything of /usr.
systemd-id128 new >"$C/machine-id"
echo "u livekit $LK_UID \"LiveKit\" /var/lib/livekit" >"$C/sysusers.d/livekit.conf"
# The operator's livekit.yaml: the API keys make it 0600 for livekit.
cat >"$C/livekit/livekit.yaml" <<'YAML'
port: 7880
rtc:
  tcp_port: 7881
  udp_port: 7882
turn:
  enabled: true
  domain: turn.example.com
  udp_port: 3478
  tls_port: 443
keys:
  portward-test: a-secret-that-only-livekit-may-read-0123456789
YAML
chown -R "$LK_UID:$LK_UID" "$C/livekit"
chmod 750 "$C/livekit"
chmod 600 "$C/livekit/livekit.yaml"
CONF=$C/dest/opt/portward/etc/portward/portward.json
good_conf() {
	cat >"$CONF" <<JSON
{ "mode": "host", "livekit_config": "/etc/livekit/livekit.yaml",
  "livekit_version": "1.10.0",
  "supervise": { "command": ["/opt/portward-test/lkstub", "-t", "7881",
                             "-u", "7882", "-U", "3478", "-T", "443"],
                 "user": "livekit", "ready_timeout_seconds": 30 },
  "metrics_file": "/var/lib/prometheus/node-exporter/portward.prom" }
JSON
}
good_conf

mkdir -p /run/systemd
unshare -m --propagation private sh -c '
	# nspawn keeps its state in /run/systemd/nspawn: a private tmpfs.
	mount -t tmpfs -o mode=0755 portward-test /run/systemd || exit 1
	exec "$@"' nspawn systemd-nspawn -q --boot --volatile=yes -D / -M "$CT" \
    --register=no --keep-unit --link-journal=no --console=pipe \
    --capability=CAP_NET_ADMIN \
    --network-namespace-path="/run/netns/$LAN" \
    --bind-ro="$C/machine-id:/etc/machine-id" \
    --bind-ro="$C/sysusers.d:/etc/sysusers.d" \
    --bind-ro="$C/system:/etc/systemd/system" \
    --bind-ro="$C/livekit:/etc/livekit" \
    --bind-ro="$C/dest/opt/portward:/opt/portward" \
    --bind-ro="$C/tools:/opt/portward-test" \
    </dev/null >"$LAB_DIR/nspawn.log" 2>&1 &
NSPAWN_PID=$!
booted() {
	CT_PID=$(pgrep -P "$NSPAWN_PID" -x systemd | head -n 1)
	[ -n "$CT_PID" ] || return 1
	case $(cx systemctl is-system-running 2>/dev/null) in
	running|degraded) return 0 ;;
	esac
	return 1
}
sd_version() { cx systemctl --version | sed -n '1s/^systemd \([0-9]*\) .*/\1/p'; }
if T_WAIT=180 t_wait booted && [ "$(cx cat /proc/1/comm)" = systemd ] &&
    [ -n "$(sd_version)" ]; then
	t_pass "container__booted__systemd_$(sd_version)_is_pid_1"
else t_fail container__booted "$(tail -5 "$LAB_DIR/nspawn.log")"; exit 1; fi
if cx systemd-analyze verify --man=no portward.service >"$LAB_DIR/verify" 2>&1 &&
    [ ! -s "$LAB_DIR/verify" ]; then
	t_pass unit__installed_verifies_inside
else t_fail unit__installed_verifies_inside "$(cat "$LAB_DIR/verify")"; fi
cx mkdir -p /var/lib/prometheus/node-exporter

# --- the livekit.yaml only livekit may read ------------------------------
# What the unit's capabilities allow, measured with the same sandbox less
# one capability: without CAP_DAC_READ_SEARCH root cannot read it.
ls_yaml=$(cx stat -c '%a %U' /etc/livekit/livekit.yaml)
run_check() {	# run_check CAPS: portwardd -n in a transient unit
	cx systemd-run --quiet --wait --pipe --service-type=exec \
	    -p ProtectSystem=strict -p ProtectHome=yes -p NoNewPrivileges=yes \
	    -p "CapabilityBoundingSet=$1" \
	    /opt/portward/sbin/portwardd -n -c /opt/portward/etc/portward/portward.json
}
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$C/system/portward.service")
without=$(echo "$caps" | sed 's/ CAP_DAC_READ_SEARCH//')
if [ "$ls_yaml" = "600 livekit" ] &&
    run_check "$caps" >"$LAB_DIR/check.out" 2>&1 &&
    grep -q 'turn-tls .*443/tcp' "$LAB_DIR/check.out" &&
    ! run_check "$without" >"$LAB_DIR/check-without.out" 2>&1 &&
    grep -q 'livekit.yaml.*Permission denied' "$LAB_DIR/check-without.out"; then
	t_pass caps__livekit_yaml_0600_livekit__read_with_dac_read_search_only
else t_fail caps__livekit_yaml_0600_livekit__read_with_dac_read_search_only \
    "'$ls_yaml' $(tail -2 "$LAB_DIR/check.out") / $(tail -2 "$LAB_DIR/check-without.out")"; fi

# --- start -----------------------------------------------------------------
if ! table_here && [ -z "$(router_rules)" ] && [ -z "$(tcp_ask 7881)" ]; then
	t_pass before__no_table_no_forward_closed
else t_fail before__no_table_no_forward_closed; fi
cx timeout 90 systemctl start portward.service
rc=$?
# Type=notify: start returns once READY=1 came, and the unit is active.
if [ $rc -eq 0 ] && prop_is ActiveState active && prop_is SubState running &&
    journal | grep -qx 'ready'; then
	t_pass start__active_after_ready
else t_fail start__active_after_ready "rc=$rc $(prop ActiveState)/$(prop SubState) $(journal | tail -3)"; fi
MAIN=$(prop MainPID)
want_status="rules applied, 4 endpoints; forwards: 4/4 via pcp; sfu: ready"
if t_wait prop_is StatusText "$want_status"; then
	t_pass "start__status_text__${want_status//[ ,;:\/]/_}"
else t_fail start__status_text "'$(prop StatusText)'"; fi
if table_here && lab_exec "$LAN" nft list table inet portward | grep -q 'tcp dport 443'; then
	t_pass start__rules_in_lan_namespace_with_443_from_the_yaml
else t_fail start__rules_in_lan_namespace_with_443_from_the_yaml; fi
if t_wait router_has 7881 && router_has 7882 && router_has 3478 && router_has 443; then
	t_pass start__four_forwards_in_router_nft
else t_fail start__four_forwards_in_router_nft "$(router_rules)"; fi
if [ "$(tcp_ask 7881)" = pong ] && [ "$(udp_ask 7882)" = hello ] &&
    [ "$(tcp_ask 443)" = pong ]; then
	t_pass start__internet_reaches_sfu_tcp_udp_and_443_through_router
else t_fail start__internet_reaches_sfu_tcp_udp_and_443_through_router; fi
if cx test -s /var/lib/prometheus/node-exporter/portward.prom; then
	t_pass start__metrics_in_debian_node_exporter_textfile_dir
else t_fail start__metrics_in_debian_node_exporter_textfile_dir; fi

# --- capabilities: the SFU binds 443, the daemon does not use it ------------
capword() { cx sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"; }
has_bind() { (( (16#$1 >> 10) & 1 )); }	# CAP_NET_BIND_SERVICE is 10
SFU=$(cx pgrep -x lkstub | head -n 1)
if [ -n "$SFU" ] && [ "$(cx stat -c %u "/proc/$SFU")" = "$LK_UID" ] &&
    [ "$(capword "$SFU" CapEff)" = 0000000000000400 ] &&
    [ "$(capword "$SFU" CapAmb)" = 0000000000000400 ] &&
    lab_exec "$LAN" ss -Hltnp 'sport = :443' | grep -q lkstub; then
	t_pass caps__sfu_as_livekit__only_ambient_net_bind_service__holds_443
else t_fail caps__sfu_as_livekit__only_ambient_net_bind_service__holds_443 \
    "pid '$SFU' eff $(capword "$SFU" CapEff) amb $(capword "$SFU" CapAmb)"; fi
if [ -n "$MAIN" ] && [ "$MAIN" != 0 ] && ! has_bind "$(capword "$MAIN" CapEff)" &&
    has_bind "$(capword "$MAIN" CapPrm)" && ! has_bind "$(capword "$MAIN" CapAmb)"; then
	t_pass caps__daemon__net_bind_service_permitted_not_effective
else t_fail caps__daemon__net_bind_service_permitted_not_effective \
    "eff $(capword "$MAIN" CapEff) prm $(capword "$MAIN" CapPrm)"; fi

# --- reload ----------------------------------------------------------------
cx timeout 30 systemctl reload portward.service
rc=$?
if [ $rc -eq 0 ] && t_wait eval 'journal | grep -q "reload: .* applied"' &&
    prop_is MainPID "$MAIN" && prop_is ActiveState active &&
    [ "$(tcp_ask 7881)" = pong ]; then
	t_pass reload__same_main_pid_still_running_still_reachable
else t_fail reload__same_main_pid_still_running_still_reachable "rc=$rc $(prop MainPID)"; fi

# --- stop ------------------------------------------------------------------
cx timeout 60 systemctl stop portward.service
if prop_is ActiveState inactive && [ -z "$(router_rules)" ] && [ -z "$(mappings)" ]; then
	t_pass stop__inactive__every_forward_gone_from_router
else t_fail stop__inactive__every_forward_gone_from_router "$(router_rules)"; fi
if ! table_here && [ -z "$(tcp_ask 7881)" ] && [ -z "$(cx pgrep -x lkstub)" ] &&
    ! cx test -e /var/lib/prometheus/node-exporter/portward.prom; then
	t_pass stop__table_gone_sfu_gone_closed
else t_fail stop__table_gone_sfu_gone_closed; fi

# The journal files each line at its priority, with no doubled prefix;
# a start is one summary line, not the plan.
if journal -p info | grep -qx 'ready' && ! journal -p notice | grep -q 'ready' &&
    [ "$(journal | grep -c '^starting (version ')" = 1 ] &&
    ! journal | grep -q '^portwardd: ' && ! journal | grep -q '^endpoints (profile'; then
	t_pass journal__ready_at_info__one_start_line__no_prefix_no_plan
else t_fail journal__ready_at_info__one_start_line__no_prefix_no_plan "$(journal | head -5)"; fi

# --- a configuration error: exit 2, failed, not restarted ---------------------
sed -i 's/"mode": "host"/"mode": "hots"/' "$CONF"
cx timeout 60 systemctl start portward.service 2>/dev/null
rc=$?
failed_pid=$(prop ExecMainPID)
# Restart=on-failure would show auto-restart here at once; 2 prevents it.
if [ $rc -ne 0 ] && prop_is ActiveState failed && prop_is SubState failed &&
    prop_is Result exit-code && prop_is ExecMainStatus 2 && prop_is NRestarts 0 &&
    journal -p err | grep -q 'portward.json.*mode.*hots'; then
	t_pass config_error__exit_2__failed_with_file_and_key_at_err
else t_fail config_error__exit_2__failed_with_file_and_key_at_err \
    "rc=$rc $(prop ActiveState)/$(prop SubState) $(prop ExecMainStatus) $(journal | tail -2)"; fi
sleep 5	# past RestartSec=2s: a restart would have happened by now
if prop_is ActiveState failed && prop_is NRestarts 0 &&
    prop_is ExecMainPID "$failed_pid" && ! table_here; then
	t_pass config_error__not_restarted__nothing_applied
else t_fail config_error__not_restarted__nothing_applied \
    "$(prop ActiveState) restarts $(prop NRestarts)"; fi
cx systemctl reset-failed portward.service
good_conf

# --- the watchdog: a hung loop is killed and restarted --------------------------
mkdir -p "$C/system/portward.service.d"
printf '[Service]\nWatchdogSec=3s\n' >"$C/system/portward.service.d/watchdog.conf"
cx systemctl daemon-reload
cx timeout 90 systemctl start portward.service
MAIN=$(prop MainPID)
ping0=$(prop WatchdogTimestampMonotonic)
if prop_is ActiveState active && prop_is WatchdogUSec 3s &&
    t_wait eval '[ "$(prop WatchdogTimestampMonotonic)" != "$ping0" ]' &&
    prop_is MainPID "$MAIN"; then
	t_pass watchdog__pings_arrive_from_the_loop
else t_fail watchdog__pings_arrive_from_the_loop "$(prop WatchdogUSec) $ping0"; fi
t_wait router_has 7881
# Only a real PID: kill -STOP 0 would stop this test's own process group.
[ "${MAIN:-0}" -gt 1 ] 2>/dev/null && cx kill -STOP "$MAIN"
restarted() {
	local m
	m=$(prop MainPID)
	[ -n "$m" ] && [ "$m" != 0 ] && [ "$m" != "$MAIN" ] &&
	    prop_is ActiveState active && [ "$(prop NRestarts)" -ge 1 ]
}
if T_WAIT=120 t_wait restarted && journal | grep -q 'Watchdog timeout' &&
    ! cx kill -0 "$MAIN" 2>/dev/null; then
	t_pass watchdog__stopped_daemon__killed_and_restarted
else t_fail watchdog__stopped_daemon__killed_and_restarted \
    "$(prop ActiveState)/$(prop SubState) restarts $(prop NRestarts)"; fi
if t_wait prop_is StatusText "$want_status" && [ "$(tcp_ask 7881)" = pong ]; then
	t_pass watchdog__after_restart__ready_and_reachable
else t_fail watchdog__after_restart__ready_and_reachable "'$(prop StatusText)'"; fi
cx timeout 60 systemctl stop portward.service
if prop_is ActiveState inactive && [ -z "$(router_rules)" ] && ! table_here; then
	t_pass watchdog__stop_after_restart__nothing_left_on_router
else t_fail watchdog__stop_after_restart__nothing_left_on_router "$(router_rules)"; fi
t_done
