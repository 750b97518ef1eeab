#!/usr/bin/env bats
# apply --boot when a NIC is late or never comes (tests/vm/run --systemd with
# missing-nic.prepare: xen.conf, br3 on eno3 which appears while
# vnetctl.service runs, br9 on eno9 which never does; --boot-wait 3 in a
# drop-in): only br9's group is skipped, and systemctl status names it.

load lib

setup_file() { require_systemd_vm; }

@test "the groups whose NICs were there or came late were applied; br9 (eno9 never came) was not" {
	grep -q '^Slave Interface: eno1$' /proc/net/bonding/bond0
	grep -q '^Slave Interface: eno2$' /proc/net/bonding/bond0
	[ "$(master bond0)" = xenbr0 ]
	[ "$(ip -j addr show dev xenbr0 | jq -r '[.[0].addr_info[] | select(.family == "inet") | .local] | join(",")')" = 192.0.2.10 ]
	# eno3 appeared while the unit was waiting (its unit saw it activating)
	[ "$(prop vm-late-nic.service ExecMainStatus)" -eq 0 ]
	[ "$(master eno3)" = br3 ]
	run ip link show dev br9
	[ "$status" -ne 0 ]
	run ip link show dev eno9
	[ "$status" -ne 0 ]
}

@test "vnetctl.service exited 1 and systemctl status vnetctl names the skipped group and its NIC" {
	[ "$(prop vnetctl.service ExecMainStatus)" -eq 1 ]
	run systemctl status --no-pager --lines=50 vnetctl.service
	echo "$output"
	[[ $output == *eno9* ]]
	[[ $output == *br9* ]]
	# and nothing else was reported skipped
	if grep -E 'skip' <<<"$output" | grep -qE 'xenbr0|bond0|br3'; then false; fi
}

@test "the wait for the missing NIC was bounded by --boot-wait 3, and network.target came after it" {
	start=$(prop vnetctl.service ExecMainStartTimestampMonotonic)
	end=$(prop vnetctl.service ExecMainExitTimestampMonotonic)
	echo "# vnetctl.service ran $(((end - start) / 1000)) ms" >&3
	((end - start >= 3000000))
	((end - start <= 15000000))
	[ "$end" -le "$(prop network.target ActiveEnterTimestampMonotonic)" ]
}
