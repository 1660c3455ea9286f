/*
 * test_vmm_io.c - the monitor's port side (vmm/vmm.c through vmm.h):
 * IOIO exits into the I/O Assist and the devices on the bus, the ports
 * that end the run, unclaimed ports, string I/O against guest RAM,
 * console input, the virtual clock under the PIT, PM timer and RTC,
 * the CMOS memory bytes and fw_cfg, and the firmware tables.
 *
 * Where the expected values come from:
 *  - the port map of vmm.h's header comment (QEMU's pc as guests see it);
 *  - the devices: 8259A datasheet (ICW1-4, OCW3), 8254 datasheet (counter
 *    latch, 1.193182 MHz), MC146818A (registers A/B, BCD time), PC16550D
 *    (SCR, LSR, IIR, MSR), ACPI 6.5 4.8.4 (PM1_CNT SLP_TYP/SLP_EN, PM
 *    timer at 3.579545 MHz, 32 bits), QEMU docs/specs/fw_cfg.rst ("QEMU"
 *    signature, item 0x03 RAM size, 0x05 CPU count), PIIX4 (0xcf9 value
 *    6, port 0x92 bit 0), IBM PC/AT (8042 command 0xFE), QEMU
 *    isa-debug-exit and pc-testdev;
 *  - unclaimed ports: nothing drives the bus, a read floats to all-ones
 *    (vmm.h); IN AL/AX keep the rest of RAX, IN EAX zero-extends (SDM
 *    Vol.1 3.4.1.1);
 *  - the PC BIOS's CMOS memory bytes (0x15-0x18, 0x30-0x31, 0x34-0x35)
 *    as SeaBIOS reads them on QEMU;
 *  - firmware: ACPI 6.5 5.2.5 ("RSD PTR ", checksum over 20 bytes, RSDT
 *    address at 16), MP spec 1.4 4.1 ("_MP_", pointer to "PCMP", one
 *    20-byte processor entry per CPU, 8-byte entries for the rest).
 */
#include "vmmtest.h"

/* ---------------------------------------------------------------------- */
/* The port map: a script of port accesses */

enum { END, W, R, STOP, TIME, TX };

struct step {
	int op;
	uint16_t port;
	uint8_t size;
	uint64_t v;             /* W: value; R: wanted; STOP: why << 32 | value; TIME: ns; TX: byte */
	const char *name;
};

#define S_W(p, s, v)            { W, p, s, v, NULL }
#define S_R(p, s, v, name)      { R, p, s, v, name }
#define S_STOP(n, why, v, name) { STOP, 0, n, (uint64_t)(why) << 32 | (v), name }

