/*
 * multiboot.c - load a Multiboot v1 kernel (spec 0.6.96): its segments,
 * its modules, the boot information structure, and the entry state of
 * spec 3.2.
 *
 * Guest memory, after the kernel's own segments (placed where its
 * headers say):
 *   info block   lowest free page-aligned RAM from 1 MiB up:
 *                  +0     struct mb_info (116 bytes)
 *                  +120   GDT: null, 0x08 flat code, 0x10 flat data
 *                  +144   memory map entries (24 bytes each)
 *                  then   module list (16 bytes per module)
 *                  then   command line, boot loader name, module strings
 *                  then   padding to a page, and one 4 KiB stack page
 *   modules      each page-aligned, in order, the lowest free RAM after
 *                that (so usually right behind the kernel, as with GRUB
 *                and QEMU)
 *
 * Information passed (3.3): flags = MEMORY | CMDLINE | MODS | MMAP |
 * LOADER_NAME. mem_lower = KiB of RAM at 0 (640), mem_upper = KiB of
 * RAM from 1 MiB to the first hole (ram_top - 1 MiB when nothing is
 * reserved up there); no boot device (the guest has no BIOS disks); no
 * symbols; no drives, config table, APM; no video (a header that asks
 * for a mode, flags bit 2, still loads, as with QEMU: the kernel gets no
 * VBE or framebuffer fields). Modules are always page-aligned, whether
 * or not the header asks (flags bit 0).
 *
 * Entry (3.2): EAX = 0x2BADB002, EBX = the info block, CS = 0x08 flat
 * 4 GiB execute/read, DS/ES/FS/GS/SS = 0x10 flat 4 GiB read/write, CR0 =
 * PE | ET (PG off), EFLAGS = 0x2 (IF = VM = 0), A20 on. Left
 * "undefined" by the spec and made usable here: GDTR points to the GDT
 * above, IDTR = {0, 0}, ESP = the top of the stack page.
 */
#include "loader_priv.h"
#include "multiboot.h"

#define MB_CODE_SEL     0x08
#define MB_DATA_SEL     0x10
#define MB_GDT_N        3
#define MB_OFF_GDT      120                     /* 8-aligned after the info */
#define MB_OFF_MMAP     (MB_OFF_GDT + MB_GDT_N * 8)
#define MB_MMAP_MAX     (LOADER_PIECES_MAX + LOADER_RESERVED_MAX)
#define MB_STACK_SIZE   PAGE_SIZE
#define MB_CMDLINE_MAX  0x10000u                /* bytes, NUL included */
#define MB_LOADER_NAME  "svmhv"

/* Where the pieces of the info block go (offsets from its start). */
struct mb_layout {
	struct loader_range map[MB_MMAP_MAX];
	unsigned nmap;
	uint64_t off_mods, off_cmdline, off_name, off_strings, size;
	size_t cmdline_len, name_len;
	size_t mod_len[LOADER_MODULES_MAX];
	gpa_t info, mod_gpa[LOADER_MODULES_MAX];
};

static const char *mb_str(const char *s, const char *dflt)
{
	return s != NULL ? s : dflt;
}

