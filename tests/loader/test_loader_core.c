/*
 * test_loader_core.c - format detection, the raw flat binary loader
 * (include/guest_abi.h), argument checks, the memory map handed to
 * guests, the placement plan, and the boot state helpers (segment
 * formats per SDM Vol.3 3.4.5 and APM Vol.2 Appendix B).
 */
#include "lt.h"
#include "guest_abi.h"
#include "loader_priv.h"

/* Spec constants, written out independently of the loader's headers. */
#define MB1_MAGIC 0x1badb002u

static void put_mb_header(uint8_t *b, size_t off, uint32_t flags)
{
	p32(b, off, MB1_MAGIC);
	p32(b, off + 4, flags);
	p32(b, off + 8, (uint32_t)-(MB1_MAGIC + flags));
}

static void test_detect(void)
{
	static uint8_t b[GUEST_LOAD_MAX + 16];

	LT_EQ(loader_detect(b, 0), LOADER_FMT_INVALID, "detect: empty is invalid");
	LT_EQ(loader_detect(NULL, 10), LOADER_FMT_INVALID, "detect: no data is invalid");
	lt_fill(b, sizeof(b), 1);
	LT_EQ(loader_detect(b, 1), LOADER_FMT_RAW, "detect: one random byte is a raw binary");
	LT_EQ(loader_detect(b, GUEST_LOAD_MAX), LOADER_FMT_RAW,
	      "detect: random bytes up to GUEST_LOAD_MAX are a raw binary");
	LT_EQ(loader_detect(b, GUEST_LOAD_MAX + 1), LOADER_FMT_INVALID,
	      "detect: random bytes beyond GUEST_LOAD_MAX are invalid");

	memset(b, 0, 0x4000);
	memcpy(b + 0x202, "HdrS", 4);
	LT_EQ(loader_detect(b, 0x206), LOADER_FMT_LINUX, "detect: HdrS at 0x202 is Linux");
	LT_EQ(loader_detect(b, 0x205), LOADER_FMT_RAW, "detect: HdrS cut by the end is not");
	memcpy(b + 0x202, "HdrT", 4);
	LT_EQ(loader_detect(b, 0x4000), LOADER_FMT_RAW, "detect: another word at 0x202 is raw");

	memset(b, 0, 0x4000);
	put_mb_header(b, 8192 - 12, 0);
	LT_EQ(loader_detect(b, 0x4000), LOADER_FMT_MULTIBOOT,
	      "detect: multiboot header ending at byte 8192 is found");
	memset(b, 0, 0x4000);
	put_mb_header(b, 8192 - 8, 0);
	LT_EQ(loader_detect(b, 0x4000), LOADER_FMT_RAW,
	      "detect: multiboot header crossing byte 8192 is not");
	memset(b, 0, 0x4000);
	put_mb_header(b, 0x102, 0);
	LT_EQ(loader_detect(b, 0x4000), LOADER_FMT_RAW,
	      "detect: multiboot header not 4-byte aligned is not");
	memset(b, 0, 0x4000);
	put_mb_header(b, 0x100, 0);
	p32(b, 0x108, 0x12345678);
	LT_EQ(loader_detect(b, 0x4000), LOADER_FMT_RAW,
	      "detect: multiboot magic with a bad checksum is not");
	put_mb_header(b, 0x100, 3);
	LT_EQ(loader_detect(b, 0x10c), LOADER_FMT_MULTIBOOT,
	      "detect: header at the very end of a short file");
	LT_EQ(loader_detect(b, 0x10b), LOADER_FMT_RAW,
	      "detect: header cut by the end of the file is not");
	memcpy(b + 0x202, "HdrS", 4);
	LT_EQ(loader_detect(b, 0x4000), LOADER_FMT_LINUX,
	      "detect: HdrS wins over a multiboot header (as QEMU)");

	memset(b, 0, 0x4000);
	memcpy(b, "\177ELF", 4);
	LT_EQ(loader_detect(b, 0x4000), LOADER_FMT_INVALID,
	      "detect: ELF without multiboot header is invalid");
	put_mb_header(b, 0x40, 0);
	LT_EQ(loader_detect(b, 0x4000), LOADER_FMT_MULTIBOOT,
	      "detect: ELF with multiboot header is multiboot");

	LT_OK(strcmp(loader_format_name(LOADER_FMT_LINUX), "Linux bzImage") == 0 &&
	      strcmp(loader_format_name(LOADER_FMT_MULTIBOOT), "multiboot") == 0 &&
	      strcmp(loader_format_name(LOADER_FMT_RAW), "raw binary") == 0 &&
	      strcmp(loader_format_name(LOADER_FMT_INVALID), "invalid") == 0,
	      "format names");
}

