/*
 * multiboot_image.c - read a Multiboot v1 kernel image (spec 0.6.96,
 * 3.1): find and check the header, then turn either the a.out kludge
 * address fields (3.1.3) or the ELF program headers into a list of
 * segments and a physical entry point. Nothing is placed or written here.
 *
 * ELF: the System V ABI (gABI) "Object Files" chapter for ELF32, the
 * ELF-64 Object File Format 1.5 for ELF64. Choices, as GRUB 2 makes them
 * (grub-core/loader/multiboot_elfxx.c):
 *  - PT_LOAD segments are loaded at p_paddr (their physical address);
 *    a segment may lie below 1 MiB if that is RAM;
 *  - the entry point is e_entry translated from virtual to physical
 *    through the PT_LOAD segment whose [p_vaddr, p_vaddr + p_memsz)
 *    holds it (e_entry - p_vaddr + p_paddr); none: refused;
 *  - ELF64 (EM_X86_64) is accepted like ELF32 (EM_386): it is still
 *    entered in 32-bit protected mode, so every segment and the entry
 *    must be below 4 GiB (QEMU's own loader refuses ELF64 instead);
 *  - ET_EXEC and ET_DYN are accepted, loaded where their headers say
 *    (no relocation);
 *  - the multiboot address fields, when flags bit 16 is set, win over
 *    the ELF headers (spec 3.1.3: "should use them instead").
 * Segments must not overlap each other; segments with p_memsz 0 are
 * skipped. At most MB_SEGS_MAX PT_LOAD segments.
 */
#include "loader_priv.h"
#include "multiboot.h"

/* ELF identification and header offsets (gABI; ELF-64 1.5). */
#define ELF_EI_CLASS    4
#define ELF_EI_DATA     5
#define ELF_EI_VERSION  6
#define ELF_CLASS32     1
#define ELF_CLASS64     2
#define ELF_DATA2LSB    1
#define ELF_EV_CURRENT  1
#define ELF_ET_EXEC     2
#define ELF_ET_DYN      3
#define ELF_EM_386      3
#define ELF_EM_X86_64   62
#define ELF_PT_LOAD     1
#define ELF_E_TYPE      16
#define ELF_E_MACHINE   18
#define ELF_E_VERSION   20
#define ELF_E_ENTRY     24

/* Where the fields of the two classes live. */
struct elf_layout {
	unsigned ehsize, phoff, phentsize, phnum;               /* Ehdr */
	unsigned phsize, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz;   /* Phdr */
	bool wide;                      /* addresses are 64-bit */
};

static const struct elf_layout elf_layout32 = {
	.ehsize = 52, .phoff = 28, .phentsize = 42, .phnum = 44,
	.phsize = 32, .p_offset = 4, .p_vaddr = 8, .p_paddr = 12, .p_filesz = 16, .p_memsz = 20,
};
static const struct elf_layout elf_layout64 = {
	.ehsize = 64, .phoff = 32, .phentsize = 54, .phnum = 56,
	.phsize = 56, .p_offset = 8, .p_vaddr = 16, .p_paddr = 24, .p_filesz = 32, .p_memsz = 40,
	.wide = true,
};

/* An address-sized field: 4 bytes in ELF32, 8 in ELF64. */
static uint64_t elf_addr(const struct elf_layout *l, const uint8_t *p)
{
	return l->wide ? ld64(p) : ld32(p);
}

#define FOUR_GIB 0x100000000ULL

/* The ELF header: identification, class, machine, type, program headers. */
static int mb_elf_header(struct loader_ctx *c, const struct elf_layout **lp,
			 struct mb_image *img)
{
	const struct loader_blob *k = &c->in->kernel;
	const uint8_t *d = k->data;
	const struct elf_layout *l;
	unsigned cls, machine;
	uint64_t phoff, phend;

