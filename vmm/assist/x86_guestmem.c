/*
 * x86_guestmem.c - guest-physical memory map and guest-physical access.
 *
 * The map is a small array of views sorted by guest-physical address
 * (at most X86_MEMMAP_MAX, so a linear scan is as fast as anything
 * cleverer). Whatever no view covers is MMIO.
 *
 * Limits:
 *  - MMIO is handed to the Mem callback in naturally aligned pieces of at
 *    most 8 bytes, so a 16-byte SSE access to MMIO arrives as two 8-byte
 *    callbacks; a device that needs one 16-byte transaction must be
 *    called by the emulator directly.
 *  - Views are not reference counted or removable: the monitor sets the
 *    map up once, before the guest runs.
 */
#include "x86_guestmem.h"

/* ------------------------------------------------------------------------ */
/* Map */

/*
 * Bytes of MMIO from gpa (not covered by any view) up to the next view,
 * capped so that the result never makes gpa + n wrap.
 */
static uint64_t
x86_memmap_hole(const struct x86_machine *m, gpa_t gpa)
{
	uint64_t n = ~0ULL - gpa;       /* up to and excluding 2^64 - 1 */

	if (n == 0)
		n = 1;
	for (unsigned i = 0; i < m->nranges; i++) {
		const struct x86_memrange *r = &m->ranges[i];

		if (r->gpa > gpa && r->gpa - gpa < n)
			n = r->gpa - gpa;
	}
	return n;
}

int
x86_memmap_add(struct x86_machine *m, gpa_t gpa, uint64_t size,
	       uint8_t *hva, unsigned prot)
{
	unsigned i;

	if (m == NULL || size == 0 || hva == NULL)
		return -1;
	if (gpa + (size - 1) < gpa)     /* the last byte must not wrap */
		return -1;
	if (m->nranges >= X86_MEMMAP_MAX)
		return -1;
	for (i = 0; i < m->nranges; i++) {
		const struct x86_memrange *r = &m->ranges[i];

		/* [a, a+sa) and [b, b+sb) overlap iff a <= b+sb-1 and
		 * b <= a+sa-1 (last bytes: no wrap) */
		if (gpa <= r->gpa + (r->size - 1) && r->gpa <= gpa + (size - 1))
			return -1;
	}

	/* Insert sorted: shift the views above gpa up by one. */
	for (i = m->nranges; i > 0 && m->ranges[i - 1].gpa > gpa; i--)
		m->ranges[i] = m->ranges[i - 1];
	m->ranges[i].gpa = gpa;
	m->ranges[i].size = size;
	m->ranges[i].hva = hva;
	m->ranges[i].prot = prot;
	m->nranges++;
	x86_xlat_flush(m);
	return 0;
}

uint8_t *
x86_gpa_to_hva(const struct x86_machine *m, gpa_t gpa, uint64_t *avail)
{
	const struct x86_memrange *r = x86_memmap_find(m, gpa);

	if (r == NULL) {
		if (avail != NULL)
			*avail = x86_memmap_hole(m, gpa);
		return NULL;
	}
	if (avail != NULL)
		*avail = r->size - (gpa - r->gpa);
	return r->hva + (gpa - r->gpa);
}

/* ------------------------------------------------------------------------ */
/* Access */

/*
 * Largest naturally aligned MMIO piece at gpa of at most len bytes:
 * 8, 4, 2 or 1 (SDM Vol.3 9.1.1 guarantees atomicity only for such
 * accesses, so a device sees what a bus would carry).
 */
static uint8_t
x86_mmio_piece(gpa_t gpa, uint64_t len)
{
	uint8_t sz = 8;

	while (sz > 1 && ((gpa & (sz - 1)) != 0 || sz > len))
		sz >>= 1;
	return sz;
}

/*
 * Send [gpa, gpa+len) of MMIO to the Mem callback, in aligned pieces.
 * Returns 0, or -1 if no callback is registered (reads fill all-ones).
 */
