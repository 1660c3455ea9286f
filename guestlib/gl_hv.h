/*
 * gl_hv.h - what the test guests ask svmhv itself (include/guest_abi.h):
 * whether they run under it, and its per-exit-code counters.
 */
#ifndef GL_HV_H
#define GL_HV_H

#include <stdbool.h>
#include <stdint.h>

/* SVM exit codes the guests count (APM Vol.2 Appendix C). */
#define GL_EXIT_INTR    0x60u
#define GL_EXIT_CPUID   0x72u
#define GL_EXIT_HLT     0x78u
#define GL_EXIT_IOIO    0x7bu
#define GL_EXIT_MSR     0x7cu
#define GL_EXIT_VMMCALL 0x81u
#define GL_EXIT_NPF     0x400u

/* CPUID: hypervisor bit set and leaf 0x40000000 spells "BareMetalSVM". */
bool gl_hv_is_svmhv(void);

/*
 * VMMCALL EAX=GUEST_VMMCALL_EXIT_COUNT, EBX=code: the number of exits
 * with that code so far. Returns 0 and *count, or -1 if VMMCALL raised
 * an exception (#UD on plain QEMU or any CPU without svmhv).
 */
int gl_hv_exit_count(uint32_t code, uint64_t *count);

#endif /* GL_HV_H */
