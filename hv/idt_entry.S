/*
 * idt_entry.S - exception entry stubs for vectors 0-31.
 *
 * Each stub makes the stack look the same (struct idt_frame, idt.h):
 * vectors without a CPU-pushed error code push a 0 first (AMD APM Vol.2
 * 8.2 lists which ones push one: #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP,
 * #VC, #SX), then the vector; the common part pushes the GPRs and calls
 * idt_exception(frame). In 64-bit mode the CPU aligns RSP to 16 before
 * pushing its 5-quadword frame; 22 quadwords in all keep that alignment
 * for the call.
 */
	.text
	.code64

.macro IDT_STUB vec, has_error
	.globl idt_stub_\vec
idt_stub_\vec:
	.if \has_error == 0
	pushq	$0
	.endif
	pushq	$\vec
	jmp	idt_common
.endm

	IDT_STUB 0, 0
	IDT_STUB 1, 0
	IDT_STUB 2, 0
	IDT_STUB 3, 0
	IDT_STUB 4, 0
	IDT_STUB 5, 0
	IDT_STUB 6, 0
	IDT_STUB 7, 0
	IDT_STUB 8, 1
	IDT_STUB 9, 0
	IDT_STUB 10, 1
	IDT_STUB 11, 1
	IDT_STUB 12, 1
	IDT_STUB 13, 1
	IDT_STUB 14, 1
	IDT_STUB 15, 0
	IDT_STUB 16, 0
	IDT_STUB 17, 1
	IDT_STUB 18, 0
	IDT_STUB 19, 0
	IDT_STUB 20, 0
	IDT_STUB 21, 1
	IDT_STUB 22, 0
	IDT_STUB 23, 0
	IDT_STUB 24, 0
	IDT_STUB 25, 0
	IDT_STUB 26, 0
	IDT_STUB 27, 0
	IDT_STUB 28, 0
	IDT_STUB 29, 1
	IDT_STUB 30, 1
	IDT_STUB 31, 0

idt_common:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rbx
	pushq	%rbp
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	call	idt_exception
	/* idt_exception does not return today; if it ever does, resume. */
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rbp
	popq	%rbx
	popq	%rdx
	popq	%rcx
	popq	%rax
	addq	$16, %rsp               /* vector, error code */
	iretq

	/* Stub addresses for idt_init(), in vector order. */
	.section .rodata
	.balign 8
	.globl idt_stubs
idt_stubs:
	.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	idt_stub_\vec
	.endr
