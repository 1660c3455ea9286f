#!/usr/bin/env python3
"""Linux boot benchmark (issue 10): Debian's cloud kernel with a tiny
busybox initramfs, booted to the initramfs marker line

  (a) directly in QEMU: -kernel/-initrd/-append, and
  (b) under the hypervisor in QEMU: GRUB ISO, hv.elf, `module2` kernel
      and initrd, as tests/linux/test_linux.py boots it,

with the same kernel, initramfs, guest RAM (256 MiB), kernel command line
(console=ttyS0), CPU model (max,+svm) and accelerator (TCG), in the same
run. Reported:

  wall     RUNS boots of each, interleaved: seconds from QEMU start to
           the marker line on the serial port, medians and their ratio
           (target < 1.3); for (b) also QEMU start -> "vm: starting guest"
           (SeaBIOS, GRUB reading the ISO, the loader), which (a) has no
           counterpart of.
  icount   under -icount shift=0,sleep=off the guest's TSC counts executed
           instructions (1 ns of virtual time each) and an idle CPU jumps
           to its next timer instead of waiting in real time, so a run is
           deterministic: the guest's own uptime at the marker (the printk
           timestamp of the line /init writes to /dev/kmsg) for both, and
           the ratio (target < 1.1). Two runs of each must agree.
  exits    the hypervisor's "exit stats:" line for the whole boot (to
           `poweroff -f`, status 0) of the first icount run, and its
           "exit ticks:" line (hypervisor option exitprof=1: host ticks
           from each exit to the next VMRUN, per exit kind, hv/vm_run.c):
           under icount a tick is an instruction, so the table shows where
           the extra instructions go: per kind, instructions, share of the
           run, instructions per exit.

  ports    one more boot under the hypervisor (icount, loglevel=debug: a
           trace line per exit) counts the IOIO exits by port and the NPF
           exits by page, to name the devices behind the top kinds.

The wall-time boots run without exitprof=1; the icount ones with it (two
RDTSCs and a few instructions more per exit). The icount runs of each
kind are compared: identical uptimes, or the first kernel message whose
timestamp differs (GRUB's CD reads complete in real time, so the guest
can start at a different virtual instant).

Measured numbers and what dominates: README.md, "Linux boot".

usage: linux_boot.py HV_ELF [RUNS]   (default 3 wall-time runs of each)
Exit status 1 only if a boot fails or a marker is missing; missed targets
and icount runs that disagree are reported, not failed on.
"""
import glob
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'qemu'))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'linux'))
import hvqemu  # noqa: E402
import initramfs  # noqa: E402

GUEST_MEM = 256                 # MiB: -m of the direct boot, mem= of the hypervisor
HOST_MEM = 512                  # MiB: the QEMU machine under the hypervisor
HV_ARGS = 'mem=%dM exitprof=1' % GUEST_MEM
HV_ARGS_TRACE = 'mem=%dM exitprof=1 loglevel=debug' % GUEST_MEM
# nokaslr, and no RDRAND/RDSEED: with them the kernel's layout comes from
# the host's random numbers, or from the TSC at entry under the
# hypervisor (GRUB's CD reads end at real-time points), and the icount
# runs would not repeat.
APPEND = 'console=ttyS0 nokaslr'
CPU = 'max,+svm,-rdrand,-rdseed'
BUSYBOX = '/bin/busybox'
TIMEOUT = 300                   # seconds for one boot
# The RTC follows virtual time from a fixed date: the kernel's and the
# hypervisor's waits for its update cycle take the same time in each run.
ICOUNT = ['-icount', 'shift=0,sleep=off', '-rtc', 'base=2025-01-01T00:00:00,clock=vm']
WALL_TARGET, ICOUNT_TARGET = 1.3, 1.1
AGREE = 0.001                   # icount runs agree: uptimes within 0.1 %
TOP = 8                         # exit kinds in the "where the time goes" table

