#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# verdicts_host.sh: host-mode verdicts against the truth, measured from
# outside next to each one: a TCP connection that gets "pong" back, a
# datagram that gets "pong" back (socat services on the host stand for
# the SFU's ports, 7881/tcp and 7882/udp, both families). The host (H)
# and the outside (O: reflectors, the measuring end) are two namespaces.
# Situations: no firewall at all, doctor without a daemon; nothing
# listening on the UDP port; a UDP listener on IPv4 only; another table's
# chain dropping IPv4 after portward's accept (stateless policy drop at a
# later priority); that table set dormant; a reflector that lies ("tcp,
# ok" for everything); targeted drops (one port, a jump to a chain that
# drops, iptables-nft's rules, stateless and stateful); sets, interval
# sets and verdict maps; a source allowlist portward cannot read (the
# probe decides); a drop that comes after a successful probe; answers
# dropped on the output hook; portward's own table set dormant; doctor
# and status without root; a chain at the last priority made before
# doctor's; an interface verdict map without a reflector.
T_NAME=verdicts_host
source "$(dirname "$0")/../lib/testlib.sh"
t_need_root
t_need_tool ip nft jq socat setpriv iptables-nft
H=pwvhh$$ O=pwvho$$
H4=198.51.100.10 H6=2001:db8:99::10 O4=198.51.100.1 O6=2001:db8:99::1
DPID= TPID= UPID=
cleanup() {
	t_stop "$DPID"
	t_stop "$UPID"
	cp "$TMP/log" /tmp/vh.daemon.log 2>/dev/null
	t_ns_teardown
}
t_ns_setup "$H" "$O"
chmod 755 "$TMP"
t_link_out "$H" "$O" $H4 $H6 $O4 $O6
in_h() { ip netns exec "$H" "$@"; }
in_o() { ip netns exec "$O" "$@"; }

cat >"$TMP/p.json" <<'JSON'
{ "endpoints": [
  { "name": "ice-tcp", "proto": "tcp", "port": 7881, "families": ["ipv4", "ipv6"] },
  { "name": "ice-udp", "proto": "udp", "port": 7882, "families": ["ipv4", "ipv6"] } ] }
JSON
conf() {	# conf FILE REFLECTOR...
	local f=$1 r
	shift
	r=$(printf '"%s",' "$@")
	cat >"$f" <<JSON
{ "mode": "host", "profile": "$TMP/p.json", "mapping": { "methods": [] },
  "probe": { "reflectors": [${r%,}], "interval_seconds": 3600 },
  "control_socket": "$TMP/ctl.sock" }
JSON
}
conf "$TMP/c.json" "$O4:7900" "[$O6]:7900"
t_reflectors "$O" "$O4" "[$O6]"
# The services: "pong" on TCP and UDP, dual-stack unless said otherwise.
ip netns exec "$H" socat TCP6-LISTEN:7881,ipv6only=0,reuseaddr,fork SYSTEM:'echo pong' 2>/dev/null &
TPID=$!
udp_up() {	# udp_up dual|v4
	t_stop "$UPID"
	if [ "$1" = v4 ]; then
		ip netns exec "$H" socat UDP4-RECVFROM:7882,reuseaddr,fork SYSTEM:'echo pong' 2>/dev/null &
	else
		ip netns exec "$H" socat UDP6-RECVFROM:7882,ipv6only=0,reuseaddr,fork SYSTEM:'echo pong' 2>/dev/null &
	fi
	UPID=$!
	t_wait sh -c "ip netns exec $H ss -Hlun 'sport = :7882' | grep -q ."
}
udp_up dual
T_PIDS+=("$TPID")

