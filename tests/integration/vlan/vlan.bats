#!/usr/bin/env bats
# vnetctl vlan: 802.1Q/802.1ad interfaces, flags, QoS maps, recreate rules.
# Needs 8021q: VM tier.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	require_feature 8021q
	veth e0
	ip -n "$NS" link set dev e0 up
}
teardown() { common_teardown; }

vd() { lj "$1" ".linkinfo.info_data$2"; }

@test "every option set and read back; re-add is no change" {
	run vn vlan add v11 link e0 id 11 proto 802.1ad reorder-hdr off gvrp on mvrp on \
		loose-binding on ingress-qos-map 1:2,3:4 egress-qos-map 5:6,7:1 mtu 1400 up
	[ "$status" -eq 0 ]
	[ "$(vd v11 .id)" = 11 ]
	[ "$(vd v11 .protocol)" = 802.1ad ]
	[ "$(vd v11 '.flags|sort|join(",")')" = GVRP,LOOSE_BINDING,MVRP ]
	[ "$(vd v11 '.ingress_qos|map("\(.from):\(.to)")|join(",")')" = 1:2,3:4 ]
	[ "$(vd v11 '.egress_qos|map("\(.from):\(.to)")|join(",")')" = 5:6,7:1 ]
	[ "$(lj v11 .mtu)" = 1400 ]
	[ "$(lj v11 .link)" = e0 ]
	monitor_start
	run vn vlan add v11 link e0 id 11 proto 802.1ad reorder-hdr off gvrp on mvrp on \
		loose-binding on ingress-qos-map 1:2,3:4 egress-qos-map 5:6,7:1 mtu 1400 up
	monitor_stop
	[ "$output" = "vlan v11: no change" ]
	[ ! -s "$MONITOR_OUT" ]
}

@test "flags and maps change in place; a map is exact" {
	vn vlan add v5 link e0 id 5 ingress-qos-map 1:2,3:4 egress-qos-map 5:6
	run vn vlan set v5 reorder-hdr off bridge-binding on ingress-qos-map 3:5 egress-qos-map none
	[ "$status" -eq 0 ]
	[ "$(vd v5 '.flags|sort|join(",")')" = BRIDGE_BINDING ]
	[ "$(vd v5 '.ingress_qos|map("\(.from):\(.to)")|join(",")')" = 3:5 ]
	[ "$(vd v5 '.egress_qos // [] | length')" = 0 ]
	run vn vlan set v5 reorder-hdr on
	[ "$(vd v5 '.flags|sort|join(",")')" = BRIDGE_BINDING,REORDER_HDR ]
}

@test "a VLAN with every flag off, made by ip: every field shown, --config (reorder-hdr off alone) makes it again" {
	# The kernel then reports no IFLA_VLAN_FLAGS at all.
	ip -n "$NS" link add name b0 type bridge
	ip -n "$NS" link add link b0 name b0.5 type vlan id 5 reorder_hdr off
	eq "$(vd b0.5 '.flags // [] | length')" 0
	run vn -j vlan show b0.5
	eq "$(jq -c '.[0] | [.reorder_hdr, .gvrp, .mvrp, .loose_binding, .bridge_binding]' <<<"$output")" \
		'[false,false,false,false,false]'
	run vn vlan show b0.5
	[[ "${lines[1]}" == "b0.5 "*" b0 "*" 5  802.1q   - "* ]] || { echo "$output" >&2; false; }
	run vn vlan show --config
	eq "$output" "vlan add b0.5 link b0 id 5 reorder-hdr off down"
	echo "$output" > "$BATS_TEST_TMPDIR/f.conf"
	run vn apply "$BATS_TEST_TMPDIR/f.conf"
	eq "$output" "$BATS_TEST_TMPDIR/f.conf: no change"
	before=$(link_json b0.5 | jq -S '{mtu, linkinfo}')
	ip -n "$NS" link del b0.5
	vn apply "$BATS_TEST_TMPDIR/f.conf"
	eq "$(link_json b0.5 | jq -S '{mtu, linkinfo}')" "$before"
	# And a statement that turns the last flag off is applied, and then no change.
	vn vlan set b0.5 gvrp on
	run vn vlan set b0.5 gvrp off
	eq "$output" "vlan b0.5: set gvrp on -> off"
	run vn vlan set b0.5 gvrp off
	eq "$output" "vlan b0.5: no change"
}

@test "--config: no kernel default, no MTU that is the lower device's; exact round trip" {
	ip -n "$NS" link set dev e0 mtu 9000
	vn vlan add v5 link e0 id 5 up
	vn vlan add v6 link e0 id 6 proto 802.1ad reorder-hdr off gvrp on ingress-qos-map 1:2 mtu 1500
	eq "$(lj v5 .mtu)" 9000
	run --separate-stderr "$VNETCTL" -n "$NS" vlan show --config
	[ "$status" -eq 0 ]
	eq "$output" "vlan add v5 link e0 id 5 up
vlan add v6 link e0 id 6 proto 802.1ad reorder-hdr off gvrp on ingress-qos-map 1:2 mtu 1500 down"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/v.conf"
	round_trip "$BATS_TEST_TMPDIR/v.conf"
	# made again from the file, they are as they were
	want=$(link_json v5 | jq -S '{mtu, linkinfo}')$(link_json v6 | jq -S '{mtu, linkinfo}')
	ip -n "$NS" link del v5
	ip -n "$NS" link del v6
	vn apply "$BATS_TEST_TMPDIR/v.conf"
	eq "$(link_json v5 | jq -S '{mtu, linkinfo}')$(link_json v6 | jq -S '{mtu, linkinfo}')" "$want"
}

