/*
 * test_insn_len.c - host tests for hv/insn_len.c, the length decoder that
 * finds the next RIP of an intercepted instruction on CPUs without
 * NRIP-save: plain forms, legacy prefixes, REX in 64-bit mode (also where
 * the CPU ignores it: not right before the opcode, or twice), REX bytes
 * outside 64-bit mode (they are INC/DEC there), the 15-byte limit,
 * truncated buffers and bytes that are not the instruction of the exit.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../hv/insn_len.h"
#include "../../hv/vmcb.h"
#include "utap.h"

struct insn_len_case {
	const char *name;
	uint64_t exitcode;
	enum x86_cpu_mode mode;
	uint8_t bytes[20];
	unsigned n;
	int want;
};

#define M16 X86_MODE_REAL16
#define M32 X86_MODE_PROT32
#define M64 X86_MODE_LONG64
#define CPUID VMCB_EXITCODE_CPUID

static const struct insn_len_case cases[] = {
	{ "cpuid, 16-bit",                CPUID, M16, { 0x0f, 0xa2 }, 2, 2 },
	{ "cpuid, 32-bit",                CPUID, M32, { 0x0f, 0xa2 }, 2, 2 },
	{ "cpuid, 64-bit",                CPUID, M64, { 0x0f, 0xa2 }, 2, 2 },
	{ "cpuid with trailing bytes",    CPUID, M64, { 0x0f, 0xa2, 0x90, 0x90 }, 4, 2 },
	{ "cpuid then 03, 3 bytes given", CPUID, M64, { 0x0f, 0xa2, 0x03 }, 3, 2 },
	{ "prefix, then cpuid past n",    CPUID, M64, { 0x66, 0x66, 0x0f, 0xa2 }, 1, -1 },
	{ "66 cpuid",                     CPUID, M32, { 0x66, 0x0f, 0xa2 }, 3, 3 },
	{ "f3 2e 67 cpuid",               CPUID, M16, { 0xf3, 0x2e, 0x67, 0x0f, 0xa2 }, 5, 5 },
	{ "REX.W cpuid, 64-bit",          CPUID, M64, { 0x48, 0x0f, 0xa2 }, 3, 3 },
	{ "66 REX.W cpuid, 64-bit",       CPUID, M64, { 0x66, 0x48, 0x0f, 0xa2 }, 4, 4 },
	{ "REX then 66 (REX ignored)",    CPUID, M64, { 0x48, 0x66, 0x0f, 0xa2 }, 4, 4 },
	{ "two REX prefixes",             CPUID, M64, { 0x40, 0x48, 0x0f, 0xa2 }, 4, 4 },
	{ "REX 66 REX",                   CPUID, M64, { 0x41, 0x66, 0x4f, 0x0f, 0xa2 }, 5, 5 },
	{ "48 is DEC eax in 32-bit mode", CPUID, M32, { 0x48, 0x0f, 0xa2 }, 3, -1 },
	{ "40 is INC ax in 16-bit mode",  CPUID, M16, { 0x40, 0x0f, 0xa2 }, 3, -1 },
	{ "13 prefixes + cpuid = 15",     CPUID, M32,
	  { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x0f, 0xa2 }, 15, 15 },
	{ "14 prefixes + cpuid > 15",     CPUID, M32,
	  { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x0f, 0xa2 }, 16, -1 },
	{ "cpuid cut after 0f",           CPUID, M64, { 0x0f, 0xa2 }, 1, -1 },
	{ "prefix only",                  CPUID, M64, { 0x66 }, 1, -1 },
	{ "empty buffer",                 CPUID, M64, { 0 }, 0, -1 },
	{ "nop is not cpuid",             CPUID, M64, { 0x90 }, 1, -1 },
	{ "rdtsc is not cpuid",           CPUID, M64, { 0x0f, 0x31 }, 2, -1 },
	{ "rdmsr",             VMCB_EXITCODE_MSR, M64, { 0x0f, 0x32 }, 2, 2 },
	{ "wrmsr",             VMCB_EXITCODE_MSR, M32, { 0x0f, 0x30 }, 2, 2 },
	{ "REX.W wrmsr",       VMCB_EXITCODE_MSR, M64, { 0x48, 0x0f, 0x30 }, 3, 3 },
	{ "rdtsc is not an MSR access", VMCB_EXITCODE_MSR, M64, { 0x0f, 0x31 }, 2, -1 },
	{ "hlt",               VMCB_EXITCODE_HLT, M16, { 0xf4 }, 1, 1 },
	{ "rep hlt",           VMCB_EXITCODE_HLT, M64, { 0xf3, 0xf4 }, 2, 2 },
	{ "invd",              VMCB_EXITCODE_INVD, M64, { 0x0f, 0x08 }, 2, 2 },
	{ "wbinvd is not invd", VMCB_EXITCODE_INVD, M64, { 0x0f, 0x09 }, 2, -1 },
	{ "wbinvd",            VMCB_EXITCODE_WBINVD, M32, { 0x0f, 0x09 }, 2, 2 },
	{ "invd under the WBINVD exit (QEMU 7.2)", VMCB_EXITCODE_WBINVD, M16,
	  { 0x0f, 0x08 }, 2, 2 },
	{ "0f 0a is neither",  VMCB_EXITCODE_WBINVD, M64, { 0x0f, 0x0a }, 2, -1 },
	{ "vmmcall",           VMCB_EXITCODE_VMMCALL, M64, { 0x0f, 0x01, 0xd9 }, 3, 3 },
	{ "66 vmmcall",        VMCB_EXITCODE_VMMCALL, M16, { 0x66, 0x0f, 0x01, 0xd9 }, 4, 4 },
	{ "vmrun is not vmmcall", VMCB_EXITCODE_VMMCALL, M64, { 0x0f, 0x01, 0xd8 }, 3, -1 },
	{ "vmmcall cut after 0f 01", VMCB_EXITCODE_VMMCALL, M64, { 0x0f, 0x01, 0xd9 }, 2, -1 },
	{ "exit code without a form", VMCB_EXITCODE_IOIO, M64, { 0xe6, 0x80 }, 2, -1 },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct insn_len_case *c = &cases[i];
		int got = insn_len_intercepted(c->exitcode, c->bytes, c->n, c->mode);

		ut_ok(got == c->want, c->name, "wanted %d got %d", c->want, got);
	}
	return ut_done();
}
