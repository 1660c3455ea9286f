/*
 * vm.c - the one guest: start-up in order (configuration, SVM, the
 * machine, RAM, the image, the vCPU), its initial vCPU state
 * (include/guest_abi.h), and the run's outcome. See vm.h for the other
 * vm_*.c files.
 */
#include "vm.h"
#include "cmdline.h"
#include "exit_priv.h"
#include "guest_abi.h"
#include "guest_load.h"
#include "log.h"
#include "pmm.h"
#include "status.h"
#include "string.h"

static struct vm the_vm;

void vm_stop(struct vm *vm, int status)
{
	if (vm->stopped)
		return;
	vm->stopped = true;
	vm->status = status;
}

/* ---------------------------------------------------------------------- */
/* Test hooks */

/*
 * leakcanary: fill host memory the guest must never see with "HVSECRET"
 * (a static buffer in the image and every page still free), so that a
 * guest scanning its RAM can prove the NPT exposes none of it. The free
 * pages are taken in 2 MiB chunks, filled and given back; the allocator
 * zeroes pages when it hands them out, so nothing later sees the pattern
 * unless it reads memory it does not own.
 */
#define VM_CANARY        "HVSECRET"
#define VM_CANARY_CHUNKS 2048                   /* 4 GiB in 2 MiB chunks */
static uint8_t vm_canary_buf[64 * 1024];
static hpa_t vm_canary_chunk[VM_CANARY_CHUNKS];

static void vm_canary_fill(uint8_t *p, uint64_t len)
{
	for (uint64_t i = 0; i + 8 <= len; i += 8)
		memcpy(p + i, VM_CANARY, 8);
}

static void vm_plant_canary(void)
{
	unsigned n = 0;
	uint64_t bytes = sizeof(vm_canary_buf);
	hpa_t pa;

	vm_canary_fill(vm_canary_buf, sizeof(vm_canary_buf));
	while (n < VM_CANARY_CHUNKS) {
		pa = pmm_alloc_pages(NPT_LARGE_SIZE / PAGE_SIZE, 1);
		if (pa == 0)
			break;
		vm_canary_fill(hpa_to_hva(pa), NPT_LARGE_SIZE);
		vm_canary_chunk[n++] = pa;
		bytes += NPT_LARGE_SIZE;
	}
	for (unsigned i = 0; i < n; i++)
		pmm_free_pages(vm_canary_chunk[i], NPT_LARGE_SIZE / PAGE_SIZE);
	log_printf(LOG_INFO, "vm: leakcanary: \"%s\" planted in %llu KiB of host memory\n",
		   VM_CANARY, (unsigned long long)(bytes >> 10));
}

/* ---------------------------------------------------------------------- */
/* vCPU */

static void vm_seg(struct vmcb_seg *s, uint16_t sel, uint64_t base, uint32_t limit,
		   uint16_t attr)
{
	s->sel = sel;
	s->base = base;
	s->limit = limit;
	s->attr = attr;
}

/*
 * The state of include/guest_abi.h: 16-bit real mode at
 * GUEST_ENTRY_CS:0000, data segments 0, SP = GUEST_ENTRY_SP, CR0 = ET,
 * EFER = 0 as the guest sees it (the VMCB copy has SVME, 15.5.1).
 * Attributes in VMCB format (APM Vol.2 15.5.1 / Appendix B).
 */
