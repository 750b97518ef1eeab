# bash completion for vnetctl(8)                           -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Self-contained: needs neither the bash-completion helpers nor the vnetctl
# binary. Interface names come from ip(8), inside the namespace given with
# -n/--netns when there is one.

# Keywords of "bridge add|set" and "bridge port add|set" (lib/kinds/bridge.c).
_vnetctl_bridge_kw='stp priority forward-delay hello-time max-age ageing-time
	vlan-filtering vlan-protocol default-pvid mcast-snooping mtu address ports
	guest-ports addresses gateway gateway6 up down'
_vnetctl_port_kw='cost priority hairpin guard learning flood mcast-flood
	isolated pvid vlans untagged'
# Keywords of "bond add|set" (lib/kinds/bond.c).
_vnetctl_bond_kw='mode miimon updelay downdelay use-carrier arp-interval
	arp-ip-target arp-validate arp-all-targets primary primary-reselect
	fail-over-mac xmit-hash-policy lacp-rate ad-select min-links
	all-slaves-active num-grat-arp resend-igmp packets-per-slave lp-interval
	slaves active-slave mtu addresses gateway gateway6 up down'
# Keywords of "vlan add|set" (lib/kinds/vlan.c).
_vnetctl_vlan_kw='link id proto reorder-hdr gvrp mvrp loose-binding
	bridge-binding ingress-qos-map egress-qos-map mtu addresses gateway gateway6
	up down'
# Keywords of "vf set" (lib/kinds/vf.c); rate is max-rate under ip's older name.
_vnetctl_vf_kw='mac vlan qos proto min-rate max-rate rate spoofchk trust state
	query-rss'
# Keywords of "veth add|set" (lib/kinds/veth.c).
_vnetctl_veth_kw='peer mtu address peer-address up down peer-mtu peer-state
	addresses gateway gateway6'
# Keywords of "link set" (lib/kinds/link.c).
_vnetctl_link_kw='up down mtu address addresses gateway gateway6'
# Keywords of "sea add|set" (lib/kinds/sea.c); adapter, and the pvid and
# vlans that follow it, come once per adapter.
_vnetctl_sea_kw='backing ha-mode adapter pvid vlans default mtu addresses gateway
	gateway6'
# Keywords that stand alone (no value).
_vnetctl_flag_kw='up down'
# After the object: the same but -V/--version, which only come first (as zsh's).
_vnetctl_late_options='-n --netns -j --json -p --pretty --dry-run -q --quiet
	--confirm --detach --no-wait -h --help'
_vnetctl_options="$_vnetctl_late_options -V --version"

# Prints the words that may follow keyword $1 (empty: free-form value).
_vnetctl_values()
{
	case $1 in
	stp | vlan-filtering | mcast-snooping | hairpin | guard | learning | \
	flood | mcast-flood | isolated | use-carrier | all-slaves-active | \
	reorder-hdr | gvrp | mvrp | loose-binding | bridge-binding | \
	spoofchk | trust | query-rss)
		echo 'on off' ;;
	vlan-protocol | proto)
		echo '802.1q 802.1ad' ;;
	default-pvid | pvid | vlans | untagged | arp-ip-target | \
	ingress-qos-map | egress-qos-map | vlan)
		echo 'none' ;;
	state)
		echo 'auto enable disable' ;;
	peer-state)
		echo 'up down' ;;
	ha-mode)
		echo 'disabled auto standby' ;;
	mode)
		echo 'balance-rr active-backup balance-xor broadcast 802.3ad
			balance-tlb balance-alb' ;;
	arp-validate)
		echo 'none active backup all filter filter_active filter_backup' ;;
	arp-all-targets)
		echo 'any all' ;;
	primary-reselect)
		echo 'always better failure' ;;
	fail-over-mac)
		echo 'none active follow' ;;
	xmit-hash-policy)
		echo 'layer2 layer2+3 layer3+4 encap2+3 encap3+4 vlan+srcmac' ;;
	lacp-rate)
		echo 'slow fast' ;;
	ad-select)
		echo 'stable bandwidth count' ;;
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

_vnetctl_bonds()
{
	local b
	if [[ -z $_vnetctl_ns ]] && ! type ip >/dev/null 2>&1; then
		[[ -r /sys/class/net/bonding_masters ]] &&
			for b in $(</sys/class/net/bonding_masters); do
				printf '%s\n' "$b"
			done
		return
	fi
	_vnetctl_ifaces type bond
}

