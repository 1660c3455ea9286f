/*
 * x86_walk_memo.h - a remembered page walk: the entries a successful walk
 * read and the monitor's pointers to them, so that a cache built on the
 * walk (the fetch cache, x86_fetch.h; the translation cache,
 * x86_machine.h) can tell whether the translation still holds by
 * re-reading the entries instead of walking: equal entries make a new
 * walk take the same path, pass the same checks and set no A/D bit.
 * x86_walk_memo_save() (x86_walk.h) fills one from a struct x86_walk.
 */
#ifndef X86_WALK_MEMO_H
#define X86_WALK_MEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "x86_le.h"

#define X86_WALK_MEMO_LEVELS 5          /* = X86_WALK_MAXLEVELS (asserted in x86_walk.h) */

struct x86_walk_memo {
	uint8_t n;                      /* entries the walk read (1-5) */
	uint8_t size;                   /* their size: 4 or 8 bytes */
	uint64_t pte[X86_WALK_MEMO_LEVELS];
	const uint8_t *pte_hva[X86_WALK_MEMO_LEVELS];
};

/*
 * Does every remembered entry still hold its value? Written out per
 * level, one load each (this runs on every cache hit of the exit path).
 */
static inline bool
x86_walk_memo_fresh(const struct x86_walk_memo *wm)
{
	const uint8_t *const *h = wm->pte_hva;
	const uint64_t *e = wm->pte;

	_Static_assert(X86_WALK_MEMO_LEVELS == 5, "one case per level");
	if (wm->size == 8) {
		switch (wm->n) {
		case 5: if (x86_le_load64(h[4]) != e[4]) return false; /* fallthrough */
		case 4: if (x86_le_load64(h[3]) != e[3]) return false; /* fallthrough */
		case 3: if (x86_le_load64(h[2]) != e[2]) return false; /* fallthrough */
		case 2: if (x86_le_load64(h[1]) != e[1]) return false; /* fallthrough */
		case 1: return x86_le_load64(h[0]) == e[0];
		default: return false;
		}
	}
	switch (wm->n) {
	case 2: if (x86_le_load32(h[1]) != e[1]) return false; /* fallthrough */
	case 1: return x86_le_load32(h[0]) == e[0];
	default: return false;
	}
}

#endif /* X86_WALK_MEMO_H */
