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

# hotplug_done IFNAME: that instance ran to its end at least once.
hotplug_done() {
	local u
	u=$(hotplug_unit "$1")
	[[ $(prop "$u" ExecMainExitTimestampMonotonic) -gt 0 && $(prop "$u" ActiveState) != activating ]]
}

# hotplug_seen IFNAME: an instance started for IFNAME since the log was
# last emptied (record_hotplug in prepare.bash writes the log).
hotplug_seen() {
	grep -qxF -- "$1" /run/vnetctl-hotplug.log
}

# master IFNAME: the name of the link's master, empty if none.
master() {
	ip -j link show dev "$1" | jq -r '.[0].master // empty'
}