static int
x86_mmio_access(struct x86_machine *m, gpa_t gpa, uint8_t *buf,
		uint64_t len, bool write)
{
	struct x86_mem mem;

	if (m->mem_cb == NULL) {
		if (!write)
			memset(buf, 0xff, len);
		return -1;
	}
	while (len > 0) {
		mem.gpa = gpa;
		mem.write = write;
		mem.size = x86_mmio_piece(gpa, len);
		mem.data = buf;
		m->mem_cb(m->cb_ctx, &mem);
		gpa += mem.size;
		buf += mem.size;
		len -= mem.size;
	}
	return 0;
}

/*
 * The view that holds gpa (NULL: MMIO), and in *span the bytes from gpa
 * to the end of that view, or of the hole (as x86_memmap_hole counts
 * them). One pass: the views are sorted by gpa and do not overlap
 * (x86_memmap_add), so the first view above gpa ends the hole.
 */
static const struct x86_memrange *
x86_memmap_span(const struct x86_machine *m, gpa_t gpa, uint64_t *span)
{
	for (unsigned i = 0; i < m->nranges; i++) {
		const struct x86_memrange *r = &m->ranges[i];

		if (gpa < r->gpa) {
			*span = r->gpa - gpa;
			return NULL;
		}
		if (gpa - r->gpa < r->size) {
			*span = r->size - (gpa - r->gpa);
			return r;
		}
	}
	*span = gpa == ~0ULL ? 1 : ~0ULL - gpa;
	return NULL;
}

/* Common walk over views and holes for x86_gpa_read / x86_gpa_write. */
static int
x86_gpa_access(struct x86_machine *m, gpa_t gpa, uint8_t *buf, size_t len,
	       bool write)
{
	const struct x86_memrange *r;
	uint64_t n;
	int ret = 0;

	if (len == 0)
		return 0;
	if (gpa + (len - 1) < gpa)
		return -1;
	/*
	 * The usual MMIO access (the Mem Assist's): all of it in one hole and
	 * one naturally aligned piece of 1, 2, 4 or 8 bytes, which is what
	 * x86_mmio_access would hand the callback: straight to it.
	 */
	r = x86_memmap_span(m, gpa, &n);
	if (r == NULL && n >= len && len <= 8 && (len & (len - 1)) == 0 &&
	    (gpa & (len - 1)) == 0 && m->mem_cb != NULL) {
		struct x86_mem mem = {
			.gpa = gpa, .write = write, .size = (uint8_t)len, .data = buf,
		};

		m->mem_cb(m->cb_ctx, &mem);
		return 0;
	}

	for (;;) {
		if (n > len)
			n = len;
		if (r == NULL) {
			if (x86_mmio_access(m, gpa, buf, n, write) != 0)
				ret = -1;
		} else {
			uint8_t *hva = r->hva + (gpa - r->gpa);

			if (write) {
				if (r->prot & X86_PROT_WRITE)
					memcpy(hva, buf, n);
				/* else: ROM, the write is dropped */
			} else if (r->prot & X86_PROT_READ) {
				memcpy(buf, hva, n);
			} else {
				memset(buf, 0xff, n);
			}
		}
		gpa += n;
		buf += n;
		len -= n;
		if (len == 0)
			break;
		r = x86_memmap_span(m, gpa, &n);
	}
	return ret;
}

int
x86_gpa_read(struct x86_machine *m, gpa_t gpa, void *buf, size_t len)
{
	return x86_gpa_access(m, gpa, buf, len, false);
}

int
x86_gpa_write(struct x86_machine *m, gpa_t gpa, const void *buf, size_t len)
{
	/*
	 * The buffer is only read on this path (memcpy from it, or handed to
	 * the Mem callback with write = true), so dropping const is safe.
	 */
	return x86_gpa_access(m, gpa, (uint8_t *)(uintptr_t)buf, len, true);
}
