#!/usr/bin/env bats
# Bridge VLAN filtering: bridge options, port PVIDs and VLAN lists. These need
# CONFIG_BRIDGE_VLAN_FILTERING, which the host kernel lacks: the VM tier runs them.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	require_feature vlan_filtering
	veth a; veth b
}
teardown() { common_teardown; }

@test "vlan-filtering, vlan-protocol and default-pvid" {
	vn bridge add br0 vlan-filtering on vlan-protocol 802.1ad default-pvid 7
	j=$(link_json br0)
	[ "$(jq -r .linkinfo.info_data.vlan_filtering <<<"$j")" = 1 ]
	[ "$(jq -r .linkinfo.info_data.vlan_protocol <<<"$j")" = 802.1ad ]
	[ "$(jq -r .linkinfo.info_data.vlan_default_pvid <<<"$j")" = 7 ]
	vn bridge set br0 default-pvid none vlan-protocol 802.1q
	[ "$(lj br0 .linkinfo.info_data.vlan_default_pvid)" = 0 ]
	[ "$(lj br0 .linkinfo.info_data.vlan_protocol)" = 802.1Q ]
	run vn bridge add br0 vlan-filtering on vlan-protocol 802.1q default-pvid none
	[ "$output" = "bridge br0: no change" ]
}

# VLANs need CONFIG_BRIDGE_VLAN_FILTERING: the VM tier runs these.

# A port's VLANs as "VID[:FLAGS]" words, ranges spelt out (bridge prints
# ranges only with -c, and only as the kernel happens to pack them).
vlans_of() {
	bridge -n "$NS" -j vlan show dev "$1" | jq -r '[.[0].vlans[] | range(.vlan; (.vlanEnd // .vlan) + 1) as $v | "\($v)" + (if (.flags // []) | length > 0 then ":" + ((.flags | sort) | join(",")) else "" end)] | join(" ")'
}

@test "access port: pvid 3 untagged 3 replaces the default VLAN" {
	vn bridge add br0 vlan-filtering on up
	run vn bridge port add br0 a pvid 3 untagged 3
	[ "$status" -eq 0 ]
	[ "$(vlans_of a)" = "3:Egress Untagged,PVID" ]
	run vn bridge port set br0 a pvid 3 untagged 3
	[ "$output" = "bridge br0 port a: no change" ]
}

@test "trunk port: vlans 10-20 go in one request, tagged" {
	vn bridge add br0 vlan-filtering on default-pvid none up
	run vn bridge port add br0 b vlans 10-20
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "bridge br0 port b: add vlans 10-20" ]
	[ "$(vlans_of b)" = "$(seq -s ' ' 10 20)" ]
	# Changing the list removes and adds exactly the difference.
	run vn bridge port set br0 b vlans 15-25
	[ "${lines[0]}" = "bridge br0 port b: remove vlans 10-14" ]
	[ "${lines[1]}" = "bridge br0 port b: add vlans 21-25" ]
	[ "$(vlans_of b)" = "$(seq -s ' ' 15 25)" ]
	vn bridge port set br0 b vlans none
	[ "$(bridge -n "$NS" -j vlan show dev b | jq '.[0].vlans | length // 0')" = 0 ]
}

@test "trunk with a native VLAN, then pvid none" {
	vn bridge add br0 vlan-filtering on up
	vn bridge port add br0 a pvid 5 untagged 5 vlans 100,200
	[ "$(vlans_of a)" = "5:Egress Untagged,PVID 100 200" ]
	vn bridge port set br0 a pvid none untagged none
	[ "$(vlans_of a)" = "100 200" ]
	run vn -j bridge show br0
	[ "$(jq -r '.[0].ports[0].vlans' <<<"$output")" = "100,200" ]
	[ "$(jq -r '.[0].ports[0].pvid' <<<"$output")" = null ]
}

@test "an undone removal gives a port back its 4094 VLANs and their flags" {
	vn bridge add br0 vlan-filtering on default-pvid none up
	# Every other VLAN untagged: the undo's request is as long as one gets.
	vn bridge port add br0 b vlans 1-4094 untagged "$(seq -s , 1 2 4094)" pvid 7
	before=$(vlans_of b)
	[ "$(bridge -n "$NS" -j vlan show dev b | jq '[.[0].vlans[] | (.vlanEnd // .vlan) - .vlan + 1] | add')" = 4094 ]
	[[ "$before" == "1:Egress Untagged 2 3:Egress Untagged "* ]]
	[[ "$before" == *" 7:Egress Untagged,PVID "* ]]
	# The VLANs go first; then the kernel refuses a bridge in a bridge.
	ip -n "$NS" link add name br9 type bridge
	printf 'bridge port set br0 b vlans none untagged none pvid none\nbridge add br1 ports br9\n' \
		>"$BATS_TEST_TMPDIR/undo.conf"
	run -1 vn apply "$BATS_TEST_TMPDIR/undo.conf"
	[[ "$output" == *"failed"*"undone"* ]]
	[ "$(vlans_of b)" = "$before" ]
	! ip -n "$NS" link show br1 2>/dev/null
}

@test "16 ports of 2047 separate VLANs: more than one datagram holds, all applied" {
	vn bridge add br0 vlan-filtering on default-pvid none up
	for i in $(seq 1 16); do
		ip -n "$NS" link add name "p$i" master br0 type veth peer name "q$i"
	done
	# Each request lists 2047 entries (16 KB): 262 KB in all, more than
	# the socket's send buffer lets one datagram hold.
	vlans=$(seq -s , 2 2 4094)
	for i in $(seq 1 16); do
		echo "bridge port set br0 p$i vlans $vlans"
	done >"$BATS_TEST_TMPDIR/big.conf"
	run vn -j apply "$BATS_TEST_TMPDIR/big.conf"
	[ "$status" -eq 0 ]
	[ "$(jq -c '[.requests, (.operations | length)]' <<<"$output")" = '[16,16]' ]
	[ "$(bridge -n "$NS" -j vlan show | jq -c '[.[] | select(.ifname | test("^p[0-9]+$")) | [.vlans[] | range(.vlan; (.vlanEnd // .vlan) + 1)] == [range(2; 4095; 2)]] | [length, all]')" = '[16,true]' ]
	run vn apply "$BATS_TEST_TMPDIR/big.conf"
	[ "$output" = "$BATS_TEST_TMPDIR/big.conf: no change" ]
}
