#!/usr/bin/env bats
# The plan says what the kernel changes on its own (issue 23, point 6):
# starting STP moves forward-delay into 2-30 s.

bats_require_minimum_version 1.5.0
load ../../lib/common

setup() {
	common_setup
	ip -n "$NS" link add xenbr0 type bridge forward_delay 0
}
teardown() {
	common_teardown
}

@test "stp on from forward-delay 0: the plan says the kernel raises it to 2, and it does" {
	eq "$(lj xenbr0 .linkinfo.info_data.forward_delay)" 0
	run --separate-stderr "$VNETCTL" -n "$NS" --dry-run bridge set xenbr0 stp on
	[ "$status" -eq 0 ]
	eq "$output" "bridge xenbr0: set stp off -> on (the kernel raises forward-delay 0 -> 2)"
	run --separate-stderr "$VNETCTL" -n "$NS" -j bridge set xenbr0 stp on
	[ "$status" -eq 0 ]
	eq "$(jq -r '.operations[0]' <<<"$output")" "bridge xenbr0: set stp off -> on (the kernel raises forward-delay 0 -> 2)"
	eq "$(lj xenbr0 .linkinfo.info_data.stp_state)" 1
	eq "$(lj xenbr0 .linkinfo.info_data.forward_delay)" 200
}

@test "stp on with a forward-delay of its own, or one already in range: no note" {
	run --separate-stderr "$VNETCTL" -n "$NS" bridge set xenbr0 stp on forward-delay 4
	[ "$status" -eq 0 ]
	eq "$output" "bridge xenbr0: set stp off -> on, forward-delay 0 -> 4"
	vn bridge set xenbr0 stp off
	run --separate-stderr "$VNETCTL" -n "$NS" bridge set xenbr0 stp on
	eq "$output" "bridge xenbr0: set stp off -> on"
	eq "$(lj xenbr0 .linkinfo.info_data.forward_delay)" 400
}
