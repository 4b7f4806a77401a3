#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# demo.sh: portward's main job, shown in a throwaway lab of network
# namespaces (tests/lib/lab.sh). Nothing outside the lab is touched: no
# host ruleset, no address outside the lab's documentation ranges.
# Every scene also checks what it shows: a "demo: FAILED:" line for each
# miss, a summary line at the end, and a non-zero exit (make demo fails).
set -u
source "$(dirname "$0")/lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root (it creates network namespaces)" >&2
	exit 1
fi
step() { printf '\n== %s\n' "$*"; }

CHECKS=0
FAILS=0
MISSED=()	# each miss's line, said again at the end (CI shows the tail)
# expect SCENE WHAT WANT SEEN: one check. A miss is counted and said, and
# the demo goes on: the later scenes still show what works.
expect() {
	CHECKS=$((CHECKS + 1))
	[ "$3" = "$4" ] && return 0
	FAILS=$((FAILS + 1))
	MISSED+=("$(printf 'demo: FAILED: %s: %s: expected "%s", saw %s' "$1" "$2" "$3" \
	    "$([ -n "$4" ] && echo "\"$4\"" || echo nothing)")")
	printf '%s\n' "${MISSED[-1]}"
	return 1
}
# expect_soon SCENE WHAT WANT CMD...: the same with what CMD prints, polled
# (every 100 ms, at most T_WAIT seconds, 15 by default): the daemon acts
# on its own time. Bounded, so that a broken daemon fails the demo instead
# of hanging it; the last thing seen is what a miss reports.
expect_soon() {
	local scene=$1 what=$2 want=$3 seen end=$((SECONDS + ${T_WAIT:-15}))
	shift 3
	while seen=$("$@" 2>/dev/null); [ "$seen" != "$want" ] && [ $SECONDS -lt $end ]; do
		sleep 0.1
	done
	expect "$scene" "$what" "$want" "$seen"
}
# The last line says how it went, and so does the exit status.
summary() {
	if [ "$FAILS" -eq 0 ]; then
		echo "demo: all $CHECKS checks passed"
		exit 0
	fi
	printf '%s\n' "${MISSED[@]}"
	echo "demo: $FAILS of $CHECKS checks FAILED"
	exit 1
}
# stop PID: SIGTERM, its exit status in RC. A daemon still there after
# 15 s is killed (RC=hung) rather than hanging the demo. Not in $(...):
# only this shell can wait for its children.
gone() { case $(ps -o stat= -p "$1") in Z* | '') return 0 ;; esac; return 1; }
stop() {
	kill -TERM "$1"
	if t_wait gone "$1"; then
		wait "$1"
		RC=$?
		return
	fi
	kill -KILL "$1"
	wait "$1" 2>/dev/null
	RC=hung
}

# Without these every scene would fail, each in its own words: say it once.
for x in "$PORTWARDD" "$PORTWARDCTL" "$TOP/build/go/sfu" "$TOP/build/go/webrtc-client"; do
	expect setup "${x#"$TOP"/}" built "$([ -x "$x" ] && echo built || echo missing)"
done
[ "$FAILS" -eq 0 ] || summary

trap lab_down EXIT
step "lab: LiveKit host ($LAN), home router ($RTR), the internet ($INET)"
lab_up
expect lab "lab_up exit status" 0 $? || summary
# The SFU runs as nobody: give it a copy it can reach.
chmod 755 "$LAB_DIR"
cp "$TOP/build/go/sfu" \
    "$TOP/build/go/webrtc-client" "$LAB_DIR/"
for ns in "$LAN" "$RTR" "$INET"; do
	echo "$ns:"
	ip -n "$ns" -br addr show | grep -v '^lo ' | sed 's/^/  /'
done

# TURN/TLS's certificate (LiveKit refuses to start TURN/TLS without one).
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=turn.example.com \
    -addext subjectAltName=DNS:turn.example.com -keyout "$LAB_DIR/turn.key" \
    -out "$LAB_DIR/turn.crt" >/dev/null 2>&1
