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

# wait_until SECONDS CMD...: poll CMD every 50 ms until it succeeds; fail
# when it has not within SECONDS (a bound, not a wait: the test goes on as
# soon as CMD succeeds).  The pause is bash's own read with a timeout on a
# FIFO that never delivers: on 2 TCG vCPUs a poll that starts processes
# (sleep, ip, jq) takes the CPU from what it waits for.
wait_until() {
	local end=$((SECONDS + $1)) _
	shift
	if [[ -z ${NAP_FD:-} ]]; then
		mkfifo "$BATS_TEST_TMPDIR/nap"
		exec {NAP_FD}<>"$BATS_TEST_TMPDIR/nap"
	fi
	until "$@"; do
		((SECONDS < end)) || { echo "# timed out waiting for: $*" >&3; return 1; }
		read -r -t 0.05 -u "$NAP_FD" _ || true
	done
}

# hotplug_unit IFNAME: the instance that the udev rule starts for IFNAME.
hotplug_unit() {
	systemd-escape --template=vnetctl-hotplug@.service -- "$1"
}

# The record that record_hotplug (prepare.bash) makes of the hotplug units.
# hotplug_seen IFNAME: an instance started for IFNAME since the start log
# was last emptied.  hotplug_done IFNAME: one ended since the end log was.
# (bash only, no process: they are polled)
hotplug_seen() { _in_record "$1" /run/vnetctl-hotplug.log; }
hotplug_done() { _in_record "$1" /run/vnetctl-hotplug.done; }
_in_record() {
	local n _
	[[ -e $2 ]] || return 1
	while read -r n _; do
		[[ $n == "$1" ]] && return 0
	done <"$2"
	return 1
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

# now_us: CLOCK_MONOTONIC in µs (10 ms resolution), read by bash itself
# (no process start in between).
now_us() {
	local up _
	read -r up _ </proc/uptime
	echo "$((10#${up%.*}${up#*.}0000))"
}

# no_jobs: systemd has no job queued or running (boot-time hotplug runs done).
no_jobs() {
	[[ -z $(systemctl list-jobs --no-legend) ]]
}

# master IFNAME: the name of the link's master, empty if none.
master() {
	ip -j link show dev "$1" | jq -r '.[0].master // empty'
}
