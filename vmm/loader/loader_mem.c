/*
 * loader_mem.c - guest memory for the loaders: the layout (RAM, reserved
 * ranges, the memory map the guest is told), the placement plan, and
 * writes through the monitor's memory map (x86_guestmem.h).
 *
 * The layout is the PC's (hv/vm_mem.c): RAM [0, 0xa0000), the legacy
 * hole [0xa0000, 0x100000) with the BIOS ROM area [0xe0000, 0x100000)
 * reserved (type 2) for the ACPI tables, RAM [0x100000, ram_top).
 */
#include "loader_priv.h"
#include "x86_guestmem.h"

#define LOADER_LOWMEM_TOP 0xa0000u
#define LOADER_HIMEM_BASE 0x100000u

void loader_mem_init(struct loader_mem *mem, struct x86_machine *mach, uint64_t ram_top)
{
	memset(mem, 0, sizeof(*mem));
	mem->mach = mach;
	mem->ram_top = ram_top;
	loader_mem_reserve(mem, LOADER_ROM_BASE, LOADER_ROM_SIZE, LOADER_E820_RESERVED);
}

int loader_mem_reserve(struct loader_mem *mem, gpa_t base, uint64_t size, uint32_t type)
{
	if (mem->nreserved >= LOADER_RESERVED_MAX || size == 0 || base + size < base)
		return -1;
	mem->reserved[mem->nreserved++] = (struct loader_range){ base, size, type };
	return 0;
}

/*
 * RAM [0, 640 KiB) and [1 MiB, ram_top) minus the reserved ranges, in
 * address order. Each reserved range cuts at most one piece in two, so
 * out (LOADER_PIECES_MAX entries) is always large enough.
 */
static unsigned loader_ram_pieces(const struct loader_mem *mem, struct loader_range *out)
{
	struct loader_range tmp[LOADER_PIECES_MAX];
	unsigned n = 0;

	out[n++] = (struct loader_range){ 0, LOADER_LOWMEM_TOP, LOADER_E820_RAM };
	if (mem->ram_top > LOADER_HIMEM_BASE)
		out[n++] = (struct loader_range){ LOADER_HIMEM_BASE,
			mem->ram_top - LOADER_HIMEM_BASE, LOADER_E820_RAM };
	for (unsigned r = 0; r < mem->nreserved && r < LOADER_RESERVED_MAX; r++) {
		gpa_t rs = mem->reserved[r].base, re = rs + mem->reserved[r].size;
		unsigned m = 0;

		for (unsigned i = 0; i < n; i++) {
			gpa_t ps = out[i].base, pe = ps + out[i].size;

			if (re <= ps || rs >= pe) {
				tmp[m++] = out[i];
				continue;
			}
			if (rs > ps)            /* the part left of the hole */
				tmp[m++] = (struct loader_range){ ps, rs - ps, LOADER_E820_RAM };
			if (re < pe)            /* the part right of it */
				tmp[m++] = (struct loader_range){ re, pe - re, LOADER_E820_RAM };
		}
		memcpy(out, tmp, m * sizeof(*out));
		n = m;
	}
	return n;
}

unsigned loader_memmap(const struct loader_mem *mem, struct loader_range *out, unsigned max)
{
	struct loader_range all[LOADER_PIECES_MAX + LOADER_RESERVED_MAX];
	unsigned n = loader_ram_pieces(mem, all);

	for (unsigned r = 0; r < mem->nreserved && r < LOADER_RESERVED_MAX; r++)
		all[n++] = mem->reserved[r];
	/* Insertion sort by base: a handful of entries. */
	for (unsigned i = 1; i < n; i++) {
		struct loader_range t = all[i];
		unsigned j = i;

		for (; j > 0 && all[j - 1].base > t.base; j--)
			all[j] = all[j - 1];
		all[j] = t;
	}
	for (unsigned i = 0; i < n && i < max; i++)
		out[i] = all[i];
	return n;
}

/* ------------------------------------------------------------------------ */
/* Placement plan */

void loader_plan_init(struct loader_plan *p, const struct loader_mem *mem)
{
	memset(p, 0, sizeof(*p));
	p->nram = loader_ram_pieces(mem, p->ram);
}

bool loader_plan_is_ram(const struct loader_plan *p, gpa_t base, uint64_t size)
{
	if (size == 0 || base + size < base)
		return false;
	/* Pieces never touch each other, so one piece must hold it all. */
	for (unsigned i = 0; i < p->nram; i++)
		if (base >= p->ram[i].base && base + size <= p->ram[i].base + p->ram[i].size)
			return true;
	return false;
}