/* Size the info block; the strings must end within MB_CMDLINE_MAX. */
static int mb_layout(struct loader_ctx *c, struct mb_layout *lay)
{
	const struct loader_input *in = c->in;
	uint64_t off;

	lay->nmap = loader_memmap(c->mem, lay->map, MB_MMAP_MAX);
	off = MB_OFF_MMAP + (uint64_t)lay->nmap * sizeof(struct mb_mmap_entry);
	lay->off_mods = off;
	off += (uint64_t)in->nmodules * sizeof(struct mb_module);
	lay->off_cmdline = off;
	lay->cmdline_len = loader_strnlen(mb_str(in->cmdline, ""), MB_CMDLINE_MAX);
	if (lay->cmdline_len >= MB_CMDLINE_MAX)
		return loader_fail(c, LOADER_E_CMDLINE, &in->kernel, "command line longer than "
				   "%u bytes", MB_CMDLINE_MAX - 1);
	off += lay->cmdline_len + 1;
	lay->off_name = off;
	lay->name_len = loader_strnlen(mb_str(in->loader_name, MB_LOADER_NAME), 256);
	off += lay->name_len + 1;
	lay->off_strings = off;
	for (unsigned i = 0; i < in->nmodules; i++) {
		lay->mod_len[i] = loader_strnlen(mb_str(in->modules[i].cmdline, ""), MB_CMDLINE_MAX);
		if (lay->mod_len[i] >= MB_CMDLINE_MAX)
			return loader_fail(c, LOADER_E_CMDLINE, &in->modules[i], "module string "
					   "longer than %u bytes", MB_CMDLINE_MAX - 1);
		off += lay->mod_len[i] + 1;
	}
	lay->size = ALIGN_UP(off, PAGE_SIZE) + MB_STACK_SIZE;
	return 0;
}

/* Phase 1: take the segments, the info block and the modules. */
static int mb_plan(struct loader_ctx *c, const struct mb_image *img, struct mb_layout *lay)
{
	const struct loader_input *in = c->in;
	const uint64_t top = c->mem->ram_top;

	for (unsigned i = 0; i < img->nseg; i++) {
		const struct mb_seg *s = &img->seg[i];
		int take = loader_plan_take(&c->plan, s->paddr, s->memsz);

		if (take != LOADER_TAKE_OK)
			return loader_fail_take(c, take, &in->kernel,
						img->aout_kludge ? "image" : "segment",
						s->paddr, s->memsz);
	}
	if (mb_layout(c, lay) != 0)
		return -1;
	if (loader_plan_alloc(&c->plan, lay->size, PAGE_SIZE, 0x100000, top, false,
			      &lay->info) != 0)
		return loader_fail(c, LOADER_E_NOFIT, &in->kernel, "no room in guest RAM for "
				   "the %llu-byte boot information", (unsigned long long)lay->size);
	for (unsigned i = 0; i < in->nmodules; i++) {
		uint64_t sz = in->modules[i].size ? in->modules[i].size : 1;

		if (loader_plan_alloc(&c->plan, ALIGN_UP(sz, PAGE_SIZE), PAGE_SIZE, 0x100000,
				      top, false, &lay->mod_gpa[i]) != 0)
			return loader_fail(c, LOADER_E_NOFIT, &in->modules[i], "%llu bytes do not "
					   "fit in the free guest RAM (%llu MiB in all)",
					   (unsigned long long)in->modules[i].size,
					   (unsigned long long)(top >> 20));
	}
	return 0;
}

/* KiB of the usable RAM piece that starts at base (0 if none does). */
static uint32_t mb_kib_at(const struct loader_plan *p, gpa_t base)
{
	for (unsigned i = 0; i < p->nram; i++)
		if (p->ram[i].base == base)
			return (uint32_t)(p->ram[i].size >> 10);
	return 0;
}

