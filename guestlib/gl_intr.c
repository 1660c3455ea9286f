/*
 * gl_intr.c - the handler table behind gl_intr_set() (see gl_intr.h).
 */
#include "gl.h"
#include "gl_intr.h"

static gl_intr_fn *gl_intr_handlers[256];

void gl_intr_set(unsigned vector, gl_intr_fn *fn)
{
	gl_intr_handlers[vector & 0xff] = fn;
}

bool gl_intr_dispatch(struct gl_trapframe *tf)
{
	gl_intr_fn *fn = gl_intr_handlers[tf->vector & 0xff];

	if (fn == NULL)
		return false;
	fn(tf);
	return true;
}
