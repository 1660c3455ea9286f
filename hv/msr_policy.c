/*
 * msr_policy.c - WRMSR value checks and the EFER feature table shared by
 * CPUID and WRMSR EFER (msr_policy.h). Pure: tests/unit builds it on the
 * host.
 */
#include "msr_policy.h"
#include "svm.h"
#include "x86_mmu.h"

/* A CPUID register, as an index into r[4]. */
enum msr_policy_reg { MSR_POLICY_EAX, MSR_POLICY_EBX, MSR_POLICY_ECX, MSR_POLICY_EDX };

/*
 * One EFER feature: its EFER bit, the CPUID bit that announces it, and
 * whether the guest gets it. A feature the guest gets is passed through
 * as the host has it (CPUID bit and EFER bit together: VMRUN loads the
 * guest's EFER into the CPU, so the CPU does the work). A feature it
 * does not get is hidden in CPUID and its EFER bit raises #GP. With
 * absent_if_set the CPUID bit means "not supported" when set.
 */
struct msr_policy_efer_feature {
	uint64_t efer;
	uint32_t leaf;
	uint8_t reg;            /* enum msr_policy_reg */
	uint32_t bit;
	bool offered;
	bool absent_if_set;
};

/*
 * APM Vol.2 3.1.7 (EFER) and Vol.3 Appendix E (CPUID). Not offered:
 * SVME (SVM is hidden, VMRUN and friends raise #UD); LMSLE (dropped by
 * newer CPUs; Fn8000_0008 EBX[20] EferLmsleUnsupported); MCOMMIT and
 * INTWB (their instructions are not modelled); UAIE (it would change
 * which addresses are canonical, which the MSR and MMU checks do not
 * model).
 */
static const struct msr_policy_efer_feature msr_policy_efer_features[] = {
	{ X86_EFER_SCE,     0x80000001u, MSR_POLICY_EDX, BIT(11), true,  false }, /* SysCallSysRet */
	{ X86_EFER_LME,     0x80000001u, MSR_POLICY_EDX, BIT(29), true,  false }, /* LM */
	{ X86_EFER_NXE,     0x80000001u, MSR_POLICY_EDX, BIT(20), true,  false }, /* NX */
	{ X86_EFER_SVME,    0x80000001u, MSR_POLICY_ECX, BIT(2),  false, false }, /* SVM */
	{ MSR_EFER_LMSLE,   0x80000008u, MSR_POLICY_EBX, BIT(20), false, true  }, /* EferLmsleUnsupported */
	{ MSR_EFER_FFXSR,   0x80000001u, MSR_POLICY_EDX, BIT(25), true,  false }, /* FFXSR */
	{ MSR_EFER_TCE,     0x80000001u, MSR_POLICY_ECX, BIT(17), true,  false }, /* TCE */
	{ MSR_EFER_MCOMMIT, 0x80000008u, MSR_POLICY_EBX, BIT(8),  false, false }, /* MCOMMIT */
	{ MSR_EFER_INTWB,   0x80000008u, MSR_POLICY_EBX, BIT(13), false, false }, /* INT_WBINVD */
	{ MSR_EFER_UAIE,    0x80000021u, MSR_POLICY_EAX, BIT(7),  false, false }, /* UpperAddressIgnore */
	{ MSR_EFER_AIBRSE,  0x80000021u, MSR_POLICY_EAX, BIT(8),  true,  false }, /* AutomaticIBRS */
};

uint64_t msr_policy_efer_writable(msr_policy_cpuid_fn host_cpuid)
{
	uint64_t writable = X86_EFER_LMA;
	uint32_t r[4];
	uint32_t max_ext;

	host_cpuid(0x80000000u, 0, r);
	max_ext = r[0];
	for (size_t i = 0; i < ARRAY_SIZE(msr_policy_efer_features); i++) {
		const struct msr_policy_efer_feature *f = &msr_policy_efer_features[i];
		bool has;

		/* A leaf past the maximum returns no feature bits (APM Vol.3 E.3.1). */
		if (!f->offered || f->leaf > max_ext)
			continue;
		host_cpuid(f->leaf, 0, r);
		has = (r[f->reg] & f->bit) != 0;
		if (has != f->absent_if_set)
			writable |= f->efer;
	}
	return writable;
}

void msr_policy_efer_cpuid(uint32_t leaf, uint32_t r[4])
{
	/* Every feature of the table is in an extended leaf: the others pay nothing. */
	if (leaf < 0x80000000u)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(msr_policy_efer_features); i++) {
		const struct msr_policy_efer_feature *f = &msr_policy_efer_features[i];

		if (f->leaf != leaf || f->offered)
			continue;
		if (f->absent_if_set)
			r[f->reg] |= f->bit;
		else
			r[f->reg] &= ~f->bit;
	}
}

bool msr_policy_efer_write(uint64_t *efer, uint64_t val, uint64_t cr0, uint64_t writable)
{
	if (val & ~writable)
		return false;
	if ((cr0 & X86_CR0_PG) && ((val ^ *efer) & X86_EFER_LME))
		return false;
	*efer = (val & ~X86_EFER_LMA) | (*efer & X86_EFER_LMA) | X86_EFER_SVME;
	return true;
}

/* PAT entries must be a valid memory type: 0, 1, 4, 5, 6 or 7 (APM Vol.2 7.8.1). */
static bool msr_policy_pat_valid(uint64_t v)
{
	for (unsigned i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(v >> (8 * i));

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

bool msr_policy_value_ok(uint32_t msr, uint64_t val, uint64_t cr4)
{
	switch (msr) {
	case MSR_PAT:
		return msr_policy_pat_valid(val);
	case MSR_SFMASK:
		return (val >> 32) == 0;
	case MSR_SYSENTER_ESP: case MSR_SYSENTER_EIP: case MSR_LSTAR: case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE: case MSR_FS_BASE: case MSR_GS_BASE:
		return x86_canonical(val, x86_va_bits(cr4));
	default:
		return true;
	}
}

#define MSR_POLICY_RDTSCP BIT(27)       /* CPUID 0x80000001 EDX */
#define MSR_POLICY_RDPID  BIT(22)       /* CPUID 7.0 ECX */

bool msr_policy_has_tsc_aux(msr_policy_cpuid_fn host_cpuid)
{
	uint32_t r[4];

	host_cpuid(0x80000000u, 0, r);
	if (r[0] >= 0x80000001u) {
		host_cpuid(0x80000001u, 0, r);
		if (r[3] & MSR_POLICY_RDTSCP)
			return true;
	}
	host_cpuid(0, 0, r);
	if (r[0] < 7)
		return false;
	host_cpuid(7, 0, r);
	return (r[2] & MSR_POLICY_RDPID) != 0;
}
