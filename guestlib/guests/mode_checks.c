/*
 * mode_checks.c - guests mode_real, mode_pm32, mode_pae and mode_long: the
 * same checks of the hypervisor's CPU policy, built once per CPU mode
 * (GL_MODE_*), reported as TAP. What they expect (issue 4, SPEC section 2):
 *
 *  - the CPU is in the mode the guest was built for (CR0/CR4/EFER readback)
 *  - CPUID: hypervisor-present bit (Fn0000_0001 ECX[31]), leaf 0x40000000
 *    with signature "BareMetalSVM", SVM hidden (Fn8000_0001 ECX[2] clear)
 *  - RDMSR TSC readable and increasing
 *  - an unknown MSR read and write each raise #GP
 *  - NB_CFG reads with InitApicIdCpuIdLo (bit 54) set
 *  - EFER: SVME never visible; a write setting reserved bit 63 gets #GP;
 *    for each EFER feature (SCE, NXE, SVME, LMSLE, FFXSR, TCE, MCOMMIT,
 *    INTWB, UAIE, AIBRSE): a write setting its bit reads back if CPUID
 *    announces the feature, and raises #GP if CPUID hides it
 *  - the MSRs holding addresses (SYSENTER_ESP/EIP, LSTAR, CSTAR, FS/GS
 *    base, KERNEL_GS_BASE) take a 57-bit canonical address with 5-level
 *    paging (mode_la57) and refuse it with 4-level paging
 *  - a VMCB-backed MSR (SYSENTER_CS / STAR / LSTAR / PAT) reads back what
 *    was written
 *  - VMMCALL ping returns "PONG"; VMMCALL with an unknown function gets #UD
 *  - VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA get #UD
 *  - CPUID whose bytes straddle a page boundary returns to the byte after
 *    it (the next-RIP decode of CPUs without NRIP-save)
 *  - single-step: with RFLAGS.TF set, the #DB trap comes right after an
 *    instruction the hypervisor retires itself (CPUID, OUT, RDMSR, INVD,
 *    VMMCALL) and after one the CPU runs (NOP, #DB reflected by the
 *    hypervisor), with DR6.BS set; none after a RDMSR that faults (#GP)
 *  - RFLAGS.RF: after an IRET with RF=1 into CPUID, an execution
 *    breakpoint (DR0) on the next instruction fires (the hypervisor
 *    clears RF when it retires CPUID)
 *  - INVD is intercepted once per execution (counted by guest_test.py);
 *    MONITOR and MWAIT raise #UD
 *  - long mode: clearing EFER.LME with paging on is a #GP; EFER.NXE reaches
 *    the CPU (a fetch from an XD page is a #PF with I/D set; with NXE
 *    clear the XD bit is reserved); VMMCALL at CPL 3 raises #UD
 *
 * On a machine without the hypervisor the CPUID/VMMCALL/NB_CFG checks fail,
 * which is how the checks were seen to be able to fail.
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_printf.h"
#include "gl_trap.h"
#include "tap.h"

/* An MSR in the third MSRPM range (its last one) that no list knows, and
 * one outside every MSRPM range (those always exit: APM Vol.2 15.11). */
#define MC_MSR_UNKNOWN_AMD  0xc0011fffu
#define MC_MSR_UNKNOWN_FAR  0x12345678u
#define MC_EFER_RSVD_BIT    BIT(63)
#define MC_VMMCALL_BOGUS    0x7fff1234u

/* ------------------------------------------------------------------------ */
/* Mode                                                                     */

