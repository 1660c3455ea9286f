/*
 * test_decode_mov.c - x86_decode's shortcut for MOV r/m, r and MOV r, r/m
 * (88-8B with no prefix but REX) against the table-driven path alone
 * (x86_decode_full): for every CPU mode, every first byte (REX, legacy
 * prefixes, other opcodes), opcodes 86-8D (the four MOVs and their
 * neighbours), every ModRM byte, every SIB byte for the forms that have
 * one, displacement bytes with either sign, and every length from 0 to
 * 15 (all 15 bytes only, behind a first byte that is not REX or 66),
 * both must return the same status and, on X86_DECODE_OK, the same
 * instruction field by field. A third byte sequence family puts the MOV
 * behind one and two prefixes.
 *
 * TAP: one line per mode and family, with the first difference as a
 * diagnostic; exit status 1 if any failed.
 */
#include <stdio.h>
#include <string.h>

#include "x86_decode.h"

static unsigned dm_count, dm_failed;

/* The fields of two decoded instructions that differ, as text (none: ""). */
static void
dm_diff(const struct x86_insn *a, const struct x86_insn *b, char *out, size_t n)
{
	out[0] = '\0';
#define DM_F(f) do { if (a->f != b->f) { snprintf(out, n, #f " %lld != %lld", \
	(long long)a->f, (long long)b->f); return; } } while (0)
	DM_F(len); DM_F(opsize); DM_F(addrsize); DM_F(has_mem);
	DM_F(mem.base); DM_F(mem.index); DM_F(mem.scale); DM_F(mem.disp);
	DM_F(mem.seg); DM_F(op); DM_F(enc); DM_F(mode); DM_F(prefixes);
	DM_F(seg_override); DM_F(rex); DM_F(opcode); DM_F(two_byte);
	DM_F(modrm); DM_F(memsize); DM_F(reg); DM_F(reg_high8); DM_F(rm_reg);
	DM_F(rm_high8); DM_F(has_imm); DM_F(immsize); DM_F(imm); DM_F(align16);
#undef DM_F
}

/*
 * Decode bytes[0..len) both ways; on a difference write it to why (once)
 * and return false. *fast counts sequences the shortcut may take (the
 * result was X86_DECODE_OK for a MOV 88-8B).
 */
static bool
dm_one(const uint8_t *bytes, size_t len, unsigned mode, char *why,
       size_t whylen, unsigned *fast)
{
	struct x86_insn a, b;
	char d[96];
	int ra, rb;

	ra = x86_decode(bytes, len, mode, &a);
	rb = x86_decode_full(bytes, len, mode, &b);
	if (ra != rb) {
		snprintf(d, sizeof(d), "status %d != %d", ra, rb);
	} else if (ra == X86_DECODE_OK) {
		dm_diff(&a, &b, d, sizeof(d));
		if (a.op == X86_OP_MOV && (a.opcode & 0xfc) == 0x88 && !a.two_byte)
			(*fast)++;
	} else {
		d[0] = '\0';
	}
	if (d[0] == '\0')
		return true;
	if (why[0] == '\0') {
		int k = snprintf(why, whylen, "mode %u bytes", mode);

		for (size_t i = 0; i < len && k > 0 && (size_t)k < whylen; i++)
			k += snprintf(why + k, whylen - (size_t)k, " %02x", bytes[i]);
		if (k > 0 && (size_t)k < whylen)
			snprintf(why + k, whylen - (size_t)k, ": %s", d);
	}
	return false;
}

static void
dm_report(bool ok, const char *why, const char *fmt, unsigned mode, unsigned fast)
{
	dm_count++;
	printf("%sok %u - ", ok ? "" : "not ", dm_count);
	printf(fmt, mode);
	printf(" (%u MOVs decoded)", fast);
	if (!ok) {
		dm_failed++;
		printf(" # %s", why);
	}
	printf("\n");
}

/* Displacement and SIB patterns after ModRM: the sign of disp8/disp32 matters. */
static const uint8_t dm_tails[][6] = {
	{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 0x80, 0x00, 0x00, 0x80, 0x7f, 0xff },
	{ 0x7f, 0xff, 0xff, 0x7f, 0x80, 0x01 },
	{ 0xff, 0x12, 0x34, 0x56, 0x78, 0x9a },
};

/* First bytes whose every truncation is tried: none (0x100), REX, 66. */
static bool
dm_all_lengths(unsigned b0)
{
	return b0 == 0x100 || (b0 & 0xf0) == 0x40 || b0 == 0x66;
}

