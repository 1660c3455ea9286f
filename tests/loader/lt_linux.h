/*
 * lt_linux.h - checks shared by the Linux loader tests (synthetic
 * bzImages and the real Debian kernel): an independent 4-level page
 * walk (SDM Vol.3 4.5), the 64-bit boot protocol entry state
 * (Documentation/arch/x86/boot.rst, "64-bit Boot Protocol") and the
 * zero page against the image's setup header.
 */
#ifndef LT_LINUX_H
#define LT_LINUX_H

#include "lt.h"

/* boot.rst header offsets, written out here on their own. */
#define H_SETUP_SECTS   0x1f1
#define H_SYSSIZE       0x1f4
#define H_BOOT_FLAG     0x1fe
#define H_JUMP          0x200
#define H_MAGIC         0x202
#define H_VERSION       0x206
#define H_TYPE_OF_LOADER 0x210
#define H_LOADFLAGS     0x211
#define H_CODE32_START  0x214
#define H_RAMDISK_IMAGE 0x218
#define H_RAMDISK_SIZE  0x21c
#define H_HEAP_END_PTR  0x224
#define H_CMD_LINE_PTR  0x228
#define H_INITRD_MAX    0x22c
#define H_ALIGN         0x230
#define H_RELOC         0x234
#define H_XLOADFLAGS    0x236
#define H_CMDLINE_SIZE  0x238
#define H_SUBARCH       0x23c
#define H_SUBARCH_DATA  0x240
#define H_SETUP_DATA    0x250
#define H_PREF          0x258
#define H_INIT_SIZE     0x260
#define ZP_ACPI_RSDP    0x070
#define ZP_E820_ENTRIES 0x1e8
#define ZP_SENTINEL     0x1ef
#define ZP_E820_TABLE   0x2d0

/* Walk the guest's 4-level tables from cr3; returns the PA or ~0. */
static uint64_t __attribute__((unused)) lt_walk(const struct lt_guest *g, uint64_t cr3, uint64_t va)
{
	const uint64_t addr = 0x000ffffffffff000ULL;
	uint64_t e = cr3 & addr;

	for (int level = 3; level >= 0; level--) {
		uint64_t idx = (va >> (12 + 9 * level)) & 511, ent;

		if ((e & addr) + idx * 8 + 8 > g->ram_top)
			return ~0ULL;
		ent = g64(g, (e & addr) + idx * 8);
		if (!(ent & 1))
			return ~0ULL;
		if ((level == 1 || level == 2) && (ent & 0x80)) {
			uint64_t size = 1ULL << (12 + 9 * level);

			return (ent & addr & ~(size - 1)) | (va & (size - 1));
		}
		e = ent;
	}
	return (e & addr) | (va & 0xfff);
}

/* Is va identity-mapped and writable (every level RW)? */
static int __attribute__((unused)) lt_ident(const struct lt_guest *g, uint64_t cr3, uint64_t va)
{
	return lt_walk(g, cr3, va) == va;
}

/* SDM Vol.3 3.4.5 decoded here: does GDT word d describe segment s? */
static int __attribute__((unused)) lt_desc_matches(uint64_t d, const struct x86_segment *s)
{
	uint64_t base = ((d >> 16) & 0xffffff) | ((d >> 56) << 24);
	uint64_t limit = (d & 0xffff) | (((d >> 48) & 0xf) << 16);

	if (d & (1ULL << 55))
		limit = (limit << 12) | 0xfff;
	return base == s->base && limit == s->limit &&
	       ((d >> 40) & 0xff) == (s->attr & 0xff) && ((d >> 52) & 0xf) == (s->attr >> 8);
}

/*
 * The 64-bit entry state: long mode with paging, __BOOT_CS (0x10) 64-bit
 * execute/read and __BOOT_DS (0x18) flat read/write in DS/ES/SS (and
 * FS/GS here), both in the loaded GDT, interrupts off, RSI = zero page,
 * RIP = load + 0x200.
 */