static void mc_check_mode(void)
{
	unsigned long cr0 = gl_read_cr0();
	unsigned long cr4 = gl_read_cr4();
	uint64_t efer = gl_rdmsr(X86_MSR_EFER);

	tap_diag("mode %s: cr0=0x%lx cr3=0x%lx cr4=0x%lx efer=0x%llx", GL_MODE_NAME,
	    cr0, gl_read_cr3(), cr4, (unsigned long long)efer);
	/* A precondition of every other check, so one check: EFER comes
	 * through the hypervisor's RDMSR, CR0/CR4 from the CPU. */
#if defined(GL_MODE_REAL)
	tap_ok(!(cr0 & (X86_CR0_PE | X86_CR0_PG)) && !(efer & X86_EFER_LMA),
	    "real mode: CR0.PE=PG=0, EFER.LMA=0");
#elif defined(GL_MODE_PM32)
	tap_ok((cr0 & (X86_CR0_PE | X86_CR0_PG)) == X86_CR0_PE &&
	    !(efer & (X86_EFER_LME | X86_EFER_LMA)), "pm32: CR0.PE=1 PG=0, EFER.LME=LMA=0");
#elif defined(GL_MODE_PAE)
	tap_ok((cr0 & (X86_CR0_PE | X86_CR0_PG)) == (X86_CR0_PE | X86_CR0_PG) &&
	    (cr4 & X86_CR4_PAE) && !(efer & (X86_EFER_LME | X86_EFER_LMA)),
	    "pae: CR0.PE=PG=1, CR4.PAE=1, EFER.LME=LMA=0");
	tap_ok((gl_read_cr3() & 0xfff) != 0,
	    "pae: runs with a CR3 that is not page aligned (0x%lx)", gl_read_cr3());
#elif defined(GL_MODE_LONG) && defined(GL_LA57)
	tap_ok((cr0 & (X86_CR0_PE | X86_CR0_PG)) == (X86_CR0_PE | X86_CR0_PG) &&
	    (cr4 & (X86_CR4_PAE | X86_CR4_LA57)) == (X86_CR4_PAE | X86_CR4_LA57) &&
	    (efer & (X86_EFER_LME | X86_EFER_LMA)) == (X86_EFER_LME | X86_EFER_LMA),
	    "la57: CR0.PE=PG=1, CR4.PAE=LA57=1 (5-level paging), EFER.LME=LMA=1");
#elif defined(GL_MODE_LONG)
	tap_ok((cr0 & (X86_CR0_PE | X86_CR0_PG)) == (X86_CR0_PE | X86_CR0_PG) &&
	    (cr4 & (X86_CR4_PAE | X86_CR4_LA57)) == X86_CR4_PAE &&
	    (efer & (X86_EFER_LME | X86_EFER_LMA)) == (X86_EFER_LME | X86_EFER_LMA),
	    "long: CR0.PE=PG=1, CR4.PAE=1 LA57=0, EFER.LME=LMA=1");
#endif
}

/* ------------------------------------------------------------------------ */
/* CPUID                                                                    */

static void mc_check_cpuid(void)
{
	struct gl_cpuid l1 = gl_cpuid(1, 0);
	struct gl_cpuid hv = gl_cpuid(GUEST_CPUID_HV_LEAF, 0);
	struct gl_cpuid e0 = gl_cpuid(0x80000000u, 0);
	char sig[13];

	memcpy(sig, &hv.ebx, 4);
	memcpy(sig + 4, &hv.ecx, 4);
	memcpy(sig + 8, &hv.edx, 4);
	sig[12] = '\0';
	tap_ok(l1.ecx & X86_CPUID1_ECX_HYPERVISOR,
	    "cpuid 1: hypervisor bit set (ecx=0x%x)", l1.ecx);
	tap_ok(memcmp(sig, GUEST_CPUID_HV_SIG, 12) == 0,
	    "cpuid 0x40000000: signature \"%s\" (wanted \"%s\")", sig,
	    GUEST_CPUID_HV_SIG);
	tap_ok(hv.eax >= GUEST_CPUID_HV_LEAF && hv.eax < GUEST_CPUID_HV_LEAF + 0x100,
	    "cpuid 0x40000000: max hypervisor leaf 0x%x in range", hv.eax);
	if (e0.eax >= 0x80000001u) {
		struct gl_cpuid e1 = gl_cpuid(0x80000001u, 0);

		tap_eq(e1.ecx & X86_CPUID81_ECX_SVM, 0,
		    "cpuid 0x80000001: SVM bit hidden");
	} else {
		tap_ok(false, "cpuid 0x80000001: leaf missing (max 0x%x)", e0.eax);
	}
}

/*
 * CPUID across a page boundary. Without NRIP-save the hypervisor finds
 * the next RIP by fetching the instruction and decoding its length; it
 * reads the page of CS:RIP first and the next page only when the bytes
 * there are not the whole instruction. With 0F as the last byte of one
 * page and A2 as the first byte of the next, CPUID takes that second
 * path. The stub returns right after CPUID: a wrong length would run A2
 * as an instruction or skip the RET.
 */
static uint8_t mc_xpage[2 * 4096] __attribute__((aligned(4096)));

static void mc_check_cpuid_cross_page(void)
{
	uint8_t *p = &mc_xpage[4096 - 1];
	struct gl_cpuid r;
	char sig[13];

	p[0] = 0x0f;                    /* CPUID */
	p[1] = 0xa2;
#if defined(GL_MODE_REAL)
	p[2] = 0x66;                    /* RETL: -m16 code calls push 32 bits */
	p[3] = 0xc3;
#else
	p[2] = 0xc3;                    /* RET */
#endif
	__asm__ volatile("call *%4"
	    : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
	    : "S"(p), "a"(GUEST_CPUID_HV_LEAF), "c"(0)
	    : "memory");
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = '\0';
	tap_ok(memcmp(sig, GUEST_CPUID_HV_SIG, 12) == 0,
	    "cpuid across a page boundary: returns after it, signature \"%s\"",
	    sig);
}

/* ------------------------------------------------------------------------ */
/* TSC and MSRs                                                             */

/* RDMSR TSC is emulated (exit_msr.c); RDTSC itself is not intercepted. */
static void mc_check_tsc(void)
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

