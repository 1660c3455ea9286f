/*
 * tap.h - TAP (Test Anything Protocol) reporter of the test guests.
 *
 *   ok 3 - cpuid: hypervisor bit set
 *   not ok 4 - rdmsr NB_CFG # wanted 0x40000000000000 got 0x0
 *   ok 5 - efer.nxe # SKIP no NX
 *   1..5
 *
 * The plan is printed by tap_plan() before the checks or, if the guest did
 * not call it, by tap_done() after them. tap_done() ends the run with status
 * 0 if every check passed and the count matches the plan, else 1.
 */
#ifndef TAP_H
#define TAP_H

#include <stdint.h>
#include <stdbool.h>

void tap_plan(unsigned n);
__attribute__((format(printf, 2, 3))) bool tap_ok(bool cond, const char *fmt, ...);
/* ok iff got == want; on failure appends "# wanted 0x.. got 0x..". */
__attribute__((format(printf, 3, 4))) bool tap_eq(uint64_t got, uint64_t want, const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void tap_skip(const char *why, const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void tap_diag(const char *fmt, ...);
unsigned tap_failures(void);
__attribute__((noreturn)) void tap_done(void);

#endif /* TAP_H */
