/*
 * test_ns16550.c - the 16550A UART (vmm/dev/ns16550.c), driven through
 * the bus at COM1 as a guest drives it.
 *
 * Each scenario is a table of steps on a fresh UART: register writes and
 * reads (expected values from the PC16550D datasheet: reset values in
 * Table "UART Reset Configuration", IIR codes in "Interrupt Control
 * Functions", 8.4 LSR, 8.8/8.9 loopback and MSR, 8.11 FIFO interrupt
 * mode), console input, time moving on the fake clock, and the IRQ line.
 * The last scenario replays what Linux's 8250 driver does to a 16550A at
 * probe and startup (drivers/tty/serial/8250/8250_port.c: autoconfig(),
 * autoconfig_16550a(), serial8250_do_startup()'s THRE and TXEN tests,
 * set_termios, console write, the interrupt handler).
 *
 * Time: a character of 1 start + n data + parity + stop bits lasts that
 * many bit times at 115200 / divisor baud; the character timeout is 4
 * characters (8.11). E.g. 8N1 at 9600 baud: 40 bits / 9600 = 4166666.7 ns,
 * so the interrupt is absent at 4166666 ns and present at 4166667 ns.
 */
#include "bus.h"
#include "devtest.h"
#include "ns16550.h"

#define COM1 0x3f8

/* Register offsets (datasheet Table "Register Summary"). */
enum { RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4,
       LSR = 5, MSR = 6, SCR = 7 };

enum op {
	OP_END, OP_W, OP_R, OP_RD, OP_WS, OP_RS, OP_RX, OP_BRK, OP_ADV, OP_SKIP, OP_IRQ,
	OP_EDGES, OP_TXN, OP_TXB, OP_DL, OP_NODL,
};

struct step {
	enum op op;
	unsigned off;
	uint64_t a, b;
	const char *s;
	const char *name;
};

#define W(o, v)           { OP_W, o, v, 0, NULL, NULL }
#define R(o, v, n)        { OP_R, o, v, 0xff, NULL, n }
#define RM(o, m, v, n)    { OP_R, o, v, m, NULL, n }
#define RD(o)             { OP_RD, o, 0, 0, NULL, NULL }          /* read, value unchecked */
#define WS(o, str)        { OP_WS, o, 0, 0, str, NULL }           /* write each byte */
#define RS(o, str, n)     { OP_RS, o, 0, 0, str, n }              /* read, expect each byte */
#define RX(str, k, n)     { OP_RX, 0, k, 0, str, n }              /* console bytes, k taken */
#define BRK()             { OP_BRK, 0, 0, 0, NULL, NULL }
#define ADV(ns)           { OP_ADV, 0, ns, 0, NULL, NULL }        /* time passes, timers run */
#define SKIP(ns)          { OP_SKIP, 0, ns, 0, NULL, NULL }       /* time passes, timers not run */
#define IRQ(l, n)         { OP_IRQ, 0, l, 0, NULL, n }
#define EDGES(e, n)       { OP_EDGES, 0, e, 0, NULL, n }
#define TXN(k, n)         { OP_TXN, 0, k, 0, NULL, n }            /* bytes sent to the console */
#define TXB(b, n)         { OP_TXB, 0, b, 0, NULL, n }            /* the last one */
#define DL(ns, n)         { OP_DL, 0, ns, 0, NULL, n }            /* timer armed at now + ns */
#define NODL(n)           { OP_NODL, 0, 0, 0, NULL, n }           /* timer disarmed */
#define END               { OP_END, 0, 0, 0, NULL, NULL }

static struct bus bus;
static struct dt_clock clk;
static struct dt_irq irq;
static struct ns16550 uart;
static uint8_t txbuf[64];
static unsigned ntx, unlocked_sets;

static void rec_tx(void *ctx, uint8_t b)
{
	(void)ctx;
	if (ntx < sizeof(txbuf))
		txbuf[ntx] = b;
	ntx++;
}

/* The IRQ recorder, checking the device drives its line under its lock. */
static void rec_irq(void *ctx, unsigned line, bool level)
{
	if (uart.lock.locked == 0)
		unlocked_sets++;
	dt_irq_set(ctx, line, level);
}

static void setup(void)
{
	struct irq_line l;

	bus_init(&bus);
	dt_clock_init(&clk);
	l = dt_irq_line(&irq, 4);
	l.set = rec_irq;
	ntx = 0;
	unlocked_sets = 0;
	ns16550_init(&uart, &clk.vc, l, rec_tx, NULL);
	if (ns16550_attach(&uart, &bus, COM1) != 0)
		ut_ok(0, "attach", NULL);
}

