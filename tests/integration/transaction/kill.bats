#!/usr/bin/env bats
# Crash-safe transactions: a vnetctl killed (SIGKILL) right after any of its
# change requests leaves its journal, and the next vnetctl in the namespace
# (here show, check, or a change) rolls the interrupted transaction back
# first and says what it undid. The host is compared with ip and bridge.
# Host kernel: bridges, veths and a macvlan, with addresses and routes; the
# VM tier (tests/vm/run) also a bond, VLANs and a VLAN-filtering bridge.

bats_require_minimum_version 1.5.0
load transaction
load ../../lib/features

setup() {
	common_setup
	[ -f "$KILLINJECT" ] || skip "no $KILLINJECT (ninja -C build)"
	F=$BATS_TEST_TMPDIR/change.conf
}
teardown() { transaction_teardown; }

# A bridge with a hand-set MTU, an address and a route through it, and two
# ports: the file deletes it and makes another of its ports.
bridge_setup() {
	ip -n "$NS" -batch - <<-'END'
	link add br0 type bridge
	link add p0 type veth peer name p0-peer
	link add p1 type veth peer name p1-peer
	link set p0 master br0
	link set p1 master br0
	link set br0 mtu 1400
	addr add 192.0.2.1/24 dev br0
	link set p0-peer up
	link set p1-peer up
	link set p0 up
	link set p1 up
	link set br0 up
	route add 198.51.100.0/24 via 192.0.2.254
	END
	cat > "$F" <<-'END'
	bridge del br0
	bridge add br1 stp off forward-delay 0 ports p0,p1 up
	bridge port set br1 p1 cost 50 isolated on
	END
}

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

# A bond over two NICs with a VLAN on it, in a VLAN-filtering bridge; a VLAN
# with an address goes; another bond's mode changes (its slave released and
# taken again, the bond down in between).
bond_setup() {
	ip -n "$NS" -batch - <<-'END'
	link add e0 type veth peer name e0-peer
	link add e1 type veth peer name e1-peer
	link add e2 type veth peer name e2-peer
	link add bondA type bond mode balance-rr miimon 100
	link set e2 master bondA
	link add link e0 name e0.5 type vlan id 5
	addr add 10.5.0.1/24 dev e0.5
	link set e0-peer up
	link set e1-peer up
	link set e2-peer up
	link set bondA up
	link set e0 up
	link set e0.5 up
	END
	cat > "$F" <<-'END'
	vlan del e0.5
	bond add bond0 mode active-backup miimon 100 slaves e0,e1 up
	vlan add bond0.10 link bond0 id 10 up
	bridge add br10 vlan-filtering on default-pvid none ports bond0.10 up
	bridge port set br10 bond0.10 pvid 10 untagged 10 vlans 20-22
	bond set bondA mode active-backup
	END
}

# A fresh namespace of the same name, set up as the scenario's host.
fresh() {
	ip netns del "$NS" 2>/dev/null
	common_setup_again
	"$1"
}
common_setup_again() {
	ip netns add "$NS"
	ip -n "$NS" link set lo up
}

# kill_matrix SCENARIO-SETUP: for every K, the apply killed after request K,
# then vnetctl show: the host as before.
kill_matrix() {
	local k n before
	"$1"
	LD_PRELOAD=$KILLINJECT VNETCTL_KILLINJECT_COUNT=$BATS_TEST_TMPDIR/n vn apply "$F" >/dev/null
	n=$(cat "$BATS_TEST_TMPDIR/n")
	[ "$n" -ge 3 ] || { echo "only $n change requests" >&2; return 1; }
	[ ! -e "$(run_file journal)" ]   # a transaction that ended leaves none
	for ((k = 1; k <= n; k++)); do
		fresh "$1"
		before=$(snap)
		run -137 env LD_PRELOAD="$KILLINJECT" VNETCTL_KILLINJECT=$k "$VNETCTL" -n "$NS" apply "$F"
		[ -s "$(run_file journal)" ] || { echo "k=$k: no journal after the kill" >&2; return 1; }
		if ((k == n)) && [ "$(snap)" = "$before" ]; then
			echo "k=$k: the killed apply changed nothing visible" >&2
			return 1
		fi
		run --separate-stderr vn show
		[ "$status" -eq 0 ] || { echo "k=$k: show: $status $stderr" >&2; return 1; }
		[[ "$stderr" == *"recovered an interrupted transaction of PID "*" ($F): undid "* ]] ||
			{ echo "k=$k: show said: $stderr" >&2; return 1; }
		[ ! -e "$(run_file journal)" ] || { echo "k=$k: the journal stayed" >&2; return 1; }
		[ "$(snap)" = "$before" ] || {
			echo "k=$k of $n: the host differs after the recovery ($stderr)" >&2
			diff <(echo "$before") <(snap) >&2
			return 1
		}
	done
}

@test "kill -9 after each change request of a bridge's replacement: show restores the host" {
	kill_matrix bridge_setup
}

@test "kill -9 after each change request of veths and a macvlan: show restores the host" {
	kill_matrix veth_setup
}

@test "kill -9 after each change request of bonds, VLANs and a VLAN-filtering bridge: show restores the host" {
	require_feature bonding 8021q vlan_filtering
	kill_matrix bond_setup
}

@test "check and a change command roll an interrupted transaction back first" {
	veth_setup
	before=$(snap)
	run -137 env LD_PRELOAD="$KILLINJECT" VNETCTL_KILLINJECT=3 "$VNETCTL" -n "$NS" apply "$F"
	# check: the differences against the host as it was, not as the kill left it.
	run --separate-stderr vn check "$F"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"recovered an interrupted transaction"* ]]
	[[ "$output" == *"veth v0: delete"* ]]
	[ "$(snap)" = "$before" ]
	# A change: first the recovery, then the change, on the host as it was.
	run -137 env LD_PRELOAD="$KILLINJECT" VNETCTL_KILLINJECT=2 "$VNETCTL" -n "$NS" apply "$F"
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
	run -137 env LD_PRELOAD="$KILLINJECT" VNETCTL_KILLINJECT=2 "$VNETCTL" -n "$NS" bridge add br0 ports e0 mtu 1400 up
	[ -s "$(run_file journal)" ]
	run --separate-stderr vn --dry-run bridge add br0 ports e0
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"recovered an interrupted transaction of PID "*" (bridge br0): undid br0: delete (made by the change)"* ]]
	[[ "$output" == *"bridge br0: create"* ]]   # planned against the host as it was
	[ "$(snap)" = "$before" ]
}

@test "a journal that is another namespace's (its inode reused) is removed, not applied" {
	veth_setup
	run -137 env LD_PRELOAD="$KILLINJECT" VNETCTL_KILLINJECT=2 "$VNETCTL" -n "$NS" apply "$F"
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
