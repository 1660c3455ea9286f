/*
 * test_sysports.c - the small PC ports, through the bus: the keyboard
 * controller (vmm/dev/i8042.c, ports 0x60/0x64), System Control Port A
 * and the Reset Control Register (vmm/dev/pc_sysctl.c, 0x92/0xcf9) and
 * QEMU's isa-debug-exit (vmm/dev/debug_exit.c, 0xf4-0xf7).
 *
 * Expected values: IBM PC/AT Technical Reference (8042 status bits,
 * command byte, commands AAh -> 55h, ABh/A9h -> 00h, D0h/D1h output port,
 * FEh pulse reset), Intel PIIX4/ICH10 (port 92h bits 0-1, CF9h bits 1-3),
 * QEMU's isa-debug-exit (a write of any width ends the run with its value).
 */
#include "bus.h"
#include "debug_exit.h"
#include "devtest.h"
#include "i8042.h"
#include "pc_sysctl.h"

static struct bus bus;
static struct i8042 kbc;
static struct pc_sysctl sc;
static struct debug_exit dx;

static unsigned nresets, nexits, exits_unlocked;
static char last_why[64];
static uint32_t last_exit;

static void rec_reset(void *ctx, const char *why)
{
	(void)ctx;
	nresets++;
	snprintf(last_why, sizeof(last_why), "%s", why);
}

static void rec_exit(void *ctx, uint32_t value)
{
	(void)ctx;
	nexits++;
	last_exit = value;
	if (dx.lock.locked == 0)
		exits_unlocked++;
}

static uint32_t in(uint16_t port, unsigned size)
{
	uint32_t v = 0;

	bus_pio(&bus, port, false, size, &v);
	return v;
}

static void out(uint16_t port, unsigned size, uint32_t v)
{
	bus_pio(&bus, port, true, size, &v);
}

/* ---------------------------------------------------------------------- */

