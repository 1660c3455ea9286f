/*
 * host_pic.c - the host's 8259A pair (see host_pic.h; Intel 8259A
 * datasheet: ICW1-4, OCW2 non-specific EOI, OCW3 read ISR).
 */
#include "host_pic.h"
#include "io.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1
#define PIC_ICW1_INIT_ICW4 0x11         /* edge, cascade, ICW4 follows */
#define PIC_ICW4_8086      0x01
#define PIC_OCW2_EOI       0x20
#define PIC_OCW3_READ_ISR  0x0b

void host_pic_init(void)
{
	outb(PIC1_CMD, PIC_ICW1_INIT_ICW4);
	outb(PIC2_CMD, PIC_ICW1_INIT_ICW4);
	outb(PIC1_DATA, HOST_VEC_PIC);
	outb(PIC2_DATA, HOST_VEC_PIC + 8);
	outb(PIC1_DATA, 1u << 2);               /* slave on IRQ 2 */
	outb(PIC2_DATA, 2);                     /* slave identity */
	outb(PIC1_DATA, PIC_ICW4_8086);
	outb(PIC2_DATA, PIC_ICW4_8086);
	outb(PIC1_DATA, (uint8_t)~(1u << HOST_IRQ_COM1));
	outb(PIC2_DATA, 0xff);
}

static bool host_pic_in_service(uint16_t cmd, unsigned bit)
{
	outb(cmd, PIC_OCW3_READ_ISR);
	return (inb(cmd) >> bit) & 1;
}

bool host_pic_eoi(unsigned irq)
{
	if (irq == 7 && !host_pic_in_service(PIC1_CMD, 7))
		return false;
	if (irq == 15 && !host_pic_in_service(PIC2_CMD, 7)) {
		outb(PIC1_CMD, PIC_OCW2_EOI);           /* the master did see IRQ 2 */
		return false;
	}
	if (irq >= 8)
		outb(PIC2_CMD, PIC_OCW2_EOI);
	outb(PIC1_CMD, PIC_OCW2_EOI);
	return true;
}
