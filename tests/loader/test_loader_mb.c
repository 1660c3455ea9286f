/*
 * test_loader_mb.c - the multiboot v1 loader against Multiboot
 * Specification 0.6.96: synthetic ELF32, ELF64 and a.out-kludge
 * kernels, loaded into a fake guest; the segments, the boot information
 * structure (3.3), the machine state (3.2) checked field by field; every
 * rejection reason.
 */
#include "lt.h"

/* Multiboot 0.6.96, 3.1 and 3.3. */
#define MB1_MAGIC       0x1badb002u
#define MB1_EAX         0x2badb002u
#define MBI_FLAGS       0
#define MBI_MEM_LOWER   4
#define MBI_MEM_UPPER   8
#define MBI_CMDLINE     16
#define MBI_MODS_COUNT  20
#define MBI_MODS_ADDR   24
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR   48
#define MBI_LOADER_NAME 64
#define MBI_SIZE        116

/* ELF (gABI; ELF-64 Object File Format). */
#define PT_LOAD 1
#define PT_NOTE 4

struct seg {
	uint32_t type;
	uint64_t off, vaddr, paddr, filesz, memsz;
};

static uint8_t img[0x10000];

static void put_mb(uint8_t *b, size_t off, uint32_t flags)
{
	p32(b, off, MB1_MAGIC);
	p32(b, off + 4, flags);
	p32(b, off + 8, (uint32_t)-(MB1_MAGIC + flags));
}

/* An ELF executable with the given program headers, contents from lt_fill. */
static size_t mk_elf(int cls, uint64_t entry, const struct seg *s, unsigned n, size_t size)
{
	size_t ph = 64;

	memset(img, 0, sizeof(img));
	lt_fill(img + 0x400, sizeof(img) - 0x400, 99);
	memcpy(img, "\177ELF", 4);
	img[4] = cls == 64 ? 2 : 1;
	img[5] = 1;                             /* little-endian */
	img[6] = 1;                             /* EV_CURRENT */
	p16(img, 16, 2);                        /* ET_EXEC */
	p16(img, 18, cls == 64 ? 62 : 3);       /* EM_X86_64 / EM_386 */
	p32(img, 20, 1);
	if (cls == 64) {
		p64(img, 24, entry);
		p64(img, 32, ph);
		p16(img, 52, 64);
		p16(img, 54, 56);
		p16(img, 56, (uint16_t)n);
	} else {
		p32(img, 24, (uint32_t)entry);
		p32(img, 28, (uint32_t)ph);
		p16(img, 40, 52);
		p16(img, 42, 32);
		p16(img, 44, (uint16_t)n);
	}
	for (unsigned i = 0; i < n; i++) {
		size_t o = ph + i * (cls == 64 ? 56 : 32);

		if (cls == 64) {
			p32(img, o, s[i].type);
			p64(img, o + 8, s[i].off);
			p64(img, o + 16, s[i].vaddr);
			p64(img, o + 24, s[i].paddr);
			p64(img, o + 32, s[i].filesz);
			p64(img, o + 40, s[i].memsz);
		} else {
			p32(img, o, s[i].type);
			p32(img, o + 4, (uint32_t)s[i].off);
			p32(img, o + 8, (uint32_t)s[i].vaddr);
			p32(img, o + 12, (uint32_t)s[i].paddr);
			p32(img, o + 16, (uint32_t)s[i].filesz);
			p32(img, o + 20, (uint32_t)s[i].memsz);
		}
	}
	/* Right after the table, a PT_LOAD into the VGA hole that no loader
	 * may read: e_phnum says where the table ends. */
	{
		size_t o = ph + n * (cls == 64 ? 56 : 32);

		p32(img, o, PT_LOAD);
		if (cls == 64) {
			p64(img, o + 24, 0xb8000);
			p64(img, o + 40, 0x100);
		} else {
			p32(img, o + 12, 0xb8000);
			p32(img, o + 20, 0x100);
		}
	}
	put_mb(img, 0x1010, 0x3);               /* inside the text, as in a real kernel */
	return size;
}

/* The standard ELF32 kernel: higher-half text, data+BSS, a low segment. */
static const struct seg elf32_segs[] = {
	{ PT_LOAD, 0x1000, 0xc0100000, 0x100000, 0x1800, 0x1800 },     /* text */
	{ PT_LOAD, 0x3000, 0xc0102000, 0x102000, 0x100, 0x3000 },      /* data + BSS */
	{ PT_NOTE, 0x3200, 0, 0xb8000, 0x20, 0x20 },                   /* ignored */
	{ PT_LOAD, 0x3100, 0x8000, 0x8000, 0x200, 0x400 },             /* below 1 MiB */
	{ PT_LOAD, 0x3300, 0xb8000, 0xb8000, 0, 0 },                   /* empty: skipped */
};
#define ELF32_SIZE 0x3300
#define ELF32_ENTRY 0xc0100010u