# The truth, from outside: "reachable" or "not".
truth() {	# truth tcp|udp 4|6
	local a=$H4 k r
	[ "$2" = 6 ] && a="[$H6]"
	if [ "$1" = tcp ]; then
		r=$(in_o socat -T2 - "TCP:$a:7881,connect-timeout=2" </dev/null 2>/dev/null)
	else
		k=UDP4; [ "$2" = 6 ] && k=UDP6
		# A datagram can be lost, or answered late on a loaded
		# machine: three tries before saying "not".
		for _ in 1 2 3; do
			r=$(echo ping | in_o socat -T2 - "$k:$a:7882" 2>/dev/null)
			[ "$r" = pong ] && break
		done
	fi
	[ "$r" = pong ] && echo reachable || echo not
}
# agree WHAT JSON: every cell's verdict against the truth, one check.
agree() {
	local what=$1 j=$2 name fam v want got bad=
	for name in ice-tcp ice-udp; do
		for fam in 4 6; do
			v=$(jq -r ".endpoints[] | select(.name == \"$name\") | .ipv$fam | .verdict + (if .reason != \"\" then \" (\" + .reason + \")\" else \"\" end)" <<<"$j")
			got=$(truth "${name#ice-}" $fam)
			case $v in
			reachable) want=reachable ;;
			blocked* | impossible* | "degraded (hole-punching-only)") want=not ;;
			*) want="a settled verdict" ;;
			esac
			[ "$got" = "$want" ] || bad="$bad $name/ipv$fam: $v, truth $got;"
		done
	done
	if [ -z "$bad" ]; then t_pass "$what"; else t_fail "$what" "$bad"; fi
}
cells() { jq -r '[.endpoints[] | "\(.name) \(.ipv4.verdict) \(.ipv4.reason) / \(.ipv6.verdict) \(.ipv6.reason)"] | join(", ")' <<<"$1"; }
doctor() { sleep 2.1; in_h "$PORTWARDCTL" doctor -c "$TMP/c.json" --json 2>/dev/null; }
st() { in_h "$PORTWARDCTL" status -s "$TMP/ctl.sock" --json 2>/dev/null; }
probe_now() {	# a fresh round, after the reflectors' 2 s limit; waits for it
	local before
	sleep 2.1
	before=$(st | jq -c '[.endpoints[] | .ipv4.hint, .ipv6.hint]')
	in_h "$PORTWARDCTL" probe -s "$TMP/ctl.sock" >/dev/null 2>&1
	T_WAIT=20 t_wait sh -c "[ \"\$(ip netns exec $H $PORTWARDCTL status -s $TMP/ctl.sock --json | jq -c '[.endpoints[] | .ipv4.hint, .ipv6.hint]')\" != '$before' ]"
	sleep 0.5
}

# No firewall at all (an empty ruleset accepts everything), no daemon.
j=$(doctor)
if [ "$(cells "$j")" = "ice-tcp reachable  / reachable , ice-udp reachable  / reachable " ] &&
    [ -z "$(in_h nft list ruleset)" ]; then
	t_pass no_firewall__doctor__all_reachable_nothing_left
else t_fail no_firewall__doctor__all_reachable_nothing_left "$(cells "$j") $(in_h nft list tables)"; fi
agree no_firewall__doctor__verdicts_agree "$j"

sleep 2.1	# the reflectors take one request per address every 2 s
ip netns exec "$H" "$PORTWARDD" -c "$TMP/c.json" >"$TMP/log" 2>&1 &
DPID=$!
T_WAIT=30 t_wait sh -c "[ \"\$(ip netns exec $H $PORTWARDCTL status -s $TMP/ctl.sock --json | jq -r '[.endpoints[] | .ipv4.verdict, .ipv6.verdict] | map(select(. == \"unknown\")) | length')\" = 0 ]"
agree daemon__open__verdicts_agree "$(st)"

# Nothing listening on 7882/udp: the kernel answers ICMP port unreachable.
t_stop "$UPID"; UPID=
probe_now
j=$(st)
if [ "$(jq -r '.endpoints[1] | .ipv4.reason + " " + .ipv6.reason' <<<"$j")" = "no-listener no-listener" ]; then
	t_pass udp_nothing_listens__blocked_no_listener
else t_fail udp_nothing_listens__blocked_no_listener "$(cells "$j")"; fi
agree udp_nothing_listens__verdicts_agree "$j"

# A UDP listener on IPv4 only.
udp_up v4
probe_now
j=$(st)
if [ "$(jq -r '.endpoints[1] | .ipv4.verdict + " " + .ipv6.reason' <<<"$j")" = "reachable listener-ipv4-only" ]; then
	t_pass udp_ipv4_listener__ipv4_reachable_ipv6_blocked
else t_fail udp_ipv4_listener__ipv4_reachable_ipv6_blocked "$(cells "$j")"; fi
agree udp_ipv4_listener__verdicts_agree "$j"
udp_up dual

# Another table drops IPv4 after portward's accept (priority 10, no
# established accept): portward's accept counts, the packet dies later.
in_h nft -f - <<'NFT'
table ip other {
	chain input {
		type filter hook input priority 10; policy drop;
	}
}
NFT
probe_now
j=$(st)
if [ "$(cells "$j")" = "ice-tcp blocked dropped-by-other-table / reachable , ice-udp blocked dropped-by-other-table / reachable " ]; then
	t_pass other_table_later__ipv4_blocked_named
