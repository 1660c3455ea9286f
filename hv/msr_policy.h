/*
 * msr_policy.h - the pure half of the MSR policy: which values a WRMSR
 * may put in the MSRs the VMCB holds, and the one table of EFER features
 * that both CPUID (exit_cpuid.c) and WRMSR EFER (exit_msr.c) follow, so
 * that the guest can set exactly the EFER bits whose CPUID feature bits
 * it sees (APM Vol.2 3.1.7 EFER; APM Vol.3 Appendix E CPUID).
 *
 * No hardware access: the host's CPUID comes in through a callback, so
 * the host unit test (tests/unit/test_msr_policy.c) runs all of it.
 */
#ifndef HV_MSR_POLICY_H
#define HV_MSR_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "bits.h"

/* EFER bits beyond x86_state.h's SCE/LME/LMA/NXE/SVME (APM Vol.2 3.1.7). */
#define MSR_EFER_LMSLE   BIT(13)        /* long-mode segment limits */
#define MSR_EFER_FFXSR   BIT(14)        /* fast FXSAVE/FXRSTOR */
#define MSR_EFER_TCE     BIT(15)        /* translation cache extension */
#define MSR_EFER_MCOMMIT BIT(17)        /* MCOMMIT instruction */
#define MSR_EFER_INTWB   BIT(18)        /* interruptible WBINVD/WBNOINVD */
#define MSR_EFER_UAIE    BIT(20)        /* upper address ignore */
#define MSR_EFER_AIBRSE  BIT(21)        /* automatic IBRS */

/* The host's CPUID: leaf, subleaf -> EAX, EBX, ECX, EDX in r[0..3]. */
typedef void (*msr_policy_cpuid_fn)(uint32_t leaf, uint32_t subleaf, uint32_t r[4]);

/*
 * The EFER bits a guest WRMSR may set on this host: every feature of the
 * table that the guest is offered and the host CPU has (by its CPUID),
 * plus LMA (written values of LMA are ignored, msr_policy_efer_write()).
 */
uint64_t msr_policy_efer_writable(msr_policy_cpuid_fn host_cpuid);

/*
 * CPUID filter for the same table: in r, what the host returned for
 * leaf, hide the feature bit of every EFER feature the guest is not
 * offered (for EferLmsleUnsupported, a bit that says "absent" when set:
 * set it). Other bits and leaves are left alone.
 */
void msr_policy_efer_cpuid(uint32_t leaf, uint32_t r[4]);

/*
 * WRMSR EFER of val, with *efer the VMCB's EFER (SVME always set, the
 * guest never sees it) and cr0 the guest's CR0. Returns false for #GP: a
 * bit outside writable (msr_policy_efer_writable()), or LME changed
 * while CR0.PG = 1 (APM Vol.2 14.6.1). Otherwise updates *efer: LMA
 * stays as the CPU set it, SVME stays set (APM Vol.2 15.5.1).
 */
bool msr_policy_efer_write(uint64_t *efer, uint64_t val, uint64_t cr0, uint64_t writable);

/*
 * May WRMSR put val into msr (one the VMCB holds)? Addresses must be
 * canonical for the guest's paging (48 bits, 57 with CR4.LA57: SDM
 * Vol.2 WRMSR, Vol.3 4.5; APM Vol.2 5.3.1), SFMASK has 32 bits, PAT
 * entries must be memory types (APM Vol.2 7.8.1). Any other MSR: true.
 */
bool msr_policy_value_ok(uint32_t msr, uint64_t val, uint64_t cr4);

/*
 * Does the CPU have TSC_AUX? It does with RDTSCP (CPUID 0x80000001
 * EDX[27]) or RDPID (CPUID 7.0 ECX[22]): APM Vol.3 RDTSCP, RDPID. The
 * guest's CPUID shows the host's bits, so without them the guest's
 * TSC_AUX accesses get the #GP such a CPU gives.
 */
bool msr_policy_has_tsc_aux(msr_policy_cpuid_fn host_cpuid);

#endif /* HV_MSR_POLICY_H */
