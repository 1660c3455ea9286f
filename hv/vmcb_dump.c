/*
 * vmcb_dump.c - the VMCB dump printed when a guest error ends the run
 * (unhandled exit, VMEXIT_INVALID, a bad instruction fetch): control
 * fields, intercepts and the guest state (APM Vol.2 Appendix B layout).
 * Declared in vmcb.h.
 */
#include "log.h"
#include "vmcb.h"

static void vmcb_dump_seg(const char *name, const struct vmcb_seg *s)
{
	kprintf("  %-4s sel=%04x attr=%03x limit=%08x base=%016llx\n", name,
		(unsigned)s->sel, (unsigned)s->attr, (unsigned)s->limit,
		(unsigned long long)s->base);
}

void vmcb_dump(const struct vmcb *vmcb)
{
	const struct vmcb_ctrl *c = &vmcb->ctrl;
	const struct vmcb_state *s = &vmcb->state;

	kprintf("VMCB dump:\n");
	kprintf("  exitcode=%llx (%s) exitinfo1=%llx exitinfo2=%llx exitintinfo=%llx\n",
		(unsigned long long)c->exitcode, vmcb_exitcode_str(c->exitcode),
		(unsigned long long)c->exitinfo1, (unsigned long long)c->exitinfo2,
		(unsigned long long)c->exitintinfo);
	kprintf("  intercepts cr=%08x dr=%08x exc=%08x misc1=%08x misc2=%08x\n",
		(unsigned)c->intercept_cr, (unsigned)c->intercept_dr,
		(unsigned)c->intercept_exc, (unsigned)c->intercept_misc1,
		(unsigned)c->intercept_misc2);
	kprintf("  iopm=%llx msrpm=%llx asid=%u tlb_ctrl=%u np=%llx n_cr3=%llx\n",
		(unsigned long long)c->iopm_base_pa, (unsigned long long)c->msrpm_base_pa,
		(unsigned)c->asid, (unsigned)c->tlb_ctrl, (unsigned long long)c->np_ctrl,
		(unsigned long long)c->n_cr3);
	kprintf("  v_intr=%llx intr_shadow=%llx eventinj=%llx nrip=%llx insn_len=%u\n",
		(unsigned long long)c->v_intr, (unsigned long long)c->intr_shadow,
		(unsigned long long)c->eventinj, (unsigned long long)c->nrip,
		(unsigned)c->insn_len);
	kprintf("  rip=%016llx rsp=%016llx rax=%016llx rflags=%llx cpl=%u\n",
		(unsigned long long)s->rip, (unsigned long long)s->rsp,
		(unsigned long long)s->rax, (unsigned long long)s->rflags,
		(unsigned)s->cpl);
	kprintf("  cr0=%llx cr2=%llx cr3=%llx cr4=%llx efer=%llx\n",
		(unsigned long long)s->cr0, (unsigned long long)s->cr2,
		(unsigned long long)s->cr3, (unsigned long long)s->cr4,
		(unsigned long long)s->efer);
	kprintf("  dr6=%llx dr7=%llx g_pat=%llx\n", (unsigned long long)s->dr6,
		(unsigned long long)s->dr7, (unsigned long long)s->g_pat);
	vmcb_dump_seg("es", &s->es);
	vmcb_dump_seg("cs", &s->cs);
	vmcb_dump_seg("ss", &s->ss);
	vmcb_dump_seg("ds", &s->ds);
	vmcb_dump_seg("fs", &s->fs);
	vmcb_dump_seg("gs", &s->gs);
	vmcb_dump_seg("gdtr", &s->gdtr);
	vmcb_dump_seg("ldtr", &s->ldtr);
	vmcb_dump_seg("idtr", &s->idtr);
	vmcb_dump_seg("tr", &s->tr);
}
