/*
 * gl_cpu.h - inline CPU helpers for the test guests: port I/O, CPUID,
 * MSRs, TSC, control registers. Usable in all four guest modes (the
 * real-mode guest is compiled with gcc -m16, which emits 32-bit code with
 * size prefixes, so 32-bit registers are available there too).
 *
 * Instruction references: AMD APM Vol.3 (CPUID, RDMSR, WRMSR, RDTSC,
 * IN/OUT, MOV CRn) and APM Vol.2 ch.15 for the SVM opcodes.
 */
#ifndef GL_CPU_H
#define GL_CPU_H

#include <stdint.h>
#include <stdbool.h>
#include "bits.h"

/* Control register and EFER bits (APM Vol.2 3.1, 3.1.7). */
#define X86_CR0_PE        BIT(0)
#define X86_CR0_ET        BIT(4)
#define X86_CR0_PG        BIT(31)
#define X86_CR4_PSE       BIT(4)
#define X86_CR4_PAE       BIT(5)
#define X86_CR4_LA57      BIT(12)
#define X86_MSR_EFER      0xc0000080u
#define X86_EFER_SCE      BIT(0)
#define X86_EFER_LME      BIT(8)
#define X86_EFER_LMA      BIT(10)
#define X86_EFER_NXE      BIT(11)
#define X86_EFER_SVME     BIT(12)

/* MSRs the checks use (APM Vol.2 appendix A, BKDG for NB_CFG). */
#define X86_MSR_TSC          0x00000010u
#define X86_MSR_SYSENTER_CS  0x00000174u
#define X86_MSR_SYSENTER_ESP 0x00000175u
#define X86_MSR_SYSENTER_EIP 0x00000176u
#define X86_MSR_PAT          0x00000277u
#define X86_MSR_STAR         0xc0000081u
#define X86_MSR_LSTAR        0xc0000082u
#define X86_MSR_CSTAR        0xc0000083u
#define X86_MSR_FS_BASE      0xc0000100u
#define X86_MSR_GS_BASE      0xc0000101u
#define X86_MSR_KERNEL_GS_BASE 0xc0000102u
#define X86_MSR_NB_CFG       0xc001001fu
#define X86_NB_CFG_INITAPICIDCPUIDLO BIT(54)

/* CPUID bits (APM Vol.3 appendix E). */
#define X86_CPUID1_ECX_HYPERVISOR    BIT(31)
#define X86_CPUID81_ECX_SVM          BIT(2)
#define X86_CPUID81_EDX_NX           BIT(20)
#define X86_CPUID81_EDX_PAGE1GB      BIT(26)
#define X86_CPUID81_EDX_LM           BIT(29)

/* Exception vectors (APM Vol.2 8.2). */
#define X86_VEC_DB  1
#define X86_VEC_UD  6
#define X86_VEC_DF  8
#define X86_VEC_GP  13
#define X86_VEC_PF  14

/* #PF error code (APM Vol.2 8.4.2). */
#define X86_PF_P     BIT(0)
#define X86_PF_W     BIT(1)
#define X86_PF_RSVD  BIT(3)
#define X86_PF_ID    BIT(4)            /* instruction fetch */

/* Debug (SDM Vol.3 17.2.3, APM Vol.2 13.1.1). */
#define X86_RFLAGS_TF  BIT(8)
#define X86_DR6_BS     BIT(14)         /* single-step */
#define X86_DR6_INIT   0xffff0ff0ul    /* DR6 at reset: no condition recorded */
#define X86_DR6_B0     BIT(0)          /* breakpoint 0 matched */
#define X86_DR7_L0     BIT(0)          /* breakpoint 0 enabled; R/W0 = LEN0 = 0: execution */
#define X86_DR7_INIT   0x400ul         /* DR7 at reset: bit 10 reads as 1, nothing enabled */
#define X86_RFLAGS_RF  BIT(16)

/*
 * Inline-asm text (extended asm only: it uses %%) that sets or clears
 * RFLAGS.TF with PUSHF/POPF. After a POPF that sets TF, the single-step
 * trap comes after the instruction that follows the POPF (SDM Vol.3
 * 17.3.1.4). The real-mode guest is -m16 code, hence the l suffixes.
 */
#if defined(GL_MODE_LONG)
# define GL_ASM_TF_ON  "pushfq\n\torl $0x100, (%%rsp)\n\tpopfq\n\t"
# define GL_ASM_TF_OFF "pushfq\n\tandl $~0x100, (%%rsp)\n\tpopfq\n\t"
#else
# define GL_ASM_TF_ON  "pushfl\n\torl $0x100, (%%esp)\n\tpopfl\n\t"
# define GL_ASM_TF_OFF "pushfl\n\tandl $~0x100, (%%esp)\n\tpopfl\n\t"
#endif

static inline void gl_outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint8_t gl_inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

struct gl_cpuid {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct gl_cpuid gl_cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct gl_cpuid r;
	__asm__ volatile("cpuid"
	    : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
	    : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t gl_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void gl_wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
	    : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
	    : "memory");
}

static inline uint64_t gl_rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline unsigned long gl_read_cr0(void)
{
	unsigned long v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline unsigned long gl_read_cr3(void)
{
	unsigned long v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void gl_write_cr3(unsigned long v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline unsigned long gl_read_dr6(void)
{
	unsigned long v;
	__asm__ volatile("mov %%dr6, %0" : "=r"(v));
	return v;
}

static inline void gl_write_dr6(unsigned long v)
{
	__asm__ volatile("mov %0, %%dr6" : : "r"(v) : "memory");
}

static inline void gl_write_dr0(unsigned long v)
{
	__asm__ volatile("mov %0, %%dr0" : : "r"(v) : "memory");
}

static inline void gl_write_dr7(unsigned long v)
{
	__asm__ volatile("mov %0, %%dr7" : : "r"(v) : "memory");
}

static inline void gl_invlpg(uintptr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline unsigned long gl_read_cr4(void)
{
	unsigned long v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void gl_outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint16_t gl_inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

static inline void gl_outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline uint32_t gl_inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
	return v;
}

#if !defined(GL_MODE_REAL)
/*
 * MMIO at a physical address that is identity-mapped (pm32: no paging;
 * pae/long: gl_pgmap_mmio() maps 3-4 GiB). One access of the given width.
 */
static inline uint32_t gl_mmio_read32(uintptr_t pa)
{
	return *(volatile uint32_t *)pa;
}

static inline void gl_mmio_write32(uintptr_t pa, uint32_t v)
{
	*(volatile uint32_t *)pa = v;
}
#endif

/* Stop for good: interrupts off, halt in a loop. */
static inline __attribute__((noreturn)) void gl_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" : : : "memory");
}

#endif /* GL_CPU_H */
