/*
 * insn_fetch.h - the RIP after an intercepted instruction, for CPUs
 * without NRIP-save (APM Vol.2 15.7.1: the VMCB nRIP field is then zero
 * and the hypervisor finds the next RIP itself from the instruction's
 * bytes at CS:RIP).
 */
#ifndef HV_INSN_FETCH_H
#define HV_INSN_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "insn_len.h"
#include "vmcb.h"
#include "x86_fetch.h"

struct vm;
struct svm_vcpu;

/*
 * What the exit path of a vCPU keeps between exits (one field of struct
 * svm_vcpu): the assist library's fetch cache for the page of CS:RIP,
 * and the length of the last intercepted instruction decoded from it
 * with the exact state it was decoded in: RIP, CS base and limit (with
 * the key of the fetch cache: the same linear address, the same checks,
 * the same byte in the same page), the exit code and the instruction's
 * first 8 bytes (the length decoder looks at nothing else).
 */
struct insn_fetch_cache {
	struct x86_fetch_cache mmu;
	uint64_t exitcode;              /* of the remembered instruction */
	uint64_t bytes;                 /* its first 8 bytes, little-endian */
	uint64_t rip;                   /* its RIP */
	uint64_t cs_base;               /* CS base and limit it was fetched with */
	uint32_t cs_limit;
	uint8_t len;                    /* its length (at most 8); 0: none */
	const uint8_t *code;            /* the monitor's pointer to its bytes */
	uint64_t next;                  /* the RIP after it (wrapped at the code size) */
};

/*
 * The short path of insn_next_rip(), inline on the exit path: the
 * instruction at CS:RIP is the one remembered in ic, under the same
 * state, and the page-table entries the fetch cache's walk read still
 * hold their values (a guest that changed its tables without an exit is
 * seen here, x86_fetch.h), and its bytes are unchanged. Then *next is
 * the remembered next RIP and the result true. The state compared is the
 * whole key of the fetch cache (x86_fetch_cache_key_ok()) plus RIP and
 * the CS base and limit, so the linear address, the CS limit check and
 * the page are those of the cached fetch; the CPU mode and the code
 * size follow from the key.
 */
static inline bool insn_next_rip_cached(const struct insn_fetch_cache *ic, const struct vmcb *v,
					uint64_t *next)
{
	const struct vmcb_state *s = &v->state;
	const struct x86_fetch_cache *fc = &ic->mmu;

	if (ic->len == 0 || s->rip != ic->rip || v->ctrl.exitcode != ic->exitcode ||
	    s->cs.base != ic->cs_base || s->cs.limit != ic->cs_limit ||
	    !fc->valid || s->cs.attr != fc->cs_attr || s->cr3 != fc->cr3 ||
	    s->cr0 != fc->cr0 || s->cr4 != fc->cr4 || s->efer != fc->efer ||
	    s->cpl != fc->cpl || ((s->rflags & X86_RFLAGS_VM) != 0) != fc->vm)
		return false;
	if (!x86_walk_memo_fresh(&fc->walk) || x86_le_load64(ic->code) != ic->bytes)
		return false;
	*next = ic->next;
	return true;
}

/*
 * The RIP after the intercepted instruction at CS:RIP (exit code in the
 * VMCB) when insn_next_rip_cached() does not know it: fetch its bytes
 * (the page of CS:RIP first, through the vCPU's fetch cache; the next
 * page only if the instruction runs into it), decode its length
 * (insn_len.h) and wrap at the code size (IP/EIP, SDM Vol.1 3.6), and
 * remember it for the next exit. Returns 0 with *next, or -1 after a log
 * line when the bytes cannot be read or are not the instruction the exit
 * code names.
 */
int insn_next_rip_slow(struct vm *vm, struct svm_vcpu *vcpu, uint64_t *next);

#endif /* HV_INSN_FETCH_H */
