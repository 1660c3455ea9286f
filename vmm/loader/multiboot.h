/*
 * multiboot.h - Multiboot Specification version 0.6.96 (GNU GRUB):
 * the OS image header (3.1), the machine state (3.2) and the boot
 * information structure (3.3), as offsets and packed structures.
 */
#ifndef LOADER_MULTIBOOT_H
#define LOADER_MULTIBOOT_H

#include "vmm_env.h"

/* 3.1.2 Header magic fields; 3.2 Machine state (EAX). */
#define MB_HEADER_MAGIC     0x1badb002u
#define MB_BOOTLOADER_MAGIC 0x2badb002u

/* 3.1.1 Header layout: byte offsets inside the header. */
#define MB_HDR_MAGIC        0
#define MB_HDR_FLAGS        4
#define MB_HDR_CHECKSUM     8
#define MB_HDR_HEADER_ADDR  12      /* if flags[16] */
#define MB_HDR_LOAD_ADDR    16
#define MB_HDR_LOAD_END     20
#define MB_HDR_BSS_END      24
#define MB_HDR_ENTRY        28
#define MB_HDR_MODE_TYPE    32      /* if flags[2] */
#define MB_HDR_MIN          12      /* magic, flags, checksum */
#define MB_HDR_ADDR_END     32      /* end of the address fields */

/* 3.1.2 flags: bits 0-15 are requirements, bits 16-31 optional features. */
#define MB_HF_PAGE_ALIGN    BIT(0)  /* modules page (4 KiB) aligned */
#define MB_HF_MEMINFO       BIT(1)  /* mem_* (and mmap if any) must be passed */
#define MB_HF_VIDEO         BIT(2)  /* video mode table wanted */
#define MB_HF_REQUIRED      BITS(15, 0)
#define MB_HF_AOUT_KLUDGE   BIT(16) /* the address fields are valid */

/* 3.3 Boot information format. */
struct mb_info {
	uint32_t flags;                 /* 0 */
	uint32_t mem_lower;             /* 4: KiB from 0, flags[0] */
	uint32_t mem_upper;             /* 8: KiB from 1 MiB, flags[0] */
	uint32_t boot_device;           /* 12: flags[1] */
	uint32_t cmdline;               /* 16: flags[2] */
	uint32_t mods_count;            /* 20: flags[3] */
	uint32_t mods_addr;             /* 24 */
	uint32_t syms[4];               /* 28-40: flags[4] or [5] */
	uint32_t mmap_length;           /* 44: flags[6] */
	uint32_t mmap_addr;             /* 48 */
	uint32_t drives_length;         /* 52: flags[7] */
	uint32_t drives_addr;           /* 56 */
	uint32_t config_table;          /* 60: flags[8] */
	uint32_t boot_loader_name;      /* 64: flags[9] */
	uint32_t apm_table;             /* 68: flags[10] */
	uint32_t vbe_control_info;      /* 72: flags[11] */
	uint32_t vbe_mode_info;         /* 76 */
	uint16_t vbe_mode;              /* 80 */
	uint16_t vbe_interface_seg;     /* 82 */
	uint16_t vbe_interface_off;     /* 84 */
	uint16_t vbe_interface_len;     /* 86 */
	uint64_t framebuffer_addr;      /* 88: flags[12] */
	uint32_t framebuffer_pitch;     /* 96 */
	uint32_t framebuffer_width;     /* 100 */
	uint32_t framebuffer_height;    /* 104 */
	uint8_t framebuffer_bpp;        /* 108 */
	uint8_t framebuffer_type;       /* 109 */
	uint8_t color_info[6];          /* 110 */
} __attribute__((packed));
_Static_assert(sizeof(struct mb_info) == 116, "multiboot 0.6.96 3.3");
_Static_assert(offsetof(struct mb_info, mmap_length) == 44, "multiboot 3.3");
_Static_assert(offsetof(struct mb_info, boot_loader_name) == 64, "multiboot 3.3");
_Static_assert(offsetof(struct mb_info, framebuffer_addr) == 88, "multiboot 3.3");

#define MB_INFO_MEMORY      BIT(0)
#define MB_INFO_BOOTDEV     BIT(1)
#define MB_INFO_CMDLINE     BIT(2)
#define MB_INFO_MODS        BIT(3)
#define MB_INFO_AOUT_SYMS   BIT(4)
#define MB_INFO_ELF_SHDR    BIT(5)
#define MB_INFO_MMAP        BIT(6)
#define MB_INFO_DRIVES      BIT(7)
#define MB_INFO_CONFIG      BIT(8)
#define MB_INFO_LOADER_NAME BIT(9)
#define MB_INFO_APM         BIT(10)
#define MB_INFO_VBE         BIT(11)
#define MB_INFO_FRAMEBUFFER BIT(12)

/* 3.3: one entry of the module list (mods_addr). */
struct mb_module {
	uint32_t mod_start;
	uint32_t mod_end;               /* first byte after the module */
	uint32_t string;                /* NUL-terminated, physical address */
	uint32_t reserved;              /* 0 */
} __attribute__((packed));
_Static_assert(sizeof(struct mb_module) == 16, "multiboot 3.3");

/*
 * 3.3: one memory map entry (mmap_addr). size counts the bytes after the
 * size field itself (20 here); the next entry is at entry + size + 4.
 */
struct mb_mmap_entry {
	uint32_t size;
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;                  /* 1 RAM, 3 ACPI, 4 NVS, 5 bad, else reserved */
} __attribute__((packed));
_Static_assert(sizeof(struct mb_mmap_entry) == 24, "multiboot 3.3");

#endif /* LOADER_MULTIBOOT_H */
