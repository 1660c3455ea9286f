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
#define ARITH X86_RFLAGS_ARITH

static const struct av_case av_cases[] = {
	/* ---- seed rule: MOVZX with operand size 4 zero-extends to 64 bits */
	{ "seed movzx opsize4 zero-extends (movzbl (%rbx),%eax)", L64, "0f b6 03",
	  { R(RBX, D + 0x10), R(RAX, ~0ULL) }, { M(D + 0x10, 1, 0x80) }, 0, OK,
	  { R(RAX, 0x80) }, {}, 0, 0, 0, "r a0010/1=80" },
	{ "seed movzx opsize4 zero-extends (movzwl (%rbx),%eax)", L64, "0f b7 03",
	  { R(RBX, D + 0x10), R(RAX, ~0ULL) }, { M(D + 0x10, 2, 0xbeef) }, 0, OK,
	  { R(RAX, 0xbeef) }, {}, 0, 0, 0, "r a0010/2=beef" },
	{ "movzx opsize2 keeps bits 63:16", L64, "66 0f b6 03",
	  { R(RBX, D + 0x10), R(RAX, ~0ULL) }, { M(D + 0x10, 1, 0x80) }, 0, OK,
	  { R(RAX, 0xffffffffffff0080ULL) }, {}, 0, 0, 0, "r a0010/1=80" },
	{ "movzx opsize8 (movzbq)", L64, "48 0f b6 03",
	  { R(RBX, D + 0x10), R(RAX, ~0ULL) }, { M(D + 0x10, 1, 0xfe) }, 0, OK,
	  { R(RAX, 0xfe) }, {}, 0, 0, 0, "r a0010/1=fe" },
	{ "movzx r9d from word (REX.R)", L64, "44 0f b7 0b",
	  { R(RBX, D + 0x10), R(R9, ~0ULL) }, { M(D + 0x10, 2, 0x8001) }, 0, OK,
	  { R(R9, 0x8001) }, {}, 0, 0, 0, "r a0010/2=8001" },
	{ "movsx opsize4 sign-extends to 32 then zero-extends", L64, "0f be 03",
	  { R(RBX, D + 0x10), R(RAX, ~0ULL) }, { M(D + 0x10, 1, 0x80) }, 0, OK,
	  { R(RAX, 0xffffff80ULL) }, {}, 0, 0, 0, "r a0010/1=80" },
	{ "movsx opsize8 from byte", L64, "48 0f be 03",
	  { R(RBX, D + 0x10), R(RAX, 0) }, { M(D + 0x10, 1, 0x80) }, 0, OK,
	  { R(RAX, 0xffffffffffffff80ULL) }, {}, 0, 0, 0, "r a0010/1=80" },
	{ "movsx opsize8 from word", L64, "48 0f bf 03",
	  { R(RBX, D + 0x10), R(RAX, 0) }, { M(D + 0x10, 2, 0x8000) }, 0, OK,
	  { R(RAX, 0xffffffffffff8000ULL) }, {}, 0, 0, 0, "r a0010/2=8000" },
	{ "movsx opsize2 keeps bits 63:16", L64, "66 0f be 03",
	  { R(RBX, D + 0x10), R(RAX, 0x1234567812345678ULL) }, { M(D + 0x10, 1, 0x81) }, 0, OK,
	  { R(RAX, 0x123456781234ff81ULL) }, {}, 0, 0, 0, "r a0010/1=81" },
	{ "movsxd rax from dword", L64, "48 63 03",
	  { R(RBX, D + 0x10), R(RAX, 0) }, { M(D + 0x10, 4, 0x80000000) }, 0, OK,
	  { R(RAX, 0xffffffff80000000ULL) }, {}, 0, 0, 0, "r a0010/4=80000000" },
	{ "movsxd positive", L64, "4c 63 13",
	  { R(RBX, D + 0x10), R(R10, ~0ULL) }, { M(D + 0x10, 4, 0x7fffffff) }, 0, OK,
	  { R(R10, 0x7fffffffULL) }, {}, 0, 0, 0, "r a0010/4=7fffffff" },

	/* ---- seed rule: the register operand's old value is used */
	{ "seed orq (%rbx),%rax uses the old rax", L64, "48 0b 03",
	  { R(RBX, D + 0x10), R(RAX, 0x00ff00ff00ff0000ULL) },
	  { M(D + 0x10, 8, 0x0000000000000f0fULL) }, CF | OF, OK,
	  { R(RAX, 0x00ff00ff00ff0f0fULL) }, {}, PF, ARITH & ~AF, AF,
	  "r a0010/8=f0f" },
	{ "seed andl (%rbx),%eax uses old eax, clears 63:32", L64, "23 03",
	  { R(RBX, D + 0x10), R(RAX, 0xfffffffff0f0f0f0ULL) },
	  { M(D + 0x10, 4, 0x0ff00ff0) }, 0, OK,
	  { R(RAX, 0x00f000f0ULL) }, {}, PF, ARITH & ~AF, AF, "r a0010/4=ff00ff0" },
	{ "seed addb (%rbx),%al keeps bits 63:8", L64, "02 03",
	  { R(RBX, D + 0x10), R(RAX, 0x11223344556677f0ULL) },
	  { M(D + 0x10, 1, 0x20) }, 0, OK,
	  { R(RAX, 0x1122334455667710ULL) }, {}, CF, ARITH, 0, "r a0010/1=20" },
	{ "seed xorq (%rbx),%rax with itself-like value gives ZF", L64, "48 33 03",
	  { R(RBX, D + 0x10), R(RAX, 0x1234) }, { M(D + 0x10, 8, 0x1234) }, 0, OK,
	  { R(RAX, 0) }, {}, ZF | PF, ARITH & ~AF, AF, "r a0010/8=1234" },
	{ "seed subw (%rbx),%ax keeps bits 63:16", L64, "66 2b 03",
	  { R(RBX, D + 0x10), R(RAX, 0xaaaaaaaaaaaa0001ULL) },
	  { M(D + 0x10, 2, 0x0002) }, 0, OK,
	  { R(RAX, 0xaaaaaaaaaaaaffffULL) }, {}, CF | SF | PF | AF, ARITH, 0,
	  "r a0010/2=2" },
	{ "cmp (%rbx),%eax leaves eax and rax upper bits", L64, "3b 03",
	  { R(RBX, D + 0x10), R(RAX, 0xdeadbeef00000005ULL) },
	  { M(D + 0x10, 4, 5) }, 0, OK, {}, {}, ZF | PF, ARITH, 0, "r a0010/4=5" },

	/* ---- seed rule: register writes by size */
	{ "seed 32-bit mov load clears bits 63:32", L64, "8b 03",
	  { R(RBX, D + 0x10), R(RAX, ~0ULL) }, { M(D + 0x10, 4, 0x12345678) }, 0, OK,
	  { R(RAX, 0x12345678ULL) }, {}, 0, 0, 0, "r a0010/4=12345678" },
	{ "seed 16-bit mov load keeps bits 63:16", L64, "66 8b 03",
	  { R(RBX, D + 0x10), R(RAX, ~0ULL) }, { M(D + 0x10, 2, 0x1234) }, 0, OK,
	  { R(RAX, 0xffffffffffff1234ULL) }, {}, 0, 0, 0, "r a0010/2=1234" },
	{ "seed 8-bit mov load keeps bits 63:8", L64, "8a 0b",
	  { R(RBX, D + 0x10), R(RCX, ~0ULL) }, { M(D + 0x10, 1, 0x12) }, 0, OK,
	  { R(RCX, 0xffffffffffffff12ULL) }, {}, 0, 0, 0, "r a0010/1=12" },
	{ "8-bit load into AH (no REX)", L64, "8a 23",
	  { R(RBX, D + 0x10), R(RAX, 0x1111111111111111ULL) }, { M(D + 0x10, 1, 0xab) }, 0, OK,
	  { R(RAX, 0x111111111111ab11ULL) }, {}, 0, 0, 0, "r a0010/1=ab" },
	{ "8-bit load into SPL (REX)", L64, "40 8a 23",
	  { R(RBX, D + 0x10), R(RSP, 0x1111111111111111ULL) }, { M(D + 0x10, 1, 0xab) }, 0, OK,
	  { R(RSP, 0x11111111111111abULL) }, {}, 0, 0, 0, "r a0010/1=ab" },
	{ "8-bit store from BH", L64, "88 3b",
	  { R(RBX, D + 0x10) }, {}, 0, OK, {}, { M(D + 0x10, 1, 0x00) }, 0, 0, 0,
	  "w a0010/1=0" },
	{ "64-bit mov load (REX.W)", L64, "48 8b 03",
	  { R(RBX, D + 0x10) }, { M(D + 0x10, 8, 0x0123456789abcdefULL) }, 0, OK,
	  { R(RAX, 0x0123456789abcdefULL) }, {}, 0, 0, 0, "r a0010/8=123456789abcdef" },
	{ "mov r15 store (REX.RB) to [r12]", L64, "4d 89 3c 24",
	  { R(R12, D + 0x18), R(R15, 0xfedcba9876543210ULL) }, {}, 0, OK,
	  {}, { M(D + 0x18, 8, 0xfedcba9876543210ULL) }, 0, 0, 0,
	  "w a0018/8=fedcba9876543210" },

	/* ---- seed rule: immediates and displacements sign-extended in 64-bit mode */
	{ "seed movq $-1 imm32 sign-extends to 64", L64, "48 c7 03 ff ff ff ff",
	  { R(RBX, D + 0x10) }, {}, 0, OK, {}, { M(D + 0x10, 8, ~0ULL) }, 0, 0, 0,
	  "w a0010/8=ffffffffffffffff" },
	{ "seed movq $0x7fffffff stays positive", L64, "48 c7 03 ff ff ff 7f",
	  { R(RBX, D + 0x10) }, {}, 0, OK, {}, { M(D + 0x10, 8, 0x7fffffffULL) }, 0, 0, 0,
	  "w a0010/8=7fffffff" },
	{ "seed addq $-128 imm8 sign-extends", L64, "48 83 03 80",
	  { R(RBX, D + 0x10) }, { M(D + 0x10, 8, 0x100) }, 0, OK,
	  {}, { M(D + 0x10, 8, 0x80) }, CF, ARITH, 0,
	  "r a0010/8=100 w a0010/8=80" },
	{ "seed cmpq $-1 imm8 sign-extends", L64, "48 83 3b ff",
	  { R(RBX, D + 0x10) }, { M(D + 0x10, 8, ~0ULL) }, 0, OK,
	  {}, {}, ZF | PF, ARITH, 0, "r a0010/8=ffffffffffffffff" },
	{ "seed disp8 sign-extends (mov -0x10(%rbx),%eax)", L64, "8b 43 f0",
	  { R(RBX, D + 0x20) }, { M(D + 0x10, 4, 0xcafe) }, 0, OK,
	  { R(RAX, 0xcafe) }, {}, 0, 0, 0, "r a0010/4=cafe" },
	{ "seed disp32 sign-extends (mov -0x100(%rbx),%eax)", L64, "8b 83 00 ff ff ff",
	  { R(RBX, D + 0x200) }, { M(D + 0x100, 4, 0xf00d) }, 0, OK,
	  { R(RAX, 0xf00d) }, {}, 0, 0, 0, "r a0100/4=f00d" },
	{ "seed SIB no base disp32 sign-extends", L64, "8b 04 25 00 00 0a 00",
	  {}, { M(D, 4, 0x1) }, 0, OK, { R(RAX, 1) }, {}, 0, 0, 0, "r a0000/4=1" },
	{ "seed SIB index*8 + base + disp8", L64, "8b 44 f3 08",
	  { R(RBX, D), R(RSI, 2) }, { M(D + 0x18, 4, 0x77) }, 0, OK,
	  { R(RAX, 0x77) }, {}, 0, 0, 0, "r a0018/4=77" },
	{ "seed SIB negative index", L64, "8b 04 33",
	  { R(RBX, D + 0x40), R(RSI, (uint64_t)-0x10) }, { M(D + 0x30, 4, 0x99) }, 0, OK,
	  { R(RAX, 0x99) }, {}, 0, 0, 0, "r a0030/4=99" },
	{ "SIB index r12 (REX.X) is an index", L64, "42 8b 04 23",
	  { R(RBX, D), R(R12, 0x20) }, { M(D + 0x20, 4, 0x5) }, 0, OK,
	  { R(RAX, 5) }, {}, 0, 0, 0, "r a0020/4=5" },
	{ "seed RIP-relative", L64, "8b 05 3a 00 09 00",
	  {}, { M(D + 0x40, 4, 0xabcd) }, 0, OK, { R(RAX, 0xabcd) }, {}, 0, 0, 0,
	  "r a0040/4=abcd" },
	{ "seed RIP-relative with imm after disp (movl $1,rel(%rip))", L64,
	  "c7 05 36 00 09 00 01 00 00 00",
	  {}, {}, 0, OK, {}, { M(D + 0x40, 4, 1) }, 0, 0, 0, "w a0040/4=1" },
	{ "a32 in 64-bit mode truncates the address", L64, "67 8b 03",
	  { R(RBX, 0xffffffff00000000ULL | D) }, { M(D, 4, 0x42) }, 0, OK,
	  { R(RAX, 0x42) }, {}, 0, 0, 0, "r a0000/4=42" },
	{ "moffs64 load (a1)", L64, "a1 10 00 0a 00 00 00 00 00",
	  {}, { M(D + 0x10, 4, 0x1234) }, 0, OK, { R(RAX, 0x1234) }, {}, 0, 0, 0,
	  "r a0010/4=1234" },
	{ "moffs64 store al (a2)", L64, "a2 11 00 0a 00 00 00 00 00",
	  { R(RAX, 0x55) }, {}, 0, OK, {}, { M(D + 0x11, 1, 0x55) }, 0, 0, 0,
	  "w a0011/1=55" },
	{ "moffs64 store rax (48 a3)", L64, "48 a3 18 00 0a 00 00 00 00 00",
	  { R(RAX, 0x1122334455667788ULL) }, {}, 0, OK, {},
	  { M(D + 0x18, 8, 0x1122334455667788ULL) }, 0, 0, 0, "w a0018/8=1122334455667788" },
	{ "moffs32 in 32-bit mode (a1)", P32, "a1 20 00 0a 00",
	  {}, { M(D + 0x20, 4, 0x2222) }, 0, OK, { R(RAX, 0x2222) }, {}, 0, 0, 0,
	  "r a0020/4=2222" },
	{ "moffs16 in real mode with fs override (64 a0)", R16, "64 a0 00 00",
	  { R(RAX, 0) }, { M(0x20000, 1, 0x5c) }, 0, OK, { R(RAX, 0x5c) }, {}, 0, 0, 0, "" },

	/* ---- seed rule: default segment SS for rBP/rSP/BP bases */
	{ "seed 16-bit [bp+si] defaults to SS", R16, "8b 02",
	  { R(RBP, 0x10), R(RSI, 0x20), R(RAX, 0) }, { M(0xa8030, 2, 0x4321) }, 0, OK,
	  { R(RAX, 0x4321) }, {}, 0, 0, 0, "r a8030/2=4321" },
	{ "seed 16-bit [bp+disp8] defaults to SS", R16, "8b 46 04",
	  { R(RBP, 0x100), R(RAX, 0) }, { M(0xa8104, 2, 0x1111) }, 0, OK,
	  { R(RAX, 0x1111) }, {}, 0, 0, 0, "r a8104/2=1111" },
	{ "seed 16-bit [bp+di+disp16] defaults to SS", P16, "8b 83 00 01",
	  { R(RBP, 0x100), R(RDI, 0x10), R(RAX, 0) }, { M(0xa8210, 2, 0x2222) }, 0, OK,
	  { R(RAX, 0x2222) }, {}, 0, 0, 0, "r a8210/2=2222" },
	{ "16-bit [bp+disp8] with DS override", R16, "3e 8b 46 04",
	  { R(RBP, 0x100), R(RAX, 0) }, { M(0xa0104, 2, 0x3333) }, 0, OK,
	  { R(RAX, 0x3333) }, {}, 0, 0, 0, "r a0104/2=3333" },
	{ "16-bit [bx+si] uses DS", R16, "8b 00",
	  { R(RBX, 0x10), R(RSI, 0x20), R(RAX, 0) }, { M(0xa0030, 2, 0x4444) }, 0, OK,
	  { R(RAX, 0x4444) }, {}, 0, 0, 0, "r a0030/2=4444" },
	{ "16-bit disp16 only (mod 0 rm 6) uses DS", R16, "8b 06 34 12",
	  { R(RAX, 0) }, { M(0xa1234, 2, 0x5555) }, 0, OK, { R(RAX, 0x5555) }, {}, 0, 0, 0,
	  "r a1234/2=5555" },
	{ "16-bit [bx+si] wraps at 64 KiB", R16, "8b 00",
	  { R(RBX, 0xfff0), R(RSI, 0x20), R(RAX, 0) }, { M(0xa0010, 2, 0x6666) }, 0, OK,
	  { R(RAX, 0x6666) }, {}, 0, 0, 0, "r a0010/2=6666" },
	{ "16-bit [si+disp8 negative]", R16, "8b 44 f0",
	  { R(RSI, 0x20), R(RAX, 0xffffffffffff0000ULL) }, { M(0xa0010, 2, 0x7777) }, 0, OK,
	  { R(RAX, 0xffffffffffff7777ULL) }, {}, 0, 0, 0, "r a0010/2=7777" },
	{ "16-bit [di] with es override and 66 (32-bit load)", R16, "26 66 8b 05",
	  { R(RDI, 0x40) }, { M(0xa0040, 4, 0x89abcdef) }, 0, OK,
	  { R(RAX, 0x89abcdefULL) }, {}, 0, 0, 0, "r a0040/4=89abcdef" },
	{ "16-bit 67: 32-bit addressing [eax+ecx*2]", R16, "67 8b 04 48",
	  { R(RAX, 0x10), R(RCX, 0x8) }, { M(0xa0020, 2, 0x1357) }, 0, OK,
	  { R(RAX, 0x1357) }, {}, 0, 0, 0, "r a0020/2=1357" },
	{ "seed 32-bit [ebp+disp8] defaults to SS", P32, "8b 45 10",
	  { R(RBP, 0x98000) }, { M(0xa0010, 4, 0xaaaa) }, 0, OK,
	  { R(RAX, 0xaaaa) }, {}, 0, 0, 0, "r a0010/4=aaaa" },
	{ "seed 32-bit [esp+disp8] defaults to SS", P32, "8b 44 24 10",
	  { R(RSP, 0x98000) }, { M(0xa0010, 4, 0xbbbb) }, 0, OK,
	  { R(RAX, 0xbbbb) }, {}, 0, 0, 0, "r a0010/4=bbbb" },
	{ "32-bit [ebp+disp8] with DS override", P32, "3e 8b 45 10",
	  { R(RBP, D) }, { M(0xa0010, 4, 0xcccc) }, 0, OK,
	  { R(RAX, 0xcccc) }, {}, 0, 0, 0, "r a0010/4=cccc" },
	{ "32-bit [ebx] uses DS", P32, "8b 03",
	  { R(RBX, D + 0x10) }, { M(0xa0010, 4, 0xdddd) }, 0, OK,
	  { R(RAX, 0xdddd) }, {}, 0, 0, 0, "r a0010/4=dddd" },
	{ "32-bit SIB no base index=ebp uses DS", P32, "8b 04 2d 00 00 0a 00",
	  { R(RBP, 0x10) }, { M(0xa0010, 4, 0xeeee) }, 0, OK,
	  { R(RAX, 0xeeee) }, {}, 0, 0, 0, "r a0010/4=eeee" },
	{ "32-bit gs override", P32, "65 8b 03",
	  { R(RBX, 0x10) }, { M(0xa4010, 4, 0xf1f1) }, 0, OK,
	  { R(RAX, 0xf1f1) }, {}, 0, 0, 0, "r a4010/4=f1f1" },
	{ "32-bit 66: 16-bit store", P32, "66 89 03",
	  { R(RBX, D + 0x10), R(RAX, 0x12345678) }, {}, 0, OK,
	  {}, { M(D + 0x10, 2, 0x5678) }, 0, 0, 0, "w a0010/2=5678" },
	{ "32-bit 67: [bx+di] 16-bit addressing", P32, "67 8b 01",
	  { R(RBX, 0x10), R(RDI, 0x20) }, { M(0x30, 4, 0x31313131) }, 0, OK,
	  { R(RAX, 0x31313131) }, {}, 0, 0, 0, "" },
	{ "64-bit fs override", L64, "64 8b 03",
	  { R(RBX, 0x10) }, { M(0xa8010, 4, 0x1234) }, 0, OK,
	  { R(RAX, 0x1234) }, {}, 0, 0, 0, "r a8010/4=1234" },
	{ "64-bit ds override ignored after fs", L64, "64 3e 8b 03",
	  { R(RBX, 0x10) }, { M(0xa8010, 4, 0x4321) }, 0, OK,
	  { R(RAX, 0x4321) }, {}, 0, 0, 0, "r a8010/4=4321" },
	{ "64-bit es override has no base", L64, "26 8b 03",
	  { R(RBX, D + 0x10) }, { M(0xa0010, 4, 0x99) }, 0, OK,
	  { R(RAX, 0x99) }, {}, 0, 0, 0, "r a0010/4=99" },

	/* ---- seed rule: instruction bytes crossing a guest page are fetched from both */
	{ "seed insn crossing a page is fetched from both pages", L64, "48 8b 03",
	  { R(RBX, D + 0x10) }, { M(D + 0x10, 8, 0x600d) }, 0, OK,
	  { R(RAX, 0x600d) }, {}, 0, 0, 0, "r a0010/8=600d", .rip_la = 0x200ffe },
	{ "insn crossing a page: second page not present gives #PF", L64, "48 8b 03",
	  { R(RBX, D + 0x10) }, {}, 0, EXC, {}, {}, 0, 0, 0, "",
	  .vec = X86_EXC_PF, .err = X86_PFERR_I, .cr2 = 0x207000,
	  .rip_la = 0x206ffe, .fetch_only = true },

	/* ---- MMIO accesses crossing pages; RAM-to-MMIO */
	{ "8-byte load crossing RAM page into MMIO page", L64, "48 8b 03",
	  { R(RBX, 0x201ffc) }, { M(0x200ffc, 4, 0x11223344), M(D, 4, 0x55667788) }, 0, OK,
	  { R(RAX, 0x5566778811223344ULL) }, {}, 0, 0, 0, "r a0000/4=55667788" },
	{ "8-byte store crossing two MMIO pages", L64, "48 89 03",
	  { R(RBX, 0x202ffc), R(RAX, 0x0807060504030201ULL) }, {}, 0, OK, {},
	  { M(0xa0ffc, 4, 0x04030201), M(0xa1000, 4, 0x08070605) }, 0, 0, 0,
	  "w a0ffc/4=4030201 w a1000/4=8070605" },

	/* ---- MOVS/STOS/LODS/CMPS/SCAS */
	{ "seed movs with both operands in MMIO", L64, "a5",
	  { R(RSI, D + 0x100), R(RDI, D + 0x200) }, { M(D + 0x100, 4, 0xa5a5a5a5) }, 0, OK,
	  { R(RSI, D + 0x104), R(RDI, D + 0x204) }, { M(D + 0x200, 4, 0xa5a5a5a5) },
	  0, 0, 0, "r a0100/4=a5a5a5a5 w a0200/4=a5a5a5a5" },
	{ "movsq MMIO to RAM", L64, "48 a5",
	  { R(RSI, D + 0x100), R(RDI, 0x30000) }, { M(D + 0x100, 8, 0x1122334455667788ULL) }, 0, OK,
	  { R(RSI, D + 0x108), R(RDI, 0x30008) }, { M(0x30000, 8, 0x1122334455667788ULL) },
	  0, 0, 0, "r a0100/8=1122334455667788" },
	{ "movsb DF=1 goes down", L64, "a4",
	  { R(RSI, 0x30000), R(RDI, D + 0x10) }, { M(0x30000, 1, 0x5a) }, DF, OK,
	  { R(RSI, 0x2ffff), R(RDI, D + 0xf) }, { M(D + 0x10, 1, 0x5a) },
	  0, 0, 0, "w a0010/1=5a" },
	{ "movsw with fs override on the source", L64, "64 66 a5",
	  { R(RSI, 0x10), R(RDI, 0x30000) }, { M(0xa8010, 2, 0xbeef) }, 0, OK,
	  { R(RSI, 0x12), R(RDI, 0x30002) }, { M(0x30000, 2, 0xbeef) },
	  0, 0, 0, "r a8010/2=beef" },
	{ "movs destination ignores the override (ES)", P32, "64 a4",
	  { R(RSI, 0x10), R(RDI, D + 0x20) }, { M(0xa8010, 1, 0x3c) }, 0, OK,
	  { R(RSI, 0x11), R(RDI, D + 0x21) }, { M(D + 0x20, 1, 0x3c) },
	  0, 0, 0, "r a8010/1=3c w a0020/1=3c" },
	{ "rep movsd one iteration, RIP stays", L64, "f3 a5",
	  { R(RSI, D + 0x100), R(RDI, D + 0x200), R(RCX, 3) }, { M(D + 0x100, 4, 7) }, 0, OK,
	  { R(RSI, D + 0x104), R(RDI, D + 0x204), R(RCX, 2) }, { M(D + 0x200, 4, 7) },
	  0, 0, 0, "r a0100/4=7 w a0200/4=7", .rip_stays = true },
	{ "rep movsb last iteration advances RIP", L64, "f3 a4",
	  { R(RSI, D + 0x100), R(RDI, D + 0x200), R(RCX, 1) }, { M(D + 0x100, 1, 9) }, 0, OK,
	  { R(RSI, D + 0x101), R(RDI, D + 0x201), R(RCX, 0) }, { M(D + 0x200, 1, 9) },
	  0, 0, 0, "r a0100/1=9 w a0200/1=9" },
	{ "rep movsb with rcx=0 does nothing", L64, "f3 a4",
	  { R(RSI, D + 0x100), R(RDI, D + 0x200), R(RCX, 0) }, {}, 0, OK,
	  {}, {}, 0, 0, 0, "" },
	{ "a32 rep movsb in 64-bit mode uses and zero-extends ecx/esi/edi", L64, "f3 67 a4",
	  { R(RSI, 0xffff000000000000ULL | (D + 0x100)), R(RDI, 0xffff000000000000ULL | (D + 0x200)),
	    R(RCX, 0xffff000000000005ULL) }, { M(D + 0x100, 1, 1) }, 0, OK,
	  { R(RSI, D + 0x101), R(RDI, D + 0x201), R(RCX, 4) }, { M(D + 0x200, 1, 1) },
	  0, 0, 0, "r a0100/1=1 w a0200/1=1", .rip_stays = true },
	{ "16-bit movsb updates only si/di", R16, "a4",
	  { R(RSI, 0xffffffffffff0010ULL), R(RDI, 0xffffffffffff0020ULL) },
	  { M(0xa0010, 1, 0x42) }, 0, OK,
	  { R(RSI, 0xffffffffffff0011ULL), R(RDI, 0xffffffffffff0021ULL) },
	  { M(0xa0020, 1, 0x42) }, 0, 0, 0, "r a0010/1=42 w a0020/1=42" },
	{ "16-bit movsw si wraps at 64 KiB", R16, "a5",
	  { R(RSI, 0xfffe), R(RDI, 0x20) }, { M(0xafffe, 2, 0x4242) }, 0, OK,
	  { R(RSI, 0x0), R(RDI, 0x22) }, { M(0xa0020, 2, 0x4242) }, 0, 0, 0,
	  "r afffe/2=4242 w a0020/2=4242" },
	{ "stosd to MMIO", L64, "ab",
	  { R(RDI, D + 0x40), R(RAX, 0x1234567890abcdefULL) }, {}, 0, OK,
	  { R(RDI, D + 0x44) }, { M(D + 0x40, 4, 0x90abcdef) }, 0, 0, 0, "w a0040/4=90abcdef" },
	{ "stosq DF=1", L64, "48 ab",
	  { R(RDI, D + 0x40), R(RAX, 0x1234567890abcdefULL) }, {}, DF, OK,
	  { R(RDI, D + 0x38) }, { M(D + 0x40, 8, 0x1234567890abcdefULL) }, 0, 0, 0,
	  "w a0040/8=1234567890abcdef" },
	{ "rep stosb one iteration", L64, "f3 aa",
	  { R(RDI, D + 0x40), R(RAX, 0x77), R(RCX, 10) }, {}, 0, OK,
	  { R(RDI, D + 0x41), R(RCX, 9) }, { M(D + 0x40, 1, 0x77) }, 0, 0, 0,
	  "w a0040/1=77", .rip_stays = true },
	{ "lodsb keeps rax bits 63:8", L64, "ac",
	  { R(RSI, D + 0x40), R(RAX, ~0ULL) }, { M(D + 0x40, 1, 0x12) }, 0, OK,
	  { R(RSI, D + 0x41), R(RAX, 0xffffffffffffff12ULL) }, {}, 0, 0, 0, "r a0040/1=12" },
	{ "lodsd zero-extends", L64, "ad",
	  { R(RSI, D + 0x40), R(RAX, ~0ULL) }, { M(D + 0x40, 4, 0x12345678) }, 0, OK,
	  { R(RSI, D + 0x44), R(RAX, 0x12345678ULL) }, {}, 0, 0, 0, "r a0040/4=12345678" },
	{ "lodsw with gs override", L64, "65 66 ad",
	  { R(RSI, 0x40), R(RAX, 0) }, { M(0xa4040, 2, 0xabcd) }, 0, OK,
	  { R(RSI, 0x42), R(RAX, 0xabcd) }, {}, 0, 0, 0, "r a4040/2=abcd" },
	{ "cmpsb equal sets ZF", L64, "a6",
	  { R(RSI, D + 0x10), R(RDI, D + 0x20) }, { M(D + 0x10, 1, 5), M(D + 0x20, 1, 5) }, 0, OK,
	  { R(RSI, D + 0x11), R(RDI, D + 0x21) }, {}, ZF | PF, ARITH, 0,
	  "r a0010/1=5 r a0020/1=5" },
	{ "cmpsd src < dst sets CF", L64, "a7",
	  { R(RSI, D + 0x10), R(RDI, D + 0x20) }, { M(D + 0x10, 4, 1), M(D + 0x20, 4, 2) }, 0, OK,
	  { R(RSI, D + 0x14), R(RDI, D + 0x24) }, {}, CF | SF | AF | PF, ARITH, 0,
	  "r a0010/4=1 r a0020/4=2" },
	{ "repe cmpsb stops on mismatch", L64, "f3 a6",
	  { R(RSI, D + 0x10), R(RDI, D + 0x20), R(RCX, 5) }, { M(D + 0x10, 1, 1), M(D + 0x20, 1, 2) }, 0, OK,
	  { R(RSI, D + 0x11), R(RDI, D + 0x21), R(RCX, 4) }, {}, CF | SF | AF | PF, ARITH, 0,
	  "r a0010/1=1 r a0020/1=2" },
	{ "repe cmpsb continues on match", L64, "f3 a6",
	  { R(RSI, D + 0x10), R(RDI, D + 0x20), R(RCX, 5) }, { M(D + 0x10, 1, 2), M(D + 0x20, 1, 2) }, 0, OK,
	  { R(RSI, D + 0x11), R(RDI, D + 0x21), R(RCX, 4) }, {}, ZF | PF, ARITH, 0,
	  "r a0010/1=2 r a0020/1=2", .rip_stays = true },
	{ "scasb match sets ZF", L64, "ae",
	  { R(RDI, D + 0x20), R(RAX, 0x33) }, { M(D + 0x20, 1, 0x33) }, 0, OK,
	  { R(RDI, D + 0x21) }, {}, ZF | PF, ARITH, 0, "r a0020/1=33" },
	{ "repne scasb stops on match", L64, "f2 ae",
	  { R(RDI, D + 0x20), R(RAX, 0x33), R(RCX, 9) }, { M(D + 0x20, 1, 0x33) }, 0, OK,
	  { R(RDI, D + 0x21), R(RCX, 8) }, {}, ZF | PF, ARITH, 0, "r a0020/1=33" },
	{ "repne scasw continues on mismatch", L64, "f2 66 af",
	  { R(RDI, D + 0x20), R(RAX, 0x33), R(RCX, 9) }, { M(D + 0x20, 2, 0x34) }, 0, OK,
	  { R(RDI, D + 0x22), R(RCX, 8) }, {}, CF | SF | AF | PF, ARITH, 0, "r a0020/2=34",
	  .rip_stays = true },

	/* ---- XCHG, BT family, TEST, unary ops, MOVNTI, CLFLUSH */
	{ "xchg dword with MMIO", L64, "87 03",
	  { R(RBX, D + 0x10), R(RAX, 0xffffffff00000001ULL) }, { M(D + 0x10, 4, 0x22) }, 0, OK,
	  { R(RAX, 0x22) }, { M(D + 0x10, 4, 1) }, 0, 0, 0, "r a0010/4=22 w a0010/4=1" },
	{ "lock xchg byte with AH", L64, "f0 86 23",
	  { R(RBX, D + 0x10), R(RAX, 0x1234) }, { M(D + 0x10, 1, 0x56) }, 0, OK,
	  { R(RAX, 0x5634) }, { M(D + 0x10, 1, 0x12) }, 0, 0, 0, "r a0010/1=56 w a0010/1=12" },
	{ "bt reg offset 35 selects the next dword", L64, "0f a3 03",
	  { R(RBX, D + 0x10), R(RAX, 35) }, { M(D + 0x14, 4, 0x8) }, 0, OK,
	  {}, {}, CF, CF, ARITH & ~CF, "r a0014/4=8" },
	{ "bt reg offset -1 selects the previous dword", L64, "0f a3 03",
	  { R(RBX, D + 0x10), R(RAX, 0xffffffff) }, { M(D + 0xc, 4, 0x80000000) }, 0, OK,
	  {}, {}, CF, CF, ARITH & ~CF, "r a000c/4=80000000" },
	{ "bts qword reg offset 64+3", L64, "48 0f ab 03",
	  { R(RBX, D + 0x10), R(RAX, 67) }, { M(D + 0x18, 8, 0) }, 0, OK,
	  {}, { M(D + 0x18, 8, 8) }, 0, CF, ARITH & ~CF, "r a0018/8=0 w a0018/8=8" },
	{ "btr word imm8 offset wraps mod 16", L64, "66 0f ba 33 11",
	  { R(RBX, D + 0x10) }, { M(D + 0x10, 2, 0xffff) }, 0, OK,
	  {}, { M(D + 0x10, 2, 0xfffd) }, CF, CF, ARITH & ~CF, "r a0010/2=ffff w a0010/2=fffd" },
	{ "btc dword imm8", L64, "0f ba 3b 1f",
	  { R(RBX, D + 0x10) }, { M(D + 0x10, 4, 0) }, CF, OK,
	  {}, { M(D + 0x10, 4, 0x80000000) }, 0, CF, ARITH & ~CF,
	  "r a0010/4=0 w a0010/4=80000000" },
	{ "bt imm8 does not write", L64, "0f ba 23 00",
	  { R(RBX, D + 0x10) }, { M(D + 0x10, 4, 1) }, 0, OK,
	  {}, {}, CF, CF, ARITH & ~CF, "r a0010/4=1" },
	{ "test byte imm8 (f6 /0)", L64, "f6 03 80",
	  { R(RBX, D + 0x10) }, { M(D + 0x10, 1, 0x80) }, 0, OK,
	  {}, {}, SF, ARITH & ~AF, AF, "r a0010/1=80" },
	{ "test qword imm32 sign-extended (48 f7 /0)", L64, "48 f7 03 00 00 00 80",
	  { R(RBX, D + 0x10) }, { M(D + 0x10, 8, 0x8000000000000000ULL) }, 0, OK,
	  {}, {}, SF | PF, ARITH & ~AF, AF, "r a0010/8=8000000000000000" },
	{ "test r/m, reg (85)", L64, "85 03",
	  { R(RBX, D + 0x10), R(RAX, 0xf0) }, { M(D + 0x10, 4, 0x0f) }, 0, OK,
	  {}, {}, ZF | PF, ARITH & ~AF, AF, "r a0010/4=f" },
	{ "not word", L64, "66 f7 13",
	  { R(RBX, D + 0x10) }, { M(D + 0x10, 2, 0x00ff) }, CF | ZF, OK,
	  {}, { M(D + 0x10, 2, 0xff00) }, 0, 0, 0, "r a0010/2=ff w a0010/2=ff00" },
	{ "neg dword 0 clears CF", L64, "f7 1b",
	  { R(RBX, D + 0x10) }, { M(D + 0x10, 4, 0) }, CF, OK,
	  {}, { M(D + 0x10, 4, 0) }, ZF | PF, ARITH, 0, "r a0010/4=0 w a0010/4=0" },
	{ "neg byte 0x80 sets OF", L64, "f6 1b",
	  { R(RBX, D + 0x10) }, { M(D + 0x10, 1, 0x80) }, 0, OK,
	  {}, { M(D + 0x10, 1, 0x80) }, CF | OF | SF, ARITH, 0, "r a0010/1=80 w a0010/1=80" },
	{ "inc byte keeps CF", L64, "fe 03",
	  { R(RBX, D + 0x10) }, { M(D + 0x10, 1, 0xff) }, CF, OK,
	  {}, { M(D + 0x10, 1, 0) }, CF | ZF | PF | AF, ARITH, 0, "r a0010/1=ff w a0010/1=0" },
	{ "dec qword", L64, "48 ff 0b",
	  { R(RBX, D + 0x10) }, { M(D + 0x10, 8, 0) }, 0, OK,
	  {}, { M(D + 0x10, 8, ~0ULL) }, SF | PF | AF, ARITH, 0,
	  "r a0010/8=0 w a0010/8=ffffffffffffffff" },
	{ "lock inc dword", L64, "f0 ff 03",
	  { R(RBX, D + 0x10) }, { M(D + 0x10, 4, 0x7fffffff) }, 0, OK,
	  {}, { M(D + 0x10, 4, 0x80000000) }, OF | SF | AF | PF, ARITH, 0,
	  "r a0010/4=7fffffff w a0010/4=80000000" },
	{ "movnti dword", L64, "0f c3 03",
	  { R(RBX, D + 0x10), R(RAX, 0xabcdef01) }, {}, 0, OK,
	  {}, { M(D + 0x10, 4, 0xabcdef01) }, 0, 0, 0, "w a0010/4=abcdef01" },
	{ "movnti qword", L64, "48 0f c3 03",
	  { R(RBX, D + 0x10), R(RAX, 0xabcdef0123456789ULL) }, {}, 0, OK,
	  {}, { M(D + 0x10, 8, 0xabcdef0123456789ULL) }, 0, 0, 0, "w a0010/8=abcdef0123456789" },
	{ "clflush on MMIO touches nothing", L64, "0f ae 3b",
	  { R(RBX, D + 0x10) }, {}, 0, OK, {}, {}, 0, 0, 0, "" },
	{ "clflushopt on MMIO touches nothing", L64, "66 0f ae 3b",
	  { R(RBX, D + 0x10) }, {}, 0, OK, {}, {}, 0, 0, 0, "" },
	{ "mov byte imm8 in real mode", R16, "c6 07 5a",
	  { R(RBX, 0x10) }, {}, 0, OK, {}, { M(0xa0010, 1, 0x5a) }, 0, 0, 0, "w a0010/1=5a" },
	{ "mov word imm16 in 16-bit protected mode", P16, "c7 07 34 12",
	  { R(RBX, 0x10) }, {}, 0, OK, {}, { M(0xa0010, 2, 0x1234) }, 0, 0, 0, "w a0010/2=1234" },
	{ "mov dword imm32 in 16-bit mode with 66", R16, "66 c7 07 78 56 34 12",
	  { R(RBX, 0x10) }, {}, 0, OK, {}, { M(0xa0010, 4, 0x12345678) }, 0, 0, 0,
	  "w a0010/4=12345678" },

	/* ---- exceptions and unsupported forms */
	{ "lock mov is #UD", L64, "f0 89 03", { R(RBX, D) }, {}, 0, EXC, {}, {}, 0, 0, 0, "",
	  .vec = X86_EXC_UD },
	{ "lock cmp is #UD", L64, "f0 39 03", { R(RBX, D) }, {}, 0, EXC, {}, {}, 0, 0, 0, "",
	  .vec = X86_EXC_UD },
	{ "lock add to register is #UD", L64, "f0 03 03", { R(RBX, D) }, {}, 0, EXC, {}, {}, 0, 0, 0, "",
	  .vec = X86_EXC_UD },
	{ "fe /7 is #UD", L64, "fe 3b", { R(RBX, D) }, {}, 0, EXC, {}, {}, 0, 0, 0, "",
	  .vec = X86_EXC_UD },
	{ "0f ba /0 is #UD", L64, "0f ba 03 01", { R(RBX, D) }, {}, 0, EXC, {}, {}, 0, 0, 0, "",
	  .vec = X86_EXC_UD },
	{ "movdqu xmm from MMIO is unsupported", L64, "f3 0f 6f 03", { R(RBX, D) }, {}, 0, UNS,
	  {}, {}, 0, 0, 0, "" },
	{ "movaps to MMIO is unsupported", L64, "0f 29 03", { R(RBX, D) }, {}, 0, UNS,
	  {}, {}, 0, 0, 0, "" },
	{ "register-only form is unsupported", L64, "89 d8", {}, {}, 0, UNS,
	  {}, {}, 0, 0, 0, "" },
	{ "mul (f7 /4) is unsupported", L64, "f7 23", { R(RBX, D) }, {}, 0, UNS,
	  {}, {}, 0, 0, 0, "" },
	{ "read of a not-present page gives #PF", L64, "8b 03",
	  { R(RBX, 0x204010) }, {}, 0, EXC, {}, {}, 0, 0, 0, "",
	  .vec = X86_EXC_PF, .err = 0, .cr2 = 0x204010 },
	{ "write to a read-only page gives #PF P|W", L64, "89 03",
	  { R(RBX, 0x205010) }, {}, 0, EXC, {}, {}, 0, 0, 0, "",
	  .vec = X86_EXC_PF, .err = X86_PFERR_P | X86_PFERR_W, .cr2 = 0x205010 },
	{ "store crossing into a not-present page faults before any write", L64, "48 89 03",
	  { R(RBX, 0x203ffc) }, {}, 0, EXC, {}, {}, 0, 0, 0, "",
	  .vec = X86_EXC_PF, .err = X86_PFERR_W, .cr2 = 0x204000 },
	{ "rmw: fault on write restores flags", L64, "83 03 01",
	  { R(RBX, 0x205010) }, {}, 0, EXC, {}, {}, 0, 0, 0, "",
	  .vec = X86_EXC_PF, .err = X86_PFERR_P | X86_PFERR_W, .cr2 = 0x205010 },
	{ "non-canonical address gives #GP", L64, "8b 03",
	  { R(RBX, 0x0000800000000000ULL) }, {}, 0, EXC, {}, {}, 0, 0, 0, "",
	  .vec = X86_EXC_GP, .err = 0 },
	{ "16-bit access past the DS limit gives #GP", P16, "8b 07",
	  { R(RBX, 0xffff) }, {}, 0, EXC, {}, {}, 0, 0, 0, "",
	  .vec = X86_EXC_GP, .err = 0 },
	{ "16-bit SS access past the limit gives #SS", P16, "8b 46 ff",
	  { R(RBP, 0x0) }, {}, 0, EXC, {}, {}, 0, 0, 0, "",
	  .vec = X86_EXC_SS, .err = 0 },
	{ "movs: fault on the destination undoes nothing visible", L64, "a4",
	  { R(RSI, D + 0x10), R(RDI, 0x204000) }, {}, 0, EXC, {}, {}, 0, 0, 0, "r a0010/1=ca",
	  .vec = X86_EXC_PF, .err = X86_PFERR_W, .cr2 = 0x204000 },
};

