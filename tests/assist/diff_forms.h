/*
 * diff_forms.h - the instruction forms of the CPU differential
 * (test_diff.c, diff_forms.c).
 */
#ifndef DIFF_FORMS_H
#define DIFF_FORMS_H

#include <stdbool.h>
#include <stdint.h>

#include "x86_state.h"

#define DIFF_MODRM  0           /* a ModRM memory operand */
#define DIFF_MOFFS  1           /* A0-A3 with an absolute address */
#define DIFF_STRING 2           /* MOVS/CMPS/STOS/LODS/SCAS at rSI/rDI */

/* One instruction form. */
struct diff_form {
	char name[48];
	uint8_t opc[2];
	uint8_t nopc;
	int8_t sub;             /* ModRM.reg group code, or -1: a register operand */
	uint8_t size;           /* operand size (prefix/REX.W) */
	uint8_t immsize;
	uint8_t memsize;        /* bytes at the operand (MOVZX/MOVSX) */
	bool bitreg;            /* BT* with a register bit offset */
	uint8_t kind;           /* DIFF_MODRM, DIFF_MOFFS, DIFF_STRING */
	bool sse;               /* reg is an XMM register */
	uint8_t mpfx;           /* SSE mandatory prefix (0x66, 0xf3) or 0 */
	bool rexw;              /* SSE form with REX.W */
	bool align16;           /* needs a 16-byte aligned operand */
	bool noflags;           /* flags must be unchanged */
	uint64_t undef;         /* flags the SDM leaves undefined */
	uint8_t rep;            /* string forms: 0, 0xf3 (REP/REPE), 0xf2 (REPNE) */
	bool only64;            /* REX.W or MOVSXD: 64-bit mode only */
	bool writes;            /* writes its ModRM/moffs operand */
};

#define DIFF_MAXFORMS 400
extern struct diff_form diff_forms[DIFF_MAXFORMS];
extern unsigned diff_nforms;

void diff_build_forms(void);

#endif /* DIFF_FORMS_H */
