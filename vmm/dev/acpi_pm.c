/*
 * acpi_pm.c - the ACPI PM1a event and control registers and the PM timer
 * (see acpi_pm.h).
 *
 * Sources: ACPI 6.5 4.8.4.1.1 (PM1 status, Table 4.11), 4.8.4.1.2 (PM1
 * enable, Table 4.12), 4.8.4.2.1 (PM1 control, Table 4.13), 4.8.4.3 (PM
 * timer, Table 4.14), 4.8.3.2 (sleeping/wake control), 4.8.3.4 (SCI).
 *
 * The block is one little-endian register file of 12 ports:
 *   +0 PM1_STS  TMR_STS is set whenever bit 31 of the timer toggles (a
 *               32-bit timer: TMR_VAL_EXT), WAK_STS when the machine
 *               "wakes" from an ignored sleep request; writing 1 clears a
 *               bit, writing 0 does nothing. No other event exists here
 *               (no fixed power/sleep button, no RTC wake, no firmware to
 *               set GBL_STS, no bus master): those bits read 0.
 *   +2 PM1_EN   the six enable bits of Table 4.12 read back as written;
 *               only TMR_EN has an event behind it.
 *   +4 PM1_CNT  SCI_EN always reads 1 and ignores writes (no SMM, so no
 *               legacy mode to leave); BM_RLD and SLP_TYP read back;
 *               GBL_RLS and SLP_EN are write-only and read 0. GBL_RLS
 *               would interrupt the firmware, which does not exist.
 *   +6          nothing decodes these two ports: all-ones.
 *   +8 PM_TMR   read-only.
 *
 * Accesses: the FADT declares word access for PM1_STS, PM1_EN and
 * PM1_CNT (ACPI 6.5 4.8.4.1: "accessed through byte and word accesses")
 * and dword access for PM_TMR. Any access of 1, 2 or 4 bytes at any
 * port of the block works on the bytes it covers, as if each were a
 * byte register: a dword read at +0 returns PM1_STS | PM1_EN << 16, a
 * byte read at +9 bits 15:8 of the timer, a byte write to +5 can set
 * SLP_EN (SLP_TYP then comes from the same byte). Bytes past +11 read
 * all-ones and ignore writes. The timer is sampled once per access.
 *
 * PM timer: count = floor(t * 3579545 Hz / 1e9) for virtual time t in
 * ns, modulo 2^32: exact over any interval (no accumulated rounding) and
 * monotonic because the virtual clock is. It starts at 0 at virtual time
 * 0 (the specification leaves the start value open).
 *
 * SCI: asserted (line level true) while a status bit and its enable are
 * both set, i.e. TMR_STS && TMR_EN; SCI_EN is always 1. The line is level
 * (the MADT and MP table declare IRQ 9 level, active high). While TMR_EN
 * is set and TMR_STS clear, a timer on the virtual clock fires at the
 * next toggle of bit 31 (every 2^31 ticks, about 600 s).
 */
#include "acpi_pm.h"

#define ACPI_PM_OFF_STS      0
#define ACPI_PM_OFF_EN       2
#define ACPI_PM_OFF_CNT      4
#define ACPI_PM_OFF_TMR      8
#define ACPI_PM_TMR_MSB      31         /* TMR_VAL_EXT: a 32-bit counter */
#define ACPI_PM_SLEEP_LOGGED 4          /* ignored sleep requests logged */

#define ACPI_PM1_EN_MASK  (ACPI_PM1_EN_TMR | ACPI_PM1_EN_GBL | ACPI_PM1_EN_PWRBTN | \
			   ACPI_PM1_EN_SLPBTN | ACPI_PM1_EN_RTC | ACPI_PM1_EN_PCIEXP_WAKE_DIS)
#define ACPI_PM1_CNT_KEEP (ACPI_PM1_CNT_BM_RLD | ACPI_PM1_CNT_SLP_TYP)

/* Timer ticks counted since virtual time 0 (not wrapped). */
static uint64_t acpi_pm_ticks(uint64_t now_ns)
{
	return vclock_ns_to_ticks(now_ns, ACPI_PM_TMR_HZ);
}

uint32_t acpi_pm_timer(uint64_t now_ns)
{
	return (uint32_t)acpi_pm_ticks(now_ns);
}

/* How often the timer's most significant bit has toggled up to now. */
static uint64_t acpi_pm_toggles(uint64_t now_ns)
{
	return acpi_pm_ticks(now_ns) >> ACPI_PM_TMR_MSB;
}

/* The first virtual ns at which the timer has counted ticks ticks. */
static uint64_t acpi_pm_ticks_to_ns(uint64_t ticks)
{
	uint64_t ns = vclock_ticks_to_ns(ticks, ACPI_PM_TMR_HZ);

	if (acpi_pm_ticks(ns) < ticks)
		ns++;           /* ticks_to_ns rounds down */
	return ns;
}

/* PM1_STS as the guest reads it at now. */
static uint16_t acpi_pm_sts(const struct acpi_pm *pm, uint64_t now)
{
	uint16_t sts = pm->sts;

	if (acpi_pm_toggles(now) != pm->tmr_seen)
		sts |= ACPI_PM1_STS_TMR;
	return sts;
}

/*
 * Drive the SCI from the status and enable bits, and keep the timer armed
 * for the next TMR_STS while TMR_EN is set and TMR_STS clear (lock held).
 */