/* Phase 2: the info block. */
static void mb_write_info(struct loader_ctx *c, const struct mb_layout *lay,
			  const uint64_t *gdt)
{
	const struct loader_input *in = c->in;
	const gpa_t b = lay->info;
	struct mb_info info;
	uint64_t str = b + lay->off_strings;

	loader_zero(c, b, lay->size);
	memset(&info, 0, sizeof(info));
	info.flags = MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MODS | MB_INFO_MMAP |
		     MB_INFO_LOADER_NAME;
	info.mem_lower = mb_kib_at(&c->plan, 0);
	info.mem_upper = mb_kib_at(&c->plan, 0x100000);
	info.cmdline = (uint32_t)(b + lay->off_cmdline);
	info.mods_count = in->nmodules;
	info.mods_addr = (uint32_t)(b + lay->off_mods);
	info.mmap_length = lay->nmap * (uint32_t)sizeof(struct mb_mmap_entry);
	info.mmap_addr = (uint32_t)(b + MB_OFF_MMAP);
	info.boot_loader_name = (uint32_t)(b + lay->off_name);
	loader_write(c, b, &info, sizeof(info));
	for (unsigned i = 0; i < MB_GDT_N; i++)
		loader_put64(c, b + MB_OFF_GDT + i * 8, gdt[i]);
	for (unsigned i = 0; i < lay->nmap; i++) {
		struct mb_mmap_entry e = {
			.size = sizeof(e) - sizeof(e.size), .base_addr = lay->map[i].base,
			.length = lay->map[i].size, .type = lay->map[i].type,
		};

		loader_write(c, info.mmap_addr + i * sizeof(e), &e, sizeof(e));
	}
	/* Strings: the zeroed block supplies every terminating NUL. */
	loader_write(c, info.cmdline, mb_str(in->cmdline, ""), lay->cmdline_len);
	loader_write(c, info.boot_loader_name, mb_str(in->loader_name, MB_LOADER_NAME),
		     lay->name_len);
	for (unsigned i = 0; i < in->nmodules; i++) {
		struct mb_module m = {
			.mod_start = (uint32_t)lay->mod_gpa[i],
			.mod_end = (uint32_t)(lay->mod_gpa[i] + in->modules[i].size),
			.string = (uint32_t)str,
		};

		loader_write(c, info.mods_addr + i * sizeof(m), &m, sizeof(m));
		loader_write(c, str, mb_str(in->modules[i].cmdline, ""), lay->mod_len[i]);
		str += lay->mod_len[i] + 1;
	}
}

int loader_load_multiboot(struct loader_ctx *c)
{
	const struct loader_input *in = c->in;
	struct mb_image img;
	struct mb_layout lay;
	uint64_t gdt[MB_GDT_N] = {
		0,
		boot_desc(0, 0xfffff, BOOT_ACCESS_CODE, BOOT_FLAGS_32),
		boot_desc(0, 0xfffff, BOOT_ACCESS_DATA, BOOT_FLAGS_32),
	};
	struct boot_gdt g;

	if (loader_mb_parse(c, &img) != 0 || mb_plan(c, &img, &lay) != 0)
		return -1;

	/* Phase 2: nothing below can fail. */
	c->res->image_start = UINT64_MAX;
	for (unsigned i = 0; i < img.nseg; i++) {
		const struct mb_seg *s = &img.seg[i];

		loader_write(c, s->paddr, in->kernel.data + s->off, s->filesz);
		loader_zero(c, s->paddr + s->filesz, s->memsz - s->filesz);    /* BSS */
		if (s->paddr < c->res->image_start)
			c->res->image_start = s->paddr;
		if (s->paddr + s->memsz > c->res->image_end)
			c->res->image_end = s->paddr + s->memsz;
	}
	for (unsigned i = 0; i < in->nmodules; i++) {
		loader_write(c, lay.mod_gpa[i], in->modules[i].data, in->modules[i].size);
		loader_zero(c, lay.mod_gpa[i] + in->modules[i].size,
			    ALIGN_UP(in->modules[i].size ? in->modules[i].size : 1, PAGE_SIZE) -
			    in->modules[i].size);
	}
	mb_write_info(c, &lay, gdt);

	g = (struct boot_gdt){ .gpa = lay.info + MB_OFF_GDT, .desc = gdt, .n = MB_GDT_N };
	boot_state_prot32(c->out, &g, MB_CODE_SEL, MB_DATA_SEL, img.entry);
	c->out->gpr[X86_GPR_RAX] = MB_BOOTLOADER_MAGIC;
	c->out->gpr[X86_GPR_RBX] = lay.info;
	c->out->gpr[X86_GPR_RSP] = lay.info + lay.size;
	c->res->boot_info = lay.info;
	return 0;
}
