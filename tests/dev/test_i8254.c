/*
 * test_i8254.c - the 8254 interval timer and port 0x61 (vmm/dev/i8254.c),
 * through the bus with the fake clock.
 *
 * Time is in ticks of the 1.193182 MHz input clock: tick k happens at
 * tns(k) = ceil(k * 10^9 / 1193182) ns. A count written during tick W
 * loads on the next clock pulse, W + 1 = L ("the initial count is loaded
 * on the next CLK pulse"); every expected CE and OUT below is the
 * datasheet's sequence counted from L. Port 0x61, late timers and Linux's
 * calibrations are in test_i8254_timing.c.
 */
#include "i8254_fixture.h"

static void test_init_state(void)
{
	reset();
	DT_EQ(status(0), 0xb4, "init: counter 0 mode 2 rw 3 binary, OUT high, count loaded");
	DT_EQ(status(1), 0x94, "init: counter 1 mode 2 LSB only");
	DT_EQ(status(2), 0xf6, "init: counter 2 mode 3, OUT high, NULL COUNT (no count)");
	DT_EQ(inb(0x61), 0x20, "init: port 0x61 gate 0, speaker 0, OUT2 high, refresh 0");
	go_tick(5);
	DT_EQ(inb(0x41), 13, "init: counter 1 counts 18, 17, ... (LSB only)");
	DT_EQ(latched(0), 0x10000 - 5, "init: counter 0 from 65536 at tick 0");
	go(tns(65536) - 1);
	DT_EQ(irq.edges, 0, "init: no IRQ 0 before the first period ends");
	go(tns(65536));
	DT_EQ(irq.edges, 1, "init: IRQ 0 at tick 65536 (18.2 Hz)");
	ut_ok(!irq.level, "init: a pulse leaves the line low", NULL);
	go(tns(65536 * 10));
	DT_EQ(irq.edges, 10, "init: one edge per period");
	DT_EQ(pit.missed, 0, "init: nothing missed when the timers run on time");
	DT_EQ(attach_rc, 0, "attach: 0");
	DT_EQ(clk.vc.ntimers, 1, "attach: one timer on the clock");
	ut_ok(pit.lock.locked == 0, "lock released after the accesses and timers", NULL);
	DT_EQ(i8254_attach(&pit, &bus), (uint64_t)-1, "attach twice refused");
}

static void test_mode0(void)
{
	static const struct point seq[] = {
		{ 0, 100, 0 }, { 1, 99, 0 }, { 60, 40, 0 }, { 99, 1, 0 },
		{ 100, 0, 1 }, { 101, 0xffff, 1 }, { 1100, 0xffff - 999, 1 },
	};
	uint64_t l, l2;

	reset();
	go_tick(1000);
	outb(0x43, 0x30);
	DT_EQ(status(0), 0x70, "mode 0: after the control word OUT low, NULL COUNT");
	count16(0, 100);
	l = 1001;
	DT_EQ(status(0), 0x70, "mode 0: NULL COUNT until the next clock pulse");
	go_tick(l);
	DT_EQ(status(0), 0x30, "mode 0: count loaded on the next pulse");
	check_seq("mode 0", 0, l, seq, ARRAY_SIZE(seq));

	reset();
	l = program(0, 0x30, 100, 1000);
	ut_ok(!irq.level && irq.edges == 0, "mode 0: line low while counting", NULL);
	go(tns(l + 100) - 1);
	ut_ok(!irq.level, "mode 0: OUT low one ns before terminal count", NULL);
	go(tns(l + 100));
	ut_ok(irq.level && irq.edges == 1, "mode 0: IRQ 0 raised at terminal count (N+1 pulses after the write)",
	      NULL);
	go(clk.now + 1000000000ULL);
	ut_ok(irq.level && irq.edges == 1, "mode 0: one edge only, line stays high", NULL);

	/* A new count: first byte stops counting and drops OUT, second loads. */
	l2 = tick_of_now();
	outb(0x40, 10);
	ut_ok(!irq.level, "mode 0: first byte of a new count lowers OUT and the line", NULL);
	DT_EQ(status(0) & 0xc0, 0x00, "mode 0: OUT low, NULL COUNT not yet (one byte)");
	outb(0x40, 0);
	DT_EQ(status(0) & 0xc0, 0x40, "mode 0: NULL COUNT after the second byte");
	go_tick(l2 + 1);
	DT_EQ(latched(0), 10, "mode 0: new count loaded on the next pulse");
	go(tns(l2 + 11));
	DT_EQ(irq.edges, 2, "mode 0: terminal count of the new count");
	outb(0x43, 0x34);
	ut_ok(!irq.level, "mode 0: a control word lowers the line", NULL);
}

