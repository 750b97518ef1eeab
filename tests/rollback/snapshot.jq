# tests/rollback/snapshot.jq: the snapshots of tests/rollback/run and their
# comparison, in one jq process that lives as long as the run (a jq start
# costs up to a second in the VM tier):
#
#   jq -nr --unbuffered -f snapshot.jq
#
# reads, for each snapshot, seven JSON values: the word "before" or
# "after"; the three arrays of one `ip -s -s -d -j -batch` of `link show`,
# `addr show` and `route show table all` (-s -s for the links' count of
# carrier changes, see below); `bridge -j vlan show`; an object of each
# bond's /proc/net/bonding text as read inside the namespace; and an object
# of each link's addr_assign_type (/sys/class/net/NAME/addr_assign_type
# inside the namespace: 0 permanent, 1 random, 2 stolen, 3 set; in no
# netlink dump). It answers
# with lines ending with a line ".":
#   "before": "settled", or "unsettled: " and what is still moving, or
#             "maybe: " and what may be (see below);
#   "after":  the same, then "identical" (the state is the last "before"'s)
#             or the differences, one a line (see report below).
#
# A snapshot is the namespace's state as facts, one a line, "OBJECT | KEY =
# VALUE": each field of each link (nested fields as paths), each address,
# route and bridge VLAN entry, and each line of /proc/net/bonding. Left
# out, each because it is not configuration and moves by itself:
#   - STP timers of a bridge (hello_timer, tcn_timer, topology_change_timer,
#     gc_timer) and of its ports (hold_timer, message_age_timer,
#     forward_delay_timer): they count down;
#   - the statistics (stats64, a VF's stats) and a bond slave's
#     link_failure_count (also the "Link Failure Count" line of
#     /proc/net/bonding): counts of events;
#   - the qdisc: the kernel attaches the default one the first time a link
#     goes up (dev_activate) and keeps it when the link goes down, so an
#     "up" undone leaves noqueue where noop was. No tool can give noop back,
#     and vnetctl does not manage qdiscs;
#   - the IPv6 routes that addrconf adds for a link the first time it has
#     carrier (ff00::/8 in table local, fe80::/64; protocol kernel) and
#     keeps, marked linkdown, when the carrier goes: a veth end whose peer
#     went up and down again has them where it had none. They go when the
#     link goes down, and nobody configures them;
#   - where the MAC of a link other than a bridge or a bond came from
#     (addr_assign_type): the kernel cannot make a link again with a given
#     MAC and call it random, so a veth made again with its old MAC is
#     "set" where it was "random" (issue 17 accepts it), and for those
#     kinds nothing depends on it. A bridge's or a bond's is compared: one
#     whose MAC is not set follows its ports' (a bond, its first slave's),
#     one set to the same value does not.
# Everything else is compared: flags (NO-CARRIER and LOWER_UP too, once
# settled), operstate, indexes, MACs, MTUs, groups, masters, every
# info_data and info_slave_data field, VF tables, addresses, routes, bridge
# VLANs, the rest of /proc/net/bonding, and where a bridge's or a bond's
# MAC came from.
#
# Some states follow on their own, a little after the change that causes
# them; a snapshot taken in between would differ from one taken a moment
# later. The first answer line says whether any is still on its way:
#   - operstate and the NO-CARRIER flag, which the kernel's linkwatch work
#     derives from the carrier (LOWER_UP, set at once) up to a second later
#     (net/core/link_watch.c: a non-urgent event waits until a second after
#     the previous run). A link with carrier whose operstate is UNKNOWN (the
#     value a link starts with; linkwatch never sets it) may stay so (a
#     bridge without ports, say) or be on its way to UP: surely so when its
#     count of carrier changes is not 0, and not knowably so otherwise (on
#     6.1 a VLAN interface made again goes from UNKNOWN to UP with a count
#     of 0). The answer then begins "maybe: ", and tests/rollback/run takes
#     it as settled once linkwatch's second has passed since its last
#     change; but in an "after" snapshot, a link that was UP before is
#     waited for as moving (bounded): a loaded machine's linkwatch has
#     lagged past that second;
#   - a bridge port's STP state: with STP on, listening and learning last
#     forward-delay each (with STP off a port forwards at once,
#     br_make_forwarding);
#   - a bond slave's MII status, polled every miimon ms, and with it the
#     active slave of an active-backup bond;
#   - an IPv6 address's duplicate address detection ("tentative").
# tests/rollback/run asks again (with a bound) until the answer is settled.

