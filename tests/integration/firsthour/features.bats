#!/usr/bin/env bats
# A kernel without a feature (issue 23, point 3): the message says what is
# missing and how to get it, a dry run fails as the change would, and show
# says why a section is empty. These run where the kernel lacks the feature
# (the host tier: no bonding, no 802.1Q, no bridge VLAN filtering); where it
# has it, the same commands must not say so.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	veth e0
	BEFORE=$(snapshot)
}
teardown() {
	eq "$(snapshot)" "$BEFORE"
	common_teardown
}

NO_BOND="this kernel has no bonding driver: modprobe bonding (or a kernel built with CONFIG_BONDING)"
NO_VLAN="this kernel has no 802.1Q VLAN driver: modprobe 8021q (or a kernel built with CONFIG_VLAN_8021Q)"
NO_FILTERING="this kernel has no bridge VLAN filtering: it needs a kernel built with CONFIG_BRIDGE_VLAN_FILTERING"

@test "no bonding driver: bond add, its dry run, show and bond show say so" {
	if kernel_has bonding; then
		run --separate-stderr "$VNETCTL" -n "$NS" show
		[[ $output != *"no bonding driver"* ]]
		skip "the kernel has bonding: nothing else to check"
	fi
	run --separate-stderr "$VNETCTL" -n "$NS" bond add bond0 mode active-backup
	[ "$status" -eq 1 ]
	eq "$stderr" "vnetctl: bond bond0: create (mode active-backup): $NO_BOND (Unknown device type: Operation not supported)"
	run --separate-stderr "$VNETCTL" -n "$NS" --dry-run bond add bond0
	[ "$status" -eq 1 ]
	eq "$output" "bond bond0: create"
	eq "$stderr" "vnetctl: bond bond0: create: $NO_BOND: the plan would fail at this step"
	printf 'veth add e1 peer e1p\nbond add bond0 slaves e1\n' >"$BATS_TEST_TMPDIR/f.conf"
	run --separate-stderr "$VNETCTL" -n "$NS" --dry-run apply "$BATS_TEST_TMPDIR/f.conf"
	[ "$status" -eq 1 ]
	[[ $stderr == *"bond bond0: create: $NO_BOND: the plan would fail at this step" ]]
	run --separate-stderr "$VNETCTL" -n "$NS" show
	[ "$status" -eq 0 ]
	[[ $output == *$'== bond ==\n'"($NO_BOND)"$'\n'* ]]
	run --separate-stderr "$VNETCTL" -n "$NS" bond show
	[ "$status" -eq 0 ]
	eq "$stderr" "vnetctl: bond: $NO_BOND"
	# a named bond: not there, and why there can be none
	run --separate-stderr "$VNETCTL" -n "$NS" bond show bond0
	[ "$status" -eq 1 ]
	eq "$stderr" "vnetctl: bond bond0: no such bond (No such device); $NO_BOND"
	# check lists the step and says it cannot be taken here
	run --separate-stderr "$VNETCTL" -n "$NS" check "$BATS_TEST_TMPDIR/f.conf"
	[ "$status" -eq 1 ]
	eq "$stderr" "vnetctl: bond bond0: create: $NO_BOND: an apply would fail at this step"
	# diagnose's fix is the driver first, not an apply that cannot work
	run --separate-stderr "$VNETCTL" -n "$NS" diagnose --config "$BATS_TEST_TMPDIR/f.conf"
	[ "$status" -eq 1 ]
	eq "$stderr" ""
	[[ $output == *"fail  bond bond0: differs from $BATS_TEST_TMPDIR/f.conf: create, enslave e1; fix: $NO_BOND, then vnetctl apply $BATS_TEST_TMPDIR/f.conf"* ]]
}

