/*
 * lapic.c - a local APIC per vCPU (see lapic.h): the xAPIC register page,
 * the x2APIC MSRs, IA32_APIC_BASE, interrupt acceptance and priorities,
 * the LVT, EOI and IPIs. The timer is in lapic_timer.c.
 *
 * Sources: Intel SDM Vol.3 chapter 11 (Table 11-1 register map, 11.4.4
 * IA32_APIC_BASE, 11.4.7 reset and software disable, 11.5 LVT, ESR and
 * timer, 11.6 ICR and destinations, 11.8 priorities and EOI, 11.12
 * x2APIC); AMD APM Vol.2 16.3-16.4 agrees on everything used here.
 *
 * Choices (where the SDM leaves room or we model less):
 *  - Version register 0x00050014: version 0x14 (an integrated xAPIC),
 *    max LVT entry 5, i.e. six LVT entries (timer, thermal, performance,
 *    LINT0, LINT1, error) and no CMCI, no EOI-broadcast suppression
 *    (bit 24 clear, so SVR bit 12 is reserved). KVM reports the same
 *    value by default; Linux uses max LVT to decide which LVTs exist.
 *    CMCI (0x2f0) is absent: reads 0 in xAPIC mode, #GP in x2APIC mode.
 *  - APR (0x090) reads 0 and is absent in x2APIC mode (as in KVM; the
 *    arbitration priority only matters on the P6 bus). Remote read
 *    (0x0c0) and other reserved offsets read 0 and ignore writes in
 *    xAPIC mode; in x2APIC mode they give #GP (SDM 11.12.1.2).
 *  - xAPIC accesses: the SDM (11.4.1) only defines aligned 32-bit
 *    accesses. Reads of 1, 2, 4 or 8 bytes return those bytes of the
 *    16-byte slot (register in bytes 0-3, zeros after); writes that are
 *    not 32 bits at the start of a slot are dropped (KVM does the same).
 *  - x2APIC writes (SDM 11.12.1.3): bits 63:32 (except ICR) and other
 *    reserved bits give #GP; read-only bits (delivery status, Remote
 *    IRR) may be written back as read and are ignored.
 *  - ESR: errors detected are "send illegal vector" (an ICR fixed or
 *    lowest-priority IPI with vector 0-15: not sent) and "receive
 *    illegal vector" (anything accepted locally with vector 0-15,
 *    including the x2APIC SELF IPI). Illegal register address is not
 *    reported. A new error raises the LVT error interrupt.
 *  - IPIs: fixed and NMI to this APIC; lowest priority is treated as
 *    fixed; INIT, SIPI and SMI to self are ignored (one vCPU). Messages
 *    that may reach other APICs go to ops->ipi after the lock is
 *    dropped (two LAPIC locks are never held together).
 *  - IA32_APIC_BASE: bits at or above MAXPHYADDR are reserved; 40 bits
 *    (what QEMU's default CPUs report) until the monitor passes the
 *    guest's CPUID value to lapic_set_caps().
 *  - Software disable (SVR bit 8 = 0, SDM 11.4.7.2): every LVT mask bit
 *    is set and stays set, fixed interrupts (IPIs, IOAPIC, LVT) are not
 *    accepted, IRR/ISR keep what they hold and lapic_pending() reports
 *    nothing; NMIs are still taken.
 *  - Timer: lapic_timer.c.
 *  - LINT0 fixed level-triggered entries use Remote IRR; LINT1 is
 *    always edge (SDM 11.5.1: level is not supported on LINT1).
 */
#include "lapic_priv.h"

/* ---------------------------------------------------------------------- */
/* The register map: who may read or write what, per mode. */

#define LAPIC_RX BIT(0)                 /* readable in xAPIC mode */
#define LAPIC_WX BIT(1)                 /* writable in xAPIC mode */
#define LAPIC_R2 BIT(2)                 /* readable in x2APIC mode */
#define LAPIC_W2 BIT(3)                 /* writable in x2APIC mode */
#define LAPIC_RW (LAPIC_RX | LAPIC_WX | LAPIC_R2 | LAPIC_W2)
#define LAPIC_RO (LAPIC_RX | LAPIC_R2)

struct lapic_reg {
	uint32_t wmask;         /* bits a write stores */
	uint32_t romask;        /* read-only bits: not reserved, ignored on write */
	uint8_t access;         /* LAPIC_RX/WX/R2/W2 */
};

#define LAPIC_LVT_RW(w, ro) { (uint32_t)(w), (uint32_t)(ro), LAPIC_RW }

