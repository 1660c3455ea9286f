/*
 * test_msr_policy.c - host tests for hv/msr_policy.c: the WRMSR value
 * checks of the MSRs the VMCB holds (canonical addresses by the guest's
 * paging mode, SFMASK, PAT) and the EFER feature table shared by CPUID
 * and WRMSR EFER.
 *
 * MSR numbers, EFER bits and CPUID bits are written out here from the
 * manuals (APM Vol.2 3.1.7 and Appendix A, APM Vol.3 Appendix E), not
 * taken from the hv headers, so that a wrong constant there shows up.
 * The central check is the property the table exists for: on any host,
 * the guest can set an EFER bit exactly when the CPUID it is shown
 * announces that feature.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../hv/msr_policy.h"
#include "utap.h"

#define CR4_LA57 (1ull << 12)
#define CR0_PG   (1ull << 31)

/* ---------------------------------------------------------------------- */
/* Value checks */

struct value_case {
	const char *name;
	uint32_t msr;
	uint64_t val;
	bool ok48, ok57;        /* with CR4.LA57 clear / set */
};

/* The MSRs that hold linear addresses (APM Vol.2 Appendix A). */
static const struct {
	const char *name;
	uint32_t msr;
} addr_msrs[] = {
	{ "SYSENTER_ESP", 0x175 }, { "SYSENTER_EIP", 0x176 }, { "LSTAR", 0xc0000082 },
	{ "CSTAR", 0xc0000083 }, { "FS_BASE", 0xc0000100 }, { "GS_BASE", 0xc0000101 },
	{ "KERNEL_GS_BASE", 0xc0000102 },
};

static const struct {
	const char *what;
	uint64_t val;
	bool ok48, ok57;
} addr_vals[] = {
	{ "0",                       0, true, true },
	{ "top of the low 47 bits",  0x00007fffffffffffull, true, true },
	{ "bit 47 alone",            0x0000800000000000ull, false, true },
	{ "low half of 57 bits",     0x00ffffffffffffffull, false, true },
	{ "bit 56 alone",            0x0100000000000000ull, false, false },
	{ "high half of 48 bits",    0xffff800000000000ull, true, true },
	{ "high half of 57 bits",    0xff00000012345000ull, false, true },
	{ "bit 63 alone",            0x8000000000000000ull, false, false },
	{ "bits 63..48, not 47",     0xffff000000000000ull, false, true },
};

static const struct value_case other_cases[] = {
	{ "SFMASK 32 bits",           0xc0000084, 0xffffffffull, true, true },
	{ "SFMASK bit 32",            0xc0000084, 0x100000000ull, false, false },
	{ "SFMASK bit 63",            0xc0000084, 0x8000000000000000ull, false, false },
	{ "PAT power-on value",       0x277, 0x0007040600070406ull, true, true },
	{ "PAT all types 0,1,4-7",    0x277, 0x0706050401000100ull, true, true },
	{ "PAT type 2 in entry 0",    0x277, 0x0007040600070402ull, false, false },
	{ "PAT type 3 in entry 4",    0x277, 0x0007040300070406ull, false, false },
	{ "PAT type 8 in entry 7",    0x277, 0x0807040600070406ull, false, false },
	{ "PAT 0xff in entry 3",      0x277, 0x00070406ff070406ull, false, false },
	{ "STAR any value",           0xc0000081, 0xffffffffffffffffull, true, true },
	{ "SYSENTER_CS any value",    0x174, 0xffffffffffffffffull, true, true },
};

static void test_values(void)
{
	char name[128];

	for (size_t m = 0; m < sizeof(addr_msrs) / sizeof(addr_msrs[0]); m++) {
		for (size_t v = 0; v < sizeof(addr_vals) / sizeof(addr_vals[0]); v++) {
			bool got48 = msr_policy_value_ok(addr_msrs[m].msr, addr_vals[v].val, 0);
			bool got57 = msr_policy_value_ok(addr_msrs[m].msr, addr_vals[v].val,
							 CR4_LA57);

			snprintf(name, sizeof(name), "%s %s: %s with 4-level, %s with 5-level paging",
				 addr_msrs[m].name, addr_vals[v].what,
				 addr_vals[v].ok48 ? "ok" : "#GP", addr_vals[v].ok57 ? "ok" : "#GP");
			ut_ok(got48 == addr_vals[v].ok48 && got57 == addr_vals[v].ok57, name,
			      "got %d/%d", got48, got57);
		}
	}
	for (size_t i = 0; i < sizeof(other_cases) / sizeof(other_cases[0]); i++) {
		const struct value_case *c = &other_cases[i];
		bool got48 = msr_policy_value_ok(c->msr, c->val, 0);
		bool got57 = msr_policy_value_ok(c->msr, c->val, CR4_LA57);

		ut_ok(got48 == c->ok48 && got57 == c->ok57, c->name, "got %d/%d", got48, got57);
	}
}

