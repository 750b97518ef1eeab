#!/usr/bin/env bats
# vnetctl bond: options set, changed and read back with ip -d and
# /proc/net/bonding; slaves; the plan's ordering. Needs bonding: VM tier.

bats_require_minimum_version 1.5.0
load ../../lib/common
load ../../lib/features

setup() {
	common_setup
	require_feature bonding
	veth e0; veth e1
	ip -n "$NS" link set dev e0p up
	ip -n "$NS" link set dev e1p up
}
teardown() { common_teardown; }

bd() { lj "$1" ".linkinfo.info_data$2"; }
procbond() { ip netns exec "$NS" cat "/proc/net/bonding/$1"; }

@test "active-backup bond with options, slaves and primary; read back; re-add is no change" {
	run vn bond add bond0 mode active-backup miimon 100 updelay 200 downdelay 300 \
		use-carrier off primary e0 primary-reselect better fail-over-mac active \
		num-grat-arp 3 resend-igmp 2 all-slaves-active on min-links 1 mtu 1400 slaves e0,e1 up
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "bond bond0: create (mode active-backup miimon 100 updelay 200 downdelay 300 use-carrier off primary e0 primary-reselect better fail-over-mac active min-links 1 all-slaves-active on num-grat-arp 3 resend-igmp 2 mtu 1400 up)" ]
	[[ "$output" == *"bond bond0: enslave e0"* ]]
	[ "$(bd bond0 .mode)" = active-backup ]
	[ "$(bd bond0 .miimon)" = 100 ]
	[ "$(bd bond0 .updelay)" = 200 ]
	[ "$(bd bond0 .downdelay)" = 300 ]
	[ "$(bd bond0 .use_carrier)" = 0 ]
	[ "$(bd bond0 .primary)" = e0 ]
	[ "$(bd bond0 .primary_reselect)" = better ]
	[ "$(bd bond0 .fail_over_mac)" = active ]
	[ "$(bd bond0 .num_peer_notif)" = 3 ]
	[ "$(bd bond0 .resend_igmp)" = 2 ]
	[ "$(bd bond0 .all_slaves_active)" = 1 ]
	[ "$(bd bond0 .min_links)" = 1 ]
	[ "$(lj bond0 .mtu)" = 1400 ]
	[ "$(lj e0 .master)" = bond0 ]
	[ "$(lj e1 .master)" = bond0 ]
	[ "$(lj e1 .mtu)" = 1400 ]
	p=$(procbond bond0)
	[[ "$p" == *"Bonding Mode: fault-tolerance (active-backup)"* ]]
	[[ "$p" == *"Primary Slave: e0 (primary_reselect better)"* ]]
	[[ "$p" == *"MII Polling Interval (ms): 100"* ]]
	[[ "$p" == *"Slave Interface: e1"* ]]
	monitor_start
	snap=$(snapshot)
	run vn bond add bond0 mode active-backup miimon 100 updelay 200 downdelay 300 \
		use-carrier off primary e0 primary-reselect better fail-over-mac active \
		num-grat-arp 3 resend-igmp 2 all-slaves-active on min-links 1 mtu 1400 slaves e0,e1 up
	monitor_stop
	[ "$output" = "bond bond0: no change" ]
	[ ! -s "$MONITOR_OUT" ]
	[ "$(snapshot)" = "$snap" ]
}

@test "bond show agrees with /proc/net/bonding; active-slave switches as ifenslave -c" {
	vn bond add bond0 mode active-backup miimon 100 slaves e0,e1 primary e0 up
	run vn bond show bond0
	[[ "$output" == *"Currently Active Slave: e0"* ]]
	[[ "$(procbond bond0)" == *"Currently Active Slave: e0"* ]]
	run vn bond set bond0 active-slave e1
	[ "$output" = "bond bond0: set active-slave e0 -> e1" ]
	[[ "$(procbond bond0)" == *"Currently Active Slave: e1"* ]]
	[ "$(lj e1 .linkinfo.info_slave_data.state)" = ACTIVE ]
	run vn -j bond show bond0
	jq -e . <<<"$output" >/dev/null
	[ "$(jq -r '.[0].active_slave' <<<"$output")" = e1 ]
	[ "$(jq -r '.[0].slaves[] | select(.name == "e1") | .state' <<<"$output")" = active ]
	[ "$(jq -r '.[0].slaves[] | select(.name == "e0") | .state' <<<"$output")" = backup ]
	[ "$(jq -r '.[0].miimon' <<<"$output")" = 100 ]
}

