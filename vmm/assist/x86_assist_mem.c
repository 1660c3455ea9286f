/*
 * x86_assist_mem.c - the Mem Assist: decode and emulate the instruction
 * that caused a nested page fault on MMIO.
 *
 * Every memory operand goes through segmentation (x86_seg_linear) and the
 * guest MMU (x86_gva_read/x86_gva_write), which send RAM accesses to the
 * monitor's memory and MMIO accesses to the Mem callback; so MOVS with
 * both operands in MMIO, or an access that crosses from RAM into MMIO,
 * needs no special case. The instruction bytes come from the exit (decode
 * assists) or are fetched at CS:RIP, from two pages if they cross one.
 */
#include "x86_assist_priv.h"
#include "x86_emul.h"
#include "x86_fetch.h"
#include "x86_gva.h"
#include "x86_seg.h"
#include "x86_walk.h"

struct x86_assist_mem_ctx {
	struct x86_machine *m;
	struct x86_state *st;
};

/* x86_mmu.h return value -> X86_EMUL_* */
static int
x86_assist_mmu_ret(int ret)
{
	if (ret == 0)
		return X86_EMUL_DONE;
	return ret == X86_MMU_FAULT ? X86_EMUL_EXCEPTION : X86_EMUL_ERROR;
}

static int
x86_assist_mem_read(void *ctx, unsigned seg, uint64_t off, unsigned addrsize,
    void *buf, unsigned size, unsigned acc, struct x86_exception *exc)
{
	struct x86_assist_mem_ctx *c = ctx;
	gva_t la;
	int ret;

	ret = x86_seg_linear(c->st, (enum x86_seg)seg, off, size, acc, addrsize,
	    &la, exc);
	if (ret != 0)
		return x86_assist_mmu_ret(ret);
	if (acc & X86_ACC_WRITE) {
		/*
		 * Read of a read-modify-write: check that both pages are
		 * writable first (x86_gva_read checks for reading only).
		 */
		gpa_t gpa;

		ret = x86_mmu_gva_to_gpa(c->m, c->st, la, X86_ACC_WRITE, &gpa, exc);
		if (ret == 0 && size > 1)
			ret = x86_mmu_gva_to_gpa(c->m, c->st, la + size - 1,
			    X86_ACC_WRITE, &gpa, exc);
		if (ret != 0)
			return x86_assist_mmu_ret(ret);
	}
	return x86_assist_mmu_ret(x86_gva_read(c->m, c->st, la, buf, size, 0, exc));
}

static int
x86_assist_mem_write(void *ctx, unsigned seg, uint64_t off, unsigned addrsize,
    const void *buf, unsigned size, struct x86_exception *exc)
{
	struct x86_assist_mem_ctx *c = ctx;
	gva_t la;
	int ret;

	ret = x86_seg_linear(c->st, (enum x86_seg)seg, off, size, X86_ACC_WRITE,
	    addrsize, &la, exc);
	if (ret != 0)
		return x86_assist_mmu_ret(ret);
	return x86_assist_mmu_ret(x86_gva_write(c->m, c->st, la, buf, size,
	    X86_ACC_WRITE, exc));
}

static void
x86_assist_mem_xmm(void *ctx, unsigned reg, bool write, uint8_t data[16])
{
	struct x86_assist_mem_ctx *c = ctx;

	c->m->xmm_cb(c->m->cb_ctx, reg, write, data);
}

static const struct x86_emul_ops x86_assist_mem_ops = {
	.read = x86_assist_mem_read,
	.write = x86_assist_mem_write,
	.xmm = x86_assist_mem_xmm,
};

/* The same without XMM access, for a machine without an XMM callback. */
static const struct x86_emul_ops x86_assist_mem_ops_noxmm = {
	.read = x86_assist_mem_read,
	.write = x86_assist_mem_write,
	.xmm = NULL,
};

/*
 * The exception for an encoding the CPU rejects (SDM Vol.3 6.15): #UD
 * (interrupt 6), or #GP(0) for one longer than 15 bytes (interrupt 13).
 */
static void
x86_assist_bad_insn(struct x86_assist_result *res, bool toolong)
{
	res->status = X86_ASSIST_EXCEPTION;
	res->exc.vector = toolong ? X86_EXC_GP : X86_EXC_UD;
	res->exc.has_error = toolong;
	res->exc.error = 0;
	res->exc.cr2 = 0;
}

