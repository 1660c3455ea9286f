/*
 * insn_fetch.h - the guest's code size and the instruction bytes at its
 * CS:RIP, for CPUs without NRIP-save (APM Vol.2 15.7.1: the VMCB nRIP
 * field is then zero and the hypervisor finds the next RIP itself).
 */
#ifndef HV_INSN_FETCH_H
#define HV_INSN_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "insn_len.h"

struct vm;
struct svm_vcpu;

/* The guest's current code size, from EFER.LMA, CR0.PE and CS attributes. */
enum insn_mode insn_mode(const struct svm_vcpu *vcpu);

/*
 * Copy up to n instruction bytes starting at the guest's CS:RIP into buf.
 * When decode assists supplied the bytes (a #NPF on real hardware) they
 * are used as they are. Otherwise the guest's tables are walked: with
 * whole false only for the page of CS:RIP (one walk; the bytes stop at
 * the end of that page), with whole true also for the next page when the
 * 15 bytes reach into it. Returns the number of bytes copied (fewer than
 * n at the end of the page, or when the next page is not mapped), or -1
 * if not even the first byte is readable.
 */
int insn_fetch(struct vm *vm, const struct svm_vcpu *vcpu, uint8_t *buf, unsigned n,
	       bool whole);

#endif /* HV_INSN_FETCH_H */
