/*
 * mptable.c - the Intel MP table of this PC (see mptable.h).
 *
 * Source: Intel MultiProcessor Specification, version 1.4 (May 1997),
 * chapter 4 ("MP Configuration Table"); each structure names its
 * section.
 *
 * What it says: spec revision 1.4; a configuration table (feature byte 1
 * = 0: no default configuration), virtual wire mode (feature byte 2 bit
 * 7, IMCRP, clear: there is no IMCR at ports 0x22/0x23, the 8259 reaches
 * the BSP through LINT0). Entries in the order the specification sorts
 * them: one enabled processor per vCPU (vCPU 0 the bootstrap processor;
 * CPU signature and feature flags 0, which OSes do not use: they ask
 * CPUID), bus 0 "ISA", the I/O APIC (enabled), one I/O interrupt entry
 * per ISA IRQ except 2 (the cascade): IRQ 0 on pin 2, IRQ n on pin n, all
 * "conforms to the bus" (ISA: edge, active high) except the SCI's IRQ,
 * level/active high as in the MADT; then ExtINT (the 8259) to LINT0 of
 * the BSP and NMI to LINT1 of every local APIC. No extended table.
 */
#include "mptable.h"

/* 4.1 MP Floating Pointer Structure. */
struct mptable_fps {
	char signature[4];              /* 0x00 "_MP_" */
	uint32_t config_table;          /* 0x04 physical address */
	uint8_t length;                 /* 0x08 in 16-byte units: 1 */
	uint8_t spec_rev;               /* 0x09 4: version 1.4 */
	uint8_t checksum;               /* 0x0a all 16 bytes */
	uint8_t feature[5];             /* 0x0b MP feature information bytes 1-5 */
} __attribute__((packed));
_Static_assert(sizeof(struct mptable_fps) == 16, "MP spec 4.1");

#define MPTABLE_SPEC_REV     4

/* 4.2 MP Configuration Table Header. */
struct mptable_header {
	char signature[4];              /* 0x00 "PCMP" */
	uint16_t base_length;           /* 0x04 header + base entries */
	uint8_t spec_rev;               /* 0x06 */
	uint8_t checksum;               /* 0x07 the base table */
	char oem_id[8];                 /* 0x08 */
	char product_id[12];            /* 0x10 */
	uint32_t oem_table;             /* 0x1c */
	uint16_t oem_table_size;        /* 0x20 */
	uint16_t entry_count;           /* 0x22 */
	uint32_t lapic_address;         /* 0x24 */
	uint16_t ext_length;            /* 0x28 */
	uint8_t ext_checksum;           /* 0x2a */
	uint8_t reserved;               /* 0x2b */
} __attribute__((packed));
_Static_assert(sizeof(struct mptable_header) == 44, "MP spec 4.2");

/* 4.3.1 Processor Entries (type 0). */
struct mptable_cpu {
	uint8_t type;                   /* 0x00 */
	uint8_t lapic_id;               /* 0x01 */
	uint8_t lapic_version;          /* 0x02 */
	uint8_t flags;                  /* 0x03 */
	uint32_t signature;             /* 0x04 */
	uint32_t features;              /* 0x08 */
	uint8_t reserved[8];            /* 0x0c */
} __attribute__((packed));
_Static_assert(sizeof(struct mptable_cpu) == 20, "MP spec 4.3.1");

#define MPTABLE_CPU_EN       BIT(0)
#define MPTABLE_CPU_BP       BIT(1)

/* 4.3.2 Bus Entries (type 1). */
struct mptable_bus {
	uint8_t type;                   /* 0x00 */
	uint8_t bus_id;                 /* 0x01 */
	char bus_type[6];               /* 0x02 Table 4-8, blank-padded */
} __attribute__((packed));
_Static_assert(sizeof(struct mptable_bus) == 8, "MP spec 4.3.2");

#define MPTABLE_ISA_BUS      0

