/*
 * vmcb.c - exit-code names, the VMCB dump printed on fatal guest errors,
 * and the computation of the VMCB clean bits.
 *
 * Names follow the APM's SVM_EXIT_* mnemonics without the prefix
 * (APM Vol.2 Appendix C, "SVM Intercept Exit Codes").
 */
#include "vmcb.h"
#include "log.h"

/* ---------------------------------------------------------------------- */
/* VMCB clean bits (APM Vol.2 15.15) */

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
	       VMCB_CLEAN_NWORDS, "VMCB_CLEAN_NWORDS must match the list in vmcb.c");
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

/* ---------------------------------------------------------------------- */
/* Exit-code names */

static const char *const vmcb_exitcode_names[] = {
	[VMCB_EXITCODE_INTR]              = "INTR",
	[VMCB_EXITCODE_NMI]               = "NMI",
	[VMCB_EXITCODE_SMI]               = "SMI",
	[VMCB_EXITCODE_INIT]              = "INIT",
	[VMCB_EXITCODE_VINTR]             = "VINTR",
	[VMCB_EXITCODE_CR0_SEL_WRITE]     = "CR0_SEL_WRITE",
	[VMCB_EXITCODE_IDTR_READ]         = "IDTR_READ",
	[VMCB_EXITCODE_GDTR_READ]         = "GDTR_READ",
	[VMCB_EXITCODE_LDTR_READ]         = "LDTR_READ",
	[VMCB_EXITCODE_TR_READ]           = "TR_READ",
	[VMCB_EXITCODE_IDTR_WRITE]        = "IDTR_WRITE",
	[VMCB_EXITCODE_GDTR_WRITE]        = "GDTR_WRITE",
	[VMCB_EXITCODE_LDTR_WRITE]        = "LDTR_WRITE",
	[VMCB_EXITCODE_TR_WRITE]          = "TR_WRITE",
	[VMCB_EXITCODE_RDTSC]             = "RDTSC",
	[VMCB_EXITCODE_RDPMC]             = "RDPMC",
	[VMCB_EXITCODE_PUSHF]             = "PUSHF",
	[VMCB_EXITCODE_POPF]              = "POPF",
	[VMCB_EXITCODE_CPUID]             = "CPUID",
	[VMCB_EXITCODE_RSM]               = "RSM",
	[VMCB_EXITCODE_IRET]              = "IRET",
	[VMCB_EXITCODE_SWINT]             = "SWINT",
	[VMCB_EXITCODE_INVD]              = "INVD",
	[VMCB_EXITCODE_PAUSE]             = "PAUSE",
	[VMCB_EXITCODE_HLT]               = "HLT",
	[VMCB_EXITCODE_INVLPG]            = "INVLPG",
	[VMCB_EXITCODE_INVLPGA]           = "INVLPGA",
	[VMCB_EXITCODE_IOIO]              = "IOIO",
	[VMCB_EXITCODE_MSR]               = "MSR",
	[VMCB_EXITCODE_TASK_SWITCH]       = "TASK_SWITCH",
	[VMCB_EXITCODE_FERR_FREEZE]       = "FERR_FREEZE",
	[VMCB_EXITCODE_SHUTDOWN]          = "SHUTDOWN",
	[VMCB_EXITCODE_VMRUN]             = "VMRUN",
	[VMCB_EXITCODE_VMMCALL]           = "VMMCALL",
	[VMCB_EXITCODE_VMLOAD]            = "VMLOAD",
	[VMCB_EXITCODE_VMSAVE]            = "VMSAVE",
	[VMCB_EXITCODE_STGI]              = "STGI",
	[VMCB_EXITCODE_CLGI]              = "CLGI",
	[VMCB_EXITCODE_SKINIT]            = "SKINIT",
	[VMCB_EXITCODE_RDTSCP]            = "RDTSCP",
	[VMCB_EXITCODE_ICEBP]             = "ICEBP",
	[VMCB_EXITCODE_WBINVD]            = "WBINVD",
	[VMCB_EXITCODE_MONITOR]           = "MONITOR",
	[VMCB_EXITCODE_MWAIT]             = "MWAIT",
	[VMCB_EXITCODE_MWAIT_CONDITIONAL] = "MWAIT_CONDITIONAL",
	[VMCB_EXITCODE_XSETBV]            = "XSETBV",
	[VMCB_EXITCODE_RDPRU]             = "RDPRU",
	[VMCB_EXITCODE_EFER_WRITE_TRAP]   = "EFER_WRITE_TRAP",
	[VMCB_EXITCODE_INVLPGB]           = "INVLPGB",
	[VMCB_EXITCODE_INVLPGB_ILLEGAL]   = "INVLPGB_ILLEGAL",
	[VMCB_EXITCODE_INVPCID]           = "INVPCID",
	[VMCB_EXITCODE_MCOMMIT]           = "MCOMMIT",
	[VMCB_EXITCODE_TLBSYNC]           = "TLBSYNC",
};

