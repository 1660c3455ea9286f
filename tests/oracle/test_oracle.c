/*
 * test_oracle.c - the decoder against Zydis (issue 5, test 3).
 *
 * Whenever x86_decode() returns X86_DECODE_OK, Zydis (in the matching
 * machine mode) must decode the same bytes, and these must agree:
 *   - length
 *   - effective operand size (Zydis operand_width; for SSE moves, which
 *     x86_decode describes by their access size, the memory operand size)
 *   - effective address size (Zydis address_width)
 *   - presence of an explicit memory operand, and if there is one: base,
 *     index, scale (when there is an index), displacement (modulo the
 *     address size: only that much of it reaches the address), segment,
 *     and the number of bytes accessed (memsize; not for CLFLUSH, which
 *     accesses no data);
 *   - the immediate, if any, as sign-extended to the operand size (8 bits
 *     for port numbers and 0F BA bit offsets);
 *   - the ModRM.reg register operand and a register-form ModRM.rm operand
 *     (number, and AH/CH/DH/BH vs SPL/BPL/SIL/DIL);
 *   - what the instruction does: the operation (Zydis' mnemonic, with the
 *     element size of string forms and the size/alignment rule of SSE
 *     moves), and whether each operand the emulator uses is read and/or
 *     written (explicit memory operand, ModRM.reg register, IN/OUT
 *     accumulator, the hidden [rSI]/[rDI] of string instructions), from
 *     a table of the SDM's operations in oracle_zydis.c.
 *   In 64-bit mode the segment must agree only where it matters: FS and
 *   GS keep their base, ES/CS/SS/DS all have base 0 there (SDM Vol.1
 *   3.4.2.1), and Zydis reports the default DS/SS for them.
 * Any disagreement is printed with the bytes and both decodings, and the
 * test fails.
 *
 * Inputs:
 *   1. enumerated: 4 modes x a list of prefix combinations (operand and
 *      address size, REP/REPNE/LOCK, every segment override, repeated
 *      prefixes, REX variants incl. a REX that is not last) x every one-
 *      and two-byte (0F xx) opcode x every ModRM byte x two tail patterns
 *      (positive and negative displacements/immediates); when the ModRM
 *      byte calls for a SIB byte, a set of SIB bytes (all 256 for the MOV
 *      opcodes 88/89/8A/8B);
 *   2. 1,000,000 random byte strings from a fixed seed, biased towards the
 *      opcodes that decoded in pass 1 (so that most of them decode).
 *
 * This file holds the inputs and the driver; the check of one encoding
 * is in oracle_check.c, the comparisons with Zydis in oracle_zydis.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

#define ORACLE_RANDOM_CASES 1000000

/* ------------------------------------------------------------------------ */
/* Pass 1: enumeration */

struct oracle_pfx {
	uint8_t n;
	uint8_t b[3];
	bool only64;
};

static const struct oracle_pfx oracle_pfx[] = {
	{ 0, { 0 }, false },
	{ 1, { 0x66 }, false }, { 1, { 0x67 }, false },
	{ 2, { 0x66, 0x67 }, false }, { 1, { 0xf3 }, false },
	{ 1, { 0xf2 }, false }, { 1, { 0xf0 }, false },
	{ 1, { 0x26 }, false }, { 1, { 0x2e }, false }, { 1, { 0x36 }, false },
	{ 1, { 0x3e }, false }, { 1, { 0x64 }, false }, { 1, { 0x65 }, false },
	{ 2, { 0xf3, 0x66 }, false }, { 2, { 0x66, 0x66 }, false },
	{ 2, { 0x2e, 0x3e }, false }, { 2, { 0xf2, 0xf3 }, false },
	{ 2, { 0x64, 0x67 }, false }, { 2, { 0xf0, 0x66 }, false },
	{ 3, { 0x36, 0x66, 0x67 }, false },
	{ 1, { 0x40 }, true }, { 1, { 0x41 }, true }, { 1, { 0x42 }, true },
	{ 1, { 0x44 }, true }, { 1, { 0x48 }, true }, { 1, { 0x4f }, true },
	{ 2, { 0x66, 0x48 }, true }, { 2, { 0x48, 0x66 }, true },
	{ 2, { 0x67, 0x41 }, true }, { 2, { 0xf3, 0x48 }, true },
	{ 2, { 0x65, 0x4c }, true }, { 3, { 0x66, 0x67, 0x4b }, true },
};

/* SIB bytes tried for every opcode (all 256 for 88-8B). */
static const uint8_t oracle_sib_few[] = {
	0x24, 0x25, 0x00, 0x8d, 0xe5, 0x65, 0x4c, 0xfb,
};

/* disp/imm tails: negative-looking and positive-looking bytes */
static const uint8_t oracle_tail[2][14] = {
	{ 0x80, 0x91, 0xa2, 0xb3, 0xc4, 0xd5, 0xe6, 0xf7, 0x88, 0x99, 0xaa,
	  0xbb, 0xcc, 0xdd },
	{ 0x7f, 0x01, 0x12, 0x23, 0x34, 0x45, 0x56, 0x67, 0x08, 0x19, 0x2a,
	  0x3b, 0x4c, 0x5d },
};

/* opcodes (0x000-0x0ff one-byte, 0x100-0x1ff 0F xx) that decoded OK */
static bool oracle_seen[512];

