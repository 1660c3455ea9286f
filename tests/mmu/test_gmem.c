/*
 * test_gmem.c - the memory map, guest-physical access (RAM, MMIO, across
 * ranges, read-only views, two views of one buffer), guest-virtual access
 * across pages (RAM and MMIO, exact Mem callback sequences) and
 * x86_fetch_insn.
 *
 * Guest-virtual layout for mt_suite_gva (4-level paging, NXE, WP):
 *   0x1000 PML4, 0x2000 PDPT, 0x3000 PD, 0x4000 PT (covers la 0..2 MiB)
 *   la 0x10000 -> gpa 0x20000      RAM
 *   la 0x11000 -> gpa 0x35000      RAM (not contiguous with the above)
 *   la 0x12000 -> gpa 0x10000000   MMIO
 *   la 0x13000 -> gpa 0x10005000   MMIO
 *   la 0x14000    not present
 *   la 0x16000 -> gpa 0x50000      RAM
 *   la 0x17000 -> gpa 0x51000      RAM, read-only PTE
 *   la 0x18000 -> gpa 0x52000      RAM, execute-disable
 *   la 0x19000 -> gpa 0x53000      RAM; la 0x1a000 not present
 */
#include <stdio.h>
#include <string.h>

#include "mmu_test.h"

#define P   0x1ULL
#define RW  0x2ULL
#define US  0x4ULL
#define XD  (1ULL << 63)
#define PTE_A 0x20ULL  /* accessed */

/* Expect log entry i to be (gpa, size, write). */
static bool
log_is(unsigned i, gpa_t gpa, unsigned size, bool write)
{
	if (i >= mt_log.n || i >= MT_LOG_MAX)
		return false;
	return mt_log.a[i].gpa == gpa && mt_log.a[i].size == size &&
	    mt_log.a[i].write == write;
}

static void
log_diag(void)
{
	char buf[256];
	size_t o = 0;

	o += (size_t)snprintf(buf, sizeof(buf), "%u calls:", mt_log.n);
	for (unsigned i = 0; i < mt_log.n && i < 8 && o < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, " %c%#llx/%u",
		    mt_log.a[i].write ? 'W' : 'R',
		    (unsigned long long)mt_log.a[i].gpa, mt_log.a[i].size);
	mt_diag("%s", buf);
}

/* buf[i] == mt_mmio_byte(gpa + i) for all i < n */
static bool
is_mmio_data(const uint8_t *buf, gpa_t gpa, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != mt_mmio_byte(gpa + i))
			return false;
	return true;
}

static void
fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 3);
}

/* ------------------------------------------------------------------------ */
/* Memory map and guest-physical access */

static uint8_t buf_a[0x3000], buf_b[0x2000], buf_rom[0x1000];