static const struct lapic_reg lapic_regs[LAPIC_NSLOTS] = {
	[LAPIC_REG_ID]  = { LAPIC_ID_XAPIC, 0, LAPIC_RO | LAPIC_WX },   /* RO in x2APIC */
	[LAPIC_REG_VER] = { 0, 0, LAPIC_RO },
	[LAPIC_REG_TPR] = { 0xff, 0, LAPIC_RW },
	[LAPIC_REG_APR] = { 0, 0, LAPIC_RX },
	[LAPIC_REG_PPR] = { 0, 0, LAPIC_RO },
	/* EOI and ESR: no writable bits, so a non-zero x2APIC write is #GP. */
	[LAPIC_REG_EOI] = { 0, 0, LAPIC_WX | LAPIC_W2 },
	[LAPIC_REG_LDR] = { LAPIC_ID_XAPIC, 0, LAPIC_RO | LAPIC_WX },   /* RO in x2APIC */
	[LAPIC_REG_DFR] = { LAPIC_DFR_MODEL, 0, LAPIC_RX | LAPIC_WX },
	[LAPIC_REG_SVR] = { LAPIC_SVR_WMASK, 0, LAPIC_RW },
	[LAPIC_REG_ISR ... LAPIC_REG_IRR + 7] = { 0, 0, LAPIC_RO },
	[LAPIC_REG_ESR] = { 0, 0, LAPIC_RW },
	[LAPIC_REG_ICR_LO] = { LAPIC_ICR_WMASK, 0, LAPIC_RW },
	[LAPIC_REG_ICR_HI] = { LAPIC_ID_XAPIC, 0, LAPIC_RX | LAPIC_WX },
	/* Timer: bit 18 is added when TSC-deadline mode is advertised. */
	[LAPIC_REG_LVT_TIMER] = LAPIC_LVT_RW(LAPIC_LVT_VECTOR | LAPIC_LVT_MASKED | BIT(17),
					     LAPIC_LVT_DS),
	[LAPIC_REG_LVT_THERM] = LAPIC_LVT_RW(LAPIC_LVT_VECTOR | LAPIC_LVT_DM | LAPIC_LVT_MASKED,
					     LAPIC_LVT_DS),
	[LAPIC_REG_LVT_PERF] = LAPIC_LVT_RW(LAPIC_LVT_VECTOR | LAPIC_LVT_DM | LAPIC_LVT_MASKED,
					    LAPIC_LVT_DS),
	[LAPIC_REG_LVT_LINT0] = LAPIC_LVT_RW(LAPIC_LVT_VECTOR | LAPIC_LVT_DM | LAPIC_LVT_POL_LOW |
					     LAPIC_LVT_LEVEL | LAPIC_LVT_MASKED,
					     LAPIC_LVT_DS | LAPIC_LVT_RIRR),
	[LAPIC_REG_LVT_LINT1] = LAPIC_LVT_RW(LAPIC_LVT_VECTOR | LAPIC_LVT_DM | LAPIC_LVT_POL_LOW |
					     LAPIC_LVT_LEVEL | LAPIC_LVT_MASKED,
					     LAPIC_LVT_DS | LAPIC_LVT_RIRR),
	[LAPIC_REG_LVT_ERROR] = LAPIC_LVT_RW(LAPIC_LVT_VECTOR | LAPIC_LVT_MASKED, LAPIC_LVT_DS),
	[LAPIC_REG_TMICT] = { 0xffffffffu, 0, LAPIC_RW },
	[LAPIC_REG_TMCCT] = { 0, 0, LAPIC_RO },
	[LAPIC_REG_TDCR] = { LAPIC_TDCR_WMASK, 0, LAPIC_RW },
	[LAPIC_REG_SELF_IPI] = { LAPIC_LVT_VECTOR, 0, LAPIC_W2 },
};

/* Writable bits of register idx for this APIC. */
static uint32_t lapic_wmask(const struct lapic *l, unsigned idx)
{
	uint32_t m = lapic_regs[idx].wmask;

	if (idx == LAPIC_REG_LVT_TIMER && l->cap_tsc_deadline)
		m |= BIT(18);
	return m;
}

/* Work to do once the lock is dropped. */
struct lapic_post {
	int eoi_vector;                 /* -1: none */
	bool eoi_level;                 /* its TMR bit was set */
	bool ipi;
	struct lapic_ipi msg;
};

/* ---------------------------------------------------------------------- */
/* State helpers (lock held). */

static bool lapic_hw_enabled(const struct lapic *l)
{
	return (l->apicbase & LAPIC_APICBASE_EN) != 0;
}

static bool lapic_x2apic(const struct lapic *l)
{
	return (l->apicbase & (LAPIC_APICBASE_EN | LAPIC_APICBASE_EXTD)) ==
	       (LAPIC_APICBASE_EN | LAPIC_APICBASE_EXTD);
}

static bool lapic_xapic(const struct lapic *l)
{
	return (l->apicbase & (LAPIC_APICBASE_EN | LAPIC_APICBASE_EXTD)) == LAPIC_APICBASE_EN;
}

static bool lapic_sw_enabled(const struct lapic *l)
{
	return (l->regs[LAPIC_REG_SVR] & LAPIC_SVR_ENABLE) != 0;
}

