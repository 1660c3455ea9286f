/*
 * entry32.S - from GRUB's 32-bit protected mode to long mode.
 *
 * On entry (Multiboot2 spec 3.3, "I386 machine state"): EAX = magic,
 * EBX = info address, flat 4 GiB CS/DS, paging off, interrupts off, no
 * usable stack. GRUB for UEFI enters the same way, after it has called
 * ExitBootServices() (see boot/mb2_header.S).
 *
 * Steps (AMD APM Vol.2 14.6 "Enabling and Activating Long Mode"):
 *   1. clear .bss (the page tables and the stack live there);
 *   2. check CPUID Fn8000_0001 EDX.LM; if absent say so on COM1 and on
 *      the VGA text screen, then stop;
 *   3. build identity page tables for 0..4 GiB with 2 MiB pages (one
 *      PML4 entry -> one PDPT -> four page directories), so that every
 *      physical address below 4 GiB is also its own virtual address;
 *      the 2 MiB page holding the host stacks is mapped with 4 KiB
 *      pages instead, and the guard page below each stack is left out;
 *   4. CR4.PAE, CR3, EFER.LME (+NXE when supported), CR0.PG|WP;
 *   5. load a GDT with a 64-bit code segment and far-jump to entry64.
 */
#include "boot.h"

#define CR0_PE      (1 << 0)
#define CR0_WP      (1 << 16)
#define CR0_PG      (1 << 31)
#define CR4_PAE     (1 << 5)
#define CR4_PGE     (1 << 7)
#define MSR_EFER    0xc0000080
#define EFER_LME    (1 << 8)
#define EFER_NXE    (1 << 11)
#define CPUID_EXT_LM (1 << 29)   /* Fn8000_0001 EDX */
#define CPUID_EXT_NX (1 << 20)

#define PTE_P       0x001
#define PTE_RW      0x002
#define PTE_PS      0x080        /* 2 MiB page in a PDE */
#define LARGE_PAGE  0x200000

#define COM1        0x3f8

	.section .text.boot32, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl	%eax, %ebp              /* multiboot2 magic */
	movl	%ebx, %esi              /* multiboot2 info (physical) */

	/* 1. clear .bss: linker.ld pads it to whole pages */
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl
	movl	$boot_stack_top, %esp

	/* 2. long mode available? CPUID itself is assumed (any CPU with
	 * long mode has it, and GRUB needs at least a 486 with it). */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	testl	$CPUID_EXT_LM, %edx
	jz	no_long_mode
	movl	%edx, %edi              /* keep the feature bits for NX */

	/* 3. page tables: PD entries map 2 MiB each, 2048 of them = 4 GiB */
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$(PTE_P | PTE_RW | PTE_PS), %eax
	movl	%eax, boot_pd(, %ecx, 8)
	movl	$0, boot_pd + 4(, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jne	1b
	/* four PDPT entries, one per page directory */
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$12, %eax
	addl	$(boot_pd + PTE_P + PTE_RW), %eax
	movl	%eax, boot_pdpt(, %ecx, 8)
	incl	%ecx
	cmpl	$4, %ecx
	jne	2b
	movl	$(boot_pdpt + PTE_P + PTE_RW), boot_pml4

	/* 3b. the 2 MiB page of the stacks (linker.ld keeps them in one):
	 * a page table of 4 KiB pages replaces its PDE, and the guard page
	 * below each stack gets no PTE, so that a stack overflow faults
	 * (#PF, then #DF on its own IST stack) instead of running into
	 * whatever lies below. The guards are never touched after the
	 * .bss clear above, which ran with paging off. */
	movl	$__stacks_start, %ebx
	andl	$~(LARGE_PAGE - 1), %ebx        /* base of that 2 MiB page */
	xorl	%ecx, %ecx
8:	movl	%ecx, %eax
	shll	$12, %eax
	addl	%ebx, %eax
	orl	$(PTE_P | PTE_RW), %eax
	movl	%eax, boot_pt(, %ecx, 8)        /* high halves: zero (.bss) */
	incl	%ecx
	cmpl	$512, %ecx
	jne	8b
	xorl	%ecx, %ecx
9:	movl	boot_guards(, %ecx, 4), %eax
	subl	%ebx, %eax
	shrl	$12, %eax
	movl	$0, boot_pt(, %eax, 8)
	incl	%ecx
	cmpl	$BOOT_NGUARDS, %ecx
	jne	9b
	movl	%ebx, %eax
	shrl	$21, %eax
	movl	$(boot_pt + PTE_P + PTE_RW), boot_pd(, %eax, 8)

	/* 4. enable PAE paging in long mode */
	movl	%cr4, %eax
	orl	$(CR4_PAE | CR4_PGE), %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	testl	$CPUID_EXT_NX, %edi
	jz	3f
	orl	$EFER_NXE, %eax
3:	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_WP | CR0_PE), %eax
	movl	%eax, %cr0

	/* 5. 64-bit code segment */
	lgdt	boot_gdt_ptr
	ljmp	$BOOT_SEL_CODE64, $entry64

