/*
 * test_fmt.c - host tests for hv/fmt.c.
 *
 * Two kinds of checks: a table of formats with the expected text written
 * out by hand (including our own %p and truncation rules), and a
 * differential run against the C library's snprintf for the conversions
 * whose meaning is the same as in ISO C.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../hv/fmt.h"
#include "utap.h"

static char buf[256];
static const char *volatile null_str = NULL;   /* hidden from -Wformat-overflow */

#define CHECK(want, ...) do {						\
	int n_ = fmt_snprintf(buf, sizeof(buf), __VA_ARGS__);		\
	char name_[200];						\
	snprintf(name_, sizeof(name_), "fmt %s -> \"%s\"", #__VA_ARGS__, want); \
	ut_ok(strcmp(buf, want) == 0 && n_ == (int)strlen(want), name_, \
	      "got \"%s\" (length %d)", buf, n_);			\
} while (0)

static void test_table(void)
{
	CHECK("hello", "hello");
	CHECK("%", "%%");
	CHECK("42", "%d", 42);
	CHECK("-42", "%i", -42);
	CHECK("-2147483648", "%d", INT_MIN);
	CHECK("4294967295", "%u", UINT_MAX);
	CHECK("ff", "%x", 255u);
	CHECK("FF", "%X", 255u);
	CHECK("deadbeefcafe", "%lx", 0xdeadbeefcafeUL);
	CHECK("18446744073709551615", "%llu", ULLONG_MAX);
	CHECK("-9223372036854775808", "%lld", LLONG_MIN);
	CHECK("ffffffffffffffff", "%llx", ~0ULL);
	CHECK("123", "%zu", (size_t)123);
	CHECK("7b", "%zx", (size_t)123);
	CHECK("-5", "%ld", -5L);
	CHECK("  42", "%4d", 42);
	CHECK("0042", "%04d", 42);
	CHECK("-042", "%04d", -42);
	CHECK("42  |", "%-4d|", 42);
	CHECK("000000ff", "%08x", 255u);
	CHECK("0000000000001000", "%016lx", 0x1000UL);
	CHECK("   ab", "%5s", "ab");
	CHECK("ab   |", "%-5s|", "ab");
	CHECK("abc", "%.3s", "abcdef");
	CHECK("ab", "%.*s", 2, "abcdef");
	CHECK("   7", "%*d", 4, 7);
	CHECK("(null)", "%s", null_str);
	CHECK("x", "%c", 'x');
	CHECK("0x0000000000001234", "%p", (void *)0x1234);
	CHECK("0xffff800000000000", "%p", (void *)0xffff800000000000ULL);
	CHECK("0", "%x", 0u);
	CHECK("0", "%d", 0);
	CHECK("a=1 b=two c=3", "a=%d b=%s c=%x", 1, "two", 3u);
	CHECK("-1", "%hhd", (signed char)-1);
	CHECK("65535", "%hu", (unsigned short)0xffff);
}

/* Truncation: always NUL-terminated, returns the untruncated length. */
static void test_truncation(void)
{
	char small[8];
	int n;

	memset(small, 'Z', sizeof(small));
	n = fmt_snprintf(small, sizeof(small), "%s", "0123456789");
	ut_ok(n == 10 && strcmp(small, "0123456") == 0, "truncation keeps size-1 chars, returns full length",
	      "n=%d buf=\"%s\"", n, small);
	memset(small, 'Z', sizeof(small));
	n = fmt_snprintf(small, 0, "%d", 12345);
	ut_ok(n == 5 && small[0] == 'Z', "size 0 writes nothing and returns the length", "n=%d", n);
	n = fmt_snprintf(small, 1, "abc");
	ut_ok(n == 3 && small[0] == '\0', "size 1 gives the empty string", "n=%d", n);
	n = fmt_snprintf(small, sizeof(small), "%08x", 0x12u);
	ut_ok(n == 8 && strcmp(small, "0000001") == 0, "truncation inside a zero-padded number", "n=%d buf=\"%s\"", n, small);
}

