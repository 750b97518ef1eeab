# Shared by the operators' view tests (show runtime state, diagnose, monitor, --dot).

EX=$(cd "$BATS_TEST_DIRNAME/../../../examples" && pwd)

# A netdevsim device $1 with one port, moved into the namespace as pf0 (VM tier).
nsim_pf() {
	local pf= i
	echo "$1 1" > /sys/bus/netdevsim/new_device
	for ((i = 0; i < 50; i++)); do
		pf=$(ls "/sys/bus/netdevsim/devices/netdevsim$1/net/" 2>/dev/null | head -1)
		[ -n "$pf" ] && break
		sleep 0.1
	done
	[ -n "$pf" ] || { echo "netdevsim$1 made no port" >&2; return 1; }
	ip link set dev "$pf" netns "$NS"
	ip -n "$NS" link set dev "$pf" name pf0
}

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

# agrees KERNEL-CMD VNETCTL-CMD: the second prints what the first does. STP
# moves a port on (listening, learning, forwarding) and ends a topology
# change by itself: the kernel is read before and after vnetctl, and the
# comparison counts only when both readings agree (else it is made again).
agrees() {
	local i before after got
	for ((i = 0; i < 50; i++)); do
		before=$(eval "$1")
		got=$(eval "$2")
		after=$(eval "$1")
		[ "$before" = "$after" ] || continue
		eq "$got" "$before"
		return
	done
	echo "the kernel's answer never held still: $before, then $after" >&2
	return 1
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

# Starts vnetctl ARGS... (the monitor command with its options) in the background, its output in $MON_OUT,
# and returns once it hears events: it makes links rdyN of kind $MON_PROBE
# (bridge unless set: one the OBJECT words let through) until one is said.
mon_start() {
	MON_OUT="$BATS_TEST_TMPDIR/mon.out"
	# Appending: the file is emptied below while the monitor writes on.
	"$VNETCTL" -n "$NS" "$@" >> "$MON_OUT" 2>&1 3>&- &
	MON_PID=$!
	local i
	for ((i = 0; i < 50; i++)); do
		ip -n "$NS" link add name "rdy$i" type "${MON_PROBE:-bridge}"
		if until_ok 1 grep -q "rdy$i" "$MON_OUT" 2>/dev/null; then
			ip -n "$NS" link del dev "rdy$i"
			until_ok 10 grep -q "deleted.*rdy$i\|\"deleted\".*\"rdy$i\"" "$MON_OUT"
			: > "$MON_OUT"
			return 0
		fi
		ip -n "$NS" link del dev "rdy$i"
	done
	echo "mon_start: the monitor never said an event" >&2
	return 1
}

# Waits (bounded) until the monitor's output has a line matching the ERE.
mon_wait() {
	until_ok "${2:-20}" grep -qE "$1" "$MON_OUT" || { cat "$MON_OUT" >&2; return 1; }
}

# Stops it with signal $1 (TERM by default); its exit status in $MON_STATUS.
mon_stop() {
	kill -"${1:-TERM}" "$MON_PID"
	MON_STATUS=0
	wait "$MON_PID" || MON_STATUS=$?
	MON_PID=
}
