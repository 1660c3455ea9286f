/*
 * test_vmlinuz.c - a real Debian kernel (argv[1], a bzImage found or
 * fetched by vmlinuz_test.py) parsed and loaded into a fake 128 MiB
 * guest with an initrd and a command line: its header fields as
 * boot.rst describes them for a stock x86-64 kernel, where everything
 * went, and the 64-bit entry state.
 */
#include "lt_linux.h"

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		return NULL;
	buf = malloc((size_t)n);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n)
		return NULL;
	fclose(f);
	*size = (size_t)n;
	return buf;
}

int main(int argc, char **argv)
{
	static uint8_t rd[300000];
	struct loader_blob initrd = { "initrd", rd, sizeof(rd), NULL };
	struct loader_input in = { .modules = &initrd, .nmodules = 1,
				   .cmdline = "console=ttyS0 panic=-1", .rsdp = 0xf0000 };
	struct lt_guest g;
	struct boot_state s;
	struct loader_result res;
	struct loader_error err;
	const char *base;
	uint8_t *k;
	size_t size = 0, setup;
	uint64_t zp, pref, init_size, ri, rs;

	if (argc < 2 || (k = read_file(argv[1], &size)) == NULL) {
		printf("Bail out! cannot read the kernel \"%s\"\n", argc > 1 ? argv[1] : "");
		return 1;
	}
	base = strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1];
	printf("# %s: %zu bytes\n", argv[1], size);
	lt_fill(rd, sizeof(rd), 77);

	/* The header of a stock x86-64 bzImage (boot.rst). */
	LT_EQ(loader_detect(k, size), LOADER_FMT_LINUX, "vmlinuz: detected as a bzImage");
	LT_EQ(k[H_BOOT_FLAG] | k[H_BOOT_FLAG + 1] << 8, 0xaa55, "vmlinuz: boot_flag 0xaa55");
	LT_OK(k[H_VERSION + 1] == 2 && k[H_VERSION] >= 12, "vmlinuz: protocol 2.%u >= 2.12", k[H_VERSION]);
	LT_OK(k[H_LOADFLAGS] & 1, "vmlinuz: LOADED_HIGH");
	LT_OK(k[H_XLOADFLAGS] & 1, "vmlinuz: XLF_KERNEL_64");
	LT_OK(k[H_RELOC] != 0, "vmlinuz: relocatable");
	LT_EQ(k[H_ALIGN] | k[H_ALIGN + 1] << 8 | k[H_ALIGN + 2] << 16 | (uint32_t)k[H_ALIGN + 3] << 24,
	      0x200000, "vmlinuz: kernel_alignment 2 MiB");
	pref = 0;
	for (int i = 7; i >= 0; i--)
		pref = pref << 8 | k[H_PREF + i];
	LT_EQ(pref, 0x1000000, "vmlinuz: pref_address 16 MiB (CONFIG_PHYSICAL_START)");
	init_size = k[H_INIT_SIZE] | k[H_INIT_SIZE + 1] << 8 | k[H_INIT_SIZE + 2] << 16 |
		    (uint64_t)k[H_INIT_SIZE + 3] << 24;
	setup = ((k[H_SETUP_SECTS] ? k[H_SETUP_SECTS] : 4) + 1) * 512;
	LT_OK(init_size >= size - setup && init_size < (100 << 20),
	      "vmlinuz: init_size %llu KiB covers the kernel", (unsigned long long)(init_size >> 10));
	{
		unsigned kv = k[0x20e] | k[0x20f] << 8;
		const char *ver = (const char *)k + 0x200 + kv;
		const char *dash = strchr(base, '-');

		LT_OK(kv != 0 && 0x200 + kv < setup && dash != NULL &&
		      strncmp(ver, dash + 1, strlen(dash + 1)) == 0,
		      "vmlinuz: kernel_version \"%.40s\" matches the file name", kv ? ver : "");
	}

	lt_guest_init(&g, 128 << 20);
	in.kernel = (struct loader_blob){ base, k, size, NULL };
	LT_EQ(loader_load(&in, &g.mem, &s, &res, &err), 0, "vmlinuz: loads into 128 MiB");
	if (err.msg[0])
		printf("# %s\n", err.msg);
	LT_EQ(res.image_start, pref, "vmlinuz: at pref_address");
	LT_OK(memcmp(g.ram + pref, k + setup, size - setup) == 0,
	      "vmlinuz: protected-mode kernel copied whole");
	LT_EQ(g.ram[pref + 0x200], 0xfc, "vmlinuz: startup_64 begins with cld (head_64.S)");
	zp = s.gpr[X86_GPR_RSI];
	lt_check_entry64(&g, &s, pref, zp);
	LT_OK(lt_ident(&g, s.cr3, pref) && lt_ident(&g, s.cr3, pref + init_size - 1),
	      "vmlinuz: load address .. + init_size identity-mapped");
	lt_check_hdr_copy(&g, zp, k);
	lt_check_zp_fields(&g, zp, k, pref, k[H_VERSION] >= 14 ? 0xf0000 : 0);
	LT_OK(strcmp((char *)g.ram + g32(&g, zp + H_CMD_LINE_PTR), in.cmdline) == 0, "vmlinuz: cmdline");
	ri = g32(&g, zp + H_RAMDISK_IMAGE);
	rs = g32(&g, zp + H_RAMDISK_SIZE);
	LT_OK(rs == sizeof(rd) && memcmp(g.ram + ri, rd, sizeof(rd)) == 0, "vmlinuz: initrd contents");
	LT_OK((ri & 0xfff) == 0 && ri >= pref + init_size && ri + rs <= (128 << 20),
	      "vmlinuz: initrd page-aligned, above the kernel's init_size, below ram_top");
	lt_guest_free(&g);

	/* In 64 MiB it does not fit at pref_address (16 MiB + init_size), but
	 * it is relocatable: it goes lower. */
	lt_guest_init(&g, 64 << 20);
	in.nmodules = 0;
	LT_EQ(loader_load(&in, &g.mem, &s, &res, &err), 0, "vmlinuz: loads into 64 MiB");
	LT_OK(res.image_start < pref && (res.image_start & 0x1fffff) == 0 && res.image_end <= (64 << 20),
	      "vmlinuz: relocated, 2 MiB-aligned, inside RAM (0x%llx)",
	      (unsigned long long)res.image_start);
	lt_guest_free(&g);
	/* 32 MiB is too small for it. */
	lt_guest_init(&g, 32 << 20);
	lt_reject(&g, &in, LOADER_E_NOFIT, base, "vmlinuz: 32 MiB too small");
	lt_guest_free(&g);
	/* Cut short: refused, never half-loaded. */
	lt_guest_init(&g, 128 << 20);
	in.kernel.size = size / 2;
	lt_reject(&g, &in, LOADER_E_TRUNCATED, base, "vmlinuz: truncated to half");
	lt_guest_free(&g);
	free(k);
	return ut_done();
}
