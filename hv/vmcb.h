/*
 * vmcb.h - the Virtual Machine Control Block.
 *
 * Source: AMD64 Architecture Programmer's Manual Vol.2 (pub. 24593),
 * chapter 15 "Secure Virtual Machine" and Appendix B "Layout of VMCB".
 * The control area is the first 0x400 bytes, the state-save area follows
 * at 0x400. Hardware words are plain integers with masks written under
 * the field they belong to; every offset the code uses is pinned with a
 * _Static_assert below each structure. Every field is naturally aligned
 * at its APM offset, so no packing attribute is needed (the asserts would
 * catch any padding).
 *
 * The functions declared at the end live in one file per job:
 * vmcb_clean.c (clean bits), vmcb_exitname.c (exit-code names),
 * vmcb_dump.c (the dump printed on guest errors).
 */
#ifndef HV_VMCB_H
#define HV_VMCB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bits.h"

/* ---------------------------------------------------------------------- */
/* Control area (APM Vol.2 Table B-1) */

struct vmcb_ctrl {
	uint32_t intercept_cr;                  /* 0x000 */
#define VMCB_CTRL_INTERCEPT_CR_READ(n)  BIT(n)
#define VMCB_CTRL_INTERCEPT_CR_WRITE(n) BIT(16 + (n))
	uint32_t intercept_dr;                  /* 0x004 */
	uint32_t intercept_exc;                 /* 0x008: one bit per vector (15.12) */
#define VMCB_CTRL_INTERCEPT_EXC(vec)    BIT(vec)
#define VMCB_CTRL_INTERCEPT_EXC_DB      BIT(1)   /* #DB: CVE-2015-8104 */
#define VMCB_CTRL_INTERCEPT_EXC_AC      BIT(17)  /* #AC: CVE-2015-5307 */
#define VMCB_CTRL_INTERCEPT_EXC_MC      BIT(18)  /* #MC: the host's business */
	uint32_t intercept_misc1;               /* 0x00c */
#define VMCB_CTRL_INTERCEPT_INTR        BIT(0)
#define VMCB_CTRL_INTERCEPT_NMI         BIT(1)
#define VMCB_CTRL_INTERCEPT_SMI         BIT(2)
#define VMCB_CTRL_INTERCEPT_INIT        BIT(3)
#define VMCB_CTRL_INTERCEPT_VINTR       BIT(4)
#define VMCB_CTRL_INTERCEPT_CR0_SEL     BIT(5)
#define VMCB_CTRL_INTERCEPT_RDTSC       BIT(14)
#define VMCB_CTRL_INTERCEPT_RDPMC       BIT(15)
#define VMCB_CTRL_INTERCEPT_CPUID       BIT(18)
#define VMCB_CTRL_INTERCEPT_RSM         BIT(19)
#define VMCB_CTRL_INTERCEPT_IRET        BIT(20)
#define VMCB_CTRL_INTERCEPT_INVD        BIT(22)
#define VMCB_CTRL_INTERCEPT_PAUSE       BIT(23)
#define VMCB_CTRL_INTERCEPT_HLT         BIT(24)
#define VMCB_CTRL_INTERCEPT_INVLPG      BIT(25)
#define VMCB_CTRL_INTERCEPT_INVLPGA     BIT(26)
#define VMCB_CTRL_INTERCEPT_IOIO_PROT   BIT(27)
#define VMCB_CTRL_INTERCEPT_MSR_PROT    BIT(28)
#define VMCB_CTRL_INTERCEPT_TASKSW      BIT(29)
#define VMCB_CTRL_INTERCEPT_FERR_FREEZE BIT(30)
#define VMCB_CTRL_INTERCEPT_SHUTDOWN    BIT(31)
	uint32_t intercept_misc2;               /* 0x010 */
#define VMCB_CTRL_INTERCEPT_VMRUN       BIT(0)
#define VMCB_CTRL_INTERCEPT_VMMCALL     BIT(1)
#define VMCB_CTRL_INTERCEPT_VMLOAD      BIT(2)
#define VMCB_CTRL_INTERCEPT_VMSAVE      BIT(3)
#define VMCB_CTRL_INTERCEPT_STGI        BIT(4)
#define VMCB_CTRL_INTERCEPT_CLGI        BIT(5)
#define VMCB_CTRL_INTERCEPT_SKINIT      BIT(6)
#define VMCB_CTRL_INTERCEPT_RDTSCP      BIT(7)
#define VMCB_CTRL_INTERCEPT_ICEBP       BIT(8)
#define VMCB_CTRL_INTERCEPT_WBINVD      BIT(9)
#define VMCB_CTRL_INTERCEPT_MONITOR     BIT(10)
#define VMCB_CTRL_INTERCEPT_MWAIT       BIT(11)
#define VMCB_CTRL_INTERCEPT_MWAIT_ARMED BIT(12)
#define VMCB_CTRL_INTERCEPT_XSETBV      BIT(13)
	uint32_t intercept_misc3;               /* 0x014 */
	uint8_t  rsvd_0x018[0x24];              /* 0x018-0x03b */
	uint16_t pause_filter_thresh;           /* 0x03c */
	uint16_t pause_filter_count;            /* 0x03e */
	uint64_t iopm_base_pa;                  /* 0x040 */
	uint64_t msrpm_base_pa;                 /* 0x048 */
	uint64_t tsc_offset;                    /* 0x050 */
	uint32_t asid;                          /* 0x058 */
	uint8_t  tlb_ctrl;                      /* 0x05c */
#define VMCB_CTRL_TLB_CTRL_NOTHING      0x00
#define VMCB_CTRL_TLB_CTRL_FLUSH_ALL    0x01
#define VMCB_CTRL_TLB_CTRL_FLUSH_ASID   0x03
	uint8_t  rsvd_0x05d[3];                 /* 0x05d-0x05f */
	uint64_t v_intr;                        /* 0x060 */
#define VMCB_CTRL_V_TPR                 BITS(7, 0)
#define VMCB_CTRL_V_IRQ                 BIT(8)
#define VMCB_CTRL_V_GIF                 BIT(9)
#define VMCB_CTRL_V_INTR_PRIO           BITS(19, 16)
#define VMCB_CTRL_V_IGN_TPR             BIT(20)
#define VMCB_CTRL_V_INTR_MASKING        BIT(24)
#define VMCB_CTRL_V_GIF_ENABLE          BIT(25)
#define VMCB_CTRL_V_AVIC_ENABLE         BIT(31)
#define VMCB_CTRL_V_INTR_VECTOR         BITS(39, 32)
	uint64_t intr_shadow;                   /* 0x068 */
#define VMCB_CTRL_INTR_SHADOW           BIT(0)
#define VMCB_CTRL_GUEST_INTR_MASK       BIT(1)
	uint64_t exitcode;                      /* 0x070: VMCB_EXITCODE_* */
	uint64_t exitinfo1;                     /* 0x078 */
	uint64_t exitinfo2;                     /* 0x080 */
	uint64_t exitintinfo;                   /* 0x088: EVENTINJ format */
	uint64_t np_ctrl;                       /* 0x090 */
#define VMCB_CTRL_NP_ENABLE             BIT(0)
	uint64_t avic_apic_bar;                 /* 0x098 */
	uint64_t ghcb_pa;                       /* 0x0a0 */
	uint64_t eventinj;                      /* 0x0a8, APM Vol.2 15.20 */
#define VMCB_CTRL_EVENTINJ_VECTOR       BITS(7, 0)
#define VMCB_CTRL_EVENTINJ_TYPE         BITS(10, 8)
#define VMCB_CTRL_EVENTINJ_TYPE_INTR    0
#define VMCB_CTRL_EVENTINJ_TYPE_NMI     2
#define VMCB_CTRL_EVENTINJ_TYPE_EXC     3
#define VMCB_CTRL_EVENTINJ_TYPE_SOFTINT 4
#define VMCB_CTRL_EVENTINJ_EV           BIT(11)
#define VMCB_CTRL_EVENTINJ_V            BIT(31)
#define VMCB_CTRL_EVENTINJ_ERRORCODE    BITS(63, 32)
	uint64_t n_cr3;                         /* 0x0b0: nested page table root */
	uint64_t virt_ext;                      /* 0x0b8 */
#define VMCB_CTRL_LBR_VIRT_ENABLE       BIT(0)
#define VMCB_CTRL_VIRT_VMSAVE_VMLOAD    BIT(1)
	uint32_t clean;                         /* 0x0c0: VMCB clean bits (15.15.3) */
	/*
	 * A set bit lets VMRUN take that group from its cache instead of the
	 * VMCB; a clear bit forces a reload. Only bits 12:0 are defined; the
	 * rest stay 0 (bit 31 belongs to the host, the CPU never reads it).
	 * Nothing here covers TLB_CONTROL, the interrupt shadow, EVENTINJ, the
	 * exit fields, RFLAGS, RIP, RSP or RAX: VMRUN always reads those.
	 */
#define VMCB_CTRL_CLEAN_I               BIT(0)   /* intercepts, TSC offset, pause filter */
#define VMCB_CTRL_CLEAN_IOPM            BIT(1)   /* IOPM_BASE, MSRPM_BASE */
#define VMCB_CTRL_CLEAN_ASID            BIT(2)   /* guest ASID */
#define VMCB_CTRL_CLEAN_TPR             BIT(3)   /* 0x060-0x067: V_TPR, V_IRQ, V_INTR_* */
#define VMCB_CTRL_CLEAN_NP              BIT(4)   /* nested paging: nCR3, G_PAT */
#define VMCB_CTRL_CLEAN_CRX             BIT(5)   /* CR0, CR3, CR4, EFER */
#define VMCB_CTRL_CLEAN_DRX             BIT(6)   /* DR6, DR7 */
#define VMCB_CTRL_CLEAN_DT              BIT(7)   /* GDTR and IDTR base and limit */
#define VMCB_CTRL_CLEAN_SEG             BIT(8)   /* CS, DS, SS, ES (all four parts), CPL */
#define VMCB_CTRL_CLEAN_CR2             BIT(9)   /* CR2 */
#define VMCB_CTRL_CLEAN_LBR             BIT(10)  /* DBGCTL, BR_FROM/TO, LASTEXCP_FROM/TO */
#define VMCB_CTRL_CLEAN_AVIC            BIT(11)  /* APIC_BAR, backing page, logical/physical tables */
#define VMCB_CTRL_CLEAN_CET             BIT(12)  /* S_CET, SSP, ISST_ADDR */
#define VMCB_CTRL_CLEAN_DEFINED         BITS(12, 0)
	uint32_t rsvd_0x0c4;                    /* 0x0c4 */
	uint64_t nrip;                          /* 0x0c8: next RIP (NRIPS) */
	uint8_t  insn_len;                      /* 0x0d0: bytes fetched (decode assists) */
	uint8_t  insn_bytes[15];                /* 0x0d1-0x0df */
	uint64_t avic_backing_page;             /* 0x0e0 */
	uint64_t rsvd_0x0e8;                    /* 0x0e8 */
	uint64_t avic_logical_table;            /* 0x0f0 */
	uint64_t avic_physical_table;           /* 0x0f8 */
	uint64_t rsvd_0x100;                    /* 0x100 */
	uint64_t vmsa_pa;                       /* 0x108 */
	uint8_t  rsvd_0x110[0x2f0];             /* 0x110-0x3ff */
};

