# tests/vm/boot/lib.bash - for the boot tests, which run in the VM booted by
# tests/vm/run --systemd (tests/vm/boot/run), in its initial network
# namespace: udev sees no other.  They read the kernel with ip -j, bridge -j
# and /proc/net/bonding, and systemd's view with systemctl show.

: "${VNETCTL:=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)/build/cmd/vnetctl}"

# Refuse to run anywhere but in that VM: these tests change the initial
# network namespace.
require_systemd_vm() {
	if [[ ${VNETCTL_VM:-} != 1 || $(readlink /proc/1/exe) != */systemd ]]; then
		echo "# not in the VM of tests/vm/run --systemd: run tests/vm/boot/run" >&3
		return 1
	fi
}

# prop UNIT PROPERTY: one property of a unit, as systemctl show gives it.
prop() {
	systemctl show -P "$2" "$1"
}

# wait_until SECONDS CMD...: poll CMD every 20 ms until it succeeds; fail
# when it has not within SECONDS (a bound, not a wait: the test goes on as
# soon as CMD succeeds).
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < end)) || { echo "# timed out waiting for: $*" >&3; return 1; }
		sleep 0.02
	done
}

# hotplug_unit IFNAME: the instance that the udev rule starts for IFNAME.
hotplug_unit() {
	systemd-escape --template=vnetctl-hotplug@.service -- "$1"
}

# The record that record_hotplug (prepare.bash) makes of the hotplug units.
# hotplug_seen IFNAME: an instance started for IFNAME since the start log
# was last emptied.  hotplug_done IFNAME: one ended since the end log was.
hotplug_seen() {
	grep -q "^$1 " /run/vnetctl-hotplug.log 2>/dev/null
}
hotplug_done() {
	grep -q "^$1 " /run/vnetctl-hotplug.done 2>/dev/null
}
# hotplug_started IFNAME / hotplug_ended IFNAME: when the first instance for
# IFNAME started / the last ended, in µs of CLOCK_MONOTONIC (as systemd's
# *TimestampMonotonic); hotplug_result IFNAME: how the last ended
# ("success 0", "exit-code 2", ...).
hotplug_started() {
	awk -v n="$1" '$1 == n { printf "%d\n", $2 * 1000000; exit }' /run/vnetctl-hotplug.log
}
hotplug_ended() {
	awk -v n="$1" '$1 == n { t = $4 } END { printf "%d\n", t * 1000000 }' /run/vnetctl-hotplug.done
}
hotplug_result() {
	awk -v n="$1" '$1 == n { r = $2 " " $3 } END { print r }' /run/vnetctl-hotplug.done
}

# now_us: CLOCK_MONOTONIC in µs (10 ms resolution).
now_us() {
	awk '{ printf "%d\n", $1 * 1000000 }' /proc/uptime
}

# master IFNAME: the name of the link's master, empty if none.
master() {
	ip -j link show dev "$1" | jq -r '.[0].master // empty'
}
