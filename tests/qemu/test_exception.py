#!/usr/bin/env python3
"""Exception test (issue 3, acceptance 2): boot the test image with
fault=KIND so that the hypervisor faults on purpose, and check the dump,
the stack the handler ran on, and the exit status.

usage: test_exception.py HV_TEST_ELF KIND
       KIND = ud | pf | gp | de | nmi | mc | stack | stack_ist1 | stack_ist2 |
              stack_ist3 | frame_guard | frame_wild

mc: INT 18, through the gate that switches to IST stack 3; the panic
must run on that stack.
nmi: INT 2, through the NMI gate: NMIs are the host's (issue 8 item 1),
so the NMI handler counts it on IST stack 2 and returns, no dump; the
hook then ends the run with its "did not fault" panic.
stack: the hypervisor recurses until its boot stack overflows;
stack_istN: the same on IST stack N. The page below every host stack is
unmapped, so the overflow faults (#PF; the CPU cannot push the #PF frame
on that stack either, so #DF, which runs on IST stack 1) instead of
overwriting what lies below; the dump must name the fault and the guard
page in CR2.
frame_guard, frame_wild: a panic whose frame-pointer chain leads into a
guard page or to an unmapped address: the backtrace stops there, the
panic does not fault.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hvqemu  # noqa: E402

# What testhooks.c's fault= switch does (in the test image hv-test.elf),
# and what the CPU must report for it: mnemonic, vector, error code, CR2
# (None: not checked), the stack the panic runs on (boot/entry32.S
# symbols: guard page, top).
BOOT = ('boot_stack_guard', 'boot_stack_top')
IST = {n: ('boot_ist%d_guard' % n, 'boot_ist%d_top' % n) for n in (1, 2, 3)}
KINDS = {
    'ud': ('#UD', 6, 0x0, None, BOOT),
    # write to 512 GiB: PML4 entry 1 is not present -> W=1, P=0
    'pf': ('#PF', 14, 0x2, 0x8000000000, BOOT),
    # non-canonical address -> #GP(0)
    'gp': ('#GP', 13, 0x0, None, BOOT),
    # DIV by zero
    'de': ('#DE', 0, 0x0, None, BOOT),
    'mc': ('#MC', 18, 0x0, None, IST[3]),
}
# fault=stack*: the stack that overflows; the #DF handler runs on IST 1.
OVERFLOWS = {'stack': BOOT, 'stack_ist1': IST[1], 'stack_ist2': IST[2],
             'stack_ist3': IST[3]}
FRAMES = ('frame_guard', 'frame_wild')
NMI_RE = re.compile(r"^boot: fault=nmi: the host's NMI handler took (\d+) NMI\(s\) "
                    r"on stack (0x[0-9a-f]+)$", re.M)
PAGE = 4096
CR0_PG, CR4_PAE = 1 << 31, 1 << 5
PANIC_RSP_RE = re.compile(r'^  caller=0x[0-9a-f]+ rsp=0x([0-9a-f]+) ', re.M)


def elf_symbol(elf, name):
    """Address of a symbol of the ELF (nm), or None."""
    out = subprocess.run(['nm', elf], capture_output=True, text=True).stdout
    m = re.search(r'^([0-9a-f]+) \w %s$' % re.escape(name), out, re.M)
    return int(m.group(1), 16) if m else None


def stack_range(elf, syms):
    """(bottom, top) of a host stack: right above its guard page."""
    guard, top = elf_symbol(elf, syms[0]), elf_symbol(elf, syms[1])
    return (guard + PAGE, top) if guard is not None and top is not None else (None, None)


def check_panic_stack(t, elf, r, syms, what):
    """The panic's own RSP (its 'caller=... rsp=...' line) is on that stack."""
    lo, hi = stack_range(elf, syms)
    m = PANIC_RSP_RE.search(r.hv_text)
    rsp = int(m.group(1), 16) if m else None
    t.ok(rsp is not None and lo is not None and lo <= rsp < hi,
         'the handler ran on %s' % what,
         'panic rsp %s, stack [%s, %s)' % (hex(rsp) if rsp is not None else None,
                                          hex(lo) if lo else None, hex(hi) if hi else None))