static void test_mode0_rewrite(void)
{
	uint64_t l;

	reset();
	l = program(0, 0x30, 100, 50);
	go_tick(l + 30);
	outb(0x40, 0x20);                       /* first byte: counting stops at 70 */
	go_tick(l + 30);
	DT_EQ(latched(0), 70, "mode 0 rewrite: CE holds after the first byte");
	go_tick(l + 80);
	DT_EQ(latched(0), 70, "mode 0 rewrite: still held 50 pulses later");
	DT_EQ(irq.edges, 0, "mode 0 rewrite: no terminal count while held");
	outb(0x40, 0x00);                       /* count 0x0020 loads at l + 81 */
	go_tick(l + 81);
	DT_EQ(latched(0), 0x20, "mode 0 rewrite: second byte loads the new count");
	go(tns(l + 81 + 0x20) - 1);
	DT_EQ(irq.edges, 0, "mode 0 rewrite: no edge before the new terminal count");
	go(tns(l + 81 + 0x20));
	DT_EQ(irq.edges, 1, "mode 0 rewrite: edge at the new terminal count");
}

static void test_mode2(void)
{
	static const struct point seq[] = {
		{ 0, 1000, 1 }, { 1, 999, 1 }, { 998, 2, 1 }, { 999, 1, 0 },
		{ 1000, 1000, 1 }, { 1001, 999, 1 }, { 2999, 1, 0 }, { 3000, 1000, 1 },
	};
	uint64_t l;

	reset();
	l = program(0, 0x34, 1000, 2000);
	DT_EQ(status(0), 0xf4, "mode 2: OUT high, NULL COUNT before the load");
	go(tns(l + 1000) - 1);
	DT_EQ(irq.edges, 0, "mode 2: no edge in the first period");
	go(tns(l + 1000));
	DT_EQ(irq.edges, 1, "mode 2: edge when CE reloads (OUT rises)");
	go(tns(l + 5000));
	DT_EQ(irq.edges, 5, "mode 2: one edge per N pulses");
	reset();
	l = program(0, 0x34, 1000, 2000);
	check_seq("mode 2", 0, l, seq, ARRAY_SIZE(seq));

	/* Control word bits x10 are mode 2 too; status shows the bits written. */
	reset();
	l = program(0, 0x3c, 4, 10);
	DT_EQ(status(0), 0xfc, "mode 2 (M2=1): status keeps the written mode bits");
	go(tns(l + 12));
	DT_EQ(irq.edges, 3, "mode 2 (M2=1): rate generator");
}

