/*
 * test_loader_linux.c - the Linux loader against the x86 boot protocol
 * (Documentation/arch/x86/boot.rst): fake bzImages with chosen header
 * fields, loaded into a fake guest; kernel placement, zero page, e820,
 * command line, initrd placement and concatenation, the 64-bit entry
 * state and page tables; every rejection reason.
 */
#include "lt_linux.h"

static uint8_t img[0x30000];

struct bz {
	uint8_t setup_sects;            /* 0 means 4 */
	uint32_t prot;                  /* bytes of protected-mode code */
	uint16_t version;
	uint8_t jump;                   /* header end = 0x202 + jump */
	uint8_t loadflags, reloc;
	uint16_t xlf;
	uint32_t align, init_size, cmdline_size, initrd_max;
	uint64_t pref;
};

static const struct bz bz_std = {
	.setup_sects = 8, .prot = 0x6000, .version = 0x020f, .jump = 0x6a,
	.loadflags = 0x01, .reloc = 1, .xlf = 0x3, .align = 0x200000,
	.init_size = 0x800000, .cmdline_size = 2047, .initrd_max = 0x7fffffff,
	.pref = 0x1000000,
};

/* Build a bzImage; returns its size. Unwritten header bytes are markers. */
static size_t mk_bz(const struct bz *b)
{
	unsigned sects = b->setup_sects ? b->setup_sects : 4;
	size_t setup = (sects + 1) * 512, size = setup + b->prot;

	memset(img, 0, sizeof(img));
	lt_fill(img, size, 3);
	memset(img + 0x1f1, 0, 0x290 - 0x1f1);
	p8(img, H_SETUP_SECTS, b->setup_sects);
	p16(img, 0x1f2, 1);                     /* root_flags */
	p32(img, H_SYSSIZE, b->prot / 16);
	p16(img, 0x1fa, 0xffff);                /* vid_mode */
	p16(img, 0x1fc, 0x0801);                /* root_dev */
	p16(img, H_BOOT_FLAG, 0xaa55);
	p8(img, H_JUMP, 0xeb);
	p8(img, H_JUMP + 1, b->jump);
	memcpy(img + H_MAGIC, "HdrS", 4);
	p16(img, H_VERSION, b->version);
	p32(img, 0x208, 0x11223344);            /* realmode_swtch */
	p16(img, 0x20e, 0x200);                 /* kernel_version */
	p8(img, H_LOADFLAGS, b->loadflags);
	p32(img, H_CODE32_START, 0x100000);
	p32(img, H_INITRD_MAX, b->initrd_max);
	p32(img, H_ALIGN, b->align);
	p8(img, H_RELOC, b->reloc);
	p8(img, 0x235, 21);                     /* min_alignment */
	p16(img, H_XLOADFLAGS, b->xlf);
	p32(img, H_CMDLINE_SIZE, b->cmdline_size);
	p32(img, 0x248, 0x1234);                /* payload_offset */
	p32(img, 0x24c, 0x5678);                /* payload_length */
	p64(img, H_PREF, b->pref);
	p32(img, H_INIT_SIZE, b->init_size);
	p32(img, 0x264, 0xabcd);                /* handover_offset */
	p32(img, 0x268, 0x9999);                /* kernel_info_offset (2.15) */
	p8(img, 0x27f, 0x5a);                   /* beyond any header: must not be copied */
	memcpy(img + 0x400, "6.1.0-test (fake)", 18);
	return size;
}

static uint64_t setup_size(const struct bz *b)
{
	return ((b->setup_sects ? b->setup_sects : 4) + 1) * 512ULL;
}

