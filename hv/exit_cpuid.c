/*
 * exit_cpuid.c - the CPUID policy (APM Vol.3 Appendix E, SDM Vol.2 CPUID).
 *
 * Leaves are executed on the host and passed through, then filtered so
 * that the guest is not told about hardware it does not have:
 *  - the hypervisor-present bit (Fn0000_0001 ECX[31]) is set and leaves
 *    0x40000000.. describe us ("BareMetalSVM");
 *  - SVM is hidden (Fn8000_0001 ECX.SVM = 0, Fn8000_000A all zero): the
 *    guest cannot use VMRUN and friends, they raise #UD;
 *  - the feature bits of EFER features follow the table in
 *    msr_policy.c, which WRMSR EFER follows too: a feature the guest
 *    sees is one whose EFER bit it can set (SVM is one of them);
 *  - one vCPU: APIC ID 0, one logical processor, no topology leaves;
 *  - the local APIC is the monitor's (vmm/dev/lapic.c): APIC, x2APIC
 *    and TSC-deadline are advertised whatever the host has;
 *  - features not emulated are hidden: MONITOR/MWAIT (intercepted, #UD),
 *    thermal/power leaves, the x2APIC topology leaves (one vCPU);
 *  - bits that mirror control-register state (OSXSAVE = CR4.OSXSAVE,
 *    OSPKE = CR4.PKE) follow the guest's CR4, not the host's.
 * XSETBV is not intercepted (the hypervisor never uses XSAVE state), so
 * XCR0 in hardware is the guest's and the size leaves of 0xD are right.
 */
#include "exit_priv.h"
#include "guest_abi.h"
#include "log.h"
#include "msr_policy.h"
#include "string.h"
#include "tsc.h"

#define CPUID_1_EBX_APICID      BITS(31, 24)
#define CPUID_1_EBX_NLOGICAL    BITS(23, 16)
#define CPUID_1_ECX_MONITOR     BIT(3)
#define CPUID_1_ECX_VMX         BIT(5)
#define CPUID_1_ECX_SMX         BIT(6)
#define CPUID_1_ECX_EST         BIT(7)
#define CPUID_1_ECX_TM2         BIT(8)
#define CPUID_1_ECX_X2APIC      BIT(21)
#define CPUID_1_ECX_TSCDEADLINE BIT(24)
#define CPUID_1_ECX_OSXSAVE     BIT(27)
#define CPUID_1_ECX_HV          BIT(31)
#define CPUID_1_EDX_APIC        BIT(9)
#define CPUID_1_EDX_ACPI        BIT(22)
#define CPUID_1_EDX_HTT         BIT(28)
#define CPUID_1_EDX_TM          BIT(29)
#define CPUID_7_ECX_OSPKE       BIT(4)
#define CPUID_80000001_ECX_CMPLEGACY BIT(1)
#define CPUID_80000001_ECX_EXTAPIC   BIT(3)
#define CPUID_80000001_ECX_SKINIT    BIT(12)
#define CPUID_80000001_ECX_TOPOEXT   BIT(22)
#define CPUID_80000001_ECX_MWAITX    BIT(29)
#define CPUID_80000001_EDX_APIC      BIT(9)    /* AMD's copy of Fn0000_0001 EDX[9] */
#define CPUID_80000008_ECX_NC        BITS(7, 0)
#define CPUID_80000008_ECX_APICIDSZ  BITS(15, 12)
#define CR4_OSXSAVE             BIT(18)
#define CR4_PKE                 BIT(22)

/* The signature leaf: max hypervisor leaf in EAX, "BareMetalSVM" in EBX, ECX, EDX. */
static void exit_cpuid_hv_leaf(uint32_t r[4])
{
	const char *sig = GUEST_CPUID_HV_SIG;

	_Static_assert(sizeof(GUEST_CPUID_HV_SIG) - 1 == 12, "signature is 12 bytes");
	r[0] = GUEST_CPUID_HV_TIMING;
	memcpy(&r[1], sig, 4);
	memcpy(&r[2], sig + 4, 4);
	memcpy(&r[3], sig + 8, 4);
}

