/*
 * acpi.c - the ACPI tables of this PC (see acpi.h).
 *
 * Source: ACPI Specification 6.5 (August 2022); each structure below
 * names its section. All multi-byte fields are little-endian, which is
 * what both builds (x86-64) store natively.
 *
 * What the tables say, and why:
 *  - RSDP revision 2 (ACPI 2.0+) with the RSDT and the XSDT; both list
 *    the FADT and the MADT. An OS takes the XSDT (64-bit pointers) when
 *    the RSDP's revision is 2; the RSDT is for ACPI 1.0 OSes.
 *  - FADT revision 6.5 (276 bytes, the size of Linux's struct
 *    acpi_table_fadt since ACPI 6.0, so ACPICA neither pads nor
 *    truncates it). Every legacy block address equals its X_ address and
 *    every legacy length its X_ bit width / 8, so ACPICA finds no
 *    "32/64X mismatch". PM1a event block (4 ports), PM1a control (2), PM
 *    timer (4, 32-bit: TMR_VAL_EXT); no PM1b, PM2, GPE0/1 or C-states (the
 *    latencies say C2 and C3 are absent). SMI_CMD 0: no SMM, the machine
 *    is always in ACPI mode (ACPICA then never touches SCI_EN; the PM
 *    device reads it as 1 anyway). RESET_REG: one byte at I/O
 *    reset_port, RESET_VALUE reset_value, RESET_REG_SUP set (Linux's first
 *    reboot method is this register). The FACS is given by FIRMWARE_CTRL
 *    only, as QEMU does: X_FIRMWARE_CTRL is 0, so no OS installs the FACS
 *    twice. DSDT and X_DSDT both point at the DSDT.
 *  - IAPC_BOOT_ARCH (5.2.9.3), and what Linux does with each bit
 *    (arch/x86/kernel/acpi/boot.c acpi_parse_fadt, drivers/pci/pci-acpi.c
 *    acpi_pci_init): LEGACY_DEVICES set (ISA devices the namespace does
 *    not list; clear, Linux would drop PnP BIOS probing, which only 32-bit
 *    kernels have). 8042 set: Linux's i8042 driver finds no PNP0303 device
 *    in the namespace, prints "PNP: No PS/2 controller found" and, because
 *    of this bit, "Probing ports directly", and drives ports 0x60/0x64;
 *    with the bit clear it would mark the controller absent and give up.
 *    VGA Not Present set: there is no VGA (Linux records it in
 *    x86_platform.legacy.no_vga). MSI Not Supported set: nothing here can
 *    send an MSI (no PCI; the 0xfee00000 page is the LAPICs' registers);
 *    Linux prints "ACPI FADT declares the system doesn't support MSI, so
 *    disable it" and never tries. PCIe ASPM Controls clear (no PCIe, and
 *    set it would only add another such line). CMOS RTC Not Present clear:
 *    the RTC exists and Linux registers its platform RTC device.
 *  - Flags (5.2.9, Fixed ACPI Description Table Fixed Feature Flags):
 *    WBINVD (the hypervisor executes it), PROC_C1 (HLT works), PWR_BUTTON
 *    and SLP_BUTTON (set: there is no fixed power or sleep button, so
 *    Linux registers none), FIX_RTC (set: the RTC alarm is not a fixed
 *    event here), TMR_VAL_EXT (32-bit PM timer), RESET_REG_SUP.
 *  - FACS (5.2.10): version 2, 64 bytes on a 64-byte boundary, no Global
 *    Lock owner, no waking vector, no S4BIOS.
 *  - DSDT (5.2.11.1) with one object, Name (_S5, Package (4) {typ, typ,
 *    0, 0}) (7.4.2: SLP_TYPa, SLP_TYPb, two reserved), typ = the PM
 *    device's S5 value. Nothing else: the machine has no device that
 *    needs AML (its ISA devices are found by legacy probing), no
 *    processor objects (the MADT lists the CPUs), no _PIC method (absent
 *    is allowed), no \_S1-\_S4 (the PM device has no other sleeping
 *    state), no GPEs.
 *  - MADT revision 6 (5.2.12) at the LAPIC address with PCAT_COMPAT (the
 *    8259 pair exists): one enabled Processor Local APIC per vCPU (ACPI
 *    Processor UID = vCPU index), the I/O APIC with GSI base 0, two
 *    Interrupt Source Overrides, ISA IRQ 0 -> GSI 2 edge/active high
 *    (the PIT on pin 2) and the SCI's IRQ -> the same GSI level/active
 *    high (fw_machine.h says why high), and one Local APIC NMI for all
 *    processors (UID 0xff) on LINT1, edge/active high.
 *
 * Layout in the buffer: RSDP (16-byte aligned GPA), RSDT, XSDT, FADT,
 * MADT, DSDT (8-byte aligned), FACS (64-byte aligned), in that order.
 */