expect lab "a certificate for turn.example.com" 0 $?
chmod 644 "$LAB_DIR/turn.key"
# The operator's own livekit.yaml, as the Matrix/Element Call playbook
# writes it, and a portward configuration that points at it.
cat >"$LAB_DIR/livekit.yaml" <<YAML
port: 7880
rtc:
  tcp_port: 7881
  udp_port: 7882
  use_external_ip: true
turn:
  enabled: true
  domain: turn.example.com
  udp_port: 3479
  tls_port: 5350
  cert_file: $LAB_DIR/turn.crt
  key_file: $LAB_DIR/turn.key
keys:
  matrix-rtc: a-long-secret-of-at-least-32-characters-xx
YAML
cat >"$LAB_DIR/host.json" <<JSON
{
  "mode": "host",
  "livekit_config": "livekit.yaml",
  "livekit_version": "1.10.0",
  "mapping": { "methods": ["upnp", "natpmp"],
               "igd_url": "http://$RTR_LAN4:5000/rootDesc.xml" },
  "probe": { "reflectors": ["$PEER4:7900", "[$PEER6]:7900"] },
  "supervise": { "command": ["$LAB_DIR/sfu", "--config", "$LAB_DIR/livekit.yaml",
                             "--version-mode", "1.10.0", "--node-ip", "$WAN4,$LAN6"],
                 "user": "nobody" },
  "control_socket": "$LAB_DIR/lan.sock"
}
JSON
cat >"$LAB_DIR/router.json" <<JSON
{
  "mode": "router",
  "livekit_config": "livekit.yaml",
  "livekit_version": "1.10.0",
  "router": { "wan_interface": "wan0", "lan_host_ipv4": "$LAN4",
              "lan_host_ipv6": "$LAN6" },
  "control_socket": "$LAB_DIR/rtr.sock"
}
JSON
# What livekit.yaml above serves with LiveKit 1.10.0, as the lab's SFU
# binds: ICE on both families, TURN on IPv4 only (udp4/tcp4); and what
# clients are told for TURN/TLS: turn.example.com:443, where nothing is.
PROFILE="ice-tcp 7881/tcp ipv4+ipv6, ice-udp 7882/udp ipv4+ipv6, turn-udp 3479/udp ipv4, turn-tls 5350/tcp ipv4, turn-tls-443 443/tcp ipv4+ipv6"
# The current release serves TURN on both (turn.bind_addresses, 0.0.0.0).
PROFILE_CURRENT="ice-tcp 7881/tcp ipv4+ipv6, ice-udp 7882/udp ipv4+ipv6, turn-udp 3479/udp ipv4+ipv6, turn-tls 5350/tcp ipv4+ipv6, turn-tls-443 443/tcp ipv4+ipv6"
# profile_json FILE [VERSION]: one "name port/proto families" per endpoint.
profile_json() {
	lab_exec "$LAN" "$PORTWARDCTL" profile --livekit-config "$1" \
	    ${2:+--livekit-version "$2"} --json |
	    jq -r '[.endpoints[] | "\(.name) \(.port)/\(.proto) \(.families | join("+"))"] | join(", ")'
}

step "the LiveKit port profile, read from livekit.yaml for LiveKit 1.10.0 (portwardctl profile)"
out=$(lab_exec "$LAN" "$PORTWARDCTL" profile --livekit-config "$LAB_DIR/livekit.yaml" --livekit-version 1.10.0)
expect profile "exit status" 0 $?
echo "$out"
expect profile "the table's endpoints" "ice-tcp ice-udp turn-udp turn-tls turn-tls-443" \
    "$(echo "$out" | awk '$2 == "tcp" || $2 == "udp" { printf "%s%s", s, $1; s = " " }')"

step "the same as JSON (portwardctl profile --json)"
lab_exec "$LAN" "$PORTWARDCTL" profile --livekit-config "$LAB_DIR/livekit.yaml" --livekit-version 1.10.0 --json
expect "profile --json" "exit status" 0 $?
expect "profile --json" "endpoints" "$PROFILE" "$(profile_json "$LAB_DIR/livekit.yaml" 1.10.0)"
echo "  and for the current release (no version given: assumed, and said so):"
expect "profile --json" "endpoints, current LiveKit" "$PROFILE_CURRENT" "$(profile_json "$LAB_DIR/livekit.yaml")"
echo "    $PROFILE_CURRENT"