static uint8_t rd(unsigned off)
{
	uint32_t v = 0;

	bus_pio(&bus, (uint16_t)(COM1 + off), false, 1, &v);
	return (uint8_t)v;
}

static void wr(unsigned off, uint8_t val)
{
	uint32_t v = val;

	bus_pio(&bus, (uint16_t)(COM1 + off), true, 1, &v);
}

/* Run one scenario; every checking step is one TAP line. */
static void run(const char *scen, const struct step *st)
{
	char name[160];

	setup();
	for (unsigned i = 0; st[i].op != OP_END; i++) {
		const struct step *s = &st[i];
		size_t k;

		snprintf(name, sizeof(name), "%s: %s", scen, s->name != NULL ? s->name : "step");
		switch (s->op) {
		case OP_W:
			wr(s->off, (uint8_t)s->a);
			break;
		case OP_R: {
			uint8_t v = rd(s->off);

			ut_ok((v & s->b) == s->a, name, "step %u: reg %u wanted 0x%02llx (mask 0x%02llx) got 0x%02x",
			      i, s->off, (unsigned long long)s->a, (unsigned long long)s->b, v);
			break;
		}
		case OP_RD:
			rd(s->off);
			break;
		case OP_WS:
			for (k = 0; s->s[k] != '\0'; k++)
				wr(s->off, (uint8_t)s->s[k]);
			break;
		case OP_RS: {
			char got[64] = { 0 };

			for (k = 0; s->s[k] != '\0' && k < sizeof(got) - 1; k++)
				got[k] = (char)rd(s->off);
			ut_ok(strcmp(got, s->s) == 0, name, "step %u: wanted \"%s\" got \"%s\"", i, s->s, got);
			break;
		}
		case OP_RX:
			k = ns16550_rx(&uart, (const uint8_t *)s->s, strlen(s->s));
			ut_ok(k == s->a && uart.lock.locked == 0, name, "step %u: taken %zu of \"%s\", wanted %llu",
			      i, k, s->s, (unsigned long long)s->a);
			break;
		case OP_BRK:
			ns16550_rx_break(&uart);
			break;
		case OP_ADV:
			dt_advance(&clk, s->a);
			break;
		case OP_SKIP:
			clk.now += s->a;
			break;
		case OP_IRQ:
			ut_ok(irq.level == (s->a != 0) && (irq.edges == 0 || irq.line == 4), name, "step %u: irq level %d at t=%llu",
			      i, irq.level, (unsigned long long)clk.now);
			break;
		case OP_EDGES:
			ut_ok(irq.edges == s->a, name, "step %u: %u rising edges", i, irq.edges);
			break;
		case OP_TXN:
			ut_ok(ntx == s->a, name, "step %u: %u bytes sent", i, ntx);
			break;
		case OP_TXB:
			ut_ok(ntx > 0 && txbuf[(ntx - 1) % sizeof(txbuf)] == s->a, name, "step %u: last byte 0x%02x",
			      i, ntx > 0 ? txbuf[(ntx - 1) % sizeof(txbuf)] : 0);
			break;
		case OP_DL:
			ut_ok(uart.timer.deadline == clk.now + s->a, name, "step %u: deadline %llu, now %llu",
			      i, (unsigned long long)uart.timer.deadline, (unsigned long long)clk.now);
			break;
		case OP_NODL:
			ut_ok(!vtimer_armed(&uart.timer), name, "step %u: deadline %llu", i,
			      (unsigned long long)uart.timer.deadline);
			break;
		case OP_END:
			break;
		}
	}
	snprintf(name, sizeof(name), "%s: irq line only driven under the device lock", scen);
	ut_ok(unlocked_sets == 0 && uart.lock.locked == 0, name, "%u unlocked calls", unlocked_sets);
}

/* ---------------------------------------------------------------------- */

static const struct step reset_values[] = {
	R(IER, 0x00, "IER 0"), R(IIR, 0x01, "IIR: no interrupt, FIFOs off"),
	R(LCR, 0x00, "LCR 0"), R(MCR, 0x00, "MCR 0"),
	R(LSR, 0x60, "LSR THRE|TEMT"),
	R(MSR, 0xb0, "MSR: no modem attached reads CTS|DSR|DCD, no deltas"),
	W(LCR, 0x80), R(DLL, 0x0c, "divisor 12 (9600 baud) low"), R(DLM, 0x00, "divisor high"),
	R(LCR, 0x80, "DLAB reads back"),
	IRQ(0, "line low"), TXN(0, "nothing sent"), NODL("no timer"),
	END,
};