static bool lapic_test(const uint32_t *v, unsigned vec)
{
	return (v[vec >> 5] >> (vec & 31)) & 1;
}

static void lapic_set(uint32_t *v, unsigned vec)
{
	v[vec >> 5] |= 1u << (vec & 31);
}

static void lapic_clear(uint32_t *v, unsigned vec)
{
	v[vec >> 5] &= ~(1u << (vec & 31));
}

/* What lapic_poll() reports may change (lapic_changes()). */
static void lapic_changed(struct lapic *l)
{
	l->changes++;
}

/* The highest vector set in a 256-bit register, or -1. */
static int lapic_highest(const uint32_t *v)
{
	for (int i = 7; i >= 0; i--)
		if (v[i] != 0)
			return i * 32 + 31 - __builtin_clz(v[i]);
	return -1;
}

/*
 * PPR (SDM 11.8.3.1): TPR if its class is at least that of the highest
 * in-service vector, else that vector's class with sub-class 0.
 */
static uint32_t lapic_ppr(const struct lapic *l)
{
	uint32_t tpr = l->regs[LAPIC_REG_TPR] & 0xff;
	int isrv = lapic_highest(l->isr);
	uint32_t isrc = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	return (tpr & 0xf0) >= isrc ? tpr : isrc;
}

/* x2APIC logical ID (SDM 11.12.10.2): cluster in 31:16, one bit of 16 in 15:0. */
static uint32_t lapic_x2apic_ldr(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

static void lapic_error(struct lapic *l, uint32_t bits);

/*
 * Accept a fixed interrupt into IRR (SDM 11.5.5, 11.8.4): nothing while
 * the APIC is software-disabled (11.4.7.2); vectors 0-15 are illegal
 * (11.5.2). TMR records the trigger mode. Returns true if accepted.
 */
static bool lapic_accept(struct lapic *l, unsigned vec, bool level)
{
	if (!lapic_sw_enabled(l))
		return false;
	if (vec < 16) {
		lapic_error(l, LAPIC_ESR_RECV_ILLEGAL);
		return false;
	}
	lapic_set(l->irr, vec);
	if (level)
		lapic_set(l->tmr, vec);
	else
		lapic_clear(l->tmr, vec);
	lapic_changed(l);
	return true;
}

/*
 * Record errors for the next ESR write and raise the LVT error
 * interrupt (SDM 11.5.3). An illegal vector in the error LVT itself is
 * only recorded, so this never recurses.
 */
static void lapic_error(struct lapic *l, uint32_t bits)
{
	uint32_t lvt = l->regs[LAPIC_REG_LVT_ERROR];
	unsigned vec = (unsigned)SHIFTOUT(lvt, LAPIC_LVT_VECTOR);

	l->esr_pending |= bits;
	if (lvt & LAPIC_LVT_MASKED)
		return;
	if (vec < 16)
		l->esr_pending |= LAPIC_ESR_RECV_ILLEGAL;
	else
		lapic_accept(l, vec, false);
}

/* An interrupt generated by LVT entry idx (timer, error): fixed, edge (lapic_priv.h). */
void lapic_lvt_fire(struct lapic *l, unsigned idx)
{
	uint32_t lvt = l->regs[idx];

	if ((lvt & LAPIC_LVT_MASKED) == 0)
		lapic_accept(l, (unsigned)SHIFTOUT(lvt, LAPIC_LVT_VECTOR), false);
}

/* ---------------------------------------------------------------------- */
/* Local interrupt pins, EOI, destinations and IPIs (lock held). */

static bool lapic_lint_asserted(const struct lapic *l, unsigned pin)
{
	return l->lint_level[pin] != ((l->regs[LAPIC_REG_LVT_LINT0 + pin] & LAPIC_LVT_POL_LOW) != 0);
}

/*
 * LINT0 fixed, level-triggered (SDM 11.5.1): deliver while asserted,
 * unmasked and Remote IRR clear; Remote IRR is set until the EOI.
 */
static void lapic_lint_level(struct lapic *l, unsigned pin)
{
	uint32_t lvt = l->regs[LAPIC_REG_LVT_LINT0 + pin];

	if (pin != 0 || (lvt & (LAPIC_LVT_MASKED | LAPIC_LVT_RIRR)) != 0 ||
	    (lvt & LAPIC_LVT_LEVEL) == 0 || SHIFTOUT(lvt, LAPIC_LVT_DM) != LAPIC_DM_FIXED)
		return;
	if (lapic_lint_asserted(l, pin) &&
	    lapic_accept(l, (unsigned)SHIFTOUT(lvt, LAPIC_LVT_VECTOR), true))
		l->regs[LAPIC_REG_LVT_LINT0 + pin] |= LAPIC_LVT_RIRR;
}

/*
 * EOI (SDM 11.8.5): clear the highest in-service bit. For a level
 * vector (TMR set, *level) clear Remote IRR of LINT0 (the only LVT entry
 * that has one here). Returns the vector ended, for ops->eoi or
 * ops->edge_eoi; -1 if none was in service.
 */
static int lapic_eoi_locked(struct lapic *l, bool *level)
{
	int v = lapic_highest(l->isr);
	uint32_t *lvt0;

	if (v < 0)
		return -1;
	lapic_clear(l->isr, (unsigned)v);
	*level = lapic_test(l->tmr, (unsigned)v);
	if (!*level)
		return v;
	lvt0 = &l->regs[LAPIC_REG_LVT_LINT0];
	if ((*lvt0 & LAPIC_LVT_RIRR) && SHIFTOUT(*lvt0, LAPIC_LVT_VECTOR) == (unsigned)v) {
		*lvt0 &= ~LAPIC_LVT_RIRR;
		lapic_lint_level(l, 0);
	}
	return v;
}

/* Own physical ID as the destination field sees it (8 bits in xAPIC mode). */
static uint32_t lapic_dest_id(const struct lapic *l)
{
	return lapic_x2apic(l) ? l->id : (uint32_t)SHIFTOUT(l->regs[LAPIC_REG_ID], LAPIC_ID_XAPIC);
}

/* Destination matching (SDM 11.6.2.1-11.6.2.2, 11.12.10). */
static bool lapic_match_locked(const struct lapic *l, uint32_t dest, bool logical)
{
	uint32_t ldr, d;

	if (!lapic_hw_enabled(l))
		return false;
	if (lapic_x2apic(l)) {
		if (dest == 0xffffffffu)
			return true;
		if (!logical)
			return dest == l->id;
		ldr = lapic_x2apic_ldr(l->id);
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff) != 0;
	}
	d = dest & 0xff;
	if (d == 0xff)
		return true;
	if (!logical)
		return d == lapic_dest_id(l);
	ldr = (uint32_t)SHIFTOUT(l->regs[LAPIC_REG_LDR], LAPIC_ID_XAPIC);
	switch (SHIFTOUT(l->regs[LAPIC_REG_DFR], LAPIC_DFR_MODEL)) {
	case LAPIC_DFR_FLAT:
		return (d & ldr) != 0;
	case LAPIC_DFR_CLUSTER:
		return (d >> 4) == (ldr >> 4) && (d & ldr & 0xf) != 0;
	}
	return false;
}

