/*
 * test_vmcb_clean.c - host tests for the VMCB clean-bit computation in
 * hv/vmcb_clean.c (vmcb_clean_bits, vmcb_clean_snapshot, vmcb_clean_invalidate).
 *
 * The expected groups come from APM Vol.2 15.15.3 ("VMCB Clean Field")
 * and the offsets from Appendix B, written out here as numbers rather
 * than taken from hv/vmcb.h, so that a field listed under the wrong bit
 * or a layout slip in the header both show up. The main check flips
 * every byte of a 4 KiB VMCB, one at a time, after a snapshot: a byte of
 * a covered field must clear exactly that field's bit, any other byte
 * (exit fields, TLB_CONTROL, RIP, RAX, reserved bytes...) must clear none.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../hv/vmcb.h"
#include "utap.h"

/* Bits of the clean field (APM Vol.2 Figure 15-4); 31:13 are reserved. */
enum {
	B_I = 0, B_IOPM, B_ASID, B_TPR, B_NP, B_CRX, B_DRX, B_DT, B_SEG, B_CR2,
	B_LBR, B_AVIC, B_CET,
};
#define ALL_DEFINED 0x1fffu
#define S(off) (0x400 + (off))          /* state-save offsets are relative to 0x400 */

struct covered {
	const char *name;
	unsigned off, size;             /* byte range in the 4 KiB VMCB */
	int bit;
};

static const struct covered covered[] = {
	{ "intercept CR",        0x000, 4, B_I },
	{ "intercept DR",        0x004, 4, B_I },
	{ "intercept exceptions", 0x008, 4, B_I },
	{ "intercept misc1",     0x00c, 4, B_I },
	{ "intercept misc2",     0x010, 4, B_I },
	{ "intercept misc3",     0x014, 4, B_I },
	{ "pause filter thresh", 0x03c, 2, B_I },
	{ "pause filter count",  0x03e, 2, B_I },
	{ "TSC offset",          0x050, 8, B_I },
	{ "IOPM base",           0x040, 8, B_IOPM },
	{ "MSRPM base",          0x048, 8, B_IOPM },
	{ "ASID",                0x058, 4, B_ASID },
	{ "V_TPR..V_INTR_VECTOR", 0x060, 8, B_TPR },
	{ "NP enable",           0x090, 8, B_NP },
	{ "nCR3",                0x0b0, 8, B_NP },
	{ "G_PAT",               S(0x268), 8, B_NP },
	{ "CR0",                 S(0x158), 8, B_CRX },
	{ "CR3",                 S(0x150), 8, B_CRX },
	{ "CR4",                 S(0x148), 8, B_CRX },
	{ "EFER",                S(0x0d0), 8, B_CRX },
	{ "DR6",                 S(0x168), 8, B_DRX },
	{ "DR7",                 S(0x160), 8, B_DRX },
	{ "GDTR limit",          S(0x064), 4, B_DT },
	{ "GDTR base",           S(0x068), 8, B_DT },
	{ "IDTR limit",          S(0x084), 4, B_DT },
	{ "IDTR base",           S(0x088), 8, B_DT },
	{ "ES sel/attr/limit/base", S(0x000), 16, B_SEG },
	{ "CS sel/attr/limit/base", S(0x010), 16, B_SEG },
	{ "SS sel/attr/limit/base", S(0x020), 16, B_SEG },
	{ "DS sel/attr/limit/base", S(0x030), 16, B_SEG },
	{ "CPL",                 S(0x0cb), 1, B_SEG },
	{ "CR2",                 S(0x240), 8, B_CR2 },
	{ "DBGCTL",              S(0x270), 8, B_LBR },
	{ "BR_FROM",             S(0x278), 8, B_LBR },
	{ "BR_TO",               S(0x280), 8, B_LBR },
	{ "LASTEXCP_FROM",       S(0x288), 8, B_LBR },
	{ "LASTEXCP_TO",         S(0x290), 8, B_LBR },
	{ "AVIC APIC_BAR",       0x098, 8, B_AVIC },
	{ "AVIC backing page",   0x0e0, 8, B_AVIC },
	{ "AVIC logical table",  0x0f0, 8, B_AVIC },
	{ "AVIC physical table", 0x0f8, 8, B_AVIC },
	{ "S_CET",               S(0x1e0), 8, B_CET },
	{ "SSP",                 S(0x1e8), 8, B_CET },
	{ "ISST_ADDR",           S(0x1f0), 8, B_CET },
	{ NULL, 0, 0, 0 },
};

static struct vmcb base, work, other;

