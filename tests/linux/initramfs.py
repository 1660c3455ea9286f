#!/usr/bin/env python3
"""initramfs.py - build the tiny initramfs of the Linux boot tests: a
newc cpio archive (the format the kernel unpacks, Documentation/
driver-api/early-userspace/buffer-format.rst) with busybox-static as
/bin/busybox, the device nodes the kernel needs before anything mounts
(/dev/console, /dev/ttyS0, /dev/null) and an /init script.

Written in Python so that no root, cpio or mknod is needed: device nodes
are entries in the archive, created by the kernel when it unpacks it.

/init (busybox sh):
  mounts proc, sys and devtmpfs, prints the marker line
  "SVMHV-INIT: up", then
    "SVMHV-UNAME: <uname -r>"
    "SVMHV-HYPERVISOR: <count of 'hypervisor' flags in /proc/cpuinfo>"
    "SVMHV-INTR: <line>"   for the timer, LOC, NMI and serial lines of /proc/interrupts
    "SVMHV-RTC: <date>"    from hwclock (the RTC)
    "SVMHV-CLOCKSOURCE: <current clocksource>"
  and then, by the word svmhv.end= on the kernel command line:
    poweroff (default)  poweroff -f
    reboot              reboot -f
    shell               an interactive shell on the console (setsid cttyhack sh)
                        with the prompt PROMPT ("svmhv-shell# ")

build(busybox, out_path, init=INIT) takes another /init script too
(bench/linux_boot.py uses a shorter one).

usage: initramfs.py BUSYBOX OUT.cpio
"""
import os
import stat
import sys

INIT = r'''#!/bin/busybox sh
/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /tmp
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "SVMHV-INIT: up"
echo "SVMHV-UNAME: $(uname -r)"
echo "SVMHV-HYPERVISOR: $(grep -c -w hypervisor /proc/cpuinfo)"
grep -E '^ *(0|4|8|NMI|LOC|ERR):' /proc/interrupts | while read -r l; do echo "SVMHV-INTR: $l"; done
echo "SVMHV-RTC: $(hwclock -r -u 2>&1)"
echo "SVMHV-CLOCKSOURCE: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
end=poweroff
for w in $(cat /proc/cmdline); do
	case "$w" in svmhv.end=*) end=${w#svmhv.end=} ;; esac
done
echo "SVMHV-END: $end"
case "$end" in
reboot) reboot -f ;;
shell)
	echo "SVMHV-SHELL: ready"
	export PS1='@PROMPT@'
	exec setsid cttyhack sh ;;
*) poweroff -f ;;
esac
echo "SVMHV-END: still running"
sleep 1000
'''
PROMPT = 'svmhv-shell# '


def entry(name, mode, data=b'', rdev=(0, 0), ino=[0]):
    """One newc header + name + data, each padded to 4 bytes."""
    ino[0] += 1
    name_b = name.encode() + b'\0'
    hdr = '070701' + ''.join('%08X' % v for v in (
        ino[0], mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name_b), 0))
    out = hdr.encode() + name_b
    out += b'\0' * (-len(out) % 4)
    out += data
    out += b'\0' * (-len(out) % 4)
    return out


def build(busybox, out_path, init=INIT):
    with open(busybox, 'rb') as f:
        bb = f.read()
    parts = [
        entry('bin', stat.S_IFDIR | 0o755),
        entry('dev', stat.S_IFDIR | 0o755),
        entry('proc', stat.S_IFDIR | 0o755),
        entry('sys', stat.S_IFDIR | 0o755),
        entry('dev/console', stat.S_IFCHR | 0o600, rdev=(5, 1)),
        entry('dev/ttyS0', stat.S_IFCHR | 0o600, rdev=(4, 64)),
        entry('dev/null', stat.S_IFCHR | 0o666, rdev=(1, 3)),
        entry('bin/busybox', stat.S_IFREG | 0o755, bb),
        entry('bin/sh', stat.S_IFLNK | 0o777, b'busybox'),
        entry('init', stat.S_IFREG | 0o755, init.replace('@PROMPT@', PROMPT).encode()),
        entry('TRAILER!!!', 0),
    ]
    data = b''.join(parts)
    data += b'\0' * (-len(data) % 512)
    # A name of this process's own: the linux_* tests run in parallel and
    # each builds the same initramfs (os.replace makes the last one win).
    tmp = '%s.%d.tmp' % (out_path, os.getpid())
    with open(tmp, 'wb') as f:
        f.write(data)
    os.replace(tmp, out_path)
    return out_path


if __name__ == '__main__':
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    build(sys.argv[1], sys.argv[2])
