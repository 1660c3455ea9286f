/*
 * xmm.h - the guest's XMM registers, for SSE moves the Mem Assist
 * emulates. The hypervisor is built with -mgeneral-regs-only and never
 * touches SSE state, so the physical XMM registers hold the guest's
 * values between VMRUNs (VMRUN does not switch them: APM Vol.2 15.5.1).
 */
#ifndef HV_XMM_H
#define HV_XMM_H

#include <stdbool.h>
#include <stdint.h>

/* Copy XMM<reg> (0-15) to data, or data to XMM<reg> when write. */
void xmm_access(unsigned reg, bool write, uint8_t data[16]);

#endif /* HV_XMM_H */
