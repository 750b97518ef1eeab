#!/usr/bin/env bats
# vnetctl bridge port: port options and VLANs, read back with ip -d and bridge.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	veth a; veth b
	vn bridge add br0 up >/dev/null
}
teardown() { common_teardown; }

slave() { lj "$1" ".linkinfo.info_slave_data$2"; }

@test "port add enslaves and sets every port option, read back with ip -d" {
	run vn bridge port add br0 a cost 100 priority 10 hairpin on guard on learning off \
		flood off mcast-flood off isolated on
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "bridge br0: add port a" ]
	[[ "${lines[1]}" == "bridge br0 port a: set cost 100 priority 10 hairpin on"* ]]
	[ "$(lj a .master)" = br0 ]
	[ "$(slave a .cost)" = 100 ]
	[ "$(slave a .priority)" = 10 ]
	[ "$(slave a .hairpin)" = true ]
	[ "$(slave a .guard)" = true ]
	[ "$(slave a .learning)" = false ]
	[ "$(slave a .flood)" = false ]
	[ "$(slave a .mcast_flood)" = false ]
	[ "$(slave a .isolated)" = true ]
	# The bridge tool agrees.
	bl=$(bridge -n "$NS" -j -d link show dev a)
	[ "$(jq -r '.[0].cost' <<<"$bl")" = 100 ]
	[ "$(jq -r '.[0].hairpin' <<<"$bl")" = true ]
}

@test "port set changes one option only; identical set sends nothing" {
	vn bridge port add br0 a cost 100 priority 10
	before=$(link_json a | jq -S '.linkinfo.info_slave_data | del(.cost, .designated_cost)')
	run vn bridge port set br0 a cost 50
	[ "$status" -eq 0 ]
	[ "$output" = "bridge br0 port a: set cost 100 -> 50" ]
	[ "$(slave a .cost)" = 50 ]
	[ "$before" = "$(link_json a | jq -S '.linkinfo.info_slave_data | del(.cost, .designated_cost)')" ]
	ip -n "$NS" link set dev a up
	monitor_start
	snap=$(snapshot)
	run vn bridge port add br0 a cost 50 priority 10
	monitor_stop
	[ "$output" = "bridge br0 port a: no change" ]
	[ ! -s "$MONITOR_OUT" ]
	[ "$(snapshot)" = "$snap" ]
}

@test "every port option changes back" {
	vn bridge port add br0 a hairpin on guard on learning off flood off mcast-flood off isolated on
	vn bridge port set br0 a hairpin off guard off learning on flood on mcast-flood on isolated off
	[ "$(slave a .hairpin)" = false ]
	[ "$(slave a .guard)" = false ]
	[ "$(slave a .learning)" = true ]
	[ "$(slave a .flood)" = true ]
	[ "$(slave a .mcast_flood)" = true ]
	[ "$(slave a .isolated)" = false ]
}

@test "port del releases; a port not in the bridge is no change" {
	vn bridge port add br0 a
	run vn bridge port del br0 a
	[ "$status" -eq 0 ]
	[ "$output" = "bridge br0: release port a" ]
	[ "$(lj a .master)" = null ]
	run vn bridge port del br0 a
	[ "$status" -eq 0 ]
	[ "$output" = "bridge br0 port a: no change" ]
}

@test "a port of another bridge is not moved silently" {
	vn bridge add br1
	vn bridge port add br1 a
	before=$(snapshot)
	expect_fail 1 "already enslaved to br1" -- bridge port add br0 a cost 5
	expect_fail 1 "already enslaved to br1" -- bridge add br0 ports a,b
	[ "$(snapshot)" = "$before" ]
	[ "$(lj a .master)" = br1 ]
}

@test "port set of an interface that is not a port fails" {
	before=$(snapshot)
	expect_fail 1 "a is not a port of it" -- bridge port set br0 a cost 5
	expect_fail 1 "no such interface" -- bridge port add br0 nosuch
	expect_fail 1 "no such bridge" -- bridge port add br9 a
	[ "$(snapshot)" = "$before" ]
}

