/*
 * x86_alu.c - ALU operations run on the host CPU to get the exact flags.
 *
 * Each operation loads the guest's arithmetic flags into the host RFLAGS
 * (keeping the host's own IF, DF, TF, AC: popf must never change those in
 * the hypervisor), runs the instruction on registers, and reads the flags
 * back. The sequence moves %rsp down by 128 bytes first, because the
 * hosted build uses the System V red zone and pushfq would overwrite it.
 * SDM Vol.1 3.4.3.1 lists the status flags (X86_RFLAGS_ARITH).
 */
#include "x86_alu.h"
#include "x86_decode.h"
#include "x86_state.h"

_Static_assert(X86_RFLAGS_ARITH == 0x8d5, "SDM Vol.1 3.4.3: CF PF AF ZF SF OF");

#define X86_ALU_PRE \
	"sub $128, %%rsp\n\t" \
	"pushfq\n\t" \
	"andq $-0x8d6, (%%rsp)\n\t"     /* ~X86_RFLAGS_ARITH */ \
	"orq %[f], (%%rsp)\n\t" \
	"popfq\n\t"
#define X86_ALU_POST \
	"\n\tpushfq\n\t" \
	"popq %[f]\n\t" \
	"add $128, %%rsp"

/* Two-operand form: "op src, dst" in AT&T order. */
#define X86_ALU_RUN2(text) \
	__asm__ volatile(X86_ALU_PRE text X86_ALU_POST \
	    : [d] "+r" (d), [f] "+r" (f) : [s] "r" (s) : "cc")
/* One-operand form: "op dst". */
#define X86_ALU_RUN1(text) \
	__asm__ volatile(X86_ALU_PRE text X86_ALU_POST \
	    : [d] "+r" (d), [f] "+r" (f) : : "cc")

#define X86_ALU_BIN(name, mn)                                                  \
static uint64_t                                                                \
x86_alu_##name(unsigned size, uint64_t d, uint64_t s, uint64_t *fp)            \
{                                                                              \
	uint64_t f = *fp;                                                      \
	switch (size) {                                                        \
	case 1: X86_ALU_RUN2(mn "b %b[s], %b[d]"); break;                      \
	case 2: X86_ALU_RUN2(mn "w %w[s], %w[d]"); break;                      \
	case 4: X86_ALU_RUN2(mn "l %k[s], %k[d]"); break;                      \
	default: X86_ALU_RUN2(mn "q %q[s], %q[d]"); break;                     \
	}                                                                      \
	*fp = f;                                                               \
	return d;                                                              \
}

#define X86_ALU_UN(name, mn)                                                   \
static uint64_t                                                                \
x86_alu_##name(unsigned size, uint64_t d, uint64_t *fp)                        \
{                                                                              \
	uint64_t f = *fp;                                                      \
	switch (size) {                                                        \
	case 1: X86_ALU_RUN1(mn "b %b[d]"); break;                             \
	case 2: X86_ALU_RUN1(mn "w %w[d]"); break;                             \
	case 4: X86_ALU_RUN1(mn "l %k[d]"); break;                             \
	default: X86_ALU_RUN1(mn "q %q[d]"); break;                            \
	}                                                                      \
	*fp = f;                                                               \
	return d;                                                              \
}

/* Bit tests have no byte form (SDM Vol.2 BT). */
#define X86_ALU_BIT(name, mn)                                                  \
static uint64_t                                                                \
x86_alu_##name(unsigned size, uint64_t d, uint64_t s, uint64_t *fp)            \
{                                                                              \
	uint64_t f = *fp;                                                      \
	switch (size) {                                                        \
	case 2: X86_ALU_RUN2(mn "w %w[s], %w[d]"); break;                      \
	case 4: X86_ALU_RUN2(mn "l %k[s], %k[d]"); break;                      \
	default: X86_ALU_RUN2(mn "q %q[s], %q[d]"); break;                     \
	}                                                                      \
	*fp = f;                                                               \
	return d;                                                              \
}

X86_ALU_BIN(add, "add")
X86_ALU_BIN(or, "or")
X86_ALU_BIN(adc, "adc")
X86_ALU_BIN(sbb, "sbb")
X86_ALU_BIN(and, "and")
X86_ALU_BIN(sub, "sub")
X86_ALU_BIN(xor, "xor")
X86_ALU_BIN(cmp, "cmp")
X86_ALU_BIN(test, "test")
X86_ALU_UN(not, "not")
X86_ALU_UN(neg, "neg")
X86_ALU_UN(inc, "inc")
X86_ALU_UN(dec, "dec")
X86_ALU_BIT(bt, "bt")
X86_ALU_BIT(bts, "bts")
X86_ALU_BIT(btr, "btr")
X86_ALU_BIT(btc, "btc")

uint64_t
x86_alu(unsigned op, unsigned size, uint64_t dst, uint64_t src,
    uint64_t *rflags)
{
	uint64_t f = *rflags & X86_RFLAGS_ARITH;
	uint64_t r;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return dst;
	switch (op) {
	case X86_OP_ADD:  r = x86_alu_add(size, dst, src, &f); break;
	case X86_OP_OR:   r = x86_alu_or(size, dst, src, &f); break;
	case X86_OP_ADC:  r = x86_alu_adc(size, dst, src, &f); break;
	case X86_OP_SBB:  r = x86_alu_sbb(size, dst, src, &f); break;
	case X86_OP_AND:  r = x86_alu_and(size, dst, src, &f); break;
	case X86_OP_SUB:  r = x86_alu_sub(size, dst, src, &f); break;
	case X86_OP_XOR:  r = x86_alu_xor(size, dst, src, &f); break;
	case X86_OP_CMP:  x86_alu_cmp(size, dst, src, &f); r = dst; break;
	case X86_OP_TEST: x86_alu_test(size, dst, src, &f); r = dst; break;
	case X86_OP_NOT:  r = x86_alu_not(size, dst, &f); break;
	case X86_OP_NEG:  r = x86_alu_neg(size, dst, &f); break;
	case X86_OP_INC:  r = x86_alu_inc(size, dst, &f); break;
	case X86_OP_DEC:  r = x86_alu_dec(size, dst, &f); break;
	case X86_OP_BT:
	case X86_OP_BTS:
	case X86_OP_BTR:
	case X86_OP_BTC:
		if (size == 1)
			return dst;
		src &= 8 * size - 1;
		if (op == X86_OP_BT) {
			x86_alu_bt(size, dst, src, &f);
			r = dst;
		} else if (op == X86_OP_BTS) {
			r = x86_alu_bts(size, dst, src, &f);
		} else if (op == X86_OP_BTR) {
			r = x86_alu_btr(size, dst, src, &f);
		} else {
			r = x86_alu_btc(size, dst, src, &f);
		}
		break;
	default:
		return dst;
	}
	*rflags = (*rflags & ~X86_RFLAGS_ARITH) | (f & X86_RFLAGS_ARITH);
	return r & x86_size_mask(size);
}