/* 4.3.3 I/O APIC Entries (type 2). */
struct mptable_ioapic {
	uint8_t type;                   /* 0x00 */
	uint8_t id;                     /* 0x01 */
	uint8_t version;                /* 0x02 */
	uint8_t flags;                  /* 0x03 */
	uint32_t address;               /* 0x04 */
} __attribute__((packed));
_Static_assert(sizeof(struct mptable_ioapic) == 8, "MP spec 4.3.3");

#define MPTABLE_IOAPIC_EN    BIT(0)

/*
 * 4.3.4 I/O Interrupt Assignment Entries (type 3) and 4.3.5 Local
 * Interrupt Assignment Entries (type 4): the same layout.
 */
struct mptable_intr {
	uint8_t type;                   /* 0x00 */
	uint8_t intr_type;              /* 0x01 Table 4-10 */
	uint16_t flags;                 /* 0x02 PO 1:0, EL 3:2 */
	uint8_t src_bus;                /* 0x04 */
	uint8_t src_irq;                /* 0x05 */
	uint8_t dst_apic;               /* 0x06 I/O APIC ID, or local APIC ID (0xff: all) */
	uint8_t dst_pin;                /* 0x07 INTIN# or LINTIN# */
} __attribute__((packed));
_Static_assert(sizeof(struct mptable_intr) == 8, "MP spec 4.3.4, 4.3.5");

#define MPTABLE_INT          0          /* Table 4-10: vectored, from the APIC */
#define MPTABLE_NMI          1
#define MPTABLE_EXTINT       3          /* vectored, from the 8259 */
#define MPTABLE_PO           BITS(1, 0) /* 0 conforms, 1 active high, 3 active low */
#define MPTABLE_EL           BITS(3, 2) /* 0 conforms, 1 edge, 3 level */
#define MPTABLE_LEVEL_HIGH   (SHIFTIN(1, MPTABLE_PO) | SHIFTIN(3, MPTABLE_EL))
#define MPTABLE_ALL_LAPICS   0xff

enum { MPTABLE_T_CPU, MPTABLE_T_BUS, MPTABLE_T_IOAPIC, MPTABLE_T_IOINT, MPTABLE_T_LINT };

#define MPTABLE_IOINTS       (FW_ISA_IRQS - 1)  /* every ISA IRQ but the cascade */
#define MPTABLE_LINTS        2
#define MPTABLE_4GIB         0x100000000ULL

/* Sum of n bytes. */
static uint8_t mptable_sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n-- > 0)
		s = (uint8_t)(s + *p++);
	return s;
}

/* Append n bytes at *off. */
static void mptable_append(uint8_t *buf, size_t *off, const void *p, size_t n)
{
	memcpy(buf + *off, p, n);
	*off += n;
}

