/*
 * lapic_timer.c - the local APIC timer (SDM Vol.3 11.5.4): one-shot and
 * periodic counts at LAPIC_BUS_HZ / divide, and TSC-deadline mode with
 * IA32_TSC_DEADLINE (11.5.4.1), on the machine's virtual clock.
 *
 * The count is not stored: timer_start is the virtual time at which the
 * count was timer_count0, and the current count is worked out from the
 * clock when read. timer_due is the next expiry (VCLOCK_NEVER: none)
 * and the clock's vtimer mirrors it. A masked LVT entry only stops the
 * interrupt, the count goes on.
 *
 * Choices:
 *  - Switching into or out of TSC-deadline mode disarms the timer (SDM
 *    11.5.4.1) and zeroes the initial count and IA32_TSC_DEADLINE; a
 *    switch between one-shot and periodic keeps the count running from
 *    its current value (as KVM does). Mode 11b (reserved) counts nothing.
 *  - A periodic timer faster than LAPIC_TIMER_MIN_NS per period
 *    delivers at most one interrupt per LAPIC_TIMER_MIN_NS, on a period
 *    boundary (the IRR bit coalesces them anyway); the current count
 *    stays exact.
 *  - A divide change while counting keeps the current count and goes on
 *    at the new rate (the SDM does not say; KVM rescales the same way).
 *    This and the one-shot <-> periodic switch restart the count at the
 *    current tick, so they lose the part of a tick already counted.
 *  - TSC-deadline: the deadline in guest TSC ticks becomes virtual ns
 *    with the clock's tsc_hz, rounded up; on expiry the guest TSC is
 *    checked again, so the interrupt never comes before the TSC reaches
 *    the deadline.
 */
#include "lapic_priv.h"

static bool lapic_timer_counts(const struct lapic *l)
{
	unsigned m = lapic_timer_mode(l);

	return m == LAPIC_TIMER_ONESHOT || m == LAPIC_TIMER_PERIODIC;
}

/* Divide configuration (SDM Figure 11-10): bits 3,1:0; 111b is divide by 1. */
static uint32_t lapic_timer_div(uint32_t tdcr)
{
	unsigned v = (tdcr & 3) | ((tdcr >> 1) & 4);

	return 1u << ((v + 1) & 7);
}

/* Virtual ns for count timer ticks at the current divide. */
static uint64_t lapic_count_ns(const struct lapic *l, uint64_t count)
{
	return vclock_ticks_to_ns(count * lapic_timer_div(l->regs[LAPIC_REG_TDCR]), LAPIC_BUS_HZ);
}

static uint64_t lapic_add_sat(uint64_t a, uint64_t b)
{
	return a + b < a || a + b == VCLOCK_NEVER ? VCLOCK_NEVER - 1 : a + b;
}

/* ns until a clock of hz Hz has counted ticks, rounded up (never early). */
static uint64_t lapic_ticks_ns_ceil(uint64_t ticks, uint64_t hz)
{
	uint64_t ns = vclock_ticks_to_ns(ticks, hz);

	if (ns != UINT64_MAX &&
	    (unsigned __int128)ns * hz < (unsigned __int128)ticks * VCLOCK_NS_PER_SEC)
		ns++;
	return ns;
}

/* The next expiry (VCLOCK_NEVER: none), mirrored into the clock. */
static void lapic_timer_set_due(struct lapic *l, uint64_t due)
{
	l->timer_due = due;
	vtimer_arm(&l->timer, due);
}

void lapic_timer_stop(struct lapic *l)
{
	l->timer_running = false;
	lapic_timer_set_due(l, VCLOCK_NEVER);
}

/* Count down from count starting at now (one-shot/periodic); 0 stops. */
void lapic_timer_start(struct lapic *l, uint64_t now, uint32_t count)
{
	if (count == 0 || !lapic_timer_counts(l)) {
		lapic_timer_stop(l);
		return;
	}
	l->timer_start = now;
	l->timer_count0 = count;
	l->timer_running = true;
	l->timer_period = lapic_count_ns(l, l->regs[LAPIC_REG_TMICT]);
	lapic_timer_set_due(l, lapic_add_sat(now, lapic_count_ns(l, count)));
}

/* The current-count register at now (SDM 11.5.4: 0 once a one-shot count ended). */
uint32_t lapic_timer_current(const struct lapic *l, uint64_t now)
{
	uint64_t elapsed, ticks;
	uint32_t init = l->regs[LAPIC_REG_TMICT];

	if (!l->timer_running || !lapic_timer_counts(l))
		return 0;
	elapsed = now > l->timer_start ? now - l->timer_start : 0;
	ticks = vclock_ns_to_ticks(elapsed, LAPIC_BUS_HZ) /
		lapic_timer_div(l->regs[LAPIC_REG_TDCR]);
	if (ticks < l->timer_count0)
		return (uint32_t)(l->timer_count0 - ticks);
	if (lapic_timer_mode(l) != LAPIC_TIMER_PERIODIC || init == 0)
		return 0;
	return init - (uint32_t)((ticks - l->timer_count0) % init);
}

