/*
 * fw_cfg.c - QEMU's firmware configuration device, traditional I/O
 * interface only (see fw_cfg.h).
 *
 * Source: QEMU docs/specs/fw_cfg.rst ("Selector (Control) Register",
 * "Data Register", "Firmware Configuration Items", "Ranges").
 *
 * Selector (0x510): a 16-bit write selects an item and sets the data
 * offset to 0. Bit 15 picks the architecture-specific set (this machine
 * has no x86-specific items, so 0x8000-0xffff select nothing); bit 14 asks
 * for write mode, in which data writes would overwrite the item: writes
 * are ignored here in every mode, as QEMU has done since v2.4, and an item
 * selected with bit 14 still reads normally (key & 0x3fff). An 8- or
 * 32-bit write to 0x510 is not a selector write (the register is 16 bits
 * wide, QEMU rejects other sizes) and is dropped; the register is
 * write-only and reads all-ones.
 *
 * Data (0x511): each byte read returns the next byte of the item; past the
 * item's end it returns 0 (and the offset stops there). The port is 8 bits
 * wide, so it is registered as a byte port: a 16- or 32-bit read at 0x511
 * is split by the bus as the ISA bus would, giving one item byte in bits
 * 7:0 and all-ones from the undecoded ports 0x512-0x514 above it (no DMA
 * interface: ID bit 1 clear). Writes are ignored.
 */
#include "fw_cfg.h"

#define FW_CFG_WRITE_CHANNEL BIT(14)
#define FW_CFG_ARCH_LOCAL    BIT(15)
#define FW_CFG_ENTRY_MASK    BITS(13, 0)

#define FW_CFG_ID_TRAD       BIT(0)     /* traditional interface */

#define FW_CFG_ITEM_MAX      8

/*
 * The bytes of the item selected by key into buf (FW_CFG_ITEM_MAX bytes);
 * returns its length, 0 for no item.
 */
static unsigned fw_cfg_item(const struct fw_cfg *f, uint16_t key, uint8_t *buf)
{
	uint64_t v;
	unsigned len;

	if (key & FW_CFG_ARCH_LOCAL)
		return 0;               /* no x86-specific items */
	switch (key & FW_CFG_ENTRY_MASK) {
	case FW_CFG_SIGNATURE:
		v = 'Q' | 'E' << 8 | 'M' << 16 | 'U' << 24;   /* "QEMU" */
		len = 4;
		break;
	case FW_CFG_ID:
		v = FW_CFG_ID_TRAD;
		len = 4;
		break;
	case FW_CFG_RAM_SIZE:
		v = f->ram_size;
		len = 8;
		break;
	case FW_CFG_NB_CPUS:
	case FW_CFG_MAX_CPUS:
		v = f->ncpus;
		len = 2;
		break;
	case FW_CFG_FILE_DIR:
		v = 0;                  /* big-endian count 0: no files */
		len = 4;
		break;
	default:
		return 0;
	}
	for (unsigned i = 0; i < len; i++)
		buf[i] = (uint8_t)(v >> (8 * i));   /* little-endian */
	return len;
}

/* 0x510: the selector (16-bit writes only). */
static void fw_cfg_sel_io(void *dev, uint16_t port, bool write, unsigned size, uint32_t *val)
{
	struct fw_cfg *f = dev;

	(void)port;
	if (!write) {
		*val = 0xffffffffu;
		return;
	}
	if (size != 2)
		return;
	f->selector = (uint16_t)*val;
	f->offset = 0;
}

/* 0x511: the data byte (BUS_BYTE_PORTS: size is 1). */
static void fw_cfg_data_io(void *dev, uint16_t port, bool write, unsigned size, uint32_t *val)
{
	struct fw_cfg *f = dev;
	uint8_t buf[FW_CFG_ITEM_MAX];
	unsigned len;

	(void)port;
	(void)size;
	if (write)
		return;
	len = fw_cfg_item(f, f->selector, buf);
	if (f->offset >= len) {
		*val = 0;
		return;
	}
	*val = buf[f->offset++];
}

void fw_cfg_init(struct fw_cfg *f, uint64_t ram_size, uint16_t ncpus)
{
	memset(f, 0, sizeof(*f));
	f->ram_size = ram_size;
	f->ncpus = ncpus;
}

int fw_cfg_attach(struct fw_cfg *f, struct bus *bus)
{
	if (bus_add_pio(bus, FW_CFG_PORT_SEL, 1, 0, "fw_cfg selector", fw_cfg_sel_io, f,
			&f->lock) != 0)
		return -1;
	return bus_add_pio(bus, FW_CFG_PORT_DATA, 1, BUS_BYTE_PORTS, "fw_cfg data",
			   fw_cfg_data_io, f, &f->lock);
}
