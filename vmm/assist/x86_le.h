/*
 * x86_le.h - little-endian loads and stores of 1 to 8 bytes at any
 * alignment: guest memory, instruction bytes, port data and page-table
 * entries are all little-endian (SDM Vol.1 1.3.1), and the monitor may
 * not assume its buffers are aligned. The one set of such helpers for
 * the assist library.
 *
 * Written as byte shifts, which the compiler merges into one load for a
 * size of 2, 4 or 8 that it knows (the page walk and the fetch cache rely
 * on that: a loop over the bytes is not merged).
 */
#ifndef X86_LE_H
#define X86_LE_H

#include "vmm_env.h"

/* Byte shifts that the compiler merges into one load of 2, 4 or 8 bytes. */
static inline uint64_t
x86_le_load16(const uint8_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8;
}

static inline uint64_t
x86_le_load32(const uint8_t *p)
{
	return x86_le_load16(p) | x86_le_load16(p + 2) << 16;
}

static inline uint64_t
x86_le_load64(const uint8_t *p)
{
	return x86_le_load32(p) | x86_le_load32(p + 4) << 32;
}

/* The n bytes at p (n <= 8; more are ignored) as a little-endian number. */
static inline uint64_t
x86_le_load(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	switch (n) {
	case 1:
		return p[0];
	case 2:
		return x86_le_load16(p);
	case 4:
		return x86_le_load32(p);
	case 8:
		return x86_le_load64(p);
	default:
		for (unsigned i = 0; i < n && i < 8; i++)
			v |= (uint64_t)p[i] << (8 * i);
		return v;
	}
}

/* Byte stores that the compiler merges into one store of 2, 4 or 8 bytes. */
static inline void
x86_le_store16(uint8_t *p, uint64_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void
x86_le_store32(uint8_t *p, uint64_t v)
{
	x86_le_store16(p, v);
	x86_le_store16(p + 2, v >> 16);
}

static inline void
x86_le_store64(uint8_t *p, uint64_t v)
{
	x86_le_store32(p, v);
	x86_le_store32(p + 4, v >> 32);
}

/* Store the low n bytes of v at p, little-endian (n <= 8). */
static inline void
x86_le_store(uint8_t *p, unsigned n, uint64_t v)
{
	switch (n) {
	case 1:
		p[0] = (uint8_t)v;
		return;
	case 2:
		x86_le_store16(p, v);
		return;
	case 4:
		x86_le_store32(p, v);
		return;
	case 8:
		x86_le_store64(p, v);
		return;
	default:
		for (unsigned i = 0; i < n && i < 8; i++)
			p[i] = (uint8_t)(v >> (8 * i));
		return;
	}
}

#endif /* X86_LE_H */
