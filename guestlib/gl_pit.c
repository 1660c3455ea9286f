/*
 * gl_pit.c - 8254 programming for the test guests (see gl_pit.h).
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_pit.h"

#define GL_PIT_CH0       0x40
#define GL_PIT_CTRL      0x43
#define GL_PORT_61       0x61

/* Control word fields (8254 datasheet, "Control Word Format"). */
#define GL_PIT_CW_SC     BITS(7, 6)      /* select counter */
#define GL_PIT_CW_RW     BITS(5, 4)      /* 0: latch, 3: LSB then MSB */
#define GL_PIT_CW_MODE   BITS(3, 1)
#define GL_PIT_RW_LSBMSB 3

#define GL_61_GATE2      BIT(0)
#define GL_61_SPEAKER    BIT(1)
#define GL_61_OUT2       BIT(5)

void gl_pit_start(unsigned ch, unsigned mode, uint16_t count)
{
	gl_outb(GL_PIT_CTRL, (uint8_t)(SHIFTIN(ch, GL_PIT_CW_SC) |
	    SHIFTIN(GL_PIT_RW_LSBMSB, GL_PIT_CW_RW) | SHIFTIN(mode, GL_PIT_CW_MODE)));
	gl_outb((uint16_t)(GL_PIT_CH0 + ch), (uint8_t)count);
	gl_outb((uint16_t)(GL_PIT_CH0 + ch), (uint8_t)(count >> 8));
}

uint16_t gl_pit_read(unsigned ch)
{
	uint16_t v;

	gl_outb(GL_PIT_CTRL, (uint8_t)SHIFTIN(ch, GL_PIT_CW_SC));   /* latch */
	v = gl_inb((uint16_t)(GL_PIT_CH0 + ch));
	v |= (uint16_t)(gl_inb((uint16_t)(GL_PIT_CH0 + ch)) << 8);
	return v;
}

void gl_pit_gate2(bool on)
{
	uint8_t v = gl_inb(GL_PORT_61) & (uint8_t)~(GL_61_SPEAKER | GL_61_GATE2);

	gl_outb(GL_PORT_61, on ? (uint8_t)(v | GL_61_GATE2) : v);
}

bool gl_pit_out2(void)
{
	return gl_inb(GL_PORT_61) & GL_61_OUT2;
}