/* 8042 steps: write cmd to 0x64 / data to 0x60, or read and compare (K_IRQ: IRQ 1 | IRQ 12 << 1). */
enum { K_CMD, K_DATA, K_RDATA, K_RSTS, K_RESETS, K_IRQ };
struct kbd_step { int op; uint8_t v; const char *name; };
static const struct kbd_step kbd[] = {
	{ K_RSTS, 0x14, "power-on status: system flag, not inhibited" },
	{ K_CMD, 0xaa, NULL }, { K_RSTS, 0x1d, "self-test answer waiting (OBF), last write a command" },
	{ K_RDATA, 0x55, "self-test passed" }, { K_RSTS, 0x1c, "OBF cleared by the read" },
	{ K_RDATA, 0x55, "reading again repeats the byte" }, { K_RSTS, 0x1c, "OBF stays clear" },
	{ K_CMD, 0x20, NULL }, { K_RDATA, 0x45, "command byte after POST" },
	{ K_CMD, 0x60, NULL }, { K_DATA, 0x41, NULL }, { K_RSTS, 0x10, "last write data; SYS follows command byte bit 2" },
	{ K_CMD, 0x20, NULL }, { K_RDATA, 0x41, "command byte written" },
	{ K_CMD, 0xaa, NULL }, { K_RDATA, 0x55, "self-test" }, { K_RSTS, 0x1c, "self-test sets SYS" },
	{ K_CMD, 0x60, NULL }, { K_DATA, 0x45, NULL },
	{ K_CMD, 0xa7, NULL }, { K_CMD, 0x20, NULL }, { K_RDATA, 0x65, "A7h disables aux (bit 5)" },
	{ K_CMD, 0xa8, NULL }, { K_CMD, 0x20, NULL }, { K_RDATA, 0x45, "A8h enables aux" },
	{ K_CMD, 0xad, NULL }, { K_CMD, 0x20, NULL }, { K_RDATA, 0x55, "ADh disables keyboard (bit 4)" },
	{ K_CMD, 0xae, NULL }, { K_CMD, 0x20, NULL }, { K_RDATA, 0x45, "AEh enables keyboard" },
	{ K_CMD, 0xa9, NULL }, { K_RDATA, 0x00, "aux interface test OK" },
	{ K_CMD, 0xab, NULL }, { K_RDATA, 0x00, "keyboard interface test OK" },
	{ K_CMD, 0xd0, NULL }, { K_RDATA, 0x03, "output port: reset high, A20 on" },
	{ K_CMD, 0xdd, NULL }, { K_CMD, 0xd0, NULL }, { K_RDATA, 0x01, "DDh: A20 off" },
	{ K_CMD, 0xdf, NULL }, { K_CMD, 0xd0, NULL }, { K_RDATA, 0x03, "DFh: A20 on" },
	{ K_CMD, 0xd1, NULL }, { K_DATA, 0x01, NULL }, { K_CMD, 0xd0, NULL }, { K_RDATA, 0x01, "D1h writes the output port" },
	{ K_RESETS, 0, "bit 0 high: no reset" },
	{ K_CMD, 0xd1, NULL }, { K_DATA, 0x03, NULL },
	{ K_DATA, 0xff, NULL }, { K_RSTS, 0x55, "keyboard command, no keyboard: a byte (OBF) and the time-out bit" },
	{ K_RDATA, 0xfe, "FEh: the keyboard did not answer" }, { K_RSTS, 0x14, "the read clears OBF and the time-out bit" },
	{ K_CMD, 0xd0, NULL }, { K_RDATA, 0x03, "the keyboard byte did not reach the output port" },
	{ K_CMD, 0x60, NULL }, { K_CMD, 0x20, NULL }, { K_DATA, 0x00, NULL },
	{ K_RDATA, 0xfe, "a new command cancels a pending one: the byte went to the keyboard" },
	{ K_CMD, 0x20, NULL }, { K_RDATA, 0x45, "command byte unchanged" },
	{ K_CMD, 0xff, NULL }, { K_RESETS, 0, "FFh pulses nothing" },
	{ K_CMD, 0xfd, NULL }, { K_RESETS, 0, "FDh pulses bit 1 only" },
	{ K_CMD, 0xfe, NULL }, { K_RESETS, 1, "FEh pulses the reset line" },
	{ K_CMD, 0xf0, NULL }, { K_RESETS, 2, "F0h pulses all four, reset among them" },
	{ K_CMD, 0xd1, NULL }, { K_DATA, 0x02, NULL }, { K_RESETS, 3, "D1h with bit 0 low resets" },
	{ K_CMD, 0x12, NULL }, { K_RSTS, 0x1c, "unknown command: no answer" },
	{ K_CMD, 0xd3, NULL }, { K_RSTS, 0x1c, "D3h waits for its byte" },
	{ K_DATA, 0x5a, NULL }, { K_RSTS, 0x35, "D3h: byte in the output buffer as aux data (bits 0, 5)" },
	{ K_RDATA, 0x5a, "D3h loops the byte back" }, { K_RSTS, 0x14, "the read clears OBF and aux data" },
	{ K_CMD, 0xd3, NULL }, { K_DATA, 0xa5, NULL }, { K_CMD, 0xd2, NULL },
	{ K_RSTS, 0x3d, "a command leaves aux data in the buffer" },
	{ K_DATA, 0x3c, NULL }, { K_RSTS, 0x15, "D2h: keyboard data, aux bit cleared" },
	{ K_RDATA, 0x3c, "D2h loops the byte back" }, { K_RSTS, 0x14, "read: OBF clear" },
	{ K_CMD, 0xd3, NULL }, { K_DATA, 0x77, NULL }, { K_CMD, 0x20, NULL },
	{ K_RSTS, 0x1d, "a controller answer is not aux data" }, { K_RDATA, 0x45, "command byte, not the looped byte" },
	{ K_CMD, 0xd2, NULL }, { K_CMD, 0x20, NULL }, { K_DATA, 0x99, NULL },
	{ K_RDATA, 0xfe, "a new command cancels a pending D2h: its byte went to the keyboard" },
	{ K_RSTS, 0x14, "read: OBF and time-out clear" },
	{ K_CMD, 0xd4, NULL }, { K_RSTS, 0x1c, "D4h waits for its byte" },
	{ K_DATA, 0xf2, NULL }, { K_RSTS, 0x75, "D4h, no mouse: a byte as aux data, time-out bit" },
	{ K_RDATA, 0xfe, "FEh: the mouse did not answer" }, { K_RSTS, 0x14, "read: OBF, aux data and time-out clear" },
	{ K_CMD, 0xd4, NULL }, { K_DATA, 0xff, NULL }, { K_CMD, 0xd3, NULL }, { K_DATA, 0x12, NULL },
	{ K_RSTS, 0x35, "a loopback after a time-out clears the time-out bit" }, { K_RDATA, 0x12, "the looped byte" },
};