# /init: the marker as early as possible, then power off. The line
# written to /dev/kmsg comes back on the console with the kernel's
# timestamp (the guest's uptime, microseconds).
INIT = r'''#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs devtmpfs /dev
echo "SVMHV-BENCH: marker" > /dev/kmsg
read up idle < /proc/uptime
echo "SVMHV-UPTIME: $up"
/bin/busybox poweroff -f
'''
MARKER_RE = re.compile(r'^.*\[\s*(\d+\.\d+)\] SVMHV-BENCH: marker', re.M)
UPTIME_RE = re.compile(r'^.*SVMHV-UPTIME: (\d+\.\d+)', re.M)
PRINTK_RE = re.compile(r'^.*?\[\s*(\d+\.\d+)\] (.+)$', re.M)
TSC_DETECTED_RE = re.compile(r'tsc: Detected (\d+\.\d+) MHz')
STARTING_RE = re.compile(r'^vm: starting guest', re.M)
STATS_RE = re.compile(r'^exit stats:(.*)$', re.M)
TICKS_RE = re.compile(r'^exit ticks:(.*)$', re.M)
TSC_RE = re.compile(r'^tsc: (\d+\.\d+) MHz', re.M)
TRACE_RE = re.compile(r'exit (IOIO|NPF) rip=0x[0-9a-f]+ info1=(0x[0-9a-f]+) info2=(0x[0-9a-f]+)')
# What sits at the ports and pages the guest's exits name (the monitor's
# machine, README "Devices").
PORTS = [(0x3f8, 0x3ff, 'COM1 16550A (console: a THR write and an LSR poll per character)'),
         (0x60, 0x60, 'i8042 data'), (0x64, 0x64, 'i8042 status/command (Linux polls it)'),
         (0x61, 0x61, 'port B: PIT channel 2 gate and output (Linux\'s TSC calibration polls it)'),
         (0x40, 0x43, 'i8254 PIT (channel 2: the TSC calibration)'), (0x70, 0x71, 'MC146818 RTC/CMOS'),
         (0x608, 0x60b, 'ACPI PM timer (a clocksource read per access)'),
         (0x600, 0x607, 'ACPI PM1 event/control block'),
         (0x20, 0x21, '8259 PIC master'), (0xa0, 0xa1, '8259 PIC slave'),
         (0x4d0, 0x4d1, '8259 ELCR'), (0x80, 0x80, 'POST port 0x80 (I/O delay)'),
         (0xcf8, 0xcff, 'PCI configuration (no PCI bus: all ones)'),
         (0x510, 0x511, 'fw_cfg'), (0x2f8, 0x2ff, 'COM2 (absent)'),
         (0x3e8, 0x3ef, 'COM3 (absent)'), (0x2e8, 0x2ef, 'COM4 (absent)')]
PAGES = [(0xfee00000, 0xfee00fff, 'local APIC (xAPIC MMIO: EOI, timer, ICR)'),
         (0xfec00000, 0xfec00fff, 'IOAPIC (redirection table)')]


class BenchError(Exception):
    pass


def plain_argv(kernel, initrd, extra):
    """Direct boot: the machine of hvqemu.qemu_argv() without the ISO."""
    return [hvqemu.QEMU, '-accel', 'tcg', '-cpu', CPU, '-m', str(GUEST_MEM),
            '-display', 'none', '-no-reboot', '-nic', 'none',
            '-device', 'isa-debug-exit,iobase=0x%x,iosize=1' % hvqemu.DEBUG_EXIT_PORT,
            '-kernel', kernel, '-initrd', initrd, '-append', APPEND] + list(extra)


def words(line):
    """'A=1 B=2' -> {'A': 1, 'B': 2}"""
    out = {}
    for w in line.split():
        k, _, v = w.partition('=')
        out[k] = int(v)
    return out


