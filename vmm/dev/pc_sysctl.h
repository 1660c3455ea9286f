/*
 * pc_sysctl.h - the chipset's system control ports: port 0x92 (System
 * Control Port A: bit 0 fast CPU reset on a 0->1 write, bit 1 A20) and
 * port 0xcf9 (Reset Control Register: a write with RST_CPU (bit 2) set
 * resets, SYS_RST (bit 1) and FULL_RST (bit 3) are kept and read back).
 *
 * Source: Intel PIIX4 and ICH datasheets.
 */
#ifndef PC_SYSCTL_H
#define PC_SYSCTL_H

#include "bus.h"

struct pc_sysctl {
	struct vmm_lock lock;
	uint8_t port92;
	uint8_t cf9;
	void (*reset)(void *ctx, const char *why);
	void *ctx;
};

void pc_sysctl_init(struct pc_sysctl *s, void (*reset)(void *ctx, const char *why), void *ctx);

/* Register ports 0x92 and 0xcf9. Returns 0 or -1. */
int pc_sysctl_attach(struct pc_sysctl *s, struct bus *bus);

#endif /* PC_SYSCTL_H */
