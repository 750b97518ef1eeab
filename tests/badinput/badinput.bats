#!/usr/bin/env bats
# The bad-input corpus (tests/badinput/cases) as one host-tier test: every
# case's exit code, message fragment, and an unchanged namespace. The cases
# run in tests/badinput/run, one namespace for all of them; this test fails
# when any case fails and shows those cases. Known bugs (TODO cases) do not
# fail it.

bats_require_minimum_version 1.5.0
load ../lib/features

@test "bad-input corpus: exit codes, messages, and no change to the namespace" {
	[ "$(id -u)" -eq 0 ] || skip "needs root (ip netns)"
	require_feature veth bridge
	# BADINPUT_CASES: another cases file (to try the runner itself).
	run --separate-stderr "$BATS_TEST_DIRNAME/run" ${BADINPUT_CASES:+"$BADINPUT_CASES"}
	if [ "$status" -ne 0 ]; then
		# The failing cases with their diagnostics, the TODO ones left out.
		awk '/^not ok / && !/ # TODO/ { p = 1; print; next }
		     /^#   / && p { print; next }
		     { p = 0 }
		     /^Bail out!/ || /^# [0-9]+ cases in / { print }' <<<"$output"
		[ -z "$stderr" ] || printf 'stderr of run:\n%s\n' "$stderr"
		echo "tests/badinput/run exited with $status"
		return 1
	fi
}
