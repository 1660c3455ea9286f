/*
 * cmos.h - the host's real-time clock, read once at boot so that the
 * guest's RTC starts at the wall-clock time.
 */
#ifndef HV_CMOS_H
#define HV_CMOS_H

#include <stdint.h>

/*
 * The host RTC's time as seconds since 1970-01-01 UTC (the RTC is
 * assumed to run in UTC, as Linux's and QEMU's do by default), or 0 if
 * it cannot be read (no RTC answers: all registers read 0xff).
 */
uint64_t cmos_read_time(void);

#endif /* HV_CMOS_H */
