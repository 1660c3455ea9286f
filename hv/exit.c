/*
 * exit.c - #VMEXIT dispatch, exit statistics, and the handlers that fit
 * in a few lines (HLT, shutdown, VMMCALL, the SVM instructions, #NPF,
 * physical interrupts, invalid guest state).
 *
 * The larger policies live next door: CPUID in exit_cpuid.c, MSRs in
 * exit_msr.c, port I/O in exit_io.c.
 */
#include "exit_priv.h"
#include "fmt.h"
#include "guest_abi.h"
#include "insn_fetch.h"
#include "log.h"
#include "status.h"
#include "string.h"
#include "vmcb.h"

unsigned exit_slot(uint64_t code)
{
	if (code < EXIT_SLOT_NPF)
		return (unsigned)code;
	if (code >= VMCB_EXITCODE_NPF && code <= VMCB_EXITCODE_VMGEXIT)
		return EXIT_SLOT_NPF + (unsigned)(code - VMCB_EXITCODE_NPF);
	if (vmcb_exitcode_is_invalid(code))
		return EXIT_SLOT_INVALID;
	return EXIT_SLOT_OTHER;
}

/* Exit code of a slot, for the statistics line. */
static uint64_t exit_slot_code(unsigned slot)
{
	if (slot < EXIT_SLOT_NPF)
		return slot;
	if (slot < EXIT_SLOT_INVALID)
		return VMCB_EXITCODE_NPF + (slot - EXIT_SLOT_NPF);
	if (slot == EXIT_SLOT_INVALID)
		return VMCB_EXITCODE_INVALID;
	return 0xfffffffffffffffdULL;   /* "UNKNOWN" */
}

/* ---------------------------------------------------------------------- */
/* Small handlers */

/* Physical interrupt or NMI: the host takes it after STGI; nothing to do. */
static bool exit_intr(struct vm *vm, struct svm_vcpu *vcpu)
{
	(void)vm;
	(void)vcpu;
	return false;
}

/*
 * HLT (APM Vol.2 15.9): retire the instruction, then wait for an
 * interrupt. Nothing can interrupt the guest yet, so the run ends.
 */
static bool exit_hlt(struct vm *vm, struct svm_vcpu *vcpu)
{
	if (vm_wait_interrupt(vm))
		return true;
	log_printf(LOG_INFO, "vm: guest halted at RIP 0x%llx with no interrupt source\n",
		   (unsigned long long)vcpu->vmcb->state.rip);
	vm_stop(vm, HV_STATUS_OK);
	return true;
}

/* SHUTDOWN (15.9): the guest triple-faulted; its state is unusable. */
static bool exit_shutdown(struct vm *vm, struct svm_vcpu *vcpu)
{
	log_printf(LOG_ERR, "vm: guest shutdown (triple fault) at RIP 0x%llx\n",
		   (unsigned long long)vcpu->vmcb->state.rip);
	vm_stop(vm, HV_STATUS_GUEST_SHUTDOWN);
	return false;
}

/*
 * VMMCALL: the hypercall interface of guest_abi.h, for the guest's kernel
 * only: at CPL > 0 (user code, virtual-8086 mode) it raises #UD, as do
 * unknown numbers. (The intercept comes before any privilege check, APM
 * Vol.3 VMMCALL, so the policy is ours.)
 */
static bool exit_vmmcall(struct vm *vm, struct svm_vcpu *vcpu)
{
	uint32_t fn = (uint32_t)vcpu->gpr[X86_GPR_RAX];

	(void)vm;
	if (vcpu->vmcb->state.cpl != 0) {
		log_printf(LOG_DEBUG, "vm: VMMCALL at CPL %u -> #UD\n",
			   (unsigned)vcpu->vmcb->state.cpl);
		svm_inject_ud(vcpu);
		return false;
	}
	switch (fn) {
	case GUEST_VMMCALL_PING:
		vcpu->gpr[X86_GPR_RAX] = GUEST_VMMCALL_PONG;
		return true;
	default:
		log_printf(LOG_DEBUG, "vm: VMMCALL function 0x%x unknown -> #UD\n", fn);
		svm_inject_ud(vcpu);
		return false;
	}
}

