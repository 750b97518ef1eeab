#!/usr/bin/env bats
# Crash-safe transactions: a vnetctl killed (SIGKILL) right after one of its
# change requests leaves its journal, and the next vnetctl in the namespace
# (here show, check, or a change) rolls the interrupted transaction back
# first and says what it undid. The host is compared with ip and bridge.
# A kill after every change request of every rollback scenario is the kill
# matrix (tests/rollback/run --kill, in tests/integration/rollback/).

bats_require_minimum_version 1.5.0
load transaction

setup() {
	common_setup
	[ -f "$SHIM" ] || skip "no $SHIM (ninja -C build)"
	F=$BATS_TEST_TMPDIR/change.conf
}
teardown() { transaction_teardown; }

# Veths with addresses, a macvlan with its own on v0, a route through v0:
# deleting v0 takes all of that along; v1 changes; a new pair joins a bridge.
veth_setup() {
	ip -n "$NS" -batch - <<-'END'
	link add v0 type veth peer name v0-peer
	link add v1 type veth peer name v1-peer
	addr add 10.1.0.1/24 dev v0
	addr add 10.1.0.2/24 dev v0-peer
	addr add 10.1.1.1/24 dev v1
	link add link v0 name mv0 type macvlan mode bridge
	addr add 10.1.2.1/24 dev mv0
	link set v0 up
	link set v0-peer up
	link set mv0 up
	link set v1 up
	link set v1-peer up
	route add 10.9.0.0/16 via 10.1.0.254
	END
	cat > "$F" <<-'END'
	veth del v0
	veth set v1 mtu 1400 down
	veth add v2 peer v2-peer mtu 9000 address 02:00:00:00:02:01 up
	bridge add br2 stp off ports v2 up
	END
}

@test "check and a change command roll an interrupted transaction back first" {
	veth_setup
	before=$(snap)
	run -137 env LD_PRELOAD="$SHIM" VNETCTL_FAILINJECT_KILL=3 "$VNETCTL" -n "$NS" apply "$F"
	# check: the differences against the host as it was, not as the kill left it.
	run --separate-stderr vn check "$F"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"recovered an interrupted transaction"* ]]
	[[ "$output" == *"veth v0: delete"* ]]
	[ "$(snap)" = "$before" ]
	# A change: first the recovery, then the change, on the host as it was.
	run -137 env LD_PRELOAD="$SHIM" VNETCTL_FAILINJECT_KILL=2 "$VNETCTL" -n "$NS" apply "$F"
	run --separate-stderr vn bridge add brx
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"recovered an interrupted transaction"*"v0-peer: make again (veth)"* ]]
	[ "$output" = "bridge brx: create" ]
	ip -n "$NS" link del brx
	[ "$(snap)" = "$before" ]
}

@test "a statement killed half-way is rolled back too; a dry run changes nothing but the recovery" {
	ip -n "$NS" link add e0 type veth peer name e0p
	ip -n "$NS" addr add 192.0.2.7/24 dev e0
	before=$(snap)
	# The address moves to br0 with e0: killed after e0 joined (request 2), before it moved.
	run -137 env LD_PRELOAD="$SHIM" VNETCTL_FAILINJECT_KILL=2 "$VNETCTL" -n "$NS" bridge add br0 ports e0 addresses 192.0.2.7/24 mtu 1400 up
	[ -s "$(run_file journal)" ]
	run --separate-stderr vn --dry-run bridge add br0 ports e0 addresses 192.0.2.7/24
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"recovered an interrupted transaction of PID "*" (bridge br0): undid "*"br0: delete (made by the change)"* ]]
	[[ "$output" == *"bridge br0: create"* ]]   # planned against the host as it was
	[[ "$output" == *"bridge br0: remove address 192.0.2.7/24 on e0"* ]]
	[ "$(snap)" = "$before" ]
}

@test "a journal that is another namespace's (its inode reused) is removed, not applied" {
	veth_setup
	run -137 env LD_PRELOAD="$SHIM" VNETCTL_FAILINJECT_KILL=2 "$VNETCTL" -n "$NS" apply "$F"
	NS2=$NS-b
	ip netns add "$NS2"
	ip -n "$NS2" link add v0 type veth peer name v0-peer
	before=$(snap "$NS2")
	cp "$(run_file journal)" "$(run_file journal "$NS2")"
	run --separate-stderr "$VNETCTL" -n "$NS2" show
	after=$(snap "$NS2")
	left=$(run_file journal "$NS2")
	ip netns del "$NS2"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]   # nothing of this namespace's to say
	[ "$after" = "$before" ]
	[ ! -e "$left" ]
	[ -e "$(run_file journal)" ]   # its own is left for its own namespace
}

