/*
 * mb2_header.S - the Multiboot2 header (Multiboot2 Specification 2.0,
 * section 3.1). GRUB finds it in the first 32 KiB of hv.elf, loads the
 * ELF segments at their physical addresses and jumps to the ELF entry
 * point (_start, boot/entry32.S) in 32-bit protected mode, paging off,
 * with EAX = 0x36d76289 and EBX = physical address of the information.
 *
 * UEFI: the header has no EFI boot services tag (spec 3.1.12) and no EFI
 * i386/amd64 entry address tag (3.1.7, 3.1.8; GRUB only looks at those
 * when the boot services tag is present). So GRUB for x86_64 UEFI calls
 * ExitBootServices(), leaves long mode and jumps to _start in the i386
 * machine state (3.3) exactly as GRUB for BIOS does, and the memory map
 * tag already describes the machine after the firmware let go of it.
 * tests/qemu/test_uefi.py boots the ISO under OVMF to keep this true.
 */
#define MB2_HEADER_MAGIC        0xe85250d6
#define MB2_ARCH_I386           0          /* 32-bit protected mode entry */
#define MB2_TAG_END             0
#define MB2_TAG_INFO_REQUEST    1
#define MB2_TAG_CONSOLE_FLAGS   4
#define MB2_TAG_MODULE_ALIGN    6
#define MB2_TAG_OPTIONAL        1
#define MB2_INFO_CMDLINE        1
#define MB2_INFO_LOADER_NAME    2
#define MB2_INFO_MODULE         3
#define MB2_INFO_MMAP           6

	.section .multiboot2, "a"
	.balign 8
mb2_header_start:
	.long	MB2_HEADER_MAGIC
	.long	MB2_ARCH_I386
	.long	mb2_header_end - mb2_header_start
	.long	-(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header_start))

	/* Information request (3.1.4): we cannot run without a memory map. */
	.balign 8
mb2_info_req_start:
	.short	MB2_TAG_INFO_REQUEST
	.short	0
	.long	mb2_info_req_end - mb2_info_req_start
	.long	MB2_INFO_CMDLINE
	.long	MB2_INFO_MMAP
mb2_info_req_end:

	/* Module alignment (3.1.10): modules page-aligned, so that guest
	 * images can be mapped or copied by page. */
	.balign 8
	.short	MB2_TAG_MODULE_ALIGN
	.short	0
	.long	8

	/* End tag. */
	.balign 8
	.short	MB2_TAG_END
	.short	0
	.long	8
mb2_header_end:
