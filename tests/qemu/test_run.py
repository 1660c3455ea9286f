#!/usr/bin/env python3
"""./run's options (scripts/run.py): the QEMU-like guest options, the
errors it gives before anything boots, and one boot of a guest given
with --guest (the built-in demo guest's flat binary) and --iso.

usage: test_run.py BUILD_DIR DEMO_BIN
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hvqemu  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN = [sys.executable, os.path.join(ROOT, 'scripts', 'run.py'), '--no-setup']
EXIT_USAGE = 104


def run(args, build, timeout=180):
    p = subprocess.run(RUN + ['--build-dir', build] + args, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def main():
    build, demo = sys.argv[1], sys.argv[2]
    t = hvqemu.Tap()
    with tempfile.TemporaryDirectory(prefix='test-run-') as tmp:
        empty = os.path.join(tmp, 'empty')
        open(empty, 'wb').close()
        bad = [
            (['--guest', os.path.join(tmp, 'nope')], 'nope: no such file'),
            (['--initrd', demo], '--initrd and --append need --guest'),
            (['--append', 'console=ttyS0'], '--initrd and --append need --guest'),
            (['--guest', demo, '--module', demo, 'guest'], '--module and --guest do not go together'),
            (['--guest', demo, '--initrd', demo + ',' + os.path.join(tmp, 'missing')],
             'missing: no such file'),
            (['--guest', demo, '--append', 'a"b'], 'may not contain newlines or double quotes'),
            (['--mem', '1'], '--mem 1: the guest gets 2 to 3072 MiB'),
            (['--mem', '4096'], '--mem 4096: the guest gets 2 to 3072 MiB'),
            (['--hv-args', 'loglevel=debug mem=64M'], '--hv-args has mem='),
        ]
        for argv, want in bad:
            rc, out, err = run(argv, build)
            what = 'run %s' % ' '.join(a.replace(tmp, 'TMP') for a in argv)
            t.is_(rc, EXIT_USAGE, '%s: usage error' % what)
            t.ok(want in err and 'qemu-system' not in err, '%s: says "%s", boots nothing' % (what, want),
                 err[-300:])

        iso = os.path.join(tmp, 'guest.iso')
        rc, out, err = run(['--guest', demo, '--append', 'ignored by a raw binary', '--mem', '64',
                            '--iso', iso], build)
        t.is_(rc, 0, '--iso with --guest: ISO written')
        cfg = subprocess.run(['xorriso', '-osirrox', 'on', '-indev', iso, '-extract',
                              '/boot/grub/grub.cfg', os.path.join(tmp, 'grub.cfg')],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        text = open(os.path.join(tmp, 'grub.cfg')).read() if cfg.returncode == 0 else ''
        t.ok('multiboot2 /boot/hv.elf mem=64M' in text and
             'module2 /boot/demo.bin ignored by a raw binary' in text,
             '--iso: grub.cfg carries the guest, its command line and mem=', text)

        rc, out, err = run(['--guest', demo, '--mem', '64', '--timeout', '120'], build)
        t.is_(rc, 0, '--guest demo.bin boots and exits 0')
        t.ok('Hello from the demo guest!' in out, '--guest: the guest ran', out[-500:])
        t.ok('vm: guest RAM 64 MiB' in out, '--mem 64: the guest got 64 MiB', out[-2000:])
        t.ok('-m 161' in err, '--mem 64: the QEMU machine is sized from it (64 + module + 96 MiB)',
             err[-500:])
    return t.done()


if __name__ == '__main__':
    sys.exit(main())