static size_t mk_elf32(void)
{
	return mk_elf(32, ELF32_ENTRY, elf32_segs, ARRAY_SIZE(elf32_segs), ELF32_SIZE);
}

/* Does [a, a+n) overlap [b, b+m)? */
static int ovl(uint64_t a, uint64_t n, uint64_t b, uint64_t m)
{
	return a < b + m && b < a + n;
}

/* Is [a, a+n) inside one type-1 entry of the standard 3-entry map? */
static int in_ram(const struct lt_guest *g, uint64_t a, uint64_t n)
{
	return (a + n <= 0xa0000) || (a >= 0x100000 && a + n <= g->ram_top);
}

/* SDM Vol.3 3.4.5, decoded here: does desc describe segment s? */
static int desc_matches(uint64_t d, const struct x86_segment *s)
{
	uint64_t base = ((d >> 16) & 0xffffff) | ((d >> 56) << 24);
	uint64_t limit = (d & 0xffff) | (((d >> 48) & 0xf) << 16);

	if (d & (1ULL << 55))
		limit = (limit << 12) | 0xfff;
	return base == s->base && limit == s->limit &&
	       ((d >> 40) & 0xff) == (s->attr & 0xff) && ((d >> 52) & 0xf) == (s->attr >> 8);
}

/* Spec 3.2 machine state, flat segments from the GDT the loader left. */
static void check_mb_state(const struct lt_guest *g, const struct boot_state *s, uint32_t entry)
{
	const struct x86_segment *cs = &s->seg[X86_SEG_CS];

	LT_EQ(s->mode, BOOT_MODE_PROT32, "mb state: 32-bit protected mode");
	LT_EQ(s->gpr[X86_GPR_RAX], MB1_EAX, "mb state: EAX = 0x2BADB002");
	LT_EQ(s->rip, entry, "mb state: EIP = entry");
	LT_OK((s->cr0 & 1) == 1 && !(s->cr0 & (1u << 31)), "mb state: CR0.PE = 1, PG = 0");
	LT_OK(!(s->rflags & (1u << 9)) && !(s->rflags & (1u << 17)) && (s->rflags & 2),
	      "mb state: EFLAGS IF = VM = 0 (bit 1 set)");
	LT_OK(s->efer == 0 && s->cr4 == 0, "mb state: no long mode, CR4 = 0");
	/* attr: type[3:0] S[4] DPL[6:5] P[7] AVL[8] L[9] DB[10] G[11] */
	LT_OK(cs->base == 0 && cs->limit == 0xffffffffu, "mb state: CS flat 4 GiB");
	LT_OK((cs->attr & 0x8) && (cs->attr & 0x2) && (cs->attr & 0x10) && (cs->attr & 0x80) &&
	      (cs->attr & 0x400) && !(cs->attr & 0x200) && !(cs->attr & 0x60),
	      "mb state: CS 32-bit execute/read, present, DPL 0 (attr 0x%x)", cs->attr);
	LT_EQ(cs->sel & 3, 0, "mb state: CS RPL 0");
	for (unsigned i = 0; i < X86_SEG_COUNT; i++) {
		const struct x86_segment *d = &s->seg[i];

		if (i == X86_SEG_CS)
			continue;
		LT_OK(d->base == 0 && d->limit == 0xffffffffu && !(d->attr & 0x8) &&
		      (d->attr & 0x2) && (d->attr & 0x90) == 0x90 && (d->attr & 0x400) &&
		      !(d->attr & 0x60) && (d->sel & 3) == 0,
		      "mb state: segment %u flat 4 GiB read/write (attr 0x%x)", i, d->attr);
	}
	/* GDTR is "undefined" in the spec; ours must describe what is loaded. */
	LT_OK(in_ram(g, s->gdtr.base, s->gdtr.limit + 1ULL), "mb state: GDT in RAM");
	for (unsigned i = 0; i < X86_SEG_COUNT; i++)
		LT_OK((s->seg[i].sel | 7u) <= s->gdtr.limit &&
		      desc_matches(g64(g, s->gdtr.base + (s->seg[i].sel & ~7u)), &s->seg[i]),
		      "mb state: GDT entry of segment %u matches its register", i);
	LT_OK(s->idtr.base == 0 && s->idtr.limit == 0, "mb state: IDTR empty (0, 0)");
}

