/*
 * test_mc146818.c - the RTC/CMOS (vmm/dev/mc146818.c) through ports
 * 0x70/0x71 with the fake clock, and the calendar conversions.
 *
 * Dates and unix times in the tables are the proleptic Gregorian
 * calendar's (checked against Python's calendar.timegm when they were
 * written, not against this code). Register values follow the MC146818A
 * datasheet: BCD unless B.DM, 12-hour hours 1-12 with bit 7 for PM,
 * register C = IRQF|PF|AF|UF cleared by a read, the periodic rates of
 * Table 5 (32.768 kHz time base), UIP in the 244 us before an update,
 * the first update half a second after the divider leaves reset.
 */
#include "bus.h"
#include "devtest.h"
#include "mc146818.h"

#define SEC 1000000000ULL
#define T_LEAP 1709251198ULL    /* 2024-02-29 23:59:58, a Thursday */

static struct dt_clock clk;
static struct bus bus;
static struct mc146818 rtc;
static struct dt_irq irq;

static int attach_rc;

static void reset(uint64_t unix_at_zero)
{
	dt_clock_init(&clk);
	bus_init(&bus);
	mc146818_init(&rtc, &clk.vc, dt_irq_line(&irq, 8), unix_at_zero);
	attach_rc = mc146818_attach(&rtc, &bus);
}

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

static uint8_t rd(uint8_t idx)
{
	outb(0x70, idx);
	return inb(0x71);
}

static void wr(uint8_t idx, uint8_t v)
{
	outb(0x70, idx);
	outb(0x71, v);
}

/* Move to ns (never back), running the timers on the way. */
static void go(uint64_t ns)
{
	if (ns > clk.now)
		dt_advance(&clk, ns - clk.now);
}

/* Registers 0, 2, 4, 6, 7, 8, 9, 0x32 in one go. */
struct regs {
	uint8_t sec, min, hour, wday, day, mon, year, cent;
};

static void check_regs(const char *what, const struct regs *w)
{
	char name[128];
	static const uint8_t idx[8] = { 0x00, 0x02, 0x04, 0x06, 0x07, 0x08, 0x09, 0x32 };
	static const char *const field[8] = { "sec", "min", "hour", "wday", "day", "mon", "year", "century" };
	const uint8_t *want = &w->sec;

	for (unsigned i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "%s: %s", what, field[i]);
		DT_EQ(rd(idx[i]), want[i], name);
	}
}

/* ---------------------------------------------------------------------- */

static const struct {
	struct rtc_date d;
	uint64_t t;
} dates[] = {
	{ { 1970, 1, 1, 0, 0, 0, 5 }, 0 },
	{ { 1972, 2, 29, 0, 0, 0, 3 }, 68169600 },
	{ { 1999, 12, 31, 23, 59, 59, 6 }, 946684799 },
	{ { 2000, 1, 1, 0, 0, 0, 7 }, 946684800 },
	{ { 2000, 2, 28, 12, 0, 0, 2 }, 951739200 },
	{ { 2000, 2, 29, 0, 0, 0, 3 }, 951782400 },
	{ { 2000, 3, 1, 0, 0, 0, 4 }, 951868800 },
	{ { 2000, 12, 31, 23, 59, 59, 1 }, 978307199 },
	{ { 2001, 1, 1, 0, 0, 0, 2 }, 978307200 },
	{ { 2023, 4, 30, 23, 59, 59, 1 }, 1682899199 },
	{ { 2023, 5, 1, 0, 0, 0, 2 }, 1682899200 },
	{ { 2024, 2, 29, 12, 0, 0, 5 }, 1709208000 },
	{ { 2024, 3, 1, 0, 0, 0, 6 }, 1709251200 },
	{ { 2024, 12, 31, 23, 59, 59, 3 }, 1735689599 },
	{ { 2026, 12, 1, 21, 11, 45, 3 }, 1796159505 },
	{ { 2038, 1, 19, 3, 14, 7, 3 }, 2147483647 },
	{ { 2100, 2, 28, 0, 0, 0, 1 }, 4107456000ULL },
	{ { 2100, 3, 1, 0, 0, 0, 2 }, 4107542400ULL },
	{ { 2100, 12, 31, 23, 59, 59, 6 }, 4133980799ULL },
	{ { 2400, 2, 29, 6, 30, 0, 3 }, 13574586600ULL },
	{ { 9999, 12, 31, 23, 59, 59, 6 }, 253402300799ULL },
};

