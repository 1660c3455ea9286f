/*
 * bench_assist.c - cost of the assist library per emulated operation, on
 * the host, with the fake machine of tests/assist/assist_harness.h:
 *   MOV load   8b 03        movl (%rbx),%eax    from the MMIO device
 *   MOV store  89 03        movl %eax,(%rbx)    to the MMIO device
 *   MOVS       a5           movsl               device -> device
 *   REP OUTSB  f3 6e        one 4 KiB chunk from RAM to a port
 * in 64-bit mode with 4-level paging, instruction bytes handed in (decode
 * assists) and fetched through the guest MMU. Prints a table of ns per
 * operation. A benchmark, not a test: it always exits 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assist_harness.h"

static struct x86_machine bm;

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ns per x86_assist_mem call for the instruction hex, with or without fetch. */
static double
bench_mem(const char *hex, bool fetch, unsigned long iters)
{
	struct x86_state st, st0;
	struct x86_assist_result res;
	uint8_t b[16];
	size_t n = ah_hex(hex, b, sizeof(b));
	double t0, t1;

	ah_state_init(&st0, X86_MODE_LONG64);
	st0.gpr[X86_GPR_RBX] = AH_DEV_BASE + 0x100;
	st0.gpr[X86_GPR_RSI] = AH_DEV_BASE + 0x200;
	st0.gpr[X86_GPR_RDI] = AH_DEV_BASE + 0x300;
	ah_put_code(&st0, b, n);
	t0 = bench_now();
	for (unsigned long i = 0; i < iters; i++) {
		st = st0;
		x86_assist_mem(&bm, &st, fetch ? NULL : b, fetch ? 0 : n, &res);
		if (res.status != X86_ASSIST_DONE) {
			printf("bench: %s failed (%d)\n", hex, res.status);
			return -1;
		}
	}
	t1 = bench_now();
	return (t1 - t0) / (double)iters;
}

/* ns per 4 KiB REP OUTSB chunk (x86_assist_io). */
static double
bench_outsb(unsigned long iters)
{
	struct x86_state st, st0;
	struct x86_assist_result res;
	struct x86_io_exit io = {
		.port = 0xe9, .size = 1, .in = false, .string = true, .rep = true,
		.addrsize = 8, .seg = X86_SEG_DS,
	};
	double t0, t1;

	ah_state_init(&st0, X86_MODE_LONG64);
	st0.gpr[X86_GPR_RSI] = 0x30000;         /* page-aligned RAM */
	st0.gpr[X86_GPR_RCX] = 4096;
	io.next_rip = st0.rip + 2;
	t0 = bench_now();
	for (unsigned long i = 0; i < iters; i++) {
		st = st0;
		x86_assist_io(&bm, &st, &io, &res);
		if (res.status != X86_ASSIST_DONE || st.gpr[X86_GPR_RCX] != 0) {
			printf("bench: rep outsb failed\n");
			return -1;
		}
	}
	t1 = bench_now();
	return (t1 - t0) / (double)iters;
}

int
main(int argc, char **argv)
{
	unsigned long iters = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000;

	ah_machine_init(&bm);
	ah_quiet = true;
	printf("assist library, ns per emulated operation (%lu iterations)\n", iters);
	printf("%-24s %14s %14s\n", "operation", "bytes given", "fetched");
	printf("%-24s %14.1f %14.1f\n", "MOV load (8b 03)",
	    bench_mem("8b 03", false, iters), bench_mem("8b 03", true, iters));
	printf("%-24s %14.1f %14.1f\n", "MOV store (89 03)",
	    bench_mem("89 03", false, iters), bench_mem("89 03", true, iters));
	printf("%-24s %14.1f %14.1f\n", "MOVS (a5)",
	    bench_mem("a5", false, iters), bench_mem("a5", true, iters));
	printf("%-24s %14.1f %14s\n", "REP OUTSB 4 KiB chunk",
	    bench_outsb(iters / 20 ? iters / 20 : 1), "-");
	return 0;
}
