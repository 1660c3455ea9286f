/*
 * gl_ioapic.h - the I/O APIC at 0xfec00000 (IOREGSEL at +0x00, IOWIN at
 * +0x10). Source: Intel 82093AA I/O APIC datasheet (registers ID 0x00,
 * VER 0x01, ARB 0x02, redirection table 0x10 + 2 * pin, low then high
 * dword). On QEMU's pc and on svmhv: 24 pins, ISA IRQ 0 (the PIT) on pin
 * 2, other ISA IRQ n on pin n, all active-high edge by default.
 */
#ifndef GL_IOAPIC_H
#define GL_IOAPIC_H

#include <stdint.h>
#include "bits.h"

#define GL_IOAPIC_BASE       0xfec00000u
#define GL_IOAPIC_REG_ID     0x00
#define GL_IOAPIC_REG_VER    0x01
#define GL_IOAPIC_REG_RTE    0x10

/* Redirection entry (82093AA 3.2.4). */
#define GL_IOAPIC_VECTOR     BITS(7, 0)
#define GL_IOAPIC_DM         BITS(10, 8)    /* 0 fixed, 4 NMI, 7 ExtINT */
#define GL_IOAPIC_DESTMOD    BIT(11)        /* 1: logical */
#define GL_IOAPIC_DELIVS     BIT(12)
#define GL_IOAPIC_POLARITY   BIT(13)        /* 1: active low */
#define GL_IOAPIC_REMOTE_IRR BIT(14)
#define GL_IOAPIC_LEVEL      BIT(15)        /* trigger mode: 1 level */
#define GL_IOAPIC_MASKED     BIT(16)
#define GL_IOAPIC_DEST       BITS(63, 56)

uint32_t gl_ioapic_read(uint8_t reg);
void gl_ioapic_write(uint8_t reg, uint32_t v);

/* Number of pins (VER bits 23:16 + 1). */
unsigned gl_ioapic_pins(void);

uint64_t gl_ioapic_rte(unsigned pin);
/* Write the high dword first, then the low one (which may unmask). */
void gl_ioapic_set_rte(unsigned pin, uint64_t rte);

/* Fixed delivery of vector to APIC ID dest, flags = GL_IOAPIC_LEVEL etc. */
void gl_ioapic_route(unsigned pin, uint8_t vector, uint64_t flags, uint8_t dest);

/* Mask every pin. */
void gl_ioapic_mask_all(void);

#endif /* GL_IOAPIC_H */