static void test_calendar(void)
{
	char name[96];

	for (unsigned i = 0; i < ARRAY_SIZE(dates); i++) {
		const struct rtc_date *w = &dates[i].d;
		struct rtc_date d;

		snprintf(name, sizeof(name), "date %04u-%02u-%02u %02u:%02u:%02u -> unix", w->year, w->mon,
			 w->day, w->hour, w->min, w->sec);
		DT_EQ(rtc_date_to_unix(w), dates[i].t, name);
		memset(&d, 0xff, sizeof(d));
		rtc_unix_to_date(dates[i].t, &d);
		snprintf(name, sizeof(name), "unix %llu -> date", (unsigned long long)dates[i].t);
		ut_ok(memcmp(&d, w, sizeof(d)) == 0, name, "got %u-%u-%u %u:%u:%u wday %u", d.year, d.mon, d.day,
		      d.hour, d.min, d.sec, d.wday);
	}
	{
		struct rtc_date before = { 1969, 12, 31, 23, 59, 59, 0 };

		DT_EQ(rtc_date_to_unix(&before), 0, "dates before 1970 clamp to 0");
	}
}

/* Time registers at virtual time 0 and one second later: rollovers. */
static const struct {
	const char *what;
	uint64_t t0;
	struct regs r0, r1;
} rolls[] = {
	{ "leap day to March 2024", T_LEAP + 1,
	  { 0x59, 0x59, 0x23, 0x05, 0x29, 0x02, 0x24, 0x20 }, { 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x24, 0x20 } },
	{ "year 1999 to 2000", 946684799,
	  { 0x59, 0x59, 0x23, 0x06, 0x31, 0x12, 0x99, 0x19 }, { 0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20 } },
	{ "2100 has no Feb 29", 4107542399ULL,
	  { 0x59, 0x59, 0x23, 0x01, 0x28, 0x02, 0x00, 0x21 }, { 0x00, 0x00, 0x00, 0x02, 0x01, 0x03, 0x00, 0x21 } },
	{ "end of a 30-day month", 1682899199,
	  { 0x59, 0x59, 0x23, 0x01, 0x30, 0x04, 0x23, 0x20 }, { 0x00, 0x00, 0x00, 0x02, 0x01, 0x05, 0x23, 0x20 } },
	{ "end of 2024", 1735689599,
	  { 0x59, 0x59, 0x23, 0x03, 0x31, 0x12, 0x24, 0x20 }, { 0x00, 0x00, 0x00, 0x04, 0x01, 0x01, 0x25, 0x20 } },
	{ "2000 is a leap year", 951782399,
	  { 0x59, 0x59, 0x23, 0x02, 0x28, 0x02, 0x00, 0x20 }, { 0x00, 0x00, 0x00, 0x03, 0x29, 0x02, 0x00, 0x20 } },
};

static void test_rollover(void)
{
	char name[96];

	for (unsigned i = 0; i < ARRAY_SIZE(rolls); i++) {
		reset(rolls[i].t0);
		snprintf(name, sizeof(name), "%s (before)", rolls[i].what);
		check_regs(name, &rolls[i].r0);
		go(SEC - 1);
		DT_EQ(rd(0x00), rolls[i].r0.sec, "no update before the second ends");
		go(SEC);
		snprintf(name, sizeof(name), "%s (after)", rolls[i].what);
		check_regs(name, &rolls[i].r1);
	}
}

/* Hour register formats (B.DM, B.24/12) at various times of day. */
static const struct {
	unsigned hour;
	uint8_t b;
	uint8_t want;
} hours[] = {
	{ 0, 0x02, 0x00 }, { 9, 0x02, 0x09 }, { 23, 0x02, 0x23 },        /* 24h BCD */
	{ 0, 0x06, 0x00 }, { 13, 0x06, 0x0d }, { 23, 0x06, 0x17 },       /* 24h binary */
	{ 0, 0x00, 0x12 }, { 1, 0x00, 0x01 }, { 11, 0x00, 0x11 },        /* 12h BCD */
	{ 12, 0x00, 0x92 }, { 13, 0x00, 0x81 }, { 23, 0x00, 0x91 },
	{ 0, 0x04, 0x0c }, { 1, 0x04, 0x01 }, { 11, 0x04, 0x0b },        /* 12h binary */
	{ 12, 0x04, 0x8c }, { 13, 0x04, 0x81 }, { 23, 0x04, 0x8b },
};