/* The state of include/guest_abi.h, field by field. */
static void check_raw_state(const struct boot_state *s)
{
	LT_EQ(s->mode, BOOT_MODE_REAL16, "raw: real mode");
	LT_EQ(s->seg[X86_SEG_CS].sel, 0x1000, "raw: CS = 0x1000");
	LT_EQ(s->seg[X86_SEG_CS].base, 0x10000, "raw: CS base = 0x10000");
	LT_EQ(s->seg[X86_SEG_CS].limit, 0xffff, "raw: CS limit 64 KiB");
	/* APM Vol.2 App. B attr: type[3:0] S[4] DPL[6:5] P[7]: exec/read accessed, present */
	LT_EQ(s->seg[X86_SEG_CS].attr, 0x9b, "raw: CS attributes");
	LT_EQ(s->rip, 0, "raw: IP = 0");
	for (unsigned i = 0; i < X86_SEG_COUNT; i++) {
		if (i == X86_SEG_CS)
			continue;
		LT_OK(s->seg[i].sel == 0 && s->seg[i].base == 0 && s->seg[i].limit == 0xffff &&
		      s->seg[i].attr == 0x93, "raw: segment %u = 0, 64 KiB, read/write", i);
	}
	LT_EQ(s->gpr[X86_GPR_RSP], 0xfff0, "raw: SP = 0xfff0");
	for (unsigned i = 0; i < X86_GPR_COUNT; i++)
		if (i != X86_GPR_RSP && s->gpr[i] != 0)
			LT_EQ(s->gpr[i], 0, "raw: GPR %u is 0", i);
	LT_EQ(s->rflags, 0x2, "raw: RFLAGS = 0x2");
	LT_EQ(s->cr0, 0x10, "raw: CR0 = ET only");
	LT_OK(s->cr3 == 0 && s->cr4 == 0 && s->efer == 0, "raw: CR3 = CR4 = EFER = 0");
	LT_OK(s->idtr.base == 0 && s->idtr.limit == 0x3ff, "raw: IDTR = real-mode IVT");
	LT_OK(s->gdtr.base == 0 && s->gdtr.limit == 0xffff, "raw: GDTR reset value");
}