static void __attribute__((unused)) lt_check_entry64(const struct lt_guest *g,
						      const struct boot_state *s,
						      uint64_t load, uint64_t zp)
{
	const struct x86_segment *cs = &s->seg[X86_SEG_CS];

	LT_EQ(s->mode, BOOT_MODE_LONG64, "entry: 64-bit mode");
	LT_EQ(s->rip, load + 0x200, "entry: RIP = load address + 0x200");
	LT_EQ(s->gpr[X86_GPR_RSI], zp, "entry: RSI = zero page");
	LT_OK((s->cr0 & 1) && (s->cr0 & (1u << 31)), "entry: CR0.PE and PG");
	LT_OK(s->cr4 & (1u << 5), "entry: CR4.PAE");
	LT_OK((s->efer & (1u << 8)) && (s->efer & (1u << 10)), "entry: EFER.LME and LMA");
	LT_OK(!(s->rflags & (1u << 9)) && (s->rflags & 2), "entry: interrupts off");
	LT_EQ(cs->sel, 0x10, "entry: CS = __BOOT_CS");
	/* attr: type[3:0] S[4] DPL[6:5] P[7] AVL[8] L[9] DB[10] G[11] */
	LT_OK((cs->attr & 0xa) == 0xa && (cs->attr & 0x90) == 0x90 && !(cs->attr & 0x60) &&
	      (cs->attr & 0x200) && !(cs->attr & 0x400), "entry: CS 64-bit execute/read (0x%x)", cs->attr);
	LT_OK(cs->base == 0 && cs->limit == 0xffffffffu, "entry: CS 4G flat");
	for (unsigned i = 0; i < X86_SEG_COUNT; i++) {
		const struct x86_segment *d = &s->seg[i];

		if (i == X86_SEG_CS)
			continue;
		LT_OK(d->sel == 0x18 && d->base == 0 && d->limit == 0xffffffffu &&
		      !(d->attr & 0x8) && (d->attr & 0x2) && (d->attr & 0x90) == 0x90 &&
		      !(d->attr & 0x60), "entry: segment %u = __BOOT_DS flat read/write", i);
	}
	LT_OK(s->gdtr.limit >= 0x1f, "entry: GDT holds selectors 0x10 and 0x18");
	LT_OK(lt_desc_matches(g64(g, s->gdtr.base + 0x10), cs), "entry: GDT[0x10] = CS");
	LT_OK(lt_desc_matches(g64(g, s->gdtr.base + 0x18), &s->seg[X86_SEG_DS]), "entry: GDT[0x18] = DS");
	LT_OK(lt_ident(g, s->cr3, s->gdtr.base) && lt_ident(g, s->cr3, s->rip) &&
	      lt_ident(g, s->cr3, zp) && lt_ident(g, s->cr3, zp + 0xfff),
	      "entry: GDT, entry point, zero page identity-mapped");
	LT_OK(lt_ident(g, s->cr3, s->gpr[X86_GPR_RSP] - 8), "entry: stack identity-mapped");
	LT_OK(lt_ident(g, s->cr3, 0xfee00000) && lt_ident(g, s->cr3, 0xffffffff) &&
	      lt_walk(g, s->cr3, 0x100000000ULL) == ~0ULL, "entry: 0-4 GiB mapped, nothing above");
}

/*
 * The zero page's setup header: every byte the image has in
 * [0x1f1, hdr_end) except the fields a loader writes, then nothing
 * up to 0x290.
 */
static void __attribute__((unused)) lt_check_hdr_copy(const struct lt_guest *g, uint64_t zp,
						       const uint8_t *image)
{
	static const struct { unsigned off, len; } written[] = {
		{ H_TYPE_OF_LOADER, 2 }, { H_CODE32_START, 12 }, { H_HEAP_END_PTR, 2 },
		{ H_CMD_LINE_PTR, 4 }, { H_SUBARCH, 12 }, { H_SETUP_DATA, 8 },
	};
	unsigned end = 0x202 + image[0x201], bad = 0;

	for (unsigned o = 0x1f1; o < end; o++) {
		int w = 0;

		for (unsigned i = 0; i < ARRAY_SIZE(written); i++)
			w |= o >= written[i].off && o < written[i].off + written[i].len;
		if (!w && g8(g, zp + o) != image[o] && bad++ == 0)
			LT_EQ(g8(g, zp + o), image[o], "zero page: header byte 0x%x copied", o);
	}
	LT_EQ(bad, 0, "zero page: setup header copied from the image");
	for (unsigned o = end; o < 0x290; o++)
		if (g8(g, zp + o) != 0 && bad++ == 0)
			LT_EQ(g8(g, zp + o), 0, "zero page: 0x%x after the header is zero", o);
	LT_EQ(bad, 0, "zero page: nothing after the setup header");
}

