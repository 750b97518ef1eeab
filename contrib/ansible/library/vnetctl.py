#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright: the vnetctl authors
"""Ansible module: apply vnetctl statements on the target, all or nothing."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: vnetctl
short_description: Apply vnetctl statements to a host's network, all or nothing
version_added: "0.1.0"
description:
  - Runs C(vnetctl apply) on the target with the statements given in I(config)
    or in the file or directory I(src) (bridges, bonds, VLAN interfaces, veth
    pairs, VFs and shared Ethernet adapters, declared, planned as a whole and
    applied all or nothing; a failure puts the host back as it was).
  - C(changed) is exactly the C(changed) member of vnetctl's JSON result, true
    when a kernel request was needed and false when the host already matched.
  - Check mode is vnetctl's dry run (C(--dry-run)); it reads the host and
    changes nothing.
  - Diff mode shows, for each object that changes, the statements that
    C(vnetctl show --config) prints for it before and after. In check mode the
    after side holds the values the statements set, not the defaults the
    kernel would pick for a new object.
  - With I(confirm), the change is handed to vnetctl's guardian process, which
    rolls it back by itself at the deadline unless a later task with
    I(state=confirmed) keeps it (C(vnetctl --confirm SECONDS --detach)). The
    guardian outlives the module, the connection and the play, so a change that
    cuts the management link undoes itself.
  - Nothing is needed on the target but vnetctl and the Python that Ansible
    uses; the module uses the standard library only.
options:
  config:
    description:
      - Statements, one per line, as in a vnetctl file (C(#) starts a comment,
        a trailing backslash continues a line). Given to vnetctl on its
        standard input, so errors point at C(<stdin>:LINE:COLUMN), counting
        lines in this text.
      - With I(prune), a text that declares nothing (empty, or only comments
        and blank lines, as a lookup that found nothing may give) is refused,
        since it would delete everything vnetctl made.
      - Mutually exclusive with I(src).
    type: str
  src:
    description:
      - A file of statements, or a directory whose C(*.conf) files are read in
        lexical order as one file, on the target. Errors name the file and its
        line. A directory without a C(*.conf) file is an error (with
        I(prune), it would delete everything vnetctl made); so is, with
        I(prune), a file or directory whose statements declare nothing.
      - Mutually exclusive with I(config).
    type: path
  netns:
    description:
      - A named network namespace (as C(ip -n)); the host's own namespace when
        left out.
    type: str
  prune:
    description:
      - Also delete the objects that vnetctl created earlier and that the
        statements no longer declare (C(--prune)). Nothing vnetctl did not
        create is ever deleted.
      - Statements that declare nothing are refused with I(prune) (see
        I(config) and I(src)); to delete everything vnetctl made, run
        C(vnetctl apply --prune) on an empty file yourself.
    type: bool
    default: false
  confirm:
    description:
      - Keep the change only if a later task confirms it within this many
        seconds (1 to 86400); else vnetctl's guardian rolls it back at the
        deadline. The module returns as soon as the guardian holds the change.
      - Ignored in check mode, and when nothing changes (there is then
        nothing to confirm).
    type: int
  state:
    description:
      - C(present) applies I(config) or I(src).
      - C(confirmed) keeps the change that waits for a confirmation in the
        namespace (C(vnetctl confirm)). It fails when nothing waits, since the
        change may have been rolled back at its deadline; run it only when the
        applying task reported C(changed).
      - C(rolled_back) undoes that change now (C(vnetctl rollback)); nothing
        waiting is no change.
      - In check mode, C(confirmed) and C(rolled_back) do nothing.
    type: str
    choices: [present, confirmed, rolled_back]
    default: present
  wait:
    description:
      - When another vnetctl is changing the namespace, or a change waits for
        its confirmation, wait for it to end. With C(false), fail at once
        naming it (C(--no-wait)).
    type: bool
    default: true
  executable:
    description:
      - The vnetctl program on the target. Searched in the C(PATH) and the
        sbin directories when left out.
    type: path
requirements:
  - vnetctl on the target, run as root (use C(become)).
notes:
  - A failure returns vnetctl's own message in C(msg) (for a statement that
    does not parse, C(FILE:LINE:COLUMN), the line and a caret under the word)
    and its exit status in C(rc), 1 when the host could not be changed (and
    was put back as it was), 2 for a usage or parse error (nothing changed).
  - See vnetctl(8), section "JSON output for configuration management".
seealso:
  - module: vnetctl_facts
author:
  - vnetctl authors
'''

EXAMPLES = r'''
- name: The Xen host's bridge
  vnetctl:
    config: |
      bridge add xenbr0 stp off forward-delay 0 ports eth0 guest-ports vif* up
      bridge port set xenbr0 vif* isolated on
  become: true

- name: Every file under /etc/vnetctl, deleting what they no longer declare
  vnetctl:
    src: /etc/vnetctl
    prune: true

- name: Change the management link; the host rolls back alone if it is cut
  vnetctl:
    src: /etc/vnetctl/host.conf
    confirm: 120
  register: mgmt

- name: Still reachable?
  ansible.builtin.wait_for_connection:
    timeout: 60
  when: mgmt.changed

- name: Keep the change
  vnetctl:
    state: confirmed
  when: mgmt.changed
'''

RETURN = r'''
changed:
  description: Whether vnetctl changed the host (in check mode, would change it).
  returned: always
  type: bool
operations:
  description: The plan, one line per kernel operation (rollback steps for C(rolled_back)).
  returned: always
  type: list
  elements: str
  sample: ["bridge xenbr0: create (stp off forward-delay 0 up)", "bridge xenbr0: add port eth0"]
requests:
  description: Change requests vnetctl sent (0 in check mode or when nothing changed).
  returned: when I(state=present)
  type: int
vnetctl_diff:
  description:
    - vnetctl's diff, each changed object's statements before and after (empty
      strings for an object made or deleted).
  returned: when I(state=present)
  type: list
  elements: dict
  sample: [{"object": "bridge xenbr0", "before": "", "after": "bridge add xenbr0 stp off ...\n"}]
confirm_deadline:
  description:
    - With I(confirm), the time (seconds since the epoch) at which the guardian
      rolls the change back unless it is confirmed; the rollback starts
      within the second after it. Read from the line vnetctl prints on
      standard error when it hands the change over (C(before HH:MM:SS (N s)),
      in the target's local time).
  returned: when a change waits for its confirmation
  type: int
guardian_pid:
  description:
    - The process ID of vnetctl's guardian, which holds the change until it is
      confirmed or rolled back (C(guardian PID N) in the same line).
  returned: when a change waits for its confirmation
  type: int
confirmed:
  description: Whether the change was kept (C(confirmed)).
  returned: when I(state) is C(confirmed) or C(rolled_back) and something was pending
  type: bool
rolled_back:
  description: Whether the change was undone (C(rolled_back)).
  returned: when I(state) is C(confirmed) or C(rolled_back) and something was pending
  type: bool
rc:
  description: vnetctl's exit status.
  returned: always, but for I(state=rolled_back) when nothing waited (vnetctl's 1 is no failure there)
  type: int
stderr:
  description: What vnetctl printed on standard error (the confirmation's deadline, a recovered transaction).
  returned: always
  type: str
cmd:
  description: The command that ran.
  returned: always
  type: list
  elements: str
'''

import json
import os
import re
import time

from ansible.module_utils.basic import AnsibleModule

SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin']


def first_json(text):
    """The first JSON document of vnetctl's output (a waiting --confirm prints two)."""
    try:
        return json.JSONDecoder().raw_decode(text.lstrip())[0]
    except ValueError:
        return None