@test "changing the mode releases, takes the bond down, and restores slaves and state" {
	vn bond add bond0 mode active-backup miimon 100 slaves e0,e1 up
	run vn bond set bond0 mode 802.3ad lacp-rate fast ad-select bandwidth xmit-hash-policy layer3+4
	[ "$status" -eq 0 ]
	[[ "$output" == *"bond bond0: release e0"* ]]
	[[ "$output" == *"bond0: down (mode changes only while the bond is down)"* ]]
	[[ "$output" == *"bond bond0: enslave e1"* ]]
	[ "${lines[-1]}" = "bond0: up" ]
	[ "$(bd bond0 .mode)" = 802.3ad ]
	[ "$(bd bond0 .ad_lacp_rate)" = fast ]
	[ "$(bd bond0 .ad_select)" = bandwidth ]
	[ "$(bd bond0 .xmit_hash_policy)" = layer3+4 ]
	[ "$(lj e0 .master)" = bond0 ]
	[ "$(lj e1 .master)" = bond0 ]
	[[ "$(lj bond0 '.flags|join(",")')" == *UP* ]]
	[[ "$(procbond bond0)" == *"IEEE 802.3ad Dynamic link aggregation"* ]]
	# By number, as ifenslave and the kernel accept it.
	run vn bond set bond0 mode 2
	[ "$(bd bond0 .mode)" = balance-xor ]
}

@test "primary none clears the primary; --config of an ARP bond replays" {
	vn bond add bond0 mode active-backup miimon 100 slaves e0,e1 primary e0 up
	run vn bond set bond0 primary none
	[ "$status" -eq 0 ]
	[ "$output" = "bond bond0: set primary e0 -> none" ]
	[ "$(bd bond0 .primary)" = null ]
	run vn bond set bond0 primary none
	[ "$output" = "bond bond0: no change" ]
	vn bond add bond4 mode balance-rr arp-interval 100 arp-ip-target 10.0.0.1
	run vn bond show --config bond4
	config=$output
	[[ "$config" != *updelay* ]]
	vn bond del bond4
	eval "vn $config"
	[ "$(bd bond4 .arp_interval)" = 100 ]
}

@test "--config: no kernel default (miimon 100 is 802.3ad's), no mtu 1500; exact round trip" {
	veth e2
	vn bond add bond0 mode active-backup miimon 100 slaves e0,e1 up
	vn bond add bond1 mode 802.3ad slaves e2
	vn bond add bond2 mode 802.3ad miimon 0 lacp-rate fast xmit-hash-policy layer3+4 mtu 9000
	eq "$(bd bond1 .miimon)" 100
	eq "$(bd bond2 .miimon)" 0
	run --separate-stderr "$VNETCTL" -n "$NS" bond show --config
	[ "$status" -eq 0 ]
	eq "$output" "bond add bond0 mode active-backup miimon 100 slaves e0,e1 up
bond add bond1 mode 802.3ad slaves e2 down
bond add bond2 mode 802.3ad miimon 0 xmit-hash-policy layer3+4 lacp-rate fast slaves none mtu 9000 down"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/b.conf"
	round_trip "$BATS_TEST_TMPDIR/b.conf"
	# made again from the file, they are as they were
	bonds() { for b in bond0 bond1 bond2; do link_json $b | jq -S '{mtu, info: .linkinfo.info_data | del(.active_slave, .ad_info)}'; done; }
	want=$(bonds)
	for b in bond0 bond1 bond2; do ip -n "$NS" link del $b; done
	vn apply "$BATS_TEST_TMPDIR/b.conf"
	eq "$(bonds)" "$want"
}

