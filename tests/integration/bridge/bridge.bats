#!/usr/bin/env bats
# vnetctl bridge: every bridge property set, changed and read back with ip.

bats_require_minimum_version 1.5.0
load ../../lib/common

setup() { common_setup; }
teardown() { common_teardown; }

@test "add creates a bridge with every option, read back with ip -d" {
	run vn bridge add br0 stp on priority 4096 forward-delay 4 hello-time 1.5 max-age 12 \
		ageing-time 120 mcast-snooping off mtu 1400 address 02:00:00:00:00:01 up
	[ "$status" -eq 0 ]
	[[ "$output" == *"bridge br0: create"* ]]
	j=$(link_json br0)
	[ "$(jq -r .linkinfo.info_kind <<<"$j")" = bridge ]
	[ "$(jq -r .linkinfo.info_data.stp_state <<<"$j")" = 1 ]
	[ "$(jq -r .linkinfo.info_data.priority <<<"$j")" = 4096 ]
	[ "$(jq -r .linkinfo.info_data.forward_delay <<<"$j")" = 400 ]
	[ "$(jq -r .linkinfo.info_data.hello_time <<<"$j")" = 150 ]
	[ "$(jq -r .linkinfo.info_data.max_age <<<"$j")" = 1200 ]
	[ "$(jq -r .linkinfo.info_data.ageing_time <<<"$j")" = 12000 ]
	[ "$(jq -r .linkinfo.info_data.mcast_snooping <<<"$j")" = 0 ]
	[ "$(jq -r .mtu <<<"$j")" = 1400 ]
	[ "$(jq -r .address <<<"$j")" = 02:00:00:00:00:01 ]
	[[ "$(jq -r '.flags|join(",")' <<<"$j")" == *UP* ]]
}

@test "a second identical add sends nothing and says no change" {
	vn bridge add br0 stp off priority 4096 forward-delay 4 ageing-time 120 up
	monitor_start
	before=$(snapshot)
	run vn bridge add br0 stp off priority 4096 forward-delay 4 ageing-time 120 up
	monitor_stop
	[ "$status" -eq 0 ]
	[ "$output" = "bridge br0: no change" ]
	[ ! -s "$MONITOR_OUT" ]
	[ "$(snapshot)" = "$before" ]
	run vn -j bridge add br0 stp off priority 4096 up
	[ "$(jq -r .changed <<<"$output")" = false ]
}

# Port a forwards, and br0 has its carrier.
stp_settled() {
	[ "$(bridge -n "$NS" -j link show dev a | jq -r '.[0].state')" = forwarding ] &&
		[ "$(jq -r .operstate <<<"$(link_json br0)")" = UP ]
}

@test "with STP running, a re-add is still no change (even in a topology change)" {
	veth a
	ip -n "$NS" link set dev ap up
	vn bridge add br0 stp on forward-delay 4 ageing-time 120 ports a up
	ip -n "$NS" link set dev a up
	# The kernel's own events first: a's STP states (listening, learning,
	# forwarding: 8 s) and br0's carrier with them. The re-add comes in the
	# topology change that a's forwarding starts (max-age + forward-delay).
	for ((i = 0; i < 100; i++)); do stp_settled && break; sleep 0.2; done
	stp_settled
	[ "$(jq -r .linkinfo.info_data.topology_change <<<"$(link_json br0)")" = 1 ]
	monitor_start
	run vn bridge add br0 stp on forward-delay 4 ageing-time 120 ports a up
	monitor_stop
	[ "$status" -eq 0 ]
	# (The kernel reports the topology change's ageing time, not the one set.)
	[[ "$output" == *"note: ageing-time not compared or sent: an STP topology change is running"* ]]
	[ "$(tail -1 <<<"$output")" = "bridge br0: no change" ]
	! grep -q br0 "$MONITOR_OUT"
}

@test "the monitor does see a real change (the idempotency check can fail)" {
	vn bridge add br0 priority 4096 up
	monitor_start
	vn bridge set br0 priority 8192
	monitor_stop
	[ -s "$MONITOR_OUT" ]
}

