# bash completion for vnetctl(8)                           -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Self-contained: needs neither the bash-completion helpers nor the vnetctl
# binary. Interface names come from ip(8), inside the namespace given with
# -n/--netns when there is one.

# Keywords of "bridge add|set" and "bridge port add|set" (lib/kinds/bridge.c).
_vnetctl_bridge_kw='stp priority forward-delay hello-time max-age ageing-time
	vlan-filtering vlan-protocol default-pvid mcast-snooping mtu address ports
	up down'
_vnetctl_port_kw='cost priority hairpin guard learning flood mcast-flood
	isolated pvid vlans untagged'
# Keywords that stand alone (no value).
_vnetctl_flag_kw='up down'
_vnetctl_options='-n --netns -j --json -p --pretty --dry-run -q --quiet
	-h --help -V --version'

# Prints the words that may follow keyword $1 (empty: free-form value).
_vnetctl_values()
{
	case $1 in
	stp | vlan-filtering | mcast-snooping | hairpin | guard | learning | \
	flood | mcast-flood | isolated)
		echo 'on off' ;;
	vlan-protocol)
		echo '802.1q 802.1ad' ;;
	default-pvid | pvid | vlans | untagged)
		echo 'none' ;;
	esac
}

# ip(8), in the namespace of the command line being completed.
_vnetctl_ip()
{
	if [[ -n $_vnetctl_ns ]]; then
		ip -n "$_vnetctl_ns" "$@" 2>/dev/null
	else
		ip "$@" 2>/dev/null
	fi
}

# Interface names from "ip -o link show [ARGS]", without "@peer" suffixes.
_vnetctl_ifaces()
{
	_vnetctl_ip -o link show "$@" | while read -r _ name _; do
		name=${name%:}
		printf '%s\n' "${name%%@*}"
	done
}

# Interfaces that may become ports: not the loopback, not a bridge (the
# kernel refuses to put a bridge into a bridge).
_vnetctl_portable()
{
	local name bridges=$'\n'$(_vnetctl_bridges)$'\n'
	while read -r name; do
		[[ -n $name && $name != lo && $bridges != *$'\n'"$name"$'\n'* ]] &&
			printf '%s\n' "$name"
	done < <(_vnetctl_ifaces)
}

_vnetctl_bridges()
{
	local b
	if [[ -z $_vnetctl_ns ]] && ! type ip >/dev/null 2>&1; then
		for b in /sys/class/net/*/bridge; do
			[[ -e $b ]] || continue
			b=${b%/bridge}
			printf '%s\n' "${b##*/}"
		done
		return
	fi
	_vnetctl_ifaces type bridge
}

_vnetctl_netns()
{
	ip netns list 2>/dev/null | while read -r ns _; do
		printf '%s\n' "$ns"
	done
}

# Adds the words of list $1 that start with $2 to COMPREPLY.
_vnetctl_add()
{
	local - w
	set -f
	local IFS=$' \t\n'
	for w in $1; do
		[[ $w == "$2"* ]] && COMPREPLY+=("$w")
	done
}