/* ---------------------------------------------------------------------- */
/* EFER features: a fake host CPUID */

enum { EAX, EBX, ECX, EDX };

/* The EFER features and their CPUID bits, from the manuals. */
static const struct {
	const char *name;
	uint64_t efer;
	uint32_t leaf;
	int reg;
	uint32_t bit;
	bool absent_if_set;     /* Fn8000_0008 EBX[20] EferLmsleUnsupported */
} features[] = {
	{ "SCE",     1ull << 0,  0x80000001, EDX, 1u << 11, false },
	{ "LME",     1ull << 8,  0x80000001, EDX, 1u << 29, false },
	{ "NXE",     1ull << 11, 0x80000001, EDX, 1u << 20, false },
	{ "SVME",    1ull << 12, 0x80000001, ECX, 1u << 2,  false },
	{ "LMSLE",   1ull << 13, 0x80000008, EBX, 1u << 20, true },
	{ "FFXSR",   1ull << 14, 0x80000001, EDX, 1u << 25, false },
	{ "TCE",     1ull << 15, 0x80000001, ECX, 1u << 17, false },
	{ "MCOMMIT", 1ull << 17, 0x80000008, EBX, 1u << 8,  false },
	{ "INTWB",   1ull << 18, 0x80000008, EBX, 1u << 13, false },
	{ "UAIE",    1ull << 20, 0x80000021, EAX, 1u << 7,  false },
	{ "AIBRSE",  1ull << 21, 0x80000021, EAX, 1u << 8,  false },
};
#define NFEATURES (sizeof(features) / sizeof(features[0]))
/* Offered to the guest when the host has them (msr_policy.c's policy). */
#define OFFERED (1ull << 0 | 1ull << 8 | 1ull << 11 | 1ull << 14 | 1ull << 15 | 1ull << 21)
#define EFER_LMA (1ull << 10)
#define EFER_SVME (1ull << 12)

static uint32_t host_max_ext;
static uint32_t host_regs[0x22][4];     /* leaves 0x80000000 + i */
static unsigned host_calls_past_max;

static void fake_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	(void)subleaf;
	memset(r, 0, 4 * sizeof(r[0]));
	if (leaf == 0x80000000u) {
		r[0] = host_max_ext;
		return;
	}
	if (leaf > host_max_ext)
		host_calls_past_max++;
	/* Like an Intel CPU, answer a leaf past the maximum with garbage. */
	if (leaf > host_max_ext || leaf < 0x80000000u || leaf >= 0x80000022u) {
		r[0] = r[1] = r[2] = r[3] = 0xffffffffu;
		return;
	}
	memcpy(r, host_regs[leaf - 0x80000000u], 4 * sizeof(r[0]));
}

/* A host with exactly the features in mask (by EFER bit), max leaf max_ext. */
static void host_set(uint64_t mask, uint32_t max_ext)
{
	memset(host_regs, 0, sizeof(host_regs));
	host_max_ext = max_ext;
	host_calls_past_max = 0;
	for (size_t i = 0; i < NFEATURES; i++) {
		bool has = (mask & features[i].efer) != 0;

		if (has != features[i].absent_if_set)
			host_regs[features[i].leaf - 0x80000000u][features[i].reg] |= features[i].bit;
	}
}

/* The guest's view of a feature: its CPUID after msr_policy_efer_cpuid(). */
static bool guest_sees(size_t i)
{
	uint32_t r[4];

	fake_cpuid(features[i].leaf, 0, r);
	msr_policy_efer_cpuid(features[i].leaf, r);
	return ((r[features[i].reg] & features[i].bit) != 0) != features[i].absent_if_set;
}

