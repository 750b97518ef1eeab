#!/usr/bin/env bats
# The operators' views on Debian's kernel (VM tier): bond failover, SEA VLANs, VF checks,
# a VLAN-filtering bridge's black hole; checked with /proc/net/bonding, bridge and ip.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features
load views

setup() { common_setup; MON_PID=; }
teardown() {
	[ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null
	[ -n "${ID:-}" ] && echo "$ID" > /sys/bus/netdevsim/del_device 2>/dev/null
	common_teardown
}

bonding() { ip netns exec "$NS" cat /proc/net/bonding/bond0; }
# A field of a slave's block in /proc/net/bonding/bond0: slave_field SLAVE "Link Failure Count"
slave_field() {
	bonding | awk -v s="$1" -v f="$2" '/^Slave Interface:/ { cur = $3 } cur == s && index($0, f ": ") == 1 { sub(f ": ", ""); print; exit }'
}
active_slave() { bonding | sed -n 's/^Currently Active Slave: //p'; }

@test "bond failover: one failover event, and bond show agrees with /proc/net/bonding" {
	require_feature bonding
	veth nic0; veth nic1
	up nic0p nic1p
	vn bond add bond0 mode active-backup miimon 100 primary nic0 slaves nic0,nic1 up
	until_ok 20 eval '[ "$(active_slave)" = nic0 ] && [ "$(slave_field nic1 "MII Status")" = up ]'
	MON_PROBE=bond mon_start -j monitor bond
	ip -n "$NS" link set dev nic0p down
	mon_wait '"event":"failover"'
	until_ok 20 eval '[ "$(active_slave)" = nic1 ]'
	mon_stop
	[ "$MON_STATUS" -eq 0 ]
	eq "$(grep -c '"event":"failover"' "$MON_OUT")" 1
	eq "$(jq -r 'select(.event == "failover") | "\(.link) \(.active_slave) \(.was)"' "$MON_OUT")" "bond0 nic1 nic0"
	run vn -j bond show bond0
	eq "$(jq -r '.[0].active_slave' <<<"$output")" "$(active_slave)"
	for s in nic0 nic1; do
		eq "$(jq -r --arg s "$s" '.[0].slaves[] | select(.name == $s) | .link_failure_count' <<<"$output")" "$(slave_field "$s" "Link Failure Count")"
		eq "$(jq -r --arg s "$s" '.[0].slaves[] | select(.name == $s) | .mii_status' <<<"$output")" "$(slave_field "$s" "MII Status")"
	done
	eq "$(jq -r '.[0].slaves[] | select(.name == "nic0") | .carrier' <<<"$output")" false
	run vn bond show bond0
	[[ "$output" == *"Currently Active Slave: nic1"* ]]
	run vn -j diagnose bond bond0
	[ "$status" -eq 1 ]
	eq "$(jq -r '.[] | select(.check == "primary") | .status' <<<"$output")" warn
	eq "$(jq -r '.[] | select(.check == "slave") | "\(.status) \(.port)"' <<<"$output")" "fail nic0"
}

@test "a SEA adapter with a VLAN its backing device does not carry: diagnose fails it" {
	require_feature bonding 8021q vlan_filtering
	veth eth1
	up eth1p
	vn apply "$EX/vios-sea.conf"
	up eth1
	run vn -j diagnose sea sea0
	echo "$output" >&2
	eq "$(jq -r '[.[] | select(.check == "vlan" and .status != "ok")] | length' <<<"$output")" 0
	bridge -n "$NS" vlan del dev eth1 vid 200
	! bridge -n "$NS" -j vlan show dev eth1 | jq -e '.[0].vlans[] | select(.vlan == 200)' >/dev/null
	run vn -j diagnose sea sea0
	[ "$status" -eq 1 ]
	eq "$(jq -r '.[] | select(.check == "vlan" and .status == "fail") | "\(.port) \(.message)"' <<<"$output")" \
		"vadapt4 VLAN 200, which its backing device eth1 does not carry"
	run vn diagnose sea sea0
	[[ "$output" == *"fail  sea sea0 port vadapt4: VLAN 200"* ]]
}

@test "a port with no PVID and no VLAN on a VLAN-filtering bridge: a black hole" {
	require_feature vlan_filtering
	veth a
	vn bridge add br0 vlan-filtering on ports a up
	vn bridge port set br0 a pvid none vlans none untagged none
	[ "$(bridge -n "$NS" -j vlan show dev a | jq '[.[].vlans[]?] | length')" = 0 ]
	run vn -j diagnose bridge br0
	[ "$status" -eq 1 ]
	eq "$(jq -r '.[] | select(.check == "vlan") | "\(.status) \(.port)"' <<<"$output")" "fail a"
}

@test "VFs on netdevsim: spoof checking off and trust on are warnings, as ip says" {
	require_feature netdevsim
	ID=$((200 + BATS_TEST_NUMBER))
	nsim_pf "$ID"
	vn vf count pf0 2
	vn vf set pf0 all spoofchk on trust off
	run vn -j diagnose vf pf0
	[ "$status" -eq 0 ]
	vn vf set pf0 1 spoofchk off trust on
	[ "$(ip -n "$NS" -j -d link show dev pf0 | jq -r '.[0].vfinfo_list[1] | "\(.spoofchk) \(.trust)"')" = "false true" ]
	run vn -j diagnose vf pf0
	[ "$status" -eq 1 ]
	eq "$(jq -r '[.[] | select(.status == "warn") | "\(.check):\(.port)"] | join(" ")' <<<"$output")" "spoofchk:vf 1 trust:vf 1"
	# The kernel says a changed VF only of a PF that is up.
	up pf0
	mon_start -j monitor vf bridge
	vn vf set pf0 0 trust on
	mon_wait '"event":"vf".*"vf":0'
	mon_stop
}

@test "a guest port's VLAN that the uplink does not carry: diagnose fails it, names the VLAN" {
	require_feature bonding vlan_filtering
	veth nic0; veth vif1.0
	vn bond add bond0 mode active-backup miimon 100 slaves nic0 up
	vn bridge add xenbr0 vlan-filtering on ports bond0,vif1.0 up
	vn bridge port set xenbr0 bond0 vlans 10
	vn bridge port set xenbr0 vif1.0 pvid 10 untagged 10
	run vn -j diagnose bridge xenbr0
	eq "$(jq -r '[.[] | select(.check == "vlan" and .status != "ok")] | length' <<<"$output")" 0
	vn bridge port set xenbr0 vif1.0 pvid 20 untagged 20
	bridge -n "$NS" -j vlan show dev vif1.0 | jq -e '.[0].vlans[] | select(.vlan == 20)' >/dev/null
	! bridge -n "$NS" -j vlan show dev bond0 | jq -e '.[0].vlans[] | select(.vlan == 20)' >/dev/null
	run vn -j diagnose bridge xenbr0
	[ "$status" -eq 1 ]
	eq "$(jq -r '.[] | select(.check == "vlan" and .status == "fail") | "\(.port) \(.message)"' <<<"$output")" \
		"vif1.0 VLAN 20, which no uplink of the bridge carries"
}