@test "a journal of an earlier boot is removed, not applied" {
	veth_setup
	run -137 env LD_PRELOAD="$SHIM" VNETCTL_FAILINJECT_KILL=3 "$VNETCTL" -n "$NS" apply "$F"
	j=$(run_file journal)
	boot=$(cat /proc/sys/kernel/random/boot_id)
	grep -qaF "$boot" "$j"   # the journal names the boot it was written in
	# The same journal, as if written before the host last booted.
	perl -0777 -pi -e "s/\Q$boot\E/00000000-0000-4000-8000-000000000000/" "$j"
	killed=$(snap)
	run --separate-stderr vn show
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"removed the journal of a transaction interrupted before the host last booted: nothing was rolled back"* ]]
	[ ! -e "$j" ]
	[ "$(snap)" = "$killed" ]   # nothing of it was applied
}

# apply --boot runs each group as a transaction of its own: a kill in the
# second group undoes that group alone (the first is finished and stays),
# and while it waits for a missing device no journal is left to undo the
# groups it already applied.
boot_setup() {
	veth e0
	veth e1
	ip -n "$NS" addr add 192.0.2.9/24 dev e1
	printf 'bridge add brA ports e0 stp off up\nbridge add brB ports e1 addresses 192.0.2.9/24 up\n' > "$F"
}
# snap without interface indexes: a bridge deleted and made again (to get
# back to the state before) comes back with another.
snap_noidx() { snap | sed -E 's/"ifindex": ?[0-9]+,?//g'; }
brA_done() { [ "$(ip -n "$NS" -j link show dev e0 | jq -r '.[0].master')" = brA ] && ip -n "$NS" link show dev brA up | grep -q brA; }

@test "apply --boot killed in its second group: the first group stays, the second is undone" {
	local base=$NS k=1 status1 n1 before mid
	ip netns del "$NS"
	while :; do
		NS=$base-$k
		ip netns add "$NS"
		boot_setup
		before=$(snap)
		# The state with the first group alone applied, and its requests.
		head -1 "$F" > "$F.1"
		n1=$(vn -j apply "$F.1" | jq .requests)
		mid=$(snap_noidx)
		vn bridge del brA
		ip -n "$NS" link set e0 down
		[ "$(snap)" = "$before" ]
		run env LD_PRELOAD="$SHIM" VNETCTL_FAILINJECT_KILL=$k "$VNETCTL" -n "$NS" apply --boot --boot-wait 0 "$F"
		status1=$status
		((status1 == 0 || status1 == 137))
		run --separate-stderr vn show
		[ "$status" -eq 0 ]
		if ((status1 == 0)); then
			[[ "$stderr" != *"recovered"* ]]
		elif ((k <= n1)); then
			[[ "$stderr" == *"recovered an interrupted transaction"*"(brA)"* ]]
			[ "$(snap)" = "$before" ]
		else
			[[ "$stderr" == *"recovered an interrupted transaction"*"(brB)"* ]]
			[[ "$stderr" != *"brA"* ]]
			[ "$(snap_noidx)" = "$mid" ]
		fi
		[ ! -e "$(run_file journal)" ]
		rm -f "$(run_file lock)"
		ip netns del "$NS"
		((status1 == 0)) && break
		((++k < 40))
	done
	((k > n1 + 1))   # the second group was killed at least once
	NS=$base
	ip netns add "$NS"
}

@test "apply --boot waiting for a missing device leaves no journal: a kill then undoes nothing" {
	boot_setup
	printf 'bridge add brA ports e0 stp off up\nbridge add brB ports e9 up\n' > "$F"
	"$VNETCTL" -n "$NS" apply --boot --boot-wait 60 "$F" > "$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	# The first group applied, its transaction ended: its journal goes
	# (before the fix it stayed while the second group waited).
	wait_for 20 brA_done
	wait_for 10 gone "$(run_file journal)"
	applied=$(snap)
	alive "$pid"
	kill -9 "$pid"
	wait "$pid" || true
	run --separate-stderr vn show
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"recovered"* ]]
	[ "$(snap)" = "$applied" ]
}
