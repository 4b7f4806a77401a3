# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# lab.sh: a throwaway network of namespaces (docs/design.md, "Where things live").
#
#   lan  (LiveKit host) eth0 192.168.77.10/24  2001:db8:77::10/64
#     | veth
#   rtr  (home router)  lan0 192.168.77.1/24   2001:db8:77::1/64
#                       lan1 192.168.78.1/24   2001:db8:78::1/64
#                       wan0 203.0.113.1/24    2001:db8:ff::1/64
#     | veth            | veth
#     |                 lan2 (another LAN host) eth0 192.168.78.20/24
#     | veth
#   inet (the internet) eth0 203.0.113.2/24 and .3, 2001:db8:ff::2/64
#
# Every address is in a documentation range; nothing leaves the lab.
# Names carry a per-run prefix so that labs never collide. lab_down
# kills only the processes the lab started (by PID) and deletes only its
# own namespaces; callers set `trap lab_down EXIT` before lab_up.
# Sourced after testlib.sh (t_stop, t_fail).

LAB_PREFIX=${LAB_PREFIX:-pw$$}
LAN=${LAB_PREFIX}lan
RTR=${LAB_PREFIX}rtr
INET=${LAB_PREFIX}inet
LAN2=${LAB_PREFIX}lan2
PUB=${LAB_PREFIX}pub	# a LiveKit host on a public network (demo's last scene)
LAN4=192.168.77.10 LAN6=2001:db8:77::10
RTR_LAN4=192.168.77.1 RTR_LAN6=2001:db8:77::1
WAN4=203.0.113.1 WAN6=2001:db8:ff::1
PEER4=203.0.113.2 PEER4B=203.0.113.3 PEER6=2001:db8:ff::2
LAN2_4=192.168.78.20 RTR_LAN2_4=192.168.78.1
LAB_PIDS=()
LAB_DIR=

lab_exec() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# The daemon under test, started by the test as DPID=$! (its own PID:
# `ip netns exec` execs it), or by start_daemon CONFIG on the LiveKit
# host, its output appended to $LOG ($LAB_DIR/daemon.log unless the test
# says otherwise); stop_daemon stops it (t_stop) and waits for it.
DPID=
start_daemon() {
	ip netns exec "$LAN" "$PORTWARDD" -c "$1" >>"${LOG:-$LAB_DIR/daemon.log}" 2>&1 &
	DPID=$!
}
stop_daemon() {
	[ -n "$DPID" ] || return 0
	t_stop "$DPID"
	DPID=
}
# lab_ctl ARGS...: portwardctl on the LiveKit host, at the daemon's
# control socket $LAB_DIR/ctl.sock ("lab_ctl status --json").
lab_ctl() {
	local cmd=$1; shift
	lab_exec "$LAN" "$PORTWARDCTL" "$cmd" -s "$LAB_DIR/ctl.sock" "$@"
}

