/*
 * test_i8259.c - the dual 8259A (vmm/dev/i8259.c), through the bus as a
 * guest programs it and through set_irq/ack as devices and the CPU use it.
 *
 * Each case is a script that starts from i8259_init() (the BIOS state):
 * port writes and reads, line changes, INTA cycles, and checks of the INT
 * output. The expected values follow the Intel 8259A datasheet; the
 * comment on each case says which rule it checks. SETUP programs the pair
 * as Linux does (ICW1 0x11, vectors 0x30/0x38, cascade on IR2, 8086 mode)
 * and unmasks everything.
 */
#include "bus.h"
#include "devtest.h"
#include "i8259.h"

/* Script steps leave unused operands out. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

enum op {
	END,
	SETUP,          /* Linux-style ICW1-4 on both chips, IMR 0 */
	OUT,            /* outb(a, b) */
	IN,             /* inb(a) == b */
	HI, LO, PULSE,  /* drive ISA line a */
	ACK,            /* i8259_ack() == a */
	INT,            /* master INT == a */
	ACKED,          /* pins reported acknowledged since the last check == a (irq.h) */
	RESETS,         /* pins reported reset since the last check == a */
};

struct step {
	enum op op;
	uint16_t a, b;
};

struct tcase {
	const char *name;
	struct step s[48];
};

#define M 0x20          /* master command / data */
#define MD 0x21
#define S 0xa0
#define SD 0xa1
#define RD_IRR(p) { OUT, p, 0x0a }
#define RD_ISR(p) { OUT, p, 0x0b }
#define EOI(p) { OUT, p, 0x20 }

