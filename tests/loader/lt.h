/*
 * lt.h - what the loader tests share: a fake guest (RAM in one host
 * block, mapped like hv/vm_mem.c: RAM [0, 0xa0000), a read-only ROM
 * [0xe0000, 0x100000), RAM [0x100000, ram_top)), pre-filled with a
 * garbage byte so that a loader that forgets to zero or that writes
 * where it should not is caught; little-endian builders for synthetic
 * images; readers of guest memory; TAP helpers.
 *
 * Expectations in the tests come from the specifications (Multiboot
 * 0.6.96, Documentation/arch/x86/boot.rst, the SDM/APM), written out
 * here with their own constants: the tests do not include the loader's
 * spec headers (multiboot.h, linux_boot.h) so a wrong offset there
 * cannot hide behind the same wrong offset here.
 */
#ifndef LT_H
#define LT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/utap.h"
#include "loader.h"
#include "x86_guestmem.h"

#define LT_GARBAGE 0xcc

struct lt_guest {
	struct x86_machine mach;
	struct loader_mem mem;
	uint8_t *ram;                   /* ram_top bytes; GPA x is ram[x] */
	uint8_t rom[0x20000];
	uint64_t ram_top;
};

/* A fresh guest of ram_top bytes, RAM full of LT_GARBAGE. */
static void __attribute__((unused)) lt_guest_init(struct lt_guest *g, uint64_t ram_top)
{
	memset(&g->mach, 0, sizeof(g->mach));
	g->ram_top = ram_top;
	g->ram = malloc(ram_top);
	if (g->ram == NULL) {
		printf("Bail out! no memory for a %llu MiB guest\n", (unsigned long long)(ram_top >> 20));
		exit(1);
	}
	memset(g->ram, LT_GARBAGE, ram_top);
	memset(g->rom, 0xee, sizeof(g->rom));
	x86_memmap_add(&g->mach, 0, 0xa0000, g->ram, X86_PROT_READ | X86_PROT_WRITE);
	x86_memmap_add(&g->mach, 0xe0000, 0x20000, g->rom, X86_PROT_READ);
	x86_memmap_add(&g->mach, 0x100000, ram_top - 0x100000, g->ram + 0x100000,
		       X86_PROT_READ | X86_PROT_WRITE);
	loader_mem_init(&g->mem, &g->mach, ram_top);
}

static void __attribute__((unused)) lt_guest_free(struct lt_guest *g)
{
	free(g->ram);
	g->ram = NULL;
}

/* True if no byte of guest RAM or ROM differs from the fill. */
static int __attribute__((unused)) lt_untouched(const struct lt_guest *g)
{
	for (uint64_t i = 0; i < g->ram_top; i++)
		if (g->ram[i] != LT_GARBAGE)
			return 0;
	for (size_t i = 0; i < sizeof(g->rom); i++)
		if (g->rom[i] != 0xee)
			return 0;
	return 1;
}

/* Guest memory reads (the test owns the flat block). */
static uint8_t __attribute__((unused)) g8(const struct lt_guest *g, uint64_t a) { return g->ram[a]; }
static uint16_t __attribute__((unused)) g16(const struct lt_guest *g, uint64_t a)
{
	return (uint16_t)(g->ram[a] | g->ram[a + 1] << 8);
}
static uint32_t __attribute__((unused)) g32(const struct lt_guest *g, uint64_t a)
{
	return g16(g, a) | (uint32_t)g16(g, a + 2) << 16;
}
static uint64_t __attribute__((unused)) g64(const struct lt_guest *g, uint64_t a)
{
	return g32(g, a) | (uint64_t)g32(g, a + 4) << 32;
}

/* Builders: little-endian stores into an image buffer. */
static void __attribute__((unused)) p8(uint8_t *b, size_t o, uint8_t v) { b[o] = v; }
static void __attribute__((unused)) p16(uint8_t *b, size_t o, uint16_t v)
{
	b[o] = (uint8_t)v;
	b[o + 1] = (uint8_t)(v >> 8);
}
static void __attribute__((unused)) p32(uint8_t *b, size_t o, uint32_t v)
{
	p16(b, o, (uint16_t)v);
	p16(b, o + 2, (uint16_t)(v >> 16));
}
static void __attribute__((unused)) p64(uint8_t *b, size_t o, uint64_t v)
{
	p32(b, o, (uint32_t)v);
	p32(b, o + 4, (uint32_t)(v >> 32));
}

/* Check got == want (each evaluated once); on failure print both. */
#define LT_EQ(got, want, ...) ({                                                \
	uint64_t lt_g_ = (uint64_t)(got), lt_w_ = (uint64_t)(want);             \
	char lt_n_[400];                                                        \
	snprintf(lt_n_, sizeof(lt_n_), __VA_ARGS__);                            \
	ut_ok(lt_g_ == lt_w_, lt_n_, "wanted 0x%llx got 0x%llx",                \
	      (unsigned long long)lt_w_, (unsigned long long)lt_g_);            \
})
#define LT_OK(cond, ...) ({                                                     \
	char lt_n_[400];                                                        \
	snprintf(lt_n_, sizeof(lt_n_), __VA_ARGS__);                            \
	ut_ok((cond) != 0, lt_n_, NULL);                                        \
})

/* A deterministic byte pattern (seed picks the sequence). */
static void __attribute__((unused)) lt_fill(uint8_t *b, size_t n, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		b[i] = (uint8_t)(x >> 16);
	}
}

/*
 * A load that must fail with code: checks the code, that the message
 * starts with the module's name, and that guest memory is untouched.
 */
static void __attribute__((unused)) lt_reject(struct lt_guest *g, const struct loader_input *in,
					      enum loader_errcode code, const char *name,
					      const char *what)
{
	struct boot_state s;
	struct loader_error err;
	int rc = loader_load(in, &g->mem, &s, NULL, &err);

	LT_EQ(rc, -1, "%s: refused", what);
	LT_EQ(err.code, code, "%s: error code", what);
	LT_OK(strncmp(err.msg, name, strlen(name)) == 0 && strlen(err.msg) > strlen(name) + 4,
	      "%s: message names \"%s\" and a reason", what, name);
	if (rc == -1 && err.code != code)
		printf("# message: %s\n", err.msg);
	LT_OK(lt_untouched(g), "%s: guest memory untouched", what);
}

#endif /* LT_H */
