/*
 * main.c - the hypervisor's C entry point: bring up the console, read
 * what GRUB passed, set up memory and exceptions, then run the guest.
 */
#include <stddef.h>
#include <stdint.h>

#include "../boot/boot.h"
#include "cmdline.h"
#include "idt.h"
#include "intr.h"
#include "log.h"
#include "mb2.h"
#include "panic.h"
#include "pmm.h"
#include "status.h"
#include "string.h"
#include "testhooks.h"
#include "tsc.h"
#include "uart.h"
#include "version.h"
#include "vm.h"

#define MAIN_MAX_RESERVED (MB2_MAX_MODULES + 2)

static const char *main_mmap_type_name(uint32_t type)
{
	switch (type) {
	case MB2_MEM_AVAILABLE:        return "available";
	case MB2_MEM_RESERVED:         return "reserved";
	case MB2_MEM_ACPI_RECLAIMABLE: return "ACPI reclaimable";
	case MB2_MEM_NVS:              return "ACPI NVS";
	case MB2_MEM_BADRAM:           return "bad RAM";
	case MB2_MEM_PERSISTENT:       return "persistent memory";
	case MB2_MEM_EFI_RUNTIME_CODE: return "EFI runtime code";
	default:                       return NULL;
	}
}

/*
 * Which firmware GRUB ran on: UEFI passes an EFI system table tag, legacy
 * BIOS none. tests/qemu/test_uefi.py parses the "boot: firmware" line.
 */
static void main_firmware_summary(void)
{
	if (boot_efi_systab_bits() == 0) {
		kprintf("boot: firmware BIOS (no EFI system table)\n");
		return;
	}
	kprintf("boot: firmware UEFI (%u-bit system table at 0x%llx%s)\n",
		boot_efi_systab_bits(), (unsigned long long)boot_efi_systab(),
		boot_efi_mmap_present() ? ", EFI memory map passed" : "");
	if (boot_efi_bs_active())
		hv_warn("the loader left EFI boot services running although the "
			"multiboot2 header does not ask for it; firmware may still "
			"own timers and memory\n");
}

/* Log level from loglevel=; a bad value is reported and ignored. */
static void main_set_log_level(void)
{
	const char *s = cmdline_get("loglevel");
	enum log_level lvl;

	if (s == NULL)
		return;
	if (log_level_parse(s, &lvl) != 0) {
		hv_err("bad loglevel \"%s\" (want err|warn|info|debug or 0-3), keeping %s\n",
		       s, log_level_name(log_level));
		return;
	}
	log_level = lvl;
}

/*
 * The boot summary. tests/qemu/test_boot.py parses the "boot: RAM",
 * "boot: cmdline" and "boot: module" lines: keep their format.
 */
static void main_boot_summary(void)
{
	uint64_t total = boot_ram_total();

	kprintf("boot: loader \"%s\"\n", boot_loader_name());
	main_firmware_summary();
	kprintf("boot: cmdline \"%s\"\n", cmdline_raw());
	for (unsigned i = 0; i < cmdline_count(); i++)
		log_printf(LOG_DEBUG, "boot: arg %u: %s=\"%s\"\n", i, cmdline_key(i),
			   cmdline_value(i));
	log_printf(LOG_INFO, "boot: memory map, %u entries:\n", boot_mmap_count());
	for (unsigned i = 0; i < boot_mmap_count(); i++) {
		const struct boot_mmap_entry *e = boot_mmap_get(i);
		const char *name = main_mmap_type_name(e->type);

		if (name != NULL)
			log_printf(LOG_INFO, "  [%016llx-%016llx] %s\n",
				   (unsigned long long)e->base,
				   (unsigned long long)(e->base + e->len - 1), name);
		else
			log_printf(LOG_INFO, "  [%016llx-%016llx] type %u\n",
				   (unsigned long long)e->base,
				   (unsigned long long)(e->base + e->len - 1), e->type);
	}
	kprintf("boot: RAM %llu KiB (%llu MiB) total, %llu KiB usable\n",
		(unsigned long long)(total >> 10), (unsigned long long)(total >> 20),
		(unsigned long long)(boot_ram_usable() >> 10));
	kprintf("boot: %u module(s)\n", boot_module_count());
	for (unsigned i = 0; i < boot_module_count(); i++) {
		const struct boot_module *m = boot_module_get(i);

		kprintf("boot: module %u [%016llx-%016llx) %llu bytes \"%s\"\n", i,
			(unsigned long long)m->start, (unsigned long long)m->end,
			(unsigned long long)(m->end - m->start), m->cmdline);
	}
}

/* Hand the usable map to the page allocator, minus what is in use. */
static void main_pmm_init(void)
{
	struct pmm_range avail[MB2_MAX_MMAP];
	struct pmm_range resv[MAIN_MAX_RESERVED];
	unsigned navail = 0, nresv = 0;
	hpa_t s, e;

	for (unsigned i = 0; i < boot_mmap_count(); i++) {
		const struct boot_mmap_entry *m = boot_mmap_get(i);

		if (m->type != MB2_MEM_AVAILABLE)
			continue;
		avail[navail].start = m->base;
		avail[navail].end = m->base + m->len;
		navail++;
	}
	/* The image includes .bss: page tables, boot and IST stacks, bitmaps. */
	resv[nresv].start = (hpa_t)(uintptr_t)__image_start;
	resv[nresv].end = (hpa_t)(uintptr_t)__image_end;
	nresv++;
	mb2_info_range(&s, &e);
	resv[nresv].start = s;
	resv[nresv].end = e;
	nresv++;
	for (unsigned i = 0; i < boot_module_count(); i++) {
		const struct boot_module *m = boot_module_get(i);

		resv[nresv].start = m->start;
		resv[nresv].end = m->end;
		nresv++;
	}
	pmm_init(avail, navail, resv, nresv);
	hv_info("%llu pages (%llu MiB) free; image [%p-%p)\n",
		(unsigned long long)pmm_free_page_count(),
		(unsigned long long)(pmm_free_page_count() * PAGE_SIZE >> 20),
		(void *)__image_start, (void *)__image_end);
	if (pmm_free_page_count() == 0)
		panic("no free memory for the page allocator");
}

void hv_main(uint32_t mb2_magic, uint64_t mb2_info)
{
	int status;

	uart_init();
	kprintf("\nsvmhv %s (%s)\n", HV_VERSION, HV_GIT_HASH);
	idt_init();

	if (mb2_parse(mb2_magic, (const void *)(uintptr_t)mb2_info) != 0)
		panic("cannot read the multiboot2 information: boot with GRUB (multiboot2)");
	cmdline_init(boot_cmdline());
	main_set_log_level();
	main_boot_summary();
	main_pmm_init();
	tsc_init();
	intr_init();

	if (testhooks_boot() != 0) {
		status = HV_STATUS_BAD_CONFIG;
	} else if (cmdline_has("boot_only")) {
		/* Foundation tests: stop after the boot summary, no SVM, no guest. */
		kprintf("boot: boot_only: not starting a guest\n");
		status = HV_STATUS_OK;
	} else {
		status = vm_main();
	}
	kprintf("svmhv: exit status %d\n", status);
	hv_exit(status);
}