void exit_cpuid_filter(const struct vmcb_state *s, uint32_t leaf, uint32_t subleaf,
		       uint32_t r[4])
{
	(void)subleaf;
	switch (leaf) {
	case 0x1:
		r[1] &= ~(uint32_t)(CPUID_1_EBX_APICID | CPUID_1_EBX_NLOGICAL);
		r[1] |= (uint32_t)SHIFTIN(1, CPUID_1_EBX_NLOGICAL);
		/* x2APIC and TSC-deadline are the monitor's LAPIC (vmm/dev/lapic.c). */
		r[2] &= ~(uint32_t)(CPUID_1_ECX_MONITOR | CPUID_1_ECX_VMX | CPUID_1_ECX_SMX |
				    CPUID_1_ECX_EST | CPUID_1_ECX_TM2 | CPUID_1_ECX_OSXSAVE);
		r[2] |= (uint32_t)(CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSCDEADLINE);
		if (s->cr4 & CR4_OSXSAVE)
			r[2] |= (uint32_t)CPUID_1_ECX_OSXSAVE;
		r[2] |= (uint32_t)CPUID_1_ECX_HV;
		r[3] &= ~(uint32_t)(CPUID_1_EDX_ACPI | CPUID_1_EDX_HTT | CPUID_1_EDX_TM);
		r[3] |= (uint32_t)CPUID_1_EDX_APIC;
		break;
	case 0x5:       /* MONITOR/MWAIT: hidden */
	case 0x6:       /* thermal and power management: not emulated */
	case 0xb:       /* x2APIC topology: x2APIC hidden */
	case 0x1f:
		r[0] = r[1] = r[2] = r[3] = 0;
		break;
	case 0x7:
		r[2] &= ~(uint32_t)CPUID_7_ECX_OSPKE;
		if (s->cr4 & CR4_PKE)
			r[2] |= (uint32_t)CPUID_7_ECX_OSPKE;
		break;
	case 0x80000001:
		r[2] &= ~(uint32_t)(CPUID_80000001_ECX_CMPLEGACY |
				    CPUID_80000001_ECX_EXTAPIC | CPUID_80000001_ECX_SKINIT |
				    CPUID_80000001_ECX_TOPOEXT | CPUID_80000001_ECX_MWAITX);
		/* The local APIC: agree with leaf 1 (APM Vol.3 E.4.2). */
		r[3] |= (uint32_t)CPUID_80000001_EDX_APIC;
		break;
	case 0x80000008:        /* one core, no APIC ID size */
		r[2] &= ~(uint32_t)(CPUID_80000008_ECX_NC | CPUID_80000008_ECX_APICIDSZ);
		break;
	case 0x8000000a:        /* SVM features: SVM is hidden */
	case 0x8000001d:        /* cache topology (TOPOEXT hidden) */
	case 0x8000001e:        /* core/node IDs (TOPOEXT hidden) */
	case 0x8000001f:        /* SEV: not offered */
		r[0] = r[1] = r[2] = r[3] = 0;
		break;
	default:
		break;
	}
	msr_policy_efer_cpuid(leaf, r);
}

/*
 * CPUID exit: EAX = leaf, ECX = subleaf; results go to the low halves of
 * RAX, RBX, RCX, RDX with the upper halves cleared (32-bit writes).
 */
bool exit_cpuid(struct vm *vm, struct svm_vcpu *vcpu)
{
	uint32_t leaf = (uint32_t)vcpu->gpr[X86_GPR_RAX];
	uint32_t subleaf = (uint32_t)vcpu->gpr[X86_GPR_RCX];
	uint32_t r[4];

	(void)vm;
	if (leaf >= 0x40000000u && leaf <= 0x4fffffffu) {
		r[0] = r[1] = r[2] = r[3] = 0;
		if (leaf == GUEST_CPUID_HV_LEAF) {
			exit_cpuid_hv_leaf(r);
		} else if (leaf == GUEST_CPUID_HV_TIMING) {
			/* include/guest_abi.h: TSC and LAPIC timer clock in kHz. */
			r[0] = (uint32_t)(tsc_hz() / 1000);
			r[1] = (uint32_t)(LAPIC_BUS_HZ / 1000);
		}
	} else {
		svm_host_cpuid(leaf, subleaf, r);
		exit_cpuid_filter(&vcpu->vmcb->state, leaf, subleaf, r);
	}
	vcpu->gpr[X86_GPR_RAX] = r[0];
	vcpu->gpr[X86_GPR_RBX] = r[1];
	vcpu->gpr[X86_GPR_RCX] = r[2];
	vcpu->gpr[X86_GPR_RDX] = r[3];
	return true;
}
