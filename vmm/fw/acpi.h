/*
 * acpi.h - the ACPI tables a guest OS looks for, built by the hypervisor
 * into guest memory: RSDP (ACPI 2.0+), RSDT and XSDT, FADT, FACS, a DSDT
 * whose only object is \_S5, and the MADT. They describe the machine of
 * struct fw_machine (fw_machine.h); layouts and values are documented in
 * acpi.c.
 *
 * Where: OSes that scan for the RSDP (multiboot kernels, Linux without
 * boot_params.acpi_rsdp_addr) look in 0xe0000-0xfffff on 16-byte
 * boundaries (ACPI 6.5 5.2.5.1), so the buffer should lie there; the
 * RSDP is put on the first 16-byte boundary of the buffer's GPA. All
 * tables must lie below 4 GiB (the RSDT and FIRMWARE_CTRL are 32-bit).
 * The FACS holds the Global Lock and the firmware waking vector, which an
 * OS may write (Linux does not for S5 and has no other sleep state to
 * enter here): in a read-only area such writes must be dropped, not be
 * fatal.
 *
 * Expected use (the monitor, once, before the guest first runs; bios is
 * the host view of the BIOS area 0xe0000-0xfffff):
 *
 *   struct fw_machine m;
 *   gpa_t rsdp, mpfp;
 *   fw_machine_pc(&m, vmm->nvcpus);
 *   if (acpi_build(bios, 0xe0000, 0x10000, &m, &rsdp) < 0 ||
 *       mptable_build(bios + 0x10000, 0xf0000, 0x1000, &m, &mpfp) < 0)
 *           ... a monitor bug: stop
 *   boot_params->acpi_rsdp_addr = rsdp;      (Linux boot protocol 2.14+)
 */
#ifndef ACPI_H
#define ACPI_H

#include "fw_machine.h"

/* IDs in every table header (ACPI 6.5 5.2.6). */
#define ACPI_OEM_ID        "SVMHV "     /* 6 characters */
#define ACPI_OEM_TABLE_ID  "SVMHVPC "   /* 8 characters */
#define ACPI_CREATOR_ID    "SVMH"
#define ACPI_BUILD_MAX     4096         /* bytes enough for FW_MAX_CPUS vCPUs */

/*
 * Build the tables into buf (size bytes), which the guest sees at
 * guest-physical address gpa. Returns the number of bytes used from the
 * start of buf (> 0) and sets *rsdp to the RSDP's GPA; or returns -1,
 * after logging why, if m is invalid (fw_machine.h gives the limits) or
 * the tables do not fit below 4 GiB or in size bytes. Bytes after the
 * ones used are not touched; bytes in between (alignment) are zeroed.
 */
int acpi_build(uint8_t *buf, gpa_t gpa, size_t size, const struct fw_machine *m,
	       gpa_t *rsdp);

#endif /* ACPI_H */
