#!/usr/bin/env python3
"""vmlinuz_test.py TEST_EXE BUILD_DIR - run the real-kernel loader test.

Finds a Debian x86-64 kernel and runs TEST_EXE (test_vmlinuz) on it:
  1. $LOADER_VMLINUZ, if set;
  2. /boot/vmlinuz-*-cloud-amd64, then any /boot/vmlinuz-* (the newest);
  3. BUILD_DIR/loader-kernel/boot/vmlinuz-*, unpacked earlier;
  4. otherwise it fetches the package Debian's linux-image-cloud-amd64
     depends on with `apt-get download` and unpacks it into
     BUILD_DIR/loader-kernel with `dpkg-deb -x` (no root, nothing
     installed; an `apt-get update` first only if apt knows no such
     package and we are root).
If no kernel can be had, the test fails (TAP "not ok") and says which
package to install: it never skips.
"""
import glob
import os
import subprocess
import sys

META = 'linux-image-cloud-amd64'


def newest(paths):
    return sorted(paths, key=os.path.getmtime)[-1] if paths else None


def package_name():
    """The versioned image package the meta package depends on, or None."""
    try:
        out = subprocess.run(['apt-cache', 'depends', META], capture_output=True,
                             text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.splitlines():
        line = line.strip()
        if line.startswith('Depends:') and 'linux-image-' in line:
            return line.split()[1]
    return None


def fetch(dest, log):
    pkg = package_name()
    if pkg is None and os.geteuid() == 0:
        subprocess.run(['apt-get', 'update'], capture_output=True, timeout=300)
        pkg = package_name()
    if pkg is None:
        log.append('apt-cache knows no %s' % META)
        return None
    os.makedirs(dest, exist_ok=True)
    r = subprocess.run(['apt-get', 'download', pkg], cwd=dest, capture_output=True,
                       text=True, timeout=600)
    debs = glob.glob(os.path.join(dest, pkg + '_*.deb'))
    if r.returncode != 0 or not debs:
        log.append('apt-get download %s failed: %s' % (pkg, r.stderr.strip()[-300:]))
        return None
    r = subprocess.run(['dpkg-deb', '-x', debs[0], dest], capture_output=True, text=True,
                       timeout=600)
    for d in debs:
        os.unlink(d)
    if r.returncode != 0:
        log.append('dpkg-deb -x failed: %s' % r.stderr.strip()[-300:])
        return None
    return newest(glob.glob(os.path.join(dest, 'boot', 'vmlinuz-*')))


def find_kernel(build_dir, log):
    env = os.environ.get('LOADER_VMLINUZ')
    if env:
        return env
    k = newest(glob.glob('/boot/vmlinuz-*-cloud-amd64')) or newest(glob.glob('/boot/vmlinuz-*'))
    if k and os.access(k, os.R_OK):
        return k
    dest = os.path.join(build_dir, 'loader-kernel')
    k = newest(glob.glob(os.path.join(dest, 'boot', 'vmlinuz-*')))
    return k or fetch(dest, log)


def main():
    exe, build_dir = sys.argv[1], sys.argv[2]
    log = []
    kernel = find_kernel(build_dir, log)
    if kernel is None:
        print('1..1')
        print('not ok 1 - no Debian x86-64 kernel: install %s (apt-get install %s) '
              'or set LOADER_VMLINUZ' % (META, META))
        for line in log:
            print('# ' + line)
        sys.stdout.flush()
        return 1
    sys.stdout.flush()
    os.execv(exe, [exe, kernel])


if __name__ == '__main__':
    sys.exit(main())
