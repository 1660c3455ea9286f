/*
 * exit_priv.h - shared by the exit handlers (exit.c, exit_cpuid.c,
 * exit_msr.c, exit_io.c). Not for other subsystems.
 */
#ifndef HV_EXIT_PRIV_H
#define HV_EXIT_PRIV_H

#include <stdbool.h>

#include "event.h"
#include "exit.h"
#include "svm.h"
#include "vm.h"
#include "x86_assist.h"
#include "x86_machine.h"

/*
 * An exit handler. Returns true when RIP must advance past the intercepted
 * instruction (done once, in exit_handle(), from nRIP or our length
 * decoder), false when the handler set RIP itself, injected an exception
 * (the instruction is not retired) or stopped the run.
 */
typedef bool (*exit_handler_t)(struct vm *vm, struct svm_vcpu *vcpu);

/* DR6 bit the single-step trap sets (SDM Vol.3 17.2.3; APM Vol.2 13.1.1, DR6). */
#define EXIT_DR6_BS     BIT(14)
/* RFLAGS.RF, resume flag (SDM Vol.3 17.3.1.1; x86_state.h names no RF). */
#define EXIT_RFLAGS_RF  BIT(16)

/*
 * The cold half of exit_retire(): the guest had RFLAGS.TF set, so the
 * instruction just retired ends with a single-step trap. exit.c.
 */
__attribute__((cold)) void exit_single_step(struct svm_vcpu *vcpu);

/*
 * Retire the intercepted instruction as the CPU would have: RIP moves to
 * next_rip, the STI / MOV SS interrupt shadow ends, RFLAGS.RF is cleared
 * (the CPU clears it when an instruction completes, SDM Vol.3 17.3.1.1:
 * left set, it would suppress an instruction breakpoint on next_rip),
 * and with RFLAGS.TF set the single-step #DB is raised right after it
 * (SDM Vol.3 17.3.1.4, APM Vol.2 13.1.1: a trap after the instruction;
 * DR6.BS set). Every path that completes an instruction on the guest's
 * behalf goes through here (exit_advance_rip() in exit.c, IOIO in
 * exit_io.c). A handler that injects an exception instead does not
 * retire: no single-step trap then, and RF stays as the guest had it.
 *
 * On the path of every CPUID/MSR/IOIO exit: three stores and one test.
 */
static inline void exit_retire(struct svm_vcpu *vcpu, uint64_t next_rip)
{
	struct vmcb *v = vcpu->vmcb;

	v->state.rip = next_rip;
	v->ctrl.intr_shadow &= ~VMCB_CTRL_INTR_SHADOW;
	v->state.rflags &= ~EXIT_RFLAGS_RF;
	if (__builtin_expect((v->state.rflags & X86_RFLAGS_TF) != 0, 0))
		exit_single_step(vcpu);
}

bool exit_cpuid(struct vm *vm, struct svm_vcpu *vcpu);      /* exit_cpuid.c */
/*
 * The CPUID policy applied to what the host returned for leaf/subleaf in
 * r (EAX..EDX), given the guest state s (CR4). Pure: tests/unit runs it.
 */
void exit_cpuid_filter(const struct vmcb_state *s, uint32_t leaf, uint32_t subleaf,
		       uint32_t r[4]);
bool exit_msr(struct vm *vm, struct svm_vcpu *vcpu);        /* exit_msr.c */
bool exit_ioio(struct vm *vm, struct svm_vcpu *vcpu);       /* exit_io.c */
bool exit_npf(struct vm *vm, struct svm_vcpu *vcpu);        /* exit_assist.c */

/*
 * The end of an exit an assist handled (exit_assist.c): st is the state
 * it worked on, res its result. Done: state written back and the
 * instruction retired (not a REP with iterations left); exception:
 * queued; unsupported: logged with the bytes, #UD; error: logged, VMCB
 * dump, run stopped. what names the access for the log. Returns false
 * (the handler's RIP is settled).
 */
bool exit_assist_finish(struct vm *vm, struct svm_vcpu *vcpu, struct x86_state *st,
			const struct x86_assist_result *res, const char *what);

#endif /* HV_EXIT_PRIV_H */
