/*
 * test_walk.c - table-driven tests of x86_mmu_gva_to_gpa in every paging
 * mode, and of the accessed/dirty bits.
 *
 * Each case builds one real translation in mt_ram (GPA 0..4 MiB) at fixed
 * addresses, then walks it:
 *
 *   0x1000  top table: PML5 (5-level), PML4 (4-level), PD (32-bit),
 *           PDPT (PAE; at 0x1000 + cr3off, which need not be page aligned)
 *   0x2000  next level down, 0x3000, 0x4000, 0x5000 the levels below
 *           (the table of level L is at 0x1000 * (1 + top - L))
 *
 * Every non-leaf entry is P|RW|US (PAE PDPTEs: P only, their other bits
 * are reserved), the leaf is frame|P|RW|US (+PS for a large page); a case
 * may then patch up to two entries (clear, then set masks), choose the access
 * (read/write/exec, CPL 3, implicit) and the control bits (CR0.WP,
 * CR4.PSE/SMEP/SMAP, EFER.NXE, RFLAGS.AC, MAXPHYADDR). The expected GPA or
 * #PF error code is written out in the table.
 */
#include <stdio.h>
#include <string.h>

#include "mmu_test.h"

#define P   0x1ULL
#define RW  0x2ULL
#define US  0x4ULL
#define A   0x20ULL
#define D   0x40ULL
#define PS  0x80ULL
#define XD  (1ULL << 63)

enum { M_REAL, M_PROT, M_32, M_PAE, M_4L, M_5L };
enum { R_OK, R_PF, R_GP, R_NOTRAM };

/* flags */
#define F_USER   0x001          /* CPL 3 */
#define F_WP     0x002
#define F_PSE    0x004
#define F_NXE    0x008
#define F_SMEP   0x010
#define F_SMAP   0x020
#define F_AC     0x040
#define F_CR3IO  0x080          /* CR3 points into MMIO */
#define F_ROPT   0x100          /* tables in a read-only view (for A/D) */

#define W  X86_ACC_WRITE
#define X  X86_ACC_EXEC
#define I  X86_ACC_IMPLICIT

struct walk_case {
	const char *name;
	int mode;
	unsigned leaf;          /* 0: 4 KiB, 1: PD large page, 2: 1 GiB */
	gva_t la;
	uint64_t frame;
	unsigned acc;
	unsigned flags;
	unsigned plvl;
	uint64_t pset, pclr;
	unsigned p2lvl;
	uint64_t p2set, p2clr;
	uint8_t maxphy;
	uint64_t cr3off;
	int res;
	uint64_t want;          /* GPA (R_OK) or #PF error code (R_PF) */
};

