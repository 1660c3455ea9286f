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
 *     a table of the SDM's operations in this file.
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
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <Zydis/Zydis.h>

#include "x86_decode.h"

#define ORACLE_RANDOM_CASES 1000000
#define ORACLE_PRINT_MAX    40

static ZydisDecoder oracle_zdec[4];
static ZydisFormatter oracle_fmt;

static unsigned long oracle_compared, oracle_disagree;
static unsigned long oracle_zydis_invalid;
static unsigned long oracle_zydis_bug592;     /* see oracle_check */

static const char *const oracle_mode_name[4] = {
	"real16", "prot16", "prot32", "long64",
};

static void
oracle_init(void)
{
	static const ZydisMachineMode mm[4] = {
		ZYDIS_MACHINE_MODE_REAL_16, ZYDIS_MACHINE_MODE_LEGACY_16,
		ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_MACHINE_MODE_LONG_64,
	};
	static const ZydisStackWidth sw[4] = {
		ZYDIS_STACK_WIDTH_16, ZYDIS_STACK_WIDTH_16,
		ZYDIS_STACK_WIDTH_32, ZYDIS_STACK_WIDTH_64,
	};

	/* the decoder's mode numbers are the indexes used here */
	_Static_assert(X86_MODE_REAL16 == 0 && X86_MODE_PROT16 == 1 &&
	    X86_MODE_PROT32 == 2 && X86_MODE_LONG64 == 3, "mode order");
	for (int i = 0; i < 4; i++) {
		if (!ZYAN_SUCCESS(ZydisDecoderInit(&oracle_zdec[i], mm[i],
		    sw[i]))) {
			printf("Bail out! ZydisDecoderInit\n");
			exit(2);
		}
	}
	ZydisFormatterInit(&oracle_fmt, ZYDIS_FORMATTER_STYLE_INTEL);
}

/* Zydis GPR -> enum x86_gpr; RIP/EIP -> X86_REG_RIP; none -> X86_REG_NONE */
static int
oracle_gpr(ZydisRegister r)
{
	ZydisRegisterClass c;

	if (r == ZYDIS_REGISTER_NONE)
		return X86_REG_NONE;
	if (r == ZYDIS_REGISTER_RIP || r == ZYDIS_REGISTER_EIP ||
	    r == ZYDIS_REGISTER_IP)
		return X86_REG_RIP;
	c = ZydisRegisterGetClass(r);
	if (c == ZYDIS_REGCLASS_GPR16 || c == ZYDIS_REGCLASS_GPR32 ||
	    c == ZYDIS_REGCLASS_GPR64)
		return ZydisRegisterGetId(r);
	return 100 + (int)r;    /* something we never produce */
}

static int
oracle_seg(ZydisRegister r)
{
	switch (r) {
	case ZYDIS_REGISTER_ES: return X86_SEG_ES;
	case ZYDIS_REGISTER_CS: return X86_SEG_CS;
	case ZYDIS_REGISTER_SS: return X86_SEG_SS;
	case ZYDIS_REGISTER_DS: return X86_SEG_DS;
	case ZYDIS_REGISTER_FS: return X86_SEG_FS;
	case ZYDIS_REGISTER_GS: return X86_SEG_GS;
	default: return -1;
	}
}

/* Disagreement classes (what, mode, opcode) for the summary at the end. */
#define ORACLE_CLASSES 256
static struct {
	const char *what;
	unsigned mode, op;
	unsigned long count;
	uint8_t bytes[X86_INSN_MAX_LEN];
	uint8_t len;
} oracle_class[ORACLE_CLASSES];
static unsigned oracle_nclass;

