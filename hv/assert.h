/*
 * assert.h - hypervisor invariants. Never ASSERT() on anything a guest
 * controls: validate it and inject a fault instead (STYLE.md section 7).
 */
#ifndef HV_ASSERT_H
#define HV_ASSERT_H

#include "panic.h"

/* Panics with file, line and the expression when x is false. */
#define ASSERT(x)							\
	do {								\
		if (__builtin_expect(!(x), 0))				\
			panic("assertion failed: %s at %s:%d (%s)",	\
			      #x, __FILE__, __LINE__, __func__);	\
	} while (0)

/* Unreachable code. */
#define BUG() panic("BUG at %s:%d (%s)", __FILE__, __LINE__, __func__)

#endif /* HV_ASSERT_H */
