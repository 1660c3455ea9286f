/*
 * mc146818.c - the MC146818A real-time clock and CMOS RAM of a PC (see
 * mc146818.h).
 *
 * Source: Motorola MC146818A datasheet: "Address Map", "Time, Calendar
 * and Alarm Locations" (BCD/binary, 12/24 hour, don't-care alarm codes
 * 11xxxxxx), "Register A" (UIP, DV2-0: the first update half a second
 * after the divider reset is removed; RS3-0, Table 5 periodic rates),
 * "Register B" (SET: updates stop, the SET bit going high clears UIE),
 * "Register C" (IRQF = PF.PIE + AF.AIE + UF.UIE; "any time the IRQF bit
 * is a one, the IRQ pin is driven low"; a read clears the flags), "Register
 * D" (VRT), "Update Cycle" (UIP 244 us, tBUC, before the update).
 *
 * Time. The divider chain runs from origin (virtual ns of a second
 * boundary); the 32.768 kHz tick k is at origin + ceil(k * 10^9 / 32768).
 * Guest time is base + offset + whole seconds since origin. The update is
 * instantaneous at each second boundary; UIP is set for the 8 ticks
 * (244.14 us) before it.
 *
 * IRQ 8 follows IRQF: on a PC the RTC's active-low IRQ is inverted onto
 * ISA IRQ 8, which stays high until the guest reads register C. The
 * edge-triggered 8259 sees one rising edge per IRQF; a guest that never
 * reads C gets no further interrupts, as on a PC.
 *
 * Flags are set whatever the enable bits say (PF "independent of the
 * state of the PIE bit"), so they are worked out when read: each access
 * first accounts for the events since the last one. The timer runs only
 * while IRQF is clear and some source is enabled, for its next event.
 *
 * Choices where the datasheet leaves the behaviour open:
 *  - Only DV = 010 (32.768 kHz, the PC's crystal) runs; 11x (reset) and
 *    the other time bases stop the clock. Leaving them for 010 starts the
 *    chain half a second before its first update.
 *  - Time registers hold what the update cycle would write: read while
 *    running, they come from the time in the current format (so DM and
 *    24/12 changes take effect at once, where the chip would keep stale
 *    bytes); a guest write while running changes the time from the next
 *    second on. Setting SET (or stopping the divider) freezes them in
 *    cmos[] in the format B has after that write; clearing SET (or
 *    restarting) reads them back. Out-of-range fields are clamped (year
 *    1970-9999, month 1-12, day to the month's last, hours, minutes,
 *    seconds); the day of week is kept as an offset from the date's.
 *  - The century byte 0x32 is part of the time, in the format of the year
 *    byte (BCD by default), as Linux reads it.
 *  - DSE (daylight saving) and SQWE are stored and have no effect; port
 *    0x70 reads as 0xff (write-only on a PC).
 */
#include "mc146818.h"

#define RTC_SEC                 0x00
#define RTC_SEC_ALARM           0x01
#define RTC_MIN                 0x02
#define RTC_MIN_ALARM           0x03
#define RTC_HOUR                0x04
#define RTC_HOUR_ALARM          0x05
#define RTC_WDAY                0x06
#define RTC_DAY                 0x07
#define RTC_MON                 0x08
#define RTC_YEAR                0x09
#define RTC_REG_A               0x0a
#define RTC_A_RS                BITS(3, 0)
#define RTC_A_DV                BITS(6, 4)
#define RTC_A_DV_32K            2
#define RTC_A_UIP               BIT(7)
#define RTC_REG_B               0x0b
#define RTC_B_24H               BIT(1)
#define RTC_B_DM                BIT(2)  /* binary */
#define RTC_B_UIE               BIT(4)
#define RTC_B_AIE               BIT(5)
#define RTC_B_PIE               BIT(6)
#define RTC_B_SET               BIT(7)
#define RTC_REG_C               0x0c
#define RTC_C_UF                BIT(4)
#define RTC_C_AF                BIT(5)
#define RTC_C_PF                BIT(6)
#define RTC_C_IRQF              BIT(7)
#define RTC_REG_D               0x0d
#define RTC_D_VRT               BIT(7)
#define RTC_CENTURY             0x32
#define RTC_RAM_FIRST           0x0e

