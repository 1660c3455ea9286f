/*
 * entry64.S - first 64-bit instructions: data segments, stack, call C.
 * Reached from entry32.S by a far jump with EBP = multiboot2 magic and
 * ESI = multiboot2 info address.
 */
#include "boot.h"

	.text
	.code64
	.globl entry64
entry64:
	movw	$BOOT_SEL_DATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	movq	$boot_stack_top, %rsp
	/* 64-bit lgdt: the GDT base was loaded as a 32-bit value; reload
	 * the full 10-byte pseudo-descriptor now that we are in long mode. */
	lgdt	boot_gdt_ptr(%rip)
	movl	%ebp, %edi              /* arg 1: magic */
	movl	%esi, %esi              /* arg 2: info, zero-extended */
	xorl	%ebp, %ebp              /* end of the frame-pointer chain */
	call	hv_main
1:	cli
	hlt
	jmp	1b