/* Expect a #GP from the MSR access just tried. */
static void mc_expect_gp(bool faulted, const struct gl_fault *f,
    const char *what, uint32_t msr)
{
	tap_ok(faulted && f->vector == X86_VEC_GP,
	    "%s MSR 0x%x raises #GP (%s, vector %u)", what, msr,
	    faulted ? "faulted" : "no fault", faulted ? f->vector : 0);
}

static void mc_check_msrs(void)
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
static void mc_check_msr_rw(uint32_t msr, const char *name, uint64_t val)
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

static void mc_check_efer(void)
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
static void mc_check_efer_features(void)
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
 * mode: 48 bits, or 57 with CR4.LA57 (SDM Vol.4 WRMSR; APM Vol.2
 * 5.3.1). MC_LA57_ADDR is canonical only with 57 bits.
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

static void mc_check_canonical(void)
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

/* ------------------------------------------------------------------------ */
/* VMMCALL and the SVM instructions                                         */

struct mc_call {
	uint32_t eax;
};

static void mc_vmmcall_fn(void *arg)
{
	struct mc_call *c = arg;
	uint32_t eax = c->eax;

	__asm__ volatile(".byte 0x0f, 0x01, 0xd9" /* VMMCALL */
	    : "+a"(eax) : : "memory");
	c->eax = eax;
}

static void mc_check_vmmcall(void)
{
	struct gl_fault f;
	struct mc_call c = { GUEST_VMMCALL_PING };
	bool bad = gl_try(mc_vmmcall_fn, &c, &f) != 0;

	if (bad)
		tap_ok(false, "vmmcall ping returns PONG (got %s)",
		    gl_trap_name(f.vector));
	else
		tap_eq(c.eax, GUEST_VMMCALL_PONG, "vmmcall ping returns PONG");

	c.eax = MC_VMMCALL_BOGUS;
	bad = gl_try(mc_vmmcall_fn, &c, &f) != 0;
	tap_ok(bad && f.vector == X86_VEC_UD,
	    "vmmcall unknown function 0x%x raises #UD (%s)", MC_VMMCALL_BOGUS,
	    bad ? gl_trap_name(f.vector) : "no fault");
}

/* Each runs one SVM instruction (APM Vol.3 opcodes 0F 01 D8..DF). rAX = 0
 * and ECX = 0 so that nothing points anywhere if one did execute. */
#define MC_SVM_INSN(name, modrm)                                        \
	static void mc_##name##_fn(void *arg)                           \
	{                                                               \
		(void)arg;                                              \
		__asm__ volatile(".byte 0x0f, 0x01, " #modrm            \
		    : : "a"(0), "c"(0) : "memory");                     \
	}
MC_SVM_INSN(vmrun, 0xd8)
MC_SVM_INSN(vmload, 0xda)
MC_SVM_INSN(vmsave, 0xdb)
MC_SVM_INSN(stgi, 0xdc)
MC_SVM_INSN(clgi, 0xdd)
MC_SVM_INSN(skinit, 0xde)
MC_SVM_INSN(invlpga, 0xdf)

static const struct {
	const char *name;
	void (*fn)(void *);
} mc_svm_insns[] = {
	{ "VMRUN", mc_vmrun_fn },
	{ "VMLOAD", mc_vmload_fn },
	{ "VMSAVE", mc_vmsave_fn },
	{ "STGI", mc_stgi_fn },
	{ "CLGI", mc_clgi_fn },
	{ "SKINIT", mc_skinit_fn },
	{ "INVLPGA", mc_invlpga_fn },
};

static void mc_check_svm_insns(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(mc_svm_insns); i++) {
		struct gl_fault f;
		bool bad = gl_try(mc_svm_insns[i].fn, 0, &f) != 0;

		tap_ok(bad && f.vector == X86_VEC_UD, "%s raises #UD (%s)",
		    mc_svm_insns[i].name, bad ? gl_trap_name(f.vector) : "no fault");
	}
}

/* ------------------------------------------------------------------------ */
/* Single-step                                                              */

/*
 * Each probe sets RFLAGS.TF, runs one instruction between the global
 * labels mc_step_NAME_at and mc_step_NAME_after, then a NOP. With TF set
 * by POPF the trap comes after the instruction that follows the POPF,
 * that is after the probed one (SDM Vol.3 17.3.1.4): the #DB must report
 * mc_step_NAME_after. A hypervisor that retires the instruction without
 * the trap lets the NOP run first, and the #DB reports the byte after
 * the NOP. A faulting probe must report its fault at mc_step_NAME_at and
 * no #DB. gl_try leaves TF clear whatever happens (gl_trap.h). DR6 is
 * reset before each probe, so DR6.BS must come from that probe's #DB.
 *
 * noinline/noclone: the labels are global symbols, defined once.
 */
