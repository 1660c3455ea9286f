/*
 * x86_assist.h - the public API of the assist library: one call per exit
 * (libnvmm's Assist model, reference/nvmm-notes.txt).
 *
 * The virtualizer registers its callbacks on struct x86_machine once
 * (io_cb, mem_cb, cb_ctx), fills struct x86_state from the VMCB, calls
 * x86_assist_mem for a nested page fault on MMIO or x86_assist_io for an
 * IOIO exit, then acts on the result and copies the state back.
 *
 * SSE moves on MMIO (MOVD/MOVQ/MOVDQA/MOVDQU/MOVAPS/MOVAPD/MOVUPS/MOVUPD/
 * MOVNTDQ/MOVNTPS/MOVNTPD) are emulated when the machine has an XMM
 * callback (x86_machine.h xmm_cb); without one they are
 * X86_ASSIST_UNSUPPORTED with their bytes. A 16-byte MMIO access reaches the Mem callback as two
 * 8-byte pieces (x86_gpa_read/x86_gpa_write).
 *
 * On X86_ASSIST_UNSUPPORTED the caller logs res->bytes and res->reason
 * and injects #UD (or stops the guest); nothing was changed. Not modelled
 * here: the single-step #DB after an emulated instruction (RFLAGS.TF),
 * #AC, and the I/O permission checks of IN/OUT (the CPU makes those
 * before the IOIO intercept).
 */
#ifndef X86_ASSIST_H
#define X86_ASSIST_H

#include "vmm_env.h"
#include "x86_decode.h"
#include "x86_machine.h"
#include "x86_state.h"

enum x86_assist_status {
	X86_ASSIST_DONE,        /* state updated, RIP advanced (or kept for a
				   REP instruction with iterations left) */
	X86_ASSIST_EXCEPTION,   /* inject res->exc; state is as at the fault */
	X86_ASSIST_UNSUPPORTED, /* not emulated (log bytes + reason, then #UD) */
	X86_ASSIST_ERROR,       /* host-level problem (guest page table in
				   MMIO, MMIO without a Mem callback): stop
				   the guest and report */
};

struct x86_assist_result {
	int status;             /* enum x86_assist_status */
	struct x86_exception exc;       /* for X86_ASSIST_EXCEPTION */
	uint8_t bytes[X86_INSN_MAX_LEN];/* instruction bytes, when known */
	uint8_t nbytes;
	const char *reason;     /* short text for UNSUPPORTED / ERROR */
};

/*
 * x86_assist_mem - emulate the instruction at CS:RIP that touched MMIO.
 * The faulting guest-physical address (NPF EXITINFO2) is not an input:
 * every operand is recomputed from the instruction and translated, so
 * MOVS with both sides in MMIO and accesses crossing a page work.
 *   bytes/nbytes: instruction bytes from the exit (decode assists) or
 *     from the caller's own fetch, or nbytes 0 to fetch them at CS:RIP
 *     through the guest MMU. If the given bytes are too few, the rest is
 *     fetched. They are decoded where they are: a buffer the guest
 *     cannot change during the call (not guest memory).
 * Plain MOV loads and stores in 32/64-bit code take a fast path
 * (x86_assist_fast.c) that leaves everything as the generic one would.
 * Returns res->status.
 */
int x86_assist_mem(struct x86_machine *m, struct x86_state *st,
    const uint8_t *bytes, size_t nbytes, struct x86_assist_result *res);

/* What SVM's IOIO exit tells (APM Vol.2 15.10.2), without VMCB types. */
struct x86_io_exit {
	uint16_t port;
	uint8_t size;           /* 1, 2 or 4 */
	bool in;                /* IN/INS (device -> guest) */
	bool string;            /* INS/OUTS */
	bool rep;               /* REP prefix present */
	uint8_t addrsize;       /* 2, 4 or 8 (string forms); 0: not reported,
				   taken from the instruction's prefixes */
	int8_t seg;             /* OUTS source segment (enum x86_seg) when the
				   CPU reports it (decode assists), else -1:
				   the prefixes are read from the instruction */
	uint64_t next_rip;      /* EXITINFO2: RIP after the instruction */
};

/* Largest chunk of a batched REP INS/OUTS: one page. */
#define X86_ASSIST_IO_CHUNK PAGE_SIZE

/*
 * x86_assist_io - emulate an IN/OUT/INS/OUTS exit with the machine's I/O
 * callback. IN/OUT: rAX <-> port. INS: port -> ES:[rDI]; OUTS: seg:[rSI]
 * -> port (DS unless overridden). rSI/rDI (and rCX with REP) move by the
 * address size whether or not REP is present; DF is honoured. A REP
 * transfer is done in chunks that end at page boundaries (at most
 * X86_ASSIST_IO_CHUNK bytes): one guest-memory access for the chunk and
 * the port operations in a row; one chunk per call, with RIP kept until
 * the count reaches zero; with RFLAGS.TF, one element per call (the
 * caller raises the single-step trap after each). A fault leaves registers as hardware would.
 * Returns res->status.
 */
int x86_assist_io(struct x86_machine *m, struct x86_state *st,
    const struct x86_io_exit *io, struct x86_assist_result *res);

#endif /* X86_ASSIST_H */
