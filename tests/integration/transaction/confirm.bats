#!/usr/bin/env bats
# --confirm: a guardian process holds the change until "vnetctl confirm",
# and rolls it back at the deadline whatever happens to the command, its
# process group, its session or its terminal. The host is compared with ip
# and bridge; deadlines are short (2-3 s) and waited for with bounded polls.

bats_require_minimum_version 1.5.0
load transaction

setup() {
	common_setup
	veth e0
	ip -n "$NS" addr add 192.0.2.5/24 dev e0p # not on e0: a port keeps none (see addresses.bats)
	ip -n "$NS" link set e0 up
	BEFORE=$(snap)
	OUT=$BATS_TEST_TMPDIR/out ERR=$BATS_TEST_TMPDIR/err
	SOCK=$(run_file confirm).sock JOURNAL=$(run_file journal)
}
teardown() {
	# No guardian outlives its test.
	local g
	for g in ${GUARDIANS:-} ${SLEEPER:-}; do kill -9 "$g" 2>/dev/null || true; done
	transaction_teardown
}

# Waits for the line of a --confirm command in $ERR; G: its guardian's PID.
await_guardian() {
	wait_for 20 has_guardian_line "$ERR"
	G=$(guardian_of "$ERR")
	GUARDIANS="${GUARDIANS:-} $G"
}

# A change with --confirm in the background, stdin not a terminal; waits
# until its guardian listens. Sets CMD (the command's PID) and G (the guardian's).
start() {
	"$VNETCTL" -n "$NS" "$@" < /dev/null > "$OUT" 2> "$ERR" &
	CMD=$!
	await_guardian
	wait_for 5 test -S "$SOCK"
}

changed() { ip -n "$NS" link show dev br1 >/dev/null 2>&1; }

# A change with --confirm SECONDS --detach whose guardian (G) is then killed.
orphaned() {
	vn --confirm "$1" --detach bridge add br1 ports e0 up 2> "$ERR"
	G=$(guardian_of "$ERR")
	GUARDIANS="${GUARDIANS:-} $G"
	kill -9 "$G"
	wait_for 5 dead "$G"
}

@test "confirm before the deadline keeps the change; the guardian is in a session of its own" {
	start --confirm 30 bridge add br1 stp on ports e0 up
	changed
	[ -s "$JOURNAL" ]
	# Not in the command's session or process group, immune to SIGHUP.
	[ "$(ps -o sid= -p "$G")" != "$(ps -o sid= -p "$CMD")" ]
	[ "$(ps -o pgid= -p "$G")" != "$(ps -o pgid= -p "$CMD")" ]
	[ "$(ps -o tty= -p "$G" | tr -d ' ')" = "?" ]
	sigign=$(awk '/^SigIgn/ {print $2}' "/proc/$G/status")
	(( (0x$sigign & 1) == 1 ))   # SIGHUP (1) ignored
	run --separate-stderr vn confirm
	[ "$status" -eq 0 ]
	[ "$output" = "bridge br1: confirmed" ]
	wait "$CMD"
	grep -qx "bridge br1: confirmed" "$OUT"
	[ ! -e "$JOURNAL" ] && [ ! -e "$SOCK" ]
	wait_for 5 dead "$G"
	[ "$(lj br1 .linkinfo.info_data.stp_state)" = 1 ]
	[ "$(lj e0 .master)" = br1 ]
	run vn confirm
	[ "$status" -eq 1 ]
	[[ "$output" == *"confirm: nothing pending"* ]]
	# The lock went with it: a change goes at once.
	vn --no-wait bridge add br9
}

@test "not confirmed: rolled back at the deadline, each step listed (and as JSON)" {
	run --separate-stderr vn --confirm 2 bridge add br1 ports e0 < /dev/null
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "bridge br1: create" ]]
	[[ "$output" == *"rollback: br1: delete (made by the change)"* ]]
	[[ "$stderr" == *"(guardian PID "* ]]
	[[ "$stderr" == *"bridge br1: not confirmed; every change was rolled back"* ]]
	[ "$(snap)" = "$BEFORE" ]
	[ ! -e "$JOURNAL" ]
	run --separate-stderr vn -j --confirm 2 bridge add br1 ports e0 < /dev/null
	[ "$status" -eq 1 ]
	[ "$(jq -sc '.[0].operations' <<<"$output")" = '["bridge br1: create","bridge br1: add port e0"]' ]
	[ "$(jq -sc '.[1] | {confirmed, rolled_back}' <<<"$output")" = '{"confirmed":false,"rolled_back":true}' ]
	[ "$(jq -s '.[1].operations | length' <<<"$output")" -ge 1 ]
	[ "$(snap)" = "$BEFORE" ]
}

