/*
 * uart.h - the hypervisor's own console: a 16550 UART on COM1 (0x3f8),
 * 115200 baud, 8 data bits, no parity, 1 stop bit, polled.
 */
#ifndef HV_UART_H
#define HV_UART_H

#include <stddef.h>
#include <stdint.h>

#define UART_COM1_BASE 0x3f8

/* Program the UART for 115200 8N1, FIFOs on, interrupts off. */
void uart_init(void);
/* Send one character; '\n' is sent as "\r\n". Waits for THR empty. */
void uart_putc(char c);
/* Send n characters of s (with the same '\n' translation). */
void uart_write(const char *s, size_t n);

/*
 * Input, for the guest's console: the receive interrupt (IRQ 4 through
 * the 8259, hv/intr.c) moves bytes into a 4 KiB ring; the vCPU loop
 * hands them to the guest's UART as it takes them.
 */
void uart_rx_enable(void);              /* IER receive interrupt, MCR OUT2 */
void uart_rx_isr(void);                 /* drain the receiver into the ring */
/* The oldest bytes in the ring (contiguous part): *p and the count. */
size_t uart_rx_peek(const uint8_t **p);
void uart_rx_consume(size_t n);         /* drop n bytes the guest took */
uint64_t uart_rx_dropped_count(void);   /* bytes lost to a full ring */

#endif /* HV_UART_H */
