#!/usr/bin/env bats
# The rollback matrix (issue 17), host tier. A failed apply must leave the
# host exactly as it was: for each scenario under tests/rollback/scenarios/,
# every change request of a successful apply is made to fail in turn
# (tests/rollback/failinject.so, preloaded), and the namespace's state once
# vnetctl has undone its steps must be the one from before
# (tests/rollback/run reports each failing case with the difference).
#
# Here the scenarios of bridges, veths and macvlans, which any kernel runs,
# and checks of the shim and of the matrix itself; vm.bats has those that
# need bonding, 802.1Q, VLAN filtering or netdevsim. On the VM's kernel:
#   tests/vm/run -- bats tests/integration/rollback/host.bats

bats_require_minimum_version 1.5.0
load matrix

@test "the shim counts every request of a batch, and refuses request 1, or 2 only" {
	common_setup
	veth eth0
	for v in vif1.0 vif2.0; do guest "$v"; done
	before=$(snapshot)
	run vn_shim 0 apply "$EX/xen-bridge.conf"
	[ "$status" -eq 0 ]
	# A create, the guest-ports patterns (the bridge's alias), three ports in
	# one datagram (the guests through the pattern), the address, the
	# default route, two port settings, and the pattern's settings recorded
	# in the alias.
	[ "$(cat "$BATS_TEST_TMPDIR/count")" = 10 ]
	run cut -d' ' -f2 "$BATS_TEST_TMPDIR/log"
	[ "${lines[*]}" = "RTM_NEWLINK RTM_NEWLINK RTM_NEWLINK RTM_NEWLINK RTM_NEWLINK RTM_NEWADDR RTM_NEWROUTE RTM_SETLINK RTM_SETLINK RTM_NEWLINK" ]
	run vn_shim 0 apply "$EX/xen-bridge.conf"
	[ "$output" = "$EX/xen-bridge.conf: no change" ]
	[ "$(cat "$BATS_TEST_TMPDIR/count")" = 0 ]

	ip -n "$NS" link del xenbr0
	eq "$(snapshot)" "$before"
	# Request 1 refused: the kernel's words, nothing made.
	run --separate-stderr vn_shim 1 apply "$EX/xen-bridge.conf"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"bridge xenbr0: create"*"failed: Invalid header length (Invalid argument)"* ]]
	grep -q '^1 RTM_NEWLINK .* name xenbr0 .*INJECTED$' "$BATS_TEST_TMPDIR/log"
	eq "$(snapshot)" "$before"
	run --separate-stderr vn_shim 3 apply "$EX/xen-bridge.conf"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"bridge xenbr0: add port eth0: failed: Invalid header length (Invalid argument)"* ]]
	# Request 3 alone was refused: the two after it in its datagram went
	# on (4 and 5), and so did the undo's (6 on).
	run grep -c INJECTED "$BATS_TEST_TMPDIR/log"
	[ "$output" = 1 ]
	grep -q '^3 RTM_NEWLINK .* name eth0 master [0-9]* INJECTED$' "$BATS_TEST_TMPDIR/log"
	grep -q '^4 RTM_NEWLINK .* name vif1.0 master [0-9]*$' "$BATS_TEST_TMPDIR/log"
	grep -q '^5 RTM_NEWLINK .* name vif2.0 master [0-9]*$' "$BATS_TEST_TMPDIR/log"
	grep -q '^6 ' "$BATS_TEST_TMPDIR/log"
	eq "$(snapshot)" "$before"
	# Requests counted from 1, so K past the end is never reached.
	run vn_shim 11 apply "$EX/xen-bridge.conf"
	[ "$status" -eq 0 ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/log")" = "11 not reached" ]
}

@test "a statement whose answer is lost, or whose re-read is, is undone and says so" {
	common_setup
	veth v0
	before=$(snapshot)
	run vn_shim 0 bridge add br9 mtu 1400 ports v0 up
	[ "$status" -eq 0 ]
	n=$(cat "$BATS_TEST_TMPDIR/count")
	ip -n "$NS" link del br9
	eq "$(snapshot)" "$before"
	# The answer to the first request (the create) lost: it was made all
	# the same, and is undone.
	FAULT=VNETCTL_FAILINJECT_RECV run --separate-stderr vn_shim 1 bridge add br9 mtu 1400 ports v0 up
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"bridge br9: create"*": the kernel's answer was lost (No buffer space available); everything sent was undone" ]]
	grep -q '^1 RTM_NEWLINK .* name br9 .*INJECTED$' "$BATS_TEST_TMPDIR/log"
	eq "$(snapshot)" "$before"
	# Every request answered; the reading after the last one lost.
	FAULT=VNETCTL_FAILINJECT_REREAD run --separate-stderr vn_shim "$n" bridge add br9 mtu 1400 ports v0 up
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"(No buffer space available)"*"(reading the host back after the change); undone" ]]
	grep -q '^reread RTM_GETLINK .*INJECTED$' "$BATS_TEST_TMPDIR/log"
	eq "$(snapshot)" "$before"
}

@test "the matrix reports a difference planted after the failed apply" {
	run "$RUN" -k 1 --plant "link set dev vif2.0 mtu 1234" xen-bridge
	printf '%s\n' "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"~ link vif2.0 | mtu: 1500 -> 1234"* ]]
	[ "${lines[-1]}" = "rollback matrix: 1 files x 12 steps = 1 cases, 0 identical" ]
}

@test "rollback matrix: xen-bridge (examples/xen-bridge.conf over a NIC with the host's address)" {
	matrix xen-bridge
}

@test "rollback matrix: veth-macvlan (veth del of a pair with addresses, a macvlan upper and a source-mode macvlan with its MAC list)" {
	matrix veth-macvlan
}

@test "rollback matrix: bridge-mtu-addr (bridge del of a bridge with MTU 1400, an address, a route)" {
	matrix bridge-mtu-addr
}

@test "rollback matrix: bridge-stp (bridge set stp on from stp off forward-delay 0)" {
	matrix bridge-stp
}

@test "rollback matrix: prune (apply --prune deletes links vnetctl made)" {
	matrix prune
}

@test "rollback matrix: link-addr (link set statements, an address moved to a bridge, vnetctl's route pruned)" {
	matrix link-addr
}

# Issue 18: vnetctl killed (SIGKILL) right after each change request of each
# scenario above; the next command (show) rolls its journal back.
@test "kill matrix: every scenario of this tier, killed after each change request" {
	matrix --kill xen-bridge veth-macvlan bridge-mtu-addr bridge-stp prune link-addr veth-del-many
}

# Issue 17: the answers to each change request of each scenario above lost
# after the kernel ran it (ENOBUFS, as after an overrun), and the reading of
# the host after the last one lost: each must be undone, and said so.
# veth-del-many (nine deletions together: group moves, then the group's
# delete) is in the lost-ack and kill matrices only: a group move refused is
# no failure (vnetctl deletes the links one by one instead), and its apply
# reads nothing back (the acks vouch for deletions).
@test "lost-ack matrix: every scenario of this tier, the answers to each change request lost" {
	matrix --lost-ack xen-bridge veth-macvlan bridge-mtu-addr bridge-stp prune link-addr veth-del-many
}

@test "reread matrix: every scenario of this tier, the reading after its last change lost" {
	matrix --reread xen-bridge veth-macvlan bridge-mtu-addr bridge-stp prune link-addr
}