static const struct step portmap[] = {
	/* 8259 pair and ELCR */
	S_W(0x20, 1, 0x11), S_W(0x21, 1, 0x30), S_W(0x21, 1, 0x04), S_W(0x21, 1, 0x01),
	S_W(0x21, 1, 0x5a), S_R(0x21, 1, 0x5a, "8259 master: IMR after ICW1-4"),
	S_W(0xa0, 1, 0x11), S_W(0xa1, 1, 0x38), S_W(0xa1, 1, 0x02), S_W(0xa1, 1, 0x01),
	S_W(0xa1, 1, 0xa5), S_R(0xa1, 1, 0xa5, "8259 slave: IMR after ICW1-4"),
	S_W(0x20, 1, 0x0b), S_R(0x20, 1, 0x00, "8259 master: ISR empty (OCW3)"),
	S_W(0x4d0, 1, 0x08), S_R(0x4d0, 1, 0x08, "ELCR1 at 0x4d0"),
	S_W(0x4d1, 1, 0x02), S_R(0x4d1, 1, 0x02, "ELCR2 at 0x4d1"),
	/* 8254 control word register and port 0x61 */
	S_R(0x43, 1, 0xff, "8254: control word register reads all-ones"),
	S_W(0x61, 1, 0x02), S_R(0x61, 1, 0x22, "port 0x61: speaker bit back, counter 2 OUT high (mode 3, no count)"),
	/* 8042 */
	S_R(0x64, 1, 0x14, "8042 status at power-on"),
	S_W(0x64, 1, 0xaa), S_R(0x60, 1, 0x55, "8042 self-test answer at 0x60"),
	/* RTC and CMOS */
	S_W(0x70, 1, 0x0a), S_R(0x71, 1, 0x26, "RTC register A: 32.768 kHz, 1024 Hz"),
	S_W(0x70, 1, 0x0b), S_R(0x71, 1, 0x02, "RTC register B: BCD, 24-hour"),
	S_W(0x70, 1, 0x50), S_W(0x71, 1, 0x9c), S_W(0x70, 1, 0x0a),
	S_W(0x70, 1, 0x50), S_R(0x71, 1, 0x9c, "CMOS RAM byte 0x50"),
	S_W(0x70, 1, 0x09), S_R(0x71, 1, 0x26, "RTC year from unix_time"),
	S_W(0x70, 1, 0x32), S_R(0x71, 1, 0x20, "RTC century"),
	S_W(0x70, 1, 0x08), S_R(0x71, 1, 0x01, "RTC month"),
	S_W(0x70, 1, 0x07), S_R(0x71, 1, 0x01, "RTC day"),
	S_W(0x70, 1, 0x06), S_R(0x71, 1, 0x05, "RTC day of week (Thursday)"),
	/* 0x92, 0xcf9 */
	S_R(0x92, 1, 0x02, "port 0x92: A20 on"), S_R(0xcf9, 1, 0x00, "0xcf9 at power-on"),
	/* COM1 */
	S_W(0x3ff, 1, 0x5a), S_R(0x3ff, 1, 0x5a, "COM1 scratch register at 0x3ff"),
	S_R(0x3fd, 1, 0x60, "COM1 LSR: THRE|TEMT"), S_R(0x3fa, 1, 0x01, "COM1 IIR: no interrupt"),
	S_R(0x3fe, 1, 0xb0, "COM1 MSR: CTS, DSR, DCD"),
	S_W(0x3fb, 1, 0x83), S_W(0x3f8, 1, 0x01), S_W(0x3f9, 1, 0x00), S_W(0x3fb, 1, 0x03),
	S_W(0x3f8, 1, 'o'), S_W(0x3f8, 1, 'k'), { TX, 0, 2, 'k', "COM1 THR -> console_out" },
	S_R(0x3fb, 1, 0x03, "COM1 LCR"),
	/* pc-testdev */
	S_W(0xe0, 4, 0x11223344), S_R(0xe0, 4, 0x11223344, "testdev 0xe0 dword"),
	S_R(0xe0, 1, 0x44, "testdev 0xe0 byte"), S_R(0xe0, 2, 0x3344, "testdev 0xe0 word"),
	S_R(0xe1, 2, 0x2233, "testdev 0xe1 word"), S_R(0xe3, 1, 0x11, "testdev 0xe3 byte"),
	S_W(0xe2, 2, 0xbeef), S_R(0xe0, 4, 0xbeef3344, "testdev word write at 0xe2"),
	S_W(0xe1, 1, 0x77), S_R(0xe0, 4, 0xbeef7744, "testdev byte write at 0xe1"),
	S_R(0xe8, 4, 0xbeef7744, "testdev 0xe8-0xeb: the same register byte-wide"),
	S_R(0xe4, 4, 0xffffffff, "testdev 0xe4 reads all-ones"),
	S_R(0x2017, 1, 0, "testdev line 23 low"), S_W(0x2017, 1, 1),
	S_R(0x2017, 1, 1, "testdev line 23 follows the write"), S_W(0x2017, 1, 0),
	/* fw_cfg */
	S_W(0x510, 2, 0x0000), S_R(0x511, 1, 'Q', "fw_cfg signature Q"),
	S_R(0x511, 1, 'E', "fw_cfg signature E"), S_R(0x511, 1, 'M', "fw_cfg signature M"),
	S_R(0x511, 1, 'U', "fw_cfg signature U"),
	S_W(0x510, 2, 0x0005), S_R(0x511, 1, 1, "fw_cfg: one CPU"), S_R(0x511, 1, 0, "fw_cfg: CPUs high byte"),
	S_W(0x510, 2, 0x0003), S_R(0x511, 1, 0x00, "fw_cfg RAM size byte 0"),
	S_R(0x511, 1, 0x50, "fw_cfg RAM size byte 1"), S_R(0x511, 1, 0x34, "fw_cfg RAM size byte 2"),
	S_R(0x511, 1, 0x12, "fw_cfg RAM size byte 3"), S_R(0x511, 1, 0x00, "fw_cfg RAM size byte 4"),
	/* ACPI PM block */
	S_R(0x604, 2, 0x0001, "PM1_CNT: SCI_EN"), S_W(0x602, 2, 0x0100),
	S_R(0x602, 2, 0x0100, "PM1_EN: PWRBTN_EN"), S_W(0x602, 2, 0),
	S_R(0x608, 4, 0, "PM timer 0 at time 0"),
	{ TIME, 0, 0, 1000000000ULL, NULL }, S_R(0x608, 4, 3579545, "PM timer after 1 s: 3579545"),
	{ TIME, 0, 0, 1000000280ULL, NULL }, S_R(0x608, 4, 3579546, "PM timer one tick (280 ns) later"),
	{ TIME, 0, 0, 1200000000000ULL, NULL }, S_R(0x608, 4, 486704, "PM timer after 1200 s: 32-bit wrap"),
	S_W(0x604, 2, 0x0c00 | 0x2000), S_STOP(0, 0, 0, "PM1_CNT: S3 is not a stop"),
	S_R(0x600, 2, 0x8001, "S3 wakes at once: WAK_STS (and TMR_STS: bit 31 toggled)"),
	/* the ports that end the run */
	S_W(0xf4, 1, 0x21), S_STOP(1, VMM_STOP_DEBUG_EXIT, 0x21, "outb 0x21 to 0xf4: debug exit 0x21"),
	S_W(0xf4, 4, 0xdeadbeef), S_STOP(2, VMM_STOP_DEBUG_EXIT, 0xdeadbeef, "outl to 0xf4: the 32-bit value"),
	S_W(0xcf9, 1, 0x02), S_STOP(2, VMM_STOP_DEBUG_EXIT, 0xdeadbeef, "0xcf9 = 2: no reset yet"),
	S_W(0xcf9, 1, 0x06), S_STOP(3, VMM_STOP_RESET, 0, "0xcf9 = 6: reset"),
	S_W(0x92, 1, 0x03), S_STOP(4, VMM_STOP_RESET, 0, "port 0x92 bit 0: reset"),
	S_W(0x64, 1, 0xfe), S_STOP(5, VMM_STOP_RESET, 0, "8042 command 0xfe: reset"),
	S_W(0x604, 2, 0x1400 | 0x2000), S_STOP(6, VMM_STOP_POWEROFF, 0, "PM1_CNT SLP_TYP 5 + SLP_EN: poweroff"),
	{ END, 0, 0, 0, NULL },
};