static void test_raw(void)
{
	static uint8_t img[GUEST_LOAD_MAX + 1];
	struct lt_guest g;
	struct loader_input in = { .kernel = { "raw.bin", img, 1000, NULL } };
	struct loader_blob mod = { "m", img, 10, NULL };
	struct boot_state s;
	struct loader_result res;
	struct loader_error err;

	lt_fill(img, sizeof(img), 7);
	lt_guest_init(&g, 4 << 20);
	LT_EQ(loader_load(&in, &g.mem, &s, &res, &err), 0, "raw: 1000 bytes load");
	LT_OK(memcmp(g.ram + 0x10000, img, 1000) == 0, "raw: image at 0x10000");
	LT_OK(g.ram[0xffff] == LT_GARBAGE && g.ram[0x10000 + 1000] == LT_GARBAGE,
	      "raw: nothing written around the image");
	LT_EQ(res.format, LOADER_FMT_RAW, "raw: result format");
	LT_OK(res.image_start == 0x10000 && res.image_end == 0x10000 + 1000,
	      "raw: result image range");
	check_raw_state(&s);
	lt_guest_free(&g);

	lt_guest_init(&g, 4 << 20);
	in.kernel.size = GUEST_LOAD_MAX;
	LT_EQ(loader_load(&in, &g.mem, &s, NULL, &err), 0, "raw: GUEST_LOAD_MAX bytes load");
	LT_OK(memcmp(g.ram + 0x10000, img, GUEST_LOAD_MAX) == 0, "raw: the whole image copied");
	lt_guest_free(&g);

	lt_guest_init(&g, 4 << 20);
	in.kernel.size = GUEST_LOAD_MAX + 1;
	lt_reject(&g, &in, LOADER_E_FORMAT, "raw.bin", "raw: one byte too many");
	in.kernel.size = 0;
	lt_reject(&g, &in, LOADER_E_EMPTY, "raw.bin", "raw: empty");
	in.kernel.data = NULL;
	lt_reject(&g, &in, LOADER_E_EMPTY, "raw.bin", "raw: no data");
	in.kernel.data = img;
	in.kernel.size = 100;
	in.modules = &mod;
	in.nmodules = 1;
	lt_reject(&g, &in, LOADER_E_MODULE, "raw.bin", "raw: modules refused");
	in.nmodules = 0;
	memset(img, 0, 64);
	memcpy(img, "\177ELF", 4);
	lt_reject(&g, &in, LOADER_E_FORMAT, "raw.bin", "raw: ELF without multiboot header");
	in.kernel.name = NULL;
	lt_reject(&g, &in, LOADER_E_FORMAT, "image", "no name: messages say \"image\"");
	lt_guest_free(&g);

	boot_state_raw(&s);
	check_raw_state(&s);
}

static void test_args(void)
{
	static uint8_t img[64];
	struct lt_guest g;
	struct loader_input in = { .kernel = { "k", img, sizeof(img), NULL } };
	struct loader_blob mods[LOADER_MODULES_MAX + 1];
	struct x86_machine half;

	lt_guest_init(&g, 4 << 20);
	g.mem.ram_top = 4 << 20 | 0x800;
	lt_reject(&g, &in, LOADER_E_ARGS, "k", "args: ram_top not page-aligned");
	g.mem.ram_top = 1 << 20;
	lt_reject(&g, &in, LOADER_E_ARGS, "k", "args: ram_top below 2 MiB");
	g.mem.ram_top = 0xc0001000ULL;
	lt_reject(&g, &in, LOADER_E_ARGS, "k", "args: ram_top above 3 GiB");
	g.mem.ram_top = 4 << 20;
	g.mem.mach = NULL;
	lt_reject(&g, &in, LOADER_E_ARGS, "k", "args: no machine");
	/* A map without the high RAM: the loader must not trust ram_top alone. */
	memset(&half, 0, sizeof(half));
	x86_memmap_add(&half, 0, 0xa0000, g.ram, X86_PROT_READ | X86_PROT_WRITE);
	g.mem.mach = &half;
	lt_reject(&g, &in, LOADER_E_ARGS, "k", "args: memory map without high RAM");
	/* High RAM mapped read-only. */
	x86_memmap_add(&half, 0x100000, (4 << 20) - 0x100000, g.ram + 0x100000, X86_PROT_READ);
	lt_reject(&g, &in, LOADER_E_ARGS, "k", "args: high RAM read-only");
	g.mem.mach = &g.mach;
	g.mem.reserved[g.mem.nreserved++] = (struct loader_range){ ~0ULL - 10, 100, 2 };
	lt_reject(&g, &in, LOADER_E_ARGS, "k", "args: reserved range wraps");
	g.mem.reserved[g.mem.nreserved - 1].size = 0;
	lt_reject(&g, &in, LOADER_E_ARGS, "k", "args: empty reserved range");
	g.mem.nreserved--;
	g.mem.nreserved = LOADER_RESERVED_MAX + 1;
	lt_reject(&g, &in, LOADER_E_ARGS, "k", "args: too many reserved ranges");
	g.mem.nreserved = 1;
	for (unsigned i = 0; i <= LOADER_MODULES_MAX; i++)
		mods[i] = (struct loader_blob){ "m", img, 1, NULL };
	in.modules = mods;
	in.nmodules = LOADER_MODULES_MAX + 1;
	lt_reject(&g, &in, LOADER_E_ARGS, "k", "args: too many modules");
	in.modules = NULL;
	in.nmodules = 1;
	lt_reject(&g, &in, LOADER_E_ARGS, "k", "args: module count without modules");
	in.modules = mods;
	mods[0].data = NULL;
	lt_reject(&g, &in, LOADER_E_ARGS, "m", "args: module without data");
	lt_guest_free(&g);
}