#define MC_STEP_PROBE(name, insn, ...)                                  \
	extern const char mc_step_##name##_at[], mc_step_##name##_after[]; \
	static __attribute__((noinline, noclone)) void mc_step_##name(void *arg) \
	{                                                               \
		(void)arg;                                              \
		__asm__ volatile(GL_ASM_TF_ON                           \
		    ".globl mc_step_" #name "_at, mc_step_" #name "_after\n" \
		    "mc_step_" #name "_at:\n\t"                         \
		    insn "\n"                                           \
		    "mc_step_" #name "_after:\n\t"                      \
		    "nop\n\t"                                           \
		    GL_ASM_TF_OFF                                       \
		    __VA_ARGS__);                                       \
	}

MC_STEP_PROBE(cpuid, "cpuid", : : "a"(0), "c"(0) : "ebx", "edx", "memory", "cc")
MC_STEP_PROBE(out, "outb %%al, $0x80", : : "a"(0) : "memory", "cc")
MC_STEP_PROBE(rdmsr, "rdmsr", : : "c"(X86_MSR_TSC) : "eax", "edx", "memory", "cc")
MC_STEP_PROBE(invd, "invd", : : : "memory", "cc")
MC_STEP_PROBE(vmmcall, ".byte 0x0f, 0x01, 0xd9", : : "a"(GUEST_VMMCALL_PING) : "memory", "cc")
MC_STEP_PROBE(nop, "nop", : : : "memory", "cc")
MC_STEP_PROBE(rdmsr_gp, "rdmsr", : : "c"(MC_MSR_UNKNOWN_FAR) : "eax", "edx", "memory", "cc")

static const struct {
	const char *what;
	void (*fn)(void *);
	const char *at, *after;
	uint32_t vector;        /* X86_VEC_DB: trap after it; else that fault at it */
} mc_step_probes[] = {
	{ "cpuid", mc_step_cpuid, mc_step_cpuid_at, mc_step_cpuid_after, X86_VEC_DB },
	{ "out 0x80", mc_step_out, mc_step_out_at, mc_step_out_after, X86_VEC_DB },
	{ "rdmsr TSC", mc_step_rdmsr, mc_step_rdmsr_at, mc_step_rdmsr_after, X86_VEC_DB },
	{ "invd", mc_step_invd, mc_step_invd_at, mc_step_invd_after, X86_VEC_DB },
	{ "vmmcall ping", mc_step_vmmcall, mc_step_vmmcall_at, mc_step_vmmcall_after,
	  X86_VEC_DB },
	{ "nop (#DB raised by the CPU)", mc_step_nop, mc_step_nop_at, mc_step_nop_after,
	  X86_VEC_DB },
	{ "rdmsr of an unknown MSR", mc_step_rdmsr_gp, mc_step_rdmsr_gp_at,
	  mc_step_rdmsr_gp_after, X86_VEC_GP },
};

static void mc_check_single_step(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(mc_step_probes); i++) {
		struct gl_fault f = { 0, 0, 0, 0 };
		uint64_t at = (uintptr_t)mc_step_probes[i].at;
		uint64_t after = (uintptr_t)mc_step_probes[i].after;
		bool trapped;

		/* DR6 bits are sticky (SDM Vol.3 17.2.3): clear BS so that
		 * each #DB must set it again. */
		gl_write_dr6(X86_DR6_INIT);
		trapped = gl_try(mc_step_probes[i].fn, 0, &f) != 0;

		if (mc_step_probes[i].vector == X86_VEC_DB)
			tap_ok(trapped && f.vector == X86_VEC_DB && f.ip == after &&
			    (f.dr6 & X86_DR6_BS),
			    "single-step %s: #DB right after it (wanted ip 0x%llx, "
			    "got %s at 0x%llx, dr6 0x%llx)", mc_step_probes[i].what,
			    (unsigned long long)after,
			    trapped ? gl_trap_name(f.vector) : "nothing",
			    (unsigned long long)f.ip, (unsigned long long)f.dr6);
		else
			tap_ok(trapped && f.vector == mc_step_probes[i].vector && f.ip == at,
			    "single-step %s: %s at it, no #DB (wanted ip 0x%llx, got %s "
			    "at 0x%llx)", mc_step_probes[i].what,
			    gl_trap_name(mc_step_probes[i].vector), (unsigned long long)at,
			    trapped ? gl_trap_name(f.vector) : "nothing",
			    (unsigned long long)f.ip);
	}
}

/* ------------------------------------------------------------------------ */
/* RFLAGS.RF                                                                */

