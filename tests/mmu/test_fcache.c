/*
 * test_fcache.c - the fetch cache of x86_fetch.h: a second fetch of the
 * same code page is a hit (no walk), and every change that a new walk
 * would see makes it miss and walk again: a paging-structure entry
 * changed behind the cache's back at any level (frame, present, user,
 * XD, accessed), CR3, the paging-mode bits, CPL, CS; the code bytes are
 * always read fresh; A bits are set as a walk sets them.
 *
 * Fake machine (mmu_test.h): mt_ram at GPA 0. Tables at fixed addresses:
 *   4-level: PML4 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000; a second
 *            PT at 0x5000 and a second PML4 at 0x6000 (-> the same PDPT)
 *   32-bit:  PD 0x1000, PT 0x2000
 * Code page: linear 0x10000 -> frame 0x20000 (or 0x21000 after a remap).
 */
#include <stdio.h>
#include <string.h>

#include "mmu_test.h"

#define P   0x1ULL
#define RW  0x2ULL
#define US  0x4ULL
#define A   0x20ULL
#define XD  (1ULL << 63)
#define E   (P | RW | US)

#define FC_LA      0x10000ULL
#define FC_FRAME   0x20000ULL
#define FC_FRAME2  0x21000ULL

static struct x86_machine fc_m;

/* 4-level tables mapping FC_LA -> FC_FRAME, and a long-mode vCPU there. */
static void
fc_setup_4l(struct x86_state *st)
{
	memset(mt_ram, 0, 0x30000);
	mt_w64(0x1000, 0x2000 | E);
	mt_w64(0x6000, 0x2000 | E);             /* second PML4, same tables */
	mt_w64(0x2000, 0x3000 | E);
	mt_w64(0x3000, 0x4000 | E);
	mt_w64(0x4000 + 8 * (FC_LA >> 12), FC_FRAME | E);
	mt_w64(0x5000 + 8 * (FC_LA >> 12), FC_FRAME2 | E);
	mt_state_long(st);
	st->rip = FC_LA + 0x100;
	for (unsigned i = 0; i < 16; i++) {
		mt_ram[FC_FRAME + 0x100 + i] = (uint8_t)(0xa0 + i);
		mt_ram[FC_FRAME2 + 0x100 + i] = (uint8_t)(0xb0 + i);
	}
}

enum { FC_MISS, FC_HIT, FC_NONE };      /* FC_NONE: the cache is not used */

/*
 * Fetch the page of CS:RIP through fc; check the result against want (the
 * first byte expected, 0 for a #PF) and the cache counters against how
 * (FC_MISS, FC_HIT, FC_NONE).
 */
static void
fc_fetch(struct x86_fetch_cache *fc, const struct x86_state *st,
	 uint8_t want, int how, const char *name)
{
	bool hit = how == FC_HIT, miss = how == FC_MISS;

	uint8_t buf[X86_INSN_MAX_LEN];
	struct x86_exception exc;
	uint64_t hits = fc->hits, misses = fc->misses;
	size_t n = 0;
	int rc;

	memset(buf, 0, sizeof(buf));
	memset(&exc, 0, sizeof(exc));
	rc = x86_fetch_insn_page(&fc_m, st, fc, buf, &n, &exc);
	mt_diag("rc %d n %zu byte0 %#x (want %#x) hits +%llu misses +%llu "
	    "vector %u err %#x", rc, n, buf[0], want,
	    (unsigned long long)(fc->hits - hits),
	    (unsigned long long)(fc->misses - misses), exc.vector, exc.error);
	if (want == 0)
		mt_check(rc == X86_MMU_FAULT && exc.vector == X86_EXC_PF &&
		    fc->hits == hits && fc->misses == misses + (miss ? 1 : 0),
		    "fetch cache: %s", name);
	else
		mt_check(rc == 0 && n == X86_INSN_MAX_LEN && buf[0] == want &&
		    buf[14] == (uint8_t)(want + 14) &&
		    fc->hits == hits + (hit ? 1 : 0) &&
		    fc->misses == misses + (miss ? 1 : 0), "fetch cache: %s", name);
}