@test "id, link and proto: recreated when free, refused when something sits on it" {
	veth e1
	vn vlan add v7 link e0 id 7 egress-qos-map 1:3 up
	run vn vlan set v7 id 8
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "vlan v7: recreate, as id 7 -> 8 cannot change in place: delete" ]]
	[ "$(vd v7 .id)" = 8 ]
	[ "$(vd v7 '.egress_qos|map("\(.from):\(.to)")|join(",")')" = 1:3 ]
	expect_fail 1 'up: the lower device e1 is down' -- vlan set v7 link e1
	ip -n "$NS" link set dev e1 up
	vn vlan set v7 link e1 proto 802.1ad
	[ "$(lj v7 .link)" = e1 ]
	[ "$(vd v7 .protocol)" = 802.1ad ]
	ip -n "$NS" link add link v7 name mv0 type macvlan
	before=$(snapshot)
	expect_fail 1 'vlan v7: id: cannot change in place, and mv0 sits on the VLAN' -- vlan set v7 id 9
	[ "$(snapshot)" = "$before" ]
}

@test "a VLAN on a bond carries tagged traffic to the far side; show, -j, --config" {
	require_feature bonding
	FAR=$NS-far
	ip netns add "$FAR"
	ip -n "$NS" link add name n0 type veth peer name f0 netns "$FAR"
	ip -n "$FAR" link set dev f0 up
	ip -n "$FAR" link add link f0 name f0.100 type vlan id 100
	ip -n "$FAR" link set dev f0.100 up
	ip -n "$FAR" addr add 10.100.0.1/24 dev f0.100
	vn bond add bond0 mode active-backup miimon 100 slaves n0 up
	run vn vlan add bond0.100 link bond0 id 100 egress-qos-map 0:5 up
	[ "$status" -eq 0 ]
	ip -n "$NS" addr add 10.100.0.2/24 dev bond0.100
	ok=0
	for _ in 1 2 3 4 5; do
		ip netns exec "$NS" ping -q -c 1 -W 2 10.100.0.1 >/dev/null && { ok=1; break; }
		sleep 0.5
	done
	ip netns del "$FAR"
	[ "$ok" = 1 ]
	run vn vlan show
	[[ "${lines[0]}" == NAME* ]]
	[[ "$output" == *"bond0.100"*"bond0"*"100"*"802.1q"* ]]
	run vn -j vlan show bond0.100
	[ "$(jq -r '.[0].link' <<<"$output")" = bond0 ]
	[ "$(jq -r '.[0].id' <<<"$output")" = 100 ]
	[ "$(jq -r '.[0].egress_qos_map' <<<"$output")" = 0:5 ]
	run vn vlan show --config
	eq "$output" "vlan add bond0.100 link bond0 id 100 egress-qos-map 0:5 up addresses 10.100.0.2/24"
}

@test "bad input: words (exit 2), host (exit 1), nothing changed" {
	vn vlan add v5 link e0 id 5
	before=$(snapshot)
	expect_fail 2 'id: "0": out of range (1-4094)' -- vlan add v6 link e0 id 0
	expect_fail 2 'id: "4095": out of range (1-4094)' -- vlan add v6 link e0 id 4095
	expect_fail 2 'proto: "802.1x": unknown value' -- vlan add v6 link e0 id 6 proto 802.1x
	expect_fail 2 'ingress-qos-map: "8:1": a VLAN priority (FROM) is 0-7' -- vlan add v6 link e0 id 6 ingress-qos-map 8:1
	expect_fail 2 'egress-qos-map: "1:8": a VLAN priority (TO) is 0-7' -- vlan add v6 link e0 id 6 egress-qos-map 1:8
	expect_fail 2 'vlan v6: add needs id N' -- vlan add v6 link e0
	expect_fail 2 'link: a lower device is required, not none' -- vlan set v5 link none
	expect_fail 2 'vlan v6: add needs link DEV' -- vlan add v6 id 6
	expect_fail 1 'vlan v6: link nosuch: no such interface' -- vlan add v6 link nosuch id 6
	expect_fail 1 'not a VLAN' -- vlan set e0 mtu 1400
	expect_fail 1 'no such VLAN' -- vlan set v9 mtu 1400
	ip -n "$NS" link set dev e0 down
	before=$(snapshot)
	expect_fail 1 'up: the lower device e0 is down' -- vlan add v6 link e0 id 6 up
	[ "$(snapshot)" = "$before" ]
}