static void test_formats(void)
{
	static const struct regs bin = { 58, 59, 23, 5, 29, 2, 24, 20 };
	char name[96];

	reset(T_LEAP);
	wr(0x0b, 0x06);
	check_regs("binary", &bin);
	for (unsigned i = 0; i < ARRAY_SIZE(hours); i++) {
		reset(1709164800ULL + hours[i].hour * 3600ULL + 1234);   /* 2024-02-29 hh:20:34 */
		wr(0x0b, hours[i].b);
		snprintf(name, sizeof(name), "hour %u with B=0x%02x", hours[i].hour, hours[i].b);
		DT_EQ(rd(0x04), hours[i].want, name);
	}
}

/* Day 39 in each month of 2023 (and February in leap and century years): clamped to the last day. */
static const struct {
	uint8_t year, cent, mon, last;
} lastday[] = {
	{ 0x23, 0x20, 0x01, 0x31 }, { 0x23, 0x20, 0x02, 0x28 }, { 0x23, 0x20, 0x03, 0x31 },
	{ 0x23, 0x20, 0x04, 0x30 }, { 0x23, 0x20, 0x05, 0x31 }, { 0x23, 0x20, 0x06, 0x30 },
	{ 0x23, 0x20, 0x07, 0x31 }, { 0x23, 0x20, 0x08, 0x31 }, { 0x23, 0x20, 0x09, 0x30 },
	{ 0x23, 0x20, 0x10, 0x31 }, { 0x23, 0x20, 0x11, 0x30 }, { 0x23, 0x20, 0x12, 0x31 },
	{ 0x24, 0x20, 0x02, 0x29 }, { 0x00, 0x20, 0x02, 0x29 }, { 0x00, 0x21, 0x02, 0x28 },
};

static void test_month_clamp(void)
{
	char name[64];

	for (unsigned i = 0; i < ARRAY_SIZE(lastday); i++) {
		reset(T_LEAP);
		wr(0x0b, 0x82);
		wr(0x09, lastday[i].year);
		wr(0x32, lastday[i].cent);
		wr(0x08, lastday[i].mon);
		wr(0x07, 0x39);
		wr(0x0b, 0x02);
		snprintf(name, sizeof(name), "clamp: day 39 of %02x%02x-%02x", lastday[i].cent, lastday[i].year,
			 lastday[i].mon);
		DT_EQ(rd(0x07), lastday[i].last, name);
	}
}

/* 12-hour hour bytes written under SET, read back in 24-hour BCD. */
static const struct {
	uint8_t reg, h24;
} set12[] = {
	{ 0x12, 0x00 }, { 0x01, 0x01 }, { 0x11, 0x11 }, { 0x92, 0x12 }, { 0x81, 0x13 }, { 0x91, 0x23 },
	{ 0x13, 0x00 }, { 0x00, 0x01 },         /* out of range: clamped to 12 AM / 1 AM */
};

