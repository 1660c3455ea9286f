/*
 * test_diff.c - differential test of the Mem Assist against the host CPU.
 *
 * For every supported ALU/MOV/string/SSE-move form with a memory operand
 * and every operand size (64-bit mode), random register, memory and flag
 * inputs are run twice: natively on the host, on a RAM buffer, and through
 * x86_assist_mem on the fake MMIO device of assist_harness.h. GPRs, XMM
 * registers, arithmetic flags and the memory bytes around the operand
 * must be identical (flags the SDM leaves undefined are not compared).
 *
 * The native run uses a stub generated into an executable page: load all
 * GPRs (except RSP), XMM0-15 and RFLAGS from a context, run the
 * instruction bytes, store everything back. The memory operand is [rbx + disp8], a 64-bit
 * moffs, or rSI/rDI for string instructions: natively they point into a
 * host buffer, emulated into the device; registers are compared as
 * offsets from the buffer.
 *
 * Deterministic: the PRNG seed is printed and can be given as argv[1];
 * argv[2] scales the iterations per form. A failure prints the bytes,
 * the inputs and both outcomes.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "assist_harness.h"

#define DIFF_BUF   128          /* bytes compared around the operand */
#define DIFF_BASE  64           /* rbx points here in the buffer */
#define DIFF_DEV   0x100        /* buffer offset inside the device */

struct diff_ctx {
	uint64_t gpr[16];       /* 0x00 */
	uint64_t rflags;        /* 0x80 */
	uint8_t xmm[16][16];    /* 0x88 */
};
_Static_assert(offsetof(struct diff_ctx, rflags) == 0x80, "stub offsets");
_Static_assert(offsetof(struct diff_ctx, xmm) == 0x88, "stub offsets");

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
};

#define DIFF_MODRM  0           /* [rbx + disp8] */
#define DIFF_MOFFS  1           /* A0-A3 with a 64-bit absolute address */
#define DIFF_STRING 2           /* MOVS/CMPS/STOS/LODS/SCAS at rSI/rDI */

#define CF X86_RFLAGS_CF
#define ARITH X86_RFLAGS_ARITH

static struct diff_form forms[256];
static unsigned nforms;

static struct diff_form *
diff_add(const char *name, uint8_t o0, int o1, int sub, unsigned size,
    unsigned immsize)
{
	struct diff_form *f = &forms[nforms++];

	snprintf(f->name, sizeof(f->name), "%s/%u", name, size * 8);
	f->opc[0] = o0;
	f->nopc = 1;
	if (o1 >= 0) {
		f->opc[1] = (uint8_t)o1;
		f->nopc = 2;
	}
	f->sub = (int8_t)sub;
	f->size = (uint8_t)size;
	f->immsize = (uint8_t)immsize;
	f->memsize = (uint8_t)size;
	return f;
}

