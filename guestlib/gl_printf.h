/*
 * gl_printf.h - console output of the test guests: bytes to the COM1 data
 * port (GUEST_PORT_COM1), which the hypervisor forwards to its console.
 * Each byte waits for LSR.THRE first (gl_printf.c), so printing costs at
 * least one IN and one OUT (two exits under a hypervisor) per byte.
 *
 * Formats: %s %c %d %i %u %x %X %p %%, length modifiers l and ll,
 * field width and '0' padding, '-' for left alignment. 64-bit values are
 * converted without 64-bit division, so it links without libgcc in -m32.
 */
#ifndef GL_PRINTF_H
#define GL_PRINTF_H

#include <stdarg.h>

void gl_putc(char c);
void gl_puts(const char *s);
__attribute__((format(printf, 1, 2))) void gl_printf(const char *fmt, ...);
void gl_vprintf(const char *fmt, va_list ap);

#endif /* GL_PRINTF_H */