/* The entries after the header at *off: processors, bus, I/O APIC, interrupts. */
static void mptable_put_entries(uint8_t *buf, size_t *off, const struct fw_machine *m)
{
	const struct mptable_bus bus = { .type = MPTABLE_T_BUS, .bus_id = MPTABLE_ISA_BUS,
					 .bus_type = "ISA   " };
	const struct mptable_ioapic io = { .type = MPTABLE_T_IOAPIC, .id = m->ioapic_id,
					   .version = m->ioapic_version,
					   .flags = MPTABLE_IOAPIC_EN, .address = m->ioapic_addr };
	const struct mptable_intr lint[MPTABLE_LINTS] = {
		{ .type = MPTABLE_T_LINT, .intr_type = MPTABLE_EXTINT, .src_bus = MPTABLE_ISA_BUS,
		  .dst_apic = m->apic_id[0], .dst_pin = 0 },
		{ .type = MPTABLE_T_LINT, .intr_type = MPTABLE_NMI, .src_bus = MPTABLE_ISA_BUS,
		  .dst_apic = MPTABLE_ALL_LAPICS, .dst_pin = 1 },
	};

	for (unsigned i = 0; i < m->ncpus; i++) {
		struct mptable_cpu cpu = {
			.type = MPTABLE_T_CPU, .lapic_id = m->apic_id[i],
			.lapic_version = m->lapic_version,
			.flags = (uint8_t)(MPTABLE_CPU_EN | (i == 0 ? MPTABLE_CPU_BP : 0)),
		};

		mptable_append(buf, off, &cpu, sizeof(cpu));
	}
	mptable_append(buf, off, &bus, sizeof(bus));
	mptable_append(buf, off, &io, sizeof(io));
	for (unsigned irq = 0; irq < FW_ISA_IRQS; irq++) {
		struct mptable_intr e = {
			.type = MPTABLE_T_IOINT, .intr_type = MPTABLE_INT,
			.flags = irq == m->sci_irq ? MPTABLE_LEVEL_HIGH : 0,
			.src_bus = MPTABLE_ISA_BUS, .src_irq = (uint8_t)irq,
			.dst_apic = m->ioapic_id, .dst_pin = (uint8_t)fw_isa_pin(irq),
		};

		if (irq != FW_CASCADE_IRQ)
			mptable_append(buf, off, &e, sizeof(e));
	}
	mptable_append(buf, off, lint, sizeof(lint));
}

int mptable_build(uint8_t *buf, gpa_t gpa, size_t size, const struct fw_machine *m,
		  gpa_t *mpfp)
{
	struct mptable_fps fps;
	struct mptable_header h;
	size_t fps_off = (size_t)(ALIGN_UP(gpa, 16) - gpa);
	size_t cfg_off = fps_off + sizeof(fps), off = cfg_off + sizeof(h);
	size_t end;

	if (fw_machine_check(m) != 0)
		return -1;
	end = off + m->ncpus * sizeof(struct mptable_cpu) + sizeof(struct mptable_bus) +
	      sizeof(struct mptable_ioapic) + (MPTABLE_IOINTS + MPTABLE_LINTS) *
	      sizeof(struct mptable_intr);
	if (end > size || gpa >= MPTABLE_4GIB || end > MPTABLE_4GIB - gpa) {
		vmm_log(VMM_LOG_ERR, "mptable: tables need %zu bytes below 4 GiB at 0x%llx, have %zu\n",
			end, (unsigned long long)gpa, size);
		return -1;
	}
	memset(buf, 0, cfg_off);
	mptable_put_entries(buf, &off, m);

	memset(&h, 0, sizeof(h));
	memcpy(h.signature, "PCMP", sizeof(h.signature));
	h.base_length = (uint16_t)(end - cfg_off);
	h.spec_rev = MPTABLE_SPEC_REV;
	memcpy(h.oem_id, MPTABLE_OEM_ID, sizeof(h.oem_id));
	memcpy(h.product_id, MPTABLE_PRODUCT_ID, sizeof(h.product_id));
	h.entry_count = (uint16_t)(m->ncpus + 2 + MPTABLE_IOINTS + MPTABLE_LINTS);
	h.lapic_address = m->lapic_addr;
	memcpy(buf + cfg_off, &h, sizeof(h));
	buf[cfg_off + offsetof(struct mptable_header, checksum)] =
		(uint8_t)(0 - mptable_sum(buf + cfg_off, h.base_length));

	memset(&fps, 0, sizeof(fps));
	memcpy(fps.signature, "_MP_", sizeof(fps.signature));
	fps.config_table = (uint32_t)(gpa + cfg_off);
	fps.length = sizeof(fps) / 16;
	fps.spec_rev = MPTABLE_SPEC_REV;
	fps.checksum = (uint8_t)(0 - mptable_sum((const uint8_t *)&fps, sizeof(fps)));
	memcpy(buf + fps_off, &fps, sizeof(fps));
	*mpfp = gpa + fps_off;
	return (int)end;
}
