/*
 * mode_cpl3.c - the CPL 3 check of the long-mode guests (mode_long,
 * mode_la57): VMMCALL from user mode raises #UD. Segment and TSS
 * formats: APM Vol.2 4.7, 4.8, 12.2.5.
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_trap.h"
#include "mode_checks.h"
#include "tap.h"

#if defined(GL_MODE_LONG)
/*
 * VMMCALL is for the guest's kernel only: at CPL > 0 the hypervisor
 * raises #UD (include/guest_abi.h). To get to CPL 3 the guest needs user
 * segments, a TSS whose RSP0 takes the exception back to CPL 0, and user
 * (U/S) pages: mc_check_vmmcall_cpl3() sets these up around the probe
 * and puts the guest's own state back after it.
 *
 * The probe IRETQs to mc_cpl3_vmmcall at CPL 3, which runs VMMCALL with
 * EAX = ping; if the hypervisor answers it instead of raising #UD, the
 * HLT after it raises #GP (a privileged instruction at CPL 3) and the
 * check names that.
 */
#define MC_SEL_DATA     0x10
#define MC_SEL_UDATA    0x20            /* RPL 3 added when loaded */
#define MC_SEL_UCODE    0x28
#define MC_SEL_TSS      0x30            /* 16-byte system descriptor */
#define MC_GDT_COPY     4               /* entries of gl_entry.S's GDT kept */
#define MC_TSS_RSP0     0x04            /* APM Vol.2 12.2.5: 64-bit TSS */
#define MC_TSS_SIZE     0x68
#define MC_PTE_US       BIT(2)

/* Descriptor fields (APM Vol.2 4.7, 4.8). */
#define MC_DESC_UDATA   0x00cff2000000ffffull   /* data, writable, DPL 3 */
#define MC_DESC_UCODE   0x00affa000000ffffull   /* code, 64-bit (L), DPL 3 */
#define MC_DESC_LIMIT   BITS(15, 0)
#define MC_DESC_BASE_LO BITS(39, 16)
#define MC_DESC_TYPE    BITS(43, 40)
#define MC_DESC_P       BIT(47)
#define MC_DESC_BASE_HI BITS(63, 56)
#define MC_TSS_TYPE     0x9u                    /* available 64-bit TSS */

struct mc_dtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static uint64_t mc_gdt[8] __attribute__((aligned(16)));
static uint8_t mc_tss[MC_TSS_SIZE] __attribute__((aligned(16)));
static uint8_t mc_kstack[4096] __attribute__((aligned(16)));   /* RSP0 */
static uint8_t mc_ustack[4096] __attribute__((aligned(16)));   /* the CPL 3 stack */

extern const char mc_cpl3_vmmcall[], mc_cpl3_after[];

static __attribute__((noinline, noclone)) void mc_cpl3_fn(void *arg)
{
	(void)arg;
	__asm__ volatile(
	    "pushq %0\n\t"                            /* SS */
	    "pushq %1\n\t"                            /* RSP */
	    "pushfq\n\t"                              /* RFLAGS */
	    "pushq %2\n\t"                            /* CS */
	    "lea mc_cpl3_vmmcall(%%rip), %%rax\n\t"
	    "pushq %%rax\n\t"                         /* RIP */
	    "xor %%eax, %%eax\n\t"                    /* GUEST_VMMCALL_PING */
	    "iretq\n"
	    ".globl mc_cpl3_vmmcall, mc_cpl3_after\n"
	    "mc_cpl3_vmmcall:\n\t"
	    ".byte 0x0f, 0x01, 0xd9\n"                 /* VMMCALL */
	    "mc_cpl3_after:\n\t"
	    "hlt\n\t"
	    : : "i"(MC_SEL_UDATA | 3), "r"((uint64_t)(uintptr_t)(mc_ustack + sizeof(mc_ustack))),
	      "i"(MC_SEL_UCODE | 3)
	    : "rax", "memory", "cc");
}

/* Set or clear U/S on the table entries that map the first 2 MiB (the image). */
static void mc_user_pages(bool user)
{
	uint64_t *e[] = {
#if defined(GL_LA57)
		&gl_lm_pml5[0],
#endif
		&gl_lm_pml4[0], &gl_lm_pdpt[0], &gl_lm_pd[0],
	};

	for (unsigned i = 0; i < ARRAY_SIZE(e); i++)
		*e[i] = user ? (*e[i] | MC_PTE_US) : (*e[i] & ~MC_PTE_US);
	gl_write_cr3(gl_read_cr3());            /* flush the TLB */
}

void mc_check_vmmcall_cpl3(void)
{
	uint64_t tss = (uint64_t)(uintptr_t)mc_tss;
	uint64_t rsp0 = (uint64_t)(uintptr_t)(mc_kstack + sizeof(mc_kstack));
	struct mc_dtr old, dtr;
	struct gl_fault f = { 0, 0, 0, 0 };
	bool trapped;

	__asm__ volatile("sgdt %0" : "=m"(old));
	memcpy(mc_gdt, (const void *)(uintptr_t)old.base, MC_GDT_COPY * 8);
	mc_gdt[MC_SEL_UDATA / 8] = MC_DESC_UDATA;
	mc_gdt[MC_SEL_UCODE / 8] = MC_DESC_UCODE;
	mc_gdt[MC_SEL_TSS / 8] = SHIFTIN(MC_TSS_SIZE - 1, MC_DESC_LIMIT) |
	    SHIFTIN(tss & 0xffffff, MC_DESC_BASE_LO) | SHIFTIN(MC_TSS_TYPE, MC_DESC_TYPE) |
	    MC_DESC_P | SHIFTIN((tss >> 24) & 0xff, MC_DESC_BASE_HI);
	mc_gdt[MC_SEL_TSS / 8 + 1] = tss >> 32;
	memcpy(mc_tss + MC_TSS_RSP0, &rsp0, sizeof(rsp0));
	dtr.limit = sizeof(mc_gdt) - 1;
	dtr.base = (uintptr_t)mc_gdt;
	__asm__ volatile("lgdt %0\n\tltr %w1" : : "m"(dtr), "r"(MC_SEL_TSS) : "memory");
	mc_user_pages(true);

	trapped = gl_try(mc_cpl3_fn, 0, &f) != 0;

	/* Back from CPL 3: the return nulled the data segments, the
	 * exception entry SS. Reload them, then the old GDT (TR keeps the
	 * TSS loaded: nothing at CPL 0 uses it). */
	__asm__ volatile("mov %0, %%ds\n\tmov %0, %%es\n\tmov %0, %%fs\n\t"
	    "mov %0, %%gs\n\tmov %0, %%ss" : : "r"(MC_SEL_DATA) : "memory");
	mc_user_pages(false);
	__asm__ volatile("lgdt %0" : : "m"(old) : "memory");

	tap_ok(trapped && f.vector == X86_VEC_UD && f.ip == (uintptr_t)mc_cpl3_vmmcall,
	    "vmmcall at CPL 3 raises #UD (wanted #UD at 0x%llx, got %s at 0x%llx%s)",
	    (unsigned long long)(uintptr_t)mc_cpl3_vmmcall,
	    trapped ? gl_trap_name(f.vector) : "nothing", (unsigned long long)f.ip,
	    f.ip == (uintptr_t)mc_cpl3_after ? ": VMMCALL was answered" : "");
}
#endif
