/*
 * vm.c - the one guest: start-up in order (configuration, SVM, the
 * machine, RAM, the image, the vCPU), its initial vCPU state
 * (include/guest_abi.h), and the run's outcome. See vm.h for the other
 * vm_*.c files.
 */
#include "vm.h"
#include "cmdline.h"
#include "exit.h"
#include "exit_priv.h"
#include "guest_abi.h"
#include "guest_load.h"
#include "log.h"
#include "pmm.h"
#include "status.h"
#include "string.h"
#include "testhooks.h"

static struct vm the_vm;

void vm_stop(struct vm *vm, int status)
{
	if (vm->stopped)
		return;
	vm->stopped = true;
	vm->status = status;
}

/* ---------------------------------------------------------------------- */
/* vCPU */

static void vm_seg(struct vmcb_seg *v, const struct x86_segment *s)
{
	v->sel = s->sel;
	v->base = s->base;
	v->limit = s->limit;
	v->attr = s->attr;
}

/*
 * The loader's entry state (vmm/loader/boot_state.h) into the VMCB: the
 * segments in VMCB format already (APM Vol.2 15.5.1 / Appendix B), CPL
 * from SS.DPL (CPL 0 for every loader), EFER with SVME as VMRUN needs
 * it (the guest never sees SVME, hv/exit_msr.c), and the reset values of
 * what loaders do not set: LDTR null, TR a busy 32-bit TSS at 0, DR6/DR7,
 * the power-on PAT.
 */
static void vm_vcpu_boot(struct svm_vcpu *vcpu, const struct boot_state *bs)
{
	struct vmcb_state *s = &vcpu->vmcb->state;
	static const struct x86_segment ldtr = { 0, X86_SEGATTR_P | 0x2, 0xffff, 0 };
	static const struct x86_segment tr = { 0, X86_SEGATTR_P | 0xb, 0xffff, 0 };

	vm_seg(&s->es, &bs->seg[X86_SEG_ES]);
	vm_seg(&s->cs, &bs->seg[X86_SEG_CS]);
	vm_seg(&s->ss, &bs->seg[X86_SEG_SS]);
	vm_seg(&s->ds, &bs->seg[X86_SEG_DS]);
	vm_seg(&s->fs, &bs->seg[X86_SEG_FS]);
	vm_seg(&s->gs, &bs->seg[X86_SEG_GS]);
	vm_seg(&s->ldtr, &ldtr);
	vm_seg(&s->tr, &tr);
	s->gdtr.base = bs->gdtr.base;
	s->gdtr.limit = bs->gdtr.limit;
	s->idtr.base = bs->idtr.base;
	s->idtr.limit = bs->idtr.limit;
	s->cpl = (uint8_t)SHIFTOUT(bs->seg[X86_SEG_SS].attr, X86_SEGATTR_DPL);
	s->efer = bs->efer | X86_EFER_SVME;
	s->cr0 = bs->cr0;
	s->cr3 = bs->cr3;
	s->cr4 = bs->cr4;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->rflags = bs->rflags;
	s->rip = bs->rip;
	s->g_pat = 0x0007040600070406ULL;                          /* power-on PAT */
	memcpy(vcpu->gpr, bs->gpr, sizeof(vcpu->gpr));
	exit_msr_reset(vcpu);
}


int vm_main(void)
{
	struct vm *vm = &the_vm;
	struct guest_image img;
	struct boot_state bs;
	uint32_t cpuid[4];
	int status, module;

	memset(vm, 0, sizeof(*vm));
	if (vm_config(vm) != 0)
		return HV_STATUS_BAD_CONFIG;
	if (guest_load_select(&img, &module) != 0)
		return HV_STATUS_BAD_CONFIG;
	vm->guest_name = img.name;
	if (svm_init() != 0)
		return HV_STATUS_NO_SVM;
	/* The guest sees the host's physical-address width (CPUID Fn8000_0008). */
	svm_host_cpuid(0x80000008u, 0, cpuid);
	vm->maxphyaddr = (uint8_t)(cpuid[0] & 0xff);
	if (vm_host_init(vm) != 0 || vm_mem_init(vm) != 0)
		return HV_STATUS_BAD_CONFIG;
	if (guest_load(vm, &img, module, vm->rsdp, &bs) != 0)
		return HV_STATUS_BAD_CONFIG;
	if (svm_vcpu_init(&vm->vcpu, vm->npt.root) != 0)
		return HV_STATUS_BAD_CONFIG;
	vm_vcpu_boot(&vm->vcpu, &bs);
	if (testhooks_vm(vm) != 0)
		return HV_STATUS_BAD_CONFIG;

	log_printf(LOG_INFO, "vm: starting guest \"%s\"%s\n", vm->guest_name,
		   vm->watchdog_ns ? " (watchdog on)" : "");
	status = vm_run(vm);
	exit_stats_print(vm);
	if (vm->exitprof)
		exit_ticks_print(vm);
	log_printf(LOG_INFO, "vm: guest \"%s\" stopped, status %d\n", vm->guest_name, status);
	return status;
}
