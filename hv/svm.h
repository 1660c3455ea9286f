/*
 * svm.h - AMD SVM on the host CPU: detection, enabling, the features of
 * CPUID Fn8000_000A, and the virtual CPU (VMCB, permission maps, the
 * guest GPRs the VMCB does not hold) with its world switch.
 *
 * AMD64 APM Vol.2 (pub. 24593) chapter 15: 15.4 "Enabling SVM", 15.5
 * "VMRUN", 15.10 "I/O Intercepts", 15.11 "MSR Intercepts", 15.20 "Event
 * Injection", 15.15 "VMCB State Caching", 15.16 "TLB Control", 15.30.4
 * "VM_HSAVE_PA".
 */
#ifndef HV_SVM_H
#define HV_SVM_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "bits.h"
#include "event.h"
#include "insn_fetch.h"
#include "vmcb.h"
#include "x86_machine.h"
#include "x86_state.h"

/* ---------------------------------------------------------------------- */
/* MSRs and CPUID bits the SVM code touches (APM Vol.2 15.30, Vol.3 App. E) */

#define MSR_TSC                 0x00000010u
#define MSR_PAT                 0x00000277u
#define MSR_SYSENTER_CS         0x00000174u
#define MSR_SYSENTER_ESP        0x00000175u
#define MSR_SYSENTER_EIP        0x00000176u
#define MSR_EFER                0xc0000080u
#define MSR_STAR                0xc0000081u
#define MSR_LSTAR               0xc0000082u
#define MSR_CSTAR               0xc0000083u
#define MSR_SFMASK              0xc0000084u
#define MSR_FS_BASE             0xc0000100u
#define MSR_GS_BASE             0xc0000101u
#define MSR_KERNEL_GS_BASE      0xc0000102u
#define MSR_NB_CFG              0xc001001fu
#define MSR_NB_CFG_INITAPICIDCPUIDLO BIT(54)
#define MSR_VM_CR               0xc0010114u
#define MSR_VM_CR_SVMDIS        BIT(4)
#define MSR_VM_HSAVE_PA         0xc0010117u

#define CPUID_80000001_ECX_SVM  BIT(2)
/* Fn8000_000A EDX: SVM features (APM Vol.3 App. E.4.9). */
#define SVM_FEAT_NP             BIT(0)
#define SVM_FEAT_LBRV           BIT(1)
#define SVM_FEAT_SVML           BIT(2)
#define SVM_FEAT_NRIPS          BIT(3)
#define SVM_FEAT_TSCRATE        BIT(4)
#define SVM_FEAT_VMCBCLEAN      BIT(5)
#define SVM_FEAT_FLUSHBYASID    BIT(6)
#define SVM_FEAT_DECODEASSISTS  BIT(7)
#define SVM_FEAT_PAUSEFILTER    BIT(10)
#define SVM_FEAT_AVIC           BIT(13)
#define SVM_FEAT_VMSAVE_VIRT    BIT(15)
#define SVM_FEAT_VGIF           BIT(16)

/* Sizes of the permission maps (APM Vol.2 15.10.1 and 15.11). */
#define SVM_IOPM_PAGES          3
#define SVM_MSRPM_PAGES         2

/* The only guest ASID: one guest, so one address-space tag (APM Vol.2 15.16). */
#define SVM_GUEST_ASID          1

static inline uint64_t svm_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void svm_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)));
}

/* Execute CPUID on the host; r[0..3] = EAX, EBX, ECX, EDX. */
static inline void svm_host_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(subleaf));
}

static inline uint64_t svm_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* ---------------------------------------------------------------------- */
/* Host SVM */

/*
 * Detect SVM (Fn8000_0001 ECX.SVM, VM_CR.SVMDIS), check for nested
 * paging, set EFER.SVME and VM_HSAVE_PA, and log the features found.
 * Returns 0, or -1 with a message when SVM is absent, disabled by the
 * firmware or lacks nested paging (the caller stops with HV_STATUS_NO_SVM).
 */
int svm_init(void);

/* True if Fn8000_000A EDX has feature bit f (SVM_FEAT_*). */
bool svm_has(uint32_t f);

/* ---------------------------------------------------------------------- */
/* Virtual CPU */