@test "set changes one field and only that field" {
	vn bridge add br0 stp on priority 4096 forward-delay 4 up
	before=$(link_json br0 | jq -S '.linkinfo.info_data | del(.priority, .bridge_id, .root_id, .gc_timer, .hello_timer, .tcn_timer, .topology_change_timer)')
	run vn bridge set br0 priority 8192
	[ "$status" -eq 0 ]
	[ "$output" = "bridge br0: set priority 4096 -> 8192" ]
	[ "$(lj br0 .linkinfo.info_data.priority)" = 8192 ]
	after=$(link_json br0 | jq -S '.linkinfo.info_data | del(.priority, .bridge_id, .root_id, .gc_timer, .hello_timer, .tcn_timer, .topology_change_timer)')
	[ "$before" = "$after" ]
}

@test "every option changes in place" {
	vn bridge add br0
	vn bridge set br0 stp on forward-delay 3 hello-time 3 max-age 30 ageing-time 60 \
		mcast-snooping off mtu 1300 address 02:00:00:00:00:02 up
	j=$(link_json br0)
	[ "$(jq -r .linkinfo.info_data.stp_state <<<"$j")" = 1 ]
	[ "$(jq -r .linkinfo.info_data.forward_delay <<<"$j")" = 300 ]
	[ "$(jq -r .linkinfo.info_data.hello_time <<<"$j")" = 300 ]
	[ "$(jq -r .linkinfo.info_data.max_age <<<"$j")" = 3000 ]
	[ "$(jq -r .linkinfo.info_data.ageing_time <<<"$j")" = 6000 ]
	[ "$(jq -r .linkinfo.info_data.mcast_snooping <<<"$j")" = 0 ]
	[ "$(jq -r .mtu <<<"$j")" = 1300 ]
	[ "$(jq -r .address <<<"$j")" = 02:00:00:00:00:02 ]
	vn bridge set br0 stp off mcast-snooping on down
	j=$(link_json br0)
	[ "$(jq -r .linkinfo.info_data.stp_state <<<"$j")" = 0 ]
	[ "$(jq -r .linkinfo.info_data.mcast_snooping <<<"$j")" = 1 ]
	[[ "$(jq -r '.flags|join(",")' <<<"$j")" != *UP* ]]
}

@test "ports is an exact set: others are released" {
	veth a; veth b; veth c
	vn bridge add br0 ports a,b
	[ "$(lj a .master)" = br0 ]
	[ "$(lj b .master)" = br0 ]
	run vn bridge add br0 ports b,c
	[ "$status" -eq 0 ]
	[[ "$output" == *"release port a"* ]]
	[[ "$output" == *"add port c"* ]]
	[ "$(lj a .master)" = null ]
	[ "$(lj b .master)" = br0 ]
	[ "$(lj c .master)" = br0 ]
}

@test "del removes the bridge; del of an absent bridge is no change" {
	veth a
	vn bridge add br0 ports a
	run vn bridge del br0
	[ "$status" -eq 0 ]
	! ip -n "$NS" link show dev br0 2>/dev/null
	[ "$(lj a .master)" = null ]
	run vn bridge del br0
	[ "$status" -eq 0 ]
	[ "$output" = "bridge br0: no change" ]
}

@test "del and set of something that is not a bridge fail with exit 1" {
	veth a
	before=$(snapshot)
	expect_fail 1 "not a bridge" -- bridge del a
	expect_fail 1 "not a bridge" -- bridge add a stp on
	expect_fail 1 "no such bridge" -- bridge set br9 stp on
	[ "$(snapshot)" = "$before" ]
}

@test "--dry-run prints the plan and changes nothing" {
	veth a
	vn bridge add br0 priority 4096
	before=$(snapshot)
	run vn --dry-run bridge add br0 priority 8192 ports a up
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "bridge br0: set priority 4096 -> 8192, up" ]
	[ "${lines[1]}" = "bridge br0: add port a" ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(snapshot)" = "$before" ]
	run vn --dry-run bridge add br1
	[ "$output" = "bridge br1: create" ]
	! ip -n "$NS" link show dev br1 2>/dev/null
}

@test "-n works in the named namespace only" {
	run vn bridge add vntestbr0
	[ "$status" -eq 0 ]
	ip -n "$NS" link show dev vntestbr0
	! ip link show dev vntestbr0 2>/dev/null
}

