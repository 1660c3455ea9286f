/*
 * i8042.c - the PC keyboard controller, without a keyboard or mouse
 * (see i8042.h).
 *
 * Source: IBM PC/AT Technical Reference, "Keyboard Controller" (status
 * register, command byte, commands 20h, 60h, AAh, ABh, ADh, AEh, D0h, D1h, F0h-FFh);
 * the PS/2 additions (A7h-A9h, D2h/D3h and status bit 5) from IBM's PS/2
 * Hardware Interface Technical Reference; DDh/DFh (A20 off/on) as HP Vectra-compatible
 * controllers and QEMU accept them.
 *
 * Model: commands complete at once, so the input buffer is never full
 * (status bit 1 reads 0). A command that answers puts one byte in the
 * output buffer (status bit 0) for the next read of port 0x60. A byte
 * written to 0x60 with no command waiting for it is for the keyboard, the
 * data byte of D4h for the aux device: nothing is attached to either, so
 * the controller gives up on the transfer at once and reports it as a
 * PS/2 controller does a device that never clocks: the time-out bit
 * (status bit 6) with FEh in the output buffer (aux data for D4h), which
 * drivers take as "no device" (Linux's psmouse aborts its command on
 * the time-out, atkbd on the FEh) instead of waiting for an answer until
 * their own time-outs. D2h/D3h (write keyboard /
 * auxiliary device output buffer) put their data byte in the output
 * buffer as if the device had sent it, D3h with status bit 5 (auxiliary
 * output buffer full): Linux's i8042 driver loops a byte through D3h to
 * find the aux port, and without an answer it waits 0.5 s for it
 * (bench/linux_boot.py).
 *
 * Interrupts (PS/2 Hardware Interface Technical Reference, command byte
 * bits 0 and 1): IRQ 1 is high while the output buffer holds a byte that
 * is not aux data (the controller's answers, D2h's byte) and command
 * byte bit 0 is set; IRQ 12 while it holds aux data (D3h's byte) and bit
 * 1 is set. Reading 0x60 empties the buffer and lowers the line. QEMU's
 * 8042 raises them the same way; Linux tests the aux port's IRQ 12 with
 * a D3h loopback and waits 250 ms for it when it does not come.
 *
 * Power-on state, as a BIOS leaves it after POST: command byte 0x45
 * (keyboard interrupt, system flag, scan-code translation), status with
 * the system flag and "keyboard not inhibited" set, output port with the
 * reset line high (bit 0) and A20 enabled (bit 1).
 */
#include "i8042.h"

#define I8042_DATA_PORT    0x60
#define I8042_CMD_PORT     0x64

#define I8042_STS_OBF      BIT(0)       /* output buffer full */
#define I8042_STS_IBF      BIT(1)       /* input buffer full: never */
#define I8042_STS_SYS      BIT(2)       /* system flag */
#define I8042_STS_CMD      BIT(3)       /* last write was to 0x64 */
#define I8042_STS_UNLOCKED BIT(4)       /* keyboard not inhibited */
#define I8042_STS_AUXDATA  BIT(5)       /* PS/2: the output buffer holds aux data */
#define I8042_STS_TIMEOUT  BIT(6)       /* PS/2: general time-out (no device answered) */

#define I8042_CB_KBD_INT   BIT(0)       /* command byte: IRQ 1 on keyboard data */
#define I8042_CB_AUX_INT   BIT(1)       /* IRQ 12 on aux data */
#define I8042_CB_SYS       BIT(2)       /* system flag */
#define I8042_CB_KBD_DIS   BIT(4)       /* keyboard interface disabled */
#define I8042_CB_AUX_DIS   BIT(5)       /* aux interface disabled */
#define I8042_CB_INIT      0x45         /* XLATE | SYS | KBD_INT */

#define I8042_OUT_RESET    BIT(0)       /* CPU reset line, active low */
#define I8042_OUT_A20      BIT(1)

