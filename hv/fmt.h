/*
 * fmt.h - a small printf-style formatter. No hardware access, no libc:
 * the same source is linked into hv.elf and into the host unit test.
 *
 * Conversions: %s %c %d %i %u %x %X %p %%, with the length modifiers
 * l, ll, z (and h, hh, accepted and applied), flags '-' (left-justify)
 * and '0' (zero-pad), a decimal field width or '*', and a precision for
 * %s ("%.*s" or "%.5s"). %p prints 0x followed by 16 hex digits.
 * A NULL %s prints "(null)". Unknown conversions are copied verbatim.
 */
#ifndef HV_FMT_H
#define HV_FMT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Format into buf (at most size bytes including the NUL; buf is always
 * NUL-terminated when size > 0). Returns the length the full output would
 * have had, like C99 vsnprintf: a result >= size means truncation.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Streaming form: emit each output character through putc(c, ctx).
 * Returns the number of characters emitted. log.c uses it so that a log
 * line has no length limit.
 */
typedef void (*fmt_putc_fn)(char c, void *ctx);
int fmt_vformat(fmt_putc_fn putc, void *ctx, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif /* HV_FMT_H */