/* An interrupt message for this APIC (IPI to self, lapic_deliver). */
static void lapic_receive(struct lapic *l, unsigned mode, unsigned vec, bool level)
{
	switch (mode) {
	case LAPIC_DM_FIXED:
	case LAPIC_DM_LOWPRI:
		lapic_accept(l, vec, level);
		return;
	case LAPIC_DM_NMI:
		l->nmi_pending = true;
		lapic_changed(l);
		return;
	}
	vmm_log(VMM_LOG_DEBUG, "lapic %u: delivery mode %u ignored\n", l->id, mode);
}

/*
 * Send the IPI in ICR low word lo to dest (SDM 11.6.1): this APIC takes
 * its share now, the rest goes to ops->ipi once the lock is dropped.
 */
static void lapic_send_ipi(struct lapic *l, uint32_t lo, uint32_t dest, struct lapic_post *post)
{
	unsigned mode = (unsigned)SHIFTOUT(lo, LAPIC_ICR_DM);
	unsigned vec = (unsigned)SHIFTOUT(lo, LAPIC_ICR_VECTOR);
	unsigned sh = (unsigned)SHIFTOUT(lo, LAPIC_ICR_SH);
	bool logical = (lo & LAPIC_ICR_LOGICAL) != 0, self, others;
	uint32_t bcast = lapic_x2apic(l) ? 0xffffffffu : 0xffu;

	if ((mode == LAPIC_DM_FIXED || mode == LAPIC_DM_LOWPRI) && vec < 16) {
		lapic_error(l, LAPIC_ESR_SEND_ILLEGAL);
		return;
	}
	switch (sh) {
	case LAPIC_SH_NONE:
		self = lapic_match_locked(l, dest, logical);
		others = logical || dest == bcast || dest != lapic_dest_id(l);
		break;
	case LAPIC_SH_SELF:
		self = true;
		others = false;
		break;
	case LAPIC_SH_ALL:
		self = others = true;
		break;
	default:
		self = false;
		others = true;
		break;
	}
	/* SDM 11.6.1: the trigger mode only matters for INIT level de-assert. */
	if (self)
		lapic_receive(l, mode, vec, false);
	if (others) {
		post->ipi = true;
		post->msg = (struct lapic_ipi){
			.dest = dest, .logical = logical, .shorthand = sh, .mode = mode,
			.vector = (uint8_t)vec, .level_trig = (lo & LAPIC_ICR_LEVEL) != 0,
		};
	}
}

