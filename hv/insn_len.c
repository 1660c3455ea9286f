/*
 * insn_len.c - guest instruction fetch and the length decoder for the
 * intercepted instructions (see insn_len.h).
 *
 * The bytes come from decode assists when the CPU has them and the exit
 * provides them, otherwise from the assist library's guest MMU
 * (x86_fetch_insn: CS:RIP through segmentation and the guest's tables).
 * This runs on every intercepted instruction of a CPU without NRIP-save,
 * so it reads only the state the fetch needs and, first, only the page
 * of CS:RIP (see insn_fetch in insn_len.h).
 *
 * Limits: only the opcodes of CPUID, RDMSR, WRMSR, HLT and VMMCALL are
 * known; anything else is reported as "not the instruction" and the run
 * stops cleanly.
 */
#include "insn_len.h"
#include "log.h"
#include "string.h"
#include "svm.h"
#include "vm.h"
#include "x86_mmu.h"

enum insn_mode insn_mode(const struct svm_vcpu *vcpu)
{
	const struct vmcb_state *s = &vcpu->vmcb->state;

	if (!(s->cr0 & X86_CR0_PE))
		return INSN_MODE_16;
	if ((s->efer & X86_EFER_LMA) && (s->cs.attr & X86_SEGATTR_L))
		return INSN_MODE_64;
	return (s->cs.attr & X86_SEGATTR_DB) ? INSN_MODE_32 : INSN_MODE_16;
}

/* ---------------------------------------------------------------------- */
/* Fetch */

int insn_fetch(struct vm *vm, const struct svm_vcpu *vcpu, uint8_t *buf, unsigned n,
	       bool whole)
{
	const struct vmcb *v = vcpu->vmcb;
	uint8_t bytes[X86_INSN_MAXLEN], *dst;
	struct x86_exception exc;
	struct x86_state st;
	size_t got = 0;
	int rc;

	if (n > sizeof(bytes))
		n = sizeof(bytes);
	/* A caller buffer of 15 bytes takes the fetch directly. */
	dst = (n == sizeof(bytes)) ? buf : bytes;
	/* Decode assists (APM Vol.2 15.33.4) fill insn_bytes on #NPF and #PF intercepts only. */
	if (v->ctrl.exitcode == VMCB_EXITCODE_NPF && v->ctrl.insn_len != 0 &&
	    svm_has(SVM_FEAT_DECODEASSISTS)) {
		got = v->ctrl.insn_len < n ? v->ctrl.insn_len : n;
		memcpy(buf, v->ctrl.insn_bytes, got);
		return (int)got;
	}

	/*
	 * Otherwise through the guest's segmentation and page tables
	 * (vmm/x86_mmu.c), with only the state the fetch reads.
	 */
	svm_vcpu_get_fetch_state(vcpu, &st);
	if (whole)
		rc = x86_fetch_insn(&vm->mach, &st, dst, &got, &exc);
	else
		rc = x86_fetch_insn_page(&vm->mach, &st, dst, &got, &exc);
	if (rc != 0 || got == 0) {
		/*
		 * The CPU has just executed this instruction, so a fault here
		 * means our MMU model disagrees with the CPU: say so plainly.
		 */
		log_printf(LOG_ERR, "insn: cannot fetch the instruction at RIP 0x%llx through "
			   "the guest MMU (rc %d, vector %u, error 0x%x, address 0x%llx)\n",
			   (unsigned long long)v->state.rip, rc, (unsigned)exc.vector,
			   (unsigned)exc.error, (unsigned long long)exc.cr2);
		return -1;
	}
	if (got > n)
		got = n;
	if (dst != buf)
		memcpy(buf, dst, got);
	return (int)got;
}

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
	{ VMCB_EXITCODE_VMMCALL, 3, { 0x0f, 0x01, 0xd9 }, 0 },   /* VMMCALL */
};

int insn_len_intercepted(uint64_t exitcode, const uint8_t *buf, unsigned n,
			 enum insn_mode mode)
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
		while (i < n && i < INSN_MAX_LEN && insn_is_legacy_prefix(buf[i]))
			i++;
		/* REX (40-4F) only in 64-bit mode, and only right before the opcode. */
		if (mode == INSN_MODE_64 && i < n && (buf[i] & 0xf0) == 0x40)
			i++;
	}
	if (i + f->len > n || i + f->len > INSN_MAX_LEN)
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
