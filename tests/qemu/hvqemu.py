"""hvqemu - boot hv.elf under QEMU from a GRUB ISO and report what happened.

Python 3 standard library only. Used by ./run, tests/qemu/ and tests/guests/.
Import it from a test script with:

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'qemu'))
    import hvqemu

API (keep it small):

    boot(hv_elf, cmdline='', modules=(), mem_mib=512, timeout=60, accel=None,
         cpu=None, extra_args=(), firmware='bios') -> Result
        Build a temporary ISO (make_iso) and boot it once (run_iso). With
        firmware='uefi' the ISO must have its UEFI boot image
        (require_uefi=True below).

    make_iso(hv_elf, iso_path, cmdline='', modules=(), require_uefi=False)
        grub-mkrescue an ISO: grub.cfg uses the serial terminal, timeout 0,
        `multiboot2 /boot/hv.elf CMDLINE` and one `module2 /boot/NAME ARGS`
        per module. modules is a list of (path, args) pairs, NAME is the
        file's base name (made unique). CMDLINE and ARGS are written into
        grub.cfg as they are: GRUB's quoting rules apply (k="a b" is one
        argument; GRUB hands it on re-quoted as "k=a b", which
        hv/cmdline.c parses back to k = 'a b').
        The ISO is hybrid: an El Torito image for legacy BIOS (GRUB
        i386-pc) and, when GRUB's x86_64-efi modules are installed
        (Debian grub-efi-amd64-bin, GRUB_EFI_DIR), a FAT image
        /efi.img with GRUB for UEFI. require_uefi=True raises
        FirmwareMissing (a RuntimeError) if the EFI modules are missing,
        RuntimeError if the ISO came out without its UEFI image (./run
        and UEFI boots use it).

    iso_boot_platforms(iso_path) -> set of 'BIOS' / 'UEFI'
        the El Torito boot images of an ISO (read with xorriso).
    grub_efi_available() -> bool: GRUB's x86_64-efi modules installed.

    run_iso(iso_path, mem_mib=512, timeout=60, accel=None, extra_args=(),
            cpu=None, firmware='bios') -> Result
        Boot an ISO made by make_iso. Use this to boot one ISO several
        times (e.g. with different -m): one grub-mkrescue per test.
        cpu: QEMU -cpu model, default 'max,+svm' (e.g. 'max,-svm' to test
        a CPU without SVM, 'qemu32' for one without long mode).
        firmware: 'bios' (QEMU's default SeaBIOS) or 'uefi' (OVMF from
        Debian's ovmf package: OVMF_CODE as read-only pflash, a fresh
        copy of OVMF_VARS in a temporary directory as the writable
        variable store). OVMF under TCG takes a few seconds longer to
        reach GRUB than SeaBIOS; give timeouts room. Raises
        FirmwareMissing if OVMF is not installed.

    Result fields:
        status   the HV_STATUS_* the hypervisor wrote to isa-debug-exit
                 (0 = clean), or None if QEMU ended any other way
        reason   'exit' (status is valid), 'timeout', 'reset' (QEMU exited
                 0: the machine reset or powered off, e.g. a triple fault
                 in the hypervisor under -no-reboot), 'qemu-error'
        serial   everything written to COM1 (firmware + GRUB + hypervisor)
        hv_text  serial from the hypervisor's banner on ('' if none)
        elapsed  seconds from QEMU start to its exit
        qemu_rc, stderr   raw QEMU exit code and standard error

    qemu_argv(iso_path, mem_mib=512, accel=None, serial='file:PATH',
              extra_args=(), cpu=None, firmware='bios', uefi_vars=None)
        the QEMU command line (./run uses it with serial 'mon:stdio').
        firmware='uefi' needs uefi_vars: the path of a writable copy of
        the OVMF variable store, made with copy_uefi_vars(path).
    ovmf_files() -> (code_path, vars_path); raises FirmwareMissing
    copy_uefi_vars(path) -> path: a fresh OVMF_VARS copy at path
    decode_exit(rc, serial_text, started_re=None) -> (status, reason)
    pick_accel(accel=None) -> 'kvm' or 'tcg'; kvm_svm_usable() -> bool

    Tap: a tiny TAP producer for meson's protocol: 'tap'.
        t = Tap(); t.ok(cond, name, diag=''); t.is_(got, want, name)
        t.skip(name, reason)   # 'ok N - name # SKIP reason': a skip, not a pass
        t.diag(text); t.bail(reason); sys.exit(t.done())  # plan, returns 0/1
        A '#' in a name is written as '\#' (TAP: it would start a directive).

Plain QEMU (a guestlib guest on QEMU's own devices, no hypervisor):

    plain_disk(boot_sector, guest_bin, disk_path, args='', mem_mib=128)
        the IDE disk image tests/plain/plainboot.S boots: LBA 0 the boot
        sector (image size patched in), LBA 1 a struct guest_bootinfo
        (ram_top/host_ram = mem_mib, args as guest_args= gives them),
        LBA 2.. the flat binary.
    plain_argv(disk_path, mem_mib=128, serial=None, cpu='max', accel='tcg',
               extra_args=())
        QEMU's pc with -device pc-testdev and isa-debug-exit (iosize 4).
    run_plain(boot_sector, guest_bin, args='', mem_mib=128, timeout=60,
              cpu='max', accel='tcg', extra_args=()) -> Result
        status decoded with started_re=PLAIN_MARKER_RE (the boot sector's
        line), hv_text = the serial output from that line on.

Interactive runs (serial and monitor on unix sockets, read as they come):

    Session(argv, timeout=60, started_re=None); session_iso(iso_path, ...);
    session_plain(boot_sector, guest_bin, disk_path, args='', ...)
        s.expect(regex, timeout=None) -> re.Match or None (searches the
        serial text after the previous match); s.send(bytes or str);
        s.monitor('nmi') -> output; s.text; s.wait(timeout=None) -> Result
        (same decoding as run_iso/run_plain); s.close(). See class Session.

decode_exit(rc, serial_text, started_re=None) and hv_part(serial_text,
started_re=None) take the regex that proves the guest side started
(default BANNER_RE).

Exit status encoding: hv_exit(s) writes s to port 0xf4, QEMU exits with
(s << 1) | 1. A QEMU that could not start also exits with 1, which would
decode as status 0: decode_exit only believes rc 1 if the hypervisor's
banner is in the serial output.
"""

