/*
 * mode_checks.c - guests mode_real, mode_pm32, mode_pae and mode_long: the
 * same checks of the hypervisor's CPU policy, built once per CPU mode
 * (GL_MODE_*), reported as TAP. What they expect (issue 4, SPEC section 2):
 *
 *  - the CPU is in the mode the guest was built for (CR0/CR4/EFER readback)
 *  - CPUID: hypervisor-present bit (Fn0000_0001 ECX[31]), leaf 0x40000000
 *    with signature "BareMetalSVM", SVM hidden (Fn8000_0001 ECX[2] clear)
 *  - RDTSC and RDMSR TSC readable and increasing
 *  - an unknown MSR read and write each raise #GP
 *  - NB_CFG reads with InitApicIdCpuIdLo (bit 54) set
 *  - EFER: SVME never visible; a write setting SVME or a reserved bit gets
 *    #GP; a write setting NXE reads back with NXE
 *  - a VMCB-backed MSR (SYSENTER_CS / STAR / LSTAR / PAT) reads back what
 *    was written
 *  - VMMCALL ping returns "PONG"; VMMCALL with an unknown function gets #UD
 *  - VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA get #UD
 *  - CPUID whose bytes straddle a page boundary returns to the byte after
 *    it (the next-RIP decode of CPUs without NRIP-save)
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
#if defined(GL_MODE_REAL)
	tap_eq(cr0 & (X86_CR0_PE | X86_CR0_PG), 0, "real mode: CR0.PE=0 CR0.PG=0");
	tap_eq(efer & X86_EFER_LMA, 0, "real mode: EFER.LMA=0");
#elif defined(GL_MODE_PM32)
	tap_eq(cr0 & (X86_CR0_PE | X86_CR0_PG), X86_CR0_PE,
	    "pm32: CR0.PE=1 CR0.PG=0");
	tap_eq(efer & (X86_EFER_LME | X86_EFER_LMA), 0, "pm32: EFER.LME=LMA=0");
#elif defined(GL_MODE_PAE)
	tap_eq(cr0 & (X86_CR0_PE | X86_CR0_PG), X86_CR0_PE | X86_CR0_PG,
	    "pae: CR0.PE=1 CR0.PG=1");
	tap_eq(cr4 & X86_CR4_PAE, X86_CR4_PAE, "pae: CR4.PAE=1");
	tap_eq(efer & (X86_EFER_LME | X86_EFER_LMA), 0, "pae: EFER.LME=LMA=0");
	tap_ok((gl_read_cr3() & 0xfff) != 0,
	    "pae: runs with a CR3 that is not page aligned (0x%lx)", gl_read_cr3());
#elif defined(GL_MODE_LONG)
	tap_eq(cr0 & (X86_CR0_PE | X86_CR0_PG), X86_CR0_PE | X86_CR0_PG,
	    "long: CR0.PE=1 CR0.PG=1");
	tap_eq(cr4 & X86_CR4_PAE, X86_CR4_PAE, "long: CR4.PAE=1");
	tap_eq(efer & (X86_EFER_LME | X86_EFER_LMA), X86_EFER_LME | X86_EFER_LMA,
	    "long: EFER.LME=LMA=1");
	tap_eq(sizeof(void *), 8, "long: running 64-bit code");
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

static void mc_check_tsc(void)
{
	uint64_t t1 = gl_rdtsc();
	uint64_t t2 = gl_rdtsc();
	uint64_t m1 = 0, m2 = 0;
	struct gl_fault f = { 0, 0, 0 };
	bool bad1, bad2;

	tap_ok(t2 > t1, "rdtsc increases (0x%llx -> 0x%llx)",
	    (unsigned long long)t1, (unsigned long long)t2);
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
	uint64_t efer = gl_rdmsr(X86_MSR_EFER), v = 0;
	struct gl_cpuid e1 = gl_cpuid(0x80000001u, 0);
	bool bad;

	tap_eq(efer & X86_EFER_SVME, 0, "EFER.SVME not visible (efer=0x%llx)",
	    (unsigned long long)efer);

	bad = gl_wrmsr_try(X86_MSR_EFER, efer | X86_EFER_SVME, &f);
	tap_ok(bad && f.vector == X86_VEC_GP, "wrmsr EFER with SVME raises #GP");
	if (!bad)
		gl_wrmsr(X86_MSR_EFER, efer);
	bad = gl_wrmsr_try(X86_MSR_EFER, efer | MC_EFER_RSVD_BIT, &f);
	tap_ok(bad && f.vector == X86_VEC_GP,
	    "wrmsr EFER with reserved bit 63 raises #GP");
	if (!bad)
		gl_wrmsr(X86_MSR_EFER, efer);
	tap_eq(gl_rdmsr(X86_MSR_EFER), efer, "EFER unchanged after refused writes");

	if (!(e1.edx & X86_CPUID81_EDX_NX)) {
		tap_skip("no NX in CPUID", "EFER.NXE write reads back");
		return;
	}
	bad = gl_wrmsr_try(X86_MSR_EFER, efer | X86_EFER_NXE, &f) ||
	    gl_rdmsr_try(X86_MSR_EFER, &v, &f);
	tap_ok(!bad && (v & X86_EFER_NXE) && !(v & X86_EFER_SVME),
	    "EFER.NXE write reads back (0x%llx)", (unsigned long long)v);
	if (!bad)
		gl_wrmsr(X86_MSR_EFER, efer);
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
	tap_done();
}