step "host firewall service on the LiveKit host (portwardd -n)"
lab_exec "$LAN" "$PORTWARDD" -n -c "$LAB_DIR/host.json"
expect "host portwardd -n" "exit status (valid configuration)" 0 $?

step "router-side agent on the router (portwardd -n)"
lab_exec "$RTR" "$PORTWARDD" -n -c "$LAB_DIR/router.json"
expect "router portwardd -n" "exit status (valid configuration)" 0 $?

step "a typo is caught before anything changes"
sed 's/"methods"/"method"/' "$LAB_DIR/host.json" >"$LAB_DIR/typo.json"
lab_exec "$LAN" "$PORTWARDD" -n -c "$LAB_DIR/typo.json"
rc=$?
lines=$(lab_exec "$LAN" nft list ruleset | wc -l)
echo "(exit $rc; the lab's ruleset has $lines lines)"
expect typo "exit status (configuration error)" 2 "$rc"
expect typo "lines in the LiveKit host's ruleset" 0 "$lines"

step "host firewall service: the rules it installs on the LiveKit host (portwardctl apply)"
lab_exec "$LAN" "$PORTWARDCTL" apply -c "$LAB_DIR/host.json" 2>/dev/null
expect apply "exit status" 0 $?
lab_exec "$LAN" nft list table inet portward
expect apply "table inet portward listed" 0 $?
expect apply "accept rules (by comment)" \
    "ice-tcp ipv4,ice-tcp ipv6,ice-udp ipv4,ice-udp ipv6,turn-udp ipv4,turn-tls ipv4" \
    "$(lab_exec "$LAN" nft list chain inet portward input | sed -n 's/.* comment "\(.*\)"$/\1/p' | paste -sd,)"
# And what passed every chain, counted at the last priority (the evidence
# behind a probe), with the hairpin test's own rule.
expect apply "counting rules (by comment)" \
    "ice-tcp ipv4,ice-tcp ipv6,ice-udp ipv4,hairpin ipv4,ice-udp ipv6,turn-udp ipv4,turn-tls ipv4" \
    "$(lab_exec "$LAN" nft list chain inet portward seen | sed -n 's/.* comment "\(.*\)"$/\1/p' | paste -sd,)"
again=$(lab_exec "$LAN" "$PORTWARDCTL" apply -c "$LAB_DIR/host.json" 2>/dev/null)
echo "(a second apply: $again)"
expect apply "the second apply" "no change" "${again%%:*}"

# probe SCENE: ice-tcp 7881 from the internet to both addresses of the
# LiveKit host, as a client connects (through the router's DNAT or forward):
# a TCP connection, which is what ICE/TCP starts with.
probe() {
	local a r seen
	for a in "$WAN4" "[$LAN6]"; do
		# A connection accepted (the router itself refuses 7881).
		lab_exec "$INET" socat -u -T1 OPEN:/dev/null "TCP:$a:7881,connect-timeout=2" 2>/dev/null
		seen=$([ $? = 0 ] && echo "reached the LiveKit host" || echo "NOT reached")
		printf '  from the internet to %-18s ice-tcp 7881/tcp: %s\n' "$a" "$seen"
		expect "$1" "ice-tcp from the internet to $a" "reached the LiveKit host" "$seen"
	done
}
has_table() { lab_exec "$1" nft list table inet portward >/dev/null 2>&1 && echo yes || echo no; }
tables() { lab_exec "$1" nft list tables | wc -l; }

