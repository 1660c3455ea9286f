/*
 * test_vectors.c - table-driven vectors for the assist library: decoder
 * vectors, Mem Assist vectors (hand-written named cases for every seed
 * rule, plus vectors_gen.inc made by gen_vectors.py from an independent
 * Python model of the ALU), guest-memory vectors and I/O Assist vectors.
 *
 * A Mem Assist vector is: CPU mode, instruction bytes, registers and
 * memory before, expected status, registers/flags/memory after and the
 * exact Mem/I/O callback sequence. Each one runs twice: with the bytes
 * handed in (decode assists) and with the bytes fetched through the guest
 * MMU. Machine layout: assist_harness.h. Output: TAP.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "assist_harness.h"
#include "x86_emul.h"

#define D 0xa0000ULL            /* the fake device */

struct av_reg {
	uint8_t r;              /* 1 + enum x86_gpr; 0 ends the list */
	uint64_t v;
};
struct av_mem {
	uint64_t gpa;
	uint8_t size;           /* 0 ends the list */
	uint64_t v;
};
struct av_case {
	const char *name;
	uint8_t mode;
	const char *hex;
	struct av_reg in[6];
	struct av_mem min[4];
	uint64_t flin;          /* RFLAGS bits set before (arith, DF) */
	int status;             /* X86_ASSIST_* */
	struct av_reg out[6];   /* registers that change */
	struct av_mem mout[4];
	uint64_t flout;         /* expected RFLAGS & flmask */
	uint64_t flmask;        /* flags checked against flout */
	uint64_t flundef;       /* flags the SDM leaves undefined */
	const char *cb;         /* expected callback log */
	bool rip_stays;         /* REP with iterations left */
	uint8_t vec;            /* EXCEPTION: vector, error code, cr2 */
	uint32_t err;
	uint64_t cr2;
	uint64_t rip_la;        /* nonzero: code at this linear address */
	bool fetch_only;        /* only meaningful with fetched bytes */
	bool no_xmm;            /* run without the XMM callback */
	uint8_t xreg;           /* 1 + XMM register checked after, 0: none */
	uint64_t xlo, xhi;      /* its expected value */
	uint64_t fsbase;        /* nonzero: FS base instead of the harness's */
	uint64_t gsbase;        /* nonzero: GS base instead of the harness's */
	uint64_t esbase;        /* nonzero: ES base instead of the harness's */
	uint64_t csbase;        /* nonzero (16/32-bit modes): CS base ... */
	uint64_t ip;            /* ... and this IP/EIP */
};

#define R(reg, val) { 1 + X86_GPR_##reg, (val) }
#define M(gpa, size, val) { (gpa), (size), (val) }
#define L64 X86_MODE_LONG64
#define P32 X86_MODE_PROT32
#define P16 X86_MODE_PROT16
#define R16 X86_MODE_REAL16
#define OK X86_ASSIST_DONE
#define EXC X86_ASSIST_EXCEPTION
#define UNS X86_ASSIST_UNSUPPORTED
#define CF X86_RFLAGS_CF
#define PF X86_RFLAGS_PF
#define AF X86_RFLAGS_AF
#define ZF X86_RFLAGS_ZF
#define SF X86_RFLAGS_SF
#define OF X86_RFLAGS_OF
#define DF X86_RFLAGS_DF
#define TF X86_RFLAGS_TF
#define ARITH X86_RFLAGS_ARITH

#include "vectors_mem.inc"

/* ------------------------------------------------------------------------ */
/* Generated vectors: ALU/MOV forms x sizes x modes from gen_vectors.py.     */

#include "vectors_gen.inc"

/* ------------------------------------------------------------------------ */

static struct x86_machine av_m;
static x86_xmm_cb_t av_xmm_cb;  /* the harness's, restored after no_xmm */

/* IP, EIP or RIP: the instruction pointer wraps at the code size (SDM Vol.1 3.6). */
static uint64_t
av_ip_mask(unsigned mode)
{
	return mode == X86_MODE_LONG64 ? ~0ULL : mode == X86_MODE_PROT32 ?
	    0xffffffffULL : 0xffffULL;
}

