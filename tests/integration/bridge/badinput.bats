#!/usr/bin/env bats
# Bad input: the exit code, a message naming the word at fault, and no change.

bats_require_minimum_version 1.5.0
load ../../lib/common

setup() {
	common_setup
	veth a
	vn bridge add br0 priority 4096 >/dev/null
	BEFORE=$(snapshot)
}
teardown() {
	[ "$(snapshot)" = "$BEFORE" ] || { echo "the namespace changed" >&2; common_teardown; return 1; }
	common_teardown
}

@test "unknown keyword" {
	expect_fail 2 'bridge br0: unknown keyword "prio"' -- bridge add br0 prio 5
}

@test "a keyword without its value" {
	expect_fail 2 'bridge br0: priority: a value is required' -- bridge set br0 priority
}

@test "priority 70000 is out of range" {
	expect_fail 2 'priority: "70000": out of range (0-65535)' -- bridge set br0 priority 70000
}

@test "stp maybe" {
	expect_fail 2 'stp: "maybe": expected on or off' -- bridge set br0 stp maybe
}

@test "numbers: negative, hex, trailing garbage, 64-bit overflow" {
	expect_fail 2 'priority: "-1": not a decimal number' -- bridge set br0 priority -1
	expect_fail 2 'priority: "0x10": not a decimal number' -- bridge set br0 priority 0x10
	expect_fail 2 'priority: "10k": not a decimal number' -- bridge set br0 priority 10k
	expect_fail 2 'priority: "18446744073709551616": out of range' -- bridge set br0 priority 18446744073709551616
	expect_fail 2 'forward-delay: "1.234": seconds take at most two decimals' -- bridge set br0 forward-delay 1.234
}

@test "a name longer than 15 bytes" {
	expect_fail 2 '"abcdefghijklmnop": an interface name has at most 15 bytes' -- bridge add abcdefghijklmnop
}

@test "names with /, spaces, .. or nothing" {
	expect_fail 2 '"a/b": an interface name cannot contain' -- bridge add a/b
	expect_fail 2 '"a b": an interface name cannot contain white space' -- bridge add "a b"
	expect_fail 2 '"..": "." and ".." are not interface names' -- bridge add ..
	expect_fail 2 '"": an interface name cannot be empty' -- bridge add ""
	expect_fail 2 'ports: "a,../x": an interface name cannot contain' -- bridge set br0 ports a,../x
	expect_fail 2 'bridge port add: "x/y"' -- bridge port add br0 x/y
}

@test "a duplicate keyword and conflicting up/down" {
	expect_fail 2 'stp: given twice' -- bridge set br0 stp on stp off
	expect_fail 2 '"down" conflicts with "up"' -- bridge set br0 up down
}

@test "bad values: MAC, VLAN lists, enum" {
	expect_fail 2 'address: "01:00:5e:00:00:01": a multicast address is not allowed' -- bridge set br0 address 01:00:5e:00:00:01
	expect_fail 2 'address: "02:00:00:00:01": expected six octets' -- bridge set br0 address 02:00:00:00:01
	expect_fail 2 'vlans: "20-10": a VLAN range must go upwards' -- bridge port add br0 a vlans 20-10
	expect_fail 2 'vlans: "1-5,3": VLANs appear twice' -- bridge port add br0 a vlans 1-5,3
	expect_fail 2 'pvid: "4095": expected a VLAN id 1-4094 or none' -- bridge port add br0 a pvid 4095
	expect_fail 2 'vlan-protocol: "802.1x": unknown value' -- bridge set br0 vlan-protocol 802.1x
}

@test "unknown object and verb" {
	expect_fail 2 'unknown object "brige"' -- brige add br0
	expect_fail 2 'bridge: unknown verb "make"' -- bridge make br0
	expect_fail 2 'set needs at least one keyword' -- bridge set br0
	expect_fail 2 'del takes no keywords' -- bridge del br0 stp on
}

@test "a port that does not exist" {
	expect_fail 1 'bridge br0: port nosuch: no such interface' -- bridge set br0 ports nosuch
	expect_fail 1 'port nosuch: no such interface' -- bridge port add br0 nosuch
}

@test "a port that is already in another bridge" {
	ip netns exec "$NS" "$VNETCTL" bridge add br1 ports a >/dev/null
	BEFORE=$(snapshot)
	expect_fail 1 'port a: already enslaved to br1' -- bridge port add br0 a
	expect_fail 1 'port a: already enslaved to br1' -- bridge set br0 ports a
}

@test "-n with an unknown namespace, and words checked before it" {
	run --separate-stderr "$VNETCTL" -n vnt-no-such-ns bridge add br0
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"netns vnt-no-such-ns: cannot open /run/netns/vnt-no-such-ns"* ]]
	run --separate-stderr "$VNETCTL" -n vnt-no-such-ns bridge add br0 stp maybe
	[ "$status" -eq 2 ]
	run --separate-stderr "$VNETCTL" -n ../etc bridge show
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"not a valid namespace name"* ]]
}

@test "an unprivileged user may show but not change" {
	command -v setpriv >/dev/null || skip "setpriv is missing"
	run --separate-stderr ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$VNETCTL" bridge set br0 priority 8192
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"needs CAP_NET_ADMIN"* ]]
	run --separate-stderr ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$VNETCTL" bridge show br0
	[ "$status" -eq 0 ]
	[[ "$output" == *br0* ]]
}

@test "global options: unknown, and -n without a value" {
	run --separate-stderr "$VNETCTL" --frobnicate bridge show
	[ "$status" -eq 2 ]
	[[ "$stderr" == *'"--frobnicate"'* ]]
	run --separate-stderr "$VNETCTL" -n
	[ "$status" -eq 2 ]
	[[ "$stderr" == *'"-n": a namespace name is required'* ]]
}
