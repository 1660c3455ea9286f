/*
 * gl.h - the test-guest runtime core: mode, start, exit, boot info and
 * physical memory access.
 *
 * Every guest provides guest_main(). The entry stub (gl_entry.S) starts in
 * real mode at 1000:0000, switches to the mode the guest was built for
 * (GL_MODE_REAL / _PM32 / _PAE / _LONG), sets up a stack, clears BSS and
 * calls gl_start(), which installs the exception handlers, copies the
 * boot-info page and calls guest_main(). If guest_main() returns, the run
 * ends with status 0.
 */
#ifndef GL_H
#define GL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "guest_abi.h"

#if defined(GL_MODE_REAL)
#define GL_MODE_NAME "real"
#elif defined(GL_MODE_PM32)
#define GL_MODE_NAME "pm32"
#elif defined(GL_MODE_PAE)
#define GL_MODE_NAME "pae"
#elif defined(GL_MODE_LONG) && defined(GL_LA57)
#define GL_MODE_NAME "la57"             /* long mode with 5-level paging */
#elif defined(GL_MODE_LONG)
#define GL_MODE_NAME "long"
#else
#error "build with one of -DGL_MODE_REAL/-DGL_MODE_PM32/-DGL_MODE_PAE/-DGL_MODE_LONG"
#endif

/* Linker-script symbols (guest.ld). Addresses are link addresses: the
 * real-mode guest's are offsets in its segment 0x1000. */
extern char __image_start[], __image_end[], __bss_start[], __bss_end[];
extern char gl_stack[], gl_stack_top[];

/* Provided by each guest. */
void guest_main(void);

/* Called by the entry stub only. */
void gl_start(void);

/* End the run: write status to the debug-exit port, then halt. */
__attribute__((noreturn)) void gl_exit(unsigned status);

/* The boot-info page (copied at start; zeroed copy if magic is wrong). */
const struct guest_bootinfo *gl_bootinfo(void);
bool gl_bootinfo_valid(void);

/*
 * Value of "key=N" among the comma-separated boot-info args (guest_args=
 * on the hypervisor command line); N is decimal or 0x-hex. Returns 1 and
 * sets *val when present, 0 when absent, -1 when present but malformed.
 */
int gl_arg_u64(const char *key, uint64_t *val);

/* Guest-physical address of the image start/end (incl. BSS and stack). */
uint32_t gl_image_gpa_start(void);
uint32_t gl_image_gpa_end(void);

/*
 * Physical memory access below 1 MiB that works in every mode (real mode
 * goes through FS with a segment computed from the address).
 */
uint8_t gl_phys_read8(uint32_t pa);
void gl_phys_write16(uint32_t pa, uint16_t v);

/*
 * n / d with 32-bit DIVs only (no __udivdi3 for -m32/-m16 guests); d != 0.
 * *rem (if not NULL) gets n % d.
 */
uint64_t gl_udiv64(uint64_t n, uint32_t d, uint32_t *rem);

/* Freestanding string helpers (gcc may also emit calls to these). */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif /* GL_H */
