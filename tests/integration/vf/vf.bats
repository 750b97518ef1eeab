#!/usr/bin/env bats
# vnetctl vf: SR-IOV on netdevsim (the kernel's test device). VM tier.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	require_feature netdevsim
	ID=$((100 + BATS_TEST_NUMBER))
	echo "$ID 1" > /sys/bus/netdevsim/new_device
	DBG=/sys/kernel/debug/netdevsim/netdevsim$ID
	for _ in $(seq 50); do
		PF=$(ls "/sys/bus/netdevsim/devices/netdevsim$ID/net/" 2>/dev/null | head -1)
		[ -n "$PF" ] && break
		sleep 0.1
	done
	ip link set dev "$PF" netns "$NS"
	ip -n "$NS" link set dev "$PF" name pf0
	PF=pf0
}
teardown() {
	echo "$ID" > /sys/bus/netdevsim/del_device 2>/dev/null || true
	common_teardown
}

vfj() { ip -n "$NS" -j -d link show dev pf0 | jq -c ".[0].vfinfo_list[$1]$2"; }
numvfs() { cat "/sys/bus/netdevsim/devices/netdevsim$ID/sriov_numvfs"; }

@test "count: 4, no change, 8 through 0 (after raising max_vfs), back to 0" {
	echo 8 > "$DBG/max_vfs"
	run vn vf count pf0 4
	[ "$status" -eq 0 ]
	[ "$output" = "vf pf0: count 0 -> 4" ]
	[ "$(numvfs)" = 4 ]
	[ "$(ip -n "$NS" -j -d link show dev pf0 | jq '.[0].vfinfo_list | length')" = 4 ]
	run vn vf count pf0 4
	[ "$output" = "vf pf0: no change" ]
	run vn vf count pf0 8
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "vf pf0: count 4 -> 0 (a count changes only through 0)" ]
	[ "${lines[1]}" = "vf pf0: count 0 -> 8" ]
	[ "$(numvfs)" = 8 ]
	run vn vf count pf0 0
	[ "$(numvfs)" = 0 ]
}

@test "every attribute on one VF, read back with ip -d; re-set is no change; cleared" {
	vn vf count pf0 4
	run vn vf set pf0 2 mac 02:00:00:00:00:02 vlan 10 qos 3 proto 802.1ad min-rate 10 \
		max-rate 100 spoofchk on trust on state enable query-rss on
	[ "$status" -eq 0 ]
	[ "$(vfj 2 .address)" = '"02:00:00:00:00:02"' ]
	[ "$(vfj 2 '.vlan_list[0]')" = '{"vlan":10,"qos":3,"protocol":"802.1ad"}' ]
	[ "$(vfj 2 .rate)" = '{"max_tx":100,"min_tx":10}' ]
	[ "$(vfj 2 .spoofchk)" = true ]
	[ "$(vfj 2 .trust)" = true ]
	[ "$(vfj 2 .link_state)" = '"enable"' ]
	[ "$(vfj 2 .query_rss_en)" = true ]
	# The others are untouched.
	[ "$(vfj 1 .trust)" = false ]
	before=$(vfj "" "")
	run vn vf set pf0 2 mac 02:00:00:00:00:02 vlan 10 qos 3 proto 802.1ad min-rate 10 \
		max-rate 100 spoofchk on trust on state enable query-rss on
	[ "$output" = "vf pf0 2: no change" ]
	[ "$(vfj "" "")" = "$before" ]
	# Changed, then cleared: vlan none restores no VLAN.
	vn vf set pf0 2 vlan 20 proto 802.1q rate 50 state disable
	# ip leaves the protocol out when it is 802.1Q.
	[ "$(vfj 2 '.vlan_list[0]')" = '{"vlan":20,"qos":3}' ]
	[ "$(vfj 2 .rate.max_tx)" = 50 ]
	[ "$(vfj 2 .link_state)" = '"disable"' ]
	run vn vf set pf0 2 vlan none spoofchk off trust off query-rss off state auto min-rate 0 max-rate 0
	[ "$status" -eq 0 ]
	[ "$(vfj 2 '.vlan_list[0].vlan // 0')" = 0 ]
	[ "$(vfj 2 .trust)" = false ]
	[ "$(vfj 2 .rate)" = '{"max_tx":0,"min_tx":0}' ]
}

@test "a range and all: one plan, each VF read back" {
	vn vf count pf0 4
	run vn vf set pf0 1-2 vlan 30 trust on
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	for i in 1 2; do
		[ "$(vfj $i '.vlan_list[0].vlan')" = 30 ]
		[ "$(vfj $i .trust)" = true ]
	done
	[ "$(vfj 0 .trust)" = false ]
	[ "$(vfj 3 .trust)" = false ]
	vn vf set pf0 all spoofchk off max-rate 200
	for i in 0 1 2 3; do
		[ "$(vfj $i .spoofchk)" = false ]
		[ "$(vfj $i .rate.max_tx)" = 200 ]
	done
	run vn vf set pf0 all spoofchk off max-rate 200
	[ "$output" = "vf pf0 all: no change" ]
}