/*
 * Instructions the guest's CPUID says do not exist, so they behave as on
 * a CPU without them: #UD (APM Vol.3, each instruction's exceptions).
 * - VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT, INVLPGA: SVM is hidden
 *   (Fn8000_0001 ECX[2]).
 * - MONITOR, MWAIT (15.9): hidden (Fn0000_0001 ECX[3]); intercepted so
 *   that a guest cannot halt the physical CPU in MWAIT.
 */
static bool exit_hidden_insn(struct vm *vm, struct svm_vcpu *vcpu)
{
	(void)vm;
	log_printf(LOG_DEBUG, "vm: guest %s (hidden by CPUID) at RIP 0x%llx -> #UD\n",
		   vmcb_exitcode_str(vcpu->vmcb->ctrl.exitcode),
		   (unsigned long long)vcpu->vmcb->state.rip);
	svm_inject_ud(vcpu);
	return false;
}

/*
 * INVD and WBINVD (15.9). INVD run for real would drop the modified lines
 * of every cache the guest shares with the hypervisor, the hypervisor's
 * own data included. WBINVD gives what INVD promises (no stale line is
 * left in any cache) and writes the modified lines back first; after
 * INVD, memory holds either value as far as software can tell, so no
 * guest can depend on the writes being lost. Then retire the instruction.
 *
 * WBINVD is intercepted only because QEMU TCG 7.2 (fixed upstream in
 * 2023) checks the WBINVD intercept for INVD (0F 08) and reports it with
 * the WBINVD exit code; insn_len.c accepts INVD's bytes for that code.
 */
static bool exit_cache_flush(struct vm *vm, struct svm_vcpu *vcpu)
{
	(void)vm;
	(void)vcpu;
	__asm__ volatile("wbinvd" : : : "memory");
	return true;
}

/*
 * #DB and #AC intercepts (15.12): reflect the exception into the guest
 * unchanged. They are intercepted only so that a guest cannot keep the
 * CPU in microcode forever (CVE-2015-5307: #AC while delivering #AC;
 * CVE-2015-8104: #DB while delivering #DB): each one now exits, and the
 * host gets to run between them.
 *
 * #DB: the CPU has already written the exception's DR6 bits (BS, B0-B3,
 * BD, ...) into the VMCB's DR6 before the exit, so the guest finds its
 * own DR6 when the handler reads it; it is left alone. The saved RIP is
 * what the exception would have pushed (a trap's next instruction, a
 * fault's own). #DB pushes no error code; #AC pushes 0 (APM Vol.2 8.2).
 *
 * An event that was being delivered when this one struck (EXITINTINFO,
 * queued again by exit_handle()) is replaced: both vectors are benign,
 * so the CPU would deliver the new one and the old one is re-raised by
 * re-executing its instruction, or lost if it was a trap, as on hardware.
 */
static bool exit_exc_reflect(struct vm *vm, struct svm_vcpu *vcpu)
{
	uint8_t vec = (uint8_t)(vcpu->vmcb->ctrl.exitcode - VMCB_EXITCODE_EXC(0));

	(void)vm;
	svm_inject_exception(vcpu, vec, vec == X86_EXC_AC, 0);
	return false;
}

void exit_single_step(struct svm_vcpu *vcpu)
{
	struct vmcb *v = vcpu->vmcb;

	v->state.dr6 |= EXIT_DR6_BS;
	svm_inject_exception(vcpu, X86_EXC_DB, false, 0);
}

/*
 * Nested page fault (15.25.6): EXITINFO1 is a #PF-style error code,
 * EXITINFO2 the guest-physical address. All of RAM is mapped, so a fault
 * is an access to an MMIO range (none before the devices issue: that is
 * where the lookup and the Mem Assist call will go) or to nothing at all.
 */
