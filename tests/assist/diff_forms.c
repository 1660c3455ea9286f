/*
 * diff_forms.c - the instruction forms of the CPU differential
 * (test_diff.c): every ALU/MOV/BT/MOVZX/MOVSX/MOVNTI/XCHG form with a
 * memory operand at every operand size, MOV with moffs, the string
 * instructions with and without REP/REPE/REPNE, the SSE moves.
 */
#include <stdio.h>

#include "diff_forms.h"

#define CF X86_RFLAGS_CF
#define ARITH X86_RFLAGS_ARITH

struct diff_form diff_forms[DIFF_MAXFORMS];
unsigned diff_nforms;

static struct diff_form *
diff_add(const char *name, uint8_t o0, int o1, int sub, unsigned size,
    unsigned immsize)
{
	struct diff_form *f = &diff_forms[diff_nforms++];

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

/* Mark what the loops above do not know: 64-bit-only forms, writes. */
static void
diff_classify(struct diff_form *f)
{
	f->only64 = (f->size == 8 && !f->sse) || f->rexw || f->opc[0] == 0x63;
	if (f->kind == DIFF_STRING)
		return;                 /* the overridable operand is read */
	if (f->sse) {
		f->writes = f->opc[1] == 0x11 || f->opc[1] == 0x29 ||
		    f->opc[1] == 0x2b || f->opc[1] == 0x7f || f->opc[1] == 0xe7 ||
		    f->opc[1] == 0xd6 || (f->opc[1] == 0x7e && f->mpfx == 0x66);
	} else if (f->kind == DIFF_MOFFS) {
		f->writes = f->opc[0] >= 0xa2;
	} else if (f->nopc == 2) {
		f->writes = f->opc[1] == 0xab || f->opc[1] == 0xb3 ||
		    f->opc[1] == 0xbb || f->opc[1] == 0xc3 ||
		    (f->opc[1] == 0xba && f->sub != 4);
	} else if (f->opc[0] < 0x40) {
		/* ALU rows: m,r forms write unless CMP */
		f->writes = (f->opc[0] & 2) == 0 && (f->opc[0] >> 3) != 7;
	} else if (f->opc[0] >= 0x80 && f->opc[0] <= 0x83) {
		f->writes = f->sub != 7;
	} else {
		f->writes = f->opc[0] == 0x86 || f->opc[0] == 0x87 ||
		    f->opc[0] == 0x88 || f->opc[0] == 0x89 ||
		    f->opc[0] == 0xc6 || f->opc[0] == 0xc7 ||
		    ((f->opc[0] == 0xf6 || f->opc[0] == 0xf7) && f->sub >= 2) ||
		    f->opc[0] == 0xfe || f->opc[0] == 0xff;
	}
}

/* REP forms of the string instructions: F3 for all, F2 for CMPS/SCAS. */
static void
diff_build_rep_forms(void)
{
	static const char *str[5] = { "movs", "cmps", "stos", "lods", "scas" };
	static const uint8_t strop[5] = { 0xa4, 0xa6, 0xaa, 0xac, 0xae };
	static const unsigned sizes[4] = { 1, 2, 4, 8 };
	char n[40];

	for (unsigned s = 0; s < 4; s++) {
		for (unsigned i = 0; i < 5; i++) {
			unsigned sz = sizes[s], w = sz != 1;
			bool cond = strop[i] == 0xa6 || strop[i] == 0xae;

			for (unsigned k = 0; k < (cond ? 2u : 1u); k++) {
				struct diff_form *f;

				snprintf(n, sizeof(n), "%s %s", k ? "repne" : "rep", str[i]);
				f = diff_add(n, (uint8_t)(strop[i] + w), -1, -1, sz, 0);
				f->kind = DIFF_STRING;
				f->rep = k ? 0xf2 : 0xf3;
				f->noflags = !cond;
			}
		}
	}
}

void
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
	diff_build_rep_forms();
	for (unsigned i = 0; i < diff_nforms; i++)
		diff_classify(&diff_forms[i]);
}

