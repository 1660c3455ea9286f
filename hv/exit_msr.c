/*
 * exit_msr.c - the MSR policy (APM Vol.2 15.11 MSR intercepts; MSR list
 * in APM Vol.2 Appendix A).
 *
 * Every MSR access exits (the MSRPM is all ones). Three kinds of MSR:
 *  - emulated: EFER (the guest's own view, SVME hidden), PAT, TSC, the
 *    SYSENTER/SYSCALL MSRs, FS/GS base and KernelGSBase, all held in the
 *    VMCB so that the CPU uses them while the guest runs; which values
 *    they accept is msr_policy.c (shared with CPUID for EFER);
 *  - TSC_AUX, which RDTSCP and RDPID read without an exit: the guest's
 *    value goes straight into the CPU's MSR (the host never uses it);
 *  - ignored: writes dropped, reads 0 (NB_CFG reads with
 *    InitApicIdCpuIdLo set, as a multi-core AMD BIOS leaves it; SYSCFG 0
 *    says no SME/SEV and no MTRR extensions; INT_PENDING_MSG 0 says no
 *    C1E, which Linux reads unguarded on family 0Fh and 10h CPUs);
 *  - everything else: #GP, like a CPU that does not implement it.
 */
#include "exit_priv.h"
#include "log.h"
#include "msr_policy.h"

#define MSR_PATCH_LEVEL         0x0000008bu
#define MSR_MTRRCAP             0x000000feu
#define MSR_MCG_CAP             0x00000179u
#define MSR_MCG_STATUS          0x0000017au
#define MSR_MCG_CTL             0x0000017bu
#define MSR_MTRR_DEF_TYPE       0x000002ffu
#define MSR_SYSCFG              0xc0010010u
#define MSR_HWCR                0xc0010015u
#define MSR_INT_PENDING_MSG     0xc0010055u
#define MSR_TSC_AUX             0xc0000103u

/* Read as 0 (NB_CFG: see below), writes dropped. */
static const uint32_t exit_msr_ignored[] = {
	MSR_PATCH_LEVEL, MSR_MTRRCAP, MSR_MCG_CAP, MSR_MCG_STATUS, MSR_MCG_CTL,
	MSR_MTRR_DEF_TYPE, MSR_SYSCFG, MSR_HWCR, MSR_NB_CFG, MSR_INT_PENDING_MSG,
};

static bool exit_msr_is_ignored(uint32_t msr)
{
	for (size_t i = 0; i < ARRAY_SIZE(exit_msr_ignored); i++)
		if (exit_msr_ignored[i] == msr)
			return true;
	return false;
}

/* Return the address of the VMCB field backing msr, or NULL. Inline: one switch on the exit path. */
static inline __attribute__((always_inline)) uint64_t *exit_msr_vmcb_field(struct vmcb_state *s,
									   uint32_t msr)
{
	switch (msr) {
	case MSR_SYSENTER_CS:    return &s->sysenter_cs;
	case MSR_SYSENTER_ESP:   return &s->sysenter_esp;
	case MSR_SYSENTER_EIP:   return &s->sysenter_eip;
	case MSR_STAR:           return &s->star;
	case MSR_LSTAR:          return &s->lstar;
	case MSR_CSTAR:          return &s->cstar;
	case MSR_SFMASK:         return &s->sfmask;
	case MSR_KERNEL_GS_BASE: return &s->kernel_gs_base;
	case MSR_FS_BASE:        return &s->fs.base;
	case MSR_GS_BASE:        return &s->gs.base;
	case MSR_PAT:            return &s->g_pat;
	default:                 return NULL;
	}
}

/* Does the CPU have TSC_AUX (msr_policy.c)? */
static bool exit_msr_has_tsc_aux(void)
{
	return msr_policy_has_tsc_aux(svm_host_cpuid);
}

/*
 * WRMSR TSC_AUX: bits 63:32 are reserved (#GP). The value is the
 * vCPU's; it goes into the CPU now, as one vCPU owns this CPU (with
 * several vCPUs per CPU it would be loaded before each VMRUN).
 */
static bool exit_msr_write_tsc_aux(struct svm_vcpu *vcpu, uint64_t val)
{
	if ((val >> 32) != 0 || !exit_msr_has_tsc_aux())
		return false;
	vcpu->tsc_aux = (uint32_t)val;
	svm_wrmsr(MSR_TSC_AUX, val);
	return true;
}

void exit_msr_reset(struct svm_vcpu *vcpu)
{
	vcpu->tsc_aux = 0;
	if (exit_msr_has_tsc_aux())
		svm_wrmsr(MSR_TSC_AUX, 0);
}

