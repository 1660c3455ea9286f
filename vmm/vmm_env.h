/*
 * vmm_env.h - everything the code under vmm/ needs from its host: the
 * assist library (vmm/assist/), the device bus, the virtual clock and
 * the device models (vmm/dev/).
 *
 * These sources are compiled twice: freestanding into hv.elf, where
 * memcpy/memset come from hv/string.c and vmm_log() from hv/log.c, and
 * hosted (with -DVMM_HOSTED) into static libraries for unit tests,
 * fuzzing and benchmarks, where they come from libc and
 * vmm/vmm_log_hosted.c. Keep every #ifdef of that kind in this include
 * block (bhyve's _KERNEL guard does the same).
 *
 * Rules for code under vmm/: no allocation, no globals (state lives in
 * the structures the caller owns), no floating point, never trust a byte
 * that the guest controls.
 */
#ifndef VMM_ENV_H
#define VMM_ENV_H

#include <stdarg.h>
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

/* ---------------------------------------------------------------------- */
/* Logging: the same levels as hv/log.h (err, warn, info, debug). */

enum vmm_log_level { VMM_LOG_ERR, VMM_LOG_WARN, VMM_LOG_INFO, VMM_LOG_DEBUG };

/*
 * Print fmt (printf conversions of hv/fmt.h: %d %u %x %llx %s %c %p %zu,
 * width, '0' and '-') if level is enabled. Provided by hv/log.c in the
 * image and by vmm/vmm_log_hosted.c on the host.
 */
void vmm_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* True if vmm_log() at this level would print (skip costly formatting). */
bool vmm_log_enabled(int level);

/* ---------------------------------------------------------------------- */
/*
 * A lock per device (a spinlock). There is one vCPU today, so it is never
 * contended; it marks what several vCPUs will share later. Not recursive:
 * see vmm/bus.h for who takes which lock.
 */
struct vmm_lock {
	int locked;
};

static inline void vmm_lock_acquire(struct vmm_lock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE) != 0)
		__builtin_ia32_pause();
}

static inline void vmm_lock_release(struct vmm_lock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* ---------------------------------------------------------------------- */

/*
 * a * mul / div with a 128-bit intermediate (MUL, then DIV of RDX:RAX:
 * no libgcc). Saturates at UINT64_MAX if the quotient does not fit in
 * 64 bits; div 0 gives UINT64_MAX too. For time conversions (ns <-> ticks
 * of a clock).
 */
static inline uint64_t vmm_muldiv64(uint64_t a, uint64_t mul, uint64_t div)
{
	unsigned __int128 p = (unsigned __int128)a * mul;
	uint64_t hi = (uint64_t)(p >> 64), lo = (uint64_t)p, q, r;

	if (div == 0 || hi >= div)
		return UINT64_MAX;
	__asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(div) : "cc");
	(void)r;
	return q;
}

#endif /* VMM_ENV_H */
