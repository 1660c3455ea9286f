/*
 * diff_native.h - the native side of the CPU differential (test_diff.c):
 * run one instruction on the host CPU with all GPRs, XMM registers and
 * RFLAGS taken from a context and stored back, in 64-bit mode or in the
 * 32-bit user code segment of the process (Linux x86-64 user space can
 * far-call into selector 0x23 and return to 0x33), with chosen segment
 * bases.
 *
 * Native memory (one mapping, below 64 KiB when the kernel allows it so
 * that 16-bit addressing reaches it, else below 2 GiB):
 *   +0x0000  code: the stub, rebuilt for every instruction
 *   +0x2000  stack for the 32-bit code (it must lie below 4 GiB)
 *   +0x3000  data: DIFF_NBUF bytes, the buffer the instruction accesses
 * Segment bases: SS and CS flat (0); FS at buffer + DIFF_FS_OFF and GS at
 * buffer + DIFF_GS_OFF (both just below it), in 64-bit mode through
 * arch_prctl and in 32-bit mode as LDT segments (modify_ldt); in 32-bit
 * mode DS and ES too are LDT segments with bases of their own
 * (DIFF_DS_OFF, DIFF_ES_OFF), so that every segment but CS and SS has a
 * different base, or flat without the LDT.
 */
#ifndef DIFF_NATIVE_H
#define DIFF_NATIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DIFF_NBUF    1024       /* bytes of the data buffer */
/*
 * FS and GS bases relative to the buffer: below it, so that an offset
 * into the buffer is positive (in 64-bit mode a 32-bit address is added
 * to the 64-bit base without wrapping), and different from DS's.
 */
#define DIFF_FS_OFF  (-0x40)
#define DIFF_GS_OFF  (-0x80)
#define DIFF_DS_OFF  (-0xc0)    /* 32-bit runs with the LDT only */
#define DIFF_ES_OFF  (-0x100)   /* 32-bit runs with the LDT only */

/* Register context of a run; the stub reads and writes it. */
struct diff_ctx {
	uint64_t gpr[16];       /* 0x000 */
	uint64_t rflags;        /* 0x080 */
	uint8_t xmm[16][16];    /* 0x088 */
	uint64_t host_rsp;      /* 0x188: the stub's own */
	uint64_t fs_run;        /* 0x190: FS base during a 64-bit run, 0: keep */
	uint64_t fs_host;       /* 0x198: FS base of the process (TLS) */
	uint64_t gs_host;       /* 0x1a0: GS base to restore after a 32-bit run */
	uint64_t stack;         /* 0x1a8: stack top for the run */
};

enum diff_mode { DIFF_M64, DIFF_M32 };

struct diff_native {
	uint8_t *code;          /* the mapping */
	uint8_t *buf;           /* its data buffer */
	bool low16;             /* buffer below 64 KiB: 16-bit addressing works */
	bool compat;            /* the 32-bit code segment works */
	bool ldt;               /* FS/GS LDT segments for 32-bit runs */
	size_t insn_at;         /* offset of the instruction in code */
};

/*
 * Map the memory, probe the 32-bit code segment and the LDT, set the GS
 * base. Returns 0, or -1 if not even 64-bit runs are possible.
 */
int diff_native_init(struct diff_native *nat);

/*
 * Build the stub around insn (len bytes) for mode, with FS at its run
 * base when fs (64-bit mode). Returns the address of the instruction (for
 * RIP-relative forms); insn may be changed in place with
 * diff_native_patch() afterwards as long as its length stays.
 */
uint64_t diff_native_emit(struct diff_native *nat, enum diff_mode mode,
    const uint8_t *insn, size_t len, bool fs);
void diff_native_patch(struct diff_native *nat, const uint8_t *insn,
    size_t len);

/* Run the stub on ctx. */
void diff_native_run(struct diff_native *nat, struct diff_ctx *ctx);

#endif /* DIFF_NATIVE_H */
