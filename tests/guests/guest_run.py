"""Shared parts of the QEMU guest tests (guest_test.py, guest_dev.py): the
hypervisor's exit statuses and the serial-log patterns, one boot of
hv.elf under QEMU (Run), and the checks every scenario makes on it: the
exit status and the hypervisor's last line (check_common), the guest's own
TAP results re-emitted and its plan met (check_guest_tap); the command
line of a guest under svmhv (hv_cmdline) and the QEMU settings of the
device guests (DEV_TIMEOUT, ICOUNT).

Sources: hv/status.h (statuses), guestlib/tap.c (the guests' TAP lines),
tests/qemu/hvqemu.py (QEMU, the ISO, Tap).
"""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'qemu'))
import hvqemu  # noqa: E402

# hv/status.h
OK, SHUTDOWN, BADGPA, GUEST_ERROR, NO_SVM, BAD_CONFIG = 0, 33, 34, 35, 36, 37

TIMEOUT = 60
# The device and interrupt guests (guest_dev.py, and exitprof's intr_pm32).
DEV_TIMEOUT = 600
# Virtual time for the timing guests: with -icount the TSC, the PIT, the
# LAPIC timer (and under svmhv the host's own timers) all count executed
# instructions (2^3 ns each), so "100 +- 2 ticks in 100 ms" measures the
# device models, not how much CPU a busy host gives QEMU; sleep=off jumps
# over HLT. Without it a loaded 2-core host loses most ticks (tried: 19
# of 100).
ICOUNT = ('-icount', 'shift=3,sleep=off')
# Exits that come from the host, not from what the guest executes.
HOST_EVENT_EXITS = ('INTR', 'NMI')
TAP_RE = re.compile(r'^(ok|not ok) (\d+)(?: - (.*))?$', re.M)
# A TAP directive at the end of a guest's result line (tap.c tap_skip).
SKIP_RE = re.compile(r'^(.*?)\s+#\s+SKIP\b\s*(.*)$', re.I)
PLAN_RE = re.compile(r'^1\.\.(\d+)$', re.M)
STATS_RE = re.compile(r'^exit stats:(.*)$', re.M)
TICKS_RE = re.compile(r'^exit ticks:(.*)$', re.M)
HV_EXIT_RE = re.compile(r'^svmhv: exit status (\d+)$', re.M)
NPF_RE = re.compile(r'guest accessed GPA (0x[0-9a-f]+) outside RAM and MMIO at RIP (0x[0-9a-f]+)')
SHUTDOWN_RE = re.compile(r'guest shutdown \(triple fault\) at RIP (0x[0-9a-f]+)')
HALT_RE = re.compile(r'guest halted at RIP (0x[0-9a-f]+)')
INVD_RE = re.compile(r'^# invd executed (\d+) times$', re.M)
UNHANDLED_RE = re.compile(r'vm: unhandled exit code (0x[0-9a-f]+) \((\w+)\) at RIP (0x[0-9a-f]+)')
TRACE_RE = re.compile(r'exit (\S+) rip=(0x[0-9a-f]+) info1=(0x[0-9a-f]+) info2=(0x[0-9a-f]+)')


def qemu_version():
    """(major, minor) of the QEMU that runs the tests."""
    out = subprocess.run([hvqemu.QEMU, '--version'], capture_output=True, text=True,
                         check=True).stdout
    m = re.search(r'version (\d+)\.(\d+)', out)
    if not m:
        raise RuntimeError('cannot parse %s --version: %r' % (hvqemu.QEMU, out[:80]))
    return int(m.group(1)), int(m.group(2))


class Run:
    """One boot and what it showed."""

    def __init__(self, args, cmdline, modules=(), mem_mib=256, cpu=None, extra_args=(),
                 timeout=TIMEOUT, test_image=False):
        self.cmdline = cmdline
        image = args.hv_test if test_image else args.hv
        with tempfile.TemporaryDirectory(prefix='guest-test-') as tmp:
            iso = hvqemu.make_iso(image, os.path.join(tmp, 'hv.iso'), cmdline, modules)
            self.res = hvqemu.run_iso(iso, mem_mib=mem_mib, timeout=timeout, accel='tcg',
                                      cpu=cpu, extra_args=extra_args)
        self.text = self.res.serial
        self.status = self._status()

    def _status(self):
        """The HV_STATUS_* from QEMU's exit code ((s << 1) | 1)."""
        r = self.res
        if r.status is not None:
            return r.status
        # hvqemu refuses rc 1 (status 0) without the banner; the
        # hypervisor's own last line also says how it ended.
        if r.qemu_rc is not None and r.qemu_rc > 0 and r.qemu_rc & 1 and \
                HV_EXIT_RE.search(self.text):
            return r.qemu_rc >> 1
        return None

    def stats(self):
        """The exit statistics line as a dict NAME -> count (None if absent),
        without the exits of host events (INTR: the host's timer and console
        interrupts, NMI), whose number depends on timing, not on the guest."""
        m = STATS_RE.findall(self.text)
        if len(m) != 1:
            return None
        out = {}
        for word in m[0].split():
            name, _, count = word.partition('=')
            if name not in HOST_EVENT_EXITS:
                out[name] = int(count)
        return out

    def tail(self, n=25):
        return '\n'.join(self.text.rstrip().splitlines()[-n:])


def check_common(t, run, want_status, what):
    """Status, the hypervisor's own final line, and a single stats line."""
    t.ok(run.res.reason in ('exit', 'qemu-error') and run.status is not None,
         '%s: QEMU ended through isa-debug-exit' % what,
         'reason %s, rc %r\n%s' % (run.res.reason, run.res.qemu_rc, run.tail()))
    t.is_(run.status, want_status, '%s: exit status %s' % (what, hvqemu.status_name(want_status)))
    m = HV_EXIT_RE.findall(run.text)
    t.ok(len(m) == 1 and int(m[0]) == run.status,
         '%s: hypervisor reports the same status it exits with' % what,
         'printed %r, QEMU says %r' % (m, run.status))


def check_guest_tap(t, run, what, want_checks):
    """Re-emit the guest's TAP results (a guest's SKIP stays a skip); check
    its plan was met and that it ran exactly the checks it was built with."""
    results = TAP_RE.findall(run.text)
    plans = PLAN_RE.findall(run.text)
    for i, (verdict, num, name) in enumerate(results):
        m = SKIP_RE.match(name or '')
        if m and verdict == 'ok' and int(num) == i + 1:
            t.skip('%s guest: %s' % (what, m.group(1)), m.group(2))
            continue
        t.ok(verdict == 'ok' and int(num) == i + 1,
             '%s guest: %s' % (what, name or '(unnamed)'),
             'guest line: %s %s - %s' % (verdict, num, name))
    t.ok(len(plans) == 1 and int(plans[0]) == len(results) == want_checks,
         '%s guest: plan 1..%s and %d results, %d wanted' %
         (what, plans[0] if plans else '?', len(results), want_checks), run.tail())
    return results


def hv_cmdline(guest, guest_args='', hv_args=''):
    words = ['guest=' + guest]
    if guest_args:
        words.append('guest_args=' + guest_args)
    if hv_args:
        words.append(hv_args)
    return ' '.join(words)