static void lapic_post_run(struct lapic *l, const struct lapic_post *post)
{
	if (l->ops == NULL)
		return;
	if (post->eoi_vector >= 0) {
		void (*eoi)(void *, uint8_t) = post->eoi_level ? l->ops->eoi : l->ops->edge_eoi;

		if (eoi != NULL)
			eoi(l->ctx, (uint8_t)post->eoi_vector);
	}
	if (post->ipi && l->ops->ipi != NULL)
		l->ops->ipi(l->ctx, &post->msg);
}

/* ---------------------------------------------------------------------- */
/* Register access (lock held). */

/* Power-up register state (SDM 11.4.7.1), the APIC ID kept. */
static void lapic_reset(struct lapic *l)
{
	memset(l->regs, 0, sizeof(l->regs));
	memset(l->irr, 0, sizeof(l->irr));
	memset(l->isr, 0, sizeof(l->isr));
	memset(l->tmr, 0, sizeof(l->tmr));
	l->regs[LAPIC_REG_ID] = (uint32_t)SHIFTIN(l->id & 0xff, LAPIC_ID_XAPIC);
	l->regs[LAPIC_REG_DFR] = 0xffffffffu;
	l->regs[LAPIC_REG_SVR] = 0xff;
	for (unsigned i = LAPIC_REG_LVT_TIMER; i <= LAPIC_REG_LVT_ERROR; i++)
		l->regs[i] = LAPIC_LVT_MASKED;
	l->nmi_pending = false;
	l->esr_pending = 0;
	l->tsc_deadline = 0;
	lapic_timer_stop(l);
}

static uint32_t lapic_read_reg(struct lapic *l, unsigned idx)
{
	bool x2 = lapic_x2apic(l);

	switch (idx) {
	case LAPIC_REG_ID:
		return x2 ? l->id : l->regs[idx];
	case LAPIC_REG_VER:
		return LAPIC_VERSION;
	case LAPIC_REG_APR:
		return 0;
	case LAPIC_REG_PPR:
		return lapic_ppr(l);
	case LAPIC_REG_LDR:
		return x2 ? lapic_x2apic_ldr(l->id) : l->regs[idx];
	case LAPIC_REG_ISR ... LAPIC_REG_ISR + 7:
		return l->isr[idx - LAPIC_REG_ISR];
	case LAPIC_REG_TMR ... LAPIC_REG_TMR + 7:
		return l->tmr[idx - LAPIC_REG_TMR];
	case LAPIC_REG_IRR ... LAPIC_REG_IRR + 7:
		return l->irr[idx - LAPIC_REG_IRR];
	case LAPIC_REG_TMCCT:
		return lapic_timer_current(l, vclock_now(l->clk));
	}
	return l->regs[idx];
}

/* SVR write: clearing the enable bit masks every LVT entry (SDM 11.4.7.2). */
static void lapic_write_svr(struct lapic *l, uint32_t val)
{
	l->regs[LAPIC_REG_SVR] = val;
	if ((val & LAPIC_SVR_ENABLE) == 0)
		for (unsigned i = LAPIC_REG_LVT_TIMER; i <= LAPIC_REG_LVT_ERROR; i++)
			l->regs[i] |= LAPIC_LVT_MASKED;
}

/* A write of val (already checked) to register idx. */
static void lapic_write_reg(struct lapic *l, unsigned idx, uint32_t val, struct lapic_post *post)
{
	uint32_t w = val & lapic_wmask(l, idx);

	lapic_changed(l);       /* TPR, SVR, EOI, an LVT entry: any write may change the answer */
	if (idx >= LAPIC_REG_LVT_TIMER && idx <= LAPIC_REG_LVT_ERROR) {
		if (!lapic_sw_enabled(l))
			w |= LAPIC_LVT_MASKED;  /* SDM 11.4.7.2: cannot be cleared */
		w |= l->regs[idx] & LAPIC_LVT_RIRR;
	}
	switch (idx) {
	case LAPIC_REG_EOI:
		post->eoi_vector = lapic_eoi_locked(l, &post->eoi_level);
		return;
	case LAPIC_REG_DFR:
		l->regs[idx] = w | BITS(27, 0);
		return;
	case LAPIC_REG_SVR:
		lapic_write_svr(l, w);
		return;
	case LAPIC_REG_ESR:     /* SDM 11.5.3: a write latches the errors seen since the last */
		l->regs[idx] = l->esr_pending;
		l->esr_pending = 0;
		return;
	case LAPIC_REG_ICR_LO:
		l->regs[idx] = w;
		lapic_send_ipi(l, w, (uint32_t)SHIFTOUT(l->regs[LAPIC_REG_ICR_HI], LAPIC_ID_XAPIC),
			       post);
		return;
	case LAPIC_REG_LVT_TIMER:
		lapic_timer_write_lvt(l, w);
		return;
	case LAPIC_REG_LVT_LINT0:
	case LAPIC_REG_LVT_LINT1:
		l->regs[idx] = w;
		lapic_lint_level(l, idx - LAPIC_REG_LVT_LINT0);         /* unmasked while asserted */
		return;
	case LAPIC_REG_TMICT:   /* SDM 11.5.4.1: ignored in TSC-deadline mode */
		if (lapic_timer_mode(l) != LAPIC_TIMER_TSCDL) {
			l->regs[idx] = w;
			lapic_timer_start(l, vclock_now(l->clk), w);
		}
		return;
	case LAPIC_REG_TDCR:
		lapic_timer_write_tdcr(l, w);
		return;
	case LAPIC_REG_SELF_IPI:
		lapic_accept(l, w, false);
		return;
	}
	l->regs[idx] = w;
}

