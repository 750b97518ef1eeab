#!/usr/bin/env bats
# Concurrency: applies on one namespace take turns (the lock), and show keeps
# working, without errors, while an apply changes the links it reads.

bats_require_minimum_version 1.5.0
load ../../lib/common

setup() {
	common_setup
	F=$BATS_TEST_TMPDIR/f.conf
}
teardown() { common_teardown; }

@test "show during apply sees no error, and every -j output is valid JSON" {
	for i in $(seq 0 299); do echo "bridge add cb$i stp off forward-delay 0 up"; done > "$F"
	vn apply "$F" > /dev/null &
	applier=$!
	fails=0
	for _ in $(seq 40); do
		out=$(vn -j show) || fails=$((fails + 1))
		jq -e . <<<"$out" > /dev/null || fails=$((fails + 1))
		vn bridge show > /dev/null || fails=$((fails + 1))
	done
	wait "$applier"
	[ "$fails" -eq 0 ]
	[ "$(ip -n "$NS" -o link show type bridge | wc -l)" -eq 300 ]
	# And while they go again.
	for i in $(seq 0 299); do echo "bridge del cb$i"; done > "$F"
	vn apply "$F" > /dev/null &
	applier=$!
	for _ in $(seq 20); do
		out=$(vn -j bridge show) || fails=$((fails + 1))
		jq -e . <<<"$out" > /dev/null || fails=$((fails + 1))
	done
	wait "$applier"
	[ "$fails" -eq 0 ]
}

@test "two applies at once serialise: each plans against what the other left" {
	for i in $(seq 0 99); do echo "bridge add sa$i"; done > "$F.a"
	for i in $(seq 0 99); do echo "bridge add sa$i priority 4096"; done > "$F.b"
	vn apply "$F.a" > "$BATS_TEST_TMPDIR/a.out" &
	a=$!
	vn apply "$F.b" > "$BATS_TEST_TMPDIR/b.out" &
	b=$!
	wait "$a"
	wait "$b"
	# Both succeeded (wait returned 0), and whichever came second planned
	# against the first's result: every bridge was created exactly once.
	[ "$(ip -n "$NS" -o link show type bridge | wc -l)" -eq 100 ]
	[ "$(cat "$BATS_TEST_TMPDIR/a.out" "$BATS_TEST_TMPDIR/b.out" | grep -c ': create')" -eq 100 ]
}

@test "the files of a namespace that is gone are removed by the next lock taken, those of one that lives stay" {
	gone=$NS-gone
	live=$NS-live
	ip netns add "$gone"
	ip netns add "$live"
	g=$(stat -c %i "/run/netns/$gone")
	l=$(stat -c %i "/run/netns/$live")
	"$VNETCTL" -n "$gone" bridge add x
	"$VNETCTL" -n "$live" bridge add x
	[ -e "/run/vnetctl/lock-$g" ]
	: > "/run/vnetctl/journal-$g.tmp"   # a torn write's leftover goes too
	ip netns del "$gone"
	vn bridge add y
	status=0
	[ ! -e "/run/vnetctl/lock-$g" ] && [ ! -e "/run/vnetctl/journal-$g.tmp" ] && [ -e "/run/vnetctl/lock-$l" ] || status=1
	ip netns del "$live"
	rm -f "/run/vnetctl/lock-$l" "/run/vnetctl/lock-$g" "/run/vnetctl/journal-$g.tmp"
	[ "$status" -eq 0 ]
}
