/*
 * idt.c - exception handling for the hypervisor itself.
 *
 * Gate format: AMD APM Vol.2 4.8.4 (64-bit interrupt gate, 16 bytes);
 * TSS format: APM Vol.2 12.2.5 (64-bit TSS, 104 bytes); IST: 8.9.4.
 * Any exception here is a hypervisor bug (guest exceptions exit from
 * VMRUN instead), so every handler dumps the state and panics.
 */
#include <stddef.h>
#include <stdint.h>

#include "../boot/boot.h"
#include "bits.h"
#include "idt.h"
#include "log.h"
#include "panic.h"
#include "status.h"
#include "string.h"

#define IDT_VECTORS     256
#define IDT_EXCEPTIONS  32

/* 64-bit interrupt gate (APM Vol.2 Figure 4-24). */
struct idt_gate {
	uint16_t offset_lo;                  /* 0x00 */
	uint16_t selector;                   /* 0x02 */
	uint8_t ist;                         /* 0x04: bits 2:0 */
	uint8_t type_attr;                   /* 0x05 */
#define IDT_GATE_TYPE_INTR  0x0e             /* 64-bit interrupt gate: IF cleared */
#define IDT_GATE_P          BIT(7)
	uint16_t offset_mid;                 /* 0x06 */
	uint32_t offset_hi;                  /* 0x08 */
	uint32_t rsvd;                       /* 0x0c */
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "APM Vol.2 4.8.4");

/* 64-bit TSS (APM Vol.2 Figure 12-8). */
struct idt_tss {
	uint32_t rsvd0;                      /* 0x00 */
	uint64_t rsp[3];                     /* 0x04 */
	uint64_t rsvd1;                      /* 0x1c */
	uint64_t ist[7];                     /* 0x24: IST1..IST7 */
	uint64_t rsvd2;                      /* 0x5c */
	uint16_t rsvd3;                      /* 0x64 */
	uint16_t iomap_base;                 /* 0x66 */
} __attribute__((packed));
_Static_assert(sizeof(struct idt_tss) == 0x68, "APM Vol.2 12.2.5");
_Static_assert(offsetof(struct idt_tss, ist) == 0x24, "APM Vol.2 12.2.5");

/* Descriptor-table pointer for LIDT (APM Vol.2 4.6.6). */
struct idt_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* System-segment descriptor bits (APM Vol.2 4.8.3). */
#define IDT_TSS_TYPE_AVAIL  0x9ULL           /* available 64-bit TSS */
#define IDT_DESC_P          BIT(47)
#define IDT_DESC_TYPE       BITS(43, 40)
#define IDT_DESC_LIMIT_LO   BITS(15, 0)
#define IDT_DESC_BASE_LO    BITS(39, 16)
#define IDT_DESC_BASE_MID   BITS(63, 56)

#define IDT_IST_DF   1
#define IDT_IST_MC   3

#define IDT_VEC_DF   8
#define IDT_VEC_PF   14
#define IDT_VEC_MC   18

extern const uint64_t idt_stubs[IDT_EXCEPTIONS];   /* idt_entry.S */

static struct idt_gate idt_table[IDT_VECTORS] __attribute__((aligned(16)));
static struct idt_tss idt_tss __attribute__((aligned(16)));
static int idt_nesting;

static const char *const idt_names[IDT_EXCEPTIONS] = {
	[0] = "#DE", [1] = "#DB", [2] = "NMI", [3] = "#BP", [4] = "#OF",
	[5] = "#BR", [6] = "#UD", [7] = "#NM", [8] = "#DF", [9] = "#CSO",
	[10] = "#TS", [11] = "#NP", [12] = "#SS", [13] = "#GP", [14] = "#PF",
	[16] = "#MF", [17] = "#AC", [18] = "#MC", [19] = "#XF", [21] = "#CP",
	[28] = "#HV", [29] = "#VC", [30] = "#SX",
};

const char *idt_vector_name(unsigned vector)
{
	if (vector < IDT_EXCEPTIONS && idt_names[vector] != NULL)
		return idt_names[vector];
	return "#??";
}

static void idt_set_gate(unsigned vec, uint64_t handler, unsigned ist)
{
	struct idt_gate *g = &idt_table[vec];

	g->offset_lo = (uint16_t)handler;
	g->selector = BOOT_SEL_CODE64;
	g->ist = (uint8_t)ist;
	g->type_attr = IDT_GATE_TYPE_INTR | IDT_GATE_P;
	g->offset_mid = (uint16_t)(handler >> 16);
	g->offset_hi = (uint32_t)(handler >> 32);
	g->rsvd = 0;
}

void idt_set_handler(unsigned vector, uint64_t stub, unsigned ist)
{
	idt_set_gate(vector, stub, ist);
}