static const struct step registers[] = {
	W(LCR, 0x83), W(DLL, 0x01), W(DLM, 0x02), TXN(0, "DLL write with DLAB sends nothing"),
	R(DLL, 0x01, "DLL"), R(DLM, 0x02, "DLM"),
	W(LCR, 0x03), R(IER, 0x00, "DLM write left IER alone"), R(LCR, 0x03, "LCR"),
	W(IER, 0xff), R(IER, 0x0f, "IER bits 7:4 read 0"),
	W(LCR, 0x83), R(DLM, 0x02, "IER write left DLM alone"), R(DLL, 0x01, "DLL kept"),
	W(LCR, 0x03), W(IER, 0x00), W(THR, 'A'), TXN(1, "THR write sent"), TXB('A', "the byte written"),
	R(LSR, 0x60, "THRE|TEMT right after a write (never busy)"),
	W(SCR, 0x5a), R(SCR, 0x5a, "SCR 5a"), W(SCR, 0xa5), R(SCR, 0xa5, "SCR a5"),
	W(MCR, 0xff), R(MCR, 0x1f, "MCR bits 7:5 read 0"),
	W(MCR, 0x00),
	W(LSR, 0x1f), R(LSR, 0x60, "LSR write ignored"),
	R(MSR, 0xb4, "loopback on and off: RI fell (TERI)"),
	W(MSR, 0x0f), R(MSR, 0xb0, "MSR write ignored, deltas cleared by the read"),
	W(LCR, 0x7f), R(LCR, 0x7f, "all LCR bits read back"),
	W(LCR, 0x00), W(THR, 0xc1), TXB(0xc1, "5-bit words: the console still gets the byte"),
	RX("a", 1, "16450 mode: the RBR takes one byte"), RX("b", 0, "and no more while full"),
	R(LSR, 0x61, "DR"), R(RBR, 'a', "RBR"), R(LSR, 0x60, "DR clear after the read"),
	R(RBR, 'a', "an empty RBR reads its last byte again"),
	RX("\xff", 1, "rx"), R(RBR, 0xff, "whole bytes from the console"),
	END,
};

/* Priorities (8.6): line status > RX data/timeout > THRE > modem status. */
static const struct step priorities[] = {
	W(MCR, 0x08),
	W(IER, 0x0f), R(IIR, 0x02, "THRE alone"), R(IIR, 0x01, "reading IIR cleared THRE"),
	IRQ(0, "nothing pending: low"),
	RX("a", 1, "rx"), R(IIR, 0x04, "RX data available"), IRQ(1, "RX data raises the line"),
	BRK(), R(IIR, 0x06, "overrun+break: line status first"),
	R(LSR, 0x73, "LSR DR|OE|BI|THRE|TEMT"), R(IIR, 0x04, "LSR read cleared line status, RX left"),
	R(RBR, 0x00, "16450 overrun: the break character replaced the RBR"),
	R(IIR, 0x01, "none"), IRQ(0, "low again"),
	W(THR, 'x'), W(MCR, 0x18),
	R(IIR, 0x02, "THRE before modem status"), R(IIR, 0x00, "modem status (loopback changed inputs)"),
	IRQ(0, "loopback forces OUT2 inactive: line low"),
	R(MSR, 0x83, "MSR: DCD from OUT2, CTS and DSR dropped"), R(IIR, 0x01, "MSR read cleared it"),
	W(THR, 'q'), R(IIR, 0x04, "looped-back byte: RX data before THRE"),
	R(RBR, 'q', "looped-back byte"), R(IIR, 0x02, "then THRE"), R(IIR, 0x01, "then none"),
	TXN(1, "loopback bytes stay off the console"),
	END,
};

