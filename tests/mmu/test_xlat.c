/*
 * test_xlat.c - the translation cache of x86_mmu_gva_to_gpa (struct
 * x86_xlat in x86_machine.h, rules in x86_walk.c): a second data access
 * to the same linear page is a hit (no walk), reads and writes have
 * entries of their own, and every change that a new walk would see makes
 * it miss and walk again: a paging-structure entry changed behind its
 * back at any level (frame, present, R/W, U/S, A, D, reserved bits),
 * CR3, CR0.WP, CR4.SMAP, EFER.NXE, the CPL, RFLAGS.AC, MAXPHYADDR, the
 * memory map. A and D bits are set as a walk sets them; fetches, implicit
 * accesses and accesses without paging never use the cache.
 *
 * Fake machine (mmu_test.h): mt_ram at GPA 0. Tables at fixed addresses:
 *   4-level: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000; a second
 *            PML4 at 0x6000 (-> the same PDPT)
 *   32-bit:  PD 0x1000, PT 0x2000
 * Data page: linear 0x10000 -> frame 0x20000 (0x21000 after a remap);
 * the next linear page 0x11000 -> frame 0x22000.
 */
#include <stdio.h>
#include <string.h>

#include "mmu_test.h"

#define P   0x1ULL
#define RW  0x2ULL
#define US  0x4ULL
#define A   0x20ULL
#define D   0x40ULL
#define E   (P | RW | US)
#define W   X86_ACC_WRITE

#define XL_LA      0x10000ULL
#define XL_FRAME   0x20000ULL
#define XL_FRAME2  0x21000ULL
#define XL_FRAME3  0x22000ULL
#define XL_PTE     (0x4000 + 8 * (XL_LA >> 12))

static struct x86_machine xl_m;

/* 4-level tables mapping XL_LA -> XL_FRAME, and a long-mode vCPU at CPL 0. */
static void
xl_setup_4l(struct x86_state *st)
{
	memset(mt_ram, 0, 0x30000);
	mt_w64(0x1000, 0x2000 | E);
	mt_w64(0x6000, 0x2000 | E);
	mt_w64(0x2000, 0x3000 | E);
	mt_w64(0x3000, 0x4000 | E);
	mt_w64(XL_PTE, XL_FRAME | E);
	mt_w64(XL_PTE + 8, XL_FRAME3 | E);
	mt_state_long(st);
}

enum { XL_MISS, XL_HIT, XL_NONE };      /* XL_NONE: the cache is not used */

/*
 * Translate la for acc; want is the expected guest-physical address, or
 * 0 for a fault with vector wantvec and, for a #PF, error code wanterr;
 * how says what the counters must show (XL_MISS, XL_HIT, XL_NONE).
 */
static void
xl_tr_fault(const struct x86_state *st, gva_t la, unsigned acc, gpa_t want,
	    uint8_t wantvec, uint32_t wanterr, int how, const char *name)
{
	uint64_t hits = xl_m.xlat_hits, misses = xl_m.xlat_misses;
	struct x86_exception exc;
	gpa_t gpa = 0;
	int rc;

	memset(&exc, 0, sizeof(exc));
	rc = x86_mmu_gva_to_gpa(&xl_m, st, la, acc, &gpa, &exc);
	mt_diag("rc %d gpa %#llx (want %#llx) vector %u err %#x hits +%llu "
	    "misses +%llu", rc, (unsigned long long)gpa,
	    (unsigned long long)want, exc.vector, exc.error,
	    (unsigned long long)(xl_m.xlat_hits - hits),
	    (unsigned long long)(xl_m.xlat_misses - misses));
	mt_check((want != 0 ? rc == 0 && gpa == want :
	    rc == X86_MMU_FAULT && exc.vector == wantvec &&
	    (wantvec != X86_EXC_PF || (exc.error == wanterr && exc.cr2 == la))) &&
	    xl_m.xlat_hits == hits + (how == XL_HIT) &&
	    xl_m.xlat_misses == misses + (how == XL_MISS), "xlat: %s", name);
}

static void
xl_tr(const struct x86_state *st, gva_t la, unsigned acc, gpa_t want,
      int how, const char *name)
{
	xl_tr_fault(st, la, acc, want, X86_EXC_PF, 0, how, name);
}