#define I8042_CMD_READ_CB  0x20
#define I8042_CMD_WRITE_CB 0x60
#define I8042_CMD_AUX_DIS  0xa7
#define I8042_CMD_AUX_EN   0xa8
#define I8042_CMD_AUX_TEST 0xa9
#define I8042_CMD_SELFTEST 0xaa
#define I8042_CMD_KBD_TEST 0xab
#define I8042_CMD_KBD_DIS  0xad
#define I8042_CMD_KBD_EN   0xae
#define I8042_CMD_READ_OUT 0xd0
#define I8042_CMD_WRITE_OUT 0xd1
#define I8042_CMD_WRITE_KBD_OBUF 0xd2
#define I8042_CMD_WRITE_AUX_OBUF 0xd3
#define I8042_CMD_WRITE_AUX 0xd4        /* the next data byte goes to the aux device */
#define I8042_CMD_A20_OFF  0xdd
#define I8042_CMD_A20_ON   0xdf
#define I8042_CMD_PULSE    0xf0         /* F0h-FFh: pulse output port bits 3:0 */

#define I8042_SELFTEST_OK  0x55
#define I8042_NO_DEVICE    0xfe         /* with STS_TIMEOUT: the device did not answer */
#define I8042_IFTEST_OK    0x00

/* Drive IRQ 1 and IRQ 12 from the output buffer and the command byte (lock held). */
static void i8042_update_irqs(struct i8042 *k)
{
	bool full = (k->status & I8042_STS_OBF) != 0, aux = (k->status & I8042_STS_AUXDATA) != 0;
	bool kbd_level = full && !aux && (k->cmd_byte & I8042_CB_KBD_INT);
	bool aux_level = full && aux && (k->cmd_byte & I8042_CB_AUX_INT);

	if (kbd_level != k->kbd_level) {
		k->kbd_level = kbd_level;
		irq_line_set(&k->irq_kbd, kbd_level);
	}
	if (aux_level != k->aux_level) {
		k->aux_level = aux_level;
		irq_line_set(&k->irq_aux, aux_level);
	}
}

/* Put a byte in the output buffer for the next read of 0x60 (from the aux device: aux). */
static void i8042_put(struct i8042 *k, uint8_t byte, bool aux)
{
	k->out = byte;
	k->status |= I8042_STS_OBF;
	k->status &= (uint8_t)~(I8042_STS_AUXDATA | I8042_STS_TIMEOUT);
	if (aux)
		k->status |= I8042_STS_AUXDATA;
}

/* A byte for the keyboard (aux: the aux device) that nobody is there to take. */
static void i8042_no_device(struct i8042 *k, bool aux)
{
	i8042_put(k, I8042_NO_DEVICE, aux);
	k->status |= I8042_STS_TIMEOUT;
}

/* The controller's own answer to a command. */
static void i8042_answer(struct i8042 *k, uint8_t byte)
{
	i8042_put(k, byte, false);
}

/* The output port changed: bit 0 low holds the CPU in reset. */
static void i8042_set_outport(struct i8042 *k, uint8_t val)
{
	k->outport = val;
	if (!(val & I8042_OUT_RESET) && k->reset != NULL)
		k->reset(k->ctx, "i8042 output port reset line");
}

/* A command byte written to 0x64. */
static void i8042_command(struct i8042 *k, uint8_t cmd)
{
	k->pending_cmd = 0;
	switch (cmd) {
	case I8042_CMD_READ_CB:
		i8042_answer(k, k->cmd_byte);
		break;
	case I8042_CMD_WRITE_CB:
	case I8042_CMD_WRITE_OUT:
	case I8042_CMD_WRITE_KBD_OBUF:
	case I8042_CMD_WRITE_AUX_OBUF:
	case I8042_CMD_WRITE_AUX:
		k->pending_cmd = cmd;   /* the data byte follows at 0x60 */
		break;
	case I8042_CMD_AUX_DIS:
		k->cmd_byte |= I8042_CB_AUX_DIS;
		break;
	case I8042_CMD_AUX_EN:
		k->cmd_byte &= (uint8_t)~I8042_CB_AUX_DIS;
		break;
	case I8042_CMD_AUX_TEST:
	case I8042_CMD_KBD_TEST:
		i8042_answer(k, I8042_IFTEST_OK);
		break;
	case I8042_CMD_SELFTEST:
		k->status |= I8042_STS_SYS;     /* set when the self-test passes */
		i8042_answer(k, I8042_SELFTEST_OK);
		break;
	case I8042_CMD_KBD_DIS:
		k->cmd_byte |= I8042_CB_KBD_DIS;
		break;
	case I8042_CMD_KBD_EN:
		k->cmd_byte &= (uint8_t)~I8042_CB_KBD_DIS;
		break;
	case I8042_CMD_READ_OUT:
		i8042_answer(k, k->outport);
		break;
	case I8042_CMD_A20_OFF:
		k->outport &= (uint8_t)~I8042_OUT_A20;
		break;
	case I8042_CMD_A20_ON:
		k->outport |= I8042_OUT_A20;
		break;
	default:
		/* F0h-FFh pulse the output port bits whose bit is 0 in the
		   command's low nibble: bit 0 is the reset line (FEh). */
		if (cmd >= I8042_CMD_PULSE && !(cmd & I8042_OUT_RESET) && k->reset != NULL)
			k->reset(k->ctx, "i8042 pulse reset line");
		break;
	}
}