static void acpi_pm_update(struct acpi_pm *pm, uint64_t now)
{
	uint16_t sts = acpi_pm_sts(pm, now);
	bool level = (sts & pm->en & ACPI_PM1_EN_TMR) != 0;

	if (level != pm->sci_level) {
		pm->sci_level = level;
		irq_line_set(&pm->sci, level);
	}
	if ((pm->en & ACPI_PM1_EN_TMR) && !(sts & ACPI_PM1_STS_TMR))
		vtimer_arm(&pm->timer, acpi_pm_ticks_to_ns((pm->tmr_seen + 1) << ACPI_PM_TMR_MSB));
	else
		vtimer_disarm(&pm->timer);
}

/* The timer reached a toggle of bit 31: TMR_STS is now set. */
static void acpi_pm_expire(void *dev, uint64_t now)
{
	struct acpi_pm *pm = dev;

	vmm_lock_acquire(&pm->lock);
	acpi_pm_update(pm, now);
	vmm_lock_release(&pm->lock);
}

/* SLP_EN was written with sleep type typ (lock held). */
static void acpi_pm_sleep(struct acpi_pm *pm, unsigned typ)
{
	if (typ == ACPI_PM_SLP_TYP_S5) {
		vmm_log(VMM_LOG_INFO, "acpi_pm: S5 (soft off) requested\n");
		if (pm->poweroff != NULL)
			pm->poweroff(pm->ctx);
		return;
	}
	/* No other sleeping state exists: wake up at once (ACPI 6.5 4.8.3.2). */
	pm->sts |= ACPI_PM1_STS_WAK;
	if (pm->sleeps_ignored < ACPI_PM_SLEEP_LOGGED)
		vmm_log(VMM_LOG_WARN, "acpi_pm: sleep type %u is not supported, ignored%s\n", typ,
			pm->sleeps_ignored + 1 == ACPI_PM_SLEEP_LOGGED ? " (not logged again)" : "");
	pm->sleeps_ignored++;
}

/*
 * Write the bytes of data that mask selects into the first 8 bytes of the
 * register file (STS, EN, CNT, gap), at now (lock held).
 */
static void acpi_pm_write(struct acpi_pm *pm, uint64_t now, uint64_t data, uint64_t mask)
{
	uint16_t clear = (uint16_t)SHIFTOUT(data & mask, BITS(15, 0));
	uint16_t en_mask = (uint16_t)SHIFTOUT(mask, BITS(31, 16));
	uint16_t cnt_mask = (uint16_t)SHIFTOUT(mask, BITS(47, 32));
	uint16_t cnt = (uint16_t)SHIFTOUT(data, BITS(47, 32));

	pm->sts &= (uint16_t)~clear;
	if (clear & ACPI_PM1_STS_TMR)
		pm->tmr_seen = acpi_pm_toggles(now);
	pm->en = (uint16_t)(((pm->en & ~en_mask) | (SHIFTOUT(data, BITS(31, 16)) & en_mask)) &
			    ACPI_PM1_EN_MASK);
	if (cnt_mask != 0) {
		cnt = (uint16_t)((pm->cnt & ~cnt_mask) | (cnt & cnt_mask));
		pm->cnt = cnt & ACPI_PM1_CNT_KEEP;
		if (cnt & cnt_mask & ACPI_PM1_CNT_SLP_EN)
			acpi_pm_sleep(pm, (unsigned)SHIFTOUT(cnt, ACPI_PM1_CNT_SLP_TYP));
	}
	acpi_pm_update(pm, now);
}

/* Ports ACPI_PM_BASE..+11, any size (the bus holds the lock). */
static void acpi_pm_io(void *dev, uint16_t port, bool write, unsigned size, uint32_t *val)
{
	struct acpi_pm *pm = dev;
	uint64_t now = vclock_now(pm->clk), lo, data = 0, mask = 0;
	uint32_t tmr, out = 0;
	unsigned off = (unsigned)(port - ACPI_PM_BASE);

	if (write) {
		for (unsigned i = 0; i < size; i++, off++) {
			if (off >= ACPI_PM_OFF_TMR)
				break;          /* the timer is read-only, the rest undecoded */
			data |= SHIFTOUT(*val, BITS(8 * i + 7, 8 * i)) << (8 * off);
			mask |= 0xffULL << (8 * off);
		}
		acpi_pm_write(pm, now, data, mask);
		return;
	}
	lo = acpi_pm_sts(pm, now) | (uint64_t)pm->en << (8 * ACPI_PM_OFF_EN) |
	     (uint64_t)(pm->cnt | ACPI_PM1_CNT_SCI_EN) << (8 * ACPI_PM_OFF_CNT) |
	     BITS(63, 48);      /* the two undecoded ports */
	tmr = acpi_pm_timer(now);
	for (unsigned i = 0; i < size; i++, off++) {
		uint32_t b = 0xff;

		if (off < ACPI_PM_OFF_TMR)
			b = (uint32_t)(lo >> (8 * off)) & 0xff;
		else if (off < ACPI_PM_PORTS)
			b = (tmr >> (8 * (off - ACPI_PM_OFF_TMR))) & 0xff;
		out |= b << (8 * i);
	}
	*val = out;
}

void acpi_pm_init(struct acpi_pm *pm, struct vclock *clk, struct irq_line sci,
		  void (*poweroff)(void *ctx), void *ctx)
{
	memset(pm, 0, sizeof(*pm));
	pm->clk = clk;
	pm->sci = sci;
	pm->timer.deadline = VCLOCK_NEVER;
	pm->poweroff = poweroff;
	pm->ctx = ctx;
}

int acpi_pm_attach(struct acpi_pm *pm, struct bus *bus)
{
	if (vclock_add_timer(pm->clk, &pm->timer, "acpi pm timer", acpi_pm_expire, pm) != 0)
		return -1;
	return bus_add_pio(bus, ACPI_PM_BASE, ACPI_PM_PORTS, 0, "acpi pm", acpi_pm_io, pm,
			   &pm->lock);
}
