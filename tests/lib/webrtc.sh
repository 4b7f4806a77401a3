# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# webrtc.sh: real WebRTC calls as the truth for portward's verdicts, for
# the integration tests (sourced after testlib.sh).
#
# Two clients (tests/tools/webrtc-client) call from the internet side: one
# with a public address (WR_PUB, a namespace), and one behind a symmetric
# NAT (WR_SYM, made by wr_symnat): a new random port for every destination
# and nothing let in that it did not send out first, so no ICE check of the
# SFU's reaches it. Where portward says ICE/UDP gets through only by hole
# punching (degraded, hole-punching-only), the first connects and the
# second does not; reachable means both connect; blocked and impossible,
# neither.

# wr_symnat NS IF NEW: a namespace NEW behind NS (IF on NS's side) at
# 10.99.0.2 and fd99::2, masqueraded fully-random by NS on both families.
wr_symnat() {
	t_netns "$3" &&
	    t_veth "$1" "$2" "$3" eth0 10.99.0.1/24 fd99::1/64 10.99.0.2/24 fd99::2/64 &&
	    ip -n "$3" route add default via 10.99.0.1 &&
	    ip -n "$3" -6 route add default via fd99::1 &&
	    ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1 \
	        net.ipv6.conf.all.forwarding=1 &&
	    ip netns exec "$1" nft -f - <<NFT
table inet symnat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		iifname "$2" oifname != "$2" masquerade fully-random
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname "$2" accept
		oifname "$2" ct state established,related accept
		oifname "$2" drop
	}
}
NFT
}

# wr_call NS FAMILY POLICY [ARGS]: true when the data channel echoed
# (WR_TIMEOUT, 6 s by default). Signals to http://WR_SIG4:7880 or
# http://WR_SIG6:7880 (brackets on v6).
wr_call() {
	local sig=$WR_SIG4
	[ "$2" = 6 ] && sig=$WR_SIG6
	ip netns exec "$1" "$WR_BIN/webrtc-client" --signal "http://$sig:7880" \
	    --family "$2" --policy "$3" --timeout "${WR_TIMEOUT:-6s}" "${@:4}" 2>/dev/null |
	    jq -r .echo 2>/dev/null
}

# wr_cell NAME FAMILY: "verdict (reason)" from the status JSON that
# WR_STATUS (a command) prints.
wr_cell() {
	$WR_STATUS | jq -r ".endpoints[] | select(.name == \"$1\") | .ipv$2 |
	    .verdict + (if .reason != \"\" then \" (\" + .reason + \")\" else \"\" end)"
}

# wr_agree WHAT ROW...: each ROW ("CELL POLICY [ARGS]") over IPv4 and
# IPv6, the verdict read first, then every call made at once; one check.
# A call the verdict says connects and that did not (20 calls at once on
# two cores can miss 6 s) is made again alone, with 20 s: a cell called
# reachable that no call reaches still fails. A call that connects where
# the verdict says it cannot fails at once.
wr_agree() {
	local what=$1 row fam ns i=0 got want bad= pids=() k
	local -a vs names rows wants
	shift
	for row in "$@"; do
		set -- $row
		for fam in 4 6; do
			vs[i]=$(wr_cell "$1" $fam)
			names[i]="$1/ipv$fam"
			rows[i]="$fam ${*:2}"
			for ns in "$WR_PUB" "$WR_SYM"; do
				wr_call "$ns" $fam "${@:2}" >"$WR_TMP/call.$i.$ns" &
				pids+=($!)
			done
			i=$((i + 1))
		done
	done
	wait "${pids[@]}"
	for ((i = 0; i < ${#vs[@]}; i++)); do
		case ${vs[i]} in
		reachable) wants=(connected connected) ;;
		"degraded (hole-punching-only)") wants=(connected "no call") ;;
		blocked* | impossible*) wants=("no call" "no call") ;;
		*) wants=("a settled verdict" "") ;;
		esac
		want="+${wants[0]}+${wants[1]}" got= k=0
		for ns in "$WR_PUB" "$WR_SYM"; do
			if [ "$(cat "$WR_TMP/call.$i.$ns")" != true ] &&
			    [ "${wants[k]}" = connected ]; then
				# shellcheck disable=SC2086
				WR_TIMEOUT=20s wr_call "$ns" ${rows[i]} >"$WR_TMP/call.$i.$ns"
				echo "  ${names[i]} from $ns: no call among all at once;" \
				    "called again alone: $([ "$(cat "$WR_TMP/call.$i.$ns")" = true ] &&
				    echo connected || echo no call)"
			fi
			[ "$(cat "$WR_TMP/call.$i.$ns")" = true ] &&
			    got="$got+connected" || got="$got+no call"
			k=$((k + 1))
		done
		[ "$got" = "$want" ] ||
		    bad="$bad ${names[i]}: ${vs[i]} but public/symmetric-NAT clients $got;"
	done
	if [ -z "$bad" ]; then t_pass "$what"
	else t_fail "$what" "$bad"; fi
}