static void test_set(void)
{
	static const struct regs set = { 0x30, 0x15, 0x10, 0x03, 0x15, 0x06, 0x25, 0x20 };
	static const struct regs next = { 0x31, 0x15, 0x10, 0x03, 0x15, 0x06, 0x25, 0x20 };

	reset(T_LEAP);
	go(SEC / 4);
	wr(0x0b, 0x82);
	go(5 * SEC);
	DT_EQ(rd(0x00), 0x58, "SET: updates stop");
	wr(0x00, 0x30);
	wr(0x02, 0x15);
	wr(0x04, 0x10);
	wr(0x06, 0x03);
	wr(0x07, 0x15);
	wr(0x08, 0x06);
	wr(0x09, 0x25);
	wr(0x32, 0x20);
	go(5 * SEC + SEC / 3);
	check_regs("SET: written registers read back", &set);
	wr(0x0b, 0x02);                         /* commit: 2025-06-15 10:15:30 */
	check_regs("SET cleared: the new time", &set);
	go(6 * SEC - 1);
	DT_EQ(rd(0x00), 0x30, "SET cleared: same second until the next update");
	go(6 * SEC);
	check_regs("SET cleared: updates on the old phase (day of week kept as written)", &next);

	/* The day of week counts on from what the guest wrote. */
	reset(T_LEAP);
	wr(0x0b, 0x82);
	wr(0x06, 0x07);
	wr(0x0b, 0x02);
	go(2 * SEC);
	DT_EQ(rd(0x06), 0x01, "SET: day of week 7 -> 1 at midnight");

	/* Out of range values are clamped when the time is taken. */
	reset(T_LEAP);
	wr(0x0b, 0x82);
	wr(0x08, 0x13);
	wr(0x09, 0x23);
	wr(0x07, 0x31);
	wr(0x04, 0x27);
	wr(0x00, 0xd9);
	DT_EQ(rd(0x00), 0x59, "seconds bit 7 is read-only");
	wr(0x0b, 0x02);
	DT_EQ(rd(0x08), 0x12, "clamp: month 13 -> 12");
	DT_EQ(rd(0x07), 0x31, "clamp: day 31 fits December");
	DT_EQ(rd(0x04), 0x23, "clamp: hour 27 -> 23");
	wr(0x0b, 0x82);
	wr(0x00, 0x75);
	wr(0x02, 0x99);
	wr(0x0b, 0x02);
	DT_EQ(rd(0x00), 0x59, "clamp: seconds 75 -> 59");
	DT_EQ(rd(0x02), 0x59, "clamp: minutes 99 -> 59");
	test_month_clamp();

	/* Registers written under SET survive other writes to B while SET stays. */
	reset(T_LEAP);
	wr(0x0b, 0x82);
	wr(0x00, 0x11);
	wr(0x0b, 0x86);
	DT_EQ(rd(0x00), 0x11, "SET: a second write to B keeps the written time");
	wr(0x0b, 0x06);
	wr(0x0b, 0x02);
	DT_EQ(rd(0x00), 0x17, "SET: 0x11 taken as binary (17) after DM was set");

	/* The day of week as written: 1 and 7 are days, 0 and 8 are not. */
	reset(T_LEAP);
	wr(0x0b, 0x82);
	wr(0x06, 0x01);
	wr(0x0b, 0x02);
	DT_EQ(rd(0x06), 0x01, "day of week 1 kept");
	wr(0x0b, 0x82);
	wr(0x06, 0x08);
	wr(0x0b, 0x02);
	DT_EQ(rd(0x06), 0x05, "day of week 8 ignored: the date's (Thursday)");
	wr(0x0b, 0x82);
	wr(0x06, 0x00);
	wr(0x0b, 0x02);
	DT_EQ(rd(0x06), 0x05, "day of week 0 ignored");

	/* Setting the time in 12-hour mode. */
	for (unsigned i = 0; i < ARRAY_SIZE(set12); i++) {
		char name[64];

		reset(T_LEAP);
		wr(0x0b, 0x80);
		wr(0x04, set12[i].reg);
		wr(0x0b, 0x00);                 /* SET off in 12-hour mode */
		wr(0x0b, 0x02);
		snprintf(name, sizeof(name), "12-hour set 0x%02x -> %02x h", set12[i].reg, set12[i].h24);
		DT_EQ(rd(0x04), set12[i].h24, name);
	}

	/* UIE is cleared when SET goes high, not while it stays high. */
	reset(T_LEAP);
	wr(0x0b, 0x12);
	DT_EQ(rd(0x0b), 0x12, "B: UIE set");
	wr(0x0b, 0x92);
	DT_EQ(rd(0x0b), 0x82, "B: SET going high clears UIE");
	wr(0x0b, 0x92);
	DT_EQ(rd(0x0b), 0x92, "B: UIE may be set while SET stays high");
	wr(0x0b, 0x7f);
	DT_EQ(rd(0x0b), 0x7f, "B: all other bits read back");
}

