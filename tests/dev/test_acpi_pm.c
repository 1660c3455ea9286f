/*
 * test_acpi_pm.c - the ACPI PM block (vmm/dev/acpi_pm.c) through the
 * bus: the PM timer's rate, exactness and 32-bit wrap on a fake clock,
 * TMR_STS at each toggle of bit 31 and the SCI it raises, write-1-to-
 * clear status, the enable and control registers (SCI_EN always 1),
 * sleep requests (S5 calls poweroff, others are ignored and set WAK_STS),
 * and accesses of every size at every port of the block.
 *
 * Expected timer values are worked out here from ACPI 6.5 4.8.4.3
 * (3.579545 MHz): 1 s is exactly 3579545 ticks; tick k starts at
 * ceil(k * 1e9 / 3579545) ns, e.g. tick 1 at 280 ns, tick 2^31 (the
 * first toggle of bit 31) at 599932015941 ns, tick 2^32 (the wrap) at
 * 1199864031882 ns and tick 3 * 2^31 at 1799796047822 ns.
 */
#include "acpi_pm.h"
#include "bus.h"
#include "devtest.h"

#define TICK1_NS   280ULL
#define TOGGLE_NS  599932015941ULL      /* tick 2^31 */
#define WRAP_NS    1199864031882ULL     /* tick 2^32 */
#define TOGGLE3_NS 1799796047822ULL     /* tick 3 * 2^31 */

static struct dt_clock clk;
static struct bus bus;
static struct acpi_pm pm;
static struct dt_irq sci;
static unsigned poweroffs, unlocked_sets;
static void *poweroff_ctx;

static void rec_sci(void *ctx, unsigned line, bool level)
{
	if (pm.lock.locked == 0)
		unlocked_sets++;
	dt_irq_set(ctx, line, level);
}

static void rec_poweroff(void *ctx)
{
	poweroffs++;
	poweroff_ctx = ctx;
}

static uint32_t in(uint16_t port, unsigned size)
{
	uint32_t v = 0x5a5a5a5a;

	bus_pio(&bus, port, false, size, &v);
	return v;
}

static void out(uint16_t port, unsigned size, uint32_t v)
{
	bus_pio(&bus, port, true, size, &v);
}

/* A fresh device at virtual time 0; the SCI line is ISA line 9. */
static void setup(void (*poweroff)(void *ctx))
{
	struct irq_line l = dt_irq_line(&sci, ACPI_PM_SCI_IRQ);

	dt_clock_init(&clk);
	bus_init(&bus);
	l.set = rec_sci;
	acpi_pm_init(&pm, &clk.vc, l, poweroff, &pm);
	ut_ok(acpi_pm_attach(&pm, &bus) == 0, "attach", NULL);
	poweroffs = 0;
	unlocked_sets = 0;
	vmm_log_last[0] = 0;
}

/* Move the clock to absolute time t (running the timers on the way). */
static void at(uint64_t t)
{
	dt_advance(&clk, t - clk.now);
}

static void test_reset_state(void)
{
	uint32_t v;

	setup(rec_poweroff);
	DT_EQ(in(0x600, 2), 0, "PM1_STS is 0 at power-on");
	DT_EQ(in(0x602, 2), 0, "PM1_EN is 0 at power-on");
	DT_EQ(in(0x604, 2), ACPI_PM1_CNT_SCI_EN, "PM1_CNT: only SCI_EN at power-on");
	DT_EQ(in(0x608, 4), 0, "PM_TMR is 0 at virtual time 0");
	DT_EQ(in(0x606, 2), 0xffff, "0x606-0x607 decode nothing");
	ut_ok(!bus_pio(&bus, 0x5ff, false, 1, &v), "0x5ff is not the block's", NULL);
	ut_ok(!bus_pio(&bus, 0x60c, false, 1, &v), "0x60c is not the block's", NULL);
	ut_ok(bus_pio(&bus, 0x60b, false, 1, &v), "0x60b is the block's", NULL);
	ut_ok(!sci.level && sci.edges == 0, "SCI idle at power-on", NULL);
	ut_ok(!vtimer_armed(&pm.timer), "no timer armed while TMR_EN is clear", NULL);
}

