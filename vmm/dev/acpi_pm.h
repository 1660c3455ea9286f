/*
 * acpi_pm.h - the ACPI fixed-hardware power management block of this
 * PC: PM1a event registers (PM1_STS, PM1_EN), PM1a control (PM1_CNT)
 * and the 32-bit PM timer, at ports 0x600-0x60b. No SMM: the machine is
 * always in ACPI mode (SCI_EN reads 1). The SCI is ISA IRQ 9, level-
 * triggered, asserted (irq_line level true) while an enabled status bit
 * is set.
 *
 *   0x600  PM1_STS  16 bits, write 1 to clear   (PM1a_EVT_BLK, 4 ports)
 *   0x602  PM1_EN   16 bits
 *   0x604  PM1_CNT  16 bits                      (PM1a_CNT_BLK, 2 ports)
 *   0x606  nothing (reads all-ones)
 *   0x608  PM_TMR   32 bits, read-only           (PM_TMR_BLK, 4 ports)
 *
 * Nothing in vmm/vmm.h's port map uses 0x600-0x60b (QEMU's ICH9 puts its
 * PM block at the same base).
 *
 * Sleep: writing SLP_EN with SLP_TYP == ACPI_PM_SLP_TYP_S5 calls the
 * poweroff callback; any other sleep type is ignored with a log line
 * and the machine "wakes" at once (WAK_STS set), so an OS waiting for
 * the wake does not spin forever. The DSDT's \_S5 package must carry the
 * same value (vmm/fw/acpi.c takes it from struct fw_machine).
 *
 * Sources: ACPI 6.5 4.8.4.1 (PM1 event grouping), 4.8.4.2 (PM1 control),
 * 4.8.4.3 (PM timer), 4.8.3.2 (sleeping/wake control), 4.8.3.4 (SCI).
 *
 * Expected use (vmm/vmm.c):
 *   acpi_pm_init(&vmm->pm, &vmm->clock, sci_line_for_isa_irq_9,
 *                poweroff_cb, ctx);        // poweroff_cb -> VMM_STOP_POWEROFF
 *   acpi_pm_attach(&vmm->pm, &vmm->bus);   // ports + the TMR_STS timer
 */
#ifndef ACPI_PM_H
#define ACPI_PM_H

#include "bus.h"
#include "irq.h"
#include "vclock.h"

#define ACPI_PM_BASE        0x600
#define ACPI_PM_PORTS       12
#define ACPI_PM_EVT_PORT    (ACPI_PM_BASE + 0)  /* PM1a_EVT_BLK, PM1_EVT_LEN 4 */
#define ACPI_PM_CNT_PORT    (ACPI_PM_BASE + 4)  /* PM1a_CNT_BLK, PM1_CNT_LEN 2 */
#define ACPI_PM_TMR_PORT    (ACPI_PM_BASE + 8)  /* PM_TMR_BLK, PM_TMR_LEN 4 */
#define ACPI_PM_SCI_IRQ     9                   /* FADT SCI_INT */
#define ACPI_PM_SLP_TYP_S5  5                   /* PM1_CNT.SLP_TYP of S5 (\_S5) */
#define ACPI_PM_TMR_HZ      3579545ULL          /* ACPI 6.5 4.8.4.3 */

/* PM1_STS (ACPI 6.5 Table 4.11). */
#define ACPI_PM1_STS_TMR        BIT(0)
#define ACPI_PM1_STS_BM         BIT(4)
#define ACPI_PM1_STS_GBL        BIT(5)
#define ACPI_PM1_STS_PWRBTN     BIT(8)
#define ACPI_PM1_STS_SLPBTN     BIT(9)
#define ACPI_PM1_STS_RTC        BIT(10)
#define ACPI_PM1_STS_PCIEXP_WAKE BIT(14)
#define ACPI_PM1_STS_WAK        BIT(15)

/* PM1_EN (ACPI 6.5 Table 4.12). */
#define ACPI_PM1_EN_TMR         BIT(0)
#define ACPI_PM1_EN_GBL         BIT(5)
#define ACPI_PM1_EN_PWRBTN      BIT(8)
#define ACPI_PM1_EN_SLPBTN      BIT(9)
#define ACPI_PM1_EN_RTC         BIT(10)
#define ACPI_PM1_EN_PCIEXP_WAKE_DIS BIT(14)

/* PM1_CNT (ACPI 6.5 Table 4.13). */
#define ACPI_PM1_CNT_SCI_EN     BIT(0)
#define ACPI_PM1_CNT_BM_RLD     BIT(1)
#define ACPI_PM1_CNT_GBL_RLS    BIT(2)          /* write-only */
#define ACPI_PM1_CNT_SLP_TYP    BITS(12, 10)
#define ACPI_PM1_CNT_SLP_EN     BIT(13)         /* write-only */

/* The fields are the implementation's. */
struct acpi_pm {
	struct vmm_lock lock;
	struct vclock *clk;
	struct irq_line sci;
	struct vtimer timer;    /* the next toggle of PM_TMR bit 31, while TMR_EN */
	uint16_t sts;           /* latched status bits (WAK_STS); TMR_STS is computed */
	uint16_t en;
	uint16_t cnt;           /* BM_RLD and SLP_TYP as written */
	uint64_t tmr_seen;      /* bit-31 toggles counted when TMR_STS was last cleared */
	bool sci_level;
	unsigned sleeps_ignored;
	void (*poweroff)(void *ctx);
	void *ctx;
};

/*
 * Power-on state: status and enables clear, SCI_EN set, timer at 0 at
 * virtual time 0. poweroff (may be NULL: S5 is then only logged) is
 * called from the port handler with the device's lock held: it must only
 * record the request (e.g. the monitor's stop()), not touch the device.
 */
void acpi_pm_init(struct acpi_pm *pm, struct vclock *clk, struct irq_line sci,
		  void (*poweroff)(void *ctx), void *ctx);

/* Register ports ACPI_PM_BASE..+11 and the timer on the clock. Returns 0 or -1. */
int acpi_pm_attach(struct acpi_pm *pm, struct bus *bus);

/* PM_TMR at virtual time now_ns (32 bits, ACPI_PM_TMR_HZ). */
uint32_t acpi_pm_timer(uint64_t now_ns);

#endif /* ACPI_PM_H */
