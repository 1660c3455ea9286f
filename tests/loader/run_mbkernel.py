#!/usr/bin/env python3
"""run_mbkernel.py KERNEL [--qemu QEMU] [--mem MIB] - boot the multiboot test
kernel (tests/loader/mbkernel) under plain QEMU, whose own multiboot v1
loader is the oracle for what the kernel expects, with two modules and a
command line; print the kernel's TAP checks plus the runner's own (the
kernel ran to its end, the debug-exit status).

The module files are made here (deterministic bytes, sizes that are not
page multiples) and each module's string carries idx=, size= and fnv=
(FNV-1a 32 of its bytes), which the kernel checks. make_modules() and
module_args() are meant to be reused for the run under the hypervisor.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile


def fnv1a(data):
    h = 0x811c9dc5
    for b in data:
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h


def make_modules(directory):
    """Two module files; returns [(path, args)] with the kernel's words."""
    mods = []
    for i, (name, size) in enumerate((('alpha', 5000), ('beta', 12345))):
        data = bytes(((j * 7 + i * 13) ^ (j >> 8)) & 0xff for j in range(size))
        path = os.path.join(directory, 'mbk_mod_%s.bin' % name)
        with open(path, 'wb') as f:
            f.write(data)
        mods.append((path, 'name=%s idx=%d size=%d fnv=0x%08x' % (name, i, size, fnv1a(data))))
    return mods


def kernel_cmdline(mem_mib, loader, strict=False):
    return 'ram=%d mods=2 loader=%s%s end=cmdline' % (mem_mib, loader, ' strict' if strict else '')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('kernel')
    ap.add_argument('--qemu', default='qemu-system-x86_64')
    ap.add_argument('--mem', type=int, default=128)
    ap.add_argument('--timeout', type=int, default=60)
    a = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix='mbk-') as tmp:
        mods = make_modules(tmp)
        initrd = ','.join('%s %s' % (p, args) for p, args in mods)
        cmd = [a.qemu, '-machine', 'pc', '-accel', 'tcg', '-m', str(a.mem),
               '-display', 'none', '-nodefaults', '-no-reboot', '-serial', 'stdio',
               '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x01',
               '-kernel', a.kernel, '-initrd', initrd,
               '-append', kernel_cmdline(a.mem, 'qemu')]
        try:
            r = subprocess.run(cmd, capture_output=True, timeout=a.timeout)
            out, rc, timed_out = r.stdout.decode(errors='replace'), r.returncode, False
        except subprocess.TimeoutExpired as e:
            out, rc, timed_out = (e.stdout or b'').decode(errors='replace'), None, True

    n = 0
    plan = None
    for line in out.splitlines():
        m = re.match(r'^(ok|not ok) \d+ (- .*)$', line)
        if m:
            n += 1
            print('%s %d %s' % (m.group(1), n, m.group(2)))
        elif re.match(r'^1\.\.\d+$', line):
            plan = int(line[3:])
        elif line.startswith('#'):
            print(line)
    checks = [
        (plan is not None and plan == n and n > 0,
         'kernel ran to its end (plan %s, %d checks)' % (plan, n)),
        (not timed_out, 'QEMU ended within %d s' % a.timeout),
        # isa-debug-exit: QEMU exits with (status << 1) | 1.
        (rc == 1, 'kernel reported status 0 through port 0xf4 (QEMU exit %s)' % rc),
    ]
    for cond, name in checks:
        n += 1
        print('%s %d - %s' % ('ok' if cond else 'not ok', n, name))
    if not all(c for c, _ in checks):
        print('# QEMU: ' + ' '.join(cmd))
        for line in out.splitlines()[-30:]:
            print('# | ' + line)
    print('1..%d' % n)
    return 0


if __name__ == '__main__':
    sys.exit(main())
