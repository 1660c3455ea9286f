/*
 * gl_trap_stubs.S - exception and interrupt entry stubs and gl_try() for
 * the test guests.
 *
 * One stub per vector 0..255 makes every frame look alike: it pushes a
 * zero error code when the CPU pushes none (APM Vol.2 8.2 and "Error
 * Codes": #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX push one in
 * protected and long mode; external interrupts and INTn never do; real
 * mode never does, "Real-Mode Interrupt Control Transfers"), then the
 * vector, then jumps to a common part that saves the GPRs (struct
 * gl_trapframe in gl_trap.h) and calls gl_trap(frame) in C (gl_trap.c).
 * If gl_trap returns (a handler registered with gl_intr_set() ran), the
 * common part restores the GPRs and returns with IRET; the handler runs
 * with DF clear (the C ABI wants it) and IRET restores the interrupted
 * RFLAGS.
 *
 * gl_try(fn, arg, fault) saves the callee-saved registers and its stack
 * pointer, calls fn(arg) and returns 0; gl_try_unwind (jumped to from
 * gl_trap when gl_try_sp is set) reloads that stack pointer and makes the
 * same gl_try call return 1. The frame the exception left on the stack is
 * simply abandoned: an exception caught by gl_try never IRETs (so a
 * caught NMI would leave NMIs blocked; nothing catches one that way).
 *
 * Built per mode: GL_MODE_REAL assembles the 32-bit code as .code16gcc
 * (like gcc -m16), GL_MODE_PM32/PAE as .code32, GL_MODE_LONG as .code64.
 */

	.altmacro

	.section .bss
	.balign 8
	.globl gl_try_sp, gl_try_fault
gl_try_sp:
	.skip 8
gl_try_fault:
	.skip 8

/* Vectors whose exceptions push an error code (protected and long mode). */
#define GL_HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
	(v) == 21 || (v) == 29 || (v) == 30)

#if defined(GL_MODE_LONG)
/* ------------------------------------------------------------------------ */
	.code64
	.text

	.macro GL_STUB vec
gl_trap_stub_\vec:
	.if !GL_HAS_ERR(\vec)
	pushq $0
	.endif
	pushq $\vec
	jmp gl_trap_common
	.endm

	.set gl_v, 0
	.rept 256
	GL_STUB %gl_v
	.set gl_v, gl_v + 1
	.endr

gl_trap_common:
	cld
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
	movq %rsp, %rbx                 /* callee-saved: the unaligned frame */
	andq $-16, %rsp
	call gl_trap
	movq %rbx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp                  /* vector, error code */
	iretq

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

	.macro GL_STUB_PTR vec
	.quad gl_trap_stub_\vec
	.endm

	.section .rodata
	.balign 8
	.globl gl_trap_stubs
gl_trap_stubs:
	.set gl_v, 0
	.rept 256
	GL_STUB_PTR %gl_v
	.set gl_v, gl_v + 1
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
	.if !GL_HAS_ERR(\vec)
	pushl $0
	.endif
#endif
	pushl $\vec
	jmp gl_trap_common
	.endm

	.set gl_v, 0
	.rept 256
	GL_STUB %gl_v
	.set gl_v, gl_v + 1
	.endr

gl_trap_common:
	cld
	pushal
#if defined(GL_MODE_REAL)
	/* The C code addresses its data through DS/ES = CS = 0x1000; an
	 * interrupt may come while a test has them elsewhere. */
	pushw %ds
	pushw %es
	movw %cs, %ax
	movw %ax, %ds
	movw %ax, %es
#endif
	movl %esp, %eax
	pushl %eax
	call gl_trap
	addl $4, %esp
#if defined(GL_MODE_REAL)
	popw %es
	popw %ds
	popal
	addl $8, %esp                   /* vector, error code */
	iretw
#else
	popal
	addl $8, %esp                   /* vector, error code */
	iret
#endif

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

	.macro GL_STUB_PTR vec
	.long gl_trap_stub_\vec
	.endm

	.section .rodata
	.balign 4
	.globl gl_trap_stubs
gl_trap_stubs:
	.set gl_v, 0
	.rept 256
	GL_STUB_PTR %gl_v
	.set gl_v, gl_v + 1
	.endr
#endif