static void test_timer_rate(void)
{
	uint32_t a, b;

	setup(rec_poweroff);
	at(TICK1_NS - 1);
	DT_EQ(in(0x608, 4), 0, "tick 1 not before 280 ns");
	at(TICK1_NS);
	DT_EQ(in(0x608, 4), 1, "tick 1 at 280 ns");
	at(1000000);
	DT_EQ(in(0x608, 4), 3579, "1 ms: 3579 ticks (3579.545 rounded down)");
	at(1000000000);
	DT_EQ(in(0x608, 4), 3579545, "1 s: exactly 3579545 ticks");

	/* An interval from an odd start: no rounding error accumulates. */
	at(1234567891ULL);
	a = in(0x608, 4);
	at(1234567891ULL + 10 * VCLOCK_NS_PER_SEC);
	b = in(0x608, 4);
	DT_EQ(b - a, 35795450, "10 s from an odd start: exactly 35795450 ticks");
	at(clk.now + 1000000);
	a = in(0x608, 4) - b;
	ut_ok(a == 3579 || a == 3580, "the next 1 ms: 3579 or 3580 ticks", "got %u", a);

	/* Reads as the clock crawls: never backwards, at most a tick per 279 ns. */
	{
		uint32_t prev = in(0x608, 4), cur;
		unsigned bad = 0, steps = 0;

		for (unsigned i = 0; i < 20000; i++) {
			at(clk.now + 1 + (i * 7919) % 613);
			cur = in(0x608, 4);
			if (cur < prev || cur - prev > 3)
				bad++;
			steps += cur != prev;
			prev = cur;
		}
		ut_ok(bad == 0 && steps > 10000, "monotonic under small steps",
		      "%u bad steps, %u increments", bad, steps);
	}
}

static void test_timer_wrap_and_sizes(void)
{
	uint32_t t;

	setup(rec_poweroff);
	at(WRAP_NS - 1);
	DT_EQ(in(0x608, 4), 0xffffffffu, "last tick before the wrap");
	DT_EQ(acpi_pm_timer(WRAP_NS - 1), 0xffffffffu, "acpi_pm_timer agrees");
	at(WRAP_NS);
	DT_EQ(in(0x608, 4), 0, "32-bit wrap to 0 at tick 2^32");
	at(WRAP_NS + 1000000000);
	DT_EQ(in(0x608, 4), 3579545, "counting on after the wrap");

	at(clk.now + 123456789);
	t = acpi_pm_timer(clk.now);
	DT_EQ(in(0x608, 1) | in(0x609, 1) << 8 | in(0x60a, 1) << 16 | in(0x60b, 1) << 24, t,
	      "byte reads give the timer's bytes");
	DT_EQ(in(0x608, 2) | in(0x60a, 2) << 16, t, "word reads give its halves");
	DT_EQ(in(0x60a, 4), 0xffff0000u | (t >> 16), "dword at 0x60a: bytes 2-3, then undecoded");
	out(0x608, 4, 0);
	DT_EQ(in(0x608, 4), t, "writes to PM_TMR are ignored");
	out(0x600, 1, ACPI_PM1_STS_WAK >> 8);   /* not the status byte: nothing to clear */
	pm.sts = ACPI_PM1_STS_WAK | ACPI_PM1_STS_TMR;
	for (uint16_t p = 0x606; p < 0x60c; p++)
		out(p, 4, 0xffffffffu);
	DT_EQ(pm.sts, ACPI_PM1_STS_WAK | ACPI_PM1_STS_TMR,
	      "writes at 0x606-0x60b reach no register (status kept)");
	pm.sts = 0;
}

static void test_tmr_sts_and_sci(void)
{
	setup(rec_poweroff);
	at(TOGGLE_NS - 1);
	DT_EQ(in(0x600, 2) & ACPI_PM1_STS_TMR, 0, "TMR_STS clear before bit 31 toggles");
	at(TOGGLE_NS);
	DT_EQ(in(0x600, 2), ACPI_PM1_STS_TMR, "TMR_STS set when bit 31 goes 0 -> 1");
	ut_ok(!sci.level, "no SCI while TMR_EN is clear", NULL);
	out(0x600, 2, 0);
	DT_EQ(in(0x600, 2), ACPI_PM1_STS_TMR, "writing 0 does not clear TMR_STS");
	out(0x600, 2, ACPI_PM1_STS_TMR);
	DT_EQ(in(0x600, 2), 0, "writing 1 clears TMR_STS");
	ut_ok(!vtimer_armed(&pm.timer), "no timer armed while TMR_EN is clear", NULL);
	at(TOGGLE_NS + 5);
	out(0x600, 4, 0xffffffffu);
	DT_EQ(in(0x602, 2), 0x4721, "a dword of ones at 0x600 sets every enable bit");
	out(0x602, 2, 0);

	out(0x602, 2, ACPI_PM1_EN_TMR);
	ut_ok(vtimer_armed(&pm.timer), "TMR_EN arms the timer", NULL);
	DT_EQ(pm.timer.deadline, WRAP_NS, "for the next toggle (1 -> 0 at the wrap)");
	at(WRAP_NS - 1);
	ut_ok(!sci.level, "no SCI before the toggle", NULL);
	at(WRAP_NS);
	ut_ok(sci.level && sci.edges == 1, "SCI asserted at the toggle (TMR_STS && TMR_EN)",
	      "level %d edges %u", sci.level, sci.edges);
	DT_EQ(sci.line, ACPI_PM_SCI_IRQ, "on the SCI's line");
	DT_EQ(in(0x600, 2), ACPI_PM1_STS_TMR, "TMR_STS set by the 1 -> 0 toggle too");
	ut_ok(!vtimer_armed(&pm.timer), "no timer while TMR_STS is set", NULL);
	at(WRAP_NS + 5 * VCLOCK_NS_PER_SEC);
	ut_ok(sci.level && sci.edges == 1, "the SCI stays asserted (level)", NULL);

	out(0x602, 2, 0);
	ut_ok(!sci.level, "clearing TMR_EN deasserts the SCI", NULL);
	out(0x602, 2, ACPI_PM1_EN_TMR);
	ut_ok(sci.level && sci.edges == 2, "setting it again reasserts it", NULL);
	out(0x600, 1, ACPI_PM1_STS_TMR);
	ut_ok(!sci.level, "clearing TMR_STS (byte write) deasserts it", NULL);
	DT_EQ(pm.timer.deadline, TOGGLE3_NS, "timer re-armed for the next toggle");
	at(TOGGLE3_NS - 1);
	ut_ok(!sci.level, "not a nanosecond early", NULL);
	at(TOGGLE3_NS);
	ut_ok(sci.level && sci.edges == 3, "next toggle: SCI again", NULL);
	DT_EQ(unlocked_sets, 0, "the SCI is driven with the device's lock held");
	DT_EQ(pm.lock.locked, 0, "the lock is free after the timer ran");
}

static void test_enable_control(void)
{
	setup(rec_poweroff);
	out(0x602, 2, 0xffff);
	DT_EQ(in(0x602, 2), 0x4721, "PM1_EN keeps the six enable bits of Table 4.12");
	out(0x603, 1, 0x00);
	DT_EQ(in(0x602, 2), 0x0021, "a byte write to 0x603 changes only the high byte");
	out(0x602, 1, 0x00);
	DT_EQ(in(0x602, 2), 0x0000, "a byte write to 0x602 the low byte");
	out(0x600, 4, 0x02210000);
	DT_EQ(in(0x602, 2), ACPI_PM1_EN_SLPBTN | ACPI_PM1_EN_GBL | ACPI_PM1_EN_TMR,
	      "a dword write at 0x600 reaches PM1_EN");
	DT_EQ(in(0x600, 4), 0x02210000, "a dword read: PM1_STS | PM1_EN << 16");
	DT_EQ(in(0x601, 2), 0x2100, "a word read at 0x601: STS high byte, EN low byte");

	out(0x604, 2, 0);
	DT_EQ(in(0x604, 2), ACPI_PM1_CNT_SCI_EN, "SCI_EN reads 1 after writing 0");
	out(0x604, 2, ACPI_PM1_CNT_BM_RLD | ACPI_PM1_CNT_GBL_RLS | SHIFTIN(3, ACPI_PM1_CNT_SLP_TYP));
	DT_EQ(in(0x604, 2), ACPI_PM1_CNT_SCI_EN | ACPI_PM1_CNT_BM_RLD | SHIFTIN(3, ACPI_PM1_CNT_SLP_TYP),
	      "BM_RLD and SLP_TYP read back, GBL_RLS reads 0");
	DT_EQ(in(0x604, 4), 0xffff0000u | (uint32_t)(ACPI_PM1_CNT_SCI_EN | ACPI_PM1_CNT_BM_RLD |
						   SHIFTIN(3, ACPI_PM1_CNT_SLP_TYP)),
	      "a dword read at 0x604: PM1_CNT, then undecoded");
	out(0x603, 1, 0x02);
	out(0x602, 2, 0x0001);
	DT_EQ(in(0x604, 2) & ACPI_PM1_CNT_BM_RLD, ACPI_PM1_CNT_BM_RLD,
	      "writes to PM1_EN leave PM1_CNT alone");
	out(0x602, 2, 0);
	out(0x604, 2, 0xc1f8);
	DT_EQ(in(0x604, 2), ACPI_PM1_CNT_SCI_EN, "reserved bits read 0");
	DT_EQ(poweroffs + (in(0x600, 2) & ACPI_PM1_STS_WAK), 0, "no sleep without SLP_EN");
	DT_EQ(in(0x600, 2), 0, "PM1_STS still clear");
}

