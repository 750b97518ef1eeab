#!/usr/bin/env bats
# vnetctl apply/check/confirm on files of bridge statements (any kernel).

bats_require_minimum_version 1.5.0
load ../../lib/common

setup() {
	common_setup
	for v in eth0 eth1; do veth "$v"; done
	for v in vif1.0 vif2.0; do guest "$v"; done
	F=$BATS_TEST_TMPDIR/host.conf
	EX=$(cd "$BATS_TEST_DIRNAME/../../../examples" && pwd)
}
teardown() { common_teardown; }

# Waits (at most 20 s) until a --confirm command writing to FILE says its
# guardian holds the change: from then on confirm and SIGHUP find it.
held() {
	local _
	for _ in $(seq 200); do
		grep -q "guardian PID" "$1" && return 0
		sleep 0.1
	done
	echo "no guardian line in $1: $(cat "$1")" >&2
	return 1
}

@test "the example applies in dependency order whatever the order of the lines" {
	# The example's statements backwards: the port lines first.
	printf '%s\n' "bridge port set xenbr0 vif2.0 isolated on" "bridge port set xenbr0 vif1.0 isolated on" \
		"bridge add xenbr0 stp off forward-delay 0 ports eth0,vif1.0,vif2.0 \\" \
		"    addresses 192.0.2.10/24 gateway 192.0.2.1 up" > "$F"
	run vn apply "$F"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "${lines[0]}" = "bridge xenbr0: create (stp off forward-delay 0 up)" ]
	[ "$(lj vif1.0 .master)" = xenbr0 ]
	[ "$(lj vif1.0 .linkinfo.info_slave_data.isolated)" = true ]
	[ "$(lj xenbr0 .linkinfo.info_data.forward_delay)" = 0 ]
}

@test "a second apply sends nothing: ip monitor sees no event" {
	vn apply "$EX/xen-bridge.conf"
	ip -n "$NS" link set dev xenbr0 up
	monitor_start
	before=$(snapshot)
	run vn apply "$EX/xen-bridge.conf"
	monitor_stop
	[ "$status" -eq 0 ]
	[ "$output" = "$EX/xen-bridge.conf: no change" ]
	[ ! -s "$MONITOR_OUT" ]
	[ "$(snapshot)" = "$before" ]
	run vn -j apply "$EX/xen-bridge.conf"
	[ "$(jq -c '{changed, operations}' <<<"$output")" = '{"changed":false,"operations":[]}' ]
}

@test "a file that changes one field sends one request" {
	vn apply "$EX/xen-bridge.conf"
	sed 's/forward-delay 0/forward-delay 2/' "$EX/xen-bridge.conf" > "$F"
	run vn -j apply "$F"
	[ "$(jq -c .operations <<<"$output")" = '["bridge xenbr0: set forward-delay 0 -> 2"]' ]
	[ "$(lj xenbr0 .linkinfo.info_data.forward_delay)" = 200 ]
}

@test "--dry-run prints the ordered plan and changes nothing" {
	before=$(snapshot)
	run vn apply "$EX/xen-bridge.conf" --dry-run
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 10 ]
	[ "${lines[1]}" = "bridge xenbr0: set guest-ports vif*" ]
	[ "${lines[2]}" = "bridge xenbr0: add port eth0" ]
	# The guests of the moment, through the pattern and its port statement.
	[ "${lines[3]}" = "bridge xenbr0: add port vif1.0" ]
	[ "${lines[4]}" = "bridge xenbr0: add port vif2.0" ]
	[ "${lines[5]}" = "bridge xenbr0: add address 192.0.2.10/24" ]
	[ "${lines[6]}" = "bridge xenbr0: add route default via 192.0.2.1" ]
	[ "${lines[7]}" = "bridge xenbr0 port vif1.0: set isolated on" ]
	[ "${lines[8]}" = "bridge xenbr0 port vif2.0: set isolated on" ]
	# And the settings recorded for the guests to come.
	[ "${lines[9]}" = "bridge xenbr0: guests to come matching vif*: isolated on" ]
	[ "$(snapshot)" = "$before" ]
}