static const struct walk_case walk_cases[] = {
	/* ---- no paging ---- */
	{ "real mode: linear is physical", M_REAL, 0, 0x12345, 0, 0, 0,
	  .res = R_OK, .want = 0x12345 },
	{ "protected, PG=0: truncated to 32 bits", M_PROT, 0,
	  0xffffffff80001234ULL, 0, W, 0, .res = R_OK, .want = 0x80001234 },

	/* ---- 32-bit paging ---- */
	{ "32: 4K read", M_32, 0, 0x00403123, 0xabc000, 0, 0,
	  .res = R_OK, .want = 0xabc123 },
	{ "32: 4K supervisor write", M_32, 0, 0x00403123, 0xabc000, W, F_WP,
	  .res = R_OK, .want = 0xabc123 },
	{ "32: 4K user read", M_32, 0, 0xc0000ffc, 0x1000, 0, F_USER,
	  .res = R_OK, .want = 0x1ffc },
	{ "32: la bits 63:32 ignored", M_32, 0, 0xdead000000403123ULL,
	  0xabc000, 0, 0, .res = R_OK, .want = 0xabc123 },
	{ "32: 4M page (PSE)", M_32, 1, 0x00c12345, 0x01000000, 0, F_PSE,
	  .res = R_OK, .want = 0x01012345 },
	{ "32: 4M page, PSE-36 high bits", M_32, 1, 0x00c12345, 0x123400000ULL,
	  0, F_PSE, .res = R_OK, .want = 0x123412345ULL },
	{ "32: PDE.PS ignored without CR4.PSE", M_32, 0, 0x00403123, 0xabc000,
	  0, 0, .plvl = 1, .pset = PS, .res = R_OK, .want = 0xabc123 },
	{ "32: 4M page bit 21 reserved", M_32, 1, 0x00c12345, 0x01000000, 0,
	  F_PSE, .plvl = 1, .pset = 1u << 21, .res = R_PF, .want = 0x9 },
	{ "32: 4M page bit 17 reserved (MAXPHYADDR 36)", M_32, 1, 0x00c12345,
	  0x01000000, 0, F_PSE, .plvl = 1, .pset = 1u << 17, .maxphy = 36,
	  .res = R_PF, .want = 0x9 },
	{ "32: 4M page bit 16 valid (MAXPHYADDR 36: PA bit 35)", M_32, 1,
	  0x00c12345, 0x01000000, 0, F_PSE, .plvl = 1, .pset = 1u << 16,
	  .maxphy = 36, .res = R_OK, .want = 0x801012345ULL },
	{ "32: 4M page bit 17 valid (MAXPHYADDR 40)", M_32, 1, 0x00c12345,
	  0x01000000, 0, F_PSE, .plvl = 1, .pset = 1u << 17, .maxphy = 40,
	  .res = R_OK, .want = 0x1001012345ULL },
	{ "32: PDE not present", M_32, 0, 0x00403123, 0xabc000, 0, 0,
	  .plvl = 1, .pclr = P, .res = R_PF, .want = 0x0 },
	{ "32: PTE not present", M_32, 0, 0x00403123, 0xabc000, 0, 0,
	  .plvl = 0, .pclr = P, .res = R_PF, .want = 0x0 },
	{ "32: PTE not present, write", M_32, 0, 0x00403123, 0xabc000, W, 0,
	  .plvl = 0, .pclr = P, .res = R_PF, .want = 0x2 },
	{ "32: PTE not present, user write", M_32, 0, 0x00403123, 0xabc000, W,
	  F_USER, .plvl = 0, .pclr = P, .res = R_PF, .want = 0x6 },
	{ "32: user read, supervisor PDE", M_32, 0, 0x00403123, 0xabc000, 0,
	  F_USER, .plvl = 1, .pclr = US, .res = R_PF, .want = 0x5 },
	{ "32: user read, supervisor PTE", M_32, 0, 0x00403123, 0xabc000, 0,
	  F_USER, .plvl = 0, .pclr = US, .res = R_PF, .want = 0x5 },
	{ "32: user write, read-only PTE", M_32, 0, 0x00403123, 0xabc000, W,
	  F_USER, .plvl = 0, .pclr = RW, .res = R_PF, .want = 0x7 },
	{ "32: user write, read-only PDE, WP=0", M_32, 0, 0x00403123, 0xabc000,
	  W, F_USER, .plvl = 1, .pclr = RW, .res = R_PF, .want = 0x7 },
	{ "32: supervisor write, read-only PTE, WP=0", M_32, 0, 0x00403123,
	  0xabc000, W, 0, .plvl = 0, .pclr = RW, .res = R_OK, .want = 0xabc123 },
	{ "32: supervisor write, read-only PTE, WP=1", M_32, 0, 0x00403123,
	  0xabc000, W, F_WP, .plvl = 0, .pclr = RW, .res = R_PF, .want = 0x3 },
	{ "32: implicit access at CPL 3 to supervisor page", M_32, 0,
	  0x00403123, 0xabc000, I, F_USER, .plvl = 0, .pclr = US,
	  .res = R_OK, .want = 0xabc123 },
	{ "32: user fetch, supervisor page, no I bit", M_32, 0, 0x00403123,
	  0xabc000, X, F_USER | F_NXE, .plvl = 0, .pclr = US, .res = R_PF,
	  .want = 0x5 },
	{ "32: SMEP supervisor fetch from user page", M_32, 0, 0x00403123,
	  0xabc000, X, F_SMEP, .res = R_PF, .want = 0x11 },
	{ "32: SMAP supervisor read of user page, AC=0", M_32, 0, 0x00403123,
	  0xabc000, 0, F_SMAP, .res = R_PF, .want = 0x1 },
	{ "32: SMAP supervisor read of user page, AC=1", M_32, 0, 0x00403123,
	  0xabc000, 0, F_SMAP | F_AC, .res = R_OK, .want = 0xabc123 },
	{ "32: SMAP implicit access at CPL 3, AC=1", M_32, 0, 0x00403123,
	  0xabc000, I, F_SMAP | F_AC | F_USER, .res = R_PF, .want = 0x1 },
	/* SDM Vol.3 4.6.1: AC never exempts an implicit supervisor access */
	{ "32: SMAP implicit access at CPL 0, AC=1", M_32, 0, 0x00403123,
	  0xabc000, I, F_SMAP | F_AC, .res = R_PF, .want = 0x1 },
	{ "32: SMAP implicit access at CPL 0, AC=1, supervisor page", M_32, 0,
	  0x00403123, 0xabc000, I, F_SMAP | F_AC, .plvl = 0, .pclr = US,
	  .res = R_OK, .want = 0xabc123 },
	{ "32: SMAP supervisor write of user page, AC=0", M_32, 0, 0x00403123,
	  0xabc000, W, F_SMAP, .res = R_PF, .want = 0x3 },
	{ "32: 4M user write read-only", M_32, 1, 0x00c12345, 0x01000000, W,
	  F_PSE | F_USER, .plvl = 1, .pclr = RW, .res = R_PF, .want = 0x7 },

	/* ---- PAE ---- */
	{ "PAE: 4K read", M_PAE, 0, 0x40403123, 0xabc000, 0, 0,
	  .res = R_OK, .want = 0xabc123 },
	{ "PAE: CR3 32-byte aligned, not page aligned", M_PAE, 0, 0x40403123,
	  0xabc000, 0, 0, .cr3off = 0x20, .res = R_OK, .want = 0xabc123 },
	{ "PAE: CR3 at 0xfe0 within the page", M_PAE, 0, 0xc0403123,
	  0xabc000, 0, 0, .cr3off = 0xfe0, .res = R_OK, .want = 0xabc123 },
	{ "PAE: CR3 bits 4:0 ignored", M_PAE, 0, 0x40403123, 0xabc000, 0, 0,
	  .cr3off = 0x3f, .res = R_OK, .want = 0xabc123 },
	{ "PAE: 2M page", M_PAE, 1, 0x40612345, 0x00e00000, 0, 0,
	  .res = R_OK, .want = 0x00e12345 },
	{ "PAE: 2M page with CR4.PSE=1", M_PAE, 1, 0x40612345, 0x00e00000, 0,
	  F_PSE, .res = R_OK, .want = 0x00e12345 },
	{ "PAE: 2M page, CR3 not page aligned", M_PAE, 1, 0xc0612345,
	  0x00e00000, W, 0, .cr3off = 0x40, .res = R_OK, .want = 0x00e12345 },
	{ "PAE: frame above 4G", M_PAE, 0, 0x40403123, 0xf12345000ULL, 0, 0,
	  .res = R_OK, .want = 0xf12345123ULL },
	{ "PAE: user read (PDPTE has no U/S)", M_PAE, 0, 0x40403123, 0xabc000,
	  0, F_USER, .res = R_OK, .want = 0xabc123 },
	{ "PAE: PDPTE not present", M_PAE, 0, 0x40403123, 0xabc000, 0, 0,
	  .plvl = 2, .pclr = P, .res = R_PF, .want = 0x0 },
	/* PDPTE reserved bits fault at MOV CR3 (SDM Vol.3 4.4.1), not in a walk */
	{ "PAE: PDPTE R/W bit not checked in a walk", M_PAE, 0, 0x40403123,
	  0xabc000, 0, 0, .plvl = 2, .pset = RW, .res = R_OK, .want = 0xabc123 },
	{ "PAE: PDPTE PS bit not checked in a walk", M_PAE, 0, 0x40403123,
	  0xabc000, 0, 0, .plvl = 2, .pset = PS, .res = R_OK, .want = 0xabc123 },
	{ "PAE: PDPTE bit 63 not checked in a walk", M_PAE, 0, 0x40403123,
	  0xabc000, 0, F_NXE, .plvl = 2, .pset = XD, .res = R_OK, .want = 0xabc123 },
	{ "PAE: PDPTE bit 52 not checked in a walk", M_PAE, 0, 0x40403123,
	  0xabc000, 0, 0, .plvl = 2, .pset = 1ULL << 52, .res = R_OK,
	  .want = 0xabc123 },
	{ "PAE: PDPTE A bit set by the CPU (QEMU TCG) accepted", M_PAE, 0,
	  0x40403123, 0xabc000, 0, 0, .plvl = 2, .pset = 1ULL << 5, .res = R_OK,
	  .want = 0xabc123 },
	{ "PAE: PTE XD without NXE reserved", M_PAE, 0, 0x40403123, 0xabc000,
	  0, 0, .plvl = 0, .pset = XD, .res = R_PF, .want = 0x9 },
	{ "PAE: PTE bit 52 reserved", M_PAE, 0, 0x40403123, 0xabc000, 0, 0,
	  .plvl = 0, .pset = 1ULL << 52, .res = R_PF, .want = 0x9 },
	{ "PAE: 2M PDE bit 13 reserved", M_PAE, 1, 0x40612345, 0x00e00000, 0,
	  0, .plvl = 1, .pset = 1ULL << 13, .res = R_PF, .want = 0x9 },
	{ "PAE: PTE bit 40 reserved (MAXPHYADDR 36)", M_PAE, 0, 0x40403123,
	  0xabc000, W, 0, .plvl = 0, .pset = 1ULL << 40, .maxphy = 36,
	  .res = R_PF, .want = 0xb },
	{ "PAE: XD with NXE, read allowed", M_PAE, 0, 0x40403123, 0xabc000, 0,
	  F_NXE, .plvl = 0, .pset = XD, .res = R_OK, .want = 0xabc123 },
	{ "PAE: XD with NXE, fetch", M_PAE, 0, 0x40403123, 0xabc000, X, F_NXE,
	  .plvl = 0, .pset = XD, .res = R_PF, .want = 0x11 },
	{ "PAE: XD in PDE, user fetch", M_PAE, 0, 0x40403123, 0xabc000, X,
	  F_NXE | F_USER, .plvl = 1, .pset = XD, .res = R_PF, .want = 0x15 },
	{ "PAE: not present fetch with NXE sets I", M_PAE, 0, 0x40403123,
	  0xabc000, X, F_NXE, .plvl = 0, .pclr = P, .res = R_PF, .want = 0x10 },
	{ "PAE: 2M user write read-only PDE", M_PAE, 1, 0x40612345, 0x00e00000,
	  W, F_USER, .plvl = 1, .pclr = RW, .res = R_PF, .want = 0x7 },

	/* ---- 4-level ---- */
	{ "4L: 4K read", M_4L, 0, 0x00007f1234567abcULL, 0xabc000, 0, 0,
	  .res = R_OK, .want = 0xabcabc },
	{ "4L: 4K user write", M_4L, 0, 0x00007f1234567abcULL, 0xabc000, W,
	  F_USER | F_WP, .res = R_OK, .want = 0xabcabc },
	{ "4L: high canonical address", M_4L, 0, 0xffff800000001008ULL,
	  0x7000, 0, 0, .res = R_OK, .want = 0x7008 },
	{ "4L: CR3 PCID bits ignored", M_4L, 0, 0x00007f1234567abcULL,
	  0xabc000, 0, 0, .cr3off = 0xfff, .res = R_OK, .want = 0xabcabc },
	{ "4L: 2M page, CR4.PSE=0", M_4L, 1, 0x0000004000612345ULL,
	  0x40000000, 0, 0, .res = R_OK, .want = 0x40012345 },
	{ "4L: 2M page, CR4.PSE=1", M_4L, 1, 0x0000004000612345ULL,
	  0x40000000, 0, F_PSE, .res = R_OK, .want = 0x40012345 },
	{ "4L: 2M page, offset bits 20:0 kept", M_4L, 1, 0x00000000001fffffULL,
	  0x600000, W, 0, .res = R_OK, .want = 0x7fffff },
	{ "4L: 1G page", M_4L, 2, 0x00000080456789abULL, 0x1c0000000ULL, 0, 0,
	  .res = R_OK, .want = 0x1c56789abULL },
	{ "4L: 1G page, user write", M_4L, 2, 0xffffffffffffffffULL,
	  0x40000000, W, F_USER, .res = R_OK, .want = 0x7fffffff },
	{ "4L: non-canonical address", M_4L, 0, 0x0000800000000000ULL,
	  0xabc000, 0, 0, .res = R_GP },
	{ "4L: non-canonical address (high)", M_4L, 0, 0xfff0000000000000ULL,
	  0xabc000, 0, 0, .res = R_GP },
	{ "4L: PML4E PS reserved", M_4L, 0, 0x00007f1234567abcULL, 0xabc000, 0,
	  0, .plvl = 3, .pset = PS, .res = R_PF, .want = 0x9 },
	{ "4L: 2M PDE bit 20 reserved", M_4L, 1, 0x0000004000612345ULL,
	  0x40000000, 0, 0, .plvl = 1, .pset = 1ULL << 20, .res = R_PF,
	  .want = 0x9 },
	{ "4L: 2M PDE PAT bit 12 allowed", M_4L, 1, 0x0000004000612345ULL,
	  0x40000000, 0, 0, .plvl = 1, .pset = 1ULL << 12, .res = R_OK,
	  .want = 0x40012345 },
	{ "4L: 1G PDPTE bit 29 reserved", M_4L, 2, 0x00000080456789abULL,
	  0x1c0000000ULL, 0, 0, .plvl = 2, .pset = 1ULL << 29, .res = R_PF,
	  .want = 0x9 },
	{ "4L: 1G PDPTE bit 13 reserved, user", M_4L, 2, 0x00000080456789abULL,
	  0x1c0000000ULL, 0, F_USER, .plvl = 2, .pset = 1ULL << 13,
	  .res = R_PF, .want = 0xd },
	{ "4L: bits 62:52 ignored in 4-level", M_4L, 0, 0x00007f1234567abcULL,
	  0xabc000, 0, 0, .plvl = 0, .pset = BITS(62, 52), .res = R_OK,
	  .want = 0xabcabc },
	{ "4L: bit 51 is address with MAXPHYADDR 52", M_4L, 0,
	  0x00007f1234567abcULL, 0x8000000abc000ULL, 0, 0, .res = R_OK,
	  .want = 0x8000000abcabcULL },
	{ "4L: bit 51 reserved with MAXPHYADDR 48", M_4L, 0,
	  0x00007f1234567abcULL, 0x8000000abc000ULL, 0, 0, .maxphy = 48,
	  .res = R_PF, .want = 0x9 },
	{ "4L: PDPTE bit 40 reserved with MAXPHYADDR 40", M_4L, 0,
	  0x00007f1234567abcULL, 0xabc000, W, F_USER, .plvl = 2,
	  .pset = 1ULL << 40, .maxphy = 40, .res = R_PF, .want = 0xf },
	{ "4L: XD without NXE reserved", M_4L, 0, 0x00007f1234567abcULL,
	  0xabc000, 0, 0, .plvl = 0, .pset = XD, .res = R_PF, .want = 0x9 },
	{ "4L: XD with NXE, read ok", M_4L, 0, 0x00007f1234567abcULL, 0xabc000,
	  0, F_NXE, .plvl = 0, .pset = XD, .res = R_OK, .want = 0xabcabc },
	{ "4L: XD with NXE, fetch", M_4L, 0, 0x00007f1234567abcULL, 0xabc000,
	  X, F_NXE, .plvl = 0, .pset = XD, .res = R_PF, .want = 0x11 },
	{ "4L: XD in PML4E, user fetch", M_4L, 0, 0x00007f1234567abcULL,
	  0xabc000, X, F_NXE | F_USER, .plvl = 3, .pset = XD, .res = R_PF,
	  .want = 0x15 },
	{ "4L: fetch allowed without XD", M_4L, 0, 0x00007f1234567abcULL,
	  0xabc000, X, F_NXE | F_USER, .res = R_OK, .want = 0xabcabc },
	{ "4L: read-only PDPTE, user write", M_4L, 0, 0x00007f1234567abcULL,
	  0xabc000, W, F_USER, .plvl = 2, .pclr = RW, .res = R_PF, .want = 0x7 },
	{ "4L: supervisor PML4E, user read", M_4L, 0, 0x00007f1234567abcULL,
	  0xabc000, 0, F_USER, .plvl = 3, .pclr = US, .res = R_PF, .want = 0x5 },
	{ "4L: PML4E not present", M_4L, 0, 0x00007f1234567abcULL, 0xabc000, 0,
	  0, .plvl = 3, .pclr = P, .res = R_PF, .want = 0x0 },
	{ "4L: PML4E not present, user write", M_4L, 0, 0x00007f1234567abcULL,
	  0xabc000, W, F_USER, .plvl = 3, .pclr = P, .res = R_PF, .want = 0x6 },
	{ "4L: PTE not present, fetch with NXE", M_4L, 0,
	  0x00007f1234567abcULL, 0xabc000, X, F_NXE, .plvl = 0, .pclr = P,
	  .res = R_PF, .want = 0x10 },
	{ "4L: not present PDE beats reserved PTE bits", M_4L, 0,
	  0x00007f1234567abcULL, 0xabc000, 0, 0, .plvl = 1, .pclr = P,
	  .p2lvl = 0, .p2set = XD, .res = R_PF, .want = 0x0 },
	{ "4L: reserved bit beats permission", M_4L, 1, 0x0000004000612345ULL,
	  0x40000000, W, F_USER, .plvl = 1, .pset = 1ULL << 13, .pclr = RW | US,
	  .res = R_PF, .want = 0xf },
	{ "4L: supervisor write RO, WP=0", M_4L, 0, 0x00007f1234567abcULL,
	  0xabc000, W, 0, .plvl = 0, .pclr = RW, .res = R_OK, .want = 0xabcabc },
	{ "4L: supervisor write RO, WP=1", M_4L, 0, 0x00007f1234567abcULL,
	  0xabc000, W, F_WP, .plvl = 0, .pclr = RW, .res = R_PF, .want = 0x3 },
	{ "4L: SMEP supervisor fetch from user page", M_4L, 0,
	  0x00007f1234567abcULL, 0xabc000, X, F_SMEP, .res = R_PF, .want = 0x11 },
	{ "4L: SMEP supervisor fetch from supervisor page", M_4L, 0,
	  0x00007f1234567abcULL, 0xabc000, X, F_SMEP, .plvl = 1, .pclr = US,
	  .res = R_OK, .want = 0xabcabc },
	{ "4L: SMAP supervisor write user page AC=0", M_4L, 0,
	  0x00007f1234567abcULL, 0xabc000, W, F_SMAP, .res = R_PF, .want = 0x3 },
	{ "4L: SMAP implicit write at CPL 0, AC=1", M_4L, 0,
	  0x00007f1234567abcULL, 0xabc000, W | I, F_SMAP | F_AC, .res = R_PF,
	  .want = 0x3 },
	{ "4L: SMAP explicit write at CPL 0, AC=1", M_4L, 0,
	  0x00007f1234567abcULL, 0xabc000, W, F_SMAP | F_AC, .res = R_OK,
	  .want = 0xabcabc },
	{ "4L: SMAP does not apply to fetches", M_4L, 0, 0x00007f1234567abcULL,
	  0xabc000, X, F_SMAP, .res = R_OK, .want = 0xabcabc },
	{ "4L: CR3 in MMIO", M_4L, 0, 0x00007f1234567abcULL, 0xabc000, 0,
	  F_CR3IO, .res = R_NOTRAM },
	{ "4L: PD table in MMIO", M_4L, 0, 0x00007f1234567abcULL, 0xabc000, 0,
	  0, .plvl = 2, .pclr = BITS(51, 12), .pset = 0x80000000,
	  .res = R_NOTRAM },
	{ "4L: PT beyond the end of RAM (unmapped)", M_4L, 0,
	  0x00007f1234567abcULL, 0xabc000, 0, 0, .plvl = 1,
	  .pclr = BITS(51, 12), .pset = MT_RAM_SIZE, .res = R_NOTRAM },

	/* ---- 5-level ---- */
	{ "5L: 4K read", M_5L, 0, 0x00abcdef12345678ULL, 0xabc000, 0, 0,
	  .res = R_OK, .want = 0xabc678 },
	{ "5L: canonical only with LA57", M_5L, 0, 0x0000800000000000ULL,
	  0x5000, W, 0, .res = R_OK, .want = 0x5000 },
	{ "5L: high half", M_5L, 0, 0xff00000000000010ULL, 0x5000, 0, 0,
	  .res = R_OK, .want = 0x5010 },
	{ "5L: 2M page", M_5L, 1, 0x00abcdef12345678ULL, 0x40000000, 0, 0,
	  .res = R_OK, .want = 0x40145678 },
	{ "5L: 1G page", M_5L, 2, 0x00abcdef12345678ULL, 0x40000000, 0, 0,
	  .res = R_OK, .want = 0x52345678 },
	{ "5L: non-canonical", M_5L, 0, 0x0100000000000000ULL, 0x5000, 0, 0,
	  .res = R_GP },
	{ "5L: PML5E PS reserved", M_5L, 0, 0x00abcdef12345678ULL, 0xabc000,
	  0, 0, .plvl = 4, .pset = PS, .res = R_PF, .want = 0x9 },
	{ "5L: PML5E not present, user", M_5L, 0, 0x00abcdef12345678ULL,
	  0xabc000, 0, F_USER, .plvl = 4, .pclr = P, .res = R_PF, .want = 0x4 },
	{ "5L: supervisor PML5E, user read", M_5L, 0, 0x00abcdef12345678ULL,
	  0xabc000, 0, F_USER, .plvl = 4, .pclr = US, .res = R_PF, .want = 0x5 },
	{ NULL, 0, 0, 0, 0, 0, 0, .res = 0 },
};

