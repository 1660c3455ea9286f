/*
 * vm.c - the one guest: configuration from the command line, guest RAM
 * and its nested mapping, the initial vCPU state of include/guest_abi.h,
 * and the VMRUN loop.
 *
 * Guest-physical layout (like a PC):
 *
 *   0x00000000 - 0x0009ffff   RAM (640 KiB)
 *   0x000a0000 - 0x000fffff   hole: VGA/ROM, not mapped (NPF)
 *   0x00100000 - ram_top      RAM
 *   ram_top    - ...          not mapped; MMIO ranges will live below 4 GiB
 *
 * All of guest RAM is one zeroed, 2 MiB-aligned host block of ram_top
 * bytes: GPA x is at host block + x, so the hole costs 384 KiB of host
 * memory and the NPT can use 2 MiB pages from 2 MiB up.
 */
#include "vm.h"
#include "cmdline.h"
#include "exit_priv.h"
#include "guest_abi.h"
#include "guest_load.h"
#include "log.h"
#include "mb2.h"
#include "pmm.h"
#include "status.h"
#include "string.h"
#include "testhooks.h"
#include "x86_guestmem.h"

static struct vm the_vm;

void *vm_gpa_to_hva(struct vm *vm, gpa_t gpa, uint64_t len)
{
	uint64_t avail;
	uint8_t *p = x86_gpa_to_hva(&vm->mach, gpa, &avail);

	/* One RAM range of the guest's memory map must hold all len bytes. */
	if (p == NULL || len == 0 || avail < len)
		return NULL;
	return p;
}

void vm_stop(struct vm *vm, int status)
{
	if (vm->stopped)
		return;
	vm->stopped = true;
	vm->status = status;
}

bool vm_wait_interrupt(struct vm *vm)
{
	(void)vm;
	return false;
}

/* ---------------------------------------------------------------------- */
/* Memory */

/* mem= -> ram_top, checked. Returns 0 or -1 after printing why. */
static int vm_mem_config(struct vm *vm)
{
	const char *s = cmdline_get("mem");
	uint64_t mem = VM_MEM_DEFAULT;

	if (s != NULL && cmdline_parse_u64(s, &mem) != 0) {
		log_printf(LOG_ERR, "vm: mem=%s is not a size (e.g. mem=128M)\n", s);
		return -1;
	}
	mem = ALIGN_DOWN(mem, PAGE_SIZE);
	if (mem < VM_MEM_MIN || mem > VM_MEM_MAX) {
		log_printf(LOG_ERR, "vm: mem=%llu KiB is out of range: guest RAM must be "
			   "%llu KiB .. %llu MiB\n", (unsigned long long)(mem >> 10),
			   (unsigned long long)(VM_MEM_MIN >> 10),
			   (unsigned long long)(VM_MEM_MAX >> 20));
		return -1;
	}
	vm->ram_top = mem;
	return 0;
}

/* Allocate guest RAM and map it in the NPT. Returns 0 or -1 after printing why. */
static int vm_mem_init(struct vm *vm)
{
	uint64_t npages = vm->ram_top / PAGE_SIZE;
	uint32_t cpuid[4];

	vm->ram_hpa = pmm_alloc_pages(npages, NPT_LARGE_SIZE / PAGE_SIZE);
	if (vm->ram_hpa == 0) {
		log_printf(LOG_ERR, "vm: cannot allocate %llu MiB of contiguous guest RAM "
			   "(host has %llu MiB, %llu MiB free); use a smaller mem=\n",
			   (unsigned long long)(vm->ram_top >> 20),
			   (unsigned long long)(boot_ram_total() >> 20),
			   (unsigned long long)((pmm_free_page_count() * PAGE_SIZE) >> 20));
		return -1;
	}
	vm->ram = hpa_to_hva(vm->ram_hpa);    /* zeroed by pmm */

	if (npt_init(&vm->npt) != 0 ||
	    npt_map(&vm->npt, 0, vm->ram_hpa, GUEST_LOWMEM_TOP) != 0 ||
	    npt_map(&vm->npt, GUEST_HIMEM_BASE, vm->ram_hpa + GUEST_HIMEM_BASE,
		    vm->ram_top - GUEST_HIMEM_BASE) != 0) {
		log_printf(LOG_ERR, "vm: out of memory for the nested page tables\n");
		return -1;
	}

	/* The same two ranges for the assist library (vmm/x86_guestmem.h). */
	if (x86_memmap_add(&vm->mach, 0, GUEST_LOWMEM_TOP, vm->ram,
			   X86_PROT_READ | X86_PROT_WRITE) != 0 ||
	    x86_memmap_add(&vm->mach, GUEST_HIMEM_BASE, vm->ram_top - GUEST_HIMEM_BASE,
			   vm->ram + GUEST_HIMEM_BASE, X86_PROT_READ | X86_PROT_WRITE) != 0) {
		log_printf(LOG_ERR, "vm: cannot register guest RAM with the assist library\n");
		return -1;
	}
	svm_host_cpuid(0x80000008u, 0, cpuid);
	vm->mach.maxphyaddr = (uint8_t)(cpuid[0] & 0xff);
	vm->mach.io_cb = exit_io_port;
	vm->mach.cb_ctx = vm;

	log_printf(LOG_INFO, "vm: guest RAM %llu MiB at host 0x%llx; NPT: %llu x 2 MiB + "
		   "%llu x 4 KiB pages, %llu table pages\n",
		   (unsigned long long)(vm->ram_top >> 20), (unsigned long long)vm->ram_hpa,
		   (unsigned long long)vm->npt.mapped_2m, (unsigned long long)vm->npt.mapped_4k,
		   (unsigned long long)vm->npt.table_pages);
	return 0;
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

/* Run until the guest stops; returns its HV_STATUS_*. */
static int vm_run(struct vm *vm)
{
	while (!vm->stopped) {
		svm_vcpu_run(&vm->vcpu);
		exit_handle(vm);
	}
	exit_io_console_flush(vm);
	return vm->status;
}

int vm_main(void)
{
	struct vm *vm = &the_vm;
	struct guest_image img;
	int status;

	memset(vm, 0, sizeof(*vm));
	if (vm_mem_config(vm) != 0)
		return HV_STATUS_BAD_CONFIG;
	if (guest_load_select(&img) != 0)
		return HV_STATUS_BAD_CONFIG;
	vm->guest_name = img.name;
	if (svm_init() != 0)
		return HV_STATUS_NO_SVM;
	if (vm_mem_init(vm) != 0)
		return HV_STATUS_BAD_CONFIG;
	if (guest_load(vm, &img) != 0)
		return HV_STATUS_BAD_CONFIG;
	if (svm_vcpu_init(&vm->vcpu, vm->npt.root) != 0)
		return HV_STATUS_BAD_CONFIG;
	vm_vcpu_reset(&vm->vcpu);
	if (testhooks_vm(vm) != 0)
		return HV_STATUS_BAD_CONFIG;

	log_printf(LOG_INFO, "vm: starting guest \"%s\"\n", vm->guest_name);
	status = vm_run(vm);
	exit_stats_print(vm);
	log_printf(LOG_INFO, "vm: guest \"%s\" stopped, status %d\n", vm->guest_name, status);
	return status;
}