/*
 * No long mode: tell the user on COM1 (115200 8N1) and on the VGA text
 * screen, try QEMU's isa-debug-exit with HV_STATUS_PANIC (32), halt.
 */
no_long_mode:
	movw	$(COM1 + 1), %dx        /* IER: no interrupts */
	xorb	%al, %al
	outb	%al, %dx
	movw	$(COM1 + 3), %dx        /* LCR: DLAB */
	movb	$0x80, %al
	outb	%al, %dx
	movw	$(COM1 + 0), %dx        /* divisor 1 = 115200 */
	movb	$1, %al
	outb	%al, %dx
	movw	$(COM1 + 1), %dx
	xorb	%al, %al
	outb	%al, %dx
	movw	$(COM1 + 3), %dx        /* 8N1 */
	movb	$0x03, %al
	outb	%al, %dx

	movl	$no_lm_msg, %esi
	movl	$0xb8000, %edi
4:	lodsb
	testb	%al, %al
	jz	6f
	movb	%al, %bl
	movw	$(COM1 + 5), %dx        /* LSR: wait for THR empty */
5:	inb	%dx, %al
	testb	$0x20, %al
	jz	5b
	movw	$COM1, %dx
	movb	%bl, %al
	outb	%al, %dx
	cmpb	$'\r', %bl
	je	4b
	cmpb	$'\n', %bl
	je	4b
	movb	%bl, (%edi)             /* white on red */
	movb	$0x4f, 1(%edi)
	addl	$2, %edi
	jmp	4b
6:	movw	$0xf4, %dx
	movb	$32, %al
	outb	%al, %dx
7:	cli
	hlt
	jmp	7b

	.section .rodata
no_lm_msg:
	.asciz	"\r\nsvmhv: this CPU does not support long mode (x86-64); cannot boot.\r\n"

	.section .data
	.balign 8
	.globl boot_gdt
boot_gdt:
	.quad	0                       /* null */
	.quad	0x00af9a000000ffff      /* 0x08: code, 64-bit (L=1), DPL 0 */
	.quad	0x00cf92000000ffff      /* 0x10: data, writable */
	.quad	0                       /* 0x18: TSS, filled by idt_init() */
	.quad	0
boot_gdt_end:
	.balign 8
	.globl boot_gdt_ptr
boot_gdt_ptr:
	.short	boot_gdt_end - boot_gdt - 1
	.quad	boot_gdt                /* 32-bit lgdt reads the low 4 bytes */

	/* The guard pages of step 3b, lowest first (boot.h BOOT_NGUARDS). */
	.section .rodata
	.balign 4
	.globl boot_guards
boot_guards:
	.long	boot_stack_guard, boot_ist1_guard, boot_ist2_guard, boot_ist3_guard
boot_guards_end:
	.if (boot_guards_end - boot_guards) != 4 * BOOT_NGUARDS
	.error "boot_guards must list BOOT_NGUARDS pages"
	.endif

	.section .bss
	.balign 4096
	.globl boot_pml4, boot_pdpt, boot_pd, boot_pt
boot_pml4:
	.skip	4096
boot_pdpt:
	.skip	4096
boot_pd:
	.skip	4 * 4096
boot_pt:                                /* the 2 MiB page of the stacks */
	.skip	4096

/*
 * The host stacks, each right above its guard page (step 3b): the boot
 * stack, then the IST stacks of idt.c (#DF, NMI, #MC). linker.ld puts
 * this section first in .bss and checks that it fits in one 2 MiB page.
 */
	.section .bss.stack, "aw", @nobits
	.balign 4096
	.globl boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:
	.skip	BOOT_GUARD_SIZE
boot_stack_bottom:
	.skip	BOOT_STACK_SIZE
boot_stack_top:
	.irp	n, 1, 2, 3
	.globl	boot_ist\n\()_guard, boot_ist\n\()_top
boot_ist\n\()_guard:
	.skip	BOOT_GUARD_SIZE
	.skip	BOOT_IST_SIZE
boot_ist\n\()_top:
	.endr
