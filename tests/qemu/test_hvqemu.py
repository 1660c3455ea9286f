#!/usr/bin/env python3
"""Self-test of the QEMU runner library (no QEMU boot): exit-code
decoding, the QEMU command line, the Tap class, and the ISO's grub.cfg,
files and BIOS + UEFI boot images (read back with xorriso).

usage: test_hvqemu.py HV_ELF     (TAP on stdout)
"""
import io
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hvqemu  # noqa: E402

BANNER = 'junk\nsvmhv 0.1.0 (abc123)\nboot: ...\n'


def main():
    t = hvqemu.Tap()
    if len(sys.argv) != 2:
        t.bail('usage: test_hvqemu.py HV_ELF')
        return 1

    # decode_exit: (s << 1) | 1 from isa-debug-exit; other ways QEMU ends.
    t.is_(hvqemu.decode_exit(1, BANNER), (0, 'exit'), 'rc 1 with banner is status 0')
    t.is_(hvqemu.decode_exit(65, BANNER), (32, 'exit'), 'rc 65 is status 32 (panic)')
    t.is_(hvqemu.decode_exit(65, ''), (32, 'exit'), 'rc 65 needs no banner')
    t.is_(hvqemu.decode_exit(1, 'qemu: could not open disk'), (None, 'qemu-error'),
          'rc 1 without banner is a QEMU error, not status 0')
    t.is_(hvqemu.decode_exit(0, BANNER), (None, 'reset'), 'rc 0 is a reset/power-off')
    t.is_(hvqemu.decode_exit(None, BANNER), (None, 'timeout'), 'no rc is a timeout')
    t.is_(hvqemu.decode_exit(-9, BANNER), (None, 'qemu-error'), 'killed by a signal is an error')
    t.is_(hvqemu.hv_part(BANNER), 'svmhv 0.1.0 (abc123)\nboot: ...\n', 'hv_part starts at the banner')

    argv = hvqemu.qemu_argv('/x.iso', 768, 'tcg', 'file:/tmp/s')
    joined = ' '.join(argv)
    for piece in ('-cpu max,+svm', '-m 768', '-no-reboot', '-accel tcg', '-serial file:/tmp/s',
                  '-monitor none', 'isa-debug-exit,iobase=0xf4', '-cdrom /x.iso'):
        t.ok(piece in joined, 'QEMU command line has "%s"' % piece, joined)
    t.ok('-monitor' not in ' '.join(hvqemu.qemu_argv('/x.iso', 512, 'tcg', 'mon:stdio')),
         'mon:stdio keeps the monitor on the serial line')
    t.ok(hvqemu.pick_accel('tcg') == 'tcg' and hvqemu.pick_accel() in ('kvm', 'tcg'),
         'pick_accel honors tcg and auto-detects otherwise')
    t.ok('pflash' not in joined and '-bios' not in joined,
         'default firmware is BIOS: no pflash, no -bios', joined)
    for kw, name in (({'firmware': 'uefi'}, 'firmware=uefi without uefi_vars'),
                     ({'firmware': 'efi'}, 'firmware=efi (unknown)')):
        try:
            hvqemu.qemu_argv('/x.iso', 512, 'tcg', 'file:/tmp/s', **kw)
            raised = False
        except ValueError:
            raised = True
        t.ok(raised, '%s raises ValueError' % name)

    # Tap itself: numbering, failure diagnostics, plan, exit code.
    out = io.StringIO()
    tt = hvqemu.Tap(out)
    tt.ok(True, 'a')
    tt.ok(False, 'b # not a directive', 'why')
    rc = tt.done()
    want = 'TAP version 13\nok 1 - a\nnot ok 2 - b \\# not a directive\n# why\n1..2\n'
    t.is_(out.getvalue(), want, 'Tap output format')
    t.is_(rc, 1, 'Tap.done() is 1 after a failure')
    t.is_(hvqemu.Tap(io.StringIO()).done(), 1, 'Tap.done() is 1 when nothing was checked')
    # A skip is a TAP skip (meson counts it as skipped), not an escaped pass.
    out = io.StringIO()
    tt = hvqemu.Tap(out)
    tt.skip('c #1', 'no NX')
    tt.ok(True, 'd')
    rc = tt.done()
    t.is_(out.getvalue(), 'TAP version 13\nok 1 - c \\#1 # SKIP no NX\nok 2 - d\n1..2\n',
          'Tap.skip() writes a SKIP directive')
    t.is_((rc, tt.skipped), (0, 1), 'Tap.done() is 0 with a skip and no failure; skip counted')

    # make_iso: files and grub.cfg inside the ISO.
    with tempfile.TemporaryDirectory(prefix='test_hvqemu-') as tmp:
        mods = []
        for i, d in enumerate(('one', 'two')):
            os.makedirs(os.path.join(tmp, d))
            p = os.path.join(tmp, d, 'guest.bin')      # same base name twice
            with open(p, 'wb') as f:
                f.write(bytes([i]) * (100 + i))
            mods.append((p, 'guest arg%d' % i))
        iso = hvqemu.make_iso(sys.argv[1], os.path.join(tmp, 't.iso'),
                              'loglevel=debug guest_args="a b"', mods)
        out = os.path.join(tmp, 'out')
        os.makedirs(out)
        p = subprocess.run(['xorriso', '-osirrox', 'on', '-indev', iso, '-extract', '/boot', out],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
        t.ok(p.returncode == 0, 'xorriso reads the ISO back', p.stdout[-1000:])
        try:
            with open(os.path.join(out, 'grub', 'grub.cfg')) as f:
                cfg = f.read()
        except OSError:
            cfg = ''
        t.ok('multiboot2 /boot/hv.elf loglevel=debug guest_args="a b"\n' in cfg,
             'grub.cfg passes the command line as written', cfg)
        t.ok('module2 /boot/guest.bin guest arg0\n' in cfg and 'module2 /boot/guest.bin.2 guest arg1\n' in cfg,
             'grub.cfg has one module2 line per module, names made unique', cfg)
        t.ok('set timeout=0' in cfg and 'terminal_output serial' in cfg, 'grub.cfg: serial terminal, timeout 0',
             cfg)
        same = True
        for src, name in ((sys.argv[1], 'hv.elf'), (mods[0][0], 'guest.bin'), (mods[1][0], 'guest.bin.2')):
            try:
                with open(src, 'rb') as a, open(os.path.join(out, name), 'rb') as b:
                    same = same and a.read() == b.read()
            except OSError:
                same = False
        t.ok(same, 'hv.elf and the modules are in /boot, unchanged')
        r = subprocess.run(['grub-file', '--is-x86-multiboot2', os.path.join(out, 'hv.elf')])
        t.ok(r.returncode == 0, 'grub-file --is-x86-multiboot2 hv.elf succeeds')
        t.is_(sorted(hvqemu.iso_boot_platforms(iso)), ['BIOS', 'UEFI'],
              'the ISO has a BIOS and a UEFI El Torito boot image (grub-efi-amd64-bin installed)')
    return t.done()


if __name__ == '__main__':
    sys.exit(main())
