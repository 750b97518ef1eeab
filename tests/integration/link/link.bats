#!/usr/bin/env bats
# The link object (DESIGN.md, "link"): link set on a device vnetctl does not
# create, link show, link set lines in files with the other objects (a NIC
# brought up under a bridge, addresses moved both ways, stranded addresses
# refused), show --config's round trip, rollback and --confirm. The "NIC"
# is a veth whose peer lives in a second namespace (the remote host), so
# that vnetctl sees no veth statement for it. Checked with ip -j.

bats_require_minimum_version 1.5.0
load ../../lib/common

setup() {
	common_setup
	R=$NS-r
	ip netns add "$R"
	ip -n "$NS" link add eth0 type veth peer name eth0p
	ip -n "$NS" link set eth0p netns "$R"
	ip -n "$R" link set eth0p up
	ip -n "$R" addr add 192.0.2.1/24 dev eth0p
	F=$BATS_TEST_TMPDIR/host.conf
}
teardown() {
	ip netns del "$R" 2>/dev/null
	common_teardown
}

# The NIC holds the host's address and the default route, as a boot would leave it.
nic_has_address() {
	ip -n "$NS" link set eth0 up
	ip -n "$NS" addr add 192.0.2.10/24 dev eth0
	ip -n "$NS" route add default via 192.0.2.1
}

@test "link set: up, mtu, MAC, addresses and gateway on a NIC; no change again; link show and -j as ip sees it" {
	run vn link set eth0 up mtu 9000 address 02:00:00:00:01:01 addresses 192.0.2.10/24,2001:db8::10/64 gateway 192.0.2.1
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[[ "$(lj eth0 .flags)" == *'"UP"'* ]]
	[ "$(lj eth0 .mtu)" = 9000 ]
	[ "$(lj eth0 .address)" = 02:00:00:00:01:01 ]
	eq "$(addrs eth0)" "192.0.2.10/24 2001:db8::10/64"
	eq "$(defaults)" "eth0 192.0.2.1 212"
	run vn link set eth0 up mtu 9000 address 02:00:00:00:01:01 addresses 2001:db8::10/64,192.0.2.10/24 gateway 192.0.2.1
	[ "$output" = "link eth0: no change" ]
	# The far end answers: the address works.
	ip netns exec "$R" ping -c 1 -W 2 192.0.2.10 >/dev/null
	# link show: every link, one row each, the addresses on a line of their own.
	run vn link show
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == NAME*KIND*MTU*ADDRESS*MASTER*STATE*CARRIER ]]
	row=$(grep '^eth0 ' <<<"$output")
	[[ "$row" == *" 9000 "*"02:00:00:00:01:01"*" up "*carrier* ]]
	grep -A1 '^eth0 ' <<<"$output" | grep -q '^    addresses 192.0.2.10/24,2001:db8::10/64 gateway 192.0.2.1$'
	grep -q '^lo  *loopback ' <<<"$output"
	run vn -j link show eth0
	[ "$(jq -r '.[0].mtu' <<<"$output")" = "$(lj eth0 .mtu)" ]
	[ "$(jq -r '.[0].address' <<<"$output")" = "$(lj eth0 .address)" ]
	[ "$(jq -r '.[0].state' <<<"$output")" = up ]
	[ "$(jq -r '.[0].addresses | join(" ")' <<<"$output")" = "192.0.2.10/24 2001:db8::10/64" ]
	[ "$(jq -r '.[0].gateway' <<<"$output")" = 192.0.2.1 ]
	# Every link, as ip lists them.
	eq "$(vn -j link show | jq -r '.[].name' | sort)" "$(ip -n "$NS" -j link show | jq -r '.[].ifname' | sort)"
	# down, addresses none, gateway none.
	run vn link set eth0 down addresses none gateway none
	[ "$status" -eq 0 ]
	[[ "$(lj eth0 .flags)" != *'"UP"'* ]]
	eq "$(addrs eth0)" ""
	eq "$(defaults)" ""
}

@test "link: no add, no del; bad words exit 2 and a missing link exit 1, nothing changed" {
	before=$(snapshot)
	expect_fail 2 'unknown verb "add"; that is vnetctl bridge|bond|vlan|veth add NAME' -- link add eth0
	expect_fail 2 'unknown verb "del"; that is vnetctl bridge|bond|vlan|veth del NAME' -- link del eth0
	expect_fail 2 "link eth0: set needs at least one keyword" -- link set eth0
	expect_fail 2 "mtu" -- link set eth0 mtu 20
	expect_fail 2 "an IPv4 prefix length is 0-32" -- link set eth0 addresses 192.0.2.1/33
	expect_fail 2 "gateway 198.51.100.1: in the subnet of none of the statement's addresses" -- \
		link set eth0 addresses 192.0.2.10/24 gateway 198.51.100.1
	expect_fail 2 'unknown keyword "master"' -- link set eth0 master br0
	expect_fail 1 "link nosuch0: no such link" -- link set nosuch0 up
	# A link another statement of the file makes: its keywords go there.
	printf '%s\n' "bridge add br0 up" "link set br0 mtu 9000" > "$F"
	run --separate-stderr vn apply "$F"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"$F:2:10: link br0: br0 is made by the bridge statement on line 1: its keywords go there"* ]]
	eq "$(snapshot)" "$before"
}

