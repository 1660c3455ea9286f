/*
 * mmu_test.h - shared pieces of the host tests of the memory map, guest
 * memory access and guest MMU (tests/mmu/).
 *
 * Output is TAP: one "ok N - name" / "not ok N - name # why" line per
 * check, "1..N" at the end; the program exits 1 if any check failed.
 *
 * Fake guest RAM: `mt_ram` (MT_RAM_SIZE bytes) is viewed at GPA 0 by
 * mt_machine_init(); everything else is MMIO and goes to mt_mem_cb, which
 * logs each access (mt_log) and answers reads with mt_mmio_byte(gpa).
 */
#ifndef MMU_TEST_H
#define MMU_TEST_H

#include <stdbool.h>
#include <stdint.h>

#include "x86_guestmem.h"
#include "x86_fetch.h"
#include "x86_gva.h"
#include "x86_seg.h"
#include "x86_walk.h"

#define MT_RAM_SIZE (4u << 20)          /* 4 MiB at GPA 0 */
extern uint8_t mt_ram[MT_RAM_SIZE];

/* One logged Mem callback. */
struct mt_access {
	gpa_t gpa;
	bool write;
	uint8_t size;
	uint8_t data[32];
};

#define MT_LOG_MAX 64
struct mt_log {
	unsigned n;
	struct mt_access a[MT_LOG_MAX];
};
extern struct mt_log mt_log;

/* The byte an MMIO read of gpa returns. */
static inline uint8_t
mt_mmio_byte(gpa_t gpa)
{
	return (uint8_t)(gpa * 7 + 0x5a);
}

void mt_mem_cb(void *ctx, struct x86_mem *mem);

/* Machine with mt_ram at GPA 0 (RW) and the logging Mem callback. */
void mt_machine_init(struct x86_machine *m);

/*
 * st zeroed, then 64-bit mode with 4-level paging at CR3 0x1000 (CR0.WP,
 * EFER.NXE), RFLAGS 0x2, a 64-bit code segment at CPL 0.
 */
void mt_state_long(struct x86_state *st);

/* TAP reporting; returns ok. */
bool mt_check(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Note why the *next* mt_check failed (printed as "# ..."). */
void mt_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Little-endian accessors into mt_ram. */
void mt_w32(gpa_t gpa, uint32_t v);
void mt_w64(gpa_t gpa, uint64_t v);
uint32_t mt_r32(gpa_t gpa);
uint64_t mt_r64(gpa_t gpa);

/* Test suites, each in its own file. */
void mt_suite_walk(void);
void mt_suite_ad(void);
void mt_suite_seg(void);
void mt_suite_guestmem(void);
void mt_suite_gva(void);
void mt_suite_fcache(void);
void mt_suite_xlat(void);

#endif /* MMU_TEST_H */