static void test_sleep(void)
{
	unsigned logs;

	setup(rec_poweroff);
	out(0x604, 2, SHIFTIN(ACPI_PM_SLP_TYP_S5, ACPI_PM1_CNT_SLP_TYP));
	DT_EQ(poweroffs, 0, "SLP_TYP alone does nothing (ACPICA's first write)");
	out(0x604, 2, SHIFTIN(ACPI_PM_SLP_TYP_S5, ACPI_PM1_CNT_SLP_TYP) | ACPI_PM1_CNT_SLP_EN);
	DT_EQ(poweroffs, 1, "SLP_TYP S5 + SLP_EN: poweroff");
	ut_ok(poweroff_ctx == &pm, "with the context given to init", NULL);
	DT_EQ(in(0x604, 2), ACPI_PM1_CNT_SCI_EN | SHIFTIN(ACPI_PM_SLP_TYP_S5, ACPI_PM1_CNT_SLP_TYP),
	      "SLP_EN reads 0");
	out(0x605, 1, (uint32_t)(SHIFTIN(ACPI_PM_SLP_TYP_S5, ACPI_PM1_CNT_SLP_TYP) |
				 ACPI_PM1_CNT_SLP_EN) >> 8);
	DT_EQ(poweroffs, 2, "a byte write to 0x605 can power off");
	out(0x604, 4, SHIFTIN(ACPI_PM_SLP_TYP_S5, ACPI_PM1_CNT_SLP_TYP) | ACPI_PM1_CNT_SLP_EN);
	DT_EQ(poweroffs, 3, "so can a dword write at 0x604");
	out(0x604, 1, 0xff);
	DT_EQ(poweroffs, 3, "a byte write to 0x604 cannot set SLP_EN");
	DT_EQ(in(0x600, 2), 0, "S5 leaves PM1_STS alone");

	out(0x604, 2, SHIFTIN(1, ACPI_PM1_CNT_SLP_TYP) | ACPI_PM1_CNT_SLP_EN);
	DT_EQ(poweroffs, 3, "sleep type 1: no poweroff");
	DT_EQ(in(0x600, 2), ACPI_PM1_STS_WAK, "an ignored sleep wakes at once: WAK_STS");
	ut_ok(strstr(vmm_log_last, "sleep type 1") != NULL, "and is logged", "log: %s",
	      vmm_log_last);
	ut_ok(!sci.level, "WAK_STS raises no SCI", NULL);
	out(0x600, 2, ACPI_PM1_STS_TMR);
	DT_EQ(in(0x600, 2), ACPI_PM1_STS_WAK, "clearing another bit leaves WAK_STS");
	out(0x601, 1, ACPI_PM1_STS_WAK >> 8);
	DT_EQ(in(0x600, 2), 0, "writing 1 to WAK_STS clears it");

	for (unsigned i = 0; i < 3; i++)
		out(0x604, 2, SHIFTIN(0, ACPI_PM1_CNT_SLP_TYP) | ACPI_PM1_CNT_SLP_EN);
	ut_ok(strstr(vmm_log_last, "not logged again") != NULL, "the 4th ignored sleep says so",
	      "log: %s", vmm_log_last);
	logs = vmm_log_count;
	out(0x604, 2, SHIFTIN(7, ACPI_PM1_CNT_SLP_TYP) | ACPI_PM1_CNT_SLP_EN);
	DT_EQ(vmm_log_count, logs, "the 5th is not logged");
	DT_EQ(in(0x600, 2), ACPI_PM1_STS_WAK, "but still wakes");
	DT_EQ(poweroffs, 3, "no poweroff for types 0 and 7");

	setup(NULL);
	out(0x604, 2, SHIFTIN(ACPI_PM_SLP_TYP_S5, ACPI_PM1_CNT_SLP_TYP) | ACPI_PM1_CNT_SLP_EN);
	ut_ok(strstr(vmm_log_last, "S5") != NULL, "S5 without a callback: only logged", "log: %s",
	      vmm_log_last);
}

static void nop_expire(void *dev, uint64_t now)
{
	(void)dev;
	(void)now;
}

static void nop_io(void *dev, uint16_t port, bool write, unsigned size, uint32_t *val)
{
	(void)dev;
	(void)port;
	(void)write;
	(void)size;
	(void)val;
}

static void test_attach_failures(void)
{
	static struct vtimer t[VCLOCK_MAX_TIMERS];
	struct irq_line none = { 0 };

	dt_clock_init(&clk);
	bus_init(&bus);
	for (unsigned i = 0; i < VCLOCK_MAX_TIMERS; i++)
		vclock_add_timer(&clk.vc, &t[i], "filler", nop_expire, NULL);
	acpi_pm_init(&pm, &clk.vc, none, NULL, NULL);
	DT_EQ(acpi_pm_attach(&pm, &bus), -1, "attach fails when the clock is full");

	dt_clock_init(&clk);
	bus_add_pio(&bus, 0x60b, 1, 0, "squatter", nop_io, NULL, NULL);
	acpi_pm_init(&pm, &clk.vc, none, NULL, NULL);
	DT_EQ(acpi_pm_attach(&pm, &bus), -1, "attach fails when a port is taken");
}

int main(void)
{
	test_reset_state();
	test_timer_rate();
	test_timer_wrap_and_sizes();
	test_tmr_sts_and_sci();
	test_enable_control();
	test_sleep();
	test_attach_failures();
	return ut_done();
}