static void vm_vcpu_reset(struct svm_vcpu *vcpu)
{
	struct vmcb_state *s = &vcpu->vmcb->state;
	const uint16_t code16 = X86_SEGATTR_P | X86_SEGATTR_S | 0xb;   /* exec/read, accessed */
	const uint16_t data16 = X86_SEGATTR_P | X86_SEGATTR_S | 0x3;   /* read/write, accessed */

	vm_seg(&s->cs, GUEST_ENTRY_CS, (uint64_t)GUEST_ENTRY_CS << 4, 0xffff, code16);
	vm_seg(&s->ds, 0, 0, 0xffff, data16);
	vm_seg(&s->es, 0, 0, 0xffff, data16);
	vm_seg(&s->ss, 0, 0, 0xffff, data16);
	vm_seg(&s->fs, 0, 0, 0xffff, data16);
	vm_seg(&s->gs, 0, 0, 0xffff, data16);
	vm_seg(&s->gdtr, 0, 0, 0xffff, 0);
	vm_seg(&s->idtr, 0, 0, 0x3ff, 0);
	vm_seg(&s->ldtr, 0, 0, 0xffff, X86_SEGATTR_P | 0x2);       /* LDT */
	vm_seg(&s->tr, 0, 0, 0xffff, X86_SEGATTR_P | 0xb);         /* busy TSS */
	s->cpl = 0;
	s->efer = X86_EFER_SVME;
	s->cr0 = BIT(4);                                           /* ET */
	s->cr3 = 0;
	s->cr4 = 0;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->rflags = 0x2;
	s->rip = 0;
	s->g_pat = 0x0007040600070406ULL;                          /* power-on PAT */
	memset(vcpu->gpr, 0, sizeof(vcpu->gpr));
	vcpu->gpr[X86_GPR_RSP] = GUEST_ENTRY_SP;
}

/*
 * hvtest=WORD: break the VM on purpose, to test the hypervisor's error
 * paths from QEMU (tests/guests/guest_test.py, scenario hvtest). Never
 * for normal use.
 *  - intercept_rdtsc: RDTSC exits too, and nothing handles it: the
 *    "unhandled exit" path (VMCB dump, HV_STATUS_GUEST_ERROR).
 *  - bad_vmcb: EFER.SVME cleared in the guest VMCB, which VMRUN's
 *    consistency checks refuse (APM Vol.2 15.5.1): VMEXIT_INVALID.
 * Returns 0, or -1 after printing why for an unknown word.
 */
static int vm_hvtest(struct vm *vm)
{
	const char *t = cmdline_get("hvtest");
	struct vmcb *v = vm->vcpu.vmcb;

	if (t == NULL)
		return 0;
	if (strcmp(t, "intercept_rdtsc") == 0) {
		v->ctrl.intercept_misc1 |= VMCB_CTRL_INTERCEPT_RDTSC;
	} else if (strcmp(t, "bad_vmcb") == 0) {
		v->state.efer &= ~X86_EFER_SVME;
	} else {
		log_printf(LOG_ERR, "vm: hvtest=%s unknown (intercept_rdtsc, bad_vmcb)\n", t);
		return -1;
	}
	log_printf(LOG_WARN, "vm: hvtest=%s: the VM is broken on purpose\n", t);
	return 0;
}

int vm_main(void)
{
	struct vm *vm = &the_vm;
	struct guest_image img;
	uint32_t cpuid[4];
	int status;

	memset(vm, 0, sizeof(*vm));
	if (vm_config(vm) != 0)
		return HV_STATUS_BAD_CONFIG;
	if (guest_load_select(&img) != 0)
		return HV_STATUS_BAD_CONFIG;
	vm->guest_name = img.name;
	if (svm_init() != 0)
		return HV_STATUS_NO_SVM;
	/* The guest sees the host's physical-address width (CPUID Fn8000_0008). */
	svm_host_cpuid(0x80000008u, 0, cpuid);
	vm->maxphyaddr = (uint8_t)(cpuid[0] & 0xff);
	if (vm_host_init(vm) != 0 || vm_mem_init(vm) != 0)
		return HV_STATUS_BAD_CONFIG;
	if (guest_load(vm, &img) != 0)
		return HV_STATUS_BAD_CONFIG;
	if (svm_vcpu_init(&vm->vcpu, vm->npt.root) != 0)
		return HV_STATUS_BAD_CONFIG;
	vm_vcpu_reset(&vm->vcpu);
	if (vm_hvtest(vm) != 0)
		return HV_STATUS_BAD_CONFIG;
	if (cmdline_has("leakcanary"))
		vm_plant_canary();

	log_printf(LOG_INFO, "vm: starting guest \"%s\"%s\n", vm->guest_name,
		   vm->watchdog_ns ? " (watchdog on)" : "");
	status = vm_run(vm);
	exit_stats_print(vm);
	log_printf(LOG_INFO, "vm: guest \"%s\" stopped, status %d\n", vm->guest_name, status);
	return status;
}
