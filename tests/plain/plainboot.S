/*
 * plainboot.S - boot sector that starts a guestlib guest on plain QEMU
 * (no hypervisor), under the contract of include/guest_abi.h.
 *
 * SeaBIOS loads this sector at 0000:7C00 and jumps to it with the boot
 * drive in DL. The disk image (tests/plain/plainqemu.py) is:
 *
 *   LBA 0        this sector; the word at PB_NSECT_OFF = image sectors
 *   LBA 1        the boot-info page's first sector (struct guest_bootinfo)
 *   LBA 2 ...    the guest's flat binary, padded to 512 bytes
 *
 * It reads LBA 1 to GPA 0x7000 (GUEST_BOOTINFO_GPA) and the image to GPA
 * 0x10000 (GUEST_LOAD_GPA) with the BIOS's extended read (INT 13h
 * AH=42h, "EDD" disk address packets: Phoenix Enhanced Disk Drive
 * Specification 3.0), 32 KiB per call, prints one marker line on COM1
 * (the runner believes QEMU's exit code 1 only after it) and enters the
 * guest like the hypervisor does: CS:IP = 1000:0000, DS = ES = SS = 0,
 * SP = 0xfff0, interrupts off, DF clear.
 */
#define PB_LOAD_SEG    0x1000
#define PB_INFO_OFF    0x7000
#define PB_CHUNK       64              /* sectors per read: 32 KiB */
#define PB_COM1        0x3f8
#define PB_NSECT_OFF   0x1f0           /* patched by the runner */

	.code16
	.text
	.globl _start
_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw $0x7c00, %sp
	ljmp $0, $1f                    /* CS:IP = 0000:7Cxx whatever SeaBIOS used */
1:	sti
	movb %dl, pb_drive

	/* Boot-info sector to 0000:7000. */
	movw $1, pb_dap_count
	movw $PB_INFO_OFF, pb_dap_off
	movw $0, pb_dap_seg
	movl $1, pb_dap_lba
	call pb_read

	/* The image: LBA 2.., to 1000:0000, PB_CHUNK sectors at a time. */
	movw $PB_LOAD_SEG, pb_dap_seg
	movw $0, pb_dap_off
	movl $2, pb_dap_lba
	movw pb_nsect, %cx
2:	jcxz 3f
	movw %cx, %bx
	cmpw $PB_CHUNK, %bx
	jbe 4f
	movw $PB_CHUNK, %bx
4:	movw %bx, pb_dap_count
	pushw %cx
	pushw %bx
	call pb_read
	popw %bx
	popw %cx
	subw %bx, %cx
	movzwl %bx, %eax
	addl %eax, pb_dap_lba
	shlw $5, %bx                    /* sectors -> paragraphs (512 / 16) */
	addw %bx, pb_dap_seg
	jmp 2b

3:	movw $pb_msg_go, %si
	call pb_puts
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw $0xfff0, %sp
	pushw $0x0002                   /* RFLAGS = 0x2, as guest_abi.h says */
	popfw
	ljmp $PB_LOAD_SEG, $0

/* INT 13h AH=42h with pb_dap; on failure print a line and stop. */
pb_read:
	movw $pb_dap, %si
	movb pb_drive, %dl
	movb $0x42, %ah
	int $0x13
	jc 1f
	ret
1:	movw $pb_msg_err, %si
	call pb_puts
	cli
5:	hlt
	jmp 5b

/* Write the NUL-terminated string at DS:SI to COM1 (no LSR polling: QEMU's
 * 16550 takes every byte). */
pb_puts:
	movw $PB_COM1, %dx
1:	lodsb
	testb %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	ret

pb_msg_go:
	.asciz "plainboot: starting the guest at 1000:0000\n"
pb_msg_err:
	.asciz "plainboot: disk read failed\n"

	.balign 4
pb_dap:                                 /* EDD disk address packet */
	.byte 0x10, 0
pb_dap_count:
	.word 0
pb_dap_off:
	.word 0
pb_dap_seg:
	.word 0
pb_dap_lba:
	.quad 0
pb_drive:
	.byte 0

	.org PB_NSECT_OFF
pb_nsect:
	.word 0
	.org 510
	.byte 0x55, 0xaa