/*
 * Whether an exception pushes an error code (SDM Vol.3 6.15, APM Vol.2
 * 8.2): #DF, #TS, #NP, #SS, #GP, #PF, #AC do; #DE, #DB, #UD, #NM do not.
 * Written out here, independently of the library, so that a vector checks
 * has_error against what the architecture says.
 */
static bool
av_vec_has_error(uint8_t vec)
{
	switch (vec) {
	case X86_EXC_DF: case X86_EXC_TS: case X86_EXC_NP: case X86_EXC_SS:
	case X86_EXC_GP: case X86_EXC_PF: case X86_EXC_AC:
		return true;
	default:
		return false;
	}
}

/*
 * The exception of res against the expected vector, error code and cr2
 * (#PF only). An exception without an error code must report has_error
 * false and error 0. Returns true if they match; else fills why.
 */
static bool
av_exc_matches(const struct x86_exception *exc, uint8_t vec, uint32_t err,
    uint64_t cr2, char *why, size_t whylen)
{
	bool has = av_vec_has_error(vec);

	if (exc->vector != vec || exc->has_error != has ||
	    exc->error != (has ? err : 0) ||
	    (vec == X86_EXC_PF && exc->cr2 != cr2)) {
		snprintf(why, whylen, "exception %u has_error %d err %#x cr2 %#llx, "
		    "want %u %d %#x %#llx", exc->vector, exc->has_error, exc->error,
		    (unsigned long long)exc->cr2, vec, has, has ? err : 0,
		    (unsigned long long)cr2);
		return false;
	}
	return true;
}

static void
av_apply_regs(struct x86_state *st, const struct av_reg *r, size_t n)
{
	for (size_t i = 0; i < n && r[i].r; i++)
		st->gpr[r[i].r - 1] = r[i].v;
}

/* Place code bytes at a linear address through the guest MMU. */
static bool
av_put_code(struct x86_state *st, const struct av_case *c, const uint8_t *b,
    size_t n)
{
	struct x86_exception exc;

	if (!c->rip_la) {
		ah_put_code(st, b, n);
		return true;
	}
	st->rip = c->rip_la;
	/* Byte by byte: the tail may fall on a page that is not present. */
	for (size_t i = 0; i < n; i++) {
		if (x86_gva_write(&av_m, st, c->rip_la + i, &b[i], 1,
		    X86_ACC_IMPLICIT, &exc) != 0 && i == 0)
			return false;
	}
	return true;
}

