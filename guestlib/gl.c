/*
 * gl.c - the test-guest runtime core: start, exit, boot info, physical
 * memory access below 1 MiB, and the freestanding string functions.
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_printf.h"
#include "gl_trap.h"

static struct guest_bootinfo gl_bi;
static bool gl_bi_valid;

/* ------------------------------------------------------------------------ */
/* Physical memory below 1 MiB                                              */

#if defined(GL_MODE_REAL)
/*
 * Real mode: every data access of the -m16 code goes through DS = 0x1000
 * (and ES for string instructions), so other physical addresses are
 * reached through FS, which gcc never uses, loaded with pa >> 4.
 */
uint8_t gl_phys_read8(uint32_t pa)
{
	uint8_t v;
	__asm__ volatile("movw %w1, %%fs\n\tmovb %%fs:(%k2), %0"
	    : "=q"(v) : "r"(pa >> 4), "r"(pa & 0xf) : "memory");
	return v;
}

void gl_phys_write16(uint32_t pa, uint16_t v)
{
	__asm__ volatile("movw %w0, %%fs\n\tmovw %w1, %%fs:(%k2)"
	    : : "r"(pa >> 4), "r"(v), "r"(pa & 0xf) : "memory");
}

uint32_t gl_image_gpa_start(void)
{
	return GUEST_LOAD_GPA + (uint32_t)(uintptr_t)__image_start;
}

uint32_t gl_image_gpa_end(void)
{
	return GUEST_LOAD_GPA + (uint32_t)(uintptr_t)__image_end;
}
#else
/* Protected and long mode: flat segments and identity paging. */
uint8_t gl_phys_read8(uint32_t pa)
{
	return *(volatile uint8_t *)(uintptr_t)pa;
}

void gl_phys_write16(uint32_t pa, uint16_t v)
{
	*(volatile uint16_t *)(uintptr_t)pa = v;
}

uint32_t gl_image_gpa_start(void)
{
	return (uint32_t)(uintptr_t)__image_start;
}

uint32_t gl_image_gpa_end(void)
{
	return (uint32_t)(uintptr_t)__image_end;
}
#endif

/* ------------------------------------------------------------------------ */
/* Start and exit                                                           */

static void gl_bootinfo_load(void)
{
	uint8_t *d = (uint8_t *)&gl_bi;

	for (uint32_t i = 0; i < sizeof(gl_bi); i++)
		d[i] = gl_phys_read8(GUEST_BOOTINFO_GPA + i);
	gl_bi.args[sizeof(gl_bi.args) - 1] = '\0';
	gl_bi_valid = gl_bi.magic == GUEST_BOOTINFO_MAGIC;
	if (!gl_bi_valid)
		memset(&gl_bi, 0, sizeof(gl_bi));
}

const struct guest_bootinfo *gl_bootinfo(void)
{
	return &gl_bi;
}

bool gl_bootinfo_valid(void)
{
	return gl_bi_valid;
}

/*
 * Parse a decimal or 0x-hex number that ends at NUL or ','. No division:
 * 32-bit guests have no libgcc for 64-bit arithmetic helpers.
 */
static int gl_parse_u64(const char *s, uint64_t *val)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	uint64_t v = 0;
	int digits = 0;

	for (s += hex ? 2 : 0; *s != '\0' && *s != ','; s++, digits++) {
		char c = *s;
		uint64_t next;
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (hex && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (hex && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -1;
		if (hex) {
			if (v >> 60)
				return -1;
			next = (v << 4) | d;
		} else {
			if (v > 0x1999999999999999ull)   /* UINT64_MAX / 10 */
				return -1;
			next = v * 10 + d;
			if (next < v * 10)
				return -1;
		}
		v = next;
	}
	if (digits == 0)
		return -1;
	*val = v;
	return 1;
}

int gl_arg_u64(const char *key, uint64_t *val)
{
	const char *p = gl_bi.args;

	while (*p != '\0') {
		size_t i = 0;

		while (key[i] != '\0' && p[i] == key[i])
			i++;
		if (key[i] == '\0' && p[i] == '=')
			return gl_parse_u64(p + i + 1, val);
		while (*p != '\0' && *p != ',')
			p++;
		if (*p == ',')
			p++;
	}
	return 0;
}

void gl_start(void)
{
	gl_trap_init();
	gl_bootinfo_load();
	guest_main();
	gl_exit(0);
}

void gl_exit(unsigned status)
{
	gl_outb(GUEST_PORT_EXIT, (uint8_t)status);
	gl_halt_forever();
}

/*
 * Long division in two DIVs (SDM Vol.2 DIV: EDX:EAX / r32, quotient must
 * fit 32 bits): the high word first, then its remainder with the low
 * word, whose quotient fits because the remainder is below d.
 */
uint64_t gl_udiv64(uint64_t n, uint32_t d, uint32_t *rem)
{
	uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n;
	uint32_t qh = hi / d, r = hi % d, ql;

	__asm__("divl %2" : "=a"(ql), "=d"(r) : "rm"(d), "0"(lo), "1"(r));
	if (rem)
		*rem = r;
	return ((uint64_t)qh << 32) | ql;
}

/* ------------------------------------------------------------------------ */
/* String functions                                                         */

void *memset(void *d, int c, size_t n)
{
	uint8_t *p = d;

	while (n--)
		*p++ = (uint8_t)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *p = d;
	const uint8_t *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p < *q ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}
