#!/usr/bin/env bats
# Addresses moved onto masters that need the VM tier's kernel: the Xen
# seed in full (two NICs in an active-backup bond, xenbr0 on the bond, the
# host's address and default route moved there from the NIC that held
# them, a guest on xenbr0) while a remote host pings the host's address
# every 10 ms, through the move and a NIC failure; and a SEA that takes
# the address of its backing device. The NICs are veths whose far ends sit
# bridged in a "switch" namespace, where the remote host (the router,
# 192.0.2.1) lives. Checked with ip -j, /proc/net/bonding and ping's counts.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	require_feature bonding
	# The router 192.0.2.1 on the switch, a guest 192.0.2.2 behind vif1.0.
	switch_setup 192.0.2
	# As a boot leaves the host: its address and default route on the first NIC.
	ip -n "$NS" link set dev nic0 up
	ip -n "$NS" addr add 192.0.2.10/24 dev nic0
	ip -n "$NS" route add default via 192.0.2.1
	MAC=$(lj nic0 .address)
	F=$BATS_TEST_TMPDIR/host.conf
	# Until the remote reaches the host (its neighbour entry made), at most 20 s.
	for _ in $(seq 20); do
		ip netns exec "$SW" ping -c 1 -W 1 192.0.2.10 >/dev/null 2>&1 && return 0
	done
	return 1
}
teardown() {
	[ -n "${PING:-}" ] && kill "$PING" 2>/dev/null
	switch_teardown
	common_teardown
}

@test "Xen seed: bond of two NICs, xenbr0 on it takes the host's address and route with nic0's MAC, a guest; pings survive the move and a NIC failure" {
	cat > "$F" <<'CONF'
link set nic0 up
link set nic1 up
bond add bond0 mode active-backup miimon 100 primary nic0 slaves nic0,nic1 up
bridge add xenbr0 stp off forward-delay 0 ports bond0,vif1.0 up addresses 192.0.2.10/24 gateway 192.0.2.1
link set vif1.0 up
CONF
	ping_start "$SW" 192.0.2.10 1000
	run vn apply "$F"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	lost=$(ping_lost)
	echo "the move: $lost of 1000 pings lost ($(grep transmitted "$BATS_TEST_TMPDIR/ping"))" >&3
	[ "$lost" -le 20 ]
	eq "$(addrs xenbr0)" "192.0.2.10/24"
	eq "$(addrs nic0)" ""
	eq "$(addrs bond0)" ""
	eq "$(defaults)" "xenbr0 192.0.2.1 212"
	[ "$(lj nic0 .master)" = bond0 ]
	[ "$(lj nic1 .master)" = bond0 ]
	[ "$(lj bond0 .master)" = xenbr0 ]
	[ "$(lj vif1.0 .master)" = xenbr0 ]
	[ "$(lj xenbr0 .address)" = "$MAC" ]
	[ "$(ip -n "$SW" -j neigh show 192.0.2.10 | jq -r '.[0].lladdr')" = "$MAC" ]
	wait_active nic0
	# The guest reaches the router through xenbr0 and the bond.
	ip netns exec "$GUEST" ping -c 3 -i 0.3 -W 3 192.0.2.1 | grep -qE ' [1-9] received'
	run vn apply "$F"
	[ "$output" = "$F: no change" ] || { echo "$output" >&2; false; }
	run vn check "$F"
	[ "$status" -eq 0 ]
	# The export holds the NICs and the addresses, and applies as no change.
	vn show --config > "$BATS_TEST_TMPDIR/export.conf"
	grep -qx 'link set nic0 up' "$BATS_TEST_TMPDIR/export.conf"
	grep -q '^bridge add xenbr0 .*addresses 192.0.2.10/24 gateway 192.0.2.1$' "$BATS_TEST_TMPDIR/export.conf"
	run vn apply "$BATS_TEST_TMPDIR/export.conf"
	[ "$output" = "$BATS_TEST_TMPDIR/export.conf: no change" ] || { echo "$output" >&2; false; }

	# The active NIC fails (its far end goes down): the bond fails over, the pings go on.
	ping_start "$SW" 192.0.2.10 1000
	ip -n "$SW" link set dev sw0 down
	wait_active nic1
	lost=$(ping_lost)
	echo "the NIC failure: $lost of 1000 pings lost ($(grep transmitted "$BATS_TEST_TMPDIR/ping"))" >&3
	[ "$lost" -le 30 ]
	ip netns exec "$GUEST" ping -c 3 -i 0.3 -W 3 192.0.2.1 | grep -qE ' [1-9] received'
}

