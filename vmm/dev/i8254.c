/*
 * i8254.c - the 8254 interval timer and port 0x61 of a PC (see i8254.h).
 *
 * Sources: Intel 8254 datasheet (231164): "Mode Definitions" (modes
 * 0-5, OUT, GATE, when a count is loaded), "Read Operations" (counter
 * latch, read-back command, status byte and NULL COUNT), Table
 * "Minimum and Maximum Initial Counts"; the NMI Status and Control
 * register (port 0x61) of the PIIX4 and ICH datasheets.
 *
 * Nothing ticks. Each counter remembers when its counting element (CE)
 * took a count (load_tick) and how many clock pulses it had counted by
 * then (phase); CE and OUT at any tick follow from the mode. The input
 * clock's phase is global: tick k is at ceil(k * 10^9 / 1193182) ns of
 * virtual time, and a count written during tick T loads on the next
 * pulse, T + 1 ("the initial count is loaded on the next CLK pulse").
 *
 * Counter 0's OUT drives IRQ 0 through a vtimer armed for its next rising
 * edge: a pulse per period in modes 2 and 3 (and the end of the mode 4
 * strobe); in mode 0 the line follows OUT, high from terminal count to
 * the next count or control word. A timer that runs late (the host did
 * not run us) finds several periods due at once, keeping the phase:
 *  - reinject off: one edge, the other periods counted in missed;
 *  - reinject on (the monitor's choice, modes 2 and 3): the periods are
 *    owed. One edge is in flight at a time; the next owed one goes out
 *    when the monitor reports the previous one acknowledged (irq.h: the
 *    8259's INTA, the LAPIC's EOI of the IOAPIC pin's vector). This is
 *    what KVM's in-kernel PIT does in its default reinject mode: it
 *    counts pending ticks and injects the next when the guest acked the
 *    last (an ack notifier on the PIT's GSI), and forgets them when the
 *    line is unmasked (a mask notifier). A guest that counts its
 *    interrupts (Linux's jiffies, its check_timer() and calibration
 *    against the PM timer) then sees every period, late but not lost.
 *    Owed edges are capped at one second's worth (I8254_OWED_MAX at
 *    most): a long host pause gives a burst of at most that, paced by
 *    the guest's own acknowledges, and the rest counts as missed. They
 *    are dropped when the guest reprograms counter 0 (control word or
 *    count) or when the line's mask changes at a controller or an 8259
 *    poll takes it (irq_ack reset: the edge in flight may never be
 *    acknowledged, so the PIT stops waiting for it). An edge that was
 *    not acknowledged while the owed ones reached the cap is taken as
 *    lost too, so a lost edge costs at most a second, never the timer.
 *
 * Locks: the acknowledge (i8254_acked) comes with no lock held and takes
 * the PIT's, then may drive IRQ 0 (into the 8259 and IOAPIC locks, the
 * order of bus.h). The reset comes with an interrupt controller's lock
 * held, so it takes no lock: it sets reset_req atomically and the PIT
 * applies it under its own lock at its next event.
 *
 * Choices where the datasheet leaves the behaviour open:
 *  - CE before the first load after a control word reads what it held
 *    before (the counter stopped); a mode 1/5 counter never triggered
 *    reads that too.
 *  - Count 1 in modes 2 and 3 is illegal (minimum 2): mode 2 then holds
 *    OUT low, mode 3 holds it high; neither gives edges.
 *  - A BCD count with digits above 9 counts from its digits' weighted sum
 *    modulo 10000.
 */
#include "i8254.h"

