/*
 * boot.h - what boot/entry32.S and boot/entry64.S leave behind for C:
 * the GDT selectors, the image bounds from linker.ld, the boot stack.
 */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

/*
 * GDT layout (entry32.S boot_gdt): null, code64, data, and a 64-bit TSS
 * descriptor (two slots) that idt_init() fills and loads into TR. The TSS
 * only provides IST stacks for #DF, NMI and #MC. VMRUN does not restore
 * TR: the SVM core keeps the host's copy with VMSAVE/VMLOAD.
 */
#define BOOT_SEL_CODE64 0x08
#define BOOT_SEL_DATA   0x10
#define BOOT_SEL_TSS    0x18
#define BOOT_GDT_ENTRIES 5

/*
 * Host stacks (entry32.S, section .bss.stack): the boot stack and three
 * IST stacks (idt.c: #DF, NMI, #MC), each right above an unmapped guard
 * page, so that an overflow faults instead of overwriting what is below.
 * Sizes are whole pages.
 */
#define BOOT_STACK_SIZE 0x10000   /* 64 KiB */
#define BOOT_IST_SIZE   0x2000    /* 8 KiB each */
#define BOOT_GUARD_SIZE 0x1000
#define BOOT_NGUARDS    4         /* boot stack + 3 IST stacks */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* linker.ld */
extern char __image_start[], __image_end[], __bss_start[], __bss_end[];
/* linker.ld: the host stacks and their guard pages */
extern char __stacks_start[], __stacks_end[];
/* entry32.S */
extern uint64_t boot_gdt[BOOT_GDT_ENTRIES];
extern char boot_stack_guard[], boot_stack_bottom[], boot_stack_top[];
extern char boot_ist1_guard[], boot_ist2_guard[], boot_ist3_guard[];
extern char boot_ist1_top[], boot_ist2_top[], boot_ist3_top[];
extern const uint32_t boot_guards[BOOT_NGUARDS];   /* guard page addresses */

/* C entry point, called by entry64.S with the multiboot2 magic and info address. */
void hv_main(uint32_t mb2_magic, uint64_t mb2_info);
#endif

#endif /* BOOT_BOOT_H */