else t_fail other_table_later__ipv4_blocked_named "$(cells "$j")"; fi
agree other_table_later__verdicts_agree "$j"

# A reflector that lies: "tcp, ok" for every port. The daemon decides the
# kind and checks the count of what passed every chain.
cat >"$TMP/liar.sh" <<'SH'
#!/bin/sh
read -r line
echo '{"from": "any", "results": [{"name": "ice-tcp", "kind": "tcp", "ok": true, "detail": "forged"}, {"name": "ice-udp", "kind": "tcp", "ok": true, "detail": "forged"}]}'
SH
chmod 755 "$TMP/liar.sh"
t_bg ip netns exec "$O" socat TCP-LISTEN:7901,bind=$O4,reuseaddr,fork EXEC:"$TMP/liar.sh"
t_wait sh -c "ip netns exec $O ss -Hltn 'sport = :7901' | grep -q ."
conf "$TMP/c.json" "$O4:7901" "[$O6]:7900"
kill -HUP "$DPID"
t_wait grep -q 'reload: .* applied' "$TMP/log"
probe_now
j=$(st)
if [ "$(jq -r '[.endpoints[].ipv4.verdict] | join(" ")' <<<"$j")" = "blocked blocked" ] &&
    [[ $(jq -r '.endpoints[1].ipv4.hint' <<<"$j") != *forged* ]]; then
	t_pass lying_reflector__not_believed
else t_fail lying_reflector__not_believed "$(cells "$j") $(jq -r '.endpoints[1].ipv4.hint' <<<"$j")"; fi
agree lying_reflector__verdicts_agree "$j"
conf "$TMP/c.json" "$O4:7900" "[$O6]:7900"
kill -HUP "$DPID"

# The other table set dormant: its chains see nothing, nothing is dropped.
in_h nft add table ip other '{ flags dormant; }'
probe_now
j=$(st)
if [ "$(cells "$j")" = "ice-tcp reachable  / reachable , ice-udp reachable  / reachable " ]; then
	t_pass other_table_dormant__reachable
else t_fail other_table_dormant__reachable "$(cells "$j")"; fi
agree other_table_dormant__verdicts_agree "$j"
in_h nft delete table ip other

# Targeted drops, as firewalls write them: followed rule by rule.
# situation NAME WANT-CELLS: the check and the truth for the ruleset now.
situation() {
	local j
	probe_now
	j=$(st)
	if [ "$(cells "$j")" = "$2" ]; then t_pass "$1__cells"
	else t_fail "$1__cells" "$(cells "$j")"; fi
	agree "$1__verdicts_agree" "$j"
}
in_h nft -f - <<'NFT'
table inet other {
	chain input {
		type filter hook input priority 10; policy accept;
		udp dport 7882 drop
	}
}
NFT
situation targeted_udp_drop "ice-tcp reachable  / reachable , ice-udp blocked dropped-by-other-table / blocked dropped-by-other-table"
in_h nft delete table inet other
in_h nft -f - <<'NFT'
table ip other {
	chain input {
		type filter hook input priority 10; policy accept;
		iif lo accept
		jump deny
	}
	chain deny {
		tcp dport 7881 drop
	}
}
NFT
situation jump_to_a_dropping_chain "ice-tcp blocked dropped-by-other-table / reachable , ice-udp reachable  / reachable "
in_h nft delete table ip other
# iptables-nft (Debian's iptables): its xtables matches read as well.
in_h iptables-nft -A INPUT -p udp --dport 7882 -j DROP
situation iptables_nft_udp_drop "ice-tcp reachable  / reachable , ice-udp blocked dropped-by-other-table / reachable "
in_h iptables-nft -F INPUT
in_h iptables-nft -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
in_h iptables-nft -P INPUT DROP
situation iptables_nft_stateful_policy_drop "ice-tcp blocked dropped-by-other-table / reachable , ice-udp degraded hole-punching-only / reachable "
in_h iptables-nft -P INPUT ACCEPT
in_h iptables-nft -F INPUT
in_h nft delete table ip filter