static unsigned
top_level(int mode)
{
	switch (mode) {
	case M_32: return 1;
	case M_PAE: return 2;
	case M_4L: return 3;
	default: return 4;
	}
}

/* GPA of the table of level lvl (see the layout at the top). */
static gpa_t
table_gpa(const struct walk_case *c, unsigned lvl)
{
	gpa_t t = 0x1000 * (1 + top_level(c->mode) - lvl);

	if (c->mode == M_PAE && lvl == 2)
		t += c->cr3off & ~0x1fULL;
	return t;
}

/* Index of la in the table of level lvl, written out per mode. */
static unsigned
index_of(int mode, gva_t la, unsigned lvl)
{
	if (mode == M_32)
		return lvl == 1 ? (la >> 22) & 0x3ff : (la >> 12) & 0x3ff;
	if (mode == M_PAE && lvl == 2)
		return (la >> 30) & 3;
	return (la >> (12 + 9 * lvl)) & 0x1ff;
}

static void
patch(const struct walk_case *c, unsigned lvl, uint64_t *e)
{
	if (c->plvl == lvl)
		*e = (*e & ~c->pclr) | c->pset;
	if (c->p2lvl == lvl)
		*e = (*e & ~c->p2clr) | c->p2set;
}

/* Build the tables and the vCPU state of case c. */
static void
walk_build(const struct walk_case *c, struct x86_state *st)
{
	unsigned top = top_level(c->mode);

	memset(st, 0, sizeof(*st));
	memset(mt_ram, 0, 0x10000);
	st->cpl = (c->flags & F_USER) ? 3 : 0;
	st->rflags = 0x2 | ((c->flags & F_AC) ? X86_RFLAGS_AC : 0);
	if (c->mode == M_REAL)
		return;
	st->cr0 = X86_CR0_PE;
	if (c->mode == M_PROT)
		return;
	st->cr0 |= X86_CR0_PG | ((c->flags & F_WP) ? X86_CR0_WP : 0);
	st->cr4 = ((c->flags & F_PSE) ? X86_CR4_PSE : 0) |
	    ((c->flags & F_SMEP) ? X86_CR4_SMEP : 0) |
	    ((c->flags & F_SMAP) ? X86_CR4_SMAP : 0);
	st->efer = (c->flags & F_NXE) ? X86_EFER_NXE : 0;
	st->cr3 = 0x1000 + c->cr3off;
	if (c->mode != M_32)
		st->cr4 |= X86_CR4_PAE;
	if (c->mode == M_4L || c->mode == M_5L)
		st->efer |= X86_EFER_LME | X86_EFER_LMA;
	if (c->mode == M_5L)
		st->cr4 |= X86_CR4_LA57;
	if (c->flags & F_CR3IO)
		st->cr3 = 0x40000000;

	for (unsigned lvl = top;; lvl--) {
		gpa_t slot = table_gpa(c, lvl) +
		    index_of(c->mode, c->la, lvl) * (c->mode == M_32 ? 4 : 8);
		uint64_t e;

		if (lvl == c->leaf) {
			if (c->mode == M_32 && lvl == 1)
				e = (c->frame & 0xffc00000) |
				    (((c->frame >> 32) & 0xff) << 13) | PS;
			else
				e = c->frame | (lvl > 0 ? PS : 0);
			e |= P | RW | US;
		} else if (c->mode == M_PAE && lvl == 2) {
			e = table_gpa(c, lvl - 1) | P;
		} else {
			e = table_gpa(c, lvl - 1) | P | RW | US;
		}
		patch(c, lvl, &e);
		if (c->mode == M_32)
			mt_w32(slot, (uint32_t)e);
		else
			mt_w64(slot, e);
		if (lvl == c->leaf)
			break;
	}
}

