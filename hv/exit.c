/*
 * exit.c - #VMEXIT dispatch, exit statistics, and the handlers that fit
 * in a few lines (physical interrupts and NMIs, interrupt and NMI
 * windows, HLT, shutdown, VMMCALL, the SVM instructions, reflected
 * exceptions, invalid guest state).
 *
 * The larger policies live next door: CPUID in exit_cpuid.c, MSRs in
 * exit_msr.c, port I/O in exit_io.c, MMIO in exit_assist.c.
 */
#include "exit_priv.h"
#include "fmt.h"
#include "guest_abi.h"
#include "insn_fetch.h"
#include "intr.h"
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

/*
 * INTR (15.21.1): a physical interrupt arrived while the guest ran. It is
 * still pending (IF was cleared before STGI): take it now. The handler
 * marks the work (a timer, console input) for the vCPU loop.
 */
static bool exit_intr(struct vm *vm, struct svm_vcpu *vcpu)
{
	(void)vm;
	(void)vcpu;
	intr_poll();
	return false;
}

/*
 * NMI (15.9): a physical NMI arrived while the guest ran. The host's NMI
 * handler has taken it at STGI (NMIs ignore IF, hv/intr.h) and counted
 * it; the vCPU loop logs it and passes it on to the guest's LINT1.
 */
static bool exit_nmi(struct vm *vm, struct svm_vcpu *vcpu)
{
	(void)vm;
	(void)vcpu;
	return false;
}

/* VINTR (15.21.4): the guest can take the interrupt that waits: event.c delivers it. */
static bool exit_vintr(struct vm *vm, struct svm_vcpu *vcpu)
{
	(void)vm;
	event_vintr(vcpu);
	return false;
}

/* IRET (15.9): the guest leaves its NMI handler; the IRET itself runs on. */
static bool exit_iret(struct vm *vm, struct svm_vcpu *vcpu)
{
	(void)vm;
	event_iret(vcpu);
	return false;
}

/*
 * HLT (15.9): retire the instruction; the vCPU loop then sleeps until an
 * interrupt the guest takes (vm_run.c), or ends the run if the guest
 * halted with interrupts disabled.
 */
static bool exit_hlt(struct vm *vm, struct svm_vcpu *vcpu)
{
	(void)vcpu;
	vm->halted = true;
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

	if (vcpu->vmcb->state.cpl != 0) {
		log_printf(LOG_DEBUG, "vm: VMMCALL at CPL %u -> #UD\n",
			   (unsigned)vcpu->vmcb->state.cpl);
		event_ud(vcpu);
		return false;
	}
	switch (fn) {
	case GUEST_VMMCALL_PING:
		vcpu->gpr[X86_GPR_RAX] = GUEST_VMMCALL_PONG;
		return true;
	case GUEST_VMMCALL_EXIT_COUNT:
		vcpu->gpr[X86_GPR_RAX] = vm->exit_stats[exit_slot(vcpu->gpr[X86_GPR_RBX])];
		return true;
	default:
		log_printf(LOG_DEBUG, "vm: VMMCALL function 0x%x unknown -> #UD\n", fn);
		event_ud(vcpu);
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
	event_ud(vcpu);
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
 * An event that was being delivered when this one struck (EXITINTINFO)
 * stays queued and goes first (hv/event.h). A #DB that ends one of the
 * hypervisor's own single-steps (an NMI window) is not the guest's.
 */
static bool exit_exc_reflect(struct vm *vm, struct svm_vcpu *vcpu)
{
	uint8_t vec = (uint8_t)(vcpu->vmcb->ctrl.exitcode - VMCB_EXITCODE_EXC(0));

	(void)vm;
	if (vec == X86_EXC_DB && event_step_done(vcpu))
		return false;
	event_exception(vcpu, vec, vec == X86_EXC_AC, 0, 0);
	return false;
}

void exit_single_step(struct svm_vcpu *vcpu)
{
	struct vmcb *v = vcpu->vmcb;

	if (event_step_done(vcpu))
		return;
	v->state.dr6 |= EXIT_DR6_BS;
	event_exception(vcpu, X86_EXC_DB, false, 0, 0);
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
	[VMCB_EXITCODE_NMI]      = exit_nmi,
	[VMCB_EXITCODE_VINTR]    = exit_vintr,
	[VMCB_EXITCODE_IRET]     = exit_iret,
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
 * decoded length (insn_fetch.h: the remembered length of the same
 * instruction, or a fetch and decode). Returns false (and
 * stops the run) if the bytes cannot be read or are not the instruction
 * the exit code names.
 */
static bool exit_advance_rip(struct vm *vm, struct svm_vcpu *vcpu)
{
	struct vmcb *v = vcpu->vmcb;
	uint64_t rip;

	if (v->ctrl.nrip != 0 && svm_has(SVM_FEAT_NRIPS)) {
		rip = v->ctrl.nrip;
	} else if (!insn_next_rip_cached(&vcpu->fetch_cache, v, &rip) &&
		   insn_next_rip_slow(vm, vcpu, &rip) != 0) {
		log_printf(LOG_ERR, "vm: cannot find the next RIP after %s at RIP 0x%llx\n",
			   vmcb_exitcode_str(v->ctrl.exitcode), (unsigned long long)v->state.rip);
		vmcb_dump(v);
		vm_stop(vm, HV_STATUS_GUEST_ERROR);
		return false;
	}
	exit_retire(vcpu, rip);
	return true;
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
	if (h == NULL)
		h = exit_unknown;
	if (h(vm, vcpu))
		exit_advance_rip(vm, vcpu);
}

/* Print "LABEL NAME=v ..." for the non-zero slots of v, then the extra words in tail. */
static void exit_line_print(const char *label, const uint64_t *v, const char *tail)
{
	char line[768];
	size_t len = 0;

	len += (size_t)fmt_snprintf(line, sizeof(line), "%s", label);
	for (unsigned s = 0; s < EXIT_STAT_SLOTS; s++) {
		int n;

		if (v[s] == 0)
			continue;
		n = fmt_snprintf(line + len, sizeof(line) - len, " %s=%llu",
				 vmcb_exitcode_str(exit_slot_code(s)), (unsigned long long)v[s]);
		if (n < 0 || (size_t)n >= sizeof(line) - len)
			break;
		len += (size_t)n;
	}
	kprintf("%s%s\n", line, tail);
}

void exit_stats_print(const struct vm *vm)
{
	exit_line_print("exit stats:", vm->exit_stats, "");
}

void exit_ticks_print(const struct vm *vm)
{
	char tail[64];

	fmt_snprintf(tail, sizeof(tail), " idle=%llu run=%llu", (unsigned long long)vm->idle_ticks,
		     (unsigned long long)vm->run_ticks);
	exit_line_print("exit ticks:", vm->exit_ticks, tail);
}