_Static_assert(sizeof(struct vmcb_ctrl) == 0x400, "APM Vol.2 App. B: control area");
_Static_assert(offsetof(struct vmcb_ctrl, intercept_cr) == 0x000, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, intercept_dr) == 0x004, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, intercept_exc) == 0x008, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, intercept_misc1) == 0x00c, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, intercept_misc2) == 0x010, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, intercept_misc3) == 0x014, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, pause_filter_thresh) == 0x03c, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, pause_filter_count) == 0x03e, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, iopm_base_pa) == 0x040, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, msrpm_base_pa) == 0x048, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, tsc_offset) == 0x050, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, asid) == 0x058, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, tlb_ctrl) == 0x05c, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, v_intr) == 0x060, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, intr_shadow) == 0x068, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, exitcode) == 0x070, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, exitinfo1) == 0x078, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, exitinfo2) == 0x080, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, exitintinfo) == 0x088, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, np_ctrl) == 0x090, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, avic_apic_bar) == 0x098, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, ghcb_pa) == 0x0a0, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, eventinj) == 0x0a8, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, n_cr3) == 0x0b0, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, virt_ext) == 0x0b8, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, clean) == 0x0c0, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, nrip) == 0x0c8, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, insn_len) == 0x0d0, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, insn_bytes) == 0x0d1, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, avic_backing_page) == 0x0e0, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, avic_logical_table) == 0x0f0, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, avic_physical_table) == 0x0f8, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_ctrl, vmsa_pa) == 0x108, "APM Vol.2 App. B");

