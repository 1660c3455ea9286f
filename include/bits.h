/*
 * bits.h - bit and field helpers shared by hv/, vmm/ and guestlib/.
 *
 * Hardware words are plain integers with masks (no C bitfields): the
 * layout of a bitfield is implementation-defined, a mask is not.
 */
#ifndef BITS_H
#define BITS_H

#include <stdint.h>

#define BIT(n)            (1ULL << (n))
/* Mask of bits hi..lo inclusive, e.g. BITS(11, 0) == 0xfff. */
#define BITS(hi, lo)      ((~0ULL >> (63 - (hi))) & ~((1ULL << (lo)) - 1))
/* Lowest set bit of a (non-zero) mask: the field's shift amount. */
#define BITS_SHIFT(mask)  ((unsigned)__builtin_ctzll(mask))
/* Put value v into the field described by mask / take it out again. */
#define SHIFTIN(v, mask)  ((((uint64_t)(v)) << BITS_SHIFT(mask)) & (mask))
#define SHIFTOUT(x, mask) ((((uint64_t)(x)) & (mask)) >> BITS_SHIFT(mask))

#define ALIGN_DOWN(x, a)  ((x) & ~((uint64_t)(a) - 1))
#define ALIGN_UP(x, a)    ALIGN_DOWN((uint64_t)(x) + (a) - 1, (a))
#define ARRAY_SIZE(a)     (sizeof(a) / sizeof((a)[0]))

#endif /* BITS_H */
