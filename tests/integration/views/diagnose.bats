#!/usr/bin/env bats
# vnetctl diagnose: each check fails (or warns) when ip says the host is so, names the
# object and port, and passes once it is mended.

bats_require_minimum_version 1.5.0
load ../../lib/common
load views

setup() { common_setup; }
teardown() { common_teardown; }

# The results of -j diagnose for one check and port: "status" lines.
diag_of() {
	jq -r --arg c "$1" --arg p "$2" '.[] | select(.check == $c and .port == $p) | .status' <<<"$output"
}

# A healthy bridge: both ends of each veth up, one MTU, no address on a port.
healthy() {
	veth a
	vn bridge add br0 ports a up >/dev/null
	up a ap
	until_ok 20 eval '[[ "$(lj a ".flags|join(\",\")")" == *LOWER_UP* ]]'
}

@test "a healthy bridge: every check ok, exit 0, in text and -j" {
	healthy
	run vn diagnose
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "ok    bridge br0: up" ]]
	[[ "$output" == *"ok    bridge br0 port a: up, carrier"* ]]
	! grep -qE '^(warn|fail)' <<<"$output"
	run vn -j diagnose
	[ "$status" -eq 0 ]
	eq "$(jq -r 'map(.status) | unique | join(",")' <<<"$output")" ok
	eq "$(diag_of carrier a)" ok
}

@test "a port whose veth peer is down: carrier fails, names the port and the peer to bring up" {
	healthy
	ip -n "$NS" link set dev ap down
	until_ok 20 eval '[[ "$(lj a ".flags|join(\",\")")" == *NO-CARRIER* ]]'
	run vn diagnose
	[ "$status" -eq 1 ]
	[[ "$output" == *"fail  bridge br0 port a: no carrier"*"fix: bring its veth peer up: ip link set dev ap up"* ]]
	run vn -j diagnose bridge br0
	[ "$status" -eq 1 ]
	eq "$(diag_of carrier a)" fail
	# Mended: ok again.
	up ap
	until_ok 20 eval '[[ "$(lj a ".flags|join(\",\")")" == *LOWER_UP* ]]'
	run vn diagnose bridge br0
	[ "$status" -eq 0 ]
}

@test "a port that is down fails the carrier check too" {
	healthy
	ip -n "$NS" link set dev a down
	run vn -j diagnose
	[ "$status" -eq 1 ]
	eq "$(diag_of carrier a)" fail
	eq "$(jq -r '.[] | select(.port == "a" and .check == "carrier") | .fix' <<<"$output")" "ip link set dev a up"
}

@test "an STP loop: diagnose warns about the port that bridge link calls blocking" {
	stp_loop
	blocked=$(blocking_port)
	run vn -j diagnose
	[ "$status" -eq 1 ]
	eq "$(diag_of stp "$blocked")" warn
	eq "$(jq -r '[.[] | select(.check == "stp" and (.message | startswith("blocking")))] | length' <<<"$output")" 1
	run vn diagnose bridge br0
	[[ "$output" == *"warn  bridge br0 port $blocked: blocking"* ]]
}

@test "an MTU mismatch between a bridge and a port fails and names the port" {
	veth a; veth b
	ip -n "$NS" link set dev b mtu 1400
	vn bridge add br0 ports a,b up
	up a ap b bp
	ip -n "$NS" link set dev a mtu 1500
	# The kernel's own view: the bridge took the smaller MTU.
	[ "$(lj br0 .mtu)" = 1400 ] && [ "$(lj a .mtu)" = 1500 ]
	run vn -j diagnose
	[ "$status" -eq 1 ]
	eq "$(diag_of mtu a)" fail
	eq "$(diag_of mtu b)" ok
	run vn diagnose
	[[ "$output" == *"fail  bridge br0 port a: MTU 1500, but bridge br0 has 1400"* ]]
}

@test "an address left on a port: a warning naming it, with how to move it" {
	healthy
	ip -n "$NS" addr add 192.0.2.7/24 dev a
	run vn diagnose
	[ "$status" -eq 1 ]
	[[ "$output" == *"warn  bridge br0 port a: address 192.0.2.7/24 is left on the port"*"ip addr add 192.0.2.7/24 dev br0"* ]]
	ip -n "$NS" addr del 192.0.2.7/24 dev a
	run vn diagnose
	[ "$status" -eq 0 ]
}

