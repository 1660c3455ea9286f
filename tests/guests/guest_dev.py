"""QEMU tests of the device and interrupt guests (issue 9), imported by
guest_test.py (the entry point: see its docstring for the command line).

Each scenario runs one guest (mmio_*, strio_*, intr_*, uart, watchdog)
under svmhv or, with --plain BOOT_SECTOR, on plain QEMU
(tests/plain/plainboot.S, hvqemu.run_plain), whose device models are the
reference; the hypervisor-only checks (exit statistics, watchdog) are
skips there, as are the guests' own (VMMCALL exit counts).

Sources: the guests in guestlib/guests/ (mmio_diff.c, strio.c, intr_*.c,
uart.c, spin.c: their check counts and names), hv/status.h.
"""

import os
import re
import tempfile

from guest_run import (DEV_TIMEOUT, ICOUNT, OK, Run, check_common, check_guest_tap,
                       hv_cmdline, hvqemu)

# ---------------------------------------------------------------------------
# Device and interrupt guests (issue 9): under the hypervisor, or on plain
# QEMU with --plain (see the module docstring).

WATCHDOG = 38                   # hv/status.h HV_STATUS_WATCHDOG
# What the uart guest sends from THRE interrupts and expects to receive
# (guestlib/guests/uart.c ua_lines, ua_want).
UART_THRE_LINES = (
    'uart: THRE line 1: interrupt-driven transmit, sixteen bytes per THRE interrupt',
    'uart: THRE line 2: The quick brown fox jumps over the lazy dog 0123456789',
    'uart: THRE line 3: end of the interrupt-driven text',
)
UART_LINE = 'svmhv uart rx: 0123456789 abcdefghijklmnopqrstuvwxyz ~!@#$%'


class ResultRun:
    """A Result of hvqemu.run_plain or Session.wait, with Run's attributes
    (stats() is None on plain QEMU: there is no hypervisor to count)."""

    def __init__(self, res, plain):
        self.res = res
        self.plain = plain
        self.text = res.serial
        self.status = res.status

    def stats(self):
        return None if self.plain else Run.stats(self)

    def tail(self, n=25):
        return '\n'.join(self.text.rstrip().splitlines()[-n:])


def guest_bin(args, name):
    return os.path.join(args.bin_dir, name + '.bin')


def dev_run(args, guest, guest_args='', extra_args=()):
    """Run a guest to its end, under svmhv or (--plain) on plain QEMU."""
    if args.plain:
        return ResultRun(hvqemu.run_plain(args.plain, guest_bin(args, guest), guest_args,
                                          timeout=DEV_TIMEOUT, extra_args=extra_args), True)
    return Run(args, hv_cmdline(guest, guest_args), extra_args=extra_args,
               timeout=DEV_TIMEOUT)


def dev_session(args, tmp, guest, guest_args='', extra_args=()):
    """A hvqemu.Session with the guest, under svmhv or on plain QEMU."""
    if args.plain:
        return hvqemu.session_plain(args.plain, guest_bin(args, guest),
                                    os.path.join(tmp, 'disk.img'), guest_args,
                                    timeout=DEV_TIMEOUT, extra_args=extra_args)
    iso = hvqemu.make_iso(args.hv, os.path.join(tmp, 'hv.iso'), hv_cmdline(guest, guest_args))
    return hvqemu.session_iso(iso, mem_mib=256, timeout=DEV_TIMEOUT, accel='tcg',
                              extra_args=extra_args)


def check_dev_end(t, args, run, what):
    """The guest ended with status 0 through its debug-exit port."""
    if not args.plain:
        check_common(t, run, OK, what)
        t.ok(not re.search(r'unhandled exit|VMCB dump|PANIC', run.text),
             '%s: no unhandled exit, no panic' % what, run.tail(10))
        return
    t.ok(run.res.reason == 'exit' and run.status is not None,
         '%s: QEMU ended through isa-debug-exit' % what,
         'reason %s, rc %r\n%s' % (run.res.reason, run.res.qemu_rc, run.tail()))
    t.is_(run.status, 0, '%s: guest exit status 0' % what)


def check_hv_seen(t, args, results, what):
    """Under svmhv the guest must know it: none of its svmhv checks may be
    skipped for "not under svmhv" (a broken detection would skip them all)."""
    if args.plain:
        return
    skipped = [n for _, _, n in results if 'SKIP not under svmhv' in n]
    t.ok(not skipped, '%s: the guest saw svmhv (no "not under svmhv" skips)' % what,
         '\n'.join(skipped[:5]))


def check_names(t, results, what, needles):
    """Each needle is part of the name of one of the guest's checks."""
    names = [n for _, _, n in results]
    for needle in needles:
        t.ok(any(needle in n for n in names), '%s: guest checked "%s"' % (what, needle))


