/*
 * oracle_check.c - the decoder oracle's check of one encoding (see
 * test_oracle.c for the test and what must agree): decode it with
 * x86_decode and with Zydis in the same machine mode, compare, and
 * record each disagreement (printed in full for the first
 * ORACLE_PRINT_MAX, tallied by class for the summary), and the encodings
 * x86_decode calls invalid that Zydis decodes (information only).
 *
 * Sources: Intel SDM Vol.1 3.4.2.1 (segment bases in 64-bit mode),
 * Vol.2 Table 2-5 (SIB base 101), the Zydis 4.0 API (Zydis/Zydis.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

#define ORACLE_PRINT_MAX    40

static ZydisDecoder oracle_zdec[4];
static ZydisFormatter oracle_fmt;

unsigned long oracle_compared, oracle_disagree;
unsigned long oracle_zydis_invalid;
unsigned long oracle_zydis_bug592;     /* see oracle_check */

static const char *const oracle_mode_name[4] = {
	"real16", "prot16", "prot32", "long64",
};

/* Zydis decoders for the four modes, and the formatter for reports. */
void
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
 * Decode bytes with both decoders; if ours says OK compare. Returns true
 * if ours decoded OK (whether or not the two agreed).
 */
bool
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

/*
 * The information lines at the end of the run: encodings x86_decode calls
 * invalid that Zydis decodes, for the opcodes in seen (those x86_decode
 * decodes in some form), then one line per class of disagreement.
 */
void
oracle_print_notes(const bool seen[512])
{
	for (unsigned mode = 0; mode < 4; mode++)
	for (unsigned op = 0; op < 512; op++) {
		if (!seen[op] || oracle_ud_valid[mode][op] == 0)
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
}
