/*
 * uart.c - guest uart: the 16550A on COM1 driven by interrupts (IRQ 4
 * through the 8259), as an OS driver would (PC16550D datasheet: IER,
 * IIR, FCR, LCR, MCR, LSR; the PC gates INTR with MCR.OUT2).
 *
 *   registers  LCR, the divisor latch and SCR read back; FCR enables the
 *              FIFOs (IIR bits 7:6 = 11)
 *   transmit   three lines of text queued and sent from the THRE
 *              interrupt, up to 16 bytes (the FIFO) per interrupt; the
 *              test compares what reaches the console
 *   receive    the guest prints "uart: type a line:" and takes the line
 *              the test then types (ending in CR or LF) from RX
 *              interrupts, echoes it as 'uart: got "..."' and checks it
 *              against the line the test is known to send
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_intr.h"
#include "gl_pic.h"
#include "gl_printf.h"
#include "gl_tsc.h"
#include "tap.h"

#define UA_BASE      0x3f8
#define UA_RBR       (UA_BASE + 0)           /* DLAB=0: RBR/THR; DLAB=1: DLL */
#define UA_IER       (UA_BASE + 1)           /* DLAB=1: DLM */
#define UA_IIR       (UA_BASE + 2)           /* write: FCR */
#define UA_LCR       (UA_BASE + 3)
#define UA_MCR       (UA_BASE + 4)
#define UA_LSR       (UA_BASE + 5)
#define UA_MSR       (UA_BASE + 6)
#define UA_SCR       (UA_BASE + 7)
#define UA_IRQ       4
#define UA_VEC       (0x20 + UA_IRQ)

#define UA_IER_RDA   BIT(0)
#define UA_IER_THRE  BIT(1)
#define UA_IIR_NONE  BIT(0)
#define UA_IIR_ID    BITS(3, 1)
#define UA_IIR_MSR   0x0
#define UA_IIR_THRE  0x2
#define UA_IIR_RDA   0x4
#define UA_IIR_RLS   0x6
#define UA_IIR_CTI   0xc
#define UA_IIR_FIFO  BITS(7, 6)
#define UA_FCR_ON    0x07                    /* enable, clear RX and TX, trigger 1 */
#define UA_LCR_8N1   0x03
#define UA_LCR_DLAB  BIT(7)
#define UA_MCR_OUT2  0x0b                    /* DTR, RTS, OUT2 */
#define UA_LSR_DR    BIT(0)
#define UA_LSR_TEMT  BIT(6)
#define UA_FIFO      16

#define UA_RX_MAX    128
#define UA_TX_MAX    512
#define UA_RX_WAIT_US 60000000u

/* The line the test types (tests/guests/guest_test.py UART_LINE). */
static const char ua_want[] = "svmhv uart rx: 0123456789 abcdefghijklmnopqrstuvwxyz ~!@#$%";

static const char *const ua_lines[] = {
	"uart: THRE line 1: interrupt-driven transmit, sixteen bytes per THRE interrupt\n",
	"uart: THRE line 2: The quick brown fox jumps over the lazy dog 0123456789\n",
	"uart: THRE line 3: end of the interrupt-driven text\n",
};

static char ua_tx[UA_TX_MAX];
static volatile unsigned ua_tx_head, ua_tx_tail, ua_thre_irqs, ua_rx_irqs, ua_other;
static char ua_rx[UA_RX_MAX];
static volatile unsigned ua_rx_len;
static volatile bool ua_rx_done;
static volatile uint8_t ua_ier;

static void ua_set_ier(uint8_t v)
{
	ua_ier = v;
	gl_outb(UA_IER, v);
}

/* THRE: refill the FIFO from the queue; with nothing left, stop THRE interrupts. */
static void ua_thre(void)
{
	unsigned n = 0;

	ua_thre_irqs++;
	while (ua_tx_tail != ua_tx_head && n++ < UA_FIFO)
		gl_outb(UA_RBR, (uint8_t)ua_tx[ua_tx_tail++]);
	if (n == 0)
		ua_set_ier(ua_ier & (uint8_t)~UA_IER_THRE);
}

static void ua_rda(void)
{
	ua_rx_irqs++;
	while (gl_inb(UA_LSR) & UA_LSR_DR) {
		char c = (char)gl_inb(UA_RBR);

		if (ua_rx_done)
			continue;
		if (c == '\r' || c == '\n')
			ua_rx_done = true;
		else if (ua_rx_len < UA_RX_MAX - 1)
			ua_rx[ua_rx_len++] = c;
	}
}

