/*
 * linux_boot.c - load a Linux bzImage through the 64-bit boot protocol
 * (Documentation/arch/x86/boot.rst): check the setup header, place the
 * protected-mode kernel, the initrd, the zero page, the command line,
 * the GDT and identity page tables (map in linux_boot.h), and enter at
 * startup_64 (load address + 0x200) with RSI = the zero page.
 *
 * Accepted: protocol 2.12 or later (xloadflags exists), LOADED_HIGH
 * (a bzImage), XLF_KERNEL_64 (the 64-bit entry). The real-mode setup
 * code is neither loaded nor run: the zero page is what it would have
 * built, with no video (screen_info all zero: vgacon and the boot
 * console find no adapter) and the e820 map of loader_memmap().
 *
 * Kernel placement: at pref_address (0x100000 when the header has none),
 * rounded up to kernel_alignment for a relocatable kernel; if
 * [load, load + init_size) is not free RAM there, a relocatable kernel
 * goes to the lowest kernel_alignment-aligned address where it fits, a
 * non-relocatable one is refused (it would move itself to pref_address
 * anyway). min_alignment is not used.
 *
 * Initrds: concatenated in order, each starting 4-byte aligned (cpio
 * archives must start on 4 bytes; zero padding between them is skipped
 * by the kernel's initramfs unpacker), the whole page-aligned and as high
 * as possible below min(initrd_addr_max + 1, ram_top), never inside the
 * kernel's init_size region.
 */
#include "linux_boot.h"
#include "loader_priv.h"

/* What the header says, checked. */
struct linux_hdr {
	uint16_t version;
	uint32_t hdr_end;               /* end of the setup header in the file */
	uint64_t setup_size;            /* (setup_sects + 1) * 512 */
	uint64_t prot_size;             /* file bytes after the setup */
	uint64_t footprint;             /* max(init_size, prot_size) */
	uint64_t align;                 /* kernel_alignment (relocatable) */
	bool relocatable;
	gpa_t pref;
	uint32_t cmdline_max;           /* cmdline_size, capped by our area */
	uint64_t initrd_max;            /* initrd_addr_max + 1 */
};

/* Version as "2.15" (the minor number is decimal). */
static int linux_fail_version(struct loader_ctx *c, uint16_t v)
{
	return loader_fail(c, LOADER_E_UNSUPPORTED, &c->in->kernel, "Linux boot protocol "
			   "%u.%s%u is too old (2.12 or later needed)", v >> 8,
			   (v & 0xff) < 10 ? "0" : "", v & 0xff);
}

/* The fields that say what the image is and where its parts are. */
static int linux_check_image(struct loader_ctx *c, struct linux_hdr *h)
{
	const struct loader_blob *k = &c->in->kernel;
	const uint8_t *d = k->data;
	unsigned sects;

	if (k->size < LINUX_HDR_END_2_12)
		return loader_fail(c, LOADER_E_TRUNCATED, k, "file ends (%llu bytes) inside the "
				   "setup header", (unsigned long long)k->size);
	if (ld16(d + LINUX_HDR_BOOT_FLAG) != LINUX_BOOT_FLAG)
		return loader_fail(c, LOADER_E_HEADER, k, "boot_flag is %x, not 0xaa55",
				   ld16(d + LINUX_HDR_BOOT_FLAG));
	h->version = ld16(d + LINUX_HDR_VERSION);
	if (h->version < LINUX_PROTO_MIN)
		return linux_fail_version(c, h->version);
	/* The jump at 0x200 is 0xeb and a forward offset to the header's end. */
	h->hdr_end = LINUX_HDR_MAGIC + d[LINUX_HDR_JUMP + 1];
	if (d[LINUX_HDR_JUMP] != 0xeb || d[LINUX_HDR_JUMP + 1] >= 0x80 ||
	    h->hdr_end < LINUX_HDR_END_2_12)
		return loader_fail(c, LOADER_E_HEADER, k, "setup header ends at %x, before "
				   "the protocol 2.12 fields", h->hdr_end);
	sects = d[LINUX_HDR_SETUP_SECTS] ? d[LINUX_HDR_SETUP_SECTS] : 4;
	h->setup_size = (uint64_t)(sects + 1) * 512;
	if (h->setup_size >= k->size)
		return loader_fail(c, LOADER_E_TRUNCATED, k, "file ends (%llu bytes) inside the "
				   "%llu bytes of setup code", (unsigned long long)k->size,
				   (unsigned long long)h->setup_size);
	h->prot_size = k->size - h->setup_size;
	if (ld32(d + LINUX_HDR_SYSSIZE) == 0)
		return loader_fail(c, LOADER_E_HEADER, k, "syssize is 0");
	if ((uint64_t)ld32(d + LINUX_HDR_SYSSIZE) * 16 > h->prot_size)
		return loader_fail(c, LOADER_E_TRUNCATED, k, "syssize says %llu bytes of kernel, "
				   "the file has %llu after the setup",
				   (unsigned long long)ld32(d + LINUX_HDR_SYSSIZE) * 16,
				   (unsigned long long)h->prot_size);
	if (!(d[LINUX_HDR_LOADFLAGS] & LINUX_LF_LOADED_HIGH))
		return loader_fail(c, LOADER_E_UNSUPPORTED, k, "a zImage (loadflags "
				   "LOADED_HIGH clear): only bzImage is supported");
	if (!(ld16(d + LINUX_HDR_XLOADFLAGS) & LINUX_XLF_KERNEL_64))
		return loader_fail(c, LOADER_E_UNSUPPORTED, k, "no 64-bit entry point "
				   "(xloadflags XLF_KERNEL_64 clear): a 32-bit kernel");
	return 0;
}