static void test_write_running(void)
{
	reset(T_LEAP);
	go(SEC / 2);
	wr(0x02, 0x10);                         /* minutes while running */
	DT_EQ(rd(0x02), 0x10, "running write: minutes changed");
	DT_EQ(rd(0x00), 0x58, "running write: seconds kept");
	go(SEC);
	DT_EQ(rd(0x00), 0x59, "running write: update on the old phase");
	DT_EQ(rd(0x02), 0x10, "running write: from the written minute");
	DT_EQ(rd(0x04), 0x23, "running write: hour kept");
	wr(0x32, 0x21);
	DT_EQ(rd(0x09), 0x24, "running write: year kept");
	DT_EQ(rd(0x32), 0x21, "running write: century 21");
	DT_EQ(rd(0x06), 0x05, "running write: day of week is its own counter (not the date's)");
}

static void test_uip(void)
{
	reset(T_LEAP);
	clk.now = 999755859;                    /* 32.768 kHz tick 32759 */
	DT_EQ(rd(0x0a), 0x26, "UIP clear 244.14 us + 1 ns before the update");
	clk.now = 999755860;                    /* tick 32760: 8 ticks left */
	DT_EQ(rd(0x0a), 0xa6, "UIP set 244.14 us before the update");
	clk.now = SEC - 1;
	DT_EQ(rd(0x0a), 0xa6, "UIP set until the update");
	DT_EQ(rd(0x00), 0x58, "UIP: time not yet updated");
	clk.now = SEC;
	DT_EQ(rd(0x0a), 0x26, "UIP clear after the update");
	DT_EQ(rd(0x00), 0x59, "UIP: time updated");
	wr(0x0a, 0xa6);
	DT_EQ(rd(0x0a), 0x26, "UIP is read-only");
	clk.now = 2 * SEC - 1000;
	wr(0x0b, 0x82);
	DT_EQ(rd(0x0a), 0x26, "UIP clear while SET");
}

static void test_divider(void)
{
	reset(T_LEAP);
	go(SEC / 4);
	wr(0x0a, 0x76);                         /* divider reset */
	go(10 * SEC + SEC / 5);
	DT_EQ(rd(0x00), 0x58, "divider reset: time stops");
	clk.now = 11 * SEC - 1000;              /* where UIP would be */
	DT_EQ(rd(0x0a), 0x76, "divider reset: no UIP");
	go(11 * SEC);
	wr(0x0a, 0x26);                         /* released: first update 0.5 s later */
	go(11 * SEC + SEC / 2 - 1);
	DT_EQ(rd(0x00), 0x58, "divider released: no update before half a second");
	go(11 * SEC + SEC / 2);
	DT_EQ(rd(0x00), 0x59, "divider released: first update after half a second");
	go(12 * SEC + SEC / 2 - 1);
	DT_EQ(rd(0x00), 0x59, "divider released: then every second");
	go(12 * SEC + SEC / 2);
	DT_EQ(rd(0x00), 0x00, "divider released: on the new phase");

	/* Other time bases stop the clock too (a PC has a 32.768 kHz crystal). */
	reset(T_LEAP);
	wr(0x0a, 0x06);
	go(3 * SEC);
	DT_EQ(rd(0x00), 0x58, "DV 000: stopped");
	wr(0x0a, 0x26);
	go(3 * SEC + SEC / 2);
	DT_EQ(rd(0x00), 0x59, "DV 000 -> 010: first update half a second later");
	wr(0x0a, 0x70);
	rd(0x0c);
	go(5 * SEC);
	DT_EQ(rd(0x0c), 0x00, "divider reset: no periodic or update flags");
}

/* Table 5: periodic interrupt period for RS 1-15 (32.768 kHz), first edge at one period. */
static const struct {
	uint8_t rs;
	uint64_t first_ns;      /* ceil(period) */
} rates[] = {
	{ 1, 3906250 }, { 2, 7812500 }, { 3, 122071 }, { 4, 244141 }, { 5, 488282 },
	{ 6, 976563 }, { 7, 1953125 }, { 8, 3906250 }, { 9, 7812500 }, { 10, 15625000 },
	{ 11, 31250000 }, { 12, 62500000 }, { 13, 125000000 }, { 14, 250000000 }, { 15, 500000000 },
};