static void
suite_memmap(void)
{
	struct x86_machine m;
	uint8_t b16[16];
	uint64_t avail;
	uint8_t *h;
	int rc;

	memset(&m, 0, sizeof(m));
	mt_check(x86_memmap_add(&m, 0x100000, 0x3000, buf_a, 3) == 0,
	    "memmap: add a range");
	mt_check(x86_memmap_add(&m, 0x101000, 0x1000, buf_b, 3) == -1,
	    "memmap: overlap inside rejected");
	mt_check(x86_memmap_add(&m, 0xff000, 0x2000, buf_b, 3) == -1,
	    "memmap: overlap at the start rejected");
	mt_check(x86_memmap_add(&m, 0x102fff, 0x10, buf_b, 3) == -1,
	    "memmap: overlap at the end rejected");
	mt_check(x86_memmap_add(&m, 0x0, 0x200000, buf_b, 3) == -1,
	    "memmap: enclosing range rejected");
	mt_check(x86_memmap_add(&m, 0x103000, 0x2000, buf_b, 3) == 0,
	    "memmap: adjacent range accepted");
	mt_check(x86_memmap_add(&m, 0x200000, 0, buf_b, 3) == -1,
	    "memmap: size 0 rejected");
	mt_check(x86_memmap_add(&m, 0x200000, 0x1000, NULL, 3) == -1,
	    "memmap: NULL hva rejected");
	mt_check(x86_memmap_add(&m, 0xfffffffffffff000ULL, 0x2000, buf_b, 3)
	    == -1, "memmap: wrapping range rejected");
	mt_check(x86_memmap_add(&m, 0xfffffffffffff000ULL, 0x1000, buf_b, 3)
	    == 0, "memmap: range ending at 2^64-1 accepted");
	mt_check(m.nranges == 3 && m.ranges[0].gpa == 0x100000 &&
	    m.ranges[1].gpa == 0x103000 &&
	    m.ranges[2].gpa == 0xfffffffffffff000ULL, "memmap: kept sorted");

	rc = 0;
	for (unsigned i = m.nranges; i < X86_MEMMAP_MAX; i++)
		rc |= x86_memmap_add(&m, 0x1000000 + i * 0x10000ULL, 0x1000,
		    buf_b, 3);
	mt_check(rc == 0 && m.nranges == X86_MEMMAP_MAX &&
	    x86_memmap_add(&m, 0x9000000, 0x1000, buf_b, 3) == -1,
	    "memmap: full map rejects one more");

	/* gpa_to_hva */
	memset(&m, 0, sizeof(m));
	x86_memmap_add(&m, 0x100000, 0x3000, buf_a, 3);
	x86_memmap_add(&m, 0x200000, 0x2000, buf_b, 3);
	h = x86_gpa_to_hva(&m, 0x101234, &avail);
	mt_check(h == buf_a + 0x1234 && avail == 0x1dcc,
	    "gpa_to_hva: unaligned address, bytes left in range");
	h = x86_gpa_to_hva(&m, 0x103000, &avail);
	mt_check(h == NULL && avail == 0x200000 - 0x103000,
	    "gpa_to_hva: MMIO, bytes to the next range");
	h = x86_gpa_to_hva(&m, 0x300000, &avail);
	mt_check(h == NULL && avail == ~0ULL - 0x300000,
	    "gpa_to_hva: MMIO above the last range");
	mt_check(x86_gpa_to_hva(&m, 0x201fff, NULL) == buf_b + 0x1fff,
	    "gpa_to_hva: last byte, avail NULL");

	/* two views of one host buffer */
	memset(&m, 0, sizeof(m));
	m.mem_cb = mt_mem_cb;
	x86_memmap_add(&m, 0x100000, 0x2000, buf_b, 3);
	x86_memmap_add(&m, 0x7000000, 0x1000, buf_b + 0x1000, 3);
	fill(b16, 16, 0x40);
	rc = x86_gpa_write(&m, 0x101ff8, b16, 8);
	memset(b16, 0, 16);
	rc |= x86_gpa_read(&m, 0x7000ff8, b16, 8);
	mt_check(rc == 0 && b16[0] == 0x40 && b16[7] == 0x40 + 21,
	    "gpa: two GPAs view one host buffer");

	/* read-only view */
	x86_memmap_add(&m, 0x8000000, 0x1000, buf_rom, X86_PROT_READ);
	memset(buf_rom, 0xee, sizeof(buf_rom));
	fill(b16, 16, 1);
	rc = x86_gpa_write(&m, 0x8000010, b16, 16);
	mt_check(rc == 0 && buf_rom[0x10] == 0xee && buf_rom[0x1f] == 0xee,
	    "gpa: write to a read-only range is dropped");
	rc = x86_gpa_read(&m, 0x8000010, b16, 4);
	mt_check(rc == 0 && b16[0] == 0xee && b16[3] == 0xee,
	    "gpa: read-only range is readable");

	/* a range without READ reads as all-ones */
	x86_memmap_add(&m, 0x9000000, 0x1000, buf_a, X86_PROT_WRITE);
	buf_a[0] = 0;
	rc = x86_gpa_read(&m, 0x9000000, b16, 2);
	mt_check(rc == 0 && b16[0] == 0xff && b16[1] == 0xff,
	    "gpa: range without READ reads all-ones");
}

