/*
 * test_i8254_timing.c - the 8254 (vmm/dev/i8254.c) against time: port
 * 0x61 (refresh toggle, OUT2), a host timer that runs late (reinject
 * mode off: merged; on: owed and given one per acknowledge, as KVM's
 * in-kernel PIT does by default), and Linux's
 * two TSC calibrations (arch/x86/kernel/tsc.c: pit_calibrate_tsc waits
 * for OUT2 in mode 0, quick_pit_calibrate follows counter 2's MSB), run
 * as Linux runs them with each port access taking 1 us, as on an ISA bus.
 */
#include "i8254_fixture.h"

static void test_port61(void)
{
	reset();
	outb(0x61, 0xff);
	DT_EQ(inb(0x61) & 0xcf, 0x0f, "0x61: bits 0-3 kept, 6-7 read 0");
	outb(0x61, 0xf2);
	DT_EQ(inb(0x61) & 0xcf, 0x02, "0x61: writes of bits 4-7 ignored");
	clk.now = 15084;
	DT_EQ(inb(0x61) & 0x10, 0x00, "0x61: refresh bit 0 for the first 15.085 us");
	clk.now = 15085;
	DT_EQ(inb(0x61) & 0x10, 0x10, "0x61: refresh toggles at 15.085 us");
	clk.now = 30169;
	DT_EQ(inb(0x61) & 0x10, 0x10, "0x61: still 1 until 30.17 us");
	clk.now = 30170;
	DT_EQ(inb(0x61) & 0x10, 0x00, "0x61: back to 0");
	outb(0x61, 0x03);
	outb(0x43, 0xb0);                       /* mode 0: OUT2 low */
	DT_EQ(inb(0x61) & 0x2f, 0x03, "0x61: OUT2 follows counter 2 (low in mode 0)");
}

/* A late host timer: one edge, the skipped periods counted, the phase kept. */
static void test_late_timer(void)
{
	uint64_t l;

	reset();
	l = program(0, 0x34, 1193, 100);
	go(tns(l + 1193));
	DT_EQ(irq.edges, 1, "late: first period on time");
	clk.now = tns(l + 1193 * 11) + 500;     /* 10 more periods pass unseen */
	vclock_run(&clk.vc, clk.now);
	DT_EQ(irq.edges, 2, "late: one edge for ten periods");
	DT_EQ(pit.missed, 9, "late: nine periods counted as missed");
	DT_EQ(vclock_next_deadline(&clk.vc), tns(l + 1193 * 12), "late: next deadline on the period grid");
	ut_ok(vclock_next_deadline(&clk.vc) > clk.now, "late: re-armed after now", NULL);
	go(tns(l + 1193 * 12));
	DT_EQ(irq.edges, 3, "late: back in step");
	DT_EQ(pit.missed, 9, "late: nothing more missed");

	/* Count 2 (mode 3, the fastest legal square wave): five periods in one late run. */
	reset();
	l = program(0, 0x36, 2, 100);
	clk.now = tns(l + 10) + 100;
	vclock_run(&clk.vc, clk.now);
	ut_ok(irq.edges == 1 && pit.missed == 4, "late count 2: one edge, four missed",
	      "edges %u missed %u", irq.edges, pit.missed);
	DT_EQ(vclock_next_deadline(&clk.vc), tns(l + 12), "late count 2: next on the grid");

	/* A port access after a missed deadline gives the edge before changing anything. */
	reset();
	l = program(0, 0x34, 1193, 100);
	go(tns(l + 1193 * 12));
	DT_EQ(irq.edges, 12, "late: twelve periods on time");
	clk.now = tns(l + 1193 * 13) + 10;
	inb(0x40);
	DT_EQ(irq.edges, 13, "late: a port access delivered the owed edge");
}

/* ---------------------------------------------------------------------- */
/* Reinject mode: late periods owed, one edge per acknowledge */

enum rj_act {
	RJ_NONE,
	RJ_CW,          /* control word and count for counter 0 again */
	RJ_COUNT,       /* a new count only (mode 2: reload at the cycle's end) */
	RJ_RESET,       /* a controller reports a mask change (irq_ack reset) */
	RJ_LATCH,       /* counter latch command and read: not a reprogramming */
	RJ_CW2,         /* control word for counter 2: not counter 0's */
};

