/*
 * host_pic.h - the physical 8259 pair, as the hypervisor uses it: moved
 * off the exception vectors to HOST_VEC_PIC..+15, every line masked but
 * COM1's (IRQ 4), whose receive interrupt brings console input to the
 * guest. It reaches the CPU through the local APIC's LINT0 (ExtINT).
 */
#ifndef HV_HOST_PIC_H
#define HV_HOST_PIC_H

#include <stdbool.h>

#define HOST_VEC_PIC   0x20            /* IRQ n -> vector 0x20 + n */
#define HOST_IRQ_COM1  4

/* Initialise both chips (ICW1-4) and unmask IRQ 4 only. */
void host_pic_init(void);

/*
 * End of interrupt for irq. Returns false (and sends no EOI) if irq 7 or
 * 15 was spurious: not in service (8259A datasheet, spurious interrupt).
 */
bool host_pic_eoi(unsigned irq);

#endif /* HV_HOST_PIC_H */
