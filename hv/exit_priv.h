/*
 * exit_priv.h - shared by the exit handlers (exit.c, exit_cpuid.c,
 * exit_msr.c, exit_io.c). Not for other subsystems.
 */
#ifndef HV_EXIT_PRIV_H
#define HV_EXIT_PRIV_H

#include <stdbool.h>

#include "exit.h"
#include "svm.h"
#include "vm.h"
#include "x86_machine.h"

/*
 * An exit handler. Returns true when RIP must advance past the intercepted
 * instruction (done once, in exit_handle(), from nRIP or our length
 * decoder), false when the handler set RIP itself, injected an exception
 * (the instruction is not retired) or stopped the run.
 */
typedef bool (*exit_handler_t)(struct vm *vm, struct svm_vcpu *vcpu);

bool exit_cpuid(struct vm *vm, struct svm_vcpu *vcpu);      /* exit_cpuid.c */
bool exit_msr(struct vm *vm, struct svm_vcpu *vcpu);        /* exit_msr.c */
bool exit_ioio(struct vm *vm, struct svm_vcpu *vcpu);       /* exit_io.c */

/*
 * The port-I/O callback registered in vm->mach (ctx is the struct vm):
 * COM1 data port -> console, 0xf4 -> end of run, everything else reads
 * all-ones and ignores writes (the devices issue replaces the defaults).
 */
void exit_io_port(void *ctx, struct x86_io *io);

/* Print what is left in the guest console line buffer. */
void exit_io_console_flush(struct vm *vm);

#endif /* HV_EXIT_PRIV_H */
