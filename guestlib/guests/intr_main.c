/*
 * intr_main.c - guests intr_real, intr_pm32, intr_long: interrupts and
 * time on QEMU's pc machine (and on svmhv, which must behave the same).
 *
 * Every mode: the PIT through the 8259s, a pc-testdev line edge-triggered
 * through the 8259, STI;HLT woken by the PIT (intr_pic.c). pm32 and long
 * add the LAPIC and IOAPIC: the PIT and the line through the IOAPIC, the
 * line level-triggered with remote IRR (intr_apic.c), the LAPIC timer in
 * one-shot, periodic and TSC-deadline mode and self-IPIs, in xAPIC and
 * (when CPUID has it) x2APIC mode (intr_timer.c), the interrupt shadow
 * after STI and MOV SS (intr_shadow.c) and NMIs (intr_nmi.c).
 *
 * Time is the TSC (gl_tsc.h: CPUID 0x40000010 under svmhv, measured
 * against the PIT on plain QEMU). Tolerances are the issue's: 100 +- 2
 * ticks of a 1 kHz timer in 100 ms; one-shot timers must not fire early
 * and may be late by up to a period plus 10 ms (TCG on a busy host).
 * Waits for an interrupt that may never come are bounded busy-waits, so
 * a missing interrupt is a failed check, not a hang.
 *
 * guest_args: extnmi=1 waits up to 30 s for an NMI from outside (the
 * plain-QEMU test sends one with the monitor's "nmi" command).
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_hv.h"
#include "gl_intr.h"
#include "gl_printf.h"
#include "gl_tsc.h"
#include "tap.h"
#include "intr.h"
#if !defined(GL_MODE_REAL)
#include "gl_lapic.h"
#include "gl_pgmap.h"
#endif

void intr_line(unsigned irq, bool level)
{
	gl_outb((uint16_t)(PORT_TESTDEV_IRQ + irq), level);
}

/* Busy-wait (IF as it is) until *cnt >= want or us have passed. */
bool intr_wait(volatile unsigned *cnt, unsigned want, uint64_t us)
{
	uint64_t t0 = gl_rdtsc(), n = gl_tsc_from_us(us);

	while (*cnt < want) {
		if (gl_rdtsc() - t0 >= n)
			return false;
		__asm__ volatile("pause");
	}
	return true;
}

/*
 * Ticks of a periodic interrupt over window_us of TSC time, starting
 * right after a tick (IF must be set). 0 if no tick comes within 1 s.
 */
unsigned intr_count_ticks(volatile unsigned *ticks, uint64_t window_us)
{
	uint64_t t0, win = gl_tsc_from_us(window_us);
	unsigned n0 = *ticks;

	if (!intr_wait(ticks, n0 + 1, 1000000))
		return 0;
	t0 = gl_rdtsc();
	n0 = *ticks;
	while (gl_rdtsc() - t0 < win)
		__asm__ volatile("pause");
	return *ticks - n0;
}

bool intr_in_range(unsigned n, unsigned want, unsigned tol)
{
	return n + tol >= want && n <= want + tol;
}

/*
 * Edge-triggered delivery of the pc-testdev line through whatever route
 * is set up to count in *cnt: one interrupt per raise however long the
 * line stays up, none for lowering it, and a raise while IF=0 is taken
 * once IF is set again. Leaves the line low and IF clear.
 */
