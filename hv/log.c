/*
 * log.c - leveled console output over the UART (log.h).
 */
#include <stdbool.h>
#include <stddef.h>

#include "fmt.h"
#include "log.h"
#include "string.h"
#include "uart.h"
#include "vmm_env.h"

enum log_level log_level = LOG_INFO;

static const char *const log_names[] = {
	[LOG_ERR] = "err", [LOG_WARN] = "warn", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

/* A guest's console line is printed in part: see log_guest_line_open(). */
static bool log_guest_open;

static void log_uart_putc(char c, void *ctx)
{
	(void)ctx;
	uart_putc(c);
}

void log_guest_line_open(bool open)
{
	log_guest_open = open;
}

void kvprintf(const char *fmt, va_list ap)
{
	fmt_vformat(log_uart_putc, NULL, fmt, ap);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

void log_vprintf(enum log_level lvl, const char *fmt, va_list ap)
{
	if (lvl > log_level)
		return;
	if (log_guest_open) {
		log_guest_open = false;
		kprintf("\n");
	}
	kvprintf(fmt, ap);
}

void log_printf(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf(lvl, fmt, ap);
	va_end(ap);
}

int log_level_parse(const char *s, enum log_level *out)
{
	if (s == NULL)
		return -1;
	for (unsigned i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
		if (strcmp(s, log_names[i]) == 0 ||
		    (s[0] == (char)('0' + i) && s[1] == '\0')) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

const char *log_level_name(enum log_level lvl)
{
	if ((unsigned)lvl < sizeof(log_names) / sizeof(log_names[0]))
		return log_names[lvl];
	return "?";
}

/* The logging hook of the code under vmm/ (vmm_env.h): same levels. */
void vmm_log(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintf((enum log_level)level, fmt, ap);
	va_end(ap);
}

bool vmm_log_enabled(int level)
{
	return level <= (int)log_level;
}