/* Each source only with its IER bit (8.7). */
static const struct step enables[] = {
	W(MCR, 0x08), W(IER, 0x01),
	RX("a", 1, "rx"), BRK(), R(IIR, 0x04, "overrun+break without ELSI: RX data only"),
	R(LSR, 0x73, "the errors are in LSR all the same"), R(RBR, 0x00, "rd"),
	W(IER, 0x00), W(FCR, 0xc1), RX("b", 1, "rx"), ADV(5000000), R(IIR, 0xc1, "timeout without ERBFI: hidden"),
	IRQ(0, "and no interrupt"), W(IER, 0x01), R(IIR, 0xcc, "shown once ERBFI is set"), IRQ(1, "line"),
	W(IER, 0x04), R(IIR, 0xc1, "ELSI alone: nothing"), W(MCR, 0x18), W(MCR, 0x08),
	R(IIR, 0xc1, "modem deltas without EDSSI: nothing"), W(IER, 0x08), R(IIR, 0xc0, "with EDSSI: modem status"),
	IRQ(1, "line"), R(MSR, 0xb3, "MSR: CTS, DSR deltas of the round trip (DCD followed OUT2)"), R(IIR, 0xc1, "cleared"), IRQ(0, "low"),
	END,
};

/* THRE: set when THR empties, by enabling ETBEI with THR empty, by an
   FCR0 change (8.11); cleared by an IIR read that shows it, or a THR write. */
static const struct step thre[] = {
	W(MCR, 0x08),
	W(IER, 0x03), IRQ(1, "ETBEI 0->1 with THR empty raises THRE"), EDGES(1, "one edge"),
	RX("a", 1, "rx"), R(IIR, 0x04, "RX data shown"),
	R(RBR, 'a', "rx"), R(IIR, 0x02, "THRE survived an IIR read that showed RX data"),
	R(IIR, 0x01, "cleared by the read that showed it"), IRQ(0, "low"),
	W(IER, 0x03), R(IIR, 0x01, "rewriting ETBEI=1 raises nothing"),
	W(IER, 0x01), W(IER, 0x03), R(IIR, 0x02, "ETBEI 1->0->1 raises it again"),
	W(THR, 'b'), R(IIR, 0x02, "a THR write empties at once: THRE again"),
	W(THR, 'c'), W(IER, 0x01), R(IIR, 0x01, "ETBEI off hides it"),
	W(IER, 0x00), W(FCR, 0x01), W(IER, 0x02), R(IIR, 0xc2, "FIFO mode: bits 7:6 set"),
	R(IIR, 0xc1, "cleared"), W(FCR, 0x01), R(IIR, 0xc1, "FCR write, FCR0 unchanged: no THRE"),
	W(FCR, 0x00), R(IIR, 0x02, "FCR0 1->0: THRE at once"),
	W(FCR, 0x81), R(IIR, 0xc2, "FCR0 0->1: THRE at once"),
	W(IER, 0x00), IRQ(0, "all sources off: low"),
	END,
};

static const struct step fifo[] = {
	W(FCR, 0xc6), R(IIR, 0x01, "FCR bits 7:1 ignored without bit 0"),
	RX("abc", 1, "still one byte"), W(FCR, 0x02), R(LSR, 0x61, "FCR bit 1 without bit 0 keeps the RBR"),
	R(RBR, 'a', "a"),
	W(FCR, 0x01), R(IIR, 0xc1, "FIFOs on"),
	RX("0123456789abcdefXYZ", 16, "the FIFO takes 16"), R(LSR, 0x61, "DR"),
	RS(RBR, "01234", "first bytes in order"),
	RX("VWXYZ!", 5, "room for 5 more"), RX("!", 0, "no more once full"),
	RS(RBR, "56789abcdefVWXYZ", "the rest in order"), R(LSR, 0x60, "empty"),
	RX("xy", 2, "rx"), W(FCR, 0x03), R(LSR, 0x60, "FCR bit 1 clears the RX FIFO"),
	RX("xy", 2, "rx"), W(FCR, 0x00), R(LSR, 0x60, "FIFO off clears it"), R(IIR, 0x01, "FIFO off"),
	RX("xy", 1, "16450 again"), W(FCR, 0x01), R(LSR, 0x60, "FIFO on clears the RBR"),
	W(FCR, 0x21), RM(IIR, 0x30, 0x00, "IIR bits 5:4 read 0 (no 64-byte FIFO)"),
	RX("z", 1, "rx"), W(FCR, 0x05), R(RBR, 'z', "FCR bit 2 (TX clear) leaves RX alone"),
	END,
};

