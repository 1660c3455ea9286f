/*
 * lapic.h - a local APIC, one per vCPU: xAPIC registers in the 4 KiB
 * MMIO page at IA32_APIC_BASE and x2APIC mode through MSRs 0x800-0x8ff.
 *
 * ID, version, TPR/PPR, EOI, LDR/DFR, SVR, ISR/TMR/IRR, ESR, ICR (fixed,
 * NMI, to self and by shorthand; INIT/SIPI/other CPUs go to the ops),
 * the LVT (timer, LINT0, LINT1, error; thermal/perf masked), the timer
 * in one-shot, periodic and TSC-deadline mode with its divide register,
 * IA32_APIC_BASE with disable and re-enable and the xAPIC <-> x2APIC
 * transitions, IA32_TSC_DEADLINE.
 *
 * Timer clock: VMM_LAPIC_BUS_HZ (1 GHz, as QEMU's) divided by the
 * divide configuration register.
 *
 * Sources: Intel SDM Vol.3 chapter 11 (APIC), x2APIC specification;
 * AMD APM Vol.2 chapter 16.
 */
#ifndef LAPIC_H
#define LAPIC_H

#include "vclock.h"
#include "vmm_env.h"

#define LAPIC_BUS_HZ        1000000000ULL
#define LAPIC_DEFAULT_BASE  0xfee00000ULL
#define LAPIC_MSR_APICBASE  0x1b
#define LAPIC_MSR_TSC_DEADLINE 0x6e0
#define LAPIC_MSR_X2APIC_FIRST 0x800
#define LAPIC_MSR_X2APIC_LAST  0x8ff

/* IA32_APIC_BASE bits (SDM Vol.3 11.4.4). */
#define LAPIC_APICBASE_BSP  BIT(8)
#define LAPIC_APICBASE_EXTD BIT(10)     /* x2APIC mode */
#define LAPIC_APICBASE_EN   BIT(11)

/* Delivery modes (ICR, LVT, IOAPIC redirection entries). */
#define LAPIC_DM_FIXED   0
#define LAPIC_DM_LOWPRI  1
#define LAPIC_DM_SMI     2
#define LAPIC_DM_NMI     4
#define LAPIC_DM_INIT    5
#define LAPIC_DM_STARTUP 6
#define LAPIC_DM_EXTINT  7

/* An interrupt message for other CPUs (ICR write not only to self). */
struct lapic_ipi {
	uint32_t dest;          /* physical APIC ID or logical mask */
	bool logical;
	unsigned shorthand;     /* 0 none, 1 self, 2 all incl. self, 3 all excl. self */
	unsigned mode;          /* LAPIC_DM_* */
	uint8_t vector;
	bool level_trig;
};

struct lapic_ops {
	/*
	 * Deliver an IPI to the other vCPUs (none today). May be NULL.
	 * Called without the LAPIC's lock held, for every IPI that may
	 * reach another APIC; this APIC has already taken its own share
	 * (shorthand self or all, or a destination it matches), so the
	 * callee skips the sender.
	 */
	void (*ipi)(void *ctx, const struct lapic_ipi *ipi);
	/*
	 * EOI of a level-triggered vector (its TMR bit was set): the IOAPIC
	 * clears Remote IRR. Called without the LAPIC's lock held.
	 */
	void (*eoi)(void *ctx, uint8_t vector);
	/*
	 * EOI of an edge-triggered vector (TMR clear): no message to the
	 * IOAPIC, but the device behind it may wait for it (irq.h, struct
	 * irq_ack). May be NULL. Called without the LAPIC's lock held.
	 */
	void (*edge_eoi)(void *ctx, uint8_t vector);
};

/* The fields are the implementation's. */
struct lapic {
	struct vmm_lock lock;
	uint32_t id;
	uint64_t apicbase;
	uint32_t regs[64];              /* register file, index = xAPIC offset >> 4 */
	uint32_t irr[8], isr[8], tmr[8];
	bool nmi_pending;
	uint32_t esr_pending;
	struct vclock *clk;
	struct vtimer timer;
	uint64_t timer_start;           /* virtual ns at which the count was timer_count0 */
	uint64_t timer_period;          /* ns per full count (one-shot/periodic) */
	uint64_t tsc_deadline;
	bool lint_level[2];
	const struct lapic_ops *ops;
	void *ctx;
	uint32_t timer_count0;          /* current count at timer_start */
	bool timer_running;             /* one-shot/periodic count in progress */
	uint64_t timer_due;             /* virtual ns of the next expiry, VCLOCK_NEVER if none */
	bool cap_tsc_deadline;          /* lapic_set_caps() */
	uint8_t maxphyaddr;
	uint32_t changes;               /* lapic_changes() */
};