static void
suite_gpa_access(void)
{
	struct x86_machine m;
	uint8_t b[64], w[64];
	int rc;

	/* two adjacent views onto different buffers */
	memset(&m, 0, sizeof(m));
	m.mem_cb = mt_mem_cb;
	x86_memmap_add(&m, 0x100000, 0x1000, buf_a, 3);
	x86_memmap_add(&m, 0x101000, 0x1000, buf_b, 3);
	fill(buf_a, 0x1000, 0);
	fill(buf_b, 0x1000, 0x80);
	mt_log.n = 0;
	rc = x86_gpa_read(&m, 0x100ff0, b, 32);
	mt_check(rc == 0 && memcmp(b, buf_a + 0xff0, 16) == 0 &&
	    memcmp(b + 16, buf_b, 16) == 0 && mt_log.n == 0,
	    "gpa: read across two views");
	fill(w, 32, 0x33);
	rc = x86_gpa_write(&m, 0x100ffc, w, 8);
	mt_check(rc == 0 && memcmp(buf_a + 0xffc, w, 4) == 0 &&
	    memcmp(buf_b, w + 4, 4) == 0, "gpa: write across two views");

	/* MMIO read of 13 bytes at ...3: pieces 1, 4, 8 */
	mt_log.n = 0;
	rc = x86_gpa_read(&m, 0x20000003, b, 13);
	log_diag();
	mt_check(rc == 0 && mt_log.n == 3 && log_is(0, 0x20000003, 1, false) &&
	    log_is(1, 0x20000004, 4, false) && log_is(2, 0x20000008, 8, false)
	    && is_mmio_data(b, 0x20000003, 13),
	    "gpa: unaligned 13-byte MMIO read in aligned pieces 1,4,8");

	/* MMIO write of 16 aligned bytes: two 8-byte writes, data kept */
	mt_log.n = 0;
	fill(w, 16, 0x10);
	rc = x86_gpa_write(&m, 0x20000100, w, 16);
	log_diag();
	mt_check(rc == 0 && mt_log.n == 2 && log_is(0, 0x20000100, 8, true) &&
	    log_is(1, 0x20000108, 8, true) &&
	    memcmp(mt_log.a[0].data, w, 8) == 0 &&
	    memcmp(mt_log.a[1].data, w + 8, 8) == 0,
	    "gpa: 16-byte MMIO write as two 8-byte writes with data");

	/* MMIO write of 7 bytes at ...e: 2, 4, 1 */
	mt_log.n = 0;
	rc = x86_gpa_write(&m, 0x2000000e, w, 7);
	log_diag();
	mt_check(rc == 0 && mt_log.n == 3 && log_is(0, 0x2000000e, 2, true) &&
	    log_is(1, 0x20000010, 4, true) && log_is(2, 0x20000014, 1, true) &&
	    mt_log.a[2].data[0] == w[6],
	    "gpa: 7-byte MMIO write in pieces 2,4,1");

	/* RAM -> MMIO: the last 4 bytes of buf_b's view, then 8 of MMIO */
	mt_log.n = 0;
	rc = x86_gpa_read(&m, 0x101ffc, b, 12);
	log_diag();
	mt_check(rc == 0 && memcmp(b, buf_b + 0xffc, 4) == 0 &&
	    mt_log.n == 1 && log_is(0, 0x102000, 8, false) &&
	    is_mmio_data(b + 4, 0x102000, 8),
	    "gpa: read from RAM into MMIO");

	/* MMIO -> RAM write */
	mt_log.n = 0;
	fill(w, 16, 0x70);
	rc = x86_gpa_write(&m, 0xffffa, w, 16);
	log_diag();
	mt_check(rc == 0 && mt_log.n == 2 && log_is(0, 0xffffa, 2, true) &&
	    log_is(1, 0xffffc, 4, true) && memcmp(buf_a, w + 6, 10) == 0,
	    "gpa: write from MMIO into RAM");

	/*
	 * 1, 2, 4 and 8 bytes at every offset 0-7 of an 8-byte line, read
	 * and written: one callback when aligned, else the pieces a
	 * reference splitter gives (largest power of two that fits and
	 * divides the address), with the data.
	 */
	{
		bool ok = true;
		char why[96] = "";

		for (unsigned wr = 0; wr < 2; wr++)
			for (unsigned sz = 1; sz <= 8; sz *= 2)
				for (unsigned off = 0; off < 8; off++) {
					uint64_t g = 0x20000400 + off, a = g;
					unsigned left = sz, k = 0;

					mt_log.n = 0;
					fill(w, 8, 0x31);
					rc = wr ? x86_gpa_write(&m, g, w, sz) : x86_gpa_read(&m, g, b, sz);
					while (left > 0) {
						unsigned p = 8;

						while (p > left || (a & (p - 1)) != 0)
							p /= 2;
						if (!log_is(k, a, p, wr != 0) ||
						    (wr && memcmp(mt_log.a[k].data, w + (a - g), p) != 0))
							ok = false;
						a += p;
						left -= p;
						k++;
					}
					if (rc != 0 || mt_log.n != k || (!wr && !is_mmio_data(b, g, sz)))
						ok = false;
					if (!ok && why[0] == '\0')
						snprintf(why, sizeof(why), "%s of %u at +%u: %u calls",
						    wr ? "write" : "read", sz, off, mt_log.n);
				}
		if (!ok)
			mt_diag("%s", why);
		mt_check(ok, "gpa: 1/2/4/8-byte MMIO access at offsets 0-7: aligned pieces");
	}

	/* zero length: nothing at all */
	mt_log.n = 0;
	mt_check(x86_gpa_read(&m, 0x20000000, b, 0) == 0 && mt_log.n == 0,
	    "gpa: zero-length access does nothing");

	/* gpa + len wraps */
	mt_check(x86_gpa_read(&m, 0xfffffffffffffff0ULL, b, 32) == -1,
	    "gpa: access wrapping past 2^64 rejected");
	/* ... but the last 16 bytes below 2^64 are an access like any other */
	mt_log.n = 0;
	memset(b, 0, sizeof(b));
	rc = x86_gpa_read(&m, 0xfffffffffffffff0ULL, b, 16);
	{
		unsigned sum = 0;

		for (unsigned i = 0; i < mt_log.n && i < MT_LOG_MAX; i++)
			sum += mt_log.a[i].size;
		mt_diag("rc %d callbacks %u bytes %u", rc, mt_log.n, sum);
		mt_check(rc == 0 && sum == 16 && b[0] == mt_mmio_byte(0xfffffffffffffff0ULL) &&
		    b[15] == mt_mmio_byte(0xffffffffffffffffULL),
		    "gpa: the last 16 bytes below 2^64 are read");
	}

	/* no callback registered */
	m.mem_cb = NULL;
	memset(b, 0, sizeof(b));
	rc = x86_gpa_read(&m, 0x30000000, b, 4);
	mt_check(rc == -1 && b[0] == 0xff && b[3] == 0xff,
	    "gpa: MMIO without callback: -1, reads all-ones");
}

