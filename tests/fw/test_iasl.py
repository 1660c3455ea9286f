#!/usr/bin/env python3
"""test_iasl.py TEST_FW - the ACPI tables of vmm/fw/acpi.c checked by ACPICA,
the reference implementation whose table code Linux runs (Debian package
acpica-tools: iasl, acpiexec). TAP on stdout.

test_fw --dump writes the tables of this PC (fw_machine_pc with 1 and 4
vCPUs) to a scratch directory, one file each. Then:

 1. `iasl -d` disassembles RSDT, XSDT, FADT, MADT, FACS and DSDT: no error,
    warning or checksum complaint, and every field the builder sets has
    the expected value in the disassembly (names as iasl prints them).
 2. iasl compiles each disassembly back; the binary must equal ours except
    the checksum and the compiler ID/revision iasl writes as its own, so
    every byte of ours is a field iasl understands.
 3. The RSDP (iasl cannot disassemble a bare RSDP file) is compiled by
    iasl's data-table compiler from its field values: iasl computes both
    checksums, and the 36 bytes must equal ours.
 4. acpiexec loads our FADT, DSDT and MADT the way Linux's ACPICA does
    (FADT conversion and register checks included): no firmware warning
    or error; it evaluates \\_S5 to Package {5, 5, 0, 0}: SLP_TYPa 5 is
    the value vmm/dev/acpi_pm.h powers off on. (Its sleep command would
    show the same, then stall 10 s as ACPICA does after an S5 that did
    not happen.) acpiexec's own self-tests report "Unexpected AE_..." for the
    GPE blocks and PM2 register this machine does not have; those lines
    are not about our tables and are ignored.

Without iasl or acpiexec the test fails, naming the package to install.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'qemu'))
from hvqemu import Tap  # noqa: E402


HERE = os.path.dirname(os.path.abspath(__file__))
# The sleep type the PM device powers off on (vmm/dev/acpi_pm.h).
S5_SLP_TYP = int(re.search(r'#define ACPI_PM_SLP_TYP_S5\s+(\d+)',
                           open(os.path.join(HERE, '..', '..', 'vmm', 'dev', 'acpi_pm.h')).read())
                 .group(1))
TABLES = ['rsdt', 'xsdt', 'facp', 'apic', 'facs', 'dsdt']
BAD_WORDS = re.compile(r'error|warning|incorrect|invalid|unknown|too long|\*\*\*\*', re.I)


def run(argv, cwd):
    p = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, timeout=60)
    return p.returncode, p.stdout


def fields(dsl):
    """The '[off len] Name : Value' lines of a data-table disassembly as
    {name: [values]}; names inside a GAS or a MADT subtable get a prefix
    ('Reset Register/Address', 'sub3/Local Apic ID'). Decoded flag bits
    ('Name : 1' without an offset) are kept too."""
    out, prefix, sub = {}, '', -1
    for line in dsl.splitlines():
        m = re.match(r'^(?:\[[0-9A-F]+h [0-9]+ +[0-9]+\])?\s*(.+?) : (.*?)\s*$', line)
        if not m or line.startswith(('/*', ' *')):
            continue
        name, val = m.group(1).strip(), m.group(2)
        if name == 'Subtable Type':
            sub += 1
            prefix = 'sub%d/' % sub
        if val.startswith('[Generic Address Structure]'):
            prefix = name + '/'
            continue
        if line.startswith('[') and prefix and not prefix.startswith('sub') and \
                name not in ('Space ID', 'Bit Width', 'Bit Offset', 'Encoded Access Width',
                             'Address'):
            prefix = ''
        out.setdefault(prefix + name, []).append(val)
    return out


def expect(tap, got, want, what):
    for k, v in want.items():
        vals = got.get(k)
        tap.ok(vals is not None and v in vals, '%s: %s = %s' % (what, k, v),
               'disassembly has %r' % (vals,))


def fadt_expectations():
    gas = lambda space, bits, access, addr: {  # noqa: E731
        'Space ID': space, 'Bit Width': bits, 'Encoded Access Width': access,
        'Address': '%016X' % addr, 'Bit Offset': '00'}
    want = {
        'Revision': '06', 'FADT Minor Revision': '05', 'Table Length': '00000114',
        'Oem ID': '"SVMHV "', 'Oem Table ID': '"SVMHVPC "',
        'PM Profile': '00 [Unspecified]', 'SCI Interrupt': '0009',
        'SMI Command Port': '00000000', 'ACPI Enable Value': '00', 'ACPI Disable Value': '00',
        'PM1A Event Block Address': '00000600', 'PM1B Event Block Address': '00000000',
        'PM1A Control Block Address': '00000604', 'PM1B Control Block Address': '00000000',
        'PM2 Control Block Address': '00000000', 'PM Timer Block Address': '00000608',
        'GPE0 Block Address': '00000000', 'GPE1 Block Address': '00000000',
        'PM1 Event Block Length': '04', 'PM1 Control Block Length': '02',
        'PM2 Control Block Length': '00', 'PM Timer Block Length': '04',
        'GPE0 Block Length': '00', 'GPE1 Block Length': '00',
        'C2 Latency': '0FFF', 'C3 Latency': '0FFF', 'RTC Century Index': '32',
        'Boot Flags (decoded below)': '000F',
        'Legacy Devices Supported (V2)': '1', '8042 Present on ports 60/64 (V2)': '1',
        'VGA Not Present (V4)': '1', 'MSI Not Supported (V4)': '1',
        'PCIe ASPM Not Supported (V4)': '0', 'CMOS RTC Not Present (V5)': '0',
        'Flags (decoded below)': '00000575',
        'WBINVD instruction is operational (V1)': '1', 'All CPUs support C1 (V1)': '1',
        'Control Method Power Button (V1)': '1', 'Control Method Sleep Button (V1)': '1',
        'RTC wake not in fixed reg space (V1)': '1', '32-bit PM Timer (V1)': '1',
        'Reset Register Supported (V2)': '1', 'Hardware Reduced (V5)': '0',
        'Value to cause reset': '06',
        'FACS Address': '0000000000000000',         # X_FIRMWARE_CTRL: FIRMWARE_CTRL only
    }
    for name, g in (('Reset Register', gas('01 [SystemIO]', '08', '01 [Byte Access:8]', 0xcf9)),
                    ('PM1A Event Block', gas('01 [SystemIO]', '20', '02 [Word Access:16]', 0x600)),
                    ('PM1A Control Block', gas('01 [SystemIO]', '10', '02 [Word Access:16]', 0x604)),
                    ('PM Timer Block', gas('01 [SystemIO]', '20', '03 [DWord Access:32]', 0x608)),
                    ('PM1B Event Block', gas('00 [SystemMemory]', '00', '00 [Undefined/Legacy]', 0)),
                    ('GPE0 Block', gas('00 [SystemMemory]', '00', '00 [Undefined/Legacy]', 0))):
        for k, v in g.items():
            want[name + '/' + k] = v
    return want


def check_disassembly(tap, d, ncpus):
    sfx = str(ncpus)
    dsl = {}
    for t in TABLES:
        rc, out = run(['iasl', '-d', t + sfx + '.dat'], d)
        path = os.path.join(d, t + sfx + '.dsl')
        text = open(path).read() if os.path.exists(path) else ''
        dsl[t] = text
        body = re.sub(r'^/\*.*?\*/', '', text, flags=re.S)      # the banner comment
        tap.ok(rc == 0 and text and not BAD_WORDS.search(out.split('Copyright')[-1]) and
               not BAD_WORDS.search(body),
               'iasl -d %s (%d vCPUs): disassembled, no complaint' % (t, ncpus),
               'rc %d\n%s\n%s' % (rc, out, body[:3000]))
    f = {t: fields(dsl[t]) for t in TABLES}
    expect(tap, f['facp'], fadt_expectations(), 'FADT (%d vCPUs)' % ncpus)
    tap.ok(len(f['facp'].get('DSDT Address', [])) == 2 and
           int(f['facp']['DSDT Address'][0], 16) == int(f['facp']['DSDT Address'][1], 16),
           'FADT (%d vCPUs): DSDT = X_DSDT' % ncpus, repr(f['facp'].get('DSDT Address')))
    facs = int(f['facp'].get('FACS Address', ['1'])[0], 16)
    tap.ok(facs % 64 == 0 and facs != 0, 'FADT (%d vCPUs): FIRMWARE_CTRL 64-byte aligned' % ncpus,
           hex(facs))
    expect(tap, f['facs'], {'Signature': '"FACS"', 'Length': '00000040', 'Version': '02',
                            'Global Lock': '00000000', 'Flags (decoded below)': '00000000'},
           'FACS')
    for t in ('rsdt', 'xsdt'):
        expect(tap, f[t], {'Revision': '01', 'Oem ID': '"SVMHV "'}, t.upper())
    tap.ok([int(x, 16) for k, v in sorted(f['rsdt'].items()) if k.startswith('ACPI Table Address')
            for x in v] ==
           [int(x, 16) for k, v in sorted(f['xsdt'].items()) if k.startswith('ACPI Table Address')
            for x in v] and 'ACPI Table Address   1' in f['xsdt'] and
           'ACPI Table Address   2' not in f['xsdt'],
           'RSDT and XSDT (%d vCPUs) list the same two tables' % ncpus)

    m = f['apic']
    expect(tap, m, {'Revision': '06', 'Local Apic Address': 'FEE00000',
                    'Flags (decoded below)': '00000001', 'PC-AT Compatibility': '1'},
           'MADT (%d vCPUs)' % ncpus)
    want = {}
    for i in range(ncpus):
        p = 'sub%d/' % i
        want.update({p + 'Subtable Type': '00 [Processor Local APIC]', p + 'Processor ID': '%02X' % i,
                     p + 'Local Apic ID': '%02X' % i, p + 'Processor Enabled': '1'})
    p = ['sub%d/' % (ncpus + i) for i in range(4)]
    want.update({p[0] + 'Subtable Type': '01 [I/O APIC]', p[0] + 'I/O Apic ID': '00',
                 p[0] + 'Address': 'FEC00000', p[0] + 'Interrupt': '00000000',
                 p[1] + 'Subtable Type': '02 [Interrupt Source Override]', p[1] + 'Bus': '00',
                 p[1] + 'Source': '00', p[1] + 'Interrupt': '00000002', p[1] + 'Polarity': '1',
                 p[1] + 'Trigger Mode': '1',
                 p[2] + 'Subtable Type': '02 [Interrupt Source Override]', p[2] + 'Source': '09',
                 p[2] + 'Interrupt': '00000009', p[2] + 'Polarity': '1', p[2] + 'Trigger Mode': '3',
                 p[3] + 'Subtable Type': '04 [Local APIC NMI]', p[3] + 'Processor ID': 'FF',
                 p[3] + 'Polarity': '1', p[3] + 'Trigger Mode': '1',
                 p[3] + 'Interrupt Input LINT': '01'})
    expect(tap, m, want, 'MADT (%d vCPUs)' % ncpus)
    tap.ok(not any(k.startswith('sub%d/' % (ncpus + 4)) for k in m),
           'MADT (%d vCPUs): nothing after the Local APIC NMI' % ncpus)

    s5 = re.search(r'Name \(_S5, Package \(0x04\)[^{]*\{\s*0x%02X,\s*0x%02X,\s*Zero,\s*Zero\s*\}\)'
                   % (S5_SLP_TYP, S5_SLP_TYP), dsl['dsdt'])
    others = re.findall(r'^\s*(Name|Method|Device|Scope|OperationRegion|Field)\b', dsl['dsdt'],
                        re.M)
    tap.ok(s5 is not None and others == ['Name'] and
           'DefinitionBlock ("", "DSDT", 2, "SVMHV ", "SVMHVPC ", 0x00000001)' in dsl['dsdt'],
           'DSDT (%d vCPUs): DefinitionBlock rev 2 with only Name (_S5, Package {5, 5, 0, 0})'
           % ncpus, dsl['dsdt'])


def check_roundtrip(tap, d, ncpus):
    for t in TABLES:
        name = t + str(ncpus)
        rc, out = run(['iasl', '-p', 'rt_' + name, name + '.dsl'], d)
        ours = open(os.path.join(d, name + '.dat'), 'rb').read()
        path = os.path.join(d, 'rt_' + name + '.aml')
        theirs = open(path, 'rb').read() if rc == 0 and os.path.exists(path) else b''
        # Checksum (9) and compiler ID/revision (28-35) are iasl's own; the FACS has neither.
        skip = set() if t == 'facs' else {9} | set(range(28, 36))
        diff = [i for i in range(max(len(ours), len(theirs)))
                if i not in skip and (i >= len(ours) or i >= len(theirs) or ours[i] != theirs[i])]
        tap.ok(rc == 0 and len(theirs) == len(ours) and not diff,
               'iasl recompiles %s (%d vCPUs) to our bytes' % (t, ncpus),
               'rc %d, %d vs %d bytes, differing offsets %s\n%s' % (rc, len(theirs), len(ours),
                                                                    diff[:16], out[-2000:]))


def check_rsdp(tap, d):
    ours = open(os.path.join(d, 'rsdp1.dat'), 'rb').read()
    le = lambda b: int.from_bytes(b, 'little')  # noqa: E731
    src = '\n'.join([
        '[0008]                          Signature : "RSD PTR "',
        '[0001]                           Checksum : 00',
        '[0006]                             Oem ID : "%s"' % ours[9:15].decode('ascii'),
        '[0001]                           Revision : %02X' % ours[15],
        '[0004]                       RSDT Address : %08X' % le(ours[16:20]),
        '[0004]                             Length : %08X' % le(ours[20:24]),
        '[0008]                       XSDT Address : %016X' % le(ours[24:32]),
        '[0001]                  Extended Checksum : 00',
        '[0003]                           Reserved : 000000', ''])
    with open(os.path.join(d, 'rsdp_src.asl'), 'w') as f:
        f.write(src)
    rc, out = run(['iasl', '-p', 'rsdp_iasl', 'rsdp_src.asl'], d)
    path = os.path.join(d, 'rsdp_iasl.aml')
    theirs = open(path, 'rb').read() if os.path.exists(path) else b''
    tap.ok(rc == 0 and theirs == ours,
           'RSDP: iasl builds the same 36 bytes from our field values (both checksums)',
           'rc %d\nours   %s\ntheirs %s\n%s' % (rc, ours.hex(), theirs.hex(), out[-1500:]))
    tap.ok(ours[15] == 2 and le(ours[20:24]) == 36 and le(ours[16:20]) != 0 and
           le(ours[24:32]) != 0, 'RSDP: revision 2, length 36, RSDT and XSDT given', ours.hex())


def check_acpiexec(tap, d, ncpus):
    sfx = str(ncpus)
    tables = ['facp' + sfx + '.dat', 'dsdt' + sfx + '.dat', 'apic' + sfx + '.dat']
    rc, out = run(['acpiexec', '-b', 'evaluate \\_S5'] + tables, d)
    load = out.split('Evaluating')[0]
    complaints = [l for l in load.splitlines()
                  if re.search(r'Firmware (Warning|Error)|ACPI (Warning|Error|BIOS)', l)]
    tap.ok(re.search(r'ACPI: FACP \S+ 000114 \(v06 SVMHV  SVMHVPC ', out) and
           re.search(r'ACPI: APIC \S+ \S+ \(v06 SVMHV ', out) and
           re.search(r'ACPI: DSDT \S+ 000032 \(v02 SVMHV ', out) and not complaints,
           'acpiexec loads FADT, DSDT, MADT (%d vCPUs) without a firmware warning' % ncpus,
           'rc %d\n%s' % (rc, '\n'.join(complaints) or out[-3000:]))
    pkg = re.search(r'Evaluation of \\_S5 returned.*?Contains 4 Elements:\s*'
                    r'\[Integer\] = 0*%d\s*\[Integer\] = 0*%d\s*'
                    r'\[Integer\] = 0+\s*\[Integer\] = 0+\s' % (S5_SLP_TYP, S5_SLP_TYP),
                    out, re.S)
    tap.ok(pkg is not None, 'acpiexec evaluates \\_S5 to Package {%d, %d, 0, 0}: SLP_TYPa is '
           'what the PM device powers off on' % (S5_SLP_TYP, S5_SLP_TYP), out[-3000:])


def main():
    tap = Tap()
    if len(sys.argv) != 2:
        tap.ok(False, 'usage: test_iasl.py TEST_FW')
        return tap.done()
    missing = [p for p in ('iasl', 'acpiexec') if shutil.which(p) is None]
    if missing:
        tap.ok(False, '%s not found: install the Debian package acpica-tools '
               '(scripts/setup.sh test does)' % ' and '.join(missing))
        return tap.done()
    d = tempfile.mkdtemp(prefix='svmhv-acpi-')
    try:
        rc, out = run([os.path.abspath(sys.argv[1]), '--dump', d], d)
        if not tap.ok(rc == 0, 'test_fw --dump writes the tables', out):
            return tap.done()
        check_rsdp(tap, d)
        for ncpus in (1, 4):
            check_disassembly(tap, d, ncpus)
            check_roundtrip(tap, d, ncpus)
            check_acpiexec(tap, d, ncpus)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return tap.done()


if __name__ == '__main__':
    sys.exit(main())