struct svm_vcpu {
	unsigned id;                    /* vCPU number: the monitor's vmm_vcpu */
	struct vmcb *vmcb;              /* the guest's VMCB */
	hpa_t vmcb_pa;
	hpa_t host_save_pa;             /* VMSAVE area for the host's FS/GS/TR/LDTR/syscall MSRs */
	hpa_t iopm_pa, msrpm_pa;
	/*
	 * The guest GPRs in x86_gpr order. RAX and RSP live in the VMCB
	 * during VMRUN; svm_vcpu_run() copies them in and out so that exit
	 * handlers see all sixteen here.
	 */
	uint64_t gpr[X86_GPR_COUNT];
	/*
	 * Work svm_vcpu_run() does around VMRUN besides the world switch;
	 * 0 on the common path (a CPU without clean bits, after the first
	 * VMRUN), which then costs one test.
	 */
	uint8_t run_extra;
#define SVM_RUN_FLUSH   BIT(0)          /* flush our ASID's TLB entries on the next VMRUN */
#define SVM_RUN_CLEAN   BIT(1)          /* CPU has VMCB clean bits: set them on each VMRUN */
	uint8_t flush_tlb_ctrl;         /* TLB_CONTROL for SVM_RUN_FLUSH (15.16.1) */
	struct vmcb_clean_shadow clean_shadow;  /* covered fields at the last #VMEXIT */
	struct event_queue events;      /* what the guest receives next (event.h) */
	/* The exit path's instruction fetch without NRIP-save (insn_fetch.h). */
	struct insn_fetch_cache fetch_cache;
	uint32_t tsc_aux;               /* the guest's TSC_AUX (exit_msr.c) */
};

/*
 * Allocate the VMCB, the host save area and intercept-all permission maps,
 * set the intercepts of issue 4 and nested paging with root ncr3. The guest
 * state is left zero: the caller sets it (see vm.c). Returns 0 or -1 (out
 * of memory).
 */
int svm_vcpu_init(struct svm_vcpu *vcpu, hpa_t ncr3);

/*
 * The world switch (svm_entry.S): load the guest GPRs from gpr[], VMLOAD
 * + VMRUN + VMSAVE the guest at vmcb_pa, store the guest GPRs back,
 * VMLOAD the host's hidden state from host_save_pa (VMSAVEd once by
 * svm_vcpu_init()). RAX and RSP slots of gpr[] are neither read nor
 * written.
 */
void svm_world_switch(uint64_t *gpr, hpa_t vmcb_pa, hpa_t host_save_pa);

/* svm_vcpu_run() with run_extra work to do (svm.c). */
void svm_vcpu_run_extra(struct svm_vcpu *vcpu);

/*
 * Enter the guest once; returns at the next #VMEXIT (exit code in the
 * VMCB). RAX and RSP travel through the VMCB, the other GPRs through
 * gpr[]. Inline: on the common path (no run_extra) it is the world
 * switch and four moves.
 */
static inline void svm_vcpu_run(struct svm_vcpu *vcpu)
{
	struct vmcb *v = vcpu->vmcb;

	if (__builtin_expect(vcpu->run_extra != 0, 0)) {
		svm_vcpu_run_extra(vcpu);
		return;
	}
	v->state.rax = vcpu->gpr[X86_GPR_RAX];
	v->state.rsp = vcpu->gpr[X86_GPR_RSP];
	svm_world_switch(vcpu->gpr, vcpu->vmcb_pa, vcpu->host_save_pa);
	vcpu->gpr[X86_GPR_RAX] = v->state.rax;
	vcpu->gpr[X86_GPR_RSP] = v->state.rsp;
}

/* Fill an x86_state from the VMCB and the saved GPRs (for the assist library). */
void svm_vcpu_get_state(const struct svm_vcpu *vcpu, struct x86_state *st);

/*
 * Write back what an assist may change: the GPRs and RFLAGS (RIP goes
 * through exit_retire(); segments and control registers are never
 * changed by an emulated MMIO or string I/O instruction).
 */
void svm_vcpu_put_state(struct svm_vcpu *vcpu, const struct x86_state *st);

/*
 * Fill only the fields of an x86_state that x86_fetch_insn reads (RIP,
 * RFLAGS, CS, CR0, CR3, CR4, EFER, CPL; see x86_mmu.h); the GPRs, CR2 and
 * the other segments are not written. For the exit path of CPUs without
 * NRIP-save, which fetches the instruction on every intercept.
 */
void svm_vcpu_get_fetch_state(const struct svm_vcpu *vcpu, struct x86_state *st);

#endif /* HV_SVM_H */
