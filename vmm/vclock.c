/*
 * vclock.c - virtual clock and device timers (see vclock.h).
 *
 * A handful of timers (PIT channel 0, RTC, LAPIC timer, UART), so the
 * earliest deadline is found by a scan.
 */
#include "vclock.h"

void vclock_init(struct vclock *c, uint64_t (*now_ns)(void *ctx),
		 uint64_t (*guest_tsc)(void *ctx), uint64_t tsc_hz, void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->now_ns = now_ns;
	c->guest_tsc = guest_tsc;
	c->tsc_hz = tsc_hz;
	c->ctx = ctx;
	c->next = VCLOCK_NEVER;
}

int vclock_add_timer(struct vclock *c, struct vtimer *t, const char *name,
		     void (*expire)(void *dev, uint64_t now), void *dev)
{
	if (c->ntimers >= VCLOCK_MAX_TIMERS)
		return -1;
	t->deadline = VCLOCK_NEVER;
	t->clock = c;
	t->expire = expire;
	t->dev = dev;
	t->name = name;
	c->timers[c->ntimers++] = t;
	return 0;
}

/* The armed timer with the earliest deadline, or NULL. */
static struct vtimer *vclock_first(const struct vclock *c)
{
	struct vtimer *best = NULL;
	uint64_t bd = VCLOCK_NEVER;

	for (unsigned i = 0; i < c->ntimers; i++) {
		uint64_t d = __atomic_load_n(&c->timers[i]->deadline, __ATOMIC_RELAXED);

		if (d < bd) {
			bd = d;
			best = c->timers[i];
		}
	}
	return best;
}

uint64_t vclock_next_deadline(struct vclock *c)
{
	const struct vtimer *t = vclock_first(c);

	c->next = t != NULL ? t->deadline : VCLOCK_NEVER;
	return c->next;
}

unsigned vclock_run(struct vclock *c, uint64_t now)
{
	unsigned n = 0;
	struct vtimer *t;

	if (!vclock_due(c, now))
		return 0;
	while (n < VCLOCK_RUN_MAX && (t = vclock_first(c)) != NULL && t->deadline <= now) {
		/* Disarm first: expire() re-arms a periodic timer itself. */
		vtimer_disarm(t);
		t->expire(t->dev, now);
		n++;
	}
	vclock_next_deadline(c);
	return n;
}