/* RDMSR: value into EDX:EAX. Returns false with #GP injected if unknown. */
static bool exit_msr_read(struct svm_vcpu *vcpu, uint32_t msr, uint64_t *val)
{
	struct vmcb *v = vcpu->vmcb;
	uint64_t *field;

	switch (msr) {
	case MSR_TSC:
		/* RDTSC is not intercepted: the guest sees host TSC + TSC_OFFSET. */
		*val = svm_rdtsc() + v->ctrl.tsc_offset;
		return true;
	case MSR_EFER:
		*val = v->state.efer & ~X86_EFER_SVME;
		return true;
	case MSR_NB_CFG:
		*val = MSR_NB_CFG_INITAPICIDCPUIDLO;
		return true;
	case MSR_TSC_AUX:
		*val = vcpu->tsc_aux;
		return exit_msr_has_tsc_aux();
	default:
		break;
	}
	field = exit_msr_vmcb_field(&v->state, msr);
	if (field != NULL) {
		*val = *field;
		return true;
	}
	if (exit_msr_is_ignored(msr)) {
		*val = 0;
		return true;
	}
	return false;
}

/*
 * EFER write: the bits the guest may set follow CPUID (msr_policy.c).
 * Computed per write from the host's CPUID: EFER writes are rare.
 */
static bool exit_msr_write_efer(struct svm_vcpu *vcpu, uint64_t val)
{
	struct vmcb_state *s = &vcpu->vmcb->state;

	return msr_policy_efer_write(&s->efer, val, s->cr0,
				     msr_policy_efer_writable(svm_host_cpuid));
}

/*
 * WRMSR: EDX:EAX into msr. Returns false when the write must raise #GP.
 * The VMCB-backed MSRs (the SYSENTER/SYSCALL and segment base MSRs a
 * kernel writes on every context switch) are looked up first.
 */
static bool exit_msr_write(struct svm_vcpu *vcpu, uint32_t msr, uint64_t val)
{
	struct vmcb *v = vcpu->vmcb;
	uint64_t *field = exit_msr_vmcb_field(&v->state, msr);

	if (field != NULL) {
		if (!msr_policy_value_ok(msr, val, v->state.cr4))
			return false;
		*field = val;
		return true;
	}
	switch (msr) {
	case MSR_TSC:
		v->ctrl.tsc_offset = val - svm_rdtsc();
		return true;
	case MSR_EFER:
		return exit_msr_write_efer(vcpu, val);
	case MSR_TSC_AUX:
		return exit_msr_write_tsc_aux(vcpu, val);
	default:
		return exit_msr_is_ignored(msr);
	}
}

/*
 * The monitor's MSRs (IA32_APIC_BASE, x2APIC, TSC deadline: the LAPIC),
 * out of line so that the exit path of the others keeps a small frame.
 */
static __attribute__((noinline)) enum vmm_msr_result exit_msr_monitor(struct vm *vm,
								      struct svm_vcpu *vcpu,
								      uint32_t msr, bool write,
								      uint64_t *val)
{
	return vmm_msr(vm_vv(vm, vcpu), msr, write, val);
}

/* An MSR access refused: one log line, #GP(0). Cold: the exit path stays small. */
static __attribute__((noinline, cold)) void exit_msr_refuse(struct svm_vcpu *vcpu, uint32_t msr,
							     bool write, uint64_t val)
{
	if (write)
		log_printf(LOG_INFO, "vm: wrmsr of MSR 0x%x (0x%llx) at RIP 0x%llx -> #GP\n", msr,
			   (unsigned long long)val, (unsigned long long)vcpu->vmcb->state.rip);
	else
		log_printf(LOG_INFO, "vm: rdmsr of MSR 0x%x at RIP 0x%llx -> #GP\n", msr,
			   (unsigned long long)vcpu->vmcb->state.rip);
	event_gp(vcpu);
}

/* MSR exit: ECX = MSR, EXITINFO1 = 0 for RDMSR, 1 for WRMSR (15.11). */
bool exit_msr(struct vm *vm, struct svm_vcpu *vcpu)
{
	uint32_t msr = (uint32_t)vcpu->gpr[X86_GPR_RCX];
	bool write = vcpu->vmcb->ctrl.exitinfo1 == VMCB_MSR_WRITE;
	enum vmm_msr_result r;
	uint64_t val = ((vcpu->gpr[X86_GPR_RDX] & 0xffffffffULL) << 32) |
		       (vcpu->gpr[X86_GPR_RAX] & 0xffffffffULL);

	/* The monitor's MSRs first, then ours. */
	if (vmm_msr_claims(msr))
		r = exit_msr_monitor(vm, vcpu, msr, write, &val);
	else
		r = (write ? exit_msr_write(vcpu, msr, val) : exit_msr_read(vcpu, msr, &val)) ?
		    VMM_MSR_OK : VMM_MSR_GP;
	if (r != VMM_MSR_OK) {
		exit_msr_refuse(vcpu, msr, write, val);
		return false;
	}
	if (!write) {
		vcpu->gpr[X86_GPR_RAX] = val & 0xffffffffULL;
		vcpu->gpr[X86_GPR_RDX] = val >> 32;
	}
	return true;
}
