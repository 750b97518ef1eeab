# bench/ifupdown2.bash: ifupdown2 as a contender, sourced by bench/run and
# bench/vm-cases. It is Debian's package, never installed (its postinst
# would take over /etc/network and the networking service): the .deb is
# fetched with `apt-get download` (or taken from $IFUPDOWN2_DEB), unpacked
# with dpkg-deb -x into the bench's scratch directory and byte-compiled
# there (what py3compile does when the package is installed). Each command
# runs as the package's /sbin/ifup would (/usr/bin/python3 on the package's
# __main__.py under the name ifup, ifreload, ifquery or ifdown), inside the
# contender's network namespace (ip netns exec) and a private mount
# namespace of its own (unshare -m) in which
#   - /etc/network is a scratch directory holding the package's
#     /etc/network/ifupdown2 (its ifupdown2.conf and addons.conf) and the
#     generated `interfaces` (when the host has no /etc/network, an overlay
#     over /etc with a scratch upper layer gives the mount a place);
#   - /run (with /run/network made in it) and /var/tmp are scratch
#     directories of that network namespace's own, empty at its first
#     command and kept from one command to the next, as /run is kept on a
#     host between an ifup and the ifreload or ifdown after it (ifupdown2
#     keeps its lock in /run/network and its state in /var/tmp/network).
# Nothing is left on the host: the mounts end with the command.

# ifu_fetch DIR: the package, unpacked under DIR. 0 with IFU_DIR and
# IFU_VERSION set; 1 with IFU_SKIP saying why not.
ifu_fetch() {
	local d=$1 deb log=$1/fetch.log
	IFU_SKIP=
	mkdir -p "$d/pkg" "$d/bin"
	# Debian's python3, which the package depends on (not one earlier in PATH)
	IFU_PY=/usr/bin/python3
	[ -x "$IFU_PY" ] || IFU_PY=$(command -v python3) || {
		IFU_SKIP="no python3"
		return 1
	}
	if [ -n "${IFUPDOWN2_DEB:-}" ]; then
		deb=$IFUPDOWN2_DEB
	elif ! (cd "$d" && timeout 120 apt-get download -q ifupdown2) >"$log" 2>&1; then
		IFU_SKIP="apt-get download ifupdown2 failed: $(grep -E '^(E|Err):' "$log" | head -1 | cut -c1-100)"
		[ "$IFU_SKIP" = "apt-get download ifupdown2 failed: " ] && IFU_SKIP+="$(tail -1 "$log" | cut -c1-100)"
		return 1
	else
		deb=$(echo "$d"/ifupdown2_*.deb)
	fi
	if ! dpkg-deb -x "$deb" "$d/pkg" 2>"$log"; then
		IFU_SKIP="cannot unpack $deb: $(tail -1 "$log")"
		return 1
	fi
	IFU_VERSION=$(dpkg-deb -f "$deb" Version)
	local main=$d/pkg/usr/share/ifupdown2/__main__.py
	if [ ! -f "$main" ]; then
		IFU_SKIP="no usr/share/ifupdown2/__main__.py in $deb"
		return 1
	fi
	"$IFU_PY" -m compileall -q "$d/pkg/usr/share/ifupdown2" >/dev/null 2>&1
	for c in ifup ifdown ifreload ifquery; do ln -sf "$main" "$d/bin/$c"; done
	IFU_DIR=$d
}

# ifu_prepare NS INTERFACES: a fresh /etc/network, /run and /var/tmp for NS,
# the file INTERFACES as its /etc/network/interfaces.
ifu_prepare() {
	local s=$IFU_DIR/ns/$1
	rm -rf "$s"
	mkdir -p "$s/etc" "$s/run" "$s/vartmp"
	cp -r "$IFU_DIR/pkg/etc/network/." "$s/etc/"
	cp "$2" "$s/etc/interfaces"
}

# ifu_ns NS CMD...: CMD in NS's network namespace with NS's /etc/network,
# /run and /var/tmp (see above).
ifu_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" unshare -m --propagation private /bin/sh -c '
		set -e
		s=$1
		shift
		if [ ! -d /etc/network ]; then
			mkdir -p "$s/etc-up" "$s/etc-work"
			mount -t overlay overlay -o "lowerdir=/etc,upperdir=$s/etc-up,workdir=$s/etc-work" /etc
			mkdir -p /etc/network
		fi
		mount --bind "$s/etc" /etc/network
		mount --bind "$s/run" /run
		mkdir -p /run/network
		mount --bind "$s/vartmp" /var/tmp
		exec "$@"' sh "$IFU_DIR/ns/$ns" "$@"
}

# ifu NS ifup|ifreload|ifquery|ifdown ARGS...: ifupdown2's command in NS.
ifu() {
	local ns=$1 cmd=$2
	shift 2
	ifu_ns "$ns" "$IFU_PY" "$IFU_DIR/bin/$cmd" "$@"
}
