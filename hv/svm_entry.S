/*
 * svm_entry.S - the world switch, and nothing else.
 *
 * void svm_world_switch(uint64_t *gpr, hpa_t vmcb_pa, hpa_t host_save_pa)
 *                       %rdi           %rsi           %rdx
 *
 * VMRUN saves and restores only part of the host state (APM Vol.2 15.5.1:
 * RIP, RSP, RAX, RFLAGS, CS/SS/DS/ES, CRs, EFER, GDTR, IDTR). FS, GS, TR,
 * LDTR, KernelGSBase and the SYSCALL/SYSENTER MSRs would be left holding
 * the guest's values, so the host's copy is VMLOADed back from a separate
 * page after each #VMEXIT (15.5.2); the host's TR matters, its TSS holds
 * the IST stacks for #DF and NMI. That page is VMSAVEd once, by
 * svm_vcpu_init(): the host sets this state up at boot (GDT, TSS, no
 * SYSCALL) and never changes it. The guest's copy of the same state is
 * VMLOADed from and VMSAVEd to its own VMCB around VMRUN.
 *
 * The VMCB holds the guest's RAX and RSP; the other fourteen GPRs are
 * loaded from and stored to gpr[] (x86_gpr order, 8 bytes each).
 * GIF is cleared around the switch so that no interrupt hits the host
 * half-way (15.17); it is set again once the host state is back.
 *
 * RFLAGS.IF is set for the VMRUN only (the hypervisor otherwise runs
 * with IF = 0, hv/intr.h): with V_INTR_MASKING the host's IF at VMRUN is
 * what masks physical interrupts while the guest runs (APM Vol.2
 * 15.21.1), and the INTR intercept then turns one into a #VMEXIT. GIF = 0
 * keeps it from being taken before VMRUN or after #VMEXIT; IF is cleared
 * again before STGI, so the host takes it only when it chooses to
 * (intr_poll()). An NMI is not masked by IF: it is taken at the STGI.
 */
#define GPR_RCX  (1 * 8)
#define GPR_RDX  (2 * 8)
#define GPR_RBX  (3 * 8)
#define GPR_RBP  (5 * 8)
#define GPR_RSI  (6 * 8)
#define GPR_RDI  (7 * 8)
#define GPR_R8   (8 * 8)
#define GPR_R9   (9 * 8)
#define GPR_R10  (10 * 8)
#define GPR_R11  (11 * 8)
#define GPR_R12  (12 * 8)
#define GPR_R13  (13 * 8)
#define GPR_R14  (14 * 8)
#define GPR_R15  (15 * 8)

	.text
	.code64
	.globl svm_world_switch
	.type svm_world_switch, @function
svm_world_switch:
	/* SysV callee-saved registers: the guest will clobber them. */
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rdx			/* 16(%rsp): host save area */
	push	%rsi			/*  8(%rsp): guest VMCB */
	push	%rdi			/*  0(%rsp): gpr[] */

	clgi
	mov	%rsi, %rax		/* RAX = guest VMCB for VMLOAD/VMRUN/VMSAVE */
	mov	GPR_RCX(%rdi), %rcx
	mov	GPR_RDX(%rdi), %rdx
	mov	GPR_RBX(%rdi), %rbx
	mov	GPR_RBP(%rdi), %rbp
	mov	GPR_RSI(%rdi), %rsi
	mov	GPR_R8(%rdi), %r8
	mov	GPR_R9(%rdi), %r9
	mov	GPR_R10(%rdi), %r10
	mov	GPR_R11(%rdi), %r11
	mov	GPR_R12(%rdi), %r12
	mov	GPR_R13(%rdi), %r13
	mov	GPR_R14(%rdi), %r14
	mov	GPR_R15(%rdi), %r15
	mov	GPR_RDI(%rdi), %rdi

	/*
	 * STI goes before VMLOAD, not right before VMRUN: QEMU 7.2 TCG would
	 * carry the STI shadow into the guest (its VMRUN never clears the
	 * inhibit flag), and the guest's first instruction would run before a
	 * virtual interrupt that is due at once (hv/event.h). GIF = 0 holds
	 * interrupts back until VMRUN anyway.
	 */
	sti
	vmload	%rax
	vmrun	%rax
	cli
	vmsave	%rax

	/* Host RSP and RAX are back (from the host save area); GPRs are the guest's. */
	push	%rdi			/* guest RDI; gpr[] is now at 8(%rsp) */
	mov	8(%rsp), %rdi
	mov	%rcx, GPR_RCX(%rdi)
	mov	%rdx, GPR_RDX(%rdi)
	mov	%rbx, GPR_RBX(%rdi)
	mov	%rbp, GPR_RBP(%rdi)
	mov	%rsi, GPR_RSI(%rdi)
	mov	%r8, GPR_R8(%rdi)
	mov	%r9, GPR_R9(%rdi)
	mov	%r10, GPR_R10(%rdi)
	mov	%r11, GPR_R11(%rdi)
	mov	%r12, GPR_R12(%rdi)
	mov	%r13, GPR_R13(%rdi)
	mov	%r14, GPR_R14(%rdi)
	mov	%r15, GPR_R15(%rdi)
	pop	%rax
	mov	%rax, GPR_RDI(%rdi)

	add	$16, %rsp		/* gpr[], guest VMCB */
	pop	%rax			/* host save area */
	vmload	%rax
	stgi

	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
	.size svm_world_switch, . - svm_world_switch

	.section .note.GNU-stack, "", @progbits
