#!/usr/bin/env bats
# veth pairs: made, changed, shown and deleted, each checked with ip -j -d
# link show. Runs on the host's kernel (veth is built in) and in the VM tier.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	F=$BATS_TEST_TMPDIR/f.conf
}
teardown() {
	[ -n "${NS2:-}" ] && ip netns del "$NS2" 2>/dev/null
	common_teardown
}

# The snapshot without what a remade link cannot keep: its bridge port
# number, which the kernel gives in the order the ports come (re)attached.
remade() {
	sed -E '/"(no|id|designated_port)"/d'
}

# The file $F fails (exit 1) and says every step before was undone, with no undo failing.
fails_undone() {
	run --separate-stderr vn apply "$F"
	[ "$status" -eq 1 ] || { echo "exit $status: $stderr" >&2; return 1; }
	[[ "$stderr" == *"${1:-}"*"the steps before it were undone"* ]] || { echo "$stderr" >&2; return 1; }
	[[ "$stderr" != *"WARNING"* ]] || { echo "$stderr" >&2; return 1; }
}

# up DEV: 1 when the link is administratively up.
up() {
	lj "$1" '.flags | index("UP") != null' | sed 's/true/1/;s/false/0/'
}

@test "add makes both ends, paired, with the MTU, addresses and state asked for" {
	run vn veth add v0 peer p0 mtu 9000 address 02:00:00:00:00:10 peer-address 02:00:00:00:00:11 up
	[ "$status" -eq 0 ]
	eq "$output" $'veth v0: create (peer p0 mtu 9000 address 02:00:00:00:00:10 peer-address 02:00:00:00:00:11 up)\nveth v0: peer p0 up'
	eq "$(lj v0 .linkinfo.info_kind)/$(lj p0 .linkinfo.info_kind)" veth/veth
	eq "$(lj v0 .link)/$(lj p0 .link)" p0/v0
	eq "$(lj v0 .mtu)/$(lj p0 .mtu)" 9000/9000
	eq "$(lj v0 .address)/$(lj p0 .address)" 02:00:00:00:00:10/02:00:00:00:00:11
	eq "$(up v0)$(up p0)" 11
	eq "$(lj v0 .group)/$(lj p0 .group)" 30318/30318
	# A pair made down stays down, and a peer-mtu applies to the peer alone.
	vn veth add v1 peer p1 mtu 2000 peer-mtu 1400
	eq "$(up v1)$(up p1)" 00
	eq "$(lj v1 .mtu)/$(lj p1 .mtu)" 2000/1400
}

@test "the same statement again sends nothing and disturbs nothing" {
	vn veth add v0 peer p0 mtu 9000 up
	before=$(snapshot)
	monitor_start
	run vn -j veth add v0 peer p0 mtu 9000 up
	monitor_stop
	[ "$status" -eq 0 ]
	eq "$(jq -c '[.changed, .requests]' <<<"$output")" '[false,0]'
	[ ! -s "$MONITOR_OUT" ]
	# Named from the other end, the pair matches too.
	run vn veth add p0 peer v0 mtu 9000 up
	eq "$output" "veth p0: no change"
	eq "$(snapshot)" "$before"
}

@test "set changes only what differs, end by end" {
	vn veth add v0 peer p0 up
	run vn -j veth set v0 mtu 4000
	eq "$(jq -c .operations <<<"$output")" '["veth v0: set mtu 1500 -> 4000","veth v0 peer p0: set mtu 1500 -> 4000"]'
	eq "$(jq .requests <<<"$output")" 2
	eq "$(lj v0 .mtu)/$(lj p0 .mtu)" 4000/4000
	run vn -j veth set v0 peer-mtu 1500 peer-state down address 02:00:00:00:00:20
	eq "$(jq .requests <<<"$output")" 2
	eq "$(lj v0 .mtu)/$(lj p0 .mtu)" 4000/1500
	eq "$(up v0)$(up p0)" 10
	eq "$(lj v0 .address)" 02:00:00:00:00:20
	# down takes both ends down; then up both.
	vn veth set v0 down
	eq "$(up v0)$(up p0)" 00
	vn veth set p0 up
	eq "$(up v0)$(up p0)" 11
}