#include "acpi.h"

/* ---------------------------------------------------------------------- */
/* Structures                                                             */

/* 5.2.3.2 Generic Address Structure. */
struct acpi_gas {
	uint8_t space_id;               /* 0x00 */
	uint8_t bit_width;              /* 0x01 */
	uint8_t bit_offset;             /* 0x02 */
	uint8_t access_size;            /* 0x03 */
	uint64_t address;               /* 0x04 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_gas) == 12, "ACPI 6.5 5.2.3.2");

#define ACPI_GAS_SYSTEM_IO   1
#define ACPI_GAS_ACCESS_BYTE 1
#define ACPI_GAS_ACCESS_WORD 2
#define ACPI_GAS_ACCESS_DWORD 3

/* 5.2.5.3 Root System Description Pointer (RSDP) Structure. */
struct acpi_rsdp {
	char signature[8];              /* 0x00 "RSD PTR " */
	uint8_t checksum;               /* 0x08 bytes 0-19 */
	char oem_id[6];                 /* 0x09 */
	uint8_t revision;               /* 0x0f */
	uint32_t rsdt_address;          /* 0x10 */
	uint32_t length;                /* 0x14 */
	uint64_t xsdt_address;          /* 0x18 */
	uint8_t extended_checksum;      /* 0x20 all 36 bytes */
	uint8_t reserved[3];            /* 0x21 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "ACPI 6.5 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, xsdt_address) == 24, "ACPI 6.5 5.2.5.3");

#define ACPI_RSDP_REVISION   2
#define ACPI_RSDP_V1_LEN     20         /* what the first checksum covers */

/* 5.2.6 System Description Table Header. */
struct acpi_header {
	char signature[4];              /* 0x00 */
	uint32_t length;                /* 0x04 */
	uint8_t revision;               /* 0x08 */
	uint8_t checksum;               /* 0x09 whole table */
	char oem_id[6];                 /* 0x0a */
	char oem_table_id[8];           /* 0x10 */
	uint32_t oem_revision;          /* 0x18 */
	char creator_id[4];             /* 0x1c */
	uint32_t creator_revision;      /* 0x20 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI 6.5 5.2.6");

#define ACPI_RSDT_REVISION   1          /* 5.2.7 */
#define ACPI_XSDT_REVISION   1          /* 5.2.8 */
#define ACPI_NTABLES         2          /* RSDT/XSDT entries: FADT, MADT */

/* 5.2.9 Fixed ACPI Description Table (FADT), revision 6. */
struct acpi_fadt {
	struct acpi_header hdr;         /* 0x00 "FACP" */
	uint32_t firmware_ctrl;         /* 0x24 FACS */
	uint32_t dsdt;                  /* 0x28 */
	uint8_t reserved_0x2c;          /* 0x2c INT_MODEL in ACPI 1.0 */
	uint8_t preferred_pm_profile;   /* 0x2d */
	uint16_t sci_int;               /* 0x2e */
	uint32_t smi_cmd;               /* 0x30 */
	uint8_t acpi_enable;            /* 0x34 */
	uint8_t acpi_disable;           /* 0x35 */
	uint8_t s4bios_req;             /* 0x36 */
	uint8_t pstate_cnt;             /* 0x37 */
	uint32_t pm1a_evt_blk;          /* 0x38 */
	uint32_t pm1b_evt_blk;          /* 0x3c */
	uint32_t pm1a_cnt_blk;          /* 0x40 */
	uint32_t pm1b_cnt_blk;          /* 0x44 */
	uint32_t pm2_cnt_blk;           /* 0x48 */
	uint32_t pm_tmr_blk;            /* 0x4c */
	uint32_t gpe0_blk;              /* 0x50 */
	uint32_t gpe1_blk;              /* 0x54 */
	uint8_t pm1_evt_len;            /* 0x58 */
	uint8_t pm1_cnt_len;            /* 0x59 */
	uint8_t pm2_cnt_len;            /* 0x5a */
	uint8_t pm_tmr_len;             /* 0x5b */
	uint8_t gpe0_blk_len;           /* 0x5c */
	uint8_t gpe1_blk_len;           /* 0x5d */
	uint8_t gpe1_base;              /* 0x5e */
	uint8_t cst_cnt;                /* 0x5f */
	uint16_t p_lvl2_lat;            /* 0x60 */
	uint16_t p_lvl3_lat;            /* 0x62 */
	uint16_t flush_size;            /* 0x64 */
	uint16_t flush_stride;          /* 0x66 */
	uint8_t duty_offset;            /* 0x68 */
	uint8_t duty_width;             /* 0x69 */
	uint8_t day_alrm;               /* 0x6a */
	uint8_t mon_alrm;               /* 0x6b */
	uint8_t century;                /* 0x6c */
	uint16_t iapc_boot_arch;        /* 0x6d */
	uint8_t reserved_0x6f;          /* 0x6f */
	uint32_t flags;                 /* 0x70 */
	struct acpi_gas reset_reg;      /* 0x74 */
	uint8_t reset_value;            /* 0x80 */
	uint16_t arm_boot_arch;         /* 0x81 */
	uint8_t minor_version;          /* 0x83 */
	uint64_t x_firmware_ctrl;       /* 0x84 */
	uint64_t x_dsdt;                /* 0x8c */
	struct acpi_gas x_pm1a_evt_blk; /* 0x94 */
	struct acpi_gas x_pm1b_evt_blk; /* 0xa0 */
	struct acpi_gas x_pm1a_cnt_blk; /* 0xac */
	struct acpi_gas x_pm1b_cnt_blk; /* 0xb8 */
	struct acpi_gas x_pm2_cnt_blk;  /* 0xc4 */
	struct acpi_gas x_pm_tmr_blk;   /* 0xd0 */
	struct acpi_gas x_gpe0_blk;     /* 0xdc */
	struct acpi_gas x_gpe1_blk;     /* 0xe8 */
	struct acpi_gas sleep_control_reg; /* 0xf4 */
	struct acpi_gas sleep_status_reg;  /* 0x100 */
	uint64_t hypervisor_vendor_id;  /* 0x10c */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_fadt) == 276, "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, iapc_boot_arch) == 109, "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == 116, "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, x_pm_tmr_blk) == 208, "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, hypervisor_vendor_id) == 268, "ACPI 6.5 5.2.9");

#define ACPI_FADT_REVISION       6
#define ACPI_FADT_MINOR_VERSION  5
#define ACPI_FADT_NO_C2          0x0fff /* P_LVL2_LAT > 100: no C2 */
#define ACPI_FADT_NO_C3          0x0fff /* P_LVL3_LAT > 1000: no C3 */
#define ACPI_FADT_PM1_EVT_LEN    4
#define ACPI_FADT_PM1_CNT_LEN    2
#define ACPI_FADT_PM_TMR_LEN     4
#define ACPI_FADT_RESET_REG_BITS 8
/* Hypervisor Vendor Identity: the hypervisor that made the table, zero-padded. */
#define ACPI_FADT_HYPERVISOR_ID  "svmhv"

/* IAPC_BOOT_ARCH (5.2.9.3, IA-PC Boot Architecture Flags). */
#define ACPI_IAPC_LEGACY_DEVICES BIT(0)
#define ACPI_IAPC_8042           BIT(1)
#define ACPI_IAPC_NO_VGA         BIT(2)
#define ACPI_IAPC_NO_MSI         BIT(3)
#define ACPI_IAPC_NO_ASPM        BIT(4)
#define ACPI_IAPC_NO_CMOS_RTC    BIT(5)

/* Flags (5.2.9, Fixed ACPI Description Table Fixed Feature Flags). */
#define ACPI_FADT_WBINVD         BIT(0)
#define ACPI_FADT_WBINVD_FLUSH   BIT(1)
#define ACPI_FADT_PROC_C1        BIT(2)
#define ACPI_FADT_P_LVL2_UP      BIT(3)
#define ACPI_FADT_PWR_BUTTON     BIT(4)
#define ACPI_FADT_SLP_BUTTON     BIT(5)
#define ACPI_FADT_FIX_RTC        BIT(6)
#define ACPI_FADT_RTC_S4         BIT(7)
#define ACPI_FADT_TMR_VAL_EXT    BIT(8)
#define ACPI_FADT_DCK_CAP        BIT(9)
#define ACPI_FADT_RESET_REG_SUP  BIT(10)
#define ACPI_FADT_HW_REDUCED     BIT(20)

/* 5.2.10 Firmware ACPI Control Structure (FACS). */
struct acpi_facs {
	char signature[4];              /* 0x00 "FACS" */
	uint32_t length;                /* 0x04 */
	uint32_t hardware_signature;    /* 0x08 */
	uint32_t firmware_waking_vector; /* 0x0c */
	uint32_t global_lock;           /* 0x10 */
	uint32_t flags;                 /* 0x14 */
	uint64_t x_firmware_waking_vector; /* 0x18 */
	uint8_t version;                /* 0x20 */
	uint8_t reserved_0x21[3];       /* 0x21 */
	uint32_t ospm_flags;            /* 0x24 */
	uint8_t reserved_0x28[24];      /* 0x28 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_facs) == 64, "ACPI 6.5 5.2.10");

#define ACPI_FACS_VERSION    2
#define ACPI_FACS_ALIGN      64         /* "aligned on a 64-byte boundary" */

/* 5.2.11.1 DSDT: a header and AML. */
#define ACPI_DSDT_REVISION   2          /* 2+: integers are 64 bits */
#define ACPI_AML_MAX         32

/* 20.2 AML encoding: the opcodes the DSDT uses. */
#define AML_ZERO_OP          0x00
#define AML_ONE_OP           0x01
#define AML_NAME_OP          0x08
#define AML_BYTE_PREFIX      0x0a
#define AML_PACKAGE_OP       0x12
#define AML_PKGLEN_1BYTE_MAX 63         /* 20.2.4: a one-byte PkgLength */

/* 5.2.12 Multiple APIC Description Table (MADT). */
struct acpi_madt {
	struct acpi_header hdr;         /* 0x00 "APIC" */
	uint32_t lapic_address;         /* 0x24 */
	uint32_t flags;                 /* 0x28 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt) == 44, "ACPI 6.5 5.2.12");

#define ACPI_MADT_REVISION   6
#define ACPI_MADT_PCAT_COMPAT BIT(0)

/* 5.2.12.2 Processor Local APIC Structure (type 0). */
struct acpi_madt_lapic {
	uint8_t type;                   /* 0x00 */
	uint8_t length;                 /* 0x01 */
	uint8_t processor_uid;          /* 0x02 */
	uint8_t apic_id;                /* 0x03 */
	uint32_t flags;                 /* 0x04 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "ACPI 6.5 5.2.12.2");

#define ACPI_MADT_TYPE_LAPIC     0
#define ACPI_MADT_LAPIC_ENABLED  BIT(0)

/* 5.2.12.3 I/O APIC Structure (type 1). */
struct acpi_madt_ioapic {
	uint8_t type;                   /* 0x00 */
	uint8_t length;                 /* 0x01 */
	uint8_t ioapic_id;              /* 0x02 */
	uint8_t reserved;               /* 0x03 */
	uint32_t address;               /* 0x04 */
	uint32_t gsi_base;              /* 0x08 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "ACPI 6.5 5.2.12.3");

#define ACPI_MADT_TYPE_IOAPIC    1

/* 5.2.12.5 Interrupt Source Override Structure (type 2). */
struct acpi_madt_iso {
	uint8_t type;                   /* 0x00 */
	uint8_t length;                 /* 0x01 */
	uint8_t bus;                    /* 0x02 0: ISA */
	uint8_t source;                 /* 0x03 bus-relative IRQ */
	uint32_t gsi;                   /* 0x04 */
	uint16_t flags;                 /* 0x08 MPS INTI flags */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_iso) == 10, "ACPI 6.5 5.2.12.5");

#define ACPI_MADT_TYPE_ISO       2

/* 5.2.12.7 Local APIC NMI Structure (type 4). */
struct acpi_madt_lapic_nmi {
	uint8_t type;                   /* 0x00 */
	uint8_t length;                 /* 0x01 */
	uint8_t processor_uid;          /* 0x02 0xff: all processors */
	uint16_t flags;                 /* 0x03 MPS INTI flags */
	uint8_t lint;                   /* 0x05 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_lapic_nmi) == 6, "ACPI 6.5 5.2.12.7");

#define ACPI_MADT_TYPE_LAPIC_NMI 4
#define ACPI_MADT_ALL_CPUS       0xff
#define ACPI_MADT_NMI_LINT       1

/* MPS INTI flags (5.2.12.5, Table "MPS INTI Flags"): polarity 1:0, trigger 3:2. */
#define ACPI_INTI_POLARITY       BITS(1, 0)
#define ACPI_INTI_ACTIVE_HIGH    1
#define ACPI_INTI_TRIGGER        BITS(3, 2)
#define ACPI_INTI_EDGE           1
#define ACPI_INTI_LEVEL          3
#define ACPI_INTI_EDGE_HIGH  (SHIFTIN(ACPI_INTI_ACTIVE_HIGH, ACPI_INTI_POLARITY) | \
			      SHIFTIN(ACPI_INTI_EDGE, ACPI_INTI_TRIGGER))
#define ACPI_INTI_LEVEL_HIGH (SHIFTIN(ACPI_INTI_ACTIVE_HIGH, ACPI_INTI_POLARITY) | \
			      SHIFTIN(ACPI_INTI_LEVEL, ACPI_INTI_TRIGGER))

#define ACPI_4GIB            0x100000000ULL

/* ---------------------------------------------------------------------- */
/* Writing into the buffer                                                */

/* Where each table goes: offsets into the buffer. */
struct acpi_layout {
	size_t rsdp, rsdt, xsdt, fadt, madt, dsdt, facs, end;
	size_t madt_len, dsdt_len;
};

/* Sum of n bytes (a table checksums to 0 when its checksum byte is -sum of the rest). */
static uint8_t acpi_sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n-- > 0)
		s = (uint8_t)(s + *p++);
	return s;
}

/* Make n bytes at p sum to 0 by setting the byte at p[at]. */
static void acpi_fix_checksum(uint8_t *p, size_t n, size_t at)
{
	p[at] = 0;
	p[at] = (uint8_t)(0 - acpi_sum(p, n));
}

/* A table header with this PC's IDs; checksum 0 until the table is complete. */
static void acpi_header(struct acpi_header *h, const char sig[4], uint32_t len, uint8_t rev)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->signature, sig, sizeof(h->signature));
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, ACPI_OEM_ID, sizeof(h->oem_id));
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_ID, sizeof(h->oem_table_id));
	h->oem_revision = 1;
	memcpy(h->creator_id, ACPI_CREATOR_ID, sizeof(h->creator_id));
	h->creator_revision = 1;
}

