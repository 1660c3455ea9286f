/*
 * mode_msr.c - the MSR checks of the mode_* guests (mode_checks.c has
 * the list): the TSC, unknown MSRs, NB_CFG, MSRs kept in the VMCB, EFER
 * and its features against CPUID, canonical addresses by paging mode.
 * MSR list: APM Vol.2 Appendix A; EFER: APM Vol.2 3.1.7.
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_trap.h"
#include "mode_checks.h"
#include "tap.h"

#define MC_EFER_RSVD_BIT    BIT(63)

/* RDMSR TSC is emulated (exit_msr.c); RDTSC itself is not intercepted. */
void mc_check_tsc(void)
{
	uint64_t m1 = 0, m2 = 0;
	struct gl_fault f = { 0, 0, 0, 0 };
	bool bad1, bad2;

	bad1 = gl_rdmsr_try(X86_MSR_TSC, &m1, &f);
	bad2 = gl_rdmsr_try(X86_MSR_TSC, &m2, &f);
	tap_ok(!bad1 && !bad2 && m2 > m1 && m1 != 0,
	    "rdmsr TSC readable and increasing (0x%llx -> 0x%llx)",
	    (unsigned long long)m1, (unsigned long long)m2);
}

/*
 * WRMSR TSC moves the guest's TSC (the hypervisor sets TSC_OFFSET, APM
 * Vol.2 15.30.5): RDMSR and RDTSC (not intercepted, so this is the CPU
 * applying the offset) both continue from the value written, within
 * MC_TSC_SLACK ticks.
 */
#define MC_TSC_SET   0x0000100000000000ull
#define MC_TSC_SLACK 0x0000001000000000ull     /* ~68 s at 1 GHz */

void mc_check_tsc_write(void)
{
	struct gl_fault f = { 0, 0, 0, 0 };
	uint64_t m = 0, t;
	bool bad = gl_wrmsr_try(X86_MSR_TSC, MC_TSC_SET, &f);

	if (!bad)
		bad = gl_rdmsr_try(X86_MSR_TSC, &m, &f);
	t = gl_rdtsc();
	tap_ok(!bad && m >= MC_TSC_SET && m - MC_TSC_SET < MC_TSC_SLACK && t >= m &&
	    t - MC_TSC_SET < MC_TSC_SLACK,
	    "wrmsr TSC 0x%llx: rdmsr and rdtsc go on from there (%s, 0x%llx, 0x%llx)",
	    MC_TSC_SET, bad ? gl_trap_name(f.vector) : "no fault", (unsigned long long)m,
	    (unsigned long long)t);
}

/*
 * MSRs the hypervisor ignores (exit_msr.c): they read 0 and writes are
 * dropped, no #GP. One check for the list; it names the first that
 * misbehaves.
 */
static const uint32_t mc_ignored_msrs[] = {
	0x0000008b,             /* PATCH_LEVEL */
	0x000000fe,             /* MTRRCAP */
	0x00000179,             /* MCG_CAP */
	0x0000017a,             /* MCG_STATUS */
	0x0000017b,             /* MCG_CTL */
	0x000002ff,             /* MTRR_DEF_TYPE */
	0xc0010015,             /* HWCR */
};

void mc_check_ignored_msrs(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(mc_ignored_msrs); i++) {
		uint32_t msr = mc_ignored_msrs[i];
		struct gl_fault f = { 0, 0, 0, 0 };
		uint64_t v1 = 1, v2 = 1;
		bool bad = gl_rdmsr_try(msr, &v1, &f) || gl_wrmsr_try(msr, 0x6, &f) ||
		    gl_rdmsr_try(msr, &v2, &f);

		if (bad || v1 != 0 || v2 != 0) {
			tap_ok(false, "ignored MSRs read 0 and drop writes: MSR 0x%x (%s, "
			    "0x%llx, after a write 0x%llx)", msr,
			    bad ? gl_trap_name(f.vector) : "no fault", (unsigned long long)v1,
			    (unsigned long long)v2);
			return;
		}
	}
	tap_ok(true, "ignored MSRs (PATCH_LEVEL, MTRRCAP, MCG_CAP/STATUS/CTL, "
	    "MTRR_DEF_TYPE, HWCR) read 0 and drop writes");
}

/* Expect a #GP from the MSR access just tried. */
static void mc_expect_gp(bool faulted, const struct gl_fault *f,
    const char *what, uint32_t msr)
{
	tap_ok(faulted && f->vector == X86_VEC_GP,
	    "%s MSR 0x%x raises #GP (%s, vector %u)", what, msr,
	    faulted ? "faulted" : "no fault", faulted ? f->vector : 0);
}

