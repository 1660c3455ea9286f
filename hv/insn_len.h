/*
 * insn_len.h - instruction bytes at the guest's CS:RIP and the length of
 * the instructions the hypervisor intercepts, for CPUs without NRIP-save
 * (QEMU TCG among them). APM Vol.2 15.7.1: without NRIPS the VMCB nRIP
 * field is zero and the hypervisor must find the next RIP itself.
 */
#ifndef HV_INSN_LEN_H
#define HV_INSN_LEN_H

#include <stdbool.h>
#include <stdint.h>

#define INSN_MAX_LEN 15         /* SDM Vol.2 2.3.11 / APM Vol.3 1.1 */

struct vm;
struct svm_vcpu;

enum insn_mode {
	INSN_MODE_16,           /* real mode, or a 16-bit code segment */
	INSN_MODE_32,
	INSN_MODE_64,           /* long mode with CS.L: REX prefixes exist */
};

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

/*
 * Length of the instruction in buf[0..n) that caused exit code exitcode
 * (CPUID, RDMSR/WRMSR, HLT, VMMCALL), legacy and REX prefixes included.
 * Returns -1 when the bytes are not that instruction or run past n.
 */
int insn_len_intercepted(uint64_t exitcode, const uint8_t *buf, unsigned n,
			 enum insn_mode mode);

#endif /* HV_INSN_LEN_H */
