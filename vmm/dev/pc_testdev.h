/*
 * pc_testdev.h - QEMU's "pc-testdev" test device, as the kvm-unit-tests
 * and other test kernels written for QEMU's pc machine use it:
 *  - ports 0xe0-0xe3: a 32-bit scratch register; an access of any width
 *    at any of the four ports reads/writes its bytes from that port on;
 *  - ports 0xe4-0xe7: write-only (QEMU: a 32-bit write at 0xe4 flushes
 *    a page from the TLB; here such a write is a no-op that is counted);
 *  - ports 0xe8-0xeb: the bytes of the same 32-bit scratch register,
 *    byte-wide (QEMU decodes them with the 0xe0 handlers and 1-byte
 *    accesses: port 0xe8+k is byte k of what 0xe0 holds);
 *  - ports 0x2000-0x2017: writing V to 0x2000+n drives interrupt line n
 *    (ISA IRQ n into the 8259 and the IOAPIC for n < 16, IOAPIC pin n
 *    above) to level V != 0; reads give the line's level;
 *  - MMIO 0xff000000-0xff00ffff: 64 KiB that read back what was written,
 *    at any size and alignment. It is never mapped in the nested page
 *    tables, so every access is emulated by the Mem Assist.
 */
#ifndef PC_TESTDEV_H
#define PC_TESTDEV_H

#include "bus.h"
#include "irq.h"

#define PC_TESTDEV_LINES     24
#define PC_TESTDEV_MMIO_BASE 0xff000000ULL
#define PC_TESTDEV_MMIO_SIZE 0x10000u

struct pc_testdev {
	struct vmm_lock lock;
	uint32_t scratch;               /* 0xe0-0xe3, and byte-wide at 0xe8-0xeb */
	unsigned flushes;               /* 32-bit writes to 0xe4 */
	bool level[PC_TESTDEV_LINES];
	struct irq_line line[PC_TESTDEV_LINES];
	uint8_t mem[PC_TESTDEV_MMIO_SIZE];
};

/* lines[n]: where line n goes (the monitor connects them). */
void pc_testdev_init(struct pc_testdev *t, const struct irq_line lines[PC_TESTDEV_LINES]);

/* Register the ports and the MMIO window. Returns 0 or -1. */
int pc_testdev_attach(struct pc_testdev *t, struct bus *bus);

#endif /* PC_TESTDEV_H */
