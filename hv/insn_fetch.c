/*
 * insn_fetch.c - the instruction bytes at the guest's CS:RIP, for CPUs
 * without NRIP-save (see insn_fetch.h).
 *
 * The bytes come from decode assists when the CPU has them and the exit
 * provides them, otherwise from the assist library's guest MMU
 * (x86_fetch_insn: CS:RIP through segmentation and the guest's tables).
 * This runs on every intercepted instruction of a CPU without NRIP-save,
 * so it reads only the state the fetch needs and, first, only the page
 * of CS:RIP.
 */
#include "insn_fetch.h"
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
		rc = x86_fetch_insn(&vm_vv(vm, vcpu)->mach, &st, dst, &got, &exc);
	else
		rc = x86_fetch_insn_page(&vm_vv(vm, vcpu)->mach, &st, dst, &got, &exc);
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
