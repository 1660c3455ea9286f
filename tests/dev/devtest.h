/*
 * devtest.h - what the host tests of vmm/ devices share: TAP output, a
 * fake virtual clock the test moves by hand, and interrupt lines that
 * record their level and count rising edges.
 *
 *   struct dt_clock clk; dt_clock_init(&clk);   -> clk.vc is a struct vclock
 *   dt_advance(&clk, ns);                        -> moves time, runs expired timers
 *   struct dt_irq irq; struct irq_line l = dt_irq_line(&irq, 4);
 *   irq.level, irq.edges                         -> what the device did to line 4
 */
#ifndef DEVTEST_H
#define DEVTEST_H

#include <stdio.h>
#include <string.h>

#include "../unit/utap.h"
#include "irq.h"
#include "vclock.h"
#include "vmm_log_hosted.h"

struct dt_clock {
	struct vclock vc;
	uint64_t now;           /* ns */
	uint64_t tsc_hz;
};

static uint64_t dt_clock_now(void *ctx)
{
	return ((struct dt_clock *)ctx)->now;
}

static uint64_t dt_clock_tsc(void *ctx)
{
	struct dt_clock *c = ctx;

	return vclock_ns_to_ticks(c->now, c->tsc_hz);
}

static void __attribute__((unused)) dt_clock_init(struct dt_clock *c)
{
	c->now = 0;
	c->tsc_hz = 2000000000ULL;      /* a 2 GHz guest TSC */
	vclock_init(&c->vc, dt_clock_now, dt_clock_tsc, c->tsc_hz, c);
}

/* Move time to now + ns, running timers at each deadline on the way. */
static void __attribute__((unused)) dt_advance(struct dt_clock *c, uint64_t ns)
{
	uint64_t end = c->now + ns, d;

	while ((d = vclock_next_deadline(&c->vc)) <= end) {
		if (d > c->now)
			c->now = d;
		vclock_run(&c->vc, c->now);
	}
	c->now = end;
}

struct dt_irq {
	bool level;
	unsigned edges;         /* rising edges seen */
	unsigned line;
};

static void dt_irq_set(void *ctx, unsigned line, bool level)
{
	struct dt_irq *i = ctx;

	i->line = line;
	if (level && !i->level)
		i->edges++;
	i->level = level;
}

static struct irq_line __attribute__((unused)) dt_irq_line(struct dt_irq *i, unsigned line)
{
	memset(i, 0, sizeof(*i));
	return (struct irq_line){ .set = dt_irq_set, .ctx = i, .line = line };
}

/* Check got == want (each evaluated once); on failure print both. */
#define DT_EQ(got, want, name) ({                                               \
	uint64_t dt_g_ = (uint64_t)(got), dt_w_ = (uint64_t)(want);             \
	ut_ok(dt_g_ == dt_w_, name, "wanted 0x%llx got 0x%llx",                 \
	      (unsigned long long)dt_w_, (unsigned long long)dt_g_);            \
})

#endif /* DEVTEST_H */
