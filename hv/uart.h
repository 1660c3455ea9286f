/*
 * uart.h - the hypervisor's own console: a 16550 UART on COM1 (0x3f8),
 * 115200 baud, 8 data bits, no parity, 1 stop bit, polled.
 */
#ifndef HV_UART_H
#define HV_UART_H

#include <stddef.h>

#define UART_COM1_BASE 0x3f8

/* Program the UART for 115200 8N1, FIFOs on, interrupts off. */
void uart_init(void);
/* Send one character; '\n' is sent as "\r\n". Waits for THR empty. */
void uart_putc(char c);
/* Send n characters of s (with the same '\n' translation). */
void uart_write(const char *s, size_t n);

#endif /* HV_UART_H */
