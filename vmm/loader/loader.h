/*
 * loader.h - the guest loaders: put a kernel (and its modules) into
 * guest RAM and produce the vCPU state it starts with. One call,
 * loader_load(); pure code over the monitor's memory map (struct
 * x86_machine), so the same file runs in hv.elf and in host tests.
 *
 * Formats, tried in this order on the kernel image (loader_detect):
 *  1. Linux bzImage: "HdrS" at offset 0x202 (Documentation/arch/x86/
 *     boot.rst). Protocol 2.12 or later with the 64-bit entry
 *     (XLF_KERNEL_64) and LOADED_HIGH; entered through the 64-bit boot
 *     protocol (linux_boot.c).
 *  2. Multiboot v1 (spec 0.6.96): a header with magic 0x1BADB002 and a
 *     valid checksum, 4-byte aligned within the first 8192 bytes. ELF32
 *     (EM_386) or ELF64 (EM_X86_64) with PT_LOAD segments, or the a.out
 *     kludge (header flags bit 16) (multiboot.c, multiboot_image.c).
 *  3. Anything else is a raw flat binary (include/guest_abi.h): copied
 *     to GUEST_LOAD_GPA, real mode at GUEST_ENTRY_CS:0000. There is no
 *     telling random bytes from a raw binary, so a random file of at
 *     most GUEST_LOAD_MAX bytes *is* one, and runs (usually into a
 *     fault the hypervisor reports). Refused instead:
 *       - an empty kernel image (LOADER_E_EMPTY);
 *       - an ELF file without a multiboot header (a vmlinux, a normal
 *         program): it would only crash as a raw binary (LOADER_E_FORMAT);
 *       - an unrecognised image larger than GUEST_LOAD_MAX (LOADER_E_FORMAT).
 *
 * A loader validates everything (headers, sizes, placement against
 * guest RAM) before it writes the first byte of guest memory: when
 * loader_load() fails, guest memory is as it was. The error names the
 * module and the reason in one line (struct loader_error).
 *
 * Guest-physical layout (hv/vm_mem.c): RAM [0, 0xa0000), a hole
 * [0xa0000, 0x100000) whose top [0xe0000, 0x100000) is the read-only
 * "BIOS ROM" holding the ACPI tables, RAM [0x100000, ram_top), devices
 * above. struct loader_mem describes it; loader_mem_init() fills in the
 * standard PC layout, and the monitor may reserve more ranges (e.g. ACPI
 * tables in RAM) before loading. The memory map handed to the guest
 * (multiboot mmap, Linux e820) is that description: loader_memmap().
 */
#ifndef LOADER_H
#define LOADER_H

#include "boot_state.h"
#include "x86_machine.h"

enum loader_format {
	LOADER_FMT_INVALID,     /* empty, an ELF without multiboot header, or too big */
	LOADER_FMT_RAW,
	LOADER_FMT_MULTIBOOT,
	LOADER_FMT_LINUX,
};

/* A file as the hypervisor got it (e.g. a Multiboot2 module from GRUB). */
struct loader_blob {
	const char *name;       /* for messages ("vmlinuz", "module 2"); NULL: "image" */
	const uint8_t *data;
	size_t size;
	const char *cmdline;    /* multiboot modules: the module's string (NULL: "") */
};

/* E820 / multiboot memory map types (ACPI spec, "System Address Map Interfaces"). */
#define LOADER_E820_RAM      1
#define LOADER_E820_RESERVED 2
#define LOADER_E820_ACPI     3
#define LOADER_E820_NVS      4

/* A guest-physical range [base, base + size) of a memory map type. */
struct loader_range {
	gpa_t base;
	uint64_t size;
	uint32_t type;
};

#define LOADER_RESERVED_MAX 8
#define LOADER_ROM_BASE     0xe0000u   /* the BIOS ROM area (ACPI RSDP and tables) */
#define LOADER_ROM_SIZE     0x20000u
#define LOADER_RAM_TOP_MIN  0x200000ULL    /* as hv's mem= limits */
#define LOADER_RAM_TOP_MAX  0xc0000000ULL

