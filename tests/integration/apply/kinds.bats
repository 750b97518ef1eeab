#!/usr/bin/env bats
# apply across kinds on Debian's kernel (VM tier): the examples, their round
# trips, and failures in the middle of a file that must leave the host, its
# bridge VLANs and its VF table exactly as they were.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	require_feature bonding 8021q vlan_filtering
	for v in eth0 eth1; do veth "$v"; done
	for v in vif1.0 vif2.0; do guest "$v"; done
	F=$BATS_TEST_TMPDIR/f.conf
	EX=$(cd "$BATS_TEST_DIRNAME/../../../examples" && pwd)
}
teardown() {
	[ -n "${ID:-}" ] && echo "$ID" > /sys/bus/netdevsim/del_device 2>/dev/null
	common_teardown
}

# A netdevsim PF named eth2 in the test's namespace, with max_vfs 8.
netdevsim_pf() {
	require_feature netdevsim
	ID=$((200 + BATS_TEST_NUMBER))
	echo "$ID 1" > /sys/bus/netdevsim/new_device
	echo 8 > "/sys/kernel/debug/netdevsim/netdevsim$ID/max_vfs"
	local pf
	for _ in $(seq 50); do
		pf=$(ls "/sys/bus/netdevsim/devices/netdevsim$ID/net/" 2>/dev/null | head -1)
		[ -n "$pf" ] && break
		sleep 0.1
	done
	# Renamed before the move: the namespace has an eth0 of its own.
	ip link set dev "$pf" name "nsim$ID"
	ip link set dev "nsim$ID" netns "$NS"
	ip -n "$NS" link set dev "nsim$ID" name eth2
}

# The host and what belongs to it: links, bridge VLANs, the VF table.
full_snapshot() {
	snapshot
	[ -n "${ID:-}" ] && cat "/sys/bus/netdevsim/devices/netdevsim$ID/sriov_numvfs"
	true
}

# fails FRAGMENT: the file $F fails with exit 1 and FRAGMENT, nothing changed.
fails() {
	local before
	before=$(full_snapshot)
	run --separate-stderr vn apply "$F"
	if [ "$status" -ne 1 ] || [[ "$stderr" != *"$1"* ]]; then
		echo "status $status, stderr: $stderr" >&2
		return 1
	fi
	local after
	after=$(full_snapshot)
	if [ "$after" != "$before" ]; then
		echo "the host changed:" >&2
		diff <(echo "$before") <(echo "$after") >&2
		return 1
	fi
}

@test "the Xen example: applied, idempotent, round trip through show --config" {
	run vn apply "$EX/xen-host.conf"
	[ "$status" -eq 0 ]
	[ "$(lj bond0 .master)" = xenbr0 ]
	[ "$(lj eth0 .master)" = bond0 ]
	[ "$(lj bond0 .linkinfo.info_data.primary)" = eth0 ]
	monitor_start
	run vn apply "$EX/xen-host.conf"
	monitor_stop
	[ "$output" = "$EX/xen-host.conf: no change" ]
	[ ! -s "$MONITOR_OUT" ]
	vn show --config > "$F"
	sel='[.[] | {ifname, master, mtu, kind: .linkinfo.info_kind, d: (.linkinfo.info_data // {} | del(.gc_timer, .hello_timer, .tcn_timer, .topology_change_timer, .bridge_id, .root_id, .designated_root)), s: (.linkinfo.info_slave_data // {} | {cost, priority, isolated, state})}] | sort_by(.ifname)'
	want=$(ip -n "$NS" -j -d link show | jq -S "$sel")
	old=$NS
	common_setup
	for v in eth0 eth1; do veth "$v"; done
	for v in vif1.0 vif2.0; do guest "$v"; done
	run vn apply "$F"
	# A bridge port's state follows its carrier once the kernel's link watch
	# has run (the bond's MII monitor first): read until it has, 5 s at most.
	for ((i = 0; i < 50; i++)); do
		got=$(ip -n "$NS" -j -d link show | jq -S "$sel")
		[ "$want" != "$got" ] || break
		sleep 0.1
	done
	ip netns del "$NS"
	NS=$old
	[ "$want" = "$got" ]
}

@test "the VIOS SEA example: applied, idempotent, round trip; prune keeps what it made" {
	run vn apply "$EX/vios-sea.conf"
	[ "$status" -eq 0 ]
	[ "$(lj vadapt3 .master)" = sea0 ]
	[ "$(lj eth1 .master)" = sea0 ]
	run vn apply "$EX/vios-sea.conf"
	[ "$output" = "$EX/vios-sea.conf: no change" ]
	run vn apply --prune "$EX/vios-sea.conf"
	[ "$output" = "$EX/vios-sea.conf: no change" ]
	vn show --config > "$F"
	[ "$(grep -c '^sea add sea0 ' "$F")" = 1 ]
	! grep -q '^bridge add sea0' "$F"
	vlans() { bridge -n "$NS" -j vlan show | jq -cS '[.[] | {ifname, vlans: [.vlans[] | {vlan, vlanEnd, flags: ((.flags // []) | sort)}]}] | sort_by(.ifname)'; }
	want=$(vlans)
	old=$NS
	common_setup
	for v in eth0 eth1; do veth "$v"; done
	for v in vif1.0 vif2.0; do guest "$v"; done
	run vn apply "$F"
	got=$(vlans)
	ip netns del "$NS"
	NS=$old
	[ "$want" = "$got" ]
}