@test "two ports with one MAC: fails, naming both" {
	healthy
	veth b
	vn bridge port add br0 b
	up b bp
	ip -n "$NS" link set dev b address "$(lj a .address)"
	[ "$(lj a .address)" = "$(lj b .address)" ]
	run vn -j diagnose
	[ "$status" -eq 1 ]
	eq "$(jq -r '.[] | select(.check == "mac") | "\(.status) \(.port) \(.message)"' <<<"$output" | cut -d' ' -f1-2)" "fail $(ip -n "$NS" -j link show | jq -r '[.[] | select(.ifname == "a" or .ifname == "b")] | sort_by(.ifindex) | .[1].ifname')"
}

@test "OBJECT NAME: only that object's checks, and its own exit status" {
	healthy
	veth c
	vn bridge add br1 ports c up
	run vn -j diagnose bridge br0
	[ "$status" -eq 0 ]
	eq "$(jq -r 'map(.name) | unique | join(",")' <<<"$output")" br0
	run vn -j diagnose bridge br1
	[ "$status" -eq 1 ]
	eq "$(jq -r 'map(.name) | unique | join(",")' <<<"$output")" br1
	run vn -j diagnose bond
	[ "$status" -eq 0 ]
	[ "$output" = "[]" ]
}

@test "bad words and a missing object: exit 2, naming the word" {
	expect_fail 2 '"foo": not an object' -- diagnose foo
	expect_fail 2 'no such bridge' -- diagnose bridge nosuch
	expect_fail 2 'unexpected "x"' -- diagnose bridge br0 x
	expect_fail 2 'diagnose bridge' -- diagnose bridge 'a/b'
}

# conf FILE LINE...: writes the statements, one a line, into $BATS_TEST_TMPDIR/FILE.
conf() {
	local f=$BATS_TEST_TMPDIR/$1
	shift
	mkdir -p "$(dirname "$f")"
	printf '%s\n' "$@" >"$f"
}

# The results of -j diagnose for one check and object: "status name port" lines.
diag_check() {
	jq -r --arg c "$1" '.[] | select(.check == $c) | "\(.status) \(.object) \(.name) \(.port // "-")"' <<<"$output" | sort
}

@test "a declared port missing: fails naming the port, the file and line; back once it is there" {
	veth a
	vn bridge add br0 ports a up >/dev/null
	conf host/10-br.conf "# the uplink and a guest" "bridge add br0 ports a,zz up"
	! ip -n "$NS" link show dev zz 2>/dev/null
	run vn -j diagnose --config "$BATS_TEST_TMPDIR/host"
	[ "$status" -eq 1 ]
	eq "$(diag_check ports)" "fail bridge br0 zz
ok bridge br0 a"
	eq "$(jq -r '.[] | select(.check == "ports" and .port == "zz") | .message' <<<"$output")" \
		"declared in $BATS_TEST_TMPDIR/host/10-br.conf:2, but there is no such link"
	run vn diagnose bridge br0 --config "$BATS_TEST_TMPDIR/host"
	[ "$status" -eq 1 ]
	[[ "$output" == *"fail  bridge br0 port zz: declared in $BATS_TEST_TMPDIR/host/10-br.conf:2, but there is no such link; fix: make zz (or take it out of $BATS_TEST_TMPDIR/host/10-br.conf:2), then vnetctl apply $BATS_TEST_TMPDIR/host"* ]]
	# A file names it too; once it is there and applied, ok.
	ip -n "$NS" link add name zz type veth peer name zzp
	run vn apply "$BATS_TEST_TMPDIR/host"
	[ "$status" -eq 0 ]
	eq "$(lj zz .master)" br0
	run vn -j diagnose --config "$BATS_TEST_TMPDIR/host/10-br.conf"
	eq "$(diag_check ports)" "ok bridge br0 a
ok bridge br0 zz"
	eq "$(diag_check drift)" "ok config $BATS_TEST_TMPDIR/host/10-br.conf -"
}

@test "a declared port in another master, or in none: fails naming where it is" {
	veth a; veth b; veth c
	vn bridge add br1 ports a >/dev/null
	vn bridge add br0 >/dev/null
	conf c.conf "bridge add br0 ports a,b" "bridge add br1" "bridge port add br0 c"
	[ "$(lj a .master)" = br1 ] && [ "$(lj b .master)" = null ] && [ "$(lj c .master)" = null ]
	run vn -j diagnose --config "$BATS_TEST_TMPDIR/c.conf"
	[ "$status" -eq 1 ]
	eq "$(diag_check ports)" "fail bridge br0 a
fail bridge br0 b
fail bridge br0 c"
	eq "$(jq -r '.[] | select(.check == "ports") | .message' <<<"$output")" \
		"declared in $BATS_TEST_TMPDIR/c.conf:1, but it is in br1
declared in $BATS_TEST_TMPDIR/c.conf:1, but it is not in br0
declared in $BATS_TEST_TMPDIR/c.conf:3, but it is not in br0"
	eq "$(jq -r '[.[] | select(.check == "ports") | .fix] | unique | join(",")' <<<"$output")" \
		"vnetctl apply $BATS_TEST_TMPDIR/c.conf"
}

