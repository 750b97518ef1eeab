# Shared by the operators' view tests (show runtime state, diagnose, monitor, --dot).

# until SECONDS CMD...: runs CMD every 0.2 s until it succeeds, for at most
# SECONDS (linkwatch and STP move on their own time, later on a loaded machine).
until_ok() {
	local limit=$1 i
	shift
	for ((i = 0; i < limit * 5; i++)); do
		"$@" && return 0
		sleep 0.2
	done
	echo "until_ok: \"$*\" still fails after ${limit}s" >&2
	return 1
}

# A port's STP state as the bridge tool reads it.
brport_state() {
	bridge -n "$NS" -j link show dev "$1" | jq -r '.[0].state'
}

# up DEV...: sets each link up.
up() {
	local d
	for d in "$@"; do ip -n "$NS" link set dev "$d" up; done
}

# An STP loop: both ends of veth a on bridge br0, STP on; returns once the
# kernel blocks one of them.
stp_loop() {
	veth a
	vn bridge add br0 stp on forward-delay 2 hello-time 1 ports a,ap up >/dev/null
	up a ap
	until_ok 30 blocking_port >/dev/null
}

# Prints the port of br0 the kernel blocks; fails when there is none.
blocking_port() {
	bridge -n "$NS" -j link show | jq -er '[.[] | select(.state == "blocking") | .ifname][0] // empty'
}