static void test_periodic(void)
{
	char name[96];

	for (unsigned i = 0; i < ARRAY_SIZE(rates); i++) {
		reset(T_LEAP);
		wr(0x0a, (uint8_t)(0x20 | rates[i].rs));
		wr(0x0b, 0x42);                 /* PIE */
		go(rates[i].first_ns - 1);
		snprintf(name, sizeof(name), "periodic RS=%u: no IRQ before one period", rates[i].rs);
		DT_EQ(irq.edges, 0, name);
		go(rates[i].first_ns);
		snprintf(name, sizeof(name), "periodic RS=%u: IRQ 8 after one period", rates[i].rs);
		DT_EQ(irq.edges, 1, name);
		snprintf(name, sizeof(name), "periodic RS=%u: C = IRQF|PF", rates[i].rs);
		DT_EQ(rd(0x0c), 0xc0, name);
		go(2 * rates[i].first_ns);
		snprintf(name, sizeof(name), "periodic RS=%u: again after two periods", rates[i].rs);
		DT_EQ(irq.edges, 2, name);
	}

	/* IRQ 8 stays high until C is read: one edge however many periods pass. */
	reset(T_LEAP);
	wr(0x0b, 0x42);
	go(5 * 976563);
	ut_ok(irq.level && irq.edges == 1, "periodic: line held high until C is read", NULL);
	DT_EQ(vclock_next_deadline(&clk.vc), VCLOCK_NEVER, "periodic: no timer while IRQF is set");
	DT_EQ(rd(0x0c), 0xc0, "periodic: C read");
	ut_ok(!irq.level, "periodic: reading C lowers IRQ 8", NULL);
	DT_EQ(rd(0x0c), 0x00, "periodic: C cleared by the read");
	DT_EQ(vclock_next_deadline(&clk.vc), 5859375, "periodic: timer for the next period (tick 192)");
	go(5859375);
	DT_EQ(irq.edges, 2, "periodic: next edge after the read");

	/* PF is set without PIE, and no interrupt. */
	reset(T_LEAP);
	go(2000000);
	DT_EQ(rd(0x0c), 0x40, "PF without PIE: flag only");
	DT_EQ(irq.edges, 0, "PF without PIE: no interrupt");
	DT_EQ(vclock_next_deadline(&clk.vc), VCLOCK_NEVER, "PF without PIE: no timer");
	go(2500000);
	DT_EQ(rd(0x0c), 0x00, "PF: no new flag within the same period");
	go(2929688);                            /* tick 96: third period */
	DT_EQ(rd(0x0c), 0x40, "PF: set again at the next period");
	wr(0x0a, 0x20);
	rd(0x0c);
	go(5 * SEC);
	DT_EQ(rd(0x0c) & 0x40, 0x00, "RS=0: no periodic flag");

	/* IRQF follows the enables: PIE set with PF pending raises, cleared lowers. */
	reset(T_LEAP);
	go(2000000);
	wr(0x0b, 0x42);
	ut_ok(irq.level && irq.edges == 1, "PIE set with PF pending: IRQ at once", NULL);
	wr(0x0b, 0x02);
	ut_ok(!irq.level, "PIE cleared: IRQF and the line drop", NULL);
	DT_EQ(rd(0x0c), 0x40, "PIE cleared: PF still there, IRQF clear");
}

