#!/usr/bin/env bats
# apply -j, apply --dry-run -j and check -j: the "diff", each changed object's
# statements before and after (what show --config prints for it). The host is
# read with ip; the before and after texts are compared with show --config
# read at those moments.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	veth eth0
	veth eth1
	F=$BATS_TEST_TMPDIR/host.conf
}
teardown() { common_teardown; }

# The diff's entry for OBJECT, field FIELD: dj JSON OBJECT FIELD
dj() {
	jq -r --arg o "$2" ".diff[] | select(.object == \$o) | .$3" <<<"$1"
}

@test "a dry run's diff: nothing before, the file's settings after; the host untouched" {
	printf '%s\n' 'bridge add br0 stp on priority 4096 ports eth0' > "$F"
	before=$(snapshot)
	run --separate-stderr vn -j apply --dry-run "$F"
	[ "$status" -eq 0 ]
	eq "$(jq -c '[.changed, .dry_run, (.diff | map(.object))]' <<<"$output")" '[true,true,["bridge br0"]]'
	eq "$(dj "$output" 'bridge br0' before)" ""
	after=$(dj "$output" 'bridge br0' after)
	# show --config's words: what was set, not the defaults (a port line only for a port setting).
	[[ "$after" == "bridge add br0 "*"stp on"*"priority 4096"*"ports eth0"* ]]
	eq "$(snapshot)" "$before"
	run ip -n "$NS" link show br0
	[ "$status" -ne 0 ]
}

@test "apply -j: before and after are show --config of the object at those moments" {
	printf '%s\n' 'bridge add br0 forward-delay 4 ports eth0' > "$F"
	vn -q apply "$F"
	conf_before=$(vn bridge show br0 --config)
	sed -i 's/forward-delay 4/forward-delay 7/' "$F"
	run --separate-stderr vn -j apply "$F"
	[ "$status" -eq 0 ]
	eq "$(lj br0 .linkinfo.info_data.forward_delay)" 700
	eq "$(jq -c '[.changed, .operations, (.diff | length)]' <<<"$output")" \
		'[true,["bridge br0: set forward-delay 4 -> 7"],1]'
	eq "$(dj "$output" 'bridge br0' before)" "$conf_before"
	eq "$(dj "$output" 'bridge br0' after)" "$(vn bridge show br0 --config)"
	[[ "$conf_before" == *" forward-delay 4 "* ]]
	[[ "$(dj "$output" 'bridge br0' after)" == *" forward-delay 7 "* ]]
}

@test "no change: diff is empty; a port moved lists both bridges; a prune's delete has nothing after" {
	printf '%s\n' 'bridge add br0 ports eth0,eth1' 'bridge add br1' > "$F"
	vn -q apply "$F"
	run --separate-stderr vn -j apply "$F"
	eq "$(jq -c '[.changed, .diff]' <<<"$output")" '[false,[]]'

	printf '%s\n' 'bridge add br0 ports eth1' 'bridge add br1 ports eth0' > "$F"
	run --separate-stderr vn -j apply "$F"
	[ "$status" -eq 0 ]
	eq "$(lj eth0 .master)" br1
	eq "$(jq -c '.diff | map(.object) | sort' <<<"$output")" '["bridge br0","bridge br1"]'
	[[ "$(dj "$output" 'bridge br0' before)" == *"ports eth0,eth1"* ]]
	[[ "$(dj "$output" 'bridge br0' after)" != *"eth0"* ]]
	[[ "$(dj "$output" 'bridge br1' after)" == *"ports eth0"* ]]

	printf '%s\n' 'bridge add br0 ports eth1' > "$F"
	run --separate-stderr vn -j apply --prune "$F"
	[ "$status" -eq 0 ]
	eq "$(jq -c '[.diff[] | {object, after}]' <<<"$output")" '[{"object":"bridge br1","after":""}]'
	run ip -n "$NS" link show br1
	[ "$status" -ne 0 ]
}

@test "check -j: in_sync, the differences and the diff; exit 1, then 0 once applied" {
	printf '%s\n' 'veth add va peer vb mtu 1400' > "$F"
	before=$(snapshot)
	run --separate-stderr vn -j check "$F"
	[ "$status" -eq 1 ]
	eq "$(jq -c '[.in_sync, .operations, (.diff | map(.object))]' <<<"$output")" \
		'[false,["veth va: create (peer vb mtu 1400)"],["veth va"]]'
	[[ "$(dj "$output" 'veth va' after)" == "veth add va peer vb mtu 1400"* ]]
	eq "$(snapshot)" "$before"
	vn -q apply "$F"
	eq "$(lj vb .mtu)" 1400
	run --separate-stderr vn -j check "$F"
	[ "$status" -eq 0 ]
	eq "$output" '{"in_sync":true,"operations":[],"diff":[]}'
}