static void test_mode3(void)
{
	static const struct point even[] = {
		{ 0, 10, 1 }, { 1, 8, 1 }, { 2, 6, 1 }, { 3, 4, 1 }, { 4, 2, 1 },
		{ 5, 10, 0 }, { 6, 8, 0 }, { 7, 6, 0 }, { 8, 4, 0 }, { 9, 2, 0 },
		{ 10, 10, 1 }, { 15, 10, 0 }, { 20, 10, 1 },
	};
	/* Odd: N-1 loaded, by two; one pulse after it expires OUT falls. (N+1)/2 high, (N-1)/2 low. */
	static const struct point odd[] = {
		{ 0, 4, 1 }, { 1, 2, 1 }, { 2, 0, 1 }, { 3, 4, 0 }, { 4, 2, 0 },
		{ 5, 4, 1 }, { 6, 2, 1 }, { 7, 0, 1 }, { 8, 4, 0 }, { 9, 2, 0 }, { 10, 4, 1 },
	};
	static const struct point big[] = {
		{ 0, 0x0000, 1 }, { 1, 0xfffe, 1 }, { 32767, 0x0002, 1 },
		{ 32768, 0x0000, 0 }, { 32769, 0xfffe, 0 }, { 65536, 0x0000, 1 },
	};
	uint64_t l;

	reset();
	l = program(0, 0x36, 10, 300);
	check_seq("mode 3 even", 0, l, even, ARRAY_SIZE(even));
	reset();
	l = program(0, 0x36, 5, 300);
	check_seq("mode 3 odd", 0, l, odd, ARRAY_SIZE(odd));
	reset();
	l = program(0, 0x36, 0, 300);
	check_seq("mode 3 count 0 = 65536", 0, l, big, ARRAY_SIZE(big));

	reset();
	l = program(0, 0x36, 5, 300);
	go(tns(l + 5) - 1);
	DT_EQ(irq.edges, 0, "mode 3: no edge before the low half ends");
	go(tns(l + 5));
	DT_EQ(irq.edges, 1, "mode 3: edge when OUT rises (end of the period)");
	go(tns(l + 50));
	DT_EQ(irq.edges, 10, "mode 3: one edge per period");
}

static void test_mode4(void)
{
	static const struct point seq[] = {
		{ 0, 5, 1 }, { 1, 4, 1 }, { 4, 1, 1 }, { 5, 0, 0 }, { 6, 0xffff, 1 }, { 7, 0xfffe, 1 },
	};
	uint64_t l;

	reset();
	l = program(0, 0x38, 5, 77);
	DT_EQ(status(0), 0xf8, "mode 4: OUT high after the control word");
	go(tns(l + 6) - 1);
	DT_EQ(irq.edges, 0, "mode 4: no edge while the strobe is low");
	go(tns(l + 6));
	DT_EQ(irq.edges, 1, "mode 4: edge at the end of the strobe (N+2 pulses after the write)");
	go(tns(l + 6) + 1000000000ULL);
	DT_EQ(irq.edges, 1, "mode 4: one strobe per count written");
	reset();
	l = program(0, 0x38, 5, 77);
	check_seq("mode 4", 0, l, seq, ARRAY_SIZE(seq));
}

/* Counter 2 with its gate from port 0x61. */
static void gate2(bool on)
{
	outb(0x61, on ? 0x01 : 0x00);
}

static void test_mode1(void)
{
	uint64_t g;

	reset();
	program(2, 0xb2, 5, 10);
	DT_EQ(status(2), 0xf2, "mode 1: armed, OUT high, NULL COUNT until a trigger");
	go_tick(40);
	ut_ok(inb(0x61) & 0x20, "mode 1: no trigger, OUT2 stays high", NULL);
	g = 41;
	go_tick(g);
	gate2(true);                            /* trigger: load on the next pulse */
	ut_ok(inb(0x61) & 0x20, "mode 1: OUT2 high until the pulse after the trigger", NULL);
	go_tick(g + 1);
	DT_EQ(status(2), 0x32, "mode 1: OUT low, count loaded");
	DT_EQ(latched(2), 5, "mode 1: CE = N after the trigger");
	go_tick(g + 5);
	ut_ok(!(inb(0x61) & 0x20), "mode 1: OUT2 low for N pulses", NULL);
	DT_EQ(latched(2), 1, "mode 1: CE counts down");
	go_tick(g + 6);
	ut_ok(inb(0x61) & 0x20, "mode 1: OUT2 high at terminal count", NULL);
	go_tick(g + 7);
	DT_EQ(latched(2), 0xffff, "mode 1: CE wraps after zero");

	/* Retrigger during the pulse: reload, the pulse grows. */
	g = 100;
	go_tick(g);
	gate2(false);
	gate2(true);
	go_tick(g + 3);
	gate2(false);                           /* GATE low: no effect in mode 1 */
	DT_EQ(latched(2), 3, "mode 1: gate low does not stop counting");
	go_tick(g + 4);
	gate2(true);                            /* retrigger */
	go_tick(g + 5);
	DT_EQ(latched(2), 5, "mode 1: retrigger reloads");
	go_tick(g + 9);
	ut_ok(!(inb(0x61) & 0x20), "mode 1: OUT2 still low after the retrigger", NULL);
	go_tick(g + 10);
	ut_ok(inb(0x61) & 0x20, "mode 1: OUT2 high N pulses after the retrigger", NULL);

	/* A new count waits for the next trigger. */
	count16(2, 3);
	DT_EQ(status(2) & 0x40, 0x40, "mode 1: new count: NULL COUNT until the trigger");
	go_tick(g + 20);
	gate2(false);
	gate2(true);
	go_tick(g + 21);
	DT_EQ(latched(2), 3, "mode 1: the trigger loads the new count");
	DT_EQ(status(2) & 0x40, 0, "mode 1: NULL COUNT clear after the load");
	gate2(false);
	gate2(true);
	DT_EQ(status(2) & 0x40, 0, "mode 1: a retrigger reloads the same count, NULL COUNT stays 0");

	/* Counter 0: gate always high, never triggered: OUT high, no IRQ. */
	reset();
	program(0, 0x32, 5, 10);
	go(tns(10) + 1000000000ULL);
	ut_ok(out_of(0) && irq.edges == 0, "mode 1 on counter 0: never triggered, no IRQ", NULL);
}