/* IOIO intercept EXITINFO1 (APM Vol.2 15.10.2, Figure 15-2). */
#define VMCB_IOIO_TYPE_IN       BIT(0)
#define VMCB_IOIO_STR           BIT(2)
#define VMCB_IOIO_REP           BIT(3)
#define VMCB_IOIO_SZ8           BIT(4)
#define VMCB_IOIO_SZ16          BIT(5)
#define VMCB_IOIO_SZ32          BIT(6)
#define VMCB_IOIO_A16           BIT(7)
#define VMCB_IOIO_A32           BIT(8)
#define VMCB_IOIO_A64           BIT(9)
#define VMCB_IOIO_SEG           BITS(12, 10)
#define VMCB_IOIO_PORT          BITS(31, 16)

/* Nested page fault EXITINFO1 (APM Vol.2 15.25.6): a #PF-style error code. */
#define VMCB_NPF_P              BIT(0)
#define VMCB_NPF_RW             BIT(1)
#define VMCB_NPF_US             BIT(2)
#define VMCB_NPF_RSVD           BIT(3)
#define VMCB_NPF_ID             BIT(4)
#define VMCB_NPF_FINAL          BIT(32)  /* fault on the final guest physical address */
#define VMCB_NPF_TABLEWALK      BIT(33)  /* fault while walking the guest page tables */