static bool exit_npf(struct vm *vm, struct svm_vcpu *vcpu)
{
	const struct vmcb_ctrl *c = &vcpu->vmcb->ctrl;
	gpa_t gpa = c->exitinfo2;
	const char *kind = (c->exitinfo1 & VMCB_NPF_ID) ? "fetch" :
			   (c->exitinfo1 & VMCB_NPF_RW) ? "write" : "read";

	if (vm_gpa_to_hva(vm, gpa, 1) != NULL) {
		/* RAM is mapped read/write/execute: a fault there is our bug. */
		log_printf(LOG_ERR, "vm: nested page fault on RAM GPA 0x%llx (error 0x%llx)\n",
			   (unsigned long long)gpa, (unsigned long long)c->exitinfo1);
		vmcb_dump(vcpu->vmcb);
		vm_stop(vm, HV_STATUS_GUEST_ERROR);
		return false;
	}
	log_printf(LOG_ERR, "vm: guest accessed GPA 0x%llx outside RAM and MMIO at RIP 0x%llx "
		   "(%s%s)\n", (unsigned long long)gpa,
		   (unsigned long long)vcpu->vmcb->state.rip, kind,
		   (c->exitinfo1 & VMCB_NPF_TABLEWALK) ? ", guest page-table walk" : "");
	vm_stop(vm, HV_STATUS_GUEST_BADGPA);
	return false;
}

/* VMRUN refused the VMCB (15.5.1 consistency checks). */
static bool exit_invalid(struct vm *vm, struct svm_vcpu *vcpu)
{
	log_printf(LOG_ERR, "vm: VMRUN failed: invalid guest state (VMEXIT_INVALID)\n");
	vmcb_dump(vcpu->vmcb);
	vm_stop(vm, HV_STATUS_GUEST_ERROR);
	return false;
}

/* An exit we did not ask for or do not handle. */
static bool exit_unknown(struct vm *vm, struct svm_vcpu *vcpu)
{
	uint64_t code = vcpu->vmcb->ctrl.exitcode;

	log_printf(LOG_ERR, "vm: unhandled exit code 0x%llx (%s) at RIP 0x%llx\n",
		   (unsigned long long)code, vmcb_exitcode_str(code),
		   (unsigned long long)vcpu->vmcb->state.rip);
	vmcb_dump(vcpu->vmcb);
	vm_stop(vm, HV_STATUS_GUEST_ERROR);
	return false;
}

/* ---------------------------------------------------------------------- */
/* Dispatch */

static const exit_handler_t exit_handlers[EXIT_STAT_SLOTS] = {
	[VMCB_EXITCODE_EXC(X86_EXC_DB)] = exit_exc_reflect,
	[VMCB_EXITCODE_EXC(X86_EXC_AC)] = exit_exc_reflect,
	[VMCB_EXITCODE_INTR]     = exit_intr,
	[VMCB_EXITCODE_NMI]      = exit_intr,
	[VMCB_EXITCODE_CPUID]    = exit_cpuid,
	[VMCB_EXITCODE_INVD]     = exit_cache_flush,
	[VMCB_EXITCODE_HLT]      = exit_hlt,
	[VMCB_EXITCODE_INVLPGA]  = exit_hidden_insn,
	[VMCB_EXITCODE_IOIO]     = exit_ioio,
	[VMCB_EXITCODE_MSR]      = exit_msr,
	[VMCB_EXITCODE_SHUTDOWN] = exit_shutdown,
	[VMCB_EXITCODE_VMRUN]    = exit_hidden_insn,
	[VMCB_EXITCODE_VMMCALL]  = exit_vmmcall,
	[VMCB_EXITCODE_VMLOAD]   = exit_hidden_insn,
	[VMCB_EXITCODE_VMSAVE]   = exit_hidden_insn,
	[VMCB_EXITCODE_STGI]     = exit_hidden_insn,
	[VMCB_EXITCODE_CLGI]     = exit_hidden_insn,
	[VMCB_EXITCODE_SKINIT]   = exit_hidden_insn,
	[VMCB_EXITCODE_WBINVD]   = exit_cache_flush,
	[VMCB_EXITCODE_MONITOR]  = exit_hidden_insn,
	[VMCB_EXITCODE_MWAIT]    = exit_hidden_insn,
	[EXIT_SLOT_NPF]          = exit_npf,
	[EXIT_SLOT_INVALID]      = exit_invalid,
};

/*
 * Retire the intercepted instruction (exit_retire()): the next RIP is
 * VMCB nRIP when the CPU saves it (15.7.1), otherwise CS:RIP plus the
 * length from decoding the bytes there. Returns false (and stops the
 * run) if the bytes cannot be read or are not the instruction the exit
 * code names.
 */
