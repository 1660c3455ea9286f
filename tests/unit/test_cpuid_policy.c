/*
 * test_cpuid_policy.c - host tests for the CPUID policy of hv/exit_cpuid.c
 * (exit_cpuid_filter() and the hypervisor leaves of exit_cpuid()).
 *
 * The policy is written out here leaf by leaf from the header of
 * exit_cpuid.c and the bit positions from APM Vol.3 Appendix E and SDM
 * Vol.2 CPUID, as "bits cleared" and "bits set" per register; every leaf
 * is filtered from all-ones, all-zeros and two mixed host values, so a
 * bit that is hidden, forced, or wrongly touched shows up whatever the
 * host has (a guest under QEMU cannot see most of these: the host bits
 * are already clear there).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../hv/exit_priv.h"
#include "utap.h"

#define B(n) (1u << (n))

/* hv/tsc.c: the TSC frequency of the timing leaf. */
uint64_t tsc_hz(void)
{
	return 2345678000ull;
}

struct leaf_case {
	const char *name;
	uint32_t leaf;
	uint64_t cr4;
	uint32_t clear[4], set[4];      /* EAX, EBX, ECX, EDX */
};

#define CR4_OSXSAVE (1ull << 18)
#define CR4_PKE     (1ull << 22)
#define ALL 0xffffffffu

static const struct leaf_case cases[] = {
	/* APIC ID 0, one logical CPU; MONITOR, VMX, SMX, EST, TM2 hidden;
	 * x2APIC and TSC deadline set (the monitor's LAPIC); OSXSAVE =
	 * CR4.OSXSAVE; hypervisor bit set; APIC set; ACPI, HTT, TM hidden. */
	{ "leaf 1, CR4.OSXSAVE=0", 0x1, 0,
	  { 0, 0xff000000u | 0x00ff0000u,
	    B(3) | B(5) | B(6) | B(7) | B(8) | B(27), B(22) | B(28) | B(29) },
	  { 0, 0x00010000u, B(21) | B(24) | B(31), B(9) } },
	{ "leaf 1, CR4.OSXSAVE=1", 0x1, CR4_OSXSAVE,
	  { 0, 0xff000000u | 0x00ff0000u,
	    B(3) | B(5) | B(6) | B(7) | B(8), B(22) | B(28) | B(29) },
	  { 0, 0x00010000u, B(21) | B(24) | B(27) | B(31), B(9) } },
	{ "leaf 5 (MONITOR) zero", 0x5, 0, { ALL, ALL, ALL, ALL }, { 0 } },
	{ "leaf 6 (power) zero", 0x6, 0, { ALL, ALL, ALL, ALL }, { 0 } },
	{ "leaf 0xb (x2APIC topology) zero", 0xb, 0, { ALL, ALL, ALL, ALL }, { 0 } },
	{ "leaf 0x1f (topology) zero", 0x1f, 0, { ALL, ALL, ALL, ALL }, { 0 } },
	{ "leaf 7, CR4.PKE=0: OSPKE clear", 0x7, 0, { 0, 0, B(4), 0 }, { 0 } },
	{ "leaf 7, CR4.PKE=1: OSPKE set", 0x7, CR4_PKE, { 0, 0, 0, 0 }, { 0, 0, B(4), 0 } },
	/* CmpLegacy, SVM, ExtApicSpace, SKINIT, TopologyExtensions, MWAITX
	 * hidden; APIC in EDX set. TCE (ECX 17) and FFXSR (EDX 25) pass. */
	{ "leaf 0x80000001", 0x80000001, 0,
	  { 0, 0, B(1) | B(2) | B(3) | B(12) | B(22) | B(29), 0 }, { 0, 0, 0, B(9) } },
	/* NC and ApicIdSize; MCOMMIT, INT_WBINVD hidden, EferLmsleUnsupported set. */
	{ "leaf 0x80000008", 0x80000008, 0,
	  { 0, B(8) | B(13), 0xffu | 0xf000u, 0 }, { 0, B(20), 0, 0 } },
	{ "leaf 0x8000000a (SVM) zero", 0x8000000a, 0, { ALL, ALL, ALL, ALL }, { 0 } },
	{ "leaf 0x8000001d zero", 0x8000001d, 0, { ALL, ALL, ALL, ALL }, { 0 } },
	{ "leaf 0x8000001e zero", 0x8000001e, 0, { ALL, ALL, ALL, ALL }, { 0 } },
	{ "leaf 0x8000001f (SEV) zero", 0x8000001f, 0, { ALL, ALL, ALL, ALL }, { 0 } },
	/* UpperAddressIgnore hidden; AutomaticIBRS (bit 8) passes. */
	{ "leaf 0x80000021", 0x80000021, 0, { B(7), 0, 0, 0 }, { 0 } },
	{ "leaf 0 unchanged", 0x0, 0, { 0 }, { 0 } },
	{ "leaf 0xd unchanged", 0xd, 0, { 0 }, { 0 } },
	{ "leaf 0x80000000 unchanged", 0x80000000, 0, { 0 }, { 0 } },
	{ "leaf 0x80000007 unchanged", 0x80000007, 0, { 0 }, { 0 } },
};

static const uint32_t fills[] = { 0, 0xffffffffu, 0xa5a5a5a5u, 0x5a5a5a5au };