static void check_std(void)
{
	struct lt_guest g;
	static uint8_t rd1[1001], rd2[2000];
	struct loader_blob rds[2] = { { "initrd-1", rd1, sizeof(rd1), NULL },
				      { "initrd-2", rd2, sizeof(rd2), NULL } };
	struct loader_input in = {
		.kernel = { "bzImage", img, 0, NULL }, .modules = rds, .nmodules = 2,
		.cmdline = "console=ttyS0 quiet", .rsdp = 0xf0000,
	};
	struct boot_state s;
	struct loader_result res;
	struct loader_error err;
	uint64_t zp, cl, ri, rs;

	lt_fill(rd1, sizeof(rd1), 11);
	lt_fill(rd2, sizeof(rd2), 12);
	in.kernel.size = mk_bz(&bz_std);
	lt_guest_init(&g, 64 << 20);
	LT_EQ(loader_load(&in, &g.mem, &s, &res, &err), 0, "linux: loads");
	if (err.msg[0])
		printf("# %s\n", err.msg);
	LT_EQ(res.format, LOADER_FMT_LINUX, "linux: detected");
	LT_EQ(res.protocol, 0x020f, "linux: protocol 2.15");
	LT_OK(memcmp(g.ram + 0x1000000, img + setup_size(&bz_std), bz_std.prot) == 0,
	      "linux: protected-mode kernel at pref_address");
	LT_OK(res.image_start == 0x1000000 && res.image_end == 0x1800000,
	      "linux: init_size reserved from the load address");
	zp = s.gpr[X86_GPR_RSI];
	lt_check_entry64(&g, &s, 0x1000000, zp);
	LT_OK(lt_ident(&g, s.cr3, 0x1000000) && lt_ident(&g, s.cr3, 0x17fffff),
	      "linux: load address .. + init_size identity-mapped");
	LT_EQ(res.boot_info, zp, "linux: result boot_info = RSI");
	LT_EQ(zp, 0x7000, "policy: zero page at 0x7000");
	lt_check_hdr_copy(&g, zp, img);
	lt_check_zp_fields(&g, zp, img, 0x1000000, 0xf0000);

	cl = g32(&g, zp + H_CMD_LINE_PTR);
	LT_OK(strcmp((char *)g.ram + cl, in.cmdline) == 0, "cmdline: at cmd_line_ptr");
	LT_OK(cl + strlen(in.cmdline) < 0xa0000 && cl >= 0x1000 && (cl >= zp + 0x1000 || cl + 20 <= zp),
	      "cmdline: low RAM, clear of the zero page");
	LT_OK(lt_ident(&g, s.cr3, cl) && lt_ident(&g, s.cr3, cl + strlen(in.cmdline)),
	      "cmdline: identity-mapped");

	ri = g32(&g, zp + H_RAMDISK_IMAGE);
	rs = g32(&g, zp + H_RAMDISK_SIZE);
	LT_EQ(rs, 1004 + 2000, "initrd: size of both, the second 4-byte aligned");
	LT_OK((ri & 0xfff) == 0, "initrd: page-aligned");
	LT_OK(ri >= 0x100000 && ri + rs <= g.ram_top && ri + rs - 1 <= 0x7fffffff,
	      "initrd: in RAM, below initrd_addr_max");
	LT_OK(ri >= 0x1800000 || ri + rs <= 0x1000000, "initrd: clear of the kernel's init_size");
	LT_OK(memcmp(g.ram + ri, rd1, sizeof(rd1)) == 0, "initrd: first archive");
	LT_OK(g.ram[ri + 1001] == 0 && g.ram[ri + 1002] == 0 && g.ram[ri + 1003] == 0,
	      "initrd: zero padding to 4 bytes");
	LT_OK(memcmp(g.ram + ri + 1004, rd2, sizeof(rd2)) == 0, "initrd: second archive");
	LT_OK(lt_ident(&g, s.cr3, ri) && lt_ident(&g, s.cr3, ri + rs - 1), "initrd: identity-mapped");
	LT_EQ(ri, (64 << 20) - 0x1000, "policy: initrd as high as it goes");
	LT_OK(res.initrd_start == ri && res.initrd_size == rs, "linux: result initrd");
	lt_guest_free(&g);
}

/* One variant: build, load, return 0 (and the zero page fields to check). */
static int load_bz(struct lt_guest *g, const struct bz *b, uint64_t ram_top,
		   struct loader_input *in, struct boot_state *s)
{
	struct loader_error err;
	int rc;

