# shellcheck shell=bash
# lab.sh: a throwaway network of namespaces (see shared/lab-notes.md).
#
#   lan  (LiveKit host) eth0 192.168.77.10/24  2001:db8:77::10/64
#     | veth
#   rtr  (home router)  lan0 192.168.77.1/24   2001:db8:77::1/64
#                       wan0 203.0.113.1/24    2001:db8:ff::1/64
#     | veth
#   inet (the internet) eth0 203.0.113.2/24 and .3, 2001:db8:ff::2/64
#
# Every address is in a documentation range; nothing leaves the lab.
# Names carry a per-run prefix so that labs never collide. lab_down
# kills only the processes the lab started (by PID) and deletes only its
# own namespaces; callers set `trap lab_down EXIT` before lab_up.

LAB_PREFIX=${LAB_PREFIX:-pw$$}
LAN=${LAB_PREFIX}lan
RTR=${LAB_PREFIX}rtr
INET=${LAB_PREFIX}inet
LAN4=192.168.77.10 LAN6=2001:db8:77::10
RTR_LAN4=192.168.77.1 RTR_LAN6=2001:db8:77::1
WAN4=203.0.113.1 WAN6=2001:db8:ff::1
PEER4=203.0.113.2 PEER4B=203.0.113.3 PEER6=2001:db8:ff::2
LAB_PIDS=()
LAB_DIR=

lab_exec() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

lab_up() {
	LAB_DIR=$(mktemp -d /tmp/portward-lab.XXXXXX)
	ip netns add "$LAN" && ip netns add "$RTR" && ip netns add "$INET" ||
		return 1
	# No duplicate address detection: link-local addresses usable at once.
	local ns
	for ns in "$LAN" "$RTR" "$INET"; do
		lab_exec "$ns" sh -c 'echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad' ||
			return 1
	done
	ip -n "$RTR" link add lan0 type veth peer name eth0 netns "$LAN" &&
	ip -n "$RTR" link add wan0 type veth peer name eth0 netns "$INET" ||
		return 1
	for ns in "$LAN" "$RTR" "$INET"; do
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
		wait "$pid" 2>/dev/null
	done
	LAB_PIDS=()
	for ns in "$LAN" "$RTR" "$INET"; do
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

# lab_wait_listen NS PORT: wait (bounded) until a TCP listener on PORT exists.
lab_wait_listen() {
	local i
	for i in $(seq 1 50); do
		lab_exec "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}
