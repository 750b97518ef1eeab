#!/usr/bin/env bats
# The Xen host, end to end: two NICs in an active-backup bond (miimon 100),
# the bond in xenbr0, a guest on xenbr0. The NICs are veths whose far ends
# sit bridged in a "switch" namespace; failing either NIC keeps the guest's
# ping to the switch answering. Needs bonding: VM tier.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	require_feature bonding
	switch_setup 10.9.0
}
teardown() {
	switch_teardown
	common_teardown
}

guest_ping() {
	ip netns exec "$GUEST" ping -q -c 3 -i 0.3 -W 3 10.9.0.1 | grep -qE ' [1-9][0-9]* (packets )?received'
}

# active_slave and wait_active (tests/lib/common.bash) read bond bond0.

failures_of() {
	ip netns exec "$NS" cat /proc/net/bonding/bond0 |
		awk -v s="$1" '/^Slave Interface:/ {cur=$3} cur==s && /^Link Failure Count:/ {print $4}'
}

@test "Xen host: bond in xenbr0 survives losing either NIC" {
	run vn bond add bond0 mode active-backup miimon 100 slaves nic0,nic1 primary nic0 up
	[ "$status" -eq 0 ]
	run vn bridge add xenbr0 stp off forward-delay 0 ports bond0,vif1.0 up
	[ "$status" -eq 0 ]
	ip -n "$NS" link set dev vif1.0 up
	wait_active nic0
	guest_ping

	# The active NIC loses its link: the far end goes down.
	ip -n "$SW" link set dev sw0 down
	wait_active nic1
	guest_ping
	run vn bond show bond0
	[[ "$output" == *"Currently Active Slave: nic1"* ]]
	[ "$(failures_of nic0)" = 1 ]
	run vn -j bond show bond0
	[ "$(jq -r '.[0].slaves[] | select(.name == "nic0") | .link_failure_count' <<<"$output")" = 1 ]
	[ "$(jq -r '.[0].slaves[] | select(.name == "nic0") | .mii_status' <<<"$output")" = down ]

	# Back, then the other NIC fails.
	ip -n "$SW" link set dev sw0 up
	wait_active nic0 # primary nic0 takes over again (primary-reselect always)
	ip -n "$SW" link set dev sw1 down
	sleep 0.5
	[ "$(active_slave)" = nic0 ]
	guest_ping
	[ "$(failures_of nic1)" = 1 ]

	# And the primary once more, with the second back: traffic moves over.
	ip -n "$SW" link set dev sw1 up
	ip -n "$SW" link set dev sw0 down
	wait_active nic1
	guest_ping

	run vn bridge show xenbr0
	[[ "${lines[1]}" == xenbr0* ]]
	[[ "$output" == *bond0* ]]
	[[ "$output" == *vif1.0* ]]
}

@test "Xen host with use-carrier off: re-adding the same statements changes nothing" {
	vn bond add bond0 mode active-backup miimon 100 use-carrier off slaves nic0,nic1 up
	vn bridge add xenbr0 stp off forward-delay 0 ports bond0,vif1.0 up
	[ "$(lj bond0 .linkinfo.info_data.use_carrier)" = 0 ]
	monitor_start
	run vn bond add bond0 mode active-backup miimon 100 use-carrier off slaves nic0,nic1 up
	[ "$output" = "bond bond0: no change" ]
	run vn bridge add xenbr0 stp off forward-delay 0 ports bond0,vif1.0 up
	[ "$output" = "bridge xenbr0: no change" ]
	monitor_stop
	! grep -qE 'bond0|xenbr0|nic[01]' "$MONITOR_OUT"
}

# The usual road to the Xen host: one NIC in xenbr0, then the file of two
# NICs in a bond in xenbr0. The bond takes nic0 from xenbr0 while xenbr0
# takes the bond: the port moves first, in a step of its own (each statement
# waited on the other: "a cycle", exit 2, before).
@test "Xen host from a one-NIC bridge: the file moves the NIC under the bond" {
	ip -n "$NS" link add name xenbr0 type bridge
	ip -n "$NS" link set dev nic0 master xenbr0
	ip -n "$NS" link set dev xenbr0 up
	ip -n "$NS" link set dev vif1.0 up
	cat >"$BATS_TEST_TMPDIR/xen.conf" <<'CONF'
bond add bond0 mode active-backup miimon 100 primary nic0 slaves nic0,nic1 up
bridge add xenbr0 stp off forward-delay 0 ports bond0,vif1.0 up
CONF
	run vn apply --dry-run "$BATS_TEST_TMPDIR/xen.conf"
	[ "$status" -eq 0 ]
	[[ "$output" == *"bridge xenbr0: release nic0 (bond0 takes it)"* ]]
	vn apply "$BATS_TEST_TMPDIR/xen.conf"
	[ "$(lj nic0 .master)" = bond0 ]
	[ "$(lj nic1 .master)" = bond0 ]
	[ "$(lj bond0 .master)" = xenbr0 ]
	[ "$(lj vif1.0 .master)" = xenbr0 ]
	wait_active nic0
	guest_ping
	run vn apply "$BATS_TEST_TMPDIR/xen.conf"
	[ "$output" = "$BATS_TEST_TMPDIR/xen.conf: no change" ] || { echo "$output" >&2; false; }
}