static void test_efer_hosts(void)
{
	static const struct {
		const char *name;
		uint64_t host;
		uint32_t max_ext;
		uint64_t want;          /* writable, LMA aside */
	} hosts[] = {
		{ "host with every feature", ~0ull, 0x80000021, OFFERED },
		{ "host with none", 0, 0x80000021, 0 },
		{ "64-bit host without extras", 1ull << 0 | 1ull << 8 | 1ull << 11, 0x80000008,
		  1ull << 0 | 1ull << 8 | 1ull << 11 },
		{ "AutoIBRS bit past the max leaf", ~0ull, 0x80000008, OFFERED & ~(1ull << 21) },
		{ "max leaf 0x80000000: nothing", ~0ull, 0x80000000, 0 },
		{ "FFXSR only", 1ull << 14, 0x80000021, 1ull << 14 },
		{ "TCE only", 1ull << 15, 0x80000021, 1ull << 15 },
		{ "AutoIBRS only", 1ull << 21, 0x80000021, 1ull << 21 },
		{ "hidden features only", 1ull << 12 | 1ull << 13 | 1ull << 17 | 1ull << 18 |
		  1ull << 20, 0x80000021, 0 },
	};
	char name[160];

	for (size_t h = 0; h < sizeof(hosts) / sizeof(hosts[0]); h++) {
		uint64_t w;

		host_set(hosts[h].host, hosts[h].max_ext);
		w = msr_policy_efer_writable(fake_cpuid);
		snprintf(name, sizeof(name), "%s: writable EFER bits", hosts[h].name);
		ut_ok(w == (hosts[h].want | EFER_LMA), name, "wanted 0x%llx, got 0x%llx",
		      (unsigned long long)(hosts[h].want | EFER_LMA), (unsigned long long)w);
		snprintf(name, sizeof(name), "%s: no feature leaf past the max is read",
			 hosts[h].name);
		ut_ok(host_calls_past_max == 0, name, "%u calls", host_calls_past_max);
		/* The property: the guest may set a bit iff its CPUID shows the
		 * feature (leaves past the max show nothing to the guest either,
		 * so only leaves the host has are compared). */
		for (size_t i = 0; i < NFEATURES; i++) {
			bool sees = features[i].leaf <= hosts[h].max_ext && guest_sees(i);

			snprintf(name, sizeof(name), "%s: %s %s in CPUID and %s in EFER",
				 hosts[h].name, features[i].name, sees ? "shown" : "hidden",
				 sees ? "writable" : "#GP");
			ut_ok(sees == ((w & features[i].efer) != 0), name, "writable 0x%llx",
			      (unsigned long long)w);
		}
	}
}

