#!/usr/bin/env bats
# Addresses and default gateways on a link (DESIGN.md, "Addresses on any
# link"): declared, idempotent, shown; never stranded on a port; moved to
# the bridge that takes the port, with the port's MAC, while a remote host
# keeps pinging. Bridges and veths: any kernel. Checked with ip -j.

bats_require_minimum_version 1.5.0
load ../../lib/common

setup() {
	common_setup
	veth eth0
	veth eth1
	ip -n "$NS" link set eth0 up
	ip -n "$NS" link set eth0p up
	F=$BATS_TEST_TMPDIR/host.conf
}
teardown() {
	[ -n "${PING:-}" ] && kill "$PING" 2>/dev/null
	[ -n "${R:-}" ] && ip netns del "$R" 2>/dev/null
	common_teardown
}

@test "addresses and gateways: declared, no change again, changed, none; shown in -j and --config" {
	run vn bridge add br0 addresses 192.0.2.10/24,2001:db8::10/64 gateway 192.0.2.1 gateway6 2001:db8::1 up
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	eq "$(addrs br0)" "192.0.2.10/24 2001:db8::10/64"
	eq "$(defaults)" "$(printf '%s\n' "br0 192.0.2.1 212" "br0 2001:db8::1 212")"
	run vn bridge add br0 addresses 2001:db8::10/64,192.0.2.10/24 gateway 192.0.2.1 gateway6 2001:db8::1 up
	[ "$output" = "bridge br0: no change" ]
	# Renumbered: the default routes stay (the statement leaves gateways out; they were on the link).
	run vn bridge set br0 addresses 192.0.2.11/24
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	eq "$(addrs br0)" "192.0.2.11/24"
	eq "$(defaults)" "$(printf '%s\n' "br0 192.0.2.1 212" "br0 2001:db8::1 212")"
	run vn bridge set br0 gateway6 none
	eq "$(defaults)" "br0 192.0.2.1 212"
	run vn -j bridge show br0
	[ "$(jq -r '.[0].addresses | join(" ")' <<<"$output")" = "192.0.2.11/24" ]
	[ "$(jq -r '.[0].gateway' <<<"$output")" = 192.0.2.1 ]
	run vn bridge show --config
	[[ "$output" == *"bridge add br0"*" addresses 192.0.2.11/24 gateway 192.0.2.1"* ]]
	# The export applies as no change.
	vn bridge show --config > "$F"
	run vn apply "$F"
	[ "$output" = "$F: no change" ]
	# A link-local or SLAAC-like address (with a lifetime) is not the statement's.
	ip -n "$NS" addr add 198.51.100.7/24 dev br0 valid_lft 600 preferred_lft 600
	run vn bridge set br0 addresses 192.0.2.11/24
	[ "$output" = "bridge br0: no change" ]
	run vn bridge set br0 addresses none gateway none
	[ "$status" -eq 0 ]
	eq "$(addrs br0)" ""
	eq "$(defaults)" ""
}

@test "a port that holds addresses or the default route is not made a port unless they move: exit 1, nothing changed" {
	ip -n "$NS" addr add 198.51.100.5/24 dev eth0
	ip -n "$NS" route add default via 198.51.100.1
	before=$(snapshot)
	expect_fail 1 "eth0 holds 198.51.100.5/24, the route default via 198.51.100.1" -- bridge add xenbr7 ports eth0 up
	[[ "$stderr" == *"declare them on xenbr7"* ]]
	eq "$(snapshot)" "$before"
	eq "$(addrs eth0)" "198.51.100.5/24"
	# A file too, and its dry run.
	echo "bridge add xenbr7 ports eth0 up" > "$F"
	run vn apply --dry-run "$F"
	[ "$status" -eq 1 ]
	eq "$(snapshot)" "$before"
}