static void check_elf32(void)
{
	struct lt_guest g;
	static uint8_t ma[5000], mb[4096];
	struct loader_blob mods[3] = {
		{ "mod-a", ma, sizeof(ma), "mod-a args=1" },
		{ "mod-b", mb, sizeof(mb), "mod-b" },
		{ "empty", ma, 0, NULL },
	};
	struct loader_input in = {
		.kernel = { "k.elf", img, 0, NULL }, .modules = mods, .nmodules = 3,
		.cmdline = "console=ttyS0 root=/dev/x",
	};
	struct boot_state s;
	struct loader_result res;
	struct loader_error err;
	uint32_t mbi, mods_addr, mmap, mmap_len;
	uint64_t esp;

	lt_fill(ma, sizeof(ma), 1);
	lt_fill(mb, sizeof(mb), 2);
	in.kernel.size = mk_elf32();
	lt_guest_init(&g, 32 << 20);
	LT_EQ(loader_load(&in, &g.mem, &s, &res, &err), 0, "elf32: loads");
	if (err.msg[0])
		printf("# %s\n", err.msg);
	LT_EQ(res.format, LOADER_FMT_MULTIBOOT, "elf32: detected as multiboot");
	LT_OK(memcmp(g.ram + 0x100000, img + 0x1000, 0x1800) == 0, "elf32: text at p_paddr");
	LT_OK(memcmp(g.ram + 0x102000, img + 0x3000, 0x100) == 0, "elf32: data at p_paddr");
	for (uint64_t a = 0x102100; a < 0x105000; a++)
		if (g.ram[a] != 0) {
			LT_EQ(g.ram[a], 0, "elf32: BSS zeroed at 0x%llx", (unsigned long long)a);
			break;
		}
	LT_OK(g.ram[0x104fff] == 0, "elf32: BSS zeroed up to p_memsz");
	LT_OK(memcmp(g.ram + 0x8000, img + 0x3100, 0x200) == 0, "elf32: segment below 1 MiB");
	LT_OK(g.ram[0x8200] == 0 && g.ram[0x83ff] == 0, "elf32: its BSS zeroed");
	LT_OK(g.ram[0x8400] == LT_GARBAGE && g.ram[0x7fff] == LT_GARBAGE,
	      "elf32: nothing written around the low segment");
	LT_OK(g.ram[0xb8000] == LT_GARBAGE, "elf32: PT_NOTE and empty PT_LOAD not loaded");
	LT_OK(res.image_start == 0x8000 && res.image_end == 0x105000, "elf32: result image range");
	check_mb_state(&g, &s, 0x100010);

	mbi = (uint32_t)s.gpr[X86_GPR_RBX];
	LT_EQ(res.boot_info, mbi, "elf32: result boot_info = EBX");
	LT_OK(in_ram(&g, mbi, MBI_SIZE), "mbi: in RAM");
	LT_OK(!ovl(mbi, MBI_SIZE, 0x100000, 0x5000) && !ovl(mbi, MBI_SIZE, 0x8000, 0x400),
	      "mbi: not on the kernel");
	LT_EQ(g32(&g, mbi + MBI_FLAGS), 0x24d, "mbi: flags = MEMORY|CMDLINE|MODS|MMAP|LOADER_NAME");
	LT_EQ(g32(&g, mbi + MBI_MEM_LOWER), 640, "mbi: mem_lower = 640 KiB");
	LT_EQ(g32(&g, mbi + MBI_MEM_UPPER), (32 << 10) - 1024, "mbi: mem_upper = RAM above 1 MiB in KiB");
	LT_OK(strcmp((char *)g.ram + g32(&g, mbi + MBI_CMDLINE), in.cmdline) == 0, "mbi: cmdline");
	LT_OK(strcmp((char *)g.ram + g32(&g, mbi + MBI_LOADER_NAME), "svmhv") == 0,
	      "mbi: boot_loader_name svmhv");
	for (unsigned o = 28; o < 44; o += 4)
		LT_EQ(g32(&g, mbi + o), 0, "mbi: syms field +%u zero (no flags 4/5)", o);
	for (unsigned o = 52; o < MBI_SIZE; o += 4)
		if (o != MBI_LOADER_NAME)
			LT_EQ(g32(&g, mbi + o), 0, "mbi: field +%u zero (flag clear)", o);

	/* Memory map: walk by the size fields (3.3). */
	mmap = g32(&g, mbi + MBI_MMAP_ADDR);
	mmap_len = g32(&g, mbi + MBI_MMAP_LENGTH);
	LT_EQ(mmap_len, 3 * 24, "mmap: three 24-byte entries");
	{
		static const uint64_t want[3][3] = {
			{ 0, 0xa0000, 1 }, { 0xe0000, 0x20000, 2 }, { 0x100000, (32 << 20) - 0x100000, 1 },
		};
		unsigned i = 0;

		for (uint32_t e = mmap; e < mmap + mmap_len; e += g32(&g, e) + 4, i++) {
			LT_EQ(g32(&g, e), 20, "mmap %u: size 20", i);
			LT_OK(i < 3 && g64(&g, e + 4) == want[i][0] && g64(&g, e + 12) == want[i][1] &&
			      g32(&g, e + 20) == want[i][2], "mmap %u: base/length/type", i);
		}
		LT_EQ(i, 3, "mmap: walk ends after 3 entries");
	}

	/* Modules. */
	LT_EQ(g32(&g, mbi + MBI_MODS_COUNT), 3, "mods: count 3");
	mods_addr = g32(&g, mbi + MBI_MODS_ADDR);
	LT_OK(in_ram(&g, mods_addr, 48), "mods: list in RAM");
	for (unsigned i = 0; i < 3; i++) {
		uint32_t m = mods_addr + i * 16, st = g32(&g, m), en = g32(&g, m + 4);
		const char *want = mods[i].cmdline ? mods[i].cmdline : "";

		LT_EQ(st & 0xfff, 0, "mod %u: page-aligned", i);
		LT_EQ(en - st, mods[i].size, "mod %u: mod_end - mod_start = size", i);
		LT_OK(memcmp(g.ram + st, mods[i].data, mods[i].size) == 0, "mod %u: contents", i);
		LT_OK(strcmp((char *)g.ram + g32(&g, m + 8), want) == 0, "mod %u: string", i);
		LT_EQ(g32(&g, m + 12), 0, "mod %u: reserved 0", i);
		LT_OK(in_ram(&g, st, mods[i].size ? mods[i].size : 1), "mod %u: in RAM", i);
		LT_OK(!ovl(st, mods[i].size, 0x100000, 0x5000) && !ovl(st, mods[i].size, 0x8000, 0x400) &&
		      !ovl(st, mods[i].size ? mods[i].size : 1, mbi, MBI_SIZE) &&
		      !ovl(st, mods[i].size ? mods[i].size : 1, mmap, mmap_len),
		      "mod %u: clear of the kernel and the info", i);
		for (unsigned j = 0; j < i; j++) {
			uint32_t o = mods_addr + j * 16;

			LT_OK(!ovl(st, mods[i].size ? mods[i].size : 1, g32(&g, o),
				   mods[j].size ? mods[j].size : 1), "mod %u: clear of mod %u", i, j);
		}
	}
	/* Our placement (multiboot.c): info block at the lowest free page from
	 * 1 MiB, i.e. right after the kernel; modules after it. */
	LT_EQ(mbi, 0x105000, "policy: info block right after the kernel");
	LT_EQ(g32(&g, mods_addr), 0x107000, "policy: modules right after the info block");
	LT_EQ(g32(&g, mods_addr + 16), 0x109000, "policy: each module right after the one before");

	/* ESP: a usable stack the spec does not promise. */
	esp = s.gpr[X86_GPR_RSP];
	LT_OK(in_ram(&g, esp - 4096, 4096) && (esp & 15) == 0 && !ovl(esp - 4096, 4096, mbi, MBI_SIZE) &&
	      !ovl(esp - 4096, 4096, 0x100000, 0x5000) && !ovl(esp - 4096, 4096, g32(&g, mods_addr), 8192),
	      "esp: 4 KiB of free RAM below it");
	lt_guest_free(&g);

	/* The boot loader name is the caller's to choose. */
	lt_guest_init(&g, 8 << 20);
	in.loader_name = "other loader";
	in.nmodules = 0;
	in.cmdline = NULL;
	LT_EQ(loader_load(&in, &g.mem, &s, NULL, &err), 0, "elf32: loads without modules");
	mbi = (uint32_t)s.gpr[X86_GPR_RBX];
	LT_OK(strcmp((char *)g.ram + g32(&g, mbi + MBI_LOADER_NAME), "other loader") == 0,
	      "mbi: boot_loader_name from the input");
	LT_OK(strcmp((char *)g.ram + g32(&g, mbi + MBI_CMDLINE), "") == 0, "mbi: no cmdline = \"\"");
	LT_EQ(g32(&g, mbi + MBI_MODS_COUNT), 0, "mbi: mods_count 0");
	LT_EQ(g32(&g, mbi + MBI_MEM_UPPER), 7 << 10, "mbi: mem_upper for 8 MiB");
	lt_guest_free(&g);
}

