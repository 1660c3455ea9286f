/*
 * uart.c - polled 16550 UART on COM1 for the hypervisor's console.
 * Register map: National Semiconductor PC16550D datasheet, table 2.
 */
#include <stdint.h>

#include "bits.h"
#include "io.h"
#include "uart.h"

#define UART_THR 0      /* transmit holding (write, DLAB=0) */
#define UART_DLL 0      /* divisor latch low (DLAB=1) */
#define UART_IER 1      /* interrupt enable (DLAB=0) */
#define UART_DLM 1      /* divisor latch high (DLAB=1) */
#define UART_FCR 2      /* FIFO control (write) */
#define UART_FCR_ENABLE   BIT(0)
#define UART_FCR_CLR_RX   BIT(1)
#define UART_FCR_CLR_TX   BIT(2)
#define UART_LCR 3      /* line control */
#define UART_LCR_8N1      0x03
#define UART_LCR_DLAB     BIT(7)
#define UART_MCR 4      /* modem control */
#define UART_MCR_DTR      BIT(0)
#define UART_MCR_RTS      BIT(1)
#define UART_MCR_OUT2     BIT(3)        /* gates the IRQ line to the 8259 on a PC */
#define UART_IER_RDA      BIT(0)        /* received data available */
#define UART_RBR 0      /* receive buffer (read, DLAB=0) */
#define UART_LSR 5      /* line status */
#define UART_LSR_DR       BIT(0)
#define UART_LSR_THRE     BIT(5)

/*
 * Received bytes wait here for the guest's UART (ring of a power of two;
 * written by the interrupt handler, read by the vCPU loop with interrupts
 * off, so the two never run at once on the one CPU).
 */
#define UART_RX_RING 4096
#define UART_RX_MAX_PER_IRQ 64          /* a stuck DR bit cannot hold us forever */

#define UART_CLOCK_HZ 1843200u
#define UART_BAUD     115200u
#define UART_DIVISOR  (UART_CLOCK_HZ / 16u / UART_BAUD)  /* = 1 */

/*
 * Bound on the THR-empty wait: a missing UART (LSR reads 0xff, so THRE
 * looks set) or a stuck one must not hang the hypervisor.
 */
#define UART_SPIN_MAX 100000

static const uint16_t uart_base = UART_COM1_BASE;
static uint8_t uart_rx_ring[UART_RX_RING];
static unsigned uart_rx_head, uart_rx_tail;     /* free-running */
static uint64_t uart_rx_dropped;

void uart_init(void)
{
	outb(uart_base + UART_IER, 0);
	outb(uart_base + UART_LCR, UART_LCR_DLAB);
	outb(uart_base + UART_DLL, UART_DIVISOR & 0xff);
	outb(uart_base + UART_DLM, UART_DIVISOR >> 8);
	outb(uart_base + UART_LCR, UART_LCR_8N1);
	outb(uart_base + UART_FCR, UART_FCR_ENABLE | UART_FCR_CLR_RX | UART_FCR_CLR_TX);
	outb(uart_base + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
}

static void uart_tx(uint8_t c)
{
	for (int i = 0; i < UART_SPIN_MAX; i++) {
		if (inb(uart_base + UART_LSR) & UART_LSR_THRE)
			break;
		__asm__ volatile("pause");
	}
	outb(uart_base + UART_THR, c);
}

void uart_putc(char c)
{
	if (c == '\n')
		uart_tx('\r');
	uart_tx((uint8_t)c);
}

void uart_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		uart_putc(s[i]);
}

void uart_rx_enable(void)
{
	outb(uart_base + UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	outb(uart_base + UART_IER, UART_IER_RDA);
}

void uart_rx_isr(void)
{
	for (int i = 0; i < UART_RX_MAX_PER_IRQ; i++) {
		uint8_t lsr = inb(uart_base + UART_LSR);
		uint8_t c;

		/* A missing UART reads 0xff: DR set forever. */
		if (!(lsr & UART_LSR_DR) || lsr == 0xff)
			break;
		c = inb(uart_base + UART_RBR);
		if (uart_rx_head - uart_rx_tail >= UART_RX_RING) {
			uart_rx_dropped++;
			continue;
		}
		uart_rx_ring[uart_rx_head++ % UART_RX_RING] = c;
	}
}

size_t uart_rx_peek(const uint8_t **p)
{
	unsigned n = uart_rx_head - uart_rx_tail;
	unsigned off = uart_rx_tail % UART_RX_RING;

	if (n > UART_RX_RING - off)
		n = UART_RX_RING - off;         /* up to the ring's end */
	*p = &uart_rx_ring[off];
	return n;
}

void uart_rx_consume(size_t n)
{
	uart_rx_tail += (unsigned)n;
}

uint64_t uart_rx_dropped_count(void)
{
	return uart_rx_dropped;
}