lab_up() {
	LAB_DIR=$(mktemp -d /tmp/portward-lab.XXXXXX)
	ip netns add "$LAN" && ip netns add "$RTR" && ip netns add "$INET" &&
	    ip netns add "$LAN2" || return 1
	# No duplicate address detection: link-local addresses usable at once.
	local ns
	for ns in "$LAN" "$RTR" "$INET" "$LAN2"; do
		lab_exec "$ns" sh -c 'echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad' ||
			return 1
	done
	ip -n "$RTR" link add lan0 type veth peer name eth0 netns "$LAN" &&
	ip -n "$RTR" link add wan0 type veth peer name eth0 netns "$INET" &&
	ip -n "$RTR" link add lan1 type veth peer name eth0 netns "$LAN2" ||
		return 1
	for ns in "$LAN" "$RTR" "$INET" "$LAN2"; do
		ip -n "$ns" link set lo up
	done
	ip -n "$LAN" link set eth0 up
	ip -n "$LAN" addr add $LAN4/24 dev eth0
	ip -n "$LAN" addr add $LAN6/64 dev eth0 nodad
	ip -n "$LAN" route add default via $RTR_LAN4
	ip -n "$LAN" -6 route add default via $RTR_LAN6

	ip -n "$RTR" link set lan0 up
	ip -n "$RTR" link set wan0 up
	ip -n "$RTR" addr add $RTR_LAN4/24 dev lan0
	ip -n "$RTR" addr add $RTR_LAN6/64 dev lan0 nodad
	ip -n "$RTR" link set lan1 up
	ip -n "$RTR" addr add $RTR_LAN2_4/24 dev lan1
	ip -n "$RTR" addr add 2001:db8:78::1/64 dev lan1 nodad
	ip -n "$LAN2" link set eth0 up
	ip -n "$LAN2" addr add $LAN2_4/24 dev eth0
	ip -n "$LAN2" addr add 2001:db8:78::20/64 dev eth0 nodad
	ip -n "$LAN2" route add default via $RTR_LAN2_4
	ip -n "$RTR" addr add $WAN4/24 dev wan0
	ip -n "$RTR" addr add $WAN6/64 dev wan0 nodad
	ip -n "$RTR" -6 route add default via $PEER6
	lab_exec "$RTR" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward &&
	    echo 1 > /proc/sys/net/ipv6/conf/all/forwarding' || return 1

	ip -n "$INET" link set eth0 up
	ip -n "$INET" addr add $PEER4/24 dev eth0
	ip -n "$INET" addr add $PEER4B/24 dev eth0
	ip -n "$INET" addr add $PEER6/64 dev eth0 nodad
	ip -n "$INET" -6 route add 2001:db8:77::/64 via $WAN6
}

# lab_bg NS CMD...: start CMD in NS in the background, remember its PID.
lab_bg() {
	local ns=$1; shift
	ip netns exec "$ns" "$@" &
	LAB_PIDS+=($!)
}

lab_down() {
	local pid ns
	for pid in "${LAB_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${LAB_PIDS[@]}"; do
		t_stop "$pid"
	done
	LAB_PIDS=()
	for ns in "$LAN" "$RTR" "$INET" "$LAN2" "$PUB"; do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "$LAB_DIR" ] && rm -rf "$LAB_DIR"
	LAB_DIR=
	return 0
}

# lab_tcp_listen NS ADDR PORT: a listener answering "pong" (socat);
# ADDR is 192.0.2.1 or [2001:db8::1].
lab_tcp_listen() {
	local kind=TCP4
	case $2 in \[*) kind=TCP6 ;; esac
	lab_bg "$1" socat -T5 "$kind-LISTEN:$3,bind=$2,reuseaddr,fork" SYSTEM:'echo pong'
}

# lab_ask ADDR: one TCP exchange from the internet side with ADDR:7881
# (2 s at most): prints what the listener there answers.
lab_ask() {
	lab_exec "$INET" socat -T2 - "TCP:$1:7881,connect-timeout=2" </dev/null 2>/dev/null
}
# lab_reaches_tcp ADDR: from the internet, ADDR:7881 answers "pong".
lab_reaches_tcp() { [ "$(lab_ask "$1")" = pong ]; }

# lab_wait_listen NS PORT: wait (bounded) until a TCP listener on PORT exists.
lab_wait_listen() {
	local i
	for i in $(seq 1 50); do
		lab_exec "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# lab_router_up: the home router's firewall (drop-policy forward, masquerade
# on wan0), a STUN-only coturn on the internet side so that miniupnpd
# learns its external address, and miniupnpd itself (UPnP IGD with IPv6
# firewall control, NAT-PMP, PCP). The packages come from packaging/deps.sh.
lab_router_firewall() {
	lab_exec "$RTR" nft -f - <<'NFT'
table inet filter {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname { "lan0", "lan1" } accept
		jump miniupnpd
	}
	chain miniupnpd {
	}
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		jump prerouting_miniupnpd
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		jump postrouting_miniupnpd
		oifname "wan0" meta nfproto ipv4 masquerade
	}
	chain prerouting_miniupnpd {
	}
	chain postrouting_miniupnpd {
	}
}
NFT
}

