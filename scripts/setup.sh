#!/bin/bash
# scripts/setup.sh [run|uefi|test] - install the Debian packages ./run or
# ./test need, and only those that are missing. Used by ./run, ./test and
# CI. uefi: what ./run --firmware uefi needs (run + ovmf).
#
# Missing packages are found with dpkg-query (fast; no tool is run). If
# any are missing: one `apt-get update`, then one `apt-get install -y` of
# exactly the missing ones. Needs root (or sudo) only in that case.
set -e

# grub-pc-bin and grub-efi-amd64-bin: grub-mkrescue makes one ISO that
# boots with legacy BIOS and with UEFI (./run --iso for real machines).
RUN_PKGS="qemu-system-x86 grub-pc-bin grub-efi-amd64-bin grub-common xorriso mtools meson ninja-build gcc binutils python3 git"
# Test-only dependencies used by tests/ (Zydis oracle, clang + libFuzzer,
# OVMF: UEFI firmware for QEMU, tests/qemu/test_uefi.py; acpica-tools:
# iasl and acpiexec check the ACPI tables, tests/fw/test_iasl.py).
TEST_PKGS="libzydis-dev clang libclang-rt-14-dev ovmf acpica-tools busybox-static linux-image-cloud-amd64"

case "${1:-run}" in
run)  want="$RUN_PKGS" ;;
uefi) want="$RUN_PKGS ovmf" ;;
test) want="$RUN_PKGS $TEST_PKGS" ;;
*)    echo "usage: $0 [run|uefi|test]" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "setup: not a Debian system (no dpkg-query); install by hand: $want" >&2
	exit 0
fi

missing=""
for p in $want; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" ok installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "setup: installing missing packages:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "setup: not root and no sudo; please install:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# shellcheck disable=SC2086
$SUDO apt-get install -y $missing
