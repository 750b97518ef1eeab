#!/usr/bin/env bats
# A MAC address with one-digit octets, as ip takes it (issue 23, point 8).

bats_require_minimum_version 1.5.0
load ../../lib/common

setup() {
	common_setup
}
teardown() {
	common_teardown
}

@test "address 2:0:0:0:0:1 is 02:00:00:00:00:01, and a second run is no change" {
	run --separate-stderr "$VNETCTL" -n "$NS" bridge add br0 address 2:0:0:0:0:1
	[ "$status" -eq 0 ]
	eq "$(lj br0 .address)" 02:00:00:00:00:01
	run --separate-stderr "$VNETCTL" -n "$NS" bridge add br0 address 02:00:00:00:00:01
	[ "$status" -eq 0 ]
	[[ $output == *"no change"* ]]
	run --separate-stderr "$VNETCTL" -n "$NS" veth add a0 peer a1 address 2:a:bc:0:10:f peer-address 2:0:0:0:0:2
	[ "$status" -eq 0 ]
	eq "$(lj a0 .address)" 02:0a:bc:00:10:0f
	eq "$(lj a1 .address)" 02:00:00:00:00:02
}