/* ---------------------------------------------------------------------- */
/* Public entry points: each takes the lock. */

int lapic_init(struct lapic *l, uint32_t id, struct vclock *clk, const struct lapic_ops *ops,
	       void *ctx)
{
	memset(l, 0, sizeof(*l));
	l->id = id;
	l->clk = clk;
	l->ops = ops;
	l->ctx = ctx;
	l->maxphyaddr = LAPIC_APICBASE_DEFAULT_MAXPHY;
	l->apicbase = LAPIC_DEFAULT_BASE | LAPIC_APICBASE_EN | (id == 0 ? LAPIC_APICBASE_BSP : 0);
	lapic_reset(l);
	/* What SeaBIOS leaves (src/fw/smp.c): APIC on, LINT0 ExtINT, LINT1 NMI. */
	l->regs[LAPIC_REG_SVR] = 0x1ff;
	l->regs[LAPIC_REG_LVT_LINT0] = 0x8700;
	l->regs[LAPIC_REG_LVT_LINT1] = 0x8400;
	return vclock_add_timer(clk, &l->timer, "lapic", lapic_timer_expire, l);
}

void lapic_set_caps(struct lapic *l, unsigned maxphyaddr, bool tsc_deadline)
{
	vmm_lock_acquire(&l->lock);
	l->maxphyaddr = (uint8_t)(maxphyaddr < 32 || maxphyaddr > 52 ?
				  LAPIC_APICBASE_DEFAULT_MAXPHY : maxphyaddr);
	l->cap_tsc_deadline = tsc_deadline;
	vmm_lock_release(&l->lock);
}

uint64_t lapic_get_apicbase(struct lapic *l)
{
	uint64_t v;

	vmm_lock_acquire(&l->lock);
	v = l->apicbase;
	vmm_lock_release(&l->lock);
	return v;
}

/*
 * IA32_APIC_BASE write (SDM 11.4.4, 11.12.5 and Figure 11-32 of the
 * x2APIC state transitions): disabled -> xAPIC, xAPIC <-> disabled,
 * xAPIC -> x2APIC, x2APIC -> disabled are legal; EN=0 with EXTD=1,
 * x2APIC -> xAPIC and disabled -> x2APIC are #GP, and so are bits 7:0,
 * 9 and those at or above MAXPHYADDR. Disabling resets the APIC to its
 * power-up state (SDM 11.4.3). BSP is read-only.
 */
int lapic_set_apicbase(struct lapic *l, uint64_t val)
{
	uint64_t ok = BITS(l->maxphyaddr - 1, 12) | LAPIC_APICBASE_BSP | LAPIC_APICBASE_EXTD |
		      LAPIC_APICBASE_EN;
	bool old_en, old_x2, en = (val & LAPIC_APICBASE_EN) != 0;
	bool x2 = (val & LAPIC_APICBASE_EXTD) != 0;
	int rc = -1;

	vmm_lock_acquire(&l->lock);
	old_en = lapic_hw_enabled(l);
	old_x2 = lapic_x2apic(l);
	if ((val & ~ok) != 0 || (x2 && !en) || (old_x2 && en && !x2) || (!old_en && x2))
		goto out;
	if (old_en && !en)
		lapic_reset(l);
	if (!old_x2 && x2)
		l->regs[LAPIC_REG_ICR_HI] = 0;  /* 32-bit destination from now on */
	l->apicbase = (val & ~LAPIC_APICBASE_BSP) | (l->apicbase & LAPIC_APICBASE_BSP);
	lapic_changed(l);
	rc = 0;
out:
	vmm_lock_release(&l->lock);
	return rc;
}

gpa_t lapic_mmio_page(struct lapic *l)
{
	gpa_t page = 0;

	vmm_lock_acquire(&l->lock);
	if (lapic_xapic(l))
		page = l->apicbase & BITS(l->maxphyaddr - 1, 12);
	vmm_lock_release(&l->lock);
	return page;
}

