/*
 * bench_exits.c - guest "bench_exits": what an intercepted instruction,
 * an emulated port access and an emulated MMIO access cost, measured
 * with RDTSC inside the guest (bench/exit_cost.py; issue 9 "Benchmark").
 *
 * Each operation is a tight loop
 *
 *     1: <op>; dec %r8; jnz 1b
 *
 * timed between two LFENCE; RDTSC pairs, with R10 (and R11) holding the
 * address the operation works on. One line per operation:
 *
 *     bench NAME iterations=N ticks=T per_op=T/N exit=CODE exits=E intr=I
 *
 * where E is the number of exits with the SVM exit code CODE (APM Vol.2
 * Appendix C; 0000: the operation should not exit, and E counts #NPF
 * exits, which should be 0) and I the
 * number of physical-interrupt (INTR) exits during the loop, both from
 * svmhv's exit counters (VMMCALL GUEST_VMMCALL_EXIT_COUNT, guest_abi.h)
 * read before and after the timed region; -1 without svmhv.
 *
 * Per-exit operations, N iterations each (guest_args iterations=N,
 * default 1000, at most BENCH_MAX_ITER):
 *
 *     empty      nothing: the loop overhead (baseline)
 *     add        add $1, %rbx: an ordinary instruction, no exit
 *     cpuid      CPUID leaf 0 (EAX = ECX = 0 set in the loop): CPUID exit
 *     out80      out %al, $0x80: IOIO exit, a port no device claims
 *     vmmcall    VMMCALL ping (EAX = 0 set in the loop): VMMCALL exit
 *     rdmsr      RDMSR of the TSC MSR 0x10: MSR exit
 *     wrmsr      WRMSR of 0 to SYSENTER_CS (0x174): MSR exit; the value
 *                lives in the VMCB and nothing in a 64-bit guest uses it
 *     oute0      out %al, $0xe0: pc-testdev's scratch register, through
 *                the monitor's device bus
 *     ine0       in $0xe0, %al: the same register read
 *     ramload    mov (%r10), %eax on a RAM page: no exit (baseline)
 *     mmioload   the same on the pc-testdev MMIO buffer (GPA 0xff000000,
 *                never mapped in the NPT): #NPF, emulated by the Mem Assist
 *     ramstore   mov %eax, (%r10) on RAM (baseline)
 *     mmiostore  the same on the MMIO buffer: #NPF
 *
 * Fixed-count operations (guest_args bulk=1, the default; bulk=0 runs
 * them with no iteration, for the calibration run):
 *
 *     movsb4k        64 x rep movsb of 4 KiB RAM -> RAM (baseline)
 *     outsb4k        64 x rep outsb of a page-aligned 4 KiB of RAM to port
 *                    0xe0: one IOIO exit each, the I/O Assist moves the
 *                    page (a fixed count: each costs ~1M instructions)
 *     bulk_ramload   100,000 loads from RAM (the baseline for the next two)
 *     bulk_mmioload  100,000 loads from the MMIO buffer
 *     bulk_ine0      100,000 reads of port 0xe0
 *     bulk_movsb1m   one rep movsb of 1 MiB RAM -> RAM (baseline)
 *     bulk_outsb1m   one rep outsb of 1 MiB of RAM to port 0xe0: 256
 *                    IOIO exits if the I/O Assist moves a page per exit
 *
 * The 1 MiB buffers are plain RAM at BENCH_BIG_SRC and BENCH_BIG_DST
 * (an image must end below 0x90000, guest_abi.h), inside the entry
 * stub's 1 GiB identity map; the MMIO buffer is mapped (uncached) by
 * gl_pgmap_mmio().
 *
 * RDTSC itself is not intercepted (the guest sees host TSC + TSC_OFFSET).
 * Under QEMU with -icount shift=0 the TSC advances by one per executed
 * instruction, guest and hypervisor alike, so the numbers are exact
 * instruction counts and repeat from run to run.
 *
 * Every number is printed in a fixed-width field, so the console output,
 * and with it the COM1 accesses (LSR reads and a data write per byte,
 * each an IOIO exit: gl_printf.h), is the same for every N: a run with
 * iterations=0 bulk=0 gives the exits that do not belong to the loops,
 * and the difference to a run with N iterations is the exits of the
 * loops (exit_cost.py checks it against the per-loop counts). The exit
 * counters are read by VMMCALL outside the timed region, the same number
 * of times in every run.
 *
 * Outside the loops the guest executes no CPUID, RDMSR or WRMSR, except
 * the runtime's EFER accesses (entering long mode) and the two CPUIDs of
 * gl_hv_is_svmhv(). Exit status 0, or 1 on bad guest_args or too
 * little RAM.
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_hv.h"
#include "gl_pgmap.h"
#include "gl_printf.h"

#define BENCH_DEFAULT_ITER 1000u
#define BENCH_MAX_ITER     1000000u
#define BENCH_BULK_LOADS   100000u
#define BENCH_STR_4K       64u
#define BENCH_MMIO         0xff000000u          /* pc-testdev MMIO buffer */
#define BENCH_BIG_SRC      0x800000u            /* 1 MiB of RAM at 8 MiB */
#define BENCH_BIG_DST      0xa00000u            /* and at 10 MiB */
#define BENCH_BIG_END      0xc00000u

