#!/usr/bin/env bats
# Privilege and the lock. Without CAP_NET_ADMIN every show works and every
# change fails before any request, saying what is needed; ip monitor and a
# snapshot of the namespace show that nothing was sent or changed. A process
# that may change links and cannot take the namespace's lock stops, unless
# the lock's folder is not its to use (then there is no lock to share).

bats_require_minimum_version 1.5.0
load ../../lib/common

setup() {
	common_setup
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
	veth e0
	veth e1
	vn bridge add br0 >/dev/null
	BEFORE=$(snapshot)
}
teardown() {
	[ -z "${PUB:-}" ] || rm -rf "$PUB"
	[ -z "${BEFORE:-}" ] || [ "$(snapshot)" = "$BEFORE" ] ||
		{ echo "the namespace changed" >&2; common_teardown; return 1; }
	common_teardown
}

# As nobody, inside the namespace (no -n: /run/netns is root's to open).
nobody() {
	ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$VNETCTL" "$@"
}

@test "without CAP_NET_ADMIN every change fails before any request" {
	# A file that nobody can read (the test's own folder is root's alone).
	PUB=$(mktemp -d /tmp/vnt-priv.XXXXXX)
	chmod 755 "$PUB"
	printf 'bridge add br5\nveth add v5 peer v5p\n' > "$PUB/p.conf"
	chmod 644 "$PUB/p.conf"
	monitor_start
	local changes=(
		"bridge add br1"
		"bridge set br0 stp on"
		"bridge set br0 ports e0"
		"bridge del br0"
		"bond add bond0 mode active-backup miimon 100"
		"vlan add e0.5 link e0 id 5"
		"veth add v0 peer v0p"
		"apply $PUB/p.conf"
		"apply --prune $PUB/p.conf"
	)
	local c
	for c in "${changes[@]}"; do
		# shellcheck disable=SC2086 # the words of the statement
		run --separate-stderr nobody $c
		[ "$status" -eq 1 ] || { echo "$c: exit $status: $stderr" >&2; return 1; }
		[[ "$stderr" == *"changing links needs CAP_NET_ADMIN (run as root)"* ]] ||
			{ echo "$c: $stderr" >&2; return 1; }
	done
	# From standard input too.
	run --separate-stderr nobody apply - <<<"bridge add br7"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"<stdin>:1: bridge br7: create: changing links needs CAP_NET_ADMIN"* ]]
	monitor_stop
	[ ! -s "$MONITOR_OUT" ]
}

@test "without CAP_NET_ADMIN every show works, and a dry run" {
	local c
	for c in "show" "-j show" "bridge show" "bridge show br0" "bond show" "vlan show" \
		"vf show" "sea show" "veth show" "-j veth show" "show --config"; do
		# shellcheck disable=SC2086
		run --separate-stderr nobody $c
		[ "$status" -eq 0 ] || { echo "$c: exit $status: $stderr" >&2; return 1; }
	done
	run --separate-stderr nobody bridge show
	[[ "$output" == *br0* ]]
	run --separate-stderr nobody -j veth show
	[ "$(jq -r 'map(.name) | sort | join(",")' <<<"$output")" = "e0,e1" ]
	run --separate-stderr nobody --dry-run bridge add br1 stp on
	[ "$status" -eq 0 ]
	[[ "$output" == *"create"* ]]
}

@test "a process that may change links and cannot take the lock stops" {
	# /run/vnetctl exists: setup's bridge add made it.
	# A private mount namespace: /run/vnetctl read-only and empty there only.
	run --separate-stderr unshare -m sh -c \
		'mount -t tmpfs -o ro,mode=0700 vnetctl-test /run/vnetctl && exec "$0" -n "$1" bridge add br1' \
		"$VNETCTL" "$NS"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"cannot take the namespace's lock /run/vnetctl/lock-"* ]]
	[[ "$stderr" == *"Read-only file system"* ]]
	# A dry run needs no lock.
	run --separate-stderr unshare -m sh -c \
		'mount -t tmpfs -o ro,mode=0700 vnetctl-test /run/vnetctl && exec "$0" -n "$1" --dry-run bridge add br1' \
		"$VNETCTL" "$NS"
	[ "$status" -eq 0 ]
}

@test "a process given CAP_NET_ADMIN that may not use /run/vnetctl changes links unlocked" {
	# Not root (nobody, with CAP_NET_ADMIN as an ambient capability): the
	# folder is root's (EACCES), so there is no lock to share, as for ip.
	run --separate-stderr ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=+net_admin --ambient-caps=+net_admin "$VNETCTL" bridge add br1 stp on
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr" >&2; return 1; }
	[ "$(lj br1 .linkinfo.info_data.stp_state)" = 1 ]
	BEFORE= # a change was the point
}