static void
diff_build_forms(void)
{
	static const char *alu[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
	static const unsigned sizes[4] = { 1, 2, 4, 8 };
	char n[40];

	for (unsigned i = 0; i < 8; i++) {
		for (unsigned s = 0; s < 4; s++) {
			unsigned sz = sizes[s], w = sz != 1;
			struct diff_form *f;

			snprintf(n, sizeof(n), "%s m,r", alu[i]);
			f = diff_add(n, (uint8_t)(8 * i + w), -1, -1, sz, 0);
			f->undef = i == 1 || i == 4 || i == 6 ? X86_RFLAGS_AF : 0;
			snprintf(n, sizeof(n), "%s r,m", alu[i]);
			f = diff_add(n, (uint8_t)(8 * i + 2 + w), -1, -1, sz, 0);
			f->undef = i == 1 || i == 4 || i == 6 ? X86_RFLAGS_AF : 0;
			if (sz == 1) {
				snprintf(n, sizeof(n), "%s m,i8 (80)", alu[i]);
				f = diff_add(n, 0x80, -1, (int)i, 1, 1);
				f->undef = i == 1 || i == 4 || i == 6 ? X86_RFLAGS_AF : 0;
			} else {
				snprintf(n, sizeof(n), "%s m,i (81)", alu[i]);
				f = diff_add(n, 0x81, -1, (int)i, sz, sz == 2 ? 2 : 4);
				f->undef = i == 1 || i == 4 || i == 6 ? X86_RFLAGS_AF : 0;
				snprintf(n, sizeof(n), "%s m,i8 (83)", alu[i]);
				f = diff_add(n, 0x83, -1, (int)i, sz, 1);
				f->undef = i == 1 || i == 4 || i == 6 ? X86_RFLAGS_AF : 0;
			}
		}
	}
	for (unsigned s = 0; s < 4; s++) {
		unsigned sz = sizes[s], w = sz != 1;
		struct diff_form *f;

		f = diff_add("test m,r", (uint8_t)(0x84 + w), -1, -1, sz, 0);
		f->undef = X86_RFLAGS_AF;
		f = diff_add("test m,i", (uint8_t)(0xf6 + w), -1, 0, sz, sz == 1 ? 1 : sz == 2 ? 2 : 4);
		f->undef = X86_RFLAGS_AF;
		f = diff_add("not m", (uint8_t)(0xf6 + w), -1, 2, sz, 0);
		f->noflags = true;
		diff_add("neg m", (uint8_t)(0xf6 + w), -1, 3, sz, 0);
		diff_add("inc m", (uint8_t)(0xfe + w), -1, 0, sz, 0);
		diff_add("dec m", (uint8_t)(0xfe + w), -1, 1, sz, 0);
		f = diff_add("mov m,r", (uint8_t)(0x88 + w), -1, -1, sz, 0);
		f->noflags = true;
		f = diff_add("mov r,m", (uint8_t)(0x8a + w), -1, -1, sz, 0);
		f->noflags = true;
		f = diff_add("mov m,i", (uint8_t)(0xc6 + w), -1, 0, sz, sz == 1 ? 1 : sz == 2 ? 2 : 4);
		f->noflags = true;
		f = diff_add("xchg m,r", (uint8_t)(0x86 + w), -1, -1, sz, 0);
		f->noflags = true;
		if (sz == 1)
			continue;
		/* BT family: CF defined, OF SF AF PF undefined (SDM Vol.2 BT). */
		static const char *bt[4] = { "bt", "bts", "btr", "btc" };
		static const uint8_t btop[4] = { 0xa3, 0xab, 0xb3, 0xbb };
		for (unsigned b = 0; b < 4; b++) {
			snprintf(n, sizeof(n), "%s m,r", bt[b]);
			f = diff_add(n, 0x0f, btop[b], -1, sz, 0);
			f->bitreg = true;
			f->undef = ARITH & ~CF;
			snprintf(n, sizeof(n), "%s m,i8", bt[b]);
			f = diff_add(n, 0x0f, 0xba, (int)(4 + b), sz, 1);
			f->undef = ARITH & ~CF;
		}
		for (unsigned src = 1; src <= 2; src++) {
			snprintf(n, sizeof(n), "movzx r,m%u", src * 8);
			f = diff_add(n, 0x0f, src == 1 ? 0xb6 : 0xb7, -1, sz, 0);
			f->memsize = (uint8_t)src;
			f->noflags = true;
			snprintf(n, sizeof(n), "movsx r,m%u", src * 8);
			f = diff_add(n, 0x0f, src == 1 ? 0xbe : 0xbf, -1, sz, 0);
			f->memsize = (uint8_t)src;
			f->noflags = true;
		}
		if (sz >= 4) {
			f = diff_add("movnti m,r", 0x0f, 0xc3, -1, sz, 0);
			f->noflags = true;
		}
	}
	for (unsigned s = 0; s < 4; s++) {
		static const char *str[5] = { "movs", "cmps", "stos", "lods", "scas" };
		static const uint8_t strop[5] = { 0xa4, 0xa6, 0xaa, 0xac, 0xae };
		unsigned sz = sizes[s], w = sz != 1;
		struct diff_form *f;

		f = diff_add("mov al/rax,moffs", (uint8_t)(0xa0 + w), -1, -1, sz, 0);
		f->kind = DIFF_MOFFS;
		f->noflags = true;
		f = diff_add("mov moffs,al/rax", (uint8_t)(0xa2 + w), -1, -1, sz, 0);
		f->kind = DIFF_MOFFS;
		f->noflags = true;
		for (unsigned i = 0; i < 5; i++) {
			f = diff_add(str[i], (uint8_t)(strop[i] + w), -1, -1, sz, 0);
			f->kind = DIFF_STRING;
			f->noflags = strop[i] != 0xa6 && strop[i] != 0xae;
		}
	}
	{
		/* SSE moves: name, mandatory prefix, opcode, REX.W, bytes, aligned */
		static const struct {
			const char *name;
			uint8_t pfx, opc;
			bool w;
			uint8_t size;
			bool align;
		} sse[] = {
			{ "movups x,m", 0, 0x10, 0, 16, 0 }, { "movups m,x", 0, 0x11, 0, 16, 0 },
			{ "movupd x,m", 0x66, 0x10, 0, 16, 0 }, { "movupd m,x", 0x66, 0x11, 0, 16, 0 },
			{ "movaps x,m", 0, 0x28, 0, 16, 1 }, { "movaps m,x", 0, 0x29, 0, 16, 1 },
			{ "movapd x,m", 0x66, 0x28, 0, 16, 1 }, { "movapd m,x", 0x66, 0x29, 0, 16, 1 },
			{ "movntps m,x", 0, 0x2b, 0, 16, 1 }, { "movntpd m,x", 0x66, 0x2b, 0, 16, 1 },
			{ "movd x,m", 0x66, 0x6e, 0, 4, 0 }, { "movq x,m (6e)", 0x66, 0x6e, 1, 8, 0 },
			{ "movd m,x", 0x66, 0x7e, 0, 4, 0 }, { "movq m,x (7e)", 0x66, 0x7e, 1, 8, 0 },
			{ "movq x,m (f3 7e)", 0xf3, 0x7e, 0, 8, 0 }, { "movq m,x (d6)", 0x66, 0xd6, 0, 8, 0 },
			{ "movdqa x,m", 0x66, 0x6f, 0, 16, 1 }, { "movdqa m,x", 0x66, 0x7f, 0, 16, 1 },
			{ "movdqu x,m", 0xf3, 0x6f, 0, 16, 0 }, { "movdqu m,x", 0xf3, 0x7f, 0, 16, 0 },
			{ "movntdq m,x", 0x66, 0xe7, 0, 16, 1 },
		};

		for (unsigned i = 0; i < ARRAY_SIZE(sse); i++) {
			struct diff_form *f = diff_add(sse[i].name, 0x0f, sse[i].opc, -1,
			    sse[i].size, 0);

			f->sse = true;
			f->mpfx = sse[i].pfx;
			f->rexw = sse[i].w;
			f->align16 = sse[i].align;
			f->noflags = true;
		}
	}
	{
		struct diff_form *f = diff_add("movsxd r,m32", 0x63, -1, -1, 8, 0);

		f->memsize = 4;
		f->noflags = true;
	}
}

/* ------------------------------------------------------------------------ */
/* PRNG: xorshift64* (deterministic, seed printed).                          */

static uint64_t diff_seed, diff_state;

static uint64_t
diff_rand(void)
{
	diff_state ^= diff_state >> 12;
	diff_state ^= diff_state << 25;
	diff_state ^= diff_state >> 27;
	return diff_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t
diff_rand_val(void)
{
	switch (diff_rand() % 8) {
	case 0: return 0;
	case 1: return ~0ULL;
	case 2: return 0x8000000000000000ULL >> (8 * (diff_rand() % 8));
	case 3: return (0x8000000000000000ULL >> (8 * (diff_rand() % 8))) - 1;
	case 4: return diff_rand() & 0xff;
	default: return diff_rand();
	}
}

/* ------------------------------------------------------------------------ */
/* Native stub                                                               */

static uint8_t *diff_code;
static size_t diff_stub_len;

/* mov reg, [rdi + 8*reg] / mov [rdi + 8*reg], reg */
static size_t
diff_emit_mov(uint8_t *p, unsigned reg, bool store)
{
	p[0] = (uint8_t)(0x48 | (reg >= 8 ? 4 : 0));
	p[1] = store ? 0x89 : 0x8b;
	p[2] = (uint8_t)(0x40 | ((reg & 7) << 3) | 7);
	p[3] = (uint8_t)(8 * reg);
	return 4;
}

/* movdqu xmm<reg>, [rdi + 0x88 + 16*reg] (load) or the store. */
static size_t
diff_emit_xmm(uint8_t *p, unsigned reg, bool store)
{
	size_t n = 0;
	uint32_t off = 0x88 + 16 * reg;

	p[n++] = 0xf3;
	if (reg >= 8)
		p[n++] = 0x44;
	p[n++] = 0x0f;
	p[n++] = store ? 0x7f : 0x6f;
	p[n++] = (uint8_t)(0x80 | ((reg & 7) << 3) | 7);
	for (unsigned i = 0; i < 4; i++)
		p[n++] = (uint8_t)(off >> (8 * i));
	return n;
}

/* Build prologue + insn + epilogue at diff_code. */
static void
diff_emit(const uint8_t *insn, size_t len)
{
	static const uint8_t pro[] = {
		0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57, /* push rbx..r15 */
		0x57,                                   /* push rdi (ctx) */
		0xff, 0xb7, 0x80, 0x00, 0x00, 0x00,     /* push [rdi+0x80] */
		0x9d,                                   /* popfq */
	};
	static const uint8_t mid[] = {
		0x48, 0x87, 0x3c, 0x24,                 /* xchg [rsp], rdi */
	};
	static const uint8_t epi[] = {
		0x9c,                                   /* pushfq */
		0x8f, 0x87, 0x80, 0x00, 0x00, 0x00,     /* pop [rdi+0x80] */
		0xfc,                                   /* cld: the ABI wants DF = 0 */
		0x58,                                   /* pop rax (guest rdi) */
		0x48, 0x89, 0x47, 0x38,                 /* mov [rdi+0x38], rax */
		0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b, /* pops */
		0xc3,
	};
	uint8_t *p = diff_code;

	memcpy(p, pro, sizeof(pro));
	p += sizeof(pro);
	for (unsigned r = 0; r < 16; r++)
		p += diff_emit_xmm(p, r, false);
	for (unsigned r = 0; r < 16; r++)
		if (r != X86_GPR_RSP && r != X86_GPR_RDI)
			p += diff_emit_mov(p, r, false);
	p += diff_emit_mov(p, X86_GPR_RDI, false);
	memcpy(p, insn, len);
	p += len;
	memcpy(p, mid, sizeof(mid));
	p += sizeof(mid);
	for (unsigned r = 0; r < 16; r++)
		if (r != X86_GPR_RSP && r != X86_GPR_RDI)
			p += diff_emit_mov(p, r, true);
	for (unsigned r = 0; r < 16; r++)
		p += diff_emit_xmm(p, r, true);
	memcpy(p, epi, sizeof(epi));
	p += sizeof(epi);
	diff_stub_len = (size_t)(p - diff_code);
}

/* ------------------------------------------------------------------------ */

static struct x86_machine diff_m;
static unsigned long diff_runs, diff_fails;

static void
diff_dump(const struct diff_form *f, const uint8_t *insn, size_t len,
    const struct diff_ctx *in, const struct diff_ctx *nat,
    const struct x86_state *emu, const char *what)
{
	printf("# FAIL %s: %s (seed %" PRIu64 ", run %lu)\n# bytes:", f->name, what,
	    diff_seed, diff_runs);
	for (size_t i = 0; i < len; i++)
		printf(" %02x", insn[i]);
	printf("\n# in rflags %#" PRIx64 "\n", in->rflags);
	for (unsigned r = 0; r < 16; r++)
		printf("#  r%-2u in %016" PRIx64 " native %016" PRIx64 " emul %016" PRIx64 "\n",
		    r, in->gpr[r], nat->gpr[r], emu->gpr[r]);
	printf("#  rflags native %#" PRIx64 " emul %#" PRIx64 "\n", nat->rflags, emu->rflags);
}

/*
 * Pointer registers of a run: natively they point into nbuf, emulated into
 * the device; compared as offsets from their buffer.
 */
static const unsigned diff_ptr_regs[] = { X86_GPR_RBX, X86_GPR_RSI, X86_GPR_RDI };

/* Encode f: prefixes, REX, opcode, then its operand bytes. */
static size_t
diff_encode(const struct diff_form *f, uint8_t *insn, unsigned reg, bool rex,
    int8_t disp, uint64_t moffs, const uint8_t *imm)
{
	size_t len = 0;

	if (f->sse) {
		if (f->mpfx)
			insn[len++] = f->mpfx;
		if (f->rexw || reg >= 8)
			insn[len++] = (uint8_t)(0x40 | (f->rexw ? 8 : 0) | (reg >= 8 ? 4 : 0));
	} else {
		if (f->size == 2)
			insn[len++] = 0x66;
		if (f->size == 8 || reg >= 8 || rex)
			insn[len++] = (uint8_t)(0x40 | (f->size == 8 ? 8 : 0) |
			    (reg >= 8 ? 4 : 0));
	}
	for (unsigned i = 0; i < f->nopc; i++)
		insn[len++] = f->opc[i];
	if (f->kind == DIFF_MOFFS) {
		for (unsigned i = 0; i < 8; i++)
			insn[len++] = (uint8_t)(moffs >> (8 * i));
	} else if (f->kind == DIFF_MODRM) {
		insn[len++] = (uint8_t)(0x40 |
		    (((f->sub >= 0 ? (unsigned)f->sub : reg) & 7) << 3) | 3);
		insn[len++] = (uint8_t)disp;
	}
	for (unsigned i = 0; i < f->immsize; i++)
		insn[len++] = imm[i];
	return len;
}

/* One random run of form f. Returns true if native and emulated agree. */
static bool
diff_one(const struct diff_form *f, bool fetch)
{
	static uint8_t nbuf[DIFF_BUF] __attribute__((aligned(64)));
	uint64_t nbase = (uint64_t)(uintptr_t)nbuf;
	uint64_t ebase = AH_DEV_BASE + DIFF_DEV;
	uint8_t init[DIFF_BUF], imm[4];
	uint8_t ninsn[16], einsn[16];
	size_t len, elen;
	struct diff_ctx in, nat;
	struct x86_state st;
	struct x86_assist_result res;
	int8_t disp = (int8_t)((int)(diff_rand() % 33) - 16);
	unsigned reg = 0;
	bool rex = false, byte = f->size == 1 && f->opc[0] != 0x0f;
	uint64_t keep;

	/*
	 * Register operand: not a pointer register (RBX, RSI, RDI) nor RSP;
	 * code 4 only as AH (byte, no REX), code 5 as CH or BPL.
	 */
	if (f->sse) {
		reg = (unsigned)(diff_rand() % 16);     /* XMM register */
		if (f->align16)
			disp = (int8_t)(16 * ((int)(diff_rand() % 3) - 1));
	} else if (f->sub < 0 && f->kind == DIFF_MODRM) {
		static const uint8_t regs[] = { 0, 1, 2, 5, 8, 9, 10, 11, 12, 13, 14, 15, 4 };

		do {
			reg = regs[diff_rand() % ARRAY_SIZE(regs)];
		} while (!byte && reg == 4);
		if (byte && reg == 5 && diff_rand() % 2)
			rex = true;     /* BPL instead of CH */
	}
	for (unsigned i = 0; i < 4; i++)
		imm[i] = (uint8_t)diff_rand();
	len = diff_encode(f, ninsn, reg, rex, disp, nbase + DIFF_BASE + disp, imm);
	elen = diff_encode(f, einsn, reg, rex, disp, ebase + DIFF_BASE + disp, imm);

	for (unsigned i = 0; i < DIFF_BUF; i++)
		init[i] = (uint8_t)diff_rand();
	for (unsigned r = 0; r < 16; r++)
		in.gpr[r] = diff_rand_val();
	in.gpr[X86_GPR_RSP] = 0;
	/* Offsets of the pointer registers inside the buffer. */
	in.gpr[X86_GPR_RBX] = DIFF_BASE;
	in.gpr[X86_GPR_RSI] = 32 + diff_rand() % 16;
	in.gpr[X86_GPR_RDI] = 72 + diff_rand() % 16;
	if (f->bitreg) {
		/* Bit offsets within two operands either side of the base. */
		int64_t bits = 8 * f->size;
		int64_t off = (int64_t)(diff_rand() % (uint64_t)(4 * bits)) - 2 * bits;
		uint64_t m = f->size == 8 ? ~0ULL : (1ULL << bits) - 1;

		in.gpr[reg] = (diff_rand() & ~m) | ((uint64_t)off & m);
	}
	for (unsigned r = 0; r < 16; r++)
		for (unsigned i = 0; i < 16; i++)
			in.xmm[r][i] = (uint8_t)diff_rand();
	in.rflags = 0x202 | (diff_rand() & ARITH);
	if (f->kind == DIFF_STRING && diff_rand() % 2)
		in.rflags |= X86_RFLAGS_DF;

	/* Native. */
	diff_emit(ninsn, len);
	memcpy(nbuf, init, DIFF_BUF);
	nat = in;
	for (unsigned i = 0; i < ARRAY_SIZE(diff_ptr_regs); i++)
		nat.gpr[diff_ptr_regs[i]] += nbase;
	((void (*)(struct diff_ctx *))(uintptr_t)diff_code)(&nat);
	for (unsigned i = 0; i < ARRAY_SIZE(diff_ptr_regs); i++)
		nat.gpr[diff_ptr_regs[i]] -= nbase;

	/* Emulated, on the device. */
	ah_state_init(&st, X86_MODE_LONG64);
	memcpy(st.gpr, in.gpr, sizeof(st.gpr));
	for (unsigned i = 0; i < ARRAY_SIZE(diff_ptr_regs); i++)
		st.gpr[diff_ptr_regs[i]] += ebase;
	st.rflags = (in.rflags & (ARITH | X86_RFLAGS_DF)) | 0x2;
	memcpy(ah_dev + DIFF_DEV, init, DIFF_BUF);
	memcpy(ah_xmm, in.xmm, sizeof(ah_xmm));
	if (fetch)
		ah_put_code(&st, einsn, elen);
	x86_assist_mem(&diff_m, &st, fetch ? NULL : einsn, fetch ? 0 : elen, &res);
	for (unsigned i = 0; i < ARRAY_SIZE(diff_ptr_regs); i++)
		st.gpr[diff_ptr_regs[i]] -= ebase;
	diff_runs++;

	if (res.status != X86_ASSIST_DONE) {
		diff_dump(f, einsn, elen, &in, &nat, &st, res.reason ? res.reason : "not done");
		return false;
	}
	if (st.rip != AH_CODE + elen) {
		diff_dump(f, einsn, elen, &in, &nat, &st, "rip");
		return false;
	}
	for (unsigned r = 0; r < 16; r++) {
		if (r != X86_GPR_RSP && st.gpr[r] != nat.gpr[r]) {
			diff_dump(f, einsn, elen, &in, &nat, &st, "register");
			return false;
		}
	}
	keep = f->noflags ? ARITH : ARITH & ~f->undef;
	if ((st.rflags & keep) != (nat.rflags & keep) ||
	    (f->noflags && (st.rflags & ARITH) != (in.rflags & ARITH))) {
		diff_dump(f, einsn, elen, &in, &nat, &st, "flags");
		return false;
	}
	if (memcmp(nbuf, ah_dev + DIFF_DEV, DIFF_BUF) != 0) {
		diff_dump(f, einsn, elen, &in, &nat, &st, "memory");
		return false;
	}
	if (memcmp(nat.xmm, ah_xmm, sizeof(ah_xmm)) != 0) {
		diff_dump(f, einsn, elen, &in, &nat, &st, "xmm registers");
		return false;
	}
	return true;
}

int
main(int argc, char **argv)
{
	unsigned long per_form = 600;

	diff_seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 0x5eed2026112601ULL;
	if (argc > 2)
		per_form = strtoul(argv[2], NULL, 0);
	diff_state = diff_seed ? diff_seed : 1;
	printf("# seed %" PRIu64 " (rerun: %s %" PRIu64 " %lu)\n", diff_seed, argv[0],
	    diff_seed, per_form);

	diff_code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (diff_code == MAP_FAILED) {
		printf("Bail out! cannot map an executable page\n");
		return 1;
	}
	ah_machine_init(&diff_m);
	ah_quiet = true;
	diff_build_forms();

	for (unsigned i = 0; i < nforms; i++) {
		unsigned long fails = 0;

		for (unsigned long k = 0; k < per_form; k++) {
			if (!diff_one(&forms[i], k % 16 == 15)) {
				fails++;
				if (fails >= 3)
					break;
			}
		}
		diff_fails += fails;
		ah_ok(fails == 0, "diff %s: %lu runs native == emulated", forms[i].name,
		    per_form);
	}
	printf("# %lu random runs over %u forms, %lu failed\n", diff_runs, nforms, diff_fails);
	ah_ok(diff_runs >= 100000, "at least 100000 random inputs (%lu)", diff_runs);
	return ah_done();
}
