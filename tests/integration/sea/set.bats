#!/usr/bin/env bats
# sea set changes a SEA in place and touches only what changes; adapters
# left out go; sea del puts the NICs back as they were. Needs bridge VLAN
# filtering and bonding: VM tier.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	require_feature vlan_filtering
	# ent0 up, ent1 down; guest5 an interface of its own, down.
	veth ent0
	veth ent1
	veth guest5
	ip -n "$NS" link set dev ent0 up
	ip -n "$NS" link set dev ent0p up
	ip -n "$NS" link set dev ent1p up
}
teardown() { common_teardown; }

# A port as the kernel shows it, without what moves by itself: the carrier,
# the timers, and the bridge's id (its address follows the lowest port's).
port_state() {
	ip -n "$NS" -j -d link show dev "$1" | jq -cS '.[0] | (.flags |= ((. // []) - ["NO-CARRIER", "LOWER_UP", "M-DOWN"])) |
		del(.operstate, (.linkinfo.info_slave_data | (.hold_timer, .message_age_timer, .forward_delay_timer, .bridge_id, .root_id, .designated_root, .designated_bridge)))'
	bridge -n "$NS" -j vlan show dev "$1"
}

vlans_of() {
	bridge -n "$NS" -j vlan show dev "$1" | jq -r '.[0].vlans // [] | map("\(.vlan)\(if (.flags // []) | index("PVID") then "p" else "" end)\(if (.flags // []) | index("Egress Untagged") then "u" else "" end)") | join(" ")'
}

# name up mtu master address, for the links the SEA takes over.
nic_state() {
	ip -n "$NS" -j link show | jq -r 'map(select(.ifname | test("^(ent[01]|guest5)$")) |
		"\(.ifname) \(.flags | index("UP") != null) \(.mtu) \(.master // "-") \(.address)") | .[]'
}

@test "sea set adds an adapter and changes a PVID without touching the other ports" {
	vn sea add sea0 backing ent0 adapter vif3 pvid 3 adapter vif4 pvid 4 vlans 100,200 default vif3
	eq "$(vlans_of ent0)" "3pu 4 100 200"
	before=$(port_state vif4)
	[[ "$before" == *'"ifname":"vif4"'* ]]
	monitor_start
	run vn sea set sea0 adapter vif3 pvid 5 adapter vif4 pvid 4 vlans 100,200 adapter vif6 pvid 6
	monitor_stop
	[ "$status" -eq 0 ]
	[[ "$output" != *vif4* ]]
	[[ "$output" == *"sea sea0: create adapter vif6 (veth, peer vif6-peer, up)"* ]]
	eq "$(port_state vif4)" "$before"
	if grep -qw vif4 "$MONITOR_OUT"; then false; fi
	# vif3 stays the default: its new PVID is the trunk's untagged one.
	eq "$(vlans_of ent0)" "4 5pu 6 100 200"
	eq "$(vlans_of vif3)" "5pu"
	eq "$(vlans_of vif6)" "6pu"
	eq "$(vlans_of vif4)" "4pu 100 200"
	run vn sea set sea0 adapter vif3 pvid 5 adapter vif4 pvid 4 vlans 100,200 adapter vif6 pvid 6
	[ "$output" = "sea sea0: no change" ]

	# Adapters left out go: those the SEA made are deleted, the others released.
	run vn sea set sea0 adapter vif3 pvid 5 adapter guest5 pvid 7 vlans 8
	[ "$status" -eq 0 ]
	run ip -n "$NS" -j link show
	eq "$(jq -r 'map(.ifname) | map(select(test("^vif"))) | sort | join(" ")' <<<"$output")" "vif3 vif3-peer"
	eq "$(lj guest5 ' | "\(.master) \(.flags | index("UP") != null)"')" "sea0 true"
	eq "$(vlans_of guest5)" "7pu 8"
	eq "$(vlans_of ent0)" "5pu 7 8"
	run vn sea set sea0 adapter vif3 pvid 5
	[ "$status" -eq 0 ]
	[[ "$output" == *"sea sea0: guest5 down (as before the SEA took it)"* ]]
	eq "$(lj guest5 ' | "\(.master // "-") \(.flags | index("UP") != null)"')" "- false"
	eq "$(vlans_of guest5)" ""

	# A default that is no adapter any more is refused, not dropped quietly.
	expect_fail 1 "default vif3: not one of the adapters" -- sea set sea0 adapter vif7 pvid 7
}

@test "mtu reaches every link; from a bond back to one NIC; sea del leaves the NICs as they were" {
	require_feature bonding
	before=$(nic_state)
	[ "$(wc -l <<<"$before")" -eq 3 ]
	run vn sea add sea0 backing ent0,ent1 adapter vif3 pvid 3 adapter guest5 pvid 5 default guest5 mtu 9000
	[ "$status" -eq 0 ]
	run ip -n "$NS" -j link show
	eq "$(jq -r 'map(select(.ifname | test("^(sea0|sea0-ha|ent[01]|vif3|vif3-peer|guest5)$")) |
		"\(.ifname) \(.mtu) \(.flags | index("UP") != null)") | sort | join(",")' <<<"$output")" \
		"ent0 9000 true,ent1 9000 true,guest5 9000 true,sea0 9000 true,sea0-ha 9000 true,vif3 9000 true,vif3-peer 9000 true"
	eq "$(lj sea0 .ifalias)" "vnetctl-sea:sea0 backing=ent0,ent1 default=guest5 mtu=9000 down=ent1,guest5 orig-mtu=ent0:1500,ent1:1500,guest5:1500"

	# ha-mode disabled: the bond goes, ent1 is the trunk, ent0 as it was.
	run vn sea set sea0 backing ent1 ha-mode disabled
	[ "$status" -eq 0 ]
	eq "$(nic_state | grep '^ent0')" "$(grep '^ent0' <<<"$before")"
	eq "$(lj ent1 ' | "\(.master) \(.mtu)"')" "sea0 9000"
	eq "$(vlans_of ent1)" "3 5pu"
	run ip -n "$NS" link show dev sea0-ha
	[ "$status" -ne 0 ]

	run vn sea del sea0
	[ "$status" -eq 0 ]
	eq "$(nic_state)" "$before"
	run ip -n "$NS" -j link show
	eq "$(jq -r 'map(.ifname) | map(select(test("^(sea0|vif3)"))) | length' <<<"$output")" 0
	run vn sea del sea0
	[ "$output" = "sea sea0: no change" ]
}