@test "parse errors: every error, file:line:column, the line and a caret under the word" {
	printf '%s\n' 'bridge add br0 \' '    priority 70000 # too big' \
		'bridge add br1 stp maybe' '' '# fine' 'brige add br2' 'bridge add br3 ports eth0,a/b' > "$F"
	before=$(snapshot)
	run --separate-stderr vn apply "$F"
	[ "$status" -eq 2 ]
	errs=("${stderr_lines[@]}")
	[ "${errs[0]}" = "$F:2:14: bridge br0: priority: \"70000\": out of range (0-65535)" ]
	[ "${errs[1]}" = "        priority 70000 # too big" ]
	[ "${errs[2]}" = "                 ^" ]
	[ "${errs[3]}" = "$F:3:20: bridge br1: stp: \"maybe\": expected on or off" ]
	[ "${errs[5]}" = "                       ^" ]
	[ "${errs[6]}" = "$F:6:1: unknown object \"brige\"; did you mean bridge?" ]
	[ "${errs[8]}" = "    ^" ]
	[[ "${errs[9]}" == "$F:7:22: bridge br3: ports: \"eth0,a/b\": an interface name cannot contain"* ]]
	[ "${errs[-1]}" = "vnetctl: $F: 4 errors; nothing changed" ]
	[ "$(snapshot)" = "$before" ]
}

@test "bad files: missing, a directory's *.conf that is no file, a NUL byte, empty standard input, a 1 MiB line" {
	expect_fail 2 "nosuch.conf: cannot open (No such file or directory)" -- apply "$BATS_TEST_TMPDIR/nosuch.conf"
	# A directory is read as one file (dir.bats); a *.conf in it that is no file is an error.
	mkdir -p "$BATS_TEST_TMPDIR/d/sub.conf"
	expect_fail 2 "sub.conf: cannot read (Is a directory)" -- apply "$BATS_TEST_TMPDIR/d"
	printf 'bridge add br0\nbridge add\0br1\n' > "$F"
	expect_fail 2 "$F:2: a NUL byte: not a text file" -- apply "$F"
	run vn apply - < /dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "<stdin>: no change" ]
	{ printf 'bridge add br0 ports '; head -c 1048576 /dev/zero | tr '\0' 'a'; echo; } > "$F"
	expect_fail 2 "an interface name has at most 15 bytes" -- apply "$F"
}

@test "a statement the kernel refuses undoes every step before it" {
	vn bridge add other stp on ports eth1
	before=$(snapshot)
	cat > "$F" <<-'EOF'
	bridge add br0 stp on priority 4096 ports eth0 up
	bridge port set br0 eth0 cost 7
	bridge add br1 ports vif1.0,br0
	EOF
	run --separate-stderr vn apply "$F"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"$F:3: bridge br1: add port br0: failed: Can not enslave a bridge to a bridge"*"the steps before it were undone"* ]]
	[ "$(snapshot)" = "$before" ]
	# A timer the kernel refuses while STP runs on an existing bridge: vnetctl
	# refuses it while planning (firsthour/errors.bats), so br2 is not made either.
	printf 'bridge add br2 ports vif2.0\nbridge set other forward-delay 1\n' > "$F"
	run --separate-stderr vn apply "$F"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"$F:2: bridge other: forward-delay 1: must be 2-30 while stp is on"* ]]
	[ "$(snapshot)" = "$before" ]
}

@test "no silent theft: a port of another bridge, unless the file releases it there" {
	vn bridge add other ports eth1
	printf 'bridge add br0 ports eth0,eth1\n' > "$F"
	before=$(snapshot)
	expect_fail 1 "$F:1: bridge br0: port eth1: already enslaved to other" -- apply "$F"
	[ "$(snapshot)" = "$before" ]
	printf 'bridge add br0 ports eth0,eth1\nbridge set other ports none\n' > "$F"
	run vn apply "$F"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "bridge other: release port eth1" ]
	[ "$(lj eth1 .master)" = br0 ]
	# The same port twice in one file: the second statement would steal it.
	printf 'bridge add br3 ports vif1.0\nbridge add br4 ports vif1.0\n' > "$F"
	before=$(snapshot)
	expect_fail 1 "port vif1.0: already enslaved to br3" -- apply "$F"
	[ "$(snapshot)" = "$before" ]
}