def check_stat(t, args, run, what, name, at_least):
    """Under svmhv: the exit statistics count at least that many of name."""
    label = '%s: exit stats count >= %d %s exits' % (what, at_least, name)
    if args.plain:
        t.skip(label, 'plain QEMU: no hypervisor')
        return
    s = run.stats() or {}
    t.ok(s.get(name, 0) >= at_least, label, repr(s))


# The guest's own plan, exactly: a check that goes missing fails the run.
MMIO_CHECKS = {'real': 171, 'pm32': 169, 'pae': 170, 'long': 254}
MMIO_NEEDLES = (
    'the runs reach their targets', 'pc-testdev MMIO buffer reads back',
    'the comparison notices a changed register',
    'an MMIO access is one NPF exit', 'mov eax, moffs32 (a1)',
    'movzx r32, r/m8 (0f b6, opsize 4', 'movsx r32, r/m8', 'or r32, r/m32',
    'adc r/m32, imm8 (83', 'test r/m32, imm32', 'neg r/m32', 'xchg r/m32, r32',
    'btr r/m32, r32 (0f b3', 'movsb (a4): MMIO -> MMIO', 'rep movsb: RAM -> MMIO',
    'rep movsw: MMIO -> RAM', 'repe cmpsb (f3 a6)', 'cmpsb (a6) on MMIO',
    'repne scasb', 'rep stosd, DF=1', 'lodsb', 'outsb with a segment override',
    'outsd with a segment override, from RAM', 'insd into the test buffer', 'clflush')
MMIO_NEEDLES_LONG = (
    'orq (%rbx), %rax: the old register value is used', 'movsxd r64, r/m32',
    'mov rax, moffs64', 'movdqu xmm, m128', 'movdqa m128, xmm', 'movd xmm, m32',
    'movq xmm, m64 (f3 0f 7e)', 'rep movsq')


def make_mmio(mode):
    def sc(t, args):
        """MMIO differential: every Mem Assist form, RAM vs pc-testdev MMIO."""
        what = 'mmio_' + mode
        run = dev_run(args, what)
        check_dev_end(t, args, run, what)
        results = check_guest_tap(t, run, what, MMIO_CHECKS[mode])
        check_hv_seen(t, args, results, what)
        check_names(t, results, what, MMIO_NEEDLES + (MMIO_NEEDLES_LONG if mode == 'long' else ()) +
                    (('maps RAM, then the MMIO page',) if mode in ('pae', 'long') else ()) +
                    (() if args.plain else ('an x87 store to MMIO (dd /7) is #UD',)))
        if not args.plain:
            t.ok(re.search(r'^vm: MMIO access at RIP 0x[0-9a-f]+ not emulated \(.*\), bytes \[[0-9a-f ]*dd [0-9a-f ]+\]: #UD$',
                           run.text, re.M),
                 '%s: the hypervisor names the x87 store it did not emulate' % what, run.tail(30))
        # Each form touches MMIO in every run: hundreds of emulated accesses.
        check_stat(t, args, run, what, 'NPF', 1600)
    return sc


def make_strio(mode):
    def sc(t, args):
        """4 KiB REP INS/OUTS to pc-testdev's scratch register, RAM and MMIO."""
        what = 'strio_' + mode
        run = dev_run(args, what)
        check_dev_end(t, args, run, what)
        results = check_guest_tap(t, run, what, 92)
        check_hv_seen(t, args, results, what)
        check_names(t, results, what, (
            'rep outsb with TF: a #DB after each', 'rep insb DF=0 RAM: every element', 'rep insd DF=1 MMIO: every element',
            'rep outsw DF=1 RAM: scratch register holds the last element',
            'rep outsd DF=0 MMIO: rCX = 0', 'one IOIO exit for the page',
            'at most 2 IOIO exits', 'ports 0xe8-0xeb are its bytes',
            'in al keeps the rest of rax', 'in eax zero-extends into rax', 'out al sends only al',
            'in with TF: the first #DB right after it', 'out with TF: the first #DB right after it'))
        check_stat(t, args, run, what, 'IOIO', 24)
    return sc


INTR_NEEDLES = (
    'without a handler is caught by gl_try', 'runs its gl_intr_set() handler',
    'PIT at 1 kHz through the 8259', 'STI;HLT woken by the PIT',
    '8259 edge: one interrupt per raise', '8259 edge: raised with IF=0',
    '8259 slave: masked IRQ 10 shows in IRR')
