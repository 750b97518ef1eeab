#!/usr/bin/env bats
# The VIOS picture end to end: a SEA over one backing NIC whose far end sits
# in a "switch" namespace with 802.1Q interfaces for VLANs 3 and 4 and an
# untagged address; three clients on adapters the SEA creates, with PVIDs 1
# (the default adapter), 3 and 4. Each client reaches its own VLAN and no
# other. Needs bridge VLAN filtering and 8021q: VM tier.
#
# The clients' /16 puts every switch address on their link, and the switch
# answers ARP only on the interface that holds the address (arp_ignore 1):
# a ping that fails fails because the frame arrived in another VLAN.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

SEA_ADD=(sea add sea0 backing ent1 adapter vif1 pvid 1 adapter vif3 pvid 3
	adapter vif4 pvid 4 vlans 100,200 default vif1)

setup() {
	common_setup
	require_feature vlan_filtering 8021q
	SW=$NS-sw
	ip netns add "$SW"
	ip -n "$SW" link set lo up
	ip netns exec "$SW" sysctl -qw net.ipv4.conf.all.arp_ignore=1
	ip -n "$NS" link add name ent1 type veth peer name swp netns "$SW"
	ip -n "$SW" link set dev swp up
	ip -n "$SW" addr add 10.0.0.1/24 dev swp
	for v in 3 4; do
		ip -n "$SW" link add link swp name swp.$v type vlan id $v
		ip -n "$SW" addr add 10.0.$v.1/24 dev swp.$v
		ip -n "$SW" link set dev swp.$v up
	done
}
teardown() {
	ip netns del "$SW" 2>/dev/null || true
	for c in 1 3 4; do ip netns del "$NS-c$c" 2>/dev/null || true; done
	common_teardown
}

# The adapter's guest side into a client namespace, with an address.
client() {
	ip netns add "$NS-c$1"
	ip -n "$NS-c$1" link set lo up
	ip -n "$NS" link set dev "vif$1-peer" netns "$NS-c$1"
	ip -n "$NS-c$1" addr add "$2" dev "vif$1-peer"
	ip -n "$NS-c$1" link set dev "vif$1-peer" up
}

reaches() {
	ip netns exec "$NS-c$1" ping -q -c 3 -i 0.3 -W 3 "$2" | grep -qE ' [1-9][0-9]* (packets )?received'
}

# One ping, a short wait: for addresses that must stay out of reach.
misses() {
	if ip netns exec "$NS-c$1" ping -q -c 1 -W 1 "$2" >/dev/null 2>&1; then
		echo "client $1 reached $2" >&2
		return 1
	fi
}

# Every port's VLANs as "VID" plus p (PVID) and u (egress untagged).
port_vlans() {
	bridge -n "$NS" -j vlan show | jq -cS 'map({(.ifname): [.vlans[] |
		"\(.vlan)\(if (.flags // []) | index("PVID") then "p" else "" end)\(if (.flags // []) | index("Egress Untagged") then "u" else "" end)"]}) | add'
}

@test "VIOS scenario: each client reaches its own VLAN, the default adapter's the untagged network" {
	run vn "${SEA_ADD[@]}"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sea sea0: bridge sea0: create (stp off vlan-filtering on default-pvid none up)" ]

	# The kernel's own view: exactly the plan; the SEA itself (the host) in the default adapter's PVID.
	eq "$(port_vlans)" '{"ent1":["1pu","3","4","100","200"],"sea0":["1pu"],"vif1":["1pu"],"vif3":["3pu"],"vif4":["4pu","100","200"]}'
	run ip -n "$NS" -j -d link show
	eq "$(jq -r 'map(select(.ifname == "sea0")) | .[0] | .linkinfo.info_data |
		"\(.vlan_filtering) \(.vlan_default_pvid) \(.stp_state)"' <<<"$output")" "1 0 0"
	eq "$(jq -r 'map(select(.ifname | test("^(sea0|ent1|vif[134](-peer)?)$")) |
		"\(.ifname) \(.master // "-") \(.flags | index("UP") != null) \(.ifalias // "-")") | sort | .[]' <<<"$output")" \
"ent1 sea0 true -
sea0 - true vnetctl-sea:sea0 backing=ent1 default=vif1 down=ent1
vif1 sea0 true vnetctl-sea:sea0
vif1-peer - true -
vif3 sea0 true vnetctl-sea:sea0
vif3-peer - true -
vif4 sea0 true vnetctl-sea:sea0
vif4-peer - true -"

	client 1 10.0.0.2/16
	client 3 10.0.3.2/16
	client 4 10.0.4.2/16
	reaches 3 10.0.3.1
	reaches 4 10.0.4.1
	reaches 1 10.0.0.1
	misses 3 10.0.4.1
	misses 3 10.0.0.1
	misses 4 10.0.3.1
	misses 4 10.0.0.1
	misses 1 10.0.3.1

	# The host's own address on the SEA: untagged, in the default adapter's VLAN, as a VIOS's SEA interface.
	vn sea set sea0 addresses 10.0.0.5/16
	ip netns exec "$NS" ping -q -c 3 -i 0.3 -W 3 10.0.0.1 | grep -qE ' [1-9] (packets )?received'
	ip netns exec "$NS" ping -q -c 3 -i 0.3 -W 3 10.0.0.2 | grep -qE ' [1-9] (packets )?received'
	run ip netns exec "$NS" ping -q -c 1 -W 1 10.0.3.2
	[ "$status" -ne 0 ]
}

@test "re-adding changes nothing; show, show -j and show --config describe it; the config applies as no change" {
	vn "${SEA_ADD[@]}"
	monitor_start
	snap=$(snapshot)
	run vn "${SEA_ADD[@]}"
	monitor_stop
	[ "$status" -eq 0 ]
	[ "$output" = "sea sea0: no change" ]
	[ ! -s "$MONITOR_OUT" ]
	eq "$(snapshot)" "$snap"

	run vn sea show sea0
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "SEA               sea0" ]
	[[ "$output" == *"Backing device(s) ent1"*"active"* ]]
	[[ "$output" == *"ha-mode           disabled"* ]]
	[[ "$output" == *"Default adapter   vif1"* ]]
	[[ "$output" == *$'\nvif4            4     100,200             up'* ]]

	run vn -j sea show
	eq "$(jq -c '.[0] | [.name, .backing, .ha_mode, .default, .active_backing,
		(.adapters | map("\(.name):\(.pvid):\(.vlans):\(.state)"))]' <<<"$output")" \
		'["sea0",["ent1"],"disabled","vif1","ent1",["vif1:1:none:up","vif3:3:none:up","vif4:4:100,200:up"]]'

	run vn sea show --config
	[ "$output" = "sea add sea0 backing ent1 ha-mode disabled adapter vif1 pvid 1 adapter vif3 pvid 3 adapter vif4 pvid 4 vlans 100,200 default vif1" ]
	read -ra words <<<"$output"
	run vn "${words[@]}"
	[ "$output" = "sea sea0: no change" ]

	# Not a SEA: an error, and so is a name that is a plain bridge.
	ip -n "$NS" link add name br9 type bridge
	expect_fail 1 "br9 is a bridge, not a SEA" -- sea show br9
	expect_fail 1 "no such SEA" -- sea show sea9
}