import collections
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

BANNER_RE = re.compile(r'^svmhv \S+ \(\S*\)', re.M)
QEMU = 'qemu-system-x86_64'
FIRMWARES = ('bios', 'uefi')
# GRUB's UEFI modules (Debian grub-efi-amd64-bin): with them grub-mkrescue
# adds the UEFI boot image to the ISO.
GRUB_EFI_DIR = '/usr/lib/grub/x86_64-efi'
# OVMF from Debian's ovmf package: (code, vars) pairs, preferred first. The
# 4 MiB build is Debian 12's default; the 2 MiB pair is the older layout.
# The .secboot/.ms variants are not used: the ISO is unsigned.
OVMF_PAIRS = (
    ('/usr/share/OVMF/OVMF_CODE_4M.fd', '/usr/share/OVMF/OVMF_VARS_4M.fd'),
    ('/usr/share/OVMF/OVMF_CODE.fd', '/usr/share/OVMF/OVMF_VARS.fd'),
)
DEBUG_EXIT_PORT = 0xf4

# Mirror of hv/status.h, for messages.
STATUS_NAMES = {
    0: 'OK', 32: 'PANIC', 33: 'GUEST_SHUTDOWN', 34: 'GUEST_BADGPA',
    35: 'GUEST_ERROR', 36: 'NO_SVM', 37: 'BAD_CONFIG',
}
HV_STATUS_OK = 0
HV_STATUS_PANIC = 32