# This host's own traffic to the port (TURN relaying to the SFU, say)
# is not evidence from outside: a stateful firewall drops the reflector's
# datagrams while the host itself sends to its own addresses.
in_h nft -f - <<'NFT'
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		iif lo accept
		meta l4proto { icmp, ipv6-icmp } accept
	}
}
NFT
ip netns exec "$H" sh -c "while :; do echo x | socat -u - UDP4-SENDTO:$H4:7882; echo x | socat -u - UDP6-SENDTO:[$H6]:7882; sleep 0.1; done" >/dev/null 2>&1 &
LOOP=$!
T_PIDS+=("$LOOP")
# (The set in "meta l4proto { icmp, ipv6-icmp } accept" is read: ICMP
# is not what arrives, so the policy drop behind it is named.)
situation local_traffic_not_evidence "ice-tcp blocked dropped-by-other-table / blocked dropped-by-other-table, ice-udp degraded hole-punching-only / degraded hole-punching-only"
t_stop "$LOOP"
in_h nft delete table inet filter

# Sets and verdict maps, as firewalld and the nftables wiki write them:
# ct state vmap, an anonymous set of ports, a reject at the end.
in_h nft -f - <<'NFT'
table inet fw {
	chain input {
		type filter hook input priority filter + 10; policy accept;
		ct state vmap { established : accept, related : accept, invalid : drop }
		iifname "lo" accept
		meta l4proto { icmp, ipv6-icmp } accept
		tcp dport { 22, 7881 } accept
		reject with icmpx admin-prohibited
	}
}
NFT
situation sets_and_vmaps__tcp_open_udp_stateful "ice-tcp reachable  / reachable , ice-udp degraded hole-punching-only / degraded hole-punching-only"
in_h nft delete table inet fw
# Port ranges in an interval set, and a verdict map on the port.
in_h nft -f - <<'NFT'
table inet fw {
	chain input {
		type filter hook input priority 10; policy accept;
		udp dport { 3478-3480, 7880-7890 } drop
		tcp dport vmap { 7881 : jump deny, 22 : accept }
	}
	chain deny {
		ip6 nexthdr tcp drop
	}
}
NFT
situation interval_set_and_port_vmap "ice-tcp reachable  / blocked dropped-by-other-table, ice-udp blocked dropped-by-other-table / blocked dropped-by-other-table"
in_h nft delete table inet fw
# A condition portward does not read (the source address): a drop behind
# an accept for some sources is not claimed as certain; the probe from
# outside decides, both ways.
in_h nft -f - <<'NFT'
table ip fw {
	chain input {
		type filter hook input priority 10; policy drop;
		ct state established,related accept
		ip saddr 10.0.0.0/8 accept
	}
}
NFT
situation source_allowlist_without_outside "ice-tcp blocked dropped-by-other-table / reachable , ice-udp degraded hole-punching-only / reachable "
if [[ $(st | jq -r '.endpoints[0].ipv4.hint') == *"unless rule handle"* ]]; then
	t_pass source_allowlist__hint_names_the_rule_not_read
else t_fail source_allowlist__hint_names_the_rule_not_read "$(st | jq -r '.endpoints[0].ipv4.hint')"; fi
in_h nft add rule ip fw input ip saddr $O4 accept
situation source_allowlist_with_outside "ice-tcp reachable  / reachable , ice-udp reachable  / reachable "
in_h nft delete table ip fw
# Fresher evidence wins: a drop added after a successful probe is said at
# once (the old success no longer counts), and a new probe follows.
in_h nft -f - <<'NFT'
table inet late {
	chain input {
		type filter hook input priority 10; policy accept;
		tcp dport 7881 drop
	}
}
NFT
j=$(st)
if [ "$(cells "$j")" = "ice-tcp blocked dropped-by-other-table / blocked dropped-by-other-table, ice-udp reachable  / reachable " ] &&
    [ "$(truth tcp 4)/$(truth tcp 6)" = not/not ] &&
    t_wait grep -q "drops changed: probing again" "$TMP/log"; then
	t_pass drop_after_probe__said_at_once_probed_again
else t_fail drop_after_probe__said_at_once_probed_again "$(cells "$j")"; fi
in_h nft delete table inet late
# A condition portward does not read after one it does (fib): the port
# is not taken for what fib wrote; the accept is a maybe, the probe decides.
in_h nft -f - <<'NFT'
table inet fw {
	chain input {
		type filter hook input priority 10; policy drop;
		ct state established,related accept
		tcp dport 7881 fib daddr type local accept
	}
}
NFT
situation fib_after_port__probe_decides "ice-tcp reachable  / reachable , ice-udp degraded hole-punching-only / degraded hole-punching-only"
in_h nft delete table inet fw

