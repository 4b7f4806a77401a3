#!/usr/bin/env bash
# demo.sh: portward's main job, shown in a throwaway lab of network
# namespaces (tests/lib/lab.sh). Nothing outside the lab is touched: no
# host ruleset, no address outside the lab's documentation ranges.
set -u
source "$(dirname "$0")/lib/testlib.sh"
source "$TOP/tests/lib/lab.sh"
if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root (it creates network namespaces)" >&2
	exit 1
fi
step() { printf '\n== %s\n' "$*"; }

trap lab_down EXIT
step "lab: LiveKit host ($LAN), home router ($RTR), the internet ($INET)"
lab_up || { echo "demo: lab_up failed" >&2; exit 1; }
# The SFU runs as nobody: give it a copy it can reach.
chmod 755 "$LAB_DIR"
cp "$TOP/build/tools/lkstub" "$LAB_DIR/lkstub"
for ns in "$LAN" "$RTR" "$INET"; do
	echo "$ns:"
	ip -n "$ns" -br addr show | grep -v '^lo ' | sed 's/^/  /'
done

# The operator's own livekit.yaml, as the Matrix/Element Call playbook
# writes it, and a portward configuration that points at it.
cat >"$LAB_DIR/livekit.yaml" <<'YAML'
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
keys:
  matrix-rtc: a-long-secret-of-at-least-32-characters-xx
YAML
cat >"$LAB_DIR/host.json" <<JSON
{
  "mode": "host",
  "livekit_config": "livekit.yaml",
  "mapping": { "methods": ["upnp", "natpmp"],
               "igd_url": "http://$RTR_LAN4:5000/rootDesc.xml" },
  "probe": { "reflectors": ["$PEER4:7900", "[$PEER6]:7900"] },
  "supervise": { "command": ["$LAB_DIR/lkstub"], "user": "nobody" },
  "control_socket": "$LAB_DIR/lan.sock"
}
JSON
cat >"$LAB_DIR/router.json" <<JSON
{
  "mode": "router",
  "livekit_config": "livekit.yaml",
  "router": { "wan_interface": "wan0", "lan_host_ipv4": "$LAN4",
              "lan_host_ipv6": "$LAN6" },
  "control_socket": "$LAB_DIR/rtr.sock"
}
JSON

step "the LiveKit port profile, read from livekit.yaml (portwardctl profile)"
lab_exec "$LAN" "$PORTWARDCTL" profile --livekit-config "$LAB_DIR/livekit.yaml"

step "the same as JSON (portwardctl profile --json)"
lab_exec "$LAN" "$PORTWARDCTL" profile --livekit-config "$LAB_DIR/livekit.yaml" --json

step "host firewall service on the LiveKit host (portwardd -n)"
lab_exec "$LAN" "$PORTWARDD" -n -c "$LAB_DIR/host.json"

step "router-side agent on the router (portwardd -n)"
lab_exec "$RTR" "$PORTWARDD" -n -c "$LAB_DIR/router.json"

step "a typo is caught before anything changes"
sed 's/"methods"/"method"/' "$LAB_DIR/host.json" >"$LAB_DIR/typo.json"
lab_exec "$LAN" "$PORTWARDD" -n -c "$LAB_DIR/typo.json"
echo "(exit $?; the lab's ruleset has $(lab_exec "$LAN" nft list ruleset | wc -l) lines)"

step "host firewall service: the rules it installs on the LiveKit host (portwardctl apply)"
lab_exec "$LAN" "$PORTWARDCTL" apply -c "$LAB_DIR/host.json" 2>/dev/null
lab_exec "$LAN" nft list table inet portward
echo "(a second apply: $(lab_exec "$LAN" "$PORTWARDCTL" apply -c "$LAB_DIR/host.json" 2>/dev/null))"

step "router-side agent: portwardd on the router, a listener on the LiveKit host"
lab_tcp_listen "$LAN" "[::]" 7881
LISTENER=${LAB_PIDS[-1]}
lab_wait_listen "$LAN" 7881
lab_bg "$RTR" "$PORTWARDD" -c "$LAB_DIR/router.json"
DAEMON=${LAB_PIDS[-1]}
t_wait lab_exec "$RTR" nft list table inet portward
probe() {
	local a r
	for a in "$WAN4" "[$LAN6]"; do
		r=$(lab_exec "$INET" socat -T2 - "TCP:$a:7881,connect-timeout=2" </dev/null 2>/dev/null)
		printf '  from the internet to %-18s ice-tcp 7881/tcp: %s\n' "$a" \
		    "$([ "$r" = pong ] && echo "reached the LiveKit host" || echo "NOT reached")"
	done
}
probe
echo "  nft flush ruleset on the router, as a careless admin would:"
lab_exec "$RTR" nft flush ruleset
t_wait lab_exec "$RTR" nft list table inet portward
probe
echo "  stopping portwardd (SIGTERM):"
kill -TERM "$DAEMON"
wait "$DAEMON"
echo "  exit $?; tables left on the router: $(lab_exec "$RTR" nft list tables | wc -l)"

kill "$LISTENER"; wait "$LISTENER" 2>/dev/null

