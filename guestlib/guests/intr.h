/*
 * intr.h - shared parts of the interrupt guests intr_real, intr_pm32 and
 * intr_long (intr_main.c and the intr_*.c test groups).
 *
 * Vectors: the 8259s at 0x20/0x28, IOAPIC routes at 0x40.., LAPIC timer
 * 0x50, IPIs 0x60, LAPIC spurious 0xff. The pc-testdev line used for the
 * edge/level tests is ISA IRQ 5 (free on QEMU's pc and on svmhv):
 * writing V to port 0x2000 + n drives ISA IRQ n to level V, into the
 * 8259 and the IOAPIC pin n.
 */
#ifndef INTR_H
#define INTR_H

#include <stdbool.h>
#include <stdint.h>

#define IV_PIC1          0x20
#define IV_PIC2          0x28
#define IV_IOAPIC_PIT    0x40
#define IV_IOAPIC_EDGE   0x45
#define IV_IOAPIC_LEVEL  0x46
#define IV_TIMER         0x50
#define IV_IPI           0x60
#define IV_SPURIOUS      0xff

#define IRQ_PIT          0
#define IRQ_LINE         5              /* the pc-testdev line we drive */
#define IOAPIC_PIN_PIT   2              /* ISA IRQ 0 arrives on pin 2 */
#define PORT_TESTDEV_IRQ 0x2000

#define PIT_1KHZ         1193           /* 1193182 / 1193 = 1000.15 Hz */
#define TICK_WINDOW_US   100000         /* count ticks over 100 ms */

/* intr_main.c */
void intr_line(unsigned irq, bool level);
bool intr_wait(volatile unsigned *cnt, unsigned want, uint64_t us);
unsigned intr_count_ticks(volatile unsigned *ticks, uint64_t window_us);
void intr_edge_checks(const char *via, volatile unsigned *cnt);
bool intr_in_range(unsigned n, unsigned want, unsigned tol);

/* The test groups. */
void intr_pic_tests(void);              /* intr_pic.c: 8259 + PIT, all modes */
void intr_apic_tests(void);             /* intr_apic.c: IOAPIC routes */
void intr_timer_tests(bool x2);         /* intr_timer.c: LAPIC timer, IPIs */
void intr_shadow_tests(void);           /* intr_shadow.c: STI / MOV SS shadows */
void intr_nmi_tests(bool external);     /* intr_nmi.c */

#endif /* INTR_H */
