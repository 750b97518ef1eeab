# tests/lib/features.bash - kernel feature checks for bats tests.
#
#   load ../../lib/features        # (path relative to the test file)
#   require_feature bonding 8021q  # in a test or setup(), after $NS exists
#   if kernel_has vlan_filtering; then ...; fi   # plain predicate, no skip
#
# Features: bonding, 8021q, dummy, veth, bridge, vlan_filtering, netdevsim.
# Each probe really uses the feature (creates a throwaway link and deletes
# it) inside the test's network namespace "$NS" when that is set and exists,
# otherwise inside a temporary namespace; the host's init namespace is never
# touched.  Results are cached per bats run in $BATS_RUN_TMPDIR.
#
# A missing feature skips the test ("kernel lacks NAME") -- except when
# VNETCTL_VM=1 (set by tests/vm/run): in the VM no test may skip, so the test
# fails instead.

# Probe one feature in namespace $1; status 0 = present.
_vnetctl_probe_feature() {
    local ns=$1 feature=$2 rc=1
    local -a ip=(ip -netns "$ns")
    case $feature in
        bonding)
            "${ip[@]}" link add vnfp-bond type bond mode active-backup 2>/dev/null && rc=0
            "${ip[@]}" link del vnfp-bond 2>/dev/null ;;
        dummy)
            "${ip[@]}" link add vnfp-dummy type dummy 2>/dev/null && rc=0
            "${ip[@]}" link del vnfp-dummy 2>/dev/null ;;
        veth)
            "${ip[@]}" link add vnfp-veth0 type veth peer name vnfp-veth1 2>/dev/null && rc=0
            "${ip[@]}" link del vnfp-veth0 2>/dev/null ;;
        bridge)
            "${ip[@]}" link add vnfp-br type bridge 2>/dev/null && rc=0
            "${ip[@]}" link del vnfp-br 2>/dev/null ;;
        8021q)
            # A VLAN needs an Ethernet parent: take whichever kind exists.
            if "${ip[@]}" link add vnfp-parent type dummy 2>/dev/null ||
               "${ip[@]}" link add vnfp-parent type veth peer name vnfp-peer 2>/dev/null ||
               "${ip[@]}" link add vnfp-parent type bridge 2>/dev/null; then
                "${ip[@]}" link add link vnfp-parent name vnfp-vlan type vlan id 2 2>/dev/null && rc=0
                "${ip[@]}" link del vnfp-parent 2>/dev/null   # takes the VLAN along
            fi ;;
        vlan_filtering)
            # Without CONFIG_BRIDGE_VLAN_FILTERING the kernel refuses this.
            if "${ip[@]}" link add vnfp-br type bridge 2>/dev/null; then
                if "${ip[@]}" link set vnfp-br type bridge vlan_filtering 1 2>/dev/null &&
                   [[ $("${ip[@]}" -d link show vnfp-br 2>/dev/null) == *"vlan_filtering 1"* ]]; then
                    rc=0
                fi
                "${ip[@]}" link del vnfp-br 2>/dev/null
            fi ;;
        netdevsim)
            # The bus is global (not per namespace); new_device creates ports
            # in the writer's namespace.  SR-IOV is part of every netdevsim.
            [[ -d /sys/bus/netdevsim && -w /sys/bus/netdevsim/new_device ]] && rc=0 ;;
        *)
            echo "require_feature: unknown feature '$feature'" >&2
            return 2 ;;
    esac
    return "$rc"
}

# Print "yes" or "no" for each feature given, probing (and caching) as needed.
_vnetctl_feature_states() {
    local cache=${BATS_RUN_TMPDIR:+$BATS_RUN_TMPDIR/vnetctl-features}
    local -A known=()
    local name state f
    if [[ -n $cache && -r $cache ]]; then
        while read -r name state; do known[$name]=$state; done <"$cache"
    fi
    local ns='' tmpns=''
    for f in "$@"; do
        if [[ -z ${known[$f]:-} ]]; then
            if [[ -z $ns ]]; then
                if [[ -n ${NS:-} && -e /run/netns/$NS ]]; then
                    ns=$NS
                else
                    tmpns=vnfp-$$-$RANDOM
                    ip netns add "$tmpns" 2>/dev/null || {
                        echo "require_feature: cannot create a network namespace to probe in" >&2
                        return 2
                    }
                    ns=$tmpns
                fi
            fi
            local rc=0
            _vnetctl_probe_feature "$ns" "$f" || rc=$?
            if ((rc == 2)); then
                [[ -n $tmpns ]] && ip netns del "$tmpns" 2>/dev/null
                return 2
            fi
            if ((rc == 0)); then known[$f]=yes; else known[$f]=no; fi
            [[ -n $cache ]] && echo "$f ${known[$f]}" >>"$cache"
        fi
        echo "$f ${known[$f]}"
    done
    [[ -n $tmpns ]] && ip netns del "$tmpns" 2>/dev/null
    return 0
}

# kernel_has NAME... : status 0 if the running kernel has all the features,
# 1 if not (2 on a usage error).  Never skips nor fails by itself.
kernel_has() {
    (($#)) || { echo "kernel_has: no feature given" >&2; return 2; }
    local out name state
    out=$(_vnetctl_feature_states "$@") || return 2
    while read -r name state; do
        [[ $state == yes ]] || return 1
    done <<<"$out"
    return 0
}

# require_feature NAME... : skip (or, with VNETCTL_VM=1, fail) the current
# test unless the running kernel has all the features.
require_feature() {
    (($#)) || { echo "require_feature: no feature given" >&2; return 2; }
    local out name state
    local -a missing=()
    out=$(_vnetctl_feature_states "$@") || return 2
    while read -r name state; do
        [[ $state == yes ]] || missing+=("$name")
    done <<<"$out"
    ((${#missing[@]} == 0)) && return 0
    if [[ ${VNETCTL_VM:-} == 1 ]]; then
        echo "kernel lacks ${missing[*]}: VNETCTL_VM=1, in the VM no test may skip" >&2
        return 1
    fi
    skip "kernel lacks ${missing[*]}"
}