struct rj_case {
	const char *name;
	bool reinject;
	uint8_t cw;
	uint16_t count;
	uint32_t period;        /* count as decoded: 0 is 65536 */
	bool on_time;           /* timers run at each deadline (else all late at once) */
	uint64_t periods;       /* periods that pass before the guest acknowledges */
	unsigned first;         /* edges before any acknowledge */
	enum rj_act act;        /* done after the periods, before the acknowledges */
	unsigned acks;
	unsigned edges;         /* edges in all */
	unsigned missed;
	uint32_t owed;          /* owed when the acknowledges are done */
};

/*
 * Owed edges (cap: 1193182 / 1193 = 1000 at 1 kHz, 1193182 / 65536 = 18
 * at 18.2 Hz): each acknowledge gives the next and nothing else does;
 * reprogramming counter 0 or a reset drops them; off, late periods merge.
 */
static const struct rj_case rj_cases[] = {
	{ "10 late, 9 acks: every period delivered", true, 0x34, 1193, 1193, false, 10, 1, RJ_NONE, 9, 10, 0, 0 },
	{ "10 late, 20 acks: no more than owed", true, 0x34, 1193, 1193, false, 10, 1, RJ_NONE, 20, 10, 0, 0 },
	{ "10 late, 3 acks: one edge per ack", true, 0x34, 1193, 1193, false, 10, 1, RJ_NONE, 3, 4, 0, 6 },
	{ "mode 3, 10 late, 9 acks", true, 0x36, 1193, 1193, false, 10, 1, RJ_NONE, 9, 10, 0, 0 },
	{ "5000 late at 1 kHz: cap 1000", true, 0x34, 1193, 1193, false, 5000, 1, RJ_NONE, 2000, 1000, 4000, 0 },
	{ "100 late at 18.2 Hz: cap 18", true, 0x34, 0, 65536, false, 100, 1, RJ_NONE, 100, 18, 82, 0 },
	{ "on time, not acked: owed, not given", true, 0x34, 1193, 1193, true, 5, 1, RJ_NONE, 0, 1, 0, 4 },
	{ "on time, then 4 acks", true, 0x34, 1193, 1193, true, 5, 1, RJ_NONE, 4, 5, 0, 0 },
	{ "on time past the cap: edge in flight lost, one per period", true, 0x34, 0, 65536, true, 30, 13,
	  RJ_NONE, 0, 13, 0, 17 },
	{ "ack with nothing in flight: nothing", true, 0x34, 1193, 1193, false, 0, 0, RJ_NONE, 3, 0, 0, 0 },
	{ "control word drops owed", true, 0x34, 1193, 1193, false, 10, 1, RJ_CW, 5, 1, 9, 0 },
	{ "new count drops owed", true, 0x34, 1193, 1193, false, 10, 1, RJ_COUNT, 5, 1, 9, 0 },
	{ "mask change (reset) drops owed", true, 0x34, 1193, 1193, false, 10, 1, RJ_RESET, 5, 1, 9, 0 },
	{ "latch command keeps owed", true, 0x34, 1193, 1193, false, 10, 1, RJ_LATCH, 9, 10, 0, 0 },
	{ "counter 2 control word keeps owed", true, 0x34, 1193, 1193, false, 10, 1, RJ_CW2, 9, 10, 0, 0 },
	{ "mode 0: terminal count once, nothing owed", true, 0x30, 1193, 1193, false, 10, 1, RJ_NONE, 5, 1, 0, 0 },
	{ "reinject off: late periods merge", false, 0x34, 1193, 1193, false, 10, 1, RJ_NONE, 5, 1, 9, 0 },
};

static void rj_act(const struct rj_case *k)
{
	struct irq_ack ack = i8254_irq_ack(&pit);

	switch (k->act) {
	case RJ_CW:
		outb(0x43, k->cw);
		count16(0, k->count);
		break;
	case RJ_COUNT:
		count16(0, k->count);
		break;
	case RJ_RESET:
		ack.reset(ack.ctx);
		break;
	case RJ_LATCH:
		(void)latched(0);
		break;
	case RJ_CW2:
		outb(0x43, 0xb6);
		break;
	case RJ_NONE:
		break;
	}
}