step "host firewall service behind a home router running miniupnpd, supervising the SFU"
echo "  (the SFU is tests/tools/lkstub, a stand-in that binds exactly as LiveKit 1.10.0 does)"
lab_router_up >"$LAB_DIR/router.log" 2>&1
echo "  reflectors on the internet side: $PEER4:7900 and [$PEER6]:7900 (portwardctl reflector)"
lab_bg "$INET" "$PORTWARDCTL" reflector --listen "$PEER4:7900" 2>/dev/null
lab_bg "$INET" "$PORTWARDCTL" reflector --listen "[$PEER6]:7900" 2>/dev/null
lab_wait_listen "$INET" 7900
lab_bg "$LAN" "$PORTWARDD" -c "$LAB_DIR/host.json"
DAEMON=${LAB_PIDS[-1]}
mapped() { lab_exec "$LAN" upnpc -u "http://$RTR_LAN4:5000/rootDesc.xml" -l 2>/dev/null | grep -cE "^ *[0-9]+ (TCP|UDP) .*'portward"; }
T_WAIT=20 t_wait sh -c "[ \$(ip netns exec $LAN upnpc -u http://$RTR_LAN4:5000/rootDesc.xml -l 2>/dev/null | grep -c \"'portward\") -ge 4 ]"
echo "  the router's own list (upnpc -l, an independent witness):"
lab_exec "$LAN" upnpc -u "http://$RTR_LAN4:5000/rootDesc.xml" -l 2>/dev/null | grep -E "^ *[0-9]+ (TCP|UDP)" | sed 's/^/   /'
echo "  IPv6 pinholes in the router's firewall: $(lab_exec "$RTR" nft list chain inet filter miniupnpd | grep -c 0x20010db8)"
probe
probed() {	# every cell measured (no unknown left)
	[ "$(ip netns exec "$LAN" "$PORTWARDCTL" status -s "$1" --json 2>/dev/null |
	    jq '[.endpoints[] | .ipv4.verdict, .ipv6.verdict] | map(select(. == "unknown")) | length')" = 0 ]
}
T_WAIT=30 t_wait probed "$LAB_DIR/lan.sock"
echo "  portwardctl status, as an operator sees it (probed from the reflectors):"
lab_exec "$LAN" "$PORTWARDCTL" status -s "$LAB_DIR/lan.sock" | sed 's/^/    /'
echo "  the SFU crashes (kill -9):"
kill -9 "$(lab_exec "$LAN" "$PORTWARDCTL" status -s "$LAB_DIR/lan.sock" --json | jq -r .child.pid)"
t_wait sh -c "ip netns exec $LAN $PORTWARDCTL status -s $LAB_DIR/lan.sock --json | jq -e '.child.restarts == 1 and .child.state == \"running\"' >/dev/null"
lab_exec "$LAN" "$PORTWARDCTL" status -s "$LAB_DIR/lan.sock" | grep '^child:' | sed 's/^/    /'
probe
echo "  the router reboots (miniupnpd restarted with its leases and rules gone):"
lab_miniupnpd_reboot >>"$LAB_DIR/router.log" 2>&1
T_WAIT=20 t_wait sh -c "[ \$(ip netns exec $LAN upnpc -u http://$RTR_LAN4:5000/rootDesc.xml -l 2>/dev/null | grep -c \"'portward\") -ge 4 ]"
t_wait sh -c "ip netns exec $RTR nft list chain inet filter miniupnpd | grep -q 0x20010db8"
probe
echo "  stopping portwardd:"
kill -TERM "$DAEMON"
wait "$DAEMON"
echo "  exit $?; forwards left on the router: $(mapped)"

step "the same host with turn.external_tls: true, TLS terminated by a dual-stack proxy"
sed 's/^  tls_port: 5350$/  tls_port: 5350\n  external_tls: true/' "$LAB_DIR/livekit.yaml" >"$LAB_DIR/livekit-ext.yaml"
sed "s|\"livekit.yaml\"|\"livekit-ext.yaml\"|" "$LAB_DIR/host.json" >"$LAB_DIR/host-ext.json"
echo "  the profile now serves TURN/TLS on both families:"
lab_exec "$LAN" "$PORTWARDCTL" profile --livekit-config "$LAB_DIR/livekit-ext.yaml" | grep -E '^(ENDPOINT|turn)' | sed 's/^/    /'
echo "  the proxy: IPv6 on 5350, to LiveKit's TURN on 127.0.0.1:5350 (socat standing in for a TLS proxy)"
lab_bg "$LAN" socat TCP6-LISTEN:5350,ipv6only=1,reuseaddr,fork TCP4:127.0.0.1:5350
lab_bg "$LAN" "$PORTWARDD" -c "$LAB_DIR/host-ext.json"
DAEMON=${LAB_PIDS[-1]}
sleep 2.1	# the reflectors take one request per address every 2 s
T_WAIT=30 t_wait probed "$LAB_DIR/lan.sock"
lab_exec "$LAN" "$PORTWARDCTL" status -s "$LAB_DIR/lan.sock" | sed -n '1,5p' | sed 's/^/    /'
kill -TERM "$DAEMON"
wait "$DAEMON"

step "lab torn down"
