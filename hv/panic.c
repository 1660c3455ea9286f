/*
 * panic.c - fatal hypervisor errors and the end of a run.
 *
 * The exit goes through QEMU's isa-debug-exit device (-device
 * isa-debug-exit,iobase=0xf4): a byte written to port 0xf4 makes QEMU
 * exit with (byte << 1) | 1. On real hardware the write goes nowhere and
 * we halt with interrupts off, leaving the message on the serial line.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "../boot/boot.h"
#include "io.h"
#include "log.h"
#include "panic.h"
#include "status.h"

#define PANIC_DEBUG_EXIT_PORT 0xf4
#define PANIC_BACKTRACE_MAX   16

static int panic_depth;

_Noreturn void hv_exit(int status)
{
	outb(PANIC_DEBUG_EXIT_PORT, (uint8_t)status);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/*
 * True if the 16-byte frame at rbp lies on a host stack: inside the
 * stacks section (boot/boot.h) and on no guard page, which is unmapped.
 */
static bool panic_frame_on_stack(uint64_t rbp)
{
	uint64_t lo = (uint64_t)(uintptr_t)__stacks_start;
	uint64_t hi = (uint64_t)(uintptr_t)__stacks_end;

	if (rbp < lo || rbp + 16 > hi || (rbp & 7) != 0)
		return false;
	for (unsigned i = 0; i < BOOT_NGUARDS; i++) {
		uint64_t g = boot_guards[i];

		if (rbp + 16 > g && rbp < g + BOOT_GUARD_SIZE)
			return false;
	}
	return true;
}

/*
 * Walk the frame-pointer chain (hv_c_args has -fno-omit-frame-pointer)
 * from rbp, printing return addresses. The walk stops at the first frame
 * that is not on a host stack: a corrupt chain cannot fault here.
 */
static void panic_backtrace(uint64_t rbp)
{
	kprintf("  backtrace:");
	for (int i = 0; i < PANIC_BACKTRACE_MAX; i++) {
		const uint64_t *frame = (const uint64_t *)(uintptr_t)rbp;

		if (!panic_frame_on_stack(rbp))
			break;
		kprintf(" %lx", (unsigned long)frame[1]);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
	kprintf("\n");
}

_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;
	uint64_t rbp, rsp, cr2, cr3;

	__asm__ volatile("cli");
	if (++panic_depth > 1) {
		/* A panic while panicking: do not risk a third. */
		kprintf("\nPANIC (nested)\n");
		hv_exit(HV_STATUS_PANIC);
	}
	__asm__ volatile("mov %%rbp, %0; mov %%rsp, %1" : "=r"(rbp), "=r"(rsp));
	__asm__ volatile("mov %%cr2, %0; mov %%cr3, %1" : "=r"(cr2), "=r"(cr3));

	kprintf("\nPANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n  caller=%p rsp=%p cr2=%p cr3=%p\n",
		__builtin_return_address(0), (void *)(uintptr_t)rsp,
		(void *)(uintptr_t)cr2, (void *)(uintptr_t)cr3);
	panic_backtrace(rbp);
	kprintf("hv: exit status %d (panic)\n", HV_STATUS_PANIC);
	hv_exit(HV_STATUS_PANIC);
}
