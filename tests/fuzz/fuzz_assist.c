/*
 * fuzz_assist.c - libFuzzer harness over the assist library: decoder,
 * Mem Assist and I/O Assist (emulator), guest MMU, segmentation and guest
 * memory access (issue 5, test 4).
 *
 * The input chooses everything the guest controls:
 *
 *   off  size  field
 *   0    1     mode: bits 2:0 CPU mode (FZ_M_*), bits 4:3 paging for the
 *              32-bit modes (none, 32-bit, 32-bit+PSE, PAE), bit 6: hand
 *              the instruction bytes to x86_assist_mem (decode assists)
 *              instead of letting it fetch them, bit 7: I/O exit instead
 *              of an MMIO exit
 *   1    1     control bits: CR0.WP, EFER.NXE, CR4.SMEP, CR4.SMAP,
 *              RFLAGS.AC, RFLAGS.DF, CPL 3, TF
 *   2    2     I/O port; also the length of the extra gva read/write
 *   4    1     I/O exit: size, in, string, rep, address size
 *   5    1     I/O exit: segment (0-5, else -1); number of instruction
 *              bytes handed over (bit 7..4)
 *   6    1     GPRs 0-7 sign-extended from bit 31 where the bit is set
 *   7    1     misc: bits 2:0 PAE CR3 offset (x32), bit 3 small segment
 *              limits, bit 4 read-only ES, bit 5 RIP not clamped, bit 6
 *              expand-down SS
 *   8    4     RIP (clamped into 0x8000-0xffef unless misc bit 5)
 *   12   4     RFLAGS arithmetic bits
 *   16   64    16 GPRs, 4 bytes each
 *   80   15    instruction bytes, stored at the GPA of CS:RIP too
 *   95   8     unused (was the fault GPA; kept so the corpus stays valid)
 *   103  ...   patches of 10 bytes: RAM offset (2) + 8-byte value, written
 *              into guest RAM after the default page tables
 *
 * The fetch cache is checked against a fetch without it, across the
 * patches (filled before them).
 *
 * Fake guest-physical memory: 64 KiB of RAM at GPA 0, an alias of its
 * upper half at 0x20000 (3 bytes short), a 0xffd-byte read-only view of
 * a separate buffer (a copy of the first page of RAM) at 0x30000;
 * everything else is MMIO answered by fz_mem_cb. Default page tables
 * identity-map linear 0..2 MiB or more for every paging mode (tables at
 * 0x1000-0x5000, see fz_tables) so that most inputs translate; patches
 * break them in interesting ways.
 *
 * The callbacks check the library's side of the contract (sizes, data
 * pointers) and trap on a violation; ASan/UBSan catch memory and
 * undefined-behaviour errors. Built and run by run_fuzz.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "x86_assist.h"
#include "x86_decode.h"
#include "x86_guestmem.h"
#include "x86_fetch.h"
#include "x86_gva.h"
#include "x86_seg.h"
#include "x86_walk.h"

#define FZ_RAM_SIZE 0x10000u

enum {
	FZ_M_REAL, FZ_M_PROT16, FZ_M_PROT32, FZ_M_COMPAT, FZ_M_LONG,
	FZ_M_LONG57, FZ_M_V86, FZ_M_PROT32_FLAT,
};

static uint8_t fz_ram[FZ_RAM_SIZE] __attribute__((aligned(4096)));
/* its own odd-sized buffer, so that ASan sees any access past its end */
static uint8_t fz_rom[0xffd];

struct fz_in {
	const uint8_t *p;
	size_t n;
};

static uint8_t
fz_u8(const struct fz_in *in, size_t off)
{
	return off < in->n ? in->p[off] : 0;
}

static uint64_t
fz_le(const struct fz_in *in, size_t off, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)fz_u8(in, off + i) << (8 * i);
	return v;
}

/* ------------------------------------------------------------------------ */
/* Callbacks: answer, and check the library's side of the contract. */