static void test_portmap(void)
{
	char name[96];

	fresh();
	exits_bad = 0;
	for (const struct step *s = portmap; s->op != END; s++) {
		snprintf(name, sizeof(name), "port map: %s", s->name != NULL ? s->name : "");
		switch (s->op) {
		case W:
			out(s->port, s->size, (uint32_t)s->v);
			break;
		case R:
			DT_EQ(in(s->port, s->size), s->v, name);
			break;
		case STOP:
			ut_ok(F.nstops == s->size && (s->size == 0 ||
			      (F.why == (enum vmm_stop)(s->v >> 32) && F.value == (uint32_t)s->v &&
			       F.text != NULL)), name, "%u stops, last %d value 0x%x", F.nstops,
			      (int)F.why, F.value);
			break;
		case TIME:
			at(s->v);
			break;
		case TX:
			ut_ok(F.nout == s->size && F.out[0] == 'o' && F.out[1] == s->v, name,
			      "%u bytes", F.nout);
			break;
		}
	}
	DT_EQ(exits_bad, 0, "port map: every IN/OUT exit done, RIP at next_rip");
}

/* The 8254 through the monitor's clock: counter 0 as the BIOS left it, latched. */
static void test_pit_latch(void)
{
	uint64_t t1000 = (1000 * VCLOCK_NS_PER_SEC + I8254_HZ - 1) / I8254_HZ;  /* tick 1000 */
	uint64_t t3000 = (3000 * VCLOCK_NS_PER_SEC + I8254_HZ - 1) / I8254_HZ;
	uint32_t v1, v2;

	fresh();
	at(t1000);
	out(0x43, 1, 0x00);                     /* latch counter 0 */
	at(t3000);
	v1 = in(0x40, 1) | in(0x40, 1) << 8;    /* the count at tick 1000 */
	out(0x43, 1, 0x00);
	v2 = in(0x40, 1) | in(0x40, 1) << 8;    /* at tick 3000 */
	DT_EQ(v1 - v2, 2000, "8254: latched counts 2000 ticks apart on the host's clock");
	ut_ok(v1 < 0x10000 && v1 >= 65536 - 1001 && v1 <= 65536 - 999, "8254: counter 0 counts down from 65536",
	      "0x%x", v1);
}

/* ---------------------------------------------------------------------- */
/* Unclaimed ports */

