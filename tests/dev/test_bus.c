/*
 * test_bus.c - the device bus (vmm/bus.c): registration, overlap,
 * port and MMIO dispatch, byte splitting, unclaimed accesses, locks,
 * and the limits of registration (table-driven).
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

/*
 * Registration limits, as a script on a fresh bus: ports up to 0xffff
 * and no further, MMIO up to the top of the 64-bit space and no
 * further, ranges that touch are accepted and ranges that share one
 * byte are refused, ranges added below others (the MMIO table is kept
 * sorted) stay reachable, full tables refuse.
 */
enum { ADD_PIO, ADD_MMIO, FIND };

static const struct reg_step {
	int op;
	uint64_t base, len;
	int want;               /* ADD_*: bus_add_* result; FIND: found (1) or not (0) */
	const char *name;
} reg_script[] = {
	{ ADD_PIO, 0xfffc, 4, 0, "ports 0xfffc-0xffff: the last four accepted" },
	{ ADD_PIO, 0xfffb, 1, 0, "port 0xfffb: touching them from below accepted" },
	{ ADD_PIO, 0xfff8, 4, -1, "ports 0xfff8-0xfffb: one port shared, refused" },
	{ ADD_MMIO, 0x3000, 0x1000, 0, "MMIO 0x3000-0x3fff" },
	{ ADD_MMIO, 0x1000, 0x1000, 0, "MMIO 0x1000-0x1fff, below the first" },
	{ ADD_MMIO, 0x1fff, 1, -1, "MMIO 0x1fff: the last byte of 0x1000-0x1fff, refused" },
	{ ADD_MMIO, 0x2fff, 2, -1, "MMIO 0x2fff-0x3000: the first byte of 0x3000-0x3fff, refused" },
	{ ADD_MMIO, 0x2000, 0x1000, 0, "MMIO 0x2000-0x2fff: the gap exactly, accepted" },
	{ ADD_MMIO, 0x0, 0x1000, 0, "MMIO 0x0-0xfff: below all, touching, accepted" },
	{ ADD_MMIO, 0x4000, 0, -1, "MMIO of length 0 refused" },
	{ ADD_MMIO, 0xfffffffffffff000ULL, 0x1001, -1, "MMIO past 2^64 refused" },
	{ ADD_MMIO, 0xfffffffffffff000ULL, 0x1000, 0, "MMIO up to 2^64 - 1 accepted" },
	{ FIND, 0x0, 0, 1, "find 0x0" }, { FIND, 0xfff, 0, 1, "find 0xfff" },
	{ FIND, 0x1000, 0, 1, "find 0x1000" }, { FIND, 0x2fff, 0, 1, "find 0x2fff" },
	{ FIND, 0x3fff, 0, 1, "find 0x3fff" }, { FIND, 0x4000, 0, 0, "nothing at 0x4000" },
	{ FIND, 0xffffffffffffffffULL, 0, 1, "find 2^64 - 1" },
	{ FIND, 0xffffffffffffefffULL, 0, 0, "nothing just below the top range" },
};

static void test_limits(void)
{
	static struct bus b;
	struct rec r = { 0 };
	char name[112];
	unsigned n;
	int rc;

	bus_init(&b);
	for (unsigned i = 0; i < ARRAY_SIZE(reg_script); i++) {
		const struct reg_step *s = &reg_script[i];
		const struct bus_mmio_range *f;

		snprintf(name, sizeof(name), "limits: %s", s->name);
		switch (s->op) {
		case ADD_PIO:
			rc = bus_add_pio(&b, (uint16_t)s->base, (uint16_t)s->len, 0, "p", rec_pio, &r, NULL);
			DT_EQ((int64_t)rc, (int64_t)s->want, name);
			break;
		case ADD_MMIO:
			rc = bus_add_mmio(&b, s->base, s->len, "m", rec_mmio, &r, NULL);
			DT_EQ((int64_t)rc, (int64_t)s->want, name);
			break;
		case FIND:
			f = bus_find_mmio(&b, s->base);
			ut_ok((f != NULL) == (s->want != 0) &&
			      (f == NULL || (s->base >= f->base && s->base - f->base < f->len)), name,
			      "%s", f != NULL ? "found" : "not found");
			break;
		}
	}
	DT_EQ(bus_add_mmio(&b, 0x8000, 0x10, "m", NULL, &r, NULL), (uint64_t)-1, "limits: MMIO without a handler refused");
	DT_EQ(bus_add_pio(&b, 0x80, 1, 0, "p", NULL, &r, NULL), (uint64_t)-1, "limits: ports without a handler refused");

	/* Fill both tables: the next range is refused. */
	for (n = b.nmmio; n < BUS_MAX_MMIO; n++)
		if (bus_add_mmio(&b, 0x100000 + 0x1000 * (uint64_t)n, 0x10, "m", rec_mmio, &r, NULL) != 0)
			break;
	DT_EQ(n, BUS_MAX_MMIO, "limits: BUS_MAX_MMIO ranges fit");
	DT_EQ(bus_add_mmio(&b, 0x80000000, 0x10, "m", rec_mmio, &r, NULL), (uint64_t)-1,
	      "limits: MMIO table full, the next refused");
	for (n = b.npio; n < BUS_MAX_PIO; n++)
		if (bus_add_pio(&b, (uint16_t)(0x1000 + n), 1, 0, "p", rec_pio, &r, NULL) != 0)
			break;
	DT_EQ(n, BUS_MAX_PIO, "limits: BUS_MAX_PIO ranges fit");
	DT_EQ(bus_add_pio(&b, 0x2000, 1, 0, "p", rec_pio, &r, NULL), (uint64_t)-1,
	      "limits: port table full, the next refused");
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
	q = 0;
	ut_ok(!bus_mmio(&bus, 0xfed00000, false, 8, &q) && q == ~0ULL, "unclaimed 8-byte mmio reads all-ones",
	      "0x%llx", (unsigned long long)q);
	ut_ok(bus_find_mmio(&bus, 0xff00ffff) != NULL && bus_find_mmio(&bus, 0xff010000) == NULL,
	      "mmio range bounds", NULL);
	test_limits();
	return ut_done();
}