@test "ARP monitoring, balance-rr and balance-tlb options" {
	run vn bond add bond1 mode balance-rr arp-interval 200 arp-ip-target 10.0.0.1,10.0.0.2 \
		arp-validate none arp-all-targets all packets-per-slave 4
	[ "$status" -eq 0 ]
	[ "$(bd bond1 .arp_interval)" = 200 ]
	[ "$(bd bond1 '.arp_ip_target|join(",")')" = 10.0.0.1,10.0.0.2 ]
	[ "$(bd bond1 .arp_all_targets)" = all ]
	[ "$(bd bond1 .packets_per_slave)" = 4 ]
	vn bond set bond1 arp-ip-target 10.0.0.3
	[ "$(bd bond1 '.arp_ip_target|join(",")')" = 10.0.0.3 ]
	vn bond add bond2 mode balance-tlb lp-interval 5 miimon 50
	[ "$(bd bond2 .lp_interval)" = 5 ]
	vn bond add bond3 mode active-backup arp-interval 100 arp-ip-target 10.0.0.9 arp-validate active
	[ "$(bd bond3 .arp_validate)" = active ]
	run vn bond add bond3 mode active-backup arp-interval 100 arp-ip-target 10.0.0.9 arp-validate active
	[ "$output" = "bond bond3: no change" ]
}

@test "slaves is an exact set; bond slave add|del; del releases" {
	vn bond add bond0 mode active-backup miimon 100 slaves e0,e1 up
	run vn bond add bond0 slaves e1
	[ "$output" = "bond bond0: release e0" ]
	[ "$(lj e0 .master)" = null ]
	run vn bond slave add bond0 e0
	[[ "$output" == *"bond bond0: enslave e0"* ]]
	[ "$(lj e0 .master)" = bond0 ]
	run vn bond slave add bond0 e0
	[ "$output" = "bond bond0 slave e0: no change" ]
	run vn bond slave del bond0 e0
	[ "$output" = "bond bond0: release e0" ]
	run vn bond del bond0
	[ "$output" = "bond bond0: delete" ]
	! ip -n "$NS" link show dev bond0 2>/dev/null
	[ "$(lj e1 .master)" = null ]
}

@test "bad input: words (exit 2), host (exit 1), nothing changed" {
	vn bond add bond0 mode active-backup miimon 100 slaves e0 up
	vn bridge add br0 ports e1
	before=$(snapshot)
	expect_fail 2 'mode: "fast": unknown value' -- bond add bond1 mode fast
	expect_fail 2 'miimon: "-1": not a decimal number' -- bond set bond0 miimon -1
	# A long value is quoted by its start; the reason stays whole.
	expect_fail 2 'arp-ip-target: "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5,10.0.0.6,10.0.0...": at most 16 addresses' -- \
		bond set bond0 arp-ip-target 10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5,10.0.0.6,10.0.0.7,10.0.0.8,10.0.0.9,10.0.0.10,10.0.0.11,10.0.0.12,10.0.0.13,10.0.0.14,10.0.0.15,10.0.0.16,10.0.0.17
	expect_fail 2 'arp-ip-target: "10.0.0.300": not an IPv4 address' -- bond set bond0 arp-ip-target 10.0.0.300
	expect_fail 2 'updelay: "150": must be a multiple of miimon (100)' -- bond set bond0 miimon 100 updelay 150
	expect_fail 2 'active-slave: "e1": not one of the slaves' -- bond set bond0 slaves e0 active-slave e1
	expect_fail 2 'lacp-rate: not available in mode active-backup' -- bond add bond1 mode active-backup lacp-rate fast
	expect_fail 2 'active-slave: a slave is required, not none' -- bond set bond0 active-slave none
	expect_fail 2 'MII and ARP monitoring exclude each other' -- bond set bond0 miimon 100 arp-interval 100
	expect_fail 2 'updelay: "200": needs MII monitoring' -- bond set bond0 miimon 0 updelay 200
	expect_fail 1 'slave e1: already enslaved to br0' -- bond set bond0 slaves e0,e1
	expect_fail 1 'slave e1: already enslaved to br0' -- bond slave add bond0 e1
	expect_fail 1 'bond bond0: cannot be a slave of itself' -- bond set bond0 slaves e0,bond0
	expect_fail 1 'active-slave e1p: not a slave of bond0' -- bond set bond0 active-slave e1p
	expect_fail 1 'packets-per-slave: not available in mode active-backup' -- bond set bond0 packets-per-slave 3
	expect_fail 1 'slave nosuch: no such interface' -- bond set bond0 slaves nosuch
	expect_fail 1 'not a bond' -- bond set br0 miimon 100
	[ "$(snapshot)" = "$before" ]
}
