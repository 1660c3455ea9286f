/*
 * intr_timer.c - the LAPIC timer and self-IPIs (pm32 and long guests,
 * see intr_main.c), in xAPIC mode or, with x2 set, in x2APIC mode (SDM
 * Vol.3 10.5.4 timer modes, 10.5.4.1 TSC-deadline, 10.6.1 ICR, 10.12.11
 * the x2APIC SELF IPI register).
 *
 *   one-shot   fires once, not before the programmed time, at most a
 *              period plus 10 ms late; the current count is then 0
 *   periodic   N interrupts in N periods (50 +- 2 of 2 ms in 100 ms)
 *   deadline   (if CPUID has it) fires once, not before the deadline; the
 *              MSR reads 0 afterwards (the timer "disarms itself and
 *              clears IA32_TSC_DEADLINE"); writing 0 disarms it
 *   STI;HLT    woken by the timer, returning right after the HLT
 *   self-IPI   a fixed IPI to this LAPIC's ID arrives once and leaves
 *              IRR and ISR clear after the EOI (x2APIC: also through the
 *              SELF IPI MSR)
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_intr.h"
#include "gl_lapic.h"
#include "gl_printf.h"
#include "gl_tsc.h"
#include "tap.h"
#include "intr.h"

#define IT_ONESHOT_US  20000u
#define IT_PERIOD_US   2000u
#define IT_SLACK_US    10000u
#define IT_MSR_SELF_IPI 0x83fu

static volatile unsigned it_count, it_hlt_n;
static volatile uint64_t it_tsc;
static volatile uintptr_t it_hlt_ip;
static const char *it_mode;

static void it_isr(struct gl_trapframe *tf)
{
	if (it_count++ == 0) {
		it_tsc = gl_rdtsc();
		it_hlt_ip = tf->ip;
	}
	gl_lapic_eoi();
}

static uint32_t it_lvt(unsigned mode)
{
	return IV_TIMER | (uint32_t)SHIFTIN(mode, GL_LAPIC_TIMER_MODE);
}

/* One interrupt only, within [t0 + us, t0 + 2 us + slack]; the window is checked. */
static void it_once(const char *what, uint64_t t0, uint64_t us)
{
	uint64_t lo = t0 + gl_tsc_from_us(us);
	uint64_t hi = t0 + gl_tsc_from_us(2 * us + IT_SLACK_US);

	intr_wait(&it_count, 1, 4 * us + 500000);
	gl_tsc_delay_us(3 * us);                /* time for a wrong second one */
	tap_eq(it_count, 1, GL_MODE_NAME ": %s%s fires exactly once", it_mode, what);
	tap_ok(it_count >= 1 && it_tsc >= lo && it_tsc <= hi, GL_MODE_NAME
	    ": %s%s fires at the programmed time (%llu us, wanted %llu .. %llu)",
	    it_mode, what, (unsigned long long)gl_tsc_to_us(it_tsc - t0),
	    (unsigned long long)us, (unsigned long long)(2 * us + IT_SLACK_US));
}

/* Returns whether the timer fired at all (the STI;HLT test needs it). */
static bool it_oneshot(uint32_t khz)
{
	uint64_t t0;
	bool fired;

	it_count = 0;
	gl_sti();
	t0 = gl_rdtsc();
	gl_lapic_timer(it_lvt(GL_LAPIC_TIMER_ONESHOT), khz * (IT_ONESHOT_US / 1000));
	it_once("one-shot timer", t0, IT_ONESHOT_US);
	gl_cli();
	fired = it_count != 0;
	tap_eq(gl_lapic_read(GL_LAPIC_TIMER_CCR), 0, GL_MODE_NAME
	    ": %sone-shot timer: current count 0 after it fired", it_mode);
	return fired;
}

static void it_periodic(uint32_t khz)
{
	unsigned n;

	it_count = 0;
	gl_sti();
	gl_lapic_timer(it_lvt(GL_LAPIC_TIMER_PERIODIC), khz * (IT_PERIOD_US / 1000));
	n = intr_count_ticks(&it_count, TICK_WINDOW_US);
	gl_cli();
	gl_lapic_timer(GL_LAPIC_MASKED, 0);
	tap_ok(intr_in_range(n, TICK_WINDOW_US / IT_PERIOD_US, 2), GL_MODE_NAME
	    ": %speriodic timer, 2 ms: %u interrupts in 100 ms (50 +- 2)", it_mode, n);
}