step "router-side agent: portwardd on the router, a listener on the LiveKit host"
scene="router agent"
lab_tcp_listen "$LAN" "[::]" 7881
LISTENER=${LAB_PIDS[-1]}
lab_wait_listen "$LAN" 7881
expect "$scene" "the LiveKit host's listener on 7881/tcp" 0 $?
lab_bg "$RTR" "$PORTWARDD" -c "$LAB_DIR/router.json"
DAEMON=${LAB_PIDS[-1]}
expect_soon "$scene" "table inet portward on the router" yes has_table "$RTR"
probe "$scene"
echo "  nft flush ruleset on the router, as a careless admin would:"
lab_exec "$RTR" nft flush ruleset
expect_soon "$scene, after the flush" "table inet portward back" yes has_table "$RTR"
probe "$scene, after the flush"
echo "  stopping portwardd (SIGTERM):"
stop "$DAEMON"
left=$(tables "$RTR")
echo "  exit $RC; tables left on the router: $left"
expect "$scene, SIGTERM" "exit status" 0 "$RC"
expect "$scene, SIGTERM" "tables left on the router" 0 "$left"

kill "$LISTENER"; wait "$LISTENER" 2>/dev/null

# mapped: the forwards the router itself lists for portward (upnpc -l).
mapped() { lab_exec "$LAN" upnpc -u "http://$RTR_LAN4:5000/rootDesc.xml" -l 2>/dev/null | grep -cE "^ *[0-9]+ (TCP|UDP) .*'portward"; }
# pinholes: the IPv6 pinholes (to 2001:db8:...) in miniupnpd's chain.
pinholes() { lab_exec "$RTR" nft list chain inet filter miniupnpd | grep -c 0x20010db8; }
# cells SOCK: the status table, one "name ipv4-cell / ipv6-cell" per endpoint.
cells() {
	lab_exec "$LAN" "$PORTWARDCTL" status -s "$1" --json | jq -r '
	    def cell: .verdict + (if .reason != "" then " (\(.reason))" else "" end);
	    [.endpoints[] | "\(.name) \(.ipv4 | cell) / \(.ipv6 | cell)"] | join(", ")'
}
child() { lab_exec "$LAN" "$PORTWARDCTL" status -s "$1" --json | jq -r "$2"; }

# one_call SIG FAMILY POLICY TIMEOUT ARGS...: one call from the internet;
# AGREE is reachable (the data channel echoed) or not, HOW says how.
one_call() {
	local sig=$1 fam=$2 policy=$3 timeout=$4 j
	shift 4
	j=$(lab_exec "$INET" "$LAB_DIR/webrtc-client" --signal "http://$sig:7880" \
	    --family "$fam" --policy "$policy" --timeout "$timeout" --ca "$LAB_DIR/turn.crt" \
	    "$@" 2>"$LAB_DIR/call.err")
	if [ "$(jq -r .echo <<<"$j" 2>/dev/null)" = true ]; then
		HOW="connected: $(jq -r '"\(.local.type) \(.local.protocol)/\(.local.family) -> \(.remote.type) \(.remote.protocol)/\(.remote.family) in \(.ms) ms"' <<<"$j")"
		AGREE=reachable
	else
		HOW="no call: $(jq -r '.error // "no answer"' <<<"$j" 2>/dev/null | head -c 60)"
		AGREE=not
	fi
}

# call_table SCENE NS SOCK SIG4 SIG6 ADDR4 ADDR6 ROW...: real WebRTC calls
# from the internet (tests/tools/webrtc-client), each ROW ("CELL POLICY
# [ARGS]", @ in ARGS standing for the family's address) over IPv4 and over
# IPv6, printed next to the verdict portwardd (NS, SOCK) gives that cell;
# each must agree with it. The client signals to http://SIGx:7880.
# A call that should connect and did not (8 s) is made once more, alone
# and with 20 s, and said so: a loaded machine can be slow to handshake,
# but a cell called reachable that no call reaches is a miss. A call that
# connects where the verdict says it cannot is a miss at once.
call_table() {
	local scene=$1 ns=$2 sock=$3 sig4=$4 sig6=$5 addr4=$6 addr6=$7
	local row name policy fam sig addr v want extra first
	shift 7
	printf '  %-20s %-34s %s\n' CELL PORTWARD CALL
	for row in "$@"; do
		set -- $row
		name=$1 policy=$2
		shift 2
		for fam in 4 6; do
			sig=$sig4 addr=$addr4
			[ $fam = 6 ] && sig=$sig6 addr=$addr6
			extra=("${@//@/$addr}")
			v=$(lab_exec "$ns" "$PORTWARDCTL" status -s "$sock" --json | jq -r \
			    ".endpoints[] | select(.name == \"$name\") | .ipv$fam | .verdict + (if .reason != \"\" then \" (\" + .reason + \")\" else \"\" end)")
			case $v in
			reachable*) want=reachable ;;
			impossible* | blocked*) want=not ;;
			*) want="a settled verdict" ;;
			esac
			one_call "$sig" $fam "$policy" 8s "${extra[@]}"
			if [ "$want" = reachable ] && [ "$AGREE" = not ]; then
				first=$HOW
				one_call "$sig" $fam "$policy" 20s "${extra[@]}"
				HOW="$HOW (second try; the first: $first)"
			fi
			printf '  %-20s %-34s %s\n' "$name ipv$fam" "$v" "$HOW"
			expect "$scene" "$name ipv$fam: the call ($HOW) agrees with the verdict ($v)" "$want" "$AGREE" ||
			    tail -n 5 "$LAB_DIR/call.err" | sed 's/^/      client: /'
		done
	done
}