#define RTC_HOUR_PM             BIT(7)  /* 12-hour mode */
#define RTC_ALARM_ANY           BITS(7, 6)
#define RTC_INDEX               BITS(6, 0)
#define RTC_NMI_MASK            BIT(7)

#define RTC_HZ                  32768ULL
#define RTC_UIP_TICKS           8       /* tBUC: 244 us */
#define RTC_NEVER               UINT64_MAX
#define RTC_DAY_SECS            86400

/* ---------------------------------------------------------------------- */
/* Calendar */

/*
 * Days since 1970-01-01 of a date, counting years from March so that the
 * leap day is the last day of the year: 400 years are 146097 days, a
 * March-based year is 365 days plus y/4 - y/100 + y/400 leap days before
 * it, and month lengths from March repeat 31 30 31 30 31 (153 days per
 * five months). 719468 is the day number of 1970-01-01 from 0000-03-01.
 */
static int64_t rtc_days_from_date(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy;

	if (m <= 2)
		y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

uint64_t rtc_date_to_unix(const struct rtc_date *d)
{
	int64_t days = rtc_days_from_date(d->year, d->mon, d->day);

	if (days < 0)
		return 0;
	return (uint64_t)days * RTC_DAY_SECS + d->hour * 3600ULL + d->min * 60ULL + d->sec;
}

void rtc_unix_to_date(uint64_t t, struct rtc_date *d)
{
	uint64_t days = t / RTC_DAY_SECS, secs = t % RTC_DAY_SECS;
	uint64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;

	d->day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	d->mon = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	d->year = (unsigned)(yoe + era * 400 + (d->mon <= 2));
	d->hour = (unsigned)(secs / 3600);
	d->min = (unsigned)(secs / 60 % 60);
	d->sec = (unsigned)(secs % 60);
	d->wday = (unsigned)((days + 4) % 7 + 1);      /* 1970-01-01 was a Thursday */
}

static bool rtc_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned rtc_month_days(unsigned y, unsigned m)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return days[m - 1] + (m == 2 && rtc_leap(y));
}