/*
 * IRQ 1 / IRQ 12 (PS/2 Hardware Interface Technical Reference, command
 * byte bits 0 and 1; QEMU's 8042 the same): high while the output buffer
 * holds keyboard (any non-aux byte) / aux data and the bit is set.
 */
static const struct kbd_step kbd_irq[] = {
	{ K_IRQ, 0, "IRQ: both low, output buffer empty" },
	{ K_CMD, 0x60, NULL }, { K_DATA, 0x47, NULL }, { K_IRQ, 0, "IRQ: enabling both with nothing to say" },
	{ K_CMD, 0xd3, NULL }, { K_IRQ, 0, "IRQ: D3h waiting for its byte" },
	{ K_DATA, 0x5a, NULL }, { K_IRQ, 2, "IRQ: D3h's aux byte raises IRQ 12 only" },
	{ K_RSTS, 0x35, "IRQ: status read: aux data waiting" }, { K_IRQ, 2, "IRQ: a status read leaves IRQ 12 high" },
	{ K_RDATA, 0x5a, "IRQ: the aux byte" }, { K_IRQ, 0, "IRQ: reading 0x60 lowers IRQ 12" },
	{ K_CMD, 0xd2, NULL }, { K_DATA, 0x3c, NULL }, { K_IRQ, 1, "IRQ: D2h's keyboard byte raises IRQ 1 only" },
	{ K_RDATA, 0x3c, "IRQ: the keyboard byte" }, { K_IRQ, 0, "IRQ: reading lowers IRQ 1" },
	{ K_CMD, 0x20, NULL }, { K_IRQ, 1, "IRQ: a controller answer is keyboard-side: IRQ 1" },
	{ K_RDATA, 0x47, "IRQ: command byte" }, { K_IRQ, 0, "IRQ: read: low" },
	{ K_CMD, 0x60, NULL }, { K_DATA, 0x44, NULL },
	{ K_CMD, 0xd3, NULL }, { K_DATA, 0x11, NULL }, { K_IRQ, 0, "IRQ: aux byte with bit 1 clear: no IRQ 12" },
	{ K_CMD, 0xd2, NULL }, { K_DATA, 0x22, NULL }, { K_IRQ, 0, "IRQ: keyboard byte with bit 0 clear: no IRQ 1" },
	{ K_CMD, 0xd3, NULL }, { K_DATA, 0x33, NULL }, { K_CMD, 0x60, NULL }, { K_DATA, 0x46, NULL },
	{ K_IRQ, 2, "IRQ: enabling bit 1 with aux data waiting raises IRQ 12" },
	{ K_RDATA, 0x33, "IRQ: that aux byte" }, { K_IRQ, 0, "IRQ: read: low again" },
	{ K_CMD, 0xd3, NULL }, { K_DATA, 0x44, NULL }, { K_CMD, 0x60, NULL }, { K_DATA, 0x45, NULL },
	{ K_IRQ, 0, "IRQ: disabling bit 1 with aux data waiting lowers IRQ 12" },
	{ K_RDATA, 0x44, "IRQ: the aux byte is still there" },
	{ K_CMD, 0x60, NULL }, { K_DATA, 0x47, NULL },
	{ K_CMD, 0xd4, NULL }, { K_DATA, 0xf4, NULL }, { K_IRQ, 2, "IRQ: no mouse: the time-out answer raises IRQ 12" },
	{ K_RDATA, 0xfe, "IRQ: FEh" }, { K_IRQ, 0, "IRQ: read: low" },
	{ K_DATA, 0xf4, NULL }, { K_IRQ, 1, "IRQ: no keyboard: the time-out answer raises IRQ 1" },
	{ K_RDATA, 0xfe, "IRQ: FEh" }, { K_IRQ, 0, "IRQ: read: low" },
};

