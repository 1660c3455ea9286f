/*
 * gl_pit.h - the 8254 programmable interval timer of a PC: counters 0-2
 * at ports 0x40-0x42, the control word at 0x43 (Intel 8254 datasheet),
 * and counter 2's GATE and OUT through port 0x61 (PIIX/ICH "NMI Status
 * and Control": bit 0 GATE2, bit 1 speaker data enable, bit 5 OUT2).
 * Counter 0's OUT is ISA IRQ 0 (IOAPIC pin 2 on QEMU's pc and on svmhv).
 */
#ifndef GL_PIT_H
#define GL_PIT_H

#include <stdbool.h>
#include <stdint.h>

#define GL_PIT_HZ 1193182u              /* input clock, 14.31818 MHz / 12 */

/* Counter modes (control word bits 3:1). */
#define GL_PIT_MODE_ONESHOT 0           /* interrupt on terminal count */
#define GL_PIT_MODE_RATE    2           /* rate generator */
#define GL_PIT_MODE_SQUARE  3           /* square wave */

/*
 * Program counter ch (0-2) in mode, binary, LSB then MSB, and load
 * count (0 means 65536). The counter starts with the MSB write (gate
 * permitting).
 */
void gl_pit_start(unsigned ch, unsigned mode, uint16_t count);

/* Latch counter ch (counter latch command) and read its count. */
uint16_t gl_pit_read(unsigned ch);

/* Port 0x61: GATE2 on/off (speaker output off), and OUT2. */
void gl_pit_gate2(bool on);
bool gl_pit_out2(void);

#endif /* GL_PIT_H */