/* Two RAM pages: loads, stores and the 4 KiB string source and target. */
static uint8_t bench_ram[2 * 4096] __attribute__((aligned(4096)));

/*
 * One timed loop. The counter is R8, the start TSC is kept in R9, R10
 * and R11 hold the addresses p and q (set before the first RDTSC); EAX,
 * EBX, ECX, EDX, RSI, RDI are free for the operation (CPUID writes the
 * first four). n == 0 skips the loop: only the fences and the two RDTSC
 * (and the loads of R8) are timed.
 */
#define BENCH_LOOP(name, body)                                          \
static uint64_t bench_loop_##name(uint64_t n, uintptr_t p, uintptr_t q) \
{                                                                       \
	uint64_t ticks;                                                 \
                                                                        \
	__asm__ volatile(                                               \
	    "mov %[p], %%r10\n\t"                                       \
	    "mov %[q], %%r11\n\t"                                       \
	    "lfence\n\t"                                                \
	    "rdtsc\n\t"                                                 \
	    "lfence\n\t"                                                \
	    "shl $32, %%rdx\n\t"                                        \
	    "or %%rdx, %%rax\n\t"                                       \
	    "mov %%rax, %%r9\n\t"                                       \
	    "mov %[n], %%r8\n\t"                                        \
	    "test %%r8, %%r8\n\t"                                       \
	    "jz 2f\n"                                                   \
	    "1:\n\t"                                                    \
	    body                                                        \
	    "dec %%r8\n\t"                                              \
	    "jnz 1b\n"                                                  \
	    "2:\n\t"                                                    \
	    "lfence\n\t"                                                \
	    "rdtsc\n\t"                                                 \
	    "lfence\n\t"                                                \
	    "shl $32, %%rdx\n\t"                                        \
	    "or %%rdx, %%rax\n\t"                                       \
	    "sub %%r9, %%rax\n\t"                                       \
	    : "=&a"(ticks)                                              \
	    : [n] "r"(n), [p] "r"(p), [q] "r"(q)                        \
	    : "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",     \
	      "r11", "cc", "memory");                                   \
	return ticks;                                                   \
}

BENCH_LOOP(empty, "")
BENCH_LOOP(add, "add $1, %%rbx\n\t")
BENCH_LOOP(cpuid, "xor %%eax, %%eax\n\txor %%ecx, %%ecx\n\tcpuid\n\t")
BENCH_LOOP(out80, "outb %%al, $0x80\n\t")
BENCH_LOOP(vmmcall, "xor %%eax, %%eax\n\tvmmcall\n\t")
BENCH_LOOP(rdmsr, "mov $0x10, %%ecx\n\trdmsr\n\t")
BENCH_LOOP(wrmsr, "mov $0x174, %%ecx\n\txor %%eax, %%eax\n\txor %%edx, %%edx\n\twrmsr\n\t")
BENCH_LOOP(oute0, "outb %%al, $0xe0\n\t")
BENCH_LOOP(ine0, "inb $0xe0, %%al\n\t")
BENCH_LOOP(load, "mov (%%r10), %%eax\n\t")
BENCH_LOOP(store, "mov %%eax, (%%r10)\n\t")
/* String forms: RCX bytes from R10 (to R11), as many as p's buffer holds. */
BENCH_LOOP(movsb4k, "mov %%r10, %%rsi\n\tmov %%r11, %%rdi\n\tmov $0x1000, %%ecx\n\t"
    "rep movsb\n\t")