/*
 * RF suppresses instruction breakpoints for one instruction and the CPU
 * clears it when that instruction completes (SDM Vol.3 17.3.1.1; APM
 * Vol.2 13.1.1.7). An IRET with RF=1 in the popped flags returns to
 * CPUID, which the hypervisor completes; the instruction after it
 * (mc_rf_after) has an execution breakpoint in DR0. The hypervisor must
 * clear RF when it retires CPUID, or the CPU resumes at mc_rf_after with
 * RF still set and skips the breakpoint. The #DB is a fault: it reports
 * mc_rf_after itself, DR6.B0 set.
 *
 * Real mode runs a copy of the probe at 0000:MC_RF_STUB instead, with CS
 * base 0: QEMU 7.2 TCG does not deliver an instruction breakpoint in
 * code whose CS base is not 0 (our CS is 0x1000; tried, QEMU itself
 * crashed with SIGSEGV). The copy is CPUID, NOP (the breakpoint), and an
 * o32 RETF back to mc_rf_fn for when the breakpoint does not fire.
 */
extern const char mc_rf_cpuid[], mc_rf_after[];
#define MC_RF_STUB 0x8000u              /* free low RAM below the image */

static __attribute__((noinline, noclone)) void mc_rf_fn(void *arg)
{
	(void)arg;
	__asm__ volatile(
#if defined(GL_MODE_LONG)
	    "mov %%rsp, %%rdx\n\t"
	    "mov %%ss, %%ecx\n\t"
	    "push %%rcx\n\t"                          /* SS */
	    "push %%rdx\n\t"                          /* RSP */
	    "pushfq\n\t"
	    "orl $0x10000, (%%rsp)\n\t"               /* RFLAGS with RF */
	    "mov %%cs, %%ecx\n\t"
	    "push %%rcx\n\t"                          /* CS */
	    "lea mc_rf_cpuid(%%rip), %%rcx\n\t"
	    "push %%rcx\n\t"                          /* RIP */
	    "xor %%ecx, %%ecx\n\t"
	    "iretq\n"
#elif defined(GL_MODE_REAL)
	    "xorl %%ecx, %%ecx\n\t"
	    "movw %%cs, %%cx\n\t"
	    "pushl %%ecx\n\t"                         /* RETF of the copy: CS */
	    "pushl $1f\n\t"                           /*                   IP */
	    "pushfl\n\t"
	    "orl $0x10000, (%%esp)\n\t"               /* EFLAGS with RF */
	    "pushl $0\n\t"                            /* CS 0 */
	    "pushl %1\n\t"                            /* IP: the copy at MC_RF_STUB */
	    "xorl %%ecx, %%ecx\n\t"
	    "iretl\n"                                 /* o32 IRET loads RF in real mode too */
	    "1:\n\t"
#else
	    "pushfl\n\t"
	    "orl $0x10000, (%%esp)\n\t"               /* EFLAGS with RF */
	    "xorl %%ecx, %%ecx\n\t"
	    "movw %%cs, %%cx\n\t"
	    "pushl %%ecx\n\t"                         /* CS */
	    "pushl $mc_rf_cpuid\n\t"                  /* EIP */
	    "xorl %%ecx, %%ecx\n\t"
	    "iretl\n"
#endif
	    ".globl mc_rf_cpuid, mc_rf_after\n"
	    "mc_rf_cpuid:\n\t"
	    "cpuid\n"
	    "mc_rf_after:\n\t"
	    "nop\n\t"
	    : : "a"(0), "i"(MC_RF_STUB) : "ebx", "ecx", "edx", "memory", "cc");
}

static void mc_check_rf(void)
{
	struct gl_fault f = { 0, 0, 0, 0 };
#if defined(GL_MODE_REAL)
	uint64_t after = MC_RF_STUB + 2;                /* CS base 0: linear = IP */

	gl_phys_write16(MC_RF_STUB, 0xa20f);            /* cpuid */
	gl_phys_write16(MC_RF_STUB + 2, 0x6690);        /* nop; o32 ... */
	gl_phys_write16(MC_RF_STUB + 4, 0x90cb);        /* ... retf; (nop) */
#else
	uint64_t after = (uintptr_t)mc_rf_after;
#endif
	bool trapped;

	gl_write_dr6(X86_DR6_INIT);
	gl_write_dr0((unsigned long)after);
	gl_write_dr7(X86_DR7_INIT | X86_DR7_L0);
	trapped = gl_try(mc_rf_fn, 0, &f) != 0;
	gl_write_dr7(X86_DR7_INIT);
	tap_ok(trapped && f.vector == X86_VEC_DB && f.ip == after && (f.dr6 & X86_DR6_B0),
	    "IRET with RF=1 into CPUID: the breakpoint on the next instruction fires "
	    "(wanted #DB at 0x%llx with DR6.B0, got %s at 0x%llx, dr6 0x%llx)",
	    (unsigned long long)after, trapped ? gl_trap_name(f.vector) : "nothing",
	    (unsigned long long)f.ip, (unsigned long long)f.dr6);
}

/* ------------------------------------------------------------------------ */
/* INVD, MONITOR, MWAIT                                                     */

#define MC_INVD_LOOPS 3