# A "remote" host on the far end of eth0 pings the host's address every
# 10 ms while the file moves it, with the default route, to a new bridge
# over eth0.
remote_setup() {
	R=$NS-r
	ip netns add "$R"
	ip -n "$NS" link set eth0p netns "$R"
	ip -n "$R" link set eth0p up
	ip -n "$R" link set lo up
	ip -n "$R" addr add 192.0.2.1/24 dev eth0p
	ip -n "$NS" addr add 192.0.2.10/24 dev eth0
	ip -n "$NS" route add default via 192.0.2.1
	MAC=$(lj eth0 .address)
	printf '%s\n' "bridge add xenbr0 stp off ports eth0 addresses 192.0.2.10/24 gateway 192.0.2.1 up" > "$F"
	# Until the first answer comes (the neighbour resolved), at most 10 s.
	for _ in $(seq 50); do
		ip netns exec "$R" ping -c 1 -W 1 192.0.2.10 >/dev/null 2>&1 && return 0
	done
	return 1
}

@test "the host's address and default route move to the bridge over its NIC: at most 2 of 10 ms pings lost, the same MAC" {
	remote_setup
	ping_start "$R" 192.0.2.10 300
	run vn apply "$F"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	lost=$(ping_lost)
	echo "lost: $lost of 300 ($(grep transmitted "$BATS_TEST_TMPDIR/ping"))" >&3
	[ "$lost" -le 2 ]
	eq "$(addrs xenbr0)" "192.0.2.10/24"
	eq "$(addrs eth0)" ""
	eq "$(defaults)" "xenbr0 192.0.2.1 212"
	[ "$(lj eth0 .master)" = xenbr0 ]
	[ "$(lj xenbr0 .address)" = "$MAC" ]
	# The remote's neighbour entry: the same MAC, reachable.
	[ "$(ip -n "$R" -j neigh show 192.0.2.10 | jq -r '.[0].lladdr')" = "$MAC" ]
	ip netns exec "$R" ping -c 1 -W 2 192.0.2.10 >/dev/null
	run vn apply "$F"
	[ "$output" = "$F: no change" ]
}

@test "the same move not confirmed: the address and route are back on the NIC, and the pings answered again" {
	remote_setup
	before=$(snapshot)
	routes=$(defaults)
	run --separate-stderr vn apply "$F" --confirm 3 --detach
	[ "$status" -eq 0 ] || { echo "$output $stderr" >&2; false; }
	eq "$(addrs xenbr0)" "192.0.2.10/24"
	# The deadline passes: the guardian rolls back, then ends. Its end, not
	# xenbr0's going (an early step of the rollback), is what is awaited.
	wait_guardian_end "$stderr"
	! ip -n "$NS" link show xenbr0 >/dev/null 2>&1
	eq "$(addrs eth0)" "192.0.2.10/24"
	eq "$(defaults)" "$routes"
	eq "$(snapshot)" "$before"
	ip netns exec "$R" ping -c 3 -i 0.2 -W 2 192.0.2.10 | grep -q ' 3 received'
}

