#!/usr/bin/env python3
"""Regenerate the checked-in seed corpus of fuzz_assist (tests/fuzz/corpus).

Each seed follows the input layout documented at the top of
fuzz_assist.c: a 103-byte header (mode, control bits, I/O exit, RIP,
RFLAGS, 16 GPRs, 15 instruction bytes, fault GPA) and optional 10-byte
RAM patches. Run from anywhere: python3 make_corpus.py
"""
import os
import struct

M_REAL, M_PROT16, M_PROT32, M_COMPAT, M_LONG, M_LONG57, M_V86, M_FLAT = range(8)
PG_NONE, PG_32, PG_PSE, PG_PAE = range(4)
IO = 0x80
GIVE_BYTES = 0x40
RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI = range(8)


def seed(mode, insn, regs=None, ctl=0, port=0, ioinfo=0, ioseg=0xff,
         misc=0, rip=0x8100, rflags=0, himask=0, fault=0, patches=()):
    gpr = [0] * 16
    for r, v in (regs or {}).items():
        gpr[r] = v & 0xffffffff
    b = struct.pack('<BBHBBBBII', mode, ctl, port, ioinfo, ioseg, himask,
                    misc, rip, rflags)
    b += struct.pack('<16I', *gpr)
    b += bytes(insn).ljust(15, b'\x90')
    b += struct.pack('<Q', fault)
    for off, val in patches:
        b += struct.pack('<HQ', off, val)
    return b


SEEDS = {
    'long_mov_load': seed(M_LONG, [0x48, 0x8b, 0x03], {RBX: 0x100000},
                          fault=0x100000),
    'long_movs_mmio_mmio': seed(M_LONG, [0x48, 0xa5],
                                {RSI: 0x100000, RDI: 0x180000}),
    'long_rep_stos': seed(M_LONG, [0xf3, 0xab], {RCX: 8, RDI: 0x100ff8}),
    'long_or_reg_old': seed(M_LONG, [0x48, 0x0b, 0x03], {RBX: 0x140000,
                                                         RAX: 0x1234}),
    'long_rip_rel': seed(M_LONG, [0x8b, 0x05, 0x00, 0x00, 0x10, 0x00]),
    'long_gs_store': seed(M_LONG, [0x65, 0x89, 0x03], {RBX: 0x120000}),
    'long_cross_page': seed(M_LONG, [0x48, 0x89, 0x03], {RBX: 0x100ffc}),
    'long57_movzx': seed(M_LONG57, [0x0f, 0xb7, 0x03], {RBX: 0x100000}),
    'long_sse': seed(M_LONG, [0xf3, 0x0f, 0x6f, 0x03], {RBX: 0x100000}),
    'long_bt': seed(M_LONG, [0x0f, 0xa3, 0x03], {RBX: 0x100000, RAX: 77}),
    'long_given_bytes': seed(M_LONG | GIVE_BYTES, [0x88, 0x03],
                             {RBX: 0x100000}, ioseg=0x20),
    'long_fetch_pf': seed(M_LONG, [0x8b, 0x03], {RBX: 0x100000},
                          patches=[(0x4000 + 8 * 8, 0)]),
    'long_rsvd_pte': seed(M_LONG, [0x8b, 0x03], {RBX: 0x100000},
                          patches=[(0x3000 + 8 * 0, 0x4000 | 0x7 | 1 << 51)],
                          ctl=0x80),
    # PD[0] -> a page table in the 0xffd-byte ROM view at 0x30000: the PTE
    # for la 0x1ff000 straddles the end of the view
    'long_pt_at_rom_end': seed(M_LONG, [0x8b, 0x03], {RBX: 0x1ff000},
                               patches=[(0x3000, 0x30000 | 0x7)]),
    'compat_xchg': seed(M_COMPAT, [0x87, 0x0b], {RBX: 0x100000}),
    'real_fs_mov': seed(M_REAL, [0x64, 0x88, 0x07], {RBX: 0x10}),
    'real_movs16': seed(M_REAL, [0xa5], {RSI: 0x9000, RDI: 0x9100}),
    'v86_stos': seed(M_V86, [0xaa], {RDI: 0x9000}),
    'prot16_bp_ss': seed(M_PROT16, [0x89, 0x46, 0x04], {RBP: 0x9000}),
    'prot32_pae_add': seed(M_PROT32 | PG_PAE << 3, [0x01, 0x03],
                           {RBX: 0x210000}, misc=3),
    'prot32_pse_moffs': seed(M_PROT32 | PG_PSE << 3,
                             [0xa1, 0x10, 0x00, 0x40, 0x00]),
    'prot32_paging_sub': seed(M_PROT32 | PG_32 << 3, [0x29, 0x03],
                              {RBX: 0x100000}, ctl=0x41),
    'prot32_limit': seed(M_PROT32, [0x8b, 0x03], {RBX: 0xa000}, misc=0x08),
    'flat_group1': seed(M_FLAT, [0x83, 0x03, 0x80], {RBX: 0x100000}),
    'io_rep_outsb': seed(M_LONG | IO, [0xf3, 0x6e], {RCX: 0x100,
                                                     RSI: 0x8000},
                         port=0x3f8, ioinfo=0x08 | 0x10 | 2 << 5),
    'io_rep_insw_df': seed(M_PROT32 | IO, [0xf3, 0x66, 0x6d],
                           {RCX: 0x20, RDI: 0x9000, RDX: 0x1f0}, ctl=0x20,
                           port=0x1f0, ioinfo=1 | 0x04 | 0x08 | 0x10 | 1 << 5),
    'io_outs_fs': seed(M_PROT32 | IO, [0x64, 0x6f], {RSI: 0x100},
                       port=0x80, ioinfo=2 | 0x08 | 1 << 5, ioseg=4),
    'io_in_al': seed(M_REAL | IO, [0xe4, 0x60], port=0x60, ioinfo=0x04),
    'io_out_dx_eax': seed(M_LONG | IO, [0xef], {RDX: 0xcf8,
                                                RAX: 0x80000000},
                          port=0xcf8, ioinfo=2),
}


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')
    os.makedirs(out, exist_ok=True)
    for name, data in sorted(SEEDS.items()):
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
    print('%d seeds in %s' % (len(SEEDS), out))


if __name__ == '__main__':
    main()
