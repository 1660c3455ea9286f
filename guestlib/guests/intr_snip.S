/*
 * intr_snip.S - instruction sequences of the interrupt-shadow tests
 * (intr_shadow.c) that need labels C can see: the address right after
 * the instruction under test, where an interrupt or a single-step trap
 * must be reported.
 *
 * sh_sti_*: STI, then one instruction X, then CLI, entered with IF=0 and
 * an interrupt pending: it must be taken exactly between X and the CLI,
 * with the pushed IP = sh_sti_*_end (SDM Vol.3 6.8.3, APM Vol.2 8.5: STI
 * delays interrupts by one instruction). sh_sti_cli: STI;CLI, after which
 * it must not have been taken at all.
 *
 * sh_movss_*: with RFLAGS.TF set by POPF, NOP (trap after it, at
 * sh_movss_*_mid), MOV SS (its trap is suppressed: SDM Vol.3 6.8.3), X
 * (trap after it, at sh_movss_*_end), NOP. The #DB handler clears TF at
 * sh_movss_*_end.
 *
 * X is a NOP (the CPU alone), CPUID and OUT 0x80 (instructions svmhv
 * intercepts and completes itself), or a load from MMIO (an NPF that the
 * Mem Assist completes); the *_mmio variants take the address as their
 * one argument.
 */
#if defined(GL_MODE_LONG)
	.code64
# define AX_PTR  %rdi                   /* first argument */
# define LOAD_ARG
# define PUSH_BX pushq %rbx
# define POP_BX  popq %rbx
# define TF_ON   pushfq ; orl $0x100, (%rsp) ; popfq
#elif defined(GL_MODE_PM32) || defined(GL_MODE_PAE)
	.code32
# define AX_PTR  %ecx
# define LOAD_ARG movl 8(%esp), %ecx    /* after PUSH_BX */
# define PUSH_BX pushl %ebx
# define POP_BX  popl %ebx
# define TF_ON   pushfl ; orl $0x100, (%esp) ; popfl
#else
# error "intr_snip.S is for pm32, pae and long guests"
#endif

#define STI_CASE(name, setup, x)                                             \
	.globl sh_sti_##name, sh_sti_##name##_end ;                          \
sh_sti_##name: ;                                                             \
	PUSH_BX ; setup ; sti ; x ;                                          \
sh_sti_##name##_end: ;                                                       \
	cli ; POP_BX ; ret

#define MOVSS_CASE(name, setup, x)                                           \
	.globl sh_movss_##name, sh_movss_##name##_mid, sh_movss_##name##_end ; \
sh_movss_##name: ;                                                           \
	PUSH_BX ; setup ; mov %ss, %dx ; TF_ON ; nop ;                       \
sh_movss_##name##_mid: ;                                                     \
	mov %dx, %ss ; x ;                                                   \
sh_movss_##name##_end: ;                                                     \
	nop ; POP_BX ; ret

#define CPUID_SETUP xorl %eax, %eax ; xorl %ecx, %ecx
#define X_OUT       outb %al, $0x80
#define X_MMIO      movl (AX_PTR), %eax

	.text
STI_CASE(nop, , nop)
STI_CASE(cpuid, CPUID_SETUP, cpuid)
STI_CASE(out, , X_OUT)
STI_CASE(mmio, LOAD_ARG, X_MMIO)
MOVSS_CASE(nop, , nop)
MOVSS_CASE(cpuid, CPUID_SETUP, cpuid)
MOVSS_CASE(out, , X_OUT)
MOVSS_CASE(mmio, LOAD_ARG, X_MMIO)

	.globl sh_sti_cli
sh_sti_cli:
	sti
	cli
	ret
