/*
 * gl_lapic.h - the local APIC of the test guests' vCPU, in xAPIC mode
 * (MMIO at 0xfee00000) or x2APIC mode (MSRs 0x800-0x8ff). Sources: SDM
 * Vol.3 ch.10 (10.4 APIC base and enabling, 10.5.4 timer, 10.6 ICR,
 * 10.8.5 EOI, 10.9 SVR, 10.12 x2APIC, 10.12.5 mode transitions), APM
 * Vol.2 ch.16.
 *
 * Registers are named by their xAPIC offset; in x2APIC mode the same
 * register is MSR 0x800 + offset / 16 (SDM Vol.3 Table 10-6). The xAPIC
 * page must be reachable at its physical address: pm32 guests have no
 * paging, pae/long guests call gl_pgmap_mmio() first.
 */
#ifndef GL_LAPIC_H
#define GL_LAPIC_H

#include <stdbool.h>
#include <stdint.h>
#include "bits.h"

#define GL_LAPIC_BASE        0xfee00000u
#define GL_MSR_APIC_BASE     0x1bu
#define GL_APIC_BASE_BSP     BIT(8)
#define GL_APIC_BASE_EXTD    BIT(10)        /* x2APIC mode */
#define GL_APIC_BASE_EN      BIT(11)
#define GL_MSR_TSC_DEADLINE  0x6e0u

/* Register offsets (SDM Vol.3 Table 10-1). */
#define GL_LAPIC_ID          0x020
#define GL_LAPIC_VER         0x030
#define GL_LAPIC_TPR         0x080
#define GL_LAPIC_PPR         0x0a0
#define GL_LAPIC_EOI         0x0b0
#define GL_LAPIC_LDR         0x0d0
#define GL_LAPIC_SVR         0x0f0
#define GL_LAPIC_ISR         0x100          /* 8 registers, 0x10 apart */
#define GL_LAPIC_TMR         0x180
#define GL_LAPIC_IRR         0x200
#define GL_LAPIC_ESR         0x280
#define GL_LAPIC_ICR         0x300          /* xAPIC: low half; 0x310 high */
#define GL_LAPIC_ICR_HI      0x310
#define GL_LAPIC_LVT_TIMER   0x320
#define GL_LAPIC_LVT_LINT0   0x350
#define GL_LAPIC_LVT_LINT1   0x360
#define GL_LAPIC_LVT_ERROR   0x370
#define GL_LAPIC_TIMER_ICR   0x380          /* initial count */
#define GL_LAPIC_TIMER_CCR   0x390          /* current count */
#define GL_LAPIC_TIMER_DCR   0x3e0          /* divide configuration */
#define GL_LAPIC_SELF_IPI    0x3f0          /* x2APIC only */

#define GL_LAPIC_SVR_ENABLE  BIT(8)

/* LVT and ICR fields (SDM Vol.3 Figures 10-8, 10-12). */
#define GL_LAPIC_VECTOR      BITS(7, 0)
#define GL_LAPIC_DM          BITS(10, 8)    /* delivery mode */
#define GL_LAPIC_DM_FIXED    0
#define GL_LAPIC_DM_NMI      4
#define GL_LAPIC_DM_EXTINT   7
#define GL_LAPIC_DS_PENDING  BIT(12)        /* delivery status (xAPIC ICR) */
#define GL_LAPIC_LEVEL_ASSERT BIT(14)
#define GL_LAPIC_TM_LEVEL    BIT(15)
#define GL_LAPIC_MASKED      BIT(16)
#define GL_LAPIC_TIMER_MODE  BITS(18, 17)
#define GL_LAPIC_TIMER_ONESHOT  0
#define GL_LAPIC_TIMER_PERIODIC 1
#define GL_LAPIC_TIMER_DEADLINE 2
#define GL_LAPIC_SHORTHAND   BITS(19, 18)   /* ICR destination shorthand */
#define GL_LAPIC_DCR_BY1     0xb            /* divide by 1 */

/* CPUID Fn0000_0001 ECX: x2APIC (bit 21), TSC-deadline timer (bit 24). */
bool gl_lapic_has_x2apic(void);
bool gl_lapic_has_tsc_deadline(void);

/*
 * Enable the LAPIC in xAPIC (x2 = false) or x2APIC mode through
 * IA32_APIC_BASE, leaving x2APIC mode through the disabled state as SDM
 * 10.12.5 requires; then SVR = enabled with spurious vector 0xff, TPR =
 * 0, the timer and error LVTs masked, LINT0 = ExtINT and LINT1 = NMI
 * (the PC's virtual wire, so the 8259 still reaches the CPU), ESR
 * cleared. Returns 0, or -1 if x2 is asked for and CPUID has no x2APIC.
 */
int gl_lapic_enable(bool x2);
bool gl_lapic_x2_mode(void);

uint32_t gl_lapic_read(unsigned reg);
void gl_lapic_write(unsigned reg, uint32_t v);

/* This LAPIC's ID: bits 31:24 of the ID register (xAPIC) or all 32. */
uint32_t gl_lapic_id(void);

void gl_lapic_eoi(void);

/* Bit vector of the 256-bit ISR/IRR/TMR (base = GL_LAPIC_ISR/IRR/TMR). */
bool gl_lapic_bit(unsigned base, unsigned vector);

/*
 * Send an IPI: icr is the low ICR word (vector, delivery mode, level,
 * shorthand), dest the destination APIC ID. xAPIC: high word first, then
 * the low word, then wait until the delivery status is idle.
 */
void gl_lapic_ipi(uint32_t icr, uint32_t dest);

/*
 * Arm the timer: LVT timer = lvt (vector, mode, mask), divide by 1,
 * initial count = count (0 stops it).
 */
void gl_lapic_timer(uint32_t lvt, uint32_t count);

/*
 * The timer's input clock in kHz after divide-by-1: CPUID 0x40000010
 * EBX when the hypervisor gives it, else measured against the TSC over
 * about 10 ms. 0 if the timer does not count.
 */
uint32_t gl_lapic_timer_khz(void);

#endif /* GL_LAPIC_H */
