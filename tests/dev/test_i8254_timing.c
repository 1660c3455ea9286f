/*
 * test_i8254_timing.c - the 8254 (vmm/dev/i8254.c) against time: port
 * 0x61 (refresh toggle, OUT2), a host timer that runs late, and Linux's
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
	test_linux_pit_calibrate();
	test_linux_quick_calibrate();
	return ut_done();
}