@test "del either end deletes the pair; absent, it is no change" {
	vn veth add v0 peer p0
	run vn veth del p0
	[ "$status" -eq 0 ]
	eq "$output" "veth p0: delete (and with it its peer v0)"
	run ip -n "$NS" link show dev v0
	[ "$status" -ne 0 ]
	run ip -n "$NS" link show dev p0
	[ "$status" -ne 0 ]
	run vn veth del v0
	eq "$output" "veth v0: no change"
}

@test "errors name the word at fault and change nothing" {
	vn veth add v0 peer p0
	ip -n "$NS" link add name br0 type bridge
	before=$(snapshot)
	expect_fail 2 'veth v1: add needs peer PEER' -- veth add v1
	expect_fail 2 'veth v1: peer: the two ends need two names' -- veth add v1 peer v1
	expect_fail 2 'veth v1: peer: a veth always has a peer, not none' -- veth add v1 peer none
	expect_fail 2 'peer: "a/b": an interface name cannot contain' -- veth add v1 peer a/b
	expect_fail 2 'peer-state: "sideways"' -- veth add v1 peer p1 peer-state sideways
	expect_fail 2 'peer-address: the same as address' -- veth add v1 peer p1 address 02:00:00:00:00:01 peer-address 02:00:00:00:00:01
	expect_fail 2 'mtu: "67": out of range (68-65535)' -- veth add v1 peer p1 mtu 67
	expect_fail 2 'veth v0: del takes no keywords' -- veth del v0 peer p0
	expect_fail 1 'veth v1: peer br0 exists already (a bridge)' -- veth add v1 peer br0
	expect_fail 1 'veth br0: br0 exists and is a bridge, not a veth' -- veth add br0 peer p9
	expect_fail 1 'veth v0: peer: the peer is p0, not p9' -- veth add v0 peer p9
	expect_fail 1 'veth v9: no such veth' -- veth set v9 mtu 1400
	expect_fail 1 'veth br0: br0 is a bridge, not a veth' -- veth show br0
	eq "$(snapshot)" "$before"
}

@test "a file makes veths before the bridge that takes them; --config reproduces it" {
	cat > "$F" <<-'EOF2'
	bridge add br0 ports v0,v1 up
	veth add v1 peer p1 up
	veth add v0 peer p0 up mtu 9000
	EOF2
	run vn apply "$F"
	[ "$status" -eq 0 ]
	eq "$(lj v0 .master)/$(lj v1 .master)" br0/br0
	eq "$(lj v0 .mtu)" 9000
	run vn apply "$F"
	eq "$output" "$F: no change"
	vn show --config > "$BATS_TEST_TMPDIR/export.conf"
	# the kernel's random MACs are not exported (issue 23): only what was set
	grep -qx 'veth add v0 peer p0 mtu 9000 up' "$BATS_TEST_TMPDIR/export.conf"
	# Each pair once, from the end a create names.
	eq "$(grep -c '^veth add' "$BATS_TEST_TMPDIR/export.conf")" 2
	before=$(snapshot)
	local first=$NS
	common_setup
	vn apply "$BATS_TEST_TMPDIR/export.conf"
	after=$(snapshot | remade | sed -E '/"(address|bridge_id|root_id)"/d')
	common_teardown
	NS=$first
	eq "$after" "$(remade <<<"$before" | sed -E '/"(address|bridge_id|root_id)"/d')"
}

@test "veth show: each pair once, text and JSON" {
	vn veth add v0 peer p0 up
	vn veth add v1 peer p1 peer-mtu 1400
	run vn veth show
	eq "${lines[0]%% *}" NAME
	eq "${#lines[@]}" 3
	[[ "${lines[1]}" == "v0 "*" p0 "*"1500 "*"up/up" ]]
	[[ "${lines[2]}" == "v1 "*" p1 "*"1500/1400 "*"down/down" ]]
	run vn -j veth show
	eq "$(jq -c 'map([.name, .peer, .mtu, .peer_mtu, .state, .peer_state])' <<<"$output")" \
		'[["v0","p0",1500,1500,"up","up"],["v1","p1",1500,1400,"down","down"]]'
	eq "$(jq -r '.[0].address' <<<"$output")" "$(lj v0 .address)"
	run vn -j veth show p1
	eq "$(jq -c 'map([.name, .peer])' <<<"$output")" '[["p1","v1"]]'
}

