/*
 * mc146818.h - the Motorola MC146818 real-time clock and CMOS RAM of a
 * PC at ports 0x70 (index, bit 7 masks NMI) and 0x71 (data).
 *
 * Time runs from the host's RTC (read by hv/ at boot) plus the virtual
 * clock; the guest may set it. Registers A-D: divider and periodic rate,
 * SET/PIE/AIE/UIE/SQWE/DM/24h/DSE, flags with IRQF, valid RAM and time.
 * Update-in-progress (A.UIP) for the 244 us before each second's update;
 * periodic, alarm and update-ended interrupts on ISA IRQ 8. BCD or
 * binary, 12- or 24-hour, the century at 0x32. 128 bytes of CMOS RAM
 * (0x0e-0x7f) kept.
 *
 * Source: Motorola MC146818A datasheet.
 */
#ifndef MC146818_H
#define MC146818_H

#include "bus.h"
#include "irq.h"
#include "vclock.h"

/* A calendar date, all fields binary: year (e.g. 2026), mon 1-12, day 1-31, wday 1-7 (Sunday = 1). */
struct rtc_date {
	unsigned year, mon, day, hour, min, sec, wday;
};

/* Seconds since 1970-01-01 00:00:00 UTC <-> date (proleptic Gregorian). */
uint64_t rtc_date_to_unix(const struct rtc_date *d);
void rtc_unix_to_date(uint64_t t, struct rtc_date *d);

/*
 * The fields are the implementation's. While the clock runs (divider
 * 010, SET clear) the time registers are computed from the time:
 * base + offset + whole seconds since origin; stopped, they live in
 * cmos[] and are what the guest wrote.
 */
struct mc146818 {
	struct vmm_lock lock;
	uint8_t cmos[128];      /* registers 0x00-0x0d live here too */
	uint8_t index;
	bool nmi_masked;        /* port 0x70 bit 7 */
	struct vclock *clk;
	struct irq_line irq8;
	struct vtimer timer;
	int64_t offset;         /* guest time - (base + seconds since origin), seconds */
	uint64_t base;          /* unix time at virtual time 0 */
	int64_t origin;         /* virtual ns of a second boundary of the divider chain */
	uint64_t flags_ns;      /* register C holds the events up to this virtual ns */
	uint8_t wday_delta;     /* the guest's day of week minus the date's, mod 7 */
	bool irq_level;         /* IRQ 8, which follows C.IRQF */
};

/* unix_at_zero: the wall-clock time (UTC seconds) at virtual time 0. */
void mc146818_init(struct mc146818 *rtc, struct vclock *clk, struct irq_line irq8,
		   uint64_t unix_at_zero);

/* Register ports 0x70-0x71 and the timer. Returns 0 or -1. */
int mc146818_attach(struct mc146818 *rtc, struct bus *bus);

/* Port 0x70 bit 7: NMIs to the CPU are masked. Takes the lock. */
bool mc146818_nmi_masked(struct mc146818 *rtc);

/*
 * Set a CMOS RAM byte (0x0e-0x7f), e.g. the memory sizes firmware leaves
 * there; 0x32 is the century, which the running clock derives from the
 * time. Takes the lock.
 */
void mc146818_set_cmos(struct mc146818 *rtc, unsigned idx, uint8_t val);

#endif /* MC146818_H */
