#!/usr/bin/env bats
# apply --prune and SEAs: a SEA that the file no longer names goes exactly
# as "sea del" takes it away (its bridge, the bond and the veths it made;
# the NICs back as they were), and no other kind's prune takes a SEA's
# bridge, bond or veths apart. Needs bridge VLAN filtering and bonding: VM
# tier.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	require_feature vlan_filtering bonding dummy
	F=$BATS_TEST_TMPDIR/host.conf
	# The NICs: ent0 (a veth) up, ent1 (a dummy) down; guest5 down.
	veth ent0
	ip -n "$NS" link add name ent1 type dummy
	veth guest5
	ip -n "$NS" link set dev ent0 up
	ip -n "$NS" link set dev ent0p up
}
teardown() { common_teardown; }

SEA_WORDS=(sea add sea0 backing ent0,ent1 adapter vif3 pvid 3 vlans 30 adapter guest5 pvid 5
	default guest5 mtu 9000)

# name up mtu master, for the links the SEA takes over.
nic_state() {
	ip -n "$NS" -j link show | jq -r 'map(select(.ifname | test("^(ent[01]|guest5)$")) |
		"\(.ifname) \(.flags | index("UP") != null) \(.mtu) \(.master // "-")") | .[]'
}

# Every link's name and kind, and the bridge VLANs of every port.
links_and_vlans() {
	ip -n "$NS" -j -d link show | jq -r 'map("\(.ifname) \(.linkinfo.info_kind // "-") \(.master // "-")") | sort | .[]'
	bridge -n "$NS" -j vlan show | jq -c 'map(.ifname) | sort'
}

@test "a SEA the file leaves out goes as sea del takes it away; the NICs as they were" {
	before_nics=$(nic_state)
	before=$(links_and_vlans)
	echo "${SEA_WORDS[*]}" > "$F"
	vn apply "$F"
	eq "$(lj sea0-ha .master)/$(lj vif3 .master)/$(lj guest5 .master)" "sea0/sea0/sea0"

	# The plan of the prune is the plan of sea del, step for step.
	echo "# nothing" > "$F"
	run vn --dry-run sea del sea0
	[ "$status" -eq 0 ]
	want=$output
	run vn --dry-run apply --prune "$F"
	[ "$status" -eq 0 ]
	eq "$output" "$want"
	[[ "$output" == *"sea sea0: delete adapter vif3 (and its peer)"* ]]
	[[ "$output" == *"sea sea0: delete bond sea0-ha"* ]]
	[[ "$output" == *"sea sea0: delete bridge sea0"* ]]
	[[ "$output" != *"bridge sea0: delete"* ]]
	[[ "$output" != *"veth vif3: delete"* ]]

	run vn apply --prune "$F"
	[ "$status" -eq 0 ]
	# The kernel's view: no bridge, no bond, no veth of the SEA; the NICs
	# up or down as before, their MTU back, on no master, no VLANs.
	eq "$(links_and_vlans)" "$before"
	eq "$(nic_state)" "$before_nics"
	run vn apply --prune "$F"
	eq "$output" "$F: no change"
}

@test "--prune keeps a SEA the file names, deletes the others, and takes no SEA apart as bridge, bond or veth" {
	vn sea add sea1 backing ent1 adapter vif1 pvid 1
	# A SEA with a link out of vnetctl's group is out of --prune's reach, whole.
	vn sea add sea2 backing guest5 adapter vif5 pvid 5
	ip -n "$NS" link set dev sea2 group default
	before=$(links_and_vlans)
	before_ent0=$(nic_state | grep '^ent0 ')
	conf=$(vn sea show --config)
	vn sea add sea0 backing ent0 adapter vif3 pvid 3 adapter vif4 pvid 4 ha-mode auto
	vn bridge add br9
	vn veth add v9 peer v9p
	sea1=$(vn sea show --config | grep '^sea add sea1 ')
	echo "$sea1" > "$F"

	run vn apply --prune "$F"
	[ "$status" -eq 0 ]
	[[ "$output" == *"bridge br9: delete"* ]]
	[[ "$output" == *"veth v9p: delete (and with it its peer v9)"* ]]
	[[ "$output" == *"sea sea0: delete bridge sea0"* ]]
	[[ "$output" != *sea1* && "$output" != *sea2* && "$output" != *vif5* ]]
	[[ "$output" != *"bridge sea0: delete"* ]]
	[[ "$output" != *"bond sea0-ha: delete"* ]]
	[[ "$output" != *"veth vif3: delete"* ]]
	eq "$(links_and_vlans)" "$before"
	eq "$(nic_state | grep '^ent0 ')" "$before_ent0"
	eq "$(vn sea show --config)" "$conf"
}

@test "--prune takes away what a SEA left behind: an adapter whose bridge is gone" {
	before=$(links_and_vlans)
	vn sea add sea0 backing ent0 adapter vif3 pvid 3
	ip -n "$NS" link del sea0
	expect_fail 1 "veth vif3: an adapter a SEA made (its alias: vnetctl-sea:sea0)" -- veth del vif3
	echo "# nothing" > "$F"
	run vn apply --prune "$F"
	[ "$status" -eq 0 ]
	eq "$output" "sea sea0: delete adapter vif3 (and its peer)"
	eq "$(links_and_vlans)" "$before"
}

# The snapshot without what a remade link cannot keep: its bridge port
# number, which follows the order the ports (re)join.
remade_snapshot() {
	snapshot | sed -E '/"(no|id|designated_port)"/d'
}

@test "a prune that fails further on gives the SEA back as it was" {
	vn "${SEA_WORDS[@]}"
	ip -n "$NS" link add name brx type bridge
	# Settled first: the bond's MII monitor and the carriers move for a while.
	before=$(remade_snapshot)
	for _ in $(seq 10); do
		sleep 0.5
		now=$(remade_snapshot)
		[ "$now" = "$before" ] && break
		before=$now
	done
	echo "bridge add br1 ports brx" > "$F"
	run --separate-stderr vn apply --prune "$F"
	[ "$status" -eq 1 ] || { echo "exit $status: $stderr" >&2; false; }
	[[ "$stderr" == *"the steps before it were undone"* ]]
	[[ "$stderr" != *WARNING* ]]
	# And again once the links are made again: a few seconds to settle.
	for _ in $(seq 10); do
		[ "$(remade_snapshot)" = "$before" ] && break
		sleep 0.5
	done
	diff -u <(echo "$before") <(remade_snapshot)
}
