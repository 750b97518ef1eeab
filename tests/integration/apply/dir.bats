#!/usr/bin/env bats
# apply and check of a directory: its *.conf files in lexical order, read as
# one file (one plan, all or nothing), errors naming the file and its line.

bats_require_minimum_version 1.5.0
load ../../lib/common

setup() {
	common_setup
	for v in eth0 eth1 vif1.0; do veth "$v"; done
	D=$BATS_TEST_TMPDIR/vnetctl.d
	mkdir -p "$D"
}
teardown() { common_teardown; }

@test "a directory is one plan: a port statement in an earlier file waits for the bridge of a later one" {
	# Lexical order: 10-... before 2-...; the port statement comes first and still plans after.
	echo "bridge port set xenbr0 vif1.0 isolated on" > "$D/10-ports.conf"
	printf '%s\n' "# the bridge" "bridge add xenbr0 stp off ports eth0,vif1.0 up" > "$D/2-bridge.conf"
	echo "bridge add ignored0" > "$D/notes.txt"
	echo "bridge add ignored1" > "$D/.hidden.conf"
	run vn apply "$D"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(lj vif1.0 .master)" = xenbr0 ]
	[ "$(lj eth0 .master)" = xenbr0 ]
	[ "$(lj vif1.0 .linkinfo.info_slave_data.isolated)" = true ]
	! ip -n "$NS" link show ignored0 2>/dev/null
	! ip -n "$NS" link show ignored1 2>/dev/null
	run vn apply "$D"
	[ "$output" = "$D: no change" ]
	run vn check "$D"
	[ "$status" -eq 0 ]
	ip -n "$NS" link set dev vif1.0 nomaster
	run vn check "$D"
	[ "$status" -eq 1 ]
	[[ "$output" == *"add port vif1.0"* ]]
}

@test "errors name the file of the directory and its line; nothing changes" {
	printf '%s\n' "bridge add br0 ports eth0" > "$D/1-ok.conf"
	printf '%s\n' "# two lines in" "bridge add br1 stp maybe" > "$D/2-bad.conf"
	before=$(snapshot)
	run --separate-stderr vn apply "$D"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"$D/2-bad.conf:2:20: "*"stp"* ]] || { echo "$stderr" >&2; false; }
	[ "$(snapshot)" = "$before" ]
	# The same object in two files: the second names the first's file and line.
	printf '%s\n' "bridge add br0 ports eth1" > "$D/2-bad.conf"
	run --separate-stderr vn apply "$D"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"$D/2-bad.conf:1:"*"also on line 1 of $D/1-ok.conf"* ]] || { echo "$stderr" >&2; false; }
	[ "$(snapshot)" = "$before" ]
}

@test "a line continued at the end of a file does not run into the next file" {
	printf 'bridge add br0 \\\n' > "$D/1.conf"
	printf '%s\n' "bridge add br1" > "$D/2.conf"
	run vn apply --dry-run "$D"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[[ "$output" == *"bridge br0: create"* ]]
	[[ "$output" == *"bridge br1: create"* ]]
}

@test "an empty directory is an empty file; a missing one is an error naming it" {
	run vn apply "$D"
	[ "$status" -eq 0 ]
	[ "$output" = "$D: no change" ]
	run --separate-stderr vn apply "$D/none"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"$D/none"* ]]
}

@test "apply and check without a file read the build's configuration directory" {
	confdir=$("$VNETCTL" --help | sed -n 's/^ *apply .*default \([^)]*\)).*/\1/p')
	[ -n "$confdir" ]
	[ -e "$confdir" ] && skip "$confdir exists on this machine: not to be read by a test"
	run --separate-stderr vn check
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"$confdir: "* ]]
	run --separate-stderr vn apply --dry-run
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"$confdir: "* ]]
}