/* Four free ports from each (a dword read stays unclaimed): both sides of every device. */
static const uint16_t unclaimed_ports[] = {
	0x0000, 0x001c, 0x0022, 0x003c, 0x0044, 0x005c, 0x0065, 0x0066, 0x006c, 0x0072,
	0x008e, 0x0093, 0x009c, 0x00a2, 0x00dc, 0x00ec, 0x00f0, 0x00f8, 0x02f8, 0x03f4,
	0x04cc, 0x04d2, 0x050c, 0x0512, 0x05fc, 0x060c, 0x0cf5, 0x0cfa, 0x1ffc, 0x2018, 0xfffc,
};

static void test_unclaimed_ports(void)
{
	bool ok = true, kept = true;
	uint64_t before;

	fresh();
	exits_bad = 0;
	before = V.unclaimed_pio;
	for (unsigned i = 0; i < ARRAY_SIZE(unclaimed_ports); i++) {
		uint16_t p = unclaimed_ports[i];

		for (unsigned size = 1; size <= 4; size *= 2) {
			uint64_t rax = pio(p, size, true, 0x1122334455667788ULL);
			uint64_t want = size == 4 ? 0xffffffffULL :
					(0x1122334455667788ULL | x86_size_mask(size));

			ok &= rax == want;
			out(p, size, 0);
			kept &= in(p, size) == x86_size_mask(size);
		}
	}
	ut_ok(ok, "unclaimed ports read all-ones at 1, 2, 4 bytes (IN AL/AX keep the rest of RAX, IN EAX zero-extends)", NULL);
	ut_ok(kept, "unclaimed ports ignore writes", NULL);
	DT_EQ(V.unclaimed_pio - before, 3 * 3 * ARRAY_SIZE(unclaimed_ports), "unclaimed port accesses counted");
	out(0x3ff, 1, 0x5a);
	DT_EQ(in(0x3fe, 4), 0xffff5ab0, "a dword at 0x3fe: COM1 MSR and SCR, then two unclaimed ports");
	in(0x2fa, 2);
	ut_ok(strstr(vmm_log_last, "in16") != NULL && strstr(vmm_log_last, "port 0x2fa") != NULL,
	      "an unclaimed port access is logged (debug) with its size and port", "%s", vmm_log_last);
	out(0x2fb, 1, 0);
	ut_ok(strstr(vmm_log_last, "out8") != NULL && strstr(vmm_log_last, "port 0x2fb ignored") != NULL,
	      "an unclaimed port write is logged as ignored", "%s", vmm_log_last);
	vmm_log_last[0] = 0;
	in(0x2fa, 1);
	out(0x2fa, 2, 0);
	in(0x2fb, 4);
	ut_ok(vmm_log_last[0] == 0, "an unclaimed port is logged once, whatever the size or direction "
	      "of later accesses", "%s", vmm_log_last);
	in(0x2fc, 1);
	ut_ok(strstr(vmm_log_last, "port 0x2fc") != NULL, "the next unclaimed port is logged again",
	      "%s", vmm_log_last);
	DT_EQ(exits_bad, 0, "unclaimed ports: every exit done");
}

/* ---------------------------------------------------------------------- */
/* Console, string I/O, firmware, CMOS, RTC time */

static void test_console_input(void)
{
	static const uint8_t msg[] = "0123456789abcdefXYZ";
	uint8_t got[16];
	bool ok = true;

	fresh();
	DT_EQ(vmm_console_input(&V, (const uint8_t *)"hi", 2), 1, "console input, FIFO off: one byte taken");
	DT_EQ(in(0x3fd, 1), 0x61, "COM1 LSR: data ready");
	DT_EQ(in(0x3f8, 1), 'h', "COM1 RBR: the byte");
	DT_EQ(in(0x3fd, 1), 0x60, "COM1 LSR: empty again");
	out(0x3fa, 1, 0x01);
	DT_EQ(vmm_console_input(&V, msg, sizeof(msg) - 1), NS16550_FIFO, "FIFO on: 16 bytes taken of 19");
	DT_EQ(vmm_console_input(&V, msg, 3), 0, "FIFO full: none taken");
	for (unsigned i = 0; i < 16; i++)
		got[i] = (uint8_t)in(0x3f8, 1);
	ok = memcmp(got, msg, 16) == 0;
	ut_ok(ok, "COM1 RBR: the 16 bytes in order", "%.16s", (const char *)got);
	DT_EQ(in(0x3fd, 1), 0x60, "COM1 LSR: FIFO drained");
}

