/*
 * intr.c - the host's interrupt and NMI handlers (see intr.h).
 */
#include "intr.h"
#include "host_lapic.h"
#include "host_pic.h"
#include "idt.h"
#include "log.h"
#include "uart.h"

/* intr_entry.S */
extern const uint64_t intr_pic_stubs[16];
extern const char intr_stub_timer[], intr_stub_spurious[], intr_stub_nmi[];

volatile uint64_t intr_events;          /* intr.h */
static volatile unsigned intr_nmis;
static volatile uintptr_t intr_nmi_rsp;  /* where the last NMI handler ran */

void intr_init(void)
{
	for (unsigned i = 0; i < 16; i++)
		idt_set_handler(HOST_VEC_PIC + i, intr_pic_stubs[i], 0);
	idt_set_handler(HOST_VEC_TIMER, (uint64_t)(uintptr_t)intr_stub_timer, 0);
	idt_set_handler(HOST_VEC_SPURIOUS, (uint64_t)(uintptr_t)intr_stub_spurious, 0);
	idt_set_handler(IDT_VEC_NMI, (uint64_t)(uintptr_t)intr_stub_nmi, IDT_IST_NMI);
	host_pic_init();
	host_lapic_init();
	uart_rx_enable();
}

void intr_dispatch(uint64_t vector)
{
	intr_events++;
	if (vector == HOST_VEC_TIMER) {
		host_lapic_eoi();
		return;
	}
	if (vector >= HOST_VEC_PIC && vector < HOST_VEC_PIC + 16) {
		unsigned irq = (unsigned)(vector - HOST_VEC_PIC);

		if (irq == HOST_IRQ_COM1)
			uart_rx_isr();
		host_pic_eoi(irq);
	}
}

void intr_nmi(void)
{
	intr_nmi_rsp = (uintptr_t)__builtin_frame_address(0);
	__atomic_add_fetch(&intr_nmis, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&intr_events, 1, __ATOMIC_RELAXED);
}

unsigned intr_nmi_take(void)
{
	return __atomic_exchange_n(&intr_nmis, 0, __ATOMIC_RELAXED);
}

uintptr_t intr_nmi_last_stack(void)
{
	return intr_nmi_rsp;
}