/* Periodic: deliver and move to the first period boundary after now. */
static void lapic_timer_reload(struct lapic *l, uint64_t now)
{
	uint64_t due = l->timer_due, p = l->timer_period, last, next;

	lapic_lvt_fire(l, LAPIC_REG_LVT_TIMER);
	if (p == 0) {
		lapic_timer_stop(l);
		return;
	}
	last = due + (now - due) / p * p;       /* the last boundary at or before now */
	next = last + p;
	if (p < LAPIC_TIMER_MIN_NS)     /* next - now <= p: skip to now + MIN or later */
		next += (LAPIC_TIMER_MIN_NS - (next - now) + p - 1) / p * p;
	l->timer_start = last;
	l->timer_count0 = l->regs[LAPIC_REG_TMICT];
	lapic_timer_set_due(l, next);
}

/*
 * Run the timer's expiry if it is due at now (lock held): from the
 * clock's callback and before any register access that depends on it,
 * so the guest never sees a count that passed zero without its interrupt.
 */
static void lapic_timer_fire(struct lapic *l, uint64_t now)
{
	uint64_t tsc;

	if (l->timer_due > now)
		return;
	switch (lapic_timer_mode(l)) {
	case LAPIC_TIMER_TSCDL:
		if (l->tsc_deadline == 0)
			break;
		tsc = vclock_guest_tsc(l->clk);
		if (tsc < l->tsc_deadline) {
			uint64_t ns = lapic_ticks_ns_ceil(l->tsc_deadline - tsc, l->clk->tsc_hz);

			lapic_timer_set_due(l, lapic_add_sat(now, ns));         /* ns >= 1 */
			return;
		}
		l->tsc_deadline = 0;            /* SDM 11.5.4.1: disarms itself */
		lapic_timer_stop(l);
		lapic_lvt_fire(l, LAPIC_REG_LVT_TIMER);
		return;
	case LAPIC_TIMER_PERIODIC:
		if (l->timer_running) {
			lapic_timer_reload(l, now);
			return;
		}
		break;
	case LAPIC_TIMER_ONESHOT:
		if (l->timer_running)
			lapic_lvt_fire(l, LAPIC_REG_LVT_TIMER);
		break;
	}
	lapic_timer_stop(l);
}

/* The clock's callback: no lock held. */
void lapic_timer_expire(void *dev, uint64_t now)
{
	struct lapic *l = dev;

	vmm_lock_acquire(&l->lock);
	lapic_timer_fire(l, now);
	vtimer_arm(&l->timer, l->timer_due);    /* the clock disarmed it */
	vmm_lock_release(&l->lock);
}

/* Catch up with the clock before a register access (lock held). */
void lapic_timer_sync(struct lapic *l)
{
	if (l->timer_due != VCLOCK_NEVER)
		lapic_timer_fire(l, vclock_now(l->clk));
}

/*
 * LVT timer write: a change into or out of TSC-deadline mode disarms
 * (SDM 11.5.4.1); between one-shot and periodic the count goes on from
 * its current value in the new mode.
 */
void lapic_timer_write_lvt(struct lapic *l, uint32_t val)
{
	unsigned old = lapic_timer_mode(l);
	uint64_t now = vclock_now(l->clk);
	uint32_t cur = lapic_timer_current(l, now);

	l->regs[LAPIC_REG_LVT_TIMER] = val;
	if ((old == LAPIC_TIMER_TSCDL) != (lapic_timer_mode(l) == LAPIC_TIMER_TSCDL)) {
		lapic_timer_stop(l);
		l->regs[LAPIC_REG_TMICT] = 0;
		l->tsc_deadline = 0;
	} else if (old != lapic_timer_mode(l) && l->timer_running) {
		lapic_timer_start(l, now, cur);
	}
}

/* Divide configuration write: keep the current count, go on at the new rate. */
void lapic_timer_write_tdcr(struct lapic *l, uint32_t val)
{
	uint64_t now = vclock_now(l->clk);
	uint32_t cur = lapic_timer_current(l, now);

	l->regs[LAPIC_REG_TDCR] = val;
	if (l->timer_running)
		lapic_timer_start(l, now, cur);
}

/* IA32_TSC_DEADLINE write (SDM 11.5.4.1): ignored outside TSC-deadline mode; 0 disarms. */
void lapic_timer_write_deadline(struct lapic *l, uint64_t val)
{
	uint64_t now;

	if (lapic_timer_mode(l) != LAPIC_TIMER_TSCDL)
		return;
	l->tsc_deadline = val;
	if (val == 0) {
		lapic_timer_stop(l);
		return;
	}
	now = vclock_now(l->clk);
	lapic_timer_set_due(l, now);    /* fire() delivers now or arms at the deadline */
	lapic_timer_fire(l, now);
}
