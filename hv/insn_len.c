/*
 * insn_len.c - the length of the instructions the hypervisor intercepts
 * (see insn_len.h). Pure: no hardware, no guest state, so the host unit
 * test tests/unit/test_insn_len.c builds it as it is.
 *
 * Limits: only the opcodes of CPUID, RDMSR, WRMSR, HLT, INVD, WBINVD and
 * VMMCALL are known; anything else is reported as "not the instruction" and the
 * run stops cleanly.
 */
#include <stdbool.h>

#include "insn_len.h"
#include "bits.h"
#include "vmcb.h"
#include "x86_le.h"

/* ---------------------------------------------------------------------- */
/* Length decoder */

/* Legacy prefixes (SDM Vol.2 2.1.1, APM Vol.3 1.2). */
static bool insn_is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:  /* segment */
	case 0x66: case 0x67:                                               /* size */
	case 0xf0: case 0xf2: case 0xf3:                                    /* lock, rep */
		return true;
	default:
		return false;
	}
}

/* The opcode bytes (after prefixes) of each instruction we intercept. */
struct insn_form {
	uint64_t exitcode;
	uint8_t len;            /* 1 to 3 */
	uint32_t word;          /* the bytes, little-endian: byte 0 lowest */
	uint32_t alt;           /* the same with the other accepted last byte (0: none) */
};

#define INSN_W(b0, b1, b2) ((uint32_t)(b0) | (uint32_t)(b1) << 8 | (uint32_t)(b2) << 16)

static const struct insn_form insn_forms[] = {
	{ VMCB_EXITCODE_CPUID,   2, INSN_W(0x0f, 0xa2, 0), 0 },                  /* CPUID */
	{ VMCB_EXITCODE_MSR,     2, INSN_W(0x0f, 0x32, 0), INSN_W(0x0f, 0x30, 0) }, /* RDMSR, WRMSR */
	{ VMCB_EXITCODE_HLT,     1, INSN_W(0xf4, 0, 0), 0 },                     /* HLT */
	{ VMCB_EXITCODE_INVD,    2, INSN_W(0x0f, 0x08, 0), 0 },                  /* INVD */
	/* WBINVD; INVD (0F 08) too: QEMU TCG 7.2 reports it with this code. */
	{ VMCB_EXITCODE_WBINVD,  2, INSN_W(0x0f, 0x09, 0), INSN_W(0x0f, 0x08, 0) },
	{ VMCB_EXITCODE_VMMCALL, 3, INSN_W(0x0f, 0x01, 0xd9), 0 },               /* VMMCALL */
};

/* Do the n bytes at p begin with the opcode bytes of form f? */
static inline __attribute__((always_inline)) bool
insn_form_at(const struct insn_form *f, const uint8_t *p, unsigned n)
{
	uint32_t v = 0;

	if (n < f->len)
		return false;
	if (n >= 4) {
		v = (uint32_t)x86_le_load32(p);
	} else {
		for (unsigned b = 0; b < n; b++)
			v |= (uint32_t)p[b] << (8 * b);
	}
	v &= (1u << (8 * f->len)) - 1;
	return v == f->word || (f->alt != 0 && v == f->alt);
}

int insn_len_intercepted(uint64_t exitcode, const uint8_t *buf, unsigned n,
			 enum x86_cpu_mode mode)
{
	const struct insn_form *f = NULL;
	unsigned i = 0;

	for (unsigned k = 0; k < ARRAY_SIZE(insn_forms); k++) {
		if (insn_forms[k].exitcode == exitcode) {
			f = &insn_forms[k];
			break;
		}
	}
	if (f == NULL || n == 0)
		return -1;
	if (n > X86_INSN_MAX_LEN)
		n = X86_INSN_MAX_LEN;
	/* The usual case: no prefix. */
	if (insn_form_at(f, buf, n))
		return f->len;
	/*
	 * REX (40-4F) exists only in 64-bit mode. One that is not right
	 * before the opcode is ignored by the CPU but still takes its byte
	 * (SDM Vol.2 2.2.1, APM Vol.3 1.2.7), so in 64-bit mode REX bytes are
	 * part of the prefix run.
	 */
	while (i < n && (insn_is_legacy_prefix(buf[i]) ||
			 (mode == X86_MODE_LONG64 && (buf[i] & 0xf0) == 0x40)))
		i++;
	if (i == 0 || !insn_form_at(f, buf + i, n - i))
		return -1;
	return (int)(i + f->len);
}