/* ------------------------------------------------------------------------ */
/* Guest-virtual access and instruction fetch */

static void
gva_setup(struct x86_machine *m, struct x86_state *st)
{
	mt_machine_init(m);
	memset(mt_ram, 0, 0x60000);
	mt_state_long(st);
	mt_w64(0x1000, 0x2000 | P | RW | US);
	mt_w64(0x2000, 0x3000 | P | RW | US);
	mt_w64(0x3000, 0x4000 | P | RW | US);
	mt_w64(0x4000 + 0x10 * 8, 0x20000 | P | RW | US);
	mt_w64(0x4000 + 0x11 * 8, 0x35000 | P | RW | US);
	mt_w64(0x4000 + 0x12 * 8, 0x10000000 | P | RW | US);
	mt_w64(0x4000 + 0x13 * 8, 0x10005000 | P | RW | US);
	mt_w64(0x4000 + 0x16 * 8, 0x50000 | P | RW | US);
	mt_w64(0x4000 + 0x17 * 8, 0x51000 | P | US);
	mt_w64(0x4000 + 0x18 * 8, 0x52000 | P | RW | US | XD);
	mt_w64(0x4000 + 0x19 * 8, 0x53000 | P | RW | US);
}

static void
suite_gva_access(void)
{
	struct x86_machine m;
	struct x86_state st;
	struct x86_exception exc;
	uint8_t b[0x2000], w[64];
	int rc;

	gva_setup(&m, &st);
	fill(&mt_ram[0x20000], 0x1000, 0x11);
	fill(&mt_ram[0x35000], 0x1000, 0x99);

	rc = x86_gva_read(&m, &st, 0x10ff8, b, 16, 0, &exc);
	mt_check(rc == 0 && memcmp(b, &mt_ram[0x20ff8], 8) == 0 &&
	    memcmp(b + 8, &mt_ram[0x35000], 8) == 0,
	    "gva: 16-byte RAM read across pages (non-contiguous GPAs)");

	fill(w, 16, 0xa0);
	rc = x86_gva_write(&m, &st, 0x10ffa, w, 16, 0, &exc);
	mt_check(rc == 0 && memcmp(&mt_ram[0x20ffa], w, 6) == 0 &&
	    memcmp(&mt_ram[0x35000], w + 6, 10) == 0,
	    "gva: 16-byte RAM write across pages");

	/* MMIO read of 24 bytes at la 0x12ff4: 4+8 on one page, 8+4 next */
	mt_log.n = 0;
	rc = x86_gva_read(&m, &st, 0x12ff4, b, 24, 0, &exc);
	log_diag();
	mt_check(rc == 0 && mt_log.n == 4 &&
	    log_is(0, 0x10000ff4, 4, false) && log_is(1, 0x10000ff8, 8, false) &&
	    log_is(2, 0x10005000, 8, false) && log_is(3, 0x10005008, 4, false) &&
	    is_mmio_data(b, 0x10000ff4, 12) && is_mmio_data(b + 12, 0x10005000, 12),
	    "gva: 24-byte MMIO read across pages, exact callbacks");

	/* MMIO write of 12 bytes at la 0x12ffa: 2+4 then 4+2 */
	mt_log.n = 0;
	fill(w, 12, 0x51);
	rc = x86_gva_write(&m, &st, 0x12ffa, w, 12, 0, &exc);
	log_diag();
	mt_check(rc == 0 && mt_log.n == 4 && log_is(0, 0x10000ffa, 2, true) &&
	    log_is(1, 0x10000ffc, 4, true) && log_is(2, 0x10005000, 4, true) &&
	    log_is(3, 0x10005004, 2, true) &&
	    memcmp(mt_log.a[0].data, w, 2) == 0 &&
	    memcmp(mt_log.a[1].data, w + 2, 4) == 0 &&
	    memcmp(mt_log.a[2].data, w + 6, 4) == 0 &&
	    memcmp(mt_log.a[3].data, w + 10, 2) == 0,
	    "gva: 12-byte MMIO write across pages, exact callbacks and data");

	/* RAM page then MMIO page */
	mt_log.n = 0;
	rc = x86_gva_read(&m, &st, 0x11ffc, b, 8, 0, &exc);
	mt_check(rc == 0 && memcmp(b, &mt_ram[0x35ffc], 4) == 0 &&
	    mt_log.n == 1 && log_is(0, 0x10000000, 4, false) &&
	    is_mmio_data(b + 4, 0x10000000, 4), "gva: read RAM page into MMIO page");

	/* second page not present: #PF at its first byte, no callback */
	mt_log.n = 0;
	memset(&exc, 0, sizeof(exc));
	rc = x86_gva_read(&m, &st, 0x13ffc, b, 8, 0, &exc);
	mt_diag("rc %d vec %u err %#x cr2 %#llx log %u", rc, exc.vector,
	    exc.error, (unsigned long long)exc.cr2, mt_log.n);
	mt_check(rc == X86_MMU_FAULT && exc.vector == X86_EXC_PF &&
	    exc.error == 0 && exc.cr2 == 0x14000 && mt_log.n == 0,
	    "gva: #PF on the second page before any MMIO access");

	/* write into a read-only second page: #PF, first page untouched */
	memset(&mt_ram[0x50ff8], 0x77, 8);
	rc = x86_gva_write(&m, &st, 0x16ff8, w, 16, 0, &exc);
	mt_check(rc == X86_MMU_FAULT && exc.error == 0x3 &&
	    exc.cr2 == 0x17000 && mt_ram[0x50ff8] == 0x77 &&
	    mt_ram[0x50fff] == 0x77,
	    "gva: write faulting on page 2 leaves page 1 unchanged");

	/* user access honours CPL */
	mt_w64(0x4000 + 0x19 * 8, 0x53000 | P | RW);
	st.cpl = 3;
	rc = x86_gva_read(&m, &st, 0x19000, b, 4, 0, &exc);
	mt_check(rc == X86_MMU_FAULT && exc.error == 0x5 && exc.cr2 == 0x19000,
	    "gva: user read of a supervisor page");
	rc = x86_gva_read(&m, &st, 0x19000, b, 4, X86_ACC_IMPLICIT, &exc);
	mt_check(rc == 0, "gva: implicit read at CPL 3 of a supervisor page");
	st.cpl = 0;
	mt_w64(0x4000 + 0x19 * 8, 0x53000 | P | RW | US);

	/* 3 pages: RAM, RAM, half of an MMIO page (0x100 8-byte callbacks) */
	mt_log.n = 0;
	rc = x86_gva_read(&m, &st, 0x10800, b, 0x2000, 0, &exc);
	mt_check(rc == 0 && memcmp(b, &mt_ram[0x20800], 0x800) == 0 &&
	    memcmp(b + 0x800, &mt_ram[0x35000], 0x1000) == 0 &&
	    mt_log.n == 0x100 && log_is(0, 0x10000000, 8, false) &&
	    is_mmio_data(b + 0x1800, 0x10000000, 0x800),
	    "gva: 8 KiB read over RAM, RAM and MMIO pages");

	/* page table in MMIO is reported as X86_MMU_PTE_NOT_RAM */
	mt_w64(0x3000, 0x30000000 | P | RW | US);
	rc = x86_gva_read(&m, &st, 0x10000, b, 4, 0, &exc);
	mt_check(rc == X86_MMU_PTE_NOT_RAM, "gva: page table in MMIO gives X86_MMU_PTE_NOT_RAM");

	/* no paging: la is the gpa */
	memset(&st, 0, sizeof(st));
	rc = x86_gva_read(&m, &st, 0x20ff0, b, 32, 0, &exc);
	mt_check(rc == 0 && memcmp(b, &mt_ram[0x20ff0], 32) == 0,
	    "gva: real mode, no paging");
}

