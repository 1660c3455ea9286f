#!/usr/bin/env python3
"""./run: build hv.elf, make a GRUB ISO and boot it in QEMU (see --help)."""

import argparse
import os
import select
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'tests', 'qemu'))
import hvqemu  # noqa: E402

EXIT_SETUP = 100      # set-up, configure, build or ISO step failed
EXIT_QEMU_ERROR = 101  # QEMU did not start or died with an error
EXIT_NO_STATUS = 102  # QEMU exited without a status (reset, power-off)
EXIT_TIMEOUT = 103    # --timeout expired, QEMU killed
EXIT_USAGE = 104      # bad ./run options

GUEST_MEM_DEFAULT = 128    # MiB of guest RAM (the hypervisor's mem= default)
# What the host needs besides the guest's RAM: the hypervisor, its page
# tables, firmware reservations, and the modules GRUB copies into RAM.
HOST_OVERHEAD_MIB = 96

HELP_EPILOG = """\
exit status:
  0..99   the status the hypervisor reported through isa-debug-exit
          (0 = clean; 1-31 = a guest's own status; 32 panic, 33 guest
          triple fault, 34 guest bad GPA, 35 guest error, 36 no SVM,
          37 bad configuration or guest image, 38 watchdog, 39 the guest
          reset the machine: see hv/status.h)
  100     set-up, configure, build or ISO creation failed
  101     QEMU could not start or failed
  102     QEMU exited without a status: the machine reset or powered off
          (e.g. a triple fault in the hypervisor itself, with -no-reboot)
  103     --timeout expired and QEMU was killed
  104     bad command-line options

The serial console is on this terminal (QEMU -serial mon:stdio): Ctrl-A X
quits QEMU, Ctrl-A C switches to the QEMU monitor. A copy of the output is
kept in BUILD/last-run.log.

examples:
  ./run                                   boot the built-in demo guest, exit 0
  ./run --hv-args "loglevel=debug"        more logging
  ./run --mem 256 --timeout 60            256 MiB of guest RAM
  ./run --guest /boot/vmlinuz-6.1.0-57-cloud-amd64 \\
        --initrd initrd.cpio --append "console=ttyS0"
                                          a Linux kernel, as with qemu -kernel
  ./run --guest mbkernel.elf --initrd "mod1 args,mod2" --append "args"
                                          a multiboot kernel and its modules
  ./run --module build/guestlib/demo.bin "guest"   add a multiboot2 module
  ./run --firmware uefi                   boot the same ISO under UEFI (OVMF)
  ./run --iso svmhv.iso                   only build the ISO (e.g. for a USB stick)

The ISO always boots with both legacy BIOS and UEFI firmware (GRUB for
each; making it needs grub-efi-amd64-bin, which the set-up installs).
--firmware uefi boots it with OVMF (Debian package ovmf, which the set-up
then installs too); its variable store is a fresh copy in
BUILD/ovmf-vars.fd on every boot.
"""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        sys.stderr.write('run: error: %s\n' % message)
        sys.exit(EXIT_USAGE)


def parse_args(argv):
    p = Parser(prog='./run', description=(
        'Install missing Debian packages, configure and build hv.elf with Meson, '
        'make a GRUB ISO and boot it in qemu-system-x86_64 -cpu max,+svm '
        '(KVM only when the host can nest SVM, TCG otherwise).'),
        epilog=HELP_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--mem', type=int, default=GUEST_MEM_DEFAULT, metavar='MiB',
                   help='RAM of the guest, as qemu -m (default %d); the QEMU machine gets it '
                   'plus what the hypervisor and the modules need' % GUEST_MEM_DEFAULT)
    p.add_argument('--guest', metavar='FILE',
                   help='the guest kernel (Linux bzImage, multiboot kernel or raw binary), '
                   'as qemu -kernel')
    p.add_argument('--initrd', metavar='FILE[,FILE...]',
                   help='Linux: initrds, concatenated; multiboot: modules, each "path[ args]"; '
                   'as qemu -initrd')
    p.add_argument('--append', metavar='"CMDLINE"',
                   help='the guest command line, as qemu -append')
    p.add_argument('--hv-args', default='', metavar='"..."',
                   help='hypervisor command line (e.g. "loglevel=debug")')
    p.add_argument('--module', nargs=2, action='append', default=[],
                   metavar=('PATH', 'ARGS'),
                   help='add a multiboot2 module with its command line ("" for none); repeatable')
    p.add_argument('--iso', metavar='PATH',
                   help='only build the ISO at PATH, do not boot it')
    p.add_argument('--firmware', choices=hvqemu.FIRMWARES, default='bios',
                   help='firmware of the QEMU machine: bios (SeaBIOS, default) or uefi (OVMF)')
    p.add_argument('--accel', choices=('kvm', 'tcg', 'auto'), default='auto',
                   help='QEMU accelerator (default auto: kvm only if it can run SVM guests)')
    p.add_argument('--timeout', type=float, default=0, metavar='SEC',
                   help='kill QEMU after SEC seconds (default 0: no limit)')
    p.add_argument('--build-dir', default=os.path.join(ROOT, 'build'), metavar='DIR',
                   help='Meson build directory (default build/)')
    p.add_argument('--no-setup', action='store_true',
                   help='do not check/install Debian packages')
    return p.parse_args(argv)


def step(argv, what):
    r = subprocess.run(argv, cwd=ROOT)
    if r.returncode != 0:
        sys.stderr.write('run: %s failed (exit %d): %s\n' % (what, r.returncode, ' '.join(argv)))
        sys.exit(EXIT_SETUP)


