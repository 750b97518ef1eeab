#!/usr/bin/env bats
# vnetctl monitor: each event the kernel sends, said once, in order, as vnetctl describes it.

bats_require_minimum_version 1.5.0
load ../../lib/common
load views

setup() { common_setup; MON_PID=; }
teardown() {
	[ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null
	common_teardown
}

# The events on link $1, in order, as "event[:field]" words (-j output).
events_of() {
	jq -r --arg l "$1" 'select(.link == $l) | .event + (if .event == "carrier" then ":\(.carrier)" elif .event == "joined" or .event == "left" then ":\(.master)" else "" end)' "$MON_OUT" | tr '\n' ' '
}

@test "a port joins, loses its carrier, is deleted: three events in that order (-j lines)" {
	veth a
	mon_start -j monitor
	vn bridge add br0 ports a up
	up a ap
	mon_wait '"link":"a".*"carrier":true'
	ip -n "$NS" link set dev ap down
	mon_wait '"link":"a".*"carrier":false'
	[[ "$(lj a '.flags|join(",")')" == *NO-CARRIER* ]]
	ip -n "$NS" link del dev a
	mon_wait '"event":"deleted","link":"a"'
	mon_stop
	[ "$MON_STATUS" -eq 0 ]
	# Every line is JSON with a time.
	jq -e -s 'all(.[]; .time and .event)' "$MON_OUT" >/dev/null
	got=$(events_of a)
	[[ "$got" =~ joined:br0\ .*carrier:true\ .*carrier:false\ .*deleted ]] || { echo "$got" >&2; false; }
	[[ "$(events_of ap)" == *deleted* ]]
	! ip -n "$NS" link show dev a 2>/dev/null
}

@test "text lines: time, event, the object as vnetctl names it; ports as bridge BR port P" {
	veth a
	mon_start monitor
	vn bridge add br0 ports a up
	mon_wait '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+ joined bridge br0 port a$'
	mon_wait '^[0-9T:.-]+ created bridge br0: up$'
	ip -n "$NS" link set dev a nomaster
	mon_wait '^[0-9T:.-]+ left bridge br0 port a$'
	mon_stop INT
	[ "$MON_STATUS" -eq 0 ]
}

@test "an STP loop: the port bridge link calls blocking is said to block" {
	mon_start -j monitor
	stp_loop
	blocked=$(blocking_port)
	mon_wait "\"event\":\"stp\",\"link\":\"$blocked\".*\"state\":\"blocking\""
	mon_stop
}

@test "addresses added and deleted, MTU changes" {
	veth a
	mon_start monitor
	ip -n "$NS" addr add 192.0.2.9/24 dev a
	mon_wait ' address veth a: add 192.0.2.9/24$'
	ip -n "$NS" addr del 192.0.2.9/24 dev a
	mon_wait ' address veth a: del 192.0.2.9/24$'
	ip -n "$NS" link set dev a mtu 1400
	mon_wait ' mtu veth a: 1400 \(was 1500\)$'
	mon_stop
}

@test "OBJECT words: only events on those kinds or names" {
	veth a; veth x
	mon_start -j monitor bridge
	ip -n "$NS" link set dev x up
	vn bridge add br0 ports a up
	mon_wait '"event":"joined","link":"a"'
	ip -n "$NS" link set dev x down
	ip -n "$NS" link del dev x
	vn bridge del br0
	mon_wait '"event":"deleted","link":"br0"'
	mon_stop
	! grep -q '"link":"x"' "$MON_OUT"
	run vn -j monitor nosuch/
	[ "$status" -eq 2 ]
	[[ "$output" == *'"nosuch/"'* ]]
}

@test "1000 links made at once: 1000 created events, or the loss said (ENOBUFS)" {
	mon_start -j monitor
	for ((i = 0; i < 500; i++)); do
		echo "link add name m$i type veth peer name m${i}p"
	done | ip -n "$NS" -batch -
	mon_wait '"link":"m499p?"' 60
	until_ok 60 eval '[ "$(grep -c "\"event\":\"created\",\"link\":\"m" "$MON_OUT")" -ge 1000 ] || grep -q "\"event\":\"lost\"" "$MON_OUT"'
	mon_stop
	n=$(grep -c '"event":"created","link":"m' "$MON_OUT")
	lost=$(grep -c '"event":"lost"' "$MON_OUT" || true)
	echo "created $n, lost $lost" >&2
	[ "$n" -eq 1000 ] || [ "$lost" -gt 0 ]
	# Each link once.
	[ "$(jq -r 'select(.event == "created") | .link' "$MON_OUT" | sort | uniq -d | wc -l)" -eq 0 ]
	ip -n "$NS" link show | grep -c ': m[0-9]' >/dev/null
	for ((i = 0; i < 500; i++)); do echo "link del dev m$i"; done | ip -n "$NS" -batch -
}
