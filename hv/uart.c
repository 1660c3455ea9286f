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
#define UART_LSR 5      /* line status */
#define UART_LSR_THRE     BIT(5)

#define UART_CLOCK_HZ 1843200u
#define UART_BAUD     115200u
#define UART_DIVISOR  (UART_CLOCK_HZ / 16u / UART_BAUD)  /* = 1 */

/*
 * Bound on the THR-empty wait: a missing UART (LSR reads 0xff, so THRE
 * looks set) or a stuck one must not hang the hypervisor.
 */
#define UART_SPIN_MAX 100000

static const uint16_t uart_base = UART_COM1_BASE;

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