static void
oracle_enumerate(void)
{
	uint8_t b[X86_INSN_MAX_LEN + 8];

	for (unsigned mode = 0; mode < 4; mode++)
	for (size_t p = 0; p < sizeof(oracle_pfx) / sizeof(oracle_pfx[0]); p++) {
		const struct oracle_pfx *pf = &oracle_pfx[p];

		if (pf->only64 && mode != X86_MODE_LONG64)
			continue;
		for (unsigned op = 0; op < 512; op++)
		for (unsigned modrm = 0; modrm < 256; modrm++)
		for (unsigned t = 0; t < 2; t++) {
			size_t k = 0, at_sib;
			bool all_sib = op == 0x88 || op == 0x89 || op == 0x8a ||
			    op == 0x8b;
			unsigned nsib, s;

			memcpy(b, pf->b, pf->n);
			k = pf->n;
			if (op >= 0x100)
				b[k++] = 0x0f;
			b[k++] = (uint8_t)op;
			b[k++] = (uint8_t)modrm;
			at_sib = k;
			memcpy(b + k, oracle_tail[t], sizeof(oracle_tail[t]));
			if (!oracle_check(b, X86_INSN_MAX_LEN, mode))
				continue;
			oracle_seen[op] = true;
			/* a SIB byte follows for mod != 3, rm = 4, 32/64-bit
			 * addressing (SDM Vol.2 Table 2-2) */
			if ((modrm >> 6) == 3 || (modrm & 7) != 4)
				continue;
			nsib = all_sib ? 256 : sizeof(oracle_sib_few);
			for (s = 0; s < nsib; s++) {
				b[at_sib] = all_sib ? (uint8_t)s : oracle_sib_few[s];
				oracle_check(b, X86_INSN_MAX_LEN, mode);
			}
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Pass 2: random strings */

static uint64_t oracle_rng = 0x5eed0f0a11ce5eedULL;

static uint64_t
oracle_rand(void)
{
	/* xorshift64* */
	oracle_rng ^= oracle_rng >> 12;
	oracle_rng ^= oracle_rng << 25;
	oracle_rng ^= oracle_rng >> 27;
	return oracle_rng * 0x2545f4914f6cdd1dULL;
}

static void
oracle_random(void)
{
	static const uint8_t legacy[] = {
		0x66, 0x67, 0xf3, 0xf2, 0xf0, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65,
	};
	unsigned seen[512], nseen = 0;
	uint8_t b[X86_INSN_MAX_LEN];

	for (unsigned op = 0; op < 512; op++)
		if (oracle_seen[op])
			seen[nseen++] = op;

	for (unsigned long i = 0; i < ORACLE_RANDOM_CASES; i++) {
		uint64_t r = oracle_rand();
		unsigned mode = r & 3, npfx = (r >> 2) & 7, k = 0, op;

		npfx = npfx < 4 ? 0 : npfx - 3;         /* 0 half the time */
		for (unsigned j = 0; j < X86_INSN_MAX_LEN; j++)
			b[j] = (uint8_t)(oracle_rand() >> 32);
		for (unsigned j = 0; j < npfx; j++)
			b[k++] = legacy[oracle_rand() % sizeof(legacy)];
		if (mode == X86_MODE_LONG64 && ((r >> 5) & 1))
			b[k++] = (uint8_t)(0x40 | ((r >> 6) & 0xf));
		if (nseen > 0 && ((r >> 10) & 0xf) != 0) {     /* 15/16 */
			op = seen[(r >> 16) % nseen];
			if (op >= 0x100)
				b[k++] = 0x0f;
			b[k++] = (uint8_t)op;
		}
		oracle_check(b, X86_INSN_MAX_LEN, mode);
	}
}

/* `test_oracle MODE BYTE...`: compare one encoding verbosely. */
static int
oracle_one(int argc, char **argv)
{
	uint8_t b[X86_INSN_MAX_LEN] = { 0 };
	unsigned mode = (unsigned)strtoul(argv[1], NULL, 0) & 3;
	size_t n = 0;
	struct x86_insn in;
	int st;

	for (int i = 2; i < argc && n < sizeof(b); i++)
		b[n++] = (uint8_t)strtoul(argv[i], NULL, 16);
	memset(&in, 0, sizeof(in));
	st = x86_decode(b, n, mode, &in);
	printf("# x86_decode status %d\n", st);
	if (st == X86_DECODE_OK) {
		unsigned long before = oracle_disagree;

		oracle_check(b, n, mode);
		printf("# %s\n", oracle_disagree == before ? "agree" :
		    "disagree");
	}
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long after_enum;

	oracle_init();
	if (argc > 2)
		return oracle_one(argc, argv);
	oracle_enumerate();
	after_enum = oracle_compared;
	printf("# enumerated: %lu encodings decoded and compared\n",
	    after_enum);
	oracle_random();
	printf("# random: %lu of %d strings decoded and compared\n",
	    oracle_compared - after_enum, ORACLE_RANDOM_CASES);
	printf("# %lu no-base SIB forms checked against Zydis' raw disp "
	    "(Zydis bug #592)\n", oracle_zydis_bug592);

	oracle_print_notes(oracle_seen);

	printf("%sok 1 - decoder agrees with Zydis on %lu encodings",
	    oracle_disagree ? "not " : "", oracle_compared);
	if (oracle_disagree)
		printf(" # %lu disagreements (%lu rejected by Zydis)",
		    oracle_disagree, oracle_zydis_invalid);
	printf("\n");
	printf("%sok 2 - the enumeration decoded something in every mode\n",
	    after_enum > 1000 ? "" : "not ");
	printf("1..2\n");
	return (oracle_disagree || after_enum <= 1000) ? 1 : 0;
}
