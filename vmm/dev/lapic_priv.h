/*
 * lapic_priv.h - what the files of the local APIC share (lapic.c:
 * acceptance, delivery, IPIs and IA32_APIC_BASE; lapic_regs.c: the
 * register page and the x2APIC MSRs; lapic_timer.c: the timer):
 * register indices, register fields, small state helpers, and the
 * internal calls between them. All of these run with the APIC's lock
 * held, except where the comment says otherwise.
 *
 * Source: Intel SDM Vol.3 chapter 11 (figures cited per field).
 */
#ifndef LAPIC_PRIV_H
#define LAPIC_PRIV_H

#include "lapic.h"

/* Register index = xAPIC offset >> 4 = x2APIC MSR - 0x800 (SDM Table 11-1, 11-6). */
#define LAPIC_REG_ID       0x02
#define LAPIC_REG_VER      0x03
#define LAPIC_REG_TPR      0x08
#define LAPIC_REG_APR      0x09
#define LAPIC_REG_PPR      0x0a
#define LAPIC_REG_EOI      0x0b
#define LAPIC_REG_LDR      0x0d
#define LAPIC_REG_DFR      0x0e
#define LAPIC_REG_SVR      0x0f
#define LAPIC_REG_ISR      0x10         /* 8 registers */
#define LAPIC_REG_TMR      0x18
#define LAPIC_REG_IRR      0x20
#define LAPIC_REG_ESR      0x28
#define LAPIC_REG_ICR_LO   0x30         /* x2APIC: the 64-bit ICR */
#define LAPIC_REG_ICR_HI   0x31
#define LAPIC_REG_LVT_TIMER 0x32
#define LAPIC_REG_LVT_THERM 0x33
#define LAPIC_REG_LVT_PERF 0x34
#define LAPIC_REG_LVT_LINT0 0x35
#define LAPIC_REG_LVT_LINT1 0x36
#define LAPIC_REG_LVT_ERROR 0x37
#define LAPIC_REG_TMICT    0x38         /* timer initial count */
#define LAPIC_REG_TMCCT    0x39         /* timer current count */
#define LAPIC_REG_TDCR     0x3e         /* timer divide configuration */
#define LAPIC_REG_SELF_IPI 0x3f         /* x2APIC only */
#define LAPIC_NSLOTS       256        /* 16-byte slots of the page = x2APIC MSRs 0x800-0x8ff */

#define LAPIC_VERSION      0x00050014u

#define LAPIC_ID_XAPIC     BITS(31, 24)
#define LAPIC_DFR_MODEL    BITS(31, 28)
#define LAPIC_DFR_FLAT     0xf
#define LAPIC_DFR_CLUSTER  0x0

/* Spurious-interrupt vector register (SDM Figure 11-23). */
#define LAPIC_SVR_ENABLE   BIT(8)
#define LAPIC_SVR_WMASK    BITS(9, 0)   /* vector, enable, focus checking */

/* LVT entries (SDM Figure 11-8). */
#define LAPIC_LVT_VECTOR   BITS(7, 0)
#define LAPIC_LVT_DM       BITS(10, 8)
#define LAPIC_LVT_DS       BIT(12)
#define LAPIC_LVT_POL_LOW  BIT(13)
#define LAPIC_LVT_RIRR     BIT(14)
#define LAPIC_LVT_LEVEL    BIT(15)
#define LAPIC_LVT_MASKED   BIT(16)
#define LAPIC_LVT_TMODE    BITS(18, 17)
#define LAPIC_TIMER_ONESHOT  0
#define LAPIC_TIMER_PERIODIC 1
#define LAPIC_TIMER_TSCDL    2

/* ICR (SDM Figures 11-12, 11-28). */
#define LAPIC_ICR_VECTOR   BITS(7, 0)
#define LAPIC_ICR_DM       BITS(10, 8)
#define LAPIC_ICR_LOGICAL  BIT(11)
#define LAPIC_ICR_ASSERT   BIT(14)
#define LAPIC_ICR_LEVEL    BIT(15)
#define LAPIC_ICR_SH       BITS(19, 18)
#define LAPIC_ICR_WMASK    (LAPIC_ICR_VECTOR | LAPIC_ICR_DM | LAPIC_ICR_LOGICAL | \
			    LAPIC_ICR_ASSERT | LAPIC_ICR_LEVEL | LAPIC_ICR_SH)