@test "no bridge VLAN filtering: sea show and show's sea section say a SEA cannot be made" {
	if kernel_has vlan_filtering; then
		skip "the kernel has VLAN filtering (vm.bats checks that nothing is said)"
	fi
	run --separate-stderr "$VNETCTL" -n "$NS" sea show
	[ "$status" -eq 0 ]
	eq "$output" ""
	eq "$stderr" "vnetctl: sea: $NO_FILTERING"
	run --separate-stderr "$VNETCTL" -n "$NS" sea show sea0
	[ "$status" -eq 1 ]
	eq "$stderr" "vnetctl: sea sea0: no such SEA (No such device); $NO_FILTERING"
	run --separate-stderr "$VNETCTL" -n "$NS" show
	[ "$status" -eq 0 ]
	[[ $output == *$'== sea ==
'"($NO_FILTERING)" ]]
}

@test "no 802.1Q: vlan add and its dry run say so" {
	if kernel_has 8021q; then
		run --separate-stderr "$VNETCTL" -n "$NS" --dry-run vlan add e0.5 link e0 id 5
		[ "$status" -eq 0 ]
		skip "the kernel has 802.1Q: nothing else to check"
	fi
	run --separate-stderr "$VNETCTL" -n "$NS" vlan add e0.5 link e0 id 5
	[ "$status" -eq 1 ]
	[[ $stderr == *"vlan e0.5: create (link e0 id 5): $NO_VLAN (Unknown device type: Operation not supported)" ]]
	run --separate-stderr "$VNETCTL" -n "$NS" --dry-run vlan add e0.5 link e0 id 5
	[ "$status" -eq 1 ]
	[[ $stderr == *"$NO_VLAN: the plan would fail at this step" ]]
}

@test "no bridge VLAN filtering: vlan-filtering on, 802.1ad, default-pvid and port VLANs say so" {
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" link set e0 master br0
	BEFORE=$(snapshot)
	if kernel_has vlan_filtering; then
		skip "the kernel has VLAN filtering"
	fi
	run --separate-stderr "$VNETCTL" -n "$NS" bridge set br0 vlan-filtering on
	[ "$status" -eq 1 ]
	[[ $stderr == *"bridge br0: set vlan-filtering off -> on: $NO_FILTERING (Operation not supported)"* ]]
	run --separate-stderr "$VNETCTL" -n "$NS" bridge add br9 stp off vlan-filtering on
	[ "$status" -eq 1 ]
	[[ $stderr == *"bridge br9: create (stp off vlan-filtering on): $NO_FILTERING (Operation not supported)"* ]]
	# a dry run does not pretend: it fails where the change would
	run --separate-stderr "$VNETCTL" -n "$NS" --dry-run bridge add br9 vlan-filtering on
	[ "$status" -eq 1 ]
	eq "$output" "bridge br9: create (vlan-filtering on)"
	eq "$stderr" "vnetctl: bridge br9: create (vlan-filtering on): $NO_FILTERING: the plan would fail at this step"
	run --separate-stderr "$VNETCTL" -n "$NS" --dry-run bridge port set br0 e0 pvid 3
	[ "$status" -eq 1 ]
	[[ $stderr == *"$NO_FILTERING: the plan would fail at this step" ]]
	# and a value this kernel takes is no trouble
	run --separate-stderr "$VNETCTL" -n "$NS" --dry-run bridge add br9 vlan-filtering off vlan-protocol 802.1q
	[ "$status" -eq 0 ]
	run --separate-stderr "$VNETCTL" -n "$NS" bridge set br0 vlan-protocol 802.1ad
	[ "$status" -eq 1 ]
	[[ $stderr == *"did not apply it (still to do: bridge br0: set vlan-protocol 802.1q -> 802.1ad): $NO_FILTERING; undone" ]]
	run --separate-stderr "$VNETCTL" -n "$NS" bridge set br0 default-pvid 5
	[ "$status" -eq 1 ]
	[[ $stderr == *"$NO_FILTERING; undone" ]]
	run --separate-stderr "$VNETCTL" -n "$NS" bridge port set br0 e0 pvid 3
	[ "$status" -eq 1 ]
	[[ $stderr == *"$NO_FILTERING (Operation not supported)"* ]]
}