@test "a reference to a device that neither exists nor is declared, and a cycle" {
	before=$(snapshot)
	printf 'bridge add br0 ports eth0\nbridge port set br0 nosuch cost 5\n' > "$F"
	expect_fail 1 "$F:2: bridge br0: port nosuch: no such interface" -- apply "$F"
	printf 'bridge add br0 ports br1\nbridge add br1 ports br0\n' > "$F"
	expect_fail 2 "the statements on lines 1, 2 depend on each other (a cycle)" -- apply "$F"
	[ "$(snapshot)" = "$before" ]
}

@test "check: in sync (0), a drift made with ip (1, listed), trouble (2)" {
	vn apply "$EX/xen-bridge.conf"
	run vn check "$EX/xen-bridge.conf"
	[ "$status" -eq 0 ]
	ip -n "$NS" link set dev vif2.0 type bridge_slave isolated off
	ip -n "$NS" link set dev xenbr0 type bridge forward_delay 500
	run vn check "$EX/xen-bridge.conf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"bridge xenbr0: set forward-delay 5 -> 0"* ]]
	[[ "$output" == *"bridge xenbr0 port vif2.0: set isolated off -> on"* ]]
	printf 'bridge add br0 stp maybe\n' > "$F"
	run vn check "$F"
	[ "$status" -eq 2 ]
	printf 'bridge port set nosuchbr eth0 cost 3\n' > "$F"
	run vn check "$F"
	[ "$status" -eq 2 ]
}

@test "--prune deletes vnetctl's own links the file leaves out, never others" {
	vn apply "$EX/xen-bridge.conf"
	vn bridge add extra0
	ip -n "$NS" link add name byhand type bridge
	run vn apply --prune "$EX/xen-bridge.conf"
	[ "$status" -eq 0 ]
	[ "$output" = "bridge extra0: delete" ]
	! ip -n "$NS" link show dev extra0 2>/dev/null
	ip -n "$NS" link show dev byhand
	ip -n "$NS" link show dev xenbr0
	run vn apply --prune "$EX/xen-bridge.conf"
	[ "$output" = "$EX/xen-bridge.conf: no change" ]
}

@test "show --config round trip: apply it to a fresh namespace, same state" {
	vn apply "$EX/xen-bridge.conf"
	vn bridge port set xenbr0 eth0 cost 19 priority 5
	vn show --config > "$F"
	want=$(ip -n "$NS" -j -d link show | jq -S '[.[] | select(.master == "xenbr0" or .ifname == "xenbr0") | {ifname, master, mtu, d: .linkinfo.info_data, s: (.linkinfo.info_slave_data // {} | {cost, priority, isolated, hairpin, learning})} | del(.d.gc_timer, .d.hello_timer, .d.tcn_timer, .d.topology_change_timer, .d.bridge_id, .d.root_id)]')
	old=$NS
	common_setup
	for v in eth0 eth1; do veth "$v"; done
	for v in vif1.0 vif2.0; do guest "$v"; done
	run vn apply "$F"
	[ "$status" -eq 0 ]
	got=$(ip -n "$NS" -j -d link show | jq -S '[.[] | select(.master == "xenbr0" or .ifname == "xenbr0") | {ifname, master, mtu, d: .linkinfo.info_data, s: (.linkinfo.info_slave_data // {} | {cost, priority, isolated, hairpin, learning})} | del(.d.gc_timer, .d.hello_timer, .d.tcn_timer, .d.topology_change_timer, .d.bridge_id, .d.root_id)]')
	run vn apply "$F"
	ip netns del "$NS"
	NS=$old
	[ "$want" = "$got" ]
	[[ "$output" == *"no change"* ]]
}

