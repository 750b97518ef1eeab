#!/usr/bin/env bats
# What sea refuses, each time with nothing changed: the words alone (exit 2),
# the host (exit 1), and a kernel refusal half-way through, which undoes
# every step taken. The first two run on any kernel; the last needs bridge
# VLAN filtering and bonding.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	require_feature veth bridge
	veth ent0
	veth ent1
	ip -n "$NS" link set dev ent0 up
}
teardown() { common_teardown; }

# bad CODE FRAGMENT WORDS...: refused with CODE, stderr naming FRAGMENT, nothing changed.
bad() {
	local code=$1 frag=$2 snap
	shift 2
	snap=$(snapshot)
	expect_fail "$code" "$frag" -- "$@"
	eq "$(snapshot)" "$snap"
}

@test "word errors exit 2 and change nothing" {
	bad 2 'pvid: "0": out of range (1-4094)' sea add sea0 backing ent0 adapter vif3 pvid 0
	bad 2 'pvid: "4095": out of range (1-4094)' sea add sea0 backing ent0 adapter vif3 pvid 4095
	bad 2 "default vif4: not one of the adapters" \
		sea add sea0 backing ent0 adapter vif3 pvid 3 default vif4
	bad 2 "adapter ent0: it is also a backing device" \
		sea add sea0 backing ent0 adapter ent0 pvid 3
	bad 2 "adapter vif3: vlans: 3 is its pvid" \
		sea add sea0 backing ent0 adapter vif3 pvid 3 vlans 2-4
	bad 2 "adapter vif3: given twice" \
		sea add sea0 backing ent0 adapter vif3 pvid 3 adapter vif3 pvid 4
	bad 2 "adapter vif3: pvid N is required" \
		sea add sea0 backing ent0 adapter vif3 vlans 5 adapter vif4 pvid 4
	bad 2 "adapter vif4: pvid N is required" sea add sea0 backing ent0 adapter vif4
	bad 2 "pvid: belongs to an adapter" sea add sea0 backing ent0 pvid 3 adapter vif3 pvid 3
	bad 2 "at most 12 bytes" sea add sea0123456789 backing ent0 adapter vif3 pvid 3
	bad 2 "ha-mode disabled takes one backing device" \
		sea add sea0 backing ent0,ent1 ha-mode disabled adapter vif3 pvid 3
	bad 2 "ha-mode standby needs a second backing device" \
		sea add sea0 backing ent0 ha-mode standby adapter vif3 pvid 3
	bad 2 "backing: sea0-ha is the SEA's own bond" sea add sea0 backing sea0-ha adapter vif3 pvid 3
	bad 2 "add needs backing" sea add sea0 adapter vif3 pvid 3
	bad 2 "add needs at least one adapter" sea add sea0 backing ent0
	bad 2 "set needs at least one keyword" sea set sea0
	bad 2 'unknown keyword "vlan"' sea add sea0 backing ent0 adapter vif3 pvid 3 vlan 4
}

@test "host errors exit 1, name the cause and change nothing" {
	ip -n "$NS" link add name br9 type bridge
	ip -n "$NS" link set dev ent1 master br9
	bad 1 "backing ent1: already enslaved to br9" sea add sea0 backing ent1 adapter vif3 pvid 3
	bad 1 "adapter ent1: already enslaved to br9" sea add sea0 backing ent0 adapter ent1 pvid 3
	bad 1 "backing eth9: no such interface" sea add sea0 backing eth9 adapter vif3 pvid 3
	bad 1 "needs vif3456789ab-peer, longer than 15 bytes" \
		sea add sea0 backing ent0 adapter vif3456789ab pvid 3
	bad 1 "br9 exists and is a bridge, not a SEA" sea add br9 backing ent0 adapter vif3 pvid 3
	bad 1 "sea0: no such SEA" sea set sea0 mtu 1400
	run vn sea del br9
	[ "$status" -eq 1 ]
	[[ "$output" == *"br9 exists and is a bridge, not a SEA"* ]]
}

@test "a kernel refusal half-way undoes every step" {
	require_feature vlan_filtering bonding
	ip -n "$NS" link add name br9 type bridge
	# br9 passes every check, and the kernel refuses a bridge in a bridge:
	# by then the bridge, the bond and one adapter exist and the NICs moved.
	bad 1 "add adapter br9 to bridge sea0: failed" \
		sea add sea0 backing ent0,ent1 adapter vif3 pvid 3 adapter br9 pvid 9 mtu 9000
	[[ "$stderr" == *"the steps before it were undone"* ]]
}