/* A GAS for an I/O port block of bytes bytes, accessed in units of access. */
static struct acpi_gas acpi_gas_io(uint16_t port, unsigned bytes, uint8_t access)
{
	return (struct acpi_gas){
		.space_id = ACPI_GAS_SYSTEM_IO,
		.bit_width = (uint8_t)(8 * bytes),
		.access_size = access,
		.address = port,
	};
}

/* ---------------------------------------------------------------------- */
/* The tables                                                             */

/*
 * The DSDT's AML into aml (ACPI_AML_MAX bytes): Name (_S5, Package (4)
 * {typ, typ, 0, 0}). 20.2.5.2 DefName := NameOp NameString
 * DataRefObject; 20.2.5.4 DefPackage := PackageOp PkgLength NumElements
 * PackageElementList; 20.2.3 integers as ZeroOp, OneOp or BytePrefix
 * (the forms iasl emits). Returns the length.
 */
static size_t acpi_dsdt_aml(uint8_t *aml, uint8_t typ)
{
	const uint8_t elem[4] = { typ, typ, 0, 0 };
	uint8_t pkg[ACPI_AML_MAX];
	size_t n = 0, len = 0;

	pkg[n++] = (uint8_t)ARRAY_SIZE(elem);          /* NumElements */
	for (size_t i = 0; i < ARRAY_SIZE(elem); i++) {
		if (elem[i] == 0) {
			pkg[n++] = AML_ZERO_OP;
		} else if (elem[i] == 1) {
			pkg[n++] = AML_ONE_OP;
		} else {
			pkg[n++] = AML_BYTE_PREFIX;
			pkg[n++] = elem[i];
		}
	}
	aml[len++] = AML_NAME_OP;
	memcpy(&aml[len], "_S5_", 4);                   /* a NameSeg, at root scope */
	len += 4;
	aml[len++] = AML_PACKAGE_OP;
	/* PkgLength counts itself (20.2.4); n <= 9, so one byte holds it. */
	aml[len++] = (uint8_t)(1 + n);
	memcpy(&aml[len], pkg, n);
	return len + n;
}

