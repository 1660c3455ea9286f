/*
 * gl_entry.S - entry stub of the test guests, one per mode.
 *
 * guest_abi.h: the image is at GPA 0x10000 and starts in real mode at
 * CS:IP = 1000:0000 with interrupts off. Each variant:
 *
 *   GL_MODE_REAL  stays in real mode: CS = DS = ES = SS = 0x1000 (the image
 *                 is linked at 0, addresses are offsets in that segment).
 *   GL_MODE_PM32  loads a flat GDT, sets CR0.PE, no paging
 *                 (APM Vol.2 ch.14, "Enabling Protected Mode").
 *   GL_MODE_PAE   as PM32, then 32-bit PAE paging: 1 GiB identity-mapped
 *                 with 2 MiB pages; the PDPT is deliberately 32-byte but not
 *                 page aligned (APM Vol.2 ch.5, "PAE Paging": in PAE mode
 *                 CR3 holds bits 31:5 of the PDPT address).
 *   GL_MODE_LONG  as PM32, then 4-level tables identity-mapping the first
 *                 1 GiB with 2 MiB pages, CR4.PAE, EFER.LME, CR0.PG and a
 *                 far jump to a 64-bit code segment (APM Vol.2 ch.14,
 *                 "Enabling and Activating Long Mode"). With GL_LA57 too:
 *                 5-level paging, a PML5 above the same tables and
 *                 CR4.LA57, set before paging is on (SDM Vol.3 4.1.1:
 *                 LA57 cannot change in IA-32e mode; APM Vol.2 5.3.1).
 *
 * Every variant sets up the stack (in BSS), clears BSS and calls gl_start().
 * None executes CPUID or port I/O (the exitcount test relies on that for
 * the other guests' statistics too); the long-mode one writes EFER once.
 */

#define GL_SEL_CODE32 0x08
#define GL_SEL_DATA   0x10
#define GL_SEL_CODE64 0x18

#define GL_PTE_P      0x001
#define GL_PTE_RW     0x002
#define GL_PTE_PS     0x080
#define GL_LARGE_PAGE 0x200000

#define X86_CR0_PE    0x00000001
#define X86_CR0_PG    0x80000000
#define X86_CR4_PAE   0x00000020
#define X86_CR4_LA57  0x00001000
#define X86_MSR_EFER  0xc0000080
#define X86_EFER_LME  0x00000100

#define GL_STACK_SIZE 0x2000

	.section .bss.stack, "aw", @nobits
	.balign 16
	.globl gl_stack, gl_stack_top
gl_stack:
	.skip GL_STACK_SIZE
gl_stack_top:

	.section .text.entry, "ax"
	.code16
	.globl _start
_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs

#if defined(GL_MODE_REAL)
	movl $gl_stack_top, %esp
	movw $__bss_start, %di
	movw $__bss_end, %cx
	subw %di, %cx
	xorb %al, %al
	rep stosb
	calll gl_start
1:	hlt
	jmp 1b

#else
	/* DS = 0x1000 = _start: the operand is an offset from _start. */
	lgdtl gl_gdt_desc - _start
	movl %cr0, %eax
	orl $X86_CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $GL_SEL_CODE32, $gl_entry32

	.code32
gl_entry32:
	movl $GL_SEL_DATA, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl $gl_stack_top, %esp
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

# if defined(GL_MODE_PM32)
	call gl_start

# elif defined(GL_MODE_PAE)
	/* PD: 512 x 2 MiB pages from 0; PDPT entry 0 -> PD (legacy PAE
	 * PDPTEs have P but no RW/US: those bits are reserved there). */
	movl $gl_pae_pd, %edi
	movl $(GL_PTE_P | GL_PTE_RW | GL_PTE_PS), %eax
	movl $512, %ecx
1:	movl %eax, (%edi)
	movl $0, 4(%edi)
	addl $GL_LARGE_PAGE, %eax
	addl $8, %edi
	loop 1b
	movl $(gl_pae_pd + GL_PTE_P), gl_pae_pdpt
	movl %cr4, %eax
	orl $X86_CR4_PAE, %eax
	movl %eax, %cr4
	movl $gl_pae_pdpt, %eax
	movl %eax, %cr3
	movl %cr0, %eax
	orl $X86_CR0_PG, %eax
	movl %eax, %cr0
	call gl_start

# elif defined(GL_MODE_LONG)
	/* PML4[0] -> PDPT, PDPT[0] -> PD, PD: 512 x 2 MiB pages from 0. */
	movl $gl_lm_pd, %edi
	movl $(GL_PTE_P | GL_PTE_RW | GL_PTE_PS), %eax
	movl $512, %ecx
1:	movl %eax, (%edi)
	movl $0, 4(%edi)
	addl $GL_LARGE_PAGE, %eax
	addl $8, %edi
	loop 1b
	movl $(gl_lm_pd + GL_PTE_P + GL_PTE_RW), gl_lm_pdpt
	movl $(gl_lm_pdpt + GL_PTE_P + GL_PTE_RW), gl_lm_pml4
#  if defined(GL_LA57)
	movl $(gl_lm_pml4 + GL_PTE_P + GL_PTE_RW), gl_lm_pml5
	movl %cr4, %eax
	orl $(X86_CR4_PAE | X86_CR4_LA57), %eax
	movl %eax, %cr4
	movl $gl_lm_pml5, %eax
#  else
	movl %cr4, %eax
	orl $X86_CR4_PAE, %eax
	movl %eax, %cr4
	movl $gl_lm_pml4, %eax
#  endif
	movl %eax, %cr3
	movl $X86_MSR_EFER, %ecx
	rdmsr
	orl $X86_EFER_LME, %eax
	wrmsr
	movl %cr0, %eax
	orl $X86_CR0_PG, %eax
	movl %eax, %cr0
	ljmpl $GL_SEL_CODE64, $gl_entry64

	.code64
gl_entry64:
	movl $GL_SEL_DATA, %eax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movq $gl_stack_top, %rsp
	call gl_start
# else
#  error "no GL_MODE_*"
# endif
2:	hlt
	jmp 2b

	/* Flat GDT: 0x08 code32, 0x10 data, 0x18 code64 (L=1). It sits in
	 * .text.entry so that "gl_gdt_desc - _start" is an assembly-time
	 * constant for the real-mode LGDT above. */
	.balign 8
gl_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff
	.quad 0x00cf92000000ffff
	.quad 0x00af9a000000ffff
gl_gdt_end:
gl_gdt_desc:
	.word gl_gdt_end - gl_gdt - 1
	.long gl_gdt

# if defined(GL_MODE_PAE)
	.section .bss.pt, "aw", @nobits
	.balign 4096
gl_pae_pd:
	.skip 4096
	.skip 0x60                          /* CR3 not page aligned on purpose */
	.globl gl_pae_pdpt
gl_pae_pdpt:
	.skip 32
# elif defined(GL_MODE_LONG)
	.section .bss.pt, "aw", @nobits
	.balign 4096
	.globl gl_lm_pml4, gl_lm_pdpt, gl_lm_pd
#  if defined(GL_LA57)
	.globl gl_lm_pml5
gl_lm_pml5:
	.skip 4096
#  endif
gl_lm_pml4:
	.skip 4096
gl_lm_pdpt:
	.skip 4096
gl_lm_pd:
	.skip 4096
# endif
#endif
