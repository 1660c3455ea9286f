/*
 * intr_nmi.c - NMIs (pm32 and long guests, see intr_main.c).
 *
 *   self-NMI   an NMI IPI to this LAPIC's own ID (ICR delivery mode NMI,
 *              no shorthand: SDM Vol.3 10.6.1 does not allow NMI with the
 *              "self" shorthand) arrives once, with IF=0 too
 *   blocking   a second NMI sent from inside the NMI handler is held
 *              until the handler's IRET (SDM Vol.3 6.7.1, APM Vol.2
 *              8.2.3: NMIs are blocked from delivery to IRET), then
 *              taken: never nested, never lost. The handler runs CPUID
 *              and OUT 0x80 while it waits, so under svmhv it exits with
 *              the NMI pending (svmhv must wait for the IRET intercept)
 *   external   guest_args extnmi=1: waits for an NMI from outside (the
 *              monitor's "nmi" on plain QEMU)
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_intr.h"
#include "gl_lapic.h"
#include "gl_printf.h"
#include "gl_tsc.h"
#include "tap.h"
#include "intr.h"

#define NMI_EXT_WAIT_US 30000000u

static volatile unsigned nmi_count, nmi_depth, nmi_max_depth, nmi_seen_inside;
static volatile bool nmi_resend;

static void nmi_send(void)
{
	gl_lapic_ipi((uint32_t)SHIFTIN(GL_LAPIC_DM_NMI, GL_LAPIC_DM) |
	    GL_LAPIC_LEVEL_ASSERT, gl_lapic_id());
}

static void nmi_isr(struct gl_trapframe *tf)
{
	(void)tf;
	if (++nmi_depth > nmi_max_depth)
		nmi_max_depth = nmi_depth;
	nmi_count++;
	if (nmi_resend) {
		nmi_resend = false;
		nmi_send();
		for (int i = 0; i < 20; i++) {
			gl_cpuid(0, 0);
			gl_outb(0x80, 0);
			gl_tsc_delay_us(100);
		}
		nmi_seen_inside = nmi_count;
	}
	nmi_depth--;
}

void intr_nmi_tests(bool external)
{
	gl_cli();
	gl_lapic_enable(false);
	gl_intr_set(GL_VEC_NMI, nmi_isr);

	nmi_count = 0;
	nmi_send();
	intr_wait(&nmi_count, 1, 100000);
	gl_tsc_delay_us(5000);
	tap_eq(nmi_count, 1, GL_MODE_NAME ": NMI IPI to the own APIC ID arrives "
	    "once, with IF=0");

	nmi_count = 0;
	nmi_max_depth = 0;
	nmi_seen_inside = 0;
	nmi_resend = true;
	nmi_send();
	intr_wait(&nmi_count, 2, 200000);
	gl_tsc_delay_us(5000);
	tap_ok(nmi_count == 2 && nmi_seen_inside == 1 && nmi_max_depth == 1,
	    GL_MODE_NAME ": an NMI sent inside the NMI handler arrives after its "
	    "IRET, not nested and not lost");
	if (nmi_count != 2 || nmi_seen_inside != 1 || nmi_max_depth != 1)
		tap_diag("NMIs %u, seen inside the handler %u, deepest nesting %u",
		    nmi_count, nmi_seen_inside, nmi_max_depth);

	if (external) {
		unsigned before = nmi_count;

		gl_printf("intr: waiting for an external NMI\n");
		intr_wait(&nmi_count, before + 1, NMI_EXT_WAIT_US);
		tap_eq(nmi_count - before, 1, GL_MODE_NAME ": an external NMI "
		    "(monitor \"nmi\") reaches the NMI handler");
	}
	gl_intr_set(GL_VEC_NMI, NULL);
}
