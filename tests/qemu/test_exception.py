#!/usr/bin/env python3
"""Exception test (issue 3, acceptance 2): boot with fault=KIND so that
the hypervisor faults on purpose, and check the dump and the exit status.

usage: test_exception.py HV_ELF KIND     KIND = ud | pf | gp | de  (TAP on stdout)
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hvqemu  # noqa: E402

# What testhooks.c's fault= switch does (test image hv-test.elf), and what the CPU must report for it.
KINDS = {
    # mnemonic, vector, error code, CR2 (None: not checked)
    'ud': ('#UD', 6, 0x0, None),
    # write to 512 GiB: PML4 entry 1 is not present -> W=1, P=0
    'pf': ('#PF', 14, 0x2, 0x8000000000),
    # non-canonical address -> #GP(0)
    'gp': ('#GP', 13, 0x0, None),
    # DIV by zero
    'de': ('#DE', 0, 0x0, None),
}


def main():
    t = hvqemu.Tap()
    if len(sys.argv) != 3 or sys.argv[2] not in KINDS:
        t.bail('usage: test_exception.py HV_ELF ud|pf|gp|de')
        return 1
    hv_elf, kind = sys.argv[1], sys.argv[2]
    name, vector, error, cr2 = KINDS[kind]

    r = hvqemu.boot(hv_elf, cmdline='fault=%s' % kind, timeout=60)
    t.diag('%s, status %s, %.2f s' % (r.reason, r.status, r.elapsed))
    t.ok(r.reason == 'exit', 'QEMU exited through isa-debug-exit (no hang, no reset)',
         'reason %s, qemu rc %s' % (r.reason, r.qemu_rc))
    t.is_(r.status, hvqemu.HV_STATUS_PANIC, 'exit status is HV_STATUS_PANIC (%d)' % hvqemu.HV_STATUS_PANIC)
    t.ok(re.search(r'^boot: fault=%s requested$' % kind, r.hv_text, re.M) is not None,
         'fault=%s switch seen' % kind)
    m = re.search(r'^EXCEPTION (#\w+) \(vector (\d+)\) error code 0x([0-9a-f]+)$', r.hv_text, re.M)
    t.ok(m is not None, 'exception dump present', r.hv_text[-3000:])
    if m:
        t.is_(m.group(1), name, 'dump names the exception')
        t.is_(int(m.group(2)), vector, 'dump names vector %d' % vector)
        t.is_(int(m.group(3), 16), error, 'dump shows error code 0x%x' % error)
    m = re.search(r'CR2=([0-9a-f]{16})', r.hv_text)
    t.ok(m is not None, 'dump shows CR2')
    if m and cr2 is not None:
        t.is_(int(m.group(1), 16), cr2, 'CR2 is the faulting address 0x%x' % cr2)
    m = re.search(r'RIP=([0-9a-f]{16})', r.hv_text)
    t.ok(m is not None and 0x100000 <= int(m.group(1), 16) < 0x1000000,
         'dump shows a RIP inside the image', m.group(0) if m else 'no RIP')
    for reg in ('RAX', 'RBX', 'RCX', 'RDX', 'RSI', 'RDI', 'RBP', 'RSP', 'R8 ', 'R15', 'CR3'):
        if re.search(r'%s=[0-9a-f]{16}' % re.escape(reg), r.hv_text) is None:
            t.ok(False, 'dump shows all GPRs and CR3', 'missing ' + reg)
            break
    else:
        t.ok(True, 'dump shows all GPRs and CR3')
    t.ok(re.search(r'^PANIC: unhandled exception %s' % re.escape(name), r.hv_text, re.M) is not None,
         'panic message names the exception')
    return t.done()


if __name__ == '__main__':
    sys.exit(main())
