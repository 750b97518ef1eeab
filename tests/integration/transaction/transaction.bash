# Shared by the transaction tests: the journal's and the guardian's files of
# the test's namespace, a snapshot that also holds addresses and routes, and
# bounded waits for a state (never a fixed sleep).

load ../../lib/common

SHIM=${SHIM:-$(cd "$(dirname "$VNETCTL")/.." && pwd)/tests/failinject.so}
# Under tests/sanitize vnetctl is an ASan build: a preloaded shim comes before
# the ASan runtime in the library list, which ASan refuses unless told (as
# tests/rollback/run tells it for its shim).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# /run/vnetctl/KIND-INODE of namespace NS (default the test's): run_file journal [NS]
run_file() {
	echo "/run/vnetctl/$1-$(stat -c %i "/run/netns/${2:-$NS}")"
}

# The host as the tests compare it: links and bridge VLANs (common.bash),
# the static addresses (not the kernel's IPv6 link-local ones, nor those with
# a lifetime), and the routes that are not the kernel's own, without the
# linkdown flag (it follows the carrier, which settles on its own).
snap() {
	local ns=${1:-$NS}
	NS=$ns snapshot || return 1
	ip -n "$ns" -j addr show | jq -c 'map({ifname, addrs: ([.addr_info[] | select(.valid_life_time == 4294967295 and .scope != "link") | {family, local, prefixlen, broadcast, label: .label}] | sort_by(.local))}) | sort_by(.ifname)'
	ip -n "$ns" -j route show table all | jq -c 'map(select(.protocol != "kernel") | .flags -= ["linkdown"]) | sort_by(.dst)'
}

# wait_for SECONDS CMD...: polls CMD every 0.1 s until it succeeds; fails after SECONDS.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < end)) || { echo "wait_for: still not: $*" >&2; return 1; }
		sleep 0.1
	done
}

same_as() { [ "$(snap)" = "$1" ]; }
gone() { [ ! -e "$1" ]; }
alive() { kill -0 "$1" 2>/dev/null; }
dead() { ! kill -0 "$1" 2>/dev/null; }

# The guardian's PID from the line a --confirm command writes to stderr.
guardian_of() {
	sed -n 's/.*(guardian PID \([0-9]*\)).*/\1/p' "$1" | head -1
}
has_guardian_line() { [ -n "$(guardian_of "$1")" ]; }

# The test's files under /run/vnetctl go with its namespace: a journal left
# would otherwise wait for a sweep, and a later namespace given the same
# inode would find (and drop) it first.
transaction_teardown() {
	local ino
	ino=$(stat -c %i "/run/netns/$NS" 2>/dev/null) &&
		rm -f "/run/vnetctl/lock-$ino" "/run/vnetctl/journal-$ino" "/run/vnetctl/journal-$ino.tmp" \
			"/run/vnetctl/confirm-$ino" "/run/vnetctl/confirm-$ino.sock"
	common_teardown
}