@test "bad addresses and gateways: exit 2, the word named, nothing changed" {
	before=$(snapshot)
	expect_fail 2 "an IPv4 prefix length is 0-32" -- bridge add br0 addresses 192.0.2.1/33
	expect_fail 2 "an IPv6 prefix length is 0-128" -- bridge add br0 addresses 2001:db8::1/129
	expect_fail 2 "the network address of its subnet" -- bridge add br0 addresses 192.0.2.0/24
	expect_fail 2 "the broadcast address of its subnet" -- bridge add br0 addresses 192.0.2.255/24
	expect_fail 2 "zone id" -- bridge add br0 addresses fe80::1%eth0/64
	expect_fail 2 "expected ADDR/PLEN" -- bridge add br0 addresses 192.0.2.1
	expect_fail 2 "the same address twice" -- bridge add br0 addresses 192.0.2.1/24,192.0.2.1/25
	expect_fail 2 "gateway is IPv4" -- bridge add br0 gateway 2001:db8::1
	expect_fail 2 "without a prefix length" -- bridge add br0 gateway 192.0.2.1/24
	expect_fail 2 "addresses" -- veth add v0 peer v0p addresses banana
	expect_fail 2 "gateway 198.51.100.1: in the subnet of none of the statement's addresses" -- \
		bridge add br0 addresses 192.0.2.10/24 gateway 198.51.100.1
	# In a file: an address on two links, two gateways of one family; the later one is named.
	printf '%s\n' "bridge add br0 addresses 192.0.2.1/24" "bridge add br1 addresses 192.0.2.1/25" > "$F"
	run --separate-stderr vn apply "$F"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"$F:2:16: bridge br1: address 192.0.2.1 is declared on two links (also on line 1)"* ]]
	printf '%s\n' "bridge add br0 addresses 192.0.2.1/24 gateway 192.0.2.9" \
		"bridge add br1 addresses 198.51.100.1/24 gateway 198.51.100.9" > "$F"
	run --separate-stderr vn apply "$F"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"$F:2:"*"a second gateway: one default route per family"* ]]
	eq "$(snapshot)" "$before"
	# Host bits are fine, as ip takes them.
	run vn --dry-run bridge add br0 addresses 192.0.2.77/24
	[ "$status" -eq 0 ]
}

@test "vnetctl's default routes that no statement declares: check reports them (exit 1), apply leaves them, --prune removes them; others stay" {
	run vn bridge add br0 up addresses 192.0.2.10/24,2001:db8::10/64 gateway 192.0.2.1 gateway6 2001:db8::1
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	vn bridge add br1 up addresses 198.51.100.10/24
	# Someone else's default route (a boot's) in another table: never vnetctl's to prune.
	ip -n "$NS" route add default via 198.51.100.1 dev br1 table 100
	printf '%s\n' "bridge add br0 up addresses 192.0.2.10/24,2001:db8::10/64" \
		"bridge add br1 up addresses 198.51.100.10/24" > "$F"
	run vn check "$F"
	[ "$status" -eq 1 ]
	[[ "$output" == *"br0: remove route default via 192.0.2.1 (vnetctl's; no statement declares a gateway there)"* ]]
	[[ "$output" == *"br0: remove route default via 2001:db8::1 (vnetctl's; no statement declares a gateway6 there)"* ]]
	run vn apply "$F"
	[ "$output" = "$F: no change" ]
	eq "$(defaults)" "$(printf '%s\n' "br0 192.0.2.1 212" "br0 2001:db8::1 212")"
	# A dry run says it and changes nothing.
	run vn apply --prune --dry-run "$F"
	[[ "$output" == *"br0: remove route default via 192.0.2.1"* ]]
	eq "$(defaults)" "$(printf '%s\n' "br0 192.0.2.1 212" "br0 2001:db8::1 212")"
	run vn apply --prune "$F"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	eq "$(defaults)" ""
	eq "$(addrs br0)" "192.0.2.10/24 2001:db8::10/64"
	[ "$(ip -n "$NS" -j route show default table 100 | jq -r '.[0].gateway')" = 198.51.100.1 ]
	run vn check "$F"
	[ "$status" -eq 0 ]
	# A statement that declares the family's gateway decides itself: gateway none removes, a gateway keeps.
	vn bridge set br0 gateway 192.0.2.1
	printf '%s\n' "bridge add br0 up addresses 192.0.2.10/24,2001:db8::10/64 gateway 192.0.2.1" \
		"bridge add br1 up addresses 198.51.100.10/24" > "$F"
	run vn apply --prune "$F"
	[ "$output" = "$F: no change" ]
	eq "$(defaults)" "br0 192.0.2.1 212"
	# A gateway moved to another link: the old one gives way, once.
	printf '%s\n' "bridge add br0 up addresses 192.0.2.10/24,2001:db8::10/64" \
		"bridge add br1 up addresses 198.51.100.10/24 gateway 198.51.100.1" > "$F"
	run vn apply --prune "$F"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	eq "$(defaults)" "br1 198.51.100.1 212"
	run vn check "$F"
	[ "$status" -eq 0 ]
}
