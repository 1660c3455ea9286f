/*
 * test_lapic_timer.c - the local APIC timer (vmm/dev/lapic_timer.c):
 * one-shot, periodic and TSC-deadline modes, current-count values at
 * chosen times, exact expiry times, every divide value, masked timers,
 * mode changes, IA32_TSC_DEADLINE.
 *
 * Expected values: the timer counts at LAPIC_BUS_HZ (1 GHz, so one tick
 * per ns) divided by the divide configuration (SDM Vol.3 Figure 11-10:
 * bits 3,1:0 = 000b /2, 001b /4, 010b /8, 011b /16, 100b /32, 101b /64,
 * 110b /128, 111b /1); the fake clock's guest TSC runs at 2 GHz
 * (devtest.h), so TSC value D is reached at ns ceil(D / 2). TSC-deadline
 * rules: SDM 11.5.4.1.
 */
#include "lapictest.h"

static void test_oneshot(void)
{
	lt_init(0);
	wr(A_LVTT, 0x40);
	wr(A_TDCR, 0xb);
	adv(100);
	wr(A_TMICT, 1000);
	DT_EQ(next_due(), 1100, "one-shot 1000 ticks / 1 at t=100 expires at 1100");
	DT_EQ(rd(A_TMCCT), 1000, "current count = initial at the start");
	adv(250);
	DT_EQ(rd(A_TMCCT), 750, "current count 750 at t=350");
	adv(749);
	DT_EQ(rd(A_TMCCT), 1, "current count 1 at t=1099");
	ut_ok(!bit256(A_IRR, 0x40), "no interrupt before the count ends", NULL);
	adv(1);
	ut_ok(bit256(A_IRR, 0x40), "interrupt at t=1100", NULL);
	DT_EQ(rd(A_TMCCT), 0, "current count stays 0");
	DT_EQ(rd(A_TMICT), 1000, "initial count kept");
	DT_EQ(next_due(), VCLOCK_NEVER, "one-shot: not re-armed");
	DT_EQ(rd(A_TMR + 0x20), 0, "timer interrupt is edge");
	take();
	wr(A_EOI, 0);
	adv(5000);
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "delivered once");

	wr(A_TMICT, 1000);
	adv(600);
	wr(A_TMICT, 1000);
	DT_EQ(next_due(), 6700 + 1000, "writing the initial count restarts the count");
	DT_EQ(rd(A_TMCCT), 1000, "from the new initial count");
	adv(10);
	wr(A_TMICT, 0);
	DT_EQ(next_due(), VCLOCK_NEVER, "initial count 0 stops the timer");
	DT_EQ(rd(A_TMCCT), 0, "current count 0 when stopped");
	adv(5000);
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "a stopped timer delivers nothing");

	lt_init(0);
	wr(A_LVTT, 0x40);
	wr(A_TDCR, 0xb);
	wr(A_TMICT, 1000);
	T.clk.now = 1500;       /* the monitor did not run the clock */
	DT_EQ(lapic_pending(&T.l), 0x40, "a due timer is seen by lapic_pending()");
	DT_EQ(next_due(), VCLOCK_NEVER, "and is not fired again");

	lt_init(0);
	wr(A_LVTT, 0x05);
	wr(A_TMICT, 10);
	adv(20);
	DT_EQ(rd(A_IRR), 0, "timer vector 5 is not accepted");
	wr(A_ESR, 0);
	DT_EQ(rd(A_ESR), 0x40, "receive illegal vector");
}

