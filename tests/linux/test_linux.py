#!/usr/bin/env python3
"""A stock Debian kernel under the hypervisor (issue 10): Debian's
linux-image-cloud-amd64 and busybox-static (scripts/setup.sh test installs
them) with a tiny initramfs built here (initramfs.py), booted as GRUB
boots Xen's dom0: `module2 vmlinuz <command line>`, `module2 initrd`.

Scenarios (one meson test each):
  poweroff  the initramfs prints its lines and runs `poweroff -f`: ACPI S5
            through the PM1a control register ends the run with status 0
  reboot    `reboot -f`: the reset register (0xcf9) ends it with status 39
  shell     the busybox shell on ttyS0: a command typed into QEMU's serial
            port is run and its output seen, a 400-character line typed
            at full speed arrives whole (its MD5); `poweroff -f` ends it
  badmod    modules the loader must refuse, each with one line naming the
            module and the reason and status 37, never a hang

usage: test_linux.py --hv HV_ELF --build BUILD_DIR SCENARIO
"""
import argparse
import datetime
import glob
import hashlib
import os
import random
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'qemu'))
import hvqemu  # noqa: E402
import initramfs  # noqa: E402

GUEST_MEM = 256                 # MiB of guest RAM (mem=)
HOST_MEM = 512                  # MiB of the QEMU machine
TIMEOUT = 240                   # seconds for one boot under TCG
BUSYBOX = '/bin/busybox'        # busybox-static
STATUS_OK, STATUS_BAD_CONFIG, STATUS_RESET = 0, 37, 39
# The RTC starts from the host's CMOS clock (QEMU: the host's UTC time)
# and has whole seconds: its reading must lie in the run, give or take this.
RTC_SLACK = datetime.timedelta(seconds=10)


def find_kernel(t):
    """The newest Debian cloud kernel in /boot, or None after a failed check."""
    found = sorted(glob.glob('/boot/vmlinuz-*-cloud-amd64'))
    t.ok(found, 'a Debian cloud kernel is installed (/boot/vmlinuz-*-cloud-amd64; '
         'package linux-image-cloud-amd64, scripts/setup.sh test installs it)')
    return found[-1] if found else None


def kernel_release(path):
    return os.path.basename(path)[len('vmlinuz-'):]


def make_initrd(t, build):
    t.ok(os.access(BUSYBOX, os.X_OK), 'busybox-static is installed (%s)' % BUSYBOX)
    if not os.access(BUSYBOX, os.X_OK):
        return None
    path = os.path.join(build, 'linux-test-initrd.cpio')
    return initramfs.build(BUSYBOX, path)


def boot(args, kernel, initrd, append, hv_args='', timeout=TIMEOUT):
    return hvqemu.boot(args.hv, ('mem=%dM %s' % (GUEST_MEM, hv_args)).strip(),
                       modules=[(kernel, append), (initrd, '')], mem_mib=HOST_MEM,
                       timeout=timeout, accel='tcg')


def lines(text, key):
    return re.findall(r'^SVMHV-%s: (.*)$' % key, text, re.M)


def rtc_time(rtc):
    """The UTC time of busybox hwclock's "Tue Dec  1 23:22:18 2026  0.000000
    seconds", or None."""
    m = re.match(r'(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})', rtc[0]) if len(rtc) == 1 else None
    if not m:
        return None
    return datetime.datetime.strptime(m.group(1), '%a %b %d %H:%M:%S %Y').replace(
        tzinfo=datetime.timezone.utc)


