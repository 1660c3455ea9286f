#!/usr/bin/env python3
"""UEFI boot test: the ISO that ./run builds boots under UEFI firmware
(OVMF) as well as under legacy BIOS, and the hypervisor works the same.

GRUB for UEFI (grub-efi-amd64-bin) loads hv.elf like GRUB for BIOS does:
our Multiboot2 header has neither the EFI boot services tag nor an EFI
entry address, so GRUB calls ExitBootServices() and enters _start in
32-bit protected mode with paging off (Multiboot2 spec 3.1.8, 3.1.12,
3.3). This test checks what the hypervisor then observed.

Boots (all TCG, -cpu max,+svm):
  1. ISO 1 (no command line, no module) under OVMF at -m 512: banner,
     loader GRUB, "boot: firmware UEFI", RAM total against -m, the memory
     map accounts for every byte of -m, the page allocator got nearly all
     of it, the default built-in guest "demo" ran (its greeting, status 0
     through isa-debug-exit), hypervisor status 0.
  2. ISO 1 again under SeaBIOS: the same image boots both ways.
  3. ISO 2 (the demo guest as a Multiboot2 module "guest") under OVMF at
     -m 2048: module placement by GRUB-EFI (which, unlike GRUB-BIOS, puts
     a small module below 1 MiB), the guest ran from the module.

RAM bound under UEFI: OVMF (Debian 2022.11) keeps 6216 KiB (6.07 MiB) of
RAM for itself at every -m measured (256, 512, 2048, 3072): ACPI NVS
(~1.5 MiB), runtime services code (1 MiB), reserved (~3.5 MiB) and ACPI
tables (72 KiB), all listed in the memory map as not available. The
hypervisor does not count them as RAM (hv/mb2.h), so its total is
-m minus 6.07 MiB; we allow 8 MiB below -m (about 2 MiB of room for
another OVMF build) and nothing above. SeaBIOS keeps under 1 MiB, which
tests/qemu/test_boot.py checks. A separate, exact check makes sure the
bound hides nothing: available + all other map entries below the end of
RAM + the 384 KiB legacy hole = -m (within 1 MiB).

If OVMF or GRUB's EFI modules are missing the test FAILS and says what
to install (./test installs them through scripts/setup.sh); it does not
skip.

usage: test_uefi.py HV_ELF DEMO_BIN      (TAP on stdout)
"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hvqemu  # noqa: E402

KiB = 1 << 10
MiB = 1 << 20
OVMF_RAM_SLACK = 8 * MiB       # see the docstring: measured 6216 KiB
LEGACY_HOLE = 0x100000 - 0xa0000
BOOT_TIMEOUT = 180             # measured ~4.5 s per OVMF boot under TCG
MMAP_RE = re.compile(r'^  \[([0-9a-f]{16})-([0-9a-f]{16})\] (.+)$', re.M)


def check_fw_line(t, r, what, want):
    m = re.search(r'^boot: firmware (\S+)', r.hv_text, re.M)
    t.ok(m is not None and m.group(1) == want, '%s: hypervisor saw firmware %s' % (what, want),
         m.group(0) if m else 'no "boot: firmware" line')


def check_clean(t, r, what):
    ok = t.ok(r.reason == 'exit' and r.status == hvqemu.HV_STATUS_OK,
              '%s: QEMU exited with hypervisor status 0' % what,
              'reason %s status %s qemu rc %s\n%s\n%s' %
              (r.reason, r.status, r.qemu_rc, r.stderr[-1000:], r.serial[-3000:]))
    t.ok(re.search(r'^svmhv: exit status 0$', r.hv_text, re.M) is not None,
         '%s: hypervisor reports exit status 0' % what)
    return ok


def check_demo(t, r, what, name):
    t.ok('Hello from the demo guest!' in r.hv_text, '%s: demo guest greeting' % what)
    t.ok(re.search(r'^demo: bye$', r.hv_text, re.M) is not None, '%s: demo guest finished' % what)
    t.ok('vm: guest wrote 0x0 to the debug-exit port 0xf4' in r.hv_text,
         '%s: guest wrote status 0 to isa-debug-exit' % what)
    t.ok(re.search(r'^vm: guest "%s" stopped, status 0$' % re.escape(name), r.hv_text, re.M)
         is not None, '%s: guest "%s" stopped with status 0' % (what, name))


def check_ram(t, r, what, mem_mib):
    mem = mem_mib * MiB
    m = re.search(r'^boot: RAM (\d+) KiB \((\d+) MiB\) total, (\d+) KiB usable', r.hv_text, re.M)
    if not t.ok(m is not None, '%s: RAM line present' % what):
        return
    total, usable = int(m.group(1)) * KiB, int(m.group(3)) * KiB
    t.diag('%s: RAM total %d KiB = -m minus %d KiB' % (what, total // KiB, (mem - total) // KiB))
    t.ok(mem - OVMF_RAM_SLACK <= total <= mem,
         '%s: RAM total within %d MiB below -m %d' % (what, OVMF_RAM_SLACK // MiB, mem_mib),
         'total %d KiB, -m %d KiB' % (total // KiB, mem // KiB))
    t.ok(0 < usable <= total, '%s: usable RAM positive and <= total' % what)
    # Every byte of -m is either available or a firmware reservation that
    # the map lists; only the legacy hole 640 KiB..1 MiB is left out.
    covered, avail = 0, 0
    entries = MMAP_RE.findall(r.hv_text)
    for lo, hi, kind in entries:
        lo, end = int(lo, 16), int(hi, 16) + 1
        if lo >= mem:
            continue
        covered += min(end, mem) - lo
        if kind == 'available':
            avail += end - lo
    t.ok(len(entries) > 0 and avail == usable, '%s: memory map printed, its available sum is '
         'the usable RAM' % what, '%d entries, available %d, usable %d' % (len(entries), avail, usable))
    t.ok(abs(covered + LEGACY_HOLE - mem) <= MiB,
         '%s: memory map below the end of RAM covers -m %d (within 1 MiB)' % (what, mem_mib),
         'covered %d KiB + hole %d KiB vs %d KiB' % (covered // KiB, LEGACY_HOLE // KiB, mem // KiB))
    m = re.search(r'(\d+) pages \((\d+) MiB\) free; image \[(0x[0-9a-f]+)-', r.hv_text)
    t.ok(m is not None and mem_mib - 64 <= int(m.group(2)) < mem_mib,
         '%s: page allocator has nearly all RAM free' % what, m.group(0) if m else 'no pmm line')
    t.ok(m is not None and int(m.group(3), 16) == 0x100000,
         '%s: GRUB loaded hv.elf at its link address 1 MiB' % what, m.group(0) if m else '')


def preflight(t):
    """OVMF and GRUB's EFI modules installed, and the QEMU command line."""
    try:
        code, nvram = hvqemu.ovmf_files()
        have_ovmf = True
    except hvqemu.FirmwareMissing as e:
        have_ovmf = False
        code = nvram = None
        why = str(e)
    t.ok(have_ovmf, 'OVMF (UEFI firmware for QEMU) is installed',
         None if have_ovmf else why)
    t.ok(hvqemu.grub_efi_available(), 'GRUB UEFI modules are installed (%s)' % hvqemu.GRUB_EFI_DIR,
         'install the Debian package grub-efi-amd64-bin (./test and ./run do)')
    if not have_ovmf or not hvqemu.grub_efi_available():
        return False
    argv = ' '.join(hvqemu.qemu_argv('/x.iso', 512, 'tcg', 'file:/tmp/s', firmware='uefi',
                                     uefi_vars='/tmp/v.fd'))
    t.ok('if=pflash,format=raw,unit=0,readonly=on,file=' + code in argv and
         'if=pflash,format=raw,unit=1,file=/tmp/v.fd' in argv,
         'firmware=uefi: OVMF code read-only, the vars copy writable', argv)
    return True