static void test_reinject(void)
{
	char name[160];

	for (unsigned i = 0; i < sizeof(rj_cases) / sizeof(rj_cases[0]); i++) {
		const struct rj_case *k = &rj_cases[i];
		struct irq_ack ack;
		unsigned first, step = 0;
		uint64_t l;

		reset();
		i8254_set_reinject(&pit, k->reinject);
		ack = i8254_irq_ack(&pit);
		l = program(0, k->cw, k->count, 100);
		if (k->on_time)
			go(tns(l + (uint64_t)k->period * k->periods) + 1);
		else
			vclock_run(&clk.vc, clk.now = tns(l + (uint64_t)k->period * k->periods) + 1);
		first = irq.edges;
		rj_act(k);
		for (unsigned a = 0; a < k->acks; a++) {
			unsigned before = irq.edges;

			ack.acked(ack.ctx);
			if (irq.edges - before > step)
				step = irq.edges - before;
		}
		snprintf(name, sizeof(name), "reinject: %s", k->name);
		ut_ok(first == k->first && irq.edges == k->edges && pit.missed == k->missed &&
		      pit.owed == k->owed && step <= 1 &&
		      irq.level == (SHIFTOUT(k->cw, BITS(3, 1)) == 0 && k->periods > 0), name,
		      "first %u (want %u) edges %u (%u) missed %u (%u) owed %u (%u) most per ack %u",
		      first, k->first, irq.edges, k->edges, pit.missed, k->missed, pit.owed, k->owed, step);
	}
}

/* The next period after a reset: given without an acknowledge (the PIT stopped waiting). */
static void test_reinject_reset(void)
{
	struct irq_ack ack;
	uint64_t l;

	reset();
	i8254_set_reinject(&pit, true);
	ack = i8254_irq_ack(&pit);
	l = program(0, 0x34, 1193, 100);
	go(tns(l + 1193) + 1);
	go(tns(l + 2 * 1193) + 1);
	DT_EQ(irq.edges, 1, "reinject: second period waits for the first's acknowledge");
	ack.reset(ack.ctx);
	DT_EQ(irq.edges, 1, "reinject: a reset alone gives no edge");
	go(tns(l + 3 * 1193) + 1);
	ut_ok(irq.edges == 2 && pit.owed == 0, "reinject: after a reset the next period goes out",
	      "edges %u owed %u", irq.edges, pit.owed);
	i8254_set_reinject(&pit, true);
	DT_EQ(pit.in_flight, 0, "reinject: turning it on starts with nothing in flight");
}

/* ---------------------------------------------------------------------- */
/* Linux's TSC calibrations: each port access takes 1 us, as on an ISA bus. */

static uint8_t linux_inb(uint16_t port)
{
	clk.now += 1000;
	return inb(port);
}

static void linux_outb(uint8_t v, uint16_t port)
{
	clk.now += 1000;
	outb(port, v);
}

static uint64_t rdtsc(void)
{
	return clk.vc.guest_tsc(clk.vc.ctx);
}

