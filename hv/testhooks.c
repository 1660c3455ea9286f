/*
 * testhooks.c - the test-only command-line switches, linked only into the
 * test image hv-test.elf (testhooks.h; hv.elf links testhooks_off.c).
 *
 *   fault=ud|pf|gp|de|nmi|mc|panic|stack|stack_ist1..3|frame_guard|frame_wild
 *                            fault on purpose inside the hypervisor, to
 *                            test the exception dump and panic path
 *                            (tests/qemu/test_exception.py); nmi and mc
 *                            go through their IST gates (INT n), stack
 *                            overflows the boot stack into its guard page,
 *                            stack_ist1..3 an IST stack, frame_* panic
 *                            with a frame-pointer chain that leaves the
 *                            stacks
 *   hvtest=intercept_rdtsc|bad_vmcb
 *                            break the VM, to test the unhandled-exit and
 *                            VMEXIT_INVALID paths (tests/guests, hvtest)
 *   leakcanary               fill host memory the guest must never see
 *                            with "HVSECRET" (the hvleak guest scans for it)
 */
#include <stdbool.h>
#include <stdint.h>

#include "../boot/boot.h"
#include "cmdline.h"
#include "intr.h"
#include "log.h"
#include "panic.h"
#include "pmm.h"
#include "status.h"
#include "string.h"
#include "testhooks.h"
#include "vm.h"

/* ---------------------------------------------------------------------- */
/* fault= */

/*
 * #PF writes to 512 GiB, which the boot page tables do not map (PML4
 * entry 1 is empty): error code 0x2 (write, not present), CR2 =
 * TESTHOOKS_PF_ADDR. #GP reads a non-canonical address.
 */
#define TESTHOOKS_PF_ADDR 0x8000000000ULL
#define TESTHOOKS_GP_ADDR 0x8000000000000000ULL

/*
 * fault=stack: recurse until the boot stack runs into its guard page.
 * Not a tail call (the frame is read after the call returns), so every
 * level takes TESTHOOKS_FRAME more bytes of stack.
 */
#define TESTHOOKS_FRAME 512

static __attribute__((noinline)) uint64_t testhooks_recurse(volatile uint64_t *depth)
{
	volatile uint8_t frame[TESTHOOKS_FRAME];

	frame[0] = (uint8_t)*depth;
	if (++*depth == 0)      /* never: keeps the recursion finite for gcc */
		return frame[0];
	return testhooks_recurse(depth) + frame[0];
}

static void testhooks_recurse_forever(void)
{
	volatile uint64_t depth = 0;

	(void)testhooks_recurse(&depth);
}

/* The stacks fault=stack* can overflow: the boot stack and the IST stacks. */
static const struct {
	const char *word;
	char *guard, *top;
} testhooks_stacks[] = {
	{ "stack", boot_stack_guard, boot_stack_top },
	{ "stack_ist1", boot_ist1_guard, boot_ist1_top },
	{ "stack_ist2", boot_ist2_guard, boot_ist2_top },
	{ "stack_ist3", boot_ist3_guard, boot_ist3_top },
};

/*
 * fault=stack: recurse on the boot stack; fault=stack_istN: move RSP to
 * the top of IST stack N first (an exception that uses it would start
 * there too). Either way the recursion must end in the guard page below.
 * Returns false if f names no stack; does not return otherwise.
 */
static bool testhooks_stack_overflow(const char *f)
{
	for (unsigned i = 0; i < ARRAY_SIZE(testhooks_stacks); i++) {
		uint64_t top = (uint64_t)(uintptr_t)testhooks_stacks[i].top;

		if (strcmp(f, testhooks_stacks[i].word) != 0)
			continue;
		kprintf("boot: fault=%s: stack [%p-%p), guard page [%p-%p)\n", f,
			(void *)(testhooks_stacks[i].guard + BOOT_GUARD_SIZE), (void *)top,
			(void *)testhooks_stacks[i].guard,
			(void *)(testhooks_stacks[i].guard + BOOT_GUARD_SIZE));
		if (i == 0)
			testhooks_recurse_forever();
		else
			__asm__ volatile("mov %0, %%rsp\n\t"
					 "call *%1"
					 : : "r"(top), "r"(testhooks_recurse_forever)
					 : "memory");
		return true;
	}
	return false;
}

/*
 * fault=frame_guard|frame_wild: panic with a frame-pointer chain that
 * leads into the guard page below the boot stack, or to an unmapped
 * address (the PF address above). The backtrace must stop there instead
 * of faulting inside the panic. testhooks_panic_frame() is entered with
 * the bad RBP, which its prologue saves as its caller's frame.
 */
static __attribute__((noinline, noreturn, used)) void testhooks_panic_frame(void)
{
	panic("fault=frame requested: bad frame-pointer chain");
}

static bool testhooks_bad_frame(const char *f)
{
	uint64_t rbp;

	if (strcmp(f, "frame_guard") == 0)
		rbp = (uint64_t)(uintptr_t)boot_stack_guard + 0x100;
	else if (strcmp(f, "frame_wild") == 0)
		rbp = TESTHOOKS_PF_ADDR;
	else
		return false;
	/* Never returns (panic), so RBP need not be restored. */
	__asm__ volatile("mov %0, %%rbp\n\t"
			 "call testhooks_panic_frame"
			 : : "r"(rbp) : "memory");
	return true;
}