static bool
av_run(const struct av_case *c, bool fetch, char *why, size_t whylen)
{
	struct x86_state st, st0, want;
	struct x86_assist_result res;
	uint8_t bytes[16];
	size_t n = ah_hex(c->hex, bytes, sizeof(bytes));
	uint64_t fl;

	ah_reset();
	ah_state_init(&st, c->mode);
	av_apply_regs(&st, c->in, ARRAY_SIZE(c->in));
	st.rflags |= c->flin;
	if (c->fsbase)
		st.seg[X86_SEG_FS].base = c->fsbase;
	if (c->gsbase)
		st.seg[X86_SEG_GS].base = c->gsbase;
	if (c->esbase)
		st.seg[X86_SEG_ES].base = c->esbase;
	if (c->csbase) {
		st.seg[X86_SEG_CS].base = c->csbase;
		st.rip = c->ip;
	}
	if (!av_put_code(&st, c, bytes, n)) {
		snprintf(why, whylen, "could not place code");
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(c->min) && c->min[i].size; i++)
		ah_pwrite(c->min[i].gpa, c->min[i].size, c->min[i].v);
	st0 = st;
	ah_log_len = 0;
	ah_log[0] = 0;

	if (c->no_xmm)
		av_m.xmm_cb = NULL;
	x86_assist_mem(&av_m, &st, fetch ? NULL : bytes, fetch ? 0 : n, &res);
	av_m.xmm_cb = av_xmm_cb;
	if (res.status != c->status) {
		snprintf(why, whylen, "status %d want %d (%s) vec %u err %#x",
		    res.status, c->status, res.reason ? res.reason : "",
		    res.exc.vector, res.exc.error);
		return false;
	}
	/* x86_assist.h: UNSUPPORTED comes with a reason to log */
	if (c->status == X86_ASSIST_UNSUPPORTED && (res.reason == NULL ||
	    (c->no_xmm && strstr(res.reason, "XMM") == NULL))) {
		snprintf(why, whylen, "reason \"%s\"", res.reason ? res.reason : "(none)");
		return false;
	}
	if (c->status == X86_ASSIST_EXCEPTION &&
	    !av_exc_matches(&res.exc, c->vec, c->err, c->cr2, why, whylen))
		return false;
	want = st0;
	/* On an exception, out[] lists what earlier REP iterations committed. */
	av_apply_regs(&want, c->out, ARRAY_SIZE(c->out));
	if (c->status == X86_ASSIST_DONE && !c->rip_stays)
		want.rip = (st0.rip + n) & av_ip_mask(c->mode);
	for (unsigned i = 0; i < X86_GPR_COUNT; i++) {
		if (st.gpr[i] != want.gpr[i]) {
			snprintf(why, whylen, "gpr %u = %#llx want %#llx", i,
			    (unsigned long long)st.gpr[i], (unsigned long long)want.gpr[i]);
			return false;
		}
	}
	if (st.rip != want.rip) {
		snprintf(why, whylen, "rip %#llx want %#llx",
		    (unsigned long long)st.rip, (unsigned long long)want.rip);
		return false;
	}
	fl = st.rflags;
	if (c->status == X86_ASSIST_DONE) {
		uint64_t keep = ~(c->flmask | c->flundef);

		if ((fl & c->flmask) != c->flout ||
		    (fl & keep) != (st0.rflags & keep)) {
			snprintf(why, whylen, "rflags %#llx want %#llx under mask %#llx (before %#llx)",
			    (unsigned long long)fl, (unsigned long long)c->flout,
			    (unsigned long long)c->flmask, (unsigned long long)st0.rflags);
			return false;
		}
	} else if (fl != st0.rflags) {
		snprintf(why, whylen, "rflags changed on exception");
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(c->mout) && c->mout[i].size; i++) {
		uint64_t v = ah_pread(c->mout[i].gpa, c->mout[i].size);

		if (v != c->mout[i].v) {
			snprintf(why, whylen, "mem %#llx/%u = %#llx want %#llx",
			    (unsigned long long)c->mout[i].gpa, c->mout[i].size,
			    (unsigned long long)v, (unsigned long long)c->mout[i].v);
			return false;
		}
	}
	if (c->xreg) {
		uint64_t lo = 0, hi = 0;

		for (unsigned i = 0; i < 8; i++) {
			lo |= (uint64_t)ah_xmm[c->xreg - 1][i] << (8 * i);
			hi |= (uint64_t)ah_xmm[c->xreg - 1][8 + i] << (8 * i);
		}
		if (lo != c->xlo || hi != c->xhi) {
			snprintf(why, whylen, "xmm%u = %016llx%016llx want %016llx%016llx",
			    c->xreg - 1, (unsigned long long)hi, (unsigned long long)lo,
			    (unsigned long long)c->xhi, (unsigned long long)c->xlo);
			return false;
		}
	}
	if (c->cb != NULL && strcmp(ah_log, c->cb) != 0) {
		snprintf(why, whylen, "callbacks \"%.220s\" want \"%.220s\"", ah_log, c->cb);
		return false;
	}
	return true;
}

