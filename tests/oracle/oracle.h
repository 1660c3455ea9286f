/*
 * oracle.h - what the files of the decoder oracle (tests/oracle) share:
 * the check of one encoding and its tallies (oracle_check.c), the
 * comparisons with Zydis' view of an instruction (oracle_zydis.c), used
 * by the test's inputs and driver in test_oracle.c.
 *
 * Sources: the Zydis 4.0 API (Zydis/Zydis.h); x86_decode.h.
 */
#ifndef ORACLE_H
#define ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <Zydis/Zydis.h>

#include "x86_decode.h"

/* oracle_check.c: tallies of the run */
extern unsigned long oracle_compared;      /* decoded OK and compared */
extern unsigned long oracle_disagree;      /* of those, disagreements */
extern unsigned long oracle_zydis_invalid; /* of those, Zydis rejects */
extern unsigned long oracle_zydis_bug592;  /* see oracle_check */

void oracle_init(void);
bool oracle_check(const uint8_t *b, size_t n, unsigned mode);
void oracle_print_notes(const bool seen[512]);

/* oracle_zydis.c: Zydis registers in x86_decode's numbering */
int oracle_gpr(ZydisRegister r);
int oracle_seg(ZydisRegister r);

/* oracle_zydis.c: NULL / false if ours and Zydis agree */
bool oracle_imm_differs(const struct x86_insn *in,
			const ZydisDecodedInstruction *zi,
			const ZydisDecodedOperand *zops);
const char *oracle_regs_differ(unsigned mode, const struct x86_insn *in,
			       const ZydisDecodedInstruction *zi,
			       const ZydisDecodedOperand *zops);
const char *oracle_semantics_differ(const struct x86_insn *in,
				    const ZydisDecodedInstruction *zi,
				    const ZydisDecodedOperand *zops);

#endif /* ORACLE_H */