static const struct step overrun[] = {
	W(FCR, 0x07), W(IER, 0x05), W(MCR, 0x10),
	WS(THR, "0123456789abcdefg"), R(IIR, 0xc6, "17th byte: overrun, line status"),
	R(LSR, 0x63, "OE|DR (an overrun does not set bit 7)"), R(LSR, 0x61, "OE cleared by the read"),
	R(IIR, 0xc4, "then RX data (trigger 1)"),
	RS(RBR, "0123456789abcdef", "the FIFO kept the first 16"), R(LSR, 0x60, "the 17th was lost"),
	W(FCR, 0x00), WS(THR, "ab"), R(LSR, 0x63, "16450: OE"), R(RBR, 'b', "16450: the new byte replaced the old"),
	R(LSR, 0x60, "clean"),
	END,
};

/* Errors travel with their character (8.4): BI shows when the break
   character reaches the top, bit 7 while it is behind it. */
static const struct step fifo_errors[] = {
	W(FCR, 0x01), W(IER, 0x04), W(MCR, 0x08),
	RX("ab", 2, "rx"), BRK(),
	R(LSR, 0xe1, "break behind the top: bit 7, no BI yet"), R(IIR, 0xc1, "no line status yet"),
	R(LSR, 0xe1, "bit 7 stays while the break is behind the top"),
	RS(RBR, "ab", "data before the break"),
	IRQ(1, "break on top: line status"), R(IIR, 0xc6, "IIR line status"),
	R(LSR, 0xf1, "DR|BI|bit 7"), R(LSR, 0x61, "BI and bit 7 cleared by the read"),
	R(IIR, 0xc1, "none"), IRQ(0, "low"),
	R(RBR, 0x00, "the break character is 0"), R(LSR, 0x60, "empty"),
	RX("c", 1, "rx"), BRK(), RX("d", 1, "rx"), R(LSR, 0xe1, "bit 7 again"),
	R(LSR, 0xe1, "the break right behind the top keeps bit 7"),
	W(FCR, 0x03), R(LSR, 0x60, "clearing the FIFO takes its errors"),
	RX("a", 1, "rx"), BRK(), R(RBR, 'a', "a"), R(RBR, 0x00, "break"),
	R(LSR, 0xf0, "BI and bit 7 of the break just read"),
	RX("0123456789abcde", 15, "15 bytes: the slot after them held the old break"),
	R(LSR, 0x61, "no errors"), R(LSR, 0x61, "stale slots outside the FIFO do not count"),
	W(FCR, 0x00), BRK(), R(LSR, 0x71, "16450 mode: BI, never bit 7"), R(RBR, 0x00, "zero"),
	W(MCR, 0x10), BRK(), R(LSR, 0x60, "loopback: no break from outside"),
	END,
};

static const struct step loopback[] = {
	R(MSR, 0xb0, "idle inputs"),
	W(MCR, 0x10), R(MSR, 0x0b, "loop, outputs off: CTS, DSR, DCD drop (deltas)"),
	W(MCR, 0x1f), R(MSR, 0xfb, "all outputs on: all inputs on, RI rising gives no TERI"),
	W(MCR, 0x1b), R(MSR, 0xb4, "OUT1 off: RI trailing edge"),
	W(MCR, 0x1a), R(MSR, 0x92, "DTR off: DSR drops"),
	W(MCR, 0x19), R(MSR, 0xa3, "RTS off, DTR on: CTS drops, DSR rises"),
	W(MCR, 0x09), R(MSR, 0xb1, "loop off: CTS back"),
	R(MSR, 0xb0, "deltas cleared by the read"),
	W(MCR, 0x1a), RM(MSR, 0xf0, 0x90, "LOOP|OUT2|RTS reads DCD|CTS (Linux's check)"),
	W(THR, 'Z'), TXN(0, "loopback: not sent"), R(LSR, 0x61, "received"), R(RBR, 'Z', "the byte"),
	RX("abc", 0, "console input waits while in loopback"),
	W(MCR, 0x00), RX("abc", 1, "taken again after"),
	END,
};

/* The line: any enabled source, only with OUT2 and outside loopback. */
static const struct step irqline[] = {
	W(IER, 0x02), IRQ(0, "THRE pending, OUT2 clear: low"),
	W(MCR, 0x08), IRQ(1, "OUT2 set: high"), EDGES(1, "one edge"),
	W(MCR, 0x00), IRQ(0, "OUT2 cleared: low"),
	W(MCR, 0x0b), IRQ(1, "DTR|RTS|OUT2: high"), EDGES(2, "second edge"),
	W(MCR, 0x1b), IRQ(0, "loopback: low"), W(MCR, 0x0b), IRQ(1, "back"), EDGES(3, "third edge"),
	W(MCR, 0x07), IRQ(0, "OUT1 is not the gate"), W(MCR, 0x0b),
	R(IIR, 0x02, "THRE"), IRQ(0, "IIR read dropped it"),
	W(THR, 'x'), IRQ(1, "THR write raised it"), EDGES(5, "edge per interrupt"),
	W(IER, 0x00), IRQ(0, "disabled: low"),
	END,
};