@test "--confirm: not confirmed rolls back; confirmed stays; a hang-up leaves it to the guardian" {
	before=$(snapshot)
	run vn apply "$EX/xen-bridge.conf" --confirm 1 < /dev/null
	[ "$status" -eq 1 ]
	[[ "$output" == *"not confirmed; every change was rolled back"* ]]
	[ "$(snapshot)" = "$before" ]
	# Confirmed from another shell.
	vn apply "$EX/xen-bridge.conf" --confirm 20 < /dev/null > "$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	held "$BATS_TEST_TMPDIR/out"
	run vn confirm
	[ "$status" -eq 0 ]
	wait "$pid"
	ip -n "$NS" link show dev xenbr0
	grep -q "confirmed" "$BATS_TEST_TMPDIR/out"
	run vn confirm
	[ "$status" -eq 1 ]
	[[ "$output" == *"confirm: nothing pending"* ]]
	# A dropped session (SIGHUP): the command goes, the guardian keeps the
	# change for a confirmation from a new session.
	vn bridge del xenbr0
	before=$(snapshot)
	"$VNETCTL" -n "$NS" apply "$EX/xen-bridge.conf" --confirm 20 < /dev/null > "$BATS_TEST_TMPDIR/out2" 2>&1 &
	pid=$!
	held "$BATS_TEST_TMPDIR/out2"
	kill -HUP "$pid"
	st=0
	wait "$pid" || st=$?   # not under run: a subshell cannot wait for this shell's child
	[ "$st" -eq 129 ]
	grep -q "Hangup: the guardian (PID [0-9]*) keeps the changes until" "$BATS_TEST_TMPDIR/out2"
	ip -n "$NS" link show dev xenbr0
	run vn rollback
	[ "$status" -eq 0 ]
	[ "$(snapshot)" = "$before" ]
}

@test "two applies at once take turns; --no-wait fails clearly" {
	vn apply "$EX/xen-bridge.conf" --confirm 20 < /dev/null > "$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	held "$BATS_TEST_TMPDIR/out"
	printf 'bridge add br9\n' > "$F"
	expect_fail 1 "another vnetctl is changing this namespace" -- apply "$F" --no-wait
	vn apply "$F" &
	second=$!
	sleep 0.5
	! ip -n "$NS" link show dev br9 2>/dev/null   # still waiting for the lock
	vn confirm
	wait "$pid"
	wait "$second"
	ip -n "$NS" link show dev br9
}

@test "many deletions go together (one group request) and are undone together" {
	for i in $(seq 0 11); do echo "bridge add gb$i"; done > "$F"
	vn apply "$F"
	for i in $(seq 0 11); do echo "bridge del gb$i"; done > "$F"
	run vn -j apply "$F"
	[ "$status" -eq 0 ]
	[ "$(jq '.operations | length' <<<"$output")" = 12 ]
	[ "$(jq '.requests' <<<"$output")" = 13 ]   # 12 group moves and 1 delete
	[ "$(ip -n "$NS" -o link show type bridge | grep -c ' gb')" = 0 ]
	# The same, followed by a refused step: all twelve come back, in their group.
	for i in $(seq 0 11); do echo "bridge add gb$i"; done > "$F"
	vn apply "$F"
	before=$(snapshot)
	{ for i in $(seq 0 11); do echo "bridge del gb$i"; done; echo "bridge add br9 ports eth0,gb0x"; } > "$F"
	ip -n "$NS" link add name gb0x type bridge
	# Made again, a link asks for its old index (and gets it: it is free).
	# These bridges were made without an address and never had a port: their
	# MAC is random, and the kernel makes no link again with a MAC "as
	# random". The rollback leaves it random rather than fixed, so that each
	# bridge still takes its first port's address as it would have: compare
	# all but the address and what derives from it (the bridge id).
	before=$(snapshot | sed -E '/"(bridge_id|root_id|address)"/d')
	run --separate-stderr vn apply "$F"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"the steps before it were undone"* ]]
	[[ "$stderr" != *"WARNING"* ]]
	[ "$(snapshot | sed -E '/"(bridge_id|root_id|address)"/d')" = "$before" ]
}

