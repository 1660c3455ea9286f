/*
 * insn_len.h - the length of the instructions the hypervisor intercepts,
 * for CPUs without NRIP-save (QEMU TCG among them). APM Vol.2 15.7.1:
 * without NRIPS the VMCB nRIP field is zero and the hypervisor must find
 * the next RIP itself.
 */
#ifndef HV_INSN_LEN_H
#define HV_INSN_LEN_H

#include <stdint.h>

#define INSN_MAX_LEN 15         /* SDM Vol.2 2.3.11 / APM Vol.3 1.1 */

enum insn_mode {
	INSN_MODE_16,           /* real mode, or a 16-bit code segment */
	INSN_MODE_32,
	INSN_MODE_64,           /* long mode with CS.L: REX prefixes exist */
};

/*
 * Length of the instruction in buf[0..n) that caused exit code exitcode
 * (CPUID, RDMSR/WRMSR, HLT, INVD, WBINVD, VMMCALL), legacy and REX prefixes included.
 * Returns -1 when the bytes are not that instruction or run past n.
 */
int insn_len_intercepted(uint64_t exitcode, const uint8_t *buf, unsigned n,
			 enum insn_mode mode);

#endif /* HV_INSN_LEN_H */
