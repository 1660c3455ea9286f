/*
 * mmio_snip.S - the instruction snippets of the MMIO differential guests
 * (one per line of mmio_forms.h) and md_call(), which runs one of them
 * with all registers taken from, and given back in, a struct md_regs
 * (mmio_diff.c; the offsets below must match it).
 *
 *   void md_call(struct md_regs *r, const void *snippet)
 *
 * loads rAX..rBP (and r8-r15 in long mode) and RFLAGS from r, calls the
 * snippet, and stores the registers and RFLAGS back into r. In real mode
 * it first loads DS, ES and GS with the selectors in r (in a few
 * instructions of protected mode, so their bases can be anywhere in 4
 * GiB: the test buffer at 0xff000000 too) and FS as a real-mode
 * segment, and afterwards md_real_reset() gives the C code its segments
 * back (DS = ES = SS; GS = flat 4 GiB for md_lin_* in mmio_diff.c).
 */
#include "mmio_diff.h"

#if defined(GL_MODE_LONG)
	.code64
# define W 8
#elif defined(GL_MODE_REAL)
	.code16gcc
# define W 4
#else
	.code32
# define W 4
#endif

/* struct md_regs */
#define R_AX  (0 * W)
#define R_BX  (1 * W)
#define R_CX  (2 * W)
#define R_DX  (3 * W)
#define R_SI  (4 * W)
#define R_DI  (5 * W)
#define R_BP  (6 * W)
#define R_FL  (7 * W)
#define R_R8  (8 * W)
#define R_SEL (8 * W)                   /* real mode: ds, es, fs, gs */

	.text

#if defined(GL_MODE_LONG)
	.globl md_call
md_call:                                /* rdi = r, rsi = snippet */
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi
	pushq %rsi
	pushq R_FL(%rdi)
	popfq
	movq R_R8 + 0 * 8(%rdi), %r8
	movq R_R8 + 1 * 8(%rdi), %r9
	movq R_R8 + 2 * 8(%rdi), %r10
	movq R_R8 + 3 * 8(%rdi), %r11
	movq R_R8 + 4 * 8(%rdi), %r12
	movq R_R8 + 5 * 8(%rdi), %r13
	movq R_R8 + 6 * 8(%rdi), %r14
	movq R_R8 + 7 * 8(%rdi), %r15
	movq R_AX(%rdi), %rax
	movq R_BX(%rdi), %rbx
	movq R_CX(%rdi), %rcx
	movq R_DX(%rdi), %rdx
	movq R_SI(%rdi), %rsi
	movq R_BP(%rdi), %rbp
	movq R_DI(%rdi), %rdi
	call *(%rsp)
	pushfq
	pushq %rdi                      /* stack: rdi, rflags, snippet, r */
	movq 24(%rsp), %rdi
	popq R_DI(%rdi)
	popq R_FL(%rdi)
	movq %rax, R_AX(%rdi)
	movq %rbx, R_BX(%rdi)
	movq %rcx, R_CX(%rdi)
	movq %rdx, R_DX(%rdi)
	movq %rsi, R_SI(%rdi)
	movq %rbp, R_BP(%rdi)
	movq %r8, R_R8 + 0 * 8(%rdi)
	movq %r9, R_R8 + 1 * 8(%rdi)
	movq %r10, R_R8 + 2 * 8(%rdi)
	movq %r11, R_R8 + 3 * 8(%rdi)
	movq %r12, R_R8 + 4 * 8(%rdi)
	movq %r13, R_R8 + 5 * 8(%rdi)
	movq %r14, R_R8 + 6 * 8(%rdi)
	movq %r15, R_R8 + 7 * 8(%rdi)
	addq $16, %rsp
	cld
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

#else /* 32-bit code: pm32, pae, and real mode as .code16gcc */

# if defined(GL_MODE_REAL)
#  define SS_ %ss:
# else
#  define SS_
# endif

	.globl md_call
md_call:                                /* cdecl: r 4(%esp), snippet 8(%esp) */
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl 20(%esp), %eax
	pushl %eax                      /* r */
	pushl 28(%esp)                  /* snippet */
# if defined(GL_MODE_REAL)
	movw R_SEL + 0(%eax), %bx
	movw R_SEL + 2(%eax), %cx
	movw R_SEL + 4(%eax), %si
	movw R_SEL + 6(%eax), %dx
	movl %cr0, %edi
	orl $1, %edi
	movl %edi, %cr0                 /* PE: selector loads read the GDT */
	movw %bx, %ds
	movw %cx, %es
	movw %dx, %gs
	andl $~1, %edi
	movl %edi, %cr0                 /* back to real mode, bases kept */
	movw %si, %fs
# endif
	pushl SS_ R_FL(%eax)
	popfl
	movl SS_ R_BX(%eax), %ebx
	movl SS_ R_CX(%eax), %ecx
	movl SS_ R_DX(%eax), %edx
	movl SS_ R_SI(%eax), %esi
	movl SS_ R_DI(%eax), %edi
	movl SS_ R_BP(%eax), %ebp
	movl SS_ R_AX(%eax), %eax
	call *(%esp)
	pushfl
	pushl %eax                      /* stack: eax, eflags, snippet, r */
	movl 12(%esp), %eax
	popl SS_ R_AX(%eax)
	popl SS_ R_FL(%eax)
	movl %ebx, SS_ R_BX(%eax)
	movl %ecx, SS_ R_CX(%eax)
	movl %edx, SS_ R_DX(%eax)
	movl %esi, SS_ R_SI(%eax)
	movl %edi, SS_ R_DI(%eax)
	movl %ebp, SS_ R_BP(%eax)
	addl $8, %esp
	cld
# if defined(GL_MODE_REAL)
	call md_real_reset
# endif
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret

# if defined(GL_MODE_REAL)
/*
 * void md_real_reset(void): DS = ES = SS and FS = 0 as real-mode
 * segments, GS = MD_SEL_FLAT (base 0, limit 4 GiB) through a short
 * protected-mode window. Needs the GDT of mmio_diff.c loaded.
 */
	.globl md_real_reset
md_real_reset:
	pushl %eax
	movw %ss, %ax
	movw %ax, %ds
	movw %ax, %es
	xorw %ax, %ax
	movw %ax, %fs
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	pushl %eax
	movw $MD_SEL_FLAT, %ax
	movw %ax, %gs
	popl %eax
	andl $~1, %eax
	movl %eax, %cr0
	popl %eax
	ret
# endif
#endif

/* ---- the snippets ---------------------------------------------------- */
#define FORM(id, name, fl, ...) \
	.globl md_snip_##id ; md_snip_##id: __VA_ARGS__ ; ret ;
#define FORMP(id, name, fl, before, after) \
	.globl md_snip_##id, md_patch_##id ; \
	md_snip_##id: before md_patch_##id: MOFFS ; after ; ret ;
#define FORMP32(id, name, fl, before, after) \
	.globl md_snip_##id, md_patch_##id ; \
	md_snip_##id: before md_patch_##id: .long 0 ; after ; ret ;

	.globl md_snippets_start
md_snippets_start:
#include "mmio_forms.h"
	.globl md_snippets_end
md_snippets_end:
