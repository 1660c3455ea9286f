/*
 * ns16550.c - a 16550A UART (see ns16550.h).
 *
 * Source: National/TI PC16550D datasheet (SNLS378): 8.1 LCR, 8.3 baud
 * generator, 8.4 LSR, 8.5 FCR, 8.6 IIR (Table "Interrupt Control
 * Functions"), 8.7 IER, 8.8 MCR, 8.9 MSR, 8.10 SCR, 8.11 FIFO interrupt
 * mode operation.
 *
 * Model:
 *  - The transmitter is never busy (ns16550.h): a byte written to THR goes
 *    to the tx callback (or, in loopback, into the receiver) at once, so
 *    LSR.THRE and LSR.TEMT always read 1 and the THR-empty interrupt is
 *    raised again right after each write to THR.
 *  - The receiver holds 16 bytes with the FIFOs on, 1 (the RBR) with them
 *    off. Each entry carries its own error bits (only BI: console input has
 *    no parity or framing errors), revealed in LSR when the entry reaches
 *    the top, as 8.4 describes for FIFO mode.
 *  - Character timeout (8.11): with the FIFOs on and 1..trigger-1 bytes
 *    held, an interrupt when nothing was received or read for 4 character
 *    times. A character is start + data + parity + stop bits (1, 1.5 or 2,
 *    all counted as 8.11 says) at 1843200 / (16 * divisor) baud, the PC's
 *    1.8432 MHz UART clock. A vtimer on the virtual clock fires it; every
 *    register access also checks the deadline, so a guest that polls sees
 *    it on time even before the monitor runs the timers.
 *  - Modem inputs: nothing is attached, the lines read as a null-modem
 *    cable to a ready terminal would drive them: CTS, DSR and DCD active, RI
 *    inactive (QEMU reports the same), so a getty waiting for carrier and
 *    a driver honouring CTS both work.
 *  - Interrupt output: the chip's INTR reaches the PC's IRQ line only
 *    through the buffer that OUT2 enables. In loopback the OUT pins are
 *    forced inactive (8.8), so the line stays low there too.
 *
 * Limits: no parity/framing errors (the console delivers whole bytes), LCR
 * break does not loop back, DMA mode (FCR bit 3) is stored but has no
 * pins to drive. The word length (LCR bits 1:0) only sets the character
 * time: bytes go to and come from the console whole, as on QEMU, so a
 * guest that prints without programming LCR (it resets to 5-bit words)
 * is still readable.
 */
#include "ns16550.h"

/* Register offsets (8.0, Table "Register Summary"). */
#define NS16550_RBR 0   /* read, DLAB 0 */
#define NS16550_THR 0   /* write, DLAB 0 */
#define NS16550_DLL 0   /* DLAB 1 */
#define NS16550_IER 1   /* DLAB 0 */
#define NS16550_DLM 1   /* DLAB 1 */
#define NS16550_IIR 2   /* read */
#define NS16550_FCR 2   /* write */
#define NS16550_LCR 3
#define NS16550_MCR 4
#define NS16550_LSR 5
#define NS16550_MSR 6
#define NS16550_SCR 7

#define NS16550_IER_ERBFI  BIT(0)       /* received data available (and timeout) */
#define NS16550_IER_ETBEI  BIT(1)       /* THR empty */
#define NS16550_IER_ELSI   BIT(2)       /* receiver line status */
#define NS16550_IER_EDSSI  BIT(3)       /* modem status */
#define NS16550_IER_MASK   BITS(3, 0)   /* bits 7:4 read 0 */

/* IIR: bit 0 set = nothing pending; bits 3:1 the source; 7:6 FIFOs on. */
#define NS16550_IIR_NONE   0x01
#define NS16550_IIR_RLS    0x06         /* 1st: receiver line status */
#define NS16550_IIR_RDA    0x04         /* 2nd: received data available */
#define NS16550_IIR_CTI    0x0c         /* 2nd: character timeout */
#define NS16550_IIR_THRE   0x02         /* 3rd: THR empty */
#define NS16550_IIR_MSI    0x00         /* 4th: modem status */
#define NS16550_IIR_ID     BITS(3, 0)
#define NS16550_IIR_FIFO   BITS(7, 6)

#define NS16550_FCR_ENABLE BIT(0)
#define NS16550_FCR_RXCLR  BIT(1)       /* self-clearing */
#define NS16550_FCR_TXCLR  BIT(2)       /* self-clearing */
#define NS16550_FCR_DMA    BIT(3)
#define NS16550_FCR_TRIG   BITS(7, 6)   /* RX trigger: 1, 4, 8, 14 bytes */

