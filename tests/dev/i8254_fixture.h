/*
 * i8254_fixture.h - what the 8254 host tests share (test_i8254.c,
 * test_i8254_timing.c): the PIT on a bus with the fake clock and an IRQ 0
 * recorder, port access helpers, and time in ticks of the input clock.
 *
 * Tick k of the 1.193182 MHz input clock happens at tns(k) =
 * ceil(k * 10^9 / 1193182) ns, computed here independently of the model.
 * A count written during tick W loads on the next clock pulse, W + 1 = L
 * (8254 datasheet: "the initial count is loaded on the next CLK pulse").
 */
#ifndef I8254_FIXTURE_H
#define I8254_FIXTURE_H

#include "bus.h"
#include "devtest.h"
#include "i8254.h"

#define HZ 1193182ULL

static struct dt_clock clk;
static struct bus bus;
static struct i8254 pit;
static struct dt_irq irq;

/* First ns of tick k, computed here independently of the model. */
static uint64_t __attribute__((unused)) tns(uint64_t k)
{
	return (uint64_t)(((unsigned __int128)k * 1000000000u + HZ - 1) / HZ);
}

/* The tick the fake clock is in now. */
static uint64_t __attribute__((unused)) tick_of_now(void)
{
	return (uint64_t)((unsigned __int128)clk.now * HZ / 1000000000u);
}

static int attach_rc;

static void __attribute__((unused)) reset(void)
{
	dt_clock_init(&clk);
	bus_init(&bus);
	i8254_init(&pit, &clk.vc, dt_irq_line(&irq, 0));
	attach_rc = i8254_attach(&pit, &bus);
}

static void __attribute__((unused)) outb(uint16_t port, uint8_t v)
{
	uint32_t val = v;

	bus_pio(&bus, port, true, 1, &val);
}

static uint8_t __attribute__((unused)) inb(uint16_t port)
{
	uint32_t val = 0;

	bus_pio(&bus, port, false, 1, &val);
	return (uint8_t)val;
}

/* Move to ns (never back), running the timers that expire on the way. */
static void __attribute__((unused)) go(uint64_t ns)
{
	if (ns > clk.now)
		dt_advance(&clk, ns - clk.now);
}

/* Move into tick k (1 ns after it starts). */
static void __attribute__((unused)) go_tick(uint64_t k)
{
	go(tns(k) + 1);
}

/* Counter latch command, then LSB and MSB (counters programmed for rw 3). */
static uint16_t __attribute__((unused)) latched(unsigned ctr)
{
	uint16_t lo, hi;

	outb(0x43, (uint8_t)(ctr << 6));
	lo = inb(0x40 + ctr);
	hi = inb(0x40 + ctr);
	return (uint16_t)(lo | hi << 8);
}

/* Read-back of one counter's status. */
static uint8_t __attribute__((unused)) status(unsigned ctr)
{
	outb(0x43, (uint8_t)(0xe0 | BIT(ctr + 1)));
	return inb(0x40 + ctr);
}

static bool __attribute__((unused)) out_of(unsigned ctr)
{
	return (status(ctr) & 0x80) != 0;
}

static void __attribute__((unused)) count16(unsigned ctr, uint16_t v)
{
	outb(0x40 + ctr, (uint8_t)v);
	outb(0x40 + ctr, (uint8_t)(v >> 8));
}

/* Program counter ctr with control word cw and a 16-bit count during tick w; returns L. */
static uint64_t __attribute__((unused))
program(unsigned ctr, uint8_t cw, uint16_t count, uint64_t w)
{
	go_tick(w);
	outb(0x43, cw);
	count16(ctr, count);
	return w + 1;
}

/* One point of a CE/OUT sequence: k clock pulses after L. */
struct point {
	uint64_t k;
	uint16_t ce;
	bool out;
};

/* Check CE (latched) and OUT (status) at each point. */
static void __attribute__((unused))
check_seq(const char *what, unsigned ctr, uint64_t l, const struct point *p, unsigned n)
{
	char name[128];

	for (unsigned i = 0; i < n; i++) {
		go_tick(l + p[i].k);
		snprintf(name, sizeof(name), "%s: CE at L+%llu", what, (unsigned long long)p[i].k);
		DT_EQ(latched(ctr), p[i].ce, name);
		snprintf(name, sizeof(name), "%s: OUT at L+%llu", what, (unsigned long long)p[i].k);
		DT_EQ(out_of(ctr), p[i].out, name);
	}
}

#endif /* I8254_FIXTURE_H */