def build(args):
    if not args.no_setup:
        step([os.path.join(ROOT, 'scripts', 'setup.sh'),
              'uefi' if args.firmware == 'uefi' else 'run'], 'package set-up')
    if not os.path.exists(os.path.join(args.build_dir, 'build.ninja')):
        step(['meson', 'setup', args.build_dir], 'meson setup')
    step(['ninja', '-C', args.build_dir, '-j2', 'hv/hv.elf'], 'build')
    return os.path.join(args.build_dir, 'hv', 'hv.elf')


def boot(args, iso):
    """Run QEMU with the serial console on this terminal; return ./run's exit code."""
    nvram = None
    if args.firmware == 'uefi':
        try:
            nvram = hvqemu.copy_uefi_vars(os.path.join(args.build_dir, 'ovmf-vars.fd'))
        except (OSError, RuntimeError) as e:
            sys.stderr.write('run: %s\n' % e)
            return EXIT_SETUP
    argv = hvqemu.qemu_argv(iso, args.qemu_mem, args.accel, 'mon:stdio',
                            firmware=args.firmware, uefi_vars=nvram)
    sys.stderr.write('run: %s\n' % ' '.join(argv))
    logpath = os.path.join(args.build_dir, 'last-run.log')
    out = bytearray()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE)
    deadline = time.monotonic() + args.timeout if args.timeout > 0 else None
    timed_out = False
    fd = p.stdout.fileno()
    while True:
        wait = None
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0:
                timed_out = True
                p.send_signal(signal.SIGTERM)   # lets QEMU restore the terminal
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                break
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        out += chunk
        sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
    rc = p.wait()
    text = out.decode('utf-8', 'replace').replace('\r\n', '\n')
    try:
        with open(logpath, 'w') as f:
            f.write(text)
    except OSError:
        pass
    if timed_out:
        sys.stderr.write('\nrun: timeout after %g s, QEMU killed (exit %d)\n' %
                         (args.timeout, EXIT_TIMEOUT))
        return EXIT_TIMEOUT
    status, reason = hvqemu.decode_exit(rc, text)
    if reason == 'exit':
        sys.stderr.write('\nrun: hypervisor status %d (%s)\n' % (status, hvqemu.status_name(status)))
        return status if status < EXIT_SETUP else EXIT_QEMU_ERROR
    if reason == 'reset':
        sys.stderr.write('\nrun: QEMU exited without a status: the machine reset or powered off '
                         '(exit %d)\n' % EXIT_NO_STATUS)
        return EXIT_NO_STATUS
    sys.stderr.write('\nrun: QEMU failed (QEMU exit code %d; exit %d)\n' % (rc, EXIT_QEMU_ERROR))
    return EXIT_QEMU_ERROR


class UsageError(Exception):
    pass


def guest_modules(args):
    """The Multiboot2 modules for --guest/--initrd/--append or --module, checked
    before anything is built or booted. Raises UsageError."""
    if args.guest is None:
        if args.initrd is not None or args.append is not None:
            raise UsageError('--initrd and --append need --guest')
        mods = [(path, margs) for path, margs in args.module]
    else:
        if args.module:
            raise UsageError('--module and --guest do not go together: the kernel given with '
                             '--guest is the first module, its files come with --initrd')
        mods = [(args.guest, args.append or '')]
        for item in (args.initrd or '').split(','):
            item = item.strip()
            if not item:
                if args.initrd is not None and not args.initrd.strip():
                    raise UsageError('--initrd is empty')
                continue
            path, _, margs = item.partition(' ')
            mods.append((path, margs.strip()))
    for path, margs in mods:
        if not os.path.isfile(path):
            raise UsageError('%s: no such file' % path)
        if not os.access(path, os.R_OK):
            raise UsageError('%s: not readable' % path)
        if '\n' in margs or '"' in margs:
            raise UsageError('%s: a command line may not contain newlines or double quotes '
                             '(GRUB\'s module2 line takes them literally)' % path)
    if args.mem < 2 or args.mem > 3072:
        raise UsageError('--mem %d: the guest gets 2 to 3072 MiB' % args.mem)
    if 'mem=' in args.hv_args.split() or any(w.startswith('mem=') for w in args.hv_args.split()):
        raise UsageError('--hv-args has mem=: use --mem for the guest\'s RAM')
    return mods


def main(argv):
    args = parse_args(argv)
    args.build_dir = os.path.abspath(args.build_dir)
    try:
        mods = guest_modules(args)
    except UsageError as e:
        sys.stderr.write('run: %s\n' % e)
        return EXIT_USAGE
    args.hv_args = ('mem=%dM %s' % (args.mem, args.hv_args)).strip()
    module_mib = sum(os.path.getsize(p) for p, _ in mods) // (1 << 20) + 1
    args.qemu_mem = args.mem + module_mib + HOST_OVERHEAD_MIB
    hv_elf = build(args)
    iso = os.path.abspath(args.iso) if args.iso else os.path.join(args.build_dir, 'svmhv.iso')
    try:
        hvqemu.make_iso(hv_elf, iso, args.hv_args, mods, require_uefi=True)
    except RuntimeError as e:
        sys.stderr.write('run: %s\n' % e)
        return EXIT_SETUP
    if args.iso:
        sys.stderr.write('run: ISO written to %s\n' % iso)
        return 0
    return boot(args, iso)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
