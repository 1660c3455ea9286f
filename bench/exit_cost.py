#!/usr/bin/env python3
"""Exit-cost benchmark of the SVM core: guest-measured RDTSC ticks per
intercepted instruction (CPUID, OUT, VMMCALL, RDMSR) against an empty loop
and a plain ADD, with the built-in guest "bench_exits" (see the header of
guestlib/guests/bench_exits.c).

QEMU runs with `-icount shift=0` (TCG only): the guest TSC then advances
by exactly one per executed instruction, guest and hypervisor alike, so a
"tick" is one instruction and the numbers are reproducible. They are an
instruction count of the exit path under QEMU, not the time it takes on
real hardware.

Boots: twice with N iterations (to show the numbers repeat), once with
iterations=0 to get the exits that are not part of the loops (runtime
start, console output); exits per iteration = (count(N) - count(0)) / N.

usage: exit_cost.py HV_ELF [ITERATIONS]   (default 1000)
Exit status 1 only if a boot fails or the guest output cannot be parsed;
different numbers between the two runs are reported, not failed on.
"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'qemu'))
import hvqemu  # noqa: E402

ICOUNT_ARGS = ['-icount', 'shift=0']
TIMEOUT = 180
MEM_MIB = 256

BENCH_RE = re.compile(r'^bench (\S+)\s+iterations=(\d+)\s+ticks=(\d+)\s+per_op=(\d+)', re.M)
STATS_RE = re.compile(r'^exit stats:(.*)$', re.M)

# operation -> (exit it should cause (name in the "exit stats:" line), what the loop runs)
OPS = [
    ('empty', None, 'dec; jnz (the loop itself)'),
    ('add', None, 'add $1,%rbx'),
    ('cpuid', 'CPUID', 'xor eax; xor ecx; cpuid'),
    ('out', 'IOIO', 'out %al,$0x80'),
    ('vmmcall', 'VMMCALL', 'xor eax; vmmcall'),
    ('rdmsr', 'MSR', 'mov $0x10,%ecx; rdmsr'),
]


class BenchError(Exception):
    pass


def boot(iso, what):
    """Boot once; return ({op: (iterations, ticks)}, {exit: count})."""
    r = hvqemu.run_iso(iso, mem_mib=MEM_MIB, timeout=TIMEOUT, accel='tcg',
                       extra_args=ICOUNT_ARGS)
    text = r.serial.replace('\r', '')
    tail = '\n'.join(text.rstrip().splitlines()[-15:])
    # Status 0 is QEMU rc 1, which hvqemu believes only with the banner.
    if r.reason != 'exit' or r.status != 0:
        raise BenchError('%s: run ended with %s (%s), QEMU rc %r\n%s\n%s' % (
            what, r.reason, hvqemu.status_name(r.status), r.qemu_rc, tail, r.stderr))
    rows = {}
    for name, iters, ticks, _ in BENCH_RE.findall(text):
        rows[name] = (int(iters), int(ticks))
    missing = [op for op, _, _ in OPS if op not in rows]
    if missing:
        raise BenchError('%s: no result line for %s\n%s' % (what, ', '.join(missing), tail))
    stats = STATS_RE.findall(text)
    if len(stats) != 1:
        raise BenchError('%s: %d "exit stats:" lines\n%s' % (what, len(stats), tail))
    counts = {}
    for word in stats[0].split():
        name, _, n = word.partition('=')
        counts[name] = int(n)
    return rows, counts


def table(rows, counts, counts0, n):
    """The result table (Markdown) and the exits not attributed to any op."""
    base = rows['empty'][1] / n
    out = ['| operation | loop body | exit | exits/iteration | ticks/op | ticks/op - empty |',
           '|-----------|-----------|------|-----------------|----------|------------------|']
    attributed = 0
    for op, exitname, body in OPS:
        per_op = rows[op][1] / n
        if exitname is not None:
            delta = counts.get(exitname, 0) - counts0.get(exitname, 0)
            attributed += delta
            ex = '%g' % (delta / n)
        else:
            ex = '0'
        out.append('| %s | `%s` | %s | %s | %.3f | %.3f |' % (
            op, body, exitname or '-', ex, per_op, per_op - base))
    total = sum(counts.values()) - sum(counts0.values())
    return '\n'.join(out), total - attributed


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    hv_elf = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    if n <= 0:
        print('exit_cost: ITERATIONS must be positive')
        return 2
    try:
        with tempfile.TemporaryDirectory(prefix='bench-exit-') as tmp:
            iso_n = hvqemu.make_iso(hv_elf, os.path.join(tmp, 'n.iso'),
                                    'guest=bench_exits guest_args=iterations=%d' % n)
            iso_0 = hvqemu.make_iso(hv_elf, os.path.join(tmp, 'zero.iso'),
                                    'guest=bench_exits guest_args=iterations=0')
            run1 = boot(iso_n, 'run 1 (iterations=%d)' % n)
            run2 = boot(iso_n, 'run 2 (iterations=%d)' % n)
            run0 = boot(iso_0, 'calibration run (iterations=0)')
    except (BenchError, RuntimeError) as e:
        print('exit_cost: %s' % e)
        return 1

    rows, counts = run1
    for op, _, _ in OPS:
        if rows[op][0] != n:
            print('exit_cost: guest ran %d iterations of %s, asked for %d' % (rows[op][0], op, n))
            return 1
    print('exit_cost: QEMU TCG %s, guest bench_exits, N=%d iterations per operation' %
          (' '.join(ICOUNT_ARGS), n))
    print('exit stats, run 1:           %s' % ' '.join('%s=%d' % kv for kv in sorted(counts.items())))
    print('exit stats, run 2:           %s' % ' '.join('%s=%d' % kv for kv in sorted(run2[1].items())))
    print('exit stats, iterations=0:    %s' % ' '.join('%s=%d' % kv for kv in sorted(run0[1].items())))
    print()
    text, other = table(rows, counts, run0[1], n)
    print(text)
    print()
    print('exits during the loops not explained by the table: %d' % other)
    print('timed region without a loop (fences + RDTSC): %d ticks' % run0[0]['empty'][1])
    if run1 == run2:
        print('run 1 and run 2: identical (all ticks and exit counts)')
    else:
        diff = [op for op, _, _ in OPS if run1[0][op] != run2[0][op]]
        print('run 1 and run 2: DIFFERENT (ticks differ for: %s; exit counts %s)' % (
            ', '.join(diff) or 'none', 'equal' if run1[1] == run2[1] else 'differ'))
        print()
        print(table(run2[0], run2[1], run0[1], n)[0])
    return 0


if __name__ == '__main__':
    sys.exit(main())
