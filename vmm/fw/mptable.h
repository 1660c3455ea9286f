/*
 * mptable.h - the Intel MultiProcessor Specification 1.4 table of this
 * PC: the MP floating pointer structure and the MP configuration table
 * (processors, the ISA bus, the I/O APIC, the ISA interrupts and the
 * local interrupts), for OSes that look for it instead of, or before,
 * ACPI: xv6 and other small multiboot kernels, Linux with acpi=off.
 *
 * Where: an OS finds the floating pointer by scanning the first KiB of
 * the EBDA, the last KiB of base memory and 0xf0000-0xfffff on 16-byte
 * boundaries (MP spec 4.1), so the buffer should lie in 0xf0000-0xfffff
 * (with BDA word 0x40e, the EBDA segment, 0 or pointing at RAM without
 * a stray "_MP_"). The floating pointer goes on the first 16-byte
 * boundary of the buffer's GPA, the configuration table right after.
 *
 * Expected call: see acpi.h (mptable_build after acpi_build, same struct
 * fw_machine).
 */
#ifndef MPTABLE_H
#define MPTABLE_H

#include "fw_machine.h"

#define MPTABLE_OEM_ID      "SVMHV   "      /* 8 characters */
#define MPTABLE_PRODUCT_ID  "SVMHV PC    "  /* 12 characters */
#define MPTABLE_BUILD_MAX   8192            /* bytes enough for FW_MAX_CPUS vCPUs */

/*
 * Build the tables into buf (size bytes), which the guest sees at gpa.
 * Returns the number of bytes used from the start of buf (> 0) and sets
 * *mpfp to the floating pointer's GPA; or returns -1, after logging why,
 * if m is invalid or the tables do not fit below 4 GiB or in size bytes.
 * Bytes after the ones used are not touched.
 */
int mptable_build(uint8_t *buf, gpa_t gpa, size_t size, const struct fw_machine *m,
		  gpa_t *mpfp);

#endif /* MPTABLE_H */
