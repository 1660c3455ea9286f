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
	uint8_t len;
	uint8_t bytes[3];
	uint8_t alt;            /* second accepted last byte (0: none) */
};

static const struct insn_form insn_forms[] = {
	{ VMCB_EXITCODE_CPUID,   2, { 0x0f, 0xa2 }, 0 },         /* CPUID */
	{ VMCB_EXITCODE_MSR,     2, { 0x0f, 0x32 }, 0x30 },      /* RDMSR, WRMSR (0F 30) */
	{ VMCB_EXITCODE_HLT,     1, { 0xf4 }, 0 },               /* HLT */
	{ VMCB_EXITCODE_INVD,    2, { 0x0f, 0x08 }, 0 },         /* INVD */
	/* WBINVD; INVD (0F 08) too: QEMU TCG 7.2 reports it with this code. */
	{ VMCB_EXITCODE_WBINVD,  2, { 0x0f, 0x09 }, 0x08 },
	{ VMCB_EXITCODE_VMMCALL, 3, { 0x0f, 0x01, 0xd9 }, 0 },   /* VMMCALL */
};

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

	/*
	 * The usual case has no prefix. The first opcode byte of every form
	 * (0F, F4) is neither a legacy prefix nor REX, so when buf[0] is that
	 * byte the scan below would stop at i = 0 anyway: skip it.
	 */
	if (buf[0] != f->bytes[0]) {
		/*
		 * REX (40-4F) exists only in 64-bit mode. One that is not
		 * right before the opcode is ignored by the CPU but still
		 * takes its byte (SDM Vol.2 2.2.1, APM Vol.3 1.2.7), so in
		 * 64-bit mode REX bytes are part of the prefix run.
		 */
		while (i < n && i < X86_INSN_MAX_LEN &&
		       (insn_is_legacy_prefix(buf[i]) ||
			(mode == X86_MODE_LONG64 && (buf[i] & 0xf0) == 0x40)))
			i++;
	}
	if (i + f->len > n || i + f->len > X86_INSN_MAX_LEN)
		return -1;
	for (unsigned b = 0; b < f->len; b++) {
		uint8_t want = f->bytes[b];

		if (buf[i + b] == want)
			continue;
		if (b == f->len - 1u && f->alt != 0 && buf[i + b] == f->alt)
			continue;
		return -1;
	}
	return (int)(i + f->len);
}