static void idt_load_tss(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&idt_tss;
	uint64_t lo;

	memset(&idt_tss, 0, sizeof(idt_tss));
	/* The IST stacks and their guard pages are in boot/entry32.S. */
	idt_tss.ist[IDT_IST_DF - 1] = (uint64_t)(uintptr_t)boot_ist1_top;
	idt_tss.ist[IDT_IST_NMI - 1] = (uint64_t)(uintptr_t)boot_ist2_top;
	idt_tss.ist[IDT_IST_MC - 1] = (uint64_t)(uintptr_t)boot_ist3_top;
	idt_tss.iomap_base = sizeof(idt_tss);       /* no I/O bitmap */

	lo = SHIFTIN(sizeof(idt_tss) - 1, IDT_DESC_LIMIT_LO) |
	     SHIFTIN(base & 0xffffff, IDT_DESC_BASE_LO) |
	     SHIFTIN(IDT_TSS_TYPE_AVAIL, IDT_DESC_TYPE) | IDT_DESC_P |
	     SHIFTIN((base >> 24) & 0xff, IDT_DESC_BASE_MID);
	boot_gdt[BOOT_SEL_TSS / 8] = lo;
	boot_gdt[BOOT_SEL_TSS / 8 + 1] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"((uint16_t)BOOT_SEL_TSS) : "memory");
}

void idt_init(void)
{
	struct idt_ptr p;

	idt_load_tss();
	for (unsigned v = 0; v < IDT_EXCEPTIONS; v++) {
		unsigned ist = 0;

		if (v == IDT_VEC_DF)
			ist = IDT_IST_DF;
		else if (v == IDT_VEC_NMI)
			ist = IDT_IST_NMI;
		else if (v == IDT_VEC_MC)
			ist = IDT_IST_MC;
		idt_set_gate(v, idt_stubs[v], ist);
	}
	p.limit = sizeof(idt_table) - 1;
	p.base = (uint64_t)(uintptr_t)idt_table;
	__asm__ volatile("lidt %0" : : "m"(p) : "memory");
}

static uint64_t idt_read_cr(int n)
{
	uint64_t v = 0;

	switch (n) {
	case 0: __asm__ volatile("mov %%cr0, %0" : "=r"(v)); break;
	case 2: __asm__ volatile("mov %%cr2, %0" : "=r"(v)); break;
	case 3: __asm__ volatile("mov %%cr3, %0" : "=r"(v)); break;
	case 4: __asm__ volatile("mov %%cr4, %0" : "=r"(v)); break;
	default: break;
	}
	return v;
}

/*
 * Print the register dump for an exception taken in the hypervisor, then
 * panic. The first line is what tests and humans grep for:
 *   EXCEPTION #PF (vector 14) error code 0x2 at RIP ... CR2 ...
 */
void idt_exception(struct idt_frame *f)
{
	uint64_t cr2 = idt_read_cr(2);

	if (++idt_nesting > 1) {
		/* Faulting in the dump itself: print the bare minimum. */
		kprintf("\nEXCEPTION %s (vector %u) while handling an exception, rip=%lx\n",
			idt_vector_name((unsigned)f->vector), (unsigned)f->vector,
			(unsigned long)f->rip);
		hv_exit(HV_STATUS_PANIC);
	}
	kprintf("\nEXCEPTION %s (vector %u) error code 0x%lx\n",
		idt_vector_name((unsigned)f->vector), (unsigned)f->vector,
		(unsigned long)f->error);
	kprintf("  RIP=%016lx CS=%04lx RFLAGS=%016lx\n",
		(unsigned long)f->rip, (unsigned long)f->cs, (unsigned long)f->rflags);
	kprintf("  RSP=%016lx SS=%04lx\n", (unsigned long)f->rsp, (unsigned long)f->ss);
	kprintf("  CR0=%016lx CR2=%016lx CR3=%016lx CR4=%016lx\n",
		(unsigned long)idt_read_cr(0), (unsigned long)cr2,
		(unsigned long)idt_read_cr(3), (unsigned long)idt_read_cr(4));
	kprintf("  RAX=%016lx RBX=%016lx RCX=%016lx RDX=%016lx\n",
		(unsigned long)f->rax, (unsigned long)f->rbx,
		(unsigned long)f->rcx, (unsigned long)f->rdx);
	kprintf("  RSI=%016lx RDI=%016lx RBP=%016lx\n",
		(unsigned long)f->rsi, (unsigned long)f->rdi, (unsigned long)f->rbp);
	kprintf("  R8 =%016lx R9 =%016lx R10=%016lx R11=%016lx\n",
		(unsigned long)f->r8, (unsigned long)f->r9,
		(unsigned long)f->r10, (unsigned long)f->r11);
	kprintf("  R12=%016lx R13=%016lx R14=%016lx R15=%016lx\n",
		(unsigned long)f->r12, (unsigned long)f->r13,
		(unsigned long)f->r14, (unsigned long)f->r15);
	if (f->vector == IDT_VEC_PF)
		kprintf("  page fault: %s of %016lx, %s page, from CPL %lu\n",
			(f->error & BIT(4)) ? "instruction fetch" :
			(f->error & BIT(1)) ? "write" : "read",
			(unsigned long)cr2,
			(f->error & BIT(0)) ? "protection violation on a present" : "not-present",
			(unsigned long)(f->cs & 3));
	panic("unhandled exception %s (vector %u) at RIP %016lx",
	      idt_vector_name((unsigned)f->vector), (unsigned)f->vector,
	      (unsigned long)f->rip);
}