def read_dir(module, path):
    """DIR/*.conf in lexical order as one text, and where each file starts in it."""
    names = sorted(n for n in os.listdir(path)
                   if n.endswith('.conf') and os.path.isfile(os.path.join(path, n)))
    if not names:
        module.fail_json(msg='src: %s holds no *.conf file' % path, rc=2)
    text, starts, line = [], [], 1
    for n in names:
        with open(os.path.join(path, n)) as f:
            t = f.read()
        if t and not t.endswith('\n'):
            t += '\n'
        starts.append((line, os.path.join(path, n)))
        line += t.count('\n')
        text.append(t)
    return ''.join(text), starts


def declares_nothing(text):
    """Whether a text of statements has only blank lines and comments."""
    return all(not line.strip() or line.lstrip().startswith('#') for line in text.splitlines())


def refuse_empty(module, data):
    """With prune, statements that declare nothing would delete all that vnetctl made: fail instead."""
    src = module.params['src']
    if data is None:
        try:
            with open(src) as f:
                data = f.read()
        except (IOError, OSError):
            return  # vnetctl says why
    if declares_nothing(data):
        module.fail_json(msg='%s declares nothing: with prune, that would delete everything vnetctl made'
                         % ('src: ' + src if src is not None else 'config'), rc=2)


def relocate(text, starts, path):
    """vnetctl's '<stdin>:LINE' as the file and line of the directory the text came from."""
    def at(m):
        n = int(m.group(1))
        first, name = [s for s in starts if s[0] <= n][-1] if starts and n >= 1 else (1, path)
        return '%s:%d' % (name, n - first + 1)
    return re.sub(r'<stdin>:(\d+)', at, text).replace('<stdin>', path)


# vnetctl's message on handing a change to its guardian: "... before
# HH:MM:SS (N s) ... (guardian PID N)".
HELD = re.compile(r' before (\d\d:\d\d:\d\d) \((\d+) s\).*\(guardian PID (\d+)\)')