	if (k->size < 16)
		return loader_fail(c, LOADER_E_TRUNCATED, k, "ELF header truncated");
	cls = d[ELF_EI_CLASS];
	if (cls != ELF_CLASS32 && cls != ELF_CLASS64)
		return loader_fail(c, LOADER_E_HEADER, k, "ELF class %u (neither 32 nor 64-bit)", cls);
	l = cls == ELF_CLASS64 ? &elf_layout64 : &elf_layout32;
	img->elf_class = cls == ELF_CLASS64 ? 64 : 32;
	if (k->size < l->ehsize)
		return loader_fail(c, LOADER_E_TRUNCATED, k, "ELF header truncated");
	if (d[ELF_EI_DATA] != ELF_DATA2LSB)
		return loader_fail(c, LOADER_E_UNSUPPORTED, k, "big-endian ELF");
	if (d[ELF_EI_VERSION] != ELF_EV_CURRENT || ld32(d + ELF_E_VERSION) != ELF_EV_CURRENT)
		return loader_fail(c, LOADER_E_HEADER, k, "ELF version is not 1");
	machine = ld16(d + ELF_E_MACHINE);
	if (machine != (cls == ELF_CLASS64 ? ELF_EM_X86_64 : ELF_EM_386))
		return loader_fail(c, LOADER_E_UNSUPPORTED, k, "ELF%u for machine %u (not x86)",
				   img->elf_class, machine);
	if (ld16(d + ELF_E_TYPE) != ELF_ET_EXEC && ld16(d + ELF_E_TYPE) != ELF_ET_DYN)
		return loader_fail(c, LOADER_E_UNSUPPORTED, k, "ELF type %u is not an executable",
				   ld16(d + ELF_E_TYPE));
	if (ld16(d + l->phnum) == 0)
		return loader_fail(c, LOADER_E_HEADER, k, "ELF file without program headers");
	if (ld16(d + l->phentsize) < l->phsize)
		return loader_fail(c, LOADER_E_HEADER, k, "ELF program header size %u < %u",
				   ld16(d + l->phentsize), l->phsize);
	phoff = elf_addr(l, d + l->phoff);
	phend = phoff + (uint64_t)ld16(d + l->phnum) * ld16(d + l->phentsize);
	if (phoff > k->size || phend > k->size)
		return loader_fail(c, LOADER_E_TRUNCATED, k, "ELF program headers past the end "
				   "of the file");
	*lp = l;
	return 0;
}

/* The PT_LOAD segments and the physical entry point. */
static int mb_elf(struct loader_ctx *c, struct mb_image *img)
{
	const struct loader_blob *k = &c->in->kernel;
	const uint8_t *d = k->data;
	const struct elf_layout *l = NULL;
	uint64_t entry, phoff;
	unsigned phnum, phentsize;
	bool found = false;

	if (mb_elf_header(c, &l, img) != 0)
		return -1;
	phoff = elf_addr(l, d + l->phoff);
	phnum = ld16(d + l->phnum);
	phentsize = ld16(d + l->phentsize);
	entry = elf_addr(l, d + ELF_E_ENTRY);
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = d + phoff + (uint64_t)i * phentsize;
		uint64_t off = elf_addr(l, ph + l->p_offset), vaddr = elf_addr(l, ph + l->p_vaddr);
		uint64_t paddr = elf_addr(l, ph + l->p_paddr), filesz = elf_addr(l, ph + l->p_filesz);
		uint64_t memsz = elf_addr(l, ph + l->p_memsz);

		if (ld32(ph) != ELF_PT_LOAD || memsz == 0)
			continue;
		if (filesz > memsz)
			return loader_fail(c, LOADER_E_HEADER, k, "segment %u: p_filesz %llx > "
					   "p_memsz %llx", i, (unsigned long long)filesz,
					   (unsigned long long)memsz);
		if (off > k->size || filesz > k->size - off)
			return loader_fail(c, LOADER_E_TRUNCATED, k, "segment %u: file bytes "
					   "[%llx-%llx) past the end of the file (%llu bytes)", i,
					   (unsigned long long)off, (unsigned long long)(off + filesz),
					   (unsigned long long)k->size);
		if (paddr >= FOUR_GIB || memsz > FOUR_GIB - paddr)
			return loader_fail(c, LOADER_E_NOFIT, k, "segment %u at %llx+%llx is not "
					   "below 4 GiB", i, (unsigned long long)paddr,
					   (unsigned long long)memsz);
		if (img->nseg >= MB_SEGS_MAX)
			return loader_fail(c, LOADER_E_UNSUPPORTED, k, "more than %u PT_LOAD "
					   "segments", MB_SEGS_MAX);
		img->seg[img->nseg++] = (struct mb_seg){ off, filesz, paddr, memsz };
		if (!found && entry >= vaddr && entry - vaddr < memsz) {
			img->entry = (uint32_t)(entry - vaddr + paddr);
			found = true;
		}
	}
	if (img->nseg == 0)
		return loader_fail(c, LOADER_E_HEADER, k, "ELF file without a PT_LOAD segment");
	if (!found)
		return loader_fail(c, LOADER_E_HEADER, k, "entry point %llx is in no PT_LOAD "
				   "segment", (unsigned long long)entry);
	return 0;
}