/* A change behind the cache's back is seen on the next fetch. */
static void
fc_cases_4l(void)
{
	struct x86_fetch_cache fc;
	struct x86_state st;
	uint64_t pte = 0x4000 + 8 * (FC_LA >> 12);

	memset(&fc, 0, sizeof(fc));
	fc_setup_4l(&st);
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "first fetch walks");
	mt_check((mt_r64(0x1000) & A) && (mt_r64(0x2000) & A) &&
	    (mt_r64(0x3000) & A) && (mt_r64(pte) & A),
	    "fetch cache: the walk sets A at every level");
	fc_fetch(&fc, &st, 0xa0, FC_HIT, "second fetch of the page hits");
	st.rip += 0x200;
	mt_ram[FC_FRAME + 0x300] = 0xa0;
	for (unsigned i = 1; i < 15; i++)
		mt_ram[FC_FRAME + 0x300 + i] = (uint8_t)(0xa0 + i);
	fc_fetch(&fc, &st, 0xa0, FC_HIT, "another RIP in the same page hits");
	st.rip -= 0x200;

	/* code bytes are read fresh */
	mt_ram[FC_FRAME + 0x100] = 0x90;
	mt_ram[FC_FRAME + 0x10e] = 0x9e;
	fc_fetch(&fc, &st, 0x90, FC_HIT, "changed code bytes are read fresh");
	mt_ram[FC_FRAME + 0x100] = 0xa0;
	mt_ram[FC_FRAME + 0x10e] = 0xae;

	/* the leaf PTE points elsewhere */
	mt_w64(pte, FC_FRAME2 | E | A);
	fc_fetch(&fc, &st, 0xb0, FC_MISS, "PTE frame changed behind its back");
	fc_fetch(&fc, &st, 0xb0, FC_HIT, "the new translation is cached");

	/* the PDE points to another PT */
	mt_w64(0x3000, 0x5000 | E | A);
	mt_w64(0x5000 + 8 * (FC_LA >> 12), FC_FRAME | E | A);
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "PDE changed behind its back");

	/* A cleared by the guest: walk again, A set again */
	mt_w64(0x2000, mt_r64(0x2000) & ~A);
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "PDPTE A bit cleared: walks again");
	mt_check((mt_r64(0x2000) & A) != 0, "fetch cache: ... and sets A again");

	/* the PML4E made not present: #PF, nothing cached */
	mt_w64(0x1000, mt_r64(0x1000) & ~P);
	fc_fetch(&fc, &st, 0, FC_MISS, "PML4E not present: #PF");
	fc_fetch(&fc, &st, 0, FC_MISS, "PML4E not present: #PF again, no stale hit");
	mt_w64(0x1000, 0x2000 | E | A);
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "PML4E present again: walks");

	/* XD set in the PDE: #PF */
	mt_w64(0x3000, mt_r64(0x3000) | XD);
	fc_fetch(&fc, &st, 0, FC_MISS, "XD set in the PDE behind its back: #PF");
	mt_w64(0x3000, mt_r64(0x3000) & ~XD);
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "XD clear again: walks");

	/* U/S cleared in the PTE, CPL 3: #PF; CPL 0 walks */
	mt_w64(0x5000 + 8 * (FC_LA >> 12), FC_FRAME | P | RW | A);
	st.cpl = 3;
	fc_fetch(&fc, &st, 0, FC_MISS, "supervisor PTE at CPL 3: #PF");
	st.cpl = 0;
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "supervisor PTE at CPL 0: walks");
	fc_fetch(&fc, &st, 0xa0, FC_HIT, "supervisor PTE at CPL 0: hits");
	st.cpl = 3;
	fc_fetch(&fc, &st, 0, FC_MISS, "CPL change misses (no hit from CPL 0)");
	st.cpl = 0;
	mt_w64(0x5000 + 8 * (FC_LA >> 12), FC_FRAME | E | A);
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "user PTE again: walks");

	/* the key: CR3, mode bits, CS */
	st.cr3 = 0x6000;                /* other PML4, same translation */
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "CR3 change misses");
	fc_fetch(&fc, &st, 0xa0, FC_HIT, "... and the new CR3 hits");
	mt_w64(0x6000, mt_r64(0x6000) & ~P);
	fc_fetch(&fc, &st, 0, FC_MISS, "entry of the new CR3 cleared: #PF");
	mt_w64(0x6000, 0x2000 | E | A);
	st.cr3 = 0x1000;
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "CR3 back: walks");
	st.cr4 |= X86_CR4_SMEP;
	fc_fetch(&fc, &st, 0, FC_MISS, "SMEP set: misses, user page -> #PF");
	st.cr4 &= ~(uint64_t)X86_CR4_SMEP;
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "SMEP clear again: walks");
	st.efer &= ~(uint64_t)X86_EFER_NXE;
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "EFER.NXE change misses");
	st.efer |= X86_EFER_NXE;
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "EFER.NXE back: misses again");
	st.seg[X86_SEG_CS].attr &= (uint16_t)~X86_SEGATTR_L;
	st.seg[X86_SEG_CS].attr |= X86_SEGATTR_DB;
	st.seg[X86_SEG_CS].limit = 0xffffffff;
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "CS.L change (compatibility mode) misses");
	fc_fetch(&fc, &st, 0xa0, FC_HIT, "compatibility mode hits");
	{
		uint8_t buf[X86_INSN_MAX_LEN];
		struct x86_exception exc;
		size_t n = 0;
		int rc;

		st.seg[X86_SEG_CS].limit = FC_LA + 0x100 + 14;
		mt_check(x86_fetch_cache_lookup(&fc, &st) != NULL,
		    "fetch cache: CS limit at the 15th byte: short path");
		st.seg[X86_SEG_CS].limit = FC_LA + 0x100 + 13;
		mt_check(x86_fetch_cache_lookup(&fc, &st) == NULL,
		    "fetch cache: CS limit within the 15 bytes: no short path");
		memset(&exc, 0, sizeof(exc));
		rc = x86_fetch_insn_page(&fc_m, &st, &fc, buf, &n, &exc);
		mt_diag("rc %d n %zu vector %u", rc, n, exc.vector);
		mt_check(rc == 0 && n == 14 && buf[13] == 0xad &&
		    exc.vector == X86_EXC_GP && exc.has_error,
		    "fetch cache: ... 14 bytes up to the limit, then #GP(0)");
		st.seg[X86_SEG_CS].limit = FC_LA + 0x100 - 1;
		rc = x86_fetch_insn_page(&fc_m, &st, &fc, buf, &n, &exc);
		mt_check(rc == X86_MMU_FAULT && n == 0 &&
		    exc.vector == X86_EXC_GP, "fetch cache: RIP past the CS limit: #GP");
	}
	st.seg[X86_SEG_CS].limit = 0xffffffff;
	st.seg[X86_SEG_CS].base = 0x1000;
	st.rip -= 0x1000;
	fc_fetch(&fc, &st, 0xa0, FC_HIT,
	    "CS base changed, same linear address: hits");
	x86_fetch_cache_flush(&fc);
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "flushed: walks");
}