static void test_mode5(void)
{
	uint64_t g = 60;

	reset();
	program(2, 0xba, 4, 10);
	go_tick(50);
	ut_ok(inb(0x61) & 0x20, "mode 5: OUT2 high before a trigger", NULL);
	go_tick(g);
	gate2(true);
	go_tick(g + 4);
	ut_ok(inb(0x61) & 0x20, "mode 5: OUT2 high while counting", NULL);
	DT_EQ(latched(2), 1, "mode 5: CE N-3 three pulses after the load");
	go_tick(g + 5);
	ut_ok(!(inb(0x61) & 0x20), "mode 5: OUT2 low for one pulse at terminal count", NULL);
	go_tick(g + 6);
	ut_ok(inb(0x61) & 0x20, "mode 5: OUT2 high again", NULL);

	reset();
	program(0, 0x3a, 4, 10);
	go(tns(10) + 1000000000ULL);
	ut_ok(out_of(0) && irq.edges == 0, "mode 5 on counter 0: never triggered, no IRQ", NULL);
}

static void test_gate(void)
{
	uint64_t l;

	/* Mode 0: GATE low holds CE; OUT follows the count of pulses seen. */
	reset();
	gate2(true);
	l = program(2, 0xb0, 100, 20);
	go_tick(l + 30);
	gate2(false);
	go_tick(l + 30);
	DT_EQ(latched(2), 70, "gate mode 0: CE at the gate's fall");
	go_tick(l + 99);
	DT_EQ(latched(2), 70, "gate mode 0: held while low");
	gate2(true);
	go_tick(l + 100);
	DT_EQ(latched(2), 69, "gate mode 0: counts again from the next pulse");
	go(tns(l + 99 + 70) - 1);
	ut_ok(!(inb(0x61) & 0x20), "gate mode 0: OUT2 low before 100 pulses counted", NULL);
	go(tns(l + 99 + 70));
	ut_ok(inb(0x61) & 0x20, "gate mode 0: OUT2 high after 100 counted pulses", NULL);

	/* Mode 0 with the gate low when the count is written: loaded, not counting. */
	reset();
	l = program(2, 0xb0, 50, 20);
	go_tick(l + 40);
	DT_EQ(latched(2), 50, "gate mode 0: loaded while the gate is low");
	gate2(true);
	go_tick(l + 41);
	DT_EQ(latched(2), 49, "gate mode 0: counting once the gate is high");

	/* Mode 4: GATE low holds the count too. */
	reset();
	gate2(true);
	l = program(2, 0xb8, 10, 20);
	go_tick(l + 4);
	gate2(false);
	go_tick(l + 20);
	DT_EQ(latched(2), 6, "gate mode 4: held while low");
	ut_ok(inb(0x61) & 0x20, "gate mode 4: OUT2 high (no strobe yet)", NULL);
	gate2(true);
	go_tick(l + 26);
	ut_ok(!(inb(0x61) & 0x20), "gate mode 4: strobe after 10 counted pulses", NULL);

	/* Mode 0: a rise of the gate does not restart a count waiting for its second byte. */
	reset();
	gate2(true);
	l = program(2, 0xb0, 100, 20);
	go_tick(l + 10);
	outb(0x42, 0x50);
	gate2(false);
	go_tick(l + 20);
	gate2(true);
	go_tick(l + 30);
	DT_EQ(latched(2), 90, "gate mode 0: held for the second byte across the gate's rise");
	outb(0x42, 0x00);
	go_tick(l + 32);
	DT_EQ(latched(2), 0x4f, "gate mode 0: the second byte loads and counting goes on");

	/* Mode 4: a pending first byte stops nothing, the gate still does. */
	reset();
	gate2(true);
	l = program(2, 0xb8, 100, 20);
	go_tick(l + 10);
	outb(0x42, 0x50);
	go_tick(l + 15);
	DT_EQ(latched(2), 85, "gate mode 4: the first byte of a new count has no effect");
	gate2(false);
	go_tick(l + 25);
	DT_EQ(latched(2), 85, "gate mode 4: held while the gate is low");
	gate2(true);
	go_tick(l + 26);
	DT_EQ(latched(2), 84, "gate mode 4: counting again, second byte still pending");

	/* Mode 2: GATE low keeps the loaded count; a count written before it waits for the rise. */
	reset();
	gate2(true);
	l = program(2, 0xb4, 100, 20);
	go_tick(l + 10);
	gate2(false);
	DT_EQ(status(2) & 0x40, 0, "gate mode 2: gate low does not make the loaded count null");
	gate2(true);
	go_tick(l + 20);
	count16(2, 30);
	gate2(false);
	go_tick(l + 200);
	DT_EQ(status(2) & 0x40, 0x40, "gate mode 2: the new count still waits (NULL COUNT)");
	DT_EQ(latched(2), 91, "gate mode 2: CE held at the old count's value");
	gate2(true);
	go_tick(l + 201);
	DT_EQ(latched(2), 30, "gate mode 2: the rise loads the new count");

	/* Mode 3: GATE low in the low half forces OUT high at once; rising reloads. */
	reset();
	gate2(true);
	l = program(2, 0xb6, 10, 20);
	go_tick(l + 6);
	ut_ok(!(inb(0x61) & 0x20), "gate mode 3: low half", NULL);
	gate2(false);
	ut_ok(inb(0x61) & 0x20, "gate mode 3: GATE low sets OUT high immediately", NULL);
	DT_EQ(latched(2), 8, "gate mode 3: CE held");
	go_tick(l + 30);
	DT_EQ(latched(2), 8, "gate mode 3: still held");
	gate2(true);
	go_tick(l + 31);
	DT_EQ(latched(2), 10, "gate mode 3: rise reloads on the next pulse");
	go_tick(l + 36);
	ut_ok(!(inb(0x61) & 0x20), "gate mode 3: new period from the reload", NULL);
	DT_EQ(latched(2), 10, "gate mode 3: low half starts N/2 after the reload");

	/* Mode 2: same, and a count written while the gate is low waits for the rise. */
	reset();
	gate2(true);
	l = program(2, 0xb4, 10, 20);
	go_tick(l + 9);
	ut_ok(!(inb(0x61) & 0x20), "gate mode 2: OUT low while CE is 1", NULL);
	gate2(false);
	ut_ok(inb(0x61) & 0x20, "gate mode 2: GATE low sets OUT high", NULL);
	count16(2, 20);
	DT_EQ(status(2) & 0x40, 0x40, "gate mode 2: NULL COUNT while waiting for the gate");
	go_tick(l + 50);
	gate2(true);
	go_tick(l + 51);
	DT_EQ(latched(2), 20, "gate mode 2: rise loads the new count");
	DT_EQ(status(2) & 0x40, 0, "gate mode 2: NULL COUNT clear");
}

