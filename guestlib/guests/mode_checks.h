/*
 * mode_checks.h - what the files of the mode_* guests share: the checks
 * in mode_msr.c and mode_cpl3.c that guest_main() (mode_checks.c) calls,
 * and the constants they all use. Each check reports TAP lines.
 */
#ifndef MODE_CHECKS_H
#define MODE_CHECKS_H

#include <stdint.h>

/* An MSR in the third MSRPM range (its last one) that no list knows, and
 * one outside every MSRPM range (those always exit: APM Vol.2 15.11). */
#define MC_MSR_UNKNOWN_AMD  0xc0011fffu
#define MC_MSR_UNKNOWN_FAR  0x12345678u

#if defined(GL_MODE_LONG)
extern uint64_t gl_lm_pd[512];          /* gl_entry.S: 2 MiB pages, 0 .. 1 GiB */
extern uint64_t gl_lm_pdpt[512], gl_lm_pml4[512];
#if defined(GL_LA57)
extern uint64_t gl_lm_pml5[512];
#endif
#endif

/* mode_msr.c */
void mc_check_tsc(void);
void mc_check_tsc_write(void);
void mc_check_msrs(void);
void mc_check_ignored_msrs(void);
void mc_check_msr_rw(uint32_t msr, const char *name, uint64_t val);
void mc_check_efer(void);
void mc_check_efer_features(void);
void mc_check_canonical(void);

/* mode_cpl3.c (long mode only) */
void mc_check_vmmcall_cpl3(void);

#endif /* MODE_CHECKS_H */