INTR_NEEDLES_APIC = (
    'PIT at 1 kHz through the IOAPIC (pin 2) and LAPIC', 'IOAPIC edge: one interrupt per raise',
    'redirection entry reads back',
    'IOAPIC level: the interrupt comes again after each EOI', 'remote IRR set while in service',
    'one-shot timer fires exactly once', 'one-shot timer fires at the programmed time',
    'periodic timer, 2 ms', 'TSC-deadline', 'STI;HLT woken by the LAPIC timer',
    'fixed IPI to the own APIC ID', 'STI; CPUID (intercepted); CLI', 'STI; an MMIO load',
    'STI;CLI: a pending interrupt is not taken', 'MOV SS; OUT 0x80 (intercepted) with TF',
    'MOV SS; an MMIO load (emulated) with TF', 'NMI IPI to the own APIC ID arrives once',
    'an NMI sent inside the NMI handler arrives after its IRET', 'x2APIC')


# QEMU's TCG LAPIC has neither TSC-deadline nor x2APIC: 15 fewer checks there.
INTR_CHECKS = {'svmhv': {'real': 11, 'pm32': 58, 'long': 59},
               'plain': {'real': 11, 'pm32': 43, 'long': 44}}


def make_intr(mode):
    def sc(t, args):
        """Interrupts and time: PIT, 8259, IOAPIC, LAPIC timer, shadows, NMIs."""
        what = 'intr_' + mode
        if mode == 'long':
            # One external NMI from the monitor, once the guest waits for it:
            # under svmhv the host's NMI, passed on to the guest's LINT1.
            with tempfile.TemporaryDirectory(prefix='guest-intr-') as tmp:
                with dev_session(args, tmp, what, 'extnmi=1', ICOUNT) as sess:
                    m = sess.expect(r'^intr: waiting for an external NMI$', 300)
                    t.ok(m, '%s: guest waits for an external NMI' % what, sess.text[-2000:])
                    if m:
                        sess.monitor('nmi')
                    run = ResultRun(sess.wait(), bool(args.plain))
        else:
            run = dev_run(args, what, extra_args=ICOUNT)
        check_dev_end(t, args, run, what)
        results = check_guest_tap(t, run, what, INTR_CHECKS['plain' if args.plain else 'svmhv'][mode])
        check_hv_seen(t, args, results, what)
        check_names(t, results, what, INTR_NEEDLES +
                    (INTR_NEEDLES_APIC if mode != 'real' else ()) +
                    (('an external NMI (monitor "nmi") reaches the NMI handler',)
                     if mode == 'long' else ()))
        if mode == 'long' and not args.plain:
            t.ok(re.search(r'^host: 1 physical NMI\(s\) .*LINT1', run.text, re.M), '%s: the hypervisor logs the host NMI '
                 'it passes on to the guest' % what, run.tail(20))
        # Under svmhv the guest's two STI;HLT (one in real mode) are HLT exits.
        check_stat(t, args, run, what, 'HLT', 1 if mode == 'real' else 2)
    return sc


def sc_uart(t, args):
    """16550A: THRE-interrupt output reaches the console, typed input arrives."""
    what = 'uart'
    with tempfile.TemporaryDirectory(prefix='guest-uart-') as tmp:
        with dev_session(args, tmp, what) as sess:
            m = sess.expect(r'^uart: type a line:$', 300)
            t.ok(m, 'uart: guest prompts for a line', sess.text[-2000:])
            if m:
                sess.send(UART_LINE + '\r')
            echo = sess.expect(r'^uart: got "(.*)"$')
            run = ResultRun(sess.wait(), bool(args.plain))
    t.is_(echo.group(1) if echo else None, UART_LINE,
          'uart: the guest echoes the typed line exactly')
    for line in UART_THRE_LINES:
        t.ok(re.search('^' + re.escape(line) + '$', run.text, re.M),
             'uart: THRE output line intact on the console: %s' % line[:24], run.tail(12))
    check_dev_end(t, args, run, what)
    check_guest_tap(t, run, what, 6)


def sc_watchdog(t, args):
    """watchdog=2 ends a guest that spins with IF=0 (hypervisor only)."""
    # 2 s of host time: QEMU gets 120 s before it is killed (a hypervisor
    # without a working watchdog then shows as a timeout, not a hang).
    run = Run(args, 'guest=spin watchdog=2', timeout=120)
    check_common(t, run, WATCHDOG, 'watchdog=2')
    t.ok(re.search(r'^spin: spinning with IF=0', run.text, re.M),
         'watchdog=2: the guest was spinning', run.tail(5))
    t.ok(run.stats() is not None, 'watchdog=2: the exit statistics line is printed', run.tail(5))
    t.ok('PANIC' not in run.text, 'watchdog=2: no hypervisor panic')
