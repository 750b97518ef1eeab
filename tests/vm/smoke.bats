#!/usr/bin/env bats
# Smoke tests of the VM tier: the guest kernel really has what the host
# lacks (bonding, 802.1Q, dummy, bridge VLAN filtering, netdevsim SR-IOV).
# Run them with:  tests/vm/run -- bats --formatter tap tests/vm/smoke.bats
# On a host without these features they skip (they fail under VNETCTL_VM=1).

load ../lib/features

setup() {
    NS=vnsmoke-$BATS_TEST_NUMBER-$$
    ip netns add "$NS"
    NSIM_ID=
}

teardown() {
    if [[ -n $NSIM_ID && -e /sys/bus/netdevsim/devices/netdevsim$NSIM_ID ]]; then
        echo "$NSIM_ID" >/sys/bus/netdevsim/del_device || true
    fi
    ip netns del "$NS" 2>/dev/null || true
}

# wait_for SECONDS COMMAND... : retry COMMAND every 0.1 s until it succeeds.
wait_for() {
    local deadline=$((SECONDS + $1)); shift
    until "$@"; do
        ((SECONDS < deadline)) || return 1
        sleep 0.1
    done
}

nsip() { ip -netns "$NS" "$@"; }

active_slave() {
    ip netns exec "$NS" sed -n 's/^Currently Active Slave: //p' "/proc/net/bonding/$1"
}

active_slave_is() { [[ $(active_slave "$1") == "$2" ]]; }

# make_bond NAME SLAVE... : active-backup bond, miimon 100, over dummies.
make_bond() {
    local bond=$1 s; shift
    nsip link add "$bond" type bond mode active-backup miimon 100
    for s in "$@"; do
        nsip link add "$s" type dummy
        nsip link set "$s" master "$bond"
        nsip link set "$s" up
    done
    nsip link set "$bond" up
}

@test "bond: active-backup over two dummies fails over on carrier loss" {
    require_feature bonding dummy
    make_bond bond0 dummy1 dummy2
    wait_for 10 active_slave_is bond0 dummy1
    grep -q '^Bonding Mode: fault-tolerance (active-backup)' <(ip netns exec "$NS" cat /proc/net/bonding/bond0)
    grep -q '^MII Polling Interval (ms): 100' <(ip netns exec "$NS" cat /proc/net/bonding/bond0)

    nsip link set dummy1 carrier off
    wait_for 10 active_slave_is bond0 dummy2
    # and back to dummy1 when dummy2 goes down in turn
    nsip link set dummy1 carrier on
    nsip link set dummy2 carrier off
    wait_for 10 active_slave_is bond0 dummy1
}

@test "8021q: VLAN on a bond reports id and protocol" {
    require_feature bonding dummy 8021q
    make_bond bond0 dummy1 dummy2
    nsip link add link bond0 name bond0.100 type vlan id 100 protocol 802.1Q
    nsip link add link bond0 name bond0.200 type vlan id 200 protocol 802.1ad
    # one jq per link: process start-up is slow under TCG
    [[ $(nsip -j -d link show bond0.100 |
         jq -r '.[0] | "\(.link) \(.linkinfo.info_kind) \(.linkinfo.info_data.id) \(.linkinfo.info_data.protocol)"') \
       == "bond0 vlan 100 802.1Q" ]]
    [[ $(nsip -j -d link show bond0.200 |
         jq -r '.[0] | "\(.link) \(.linkinfo.info_kind) \(.linkinfo.info_data.id) \(.linkinfo.info_data.protocol)"') \
       == "bond0 vlan 200 802.1ad" ]]
}