void
mt_suite_walk(void)
{
	struct x86_machine m;
	struct x86_state st;
	struct x86_exception exc;
	gpa_t gpa;
	int rc;

	for (const struct walk_case *c = walk_cases; c->name; c++) {
		mt_machine_init(&m);
		m.maxphyaddr = c->maxphy;
		walk_build(c, &st);
		memset(&exc, 0, sizeof(exc));
		gpa = 0xdeadbeef;
		rc = x86_mmu_gva_to_gpa(&m, &st, c->la, c->acc, &gpa, &exc);

		switch (c->res) {
		case R_OK:
			mt_diag("rc %d gpa %#llx (want %#llx) exc %u err %#x", rc,
			    (unsigned long long)gpa, (unsigned long long)c->want,
			    exc.vector, exc.error);
			mt_check(rc == 0 && gpa == c->want, "walk: %s", c->name);
			break;
		case R_PF: {
			gva_t cr2 = (c->mode == M_4L || c->mode == M_5L) ?
			    c->la : (c->la & 0xffffffff);

			mt_diag("rc %d vector %u err %#x (want %#llx) cr2 %#llx",
			    rc, exc.vector, exc.error,
			    (unsigned long long)c->want,
			    (unsigned long long)exc.cr2);
			mt_check(rc == X86_MMU_FAULT &&
			    exc.vector == X86_EXC_PF && exc.has_error &&
			    exc.error == c->want && exc.cr2 == cr2,
			    "walk: %s", c->name);
			break;
		}
		case R_GP:
			mt_diag("rc %d vector %u err %#x", rc, exc.vector,
			    exc.error);
			mt_check(rc == X86_MMU_FAULT &&
			    exc.vector == X86_EXC_GP && exc.has_error &&
			    exc.error == 0, "walk: %s", c->name);
			break;
		case R_NOTRAM:
			mt_diag("rc %d", rc);
			mt_check(rc == X86_MMU_PTE_NOT_RAM, "walk: %s", c->name);
			break;
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Accessed and dirty bits */

void
mt_suite_ad(void)
{
	struct x86_machine m;
	struct x86_state st;
	struct x86_exception exc;
	gpa_t gpa;
	int rc;

	/* 4-level, la 0x1000: PML4[0] at 0x1000, PDPT[0] at 0x2000,
	 * PD[0] at 0x3000, PT[1] at 0x4008 -> frame 0x9000. */
	mt_machine_init(&m);
	memset(mt_ram, 0, 0x10000);
	mt_state_long(&st);
	mt_w64(0x1000, 0x2000 | P | RW);
	mt_w64(0x2000, 0x3000 | P | RW);
	mt_w64(0x3000, 0x4000 | P | RW);
	mt_w64(0x4008, 0x9000 | P | RW);
	rc = x86_mmu_gva_to_gpa(&m, &st, 0x1010, 0, &gpa, &exc);
	mt_diag("rc %d %#llx %#llx %#llx %#llx", rc,
	    (unsigned long long)mt_r64(0x1000),
	    (unsigned long long)mt_r64(0x2000),
	    (unsigned long long)mt_r64(0x3000),
	    (unsigned long long)mt_r64(0x4008));
	mt_check(rc == 0 && gpa == 0x9010 &&
	    mt_r64(0x1000) == (0x2000 | P | RW | A) &&
	    mt_r64(0x2000) == (0x3000 | P | RW | A) &&
	    mt_r64(0x3000) == (0x4000 | P | RW | A) &&
	    mt_r64(0x4008) == (0x9000 | P | RW | A),
	    "A/D: read sets A at every level, no D");

	rc = x86_mmu_gva_to_gpa(&m, &st, 0x1ff8, W, &gpa, &exc);
	mt_diag("rc %d pte %#llx pde %#llx", rc,
	    (unsigned long long)mt_r64(0x4008),
	    (unsigned long long)mt_r64(0x3000));
	mt_check(rc == 0 && gpa == 0x9ff8 &&
	    mt_r64(0x4008) == (0x9000 | P | RW | A | D) &&
	    mt_r64(0x3000) == (0x4000 | P | RW | A),
	    "A/D: write sets D in the leaf only");

	/* A faulting walk leaves the entries alone. */
	mt_w64(0x4010, 0xa000 | P);             /* read-only PTE */
	rc = x86_mmu_gva_to_gpa(&m, &st, 0x2000, W, &gpa, &exc);
	mt_check(rc == X86_MMU_FAULT && exc.error == 0x3 &&
	    mt_r64(0x4010) == (0xa000 | P), "A/D: faulting walk sets nothing");

	/* 2 MiB leaf: D in the PDE. PD[1] at 0x3008 -> 0x400000. */
	mt_w64(0x3008, 0x400000 | P | RW | PS);
	rc = x86_mmu_gva_to_gpa(&m, &st, 0x200123, W, &gpa, &exc);
	mt_check(rc == 0 && gpa == 0x400123 &&
	    mt_r64(0x3008) == (0x400000 | P | RW | PS | A | D),
	    "A/D: write to 2M page sets A and D in the PDE");

	/* Tables in a read-only view: walk works, nothing is written. */
	{
		static uint8_t rom[0x4000] __attribute__((aligned(4096)));
		uint64_t e;

		memset(&m, 0, sizeof(m));
		m.mem_cb = mt_mem_cb;
		memset(rom, 0, sizeof(rom));
		e = 0x11000 | P | RW;
		memcpy(&rom[0x0000], &e, 8);    /* PML4 at 0x10000 */
		e = 0x12000 | P | RW;
		memcpy(&rom[0x1000], &e, 8);
		e = 0x13000 | P | RW;
		memcpy(&rom[0x2000], &e, 8);
		e = 0x77000 | P | RW;
		memcpy(&rom[0x3000], &e, 8);
		x86_memmap_add(&m, 0x10000, sizeof(rom), rom, X86_PROT_READ);
		st.cr3 = 0x10000;
		rc = x86_mmu_gva_to_gpa(&m, &st, 0x42, W, &gpa, &exc);
		memcpy(&e, &rom[0x3000], 8);
		mt_check(rc == 0 && gpa == 0x77042 && e == (0x77000 | P | RW),
		    "A/D: tables in a read-only view are not written");
	}

	/* PAE: A in PDE and PTE, PDPTE untouched; CR3 = 0x1020. */
	mt_machine_init(&m);
	memset(mt_ram, 0, 0x10000);
	memset(&st, 0, sizeof(st));
	st.cr0 = X86_CR0_PE | X86_CR0_PG;
	st.cr4 = X86_CR4_PAE;
	st.cr3 = 0x1020;
	mt_w64(0x1020, 0x2000 | P);
	mt_w64(0x2000, 0x3000 | P | RW);
	mt_w64(0x3000, 0x5000 | P | RW);
	rc = x86_mmu_gva_to_gpa(&m, &st, 0x10, W, &gpa, &exc);
	mt_check(rc == 0 && gpa == 0x5010 && mt_r64(0x1020) == (0x2000 | P) &&
	    mt_r64(0x2000) == (0x3000 | P | RW | A) &&
	    mt_r64(0x3000) == (0x5000 | P | RW | A | D),
	    "A/D: PAE sets A/D in PDE/PTE, leaves the PDPTE alone");

	/* 32-bit: 4-byte entries, the byte after the PTE is untouched. */
	memset(mt_ram, 0, 0x10000);
	st.cr4 = 0;
	st.cr3 = 0x1000;
	mt_w32(0x1000, 0x2000 | P | RW);
	mt_w32(0x2000, 0x6000 | P | RW);
	mt_w32(0x2004, 0x12345678);
	rc = x86_mmu_gva_to_gpa(&m, &st, 0x10, W, &gpa, &exc);
	mt_check(rc == 0 && gpa == 0x6010 &&
	    mt_r32(0x1000) == (0x2000 | P | RW | A) &&
	    mt_r32(0x2000) == (0x6000 | P | RW | A | D) &&
	    mt_r32(0x2004) == 0x12345678,
	    "A/D: 32-bit entries updated in place");
}