static void test_new_count_periodic(void)
{
	uint64_t l;

	/* Mode 2: a new count waits for the end of the current cycle. */
	reset();
	l = program(0, 0x34, 100, 40);
	go_tick(l + 30);
	count16(0, 50);
	DT_EQ(status(0) & 0x40, 0x40, "mode 2 new count: NULL COUNT until the cycle ends");
	go_tick(l + 31);
	DT_EQ(latched(0), 69, "mode 2 new count: current cycle goes on");
	go_tick(l + 99);
	DT_EQ(latched(0), 1, "mode 2 new count: to its end");
	go_tick(l + 100);
	DT_EQ(latched(0), 50, "mode 2 new count: loaded at the reload");
	DT_EQ(status(0) & 0x40, 0, "mode 2 new count: NULL COUNT clear");
	DT_EQ(irq.edges, 1, "mode 2 new count: edge at the end of the old cycle");
	go(tns(l + 150) - 1);
	DT_EQ(irq.edges, 1, "mode 2 new count: no edge before the new period ends");
	go(tns(l + 150));
	DT_EQ(irq.edges, 2, "mode 2 new count: edge after the new period");
	go(tns(l + 250));
	DT_EQ(irq.edges, 4, "mode 2 new count: new period from then on");

	/* Mode 3: at the end of the current half-cycle (here the high half). */
	reset();
	l = program(0, 0x36, 10, 40);
	go_tick(l + 2);
	count16(0, 6);
	go_tick(l + 4);
	DT_EQ(latched(0), 2, "mode 3 new count: the high half goes on");
	go_tick(l + 5);
	DT_EQ(latched(0), 6, "mode 3 new count: loaded at the half-cycle's end");
	ut_ok(!out_of(0), "mode 3 new count: into the low half", NULL);
	go_tick(l + 7);
	DT_EQ(latched(0), 2, "mode 3 new count: low half of the new count");
	go(tns(l + 8) - 1);
	DT_EQ(irq.edges, 0, "mode 3 new count: no edge before the new low half ends");
	go(tns(l + 8));
	DT_EQ(irq.edges, 1, "mode 3 new count: edge after 3 low pulses");
	ut_ok(out_of(0), "mode 3 new count: high half", NULL);
	go(tns(l + 14));
	DT_EQ(irq.edges, 2, "mode 3 new count: period 6");

	/* Mode 3: written in the low half: loads when OUT rises. */
	reset();
	l = program(0, 0x36, 10, 40);
	go_tick(l + 6);
	count16(0, 4);
	go(tns(l + 10));
	DT_EQ(irq.edges, 1, "mode 3 new count (low half): edge at the old period's end");
	DT_EQ(latched(0), 4, "mode 3 new count (low half): high half of the new count");
	go_tick(l + 12);
	ut_ok(!out_of(0), "mode 3 new count (low half): low after 2 pulses", NULL);
	go(tns(l + 18));
	DT_EQ(irq.edges, 3, "mode 3 new count (low half): period 4");
}