@test "apply --confirm: the plan and the deadline come at once, also into a pipe" {
	printf 'bridge add br1 ports e0 up\n' > "$BATS_TEST_TMPDIR/f.conf"
	"$VNETCTL" -n "$NS" apply "$BATS_TEST_TMPDIR/f.conf" --confirm 30 < /dev/null 2>&1 | cat > "$OUT" &
	wait_for 20 grep -q "guardian PID" "$OUT"
	grep -q "bridge br1: create" "$OUT"
	G=$(guardian_of "$OUT")
	GUARDIANS=$G
	vn confirm
	wait_for 10 grep -q "f.conf: confirmed" "$OUT"
	changed
}

# Whatever took the command away (the kind of kill is the caller's "$@",
# run with the command's PID in CMD and the guardian's in G), the guardian
# holds the change. Not confirmed: restored at the deadline, and not before
# it. Then the same again, confirmed before the deadline: kept.
held_whatever() {
	local d t mon=$BATS_TEST_TMPDIR/mon
	rm -f "$OUT" "$ERR"   # a guardian line of a run before is not this run's
	# When br1 goes, from the kernel's own events (a loaded machine may look late).
	ip -n "$NS" -ts monitor link > "$mon" 2>/dev/null &
	SLEEPER="${SLEEPER:-} $!"
	start --confirm 4 bridge add br1 ports e0 up
	"$@"
	d=$(deadline_of "$ERR")
	if (( $(date +%s) < d )); then
		changed
		alive "$G"
	fi
	wait_for 20 same_as "$BEFORE"
	wait_for 5 grep -q "Deleted [0-9]*: br1:" "$mon"
	t=$(sed -n 's/^\[\(.*\)\] Deleted [0-9]*: br1:.*/\1/p' "$mon" | head -1)
	(( $(date -d "$t" +%s) >= d ))   # at the deadline, not at the kill
	wait_for 5 dead "$G"
	[ ! -e "$JOURNAL" ] && [ ! -e "$SOCK" ]
	rm -f "$OUT" "$ERR"
	start --confirm 30 bridge add br1 ports e0 up
	"$@"
	changed
	alive "$G"
	run vn confirm
	[ "$status" -eq 0 ]
	[ "$output" = "bridge br1: confirmed" ]
	wait_for 5 dead "$G"
	changed
	[ "$(lj e0 .master)" = br1 ]
	[ ! -e "$JOURNAL" ] && [ ! -e "$SOCK" ]
}

# The deadline a --confirm command names, in seconds since the epoch.
deadline_of() {
	date -d "$(sed -n 's/.* before \([0-9:]*\) (.*/\1/p' "$1" | head -1)" +%s
}

kill_command() {
	kill -9 "$CMD"
	wait "$CMD" || true
}

@test "kill -9 of the command: the guardian keeps the change; rolled back at the deadline, or confirmed" {
	held_whatever kill_command
}

hang_up_group() {
	local pg
	pg=$(ps -o pgid= -p "$CMD" | tr -d ' ')
	[ "$(ps -o pgid= -p "$G" | tr -d ' ')" != "$pg" ]
	kill -HUP -- "-$pg"
	wait_for 10 dead "$CMD"
	grep -q "Hangup: the guardian (PID $G) keeps the changes until" "$ERR"
}

@test "SIGHUP to the command's process group: the command goes, the guardian keeps the change" {
	# setsid: the command leads a process group of its own, as a job does.
	start() {
		setsid "$VNETCTL" -n "$NS" "$@" < /dev/null > "$OUT" 2> "$ERR" &
		CMD=$!
		await_guardian
	}
	held_whatever hang_up_group
}

kill_session() {
	kill -9 -- "-$CMD"
	wait "$CMD" || true
}

@test "a session killed whole (SIGKILL to all its processes): the guardian keeps the change" {
	# A login shell's session: the shell and the command in it, all killed
	# at once, as when a terminal emulator or sshd dies. CMD is the session.
	start() {
		setsid bash -c '"$0" -n "$1" "${@:4}" < /dev/null > "$2" 2> "$3"; sleep 100' \
			"$VNETCTL" "$NS" "$OUT" "$ERR" "$@" 3>&- &
		CMD=$!
		SLEEPER="${SLEEPER:-} $CMD"
		await_guardian
	}
	held_whatever kill_session
}

@test "a terminal closed under the command (script): the guardian keeps the change" {
	command -v script >/dev/null || skip "script (util-linux) is missing"
	# CMD is script, the terminal: killed, its pty hangs up the command.
	start() {
		script -qfec "$VNETCTL -n $NS $* 2> $ERR" /dev/null > "$OUT" < /dev/null 3>&- &
		CMD=$!
		await_guardian
	}
	held_whatever kill_command
}