static void test_efer_cpuid_other_bits(void)
{
	static const uint32_t leaves[] = { 0x1, 0x7, 0x80000001, 0x80000008, 0x80000021 };
	/* Bits the filter may change: the hidden features' (APM numbers). */
	static const uint32_t changed[][4] = {
		{ 0, 0, 0, 0 }, { 0, 0, 0, 0 },
		{ 0, 0, 1u << 2, 0 },
		{ 0, 1u << 8 | 1u << 13 | 1u << 20, 0, 0 },
		{ 1u << 7, 0, 0, 0 },
	};
	static const uint32_t fills[] = { 0, 0xffffffffu, 0xa5a5a5a5u, 0x5a5a5a5au };
	char name[128];

	for (size_t l = 0; l < sizeof(leaves) / sizeof(leaves[0]); l++) {
		for (size_t f = 0; f < sizeof(fills) / sizeof(fills[0]); f++) {
			uint32_t r[4] = { fills[f], fills[f], fills[f], fills[f] };
			bool same = true;

			msr_policy_efer_cpuid(leaves[l], r);
			for (int k = 0; k < 4; k++)
				same &= ((r[k] ^ fills[f]) & ~changed[l][k]) == 0;
			snprintf(name, sizeof(name), "leaf 0x%x from 0x%08x: only hidden features' "
				 "bits change", leaves[l], fills[f]);
			ut_ok(same, name, "%08x %08x %08x %08x", r[0], r[1], r[2], r[3]);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* EFER writes */

struct efer_case {
	const char *name;
	uint64_t efer, val, cr0, writable;
	bool ok;
	uint64_t want;          /* VMCB EFER after (unchanged when !ok) */
};

#define SCE  (1ull << 0)
#define LME  (1ull << 8)
#define LMA  (1ull << 10)
#define NXE  (1ull << 11)
#define SVME (1ull << 12)
#define W    (SCE | LME | LMA | NXE)

static const struct efer_case efer_cases[] = {
	{ "NXE set",                       SVME, NXE, 0, W, true, SVME | NXE },
	{ "SCE and NXE set, LME clear",    SVME | LME, SCE | NXE, 0, W, true, SVME | SCE | NXE },
	{ "bit outside writable",          SVME, 1ull << 14, 0, W, false, SVME },
	{ "same bit when writable",        SVME, 1ull << 14, 0, W | (1ull << 14), true,
	  SVME | (1ull << 14) },
	{ "SVME is never writable",        SVME, SVME, 0, W, false, SVME },
	{ "reserved bit 63",               SVME, 1ull << 63, 0, W, false, SVME },
	{ "LME set with paging off",       SVME, LME, 0x11, W, true, SVME | LME },
	{ "LME set with paging on",        SVME, LME, CR0_PG | 1, W, false, SVME },
	{ "LME clear with paging on",      SVME | LME | LMA, LMA, CR0_PG | 1, W, false,
	  SVME | LME | LMA },
	{ "LME kept with paging on",       SVME | LME | LMA, LME | NXE, CR0_PG | 1, W, true,
	  SVME | LME | LMA | NXE },
	{ "LMA written 1 is ignored",      SVME, LMA, 0, W, true, SVME },
	{ "LMA written 0 is ignored",      SVME | LME | LMA, LME, CR0_PG, W, true,
	  SVME | LME | LMA },
	{ "0 clears all but SVME",         SVME | SCE | NXE, 0, 0, W, true, SVME },
};

static void test_efer_write(void)
{
	for (size_t i = 0; i < sizeof(efer_cases) / sizeof(efer_cases[0]); i++) {
		const struct efer_case *c = &efer_cases[i];
		uint64_t efer = c->efer;
		bool ok = msr_policy_efer_write(&efer, c->val, c->cr0, c->writable);

		ut_ok(ok == c->ok && efer == c->want, c->name, "ok %d efer 0x%llx, wanted %d 0x%llx",
		      ok, (unsigned long long)efer, c->ok, (unsigned long long)c->want);
	}
}

/*
 * TSC_AUX exists with RDTSCP (CPUID 0x80000001 EDX[27]) or RDPID (CPUID
 * 7.0 ECX[22]); a leaf beyond the CPU's maximum must not be believed (a
 * real CPU returns the highest basic leaf's data for it).
 */
struct tsc_aux_host {
	uint32_t max_basic, max_ext;
	uint32_t ext1_edx, leaf7_ecx;
};
static struct tsc_aux_host aux_host;

static void aux_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	(void)subleaf;
	memset(r, 0, 4 * sizeof(r[0]));
	if (leaf == 0)
		r[0] = aux_host.max_basic;
	else if (leaf == 0x80000000u)
		r[0] = aux_host.max_ext;
	else if (leaf == 0x80000001u && leaf <= aux_host.max_ext)
		r[3] = aux_host.ext1_edx;
	else if (leaf == 7 && leaf <= aux_host.max_basic)
		r[2] = aux_host.leaf7_ecx;
	else if (leaf == 0x80000001u || leaf == 7)
		r[2] = r[3] = 0xffffffffu;      /* beyond the maximum: garbage */
}

static void test_tsc_aux(void)
{
	static const struct {
		const char *name;
		struct tsc_aux_host host;
		bool want;
	} cases[] = {
		{ "TSC_AUX: RDTSCP",                     { 0xd, 0x80000008u, 1u << 27, 0 }, true },
		{ "TSC_AUX: RDPID only",                 { 0xd, 0x80000008u, 0, 1u << 22 }, true },
		{ "TSC_AUX: neither",                    { 0xd, 0x80000008u, ~(1u << 27), ~(1u << 22) }, false },
		{ "TSC_AUX: RDTSCP, max ext leaf 0x80000001", { 0x1, 0x80000001u, 1u << 27, 0 }, true },
		{ "TSC_AUX: no leaf 0x80000001, no leaf 7", { 0x6, 0x80000000u, 0, 0 }, false },
		{ "TSC_AUX: RDPID with max basic leaf 7", { 0x7, 0x80000000u, 0, 1u << 22 }, true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got;

		aux_host = cases[i].host;
		got = msr_policy_has_tsc_aux(aux_cpuid);
		ut_ok(got == cases[i].want, cases[i].name, "got %d, wanted %d", got, cases[i].want);
	}
}

int main(void)
{
	test_tsc_aux();
	test_values();
	test_efer_hosts();
	test_efer_cpuid_other_bits();
	test_efer_write();
	return ut_done();
}
