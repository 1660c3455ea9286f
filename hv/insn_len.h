/*
 * insn_len.h - the length of the instructions the hypervisor intercepts,
 * for CPUs without NRIP-save (QEMU TCG among them). APM Vol.2 15.7.1:
 * without NRIPS the VMCB nRIP field is zero and the hypervisor must find
 * the next RIP itself.
 */
#ifndef HV_INSN_LEN_H
#define HV_INSN_LEN_H

#include <stdint.h>

#include "x86_state.h"          /* enum x86_cpu_mode, X86_INSN_MAX_LEN */

/*
 * Length of the instruction in buf[0..n) that caused exit code exitcode
 * (CPUID, RDMSR/WRMSR, HLT, INVD, WBINVD, VMMCALL), legacy and REX
 * prefixes included, in CPU mode mode (REX exists in X86_MODE_LONG64
 * only). Returns -1 when the bytes are not that instruction, run past n
 * or past X86_INSN_MAX_LEN.
 */
int insn_len_intercepted(uint64_t exitcode, const uint8_t *buf, unsigned n,
			 enum x86_cpu_mode mode);

#endif /* HV_INSN_LEN_H */
