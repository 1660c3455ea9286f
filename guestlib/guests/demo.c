/*
 * demo.c - guest "demo" (what ./run shows by default): a greeting, the CPU
 * mode, what CPUID reports (vendor, hypervisor bit, hypervisor signature)
 * and the boot information, then exit with status 0.
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_printf.h"

static void demo_sig(char out[13], const struct gl_cpuid *r, bool vendor)
{
	/* Leaf 0: EBX EDX ECX; leaf 0x40000000: EBX ECX EDX. */
	memcpy(out, &r->ebx, 4);
	memcpy(out + 4, vendor ? &r->edx : &r->ecx, 4);
	memcpy(out + 8, vendor ? &r->ecx : &r->edx, 4);
	out[12] = '\0';
}

void guest_main(void)
{
	const struct guest_bootinfo *bi = gl_bootinfo();
	struct gl_cpuid l0 = gl_cpuid(0, 0);
	struct gl_cpuid l1 = gl_cpuid(1, 0);
	bool hv = l1.ecx & X86_CPUID1_ECX_HYPERVISOR;
	char vendor[13], sig[13];

	demo_sig(vendor, &l0, true);
	gl_printf("Hello from the demo guest!\n");
	gl_printf("demo: running in 64-bit long mode (cr0=0x%lx cr4=0x%lx efer=0x%llx)\n",
	    gl_read_cr0(), gl_read_cr4(),
	    (unsigned long long)gl_rdmsr(X86_MSR_EFER));
	gl_printf("demo: cpu vendor \"%s\", family/model/stepping 0x%x\n", vendor,
	    l1.eax);
	gl_printf("demo: hypervisor bit %s\n", hv ? "set" : "clear");
	if (hv) {
		struct gl_cpuid s = gl_cpuid(GUEST_CPUID_HV_LEAF, 0);

		demo_sig(sig, &s, false);
		gl_printf("demo: hypervisor signature \"%s\", max leaf 0x%x\n", sig,
		    s.eax);
	}
	if (gl_bootinfo_valid())
		gl_printf("demo: ram_top=0x%llx host_ram=0x%llx args=\"%s\"\n",
		    (unsigned long long)bi->ram_top,
		    (unsigned long long)bi->host_ram, bi->args);
	else
		gl_printf("demo: no boot-info page at 0x%x\n", GUEST_BOOTINFO_GPA);
	gl_printf("demo: bye\n");
	gl_exit(0);
}