/* Fault as fault= asks. Returns -1 for an unknown kind; never returns otherwise. */
static int testhooks_fault(const char *f)
{
	kprintf("boot: fault=%s requested\n", f);
	if (strcmp(f, "ud") == 0) {
		__asm__ volatile("ud2");
	} else if (strcmp(f, "pf") == 0) {
		*(volatile uint64_t *)(uintptr_t)TESTHOOKS_PF_ADDR = 0x1234;
	} else if (strcmp(f, "gp") == 0) {
		(void)*(volatile uint64_t *)(uintptr_t)TESTHOOKS_GP_ADDR;
	} else if (strcmp(f, "de") == 0) {
		uint64_t zero = 0;

		__asm__ volatile("" : "+r"(zero));   /* hide the constant from gcc */
		__asm__ volatile("div %2" : : "a"(1), "d"(0), "r"(zero));
	} else if (strcmp(f, "nmi") == 0) {
		/* The NMI is the host's: handled on IST 2, counted, no panic. */
		__asm__ volatile("int $2");
		kprintf("boot: fault=nmi: the host's NMI handler took %u NMI(s) on stack 0x%lx\n",
			intr_nmi_take(), (unsigned long)intr_nmi_last_stack());
	} else if (strcmp(f, "mc") == 0) {
		__asm__ volatile("int $18");    /* through the #MC gate: IST 3 */
	} else if (strcmp(f, "panic") == 0) {
		panic("fault=panic requested on the command line");
	} else if (testhooks_stack_overflow(f) || testhooks_bad_frame(f)) {
		/* returned: did not fault */
	} else {
		log_printf(LOG_ERR, "boot: unknown fault=%s (want ud, pf, gp, de, nmi, mc, "
			   "panic, stack, stack_ist1..3, frame_guard or frame_wild)\n", f);
		return -1;
	}
	panic("fault=%s did not fault", f);
}

/* hvtest= is checked here too, so that a bad word stops the run before SVM. */
static const char *const testhooks_hvtests[] = { "intercept_rdtsc", "bad_vmcb" };

int testhooks_boot(void)
{
	const char *f = cmdline_get("fault");
	const char *t = cmdline_get("hvtest");

	if (t != NULL) {
		unsigned i = 0;

		while (i < ARRAY_SIZE(testhooks_hvtests) && strcmp(t, testhooks_hvtests[i]) != 0)
			i++;
		if (i == ARRAY_SIZE(testhooks_hvtests)) {
			log_printf(LOG_ERR, "boot: hvtest=%s unknown (intercept_rdtsc, bad_vmcb)\n",
				   t);
			return -1;
		}
	}
	if (f != NULL)
		return testhooks_fault(f);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* leakcanary */

/*
 * Fill host memory the guest must never see with "HVSECRET" (a static
 * buffer in the image and every page still free), so that a guest
 * scanning its RAM can prove the NPT exposes none of it. The free pages
 * are taken in 2 MiB chunks, filled and given back; the allocator zeroes
 * pages when it hands them out, so nothing later sees the pattern unless
 * it reads memory it does not own.
 */
#define TESTHOOKS_CANARY        "HVSECRET"
#define TESTHOOKS_CANARY_CHUNKS 2048                   /* 4 GiB in 2 MiB chunks */
static uint8_t testhooks_canary_buf[64 * 1024];
static hpa_t testhooks_canary_chunk[TESTHOOKS_CANARY_CHUNKS];

static void testhooks_canary_fill(uint8_t *p, uint64_t len)
{
	for (uint64_t i = 0; i + 8 <= len; i += 8)
		memcpy(p + i, TESTHOOKS_CANARY, 8);
}

static void testhooks_plant_canary(void)
{
	unsigned n = 0;
	uint64_t bytes = sizeof(testhooks_canary_buf);
	hpa_t pa;

	testhooks_canary_fill(testhooks_canary_buf, sizeof(testhooks_canary_buf));
	while (n < TESTHOOKS_CANARY_CHUNKS) {
		pa = pmm_alloc_pages(NPT_LARGE_SIZE / PAGE_SIZE, 1);
		if (pa == 0)
			break;
		testhooks_canary_fill(hpa_to_hva(pa), NPT_LARGE_SIZE);
		testhooks_canary_chunk[n++] = pa;
		bytes += NPT_LARGE_SIZE;
	}
	for (unsigned i = 0; i < n; i++)
		pmm_free_pages(testhooks_canary_chunk[i], NPT_LARGE_SIZE / PAGE_SIZE);
	log_printf(LOG_INFO, "vm: leakcanary: \"%s\" planted in %llu KiB of host memory\n",
		   TESTHOOKS_CANARY, (unsigned long long)(bytes >> 10));
}

/* ---------------------------------------------------------------------- */
/* hvtest= and the VM hook */

/*
 * hvtest=WORD (checked in testhooks_boot()):
 *  - intercept_rdtsc: RDTSC exits too, and nothing handles it: the
 *    "unhandled exit" path (VMCB dump, HV_STATUS_GUEST_ERROR).
 *  - bad_vmcb: EFER.SVME cleared in the guest VMCB, which VMRUN's
 *    consistency checks refuse (APM Vol.2 15.5.1): VMEXIT_INVALID.
 */
int testhooks_vm(struct vm *vm)
{
	const char *t = cmdline_get("hvtest");
	struct vmcb *v = vm->vcpu.vmcb;

	if (t != NULL) {
		if (strcmp(t, "intercept_rdtsc") == 0)
			v->ctrl.intercept_misc1 |= VMCB_CTRL_INTERCEPT_RDTSC;
		else if (strcmp(t, "bad_vmcb") == 0)
			v->state.efer &= ~X86_EFER_SVME;
		else
			return -1;      /* testhooks_boot() refused it already */
		log_printf(LOG_WARN, "vm: hvtest=%s: the VM is broken on purpose\n", t);
	}
	if (cmdline_has("leakcanary"))
		testhooks_plant_canary();
	return 0;
}