/*
 * Power-on state for APIC id (BSP if id == 0), plus what a BIOS leaves
 * in virtual-wire mode: LINT0 ExtINT and LINT1 NMI unmasked, so the
 * 8259's interrupts reach the CPU (as QEMU and SeaBIOS leave it). Adds
 * the timer to the clock. Returns 0 or -1 (clock full).
 */
int lapic_init(struct lapic *l, uint32_t id, struct vclock *clk, const struct lapic_ops *ops,
	       void *ctx);

/*
 * What the vCPU's CPUID advertises: MAXPHYADDR (reserved bits of
 * IA32_APIC_BASE; 40 until this is called) and TSC-deadline mode
 * (CPUID.01H:ECX[24]; off until this is called: LVT timer bit 18 is
 * then reserved and IA32_TSC_DEADLINE gives #GP). Call before the guest runs.
 */
void lapic_set_caps(struct lapic *l, unsigned maxphyaddr, bool tsc_deadline);

/* IA32_APIC_BASE. set: 0, or -1 for #GP (reserved bits, illegal mode transition). Take the lock. */
uint64_t lapic_get_apicbase(struct lapic *l);
int lapic_set_apicbase(struct lapic *l, uint64_t val);

/*
 * The guest-physical page of the xAPIC registers in *page: true if the
 * APIC is enabled in xAPIC mode (any page, 0 included), false if it has
 * no register page (disabled, or x2APIC mode).
 */
bool lapic_mmio_page(struct lapic *l, gpa_t *page);

/* An access to the xAPIC page (off 0-0xfff). Takes the lock. */
void lapic_mmio(struct lapic *l, uint64_t off, bool write, unsigned size, uint64_t *val);

/*
 * RDMSR/WRMSR of an x2APIC register (0x800-0x8ff) or IA32_TSC_DEADLINE.
 * Returns 0, or -1 for #GP (not in x2APIC mode, reserved register,
 * read-only/write-only, reserved bits). Takes the lock.
 */
int lapic_msr(struct lapic *l, uint32_t msr, bool write, uint64_t *val);

/* Does the APIC accept a message for dest (physical ID or logical mask, broadcast 0xff / 0xffffffff)? */
bool lapic_match(struct lapic *l, uint32_t dest, bool logical);

/* An interrupt message for this APIC (IOAPIC, IPI): fixed/lowest -> IRR (+TMR), NMI -> pending NMI. Takes the lock. */
void lapic_deliver(struct lapic *l, unsigned mode, uint8_t vector, bool level_trig);

/* LINT0/LINT1 input levels: an unmasked LVT entry delivers its mode (NMI, fixed; edge or level). Takes the lock. */
void lapic_set_lint(struct lapic *l, unsigned pin, bool level);

/* The 8259's INT reaches the CPU: APIC disabled in IA32_APIC_BASE, or LVT LINT0 unmasked with ExtINT. */
bool lapic_accepts_pic(struct lapic *l);

/*
 * CPU side (the vCPU's interrupt logic, once per entry):
 *  lapic_pending: the highest IRR vector above PPR if the APIC is
 *    software-enabled, else -1;
 *  lapic_ack: move that vector from IRR to ISR (the CPU took it);
 *  lapic_take_nmi: a pending NMI (cleared by the call).
 * Take the lock.
 */
int lapic_pending(struct lapic *l);
void lapic_ack(struct lapic *l, uint8_t vector);
bool lapic_take_nmi(struct lapic *l);

/*
 * All of the above that the vCPU asks before each entry, under one lock
 * round trip (the exit path runs it on every exit): TPR, the pending NMI
 * (taken, i.e. cleared, only with take_nmi), lapic_accepts_pic() and
 * lapic_pending(). Takes the lock.
 */
struct lapic_poll {
	uint8_t tpr;
	bool nmi;
	bool accepts_pic;
	int pending;
};
void lapic_poll(struct lapic *l, bool take_nmi, struct lapic_poll *p);

/*
 * A count that moves whenever what lapic_poll() would report may have
 * changed (IRR, ISR, TPR, SVR, an LVT entry, IA32_APIC_BASE, the NMI
 * latch); the same count means the same answer. Time alone moves it
 * only through the timer's expiry, which the clock runs at its deadline
 * (or a register access before it). Read without the lock: one vCPU
 * reads its own LAPIC between its exits.
 */
static inline uint32_t lapic_changes(const struct lapic *l)
{
	return l->changes;
}

/* TPR (bits 7:4 are CR8 in 64-bit mode: the VMCB's V_TPR keeps it while the guest runs). */
uint8_t lapic_get_tpr(struct lapic *l);
void lapic_set_tpr(struct lapic *l, uint8_t tpr);

#endif /* LAPIC_H */
