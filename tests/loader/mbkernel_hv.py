#!/usr/bin/env python3
"""mbkernel_hv.py --hv HV_ELF KERNEL - the multiboot v1 test kernel
(tests/loader/mbkernel, the build with its segment below 1 MiB) under the
hypervisor in QEMU (issue 10, test 1), loaded the way GRUB hands a
multiboot kernel to a Xen-style hypervisor:

    multiboot2 /boot/hv.elf mem=MEM
    module2 /boot/mbkernel.elf ram=MEM mods=2 loader=svmhv strict end=cmdline
    module2 /boot/mbk_mod_alpha.bin name=alpha idx=0 size=... fnv=...
    module2 /boot/mbk_mod_beta.bin  name=beta idx=1 size=... fnv=...

The hypervisor takes the first module as the kernel, the others as its
modules. The kernel checks every field of its multiboot information
(flags, mem_lower/mem_upper, the memory map against the guest RAM of
mem=, its command line, both modules with their strings and contents,
the boot loader name) in svmhv's exact layout ("strict"), prints TAP,
and writes its status to the debug-exit port; the hypervisor ends the run
with that status. Its TAP lines are re-emitted here, followed by this
script's own checks of the run.

A second run tells the kernel a RAM size 32 MiB larger than mem= gives
it: the kernel must fail exactly its RAM-size checks and exit with
status 1 (the test would notice a kernel or loader that cannot fail).
"""
import argparse
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'qemu'))
import hvqemu  # noqa: E402
import run_mbkernel  # noqa: E402

GUEST_MEM = 77          # MiB (mem=): not a multiple of 2 MiB, not QEMU's 128
HOST_MEM = 256          # MiB of the QEMU machine
TIMEOUT = 120
LOADER = 'svmhv'        # vmm/loader/multiboot.c MB_LOADER_NAME
MIN_CHECKS = 48         # the kernel's checks with two modules, strict
TAP_RE = re.compile(r'^(ok|not ok) (\d+) - (.*)$', re.M)
PLAN_RE = re.compile(r'^1\.\.(\d+)$', re.M)
HV_EXIT_RE = re.compile(r'^svmhv: exit status (\d+)$', re.M)
# The kernel's checks that depend on the RAM size it is told (mbk.c).
RAM_CHECKS = {
    'mem_upper: KiB from 1 MiB to (nearly) ram',
    'strict: mem_upper = ram - 1 MiB',
    'mmap: RAM from 1 MiB to (nearly) the configured size',
    'strict: RAM 1 MiB-ram',
}


def boot(args, tmp, mods, told_mib):
    """Boot hv.elf with mem=GUEST_MEM, the kernel told ram=told_mib."""
    modules = [(args.kernel, run_mbkernel.kernel_cmdline(told_mib, LOADER, strict=True))] + mods
    iso = hvqemu.make_iso(args.hv, os.path.join(tmp, 'mbk-%d.iso' % told_mib),
                          'mem=%dM' % GUEST_MEM, modules)
    return hvqemu.run_iso(iso, mem_mib=HOST_MEM, timeout=TIMEOUT, accel='tcg')


def kernel_tap(r):
    """The kernel's results [(verdict, number, name)] and its plan (or None)."""
    text = r.hv_text
    plans = PLAN_RE.findall(text)
    return TAP_RE.findall(text), int(plans[0]) if len(plans) == 1 else None


def check_end(t, r, status, what):
    """The kernel's status through the debug-exit port and the hypervisor's last line."""
    t.is_((r.reason, r.status), ('exit', status),
          '%s: the run ends with the kernel\'s status %d' % (what, status))
    t.ok(re.search(r'^vm: guest wrote 0x%x to the debug-exit port 0xf4$' % status, r.hv_text,
                   re.M), '%s: the kernel wrote %d to the debug-exit port' % (what, status),
         r.hv_text[-800:])
    m = HV_EXIT_RE.findall(r.hv_text)
    t.ok(m == [str(status)] and r.hv_text.rstrip().endswith('svmhv: exit status %d' % status),
         '%s: the hypervisor\'s final line is "svmhv: exit status %d"' % (what, status), repr(m))
    t.ok(not re.search(r'PANIC|unhandled exit|VMCB dump', r.hv_text),
         '%s: no panic, no unhandled exit' % what, r.hv_text[-800:])


def run_good(t, args, tmp, mods):
    r = boot(args, tmp, mods, GUEST_MEM)
    results, plan = kernel_tap(r)
    for i, (verdict, num, name) in enumerate(results):
        t.ok(verdict == 'ok' and int(num) == i + 1, 'kernel: ' + name,
             'kernel line: %s %s - %s' % (verdict, num, name))
    t.ok(plan is not None and plan == len(results) and len(results) >= MIN_CHECKS,
         'kernel ran to its end: plan %s, %d checks (at least %d)' % (plan, len(results),
                                                                   MIN_CHECKS),
         r.hv_text[-1500:])
    t.ok(re.search(r'^vm: guest "module \d+": multiboot at GPA ', r.hv_text, re.M),
         'the hypervisor loaded the first module as a multiboot kernel', r.hv_text[-1500:])
    names = {name for _, _, name in results}
    for needle in ('strict: exactly these flags', 'strict: mem_lower 640',
                   'strict: RAM 1 MiB-ram', 'cmdline: arrived whole (ends in end=cmdline)',
                   'mods_count as configured', 'module: contents (fnv=)',
                   'boot_loader_name as configured', 'segment below 1 MiB loaded'):
        t.ok(needle in names, 'kernel checked "%s"' % needle)
    t.is_(re.findall(r'^# cmdline "(.*)"$', r.hv_text, re.M),
          [run_mbkernel.kernel_cmdline(GUEST_MEM, LOADER, strict=True)],
          'the kernel\'s command line is the first module\'s string, nothing added')
    mods_seen = re.findall(r'^# module (\d+): \S+ "(.*)"$', r.hv_text, re.M)
    t.is_(mods_seen, [(str(i), a) for i, (_, a) in enumerate(mods)],
          'both modules reached the kernel in order, each with its string')
    check_end(t, r, 0, 'mem=%dM' % GUEST_MEM)


def run_wrong_ram(t, args, tmp, mods):
    told = GUEST_MEM + 32
    what = 'kernel told ram=%d, mem=%dM' % (told, GUEST_MEM)
    r = boot(args, tmp, mods, told)
    results, plan = kernel_tap(r)
    failed = {name for verdict, _, name in results if verdict == 'not ok'}
    t.ok(plan is not None and plan == len(results) and len(results) >= MIN_CHECKS,
         '%s: kernel ran to its end (plan %s, %d checks)' % (what, plan, len(results)),
         r.hv_text[-1500:])
    t.is_(sorted(failed), sorted(RAM_CHECKS), '%s: exactly the RAM-size checks fail' % what)
    check_end(t, r, 1, what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--hv', required=True)
    ap.add_argument('kernel')
    args = ap.parse_args()
    t = hvqemu.Tap()
    with tempfile.TemporaryDirectory(prefix='mbk-hv-') as tmp:
        mods = run_mbkernel.make_modules(tmp)
        run_good(t, args, tmp, mods)
        run_wrong_ram(t, args, tmp, mods)
    return t.done()


if __name__ == '__main__':
    sys.exit(main())