/* Every divide value: expiry at count * divisor ns, count steps every divisor ns. */
static void test_divide(void)
{
	static const struct { uint32_t tdcr, div; } c[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 }, { 0x8, 32 }, { 0x9, 64 },
		{ 0xa, 128 }, { 0xb, 1 }, { 0x4, 2 }, { 0xf, 1 },
	};
	char name[80];

	for (unsigned i = 0; i < ARRAY_SIZE(c); i++) {
		uint32_t d = c[i].div;

		lt_init(0);
		wr(A_LVTT, 0x41);
		wr(A_TDCR, c[i].tdcr);
		wr(A_TMICT, 100);
		snprintf(name, sizeof(name), "divide 0x%x: expiry at 100 * %u ns", c[i].tdcr, d);
		DT_EQ(next_due(), 100ULL * d, name);
		adv(3 * d - 1);
		snprintf(name, sizeof(name), "divide 0x%x: count 98 at 3 * %u - 1 ns", c[i].tdcr, d);
		DT_EQ(rd(A_TMCCT), 98, name);
		adv(1);
		snprintf(name, sizeof(name), "divide 0x%x: count 97 at 3 * %u ns", c[i].tdcr, d);
		DT_EQ(rd(A_TMCCT), 97, name);
		adv(100ULL * d - 3 * d - 1);
		snprintf(name, sizeof(name), "divide 0x%x: count 1, no interrupt, 1 ns before", c[i].tdcr);
		ut_ok(rd(A_TMCCT) == 1 && !bit256(A_IRR, 0x41), name, "count %u", rd(A_TMCCT));
		adv(1);
		snprintf(name, sizeof(name), "divide 0x%x: interrupt at the expiry", c[i].tdcr);
		ut_ok(bit256(A_IRR, 0x41) && rd(A_TMCCT) == 0, name, NULL);
	}
	lt_init(0);
	wr(A_TDCR, 0xa);
	wr(A_LVTT, 0x41);
	wr(A_TMICT, 0xffffffff);
	DT_EQ(next_due(), 0xffffffffULL * 128, "largest count and divide: no overflow");
	adv(0xffffffffULL * 64);
	DT_EQ(rd(A_TMCCT), 0x80000000, "half way: count 0x80000000");
}

static void test_periodic(void)
{
	unsigned n = 0;

	lt_init(0);
	wr(A_LVTT, LVT_PERIODIC | 0x41);
	wr(A_TDCR, 0xb);
	wr(A_TMICT, 5000);
	DT_EQ(next_due(), 5000, "periodic: first expiry at 5000");
	adv(5000);
	ut_ok(bit256(A_IRR, 0x41), "interrupt at 5000", NULL);
	DT_EQ(next_due(), 10000, "re-armed one period later");
	DT_EQ(rd(A_TMCCT), 5000, "count reloaded to the initial count");
	take();
	wr(A_EOI, 0);
	adv(2500);
	DT_EQ(rd(A_TMCCT), 2500, "count 2500 half way through period 2");
	adv(2500);
	ut_ok(bit256(A_IRR, 0x41), "interrupt at 10000", NULL);
	take();
	wr(A_EOI, 0);

	T.clk.now = 23000;      /* late: the clock runs the timer only now */
	DT_EQ(vclock_run(&T.clk.vc, T.clk.now), 1, "late expiry: one call");
	DT_EQ(lapic_pending(&T.l), 0x41, "missed periods give one interrupt");
	DT_EQ(next_due(), 25000, "next expiry on the period grid, after now");
	DT_EQ(rd(A_TMCCT), 2000, "count follows the grid");
	take();
	wr(A_EOI, 0);
	T.clk.now = 30000;
	vclock_run(&T.clk.vc, T.clk.now);
	DT_EQ(next_due(), 35000, "expiry exactly on a boundary re-arms strictly after now");
	DT_EQ(rd(A_TMCCT), 5000, "count 5000 on the boundary");
	take();
	wr(A_EOI, 0);
	for (unsigned i = 0; i < 10; i++) {
		adv(5000);
		if (take() == 0x41)
			n++;
		wr(A_EOI, 0);
	}
	DT_EQ(n, 10, "ten periods, ten interrupts");

	wr(A_LVTT, LVT_MASK | LVT_PERIODIC | 0x41);
	adv(5000);
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "masked periodic: no interrupt");
	DT_EQ(next_due(), 90000, "but still re-armed");
	DT_EQ(rd(A_TMCCT), 5000, "and still counting");
	wr(A_LVTT, LVT_PERIODIC | 0x41);
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "unmasking brings no missed interrupt");
	adv(5000);
	DT_EQ(lapic_pending(&T.l), 0x41, "next period delivers again");

}