/* ------------------------------------------------------------------------ */
/* Generated vectors: ALU/MOV forms x sizes x modes from gen_vectors.py.     */

#include "vectors_gen.inc"

/* ------------------------------------------------------------------------ */

static struct x86_machine av_m;

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
	return x86_gva_write(&av_m, st, c->rip_la, b, n, X86_ACC_IMPLICIT, &exc) == 0;
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
	if (!av_put_code(&st, c, bytes, n)) {
		snprintf(why, whylen, "could not place code");
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(c->min) && c->min[i].size; i++)
		ah_pwrite(c->min[i].gpa, c->min[i].size, c->min[i].v);
	st0 = st;
	ah_log_len = 0;
	ah_log[0] = 0;

	x86_assist_mem(&av_m, &st, 0, fetch ? NULL : bytes, fetch ? 0 : n, &res);
	if (res.status != c->status) {
		snprintf(why, whylen, "status %d want %d (%s) vec %u err %#x",
		    res.status, c->status, res.reason ? res.reason : "",
		    res.exc.vector, res.exc.error);
		return false;
	}
	if (c->status == X86_ASSIST_EXCEPTION) {
		if (res.exc.vector != c->vec ||
		    (res.exc.has_error && res.exc.error != c->err) ||
		    (c->vec == X86_EXC_PF && res.exc.cr2 != c->cr2)) {
			snprintf(why, whylen, "exception %u err %#x cr2 %#llx, want %u %#x %#llx",
			    res.exc.vector, res.exc.error, (unsigned long long)res.exc.cr2,
			    c->vec, c->err, (unsigned long long)c->cr2);
			return false;
		}
	}
	want = st0;
	if (c->status == X86_ASSIST_DONE) {
		av_apply_regs(&want, c->out, ARRAY_SIZE(c->out));
		if (!c->rip_stays)
			want.rip = st0.rip + n;
	}
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
	if (c->cb != NULL && strcmp(ah_log, c->cb) != 0) {
		snprintf(why, whylen, "callbacks \"%s\" want \"%s\"", ah_log, c->cb);
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
static const struct dv_case dv_cases[] = {
	{ "seed 64-bit [rbp+8] defaults to SS", L64, "8b 45 08", 0, 3, 4, 8, 1, G(RBP), N, 1, 8, S(SS), X86_OP_MOV },
	{ "seed 64-bit [rsp] defaults to SS", L64, "8b 04 24", 0, 3, 4, 8, 1, G(RSP), N, 1, 0, S(SS), X86_OP_MOV },
	{ "64-bit [r13+0] is DS", L64, "41 8b 45 00", 0, 4, 4, 8, 1, G(R13), N, 1, 0, S(DS), X86_OP_MOV },
	{ "64-bit [r12] is DS", L64, "41 8b 04 24", 0, 4, 4, 8, 1, G(R12), N, 1, 0, S(DS), X86_OP_MOV },
	{ "64-bit SIB base none index rbp is DS", L64, "8b 04 2d 10 00 00 00", 0, 7, 4, 8, 1, N, G(RBP), 1, 0x10, S(DS), X86_OP_MOV },
	{ "64-bit rip-relative", L64, "48 8b 05 f0 ff ff ff", 0, 7, 8, 8, 1, X86_REG_RIP, N, 1, -16, S(DS), X86_OP_MOV },
	{ "64-bit a32 rip-relative", L64, "67 8b 05 10 00 00 00", 0, 7, 4, 4, 1, X86_REG_RIP, N, 1, 16, S(DS), X86_OP_MOV },
	{ "64-bit rex.w + 66: 64-bit wins", L64, "66 48 89 03", 0, 4, 8, 8, 1, G(RBX), N, 1, 0, S(DS), X86_OP_MOV },
	{ "64-bit rex before 66 is cancelled", L64, "48 66 89 03", 0, 4, 2, 8, 1, G(RBX), N, 1, 0, S(DS), X86_OP_MOV },
	{ "64-bit moffs is 8 bytes", L64, "a1 88 77 66 55 44 33 22 11", 0, 9, 4, 8, 1, N, N, 1, 0x1122334455667788LL, S(DS), X86_OP_MOV },
	{ "64-bit a32 moffs is 4 bytes, sign-extended", L64, "67 a1 00 00 00 80", 0, 6, 4, 4, 1, N, N, 1, (int64_t)0xffffffff80000000ULL, S(DS), X86_OP_MOV },
	{ "64-bit scale 8 index r9", L64, "42 8b 04 cb", 0, 4, 4, 8, 1, G(RBX), G(R9), 8, 0, S(DS), X86_OP_MOV },
	{ "64-bit gs override", L64, "65 48 8b 03", 0, 4, 8, 8, 1, G(RBX), N, 1, 0, S(GS), X86_OP_MOV },
	{ "64-bit ss override ignored", L64, "36 8b 03", 0, 3, 4, 8, 1, G(RBX), N, 1, 0, S(DS), X86_OP_MOV },
	{ "32-bit [ebp] needs disp8", P32, "8b 45 00", 0, 3, 4, 4, 1, G(RBP), N, 1, 0, S(SS), X86_OP_MOV },
	{ "32-bit mod0 rm5 is disp32 (no RIP)", P32, "8b 05 00 00 0a 00", 0, 6, 4, 4, 1, N, N, 1, 0xa0000, S(DS), X86_OP_MOV },
	{ "32-bit ss override on ebx", P32, "36 8b 03", 0, 3, 4, 4, 1, G(RBX), N, 1, 0, S(SS), X86_OP_MOV },
	{ "32-bit 67 16-bit [bp+di]", P32, "67 8b 03", 0, 3, 4, 2, 1, G(RBP), G(RDI), 1, 0, S(SS), X86_OP_MOV },
	{ "16-bit [bx+si+disp16]", R16, "8b 80 00 80", 0, 4, 2, 2, 1, G(RBX), G(RSI), 1, -32768, S(DS), X86_OP_MOV },
	{ "16-bit [bp] mod1", R16, "8b 46 00", 0, 3, 2, 2, 1, G(RBP), N, 1, 0, S(SS), X86_OP_MOV },
	{ "16-bit disp16", P16, "8b 06 ff ff", 0, 4, 2, 2, 1, N, N, 1, -1, S(DS), X86_OP_MOV },
	{ "16-bit 66 67 prefixes", R16, "66 67 8b 03", 0, 4, 4, 4, 1, G(RBX), N, 1, 0, S(DS), X86_OP_MOV },
	{ "81 imm16 in 16-bit mode", R16, "81 07 34 12", 0, 4, 2, 2, 1, G(RBX), N, 1, 0, S(DS), X86_OP_ADD },
	{ "81 imm32 with rex.w", L64, "48 81 03 00 00 00 80", 0, 7, 8, 8, 1, G(RBX), N, 1, 0, S(DS), X86_OP_ADD },
	{ "f7 /0 has an immediate", L64, "f7 03 01 00 00 00", 0, 6, 4, 8, 1, G(RBX), N, 1, 0, S(DS), X86_OP_TEST },
	{ "f7 /2 has no immediate", L64, "f7 13", 0, 2, 4, 8, 1, G(RBX), N, 1, 0, S(DS), X86_OP_NOT },
	{ "movs has no explicit memory operand", L64, "48 a5", 0, 2, 8, 8, 0, N, N, 1, 0, S(DS), X86_OP_MOVS },
	{ "outsb with fs override", P32, "64 6e", 0, 2, 1, 4, 0, N, N, 1, 0, S(FS), X86_OP_OUTS },
	{ "out dx, eax with rex.w stays 4", L64, "48 ef", 0, 2, 4, 8, 0, N, N, 1, 0, S(DS), X86_OP_OUT },
	{ "in al, imm8", R16, "e4 60", 0, 2, 1, 2, 0, N, N, 1, 0, S(DS), X86_OP_IN },
	{ "63 outside 64-bit mode is ARPL", P32, "63 03", X86_DECODE_UNSUPPORTED },
	{ "truncated modrm needs more", L64, "8b", X86_DECODE_NEED_MORE },
	{ "truncated disp32 needs more", L64, "8b 83 00 00", X86_DECODE_NEED_MORE },
	{ "truncated imm needs more", L64, "c7 03 01 02", X86_DECODE_NEED_MORE },
	{ "16 bytes of prefixes are invalid", L64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 89 03", X86_DECODE_INVALID },
	{ "15-byte instruction is fine", L64, "66 66 66 66 66 66 66 66 66 66 66 c7 03 01 00", 0, 15, 2, 8, 1, G(RBX), N, 1, 0, S(DS), X86_OP_MOV },
	{ "VEX is unsupported", L64, "c5 f9 6f 03", X86_DECODE_UNSUPPORTED },
	{ "ff /7 is invalid", L64, "ff 3b", X86_DECODE_INVALID },
	{ "lock on bt is invalid", L64, "f0 0f a3 03", X86_DECODE_INVALID },
	{ "lock on bts mem is fine", L64, "f0 0f ab 03", 0, 4, 4, 8, 1, G(RBX), N, 1, 0, S(DS), X86_OP_BTS },
};
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
	    strcmp(ah_log, "r a0ff8/8=3f38312a231c150e r a1000/8=8a837c756e676059") == 0,
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
	    strcmp(ah_log, "r a0000/8=a9a29b948d867f78") == 0,
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
};

#define IO(p, s, i, str, rep, as, sg) { (p), (s), (i), (str), (rep), (as), (sg), 0 }
static const struct iv_case iv_cases[] = {
	{ "out imm8, al", L64, IO(0x80, 1, false, false, false, 8, -1), "e6 80",
	  { R(RAX, 0x1234567841) }, {}, 0, OK, {}, {}, "out 80/1=41" },
	{ "out dx, ax", L64, IO(0x3f8, 2, false, false, false, 8, -1), "66 ef",
	  { R(RAX, 0xabcd), R(RDX, 0x3f8) }, {}, 0, OK, {}, {}, "out 3f8/2=abcd" },
	{ "out dx, eax", P32, IO(0xcf8, 4, false, false, false, 4, -1), "ef",
	  { R(RAX, 0xffffffff80000010ULL) }, {}, 0, OK, {}, {}, "out cf8/4=80000010" },
	{ "in al keeps rax bits 63:8", L64, IO(0x60, 1, true, false, false, 8, -1), "e4 60",
	  { R(RAX, ~0ULL) }, {}, 0, OK, { R(RAX, 0xffffffffffffff10ULL) }, {}, "in 60/1=10" },
	{ "in ax keeps rax bits 63:16", R16, IO(0x71, 2, true, false, false, 2, -1), "e5 71",
	  { R(RAX, ~0ULL) }, {}, 0, OK, { R(RAX, 0xffffffffffff1110ULL) }, {}, "in 71/2=1110" },
	{ "in eax zero-extends", L64, IO(0xcfc, 4, true, false, false, 8, -1), "ed",
	  { R(RAX, ~0ULL) }, {}, 0, OK, { R(RAX, 0x13121110ULL) }, {}, "in cfc/4=13121110" },
	{ "seed outsb without rep updates rsi, not rcx", L64, IO(0x3f8, 1, false, true, false, 8, -1), "6e",
	  { R(RSI, 0x30000), R(RCX, 7) }, { M(0x30000, 1, 0x41) }, 0, OK,
	  { R(RSI, 0x30001) }, {}, "out 3f8/1=41" },
	{ "seed insb without rep writes ES:rdi, updates rdi", L64, IO(0x60, 1, true, true, false, 8, -1), "6c",
	  { R(RDI, 0x30000), R(RSI, 0x40000), R(RCX, 7) }, {}, 0, OK,
	  { R(RDI, 0x30001) }, { M(0x30000, 1, 0x10) }, "in 60/1=10" },
	{ "seed ins uses rdi not rsi (16-bit, ES base)", R16, IO(0x60, 2, true, true, false, 2, -1), "6d",
	  { R(RDI, 0x100), R(RSI, 0x200) }, {}, 0, OK,
	  { R(RDI, 0x102) }, { M(0xa0100, 2, 0x1110) }, "in 60/2=1110 w a0100/2=1110" },
	{ "insd DF=1 goes down", L64, IO(0x60, 4, true, true, false, 8, -1), "6d",
	  { R(RDI, 0x30010) }, {}, DF, OK,
	  { R(RDI, 0x3000c) }, { M(0x30010, 4, 0x13121110) }, "in 60/4=13121110" },
	{ "seed outs segment override read from the bytes (fs)", L64,
	  IO(0x3f8, 1, false, true, false, 8, -1), "64 6e",
	  { R(RSI, 0x10) }, { M(0xa8010, 1, 0x7e) }, 0, OK,
	  { R(RSI, 0x11) }, {}, "r a8010/1=7e out 3f8/1=7e" },
	{ "outs segment override es in 32-bit mode", P32,
	  IO(0x3f8, 1, false, true, false, 4, -1), "26 6e",
	  { R(RSI, D + 0x10) }, { M(D + 0x10, 1, 0x7f) }, 0, OK,
	  { R(RSI, D + 0x11) }, {}, "r a0010/1=7f out 3f8/1=7f" },
	{ "outs segment override gs after rep", P32,
	  IO(0x3f8, 2, false, true, true, 4, -1), "f3 65 66 6f",
	  { R(RSI, 0x10), R(RCX, 1) }, { M(0xa4010, 2, 0x1234) }, 0, OK,
	  { R(RSI, 0x12), R(RCX, 0) }, {}, "r a4010/2=1234 out 3f8/2=1234" },
	{ "outs segment given by the exit (decode assists)", P32,
	  IO(0x3f8, 1, false, true, false, 4, X86_SEG_FS), "90",
	  { R(RSI, 0x20) }, { M(0xa8020, 1, 0x33) }, 0, OK,
	  { R(RSI, 0x21) }, {}, "r a8020/1=33 out 3f8/1=33" },
	{ "outs without override uses DS (16-bit)", R16,
	  IO(0x3f8, 1, false, true, false, 2, -1), "6e",
	  { R(RSI, 0x20) }, { M(0xa0020, 1, 0x34) }, 0, OK,
	  { R(RSI, 0x21) }, {}, "r a0020/1=34 out 3f8/1=34" },
	{ "rep outsb 8 bytes from RAM, batched", L64, IO(0xe9, 1, false, true, true, 8, -1), "f3 6e",
	  { R(RSI, 0x30000), R(RCX, 8) }, { M(0x30000, 8, 0x6867666564636261ULL) }, 0, OK,
	  { R(RSI, 0x30008), R(RCX, 0) }, {},
	  "out e9/1=61 out e9/1=62 out e9/1=63 out e9/1=64 out e9/1=65 out e9/1=66 out e9/1=67 out e9/1=68" },
	{ "rep outsw from MMIO goes through the Mem callback", L64,
	  IO(0xe9, 2, false, true, true, 8, -1), "f3 66 6f",
	  { R(RSI, D + 0x100), R(RCX, 3) }, { M(D + 0x100, 6, 0x333322221111ULL) }, 0, OK,
	  { R(RSI, D + 0x106), R(RCX, 0) }, {},
	  "r a0100/4=22221111 r a0104/2=3333 out e9/2=1111 out e9/2=2222 out e9/2=3333" },
	{ "rep outsb DF=1 sends the highest byte first", L64, IO(0xe9, 1, false, true, true, 8, -1), "f3 6e",
	  { R(RSI, 0x30002), R(RCX, 3) }, { M(0x30000, 3, 0x636261) }, DF, OK,
	  { R(RSI, 0x2ffff), R(RCX, 0) }, {}, "out e9/1=63 out e9/1=62 out e9/1=61" },
	{ "rep insb batched: one write after the port reads", L64, IO(0x60, 1, true, true, true, 8, -1), "f3 6c",
	  { R(RDI, D + 0x200), R(RCX, 4) }, {}, 0, OK,
	  { R(RDI, D + 0x204), R(RCX, 0) }, { M(D + 0x200, 4, 0x13121110) },
	  "in 60/1=10 in 60/1=11 in 60/1=12 in 60/1=13 w a0200/4=13121110" },
	{ "rep insw DF=1 fills downwards", L64, IO(0x60, 2, true, true, true, 8, -1), "f3 66 6d",
	  { R(RDI, 0x30004), R(RCX, 3) }, {}, DF, OK,
	  { R(RDI, 0x2fffe), R(RCX, 0) }, { M(0x30000, 6, 0x111013121514ULL) },
	  "in 60/2=1110 in 60/2=1312 in 60/2=1514" },
	{ "rep chunk ends at the page boundary", L64, IO(0xe9, 1, false, true, true, 8, -1), "f3 6e",
	  { R(RSI, 0x30ffc), R(RCX, 0x100) }, { M(0x30ffc, 4, 0x64636261) }, 0, OK,
	  { R(RSI, 0x31000), R(RCX, 0xfc) }, {},
	  "out e9/1=61 out e9/1=62 out e9/1=63 out e9/1=64", .rip_stays = true },
	{ "rep element straddling a page is a chunk of its own", L64,
	  IO(0xe9, 4, false, true, true, 8, -1), "f3 6f",
	  { R(RSI, 0x30ffe), R(RCX, 2) }, { M(0x30ffe, 4, 0x64636261) }, 0, OK,
	  { R(RSI, 0x31002), R(RCX, 1) }, {}, "out e9/4=64636261", .rip_stays = true },
	{ "rep count 0 does nothing", L64, IO(0xe9, 1, false, true, true, 8, -1), "f3 6e",
	  { R(RSI, 0x30000), R(RCX, 0) }, {}, 0, OK, {}, {}, "" },
	{ "a16 rep outsb: count in cx, si wraps, upper bits kept", R16,
	  IO(0xe9, 1, false, true, true, 2, -1), "f3 6e",
	  { R(RSI, 0xffffffff0000fffeULL), R(RCX, 0xffffffff00010004ULL) },
	  { M(0xafffe, 2, 0x6261) }, 0, OK,
	  { R(RSI, 0xffffffff00000000ULL), R(RCX, 0xffffffff00010002ULL) }, {},
	  "r afffe/2=6261 out e9/1=61 out e9/1=62", .rip_stays = true },
	{ "a32 rep outsb in 64-bit mode zero-extends rsi and rcx", L64,
	  IO(0xe9, 1, false, true, true, 4, -1), "f3 67 6e",
	  { R(RSI, 0xffff000000030000ULL), R(RCX, 0xffff000000000002ULL) },
	  { M(0x30000, 2, 0x6261) }, 0, OK,
	  { R(RSI, 0x30002), R(RCX, 0) }, {}, "out e9/1=61 out e9/1=62" },
	{ "insb into a read-only page faults before any port read", L64,
	  IO(0x60, 1, true, true, true, 8, -1), "f3 6c",
	  { R(RDI, 0x205000), R(RCX, 4) }, {}, 0, EXC, {}, {}, "",
	  .vec = X86_EXC_PF, .err = X86_PFERR_P | X86_PFERR_W, .cr2 = 0x205000 },
	{ "outsb from a missing page faults, registers unchanged", L64,
	  IO(0xe9, 1, false, true, true, 8, -1), "f3 6e",
	  { R(RSI, 0x204000), R(RCX, 4) }, {}, 0, EXC, {}, {}, "",
	  .vec = X86_EXC_PF, .err = 0, .cr2 = 0x204000 },
	{ "outsb at the last byte below the DS limit, si wraps", P16,
	  IO(0xe9, 1, false, true, false, 2, -1), "6e",
	  { R(RSI, 0xffff) }, {}, 0, OK, { R(RSI, 0) }, {}, "r affff/1=53 out e9/1=53" },
	{ "outsw past the DS limit gives #GP", P16,
	  IO(0xe9, 2, false, true, false, 2, -1), "6f",
	  { R(RSI, 0xffff) }, {}, 0, EXC, {}, {}, "", .vec = X86_EXC_GP },
};

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
	    (res.exc.vector != c->vec || res.exc.error != c->err ||
	     (c->vec == X86_EXC_PF && res.exc.cr2 != c->cr2))) {
		snprintf(why, whylen, "exception %u err %#x cr2 %#llx", res.exc.vector,
		    res.exc.error, (unsigned long long)res.exc.cr2);
		return false;
	}
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
		snprintf(why, whylen, "callbacks \"%s\" want \"%s\"", ah_log, c->cb);
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
	    res.exc.cr2 == 0x204000 && st.gpr[X86_GPR_RSI] == 0x204000 &&
	    st.gpr[X86_GPR_RCX] == 16 && st.rip == AH_CODE && ah_ncb == 16 + 2;
	ah_ok(ok, "io: rep outsb faulting mid-way leaves rsi/rcx at the fault # rsi %#llx rcx %llu cbs %u",
	    (unsigned long long)st.gpr[X86_GPR_RSI], (unsigned long long)st.gpr[X86_GPR_RCX], ah_ncb);
}

int
main(void)
{
	unsigned ncases = 0;
	char why[512];

	ah_machine_init(&av_m);
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
	printf("# %u vectors\n", ncases);
	if (ncases < 300)
		ah_ok(false, "at least 300 vectors # only %u", ncases);
	return ah_done();
}