/* Fill a VMCB with a fixed pseudo-random pattern (no zero bytes needed). */
static void fill(struct vmcb *v, uint32_t seed)
{
	uint8_t *p = (uint8_t *)v;

	for (size_t i = 0; i < sizeof(*v); i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

/* The covered[] row holding byte off, or NULL. */
static const struct covered *covering(unsigned off)
{
	for (const struct covered *c = covered; c->name != NULL; c++)
		if (off >= c->off && off < c->off + c->size)
			return c;
	return NULL;
}

/* Snapshot base into sh (as after a #VMEXIT), then let work = base. */
static void reset(struct vmcb_clean_shadow *sh)
{
	memcpy(&work, &base, sizeof(work));
	vmcb_clean_snapshot(sh, &work);
}

static void test_layout(void)
{
	/* The table above, against the header's field offsets (App. B). */
	ut_ok(offsetof(struct vmcb, ctrl.clean) == 0x0c0, "clean field at 0x0c0", NULL);
	ut_ok(offsetof(struct vmcb, state.g_pat) == S(0x268) &&
	      offsetof(struct vmcb, state.cpl) == S(0x0cb) &&
	      offsetof(struct vmcb, state.lastexcpto) == S(0x290) &&
	      offsetof(struct vmcb, ctrl.avic_physical_table) == 0x0f8,
	      "header offsets match the test's Appendix B numbers", NULL);
	ut_ok(VMCB_CTRL_CLEAN_DEFINED == ALL_DEFINED && VMCB_CTRL_CLEAN_I == 1u << B_I &&
	      VMCB_CTRL_CLEAN_TPR == 1u << B_TPR && VMCB_CTRL_CLEAN_SEG == 1u << B_SEG &&
	      VMCB_CTRL_CLEAN_AVIC == 1u << B_AVIC && VMCB_CTRL_CLEAN_CET == 1u << B_CET,
	      "clean-bit masks match Figure 15-4", "defined=0x%llx",
	      (unsigned long long)VMCB_CTRL_CLEAN_DEFINED);
}

static void test_first_run(void)
{
	struct vmcb_clean_shadow sh;
	uint32_t m;

	memset(&sh, 0xa5, sizeof(sh));
	vmcb_clean_invalidate(&sh);
	memcpy(&work, &base, sizeof(work));
	m = vmcb_clean_bits(&work, &sh);
	ut_ok(m == 0, "first run (empty shadow): clean = 0", "got 0x%x", m);

	/* A zeroed vCPU (svm_vcpu_init memsets it) is an empty shadow too. */
	memset(&sh, 0, sizeof(sh));
	memset(&work, 0, sizeof(work));
	m = vmcb_clean_bits(&work, &sh);
	ut_ok(m == 0, "zeroed shadow and zeroed VMCB: clean = 0", "got 0x%x", m);
}

static void test_unchanged(void)
{
	struct vmcb_clean_shadow sh;
	uint32_t m;

	reset(&sh);
	m = vmcb_clean_bits(&work, &sh);
	ut_ok(m == ALL_DEFINED, "unchanged VMCB: all 13 defined bits clean, no reserved bit",
	      "got 0x%x", m);
	m = vmcb_clean_bits(&work, &sh);
	ut_ok(m == ALL_DEFINED, "computing twice changes nothing", "got 0x%x", m);
}

/*
 * Flip each byte of the VMCB alone. Per covered row: every byte of the
 * field must clear exactly its bit. Over all other bytes: nothing.
 */
static void test_each_byte(void)
{
	static unsigned row_bad[64];
	static uint32_t row_got[64];
	struct vmcb_clean_shadow sh;
	unsigned uncovered_bad = 0, first_bad_off = 0;
	uint32_t first_bad_got = 0;
	size_t nrows = 0;

	while (covered[nrows].name != NULL)
		nrows++;
	reset(&sh);
	for (unsigned off = 0; off < sizeof(struct vmcb); off++) {
		const struct covered *c = covering(off);
		uint8_t *p = (uint8_t *)&work + off;
		uint32_t want = c ? ALL_DEFINED & ~(1u << c->bit) : ALL_DEFINED;
		uint32_t m;

		*p ^= 0x5a;
		m = vmcb_clean_bits(&work, &sh);
		*p ^= 0x5a;
		if (m == want)
			continue;
		if (c != NULL) {
			row_bad[c - covered]++;
			row_got[c - covered] = m;
		} else if (uncovered_bad++ == 0) {
			first_bad_off = off;
			first_bad_got = m;
		}
	}
	for (size_t i = 0; i < nrows; i++) {
		char name[96];

		snprintf(name, sizeof(name), "%s (0x%03x) dirties clean bit %d only",
			 covered[i].name, covered[i].off, covered[i].bit);
		ut_ok(row_bad[i] == 0, name, "%u of %u bytes wrong, last got 0x%x",
		      row_bad[i], covered[i].size, row_got[i]);
	}
	ut_ok(uncovered_bad == 0, "bytes outside the covered fields dirty nothing "
	      "(exit fields, TLB_CONTROL, EVENTINJ, RIP, RSP, RAX, reserved)",
	      "%u bytes wrong, first at 0x%03x got 0x%x", uncovered_bad, first_bad_off,
	      first_bad_got);
}

/* Named single-field writes as the exit handlers do them. */
static void test_handler_writes(void)
{
	struct vmcb_clean_shadow sh;
	uint32_t m;

	reset(&sh);
	work.ctrl.tlb_ctrl = VMCB_CTRL_TLB_CTRL_FLUSH_ASID;
	work.ctrl.eventinj ^= VMCB_CTRL_EVENTINJ_V;
	work.ctrl.intr_shadow ^= VMCB_CTRL_INTR_SHADOW;
	work.state.rip += 2;
	work.state.rflags ^= 0x200;
	work.state.rax++;
	work.state.rsp -= 8;
	work.state.fs.base++;
	work.ctrl.clean = 0;
	m = vmcb_clean_bits(&work, &sh);
	ut_ok(m == ALL_DEFINED, "uncached fields (TLB_CONTROL, EVENTINJ, shadow, RIP, RFLAGS, "
	      "RAX, RSP, FS base, clean itself) keep everything clean", "got 0x%x", m);

	reset(&sh);
	work.ctrl.tsc_offset += 1000;           /* WRMSR TSC */
	work.state.efer ^= 1ULL << 11;         /* WRMSR EFER.NXE */
	work.state.g_pat ^= 1;                  /* WRMSR PAT */
	m = vmcb_clean_bits(&work, &sh);
	ut_ok(m == (ALL_DEFINED & ~(1u << B_I | 1u << B_CRX | 1u << B_NP)),
	      "TSC offset + EFER + G_PAT writes dirty I, CRx and NP together", "got 0x%x", m);

	reset(&sh);
	work.ctrl.asid = work.ctrl.asid + 1;
	m = vmcb_clean_bits(&work, &sh);
	ut_ok(m == (ALL_DEFINED & ~(1u << B_ASID)),
	      "a new ASID dirties only the ASID bit (cache is keyed by VMCB address)",
	      "got 0x%x", m);
}

/* Snapshot semantics: what the CPU wrote back at #VMEXIT is the reference. */
static void test_snapshot_semantics(void)
{
	struct vmcb_clean_shadow sh;
	uint64_t old_cr3;
	uint32_t m;

	/*
	 * Guest did MOV CR3 during the run: #VMEXIT wrote the new CR3, the
	 * snapshot was taken after it, the handler leaves it: CRx clean.
	 */
	reset(&sh);
	old_cr3 = work.state.cr3;
	work.state.cr3 = old_cr3 + 0x1000;      /* written back by #VMEXIT */
	vmcb_clean_snapshot(&sh, &work);
	m = vmcb_clean_bits(&work, &sh);
	ut_ok(m == ALL_DEFINED, "guest-made change written back at #VMEXIT: clean", "got 0x%x", m);

	/* Handler puts the old value back: the CPU's cache holds the new one. */
	work.state.cr3 = old_cr3;
	m = vmcb_clean_bits(&work, &sh);
	ut_ok(m == (ALL_DEFINED & ~(1u << B_CRX)),
	      "handler restoring a value the guest changed: CRx dirty", "got 0x%x", m);

	/* The next snapshot takes the handler's value: clean again. */
	vmcb_clean_snapshot(&sh, &work);
	m = vmcb_clean_bits(&work, &sh);
	ut_ok(m == ALL_DEFINED, "after the next #VMEXIT snapshot: clean again", "got 0x%x", m);

	/* Invalidate: e.g. after VMEXIT_INVALID. */
	vmcb_clean_invalidate(&sh);
	m = vmcb_clean_bits(&work, &sh);
	ut_ok(m == 0, "invalidated shadow: clean = 0", "got 0x%x", m);
}

/* 15.15.2: a VMCB at another address must not use the cached state. */
static void test_other_vmcb(void)
{
	struct vmcb_clean_shadow sh;
	uint32_t m;

	reset(&sh);
	memcpy(&other, &work, sizeof(other));
	m = vmcb_clean_bits(&other, &sh);
	ut_ok(m == 0, "same contents at another VMCB address: clean = 0", "got 0x%x", m);
	vmcb_clean_snapshot(&sh, &other);
	m = vmcb_clean_bits(&work, &sh);
	ut_ok(m == 0, "and back to the first VMCB: clean = 0", "got 0x%x", m);
	m = vmcb_clean_bits(&other, &sh);
	ut_ok(m == ALL_DEFINED, "the VMCB last snapshotted: all clean", "got 0x%x", m);
}

int main(void)
{
	fill(&base, 0x1234567u);
	test_layout();
	test_first_run();
	test_unchanged();
	test_each_byte();
	test_handler_writes();
	test_snapshot_semantics();
	test_other_vmcb();
	return ut_done();
}
