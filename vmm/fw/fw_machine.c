/*
 * fw_machine.c - the description of this PC for the firmware tables, and
 * its checks (see fw_machine.h).
 */
#include "fw_machine.h"

#include "acpi_pm.h"
#include "ioapic.h"
#include "lapic.h"

#define FW_LAPIC_VERSION   0x14         /* vmm/dev/lapic_regs.c: integrated xAPIC */
#define FW_IOAPIC_VERSION  0x20         /* vmm/dev/ioapic.c */
#define FW_RTC_CENTURY     0x32         /* vmm/dev/mc146818.c */
#define FW_RESET_PORT      0xcf9        /* vmm/dev/pc_sysctl.c */
#define FW_RESET_VALUE     0x06         /* SYS_RST | RST_CPU */
#define FW_SLP_TYP_MAX     7            /* PM1_CNT.SLP_TYP is 3 bits */

void fw_machine_pc(struct fw_machine *m, unsigned ncpus)
{
	memset(m, 0, sizeof(*m));
	m->ncpus = ncpus;
	for (unsigned i = 0; i < ncpus && i < FW_MAX_CPUS; i++)
		m->apic_id[i] = (uint8_t)i;
	m->lapic_version = FW_LAPIC_VERSION;
	m->lapic_addr = (uint32_t)LAPIC_DEFAULT_BASE;
	m->ioapic_id = 0;
	m->ioapic_version = FW_IOAPIC_VERSION;
	m->ioapic_addr = (uint32_t)IOAPIC_DEFAULT_BASE;
	m->pm1a_evt_port = ACPI_PM_EVT_PORT;
	m->pm1a_cnt_port = ACPI_PM_CNT_PORT;
	m->pm_tmr_port = ACPI_PM_TMR_PORT;
	m->sci_irq = ACPI_PM_SCI_IRQ;
	m->s5_slp_typ = ACPI_PM_SLP_TYP_S5;
	m->rtc_century = FW_RTC_CENTURY;
	m->reset_port = FW_RESET_PORT;
	m->reset_value = FW_RESET_VALUE;
}

/* The CPUs: a count in range, distinct APIC IDs, none of them broadcast. */
static int fw_machine_check_cpus(const struct fw_machine *m)
{
	uint8_t seen[256 / 8];

	if (m->ncpus == 0 || m->ncpus > FW_MAX_CPUS) {
		vmm_log(VMM_LOG_ERR, "fw: %u vCPUs, the tables hold 1 to %u\n", m->ncpus,
			FW_MAX_CPUS);
		return -1;
	}
	memset(seen, 0, sizeof(seen));
	for (unsigned i = 0; i < m->ncpus; i++) {
		uint8_t id = m->apic_id[i];

		if (id == 0xff || (seen[id / 8] & BIT(id % 8))) {
			vmm_log(VMM_LOG_ERR, "fw: vCPU %u: APIC ID 0x%x is %s\n", i, id,
				id == 0xff ? "the broadcast ID" : "taken");
			return -1;
		}
		seen[id / 8] |= (uint8_t)BIT(id % 8);
	}
	return 0;
}

int fw_machine_check(const struct fw_machine *m)
{
	const char *bad = NULL;

	if (fw_machine_check_cpus(m) != 0)
		return -1;
	if (m->ioapic_id == 0xff)
		bad = "I/O APIC ID 0xff";
	else if (m->lapic_addr == 0 || m->ioapic_addr == 0)
		bad = "an APIC at address 0";
	else if (m->pm1a_evt_port == 0 || m->pm1a_cnt_port == 0 || m->pm_tmr_port == 0)
		bad = "a PM register block at port 0";
	else if (m->sci_irq >= FW_ISA_IRQS || m->sci_irq == FW_PIT_IRQ ||
		 m->sci_irq == FW_CASCADE_IRQ)
		bad = "the SCI not on ISA IRQ 1 or 3-15";
	else if (m->s5_slp_typ > FW_SLP_TYP_MAX)
		bad = "an S5 sleep type above 7";
	if (bad != NULL) {
		vmm_log(VMM_LOG_ERR, "fw: invalid machine description: %s\n", bad);
		return -1;
	}
	return 0;
}