# lab_sfu: the LiveKit stand-in (tests/tools/sfu, built offline from
# Debian's pion) copied where nobody can run it, with the reference ports
# in $LAB_DIR/sfu.yaml (TURN/TLS behind a proxy, external_tls: no
# certificate), as LiveKit 1.10.0 binds, advertising the router's IPv4
# and the host's IPv6. LAB_SFU: the command, LAB_SFU_JSON: the same as a
# JSON array for supervise.command.
lab_sfu() {
	"$TOP/tests/tools/go-build.sh" "$TOP/build/go" >"$LAB_DIR/go-build.log" 2>&1 ||
		return 1
	cp "$TOP/build/go/sfu" "$LAB_DIR/sfu" || return 1
	cat >"$LAB_DIR/sfu.yaml" <<'YAML'
rtc:
  tcp_port: 7881
  udp_port: 7882
turn:
  enabled: true
  domain: turn.example.com
  udp_port: 3479
  tls_port: 5350
  external_tls: true
YAML
	LAB_SFU=("$LAB_DIR/sfu" --config "$LAB_DIR/sfu.yaml" --version-mode 1.10.0
	    --node-ip "$WAN4,$LAN6")
	LAB_SFU_JSON=$(printf '%s\n' "${LAB_SFU[@]}" | jq -R . | jq -sc .)
}

# lab_router_hairpin TCP-PORTS UDP-PORTS: the operator's NAT loopback on
# the router (nft sets, "{ 7881, 5350 }"): from the LAN, the router's WAN
# address on those ports goes to the LiveKit host, source rewritten to the
# router's, as home routers do it ("NAT reflection"). miniupnpd's own
# forwards are for wan0 only.
lab_router_hairpin() {
	lab_exec "$RTR" nft -f - <<NFT
table inet filter {
	chain hairpin {
		meta nfproto ipv4 tcp dport $1 dnat ip to $LAN4
		meta nfproto ipv4 udp dport $2 dnat ip to $LAN4
	}
}
insert rule inet filter prerouting iifname "lan0" ip daddr $WAN4 jump hairpin
insert rule inet filter postrouting iifname "lan0" oifname "lan0" ct status dnat masquerade
NFT
}

lab_stun_up() {
	lab_bg "$INET" turnserver -n --log-file=stdout --simple-log --no-cli \
	    --pidfile="$LAB_DIR/coturn.pid" --userdb="$LAB_DIR/turndb" \
	    --listening-ip=$PEER4 --listening-ip=$PEER4B --listening-port=3478 \
	    --stun-only --no-tls --no-dtls
	LAB_STUN_PID=${LAB_PIDS[-1]}
}

# LAB_MINIUPNPD_ALLOW: one more permission before the final deny, for a
# test whose host asks for a port below 1024 ("443 192.168.77.0/24 443").
lab_miniupnpd_start() {
	cat >"$LAB_DIR/miniupnpd.conf" <<CONF
ext_ifname=wan0
listening_ip=lan0
listening_ip=lan1
http_port=5000
enable_upnp=yes
enable_natpmp=yes
secure_mode=yes
system_uptime=${LAB_MINIUPNPD_SYSTEM_UPTIME:-yes}
lease_file=$LAB_DIR/miniupnpd.leases
upnp_table_name=filter
upnp_nat_table_name=filter
upnp_forward_chain=miniupnpd
upnp_nat_chain=prerouting_miniupnpd
upnp_nat_postrouting_chain=postrouting_miniupnpd
ext_perform_stun=yes
ext_stun_host=$PEER4
ext_stun_port=3478
uuid=3d3cec3a-8cf0-11e0-98ee-001a6bd2d07d
allow 1024-65535 192.168.77.0/24 1024-65535
allow 1024-65535 192.168.78.0/24 1024-65535
${LAB_MINIUPNPD_ALLOW:+allow $LAB_MINIUPNPD_ALLOW}
deny 0-65535 0.0.0.0/0 0-65535
CONF
	lab_bg "$RTR" miniupnpd -f "$LAB_DIR/miniupnpd.conf" -d \
	    -P "$LAB_DIR/miniupnpd.pid"
	LAB_MINIUPNPD_PID=${LAB_PIDS[-1]}
	# Ready when its HTTP port listens (bounded wait).
	lab_wait_listen "$RTR" 5000
}

