/*
 * linux_boot.h - the Linux/x86 boot protocol (Documentation/arch/x86/
 * boot.rst, "The Real-Mode Kernel Header" and "64-bit Boot Protocol")
 * and the zero page (Documentation/arch/x86/zero-page.rst,
 * arch/x86/include/uapi/asm/bootparam.h), as byte offsets: the setup
 * header sits at the same offsets in the bzImage file and in struct
 * boot_params, so one set of LINUX_HDR_* offsets serves both.
 *
 * Where linux_boot.c puts things in guest memory (all below 1 MiB
 * except the kernel and the initrd, away from the BIOS-ish first page):
 *
 *   0x01000 - 0x01fff   GDT: 0x10 = __BOOT_CS (64-bit code), 0x18 = __BOOT_DS
 *   0x07000 - 0x07fff   zero page (struct boot_params); RSI at entry
 *   0x08000 - 0x08fff   a stack page (RSP = 0x9000; the kernel sets its own)
 *   0x09000 - 0x09fff   PML4
 *   0x0a000 - 0x0afff   PDPT
 *   0x0b000 - 0x0efff   4 page directories: 0-4 GiB identity, 2 MiB pages
 *   0x20000 - 0x2ffff   kernel command line (at most cmdline_size bytes + NUL)
 *   pref_address        the protected-mode kernel, init_size bytes reserved
 *                       (16 MiB for a stock x86-64 kernel)
 *   high RAM            the initrd, page-aligned, as high as it can go below
 *                       min(initrd_addr_max + 1, ram_top)
 */
#ifndef LOADER_LINUX_BOOT_H
#define LOADER_LINUX_BOOT_H

#include "vmm_env.h"

/* The setup header (boot.rst, "The Real-Mode Kernel Header"). */
#define LINUX_HDR_SETUP_SECTS   0x1f1   /* 1: 0 means 4 */
#define LINUX_HDR_SYSSIZE       0x1f4   /* 4: protected-mode size / 16 */
#define LINUX_HDR_VID_MODE      0x1fa   /* 2 */
#define LINUX_HDR_BOOT_FLAG     0x1fe   /* 2: 0xaa55 */
#define LINUX_HDR_JUMP          0x200   /* 2: 0xeb, offset to the header end - 0x202 */
#define LINUX_HDR_MAGIC         0x202   /* 4: "HdrS" */
#define LINUX_HDR_VERSION       0x206   /* 2: (major << 8) | minor */
#define LINUX_HDR_KERNEL_VERSION 0x20e  /* 2: version string offset - 0x200 */
#define LINUX_HDR_TYPE_OF_LOADER 0x210  /* 1 */
#define LINUX_HDR_LOADFLAGS     0x211   /* 1 */
#define LINUX_HDR_CODE32_START  0x214   /* 4 */
#define LINUX_HDR_RAMDISK_IMAGE 0x218   /* 4 */
#define LINUX_HDR_RAMDISK_SIZE  0x21c   /* 4 */
#define LINUX_HDR_HEAP_END_PTR  0x224   /* 2 */
#define LINUX_HDR_CMD_LINE_PTR  0x228   /* 4 */
#define LINUX_HDR_INITRD_ADDR_MAX 0x22c /* 4: highest byte the initrd may use */
#define LINUX_HDR_KERNEL_ALIGNMENT 0x230 /* 4 */
#define LINUX_HDR_RELOCATABLE   0x234   /* 1 */
#define LINUX_HDR_MIN_ALIGNMENT 0x235   /* 1: log2 */
#define LINUX_HDR_XLOADFLAGS    0x236   /* 2 */
#define LINUX_HDR_CMDLINE_SIZE  0x238   /* 4: without the NUL */
#define LINUX_HDR_HW_SUBARCH    0x23c   /* 4 */
#define LINUX_HDR_HW_SUBARCH_DATA 0x240 /* 8 */
#define LINUX_HDR_SETUP_DATA    0x250   /* 8 */
#define LINUX_HDR_PREF_ADDRESS  0x258   /* 8 */
#define LINUX_HDR_INIT_SIZE     0x260   /* 4 */
#define LINUX_HDR_END_2_12      0x268   /* the 2.12 header ends here */

#define LINUX_HDRS_MAGIC        0x53726448u     /* "HdrS" */
#define LINUX_BOOT_FLAG         0xaa55u
#define LINUX_PROTO_MIN         0x020c          /* 2.12: xloadflags */
#define LINUX_PROTO_RSDP        0x020e          /* 2.14: acpi_rsdp_addr */

#define LINUX_LF_LOADED_HIGH    BIT(0)
#define LINUX_LF_CAN_USE_HEAP   BIT(7)
#define LINUX_XLF_KERNEL_64     BIT(0)          /* 64-bit entry at load + 0x200 */

/* Zero page fields outside the setup header (zero-page.rst). */
#define LINUX_BP_ACPI_RSDP_ADDR 0x070   /* 8, protocol 2.14+ */
#define LINUX_BP_E820_ENTRIES   0x1e8   /* 1 */
#define LINUX_BP_E820_TABLE     0x2d0   /* 128 entries of 20 bytes */
#define LINUX_BP_SIZE           0x1000
#define LINUX_E820_MAX          128
#define LINUX_E820_ENTRY_SIZE   20      /* u64 addr, u64 size, u32 type */

/* The guest-physical map above. */
#define LINUX_GDT_GPA           0x1000u
#define LINUX_ZERO_PAGE_GPA     0x7000u
#define LINUX_STACK_GPA         0x8000u
#define LINUX_PML4_GPA          0x9000u
#define LINUX_PDPT_GPA          0xa000u
#define LINUX_PD_GPA            0xb000u         /* 4 pages */
#define LINUX_PT_END            0xf000u
#define LINUX_CMDLINE_GPA       0x20000u
#define LINUX_CMDLINE_AREA      0x10000u

#define LINUX_BOOT_CS           0x10            /* __BOOT_CS */
#define LINUX_BOOT_DS           0x18            /* __BOOT_DS */
#define LINUX_ENTRY64_OFFSET    0x200           /* startup_64 */
#define LINUX_TYPE_OF_LOADER    0xff            /* "undefined": no assigned id */
/* heap_end_ptr as boot.rst's sample loader sets it (heap_end 0xe000). */
#define LINUX_HEAP_END_PTR      0xde00

#endif /* LOADER_LINUX_BOOT_H */