static void test_access_modes(void)
{
	uint64_t l;

	reset();
	go_tick(10);
	outb(0x43, 0x10);                       /* counter 0, LSB only, mode 0 */
	outb(0x40, 0x34);
	l = 11;
	go_tick(l + 4);
	DT_EQ(inb(0x40), 0x30, "LSB only: count 0x34, read gives the LSB");
	DT_EQ(inb(0x40), 0x30, "LSB only: every read is the LSB");
	DT_EQ(status(0), 0x10, "LSB only: status RW=01");
	go_tick(40);
	outb(0x43, 0x20);                       /* MSB only */
	outb(0x40, 0x12);
	l = 41;
	go_tick(l);
	DT_EQ(inb(0x40), 0x12, "MSB only: count 0x1200");
	go_tick(l + 1);
	DT_EQ(inb(0x40), 0x11, "MSB only: 0x11ff reads 0x11");
	DT_EQ(status(0), 0x20, "MSB only: status RW=10");

	/* rw 3 without latch: each byte is CE at its read. */
	reset();
	l = program(0, 0x30, 0x1234, 10);
	go_tick(l + 0x35);
	DT_EQ(inb(0x40), 0xff, "LSB/MSB: LSB of 0x11ff");
	go_tick(l + 0x35 + 0x100);
	DT_EQ(inb(0x40), 0x10, "LSB/MSB: MSB read later is from later (0x10ff)");

	/* Reads and writes of one counter interleave (their toggles are separate). */
	reset();
	gate2(true);
	l = program(2, 0xb0, 0x0300, 10);
	go_tick(l + 1);
	outb(0x43, 0x80);
	DT_EQ(inb(0x42), 0xff, "interleave: read LSB (0x02ff)");
	outb(0x42, 0x00);
	DT_EQ(inb(0x42), 0x02, "interleave: read MSB");
	outb(0x42, 0x01);
	go_tick(l + 2);
	DT_EQ(latched(2), 0x0100, "interleave: the count written was 0x0100");
}