step "host firewall service behind a home router running miniupnpd, supervising the SFU"
scene="behind miniupnpd"
echo "  (the SFU is tests/tools/sfu, on Debian's pion, listening as LiveKit 1.10.0 does,"
echo "   advertising the router's address $WAN4 and its own $LAN6 as node IPs)"
lab_router_up >"$LAB_DIR/router.log" 2>&1
expect "$scene" "the router (nftables, coturn, miniupnpd) up" 0 $?
echo "  reflectors on the internet side: $PEER4:7900 and [$PEER6]:7900 (portwardctl reflector)"
lab_bg "$INET" "$PORTWARDCTL" reflector --listen "$PEER4:7900" 2>/dev/null
lab_bg "$INET" "$PORTWARDCTL" reflector --listen "[$PEER6]:7900" 2>/dev/null
lab_wait_listen "$INET" 7900
expect "$scene" "the reflectors listening" 0 $?
lab_bg "$LAN" "$PORTWARDD" -c "$LAB_DIR/host.json"
DAEMON=${LAB_PIDS[-1]}
T_WAIT=20 expect_soon "$scene" "forwards in upnpc -l" 4 mapped
echo "  the router's own list (upnpc -l, an independent witness):"
lab_exec "$LAN" upnpc -u "http://$RTR_LAN4:5000/rootDesc.xml" -l 2>/dev/null | grep -E "^ *[0-9]+ (TCP|UDP)" | sed 's/^/   /'
expect_soon "$scene" "IPv6 pinholes" 2 pinholes
echo "  IPv6 pinholes in the router's firewall: $(pinholes)"
probe "$scene"
# Every cell probed from the reflectors; TURN on IPv6 cannot be reached:
# LiveKit 1.10.0 binds it to IPv4 only. TURN over IPv4 is reached, but its
# relays go to the SFU at the router's address and this router does not
# loop them back (miniupnpd's forwards are for wan0 only: no hairpin NAT).
# And TURN/TLS as clients are told it, turns:turn.example.com:443: nothing
# listens on 443 (LiveKit's TURN/TLS is on 5350), so no client gets there.
CELLS="ice-tcp reachable / reachable, ice-udp reachable / reachable, turn-udp blocked (router-no-hairpin) / impossible (livekit-turn-ipv4-only), turn-tls blocked (router-no-hairpin) / impossible (livekit-turn-ipv4-only), turn-tls-443 blocked (client-port-not-served) / blocked (client-port-not-served)"
T_WAIT=30 expect_soon "$scene" "status cells" "$CELLS" cells "$LAB_DIR/lan.sock"
echo "  portwardctl status, as an operator sees it (probed from the reflectors):"
lab_exec "$LAN" "$PORTWARDCTL" status -s "$LAB_DIR/lan.sock" | sed 's/^/    /'
echo "  real calls from the internet through the router's forwards (signalling on 7880,"
echo "  forwarded statically by the operator, as a reverse proxy's port would be):"
lab_exec "$RTR" nft insert rule inet filter prerouting iifname wan0 ip daddr "$WAN4" tcp dport 7880 dnat ip to "$LAN4" &&
    lab_exec "$RTR" nft insert rule inet filter forward iifname wan0 tcp dport 7880 accept