/* Run steps t[0..n) against the controller; irqs: the IRQ 1 and IRQ 12 lines or NULL. */
static void run_kbd(const struct kbd_step *t, size_t n, const struct dt_irq *irqs)
{
	char name[96];

	for (unsigned i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "i8042: %s", t[i].name != NULL ? t[i].name : "");
		switch (t[i].op) {
		case K_CMD:
			out(0x64, 1, t[i].v);
			break;
		case K_DATA:
			out(0x60, 1, t[i].v);
			break;
		case K_RDATA:
			DT_EQ(in(0x60, 1), t[i].v, name);
			break;
		case K_RSTS:
			DT_EQ(in(0x64, 1), t[i].v, name);
			break;
		case K_RESETS:
			DT_EQ(nresets, t[i].v, name);
			break;
		case K_IRQ:
			DT_EQ((unsigned)irqs[0].level | (unsigned)irqs[1].level << 1, t[i].v, name);
			break;
		}
	}
}

static void test_i8042_irqs(void)
{
	struct dt_irq irqs[2];
	struct i8042 k2;

	bus_init(&bus);
	i8042_init(&k2, rec_reset, NULL);
	i8042_connect(&k2, dt_irq_line(&irqs[0], 1), dt_irq_line(&irqs[1], 12));
	DT_EQ(i8042_attach(&k2, &bus), 0, "i8042 attach (with IRQ lines)");
	run_kbd(kbd_irq, ARRAY_SIZE(kbd_irq), irqs);
	ut_ok(irqs[0].line == 1 && irqs[1].line == 12 && irqs[0].edges == 3 && irqs[1].edges == 4,
	      "i8042: IRQ 1 and 12 on their lines, one rising edge per byte announced",
	      "lines %u %u edges %u %u", irqs[0].line, irqs[1].line, irqs[0].edges, irqs[1].edges);
}

static void test_i8042(void)
{
	run_kbd(kbd, ARRAY_SIZE(kbd), NULL);
	ut_ok(strstr(last_why, "i8042") != NULL, "i8042: reset reason names the controller", "%s", last_why);
	ut_ok(!bus_pio(&bus, 0x5f, false, 1, &(uint32_t){ 0 }) && !bus_pio(&bus, 0x61, false, 1, &(uint32_t){ 0 }) &&
	      !bus_pio(&bus, 0x63, false, 1, &(uint32_t){ 0 }) && !bus_pio(&bus, 0x65, false, 1, &(uint32_t){ 0 }),
	      "i8042: 0x5f, 0x61-0x63, 0x65 not decoded", NULL);
	DT_EQ(in(0x60, 2), 0xff12, "i8042: word read at 0x60 is one byte + undecoded 0x61");
}

/* ---------------------------------------------------------------------- */

static void test_sysctl(void)
{
	nresets = 0;
	DT_EQ(in(0x92, 1), 0x02, "port 92: A20 on, INIT_NOW clear");
	out(0x92, 1, 0x03);
	ut_ok(nresets == 1 && strstr(last_why, "0x92") != NULL, "port 92: bit 0 0->1 resets", "%u %s", nresets, last_why);
	DT_EQ(in(0x92, 1), 0x03, "port 92: bit 0 reads back");
	out(0x92, 1, 0x03);
	DT_EQ(nresets, 1, "port 92: bit 0 already 1: no reset");
	out(0x92, 1, 0x02);
	DT_EQ(nresets, 1, "port 92: 1->0: no reset");
	out(0x92, 1, 0x00);
	DT_EQ(nresets, 1, "port 92: 0->0: no reset");
	out(0x92, 1, 0x01);
	DT_EQ(nresets, 2, "port 92: 0->1 again resets");
	DT_EQ(in(0x92, 1), 0x01, "port 92: A20 bit written 0 reads 0");
	out(0x92, 1, 0xfe);
	DT_EQ(in(0x92, 1), 0x02, "port 92: bits 7:2 read 0");
	DT_EQ(nresets, 2, "port 92: no reset for bit 0 clear");

	nresets = 0;
	DT_EQ(in(0xcf9, 1), 0x00, "cf9: 0 at power-on");
	out(0xcf9, 1, 0x02);
	DT_EQ(nresets, 0, "cf9: SYS_RST alone does not reset");
	DT_EQ(in(0xcf9, 1), 0x02, "cf9: SYS_RST reads back");
	out(0xcf9, 1, 0x06);
	ut_ok(nresets == 1 && strstr(last_why, "hard") != NULL, "cf9: 0x06 hard reset", "%u %s", nresets, last_why);
	DT_EQ(in(0xcf9, 1), 0x02, "cf9: RST_CPU reads 0");
	out(0xcf9, 1, 0x04);
	ut_ok(nresets == 2 && strstr(last_why, "soft") != NULL, "cf9: 0x04 soft reset", "%u %s", nresets, last_why);
	DT_EQ(in(0xcf9, 1), 0x00, "cf9: SYS_RST cleared by that write");
	out(0xcf9, 1, 0x0e);
	ut_ok(nresets == 3 && strstr(last_why, "full") != NULL, "cf9: 0x0e full reset", "%u %s", nresets, last_why);
	DT_EQ(in(0xcf9, 1), 0x0a, "cf9: SYS_RST|FULL_RST read back");
	out(0xcf9, 1, 0x08);
	DT_EQ(in(0xcf9, 1), 0x08, "cf9: FULL_RST alone kept");
	out(0xcf9, 1, 0xf1);
	DT_EQ(in(0xcf9, 1), 0x00, "cf9: other bits read 0");
	DT_EQ(nresets, 3, "cf9: no reset without RST_CPU");
	ut_ok(!bus_pio(&bus, 0xcf8, false, 1, &(uint32_t){ 0 }) && !bus_pio(&bus, 0xcfa, false, 1, &(uint32_t){ 0 }) &&
	      !bus_pio(&bus, 0x93, false, 1, &(uint32_t){ 0 }), "sysctl: neighbours not decoded", NULL);
	ut_ok(sc.lock.locked == 0, "sysctl: lock released", NULL);
}

