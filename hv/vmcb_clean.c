/*
 * vmcb_clean.c - the VMCB clean bits (APM Vol.2 15.15): which groups of
 * VMCB fields still hold what the CPU may have cached from the last
 * #VMEXIT. Pure (reads and writes memory only), so tests/unit runs it on
 * the host. Declared in vmcb.h.
 */
#include "vmcb.h"

/* Two adjacent 32-bit fields as one word (the compiler makes it one load). */
#define VMCB_CLEAN_PAIR32(lo, hi) ((uint64_t)(lo) | (uint64_t)(hi) << 32)
/* Selector, attributes and limit of a segment: its first 8 bytes. */
#define VMCB_CLEAN_SEGLO(s) \
	((uint64_t)(s).sel | (uint64_t)(s).attr << 16 | (uint64_t)(s).limit << 32)

/*
 * Every VMCB field a clean bit covers (APM Vol.2 15.15.3, "VMCB Clean
 * Field"), as 64-bit words W(expression of the VMCB v), each group closed
 * by G(its bit). The shadow keeps one word per W, in this order. Only the
 * named fields are read, not the reserved bytes around them. Where the
 * table is vague the choice errs towards reloading: NP_ENABLE (np_ctrl,
 * with the SEV enables next to it) is not named, but it belongs to nested
 * paging, so it counts as NP; a wrong guess there can cost an extra
 * reload, never a stale value. Fields not listed (FS, GS, TR, LDTR and
 * the syscall MSRs of VMLOAD/VMSAVE, virt_ext, nRIP) are never cached
 * through a clean bit.
 */
#define VMCB_CLEAN_FIELDS(W, G)                                                 \
	W(VMCB_CLEAN_PAIR32(v->ctrl.intercept_cr, v->ctrl.intercept_dr))        \
	W(VMCB_CLEAN_PAIR32(v->ctrl.intercept_exc, v->ctrl.intercept_misc1))    \
	W(VMCB_CLEAN_PAIR32(v->ctrl.intercept_misc2, v->ctrl.intercept_misc3))  \
	W(v->ctrl.pause_filter_thresh | (uint32_t)v->ctrl.pause_filter_count << 16) \
	W(v->ctrl.tsc_offset)                                                   \
	G(I)                                                                    \
	W(v->ctrl.iopm_base_pa)                                                 \
	W(v->ctrl.msrpm_base_pa)                                                \
	G(IOPM)                                                                 \
	W(v->ctrl.asid)                                                         \
	G(ASID)                                                                 \
	W(v->ctrl.v_intr)                                                       \
	G(TPR)                                                                  \
	W(v->ctrl.np_ctrl)                                                      \
	W(v->ctrl.n_cr3)                                                        \
	W(v->state.g_pat)                                                       \
	G(NP)                                                                   \
	W(v->state.cr0)                                                         \
	W(v->state.cr3)                                                         \
	W(v->state.cr4)                                                         \
	W(v->state.efer)                                                        \
	G(CRX)                                                                  \
	W(v->state.dr6)                                                         \
	W(v->state.dr7)                                                         \
	G(DRX)                                                                  \
	W(v->state.gdtr.limit)                                                  \
	W(v->state.gdtr.base)                                                   \
	W(v->state.idtr.limit)                                                  \
	W(v->state.idtr.base)                                                   \
	G(DT)                                                                   \
	W(VMCB_CLEAN_SEGLO(v->state.es))                                        \
	W(v->state.es.base)                                                     \
	W(VMCB_CLEAN_SEGLO(v->state.cs))                                        \
	W(v->state.cs.base)                                                     \
	W(VMCB_CLEAN_SEGLO(v->state.ss))                                        \
	W(v->state.ss.base)                                                     \
	W(VMCB_CLEAN_SEGLO(v->state.ds))                                        \
	W(v->state.ds.base)                                                     \
	W(v->state.cpl)                                                         \
	G(SEG)                                                                  \
	W(v->state.cr2)                                                         \
	G(CR2)                                                                  \
	W(v->state.dbgctl)                                                      \
	W(v->state.br_from)                                                     \
	W(v->state.br_to)                                                       \
	W(v->state.lastexcpfrom)                                                \
	W(v->state.lastexcpto)                                                  \
	G(LBR)                                                                  \
	W(v->ctrl.avic_apic_bar)                                                \
	W(v->ctrl.avic_backing_page)                                            \
	W(v->ctrl.avic_logical_table)                                           \
	W(v->ctrl.avic_physical_table)                                          \
	G(AVIC)                                                                 \
	W(v->state.s_cet)                                                       \
	W(v->state.ssp)                                                         \
	W(v->state.isst_addr)                                                   \
	G(CET)

#define VMCB_CLEAN_COUNT_W(word) + 1
#define VMCB_CLEAN_COUNT_G(bit)
_Static_assert(0 VMCB_CLEAN_FIELDS(VMCB_CLEAN_COUNT_W, VMCB_CLEAN_COUNT_G) ==
	       VMCB_CLEAN_NWORDS, "VMCB_CLEAN_NWORDS must match the list in vmcb_clean.c");
#define VMCB_CLEAN_COUNT_BIT(bit) | VMCB_CTRL_CLEAN_##bit
#define VMCB_CLEAN_NO_W(word)
_Static_assert((0 VMCB_CLEAN_FIELDS(VMCB_CLEAN_NO_W, VMCB_CLEAN_COUNT_BIT)) ==
	       VMCB_CTRL_CLEAN_DEFINED, "every defined clean bit has its group");

/*
 * The shadow is taken right after #VMEXIT, not before VMRUN: the guest
 * itself changes cached state (MOV CR3, LGDT, a CR8 write into V_TPR, a
 * #PF setting CR2...), the CPU updates its cache and writes the new value
 * to the VMCB on #VMEXIT, and 15.15.2 makes the hypervisor answer only
 * for its own writes after that. A shadow from before VMRUN would miss a
 * handler that puts back the old value of a field the guest changed.
 *
 * This runs before every VMRUN, so it is straight-line code: XOR each
 * word with its shadow and OR the results; at the end of a group, the
 * group is clean if that OR is zero. No memcmp (-fno-builtin makes it a
 * call, and it would stop at the first difference of each group anyway).
 */
uint32_t vmcb_clean_bits(const struct vmcb *v, const struct vmcb_clean_shadow *shadow)
{
	const uint64_t *w = shadow->word;
	uint64_t diff = 0;
	uint32_t clean = 0;

	if (shadow->vmcb != v)
		return 0;
#define VMCB_CLEAN_CMP_W(word) diff |= *w++ ^ (uint64_t)(word);
#define VMCB_CLEAN_CMP_G(bit)                                   \
	clean |= diff == 0 ? (uint32_t)VMCB_CTRL_CLEAN_##bit : 0;       \
	diff = 0;
	VMCB_CLEAN_FIELDS(VMCB_CLEAN_CMP_W, VMCB_CLEAN_CMP_G)
#undef VMCB_CLEAN_CMP_W
#undef VMCB_CLEAN_CMP_G
	return clean;
}

void vmcb_clean_snapshot(struct vmcb_clean_shadow *shadow, const struct vmcb *v)
{
	uint64_t *w = shadow->word;

#define VMCB_CLEAN_COPY_W(word) *w++ = (uint64_t)(word);
#define VMCB_CLEAN_COPY_G(bit)
	VMCB_CLEAN_FIELDS(VMCB_CLEAN_COPY_W, VMCB_CLEAN_COPY_G)
#undef VMCB_CLEAN_COPY_W
#undef VMCB_CLEAN_COPY_G
	shadow->vmcb = v;
}
