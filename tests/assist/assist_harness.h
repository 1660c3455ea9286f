/*
 * assist_harness.h - a fake guest machine for the host tests and the
 * benchmark of the assist library (tests/assist/, bench/).
 *
 * Guest-physical layout (documented once, used by every case):
 *   0x000000-0x09ffff  RAM
 *   0x0a0000-0x0affff  MMIO: the fake device AH_DEV (64 KiB of registers
 *                      in ah_dev[], every access logged)
 *   0x0b0000-0x3fffff  RAM
 *   above 4 MiB        MMIO, unbacked: reads 0xff, logged
 * Long mode page tables (identity unless noted):
 *   0x1000 PML4, 0x2000 PDPT, 0x3000 PD: PD[0] maps 0-2 MiB with a 2 MiB
 *   page; PD[1] -> PT at 0x4000 for 2-4 MiB with 4 KiB pages, where
 *     VA 0x200000 -> PA 0x201000 and VA 0x201000 -> PA 0x200000 (swapped),
 *     VA 0x202000 -> PA 0x0a0000, VA 0x203000 -> PA 0x0a1000 (device),
 *     VA 0x204000 and 0x207000 not present, VA 0x205000 read-only,
 *     VA 0x208000 -> PA 0x0a2000 (device) read-only.
 * Segments (ah_state_init): flat in 32/64-bit modes except SS base 0x8000
 * in 32-bit mode (so SS and DS accesses differ); FS base 0xa8000 and GS
 * base 0xa4000 (device) in 32/64-bit modes. 16-bit modes: DS = ES base
 * 0xa0000 (device), SS base 0xa8000 (device), FS base 0x20000 (RAM), GS
 * 0xa4000, limits 0xffff.
 * Code is placed at linear 0x10000 (16-bit modes: CS base 0x10000, IP 0).
 */
#ifndef ASSIST_HARNESS_H
#define ASSIST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "x86_assist.h"
#include "x86_guestmem.h"
#include "x86_fetch.h"
#include "x86_gva.h"
#include "x86_seg.h"
#include "x86_walk.h"

#define AH_RAM_SIZE  (4u << 20)
#define AH_DEV_BASE  0xa0000ULL
#define AH_DEV_SIZE  0x10000u
#define AH_CODE      0x10000ULL

#define AH_PML4 0x1000
#define AH_PDPT 0x2000
#define AH_PD   0x3000
#define AH_PT   0x4000

extern uint8_t ah_ram[AH_RAM_SIZE];
extern uint8_t ah_dev[AH_DEV_SIZE];

/* Callback log: "r a0010/4=1234 w a0020/1=ff out 3f8/1=41 in 60/2=0302". */
#define AH_LOG_SIZE 8192
extern char ah_log[AH_LOG_SIZE];
extern unsigned ah_log_len;
extern unsigned ah_ncb;         /* number of callbacks */
extern bool ah_quiet;           /* do not log (benchmarks) */
extern uint8_t ah_port_next;    /* next byte an IN returns (then ++) */
extern uint8_t ah_xmm[16][16];  /* guest XMM registers (xmm_cb) */

void ah_machine_init(struct x86_machine *m);
/* Reset RAM data areas, device, log, port sequence; rebuild page tables. */
void ah_reset(void);
/* A vCPU in mode (enum x86_cpu_mode) with flat segments, RIP at AH_CODE. */
void ah_state_init(struct x86_state *st, unsigned mode);
/* Copy bytes to the linear code address of st. */
void ah_put_code(const struct x86_state *st, const uint8_t *bytes, size_t n);
/* Parse "48 8b 03" into bytes; returns count. */
size_t ah_hex(const char *hex, uint8_t *out, size_t max);

/* Little-endian access to guest-physical memory (RAM or device). */
void ah_pwrite(uint64_t gpa, unsigned size, uint64_t v);
uint64_t ah_pread(uint64_t gpa, unsigned size);

/* TAP output. */
extern unsigned ah_ntests, ah_nfail;
bool ah_ok(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Exit status: 0 if all passed; prints the plan line. */
int ah_done(void);

#endif /* ASSIST_HARNESS_H */