/* MSR intercept EXITINFO1 (APM Vol.2 15.11). */
#define VMCB_MSR_WRITE          1

/* ---------------------------------------------------------------------- */
/* State-save area (APM Vol.2 Table B-2, offsets relative to 0x400) */

/* A segment register: selector, packed attributes, limit, base. */
struct vmcb_seg {
	uint16_t sel;                           /* +0x0 */
	uint16_t attr;                          /* +0x2: see X86_SEGATTR_* in x86_state.h */
	uint32_t limit;                         /* +0x4 */
	uint64_t base;                          /* +0x8 */
};
_Static_assert(sizeof(struct vmcb_seg) == 16, "APM Vol.2 App. B: segment");
_Static_assert(offsetof(struct vmcb_seg, attr) == 0x2, "APM Vol.2 App. B: segment");
_Static_assert(offsetof(struct vmcb_seg, limit) == 0x4, "APM Vol.2 App. B: segment");
_Static_assert(offsetof(struct vmcb_seg, base) == 0x8, "APM Vol.2 App. B: segment");

struct vmcb_state {
	struct vmcb_seg es;                     /* 0x000 */
	struct vmcb_seg cs;                     /* 0x010 */
	struct vmcb_seg ss;                     /* 0x020 */
	struct vmcb_seg ds;                     /* 0x030 */
	struct vmcb_seg fs;                     /* 0x040 */
	struct vmcb_seg gs;                     /* 0x050 */
	struct vmcb_seg gdtr;                   /* 0x060 */
	struct vmcb_seg ldtr;                   /* 0x070 */
	struct vmcb_seg idtr;                   /* 0x080 */
	struct vmcb_seg tr;                     /* 0x090 */
	uint8_t  rsvd_0x0a0[0x2b];              /* 0x0a0-0x0ca */
	uint8_t  cpl;                           /* 0x0cb */
	uint32_t rsvd_0x0cc;                    /* 0x0cc */
	uint64_t efer;                          /* 0x0d0 */
	uint8_t  rsvd_0x0d8[0x70];              /* 0x0d8-0x147 */
	uint64_t cr4;                           /* 0x148 */
	uint64_t cr3;                           /* 0x150 */
	uint64_t cr0;                           /* 0x158 */
	uint64_t dr7;                           /* 0x160 */
	uint64_t dr6;                           /* 0x168 */
	uint64_t rflags;                        /* 0x170 */
	uint64_t rip;                           /* 0x178 */
	uint8_t  rsvd_0x180[0x58];              /* 0x180-0x1d7 */
	uint64_t rsp;                           /* 0x1d8 */
	uint64_t s_cet;                         /* 0x1e0 */
	uint64_t ssp;                           /* 0x1e8 */
	uint64_t isst_addr;                     /* 0x1f0 */
	uint64_t rax;                           /* 0x1f8 */
	uint64_t star;                          /* 0x200 */
	uint64_t lstar;                         /* 0x208 */
	uint64_t cstar;                         /* 0x210 */
	uint64_t sfmask;                        /* 0x218 */
	uint64_t kernel_gs_base;                /* 0x220 */
	uint64_t sysenter_cs;                   /* 0x228 */
	uint64_t sysenter_esp;                  /* 0x230 */
	uint64_t sysenter_eip;                  /* 0x238 */
	uint64_t cr2;                           /* 0x240 */
	uint8_t  rsvd_0x248[0x20];              /* 0x248-0x267 */
	uint64_t g_pat;                         /* 0x268 */
	uint64_t dbgctl;                        /* 0x270 */
	uint64_t br_from;                       /* 0x278 */
	uint64_t br_to;                         /* 0x280 */
	uint64_t lastexcpfrom;                  /* 0x288 */
	uint64_t lastexcpto;                    /* 0x290 */
	uint8_t  rsvd_0x298[0x968];             /* 0x298-0xbff */
};