static void
fz_mem_cb(void *ctx, struct x86_mem *mem)
{
	(void)ctx;
	/* 1, 2, 4 or 8 bytes, naturally aligned (x86_machine.h struct x86_mem) */
	if (mem->data == NULL || (mem->size != 1 && mem->size != 2 &&
	    mem->size != 4 && mem->size != 8) || (mem->gpa & (mem->size - 1)))
		__builtin_trap();
	if (!mem->write)
		for (unsigned i = 0; i < mem->size; i++)
			mem->data[i] = (uint8_t)(mem->gpa + i * 13);
}

static void
fz_io_cb(void *ctx, struct x86_io *io)
{
	(void)ctx;
	if (io->data == NULL || (io->size != 1 && io->size != 2 &&
	    io->size != 4))
		__builtin_trap();
	if (io->in)
		for (unsigned i = 0; i < io->size; i++)
			io->data[i] = (uint8_t)(io->port + i);
}

static void
fz_xmm_cb(void *ctx, unsigned reg, bool write, uint8_t data[16])
{
	(void)ctx;
	if (reg > 15)
		__builtin_trap();
	if (!write)
		memset(data, (int)reg, 16);
}

/* ------------------------------------------------------------------------ */
/* Default machine state */

#define FZ_P  0x1ULL
#define FZ_RW 0x2ULL
#define FZ_US 0x4ULL
#define FZ_PS 0x80ULL
#define FZ_E  (FZ_P | FZ_RW | FZ_US)

static void
fz_w32(uint32_t off, uint32_t v)
{
	memcpy(&fz_ram[off], &v, 4);
}

static void
fz_w64(uint32_t off, uint64_t v)
{
	memcpy(&fz_ram[off], &v, 8);
}

/*
 * Identity maps for each paging mode:
 *   32-bit: PD 0x1000, PT 0x2000 (4 MiB), PDE[1] 4 MiB page (with PSE)
 *   PAE:    PDPT at CR3 (0x1000 + 32*k), PD 0x2000, PT 0x3000 (2 MiB),
 *           PD[1] 2 MiB page
 *   4L/5L:  PML5 0x5000 -> PML4 0x1000 -> PDPT 0x2000 -> PD 0x3000 ->
 *           PT 0x4000 (2 MiB), PD[1] 2 MiB page, PDPT[1] 1 GiB page
 */
static void
fz_tables(int pg, uint64_t cr3)
{
	switch (pg) {
	case 1:
		fz_w32(0x1000, 0x2000 | FZ_E);
		fz_w32(0x1004, 0x400000 | FZ_E | FZ_PS);
		for (uint32_t i = 0; i < 1024; i++)
			fz_w32(0x2000 + 4 * i, (i << 12) | FZ_E);
		break;
	case 2:
		for (uint32_t i = 0; i < 4; i++)
			fz_w64((uint32_t)(cr3 & 0xffe0) + 8 * i, 0x2000 | FZ_P);
		fz_w64(0x2000, 0x3000 | FZ_E);
		fz_w64(0x2008, 0x200000 | FZ_E | FZ_PS);
		for (uint32_t i = 0; i < 512; i++)
			fz_w64(0x3000 + 8 * i, ((uint64_t)i << 12) | FZ_E);
		break;
	case 3:
		fz_w64(0x5000, 0x1000 | FZ_E);
		fz_w64(0x1000, 0x2000 | FZ_E);
		fz_w64(0x2000, 0x3000 | FZ_E);
		fz_w64(0x2008, 0x40000000 | FZ_E | FZ_PS);
		fz_w64(0x3000, 0x4000 | FZ_E);
		fz_w64(0x3008, 0x200000 | FZ_E | FZ_PS);
		for (uint32_t i = 0; i < 512; i++)
			fz_w64(0x4000 + 8 * i, ((uint64_t)i << 12) | FZ_E);
		break;
	default:
		break;
	}
}

