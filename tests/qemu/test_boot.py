#!/usr/bin/env python3
"""Boot test (issue 3, acceptance 1): boot hv.elf from a GRUB ISO with a
command line and two dummy modules, at -m 512 and -m 2048 (one ISO, two
boots), and check what the hypervisor reported on the serial console.

usage: test_boot.py HV_ELF      (TAP on stdout)
"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hvqemu  # noqa: E402

MiB = 1 << 20
CMDLINE = 'boot_only loglevel=debug test_key=test_value guest_args="a b c" flag'
WANT_ARGS = [('boot_only', ''), ('loglevel', 'debug'), ('test_key', 'test_value'),
             ('guest_args', 'a b c'), ('flag', '')]
MODULES = [  # (file name, size, module2 arguments as written in grub.cfg, as reported)
    ('dummy.bin', 5000, 'dummy arg1 x=y', 'dummy arg1 x=y'),
    ('second.bin', 8192, '', ''),
]


def check_ram(t, r, mem_mib):
    m = re.search(r'^boot: RAM (\d+) KiB \((\d+) MiB\) total, (\d+) KiB usable', r.hv_text, re.M)
    t.ok(m is not None, '-m %d: RAM line present' % mem_mib)
    if m:
        total = int(m.group(1)) * 1024
        t.ok(abs(total - mem_mib * MiB) <= MiB,
             '-m %d: reported RAM within 1 MiB of %d MiB' % (mem_mib, mem_mib),
             'reported %d KiB = %.3f MiB' % (total // 1024, total / MiB))
        usable = int(m.group(3)) * 1024
        t.ok(0 < usable <= total, '-m %d: usable RAM is positive and <= total' % mem_mib,
             'usable %d total %d' % (usable, total))
    m = re.search(r'(\d+) pages \((\d+) MiB\) free', r.hv_text)
    t.ok(m is not None and mem_mib - 64 <= int(m.group(2)) < mem_mib,
         '-m %d: page allocator has nearly all RAM free' % mem_mib,
         m.group(0) if m else 'no allocator line')


def main():
    t = hvqemu.Tap()
    if len(sys.argv) != 2:
        t.bail('usage: test_boot.py HV_ELF')
        return 1
    hv_elf = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix='test_boot-') as tmp:
        mods = []
        for i, (name, size, args, _) in enumerate(MODULES):
            path = os.path.join(tmp, name)
            with open(path, 'wb') as f:
                f.write(bytes((i * 7 + j) & 0xff for j in range(size)))
            mods.append((path, args))
        iso = hvqemu.make_iso(hv_elf, os.path.join(tmp, 'boot.iso'), CMDLINE, mods)

        r = hvqemu.run_iso(iso, mem_mib=512, timeout=60)
        t.diag('-m 512: %s, status %s, %.2f s' % (r.reason, r.status, r.elapsed))
        ok = t.ok(r.reason == 'exit' and r.status == hvqemu.HV_STATUS_OK,
                  '-m 512: QEMU exited with status 0 (clean)',
                  'reason %s status %s qemu rc %s\n%s' % (r.reason, r.status, r.qemu_rc, r.stderr))
        t.ok(re.match(r'svmhv \d+\.\d+\.\d+\S* \(\S+\)\n', r.hv_text) is not None,
             'banner "svmhv <version> (<git hash>)" appears', r.serial[-2000:])
        m = re.search(r'^boot: loader "(.*)"$', r.hv_text, re.M)
        t.ok(m is not None and m.group(1).startswith('GRUB'), 'loader name is GRUB',
             m.group(0) if m else 'no loader line')
        for key, value in WANT_ARGS:
            t.ok(re.search(r'^boot: arg \d+: %s="%s"$' % (re.escape(key), re.escape(value)),
                           r.hv_text, re.M) is not None,
                 'command line word %s="%s" parsed' % (key, value))
        m = re.search(r'^boot: cmdline "(.*)"$', r.hv_text, re.M)
        t.ok(m is not None and 'test_key=test_value' in m.group(1) and 'loglevel=debug' in m.group(1),
             'raw command line reported', m.group(0) if m else 'no cmdline line')
        m = re.search(r'^boot: (\d+) module\(s\)$', r.hv_text, re.M)
        t.ok(m is not None and int(m.group(1)) == len(MODULES), 'module count is %d' % len(MODULES),
             m.group(0) if m else 'no module count line')
        for i, (name, size, _, want) in enumerate(MODULES):
            m = re.search(r'^boot: module %d \[([0-9a-f]+)-([0-9a-f]+)\) (\d+) bytes "(.*)"$' % i,
                          r.hv_text, re.M)
            t.ok(m is not None, 'module %d reported' % i)
            if not m:
                continue
            start, end = int(m.group(1), 16), int(m.group(2), 16)
            t.ok(end - start == size and int(m.group(3)) == size,
                 'module %d (%s) size is %d' % (i, name, size), m.group(0))
            t.ok(start % 4096 == 0 and start >= 0x100000, 'module %d is page-aligned above 1 MiB' % i,
                 m.group(0))
            t.ok(m.group(4) == want, 'module %d command line is "%s"' % (i, want), m.group(0))
        check_ram(t, r, 512)
        t.ok(re.search(r'^svmhv: exit status 0$', r.hv_text, re.M) is not None,
             'hypervisor reports exit status 0')
        if not ok:
            t.diag(r.serial[-3000:])

        r = hvqemu.run_iso(iso, mem_mib=2048, timeout=60)
        t.diag('-m 2048: %s, status %s, %.2f s' % (r.reason, r.status, r.elapsed))
        t.ok(r.reason == 'exit' and r.status == hvqemu.HV_STATUS_OK,
             '-m 2048: QEMU exited with status 0 (clean)',
             'reason %s status %s\n%s' % (r.reason, r.status, r.serial[-3000:]))
        check_ram(t, r, 2048)
    return t.done()


if __name__ == '__main__':
    sys.exit(main())