#define NS16550_LCR_WLS    BITS(1, 0)   /* word length 5 + n */
#define NS16550_LCR_STB    BIT(2)       /* 2 stop bits (1.5 with 5-bit words) */
#define NS16550_LCR_PEN    BIT(3)       /* parity bit */
#define NS16550_LCR_DLAB   BIT(7)

#define NS16550_MCR_DTR    BIT(0)
#define NS16550_MCR_RTS    BIT(1)
#define NS16550_MCR_OUT1   BIT(2)
#define NS16550_MCR_OUT2   BIT(3)
#define NS16550_MCR_LOOP   BIT(4)
#define NS16550_MCR_MASK   BITS(4, 0)   /* bits 7:5 read 0 */

#define NS16550_LSR_DR     BIT(0)
#define NS16550_LSR_OE     BIT(1)
#define NS16550_LSR_PE     BIT(2)
#define NS16550_LSR_FE     BIT(3)
#define NS16550_LSR_BI     BIT(4)
#define NS16550_LSR_THRE   BIT(5)
#define NS16550_LSR_TEMT   BIT(6)
#define NS16550_LSR_FIFOE  BIT(7)       /* error in RCVR FIFO */
#define NS16550_LSR_INT    (NS16550_LSR_OE | NS16550_LSR_PE | NS16550_LSR_FE | NS16550_LSR_BI)

#define NS16550_MSR_DCTS   BIT(0)
#define NS16550_MSR_DDSR   BIT(1)
#define NS16550_MSR_TERI   BIT(2)       /* RI went from active to inactive */
#define NS16550_MSR_DDCD   BIT(3)
#define NS16550_MSR_DELTA  BITS(3, 0)
#define NS16550_MSR_CTS    BIT(4)
#define NS16550_MSR_DSR    BIT(5)
#define NS16550_MSR_RI     BIT(6)
#define NS16550_MSR_DCD    BIT(7)
/* The inputs with nothing attached (header comment). */
#define NS16550_MSR_IDLE   (NS16550_MSR_CTS | NS16550_MSR_DSR | NS16550_MSR_DCD)

#define NS16550_CLOCK_HZ   1843200ULL   /* divisor 1 = 115200 baud */

static bool ns16550_fifo_on(const struct ns16550 *u)
{
	return (u->fcr & NS16550_FCR_ENABLE) != 0;
}

/* RX capacity: the FIFO, or the single RBR in 16450 mode. */
static unsigned ns16550_rx_cap(const struct ns16550 *u)
{
	return ns16550_fifo_on(u) ? NS16550_FIFO : 1;
}

/* RX trigger level (8.5: FCR bits 7:6). */
static unsigned ns16550_trigger(const struct ns16550 *u)
{
	static const uint8_t level[] = { 1, 4, 8, 14 };

	return level[SHIFTOUT(u->fcr, NS16550_FCR_TRIG)];
}

/*
 * Four character times in ns, rounded up (timers fire late, never early).
 * A character is counted in half bits: start, 5-8 data bits, parity, and
 * 1, 1.5 (5-bit words) or 2 stop bits (8.1). One bit lasts 16 * divisor
 * clocks (8.3); divisor 0 is not a valid setting, it is taken as 65536.
 */
static uint64_t ns16550_timeout_ns(const struct ns16550 *u)
{
	uint64_t div = u->divisor != 0 ? u->divisor : 65536;
	unsigned wls = (unsigned)SHIFTOUT(u->lcr, NS16550_LCR_WLS);
	unsigned half = 2 + 2 * (5 + wls);

	if (u->lcr & NS16550_LCR_PEN)
		half += 2;
	if (u->lcr & NS16550_LCR_STB)
		half += wls == 0 ? 3 : 4;
	else
		half += 2;
	/* 4 chars * half/2 bits * 16 clocks * div, at 1.8432 MHz */
	return (32 * half * div * VCLOCK_NS_PER_SEC + NS16550_CLOCK_HZ - 1) / NS16550_CLOCK_HZ;
}

/* Empty the receiver (FCR bit 1, or a change of FCR bit 0). */
static void ns16550_rx_clear(struct ns16550 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
	u->timeout_ipending = false;
	/* The errors bit 7 pointed at left with the data. */
	u->lsr &= (uint8_t)~NS16550_LSR_FIFOE;
}

