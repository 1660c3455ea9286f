#!/usr/bin/env python3
"""No-long-mode test: on a CPU without long mode (QEMU -cpu qemu32) the
32-bit entry must say so on the serial port and stop with the panic
status instead of hanging or resetting.

usage: test_nolm.py HV_ELF     (TAP on stdout)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hvqemu  # noqa: E402


def main():
    t = hvqemu.Tap()
    if len(sys.argv) != 2:
        t.bail('usage: test_nolm.py HV_ELF')
        return 1
    r = hvqemu.boot(sys.argv[1], cmdline='boot_only', timeout=60, accel='tcg', cpu='qemu32')
    t.diag('%s, QEMU rc %s, %.2f s' % (r.reason, r.qemu_rc, r.elapsed))
    # No banner is expected, so decode rc by hand: (32 << 1) | 1 = 65.
    t.is_(r.qemu_rc, (hvqemu.HV_STATUS_PANIC << 1) | 1, 'QEMU exited with the panic status')
    t.ok('svmhv: this CPU does not support long mode (x86-64); cannot boot.' in r.serial,
         'readable message on the serial port', r.serial[-1000:])
    t.ok(r.hv_text == '', 'the 64-bit code never ran (no banner)')
    return t.done()


if __name__ == '__main__':
    sys.exit(main())