@test "a file: the NIC up with its MTU under a bridge; applied twice is once; check; show --config applies as no change" {
	printf '%s\n' "bridge add br0 ports eth0 up" "link set eth0 up mtu 9000" > "$F"
	run vn apply "$F"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[[ "$(lj eth0 .flags)" == *'"UP"'* ]]
	[ "$(lj eth0 .mtu)" = 9000 ]
	[ "$(lj eth0 .master)" = br0 ]
	# The bridge follows its port's MTU.
	[ "$(lj br0 .mtu)" = 9000 ]
	run vn apply "$F"
	[ "$output" = "$F: no change" ]
	run vn check "$F"
	[ "$status" -eq 0 ]
	ip -n "$NS" link set eth0 mtu 1500
	run vn check "$F"
	[ "$status" -eq 1 ]
	[[ "$output" == *"link eth0: set mtu 1500 -> 9000"* ]]
	vn apply "$F"
	# The export names the NIC (a port, up, its MTU) and applies as no change.
	run vn show --config
	[[ "$output" == *"link set eth0 up mtu 9000"* ]]
	vn show --config > "$BATS_TEST_TMPDIR/export.conf"
	run vn apply "$BATS_TEST_TMPDIR/export.conf"
	[ "$output" = "$BATS_TEST_TMPDIR/export.conf: no change" ]
	run vn link show --config
	eq "$output" "link set eth0 up mtu 9000"
}

@test "a file moves the NIC's address to the bridge and back; link set addresses on a port is refused (exit 1)" {
	nic_has_address
	MAC=$(lj eth0 .address)
	before=$(snapshot)
	# Declared on the NIC that the file makes a port: stranded, refused before any change.
	printf '%s\n' "bridge add br0 ports eth0 up" "link set eth0 up addresses 192.0.2.10/24" > "$F"
	run --separate-stderr vn apply "$F"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"eth0 holds 192.0.2.10/24"*"declare them on br0"* ]]
	eq "$(snapshot)" "$before"
	# The bridge declares them: they move, the link statement (addresses none) has nothing left to do.
	printf '%s\n' "link set eth0 up addresses none" \
		"bridge add br0 ports eth0 up addresses 192.0.2.10/24 gateway 192.0.2.1" > "$F"
	run vn apply "$F"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	eq "$(addrs br0)" "192.0.2.10/24"
	eq "$(addrs eth0)" ""
	eq "$(defaults)" "br0 192.0.2.1 212"
	[ "$(lj br0 .address)" = "$MAC" ]
	run vn apply "$F"
	[ "$output" = "$F: no change" ]
	ip netns exec "$R" ping -c 1 -W 2 192.0.2.10 >/dev/null
	# And back: the bridge releases the NIC, which takes the address and route again.
	printf '%s\n' "bridge add br0 ports none addresses none gateway none" \
		"link set eth0 up addresses 192.0.2.10/24 gateway 192.0.2.1" > "$F"
	run vn apply "$F"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	eq "$(addrs eth0)" "192.0.2.10/24"
	eq "$(addrs br0)" ""
	eq "$(defaults)" "eth0 192.0.2.1 212"
	[ "$(lj eth0 .master)" = null ]
	run vn apply "$F"
	[ "$output" = "$F: no change" ]
	ip netns exec "$R" ping -c 1 -W 2 192.0.2.10 >/dev/null
}

@test "link set undone: a failed file is rolled back whole; --confirm not confirmed puts the NIC back" {
	nic_has_address
	before=$(snapshot)
	# The IPv6 default route through a link that is down fails in the kernel: all is undone.
	printf '%s\n' "link set eth0 down mtu 9000 addresses 192.0.2.10/24,2001:db8::10/64 gateway6 2001:db8::1" > "$F"
	run --separate-stderr vn apply "$F"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"route default via 2001:db8::1"* ]]
	eq "$(snapshot)" "$before"
	eq "$(addrs eth0)" "192.0.2.10/24"
	eq "$(defaults)" "eth0 192.0.2.1 null"
	# A single statement with --confirm, not confirmed: back as it was when the guardian ends.
	run --separate-stderr vn link set eth0 mtu 9000 addresses 198.51.100.10/24 gateway 198.51.100.1 --confirm 2 --detach
	[ "$status" -eq 0 ] || { echo "$output $stderr" >&2; false; }
	[ "$(lj eth0 .mtu)" = 9000 ]
	eq "$(addrs eth0)" "198.51.100.10/24"
	wait_guardian_end "$stderr"
	eq "$(snapshot)" "$before"
	eq "$(addrs eth0)" "192.0.2.10/24"
	eq "$(defaults)" "eth0 192.0.2.1 null"
	ip netns exec "$R" ping -c 1 -W 2 192.0.2.10 >/dev/null
}
