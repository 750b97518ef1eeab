#!/usr/bin/env bats
# Guest ports (DESIGN.md "bridge"): guest-ports PATTERN on a bridge and
# "bridge port add|set BRIDGE PATTERN". A guest that is absent is neither
# required nor drift; present, it is attached with the settings of the
# port statements that match it; re-applying never releases it. Any kernel
# (bridge and veth). Checked with ip -j and the bridge's alias.

bats_require_minimum_version 1.5.0
load ../../lib/common

setup() {
	common_setup
	veth eth0
	F=$BATS_TEST_TMPDIR/host.conf
	printf '%s\n' \
		"bridge add xenbr0 stp off forward-delay 0 ports eth0,vif1.0,vif2.0 guest-ports vif* up" \
		"bridge port set xenbr0 vif* isolated on" \
		"bridge port set xenbr0 vif2.0 cost 9" > "$F"
}
teardown() { common_teardown; }

# A guest's interface, its far end outside the patterns: guest NAME.
guest() {
	ip -n "$NS" link add name "$1" type veth peer name "g-$1"
}
master() { lj "$1" .master; }
isolated() { lj "$1" .linkinfo.info_slave_data.isolated; }

@test "no guest running: the bridge is made, the absent guests are not required, check is in sync" {
	run vn apply "$F"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(master eth0)" = xenbr0 ]
	[ "$(lj xenbr0 .ifalias)" = "vnetctl-guest-ports:vif*" ]
	run vn check "$F"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	run vn apply "$F"
	[ "$output" = "$F: no change" ]
}

@test "guests present are attached with the pattern's settings; the exact name wins; a re-apply keeps them" {
	guest vif1.0
	guest vif2.0
	run vn apply "$F"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(master vif1.0)" = xenbr0 ] && [ "$(master vif2.0)" = xenbr0 ]
	[ "$(isolated vif1.0)" = true ] && [ "$(isolated vif2.0)" = true ]
	[ "$(lj vif2.0 .linkinfo.info_slave_data.cost)" = 9 ]
	[ "$(master g-vif1.0)" = null ]
	# A guest that starts later (vif3.0), and one attached by another tool
	# that no pattern names (vnet0): the apply adds vif3.0 and releases vnet0.
	guest vif3.0
	guest vnet0
	ip -n "$NS" link set vnet0 master xenbr0
	run vn check "$F"
	[ "$status" -eq 1 ]
	[[ "$output" == *"add port vif3.0"* && "$output" == *"release port vnet0"* ]]
	run vn apply "$F"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(master vif3.0)" = xenbr0 ] && [ "$(isolated vif3.0)" = true ]
	[ "$(master vnet0)" = null ]
	# Guests stay when a statement names only the uplink and no patterns:
	# the bridge keeps its own.
	run vn bridge set xenbr0 ports eth0
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(master vif1.0)" = xenbr0 ] && [ "$(master vif3.0)" = xenbr0 ]
	# A guest that goes is no drift.
	ip -n "$NS" link del vif1.0
	run vn check "$F"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
}

@test "show --config writes the patterns, not the guests: it applies as no change here and where no guest runs" {
	guest vif1.0
	vn apply "$F"
	vn bridge show --config > "$BATS_TEST_TMPDIR/export"
	cat "$BATS_TEST_TMPDIR/export" >&2
	grep -q "^bridge add xenbr0 .*ports eth0 guest-ports vif\*" "$BATS_TEST_TMPDIR/export"
	run vn apply "$BATS_TEST_TMPDIR/export"
	[ "$output" = "$BATS_TEST_TMPDIR/export: no change" ]
	# Elsewhere: a namespace with the NIC only.
	ip -n "$NS" link del xenbr0
	ip -n "$NS" link del vif1.0
	run vn apply "$BATS_TEST_TMPDIR/export"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(master eth0)" = xenbr0 ]
	[ "$(lj xenbr0 .ifalias)" = "vnetctl-guest-ports:vif*" ]
}

@test "a single statement with a pattern sets every matching port; a later pattern wins over an earlier one" {
	guest vif1.0
	guest vif2.0
	guest tap0
	vn bridge add br0 ports tap0 guest-ports vif*
	[ "$(master vif1.0)" = br0 ] && [ "$(master vif2.0)" = br0 ]
	run vn bridge port set br0 'vif*' learning off
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(lj vif1.0 .linkinfo.info_slave_data.learning)" = false ]
	[ "$(lj vif2.0 .linkinfo.info_slave_data.learning)" = false ]
	[ "$(lj tap0 .linkinfo.info_slave_data.learning)" = true ]
	# No match: nothing to do.
	run vn bridge port set br0 'vnet*' learning off
	[ "$output" = "bridge br0 port vnet*: no change" ]
	# In a file, the later pattern's value is the one that stays, and a second apply agrees.
	printf '%s\n' "bridge port set br0 vif* cost 5" "bridge port set br0 vif2* cost 7" > "$F"
	run vn apply "$F"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(lj vif1.0 .linkinfo.info_slave_data.cost)" = 5 ]
	[ "$(lj vif2.0 .linkinfo.info_slave_data.cost)" = 7 ]
	run vn apply "$F"
	[ "$output" = "$F: no change" ]
	# port add with a pattern takes the free links that match.
	guest vif9.0
	run vn bridge port add br0 'vif9*' isolated on
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(master vif9.0)" = br0 ] && [ "$(isolated vif9.0)" = true ]
}

@test "a guest takes the bridge's MTU before it joins, so the bridge keeps its own" {
	ip -n "$NS" link set eth0 mtu 9000
	guest vif1.0
	run vn bridge add xenbr0 ports eth0 guest-ports vif* mtu 9000
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[[ "$output" == *"guest vif1.0 mtu 1500 -> 9000"* ]]
	[ "$(lj vif1.0 .mtu)" = 9000 ] && [ "$(lj xenbr0 .mtu)" = 9000 ]
	[ "$(master vif1.0)" = xenbr0 ]
	# Without a statement MTU, the bridge's own.
	guest vif2.0
	run vn bridge set xenbr0 guest-ports vif*,vif2*
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(lj vif2.0 .mtu)" = 9000 ] && [ "$(lj xenbr0 .mtu)" = 9000 ]
}

@test "bad guest patterns: exit 2, the word named, nothing changed" {
	before=$(snapshot)
	expect_fail 2 "would take every link" -- bridge add br0 guest-ports 'vif*,*'
	expect_fail 2 "del takes a port's name, not a pattern" -- bridge port del br0 'vif*'
	expect_fail 2 "at most 235 bytes" -- bridge add br0 guest-ports "$(for i in $(seq 10 25); do printf 'abcdefghijk%s*,' "$i"; done)x*"
	eq "$(snapshot)" "$before"
}