Result = collections.namedtuple(
    'Result', 'status reason serial hv_text elapsed qemu_rc stderr')


def status_name(status):
    """Readable name of an HV_STATUS_* value."""
    if status is None:
        return 'none'
    if 1 <= status <= 31:
        return 'guest status %d' % status
    return STATUS_NAMES.get(status, 'status %d' % status)


def kvm_svm_usable():
    """True if KVM can run a guest that itself uses SVM: the host CPU has
    SVM, kvm_amd is loaded with nesting enabled, and /dev/kvm opens.
    A /dev/kvm alone proves nothing (e.g. an Intel host, or nested=0)."""
    try:
        with open('/proc/cpuinfo') as f:
            flags = next((l for l in f if l.startswith('flags')), '')
        if 'svm' not in flags.split(':', 1)[-1].split():
            return False
        with open('/sys/module/kvm_amd/parameters/nested') as f:
            if f.read().strip() not in ('1', 'Y', 'y'):
                return False
        fd = os.open('/dev/kvm', os.O_RDWR)
        os.close(fd)
        return True
    except OSError:
        return False


def pick_accel(accel=None):
    """'kvm' or 'tcg'. accel=None (or 'auto') picks KVM only if usable."""
    if accel in (None, '', 'auto'):
        return 'kvm' if kvm_svm_usable() else 'tcg'
    if accel not in ('kvm', 'tcg'):
        raise ValueError('accel must be kvm, tcg or auto, not %r' % accel)
    return accel


GRUB_CFG = """\
serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1
terminal_input serial console
terminal_output serial console
set timeout=0
set default=0
menuentry "svmhv" {{
\tmultiboot2 /boot/hv.elf {cmdline}
{modules}\tboot
}}
"""


class FirmwareMissing(RuntimeError):
    """OVMF (UEFI firmware for QEMU) or GRUB's EFI modules are not installed."""


def ovmf_files():
    """(code, vars) paths of OVMF; raises FirmwareMissing if none."""
    for code, nvram in OVMF_PAIRS:
        if os.path.isfile(code) and os.path.isfile(nvram):
            return code, nvram
    raise FirmwareMissing('UEFI firmware not found (looked for %s): install the Debian '
                          'package ovmf (scripts/setup.sh test does)' %
                          ', '.join(c for c, _ in OVMF_PAIRS))


def copy_uefi_vars(path):
    """A fresh copy of OVMF's empty variable store at path (QEMU writes to
    it: never hand it the shared file in /usr/share). Returns path."""
    shutil.copyfile(ovmf_files()[1], path)
    return path


def grub_efi_available():
    """True if grub-mkrescue can add a UEFI boot image (x86_64-efi modules)."""
    return os.path.isfile(os.path.join(GRUB_EFI_DIR, 'kernel.img'))


def iso_boot_platforms(iso_path):
    """Set of El Torito boot image platforms in the ISO: 'BIOS', 'UEFI'."""
    p = subprocess.run(['xorriso', '-indev', iso_path, '-report_el_torito', 'plain'],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True)
    found = set()
    for m in re.finditer(r'^El Torito boot img :\s+\d+\s+(\S+)\s+y\b', p.stdout, re.M):
        found.add(m.group(1))
    return found


