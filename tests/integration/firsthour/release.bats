#!/usr/bin/env bats
# "already enslaved to br1" says the command that releases it (issue 23,
# point 9), and that command does: the statement then goes through.

bats_require_minimum_version 1.5.0
load ../../lib/common

setup() {
	common_setup
	veth e0
	ip -n "$NS" link add br1 type bridge
	ip -n "$NS" link set e0 master br1
}
teardown() {
	common_teardown
}

@test "already enslaved: the message's command releases the port, then the statement goes through" {
	before=$(snapshot)
	run --separate-stderr "$VNETCTL" -n "$NS" bridge add br2 ports e0
	[ "$status" -eq 1 ]
	eq "$(snapshot)" "$before"
	[[ $stderr == *"port e0: already enslaved to br1; release it there first: vnetctl -n $NS bridge port del br1 e0"* ]]
	release_as_told
	eq "$(ip -n "$NS" -j link show dev e0 | jq -r '.[0].master // "none"')" none
	run --separate-stderr "$VNETCTL" -n "$NS" bridge add br2 ports e0
	[ "$status" -eq 0 ]
	eq "$(ip -n "$NS" -j link show dev e0 | jq -r '.[0].master')" br2
}

@test "already enslaved to a master vnetctl does not make: ip's nomaster" {
	ip -n "$NS" link set e0 nomaster
	ip -n "$NS" link add vrf9 type vrf table 9 2>/dev/null || skip "kernel lacks vrf"
	ip -n "$NS" link set e0 master vrf9
	run --separate-stderr "$VNETCTL" -n "$NS" bridge add br2 ports e0
	[ "$status" -eq 1 ]
	[[ $stderr == *"already enslaved to vrf9; release it there first: ip -n $NS link set e0 nomaster"* ]]
}
