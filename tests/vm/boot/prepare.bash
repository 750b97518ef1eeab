# tests/vm/boot/prepare.bash - helpers for the *.prepare scripts of the boot
# tests.  A prepare script runs with bash in the guest's root before systemd
# starts (tests/vm/run --systemd --prepare), cwd the source tree, with
# VNETCTL (the units' binary), VNETCTL_CONFDIR (the build's /etc/vnetctl)
# and VNETCTL_UNITDIR set.  Nothing here touches the host.
set -euo pipefail
UNITS=/etc/systemd/system

# config NAME < TEXT: a file NAME.conf in the configuration dir.
config() {
	mkdir -p "$VNETCTL_CONFDIR"
	cat >"$VNETCTL_CONFDIR/$1.conf"
}

# boot_unit NAME < UNIT-TEXT: a unit of the test, pulled in by the boot target.
boot_unit() {
	mkdir -p "$UNITS/vnetctl-vm.target.wants"
	cat >"$UNITS/$1"
	ln -sfn "../$1" "$UNITS/vnetctl-vm.target.wants/$1"
}

# nics NAME...: the VM's "NICs", made before vnetctl.service by a unit, as a
# NIC driver makes them before the network configuration runs.  Dummy
# devices, which udev sees like any NIC (an "add" uevent in the initial
# namespace), with a fixed MAC address as real NICs have (a random one would
# be rewritten by udev's 99-default.link, MACAddressPolicy=persistent).
nics() {
	local n i=0 execs=
	for n in "$@"; do
		i=$((i + 1))
		execs+="ExecStart=/sbin/ip link add $n address 02:00:00:00:01:$(printf %02x "$i") type dummy"$'\n'
	done
	boot_unit vm-nics.service <<-EOF
		[Unit]
		Description=The VM's NICs (dummy devices): $*
		DefaultDependencies=no
		Before=vnetctl.service

		[Service]
		Type=oneshot
		RemainAfterExit=yes
		$execs
	EOF
}

# late_nic NAME: a NIC that appears while vnetctl.service is already running
# (its unit waits for that state, then makes the device).
late_nic() {
	boot_unit vm-late-nic.service <<-EOF
		[Unit]
		Description=A NIC that appears while vnetctl.service runs: $1
		DefaultDependencies=no

		[Service]
		Type=exec
		ExecStart=/bin/sh -c 'until [ "\$\$(systemctl show -P ActiveState vnetctl.service)" = activating ]; do sleep 0.05; done; exec /sbin/ip link add $1 address 02:00:00:00:02:01 type dummy'
	EOF
}

# boot_wait SECONDS: vnetctl.service waits at most this long for missing NICs.
boot_wait() {
	mkdir -p "$UNITS/vnetctl.service.d"
	cat >"$UNITS/vnetctl.service.d/boot-wait.conf" <<-EOF
		[Service]
		ExecStart=
		ExecStart=$VNETCTL apply --boot --boot-wait $1
	EOF
}

# record_hotplug: every vnetctl-hotplug@ instance writes a line when it
# starts, "%I UPTIME" to /run/vnetctl-hotplug.log (%I: the unescaped
# instance, the name vnetctl gets), and one when it has ended,
# "%I RESULT EXIT-STATUS UPTIME" to /run/vnetctl-hotplug.done.  (systemd
# unloads an instance that ended well at once, and its timestamps with it.)
# /proc/uptime is CLOCK_BOOTTIME, which is systemd's monotonic clock when
# nothing suspends; read by dash itself, so that the record adds the least
# to the times it records (a process start costs ~50 ms under TCG).
record_hotplug() {
	mkdir -p "$UNITS/vnetctl-hotplug@.service.d"
	cat >"$UNITS/vnetctl-hotplug@.service.d/record.conf" <<-'EOF'
		[Service]
		ExecStartPre=/bin/sh -c 'read t _ </proc/uptime; echo "%I $$t" >>/run/vnetctl-hotplug.log'
		ExecStopPost=/bin/sh -c 'read t _ </proc/uptime; echo "%I $$SERVICE_RESULT $$EXIT_STATUS $$t" >>/run/vnetctl-hotplug.done'
	EOF
}