@test "the SR-IOV example: count before settings whatever the order; idempotent" {
	netdevsim_pf
	tac "$EX/sriov-host.conf" > "$F"
	run vn apply "$F"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "vf eth2: count 0 -> 8" ]
	vfs=$(ip -n "$NS" -j -d link show dev eth2)
	[ "$(jq '.[0].vfinfo_list | length' <<<"$vfs")" = 8 ]
	[ "$(jq -c '.[0].vfinfo_list[3].vlan_list[0]' <<<"$vfs")" = '{"vlan":100,"qos":2}' ]
	[ "$(jq '.[0].vfinfo_list[7].trust' <<<"$vfs")" = true ]
	run vn apply "$F"
	[ "$output" = "$F: no change" ]
	run vn check "$EX/sriov-host.conf"
	[ "$status" -eq 0 ]
}

@test "failures across kinds leave links, bridge VLANs and VFs as they were" {
	netdevsim_pf
	vn vf count eth2 4
	vn bond add bondx mode active-backup miimon 100 slaves eth1 up
	vn bridge add brv vlan-filtering on up
	vn bridge port add brv vif2.0 pvid 3 untagged 3 vlans 10-20
	ip -n "$NS" link add name vethd type veth peer name vethdp

	# 1: a port that is a bond slave elsewhere.
	printf 'bridge add br0 stp on ports eth0\nbridge port add br0 eth1\n' > "$F"
	fails "already enslaved to bondx"
	# 2: a VLAN on a device deleted earlier in the plan.
	printf 'bond del bondx\nvlan add v5 link bondx id 5\n' > "$F"
	fails "link bondx: no such interface"
	# 3: a VF beyond the count.
	printf 'bridge add br0 ports eth0\nvf set eth2 6 trust on\n' > "$F"
	fails "VF 6 is beyond the count"
	# 4: a VF beyond the count the same file sets.
	printf 'vf count eth2 2\nvf set eth2 3 trust on\n' > "$F"
	fails "VF 3 is beyond the count"
	# 5: an MTU too large for the lower device (the kernel refuses).
	printf 'bridge add br0 ports eth0\nvlan add v5 link vethd id 5 mtu 9000\n' > "$F"
	fails "vlan v5: create"
	# 6: a VF count the device cannot have, after VF settings changed.
	printf 'vf set eth2 0 trust on\nvf count eth2 9\n' > "$F"
	fails "count 0 -> 9: failed"
	# 7: port VLANs changed, then a bridge refused as a port.
	printf 'bridge port set brv vif2.0 vlans 30-40\nbridge add br0 ports vethd,brv\n' > "$F"
	fails "Can not enslave a bridge to a bridge"
	# 8: an active slave whose link is down (the kernel refuses).
	printf 'bond add bond1 mode active-backup miimon 100 slaves vethd active-slave vethd up\n' > "$F"
	fails "active-slave"
	# 9: a VLAN's id cannot change while something sits on it.
	vn vlan add v7 link eth0 id 7
	ip -n "$NS" link add link v7 name mv0 type macvlan
	printf 'bridge add br0 ports vif1.0\nvlan set v7 id 8\n' > "$F"
	fails "vlan v7: id: cannot change in place, and mv0 sits on the VLAN"
	# 10: a bond option the mode does not take, from the host.
	printf 'bridge add br0 ports vif1.0\nbond set bondx lacp-rate fast\n' > "$F"
	fails "lacp-rate: not available in mode active-backup"
	# 11: a bond slave that is a bridge port.
	printf 'vf set eth2 1 vlan 9\nbond slave add bondx vif2.0\n' > "$F"
	fails "already enslaved to brv"
	# 12: a mode change with slaves, then a refused step: the slaves come back.
	printf 'bond set bondx mode balance-rr\nbridge add br0 ports vethd,brv\n' > "$F"
	fails "Can not enslave a bridge to a bridge"
	[ "$(lj eth1 .master)" = bondx ]
	# 13: a VLAN filtering switch and a PVID change, then a refused step.
	printf 'bridge set brv vlan-filtering off\nbridge port set brv vif2.0 pvid 5\nbridge add br0 ports vethd,brv\n' > "$F"
	fails "Can not enslave a bridge to a bridge"
	# 14: a deleted bridge comes back with its ports and their VLANs.
	printf 'bridge del brv\nbridge add br0 ports vethd,bondx,nosuch\n' > "$F"
	fails "no such interface"
	printf 'bridge del brv\nvlan add v9 link vethd id 9 mtu 9000\n' > "$F"
	fails "vlan v9: create"
	# 15: a QoS map change, then a refusal.
	vn vlan add v8 link eth0 id 8 egress-qos-map 1:2
	printf 'vlan set v8 egress-qos-map 1:3,2:4 reorder-hdr off\nbridge add br0 ports vethd,brv\n' > "$F"
	fails "Can not enslave a bridge to a bridge"
	# 16: a VF's settings, then the count the kernel refuses.
	printf 'vf set eth2 all spoofchk off max-rate 100\nvf count eth2 9\n' > "$F"
	fails "count"
	# 17: a port taken by two statements of one file (slaves go before bridges).
	printf 'bridge add br0 ports vethd\nbond slave add bondx vethd\n' > "$F"
	fails "port vethd: already enslaved to bondx"
	# 18: a bond deleted and a VLAN on it refused: the bond and its slave come back.
	vn vlan add v6 link bondx id 6
	printf 'bond del bondx\nvlan set v6 mtu 1400\n' > "$F"
	fails "vlan v6: no such VLAN"
	# 19: the same, refused by the kernel after the delete ran: all comes back.
	printf 'bond del bondx\nbridge add br0 ports vethd,brv\n' > "$F"
	fails "Can not enslave a bridge to a bridge"
	[ "$(lj v6 .link)" = bondx ]
}
