#!/usr/bin/env bats
# The boot test machinery itself (tests/vm/run --systemd with
# infra.prepare): systemd is PID 1, journald and udevd run, the project's
# units are ordered as DESIGN.md "Boot and hotplug" says, and a device that
# appears makes udev start vnetctl-hotplug@NAME.service with NAME intact.
# None of this depends on what `apply --boot` and `hotplug` do.

load lib

setup_file() { require_systemd_vm; }

teardown() {
	ip link del tap-x1 2>/dev/null || true
	ip link del vif9.0 2>/dev/null || true
}

@test "systemd is PID 1; journald, udevd and udev's coldplug ran; udev settle did not" {
	[ "$(readlink /proc/1/exe)" = /usr/lib/systemd/systemd ]
	[ "$(prop systemd-journald.service ActiveState)" = active ]
	[ "$(prop systemd-udevd.service ActiveState)" = active ]
	[ "$(prop systemd-udev-trigger.service Result)" = success ]
	[ "$(prop systemd-udev-trigger.service ActiveEnterTimestampMonotonic)" -gt 0 ]
	# nothing pulled in the deprecated settle service
	[ "$(prop systemd-udev-settle.service ActiveEnterTimestampMonotonic)" -eq 0 ]
	# udev's database knows the NICs (the coldplug or their add events)
	udevadm info -q property -p /sys/class/net/eno1 | grep -qx 'INTERFACE=eno1'
	udevadm info -q property -p /sys/class/net/eno1 | grep -q '^ID_NET_LINK_FILE='
}

@test "vnetctl.service ran after udevd and the NICs' unit, and ended before network.target" {
	start=$(prop vnetctl.service ExecMainStartTimestampMonotonic)
	end=$(prop vnetctl.service ExecMainExitTimestampMonotonic)
	[ "$start" -gt 0 ]
	[ "$end" -ge "$start" ]
	[ "$start" -ge "$(prop systemd-udevd.service ActiveEnterTimestampMonotonic)" ]
	[ "$start" -ge "$(prop vm-nics.service ActiveEnterTimestampMonotonic)" ]
	net=$(prop network.target ActiveEnterTimestampMonotonic)
	[ "$net" -gt 0 ]
	[ "$end" -le "$net" ]
	# and it ran the build's binary with apply --boot on the build's confdir
	prop vnetctl.service ExecStart | grep -q 'argv\[\]=[^ ]*/vnetctl apply --boot '
	systemctl cat vnetctl.service | grep -q '^ConditionPathExistsGlob=.*/vnetctl/\*\.conf$'
	[ "$(prop vnetctl.service ConditionResult)" = yes ]
}

@test "the NICs' add events at boot started vnetctl-hotplug@ only after vnetctl.service had ended" {
	vend=$(prop vnetctl.service ExecMainExitTimestampMonotonic)
	for n in eno1 eno2; do
		wait_until 10 hotplug_done "$n"
		[ "$(hotplug_started "$n")" -ge "$vend" ]
	done
}

@test "a device made after boot starts vnetctl-hotplug@NAME.service; NAME survives escaping (tap-x1, vif9.0)" {
	: >/run/vnetctl-hotplug.log
	: >/run/vnetctl-hotplug.done
	ip link add tap-x1 type dummy
	ip link add vif9.0 address fe:ff:ff:ff:ff:ff type dummy
	wait_until 10 hotplug_seen tap-x1
	wait_until 10 hotplug_seen vif9.0
	wait_until 10 hotplug_done tap-x1
	wait_until 10 hotplug_done vif9.0
	# the instance is escaped (a "-" would otherwise come back as "/"),
	# and %I, what vnetctl gets, is the interface name again
	[ "$(hotplug_unit tap-x1)" = 'vnetctl-hotplug@tap\x2dx1.service' ]
	prop "$(hotplug_unit vif9.0)" ExecStart | grep -q 'argv\[\]=[^ ]*/vnetctl hotplug vif9.0 '
	# lo and devices of other namespaces never reach the rule
	if hotplug_seen lo; then false; fi
}

@test "a renamed device (udev \"move\") starts the unit of its new name" {
	: >/run/vnetctl-hotplug.log
	: >/run/vnetctl-hotplug.done
	ip link add tap-x1 type dummy
	# (renamed before udev handled its "add", the add would name the old one)
	wait_until 10 hotplug_seen tap-x1
	: >/run/vnetctl-hotplug.log
	: >/run/vnetctl-hotplug.done
	ip link set tap-x1 name vif9.0
	wait_until 10 hotplug_seen vif9.0
	wait_until 10 hotplug_done vif9.0
}
