/*
 * exitcount.S - guest "exitcount": a fixed, known number of intercepted
 * instructions, so that the hypervisor's exit statistics can be compared
 * exactly. It stays in real mode and does not use the runtime (no printing,
 * no MSR, no mode switch). Expected exits for the whole run:
 *
 *      CPUID   exactly 10
 *      IOIO    exactly 7  (out %al, $0x80)
 *      HLT     exactly 1  (the first HLT ends the run: nothing can wake it)
 *
 * and no other exit caused by an instruction (NPF, MSR, VMMCALL, ...).
 * The counters use SI and DI because CPUID overwrites EAX..EDX.
 */
#define EXITCOUNT_CPUID 10
#define EXITCOUNT_OUT   7

	.section .text.entry, "ax"
	.code16
	.globl _start
_start:
	cli
	movw $EXITCOUNT_CPUID, %si
1:	xorl %eax, %eax
	xorl %ecx, %ecx
	cpuid
	decw %si
	jnz 1b

	movw $EXITCOUNT_OUT, %di
	xorb %al, %al
2:	outb %al, $0x80
	decw %di
	jnz 2b

3:	hlt
	jmp 3b