/* A byte written to 0x60: the data of a pending command, or for the keyboard. */
static void i8042_data(struct i8042 *k, uint8_t val)
{
	uint8_t cmd = k->pending_cmd;

	k->pending_cmd = 0;
	if (cmd == I8042_CMD_WRITE_CB) {
		k->cmd_byte = val;
		/* The status system flag follows the command byte's. */
		k->status &= (uint8_t)~I8042_STS_SYS;
		if (val & I8042_CB_SYS)
			k->status |= I8042_STS_SYS;
	} else if (cmd == I8042_CMD_WRITE_OUT) {
		i8042_set_outport(k, val);
	} else if (cmd == I8042_CMD_WRITE_KBD_OBUF || cmd == I8042_CMD_WRITE_AUX_OBUF) {
		i8042_put(k, val, cmd == I8042_CMD_WRITE_AUX_OBUF);
	} else {
		/* For the aux device (D4h) or the keyboard: neither is attached. */
		i8042_no_device(k, cmd == I8042_CMD_WRITE_AUX);
	}
}

/* An access to port 0x60 or 0x64 (lock held). */
static void i8042_access(struct i8042 *k, uint16_t port, bool write, uint32_t *val)
{
	if (port == I8042_CMD_PORT) {
		if (!write) {
			*val = k->status;
			return;
		}
		k->status |= I8042_STS_CMD;
		i8042_command(k, (uint8_t)*val);
		return;
	}
	if (!write) {
		/* Reading the output buffer empties it; read again, it repeats. */
		*val = k->out;
		k->status &= (uint8_t)~(I8042_STS_OBF | I8042_STS_AUXDATA | I8042_STS_TIMEOUT);
		return;
	}
	k->status &= (uint8_t)~I8042_STS_CMD;
	i8042_data(k, (uint8_t)*val);
}

/* Ports 0x60 and 0x64 (BUS_BYTE_PORTS: size is 1); the IRQ lines follow every access. */
static void i8042_io(void *dev, uint16_t port, bool write, unsigned size, uint32_t *val)
{
	struct i8042 *k = dev;

	(void)size;
	i8042_access(k, port, write, val);
	i8042_update_irqs(k);
}

void i8042_init(struct i8042 *k, void (*reset)(void *ctx, const char *why), void *ctx)
{
	memset(k, 0, sizeof(*k));
	k->status = I8042_STS_SYS | I8042_STS_UNLOCKED;
	k->cmd_byte = I8042_CB_INIT;
	k->outport = I8042_OUT_RESET | I8042_OUT_A20;
	k->reset = reset;
	k->ctx = ctx;
}

void i8042_connect(struct i8042 *k, struct irq_line kbd, struct irq_line aux)
{
	k->irq_kbd = kbd;
	k->irq_aux = aux;
}

int i8042_attach(struct i8042 *k, struct bus *bus)
{
	if (bus_add_pio(bus, I8042_DATA_PORT, 1, BUS_BYTE_PORTS, "i8042 data", i8042_io, k,
			&k->lock) != 0)
		return -1;
	return bus_add_pio(bus, I8042_CMD_PORT, 1, BUS_BYTE_PORTS, "i8042 command", i8042_io, k,
			   &k->lock);
}
