/*
 * test_fw_cfg.c - the fw_cfg I/O interface (vmm/dev/fw_cfg.c) through
 * the bus, as firmware reads it: select with a 16-bit write to 0x510,
 * read bytes from 0x511.
 *
 * Expected values from QEMU's docs/specs/fw_cfg.rst: signature "QEMU",
 * ID bit 0 (traditional interface), RAM size 64-bit little-endian, CPU
 * counts 16-bit little-endian, reads past an item's end 0, a selector
 * write restarts at offset 0, bit 14 (write channel) reads the same item,
 * bit 15 selects the architecture's items (none here).
 */
#include "bus.h"
#include "devtest.h"
#include "fw_cfg.h"

#define RAM 0x0000000123456789ULL

static struct bus bus;
static struct fw_cfg fw;

static void sel(unsigned size, uint32_t key)
{
	bus_pio(&bus, FW_CFG_PORT_SEL, true, size, &key);
}

static uint32_t in(uint16_t port, unsigned size)
{
	uint32_t v = 0;

	bus_pio(&bus, port, false, size, &v);
	return v;
}

/* Read n data bytes into buf. */
static void data(uint8_t *buf, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		buf[i] = (uint8_t)in(FW_CFG_PORT_DATA, 1);
}

/* Selector key -> the bytes a firmware reads (12 of them, past the end too). */
static const struct { uint16_t key; uint8_t want[12]; const char *name; } items[] = {
	{ 0x0000, { 'Q', 'E', 'M', 'U', 0, 0, 0, 0, 0, 0, 0, 0 }, "signature, then zeros" },
	{ 0x0001, { 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "ID: traditional interface only" },
	{ 0x0003, { 0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0, 0, 0, 0, 0 }, "RAM size, 64-bit LE" },
	{ 0x0005, { 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "number of CPUs, 16-bit LE" },
	{ 0x000f, { 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "max CPUs" },
	{ 0x0019, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "file directory: count 0" },
	{ 0x0002, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "unknown item reads 0" },
	{ 0x4000, { 'Q', 'E', 'M', 'U', 0, 0, 0, 0, 0, 0, 0, 0 }, "bit 14: same item" },
	{ 0x4003, { 0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0, 0, 0, 0, 0 }, "bit 14: RAM size" },
	{ 0x8000, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "bit 15: no arch signature" },
	{ 0x8003, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "bit 15: no arch items" },
	{ 0xc005, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "bits 15+14: none" },
	{ 0x2003, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, "key 0x2003 is not 3" },
};

int main(void)
{
	uint8_t buf[12];

	bus_init(&bus);
	fw_cfg_init(&fw, RAM, 3);
	DT_EQ(fw_cfg_attach(&fw, &bus), 0, "attach");

	for (unsigned i = 0; i < ARRAY_SIZE(items); i++) {
		sel(2, items[i].key);
		data(buf, sizeof(buf));
		ut_ok(memcmp(buf, items[i].want, sizeof(buf)) == 0, items[i].name,
		      "key 0x%04x: %02x %02x %02x %02x %02x %02x %02x %02x", items[i].key,
		      buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7]);
	}

	sel(2, 0);
	data(buf, 2);
	sel(2, 0);
	data(buf + 2, 2);
	ut_ok(memcmp(buf, "QEQE", 4) == 0, "selecting again restarts at offset 0", NULL);

	sel(2, 0);
	data(buf, 1);
	sel(1, 3);
	sel(4, 3);
	data(buf + 1, 3);
	ut_ok(memcmp(buf, "QEMU", 4) == 0, "8- and 32-bit writes to the selector are not selections", NULL);

	sel(2, 3);
	bus_pio(&bus, FW_CFG_PORT_DATA, true, 1, &(uint32_t){ 0xaa });
	DT_EQ(in(FW_CFG_PORT_DATA, 1), 0x89, "data write ignored, offset kept");
	sel(2, 0x4003);
	bus_pio(&bus, FW_CFG_PORT_DATA, true, 1, &(uint32_t){ 0xaa });
	DT_EQ(in(FW_CFG_PORT_DATA, 1), 0x89, "data write ignored in write mode too");

	sel(2, 0);
	DT_EQ(in(FW_CFG_PORT_DATA, 2), 0xff51, "16-bit data read: one item byte, undecoded 0x512 above");
	DT_EQ(in(FW_CFG_PORT_DATA, 1), 'E', "it took one byte");
	DT_EQ(in(FW_CFG_PORT_DATA, 4), 0xffffff4d, "32-bit data read: one item byte");
	DT_EQ(in(FW_CFG_PORT_SEL, 1), 0xff, "selector is write-only: reads all-ones");
	DT_EQ(in(FW_CFG_PORT_SEL, 2), 0xffff, "16-bit selector read all-ones");
	DT_EQ(in(FW_CFG_PORT_DATA, 1), 'U', "selector reads moved nothing");

	sel(2, 3);
	for (unsigned i = 0; i < 1000; i++)
		in(FW_CFG_PORT_DATA, 1);
	DT_EQ(in(FW_CFG_PORT_DATA, 1), 0, "long past the end: 0");
	sel(2, 3);
	DT_EQ(in(FW_CFG_PORT_DATA, 1), 0x89, "and a new selection starts over");

	ut_ok(!bus_pio(&bus, 0x50f, false, 1, &(uint32_t){ 0 }) &&
	      !bus_pio(&bus, 0x512, false, 1, &(uint32_t){ 0 }), "0x50f and 0x512 not decoded", NULL);
	ut_ok(fw.lock.locked == 0, "lock released", NULL);
	DT_EQ(fw_cfg_attach(&fw, &bus), (uint64_t)-1, "attach twice refused");
	return ut_done();
}