/*
 * INVD: the hypervisor retires it (as WBINVD). That the guest goes on
 * right after it is the single-step probe's check; the count goes to a
 * diag line that guest_test.py compares with the hypervisor's INVD exit
 * count. (Whether memory written before it survives is no check of ours:
 * QEMU TCG has no caches to drop.)
 */
static void mc_check_invd(void)
{
	for (unsigned i = 0; i < MC_INVD_LOOPS; i++)
		__asm__ volatile("invd" : : : "memory");
	tap_diag("invd executed %u times", MC_INVD_LOOPS + 1);  /* + the single-step probe */
}

static void mc_monitor_fn(void *arg)
{
	__asm__ volatile("monitor" : : "a"(arg), "c"(0), "d"(0) : "memory");
}

static void mc_mwait_fn(void *arg)
{
	(void)arg;
	__asm__ volatile("mwait" : : "a"(0), "c"(0) : "memory");
}

static void mc_check_monitor_mwait(void)
{
	static uint32_t line[16];
	struct gl_fault f;
	bool bad;

	bad = gl_try(mc_monitor_fn, line, &f) != 0;
	tap_ok(bad && f.vector == X86_VEC_UD, "MONITOR raises #UD (%s)",
	    bad ? gl_trap_name(f.vector) : "no fault");
	bad = gl_try(mc_mwait_fn, 0, &f) != 0;
	tap_ok(bad && f.vector == X86_VEC_UD, "MWAIT raises #UD (%s)",
	    bad ? gl_trap_name(f.vector) : "no fault");
}

/* ------------------------------------------------------------------------ */
/* Long mode: EFER.LME and EFER.NXE                                         */

#if defined(GL_MODE_LONG)
extern uint64_t gl_lm_pd[512];          /* gl_entry.S: 2 MiB pages, 0 .. 1 GiB */
extern uint64_t gl_lm_pdpt[512], gl_lm_pml4[512];
#if defined(GL_LA57)
extern uint64_t gl_lm_pml5[512];
#endif

#define MC_XD_VA        (64ull << 20)   /* one 2 MiB page of RAM nobody uses */
#define MC_PTE_XD       BIT(63)

static void mc_call_fn(void *arg)
{
	((void (*)(void))arg)();
}

/* Call into MC_XD_VA (holding RET) with XD and NXE as given. */
static bool mc_call_xd(bool xd, bool nxe, uint64_t efer, struct gl_fault *f)
{
	uint64_t *pde = &gl_lm_pd[MC_XD_VA >> 21];
	bool bad;

	*pde = xd ? (*pde | MC_PTE_XD) : (*pde & ~MC_PTE_XD);
	gl_wrmsr(X86_MSR_EFER, nxe ? (efer | X86_EFER_NXE) : (efer & ~X86_EFER_NXE));
	gl_invlpg(MC_XD_VA);
	bad = gl_try(mc_call_fn, (void *)MC_XD_VA, f) != 0;
	*pde &= ~MC_PTE_XD;
	gl_wrmsr(X86_MSR_EFER, efer);
	gl_invlpg(MC_XD_VA);
	return bad;
}

static void mc_check_efer_long(void)
{
	uint64_t efer = gl_rdmsr(X86_MSR_EFER);
	struct gl_cpuid e1 = gl_cpuid(0x80000001u, 0);
	struct gl_fault f;
	bool bad;

	/* APM Vol.2 14.6.1 / SDM Vol.3 9.8.5: LME cannot change while CR0.PG = 1. */
	bad = gl_wrmsr_try(X86_MSR_EFER, efer & ~X86_EFER_LME, &f);
	tap_ok(bad && f.vector == X86_VEC_GP,
	    "wrmsr EFER clearing LME with paging on raises #GP (%s)",
	    bad ? gl_trap_name(f.vector) : "no fault");
	tap_eq(gl_rdmsr(X86_MSR_EFER), efer, "EFER unchanged after the LME write");

	if (!(e1.edx & X86_CPUID81_EDX_NX) ||
	    gl_bootinfo()->ram_top < MC_XD_VA + (2u << 20)) {
		tap_skip("no NX in CPUID or no RAM at 64 MiB", "EFER.NXE: page runs with XD clear");
		tap_skip("no NX in CPUID or no RAM at 64 MiB", "EFER.NXE: XD page -> #PF I/D");
		tap_skip("no NX in CPUID or no RAM at 64 MiB", "EFER.NXE clear: XD reserved");
		return;
	}
	*(volatile uint8_t *)MC_XD_VA = 0xc3;   /* RET */
	bad = mc_call_xd(false, true, efer, &f);
	tap_ok(!bad, "EFER.NXE: code at 0x%llx runs with XD clear (%s)",
	    (unsigned long long)MC_XD_VA, bad ? gl_trap_name(f.vector) : "ran");
	bad = mc_call_xd(true, true, efer, &f);
	tap_ok(bad && f.vector == X86_VEC_PF && (f.error & X86_PF_ID) &&
	    (f.error & X86_PF_P) && !(f.error & X86_PF_RSVD) && f.ip == MC_XD_VA,
	    "EFER.NXE reaches the CPU: fetch from an XD page -> #PF, I/D set "
	    "(%s err=0x%x at 0x%llx)", bad ? gl_trap_name(f.vector) : "no fault",
	    bad ? f.error : 0, (unsigned long long)f.ip);
	bad = mc_call_xd(true, false, efer, &f);
	tap_ok(bad && f.vector == X86_VEC_PF && (f.error & X86_PF_RSVD),
	    "EFER.NXE clear: XD is a reserved bit -> #PF, RSVD set (%s err=0x%x)",
	    bad ? gl_trap_name(f.vector) : "no fault", bad ? f.error : 0);
}

