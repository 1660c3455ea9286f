/*
 * gl_hv.c - svmhv detection and exit counters (see gl_hv.h).
 */
#include "gl.h"
#include "gl_cpu.h"
#include "gl_hv.h"
#include "gl_trap.h"

bool gl_hv_is_svmhv(void)
{
	struct gl_cpuid r;
	char sig[12];

	if (!(gl_cpuid(1, 0).ecx & X86_CPUID1_ECX_HYPERVISOR))
		return false;
	r = gl_cpuid(GUEST_CPUID_HV_LEAF, 0);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	return memcmp(sig, GUEST_CPUID_HV_SIG, 12) == 0;
}

struct gl_hv_count_op {
	uint32_t code;
	uint64_t count;
};

static void gl_hv_count_fn(void *arg)
{
	struct gl_hv_count_op *op = arg;
	unsigned long a = GUEST_VMMCALL_EXIT_COUNT;

	/* RAX in long mode; EAX (the low half) in the other modes. */
	__asm__ volatile("vmmcall" : "+a"(a) : "b"(op->code) : "rcx", "rdx", "memory");
	op->count = a;
}

int gl_hv_exit_count(uint32_t code, uint64_t *count)
{
	struct gl_hv_count_op op = { code, 0 };
	struct gl_fault f;

	if (gl_try(gl_hv_count_fn, &op, &f))
		return -1;
	*count = op.count;
	return 0;
}
