/*
 * strio.c - guests strio_pm32 and strio_long: string port I/O of 4 KiB
 * (REP INSB/W/D and REP OUTSB/W/D, DF=0 and DF=1) between pc-testdev's
 * scratch register and memory that is RAM or MMIO (the pc-testdev buffer
 * at 0xff000000), and the scratch register's own behaviour.
 *
 * The scratch register (ports 0xe0-0xe3, QEMU hw/misc/pc-testdev.c) is
 * one 32-bit register: an access of width w at port 0xe0 + k (k a
 * multiple of w: QEMU refuses unaligned ones) reads or writes its bytes
 * k .. k+w-1; ports 0xe8-0xeb reach the same register one byte at a time. So what can be checked after a string transfer:
 *
 *   INS    every element in memory equals the bytes of the register the
 *          port selects (0xe3 for bytes, 0xe2 for words, 0xe0 for
 *          dwords: different bytes each time), and the 16 bytes before
 *          and after the 4 KiB are untouched;
 *   OUTS   the register ends up holding the last element sent (the
 *          highest one with DF=0, the lowest with DF=1; neighbouring
 *          elements differ), with its other bytes unchanged;
 *   both   rCX = 0 and rSI/rDI moved by 4096 in the direction of DF, the
 *          other index register and rDX unchanged;
 *   svmhv  the number of IOIO exits (VMMCALL exit count, guest_abi.h):
 *          exactly 1 for a page-aligned 4 KiB in RAM (the I/O Assist
 *          moves a page per exit), at most 2 when the 4 KiB straddle a
 *          page boundary; only reported for MMIO. Skipped elsewhere.
 *
 * And REP OUTSB single-stepped (RFLAGS.TF): a #DB after every iteration,
 * the first ones with the IP still at the instruction (SDM Vol.3
 * 17.3.1.4), however the hypervisor batches the iterations. Plain IN
 * and OUT: what they leave in rAX and send (all of AL/AX/EAX and no
 * more), and with TF the #DB right after them.
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_hv.h"
#include "gl_intr.h"
#include "gl_pgmap.h"
#include "gl_printf.h"
#include "tap.h"

#define SIO_LEN        4096u
#define SIO_GUARD      16u
#define SIO_MMIO       0xff001000u     /* a page of the pc-testdev buffer */
#define SIO_PORT       0xe0u
#define SIO_PORT_BYTES 0xe8u

static uint8_t sio_ram[3 * 4096] __attribute__((aligned(4096)));

enum sio_dir { SIO_IN, SIO_OUT };

struct sio_case {
	enum sio_dir dir;
	unsigned size;                  /* element size: 1, 2, 4 */
	bool df;
	bool mmio;
	uint32_t off;                   /* start of the 4 KiB in the region */
};

struct sio_regs {
	unsigned long si, di, cx;
	uint16_t dx;
};

/* The port each element size uses (so INS reads different bytes). */
static uint16_t sio_port(unsigned size)
{
	return size == 1 ? SIO_PORT + 3 : size == 2 ? SIO_PORT + 2 : SIO_PORT;
}

/* ---- the transfers -------------------------------------------------- */

/*
 * One REP string instruction with the registers in r. DF is set and
 * cleared inside the same asm statement: compiled code between them
 * could use string instructions itself.
 */
#define SIO_REP(insn, r, df)                                                  \
	do {                                                                  \
		if (df)                                                       \
			__asm__ volatile("std; rep " insn "; cld"             \
			    : "+S"((r)->si), "+D"((r)->di), "+c"((r)->cx)     \
			    : "d"((r)->dx) : "memory");                       \
		else                                                          \
			__asm__ volatile("rep " insn                          \
			    : "+S"((r)->si), "+D"((r)->di), "+c"((r)->cx)     \
			    : "d"((r)->dx) : "memory");                       \
	} while (0)

static void sio_rep(const struct sio_case *c, struct sio_regs *r)
{
	if (c->dir == SIO_IN) {
		if (c->size == 1)
			SIO_REP("insb (%%dx), %%es:(%1)", r, c->df);
		else if (c->size == 2)
			SIO_REP("insw (%%dx), %%es:(%1)", r, c->df);
		else
			SIO_REP("insl (%%dx), %%es:(%1)", r, c->df);
	} else {
		if (c->size == 1)
			SIO_REP("outsb (%0), (%%dx)", r, c->df);
		else if (c->size == 2)
			SIO_REP("outsw (%0), (%%dx)", r, c->df);
		else
			SIO_REP("outsl (%0), (%%dx)", r, c->df);
	}
}