#define LAPIC_SH_NONE      0
#define LAPIC_SH_SELF      1
#define LAPIC_SH_ALL       2
#define LAPIC_SH_OTHERS    3

/* Error status register (SDM Figure 11-9). */
#define LAPIC_ESR_SEND_ILLEGAL BIT(5)
#define LAPIC_ESR_RECV_ILLEGAL BIT(6)

#define LAPIC_TDCR_WMASK   0xbu
#define LAPIC_APICBASE_DEFAULT_MAXPHY 40
#define LAPIC_TIMER_MIN_NS 1000ULL      /* periodic: at most 1,000,000 interrupts/s */

/* Work to do once the lock is dropped. */
struct lapic_post {
	int eoi_vector;                 /* -1: none */
	bool eoi_level;                 /* its TMR bit was set */
	bool ipi;
	struct lapic_ipi msg;
};

/* IA32_APIC_BASE EN: the APIC is globally enabled (SDM 11.4.3). */
static inline bool lapic_hw_enabled(const struct lapic *l)
{
	return (l->apicbase & LAPIC_APICBASE_EN) != 0;
}

/* Enabled in x2APIC mode (SDM 11.12.1). */
static inline bool lapic_x2apic(const struct lapic *l)
{
	return (l->apicbase & (LAPIC_APICBASE_EN | LAPIC_APICBASE_EXTD)) ==
	       (LAPIC_APICBASE_EN | LAPIC_APICBASE_EXTD);
}

/* Enabled in xAPIC mode: the register page answers. */
static inline bool lapic_xapic(const struct lapic *l)
{
	return (l->apicbase & (LAPIC_APICBASE_EN | LAPIC_APICBASE_EXTD)) == LAPIC_APICBASE_EN;
}

/* SVR bit 8: the APIC is software-enabled (SDM 11.4.7.2). */
static inline bool lapic_sw_enabled(const struct lapic *l)
{
	return (l->regs[LAPIC_REG_SVR] & LAPIC_SVR_ENABLE) != 0;
}

/* What lapic_poll() reports may change (lapic_changes()). */
static inline void lapic_changed(struct lapic *l)
{
	l->changes++;
}

/* x2APIC logical ID (SDM 11.12.10.2): cluster in 31:16, one bit of 16 in 15:0. */
static inline uint32_t lapic_x2apic_ldr(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

static inline unsigned lapic_timer_mode(const struct lapic *l)
{
	return (unsigned)SHIFTOUT(l->regs[LAPIC_REG_LVT_TIMER], LAPIC_LVT_TMODE);
}

/* lapic.c */
/* PPR: TPR or the class of the highest in-service vector (SDM 11.8.3.1). */
uint32_t lapic_ppr(const struct lapic *l);
/* Accept a fixed interrupt into IRR (TMR = level); true if accepted. */
bool lapic_accept(struct lapic *l, unsigned vec, bool level);
/* An interrupt generated by LVT entry idx (timer, error): fixed, edge. */
void lapic_lvt_fire(struct lapic *l, unsigned idx);
/* LINT0 fixed level-triggered: deliver while asserted and Remote IRR clear. */
void lapic_lint_level(struct lapic *l, unsigned pin);
/* EOI: end the highest in-service vector (*level: TMR set); it, or -1. */
int lapic_eoi_locked(struct lapic *l, bool *level);
/* Send the IPI in ICR low word lo to dest; other APICs' share goes in post. */
void lapic_send_ipi(struct lapic *l, uint32_t lo, uint32_t dest, struct lapic_post *post);
/* The work left in post (ops->eoi/edge_eoi, ops->ipi): lock NOT held. */
void lapic_post_run(struct lapic *l, const struct lapic_post *post);

/* lapic_regs.c: power-up register state (SDM 11.4.7.1), the APIC ID kept. */
void lapic_reset(struct lapic *l);

/* lapic_timer.c */
void lapic_timer_stop(struct lapic *l);
void lapic_timer_start(struct lapic *l, uint64_t now, uint32_t count);
uint32_t lapic_timer_current(const struct lapic *l, uint64_t now);
void lapic_timer_expire(void *dev, uint64_t now);
void lapic_timer_sync(struct lapic *l);
void lapic_timer_write_lvt(struct lapic *l, uint32_t val);
void lapic_timer_write_tdcr(struct lapic *l, uint32_t val);
void lapic_timer_write_deadline(struct lapic *l, uint64_t val);

#endif /* LAPIC_PRIV_H */