def has_flag($f): (.flags // []) | index($f) != null;

# Links whose operstate may still go from UNKNOWN to UP (see above), by name.
def maybe_moving($links):
  [$links[] | select(has_flag("UP") and has_flag("LOWER_UP") and (has_flag("NO-CARRIER") | not)
      and .operstate == "UNKNOWN" and (.stats64.tx.carrier_changes // 0) == 0)
    | .ifname];

# A value as "path = json" strings. Arrays of scalars stay one value;
# arrays of objects are indexed; an empty object or array is a value.
def flat($p):
  if type == "object" and length > 0 then
    to_entries[] as $e | $e.value | flat(if $p == "" then $e.key else "\($p).\($e.key)" end)
  elif type == "array" and length > 0 and any(.[]; type == "object" or type == "array") then
    to_entries[] as $e | $e.value | flat("\($p)[\($e.key)]")
  else "\($p) = \(tojson)" end;

# What is still moving, as sentences.
def moving($links; $addrs; $routes; $bonding):
  ($links | map({key: .ifname, value: .}) | from_entries) as $by_name
  | [
      # RUNNING (shown as the absence of NO-CARRIER) follows operstate.
      ($links[] | (.operstate | IN("UP", "UNKNOWN")) as $running
        | if has_flag("UP") | not then
            (if .operstate != "DOWN" then "\(.ifname): down, operstate \(.operstate)" else empty end)
          elif has_flag("LOWER_UP") then
            (if ($running | not) or has_flag("NO-CARRIER")
                or (.operstate == "UNKNOWN" and (.stats64.tx.carrier_changes // 0) > 0)
             then "\(.ifname): carrier on, operstate \(.operstate)" else empty end)
          else
            (if $running or (has_flag("NO-CARRIER") | not) then "\(.ifname): carrier off, operstate \(.operstate)" else empty end)
          end),
      ($links[] | select(.linkinfo.info_slave_kind == "bridge")
        | select(.linkinfo.info_slave_data.state | IN("listening", "learning"))
        | "\(.ifname): STP \(.linkinfo.info_slave_data.state)"),
      ($addrs[] | .ifname as $n | (.addr_info // [])[] | select(.tentative)
        | "\($n): \(.local) tentative"),
      # An IPv6 address's local route comes when its DAD is done, after
      # the address stops being tentative (addrconf_dad_completed).
      ($addrs[] | .ifname as $n | (.addr_info // [])[]
        | select(.family == "inet6" and .scope == "global" and (.tentative | not) and (.dadfailed | not))
        | .local as $a
        | select(any($routes[]; .type == "local" and .dst == $a and .dev == $n) | not)
        | "\($n): \($a) without its local route"),
      ($bonding | to_entries[] | .key as $bond | .value | split("\n") as $lines
        | ([$lines[] | capture("^Slave Interface: (?<s>.*)$").s]) as $slaves
        | ([$lines[] | capture("^MII Status: (?<m>.*)$").m]) as $mii
        # The first MII Status is the bond's own.
        | (range(0; $slaves | length) as $i
            | ($by_name[$slaves[$i]] | if . and has_flag("LOWER_UP") then "up" else "down" end) as $want
            | select($mii[$i + 1] != $want)
            | "\($bond): slave \($slaves[$i]) MII \($mii[$i + 1]), carrier \($want)"),
          (select(any($lines[]; test("^Bonding Mode: fault-tolerance")))
            | select(any($lines[]; . == "Currently Active Slave: None"))
            | select($mii[1:] | index("up") != null)
            | "\($bond): a slave is up, none active"))
    ];

# addr_assign_type as a fact of each bridge and bond (see above).
def assign_facts($links; $assign):
  ($links | map({key: .ifname, value: (.linkinfo.info_kind // "")}) | from_entries) as $kind
  | $assign | to_entries[] | select($kind[.key] | IN("bridge", "bond"))
  | "link \(.key) | addr_assign_type = \(.value | tojson)";

# The facts, sorted.
def facts($links; $addrs; $routes; $vlans; $bonding; $assign):
  [
    assign_facts($links; $assign),
    ($links[] | .ifname as $n
      | del(.ifname, .qdisc, .stats, .stats64, .vfinfo_list[]?.stats,
            .linkinfo.info_data.hello_timer, .linkinfo.info_data.tcn_timer,
            .linkinfo.info_data.topology_change_timer, .linkinfo.info_data.gc_timer,
            .linkinfo.info_slave_data.hold_timer, .linkinfo.info_slave_data.message_age_timer,
            .linkinfo.info_slave_data.forward_delay_timer,
            .linkinfo.info_slave_data.link_failure_count)
      | "link \($n) | \(flat(""))"),
    # An address a line with its place (the primary comes first).
    ($addrs[] | .ifname as $n | (.addr_info // []) | to_entries[]
      | "addr \($n) | \(.value.local)/\(.value.prefixlen) = #\(.key) \(.value | del(.local, .prefixlen) | tojson)"),
    ($routes[] | select(.protocol == "kernel" and (.dst | IN("ff00::/8", "fe80::/64")) | not)
      | "route | \(.type // "unicast") \(.dst)\(if .gateway then " via \(.gateway)" else "" end) dev \(.dev // "-") table \(.table // "main") metric \(.metric // 0) = \(del(.type, .dst, .gateway, .dev, .table, .metric) | tojson)"),
    ($vlans[] | .ifname as $n | (.vlans // [])[]
      | "bridge vlan \($n) | \(.vlan)\(if .vlanEnd then "-\(.vlanEnd)" else "" end) = \(.flags // [] | tojson)"),
    # /proc/net/bonding: "Key: value" lines, a slave's under its name; the
    # order of the slaves is a fact of its own.
    ($bonding | to_entries[] | .key as $bond
      | [foreach (.value | split("\n")[]) as $l (null;
          if $l | startswith("Slave Interface: ") then $l | ltrimstr("Slave Interface: ") else . end;
          [., $l])] as $pairs
      | "bonding \($bond) | slaves = \([$pairs[] | select(.[1] | startswith("Slave Interface: ")) | .[0]] | tojson)",
        ($pairs[] | select((.[1] | length) > 0 and (.[1] | startswith("Link Failure Count:") | not))
          | (.[1] | index(": ")) as $c
          | "bonding \($bond) | \(if .[0] then "slave \(.[0]) " else "" end)\(if $c then "\(.[1][:$c]) = \(.[1][$c + 2:])" else "\(.[1]) =" end)"))
  ] | sort;

# ---- the differences ----
# A fact as {o, k, v}; a key twice in one object becomes "KEY #2".
def parsed:
  reduce (.[] | (index(" | ")) as $i | .[$i + 3:] as $r | ($r | index(" = ")) as $j
          | {o: .[:$i], k: (if $j then $r[:$j] else $r end), v: (if $j then $r[$j + 3:] else "" end)}) as $f
    ({seen: {}, out: []};
      "\($f.o) | \($f.k)" as $id
      | .seen[$id] += 1
      | .seen[$id] as $n
      | .out += [$f | if $n > 1 then .k += " #\($n)" else . end])
  | .out;

# The link a fact belongs to: the facts of "link X", "addr X", "bridge vlan
# X", and the routes "... dev X ...".
def owner:
  if .o | test("^(link|addr) ") then .o | sub("^[a-z]+ "; "")
  elif .o | startswith("bridge vlan ") then .o[12:]
  elif .o == "route" then (.k | capture(" dev (?<d>[^ ]+) ").d) // ""
  else "" end;

# An address or a route is named by its key: its other fields add nothing
# when it is gone or new.
def quiet: .o == "route" or (.o | startswith("addr "));

# The differences, one a line:
#   - link X (gone: KIND; addresses A,B; N routes)  a link only before: its
#                                 own facts, addresses and routes not listed
#   + link X (new: KIND; ...)     a link only after
#   ~ OBJECT | KEY: OLD -> NEW    a fact of both, changed
#   - OBJECT | KEY = OLD          a fact only before (an address or a route:
#   + OBJECT | KEY = NEW          its key alone), a fact only after
def report($before; $after):
  ($before | parsed) as $b | ($after | parsed) as $a
  | ($b | map({key: "\(.o) | \(.k)", value: .v}) | from_entries) as $B
  | ($a | map({key: "\(.o) | \(.k)", value: .v}) | from_entries) as $A
  | ([$b[] | select(.o | startswith("link ")) | .o[5:]] | unique) as $bl
  | ([$a[] | select(.o | startswith("link ")) | .o[5:]] | unique) as $al
  | ($bl - $al) as $gone | ($al - $bl) as $new
  | def summary($facts; $links; $sign; $word):
      $links[] as $x
      | [$facts[] | select(owner == $x)] as $own
      | ([$own[] | select(.o == "link \($x)" and .k == "linkinfo.info_kind") | .v | fromjson][0] // "?") as $kind
      | ([$own[] | select(.o == "addr \($x)") | .k] | join(",")) as $addrs
      | ([$own[] | select(.o == "route")] | length) as $routes
      | "\($sign) link \($x) (\($word): \($kind)\(if $addrs != "" then "; addresses \($addrs)" else "" end)\(if $routes > 0 then "; \($routes) route\(if $routes > 1 then "s" else "" end)" else "" end))";
    summary($b; $gone; "-"; "gone"),
    summary($a; $new; "+"; "new"),
    ($b[] | select(owner as $x | $gone | index([$x]) | not)
      | "\(.o) | \(.k)" as $id
      | if $A | has($id) | not then "- \(.o) | \(.k)\(if .v != "" and (quiet | not) then " = \(.v)" else "" end)"
        elif $A[$id] != .v then "~ \(.o) | \(.k): \(.v) -> \($A[$id])"
        else empty end),
    ($a[] | select(owner as $x | $new | index([$x]) | not)
      | "\(.o) | \(.k)" as $id
      | select($B | has($id) | not)
      | "+ \(.o) | \(.k)\(if .v != "" and (quiet | not) then " = \(.v)" else "" end)");

# ---- the conversation ----
foreach inputs as $v ({buf: [], before: null, out: null};
  .out = null
  | .buf += [$v]
  | if (.buf | length) < 7 then .
    else .buf as [$cmd, $links, $addrs, $routes, $vlans, $bonding, $assign]
      | moving($links; $addrs; $routes; $bonding) as $m
      | facts($links; $addrs; $routes; $vlans; $bonding; $assign) as $f
      | .buf = []
      # After: such a link that was UP before is on its way there (a loaded
      # machine's linkwatch may lag for seconds): waited for, as moving.
      | .before as $was
      | maybe_moving($links) as $mn
      | [$mn[] | select($cmd == "after" and $was != null
            and any($was[]; . == "link \(.) | operstate = \"UP\""))] as $up
      | ($m + [$up[] | "\(.): operstate UNKNOWN with carrier, UP before"]) as $m
      | [$mn[] | select(IN($up[]) | not) | "\(.): operstate UNKNOWN with carrier"] as $maybe
      | .out = [if ($m | length) > 0 then "unsettled: \($m | join("; "))"
                elif ($maybe | length) > 0 then "maybe: \($maybe | join("; "))"
                else "settled" end]
      | if $cmd == "before" then .before = $f
        elif .before == $f then .out += ["identical"]
        else .out += [report(.before; $f)]
        end
    end;
  .out // empty | (.[], "."))