/* Where the kernel wants to go and what it takes with it. */
static int linux_check_layout(struct loader_ctx *c, struct linux_hdr *h)
{
	const struct loader_blob *k = &c->in->kernel;
	const uint8_t *d = k->data;
	uint64_t init_size = ld32(d + LINUX_HDR_INIT_SIZE);
	uint32_t cmdline_size = ld32(d + LINUX_HDR_CMDLINE_SIZE);

	h->relocatable = d[LINUX_HDR_RELOCATABLE] != 0;
	h->align = ld32(d + LINUX_HDR_KERNEL_ALIGNMENT);
	if (h->relocatable && (h->align < PAGE_SIZE || (h->align & (h->align - 1)) != 0))
		return loader_fail(c, LOADER_E_HEADER, k, "kernel_alignment %llx is not a power "
				   "of two of at least 4 KiB", (unsigned long long)h->align);
	if (!h->relocatable)
		h->align = PAGE_SIZE;
	h->pref = ld64(d + LINUX_HDR_PREF_ADDRESS);
	if (h->pref == 0)
		h->pref = 0x100000;     /* boot.rst: bzImage load address */
	if (h->relocatable)     /* beyond 2^64 - align: no such place, it goes elsewhere */
		h->pref = h->pref > UINT64_MAX - h->align ? 0 : ALIGN_UP(h->pref, h->align);
	if (init_size == 0)
		return loader_fail(c, LOADER_E_HEADER, k, "init_size is 0");
	if (init_size < (uint64_t)ld32(d + LINUX_HDR_SYSSIZE) * 16)
		return loader_fail(c, LOADER_E_HEADER, k, "init_size %llx is smaller than the "
				   "kernel (syssize)", (unsigned long long)init_size);
	h->footprint = init_size > h->prot_size ? init_size : h->prot_size;
	h->cmdline_max = cmdline_size < LINUX_CMDLINE_AREA - 1 ? cmdline_size :
			 LINUX_CMDLINE_AREA - 1;
	h->initrd_max = (uint64_t)ld32(d + LINUX_HDR_INITRD_ADDR_MAX) + 1;
	return 0;
}

/* Take the fixed low-memory pieces of linux_boot.h. */
static int linux_plan_low(struct loader_ctx *c, size_t cmdline_len)
{
	static const struct { uint32_t base, size; const char *what; } low[] = {
		{ LINUX_GDT_GPA, PAGE_SIZE, "GDT" },
		{ LINUX_ZERO_PAGE_GPA, LINUX_BP_SIZE, "zero page" },
		{ LINUX_STACK_GPA, PAGE_SIZE, "boot stack" },
		{ LINUX_PML4_GPA, LINUX_PT_END - LINUX_PML4_GPA, "page tables" },
	};
	int take;

	for (unsigned i = 0; i < ARRAY_SIZE(low); i++) {
		take = loader_plan_take(&c->plan, low[i].base, low[i].size);
		if (take != LOADER_TAKE_OK)
			return loader_fail_take(c, take, &c->in->kernel, low[i].what,
						low[i].base, low[i].size);
	}
	take = loader_plan_take(&c->plan, LINUX_CMDLINE_GPA, cmdline_len + 1);
	if (take != LOADER_TAKE_OK)
		return loader_fail_take(c, take, &c->in->kernel, "command line",
					LINUX_CMDLINE_GPA, cmdline_len + 1);
	return 0;
}