/* ------------------------------------------------------------------------ */
/* VMMCALL at CPL 3                                                         */

/*
 * VMMCALL is for the guest's kernel only: at CPL > 0 the hypervisor
 * raises #UD (include/guest_abi.h). To get to CPL 3 the guest needs user
 * segments, a TSS whose RSP0 takes the exception back to CPL 0, and user
 * (U/S) pages: mc_cpl3_enter() sets these up around the probe and puts
 * the guest's own state back after it.
 *
 * The probe IRETQs to mc_cpl3_vmmcall at CPL 3, which runs VMMCALL with
 * EAX = ping; if the hypervisor answers it instead of raising #UD, the
 * HLT after it raises #GP (a privileged instruction at CPL 3) and the
 * check names that.
 */
#define MC_SEL_DATA     0x10
#define MC_SEL_UDATA    0x20            /* RPL 3 added when loaded */
#define MC_SEL_UCODE    0x28
#define MC_SEL_TSS      0x30            /* 16-byte system descriptor */
#define MC_GDT_COPY     4               /* entries of gl_entry.S's GDT kept */
#define MC_TSS_RSP0     0x04            /* APM Vol.2 12.2.5: 64-bit TSS */
#define MC_TSS_SIZE     0x68
#define MC_PTE_US       BIT(2)

/* Descriptor fields (APM Vol.2 4.7, 4.8). */
#define MC_DESC_UDATA   0x00cff2000000ffffull   /* data, writable, DPL 3 */
#define MC_DESC_UCODE   0x00affa000000ffffull   /* code, 64-bit (L), DPL 3 */
#define MC_DESC_LIMIT   BITS(15, 0)
#define MC_DESC_BASE_LO BITS(39, 16)
#define MC_DESC_TYPE    BITS(43, 40)
#define MC_DESC_P       BIT(47)
#define MC_DESC_BASE_HI BITS(63, 56)
#define MC_TSS_TYPE     0x9u                    /* available 64-bit TSS */

struct mc_dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static uint64_t mc_gdt[8] __attribute__((aligned(16)));
static uint8_t mc_tss[MC_TSS_SIZE] __attribute__((aligned(16)));
static uint8_t mc_kstack[4096] __attribute__((aligned(16)));   /* RSP0 */
static uint8_t mc_ustack[4096] __attribute__((aligned(16)));   /* the CPL 3 stack */

extern const char mc_cpl3_vmmcall[], mc_cpl3_after[];

static __attribute__((noinline, noclone)) void mc_cpl3_fn(void *arg)
{
	(void)arg;
	__asm__ volatile(
	    "pushq %0\n\t"                            /* SS */
	    "pushq %1\n\t"                            /* RSP */
	    "pushfq\n\t"                              /* RFLAGS */
	    "pushq %2\n\t"                            /* CS */
	    "lea mc_cpl3_vmmcall(%%rip), %%rax\n\t"
	    "pushq %%rax\n\t"                         /* RIP */
	    "xor %%eax, %%eax\n\t"                    /* GUEST_VMMCALL_PING */
	    "iretq\n"
	    ".globl mc_cpl3_vmmcall, mc_cpl3_after\n"
	    "mc_cpl3_vmmcall:\n\t"
	    ".byte 0x0f, 0x01, 0xd9\n"                 /* VMMCALL */
	    "mc_cpl3_after:\n\t"
	    "hlt\n\t"
	    : : "i"(MC_SEL_UDATA | 3), "r"((uint64_t)(uintptr_t)(mc_ustack + sizeof(mc_ustack))),
	      "i"(MC_SEL_UCODE | 3)
	    : "rax", "memory", "cc");
}

/* Set or clear U/S on the table entries that map the first 2 MiB (the image). */
static void mc_user_pages(bool user)
{
	uint64_t *e[] = {
#if defined(GL_LA57)
		&gl_lm_pml5[0],
#endif
		&gl_lm_pml4[0], &gl_lm_pdpt[0], &gl_lm_pd[0],
	};

	for (unsigned i = 0; i < ARRAY_SIZE(e); i++)
		*e[i] = user ? (*e[i] | MC_PTE_US) : (*e[i] & ~MC_PTE_US);
	gl_write_cr3(gl_read_cr3());            /* flush the TLB */
}