/* Guest memory as the loaders see it. */
struct loader_mem {
	struct x86_machine *mach;       /* every byte written goes through it */
	uint64_t ram_top;               /* end of the RAM that starts at 1 MiB */
	/* Ranges the guest must not use as RAM, listed in its memory map. */
	struct loader_range reserved[LOADER_RESERVED_MAX];
	unsigned nreserved;
};

/*
 * loader_mem_init - the standard layout: RAM [0, 0xa0000) and
 * [0x100000, ram_top), the ROM area [0xe0000, 0x100000) reserved.
 */
void loader_mem_init(struct loader_mem *mem, struct x86_machine *mach, uint64_t ram_top);

/*
 * loader_mem_reserve - add a reserved range of e820 type (2, 3 or 4).
 * Returns 0, or -1 if the table is full, size is 0 or the range wraps.
 */
int loader_mem_reserve(struct loader_mem *mem, gpa_t base, uint64_t size, uint32_t type);

/*
 * loader_memmap - the guest's memory map: RAM (type 1) minus the
 * reserved ranges, plus the reserved ranges, sorted by base. Writes at
 * most max entries to out. Returns the number of entries (which may be
 * more than max: the caller checks).
 */
unsigned loader_memmap(const struct loader_mem *mem, struct loader_range *out, unsigned max);

#define LOADER_MODULES_MAX 32

struct loader_input {
	struct loader_blob kernel;
	/*
	 * Linux: the initrds, concatenated in order, each starting 4-byte
	 * aligned (cpio archives may simply follow each other, as with GRUB's
	 * "initrd a b" or a comma list). Multiboot: the modules, each loaded
	 * page-aligned with its string. Raw binaries take none.
	 */
	const struct loader_blob *modules;
	unsigned nmodules;
	const char *cmdline;            /* guest command line (NULL: "") */
	gpa_t rsdp;                     /* ACPI RSDP for Linux 2.14+ (0: none) */
	const char *loader_name;        /* multiboot boot_loader_name (NULL: "svmhv") */
};

/* What was loaded where: for the caller's log line and the tests. */
struct loader_result {
	enum loader_format format;
	gpa_t image_start, image_end;   /* the kernel's memory, BSS / init_size included */
	gpa_t boot_info;                /* multiboot info / Linux zero page (0 for raw) */
	gpa_t initrd_start;             /* Linux: the initrd (0: none) */
	uint64_t initrd_size;
	uint16_t protocol;              /* Linux boot protocol version (0x020f = 2.15) */
};

enum loader_errcode {
	LOADER_OK,
	LOADER_E_ARGS,          /* bad call: memory map, ram_top, too many modules */
	LOADER_E_EMPTY,         /* the kernel image has no bytes */
	LOADER_E_FORMAT,        /* no loadable format */
	LOADER_E_TRUNCATED,     /* a header or segment reaches past the end of the file */
	LOADER_E_HEADER,        /* inconsistent header fields */
	LOADER_E_UNSUPPORTED,   /* protocol too old, or a required feature we lack */
	LOADER_E_NOFIT,         /* does not fit in guest RAM / lies outside it */
	LOADER_E_CMDLINE,       /* command line too long */
	LOADER_E_MODULE,        /* modules where the format takes none */
};

#define LOADER_MSG_MAX 200
struct loader_error {
	enum loader_errcode code;
	char msg[LOADER_MSG_MAX];       /* "<name>: <reason>", NUL-terminated */
};

/*
 * loader_detect - the format of a kernel image by its signatures alone
 * (order and rules above); loader_load checks the rest.
 */
enum loader_format loader_detect(const uint8_t *data, size_t size);

/* "Linux bzImage", "multiboot", "raw binary", "invalid". */
const char *loader_format_name(enum loader_format f);

/* The kind of a failure in a word or two ("truncated", "does not fit"). */
const char *loader_error_name(enum loader_errcode code);

/*
 * loader_load - validate in->kernel and its modules, place them in the
 * guest memory of mem, write them and the boot structures, and fill *out
 * with the entry state (and *res, if not NULL, with what went where).
 * Guest RAM outside what the loader writes is left as it is (the
 * hypervisor hands over zeroed RAM). Returns 0, or -1 with *err filled
 * and guest memory untouched.
 */
int loader_load(const struct loader_input *in, const struct loader_mem *mem,
		struct boot_state *out, struct loader_result *res,
		struct loader_error *err);

#endif /* LOADER_H */
