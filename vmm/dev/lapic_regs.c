/*
 * lapic_regs.c - the local APIC's registers (see lapic.h): the register
 * map (who may read or write what in xAPIC and x2APIC mode), the xAPIC
 * register page (lapic_mmio), the x2APIC MSRs and IA32_TSC_DEADLINE
 * (lapic_msr), register reads and writes, and the power-up register
 * state. What a write sets off (EOI, IPIs, LINT levels) is in lapic.c,
 * the timer in lapic_timer.c.
 *
 * Sources: Intel SDM Vol.3 chapter 11 (Table 11-1 register map, 11.4.1
 * xAPIC register access, 11.4.7 reset and software disable, 11.5 LVT,
 * ESR and timer registers, 11.12 x2APIC: 11.12.1.2-11.12.1.3 its
 * register address space and reserved bits, 11.12.2 the page in x2APIC
 * mode, 11.12.9 the 64-bit ICR); AMD APM Vol.2 16.3-16.4 agrees on
 * everything used here.
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

/* ---------------------------------------------------------------------- */
/* Register access (lock held). */

/* Power-up register state (SDM 11.4.7.1), the APIC ID kept. */
void lapic_reset(struct lapic *l)
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