/* Character timeout (8.11), 9600 8N1: 4 * 10 bits / 9600 = 4166666.7 ns. */
static const struct step timeout[] = {
	W(FCR, 0xc1), W(IER, 0x01), W(MCR, 0x08), W(LCR, 0x03),
	ADV(1000), RX("ab", 2, "two bytes, below trigger 14"), DL(4166667, "timer at 4 character times"),
	ADV(4166666), IRQ(0, "not before 4 character times"),
	ADV(1), IRQ(1, "the timer raised it on time"), R(IIR, 0xcc, "IIR character timeout"),
	R(RBR, 'a', "a"), R(IIR, 0xc1, "cleared by reading a byte"), IRQ(0, "low"),
	DL(4166667, "timer restarted by the read"),
	ADV(4166666), IRQ(0, "not yet"), ADV(1), R(IIR, 0xcc, "again for the byte left"),
	R(LSR, 0x61, "LSR"), R(IIR, 0xcc, "LSR read leaves it"),
	R(RBR, 'b', "b"), NODL("empty: no timer"), ADV(10000000), R(IIR, 0xc1, "empty: no timeout"),
	RX("c", 1, "rx"), ADV(2000000), RX("d", 1, "a byte 2 ms later"),
	ADV(4166666), IRQ(0, "the new byte restarted the timer"), ADV(1), IRQ(1, "4 character times after it"),
	R(RBR, 'c', "c"), SKIP(4166667), R(IIR, 0xcc, "a register access sees a passed deadline"),
	R(RBR, 'd', "d"), R(IIR, 0xc1, "none"),
	W(FCR, 0x41), RX("wxyz", 4, "4 bytes: trigger 4"), R(IIR, 0xc4, "RX data at the trigger"),
	NODL("at the trigger: no timer"), ADV(10000000), R(IIR, 0xc4, "still RX data, not timeout"),
	R(RBR, 'w', "w"), R(IIR, 0xc1, "below the trigger"), ADV(4166666), R(IIR, 0xc1, "not yet"),
	ADV(1), R(IIR, 0xcc, "timeout for the 3 left"),
	W(FCR, 0x43), R(IIR, 0xc1, "clearing the FIFO clears the timeout"), NODL("and the timer"),
	RX("e", 1, "rx"), ADV(1000000), W(LCR, 0x83), W(DLL, 0x01), W(LCR, 0x03),
	R(IIR, 0xcc, "115200 baud: 4 chars (347 us) already passed"),
	W(FCR, 0x00), RX("f", 1, "16450 mode"), ADV(10000000), R(IIR, 0x04, "no timeout without FIFOs"),
	NODL("no timer without FIFOs"),
	END,
};

/* Character lengths (8.1, 8.11: all stop bits count). */
static const struct step charlen[] = {
	W(FCR, 0xc1), W(IER, 0x01), W(MCR, 0x08),
	/* 300 baud (divisor 384), 8 data, parity, 2 stop: 12 bits, 160 ms (8.11) */
	W(LCR, 0x8f), W(DLL, 0x80), W(DLM, 0x01), W(LCR, 0x0f),
	RX("a", 1, "rx"), ADV(159999999), IRQ(0, "8E2 at 300: not before 160 ms"),
	ADV(1), IRQ(1, "8E2 at 300: 160 ms"), RD(RBR),
	/* 9600, 7 data, no parity, 1 stop: 9 bits * 4 / 9600 = 3.75 ms */
	W(LCR, 0x82), W(DLL, 0x0c), W(DLM, 0x00), W(LCR, 0x02),
	RX("a", 1, "rx"), ADV(3749999), IRQ(0, "7N1 at 9600: not before 3.75 ms"),
	ADV(1), IRQ(1, "7N1 at 9600: 3.75 ms"), RD(RBR),
	/* 115200, 5 data, 1.5 stop: 7.5 bits * 4 / 115200 = 260416.7 ns */
	W(LCR, 0x84), W(DLL, 0x01), W(LCR, 0x04),
	RX("a", 1, "rx"), DL(260417, "5N1.5 at 115200: 260417 ns"), RD(RBR),
	/* 115200, 6 data, even parity, 2 stop: 10 bits = 347222.2 ns */
	W(LCR, 0x1d), RX("a", 1, "rx"), DL(347223, "6E2 at 115200: 347223 ns"), RD(RBR),
	/* divisor 0 taken as 65536: 10 bits at 115200/65536 baud = 22.76 s */
	W(LCR, 0x83), W(DLL, 0x00), W(LCR, 0x03),
	RX("a", 1, "rx"), DL(22755555556ULL, "divisor 0 counts as 65536"),
	END,
};

