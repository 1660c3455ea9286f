/*
 * intr_shadow.c - the interrupt shadow (pm32 and long guests, see
 * intr_main.c and intr_snip.S).
 *
 * STI: an interrupt made pending with IF=0 (a fixed self-IPI, left in
 * the LAPIC's IRR) must be taken after the one instruction that follows
 * STI, and not at all with STI;CLI. MOV SS: the single-step trap after
 * MOV SS is suppressed and comes after the next instruction instead.
 *
 * What these can catch in a hypervisor: svmhv injects events through
 * EVENTINJ and V_IRQ, and completes some instructions itself (CPUID, OUT,
 * an MMIO load through the Mem Assist). When such an instruction sits in
 * the shadow, its exit happens with the shadow active; the hypervisor
 * must neither inject before the instruction is done (the IP would be
 * the instruction's own), nor drop the single-step trap after it, nor
 * keep the shadow alive past it (SDM Vol.3 6.8.3, APM Vol.2 15.21.5).
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_intr.h"
#include "gl_lapic.h"
#include "gl_printf.h"
#include "gl_tsc.h"
#include "tap.h"
#include "intr.h"

#define SH_MMIO   0xff000100u           /* somewhere in the pc-testdev buffer */
#define SH_MAX_DB 4

typedef void sh_fn(uintptr_t arg);

extern sh_fn sh_sti_nop, sh_sti_cpuid, sh_sti_out, sh_sti_mmio, sh_sti_cli;
extern char sh_sti_nop_end[], sh_sti_cpuid_end[], sh_sti_out_end[], sh_sti_mmio_end[];
extern sh_fn sh_movss_nop, sh_movss_cpuid, sh_movss_out, sh_movss_mmio;
extern char sh_movss_nop_mid[], sh_movss_cpuid_mid[], sh_movss_out_mid[],
    sh_movss_mmio_mid[];
extern char sh_movss_nop_end[], sh_movss_cpuid_end[], sh_movss_out_end[],
    sh_movss_mmio_end[];

struct sh_case {
	const char *x;
	sh_fn *fn;
	const char *mid;                /* MOV SS cases: the trap after the NOP */
	const char *end;
};

static const struct sh_case sh_sti_cases[] = {
	{ "NOP", sh_sti_nop, NULL, sh_sti_nop_end },
	{ "CPUID (intercepted)", sh_sti_cpuid, NULL, sh_sti_cpuid_end },
	{ "OUT 0x80 (intercepted)", sh_sti_out, NULL, sh_sti_out_end },
	{ "an MMIO load (emulated)", sh_sti_mmio, NULL, sh_sti_mmio_end },
};

static const struct sh_case sh_movss_cases[] = {
	{ "NOP", sh_movss_nop, sh_movss_nop_mid, sh_movss_nop_end },
	{ "CPUID (intercepted)", sh_movss_cpuid, sh_movss_cpuid_mid, sh_movss_cpuid_end },
	{ "OUT 0x80 (intercepted)", sh_movss_out, sh_movss_out_mid, sh_movss_out_end },
	{ "an MMIO load (emulated)", sh_movss_mmio, sh_movss_mmio_mid, sh_movss_mmio_end },
};

static volatile unsigned sh_count;
static volatile uintptr_t sh_ip;

static void sh_isr(struct gl_trapframe *tf)
{
	if (sh_count++ == 0)
		sh_ip = tf->ip;
	gl_lapic_eoi();
}

/* With IF=0: a fixed self-IPI, then wait until it sits in the IRR. */
static bool sh_pend(void)
{
	uint64_t t0 = gl_rdtsc(), lim = gl_tsc_from_us(10000);

	gl_cli();
	gl_lapic_ipi(IV_IPI | GL_LAPIC_LEVEL_ASSERT, gl_lapic_id());
	while (!gl_lapic_bit(GL_LAPIC_IRR, IV_IPI))
		if (gl_rdtsc() - t0 > lim)
			return false;
	return true;
}

static void sh_sti_checks(void)
{
	bool pend, taken;

	for (unsigned i = 0; i < ARRAY_SIZE(sh_sti_cases); i++) {
		const struct sh_case *c = &sh_sti_cases[i];

		sh_count = 0;
		sh_ip = 0;
		pend = sh_pend();
		c->fn(SH_MMIO);
		tap_ok(pend && sh_count == 1 && sh_ip == (uintptr_t)c->end,
		    GL_MODE_NAME ": STI; %s; CLI: the pending interrupt is taken "
		    "right after %s", c->x, c->x);
		if (sh_ip != (uintptr_t)c->end)
			tap_diag("pending %d, %u interrupts, IP 0x%llx, wanted 0x%llx",
			    pend, sh_count, (unsigned long long)sh_ip,
			    (unsigned long long)(uintptr_t)c->end);
	}

	/* STI;CLI: the window closes before it opens. */
	sh_count = 0;
	pend = sh_pend();
	sh_sti_cli(0);
	taken = sh_count != 0;
	gl_sti();
	intr_wait(&sh_count, 1, 10000);
	gl_cli();
	tap_ok(pend && !taken && sh_count == 1, GL_MODE_NAME ": STI;CLI: a pending "
	    "interrupt is not taken (and is still there afterwards)");
}

static volatile unsigned sh_db_n;
static volatile uintptr_t sh_db_ip[SH_MAX_DB];
static volatile bool sh_db_bs;
static const char *sh_db_stop;

/* #DB: record the trap IP and DR6.BS; clear TF at the end of the case. */
static void sh_db_isr(struct gl_trapframe *tf)
{
	unsigned long dr6 = gl_read_dr6();

	gl_write_dr6(X86_DR6_INIT);
	if (sh_db_n < SH_MAX_DB)
		sh_db_ip[sh_db_n] = tf->ip;
	if (!(dr6 & X86_DR6_BS))
		sh_db_bs = false;
	sh_db_n++;
	if (tf->ip == (uintptr_t)sh_db_stop || sh_db_n >= SH_MAX_DB)
		tf->flags &= ~X86_RFLAGS_TF;
}

static void sh_movss_checks(void)
{
	gl_intr_set(X86_VEC_DB, sh_db_isr);
	for (unsigned i = 0; i < ARRAY_SIZE(sh_movss_cases); i++) {
		const struct sh_case *c = &sh_movss_cases[i];

		sh_db_n = 0;
		sh_db_bs = true;
		sh_db_stop = c->end;
		gl_write_dr6(X86_DR6_INIT);
		c->fn(SH_MMIO);
		tap_ok(sh_db_n == 2 && sh_db_ip[0] == (uintptr_t)c->mid &&
		    sh_db_ip[1] == (uintptr_t)c->end && sh_db_bs, GL_MODE_NAME
		    ": MOV SS; %s with TF: no trap after MOV SS, one after %s "
		    "(DR6.BS)", c->x, c->x);
		if (sh_db_n != 2 || sh_db_ip[1] != (uintptr_t)c->end)
			tap_diag("%u traps at 0x%llx 0x%llx 0x%llx; wanted 0x%llx 0x%llx",
			    sh_db_n, (unsigned long long)sh_db_ip[0],
			    (unsigned long long)sh_db_ip[1], (unsigned long long)sh_db_ip[2],
			    (unsigned long long)(uintptr_t)c->mid,
			    (unsigned long long)(uintptr_t)c->end);
	}
	gl_intr_set(X86_VEC_DB, NULL);
}

void intr_shadow_tests(void)
{
	gl_cli();
	gl_lapic_enable(false);
	gl_intr_set(IV_IPI, sh_isr);
	sh_sti_checks();
	sh_movss_checks();
}
