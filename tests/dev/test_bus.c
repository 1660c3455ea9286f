/*
 * test_bus.c - the device bus (vmm/bus.c): registration, overlap,
 * port and MMIO dispatch, byte splitting, unclaimed accesses, locks.
 */
#include "bus.h"
#include "devtest.h"

static struct bus bus;

struct rec {
	struct vmm_lock lock;
	unsigned calls;
	uint16_t port;
	uint64_t off;
	bool write;
	unsigned size;
	uint64_t val;
	bool locked_in_call;
};

static void rec_pio(void *dev, uint16_t port, bool write, unsigned size, uint32_t *val)
{
	struct rec *r = dev;

	r->calls++;
	r->port = port;
	r->write = write;
	r->size = size;
	r->locked_in_call = r->lock.locked != 0;
	if (write)
		r->val = *val;
	else
		*val = 0x40 + (port & 0xf);     /* a byte that names the port */
}

static void rec_mmio(void *dev, uint64_t off, bool write, unsigned size, uint64_t *val)
{
	struct rec *r = dev;

	r->calls++;
	r->off = off;
	r->write = write;
	r->size = size;
	r->locked_in_call = r->lock.locked != 0;
	if (write)
		r->val = *val;
	else
		*val = 0x1122334455667788ULL;
}

int main(void)
{
	struct rec a = { 0 }, b = { 0 }, w = { 0 }, m = { 0 };
	uint32_t v;
	uint64_t q;

	bus_init(&bus);
	DT_EQ(bus_add_pio(&bus, 0x20, 2, BUS_BYTE_PORTS, "a", rec_pio, &a, &a.lock), 0, "add 0x20-0x21");
	DT_EQ(bus_add_pio(&bus, 0x22, 1, BUS_BYTE_PORTS, "b", rec_pio, &b, &b.lock), 0, "add 0x22");
	DT_EQ(bus_add_pio(&bus, 0x21, 4, 0, "x", rec_pio, &w, NULL), (uint64_t)-1, "overlap refused");
	DT_EQ(bus_add_pio(&bus, 0xe0, 4, 0, "w", rec_pio, &w, &w.lock), 0, "add wide 0xe0");
	DT_EQ(bus_add_pio(&bus, 0xfffe, 4, 0, "x", rec_pio, &w, NULL), (uint64_t)-1, "wrap refused");
	DT_EQ(bus_add_pio(&bus, 0x100, 0, 0, "x", rec_pio, &w, NULL), (uint64_t)-1, "empty refused");

	v = 0;
	ut_ok(bus_pio(&bus, 0x21, false, 1, &v), "byte read claimed", NULL);
	DT_EQ(v, 0x41, "byte read value");
	ut_ok(a.locked_in_call && a.lock.locked == 0, "lock held in the handler, released after", NULL);

	/* A 16-bit read at 0x21 on byte devices: 0x21 from a, 0x22 from b. */
	a.calls = b.calls = 0;
	ut_ok(bus_pio(&bus, 0x21, false, 2, &v), "split read claimed", NULL);
	DT_EQ(v, 0x4241, "split read: one byte from each device");
	ut_ok(a.calls == 1 && b.calls == 1 && a.size == 1 && b.size == 1, "split into two byte accesses", NULL);

	/* 32-bit read at 0x21: 0x23 and 0x24 are unclaimed -> 0xff. */
	ut_ok(bus_pio(&bus, 0x21, false, 4, &v), "partly claimed read", NULL);
	DT_EQ(v, 0xffff4241, "unclaimed bytes read all-ones");

	/* Split write: each byte to its port. */
	v = 0xbbaa;
	bus_pio(&bus, 0x21, true, 2, &v);
	ut_ok(a.write && a.val == 0xaa && b.write && b.val == 0xbb, "split write bytes", "a %llx b %llx",
	      (unsigned long long)a.val, (unsigned long long)b.val);

	/* Wide device: one access of the full size. */
	w.calls = 0;
	v = 0xdeadbeef;
	ut_ok(bus_pio(&bus, 0xe0, true, 4, &v), "wide write claimed", NULL);
	ut_ok(w.calls == 1 && w.size == 4 && w.val == 0xdeadbeef && w.port == 0xe0, "wide write in one call", NULL);
	bus_pio(&bus, 0xe2, false, 2, &v);
	DT_EQ(v, 0x42, "wide read at 0xe2 masked to 16 bits");

	v = 0;
	ut_ok(!bus_pio(&bus, 0x80, false, 1, &v), "unclaimed port not claimed", NULL);
	DT_EQ(v, 0xff, "unclaimed byte reads 0xff");
	ut_ok(!bus_pio(&bus, 0x80, false, 4, &v), "unclaimed dword not claimed", NULL);
	DT_EQ(v, 0xffffffff, "unclaimed dword reads all-ones");
	ut_ok(!bus_pio(&bus, 0x20, false, 3, &v), "size 3 refused", NULL);

	DT_EQ(bus_add_mmio(&bus, 0xfec00000, 0x1000, "m", rec_mmio, &m, &m.lock), 0, "add mmio");
	DT_EQ(bus_add_mmio(&bus, 0xfec00800, 0x1000, "x", rec_mmio, &m, NULL), (uint64_t)-1, "mmio overlap refused");
	DT_EQ(bus_add_mmio(&bus, 0xff000000, 0x10000, "t", rec_mmio, &m, NULL), 0, "add second mmio");
	ut_ok(bus_mmio(&bus, 0xfec00010, false, 4, &q) && m.off == 0x10 && m.size == 4, "mmio read at offset", NULL);
	ut_ok(m.locked_in_call && m.lock.locked == 0, "mmio handler under its lock", NULL);
	q = 0;
	ut_ok(!bus_mmio(&bus, 0xfed00000, false, 2, &q), "unclaimed mmio", NULL);
	DT_EQ(q, 0xffff, "unclaimed mmio reads all-ones");
	ut_ok(bus_find_mmio(&bus, 0xff00ffff) != NULL && bus_find_mmio(&bus, 0xff010000) == NULL,
	      "mmio range bounds", NULL);
	return ut_done();
}