/* Spec 3.1.3: the a.out kludge address fields of the header at h. */
static int mb_aout(struct loader_ctx *c, struct mb_image *img, uint64_t h)
{
	const struct loader_blob *k = &c->in->kernel;
	const uint8_t *f = k->data + h;
	uint64_t header_addr, load_addr, load_end, bss_end, entry, off, filesz, memsz;

	if (h + MB_HDR_ADDR_END > k->size)
		return loader_fail(c, LOADER_E_TRUNCATED, k, "multiboot address fields past the "
				   "end of the file");
	if (h + MB_HDR_ADDR_END > MB_SEARCH)
		return loader_fail(c, LOADER_E_HEADER, k, "multiboot header not within the "
				   "first 8192 bytes");
	header_addr = ld32(f + MB_HDR_HEADER_ADDR);
	load_addr = ld32(f + MB_HDR_LOAD_ADDR);
	load_end = ld32(f + MB_HDR_LOAD_END);
	bss_end = ld32(f + MB_HDR_BSS_END);
	entry = ld32(f + MB_HDR_ENTRY);
	if (load_addr > header_addr || header_addr - load_addr > h)
		return loader_fail(c, LOADER_E_HEADER, k, "load_addr %llx and header_addr %llx "
				   "put the start of the text before the file",
				   (unsigned long long)load_addr, (unsigned long long)header_addr);
	off = h - (header_addr - load_addr);
	if (load_end == 0) {
		filesz = k->size - off;         /* the rest of the file */
	} else {
		if (load_end < load_addr)
			return loader_fail(c, LOADER_E_HEADER, k, "load_end_addr %llx below "
					   "load_addr %llx", (unsigned long long)load_end,
					   (unsigned long long)load_addr);
		filesz = load_end - load_addr;
		if (filesz > k->size - off)
			return loader_fail(c, LOADER_E_TRUNCATED, k, "load_end_addr %llx wants "
					   "%llu bytes from file offset %llu, the file has %llu",
					   (unsigned long long)load_end, (unsigned long long)filesz,
					   (unsigned long long)off, (unsigned long long)k->size);
	}
	if (header_addr + MB_HDR_ADDR_END > load_addr + filesz)
		return loader_fail(c, LOADER_E_HEADER, k, "the multiboot header is not inside "
				   "[load_addr, load_end_addr)");
	memsz = filesz;
	if (bss_end != 0) {
		if (bss_end < load_addr + filesz)
			return loader_fail(c, LOADER_E_HEADER, k, "bss_end_addr %llx below the end "
					   "of the loaded text and data %llx",
					   (unsigned long long)bss_end,
					   (unsigned long long)(load_addr + filesz));
		memsz = bss_end - load_addr;
	}
	if (load_addr + memsz > FOUR_GIB)
		return loader_fail(c, LOADER_E_NOFIT, k, "image end %llx is not below 4 GiB",
				   (unsigned long long)(load_addr + memsz));
	if (entry < load_addr || entry >= load_addr + memsz)
		return loader_fail(c, LOADER_E_HEADER, k, "entry_addr %llx outside the image "
				   "[%llx-%llx)", (unsigned long long)entry,
				   (unsigned long long)load_addr, (unsigned long long)(load_addr + memsz));
	img->seg[0] = (struct mb_seg){ off, filesz, load_addr, memsz };
	img->nseg = 1;
	img->entry = (uint32_t)entry;
	img->aout_kludge = true;
	return 0;
}

int loader_mb_parse(struct loader_ctx *c, struct mb_image *img)
{
	const struct loader_blob *k = &c->in->kernel;
	long h = loader_mb_find(k->data, k->size);
	uint32_t unknown;

	memset(img, 0, sizeof(*img));
	if (h < 0)
		return loader_fail(c, LOADER_E_FORMAT, k, "no multiboot header");
	img->hflags = ld32(k->data + h + MB_HDR_FLAGS);
	/* Spec 3.1.2: a requirement bit we do not understand means refuse. */
	unknown = img->hflags & (uint32_t)MB_HF_REQUIRED &
		  ~(uint32_t)(MB_HF_PAGE_ALIGN | MB_HF_MEMINFO | MB_HF_VIDEO);
	if (unknown != 0)
		return loader_fail(c, LOADER_E_UNSUPPORTED, k, "multiboot header requires "
				   "features %x this loader does not know", unknown);
	if (img->hflags & MB_HF_AOUT_KLUDGE)
		return mb_aout(c, img, (uint64_t)h);
	if (k->size < 4 || ld32(k->data) != 0x464c457fu)
		return loader_fail(c, LOADER_E_FORMAT, k, "multiboot header without address "
				   "fields (flags bit 16) in a file that is not ELF");
	return mb_elf(c, img);
}