static void
oracle_classify(const char *what, unsigned mode, const struct x86_insn *in,
		const uint8_t *b, size_t n)
{
	unsigned op = in->opcode | (in->two_byte ? 0x100 : 0);
	unsigned i;

	for (i = 0; i < oracle_nclass; i++) {
		if (oracle_class[i].what == what &&
		    oracle_class[i].mode == mode && oracle_class[i].op == op) {
			oracle_class[i].count++;
			return;
		}
	}
	if (oracle_nclass == ORACLE_CLASSES)
		return;
	oracle_class[i].what = what;
	oracle_class[i].mode = mode;
	oracle_class[i].op = op;
	oracle_class[i].count = 1;
	oracle_class[i].len = (uint8_t)(n < X86_INSN_MAX_LEN ? n :
	    X86_INSN_MAX_LEN);
	memcpy(oracle_class[i].bytes, b, oracle_class[i].len);
	oracle_nclass++;
}

static void
oracle_print_bytes(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x%s", b[i], i + 1 < n ? " " : "");
}

/* Report one disagreement (the first ORACLE_PRINT_MAX in full). */
static void
oracle_report(const uint8_t *b, size_t n, unsigned mode,
	      const struct x86_insn *in, const char *what,
	      const ZydisDecodedInstruction *zi,
	      const ZydisDecodedOperand *zops, bool zok)
{
	char text[256] = "(Zydis: invalid)";

	oracle_disagree++;
	oracle_classify(what, mode, in, b, n);
	if (oracle_disagree > ORACLE_PRINT_MAX)
		return;
	if (zok)
		ZydisFormatterFormatInstruction(&oracle_fmt, zi, zops,
		    zi->operand_count_visible, text, sizeof(text),
		    ZYDIS_RUNTIME_ADDRESS_NONE, NULL);
	printf("# DISAGREE %s [", oracle_mode_name[mode]);
	oracle_print_bytes(b, zok ? zi->length :
	    (in->len < n ? in->len : n));
	printf("] %s: ours len %u op %u addr %u mem %d base %d index %d "
	    "scale %u disp %#" PRIx64 " seg %u memsize %u reg %d%s rm %d%s "
	    "imm %#" PRIx64 " | zydis '%s'",
	    what, in->len, in->opsize, in->addrsize, in->has_mem,
	    in->mem.base, in->mem.index, in->mem.scale,
	    (uint64_t)in->mem.disp, in->mem.seg, in->memsize, in->reg,
	    in->reg_high8 ? "h" : "", in->rm_reg, in->rm_high8 ? "h" : "",
	    in->imm, text);
	if (zok)
		printf(" len %u opw %u addrw %u", zi->length,
		    zi->operand_width, zi->address_width);
	printf("\n");
}

/*
 * Information only (does not fail the test): encodings that x86_decode
 * calls invalid (#UD) although Zydis decodes them, per opcode; printed
 * for the opcodes that x86_decode supports in some form, since a #UD for
 * a valid form of a supported instruction would be a decoder gap.
 */
static unsigned long oracle_ud_valid[4][512];
static uint8_t oracle_ud_example[4][512][X86_INSN_MAX_LEN];

static void
oracle_note_invalid(const uint8_t *b, size_t n, unsigned mode)
{
	ZydisDecodedInstruction zi;
	unsigned op;
	size_t k = 0;

	if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&oracle_zdec[mode],
	    NULL, b, n, &zi)))
		return;
	op = zi.opcode_map == ZYDIS_OPCODE_MAP_0F ? 0x100 | zi.opcode :
	    zi.opcode_map == ZYDIS_OPCODE_MAP_DEFAULT ? zi.opcode : 0x200;
	if (op >= 0x200)
		return;
	if (oracle_ud_valid[mode][op]++ == 0) {
		while (k < n && k < X86_INSN_MAX_LEN && k < zi.length) {
			oracle_ud_example[mode][op][k] = b[k];
			k++;
		}
	}
}

/*
 * Immediates (beyond what the issue asks, as the emulator uses them): the
 * value as the instruction uses it, i.e. sign-extended to the operand
 * size, compared in operand-size bits; port numbers (IN/OUT imm8) and bit
 * offsets (0F BA) in 8 bits.
 */
