/*
 * boot_state.h - the vCPU state a guest loader hands to the hypervisor:
 * everything the first VMRUN needs that is not guest memory, independent
 * of SVM (the caller copies it into the VMCB and its saved GPRs).
 *
 * Segment registers use struct x86_segment of the assist library (the
 * VMCB's packed 12-bit attributes, byte-granular limit; AMD APM Vol.2
 * 15.5.1 / Appendix B). Descriptor-table registers are base + limit.
 * CR0/CR4/EFER are the values the guest sees (the hypervisor adds
 * EFER.SVME in the VMCB itself).
 *
 * What is not here, because no loader needs it: LDTR and TR (the caller
 * keeps its reset values: null LDT, busy 32-bit TSS at 0), CR2, DR6/DR7,
 * PAT (power-on values). A20 has no register: the guest machine has no
 * A20 gate, so A20 is always on.
 */
#ifndef LOADER_BOOT_STATE_H
#define LOADER_BOOT_STATE_H

#include "x86_state.h"

enum boot_mode {
	BOOT_MODE_REAL16,       /* 16-bit real mode (CR0.PE = 0) */
	BOOT_MODE_PROT32,       /* 32-bit protected mode, paging off */
	BOOT_MODE_LONG64,       /* 64-bit mode: EFER.LMA, CS.L */
};

/* GDTR / IDTR: limit is the last valid byte offset (SDM Vol.3 3.5.1). */
struct boot_dtr {
	uint64_t base;
	uint16_t limit;
};

struct boot_state {
	enum boot_mode mode;
	uint64_t rip;
	uint64_t rflags;
	uint64_t gpr[X86_GPR_COUNT];    /* RSP is gpr[X86_GPR_RSP] */
	struct x86_segment seg[X86_SEG_COUNT];
	struct boot_dtr gdtr, idtr;
	uint64_t cr0, cr3, cr4;
	uint64_t efer;
};

/* CR0.ET (bit 4): reads as 1 on every CPU since the 486 (SDM Vol.3 2.5). */
#define BOOT_CR0_ET     BIT(4)
/* RFLAGS bit 1 is reserved and always 1 (SDM Vol.1 3.4.3). */
#define BOOT_RFLAGS_RSVD1 BIT(1)

/*
 * A GDT entry (SDM Vol.3 3.4.5, Figure 3-8) as the 64-bit word in
 * memory. access = descriptor byte 5 (type, S, DPL, P); flags = the
 * high nibble of byte 6 (AVL, L, D/B, G).
 */
#define BOOT_DESC_ACCESS BITS(47, 40)
#define BOOT_DESC_FLAGS  BITS(55, 52)

/* Access bytes and flag nibbles of the flat descriptors the loaders use. */
#define BOOT_ACCESS_CODE 0x9bu  /* P, DPL 0, S, type 0xb: execute/read, accessed */
#define BOOT_ACCESS_DATA 0x93u  /* P, DPL 0, S, type 0x3: read/write, accessed */
#define BOOT_FLAGS_32    0xcu   /* G (4 KiB units), D/B (32-bit) */
#define BOOT_FLAGS_64    0xau   /* G, L (64-bit code), D/B clear */

/*
 * boot_desc - the GDT entry for base, limit (20-bit, in units chosen by
 * the G bit of flags), access byte and flags nibble.
 */
uint64_t boot_desc(uint32_t base, uint32_t limit20, uint8_t access, uint8_t flags);

/*
 * boot_seg_from_desc - the segment register the CPU holds after loading
 * selector sel with descriptor desc: base, byte-granular limit (G
 * applied), VMCB attributes (access byte in attr[7:0], flags nibble in
 * attr[11:8]). Loaders build the GDT in guest memory and the hidden
 * segment state from the same words, so the two can never disagree.
 */
struct x86_segment boot_seg_from_desc(uint16_t sel, uint64_t desc);

/*
 * boot_state_real - 16-bit real mode with CS:IP = cs:ip, DS = ES = FS =
 * GS = SS = 0, SP = sp, every limit 0xffff, RFLAGS = 0x2, CR0 = ET,
 * CR3 = CR4 = EFER = 0, IDTR = {0, 0x3ff} (the real-mode vector table),
 * GDTR = {0, 0xffff} (the reset values, SDM Vol.3 Table 10-1), all
 * other GPRs 0.
 */
void boot_state_real(struct boot_state *s, uint16_t cs, uint16_t ip, uint16_t sp);

/*
 * boot_state_raw - the raw flat binary contract of include/guest_abi.h:
 * boot_state_real() at GUEST_ENTRY_CS:0000 with SP = GUEST_ENTRY_SP.
 */
void boot_state_raw(struct boot_state *s);

/*
 * The loaders' GDT: the guest-physical address where it was written and
 * the same entries as host words (n entries, GDTR limit n * 8 - 1).
 */
struct boot_gdt {
	uint64_t gpa;
	const uint64_t *desc;
	unsigned n;
};

/*
 * boot_state_prot32 - 32-bit protected mode, paging off: CS = code_sel;
 * DS, ES, FS, GS, SS = data_sel, their hidden parts from the entries of
 * gdt (boot_seg_from_desc); CR0 = PE | ET, CR3 = CR4 = EFER = 0,
 * RFLAGS = 0x2 (IF = VM = 0), IDTR = {0, 0} (an exception before the
 * guest loads its own IDT ends in a shutdown), GPRs 0, RIP = entry.
 * The selectors must index entries of gdt (the loaders' own constants).
 */
void boot_state_prot32(struct boot_state *s, const struct boot_gdt *gdt,
		       uint16_t code_sel, uint16_t data_sel, uint32_t entry);

/*
 * boot_state_long64 - 64-bit mode with 4-level paging from the tables at
 * cr3: CR0 = PE | ET | PG, CR4 = PAE, EFER = LME | LMA; CS = code_sel
 * (a 64-bit code segment), DS, ES, FS, GS, SS = data_sel, as for
 * boot_state_prot32; RFLAGS = 0x2, IDTR = {0, 0}, GPRs 0, RIP = entry.
 */
void boot_state_long64(struct boot_state *s, const struct boot_gdt *gdt,
		       uint16_t code_sel, uint16_t data_sel, uint64_t cr3,
		       uint64_t entry);

#endif /* LOADER_BOOT_STATE_H */