/* The short path stops short of the page end and the CS limit. */
static void
fc_cases_edges(void)
{
	struct x86_fetch_cache fc;
	struct x86_state st;
	uint8_t buf[X86_INSN_MAX_LEN];
	struct x86_exception exc;
	uint64_t hits, misses;
	size_t n;
	int rc;

	memset(&fc, 0, sizeof(fc));
	fc_setup_4l(&st);
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "edges: fill");
	st.rip = FC_LA + 0xff8;
	n = 0;
	hits = fc.hits;
	rc = x86_fetch_insn_page(&fc_m, &st, &fc, buf, &n, &exc);
	mt_diag("rc %d n %zu hits +%llu", rc, n,
	    (unsigned long long)(fc.hits - hits));
	mt_check(rc == 0 && n == 8 && fc.hits == hits + 1 &&
	    memcmp(buf, &mt_ram[FC_FRAME + 0xff8], 8) == 0,
	    "fetch cache: 8 bytes before the page end come from the cache");
	st.rip = FC_LA + 0xff1;
	mt_check(x86_fetch_cache_lookup(&fc, &st) != NULL,
	    "fetch cache: lookup with 15 bytes left in the page");
	st.rip = FC_LA + 0xff2;
	mt_check(x86_fetch_cache_lookup(&fc, &st) == NULL,
	    "fetch cache: no lookup with 14 bytes left in the page");
	st.rip = FC_LA + 0x1000;
	mt_check(x86_fetch_cache_lookup(&fc, &st) == NULL,
	    "fetch cache: no lookup in the next page");
	st.rip = FC_LA - 1;
	mt_check(x86_fetch_cache_lookup(&fc, &st) == NULL,
	    "fetch cache: no lookup in the page before");
	/* a code page that ends where its view ends is cached too */
	mt_w64(0x4000 + 8 * (FC_LA >> 12), (MT_RAM_SIZE - PAGE_SIZE) | E);
	memset(&mt_ram[MT_RAM_SIZE - PAGE_SIZE + 0x100], 0x55, 15);
	st.rip = FC_LA + 0x100;
	n = 0;
	x86_fetch_insn_page(&fc_m, &st, &fc, buf, &n, &exc);
	mt_check(n == 15 && buf[0] == 0x55 && x86_fetch_cache_lookup(&fc, &st) != NULL,
	    "fetch cache: a page at the end of its RAM view is cached");
	mt_w64(0x4000 + 8 * (FC_LA >> 12), FC_FRAME | E);
	x86_fetch_cache_flush(&fc);
	/* the next page, also near its end: not the cached page */
	mt_w64(0x4000 + 8 * ((FC_LA >> 12) + 1), FC_FRAME2 | E);
	memset(&mt_ram[FC_FRAME2 + 0xff8], 0x77, 8);
	st.rip = FC_LA + 0x1ff8;
	misses = fc.misses;
	rc = x86_fetch_insn_page(&fc_m, &st, &fc, buf, &n, &exc);
	mt_diag("rc %d n %zu byte0 %#x misses +%llu", rc, n, buf[0],
	    (unsigned long long)(fc.misses - misses));
	mt_check(rc == 0 && n == 8 && buf[0] == 0x77 && fc.misses == misses + 1,
	    "fetch cache: another page near its end is a miss");
}