/*
 * Decode the instruction at CS:RIP from the given bytes, fetching through
 * the guest MMU when there are none or too few. Returns X86_ASSIST_DONE
 * with *insn filled, or the status to return (res filled).
 */
static int
x86_assist_mem_decode(struct x86_machine *m, struct x86_state *st,
    const uint8_t *bytes, size_t nbytes, struct x86_insn *insn,
    struct x86_assist_result *res)
{
	unsigned mode = x86_cpu_mode(st);
	uint8_t buf[X86_INSN_MAX_LEN];
	const uint8_t *src = bytes;
	struct x86_exception fexc;
	size_t n = 0;
	int ret = X86_DECODE_NEED_MORE;

	if (nbytes > X86_INSN_MAX_LEN)
		nbytes = X86_INSN_MAX_LEN;
	if (bytes != NULL && nbytes > 0) {
		n = nbytes;
		ret = x86_decode(bytes, n, mode, insn);
	}
	if (ret == X86_DECODE_NEED_MORE) {
		src = buf;
		memset(&fexc, 0, sizeof(fexc));
		ret = x86_fetch_insn(m, st, buf, &n, &fexc);
		if (ret == X86_MMU_FAULT) {
			res->status = X86_ASSIST_EXCEPTION;
			res->exc = fexc;
			return res->status;
		}
		if (ret != 0) {
			res->status = X86_ASSIST_ERROR;
			res->reason = "instruction fetch: page table or code not in RAM";
			return res->status;
		}
		ret = x86_decode(buf, n, mode, insn);
		if (ret == X86_DECODE_NEED_MORE) {
			/* The missing bytes are on a page that faults. */
			memcpy(res->bytes, buf, n);
			res->nbytes = (uint8_t)n;
			res->status = X86_ASSIST_EXCEPTION;
			res->exc = fexc;
			return res->status;
		}
	}
	n = ret == X86_DECODE_OK ? insn->len : n;
	memcpy(res->bytes, src, n);
	res->nbytes = (uint8_t)n;
	switch (ret) {
	case X86_DECODE_OK:
		return X86_ASSIST_DONE;
	case X86_DECODE_INVALID:
	case X86_DECODE_TOOLONG:
		x86_assist_bad_insn(res, ret == X86_DECODE_TOOLONG);
		return res->status;
	default:
		res->status = X86_ASSIST_UNSUPPORTED;
		res->reason = "instruction not decoded (unsupported encoding)";
		return res->status;
	}
}

int
x86_assist_mem_generic(struct x86_machine *m, struct x86_state *st,
    const uint8_t *bytes, size_t nbytes, struct x86_assist_result *res)
{
	struct x86_assist_mem_ctx ctx = { .m = m, .st = st };
	struct x86_insn insn;
	const char *reason;
	int ret;

	*res = (struct x86_assist_result){ .status = X86_ASSIST_DONE };
	if (x86_assist_mem_decode(m, st, bytes, nbytes, &insn, res) != X86_ASSIST_DONE)
		return res->status;

	switch (insn.op) {
	case X86_OP_IN: case X86_OP_OUT: case X86_OP_INS: case X86_OP_OUTS:
		res->status = X86_ASSIST_UNSUPPORTED;
		res->reason = "port I/O instruction in the Mem Assist";
		return res->status;
	default:
		break;
	}

	ret = x86_emul(&insn, st, m->xmm_cb != NULL ? &x86_assist_mem_ops :
	    &x86_assist_mem_ops_noxmm, &ctx, &res->exc, &reason);
	switch (ret) {
	case X86_EMUL_DONE:
		res->status = X86_ASSIST_DONE;
		break;
	case X86_EMUL_EXCEPTION:
		res->status = X86_ASSIST_EXCEPTION;
		break;
	case X86_EMUL_UNSUPPORTED:
		res->status = X86_ASSIST_UNSUPPORTED;
		res->reason = reason;
		break;
	default:
		res->status = X86_ASSIST_ERROR;
		res->reason = reason;
		break;
	}
	return res->status;
}

/* The fast path first (x86_assist_fast.c); whatever it leaves, the generic one. */
int
x86_assist_mem(struct x86_machine *m, struct x86_state *st,
    const uint8_t *bytes, size_t nbytes, struct x86_assist_result *res)
{
	int ret = x86_assist_mem_fast(m, st, bytes, nbytes, res);

	return ret >= 0 ? ret : x86_assist_mem_generic(m, st, bytes, nbytes, res);
}