/* Names of the ranged codes: CR/DR accesses and exceptions, by number. */
static const char *const vmcb_cr_read_names[16] = {
	"CR0_READ", "CR1_READ", "CR2_READ", "CR3_READ", "CR4_READ", "CR5_READ",
	"CR6_READ", "CR7_READ", "CR8_READ", "CR9_READ", "CR10_READ", "CR11_READ",
	"CR12_READ", "CR13_READ", "CR14_READ", "CR15_READ",
};
static const char *const vmcb_cr_write_names[16] = {
	"CR0_WRITE", "CR1_WRITE", "CR2_WRITE", "CR3_WRITE", "CR4_WRITE", "CR5_WRITE",
	"CR6_WRITE", "CR7_WRITE", "CR8_WRITE", "CR9_WRITE", "CR10_WRITE", "CR11_WRITE",
	"CR12_WRITE", "CR13_WRITE", "CR14_WRITE", "CR15_WRITE",
};
static const char *const vmcb_exc_names[32] = {
	"EXC_DE", "EXC_DB", "EXC_NMI", "EXC_BP", "EXC_OF", "EXC_BR", "EXC_UD", "EXC_NM",
	"EXC_DF", "EXC_9", "EXC_TS", "EXC_NP", "EXC_SS", "EXC_GP", "EXC_PF", "EXC_15",
	"EXC_MF", "EXC_AC", "EXC_MC", "EXC_XF", "EXC_20", "EXC_CP", "EXC_22", "EXC_23",
	"EXC_24", "EXC_25", "EXC_26", "EXC_27", "EXC_HV", "EXC_VC", "EXC_SX", "EXC_31",
};

const char *vmcb_exitcode_str(uint64_t code)
{
	if (code < 0x10)
		return vmcb_cr_read_names[code];
	if (code < 0x20)
		return vmcb_cr_write_names[code - 0x10];
	if (code < 0x30)
		return "DR_READ";
	if (code < 0x40)
		return "DR_WRITE";
	if (code < 0x60)
		return vmcb_exc_names[code - 0x40];
	if (code >= 0x90 && code < 0xa0)
		return "CR_WRITE_TRAP";
	if (code < ARRAY_SIZE(vmcb_exitcode_names) && vmcb_exitcode_names[code] != NULL)
		return vmcb_exitcode_names[code];
	switch (code) {
	case VMCB_EXITCODE_NPF:             return "NPF";
	case VMCB_EXITCODE_AVIC_INCOMPLETE: return "AVIC_INCOMPLETE_IPI";
	case VMCB_EXITCODE_AVIC_NOACCEL:    return "AVIC_NOACCEL";
	case VMCB_EXITCODE_VMGEXIT:         return "VMGEXIT";
	case VMCB_EXITCODE_INVALID:         return "INVALID";
	case VMCB_EXITCODE_INVALID_32:      return "INVALID";
	case VMCB_EXITCODE_BUSY:            return "BUSY";
	default:                            return "UNKNOWN";
	}
}

/* ---------------------------------------------------------------------- */
/* Dump */

static void vmcb_dump_seg(const char *name, const struct vmcb_seg *s)
{
	kprintf("  %-4s sel=%04x attr=%03x limit=%08x base=%016llx\n", name,
		(unsigned)s->sel, (unsigned)s->attr, (unsigned)s->limit,
		(unsigned long long)s->base);
}

void vmcb_dump(const struct vmcb *vmcb)
{
	const struct vmcb_ctrl *c = &vmcb->ctrl;
	const struct vmcb_state *s = &vmcb->state;

	kprintf("VMCB dump:\n");
	kprintf("  exitcode=%llx (%s) exitinfo1=%llx exitinfo2=%llx exitintinfo=%llx\n",
		(unsigned long long)c->exitcode, vmcb_exitcode_str(c->exitcode),
		(unsigned long long)c->exitinfo1, (unsigned long long)c->exitinfo2,
		(unsigned long long)c->exitintinfo);
	kprintf("  intercepts cr=%08x dr=%08x exc=%08x misc1=%08x misc2=%08x\n",
		(unsigned)c->intercept_cr, (unsigned)c->intercept_dr,
		(unsigned)c->intercept_exc, (unsigned)c->intercept_misc1,
		(unsigned)c->intercept_misc2);
	kprintf("  iopm=%llx msrpm=%llx asid=%u tlb_ctrl=%u np=%llx n_cr3=%llx\n",
		(unsigned long long)c->iopm_base_pa, (unsigned long long)c->msrpm_base_pa,
		(unsigned)c->asid, (unsigned)c->tlb_ctrl, (unsigned long long)c->np_ctrl,
		(unsigned long long)c->n_cr3);
	kprintf("  v_intr=%llx intr_shadow=%llx eventinj=%llx nrip=%llx insn_len=%u\n",
		(unsigned long long)c->v_intr, (unsigned long long)c->intr_shadow,
		(unsigned long long)c->eventinj, (unsigned long long)c->nrip,
		(unsigned)c->insn_len);
	kprintf("  rip=%016llx rsp=%016llx rax=%016llx rflags=%llx cpl=%u\n",
		(unsigned long long)s->rip, (unsigned long long)s->rsp,
		(unsigned long long)s->rax, (unsigned long long)s->rflags,
		(unsigned)s->cpl);
	kprintf("  cr0=%llx cr2=%llx cr3=%llx cr4=%llx efer=%llx\n",
		(unsigned long long)s->cr0, (unsigned long long)s->cr2,
		(unsigned long long)s->cr3, (unsigned long long)s->cr4,
		(unsigned long long)s->efer);
	kprintf("  dr6=%llx dr7=%llx g_pat=%llx\n", (unsigned long long)s->dr6,
		(unsigned long long)s->dr7, (unsigned long long)s->g_pat);
	vmcb_dump_seg("es", &s->es);
	vmcb_dump_seg("cs", &s->cs);
	vmcb_dump_seg("ss", &s->ss);
	vmcb_dump_seg("ds", &s->ds);
	vmcb_dump_seg("fs", &s->fs);
	vmcb_dump_seg("gs", &s->gs);
	vmcb_dump_seg("gdtr", &s->gdtr);
	vmcb_dump_seg("ldtr", &s->ldtr);
	vmcb_dump_seg("idtr", &s->idtr);
	vmcb_dump_seg("tr", &s->tr);
}