/*
 * A character arrives in the receiver at time now, with its error bits
 * (LSR_BI for a break). Full receiver: overrun (8.4 LSR bit 1): in FIFO
 * mode the character is lost, in 16450 mode it overwrites the RBR.
 */
static void ns16550_rx_push(struct ns16550 *u, uint8_t byte, uint8_t err, uint64_t now)
{
	unsigned idx;

	if (u->rx_count == ns16550_rx_cap(u)) {
		u->lsr |= NS16550_LSR_OE;
		if (ns16550_fifo_on(u))
			return;
		u->rx[u->rx_head] = byte;
		u->rx_err[u->rx_head] = err;
		u->lsr |= err;
		u->rx_last = now;
		return;
	}
	idx = (u->rx_head + u->rx_count) % NS16550_FIFO;
	u->rx[idx] = byte;
	u->rx_err[idx] = err;
	u->rx_count++;
	if (u->rx_count == 1)
		u->lsr |= err;          /* at the top: revealed at once */
	if (err != 0 && ns16550_fifo_on(u))
		u->lsr |= NS16550_LSR_FIFOE;
	u->rx_last = now;
}

/*
 * A read of RBR: the top character; the next one's errors show in LSR.
 * Reading an empty receiver gives the last character again (the RBR keeps
 * it). A read clears the timeout interrupt and restarts its timer (8.11).
 */
static uint8_t ns16550_rx_pop(struct ns16550 *u, uint64_t now)
{
	if (u->rx_count == 0)
		return u->rbr;
	u->rbr = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % NS16550_FIFO;
	u->rx_count--;
	if (u->rx_count != 0)
		u->lsr |= u->rx_err[u->rx_head];
	u->timeout_ipending = false;
	u->rx_last = now;
	return u->rbr;
}

/*
 * A read of LSR: DR, THRE and TEMT are live, the error bits are cleared
 * by the read; bit 7 stays set only while characters behind the top one
 * carry errors not shown yet (8.4).
 */
static uint8_t ns16550_lsr_read(struct ns16550 *u)
{
	uint8_t val = u->lsr | NS16550_LSR_THRE | NS16550_LSR_TEMT;

	if (u->rx_count != 0)
		val |= NS16550_LSR_DR;
	u->lsr = 0;
	for (unsigned i = 1; i < u->rx_count; i++)
		if (u->rx_err[(u->rx_head + i) % NS16550_FIFO] != 0)
			u->lsr = NS16550_LSR_FIFOE;
	return val;
}

/*
 * Recompute MSR bits 7:4 (the modem inputs: in loopback the MCR outputs,
 * 8.8) and latch the deltas of 3:0 (8.9). TERI: RI went inactive.
 */
static void ns16550_msr_update(struct ns16550 *u)
{
	uint8_t old = u->msr, lines = NS16550_MSR_IDLE, chg;

	if (u->mcr & NS16550_MCR_LOOP) {
		lines = 0;
		if (u->mcr & NS16550_MCR_RTS)
			lines |= NS16550_MSR_CTS;
		if (u->mcr & NS16550_MCR_DTR)
			lines |= NS16550_MSR_DSR;
		if (u->mcr & NS16550_MCR_OUT1)
			lines |= NS16550_MSR_RI;
		if (u->mcr & NS16550_MCR_OUT2)
			lines |= NS16550_MSR_DCD;
	}
	chg = old ^ lines;
	u->msr = lines | (old & NS16550_MSR_DELTA);
	if (chg & NS16550_MSR_CTS)
		u->msr |= NS16550_MSR_DCTS;
	if (chg & NS16550_MSR_DSR)
		u->msr |= NS16550_MSR_DDSR;
	if ((old & NS16550_MSR_RI) && !(lines & NS16550_MSR_RI))
		u->msr |= NS16550_MSR_TERI;
	if (chg & NS16550_MSR_DCD)
		u->msr |= NS16550_MSR_DDCD;
}

/*
 * Character timeout bookkeeping: arm the timer for 4 character times after
 * the last receive or read while the FIFO holds 1..trigger-1 bytes, or
 * raise the interrupt if that moment has passed. now is only used then
 * (callers that cannot need it pass 0).
 */