static void test_latch(void)
{
	uint64_t l;

	reset();
	gate2(true);
	l = program(2, 0xb4, 1000, 10);
	go_tick(l + 100);
	outb(0x43, 0x80);
	go_tick(l + 200);
	outb(0x43, 0x80);                       /* ignored: the first is not read yet */
	go_tick(l + 500);
	DT_EQ(inb(0x42), 0x84, "latch: LSB of 900 (the first latch)");
	go_tick(l + 600);
	DT_EQ(inb(0x42), 0x03, "latch: MSB of 900");
	DT_EQ(inb(0x42), (uint8_t)(1000 - 600), "latch: read, then reads follow CE again");
	DT_EQ(inb(0x42), 0x01, "latch: unlatched MSB");
	DT_EQ(latched(2), 1000 - 600, "latch: a new latch after the read");

	/* LSB only counter: the latch is one byte. */
	reset();
	go_tick(5);
	DT_EQ(latched(1) & 0xff, 13, "latch LSB only: first read is the latched LSB");
	go_tick(9);
	DT_EQ(inb(0x41), 9, "latch LSB only: one byte, then live again");

	/* A control word drops a pending latch. */
	reset();
	l = program(0, 0x30, 0x5555, 10);
	go_tick(l + 0x55);
	outb(0x43, 0x00);
	outb(0x43, 0x30);
	count16(0, 0x4444);
	go_tick(l + 0x56);
	DT_EQ(inb(0x40), 0x44, "latch: dropped by the control word (new count LSB)");
	DT_EQ(inb(0x40), 0x44, "latch: dropped by the control word (new count MSB)");
}

static void test_readback(void)
{
	uint64_t l;
	unsigned lo;

	reset();
	l = program(0, 0x34, 1000, 10);
	go_tick(l + 250);
	outb(0x43, 0xc2);                       /* count and status of counter 0 */
	go_tick(l + 300);
	DT_EQ(inb(0x40), 0xb4, "read-back: status first");
	DT_EQ(inb(0x40), 0xee, "read-back: then the count's LSB (750)");
	DT_EQ(inb(0x40), 0x02, "read-back: and MSB");
	outb(0x43, 0xd2);                       /* count only */
	DT_EQ(inb(0x40), 0xbc, "read-back count only: LSB of 700");
	DT_EQ(inb(0x40), 0x02, "read-back count only: MSB");
	go_tick(l + 999);
	outb(0x43, 0xe2);                       /* status only, OUT low now */
	go_tick(l + 1000);
	outb(0x43, 0xe2);                       /* ignored: status not read yet */
	DT_EQ(inb(0x40), 0x34, "read-back: first latched status kept (OUT low)");
	DT_EQ(inb(0x40), 0xe8, "read-back status only: then CE (1000)");
	DT_EQ(inb(0x40), 0x03, "read-back status only: MSB");

	/* Several counters at once, latched at the same instant. */
	reset();
	gate2(true);
	l = program(2, 0xb0, 0x2000, 10);
	go_tick(l + 0x10);
	outb(0x43, 0xce);                       /* count + status of 0, 1, 2 */
	go_tick(l + 0x400);
	DT_EQ(inb(0x42), 0x30, "read-back all: counter 2 status (mode 0, OUT low)");
	DT_EQ(inb(0x42), 0xf0, "read-back all: counter 2 LSB (0x1ff0)");
	DT_EQ(inb(0x42), 0x1f, "read-back all: counter 2 MSB");
	DT_EQ(inb(0x41), 0x94, "read-back all: counter 1 status");
	DT_EQ(inb(0x41), (uint8_t)(18 - (l + 0x10) % 18), "read-back all: counter 1 count");
	DT_EQ(inb(0x40), 0xb4, "read-back all: counter 0 status");
	lo = inb(0x40);
	DT_EQ(lo | inb(0x40) << 8, 0x10000 - (l + 0x10), "read-back all: counter 0 count");
}