_Static_assert(sizeof(struct vmcb_state) == 0xc00, "APM Vol.2 App. B: state-save area");
_Static_assert(offsetof(struct vmcb_state, es) == 0x000, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, cs) == 0x010, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, ss) == 0x020, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, ds) == 0x030, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, fs) == 0x040, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, gs) == 0x050, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, gdtr) == 0x060, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, ldtr) == 0x070, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, idtr) == 0x080, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, tr) == 0x090, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, cpl) == 0x0cb, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, efer) == 0x0d0, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, cr4) == 0x148, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, cr3) == 0x150, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, cr0) == 0x158, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, dr7) == 0x160, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, dr6) == 0x168, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, rflags) == 0x170, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, rip) == 0x178, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, rsp) == 0x1d8, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, s_cet) == 0x1e0, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, ssp) == 0x1e8, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, isst_addr) == 0x1f0, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, rax) == 0x1f8, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, star) == 0x200, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, lstar) == 0x208, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, cstar) == 0x210, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, sfmask) == 0x218, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, kernel_gs_base) == 0x220, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, sysenter_cs) == 0x228, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, sysenter_esp) == 0x230, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, sysenter_eip) == 0x238, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, cr2) == 0x240, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, g_pat) == 0x268, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, dbgctl) == 0x270, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, br_from) == 0x278, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, br_to) == 0x280, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, lastexcpfrom) == 0x288, "APM Vol.2 App. B");
_Static_assert(offsetof(struct vmcb_state, lastexcpto) == 0x290, "APM Vol.2 App. B");

