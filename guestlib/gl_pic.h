/*
 * gl_pic.h - the two 8259A interrupt controllers of a PC (master at
 * 0x20/0x21, slave at 0xa0/0xa1 on the master's IRQ 2) and the ELCR
 * (0x4d0/0x4d1) that makes a line level-triggered. Sources: Intel 8259A
 * datasheet (ICW1-4, OCW1-3), PIIX3/PIIX4 datasheets (ELCR).
 *
 * IRQs are ISA numbers 0..15; the vector of IRQ n is base1 + n for n < 8
 * and base2 + n - 8 above.
 */
#ifndef GL_PIC_H
#define GL_PIC_H

#include <stdbool.h>
#include <stdint.h>

/*
 * ICW1-4: edge-triggered, cascaded, 8086 mode, normal (not automatic)
 * EOI, vector bases base1/base2 (multiples of 8). Leaves every IRQ
 * masked except the cascade (IRQ 2) and clears the ELCR.
 */
void gl_pic_init(uint8_t base1, uint8_t base2);

/* Mask (true) or unmask one IRQ (OCW1). */
void gl_pic_mask(unsigned irq, bool masked);

/* Mask every IRQ on both chips (e.g. before using the IOAPIC). */
void gl_pic_mask_all(void);

/* Non-specific EOI (OCW2) for irq: to the slave too when irq >= 8. */
void gl_pic_eoi(unsigned irq);

/* IRR and ISR of both chips (OCW3 read commands), slave in bits 15:8. */
uint16_t gl_pic_irr(void);
uint16_t gl_pic_isr(void);

/* ELCR bit of irq: level-triggered (true) or edge (false). */
void gl_pic_set_level(unsigned irq, bool level);

#endif /* GL_PIC_H */
