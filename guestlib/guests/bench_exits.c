/*
 * bench_exits.c - guest "bench_exits": what an intercepted instruction
 * costs, measured with RDTSC inside the guest (bench/exit_cost.py).
 *
 * For each operation it times N iterations (default 1000, or
 * guest_args=iterations=N, at most BENCH_MAX_ITER) of a tight loop
 *
 *     1: <op>; dec %r8; jnz 1b
 *
 * between two LFENCE; RDTSC pairs, and prints one line per operation:
 *
 *     bench NAME iterations=N ticks=T per_op=T/N
 *
 * The operations (APM Vol.3 for the instructions, Vol.2 15.9-15.13 for
 * which of them the hypervisor intercepts):
 *
 *     empty   nothing: the loop overhead (baseline)
 *     add     add $1, %rbx: an ordinary instruction, no exit
 *     cpuid   CPUID leaf 0 (EAX = ECX = 0 set in the loop): CPUID exit
 *     out     out %al, $0x80: IOIO exit, the hypervisor ignores the port
 *     vmmcall VMMCALL ping (EAX = 0 set in the loop): VMMCALL exit
 *     rdmsr   RDMSR of the TSC MSR 0x10 (ECX set in the loop): MSR exit
 *
 * RDTSC itself is not intercepted (the guest sees host TSC + TSC_OFFSET).
 * Under QEMU with -icount shift=0 the TSC advances by one per executed
 * instruction, guest and hypervisor alike, so the numbers are exact
 * instruction counts and repeat from run to run.
 *
 * Every number is printed in a fixed-width field, so the console output,
 * and with it the number of COM1 writes (one IOIO exit per byte, see
 * gl_printf.h), is the same for every N: a run with iterations=0 gives the
 * exits that do not belong to the loops, and the difference to a run with
 * N iterations, divided by N, is the exits per iteration.
 *
 * The guest executes no CPUID, VMMCALL or RDMSR outside the loops; the
 * runtime's one WRMSR (EFER, entering long mode) is the only other MSR
 * exit. Exit status 0.
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_printf.h"

#define BENCH_DEFAULT_ITER 1000u
#define BENCH_MAX_ITER     1000000u

/*
 * One timed loop. The counter is R8, the start TSC is kept in R9; EAX,
 * EBX, ECX, EDX are free for the operation (CPUID writes all four).
 * n == 0 skips the loop: only the fences and the two RDTSC are timed.
 */
#define BENCH_LOOP(name, body)                                          \
static uint64_t bench_loop_##name(uint64_t n)                          \
{                                                                       \
	uint64_t ticks;                                                 \
                                                                        \
	__asm__ volatile(                                               \
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
	    : [n] "r"(n)                                                \
	    : "rbx", "rcx", "rdx", "r8", "r9", "cc", "memory");         \
	return ticks;                                                   \
}

BENCH_LOOP(empty, "")
BENCH_LOOP(add, "add $1, %%rbx\n\t")
BENCH_LOOP(cpuid, "xor %%eax, %%eax\n\txor %%ecx, %%ecx\n\tcpuid\n\t")
BENCH_LOOP(out, "outb %%al, $0x80\n\t")
BENCH_LOOP(vmmcall, "xor %%eax, %%eax\n\tvmmcall\n\t")
BENCH_LOOP(rdmsr, "mov $0x10, %%ecx\n\trdmsr\n\t")

struct bench_op {
	const char *name;
	uint64_t (*loop)(uint64_t n);
};

static const struct bench_op bench_ops[] = {
	{ "empty",   bench_loop_empty },
	{ "add",     bench_loop_add },
	{ "cpuid",   bench_loop_cpuid },
	{ "out",     bench_loop_out },
	{ "vmmcall", bench_loop_vmmcall },
	{ "rdmsr",   bench_loop_rdmsr },
};

void guest_main(void)
{
	uint64_t ticks[ARRAY_SIZE(bench_ops)];
	uint64_t iter = BENCH_DEFAULT_ITER;
	uint32_t n;

	if (gl_arg_u64("iterations", &iter) < 0 || iter > BENCH_MAX_ITER) {
		gl_printf("bench_exits: bad guest_args \"%s\" (want iterations=0..%u)\n",
		    gl_bootinfo()->args, BENCH_MAX_ITER);
		gl_exit(1);
	}
	n = (uint32_t)iter;
	/* Measure everything first, then print: no console exits in between. */
	for (unsigned i = 0; i < ARRAY_SIZE(bench_ops); i++)
		ticks[i] = bench_ops[i].loop(n);
	for (unsigned i = 0; i < ARRAY_SIZE(bench_ops); i++)
		gl_printf("bench %-7s iterations=%-7u ticks=%-12llu per_op=%-10llu\n",
		    bench_ops[i].name, n, (unsigned long long)ticks[i],
		    (unsigned long long)(n ? ticks[i] / n : 0));
	gl_printf("bench done\n");
	gl_exit(0);
}