/* Periods under 1 us: interrupts at most every 1 us, on the period grid; exact counts. */
static void test_periodic_fast(void)
{
	lt_init(0);
	wr(A_LVTT, LVT_PERIODIC | 0x42);
	wr(A_TDCR, 0xb);
	wr(A_TMICT, 10);
	adv(10);
	ut_ok(bit256(A_IRR, 0x42), "10 ns period: first interrupt at 10", NULL);
	DT_EQ(next_due(), 10 + 1000, "fast periodic: next interrupt 1 us later, on the grid");
	adv(5);
	DT_EQ(rd(A_TMCCT), 5, "the count itself is exact");
	adv(5);
	DT_EQ(rd(A_TMCCT), 10, "and reloads on the skipped boundary at 20");
	adv(5);
	wr(A_LVTT, 0x42);
	DT_EQ(rd(A_TMCCT), 5, "periodic -> one-shot at 25: count 5 goes on");
	DT_EQ(next_due(), 30, "and ends at 30");
	take();
	wr(A_EOI, 0);
	adv(5);
	DT_EQ(lapic_pending(&T.l), 0x42, "one-shot interrupt at 30");
	DT_EQ(next_due(), VCLOCK_NEVER, "then stopped");

	lt_init(0);
	wr(A_LVTT, LVT_PERIODIC | 0x42);
	wr(A_TDCR, 0xb);
	wr(A_TMICT, 333);
	adv(333);
	DT_EQ(next_due(), 1665, "333 ns period: first boundary >= 1333 is 1665");

	lt_init(0);
	wr(A_LVTT, LVT_PERIODIC | 0x42);
	wr(A_TDCR, 0xb);
	wr(A_TMICT, 300);
	adv(300);
	DT_EQ(next_due(), 1500, "300 ns period: next boundary at least 1 us on (1500)");
	T.clk.now = 1500 + 299;
	vclock_run(&T.clk.vc, T.clk.now);
	DT_EQ(next_due(), 3000, "late by 299 ns: first boundary >= now + 1 us (3000)");

	lt_init(0);
	wr(A_LVTT, LVT_PERIODIC | 0x42);
	wr(A_TDCR, 0xb);
	wr(A_TMICT, 5000);
	T.clk.now = 5000 + 4900;
	vclock_run(&T.clk.vc, T.clk.now);
	DT_EQ(next_due(), 10000, "period >= 1 us: next boundary even if only 100 ns away");

	lt_init(0);
	wr(A_LVTT, LVT_PERIODIC | 0x42);
	wr(A_TDCR, 0xb);
	wr(A_TMICT, 1000);
	T.clk.now = 1001;
	vclock_run(&T.clk.vc, T.clk.now);
	DT_EQ(next_due(), 2000, "1 us period late by 1 ns: the next boundary, 999 ns on");
}

/* Deadlines that would pass the end of virtual time saturate, never wrap or disarm. */
static void test_end_of_time(void)
{
	lt_init(0);
	wr(A_LVTT, 0x41);
	wr(A_TDCR, 0xb);
	T.clk.now = UINT64_MAX - 1000;
	wr(A_TMICT, 1000);
	DT_EQ(next_due(), UINT64_MAX - 1, "expiry at UINT64_MAX (= never) saturates to UINT64_MAX - 1");
	T.clk.now = UINT64_MAX - 10;
	wr(A_TMICT, 1000);
	DT_EQ(next_due(), UINT64_MAX - 1, "expiry past UINT64_MAX saturates, does not wrap");
}

