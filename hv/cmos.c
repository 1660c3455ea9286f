/*
 * cmos.c - reading the host's MC146818-compatible RTC (see cmos.h).
 *
 * Registers (MC146818A datasheet): 0 seconds, 2 minutes, 4 hours, 7 day,
 * 8 month, 9 year; A bit 7 UIP (an update is coming within 244 us: wait
 * until it clears); B bit 2 DM (binary, else BCD), bit 1 24-hour (else
 * 12-hour with bit 7 of the hour meaning PM). The century is in CMOS byte
 * 0x32 on PCs (the ACPI FADT's default). Reading twice until two reads
 * agree avoids a time torn by an update in between.
 */
#include "cmos.h"
#include "io.h"
#include "mc146818.h"

#define CMOS_INDEX  0x70
#define CMOS_DATA   0x71
#define CMOS_NMI_OFF 0x80               /* keep NMIs masked while we select */
#define CMOS_A_UIP  0x80
#define CMOS_B_24H  0x02
#define CMOS_B_BIN  0x04
#define CMOS_CENTURY 0x32
#define CMOS_TRIES  5
#define CMOS_UIP_SPIN 1000000

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, CMOS_NMI_OFF | reg);
	return inb(CMOS_DATA);
}

static unsigned cmos_bcd(uint8_t v, bool binary)
{
	return binary ? v : (unsigned)(v >> 4) * 10 + (v & 0xf);
}

/* One snapshot of the time registers after UIP clears; false if no RTC. */
static bool cmos_snapshot(uint8_t r[7])
{
	static const uint8_t regs[7] = { 0, 2, 4, 7, 8, 9, CMOS_CENTURY };

	for (int i = 0; i < CMOS_UIP_SPIN && (cmos_read(0x0a) & CMOS_A_UIP); i++)
		__asm__ volatile("pause");
	for (int i = 0; i < 7; i++)
		r[i] = cmos_read(regs[i]);
	return r[0] != 0xff || r[5] != 0xff;
}

uint64_t cmos_read_time(void)
{
	uint8_t a[7], b[7], regb;
	struct rtc_date d;
	bool bin, h24, pm;
	unsigned century, hour;
	int i;

	for (i = 0; i < CMOS_TRIES; i++) {
		if (!cmos_snapshot(a) || !cmos_snapshot(b))
			return 0;
		if (__builtin_memcmp(a, b, sizeof(a)) == 0)
			break;
	}
	regb = cmos_read(0x0b);
	outb(CMOS_INDEX, 0x0d);                 /* leave NMIs as they were: unmasked */
	bin = regb & CMOS_B_BIN;
	h24 = regb & CMOS_B_24H;
	pm = !h24 && (b[2] & 0x80);
	hour = cmos_bcd(b[2] & 0x7f, bin);
	if (!h24)
		hour = (hour % 12) + (pm ? 12 : 0);
	century = cmos_bcd(b[6], bin);
	if (century < 19 || century > 99)
		century = 20;
	d.sec = cmos_bcd(b[0], bin);
	d.min = cmos_bcd(b[1], bin);
	d.hour = hour;
	d.day = cmos_bcd(b[3], bin);
	d.mon = cmos_bcd(b[4], bin);
	d.year = century * 100 + cmos_bcd(b[5], bin);
	d.wday = 0;
	if (d.mon < 1 || d.mon > 12 || d.day < 1 || d.day > 31 || d.hour > 23 || d.min > 59 ||
	    d.sec > 59)
		return 0;
	return rtc_date_to_unix(&d);
}