def check_dump(t, r, name, vector, error, cr2):
    """The register dump of idt_exception() and the panic line."""
    m = re.search(r'^EXCEPTION (#?\w+) \(vector (\d+)\) error code 0x([0-9a-f]+)$',
                  r.hv_text, re.M)
    t.ok(m is not None, 'exception dump present', r.hv_text[-3000:])
    if m:
        t.is_(m.group(1), name, 'dump names the exception')
        t.is_(int(m.group(2)), vector, 'dump names vector %d' % vector)
        t.is_(int(m.group(3), 16), error, 'dump shows error code 0x%x' % error)
    m = re.search(r'CR2=([0-9a-f]{16})', r.hv_text)
    t.ok(m is not None, 'dump shows CR2')
    if m and cr2 is not None:
        t.is_(int(m.group(1), 16), cr2, 'CR2 is the faulting address 0x%x' % cr2)
    m = re.search(r'CR0=([0-9a-f]{16}) CR2=[0-9a-f]{16} CR3=[0-9a-f]{16} CR4=([0-9a-f]{16})',
                  r.hv_text)
    t.ok(m is not None and int(m.group(1), 16) & CR0_PG and int(m.group(2), 16) & CR4_PAE,
         'dump shows CR0 (PG set) and CR4 (PAE set)', m.group(0) if m else '')
    m = re.search(r'RIP=([0-9a-f]{16})', r.hv_text)
    t.ok(m is not None and 0x100000 <= int(m.group(1), 16) < 0x1000000,
         'dump shows a RIP inside the image', m.group(0) if m else 'no RIP')
    for reg in ('RAX', 'RBX', 'RCX', 'RDX', 'RSI', 'RDI', 'RBP', 'RSP', 'R8 ', 'R15', 'CR3'):
        if re.search(r'%s=[0-9a-f]{16}' % re.escape(reg), r.hv_text) is None:
            t.ok(False, 'dump shows all GPRs and CR3', 'missing ' + reg)
            break
    else:
        t.ok(True, 'dump shows all GPRs and CR3')
    t.ok(re.search(r'^PANIC: unhandled exception %s' % re.escape(name), r.hv_text, re.M)
         is not None, 'panic message names the exception')


def check_overflow(t, elf, kind, r):
    """fault=stack*: the overflow hits the guard page below that stack."""
    gsym, tsym = OVERFLOWS[kind]
    guard, top = elf_symbol(elf, gsym), elf_symbol(elf, tsym)
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
    check_panic_stack(t, elf, r, IST[1], 'IST stack 1 (the double-fault stack)')


def check_frame(t, elf, r):
    """fault=frame_*: the backtrace stops at the bad frame, no fault in the panic."""
    t.ok(re.search(r'^PANIC: fault=frame requested: bad frame-pointer chain$', r.hv_text, re.M)
         is not None, 'panic message printed', r.hv_text[-1000:])
    m = re.findall(r'^  backtrace:((?: [0-9a-f]+)*)$', r.hv_text, re.M)
    t.ok(len(m) == 1 and len(m[0].split()) == 2,
         'backtrace: the two good frames, then it stops', repr(m))
    t.ok('EXCEPTION' not in r.hv_text and 'PANIC (nested)' not in r.hv_text,
         'no exception inside the panic', r.hv_text[-1500:])
    check_panic_stack(t, elf, r, BOOT, 'the boot stack')


def check_nmi(t, elf, r):
    """fault=nmi: handled by the host's NMI handler on IST 2, no exception."""
    m = NMI_RE.search(r.hv_text)
    t.ok(m is not None and int(m.group(1)) == 1, 'the NMI handler counted one NMI',
         m.group(0) if m else r.hv_text[-1000:])
    lo, hi = stack_range(elf, IST[2])
    sp = int(m.group(2), 16) if m else None
    t.ok(sp is not None and lo is not None and lo <= sp < hi, 'the NMI handler ran on IST stack 2',
         'stack %s, IST 2 [%s, %s)' % (hex(sp) if sp is not None else None,
                                       hex(lo) if lo else None, hex(hi) if hi else None))
    t.ok('EXCEPTION' not in r.hv_text, 'no exception dump: an NMI is not an error',
         r.hv_text[-1500:])
    t.ok(re.search(r'^PANIC: fault=nmi did not fault$', r.hv_text, re.M) is not None,
         'the hook ends the run after the handler returned', r.hv_text[-1000:])


def main():
    t = hvqemu.Tap()
    kinds = list(KINDS) + ['nmi'] + list(OVERFLOWS) + list(FRAMES)
    if len(sys.argv) != 3 or sys.argv[2] not in kinds:
        t.bail('usage: test_exception.py HV_TEST_ELF %s' % '|'.join(kinds))
        return 1
    hv_elf, kind = sys.argv[1], sys.argv[2]

    r = hvqemu.boot(hv_elf, cmdline='fault=%s' % kind, timeout=60)
    t.diag('%s, status %s, %.2f s' % (r.reason, r.status, r.elapsed))
    t.ok(r.reason == 'exit', 'QEMU exited through isa-debug-exit (no hang, no reset)',
         'reason %s, qemu rc %s' % (r.reason, r.qemu_rc))
    t.is_(r.status, hvqemu.HV_STATUS_PANIC,
          'exit status is HV_STATUS_PANIC (%d)' % hvqemu.HV_STATUS_PANIC)
    t.ok(re.search(r'^boot: fault=%s requested$' % kind, r.hv_text, re.M) is not None,
         'fault=%s switch seen' % kind)
    if kind in OVERFLOWS:
        check_overflow(t, hv_elf, kind, r)
    elif kind in FRAMES:
        check_frame(t, hv_elf, r)
    elif kind == 'nmi':
        check_nmi(t, hv_elf, r)
    else:
        name, vector, error, cr2, stack = KINDS[kind]
        check_dump(t, r, name, vector, error, cr2)
        check_panic_stack(t, hv_elf, r, stack,
                          'the boot stack' if stack == BOOT else 'its IST stack')
        if kind == 'pf':
            t.ok(re.search(r'^  page fault: write of 0000008000000000, not-present page, '
                           r'from CPL 0$', r.hv_text, re.M) is not None,
                 'dump explains the page fault (write, not present, CPL 0)')
    return t.done()


if __name__ == '__main__':
    sys.exit(main())