	in->kernel = (struct loader_blob){ "bzImage", img, mk_bz(b), NULL };
	lt_guest_init(g, ram_top);
	rc = loader_load(in, &g->mem, s, NULL, &err);
	if (rc != 0)
		printf("# %s\n", err.msg);
	return rc;
}

static void check_variants(void)
{
	struct lt_guest g;
	struct bz b;
	static uint8_t rd[3000];
	struct loader_blob rdb = { "rd", rd, sizeof(rd), NULL };
	struct loader_input in = { .rsdp = 0xf0000 };
	struct boot_state s;

	/* 2.12: no acpi_rsdp_addr; header ends at 0x268. */
	b = bz_std;
	b.version = 0x020c;
	b.jump = 0x66;
	LT_EQ(load_bz(&g, &b, 64 << 20, &in, &s), 0, "2.12: loads");
	lt_check_hdr_copy(&g, 0x7000, img);
	LT_EQ(g64(&g, 0x7000 + ZP_ACPI_RSDP), 0, "2.12: no acpi_rsdp_addr (2.14+ field)");
	LT_OK(g32(&g, 0x7000 + H_RAMDISK_IMAGE) == 0 && g32(&g, 0x7000 + H_RAMDISK_SIZE) == 0,
	      "no initrd: ramdisk_image = ramdisk_size = 0");
	LT_OK(strcmp((char *)g.ram + g32(&g, 0x7000 + H_CMD_LINE_PTR), "") == 0 &&
	      g32(&g, 0x7000 + H_CMD_LINE_PTR) != 0, "no cmdline: an empty string, pointer set");
	lt_guest_free(&g);

	/* 2.14: acpi_rsdp_addr from the input, 0 when there is none. */
	b = bz_std;
	b.version = 0x020e;
	in.rsdp = 0;
	LT_EQ(load_bz(&g, &b, 64 << 20, &in, &s), 0, "2.14: loads");
	LT_EQ(g64(&g, 0x7000 + ZP_ACPI_RSDP), 0, "2.14 without RSDP: 0");
	lt_guest_free(&g);
	in.rsdp = 0xf0010;
	LT_EQ(load_bz(&g, &b, 64 << 20, &in, &s), 0, "2.14 with RSDP: loads");
	LT_EQ(g64(&g, 0x7000 + ZP_ACPI_RSDP), 0xf0010, "2.14 with RSDP: set");
	lt_guest_free(&g);

	/* setup_sects 0 means 4. */
	b = bz_std;
	b.setup_sects = 0;
	LT_EQ(load_bz(&g, &b, 64 << 20, &in, &s), 0, "setup_sects 0: loads");
	LT_OK(memcmp(g.ram + 0x1000000, img + 5 * 512, b.prot) == 0,
	      "setup_sects 0: kernel from offset 5 * 512");
	lt_guest_free(&g);

	/* initrd_addr_max below the kernel: the initrd goes under it. */
	in.modules = &rdb;
	in.nmodules = 1;
	b = bz_std;
	b.initrd_max = 0x17fffff;
	LT_EQ(load_bz(&g, &b, 64 << 20, &in, &s), 0, "initrd_addr_max 24 MiB: loads");
	{
		uint64_t ri = g32(&g, 0x7000 + H_RAMDISK_IMAGE);

		LT_OK(ri + sizeof(rd) <= 0x1000000 && ri + sizeof(rd) > 0x1000000 - 0x2000,
		      "initrd: right below the kernel (0x%llx)", (unsigned long long)ri);
		LT_OK(memcmp(g.ram + ri, rd, sizeof(rd)) == 0, "initrd: contents");
	}
	lt_guest_free(&g);
	b.initrd_max = 0x2ffffff;
	LT_EQ(load_bz(&g, &b, 64 << 20, &in, &s), 0, "initrd_addr_max 48 MiB: loads");
	LT_EQ(g32(&g, 0x7000 + H_RAMDISK_IMAGE), 0x3000000 - 0x1000, "initrd: right below 48 MiB");
	lt_guest_free(&g);
	/* A page-sized initrd may end exactly at initrd_addr_max + 1, not beyond. */
	rdb.size = 0x1000;
	LT_EQ(load_bz(&g, &b, 64 << 20, &in, &s), 0, "4 KiB initrd: loads");
	LT_EQ(g32(&g, 0x7000 + H_RAMDISK_IMAGE), 0x3000000 - 0x1000,
	      "4 KiB initrd: its last byte is initrd_addr_max");
	lt_guest_free(&g);
	rdb.size = sizeof(rd);
	in.nmodules = 0;

	/* Relocatable, pref_address beyond RAM: lowest aligned place. */
	b = bz_std;
	LT_EQ(load_bz(&g, &b, 16 << 20, &in, &s), 0, "relocatable in 16 MiB: loads");
	LT_EQ(s.rip, 0x200000 + 0x200, "relocatable: loaded at 2 MiB (kernel_alignment)");
	LT_EQ(g32(&g, 0x7000 + H_CODE32_START), 0x200000, "relocatable: code32_start updated");
	LT_OK(memcmp(g.ram + 0x200000, img + setup_size(&b), b.prot) == 0, "relocatable: kernel bytes");
	lt_check_entry64(&g, &s, 0x200000, 0x7000);
	lt_guest_free(&g);
	/* pref_address not aligned: rounded up to kernel_alignment. */
	b.pref = 0x1100000;
	LT_EQ(load_bz(&g, &b, 64 << 20, &in, &s), 0, "misaligned pref_address: loads");
	LT_EQ(s.rip, 0x1200000 + 0x200, "misaligned pref_address: rounded up to 2 MiB");
	lt_guest_free(&g);
	/* Not relocatable: exactly at pref_address; pref_address 0 means 1 MiB. */
	b = bz_std;
	b.reloc = 0;
	b.align = 0x300000;             /* ignored when not relocatable */
	LT_EQ(load_bz(&g, &b, 64 << 20, &in, &s), 0, "not relocatable: loads");
	LT_EQ(s.rip, 0x1000200, "not relocatable: at pref_address");
	lt_guest_free(&g);
	b.pref = 0;
	LT_EQ(load_bz(&g, &b, 64 << 20, &in, &s), 0, "no pref_address: loads");
	LT_EQ(s.rip, 0x100200, "no pref_address: at 1 MiB");
	LT_OK(memcmp(g.ram + 0x100000, img + setup_size(&b), b.prot) == 0, "no pref_address: bytes");
	lt_guest_free(&g);

	/* A relocatable kernel that prefers low memory or the end of the
	 * address space still goes to 1 MiB or above, aligned. */
	b = bz_std;
	b.pref = 0x10000;
	b.align = 0x1000;
	b.init_size = 0x8000;
	LT_EQ(load_bz(&g, &b, 64 << 20, &in, &s), 0, "pref_address below 1 MiB: loads");
	LT_EQ(s.rip, 0x100000 + 0x200, "pref_address below 1 MiB: at 1 MiB instead");
	lt_guest_free(&g);
	b.align = 0x200000;
	b.pref = ~0ULL - 0x1000;
	LT_EQ(load_bz(&g, &b, 64 << 20, &in, &s), 0, "pref_address at 2^64: loads");
	LT_EQ(s.rip, 0x200000 + 0x200, "pref_address at 2^64: at the first aligned MiB");
	lt_guest_free(&g);

	/* Command line up to cmdline_size. */
	{
		static char line[2048];

		memset(line, 'a', 2047);
		in.cmdline = line;
		LT_EQ(load_bz(&g, &bz_std, 64 << 20, &in, &s), 0, "cmdline of cmdline_size bytes loads");
		LT_EQ(strlen((char *)g.ram + g32(&g, 0x7000 + H_CMD_LINE_PTR)), 2047,
		      "cmdline: all of it");
		lt_guest_free(&g);
		in.cmdline = NULL;
	}
}