# Another table drops the answers on their way out (the output hook, the
# UDP mux's source port): the datagrams come in and are counted, but no
# client ever hears back. Read as the answer's path: named, blocked.
in_h nft -f - <<'NFT'
table inet out {
	chain output {
		type filter hook output priority filter; policy accept;
		udp sport 7882 drop
	}
}
NFT
situation answers_dropped_on_output "ice-tcp reachable  / reachable , ice-udp blocked dropped-by-other-table / blocked dropped-by-other-table"
if [[ $(st | jq -r '.endpoints[1].ipv4.hint') == *"its answers: rule handle"* ]]; then
	t_pass answers_dropped_on_output__hint_says_answers
else t_fail answers_dropped_on_output__hint_says_answers "$(st | jq -r '.endpoints[1].ipv4.hint')"; fi
in_h nft delete table inet out

# portward's own table set dormant: woken, as any tampering is repaired.
in_h nft add table inet portward '{ flags dormant; }'
if t_wait sh -c "! ip netns exec $H nft list table inet portward | grep -q dormant" &&
    grep -q 'was set dormant' "$TMP/log"; then
	t_pass own_table_dormant__woken
else t_fail own_table_dormant__woken "$(in_h nft list table inet portward | head -3)"; fi

# Without root: nothing guessed.
out=$(in_h setpriv --reuid nobody --regid nogroup --clear-groups "$PORTWARDCTL" status -s "$TMP/ctl.sock" 2>&1)
rc=$?
if [ $rc = 4 ] && [[ $out == *"Permission denied"* ]] && [[ $out != *"not running"* ]]; then
	t_pass status_without_permission__exit_4_not_not_running
else t_fail status_without_permission__exit_4_not_not_running "rc $rc: $out"; fi
t_stop "$DPID"; DPID=
chmod 644 "$TMP/c.json"
j=$(in_h setpriv --reuid nobody --regid nogroup --clear-groups "$PORTWARDCTL" doctor -c "$TMP/c.json" --json 2>/dev/null)
# What the reflector measured over TCP stands (truth: reachable); the
# datagrams, which only the ruleset's count can prove, are unknown.
if [ "$(cells "$j")" = "ice-tcp reachable  / reachable , ice-udp unknown needs-root / unknown needs-root" ] &&
    [ "$(truth tcp 4)/$(truth tcp 6)" = reachable/reachable ]; then
	t_pass doctor_without_root__needs_root_not_guessed
else t_fail doctor_without_root__needs_root_not_guessed "$(cells "$j")"; fi

# A chain at the very last priority, made before doctor's own counting
# chain at that priority: the kernel runs it after ours, so datagrams
# counted there still die in it. The reading of it, certain, wins.
in_h nft -f - <<'NFT'
table inet late {
	chain input {
		type filter hook input priority 2147483647; policy drop;
		ct state established,related accept
		iif lo accept
		tcp dport 7881 accept
	}
}
NFT
j=$(doctor)
# (doctor without the daemon: portward's rules are not in place either.)
if [ "$(cells "$j")" = "ice-tcp reachable  / reachable , ice-udp blocked no-rule / blocked no-rule" ]; then
	t_pass last_priority_chain_before_ours__udp_not_reachable
else t_fail last_priority_chain_before_ours__udp_not_reachable "$(cells "$j")"; fi
agree last_priority_chain_before_ours__verdicts_agree "$j"
in_h nft delete table inet late
# The nftables wiki's dispatch by interface (a verdict map), without a
# reflector: on a host the way in is not known, so the policy drop after
# it is not claimed as certain (the truth: reachable).
in_h nft -f - <<'NFT'
table inet fw {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state vmap { established : accept, related : accept, invalid : drop }
		iifname vmap { "lo" : accept, "eth0" : jump world }
	}
	chain world {
		tcp dport 7881 accept
		udp dport 7882 accept
	}
}
NFT
cat >"$TMP/n.json" <<JSON
{ "mode": "host", "profile": "$TMP/p.json", "mapping": { "methods": [] } }
JSON
j=$(in_h "$PORTWARDCTL" doctor -c "$TMP/n.json" --json 2>/dev/null)
if [ "$(cells "$j")" = "ice-tcp unknown maybe-dropped-by-other-table / unknown maybe-dropped-by-other-table, ice-udp unknown maybe-dropped-by-other-table / unknown maybe-dropped-by-other-table" ] &&
    [ "$(truth tcp 4)/$(truth udp 6)" = reachable/reachable ]; then
	t_pass interface_vmap_without_reflector__not_claimed_blocked
else t_fail interface_vmap_without_reflector__not_claimed_blocked "$(cells "$j")"; fi
j=$(doctor)
agree interface_vmap_with_reflector__verdicts_agree "$j"
in_h nft delete table inet fw
t_done
