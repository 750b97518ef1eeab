# Shared by the bats integration tests: each test gets a fresh network
# namespace of its own, and checks the kernel's state with ip/bridge/jq.
# Nothing outside that namespace is changed.

: "${VNETCTL:=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)/build/cmd/vnetctl}"

common_setup() {
	NS="vnt-$$-${BATS_TEST_NUMBER}-$RANDOM"
	ip netns add "$NS"
	ip -n "$NS" link set lo up
}

common_teardown() {
	[ -n "${MONITOR_PID:-}" ] && kill "$MONITOR_PID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null || true
}

# vnetctl in the test's namespace.
vn() {
	"$VNETCTL" -n "$NS" "$@"
}

# One link's details as JSON (ip -j -d link show).
link_json() {
	ip -n "$NS" -j -d link show dev "$1" | jq '.[0]'
}

# A field of a link: lj DEV JQ-PATH
lj() {
	ip -n "$NS" -j -d link show dev "$1" | jq -r ".[0]$2"
}

# The namespace's whole link and VLAN state, for "nothing changed" checks.
# ifindex-based fields are stable; counters are not shown without -s. Left
# out: operstate and the carrier flags (they follow the far end and settle
# on their own after a link goes up), STP timers, and the qdisc, which the kernel attaches the
# first time a link goes up and keeps when it goes down again (an undone
# "up" cannot take it back; vnetctl does not manage qdiscs).
#
# A bridge port's STP state follows its link's carrier only once the
# kernel's link watch has run, which it does later and on its own (up to a
# second later for a link made down): on 6.1 a veth made and brought up at
# once while its peer is down reads "forwarding" until then, then
# "disabled". So the links are read again, every 0.1 s for at most 5 s,
# until each port is "disabled" exactly when it or its bridge is down or
# it has no carrier; after that they are taken as they are.
snapshot() {
	local links i
	for ((i = 1; i <= 50; i++)); do
		links=$(ip -n "$NS" -j -d link show | jq -S --argjson last "$((i == 50))" '
			def has_flag($f): (.flags // []) | index($f) != null;
			(map({key: .ifname, value: has_flag("UP")}) | from_entries) as $up
			| if $last == 0 and any(.[] | select(.linkinfo.info_slave_kind == "bridge");
					(has_flag("UP") and has_flag("LOWER_UP") and $up[.master]) ==
					(.linkinfo.info_slave_data.state == "disabled"))
			  then "settling"
			  else map((.flags |= ((. // []) - ["NO-CARRIER", "LOWER_UP", "M-DOWN"])) | del(.operstate, .qdisc, .linkinfo.info_data.gc_timer, .linkinfo.info_data.hello_timer, .linkinfo.info_data.tcn_timer, .linkinfo.info_data.topology_change_timer, .linkinfo.info_slave_data.hold_timer, .linkinfo.info_slave_data.message_age_timer, .linkinfo.info_slave_data.forward_delay_timer))
			  end') || {
			echo "snapshot: cannot read the links" >&2
			return 1
		}
		[ "$links" = '"settling"' ] || break
		sleep 0.1
	done
	[ -n "$links" ] || return 1
	printf '%s\n' "$links"
	# By name: 6.1 lists ports in the order they were registered (a link
	# made again comes last), newer kernels by index.
	bridge -n "$NS" -j vlan show 2>/dev/null | jq -c 'sort_by(.ifname)' 2>/dev/null || true
}

# The exact round trip on this host: FILE, exported here by show --config,
# applies as no change (not one step, not one attribute of the snapshot) and
# check finds it in sync.
round_trip() {
	local before
	before=$(snapshot)
	run --separate-stderr "$VNETCTL" -n "$NS" apply "$1"
	[ "$status" -eq 0 ]
	eq "$output" "$1: no change"
	eq "$(snapshot)" "$before"
	run --separate-stderr "$VNETCTL" -n "$NS" check "$1"
	[ "$status" -eq 0 ]
}

veth() {
	ip -n "$NS" link add name "$1" type veth peer name "$1p"
}

# guest NAME: a guest's interface, a veth whose peer (g-NAME) no guest-ports
# pattern of the examples (vif*) takes.
guest() {
	ip -n "$NS" link add name "$1" type veth peer name "g-$1"
}

# eq GOT WANT: equal, or both shown.
eq() {
	[ "$1" = "$2" ] && return 0
	printf 'got:  %s\nwant: %s\n' "$1" "$2" >&2
	return 1
}

# Every link's operstate agrees with its carrier: an up link with carrier
# is running (UP, or UNKNOWN if it never saw a carrier change), one without
# is not and says NO-CARRIER; a down link is DOWN. (tests/rollback/snapshot.jq
# says the same of the matrix's snapshots.)
links_settled() {
	ip -s -s -n "$NS" -j link show | jq -e 'all(.[];
		def has_flag($f): (.flags // []) | index($f) != null;
		if has_flag("UP") | not then .operstate == "DOWN"
		elif has_flag("LOWER_UP") then (has_flag("NO-CARRIER") | not)
			and (.operstate == "UP" or (.operstate == "UNKNOWN" and (.stats64.tx.carrier_changes // 0) == 0))
		else has_flag("NO-CARRIER") and (.operstate | IN("UP", "UNKNOWN") | not) end)' >/dev/null
}

# Records link events in the namespace until monitor_stop. Links that were
# just created or brought up send events of their own for a while (linkwatch's
# carrier and operstate, addrconf), later on a loaded machine (a CI run once
# saw a bridge's operstate event more than a second after it was brought up):
# recording starts after a whole second without any (at most ten tries).
monitor_start() {
	local i
	# First the kernel's own work: linkwatch sets operstate from the carrier
	# (a bridge brought up without ports goes DOWN), seconds later on a
	# loaded machine. Waited for as a state, at most ten seconds.
	for ((i = 0; i < 100; i++)); do
		links_settled && break
		sleep 0.1
	done
	MONITOR_OUT="$BATS_TEST_TMPDIR/monitor.out"
	ip -n "$NS" monitor link >> "$MONITOR_OUT" 2>&1 &
	MONITOR_PID=$!
	for ((i = 0; i < 10; i++)); do
		: > "$MONITOR_OUT"
		sleep 1
		[ -s "$MONITOR_OUT" ] || break
	done
	: > "$MONITOR_OUT"
}

monitor_stop() {
	sleep 0.3
	kill "$MONITOR_PID" 2>/dev/null
	wait "$MONITOR_PID" 2>/dev/null || true
	MONITOR_PID=
	if [ -s "$MONITOR_OUT" ]; then
		echo "ip monitor saw:" >&2
		cat "$MONITOR_OUT" >&2
	fi
	return 0
}

# release_as_told: runs the command that an "already enslaved" message in
# $stderr gives ("release it there first: vnetctl -n NS bond slave del b1 e0
# (or in the same file)"), as the message gives it; it must succeed.
release_as_told() {
	local cmd words
	[[ $stderr == *"release it there first: vnetctl "* ]] || { echo "no release command in: $stderr" >&2; return 1; }
	cmd=${stderr#*release it there first: vnetctl }
	cmd=${cmd%% (or in the same file)*}
	read -ra words <<<"$cmd"
	run --separate-stderr "$VNETCTL" "${words[@]}"
	[ "$status" -eq 0 ] || { echo "vnetctl ${words[*]}: exit $status: $stderr" >&2; return 1; }
}

# run, then check the exit code and that stderr names the word at fault.
# expect_fail CODE FRAGMENT -- ARGS...
expect_fail() {
	local code=$1 frag=$2
	shift 3
	run --separate-stderr "$VNETCTL" -n "$NS" "$@"
	if [ "$status" -ne "$code" ]; then
		echo "expected exit $code, got $status; stderr: $stderr" >&2
		return 1
	fi
	if [[ "$stderr" != *"$frag"* ]]; then
		echo "stderr lacks \"$frag\": $stderr" >&2
		return 1
	fi
}

# The static addresses of a link, sorted: "192.0.2.10/24 2001:db8::10/64".
addrs() {
	ip -n "$NS" -j addr show dev "$1" | jq -r '[.[0].addr_info[] | select(.scope != "link" and .valid_life_time == 4294967295) | "\(.local)/\(.prefixlen)"] | sort | join(" ")'
}
# The default routes of the namespace: "dev via protocol" lines.
defaults() {
	{ ip -n "$NS" -j route show default; ip -n "$NS" -j -6 route show default; } |
		jq -r '.[] | "\(.dev) \(.gateway) \(.protocol)"' | sort
}

# Waits (at most 30 s) for the end of the guardian that "apply --confirm
# --detach" named on stderr ($1): its rollback is done when it has ended.
wait_guardian_end() {
	local g i
	g=$(sed -n 's/.*(guardian PID \([0-9]*\)).*/\1/p' <<<"$1" | head -1)
	[ -n "$g" ] || { echo "no guardian PID in: $1" >&2; return 1; }
	for ((i = 0; i < 300; i++)); do
		kill -0 "$g" 2>/dev/null || return 0
		sleep 0.1
	done
	echo "guardian $g still running" >&2
	return 1
}

# ping_start FROM-NS ADDR N: N pings of ADDR, 10 ms apart, from namespace
# FROM-NS in the background, returning once the first answer came;
# ping_lost: then waits (at most 60 s) for ping's summary and prints how
# many went unanswered; no summary is a failure. (It runs in a command
# substitution, whose shell cannot wait for ping: the summary is awaited.)
ping_start() {
	ip netns exec "$1" ping -n -i 0.01 -c "$3" -W 2 "$2" > "$BATS_TEST_TMPDIR/ping" 2>&1 &
	PING=$!
	local i
	for ((i = 0; i < 200; i++)); do
		grep -q 'bytes from' "$BATS_TEST_TMPDIR/ping" && return 0
		sleep 0.05
	done
	return 1
}
ping_lost() {
	local i line=
	for ((i = 0; i < 600; i++)); do
		line=$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' "$BATS_TEST_TMPDIR/ping")
		[ -n "$line" ] && break
		sleep 0.1
	done
	[ -n "$line" ] || { echo "ping gave no summary: $(tail -2 "$BATS_TEST_TMPDIR/ping")" >&2; return 1; }
	set -- $line
	echo $(($1 - $2))
}

# A Xen host's surroundings: NICs nic0 and nic1 whose far ends sw0 and sw1
# are bridged (swbr, with the address $1.1/24) in the namespace $SW, the
# "switch"; and a guest's vif1.0 whose far end eth0 is in $GUEST with $1.2/24.
switch_setup() {
	SW=$NS-sw GUEST=$NS-g
	ip netns add "$SW"
	ip netns add "$GUEST"
	local i d
	for i in 0 1; do
		ip -n "$NS" link add name nic$i type veth peer name sw$i netns "$SW"
	done
	ip -n "$SW" link add name swbr type bridge
	ip -n "$SW" link set dev sw0 master swbr
	ip -n "$SW" link set dev sw1 master swbr
	for d in sw0 sw1 swbr lo; do ip -n "$SW" link set dev $d up; done
	ip -n "$SW" addr add "$1.1/24" dev swbr
	ip -n "$NS" link add name vif1.0 type veth peer name eth0 netns "$GUEST"
	ip -n "$GUEST" link set dev eth0 up
	ip -n "$GUEST" link set dev lo up
	ip -n "$GUEST" addr add "$1.2/24" dev eth0
}
switch_teardown() {
	ip netns del "$SW" 2>/dev/null || true
	ip netns del "$GUEST" 2>/dev/null || true
}

# The active slave of bond $BOND (default bond0), from /proc/net/bonding.
active_slave() {
	ip netns exec "$NS" cat "/proc/net/bonding/${BOND:-bond0}" | sed -n 's/^Currently Active Slave: //p'
}
# Waits (up to 10 s: the VM is slow) until the bond reports $1 active.
wait_active() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(active_slave)" = "$1" ] && return 0
		sleep 0.2
	done
	echo "active slave: $(active_slave), wanted $1" >&2
	return 1
}