/* Bytes of the concatenated initrds (each one 4-byte aligned). */
static uint64_t linux_initrd_size(const struct loader_input *in)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < in->nmodules; i++)
		n = ALIGN_UP(n, 4) + in->modules[i].size;
	return n;
}

/* Phase 1: every check and every placement. */
static int linux_plan(struct loader_ctx *c, struct linux_hdr *h, gpa_t *load)
{
	const struct loader_input *in = c->in;
	const struct loader_blob *k = &in->kernel;
	size_t len = loader_strnlen(in->cmdline != NULL ? in->cmdline : "", LINUX_CMDLINE_AREA);
	uint64_t top = c->mem->ram_top, isize = linux_initrd_size(in), hi;

	if (linux_check_image(c, h) != 0 || linux_check_layout(c, h) != 0)
		return -1;
	if (len > h->cmdline_max)
		return loader_fail(c, LOADER_E_CMDLINE, k, "command line of %llu bytes is longer "
				   "than the kernel's cmdline_size %u", (unsigned long long)len,
				   h->cmdline_max);
	if (linux_plan_low(c, len) != 0)
		return -1;
	/* A bzImage runs from 1 MiB up (boot.rst, "Loading The Rest of The Kernel"). */
	*load = h->pref;
	if ((*load < 0x100000 ||
	     loader_plan_take(&c->plan, *load, h->footprint) != LOADER_TAKE_OK) &&
	    (!h->relocatable || loader_plan_alloc(&c->plan, h->footprint, h->align, 0x100000,
						  top, false, load) != 0))
		return loader_fail(c, LOADER_E_NOFIT, k, "kernel needs %llu KiB (init_size) at "
				   "%llx%s; guest RAM ends at %llx", (unsigned long long)(h->footprint >> 10),
				   (unsigned long long)h->pref,
				   h->relocatable ? " or anywhere aligned" : "",
				   (unsigned long long)top);
	c->res->initrd_size = isize;
	if (isize == 0)
		return 0;
	hi = h->initrd_max < top ? h->initrd_max : top;
	if (loader_plan_alloc(&c->plan, isize, PAGE_SIZE, 0x100000, hi, true,
			      &c->res->initrd_start) != 0)
		return loader_fail(c, LOADER_E_NOFIT, &in->modules[0], "initrd of %llu bytes does "
				   "not fit in free guest RAM below %llx", (unsigned long long)isize,
				   (unsigned long long)hi);
	return 0;
}

/* GDT and 0-4 GiB identity page tables with 2 MiB pages (SDM Vol.3 4.5). */
static void linux_write_tables(struct loader_ctx *c, const uint64_t *gdt, unsigned ngdt)
{
	const uint64_t pte_p = BIT(0), pte_rw = BIT(1), pte_ps = BIT(7);

	loader_zero(c, LINUX_GDT_GPA, PAGE_SIZE);
	for (unsigned i = 0; i < ngdt; i++)
		loader_put64(c, LINUX_GDT_GPA + i * 8, gdt[i]);
	loader_zero(c, LINUX_PML4_GPA, LINUX_PT_END - LINUX_PML4_GPA);
	loader_put64(c, LINUX_PML4_GPA, LINUX_PDPT_GPA | pte_p | pte_rw);
	for (uint64_t i = 0; i < 4; i++) {
		gpa_t pd = LINUX_PD_GPA + i * PAGE_SIZE;

		loader_put64(c, LINUX_PDPT_GPA + i * 8, pd | pte_p | pte_rw);
		for (uint64_t j = 0; j < 512; j++)
			loader_put64(c, pd + j * 8, ((i << 30) | (j << 21)) | pte_p | pte_rw | pte_ps);
	}
}