static void
fz_state(const struct fz_in *in, struct x86_state *st, int *pg)
{
	uint8_t mode = fz_u8(in, 0), ctl = fz_u8(in, 1), misc = fz_u8(in, 7);
	unsigned cpu = mode & 7, pgsel = (mode >> 3) & 3;
	uint16_t cs_attr = 0x09b, ds_attr = 0x093;
	uint32_t limit = 0xffffffff;
	uint8_t himask = fz_u8(in, 6);

	memset(st, 0, sizeof(*st));
	*pg = 0;
	switch (cpu) {
	case FZ_M_REAL:
		limit = 0xffff;
		break;
	case FZ_M_V86:
		st->cr0 = X86_CR0_PE;
		st->rflags |= X86_RFLAGS_VM;
		limit = 0xffff;
		break;
	case FZ_M_PROT16:
		st->cr0 = X86_CR0_PE;
		limit = 0xffff;
		break;
	case FZ_M_PROT32:
	case FZ_M_PROT32_FLAT:
		st->cr0 = X86_CR0_PE;
		cs_attr |= X86_SEGATTR_DB | X86_SEGATTR_G;
		ds_attr |= X86_SEGATTR_DB | X86_SEGATTR_G;
		break;
	case FZ_M_COMPAT:
	case FZ_M_LONG:
	case FZ_M_LONG57:
		st->cr0 = X86_CR0_PE | X86_CR0_PG;
		st->cr4 = X86_CR4_PAE | (cpu == FZ_M_LONG57 ? X86_CR4_LA57 : 0);
		st->efer = X86_EFER_LME | X86_EFER_LMA;
		cs_attr |= cpu == FZ_M_COMPAT ? X86_SEGATTR_DB : X86_SEGATTR_L;
		*pg = 3;
		break;
	}
	if ((st->cr0 & X86_CR0_PE) && !(st->efer & X86_EFER_LMA) && pgsel) {
		st->cr0 |= X86_CR0_PG;
		if (pgsel == 2)
			st->cr4 |= X86_CR4_PSE;
		if (pgsel == 3)
			st->cr4 |= X86_CR4_PAE;
		*pg = pgsel == 3 ? 2 : 1;
	}
	st->cr3 = 0x1000;
	if (*pg == 2)
		st->cr3 += 32 * (misc & 7);
	if (cpu == FZ_M_LONG57)
		st->cr3 = 0x5000;

	if (ctl & 0x01)
		st->cr0 |= X86_CR0_WP;
	if (ctl & 0x02)
		st->efer |= X86_EFER_NXE;
	if (ctl & 0x04)
		st->cr4 |= X86_CR4_SMEP;
	if (ctl & 0x08)
		st->cr4 |= X86_CR4_SMAP;
	st->rflags |= 0x2 | (fz_le(in, 12, 4) & X86_RFLAGS_ARITH);
	if (ctl & 0x10)
		st->rflags |= X86_RFLAGS_AC;
	if (ctl & 0x20)
		st->rflags |= X86_RFLAGS_DF;
	if (ctl & 0x80)
		st->rflags |= X86_RFLAGS_TF;
	st->cpl = (ctl & 0x40) && (st->cr0 & X86_CR0_PE) ? 3 : 0;

	if (misc & 0x08)
		limit = 0x9fff;
	for (unsigned s = 0; s < X86_SEG_COUNT; s++) {
		st->seg[s].attr = s == X86_SEG_CS ? cs_attr : ds_attr;
		st->seg[s].limit = limit;
		st->seg[s].sel = (uint16_t)(8 * (s + 1));
	}
	if (cpu == FZ_M_REAL || cpu == FZ_M_V86)
		st->seg[X86_SEG_CS].limit = 0xffff;
	st->seg[X86_SEG_FS].base = 0x10000;
	st->seg[X86_SEG_GS].base = 0xffffffffffff8000ULL;
	if (cpu != FZ_M_LONG && cpu != FZ_M_LONG57)
		st->seg[X86_SEG_GS].base = 0x8000;
	if (misc & 0x10)
		st->seg[X86_SEG_ES].attr = (uint16_t)(ds_attr & ~0x2);
	if (misc & 0x40)
		st->seg[X86_SEG_SS].attr = (uint16_t)(ds_attr | 0x4);

	st->rip = fz_le(in, 8, 4);
	if (!(misc & 0x20))
		st->rip = 0x8000 | (st->rip % 0x7ff0);
	for (unsigned r = 0; r < X86_GPR_COUNT; r++) {
		uint64_t v = fz_le(in, 16 + 4 * r, 4);

		if (r < 8 && (himask & (1u << r)) && (v & 0x80000000u))
			v |= 0xffffffff00000000ULL;
		st->gpr[r] = v;
	}
}