/* ---------------------------------------------------------------------- */

static void test_debug_exit(void)
{
	DT_EQ(in(0xf4, 1), 0xff, "debug-exit: byte read all-ones");
	DT_EQ(in(0xf4, 2), 0xffff, "debug-exit: word read all-ones");
	DT_EQ(in(0xf4, 4), 0xffffffff, "debug-exit: dword read all-ones");
	DT_EQ(nexits, 0, "debug-exit: reads do not exit");
	out(0xf4, 1, 0x01);
	ut_ok(nexits == 1 && last_exit == 0x01, "debug-exit: outb 1", "%u 0x%x", nexits, last_exit);
	out(0xf4, 2, 0x1234);
	ut_ok(nexits == 2 && last_exit == 0x1234, "debug-exit: outw keeps 16 bits", "%u 0x%x", nexits, last_exit);
	out(0xf4, 4, 0xdeadbeef);
	ut_ok(nexits == 3 && last_exit == 0xdeadbeef, "debug-exit: outl is one access of 32 bits", "%u 0x%x",
	      nexits, last_exit);
	out(0xf7, 1, 0x07);
	ut_ok(nexits == 4 && last_exit == 0x07, "debug-exit: any port of 0xf4-0xf7", "%u 0x%x", nexits, last_exit);
	DT_EQ(exits_unlocked, 0, "debug-exit: callback under the device lock");
	ut_ok(!bus_pio(&bus, 0xf3, false, 1, &(uint32_t){ 0 }) && !bus_pio(&bus, 0xf8, false, 1, &(uint32_t){ 0 }),
	      "debug-exit: 0xf3 and 0xf8 not decoded", NULL);
}

int main(void)
{
	bus_init(&bus);
	i8042_init(&kbc, rec_reset, NULL);
	pc_sysctl_init(&sc, rec_reset, NULL);
	debug_exit_init(&dx, rec_exit, NULL);
	DT_EQ(i8042_attach(&kbc, &bus), 0, "i8042 attach");
	DT_EQ(pc_sysctl_attach(&sc, &bus), 0, "sysctl attach");
	DT_EQ(debug_exit_attach(&dx, &bus), 0, "debug-exit attach");
	test_i8042();
	test_sysctl();
	test_debug_exit();
	DT_EQ(i8042_attach(&kbc, &bus), (uint64_t)-1, "i8042 attach twice refused");
	DT_EQ(pc_sysctl_attach(&sc, &bus), (uint64_t)-1, "sysctl attach twice refused");
	DT_EQ(debug_exit_attach(&dx, &bus), (uint64_t)-1, "debug-exit attach twice refused");
	test_i8042_irqs();
	return ut_done();
}