static void it_deadline(void)
{
	uint64_t t0, dl;
	unsigned before;

	if (!gl_lapic_has_tsc_deadline()) {
		tap_skip("CPUID has no TSC-deadline timer", GL_MODE_NAME
		    ": %sTSC-deadline timer", it_mode);
		return;
	}
	gl_lapic_timer(it_lvt(GL_LAPIC_TIMER_DEADLINE), 0);
	/* SDM 10.5.4.1: order the LVT write (MMIO in xAPIC mode) before WRMSR. */
	__asm__ volatile("mfence" : : : "memory");
	it_count = 0;
	gl_sti();
	t0 = gl_rdtsc();
	dl = t0 + gl_tsc_from_us(IT_ONESHOT_US);
	gl_wrmsr(GL_MSR_TSC_DEADLINE, dl);
	it_once("TSC-deadline timer", t0, IT_ONESHOT_US);
	tap_eq(gl_rdmsr(GL_MSR_TSC_DEADLINE), 0, GL_MODE_NAME
	    ": %sTSC-deadline MSR reads 0 after the timer fired", it_mode);

	/* Armed, then disarmed by writing 0 before the deadline. */
	before = it_count;
	gl_wrmsr(GL_MSR_TSC_DEADLINE, gl_rdtsc() + gl_tsc_from_us(IT_ONESHOT_US));
	gl_wrmsr(GL_MSR_TSC_DEADLINE, 0);
	gl_tsc_delay_us(3 * IT_ONESHOT_US);
	gl_cli();
	tap_eq(it_count - before, 0, GL_MODE_NAME ": %sTSC-deadline: writing 0 "
	    "disarms the timer", it_mode);
	gl_lapic_timer(GL_LAPIC_MASKED, 0);
}

static uintptr_t it_sti_hlt(void)
{
	uintptr_t after;

	__asm__ volatile("mov $1f, %0\n\tsti\n\thlt\n1:\tcli" : "=r"(after) : : "memory");
	return after;
}

static void it_hlt(uint32_t khz)
{
	uintptr_t after;

	it_count = 0;
	gl_lapic_timer(it_lvt(GL_LAPIC_TIMER_ONESHOT), khz * 5);
	after = it_sti_hlt();
	tap_ok(it_count == 1 && it_hlt_ip == after, GL_MODE_NAME ": %sSTI;HLT "
	    "woken by the LAPIC timer, the interrupt returns right after the HLT",
	    it_mode);
	if (it_hlt_ip != after)
		tap_diag("interrupt pushed IP 0x%llx, the HLT ends at 0x%llx",
		    (unsigned long long)it_hlt_ip, (unsigned long long)after);
}

static void it_self_ipi(bool x2)
{
	uint32_t id = gl_lapic_id();
	bool clear;

	it_count = 0;
	gl_lapic_ipi(IV_IPI | GL_LAPIC_LEVEL_ASSERT, id);
	gl_sti();
	intr_wait(&it_count, 1, 100000);
	gl_tsc_delay_us(2000);
	gl_cli();
	clear = !gl_lapic_bit(GL_LAPIC_IRR, IV_IPI) && !gl_lapic_bit(GL_LAPIC_ISR, IV_IPI);
	tap_eq(it_count, 1, GL_MODE_NAME ": %sfixed IPI to the own APIC ID (%u) "
	    "arrives once", it_mode, id);
	tap_ok(clear, GL_MODE_NAME ": %sfixed IPI: IRR and ISR clear after the EOI",
	    it_mode);
	if (!x2)
		return;
	it_count = 0;
	gl_wrmsr(IT_MSR_SELF_IPI, IV_IPI);
	gl_sti();
	intr_wait(&it_count, 1, 100000);
	gl_tsc_delay_us(2000);
	gl_cli();
	tap_eq(it_count, 1, GL_MODE_NAME ": %sSELF IPI MSR (0x83f) delivers once", it_mode);
}

void intr_timer_tests(bool x2)
{
	uint32_t khz;
	bool fired;

	gl_cli();
	it_mode = x2 ? "x2APIC: " : "";
	if (gl_lapic_enable(x2) != 0) {
		tap_ok(false, GL_MODE_NAME ": %sLAPIC enabled", it_mode);
		return;
	}
	if (x2)
		tap_ok(gl_rdmsr(GL_MSR_APIC_BASE) & GL_APIC_BASE_EXTD, GL_MODE_NAME
		    ": x2APIC: IA32_APIC_BASE.EXTD set, ID %u read from MSR 0x802",
		    gl_lapic_id());
	gl_intr_set(IV_TIMER, it_isr);
	gl_intr_set(IV_IPI, it_isr);
	khz = gl_lapic_timer_khz();
	tap_diag("%sLAPIC timer clock %u kHz", it_mode, khz);
	if (khz == 0) {
		tap_ok(false, GL_MODE_NAME ": %sLAPIC timer counts", it_mode);
		return;
	}
	fired = it_oneshot(khz);
	it_periodic(khz);
	it_deadline();
	if (fired)
		it_hlt(khz);
	else
		tap_ok(false, GL_MODE_NAME ": %sSTI;HLT woken by the LAPIC timer "
		    "(the timer never fired: not tried)", it_mode);
	it_self_ipi(x2);
}