static void ua_isr(struct gl_trapframe *tf)
{
	uint8_t iir;

	(void)tf;
	while (!((iir = gl_inb(UA_IIR)) & UA_IIR_NONE)) {
		switch (SHIFTOUT(iir, UA_IIR_ID) << 1) {
		case UA_IIR_THRE:
			ua_thre();
			break;
		case UA_IIR_RDA:
		case UA_IIR_CTI:
			ua_rda();
			break;
		case UA_IIR_RLS:
			ua_other++;
			(void)gl_inb(UA_LSR);
			break;
		default:
			ua_other++;
			(void)gl_inb(UA_MSR);
			break;
		}
	}
	gl_pic_eoi(UA_IRQ);
}

static void ua_register_checks(void)
{
	uint8_t dll, dlm;

	gl_outb(UA_LCR, UA_LCR_DLAB);
	gl_outb(UA_RBR, 1);                     /* divisor 1: 115200 baud */
	gl_outb(UA_IER, 0);
	dll = gl_inb(UA_RBR);
	dlm = gl_inb(UA_IER);
	gl_outb(UA_LCR, UA_LCR_8N1);
	gl_outb(UA_IIR, UA_FCR_ON);
	gl_outb(UA_MCR, UA_MCR_OUT2);
	gl_outb(UA_SCR, 0x5a);
	tap_ok(dll == 1 && dlm == 0 && gl_inb(UA_LCR) == UA_LCR_8N1 &&
	    gl_inb(UA_SCR) == 0x5a, "uart: divisor latch, LCR and SCR read back");
	tap_eq(gl_inb(UA_IIR) & UA_IIR_FIFO, UA_IIR_FIFO, "uart: FIFOs enabled "
	    "(IIR bits 7:6)");
}

static void ua_transmit(void)
{
	unsigned total = 0, need;
	uint64_t t0;

	for (unsigned i = 0; i < ARRAY_SIZE(ua_lines); i++) {
		unsigned n = (unsigned)strlen(ua_lines[i]);

		memcpy(ua_tx + total, ua_lines[i], n);
		total += n;
	}
	need = (total + UA_FIFO - 1) / UA_FIFO + 1;
	ua_tx_tail = 0;
	ua_tx_head = total;
	ua_set_ier(UA_IER_THRE);                /* THR is empty: THRE at once */
	gl_sti();
	t0 = gl_rdtsc();
	while ((ua_ier & UA_IER_THRE) && gl_rdtsc() - t0 < gl_tsc_from_us(5000000))
		__asm__ volatile("pause");
	while (!(gl_inb(UA_LSR) & UA_LSR_TEMT) && gl_rdtsc() - t0 < gl_tsc_from_us(6000000))
		__asm__ volatile("pause");
	gl_cli();
	tap_ok(ua_tx_tail == total && !(ua_ier & UA_IER_THRE), "uart: %u bytes "
	    "sent from THRE interrupts, then THRE interrupts turned off", total);
	tap_ok(ua_thre_irqs >= need, "uart: THRE interrupts: %u for %u bytes "
	    "(at least %u: 16 bytes each, one more to find the queue empty)",
	    ua_thre_irqs, total, need);
}

static void ua_receive(void)
{
	uint64_t t0;

	gl_printf("uart: type a line:\n");
	while (!(gl_inb(UA_LSR) & UA_LSR_TEMT))
		__asm__ volatile("pause");
	ua_set_ier(UA_IER_RDA);
	gl_sti();
	t0 = gl_rdtsc();
	while (!ua_rx_done && gl_rdtsc() - t0 < gl_tsc_from_us(UA_RX_WAIT_US))
		__asm__ volatile("pause");
	gl_cli();
	ua_set_ier(0);
	ua_rx[ua_rx_len] = '\0';
	gl_printf("uart: got \"%s\"\n", ua_rx);
	tap_ok(ua_rx_done && strlen(ua_rx) == sizeof(ua_want) - 1 &&
	    memcmp(ua_rx, ua_want, sizeof(ua_want) - 1) == 0,
	    "uart: the line typed on the console arrived intact through RX "
	    "interrupts (%u of them)", ua_rx_irqs);
}

void guest_main(void)
{
	gl_cli();
	gl_outb(UA_IER, 0);
	gl_pic_init(0x20, 0x28);
	gl_intr_set(UA_VEC, ua_isr);
	gl_pic_mask(UA_IRQ, false);
	ua_register_checks();
	ua_transmit();
	ua_receive();
	tap_eq(ua_other, 0, "uart: no line-status or modem-status interrupts");
	tap_done();
}