/* A reservation at the top of RAM: mem_upper stops at the first hole. */
static void check_reserved(void)
{
	struct lt_guest g;
	struct loader_input in = { .kernel = { "k.elf", img, 0, NULL } };
	struct boot_state s;
	struct loader_error err;
	uint32_t mbi, mmap;

	in.kernel.size = mk_elf32();
	lt_guest_init(&g, 16 << 20);
	loader_mem_reserve(&g.mem, (16 << 20) - 0x10000, 0x10000, 3);
	LT_EQ(loader_load(&in, &g.mem, &s, NULL, &err), 0, "reserved: loads");
	mbi = (uint32_t)s.gpr[X86_GPR_RBX];
	LT_EQ(g32(&g, mbi + MBI_MEM_UPPER), (16 << 10) - 1024 - 64, "reserved: mem_upper to the hole");
	LT_EQ(g32(&g, mbi + MBI_MMAP_LENGTH), 4 * 24, "reserved: four map entries");
	mmap = g32(&g, mbi + MBI_MMAP_ADDR);
	LT_OK(g64(&g, mmap + 72 + 4) == (16 << 20) - 0x10000 && g32(&g, mmap + 72 + 20) == 3,
	      "reserved: ACPI entry last");
	lt_guest_free(&g);
}

static void check_elf64(void)
{
	static const struct seg segs[] = {
		{ PT_LOAD, 0x1000, 0xffffffff80200000ULL, 0x200000, 0x2000, 0x4000 },
	};
	struct lt_guest g;
	struct loader_input in = { .kernel = { "k64.elf", img, 0, NULL } };
	struct boot_state s;
	struct loader_error err;

	in.kernel.size = mk_elf(64, 0xffffffff80200100ULL, segs, 1, 0x3000);
	lt_guest_init(&g, 8 << 20);
	LT_EQ(loader_load(&in, &g.mem, &s, NULL, &err), 0, "elf64: loads");
	LT_OK(memcmp(g.ram + 0x200000, img + 0x1000, 0x2000) == 0, "elf64: segment at p_paddr");
	LT_OK(g.ram[0x202000] == 0 && g.ram[0x203fff] == 0, "elf64: BSS zeroed");
	check_mb_state(&g, &s, 0x200100);
	lt_guest_free(&g);
}