/* The RSDP at buf + l->rsdp (5.2.5.3). */
static void acpi_put_rsdp(uint8_t *buf, gpa_t gpa, const struct acpi_layout *l)
{
	struct acpi_rsdp r;

	memset(&r, 0, sizeof(r));
	memcpy(r.signature, "RSD PTR ", sizeof(r.signature));
	memcpy(r.oem_id, ACPI_OEM_ID, sizeof(r.oem_id));
	r.revision = ACPI_RSDP_REVISION;
	r.rsdt_address = (uint32_t)(gpa + l->rsdt);
	r.length = sizeof(r);
	r.xsdt_address = gpa + l->xsdt;
	memcpy(buf + l->rsdp, &r, sizeof(r));
	acpi_fix_checksum(buf + l->rsdp, ACPI_RSDP_V1_LEN, offsetof(struct acpi_rsdp, checksum));
	acpi_fix_checksum(buf + l->rsdp, sizeof(r),
			  offsetof(struct acpi_rsdp, extended_checksum));
}

/* The RSDT (4-byte entries) and the XSDT (8-byte entries), 5.2.7 and 5.2.8. */
static void acpi_put_rsdt_xsdt(uint8_t *buf, gpa_t gpa, const struct acpi_layout *l)
{
	const uint64_t tables[ACPI_NTABLES] = { gpa + l->fadt, gpa + l->madt };
	struct acpi_header h;

	acpi_header(&h, "RSDT", sizeof(h) + 4 * ACPI_NTABLES, ACPI_RSDT_REVISION);
	memcpy(buf + l->rsdt, &h, sizeof(h));
	for (unsigned i = 0; i < ACPI_NTABLES; i++) {
		uint32_t e = (uint32_t)tables[i];

		memcpy(buf + l->rsdt + sizeof(h) + 4 * i, &e, 4);
	}
	acpi_fix_checksum(buf + l->rsdt, h.length, offsetof(struct acpi_header, checksum));

	acpi_header(&h, "XSDT", sizeof(h) + 8 * ACPI_NTABLES, ACPI_XSDT_REVISION);
	memcpy(buf + l->xsdt, &h, sizeof(h));
	memcpy(buf + l->xsdt + sizeof(h), tables, sizeof(tables));
	acpi_fix_checksum(buf + l->xsdt, h.length, offsetof(struct acpi_header, checksum));
}

