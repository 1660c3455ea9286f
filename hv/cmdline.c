/*
 * cmdline.c - parse the hypervisor command line once, answer lookups.
 *
 * The string is copied into cmdline_raw_buf, then split into words in
 * cmdline_words (keys and values NUL-terminated, quotes removed). No
 * hardware access: tests/unit/test_cmdline.c links this file natively.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdline.h"
#include "log.h"
#include "string.h"

struct cmdline_arg {
	const char *key;
	const char *value;      /* "" for a bare flag */
};

static char cmdline_raw_buf[CMDLINE_MAX];
static char cmdline_words[CMDLINE_MAX * 2];   /* room for the NULs and flag "" */
static struct cmdline_arg cmdline_args[CMDLINE_MAX_ARGS];
static unsigned cmdline_nargs;

static bool cmdline_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int cmdline_init(const char *s)
{
	size_t n = 0, w = 0;
	const char *p;
	int ret = 0;

	cmdline_nargs = 0;
	if (s == NULL)
		s = "";
	while (s[n] != '\0' && n < CMDLINE_MAX - 1) {
		cmdline_raw_buf[n] = s[n];
		n++;
	}
	cmdline_raw_buf[n] = '\0';
	if (s[n] != '\0') {
		hv_warn("command line longer than %d bytes, truncated\n", CMDLINE_MAX - 1);
		ret = -1;
	}

	/*
	 * Each word produces at most its own length + 2 bytes here (key NUL,
	 * value NUL), and words are separated by at least one blank in the
	 * source, so cmdline_words (2 * CMDLINE_MAX) cannot overflow.
	 */
	p = cmdline_raw_buf;
	for (;;) {
		struct cmdline_arg *a;
		bool quoted = false;

		while (cmdline_is_blank(*p))
			p++;
		if (*p == '\0')
			break;
		if (cmdline_nargs == CMDLINE_MAX_ARGS) {
			hv_warn("more than %d words on the command line, rest ignored\n",
				CMDLINE_MAX_ARGS);
			ret = -1;
			break;
		}
		a = &cmdline_args[cmdline_nargs++];
		a->key = &cmdline_words[w];
		a->value = NULL;
		/*
		 * One word: up to a blank outside double quotes. Quotes are
		 * dropped wherever they are: GRUB re-quotes a whole argument
		 * that holds a blank ("key=a b"), a user may quote the value
		 * only (key="a b"). The first '=', quoted or not, ends the key.
		 */
		while (*p != '\0' && (quoted || !cmdline_is_blank(*p))) {
			if (*p == '"') {
				quoted = !quoted;
			} else if (*p == '=' && a->value == NULL) {
				cmdline_words[w++] = '\0';
				a->value = &cmdline_words[w];
			} else {
				cmdline_words[w++] = *p;
			}
			p++;
		}
		if (a->value == NULL) {
			cmdline_words[w++] = '\0';
			a->value = &cmdline_words[w];
		}
		cmdline_words[w++] = '\0';
	}
	return ret;
}

const char *cmdline_get(const char *key)
{
	/* The last occurrence wins, so search backwards. */
	for (unsigned i = cmdline_nargs; i-- > 0;) {
		if (strcmp(cmdline_args[i].key, key) == 0)
			return cmdline_args[i].value;
	}
	return NULL;
}

bool cmdline_has(const char *key)
{
	return cmdline_get(key) != NULL;
}

int cmdline_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0, base = 10, mult = 1;
	int ndigits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (;; s++) {
		uint64_t d;

		if (*s >= '0' && *s <= '9')
			d = (uint64_t)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (uint64_t)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (uint64_t)(*s - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
		ndigits++;
	}
	if (ndigits == 0)
		return -1;
	switch (*s) {
	case 'k': case 'K': mult = 1ULL << 10; s++; break;
	case 'm': case 'M': mult = 1ULL << 20; s++; break;
	case 'g': case 'G': mult = 1ULL << 30; s++; break;
	default: break;
	}
	if (*s != '\0')
		return -1;
	if (v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

uint64_t cmdline_get_u64(const char *key, uint64_t dflt)
{
	const char *s = cmdline_get(key);
	uint64_t v;

	if (s == NULL)
		return dflt;
	if (cmdline_parse_u64(s, &v) != 0) {
		hv_err("bad number for %s: \"%s\", using %llu\n", key, s,
		       (unsigned long long)dflt);
		return dflt;
	}
	return v;
}

const char *cmdline_raw(void)
{
	return cmdline_raw_buf;
}

unsigned cmdline_count(void)
{
	return cmdline_nargs;
}

const char *cmdline_key(unsigned i)
{
	return i < cmdline_nargs ? cmdline_args[i].key : NULL;
}

const char *cmdline_value(unsigned i)
{
	return i < cmdline_nargs ? cmdline_args[i].value : NULL;
}
