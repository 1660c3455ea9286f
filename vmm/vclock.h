/*
 * vclock.h - the machine's virtual clock and the device timers on it.
 *
 * Virtual time is in nanoseconds since the machine was created and never
 * goes backwards. The host supplies it (hv/: from the host TSC, see
 * hv/tsc.c; host tests: a variable the test moves by hand), together with
 * the guest's TSC and its frequency for the LAPIC's TSC-deadline mode.
 *
 * A device owns its struct vtimer and registers it once; arming is a
 * store of the deadline. The monitor asks for the earliest deadline
 * (to arm the host's one-shot timer, or to know how long a halted vCPU
 * may sleep) and runs the expired timers after each exit and wake-up.
 * Timers fire late, never early: expire() gets the current time and
 * works out for itself how many periods have passed.
 */
#ifndef VCLOCK_H
#define VCLOCK_H

#include "vmm_env.h"

#define VCLOCK_NEVER       UINT64_MAX   /* deadline of a disarmed timer */
#define VCLOCK_MAX_TIMERS  16
#define VCLOCK_NS_PER_SEC  1000000000ULL

struct vclock;

struct vtimer {
	uint64_t deadline;              /* virtual ns; VCLOCK_NEVER: disarmed */
	struct vclock *clock;           /* set by vclock_add_timer() */
	/*
	 * Called by vclock_run() once deadline <= now, without any lock
	 * held: it takes its device's lock itself. It may re-arm the timer,
	 * at a deadline after now (a periodic timer that fell behind skips
	 * to its next period after now and accounts for the missed ones).
	 */
	void (*expire)(void *dev, uint64_t now);
	void *dev;
	const char *name;               /* for logs */
};

struct vclock {
	uint64_t (*now_ns)(void *ctx);          /* virtual ns, monotonic */
	uint64_t (*guest_tsc)(void *ctx);       /* the guest's TSC now */
	void *ctx;
	uint64_t tsc_hz;                        /* guest TSC frequency */
	/*
	 * No timer is due before this (a lower bound of the earliest
	 * deadline: arming lowers it, vclock_run() recomputes it), so the
	 * exit path needs one comparison to know that nothing is due.
	 */
	uint64_t next;
	struct vtimer *timers[VCLOCK_MAX_TIMERS];
	unsigned ntimers;
};

/* Set up a clock with no timers. */
void vclock_init(struct vclock *c, uint64_t (*now_ns)(void *ctx),
		 uint64_t (*guest_tsc)(void *ctx), uint64_t tsc_hz, void *ctx);

static inline uint64_t vclock_now(const struct vclock *c)
{
	return c->now_ns(c->ctx);
}

static inline uint64_t vclock_guest_tsc(const struct vclock *c)
{
	return c->guest_tsc(c->ctx);
}

/*
 * Register t (disarmed) with its callback. Returns 0, or -1 if the clock
 * already has VCLOCK_MAX_TIMERS timers (a monitor bug: devices are
 * created once, at start).
 */
int vclock_add_timer(struct vclock *c, struct vtimer *t, const char *name,
		     void (*expire)(void *dev, uint64_t now), void *dev);

static inline void vtimer_arm(struct vtimer *t, uint64_t deadline)
{
	__atomic_store_n(&t->deadline, deadline, __ATOMIC_RELAXED);
	if (t->clock != NULL && deadline < t->clock->next)
		t->clock->next = deadline;
}

static inline void vtimer_disarm(struct vtimer *t)
{
	__atomic_store_n(&t->deadline, VCLOCK_NEVER, __ATOMIC_RELAXED);
}

static inline bool vtimer_armed(const struct vtimer *t)
{
	return __atomic_load_n(&t->deadline, __ATOMIC_RELAXED) != VCLOCK_NEVER;
}

/* The earliest deadline of all timers, VCLOCK_NEVER if none is armed. */
uint64_t vclock_next_deadline(struct vclock *c);

/* True if a timer may be due at now (cheap: one comparison). */
static inline bool vclock_due(const struct vclock *c, uint64_t now)
{
	return now >= c->next;
}

/*
 * Call expire() of every timer whose deadline is <= now, in deadline
 * order, until none is left. A timer that re-arms at or before now runs
 * again, at most VCLOCK_RUN_MAX calls in all (a device bug must not hang
 * the hypervisor). Returns the number of calls.
 */
#define VCLOCK_RUN_MAX 256
unsigned vclock_run(struct vclock *c, uint64_t now);

/* Conversions between ns and ticks of a clock of hz Hz (rounding down). */
static inline uint64_t vclock_ns_to_ticks(uint64_t ns, uint64_t hz)
{
	return vmm_muldiv64(ns, hz, VCLOCK_NS_PER_SEC);
}

static inline uint64_t vclock_ticks_to_ns(uint64_t ticks, uint64_t hz)
{
	return vmm_muldiv64(ticks, VCLOCK_NS_PER_SEC, hz);
}

#endif /* VCLOCK_H */