static void
av_run_table(const struct av_case *cases, size_t n, unsigned *ncases)
{
	char why[512];

	for (size_t i = 0; i < n; i++) {
		const struct av_case *c = &cases[i];

		(*ncases)++;
		for (int fetch = 0; fetch < 2; fetch++) {
			bool ok;

			if (c->fetch_only && !fetch)
				continue;
			why[0] = 0;
			ok = av_run(c, fetch, why, sizeof(why));
			ah_ok(ok, "mem: %s [%s]%s%s", c->name, fetch ? "fetched" : "bytes",
			    ok ? "" : " # ", ok ? "" : why);
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Decoder vectors: length, sizes and memory operand.                        */

struct dv_case {
	const char *name;
	uint8_t mode;
	const char *hex;
	int status;
	uint8_t len, opsize, addrsize;
	bool has_mem;
	int8_t base, index;
	uint8_t scale;
	int64_t disp;
	uint8_t seg;
	uint8_t op;
};

#define N X86_REG_NONE
#define G(r) X86_GPR_##r
#define S(s) X86_SEG_##s
#include "vectors_decode.inc"
#undef N

static void
dv_run(unsigned *ncases)
{
	for (size_t i = 0; i < ARRAY_SIZE(dv_cases); i++) {
		const struct dv_case *c = &dv_cases[i];
		struct x86_insn insn;
		uint8_t b[16];
		size_t n = ah_hex(c->hex, b, sizeof(b));
		int ret = x86_decode(b, n, c->mode, &insn);
		bool ok = ret == c->status;
		char why[256] = "";

		(*ncases)++;
		if (!ok)
			snprintf(why, sizeof(why), "status %d want %d", ret, c->status);
		if (ok && ret == X86_DECODE_OK) {
			ok = insn.len == c->len && insn.opsize == c->opsize &&
			    insn.addrsize == c->addrsize && insn.has_mem == c->has_mem &&
			    insn.op == c->op && insn.mem.seg == c->seg;
			if (ok && c->has_mem)
				ok = insn.mem.base == c->base && insn.mem.index == c->index &&
				    (c->index == X86_REG_NONE || insn.mem.scale == c->scale) &&
				    insn.mem.disp == c->disp;
			if (!ok)
				snprintf(why, sizeof(why),
				    "len %u os %u as %u mem %d base %d idx %d sc %u disp %lld seg %u op %s",
				    insn.len, insn.opsize, insn.addrsize, insn.has_mem,
				    insn.mem.base, insn.mem.index, insn.mem.scale,
				    (long long)insn.mem.disp, insn.mem.seg, x86_op_name(insn.op));
		}
		ah_ok(ok, "decode: %s%s%s", c->name, ok ? "" : " # ", why);
	}
}

/* ------------------------------------------------------------------------ */
/* Guest-memory vectors: accesses longer than 8 bytes across pages.          */

static void
gv_run(unsigned *ncases)
{
	struct x86_state st;
	struct x86_exception exc;
	uint8_t buf[24], want[24];
	int ret;

	/* Read 16 bytes across two MMIO pages (VA 0x202ff8 -> PA 0xa0ff8..). */
	(*ncases)++;
	ah_reset();
	ah_state_init(&st, X86_MODE_LONG64);
	ret = x86_gva_read(&av_m, &st, 0x202ff8, buf, 16, 0, &exc);
	for (unsigned i = 0; i < 16; i++)
		want[i] = ah_dev[0xff8 + i];
	ah_ok(ret == 0 && memcmp(buf, want, 16) == 0 &&
	    strcmp(ah_log, "r a0ff8/8=534c453e37302922 r a1000/8=8b847d766f68615a") == 0,
	    "guestmem: 16-byte MMIO read across a page boundary # log \"%s\"", ah_log);

	/* Write 24 bytes across two MMIO pages. */
	(*ncases)++;
	ah_reset();
	for (unsigned i = 0; i < 24; i++)
		buf[i] = (uint8_t)(0xc0 + i);
	ret = x86_gva_write(&av_m, &st, 0x202ff4, buf, 24, 0, &exc);
	ah_ok(ret == 0 && memcmp(&ah_dev[0xff4], buf, 24) == 0 &&
	    strcmp(ah_log, "w a0ff4/4=c3c2c1c0 w a0ff8/8=cbcac9c8c7c6c5c4 "
		"w a1000/8=d3d2d1d0cfcecdcc w a1008/4=d7d6d5d4") == 0,
	    "guestmem: 24-byte MMIO write across a page boundary # log \"%s\"", ah_log);

	/* Read 16 bytes from a RAM page into an MMIO page. */
	(*ncases)++;
	ah_reset();
	ret = x86_gva_read(&av_m, &st, 0x201ff8, buf, 16, 0, &exc);
	ah_ok(ret == 0 && memcmp(buf, &ah_ram[0x200ff8], 8) == 0 &&
	    memcmp(buf + 8, &ah_dev[0], 8) == 0 &&
	    strcmp(ah_log, "r a0000/8=8b847d766f68615a") == 0,
	    "guestmem: 16-byte read RAM -> MMIO # log \"%s\"", ah_log);

	/* Write 16 bytes into a not-present page: fault, nothing written. */
	(*ncases)++;
	ah_reset();
	ret = x86_gva_write(&av_m, &st, 0x203ff8, buf, 16, 0, &exc);
	ah_ok(ret == X86_MMU_FAULT && exc.vector == X86_EXC_PF && exc.cr2 == 0x204000 &&
	    ah_log_len == 0, "guestmem: 16-byte write into a missing page faults first");
}

/* ------------------------------------------------------------------------ */
/* I/O Assist vectors.                                                       */

struct iv_case {
	const char *name;
	uint8_t mode;
	struct x86_io_exit io;
	const char *hex;        /* instruction at CS:RIP (for OUTS prefixes) */
	struct av_reg in[6];
	struct av_mem min[3];
	uint64_t flin;
	int status;
	struct av_reg out[6];
	struct av_mem mout[3];
	const char *cb;
	bool rip_stays;
	uint8_t vec;
	uint32_t err;
	uint64_t cr2;
	uint64_t fsbase;        /* nonzero: FS base instead of the harness's */
	uint32_t fslimit;       /* nonzero: FS limit instead of the harness's */
	uint64_t esbase;        /* nonzero: ES base instead of the harness's */
};

#include "vectors_io.inc"

static bool
iv_run(const struct iv_case *c, char *why, size_t whylen)
{
	struct x86_state st, st0, want;
	struct x86_assist_result res;
	struct x86_io_exit io = c->io;
	uint8_t bytes[16];
	size_t n = ah_hex(c->hex, bytes, sizeof(bytes));

	ah_reset();
	ah_state_init(&st, c->mode);
	av_apply_regs(&st, c->in, ARRAY_SIZE(c->in));
	st.rflags |= c->flin;
	if (c->fsbase)
		st.seg[X86_SEG_FS].base = c->fsbase;
	if (c->fslimit)
		st.seg[X86_SEG_FS].limit = c->fslimit;
	if (c->esbase)
		st.seg[X86_SEG_ES].base = c->esbase;
	ah_put_code(&st, bytes, n);
	for (size_t i = 0; i < ARRAY_SIZE(c->min) && c->min[i].size; i++)
		ah_pwrite(c->min[i].gpa, c->min[i].size, c->min[i].v);
	io.next_rip = st.rip + n;
	st0 = st;
	x86_assist_io(&av_m, &st, &io, &res);
	if (res.status != c->status) {
		snprintf(why, whylen, "status %d want %d (%s)", res.status, c->status,
		    res.reason ? res.reason : "");
		return false;
	}
	if (c->status == X86_ASSIST_EXCEPTION &&
	    !av_exc_matches(&res.exc, c->vec, c->err, c->cr2, why, whylen))
		return false;
	want = st0;
	if (c->status == X86_ASSIST_DONE) {
		av_apply_regs(&want, c->out, ARRAY_SIZE(c->out));
		if (!c->rip_stays)
			want.rip = io.next_rip;
	}
	if (memcmp(want.gpr, st.gpr, sizeof(st.gpr)) != 0 || want.rip != st.rip ||
	    want.rflags != st.rflags) {
		snprintf(why, whylen, "state: rax %#llx rcx %#llx rsi %#llx rdi %#llx rip %#llx",
		    (unsigned long long)st.gpr[0], (unsigned long long)st.gpr[1],
		    (unsigned long long)st.gpr[6], (unsigned long long)st.gpr[7],
		    (unsigned long long)st.rip);
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(c->mout) && c->mout[i].size; i++) {
		uint64_t v = ah_pread(c->mout[i].gpa, c->mout[i].size);

		if (v != c->mout[i].v) {
			snprintf(why, whylen, "mem %#llx = %#llx want %#llx",
			    (unsigned long long)c->mout[i].gpa, (unsigned long long)v,
			    (unsigned long long)c->mout[i].v);
			return false;
		}
	}
	if (strcmp(ah_log, c->cb) != 0) {
		snprintf(why, whylen, "callbacks \"%.220s\" want \"%.220s\"", ah_log, c->cb);
		return false;
	}
	return true;
}

/*
 * A REP OUTSB whose second chunk faults: after the first call the
 * registers have moved by one chunk; the second call injects #PF and
 * leaves rSI/rCX where the fault happened, as hardware does.
 */
static void
iv_midway_fault(unsigned *ncases)
{
	struct x86_state st;
	struct x86_assist_result res;
	struct x86_io_exit io = IO(0xe9, 1, false, true, true, 8, -1);
	bool ok;

	(*ncases)++;
	ah_reset();
	ah_state_init(&st, X86_MODE_LONG64);
	ah_put_code(&st, (const uint8_t *)"\xf3\x6e", 2);
	io.next_rip = st.rip + 2;
	st.gpr[X86_GPR_RSI] = 0x203ff0;         /* device page, then a hole */
	st.gpr[X86_GPR_RCX] = 32;
	x86_assist_io(&av_m, &st, &io, &res);
	ok = res.status == X86_ASSIST_DONE && st.gpr[X86_GPR_RSI] == 0x204000 &&
	    st.gpr[X86_GPR_RCX] == 16 && st.rip == AH_CODE && ah_ncb == 16 + 2;
	x86_assist_io(&av_m, &st, &io, &res);
	ok = ok && res.status == X86_ASSIST_EXCEPTION && res.exc.vector == X86_EXC_PF &&
	    res.exc.has_error && res.exc.error == 0 &&
	    res.exc.cr2 == 0x204000 && st.gpr[X86_GPR_RSI] == 0x204000 &&
	    st.gpr[X86_GPR_RCX] == 16 && st.rip == AH_CODE && ah_ncb == 16 + 2;
	ah_ok(ok, "io: rep outsb faulting mid-way leaves rsi/rcx at the fault # rsi %#llx rcx %llu cbs %u",
	    (unsigned long long)st.gpr[X86_GPR_RSI], (unsigned long long)st.gpr[X86_GPR_RCX], ah_ncb);
}

/* ------------------------------------------------------------------------ */
/* Emulator: a fault on the write of a read-modify-write commits nothing.    */

/*
 * The Mem Assist checks write permission before the read, so its write
 * never faults after the ALU has run; x86_emul itself must still undo the
 * flags and registers when a write callback faults (SDM Vol.3 6.5: a
 * fault leaves the state as before the instruction). These cases call
 * x86_emul with callbacks whose reads succeed and whose writes fault.
 */
static unsigned ev_nread, ev_nwrite, ev_fault_at;

static int
ev_read(void *ctx, unsigned seg, uint64_t off, unsigned addrsize, void *buf,
    unsigned size, unsigned acc, struct x86_exception *exc)
{
	(void)ctx; (void)seg; (void)off; (void)addrsize; (void)acc; (void)exc;
	ev_nread++;
	memset(buf, 0x7f, size);
	return X86_EMUL_DONE;
}

static int
ev_write_fault(void *ctx, unsigned seg, uint64_t off, unsigned addrsize,
    const void *buf, unsigned size, struct x86_exception *exc)
{
	(void)ctx; (void)seg; (void)addrsize; (void)buf; (void)size;
	if (++ev_nwrite < ev_fault_at)
		return X86_EMUL_DONE;
	exc->vector = X86_EXC_PF;
	exc->has_error = true;
	exc->error = X86_PFERR_P | X86_PFERR_W;
	exc->cr2 = off;
	return X86_EMUL_EXCEPTION;
}

static const struct x86_emul_ops ev_ops = {
	.read = ev_read, .write = ev_write_fault, .xmm = NULL,
};

static void
ev_run(unsigned *ncases)
{
	/*
	 * fault: the write that faults (1: the first); done: elements a REP
	 * string instruction completed before it (they stay committed, SDM
	 * Vol.2 REP), size: its element size.
	 */
	static const struct {
		const char *name, *hex;
		unsigned fault, done, size;
	} cases[] = {
		{ "add m32, imm8 (flags from the ALU)", "83 03 01", 1, 0, 0 },
		{ "sub m64, r (flags from the ALU)", "48 29 0b", 1, 0, 0 },
		{ "inc m8", "fe 03", 1, 0, 0 },
		{ "neg m16", "66 f7 1b", 1, 0, 0 },
		{ "xchg m32, eax (register not written)", "87 03", 1, 0, 0 },
		{ "bts m64, rcx (CF)", "48 0f ab 0b", 1, 0, 0 },
		{ "btc m32, imm8 (CF)", "0f ba 3b 07", 1, 0, 0 },
		{ "rep movsb: fault in the first iteration", "f3 a4", 1, 0, 1 },
		{ "rep movsb: fault in the second iteration keeps the first", "f3 a4", 2, 1, 1 },
		{ "rep stosq: fault in the third iteration keeps two", "f3 48 ab", 3, 2, 8 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct x86_state st, st0;
		struct x86_exception exc;
		struct x86_insn insn;
		const char *reason;
		uint8_t b[16];
		size_t n = ah_hex(cases[i].hex, b, sizeof(b));
		int ret;
		bool ok;

		(*ncases)++;
		ah_state_init(&st, X86_MODE_LONG64);
		st.rflags |= X86_RFLAGS_ARITH;
		st.gpr[X86_GPR_RCX] = 7;        /* REP count; bit 7 of 0x7f is 0 */
		st0 = st;
		if (cases[i].size != 0) {
			st0.gpr[X86_GPR_RCX] -= cases[i].done;
			st0.gpr[X86_GPR_RDI] += cases[i].done * cases[i].size;
			if (b[1] == 0xa4)       /* MOVS moves rSI too */
				st0.gpr[X86_GPR_RSI] += cases[i].done * cases[i].size;
		}
		ev_nread = ev_nwrite = 0;
		ev_fault_at = cases[i].fault;
		memset(&exc, 0, sizeof(exc));
		ok = x86_decode(b, n, X86_MODE_LONG64, &insn) == X86_DECODE_OK;
		ret = ok ? x86_emul(&insn, &st, &ev_ops, NULL, &exc, &reason) : -1;
		ok = ret == X86_EMUL_EXCEPTION && exc.vector == X86_EXC_PF &&
		    ev_nwrite == cases[i].fault && st.rip == st0.rip && st.rflags == st0.rflags &&
		    memcmp(st.gpr, st0.gpr, sizeof(st.gpr)) == 0;
		ah_ok(ok, "emul: write fault restores the state: %s # ret %d reads %u writes %u "
		    "rflags %#llx (was %#llx) rax %#llx rcx %#llx", cases[i].name, ret,
		    ev_nread, ev_nwrite, (unsigned long long)st.rflags,
		    (unsigned long long)st0.rflags, (unsigned long long)st.gpr[X86_GPR_RAX],
		    (unsigned long long)st.gpr[X86_GPR_RCX]);
	}
}

/*
 * A guest-memory failure (MMIO with no Mem callback registered) is
 * X86_ASSIST_ERROR with a reason to log.
 */
static void
ev_error_reason(unsigned *ncases)
{
	struct x86_machine m = av_m;
	struct x86_assist_result res;
	struct x86_state st;

	(*ncases)++;
	m.mem_cb = NULL;
	ah_reset();
	ah_state_init(&st, X86_MODE_LONG64);
	st.gpr[X86_GPR_RBX] = D + 0x10;
	x86_assist_mem(&m, &st, (const uint8_t *)"\x8b\x03", 2, &res);
	ah_ok(res.status == X86_ASSIST_ERROR && res.reason != NULL &&
	    st.rip == AH_CODE, "mem: MMIO without a Mem callback is an error with a reason "
	    "# status %d reason \"%s\"", res.status, res.reason ? res.reason : "(none)");
}

int
main(void)
{
	unsigned ncases = 0;
	char why[512];

	ah_machine_init(&av_m);
	av_xmm_cb = av_m.xmm_cb;
	dv_run(&ncases);
	av_run_table(av_cases, ARRAY_SIZE(av_cases), &ncases);
	av_run_table(av_gen_cases, ARRAY_SIZE(av_gen_cases), &ncases);
	gv_run(&ncases);
	for (size_t i = 0; i < ARRAY_SIZE(iv_cases); i++) {
		bool ok;

		ncases++;
		why[0] = 0;
		ok = iv_run(&iv_cases[i], why, sizeof(why));
		ah_ok(ok, "io: %s%s%s", iv_cases[i].name, ok ? "" : " # ", why);
	}
	iv_midway_fault(&ncases);
	ev_run(&ncases);
	ev_error_reason(&ncases);
	printf("# %u vectors\n", ncases);
	if (ncases < 300)
		ah_ok(false, "at least 300 vectors # only %u", ncases);
	return ah_done();
}