void mc_check_msrs(void)
{
	struct gl_fault f;
	uint64_t v;
	bool bad;

	mc_expect_gp(gl_rdmsr_try(MC_MSR_UNKNOWN_AMD, &v, &f), &f, "rdmsr unknown",
	    MC_MSR_UNKNOWN_AMD);
	mc_expect_gp(gl_wrmsr_try(MC_MSR_UNKNOWN_AMD, 0x1234, &f), &f,
	    "wrmsr unknown", MC_MSR_UNKNOWN_AMD);
	mc_expect_gp(gl_rdmsr_try(MC_MSR_UNKNOWN_FAR, &v, &f), &f,
	    "rdmsr out-of-range", MC_MSR_UNKNOWN_FAR);
	mc_expect_gp(gl_wrmsr_try(MC_MSR_UNKNOWN_FAR, 0, &f), &f,
	    "wrmsr out-of-range", MC_MSR_UNKNOWN_FAR);

	bad = gl_rdmsr_try(X86_MSR_NB_CFG, &v, &f);
	tap_ok(!bad && (v & X86_NB_CFG_INITAPICIDCPUIDLO),
	    "rdmsr NB_CFG has InitApicIdCpuIdLo (bit 54) set (%s, 0x%llx)",
	    bad ? gl_trap_name(f.vector) : "read", (unsigned long long)v);
}

/* A write to an MSR the hypervisor keeps in the VMCB reads back. */
void mc_check_msr_rw(uint32_t msr, const char *name, uint64_t val)
{
	struct gl_fault f;
	uint64_t old = 0, got = 0;
	bool bad;

	bad = gl_rdmsr_try(msr, &old, &f) || gl_wrmsr_try(msr, val, &f) ||
	    gl_rdmsr_try(msr, &got, &f);
	if (bad) {
		tap_ok(false, "%s (0x%x) write reads back (%s)", name, msr,
		    gl_trap_name(f.vector));
		return;
	}
	tap_eq(got, val, "%s (0x%x) write reads back", name, msr);
	gl_wrmsr_try(msr, old, &f);
}

void mc_check_efer(void)
{
	struct gl_fault f;
	uint64_t efer = gl_rdmsr(X86_MSR_EFER);
	bool bad;

	tap_eq(efer & X86_EFER_SVME, 0, "EFER.SVME not visible (efer=0x%llx)",
	    (unsigned long long)efer);
	bad = gl_wrmsr_try(X86_MSR_EFER, efer | MC_EFER_RSVD_BIT, &f);
	tap_ok(bad && f.vector == X86_VEC_GP,
	    "wrmsr EFER with reserved bit 63 raises #GP");
	if (!bad)
		gl_wrmsr(X86_MSR_EFER, efer);
	tap_eq(gl_rdmsr(X86_MSR_EFER), efer, "EFER unchanged after the refused write");
}

/*
 * EFER features and the CPUID bits that announce them (APM Vol.2 3.1.7,
 * APM Vol.3 Appendix E), written out here independently of the
 * hypervisor's table. LME is left to the long-mode checks (it cannot
 * change with paging on).
 */
enum { MC_EAX, MC_EBX, MC_ECX, MC_EDX };

static const struct {
	const char *name;
	uint64_t efer;
	uint32_t leaf;
	uint8_t reg;
	uint32_t bit;
	bool absent_if_set;     /* EferLmsleUnsupported: set means "absent" */
} mc_efer_features[] = {
	{ "SCE",     BIT(0),  0x80000001u, MC_EDX, BIT(11), false },
	{ "NXE",     BIT(11), 0x80000001u, MC_EDX, BIT(20), false },
	{ "SVME",    BIT(12), 0x80000001u, MC_ECX, BIT(2),  false },
	{ "LMSLE",   BIT(13), 0x80000008u, MC_EBX, BIT(20), true },
	{ "FFXSR",   BIT(14), 0x80000001u, MC_EDX, BIT(25), false },
	{ "TCE",     BIT(15), 0x80000001u, MC_ECX, BIT(17), false },
	{ "MCOMMIT", BIT(17), 0x80000008u, MC_EBX, BIT(8),  false },
	{ "INTWB",   BIT(18), 0x80000008u, MC_EBX, BIT(13), false },
	{ "UAIE",    BIT(20), 0x80000021u, MC_EAX, BIT(7),  false },
	{ "AIBRSE",  BIT(21), 0x80000021u, MC_EAX, BIT(8),  false },
};

