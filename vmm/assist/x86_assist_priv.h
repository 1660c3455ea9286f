/*
 * x86_assist_priv.h - what the files of the Mem Assist share (the
 * generic path in x86_assist_mem.c, the fast path in x86_assist_fast.c),
 * and what the tests that hold the two equal call.
 */
#ifndef X86_ASSIST_PRIV_H
#define X86_ASSIST_PRIV_H

#include "x86_assist.h"

/*
 * x86_assist_mem_fast - the fast path of x86_assist_mem for plain MOV
 * loads and stores (the forms are listed in x86_assist_fast.c). Returns
 * -1, having changed nothing (state, memory, devices, res), for anything
 * it does not complete itself; else res->status, with everything as the
 * generic path would leave it, and m->mem_fast counted.
 */
int x86_assist_mem_fast(struct x86_machine *m, struct x86_state *st,
    const uint8_t *bytes, size_t nbytes, struct x86_assist_result *res);

/* x86_assist_mem without its fast path. */
int x86_assist_mem_generic(struct x86_machine *m, struct x86_state *st,
    const uint8_t *bytes, size_t nbytes, struct x86_assist_result *res);

#endif /* X86_ASSIST_PRIV_H */