/* The zero page: the image's setup header, then what a loader writes. */
static void linux_write_zero_page(struct loader_ctx *c, const struct linux_hdr *h, gpa_t load)
{
	const uint8_t *d = c->in->kernel.data;
	const gpa_t zp = LINUX_ZERO_PAGE_GPA;
	struct loader_range map[LOADER_PIECES_MAX + LOADER_RESERVED_MAX];
	unsigned n = loader_memmap(c->mem, map, ARRAY_SIZE(map));

	loader_zero(c, zp, LINUX_BP_SIZE);
	loader_write(c, zp + LINUX_HDR_SETUP_SECTS, d + LINUX_HDR_SETUP_SECTS,
		     h->hdr_end - LINUX_HDR_SETUP_SECTS);
	loader_write(c, zp + LINUX_HDR_TYPE_OF_LOADER, &(uint8_t){ LINUX_TYPE_OF_LOADER }, 1);
	loader_write(c, zp + LINUX_HDR_LOADFLAGS,
		     &(uint8_t){ d[LINUX_HDR_LOADFLAGS] | LINUX_LF_CAN_USE_HEAP }, 1);
	loader_put16(c, zp + LINUX_HDR_HEAP_END_PTR, LINUX_HEAP_END_PTR);
	loader_put32(c, zp + LINUX_HDR_CODE32_START, (uint32_t)load);
	loader_put32(c, zp + LINUX_HDR_RAMDISK_IMAGE, (uint32_t)c->res->initrd_start);
	loader_put32(c, zp + LINUX_HDR_RAMDISK_SIZE, (uint32_t)c->res->initrd_size);
	loader_put32(c, zp + LINUX_HDR_CMD_LINE_PTR, LINUX_CMDLINE_GPA);
	loader_put32(c, zp + LINUX_HDR_HW_SUBARCH, 0);                 /* x86/PC */
	loader_put64(c, zp + LINUX_HDR_HW_SUBARCH_DATA, 0);
	loader_put64(c, zp + LINUX_HDR_SETUP_DATA, 0);
	if (h->version >= LINUX_PROTO_RSDP)
		loader_put64(c, zp + LINUX_BP_ACPI_RSDP_ADDR, c->in->rsdp);
	if (n > ARRAY_SIZE(map))        /* cannot happen: at most 2 + 2 * 8 */
		n = ARRAY_SIZE(map);
	loader_write(c, zp + LINUX_BP_E820_ENTRIES, &(uint8_t){ (uint8_t)n }, 1);
	for (unsigned i = 0; i < n; i++) {
		gpa_t e = zp + LINUX_BP_E820_TABLE + i * LINUX_E820_ENTRY_SIZE;

		loader_put64(c, e, map[i].base);
		loader_put64(c, e + 8, map[i].size);
		loader_put32(c, e + 16, map[i].type);
	}
}

int loader_load_linux(struct loader_ctx *c)
{
	const struct loader_input *in = c->in;
	const uint8_t *d = in->kernel.data;
	struct linux_hdr h;
	gpa_t load, at;
	uint64_t gdt[4] = {
		0, 0,
		boot_desc(0, 0xfffff, BOOT_ACCESS_CODE, BOOT_FLAGS_64),        /* __BOOT_CS */
		boot_desc(0, 0xfffff, BOOT_ACCESS_DATA, BOOT_FLAGS_32),        /* __BOOT_DS */
	};
	struct boot_gdt g = { .gpa = LINUX_GDT_GPA, .desc = gdt, .n = 4 };
	const char *cmdline = in->cmdline != NULL ? in->cmdline : "";

	memset(&h, 0, sizeof(h));
	if (linux_plan(c, &h, &load) != 0)
		return -1;

	/* Phase 2: nothing below can fail. */
	loader_write(c, load, d + h.setup_size, h.prot_size);
	at = c->res->initrd_start;
	for (unsigned i = 0; i < in->nmodules; i++) {
		gpa_t next = c->res->initrd_start +
			     ALIGN_UP(at - c->res->initrd_start, 4);

		loader_zero(c, at, next - at);
		loader_write(c, next, in->modules[i].data, in->modules[i].size);
		at = next + in->modules[i].size;
	}
	loader_write(c, LINUX_CMDLINE_GPA, cmdline, loader_strnlen(cmdline, LINUX_CMDLINE_AREA));
	loader_write(c, LINUX_CMDLINE_GPA + loader_strnlen(cmdline, LINUX_CMDLINE_AREA), "", 1);
	linux_write_tables(c, gdt, 4);
	linux_write_zero_page(c, &h, load);

	boot_state_long64(c->out, &g, LINUX_BOOT_CS, LINUX_BOOT_DS, LINUX_PML4_GPA,
			  load + LINUX_ENTRY64_OFFSET);
	c->out->gpr[X86_GPR_RSI] = LINUX_ZERO_PAGE_GPA;
	c->out->gpr[X86_GPR_RSP] = LINUX_STACK_GPA + PAGE_SIZE;
	c->res->image_start = load;
	c->res->image_end = load + h.footprint;
	c->res->boot_info = LINUX_ZERO_PAGE_GPA;
	c->res->protocol = h.version;
	return 0;
}