void lapic_mmio(struct lapic *l, uint64_t off, bool write, unsigned size, uint64_t *val)
{
	struct lapic_post post = { .eoi_vector = -1 };
	unsigned idx = (unsigned)(off & 0xfff) >> 4, byte = off & 0xf;
	uint64_t v = 0;

	vmm_lock_acquire(&l->lock);
	if (!lapic_xapic(l)) {
		/* SDM 11.12.2: in x2APIC mode the page behaves as if the APIC were disabled. */
		if (!write)
			*val = size >= 8 ? ~0ULL : BITS(size * 8 - 1, 0);
		goto out;
	}
	lapic_timer_sync(l);
	if (write) {
		if (size == 4 && byte == 0 && (lapic_regs[idx].access & LAPIC_WX))
			lapic_write_reg(l, idx, (uint32_t)*val, &post);
		goto out;
	}
	if ((lapic_regs[idx].access & LAPIC_RX) && byte < 4)
		v = lapic_read_reg(l, idx) >> (byte * 8);
	*val = size >= 8 ? v : v & BITS(size * 8 - 1, 0);
out:
	vmm_lock_release(&l->lock);
	lapic_post_run(l, &post);
}

/* RDMSR/WRMSR of x2APIC register idx in x2APIC mode (lock held). 0 or -1 (#GP). */
static int lapic_msr_x2apic(struct lapic *l, unsigned idx, bool write, uint64_t *val,
			    struct lapic_post *post)
{
	const struct lapic_reg *r = &lapic_regs[idx];
	uint32_t lo = (uint32_t)*val, hi = (uint32_t)(*val >> 32);

	if (!write) {
		if ((r->access & LAPIC_R2) == 0)
			return -1;
		*val = lapic_read_reg(l, idx);
		if (idx == LAPIC_REG_ICR_LO)
			*val |= (uint64_t)l->regs[LAPIC_REG_ICR_HI] << 32;
		return 0;
	}
	if ((r->access & LAPIC_W2) == 0 || (lo & ~(lapic_wmask(l, idx) | r->romask)) != 0)
		return -1;
	if (idx == LAPIC_REG_ICR_LO) {  /* SDM 11.12.9: one 64-bit ICR, 32-bit destination */
		l->regs[LAPIC_REG_ICR_HI] = hi;
		l->regs[LAPIC_REG_ICR_LO] = lo;
		lapic_send_ipi(l, lo, hi, post);
		return 0;
	}
	if (hi != 0)
		return -1;
	lapic_write_reg(l, idx, lo, post);
	return 0;
}

int lapic_msr(struct lapic *l, uint32_t msr, bool write, uint64_t *val)
{
	struct lapic_post post = { .eoi_vector = -1 };
	int rc = -1;

	vmm_lock_acquire(&l->lock);
	if (msr == LAPIC_MSR_TSC_DEADLINE) {
		if (!l->cap_tsc_deadline)
			goto out;
		lapic_timer_sync(l);
		if (write)
			lapic_timer_write_deadline(l, *val);
		else
			*val = lapic_timer_mode(l) == LAPIC_TIMER_TSCDL ? l->tsc_deadline : 0;
		rc = 0;
		goto out;
	}
	/* SDM 11.12.2: the MSRs exist only in x2APIC mode. */
	if (msr < LAPIC_MSR_X2APIC_FIRST || msr > LAPIC_MSR_X2APIC_LAST || !lapic_x2apic(l))
		goto out;
	lapic_timer_sync(l);
	rc = lapic_msr_x2apic(l, msr - LAPIC_MSR_X2APIC_FIRST, write, val, &post);
out:
	vmm_lock_release(&l->lock);
	lapic_post_run(l, &post);
	return rc;
}

bool lapic_match(struct lapic *l, uint32_t dest, bool logical)
{
	bool m;

	vmm_lock_acquire(&l->lock);
	m = lapic_match_locked(l, dest, logical);
	vmm_lock_release(&l->lock);
	return m;
}

void lapic_deliver(struct lapic *l, unsigned mode, uint8_t vector, bool level_trig)
{
	vmm_lock_acquire(&l->lock);
	if (lapic_hw_enabled(l))
		lapic_receive(l, mode, vector, level_trig);
	vmm_lock_release(&l->lock);
}

/*
 * A LINT pin changes level. A globally disabled APIC passes LINT1
 * through as NMI (SDM 11.4.3: the processor then behaves as one without
 * an APIC, whose LINT1 is the NMI pin). Else the LVT entry decides:
 * NMI and fixed edge deliver on the asserting edge, fixed level on LINT0
 * while asserted (lapic_lint_level); ExtINT reaches the CPU through
 * lapic_accepts_pic(); SMI and INIT are not modelled.
 */