def check_boot(t, r, kernel, what):
    """What the initramfs printed (initramfs.py) against what it should be."""
    text = r.serial.replace('\r', '')
    t.ok(lines(text, 'INIT') == ['up'], '%s: the initramfs ran /init' % what, r.hv_text[-1500:])
    t.is_(lines(text, 'UNAME'), [kernel_release(kernel)], '%s: uname -r is the kernel booted' % what)
    t.ok(lines(text, 'HYPERVISOR') == ['1'], '%s: /proc/cpuinfo has the hypervisor flag' % what,
         repr(lines(text, 'HYPERVISOR')))
    intr = lines(text, 'INTR')
    timer = [l for l in intr if re.match(r'0:\s+(\d+)\s+IO-APIC\s+2-edge\s+timer', l)]
    t.ok(timer and int(timer[0].split()[1]) > 0,
         '%s: the PIT timer interrupt came through IOAPIC pin 2 (ACPI override)' % what, repr(intr))
    loc = [l for l in intr if l.startswith('LOC:')]
    t.ok(loc and int(loc[0].split()[1]) > 0, '%s: local APIC timer interrupts' % what, repr(intr))
    serial = [l for l in intr if re.match(r'4:\s+\d+\s+IO-APIC\s+4-edge\s+ttyS0', l)]
    t.ok(serial, '%s: ttyS0 on IRQ 4 through the IOAPIC' % what, repr(intr))
    err = [l for l in intr if l.startswith('ERR:')]
    t.ok(err and err[0].split()[1] == '0', '%s: no erroneous or spurious interrupts (ERR: 0)'
         % what, repr(err))
    rtc = rtc_time(lines(text, 'RTC'))
    end = datetime.datetime.now(datetime.timezone.utc)
    start = end - datetime.timedelta(seconds=r.elapsed)
    t.ok(rtc and start - RTC_SLACK <= rtc <= end + RTC_SLACK,
         '%s: hwclock reads the RTC: the host\'s UTC time during the run (%s .. %s)'
         % (what, start.strftime('%H:%M:%S'), end.strftime('%H:%M:%S')),
         repr(lines(text, 'RTC')))
    t.ok('Kernel panic' not in text and 'BUG:' not in text and 'Oops' not in text,
         '%s: no panic, BUG or oops' % what)


def sc_poweroff(t, args):
    kernel, initrd = find_kernel(t), make_initrd(t, args.build)
    if not kernel or not initrd:
        return
    r = boot(args, kernel, initrd, 'console=ttyS0 svmhv.end=poweroff')
    check_boot(t, r, kernel, 'poweroff')
    t.ok(lines(r.serial, 'END') == ['poweroff'], 'poweroff: the initramfs asked for poweroff')
    t.ok('vm: guest powered the machine off (ACPI S5)' in r.hv_text,
         'poweroff: ACPI S5 through the PM1a control block', r.hv_text[-800:])
    t.is_((r.reason, r.status), ('exit', STATUS_OK), 'poweroff: the run ended by itself, status 0')


def sc_reboot(t, args):
    kernel, initrd = find_kernel(t), make_initrd(t, args.build)
    if not kernel or not initrd:
        return
    r = boot(args, kernel, initrd, 'console=ttyS0 svmhv.end=reboot')
    check_boot(t, r, kernel, 'reboot')
    t.ok(re.search(r'vm: guest reset the machine \((0xcf9|port 0xcf9|[^)]*cf9[^)]*)\)', r.hv_text),
         'reboot: through the reset register 0xcf9 (FADT RESET_REG)', r.hv_text[-800:])
    t.is_((r.reason, r.status), ('exit', STATUS_RESET), 'reboot: the run ended by itself, status 39')


# The shell scenario's commands. The checks look for what only running
# them prints: 42 (not the "$((6*7))" typed), a count from /proc/cpuinfo,
# and the MD5 of a long typed line (every byte arrived, in order, past
# the 16-byte receive FIFO of the guest's UART).
SHELL_CMD = 'echo $((6*7)) svmhv-shell-ok; echo hv=$(grep -c -w hypervisor /proc/cpuinfo)'
SHELL_LONG = 400                # characters of the long line


def shell_payload():
    """A long line of printable characters without shell meaning."""
    rnd = random.Random(103)
    alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,+=:'
    return ''.join(rnd.choice(alphabet) for _ in range(SHELL_LONG))