static void test_memmap(void)
{
	struct x86_machine m;
	struct loader_mem mem;
	struct loader_range r[16];
	unsigned n;

	memset(&m, 0, sizeof(m));
	loader_mem_init(&mem, &m, 128 << 20);
	n = loader_memmap(&mem, r, 16);
	LT_EQ(n, 3, "memmap: 3 entries for the PC layout");
	LT_OK(r[0].base == 0 && r[0].size == 0xa0000 && r[0].type == 1, "memmap: RAM 0-640 KiB");
	LT_OK(r[1].base == 0xe0000 && r[1].size == 0x20000 && r[1].type == 2,
	      "memmap: ROM 0xe0000-0xfffff reserved");
	LT_OK(r[2].base == 0x100000 && r[2].size == (128 << 20) - 0x100000 && r[2].type == 1,
	      "memmap: RAM 1 MiB-ram_top");
	LT_EQ(loader_memmap(&mem, r, 1), 3, "memmap: count beyond max still reported");

	/* ACPI tables at the top of RAM, a hole in the middle, one across low RAM's end. */
	LT_EQ(loader_mem_reserve(&mem, (128 << 20) - 0x10000, 0x10000, 3), 0, "reserve ACPI");
	LT_EQ(loader_mem_reserve(&mem, 0x800000, 0x1000, 4), 0, "reserve NVS");
	LT_EQ(loader_mem_reserve(&mem, 0x9f000, 0x2000, 2), 0, "reserve EBDA-like");
	n = loader_memmap(&mem, r, 16);
	LT_EQ(n, 7, "memmap: 7 entries with three more reservations");
	LT_OK(r[0].base == 0 && r[0].size == 0x9f000 && r[0].type == 1, "memmap: low RAM cut");
	LT_OK(r[1].base == 0x9f000 && r[1].size == 0x2000 && r[1].type == 2, "memmap: EBDA");
	LT_OK(r[2].base == 0xe0000 && r[2].type == 2, "memmap: ROM");
	LT_OK(r[3].base == 0x100000 && r[3].size == 0x700000 && r[3].type == 1,
	      "memmap: RAM up to the NVS page");
	LT_OK(r[4].base == 0x800000 && r[4].size == 0x1000 && r[4].type == 4, "memmap: NVS");
	LT_OK(r[5].base == 0x801000 && r[5].size == (128 << 20) - 0x10000 - 0x801000 &&
	      r[5].type == 1, "memmap: RAM up to the ACPI tables");
	LT_OK(r[6].base == (128 << 20) - 0x10000 && r[6].type == 3, "memmap: ACPI");
	/* ram_top at 1 MiB: no empty RAM entry above it. */
	loader_mem_init(&mem, &m, 0x100000);
	LT_EQ(loader_memmap(&mem, r, 16), 2, "memmap: nothing above 1 MiB, no entry for it");
	/* Whole RAM piece swallowed. */
	loader_mem_init(&mem, &m, 4 << 20);
	LT_EQ(loader_mem_reserve(&mem, 0, 0xa0000, 2), 0, "reserve all low RAM");
	n = loader_memmap(&mem, r, 16);
	LT_OK(n == 3 && r[0].base == 0 && r[0].type == 2 && r[1].base == 0xe0000 &&
	      r[2].base == 0x100000 && r[2].type == 1, "memmap: low RAM fully reserved");
	LT_EQ(loader_mem_reserve(&mem, 5, 0, 2), (uint64_t)-1, "reserve: size 0 refused");
	LT_EQ(loader_mem_reserve(&mem, ~0ULL, 2, 2), (uint64_t)-1, "reserve: wrap refused");
	for (unsigned i = mem.nreserved; i < LOADER_RESERVED_MAX; i++)
		loader_mem_reserve(&mem, 0x200000 + i * 0x1000, 0x1000, 2);
	LT_EQ(loader_mem_reserve(&mem, 0x300000, 0x1000, 2), (uint64_t)-1,
	      "reserve: table full refused");
}

