#!/usr/bin/env bats
# Global options after the object (issue 23, point 4): they mean what they
# mean before it, and check -j is JSON. The kernel is read with ip.

bats_require_minimum_version 1.5.0
load ../../lib/common

setup() {
	common_setup
	veth a
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" link set br0 type bridge priority 4096
}
teardown() {
	common_teardown
}

@test "options after the object: show -j, --dry-run after the keywords, -q" {
	run --separate-stderr "$VNETCTL" -n "$NS" bridge show -j
	[ "$status" -eq 0 ]
	eq "$(jq -r '.[0].name' <<<"$output")" br0
	before=$(snapshot)
	run --separate-stderr "$VNETCTL" -n "$NS" bridge set br0 priority 8192 --dry-run
	[ "$status" -eq 0 ]
	[[ $output == *"priority 4096 -> 8192"* ]]
	eq "$(snapshot)" "$before"
	eq "$(lj br0 .linkinfo.info_data.priority)" 4096
	# and taken for real, with -n after the object too
	run --separate-stderr "$VNETCTL" bridge set br0 priority 8192 -q -n "$NS"
	[ "$status" -eq 0 ]
	eq "$output" ""
	eq "$(lj br0 .linkinfo.info_data.priority)" 8192
}

@test "check -j: in sync and the differences (operations) as JSON, exit 0 and 1" {
	printf 'bridge add br0 priority 4096\n' >"$BATS_TEST_TMPDIR/same.conf"
	printf 'bridge add br0 priority 8192 stp on\nbridge add br1\n' >"$BATS_TEST_TMPDIR/other.conf"
	run --separate-stderr "$VNETCTL" -n "$NS" check -j "$BATS_TEST_TMPDIR/same.conf"
	[ "$status" -eq 0 ]
	eq "$(jq -c '{in_sync, operations}' <<<"$output")" '{"in_sync":true,"operations":[]}'
	run --separate-stderr "$VNETCTL" -n "$NS" check "$BATS_TEST_TMPDIR/other.conf" -j
	[ "$status" -eq 1 ]
	eq "$(jq -r .in_sync <<<"$output")" false
	eq "$(jq -r '.operations | length' <<<"$output")" 2
	[[ $(jq -r '.operations[0]' <<<"$output") == *"bridge br0"*"priority 4096 -> 8192"* ]]
	eq "$(jq -r '.operations[1]' <<<"$output")" "bridge br1: create"
	eq "$(lj br0 .linkinfo.info_data.priority)" 4096
	run ip -n "$NS" link show br1
	[ "$status" -ne 0 ]
}

@test "-- ends the options: a link named -j" {
	ip -n "$NS" link add name -j type bridge
	run --separate-stderr "$VNETCTL" -n "$NS" bridge show -- -j
	[ "$status" -eq 0 ]
	[[ $output == *"-j"* ]]
	run --separate-stderr "$VNETCTL" -n "$NS" bridge del -- -j
	[ "$status" -eq 0 ]
	run ip -n "$NS" link show dev -j
	[ "$status" -ne 0 ]
}

# What the bash completion offers for the last of the words given.
completes() {
	bash -c '. "$1/completions/vnetctl.bash"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_vnetctl vnetctl "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
		printf "%s\n" "${COMPREPLY[@]}"' - "$BATS_TEST_DIRNAME/../../.." "$@"
}

@test "the bash completion offers after the object only the options the binary takes there" {
	offered=$(completes vnetctl bridge show -)
	[ -n "$offered" ]
	for o in $offered; do
		case $o in
		-n | --netns) args=(bridge show "$o" "$NS") ;;
		--confirm) continue ;; # takes seconds, and show refuses it (it changes nothing): corpus
		--detach) args=(bridge add br0 "$o" --dry-run) ;; # needs --confirm: usage error, not "unknown"
		*) args=(-n "$NS" bridge show "$o") ;;
		esac
		run --separate-stderr "$VNETCTL" "${args[@]}"
		[[ $stderr != *"unknown option"* && $stderr != *"unexpected"* ]] || { echo "$o: $stderr" >&2; false; }
	done
	# -V and --version only come first: not offered after the object, refused there
	[[ $'\n'$offered$'\n' != *$'\n-V\n'* && $'\n'$offered$'\n' != *$'\n--version\n'* ]]
	run --separate-stderr "$VNETCTL" -n "$NS" bridge show -V
	[ "$status" -eq 2 ]
	[[ $(completes vnetctl -) == *--version* ]]
}

@test "export is show --config, for the host and for an object" {
	want=$("$VNETCTL" -n "$NS" show --config)
	[[ $want == *"bridge add br0 priority 4096"* ]]
	eq "$("$VNETCTL" -n "$NS" export)" "$want"
	eq "$("$VNETCTL" -n "$NS" bridge export br0)" "$("$VNETCTL" -n "$NS" bridge show br0 --config)"
	eq "$("$VNETCTL" -n "$NS" veth export)" "$("$VNETCTL" -n "$NS" veth show --config)"
	# and documented where show is
	run "$VNETCTL" bridge help
	[[ $output == *"vnetctl [OPTIONS] bridge export [NAME]"* ]]
}