/* Linux's 8250 driver on a 16550A at COM1 (see the file comment). */
static const struct step linux_probe[] = {
	/* autoconfig(): IER existence test */
	R(IER, 0x00, "scratch = IER"), W(IER, 0x00), RM(IER, 0x0f, 0x00, "IER reads 0 back"),
	W(IER, 0x0f), RM(IER, 0x0f, 0x0f, "IER reads 0x0f back"), W(IER, 0x00),
	R(MCR, 0x00, "save_mcr"), R(LCR, 0x00, "save_lcr"),
	W(MCR, 0x1a), RM(MSR, 0xf0, 0x90, "loopback test: DCD|CTS"), W(MCR, 0x00),
	W(LCR, 0xbf), W(2, 0x00), W(LCR, 0x00),
	W(FCR, 0xc7), RM(IIR, 0xc0, 0xc0, "IIR bits 7:6 = 11: a 16550A"),
	/* autoconfig_16550a(): no EFR, not a SuperIO, not a 16750, no UUE */
	W(LCR, 0x80), R(2, 0xc1, "EFR probe at LCR 0x80 reads IIR, not 0"),
	W(LCR, 0xbf), R(2, 0xc1, "EFR probe at LCR 0xbf reads IIR, not 0"),
	W(LCR, 0x00), R(MCR, 0x00, "MCR"), W(LCR, 0xe0), RM(2, 0x10, 0x00, "EXCR1 probe: IIR bit 4 clear"),
	W(LCR, 0x00), W(MCR, 0x10), W(LCR, 0xe0), RM(2, 0x10, 0x00, "EXCR1 does not follow MCR LOOP"),
	W(LCR, 0x00), W(MCR, 0x00),
	W(FCR, 0x21), RM(IIR, 0x20, 0x00, "IIR bit 5 clear"), W(FCR, 0x01),
	W(LCR, 0x80), W(FCR, 0x21), RM(IIR, 0x20, 0x00, "IIR bit 5 clear with DLAB"), W(FCR, 0x01),
	W(LCR, 0x00),
	R(IER, 0x00, "iersave"), W(IER, 0x00), W(IER, 0x40), RM(IER, 0x40, 0x00, "IER UUE not writable"),
	W(IER, 0x00),
	W(LCR, 0x00), W(MCR, 0x00), W(FCR, 0x07), W(FCR, 0x00), RD(RBR), W(IER, 0x00),
	/* serial8250_do_startup() */
	W(FCR, 0x07), W(FCR, 0x00), RD(LSR), RD(RBR), RD(IIR), RD(MSR),
	R(LSR, 0x60, "LSR safety check: not 0xff"),
	W(IER, 0x02), R(IIR, 0x02, "THRE test: iir1 has an interrupt"), W(IER, 0x00),
	W(IER, 0x02), R(IIR, 0x02, "THRE test: reasserted (no UART_BUG_THRE)"), W(IER, 0x00),
	W(LCR, 0x03), W(MCR, 0x0b), IRQ(0, "OUT2 on, nothing pending"),
	W(IER, 0x02), IRQ(1, "TXEN test raises IRQ 4"), RM(LSR, 0x40, 0x40, "TXEN test: TEMT"),
	R(IIR, 0x02, "TXEN test: interrupt pending (no UART_BUG_TXEN)"), W(IER, 0x00),
	IRQ(0, "low after the test"), EDGES(1, "one edge"),
	RD(LSR), RD(RBR), RD(IIR), RD(MSR), W(IER, 0x05),
	/* set_termios: 115200 8N1, FIFO trigger 8 */
	W(LCR, 0x83), W(DLL, 0x01), W(DLM, 0x00), W(LCR, 0x03), W(FCR, 0x01), W(FCR, 0x81),
	R(IIR, 0xc1, "FIFOs on, no interrupt enabled one pending"),
	/* console write: IER off, poll THRE, write, wait for both empty */
	R(IER, 0x05, "console saves IER"), W(IER, 0x00),
	RM(LSR, 0x20, 0x20, "THRE"), W(THR, 'o'), RM(LSR, 0x20, 0x20, "THRE"), W(THR, 'k'),
	RM(LSR, 0x60, 0x60, "both empty"), W(IER, 0x05), TXN(2, "console bytes out"), TXB('k', "last"),
	IRQ(0, "console writes raise no interrupt"),
	/* tty write: start_tx enables THRI, the handler fills the FIFO */
	W(IER, 0x07), IRQ(1, "start_tx: THRE interrupt"), EDGES(2, "edge"),
	R(IIR, 0xc2, "handler: IIR THRE"), IRQ(0, "IIR read dropped it"), R(LSR, 0x60, "LSR"),
	W(THR, '!'), IRQ(1, "THR empty again"), W(IER, 0x05), IRQ(0, "stop_tx"),
	R(IIR, 0xc1, "handler loop ends"), TXN(3, "tty byte out"), TXB('!', "last"),
	/* receive below the trigger: timeout after 4 * 10 bits / 115200 = 347222.2 ns */
	RX("hi", 2, "console input"), ADV(347222), IRQ(0, "not before 4 chars"),
	ADV(1), IRQ(1, "character timeout"), R(IIR, 0xcc, "IIR timeout"),
	R(LSR, 0x61, "DR"), R(RBR, 'h', "h"), R(LSR, 0x61, "DR"), R(RBR, 'i', "i"), R(LSR, 0x60, "empty"),
	R(IIR, 0xc1, "done"), IRQ(0, "low"),
	/* receive at the trigger: at once */
	RX("01234567", 8, "8 bytes"), IRQ(1, "trigger 8 reached"), R(IIR, 0xc4, "IIR RX data"),
	RS(RBR, "01234567", "all 8"), R(IIR, 0xc1, "done"), IRQ(0, "low"), EDGES(5, "five interrupts in all"),
	END,
};