/* ---- memory of a case ----------------------------------------------- */

static uintptr_t sio_base(const struct sio_case *c)
{
	return (c->mmio ? SIO_MMIO : (uintptr_t)sio_ram + 4096) + c->off;
}

static uint32_t sio_rd32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static void sio_wr32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

/*
 * Element i of an OUTS buffer: neighbours differ, and so do the first and
 * the last element, so a count or direction error changes what is sent
 * last (words and dwords: all elements differ).
 */
static uint32_t sio_elem(unsigned i, unsigned size)
{
	uint32_t v = 0xc0de0000u ^ (i * 0x9e3779b1u);

	return size == 4 ? v : size == 2 ? ((v & 0xf000u) | i) & 0xffff :
	    (uint8_t)(i * 7 + 3);
}

/* Fill guards and data: OUTS data, or a pattern INS must overwrite. */
static void sio_fill(const struct sio_case *c)
{
	uintptr_t b = sio_base(c);

	for (uint32_t i = 0; i < SIO_GUARD; i += 4) {
		sio_wr32(b - SIO_GUARD + i, 0xa5a5a5a5u ^ i);
		sio_wr32(b + SIO_LEN + i, 0x5a5a5a5au ^ i);
	}
	for (uint32_t i = 0; i < SIO_LEN; i += 4) {
		uint32_t v = 0x66666666u ^ i;

		if (c->dir == SIO_OUT) {
			if (c->size == 4)
				v = sio_elem(i / 4, 4);
			else if (c->size == 2)
				v = sio_elem(i / 2, 2) | sio_elem(i / 2 + 1, 2) << 16;
			else
				v = sio_elem(i, 1) | sio_elem(i + 1, 1) << 8 |
				    sio_elem(i + 2, 1) << 16 | sio_elem(i + 3, 1) << 24;
		}
		sio_wr32(b + i, v);
	}
}

static bool sio_guards_ok(const struct sio_case *c)
{
	uintptr_t b = sio_base(c);

	for (uint32_t i = 0; i < SIO_GUARD; i += 4)
		if (sio_rd32(b - SIO_GUARD + i) != (0xa5a5a5a5u ^ i) ||
		    sio_rd32(b + SIO_LEN + i) != (0x5a5a5a5au ^ i))
			return false;
	return true;
}

/*
 * INS: every element holds the port's bytes. Returns the offset of the
 * first bad dword, or -1. Dword reads: on MMIO each read is an exit.
 */
static long sio_ins_bad(const struct sio_case *c, uint32_t scratch)
{
	uint32_t e = scratch >> (8 * (sio_port(c->size) - SIO_PORT));
	uint32_t want = c->size == 4 ? e : c->size == 2 ? (e & 0xffff) * 0x10001u :
	    (e & 0xff) * 0x01010101u;
	uintptr_t b = sio_base(c);

	for (uint32_t i = 0; i < SIO_LEN; i += 4)
		if (sio_rd32(b + i) != want)
			return (long)i;
	return -1;
}

/* ---- one case -------------------------------------------------------- */

static const char *sio_name(const struct sio_case *c, char *buf)
{
	static const char sfx[] = " bw d";
	const char *s = c->dir == SIO_IN ? "rep ins" : "rep outs";
	char *p = buf;

	while (*s)
		*p++ = *s++;
	*p++ = sfx[c->size];
	for (s = c->df ? " DF=1" : " DF=0"; *s; )
		*p++ = *s++;
	for (s = c->mmio ? " MMIO" : " RAM"; *s; )
		*p++ = *s++;
	if (c->off)
		for (s = " (straddling a page)"; *s; )
			*p++ = *s++;
	*p = '\0';
	return buf;
}