def sc_shell(t, args):
    kernel, initrd = find_kernel(t), make_initrd(t, args.build)
    if not kernel or not initrd:
        return
    prompt = re.escape(initramfs.PROMPT)
    payload = shell_payload()
    with tempfile.TemporaryDirectory(prefix='linux-shell-') as tmp:
        iso = hvqemu.make_iso(args.hv, os.path.join(tmp, 'hv.iso'), 'mem=%dM' % GUEST_MEM,
                              [(kernel, 'console=ttyS0 svmhv.end=shell'), (initrd, '')])
        with hvqemu.session_iso(iso, mem_mib=HOST_MEM, timeout=TIMEOUT, accel='tcg') as s:
            ready = s.expect(r'^SVMHV-SHELL: ready$') and s.expect(prompt)
            t.ok(ready, 'shell: the busybox shell prompts on ttyS0', s.text[-1500:])
            out = hv = md5 = None
            if ready:
                s.send(SHELL_CMD + '\r')
                out = s.expect(r'^42 svmhv-shell-ok$', 60)
                hv = s.expect(r'^hv=(\d+)$', 30)
                s.expect(prompt, 30)
                s.send('echo -n %s | md5sum\r' % payload)
                md5 = s.expect(r'^([0-9a-f]{32})  -$', 120)
                s.expect(prompt, 30)
                s.send('poweroff -f\r')
            r = s.wait()
    text = r.serial.replace('\r', '')
    t.ok(out, 'shell: a typed command ran ("echo $((6*7))" printed 42)', text[-1500:])
    t.is_(hv.group(1) if hv else None, '1', 'shell: its second part ran (/proc/cpuinfo has '
          'the hypervisor flag once)')
    t.is_(md5.group(1) if md5 else None, hashlib.md5(payload.encode()).hexdigest(),
          'shell: a %d-character typed line arrived whole (its MD5)' % SHELL_LONG)
    t.ok('Kernel panic' not in text and 'BUG:' not in text and 'Oops' not in text,
         'shell: no panic, BUG or oops')
    t.ok('vm: guest powered the machine off (ACPI S5)' in r.hv_text,
         'shell: "poweroff -f" typed at the prompt: ACPI S5', r.hv_text[-800:])
    t.is_((r.reason, r.status), ('exit', STATUS_OK), 'shell: the run ended by itself, status 0')


def bad_module(t, args, name, data, why_re, mem=GUEST_MEM):
    with tempfile.TemporaryDirectory(prefix='badmod-') as tmp:
        path = os.path.join(tmp, name)
        with open(path, 'wb') as f:
            f.write(data)
        r = hvqemu.boot(args.hv, 'mem=%dM' % mem, modules=[(path, 'console=ttyS0')],
                        mem_mib=HOST_MEM, timeout=90, accel='tcg')
    t.is_((r.reason, r.status), ('exit', STATUS_BAD_CONFIG), 'badmod %s: status 37' % name)
    m = re.findall(r'^vm: cannot load the guest: (.*)$', r.hv_text, re.M)
    t.ok(len(m) == 1 and re.search(why_re, m[0]), 'badmod %s: one line naming module and reason' % name,
         repr(m) + '\n' + r.hv_text[-600:])
    t.ok('vm: starting guest' not in r.hv_text, 'badmod %s: no guest was started' % name)


def elf32_multiboot(paddr):
    """A tiny ELF32 multiboot kernel whose one PT_LOAD lies at paddr."""
    import struct
    code = b'\xf4' * 16
    mb = struct.pack('<III', 0x1BADB002, 0, (-0x1BADB002) & 0xffffffff)
    body = mb + code
    ehdr = struct.pack('<16sHHIIIIIHHHHHH', b'\x7fELF\x01\x01\x01' + b'\0' * 9, 2, 3, 1,
                       paddr + 12, 52, 0, 0, 52, 32, 1, 0, 0, 0)
    phdr = struct.pack('<IIIIIIII', 1, 84, paddr, paddr, len(body), len(body), 5, 4)
    return ehdr + phdr + body


def sc_badmod(t, args):
    kernel = find_kernel(t)
    rnd = random.Random(10)
    if kernel:
        with open(kernel, 'rb') as f:
            vmlinuz = f.read()
        bad_module(t, args, 'vmlinuz-truncated', vmlinuz[:len(vmlinuz) // 3],
                   r'module 0: .*\[truncated\]$')
        bad_module(t, args, 'vmlinuz-toobig', vmlinuz, r'module 0: .*\[does not fit\]$', mem=32)
    bad_module(t, args, 'elf-outside-ram', elf32_multiboot(0x40000000),
               r'module 0: .*\[does not fit\]$')
    bad_module(t, args, 'random.bin', bytes(rnd.getrandbits(8) for _ in range(1 << 20)),
               r'module 0: .*too big for a raw binary.*\[unknown format\]$')
    bad_module(t, args, 'empty.bin', b'', r'module 0: .*\[empty\]$')


SCENARIOS = {'poweroff': sc_poweroff, 'reboot': sc_reboot, 'shell': sc_shell,
             'badmod': sc_badmod}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--hv', required=True)
    ap.add_argument('--build', required=True)
    ap.add_argument('scenario', choices=sorted(SCENARIOS))
    args = ap.parse_args()
    t = hvqemu.Tap()
    SCENARIOS[args.scenario](t, args)
    return t.done()


if __name__ == '__main__':
    sys.exit(main())