def main():
    t = hvqemu.Tap()
    if len(sys.argv) != 3:
        t.bail('usage: test_uefi.py HV_ELF DEMO_BIN')
        return 1
    hv_elf, demo_bin = sys.argv[1], sys.argv[2]
    if not preflight(t):
        t.diag('UEFI prerequisites missing: FAIL, not skip (scripts/setup.sh test installs them)')
        return t.done()
    with tempfile.TemporaryDirectory(prefix='test_uefi-') as tmp:
        iso = hvqemu.make_iso(hv_elf, os.path.join(tmp, 'plain.iso'), require_uefi=True)
        plats = hvqemu.iso_boot_platforms(iso)
        t.is_(sorted(plats), ['BIOS', 'UEFI'], 'ISO has a BIOS and a UEFI boot image')

        what = 'UEFI -m 512'
        r = hvqemu.run_iso(iso, mem_mib=512, timeout=BOOT_TIMEOUT, firmware='uefi')
        t.diag('%s: %s, status %s, %.2f s' % (what, r.reason, r.status, r.elapsed))
        check_clean(t, r, what)
        t.ok(re.match(r'svmhv \d+\.\d+\.\d+\S* \(\S+\)\n', r.hv_text) is not None,
             '%s: banner "svmhv <version> (<git hash>)"' % what, r.serial[-2000:])
        m = re.search(r'^boot: loader "(.*)"$', r.hv_text, re.M)
        t.ok(m is not None and m.group(1).startswith('GRUB'), '%s: loader name is GRUB' % what,
             m.group(0) if m else 'no loader line')
        check_fw_line(t, r, what, 'UEFI')
        check_ram(t, r, what, 512)
        check_demo(t, r, what, 'demo')

        what = 'BIOS -m 512, same ISO'
        r = hvqemu.run_iso(iso, mem_mib=512, timeout=BOOT_TIMEOUT, firmware='bios')
        t.diag('%s: %s, status %s, %.2f s' % (what, r.reason, r.status, r.elapsed))
        check_clean(t, r, what)
        check_fw_line(t, r, what, 'BIOS')
        check_demo(t, r, what, 'demo')

        what = 'UEFI -m 2048, guest module'
        size = os.path.getsize(demo_bin)
        iso = hvqemu.make_iso(hv_elf, os.path.join(tmp, 'module.iso'),
                              modules=[(demo_bin, 'guest')], require_uefi=True)
        r = hvqemu.run_iso(iso, mem_mib=2048, timeout=BOOT_TIMEOUT, firmware='uefi')
        t.diag('%s: %s, status %s, %.2f s' % (what, r.reason, r.status, r.elapsed))
        check_clean(t, r, what)
        check_fw_line(t, r, what, 'UEFI')
        m = re.search(r'^boot: module 0 \[([0-9a-f]+)-([0-9a-f]+)\) (\d+) bytes "(.*)"$',
                      r.hv_text, re.M)
        t.ok(m is not None and int(m.group(2), 16) - int(m.group(1), 16) == size and
             m.group(4) == 'guest', '%s: module reported, %d bytes, command line "guest"'
             % (what, size), m.group(0) if m else 'no module line')
        # GRUB-EFI's allocator puts small modules below 1 MiB (measured:
        # 0x49000), GRUB-BIOS above it: the hypervisor must not care. What
        # must hold: page-aligned (module-align tag), in RAM the map calls
        # available, clear of hv.elf, below 4 GiB (the identity map).
        ok = False
        if m:
            lo, hi = int(m.group(1), 16), int(m.group(2), 16)
            img = re.search(r'free; image \[(0x[0-9a-f]+)-(0x[0-9a-f]+)\)', r.hv_text)
            in_avail = any(int(a, 16) <= lo and hi <= int(b, 16) + 1
                           for a, b, kind in MMAP_RE.findall(r.hv_text) if kind == 'available')
            clear = img is not None and (hi <= int(img.group(1), 16) or lo >= int(img.group(2), 16))
            ok = lo % 4096 == 0 and hi <= 1 << 32 and in_avail and clear
            t.diag('%s: module at 0x%x (%s 1 MiB)' % (what, lo, 'below' if lo < 0x100000 else 'above'))
        t.ok(ok, '%s: module page-aligned, in available RAM, clear of hv.elf, below 4 GiB' % what,
             m.group(0) if m else '')
        t.ok(re.search(r'^vm: guest "module": %d bytes' % size, r.hv_text, re.M) is not None,
             '%s: guest loaded from the module' % what)
        check_ram(t, r, what, 2048)
        check_demo(t, r, what, 'module')
    return t.done()


if __name__ == '__main__':
    sys.exit(main())
