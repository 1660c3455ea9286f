#!/usr/bin/env python3
"""Exception test (issue 3, acceptance 2): boot with fault=KIND so that
the hypervisor faults on purpose, and check the dump and the exit status.

usage: test_exception.py HV_TEST_ELF KIND
       KIND = ud | pf | gp | de | stack | stack_ist1 | stack_ist2 | stack_ist3

stack: the hypervisor recurses until its boot stack overflows;
stack_istN: the same on IST stack N. The page below every host stack is
unmapped, so the overflow faults (#PF; the CPU cannot push the #PF frame
on that stack either, so #DF, which runs on its own IST stack) instead of
overwriting what lies below; the dump must name the fault and the guard
page in CR2.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hvqemu  # noqa: E402

# What testhooks.c's fault= switch does (in the test image hv-test.elf), and what
# the CPU must report for it.
KINDS = {
    # mnemonic, vector, error code, CR2 (None: not checked)
    'ud': ('#UD', 6, 0x0, None),
    # write to 512 GiB: PML4 entry 1 is not present -> W=1, P=0
    'pf': ('#PF', 14, 0x2, 0x8000000000),
    # non-canonical address -> #GP(0)
    'gp': ('#GP', 13, 0x0, None),
    # DIV by zero
    'de': ('#DE', 0, 0x0, None),
    # boot stack overflow: #DF (error code 0) or #PF (write, not present),
    # CR2 in the guard page; checked in check_stack()
    'stack': (None, None, None, None),
    'stack_ist1': (None, None, None, None),
    'stack_ist2': (None, None, None, None),
    'stack_ist3': (None, None, None, None),
}
# The guard page symbol of each stack (boot/entry32.S) and its top.
STACKS = {'stack': ('boot_stack_guard', 'boot_stack_top'),
          'stack_ist1': ('boot_ist1_guard', 'boot_ist1_top'),
          'stack_ist2': ('boot_ist2_guard', 'boot_ist2_top'),
          'stack_ist3': ('boot_ist3_guard', 'boot_ist3_top')}
PAGE = 4096


def elf_symbol(elf, name):
    """Address of a symbol of the ELF (nm), or None."""
    out = subprocess.run(['nm', elf], capture_output=True, text=True).stdout
    m = re.search(r'^([0-9a-f]+) \w %s$' % re.escape(name), out, re.M)
    return int(m.group(1), 16) if m else None


def check_stack(t, hv_elf, kind, r):
    """fault=stack*: the overflow hits the guard page below that stack."""
    gsym, tsym = STACKS[kind]
    guard, top = elf_symbol(hv_elf, gsym), elf_symbol(hv_elf, tsym)
    t.ok(guard is not None and top is not None and guard % PAGE == 0 and top > guard + PAGE,
         'the image has a page-aligned %s below %s' % (gsym, tsym),
         'guard %r top %r' % (guard, top))
    m = re.search(r'^boot: fault=%s: stack \[(0x[0-9a-f]+)-(0x[0-9a-f]+)\), '
                  r'guard page \[(0x[0-9a-f]+)-(0x[0-9a-f]+)\)$' % kind, r.hv_text, re.M)
    t.ok(m is not None and guard is not None and int(m.group(3), 16) == guard and
         int(m.group(1), 16) == guard + PAGE and int(m.group(2), 16) == top,
         'the hypervisor names that stack and guard page', m.group(0) if m else r.hv_text[-500:])
    m = re.search(r'^EXCEPTION (#\w+) \(vector (\d+)\) error code 0x([0-9a-f]+)$',
                  r.hv_text, re.M)
    t.ok(m is not None and (m.group(1), m.group(2)) in (('#DF', '8'), ('#PF', '14')),
         'dump names a double fault or page fault', m.group(0) if m else r.hv_text[-3000:])
    m = re.search(r'CR2=([0-9a-f]{16})', r.hv_text)
    cr2 = int(m.group(1), 16) if m else None
    t.ok(cr2 is not None and guard is not None and guard <= cr2 < guard + PAGE,
         'CR2 is in the guard page', 'CR2 %s, guard %s' %
         (hex(cr2) if cr2 is not None else None, hex(guard) if guard is not None else None))
    m = re.search(r'RSP=([0-9a-f]{16})', r.hv_text)
    t.ok(m is not None and guard is not None and guard <= int(m.group(1), 16) < guard + 2 * PAGE,
         'the faulting RSP is at the bottom of that stack', m.group(0) if m else '')
    t.ok(re.search(r'^PANIC: unhandled exception #(DF|PF)', r.hv_text, re.M) is not None,
         'panic message names the exception')


def main():
    t = hvqemu.Tap()
    if len(sys.argv) != 3 or sys.argv[2] not in KINDS:
        t.bail('usage: test_exception.py HV_TEST_ELF %s' % '|'.join(KINDS))
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
    if kind in STACKS:
        check_stack(t, hv_elf, kind, r)
        return t.done()
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