def make_iso(hv_elf, iso_path, cmdline='', modules=(), require_uefi=False):
    """Build a bootable ISO at iso_path. Raises RuntimeError on failure
    (FirmwareMissing if require_uefi and GRUB's EFI modules are missing)."""
    if require_uefi and not grub_efi_available():
        raise FirmwareMissing('GRUB\'s UEFI modules (%s) are not installed, so the ISO would '
                              'boot only with legacy BIOS: install the Debian package '
                              'grub-efi-amd64-bin (scripts/setup.sh does)' % GRUB_EFI_DIR)
    with tempfile.TemporaryDirectory(prefix='hviso-') as root:
        bootdir = os.path.join(root, 'boot')
        os.makedirs(os.path.join(bootdir, 'grub'))
        shutil.copyfile(hv_elf, os.path.join(bootdir, 'hv.elf'))
        lines = []
        used = {'hv.elf', 'grub'}
        for path, args in modules:
            name = os.path.basename(path) or 'module'
            base, n = name, 1
            while name in used:
                n += 1
                name = '%s.%d' % (base, n)
            used.add(name)
            shutil.copyfile(path, os.path.join(bootdir, name))
            lines.append('\tmodule2 /boot/%s %s\n' % (name, args or ''))
        with open(os.path.join(bootdir, 'grub', 'grub.cfg'), 'w') as f:
            f.write(GRUB_CFG.format(cmdline=cmdline or '', modules=''.join(lines)))
        p = subprocess.run(['grub-mkrescue', '-o', iso_path, root],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        if p.returncode != 0 or not os.path.exists(iso_path):
            raise RuntimeError('grub-mkrescue failed (%d):\n%s' % (p.returncode, p.stdout))
    if require_uefi:
        plats = iso_boot_platforms(iso_path)
        if 'UEFI' not in plats:
            raise RuntimeError('grub-mkrescue made %s without a UEFI boot image (boot images: %s)'
                               % (iso_path, ', '.join(sorted(plats)) or 'none'))
    return iso_path


DEFAULT_CPU = 'max,+svm'


def check_firmware(firmware):
    """'bios' or 'uefi' (None means 'bios'); ValueError otherwise."""
    firmware = firmware or 'bios'
    if firmware not in FIRMWARES:
        raise ValueError('firmware must be bios or uefi, not %r' % firmware)
    return firmware


def qemu_argv(iso_path, mem_mib=512, accel=None, serial=None, extra_args=(), cpu=None,
              firmware='bios', uefi_vars=None):
    """QEMU command line for an ISO. serial: a QEMU -serial value.
    firmware='uefi': OVMF as two pflash devices, the code read-only and
    uefi_vars (a copy made by copy_uefi_vars) as the variable store."""
    accel = pick_accel(accel)
    firmware = check_firmware(firmware)
    argv = [QEMU, '-accel', accel, '-cpu', cpu or DEFAULT_CPU, '-m', str(int(mem_mib)),
            '-nographic', '-display', 'none', '-no-reboot', '-nic', 'none',
            '-device', 'isa-debug-exit,iobase=0x%x,iosize=1' % DEBUG_EXIT_PORT]
    if firmware == 'uefi':
        if not uefi_vars:
            raise ValueError('firmware=uefi needs uefi_vars (a copy_uefi_vars() file)')
        code, _ = ovmf_files()
        argv += ['-drive', 'if=pflash,format=raw,unit=0,readonly=on,file=' + code,
                 '-drive', 'if=pflash,format=raw,unit=1,file=' + uefi_vars]
    # The ISO as a CD on an AHCI controller rather than -cdrom (IDE): the
    # firmware reads it by DMA instead of PIO, which under TCG takes the
    # time to the hypervisor's banner from about 2.9 s to 1.8 s.
    argv += ['-device', 'ahci,id=ahci',
             '-drive', 'file=%s,media=cdrom,if=none,id=cd,readonly=on,format=raw' % iso_path,
             '-device', 'ide-cd,bus=ahci.0,drive=cd,bootindex=0']
    if serial is not None:
        argv += ['-serial', serial]
    if serial is None or not serial.startswith('mon:'):
        argv += ['-monitor', 'none']
    return argv + list(extra_args)


def decode_exit(rc, serial_text, started_re=None):
    """(status, reason) from QEMU's exit code; see the module docstring.
    started_re: what proves the guest side ran (default BANNER_RE; the
    plain-QEMU runs use PLAIN_MARKER_RE)."""
    if rc is None:
        return None, 'timeout'
    if rc == 0:
        return None, 'reset'
    if rc > 0 and rc & 1:
        if rc == 1 and not (started_re or BANNER_RE).search(serial_text or ''):
            return None, 'qemu-error'
        return rc >> 1, 'exit'
    return None, 'qemu-error'


def hv_part(serial_text, started_re=None):
    """The serial output from the hypervisor's banner (or started_re) on."""
    m = (started_re or BANNER_RE).search(serial_text)
    return serial_text[m.start():] if m else ''


def run_qemu_logged(argv, log, timeout):
    """Run QEMU (argv) to its end, or kill it after timeout seconds; its
    serial output goes to the file log. Returns (rc or None on a
    timeout, stderr bytes, seconds, serial text with \\n line ends)."""
    start = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        _, err = p.communicate(timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
        rc = None
    elapsed = time.monotonic() - start
    try:
        with open(log, 'rb') as f:
            serial = f.read().decode('utf-8', 'replace')
    except OSError:
        serial = ''
    return rc, err, elapsed, serial.replace('\r\n', '\n')


def run_iso(iso_path, mem_mib=512, timeout=60, accel=None, extra_args=(), cpu=None,
            firmware='bios'):
    """Boot iso_path once; return a Result."""
    firmware = check_firmware(firmware)
    with tempfile.TemporaryDirectory(prefix='hvrun-') as tmp:
        log = os.path.join(tmp, 'serial.log')
        nvram = None
        if firmware == 'uefi':
            nvram = copy_uefi_vars(os.path.join(tmp, 'ovmf_vars.fd'))
        argv = qemu_argv(iso_path, mem_mib, accel, 'file:' + log, extra_args, cpu,
                         firmware, nvram)
        rc, err, elapsed, serial = run_qemu_logged(argv, log, timeout)
    status, reason = decode_exit(rc, serial)
    return Result(status, reason, serial, hv_part(serial), elapsed, rc,
                  (err or b'').decode('utf-8', 'replace'))


def boot(hv_elf, cmdline='', modules=(), mem_mib=512, timeout=60, accel=None, cpu=None,
         extra_args=(), firmware='bios'):
    """Make a temporary ISO for hv_elf and boot it once; return a Result."""
    firmware = check_firmware(firmware)
    with tempfile.TemporaryDirectory(prefix='hvboot-') as tmp:
        iso = make_iso(hv_elf, os.path.join(tmp, 'hv.iso'), cmdline, modules,
                       require_uefi=(firmware == 'uefi'))
        return run_iso(iso, mem_mib, timeout, accel, extra_args, cpu, firmware)


# ---------------------------------------------------------------------------
# Plain QEMU: a guestlib guest on QEMU's own devices, without the hypervisor.

# The boot sector's marker line (tests/plain/plainboot.S): the guest was
# loaded and entered, so QEMU's exit code 1 is the guest's status 0.
PLAIN_MARKER_RE = re.compile(r'^plainboot: starting the guest', re.M)
PLAIN_NSECT_OFF = 0x1f0       # plainboot.S PB_NSECT_OFF: image sectors
BOOTINFO_MAGIC = 0x46495447   # include/guest_abi.h GUEST_BOOTINFO_MAGIC
BOOTINFO_ARGS_MAX = 240


def plain_disk(boot_sector, guest_bin, disk_path, args='', mem_mib=128):
    """Write the disk image plainboot.S reads: LBA 0 the boot sector with
    the image's sector count patched in, LBA 1 a boot-info page (struct
    guest_bootinfo: ram_top and host_ram from mem_mib, args as
    guest_args= would give them), LBA 2.. the flat binary."""
    with open(boot_sector, 'rb') as f:
        boot = bytearray(f.read())
    with open(guest_bin, 'rb') as f:
        image = f.read()
    if len(boot) != 512 or boot[510:] != b'\x55\xaa':
        raise RuntimeError('%s is not a 512-byte boot sector' % boot_sector)
    if len(image) > 0x80000:
        raise RuntimeError('%s is larger than the 512 KiB load window' % guest_bin)
    args = args.encode()
    if len(args) >= BOOTINFO_ARGS_MAX:
        raise ValueError('guest args longer than %d bytes' % (BOOTINFO_ARGS_MAX - 1))
    image += bytes(-len(image) % 512)
    struct.pack_into('<H', boot, PLAIN_NSECT_OFF, len(image) // 512)
    ram = mem_mib << 20
    info = struct.pack('<IIQQ%ds' % BOOTINFO_ARGS_MAX, BOOTINFO_MAGIC, 1, ram, ram, args)
    with open(disk_path, 'wb') as f:
        f.write(bytes(boot) + info + bytes(512 - len(info)) + image)
    return disk_path


def plain_argv(disk_path, mem_mib=128, serial=None, cpu='max', accel='tcg', extra_args=()):
    """QEMU command line for a plain run: QEMU's pc machine with its
    pc-testdev and isa-debug-exit (iosize 4, as kvm-unit-tests use it),
    booting the disk made by plain_disk()."""
    argv = [QEMU, '-accel', accel, '-cpu', cpu, '-m', str(int(mem_mib)),
            '-display', 'none', '-vga', 'none', '-no-reboot', '-nic', 'none',
            '-device', 'pc-testdev',
            '-device', 'isa-debug-exit,iobase=0x%x,iosize=4' % DEBUG_EXIT_PORT,
            '-drive', 'file=%s,format=raw,if=ide,index=0' % disk_path, '-boot', 'c']
    if serial is not None:
        argv += ['-serial', serial]
    if serial is None or not serial.startswith('mon:'):
        argv += ['-monitor', 'none']
    return argv + list(extra_args)


def run_plain(boot_sector, guest_bin, args='', mem_mib=128, timeout=60, cpu='max',
              accel='tcg', extra_args=()):
    """Run guest_bin once on plain QEMU; return a Result (hv_text: the
    serial output from the boot sector's marker on)."""
    with tempfile.TemporaryDirectory(prefix='plainrun-') as tmp:
        disk = plain_disk(boot_sector, guest_bin, os.path.join(tmp, 'disk.img'), args, mem_mib)
        log = os.path.join(tmp, 'serial.log')
        argv = plain_argv(disk, mem_mib, 'file:' + log, cpu, accel, extra_args)
        rc, err, elapsed, serial = run_qemu_logged(argv, log, timeout)
    status, reason = decode_exit(rc, serial, PLAIN_MARKER_RE)
    return Result(status, reason, serial, hv_part(serial, PLAIN_MARKER_RE), elapsed, rc,
                  (err or b'').decode('utf-8', 'replace'))


# ---------------------------------------------------------------------------
# Interactive sessions: serial and monitor on unix sockets.

ANSI_RE = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')
MONITOR_PROMPT = '(qemu) '


class Session:
    """A QEMU run to talk to while it runs.

    argv is a QEMU command line without -serial/-monitor of its own
    (qemu_argv(..., serial=None) or plain_argv(..., serial=None) add only
    '-monitor none', which is fine). The session listens on two unix
    sockets in a temporary directory, adds

        -chardev socket,id=hvser,path=SER -serial chardev:hvser
        -chardev socket,id=hvmon,path=MON -mon chardev=hvmon,mode=readline

    and starts QEMU, which connects to both before the machine runs, so
    no output is lost. A thread collects the serial output.

        expect(regex, timeout=None) -> re.Match or None
            wait until regex (str or compiled, searched with re.M) matches
            the serial text after the previous match; None on timeout or
            if QEMU ended without it. timeout defaults to the session's.
        send(data)            write bytes (or str, UTF-8) to the serial input
        monitor(cmd, timeout=10) -> str
            one human-monitor command (e.g. 'nmi', 'info status'); returns
            its output without the echo, escape sequences and prompt
        text                  all serial output so far ('\r\n' -> '\n')
        wait(timeout=None) -> Result
            wait for QEMU to end (killed after timeout: reason 'timeout');
            status decoded as run_iso/run_plain do (started_re)
        close()               kill QEMU if still running, remove the sockets

    Use it as a context manager (with Session(...) as s: ...).
    """

    def __init__(self, argv, timeout=60, started_re=None):
        self.timeout = timeout
        self.started_re = started_re
        self._tmp = tempfile.mkdtemp(prefix='hvsess-')
        self._buf = bytearray()
        self._mon = bytearray()
        self._cond = threading.Condition()
        self._eof = False
        self._pos = 0
        self._result = None
        self._start = time.monotonic()
        self._deadline = self._start + timeout
        paths = [os.path.join(self._tmp, n) for n in ('serial.sock', 'monitor.sock')]
        listeners = []
        for path in paths:
            ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            ls.bind(path)
            ls.listen(1)
            ls.settimeout(0.2)
            listeners.append(ls)
        full = list(argv) + [
            '-chardev', 'socket,id=hvser,path=%s' % paths[0], '-serial', 'chardev:hvser',
            '-chardev', 'socket,id=hvmon,path=%s' % paths[1], '-mon', 'chardev=hvmon,mode=readline']
        self._errf = open(os.path.join(self._tmp, 'stderr'), 'w+b')
        self.proc = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self._errf)
        try:
            self._ser = self._accept(listeners[0])
            self._monsock = self._accept(listeners[1])
        except RuntimeError:
            self.close()
            raise
        finally:
            for ls in listeners:
                ls.close()
        self._threads = [threading.Thread(target=self._reader, args=(self._ser, self._buf), daemon=True),
                         threading.Thread(target=self._reader, args=(self._monsock, self._mon),
                                          daemon=True)]
        for th in self._threads:
            th.start()

    def _accept(self, ls):
        while True:
            try:
                conn, _ = ls.accept()
                conn.settimeout(None)
                return conn
            except socket.timeout:
                if self.proc.poll() is not None or time.monotonic() > self._start + 30:
                    raise RuntimeError('QEMU did not connect its chardevs (rc %r): %s'
                                       % (self.proc.poll(), self._stderr()[-2000:]))

    def _reader(self, sock, buf):
        while True:
            try:
                data = sock.recv(65536)
            except OSError:
                data = b''
            with self._cond:
                if not data:
                    if buf is self._buf:
                        self._eof = True
                    self._cond.notify_all()
                    return
                buf.extend(data)
                self._cond.notify_all()

    def _stderr(self):
        try:
            self._errf.seek(0)
            return self._errf.read().decode('utf-8', 'replace')
        except (OSError, ValueError):
            return ''

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def text(self):
        with self._cond:
            return self._buf.decode('utf-8', 'replace').replace('\r\n', '\n')

    def expect(self, regex, timeout=None):
        rx = re.compile(regex, re.M) if isinstance(regex, str) else regex
        end = time.monotonic() + (self.timeout if timeout is None else timeout)
        with self._cond:
            while True:
                text = self._buf.decode('utf-8', 'replace').replace('\r\n', '\n')
                m = rx.search(text, self._pos)
                if m:
                    self._pos = m.end()
                    return m
                left = end - time.monotonic()
                if self._eof or left <= 0:
                    return None
                self._cond.wait(min(left, 0.5))

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self._ser.sendall(data)

    def monitor(self, cmd, timeout=10):
        end = time.monotonic() + timeout
        with self._cond:
            # The first prompt comes with the banner, before any command.
            while MONITOR_PROMPT.encode() not in self._mon:
                if not self._cond.wait(max(0.0, end - time.monotonic())):
                    raise RuntimeError('no monitor prompt: %r' % bytes(self._mon[-200:]))
            mark = len(self._mon)
        self._monsock.sendall(cmd.encode() + b'\n')
        with self._cond:
            while MONITOR_PROMPT.encode() not in self._mon[mark:]:
                left = end - time.monotonic()
                if left <= 0:
                    raise RuntimeError('monitor command %r: no prompt after it' % cmd)
                self._cond.wait(left)
            out = self._mon[mark:].decode('utf-8', 'replace')
        out = ANSI_RE.sub('', out[:out.rindex(MONITOR_PROMPT)]).replace('\r', '')
        lines = out.split('\n')
        if lines and lines[0].strip().endswith(cmd):
            lines = lines[1:]
        return '\n'.join(lines).strip('\n')

    def wait(self, timeout=None):
        if self._result is not None:
            return self._result
        left = self._deadline - time.monotonic() if timeout is None else timeout
        try:
            rc = self.proc.wait(timeout=max(0.0, left))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = None
        elapsed = time.monotonic() - self._start
        for th in self._threads:
            th.join(5)
        serial = self.text
        status, reason = decode_exit(rc, serial, self.started_re)
        self._result = Result(status, reason, serial, hv_part(serial, self.started_re), elapsed,
                              rc, self._stderr())
        return self._result

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for sock in (getattr(self, '_ser', None), getattr(self, '_monsock', None)):
            if sock is not None:
                sock.close()
        self._errf.close()
        shutil.rmtree(self._tmp, ignore_errors=True)


def session_iso(iso_path, mem_mib=512, timeout=60, accel=None, cpu=None, extra_args=()):
    """A Session booting an ISO made by make_iso (the hypervisor)."""
    return Session(qemu_argv(iso_path, mem_mib, accel, None, extra_args, cpu), timeout)


def session_plain(boot_sector, guest_bin, disk_path, args='', mem_mib=128, timeout=60,
                  cpu='max', accel='tcg', extra_args=()):
    """A Session running guest_bin on plain QEMU (disk image at disk_path)."""
    plain_disk(boot_sector, guest_bin, disk_path, args, mem_mib)
    return Session(plain_argv(disk_path, mem_mib, None, cpu, accel, extra_args), timeout,
                   PLAIN_MARKER_RE)


class Tap:
    """Minimal TAP 13 output: one 'ok N - name' line per check, the plan
    at the end (meson accepts a trailing plan)."""

    def __init__(self, out=None):
        self.out = out or sys.stdout
        self.n = 0
        self.failed = 0
        self.skipped = 0
        self.out.write('TAP version 13\n')

    def _line(self, s):
        self.out.write(s + '\n')
        self.out.flush()

    def diag(self, text):
        for l in str(text).splitlines() or ['']:
            self._line('# ' + l)

    def ok(self, cond, name, diag=''):
        self.n += 1
        name = str(name).replace('#', '\\#').replace('\n', ' ')
        self._line('%s %d - %s' % ('ok' if cond else 'not ok', self.n, name))
        if not cond:
            self.failed += 1
            if diag:
                self.diag(diag)
        return bool(cond)

    def skip(self, name, reason):
        """A check that did not run: TAP 'ok N - name # SKIP reason', which
        meson counts as skipped, not passed."""
        self.n += 1
        self.skipped += 1
        name = str(name).replace('#', '\\#').replace('\n', ' ')
        self._line('ok %d - %s # SKIP %s' % (self.n, name, str(reason).replace('\n', ' ')))

    def is_(self, got, want, name):
        return self.ok(got == want, name, 'wanted %r, got %r' % (want, got))

    def bail(self, reason):
        self._line('Bail out! ' + str(reason).replace('\n', ' '))
        return 1

    def done(self):
        """Print the plan; return the process exit code (0 if all passed)."""
        self._line('1..%d' % self.n)
        return 1 if self.failed or self.n == 0 else 0