def parse(kind, r, what, out):
    """Check that the run (an hvqemu.Result) ended with the poweroff and
    fill out: stamp (printk time of the marker), uptime (/proc/uptime),
    total (s to QEMU's exit), and for hv stats and ticks (the exit lines
    as dicts) and tsc_hz."""
    text = r.serial.replace('\r', '')
    # Direct: ACPI S5 makes QEMU exit 0; the hypervisor: status 0 through isa-debug-exit.
    ok = (r.qemu_rc == 0) if kind == 'plain' else (r.reason, r.status) == ('exit', 0)
    if not ok:
        raise BenchError('%s: the run did not end with poweroff (%s, status %s, QEMU rc %r)\n%s'
                         % (what, r.reason, hvqemu.status_name(r.status), r.qemu_rc,
                            text[-1500:]))
    m, up = MARKER_RE.search(text), UPTIME_RE.search(text)
    if m is None:
        raise BenchError('%s: no marker line\n%s' % (what, text[-1500:]))
    out.update(stamp=float(m.group(1)), uptime=float(up.group(1)) if up else None,
               total=r.elapsed, text=text)
    if kind == 'hv':
        st, tk, hz = STATS_RE.findall(text), TICKS_RE.findall(text), TSC_RE.search(text)
        if len(st) != 1 or len(tk) != 1 or not hz:
            raise BenchError('%s: %d "exit stats:" and %d "exit ticks:" lines, tsc line %s\n%s'
                             % (what, len(st), len(tk), 'found' if hz else 'missing',
                                text[-1500:]))
        out.update(stats=words(st[0]), ticks=words(tk[0]), tsc_hz=float(hz.group(1)) * 1e6)
    return out


def boot_wall(kind, argv, what):
    """One boot ('plain' or 'hv') in a hvqemu.Session, watched as it
    runs: parse() plus wall (s from QEMU start to the marker) and, for
    hv, start (s to "vm: starting guest")."""
    t0 = time.monotonic()
    with hvqemu.Session(argv, timeout=TIMEOUT) as s:
        t_start = None
        if kind == 'hv':
            if s.expect(STARTING_RE) is None:
                raise BenchError('%s: no "vm: starting guest"\n%s' % (what, s.text[-1500:]))
            t_start = time.monotonic() - t0
        if s.expect(MARKER_RE) is None:
            raise BenchError('%s: no marker line\n%s' % (what, s.text[-1500:]))
        t_marker = time.monotonic() - t0
        r = s.wait()
    return parse(kind, r, what, {'wall': t_marker, 'start': t_start})


def boot_icount(kind, iso_or_kernel, initrd, what):
    """One boot under ICOUNT with the serial port in a file: a socket can
    hold the UART's transmitter up at real-time points, a file never does."""
    if kind == 'hv':
        r = hvqemu.run_iso(iso_or_kernel, HOST_MEM, TIMEOUT, 'tcg', ICOUNT, CPU)
        return parse(kind, r, what, {})
    with tempfile.TemporaryDirectory(prefix='bench-linux-run-') as tmp:
        log = os.path.join(tmp, 'serial.log')
        argv = plain_argv(iso_or_kernel, initrd, ICOUNT) + ['-serial', 'file:' + log,
                                                             '-monitor', 'none']
        t0 = time.monotonic()
        try:
            p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=TIMEOUT)
            rc, err = p.returncode, p.stderr
        except subprocess.TimeoutExpired:
            rc, err = None, b''
        with open(log, 'rb') as f:
            serial = f.read().decode('utf-8', 'replace')
    status, reason = hvqemu.decode_exit(rc, serial)
    r = hvqemu.Result(status, reason, serial, '', time.monotonic() - t0, rc,
                      err.decode('utf-8', 'replace'))
    return parse(kind, r, what, {})


def boot_trace(iso, what):
    """One icount boot with a trace line per exit: {'IOIO': {port: n},
    'NPF': {page: n}}."""
    r = hvqemu.run_iso(iso, HOST_MEM, TIMEOUT, 'tcg', ICOUNT, CPU)
    out = {'IOIO': {}, 'NPF': {}, 'stats': parse('hv', r, what, {})['stats']}
    for kind, info1, info2 in TRACE_RE.findall(r.serial):
        # IOIO: EXITINFO1 bits 31:16 the port (APM Vol.2 15.10.2); NPF: EXITINFO2 the GPA.
        key = (int(info1, 16) >> 16) & 0xffff if kind == 'IOIO' else int(info2, 16) & ~0xfff
        out[kind][key] = out[kind].get(key, 0) + 1
    return out


