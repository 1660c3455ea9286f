/*
 * exit.h - #VMEXIT dispatch: one table from exit code to handler, and the
 * per-exit-code statistics (APM Vol.2 15.6 "#VMEXIT", Appendix C).
 */
#ifndef HV_EXIT_H
#define HV_EXIT_H

#include <stdint.h>

struct svm_vcpu;
struct vm;

/*
 * Exit codes are sparse (0x000-0x0a4, 0x400-0x403, -1, -2): they are
 * folded into slots 0 .. EXIT_STAT_SLOTS-1 for the tables.
 */
#define EXIT_SLOT_NPF      0x100      /* 0x400..0x403 -> 0x100..0x103 */
#define EXIT_SLOT_INVALID  0x104      /* VMEXIT_INVALID (-1) */
#define EXIT_SLOT_OTHER    0x105      /* anything else (BUSY, unknown) */
#define EXIT_STAT_SLOTS    0x106

/* The slot of an exit code. */
unsigned exit_slot(uint64_t code);

/*
 * Handle the #VMEXIT that just happened on vm->vcpu: count it, trace it at
 * loglevel=debug, run its handler and advance RIP when the handler asks.
 * A condition that ends the run calls vm_stop(); the caller checks
 * vm->stopped.
 */
void exit_handle(struct vm *vm);

/* The MSRs the exit path keeps per vCPU to their reset values (TSC_AUX 0). */
void exit_msr_reset(struct svm_vcpu *vcpu);

/* Print "exit stats: NAME=count ..." (non-zero counts, exit-code order). */
void exit_stats_print(const struct vm *vm);

/*
 * exitprof=1: print "exit ticks: NAME=ticks ... idle=ticks run=ticks":
 * host TSC ticks from each exit of that kind to the next VMRUN, the ticks
 * asleep in HLT, which no kind is charged for, and the whole of vm_run()
 * (guest time = run - idle - the kinds' sum; hv/vm_run.c).
 */
void exit_ticks_print(const struct vm *vm);

#endif /* HV_EXIT_H */
