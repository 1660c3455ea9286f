#!/usr/bin/env python3
"""Where the instructions of an exit go: a per-function instruction
profile of the hypervisor under QEMU TCG -icount shift=0, for the guest
bench_exits (the numbers of bench/exit_cost.py, taken apart).

QEMU logs every translation block it executes in the hypervisor's image
(`-d in_asm,exec,nochain -dfilter`: in_asm gives each block's
instructions, exec each execution). The trace is cut into exits at the
instruction after VMRUN; exits with the same handler functions and the
same instruction count are grouped, and for each group the instructions
per exit are summed per function (memcpy/memset per caller). Groups
with fewer than MIN_EXITS exits are left out unless they are large.

Not logged: tsc_init (a 50 ms PIT poll at boot) and the REP STOSB of
memset, which clears guest RAM at boot (one log line per byte); calls of
memset are counted, its iterations are not, so a group's total is short
of the guest's measurement by the bytes memset clears on that path.
Every other REP iteration counts as one instruction, as under -icount.

usage: exit_profile.py HV_ELF [GUEST_ARGS]   (default iterations=20,bulk=0)
The QEMU log (~400 MB for the default) goes to a temporary directory.
"""
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'qemu'))
import hvqemu  # noqa: E402

MIN_EXITS = 3
LARGE = 10000           # instructions: an exit this long is shown even alone
HANDLER_PREFIXES = ('exit_', 'vmm_', 'pc_testdev', 'ns16550', 'x86_assist', 'bus_',
                    'lapic_mmio', 'intr_')
COPY_FUNCS = ('memcpy', 'memset', 'memmove')


class Symbols:
    """Function symbols of the ELF: address -> name."""

    def __init__(self, elf):
        out = subprocess.run(['nm', '-nS', elf], capture_output=True, text=True,
                             check=True).stdout
        self.syms, self.addr = [], {}
        for line in out.splitlines():
            p = line.split()
            if len(p) >= 3:
                self.addr[p[-1]] = int(p[0], 16)
            if len(p) == 4 and p[2] in 'tTwW':
                self.syms.append((int(p[0], 16), int(p[1], 16), p[3]))
        self.syms.sort()
        self.addrs = [s[0] for s in self.syms]

    def name(self, pc):
        i = bisect.bisect_right(self.addrs, pc) - 1
        if i >= 0 and pc < self.syms[i][0] + self.syms[i][1]:
            return self.syms[i][2]
        return '?%x' % pc

    def find(self, name):
        return next(s for s in self.syms if s[2] == name)


def dfilter(syms, dis):
    """The -dfilter ranges: the image without tsc_init and the REP STOS of memset (and of
    any function it was inlined into: the image is built with LTO)."""
    tsc = next(s for s in syms.syms if s[2] == 'tsc_init' or s[2].startswith('tsc_init.'))
    skip = [(tsc[0], tsc[0] + tsc[1])]
    for m in re.finditer(r'\n\s*([0-9a-f]+):\s*rep stos', dis):
        a = int(m.group(1), 16)
        skip.append((a, a + 2))
    if len(skip) == 1:
        raise RuntimeError('no REP STOS in the image')
    lo, parts = syms.addr['__image_start'], []
    for a, b in sorted(skip):
        if a > lo:
            parts.append('0x%x..0x%x' % (lo, a - 1))
        lo = max(lo, b)
    parts.append('0x%x..0x%x' % (lo, syms.addr['__image_end'] - 1))
    return ','.join(parts)


def exits(log, syms, after_vmrun):
    """Per exit, a Counter of instructions per function."""
    in_re = re.compile(r'^0x([0-9a-f]+):')
    tr_re = re.compile(r'^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/')
    blocks, out, cur = {}, [], None
    caller, block = '?', None
    with open(log, errors='replace') as f:
        for line in f:
            if line.startswith('IN:'):
                block = []
                continue
            if block is not None:
                m = in_re.match(line)
                if m:
                    block.append(int(m.group(1), 16))
                    continue
                if block:
                    blocks[block[0]] = block
                block = None
            m = tr_re.match(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            if pc == after_vmrun:
                if cur is not None:
                    out.append(cur)
                cur = collections.Counter()
            if cur is None:
                continue
            for a in blocks.get(pc, [pc]):
                f_name = syms.name(a)
                if f_name in COPY_FUNCS:
                    f_name = '%s<-%s' % (f_name, caller)
                else:
                    caller = f_name
                cur[f_name] += 1
    return out


def report(segs):
    groups = collections.defaultdict(list)
    for s in segs:
        handlers = frozenset(k for k in s if k.split('<')[0].startswith(HANDLER_PREFIXES))
        groups[(handlers, sum(s.values()))].append(s)
    for (handlers, total), ss in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0][1])):
        if len(ss) < MIN_EXITS and total < LARGE:
            continue
        print('=== %d exit(s), %d instructions each: %s' % (len(ss), total,
                                                          ' '.join(sorted(handlers))))
        agg = collections.Counter()
        for s in ss:
            agg.update(s)
        for name, n in agg.most_common():
            print('   %9.1f  %s' % (n / len(ss), name))


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    hv_elf = sys.argv[1]
    args = sys.argv[2] if len(sys.argv) > 2 else 'iterations=20,bulk=0'
    syms = Symbols(hv_elf)
    dis = subprocess.run(['objdump', '-d', '--no-show-raw-insn', hv_elf], capture_output=True,
                         text=True, check=True).stdout
    after_vmrun = int(re.search(r'\n\s*[0-9a-f]+:\s*vmrun\s*\n\s*([0-9a-f]+):', dis).group(1), 16)
    with tempfile.TemporaryDirectory(prefix='exit-profile-') as tmp:
        log = os.path.join(tmp, 'qemu.log')
        iso = hvqemu.make_iso(hv_elf, os.path.join(tmp, 'p.iso'),
                              'guest=bench_exits guest_args=' + args)
        r = hvqemu.run_iso(iso, mem_mib=256, timeout=1800, accel='tcg',
                           extra_args=['-icount', 'shift=0', '-d', 'in_asm,exec,nochain',
                                       '-dfilter', dfilter(syms, dis), '-D', log])
        if r.reason != 'exit' or r.status != 0:
            print('exit_profile: run ended with %s (%s)' % (r.reason, hvqemu.status_name(r.status)))
            return 1
        report(exits(log, syms, after_vmrun))
    return 0


if __name__ == '__main__':
    sys.exit(main())