static void test_plan(void)
{
	struct x86_machine m;
	struct loader_mem mem;
	struct loader_plan p;
	gpa_t a = 0;

	memset(&m, 0, sizeof(m));
	loader_mem_init(&mem, &m, 16 << 20);
	loader_plan_init(&p, &mem);
	LT_OK(loader_plan_is_ram(&p, 0, 0xa0000), "plan: low RAM is RAM");
	LT_OK(!loader_plan_is_ram(&p, 0x9f000, 0x2000), "plan: across 640 KiB is not");
	LT_OK(!loader_plan_is_ram(&p, 0xe0000, 0x10), "plan: ROM is not");
	LT_OK(loader_plan_is_ram(&p, 0x100000, (16 << 20) - 0x100000), "plan: high RAM is");
	LT_OK(!loader_plan_is_ram(&p, 0x100000, (16 << 20) - 0xfffff), "plan: past ram_top is not");
	LT_OK(!loader_plan_is_ram(&p, 0x100000, 0), "plan: empty range is not");
	LT_EQ(loader_plan_take(&p, 0x200000, 0x1000), LOADER_TAKE_OK, "plan: take");
	LT_EQ(loader_plan_take(&p, 0x200fff, 0x10), LOADER_TAKE_OVERLAP, "plan: overlap refused");
	LT_EQ(loader_plan_take(&p, 0x1ff000, 0x1001), LOADER_TAKE_OVERLAP, "plan: overlap from below");
	LT_EQ(loader_plan_take(&p, 0x1ff000, 0x1000), LOADER_TAKE_OK, "plan: adjacent below is fine");
	LT_EQ(loader_plan_take(&p, 0xa0000, 0x10), LOADER_TAKE_NOT_RAM, "plan: hole refused");
	LT_EQ(loader_plan_alloc(&p, 0x1000, 0x1000, 0x100000, 16 << 20, false, &a), 0,
	      "plan: alloc bottom-up");
	LT_EQ(a, 0x100000, "plan: lowest free page");
	LT_EQ(loader_plan_alloc(&p, 0x100000, 0x1000, 0x100000, 16 << 20, false, &a), 0,
	      "plan: alloc 1 MiB bottom-up");
	LT_EQ(a, 0x201000, "plan: skips the taken ranges");
	LT_EQ(loader_plan_alloc(&p, 0x3000, 0x200000, 0x100000, 16 << 20, false, &a), 0,
	      "plan: alloc 2 MiB-aligned");
	LT_EQ(a, 0x400000, "plan: next 2 MiB boundary that is free");
	LT_EQ(loader_plan_alloc(&p, 0x2000, 0x1000, 0x100000, 16 << 20, true, &a), 0,
	      "plan: alloc top-down");
	LT_EQ(a, (16 << 20) - 0x2000, "plan: highest free pages");
	LT_EQ(loader_plan_alloc(&p, 0x1000, 0x1000, 0x100000, (16 << 20) - 0x2000, true, &a), 0,
	      "plan: top-down below a limit");
	LT_EQ(a, (16 << 20) - 0x3000, "plan: right below the limit");
	LT_EQ(loader_plan_alloc(&p, 0x800, 0x1000, 0x100000, (16 << 20) - 0x3000, true, &a), 0,
	      "plan: top-down, size below the alignment");
	LT_EQ(a, (16 << 20) - 0x4000, "plan: aligned down");
	LT_EQ(loader_plan_alloc(&p, 0x1000, 0x1000, 0, 0x9000, true, &a), 0, "plan: low RAM top-down");
	LT_EQ(a, 0x8000, "plan: low RAM below the limit");
	LT_EQ(loader_plan_alloc(&p, 16 << 20, 0x1000, 0, 16 << 20, false, &a), (uint64_t)-1,
	      "plan: too big fails");
	LT_EQ(loader_plan_alloc(&p, 0, 0x1000, 0, 16 << 20, false, &a), (uint64_t)-1,
	      "plan: size 0 fails");
	LT_EQ(loader_plan_alloc(&p, 0x1000, 0x1800, 0, 16 << 20, false, &a), (uint64_t)-1,
	      "plan: alignment not a power of two fails");
	LT_EQ(loader_plan_alloc(&p, 0x1000, 0x1000, 0x150000, 0x150000, false, &a), (uint64_t)-1,
	      "plan: empty window fails");
	LT_EQ(loader_plan_alloc(&p, 0x1000, 0x1000, 0x9000, 0x9fff, true, &a), (uint64_t)-1,
	      "plan: window smaller than the size fails");
	for (unsigned i = p.nused; i < LOADER_PLAN_MAX; i++)
		p.used[i] = (struct loader_range){ 0x900000 + i * 0x1000, 0x1000, 1 };
	p.nused = LOADER_PLAN_MAX;
	LT_EQ(loader_plan_take(&p, 0xa00000, 0x1000), LOADER_TAKE_FULL, "plan: full table refused");
}