static void test_masked_and_modes(void)
{
	lt_init(0);
	wr(A_LVTT, LVT_MASK | 0x42);
	wr(A_TDCR, 0xb);
	wr(A_TMICT, 1000);
	adv(400);
	DT_EQ(rd(A_TMCCT), 600, "masked one-shot still counts");
	adv(600);
	DT_EQ(rd(A_IRR + 0x20), 0, "masked: no interrupt at the end");
	DT_EQ(rd(A_TMCCT), 0, "count ended");
	wr(A_LVTT, 0x42);
	adv(1000);
	DT_EQ(rd(A_IRR + 0x20), 0, "unmasking later delivers nothing");

	lt_init(0);
	wr(A_LVTT, 0x43);
	wr(A_TDCR, 0xb);
	wr(A_TMICT, 1000);
	adv(400);
	wr(A_TDCR, 0x0);
	DT_EQ(rd(A_TMCCT), 600, "divide change keeps the current count");
	DT_EQ(next_due(), 400 + 600 * 2, "and counts on at the new rate");
	adv(101);
	DT_EQ(rd(A_TMCCT), 550, "one tick every 2 ns now");
	adv(1099);
	ut_ok(bit256(A_IRR, 0x43), "expiry at 1600", NULL);

	lt_init(0);
	wr(A_LVTT, 0x44);
	wr(A_TDCR, 0xb);
	wr(A_TMICT, 1000);
	adv(300);
	wr(A_LVTT, LVT_PERIODIC | 0x44);
	DT_EQ(rd(A_TMCCT), 700, "one-shot -> periodic keeps counting");
	DT_EQ(next_due(), 1000, "same expiry");
	adv(700);
	DT_EQ(next_due(), 2000, "then reloads as periodic");
	adv(500);
	wr(A_LVTT, 0x44);
	DT_EQ(rd(A_TMCCT), 500, "periodic -> one-shot keeps counting");
	adv(500);
	DT_EQ(next_due(), VCLOCK_NEVER, "and stops at zero");
	DT_EQ(rd(A_TMCCT), 0, "count 0");

	lt_init(0);
	wr(A_LVTT, 0x45);
	wr(A_TDCR, 0xa);
	wr(A_TMICT, 100);
	adv(64);
	wr(A_LVTT, 0x46);
	DT_EQ(next_due(), 12800, "LVT write in the same mode leaves the count alone (half tick kept)");

	lt_init(0);
	lapic_set_caps(&T.l, 40, true);
	wr(A_LVTT, 0x60000 | 0x45);
	DT_EQ(rd(A_LVTT), 0x60045, "mode 11b is stored");
	wr(A_TMICT, 1000);
	ut_ok(next_due() == VCLOCK_NEVER && rd(A_TMCCT) == 0, "mode 11b (reserved) counts nothing",
	      NULL);
}