/* Control word (port 0x43). */
#define I8254_CW_BCD            BIT(0)
#define I8254_CW_MODE           BITS(3, 1)
#define I8254_CW_RW             BITS(5, 4)      /* 0: counter latch command */
#define I8254_CW_SC             BITS(7, 6)      /* 3: read-back command */
#define I8254_CW_LOW            BITS(5, 0)      /* kept for the status byte */
/* Read-back command. */
#define I8254_RB_CNT(i)         BIT((i) + 1)
#define I8254_RB_NSTATUS        BIT(4)          /* 0: latch status */
#define I8254_RB_NCOUNT         BIT(5)          /* 0: latch count */
/* Status byte. */
#define I8254_ST_NULL           BIT(6)
#define I8254_ST_OUT            BIT(7)
/* Port 0x61. */
#define I8254_P61_GATE2         BIT(0)
#define I8254_P61_KEEP          BITS(3, 0)      /* gate, speaker, SERR#/IOCHK# enables */
#define I8254_P61_REFRESH       BIT(4)
#define I8254_P61_OUT2          BIT(5)
#define I8254_REFRESH_NS        15085           /* refresh toggle half period */

/* Tick of the input clock at virtual time ns. */
static uint64_t i8254_tick(uint64_t ns)
{
	return vclock_ns_to_ticks(ns, I8254_HZ);
}

/* The first ns at which tick t has happened. */
static uint64_t i8254_tick_ns(uint64_t t)
{
	uint64_t ns = vclock_ticks_to_ns(t, I8254_HZ);

	return i8254_tick(ns) < t ? ns + 1 : ns;
}

static uint32_t i8254_modulus(const struct i8254_counter *c)
{
	return c->bcd ? 10000 : 0x10000;
}

/* A written count: 16 bits, four BCD digits if bcd; 0 is the largest count. */
static uint32_t i8254_decode(const struct i8254_counter *c, uint16_t raw)
{
	uint32_t v = raw;

	if (c->bcd)
		v = ((raw >> 12) & 0xf) * 1000 + ((raw >> 8) & 0xf) * 100 +
		    ((raw >> 4) & 0xf) * 10 + (raw & 0xf);
	v %= i8254_modulus(c);
	return v == 0 ? i8254_modulus(c) : v;
}