@test "bridge show: brctl-like columns" {
	veth a; veth b
	vn bridge add br0 stp on priority 4096 ports a,b
	vn bridge add br1
	run vn bridge show
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'bridge name\tbridge id\t\tSTP enabled\tinterfaces')" ]
	mac=$(lj br0 .address | tr -d :)
	# Each port with its STP state and why it does not forward (a, b: down).
	[[ "${lines[1]}" =~ ^br0[[:space:]]+1000\.$mac[[:space:]]+yes[[:space:]]+a\ \(disabled,\ down\)$ ]]
	[[ "${lines[2]}" =~ ^[[:space:]]+b\ \(disabled,\ down\)$ ]]
	# The root is this bridge: no root port (-j: null).
	[[ "${lines[3]}" =~ ^[[:space:]]+down\;\ designated\ root\ 1000\.$mac,\ root\ port\ none,\ path\ cost\ 0$ ]]
	[[ "${lines[4]}" =~ ^br1[[:space:]]+8000\.[0-9a-f]{12}[[:space:]]+no[[:space:]]*$ ]]
	[ "${lines[5]}" = "$(printf '\tdown')" ]
	run vn bridge show br1
	[ "${#lines[@]}" -eq 3 ]
	expect_fail 1 "no such bridge" -- bridge show nosuch
}

@test "bridge show -j is valid JSON that reads like the statement" {
	veth a
	vn bridge add br0 stp off forward-delay 1.5 priority 4096 ports a up
	vn bridge port set br0 a cost 7
	run vn -j bridge show
	[ "$status" -eq 0 ]
	jq -e . <<<"$output" >/dev/null
	[ "$(jq -r '.[0].name' <<<"$output")" = br0 ]
	[ "$(jq -r '.[0].stp' <<<"$output")" = false ]
	[ "$(jq -r '.[0].forward_delay' <<<"$output")" = 1.5 ]
	[ "$(jq -r '.[0].priority' <<<"$output")" = 4096 ]
	[ "$(jq -r '.[0].ports[0].name' <<<"$output")" = a ]
	[ "$(jq -r '.[0].ports[0].cost' <<<"$output")" = 7 ]
	run vn -j -p bridge show br0
	jq -e '.[0].bridge_id' <<<"$output" >/dev/null
	[ "${#lines[@]}" -gt 5 ]
}

@test "show --config reproduces the same state in a fresh namespace" {
	veth a; veth b
	vn bridge add br0 stp on priority 4096 forward-delay 4 ageing-time 100 mtu 1400 ports a,b up
	vn bridge port set br0 a cost 9 priority 10 hairpin on learning off
	run vn bridge show --config
	[ "$status" -eq 0 ]
	config=$output
	# What vnetctl set on br0; not the carrier flags, which follow the ports'
	# links once the kernel's link watch has run, later and on its own.
	br0_view() {
		link_json br0 | jq -S '{mtu, flags: ((.flags // []) - ["NO-CARRIER", "LOWER_UP", "M-DOWN"]),
			d: (.linkinfo.info_data | {stp_state, priority, forward_delay, ageing_time, hello_time, max_age, mcast_snooping})}'
	}
	want=$(br0_view)
	wanta=$(link_json a | jq -S '.linkinfo.info_slave_data | {cost, priority, hairpin, learning, flood, guard, isolated}')
	old=$NS
	common_setup
	veth a; veth b
	while read -r line; do
		[ -n "$line" ] || continue
		eval "vn $line"
	done <<<"$config"
	got=$(br0_view)
	gota=$(link_json a | jq -S '.linkinfo.info_slave_data | {cost, priority, hairpin, learning, flood, guard, isolated}')
	[ "$(lj a .master)" = br0 ]
	[ "$(lj b .master)" = br0 ]
	ip netns del "$NS"
	NS=$old
	[ "$want" = "$got" ]
	[ "$wanta" = "$gota" ]
}

@test "a kernel refusal carries the kernel's words and exits 1" {
	# (forward-delay 1 under STP, the refusal this used, is now vnetctl's own: firsthour/errors.bats)
	vn bridge add br0
	vn bridge add br1
	before=$(snapshot)
	run --separate-stderr vn bridge port add br0 br1
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"bridge br0: add port br1: failed"* ]]
	[[ "$stderr" == *"(Too many levels of symbolic links)"* ]]
	[ "$(snapshot)" = "$before" ]
}

@test "a failing step undoes the steps before it" {
	veth a
	vn bridge add br0
	before=$(snapshot)
	# The kernel refuses a bridge as a port of a bridge; br1 and port a come first.
	run --separate-stderr vn bridge add br1 stp on ports a,br0
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"add port br0: failed"* ]]
	[[ "$stderr" == *"undone"* ]]
	! ip -n "$NS" link show dev br1 2>/dev/null
	[ "$(lj a .master)" = null ]
	[ "$(snapshot)" = "$before" ]
}