@test "the links a failed apply made go again together (one group request); a link in a group keeps it" {
	ip -n "$NS" link add name keep group 5 type bridge
	before=$(snapshot)
	{ for i in $(seq 0 9); do echo "bridge add gb$i"; done; echo "bridge add gbx ports gb0"; } > "$F"
	monitor_start
	run --separate-stderr vn apply "$F"
	monitor_stop 2>/dev/null
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"bridge gbx: add port gb0: failed"*"the steps before it were undone"* ]]
	[ "$(snapshot)" = "$before" ]
	[ "$(ip -n "$NS" -j link show keep | jq -r '.[0].group')" = 5 ]
	# Each of the eleven new bridges went from one group (not the one vnetctl
	# marks what it creates with, 30318): the group delete's.
	groups=$(grep -E '^Deleted [0-9]+: gb[0-9x]+: .* group [0-9]+ *$' "$MONITOR_OUT" |
		sed -E 's/^Deleted [0-9]+: (gb[0-9x]+): .* group ([0-9]+) *$/\1 \2/' | grep -v ' 30318$' | sort -u)
	[ "$(cut -d' ' -f1 <<<"$groups" | sort -u | wc -l)" = 11 ]
	[ "$(cut -d' ' -f2 <<<"$groups" | sort -u | wc -l)" = 1 ]
}

@test "a refusal in the middle of a batch: the requests after it ran too, and are undone" {
	# Only the last request of a batch asks for an ack; a failed one is
	# answered anyway. The bridge exists already (with a port, so that its
	# address stays its ports' lowest), so only releasing each port that
	# went in can put the namespace back.
	ip -n "$NS" link add name brA type bridge
	vn bridge add br1 ports vif2.0
	before=$(snapshot)
	echo "bridge add br1 ports vif2.0,eth0,brA,eth1,vif1.0" > "$F"
	run --separate-stderr vn apply "$F"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"bridge br1: add port brA: failed: Can not enslave a bridge to a bridge"*"undone"* ]]
	eq "$(snapshot)" "$before"
	# And a batch that succeeds reports every port made.
	echo "bridge add br1 ports vif2.0,eth0,eth1,vif1.0" > "$F"
	vn apply "$F"
	eq "$(ip -n "$NS" -j link show master br1 | jq -r 'map(.ifname) | sort | join(",")')" "eth0,eth1,vif1.0,vif2.0"
}

# Two statements that wait on each other for a port: the bond takes eth0 from
# xenbr0, xenbr0 takes the bond. The port moves first, in a step of its own;
# without bonding on this kernel, the plan (--dry-run) is what shows it.
@test "a port that moves from one statement's master to another's is released first, not a cycle" {
	ip -n "$NS" link add name xenbr0 type bridge
	ip -n "$NS" link set dev eth0 master xenbr0
	printf '%s\n' "bridge add xenbr0 ports bond0,vif1.0" \
		"bond add bond0 mode active-backup slaves eth0,eth1" > "$F"
	before=$(snapshot)
	# Without bonding on this kernel the dry run ends with exit 1 at the bond's create, after the plan.
	run --separate-stderr vn apply --dry-run "$F"
	[ "$status" -eq 0 ] || [[ "$stderr" == *"no bonding driver"* ]] || { echo "$stderr" >&2; false; }
	[ "${lines[0]}" = "bridge xenbr0: release eth0 (bond0 takes it)" ]
	[ "${lines[1]}" = "bond bond0: create (mode active-backup)" ]
	[[ "$output" == *"bridge xenbr0: add port bond0"* ]]
	[[ "$output" != *"release port eth0"* ]]
	[ "$(snapshot)" = "$before" ]
}

# Two bridges that swap their ports wait on each other only for those ports:
# each is released from its old bridge first.
@test "two bridges that swap their ports: applied, and a second apply is a no-op" {
	ip -n "$NS" link add name br0 type bridge
	ip -n "$NS" link add name br1 type bridge
	ip -n "$NS" link set dev eth0 master br0
	ip -n "$NS" link set dev eth1 master br1
	printf '%s\n' "bridge add br0 ports eth1" "bridge add br1 ports eth0" > "$F"
	run vn apply "$F"
	[ "$status" -eq 0 ] || { echo "$output" >&2; false; }
	[ "$(lj eth0 .master)" = br1 ]
	[ "$(lj eth1 .master)" = br0 ]
	run vn apply "$F"
	[ "$output" = "$F: no change" ]
}