/* SDM Vol.3 3.4.5: descriptor fields, decoded here bit by bit. */
static void test_desc(void)
{
	uint64_t d = boot_desc(0x12345678, 0xabcde, 0x9b, 0xc);
	struct x86_segment s;

	LT_EQ(d & 0xffff, 0xbcde, "desc: limit 15:0 in bits 15:0");
	LT_EQ((d >> 16) & 0xffffff, 0x345678, "desc: base 23:0 in bits 39:16");
	LT_EQ((d >> 40) & 0xff, 0x9b, "desc: access byte in bits 47:40");
	LT_EQ((d >> 48) & 0xf, 0xa, "desc: limit 19:16 in bits 51:48");
	LT_EQ((d >> 52) & 0xf, 0xc, "desc: flags in bits 55:52");
	LT_EQ(d >> 56, 0x12, "desc: base 31:24 in bits 63:56");
	s = boot_seg_from_desc(0x28, d);
	LT_EQ(s.sel, 0x28, "seg: selector");
	LT_EQ(s.base, 0x12345678, "seg: base");
	LT_EQ(s.limit, 0xabcdefff, "seg: G=1 limit in 4 KiB units, low 12 bits ones");
	LT_EQ(s.attr, 0xc9b, "seg: VMCB attr = access | flags << 8");
	s = boot_seg_from_desc(0x8, boot_desc(0x1000, 0x12345, 0x93, 0x4));
	LT_EQ(s.limit, 0x12345, "seg: G=0 limit in bytes (20 bits)");
	LT_EQ(s.attr, 0x493, "seg: D/B without G");
	LT_EQ(boot_desc(0, 0xfffff, 0x9b, 0xc), 0x00cf9b000000ffffULL,
	      "desc: flat 32-bit code = 0x00cf9b000000ffff");
	LT_EQ(boot_desc(0, 0xfffff, 0x93, 0xc), 0x00cf93000000ffffULL,
	      "desc: flat data = 0x00cf93000000ffff");
	LT_EQ(boot_desc(0, 0xfffff, 0x9b, 0xa), 0x00af9b000000ffffULL,
	      "desc: 64-bit code = 0x00af9b000000ffff");
}

int main(void)
{
	test_detect();
	test_raw();
	test_args();
	test_memmap();
	test_plan();
	test_desc();
	return ut_done();
}