@test "del of a bridge with ports releases them and leaves them in place" {
	veth a
	vn bridge add br0 priority 4096 ports a up
	ip -n "$NS" link set dev a up
	run vn bridge del br0
	[ "$status" -eq 0 ]
	[ "$output" = "bridge br0: delete" ]
	! ip -n "$NS" link show dev br0 2>/dev/null
	[ "$(lj a .master)" = null ]
	[[ "$(lj a '.flags|join(",")')" == *UP* ]]
}

@test "forward-delay below 2 with stp on is refused before any change" {
	before=$(snapshot)
	expect_fail 2 "forward-delay: \"1.5\": must be 2-30 while stp is on" -- bridge add br0 stp on forward-delay 1.5
	[ "$(snapshot)" = "$before" ]
}

@test "stp off with forward-delay 0 on a running STP bridge (STP stops first)" {
	vn bridge add br0 stp on forward-delay 15 up
	run vn bridge set br0 stp off forward-delay 0
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "bridge br0: set stp on -> off" ]
	[ "${lines[1]}" = "bridge br0: set forward-delay 15 -> 0" ]
	[ "$(lj br0 .linkinfo.info_data.stp_state)" = 0 ]
	[ "$(lj br0 .linkinfo.info_data.forward_delay)" = 0 ]
}

@test "ports none releases every port; show --config always says ports" {
	veth a
	vn bridge add br0 ports a
	run vn bridge add br0 ports none
	[ "$output" = "bridge br0: release port a" ]
	[ "$(lj a .master)" = null ]
	run vn bridge show --config br0
	[[ "$output" == *" ports none"* ]]
	[[ "$output" != *"address 00:00:00:00:00:00"* ]]
}

@test "an mtu given at creation survives the ports" {
	veth a
	run vn bridge add br0 mtu 1400 ports a
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "bridge br0: set mtu 1400" ]
	[ "$(lj br0 .mtu)" = 1400 ]
	run vn bridge add br0 mtu 1400 ports a
	[ "$output" = "bridge br0: no change" ]
}

@test "a field the kernel accepts but does not apply is caught and undone" {
	load ../../lib/features
	if kernel_has vlan_filtering; then
		skip "this kernel applies default-pvid (the VM tier checks it applies)"
	fi
	vn bridge add br0 priority 4096
	before=$(snapshot)
	run --separate-stderr vn bridge set br0 priority 8192 default-pvid 5
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"did not apply"* ]]
	[[ "$stderr" == *"default-pvid"* ]]
	[ "$(snapshot)" = "$before" ]
}

@test "a time the kernel rounds to its tick counts as applied; the same again is no change" {
	# The kernel keeps bridge times in jiffies: with HZ 250 (Debian's), 1.23 s
	# is 307 jiffies and reads back as 1.22 s; with HZ 100 or 1000, as 1.23 s.
	run vn bridge add br0 forward-delay 1.23 hello-time 1.23 max-age 6.01 ageing-time 1.23
	[ "$status" -eq 0 ]
	d=$(lj br0 '.linkinfo.info_data | [.forward_delay, .hello_time, .max_age, .ageing_time] | join(" ")')
	[[ "$d" =~ ^12[23]\ 12[23]\ 60[01]\ 12[23]$ ]] || { echo "ip: $d" >&2; false; }
	run vn bridge add br0 forward-delay 1.23 hello-time 1.23 max-age 6.01 ageing-time 1.23
	eq "$output" "bridge br0: no change"
	# Shown as the kernel keeps it, and what is shown applies as no change too.
	run vn -j bridge show br0
	eq "$(jq -r '.[0] | [.forward_delay, .hello_time, .max_age, .ageing_time] | map(. * 100 | round) | join(" ")' <<<"$output")" "$d"
	vn bridge show --config > "$BATS_TEST_TMPDIR/f.conf"
	run vn apply "$BATS_TEST_TMPDIR/f.conf"
	eq "$output" "$BATS_TEST_TMPDIR/f.conf: no change"
	# A time that rounds to another tick is still a change.
	run vn bridge set br0 forward-delay 1.3
	eq "$output" "bridge br0: set forward-delay ${d:0:1}.${d:1:2} -> 1.3"
	eq "$(lj br0 .linkinfo.info_data.forward_delay)" 130
}
