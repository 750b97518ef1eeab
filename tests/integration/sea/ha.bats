#!/usr/bin/env bats
# ha-mode: two backing links (veths whose far ends a "switch" namespace
# bridges, with a VLAN 3 interface on it) under the SEA's active-backup
# bond; a client on PVID 3 keeps reaching the switch when the active link
# fails, and ha-mode standby moves the traffic to the other link. Needs
# bonding, 8021q and bridge VLAN filtering: VM tier.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	require_feature bonding vlan_filtering 8021q
	SW=$NS-sw C3=$NS-c3
	ip netns add "$SW"
	ip netns add "$C3"
	for i in 0 1; do
		ip -n "$NS" link add name ent$i type veth peer name sw$i netns "$SW"
	done
	ip -n "$SW" link add name swbr type bridge
	for d in sw0 sw1; do ip -n "$SW" link set dev $d master swbr up; done
	ip -n "$SW" link set dev swbr up
	ip -n "$SW" link add link swbr name swbr.3 type vlan id 3
	ip -n "$SW" addr add 10.3.0.1/24 dev swbr.3
	ip -n "$SW" link set dev swbr.3 up
}
teardown() {
	ip netns del "$SW" 2>/dev/null || true
	ip netns del "$C3" 2>/dev/null || true
	common_teardown
}

client_ping() {
	ip netns exec "$C3" ping -q -c 3 -i 0.3 -W 3 10.3.0.1 | grep -qE ' [1-9][0-9]* (packets )?received'
}

# active_slave and wait_active (tests/lib/common.bash) read bond sea0-ha.
BOND=sea0-ha

# "active ha-mode" as sea show -j reports them.
sea_active() {
	vn -j sea show sea0 | jq -r '.[0] | "\(.active_backing) \(.ha_mode)"'
}

@test "ha-mode auto survives losing the active link; standby moves traffic to the other" {
	run vn sea add sea0 backing ent0,ent1 ha-mode auto adapter vif3 pvid 3
	[ "$status" -eq 0 ]
	[[ "$output" == *"sea sea0: bond sea0-ha: create (mode active-backup miimon 100 primary ent0 up)"* ]]
	run ip -n "$NS" -j -d link show
	eq "$(jq -r 'map(select(.ifname | test("^(sea0-ha|ent[01])$")) |
		"\(.ifname) \(.master // "-") \(.linkinfo.info_data.mode // "-") \(.linkinfo.info_data.miimon // "-") \(.linkinfo.info_data.primary // "-") \(.ifalias // "-")") | sort | .[]' <<<"$output")" \
"ent0 sea0-ha - - - -
ent1 sea0-ha - - - -
sea0-ha sea0 active-backup 100 ent0 vnetctl-sea:sea0"
	eq "$(bridge -n "$NS" -j vlan show dev sea0-ha | jq -c '.[0].vlans')" '[{"vlan":3}]'

	ip -n "$NS" link set dev vif3-peer netns "$C3"
	ip -n "$C3" addr add 10.3.0.2/24 dev vif3-peer
	ip -n "$C3" link set dev vif3-peer up
	wait_active ent0
	client_ping
	eq "$(sea_active)" "ent0 auto"

	# The active link fails at the far end: the bond moves, traffic follows.
	ip -n "$SW" link set dev sw0 down
	wait_active ent1
	client_ping
	eq "$(sea_active)" "ent1 auto"
	run vn sea show sea0
	[[ "$output" == *"ent0            no-carrier"* ]]
	[[ "$output" == *"ent1            up         active"* ]]
	ip -n "$SW" link set dev sw0 up
	wait_active ent0 # the primary takes over again

	# A manual failover: the second device becomes the primary.
	run vn sea set sea0 ha-mode standby
	[ "$status" -eq 0 ]
	[ "$output" = "sea sea0: bond sea0-ha: set primary ent0 -> ent1" ]
	wait_active ent1
	client_ping
	eq "$(sea_active)" "ent1 standby"
	run vn sea show sea0
	[[ "$output" == *"ha-mode           standby (bond sea0-ha)"* ]]
	run vn sea set sea0 ha-mode standby
	[ "$output" = "sea sea0: no change" ]

	# And back.
	run vn sea set sea0 ha-mode auto
	[ "$output" = "sea sea0: bond sea0-ha: set primary ent1 -> ent0" ]
	wait_active ent0
	client_ping
}