static void sio_case_run(const struct sio_case *c, bool hv)
{
	const uint32_t preset = 0x8c7b6a59u;
	uintptr_t b = sio_base(c);
	unsigned n = SIO_LEN / c->size;
	uintptr_t first = c->df ? b + SIO_LEN - c->size : b;
	struct sio_regs r;
	uint64_t e0 = 0, e1 = 0;
	int hv0, hv1;
	uint32_t got, want;
	char name[64];
	const char *what;
	bool regs_ok;

	sio_name(c, name);
	sio_fill(c);
	gl_outl(SIO_PORT, preset);
	r.cx = n;
	r.dx = sio_port(c->size);
	r.si = c->dir == SIO_OUT ? first : 0x5151;
	r.di = c->dir == SIO_IN ? first : 0xd1d1;
	hv0 = hv ? gl_hv_exit_count(GL_EXIT_IOIO, &e0) : -1;
	sio_rep(c, &r);
	hv1 = hv ? gl_hv_exit_count(GL_EXIT_IOIO, &e1) : -1;

	/* Data. */
	got = gl_inl(SIO_PORT);
	if (c->dir == SIO_IN) {
		long bad = sio_ins_bad(c, preset);

		tap_ok(bad < 0 && sio_guards_ok(c) && got == preset,
		    "%s: every element read from port 0x%x, guards intact", name,
		    sio_port(c->size));
		if (bad >= 0)
			tap_diag("dword at +%ld is 0x%08x", bad, sio_rd32(b + (uintptr_t)bad));
	} else {
		unsigned shift = 8 * (sio_port(c->size) - SIO_PORT);
		uint32_t mask = (c->size == 4 ? 0xffffffffu : (1u << (8 * c->size)) - 1) << shift;

		want = (preset & ~mask) | (sio_elem(c->df ? 0 : n - 1, c->size) << shift);
		tap_eq(got, want, "%s: scratch register holds the last element sent", name);
	}

	/* Registers. */
	if (c->dir == SIO_IN)
		regs_ok = r.di == (c->df ? first - SIO_LEN : first + SIO_LEN) &&
		    r.si == 0x5151;
	else
		regs_ok = r.si == (c->df ? first - SIO_LEN : first + SIO_LEN) &&
		    r.di == 0xd1d1;
	regs_ok = regs_ok && r.cx == 0 && r.dx == sio_port(c->size);
	tap_ok(regs_ok, "%s: rCX = 0, rSI/rDI moved by 4096, rDX kept", name);
	if (!regs_ok)
		tap_diag("rsi 0x%lx rdi 0x%lx rcx 0x%lx rdx 0x%x (start 0x%lx)",
		    (unsigned long)r.si, (unsigned long)r.di, (unsigned long)r.cx,
		    r.dx, (unsigned long)first);

	/* Exits. */
	what = c->mmio ? "IOIO exits counted" : c->off ? "at most 2 IOIO exits" :
	    "one IOIO exit for the page";
	if (!hv)
		tap_skip("not under svmhv", "%s: %s", name, what);
	else if (hv0 || hv1)
		tap_ok(false, "%s: %s (VMMCALL exit count failed)", name, what);
	else if (c->mmio)
		tap_ok(e1 > e0, "%s: %s (%llu)", name, what, (unsigned long long)(e1 - e0));
	else if (c->off)
		tap_ok(e1 - e0 >= 1 && e1 - e0 <= 2, "%s: %s (%llu)", name, what,
		    (unsigned long long)(e1 - e0));
	else
		tap_eq(e1 - e0, 1, "%s: %s", name, what);
}

/* ---- the scratch register itself ------------------------------------ */

static void sio_scratch_checks(void)
{
	bool ok;

	gl_outl(SIO_PORT, 0x44332211u);
	tap_eq(gl_inl(SIO_PORT), 0x44332211u, "scratch: dword write reads back");
	gl_outb(SIO_PORT + 1, 0xaa);
	gl_outw(SIO_PORT + 2, 0xbbcc);
	tap_eq(gl_inl(SIO_PORT), 0xbbccaa11u,
	    "scratch: byte at 0xe1 and word at 0xe2 replace only their bytes");
	tap_eq(gl_inw(SIO_PORT + 2), 0xbbccu, "scratch: word read at 0xe2 gives bytes 2-3");
	ok = gl_inb(SIO_PORT_BYTES) == 0x11 && gl_inb(SIO_PORT_BYTES + 1) == 0xaa &&
	    gl_inb(SIO_PORT_BYTES + 3) == 0xbb;
	gl_outb(SIO_PORT_BYTES + 2, 0x5e);
	ok = ok && gl_inl(SIO_PORT) == 0xbb5eaa11u;
	tap_ok(ok, "scratch: ports 0xe8-0xeb are its bytes one at a time (as QEMU's pc-testdev)");
}

