/*
 * boot_state.c - initial vCPU states for the guest loaders: real mode
 * (the raw binary contract of include/guest_abi.h), flat 32-bit
 * protected mode (multiboot), 64-bit mode (the Linux 64-bit boot
 * protocol). Segment formats: SDM Vol.3 3.4.5 (descriptors), AMD APM
 * Vol.2 15.5.1 / Appendix B (VMCB segment attributes).
 */
#include "boot_state.h"
#include "guest_abi.h"

/* Descriptor fields (SDM Vol.3 Figure 3-8). */
#define BOOT_DESC_LIMIT_LO BITS(15, 0)
#define BOOT_DESC_BASE_LO  BITS(39, 16)
#define BOOT_DESC_LIMIT_HI BITS(51, 48)
#define BOOT_DESC_BASE_HI  BITS(63, 56)
#define BOOT_DESC_G        BIT(55)

uint64_t boot_desc(uint32_t base, uint32_t limit20, uint8_t access, uint8_t flags)
{
	return SHIFTIN(limit20 & 0xffff, BOOT_DESC_LIMIT_LO) |
	       SHIFTIN(base & 0xffffff, BOOT_DESC_BASE_LO) |
	       SHIFTIN(access, BOOT_DESC_ACCESS) |
	       SHIFTIN((limit20 >> 16) & 0xf, BOOT_DESC_LIMIT_HI) |
	       SHIFTIN(flags & 0xf, BOOT_DESC_FLAGS) |
	       SHIFTIN(base >> 24, BOOT_DESC_BASE_HI);
}

struct x86_segment boot_seg_from_desc(uint16_t sel, uint64_t desc)
{
	struct x86_segment s;
	uint32_t limit = (uint32_t)(SHIFTOUT(desc, BOOT_DESC_LIMIT_LO) |
				    SHIFTOUT(desc, BOOT_DESC_LIMIT_HI) << 16);

	s.sel = sel;
	/* The VMCB packs descriptor bits 47:40 and 55:52 into 12 bits. */
	s.attr = (uint16_t)(SHIFTOUT(desc, BOOT_DESC_ACCESS) |
			    SHIFTOUT(desc, BOOT_DESC_FLAGS) << 8);
	/* G: the limit counts 4 KiB units, the low 12 bits read as ones. */
	s.limit = (desc & BOOT_DESC_G) ? (limit << 12) | 0xfff : limit;
	s.base = SHIFTOUT(desc, BOOT_DESC_BASE_LO) | SHIFTOUT(desc, BOOT_DESC_BASE_HI) << 24;
	return s;
}

/* A real-mode segment: base = sel * 16, limit 64 KiB, present. */
static struct x86_segment boot_seg_real(uint16_t sel, uint8_t access)
{
	struct x86_segment s = {
		.sel = sel, .attr = access, .limit = 0xffff, .base = (uint64_t)sel << 4,
	};

	return s;
}

void boot_state_real(struct boot_state *s, uint16_t cs, uint16_t ip, uint16_t sp)
{
	memset(s, 0, sizeof(*s));
	s->mode = BOOT_MODE_REAL16;
	s->rip = ip;
	s->rflags = BOOT_RFLAGS_RSVD1;
	s->gpr[X86_GPR_RSP] = sp;
	for (unsigned i = 0; i < X86_SEG_COUNT; i++)
		s->seg[i] = boot_seg_real(0, BOOT_ACCESS_DATA);
	s->seg[X86_SEG_CS] = boot_seg_real(cs, BOOT_ACCESS_CODE);
	s->gdtr.limit = 0xffff;
	s->idtr.limit = 0x3ff;          /* 256 four-byte real-mode vectors */
	s->cr0 = BOOT_CR0_ET;
}

void boot_state_raw(struct boot_state *s)
{
	boot_state_real(s, GUEST_ENTRY_CS, 0, GUEST_ENTRY_SP);
}

/* The segment registers from gdt: CS = code_sel, all others data_sel. */
static void boot_state_flat(struct boot_state *s, const struct boot_gdt *gdt,
			    uint16_t code_sel, uint16_t data_sel)
{
	uint64_t code = gdt->desc[code_sel >> 3], data = gdt->desc[data_sel >> 3];

	for (unsigned i = 0; i < X86_SEG_COUNT; i++)
		s->seg[i] = boot_seg_from_desc(data_sel, data);
	s->seg[X86_SEG_CS] = boot_seg_from_desc(code_sel, code);
	s->gdtr.base = gdt->gpa;
	s->gdtr.limit = (uint16_t)(gdt->n * 8 - 1);
}

void boot_state_prot32(struct boot_state *s, const struct boot_gdt *gdt,
		       uint16_t code_sel, uint16_t data_sel, uint32_t entry)
{
	memset(s, 0, sizeof(*s));
	s->mode = BOOT_MODE_PROT32;
	s->rip = entry;
	s->rflags = BOOT_RFLAGS_RSVD1;
	boot_state_flat(s, gdt, code_sel, data_sel);
	s->cr0 = X86_CR0_PE | BOOT_CR0_ET;
}

void boot_state_long64(struct boot_state *s, const struct boot_gdt *gdt,
		       uint16_t code_sel, uint16_t data_sel, uint64_t cr3,
		       uint64_t entry)
{
	memset(s, 0, sizeof(*s));
	s->mode = BOOT_MODE_LONG64;
	s->rip = entry;
	s->rflags = BOOT_RFLAGS_RSVD1;
	boot_state_flat(s, gdt, code_sel, data_sel);
	/* APM Vol.2 14.6.1: long mode is PE, PAE, LME, then PG (LMA follows). */
	s->cr0 = X86_CR0_PE | BOOT_CR0_ET | X86_CR0_PG;
	s->cr3 = cr3;
	s->cr4 = X86_CR4_PAE;
	s->efer = X86_EFER_LME | X86_EFER_LMA;
}