void intr_edge_checks(const char *via, volatile unsigned *cnt)
{
	unsigned a, b, c, d;

	*cnt = 0;
	gl_sti();
	intr_line(IRQ_LINE, true);
	intr_wait(cnt, 1, 100000);
	gl_tsc_delay_us(5000);
	a = *cnt;                               /* 1: the line is still up */
	intr_line(IRQ_LINE, false);
	gl_tsc_delay_us(2000);
	b = *cnt;                               /* 1: lowering is no edge */
	intr_line(IRQ_LINE, true);
	intr_wait(cnt, 2, 100000);
	gl_tsc_delay_us(2000);
	c = *cnt;                               /* 2 */
	intr_line(IRQ_LINE, false);
	gl_cli();
	intr_line(IRQ_LINE, true);
	gl_tsc_delay_us(2000);
	d = *cnt;                               /* still 2: IF = 0 */
	gl_sti();
	intr_wait(cnt, 3, 100000);
	gl_cli();
	intr_line(IRQ_LINE, false);
	tap_ok(a == 1 && b == 1, GL_MODE_NAME ": %s edge: one interrupt per raise, "
	    "none while the line stays up or falls", via);
	if (a != 1 || b != 1)
		tap_diag("after the first raise: %u, after lowering: %u", a, b);
	tap_eq(c, 2, GL_MODE_NAME ": %s edge: a second raise is a second interrupt", via);
	tap_ok(d == 2 && *cnt == 3, GL_MODE_NAME ": %s edge: raised with IF=0, "
	    "taken after STI", via);
	if (d != 2 || *cnt != 3)
		tap_diag("with IF=0: %u, after STI: %u (wanted 2, 3)", d, *cnt);
}

/* ---- the runtime's own interrupt path (gl_trap, gl_intr) ------------ */

#define INTR_VEC_NONE  0x99
#define INTR_VEC_SOFT  0x9a
#define INTR_MAGIC     0x5eed1234u

static void intr_int_none(void *arg)
{
	(void)arg;
	__asm__ volatile("int $0x99" : : : "memory");
}

/* INT 0x9a: the handler puts a value in rAX (the frame is restored). */
static void intr_soft_isr(struct gl_trapframe *tf)
{
#if defined(GL_MODE_LONG)
	tf->rax = INTR_MAGIC ^ (uint32_t)tf->vector;
#else
	tf->eax = INTR_MAGIC ^ tf->vector;
#endif
}

static void intr_runtime_checks(void)
{
	struct gl_fault f;
	unsigned long ax = 0;
	bool caught;

	caught = gl_try(intr_int_none, NULL, &f) != 0;
	tap_ok(caught && f.vector == INTR_VEC_NONE, GL_MODE_NAME ": INT 0x%x "
	    "without a handler is caught by gl_try (vector %u)", INTR_VEC_NONE,
	    caught ? f.vector : 0);
	gl_intr_set(INTR_VEC_SOFT, intr_soft_isr);
	__asm__ volatile("int $0x9a" : "+a"(ax) : : "memory");
	gl_intr_set(INTR_VEC_SOFT, NULL);
	tap_eq(ax, INTR_MAGIC ^ INTR_VEC_SOFT, GL_MODE_NAME ": INT 0x%x runs its "
	    "gl_intr_set() handler, which changes rAX in the frame", INTR_VEC_SOFT);
}

static void intr_tsc_checks(void)
{
	uint32_t khz = gl_tsc_khz();
	bool cpuid = gl_tsc_khz_from_cpuid();

	tap_diag("TSC %u kHz (%s)", khz, cpuid ? "CPUID 0x40000010" :
	    "measured against PIT counter 2");
	tap_ok(khz >= 100000 && khz <= 10000000,
	    GL_MODE_NAME ": TSC frequency known and plausible (%u kHz)", khz);
	if (gl_hv_is_svmhv())
		tap_ok(cpuid, GL_MODE_NAME ": svmhv gives the TSC frequency in "
		    "CPUID 0x40000010");
	else
		tap_skip("not under svmhv", GL_MODE_NAME ": svmhv gives the TSC "
		    "frequency in CPUID 0x40000010");
}

void guest_main(void)
{
	uint64_t ext = 0;

	gl_arg_u64("extnmi", &ext);
	intr_runtime_checks();
	intr_tsc_checks();
	intr_pic_tests();
#if !defined(GL_MODE_REAL)
	gl_pgmap_mmio();
	intr_apic_tests();
	intr_timer_tests(false);
	intr_shadow_tests();
	intr_nmi_tests(ext != 0);
	if (gl_lapic_has_x2apic()) {
		intr_timer_tests(true);
		gl_lapic_enable(false);
	} else {
		tap_skip("CPUID has no x2APIC", GL_MODE_NAME ": x2APIC mode: timer, "
		    "self-IPIs, EOI through MSRs");
	}
#endif
	tap_done();
}