expect "$scene" "the operator's static 7880 forward on the router" 0 $?
ROUTER_ROWS=("ice-udp udp" "ice-tcp tcp" "turn-udp relay-udp" \
    "turn-tls relay-tls --turn-host @:5350" "turn-tls-443 relay-tls --turn-host @:443")
call_table "$scene" "$LAN" "$LAB_DIR/lan.sock" "$WAN4" "[$LAN6]" "$WAN4" "[$LAN6]" \
    "${ROUTER_ROWS[@]}"
echo "  the operator turns on NAT loopback (hairpin NAT) for the forwarded ports:"
lab_router_hairpin "{ 7881, 5350 }" "{ 7882, 3479 }"
expect "$scene, NAT loopback" "the hairpin rules on the router" 0 $?
sleep 2.1	# the reflectors take one request per address every 2 s
lab_exec "$LAN" "$PORTWARDCTL" probe -s "$LAB_DIR/lan.sock" >/dev/null
T_WAIT=30 expect_soon "$scene, NAT loopback" "TURN over IPv4" "reachable reachable" \
    child "$LAB_DIR/lan.sock" '[.endpoints[] | select(.name == "turn-udp" or .name == "turn-tls") | .ipv4.verdict] | join(" ")'
echo "  $(child "$LAB_DIR/lan.sock" '"hairpin: " + .mapping.hairpin.detail')"
call_table "$scene, NAT loopback" "$LAN" "$LAB_DIR/lan.sock" "$WAN4" "[$LAN6]" "$WAN4" "[$LAN6]" \
    "turn-udp relay-udp" "turn-tls relay-tls --turn-host @:5350"
echo "  the SFU crashes (kill -9):"
pid=$(child "$LAB_DIR/lan.sock" .child.pid)
case $pid in
'' | *[!0-9]*) expect "$scene, SFU crash" "the SFU's pid in status" "a pid" "$pid" ;;
*) kill -9 "$pid" ;;
esac
expect_soon "$scene, SFU crash" "child restarts and state" "1 running" \
    child "$LAB_DIR/lan.sock" '"\(.child.restarts) \(.child.state)"'
lab_exec "$LAN" "$PORTWARDCTL" status -s "$LAB_DIR/lan.sock" | grep '^child:' | sed 's/^/    /'
probe "$scene, SFU crash"
echo "  the mapper (the unprivileged process that talks to the router) is killed (kill -9),"
echo "  and the router loses the 7881/tcp forward meanwhile (upnpc -d):"
pid=$(child "$LAB_DIR/lan.sock" .mapping.process.pid)
case $pid in
'' | *[!0-9]*) expect "$scene, mapper crash" "the mapper's pid in status" "a pid" "$pid" ;;
*) kill -9 "$pid" ;;
esac
lab_exec "$LAN" upnpc -u "http://$RTR_LAN4:5000/rootDesc.xml" -d 7881 TCP >/dev/null 2>&1
expect_soon "$scene, mapper crash" "mapper restarts and state" "1 running" \
    child "$LAB_DIR/lan.sock" '"\(.mapping.process.restarts) \(.mapping.process.state)"'
T_WAIT=20 expect_soon "$scene, mapper crash" "forwards in upnpc -l" 4 mapped
lab_exec "$LAN" "$PORTWARDCTL" status -s "$LAB_DIR/lan.sock" | grep '^mapper:' | sed 's/^/    /'
probe "$scene, mapper crash"
echo "  a second portwardd with the same configuration:"
out=$(lab_exec "$LAN" timeout 10 "$PORTWARDD" -c "$LAB_DIR/host.json" 2>&1)
rc=$?
echo "$out" | sed 's/^/    /'
expect "$scene, second daemon" "exit status" 1 "$rc"
expect "$scene, second daemon" "names the running one" yes \
    "$([[ $out == *"pid $DAEMON"* ]] && echo yes)"