/* Unknown conversions are copied, and a trailing '%' does not read past the end. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
static void test_unknown(void)
{
	int n = fmt_snprintf(buf, sizeof(buf), "a%qb");

	ut_ok(n == 4 && strcmp(buf, "a%qb") == 0, "unknown conversion copied verbatim", "got \"%s\"", buf);
	n = fmt_snprintf(buf, sizeof(buf), "end%");
	ut_ok(n == 4 && strcmp(buf, "end%") == 0, "trailing %% copied", "got \"%s\"", buf);
}
#pragma GCC diagnostic pop

/* A deterministic PRNG (xorshift64*), so that a failure can be replayed. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Compare with the C library for random values, widths and flags. */
static void test_vs_libc(void)
{
	static const char *const convs[] = { "d", "u", "x", "X", "ld", "lu", "lx", "lld", "llu", "llx", "zu", "zx", "i" };
	static const char *const flags[] = { "", "0", "-" };
	int bad = 0, total = 0;
	char fmt[32], want[256], first[700] = "";

	for (int i = 0; i < 20000; i++) {
		const char *conv = convs[rng() % (sizeof(convs) / sizeof(convs[0]))];
		const char *flag = flags[rng() % 3];
		unsigned width = (unsigned)(rng() % 24);
		uint64_t v = rng() >> (rng() % 64);

		if (width)
			snprintf(fmt, sizeof(fmt), "[%%%s%u%s]", flag, width, conv);
		else
			snprintf(fmt, sizeof(fmt), "[%%%s%s]", flag, conv);
		/* Pass the argument with the type the conversion expects. */
#define BOTH(T) do { snprintf(want, sizeof(want), fmt, (T)v); fmt_snprintf(buf, sizeof(buf), fmt, (T)v); } while (0)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		if (strcmp(conv, "d") == 0 || strcmp(conv, "i") == 0)
			BOTH(int);
		else if (strcmp(conv, "u") == 0 || strcmp(conv, "x") == 0 || strcmp(conv, "X") == 0)
			BOTH(unsigned int);
		else if (strcmp(conv, "ld") == 0)
			BOTH(long);
		else if (strcmp(conv, "lld") == 0)
			BOTH(long long);
		else if (strcmp(conv, "lu") == 0 || strcmp(conv, "lx") == 0)
			BOTH(unsigned long);
		else if (strcmp(conv, "llu") == 0 || strcmp(conv, "llx") == 0)
			BOTH(unsigned long long);
		else
			BOTH(size_t);
#pragma GCC diagnostic pop
		total++;
		if (strcmp(want, buf) != 0) {
			if (bad++ == 0)
				snprintf(first, sizeof(first), "format %s value 0x%" PRIx64 ": libc \"%s\", fmt \"%s\"",
					 fmt, v, want, buf);
		}
	}
	ut_ok(bad == 0, "20000 random conversions agree with the C library", "%d/%d differ; first: %s",
	      bad, total, first);
}

/* The streaming interface emits exactly the characters snprintf stores. */
static char stream_buf[256];
static size_t stream_len;

static void stream_putc(char c, void *ctx)
{
	(void)ctx;
	if (stream_len < sizeof(stream_buf) - 1)
		stream_buf[stream_len++] = c;
}

static int stream(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int stream(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(stream_putc, NULL, fmt, ap);
	va_end(ap);
	return n;
}

static void test_stream(void)
{
	int n;

	stream_len = 0;
	n = stream("%s=%08lx %-3d|", "cr3", 0x1000UL, 7);
	stream_buf[stream_len] = '\0';
	ut_ok(n == 17 && strcmp(stream_buf, "cr3=00001000 7  |") == 0,
	      "fmt_vformat streams the same text", "n=%d got \"%s\"", n, stream_buf);
}

int main(void)
{
	test_table();
	test_truncation();
	test_unknown();
	test_vs_libc();
	test_stream();
	return ut_done();
}