/* 32-bit paging: 4-byte entries. */
static void
fc_cases_32(void)
{
	struct x86_fetch_cache fc;
	struct x86_state st;

	memset(&fc, 0, sizeof(fc));
	memset(mt_ram, 0, 0x30000);
	mt_w32(0x1000, 0x2000 | E);
	mt_w32(0x2000 + 4 * (FC_LA >> 12), FC_FRAME | E);
	for (unsigned i = 0; i < 16; i++) {
		mt_ram[FC_FRAME + 0x100 + i] = (uint8_t)(0xa0 + i);
		mt_ram[FC_FRAME2 + 0x100 + i] = (uint8_t)(0xb0 + i);
	}
	memset(&st, 0, sizeof(st));
	st.cr0 = X86_CR0_PE | X86_CR0_PG;
	st.cr3 = 0x1000;
	st.rflags = 0x2;
	st.seg[X86_SEG_CS].attr = 0x09b | X86_SEGATTR_DB;
	st.seg[X86_SEG_CS].limit = 0xffffffff;
	st.rip = FC_LA + 0x100;
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "32-bit: first fetch walks");
	fc_fetch(&fc, &st, 0xa0, FC_HIT, "32-bit: second fetch hits");
	mt_w32(0x2000 + 4 * (FC_LA >> 12), FC_FRAME2 | E | A);
	fc_fetch(&fc, &st, 0xb0, FC_MISS, "32-bit: PTE changed behind its back");
	mt_w32(0x1000, mt_r32(0x1000) & ~(uint32_t)P);
	fc_fetch(&fc, &st, 0, FC_MISS, "32-bit: PDE not present: #PF");
	mt_w32(0x1000, 0x2000 | E | A);
	st.cr4 |= X86_CR4_PSE;
	fc_fetch(&fc, &st, 0xb0, FC_MISS, "32-bit: CR4.PSE change misses");
	st.cr0 &= ~(uint64_t)X86_CR0_PG;
	st.rip = FC_FRAME + 0x100;
	fc_fetch(&fc, &st, 0xa0, FC_NONE, "paging off: the cache is not used");
	fc_fetch(&fc, &st, 0xa0, FC_NONE, "paging off: never a hit");
}

/*
 * 5-level paging: five entries to re-read (PML5 at 0x7000 -> the PML4 at
 * 0x1000), each of them changed behind the cache's back in turn.
 */
static void
fc_cases_5l(void)
{
	static const gpa_t ent[5] = { 0x7000, 0x1000, 0x2000, 0x3000,
	    0x4000 + 8 * (FC_LA >> 12) };
	struct x86_fetch_cache fc;
	struct x86_state st;
	char name[80];

	memset(&fc, 0, sizeof(fc));
	fc_setup_4l(&st);
	mt_w64(0x7000, 0x1000 | E);
	st.cr4 |= X86_CR4_LA57;
	st.cr3 = 0x7000;
	fc_fetch(&fc, &st, 0xa0, FC_MISS, "5-level: first fetch walks");
	fc_fetch(&fc, &st, 0xa0, FC_HIT, "5-level: second fetch hits");
	for (unsigned i = 0; i < 5; i++) {
		uint64_t v = mt_r64(ent[i]);

		mt_w64(ent[i], v & ~P);
		snprintf(name, sizeof(name), "5-level: level %u entry not present: #PF", 4 - i);
		fc_fetch(&fc, &st, 0, FC_MISS, name);
		mt_w64(ent[i], v);
		snprintf(name, sizeof(name), "5-level: level %u entry back: walks", 4 - i);
		fc_fetch(&fc, &st, 0xa0, FC_MISS, name);
	}
}

void
mt_suite_fcache(void)
{
	mt_machine_init(&fc_m);
	fc_cases_4l();
	fc_cases_edges();
	fc_cases_5l();
	fc_cases_32();
}