/* a.out kludge image: junk, then text starting with the header at hoff. */
static size_t mk_aout(size_t pre, uint32_t load, uint32_t load_end, uint32_t bss_end,
		      uint32_t entry, size_t size)
{
	memset(img, 0, sizeof(img));
	lt_fill(img, size, 5);
	put_mb(img, pre + 0x20, 0x10003);
	p32(img, pre + 0x2c, load + 0x20);      /* header_addr */
	p32(img, pre + 0x30, load);
	p32(img, pre + 0x34, load_end);
	p32(img, pre + 0x38, bss_end);
	p32(img, pre + 0x3c, entry);
	return size;
}

static void check_aout(void)
{
	struct lt_guest g;
	struct loader_input in = { .kernel = { "k.aout", img, 0, NULL } };
	struct boot_state s;
	struct loader_result res;
	struct loader_error err;

	in.kernel.size = mk_aout(0, 0x100000, 0x101000, 0x104000, 0x100080, 0x1200);
	lt_guest_init(&g, 8 << 20);
	LT_EQ(loader_load(&in, &g.mem, &s, &res, &err), 0, "aout: loads");
	LT_OK(memcmp(g.ram + 0x100000, img, 0x1000) == 0, "aout: text+data at load_addr");
	LT_OK(g.ram[0x101000] == 0 && g.ram[0x103fff] == 0, "aout: BSS to bss_end_addr zeroed");
	LT_OK(res.image_start == 0x100000 && res.image_end == 0x104000, "aout: image range");
	check_mb_state(&g, &s, 0x100080);
	lt_guest_free(&g);

	/* load_end_addr 0: the rest of the file; bss_end_addr 0: no BSS. */
	in.kernel.size = mk_aout(0x1000, 0x200000, 0, 0, 0x200040, 0x1800);
	lt_guest_init(&g, 8 << 20);
	LT_EQ(loader_load(&in, &g.mem, &s, &res, &err), 0, "aout: whole file, text at offset 0x1000");
	LT_OK(memcmp(g.ram + 0x200000, img + 0x1000, 0x800) == 0, "aout: loaded from the offset");
	LT_EQ(res.image_end, 0x200800, "aout: no BSS");
	LT_EQ(s.rip, 0x200040, "aout: entry_addr");
	lt_guest_free(&g);

	/* The address fields win over the ELF headers (3.1.3). */
	mk_elf32();
	put_mb(img, 0x1010, 0x10003);
	p32(img, 0x101c, 0x300000 + 0x1010);
	p32(img, 0x1020, 0x300000);
	p32(img, 0x1024, 0x301800);
	p32(img, 0x1028, 0);
	p32(img, 0x102c, 0x300100);
	in.kernel.size = ELF32_SIZE;
	lt_guest_init(&g, 8 << 20);
	LT_EQ(loader_load(&in, &g.mem, &s, NULL, &err), 0, "aout in ELF: loads");
	LT_OK(memcmp(g.ram + 0x300000, img, 0x1800) == 0 && g.ram[0x8000] == LT_GARBAGE,
	      "aout in ELF: by the address fields, not the program headers");
	LT_EQ(s.rip, 0x300100, "aout in ELF: entry_addr");
	lt_guest_free(&g);
}

