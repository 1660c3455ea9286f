/*
 * tap.c - TAP reporter of the test guests (see tap.h).
 */
#include <stdarg.h>
#include "gl.h"
#include "gl_printf.h"
#include "tap.h"

static unsigned tap_count;
static unsigned tap_failed;
static unsigned tap_planned;    /* 0: no plan yet, print it at the end */

void tap_plan(unsigned n)
{
	tap_planned = n;
	gl_printf("1..%u\n", n);
}

static void tap_head(bool cond)
{
	tap_count++;
	if (!cond)
		tap_failed++;
	gl_printf("%sok %u - ", cond ? "" : "not ", tap_count);
}

bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_head(cond);
	va_start(ap, fmt);
	gl_vprintf(fmt, ap);
	va_end(ap);
	gl_putc('\n');
	return cond;
}

bool tap_eq(uint64_t got, uint64_t want, const char *fmt, ...)
{
	va_list ap;
	bool cond = got == want;

	tap_head(cond);
	va_start(ap, fmt);
	gl_vprintf(fmt, ap);
	va_end(ap);
	if (!cond)
		gl_printf(" # wanted 0x%llx got 0x%llx", (unsigned long long)want,
		    (unsigned long long)got);
	gl_putc('\n');
	return cond;
}

void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	tap_head(true);
	va_start(ap, fmt);
	gl_vprintf(fmt, ap);
	va_end(ap);
	gl_printf(" # SKIP %s\n", why);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	gl_puts("# ");
	va_start(ap, fmt);
	gl_vprintf(fmt, ap);
	va_end(ap);
	gl_putc('\n');
}

unsigned tap_failures(void)
{
	return tap_failed;
}

void tap_done(void)
{
	if (!tap_planned) {
		gl_printf("1..%u\n", tap_count);
	} else if (tap_planned != tap_count) {
		tap_diag("planned %u checks, ran %u", tap_planned, tap_count);
		tap_failed++;
	}
	if (tap_failed)
		tap_diag("%u of %u checks failed", tap_failed, tap_count);
	gl_exit(tap_failed ? 1 : 0);
}
