/*
 * vmcb_exitname.c - names of the #VMEXIT codes for logs, traces and the
 * exit statistics. Names follow the APM's SVM_EXIT_* mnemonics without
 * the prefix (APM Vol.2 Appendix C, "SVM Intercept Exit Codes").
 * Declared in vmcb.h.
 */
#include "vmcb.h"

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