# A --confirm command on a terminal (script's pty) whose keyboard is the fifo $KEYS.
on_terminal() {
	KEYS=$BATS_TEST_TMPDIR/keys
	rm -f "$KEYS" "$OUT" "$ERR"
	mkfifo "$KEYS"
	script -qfec "$VNETCTL -n $NS $* 2> $ERR" /dev/null < "$KEYS" > "$OUT" 3>&- &
	CMD=$!
	exec 4> "$KEYS"   # held open: no end of input until the test says
	await_guardian
}

@test "on a terminal: Enter confirms, ^C rolls back at once" {
	command -v script >/dev/null || skip "script (util-linux) is missing"
	on_terminal --confirm 30 bridge add br1 ports e0 up
	grep -q 'or Enter here' "$ERR"
	printf '\n' >&4
	wait "$CMD"
	exec 4>&-
	grep -q "bridge br1: confirmed" "$OUT"
	wait_for 5 dead "$G"
	changed
	[ ! -e "$JOURNAL" ]
	vn bridge del br1
	ip -n "$NS" link set e0 up
	BEFORE=$(snap)
	on_terminal --confirm 30 bridge add br1 ports e0 up
	printf '\003' >&4   # the pty's line discipline makes it SIGINT
	wait "$CMD" || true
	exec 4>&-
	grep -q "rolled back on request" "$ERR"
	[ "$(snap)" = "$BEFORE" ]
	wait_for 5 dead "$G"
	[ ! -e "$JOURNAL" ]
}

@test "--detach returns once the guardian holds the change; rollback lists what it undid" {
	run --separate-stderr vn --confirm 30 --detach bridge add br1 ports e0 up
	[ "$status" -eq 0 ]
	[ "$output" = $'bridge br1: create (up)\nbridge br1: add port e0' ]
	G=$(sed -n 's/.*(guardian PID \([0-9]*\)).*/\1/p' <<<"$stderr")
	GUARDIANS=$G
	changed
	[ -S "$SOCK" ] && [ -s "$JOURNAL" ]
	run --separate-stderr vn -j rollback
	[ "$status" -eq 0 ]
	[ "$(jq -c '{confirmed, rolled_back, what}' <<<"$output")" = '{"confirmed":false,"rolled_back":true,"what":"bridge br1"}' ]
	jq -e '.operations | index("rollback: br1: delete (made by the change)")' <<<"$output"
	[ "$(snap)" = "$BEFORE" ]
	[ ! -e "$SOCK" ] && [ ! -e "$JOURNAL" ]
	run vn rollback
	[ "$status" -eq 1 ]
	[[ "$output" == *"rollback: nothing pending"* ]]
	# And in text, after apply --detach.
	printf 'bridge add br1 ports e0\n' > "$BATS_TEST_TMPDIR/f.conf"
	vn apply "$BATS_TEST_TMPDIR/f.conf" --confirm 30 --detach 2>/dev/null
	run vn rollback
	[ "$status" -eq 0 ]
	[[ "$output" == *"rollback: br1: delete (made by the change)"* ]]
	[[ "$output" == *"f.conf: rolled back" ]]
	[ "$(snap)" = "$BEFORE" ]
}

@test "while a confirmation is pending: show and check say so, changes wait or fail with --no-wait" {
	vn --confirm 30 --detach bridge add br1 ports e0 up 2> "$ERR"
	GUARDIANS=$(guardian_of "$ERR")
	run --separate-stderr vn show
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"a transaction is pending: PID "*" (bridge br1) awaits confirmation until "* ]]
	run --separate-stderr vn show --dot
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"awaits confirmation"* ]]
	printf 'bridge add br1 ports e0 up\n' > "$BATS_TEST_TMPDIR/f.conf"
	run --separate-stderr vn check "$BATS_TEST_TMPDIR/f.conf"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"awaits confirmation"* ]]
	run --separate-stderr vn --no-wait bridge add br9
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"another vnetctl is changing this namespace"*"(bridge br1) awaits confirmation"* ]]
	run --separate-stderr vn apply "$BATS_TEST_TMPDIR/f.conf" --no-wait
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"awaits confirmation"* ]]
	# Without --no-wait it waits, and says for what.
	vn bridge add br9 > "$OUT" 2> "$ERR" &
	W=$!
	wait_for 10 grep -q "waiting: PID" "$ERR"
	! ip -n "$NS" link show dev br9 2>/dev/null
	vn confirm
	wait "$W"
	ip -n "$NS" link show dev br9
	changed
}