/* Rebuild the ELF32 image and change one 32-bit word. */
static void elf_rej(struct lt_guest *g, struct loader_input *in, size_t off, uint32_t v,
		    enum loader_errcode code, const char *what)
{
	in->kernel.size = mk_elf32();
	p32(img, off, v);
	lt_reject(g, in, code, "k.elf", what);
}

static void check_reject(void)
{
	struct lt_guest g;
	static uint8_t big[9 << 20];
	struct loader_blob mod = { "big-module", big, sizeof(big), "x" };
	struct loader_input in = { .kernel = { "k.elf", img, 0, NULL } };
	static char longline[0x10001];
	struct seg many[17];

	lt_guest_init(&g, 8 << 20);
	in.kernel.size = mk_elf32();
	put_mb(img, 0x1010, 0x3 | 0x8);
	lt_reject(&g, &in, LOADER_E_UNSUPPORTED, "k.elf", "mb: unknown required flag bit 3");
	put_mb(img, 0x1010, 0x3 | 0x8000);
	lt_reject(&g, &in, LOADER_E_UNSUPPORTED, "k.elf", "mb: unknown required flag bit 15");
	in.kernel.size = mk_elf32();
	put_mb(img, 0x1010, 0x3 | 0x4 | 0x20000);      /* video wanted, optional bit 17 */
	{
		struct boot_state s;
		struct loader_error err;

		LT_EQ(loader_load(&in, &g.mem, &s, NULL, &err), 0,
		      "mb: video flag and unknown optional bits accepted");
		lt_guest_free(&g);
		lt_guest_init(&g, 8 << 20);
	}
	in.kernel.size = mk_elf32();
	img[0] = 0;
	lt_reject(&g, &in, LOADER_E_FORMAT, "k.elf", "mb: no ELF and no address fields");
	elf_rej(&g, &in, 4, 0x010103, LOADER_E_HEADER, "elf: class 3");
	elf_rej(&g, &in, 4, 0x010201, LOADER_E_UNSUPPORTED, "elf: big-endian");
	elf_rej(&g, &in, 4, 0x020101, LOADER_E_HEADER, "elf: EI_VERSION 2");
	elf_rej(&g, &in, 20, 2, LOADER_E_HEADER, "elf: e_version 2");
	elf_rej(&g, &in, 16, 0x3e0002, LOADER_E_UNSUPPORTED, "elf: ELF32 for x86-64");
	{
		struct boot_state s;
		struct loader_error err;

		loader_load(&in, &g.mem, &s, NULL, &err);
		LT_OK(strstr(err.msg, "ELF32 for machine 62") != NULL, "elf: message (%s)", err.msg);
	}
	elf_rej(&g, &in, 16, 0x030001, LOADER_E_UNSUPPORTED, "elf: relocatable object");
	elf_rej(&g, &in, 16, 0x030004, LOADER_E_UNSUPPORTED, "elf: core file");
	elf_rej(&g, &in, 44, 0, LOADER_E_HEADER, "elf: no program headers");
	elf_rej(&g, &in, 40, 0x001f0034, LOADER_E_HEADER, "elf: program header entry too small");
	elf_rej(&g, &in, 28, ELF32_SIZE - 64, LOADER_E_TRUNCATED, "elf: program headers past EOF");
	elf_rej(&g, &in, 28, 0xffffff00u, LOADER_E_TRUNCATED, "elf: program header offset huge");
	elf_rej(&g, &in, 64 + 16, 0x1801, LOADER_E_HEADER, "elf: p_filesz > p_memsz");
	elf_rej(&g, &in, 64 + 4, ELF32_SIZE - 0x100, LOADER_E_TRUNCATED, "elf: segment past EOF");
	elf_rej(&g, &in, 64 + 4, 0xfffff000u, LOADER_E_TRUNCATED, "elf: segment offset huge");
	elf_rej(&g, &in, 64 + 12, 0xb8000, LOADER_E_NOFIT, "elf: segment in the VGA hole");
	elf_rej(&g, &in, 64 + 12, 0xe0000, LOADER_E_NOFIT, "elf: segment on the ROM");
	elf_rej(&g, &in, 64 + 12, 0x9f000, LOADER_E_NOFIT, "elf: segment across 640 KiB");
	elf_rej(&g, &in, 64 + 12, (8 << 20) - 0x1000, LOADER_E_NOFIT, "elf: segment across ram_top");
	elf_rej(&g, &in, 64 + 12, 0xfffff000u, LOADER_E_NOFIT, "elf: segment across 4 GiB");
	elf_rej(&g, &in, 64 + 12, 0x101000, LOADER_E_HEADER, "elf: overlapping segments");
	elf_rej(&g, &in, 24, 0xc0200000u, LOADER_E_HEADER, "elf: entry in no segment");
	elf_rej(&g, &in, 24, 0x100010, LOADER_E_HEADER, "elf: entry physical, not virtual");
	in.kernel.size = mk_elf32();
	for (unsigned i = 0; i < 5; i++)
		p32(img, 64 + i * 32, PT_NOTE);
	lt_reject(&g, &in, LOADER_E_HEADER, "k.elf", "elf: no PT_LOAD");
	in.kernel.size = 40;
	mk_elf32();
	put_mb(img, 16, 0x3);
	lt_reject(&g, &in, LOADER_E_TRUNCATED, "k.elf", "elf: file shorter than its header");
	for (unsigned i = 0; i < 17; i++)
		many[i] = (struct seg){ PT_LOAD, 0x1000, 0x100000 + i * 0x1000, 0x100000 + i * 0x1000,
					0x100, 0x100 };
	in.kernel.size = mk_elf(32, 0x100000, many, 17, 0x2000);
	lt_reject(&g, &in, LOADER_E_UNSUPPORTED, "k.elf", "elf: 17 PT_LOAD segments");
	{
		static const struct seg hi[] = {
			{ PT_LOAD, 0x1000, 0x100000000ULL, 0x100000000ULL, 0x100, 0x100 },
		};
		in.kernel.size = mk_elf(64, 0x100000000ULL, hi, 1, 0x2000);
		lt_reject(&g, &in, LOADER_E_NOFIT, "k.elf", "elf64: segment above 4 GiB");
	}

	/* a.out kludge. */
	in.kernel.name = "k.aout";
	in.kernel.size = mk_aout(0, 0x100000, 0x101000, 0x104000, 0x100080, 0x1200);
	p32(img, 0x2c, 0xfffff);
	lt_reject(&g, &in, LOADER_E_HEADER, "k.aout", "aout: header_addr below load_addr");
	in.kernel.size = mk_aout(0, 0x100000, 0x101000, 0x104000, 0x100080, 0x1200);
	p32(img, 0x2c, 0x100040);
	lt_reject(&g, &in, LOADER_E_HEADER, "k.aout", "aout: text would start before the file");
	in.kernel.size = mk_aout(0, 0x100000, 0xfff00, 0, 0x100080, 0x1200);
	lt_reject(&g, &in, LOADER_E_HEADER, "k.aout", "aout: load_end_addr below load_addr");
	in.kernel.size = mk_aout(0, 0x100000, 0x101201, 0, 0x100080, 0x1200);
	lt_reject(&g, &in, LOADER_E_TRUNCATED, "k.aout", "aout: load_end_addr past EOF");
	in.kernel.size = mk_aout(0, 0x100000, 0x101000, 0x100fff, 0x100080, 0x1200);
	lt_reject(&g, &in, LOADER_E_HEADER, "k.aout", "aout: bss_end_addr below load_end_addr");
	in.kernel.size = mk_aout(0, 0x100000, 0x101000, 0x104000, 0x104000, 0x1200);
	lt_reject(&g, &in, LOADER_E_HEADER, "k.aout", "aout: entry_addr past the image");
	in.kernel.size = mk_aout(0, 0x100000, 0x101000, 0x104000, 0xfffff, 0x1200);
	lt_reject(&g, &in, LOADER_E_HEADER, "k.aout", "aout: entry_addr below the image");
	in.kernel.size = mk_aout(0, 0x100000, 0x100030, 0, 0x100000, 0x1200);
	lt_reject(&g, &in, LOADER_E_HEADER, "k.aout", "aout: header not in the loaded text");
	in.kernel.size = mk_aout(0, 0x7ff000, 0x800000, 0x801000, 0x7ff080, 0x1200);
	lt_reject(&g, &in, LOADER_E_NOFIT, "k.aout", "aout: BSS past ram_top");
	in.kernel.size = mk_aout(0, 0xa0000, 0xa1000, 0, 0xa0080, 0x1200);
	lt_reject(&g, &in, LOADER_E_NOFIT, "k.aout", "aout: image in the hole");
	in.kernel.size = mk_aout(0, 0xfffff000u, 0xfffff800u, 0xffffffffu, 0xfffff080u, 0x1200);
	lt_reject(&g, &in, LOADER_E_NOFIT, "k.aout", "aout: image at the top of 4 GiB");
	in.kernel.size = mk_aout(0, 0xfffff000u, 0, 0, 0xfffff080u, 0x1200);
	lt_reject(&g, &in, LOADER_E_NOFIT, "k.aout", "aout: image across 4 GiB");
	in.kernel.size = mk_aout(0, 0x100000, 0x101000, 0x104000, 0x100080, 0x1200);
	in.kernel.size = 0x3c;
	lt_reject(&g, &in, LOADER_E_TRUNCATED, "k.aout", "aout: address fields past EOF");
	in.kernel.size = mk_aout(8192 - 0x2c, 0x100000, 0, 0, 0x100080, 0x2400);
	lt_reject(&g, &in, LOADER_E_HEADER, "k.aout", "aout: address fields past byte 8192");

	/* Command line, strings, modules. */
	memset(longline, 'x', sizeof(longline) - 1);
	in.kernel.name = "k.elf";
	in.kernel.size = mk_elf32();
	in.cmdline = longline;
	lt_reject(&g, &in, LOADER_E_CMDLINE, "k.elf", "mb: 64 KiB command line");
	{
		struct boot_state s;
		struct loader_error err;

		LT_OK(loader_load(&in, &g.mem, &s, NULL, &err) == -1 &&
		      strstr(err.msg, "longer than 65535 bytes") != NULL, "mb: message says 65535 (%s)",
		      err.msg);
	}
	in.cmdline = longline + 1;
	{
		struct boot_state s;
		struct loader_error err;

		LT_EQ(loader_load(&in, &g.mem, &s, NULL, &err), 0, "mb: 64 KiB - 1 command line loads");
		LT_EQ(strlen((char *)g.ram + g32(&g, s.gpr[X86_GPR_RBX] + MBI_CMDLINE)), 0xffff,
		      "mb: the whole command line arrives");
		lt_guest_free(&g);
		lt_guest_init(&g, 8 << 20);
	}
	in.cmdline = NULL;
	in.modules = &mod;
	in.nmodules = 1;
	mod.cmdline = longline;
	mod.size = 10;
	lt_reject(&g, &in, LOADER_E_CMDLINE, "big-module", "mb: 64 KiB module string");
	{
		struct boot_state s;
		struct loader_error err;

		LT_OK(loader_load(&in, &g.mem, &s, NULL, &err) == -1 &&
		      strstr(err.msg, "longer than 65535 bytes") != NULL, "mb: module message says 65535");
	}
	mod.cmdline = "x";
	mod.size = sizeof(big);
	lt_reject(&g, &in, LOADER_E_NOFIT, "big-module", "mb: module bigger than free RAM");
	mod.size = 0;
	in.nmodules = 0;
	lt_guest_free(&g);

	/* Segments filling RAM leave no room for the information. */
	{
		static const struct seg fill[] = {
			{ PT_LOAD, 0x1000, 0x100000, 0x100000, 0x1000, (8 << 20) - 0x100000 },
		};
		lt_guest_init(&g, 8 << 20);
		in.kernel.size = mk_elf(32, 0x100000, fill, 1, 0x2000);
		lt_reject(&g, &in, LOADER_E_NOFIT, "k.elf", "mb: no room for the boot information");
		lt_guest_free(&g);
	}
}