static void test_bcd(void)
{
	static const struct point seq[] = {
		{ 0, 0x0100, 0 }, { 1, 0x0099, 0 }, { 10, 0x0090, 0 }, { 99, 0x0001, 0 },
		{ 100, 0x0000, 1 }, { 101, 0x9999, 1 },
	};
	static const struct point zero[] = { { 0, 0x0000, 0 }, { 1, 0x9999, 0 }, { 9999, 0x0001, 0 },
					     { 10000, 0x0000, 1 } };
	static const struct point bin0[] = { { 0, 0x0000, 0 }, { 1, 0xffff, 0 }, { 65535, 0x0001, 0 },
					     { 65536, 0x0000, 1 } };
	uint64_t l;

	reset();
	l = program(0, 0x31, 0x0100, 10);
	DT_EQ(status(0), 0x71, "BCD: status BCD bit");
	check_seq("BCD mode 0", 0, l, seq, ARRAY_SIZE(seq));
	reset();
	l = program(0, 0x31, 0x0000, 10);
	check_seq("BCD count 0 = 10000", 0, l, zero, ARRAY_SIZE(zero));
	reset();
	l = program(0, 0x30, 0x0000, 10);
	check_seq("binary count 0 = 65536", 0, l, bin0, ARRAY_SIZE(bin0));
	reset();
	l = program(0, 0x35, 0x1234, 10);
	go_tick(l + 234);
	DT_EQ(latched(0), 0x1000, "BCD mode 2: 1234 - 234 = 1000");
	go(tns(l + 1234 * 3));
	DT_EQ(irq.edges, 3, "BCD mode 2: period 1234 pulses");
	reset();
	l = program(0, 0x35, 0x0000, 10);
	go(tns(l + 20000));
	DT_EQ(irq.edges, 2, "BCD mode 2: count 0 is a period of 10000");
}

/* Count 1 is illegal in modes 2 and 3 (minimum 2): no edges, no hang. */
static void test_count1(void)
{
	reset();
	program(0, 0x34, 1, 10);
	go(tns(10) + 1000000);
	DT_EQ(irq.edges, 0, "count 1 mode 2: no edges");
	ut_ok(!out_of(0), "count 1 mode 2: OUT held low", NULL);
	DT_EQ(latched(0), 1, "count 1 mode 2: CE reads 1");
	reset();
	program(0, 0x36, 1, 10);
	go(tns(10) + 1000000);
	ut_ok(irq.edges == 0 && out_of(0), "count 1 mode 3: no edges, OUT high", NULL);

	/* Count 2, the smallest legal one: an edge every second pulse. */
	for (unsigned m = 2; m <= 3; m++) {
		uint64_t l;

		reset();
		l = program(0, (uint8_t)(0x30 | m << 1), 2, 10);
		go(tns(l + 2) - 1);
		DT_EQ(irq.edges, 0, m == 2 ? "count 2 mode 2: no edge before 2 pulses" :
					     "count 2 mode 3: no edge before 2 pulses");
		go(tns(l + 10));
		DT_EQ(irq.edges, 5, m == 2 ? "count 2 mode 2: an edge every 2 pulses" :
					     "count 2 mode 3: an edge every 2 pulses");
	}
}

int main(void)
{
	test_init_state();
	test_mode0();
	test_mode0_rewrite();
	test_mode2();
	test_mode3();
	test_mode4();
	test_mode1();
	test_mode5();
	test_gate();
	test_new_count_periodic();
	test_access_modes();
	test_latch();
	test_readback();
	test_bcd();
	test_count1();
	return ut_done();
}
