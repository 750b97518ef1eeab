#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-2.0-or-later
# Copyright: the vnetctl authors
"""Ansible module: what vnetctl sees on the target, as facts."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
---
module: vnetctl_facts
short_description: What vnetctl describes on a host, as facts
version_added: "0.1.0"
description:
  - Returns C(vnetctl show -j) (every VF, veth pair, bond, VLAN interface,
    bridge and shared Ethernet adapter, with their runtime state) and
    C(vnetctl show --config) (the same as statements that C(vnetctl apply)
    accepts) in the fact C(vnetctl).
  - Also C(vnetctl diagnose -j), the troubleshooting checklist, when the
    vnetctl on the target has that command; else C(diagnose) is null and
    C(diagnose_available) false.
  - Changes nothing; check mode runs it as usual.
options:
  netns:
    description:
      - A named network namespace (as C(ip -n)); the host's own namespace when
        left out.
    type: str
  executable:
    description:
      - The vnetctl program on the target. Searched in the C(PATH) and the
        sbin directories when left out.
    type: path
requirements:
  - vnetctl on the target.
seealso:
  - module: vnetctl
author:
  - vnetctl authors
'''

EXAMPLES = r'''
- name: What the host has
  vnetctl_facts:

- name: The bridges' names
  ansible.builtin.debug:
    msg: "{{ ansible_facts.vnetctl.show.bridge | map(attribute='name') | list }}"

- name: Start a file from a running host
  ansible.builtin.copy:
    content: "{{ ansible_facts.vnetctl.config }}"
    dest: /etc/vnetctl/host.conf
'''

RETURN = r'''
ansible_facts:
  description: Facts to add to ansible_facts.
  returned: always
  type: complex
  contains:
    vnetctl:
      description: What vnetctl describes.
      returned: always
      type: complex
      contains:
        show:
          description: C(vnetctl show -j), one member for each kind.
          returned: always
          type: dict
          sample: {"vf": [], "veth": [], "bond": [], "vlan": [], "bridge": [{"name": "xenbr0"}], "sea": []}
        config:
          description: C(vnetctl show --config), statements one a line.
          returned: always
          type: str
        diagnose_available:
          description: Whether the vnetctl on the target has the C(diagnose) command.
          returned: always
          type: bool
        diagnose:
          description: C(vnetctl diagnose -j), a list of checks (each with its object, status, what and fix), or null when it is not available.
          returned: always
          type: list
          elements: dict
        healthy:
          description: Whether diagnose found nothing to warn about (its exit status 0); null without diagnose.
          returned: always
          type: bool
        version:
          description: C(vnetctl --version).
          returned: always
          type: str
'''

import json
import re

from ansible.module_utils.basic import AnsibleModule

SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin']


def main():
    module = AnsibleModule(
        argument_spec=dict(netns=dict(type='str'), executable=dict(type='path')),
        supports_check_mode=True,
    )
    exe = module.params['executable'] or module.get_bin_path('vnetctl', required=True, opt_dirs=SBIN)
    base = [exe] + (['-n', module.params['netns']] if module.params['netns'] else [])
    env = {'LC_ALL': 'C'}

    def run(args, ok=(0,)):
        cmd = base + args
        rc, out, err = module.run_command(cmd, environ_update=env)
        if rc not in ok:
            module.fail_json(msg=err.strip() or 'vnetctl exited with status %d' % rc,
                             rc=rc, stdout=out, stderr=err, cmd=cmd)
        return rc, out, err

    def run_json(args, ok=(0,)):
        rc, out, err = run(args, ok)
        try:
            return rc, json.loads(out)
        except ValueError:
            module.fail_json(msg='vnetctl %s printed no JSON' % ' '.join(args), stdout=out, stderr=err)

    facts = {}
    facts['version'] = run(['--version'])[1].strip()
    facts['show'] = run_json(['-j', 'show'])[1]
    facts['config'] = run(['show', '--config'])[1]
    # The command list of --help, not a trial run: an older vnetctl has no diagnose.
    help_text = run(['--help'])[1]
    facts['diagnose_available'] = re.search(r'^\s+diagnose\s', help_text, re.M) is not None
    facts['diagnose'] = facts['healthy'] = None
    if facts['diagnose_available']:
        rc, facts['diagnose'] = run_json(['-j', 'diagnose'], ok=(0, 1))
        facts['healthy'] = rc == 0
    module.exit_json(changed=False, ansible_facts={'vnetctl': facts})


if __name__ == '__main__':
    main()
