#!/usr/bin/env bats
# show --config exports what the admin set, not what the kernel chose
# (issue 23, point 5): no MAC the bridge took from a port, no MTU that
# follows the ports, no cost that follows the speed, no kernel default; the
# round trip on the host it came from is exact, and the file applied on
# another host (other MACs) gives its bridge that host's MAC, not this one's.

bats_require_minimum_version 1.5.0
load ../../lib/common

setup() {
	common_setup
}
teardown() {
	common_teardown
	[ -z "${NS2:-}" ] || ip netns del "$NS2" 2>/dev/null || true
}

# Two NICs with fixed MACs, as a host's would be.
nics() {
	ip -n "$1" link add eth0 address "$2" type veth peer name eth0p
	ip -n "$1" link add eth1 address "$3" type veth peer name eth1p
}

# Another host: a second namespace, NS2 (teardown deletes it).
other_host() {
	NS2="vnt2-$$-${BATS_TEST_NUMBER}-$RANDOM"
	ip netns add "$NS2"
}

@test "export: no kernel choices; exact round trip here; another host keeps its own MACs" {
	nics "$NS" 02:00:00:00:aa:01 02:00:00:00:aa:02
	# A Xen host: the bridge takes eth0's MAC (the kernel picks the least of its ports').
	vn bridge add xenbr0 ports eth0 up
	vn bridge add xenbr1 stp on priority 8192 ports eth1 address 02:00:00:00:bb:01
	vn bridge port set xenbr1 eth1 cost 7 priority 9
	eq "$(lj xenbr0 .address)" 02:00:00:00:aa:01
	run --separate-stderr "$VNETCTL" -n "$NS" show --config
	[ "$status" -eq 0 ]
	conf=$output
	printf '%s\n' "$conf" >"$BATS_TEST_TMPDIR/host.conf"
	# what the admin set, and nothing the kernel chose
	grep -qx 'bridge add xenbr0 ports eth0 up' <<<"$conf"
	grep -qx 'bridge add xenbr1 stp on priority 8192 address 02:00:00:00:bb:01 ports eth1 down' <<<"$conf"
	grep -qx 'bridge port set xenbr1 eth1 priority 9 cost 7' <<<"$conf" ||
		grep -qx 'bridge port set xenbr1 eth1 cost 7 priority 9' <<<"$conf"
	# (run !: a bare "! cmd" mid-test never fails a bats test)
	run ! grep -q 'bridge port set xenbr0' <<<"$conf"
	run ! grep -Eq 'bridge add .*(mtu 1500|forward-delay 15|ageing-time 300|mcast-snooping on)' <<<"$conf"
	round_trip "$BATS_TEST_TMPDIR/host.conf"
	# another host, other NICs: its bridges take its own MACs; the set one is kept
	other_host
	nics "$NS2" 02:00:00:00:cc:01 02:00:00:00:cc:02
	# (the veths stand for NICs here; a host's own NICs are not in its export)
	grep -v '^veth add ' "$BATS_TEST_TMPDIR/host.conf" >"$BATS_TEST_TMPDIR/other.conf"
	run --separate-stderr "$VNETCTL" -n "$NS2" apply "$BATS_TEST_TMPDIR/other.conf"
	[ "$status" -eq 0 ]
	eq "$(ip -n "$NS2" -j link show dev xenbr0 | jq -r '.[0].address')" 02:00:00:00:cc:01
	[ "$(ip -n "$NS2" -j link show dev xenbr0 | jq -r '.[0].address')" != "$(lj xenbr0 .address)" ]
	eq "$(ip -n "$NS2" -j link show dev xenbr1 | jq -r '.[0].address')" 02:00:00:00:bb:01
	eq "$(ip -n "$NS2" -j -d link show dev eth1 | jq -r '.[0].linkinfo.info_slave_data.cost')" 7
	eq "$(ip -n "$NS2" -j -d link show dev eth0 | jq -r '.[0].linkinfo.info_slave_data.cost')" \
		"$(lj eth0 .linkinfo.info_slave_data.cost)"
	eq "$(ip -n "$NS2" -j -d link show dev xenbr1 | jq -r '.[0].linkinfo.info_data.priority')" 8192
}

