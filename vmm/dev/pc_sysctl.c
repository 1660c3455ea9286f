/*
 * pc_sysctl.c - System Control Port A (0x92) and the Reset Control
 * Register (0xcf9) (see pc_sysctl.h).
 *
 * Source: Intel 82371AB PIIX4 datasheet (port 92h; RC register 0CF9h);
 * Intel ICH10 datasheet (13.7.5 "RST_CNT - Reset Control Register":
 * SYS_RST, RST_CPU, FULL_RST; port 92h INIT_NOW/ALT_A20_GATE).
 *
 * Port 0x92: bit 0 INIT_NOW (a 0 -> 1 write resets the CPU; the bit keeps
 * its value, so the next reset takes a write of 0 first), bit 1 the
 * alternate A20 gate. Bits 7:2 are reserved and read 0. This machine never
 * masks A20, so bit 1 starts set (A20 on) and only reads back.
 *
 * Port 0xcf9: the chipset resets when RST_CPU goes from 0 to 1, with the
 * kind SYS_RST (hard, else soft) and FULL_RST (power cycle) name. Here
 * RST_CPU always reads 0 (the reset it asked for is under way), so every
 * write with it set is such an edge: 0x06 alone (the usual ACPI
 * RESET_VALUE) resets, as Linux's 0x02-then-0x06 does. SYS_RST and
 * FULL_RST are kept and read back. The monitor's reset callback decides
 * what a reset does.
 */
#include "pc_sysctl.h"

#define PC_SYSCTL_PORT_A     0x92
#define PC_SYSCTL_PORT_RCR   0xcf9

#define PC_SYSCTL_A_INIT     BIT(0)
#define PC_SYSCTL_A_A20      BIT(1)
#define PC_SYSCTL_A_MASK     (PC_SYSCTL_A_INIT | PC_SYSCTL_A_A20)

#define PC_SYSCTL_RCR_SYS    BIT(1)     /* SYS_RST: hard reset */
#define PC_SYSCTL_RCR_CPU    BIT(2)     /* RST_CPU: do it */
#define PC_SYSCTL_RCR_FULL   BIT(3)     /* FULL_RST: power cycle */
#define PC_SYSCTL_RCR_KEEP   (PC_SYSCTL_RCR_SYS | PC_SYSCTL_RCR_FULL)

static void pc_sysctl_reset(struct pc_sysctl *s, const char *why)
{
	if (s->reset != NULL)
		s->reset(s->ctx, why);
}

/* The kind of reset a write to 0xcf9 asks for. */
static const char *pc_sysctl_rcr_why(uint8_t val)
{
	if (val & PC_SYSCTL_RCR_FULL)
		return "port 0xcf9 full reset";
	if (val & PC_SYSCTL_RCR_SYS)
		return "port 0xcf9 hard reset";
	return "port 0xcf9 soft reset";
}

/* Ports 0x92 and 0xcf9 (BUS_BYTE_PORTS: size is 1). */
static void pc_sysctl_io(void *dev, uint16_t port, bool write, unsigned size, uint32_t *val)
{
	struct pc_sysctl *s = dev;
	uint8_t v = (uint8_t)*val, old;

	(void)size;
	if (port == PC_SYSCTL_PORT_A) {
		if (!write) {
			*val = s->port92;
			return;
		}
		old = s->port92;
		s->port92 = v & PC_SYSCTL_A_MASK;
		if ((v & PC_SYSCTL_A_INIT) && !(old & PC_SYSCTL_A_INIT))
			pc_sysctl_reset(s, "port 0x92 fast reset");
		return;
	}
	if (!write) {
		*val = s->cf9;
		return;
	}
	s->cf9 = v & PC_SYSCTL_RCR_KEEP;
	if (v & PC_SYSCTL_RCR_CPU)
		pc_sysctl_reset(s, pc_sysctl_rcr_why(v));
}

void pc_sysctl_init(struct pc_sysctl *s, void (*reset)(void *ctx, const char *why), void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->port92 = PC_SYSCTL_A_A20;
	s->reset = reset;
	s->ctx = ctx;
}

int pc_sysctl_attach(struct pc_sysctl *s, struct bus *bus)
{
	if (bus_add_pio(bus, PC_SYSCTL_PORT_A, 1, BUS_BYTE_PORTS, "port 92", pc_sysctl_io, s,
			&s->lock) != 0)
		return -1;
	return bus_add_pio(bus, PC_SYSCTL_PORT_RCR, 1, BUS_BYTE_PORTS, "reset control",
			   pc_sysctl_io, s, &s->lock);
}