# The router's UPnP service goes away (lab_miniupnpd_start brings it back).
lab_miniupnpd_stop() { t_stop "$LAB_MINIUPNPD_PID"; }

# A router reboot: miniupnpd stops, forgets its leases and rules, starts.
lab_miniupnpd_reboot() {
	lab_miniupnpd_stop
	local c
	for c in miniupnpd prerouting_miniupnpd postrouting_miniupnpd; do
		lab_exec "$RTR" nft flush chain inet filter $c
	done
	rm -f "$LAB_DIR/miniupnpd.leases"
	lab_miniupnpd_start
}

# lab_router_speaks METHODS...: the router answers only these of pcp,
# natpmp, upnp (miniupnpd serves all three; the others are dropped on the
# router, requests in and announcements out, as if it did not have them).
lab_router_speaks() {
	local drop_in="" drop_out=""
	case " $* " in *" pcp "*) ;; *)
		drop_in+="udp dport 5351 @th,64,8 2 drop;"
		drop_out+="udp dport 5350 @th,64,8 2 drop;" ;; esac
	case " $* " in *" natpmp "*) ;; *)
		drop_in+="udp dport 5351 @th,64,8 0 drop;"
		drop_out+="udp dport 5350 @th,64,8 0 drop;" ;; esac
	case " $* " in *" upnp "*) ;; *)
		drop_in+="udp dport 1900 drop; tcp dport 5000 drop;"
		drop_out+="udp sport 1900 drop; udp dport 1900 drop;" ;; esac
	lab_exec "$RTR" nft -f - <<NFT
table inet lab_speaks
delete table inet lab_speaks
table inet lab_speaks {
	chain in { type filter hook input priority -10; $drop_in }
	chain out { type filter hook output priority -10; $drop_out }
}
NFT
}

lab_router_up() {
	lab_router_firewall || return 1
	lab_stun_up
	lab_miniupnpd_start
}

# lab_test_up [sfu] [router]: a test's lab. lab_up, then when asked the
# LiveKit stand-in (lab_sfu; $LAB_DIR opened to the user it runs as) and
# the home router (lab_router_up, its output in $LAB_DIR/router.log). A
# step that fails is a FAIL named after it and ends the test (whose EXIT
# trap, set before, calls lab_down).
lab_test_up() {
	lab_up || { t_fail lab_up; exit 1; }
	case " $* " in *" sfu "*)
		chmod 755 "$LAB_DIR"
		lab_sfu || { t_fail lab_sfu "$(tail -5 "$LAB_DIR/go-build.log")"; exit 1; } ;;
	esac
	case " $* " in *" router "*)
		lab_router_up >"$LAB_DIR/router.log" 2>&1 || { t_fail lab_router_up; exit 1; } ;;
	esac
}

# lab_reflectors ADDR...: `portwardctl reflector` on the internet side,
# listening on each ADDR at port 7900 ("$PEER4", "[$PEER6]"); returns
# when one listens (bounded wait: lab_wait_listen).
lab_reflectors() {
	local a
	for a in "$@"; do
		lab_bg "$INET" "$PORTWARDCTL" reflector --listen "$a:7900"
	done
	lab_wait_listen "$INET" 7900
}
