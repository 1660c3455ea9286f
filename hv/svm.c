/*
 * svm.c - SVM bring-up on the host CPU and the virtual CPU's VMCB.
 *
 * APM Vol.2 15.4 (enabling SVM), 15.5 (VMRUN), 15.9-15.13 (intercepts),
 * 15.15 (VMCB clean bits), 15.16 (TLB control), 15.20 (event injection),
 * 15.25 (nested paging).
 */
#include "svm.h"
#include "log.h"
#include "pmm.h"
#include "string.h"

/* What svm_init() read from CPUID Fn8000_000A. */
static struct {
	uint32_t revision;      /* EAX[7:0] */
	uint32_t nasid;         /* EBX: number of ASIDs */
	uint32_t edx;           /* EDX: SVM_FEAT_* */
} svm_feat;

/* Fn8000_000A EDX bits worth naming in the boot log. */
static const struct {
	uint32_t bit;
	const char *name;
} svm_feat_names[] = {
	{ SVM_FEAT_NP,            "npt" },
	{ SVM_FEAT_LBRV,          "lbrv" },
	{ SVM_FEAT_SVML,          "svm-lock" },
	{ SVM_FEAT_NRIPS,         "nrip-save" },
	{ SVM_FEAT_TSCRATE,       "tsc-rate" },
	{ SVM_FEAT_VMCBCLEAN,     "vmcb-clean" },
	{ SVM_FEAT_FLUSHBYASID,   "flush-by-asid" },
	{ SVM_FEAT_DECODEASSISTS, "decode-assists" },
	{ SVM_FEAT_PAUSEFILTER,   "pause-filter" },
	{ SVM_FEAT_AVIC,          "avic" },
	{ SVM_FEAT_VMSAVE_VIRT,   "vmsave-virt" },
	{ SVM_FEAT_VGIF,          "vgif" },
};

bool svm_has(uint32_t f)
{
	return (svm_feat.edx & f) != 0;
}

static void svm_log_features(void)
{
	char buf[192];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(svm_feat_names); i++) {
		const char *n = svm_feat_names[i].name;
		size_t nl = strlen(n);

		if (!svm_has(svm_feat_names[i].bit))
			continue;
		if (len + nl + 2 >= sizeof(buf))
			break;
		if (len != 0)
			buf[len++] = ' ';
		memcpy(buf + len, n, nl);
		len += nl;
		buf[len] = '\0';
	}
	log_printf(LOG_INFO, "svm: revision %u, %u ASIDs, features: %s\n",
		   (unsigned)svm_feat.revision, (unsigned)svm_feat.nasid,
		   len ? buf : "(none)");
	log_printf(LOG_INFO, "svm: next RIP from %s, instruction bytes from %s\n",
		   svm_has(SVM_FEAT_NRIPS) ? "VMCB nRIP" : "our length decoder",
		   svm_has(SVM_FEAT_DECODEASSISTS) ? "decode assists (NPF) or guest MMU"
						   : "guest MMU walk");
	log_printf(LOG_INFO, "svm: VMCB clean bits %s; first VMRUN flushes %s\n",
		   svm_has(SVM_FEAT_VMCBCLEAN) ? "used (unchanged field groups are not reloaded)"
					       : "absent (VMRUN reloads the whole VMCB)",
		   svm_has(SVM_FEAT_FLUSHBYASID) ? "the guest's ASID (TLB_CONTROL 3)"
						 : "the whole TLB (TLB_CONTROL 1)");
}

int svm_init(void)
{
	uint32_t r[4];
	hpa_t hsave;

	/* APM Vol.2 15.4: CPUID Fn8000_0001 ECX.SVM says the CPU has SVM. */
	svm_host_cpuid(0x80000000u, 0, r);
	if (r[0] < 0x8000000au) {
		log_printf(LOG_ERR, "svm: CPU has no SVM (max extended CPUID leaf 0x%x)\n", r[0]);
		return -1;
	}
	svm_host_cpuid(0x80000001u, 0, r);
	if (!(r[2] & CPUID_80000001_ECX_SVM)) {
		log_printf(LOG_ERR, "svm: CPU has no SVM (CPUID Fn8000_0001 ECX.SVM = 0); "
			   "under QEMU use -cpu max,+svm or -cpu host with KVM nested=1\n");
		return -1;
	}
	/* APM Vol.2 15.30.1: VM_CR.SVMDIS set means the firmware locked SVM off. */
	if (svm_rdmsr(MSR_VM_CR) & MSR_VM_CR_SVMDIS) {
		log_printf(LOG_ERR, "svm: SVM is disabled by the firmware (VM_CR.SVMDIS = 1); "
			   "enable \"SVM Mode\" in the BIOS setup\n");
		return -1;
	}

	svm_host_cpuid(0x8000000au, 0, r);
	svm_feat.revision = r[0] & 0xff;
	svm_feat.nasid = r[1];
	svm_feat.edx = r[3];
	svm_log_features();
	if (!svm_has(SVM_FEAT_NP)) {
		log_printf(LOG_ERR, "svm: CPU has no nested paging (Fn8000_000A EDX.NP = 0)\n");
		return -1;
	}
	if (svm_feat.nasid < 2) {
		log_printf(LOG_ERR, "svm: CPU reports %u ASIDs, need at least 2\n",
			   (unsigned)svm_feat.nasid);
		return -1;
	}

	/* APM Vol.2 15.4: EFER.SVME, then the host save area (15.30.4). */
	svm_wrmsr(MSR_EFER, svm_rdmsr(MSR_EFER) | X86_EFER_SVME);
	hsave = pmm_alloc_page();
	if (hsave == 0) {
		log_printf(LOG_ERR, "svm: out of memory for the host save area\n");
		return -1;
	}
	svm_wrmsr(MSR_VM_HSAVE_PA, hsave);
	log_printf(LOG_INFO, "svm: enabled, EFER.SVME set, host save area at 0x%llx\n",
		   (unsigned long long)hsave);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Virtual CPU */

int svm_vcpu_init(struct svm_vcpu *vcpu, hpa_t ncr3)
{
	struct vmcb_ctrl *c;

	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->vmcb_pa = pmm_alloc_page();
	vcpu->host_save_pa = pmm_alloc_page();
	vcpu->iopm_pa = pmm_alloc_pages(SVM_IOPM_PAGES, 1);
	vcpu->msrpm_pa = pmm_alloc_pages(SVM_MSRPM_PAGES, 1);
	if (vcpu->vmcb_pa == 0 || vcpu->host_save_pa == 0 || vcpu->iopm_pa == 0 ||
	    vcpu->msrpm_pa == 0)
		goto error;
	vcpu->vmcb = hpa_to_hva(vcpu->vmcb_pa);
	/*
	 * The host's FS/GS/TR/LDTR and SYSCALL/SYSENTER MSRs, which VMRUN
	 * does not restore (15.5.2): set up at boot and never changed, so
	 * saved once here and VMLOADed after every #VMEXIT (svm_entry.S).
	 */
	__asm__ volatile("vmsave %%rax" : : "a"(vcpu->host_save_pa) : "memory");

	/*
	 * Intercept every port and every MSR: a set bit means "intercept"
	 * (APM Vol.2 15.10.1, 15.11). MSRs outside the three MSRPM ranges
	 * always exit.
	 */
	memset(hpa_to_hva(vcpu->iopm_pa), 0xff, SVM_IOPM_PAGES * PAGE_SIZE);
	memset(hpa_to_hva(vcpu->msrpm_pa), 0xff, SVM_MSRPM_PAGES * PAGE_SIZE);

	c = &vcpu->vmcb->ctrl;
	/*
	 * INVD would throw away dirty cache lines of the hypervisor's too:
	 * exit.c runs WBINVD instead (15.9). WBINVD is intercepted as well
	 * (misc2) because QEMU TCG 7.2 reports INVD under that intercept.
	 */
	c->intercept_misc1 = VMCB_CTRL_INTERCEPT_INTR | VMCB_CTRL_INTERCEPT_NMI |
			     VMCB_CTRL_INTERCEPT_CPUID | VMCB_CTRL_INTERCEPT_INVD |
			     VMCB_CTRL_INTERCEPT_HLT | VMCB_CTRL_INTERCEPT_INVLPGA |
			     VMCB_CTRL_INTERCEPT_IOIO_PROT | VMCB_CTRL_INTERCEPT_MSR_PROT |
			     VMCB_CTRL_INTERCEPT_SHUTDOWN;
	/*
	 * VMRUN must be intercepted or VMRUN fails its consistency check
	 * (15.5.1). MONITOR/MWAIT are hidden in CPUID and get #UD; not
	 * intercepted, MWAIT would stop the physical CPU for the guest.
	 */
	c->intercept_misc2 = VMCB_CTRL_INTERCEPT_VMRUN | VMCB_CTRL_INTERCEPT_VMMCALL |
			     VMCB_CTRL_INTERCEPT_VMLOAD | VMCB_CTRL_INTERCEPT_VMSAVE |
			     VMCB_CTRL_INTERCEPT_STGI | VMCB_CTRL_INTERCEPT_CLGI |
			     VMCB_CTRL_INTERCEPT_SKINIT | VMCB_CTRL_INTERCEPT_WBINVD |
			     VMCB_CTRL_INTERCEPT_MONITOR | VMCB_CTRL_INTERCEPT_MWAIT;
	/*
	 * Exceptions (15.12). Machine checks belong to the host: #MC is
	 * intercepted so that a guest never sees one the hypervisor has not
	 * looked at. #AC and #DB are intercepted and reflected (exit.c) so
	 * that a guest cannot hang the CPU in an endless microcode loop of
	 * nested #AC (CVE-2015-5307) or #DB (CVE-2015-8104) deliveries: each
	 * one is a #VMEXIT, and the host runs in between.
	 */
	c->intercept_exc = VMCB_CTRL_INTERCEPT_EXC_DB | VMCB_CTRL_INTERCEPT_EXC_AC |
			   VMCB_CTRL_INTERCEPT_EXC_MC;
	c->iopm_base_pa = vcpu->iopm_pa;
	c->msrpm_base_pa = vcpu->msrpm_pa;
	c->asid = SVM_GUEST_ASID;
	/*
	 * V_INTR_MASKING: the guest's RFLAGS.IF masks only virtual
	 * interrupts; physical ones stay under the host's IF (15.21.1).
	 */
	c->v_intr = VMCB_CTRL_V_INTR_MASKING;
	c->np_ctrl = VMCB_CTRL_NP_ENABLE;
	c->n_cr3 = ncr3;
	/*
	 * VMCB clean bits (15.15): 0 = reload everything. It stays 0 when
	 * the CPU lacks them (such a CPU does not read the field); otherwise
	 * svm_vcpu_run() computes it before each VMRUN. The shadow starts
	 * empty, so the first VMRUN gets 0 (15.15.2).
	 */
	c->clean = 0;
	vmcb_clean_invalidate(&vcpu->clean_shadow);
	if (svm_has(SVM_FEAT_VMCBCLEAN))
		vcpu->run_extra |= SVM_RUN_CLEAN;
	/*
	 * One guest, one ASID and nested tables that do not change while it
	 * runs: flushing the TLB once, on the first VMRUN, is enough. With
	 * flush-by-ASID that flush is of our ASID only (3); without it only
	 * "flush all" (1) is a legal value (15.16.1).
	 */
	c->tlb_ctrl = VMCB_CTRL_TLB_CTRL_NOTHING;
	vcpu->flush_tlb_ctrl = svm_has(SVM_FEAT_FLUSHBYASID) ? VMCB_CTRL_TLB_CTRL_FLUSH_ASID
							     : VMCB_CTRL_TLB_CTRL_FLUSH_ALL;
	vcpu->run_extra |= SVM_RUN_FLUSH;
	event_init(vcpu);
	return 0;

error:
	log_printf(LOG_ERR, "svm: out of memory for the VMCB and permission maps\n");
	return -1;
}

/*
 * svm_vcpu_run() (svm.h) with the extra work of run_extra: a TLB flush
 * (TLB_CONTROL for this one VMRUN, back to 0 after it: VMRUN reads the
 * field and leaves it, 15.16.1) and the VMCB clean bits.
 *
 * Clean bits (15.15): set for every group whose fields still hold what
 * the last #VMEXIT left in them. The rules of 15.15.2 that force 0 for
 * the whole field: the first run (the shadow starts empty), another VMCB
 * address (the shadow records which VMCB it saw; ours never moves), and
 * another core (never: the guest runs on the boot CPU only). An ASID
 * change only dirties the ASID group: the cache is keyed by the VMCB
 * address, not the ASID (15.15).
 */
void svm_vcpu_run_extra(struct svm_vcpu *vcpu)
{
	struct vmcb *v = vcpu->vmcb;
	uint8_t extra = vcpu->run_extra;

	if (extra & SVM_RUN_FLUSH)
		v->ctrl.tlb_ctrl = vcpu->flush_tlb_ctrl;
	if (extra & SVM_RUN_CLEAN)
		v->ctrl.clean = vmcb_clean_bits(v, &vcpu->clean_shadow);
	v->state.rax = vcpu->gpr[X86_GPR_RAX];
	v->state.rsp = vcpu->gpr[X86_GPR_RSP];
	svm_world_switch(vcpu->gpr, vcpu->vmcb_pa, vcpu->host_save_pa);
	vcpu->gpr[X86_GPR_RAX] = v->state.rax;
	vcpu->gpr[X86_GPR_RSP] = v->state.rsp;
	if (extra & SVM_RUN_FLUSH) {
		v->ctrl.tlb_ctrl = VMCB_CTRL_TLB_CTRL_NOTHING;
		vcpu->run_extra &= (uint8_t)~SVM_RUN_FLUSH;
	}
	if (extra & SVM_RUN_CLEAN) {
		/* A refused VMRUN (15.5.1) leaves the cache unknown: reload it all. */
		if (vmcb_exitcode_is_invalid(v->ctrl.exitcode))
			vmcb_clean_invalidate(&vcpu->clean_shadow);
		else
			vmcb_clean_snapshot(&vcpu->clean_shadow, v);
	}
}

void svm_vcpu_get_fetch_state(const struct svm_vcpu *vcpu, struct x86_state *st)
{
	const struct vmcb_state *s = &vcpu->vmcb->state;

	st->rip = s->rip;
	st->rflags = s->rflags;
	st->seg[X86_SEG_CS] = (struct x86_segment){
		.sel = s->cs.sel, .attr = s->cs.attr, .limit = s->cs.limit, .base = s->cs.base,
	};
	st->cr0 = s->cr0;
	st->cr3 = s->cr3;
	st->cr4 = s->cr4;
	st->efer = s->efer;
	st->cpl = s->cpl;
}

/*
 * The VMCB keeps ES, CS, SS, DS, FS, GS one after the other (APM Vol.2
 * Appendix B, 0x400-0x45f), in the order of enum x86_seg, each in the
 * layout of struct x86_segment: the six are one copy.
 */
_Static_assert(X86_SEG_ES == 0 && X86_SEG_CS == 1 && X86_SEG_SS == 2 && X86_SEG_DS == 3 &&
	       X86_SEG_FS == 4 && X86_SEG_GS == 5 && X86_SEG_COUNT == 6, "VMCB segment order");
_Static_assert(offsetof(struct vmcb_state, cs) == offsetof(struct vmcb_state, es) + 0x10 &&
	       offsetof(struct vmcb_state, ss) == offsetof(struct vmcb_state, es) + 0x20 &&
	       offsetof(struct vmcb_state, ds) == offsetof(struct vmcb_state, es) + 0x30 &&
	       offsetof(struct vmcb_state, fs) == offsetof(struct vmcb_state, es) + 0x40 &&
	       offsetof(struct vmcb_state, gs) == offsetof(struct vmcb_state, es) + 0x50,
	       "APM Vol.2 App. B: ES..GS adjacent");
_Static_assert(sizeof(struct x86_segment) == sizeof(struct vmcb_seg) &&
	       offsetof(struct x86_segment, sel) == offsetof(struct vmcb_seg, sel) &&
	       offsetof(struct x86_segment, attr) == offsetof(struct vmcb_seg, attr) &&
	       offsetof(struct x86_segment, limit) == offsetof(struct vmcb_seg, limit) &&
	       offsetof(struct x86_segment, base) == offsetof(struct vmcb_seg, base) &&
	       sizeof(((struct x86_state *)0)->seg) == 6 * sizeof(struct vmcb_seg),
	       "struct x86_segment has the VMCB's segment layout");

void svm_vcpu_get_state(const struct svm_vcpu *vcpu, struct x86_state *st)
{
	const struct vmcb_state *s = &vcpu->vmcb->state;

	/*
	 * __builtin_memcpy of a constant size is moves of 8 bytes inline;
	 * memcpy() is a REP MOVSB of as many iterations (string.c). Every
	 * MMIO and port I/O exit copies the GPRs in and out.
	 */
	__builtin_memcpy(st->seg, &s->es, sizeof(st->seg));
	__builtin_memcpy(st->gpr, vcpu->gpr, sizeof(st->gpr));
	st->rip = s->rip;
	st->rflags = s->rflags;
	st->cr0 = s->cr0;
	st->cr2 = s->cr2;
	st->cr3 = s->cr3;
	st->cr4 = s->cr4;
	st->efer = s->efer;
	st->cpl = s->cpl;
}

void svm_vcpu_put_state(struct svm_vcpu *vcpu, const struct x86_state *st)
{
	__builtin_memcpy(vcpu->gpr, st->gpr, sizeof(vcpu->gpr));      /* see above */
	vcpu->vmcb->state.rflags = st->rflags;
}
