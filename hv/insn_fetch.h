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
#include "x86_fetch.h"

struct vm;
struct svm_vcpu;

/*
 * What the exit path of a vCPU keeps between exits (one field of struct
 * svm_vcpu): the assist library's fetch cache for the page of CS:RIP,
 * and the length of the last intercepted instruction decoded from it,
 * reused while the exit code, the CPU mode and the instruction's first 8
 * bytes are the same (the length decoder looks at nothing else).
 */
struct insn_fetch_cache {
	struct x86_fetch_cache mmu;
	uint64_t exitcode;              /* of the remembered instruction */
	uint64_t bytes;                 /* its first 8 bytes, little-endian */
	uint8_t mode;                   /* enum x86_cpu_mode it was decoded in */
	uint8_t len;                    /* its length (at most 8); 0: none */
};

/*
 * The RIP after the intercepted instruction at CS:RIP (exit code in the
 * VMCB): fetch its bytes (the page of CS:RIP first, through the vCPU's
 * fetch cache; the next page only if the instruction runs into it),
 * decode its length (insn_len.h, or the remembered length of the same
 * bytes) and wrap at the code size (IP/EIP, SDM Vol.1 3.6). Returns 0
 * with *next, or -1 after a log line when the bytes cannot be read or
 * are not the instruction the exit code names.
 */
int insn_next_rip(struct vm *vm, struct svm_vcpu *vcpu, uint64_t *next);

#endif /* HV_INSN_FETCH_H */
