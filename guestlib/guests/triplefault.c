/*
 * triplefault.c - guest "triplefault": announces itself, loads an IDT with
 * limit 0 and executes UD2. The #UD cannot be delivered (vector beyond the
 * IDT limit gives #GP, which cannot be delivered either, so #DF, which
 * cannot be delivered: shutdown, APM Vol.2 8.2.9). The hypervisor must
 * report a guest shutdown; this guest never prints anything after the line
 * below, and if UD2 somehow returns it ends the run with status 1.
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_printf.h"

struct tf_dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

void guest_main(void)
{
	static const struct tf_dtr empty = { 0, 0 };

	gl_printf("triplefault: loading an empty IDT and executing ud2\n");
	__asm__ volatile("lidt %0\n\tud2" : : "m"(empty) : "memory");
	gl_printf("triplefault: still running after ud2: FAIL\n");
	gl_exit(1);
}