static void test_update_irq(void)
{
	reset(T_LEAP);
	wr(0x0a, 0x20);                         /* no periodic flag in the way */
	wr(0x01, 0x30);                         /* nor the alarm (00:00:00 would match at 2 s) */
	wr(0x0b, 0x12);                         /* UIE */
	DT_EQ(vclock_next_deadline(&clk.vc), SEC, "UIE: timer at the next update");
	go(SEC - 1);
	DT_EQ(irq.edges, 0, "UIE: no IRQ before the update");
	go(SEC);
	DT_EQ(irq.edges, 1, "UIE: IRQ 8 at the update");
	go(2 * SEC + SEC / 2);
	DT_EQ(irq.edges, 1, "UIE: no new edge until C is read");
	DT_EQ(rd(0x0c), 0x90, "UIE: C = IRQF|UF");
	go(3 * SEC);
	DT_EQ(irq.edges, 2, "UIE: next update after the read");

	reset(T_LEAP);
	wr(0x0a, 0x20);
	go(SEC + SEC / 2);
	DT_EQ(rd(0x0c), 0x10, "UF without UIE: flag only");
	DT_EQ(irq.edges, 0, "UF without UIE: no interrupt");
	reset(T_LEAP);
	wr(0x0a, 0x20);
	wr(0x01, 0x30);
	wr(0x0b, 0x12);
	clk.now = 3 * SEC;                      /* the host ran no timer: the access catches up */
	DT_EQ(rd(0x0c), 0x90, "UIE, late timer: C read shows IRQF with UF");
	DT_EQ(irq.edges, 1, "UIE, late timer: the edge was given before the read");
	ut_ok(!irq.level, "UIE, late timer: and lowered by it", NULL);
	wr(0x0b, 0x82);
	go(4 * SEC);
	DT_EQ(rd(0x0c), 0x00, "SET: no update, no UF");
}

static void test_alarm(void)
{
	/* 23:59:58 + 7 s = 00:00:05. */
	reset(T_LEAP);
	wr(0x0a, 0x20);
	wr(0x01, 0x05);
	wr(0x03, 0x00);
	wr(0x05, 0x00);
	wr(0x0b, 0x22);                         /* AIE */
	DT_EQ(vclock_next_deadline(&clk.vc), 7 * SEC, "alarm: timer at 00:00:05");
	go(7 * SEC - 1);
	DT_EQ(irq.edges, 0, "alarm: not before");
	go(7 * SEC);
	DT_EQ(irq.edges, 1, "alarm: IRQ 8 at 00:00:05");
	DT_EQ(rd(0x0c), 0xb0, "alarm: C = IRQF|AF|UF");
	go(20 * SEC);
	DT_EQ(irq.edges, 1, "alarm: once a day");
	DT_EQ(rd(0x0c), 0x10, "alarm: no AF since");

	/* Don't care hour and minute: every minute at :00. */
	reset(T_LEAP);
	wr(0x0a, 0x20);
	wr(0x01, 0x00);
	wr(0x03, 0xc0);
	wr(0x05, 0xff);
	wr(0x0b, 0x22);
	go(2 * SEC);
	DT_EQ(irq.edges, 1, "alarm xx:xx:00: at the minute");
	rd(0x0c);
	go(61 * SEC);
	DT_EQ(irq.edges, 1, "alarm xx:xx:00: not during the minute");
	go(62 * SEC);
	DT_EQ(irq.edges, 2, "alarm xx:xx:00: next minute");

	/* All don't care: every second. */
	reset(T_LEAP);
	wr(0x0a, 0x20);
	wr(0x01, 0xc0);
	wr(0x03, 0xc0);
	wr(0x05, 0xc0);
	wr(0x0b, 0x22);
	go(SEC);
	DT_EQ(irq.edges, 1, "alarm all don't care: each second");
	rd(0x0c);
	go(2 * SEC);
	DT_EQ(irq.edges, 2, "alarm all don't care: and the next");

	/* 12-hour alarm: 12 AM is midnight. */
	reset(T_LEAP);
	wr(0x0a, 0x20);
	wr(0x0b, 0x20);                         /* AIE, 12h, BCD */
	wr(0x01, 0x03);
	wr(0x03, 0x00);
	wr(0x05, 0x12);
	go(5 * SEC);
	DT_EQ(irq.edges, 1, "alarm 12h: 12:00:03 AM");
	reset(T_LEAP - 12 * 3600);              /* 11:59:58 AM */
	wr(0x0a, 0x20);
	wr(0x0b, 0x20);
	wr(0x01, 0x01);
	wr(0x03, 0x00);
	wr(0x05, 0x92);                         /* 12 PM: noon */
	go(3 * SEC);
	DT_EQ(irq.edges, 1, "alarm 12h: 12:00:01 PM");

	/* Hour fixed, minute don't care: from 05:59:30 the next is tomorrow 05:00:00. */
	reset(1709164800ULL + 5 * 3600 + 59 * 60 + 30);
	wr(0x0a, 0x20);
	wr(0x01, 0x00);
	wr(0x03, 0xc0);
	wr(0x05, 0x05);
	wr(0x0b, 0x22);
	DT_EQ(vclock_next_deadline(&clk.vc), (23 * 3600 + 30) * SEC, "alarm 05:xx:00 at 05:59:30: next day");

	/* An hour byte that names no hour never matches. */
	reset(T_LEAP);
	wr(0x0a, 0x20);
	wr(0x01, 0xc0);
	wr(0x03, 0xc0);
	wr(0x05, 0x24);
	wr(0x0b, 0x22);
	go(3 * SEC);
	DT_EQ(irq.edges, 0, "alarm hour 24: never");

	/* An alarm byte no time can hold never matches; AF without AIE. */
	reset(T_LEAP);
	wr(0x0a, 0x20);
	wr(0x01, 0x60);
	wr(0x03, 0xc0);
	wr(0x05, 0xc0);
	wr(0x0b, 0x22);
	DT_EQ(vclock_next_deadline(&clk.vc), VCLOCK_NEVER, "alarm 60 s: never armed");
	go(100 * SEC);
	DT_EQ(irq.edges, 0, "alarm 60 s: never");
	reset(T_LEAP);
	wr(0x0a, 0x20);
	wr(0x01, 0x00);
	wr(0x03, 0x00);
	wr(0x05, 0x00);
	go(3 * SEC);
	DT_EQ(rd(0x0c), 0x30, "AF without AIE: flag only");
	DT_EQ(irq.edges, 0, "AF without AIE: no interrupt");
}

