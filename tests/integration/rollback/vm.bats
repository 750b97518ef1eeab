#!/usr/bin/env bats
# The rollback matrix (issue 17), VM tier: the scenarios that need bonding,
# 802.1Q, VLAN filtering or netdevsim (they skip on a kernel without them),
# and the shim's failed sysfs write. See host.bats.

bats_require_minimum_version 1.5.0
load matrix

@test "the shim fails a sysfs write with EIO (VM tier: netdevsim)" {
	common_setup
	require_feature netdevsim
	ID=$((900 + BATS_TEST_NUMBER))
	echo "$ID 1" >/sys/bus/netdevsim/new_device
	for _ in $(seq 50); do
		PF=$(ls "/sys/bus/netdevsim/devices/netdevsim$ID/net/" 2>/dev/null | head -1)
		[ -n "$PF" ] && break
		sleep 0.1
	done
	ip link set dev "$PF" netns "$NS" name pf0
	run --separate-stderr vn_shim 1 vf count pf0 2
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"(Input/output error)"* ]]
	[ "$(cat "/sys/bus/netdevsim/devices/netdevsim$ID/sriov_numvfs")" = 0 ]
	grep -q "^1 sysfs-write /sys/bus/netdevsim/devices/netdevsim$ID/sriov_numvfs value 2 INJECTED$" "$BATS_TEST_TMPDIR/log"
	run vn_shim 0 vf count pf0 2
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/count")" = 1 ]
}

@test "rollback matrix: bridge-vlans (ports and VLANs of VLAN-filtering bridges)" {
	require_feature vlan_filtering
	matrix bridge-vlans
}

@test "rollback matrix: bond-mode (a bond's mode and slaves, a new bond)" {
	require_feature bonding
	matrix bond-mode
}

@test "rollback matrix: vlan-bond (VLAN interfaces on a bond: made again, changed, made, deleted)" {
	require_feature bonding 8021q
	matrix vlan-bond
}

@test "rollback matrix: vf (examples/sriov-host.conf: a VF count through 0, VF settings)" {
	require_feature netdevsim
	matrix vf
}

@test "rollback matrix: sea (a SEA made HA over two NICs, adapters replaced, MTU)" {
	require_feature vlan_filtering bonding
	matrix sea
}

@test "rollback matrix: xen-host (examples/xen-host.conf: a bridge's NIC into a bond)" {
	require_feature bonding
	matrix xen-host
}

@test "rollback matrix: vios (examples/vios-sea.conf over a NIC and an adapter that exists)" {
	require_feature vlan_filtering
	matrix vios
}

@test "rollback matrix: bond-mode-arp (an ARP-monitored bond made balance-alb: the kernel's miimon and arp_interval back)" {
	require_feature bonding
	matrix bond-mode-arp
}

@test "rollback matrix: vlan-stack (a bond deleted with an 802.1ad VLAN and an 802.1Q VLAN on it, a bridge port)" {
	require_feature vlan_filtering bonding 8021q
	matrix vlan-stack
}

@test "rollback matrix: sea-prune (apply --prune of a file without the SEA, its NIC into a new bridge)" {
	require_feature vlan_filtering bonding
	matrix sea-prune
}

# Issue 18: vnetctl killed (SIGKILL) right after each change request of each
# scenario above; the next command (show) rolls its journal back.
@test "kill matrix: every scenario of this tier, killed after each change request" {
	require_feature vlan_filtering bonding 8021q netdevsim
	matrix --kill bridge-vlans bond-mode vlan-bond vf sea xen-host vios bond-mode-arp vlan-stack \
		sea-prune
}

# Issue 17: the apply's reading of the host after its last change lost, in
# each scenario above; and the answers to each change request of vf lost
# (its VF count, a sysfs write, is made and then fails): undone, and said so.
# (host.bats runs the lost-ack matrix over its scenarios; here vf alone,
# for the write that failed after it was made.)
@test "reread matrix: every scenario of this tier, the reading after its last change lost" {
	require_feature vlan_filtering bonding 8021q netdevsim
	matrix --reread bridge-vlans bond-mode vlan-bond vf sea xen-host vios
}

@test "lost-ack matrix: vf, the answers to each change request lost" {
	require_feature netdevsim
	matrix --lost-ack vf
}
