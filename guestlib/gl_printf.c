/*
 * gl_printf.c - a small printf over the COM1 data port (see gl_printf.h).
 */
#include <stdint.h>
#include <stdbool.h>
#include "gl.h"
#include "gl_cpu.h"
#include "gl_printf.h"

#define GL_COM1_LSR      (GUEST_PORT_COM1 + 5)
#define GL_LSR_THRE      BIT(5)
#define GL_THRE_SPINS    50000000u

/*
 * Wait for the transmitter holding register to be empty (LSR.THRE,
 * PC16550D datasheet), then write. A 16550 that cannot pass a byte on yet
 * keeps THRE clear, and a byte written over it is lost (QEMU's serial
 * port does that when its chardev backend is full, e.g. a socket read by
 * a busy test: on a loaded host that can take many milliseconds, and
 * 100,000 polls lost a line now and then). Bounded, so a port that never
 * sets THRE costs time (seconds), not the output forever. Where nothing
 * answers at 0x3fd (all-ones), THRE reads set.
 */
void gl_putc(char c)
{
	for (unsigned i = 0; i < GL_THRE_SPINS && !(gl_inb(GL_COM1_LSR) & GL_LSR_THRE); i++)
		;
	gl_outb(GUEST_PORT_COM1, (uint8_t)c);
}

void gl_puts(const char *s)
{
	while (*s)
		gl_putc(*s++);
}

/*
 * Divide *n by 10 in place and return the remainder, using only 32-bit
 * divisions (no __udivdi3 in -m32/-m16): the high word first, then the
 * remainder with the low word in two 16-bit steps so that no partial
 * dividend exceeds 32 bits.
 */
static unsigned gl_divmod10(uint64_t *n)
{
	uint32_t hi = (uint32_t)(*n >> 32), lo = (uint32_t)*n;
	uint32_t qh = hi / 10, r = hi % 10;
	uint32_t t = (r << 16) | (lo >> 16);
	uint32_t q1 = t / 10;

	r = t % 10;
	t = (r << 16) | (lo & 0xffff);
	*n = ((uint64_t)qh << 32) | (q1 << 16) | (t / 10);
	return t % 10;
}

struct gl_fmt {
	unsigned width;
	bool zero;
	bool left;
};

static void gl_emit(const struct gl_fmt *f, const char *s, unsigned len)
{
	unsigned pad = f->width > len ? f->width - len : 0;

	if (!f->left) {
		/* Zero padding goes after a sign. */
		if (f->zero && len && s[0] == '-') {
			gl_putc('-');
			s++;
			len--;
		}
		while (pad--)
			gl_putc(f->zero ? '0' : ' ');
		pad = 0;
	}
	while (len--)
		gl_putc(*s++);
	while (pad--)
		gl_putc(' ');
}

static void gl_emit_num(const struct gl_fmt *f, uint64_t v, unsigned base,
    bool neg, bool upper)
{
	char buf[24];
	unsigned i = sizeof(buf);
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do {
		if (base == 16) {
			buf[--i] = digits[v & 0xf];
			v >>= 4;
		} else {
			buf[--i] = digits[gl_divmod10(&v)];
		}
	} while (v);
	if (neg)
		buf[--i] = '-';
	gl_emit(f, buf + i, sizeof(buf) - i);
}

void gl_vprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		struct gl_fmt f = { 0, false, false };
		unsigned lng = 0;
		uint64_t v;
		int64_t sv;

		if (*fmt != '%') {
			gl_putc(*fmt);
			continue;
		}
		fmt++;
		for (; *fmt == '0' || *fmt == '-'; fmt++) {
			if (*fmt == '0')
				f.zero = true;
			else
				f.left = true;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			f.width = f.width * 10 + (unsigned)(*fmt - '0');
		for (; *fmt == 'l'; fmt++)
			lng++;
		switch (*fmt) {
		case 'd':
		case 'i':
			if (lng >= 2)
				sv = va_arg(ap, long long);
			else if (lng == 1)
				sv = va_arg(ap, long);
			else
				sv = va_arg(ap, int);
			gl_emit_num(&f, sv < 0 ? (uint64_t)0 - (uint64_t)sv :
			    (uint64_t)sv, 10, sv < 0, false);
			break;
		case 'u':
		case 'x':
		case 'X':
			if (lng >= 2)
				v = va_arg(ap, unsigned long long);
			else if (lng == 1)
				v = va_arg(ap, unsigned long);
			else
				v = va_arg(ap, unsigned int);
			gl_emit_num(&f, v, *fmt == 'u' ? 10 : 16, false,
			    *fmt == 'X');
			break;
		case 'p':
			gl_puts("0x");
			gl_emit_num(&f, (uintptr_t)va_arg(ap, void *), 16,
			    false, false);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			gl_emit(&f, &c, 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			gl_emit(&f, s, (unsigned)strlen(s));
			break;
		}
		case '%':
			gl_putc('%');
			break;
		case '\0':
			return;
		default:
			gl_putc('%');
			gl_putc(*fmt);
			break;
		}
	}
}

void gl_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gl_vprintf(fmt, ap);
	va_end(ap);
}