/* ---- IN and OUT: rAX and the next instruction ---------------------- */

/* IN of size bytes from the scratch register into rAX, which holds rax before. */
static unsigned long sio_in(unsigned size, unsigned long rax)
{
	if (size == 1)
		__asm__ volatile("inb %1, %%al" : "+a"(rax) : "N"(SIO_PORT));
	else if (size == 2)
		__asm__ volatile("inw %1, %%ax" : "+a"(rax) : "N"(SIO_PORT));
	else
		__asm__ volatile("inl %1, %%eax" : "+a"(rax) : "N"(SIO_PORT));
	return rax;
}

/* OUT of size bytes of rAX = rax to the scratch register. */
static void sio_out(unsigned size, unsigned long rax)
{
	if (size == 1)
		__asm__ volatile("outb %%al, %0" : : "N"(SIO_PORT), "a"(rax));
	else if (size == 2)
		__asm__ volatile("outw %%ax, %0" : : "N"(SIO_PORT), "a"(rax));
	else
		__asm__ volatile("outl %%eax, %0" : : "N"(SIO_PORT), "a"(rax));
}

/*
 * IN writes AL or AX and keeps the rest of rAX; IN EAX clears bits 63:32
 * in 64-bit mode (SDM Vol.1 3.4.1.1). OUT sends only the low bytes.
 */
static void sio_rax_checks(void)
{
	static const unsigned long junk = (unsigned long)0xdeadbeefcafef00dULL;
	static const struct { unsigned size; unsigned long want; const char *what; } in[] = {
		{ 1, (unsigned long)0xdeadbeefcafef011ULL, "in al keeps the rest of rax" },
		{ 2, (unsigned long)0xdeadbeefcafe2211ULL, "in ax keeps the rest of rax" },
		{ 4, 0x44332211ul, "in eax zero-extends into rax" },
	};
	static const struct { unsigned size; uint32_t want; const char *what; } out[] = {
		{ 1, 0x4433220du, "out al sends only al" },
		{ 2, 0x4433f00du, "out ax sends only ax" },
		{ 4, 0xcafef00du, "out eax sends eax" },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(in); i++) {
		unsigned long got;

		gl_outl(SIO_PORT, 0x44332211u);
		got = sio_in(in[i].size, junk);
		tap_ok(got == in[i].want, "port I/O: %s (0x%lx)", in[i].what, got);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(out); i++) {
		uint32_t got;

		gl_outl(SIO_PORT, 0x44332211u);
		sio_out(out[i].size, junk);
		got = gl_inl(SIO_PORT);
		tap_ok(got == out[i].want, "port I/O: %s (0x%x)", out[i].what, got);
	}
}

/* ---- REP OUTSB under single-step ------------------------------------ */

#define SIO_STEP_N    4u        /* iterations */
#define SIO_STEP_MAX  16u       /* #DB traps recorded */

static volatile unsigned sio_step_count;
static volatile uintptr_t sio_step_ip[SIO_STEP_MAX];

/* #DB: record where it trapped; IRET goes back with TF still set. */
static void sio_step_db(struct gl_trapframe *tf)
{
	if (sio_step_count < SIO_STEP_MAX)
		sio_step_ip[sio_step_count] = (uintptr_t)tf->ip;
	sio_step_count++;
}

extern const char sio_step_at[], sio_step_after[];

