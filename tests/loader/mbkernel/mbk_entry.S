/*
 * mbk_entry.S - multiboot v1 header and entry of the test kernel.
 *
 * Header (Multiboot 0.6.96, 3.1): flags bit 0 (modules page-aligned)
 * and bit 1 (memory information wanted); ELF, so no address fields.
 * At entry (3.2) the boot registers are saved before anything touches
 * them: EAX, EBX, EFLAGS, CR0; then our own stack (ESP is undefined),
 * then mbk_main.
 */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00000003

	.section .multiboot, "a"
	.balign 4
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl	_start
_start:
	movl	%eax, mbk_boot_eax
	movl	%ebx, mbk_boot_ebx
	movl	%cr0, %eax
	movl	%eax, mbk_boot_cr0
	movl	$mbk_stack_top, %esp
	pushfl
	popl	mbk_boot_eflags
	call	mbk_main
1:	cli
	hlt
	jmp	1b

	.bss
	.balign 16
	.skip	16384
mbk_stack_top:
