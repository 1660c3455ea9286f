/*
 * vmmtest.h - what the host tests of the monitor (vmm/vmm.c) share:
 * vmm_init() with a fake host (a clock and a guest TSC the test sets, a
 * console and a stop recorder, XMM registers in memory), guest RAM at 0,
 * and a 32-bit flat protected-mode guest whose exits the test makes up
 * the way hv/ hands them over: IOIO exits (struct x86_io_exit as SVM's
 * EXITINFO1 decodes) and MMIO exits (MOV between EAX/EBX or XMM0/XMM1
 * and [EAX], instruction bytes given or fetched from RAM at CS:RIP).
 *
 *   fresh();                                 -> a new machine at virtual time 0
 *   out(port, size, v); in(port, size)       -> one IN/OUT exit each
 *   mwr(gpa, size, v);  mrd(gpa, size)       -> one MMIO exit each
 *   at(ns);                                  -> moves the host's clock and TSC, runs timers
 *   take_all(v, max)                         -> the vectors the CPU takes, EOI'd
 *
 * Every helper counts in exits_bad an exit that did not complete as the
 * CPU's instruction would (status not DONE, RIP not past the
 * instruction); each test checks it is 0.
 *
 * The machine's map and wiring are vmm.h's header comment (QEMU's pc
 * as guests see it); the 8259 sequence is the 8259A datasheet's ICW1-4,
 * OCW2 (non-specific EOI 0x20) and OCW3 (0x0a: read IRR); IOAPIC
 * registers through IOREGSEL (0x00) / IOWIN (0x10), redirection entry
 * n at 0x10 + 2n (82093AA datasheet); LAPIC EOI at 0xb0 (SDM Vol.3
 * Table 11-1).
 */
#ifndef VMMTEST_H
#define VMMTEST_H

#include <stdlib.h>

#include "devtest.h"
#include "vmm.h"

#define RAM_SIZE   0x100000u            /* guest RAM at GPA 0 */
#define CODE       0x1000u              /* where instructions sit in RAM */
#define LAPIC      0xfee00000u
#define IOAPIC     0xfec00000u
#define TESTDEV    0xff000000u
#define UNIX_2026  1767225600ULL        /* 2026-01-01 00:00:00 UTC */
#define TSC_HZ     2000000000ULL

/* ---------------------------------------------------------------------- */
/* The fake host */

struct fake {
	uint64_t now, tsc;
	uint8_t out[64];
	unsigned nout;
	unsigned nstops;
	enum vmm_stop why;
	uint32_t value;
	const char *text;
	uint8_t xmm[16][16];
	unsigned xmm_calls;
};

static struct fake F;
static struct vmm V;
static struct vmm_vcpu *const vc = &V.vcpu[0];
static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static unsigned exits_bad;      /* exits that did not complete as the CPU's instruction would */

static uint64_t f_now(void *ctx) { return ((struct fake *)ctx)->now; }
static uint64_t f_tsc(void *ctx) { return ((struct fake *)ctx)->tsc; }

static void f_console(void *ctx, uint8_t byte)
{
	struct fake *f = ctx;

	if (f->nout < sizeof(f->out))
		f->out[f->nout++] = byte;
}

static void f_stop(void *ctx, enum vmm_stop why, uint32_t value, const char *text)
{
	struct fake *f = ctx;

	f->nstops++;
	f->why = why;
	f->value = value;
	f->text = text;
}

static void f_xmm(void *ctx, unsigned reg, bool write, uint8_t data[16])
{
	struct fake *f = ctx;

	f->xmm_calls++;
	if (write)
		memcpy(f->xmm[reg & 15], data, 16);
	else
		memcpy(data, f->xmm[reg & 15], 16);
}

static __attribute__((unused)) const struct vmm_host_ops ops_xmm = {
	.now_ns = f_now, .guest_tsc = f_tsc, .console_out = f_console, .stop = f_stop, .xmm = f_xmm,
};
static __attribute__((unused)) const struct vmm_host_ops ops_noxmm = {
	.now_ns = f_now, .guest_tsc = f_tsc, .console_out = f_console, .stop = f_stop,
};

static __attribute__((unused)) const struct vmm_config cfg_default = {
	.ram_size = 0x12345000, .tsc_hz = TSC_HZ, .unix_time = UNIX_2026, .maxphyaddr = 0,
};

/* A new machine with cfg at virtual time 0, guest RAM [0, RAM_SIZE). */
static __attribute__((unused)) bool machine(const struct vmm_config *cfg, const struct vmm_host_ops *ops)
{
	memset(&F, 0, sizeof(F));
	memset(ram, 0, sizeof(ram));
	return vmm_init(&V, cfg, ops, &F) == 0 &&
	       vmm_add_ram(&V, 0, RAM_SIZE, ram, X86_PROT_READ | X86_PROT_WRITE) == 0;
}

static __attribute__((unused)) void fresh(void)
{
	if (!machine(&cfg_default, &ops_xmm))
		ut_ok(0, "vmm_init / vmm_add_ram", NULL);
}

/* ---------------------------------------------------------------------- */
/* The guest: 32-bit flat protected mode, no paging (linear = physical) */

static __attribute__((unused)) void guest_state(struct x86_state *st)
{
	memset(st, 0, sizeof(*st));
	st->rflags = 0x2;
	st->rip = CODE;
	st->cr0 = X86_CR0_PE;
	for (unsigned s = 0; s < X86_SEG_COUNT; s++) {
		st->seg[s].sel = 0x10;
		st->seg[s].attr = 0x093 | X86_SEGATTR_DB | X86_SEGATTR_G;
		st->seg[s].limit = 0xffffffff;
	}
	st->seg[X86_SEG_CS].sel = 0x08;
	st->seg[X86_SEG_CS].attr = 0x09b | X86_SEGATTR_DB | X86_SEGATTR_G;
}

/* IN or OUT of size bytes at port with RAX = rax (an exit as SVM reports it); the new RAX. */
static __attribute__((unused)) uint64_t pio(uint16_t port, unsigned size, bool in, uint64_t rax)
{
	struct x86_state st;
	struct x86_io_exit io = {
		.port = port, .size = (uint8_t)size, .in = in, .seg = -1, .next_rip = CODE + 2,
	};
	struct x86_assist_result res;
	int rc;

	guest_state(&st);
	st.gpr[X86_GPR_RAX] = rax;
	rc = vmm_exit_io(vc, &st, &io, &res);
	if (rc != X86_ASSIST_DONE || res.status != rc || st.rip != CODE + 2)
		exits_bad++;
	return st.gpr[X86_GPR_RAX];
}

static __attribute__((unused)) uint32_t in(uint16_t port, unsigned size)
{
	return (uint32_t)(pio(port, size, true, 0) & x86_size_mask(size));
}

static __attribute__((unused)) void out(uint16_t port, unsigned size, uint32_t v)
{
	pio(port, size, false, 0xa5a5a5a500000000ULL | v);
}

/* MOV between EAX/EBX (or XMM0/XMM1 for 8 and 16 bytes) and [EAX]. */
struct mmio_insn {
	uint8_t n, b[4];
};
static __attribute__((unused)) const struct mmio_insn mmio_rd_insn[17] = {
	[1] = { 2, { 0x8a, 0x00 } },                    /* mov (%eax),%al */
	[2] = { 3, { 0x66, 0x8b, 0x00 } },              /* mov (%eax),%ax */
	[4] = { 2, { 0x8b, 0x00 } },                    /* mov (%eax),%eax */
	[8] = { 4, { 0xf3, 0x0f, 0x7e, 0x08 } },        /* movq (%eax),%xmm1 */
	[16] = { 4, { 0xf3, 0x0f, 0x6f, 0x08 } },       /* movdqu (%eax),%xmm1 */
};
static __attribute__((unused)) const struct mmio_insn mmio_wr_insn[17] = {
	[1] = { 2, { 0x88, 0x18 } },                    /* mov %bl,(%eax) */
	[2] = { 3, { 0x66, 0x89, 0x18 } },              /* mov %bx,(%eax) */
	[4] = { 2, { 0x89, 0x18 } },                    /* mov %ebx,(%eax) */
	[8] = { 4, { 0x66, 0x0f, 0xd6, 0x00 } },        /* movq %xmm0,(%eax) */
	[16] = { 4, { 0xf3, 0x0f, 0x7f, 0x00 } },       /* movdqu %xmm0,(%eax) */
};

/*
 * One MMIO exit at gpa; fetch: the instruction is in RAM at CS:RIP and
 * the exit gives no bytes (no decode assist). Returns the status; *rax
 * gets the new RAX.
 */
