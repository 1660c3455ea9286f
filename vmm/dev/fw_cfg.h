/*
 * fw_cfg.h - the I/O interface of QEMU's firmware configuration device:
 * selector at port 0x510 (16-bit write), data at 0x511 (byte reads that
 * walk through the selected item). Items: signature "QEMU" (0x00), ID
 * (0x01, bit 0: traditional interface), RAM size (0x03, 64-bit LE),
 * number of CPUs (0x05) and max CPUs (0x0f, 16-bit LE), the file
 * directory (0x19, a big-endian count of 0: no files). Other selectors
 * read as 0. No DMA interface (ID bit 1 clear). Selector bit 14 (write
 * mode) selects the same item (data writes are ignored in every mode);
 * bit 15 selects x86-specific items, of which there are none. Only a
 * 16-bit write to 0x510 selects; the data port is 8 bits wide, so a 16-
 * or 32-bit read at 0x511 gives one item byte and all-ones above it.
 *
 * Source: QEMU docs/specs/fw_cfg.rst.
 */
#ifndef FW_CFG_H
#define FW_CFG_H

#include "bus.h"

#define FW_CFG_PORT_SEL  0x510
#define FW_CFG_PORT_DATA 0x511

#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_ID        0x0001
#define FW_CFG_RAM_SIZE  0x0003
#define FW_CFG_NB_CPUS   0x0005
#define FW_CFG_MAX_CPUS  0x000f
#define FW_CFG_FILE_DIR  0x0019

struct fw_cfg {
	struct vmm_lock lock;
	uint16_t selector;
	uint32_t offset;        /* next byte of the selected item */
	uint64_t ram_size;
	uint16_t ncpus;
};

void fw_cfg_init(struct fw_cfg *f, uint64_t ram_size, uint16_t ncpus);

/* Register ports 0x510-0x511. Returns 0 or -1. */
int fw_cfg_attach(struct fw_cfg *f, struct bus *bus);

#endif /* FW_CFG_H */