@test "bridge: VLAN filtering with a per-port PVID" {
    require_feature bridge dummy vlan_filtering
    nsip link add br0 type bridge vlan_filtering 1
    nsip link add port1 type dummy
    nsip link add port2 type dummy
    nsip link set port1 master br0
    nsip link set port2 master br0
    bridge -netns "$NS" vlan add dev port1 vid 10 pvid untagged
    bridge -netns "$NS" vlan del dev port1 vid 1
    bridge -netns "$NS" vlan add dev port2 vid 20 pvid untagged
    bridge -netns "$NS" vlan add dev port2 vid 30

    [[ $(nsip -j -d link show br0 | jq -r '.[0].linkinfo.info_data.vlan_filtering') == 1 ]]
    # "PORT VID:FLAG,FLAG ..." per port, e.g. "port1 10:PVID,Egress Untagged"
    local summary
    summary=$(bridge -netns "$NS" -j vlan show |
              jq -r '.[] | select(.ifname | startswith("port"))
                     | "\(.ifname) \([.vlans[] | "\(.vlan):\((.flags // []) | join(","))"] | join(" "))"')
    echo "$summary"
    [[ $summary == "port1 10:PVID,Egress Untagged"$'\n'"port2 1:Egress Untagged 20:PVID,Egress Untagged 30:" ]]
}

@test "netdevsim: SR-IOV VFs take mac, vlan/qos, rate, spoofchk, trust" {
    require_feature netdevsim
    local id=100
    while [[ -e /sys/bus/netdevsim/devices/netdevsim$id ]]; do id=$((id + 1)); done
    NSIM_ID=$id
    local dev=/sys/bus/netdevsim/devices/netdevsim$id
    # new_device creates the port in the writer's namespace: write from $NS.
    ip netns exec "$NS" sh -c "echo '$id 1' >/sys/bus/netdevsim/new_device"
    # Its port (named ethN, there is no udev) lives in $NS, so it shows in
    # sysfs only as seen from $NS.
    local pf=
    nsim_port() { pf=$(ip netns exec "$NS" ls "$dev/net" 2>/dev/null) && [[ -n $pf ]]; }
    wait_for 10 nsim_port
    [[ $pf == eth* ]]
    nsip link show "$pf"

    echo 4 >"$dev/sriov_numvfs"
    [[ $(<"$dev/sriov_numvfs") == 4 ]]

    nsip link set "$pf" vf 0 mac 02:00:00:00:10:01
    nsip link set "$pf" vf 0 vlan 100 qos 3
    nsip link set "$pf" vf 0 max_tx_rate 1000 min_tx_rate 100
    nsip link set "$pf" vf 0 spoofchk off
    nsip link set "$pf" vf 0 trust on
    nsip link set "$pf" vf 3 mac 02:00:00:00:10:04 vlan 4094 trust off spoofchk on

    # "VF MAC VLAN QOS MAX MIN SPOOFCHK TRUST" per VF
    local vfs
    vfs=$(nsip -j -d link show "$pf" |
          jq -r '.[0].vfinfo_list[] | "\(.vf) \(.address) \(.vlan_list[0].vlan // 0) \(.vlan_list[0].qos // 0) \(.rate.max_tx) \(.rate.min_tx) \(.spoofchk) \(.trust)"')
    echo "$vfs"
    [[ $(wc -l <<<"$vfs") == 4 ]]
    [[ $(sed -n 1p <<<"$vfs") == "0 02:00:00:00:10:01 100 3 1000 100 false true" ]]
    [[ $(sed -n 4p <<<"$vfs") == "3 02:00:00:00:10:04 4094 0 0 0 true false" ]]

    # a non-zero VF count cannot be changed to another non-zero one
    if echo 2 >"$dev/sriov_numvfs"; then
        echo "changing 4 VFs to 2 should fail with EBUSY" >&2
        false
    fi
    echo 0 >"$dev/sriov_numvfs"
    [[ $(nsip -j -d link show "$pf" | jq '.[0].vfinfo_list // [] | length') == 0 ]]

    echo "$id" >/sys/bus/netdevsim/del_device
    [[ ! -e $dev ]]
    NSIM_ID=
}
