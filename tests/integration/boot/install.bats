#!/usr/bin/env bats
# The boot unit, the hotplug unit and the udev rule as `meson install` puts
# them (systemd/meson.build): where they land, that they name the build's
# paths, and that systemd itself accepts them.  No network state is read or
# changed here; only a meson build dir and a DESTDIR under $BATS_TEST_TMPDIR.
# (That they work, with systemd as PID 1 and udev, is tests/vm/boot/.)

SRC=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)

# install_boot DESTDIR [MESON-SETUP-ARGS...]: configure a build with prefix
# /usr and install only the boot files (tag boot) and the man pages.  The
# units and the rule are generated at configure time: nothing is compiled.
install_boot() {
	local dest=$1
	shift
	meson setup "$BATS_TEST_TMPDIR/b" --prefix=/usr "$@" >"$BATS_TEST_TMPDIR/setup.log" 2>&1 ||
		{ cat "$BATS_TEST_TMPDIR/setup.log"; return 1; }
	meson install -C "$BATS_TEST_TMPDIR/b" --no-rebuild --tags boot,man --destdir "$dest" \
		>"$BATS_TEST_TMPDIR/install.log" 2>&1 || { cat "$BATS_TEST_TMPDIR/install.log"; return 1; }
}

# The directories that pkg-config names, else the fallback below the prefix.
pc_var() {
	pkg-config --exists "$1" 2>/dev/null && pkg-config --variable="$2" "$1" || true
}

@test "meson install puts the units where systemd.pc says, the rule where udev.pc says, and a README into /etc/vnetctl" {
	D=$BATS_TEST_TMPDIR/d
	install_boot "$D"
	unitdir=$(pc_var systemd systemdsystemunitdir)
	unitdir=${unitdir:-/usr/lib/systemd/system}
	udevdir=$(pc_var udev udevdir)
	rulesdir=${udevdir:+$udevdir/rules.d}
	rulesdir=${rulesdir:-/usr/lib/udev/rules.d}
	[ -f "$D$unitdir/vnetctl.service" ]
	[ -f "$D$unitdir/vnetctl-hotplug@.service" ]
	[ -f "$D$rulesdir/80-vnetctl.rules" ]
	[ -f "$D/etc/vnetctl/README" ]
	# the example is not a *.conf: the boot unit would apply it
	[ -z "$(find "$D/etc/vnetctl" -name '*.conf')" ]
	# the units run the binary that this build installs (sbindir), on /etc/vnetctl
	grep -qx 'ExecStart=/usr/sbin/vnetctl apply --boot' "$D$unitdir/vnetctl.service"
	grep -qx 'ExecStart=/usr/sbin/vnetctl hotplug %I' "$D$unitdir/vnetctl-hotplug@.service"
	grep -qx 'ConditionPathExistsGlob=/etc/vnetctl/\*.conf' "$D$unitdir/vnetctl.service"
	grep -qx 'Before=network.target shutdown.target' "$D$unitdir/vnetctl.service"
	grep -qx 'After=vnetctl.service systemd-udevd.service' "$D$unitdir/vnetctl-hotplug@.service"
	# no dependency on udev settle (the comment explains why)
	if grep -v '^#' "$D$unitdir/vnetctl.service" | grep -q 'udev-settle'; then false; fi
	grep -q 'RUN+="/bin/systemctl --no-block start $result"' "$D$rulesdir/80-vnetctl.rules"
	if grep -q '@[a-z]*@' "$D$unitdir"/vnetctl*.service "$D$rulesdir/80-vnetctl.rules"; then false; fi
}

@test "meson options move the units and the rule, or leave them out with 'no'" {
	D=$BATS_TEST_TMPDIR/d
	install_boot "$D" -Dsystemdsystemunitdir=/opt/units -Dudevrulesdir=no
	[ -f "$D/opt/units/vnetctl.service" ]
	[ -f "$D/opt/units/vnetctl-hotplug@.service" ]
	[ -z "$(find "$D" -name '80-vnetctl.rules')" ]
	rm -rf "$D" "$BATS_TEST_TMPDIR/b"
	install_boot "$D" --prefix=/usr/local -Dsystemdsystemunitdir=no -Dudevrulesdir=/opt/rules
	[ -f "$D/opt/rules/80-vnetctl.rules" ]
	[ -z "$(find "$D" -name 'vnetctl*.service')" ]
	# sysconfdir follows the prefix, as the binary's default directory does
	[ -f "$D/usr/local/etc/vnetctl/README" ]
}

@test "systemd-analyze verify accepts the installed units (binary and man page in place)" {
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze on this host"
	D=$BATS_TEST_TMPDIR/d
	install_boot "$D" -Dsystemdsystemunitdir=/usr/lib/systemd/system
	# verify checks that ExecStart's binary exists (under --root)
	install -D -m 0755 "$SRC/build/cmd/vnetctl" "$D/usr/sbin/vnetctl"
	u=$D/usr/lib/systemd/system
	run env MANPATH="$D/usr/share/man" systemd-analyze verify --root="$D" \
		"$u/vnetctl.service" "$u/vnetctl-hotplug@.service"
	echo "$output"
	[ "$status" -eq 0 ]
	# (it exits 0 on parse warnings: any output at all is a finding)
	[ -z "$output" ]
}

@test "udevadm verify accepts the installed rule" {
	command -v udevadm >/dev/null || skip "udev is not installed on this host"
	udevadm verify --help >/dev/null 2>&1 || skip "this udevadm has no verify (systemd < 254)"
	D=$BATS_TEST_TMPDIR/d
	install_boot "$D" -Dudevrulesdir=/usr/lib/udev/rules.d
	run udevadm verify "$D/usr/lib/udev/rules.d/80-vnetctl.rules"
	echo "$output"
	[ "$status" -eq 0 ]
}
