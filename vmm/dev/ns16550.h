/*
 * ns16550.h - a National Semiconductor 16550A UART (a PC's COM port):
 * RBR/THR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR and the divisor latch,
 * 16-byte receive and transmit FIFOs with the FCR trigger levels, the
 * interrupt sources in IIR priority order (line status, received data /
 * character timeout, THR empty, modem status), and MCR loopback.
 *
 * Transmission is immediate: a byte written to THR goes to the host's
 * tx callback at once (the console), so the transmitter is never busy
 * and THRE is raised again right away, as QEMU's model does. Received
 * bytes come from the host console through ns16550_rx(). With OUT2 clear
 * in MCR (or in loopback, where the OUT pins are forced inactive) the
 * interrupt line stays low, as on a PC. With nothing attached, the modem
 * inputs read CTS, DSR and DCD active, RI inactive.
 *
 * Source: TI/National PC16550D datasheet.
 */
#ifndef NS16550_H
#define NS16550_H

#include "bus.h"
#include "irq.h"
#include "vclock.h"

#define NS16550_FIFO 16

/* The fields are the implementation's. */
struct ns16550 {
	struct vmm_lock lock;
	uint16_t base;
	uint8_t ier, iir, fcr, lcr, mcr, lsr, msr, scr;
	uint16_t divisor;
	uint8_t rx[NS16550_FIFO];
	uint8_t rx_err[NS16550_FIFO];   /* LSR error bits of each received byte (BI) */
	unsigned rx_head, rx_count;
	uint8_t rbr;            /* last byte read from RBR (an empty read repeats it) */
	uint64_t rx_last;       /* virtual ns of the last receive or RBR read (timeout) */
	bool thr_ipending;      /* THRE interrupt pending (cleared by IIR read / THR write) */
	bool timeout_ipending;  /* character timeout (FIFO mode) */
	struct vclock *clk;
	struct vtimer timer;    /* character timeout */
	struct irq_line irq;
	bool irq_level;
	void (*tx)(void *ctx, uint8_t byte);
	void *ctx;
};

/* Reset state (LSR THRE|TEMT, MCR 0, IER 0, FIFOs off, divisor 12 = 9600 baud). */
void ns16550_init(struct ns16550 *u, struct vclock *clk, struct irq_line irq,
		  void (*tx)(void *ctx, uint8_t byte), void *ctx);

/* Register ports [base, base + 8) and the timer. Returns 0 or -1. */
int ns16550_attach(struct ns16550 *u, struct bus *bus, uint16_t base);

/*
 * Bytes from the console for the guest: as many as the receiver takes
 * (16 with the FIFO on, 1 without, less what it holds; none in loopback,
 * where the serial input is disconnected); returns that number. The rest
 * stays with the caller for later. Takes the lock.
 */
size_t ns16550_rx(struct ns16550 *u, const uint8_t *buf, size_t n);

/*
 * A break on the console's line (e.g. the host's serial port saw one, or
 * the user asked for it to send a magic SysRq): one all-zero character
 * with LSR.BI, as the receiver makes of a break. Ignored in loopback.
 * Takes the lock.
 */
void ns16550_rx_break(struct ns16550 *u);

#endif /* NS16550_H */