/* A CE value (0..modulus) as the 16 bits a read gives. */
static uint16_t i8254_encode(const struct i8254_counter *c, uint32_t v)
{
	v %= i8254_modulus(c);
	if (!c->bcd)
		return (uint16_t)v;
	return (uint16_t)((v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

/* Clock pulses counted at tick t since the count was loaded (t >= load_tick). */
static uint64_t i8254_elapsed(const struct i8254_counter *c, uint64_t t)
{
	if (c->frozen || t < c->load_tick)
		return c->phase;
	return c->phase + (t - c->load_tick);
}

/* True if CE holds a count it counts from at tick t. */
static bool i8254_loaded(const struct i8254_counter *c, uint64_t t)
{
	if (!c->armed || t < c->load_tick)
		return false;
	return !((c->mode == 1 || c->mode == 5) && !c->triggered);
}

/* ---------------------------------------------------------------------- */
/* CE and OUT at a tick */

/* CE at tick t, as a read gives it. */
static uint16_t i8254_ce(const struct i8254_counter *c, uint64_t t)
{
	uint32_t n_mod, v, m = i8254_modulus(c), q, hi;
	uint64_t n;

	if (!i8254_loaded(c, t))
		return c->pre_ce;
	n = i8254_elapsed(c, t);
	switch (c->mode) {
	case 2:                         /* N, N-1, ..., 1, N, ... */
		v = c->n - (uint32_t)(n % c->n);
		break;
	case 3:                         /* by two from N (even) or N-1 (odd), each half */
		n_mod = (uint32_t)(n % c->n);
		hi = (c->n + 1) / 2;
		q = n_mod < hi ? n_mod : n_mod - hi;
		v = (c->n & ~1u) - 2 * q;
		break;
	default:                        /* down from N, wrapping past 0 */
		v = (c->n + m - (uint32_t)(n % m)) % m;
		break;
	}
	return i8254_encode(c, v);
}

/* OUT at tick t. */
static bool i8254_out(const struct i8254_counter *c, uint64_t t)
{
	uint64_t n;

	if ((c->mode == 2 || c->mode == 3) && !c->gate)
		return true;            /* GATE low forces OUT high */
	if (c->mode == 0 && c->write_msb)
		return false;           /* first byte of a new count written */
	if (!i8254_loaded(c, t))
		return c->pre_out;
	n = i8254_elapsed(c, t);
	switch (c->mode) {
	case 0:
	case 1:
		return n >= c->n;       /* low until terminal count */
	case 2:
		return n % c->n != c->n - 1;    /* low while CE is 1 */
	case 3:
		return n % c->n < (c->n + 1) / 2;
	default:                        /* 4, 5: low for the pulse at terminal count */
		return n != c->n;
	}
}

/* ---------------------------------------------------------------------- */
/* Rising edges of OUT */

/*
 * The first tick after a at which OUT rises, with the count now loaded
 * (ignoring a pending reload), or I8254_NEVER.
 */
static uint64_t i8254_sched_next(const struct i8254_counter *c, uint64_t a)
{
	uint64_t v, k, t;

	if (!c->armed || c->frozen)
		return I8254_NEVER;
	switch (c->mode) {
	case 2:
	case 3:                         /* at n = k * N, k >= 1 */
		if (!c->gate || c->n < 2)
			return I8254_NEVER;
		k = a < c->load_tick ? 1 : i8254_elapsed(c, a) / c->n + 1;
		return c->load_tick + k * c->n - c->phase;
	case 0:                         /* terminal count */
		v = c->n;
		break;
	case 1:
		if (!c->triggered)
			return I8254_NEVER;
		v = c->n;
		break;
	default:                        /* 4, 5: the end of the strobe */
		if (c->mode == 5 && !c->triggered)
			return I8254_NEVER;
		v = (uint64_t)c->n + 1;
		break;
	}
	if (v < c->phase)
		return I8254_NEVER;
	t = c->load_tick + v - c->phase;
	return t > a ? t : I8254_NEVER;
}

/* Rising edges in ticks (a, b] with the count now loaded. */
static uint64_t i8254_sched_count(const struct i8254_counter *c, uint64_t a, uint64_t b)
{
	uint64_t t;

	if ((c->mode == 2 || c->mode == 3) && c->armed && !c->frozen && c->gate && c->n >= 2) {
		uint64_t fa = a < c->load_tick ? 0 : (a - c->load_tick + c->phase) / c->n;
		uint64_t fb = b < c->load_tick ? 0 : (b - c->load_tick + c->phase) / c->n;

		return fb - fa;
	}
	t = i8254_sched_next(c, a);
	return t <= b ? 1 : 0;
}

/*
 * Modes 2 and 3: the pending count takes over at reload_tick ("at the end
 * of the current counting cycle" / "half-cycle"). In mode 3 a reload at
 * the end of the high half starts in the low half of the new count.
 */
static void i8254_reload(struct i8254_counter *c)
{
	uint64_t p = c->reload_tick;
	bool low = c->mode == 3 && i8254_elapsed(c, p) % c->n != 0;

	c->n = c->cr;
	c->load_tick = p;
	c->phase = low ? (c->cr + 1) / 2 : 0;
	c->reload_tick = I8254_NEVER;
}

/* Apply a pending reload whose tick has come. */
static void i8254_sync(struct i8254_counter *c, uint64_t t)
{
	if (c->reload_tick <= t)
		i8254_reload(c);
}

/* The first rising edge after tick a, a pending reload included. */
static uint64_t i8254_next_edge(const struct i8254_counter *c, uint64_t a)
{
	struct i8254_counter tmp = *c;
	uint64_t e = i8254_sched_next(&tmp, a);

	if (tmp.reload_tick == I8254_NEVER || e <= tmp.reload_tick)
		return e;
	i8254_reload(&tmp);
	return i8254_sched_next(&tmp, a > tmp.load_tick ? a : tmp.load_tick);
}

/* Rising edges in ticks (a, b], a pending reload included. */
static uint64_t i8254_count_edges(const struct i8254_counter *c, uint64_t a, uint64_t b)
{
	struct i8254_counter tmp = *c;
	uint64_t cnt = 0;

	if (tmp.reload_tick <= b) {
		cnt = i8254_sched_count(&tmp, a, tmp.reload_tick);
		if (a < tmp.reload_tick)
			a = tmp.reload_tick;
		i8254_reload(&tmp);
	}
	return cnt + i8254_sched_count(&tmp, a, b);
}

/* ---------------------------------------------------------------------- */
/* IRQ 0 */

/* Drive IRQ 0 low if mode 0 left it high. */
static void i8254_irq_low(struct i8254 *pit)
{
	if (pit->irq_high) {
		pit->irq_high = false;
		irq_line_set(&pit->irq0, false);
	}
}

/* Owed edges dropped: count them as missed and stop waiting for an acknowledge. */
static void i8254_drop(struct i8254 *pit)
{
	pit->missed += pit->owed;
	pit->owed = 0;
	pit->in_flight = false;
}

/* Apply a reset the interrupt controllers asked for since the last event. */
static void i8254_take_reset(struct i8254 *pit)
{
	if (__atomic_exchange_n(&pit->reset_req, 0, __ATOMIC_ACQUIRE) != 0)
		i8254_drop(pit);
}

/* Give the next owed edge unless one is in flight. */
static void i8254_give(struct i8254 *pit)
{
	if (pit->in_flight || pit->owed == 0)
		return;
	pit->owed--;
	pit->in_flight = true;
	irq_line_pulse(&pit->irq0);
}

/*
 * One second's worth of periods of counter 0, at most I8254_OWED_MAX
 * (n is 1..0x10000: at least 18).
 */
static uint32_t i8254_owed_cap(const struct i8254_counter *c)
{
	uint64_t cap = I8254_HZ / c->n;

	return cap > I8254_OWED_MAX ? I8254_OWED_MAX : (uint32_t)cap;
}

/*
 * Reinject: cnt more periods are due. At the cap the rest is missed and
 * an unacknowledged edge counts as lost.
 */
static void i8254_owe(struct i8254 *pit, uint64_t cnt)
{
	uint32_t cap = i8254_owed_cap(&pit->c[0]);

	i8254_take_reset(pit);
	if (pit->owed >= cap || cnt >= cap - pit->owed) {
		pit->missed += (unsigned)(cnt + pit->owed - cap);
		pit->owed = cap;
		pit->in_flight = false;
	} else {
		pit->owed += (uint32_t)cnt;
	}
	i8254_give(pit);
}

/*
 * Give IRQ 0 what counter 0 owed by tick t, then apply pending reloads.
 * Called before anything changes a counter. Reinject off, or not a
 * periodic mode: one edge whatever number of periods passed, the extra
 * ones go to missed.
 */
static void i8254_catch_up(struct i8254 *pit, uint64_t t)
{
	struct i8254_counter *c = &pit->c[0];

	if (pit->edge_tick <= t) {
		uint64_t cnt = i8254_count_edges(c, pit->edge_tick - 1, t);

		if (cnt > 0) {
			if (c->mode == 0) {
				pit->irq_high = true;
				irq_line_set(&pit->irq0, true);
			} else if (pit->reinject && (c->mode == 2 || c->mode == 3)) {
				i8254_owe(pit, cnt);
				cnt = 1;
			} else {
				irq_line_pulse(&pit->irq0);
			}
			pit->missed += (unsigned)(cnt - 1);
		}
		pit->edge_tick = I8254_NEVER;
	}
	for (unsigned i = 0; i < 3; i++)
		i8254_sync(&pit->c[i], t);
}

/* Arm the timer for counter 0's next rising edge after tick t. */
static void i8254_arm(struct i8254 *pit, uint64_t t)
{
	pit->edge_tick = i8254_next_edge(&pit->c[0], t);
	if (pit->edge_tick == I8254_NEVER)
		vtimer_disarm(&pit->timer);
	else
		vtimer_arm(&pit->timer, i8254_tick_ns(pit->edge_tick));
}

static void i8254_expire(void *dev, uint64_t now)
{
	struct i8254 *pit = dev;
	uint64_t t = i8254_tick(now);

	vmm_lock_acquire(&pit->lock);
	i8254_catch_up(pit, t);
	i8254_arm(pit, t);
	vmm_lock_release(&pit->lock);
}

/* ---------------------------------------------------------------------- */
/* Counting, gate and writes */

/* Stop counting at tick t, keeping the pulses counted so far. */
static void i8254_freeze(struct i8254_counter *c, uint64_t t)
{
	if (c->frozen)
		return;
	if (t >= c->load_tick) {
		c->phase = i8254_elapsed(c, t);
		c->load_tick = t;
	}
	c->frozen = true;
}

/* Count again from tick t: the next pulse, t + 1, counts. */
static void i8254_thaw(struct i8254_counter *c, uint64_t t)
{
	if (!c->frozen)
		return;
	c->frozen = false;
	if (t > c->load_tick)
		c->load_tick = t;
}

/* CE takes cr on the pulse after tick t (OUT before it: pre_out). */
static void i8254_start(struct i8254_counter *c, uint64_t t, bool pre_out)
{
	c->pre_ce = i8254_ce(c, t);
	c->pre_out = pre_out;
	c->load_tick = t + 1;
	c->phase = 0;
	c->n = c->cr;
	c->reload_tick = I8254_NEVER;
}

/*
 * A complete count was written to counter ci during tick t. CE and OUT
 * before the load come from the state before the write (armed is set
 * last: a counter with no count has none to divide by).
 */
static void i8254_load(struct i8254 *pit, unsigned ci, uint16_t raw, uint64_t t)
{
	struct i8254_counter *c = &pit->c[ci];

	if (ci == 0)
		i8254_drop(pit);        /* a new count: nothing owed at the old rate */
	c->cr = i8254_decode(c, raw);
	switch (c->mode) {
	case 0:                         /* OUT low; load on the next pulse */
	case 4:
		i8254_start(c, t, c->mode == 0 ? false : i8254_out(c, t));
		c->frozen = !c->gate;
		c->null_until = t + 1;
		if (ci == 0)
			i8254_irq_low(pit);
		break;
	case 1:                         /* armed: a trigger loads it */
	case 5:
		c->null_until = I8254_NEVER;
		break;
	default:                        /* 2, 3 */
		if (!c->armed || t < c->load_tick) {
			i8254_start(c, t, c->pre_out);  /* high since the control word */
			c->frozen = !c->gate;
			c->null_until = t + 1;
		} else if (c->frozen) {
			c->null_until = I8254_NEVER;    /* the gate's rise loads it */
		} else {
			/* The end of the current cycle (mode 2) or half-cycle (mode 3). */
			uint64_t n = i8254_elapsed(c, t), p = n % c->n, next;

			if (c->mode == 3 && p < (c->n + 1) / 2)
				next = n - p + (c->n + 1) / 2;
			else
				next = n - p + c->n;
			c->reload_tick = c->load_tick + next - c->phase;
			c->null_until = c->reload_tick;
		}
		break;
	}
	c->armed = true;
}

/* A data byte to counter ci (ports 0x40-0x42). */
static void i8254_write_counter(struct i8254 *pit, unsigned ci, uint8_t v, uint64_t t)
{
	struct i8254_counter *c = &pit->c[ci];
	uint16_t raw;

	switch (c->rw) {
	case 1:
		raw = v;
		break;
	case 2:
		raw = (uint16_t)(v << 8);
		break;
	default:
		if (!c->write_msb) {
			c->write_lsb = v;
			c->write_msb = true;
			/* Mode 0: "Writing the first byte disables counting. OUT is set low immediately." */
			if (c->mode == 0) {
				if (c->armed)
					i8254_freeze(c, t);
				if (ci == 0)
					i8254_irq_low(pit);
			}
			return;
		}
		c->write_msb = false;
		raw = (uint16_t)(c->write_lsb | v << 8);
		break;
	}
	i8254_load(pit, ci, raw, t);
}

/* Counter 2's gate (port 0x61 bit 0) goes to level during tick t. */
static void i8254_set_gate(struct i8254_counter *c, bool gate, uint64_t t)
{
	if (gate == c->gate)
		return;
	c->gate = gate;
	if (!c->armed)
		return;
	switch (c->mode) {
	case 0:                         /* GATE enables counting */
	case 4:
		if (!gate)
			i8254_freeze(c, t);
		else if (!(c->mode == 0 && c->write_msb))
			i8254_thaw(c, t);
		break;
	case 2:                         /* low: stop, OUT high; rise: reload */
	case 3:
		if (!gate) {
			i8254_freeze(c, t);
			if (c->reload_tick != I8254_NEVER) {
				c->reload_tick = I8254_NEVER;
				c->null_until = I8254_NEVER;
			}
		} else {
			i8254_start(c, t, true);
			c->frozen = false;
			if (c->null_until > t)
				c->null_until = t + 1;
		}
		break;
	default:                        /* 1, 5: a rise triggers */
		if (gate) {
			bool out = i8254_out(c, t);

			i8254_start(c, t, out);
			c->triggered = true;
			if (c->null_until > t)
				c->null_until = t + 1;
		}
		break;
	}
}

/* Counter latch command (or read-back's count half); ignored while a latch waits to be read. */
static void i8254_latch_count(struct i8254_counter *c, uint64_t t)
{
	if (c->latch_bytes != 0)
		return;
	c->latch = i8254_ce(c, t);
	c->latch_bytes = c->rw == 3 ? 2 : 1;
}

/* Status byte: OUT, NULL COUNT, and the programmed control bits. */
static uint8_t i8254_status(const struct i8254_counter *c, uint64_t t)
{
	uint8_t st = c->ctrl;

	if (i8254_out(c, t))
		st |= I8254_ST_OUT;
	if (t < c->null_until)
		st |= I8254_ST_NULL;
	return st;
}

/* Control word, counter latch or read-back command (port 0x43). */
static void i8254_control(struct i8254 *pit, uint8_t v, uint64_t t)
{
	unsigned sc = (unsigned)SHIFTOUT(v, I8254_CW_SC);
	struct i8254_counter *c;

	if (sc == 3) {
		for (unsigned i = 0; i < 3; i++) {
			c = &pit->c[i];
			if (!(v & I8254_RB_CNT(i)))
				continue;
			if (!(v & I8254_RB_NCOUNT))
				i8254_latch_count(c, t);
			if (!(v & I8254_RB_NSTATUS) && !c->status_latched) {
				c->status = i8254_status(c, t);
				c->status_latched = true;
			}
		}
		return;
	}
	c = &pit->c[sc];
	if (SHIFTOUT(v, I8254_CW_RW) == 0) {
		i8254_latch_count(c, t);
		return;
	}
	/* "all Control Logic is immediately reset": the counter waits for a count. */
	c->pre_ce = i8254_ce(c, t);
	c->ctrl = v & I8254_CW_LOW;
	c->rw = (uint8_t)SHIFTOUT(v, I8254_CW_RW);
	c->mode = (uint8_t)SHIFTOUT(v, I8254_CW_MODE);
	if (c->mode >= 6)
		c->mode -= 4;           /* x10 is mode 2, x11 mode 3 */
	c->bcd = (v & I8254_CW_BCD) != 0;
	c->armed = c->triggered = c->frozen = false;
	c->reload_tick = c->null_until = I8254_NEVER;
	c->pre_out = c->mode != 0;
	c->read_msb = c->write_msb = false;
	c->latch_bytes = 0;
	c->status_latched = false;
	if (sc == 0) {
		i8254_irq_low(pit);
		i8254_drop(pit);        /* reprogrammed or stopped: nothing owed */
	}
}

/* A read of counter ci: latched status, latched count, or CE now. */
static uint8_t i8254_read_counter(struct i8254_counter *c, uint64_t t)
{
	uint16_t v;
	uint8_t b;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->latch_bytes != 0) {
		v = c->latch;
		c->latch_bytes--;
	} else {
		v = i8254_ce(c, t);
	}
	switch (c->rw) {
	case 1:
		return (uint8_t)v;
	case 2:
		return (uint8_t)(v >> 8);
	default:
		b = c->read_msb ? (uint8_t)(v >> 8) : (uint8_t)v;
		c->read_msb = !c->read_msb;
		return b;
	}
}

/* ---------------------------------------------------------------------- */
/* Ports */

/* 0x40-0x43 and 0x61; lock held by the bus. */
static void i8254_pio(void *dev, uint16_t port, bool write, unsigned size, uint32_t *val)
{
	struct i8254 *pit = dev;
	uint64_t now = vclock_now(pit->clk), t = i8254_tick(now);
	uint8_t v = (uint8_t)*val;

	(void)size;                     /* BUS_BYTE_PORTS */
	i8254_catch_up(pit, t);
	if (port == 0x61) {
		if (write) {
			pit->port61 = v & I8254_P61_KEEP;
			i8254_set_gate(&pit->c[2], (v & I8254_P61_GATE2) != 0, t);
		} else {
			*val = pit->port61;
			if ((now / I8254_REFRESH_NS) & 1)
				*val |= I8254_P61_REFRESH;
			if (i8254_out(&pit->c[2], t))
				*val |= I8254_P61_OUT2;
		}
	} else if (port == 0x43) {
		if (write)
			i8254_control(pit, v, t);
		else
			*val = 0xff;    /* the control word register cannot be read */
	} else if (write) {
		i8254_write_counter(pit, port - 0x40, v, t);
	} else {
		*val = i8254_read_counter(&pit->c[port - 0x40], t);
	}
	i8254_arm(pit, t);
}

/* ---------------------------------------------------------------------- */
/* Public entry points */

/*
 * The state a PC BIOS leaves: counter 0 in mode 2 with count 0 (65536,
 * 18.2 Hz), counter 1 in mode 2 with count 18 (refresh), both loaded at
 * virtual time 0; counter 2 programmed for mode 3 (0xb6) with no count
 * yet and its gate low.
 */
void i8254_init(struct i8254 *pit, struct vclock *clk, struct irq_line irq0)
{
	static const uint8_t cw[3] = { 0x34, 0x54, 0xb6 };
	static const uint16_t count[3] = { 0, 18, 0 };

	memset(pit, 0, sizeof(*pit));
	pit->clk = clk;
	pit->irq0 = irq0;
	pit->edge_tick = I8254_NEVER;
	for (unsigned i = 0; i < 3; i++) {
		struct i8254_counter *c = &pit->c[i];

		c->gate = true;
		i8254_control(pit, cw[i], 0);
		if (i < 2) {
			c->cr = i8254_decode(c, count[i]);
			c->armed = true;
			c->n = c->cr;
			c->null_until = 0;
		}
	}
	pit->c[2].gate = false;
}

void i8254_set_reinject(struct i8254 *pit, bool on)
{
	vmm_lock_acquire(&pit->lock);
	pit->reinject = on;
	i8254_drop(pit);
	vmm_lock_release(&pit->lock);
}

/* IRQ 0 was acknowledged (no lock held): the next owed edge, if any. */
static void i8254_acked(void *ctx)
{
	struct i8254 *pit = ctx;

	vmm_lock_acquire(&pit->lock);
	i8254_take_reset(pit);
	if (pit->in_flight) {
		pit->in_flight = false;
		i8254_give(pit);
	}
	vmm_lock_release(&pit->lock);
}

/* A controller may have lost the edge in flight (its lock held: record only). */
static void i8254_reset(void *ctx)
{
	struct i8254 *pit = ctx;

	__atomic_store_n(&pit->reset_req, 1, __ATOMIC_RELEASE);
}

struct irq_ack i8254_irq_ack(struct i8254 *pit)
{
	return (struct irq_ack){ .acked = i8254_acked, .reset = i8254_reset, .ctx = pit };
}

int i8254_attach(struct i8254 *pit, struct bus *bus)
{
	if (bus_add_pio(bus, 0x40, 4, BUS_BYTE_PORTS, "pit", i8254_pio, pit, &pit->lock) != 0 ||
	    bus_add_pio(bus, 0x61, 1, BUS_BYTE_PORTS, "port61", i8254_pio, pit, &pit->lock) != 0 ||
	    vclock_add_timer(pit->clk, &pit->timer, "pit", i8254_expire, pit) != 0)
		return -1;
	vmm_lock_acquire(&pit->lock);
	i8254_arm(pit, i8254_tick(vclock_now(pit->clk)));
	vmm_lock_release(&pit->lock);
	return 0;
}