_vnetctl_vlans()
{
	local name _
	if [[ -z $_vnetctl_ns ]] && ! type ip >/dev/null 2>&1; then
		# "NAME | VID | LOWER" after two header lines.
		[[ -r /proc/net/vlan/config ]] &&
			tail -n +3 /proc/net/vlan/config | while read -r name _; do
				printf '%s\n' "$name"
			done
		return
	fi
	_vnetctl_ifaces type vlan
}

_vnetctl_veths()
{
	_vnetctl_ifaces type veth
}

# The peer of veth $1 ("NAME@PEER:" in "ip -o link show"), unless it is in
# another namespace (ip then shows "@ifN" and a link-netns).
_vnetctl_veth_peer()
{
	local name rest
	[[ -n $1 ]] || return
	_vnetctl_ip -o link show dev "$1" type veth | while read -r _ name rest; do
		[[ $name == *@* && " $rest " != *" link-netns"* ]] || continue
		name=${name%:}
		printf '%s\n' "${name#*@}"
	done
}

# Interfaces with a device behind them, the possible PFs of "vf". In the
# caller's namespace those with a "device" link in sysfs; in another one (or
# without sysfs) those that "ip -d" shows with a parentbus.
_vnetctl_pfs()
{
	local name rest
	if [[ -z $_vnetctl_ns && -d /sys/class/net ]]; then
		for name in /sys/class/net/*/device; do
			[[ -e $name ]] || continue
			name=${name%/device}
			printf '%s\n' "${name##*/}"
		done
		return
	fi
	_vnetctl_ip -d -o link show | while read -r _ name rest; do
		[[ " $rest " == *" parentbus "* ]] || continue
		name=${name%:}
		printf '%s\n' "${name%%@*}"
	done
}