expect "$scene, second daemon" "forwards still there" 4 "$(mapped)"
echo "  the router reboots (miniupnpd restarted with its leases and rules gone):"
lab_miniupnpd_reboot >>"$LAB_DIR/router.log" 2>&1
expect "$scene, router reboot" "miniupnpd up again" 0 $?
T_WAIT=20 expect_soon "$scene, router reboot" "forwards in upnpc -l" 4 mapped
expect_soon "$scene, router reboot" "IPv6 pinholes" 2 pinholes
probe "$scene, router reboot"
echo "  stopping portwardd:"
stop "$DAEMON"
left=$(mapped)
echo "  exit $RC; forwards left on the router: $left"
expect "$scene, stop" "exit status" 0 "$RC"
expect "$scene, stop" "forwards left on the router" 0 "$left"

step "the same host with turn.external_tls: true, TLS terminated by a dual-stack proxy"
scene="external_tls"
sed 's/^  tls_port: 5350$/  tls_port: 5350\n  external_tls: true/' "$LAB_DIR/livekit.yaml" >"$LAB_DIR/livekit-ext.yaml"
sed "s|livekit.yaml\"|livekit-ext.yaml\"|g" "$LAB_DIR/host.json" >"$LAB_DIR/host-ext.json"
echo "  clients are told turns:turn.example.com:443; the proxy there hands TURN to LiveKit's plain TCP on 5350:"
lab_exec "$LAN" "$PORTWARDCTL" profile --livekit-config "$LAB_DIR/livekit-ext.yaml" --livekit-version 1.10.0 | grep -E '^(ENDPOINT|turn| )' | sed 's/^/    /'
expect "$scene" "profile" \
    "ice-tcp 7881/tcp ipv4+ipv6, ice-udp 7882/udp ipv4+ipv6, turn-udp 3479/udp ipv4, turn-tls 5350/tcp ipv4, turn-tls-443 443/tcp ipv4+ipv6" \
    "$(profile_json "$LAB_DIR/livekit-ext.yaml" 1.10.0)"
echo "  the proxy: [::]:443, both families, terminates TLS for turn.example.com and hands TURN to LiveKit on 127.0.0.1:5350 (socat)"
lab_bg "$LAN" socat -lf /dev/null OPENSSL-LISTEN:443,pf=ip6,ipv6only=0,cert="$LAB_DIR/turn.crt",key="$LAB_DIR/turn.key",verify=0,reuseaddr,fork TCP4:127.0.0.1:5350
lab_wait_listen "$LAN" 443
expect "$scene" "the proxy listening on [::]:443" 0 $?
echo "  443 is the proxy's (HTTPS too): the operator forwards it on the router, statically"
echo "  (miniupnpd maps no port below 1024), and portward opens and forwards nothing for it"
lab_exec "$RTR" nft insert rule inet filter prerouting iifname wan0 meta nfproto ipv4 tcp dport 443 dnat ip to "$LAN4" &&
    lab_exec "$RTR" nft insert rule inet filter forward iifname wan0 tcp dport 443 accept
expect "$scene" "the operator's static 443 forward on the router" 0 $?
lab_bg "$LAN" "$PORTWARDD" -c "$LAB_DIR/host-ext.json"
DAEMON=${LAB_PIDS[-1]}
# Ready means the SFU's listeners were seen, not the readiness timeout.
expect_soon "$scene" "the SFU's readiness" ready child "$LAB_DIR/lan.sock" \
    'if .child.ready then "ready" elif .child.ready_timed_out then "timed out" else "not yet" end'
sleep 2.1	# the reflectors take one request per address every 2 s
T_WAIT=30 expect_soon "$scene" "status cells" \
    "ice-tcp reachable / reachable, ice-udp reachable / reachable, turn-udp reachable / impossible (livekit-turn-ipv4-only), turn-tls reachable / impossible (livekit-turn-ipv4-only), turn-tls-443 reachable / reachable" \
    cells "$LAB_DIR/lan.sock"
lab_exec "$LAN" "$PORTWARDCTL" status -s "$LAB_DIR/lan.sock" | sed -n '1,5p' | sed 's/^/    /'
echo "  stopping portwardd:"
stop "$DAEMON"
echo "  exit $RC"
expect "$scene, stop" "exit status" 0 "$RC"

