/*
 * gl_trap_stubs.S - exception entry stubs and gl_try() for the test guests.
 *
 * One stub per vector 0..31 makes every frame look alike: it pushes a zero
 * error code when the CPU pushes none (APM Vol.2 8.2 and "Error Codes":
 * #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX push one in protected
 * and long mode; real mode pushes none, "Real-Mode Interrupt Control
 * Transfers"), then the vector, then jumps to a common part
 * that saves the GPRs and calls gl_trap(frame) in C (gl_trap.c).
 *
 * gl_try(fn, arg, fault) saves the callee-saved registers and its stack
 * pointer, calls fn(arg) and returns 0; gl_try_unwind (jumped to from
 * gl_trap when gl_try_sp is set) reloads that stack pointer and makes the
 * same gl_try call return 1. The frame the exception left on the stack is
 * simply abandoned, which is fine: nothing in these guests depends on
 * NMI blocking or on IF being restored by IRET.
 *
 * Built per mode: GL_MODE_REAL assembles the 32-bit code as .code16gcc
 * (like gcc -m16), GL_MODE_PM32/PAE as .code32, GL_MODE_LONG as .code64.
 */

#define GL_ERRCODE_VECTORS 8, 10, 11, 12, 13, 14, 17, 21, 29, 30

	.section .bss
	.balign 8
	.globl gl_try_sp, gl_try_fault
gl_try_sp:
	.skip 8
gl_try_fault:
	.skip 8

#if defined(GL_MODE_LONG)
/* ------------------------------------------------------------------------ */
	.code64
	.text

	.macro GL_STUB vec
gl_trap_stub_\vec:
	.if \vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30
	.else
	pushq $0
	.endif
	pushq $\vec
	jmp gl_trap_common
	.endm

	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	GL_STUB \v
	.endr

gl_trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	andq $-16, %rsp
	call gl_trap
1:	hlt
	jmp 1b

	/* int gl_try(void (*fn)(void *) %rdi, void *arg %rsi, struct gl_fault *f %rdx) */
	.globl gl_try, gl_try_unwind
gl_try:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp                 /* keep the ABI's 16-byte alignment at the call */
	movq %rdx, gl_try_fault(%rip)
	movq %rsp, gl_try_sp(%rip)
	movq %rdi, %rax
	movq %rsi, %rdi
	call *%rax
	xorl %eax, %eax
	jmp 2f
gl_try_unwind:
	movq gl_try_sp(%rip), %rsp
	movl $1, %eax
2:	movq $0, gl_try_sp(%rip)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

	.section .rodata
	.balign 8
	.globl gl_trap_stubs
gl_trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad gl_trap_stub_\v
	.endr

#else
/* ------------------------------------------------------------------------ */
#if defined(GL_MODE_REAL)
	.code16gcc
#else
	.code32
#endif
	.text

	.macro GL_STUB vec
gl_trap_stub_\vec:
#if defined(GL_MODE_REAL)
	pushl $0
#else
	.if \vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30
	.else
	pushl $0
	.endif
#endif
	pushl $\vec
	jmp gl_trap_common
	.endm

	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	GL_STUB \v
	.endr

gl_trap_common:
	pushal
	movl %esp, %eax
	pushl %eax
	call gl_trap
1:	hlt
	jmp 1b

	/* int gl_try(fn 4(%esp), arg 8(%esp), fault 12(%esp)), cdecl */
	.globl gl_try, gl_try_unwind
gl_try:
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl 28(%esp), %eax
	movl %eax, gl_try_fault
	movl %esp, gl_try_sp
	movl 20(%esp), %eax
	movl 24(%esp), %edx
	pushl %edx
	call *%eax
	addl $4, %esp
	xorl %eax, %eax
	jmp 2f
gl_try_unwind:
	movl gl_try_sp, %esp
	movl $1, %eax
2:	movl $0, gl_try_sp
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

	.section .rodata
	.balign 4
	.globl gl_trap_stubs
gl_trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.long gl_trap_stub_\v
	.endr
#endif