static void ns16550_timeout_update(struct ns16550 *u, uint64_t now)
{
	uint64_t deadline;

	if (!ns16550_fifo_on(u) || u->rx_count == 0 || u->rx_count >= ns16550_trigger(u) ||
	    u->timeout_ipending) {
		vtimer_disarm(&u->timer);
		return;
	}
	deadline = u->rx_last + ns16550_timeout_ns(u);
	if (deadline <= now) {
		u->timeout_ipending = true;
		vtimer_disarm(&u->timer);
		return;
	}
	vtimer_arm(&u->timer, deadline);        /* strictly after now */
}

/*
 * After any change: the timeout, the IIR (the highest-priority enabled
 * source, 8.6) and the interrupt line (any source, gated by OUT2 outside
 * loopback). Called with the lock held.
 */
static void ns16550_update(struct ns16550 *u, uint64_t now)
{
	uint8_t id = NS16550_IIR_NONE;
	bool rx_ready, level;

	ns16550_timeout_update(u, now);
	if (ns16550_fifo_on(u))
		rx_ready = u->rx_count >= ns16550_trigger(u);
	else
		rx_ready = u->rx_count != 0;
	if ((u->ier & NS16550_IER_ELSI) && (u->lsr & NS16550_LSR_INT))
		id = NS16550_IIR_RLS;
	else if ((u->ier & NS16550_IER_ERBFI) && u->timeout_ipending)
		id = NS16550_IIR_CTI;
	else if ((u->ier & NS16550_IER_ERBFI) && rx_ready)
		id = NS16550_IIR_RDA;
	else if ((u->ier & NS16550_IER_ETBEI) && u->thr_ipending)
		id = NS16550_IIR_THRE;
	else if ((u->ier & NS16550_IER_EDSSI) && (u->msr & NS16550_MSR_DELTA))
		id = NS16550_IIR_MSI;
	u->iir = id;
	if (ns16550_fifo_on(u))
		u->iir |= NS16550_IIR_FIFO;
	level = id != NS16550_IIR_NONE &&
		(u->mcr & (NS16550_MCR_OUT2 | NS16550_MCR_LOOP)) == NS16550_MCR_OUT2;
	if (level != u->irq_level) {
		u->irq_level = level;
		irq_line_set(&u->irq, level);
	}
}

/* FCR write (8.5). */
static void ns16550_fcr_write(struct ns16550 *u, uint8_t val)
{
	if ((val ^ u->fcr) & NS16550_FCR_ENABLE) {
		/* Mode change: both FIFOs are cleared, and the THR-empty
		   interrupt comes at once if enabled (8.11). */
		ns16550_rx_clear(u);
		u->thr_ipending = true;
	}
	if (!(val & NS16550_FCR_ENABLE)) {
		/* The other bits are only programmed with bit 0 set. */
		u->fcr = 0;
		return;
	}
	if (val & NS16550_FCR_RXCLR)
		ns16550_rx_clear(u);
	/* TXCLR: the transmit FIFO is always empty here. */
	u->fcr = val & (NS16550_FCR_ENABLE | NS16550_FCR_DMA | NS16550_FCR_TRIG);
}

static void ns16550_write(struct ns16550 *u, unsigned off, uint8_t val, uint64_t now)
{
	bool dlab = (u->lcr & NS16550_LCR_DLAB) != 0;

	switch (off) {
	case NS16550_THR:               /* or DLL */
		if (dlab) {
			u->divisor = (uint16_t)((u->divisor & 0xff00) | val);
			break;
		}
		if (u->mcr & NS16550_MCR_LOOP)
			ns16550_rx_push(u, val, 0, now);
		else if (u->tx != NULL)
			u->tx(u->ctx, val);
		/* Writing THR clears the THRE interrupt; the byte leaves at
		   once and THR is empty again, which raises it (8.6). */
		u->thr_ipending = true;
		break;
	case NS16550_IER:               /* or DLM */
		if (dlab) {
			u->divisor = (uint16_t)((u->divisor & 0x00ff) | (val << 8));
			break;
		}
		/* Enabling ETBEI while THR is empty raises THRE at once
		   (Linux's serial8250 THRE test relies on it). */
		if (!(u->ier & NS16550_IER_ETBEI) && (val & NS16550_IER_ETBEI))
			u->thr_ipending = true;
		u->ier = val & NS16550_IER_MASK;
		break;
	case NS16550_FCR:
		ns16550_fcr_write(u, val);
		break;
	case NS16550_LCR:
		u->lcr = val;
		break;
	case NS16550_MCR:
		u->mcr = val & NS16550_MCR_MASK;
		ns16550_msr_update(u);
		break;
	case NS16550_SCR:
		u->scr = val;
		break;
	default:                        /* LSR, MSR: read-only (8.4, 8.9) */
		break;
	}
}