/* The FADT (5.2.9); acpi.c's header comment explains each value. */
static void acpi_put_fadt(uint8_t *buf, gpa_t gpa, const struct acpi_layout *l,
			  const struct fw_machine *m)
{
	static const char hv_id[8] = ACPI_FADT_HYPERVISOR_ID;
	struct acpi_fadt f;

	memset(&f, 0, sizeof(f));
	acpi_header(&f.hdr, "FACP", sizeof(f), ACPI_FADT_REVISION);
	f.firmware_ctrl = (uint32_t)(gpa + l->facs);
	f.dsdt = (uint32_t)(gpa + l->dsdt);
	f.sci_int = m->sci_irq;
	f.pm1a_evt_blk = m->pm1a_evt_port;
	f.pm1a_cnt_blk = m->pm1a_cnt_port;
	f.pm_tmr_blk = m->pm_tmr_port;
	f.pm1_evt_len = ACPI_FADT_PM1_EVT_LEN;
	f.pm1_cnt_len = ACPI_FADT_PM1_CNT_LEN;
	f.pm_tmr_len = ACPI_FADT_PM_TMR_LEN;
	f.p_lvl2_lat = ACPI_FADT_NO_C2;
	f.p_lvl3_lat = ACPI_FADT_NO_C3;
	f.century = m->rtc_century;
	f.iapc_boot_arch = ACPI_IAPC_LEGACY_DEVICES | ACPI_IAPC_8042 | ACPI_IAPC_NO_VGA |
			   ACPI_IAPC_NO_MSI;
	f.flags = ACPI_FADT_WBINVD | ACPI_FADT_PROC_C1 | ACPI_FADT_PWR_BUTTON |
		  ACPI_FADT_SLP_BUTTON | ACPI_FADT_FIX_RTC | ACPI_FADT_TMR_VAL_EXT;
	if (m->reset_port != 0) {
		f.flags |= ACPI_FADT_RESET_REG_SUP;
		f.reset_reg = acpi_gas_io(m->reset_port, ACPI_FADT_RESET_REG_BITS / 8,
					  ACPI_GAS_ACCESS_BYTE);
		f.reset_value = m->reset_value;
	}
	f.minor_version = ACPI_FADT_MINOR_VERSION;
	f.x_dsdt = gpa + l->dsdt;
	f.x_pm1a_evt_blk = acpi_gas_io(m->pm1a_evt_port, ACPI_FADT_PM1_EVT_LEN,
				       ACPI_GAS_ACCESS_WORD);
	f.x_pm1a_cnt_blk = acpi_gas_io(m->pm1a_cnt_port, ACPI_FADT_PM1_CNT_LEN,
				       ACPI_GAS_ACCESS_WORD);
	f.x_pm_tmr_blk = acpi_gas_io(m->pm_tmr_port, ACPI_FADT_PM_TMR_LEN,
				     ACPI_GAS_ACCESS_DWORD);
	memcpy(&f.hypervisor_vendor_id, hv_id, sizeof(f.hypervisor_vendor_id));
	memcpy(buf + l->fadt, &f, sizeof(f));
	acpi_fix_checksum(buf + l->fadt, sizeof(f), offsetof(struct acpi_header, checksum));
}

