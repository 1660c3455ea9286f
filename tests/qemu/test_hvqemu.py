#!/usr/bin/env python3
"""Self-test of the QEMU runner library (no QEMU boot): exit-code
decoding, the QEMU command line, the Tap class, the ISO's grub.cfg,
files and BIOS + UEFI boot images (read back with xorriso), the plain-QEMU
disk image, and the interactive Session against a fake QEMU (this script
with --fake-qemu: it connects to the session's serial and monitor sockets
like QEMU does, answers a typed line and the monitor's "nmi", and exits
the way isa-debug-exit makes QEMU exit).

usage: test_hvqemu.py HV_ELF     (TAP on stdout)
"""
import io
import os
import re
import select
import socket
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hvqemu  # noqa: E402

BANNER = 'junk\nsvmhv 0.1.0 (abc123)\nboot: ...\n'


FAKE_STATUS = 7


def fake_qemu(argv):
    """Play QEMU for Session: connect to the chardev sockets named on the
    command line, talk, exit with (FAKE_STATUS << 1) | 1."""
    paths = dict(re.findall(r'socket,id=(\w+),path=([^,\s]+)', ' '.join(argv)))
    ser = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    ser.connect(paths['hvser'])
    mon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    mon.connect(paths['hvmon'])
    mon.sendall(b'QEMU fake monitor - type \'help\'\r\n(qemu) ')
    ser.sendall(b'noise\r\nplainboot: starting the guest at 1000:0000\r\nprompt> ')
    nmis, line, mline = 0, b'', b''
    while True:
        ready, _, _ = select.select([ser, mon], [], [], 20)
        if not ready:
            return 99
        if mon in ready:
            mline += mon.recv(100)
            while b'\n' in mline:
                cmd, mline = mline.split(b'\n', 1)
                out = b''
                if cmd == b'nmi':
                    nmis += 1
                elif cmd == b'info status':
                    out = b'VM status: running\r\n'
                # Echo as readline does (with an escape sequence), output, prompt.
                mon.sendall(cmd + b'\x1b[K\r\n' + out + b'(qemu) ')
        if ser in ready:
            data = ser.recv(100)
            if not data:
                return 98
            line += data
            if b'\r' in line:
                got = line.split(b'\r', 1)[0]
                ser.sendall(b'\r\ngot: ' + got + b'\r\nnmis: %d\r\n' % nmis)
                return (FAKE_STATUS << 1) | 1


def check_session(t):
    """Session against the fake QEMU, and a QEMU that never connects."""
    fake = [sys.executable, os.path.abspath(__file__), '--fake-qemu', '-monitor', 'none']
    with hvqemu.Session(fake, timeout=30, started_re=hvqemu.PLAIN_MARKER_RE) as sess:
        t.ok(sess.expect(r'prompt> $', 10), 'Session.expect sees output as it comes')
        t.is_(sess.monitor('info status'), 'VM status: running',
              'Session.monitor returns the output without echo, escapes and prompt')
        t.is_(sess.monitor('nmi'), '', 'Session.monitor sends "nmi"')
        sess.send('hello world\r')
        m = sess.expect(r'^got: (.*)$', 10)
        t.is_(m.group(1) if m else None, 'hello world', 'Session.send reaches the serial input')
        t.ok(sess.expect(r'^nmis: 1$', 10), 'the monitor command arrived before the line')
        t.is_(sess.expect(r'never printed', 0.5), None, 'Session.expect times out with None')
        r = sess.wait(20)
    t.is_((r.status, r.reason), (FAKE_STATUS, 'exit'), 'Session.wait decodes the exit status')
    t.ok(r.serial.startswith('noise\nplainboot:') and r.hv_text.startswith('plainboot:'),
         'Session result: serial with CRLF -> LF, hv_text from the marker on', repr(r.serial[:60]))
    try:
        hvqemu.Session([sys.executable, '-c', 'import sys; sys.exit(1)'], timeout=10)
        raised = False
    except RuntimeError:
        raised = True
    t.ok(raised, 'Session raises RuntimeError when QEMU exits without connecting')


def check_plain(t):
    """plain_disk layout and plain_argv."""
    with tempfile.TemporaryDirectory(prefix='test_hvqemu-plain-') as tmp:
        boot = os.path.join(tmp, 'boot.bin')
        image = os.path.join(tmp, 'guest.bin')
        with open(boot, 'wb') as f:
            f.write(bytes(510) + b'\x55\xaa')
        with open(image, 'wb') as f:
            f.write(bytes(range(256)) * 4 + b'tail')
        disk = hvqemu.plain_disk(boot, image, os.path.join(tmp, 'disk.img'), 'a=1,b=2', 64)
        with open(disk, 'rb') as f:
            d = f.read()
        magic, ver, ram_top, host_ram = struct.unpack_from('<IIQQ', d, 512)
        t.is_(len(d), 512 * 5, 'plain_disk: boot sector, boot info, image padded to sectors')
        t.is_(struct.unpack_from('<H', d, hvqemu.PLAIN_NSECT_OFF)[0], 3,
              'plain_disk: image sector count patched into the boot sector')
        t.ok((magic, ver, ram_top, host_ram) == (0x46495447, 1, 64 << 20, 64 << 20) and
             d[536:544] == b'a=1,b=2\0', 'plain_disk: boot-info page (magic, RAM, args)')
        t.ok(d[1024:2048] == bytes(range(256)) * 4 and d[2048:2052] == b'tail',
             'plain_disk: the image from LBA 2')
    joined = ' '.join(hvqemu.plain_argv('/d.img', 64, 'file:/s'))
    for piece in ('-device pc-testdev', 'isa-debug-exit,iobase=0xf4,iosize=4', '-m 64',
                  'file=/d.img,format=raw', '-serial file:/s', '-cpu max'):
        t.ok(piece in joined, 'plain QEMU command line has "%s"' % piece, joined)
    t.ok('svm' not in joined, 'plain QEMU: no SVM (no hypervisor involved)', joined)
    t.is_(hvqemu.decode_exit(1, 'x\nplainboot: starting the guest\n', hvqemu.PLAIN_MARKER_RE),
          (0, 'exit'), 'decode_exit: rc 1 after the plain marker is status 0')
    t.is_(hvqemu.decode_exit(1, 'svmhv 0.1.0 (x)\n', hvqemu.PLAIN_MARKER_RE), (None, 'qemu-error'),
          'decode_exit: with started_re the banner alone does not count')


def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--fake-qemu':
        return fake_qemu(sys.argv[2:])
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
                  '-monitor none', 'isa-debug-exit,iobase=0xf4', 'file=/x.iso,media=cdrom', 'ide-cd,bus=ahci.0,drive=cd,bootindex=0'):
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
    out = io.StringIO()
    tt = hvqemu.Tap(out)
    tt.skip('x # y', 'why\nnot')
    t.is_(out.getvalue(), 'TAP version 13\nok 1 - x \\# y # SKIP why not\n', 'Tap.skip output format')
    check_plain(t)
    check_session(t)
    return t.done()


if __name__ == '__main__':
    sys.exit(main())
