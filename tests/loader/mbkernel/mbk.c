/*
 * mbk.c - a multiboot v1 test kernel: checks what its boot loader gave
 * it against Multiboot Specification 0.6.96 (3.2 machine state, 3.3
 * boot information) and the configuration on its own command line, and
 * reports TAP on COM1 (0x3f8, polled), then writes its status (0 pass,
 * 1 fail) to the debug-exit port 0xf4.
 *
 * Command line words (anywhere; a boot loader may put the kernel's file
 * name first, as QEMU does):
 *   ram=MIB        the guest RAM in MiB: mem_upper and the map are checked
 *                  against it
 *   mods=N         the number of modules
 *   loader=NAME    the expected boot_loader_name
 *   strict         the exact map and values of svmhv's loader (3 entries:
 *                  RAM 0-0x9ffff, reserved 0xe0000-0xfffff, RAM 1 MiB-ram;
 *                  mem_lower 640; flags exactly MEM|CMDLINE|MODS|MMAP|NAME)
 *   end=cmdline    last word: the whole line arrived
 * Each module's string carries idx=I size=BYTES fnv=HEX (FNV-1a 32 of
 * its contents), written by the test runner next to the module file.
 *
 * Its own code only (not guestlib): it must not share a bug with what it
 * checks.
 */
#include <stdarg.h>
#include <stdint.h>

#define COM1 0x3f8
#define EXIT_PORT 0xf4

/* Multiboot 0.6.96 3.3 offsets. */
#define MBI_FLAGS 0
#define MBI_MEM_LOWER 4
#define MBI_MEM_UPPER 8
#define MBI_CMDLINE 16
#define MBI_MODS_COUNT 20
#define MBI_MODS_ADDR 24
#define MBI_MMAP_LENGTH 44
#define MBI_MMAP_ADDR 48
#define MBI_LOADER_NAME 64
#define MBI_READ 72                     /* bytes of the structure we read */

uint32_t mbk_boot_eax, mbk_boot_ebx, mbk_boot_cr0, mbk_boot_eflags;
extern char mbk_image_start[], mbk_image_end[], mbk_low_start[], mbk_low_end[];

/*
 * A segment below 1 MiB with known contents (the -DMBK_LOW build: QEMU
 * 7.2's own multiboot loader copies [lowest, highest segment) in one
 * piece through its info area at 0x9000 and the 640 KiB-1 MiB hole, so
 * the oracle run uses the build without it), and a BSS that must be zero.
 */
#ifdef MBK_LOW
#define MBK_LOWDATA __attribute__((section(".lowdata"), used))
#else
#define MBK_LOWDATA
#endif
MBK_LOWDATA volatile uint32_t mbk_low[4] = {
	0x10adda7a, 0x600d0001, 0x600d0002, 0x600d0003,
};
static volatile uint8_t mbk_bss[8192];
static volatile uint32_t mbk_a20_probe;