@test "export: an MTU set apart from the ports' is kept, one that follows them is not" {
	nics "$NS" 02:00:00:00:aa:01 02:00:00:00:aa:02
	ip -n "$NS" link set eth0 mtu 9000
	vn bridge add br0 ports eth0
	vn bridge add br1 mtu 1400 ports eth1
	run --separate-stderr "$VNETCTL" -n "$NS" bridge show --config
	grep -qx 'bridge add br0 ports eth0 down' <<<"$output"
	grep -qx 'bridge add br1 mtu 1400 ports eth1 down' <<<"$output"
}

@test "export: a veth's random MACs stay out, set ones go in; another host makes its own" {
	vn veth add v0 peer p0 up
	vn veth add v1 peer p1 address 02:00:00:00:dd:01
	run --separate-stderr "$VNETCTL" -n "$NS" veth show --config
	grep -qx 'veth add v0 peer p0 up' <<<"$output"
	grep -qx 'veth add v1 peer p1 address 02:00:00:00:dd:01 down' <<<"$output"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/v.conf"
	run --separate-stderr "$VNETCTL" -n "$NS" apply "$BATS_TEST_TMPDIR/v.conf"
	eq "$output" "$BATS_TEST_TMPDIR/v.conf: no change"
	other_host
	"$VNETCTL" -n "$NS2" apply "$BATS_TEST_TMPDIR/v.conf"
	[ "$(ip -n "$NS2" -j link show dev v0 | jq -r '.[0].address')" != "$(lj v0 .address)" ]
	eq "$(ip -n "$NS2" -j link show dev v1 | jq -r '.[0].address')" 02:00:00:00:dd:01
}

@test "export: a bridge that took a NIC's addresses and MAC; another host's takes its own NIC's" {
	# e9 carries the host's address; e8's MAC is the lower, the one the
	# kernel would pick, so only vnetctl's copy gives the bridge e9's.
	ip -n "$NS" link add e8 address 02:00:00:00:01:08 type veth peer name e8p
	ip -n "$NS" link add e9 address 02:00:00:00:01:09 type veth peer name e9p
	ip -n "$NS" addr add 192.0.2.10/24 dev e9
	vn bridge add xenbr9 ports e8,e9 addresses 192.0.2.10/24 up
	eq "$(lj xenbr9 .address)" 02:00:00:00:01:09
	eq "$(ip netns exec "$NS" cat /sys/class/net/xenbr9/addr_assign_type)" 3
	run --separate-stderr "$VNETCTL" -n "$NS" show --config
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/host.conf"
	grep -qx 'bridge add xenbr9 ports e8,e9 up addresses 192.0.2.10/24' "$BATS_TEST_TMPDIR/host.conf"
	# exact round trip here: the bridge keeps e9's MAC
	round_trip "$BATS_TEST_TMPDIR/host.conf"
	# another host: its own NICs, e9 with its address; its bridge takes its e9's MAC
	other_host
	ip -n "$NS2" link add e8 address 02:00:00:00:02:08 type veth peer name e8p
	ip -n "$NS2" link add e9 address 02:00:00:00:02:09 type veth peer name e9p
	ip -n "$NS2" addr add 192.0.2.10/24 dev e9
	grep -v '^veth add ' "$BATS_TEST_TMPDIR/host.conf" >"$BATS_TEST_TMPDIR/other.conf"
	run --separate-stderr "$VNETCTL" -n "$NS2" apply "$BATS_TEST_TMPDIR/other.conf"
	[ "$status" -eq 0 ]
	eq "$(ip -n "$NS2" -j link show dev xenbr9 | jq -r '.[0].address')" 02:00:00:00:02:09
	[ "$(ip -n "$NS2" -j link show dev xenbr9 | jq -r '.[0].address')" != "$(lj xenbr9 .address)" ]
	eq "$(ip -n "$NS2" -j addr show dev xenbr9 | jq -r '.[0].addr_info[] | select(.family == "inet") | .local')" 192.0.2.10
	# and its export is the same file
	run --separate-stderr "$VNETCTL" -n "$NS2" show --config
	eq "$(grep '^bridge ' <<<"$output")" "$(grep '^bridge ' "$BATS_TEST_TMPDIR/host.conf")"
}