@test "vf show: rows, -j and --config that reproduces the table" {
	vn vf count pf0 2
	vn vf set pf0 0 mac 02:00:00:00:00:0a vlan 7 trust on
	run vn vf show pf0
	[[ "${lines[0]}" == PF* ]]
	[[ "${lines[1]}" =~ ^pf0[[:space:]]+0[[:space:]]+02:00:00:00:00:0a[[:space:]]+7[[:space:]] ]]
	run vn -j vf show
	[ "$(jq -r '.[0].pf' <<<"$output")" = pf0 ]
	[ "$(jq -r '.[0].vfs[0].vlan' <<<"$output")" = 7 ]
	[ "$(jq -r '.[0].vfs[0].trust' <<<"$output")" = true ]
	run vn vf show --config
	config=$output
	[[ "${lines[0]}" = "vf count pf0 2" ]]
	before=$(vfj "" "")
	vn vf set pf0 all vlan none trust off
	while read -r line; do eval "vn $line" >/dev/null; done <<<"$config"
	[ "$(vfj "" "")" = "$before" ]
}

@test "bad input: words (exit 2), host (exit 1), nothing changed" {
	vn vf count pf0 4
	vn vf set pf0 0 max-rate 100
	ip -n "$NS" link add name ve0 type veth peer name ve1
	before=$(snapshot)
	expect_fail 1 'VF 4 is beyond the count (pf0 has 4 VFs: 0-3)' -- vf set pf0 4 trust on
	expect_fail 1 'VF 9 is beyond the count' -- vf set pf0 2-9 trust on
	expect_fail 2 'qos: "8": out of range (0-7)' -- vf set pf0 0 qos 8
	expect_fail 2 'vlan: "4095": expected a VLAN id 1-4094 or none' -- vf set pf0 0 vlan 4095
	expect_fail 2 'mac: "01:00:5e:00:00:01": a multicast address is not allowed' -- vf set pf0 0 mac 01:00:5e:00:00:01
	expect_fail 2 'min-rate: "200": above max-rate 100' -- vf set pf0 0 min-rate 200 max-rate 100
	expect_fail 1 'min-rate 200 is above max-rate 100' -- vf set pf0 0 min-rate 200
	expect_fail 2 'qos: "3": needs a vlan, not none' -- vf set pf0 0 vlan none qos 3
	expect_fail 1 'vf nosuch 0: no such interface' -- vf set nosuch 0 trust on
	expect_fail 1 've0 (a veth) has no device behind it, so no SR-IOV' -- vf set ve0 0 trust on
	expect_fail 1 've0 (a veth) has no device behind it, so no SR-IOV' -- vf count ve0 2
	expect_fail 2 'vf count: "-1": not a decimal number' -- vf count pf0 -1
	expect_fail 2 '"3-1": a VF range must go upwards' -- vf set pf0 3-1 trust on
	# netdevsim has no sriov_totalvfs: the kernel's own refusal, then the undo.
	expect_fail 1 'count 0 -> 5: failed (Cannot allocate memory); the steps before it were undone' -- vf count pf0 5
	[ "$(snapshot)" = "$before" ]
	[ "$(numvfs)" = 4 ]
}

# The length of the RTM_NEWLINK the kernel answers for link $1 when asked as
# vnetctl asks (VF info, no statistics). No ip option shows it: python reads it.
newlink_len() {
	ip netns exec "$NS" python3 -c '
import socket, struct, sys
name = sys.argv[1].encode() + b"\0"
def attr(t, v): return struct.pack("HH", 4 + len(v), t) + v + b"\0" * (-len(v) % 4)
body = bytes(16) + attr(3, name) + attr(29, struct.pack("I", 1 | 8))  # IFLA_IFNAME, IFLA_EXT_MASK
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
s.send(struct.pack("IHHII", 16 + len(body), 18, 1, 1, 0) + body)  # RTM_GETLINK, NLM_F_REQUEST
print(struct.unpack("I", s.recv(1 << 20)[:4])[0])' "$1"
}

@test "330 VFs: the PF's one message outgrows 64 KiB and is read whole" {
	echo 330 > "$DBG/max_vfs"
	run vn vf count pf0 330
	[ "$status" -eq 0 ]
	[ "$(numvfs)" = 330 ]
	# Every reading of the PF below gets one message of more than 64 KiB.
	[ "$(newlink_len pf0)" -gt 65536 ]
	vn vf set pf0 0 mac 02:00:00:00:00:01 vlan 10
	vn vf set pf0 100 vlan 11 trust on
	run vn vf set pf0 329 mac 02:00:00:00:01:49 vlan 12
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "vf pf0 329: set vlan none -> 12" ]
	run vn vf set pf0 329 mac 02:00:00:00:01:49 vlan 12
	[ "$output" = "vf pf0 329: no change" ]
	mine=$(vn -j vf show pf0 | jq -c '.[0] | [.count, (.vfs | length), (.vfs[] | [.vf, .mac, .vlan, .trust])]')
	[ "$(jq -c '.[:2]' <<<"$mine")" = '[330,330]' ]
	[ "$(jq -c '.[331]' <<<"$mine")" = '[329,"02:00:00:00:01:49",12,false]' ]
	# ip asks with the VFs' statistics: its list outgrows the attribute's
	# 16-bit length and it sees only the first VFs (and says so); those agree.
	ips=$(ip -n "$NS" -j -d link show dev pf0 2>/dev/null | jq -c '[.[0].vfinfo_list[] | [.vf, (if .address == "00:00:00:00:00:00" then null else .address end), .vlan_list[0].vlan, .trust]]')
	[ "$(jq -c '.[0]' <<<"$ips")" = '[0,"02:00:00:00:00:01",10,false]' ]
	[ "$(jq -c '.[100]' <<<"$ips")" = '[100,null,11,true]' ]
	eq "$(jq -c --argjson n "$(jq length <<<"$ips")" '.[2:2 + $n]' <<<"$mine")" "$ips"
}
