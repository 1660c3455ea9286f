/*
 * mb2.h - what the boot loader told us: Multiboot2 information
 * (Multiboot2 Specification version 2.0, section 3.6 "Boot information").
 *
 * mb2_parse() copies everything it needs (command line, loader name,
 * memory map, module list) into static storage, so the information
 * structure itself may be reused by the page allocator afterwards.
 */
#ifndef HV_MB2_H
#define HV_MB2_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289u   /* in EAX at entry (spec 3.3) */

#define MB2_MAX_MODULES 16
#define MB2_MAX_MMAP    128

/* Memory map entry types (spec 3.6.8; the same as ACPI/e820). */
#define MB2_MEM_AVAILABLE        1
#define MB2_MEM_RESERVED         2
#define MB2_MEM_ACPI_RECLAIMABLE 3
#define MB2_MEM_NVS              4
#define MB2_MEM_BADRAM           5
/*
 * Not in the spec: GRUB on UEFI reports EfiRuntimeServicesCode as type 20
 * (its GRUB_MEMORY_CODE) and persistent memory as 7. Neither is usable.
 */
#define MB2_MEM_PERSISTENT       7
#define MB2_MEM_EFI_RUNTIME_CODE 20

struct boot_module {
	uint64_t start, end;    /* physical, end exclusive */
	const char *cmdline;    /* the string after the module2 path ("" if none) */
};

struct boot_mmap_entry {
	uint64_t base, len;
	uint32_t type;          /* MB2_MEM_* */
};

/*
 * Parse the information structure at info (physical == virtual).
 * Returns 0, or -1 if magic is wrong or the structure is malformed (the
 * caller panics: without a memory map there is nothing to run on).
 */
int mb2_parse(uint32_t magic, const void *info);

/* Physical range [*start, *end) of the information structure. */
void mb2_info_range(hpa_t *start, hpa_t *end);

unsigned boot_module_count(void);
const struct boot_module *boot_module_get(unsigned i);   /* NULL if out of range */

unsigned boot_mmap_count(void);
const struct boot_mmap_entry *boot_mmap_get(unsigned i); /* NULL if out of range */

/*
 * Installed RAM in bytes: the sum of the available (type 1) regions plus
 * the legacy hole 640 KiB..1 MiB when RAM exists on both sides of it. PC
 * firmware always reports that hole as not-RAM even though the DIMM
 * behind it is counted in "-m" / the installed size, so adding it back
 * gives the size the user configured (QEMU -m 512 -> 512 MiB, within the
 * 1 MiB the test allows). Reserved/ACPI areas above 1 MiB that firmware
 * carves out of RAM are *not* added back: they are not usable.
 */
uint64_t boot_ram_total(void);
/* Sum of the available (type 1) regions only. */
uint64_t boot_ram_usable(void);

const char *boot_cmdline(void);       /* "" if the loader passed none */
const char *boot_loader_name(void);   /* "" if the loader passed none */

/*
 * UEFI (spec 3.6.13, 3.6.14, 3.6.19, 3.6.20). GRUB on UEFI passes the EFI
 * system table pointer; on legacy BIOS it passes none, so a zero system
 * table means "not booted through UEFI". The header asks for neither the
 * EFI boot services tag nor an EFI entry address (boot/mb2_header.S), so
 * GRUB calls ExitBootServices() and enters _start in the i386 machine
 * state (spec 3.3) on both kinds of firmware; the EFI memory map is then
 * already folded into the ordinary memory map tag, which is what we use.
 * boot_efi_bs_active() is true only if a loader left boot services
 * running anyway (tag 18): the firmware would still own timers and
 * memory under us. main.c warns; nothing else relies on it.
 */
uint64_t boot_efi_systab(void);       /* physical address, 0 if none */
unsigned boot_efi_systab_bits(void);  /* 32 or 64; 0 if none */
bool boot_efi_mmap_present(void);     /* an EFI memory map tag was passed */
bool boot_efi_bs_active(void);

#endif /* HV_MB2_H */
