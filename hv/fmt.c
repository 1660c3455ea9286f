/*
 * fmt.c - printf-style formatting without libc (see fmt.h for what is
 * supported). Used by log.c and panic.c in the hypervisor and tested on
 * the host by tests/unit/test_fmt.c.
 *
 * Everything goes through one putc callback, so the same code serves
 * the serial console (no buffer, no length limit) and fmt_vsnprintf.
 */
#include <stdbool.h>
#include <stdint.h>

#include "fmt.h"

struct fmt_spec {
	bool left;              /* '-' */
	bool zero;              /* '0' */
	int width;              /* 0: none */
	int prec;               /* -1: none (only used by %s) */
};

struct fmt_out {
	fmt_putc_fn putc;
	void *ctx;
	int count;
};

static void fmt_emit(struct fmt_out *o, char c)
{
	o->putc(c, o->ctx);
	o->count++;
}

static void fmt_pad(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		fmt_emit(o, c);
}

/* Emit s[0..len) padded to the field width (strings: blanks only). */
static void fmt_str(struct fmt_out *o, const struct fmt_spec *sp,
		    const char *s, int len)
{
	int pad = sp->width > len ? sp->width - len : 0;

	if (!sp->left)
		fmt_pad(o, ' ', pad);
	for (int i = 0; i < len; i++)
		fmt_emit(o, s[i]);
	if (sp->left)
		fmt_pad(o, ' ', pad);
}

/*
 * Emit an unsigned magnitude in base 10 or 16 with an optional sign or
 * prefix ("-" or "0x"), honoring width, '0' and '-'. Zero-padding goes
 * between the sign/prefix and the digits, as in C.
 */
static void fmt_num(struct fmt_out *o, const struct fmt_spec *sp, uint64_t v,
		    unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = 0, pad;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	while (prefix[plen] != '\0')
		plen++;

	pad = sp->width - n - plen;
	if (pad < 0)
		pad = 0;
	if (!sp->left && !sp->zero)
		fmt_pad(o, ' ', pad);
	for (int i = 0; i < plen; i++)
		fmt_emit(o, prefix[i]);
	if (!sp->left && sp->zero)
		fmt_pad(o, '0', pad);
	while (n > 0)
		fmt_emit(o, tmp[--n]);
	if (sp->left)
		fmt_pad(o, ' ', pad);
}

enum fmt_len { FMT_LEN_HH, FMT_LEN_H, FMT_LEN_INT, FMT_LEN_L, FMT_LEN_LL, FMT_LEN_Z };

static int64_t fmt_arg_signed(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case FMT_LEN_HH: return (signed char)va_arg(*ap, int);
	case FMT_LEN_H:  return (short)va_arg(*ap, int);
	case FMT_LEN_L:  return va_arg(*ap, long);
	case FMT_LEN_LL: return va_arg(*ap, long long);
	case FMT_LEN_Z:  return (int64_t)va_arg(*ap, size_t);
	default:         return va_arg(*ap, int);
	}
}

static uint64_t fmt_arg_unsigned(va_list *ap, enum fmt_len len)
{
	switch (len) {
	case FMT_LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case FMT_LEN_H:  return (unsigned short)va_arg(*ap, unsigned int);
	case FMT_LEN_L:  return va_arg(*ap, unsigned long);
	case FMT_LEN_LL: return va_arg(*ap, unsigned long long);
	case FMT_LEN_Z:  return va_arg(*ap, size_t);
	default:         return va_arg(*ap, unsigned int);
	}
}

int fmt_vformat(fmt_putc_fn putc, void *ctx, const char *fmt, va_list ap_in)
{
	struct fmt_out o = { .putc = putc, .ctx = ctx, .count = 0 };
	va_list ap;

	/* Work on a copy so that the helpers can take it by pointer. */
	va_copy(ap, ap_in);
	while (*fmt != '\0') {
		struct fmt_spec sp = { .left = false, .zero = false, .width = 0, .prec = -1 };
		enum fmt_len len = FMT_LEN_INT;
		const char *start = fmt;

		if (*fmt != '%') {
			fmt_emit(&o, *fmt++);
			continue;
		}
		fmt++;
		/* flags */
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else
				break;
		}
		/* width */
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		/* precision */
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.prec = sp.prec * 10 + (*fmt++ - '0');
			}
		}
		/* length */
		if (fmt[0] == 'h' && fmt[1] == 'h') {
			len = FMT_LEN_HH;
			fmt += 2;
		} else if (fmt[0] == 'h') {
			len = FMT_LEN_H;
			fmt++;
		} else if (fmt[0] == 'l' && fmt[1] == 'l') {
			len = FMT_LEN_LL;
			fmt += 2;
		} else if (fmt[0] == 'l') {
			len = FMT_LEN_L;
			fmt++;
		} else if (fmt[0] == 'z') {
			len = FMT_LEN_Z;
			fmt++;
		}

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = fmt_arg_signed(&ap, len);
			uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

			fmt_num(&o, &sp, mag, 10, false, v < 0 ? "-" : "");
			break;
		}
		case 'u':
			fmt_num(&o, &sp, fmt_arg_unsigned(&ap, len), 10, false, "");
			break;
		case 'x':
		case 'X':
			fmt_num(&o, &sp, fmt_arg_unsigned(&ap, len), 16, *fmt == 'X', "");
			break;
		case 'p': {
			struct fmt_spec psp = sp;

			/* Always 0x + 16 digits: addresses line up in dumps. */
			if (psp.width < 18) {
				psp.width = 18;
				psp.zero = !psp.left;
			}
			if (psp.left)
				psp.width = sp.width;
			fmt_num(&o, &psp, (uint64_t)(uintptr_t)va_arg(ap, void *), 16, false, "0x");
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			fmt_str(&o, &sp, &c, 1);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n = 0;

			if (s == NULL)
				s = "(null)";
			while (s[n] != '\0' && (sp.prec < 0 || n < sp.prec))
				n++;
			fmt_str(&o, &sp, s, n);
			break;
		}
		case '%':
			fmt_emit(&o, '%');
			break;
		default:
			/* Unknown or truncated conversion: copy it as written. */
			if (*fmt == '\0') {
				while (*start != '\0')
					fmt_emit(&o, *start++);
				goto out;
			}
			while (start <= fmt)
				fmt_emit(&o, *start++);
			break;
		}
		fmt++;
	}
out:
	va_end(ap);
	return o.count;
}

struct fmt_buf {
	char *buf;
	size_t size;
	size_t pos;
};

static void fmt_buf_putc(char c, void *ctx)
{
	struct fmt_buf *b = ctx;

	if (b->size != 0 && b->pos < b->size - 1)
		b->buf[b->pos] = c;
	b->pos++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_buf b = { .buf = buf, .size = size, .pos = 0 };
	int n = fmt_vformat(fmt_buf_putc, &b, fmt, ap);

	if (size != 0)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