/* The FACS (5.2.10): no checksum. */
static void acpi_put_facs(uint8_t *buf, const struct acpi_layout *l)
{
	struct acpi_facs f;

	memset(&f, 0, sizeof(f));
	memcpy(f.signature, "FACS", sizeof(f.signature));
	f.length = sizeof(f);
	f.version = ACPI_FACS_VERSION;
	memcpy(buf + l->facs, &f, sizeof(f));
}

/* The DSDT (5.2.11.1): header + AML. */
static void acpi_put_dsdt(uint8_t *buf, const struct acpi_layout *l, const uint8_t *aml,
			  size_t aml_len)
{
	struct acpi_header h;

	acpi_header(&h, "DSDT", (uint32_t)l->dsdt_len, ACPI_DSDT_REVISION);
	memcpy(buf + l->dsdt, &h, sizeof(h));
	memcpy(buf + l->dsdt + sizeof(h), aml, aml_len);
	acpi_fix_checksum(buf + l->dsdt, l->dsdt_len, offsetof(struct acpi_header, checksum));
}

/* Append n bytes at *off (the MADT's entries). */
static void acpi_append(uint8_t *buf, size_t *off, const void *p, size_t n)
{
	memcpy(buf + *off, p, n);
	*off += n;
}

/* The MADT (5.2.12); acpi_madt_len() must match. */
static void acpi_put_madt(uint8_t *buf, const struct acpi_layout *l, const struct fw_machine *m)
{
	struct acpi_madt h;
	struct acpi_madt_ioapic io = {
		.type = ACPI_MADT_TYPE_IOAPIC, .length = sizeof(io),
		.ioapic_id = m->ioapic_id, .address = m->ioapic_addr, .gsi_base = 0,
	};
	const struct acpi_madt_iso iso[2] = {
		{ .type = ACPI_MADT_TYPE_ISO, .length = sizeof(iso[0]), .source = FW_PIT_IRQ,
		  .gsi = fw_isa_pin(FW_PIT_IRQ), .flags = ACPI_INTI_EDGE_HIGH },
		{ .type = ACPI_MADT_TYPE_ISO, .length = sizeof(iso[1]), .source = m->sci_irq,
		  .gsi = fw_isa_pin(m->sci_irq), .flags = ACPI_INTI_LEVEL_HIGH },
	};
	struct acpi_madt_lapic_nmi nmi = {
		.type = ACPI_MADT_TYPE_LAPIC_NMI, .length = sizeof(nmi),
		.processor_uid = ACPI_MADT_ALL_CPUS, .flags = ACPI_INTI_EDGE_HIGH,
		.lint = ACPI_MADT_NMI_LINT,
	};
	size_t off = l->madt;

	acpi_header(&h.hdr, "APIC", (uint32_t)l->madt_len, ACPI_MADT_REVISION);
	h.lapic_address = m->lapic_addr;
	h.flags = ACPI_MADT_PCAT_COMPAT;
	acpi_append(buf, &off, &h, sizeof(h));
	for (unsigned i = 0; i < m->ncpus; i++) {
		struct acpi_madt_lapic lapic = {
			.type = ACPI_MADT_TYPE_LAPIC, .length = sizeof(lapic),
			.processor_uid = (uint8_t)i, .apic_id = m->apic_id[i],
			.flags = ACPI_MADT_LAPIC_ENABLED,
		};

		acpi_append(buf, &off, &lapic, sizeof(lapic));
	}
	acpi_append(buf, &off, &io, sizeof(io));
	acpi_append(buf, &off, iso, sizeof(iso));
	acpi_append(buf, &off, &nmi, sizeof(nmi));
	acpi_fix_checksum(buf + l->madt, l->madt_len, offsetof(struct acpi_header, checksum));
}

