/*
 * intr_entry.S - entry stubs for the host's external interrupts (the
 * 8259's sixteen vectors, the LAPIC timer, the LAPIC spurious vector) and
 * for NMI. They save the registers a C function may clobber, call
 * intr_dispatch(vector) or intr_nmi(), and return with IRETQ.
 *
 * On entry the CPU has pushed 5 quadwords on a 16-byte aligned stack
 * (APM Vol.2 8.9.3); the vector and 9 registers make 15, so one more
 * quadword of padding aligns the stack for the call.
 */
	.text
	.code64

.macro INTR_SAVE
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	subq	$8, %rsp
	cld
.endm

.macro INTR_RESTORE
	addq	$8, %rsp
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
.endm

.macro INTR_STUB name, vec
	.globl \name
\name:
	pushq	$\vec
	jmp	intr_common
.endm

intr_common:
	INTR_SAVE
	movq	80(%rsp), %rdi		/* the vector, above the 9 registers and the pad */
	call	intr_dispatch
	INTR_RESTORE
	addq	$8, %rsp		/* vector */
	iretq

	INTR_STUB intr_stub_pic0, 0x20
	INTR_STUB intr_stub_pic1, 0x21
	INTR_STUB intr_stub_pic2, 0x22
	INTR_STUB intr_stub_pic3, 0x23
	INTR_STUB intr_stub_pic4, 0x24
	INTR_STUB intr_stub_pic5, 0x25
	INTR_STUB intr_stub_pic6, 0x26
	INTR_STUB intr_stub_pic7, 0x27
	INTR_STUB intr_stub_pic8, 0x28
	INTR_STUB intr_stub_pic9, 0x29
	INTR_STUB intr_stub_pic10, 0x2a
	INTR_STUB intr_stub_pic11, 0x2b
	INTR_STUB intr_stub_pic12, 0x2c
	INTR_STUB intr_stub_pic13, 0x2d
	INTR_STUB intr_stub_pic14, 0x2e
	INTR_STUB intr_stub_pic15, 0x2f
	INTR_STUB intr_stub_timer, 0xf0

	/* Spurious LAPIC interrupt: no EOI (SDM Vol.3 11.9). */
	.globl intr_stub_spurious
intr_stub_spurious:
	iretq

	/* NMI, on its own IST stack; NMIs stay blocked until the IRETQ. */
	.globl intr_stub_nmi
intr_stub_nmi:
	pushq	$2			/* the same frame shape as intr_common */
	INTR_SAVE
	call	intr_nmi
	INTR_RESTORE
	addq	$8, %rsp
	iretq

	.section .rodata
	.balign 8
	.globl intr_pic_stubs
intr_pic_stubs:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.quad	intr_stub_pic\n
	.endr

	.section .note.GNU-stack, "", @progbits