static void
suite_fetch(void)
{
	struct x86_machine m;
	struct x86_state st;
	struct x86_exception exc;
	uint8_t b[X86_INSN_MAX_LEN];
	size_t n;
	int rc;

	gva_setup(&m, &st);
	fill(&mt_ram[0x20000], 0x1000, 0x21);
	fill(&mt_ram[0x35000], 0x1000, 0x61);
	fill(&mt_ram[0x53000], 0x1000, 0x05);
	fill(&mt_ram[0x51000], 0x1000, 0x0f);

	st.rip = 0x10100;
	rc = x86_fetch_insn(&m, &st, b, &n, &exc);
	mt_check(rc == 0 && n == 15 && memcmp(b, &mt_ram[0x20100], 15) == 0,
	    "fetch: 15 bytes within a page");

	st.rip = 0x10ff9;
	rc = x86_fetch_insn(&m, &st, b, &n, &exc);
	mt_check(rc == 0 && n == 15 && memcmp(b, &mt_ram[0x20ff9], 7) == 0 &&
	    memcmp(b + 7, &mt_ram[0x35000], 8) == 0,
	    "fetch: across a page boundary, bytes from both pages");

	st.rip = 0x19ffa;
	memset(&exc, 0, sizeof(exc));
	rc = x86_fetch_insn(&m, &st, b, &n, &exc);
	mt_diag("rc %d n %zu vec %u err %#x cr2 %#llx", rc, n, exc.vector,
	    exc.error, (unsigned long long)exc.cr2);
	mt_check(rc == 0 && n == 6 && memcmp(b, &mt_ram[0x53ffa], 6) == 0 &&
	    exc.vector == X86_EXC_PF && exc.error == 0x10 &&
	    exc.cr2 == 0x1a000,
	    "fetch: second page absent, 6 bytes and its #PF");

	st.rip = 0x14000;
	rc = x86_fetch_insn(&m, &st, b, &n, &exc);
	mt_check(rc == X86_MMU_FAULT && n == 0 && exc.vector == X86_EXC_PF &&
	    exc.error == 0x10 && exc.cr2 == 0x14000,
	    "fetch: first page absent fails with #PF");

	st.rip = 0x17ffc;
	rc = x86_fetch_insn(&m, &st, b, &n, &exc);
	mt_check(rc == 0 && n == 4 && exc.error == 0x11 && exc.cr2 == 0x18000,
	    "fetch: second page execute-disable, #PF with I");

	st.rip = 0x18000;
	rc = x86_fetch_insn(&m, &st, b, &n, &exc);
	mt_check(rc == X86_MMU_FAULT && exc.error == 0x11,
	    "fetch: execute-disable page");

	st.rip = 0x17000;
	st.cpl = 3;
	mt_w64(0x4000 + 0x17 * 8, 0x51000 | P);
	rc = x86_fetch_insn(&m, &st, b, &n, &exc);
	mt_check(rc == X86_MMU_FAULT && exc.error == 0x15,
	    "fetch: user fetch from a supervisor page");
	st.cpl = 0;

	mt_log.n = 0;
	st.rip = 0x12ff0;
	rc = x86_fetch_insn(&m, &st, b, &n, &exc);
	log_diag();
	mt_check(rc == 0 && n == 15 && mt_log.n == 4 &&
	    log_is(0, 0x10000ff0, 8, false) && log_is(3, 0x10000ffe, 1, false) &&
	    is_mmio_data(b, 0x10000ff0, 15), "fetch: from an MMIO page");

	/* 64-bit: the last 8 bytes below the canonical hole, la
	 * 0x7ffffffff000 via PML4[255] -> 0x6000[511] -> 0x7000[511] ->
	 * 0x8000[511] -> gpa 0x54000 */
	mt_w64(0x1000 + 255 * 8, 0x6000 | P | RW | US);
	mt_w64(0x6000 + 511 * 8, 0x7000 | P | RW | US);
	mt_w64(0x7000 + 511 * 8, 0x8000 | P | RW | US);
	mt_w64(0x8000 + 511 * 8, 0x54000 | P | RW | US);
	fill(&mt_ram[0x54000], 0x1000, 0x44);
	st.rip = 0x00007ffffffffff8ULL;
	memset(&exc, 0, sizeof(exc));
	rc = x86_fetch_insn(&m, &st, b, &n, &exc);
	mt_diag("rc %d n %zu vec %u", rc, n, exc.vector);
	mt_check(rc == 0 && n == 8 && memcmp(b, &mt_ram[0x54ff8], 8) == 0 &&
	    exc.vector == X86_EXC_GP && exc.error == 0,
	    "fetch: stops at the end of the canonical range with #GP(0)");

	/* compatibility mode: 32-bit CS with a limit, paging on */
	st.seg[X86_SEG_CS].attr = 0x09b | X86_SEGATTR_DB;
	st.seg[X86_SEG_CS].limit = 0x10ffb;
	st.rip = 0x10ff9;
	rc = x86_fetch_insn(&m, &st, b, &n, &exc);
	mt_check(rc == 0 && n == 3 && memcmp(b, &mt_ram[0x20ff9], 3) == 0 &&
	    exc.vector == X86_EXC_GP,
	    "fetch: compatibility mode honours the CS limit");
	st.seg[X86_SEG_CS].limit = 0xffffffff;
	st.rip = 0x10ff9;
	rc = x86_fetch_insn(&m, &st, b, &n, &exc);
	mt_check(rc == 0 && n == 15 && memcmp(b + 7, &mt_ram[0x35000], 8) == 0,
	    "fetch: compatibility mode across a page boundary");

	/* 32-bit protected mode without paging, CS limit */
	memset(&st, 0, sizeof(st));
	st.cr0 = X86_CR0_PE;
	st.seg[X86_SEG_CS].attr = 0x09b | X86_SEGATTR_DB;
	st.seg[X86_SEG_CS].base = 0x20000;
	st.seg[X86_SEG_CS].limit = 0x104;
	st.rip = 0x100;
	memset(&exc, 0, sizeof(exc));
	rc = x86_fetch_insn(&m, &st, b, &n, &exc);
	mt_check(rc == 0 && n == 5 && memcmp(b, &mt_ram[0x20100], 5) == 0 &&
	    exc.vector == X86_EXC_GP && exc.error == 0,
	    "fetch: stops at the CS limit with #GP(0)");

	st.rip = 0x105;
	rc = x86_fetch_insn(&m, &st, b, &n, &exc);
	mt_check(rc == X86_MMU_FAULT && n == 0 && exc.vector == X86_EXC_GP,
	    "fetch: RIP past the CS limit");

	/* real mode: CS base + IP, IP truncated to 16 bits, 64 KiB limit */
	memset(&st, 0, sizeof(st));
	st.seg[X86_SEG_CS].base = 0x20000;
	st.seg[X86_SEG_CS].limit = 0xffff;
	st.seg[X86_SEG_CS].attr = 0x09b;
	st.rip = 0x10100;
	rc = x86_fetch_insn(&m, &st, b, &n, &exc);
	mt_check(rc == 0 && n == 15 && memcmp(b, &mt_ram[0x20100], 15) == 0,
	    "fetch: real mode CS:IP");
	st.rip = 0xfffa;
	memset(&exc, 0, sizeof(exc));
	rc = x86_fetch_insn(&m, &st, b, &n, &exc);
	mt_check(rc == 0 && n == 6 && memcmp(b, &mt_ram[0x2fffa], 6) == 0 &&
	    exc.vector == X86_EXC_GP && exc.has_error && exc.error == 0,
	    "fetch: real mode stops at the 64 KiB CS limit with #GP(0)");
}

/*
 * x86_fetch_insn_page: the same bytes as x86_fetch_insn up to the end of
 * the page of CS:RIP, and the next page neither walked nor faulted.
 */
static void
suite_fetch_page(void)
{
	struct x86_machine m;
	struct x86_state st;
	struct x86_exception exc;
	uint8_t b[X86_INSN_MAX_LEN], full[X86_INSN_MAX_LEN];
	size_t n, nfull;
	int rc;

	gva_setup(&m, &st);
	fill(&mt_ram[0x20000], 0x1000, 0x21);
	fill(&mt_ram[0x35000], 0x1000, 0x61);
	fill(&mt_ram[0x53000], 0x1000, 0x05);

	st.rip = 0x10100;
	rc = x86_fetch_insn_page(&m, &st, NULL, b, &n, &exc);
	mt_check(rc == 0 && n == 15 && memcmp(b, &mt_ram[0x20100], 15) == 0,
	    "fetch page: 15 bytes within a page");

	/* PT entry 0x11 (page 0x11000 -> 0x35000) has no A bit yet */
	st.rip = 0x10ff9;
	rc = x86_fetch_insn_page(&m, &st, NULL, b, &n, &exc);
	mt_check(rc == 0 && n == 7 && memcmp(b, &mt_ram[0x20ff9], 7) == 0 &&
	    (mt_r64(0x4000 + 0x10 * 8) & PTE_A) &&
	    !(mt_r64(0x4000 + 0x11 * 8) & PTE_A),
	    "fetch page: stops at the page end, next page not walked");
	rc = x86_fetch_insn(&m, &st, full, &nfull, &exc);
	mt_check(rc == 0 && nfull == 15 && memcmp(full, b, 7) == 0 &&
	    memcmp(full + 7, &mt_ram[0x35000], 8) == 0 &&
	    (mt_r64(0x4000 + 0x11 * 8) & PTE_A),
	    "fetch page: x86_fetch_insn then gets the rest (and sets A)");

	/* next page absent: no fault, unlike x86_fetch_insn */
	st.rip = 0x19ffa;
	memset(&exc, 0, sizeof(exc));
	rc = x86_fetch_insn_page(&m, &st, NULL, b, &n, &exc);
	mt_check(rc == 0 && n == 6 && memcmp(b, &mt_ram[0x53ffa], 6) == 0,
	    "fetch page: an absent next page does not matter");

	st.rip = 0x14000;
	rc = x86_fetch_insn_page(&m, &st, NULL, b, &n, &exc);
	mt_check(rc == X86_MMU_FAULT && n == 0 && exc.vector == X86_EXC_PF &&
	    exc.error == 0x10 && exc.cr2 == 0x14000,
	    "fetch page: page absent fails with #PF");

	/* CS limit below the page end still stops first */
	st.seg[X86_SEG_CS].attr = 0x09b | X86_SEGATTR_DB;
	st.seg[X86_SEG_CS].limit = 0x10ffb;
	st.rip = 0x10ff9;
	rc = x86_fetch_insn_page(&m, &st, NULL, b, &n, &exc);
	mt_check(rc == 0 && n == 3 && memcmp(b, &mt_ram[0x20ff9], 3) == 0,
	    "fetch page: the CS limit still applies");
}

void
mt_suite_guestmem(void)
{
	suite_memmap();
	suite_gpa_access();
}

void
mt_suite_gva(void)
{
	suite_gva_access();
	suite_fetch();
	suite_fetch_page();
}