static bool
oracle_imm_differs(const struct x86_insn *in,
		   const ZydisDecodedInstruction *zi,
		   const ZydisDecodedOperand *zops)
{
	const ZydisDecodedOperand *zimm = NULL;
	unsigned bits = in->opsize * 8u;
	uint64_t mask;

	for (unsigned i = 0; i < zi->operand_count; i++)
		if (zops[i].type == ZYDIS_OPERAND_TYPE_IMMEDIATE &&
		    zops[i].visibility == ZYDIS_OPERAND_VISIBILITY_EXPLICIT)
			zimm = &zops[i];
	if ((zimm != NULL) != in->has_imm)
		return true;
	if (zimm == NULL)
		return false;
	if (in->op == X86_OP_IN || in->op == X86_OP_OUT ||
	    (in->two_byte && in->opcode == 0xba))
		bits = 8;
	mask = bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
	return ((uint64_t)zimm->imm.value.s & mask) != (in->imm & mask);
}

/*
 * Register operands (also beyond the issue's list; the emulator writes
 * them): the ModRM.reg operand against x86_insn reg (+ reg_high8), and
 * for a register-form r/m the ModRM.rm operand against rm_reg (+
 * rm_high8). GPRs by number (x86_insn gives AH..BH as their encodings
 * 4..7 with the high8 flag), XMM registers by number.
 */
static bool
oracle_reg_differs(unsigned mode, int ours, bool high8, ZydisRegister zr)
{
	static const ZydisMachineMode mm[4] = {
		ZYDIS_MACHINE_MODE_REAL_16, ZYDIS_MACHINE_MODE_LEGACY_16,
		ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_MACHINE_MODE_LONG_64,
	};
	ZydisRegisterClass c = ZydisRegisterGetClass(zr);
	bool zhigh = zr == ZYDIS_REGISTER_AH || zr == ZYDIS_REGISTER_CH ||
	    zr == ZYDIS_REGISTER_DH || zr == ZYDIS_REGISTER_BH;
	int zid;

	if (c == ZYDIS_REGCLASS_XMM)
		return ours != ZydisRegisterGetId(zr) || high8;
	if (c != ZYDIS_REGCLASS_GPR8 && c != ZYDIS_REGCLASS_GPR16 &&
	    c != ZYDIS_REGCLASS_GPR32 && c != ZYDIS_REGCLASS_GPR64)
		return true;
	zid = ZydisRegisterGetId(ZydisRegisterGetLargestEnclosing(mm[mode],
	    zr));
	/*
	 * x86_insn keeps the encoding (4-7) for AH-BH, flagged high8; the
	 * flag only means something for a byte register (the emulator
	 * checks the size), x86_decode also sets it for SP/BP/SI/DI.
	 */
	if (c != ZYDIS_REGCLASS_GPR8)
		high8 = false;
	if (high8) {
		if (ours < 4 || ours > 7)
			return true;
		ours -= 4;
	}
	return zid != ours || zhigh != high8;
}