def name_of(table, key):
    for lo, hi, name in table:
        if lo <= key <= hi:
            return name
    return 'RAM' if table is PAGES and key < GUEST_MEM << 20 else '?'


def verdict(ratio, target):
    return '%.2f (target < %.1f: %s)' % (ratio, target, 'met' if ratio < target else 'NOT met')


def med(runs, key):
    return statistics.median([r[key] for r in runs])


def report_wall(plain, hv):
    print('(a)/(b) wall time, QEMU start -> marker, %d runs each (interleaved):' % len(plain))
    for name, runs in (('direct', plain), ('hypervisor', hv)):
        print('  %-11s %s s   median %.2f s' % (name + ':', ' '.join('%.2f' % r['wall'] for r in runs),
                                              med(runs, 'wall')))
    print('    of which QEMU start -> "vm: starting guest" (SeaBIOS, GRUB reading the ISO, '
          'the loader): median %.2f s' % med(hv, 'start'))
    print('    "vm: starting guest" -> marker: median %.2f s'
          % statistics.median([r['wall'] - r['start'] for r in hv]))
    print('  ratio hypervisor/direct, QEMU start -> marker: %s'
          % verdict(med(hv, 'wall') / med(plain, 'wall'), WALL_TARGET))
    print('  ratio with the hypervisor counted from "vm: starting guest" (its firmware, GRUB and '
          'loader left out; the direct boot keeps SeaBIOS): %s' % verdict(
              statistics.median([r['wall'] - r['start'] for r in hv]) / med(plain, 'wall'),
              WALL_TARGET))
    print('  guest uptime at the marker (printk; real time here, no firmware, GRUB or loader): '
          'direct median %.3f s, hypervisor median %.3f s, ratio %.2f'
          % (med(plain, 'stamp'), med(hv, 'stamp'), med(hv, 'stamp') / med(plain, 'stamp')))
    # exitprof=1 in real time: the hypervisor's own share of the guest phase.
    r = sorted(hv, key=lambda r: r['wall'])[len(hv) // 2]
    tk = dict(r['ticks'])
    run, idle = tk.pop('run'), tk.pop('idle')
    hz, hvt = r['tsc_hz'], sum(tk.values())
    print('  median hypervisor run, "exit ticks:" in seconds of its TSC (%.0f MHz): guest run '
          '%.2f s = hypervisor after exits %.2f s + idle in HLT %.2f s + the rest %.2f s '
          '(the guest, VMRUN/#VMEXIT and nested paging in QEMU)'
          % (hz / 1e6, run / hz, hvt / hz, idle / hz, (run - hvt - idle) / hz))
    n = sum(r['stats'].values())
    print('    %d exits (%s): %.1f us of hypervisor code per exit' % (
        n, ' '.join('%s=%d' % kv for kv in sorted(r['stats'].items(), key=lambda kv: -kv[1])),
        1e6 * hvt / hz / n))


def spread(vals):
    return (max(vals) - min(vals)) / min(vals)


def report_icount(ip, ih):
    print()
    print('(c) %s: guest uptime at the marker (printk timestamp; /proc/uptime in brackets):'
          % ' '.join(ICOUNT))
    for name, runs in (('direct', ip), ('hypervisor', ih)):
        print('  %-11s %s   (wall %s s)' % (name + ':', '  '.join(
            '%.6f s [%s]' % (r['stamp'], '%.2f' % r['uptime'] if r['uptime'] is not None else '-')
            for r in runs), ' '.join('%.1f' % r['total'] for r in runs)))
    for name, runs in (('direct', ip), ('hypervisor', ih)):
        if len(runs) < 2:
            continue
        sp = spread([r['stamp'] for r in runs])
        same = 'identical' if sp == 0 else 'NOT identical, differ by %.4f %%' % (100 * sp)
        if sp:
            a, b = PRINTK_RE.findall(runs[0]['text']), PRINTK_RE.findall(runs[1]['text'])
            d = next(((x, y) for x, y in zip(a, b) if x != y), None)
            if d:
                same += ', first from "%s" (%s / %s s)' % (d[0][1][:50], d[0][0], d[1][0])
            tsc = [TSC_DETECTED_RE.search(r['text']) for r in runs]
            if all(tsc):
                same += '; the kernel\'s TSC calibration: %s' % ' / '.join(m.group(1) for m in tsc)
        if name == 'hypervisor':
            same += ', exit counts %s' % ('identical' if all(r['stats'] == runs[0]['stats']
                                                            for r in runs) else 'differ')
        print('  %s runs: %s (%s within %g %%)' % (name, same, 'agree' if sp <= AGREE else
                                                 'DO NOT agree', 100 * AGREE))
    print('  ratio hypervisor/direct: %s' % verdict(ih[0]['stamp'] / ip[0]['stamp'], ICOUNT_TARGET))
    print('  extra guest time under the hypervisor: %.3f s = %.0f M instructions'
          % (ih[0]['stamp'] - ip[0]['stamp'], (ih[0]['stamp'] - ip[0]['stamp']) * 1e3))


# Where each kind's instructions go (the "why" column of table (e)).
WHY = {
    'IOIO': 'port I/O emulated by the monitor: decode, device model, console out; by port below',
    'NPF': 'MMIO to the IOAPIC/LAPIC (pages below): the guest\'s tables walked, the access emulated',
    'CPUID': 'no NRIP-save under QEMU: the instruction is fetched and its length decoded',
    'MSR': 'RDMSR/WRMSR through the MSR policy (unknown AMD MSRs -> #GP, logged as vm: lines)',
    'INTR': "the host's own interrupts (its LAPIC timer, console): vclock and device timers",
    'HLT': 'the idle guest: the hypervisor sleeps to the next timer (time asleep is idle=)',
    'VINTR': 'interrupt window: an IRQ pending while the guest had IF=0',
}


def report_exits(r, trace):
    stats, ticks = r['stats'], dict(r['ticks'])
    print()
    print('(d) exits for the whole boot (to poweroff), icount run 1: %d in all' % sum(stats.values()))
    print('  ' + ' '.join('%s=%d' % kv for kv in sorted(stats.items(), key=lambda kv: -kv[1])))
    run, idle = ticks.pop('run'), ticks.pop('idle')
    hv = sum(ticks.values())
    guest = run - idle - hv
    print()
    print('(e) where the time goes under the hypervisor (exitprof=1 under icount: a tick is an '
          'instruction)')
    print('  the guest run (vm_run, kernel entry to poweroff) %d = guest %d (%.1f%%) + hypervisor '
          'after exits %d (%.1f%%) + idle in HLT %d (%.1f%%)'
          % (run, guest, 100.0 * guest / run, hv, 100.0 * hv / run, idle, 100.0 * idle / run))
    print('  | exit kind | exits | instructions | share of the run | instructions/exit |')
    print('  |-----------|-------|--------------|------------------|-------------------|')
    top = sorted(ticks.items(), key=lambda kv: -kv[1])
    for name, n in top[:TOP]:
        cnt = stats.get(name, 0)
        print('  | %s | %d | %d | %.2f%% | %s |' % (name, cnt, n, 100.0 * n / run,
                                                   '%.0f' % (n / cnt) if cnt else '-'))
    if len(top) > TOP:
        rest = top[TOP:]
        print('  | (%d other kinds) | %d | %d | %.2f%% | |' % (
            len(rest), sum(stats.get(k, 0) for k, _ in rest), sum(n for _, n in rest),
            100.0 * sum(n for _, n in rest) / run))
    print()
    for name, _ in top[:TOP]:
        print('  %-5s %s' % (name, WHY.get(name, '')))
    for kind, table, fmt in (('IOIO', PORTS, 'port 0x%x'), ('NPF', PAGES, 'page 0x%x')):
        seen = trace[kind]
        total = sum(seen.values())
        print('  %s exits by %s (trace boot: %d trace lines found, %d in its exit stats):'
              % (kind, fmt.split()[0], total, trace['stats'].get(kind, 0)))
        for key, n in sorted(seen.items(), key=lambda kv: -kv[1])[:6]:
            print('    %-12s %6d (%4.1f%%)  %s' % (fmt % key, n, 100.0 * n / total,
                                              name_of(table, key)))


def phases(plain_text, hv_text, n=4):
    """Where the guest's own time differs: the kernel messages both icount
    boots print, in the direct boot's order (a message the hypervisor
    boot printed earlier than the previous one matched is left out, as
    asynchronous work lands in different places), and the n intervals
    between consecutive ones whose length differs most."""
    hv_at = {}
    for t, msg in PRINTK_RE.findall(hv_text):
        hv_at.setdefault(msg, float(t))
    rows, prev = [], None
    for t, msg in PRINTK_RE.findall(plain_text):
        th = hv_at.get(msg)
        if th is None or (prev and th < prev[1]):
            continue
        t = float(t)
        if prev:
            rows.append(((th - prev[1]) - (t - prev[0]), t - prev[0], th - prev[1], prev[2], msg))
        prev = (t, th, msg)
    print()
    print('  guest phases that differ most (icount run 1, printk: direct / hypervisor):')
    for d, tp, th, a, b in sorted(rows, key=lambda r: -abs(r[0]))[:n]:
        print('    %+.3f s (%.3f / %.3f s) from "%s" to "%s"' % (d, tp, th, a[:60], b[:60]))


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    hv_elf = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    if runs < 1:
        print('linux_boot: RUNS must be positive')
        return 2
    kernels = sorted(glob.glob('/boot/vmlinuz-*-cloud-amd64'))
    if not kernels or not os.access(BUSYBOX, os.X_OK):
        print('linux_boot: needs /boot/vmlinuz-*-cloud-amd64 and %s (scripts/setup.sh test '
              'installs linux-image-cloud-amd64 and busybox-static)' % BUSYBOX)
        return 1
    kernel = kernels[-1]
    t_all = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix='bench-linux-') as tmp:
            initrd = initramfs.build(BUSYBOX, os.path.join(tmp, 'initrd.cpio'), INIT)
            iso = hvqemu.make_iso(hv_elf, os.path.join(tmp, 'hv.iso'), HV_ARGS,
                                  [(kernel, APPEND), (initrd, '')])
            plain, hv = [], []
            for i in range(runs):
                plain.append(boot_wall('plain', plain_argv(kernel, initrd, ()),
                                       'direct run %d' % (i + 1)))
                hv.append(boot_wall('hv', hvqemu.qemu_argv(iso, HOST_MEM, 'tcg', None, cpu=CPU),
                                    'hypervisor run %d' % (i + 1)))
            ip = [boot_icount('plain', kernel, initrd, 'direct icount run %d' % i) for i in (1, 2)]
            ih = [boot_icount('hv', iso, None, 'hypervisor icount run %d' % i) for i in (1, 2)]
            iso_t = hvqemu.make_iso(hv_elf, os.path.join(tmp, 'hv-trace.iso'), HV_ARGS_TRACE,
                                    [(kernel, APPEND), (initrd, '')])
            trace = boot_trace(iso_t, 'hypervisor trace run')
    except (BenchError, RuntimeError) as e:
        print('linux_boot: %s' % e)
        return 1
    print('linux_boot: %s, busybox initramfs, -m %d / mem=%dM, -cpu %s, TCG, append "%s", '
          'hypervisor "%s"' % (os.path.basename(kernel), GUEST_MEM, GUEST_MEM, CPU, APPEND, HV_ARGS))
    print()
    report_wall(plain, hv)
    report_icount(ip, ih)
    phases(ip[0]['text'], ih[0]['text'])
    report_exits(ih[0], trace)
    print()
    print('linux_boot: %.0f s in all' % (time.monotonic() - t_all))
    return 0


if __name__ == '__main__':
    sys.exit(main())
