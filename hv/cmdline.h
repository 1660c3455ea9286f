/*
 * cmdline.h - the hypervisor command line (from GRUB's multiboot2 line).
 *
 * Syntax: words separated by blanks; a word is "key=value" or a bare
 * "flag". A value may be double-quoted to hold blanks (key="a b"), the
 * quotes are removed. When a key appears twice, the last one wins.
 * Host-testable: no hardware access; cmdline_init() copies the string.
 */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <stdbool.h>
#include <stdint.h>

#define CMDLINE_MAX      2048  /* longer command lines are truncated (logged) */
#define CMDLINE_MAX_ARGS 64    /* words beyond this are ignored (logged) */

/*
 * Parse s (NULL is the empty command line). Returns 0, or -1 if the line
 * was truncated or had too many words (what fits is still parsed).
 */
int cmdline_init(const char *s);
/* Value of key=value, "" for a bare flag, NULL if key is absent. */
const char *cmdline_get(const char *key);
/* True if key appears, with or without a value. */
bool cmdline_has(const char *key);
/*
 * Numeric value of key: decimal or 0x hex, optionally followed by K, M or
 * G (binary multiples). Absent -> dflt. Malformed or overflowing -> an
 * error is logged and dflt is returned.
 */
uint64_t cmdline_get_u64(const char *key, uint64_t dflt);
/* Parse one number with the syntax above. Returns 0 or -1 (bad syntax/overflow). */
int cmdline_parse_u64(const char *s, uint64_t *out);
/* The command line as given to cmdline_init() (possibly truncated). */
const char *cmdline_raw(void);
/* The parsed words, in order: count, and key/value of word i (NULL if out of range). */
unsigned cmdline_count(void);
const char *cmdline_key(unsigned i);
const char *cmdline_value(unsigned i);

#endif /* HV_CMDLINE_H */