_vnetctl()
{
	local _vnetctl_ns=
	local -a words
	local cur cword i w

	# Split the line ourselves: vnetctl's words never need quoting, and
	# COMP_WORDS would cut a MAC address into pieces at every colon.
	if [[ -n ${COMP_LINE-} && -n ${COMP_POINT-} ]]; then
		local line=${COMP_LINE:0:COMP_POINT}
		read -ra words <<<"$line"
		[[ $line == *[[:space:]] || ${#words[@]} -eq 0 ]] && words+=("")
	else
		words=("${COMP_WORDS[@]:0:COMP_CWORD+1}")
	fi
	cword=$((${#words[@]} - 1))
	cur=${words[cword]}
	COMPREPLY=()

	# Global options, up to the object. -n takes the next word, or the rest
	# of its own word (-nlab, -jnlab); --netns=NAME as getopt_long allows.
	local want_ns=
	i=1
	while ((i < cword)); do
		w=${words[i]}
		if [[ $w =~ ^-[jpqhV]*n(.*)$ ]]; then
			if [[ -n ${BASH_REMATCH[1]} ]]; then
				_vnetctl_ns=${BASH_REMATCH[1]}
			elif ((i + 1 == cword)); then
				want_ns=1
			else
				_vnetctl_ns=${words[i + 1]}
				((i++))
			fi
		elif [[ $w == --netns ]]; then
			if ((i + 1 == cword)); then
				want_ns=1
			else
				_vnetctl_ns=${words[i + 1]}
				((i++))
			fi
		elif [[ $w == --netns=* ]]; then
			_vnetctl_ns=${w#--netns=}
		elif [[ $w == -- ]]; then
			((i++))
			break
		elif [[ $w != -* ]]; then
			break
		fi
		((i++))
	done
	if [[ -n $want_ns ]]; then
		_vnetctl_add "$(_vnetctl_netns)" "$cur"
		return
	fi
	if ((i >= cword)); then
		# The cursor is on an option or on the object.
		case $cur in
		--netns=*)
			# readline's word starts after the "=".
			_vnetctl_add "$(_vnetctl_netns)" "${cur#--netns=}"
			;;
		-*) _vnetctl_add "$_vnetctl_options" "$cur" ;;
		*) _vnetctl_add 'bridge help' "$cur" ;;
		esac
		return
	fi

	# The statement: OBJECT [port] VERB NAME... KEYWORD VALUE...
	local object=${words[i]} verb table nargs
	((i++))
	case $object in
	bridge) ;;
	*) return ;;
	esac
	if ((i == cword)); then
		_vnetctl_add 'add set del show port help' "$cur"
		return
	fi
	if [[ ${words[i]} == port ]]; then
		object='bridge port'
		((i++))
		if ((i == cword)); then
			_vnetctl_add 'add set del help' "$cur"
			return
		fi
	fi
	verb=${words[i]}
	((i++))

	if [[ $object == bridge && $verb == show ]]; then
		local named= config=
		for ((; i < cword; i++)); do
			case ${words[i]} in
			--config) config=1 ;;
			*) named=1 ;;
			esac
		done
		[[ -n $config ]] || _vnetctl_add '--config' "$cur"
		[[ -n $named || $cur == -* ]] || _vnetctl_add "$(_vnetctl_bridges)" "$cur"
		return
	fi

	case $object:$verb in
	bridge:add | bridge:set) table=$_vnetctl_bridge_kw nargs=1 ;;
	bridge:del) table= nargs=1 ;;
	'bridge port:add' | 'bridge port:set') table=$_vnetctl_port_kw nargs=2 ;;
	'bridge port:del') table= nargs=2 ;;
	*) return ;;
	esac

	# The names: BRIDGE (or NAME), then PORT.
	local first=$i
	if ((cword < first + nargs)); then
		if ((cword == first)); then
			_vnetctl_add "$(_vnetctl_bridges)" "$cur"
		elif [[ $verb == add ]]; then
			_vnetctl_add "$(_vnetctl_portable)" "$cur"
		else
			# The ports of that bridge, or any interface if it has none.
			local ports
			ports=$(_vnetctl_ifaces master "${words[first]}")
			[[ -n $ports ]] || ports=$(_vnetctl_ifaces)
			_vnetctl_add "$ports" "$cur"
		fi
		return
	fi
	[[ -n $table ]] || return

	# Keyword/value pairs: find whether the cursor is on a value.
	local -A used=()
	local kw= values
	for ((i = first + nargs; i < cword; i++)); do
		w=${words[i]}
		[[ -n $w ]] && used[$w]=1
		if [[ " $_vnetctl_flag_kw " == *" $w "* ]]; then
			used[up]=1 used[down]=1
			continue
		fi
		if ((i + 1 == cword)); then
			kw=$w
			break
		fi
		((i++))
	done
	if [[ -n $kw ]]; then
		if [[ $kw == ports ]]; then
			# A comma list: complete the name after the last comma.
			local head= tail=$cur name
			if [[ $cur == *,* ]]; then
				head=${cur%,*},
				tail=${cur##*,}
			fi
			while read -r name; do
				[[ -n $name && $name == "$tail"* ]] || continue
				[[ ,$head == *,"$name",* ]] && continue
				COMPREPLY+=("$head$name")
			done < <(_vnetctl_portable)
		else
			values=$(_vnetctl_values "$kw")
			[[ -n $values ]] && _vnetctl_add "$values" "$cur"
		fi
		return
	fi
	local avail=
	for w in $table; do
		[[ -n ${used[$w]-} ]] || avail+=" $w"
	done
	_vnetctl_add "$avail" "$cur"
}

complete -F _vnetctl vnetctl

# ex: filetype=sh
