#!/usr/bin/env bats
# show's run-time state: carrier, operstate, STP port states, the root; checked with ip and bridge.

bats_require_minimum_version 1.5.0
load ../../lib/common
load views

setup() { common_setup; }
teardown() { common_teardown; }

@test "a port whose veth peer is down: no carrier in -j and in text, as ip says" {
	veth a
	vn bridge add br0 ports a up
	up a
	# linkwatch sets the operstate later, on its own.
	until_ok 20 eval '[ "$(lj a .operstate)" = LOWERLAYERDOWN ]'
	run vn -j bridge show br0
	[ "$status" -eq 0 ]
	eq "$(jq -c '.[0].ports[0] | [.name, .admin, .carrier, .operstate]' <<<"$output")" '["a","up",false,"lowerlayerdown"]'
	[[ "$(lj a '.flags|join(",")')" == *NO-CARRIER* ]]
	run vn bridge show br0
	[[ "${lines[1]}" == *"a (disabled, no carrier)" ]]
	up ap
	until_ok 20 eval '[ "$(lj a .operstate)" = UP ]'
	run vn -j bridge show br0
	eq "$(jq -c '.[0].ports[0] | [.carrier, .operstate]' <<<"$output")" '[true,"up"]'
	eq "$(jq -r '.[0].ports[0].state' <<<"$output")" "$(brport_state a)"
}

@test "an STP loop: the blocked port is blocking in show -j and in text, as bridge link says" {
	stp_loop
	blocked=$(blocking_port)
	for p in a ap; do
		agrees "brport_state $p" "vn -j bridge show br0 | jq -r --arg p $p '.[0].ports[] | select(.name == \$p) | .state'"
	done
	run vn -j bridge show br0
	[ "$status" -eq 0 ]
	eq "$(jq -r --arg p "$blocked" '.[0].ports[] | select(.name == $p) | .state' <<<"$output")" blocking
	run vn bridge show br0
	[[ "$output" == *"$blocked (blocking)"* ]]
}

@test "the root bridge and root port of a second bridge, as ip -d says" {
	veth x
	vn bridge add br0 stp on priority 4096 forward-delay 2 hello-time 1 ports x up
	vn bridge add br1 stp on priority 32768 forward-delay 2 hello-time 1 ports xp up
	up x xp
	until_ok 30 eval '[ "$(lj br1 .linkinfo.info_data.root_port)" != 0 ]'
	run vn -j bridge show
	[ "$status" -eq 0 ]
	root=$(jq -r '.[] | select(.name == "br0") | .bridge_id' <<<"$output")
	eq "$(jq -r '.[] | select(.name == "br1") | .root_id' <<<"$output")" "$root"
	eq "$(jq -r '.[] | select(.name == "br0") | .root_port' <<<"$output")" null
	eq "$(jq -r '.[] | select(.name == "br1") | .root_port' <<<"$output")" xp
	# iproute2 6.1's ip -d writes br1's own id as its root_id: sysfs says it right.
	eq "$(ip netns exec "$NS" cat /sys/class/net/br1/bridge/root_id)" "$root"
	eq "$(jq -r '.[] | select(.name == "br1") | .root_path_cost' <<<"$output")" "$(lj br1 .linkinfo.info_data.root_path_cost)"
	eq "$(printf %d "$(lj xp .linkinfo.info_slave_data.no)")" "$(lj br1 .linkinfo.info_data.root_port)"
	run vn bridge show br1
	[[ "$output" == *"designated root $root, root port xp, path cost"* ]]
}

@test "show -j names a bridge's topology change as ip does" {
	stp_loop
	agrees '[ "$(lj br0 .linkinfo.info_data.topology_change)" = 1 ] && echo true || echo false' \
		"vn -j bridge show br0 | jq -r '.[0].topology_change'"
}