# The VF indices of PF $1: the "vf N ..." lines of "ip -d link show", or,
# when ip lists none in the caller's namespace, sriov_numvfs of its device.
_vnetctl_vfs()
{
	local a b out n i
	out=$(_vnetctl_ip -d link show dev "$1" | while read -r a b _; do
		[[ $a == vf && $b =~ ^[0-9]+$ ]] && printf '%s\n' "$b"
	done)
	if [[ -z $out && -z $_vnetctl_ns && -n $1 && $1 != */* && $1 != . && $1 != .. &&
		-r /sys/class/net/$1/device/sriov_numvfs ]]; then
		n=$(</sys/class/net/"$1"/device/sriov_numvfs)
		if [[ $n =~ ^[0-9]+$ ]]; then
			for ((i = 0; i < n; i++)); do
				out+=$i$'\n'
			done
		fi
	fi
	printf '%s' "$out"
}

# Completes the VF argument of "vf set": all, an index, or the end of a
# range A-B once "A-" is typed. $1: the PF, $2: the current word.
_vnetctl_add_vfspec()
{
	local vfs v
	vfs=$(_vnetctl_vfs "$1")
	if [[ $2 =~ ^([0-9]+)-[0-9]*$ ]]; then
		local lo=${BASH_REMATCH[1]}
		for v in $vfs; do
			((10#$v >= 10#$lo)) && [[ $lo-$v == "$2"* ]] && COMPREPLY+=("$lo-$v")
		done
		return
	fi
	_vnetctl_add "all $vfs" "$2"
}

# The SEAs: bridges whose alias carries vnetctl's mark "vnetctl-sea:NAME".
_vnetctl_seas()
{
	local line name
	_vnetctl_ip -o link show type bridge | while read -r line; do
		[[ $line == *"alias vnetctl-sea:"* ]] || continue
		name=${line#*: }
		name=${name%%:*}
		printf '%s\n' "${name%%@*}"
	done
}

# The words after "sea add|set NAME" (from index $1 of words): backing,
# ha-mode, default and mtu once each; "adapter IF pvid N [vlans LIST]" once
# per adapter, pvid and vlans only right after their adapter.
_vnetctl_sea_args()
{
	local i w kw= group= adapters= avail= values
	local -A used=() gused=()
	for ((i = $1; i < cword; i += 2)); do
		w=${words[i]}
		if ((i + 1 == cword)); then
			kw=$w
			break
		fi
		case $w in
		adapter)
			group=1
			gused=()
			adapters+=" ${words[i + 1]}"
			;;
		pvid | vlans) gused[$w]=1 ;;
		*)
			group=
			used[$w]=1
			;;
		esac
	done
	if [[ -n $kw ]]; then
		case $kw in
		backing)
			_vnetctl_add_list "$cur" "$(_vnetctl_portable)" ;;
		adapter)
			_vnetctl_add "$(_vnetctl_portable)" "$cur" ;;
		default)
			_vnetctl_add "$adapters none" "$cur" ;;
		*)
			values=$(_vnetctl_values "$kw")
			[[ -n $values ]] && _vnetctl_add "$values" "$cur"
			;;
		esac
		return
	fi
	for w in backing ha-mode default mtu addresses gateway gateway6; do
		[[ -n ${used[$w]-} ]] || avail+=" $w"
	done
	avail+=" adapter"
	if [[ -n $group ]]; then
		for w in pvid vlans; do
			[[ -n ${gused[$w]-} ]] || avail+=" $w"
		done
	fi
	_vnetctl_add "$avail" "$cur"
}

# Any interface but the loopback and $1 (the bond or VLAN being completed):
# slaves, a primary or active slave, the lower device of a VLAN.
_vnetctl_others()
{
	local name
	while read -r name; do
		[[ -n $name && $name != lo && $name != "${1-}" ]] &&
			printf '%s\n' "$name"
	done < <(_vnetctl_ifaces)
}

# Completes the comma list $1 (the current word) from the names in $2: the
# name after the last comma, without the names already in the list.
_vnetctl_add_list()
{
	local head= tail=$1 name
	if [[ $1 == *,* ]]; then
		head=${1%,*},
		tail=${1##*,}
	fi
	while read -r name; do
		[[ -n $name && $name == "$tail"* ]] || continue
		[[ ,$head == *,"$name",* ]] && continue
		COMPREPLY+=("$head$name")
	done <<<"$2"
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

# The operators' views: diagnose [OBJECT [NAME]] [--config FILE|DIR], monitor [OBJECT...].
# $1: the current word, $2: the command, then the words between them.
_vnetctl_viewcmd()
{
	local cur=$1 cmd=$2 w conf=
	local -a pos=()
	shift 2
	if [[ $cmd == diagnose ]]; then
		# --config takes a path; the other words are OBJECT and NAME.
		if (($#)) && [[ ${!#} == --config ]]; then
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			compopt -o filenames 2>/dev/null
			return
		fi
		while (($#)); do
			w=$1
			shift
			[[ $w == --config ]] && { conf=1; shift; continue; }
			pos+=("$w")
		done
		[[ $cur == -* ]] && { [[ -n $conf ]] || _vnetctl_add '--config' "$cur"; return; }
		set -- "${pos[@]}"
	fi
	case $cmd:$# in
	diagnose:0) _vnetctl_add 'bridge bond vlan vf veth sea' "$cur" ;;
	diagnose:1)
		case $1 in
		bridge) _vnetctl_add "$(_vnetctl_bridges)" "$cur" ;;
		bond) _vnetctl_add "$(_vnetctl_bonds)" "$cur" ;;
		vlan) _vnetctl_add "$(_vnetctl_vlans)" "$cur" ;;
		veth) _vnetctl_add "$(_vnetctl_veths)" "$cur" ;;
		sea) _vnetctl_add "$(_vnetctl_seas)" "$cur" ;;
		vf) _vnetctl_add "$(_vnetctl_pfs)" "$cur" ;;
		esac
		;;
	monitor:*)
		_vnetctl_add "bridge bond vlan vf veth sea link $(_vnetctl_ifaces)" "$cur" ;;
	esac
}

# The commands on files of statements and on the whole host:
#   apply [FILE|DIR|-] [--dry-run] [--prune] [--confirm SECONDS [--detach]] [--no-wait]
#         [--boot [--boot-wait SECONDS]]
#   check [FILE|DIR|-]    confirm    rollback    show [--config | --dot]
#   hotplug IFNAME [FILE|DIR]
# $1: the current word, $2: the command, then the words between them.
_vnetctl_filecmd()
{
	local cur=$1 cmd=$2 file= opts=
	shift 2
	case $cmd in
	show)
		[[ " $* " == *' --config '* || " $* " == *' --dot '* ]] || _vnetctl_add '--config --dot' "$cur"
		return
		;;
	apply) opts='--dry-run --prune --confirm --detach --no-wait --boot --boot-wait' ;;
	check) ;;
	hotplug)
		# IFNAME: the interfaces there (the one that just appeared, or one
		# to try), then a FILE or DIR (no standard input).
		if (($# == 0)); then
			[[ $cur != -* ]] && _vnetctl_add "$(_vnetctl_ifaces)" "$cur"
		elif (($# == 1)) && [[ $cur != -* ]]; then
			mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
			compopt -o filenames 2>/dev/null
		fi
		return
		;;
	*) return ;;
	esac
	while (($#)); do
		case $1 in
		--confirm | --boot-wait)
			# The cursor is on SECONDS: no list to offer.
			(($# == 1)) && return
			opts=${opts/"$1"/}
			shift
			;;
		--dry-run | --prune | --no-wait | --detach | --boot) opts=${opts/"$1"/} ;;
		- | [!-]*) file=1 ;;
		esac
		shift
	done
	[[ $cur == -* || -n $file ]] && _vnetctl_add "$opts" "$cur"
	[[ -n $file ]] && return
	# FILE, or - for standard input.
	[[ $cur == '' || $cur == - ]] && COMPREPLY+=(-)
	if [[ $cur != -* ]]; then
		mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
		compopt -o filenames 2>/dev/null
	fi
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
		elif [[ $w == --confirm ]]; then
			# The cursor is on SECONDS: no list to offer.
			((i + 1 == cword)) && return
			((i++))
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
	# The commands on files and on the whole host share the object's place.
	if ((i >= cword)) && [[ $cur != -* ]]; then
		_vnetctl_add 'apply check hotplug confirm rollback show export diagnose monitor' "$cur"
	fi
	if ((i >= cword)); then
		# The cursor is on an option or on the object.
		case $cur in
		--netns=*)
			# readline's word starts after the "=".
			_vnetctl_add "$(_vnetctl_netns)" "${cur#--netns=}"
			;;
		-*) _vnetctl_add "$_vnetctl_options" "$cur" ;;
		*) _vnetctl_add 'bridge bond vlan vf veth sea link help' "$cur" ;;
		esac
		return
	fi

	case ${words[i]} in
	diagnose | monitor)
		_vnetctl_viewcmd "$cur" "${words[@]:i:cword-i}"
		return
		;;
	export) return ;; # show --config: no more words
	apply | check | hotplug | confirm | rollback | show)
		_vnetctl_filecmd "$cur" "${words[@]:i:cword-i}"
		return
		;;
	esac

	# Options may follow the object too (vnetctl bridge show -j).
	if [[ $cur == -* ]]; then
		_vnetctl_add "$_vnetctl_late_options" "$cur"
		return
	fi
	# The statement: OBJECT [port|slave] VERB NAME... KEYWORD VALUE...
	local object=${words[i]} verb table nargs sub=
	((i++))
	case $object in
	bridge) sub=port ;;
	bond) sub=slave ;;
	vlan | vf | veth | sea | link) ;;
	*) return ;;
	esac
	if ((i == cword)); then
		if [[ $object == vf ]]; then
			_vnetctl_add 'count set show export help' "$cur"
		elif [[ $object == link ]]; then
			_vnetctl_add 'set show export help' "$cur"
		else
			_vnetctl_add "add set del show export $sub help" "$cur"
		fi
		return
	fi
	if [[ -n $sub && ${words[i]} == "$sub" ]]; then
		object="$object $sub"
		((i++))
		if ((i == cword)); then
			if [[ $sub == port ]]; then
				_vnetctl_add 'add set del help' "$cur"
			else
				_vnetctl_add 'add del help' "$cur"
			fi
			return
		fi
	fi
	verb=${words[i]}
	((i++))

	# Existing objects of the kind: the NAME of add, set, del and show.
	local names=_vnetctl_bridges
	case $object in
	bond*) names=_vnetctl_bonds ;;
	vlan) names=_vnetctl_vlans ;;
	vf) names=_vnetctl_pfs ;;
	veth) names=_vnetctl_veths ;;
	sea) names=_vnetctl_seas ;;
	link) names=_vnetctl_ifaces ;;
	esac

	if [[ $object != *' '* && ($verb == show || $verb == export) ]]; then
		local named= config=
		[[ $verb == export ]] && config=1 # export is show --config
		for ((; i < cword; i++)); do
			case ${words[i]} in
			--config) config=1 ;;
			*) named=1 ;;
			esac
		done
		[[ -n $config ]] || _vnetctl_add '--config' "$cur"
		[[ -n $named || $cur == -* ]] || _vnetctl_add "$($names)" "$cur"
		return
	fi

	case $object:$verb in
	bridge:add | bridge:set) table=$_vnetctl_bridge_kw nargs=1 ;;
	bridge:del) table= nargs=1 ;;
	'bridge port:add' | 'bridge port:set') table=$_vnetctl_port_kw nargs=2 ;;
	'bridge port:del') table= nargs=2 ;;
	bond:add | bond:set) table=$_vnetctl_bond_kw nargs=1 ;;
	bond:del) table= nargs=1 ;;
	'bond slave:add' | 'bond slave:del') table= nargs=2 ;;
	vlan:add | vlan:set) table=$_vnetctl_vlan_kw nargs=1 ;;
	vlan:del) table= nargs=1 ;;
	veth:add | veth:set) table=$_vnetctl_veth_kw nargs=1 ;;
	veth:del) table= nargs=1 ;;
	vf:set) table=$_vnetctl_vf_kw nargs=2 ;;
	vf:count) table= nargs=2 ;;
	sea:add | sea:set) table=$_vnetctl_sea_kw nargs=1 ;;
	sea:del) table= nargs=1 ;;
	link:set) table=$_vnetctl_link_kw nargs=1 ;;
	*) return ;;
	esac

	# The names: BRIDGE, BOND (or NAME), then PORT or IF.
	local first=$i
	if ((cword < first + nargs)); then
		if ((cword == first)); then
			_vnetctl_add "$($names)" "$cur"
		elif [[ $object == vf ]]; then
			# The VFs of "vf set"; the count N has no list to offer.
			[[ $verb == set ]] && _vnetctl_add_vfspec "${words[first]}" "$cur"
		elif [[ $object == 'bond slave' && $verb == add ]]; then
			_vnetctl_add "$(_vnetctl_others "${words[first]}")" "$cur"
		elif [[ $verb == add ]]; then
			_vnetctl_add "$(_vnetctl_portable)" "$cur"
		else
			# The ports (slaves) of that master, or any interface if it
			# has none.
			local ports
			ports=$(_vnetctl_ifaces master "${words[first]}")
			[[ -n $ports ]] || ports=$(_vnetctl_ifaces)
			_vnetctl_add "$ports" "$cur"
		fi
		return
	fi
	[[ -n $table ]] || return
	if [[ $object == sea ]]; then
		_vnetctl_sea_args $((first + nargs))
		return
	fi

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
		# $name: the bond or VLAN itself, which is no slave or link of its own.
		local name=${words[first]}
		case $object:$kw in
		# Comma lists: complete the name after the last comma.
		bridge:ports)
			_vnetctl_add_list "$cur" "$(_vnetctl_portable)"
			[[ $cur == *,* ]] || _vnetctl_add 'none' "$cur"
			;;
		bridge:guest-ports)
			_vnetctl_add 'vif* vnet* tap* none' "$cur" ;;
		bond:slaves)
			_vnetctl_add_list "$cur" "$(_vnetctl_others "$name")"
			[[ $cur == *,* ]] || _vnetctl_add 'none' "$cur"
			;;
		bond:primary)
			_vnetctl_add "$(_vnetctl_others "$name") none" "$cur" ;;
		bond:active-slave | vlan:link)
			_vnetctl_add "$(_vnetctl_others "$name")" "$cur" ;;
		veth:peer)
			# $name: the veth; its peer is fixed, and a new one is a new name.
			_vnetctl_add "$(_vnetctl_veth_peer "$name")" "$cur" ;;
		*)
			values=$(_vnetctl_values "$kw")
			[[ -n $values ]] && _vnetctl_add "$values" "$cur"
			;;
		esac
		return
	fi
	# rate and max-rate are one setting: offer neither once one is given.
	if [[ -n ${used[rate]-} || -n ${used[max-rate]-} ]]; then
		used[rate]=1 used[max-rate]=1
	fi
	local avail=
	for w in $table; do
		[[ -n ${used[$w]-} ]] || avail+=" $w"
	done
	_vnetctl_add "$avail" "$cur"
}

complete -F _vnetctl vnetctl

# ex: filetype=sh