step "real WebRTC calls to a LiveKit host on a public network, next to portward's verdicts"
scene="real calls"
# A host with public addresses (no NAT), its own firewall dropping what it
# does not accept, portwardd attached to it, supervising the Go stand-in
# (tests/tools/sfu: Debian's pion, sockets as LiveKit 1.10.0 binds them)
# with TURN/TLS on 5350 and a TLS passthrough proxy on 443. The client
# (tests/tools/webrtc-client) calls from the internet side, each way in
# and each family; every call must agree with portward's verdict.
PUB4=198.51.100.10 PUB6=2001:db8:99::10
ip netns add "$PUB" && ip -n "$PUB" link set lo up &&
    t_veth "$INET" pub0 "$PUB" eth0 198.51.100.1/24 2001:db8:99::1/64 \
    $PUB4/24 $PUB6/64 &&
    ip -n "$PUB" route add default via 198.51.100.1 &&
    ip -n "$PUB" -6 route add default via 2001:db8:99::1
expect "$scene" "the public host's network" 0 $?
# Its own: the signal port and the TLS proxy on 443.
t_host_firewall "$PUB" "{ 7880, 443 }"
expect "$scene" "the host's own firewall (policy drop)" 0 $?
cat >"$LAB_DIR/pub.yaml" <<YAML
port: 7880
rtc:
  tcp_port: 7881
  udp_port: 7882
  node_ip: "$PUB4,$PUB6"
turn:
  enabled: true
  domain: turn.example.com
  udp_port: 3479
  tls_port: 5350
  cert_file: $LAB_DIR/turn.crt
  key_file: $LAB_DIR/turn.key
keys:
  key: a-long-secret-of-at-least-32-characters-xx
YAML
cat >"$LAB_DIR/pub.json" <<JSON
{ "mode": "host", "livekit_config": "pub.yaml", "livekit_version": "1.10.0",
  "nft": { "attach": { "family": "inet", "table": "filter", "chain": "input" } },
  "mapping": { "methods": [] },
  "probe": { "reflectors": ["$PEER4:7900", "[$PEER6]:7900"] },
  "supervise": { "command": ["$LAB_DIR/sfu", "--config", "$LAB_DIR/pub.yaml",
                             "--version-mode", "1.10.0"], "user": "nobody" },
  "control_socket": "$LAB_DIR/pub.sock" }
JSON
lab_bg "$PUB" socat -lf /dev/null TCP6-LISTEN:443,ipv6only=0,reuseaddr,fork TCP4:127.0.0.1:5350
lab_bg "$PUB" "$PORTWARDD" -c "$LAB_DIR/pub.json"
DAEMON=${LAB_PIDS[-1]}
expect_soon "$scene" "the SFU's readiness" ready child "$LAB_DIR/pub.sock" \
    'if .child.ready then "ready" elif .child.ready_timed_out then "timed out" else "not yet" end'
pubcells() {
	lab_exec "$PUB" "$PORTWARDCTL" status -s "$LAB_DIR/pub.sock" --json | jq -r '
	    [.endpoints[] | .ipv4.verdict, .ipv6.verdict] | map(select(. == "unknown")) | length'
}
# The daemon probes once it is ready (a second request within 2 s would
# meet the reflector's rate limit, and measure nothing).
T_WAIT=40 expect_soon "$scene" "cells not yet measured" 0 pubcells
call_table "$scene" "$PUB" "$LAB_DIR/pub.sock" "$PUB4" "[$PUB6]" "$PUB4" "[$PUB6]" \
    "ice-udp udp" "ice-tcp tcp" "turn-udp relay-udp" \
    "turn-tls relay-tls --turn-host @:5350" "turn-tls-443 relay-tls --turn-host @:443"
echo "  stopping portwardd:"
stop "$DAEMON"
expect "$scene, stop" "exit status" 0 "$RC"

step "lab torn down"
lab_down
expect teardown "the lab's namespaces left" 0 "$(ip netns list | grep -c "^$LAB_PREFIX")"
summary