static bool exit_advance_rip(struct vm *vm, struct svm_vcpu *vcpu)
{
	struct vmcb *v = vcpu->vmcb;
	uint8_t buf[INSN_MAX_LEN];
	enum insn_mode mode;
	uint64_t rip;
	int n, len = -1;

	if (svm_has(SVM_FEAT_NRIPS) && v->ctrl.nrip != 0) {
		rip = v->ctrl.nrip;
		goto done;
	}
	/*
	 * The intercepted instructions are short: fetch from the page of
	 * CS:RIP only, and walk the next page only if the bytes there do not
	 * hold the whole instruction.
	 */
	mode = insn_mode(vcpu);
	n = insn_fetch(vm, vcpu, buf, sizeof(buf), false);
	if (n > 0)
		len = insn_len_intercepted(v->ctrl.exitcode, buf, (unsigned)n, mode);
	if (len < 0 && n >= 0 && n < INSN_MAX_LEN) {
		n = insn_fetch(vm, vcpu, buf, sizeof(buf), true);
		if (n > 0)
			len = insn_len_intercepted(v->ctrl.exitcode, buf, (unsigned)n, mode);
	}
	if (n <= 0) {
		log_printf(LOG_ERR, "vm: cannot fetch the instruction at RIP 0x%llx for %s\n",
			   (unsigned long long)v->state.rip, vmcb_exitcode_str(v->ctrl.exitcode));
		goto error;
	}
	if (len < 0) {
		log_printf(LOG_ERR, "vm: bytes at RIP 0x%llx (%02x %02x %02x %02x) are not "
			   "the %s instruction\n", (unsigned long long)v->state.rip,
			   buf[0], n > 1 ? buf[1] : 0, n > 2 ? buf[2] : 0, n > 3 ? buf[3] : 0,
			   vmcb_exitcode_str(v->ctrl.exitcode));
		goto error;
	}
	/* IP/EIP wrap at the code size (SDM Vol.1 3.6: 16- and 32-bit code). */
	rip = v->state.rip + (uint64_t)len;
	if (mode == INSN_MODE_16)
		rip &= 0xffffULL;
	else if (mode == INSN_MODE_32)
		rip &= 0xffffffffULL;
done:
	exit_retire(vcpu, rip);
	return true;

error:
	vmcb_dump(v);
	vm_stop(vm, HV_STATUS_GUEST_ERROR);
	return false;
}

void exit_handle(struct vm *vm)
{
	struct svm_vcpu *vcpu = &vm->vcpu;
	const struct vmcb_ctrl *c = &vcpu->vmcb->ctrl;
	unsigned slot = exit_slot(c->exitcode);
	exit_handler_t h = exit_handlers[slot];

	vm->exit_stats[slot]++;
	if (log_level >= LOG_DEBUG)
		log_printf(LOG_DEBUG, "exit %s rip=0x%llx info1=0x%llx info2=0x%llx\n",
			   vmcb_exitcode_str(c->exitcode),
			   (unsigned long long)vcpu->vmcb->state.rip,
			   (unsigned long long)c->exitinfo1, (unsigned long long)c->exitinfo2);
	/* APM Vol.2 15.7.2: an event that was being delivered must be delivered again. */
	if ((c->exitintinfo & VMCB_CTRL_EVENTINJ_V) && c->exitcode != VMCB_EXITCODE_SHUTDOWN)
		vcpu->vmcb->ctrl.eventinj = c->exitintinfo;
	if (h == NULL)
		h = exit_unknown;
	if (h(vm, vcpu))
		exit_advance_rip(vm, vcpu);
}

void exit_stats_print(const struct vm *vm)
{
	char line[512];
	size_t len = 0;

	len += (size_t)fmt_snprintf(line, sizeof(line), "exit stats:");
	for (unsigned s = 0; s < EXIT_STAT_SLOTS; s++) {
		int n;

		if (vm->exit_stats[s] == 0)
			continue;
		n = fmt_snprintf(line + len, sizeof(line) - len, " %s=%llu",
				 vmcb_exitcode_str(exit_slot_code(s)),
				 (unsigned long long)vm->exit_stats[s]);
		if (n < 0 || (size_t)n >= sizeof(line) - len)
			break;
		len += (size_t)n;
	}
	kprintf("%s\n", line);
}
