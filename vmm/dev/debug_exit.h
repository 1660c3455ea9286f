/*
 * debug_exit.h - QEMU's isa-debug-exit device at port 0xf4: a write of
 * any width ends the run with the value written (the monitor turns the
 * value into the hypervisor's exit status, hv/status.h). Reads give
 * all-ones, as QEMU's.
 */
#ifndef DEBUG_EXIT_H
#define DEBUG_EXIT_H

#include "bus.h"

#define DEBUG_EXIT_PORT 0xf4

struct debug_exit {
	struct vmm_lock lock;
	void (*exit)(void *ctx, uint32_t value);
	void *ctx;
};

void debug_exit_init(struct debug_exit *d, void (*exit)(void *ctx, uint32_t value), void *ctx);

/* Register ports 0xf4-0xf7 (a 32-bit write at 0xf4 is one access). Returns 0 or -1. */
int debug_exit_attach(struct debug_exit *d, struct bus *bus);

#endif /* DEBUG_EXIT_H */