bool loader_plan_overlaps(const struct loader_plan *p, gpa_t base, uint64_t size)
{
	for (unsigned i = 0; i < p->nused; i++)
		if (base < p->used[i].base + p->used[i].size && p->used[i].base < base + size)
			return true;
	return false;
}

int loader_plan_take(struct loader_plan *p, gpa_t base, uint64_t size)
{
	if (!loader_plan_is_ram(p, base, size))
		return LOADER_TAKE_NOT_RAM;
	if (loader_plan_overlaps(p, base, size))
		return LOADER_TAKE_OVERLAP;
	if (p->nused >= LOADER_PLAN_MAX)
		return LOADER_TAKE_FULL;
	p->used[p->nused++] = (struct loader_range){ base, size, LOADER_E820_RAM };
	return LOADER_TAKE_OK;
}

/* Is [a, a + size) a free usable range inside [lo, hi)? */
static bool loader_plan_fits(const struct loader_plan *p, gpa_t a, uint64_t size,
			     gpa_t lo, gpa_t hi)
{
	return a >= lo && a + size >= a && a + size <= hi &&
	       loader_plan_is_ram(p, a, size) && !loader_plan_overlaps(p, a, size);
}

/*
 * The best address is next to an obstacle: bottom-up, the aligned-up end
 * of a taken range, the start of a RAM piece or lo; top-down, the
 * aligned-down (start - size) of a taken range, the end of a RAM piece
 * or hi. Try those candidates and keep the lowest (highest) that fits.
 */
int loader_plan_alloc(struct loader_plan *p, uint64_t size, uint64_t align,
		      gpa_t lo, gpa_t hi, bool top_down, gpa_t *out)
{
	gpa_t cand[1 + LOADER_PLAN_MAX + LOADER_PIECES_MAX];
	unsigned n = 0;
	bool found = false;
	gpa_t best = 0;

	if (size == 0 || align == 0 || (align & (align - 1)) != 0)
		return -1;
	cand[n++] = top_down ? hi : lo;
	for (unsigned i = 0; i < p->nused; i++)
		cand[n++] = top_down ? p->used[i].base : p->used[i].base + p->used[i].size;
	for (unsigned i = 0; i < p->nram; i++)
		cand[n++] = top_down ? p->ram[i].base + p->ram[i].size : p->ram[i].base;
	for (unsigned i = 0; i < n; i++) {
		gpa_t a;

		if (top_down) {
			if (cand[i] < size)
				continue;
			a = ALIGN_DOWN(cand[i] - size, align);
		} else {
			if (cand[i] > UINT64_MAX - align)
				continue;
			a = ALIGN_UP(cand[i], align);
		}
		if (!loader_plan_fits(p, a, size, lo, hi))
			continue;
		if (!found || (top_down ? a > best : a < best))
			best = a;
		found = true;
	}
	if (!found || loader_plan_take(p, best, size) != LOADER_TAKE_OK)
		return -1;
	*out = best;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Writes */

void loader_write(struct loader_ctx *c, gpa_t gpa, const void *buf, uint64_t len)
{
	if (len != 0 && x86_gpa_write(c->mem->mach, gpa, buf, len) != 0)
		c->wfail = true;
}

void loader_zero(struct loader_ctx *c, gpa_t gpa, uint64_t len)
{
	while (len > 0) {
		uint64_t avail;
		uint8_t *p = x86_gpa_to_hva(c->mem->mach, gpa, &avail);
		uint64_t n = len < avail ? len : avail;

		if (p == NULL) {        /* the plan only takes RAM: never here */
			c->wfail = true;
			return;
		}
		memset(p, 0, n);
		gpa += n;
		len -= n;
	}
}

void loader_put16(struct loader_ctx *c, gpa_t gpa, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	loader_write(c, gpa, b, sizeof(b));
}

void loader_put32(struct loader_ctx *c, gpa_t gpa, uint32_t v)
{
	loader_put16(c, gpa, (uint16_t)v);
	loader_put16(c, gpa + 2, (uint16_t)(v >> 16));
}

void loader_put64(struct loader_ctx *c, gpa_t gpa, uint64_t v)
{
	loader_put32(c, gpa, (uint32_t)v);
	loader_put32(c, gpa + 4, (uint32_t)(v >> 32));
}

size_t loader_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n] != '\0')
		n++;
	return n;
}
