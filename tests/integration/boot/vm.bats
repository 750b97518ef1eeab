#!/usr/bin/env bats
# Boot and hotplug with a bond and a VLAN-filtering bridge (VM tier): the
# host's configuration directory applied with --boot while a slave NIC is
# missing (its group waits, then is skipped and named), the NIC's hotplug
# bringing the group in, and a guest's hotplug giving it the pattern's
# PVID. Checked with ip -j, bridge -j vlan and /proc/net/bonding.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	require_feature bonding vlan_filtering
	veth nic0
	D=$BATS_TEST_TMPDIR/vnetctl
	mkdir -p "$D"
	printf '%s\n' \
		"bond add bond0 mode active-backup miimon 100 slaves nic0,nic1 up" \
		"bridge add xenbr0 vlan-filtering on ports bond0 guest-ports vif* up" \
		"bridge port set xenbr0 bond0 vlans 10,20" \
		"bridge port set xenbr0 vif* pvid 10 untagged 10 isolated on" > "$D/10-xen.conf"
	printf '%s\n' "bridge add br2 up" > "$D/20-lab.conf"
}
teardown() { common_teardown; }

exists() { ip -n "$NS" link show dev "$1" >/dev/null 2>&1; }
# "PVID untagged-list tagged-list" of a port, from bridge -j vlan show.
port_vlans() {
	bridge -n "$NS" -j vlan show dev "$1" | jq -r '.[0].vlans | [
		(map(select(.flags // [] | index("PVID"))) | map(.vlan) | join(",")),
		(map(select(.flags // [] | index("Egress Untagged"))) | map(.vlan) | join(",")),
		(map(select((.flags // [] | index("Egress Untagged")) | not)) | map(.vlan) | join(","))] | join(" ")'
}

@test "VM: a bond slave missing at boot: the bond runs on the other; its hotplug adds it; both missing: skipped" {
	run --separate-stderr vn apply "$D" --boot --boot-wait 1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"(bond0): applied without nic1 (missing after 1 s)"* ]]
	[[ "$stderr" == *"1 of 2 groups applied without a device"* ]]
	exists br2
	[ "$(lj nic0 .master)" = bond0 ] && [ "$(lj bond0 .master)" = xenbr0 ]
	eq "$(ip netns exec "$NS" grep "^Slave Interface:" /proc/net/bonding/bond0)" "Slave Interface: nic0"
	veth nic1
	run vn hotplug nic1 "$D"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(lj nic0 .master)" = bond0 ] && [ "$(lj nic1 .master)" = bond0 ]
	[ "$(lj bond0 .master)" = xenbr0 ]
	ip netns exec "$NS" grep -q "Bonding Mode: fault-tolerance (active-backup)" /proc/net/bonding/bond0
	# vlans sets the tagged part; the PVID the kernel gives on joining stays.
	eq "$(port_vlans bond0)" "1 1 10,20"
	run vn check "$D"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	# Neither NIC: nothing carries the bond, and the group waits, then is skipped.
	ip -n "$NS" link del bond0
	ip -n "$NS" link del nic0
	ip -n "$NS" link del nic1
	run --separate-stderr vn apply "$D" --boot --boot-wait 0
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"(bond0): skipped: nic0, nic1 missing after 0 s"* ]]
}

@test "VM: a guest's hotplug gives it the pattern's PVID, untagged, and isolation; a re-run is no change" {
	veth nic1
	run vn apply "$D" --boot --boot-wait 0
	[ "$status" -eq 0 ] || { echo "$output $stderr" >&2; false; }
	ip -n "$NS" link add name vif3.0 type veth peer name g3
	run vn hotplug vif3.0 "$D"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(lj vif3.0 .master)" = xenbr0 ]
	[ "$(lj vif3.0 .linkinfo.info_slave_data.isolated)" = true ]
	eq "$(port_vlans vif3.0)" "10 10 "
	run vn hotplug vif3.0 "$D"
	[[ "$output" == *"(bond0): no change"* ]]
	run vn check "$D"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
}
