/*
 * vmm_env.h - everything the assist library needs from its host.
 *
 * The assist sources (vmm/x86_*.c) are compiled twice: freestanding into
 * hv.elf, where memcpy/memset come from hv/string.c, and hosted (with
 * -DVMM_HOSTED) into a static library for unit tests, fuzzing and
 * benchmarks, where they come from libc. Keep every #ifdef of that kind
 * in this include block (bhyve's _KERNEL guard does the same).
 *
 * Rules for code under vmm/: no allocation, no globals, no floating point,
 * never trust a byte that the guest controls.
 */
#ifndef VMM_ENV_H
#define VMM_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "bits.h"

#ifdef VMM_HOSTED
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
#endif

#endif /* VMM_ENV_H */