/* Does the guest's CPUID announce feature i? */
static bool mc_cpuid_has(unsigned i, uint32_t max_ext)
{
	struct gl_cpuid c;
	uint32_t r[4];

	if (mc_efer_features[i].leaf > max_ext)
		return false;
	c = gl_cpuid(mc_efer_features[i].leaf, 0);
	r[MC_EAX] = c.eax;
	r[MC_EBX] = c.ebx;
	r[MC_ECX] = c.ecx;
	r[MC_EDX] = c.edx;
	return ((r[mc_efer_features[i].reg] & mc_efer_features[i].bit) != 0) !=
	    mc_efer_features[i].absent_if_set;
}

/*
 * For every EFER feature: if CPUID announces it, a WRMSR setting its bit
 * succeeds and reads back; if not, the WRMSR raises #GP and EFER stays.
 */
void mc_check_efer_features(void)
{
	uint32_t max_ext = gl_cpuid(0x80000000u, 0).eax;
	uint64_t efer = gl_rdmsr(X86_MSR_EFER);

	for (unsigned i = 0; i < ARRAY_SIZE(mc_efer_features); i++) {
		uint64_t bit = mc_efer_features[i].efer, v = 0;
		struct gl_fault f = { 0, 0, 0, 0 };
		bool has = mc_cpuid_has(i, max_ext);
		bool bad = gl_wrmsr_try(X86_MSR_EFER, efer | bit, &f);

		if (!bad)
			bad = gl_rdmsr_try(X86_MSR_EFER, &v, &f);
		if (has)
			tap_ok(!bad && (v & bit), "EFER.%s: announced in CPUID, a write "
			    "setting it reads back (%s, efer 0x%llx)", mc_efer_features[i].name,
			    bad ? gl_trap_name(f.vector) : "no fault", (unsigned long long)v);
		else
			tap_ok(bad && f.vector == X86_VEC_GP && gl_rdmsr(X86_MSR_EFER) == efer,
			    "EFER.%s: hidden in CPUID, a write setting it raises #GP (%s)",
			    mc_efer_features[i].name, bad ? gl_trap_name(f.vector) : "no fault");
		gl_wrmsr(X86_MSR_EFER, efer);
	}
}

/*
 * MSRs holding linear addresses must be canonical for the guest's paging
 * mode: 48 bits, or 57 with CR4.LA57 (SDM Vol.2 WRMSR, Vol.3 4.5;
 * APM Vol.2 5.3.1). MC_LA57_ADDR is canonical only with 57 bits.
 */
#define MC_LA57_ADDR 0xff00000012345000ull

static const struct {
	const char *name;
	uint32_t msr;
} mc_addr_msrs[] = {
	{ "SYSENTER_ESP", X86_MSR_SYSENTER_ESP }, { "SYSENTER_EIP", X86_MSR_SYSENTER_EIP },
	{ "LSTAR", X86_MSR_LSTAR }, { "CSTAR", X86_MSR_CSTAR },
	{ "FS_BASE", X86_MSR_FS_BASE }, { "GS_BASE", X86_MSR_GS_BASE },
	{ "KERNEL_GS_BASE", X86_MSR_KERNEL_GS_BASE },
};

void mc_check_canonical(void)
{
	bool la57 = (gl_read_cr4() & X86_CR4_LA57) != 0;

	for (unsigned i = 0; i < ARRAY_SIZE(mc_addr_msrs); i++) {
		uint32_t msr = mc_addr_msrs[i].msr;
		struct gl_fault f = { 0, 0, 0, 0 };
		uint64_t old = gl_rdmsr(msr), got = 0;
		bool bad = gl_wrmsr_try(msr, MC_LA57_ADDR, &f);

		if (!bad)
			bad = gl_rdmsr_try(msr, &got, &f);
		gl_wrmsr(msr, old);
		if (la57)
			tap_ok(!bad && got == MC_LA57_ADDR, "%s: 57-bit canonical 0x%llx "
			    "reads back with 5-level paging (%s, 0x%llx)", mc_addr_msrs[i].name,
			    MC_LA57_ADDR, bad ? gl_trap_name(f.vector) : "no fault",
			    (unsigned long long)got);
		else
			tap_ok(bad && f.vector == X86_VEC_GP, "%s: 0x%llx is not canonical "
			    "with 4-level paging: #GP (%s)", mc_addr_msrs[i].name, MC_LA57_ADDR,
			    bad ? gl_trap_name(f.vector) : "no fault");
	}
}