void lapic_set_lint(struct lapic *l, unsigned pin, bool level)
{
	uint32_t lvt;
	bool was, now, raw_was;

	if (pin > 1)
		return;
	vmm_lock_acquire(&l->lock);
	raw_was = l->lint_level[pin];
	was = lapic_lint_asserted(l, pin);
	l->lint_level[pin] = level;
	now = lapic_lint_asserted(l, pin);
	lvt = l->regs[LAPIC_REG_LVT_LINT0 + pin];
	if (!lapic_hw_enabled(l)) {
		if (pin == 1 && level && !raw_was) {
			l->nmi_pending = true;
			lapic_changed(l);
		}
	} else if ((lvt & LAPIC_LVT_MASKED) == 0) {
		switch (SHIFTOUT(lvt, LAPIC_LVT_DM)) {
		case LAPIC_DM_NMI:
			if (now && !was) {
				l->nmi_pending = true;
				lapic_changed(l);
			}
			break;
		case LAPIC_DM_FIXED:
			if (pin == 0 && (lvt & LAPIC_LVT_LEVEL))
				lapic_lint_level(l, pin);
			else if (now && !was)
				lapic_accept(l, (unsigned)SHIFTOUT(lvt, LAPIC_LVT_VECTOR), false);
			break;
		}
	}
	vmm_lock_release(&l->lock);
}

/*
 * The 8259's INT pin reaches the CPU if the APIC is globally disabled
 * (LINT0 is then the plain INTR pin, SDM 11.4.3) or LINT0 is unmasked
 * with ExtINT delivery (virtual-wire mode, MP spec 3.6.2.2). SVR is not
 * looked at: clearing SVR bit 8 masks LINT0 (SDM 11.4.7.2), which is
 * what blocks the PIC then; QEMU and KVM make the same test, and their
 * reset LINT0 (ExtINT, unmasked on the BSP) lets a guest that never
 * touches the APIC use the 8259 while SVR still reads 0xff.
 */
static bool lapic_accepts_pic_locked(const struct lapic *l)
{
	uint32_t lvt0 = l->regs[LAPIC_REG_LVT_LINT0];

	return !lapic_hw_enabled(l) ||
	       ((lvt0 & LAPIC_LVT_MASKED) == 0 && SHIFTOUT(lvt0, LAPIC_LVT_DM) == LAPIC_DM_EXTINT);
}

bool lapic_accepts_pic(struct lapic *l)
{
	bool r;

	vmm_lock_acquire(&l->lock);
	r = lapic_accepts_pic_locked(l);
	vmm_lock_release(&l->lock);
	return r;
}

/* lapic_pending() with the lock held. */
static int lapic_pending_locked(struct lapic *l)
{
	int v;

	lapic_timer_sync(l);
	if (!lapic_hw_enabled(l) || !lapic_sw_enabled(l))
		return -1;
	v = lapic_highest(l->irr);
	/* SDM 11.8.3.1: only a class above PPR's is dispatched. */
	if (v >= 0 && ((unsigned)v & 0xf0) <= (lapic_ppr(l) & 0xf0))
		v = -1;
	return v;
}

int lapic_pending(struct lapic *l)
{
	int v;

	vmm_lock_acquire(&l->lock);
	v = lapic_pending_locked(l);
	vmm_lock_release(&l->lock);
	return v;
}

/* One lock round trip for the vCPU's look before an entry (lapic.h). */
void lapic_poll(struct lapic *l, bool take_nmi, struct lapic_poll *p)
{
	vmm_lock_acquire(&l->lock);
	p->tpr = (uint8_t)l->regs[LAPIC_REG_TPR];
	p->nmi = take_nmi && l->nmi_pending;
	if (p->nmi) {
		l->nmi_pending = false;
		lapic_changed(l);
	}
	p->accepts_pic = lapic_accepts_pic_locked(l);
	p->pending = lapic_pending_locked(l);
	vmm_lock_release(&l->lock);
}

void lapic_ack(struct lapic *l, uint8_t vector)
{
	vmm_lock_acquire(&l->lock);
	if (lapic_test(l->irr, vector)) {
		lapic_clear(l->irr, vector);
		lapic_set(l->isr, vector);
		lapic_changed(l);
	}
	vmm_lock_release(&l->lock);
}

bool lapic_take_nmi(struct lapic *l)
{
	bool n;

	vmm_lock_acquire(&l->lock);
	n = l->nmi_pending;
	if (n) {
		l->nmi_pending = false;
		lapic_changed(l);
	}
	vmm_lock_release(&l->lock);
	return n;
}

uint8_t lapic_get_tpr(struct lapic *l)
{
	uint8_t t;

	vmm_lock_acquire(&l->lock);
	t = (uint8_t)l->regs[LAPIC_REG_TPR];
	vmm_lock_release(&l->lock);
	return t;
}

void lapic_set_tpr(struct lapic *l, uint8_t tpr)
{
	vmm_lock_acquire(&l->lock);
	if (l->regs[LAPIC_REG_TPR] != tpr) {
		l->regs[LAPIC_REG_TPR] = tpr;
		lapic_changed(l);
	}
	vmm_lock_release(&l->lock);
}
