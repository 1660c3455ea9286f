/*
 * vm_mem.c - guest RAM, its nested mapping, and the same map for the
 * monitor.
 *
 * Guest-physical layout (like a PC):
 *
 *   0x00000000 - 0x0009ffff   RAM (640 KiB)
 *   0x000a0000 - 0x000bffff   VGA window: no device, not mapped (reads all ones)
 *   0x000c0000 - 0x000dffff   option ROM space: read-only, all ones (no ROM)
 *   0x000e0000 - 0x000fffff   BIOS area: read-only; the ACPI tables at
 *                             0xe0000, the MP table at 0xf0000
 *   0x00100000 - ram_top      RAM
 *   ram_top    - ...          not mapped: devices (IOAPIC, LAPIC, test
 *                             device below 4 GiB), everything else reads
 *                             all-ones (vmm/vmm.h)
 *
 * All of guest RAM is one zeroed, 2 MiB-aligned host block of ram_top
 * bytes: GPA x is at host block + x, so the hole costs 384 KiB of host
 * memory and the NPT can use 2 MiB pages from 2 MiB up. Nothing else is
 * ever mapped, so the hypervisor's memory is out of the guest's reach.
 * The ROM areas are real memory the guest cannot write (the NPT maps
 * them read-only: a write exits and the Mem Assist drops it), so that
 * the scans every PC OS makes there (option ROMs, the RSDP, the MP
 * floating pointer) run at memory speed instead of one exit per read.
 */
#include "guest_abi.h"
#include "log.h"
#include "mb2.h"
#include "pmm.h"
#include "vm.h"
#include "x86_guestmem.h"

void *vm_gpa_to_hva(struct vm *vm, gpa_t gpa, uint64_t len)
{
	uint64_t avail;
	uint8_t *p = x86_gpa_to_hva(&vm->vmm.mem, gpa, &avail);

	/* One RAM range of the guest's memory map must hold all len bytes. */
	if (p == NULL || len == 0 || avail < len)
		return NULL;
	return p;
}

int vm_mem_init(struct vm *vm)
{
	uint64_t npages = vm->ram_top / PAGE_SIZE;

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

	memset(vm->ram + VM_ROM_BASE, 0xff, VM_BIOS_BASE - VM_ROM_BASE);
	if (npt_init(&vm->npt) != 0 ||
	    npt_map(&vm->npt, 0, vm->ram_hpa, GUEST_LOWMEM_TOP, true) != 0 ||
	    npt_map(&vm->npt, VM_ROM_BASE, vm->ram_hpa + VM_ROM_BASE,
		    GUEST_HIMEM_BASE - VM_ROM_BASE, false) != 0 ||
	    npt_map(&vm->npt, GUEST_HIMEM_BASE, vm->ram_hpa + GUEST_HIMEM_BASE,
		    vm->ram_top - GUEST_HIMEM_BASE, true) != 0) {
		log_printf(LOG_ERR, "vm: out of memory for the nested page tables\n");
		return -1;
	}
	if (vmm_add_ram(&vm->vmm, 0, GUEST_LOWMEM_TOP, vm->ram,
			X86_PROT_READ | X86_PROT_WRITE) != 0 ||
	    vmm_add_ram(&vm->vmm, VM_ROM_BASE, GUEST_HIMEM_BASE - VM_ROM_BASE,
			vm->ram + VM_ROM_BASE, X86_PROT_READ) != 0 ||
	    vmm_add_ram(&vm->vmm, GUEST_HIMEM_BASE, vm->ram_top - GUEST_HIMEM_BASE,
			vm->ram + GUEST_HIMEM_BASE, X86_PROT_READ | X86_PROT_WRITE) != 0) {
		log_printf(LOG_ERR, "vm: cannot register guest RAM with the monitor\n");
		return -1;
	}
	if (vmm_firmware(&vm->vmm, vm->ram + VM_BIOS_BASE, VM_BIOS_BASE,
			 GUEST_HIMEM_BASE - VM_BIOS_BASE, &vm->rsdp) != 0)
		return -1;
	log_printf(LOG_INFO, "vm: guest RAM %llu MiB at host 0x%llx; NPT: %llu x 2 MiB + "
		   "%llu x 4 KiB pages, %llu table pages\n",
		   (unsigned long long)(vm->ram_top >> 20), (unsigned long long)vm->ram_hpa,
		   (unsigned long long)vm->npt.mapped_2m, (unsigned long long)vm->npt.mapped_4k,
		   (unsigned long long)vm->npt.table_pages);
	return 0;
}