/* REP OUTSB / INSB through the I/O assist from and to guest RAM (vmm_add_ram's ranges). */
static void test_string_io(void)
{
	static uint8_t rom[0x1000];
	struct x86_io_exit io = { .port = 0x3f8, .size = 1, .in = false, .string = true, .rep = true,
				  .addrsize = 4, .seg = -1, .next_rip = CODE + 2 };
	struct x86_state st;
	struct x86_assist_result res;
	bool ok = true;

	fresh();
	memcpy(rom, "rom!", 4);
	DT_EQ(vmm_add_ram(&V, 0x200000, sizeof(rom), rom, X86_PROT_READ), 0, "vmm_add_ram: a second range");
	DT_EQ(vmm_add_ram(&V, 0x200800, 0x1000, rom, X86_PROT_READ), (uint64_t)-1,
	      "vmm_add_ram: an overlapping range refused");
	memcpy(ram + CODE, "\xf3\x6e", 2);      /* rep outsb */
	memcpy(ram + 0x2000, "hi\n", 3);
	guest_state(&st);
	st.gpr[X86_GPR_RSI] = 0x2000;
	st.gpr[X86_GPR_RCX] = 3;
	for (unsigned i = 0; i < 4 && st.rip != CODE + 2; i++)
		ok &= vmm_exit_io(vc, &st, &io, &res) == X86_ASSIST_DONE;
	ut_ok(ok && F.nout == 3 && memcmp(F.out, "hi\n", 3) == 0 && st.gpr[X86_GPR_RCX] == 0,
	      "rep outsb from RAM to COM1: console_out gets the bytes", "%u bytes", F.nout);
	guest_state(&st);
	st.gpr[X86_GPR_RSI] = 0x200000;
	st.gpr[X86_GPR_RCX] = 4;
	for (unsigned i = 0; i < 4 && st.rip != CODE + 2; i++)
		ok &= vmm_exit_io(vc, &st, &io, &res) == X86_ASSIST_DONE;
	ut_ok(ok && F.nout == 7 && memcmp(F.out + 3, "rom!", 4) == 0,
	      "rep outsb from the range added later", "%u bytes", F.nout);

	out(0x510, 2, 0);
	memcpy(ram + CODE, "\xf3\x6c", 2);      /* rep insb */
	io.port = 0x511;
	io.in = true;
	guest_state(&st);
	st.gpr[X86_GPR_RDI] = 0x3000;
	st.gpr[X86_GPR_RCX] = 4;
	for (unsigned i = 0; i < 4 && st.rip != CODE + 2; i++)
		ok &= vmm_exit_io(vc, &st, &io, &res) == X86_ASSIST_DONE;
	ut_ok(ok && memcmp(ram + 0x3000, "QEMU", 4) == 0 && st.gpr[X86_GPR_RDI] == 0x3004,
	      "rep insb from fw_cfg into RAM: the signature", NULL);
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n-- > 0)
		s = (uint8_t)(s + *p++);
	return s;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_firmware(void)
{
	static uint8_t bios[0x20000];
	const gpa_t base = 0xe0000;
	gpa_t rsdp = 0;
	const uint8_t *r, *mp, *pcmp = NULL;
	unsigned cpus = 0;
	bool ok;

	fresh();
	memset(bios, 0xaa, sizeof(bios));
	DT_EQ(vmm_firmware(&V, bios, base, sizeof(bios) - 1, &rsdp), (uint64_t)-1,
	      "vmm_firmware: 128 KiB - 1 is too small");
	DT_EQ(bios[0] == 0xaa && bios[0x10000] == 0xaa, 1, "vmm_firmware: nothing written then");
	DT_EQ(vmm_firmware(&V, bios, base, sizeof(bios), &rsdp), 0, "vmm_firmware: 128 KiB at 0xe0000");
	ok = rsdp >= base && rsdp + 20 <= base + 0x10000 && rsdp % 16 == 0;
	ut_ok(ok, "RSDP address 16-aligned in the ACPI part of the area", "0x%llx", (unsigned long long)rsdp);
	if (!ok)
		return;
	r = bios + (rsdp - base);
	ut_ok(memcmp(r, "RSD PTR ", 8) == 0 && sum8(r, 20) == 0, "RSDP: signature and checksum", NULL);
	ok = le32(r + 16) >= base && le32(r + 16) < base + 0x10000 &&
	     memcmp(bios + (le32(r + 16) - base), "RSDT", 4) == 0;
	ut_ok(ok, "RSDP -> RSDT inside the area", "0x%x", le32(r + 16));
	mp = bios + 0x10000;
	ut_ok(memcmp(mp, "_MP_", 4) == 0 && sum8(mp, 16) == 0, "MP floating pointer 64 KiB in", NULL);
	ok = le32(mp + 4) >= base + 0x10000 && le32(mp + 4) < base + sizeof(bios);
	if (ok)
		pcmp = bios + (le32(mp + 4) - base);
	ut_ok(ok && memcmp(pcmp, "PCMP", 4) == 0, "MP pointer -> PCMP", "0x%x", le32(mp + 4));
	if (pcmp != NULL) {
		const uint8_t *e = pcmp + 44, *end = pcmp + (pcmp[4] | pcmp[5] << 8);

		while (e < end) {
			cpus += *e == 0;
			e += *e == 0 ? 20 : 8;
		}
	}
	DT_EQ(cpus, 1, "MP table: one processor entry (one vCPU)");
	ut_ok(strstr(vmm_log_last, "0xf0000") != NULL, "the log names the MP pointer's address", "%s",
	      vmm_log_last);
}