/* Hits, reads and writes apart, A and D bits. */
static void
xl_cases_basic(void)
{
	struct x86_state st;

	xl_setup_4l(&st);
	xl_tr(&st, XL_LA + 0x10, 0, XL_FRAME + 0x10, XL_MISS, "first read walks");
	mt_check((mt_r64(0x1000) & A) && (mt_r64(0x2000) & A) &&
	    (mt_r64(0x3000) & A) && (mt_r64(XL_PTE) & A) && !(mt_r64(XL_PTE) & D),
	    "xlat: the read walk sets A at every level, no D");
	xl_tr(&st, XL_LA + 0x10, 0, XL_FRAME + 0x10, XL_HIT, "second read hits");
	xl_tr(&st, XL_LA + 0xfff, 0, XL_FRAME + 0xfff, XL_HIT,
	    "another offset in the page hits, with its own offset");
	xl_tr(&st, XL_LA + 0x1008, 0, XL_FRAME3 + 8, XL_MISS, "the next page misses");
	xl_tr(&st, XL_LA + 0x1010, 0, XL_FRAME3 + 0x10, XL_HIT, "... then hits");
	xl_tr(&st, XL_LA + 0x20, 0, XL_FRAME + 0x20, XL_MISS,
	    "back to the first page: one entry per kind, misses");

	/* writes have their own entry and set D */
	xl_tr(&st, XL_LA + 0x20, W, XL_FRAME + 0x20, XL_MISS, "first write walks");
	mt_check((mt_r64(XL_PTE) & D) != 0, "xlat: the write walk sets D");
	xl_tr(&st, XL_LA + 0x28, W, XL_FRAME + 0x28, XL_HIT, "second write hits");
	xl_tr(&st, XL_LA + 0x28, 0, XL_FRAME + 0x28, XL_MISS,
	    "the read entry saw the leaf without D: misses once");
	xl_tr(&st, XL_LA + 0x28, 0, XL_FRAME + 0x28, XL_HIT, "... then hits");
	xl_tr(&st, XL_LA + 0x28, W, XL_FRAME + 0x28, XL_HIT,
	    "the write entry still hits after the reads");

	/* D cleared by the guest: the next write walks and sets it again */
	mt_w64(XL_PTE, mt_r64(XL_PTE) & ~D);
	xl_tr(&st, XL_LA, W, XL_FRAME, XL_MISS, "D cleared behind its back: write walks");
	mt_check((mt_r64(XL_PTE) & D) != 0, "xlat: ... and sets D again");
	/* A cleared in the PDPTE: walk, A set again */
	mt_w64(0x2000, mt_r64(0x2000) & ~A);
	xl_tr(&st, XL_LA, W, XL_FRAME, XL_MISS, "PDPTE A cleared: walks");
	mt_check((mt_r64(0x2000) & A) != 0, "xlat: ... and sets A again");
	xl_tr(&st, XL_LA, 0, XL_FRAME, XL_HIT,
	    "... the read entry: its entries hold their values again, hits");

	/* fetches, implicit accesses and paging off: no cache */
	xl_tr(&st, XL_LA, X86_ACC_EXEC, XL_FRAME, XL_NONE, "a fetch walks, no cache");
	xl_tr(&st, XL_LA, X86_ACC_IMPLICIT, XL_FRAME, XL_NONE,
	    "an implicit access walks, no cache");
	st.cr0 &= ~(uint64_t)X86_CR0_PG;
	xl_tr(&st, XL_FRAME + 4, 0, XL_FRAME + 4, XL_NONE, "paging off: no cache");
	st.cr0 |= X86_CR0_PG;
	xl_tr(&st, XL_LA, 0, XL_FRAME, XL_HIT, "paging on again: the entry hits");
}

/* Entries changed behind the cache's back, at every level. */
static void
xl_cases_entries(void)
{
	static const gpa_t ent[4] = { 0x1000, 0x2000, 0x3000, XL_PTE };
	struct x86_state st;
	char name[96];

	xl_setup_4l(&st);
	xl_tr(&st, XL_LA, 0, XL_FRAME, XL_MISS, "entries: fill");
	mt_w64(XL_PTE, XL_FRAME2 | E | A);
	xl_tr(&st, XL_LA + 8, 0, XL_FRAME2 + 8, XL_MISS, "PTE frame changed: new page");
	xl_tr(&st, XL_LA + 8, 0, XL_FRAME2 + 8, XL_HIT, "the new translation hits");
	for (unsigned i = 0; i < 4; i++) {
		uint64_t v = mt_r64(ent[i]);

		mt_w64(ent[i], v & ~P);
		snprintf(name, sizeof(name), "level %u entry not present: #PF", 3 - i);
		xl_tr_fault(&st, XL_LA, 0, 0, X86_EXC_PF, 0, XL_MISS, name);
		snprintf(name, sizeof(name), "level %u entry not present: #PF again", 3 - i);
		xl_tr_fault(&st, XL_LA, 0, 0, X86_EXC_PF, 0, XL_MISS, name);
		mt_w64(ent[i], v);
		snprintf(name, sizeof(name), "level %u entry back: walks", 3 - i);
		xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_MISS, name);
	}
	/* R/W cleared in the PDE: a write faults (WP), a read walks */
	xl_tr(&st, XL_LA, W, XL_FRAME2, XL_MISS, "write entry: fill");
	xl_tr(&st, XL_LA, W, XL_FRAME2, XL_HIT, "write entry: hit");
	mt_w64(0x3000, mt_r64(0x3000) & ~RW);
	xl_tr_fault(&st, XL_LA, W, 0, X86_EXC_PF, X86_PFERR_P | X86_PFERR_W, XL_MISS,
	    "PDE R/W cleared: the write faults");
	xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_MISS, "PDE R/W cleared: the read walks");
	st.cr0 &= ~(uint64_t)X86_CR0_WP;
	xl_tr(&st, XL_LA, W, XL_FRAME2, XL_MISS,
	    "CR0.WP clear: the supervisor write passes (misses)");
	st.cr0 |= X86_CR0_WP;
	xl_tr_fault(&st, XL_LA, W, 0, X86_EXC_PF, X86_PFERR_P | X86_PFERR_W, XL_MISS,
	    "CR0.WP set again: the write faults, no stale hit");
	mt_w64(0x3000, mt_r64(0x3000) | RW);
	/* U/S cleared in the PTE: CPL 3 faults */
	mt_w64(XL_PTE, XL_FRAME2 | P | RW | A | D);
	xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_MISS, "supervisor page at CPL 0: walks");
	xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_HIT, "supervisor page at CPL 0: hits");
	st.cpl = 3;
	xl_tr_fault(&st, XL_LA, 0, 0, X86_EXC_PF, X86_PFERR_P | X86_PFERR_U, XL_MISS,
	    "CPL 3 on a supervisor page: #PF, no hit from CPL 0");
	st.cpl = 0;
	mt_w64(XL_PTE, XL_FRAME2 | E | A | D);
	/* SMAP: a supervisor access to a user page faults unless RFLAGS.AC */
	st.cr4 |= X86_CR4_SMAP;
	xl_tr_fault(&st, XL_LA, 0, 0, X86_EXC_PF, X86_PFERR_P, XL_MISS,
	    "SMAP, AC clear: #PF");
	st.rflags |= X86_RFLAGS_AC;
	xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_MISS, "SMAP, AC set: walks");
	xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_HIT, "SMAP, AC set: hits");
	st.rflags &= ~(uint64_t)X86_RFLAGS_AC;
	xl_tr_fault(&st, XL_LA, 0, 0, X86_EXC_PF, X86_PFERR_P, XL_MISS,
	    "AC cleared: #PF, no stale hit");
	st.cr4 &= ~(uint64_t)X86_CR4_SMAP;
	/* the key: CR3, EFER.NXE, MAXPHYADDR */
	st.cr3 = 0x6000;
	xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_MISS, "CR3 change misses");
	xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_HIT, "... and the new CR3 hits");
	mt_w64(0x6000, mt_r64(0x6000) & ~P);
	xl_tr_fault(&st, XL_LA, 0, 0, X86_EXC_PF, 0, XL_MISS, "new CR3's PML4E cleared: #PF");
	st.cr3 = 0x1000;
	mt_w64(XL_PTE, mt_r64(XL_PTE) | (1ULL << 63));
	xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_MISS, "XD in the PTE (NXE): a read walks");
	xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_HIT, "... and hits");
	st.efer &= ~(uint64_t)X86_EFER_NXE;
	xl_tr_fault(&st, XL_LA, 0, 0, X86_EXC_PF, X86_PFERR_P | X86_PFERR_RSVD, XL_MISS,
	    "NXE cleared: bit 63 reserved, #PF, no stale hit");
	st.efer |= X86_EFER_NXE;
	mt_w64(XL_PTE, XL_FRAME2 | (1ULL << 40) | E | A | D);
	xl_tr(&st, XL_LA, 0, XL_FRAME2 | (1ULL << 40), XL_MISS,
	    "frame above 4 GiB with MAXPHYADDR 52: walks");
	xl_tr(&st, XL_LA, 0, XL_FRAME2 | (1ULL << 40), XL_HIT, "... and hits");
	xl_m.maxphyaddr = 36;
	xl_tr_fault(&st, XL_LA, 0, 0, X86_EXC_PF, X86_PFERR_P | X86_PFERR_RSVD, XL_MISS,
	    "MAXPHYADDR 36: reserved bit, #PF, no stale hit");
	xl_m.maxphyaddr = 0;
	mt_w64(XL_PTE, XL_FRAME2 | E | A | D);
	xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_MISS, "MAXPHYADDR back: walks");
	/* the memory map changed: empty */
	xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_HIT, "map: hit before");
	{
		static uint8_t extra[PAGE_SIZE];

		mt_check(x86_memmap_add(&xl_m, 0x40000000, sizeof(extra), extra,
		    X86_PROT_READ) == 0, "xlat: a view added");
	}
	xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_MISS, "x86_memmap_add empties the cache");
	xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_HIT, "... then it hits again");
	x86_xlat_flush(&xl_m);
	xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_MISS, "x86_xlat_flush empties it");
}