static size_t acpi_madt_len(unsigned ncpus)
{
	return sizeof(struct acpi_madt) + ncpus * sizeof(struct acpi_madt_lapic) +
	       sizeof(struct acpi_madt_ioapic) + 2 * sizeof(struct acpi_madt_iso) +
	       sizeof(struct acpi_madt_lapic_nmi);
}

/* ---------------------------------------------------------------------- */

/* Place len bytes at the next GPA aligned to align at or after *off; returns the offset. */
static size_t acpi_place(gpa_t gpa, size_t *off, size_t len, size_t align)
{
	size_t at = (size_t)(ALIGN_UP(gpa + *off, align) - gpa);

	*off = at + len;
	return at;
}

int acpi_build(uint8_t *buf, gpa_t gpa, size_t size, const struct fw_machine *m,
	       gpa_t *rsdp)
{
	struct acpi_layout l;
	uint8_t aml[ACPI_AML_MAX];
	size_t aml_len, off = 0;

	if (fw_machine_check(m) != 0)
		return -1;
	aml_len = acpi_dsdt_aml(aml, m->s5_slp_typ);
	l.madt_len = acpi_madt_len(m->ncpus);
	l.dsdt_len = sizeof(struct acpi_header) + aml_len;
	l.rsdp = acpi_place(gpa, &off, sizeof(struct acpi_rsdp), 16);
	l.rsdt = acpi_place(gpa, &off, sizeof(struct acpi_header) + 4 * ACPI_NTABLES, 8);
	l.xsdt = acpi_place(gpa, &off, sizeof(struct acpi_header) + 8 * ACPI_NTABLES, 8);
	l.fadt = acpi_place(gpa, &off, sizeof(struct acpi_fadt), 8);
	l.madt = acpi_place(gpa, &off, l.madt_len, 8);
	l.dsdt = acpi_place(gpa, &off, l.dsdt_len, 8);
	l.facs = acpi_place(gpa, &off, sizeof(struct acpi_facs), ACPI_FACS_ALIGN);
	l.end = off;
	if (l.end > size || gpa >= ACPI_4GIB || l.end > ACPI_4GIB - gpa) {
		vmm_log(VMM_LOG_ERR, "acpi: tables need %zu bytes below 4 GiB at 0x%llx, have %zu\n",
			l.end, (unsigned long long)gpa, size);
		return -1;
	}
	memset(buf, 0, l.end);
	acpi_put_rsdp(buf, gpa, &l);
	acpi_put_rsdt_xsdt(buf, gpa, &l);
	acpi_put_fadt(buf, gpa, &l, m);
	acpi_put_madt(buf, &l, m);
	acpi_put_dsdt(buf, &l, aml, aml_len);
	acpi_put_facs(buf, &l);
	*rsdp = gpa + l.rsdp;
	return (int)l.end;
}
