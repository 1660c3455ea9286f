/*
 * gl_ioapic.c - I/O APIC access for the test guests (see gl_ioapic.h).
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_ioapic.h"

#if defined(GL_MODE_REAL)
#error "gl_ioapic.c needs a flat 32-bit address space (pm32, pae, long)"
#endif

#define GL_IOAPIC_IOREGSEL   (GL_IOAPIC_BASE + 0x00)
#define GL_IOAPIC_IOWIN      (GL_IOAPIC_BASE + 0x10)
#define GL_IOAPIC_VER_MAXRTE BITS(23, 16)

uint32_t gl_ioapic_read(uint8_t reg)
{
	gl_mmio_write32(GL_IOAPIC_IOREGSEL, reg);
	return gl_mmio_read32(GL_IOAPIC_IOWIN);
}

void gl_ioapic_write(uint8_t reg, uint32_t v)
{
	gl_mmio_write32(GL_IOAPIC_IOREGSEL, reg);
	gl_mmio_write32(GL_IOAPIC_IOWIN, v);
}

unsigned gl_ioapic_pins(void)
{
	return (unsigned)SHIFTOUT(gl_ioapic_read(GL_IOAPIC_REG_VER),
	    GL_IOAPIC_VER_MAXRTE) + 1;
}

uint64_t gl_ioapic_rte(unsigned pin)
{
	uint8_t r = (uint8_t)(GL_IOAPIC_REG_RTE + 2 * pin);

	return gl_ioapic_read(r) | ((uint64_t)gl_ioapic_read((uint8_t)(r + 1)) << 32);
}

void gl_ioapic_set_rte(unsigned pin, uint64_t rte)
{
	uint8_t r = (uint8_t)(GL_IOAPIC_REG_RTE + 2 * pin);

	gl_ioapic_write((uint8_t)(r + 1), (uint32_t)(rte >> 32));
	gl_ioapic_write(r, (uint32_t)rte);
}

void gl_ioapic_route(unsigned pin, uint8_t vector, uint64_t flags, uint8_t dest)
{
	gl_ioapic_set_rte(pin, SHIFTIN(vector, GL_IOAPIC_VECTOR) | flags |
	    SHIFTIN(dest, GL_IOAPIC_DEST));
}

void gl_ioapic_mask_all(void)
{
	unsigned n = gl_ioapic_pins();

	for (unsigned pin = 0; pin < n; pin++)
		gl_ioapic_set_rte(pin, GL_IOAPIC_MASKED);
}