/* CMOS memory bytes and fw_cfg's RAM size for several RAM sizes. */
static void test_ram_sizes(void)
{
	static const struct { uint64_t ram; uint16_t ext, above16; } c[] = {
		{ 0x80000, 0, 0 },                      /* 512 KiB */
		{ 0x1100000, 0x4000, 0x10 },            /* 17 MiB */
		{ 0x2345400, 0x8915, 0x134 },
		{ 0x12345000, 0xfc00, 0x1134 },         /* extended memory clamped at 63 MiB */
		{ 0x200345000, 0xfc00, 0xffff },        /* 8 GiB: above-16 MiB count clamped */
	};
	static const uint8_t idx[] = { 0x15, 0x16, 0x17, 0x18, 0x30, 0x31, 0x34, 0x35 };
	char name[96];

	for (unsigned i = 0; i < ARRAY_SIZE(c); i++) {
		struct vmm_config cfg = cfg_default;
		uint8_t b[16];
		uint64_t fw = 0;

		cfg.ram_size = c[i].ram;
		if (!machine(&cfg, &ops_xmm))
			ut_ok(0, "machine", NULL);
		for (unsigned k = 0; k < sizeof(idx); k++) {
			out(0x70, 1, idx[k]);
			b[k] = (uint8_t)in(0x71, 1);
		}
		out(0x510, 2, 0x0003);
		for (unsigned k = 0; k < 8; k++)
			fw |= (uint64_t)in(0x511, 1) << (8 * k);
		snprintf(name, sizeof(name), "RAM 0x%llx: CMOS base 640 KiB, ext 0x%x KiB, above 16 MiB 0x%x",
			 (unsigned long long)c[i].ram, c[i].ext, c[i].above16);
		ut_ok(b[0] == 0x80 && b[1] == 0x02 && (b[2] | b[3] << 8) == c[i].ext &&
		      (b[4] | b[5] << 8) == c[i].ext && (b[6] | b[7] << 8) == c[i].above16, name,
		      "%02x %02x %02x %02x %02x %02x %02x %02x", b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
		snprintf(name, sizeof(name), "RAM 0x%llx: fw_cfg RAM size", (unsigned long long)c[i].ram);
		DT_EQ(fw, c[i].ram, name);
	}
}

/* The RTC runs from unix_time on the host's clock. */
static void test_rtc_time(void)
{
	static const struct { uint8_t idx, want; const char *name; } t[] = {
		{ 0x00, 0x05, "RTC seconds 5 (BCD)" }, { 0x02, 0x02, "RTC minutes 2" },
		{ 0x04, 0x00, "RTC hours 0" }, { 0x07, 0x01, "RTC day 1" },
	};

	fresh();
	at(125500000000ULL);                    /* 2 min 5.5 s after unix_time */
	for (unsigned i = 0; i < ARRAY_SIZE(t); i++) {
		out(0x70, 1, t[i].idx);
		DT_EQ(in(0x71, 1), t[i].want, t[i].name);
	}
}

int main(void)
{
	ut_ok(machine(&cfg_default, &ops_xmm), "vmm_init and vmm_add_ram return 0", NULL);
	test_portmap();
	test_pit_latch();
	test_unclaimed_ports();
	test_console_input();
	test_string_io();
	test_firmware();
	test_ram_sizes();
	test_rtc_time();
	return ut_done();
}
