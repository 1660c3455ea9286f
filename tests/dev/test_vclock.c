/*
 * test_vclock.c - the virtual clock (vmm/vclock.c): timer order,
 * re-arming, the run bound, ns <-> tick conversions.
 */
#include "devtest.h"

static struct dt_clock clk;
static char order[64];
static unsigned norder;

struct tdev {
	char name;
	uint64_t period;
	struct vtimer t;
	unsigned fired;
	uint64_t last_now;
};

static void tdev_expire(void *dev, uint64_t now)
{
	struct tdev *d = dev;

	d->fired++;
	d->last_now = now;
	if (norder < sizeof(order) - 1)
		order[norder++] = d->name;
	if (d->period)
		vtimer_arm(&d->t, now + d->period);
}

static void bad_expire(void *dev, uint64_t now)
{
	struct tdev *d = dev;

	d->fired++;
	vtimer_arm(&d->t, now);         /* a bug: re-arms in the past */
}

int main(void)
{
	struct tdev a = { .name = 'a' }, b = { .name = 'b' }, p = { .name = 'p', .period = 100 };
	struct tdev bad = { .name = 'x' };

	dt_clock_init(&clk);
	DT_EQ(vclock_next_deadline(&clk.vc), VCLOCK_NEVER, "no timers: never");
	DT_EQ(vclock_add_timer(&clk.vc, &a.t, "a", tdev_expire, &a), 0, "add a");
	DT_EQ(vclock_add_timer(&clk.vc, &b.t, "b", tdev_expire, &b), 0, "add b");
	DT_EQ(vclock_add_timer(&clk.vc, &p.t, "p", tdev_expire, &p), 0, "add p");
	ut_ok(!vtimer_armed(&a.t), "added disarmed", NULL);
	vtimer_arm(&a.t, 500);
	vtimer_arm(&b.t, 300);
	ut_ok(!vclock_due(&clk.vc, 299) && vclock_due(&clk.vc, 300), "arming lowers the due hint", NULL);
	DT_EQ(vclock_next_deadline(&clk.vc), 300, "earliest deadline");
	DT_EQ(vclock_run(&clk.vc, 299), 0, "nothing before its deadline");
	DT_EQ(vclock_run(&clk.vc, 600), 2, "both expire");
	ut_ok(strcmp(order, "ba") == 0, "in deadline order", "order %s", order);
	ut_ok(!vtimer_armed(&a.t) && !vtimer_armed(&b.t), "one-shot timers disarmed after", NULL);
	ut_ok(!vclock_due(&clk.vc, 1000000), "nothing armed: nothing due after a run", NULL);
	vtimer_arm(&a.t, 700);
	vtimer_disarm(&a.t);
	ut_ok(vclock_due(&clk.vc, 700), "disarm leaves the hint early (a harmless extra check)", NULL);
	DT_EQ(vclock_run(&clk.vc, 800), 0, "a disarmed timer does not fire");
	ut_ok(!vclock_due(&clk.vc, 800), "the run recomputes the hint", NULL);

	clk.now = 600;
	vtimer_arm(&p.t, 650);
	dt_advance(&clk, 1000);        /* now 1600: p at 650, 750, ..., 1550 */
	DT_EQ(p.fired, 10, "periodic timer fires each period while time advances");
	DT_EQ(p.last_now, 1550, "last expiry at its deadline");
	vtimer_disarm(&p.t);

	for (unsigned i = 0; i < VCLOCK_MAX_TIMERS - 3; i++) {
		static struct tdev extra[VCLOCK_MAX_TIMERS];

		vclock_add_timer(&clk.vc, &extra[i].t, "e", tdev_expire, &extra[i]);
	}
	DT_EQ(vclock_add_timer(&clk.vc, &bad.t, "x", bad_expire, &bad), (uint64_t)-1, "table full refused");

	/* A timer that re-arms in the past cannot hang the run. */
	clk.vc.ntimers--;
	clk.vc.timers[clk.vc.ntimers] = NULL;
	vclock_add_timer(&clk.vc, &bad.t, "x", bad_expire, &bad);
	vtimer_arm(&bad.t, 0);
	DT_EQ(vclock_run(&clk.vc, clk.now), VCLOCK_RUN_MAX, "run bounded");

	DT_EQ(vclock_ns_to_ticks(1000000000ULL, 1193182), 1193182, "1 s of PIT ticks");
	DT_EQ(vclock_ticks_to_ns(1193182, 1193182), 1000000000ULL, "PIT ticks back to ns");
	DT_EQ(vclock_ns_to_ticks(1000, 1193182), 1, "1 us is one PIT tick (rounded down)");
	DT_EQ(vclock_ns_to_ticks(3600ULL * 1000000000ULL * 24 * 365, 5000000000ULL),
	      3600ULL * 24 * 365 * 5000000000ULL, "a year of 5 GHz ticks, no overflow");
	DT_EQ(vmm_muldiv64(~0ULL, 2, 1), ~0ULL, "muldiv saturates");
	DT_EQ(vmm_muldiv64(5, 3, 0), ~0ULL, "muldiv by zero saturates");
	return ut_done();
}