def held(err, started, ended):
    """The guardian's deadline (seconds since the epoch) and PID from vnetctl's message, as result members."""
    m = HELD.search(err)
    if not m:
        return {}
    clock, secs = m.group(1), int(m.group(2))
    found = {'guardian_pid': int(m.group(3))}
    # The guardian took the change between started and ended, and its
    # deadline is then plus secs: the second of that span that shows the
    # local time vnetctl printed (vnetctl runs here, with this time zone).
    for t in range(int(started) + secs, int(ended) + secs + 1):
        if time.strftime('%H:%M:%S', time.localtime(t)) == clock:
            found['confirm_deadline'] = t
            break
    return found


def vnetctl_base(module):
    exe = module.params['executable'] or module.get_bin_path('vnetctl', required=True, opt_dirs=SBIN)
    cmd = [exe]
    if module.params['netns']:
        cmd += ['-n', module.params['netns']]
    return cmd + ['-j']


def run(module, cmd, data=None):
    # No locale: vnetctl's messages stay as tests and users read them.
    return module.run_command(cmd, data=data, binary_data=True,
                              environ_update={'LC_ALL': 'C'})


def fail(module, cmd, rc, out, err, extra=''):
    msg = (err.strip() or out.strip() or 'vnetctl exited with status %d' % rc) + extra
    module.fail_json(msg=msg, rc=rc, stdout=out, stderr=err, cmd=cmd)


def ansible_diff(entries):
    return [{'before_header': e['object'], 'after_header': e['object'],
             'before': e['before'], 'after': e['after']} for e in entries]


def apply(module):
    p = module.params
    cmd = vnetctl_base(module)
    if module.check_mode:
        cmd.append('--dry-run')
    elif p['confirm'] is not None:
        cmd += ['--confirm', str(p['confirm']), '--detach']
    if not p['wait']:
        cmd.append('--no-wait')
    starts = None
    if p['src'] is None:
        data = p['config'] if p['config'].endswith('\n') else p['config'] + '\n'
    elif os.path.isdir(p['src']):
        # vnetctl reads the files as one; their names come back in its messages.
        data, starts = read_dir(module, p['src'])
    else:
        data = None
    cmd += ['apply', '-' if data is not None else p['src']]
    if p['prune']:
        refuse_empty(module, data)
        cmd.append('--prune')
    started = time.time()
    rc, out, err = run(module, cmd, data)
    ended = time.time()
    if starts is not None:
        err = relocate(err, starts, p['src'])
    if rc != 0:
        fail(module, cmd, rc, out, err)
    res = first_json(out)
    if not isinstance(res, dict) or 'changed' not in res:
        module.fail_json(msg='vnetctl printed no JSON result', rc=rc, stdout=out, stderr=err, cmd=cmd)
    result = dict(changed=bool(res['changed']), operations=res.get('operations', []),
                  requests=res.get('requests', 0), vnetctl_diff=res.get('diff', []),
                  rc=rc, stderr=err, cmd=cmd)
    if res.get('note'):
        result['note'] = res['note']
    if module._diff:
        result['diff'] = ansible_diff(result['vnetctl_diff'])
    if p['confirm'] is not None and result['changed'] and not module.check_mode:
        result.update(held(err, started, ended))
    elif err.strip():
        module.warn(err.strip())
    module.exit_json(**result)


def finish(module):
    """state confirmed or rolled_back: end the change waiting in the namespace."""
    keep = module.params['state'] == 'confirmed'
    if module.check_mode:
        module.exit_json(changed=False, operations=[], rc=0, stderr='', cmd=[],
                         msg='check mode: nothing %s' % ('confirmed' if keep else 'rolled back'))
    cmd = vnetctl_base(module) + ['confirm' if keep else 'rollback']
    rc, out, err = run(module, cmd)
    if rc != 0:
        if 'nothing pending' in err and not keep:
            # Not rc: Ansible takes a result with a non-zero rc for a failure.
            module.exit_json(changed=False, operations=[], stderr=err, cmd=cmd,
                             msg='nothing waits for a confirmation')
        fail(module, cmd, rc, out, err,
             ' (was the change rolled back at its deadline, or did it change nothing?)'
             if 'nothing pending' in err else '')
    res = first_json(out) or {}
    module.exit_json(changed=True, operations=res.get('operations', []),
                     confirmed=bool(res.get('confirmed', keep)),
                     rolled_back=bool(res.get('rolled_back', not keep)),
                     rc=rc, stderr=err, cmd=cmd)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            config=dict(type='str'),
            src=dict(type='path'),
            netns=dict(type='str'),
            prune=dict(type='bool', default=False),
            confirm=dict(type='int'),
            state=dict(type='str', default='present', choices=['present', 'confirmed', 'rolled_back']),
            wait=dict(type='bool', default=True),
            executable=dict(type='path'),
        ),
        mutually_exclusive=[('config', 'src')],
        required_if=[('state', 'present', ('config', 'src'), True)],
        supports_check_mode=True,
    )
    confirm = module.params['confirm']
    if confirm is not None and not 1 <= confirm <= 86400:
        module.fail_json(msg='confirm: %d: expected seconds, 1-86400' % confirm)
    if module.params['state'] == 'present':
        apply(module)
    finish(module)


if __name__ == '__main__':
    main()