static void rej(const struct bz *b, size_t size_delta, uint64_t ram_top,
		struct loader_input *in, enum loader_errcode code, const char *name, const char *what)
{
	struct lt_guest g;

	in->kernel = (struct loader_blob){ "bzImage", img, mk_bz(b) + size_delta, NULL };
	lt_guest_init(&g, ram_top);
	lt_reject(&g, in, code, name, what);
	lt_guest_free(&g);
}

static void check_reject(void)
{
	struct bz b;
	struct loader_input in = { 0 };
	static uint8_t rd[20 << 20];
	struct loader_blob rdb = { "initrd.img", rd, sizeof(rd), NULL };
	static char line[0x10001];
	struct lt_guest g;
	struct loader_error err;
	struct boot_state s;

	b = bz_std;
	in.kernel = (struct loader_blob){ "bzImage", img, mk_bz(&b), NULL };
	p16(img, H_BOOT_FLAG, 0x55aa);
	lt_guest_init(&g, 32 << 20);
	lt_reject(&g, &in, LOADER_E_HEADER, "bzImage", "boot_flag not 0xaa55");
	in.kernel.size = mk_bz(&b);
	in.kernel.size = 0x267;
	lt_reject(&g, &in, LOADER_E_TRUNCATED, "bzImage", "file ends inside the header");
	lt_guest_free(&g);

	b = bz_std;
	b.version = 0x020b;
	in.kernel = (struct loader_blob){ "bzImage", img, mk_bz(&b), NULL };
	lt_guest_init(&g, 32 << 20);
	LT_EQ(loader_load(&in, &g.mem, &s, NULL, &err), (uint64_t)-1, "2.11: refused");
	LT_OK(err.code == LOADER_E_UNSUPPORTED && strstr(err.msg, "2.11") != NULL,
	      "2.11: too old, message says 2.11 (%s)", err.msg);
	b.version = 0x0205;
	in.kernel.size = mk_bz(&b);
	LT_OK(loader_load(&in, &g.mem, &s, NULL, &err) == -1 && strstr(err.msg, "2.05") != NULL,
	      "2.05: message says 2.05 (%s)", err.msg);
	lt_guest_free(&g);
	rej(&b, 0, 32 << 20, &in, LOADER_E_UNSUPPORTED, "bzImage", "2.05: too old");

	b = bz_std;
	b.jump = 0x60;
	rej(&b, 0, 32 << 20, &in, LOADER_E_HEADER, "bzImage", "header ends before 0x268");
	b.jump = 0x80;
	rej(&b, 0, 32 << 20, &in, LOADER_E_HEADER, "bzImage", "jump backwards");
	b = bz_std;
	in.kernel = (struct loader_blob){ "bzImage", img, mk_bz(&b), NULL };
	p8(img, H_JUMP, 0xe9);
	lt_guest_init(&g, 32 << 20);
	lt_reject(&g, &in, LOADER_E_HEADER, "bzImage", "no short jump at 0x200");
	lt_guest_free(&g);

	b = bz_std;
	b.prot = 0x10;
	rej(&b, -0x10, 32 << 20, &in, LOADER_E_TRUNCATED, "bzImage", "nothing after the setup");
	b = bz_std;
	b.setup_sects = 255;
	b.prot = 0x1000;
	rej(&b, -(size_t)(200 * 512), 32 << 20, &in, LOADER_E_TRUNCATED, "bzImage",
	    "file ends inside the setup code");
	b = bz_std;
	rej(&b, -1, 32 << 20, &in, LOADER_E_TRUNCATED, "bzImage", "one byte short of syssize");
	in.kernel = (struct loader_blob){ "bzImage", img, mk_bz(&b) - 1, NULL };
	lt_guest_init(&g, 32 << 20);
	LT_OK(loader_load(&in, &g.mem, &s, NULL, &err) == -1 &&
	      strstr(err.msg, "syssize says 24576 bytes of kernel, the file has 24575") != NULL,
	      "message gives both sizes (%s)", err.msg);
	lt_guest_free(&g);
	b.prot = 0;
	in.kernel = (struct loader_blob){ "bzImage", img, mk_bz(&b) + 0x100, NULL };
	lt_guest_init(&g, 32 << 20);
	lt_reject(&g, &in, LOADER_E_HEADER, "bzImage", "syssize 0");
	lt_guest_free(&g);

	b = bz_std;
	b.loadflags = 0;
	rej(&b, 0, 32 << 20, &in, LOADER_E_UNSUPPORTED, "bzImage", "zImage (LOADED_HIGH clear)");
	b = bz_std;
	b.xlf = 0x2;
	rej(&b, 0, 32 << 20, &in, LOADER_E_UNSUPPORTED, "bzImage", "no XLF_KERNEL_64");
	b = bz_std;
	b.align = 0x300000;
	rej(&b, 0, 32 << 20, &in, LOADER_E_HEADER, "bzImage", "kernel_alignment not a power of 2");
	b.align = 0x800;
	rej(&b, 0, 32 << 20, &in, LOADER_E_HEADER, "bzImage", "kernel_alignment below 4 KiB");
	b.align = 0;
	rej(&b, 0, 32 << 20, &in, LOADER_E_HEADER, "bzImage", "kernel_alignment 0");
	b = bz_std;
	b.init_size = 0;
	rej(&b, 0, 32 << 20, &in, LOADER_E_HEADER, "bzImage", "init_size 0");
	b.init_size = 0x5ff0;
	rej(&b, 0, 32 << 20, &in, LOADER_E_HEADER, "bzImage", "init_size below the kernel size");
	b.init_size = 0x6000;
	in.kernel = (struct loader_blob){ "bzImage", img, mk_bz(&b), NULL };
	lt_guest_init(&g, 32 << 20);
	LT_EQ(loader_load(&in, &g.mem, &s, NULL, &err), 0, "init_size = kernel size is enough");
	lt_guest_free(&g);
	b = bz_std;
	b.init_size = 200 << 20;
	rej(&b, 0, 128 << 20, &in, LOADER_E_NOFIT, "bzImage", "init_size larger than RAM");
	b = bz_std;
	b.reloc = 0;
	rej(&b, 0, 16 << 20, &in, LOADER_E_NOFIT, "bzImage", "not relocatable, pref_address past RAM");
	b = bz_std;
	b.pref = 0xa0000;
	b.reloc = 0;
	rej(&b, 0, 32 << 20, &in, LOADER_E_NOFIT, "bzImage", "pref_address in the hole");
	b.pref = 0x10000;
	b.init_size = 0x6000;
	rej(&b, 0, 32 << 20, &in, LOADER_E_NOFIT, "bzImage", "not relocatable, pref_address below 1 MiB");

	/* Command line longer than cmdline_size, or than our 64 KiB area. */
	memset(line, 'c', sizeof(line) - 1);
	in.cmdline = line + sizeof(line) - 1 - 2048;
	rej(&bz_std, 0, 32 << 20, &in, LOADER_E_CMDLINE, "bzImage", "cmdline 2048 > cmdline_size 2047");
	b = bz_std;
	b.cmdline_size = 0x7fffffff;
	in.cmdline = line;
	rej(&b, 0, 32 << 20, &in, LOADER_E_CMDLINE, "bzImage", "cmdline of 64 KiB");
	in.cmdline = NULL;

	/* initrd placement. */
	in.modules = &rdb;
	in.nmodules = 1;
	rej(&bz_std, 0, 32 << 20, &in, LOADER_E_NOFIT, "initrd.img", "initrd bigger than free RAM");
	rdb.size = 0x1000;
	b = bz_std;
	b.initrd_max = 0xfffff;
	rej(&b, 0, 32 << 20, &in, LOADER_E_NOFIT, "initrd.img", "initrd_addr_max below 1 MiB");
	in.nmodules = 0;

	/* Low memory the loader needs, reserved by the caller. */
	in.kernel = (struct loader_blob){ "bzImage", img, mk_bz(&bz_std), NULL };
	lt_guest_init(&g, 32 << 20);
	loader_mem_reserve(&g.mem, 0x7000, 0x1000, 2);
	lt_reject(&g, &in, LOADER_E_NOFIT, "bzImage", "zero page area reserved");
	g.mem.nreserved = 1;
	loader_mem_reserve(&g.mem, 0x20000, 0x100, 2);
	lt_reject(&g, &in, LOADER_E_NOFIT, "bzImage", "command line area reserved");
	lt_guest_free(&g);
}

int main(void)
{
	check_std();
	check_variants();
	check_reject();
	return ut_done();
}