@test "deleting many pairs goes through one group request; a later failure makes them again" {
	for i in $(seq 0 9); do echo "veth add v$i peer p$i up"; done > "$F"
	echo "bridge add br0 ports v0,v1" >> "$F"
	vn apply "$F"
	ip -n "$NS" link add name brx type bridge
	ip -n "$NS" link set v2 address 02:00:00:00:00:42
	# Each end's own group comes back (not NAME's for both).
	ip -n "$NS" link set p3 group 7
	before=$(snapshot | remade)
	{ for i in $(seq 0 9); do echo "veth del v$i"; done; echo "bridge add br1 ports brx"; } > "$F"
	fails_undone "bridge br1: add port brx: failed"
	eq "$(snapshot | remade)" "$before"
	# Without the failing statement: ten deletions, eleven requests (ten group moves, one delete).
	sed -i '$d' "$F"
	run vn -j apply "$F"
	[ "$status" -eq 0 ]
	eq "$(jq -c '[(.operations | length), .requests]' <<<"$output")" '[10,11]'
	eq "$(ip -n "$NS" -o link show type veth | wc -l)" 0
}

@test "--prune deletes vnetctl's veths the file leaves out, keeping pairs it names by either end" {
	vn veth add v0 peer p0
	vn veth add v1 peer p1
	ip -n "$NS" link add name x0 type veth peer name y0
	echo "veth add p1 peer v1" > "$F"
	run vn apply --prune "$F"
	[ "$status" -eq 0 ]
	[[ "$output" == *"veth "?"0: delete (and with it its peer "?"0)"* ]]
	eq "$(ip -n "$NS" -o link show type veth | awk -F'[ :@]+' '{print $2}' | sort | tr '\n' ' ')" "p1 v1 x0 y0 "
}

@test "a veth whose peer is in another namespace: shown, its own end set, never deleted" {
	NS2="$NS-b"
	ip netns add "$NS2"
	ip -n "$NS" link add name x0 type veth peer name y0 netns "$NS2"
	before=$(snapshot)
	run vn veth show
	[[ "${lines[1]}" == "x0 "*"(other netns)"* ]]
	run vn -j veth show x0
	eq "$(jq -c 'map([.name, .peer, .peer_in_other_netns])' <<<"$output")" '[["x0",null,true]]'
	run vn show --config
	[[ "$output" == *"# veth x0: its peer is in another namespace; not described"* ]]
	expect_fail 1 'veth x0: its peer is in another namespace, where an undo could not make it again' -- veth del x0
	expect_fail 1 'veth x0: its peer is not in this namespace' -- veth set x0 peer-mtu 2000
	eq "$(snapshot)" "$before"
	ip -n "$NS2" link show dev y0 >/dev/null
	vn veth set x0 mtu 2000
	eq "$(lj x0 .mtu)" 2000
}

# A vxlan made with "dev v0" names v0 only inside its own data
# (IFLA_VXLAN_LINK), not as its link, and the kernel deletes it with v0.
# vnetctl cannot make a vxlan again (nor its forwarding entries), so a
# delete that would take one along is refused before any change.
@test "a pair with a vxlan on either end: its delete is refused before any change, naming the vxlan" {
	vn veth add v0 peer p0 up
	vn veth add v1 peer p1
	ip -n "$NS" link add vx0 type vxlan id 42 dev v0 dstport 4789
	ip -n "$NS" link add vx1 type vxlan id 43 dev p1 dstport 4789
	# The plan says what goes with the pair.
	run vn --dry-run veth del v0
	[ "$status" -eq 0 ]
	eq "$output" "veth v0: delete (and with it its peer p0) (and with it the vxlan vx0)"
	before=$(snapshot)
	expect_fail 1 'veth v0: delete: would also delete vx0 (a vxlan on v0), which vnetctl cannot make again should the change be rolled back; delete vx0 first' -- veth del v0
	expect_fail 1 'veth p0: delete: would also delete vx0 (a vxlan on v0)' -- veth del p0
	expect_fail 1 'veth v1: delete: would also delete vx1 (a vxlan on p1)' -- veth del v1
	# A file: the steps before the delete do not run either.
	printf 'veth set v1 mtu 1400 up\nveth del v0\nveth add v2 peer p2\n' > "$F"
	expect_fail 1 'veth v0: delete: would also delete vx0 (a vxlan on v0)' -- apply "$F"
	eq "$(snapshot)" "$before"
	# Without the vxlan, the same file goes through.
	ip -n "$NS" link del vx0
	vn apply "$F"
	eq "$(ip -n "$NS" -j link show | jq -r '[.[].ifname] | sort | join(" ")')" "lo p1 p2 v1 v2 vx1"
}