@test "drift from the configuration: each object that differs fails with apply's steps; none after apply" {
	veth a
	conf c.conf "bridge add br0 ports a stp off up" "bridge add br1"
	vn apply "$BATS_TEST_TMPDIR/c.conf" >/dev/null
	run vn -j diagnose --config "$BATS_TEST_TMPDIR/c.conf"
	eq "$(diag_check drift)" "ok config $BATS_TEST_TMPDIR/c.conf -"
	# Changed behind vnetctl's back, as ip reads it.
	ip -n "$NS" link set dev br0 type bridge stp_state 1
	ip -n "$NS" link del dev br1
	[ "$(lj br0 .linkinfo.info_data.stp_state)" = 1 ]
	run vn -j diagnose --config "$BATS_TEST_TMPDIR/c.conf"
	[ "$status" -eq 1 ]
	eq "$(diag_check drift)" "fail bridge br0 -
fail bridge br1 -"
	eq "$(jq -r '.[] | select(.check == "drift") | "\(.message); \(.fix)"' <<<"$output")" \
		"differs from $BATS_TEST_TMPDIR/c.conf: set stp on -> off; vnetctl apply $BATS_TEST_TMPDIR/c.conf
differs from $BATS_TEST_TMPDIR/c.conf: create; vnetctl apply $BATS_TEST_TMPDIR/c.conf"
	run vn diagnose bridge br0 --config "$BATS_TEST_TMPDIR/c.conf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"fail  bridge br0: differs from $BATS_TEST_TMPDIR/c.conf: set stp on -> off; fix: vnetctl apply $BATS_TEST_TMPDIR/c.conf"* ]]
	[[ "$output" != *br1* ]]
	vn apply "$BATS_TEST_TMPDIR/c.conf" >/dev/null
	[ "$(lj br0 .linkinfo.info_data.stp_state)" = 0 ] && [ "$(lj br1 .ifname)" = br1 ]
	run vn -j diagnose --config "$BATS_TEST_TMPDIR/c.conf"
	eq "$(diag_check drift)" "ok config $BATS_TEST_TMPDIR/c.conf -"
}

@test "a configuration that cannot be compared fails once, saying why; --config absent is exit 2" {
	conf bad.conf "bridge add br0 stp maybe"
	run vn -j diagnose --config "$BATS_TEST_TMPDIR/bad.conf"
	[ "$status" -eq 1 ]
	eq "$(diag_check drift)" "fail config $BATS_TEST_TMPDIR/bad.conf -"
	[[ "$(jq -r '.[] | select(.check == "drift") | .message' <<<"$output")" == "cannot be compared with the host: "*"1 error"* ]]
	expect_fail 2 "diagnose: --config: $BATS_TEST_TMPDIR/none" -- diagnose --config "$BATS_TEST_TMPDIR/none"
	expect_fail 2 'diagnose: --config: a file or directory' -- diagnose bridge --config
}

@test "guest ports are never missing: a guest-ports pattern's, and a bridge port statement's under it" {
	veth a
	conf g.conf "bridge add br0 ports a guest-ports vif*,gx up" "bridge port set br0 gx isolated on"
	vn apply "$BATS_TEST_TMPDIR/g.conf" >/dev/null
	! ip -n "$NS" link show dev gx 2>/dev/null
	run vn -j diagnose --config "$BATS_TEST_TMPDIR/g.conf"
	eq "$(diag_check ports)" "ok bridge br0 a"
	eq "$(diag_check drift)" "ok config $BATS_TEST_TMPDIR/g.conf -"
	# A guest that is there is taken as the file says; until then, drift names it.
	veth gx
	run vn -j diagnose --config "$BATS_TEST_TMPDIR/g.conf"
	eq "$(diag_check ports)" "fail bridge br0 gx
ok bridge br0 a"
	eq "$(diag_check drift)" "fail bridge br0 -"
	vn apply "$BATS_TEST_TMPDIR/g.conf" >/dev/null
	eq "$(lj gx .master)" br0
	run vn -j diagnose --config "$BATS_TEST_TMPDIR/g.conf"
	eq "$(diag_check ports)" "ok bridge br0 a
ok bridge br0 gx"
	eq "$(diag_check drift)" "ok config $BATS_TEST_TMPDIR/g.conf -"
}
