/*
 * utap.h - TAP output for the host unit tests (meson protocol: 'tap').
 * One "ok N - name" line per check; the plan is printed by ut_done().
 */
#ifndef UTAP_H
#define UTAP_H

#include <stdarg.h>
#include <stdio.h>

static int ut_n, ut_failed;

/* Report one check; on failure print the diagnostic (printf-style) as a TAP comment. */
static int __attribute__((format(printf, 3, 4), unused))
ut_ok(int cond, const char *name, const char *diag_fmt, ...)
{
	ut_n++;
	printf("%s %d - %s\n", cond ? "ok" : "not ok", ut_n, name);
	if (!cond) {
		ut_failed++;
		if (diag_fmt != NULL) {
			va_list ap;

			printf("# ");
			va_start(ap, diag_fmt);
			vprintf(diag_fmt, ap);
			va_end(ap);
			printf("\n");
		}
	}
	fflush(stdout);
	return cond;
}

/* Print the plan; the process exit code (0 only if every check passed). */
static int __attribute__((unused)) ut_done(void)
{
	printf("1..%d\n", ut_n);
	return ut_failed != 0 || ut_n == 0;
}

#endif /* UTAP_H */