BENCH_LOOP(outsb4k, "mov %%r10, %%rsi\n\tmov $0xe0, %%edx\n\tmov $0x1000, %%ecx\n\t"
    "rep outsb\n\t")
BENCH_LOOP(movsb1m, "mov %%r10, %%rsi\n\tmov %%r11, %%rdi\n\tmov $0x100000, %%ecx\n\t"
    "rep movsb\n\t")
BENCH_LOOP(outsb1m, "mov %%r10, %%rsi\n\tmov $0xe0, %%edx\n\tmov $0x100000, %%ecx\n\t"
    "rep outsb\n\t")

/* Where an operation works: p and q for R10 and R11. */
enum bench_mem { BENCH_NONE, BENCH_RAM, BENCH_MMIO_BUF, BENCH_BIG };

struct bench_op {
	const char *name;
	uint64_t (*loop)(uint64_t n, uintptr_t p, uintptr_t q);
	enum bench_mem mem;
	uint32_t exit;                  /* exit code it causes, 0: none */
	uint32_t count;                 /* 0: N iterations; else this many with bulk=1 */
};

static const struct bench_op bench_ops[] = {
	{ "empty",         bench_loop_empty,   BENCH_NONE,     0,               0 },
	{ "add",           bench_loop_add,     BENCH_NONE,     0,               0 },
	{ "cpuid",         bench_loop_cpuid,   BENCH_NONE,     GL_EXIT_CPUID,   0 },
	{ "out80",         bench_loop_out80,   BENCH_NONE,     GL_EXIT_IOIO,    0 },
	{ "vmmcall",       bench_loop_vmmcall, BENCH_NONE,     GL_EXIT_VMMCALL, 0 },
	{ "rdmsr",         bench_loop_rdmsr,   BENCH_NONE,     GL_EXIT_MSR,     0 },
	{ "wrmsr",         bench_loop_wrmsr,   BENCH_NONE,     GL_EXIT_MSR,     0 },
	{ "oute0",         bench_loop_oute0,   BENCH_NONE,     GL_EXIT_IOIO,    0 },
	{ "ine0",          bench_loop_ine0,    BENCH_NONE,     GL_EXIT_IOIO,    0 },
	{ "ramload",       bench_loop_load,    BENCH_RAM,      0,               0 },
	{ "mmioload",      bench_loop_load,    BENCH_MMIO_BUF, GL_EXIT_NPF,     0 },
	{ "ramstore",      bench_loop_store,   BENCH_RAM,      0,               0 },
	{ "mmiostore",     bench_loop_store,   BENCH_MMIO_BUF, GL_EXIT_NPF,     0 },
	{ "movsb4k",       bench_loop_movsb4k, BENCH_RAM,      0,               BENCH_STR_4K },
	{ "outsb4k",       bench_loop_outsb4k, BENCH_RAM,      GL_EXIT_IOIO,    BENCH_STR_4K },
	{ "bulk_ramload",  bench_loop_load,    BENCH_RAM,      0,               BENCH_BULK_LOADS },
	{ "bulk_mmioload", bench_loop_load,    BENCH_MMIO_BUF, GL_EXIT_NPF,     BENCH_BULK_LOADS },
	{ "bulk_ine0",     bench_loop_ine0,    BENCH_NONE,     GL_EXIT_IOIO,    BENCH_BULK_LOADS },
	{ "bulk_movsb1m",  bench_loop_movsb1m, BENCH_BIG,      0,               1 },
	{ "bulk_outsb1m",  bench_loop_outsb1m, BENCH_BIG,      GL_EXIT_IOIO,    1 },
};