static const char *
oracle_regs_differ(unsigned mode, const struct x86_insn *in,
		   const ZydisDecodedInstruction *zi,
		   const ZydisDecodedOperand *zops)
{
	for (unsigned i = 0; i < zi->operand_count; i++) {
		const ZydisDecodedOperand *o = &zops[i];

		if (o->type != ZYDIS_OPERAND_TYPE_REGISTER ||
		    o->visibility != ZYDIS_OPERAND_VISIBILITY_EXPLICIT)
			continue;
		if (o->encoding == ZYDIS_OPERAND_ENCODING_MODRM_REG &&
		    (in->reg < 0 || oracle_reg_differs(mode, in->reg,
		    in->reg_high8, o->reg.value)))
			return "register operand (ModRM.reg)";
		if (o->encoding == ZYDIS_OPERAND_ENCODING_MODRM_RM &&
		    (in->rm_reg < 0 || oracle_reg_differs(mode, in->rm_reg,
		    in->rm_high8, o->reg.value)))
			return "register operand (ModRM.rm)";
	}
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* What the instruction does: operation and operand directions */

#define ORA_R 1u        /* the operand is read */
#define ORA_W 2u        /* the operand is written */

/*
 * The Zydis mnemonics an x86_op may be, written out here from the SDM
 * (not from x86_decode's tables). String and I/O string forms carry the
 * element size in the mnemonic; it must be the decoded operand size.
 * SSE moves: the mnemonic must agree with the access size and the
 * alignment rule (4 bytes: MOVD, 8: MOVQ, 16: the 128-bit moves, of
 * which MOVAPS/MOVAPD/MOVDQA/MOVNTPS/MOVNTPD/MOVNTDQ need alignment).
 */
static bool
oracle_mnemonic_ok(const struct x86_insn *in, ZydisMnemonic mn)
{
	static const ZydisMnemonic str[][4] = {
		/* element size 1, 2, 4, 8 */
		[X86_OP_MOVS] = { ZYDIS_MNEMONIC_MOVSB, ZYDIS_MNEMONIC_MOVSW,
		    ZYDIS_MNEMONIC_MOVSD, ZYDIS_MNEMONIC_MOVSQ },
		[X86_OP_CMPS] = { ZYDIS_MNEMONIC_CMPSB, ZYDIS_MNEMONIC_CMPSW,
		    ZYDIS_MNEMONIC_CMPSD, ZYDIS_MNEMONIC_CMPSQ },
		[X86_OP_STOS] = { ZYDIS_MNEMONIC_STOSB, ZYDIS_MNEMONIC_STOSW,
		    ZYDIS_MNEMONIC_STOSD, ZYDIS_MNEMONIC_STOSQ },
		[X86_OP_LODS] = { ZYDIS_MNEMONIC_LODSB, ZYDIS_MNEMONIC_LODSW,
		    ZYDIS_MNEMONIC_LODSD, ZYDIS_MNEMONIC_LODSQ },
		[X86_OP_SCAS] = { ZYDIS_MNEMONIC_SCASB, ZYDIS_MNEMONIC_SCASW,
		    ZYDIS_MNEMONIC_SCASD, ZYDIS_MNEMONIC_SCASQ },
		[X86_OP_INS] = { ZYDIS_MNEMONIC_INSB, ZYDIS_MNEMONIC_INSW,
		    ZYDIS_MNEMONIC_INSD, ZYDIS_MNEMONIC_INVALID },
		[X86_OP_OUTS] = { ZYDIS_MNEMONIC_OUTSB, ZYDIS_MNEMONIC_OUTSW,
		    ZYDIS_MNEMONIC_OUTSD, ZYDIS_MNEMONIC_INVALID },
	};
	unsigned sz = in->opsize == 1 ? 0 : in->opsize == 2 ? 1 :
	    in->opsize == 4 ? 2 : 3;

	switch (in->op) {
	case X86_OP_MOV:     return mn == ZYDIS_MNEMONIC_MOV;
	case X86_OP_MOVZX:   return mn == ZYDIS_MNEMONIC_MOVZX;
	case X86_OP_MOVSX:   return mn == ZYDIS_MNEMONIC_MOVSX;
	case X86_OP_MOVSXD:  return mn == ZYDIS_MNEMONIC_MOVSXD;
	case X86_OP_MOVNTI:  return mn == ZYDIS_MNEMONIC_MOVNTI;
	case X86_OP_ADD:     return mn == ZYDIS_MNEMONIC_ADD;
	case X86_OP_OR:      return mn == ZYDIS_MNEMONIC_OR;
	case X86_OP_ADC:     return mn == ZYDIS_MNEMONIC_ADC;
	case X86_OP_SBB:     return mn == ZYDIS_MNEMONIC_SBB;
	case X86_OP_AND:     return mn == ZYDIS_MNEMONIC_AND;
	case X86_OP_SUB:     return mn == ZYDIS_MNEMONIC_SUB;
	case X86_OP_XOR:     return mn == ZYDIS_MNEMONIC_XOR;
	case X86_OP_CMP:     return mn == ZYDIS_MNEMONIC_CMP;
	case X86_OP_TEST:    return mn == ZYDIS_MNEMONIC_TEST;
	case X86_OP_NOT:     return mn == ZYDIS_MNEMONIC_NOT;
	case X86_OP_NEG:     return mn == ZYDIS_MNEMONIC_NEG;
	case X86_OP_INC:     return mn == ZYDIS_MNEMONIC_INC;
	case X86_OP_DEC:     return mn == ZYDIS_MNEMONIC_DEC;
	case X86_OP_XCHG:    return mn == ZYDIS_MNEMONIC_XCHG;
	case X86_OP_BT:      return mn == ZYDIS_MNEMONIC_BT;
	case X86_OP_BTS:     return mn == ZYDIS_MNEMONIC_BTS;
	case X86_OP_BTR:     return mn == ZYDIS_MNEMONIC_BTR;
	case X86_OP_BTC:     return mn == ZYDIS_MNEMONIC_BTC;
	case X86_OP_IN:      return mn == ZYDIS_MNEMONIC_IN;
	case X86_OP_OUT:     return mn == ZYDIS_MNEMONIC_OUT;
	case X86_OP_CLFLUSH:
		return mn == ((in->prefixes & X86_PFX_OPSIZE) ?
		    ZYDIS_MNEMONIC_CLFLUSHOPT : ZYDIS_MNEMONIC_CLFLUSH);
	case X86_OP_MOVS: case X86_OP_CMPS: case X86_OP_STOS:
	case X86_OP_LODS: case X86_OP_SCAS: case X86_OP_INS: case X86_OP_OUTS:
		return mn == str[in->op][sz];
	case X86_OP_SSE_MOV:
		if (in->memsize == 4)
			return mn == ZYDIS_MNEMONIC_MOVD;
		if (in->memsize == 8)
			return mn == ZYDIS_MNEMONIC_MOVQ;
		if (in->align16)
			return mn == ZYDIS_MNEMONIC_MOVAPS ||
			    mn == ZYDIS_MNEMONIC_MOVAPD ||
			    mn == ZYDIS_MNEMONIC_MOVDQA ||
			    mn == ZYDIS_MNEMONIC_MOVNTPS ||
			    mn == ZYDIS_MNEMONIC_MOVNTPD ||
			    mn == ZYDIS_MNEMONIC_MOVNTDQ;
		return mn == ZYDIS_MNEMONIC_MOVUPS || mn == ZYDIS_MNEMONIC_MOVUPD ||
		    mn == ZYDIS_MNEMONIC_MOVDQU;
	default:
		return false;
	}
}

/*
 * What the emulator does with the explicit memory operand (*mem) and
 * the ModRM.reg register operand (*reg): ORA_R and/or ORA_W, from the
 * operation and the operand form x86_decode reported (SDM Vol.2, each
 * instruction's operation). 0: no such operand, or not checked
 * (CLFLUSH accesses no data).
 */
static void
oracle_actions(const struct x86_insn *in, unsigned *mem, unsigned *reg)
{
	bool to_mem = in->enc == X86_ENC_MR || in->enc == X86_ENC_MI ||
	    in->enc == X86_ENC_TD || in->enc == X86_ENC_M;

	*mem = *reg = 0;
	switch (in->op) {
	case X86_OP_MOV: case X86_OP_MOVNTI: case X86_OP_SSE_MOV:
		*mem = to_mem ? ORA_W : ORA_R;
		*reg = to_mem ? ORA_R : ORA_W;
		break;
	case X86_OP_MOVZX: case X86_OP_MOVSX: case X86_OP_MOVSXD:
		*mem = ORA_R;
		*reg = ORA_W;
		break;
	case X86_OP_ADD: case X86_OP_OR: case X86_OP_ADC: case X86_OP_SBB:
	case X86_OP_AND: case X86_OP_SUB: case X86_OP_XOR:
		*mem = to_mem ? ORA_R | ORA_W : ORA_R;
		*reg = to_mem ? ORA_R : ORA_R | ORA_W;
		break;
	case X86_OP_CMP: case X86_OP_TEST: case X86_OP_BT:
		*mem = ORA_R;
		*reg = ORA_R;
		break;
	case X86_OP_BTS: case X86_OP_BTR: case X86_OP_BTC:
		*mem = ORA_R | ORA_W;
		*reg = ORA_R;
		break;
	case X86_OP_NOT: case X86_OP_NEG: case X86_OP_INC: case X86_OP_DEC:
		*mem = ORA_R | ORA_W;
		break;
	case X86_OP_XCHG:
		*mem = ORA_R | ORA_W;
		*reg = ORA_R | ORA_W;
		break;
	default:
		break;
	}
	if (!in->has_mem)
		*mem = 0;
}

/* Zydis' action of an operand as ORA_R/ORA_W (conditional ones count). */
static unsigned
oracle_zaction(const ZydisDecodedOperand *o)
{
	return ((o->actions & ZYDIS_OPERAND_ACTION_MASK_READ) ? ORA_R : 0) |
	    ((o->actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) ? ORA_W : 0);
}

/*
 * The string instructions' hidden memory operands, by their base
 * register (rSI: the source, rDI: the destination at ES): MOVS reads
 * [rSI] and writes [rDI], CMPS reads both, STOS and INS write [rDI], LODS
 * and OUTS read [rSI], SCAS reads [rDI] (SDM Vol.2). Returns NULL if
 * Zydis says the same, else what differs.
 */
static const char *
oracle_string_actions(const struct x86_insn *in,
		      const ZydisDecodedInstruction *zi,
		      const ZydisDecodedOperand *zops)
{
	unsigned want_si = 0, want_di = 0, got_si = 0, got_di = 0;

	switch (in->op) {
	case X86_OP_MOVS: want_si = ORA_R; want_di = ORA_W; break;
	case X86_OP_CMPS: want_si = ORA_R; want_di = ORA_R; break;
	case X86_OP_STOS: case X86_OP_INS: want_di = ORA_W; break;
	case X86_OP_LODS: case X86_OP_OUTS: want_si = ORA_R; break;
	case X86_OP_SCAS: want_di = ORA_R; break;
	default: return NULL;
	}
	for (unsigned i = 0; i < zi->operand_count; i++) {
		const ZydisDecodedOperand *o = &zops[i];
		int base;

		if (o->type != ZYDIS_OPERAND_TYPE_MEMORY)
			continue;
		base = oracle_gpr(o->mem.base);
		if (base == X86_GPR_RSI)
			got_si |= oracle_zaction(o);
		else if (base == X86_GPR_RDI)
			got_di |= oracle_zaction(o);
		else
			return "string memory operand base";
	}
	if (got_si != want_si || got_di != want_di)
		return "string operand read/write";
	return NULL;
}

/*
 * The operation (mnemonic) and the direction of each operand the
 * emulator uses: the explicit memory operand, the ModRM.reg register
 * operand, the accumulator of IN/OUT, the hidden operands of string
 * instructions. Returns NULL if they agree, else what differs.
 */
static const char *
oracle_semantics_differ(const struct x86_insn *in,
			const ZydisDecodedInstruction *zi,
			const ZydisDecodedOperand *zops)
{
	unsigned mem, reg;

	if (!oracle_mnemonic_ok(in, zi->mnemonic))
		return "operation (mnemonic)";
	oracle_actions(in, &mem, &reg);
	for (unsigned i = 0; i < zi->operand_count; i++) {
		const ZydisDecodedOperand *o = &zops[i];

		if (o->visibility != ZYDIS_OPERAND_VISIBILITY_EXPLICIT)
			continue;
		if (o->type == ZYDIS_OPERAND_TYPE_MEMORY &&
		    o->mem.type == ZYDIS_MEMOP_TYPE_MEM && mem != 0 &&
		    oracle_zaction(o) != mem)
			return "memory operand read/write";
		if (o->type == ZYDIS_OPERAND_TYPE_REGISTER &&
		    o->encoding == ZYDIS_OPERAND_ENCODING_MODRM_REG && reg != 0 &&
		    oracle_zaction(o) != reg)
			return "register operand read/write";
		/* IN writes the accumulator, OUT reads it */
		if (o->type == ZYDIS_OPERAND_TYPE_REGISTER &&
		    (in->op == X86_OP_IN || in->op == X86_OP_OUT) &&
		    (o->reg.value == ZYDIS_REGISTER_AL ||
		     o->reg.value == ZYDIS_REGISTER_AX ||
		     o->reg.value == ZYDIS_REGISTER_EAX) &&
		    oracle_zaction(o) != (in->op == X86_OP_IN ? ORA_W : ORA_R))
			return "accumulator read/write";
	}
	return oracle_string_actions(in, zi, zops);
}

/*
 * Decode bytes with both decoders; if ours says OK compare. Returns true
 * if ours decoded OK (whether or not the two agreed).
 */
static bool
oracle_check(const uint8_t *b, size_t n, unsigned mode)
{
	struct x86_insn in;
	ZydisDecodedInstruction zi;
	ZydisDecodedOperand zops[ZYDIS_MAX_OPERAND_COUNT];
	const ZydisDecodedOperand *zm = NULL;
	uint64_t amask;
	const char *why;
	bool zok;
	int zseg, st;

	memset(&in, 0, sizeof(in));
	st = x86_decode(b, n, mode, &in);
	if (st == X86_DECODE_INVALID)
		oracle_note_invalid(b, n, mode);
	if (st != X86_DECODE_OK)
		return false;
	oracle_compared++;

	zok = ZYAN_SUCCESS(ZydisDecoderDecodeFull(&oracle_zdec[mode], b, n,
	    &zi, zops));
	if (!zok) {
		oracle_zydis_invalid++;
		oracle_report(b, n, mode, &in, "Zydis rejects it", &zi, zops,
		    false);
		return true;
	}
	if (zi.length != in.len) {
		oracle_report(b, n, mode, &in, "length", &zi, zops, true);
		return true;
	}
	if (zi.address_width != in.addrsize * 8) {
		oracle_report(b, n, mode, &in, "address size", &zi, zops, true);
		return true;
	}
	for (unsigned i = 0; i < zi.operand_count; i++) {
		if (zops[i].type == ZYDIS_OPERAND_TYPE_MEMORY &&
		    zops[i].visibility == ZYDIS_OPERAND_VISIBILITY_EXPLICIT &&
		    zops[i].mem.type == ZYDIS_MEMOP_TYPE_MEM) {
			zm = &zops[i];
			break;
		}
	}
	if (in.op == X86_OP_SSE_MOV) {
		if (zm == NULL || zm->size != in.opsize * 8) {
			oracle_report(b, n, mode, &in, "SSE access size", &zi,
			    zops, true);
			return true;
		}
	} else if (in.op == X86_OP_INS || in.op == X86_OP_OUTS) {
		/*
		 * Zydis 4.0 reports operand_width 64 for REX.W INS/OUTS while
		 * decoding them as insd/outsd (an I/O string element is at most
		 * 32 bits, SDM Vol.2 INS/OUTS): compare the element size, the
		 * size of its (hidden) memory operand, instead.
		 */
		unsigned zsz = 0;

		for (unsigned i = 0; i < zi.operand_count; i++)
			if (zops[i].type == ZYDIS_OPERAND_TYPE_MEMORY)
				zsz = zops[i].size;
		if (zsz != in.opsize * 8u) {
			oracle_report(b, n, mode, &in, "I/O string element size",
			    &zi, zops, true);
			return true;
		}
	} else if (zi.operand_width != in.opsize * 8) {
		oracle_report(b, n, mode, &in, "operand size", &zi, zops, true);
		return true;
	}
	if (oracle_imm_differs(&in, &zi, zops)) {
		oracle_report(b, n, mode, &in, "immediate", &zi, zops, true);
		return true;
	}
	if ((why = oracle_regs_differ(mode, &in, &zi, zops)) != NULL) {
		oracle_report(b, n, mode, &in, why, &zi, zops, true);
		return true;
	}
	if ((why = oracle_semantics_differ(&in, &zi, zops)) != NULL) {
		oracle_report(b, n, mode, &in, why, &zi, zops, true);
		return true;
	}
	if ((zm != NULL) != in.has_mem) {
		oracle_report(b, n, mode, &in, "memory operand presence", &zi,
		    zops, true);
		return true;
	}
	if (zm == NULL)
		return true;

	amask = in.addrsize == 8 ? ~0ULL : (1ULL << (in.addrsize * 8)) - 1;
	if (mode == X86_MODE_LONG64 && zi.address_width == 32 &&
	    zi.raw.modrm.mod == 0 && zi.raw.modrm.rm == 4 &&
	    zi.raw.sib.base == 5 && zm->mem.base == ZYDIS_REGISTER_R13D) {
		/*
		 * Zydis 4.0 bug (zyantific/zydis#592, fixed after 4.0): with a
		 * 67 prefix and REX.B, SIB base 101 with mod 00 comes out as
		 * [r13d] and the disp32 is dropped. The SDM (Vol.2 Table 2-5)
		 * says no base, disp32: check that against the raw disp.
		 */
		if (in.mem.base != X86_REG_NONE ||
		    ((uint64_t)zi.raw.disp.value & amask) !=
		    ((uint64_t)in.mem.disp & amask)) {
			oracle_report(b, n, mode, &in, "no-base SIB (67+REX.B)",
			    &zi, zops, true);
			return true;
		}
		oracle_zydis_bug592++;
		goto index;
	}
	if (oracle_gpr(zm->mem.base) != in.mem.base) {
		oracle_report(b, n, mode, &in, "base", &zi, zops, true);
		return true;
	}
	if (((uint64_t)zm->mem.disp.value & amask) !=
	    ((uint64_t)in.mem.disp & amask)) {
		oracle_report(b, n, mode, &in, "displacement", &zi, zops, true);
		return true;
	}
index:
	if (oracle_gpr(zm->mem.index) != in.mem.index) {
		oracle_report(b, n, mode, &in, "index", &zi, zops, true);
		return true;
	}
	if (in.mem.index != X86_REG_NONE && zm->mem.scale != in.mem.scale) {
		oracle_report(b, n, mode, &in, "scale", &zi, zops, true);
		return true;
	}
	zseg = oracle_seg(zm->mem.segment);
	if (mode == X86_MODE_LONG64) {
		bool zfg = zseg == X86_SEG_FS || zseg == X86_SEG_GS;
		bool ofg = in.mem.seg == X86_SEG_FS || in.mem.seg == X86_SEG_GS;

		if (zfg != ofg || (zfg && zseg != in.mem.seg)) {
			oracle_report(b, n, mode, &in, "segment (FS/GS)", &zi,
			    zops, true);
			return true;
		}
	} else if (zseg != in.mem.seg) {
		oracle_report(b, n, mode, &in, "segment", &zi, zops, true);
		return true;
	}
	if (in.op != X86_OP_CLFLUSH && zm->size != in.memsize * 8) {
		oracle_report(b, n, mode, &in, "memory access size", &zi, zops,
		    true);
		return true;
	}
	return true;
}

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

	for (unsigned mode = 0; mode < 4; mode++)
	for (unsigned op = 0; op < 512; op++) {
		if (!oracle_seen[op] || oracle_ud_valid[mode][op] == 0)
			continue;
		printf("# note: %s opcode %s%02x: %lu encodings x86_decode "
		    "calls invalid, Zydis decodes, e.g. [",
		    oracle_mode_name[mode], op >= 0x100 ? "0f " : "", op & 0xff,
		    oracle_ud_valid[mode][op]);
		oracle_print_bytes(oracle_ud_example[mode][op],
		    X86_INSN_MAX_LEN);
		printf("]\n");
	}
	for (unsigned i = 0; i < oracle_nclass; i++) {
		printf("# class: %-24s %-6s opcode %s%02x: %lu cases, e.g. [",
		    oracle_class[i].what, oracle_mode_name[oracle_class[i].mode],
		    oracle_class[i].op >= 0x100 ? "0f " : "",
		    oracle_class[i].op & 0xff, oracle_class[i].count);
		oracle_print_bytes(oracle_class[i].bytes, oracle_class[i].len);
		printf("]\n");
	}
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