@test "one pair deleted and made again: each end's group, master and state as before" {
	vn veth add v0 peer p0 up
	vn bridge add br0 ports v0 up
	ip -n "$NS" link set p0 group 0
	ip -n "$NS" link set p0 down
	ip -n "$NS" link add name brx type bridge
	before=$(snapshot | remade)
	printf 'veth del p0\nbridge add br1 ports brx\n' > "$F"
	fails_undone
	eq "$(snapshot | remade)" "$before"
}

@test "a pair a file deletes is no port for the statements after it, nor under --prune" {
	vn veth add v1 peer p1; vn veth add v2 peer p2; vn veth add v3 peer p3
	vn bridge add br0 ports v1,v2,v3
	vn bridge add br1 ports p1
	# The bridges' ports as stated, without the deleted pair: nothing left to release.
	printf 'veth del v1\nbridge add br0 ports v2,v3\nbridge add br1 ports none\n' > "$F"
	run vn apply "$F"
	[ "$status" -eq 0 ]
	eq "$output" "veth v1: delete (and with it its peer p1)"
	eq "$(ip -n "$NS" -j link show | jq -r '[.[] | "\(.ifname)>\(.master // "-")"] | sort | join(" ")')" \
		"br0>- br1>- lo>- p2>- p3>- v2>br0 v3>br0"
	# A port --prune deletes (v3, with p3) is not released first either.
	printf 'veth add v2 peer p2\nbridge add br0 ports v2\nbridge add br1\n' > "$F"
	run vn apply --prune "$F"
	[ "$status" -eq 0 ]
	[[ "$output" != *release* ]] || { echo "$output" >&2; false; }
	eq "$(ip -n "$NS" -j link show | jq -r '[.[] | "\(.ifname)>\(.master // "-")"] | sort | join(" ")')" \
		"br0>- br1>- lo>- p2>- v2>br0"
}

@test "a file names a pair once: a second statement on either end is an error" {
	printf 'veth add a peer b mtu 9000\nveth set b mtu 1500\n' > "$F"
	expect_fail 2 "$F:2:1: veth b: also on line 1: a file holds one statement per object" -- apply "$F"
	printf 'veth del b\nveth add a peer b\n' > "$F"
	expect_fail 2 "$F:2:1: veth a: also on line 1" -- apply "$F"
	run ip -n "$NS" -o link show type veth
	eq "$output" ""
}

@test "a SEA's adapter is the SEA's: veth set and del refuse it, --prune takes it away only as sea del does" {
	vn veth add v0 peer p0
	ip -n "$NS" link set v0 alias "vnetctl-sea:sea0"
	before=$(snapshot)
	expect_fail 1 'veth v0: an adapter a SEA made (its alias: vnetctl-sea:sea0)' -- veth del v0
	expect_fail 1 'veth p0: an adapter a SEA made' -- veth set p0 mtu 2000
	eq "$(snapshot)" "$before"
	# A file without sea0 prunes sea0's remains whole, never as a veth.
	echo "bridge add br9" > "$F"
	run vn apply --prune "$F"
	[ "$status" -eq 0 ]
	eq "$output" "sea sea0: delete adapter v0 (and its peer)
bridge br9: create"
	eq "$(ip -n "$NS" -o link show type veth)" ""
}

@test "VM tier: a VLAN on a veth made in the same file; a bond's veth slave comes back to its bond" {
	require_feature 8021q bonding
	printf 'veth add a peer b up\nvlan add a.10 link a id 10 up\n' > "$F"
	vn apply "$F"
	eq "$(lj a.10 .link)/$(lj a.10 .linkinfo.info_data.id)" a/10
	# A slave veth deleted and made again: down, enslaved, then up (a bond takes no slave that is up).
	vn veth add s0 peer s0p up
	vn bond add bond0 mode active-backup slaves s0 up
	ip -n "$NS" link add name brx type bridge
	before=$(snapshot | remade)
	printf 'veth del s0\nbridge add br1 ports brx\n' > "$F"
	fails_undone
	eq "$(lj s0 .master)" bond0
	eq "$(snapshot | remade)" "$before"
}
