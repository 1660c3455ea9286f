/*
 * x86_le.h - little-endian loads and stores of 1 to 8 bytes at any
 * alignment: guest memory, instruction bytes, port data and page-table
 * entries are all little-endian (SDM Vol.1 1.3.1), and the monitor may
 * not assume its buffers are aligned. The one set of such helpers for
 * the assist library.
 *
 * Written as byte shifts: with a constant n the compiler turns them into
 * one load or store (the page walk relies on that).
 */
#ifndef X86_LE_H
#define X86_LE_H

#include "vmm_env.h"

/* The n bytes at p (n <= 8; more are ignored) as a little-endian number. */
static inline uint64_t
x86_le_load(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n && i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Store the low n bytes of v at p, little-endian (n <= 8). */
static inline void
x86_le_store(uint8_t *p, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n && i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#endif /* X86_LE_H */