/* Trigger levels (8.5): RX data interrupt at 1, 4, 8, 14 bytes. */
static void trigger_levels(void)
{
	static const struct { uint8_t fcr; unsigned level; } t[] = {
		{ 0x01, 1 }, { 0x41, 4 }, { 0x81, 8 }, { 0xc1, 14 },
	};
	static const char data[] = "ABCDEFGHIJKLMNOP";
	char name[96];

	for (unsigned i = 0; i < ARRAY_SIZE(t); i++) {
		setup();
		wr(FCR, t[i].fcr);
		wr(IER, 0x01);
		wr(MCR, 0x08);
		ns16550_rx(&uart, (const uint8_t *)data, t[i].level - 1);
		snprintf(name, sizeof(name), "trigger %u: %u bytes, no RX interrupt", t[i].level, t[i].level - 1);
		DT_EQ(rd(IIR), 0xc1, name);
		ns16550_rx(&uart, (const uint8_t *)data + t[i].level - 1, 1);
		snprintf(name, sizeof(name), "trigger %u: reached", t[i].level);
		DT_EQ(rd(IIR), 0xc4, name);
		ut_ok(irq.level, "trigger: IRQ high", NULL);
		DT_EQ(rd(RBR), 'A', "trigger: first byte");
		snprintf(name, sizeof(name), "trigger %u: one below after a read", t[i].level);
		DT_EQ(rd(IIR), 0xc1, name);
	}
}

int main(void)
{
	run("reset", reset_values);
	run("registers", registers);
	run("priorities", priorities);
	run("thre", thre);
	run("fifo", fifo);
	run("overrun", overrun);
	run("fifo errors", fifo_errors);
	run("enables", enables);
	run("loopback", loopback);
	run("irq line", irqline);
	run("timeout", timeout);
	run("char length", charlen);
	run("linux 8250", linux_probe);
	trigger_levels();

	/* Exactly 8 ports; a second attach of the same ports fails. */
	setup();
	ut_ok(!bus_pio(&bus, COM1 + 8, false, 1, &(uint32_t){ 0 }) && !bus_pio(&bus, COM1 - 1, false, 1, &(uint32_t){ 0 }) &&
	      bus_pio(&bus, COM1 + 7, false, 1, &(uint32_t){ 0 }), "ports base..base+7 only", NULL);
	DT_EQ(ns16550_attach(&uart, &bus, COM1), (uint64_t)-1, "attach twice refused");
	return ut_done();
}