struct vmcb {
	struct vmcb_ctrl ctrl;                  /* 0x000 */
	struct vmcb_state state;                /* 0x400 */
} __attribute__((aligned(4096)));

_Static_assert(sizeof(struct vmcb) == 4096, "APM Vol.2 15.5: the VMCB is one page");
_Static_assert(offsetof(struct vmcb, state) == 0x400, "APM Vol.2 App. B");

/* ---------------------------------------------------------------------- */
/* Exit codes, in APM order (APM Vol.2 Appendix C) */

#define VMCB_EXITCODE_CR_READ(n)        (0x000 + (n))
#define VMCB_EXITCODE_CR_WRITE(n)       (0x010 + (n))
#define VMCB_EXITCODE_DR_READ(n)        (0x020 + (n))
#define VMCB_EXITCODE_DR_WRITE(n)       (0x030 + (n))
#define VMCB_EXITCODE_EXC(vec)          (0x040 + (vec))
#define VMCB_EXITCODE_INTR              0x060
#define VMCB_EXITCODE_NMI               0x061
#define VMCB_EXITCODE_SMI               0x062
#define VMCB_EXITCODE_INIT              0x063
#define VMCB_EXITCODE_VINTR             0x064
#define VMCB_EXITCODE_CR0_SEL_WRITE     0x065
#define VMCB_EXITCODE_IDTR_READ         0x066
#define VMCB_EXITCODE_GDTR_READ         0x067
#define VMCB_EXITCODE_LDTR_READ         0x068
#define VMCB_EXITCODE_TR_READ           0x069
#define VMCB_EXITCODE_IDTR_WRITE        0x06a
#define VMCB_EXITCODE_GDTR_WRITE        0x06b
#define VMCB_EXITCODE_LDTR_WRITE        0x06c
#define VMCB_EXITCODE_TR_WRITE          0x06d
#define VMCB_EXITCODE_RDTSC             0x06e
#define VMCB_EXITCODE_RDPMC             0x06f
#define VMCB_EXITCODE_PUSHF             0x070
#define VMCB_EXITCODE_POPF              0x071
#define VMCB_EXITCODE_CPUID             0x072
#define VMCB_EXITCODE_RSM               0x073
#define VMCB_EXITCODE_IRET              0x074
#define VMCB_EXITCODE_SWINT             0x075
#define VMCB_EXITCODE_INVD              0x076
#define VMCB_EXITCODE_PAUSE             0x077
#define VMCB_EXITCODE_HLT               0x078
#define VMCB_EXITCODE_INVLPG            0x079
#define VMCB_EXITCODE_INVLPGA           0x07a
#define VMCB_EXITCODE_IOIO              0x07b
#define VMCB_EXITCODE_MSR               0x07c
#define VMCB_EXITCODE_TASK_SWITCH       0x07d
#define VMCB_EXITCODE_FERR_FREEZE       0x07e
#define VMCB_EXITCODE_SHUTDOWN          0x07f
#define VMCB_EXITCODE_VMRUN             0x080
#define VMCB_EXITCODE_VMMCALL           0x081
#define VMCB_EXITCODE_VMLOAD            0x082
#define VMCB_EXITCODE_VMSAVE            0x083
#define VMCB_EXITCODE_STGI              0x084
#define VMCB_EXITCODE_CLGI              0x085
#define VMCB_EXITCODE_SKINIT            0x086
#define VMCB_EXITCODE_RDTSCP            0x087
#define VMCB_EXITCODE_ICEBP             0x088
#define VMCB_EXITCODE_WBINVD            0x089
#define VMCB_EXITCODE_MONITOR           0x08a
#define VMCB_EXITCODE_MWAIT             0x08b
#define VMCB_EXITCODE_MWAIT_CONDITIONAL 0x08c
#define VMCB_EXITCODE_XSETBV            0x08d
#define VMCB_EXITCODE_RDPRU             0x08e
#define VMCB_EXITCODE_EFER_WRITE_TRAP   0x08f
#define VMCB_EXITCODE_CR_WRITE_TRAP(n)  (0x090 + (n))
#define VMCB_EXITCODE_INVLPGB           0x0a0
#define VMCB_EXITCODE_INVLPGB_ILLEGAL   0x0a1
#define VMCB_EXITCODE_INVPCID           0x0a2
#define VMCB_EXITCODE_MCOMMIT           0x0a3
#define VMCB_EXITCODE_TLBSYNC           0x0a4
#define VMCB_EXITCODE_NPF               0x400
#define VMCB_EXITCODE_AVIC_INCOMPLETE   0x401
#define VMCB_EXITCODE_AVIC_NOACCEL      0x402
#define VMCB_EXITCODE_VMGEXIT           0x403
#define VMCB_EXITCODE_INVALID           ((uint64_t)-1)
/*
 * VMEXIT_INVALID as QEMU TCG stores it (its cpu_vmexit() took a 32-bit
 * exit code until late 2025: -1 arrives zero-extended). No exit code is
 * defined with that value, so it means the same.
 */
