/*
 * x86_assist_io.c - the I/O Assist: IN, OUT, INS, OUTS from an IOIO exit
 * (SDM Vol.2 IN/OUT/INS/OUTS/REP, APM Vol.2 15.10.2 for the exit info).
 *
 * String forms (SDM Vol.2 INS/OUTS): INS stores to ES:[rDI], a segment
 * that cannot be overridden; OUTS loads from DS:[rSI] unless a segment
 * prefix overrides it. The exit only reports the segment with decode
 * assists, so otherwise the prefixes are read from the instruction bytes
 * (the NVMM lesson: assuming DS is wrong). rSI/rDI move by the element
 * size, backwards with RFLAGS.DF, with or without REP; rCX counts down
 * with REP; all three at the address size.
 *
 * REP transfers are batched (libnvmm's batching): a chunk covers the
 * elements up to the next page boundary (at most one page), so its memory
 * side is one guest-memory access on one page; the port operations follow
 * in a row and the registers are updated once. One chunk per call; RIP is
 * left on the instruction until rCX reaches zero, so the guest re-executes
 * it and the next chunk exits again (the CPU can take interrupts between
 * chunks like between iterations). Since a chunk never crosses a page, a
 * #PF hits its first element, with the registers of all earlier chunks
 * committed: what hardware leaves after the same fault. An element that
 * straddles a page boundary is a chunk of its own.
 */
#include "x86_assist.h"
#include "x86_emul.h"
#include "x86_le.h"
#include "x86_fetch.h"
#include "x86_gva.h"
#include "x86_seg.h"
#include "x86_walk.h"

/* Port access through the machine; without a callback IN reads all-ones. */
static void
x86_assist_port(struct x86_machine *m, uint16_t port, bool in, unsigned size,
    uint8_t *data)
{
	struct x86_io io = {
		.port = port, .in = in, .size = (uint8_t)size, .data = data,
	};

	if (m->io_cb == NULL) {
		if (in)
			memset(data, 0xff, size);
		return;
	}
	m->io_cb(m->cb_ctx, &io);
}

/* Fill res for an x86_mmu.h failure. */
static int
x86_assist_io_fail(int ret, struct x86_assist_result *res)
{
	if (ret == X86_MMU_FAULT) {
		res->status = X86_ASSIST_EXCEPTION;
	} else {
		res->status = X86_ASSIST_ERROR;
		res->reason = "string I/O: guest memory not accessible";
	}
	return res->status;
}

/*
 * What the exit did not report of a string instruction: the address size
 * (*as == 0) and, for OUTS, the source segment (*seg < 0). Fetch the
 * instruction at CS:RIP and take them from its prefixes and mode.
 * Returns 0, or the status to return (res filled).
 */
static int
x86_assist_io_decode(struct x86_machine *m, const struct x86_state *st,
    const struct x86_io_exit *io, unsigned *as, int *seg,
    struct x86_assist_result *res)
{
	uint8_t buf[X86_INSN_MAX_LEN];
	struct x86_insn insn;
	size_t n = 0;
	int ret;

	ret = x86_fetch_insn(m, st, buf, &n, &res->exc);
	if (ret != 0)
		return x86_assist_io_fail(ret, res);
	ret = x86_decode(buf, n, x86_cpu_mode(st), &insn);
	memcpy(res->bytes, buf, n);
	res->nbytes = (uint8_t)n;
	if (ret != X86_DECODE_OK ||
	    insn.op != (io->in ? X86_OP_INS : X86_OP_OUTS)) {
		res->status = X86_ASSIST_UNSUPPORTED;
		res->reason = io->in ? "INS exit but no INS at CS:RIP" :
		    "OUTS exit but no OUTS at CS:RIP";
		return res->status;
	}
	res->nbytes = insn.len;
	if (*as == 0)
		*as = insn.addrsize;
	if (*seg < 0)
		*seg = insn.mem.seg;
	return 0;
}

/*
 * Number of elements of the next chunk: from offset off (linear la) in
 * direction DF, at most cnt, not past a page boundary nor past the end of
 * the address-size range; at least 1.
 */
static uint64_t
x86_assist_io_chunk(gva_t la, uint64_t off, uint64_t amask, unsigned size,
    bool down, uint64_t cnt)
{
	uint64_t pg = la & PAGE_MASK, n, wrap;

	if (down) {
		/* Elements at la, la - size, ...: stay at or above the page start. */
		n = pg + size <= PAGE_SIZE ? pg / size + 1 : 1;
		wrap = off / size + 1;
	} else {
		n = (PAGE_SIZE - pg) / size;
		wrap = (amask - off) / size + 1;
	}
	if (n > wrap)
		n = wrap;
	if (n > cnt)
		n = cnt;
	return n ? n : 1;
}

/*
 * The linear address and length of the next chunk of a string transfer:
 * its elements from offset off (DF: downwards) as x86_assist_io_chunk
 * counts them; if the segment limit cuts the chunk, the first element
 * alone (as: the address size). *n gets the element count, *low the lowest offset. Returns 0 or
 * an x86_mmu.h error (*exc filled for X86_MMU_FAULT).
 */