static const struct tcase cases[] = {
	{ "BIOS state: IMR fb/ff, vectors 08/70, slave on IR2", {
		{ IN, MD, 0xfb }, { IN, SD, 0xff }, { IN, M, 0x00 }, { INT, 0 },
		{ PULSE, 1 }, { INT, 0 }, { IN, M, 0x02 },      /* masked: IRR only */
		{ OUT, MD, 0xf9 }, { INT, 1 }, { ACK, 0x09 }, { INT, 0 }, EOI(M),
		{ OUT, SD, 0xfe }, { PULSE, 8 }, { INT, 1 }, { ACK, 0x70 },
		{ END } } },
	{ "ICW1 clears IMR; ICW2-4 sequence then OCW1", {
		{ OUT, M, 0x11 }, { IN, MD, 0x00 },             /* ICW1 b: IMR cleared */
		{ OUT, MD, 0x30 }, { OUT, MD, 0x04 }, { OUT, MD, 0x01 },
		{ OUT, MD, 0x5a }, { IN, MD, 0x5a },            /* the 4th byte is OCW1 */
		{ OUT, MD, 0x00 }, { PULSE, 4 }, { ACK, 0x34 },
		{ END } } },
	{ "edge: a rising edge latches IRR, ack moves it to ISR, EOI clears", {
		{ SETUP }, { PULSE, 3 }, { INT, 1 }, { IN, M, 0x08 },
		{ ACK, 0x33 }, { INT, 0 }, { IN, M, 0x00 }, RD_ISR(M), { IN, M, 0x08 },
		EOI(M), { IN, M, 0x00 }, { INT, 0 },
		{ END } } },
	{ "edge: a line held high does not request again until it drops", {
		{ SETUP }, { HI, 5 }, { ACK, 0x35 }, EOI(M), { INT, 0 }, { IN, M, 0x00 },
		{ HI, 5 }, { INT, 0 }, { IN, M, 0x00 },         /* no new edge */
		{ LO, 5 }, { INT, 0 }, { HI, 5 }, { INT, 1 }, { IN, M, 0x20 },
		{ END } } },
	{ "edge: the request stays latched after the line drops", {
		{ SETUP }, { HI, 6 }, { LO, 6 }, { INT, 1 }, { IN, M, 0x40 }, { ACK, 0x36 },
		{ END } } },
	{ "fully nested: lower priority waits, higher nests", {
		{ SETUP }, { PULSE, 5 }, { PULSE, 3 }, { ACK, 0x33 }, { INT, 0 }, /* 5 < 3 in service */
		{ IN, M, 0x20 }, EOI(M), { INT, 1 }, { ACK, 0x35 },
		{ PULSE, 1 }, { INT, 1 }, { ACK, 0x31 },        /* 1 above 5: nests */
		RD_ISR(M), { IN, M, 0x22 },
		EOI(M), { IN, M, 0x20 },                        /* non-specific EOI: highest (1) */
		{ PULSE, 5 }, { INT, 0 },                       /* same level in service */
		EOI(M), { INT, 1 }, { ACK, 0x35 },
		{ END } } },
	{ "IR0 has the highest priority, IR7 the lowest", {
		{ SETUP }, { PULSE, 7 }, { PULSE, 0 }, { PULSE, 4 },
		{ ACK, 0x30 }, EOI(M), { ACK, 0x34 }, EOI(M), { ACK, 0x37 }, EOI(M), { INT, 0 },
		{ END } } },
	{ "OCW1 mask: masked request stays in IRR, unmasking raises INT", {
		{ SETUP }, { OUT, MD, 0x10 }, { PULSE, 4 }, { INT, 0 }, { IN, M, 0x10 },
		{ OUT, MD, 0x00 }, { INT, 1 }, { ACK, 0x34 },
		{ PULSE, 3 }, { OUT, MD, 0x08 }, { INT, 0 }, { OUT, MD, 0x00 }, { INT, 1 }, /* 3 above 4 */
		{ ACK, 0x33 }, { INT, 0 },
		{ END } } },
	{ "spurious IR7: the request went away before INTA, no ISR bit", {
		{ SETUP }, { OUT, 0x4d0, 0x20 }, { HI, 5 }, { INT, 1 }, { LO, 5 }, { INT, 0 },
		{ ACK, 0x37 }, RD_ISR(M), { IN, M, 0x00 },
		{ PULSE, 4 }, { OUT, MD, 0x10 }, { ACK, 0x37 }, RD_IRR(M), { IN, M, 0x10 }, /* masked away */
		RD_ISR(M), { IN, M, 0x00 },
		{ END } } },
	{ "spurious IRQ 15: slave request gone, master IR2 stays in service", {
		{ SETUP }, { OUT, 0x4d1, 0x02 }, { HI, 9 }, { INT, 1 }, { IN, S, 0x02 },
		{ LO, 9 }, { IN, S, 0x00 }, { INT, 1 },        /* master IR2 latched the edge */
		{ ACK, 0x3f }, { INT, 0 },
		RD_ISR(M), { IN, M, 0x04 }, RD_ISR(S), { IN, S, 0x00 },
		EOI(M), { IN, M, 0x00 },
		{ END } } },
	{ "cascade: slave vector, both ISRs, EOI slave then master", {
		{ SETUP }, { PULSE, 12 }, { INT, 1 }, { IN, M, 0x04 }, { IN, S, 0x10 },
		{ ACK, 0x3c }, { INT, 0 }, RD_ISR(M), RD_ISR(S), { IN, M, 0x04 }, { IN, S, 0x10 },
		{ PULSE, 8 }, { INT, 0 },                       /* master IR2 still in service */
		EOI(S), { INT, 0 }, EOI(M), { INT, 1 }, { ACK, 0x38 },
		{ END } } },
	{ "cascade: master IMR bit 2 blocks the slave; slave IMR its inputs", {
		{ SETUP }, { OUT, MD, 0x04 }, { PULSE, 14 }, { INT, 0 }, { OUT, MD, 0x00 }, { INT, 1 },
		{ ACK, 0x3e }, EOI(S), EOI(M),
		{ OUT, SD, 0x01 }, { PULSE, 8 }, { INT, 0 }, { OUT, SD, 0x00 }, { INT, 1 }, { ACK, 0x38 },
		{ END } } },
	{ "ELCR: IRQ 0-2, 8 and 13 stay edge; the rest read back", {
		{ OUT, 0x4d0, 0xff }, { IN, 0x4d0, 0xf8 }, { OUT, 0x4d1, 0xff }, { IN, 0x4d1, 0xde },
		{ OUT, 0x4d0, 0x00 }, { IN, 0x4d0, 0x00 }, { OUT, 0x4d1, 0x21 }, { IN, 0x4d1, 0x00 },
		{ END } } },
	{ "level (ELCR): IRR follows the line; still high after EOI requests again", {
		{ SETUP }, { OUT, 0x4d0, 0x08 }, { HI, 3 }, { IN, M, 0x08 }, { INT, 1 },
		{ LO, 3 }, { IN, M, 0x00 }, { INT, 0 },
		{ HI, 3 }, { ACK, 0x33 }, { IN, M, 0x08 }, { INT, 0 },
		EOI(M), { INT, 1 }, { ACK, 0x33 }, { LO, 3 }, EOI(M), { INT, 0 }, { IN, M, 0x00 },
		{ END } } },
	{ "level (ELCR) on the slave, through the cascade", {
		{ SETUP }, { OUT, 0x4d1, 0x04 }, { HI, 10 }, { ACK, 0x3a }, EOI(S), EOI(M),
		{ INT, 1 }, { ACK, 0x3a }, { LO, 10 }, EOI(S), EOI(M), { INT, 0 },
		{ END } } },
	{ "ELCR write with the line high: the input requests at once", {
		{ SETUP }, { HI, 7 }, { ACK, 0x37 }, EOI(M), { INT, 0 },
		{ OUT, 0x4d0, 0x80 }, { INT, 1 }, { IN, M, 0x80 },
		{ END } } },
	{ "LTIM: every input of the chip level-triggered, IRQ 0 included", {
		{ SETUP }, { OUT, M, 0x19 }, { OUT, MD, 0x30 }, { OUT, MD, 0x04 }, { OUT, MD, 0x01 },
		{ HI, 0 }, { IN, M, 0x01 }, { LO, 0 }, { IN, M, 0x00 }, { INT, 0 },
		{ HI, 4 }, { ACK, 0x34 }, EOI(M), { INT, 1 },
		{ END } } },
	{ "ICW1 resets priority, special mask and read select, clears ISR", {
		{ SETUP }, { OUT, M, 0xc2 }, { OUT, M, 0x68 }, RD_ISR(M), { PULSE, 6 }, { ACK, 0x36 },
		{ IN, M, 0x40 }, { OUT, MD, 0x12 },
		{ OUT, M, 0x11 }, { OUT, MD, 0x40 }, { OUT, MD, 0x04 }, { OUT, MD, 0x01 },
		{ PULSE, 5 }, { IN, M, 0x20 },                  /* e: reads IRR again */
		{ IN, MD, 0x00 },                               /* b: IMR cleared */
		RD_ISR(M), { IN, M, 0x00 },                     /* ISR cleared */
		{ PULSE, 7 }, { PULSE, 0 }, { ACK, 0x40 },      /* c: IR0 highest again; new base */
		{ OUT, MD, 0x01 }, { INT, 0 },                  /* e: no special mask: masked IR0 blocks */
		{ END } } },
	{ "ICW1 resets the edge sense: a line high through init must rise again", {
		{ SETUP }, { HI, 3 }, { OUT, M, 0x11 }, { IN, M, 0x00 },
		{ OUT, MD, 0x30 }, { OUT, MD, 0x04 }, { OUT, MD, 0x01 }, { INT, 0 },
		{ LO, 3 }, { HI, 3 }, { INT, 1 },
		{ END } } },
	{ "no INT between ICW1 and the last ICW", {
		{ SETUP }, { OUT, M, 0x11 }, { OUT, MD, 0x30 }, { PULSE, 4 }, { INT, 0 },
		{ OUT, MD, 0x04 }, { INT, 0 }, { OUT, MD, 0x01 }, { INT, 1 }, { ACK, 0x34 },
		{ END } } },
	{ "ICW4 absent: IC4=0 ends after ICW3 and zeroes the ICW4 functions", {
		{ OUT, M, 0x11 }, { OUT, MD, 0x30 }, { OUT, MD, 0x04 }, { OUT, MD, 0x03 }, /* AEOI */
		{ OUT, MD, 0x00 }, { PULSE, 5 }, { ACK, 0x35 }, RD_ISR(M), { IN, M, 0x00 },
		{ OUT, M, 0x10 }, { OUT, MD, 0x50 }, { OUT, MD, 0x04 },
		{ OUT, MD, 0x5a }, { IN, MD, 0x5a },            /* that was OCW1 */
		{ OUT, MD, 0x00 }, { PULSE, 5 }, { ACK, 0x55 },
		RD_ISR(M), { IN, M, 0x20 },                     /* AEOI gone: ISR set */
		{ END } } },
	{ "single mode: no ICW3, IR2 is an ordinary input", {
		{ OUT, M, 0x13 }, { OUT, MD, 0x30 }, { OUT, MD, 0x01 },
		{ OUT, MD, 0x5a }, { IN, MD, 0x5a }, { OUT, MD, 0x00 }, { OUT, SD, 0x00 },
		{ PULSE, 9 }, { INT, 1 }, { ACK, 0x32 },        /* master's own vector for IR2 */
		RD_ISR(S), { IN, S, 0x00 },
		{ END } } },
	{ "ICW3 without IR2: the master answers IR2 itself", {
		{ OUT, M, 0x11 }, { OUT, MD, 0x30 }, { OUT, MD, 0x08 }, { OUT, MD, 0x01 },
		{ OUT, MD, 0x00 }, { OUT, SD, 0x00 }, { PULSE, 11 }, { ACK, 0x32 },
		{ END } } },
	{ "ICW2: the low three bits are the IR number, not the base", {
		{ OUT, M, 0x11 }, { OUT, MD, 0x27 }, { OUT, MD, 0x04 }, { OUT, MD, 0x01 },
		{ OUT, MD, 0x00 }, { PULSE, 1 }, { ACK, 0x21 },
		{ END } } },
	{ "auto-EOI: INTA leaves no ISR bit, a lower request follows at once", {
		{ OUT, M, 0x11 }, { OUT, MD, 0x30 }, { OUT, MD, 0x04 }, { OUT, MD, 0x03 },
		{ OUT, MD, 0x00 }, { PULSE, 3 }, { PULSE, 6 }, { ACK, 0x33 },
		RD_ISR(M), { IN, M, 0x00 }, { INT, 1 }, { ACK, 0x36 }, { INT, 0 },
		{ END } } },
	{ "rotate in auto-EOI mode: set rotates on each INTA, clear stops it", {
		{ OUT, M, 0x11 }, { OUT, MD, 0x30 }, { OUT, MD, 0x04 }, { OUT, MD, 0x03 },
		{ OUT, MD, 0x00 }, { OUT, M, 0x80 },
		{ PULSE, 3 }, { ACK, 0x33 },                    /* now IR3 lowest, IR4 highest */
		{ PULSE, 3 }, { PULSE, 4 }, { ACK, 0x34 }, { ACK, 0x33 },
		{ OUT, M, 0x00 },                               /* clear: IR4 stays highest */
		{ PULSE, 0 }, { ACK, 0x30 },
		{ PULSE, 1 }, { PULSE, 0 }, { ACK, 0x30 }, { ACK, 0x31 },
		{ END } } },
	{ "rotate on non-specific EOI: the level ended becomes lowest", {
		{ SETUP }, { PULSE, 4 }, { ACK, 0x34 }, { OUT, M, 0xa0 }, { IN, M, 0x00 },
		RD_ISR(M), { IN, M, 0x00 },
		{ PULSE, 4 }, { PULSE, 5 }, { ACK, 0x35 },      /* IR5 highest now, IR4 lowest */
		{ INT, 0 }, EOI(M), { ACK, 0x34 }, EOI(M),
		{ PULSE, 3 }, { PULSE, 6 }, { ACK, 0x36 },      /* 5 6 7 0 1 2 3 4 */
		{ INT, 0 }, EOI(M), { ACK, 0x33 },
		{ END } } },
	{ "ICW1 turns rotate-in-AEOI off", {
		{ OUT, M, 0x11 }, { OUT, MD, 0x30 }, { OUT, MD, 0x04 }, { OUT, MD, 0x03 },
		{ OUT, M, 0x80 },
		{ OUT, M, 0x11 }, { OUT, MD, 0x30 }, { OUT, MD, 0x04 }, { OUT, MD, 0x03 },
		{ PULSE, 3 }, { ACK, 0x33 }, { PULSE, 4 }, { PULSE, 3 }, { ACK, 0x33 },
		{ END } } },
	{ "rotate on non-specific EOI with nothing in service: no rotation", {
		{ SETUP }, { OUT, M, 0xa0 }, { PULSE, 7 }, { PULSE, 0 }, { ACK, 0x30 },
		{ END } } },
	{ "set priority: level L lowest, L+1 highest", {
		{ SETUP }, { OUT, M, 0xc4 }, { PULSE, 0 }, { PULSE, 5 }, { ACK, 0x35 },
		{ INT, 0 }, EOI(M), { INT, 1 }, { ACK, 0x30 }, EOI(M),  /* 0 below 5 */
		{ PULSE, 4 }, { PULSE, 3 }, { ACK, 0x33 }, EOI(M), { ACK, 0x34 },
		{ END } } },
	{ "non-specific EOI ends the highest level under rotation", {
		{ SETUP }, { OUT, M, 0xc1 }, { PULSE, 1 }, { ACK, 0x31 }, { PULSE, 3 }, { ACK, 0x33 },
		RD_ISR(M), { IN, M, 0x0a }, EOI(M), { IN, M, 0x02 },
		{ END } } },
	{ "specific EOI ends the level named, not the highest", {
		{ SETUP }, { PULSE, 3 }, { ACK, 0x33 }, { PULSE, 1 }, { ACK, 0x31 },
		RD_ISR(M), { IN, M, 0x0a }, { OUT, M, 0x63 }, { IN, M, 0x02 }, { OUT, M, 0x61 },
		{ IN, M, 0x00 },
		{ END } } },
	{ "rotate on specific EOI: ends L and makes it lowest", {
		{ SETUP }, { PULSE, 6 }, { ACK, 0x36 }, { OUT, M, 0xe6 }, RD_ISR(M), { IN, M, 0x00 },
		{ PULSE, 6 }, { PULSE, 7 }, { PULSE, 0 }, { ACK, 0x37 }, EOI(M), { ACK, 0x30 }, EOI(M),
		{ ACK, 0x36 },
		{ END } } },
	{ "rotate on specific EOI of IR3: IR4 highest", {
		{ SETUP }, { PULSE, 3 }, { ACK, 0x33 }, { OUT, M, 0xe3 },
		{ PULSE, 0 }, { PULSE, 3 }, { PULSE, 4 }, { ACK, 0x34 }, EOI(M), { ACK, 0x30 }, EOI(M),
		{ ACK, 0x33 },
		{ END } } },
	{ "OCW2 no-operation (010) changes nothing", {
		{ SETUP }, { PULSE, 3 }, { ACK, 0x33 }, { OUT, M, 0x40 }, { OUT, M, 0x47 },
		RD_ISR(M), { IN, M, 0x08 },
		{ END } } },
	{ "OCW3 RR selects IRR/ISR; RR=0 keeps the selection", {
		{ SETUP }, { PULSE, 4 }, { PULSE, 5 }, { ACK, 0x34 },
		RD_ISR(M), { IN, M, 0x10 }, { OUT, M, 0x08 }, { IN, M, 0x10 },
		RD_IRR(M), { IN, M, 0x20 }, { OUT, M, 0x09 }, { IN, M, 0x20 }, { IN, MD, 0x00 },
		{ END } } },
	{ "poll: next read acknowledges and returns I|level, then normal reads", {
		{ SETUP }, { PULSE, 5 }, { PULSE, 6 }, { OUT, M, 0x0c }, { IN, M, 0x85 },
		{ IN, M, 0x40 }, RD_ISR(M), { IN, M, 0x20 }, { INT, 0 },
		{ OUT, M, 0x0c }, { IN, M, 0x00 },              /* 6 below 5 in service: I=0 */
		EOI(M), { OUT, M, 0x0c }, { IN, MD, 0x86 },     /* either port */
		{ IN, MD, 0x00 },                               /* poll is one read only */
		{ END } } },
	{ "poll through the cascade: master says 2, then poll the slave", {
		{ SETUP }, { PULSE, 13 }, { OUT, M, 0x0c }, { IN, M, 0x82 },
		{ OUT, S, 0x0c }, { IN, S, 0x85 }, RD_ISR(S), { IN, S, 0x20 },
		{ END } } },
	{ "special mask mode: a masked level in service blocks nothing", {
		{ SETUP }, { PULSE, 3 }, { ACK, 0x33 }, { PULSE, 5 }, { INT, 0 },
		{ OUT, M, 0x68 }, { INT, 0 }, { OUT, MD, 0x08 }, { INT, 1 }, { ACK, 0x35 },
		RD_ISR(M), { IN, M, 0x28 },
		{ PULSE, 6 }, { INT, 0 },                       /* 5 in service, unmasked: blocks 6 */
		EOI(M), { IN, M, 0x08 },                        /* non-specific EOI skips masked 3 */
		{ INT, 1 }, { OUT, M, 0x48 }, { INT, 0 },       /* SMM off: 3 blocks 6 again */
		{ OUT, M, 0x28 }, { INT, 0 },                   /* ESMM=0: SMM bit ignored */
		{ OUT, M, 0x63 }, { INT, 1 }, { ACK, 0x36 },
		{ END } } },
	{ "fully nested (no SFNM): a slave in service blocks its own higher requests", {
		{ SETUP }, { PULSE, 12 }, { ACK, 0x3c }, { PULSE, 9 }, { INT, 0 },
		EOI(M), { INT, 1 }, { ACK, 0x39 },
		{ END } } },
	{ "special fully nested: higher slave requests pass IR2 in service", {
		{ OUT, M, 0x11 }, { OUT, MD, 0x30 }, { OUT, MD, 0x04 }, { OUT, MD, 0x11 },
		{ OUT, S, 0x11 }, { OUT, SD, 0x38 }, { OUT, SD, 0x02 }, { OUT, SD, 0x01 },
		{ OUT, MD, 0x00 }, { OUT, SD, 0x00 },
		{ PULSE, 12 }, { ACK, 0x3c }, { PULSE, 9 }, { INT, 1 }, { ACK, 0x39 },
		RD_ISR(S), { IN, S, 0x12 }, RD_ISR(M), { IN, M, 0x04 },
		{ PULSE, 3 }, { INT, 0 },                       /* lower master inputs still wait */
		{ PULSE, 1 }, { INT, 1 }, { ACK, 0x31 },
		{ END } } },
	{ "special fully nested: an ordinary master input still blocks itself", {
		{ OUT, M, 0x11 }, { OUT, MD, 0x30 }, { OUT, MD, 0x04 }, { OUT, MD, 0x11 },
		{ OUT, MD, 0x00 }, { PULSE, 3 }, { ACK, 0x33 }, { PULSE, 3 }, { INT, 0 },
		EOI(M), { INT, 1 },
		{ END } } },
	{ "ISA line 2 is the cascade: driving it does nothing", {
		{ SETUP }, { PULSE, 2 }, { HI, 2 }, { INT, 0 }, { IN, M, 0x00 },
		{ END } } },
	/* The monitor's view (irq.h): INTA reports the pin once the lock is dropped. */
	{ "acknowledges: INTA reports the pin, slave pins as 8-15, spurious none", {
		{ SETUP }, { PULSE, 3 }, { ACKED, 0 }, { ACK, 0x33 }, { ACKED, 0x0008 }, EOI(M),
		{ PULSE, 10 }, { ACK, 0x3a }, { ACKED, 0x0400 }, EOI(S), EOI(M),
		{ ACK, 0x37 }, { ACKED, 0 }, { OUT, SD, 0x80 }, { PULSE, 15 }, { OUT, SD, 0x00 },
		{ PULSE, 0 }, { ACK, 0x30 }, { ACKED, 0x0001 }, EOI(M), { ACK, 0x3f }, { ACKED, 0x8000 },
		{ END } } },
	/* Under the lock: an IMR bit that changes, a poll that takes a request. */
	{ "resets: IMR changes (ICW1, OCW1) and polls, never the cascade input", {
		{ RESETS, 0 }, { SETUP }, { RESETS, 0xfffb }, { OUT, MD, 0x01 }, { RESETS, 0x0001 },
		{ OUT, MD, 0x01 }, { RESETS, 0 }, { OUT, MD, 0x05 }, { RESETS, 0 },
		{ OUT, SD, 0x80 }, { RESETS, 0x8000 }, { PULSE, 4 }, { OUT, M, 0x0c }, { IN, M, 0x84 },
		{ RESETS, 0x0010 }, { ACKED, 0 }, { OUT, M, 0x0c }, { IN, M, 0x00 }, { RESETS, 0 },
		{ PULSE, 12 }, { OUT, S, 0x0c }, { IN, S, 0x84 }, { RESETS, 0x1000 },
		{ END } } },
	{ "an ack with nothing pending on a fresh PIC: 0x0f", {
		{ ACK, 0x0f }, RD_ISR(M), { IN, M, 0x00 },
		{ END } } },
};