static __attribute__((unused)) int mmio_exit(uint32_t gpa, unsigned size, bool write, uint32_t v, bool fetch, uint64_t *rax)
{
	const struct mmio_insn *i = write ? &mmio_wr_insn[size] : &mmio_rd_insn[size];
	struct x86_state st;
	struct x86_assist_result res;
	int rc;

	guest_state(&st);
	st.gpr[X86_GPR_RAX] = gpa;
	st.gpr[X86_GPR_RBX] = 0x5a5a5a5a00000000ULL | v;
	if (fetch)
		memcpy(ram + CODE, i->b, i->n);
	rc = vmm_exit_mmio(vc, &st, i->b, fetch ? 0 : i->n, &res);
	if (rc == X86_ASSIST_DONE && st.rip != CODE + i->n)
		exits_bad++;
	if (rax != NULL)
		*rax = st.gpr[X86_GPR_RAX];
	return rc;
}

static __attribute__((unused)) uint32_t mrd(uint32_t gpa, unsigned size)
{
	uint64_t rax = 0;

	if (mmio_exit(gpa, size, false, 0, false, &rax) != X86_ASSIST_DONE)
		exits_bad++;
	return (uint32_t)(rax & x86_size_mask(size));
}

static __attribute__((unused)) void mwr(uint32_t gpa, unsigned size, uint32_t v)
{
	if (mmio_exit(gpa, size, true, v, false, NULL) != X86_ASSIST_DONE)
		exits_bad++;
}

static __attribute__((unused)) uint32_t ioapic_rd(uint32_t reg)
{
	mwr(IOAPIC, 4, reg);
	return mrd(IOAPIC + 0x10, 4);
}

static __attribute__((unused)) void ioapic_wr(uint32_t reg, uint32_t v)
{
	mwr(IOAPIC, 4, reg);
	mwr(IOAPIC + 0x10, 4, v);
}

/* The 8259 pair as Linux programs it: vectors 0x30/0x38, slave on IR2, IMR imr. */
static __attribute__((unused)) void pic_setup(uint16_t imr)
{
	static const uint8_t seq[] = { 0x11, 0x30, 0x04, 0x01, 0x11, 0x38, 0x02, 0x01 };

	for (unsigned i = 0; i < 8; i++)
		out(i < 4 ? (i == 0 ? 0x20 : 0x21) : (i == 4 ? 0xa0 : 0xa1), 1, seq[i]);
	out(0x21, 1, imr & 0xff);
	out(0xa1, 1, imr >> 8);
}

/* IRR of both 8259s (OCW3 read IRR), slave in bits 15:8. */
static __attribute__((unused)) uint16_t pic_irr(void)
{
	out(0x20, 1, 0x0a);
	out(0xa0, 1, 0x0a);
	return (uint16_t)(in(0x20, 1) | in(0xa0, 1) << 8);
}

/* Every IOAPIC pin p: edge, active high, to APIC ID 0, vector base + p. */
static __attribute__((unused)) void ioapic_setup(uint8_t base)
{
	for (unsigned p = 0; p < IOAPIC_PINS; p++) {
		ioapic_wr(0x10 + 2 * p + 1, 0);
		ioapic_wr(0x10 + 2 * p, base + p);
	}
}

/* The vectors the CPU takes, in order, until none is left (at most max). */
static __attribute__((unused)) unsigned take_all(int *v, unsigned max)
{
	unsigned n = 0;

	while (n < max && vmm_intr_pending(vc)) {
		v[n] = vmm_intr_ack(vc);
		if (v[n] >= 0x40) {
			mwr(LAPIC + 0xb0, 4, 0);        /* LAPIC EOI */
		} else {
			if (v[n] >= 0x38)
				out(0xa0, 1, 0x20);     /* non-specific EOI, slave then master */
			out(0x20, 1, 0x20);
		}
		n++;
	}
	return n;
}

/* Move virtual time (and the guest TSC, TSC_HZ) to t ns and run the due timers. */
static __attribute__((unused)) void at(uint64_t t)
{
	F.tsc += vclock_ns_to_ticks(t - F.now, TSC_HZ);
	F.now = t;
	vmm_run_timers(&V);
}

/* An MSR access as the hypervisor's RDMSR/WRMSR exit hands it over. */
static __attribute__((unused)) enum vmm_msr_result msr(uint32_t m, bool write, uint64_t *v)
{
	return vmm_msr(vc, m, write, v);
}

#endif /* VMMTEST_H */
