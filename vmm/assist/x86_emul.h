/*
 * x86_emul.h - executes one decoded instruction (struct x86_insn) on a
 * vCPU state, with every memory access going through callbacks: the
 * emulator does not know whether it talks to RAM, a device or a test.
 */
#ifndef X86_EMUL_H
#define X86_EMUL_H

#include "vmm_env.h"
#include "x86_decode.h"
#include "x86_machine.h"
#include "x86_state.h"

/* Results of the callbacks and of x86_emul. */
#define X86_EMUL_DONE        0  /* executed (RIP advanced unless a REP repeats) */
#define X86_EMUL_EXCEPTION   1  /* *exc holds the exception to inject */
#define X86_EMUL_UNSUPPORTED 2  /* decoded but not emulated: *reason says why */
#define X86_EMUL_ERROR       3  /* host-level failure (e.g. page table in MMIO) */

/*
 * Memory callbacks. Access size bytes at offset off of segment seg (enum
 * x86_seg) with address size addrsize (off is not truncated yet). For
 * read, acc is 0 for a plain read or X86_ACC_WRITE (x86_mmu.h) for the
 * read of a read-modify-write instruction: like hardware, the write
 * permission is checked before the read happens, so a device never sees
 * the read of an access that then faults. Return one of X86_EMUL_DONE,
 * X86_EMUL_EXCEPTION (with *exc) or X86_EMUL_ERROR.
 */
struct x86_emul_ops {
	int (*read)(void *ctx, unsigned seg, uint64_t off, unsigned addrsize,
	    void *buf, unsigned size, unsigned acc, struct x86_exception *exc);
	int (*write)(void *ctx, unsigned seg, uint64_t off, unsigned addrsize,
	    const void *buf, unsigned size, struct x86_exception *exc);
	/*
	 * Optional (NULL: SSE moves are unsupported): read or write all 16
	 * bytes of guest register XMM<reg>.
	 */
	void (*xmm)(void *ctx, unsigned reg, bool write, uint8_t data[16]);
};

/* Most iterations of a REP string instruction per x86_emul call. */
#define X86_EMUL_REP_BATCH 128

/*
 * Execute insn (decoded from the bytes at st->rip) on st. Memory goes
 * through ops with ctx. On X86_EMUL_DONE, st holds the new registers and
 * flags and RIP has moved past the instruction, except for a REP string
 * instruction with iterations left (at most X86_EMUL_REP_BATCH per call;
 * RIP stays so the guest re-executes it). On X86_EMUL_EXCEPTION nothing
 * architectural changed except what hardware also commits before the
 * fault (the completed iterations of a REP string instruction). *reason
 * gets a short text on UNSUPPORTED/ERROR.
 */
int x86_emul(const struct x86_insn *insn, struct x86_state *st,
    const struct x86_emul_ops *ops, void *ctx, struct x86_exception *exc,
    const char **reason);

/*
 * Write val to register reg with an operand size (SDM Vol.1 3.4.1.1): 1
 * and 2 bytes merge into the low bits (high8: bits 15:8 of reg - 4), 4
 * bytes zero-extend to 64 bits, 8 bytes replace.
 */
void x86_emul_reg_write(struct x86_state *st, unsigned reg, bool high8,
    unsigned size, uint64_t val);
/* Read register reg at an operand size (see x86_emul_reg_write). */
uint64_t x86_emul_reg_read(const struct x86_state *st, unsigned reg,
    bool high8, unsigned size);
/*
 * Update a string/count register by address size: 2 merges the low 16
 * bits, 4 zero-extends, 8 replaces (SDM Vol.1 3.3.7, Vol.2 REP).
 */
void x86_emul_addr_reg_write(struct x86_state *st, unsigned reg,
    unsigned addrsize, uint64_t val);

#endif /* X86_EMUL_H */