/* First byte b0 (or none), opcode 86-8D, every ModRM, SIB/disp patterns. */
static void
dm_family_one_prefix(unsigned mode)
{
	uint8_t bytes[16];
	char why[256] = "";
	unsigned fast = 0;
	bool ok = true;

	for (unsigned b0 = 0; b0 <= 0x100; b0++) {     /* 0x100: no first byte */
		for (unsigned op = 0x86; op <= 0x8d; op++) {
			for (unsigned modrm = 0; modrm < 256; modrm++) {
				for (unsigned t = 0; t < sizeof(dm_tails) / sizeof(dm_tails[0]); t++) {
					size_t n = 0;

					memset(bytes, 0x90, sizeof(bytes));
					if (b0 < 0x100)
						bytes[n++] = (uint8_t)b0;
					bytes[n++] = (uint8_t)op;
					bytes[n++] = (uint8_t)modrm;
					memcpy(bytes + n, dm_tails[t], sizeof(dm_tails[t]));
					/* every length for REX, 66 and none; else whole */
					for (size_t len = dm_all_lengths(b0) ? 0 : 15; len <= 15; len++)
						ok &= dm_one(bytes, len, mode, why, sizeof(why), &fast);
				}
			}
		}
	}
	dm_report(ok, why, "mode %u: [prefix] 86-8D ModRM disp: shortcut == tables",
	    mode, fast);
}

/* Every SIB byte behind a ModRM that has one, with REX variants. */
static void
dm_family_sib(unsigned mode)
{
	static const uint8_t rexes[] = { 0, 0x40, 0x41, 0x42, 0x44, 0x48, 0x4f };
	uint8_t bytes[16];
	char why[256] = "";
	unsigned fast = 0;
	bool ok = true;

	for (unsigned r = 0; r < sizeof(rexes); r++) {
		for (unsigned op = 0x88; op <= 0x8b; op++) {
			for (unsigned mod = 0; mod < 3; mod++) {
				for (unsigned sib = 0; sib < 256; sib++) {
					size_t n = 0;

					memset(bytes, 0x90, sizeof(bytes));
					if (rexes[r] != 0)
						bytes[n++] = rexes[r];
					bytes[n++] = (uint8_t)op;
					bytes[n++] = (uint8_t)((mod << 6) | (3 << 3) | 4);
					bytes[n++] = (uint8_t)sib;
					memcpy(bytes + n, dm_tails[1], sizeof(dm_tails[1]));
					for (size_t len = 0; len <= 15; len++)
						ok &= dm_one(bytes, len, mode, why, sizeof(why), &fast);
				}
			}
		}
	}
	dm_report(ok, why, "mode %u: [REX] 88-8B with every SIB: shortcut == tables",
	    mode, fast);
}

/* Two bytes before the MOV: prefix pairs, REX then prefix, prefix then REX. */
static void
dm_family_two_prefixes(unsigned mode)
{
	static const uint8_t pfx[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66,
	    0x67, 0xf0, 0xf2, 0xf3, 0x40, 0x41, 0x44, 0x48, 0x4c, 0x4f, 0x0f };
	uint8_t bytes[16];
	char why[256] = "";
	unsigned fast = 0;
	bool ok = true;

	for (unsigned i = 0; i < sizeof(pfx); i++) {
		for (unsigned j = 0; j < sizeof(pfx); j++) {
			for (unsigned op = 0x88; op <= 0x8b; op++) {
				for (unsigned modrm = 0; modrm < 256; modrm++) {
					memset(bytes, 0x90, sizeof(bytes));
					bytes[0] = pfx[i];
					bytes[1] = pfx[j];
					bytes[2] = (uint8_t)op;
					bytes[3] = (uint8_t)modrm;
					memcpy(bytes + 4, dm_tails[2], sizeof(dm_tails[2]));
					for (size_t len = 0; len <= 15; len++)
						ok &= dm_one(bytes, len, mode, why, sizeof(why), &fast);
				}
			}
		}
	}
	dm_report(ok, why, "mode %u: two prefixes then 88-8B: shortcut == tables",
	    mode, fast);
}

int
main(void)
{
	for (unsigned mode = X86_MODE_REAL16; mode <= X86_MODE_LONG64; mode++) {
		dm_family_one_prefix(mode);
		dm_family_sib(mode);
		dm_family_two_prefixes(mode);
	}
	printf("1..%u\n", dm_count);
	return dm_failed ? 1 : 0;
}