static unsigned rtc_clamp(unsigned v, unsigned lo, unsigned hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* ---------------------------------------------------------------------- */
/* Register formats */

static bool rtc_binary(const struct mc146818 *rtc)
{
	return (rtc->cmos[RTC_REG_B] & RTC_B_DM) != 0;
}

/* A value 0-99 as the data mode stores it. */
static uint8_t rtc_enc(const struct mc146818 *rtc, unsigned v)
{
	return (uint8_t)(rtc_binary(rtc) ? v : (v / 10) << 4 | v % 10);
}

/* A byte back to its value (BCD digits above 9 count as their value). */
static unsigned rtc_dec(const struct mc146818 *rtc, uint8_t b)
{
	return rtc_binary(rtc) ? b : (b >> 4) * 10u + (b & 0xf);
}

/* Hours 0-23 as the hour bytes hold them: 24-hour, or 1-12 with PM in bit 7. */
static uint8_t rtc_enc_hour(const struct mc146818 *rtc, unsigned h)
{
	if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
		return rtc_enc(rtc, h);
	return (uint8_t)(rtc_enc(rtc, h % 12 == 0 ? 12 : h % 12) | (h >= 12 ? RTC_HOUR_PM : 0));
}

/* An hour byte back to 0-23, or -1 if it names no hour. */
static int rtc_dec_hour(const struct mc146818 *rtc, uint8_t b)
{
	unsigned h;

	if (rtc->cmos[RTC_REG_B] & RTC_B_24H) {
		h = rtc_dec(rtc, b);
		return h < 24 ? (int)h : -1;
	}
	h = rtc_dec(rtc, b & (uint8_t)~RTC_HOUR_PM);
	if (h < 1 || h > 12)
		return -1;
	return (int)(h % 12 + ((b & RTC_HOUR_PM) ? 12 : 0));
}

/* ---------------------------------------------------------------------- */
/* Time */

/* The divider runs (DV = 010). */
static bool rtc_running(const struct mc146818 *rtc)
{
	return SHIFTOUT(rtc->cmos[RTC_REG_A], RTC_A_DV) == RTC_A_DV_32K;
}

/* Updates happen: the divider runs and SET is clear. */
static bool rtc_live(const struct mc146818 *rtc)
{
	return rtc_running(rtc) && !(rtc->cmos[RTC_REG_B] & RTC_B_SET);
}

/* ns since origin (now >= origin while the divider runs). */
static uint64_t rtc_since(const struct mc146818 *rtc, uint64_t now)
{
	int64_t d = (int64_t)now - rtc->origin;

	return d > 0 ? (uint64_t)d : 0;
}

/* Whole seconds since origin: the number of updates. */
static uint64_t rtc_secs(const struct mc146818 *rtc, uint64_t now)
{
	return rtc_since(rtc, now) / VCLOCK_NS_PER_SEC;
}

/* 32.768 kHz ticks since origin. */
static uint64_t rtc_ticks(const struct mc146818 *rtc, uint64_t now)
{
	return vclock_ns_to_ticks(rtc_since(rtc, now), RTC_HZ);
}

/* Virtual ns of tick k of the divider chain. */
static uint64_t rtc_tick_ns(const struct mc146818 *rtc, uint64_t k)
{
	uint64_t ns = vclock_ticks_to_ns(k, RTC_HZ);

	if (vclock_ns_to_ticks(ns, RTC_HZ) < k)
		ns++;
	return (uint64_t)(rtc->origin + (int64_t)ns);
}

/* Guest time (unix seconds) after update s. */
static uint64_t rtc_guest_time(const struct mc146818 *rtc, uint64_t s)
{
	int64_t t = (int64_t)rtc->base + rtc->offset + (int64_t)s;

	return t > 0 ? (uint64_t)t : 0;
}

/* The time registers (0, 2, 4, 6-9, 0x32) for guest time t into regs[]. */
static void rtc_fill(const struct mc146818 *rtc, uint64_t t, uint8_t *regs)
{
	struct rtc_date d;

	rtc_unix_to_date(t, &d);
	regs[RTC_SEC] = rtc_enc(rtc, d.sec);
	regs[RTC_MIN] = rtc_enc(rtc, d.min);
	regs[RTC_HOUR] = rtc_enc_hour(rtc, d.hour);
	regs[RTC_WDAY] = rtc_enc(rtc, (d.wday - 1 + rtc->wday_delta) % 7 + 1);
	regs[RTC_DAY] = rtc_enc(rtc, d.day);
	regs[RTC_MON] = rtc_enc(rtc, d.mon);
	regs[RTC_YEAR] = rtc_enc(rtc, d.year % 100);
	regs[RTC_CENTURY] = rtc_enc(rtc, d.year / 100);
}

/* Freeze the running time into cmos[]. */
static void rtc_snapshot(struct mc146818 *rtc, uint64_t now)
{
	rtc_fill(rtc, rtc_guest_time(rtc, rtc_secs(rtc, now)), rtc->cmos);
}

/* Make the time in cmos[] the running time, from the current second on. */
static void rtc_commit(struct mc146818 *rtc, uint64_t now)
{
	const uint8_t *r = rtc->cmos;
	struct rtc_date d;
	unsigned wday = rtc_dec(rtc, r[RTC_WDAY]);

	d.year = rtc_clamp(rtc_dec(rtc, r[RTC_CENTURY]) * 100 + rtc_dec(rtc, r[RTC_YEAR]), 1970, 9999);
	d.mon = rtc_clamp(rtc_dec(rtc, r[RTC_MON]), 1, 12);
	d.day = rtc_clamp(rtc_dec(rtc, r[RTC_DAY]), 1, rtc_month_days(d.year, d.mon));
	if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
		d.hour = rtc_clamp(rtc_dec(rtc, r[RTC_HOUR]), 0, 23);
	else
		d.hour = rtc_clamp(rtc_dec(rtc, r[RTC_HOUR] & (uint8_t)~RTC_HOUR_PM), 1, 12) % 12 +
			 ((r[RTC_HOUR] & RTC_HOUR_PM) ? 12 : 0);
	d.min = rtc_clamp(rtc_dec(rtc, r[RTC_MIN]), 0, 59);
	d.sec = rtc_clamp(rtc_dec(rtc, r[RTC_SEC]), 0, 59);
	rtc->offset = (int64_t)rtc_date_to_unix(&d) - (int64_t)rtc->base -
		      (int64_t)rtc_secs(rtc, now);
	rtc_unix_to_date(rtc_date_to_unix(&d), &d);
	rtc->wday_delta = wday >= 1 && wday <= 7 ? (uint8_t)((wday + 7 - d.wday) % 7) : 0;
}

/* ---------------------------------------------------------------------- */
/* Events: periodic, update-ended, alarm */

/* Periodic interrupt period in 32.768 kHz ticks (Table 5), 0 for none. */
static uint64_t rtc_period(const struct mc146818 *rtc)
{
	unsigned rs = (unsigned)SHIFTOUT(rtc->cmos[RTC_REG_A], RTC_A_RS);

	if (rs == 0)
		return 0;
	if (rs <= 2)
		rs += 7;                /* 256 Hz and 128 Hz, as rates 8 and 9 */
	return 1ULL << (rs - 1);
}

/* An alarm byte: the value it asks for, -1 for don't care, -2 if it can never match. */
static int rtc_alarm_field(const struct mc146818 *rtc, unsigned idx)
{
	uint8_t b = rtc->cmos[idx];
	unsigned v;

	if ((b & RTC_ALARM_ANY) == RTC_ALARM_ANY)
		return -1;
	if (idx == RTC_HOUR_ALARM) {
		int h = rtc_dec_hour(rtc, b);

		return h < 0 ? -2 : h;
	}
	v = rtc_dec(rtc, b);
	return v < 60 ? (int)v : -2;
}

/* The first second of the day at or after from (0-86399) the alarm matches, or -1. */
static int rtc_alarm_in_day(const int want[3], unsigned from)
{
	unsigned fh = from / 3600, fm = from / 60 % 60, fs = from % 60;

	for (unsigned h = fh; h < 24; h++) {
		if (want[0] >= 0 && (unsigned)want[0] != h)
			continue;
		for (unsigned m = h == fh ? fm : 0; m < 60; m++) {
			unsigned s0 = h == fh && m == fm ? fs : 0;

			if (want[1] >= 0 && (unsigned)want[1] != m)
				continue;
			if (want[2] < 0)
				return (int)(h * 3600 + m * 60 + s0);
			if ((unsigned)want[2] >= s0)
				return (int)(h * 3600 + m * 60 + (unsigned)want[2]);
		}
	}
	return -1;
}

/* The first guest time >= t whose time of day matches the alarm, or RTC_NEVER. */
static uint64_t rtc_alarm_next(const struct mc146818 *rtc, uint64_t t)
{
	int want[3] = {
		rtc_alarm_field(rtc, RTC_HOUR_ALARM),
		rtc_alarm_field(rtc, RTC_MIN_ALARM),
		rtc_alarm_field(rtc, RTC_SEC_ALARM),
	};
	uint64_t day = t - t % RTC_DAY_SECS;
	int s;

	if (want[0] == -2 || want[1] == -2 || want[2] == -2)
		return RTC_NEVER;
	s = rtc_alarm_in_day(want, (unsigned)(t % RTC_DAY_SECS));
	if (s >= 0)
		return day + (unsigned)s;
	s = rtc_alarm_in_day(want, 0);
	return s >= 0 ? day + RTC_DAY_SECS + (unsigned)s : RTC_NEVER;
}

/* Set the flags of register C for the events in (flags_ns, now]. */
static void rtc_account(struct mc146818 *rtc, uint64_t now)
{
	uint64_t a = rtc->flags_ns, per = rtc_period(rtc);

	if (now <= a)
		return;
	rtc->flags_ns = now;
	if (!rtc_running(rtc))
		return;
	if (per != 0 && rtc_ticks(rtc, now) / per > rtc_ticks(rtc, a) / per)
		rtc->cmos[RTC_REG_C] |= RTC_C_PF;
	if (!rtc_live(rtc) || rtc_secs(rtc, now) == rtc_secs(rtc, a))
		return;
	rtc->cmos[RTC_REG_C] |= RTC_C_UF;
	if (rtc_alarm_next(rtc, rtc_guest_time(rtc, rtc_secs(rtc, a) + 1)) <=
	    rtc_guest_time(rtc, rtc_secs(rtc, now)))
		rtc->cmos[RTC_REG_C] |= RTC_C_AF;
}

/* IRQF from the flags and enables; IRQ 8 follows it. */
static void rtc_update_irq(struct mc146818 *rtc)
{
	uint8_t c = rtc->cmos[RTC_REG_C] & (RTC_C_PF | RTC_C_AF | RTC_C_UF);
	uint8_t b = rtc->cmos[RTC_REG_B];
	bool irqf = ((c & RTC_C_PF) && (b & RTC_B_PIE)) || ((c & RTC_C_AF) && (b & RTC_B_AIE)) ||
		    ((c & RTC_C_UF) && (b & RTC_B_UIE));

	rtc->cmos[RTC_REG_C] = (uint8_t)(c | (irqf ? RTC_C_IRQF : 0));
	if (irqf != rtc->irq_level) {
		rtc->irq_level = irqf;
		irq_line_set(&rtc->irq8, irqf);
	}
}

/* Arm the timer for the next event that would set IRQF (none while it is set). */
static void rtc_arm(struct mc146818 *rtc, uint64_t now)
{
	uint8_t b = rtc->cmos[RTC_REG_B];
	uint64_t next = RTC_NEVER, per = rtc_period(rtc), s, t;

	if (rtc->irq_level || !rtc_running(rtc)) {
		vtimer_disarm(&rtc->timer);
		return;
	}
	if ((b & RTC_B_PIE) && per != 0)
		next = rtc_tick_ns(rtc, (rtc_ticks(rtc, now) / per + 1) * per);
	s = rtc_secs(rtc, now);
	if (rtc_live(rtc) && (b & RTC_B_UIE)) {
		t = (uint64_t)rtc->origin + (s + 1) * VCLOCK_NS_PER_SEC;
		next = t < next ? t : next;
	}
	if (rtc_live(rtc) && (b & RTC_B_AIE)) {
		uint64_t m = rtc_alarm_next(rtc, rtc_guest_time(rtc, s + 1));

		if (m != RTC_NEVER) {
			t = (uint64_t)rtc->origin + (s + 1 + (m - rtc_guest_time(rtc, s + 1))) * VCLOCK_NS_PER_SEC;
			next = t < next ? t : next;
		}
	}
	if (next == RTC_NEVER)
		vtimer_disarm(&rtc->timer);
	else
		vtimer_arm(&rtc->timer, next);
}

static void rtc_expire(void *dev, uint64_t now)
{
	struct mc146818 *rtc = dev;

	vmm_lock_acquire(&rtc->lock);
	rtc_account(rtc, now);
	rtc_update_irq(rtc);
	rtc_arm(rtc, now);
	vmm_lock_release(&rtc->lock);
}

/* ---------------------------------------------------------------------- */
/* Registers */

static bool rtc_is_time_reg(unsigned idx)
{
	return idx == RTC_SEC || idx == RTC_MIN || idx == RTC_HOUR || idx == RTC_CENTURY ||
	       (idx >= RTC_WDAY && idx <= RTC_YEAR);
}

/* A write to A or B that may start or stop the clock (live before, new value). */
static void rtc_control(struct mc146818 *rtc, unsigned idx, uint8_t v, uint64_t now)
{
	bool was_live = rtc_live(rtc), was_running = rtc_running(rtc);

	if (idx == RTC_REG_A) {
		rtc->cmos[RTC_REG_A] = v & (uint8_t)~RTC_A_UIP;
	} else {
		if ((v & RTC_B_SET) && !(rtc->cmos[RTC_REG_B] & RTC_B_SET))
			v &= (uint8_t)~RTC_B_UIE;       /* "the SET bit going high clears UIE" */
		rtc->cmos[RTC_REG_B] = v;
	}
	if (!was_running && rtc_running(rtc))   /* first update half a second from now */
		rtc->origin = (int64_t)now - (int64_t)(VCLOCK_NS_PER_SEC / 2);
	if (was_live && !rtc_live(rtc))
		rtc_snapshot(rtc, now);
	else if (!was_live && rtc_live(rtc))
		rtc_commit(rtc, now);
}

static uint8_t rtc_read(struct mc146818 *rtc, unsigned idx, uint64_t now)
{
	uint8_t regs[RTC_CENTURY + 1], v;

	if (rtc_is_time_reg(idx) && rtc_live(rtc)) {
		rtc_fill(rtc, rtc_guest_time(rtc, rtc_secs(rtc, now)), regs);
		return regs[idx];
	}
	switch (idx) {
	case RTC_REG_A:
		v = rtc->cmos[RTC_REG_A];
		if (rtc_live(rtc) && rtc_ticks(rtc, now) % RTC_HZ >= RTC_HZ - RTC_UIP_TICKS)
			v |= RTC_A_UIP;
		return v;
	case RTC_REG_C:
		v = rtc->cmos[RTC_REG_C];
		rtc->cmos[RTC_REG_C] = 0;
		return v;
	case RTC_REG_D:
		return RTC_D_VRT;
	default:
		return rtc->cmos[idx];
	}
}

static void rtc_write(struct mc146818 *rtc, unsigned idx, uint8_t v, uint64_t now)
{
	if (idx == RTC_SEC)
		v &= 0x7f;              /* bit 7 of the seconds is read-only */
	if (rtc_is_time_reg(idx)) {
		if (!rtc_live(rtc)) {
			rtc->cmos[idx] = v;
			return;
		}
		rtc_snapshot(rtc, now);
		rtc->cmos[idx] = v;
		rtc_commit(rtc, now);
		return;
	}
	switch (idx) {
	case RTC_REG_A:
	case RTC_REG_B:
		rtc_control(rtc, idx, v, now);
		break;
	case RTC_REG_C:                 /* read-only */
	case RTC_REG_D:
		break;
	default:
		rtc->cmos[idx] = v;
		break;
	}
}

/* 0x70 (index, NMI mask) and 0x71 (data); lock held by the bus. */
static void rtc_pio(void *dev, uint16_t port, bool write, unsigned size, uint32_t *val)
{
	struct mc146818 *rtc = dev;
	uint64_t now;

	(void)size;                     /* BUS_BYTE_PORTS */
	if (port == 0x70) {
		if (write) {
			rtc->index = (uint8_t)SHIFTOUT(*val, RTC_INDEX);
			rtc->nmi_masked = (*val & RTC_NMI_MASK) != 0;
		} else {
			*val = 0xff;
		}
		return;
	}
	now = vclock_now(rtc->clk);
	rtc_account(rtc, now);          /* a late timer's events first: C must show IRQF */
	rtc_update_irq(rtc);
	if (write)
		rtc_write(rtc, rtc->index, (uint8_t)*val, now);
	else
		*val = rtc_read(rtc, rtc->index, now);
	rtc_update_irq(rtc);
	rtc_arm(rtc, now);
}

/* ---------------------------------------------------------------------- */
/* Public entry points */

void mc146818_init(struct mc146818 *rtc, struct vclock *clk, struct irq_line irq8,
		   uint64_t unix_at_zero)
{
	memset(rtc, 0, sizeof(*rtc));
	rtc->clk = clk;
	rtc->irq8 = irq8;
	rtc->base = unix_at_zero;
	/* What a PC BIOS leaves: 32.768 kHz, 1024 Hz rate; BCD, 24-hour. */
	rtc->cmos[RTC_REG_A] = SHIFTIN(RTC_A_DV_32K, RTC_A_DV) | 6;
	rtc->cmos[RTC_REG_B] = RTC_B_24H;
}

int mc146818_attach(struct mc146818 *rtc, struct bus *bus)
{
	if (bus_add_pio(bus, 0x70, 2, BUS_BYTE_PORTS, "rtc", rtc_pio, rtc, &rtc->lock) != 0 ||
	    vclock_add_timer(rtc->clk, &rtc->timer, "rtc", rtc_expire, rtc) != 0)
		return -1;
	vmm_lock_acquire(&rtc->lock);
	rtc->flags_ns = vclock_now(rtc->clk);
	vmm_lock_release(&rtc->lock);
	return 0;
}

bool mc146818_nmi_masked(struct mc146818 *rtc)
{
	bool m;

	vmm_lock_acquire(&rtc->lock);
	m = rtc->nmi_masked;
	vmm_lock_release(&rtc->lock);
	return m;
}

void mc146818_set_cmos(struct mc146818 *rtc, unsigned idx, uint8_t val)
{
	if (idx < RTC_RAM_FIRST || idx >= sizeof(rtc->cmos))
		return;
	vmm_lock_acquire(&rtc->lock);
	rtc->cmos[idx] = val;
	vmm_lock_release(&rtc->lock);
}
