#!/usr/bin/env bats
# vnetctl show --dot: a Graphviz graph of every link, that dot(1) draws; what is wrong stands out.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features
load views

setup() {
	common_setup
	command -v dot >/dev/null || skip "graphviz (dot) is not installed"
}
teardown() { common_teardown; }

# show --dot draws (dot -Tsvg exits 0) and has a node for every link but lo, as ip lists them.
draws_every_link() {
	vn show --dot > "$BATS_TEST_TMPDIR/host.dot"
	dot -Tsvg "$BATS_TEST_TMPDIR/host.dot" > "$BATS_TEST_TMPDIR/host.svg"
	grep -q '<svg' "$BATS_TEST_TMPDIR/host.svg"
	local name n=0
	for name in $(ip -n "$NS" -j link show | jq -r '.[].ifname | select(. != "lo")'); do
		grep -qF "  \"$name\" [" "$BATS_TEST_TMPDIR/host.dot" || { echo "no node for $name" >&2; return 1; }
		n=$((n + 1))
	done
	[ "$n" -gt 0 ]
}

# The edge from $1 to $2, as show --dot draws it.
edge() {
	grep -F "  \"$1\" -> \"$2\" [" "$BATS_TEST_TMPDIR/host.dot"
}

@test "the Xen bridge example (host tier): every link drawn, ports joined to the bridge" {
	veth eth0
	for v in vif1.0 vif2.0; do guest "$v"; done
	vn apply "$EX/xen-bridge.conf"
	up eth0 eth0p vif1.0 g-vif1.0 vif2.0
	draws_every_link
	for p in eth0 vif1.0 vif2.0; do edge "$p" xenbr0; done
	{ edge eth0 eth0p || edge eth0p eth0; } | grep -q 'label="veth", dir=none'
	# vif2.0's peer is down: no carrier, drawn red and dashed.
	until_ok 20 eval '[[ "$(lj vif2.0 ".flags|join(\",\")")" == *NO-CARRIER* ]]'
	vn show --dot > "$BATS_TEST_TMPDIR/host.dot"
	edge vif2.0 xenbr0 | grep -q 'color=red'
	until_ok 20 eval '[[ "$(lj eth0 ".flags|join(\",\")")" == *LOWER_UP* ]]'
	vn show --dot > "$BATS_TEST_TMPDIR/host.dot"
	! edge eth0 xenbr0 | grep -q 'color=red'
}

@test "an STP loop: the blocked port's edge is red and says blocking" {
	stp_loop
	blocked=$(blocking_port)
	draws_every_link
	edge "$blocked" br0 | grep -q 'label="blocking", color=red'
}

@test "show --dot takes no other word; --config and --dot together are a usage error" {
	veth a
	vn bridge add br0 ports a >/dev/null
	before=$(snapshot)
	expect_fail 2 'show: --config and --dot do not go together' -- show --config --dot
	[ -z "$output" ]
	expect_fail 2 'show: --config and --dot do not go together' -- show --dot --config
	expect_fail 2 'show: unexpected "--dot"' -- show --dot --dot
	expect_fail 2 'show: unexpected "x"' -- show --dot x
	expect_fail 2 'bridge show: --dot draws the whole host: vnetctl show --dot' -- bridge show --dot
	expect_fail 2 'bridge show: --dot draws the whole host' -- bridge show br0 --dot
	eq "$(snapshot)" "$before"
	run vn show --dot
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "digraph host {" ]]
}

@test "the Xen and VIOS examples (VM tier: bonds): every link drawn" {
	require_feature bonding 8021q
	for v in eth0 eth1; do veth "$v"; done
	for v in vif1.0 vif2.0; do guest "$v"; done
	vn apply "$EX/xen-host.conf"
	draws_every_link
	edge eth0 bond0 | grep -q 'label="slave"'
	edge bond0 xenbr0
	common_teardown
	common_setup
	veth eth1
	vn apply "$EX/vios-sea.conf"
	draws_every_link
	grep -q 'sea sea0' "$BATS_TEST_TMPDIR/host.dot"
}