/* pit_calibrate_tsc(latch = 1193182 / 20, ms = 50): wait for OUT2 in mode 0. */
static void test_linux_pit_calibrate(void)
{
	uint32_t latch = HZ / (1000 / 50);
	uint64_t t1, t2 = 0, khz, w;
	unsigned pitcnt = 0;

	reset();
	clk.now = 123456789;
	linux_outb((uint8_t)((linux_inb(0x61) & ~0x02) | 0x01), 0x61);
	linux_outb(0xb0, 0x43);
	linux_outb((uint8_t)latch, 0x42);
	linux_outb((uint8_t)(latch >> 8), 0x42);
	t1 = rdtsc();
	while ((linux_inb(0x61) & 0x20) == 0 && pitcnt < 1000000) {
		t2 = rdtsc();
		pitcnt++;
	}
	ut_ok(pitcnt > 1000, "linux pit_calibrate_tsc: enough loops", "%u", pitcnt);
	khz = (t2 - t1) / 50;
	ut_ok(khz > 1999900 && khz < 2000100, "linux pit_calibrate_tsc: 2 GHz within 50 ppm",
	      "got %llu kHz", (unsigned long long)khz);
	/* Exact: OUT2 rises N + 1 pulses after the count's second byte. */
	reset();
	clk.now = 123456789;
	outb(0x61, 0x01);
	outb(0x43, 0xb0);
	count16(2, (uint16_t)latch);
	w = tick_of_now();
	clk.now = tns(w + latch + 1) - 1;
	ut_ok(!(inb(0x61) & 0x20), "linux pit_calibrate_tsc: OUT2 low 1 ns before N+1 pulses", NULL);
	clk.now = tns(w + latch + 1);
	ut_ok(inb(0x61) & 0x20, "linux pit_calibrate_tsc: OUT2 high at N+1 pulses", NULL);
}

static bool pit_verify_msb(uint8_t val)
{
	linux_inb(0x42);
	return linux_inb(0x42) == val;
}

static bool pit_expect_msb(uint8_t val, uint64_t *tscp, uint64_t *deltap)
{
	uint64_t tsc = 0, prev_tsc = 0;
	int count;

	for (count = 0; count < 50000; count++) {
		if (!pit_verify_msb(val))
			break;
		prev_tsc = tsc;
		tsc = rdtsc();
	}
	*deltap = rdtsc() - prev_tsc;
	*tscp = tsc;
	return count > 5;
}

/* quick_pit_calibrate: counter 2 mode 0 from 0xffff, MSB steps of 256 pulses. */
static void test_linux_quick_calibrate(void)
{
	uint64_t tsc, delta, d1, d2, khz = 0, w;
	unsigned i, max = (unsigned)(50 * HZ / 1000 / 256);
	bool ok = false;

	reset();
	clk.now = 987654321;
	linux_outb((uint8_t)((linux_inb(0x61) & ~0x02) | 0x01), 0x61);
	linux_outb(0xb0, 0x43);
	linux_outb(0xff, 0x42);
	linux_outb(0xff, 0x42);
	pit_verify_msb(0);
	if (pit_expect_msb(0xff, &tsc, &d1)) {
		for (i = 1; i <= max; i++) {
			if (!pit_expect_msb((uint8_t)(0xff - i), &delta, &d2))
				break;
			delta -= tsc;
			if (i == 1 && d1 + d2 >= (delta * max) >> 11)
				break;
			if (d1 + d2 >= delta >> 11)
				continue;
			if (!pit_verify_msb((uint8_t)(0xfe - i)))
				break;
			ok = true;
			break;
		}
	}
	ut_ok(ok, "linux quick_pit_calibrate: succeeds", NULL);
	if (ok)
		khz = delta * HZ / ((uint64_t)i * 256 * 1000);
	ut_ok(khz > 1999000 && khz < 2001000, "linux quick_pit_calibrate: 2 GHz within 500 ppm",
	      "got %llu kHz", (unsigned long long)khz);
	/* Exact: the MSB steps from 0xff to 0xfe when CE goes 0xff00 -> 0xfeff, 256 pulses after L. */
	reset();
	clk.now = 987654321;
	outb(0x61, 0x01);
	outb(0x43, 0xb0);
	count16(2, 0xffff);
	w = tick_of_now();
	clk.now = tns(w + 1 + 0xff) + 5;
	inb(0x42);
	DT_EQ(inb(0x42), 0xff, "linux quick_pit_calibrate: MSB 0xff at CE 0xff00");
	clk.now = tns(w + 1 + 0x100);
	inb(0x42);
	DT_EQ(inb(0x42), 0xfe, "linux quick_pit_calibrate: MSB 0xfe at CE 0xfeff");
}

int main(void)
{
	test_port61();
	test_late_timer();
	test_reinject();
	test_reinject_reset();
	test_linux_pit_calibrate();
	test_linux_quick_calibrate();
	return ut_done();
}
