/*
 * x86_alu.h - arithmetic/logic operations with their flags, computed by
 * running the same instruction on the host CPU (inline asm, both builds),
 * so no flag rule is written by hand (NVMM's approach).
 */
#ifndef X86_ALU_H
#define X86_ALU_H

#include "vmm_env.h"
#include "x86_state.h"          /* x86_size_mask */

/*
 * Run the ALU operation op (enum x86_op: ADD, OR, ADC, SBB, AND, SUB, XOR,
 * CMP, TEST, NOT, NEG, INC, DEC, BT, BTS, BTR, BTC) on size-byte operands
 * (1, 2, 4, 8; BT* 2, 4, 8). dst is the destination (first) operand, src
 * the source (for BT*: the bit offset, taken modulo the operand width).
 * *rflags is the guest's RFLAGS: its arithmetic flags are the input
 * (CF for ADC/SBB/INC/DEC) and are replaced by the result's; no other
 * RFLAGS bit is read or changed. Returns the result truncated to size
 * (dst itself for CMP, TEST and BT). Returns dst unchanged and leaves
 * *rflags alone for any other op.
 */
uint64_t x86_alu(unsigned op, unsigned size, uint64_t dst, uint64_t src,
    uint64_t *rflags);

#endif /* X86_ALU_H */
