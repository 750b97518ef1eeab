#!/usr/bin/env bats
# apply --boot (independent groups, a missing NIC waited for, then its group
# skipped and named) and hotplug IFNAME (the part of the configuration that
# concerns IFNAME; only adds). DESIGN.md "Files", "Boot and hotplug". Any
# kernel: bridges and veths. Checked with ip -j.

bats_require_minimum_version 1.5.0
load ../../lib/common

setup() {
	common_setup
	veth eth0
	D=$BATS_TEST_TMPDIR/vnetctl
	mkdir -p "$D"
	printf '%s\n' "bridge add xenbr0 stp off forward-delay 0 ports eth0 guest-ports vif* up" \
		"bridge port set xenbr0 vif* isolated on" > "$D/10-xen.conf"
	printf '%s\n' "bridge add br1 ports eth5 up" > "$D/20-storage.conf"
	printf '%s\n' "bridge add br2 up" "# a comment" > "$D/30-lab.conf"
	veth eth3
	printf '%s\n' "bridge add br3 ports eth3,eth9 up" "bridge port set br3 eth9 cost 7" > "$D/40-two.conf"
}
teardown() {
	[ -n "${BG:-}" ] && kill "$BG" 2>/dev/null
	common_teardown
}

master() { lj "$1" .master; }
exists() { ip -n "$NS" link show dev "$1" >/dev/null 2>&1; }
# A guest's interface, its far end outside the patterns.
guest() { ip -n "$NS" link add name "$1" type veth peer name "g-$1"; }

@test "--boot: a missing NIC skips its group only, named with the file; the other groups are applied" {
	run --separate-stderr vn apply "$D" --boot --boot-wait 1
	[ "$status" -eq 1 ]
	[ "$(master eth0)" = xenbr0 ]
	exists br2
	! exists br1
	[[ "$stderr" == *"$D (br1): skipped: eth5 missing after 1 s"* ]]
	[[ "$stderr" == *"1 of 4 groups not applied"* ]]
	# A bridge with one of its two NICs: made with the one that is there.
	[[ "$stderr" == *"$D (br3): applied without eth9 (missing after 1 s)"* ]]
	[ "$(master eth3)" = br3 ]
	# The other NIC appears: its hotplug adds it, with its port settings.
	veth eth9
	run vn hotplug eth9 "$D"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(master eth9)" = br3 ] && [ "$(lj eth9 .linkinfo.info_slave_data.cost)" = 7 ]
	# Run again with nothing to do: each applied group says so, br1 is still named.
	run --separate-stderr vn apply "$D" --boot --boot-wait 0
	[ "$status" -eq 1 ]
	[[ "$output" == *"$D (xenbr0): no change"* && "$output" == *"$D (br2): no change"* ]]
	[[ "$output" == *"$D (br3): no change"* ]]
	[[ "$stderr" == *"(br1): skipped: eth5 missing"* ]]
}

@test "--boot: a NIC that appears while it waits gets its group applied; exit 0" {
	rm "$D/40-two.conf"
	"$VNETCTL" -n "$NS" apply "$D" --boot --boot-wait 60 > "$BATS_TEST_TMPDIR/out" 2>&1 &
	BG=$!
	# The groups with their devices go first, without waiting for eth5.
	for _ in $(seq 200); do exists br2 && break; sleep 0.1; done
	exists br2
	kill -0 "$BG"   # still waiting for eth5
	veth eth5
	wait "$BG"
	BG=
	cat "$BATS_TEST_TMPDIR/out" >&2
	[ "$(master eth5)" = br1 ]
	run vn check "$D"
	[ "$status" -eq 0 ]
}

@test "hotplug: a guest that appears is attached with its port settings; only what concerns it" {
	vn apply "$D" --boot --boot-wait 0 || true
	guest vif5.0
	run vn hotplug vif5.0 "$D"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(master vif5.0)" = xenbr0 ]
	[ "$(lj vif5.0 .linkinfo.info_slave_data.isolated)" = true ]
	# Only adds: a port another tool attached (no pattern names it) stays.
	guest vnet0
	ip -n "$NS" link set vnet0 master xenbr0
	guest vif6.0
	run vn hotplug vif6.0 "$D"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(master vif6.0)" = xenbr0 ] && [ "$(master vnet0)" = xenbr0 ]
	# Again: no change.
	run vn hotplug vif6.0 "$D"
	[ "$status" -eq 0 ]
	[[ "$output" == *"(xenbr0): no change"* ]]
	# Nothing concerns it: exit 0 at once, nothing made.
	before=$(snapshot)
	run vn hotplug g-vif6.0 "$D"
	[ "$status" -eq 0 ]
	[ "$output" = "hotplug g-vif6.0: nothing in $D concerns it" ]
	run vn -j hotplug g-vif6.0 "$D"
	[ "$(jq -c '{changed, operations}' <<<"$output")" = '{"changed":false,"operations":[]}' ]
	eq "$(snapshot)" "$before"
}

@test "hotplug of the NIC a skipped group waited for applies that group; before it appears it only says so" {
	vn apply "$D" --boot --boot-wait 0 || true
	! exists br1
	run --separate-stderr vn hotplug eth5 "$D"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"hotplug eth5: $D (br1) waits for eth5"* ]]
	! exists br1
	veth eth5
	run vn hotplug eth5 "$D"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(master eth5)" = br1 ]
	# A file as well as a directory; a NIC named exactly.
	printf '%s\n' "bridge add br7 ports eth7" > "$BATS_TEST_TMPDIR/one.conf"
	veth eth7
	run vn hotplug eth7 "$BATS_TEST_TMPDIR/one.conf"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(master eth7)" = br7 ]
}

@test "--boot and hotplug: bad use is exit 2 with nothing changed" {
	before=$(snapshot)
	expect_fail 2 "not with --prune" -- apply "$D" --boot --prune
	expect_fail 2 "not with --confirm" -- apply "$D" --boot --confirm 30
	expect_fail 2 "--boot-wait goes with --boot" -- apply "$D" --boot-wait 3
	expect_fail 2 "expected seconds" -- apply "$D" --boot --boot-wait soon
	expect_fail 2 "not for hotplug" -- --confirm 5 hotplug eth0 "$D"
	expect_fail 2 "Usage: vnetctl [OPTIONS] hotplug IFNAME" -- hotplug
	expect_fail 2 "an interface name has at most 15 bytes" -- hotplug abcdefghijklmnopq "$D"
	printf 'bridge add br9 ports\n' > "$D/40-bad.conf"
	expect_fail 2 "40-bad.conf:1:" -- hotplug eth0 "$D"
	expect_fail 2 "40-bad.conf:1:" -- apply "$D" --boot
	eq "$(snapshot)" "$before"
}
