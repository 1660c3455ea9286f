/*
 * test_cmdline.c - host tests for hv/cmdline.c: words, flags, quoting
 * (both the user's key="a b" and GRUB's re-quoted "key=a b"), last one
 * wins, numbers with suffixes, bad numbers logged and defaulted, limits.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../hv/cmdline.h"
#include "../../hv/log.h"
#include "utap.h"

/* hv/log.h stand-ins: count what cmdline.c reports. */
enum log_level log_level = LOG_DEBUG;
static int log_errors, log_warnings;

void log_printf(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	if (lvl == LOG_ERR)
		log_errors++;
	if (lvl == LOG_WARN)
		log_warnings++;
	printf("# log: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static int streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static const char *show(const char *s)
{
	return s == NULL ? "(NULL)" : s;
}

/* One lookup case: after cmdline_init(line), cmdline_get(key) must be want. */
struct get_case {
	const char *line;
	const char *key;
	const char *want;       /* NULL: absent */
};

static const struct get_case get_cases[] = {
	{ "loglevel=debug", "loglevel", "debug" },
	{ "a=1 b=2 c=3", "b", "2" },
	{ "a=1 b=2 c=3", "d", NULL },
	{ "  a=1\t\tb=2  ", "b", "2" },
	{ "flag", "flag", "" },
	{ "flag other=1", "flag", "" },
	{ "flagx=1", "flag", NULL },          /* no prefix matches */
	{ "x=1", "x=1", NULL },
	{ "a=1 a=2", "a", "2" },              /* last one wins */
	{ "k=", "k", "" },
	{ "k=a=b", "k", "a=b" },              /* only the first '=' splits */
	{ "guest_args=\"a b c\" n=1", "guest_args", "a b c" },
	{ "guest_args=\"a b c\" n=1", "n", "1" },
	{ "\"guest_args=a b\" x=1", "guest_args", "a b" },   /* GRUB's re-quoting */
	{ "\"guest_args=a b\" x=1", "x", "1" },
	{ "z=\"q\"", "z", "q" },
	{ "", "a", NULL },
	{ NULL, "a", NULL },
	{ "=v", "", "v" },
};

static void test_get(void)
{
	char name[200];

	for (size_t i = 0; i < sizeof(get_cases) / sizeof(get_cases[0]); i++) {
		const struct get_case *c = &get_cases[i];
		const char *got;

		cmdline_init(c->line);
		got = cmdline_get(c->key);
		snprintf(name, sizeof(name), "line '%s': get(%s) is %s", show(c->line), c->key,
			 c->want ? c->want : "absent");
		if (c->want == NULL)
			ut_ok(got == NULL && !cmdline_has(c->key), name, "got '%s'", show(got));
		else
			ut_ok(streq(got, c->want) && cmdline_has(c->key), name, "got '%s'", show(got));
	}
}

static void test_raw_and_list(void)
{
	const char *line = "loglevel=info  fault=pf \"guest_args=a b\" flag";

	cmdline_init(line);
	ut_ok(streq(cmdline_raw(), line), "cmdline_raw returns the line as given", "got '%s'", cmdline_raw());
	ut_ok(cmdline_count() == 4, "four words parsed", "got %u", cmdline_count());
	ut_ok(streq(cmdline_key(2), "guest_args") && streq(cmdline_value(2), "a b"),
	      "word 2 is guest_args=a b", "got %s=%s", show(cmdline_key(2)), show(cmdline_value(2)));
	ut_ok(streq(cmdline_key(3), "flag") && streq(cmdline_value(3), ""), "word 3 is a bare flag",
	      "got %s=%s", show(cmdline_key(3)), show(cmdline_value(3)));
	ut_ok(cmdline_key(4) == NULL && cmdline_value(4) == NULL, "word 4 does not exist", NULL);
	cmdline_init(NULL);
	ut_ok(streq(cmdline_raw(), "") && cmdline_count() == 0, "NULL line is empty", NULL);
}

struct num_case {
	const char *value;
	int ok;
	uint64_t want;
};

static const struct num_case num_cases[] = {
	{ "0", 1, 0 },
	{ "42", 1, 42 },
	{ "0x10", 1, 16 },
	{ "0XfF", 1, 255 },
	{ "4K", 1, 4096 },
	{ "4k", 1, 4096 },
	{ "512M", 1, 512ULL << 20 },
	{ "2G", 1, 2ULL << 30 },
	{ "0x100M", 1, 0x100ULL << 20 },
	{ "18446744073709551615", 1, UINT64_MAX },
	{ "18446744073709551616", 0, 0 },     /* overflow */
	{ "0x10000000000000000", 0, 0 },      /* overflow */
	{ "17179869184G", 0, 0 },             /* overflow by the suffix */
	{ "", 0, 0 },
	{ "0x", 0, 0 },
	{ "12a", 0, 0 },
	{ "M", 0, 0 },
	{ "-1", 0, 0 },
	{ "1MB", 0, 0 },
	{ "1 2", 0, 0 },
};

static void test_numbers(void)
{
	char name[200], line[100];

	for (size_t i = 0; i < sizeof(num_cases) / sizeof(num_cases[0]); i++) {
		const struct num_case *c = &num_cases[i];
		uint64_t v = 0;
		int rc = cmdline_parse_u64(c->value, &v);
		int errs;

		snprintf(name, sizeof(name), "parse_u64('%s') %s", c->value, c->ok ? "accepted" : "rejected");
		if (c->ok)
			ut_ok(rc == 0 && v == c->want, name, "rc %d value %llu, wanted %llu", rc,
			      (unsigned long long)v, (unsigned long long)c->want);
		else
			ut_ok(rc != 0, name, "rc %d value %llu", rc, (unsigned long long)v);

		/* The same through cmdline_get_u64: bad values log an error and give the default. */
		snprintf(line, sizeof(line), "n=\"%s\"", c->value);
		cmdline_init(line);
		errs = log_errors;
		v = cmdline_get_u64("n", 777);
		snprintf(name, sizeof(name), "get_u64 n=\"%s\" -> %s", c->value, c->ok ? "value" : "default + error");
		if (c->ok)
			ut_ok(v == c->want && log_errors == errs, name, "got %llu", (unsigned long long)v);
		else
			ut_ok(v == 777 && log_errors == errs + 1, name, "got %llu, errors %d", (unsigned long long)v,
			      log_errors - errs);
	}
	cmdline_init("other=1");
	ut_ok(cmdline_get_u64("n", 5) == 5, "absent key gives the default", NULL);
	cmdline_init("n");
	ut_ok(cmdline_get_u64("n", 5) == 5, "bare flag as a number gives the default", NULL);
}

static void test_limits(void)
{
	static char line[CMDLINE_MAX * 2];
	size_t len = 0;
	int rc, warns = log_warnings;
	char key[16];

	/* More words than CMDLINE_MAX_ARGS: the first ones stay usable. */
	for (int i = 0; i < CMDLINE_MAX_ARGS + 10; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "k%d=%d ", i, i);
	rc = cmdline_init(line);
	ut_ok(rc != 0 && log_warnings > warns, "too many words reported", "rc %d", rc);
	snprintf(key, sizeof(key), "k%d", CMDLINE_MAX_ARGS - 1);
	ut_ok(streq(cmdline_get("k0"), "0") && cmdline_get(key) != NULL, "the first words are kept", NULL);
	snprintf(key, sizeof(key), "k%d", CMDLINE_MAX_ARGS);
	ut_ok(cmdline_get(key) == NULL, "words past the limit are dropped", NULL);

	/* A line longer than CMDLINE_MAX: truncated, no overflow. */
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	memcpy(line, "big=", 4);
	warns = log_warnings;
	rc = cmdline_init(line);
	ut_ok(rc != 0 && strlen(cmdline_raw()) == CMDLINE_MAX - 1 && log_warnings > warns,
	      "an overlong line is truncated to CMDLINE_MAX-1", "raw length %zu", strlen(cmdline_raw()));
	ut_ok(cmdline_get("big") != NULL && strlen(cmdline_get("big")) == CMDLINE_MAX - 5,
	      "the truncated value is still parsed", NULL);

	/* Worst case for the word buffer: many one-character flags. */
	len = 0;
	while (len + 2 < CMDLINE_MAX) {
		line[len++] = 'f';
		line[len++] = ' ';
	}
	line[len] = '\0';
	cmdline_init(line);
	ut_ok(cmdline_count() == CMDLINE_MAX_ARGS && streq(cmdline_get("f"), ""), "many flags parse", "count %u",
	      cmdline_count());
}

int main(void)
{
	test_get();
	test_raw_and_list();
	test_numbers();
	test_limits();
	return ut_done();
}