static int
x86_assist_io_string_la(const struct x86_state *st, unsigned seg,
    uint64_t off, const struct x86_io_exit *io, unsigned as, uint64_t cnt,
    gva_t *la, uint64_t *n, struct x86_exception *exc)
{
	unsigned size = io->size;
	unsigned acc = io->in ? X86_ACC_WRITE : 0;
	bool down = st->rflags & X86_RFLAGS_DF;
	uint64_t low;
	int ret;

	/* Linear address of the first element, then the chunk around it. */
	ret = x86_seg_linear(st, (enum x86_seg)seg, off, size, acc, as, la, exc);
	if (ret != 0)
		return ret;
	*n = x86_assist_io_chunk(*la, off, x86_size_mask(as), size, down, cnt);
	low = down ? off - (*n - 1) * size : off;
	ret = x86_seg_linear(st, (enum x86_seg)seg, low, (unsigned)(*n * size),
	    acc, as, la, exc);
	if (ret == X86_MMU_FAULT && *n > 1) {
		/* The limit cuts the chunk: do the first element alone. */
		*n = 1;
		ret = x86_seg_linear(st, (enum x86_seg)seg, off, size, acc, as,
		    la, exc);
	}
	return ret;
}

/*
 * Move one chunk of n elements at linear address la between guest memory
 * and the port: INS checks that the whole chunk is writable before it
 * reads any port (a device read has side effects that a #PF must not
 * repeat), then writes it in one go; OUTS reads it in one go, then
 * writes the ports. With DF the elements go from the highest address
 * down. Returns 0 or an x86_mmu.h error.
 */
static int
x86_assist_io_move(struct x86_machine *m, const struct x86_state *st,
    const struct x86_io_exit *io, gva_t la, uint64_t n,
    struct x86_exception *exc)
{
	uint8_t buf[X86_ASSIST_IO_CHUNK];
	bool down = st->rflags & X86_RFLAGS_DF;
	uint64_t len = n * io->size;
	gpa_t gpa;
	int ret;

	if (io->in) {
		ret = x86_mmu_gva_to_gpa(m, st, la, X86_ACC_WRITE, &gpa, exc);
		if (ret == 0)
			ret = x86_mmu_gva_to_gpa(m, st, la + len - 1,
			    X86_ACC_WRITE, &gpa, exc);
		if (ret != 0)
			return ret;
	} else {
		ret = x86_gva_read(m, st, la, buf, len, 0, exc);
		if (ret != 0)
			return ret;
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t k = down ? n - 1 - i : i;

		x86_assist_port(m, io->port, io->in, io->size, &buf[k * io->size]);
	}
	if (io->in)
		return x86_gva_write(m, st, la, buf, len, X86_ACC_WRITE, exc);
	return 0;
}

/* INS/OUTS: one chunk. */
static int
x86_assist_io_string(struct x86_machine *m, struct x86_state *st,
    const struct x86_io_exit *io, struct x86_assist_result *res)
{
	unsigned as = io->addrsize, reg;
	bool down = st->rflags & X86_RFLAGS_DF;
	uint64_t cnt, off, n, len;
	int seg;
	gva_t la;
	int ret;

	if (io->size != 1 && io->size != 2 && io->size != 4) {
		res->status = X86_ASSIST_UNSUPPORTED;
		res->reason = "string I/O: bad element size";
		return res->status;
	}
	if (as != 0 && as != 2 && as != 4 && as != 8) {
		res->status = X86_ASSIST_UNSUPPORTED;
		res->reason = "string I/O: bad address size";
		return res->status;
	}
	/* SDM Vol.2 INS: ES, no override; OUTS: DS unless overridden. */
	seg = io->in ? X86_SEG_ES :
	    (io->seg >= 0 && io->seg < X86_SEG_COUNT) ? io->seg : -1;
	if ((as == 0 || seg < 0) &&
	    x86_assist_io_decode(m, st, io, &as, &seg, res) != 0)
		return res->status;
	reg = io->in ? X86_GPR_RDI : X86_GPR_RSI;
	cnt = io->rep ? st->gpr[X86_GPR_RCX] & x86_size_mask(as) : 1;
	if (cnt == 0) {
		st->rip = io->next_rip;
		res->status = X86_ASSIST_DONE;
		return res->status;
	}
	off = st->gpr[reg] & x86_size_mask(as);
	/* The single-step trap comes after each iteration (SDM Vol.3 17.3.1.4). */
	ret = x86_assist_io_string_la(st, (unsigned)seg, off, io, as,
	    (st->rflags & X86_RFLAGS_TF) ? 1 : cnt, &la, &n,
	    &res->exc);
	if (ret == 0)
		ret = x86_assist_io_move(m, st, io, la, n, &res->exc);
	if (ret != 0)
		return x86_assist_io_fail(ret, res);

	/* One register update for the chunk. */
	len = n * io->size;
	x86_emul_addr_reg_write(st, reg, as, down ? off - len : off + len);
	if (io->rep)
		x86_emul_addr_reg_write(st, X86_GPR_RCX, as, cnt - n);
	if (cnt - n == 0)
		st->rip = io->next_rip;
	res->status = X86_ASSIST_DONE;
	return res->status;
}

int
x86_assist_io(struct x86_machine *m, struct x86_state *st,
    const struct x86_io_exit *io, struct x86_assist_result *res)
{
	uint8_t data[8] = { 0 };        /* size is 1, 2 or 4; 8 for x86_le_load */

	memset(res, 0, sizeof(*res));
	if (io->size != 1 && io->size != 2 && io->size != 4) {
		res->status = X86_ASSIST_UNSUPPORTED;
		res->reason = "port I/O: bad size";
		return res->status;
	}
	if (io->string)
		return x86_assist_io_string(m, st, io, res);

	if (io->in) {
		x86_assist_port(m, io->port, true, io->size, data);
		/* IN EAX zero-extends into RAX like any 32-bit write. */
		x86_emul_reg_write(st, X86_GPR_RAX, false, io->size,
		    x86_le_load(data, io->size));
	} else {
		x86_le_store(data, io->size, st->gpr[X86_GPR_RAX]);
		x86_assist_port(m, io->port, false, io->size, data);
	}
	st->rip = io->next_rip;
	res->status = X86_ASSIST_DONE;
	return res->status;
}