static struct bus bus;
static struct i8259 pic;
static unsigned intr_calls;
static bool intr_level, intr_locked = true;

static void rec_intr(void *ctx, bool level)
{
	(void)ctx;
	intr_calls++;
	intr_level = level;
	if (pic.lock.locked == 0)
		intr_locked = false;
}

/* The acknowledge reports (irq.h) and the lock state they came with. */
static uint16_t acked_pins, reset_pins;
static bool acked_locked, reset_unlocked;

static void rec_acked(void *ctx, unsigned pin)
{
	(void)ctx;
	acked_pins |= (uint16_t)BIT(pin);
	acked_locked |= pic.lock.locked != 0;
}

static void rec_reset(void *ctx, unsigned pin)
{
	(void)ctx;
	reset_pins |= (uint16_t)BIT(pin);
	reset_unlocked |= pic.lock.locked == 0;
}

static const struct irq_pin_ack rec_ack = { rec_acked, rec_reset, NULL };

static void outb(uint16_t port, uint8_t v)
{
	uint32_t val = v;

	bus_pio(&bus, port, true, 1, &val);
}

static uint8_t inb(uint16_t port)
{
	uint32_t val = 0;

	bus_pio(&bus, port, false, 1, &val);
	return (uint8_t)val;
}

static void setup_linux(void)
{
	static const uint8_t seq[][2] = {
		{ M, 0x11 }, { MD, 0x30 }, { MD, 0x04 }, { MD, 0x01 },
		{ S, 0x11 }, { SD, 0x38 }, { SD, 0x02 }, { SD, 0x01 },
		{ MD, 0x00 }, { SD, 0x00 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(seq); i++)
		outb(seq[i][0], seq[i][1]);
}

/* Run one script; one TAP line per check. */
static void run_case(const struct tcase *tc)
{
	char name[160];
	bool consistent = true;

	bus_init(&bus);
	i8259_init(&pic, rec_intr, NULL);
	i8259_attach(&pic, &bus);
	i8259_set_ack(&pic, &rec_ack);
	intr_calls = 0;
	intr_level = false;
	acked_pins = reset_pins = 0;
	acked_locked = reset_unlocked = false;
	for (unsigned i = 0; tc->s[i].op != END; i++) {
		const struct step *st = &tc->s[i];
		unsigned got;

		snprintf(name, sizeof(name), "%s: step %u", tc->name, i + 1);
		switch (st->op) {
		case SETUP:
			setup_linux();
			break;
		case OUT:
			outb(st->a, (uint8_t)st->b);
			break;
		case IN:
			got = inb(st->a);
			ut_ok(got == st->b, name, "in 0x%x: wanted 0x%02x got 0x%02x", st->a, st->b, got);
			break;
		case HI:
		case LO:
			i8259_set_irq(&pic, st->a, st->op == HI);
			break;
		case PULSE:
			i8259_set_irq(&pic, st->a, true);
			i8259_set_irq(&pic, st->a, false);
			break;
		case ACK:
			got = i8259_ack(&pic);
			ut_ok(got == st->a, name, "ack: wanted 0x%02x got 0x%02x", st->a, got);
			break;
		case INT:
			got = i8259_output(&pic);
			ut_ok(got == st->a, name, "INT: wanted %u got %u", st->a, got);
			break;
		case ACKED:
		case RESETS:
			got = st->op == ACKED ? acked_pins : reset_pins;
			ut_ok(got == st->a, name, "%s: wanted 0x%04x got 0x%04x",
			      st->op == ACKED ? "acked" : "reset", st->a, got);
			acked_pins = st->op == ACKED ? 0 : acked_pins;
			reset_pins = st->op == RESETS ? 0 : reset_pins;
			break;
		default:
			break;
		}
		if (intr_level != pic.output)
			consistent = false;
	}
	ut_ok(consistent && !acked_locked && !reset_unlocked, tc->name,
	      "intr callback out of step with INT, or acked with the lock held (%u), reset without (%u)",
	      acked_locked, reset_unlocked);
}

/* The callback: once per change of INT, with the lock held. */
static void test_intr_callback(void)
{
	bus_init(&bus);
	i8259_init(&pic, rec_intr, NULL);
	i8259_attach(&pic, &bus);
	intr_calls = 0;
	intr_locked = true;
	setup_linux();
	DT_EQ(intr_calls, 0, "intr: no call while INT stays low");
	i8259_set_irq(&pic, 4, true);
	DT_EQ(intr_calls, 1, "intr: one call when INT rises");
	ut_ok(intr_level, "intr: level high", NULL);
	i8259_set_irq(&pic, 3, true);
	DT_EQ(intr_calls, 1, "intr: no call when INT stays high");
	DT_EQ(i8259_ack(&pic), 0x33, "intr: ack of 3");
	DT_EQ(intr_calls, 2, "intr: INT falls: 4 waits below 3 in service");
	ut_ok(!intr_level, "intr: level low", NULL);
	outb(M, 0x20);
	DT_EQ(intr_calls, 3, "intr: EOI: INT rises for 4");
	DT_EQ(i8259_ack(&pic), 0x34, "intr: ack of 4");
	DT_EQ(intr_calls, 4, "intr: one call when INT falls");
	ut_ok(!intr_level, "intr: level low again", NULL);
	ut_ok(intr_locked, "intr: called with the PIC lock held", NULL);
	i8259_set_irq(&pic, 16, true);
	i8259_set_irq(&pic, 99, true);
	DT_EQ(intr_calls, 4, "set_irq beyond 15 ignored");
	ut_ok(pic.lock.locked == 0, "lock released after the entry points", NULL);
}

/* A 16-bit read at 0x20 is split by the bus: IRR then IMR. */
static void test_word_access(void)
{
	uint32_t v = 0;

	bus_init(&bus);
	i8259_init(&pic, NULL, NULL);
	DT_EQ(i8259_attach(&pic, &bus), 0, "attach: 0");
	i8259_set_irq(&pic, 1, true);
	ut_ok(bus_pio(&bus, 0x20, false, 2, &v), "word read claimed", NULL);
	DT_EQ(v, 0xfb02, "word read: IRR, IMR");
	ut_ok(!bus_pio(&bus, 0x22, false, 1, &v) && !bus_pio(&bus, 0xa2, false, 1, &v) &&
	      !bus_pio(&bus, 0x1f, false, 1, &v) && !bus_pio(&bus, 0x9f, false, 1, &v) &&
	      !bus_pio(&bus, 0x4cf, false, 1, &v) && !bus_pio(&bus, 0x4d2, false, 1, &v),
	      "only 0x20-0x21, 0xa0-0xa1, 0x4d0-0x4d1 claimed", NULL);
	DT_EQ(i8259_attach(&pic, &bus), (uint64_t)-1, "second attach refused (ports taken)");
}

int main(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
	test_intr_callback();
	test_word_access();
	return ut_done();
}