/* 32-bit paging (4-byte entries), and accesses through x86_gva_*. */
static void
xl_cases_32_gva(void)
{
	struct x86_exception exc;
	struct x86_state st;
	uint8_t buf[4];
	int rc;

	memset(mt_ram, 0, 0x30000);
	mt_w32(0x1000, 0x2000 | E);
	mt_w32(0x2000 + 4 * (XL_LA >> 12), XL_FRAME | E);
	mt_w32(0x2000 + 4 * ((XL_LA >> 12) + 1), XL_FRAME3 | E);
	memset(&st, 0, sizeof(st));
	st.cr0 = X86_CR0_PE | X86_CR0_PG;
	st.cr3 = 0x1000;
	st.rflags = 0x2;
	xl_tr(&st, XL_LA, 0, XL_FRAME, XL_MISS, "32-bit: first read walks");
	xl_tr(&st, XL_LA, 0, XL_FRAME, XL_HIT, "32-bit: second read hits");
	mt_w32(0x2000 + 4 * (XL_LA >> 12), XL_FRAME2 | E | A);
	xl_tr(&st, XL_LA, 0, XL_FRAME2, XL_MISS, "32-bit: PTE changed behind its back");
	mt_w32(0x1000, mt_r32(0x1000) & ~(uint32_t)P);
	xl_tr_fault(&st, XL_LA, 0, 0, X86_EXC_PF, 0, XL_MISS, "32-bit: PDE not present");
	mt_w32(0x1000, 0x2000 | E | A);

	/* a read that crosses into the next page: both pages, each current */
	mt_ram[XL_FRAME2 + 0xffe] = 0x11;
	mt_ram[XL_FRAME2 + 0xfff] = 0x22;
	mt_ram[XL_FRAME3] = 0x33;
	mt_ram[XL_FRAME3 + 1] = 0x44;
	mt_ram[XL_FRAME + 0xffe] = 0x55;
	mt_ram[XL_FRAME + 0xfff] = 0x66;
	rc = x86_gva_read(&xl_m, &st, XL_LA + 0xffe, buf, 4, 0, &exc);
	mt_check(rc == 0 && buf[0] == 0x11 && buf[1] == 0x22 && buf[2] == 0x33 &&
	    buf[3] == 0x44, "xlat: a read across a page boundary reads both pages");
	rc = x86_gva_read(&xl_m, &st, XL_LA + 0xffe, buf, 2, 0, &exc);
	mt_check(rc == 0 && buf[0] == 0x11, "xlat: a read at the end of the page");
	mt_w32(0x2000 + 4 * (XL_LA >> 12), XL_FRAME | E | A);
	rc = x86_gva_read(&xl_m, &st, XL_LA + 0xffe, buf, 4, 0, &exc);
	mt_check(rc == 0 && buf[0] == 0x55 && buf[1] == 0x66 && buf[2] == 0x33,
	    "xlat: ... after a remap behind its back: the new first page");
	mt_w32(0x2000 + 4 * ((XL_LA >> 12) + 1), 0);
	memset(buf, 0, sizeof(buf));
	rc = x86_gva_write(&xl_m, &st, XL_LA + 0xffe, "\x77\x78\x79\x7a", 4, 0, &exc);
	mt_check(rc == X86_MMU_FAULT && exc.vector == X86_EXC_PF &&
	    exc.cr2 == XL_LA + 0x1000 && mt_ram[XL_FRAME + 0xffe] == 0x55,
	    "xlat: a write whose second page is gone: #PF there, nothing written");
}

void
mt_suite_xlat(void)
{
	mt_machine_init(&xl_m);
	xl_cases_basic();
	xl_cases_entries();
	xl_cases_32_gva();
}
