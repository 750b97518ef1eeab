#!/usr/bin/env bats
# OBJECT help against the library's tables (tests/unit/keywords.c prints
# them): every statement form, every keyword with its whole value (nothing
# cut), the verbs a keyword table belongs to, and the words add needs shown
# in its synopsis (the synopsis, filled in, is a statement add accepts, and
# one without any of those words is refused).

bats_require_minimum_version 1.5.0
load ../../lib/common

: "${VNET_KEYWORDS:=$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)/build/tests/vnet-keywords}"

setup() {
	[ -x "$VNET_KEYWORDS" ] || skip "no $VNET_KEYWORDS (ninja -C build)"
}
# The namespace of a test that made one goes, whether it passed or not.
teardown() {
	[ -z "${NS:-}" ] || common_teardown
}

@test "help: every keyword of every table, with its whole value, under its object" {
	local obj verb kw value top line found n=0
	while IFS=$'\t' read -r obj verb kw value; do
		[ -n "$kw" ] || continue
		top=${obj%% *}
		found=0
		while IFS= read -r line; do
			# "  KEYWORD VALUE" then spaces and the help, or the end of the line
			if [[ $line == "  $kw${value:+ $value}" || $line == "  $kw${value:+ $value} "* ]]; then
				found=1
				break
			fi
		done < <("$VNETCTL" "$top" help)
		if [ "$found" != 1 ]; then
			echo "vnetctl $top help lacks \"$kw${value:+ $value}\" ($obj $verb)" >&2
			return 1
		fi
		n=$((n + 1))
	done < <("$VNET_KEYWORDS")
	[ "$n" -gt 100 ]
}

@test "help: every statement form, and each keyword table under the verbs that take it" {
	local obj verb kw value top help verbs v
	declare -A has_kw=()
	while IFS=$'\t' read -r obj verb kw value; do
		[ -z "$kw" ] || has_kw["$obj|$verb"]=1
	done < <("$VNET_KEYWORDS")
	while IFS=$'\t' read -r obj verb kw value; do
		[ -z "$kw" ] || continue
		help=$("$VNETCTL" "${obj%% *}" help)
		[[ $help == *"vnetctl [OPTIONS] $obj $verb "* ]] || {
			echo "vnetctl ${obj%% *} help lacks the form $obj $verb" >&2
			return 1
		}
		# "Keywords of vf set:", not "vf add|set": the header names the verbs.
		if [ -n "${has_kw["$obj|$verb"]:-}" ]; then
			verbs=$(sed -n "s/^Keywords of $obj \([a-z|]*\):\$/\1/p" <<<"$help")
			[[ "|$verbs|" == *"|$verb|"* ]] || {
				echo "$obj $verb takes keywords, but the headers say \"$verbs\"" >&2
				return 1
			}
		fi
	done < <("$VNET_KEYWORDS")
	# and no header names a verb without keywords
	for top in bridge bond vlan vf veth sea link; do
		while IFS=$'\t' read -r obj verbs; do
			for v in ${verbs//|/ }; do
				[ -n "${has_kw["$obj|$v"]:-}" ] || {
					echo "$top help: Keywords of $obj names $v, which takes none" >&2
					return 1
				}
			done
		done < <("$VNETCTL" "$top" help | sed -n 's/^Keywords of \(.*\) \([a-z|]*\):$/\1\t\2/p')
	done
}

@test "help: --help, -h, help OBJECT and a verb's -h print the object's help, exit 0" {
	local w
	for w in "bridge --help" "bridge -h" "bridge help" "help bridge" "bridge port help" \
		"bridge add -h" "vlan add --help" "bond help"; do
		run --separate-stderr "$VNETCTL" $w
		[ "$status" -eq 0 ] || { echo "vnetctl $w: exit $status, $stderr" >&2; return 1; }
		[[ $output == Usage:*"vnetctl [OPTIONS] ${w//[- ]*help/}"* || $output == Usage:* ]]
		[[ $output == *"Keywords of "* ]] || { echo "vnetctl $w: no keywords" >&2; return 1; }
	done
	run --separate-stderr "$VNETCTL" vlan --help
	[[ $output == *"vlan add NAME link DEV id N"* ]]
}

# The synopsis of add, its placeholders filled in, as words.
fill() {
	local w out=()
	for w in "$@"; do
		case $w in
		NAME) out+=(t9) ;;
		DEV | "DEV[,DEV...]") out+=(v0) ;;
		N) out+=(9) ;;
		PEER) out+=(t9p) ;;
		IF) out+=(vif9) ;;
		*) out+=("$w") ;;
		esac
	done
	printf '%s\n' "${out[@]}"
}

@test "help: add's synopsis shows every word add needs" {
	common_setup
	veth v0
	local obj line words req k checked=0
	before=$(snapshot)
	for obj in bridge bond vlan veth sea; do
		line=$("$VNETCTL" "$obj" help | sed -n "s/^  vnetctl \[OPTIONS\] $obj add \(.*\) \[KEYWORD VALUE\]\.\.\.\$/\1/p")
		[ -n "$line" ] || { echo "$obj help: no add synopsis" >&2; return 1; }
		mapfile -t words < <(fill $line)
		# The synopsis filled in is a whole statement: the plan is made (a
		# dry run fails, exit 1, only where the kernel lacks a driver or feature).
		run --separate-stderr "$VNETCTL" -n "$NS" --dry-run "$obj" add "${words[@]}"
		[ "$status" -eq 0 ] || [[ $status -eq 1 && $stderr == *"this kernel has no "* ]] ||
			{ echo "$obj add ${words[*]}: exit $status: $stderr" >&2; return 1; }
		# Each keyword it shows is needed: without it (and its value), a usage error.
		# (not i: bats's run uses a global i)
		for ((k = 1; k < ${#words[@]}; k += 2)); do
			req=("${words[@]:0:k}" "${words[@]:k+2}")
			run --separate-stderr "$VNETCTL" -n "$NS" --dry-run "$obj" add "${req[@]}"
			[ "$status" -eq 2 ] || { echo "$obj add ${req[*]}: exit $status, not 2: $stderr" >&2; return 1; }
			# and the message names the word left out ("add needs link DEV")
			[[ $stderr == *"${words[k]}"* ]] || { echo "$obj add ${req[*]}: $stderr" >&2; return 1; }
			checked=$((checked + 1))
		done
	done
	eq "$(snapshot)" "$before"
	# vlan (link, id), veth (peer), sea (backing, adapter, pvid)
	[ "$checked" -ge 6 ]
}