static void test_regs_ram_nmi(void)
{
	bool ram_ok = true;

	reset(T_LEAP);
	DT_EQ(rd(0x0a), 0x26, "A: 32.768 kHz, 1024 Hz");
	DT_EQ(rd(0x0b), 0x02, "B: 24-hour BCD");
	DT_EQ(rd(0x0d), 0x80, "D: VRT");
	wr(0x0d, 0x00);
	DT_EQ(rd(0x0d), 0x80, "D: read-only");
	wr(0x0c, 0xff);
	DT_EQ(rd(0x0c), 0x00, "C: read-only, low bits 0");
	for (unsigned i = 0x0e; i < 0x80; i++)
		if (i != 0x32)
			wr((uint8_t)i, (uint8_t)(i * 7 + 1));
	for (unsigned i = 0x0e; i < 0x80; i++)
		if (i != 0x32 && rd((uint8_t)i) != (uint8_t)(i * 7 + 1))
			ram_ok = false;
	ut_ok(ram_ok, "CMOS RAM 0x0e-0x7f keeps what is written", NULL);
	mc146818_set_cmos(&rtc, 0x34, 0x12);
	DT_EQ(rd(0x34), 0x12, "set_cmos: RAM byte");
	mc146818_set_cmos(&rtc, 0x05, 0x12);
	DT_EQ(rd(0x05), 0x00, "set_cmos: clock registers refused");
	mc146818_set_cmos(&rtc, 0x80, 0x12);
	ut_ok(rtc.lock.locked == 0, "set_cmos: lock released", NULL);

	DT_EQ(mc146818_nmi_masked(&rtc), 0, "NMI enabled at start");
	outb(0x70, 0x8f);
	DT_EQ(mc146818_nmi_masked(&rtc), 1, "0x70 bit 7 masks NMI");
	outb(0x71, 0x5a);
	outb(0x70, 0x0f);
	DT_EQ(mc146818_nmi_masked(&rtc), 0, "0x70 bit 7 clear unmasks NMI");
	DT_EQ(inb(0x71), 0x5a, "index is bits 6-0");
	DT_EQ(inb(0x70), 0xff, "0x70 is write-only");
	DT_EQ(attach_rc, 0, "attach: 0");
	DT_EQ(clk.vc.ntimers, 1, "attach: one timer on the clock");
	DT_EQ(mc146818_attach(&rtc, &bus), (uint64_t)-1, "attach twice refused");
}

int main(void)
{
	test_calendar();
	test_rollover();
	test_formats();
	test_set();
	test_write_running();
	test_uip();
	test_divider();
	test_periodic();
	test_update_irq();
	test_alarm();
	test_regs_ram_nmi();
	return ut_done();
}
