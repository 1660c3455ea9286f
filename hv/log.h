/*
 * log.h - leveled logging to the serial console (COM1).
 *
 * The level is chosen with loglevel=err|warn|info|debug (or 0-3) on the
 * GRUB command line; main.c sets log_level from it at boot. kprintf()
 * always prints (banner, boot summary, panic dumps).
 */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

extern enum log_level log_level;

/* Print fmt (see fmt.h for the conversions) if lvl <= log_level. */
void log_printf(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Same, with a va_list. */
void log_vprintf(enum log_level lvl, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Print fmt whatever the log level. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/*
 * The guest's console has printed part of a line (open) or ended it: a
 * leveled message then starts with a newline of its own, so that it is
 * never glued to the guest's text (hv/vm_host.c).
 */
void log_guest_line_open(bool open);

/*
 * Parse a loglevel= value: "err", "warn", "info", "debug" or "0".."3".
 * Returns 0 and sets *out, or -1 if the string is not a level.
 */
int log_level_parse(const char *s, enum log_level *out);
/* Name of a level ("err", "warn", "info", "debug"). */
const char *log_level_name(enum log_level lvl);

/* Wrappers that prepend the calling function's name (OpenBSD log_warnx style). */
#define hv_err(fmt, ...)   log_printf(LOG_ERR,   "%s: " fmt, __func__, ##__VA_ARGS__)
#define hv_warn(fmt, ...)  log_printf(LOG_WARN,  "%s: " fmt, __func__, ##__VA_ARGS__)
#define hv_info(fmt, ...)  log_printf(LOG_INFO,  "%s: " fmt, __func__, ##__VA_ARGS__)
#define hv_debug(fmt, ...) log_printf(LOG_DEBUG, "%s: " fmt, __func__, ##__VA_ARGS__)

#endif /* HV_LOG_H */
