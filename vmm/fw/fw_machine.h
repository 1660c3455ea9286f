/*
 * fw_machine.h - the machine as the firmware tables describe it to the
 * guest: CPUs and their local APICs, the I/O APIC and how the ISA
 * interrupts reach it, the ACPI PM register block, the reset register.
 * One description for both table builders: ACPI (acpi.h) and the Intel
 * MultiProcessor table (mptable.h).
 *
 * Wiring that is fixed on this PC (vmm/vmm.h) and not part of the
 * description: one I/O APIC, its pin n is GSI n (GSI base 0), and ISA
 * IRQ n reaches pin n, except IRQ 0 (the PIT),
 * which reaches pin 2; IRQ 2 (the 8259 cascade) reaches nothing. The
 * 8259's INT goes to LINT0 of vCPU 0 (virtual wire), NMI to LINT1 of
 * every vCPU. The SCI is level-triggered and active high: interrupt lines
 * here are "true = asserted" into both the 8259 (ELCR level mode) and the
 * I/O APIC, and the I/O APIC honours the polarity bit, so declaring it
 * active low (as real chipsets do) would turn an idle SCI into a
 * permanent request. QEMU declares its SCI active high for the same
 * reason.
 */
#ifndef FW_MACHINE_H
#define FW_MACHINE_H

#include "vmm_env.h"

#define FW_MAX_CPUS      255    /* xAPIC IDs are 8 bits, 0xff is broadcast */
#define FW_ISA_IRQS      16
#define FW_PIT_IRQ       0
#define FW_PIT_GSI       2      /* ISA IRQ 0 -> I/O APIC pin 2 */
#define FW_CASCADE_IRQ   2      /* 8259 cascade: no device behind it */

struct fw_machine {
	unsigned ncpus;                 /* 1..FW_MAX_CPUS; vCPU 0 is the BSP */
	uint8_t apic_id[FW_MAX_CPUS];   /* local APIC ID of vCPU i: distinct, not 0xff */
	uint8_t lapic_version;          /* bits 7:0 of the LAPIC version register */
	uint32_t lapic_addr;            /* the local APICs' MMIO page */
	uint8_t ioapic_id;              /* not 0xff */
	uint8_t ioapic_version;         /* bits 7:0 of the I/O APIC version register */
	uint32_t ioapic_addr;
	uint16_t pm1a_evt_port;         /* PM1_STS, PM1_EN: 4 ports */
	uint16_t pm1a_cnt_port;         /* PM1_CNT: 2 ports */
	uint16_t pm_tmr_port;           /* PM_TMR: 4 ports, a 32-bit timer */
	uint8_t sci_irq;                /* ISA IRQ of the SCI (not 0, not 2) */
	uint8_t s5_slp_typ;             /* PM1_CNT.SLP_TYP that means S5, 0-7 */
	uint8_t rtc_century;            /* CMOS index of the century byte, 0: none */
	uint16_t reset_port;            /* the ACPI reset register (I/O), 0: none */
	uint8_t reset_value;            /* written to it to reset */
};

/*
 * This PC (vmm/vmm.h) with ncpus vCPUs whose APIC IDs are 0..ncpus-1:
 * LAPIC version 0x14 at 0xfee00000 (vmm/dev/lapic.c), I/O APIC ID 0,
 * version 0x20, at 0xfec00000 (vmm/dev/ioapic.c), the PM block of
 * vmm/dev/acpi_pm.h (SCI IRQ 9, S5 = SLP_TYP 5), the century byte at
 * CMOS 0x32 (vmm/dev/mc146818.c), reset by writing 6 to port 0xcf9
 * (vmm/dev/pc_sysctl.c: RST_CPU | SYS_RST, a hard reset).
 */
void fw_machine_pc(struct fw_machine *m, unsigned ncpus);

/*
 * Check m as the table builders need it: 1..FW_MAX_CPUS vCPUs with
 * distinct APIC IDs other than 0xff, an I/O APIC ID other than 0xff,
 * non-zero LAPIC and I/O APIC addresses and PM ports, an SCI on an ISA
 * IRQ other than 0 and 2, SLP_TYP 0-7. Returns 0, or -1 after logging
 * what is wrong.
 */
int fw_machine_check(const struct fw_machine *m);

/* The I/O APIC pin, and GSI, that ISA IRQ irq (0-15) reaches. */
static inline unsigned fw_isa_pin(unsigned irq)
{
	return irq == FW_PIT_IRQ ? FW_PIT_GSI : irq;
}

#endif /* FW_MACHINE_H */
