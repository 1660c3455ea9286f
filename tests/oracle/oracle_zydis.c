/*
 * oracle_zydis.c - the decoder oracle's comparisons with Zydis' view of
 * an instruction (see test_oracle.c for the test): Zydis registers and
 * segments in x86_decode's numbering, the immediate and the register
 * operands compared, and what the instruction does (operation and the
 * read/write direction of each operand the emulator uses) from a table
 * of the SDM's operations written here, not taken from the decoder.
 *
 * Sources: Intel SDM Vol.2 (each instruction's operation; 2.1.5 for the
 * ModRM operands), the Zydis 4.0 API (Zydis/Zydis.h).
 */
#include "oracle.h"

/* Zydis GPR -> enum x86_gpr; RIP/EIP -> X86_REG_RIP; none -> X86_REG_NONE */
int
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

/* Zydis segment register -> enum x86_seg; -1 for anything else */
int
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

/*
 * Immediates (beyond what the issue asks, as the emulator uses them): the
 * value as the instruction uses it, i.e. sign-extended to the operand
 * size, compared in operand-size bits; port numbers (IN/OUT imm8) and bit
 * offsets (0F BA) in 8 bits.
 */
bool
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
 * Register operands (also beyond the list; the emulator writes
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

/* The explicit register operands: NULL if they agree, else which differs. */
const char *
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
const char *
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