/*
 * The multiboot test kernel of tests/loader/mbkernel (built with its
 * segment at 0x6000), loaded the way the hypervisor will load it: its
 * three segments where its ELF headers say, entry at e_entry.
 */
static void check_mbkernel(const char *path)
{
	static uint8_t file[0x40000];
	static uint8_t mod[100];
	struct loader_blob mods[2] = { { "m0", mod, 10, "m0 idx=0" }, { "m1", mod, 100, "m1 idx=1" } };
	struct loader_input in = { .modules = mods, .nmodules = 2,
				   .cmdline = "ram=16 mods=2 loader=svmhv strict end=cmdline" };
	struct lt_guest g;
	struct boot_state s;
	struct loader_error err;
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(file, 1, sizeof(file), f) : 0;

	if (f)
		fclose(f);
	LT_OK(n > 64 && n < sizeof(file), "mbkernel: read %s", path);
	in.kernel = (struct loader_blob){ "mbkernel.elf", file, n, NULL };
	lt_guest_init(&g, 16 << 20);
	LT_EQ(loader_detect(file, n), LOADER_FMT_MULTIBOOT, "mbkernel: multiboot");
	LT_EQ(loader_load(&in, &g.mem, &s, NULL, &err), 0, "mbkernel: loads");
	LT_EQ(s.rip, g32(&(struct lt_guest){ .ram = file }, 24), "mbkernel: EIP = e_entry");
	LT_OK(g32(&g, 0x6000) == 0x10adda7a && g32(&g, 0x600c) == 0x600d0003,
	      "mbkernel: its segment at 0x6000 loaded");
	LT_EQ(g32(&g, s.gpr[X86_GPR_RBX] + MBI_MODS_COUNT), 2, "mbkernel: two modules");
	lt_guest_free(&g);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		check_mbkernel(argv[1]);
	check_elf32();
	check_reserved();
	check_elf64();
	check_aout();
	check_reject();
	return ut_done();
}