@test "a link deleted by a statement of its own: its bridge, which loses the port, is in the diff too" {
	printf '%s\n' 'veth add va peer vb' 'bridge add br0 ports va,eth0' > "$F"
	vn -q apply "$F"
	printf '%s\n' 'veth del va' > "$F"
	run --separate-stderr vn -j apply "$F"
	[ "$status" -eq 0 ]
	j=$output
	eq "$(jq -c '.diff | map(.object)' <<<"$j")" '["veth va","bridge br0"]'
	eq "$(dj "$j" 'veth va' after)" ""
	[[ "$(dj "$j" 'bridge br0' before)" == *" ports "*"va"* ]]
	[[ "$(dj "$j" 'bridge br0' after)" != *" va"* ]]
	run ip -n "$NS" link show va
	[ "$status" -ne 0 ]
	eq "$(ip -n "$NS" -j link show master br0 | jq -r 'map(.ifname) | join(",")')" eth0
}

@test "a bond and a SEA: each described as bond show and sea show --config describe it (VM tier)" {
	require_feature bonding vlan_filtering 8021q
	printf '%s\n' 'bond add bond0 mode active-backup miimon 100 slaves eth0' > "$F"
	cat "$BATS_TEST_DIRNAME/../../../examples/vios-sea.conf" >> "$F"
	run --separate-stderr vn -j apply "$F"
	[ "$status" -eq 0 ]
	j=$output
	eq "$(jq -c '.diff | map(.object) | sort' <<<"$j")" '["bond bond0","sea sea0"]'
	eq "$(dj "$j" 'bond bond0' before)" ""
	eq "$(dj "$j" 'bond bond0' after)" "$(vn bond show bond0 --config)"
	eq "$(dj "$j" 'sea sea0' after)" "$(vn sea show sea0 --config)"
	eq "$(lj eth0 .master)" bond0

	sed -i 's/vlans 100,200/vlans 100/' "$F"
	before=$(vn sea show sea0 --config)
	run --separate-stderr vn -j apply --dry-run "$F"
	eq "$(jq -c '.diff | map(.object)' <<<"$output")" '["sea sea0"]'
	eq "$(dj "$output" 'sea sea0' before)" "$before"
	[[ "$(dj "$output" 'sea sea0' after)" == *"adapter vadapt4 pvid 4 vlans 100 "* ]]
	run --separate-stderr vn -j apply "$F"
	[ "$status" -eq 0 ]
	eq "$(dj "$output" 'sea sea0' after)" "$(vn sea show sea0 --config)"
	eq "$(bridge -n "$NS" -j vlan show dev vadapt4 | jq -c '[.[0].vlans[].vlan] | sort')" '[4,100]'
}

@test "an object its own statement leaves alone, changed by a later one: before is the host's" {
	printf '%s\n' 'bridge add br0 ports eth0' > "$F"
	vn -q apply "$F"
	conf_before=$(vn bridge show br0 --config)
	printf '%s\n' 'bridge add br0 ports eth0' 'bridge port set br0 eth0 cost 7' > "$F"
	run --separate-stderr vn -j apply "$F"
	[ "$status" -eq 0 ]
	eq "$(ip -n "$NS" -j -d link show eth0 | jq '.[0].linkinfo.info_slave_data.cost')" 7
	eq "$(jq -c '[.operations, (.diff | map(.object))]' <<<"$output")" \
		'[["bridge br0 port eth0: set cost 2 -> 7"],["bridge br0"]]'
	eq "$(dj "$output" 'bridge br0' before)" "$conf_before"
	eq "$(dj "$output" 'bridge br0' after)" "$(vn bridge show br0 --config)"
	[[ "$(dj "$output" 'bridge br0' after)" == *"cost 7"* ]]
}

@test "after the plan, a link it left alone keeps the origin of its MAC as read before: set by a user or not" {
	ip -n "$NS" link add name va type veth peer name vb
	ip -n "$NS" link set dev va address 02:00:00:00:00:0a
	ip -n "$NS" link add name vc type veth peer name vd
	printf '%s\n' 'veth add va peer vb up' 'veth add vc peer vd up' > "$F"
	run --separate-stderr vn -j apply "$F"
	[ "$status" -eq 0 ]
	eq "$(ip -n "$NS" -j link show up | jq -r '[.[].ifname // empty | select(test("^v"))] | sort | join(",")')" va,vb,vc,vd
	eq "$(jq -c '.diff | map(.object)' <<<"$output")" '["veth va","veth vc"]'
	eq "$(dj "$output" 'veth va' after)" "$(vn veth show va --config)"
	eq "$(dj "$output" 'veth vc' after)" "$(vn veth show vc --config)"
	[[ "$(dj "$output" 'veth va' after)" == *"address 02:00:00:00:00:0a"* ]]
	[[ "$(dj "$output" 'veth vc' after)" != *"address"* ]]
}
