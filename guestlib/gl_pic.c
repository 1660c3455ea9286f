/*
 * gl_pic.c - 8259A programming for the test guests (see gl_pic.h).
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_pic.h"

#define GL_PIC1_CMD   0x20
#define GL_PIC1_DATA  0x21
#define GL_PIC2_CMD   0xa0
#define GL_PIC2_DATA  0xa1
#define GL_ELCR1      0x4d0
#define GL_ELCR2      0x4d1

/* 8259A datasheet: ICW1 has bit 4 set; D0 = ICW4 needed, D1 = single. */
#define GL_PIC_ICW1_INIT  BIT(4)
#define GL_PIC_ICW1_ICW4  BIT(0)
#define GL_PIC_ICW4_8086  BIT(0)
#define GL_PIC_CASCADE    2               /* the slave's INT on master IR2 */
#define GL_PIC_OCW2_EOI   0x20            /* non-specific EOI */
#define GL_PIC_OCW3       0x08            /* D4:D3 = 01 selects OCW3 */
#define GL_PIC_OCW3_RR    BIT(1)          /* read register command */
#define GL_PIC_OCW3_RIS   BIT(0)          /* 1: ISR, 0: IRR */

static void gl_pic_chip_init(uint16_t cmd, uint16_t data, uint8_t base,
    uint8_t icw3, uint8_t mask)
{
	gl_outb(cmd, GL_PIC_ICW1_INIT | GL_PIC_ICW1_ICW4);
	gl_outb(data, base);                    /* ICW2: vector base */
	gl_outb(data, icw3);                    /* ICW3: cascade wiring */
	gl_outb(data, GL_PIC_ICW4_8086);        /* ICW4 */
	gl_outb(data, mask);                    /* OCW1 */
}

void gl_pic_init(uint8_t base1, uint8_t base2)
{
	/* Master: slave on IR2 (bit mask); slave: its cascade ID is 2. */
	gl_pic_chip_init(GL_PIC1_CMD, GL_PIC1_DATA, base1,
	    (uint8_t)BIT(GL_PIC_CASCADE), (uint8_t)~BIT(GL_PIC_CASCADE));
	gl_pic_chip_init(GL_PIC2_CMD, GL_PIC2_DATA, base2, GL_PIC_CASCADE, 0xff);
	gl_outb(GL_ELCR1, 0);
	gl_outb(GL_ELCR2, 0);
}

void gl_pic_mask(unsigned irq, bool masked)
{
	uint16_t port = irq < 8 ? GL_PIC1_DATA : GL_PIC2_DATA;
	uint8_t bit = (uint8_t)BIT(irq & 7);
	uint8_t m = gl_inb(port);

	gl_outb(port, masked ? (uint8_t)(m | bit) : (uint8_t)(m & ~bit));
}

void gl_pic_mask_all(void)
{
	gl_outb(GL_PIC1_DATA, 0xff);
	gl_outb(GL_PIC2_DATA, 0xff);
}

void gl_pic_eoi(unsigned irq)
{
	if (irq >= 8)
		gl_outb(GL_PIC2_CMD, GL_PIC_OCW2_EOI);
	gl_outb(GL_PIC1_CMD, GL_PIC_OCW2_EOI);
}

static uint16_t gl_pic_read_reg(uint8_t ocw3)
{
	uint16_t v;

	gl_outb(GL_PIC1_CMD, ocw3);
	gl_outb(GL_PIC2_CMD, ocw3);
	v = gl_inb(GL_PIC1_CMD);
	v |= (uint16_t)(gl_inb(GL_PIC2_CMD) << 8);
	return v;
}

uint16_t gl_pic_irr(void)
{
	return gl_pic_read_reg(GL_PIC_OCW3 | GL_PIC_OCW3_RR);
}

uint16_t gl_pic_isr(void)
{
	return gl_pic_read_reg(GL_PIC_OCW3 | GL_PIC_OCW3_RR | GL_PIC_OCW3_RIS);
}

void gl_pic_set_level(unsigned irq, bool level)
{
	uint16_t port = irq < 8 ? GL_ELCR1 : GL_ELCR2;
	uint8_t bit = (uint8_t)BIT(irq & 7);
	uint8_t v = gl_inb(port);

	gl_outb(port, level ? (uint8_t)(v | bit) : (uint8_t)(v & ~bit));
}
