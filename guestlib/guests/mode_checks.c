/*
 * mode_checks.c - guests mode_real, mode_pm32, mode_pae, mode_long and
 * mode_la57: the same checks of the hypervisor's CPU policy, built once
 * per CPU mode (GL_MODE_*, GL_LA57), reported as TAP. What they expect
 * (issue 4, SPEC section 2):
 *
 *  - the CPU is in the mode the guest was built for (CR0/CR4/EFER readback)
 *  - CPUID: hypervisor-present bit (Fn0000_0001 ECX[31]), leaf 0x40000000
 *    with signature "BareMetalSVM", SVM hidden (Fn8000_0001 ECX[2] clear)
 *  - RDMSR TSC readable and increasing; WRMSR TSC moves both RDMSR TSC
 *    and RDTSC (TSC_OFFSET)
 *  - the MSRs the hypervisor ignores read 0 and drop writes
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
 * The MSR checks are in mode_msr.c, the CPL 3 one in mode_cpl3.c.
 *
 * On a machine without the hypervisor the CPUID/VMMCALL/NB_CFG checks fail,
 * which is how the checks were seen to be able to fail.
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_printf.h"
#include "gl_trap.h"
#include "mode_checks.h"
#include "tap.h"

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

/*
 * The hypervisor keeps the translation of the page of CS:RIP and the
 * length of the last intercepted instruction between exits (its fetch
 * cache, hv/insn_fetch.c), and must notice when the guest changes either
 * without an exit (INVLPG is not intercepted). CPUID at the same address
 * first as 66 0F A2 (3 bytes), then, after a remap behind the
 * hypervisor's back, as 0F A2 (2 bytes) followed by RET and INT3: a
 * stale translation or length returns to the INT3 (#BP). Then the bytes
 * are rewritten in place the other way round.
 */
#define MC_REMAP_B      (MC_XD_VA + (2ull << 20))       /* the other frame */

static bool mc_call_remap(uint64_t frame, struct gl_fault *f)
{
	uint64_t *pde = &gl_lm_pd[MC_XD_VA >> 21];

	*pde = (*pde & ~0x000ffffffffff000ull) | frame;
	gl_invlpg(MC_XD_VA);
	return gl_try(mc_call_fn, (void *)MC_XD_VA, f) != 0;
}

static void mc_check_cpuid_remap(void)
{
	static const uint8_t cpuid3[] = { 0x66, 0x0f, 0xa2, 0xc3 };     /* o16 cpuid; ret */
	static const uint8_t cpuid2[] = { 0x0f, 0xa2, 0xc3, 0xcc };     /* cpuid; ret; int3 */
	uint64_t *pde = &gl_lm_pd[MC_XD_VA >> 21];
	uint64_t old = *pde;
	struct gl_fault f;
	bool bad1, bad2, bad3;

	if (gl_bootinfo()->ram_top < MC_REMAP_B + (2u << 20)) {
		tap_skip("no RAM at 64-68 MiB", "cpuid after a remap behind the hypervisor");
		tap_skip("no RAM at 64-68 MiB", "cpuid after its bytes change in place");
		return;
	}
	memcpy((void *)MC_XD_VA, cpuid3, sizeof(cpuid3));
	memcpy((void *)MC_REMAP_B, cpuid2, sizeof(cpuid2));
	bad1 = mc_call_remap(MC_XD_VA, &f);
	bad2 = mc_call_remap(MC_REMAP_B, &f);
	tap_ok(!bad1 && !bad2, "cpuid after a remap behind the hypervisor returns after it (%s)",
	    bad1 || bad2 ? gl_trap_name(f.vector) : "ran");
	memcpy((void *)MC_REMAP_B, cpuid3, sizeof(cpuid3));
	bad1 = mc_call_remap(MC_REMAP_B, &f);
	memcpy((void *)MC_REMAP_B, cpuid2, sizeof(cpuid2));
	bad3 = gl_try(mc_call_fn, (void *)MC_XD_VA, &f) != 0;
	tap_ok(!bad1 && !bad3, "cpuid after its bytes change in place returns after it (%s)",
	    bad1 || bad3 ? gl_trap_name(f.vector) : "ran");
	*pde = old;
	gl_invlpg(MC_XD_VA);
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
	mc_check_tsc_write();
	mc_check_msrs();
	mc_check_ignored_msrs();
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
	mc_check_cpuid_remap();
	mc_check_vmmcall_cpl3();
#endif
	tap_done();
}