static void sio_step_check(void)
{
	static const uint8_t src[SIO_STEP_N] = { 0x51, 0x52, 0x53, 0x54 };
	unsigned long si = (unsigned long)(uintptr_t)src, cx = SIO_STEP_N;
	uintptr_t at = (uintptr_t)sio_step_at, after = (uintptr_t)sio_step_after;
	unsigned n_at = 0, n;
	bool order = true;

	gl_outl(SIO_PORT, 0);
	sio_step_count = 0;
	gl_intr_set(X86_VEC_DB, sio_step_db);
	__asm__ volatile(GL_ASM_TF_ON
	    ".globl sio_step_at, sio_step_after\n"
	    "sio_step_at:\n\t"
	    "rep outsb (%0), (%%dx)\n"
	    "sio_step_after:\n\t"
	    "nop\n\t"
	    GL_ASM_TF_OFF
	    : "+S"(si), "+c"(cx) : "d"((uint16_t)(SIO_PORT_BYTES + 2)) : "memory", "cc");
	gl_intr_set(X86_VEC_DB, NULL);
	n = sio_step_count < SIO_STEP_MAX ? sio_step_count : SIO_STEP_MAX;
	/* The traps: SIO_STEP_N - 1 at the instruction, then one after it. */
	for (unsigned i = 0; i < n && sio_step_ip[i] == at; i++)
		n_at++;
	order = n > n_at && sio_step_ip[n_at] == after;
	tap_ok(n_at == SIO_STEP_N - 1 && order,
	    "rep outsb with TF: a #DB after each of its %u iterations (%u at the "
	    "instruction, then %s; %u traps in all)", SIO_STEP_N, n_at,
	    order ? "one after it" : "not after it", sio_step_count);
	tap_ok(cx == 0 && si == (unsigned long)(uintptr_t)src + SIO_STEP_N &&
	    gl_inb(SIO_PORT_BYTES + 2) == 0x54,
	    "rep outsb with TF: rcx 0, rsi past the 4 bytes, the port got the last one");
}

extern const char sio_step_in_after[], sio_step_out_after[];

/* IN and OUT with RFLAGS.TF: the #DB comes after the instruction, at the next one. */
static void sio_step_inout_check(void)
{
	unsigned long ax = 0;
	uintptr_t first[2];

	gl_outl(SIO_PORT, 0x11223344u);
	gl_intr_set(X86_VEC_DB, sio_step_db);
	sio_step_count = 0;
	__asm__ volatile(GL_ASM_TF_ON
	    "inb %1, %%al\n"
	    ".globl sio_step_in_after\n"
	    "sio_step_in_after:\n\t"
	    "nop\n\t"
	    GL_ASM_TF_OFF
	    : "+a"(ax) : "N"(SIO_PORT) : "memory", "cc");
	first[0] = sio_step_count > 0 ? sio_step_ip[0] : 0;
	sio_step_count = 0;
	__asm__ volatile(GL_ASM_TF_ON
	    "outb %%al, %0\n"
	    ".globl sio_step_out_after\n"
	    "sio_step_out_after:\n\t"
	    "nop\n\t"
	    GL_ASM_TF_OFF
	    : : "N"(SIO_PORT_BYTES + 1), "a"(0x66ul) : "memory", "cc");
	first[1] = sio_step_count > 0 ? sio_step_ip[0] : 0;
	gl_intr_set(X86_VEC_DB, NULL);
	tap_ok(first[0] == (uintptr_t)sio_step_in_after && (ax & 0xff) == 0x44,
	    "in with TF: the first #DB right after it (at 0x%lx), al = 0x%lx",
	    (unsigned long)first[0], ax & 0xff);
	tap_ok(first[1] == (uintptr_t)sio_step_out_after && gl_inl(SIO_PORT) == 0x11226644u,
	    "out with TF: the first #DB right after it (at 0x%lx), the port got al",
	    (unsigned long)first[1]);
}

void guest_main(void)
{
	static const uint32_t offs[] = { 0, 0x800 };
	bool hv = gl_hv_is_svmhv();
	struct sio_case c;

	gl_pgmap_mmio();
	tap_diag("strio: %s", hv ? "under svmhv: IOIO exits are counted" :
	    "not under svmhv: exit counts skipped");
	sio_scratch_checks();
	sio_rax_checks();
	sio_step_check();
	sio_step_inout_check();
	for (int mmio = 0; mmio < 2; mmio++)
		for (int dir = 0; dir < 2; dir++)
			for (unsigned size = 1; size <= 4; size *= 2)
				for (int df = 0; df < 2; df++) {
					c = (struct sio_case){ (enum sio_dir)dir, size, df,
					    mmio, 0 };
					sio_case_run(&c, hv);
				}
	/* RAM straddling a page boundary: the I/O Assist needs two chunks. */
	for (unsigned i = 1; i < ARRAY_SIZE(offs); i++) {
		c = (struct sio_case){ SIO_OUT, 1, false, false, offs[i] };
		sio_case_run(&c, hv);
		c = (struct sio_case){ SIO_IN, 4, true, false, offs[i] };
		sio_case_run(&c, hv);
	}
	tap_done();
}