static void test_tsc_deadline(void)
{
	lt_init(0);
	wr(A_LVTT, LVT_TSCDL | 0x45);
	DT_EQ(rd(A_LVTT), 0x45, "no TSC-deadline capability: bit 18 reserved");
	DT_EQ(msr_rd(M_TSCDL), ~0ULL, "IA32_TSC_DEADLINE #GP without the capability");

	lt_init(0);
	lapic_set_caps(&T.l, 40, true);
	adv(1000);              /* guest TSC 2000 */
	DT_EQ(msr_wr(M_TSCDL, 5000), 0, "MSR write outside TSC-deadline mode");
	DT_EQ(msr_rd(M_TSCDL), 0, "is ignored (reads 0)");
	DT_EQ(next_due(), VCLOCK_NEVER, "and arms nothing");
	wr(A_LVTT, LVT_TSCDL | 0x46);
	DT_EQ(rd(A_LVTT), LVT_TSCDL | 0x46, "LVT timer in TSC-deadline mode");
	wr(A_TMICT, 100);
	DT_EQ(rd(A_TMICT), 0, "initial count writes ignored in TSC-deadline mode");
	DT_EQ(rd(A_TMCCT), 0, "current count reads 0");
	DT_EQ(next_due(), VCLOCK_NEVER, "nothing armed");
	DT_EQ(msr_rd(M_TSCDL), 0, "deadline 0 at first");
	DT_EQ(msr_wr(M_TSCDL, 2000 + 2001), 0, "deadline TSC 4001");
	DT_EQ(msr_rd(M_TSCDL), 4001, "reads back");
	DT_EQ(next_due(), 2001, "armed for ns 2001 (TSC 4002), the first ns with TSC >= 4001");
	adv(1000);
	ut_ok(!bit256(A_IRR, 0x46), "TSC 4000: not yet", NULL);
	adv(1);
	ut_ok(bit256(A_IRR, 0x46), "TSC 4002: interrupt", NULL);
	DT_EQ(msr_rd(M_TSCDL), 0, "the deadline clears itself");
	DT_EQ(next_due(), VCLOCK_NEVER, "and disarms");
	take();
	wr(A_EOI, 0);

	DT_EQ(msr_wr(M_TSCDL, 4002 + 2000), 0, "even deadline");
	DT_EQ(next_due(), 2001 + 1000, "armed exactly 1000 ns later");
	DT_EQ(msr_wr(M_TSCDL, 4002 + 600), 0, "re-written earlier");
	DT_EQ(next_due(), 2001 + 300, "the new deadline replaces the old");
	DT_EQ(msr_wr(M_TSCDL, 0), 0, "write 0");
	DT_EQ(next_due(), VCLOCK_NEVER, "0 disarms");
	adv(5000);
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "no interrupt after disarm");
	DT_EQ(msr_wr(M_TSCDL, 1), 0, "deadline in the past");
	DT_EQ(lapic_pending(&T.l), 0x46, "interrupt at once");
	DT_EQ(msr_rd(M_TSCDL), 0, "and cleared");
	take();
	wr(A_EOI, 0);

	/* Leaving TSC-deadline mode disarms and clears the MSR (SDM 11.5.4.1). */
	msr_wr(M_TSCDL, 1000000);
	wr(A_LVTT, 0x46);
	DT_EQ(next_due(), VCLOCK_NEVER, "switch to one-shot disarms");
	DT_EQ(msr_rd(M_TSCDL), 0, "MSR reads 0 in one-shot mode");
	wr(A_LVTT, LVT_TSCDL | 0x46);
	DT_EQ(msr_rd(M_TSCDL), 0, "and was cleared");
	adv(1000000);
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "the old deadline never fires");

	wr(A_LVTT, 0x46);
	wr(A_TMICT, 1000);
	wr(A_LVTT, LVT_TSCDL | 0x46);
	ut_ok(next_due() == VCLOCK_NEVER && rd(A_TMICT) == 0,
	      "switch into TSC-deadline stops a one-shot count and zeroes the initial count", NULL);
	wr(A_LVTT, 0x46);
	DT_EQ(rd(A_TMCCT), 0, "back to one-shot: nothing counting");

	wr(A_LVTT, LVT_MASK | LVT_TSCDL | 0x46);
	msr_wr(M_TSCDL, vclock_guest_tsc(&T.clk.vc) + 100);
	adv(100);
	DT_EQ(msr_rd(M_TSCDL), 0, "masked: the deadline still passes and clears");
	DT_EQ(lapic_pending(&T.l), (uint64_t)-1, "without an interrupt");

	/* A clock whose tsc_hz overstates the guest TSC: never early. */
	lt_init(0);
	lapic_set_caps(&T.l, 40, true);
	T.clk.vc.tsc_hz = 4000000000ULL;
	wr(A_LVTT, LVT_TSCDL | 0x47);
	msr_wr(M_TSCDL, 4000);
	adv(1999);
	ut_ok(!bit256(A_IRR, 0x47), "TSC 3998 < 4000: no interrupt though tsc_hz said so", NULL);
	adv(1);
	ut_ok(bit256(A_IRR, 0x47), "TSC 4000: interrupt", NULL);
}

int main(void)
{
	test_oneshot();
	test_divide();
	test_periodic();
	test_periodic_fast();
	test_masked_and_modes();
	test_end_of_time();
	test_tsc_deadline();
	return ut_done();
}