static uint8_t ns16550_read(struct ns16550 *u, unsigned off, uint64_t now)
{
	bool dlab = (u->lcr & NS16550_LCR_DLAB) != 0;
	uint8_t val;

	switch (off) {
	case NS16550_RBR:
		return dlab ? (uint8_t)u->divisor : ns16550_rx_pop(u, now);
	case NS16550_IER:
		return dlab ? (uint8_t)(u->divisor >> 8) : u->ier;
	case NS16550_IIR:
		val = u->iir;
		/* Reading IIR clears THRE only when THRE is what it shows. */
		if ((val & NS16550_IIR_ID) == NS16550_IIR_THRE)
			u->thr_ipending = false;
		return val;
	case NS16550_LCR:
		return u->lcr;
	case NS16550_MCR:
		return u->mcr;
	case NS16550_LSR:
		return ns16550_lsr_read(u);
	case NS16550_MSR:
		val = u->msr;
		u->msr &= (uint8_t)~NS16550_MSR_DELTA;
		return val;
	default:
		return u->scr;
	}
}

/* Port handler (bus.h): one byte at base + 0..7, device lock held. */
static void ns16550_io(void *dev, uint16_t port, bool write, unsigned size, uint32_t *val)
{
	struct ns16550 *u = dev;
	unsigned off = (unsigned)(port - u->base) & 7;
	/* Only the FIFO's timeout needs the time; with the FIFO off (and
	   after this access turns it on, it is empty) it is not read. */
	uint64_t now = ns16550_fifo_on(u) ? vclock_now(u->clk) : 0;

	(void)size;             /* BUS_BYTE_PORTS: one byte */
	/* A timeout whose moment has passed shows in this very access. */
	if (ns16550_fifo_on(u))
		ns16550_update(u, now);
	if (write)
		ns16550_write(u, off, (uint8_t)*val, now);
	else
		*val = ns16550_read(u, off, now);
	ns16550_update(u, now);
}

/* The character-timeout timer (vclock.h: called without the lock). */
static void ns16550_expire(void *dev, uint64_t now)
{
	struct ns16550 *u = dev;

	vmm_lock_acquire(&u->lock);
	ns16550_update(u, now);
	vmm_lock_release(&u->lock);
}

void ns16550_init(struct ns16550 *u, struct vclock *clk, struct irq_line irq,
		  void (*tx)(void *ctx, uint8_t byte), void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->clk = clk;
	u->irq = irq;
	u->tx = tx;
	u->ctx = ctx;
	u->divisor = 12;
	u->msr = NS16550_MSR_IDLE;
	u->iir = NS16550_IIR_NONE;
	u->timer.deadline = VCLOCK_NEVER;
}

int ns16550_attach(struct ns16550 *u, struct bus *bus, uint16_t base)
{
	u->base = base;
	if (bus_add_pio(bus, base, 8, BUS_BYTE_PORTS, "ns16550", ns16550_io, u, &u->lock) != 0)
		return -1;
	return vclock_add_timer(u->clk, &u->timer, "ns16550 timeout", ns16550_expire, u);
}

size_t ns16550_rx(struct ns16550 *u, const uint8_t *buf, size_t n)
{
	size_t taken = 0;
	uint64_t now;

	vmm_lock_acquire(&u->lock);
	now = vclock_now(u->clk);
	/* In loopback the serial input is disconnected (8.8): the bytes
	   stay with the caller. */
	if (!(u->mcr & NS16550_MCR_LOOP)) {
		while (taken < n && u->rx_count < ns16550_rx_cap(u))
			ns16550_rx_push(u, buf[taken++], 0, now);
	}
	ns16550_update(u, now);
	vmm_lock_release(&u->lock);
	return taken;
}

void ns16550_rx_break(struct ns16550 *u)
{
	uint64_t now;

	vmm_lock_acquire(&u->lock);
	now = vclock_now(u->clk);
	/* One all-zero character with BI per break (8.4 LSR bit 4). */
	if (!(u->mcr & NS16550_MCR_LOOP))
		ns16550_rx_push(u, 0, NS16550_LSR_BI, now);
	ns16550_update(u, now);
	vmm_lock_release(&u->lock);
}