#define BENCH_NOPS ARRAY_SIZE(bench_ops)

struct bench_result {
	uint32_t n;
	uint64_t ticks;
	int64_t exits;                  /* -1: counters not available */
	int64_t intr;
};

/* svmhv's count of exits with code, or -1 (not under svmhv). */
static int64_t bench_count(bool hv, uint32_t code)
{
	uint64_t c;

	if (!hv || gl_hv_exit_count(code, &c) != 0)
		return -1;
	return (int64_t)c;
}

/*
 * Run op n times; count its exits and the INTR exits around it. The
 * readings are INTR then CODE before, CODE then INTR after: between the
 * two readings of CODE the only VMMCALL of our own is the second CODE
 * reading (counted before it runs), taken off when CODE is VMMCALL.
 */
static void bench_run(const struct bench_op *op, uint32_t n, bool hv, struct bench_result *r)
{
	static const uintptr_t p[] = {
		[BENCH_NONE] = 0, [BENCH_RAM] = 0, [BENCH_MMIO_BUF] = BENCH_MMIO,
		[BENCH_BIG] = BENCH_BIG_SRC,
	};
	uint32_t code = op->exit ? op->exit : GL_EXIT_NPF;
	uintptr_t src = op->mem == BENCH_RAM ? (uintptr_t)bench_ram : p[op->mem];
	uintptr_t dst = op->mem == BENCH_BIG ? BENCH_BIG_DST : (uintptr_t)bench_ram + 4096;
	int64_t i0, c0, c1, i1;

	i0 = bench_count(hv, GL_EXIT_INTR);
	c0 = bench_count(hv, code);
	r->n = n;
	r->ticks = op->loop(n, src, dst);
	c1 = bench_count(hv, code);
	i1 = bench_count(hv, GL_EXIT_INTR);
	r->exits = c0 < 0 || c1 < 0 ? -1 : c1 - c0 - (code == GL_EXIT_VMMCALL);
	r->intr = i0 < 0 || i1 < 0 ? -1 : i1 - i0;
}

void guest_main(void)
{
	struct bench_result res[BENCH_NOPS];
	uint64_t iter = BENCH_DEFAULT_ITER, bulk = 1;
	bool hv;

	if (gl_arg_u64("iterations", &iter) < 0 || iter > BENCH_MAX_ITER ||
	    gl_arg_u64("bulk", &bulk) < 0 || bulk > 1) {
		gl_printf("bench_exits: bad guest_args \"%s\" (want iterations=0..%u,bulk=0|1)\n",
		    gl_bootinfo()->args, BENCH_MAX_ITER);
		gl_exit(1);
	}
	if (gl_bootinfo()->ram_top < BENCH_BIG_END) {
		gl_printf("bench_exits: needs RAM up to 0x%x for the 1 MiB buffers\n",
		    BENCH_BIG_END);
		gl_exit(1);
	}
	gl_pgmap_mmio();
	hv = gl_hv_is_svmhv();
	/* Measure everything first, then print: no console exits in between. */
	for (unsigned i = 0; i < BENCH_NOPS; i++) {
		const struct bench_op *op = &bench_ops[i];

		bench_run(op, op->count ? (uint32_t)(bulk * op->count) : (uint32_t)iter, hv, &res[i]);
	}
	for (unsigned i = 0; i < BENCH_NOPS; i++) {
		const struct bench_result *r = &res[i];

		gl_printf("bench %-13s iterations=%-7u ticks=%-12llu per_op=%-10llu "
		    "exit=%04x exits=%-8lld intr=%-4lld\n",
		    bench_ops[i].name, r->n, (unsigned long long)r->ticks,
		    (unsigned long long)(r->n ? r->ticks / r->n : 0),
		    (unsigned)bench_ops[i].exit, (long long)r->exits, (long long)r->intr);
	}
	gl_printf("bench done\n");
	gl_exit(0);
}