/* ------------------------------------------------------------------------ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct x86_machine m;
	struct x86_state st;
	struct x86_assist_result res;
	struct x86_exception exc;
	struct x86_insn insn;
	struct x86_fetch_cache fc;
	uint8_t insn_bytes[X86_INSN_MAX_LEN], fetched[X86_INSN_MAX_LEN];
	static uint8_t big[3 * 4096 + 64];
	size_t nfetch;
	uint64_t xlen;
	gva_t la;
	gpa_t gpa;
	int pg, rc;

	memset(&m, 0, sizeof(m));
	m.mem_cb = fz_mem_cb;
	m.io_cb = fz_io_cb;
	m.xmm_cb = (fz_u8(&in, 7) & 0x80) ? NULL : fz_xmm_cb;
	m.maxphyaddr = (fz_u8(&in, 1) & 0x80) ? 40 : 0;
	x86_memmap_add(&m, 0, FZ_RAM_SIZE, fz_ram,
	    X86_PROT_READ | X86_PROT_WRITE);
	/* odd sizes, so that page-table entries and copies can straddle the
	   end of a view */
	x86_memmap_add(&m, 0x20000, FZ_RAM_SIZE / 2 - 3,
	    fz_ram + FZ_RAM_SIZE / 2, X86_PROT_READ | X86_PROT_WRITE);
	x86_memmap_add(&m, 0x30000, sizeof(fz_rom), fz_rom, X86_PROT_READ);

	memset(fz_ram, 0, sizeof(fz_ram));
	fz_state(&in, &st, &pg);
	fz_tables(pg, st.cr3);
	for (unsigned i = 0; i < X86_INSN_MAX_LEN; i++)
		insn_bytes[i] = fz_u8(&in, 80 + i);
	/* the code: at the GPA of CS:RIP when that is in RAM */
	if (x86_seg_linear(&st, X86_SEG_CS, st.rip, 1, X86_ACC_EXEC,
	    8, &la, &exc) == 0 &&
	    x86_mmu_gva_to_gpa(&m, &st, la, X86_ACC_EXEC | X86_ACC_IMPLICIT,
	    &gpa, &exc) == 0)
		(void)x86_gpa_write(&m, gpa, insn_bytes, sizeof(insn_bytes));
	/* fill a fetch cache before the patches change the tables */
	memset(&fc, 0, sizeof(fc));
	(void)x86_fetch_insn_page(&m, &st, &fc, fetched, &nfetch, &exc);
	for (size_t off = 103; off + 10 <= size; off += 10) {
		uint32_t at = (uint32_t)fz_le(&in, off, 2);

		if (at <= FZ_RAM_SIZE - 8)
			fz_w64(at, fz_le(&in, off + 2, 8));
	}
	memcpy(fz_rom, fz_ram + 0x1000, sizeof(fz_rom));

	/*
	 * The fetch cache, filled before the patches, must give what a fetch
	 * without it gives after them (x86_fetch.h: it re-reads the entries
	 * of its walk). Without first, so that both see the same A bits.
	 */
	{
		uint8_t b1[X86_INSN_MAX_LEN], b2[X86_INSN_MAX_LEN];
		struct x86_exception e1, e2;
		size_t n1 = 0, n2 = 0;
		int r1, r2;

		memset(&e1, 0, sizeof(e1));
		memset(&e2, 0, sizeof(e2));
		r1 = x86_fetch_insn_page(&m, &st, NULL, b1, &n1, &e1);
		r2 = x86_fetch_insn_page(&m, &st, &fc, b2, &n2, &e2);
		if (r1 != r2 || n1 != n2 || memcmp(b1, b2, n1) != 0 ||
		    (r1 == X86_MMU_FAULT && (e1.vector != e2.vector ||
		    e1.error != e2.error || e1.cr2 != e2.cr2)))
			__builtin_trap();
	}

	/* decoder alone, every mode */
	for (unsigned mode = 0; mode < 4; mode++) {
		if (x86_decode(insn_bytes, sizeof(insn_bytes), mode, &insn) ==
		    X86_DECODE_OK && (insn.len == 0 || insn.len > 15))
			__builtin_trap();
	}

	/* instruction fetch */
	rc = x86_fetch_insn(&m, &st, fetched, &nfetch, &exc);
	if (nfetch > X86_INSN_MAX_LEN || (rc == 0 && nfetch == 0))
		__builtin_trap();

	/* one exit */
	memset(&res, 0, sizeof(res));
	if (fz_u8(&in, 0) & 0x80) {
		struct x86_io_exit io;
		uint8_t info = fz_u8(&in, 4), segb = fz_u8(&in, 5);
		static const uint8_t sizes[4] = { 1, 2, 4, 1 };
		static const uint8_t asz[4] = { 2, 4, 8, 4 };

		memset(&io, 0, sizeof(io));
		io.port = (uint16_t)fz_le(&in, 2, 2);
		io.size = sizes[info & 3];
		io.in = info & 0x04;
		io.string = info & 0x08;
		io.rep = info & 0x10;
		io.addrsize = asz[(info >> 5) & 3];
		io.seg = (segb & 7) < 6 ? (int8_t)(segb & 7) : -1;
		io.next_rip = st.rip + 1 + ((segb >> 4) & 7);
		rc = x86_assist_io(&m, &st, &io, &res);
	} else {
		size_t nb = (fz_u8(&in, 0) & 0x40) ?
		    1 + (fz_u8(&in, 5) >> 4) % X86_INSN_MAX_LEN : 0;

		rc = x86_assist_mem(&m, &st, nb ? insn_bytes : NULL, nb, &res);
	}
	if (rc != res.status || rc < X86_ASSIST_DONE ||
	    rc > X86_ASSIST_ERROR || res.nbytes > X86_INSN_MAX_LEN)
		__builtin_trap();

	/* the walker directly, at addresses from the GPRs */
	for (unsigned r = 0; r < 4; r++) {
		unsigned acc = (fz_u8(&in, 4) >> (2 * r)) & 3;

		if (x86_mmu_gva_to_gpa(&m, &st, st.gpr[r] << (r * 8),
		    acc | ((r & 1) ? X86_ACC_IMPLICIT : 0), &gpa, &exc) ==
		    X86_MMU_FAULT && exc.vector != X86_EXC_PF &&
		    exc.vector != X86_EXC_GP)
			__builtin_trap();
	}

	/* guest-virtual copies of odd lengths across pages */
	xlen = fz_le(&in, 2, 2) % sizeof(big);
	(void)x86_gva_read(&m, &st, st.gpr[X86_GPR_RSI], big, xlen,
	    X86_ACC_IMPLICIT & fz_u8(&in, 4), &exc);
	(void)x86_gva_write(&m, &st, st.gpr[X86_GPR_RDI], big, xlen / 3, 0,
	    &exc);
	(void)x86_seg_linear(&st, (enum x86_seg)(fz_u8(&in, 5) % 7),
	    st.gpr[X86_GPR_RBX], 1 + fz_u8(&in, 4) % 16,
	    fz_u8(&in, 1) & 3, 2u << (fz_u8(&in, 6) % 3), &la, &exc);
	return 0;
}
