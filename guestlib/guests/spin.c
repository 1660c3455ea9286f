/*
 * spin.c - guest spin: interrupts off, then a loop that never exits to
 * the hypervisor. Only svmhv's watchdog= can end it (status 38, with the
 * exit statistics); on plain QEMU it spins until killed.
 */
#include "gl.h"
#include "gl_printf.h"

void guest_main(void)
{
	gl_printf("spin: spinning with IF=0 until the watchdog ends the run\n");
	for (;;)
		__asm__ volatile("cli" : : : "memory");
}
