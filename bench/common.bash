# bench/common.bash: what bench/run and bench/vm-cases share (sourced).
# The caller sets T (its scratch directory) and NS (the namespace of the
# moment), and defines verify N WHAT, which prints "ok" or what is wrong.

# empty_ns NS: deletes NS's links but lo, a hundred at a time (each hundred
# moved to one group and deleted with one request). A namespace is never
# deleted with hundreds of links in it: the kernel's teardown would hold the
# rtnl lock for minutes, for every namespace on the machine.
empty_ns() {
	local names i
	mapfile -t names < <(ip -n "$1" -j link show 2>/dev/null | jq -r '.[] | select(.ifname != "lo") | .ifname')
	for ((i = 0; i < ${#names[@]}; i += 100)); do
		printf 'link set dev %s group 4242\n' "${names[@]:i:100}" | ip -n "$1" -force -batch - >/dev/null 2>&1
		ip -n "$1" link del group 4242 2>/dev/null
	done
}
# now VAR: nanoseconds since the epoch into VAR, with no process started (a
# date(1) between the two readings would be timed with the command)
now() { printf -v "$1" %s000 "${EPOCHREALTIME/[.,]/}"; }
# secs CMD...: runs CMD, prints seconds
secs() { local a b; now a; "$@" >/dev/null 2>&1; now b; echo "scale=4; ($b - $a) / 1000000000" | bc; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
row() { printf '%-36s %6s  %-18s %9s  %8s  %s\n' "$@"; }

declare -A TS BAD
FAILED=0
# bad KEY WHY: the first thing wrong with KEY's runs
bad() { [ -n "${BAD[$1]:-}" ] || BAD[$1]=$2; FAILED=1; }
# step KEY STATUS CMD...: runs CMD (its stdout in $T/out), its seconds added
# to TS[KEY]; an exit status other than STATUS is noted against KEY
step() {
	local key=$1 want=$2 a b rc
	shift 2
	now a; "$@" >"$T/out" 2>"$T/err"; rc=$?; now b
	TS[$key]+="$(echo "scale=4; ($b - $a) / 1000000000" | bc)"$'\n'
	# (not ifupdown2's warning that brctl is missing: it needs none here)
	((rc == want)) || bad "$key" "exit $rc: $(grep -v 'brctl: missing' "$T/err" | tr '\n' ' ' | cut -c1-100)"
}
# state KEY N MODE: notes against KEY what verify finds wrong
state() { local v; v=$(verify "$2" "$3"); [ "$v" = ok ] || bad "$1" "$v"; }
med() { printf '%s' "${TS[$1]:-}" | median; }
# factor A B LABEL: "LABEL: Nx", how many times B's median goes into A's
factor() {
	[ -n "${TS[$1]:-}" ] && [ -n "${TS[$2]:-}" ] &&
		awk -v a="$(med "$1")" -v b="$(med "$2")" -v l="$3" 'BEGIN { if (b > 0) printf "%s: %.1fx", l, a / b }'
}
# vrequests: the change requests in the -j output of the last step
vrequests() { jq -r '.requests // empty' "$T/out" 2>/dev/null; }

# pair A B N LABEL_A NAME_A LABEL_B NAME_B NOTE: A's row, its ratio to B and
# NOTE, then B's row (ratio 1); a step that went wrong says what
pair() {
	local ra
	ra=$(echo "scale=3; $(med "$1") / $(med "$2")" | bc)
	row "$4" "$3" "$5" "$(med "$1")" "$ra" "$([ -n "${BAD[$1]:-}" ] && echo "FAILED: ${BAD[$1]}" || echo "$8")"
	row "$6" "$3" "$7" "$(med "$2")" 1 "${BAD[$2]:+FAILED: ${BAD[$2]}}"
}


# ---- an admin's tool's steps, for vnetctl, ifupdown2 and ip -batch ----
# first apply, re-apply unchanged, check, delete (ip -batch: create and
# delete only); beside them the bounds: one dump read to its end
# (bench/dump-floor, $FLOOR) for the re-apply and the check, and one request
# deleting every link the delete deletes (ip link del group, on links made
# in group 77). The caller writes $T/8.conf and $T/8.del (vnetctl's apply
# and delete) and $T/8.interfaces (ifupdown2's), and defines premade (links
# that are there before, untimed), ip_apply and ip_delete (the ip -batch
# contender), floor_setup (the same links, those deleted in group 77),
# verify N MODE and gone MODE (what verify should find after the delete).
# The keys: MODE,N,STEP,CONTENDER; IFU_OK says whether ifupdown2 runs.
# vnetctl's first apply is timed as an admin runs it; the same with -j
# (for its request count, and what -j's before-and-after descriptions
# cost: they read /sys) runs apart, in a namespace of its own (vnetctl_j).
declare -A REQ
# settle: waits (at most 30 s) until no IPv6 address in the namespace is
# still tentative. Links that just came up keep the kernel busy setting up
# their IPv6 (duplicate address detection) for a second or more, and a dump
# meanwhile takes up to 4 times as long: a contender that reaches its
# re-apply or check sooner must not pay for it (ifupdown2 never does).
settle() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ -z "$(ip -n "$NS" -6 addr show tentative 2>/dev/null)" ] && return 0
		sleep 0.1
	done
}
chain_vnetctl_j() {
	local k=$2,$1
	step "$k,applyj,vnetctl" 0 "$V" -n "$NS" -j apply "$T/8.conf"; REQ[$k,apply]=$(vrequests); state "$k,applyj,vnetctl" "$1" "$2"
}
chain_vnetctl() {
	local k=$2,$1
	step "$k,apply,vnetctl" 0 "$V" -n "$NS" apply "$T/8.conf"; state "$k,apply,vnetctl" "$1" "$2"
	settle
	step "$k,reapply,vnetctl" 0 "$V" -n "$NS" -j apply "$T/8.conf"; REQ[$k,reapply]=$(vrequests); state "$k,reapply,vnetctl" "$1" "$2"
	[ -x "$FLOOR" ] && step "$k,reapply,floor" 0 "$FLOOR" "$NS"
	settle
	step "$k,check,vnetctl" 0 "$V" -n "$NS" check "$T/8.conf"
	[ -x "$FLOOR" ] && step "$k,check,floor" 0 "$FLOOR" "$NS"
	step "$k,delete,vnetctl" 0 "$V" -n "$NS" -j apply "$T/8.del"; REQ[$k,delete]=$(vrequests)
	state "$k,delete,vnetctl" "$1" "$(gone "$2")"
}
chain_ifupdown2() {
	local k=$2,$1
	ifu_prepare "$NS" "$T/8.interfaces"
	step "$k,apply,ifupdown2" 0 ifu "$NS" ifup -a; state "$k,apply,ifupdown2" "$1" "$2"
	settle
	step "$k,reapply,ifupdown2" 0 ifu "$NS" ifreload -a; state "$k,reapply,ifupdown2" "$1" "$2"
	settle
	step "$k,check,ifupdown2" 0 ifu "$NS" ifquery --check -a
	step "$k,delete,ifupdown2" 0 ifu "$NS" ifdown -a; state "$k,delete,ifupdown2" "$1" "$(gone "$2")"
}
chain_ip() {
	local k=$2,$1
	step "$k,apply,ip" 0 ip_apply; state "$k,apply,ip" "$1" "$2"
	step "$k,delete,ip" 0 ip_delete; state "$k,delete,ip" "$1" "$(gone "$2")"
}
chain_floor() {
	local k=$2,$1
	floor_setup >/dev/null 2>&1
	state "$k,delete,floor" "$1" "$2"
	step "$k,delete,floor" 0 ip -n "$NS" link del group 77; state "$k,delete,floor" "$1" "$(gone "$2")"
}
# row8 STEP LABEL N C NAME NOTE: the row of contender C on STEP (a key
# MODE,N,STEP), its ratio to ip -batch when the step has it; a step that went
# wrong says what (and bench/run exits 1)
row8() {
	local k=$1,$4 ratio="-" note=$6
	[ -n "${TS[$k]:-}" ] || return 0
	[ -n "${TS[$1,ip]:-}" ] && ratio=$(echo "scale=2; $(med "$k") / $(med "$1,ip")" | bc)
	[ -n "${BAD[$k]:-}" ] && note="FAILED: ${BAD[$k]}"
	row "$2" "$3" "$5" "$(med "$k")" "$ratio" "$note"
}

# reps_for N: the runs of a step of milliseconds at N. Below N=1000 such a
# step takes 5-30 ms, and the median of three moved 15% with the machine's
# noise between two runs of the same build (first apply of 100 bridges: 1.14
# in one full run, 0.97 as the median of 21 by hand): these get SMALL_X
# (default 3) times the repetitions (cheap at that size; not ifupdown2's,
# which take seconds).
reps_for() { if (($1 < 1000)); then echo $((REPS * ${SMALL_X:-3})); else echo "$REPS"; fi; }
# steps8 N MODE: runs of each contender's steps, each in a fresh namespace:
# REPS of ifupdown2's, reps_for N of the others'
steps8() {
	local r c
	for ((r = 0; r < $(reps_for "$1"); r++)); do
		for c in vnetctl vnetctl_j ifupdown2 ip floor; do
			[ $c = ifupdown2 ] && ((!IFU_OK || r >= REPS)) && continue
			fresh
			premade >/dev/null 2>&1
			chain_$c "$1" "$2"
			empty_ns "$NS"
		done
	done
}
# rows8 N MODE LABEL: the rows of steps8's runs
rows8() {
	local k=$2,$1 s sl vnote fl
	for s in apply reapply check delete; do
		case $s in
		apply) sl="first apply" ;; reapply) sl="re-apply unchanged" ;; *) sl=$s ;;
		esac
		vnote=${REQ[$k,$s]:+requests ${REQ[$k,$s]}}
		if ((IFU_OK)); then
			vnote="$(factor "$k,$s,ifupdown2" "$k,$s,vnetctl" "ifupdown2 / this")${vnote:+; $vnote}"
		fi
		row8 "$k,$s" "$3: $sl" "$1" vnetctl vnetctl "$vnote"
		[ $s = apply ] && [ -n "${TS[$k,applyj,vnetctl]:-}" ] &&
			row "$3: $sl" "$1" "vnetctl -j" "$(med "$k,applyj,vnetctl")" \
				"$(echo "scale=2; $(med "$k,applyj,vnetctl") / $(med "$k,apply,ip")" | bc)" \
				"${BAD[$k,applyj,vnetctl]:+FAILED: ${BAD[$k,applyj,vnetctl]}}"
		if ((IFU_OK)); then
			row8 "$k,$s" "$3: $sl" "$1" ifupdown2 ifupdown2 ""
		else
			row "$3: $sl" "$1" ifupdown2 - - "skipped: ${IFU_SKIP:0:90}"
		fi
		row8 "$k,$s" "$3: $sl" "$1" ip "ip -batch" ""
		fl="floor: one dump"
		[ $s = delete ] && fl="floor: del group"
		row8 "$k,$s" "$3: $sl" "$1" floor "$fl" \
			"$( ((IFU_OK)) && factor "$k,$s,ifupdown2" "$k,$s,floor" "ifupdown2 / this: the most")"
	done
}