static void test_filter(void)
{
	static struct vmcb vmcb;
	char name[160];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct leaf_case *c = &cases[i];

		for (size_t f = 0; f < sizeof(fills) / sizeof(fills[0]); f++) {
			uint32_t r[4] = { fills[f], fills[f], fills[f], fills[f] };
			uint32_t want[4];

			for (int k = 0; k < 4; k++)
				want[k] = (fills[f] & ~c->clear[k]) | c->set[k];
			memset(&vmcb, 0, sizeof(vmcb));
			vmcb.state.cr4 = c->cr4;
			exit_cpuid_filter(&vmcb.state, c->leaf, 0, r);
			snprintf(name, sizeof(name), "%s, host 0x%08x", c->name, fills[f]);
			ut_ok(memcmp(r, want, sizeof(r)) == 0, name,
			      "got %08x %08x %08x %08x, wanted %08x %08x %08x %08x",
			      r[0], r[1], r[2], r[3], want[0], want[1], want[2], want[3]);
		}
	}
}

/* The hypervisor leaves 0x40000000..0x4fffffff, through exit_cpuid(). */
static void test_hv_leaves(void)
{
	static const struct {
		uint32_t leaf;
		uint32_t want[4];
	} hv[] = {
		/* max leaf 0x40000010, "BareMetalSVM" as EBX, ECX, EDX */
		{ 0x40000000, { 0x40000010, 0x65726142, 0x6174654d, 0x4d56536c } },
		{ 0x40000001, { 0, 0, 0, 0 } },
		/* timing leaf: TSC kHz (the stub below), LAPIC timer input kHz */
		{ 0x40000010, { 2345678, 1000000, 0, 0 } },
		{ 0x4000000f, { 0, 0, 0, 0 } },
		{ 0x40000011, { 0, 0, 0, 0 } },
		{ 0x40000100, { 0, 0, 0, 0 } },
		{ 0x4fffffff, { 0, 0, 0, 0 } },
	};
	static struct vmcb vmcb;
	struct svm_vcpu vcpu;
	char name[96];

	for (size_t i = 0; i < sizeof(hv) / sizeof(hv[0]); i++) {
		bool adv;

		memset(&vcpu, 0, sizeof(vcpu));
		vcpu.vmcb = &vmcb;
		vcpu.gpr[X86_GPR_RAX] = 0xdead0000ull << 32 | hv[i].leaf;
		vcpu.gpr[X86_GPR_RBX] = vcpu.gpr[X86_GPR_RCX] = vcpu.gpr[X86_GPR_RDX] = ~0ull;
		adv = exit_cpuid(NULL, &vcpu);
		snprintf(name, sizeof(name), "cpuid 0x%x: hypervisor leaf, upper halves cleared",
			 hv[i].leaf);
		ut_ok(adv && vcpu.gpr[X86_GPR_RAX] == hv[i].want[0] &&
		      vcpu.gpr[X86_GPR_RBX] == hv[i].want[1] &&
		      vcpu.gpr[X86_GPR_RCX] == hv[i].want[2] &&
		      vcpu.gpr[X86_GPR_RDX] == hv[i].want[3], name,
		      "got %llx %llx %llx %llx", (unsigned long long)vcpu.gpr[X86_GPR_RAX],
		      (unsigned long long)vcpu.gpr[X86_GPR_RBX],
		      (unsigned long long)vcpu.gpr[X86_GPR_RCX],
		      (unsigned long long)vcpu.gpr[X86_GPR_RDX]);
	}
}

/*
 * Leaves outside the hypervisor range go to the host CPU and through the
 * filter: leaf 0 (not filtered) matches the host's own CPUID 0, leaf 1
 * has the hypervisor bit and one logical CPU whatever this host is.
 */
static void test_host_leaves(void)
{
	static struct vmcb vmcb;
	struct svm_vcpu vcpu;
	uint32_t host[4];

	memset(&vcpu, 0, sizeof(vcpu));
	vcpu.vmcb = &vmcb;
	vcpu.gpr[X86_GPR_RAX] = 0;
	__asm__ volatile("cpuid" : "=a"(host[0]), "=b"(host[1]), "=c"(host[2]), "=d"(host[3])
			 : "a"(0), "c"(0));
	exit_cpuid(NULL, &vcpu);
	ut_ok(vcpu.gpr[X86_GPR_RAX] == host[0] && vcpu.gpr[X86_GPR_RBX] == host[1] &&
	      vcpu.gpr[X86_GPR_RCX] == host[2] && vcpu.gpr[X86_GPR_RDX] == host[3] &&
	      host[0] != 0, "cpuid 0 is the host's (max leaf, vendor)", "got %llx, host %x",
	      (unsigned long long)vcpu.gpr[X86_GPR_RAX], host[0]);
	memset(&vcpu, 0, sizeof(vcpu));
	vcpu.vmcb = &vmcb;
	vcpu.gpr[X86_GPR_RAX] = 1;
	exit_cpuid(NULL, &vcpu);
	ut_ok((vcpu.gpr[X86_GPR_RCX] & B(31)) && (vcpu.gpr[X86_GPR_RBX] >> 16) == 0x0001,
	      "cpuid 1 through the filter: hypervisor bit, APIC ID 0, one logical CPU",
	      "ebx %llx ecx %llx", (unsigned long long)vcpu.gpr[X86_GPR_RBX],
	      (unsigned long long)vcpu.gpr[X86_GPR_RCX]);
}

int main(void)
{
	test_filter();
	test_hv_leaves();
	test_host_leaves();
	return ut_done();
}