#define VMCB_EXITCODE_INVALID_32        0xffffffffULL
#define VMCB_EXITCODE_BUSY              ((uint64_t)-2)

/* ---------------------------------------------------------------------- */
/* VMCB clean bits (APM Vol.2 15.15) */

/* Words the covered VMCB fields pack into (the list is in vmcb_clean.c). */
#define VMCB_CLEAN_NWORDS       44

/*
 * What the CPU may hold in its VMCB state cache for one VMCB: every
 * field a clean bit covers (packed into 64-bit words) as the last #VMEXIT
 * left it, and which VMCB it was. vmcb_clean_bits() sets a group's clean
 * bit only if none of its fields changed since then, so there is no
 * "mark dirty" call a VMCB write could forget: the CPU cannot run on a
 * stale cached value.
 */
struct vmcb_clean_shadow {
	const struct vmcb *vmcb;        /* the VMCB snapshotted; NULL = nothing */
	uint64_t word[VMCB_CLEAN_NWORDS];
};

/*
 * The VMCB clean field for the next VMRUN of v: VMCB_CTRL_CLEAN_* bits of
 * the groups whose fields all equal the shadow, never any bit outside
 * VMCB_CTRL_CLEAN_DEFINED. Returns 0 (reload everything) if the shadow
 * holds nothing or was taken from another VMCB (15.15.2: first run,
 * VMCB moved). Pure: reads memory only, so the host unit tests run it.
 */
uint32_t vmcb_clean_bits(const struct vmcb *v, const struct vmcb_clean_shadow *shadow);

/* Record v's covered fields after a #VMEXIT: what the CPU now has cached. */
void vmcb_clean_snapshot(struct vmcb_clean_shadow *shadow, const struct vmcb *v);

/* Forget the snapshot: the next vmcb_clean_bits() returns 0. */
static inline void vmcb_clean_invalidate(struct vmcb_clean_shadow *shadow)
{
	shadow->vmcb = NULL;
}

/* True for VMEXIT_INVALID: VMRUN refused the VMCB (15.5.1). */
static inline bool vmcb_exitcode_is_invalid(uint64_t code)
{
	return code == VMCB_EXITCODE_INVALID || code == VMCB_EXITCODE_INVALID_32;
}

/* Name of an exit code for logs and statistics ("CPUID", "EXC_PF", ...); "UNKNOWN" otherwise. */
const char *vmcb_exitcode_str(uint64_t code);

/* Print the interesting parts of a VMCB (control and state) on the console. */
void vmcb_dump(const struct vmcb *vmcb);

#endif /* HV_VMCB_H */
