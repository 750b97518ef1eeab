# Shared by host.bats and vm.bats: the rollback matrix (tests/rollback/run)
# and the shim (tests/rollback/failinject.so) from bats.

load ../../lib/common
load ../../lib/features

RUN=$BATS_TEST_DIRNAME/../../rollback/run
SHIM=$(cd "$(dirname "$VNETCTL")/.." && pwd)/tests/failinject.so
EX=$(cd "$BATS_TEST_DIRNAME/../../../examples" && pwd)

teardown() {
	[ -n "${ID:-}" ] && echo "$ID" >/sys/bus/netdevsim/del_device 2>/dev/null
	[ -n "${NS:-}" ] && common_teardown
	return 0
}

# matrix SCENARIO: its whole matrix; passes when every case does, and then
# writes the summary line to the TAP stream as a comment (a failing test
# shows the whole output, which ends with that line).
# matrix --kill SCENARIO: the kill matrix (vnetctl killed after each
# request; the next command rolls the journal back).
matrix() {
	run "$RUN" "$@"
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	echo "# ${lines[-1]}" >&3
}

# vn_shim K ARGS...: vnetctl in $NS with the shim, change request K made to
# fail (0: none); the count and the log in $BATS_TEST_TMPDIR. (ASan, in
# tests/sanitize, wants its runtime first: the shim before it is harmless.)
# FAULT names another of the shim's variables for K (VNETCTL_FAILINJECT_RECV,
# VNETCTL_FAILINJECT_REREAD).
vn_shim() {
	local k=$1
	shift
	rm -f "$BATS_TEST_TMPDIR/count" "$BATS_TEST_TMPDIR/log"
	env LD_PRELOAD="$SHIM" "${FAULT:-VNETCTL_FAILINJECT}=${k#0}" \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		VNETCTL_FAILINJECT_COUNT="$BATS_TEST_TMPDIR/count" \
		VNETCTL_FAILINJECT_LOG="$BATS_TEST_TMPDIR/log" "$VNETCTL" -n "$NS" "$@"
}