@test "the guardian killed: before the deadline it stays pending, after it the next command rolls back" {
	orphaned 10 # room for the checks before the deadline on a loaded machine
	[ -s "$JOURNAL" ]
	run --separate-stderr vn show
	[[ "$stderr" == *"whose guardian died, awaits confirmation until"* ]]
	changed
	run --separate-stderr vn --no-wait bridge add br9
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"a transaction is pending in this namespace"*"whose guardian died"* ]]
	# A change waits for the deadline, then rolls back first.
	run --separate-stderr vn bridge add br9
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"rolled back the unconfirmed transaction of PID $G (bridge br1), whose guardian died, at its deadline "*": undid br1: delete (made by the change)"* ]]
	! changed
	ip -n "$NS" link del br9
	[ "$(snap)" = "$BEFORE" ]
	[ ! -e "$JOURNAL" ]
}

@test "the guardian killed: after the deadline show rolls back; before it rollback undoes and confirm keeps" {
	orphaned 2
	wait_for 10 bash -c "! $VNETCTL -n $NS show 2>&1 >/dev/null | grep -q 'awaits confirmation'"
	[ "$(snap)" = "$BEFORE" ]
	[ ! -e "$JOURNAL" ]
	# Rolled back by hand before the deadline, as JSON.
	orphaned 30
	run --separate-stderr vn -j rollback
	[ "$status" -eq 0 ]
	[ "$(jq -c '{confirmed, rolled_back, what}' <<<"$output")" = '{"confirmed":false,"rolled_back":true,"what":"bridge br1"}' ]
	jq -e '.operations | index("rollback: br1: delete (made by the change)")' <<<"$output"
	[ "$(snap)" = "$BEFORE" ]
	[ ! -e "$JOURNAL" ]
	# Confirmed by hand while the journal waits for its deadline.
	orphaned 30
	run --separate-stderr vn confirm
	[ "$status" -eq 0 ]
	[ "$output" = "bridge br1: confirmed" ]
	[ ! -e "$JOURNAL" ]
	vn --no-wait bridge add br9
	changed
}

@test "a stale socket, a stale pidfile and a journal naming a live unrelated process: nothing is signalled" {
	sleep 1000 3>&- &
	S=$!
	SLEEPER=$S
	# The socket of a guardian that was killed, its journal confirmed by hand: nobody listens.
	orphaned 30
	vn confirm
	[ -S "$SOCK" ]
	# The file the old --confirm kept, naming the sleep.
	echo "$S" > "$(run_file confirm)"
	run vn confirm
	[ "$status" -eq 1 ]
	[[ "$output" == *"confirm: nothing pending"* ]]
	run vn rollback
	[ "$status" -eq 1 ]
	alive "$S"
	# A journal whose writer's PID is now the sleep's: the writer is dead all the same.
	ip -n "$NS" link del br1
	orphaned 2
	printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((S & 255)) $((S >> 8 & 255)) $((S >> 16 & 255)) $((S >> 24 & 255)))" |
		dd of="$JOURNAL" bs=1 seek=32 conv=notrunc status=none
	wait_for 10 bash -c "! $VNETCTL -n $NS show 2>&1 >/dev/null | grep -q 'awaits confirmation'"
	! changed
	alive "$S"
}

@test "two namespaces with pending confirmations, each confirmed or rolled back alone" {
	NS2=$NS-2
	ip netns add "$NS2"
	ip -n "$NS2" link add e0 type veth peer name e0p
	vn --confirm 30 --detach bridge add br1 ports e0 2> "$ERR"
	GUARDIANS=$(guardian_of "$ERR")
	"$VNETCTL" -n "$NS2" --confirm 30 --detach bridge add br1 ports e0 2> "$ERR"
	GUARDIANS="$GUARDIANS $(guardian_of "$ERR")"
	run "$VNETCTL" -n "$NS2" confirm
	[ "$status" -eq 0 ]
	[ -S "$SOCK" ]   # the first still waits
	run vn rollback
	[ "$status" -eq 0 ]
	[ "$(snap)" = "$BEFORE" ]
	ip -n "$NS2" link show dev br1
	[ "$(ip -n "$NS2" -j link show dev e0 | jq -r '.[0].master')" = br1 ]
	ip netns del "$NS2"
}

@test "files of namespaces that are gone are removed when a lock is taken" {
	NS2=$NS-gone
	ip netns add "$NS2"
	"$VNETCTL" -n "$NS2" bridge add brg >/dev/null
	lock2=$(run_file lock "$NS2")
	[ -e "$lock2" ]
	touch "${lock2/lock-/journal-}.tmp"
	ip netns del "$NS2"
	vn bridge add br1 >/dev/null
	[ ! -e "$lock2" ] && [ ! -e "${lock2/lock-/journal-}.tmp" ]
	[ -e "$(run_file lock)" ]
}