/* The fields a loader writes (boot.rst "Details of Header Fields"). */
static void __attribute__((unused)) lt_check_zp_fields(const struct lt_guest *g, uint64_t zp,
							const uint8_t *image, uint64_t load,
							uint64_t rsdp_want)
{
	LT_EQ(g8(g, zp + H_TYPE_OF_LOADER), 0xff, "zero page: type_of_loader 0xff (undefined)");
	LT_EQ(g8(g, zp + H_LOADFLAGS), image[H_LOADFLAGS] | 0x80, "zero page: loadflags | CAN_USE_HEAP");
	LT_OK(g8(g, zp + H_LOADFLAGS) & 1, "zero page: LOADED_HIGH");
	LT_EQ(g16(g, zp + H_HEAP_END_PTR), 0xe000 - 0x200, "zero page: heap_end_ptr");
	LT_EQ(g32(g, zp + H_CODE32_START), load, "zero page: code32_start = load address");
	LT_EQ(g32(g, zp + H_SUBARCH), 0, "zero page: hardware_subarch = x86/PC");
	LT_EQ(g64(g, zp + H_SUBARCH_DATA), 0, "zero page: hardware_subarch_data 0");
	LT_EQ(g64(g, zp + H_SETUP_DATA), 0, "zero page: no setup_data");
	LT_EQ(g64(g, zp + ZP_ACPI_RSDP), rsdp_want, "zero page: acpi_rsdp_addr");
	LT_EQ(g8(g, zp + ZP_SENTINEL), 0, "zero page: sentinel 0");
	for (unsigned o = 0; o < 0x40; o++)
		if (g8(g, zp + o) != 0) {
			LT_EQ(g8(g, zp + o), 0, "zero page: screen_info byte 0x%x (no video)", o);
			break;
		}
	LT_OK(g8(g, zp + 0x0f) == 0 && g8(g, zp + 0x06) == 0 && g8(g, zp + 0x07) == 0 &&
	      g8(g, zp + 0x0e) == 0, "zero page: screen_info says no video (mode, cols, lines, isVGA 0)");
	/* 3 e820 entries of the standard layout. */
	LT_EQ(g8(g, zp + ZP_E820_ENTRIES), 3, "zero page: e820_entries 3");
	LT_OK(g64(g, zp + ZP_E820_TABLE) == 0 && g64(g, zp + ZP_E820_TABLE + 8) == 0xa0000 &&
	      g32(g, zp + ZP_E820_TABLE + 16) == 1, "e820 0: RAM 0-640 KiB");
	LT_OK(g64(g, zp + ZP_E820_TABLE + 20) == 0xe0000 && g64(g, zp + ZP_E820_TABLE + 28) == 0x20000 &&
	      g32(g, zp + ZP_E820_TABLE + 36) == 2, "e820 1: ROM reserved");
	LT_OK(g64(g, zp + ZP_E820_TABLE + 40) == 0x100000 &&
	      g64(g, zp + ZP_E820_TABLE + 48) == g->ram_top - 0x100000 &&
	      g32(g, zp + ZP_E820_TABLE + 56) == 1, "e820 2: RAM 1 MiB-ram_top");
	{
		unsigned bad = 0;

		for (unsigned o = 0x70 + 8; o < 0x1f1; o++)
			bad += o != ZP_E820_ENTRIES && g8(g, zp + o) != 0;
		for (unsigned o = 0x40; o < 0x70; o++)
			bad += g8(g, zp + o) != 0;
		for (unsigned o = ZP_E820_TABLE + 60; o < 0x1000; o++)
			bad += g8(g, zp + o) != 0;
		LT_EQ(bad, 0, "zero page: every other byte zero");
	}
}

#endif /* LT_LINUX_H */