static int tap_n, tap_fail;

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void putc_(char c)
{
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void putu(uint32_t v, unsigned base)
{
	char d[12];
	int i = 0;

	if (base == 16)
		puts_("0x");
	do {
		d[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (i)
		putc_(d[--i]);
}

/* printf with %s %u %x only. */
static void pr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			putc_(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == 's')
			puts_(va_arg(ap, const char *));
		else if (*fmt == 'u')
			putu(va_arg(ap, uint32_t), 10);
		else if (*fmt == 'x')
			putu(va_arg(ap, uint32_t), 16);
	}
	va_end(ap);
}

static void ok(int cond, const char *name)
{
	tap_n++;
	if (!cond)
		tap_fail++;
	pr("%s %u - %s\n", cond ? "ok" : "not ok", tap_n, name);
}

/* ok() with "# got X" on failure. */
static void ok_eq(uint32_t got, uint32_t want, const char *name)
{
	ok(got == want, name);
	if (got != want)
		pr("# wanted %x got %x\n", want, got);
}

static uint32_t rd32(uint32_t a) { return *(volatile uint32_t *)a; }
static uint64_t rd64(uint32_t a) { return rd32(a) | (uint64_t)rd32(a + 4) << 32; }

static uint32_t slen(const char *s)
{
	uint32_t n = 0;

	while (s[n])
		n++;
	return n;
}

/*
 * The value of word "key=" in s (a pointer into s, ended by a blank or
 * NUL), or 0 if absent. For a bare word ("strict") the pointer is to
 * the end of the word.
 */
static const char *word(const char *s, const char *key)
{
	uint32_t n = slen(key);

	for (const char *p = s; *p; p++) {
		uint32_t i = 0;

		if (p != s && p[-1] != ' ')
			continue;
		while (i < n && p[i] == key[i])
			i++;
		if (i == n && (key[n - 1] == '=' || p[n] == ' ' || p[n] == 0))
			return p + n;
	}
	return 0;
}

static uint32_t num(const char *p)
{
	uint32_t v = 0, base = 10;

	if (p && p[0] == '0' && p[1] == 'x')
		base = 16, p += 2;
	for (; p && *p && *p != ' '; p++) {
		uint32_t d = *p >= 'a' ? (uint32_t)(*p - 'a' + 10) : (uint32_t)(*p - '0');

		v = v * base + d;
	}
	return v;
}

/* Does word value p equal the string want (up to the next blank)? */
static int wordeq(const char *p, const char *want)
{
	while (*want && *p == *want)
		p++, want++;
	return *want == 0 && (*p == ' ' || *p == 0);
}

static uint32_t fnv1a(const uint8_t *p, uint32_t n)
{
	uint32_t h = 0x811c9dc5u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static int ovl(uint32_t a, uint32_t n, uint32_t b, uint32_t m)
{
	return a < b + m && b < a + n;
}

/* Is [a, a+n) inside a type-1 entry of the map? */
static int in_map_ram(uint32_t mmap, uint32_t len, uint32_t a, uint32_t n)
{
	for (uint32_t e = mmap; e < mmap + len; e += rd32(e) + 4)
		if (rd32(e + 20) == 1 && a >= rd64(e + 4) && (uint64_t)a + n <= rd64(e + 4) + rd64(e + 12))
			return 1;
	return 0;
}

/* 3.2: EAX, CR0, EFLAGS, flat segments, A20; our BSS and low segment. */
static void check_state(uint32_t ram)
{
	uint32_t top = ram - 4, v[5];
	volatile uint32_t *alias;

	ok_eq(mbk_boot_eax, 0x2badb002, "EAX = 0x2BADB002");
	ok((mbk_boot_cr0 & 1) && !(mbk_boot_cr0 & 0x80000000u), "CR0.PE = 1, CR0.PG = 0");
	ok(!(mbk_boot_eflags & (1u << 9)), "EFLAGS.IF = 0");
	ok(!(mbk_boot_eflags & (1u << 17)), "EFLAGS.VM = 0");
	/* A limit below 4 GiB on any data segment faults here (and the run ends). */
	__asm__ volatile("movl %%ds:(%5), %0\n\tmovl %%es:(%5), %1\n\tmovl %%fs:(%5), %2\n\t"
			 "movl %%gs:(%5), %3\n\tmovl %%ss:(%5), %4"
			 : "=&r"(v[0]), "=&r"(v[1]), "=&r"(v[2]), "=&r"(v[3]), "=&r"(v[4]) : "r"(top));
	ok(v[0] == v[1] && v[0] == v[2] && v[0] == v[3] && v[0] == v[4],
	   "DS, ES, FS, GS, SS reach the top of RAM with the same base");
	/* A20: the byte 1 MiB below the probe must not change with it. */
	alias = (volatile uint32_t *)((uint32_t)&mbk_a20_probe - 0x100000);
	{
		uint32_t before = *alias;

		mbk_a20_probe = ~before;
		ok(*alias == before && mbk_a20_probe == ~before, "A20 enabled (no wrap at 1 MiB)");
	}
	{
		int zero = 1;

		for (uint32_t i = 0; i < sizeof(mbk_bss); i++)
			zero &= mbk_bss[i] == 0;
		ok(zero, "BSS is zero");
	}
#ifdef MBK_LOW
	ok((uint32_t)mbk_low == 0x6000 && mbk_low[0] == 0x10adda7a && mbk_low[3] == 0x600d0003,
	   "segment below 1 MiB loaded");
#endif
}

static void check_mmap(uint32_t mbi, uint32_t ram, int strict)
{
	uint32_t mmap = rd32(mbi + MBI_MMAP_ADDR), len = rd32(mbi + MBI_MMAP_LENGTH);
	uint32_t n = 0, e, bad_size = 0, bad_ram = 0, low_ok = 0, high_ok = 0;

	for (e = mmap; e < mmap + len && n < 64; e += rd32(e) + 4, n++) {
		uint64_t b = rd64(e + 4), l = rd64(e + 12);

		pr("# mmap %u: %x+%x type %u\n", n, (uint32_t)b, (uint32_t)l, rd32(e + 20));
		bad_size += rd32(e) < 20;
		if (rd32(e + 20) != 1)
			continue;
		bad_ram += !((b + l <= 0xa0000) || (b >= 0x100000 && b + l <= ram));
		low_ok |= b == 0 && l >= 0x9f000;
		high_ok |= b == 0x100000 && b + l >= ram - 0x100000;
	}
	ok(e == mmap + len, "mmap: entries walked by size end at mmap_length");
	ok(bad_size == 0, "mmap: every size field >= 20");
	ok(bad_ram == 0, "mmap: RAM entries only in 0-640 KiB and 1 MiB-ram");
	ok(low_ok, "mmap: RAM from 0 to (nearly) 640 KiB");
	ok(high_ok, "mmap: RAM from 1 MiB to (nearly) the configured size");
	for (uint32_t i = 0, ei = mmap; i < n; i++, ei += rd32(ei) + 4)
		for (uint32_t j = 0, ej = mmap; j < i; j++, ej += rd32(ej) + 4)
			if (rd64(ei + 4) < rd64(ej + 4) + rd64(ej + 12) &&
			    rd64(ej + 4) < rd64(ei + 4) + rd64(ei + 12))
				bad_ram++;
	ok(bad_ram == 0, "mmap: entries do not overlap");
	if (strict) {
		ok_eq(n, 3, "strict: 3 map entries");
		ok(rd64(mmap + 4) == 0 && rd64(mmap + 12) == 0xa0000 && rd32(mmap + 20) == 1,
		   "strict: RAM 0-0x9ffff");
		ok(rd64(mmap + 28) == 0xe0000 && rd64(mmap + 36) == 0x20000 && rd32(mmap + 44) == 2,
		   "strict: reserved 0xe0000-0xfffff");
		ok(rd64(mmap + 52) == 0x100000 && rd64(mmap + 60) == ram - 0x100000 &&
		   rd32(mmap + 68) == 1, "strict: RAM 1 MiB-ram");
	}
	/* Everything the loader handed over lies in RAM it says is RAM. */
	ok(in_map_ram(mmap, len, mbi, MBI_READ) && in_map_ram(mmap, len, mmap, len),
	   "info structure and map in RAM");
}

static void check_mods(uint32_t mbi, const char *cmdline)
{
	uint32_t count = rd32(mbi + MBI_MODS_COUNT), mods = rd32(mbi + MBI_MODS_ADDR);
	uint32_t mmap = rd32(mbi + MBI_MMAP_ADDR), len = rd32(mbi + MBI_MMAP_LENGTH);
	uint32_t ks = (uint32_t)mbk_image_start, ke = (uint32_t)mbk_image_end;

	ok_eq(count, num(word(cmdline, "mods=")), "mods_count as configured");
	for (uint32_t i = 0; i < count && i < 8; i++) {
		uint32_t m = mods + 16 * i, st = rd32(m), en = rd32(m + 4);
		const char *s = (const char *)rd32(m + 8);
		uint32_t size = num(word(s, "size=")), sz = en - st;

		pr("# module %u: %x-%x \"%s\"\n", i, st, en, s);
		ok(word(s, "idx=") && num(word(s, "idx=")) == i, "module: in order (idx=)");
		ok((st & 0xfff) == 0, "module: page-aligned (header flag 0)");
		ok(en >= st && sz == size, "module: mod_end - mod_start = size=");
		ok(fnv1a((const uint8_t *)st, sz) == num(word(s, "fnv=")), "module: contents (fnv=)");
		ok(in_map_ram(mmap, len, st, sz ? sz : 1) &&
		   in_map_ram(mmap, len, (uint32_t)s, slen(s) + 1), "module: data and string in RAM");
		ok(!ovl(st, sz, ks, ke - ks) &&
		   !ovl(st, sz, (uint32_t)mbk_low_start, mbk_low_end - mbk_low_start) &&
		   !ovl(st, sz, mbi, MBI_READ) && !ovl(st, sz, mmap, len) &&
		   !ovl(st, sz, mods, count * 16), "module: clear of the kernel and the info");
		for (uint32_t j = 0; j < i; j++)
			ok(!ovl(st, sz, rd32(mods + 16 * j), rd32(mods + 16 * j + 4) - rd32(mods + 16 * j)),
			   "module: clear of the modules before it");
		ok_eq(rd32(m + 12), 0, "module: reserved field 0");
	}
}

void mbk_main(void)
{
	uint32_t mbi = mbk_boot_ebx, flags = rd32(mbi + MBI_FLAGS), ram;
	const char *cmdline = (flags & 4) ? (const char *)rd32(mbi + MBI_CMDLINE) : "";
	int strict;

	outb(COM1 + 1, 0);              /* no UART interrupts */
	outb(COM1 + 3, 0x03);           /* 8N1 */
	pr("# multiboot test kernel: info at %x, flags %x\n", mbi, flags);
	pr("# cmdline \"%s\"\n", cmdline);
	ram = num(word(cmdline, "ram=")) << 20;
	strict = word(cmdline, "strict") != 0;

	ok((flags & 0x24d) == 0x24d, "flags: MEMORY, CMDLINE, MODS, MMAP, LOADER_NAME");
	ok((flags & 0x30) != 0x30, "flags: not both a.out and ELF symbols (4, 5)");
	ok(!(flags & 0x1800), "flags: no VBE or framebuffer (no video asked)");
	ok(!(flags & ~0x1fffu), "flags: no bits beyond the spec's");
	if (strict)
		ok_eq(flags, 0x24d, "strict: exactly these flags");
	ok(ram != 0, "cmdline: ram= given");
	{
		const char *end = word(cmdline, "end=");

		ok(end && wordeq(end, "cmdline") && end[7] == 0, "cmdline: arrived whole (ends in end=cmdline)");
	}
	check_state(ram);
	ok(rd32(mbi + MBI_MEM_LOWER) <= 640 && rd32(mbi + MBI_MEM_LOWER) >= 600,
	   "mem_lower: 600-640 KiB");
	if (strict)
		ok_eq(rd32(mbi + MBI_MEM_LOWER), 640, "strict: mem_lower 640");
	/* SeaBIOS keeps the top 128 KiB for itself: up to 1 MiB less is fine. */
	ok(rd32(mbi + MBI_MEM_UPPER) <= (ram >> 10) - 1024 &&
	   rd32(mbi + MBI_MEM_UPPER) >= (ram >> 10) - 2048, "mem_upper: KiB from 1 MiB to (nearly) ram");
	if (strict)
		ok_eq(rd32(mbi + MBI_MEM_UPPER), (ram >> 10) - 1024, "strict: mem_upper = ram - 1 MiB");
	check_mmap(mbi, ram, strict);
	check_mods(mbi, cmdline);
	{
		const char *name = (const char *)rd32(mbi + MBI_LOADER_NAME), *want = word(cmdline, "loader=");
		uint32_t n = slen(name), printable = 1;

		for (uint32_t i = 0; i < n; i++)
			printable &= name[i] >= 0x20 && name[i] < 0x7f;
		pr("# boot loader \"%s\"\n", name);
		ok(n > 0 && n < 64 && printable, "boot_loader_name: a short printable string");
		if (want)
			ok(wordeq(want, name), "boot_loader_name as configured");
	}
	pr("1..%u\n", tap_n);
	outb(EXIT_PORT, tap_fail ? 1 : 0);
}