@test "Xen seed not confirmed: the address and route are back on nic0, the pings answered again" {
	cat > "$F" <<'CONF'
bond add bond0 mode active-backup miimon 100 primary nic0 slaves nic0,nic1 up
bridge add xenbr0 stp off forward-delay 0 ports bond0,vif1.0 up addresses 192.0.2.10/24 gateway 192.0.2.1
link set vif1.0 up
CONF
	before=$(snapshot)
	run --separate-stderr vn apply "$F" --confirm 3 --detach
	[ "$status" -eq 0 ] || { echo "$output $stderr" >&2; false; }
	eq "$(addrs xenbr0)" "192.0.2.10/24"
	wait_guardian_end "$stderr"
	eq "$(snapshot)" "$before"
	eq "$(addrs nic0)" "192.0.2.10/24"
	eq "$(defaults)" "nic0 192.0.2.1 null"
	ip netns exec "$SW" ping -c 3 -i 0.2 -W 2 192.0.2.10 | grep -q ' 3 received'
}

@test "a SEA takes its backing device's address and default route, with its MAC; without the addresses declared: exit 1, nothing changed" {
	require_feature vlan_filtering
	before=$(snapshot)
	run --separate-stderr vn sea add sea0 backing nic0,nic1 ha-mode auto adapter ent1 pvid 1 default ent1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"nic0 holds 192.0.2.10/24, the route default via 192.0.2.1"*"declare them on sea0"* ]]
	eq "$(snapshot)" "$before"
	# The remote pings the host's address through the move: the SEA's
	# bridge itself is in the default adapter's PVID, untagged.
	ping_start "$SW" 192.0.2.10 1000
	run vn sea add sea0 backing nic0,nic1 ha-mode auto adapter ent1 pvid 1 default ent1 addresses 192.0.2.10/24 gateway 192.0.2.1
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	lost=$(ping_lost)
	echo "the move onto the SEA: $lost of 1000 pings lost ($(grep transmitted "$BATS_TEST_TMPDIR/ping"))" >&3
	[ "$lost" -le 20 ]
	eq "$(bridge -n "$NS" -j vlan show dev sea0 | jq -c '.[0].vlans')" '[{"vlan":1,"flags":["PVID","Egress Untagged"]}]'
	eq "$(addrs sea0)" "192.0.2.10/24"
	eq "$(addrs nic0)" ""
	eq "$(defaults)" "sea0 192.0.2.1 212"
	[ "$(lj nic0 .master)" = sea0-ha ]
	[ "$(lj sea0 .address)" = "$MAC" ]
	run vn sea add sea0 backing nic0,nic1 ha-mode auto adapter ent1 pvid 1 default ent1 addresses 192.0.2.10/24 gateway 192.0.2.1
	[ "$output" = "sea sea0: no change" ] || { echo "$output" >&2; false; }
	run vn sea show sea0
	[[ "$output" == *"addresses 192.0.2.10/24 gateway 192.0.2.1"* ]]
	run vn -j sea show sea0
	[ "$(jq -r '.[0].addresses | join(" ")' <<<"$output")" = 192.0.2.10/24 ]
	vn sea show --config > "$BATS_TEST_TMPDIR/sea.conf"
	grep -q '^sea add sea0 .*addresses 192.0.2.10/24 gateway 192.0.2.1$' "$BATS_TEST_TMPDIR/sea.conf"
	run vn apply "$BATS_TEST_TMPDIR/sea.conf"
	[ "$output" = "$BATS_TEST_TMPDIR/sea.conf: no change" ] || { echo "$output" >&2; false; }
	ip netns exec "$SW" ping -c 3 -i 0.2 -W 2 192.0.2.10 | grep -q ' 3 received'
}

@test "a SEA with addresses needs a default adapter: exit 2 before the host is read, exit 1 for a set" {
	require_feature vlan_filtering
	run --separate-stderr vn sea add sea0 backing nic1 adapter ent1 pvid 1 addresses 192.0.2.11/24
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"addresses: the SEA's own traffic is untagged on the default adapter's PVID: name one with default IF"* ]]
	vn sea add sea0 backing nic1 adapter ent1 pvid 1
	before=$(snapshot)
	run --separate-stderr vn sea set sea0 addresses 192.0.2.11/24
	[ "$status" -eq 1 ] || { echo "$status $output $stderr" >&2; false; }
	[[ "$stderr" == *"sea sea0: addresses: the SEA has no default adapter"* ]]
	eq "$(snapshot)" "$before"
	# Without a default adapter the bridge is in no VLAN.
	eq "$(bridge -n "$NS" -j vlan show dev sea0 | jq -c '.[0].vlans // []')" '[]'
	# Given one, the bridge joins its PVID; when that goes, diagnose warns and a set puts it back.
	vn sea set sea0 default ent1
	eq "$(bridge -n "$NS" -j vlan show dev sea0 | jq -c '.[0].vlans')" '[{"vlan":1,"flags":["PVID","Egress Untagged"]}]'
	bridge -n "$NS" vlan del dev sea0 vid 1 self
	run vn diagnose
	[[ "$output" == *"the SEA's own interface is not untagged on PVID 1"* ]] || { echo "$output" >&2; false; }
	run vn sea set sea0 default ent1
	[[ "$output" == *"bridge sea0 itself: add vlans 1 pvid untagged"* ]] || { echo "$output" >&2; false; }
}
