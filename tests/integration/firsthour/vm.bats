#!/usr/bin/env bats
# Issue 23, points 3 and 9, on a kernel that has the features (the VM tier:
# tests/run picks this file for its require_feature; on the host it skips).
# features.bats checks what vnetctl says where the kernel lacks bonding,
# 802.1Q or bridge VLAN filtering; here the same commands work and say
# nothing of the kind. And "already enslaved to a bond" gives the command
# that releases the slave (bond slave del), which is run as the message
# gives it.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	require_feature bonding 8021q vlan_filtering
	veth e0
}
teardown() {
	common_teardown
}

# quiet_ok ARGS: vnetctl -n NS ARGS exits 0 with nothing on stderr (no note of a missing driver).
quiet_ok() {
	run --separate-stderr "$VNETCTL" -n "$NS" "$@"
	[ "$status" -eq 0 ] || { echo "exit $status: $* said: $stderr" >&2; return 1; }
	eq "$stderr" ""
}

@test "bonding: bond add, its dry run, show, bond show and check say nothing of a missing driver" {
	quiet_ok --dry-run bond add bond0 mode active-backup
	eq "$output" "bond bond0: create (mode active-backup)"
	quiet_ok bond show
	quiet_ok show
	[[ $output == *$'== bond ==\n'* ]]
	[[ $output != *"no bonding driver"* ]]
	printf 'bond add bond0 mode active-backup\n' >"$BATS_TEST_TMPDIR/f.conf"
	run --separate-stderr "$VNETCTL" -n "$NS" check "$BATS_TEST_TMPDIR/f.conf"
	[ "$status" -eq 1 ]
	[[ $output$stderr != *"no bonding driver"* ]]
	quiet_ok bond add bond0 mode active-backup
	eq "$(lj bond0 .linkinfo.info_data.mode)" active-backup
	quiet_ok bond show bond0
	[[ $output == *bond0* ]]
	quiet_ok check "$BATS_TEST_TMPDIR/f.conf"
}

@test "802.1Q: vlan add and its dry run work, show has no note" {
	quiet_ok --dry-run vlan add e0.5 link e0 id 5
	quiet_ok vlan add e0.5 link e0 id 5
	eq "$(lj e0.5 .linkinfo.info_data.id)" 5
	quiet_ok show
	[[ $output != *"no 802.1Q"* ]]
}

@test "VLAN filtering: vlan-filtering on, 802.1ad, default-pvid and port VLANs work; sea show has no note" {
	quiet_ok --dry-run bridge add br9 stp off vlan-filtering on
	quiet_ok bridge add br9 stp off vlan-filtering on
	eq "$(lj br9 .linkinfo.info_data.vlan_filtering)" 1
	quiet_ok bridge set br9 vlan-protocol 802.1ad default-pvid 5
	eq "$(lj br9 .linkinfo.info_data.vlan_protocol)" 802.1ad
	quiet_ok --dry-run bridge port add br9 e0 pvid 3
	quiet_ok bridge port add br9 e0 pvid 3
	eq "$(bridge -n "$NS" -j vlan show dev e0 | jq -c '[.[0].vlans[] | select(.flags | index("PVID")) | .vlan]')" "[3]"
	quiet_ok sea show
	quiet_ok show
	[[ $output != *"VLAN filtering"* ]]
}

@test "already enslaved to a bond: the message's bond slave del releases it, then the statement goes through" {
	ip -n "$NS" link add b1 type bond mode active-backup
	ip -n "$NS" link set e0 master b1
	before=$(snapshot)
	run --separate-stderr "$VNETCTL" -n "$NS" bridge add br2 ports e0
	[ "$status" -eq 1 ]
	eq "$(snapshot)" "$before"
	[[ $stderr == *"port e0: already enslaved to b1; release it there first: vnetctl -n $NS bond slave del b1 e0 (or in the same file)"* ]]
	release_as_told
	eq "$(ip -n "$NS" -j link show dev e0 | jq -r '.[0].master // "none"')" none
	quiet_ok bridge add br2 ports e0
	eq "$(ip -n "$NS" -j link show dev e0 | jq -r '.[0].master')" br2
	# and the other way: a bridge's port that a bond wants
	run --separate-stderr "$VNETCTL" -n "$NS" bond slave add b1 e0
	[ "$status" -eq 1 ]
	[[ $stderr == *"already enslaved to br2; release it there first: vnetctl -n $NS bridge port del br2 e0"* ]]
}
