/*
 * insn_fetch.h - the instruction bytes at the guest's CS:RIP and the RIP
 * after an intercepted instruction, for CPUs without NRIP-save (APM Vol.2
 * 15.7.1: the VMCB nRIP field is then zero and the hypervisor finds the
 * next RIP itself).
 */
#ifndef HV_INSN_FETCH_H
#define HV_INSN_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "insn_len.h"

struct vm;
struct svm_vcpu;

/*
 * Copy up to n instruction bytes starting at the guest's CS:RIP into buf.
 * When decode assists supplied the bytes (a #NPF on real hardware) they
 * are used as they are. Otherwise the guest's tables are walked: with
 * whole false only for the page of CS:RIP (the bytes stop at the end of
 * that page; the translation comes from the vCPU's fetch cache when its
 * page-table entries are unchanged), with whole true also for the next
 * page when the 15 bytes reach into it. Returns the number of bytes
 * copied (fewer than n at the end of the page, the CS limit, or when the
 * next page is not mapped), or -1 after a log line if not even the first
 * byte is readable.
 */
int insn_fetch(struct vm *vm, struct svm_vcpu *vcpu, uint8_t *buf, unsigned n,
	       bool whole);

/*
 * The RIP after the intercepted instruction at CS:RIP (exit code in the
 * VMCB): fetch its bytes (the page of CS:RIP first, the next page only
 * if the instruction runs into it), decode its length (insn_len.h) and
 * wrap at the code size (IP/EIP, SDM Vol.1 3.6). Returns 0 with *next,
 * or -1 after a log line when the bytes cannot be read or are not the
 * instruction the exit code names.
 */
int insn_next_rip(struct vm *vm, struct svm_vcpu *vcpu, uint64_t *next);

#endif /* HV_INSN_FETCH_H */