# A dry run's status: 0, or (a kernel without VLAN filtering) 1 with the
# plan printed all the same and the step that would fail named.
dry_run_status() {
	if kernel_has vlan_filtering; then
		[ "$status" -eq 0 ]
	else
		[ "$status" -eq 1 ] &&
			[[ $stderr == *"this kernel has no bridge VLAN filtering"*"the plan would fail at this step" ]]
	fi
}

@test "VLAN keywords plan AF_BRIDGE VLAN requests (the plan is printed on any kernel)" {
	run --separate-stderr vn --dry-run bridge port add br0 a pvid 3 untagged 3 vlans 10-20
	dry_run_status
	[ "${lines[0]}" = "bridge br0: add port a" ]
	# A kernel with VLAN filtering gives a new port the default PVID 1
	# first: then the plan also removes it.
	add=$(printf '%s\n' "${lines[@]}" | grep '^bridge br0 port a: add vlans ')
	[[ "$add" == *"10-20"* ]]
	[[ "$add" == *"3 pvid untagged"* ]]
	[ "$(lj a .master)" = null ]
}

@test "--dry-run prints a long plan line whole: 2047 separate VLANs, 9.7 KB" {
	vn bridge port add br0 a
	vlans=$(seq -s , 2 2 4094)
	run --separate-stderr vn --dry-run bridge port set br0 a vlans "$vlans" pvid 3 untagged 3
	dry_run_status
	# (A kernel with VLAN filtering gave the port the default PVID 1: a
	# line removes it first.)
	eq "$(printf '%s\n' "${lines[@]}" | grep '^bridge br0 port a: add vlans ')" \
		"bridge br0 port a: add vlans $vlans, 3 pvid untagged"
	printf 'bridge port set br0 a vlans %s\n' "$vlans" >"$BATS_TEST_TMPDIR/v.conf"
	run --separate-stderr vn -j apply "$BATS_TEST_TMPDIR/v.conf" --dry-run
	dry_run_status
	eq "$(jq -r '.operations[] | select(startswith("bridge br0 port a: add"))' <<<"$output")" \
		"bridge br0 port a: add vlans $vlans"
}

@test "a refused step with a long VLAN list: the message still ends with the errno" {
	load ../../lib/features
	if kernel_has vlan_filtering; then
		skip "this kernel takes port VLANs (test_nl makes a kernel refuse them on any kernel)"
	fi
	vn bridge port add br0 a
	vn bridge port add br0 b
	before=$(snapshot)
	# 2047 VLANs make a plan line of 9.7 KB: a message that began with it
	# was cut long before the kernel's answer.
	vlans=$(seq -s , 2 2 4094)
	printf 'bridge port set br0 a vlans %s\nbridge port set br0 b vlans %s\n' "$vlans" "$vlans" >"$BATS_TEST_TMPDIR/v.conf"
	run --separate-stderr vn apply "$BATS_TEST_TMPDIR/v.conf"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "vnetctl: $BATS_TEST_TMPDIR/v.conf:1: bridge br0 port a: add vlans 2,4,6,"*",...,"*",4092,4094: this kernel has no bridge VLAN filtering: it needs a kernel built with CONFIG_BRIDGE_VLAN_FILTERING (Operation not supported)" ]]
	[ "${#stderr}" -lt 520 ]
	run --separate-stderr vn bridge port set br0 b vlans "$vlans" pvid 3 untagged 3
	[ "$status" -eq 1 ]
	[[ "$stderr" == "vnetctl: bridge br0 port b: add vlans 2,4,6,"*",...,"*",4092,4094, 3 pvid untagged: this kernel has no bridge VLAN filtering: it needs a kernel built with CONFIG_BRIDGE_VLAN_FILTERING (Operation not supported)" ]]
	[ "$(snapshot)" = "$before" ]
}