static void mc_check_vmmcall_cpl3(void)
{
	uint64_t tss = (uint64_t)(uintptr_t)mc_tss;
	uint64_t rsp0 = (uint64_t)(uintptr_t)(mc_kstack + sizeof(mc_kstack));
	struct mc_dtr old, dtr;
	struct gl_fault f = { 0, 0, 0, 0 };
	bool trapped;

	__asm__ volatile("sgdt %0" : "=m"(old));
	memcpy(mc_gdt, (const void *)(uintptr_t)old.base, MC_GDT_COPY * 8);
	mc_gdt[MC_SEL_UDATA / 8] = MC_DESC_UDATA;
	mc_gdt[MC_SEL_UCODE / 8] = MC_DESC_UCODE;
	mc_gdt[MC_SEL_TSS / 8] = SHIFTIN(MC_TSS_SIZE - 1, MC_DESC_LIMIT) |
	    SHIFTIN(tss & 0xffffff, MC_DESC_BASE_LO) | SHIFTIN(MC_TSS_TYPE, MC_DESC_TYPE) |
	    MC_DESC_P | SHIFTIN((tss >> 24) & 0xff, MC_DESC_BASE_HI);
	mc_gdt[MC_SEL_TSS / 8 + 1] = tss >> 32;
	memcpy(mc_tss + MC_TSS_RSP0, &rsp0, sizeof(rsp0));
	dtr.limit = sizeof(mc_gdt) - 1;
	dtr.base = (uintptr_t)mc_gdt;
	__asm__ volatile("lgdt %0\n\tltr %w1" : : "m"(dtr), "r"(MC_SEL_TSS) : "memory");
	mc_user_pages(true);

	trapped = gl_try(mc_cpl3_fn, 0, &f) != 0;

	/* Back from CPL 3: the return nulled the data segments, the
	 * exception entry SS. Reload them, then the old GDT (TR keeps the
	 * TSS loaded: nothing at CPL 0 uses it). */
	__asm__ volatile("mov %0, %%ds\n\tmov %0, %%es\n\tmov %0, %%fs\n\t"
	    "mov %0, %%gs\n\tmov %0, %%ss" : : "r"(MC_SEL_DATA) : "memory");
	mc_user_pages(false);
	__asm__ volatile("lgdt %0" : : "m"(old) : "memory");

	tap_ok(trapped && f.vector == X86_VEC_UD && f.ip == (uintptr_t)mc_cpl3_vmmcall,
	    "vmmcall at CPL 3 raises #UD (wanted #UD at 0x%llx, got %s at 0x%llx%s)",
	    (unsigned long long)(uintptr_t)mc_cpl3_vmmcall,
	    trapped ? gl_trap_name(f.vector) : "nothing", (unsigned long long)f.ip,
	    f.ip == (uintptr_t)mc_cpl3_after ? ": VMMCALL was answered" : "");
}
#endif

/* ------------------------------------------------------------------------ */

void guest_main(void)
{
	gl_printf("# guest mode_%s: hypervisor policy checks in %s mode\n",
	    GL_MODE_NAME, GL_MODE_NAME);
	mc_check_mode();
	mc_check_cpuid();
	mc_check_cpuid_cross_page();
	mc_check_tsc();
	mc_check_msrs();
	mc_check_efer();
	mc_check_efer_features();
	mc_check_canonical();
#if defined(GL_MODE_LONG)
	mc_check_msr_rw(X86_MSR_LSTAR, "LSTAR", 0xffff800012345000ull);
	mc_check_msr_rw(X86_MSR_STAR, "STAR", 0x0023001000000000ull);
	mc_check_msr_rw(X86_MSR_PAT, "PAT", 0x0007010600070106ull);
#elif defined(GL_MODE_PAE)
	mc_check_msr_rw(X86_MSR_PAT, "PAT", 0x0007010600070106ull);
	mc_check_msr_rw(X86_MSR_SYSENTER_CS, "SYSENTER_CS", 0x10);
#elif defined(GL_MODE_PM32)
	mc_check_msr_rw(X86_MSR_SYSENTER_CS, "SYSENTER_CS", 0x08);
#else
	mc_check_msr_rw(X86_MSR_STAR, "STAR", 0x0023001000000000ull);
#endif
	mc_check_vmmcall();
	mc_check_svm_insns();
	mc_check_single_step();
	mc_check_rf();
	mc_check_invd();
	mc_check_monitor_mwait();
#if defined(GL_MODE_LONG)
	mc_check_efer_long();
	mc_check_vmmcall_cpl3();
#endif
	tap_done();
}
