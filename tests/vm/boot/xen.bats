#!/usr/bin/env bats
# Issue 20, "From boot to guest", on a systemd host (tests/vm/run --systemd
# with xen.prepare): the Xen host configuration in /etc/vnetctl is applied by
# vnetctl.service before network.target; a guest's vif that appears later is
# attached by udev with its port settings; restarting the unit changes nothing.

load lib
load ../../lib/common

# The host tier's snapshot() reads "ip -n $NS": a name for the initial
# namespace (only the name goes away at the end, not the namespace).
setup_file() {
	require_systemd_vm
	ip netns attach vm-init 1
}
teardown_file() { ip netns del vm-init 2>/dev/null || true; }
setup() { NS=vm-init; }

teardown() {
	ip netns del "guest$BATS_TEST_NUMBER" 2>/dev/null || true
	ip link del vif5.0 2>/dev/null || true
}

# xen_host_ok: the kernel holds the Xen host of xen.conf.
xen_host_ok() {
	grep -qx 'Bonding Mode: fault-tolerance (active-backup)' /proc/net/bonding/bond0
	[ "$(grep '^Slave Interface:' /proc/net/bonding/bond0 | sort | tr '\n' ' ')" = \
		"Slave Interface: eno1 Slave Interface: eno2 " ]
	[ "$(master bond0)" = xenbr0 ]
	[ "$(ip -j -d link show dev xenbr0 | jq -r '.[0] | [.linkinfo.info_kind, (.flags | index("UP") != null)] | @tsv')" = "bridge	true" ]
	[ "$(ip -j addr show dev xenbr0 | jq -r '[.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"] | join(",")')" = 192.0.2.10/24 ]
}

# guest N: a guest's vif (vifN.0), a veth whose other end is the guest's
# eth0 in a namespace of its own (so udev sees only vifN.0), with netback's
# MAC address; prints when it was made (now_us).  That is when ip returns:
# the device exists from the kernel's reply on, a few ms earlier, while the
# time before ip would count ip's own start-up (0.2-0.5 s under TCG).
guest() {
	ip netns add "guest$BATS_TEST_NUMBER"
	ip link add "vif$1.0" address fe:ff:ff:ff:ff:ff type veth peer name eth0 netns "guest$BATS_TEST_NUMBER"
	now_us
}

# isolated_port IF BRIDGE: IF is a port of BRIDGE with isolated on.
isolated_port() {
	[ "$(master "$1")" = "$2" ] &&
		[ "$(bridge -j -d link show dev "$1" | jq -r '.[0].isolated')" = true ]
}

@test "vnetctl.service applied the Xen host configuration at boot, before network.target" {
	[ "$(prop vnetctl.service Result)" = success ]
	[ "$(prop vnetctl.service ExecMainStatus)" -eq 0 ]
	[ "$(prop vnetctl.service ExecMainExitTimestampMonotonic)" -le "$(prop network.target ActiveEnterTimestampMonotonic)" ]
	xen_host_ok
	# the NICs' own hotplug runs (after the boot apply) found nothing to do wrong
	for n in eno1 eno2; do
		wait_until 10 hotplug_done "$n"
		[ "$(hotplug_result "$n")" = "success 0" ]
	done
}

@test "a guest's vif5.0 made after boot joins xenbr0 isolated, by udev, within 2 s" {
	# a guest starts once the host has booted: the hotplug runs of the
	# devices of the boot (NICs, bond0, xenbr0) are done
	wait_until 30 no_jobs
	: >/run/vnetctl-hotplug.done
	t0=$(guest 5)
	# polled on the unit's record (no process started); the kernel is read
	# once it ended
	wait_until 10 hotplug_done vif5.0
	wait_until 10 isolated_port vif5.0 xenbr0
	[ "$(hotplug_result vif5.0)" = "success 0" ]
	done_at=$(hotplug_ended vif5.0)
	echo "# vif5.0 attached $(((done_at - t0) / 1000)) ms after it was made" >&3
	((done_at - t0 <= 2000000))
	# the other bridge settings were left as the file says
	[ "$(master bond0)" = xenbr0 ]
	xen_host_ok
}

@test "systemctl restart vnetctl: no change, a guest's port stays attached, vnetctl check agrees" {
	guest 5 >/dev/null
	wait_until 10 isolated_port vif5.0 xenbr0
	before=$(snapshot)
	addr_before=$(ip -j addr show dev xenbr0 | jq -c '.[0].addr_info | map(select(.family == "inet"))')
	systemctl restart vnetctl.service
	[ "$(prop vnetctl.service Result)" = success ]
	inv=$(prop vnetctl.service InvocationID)
	run journalctl -b -o cat "_SYSTEMD_INVOCATION_ID=$inv"
	echo "$output"
	[[ $output == *"no change"* ]]
	[ "$(snapshot)" = "$before" ]
	[ "$(ip -j addr show dev xenbr0 | jq -c '.[0].addr_info | map(select(.family == "inet"))')" = "$addr_before" ]
	isolated_port vif5.0 xenbr0
	run "$VNETCTL" check
	echo "$output"
	[ "$status" -eq 0 ]
}
